#![allow(clippy::unwrap_used, clippy::expect_used)]

use archrank_core::architecture::softmax_groups;
use archrank_core::dims::{ENCODED_DIM, FEATURE_HIDDEN, LABEL_AT, SET_EMBED, SHAPE_AT, TOP_K};
use archrank_core::network::{TENSOR_NAMES, tensor};
use archrank_core::{
    Encoded, LossKind, Network, Paper, Preset, PresetId, Ranker, RankerForm, Tiny,
};

use super::*;
use crate::database::{Database, Purpose, RunKey, RunRecord};
use crate::populate::arch_sampling::sample_architecture;
use crate::rng::Rng;
use crate::task::{Features, Task};

/// Set values per synthetic sample.
const SYNTH_WIDTH: usize = 5;

/// A synthetic world: every task has a latent s in [-1, 1] that shifts its samples' values
/// (differently per class) and tilts which architectures are good, so z must see s to rank well.
pub(crate) struct Synth {
    pref0: Vec<f32>,
    pref1: Vec<f32>,
    rng: Rng,
}

impl Synth {
    pub(crate) fn new<P: Preset>(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut normal = |n: usize| (0..n).map(|_| rng.normal() as f32).collect::<Vec<_>>();
        let pref0 = normal(P::ARCH_DIM);
        let pref1 = normal(P::ARCH_DIM);
        Self { pref0, pref1, rng: Rng::new(seed ^ 0xABCD) }
    }

    pub(crate) fn task<P: Preset>(&mut self, name: &str, samples: usize, runs: usize) -> FitTask {
        let rng = &mut self.rng;
        let s = (rng.uniform() * 2.0 - 1.0) as f32;
        let mut encoded = EncodedSamples::default();
        for i in 0..samples {
            let slot = i % 3;
            let mut x = Encoded::zeros();
            x[LABEL_AT + slot] = 1.0;
            for k in SHAPE_AT..ENCODED_DIM {
                x[k] = 0.1 * (k - SHAPE_AT) as f32 * s;
            }
            let values: Vec<f32> = (0..SYNTH_WIDTH)
                .map(|j| {
                    (0.4 * s * (slot as f32 - 1.0) + 0.1 * j as f32 + 0.3 * rng.normal() as f32)
                        .clamp(-1.0, 1.0)
                })
                .collect();
            encoded.push(&x, &values);
        }
        let runs = (0..runs)
            .map(|_| {
                let arch = sample_architecture(&P::LAYOUT, rng);
                let mut soft = vec![0.0; P::ARCH_DIM];
                softmax_groups(&P::LAYOUT, &arch, &mut soft);
                let quality: f32 = soft
                    .iter()
                    .zip(self.pref0.iter().zip(&self.pref1))
                    .map(|(x, (a, b))| x * (a + s * b))
                    .sum();
                let target = 0.7 + 0.05 * (0.5 * quality).tanh() + 0.003 * rng.normal() as f32;
                FitRun { arch, target }
            })
            .collect();
        FitTask::new(name.to_owned(), encoded, runs)
    }

    pub(crate) fn data<P: Preset>(&mut self, tasks: usize, samples: usize, runs: usize) -> FitData {
        FitData {
            preset: P::LAYOUT.preset,
            metric: Metric::ValAcc,
            tasks: (0..tasks).map(|k| self.task::<P>(&format!("task{k}"), samples, runs)).collect(),
            skipped: Vec::new(),
        }
    }
}

// ---- an independent f64 reference of the network and the losses ----

fn affine(w: &[f64], b: &[f64], x: &[f64]) -> Vec<f64> {
    let mut out = b.to_vec();
    for (xi, row) in x.iter().zip(w.chunks_exact(b.len())) {
        for (o, wv) in out.iter_mut().zip(row) {
            *o += xi * wv;
        }
    }
    out
}

fn relu(v: Vec<f64>) -> Vec<f64> {
    v.into_iter().map(|x| x.max(0.0)).collect()
}

/// The set summary of `batch` in f64.
fn reference_summary(t: &dyn Fn(usize) -> Vec<f64>, batch: &SampleBatch<'_>) -> Vec<f64> {
    let samples = &batch.task.samples;
    let width = samples.values(batch.rows[0]).len();
    let (wv, wl, b) = (t(tensor::FEATURE_WV), t(tensor::FEATURE_WL), t(tensor::FEATURE_B));
    let mut summary = vec![0.0; SET_EMBED];
    for j in 0..width {
        let mut mean = vec![0.0; FEATURE_HIDDEN];
        for &i in &batch.rows {
            let v = f64::from(samples.values(i)[j]);
            let slot = samples.slot(i);
            for k in 0..FEATURE_HIDDEN {
                let f = (b[k] + wl[slot * FEATURE_HIDDEN + k] + v * wv[k]).max(0.0);
                mean[k] += f / batch.rows.len() as f64;
            }
        }
        let hidden = relu(affine(&t(tensor::SET1_W), &t(tensor::SET1_B), &mean));
        for (s, o) in
            summary.iter_mut().zip(affine(&t(tensor::SET2_W), &t(tensor::SET2_B), &hidden))
        {
            *s += o.tanh() / width as f64;
        }
    }
    summary
}

fn reference_loss<P: Preset>(params: &[f64], batch: &StepBatch<'_>, config: &FitConfig) -> f64 {
    let r = tensor_ranges(P::ARCH_DIM);
    let t = |i: usize| params[r[i].clone()].to_vec();
    let summary = reference_summary(&t, &batch.samples);
    let task = batch.samples.task;
    let mut z: Vec<f64> = summary.clone();
    z.extend(task.samples.scalars().iter().map(|&v| f64::from(v)));
    z.extend(task.landmarks.iter().map(|_| 0.0));
    // A tower's layers after its first matrix product: (b1, w2, b2, w3, b3).
    let tower = |[b1, w2, b2, w3, b3]: [usize; 5], first: Vec<f64>| -> f64 {
        let h1 = relu(first.iter().zip(&t(b1)).map(|(a, b)| a + b).collect());
        let h2 = relu(affine(&t(w2), &t(b2), &h1));
        affine(&t(w3), &t(b3), &h2)[0]
    };
    let residual = [tensor::RHO1_B, tensor::RHO2_W, tensor::RHO2_B, tensor::RHO3_W, tensor::RHO3_B];
    let backbone = [
        tensor::BACKBONE1_B,
        tensor::BACKBONE2_W,
        tensor::BACKBONE2_B,
        tensor::BACKBONE3_W,
        tensor::BACKBONE3_B,
    ];
    let mut penalty = 0.0;
    let scores: Vec<f64> = batch
        .archs
        .iter()
        .map(|u| {
            let mut soft = vec![0.0; u.len()];
            for g in 0..P::LAYOUT.group_count() {
                let (off, len) = P::LAYOUT.group(g);
                let max = u[off..off + len].iter().copied().fold(f32::MIN, f32::max);
                let e: Vec<f64> =
                    u[off..off + len].iter().map(|&v| f64::from(v - max).exp()).collect();
                let sum: f64 = e.iter().sum();
                for (s, ev) in soft[off..off + len].iter_mut().zip(e) {
                    *s = ev / sum;
                }
            }
            let zeros = vec![0.0; t(tensor::RHO1_B).len()];
            let mut first = affine(&t(tensor::RHO1_WU), &zeros, &soft);
            for (p, q) in first.iter_mut().zip(affine(&t(tensor::RHO1_WZ), &zeros, &z)) {
                *p += q;
            }
            let h = tower(residual, first);
            penalty += h * h;
            if config.form == RankerForm::Paper {
                return h;
            }
            tower(backbone, affine(&t(tensor::BACKBONE1_W), &zeros, &soft)) + h
        })
        .collect();
    let p: Vec<f64> = batch.targets.iter().map(|&v| f64::from(v)).collect();
    let (m, gap) = (f64::from(config.margin), f64::from(config.gap));
    let mut loss = match config.loss {
        LossKind::L2 => {
            scores.iter().zip(&p).map(|(v, p)| (v - p) * (v - p)).sum::<f64>() / scores.len() as f64
        }
        kind => {
            let pairs = scores.len() / 2;
            let mut total = 0.0;
            for k in 0..pairs {
                let (a, b) = (2 * k, 2 * k + 1);
                let diff = if p[a] - p[b] > gap {
                    scores[a] - scores[b]
                } else if p[b] - p[a] > gap {
                    scores[b] - scores[a]
                } else {
                    continue;
                };
                let h = (m - diff).max(0.0);
                total += if kind == LossKind::Linear { h } else { h * h / m };
            }
            total / pairs as f64
        }
    };
    if config.form == RankerForm::Residual {
        loss += f64::from(config.residual_penalty) * penalty / scores.len() as f64;
    }
    if let Some((pos, neg)) = &batch.same_task {
        let (sp, sn) = (reference_summary(&t, pos), reference_summary(&t, neg));
        let d2 =
            |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>();
        let hinge = f64::from(SAME_TASK_MARGIN) + d2(&summary, &sp) - d2(&summary, &sn);
        loss += f64::from(config.same_task_weight) * hinge.max(0.0);
    }
    loss
}

fn gradient_check<P: Preset>(kind: LossKind, form: RankerForm) {
    let mut synth = Synth::new::<P>(11);
    let task = synth.task::<P>("t", 8, 8);
    let other = synth.task::<P>("u", 6, 2);
    let mut params = init_params::<P>(5, form);
    // Non-zero biases so that every bias gradient is exercised away from 0.
    let mut rng = Rng::new(9);
    let r = tensor_ranges(P::ARCH_DIM);
    for (i, p) in params.iter_mut().enumerate() {
        let backbone = r[tensor::BACKBONE1_W].start <= i && i < r[tensor::BACKBONE3_B].end;
        if form == RankerForm::Residual || !backbone {
            *p += (rng.normal() * 0.05) as f32;
        }
    }
    let mut targets: Vec<f32> = task.runs.iter().map(|r| r.target).collect();
    // Pairs 0..2 are far apart; pair 3 lies within the gap and must contribute nothing.
    targets[..6].copy_from_slice(&[0.9, 0.6, 0.2, 0.5, 0.8, 0.3]);
    targets[6] = 0.5;
    targets[7] = 0.505;
    let batch = StepBatch {
        samples: SampleBatch { task: &task, rows: vec![0, 1, 2, 3, 4] },
        archs: task.runs.iter().map(|r| r.arch.as_slice()).collect(),
        targets,
        same_task: Some((
            SampleBatch { task: &task, rows: vec![5, 6, 7] },
            SampleBatch::all(&other),
        )),
    };
    // A wide margin keeps every hinge active, away from its kink; a large "same task?" weight
    // makes its gradient visible next to the ranking loss's.
    let config = FitConfig {
        loss: kind,
        form,
        margin: 20.0,
        gap: 0.01,
        residual_penalty: 0.5,
        same_task_weight: 2.0,
        ..FitConfig::default()
    };
    let mut grad = vec![0.0; params.len()];
    let loss = loss_and_gradient::<P>(&params, &batch, &config, &mut grad).unwrap();
    let as_f64: Vec<f64> = params.iter().map(|&v| f64::from(v)).collect();
    let reference = reference_loss::<P>(&as_f64, &batch, &config);
    assert!(
        (f64::from(loss) - reference).abs() < 1e-4 * (1.0 + reference.abs()),
        "{loss} vs {reference}"
    );
    let h = 1e-5;
    for (t, range) in tensor_ranges(P::ARCH_DIM).into_iter().enumerate() {
        // A few spread entries and the largest gradient of each tensor.
        let largest =
            range.clone().max_by(|&a, &b| grad[a].abs().total_cmp(&grad[b].abs())).unwrap();
        let n = range.len();
        let picks =
            [range.start, range.start + n / 3, range.start + 2 * n / 3, range.end - 1, largest];
        for i in picks {
            let mut plus = as_f64.clone();
            plus[i] += h;
            let mut minus = as_f64.clone();
            minus[i] -= h;
            let fd = (reference_loss::<P>(&plus, &batch, &config)
                - reference_loss::<P>(&minus, &batch, &config))
                / (2.0 * h);
            let analytic = f64::from(grad[i]);
            assert!(
                (fd - analytic).abs() <= 1e-4 + 2e-3 * fd.abs(),
                "{kind:?} {form:?} {}[{}]: analytic {analytic} vs finite difference {fd}",
                TENSOR_NAMES[t],
                i - range.start
            );
        }
        let moved = grad[range].iter().any(|&g| g != 0.0);
        let name = TENSOR_NAMES[t];
        // A ranking loss only sees score differences: the backbone's output bias gets no
        // gradient; the paper's form has no backbone at all.
        // (In the residual form the penalty on h still moves h's output bias.)
        let shift_invariant = kind != LossKind::L2 && name == "backbone3.bias";
        let paper = form == RankerForm::Paper
            && (name.starts_with("backbone") || (kind != LossKind::L2 && name == "rho3.bias"));
        let still = shift_invariant || paper;
        assert!(moved != still, "{kind:?} {form:?}: {name} gradient {moved}");
    }
}

#[test]
fn every_tensor_gradient_matches_finite_differences() {
    for kind in LossKind::ALL {
        gradient_check::<Tiny>(kind, RankerForm::Residual);
    }
    gradient_check::<Tiny>(LossKind::Linear, RankerForm::Paper);
    gradient_check::<Paper>(LossKind::Quadratic, RankerForm::Residual);
}

#[test]
fn pairs_within_the_gap_give_no_gradient() {
    let mut synth = Synth::new::<Tiny>(2);
    let task = synth.task::<Tiny>("t", 4, 2);
    let params = init_params::<Tiny>(1, RankerForm::Paper);
    let batch = StepBatch {
        samples: SampleBatch::all(&task),
        archs: task.runs.iter().map(|r| r.arch.as_slice()).collect(),
        targets: vec![0.7, 0.705],
        same_task: None,
    };
    let mut grad = vec![1.0; params.len()];
    let config = FitConfig { form: RankerForm::Paper, ..FitConfig::default() };
    let loss = loss_and_gradient::<Tiny>(&params, &batch, &config, &mut grad).unwrap();
    assert_eq!(loss, 0.0);
    assert!(grad.iter().all(|&g| g == 0.0));
}

fn short_config(loss: LossKind, steps: u32) -> FitConfig {
    FitConfig {
        loss,
        steps,
        optimizer: Optimizer::Adam,
        lr: 1e-3,
        log_every: 10,
        ..FitConfig::default()
    }
}

#[test]
fn trainer_scores_are_the_cores_bit_for_bit() {
    let mut synth = Synth::new::<Tiny>(3);
    let data = synth.data::<Tiny>(3, 40, 6);
    let result = fit::<Tiny>(&data, &short_config(LossKind::Linear, 30), &|_, _| {}).unwrap();
    let bytes = fitted_weights_bytes::<Tiny>(&data, &result, &WeightsMeta::default()).unwrap();
    let ranker = Ranker::<Tiny>::load(&bytes).unwrap();
    let task = &data.tasks[1];
    let archs: Vec<&[f32]> = task.runs.iter().map(|r| r.arch.as_slice()).collect();
    // The trainer's forward pass, as a step computes it.
    let le = le_params(&result.params);
    let net = Network::<Tiny>::from_params(&le, result.config.form).unwrap();
    let product = TaskInputs::PRODUCT;
    let trainer = forward(&net, &SampleBatch::all(task), product, &archs);
    // The core's, from the loaded file.
    let mut embedder = archrank_core::Embedder::default();
    for (i, x) in task.samples.encoded().iter().enumerate() {
        embedder.add(ranker.network(), x, task.samples.values(i));
    }
    let z = embedder.embedding(ranker.network());
    assert_eq!(z, trainer.z);
    let scorer = ranker.network().scorer(&z);
    for (u, &v) in archs.iter().zip(&trainer.scores) {
        assert_eq!(scorer.score(u).to_bits(), v.to_bits());
    }
    let predicted = predict_scores(ranker.network(), task, product, &archs);
    assert_eq!(
        predicted.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        trainer.scores.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    let from_params = predict_scores_with_params::<Tiny, _>(
        &result.params,
        result.config.form,
        task,
        product,
        &archs,
    );
    assert_eq!(from_params, Some(predicted));
}

#[test]
fn weights_file_loads_with_tasks_embeddings_and_top_runs() {
    let mut synth = Synth::new::<Tiny>(4);
    let mut data = synth.data::<Tiny>(3, 20, 8);
    data.tasks[2].runs.truncate(2);
    let result = fit::<Tiny>(&data, &short_config(LossKind::Quadratic, 10), &|_, _| {}).unwrap();
    let meta = WeightsMeta { database_hash: "abc", note: "held out: none", created_unix: 7 };
    let bytes = fitted_weights_bytes_for(&data, &result, &meta).unwrap();
    let ranker = Ranker::<Tiny>::load(&bytes).unwrap();
    let header = ranker.header();
    assert_eq!(header.fit.loss, LossKind::Quadratic);
    assert_eq!(header.fit.form, RankerForm::Residual);
    assert_eq!(header.fit.steps, 10);
    assert_eq!(header.provenance.database_hash, "abc");
    assert_eq!(header.provenance.trainer_version, env!("CARGO_PKG_VERSION"));
    let tasks = ranker.tasks();
    assert_eq!(tasks.len(), 3);
    for (i, task) in data.tasks.iter().enumerate() {
        assert_eq!(tasks.name(i), task.name);
        assert_eq!(tasks.embedding(i), task_embedding(ranker.network(), task, TaskInputs::PRODUCT));
        let mut best: Vec<f32> = task.runs.iter().map(|r| r.target).collect();
        best.sort_by(|a, b| b.total_cmp(a));
        for rank in 0..TOP_K {
            let expected = best.get(rank).copied().unwrap_or(best[0]);
            assert_eq!(tasks.top_score(i, rank), expected);
        }
        for (rank, run) in top_runs(task).into_iter().enumerate() {
            let mut u = [0.0; Tiny::ARCH_DIM];
            tasks.top_arch_into(i, rank, Tiny::ARCH_DIM, &mut u);
            assert_eq!(u.as_slice(), task.runs[run].arch.as_slice());
        }
    }
    // Each distinct top architecture is stored once.
    let mut distinct: Vec<Vec<u32>> = data
        .tasks
        .iter()
        .flat_map(|t| {
            top_runs(t).into_iter().map(|r| t.runs[r].arch.iter().map(|v| v.to_bits()).collect())
        })
        .collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(tasks.arch_count(), distinct.len());
    // Written to disk and read back unchanged.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ranker.postcard");
    crate::atomic_file::write(&path, &bytes).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    // A result does not go with other data.
    assert!(fitted_weights_bytes::<Tiny>(&data.without("task0"), &result, &meta).is_err());
    assert!(fitted_weights_bytes::<Paper>(&data, &result, &meta).is_err());
}

#[test]
fn fits_are_seeded_and_reduce_the_loss() {
    let mut synth = Synth::new::<Tiny>(5);
    let data = synth.data::<Tiny>(6, 64, 30);
    for loss in LossKind::ALL {
        let config = FitConfig { log_every: 100, ..short_config(loss, 600) };
        let calls = std::cell::Cell::new(0);
        let a = fit::<Tiny>(&data, &config, &|_, _| calls.set(calls.get() + 1)).unwrap();
        assert_eq!(calls.get(), 6);
        let b = fit_preset(&data, &config, &|_, _| {}).unwrap();
        assert_eq!(a.params, b.params);
        assert_eq!(a.curve, b.curve);
        let first = a.curve[0].loss;
        let last = a.final_loss().unwrap();
        assert!(last < 0.8 * first, "{loss:?}: loss {first} -> {last}");
    }
    let other =
        fit::<Tiny>(&data, &FitConfig { seed: 1, ..short_config(LossKind::Linear, 5) }, &|_, _| {})
            .unwrap();
    assert_ne!(
        other.params,
        fit::<Tiny>(&data, &short_config(LossKind::Linear, 5), &|_, _| {}).unwrap().params
    );
}

/// Centered L2 reads a run's standing within its task: shifting a task's every target by one
/// amount changes nothing, where the paper's raw L2 must learn the shift.
#[test]
fn centered_l2_ignores_a_tasks_level() {
    let mut synth = Synth::new::<Tiny>(8);
    let data = synth.data::<Tiny>(4, 32, 20);
    let mut shifted = data.clone();
    for (k, task) in shifted.tasks.iter_mut().enumerate() {
        task.runs.iter_mut().for_each(|r| r.target -= 0.125 * k as f32);
    }
    let fitted = |d: &FitData, centered: bool| {
        let config = FitConfig { l2_centered: centered, ..short_config(LossKind::L2, 40) };
        fit::<Tiny>(d, &config, &|_, _| {}).unwrap().params
    };
    let gap =
        |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
    assert!(gap(&fitted(&data, true), &fitted(&shifted, true)) < 1e-4);
    assert!(gap(&fitted(&data, false), &fitted(&shifted, false)) > 1e-3);
}

#[test]
fn bad_settings_and_data_are_refused() {
    let mut synth = Synth::new::<Tiny>(6);
    let data = synth.data::<Tiny>(2, 4, 3);
    let none = &|_: u32, _: f32| {};
    assert!(fit::<Paper>(&data, &FitConfig::default(), none).is_err());
    assert!(fit::<Tiny>(&data, &FitConfig { lr: 0.0, ..FitConfig::default() }, none).is_err());
    assert!(
        fit::<Tiny>(&data, &FitConfig { metric: Metric::NegValXent, ..FitConfig::default() }, none)
            .is_err()
    );
    let mut short = data.clone();
    short.tasks[0].runs.truncate(1);
    assert!(fit::<Tiny>(&short, &FitConfig::default(), none).is_err());
    let without = data.without("task0");
    assert_eq!(without.task_names(), vec!["task1".to_owned()]);
    assert!(without.task("task0").is_none() && data.task("task0").is_some());
}

fn run(
    task: &str,
    preset: PresetId,
    index: u32,
    arch: Vec<f32>,
    val_acc: f64,
    purpose: Purpose,
) -> RunRecord {
    RunRecord {
        key: RunKey {
            task: task.into(),
            preset,
            plan_seed: 1,
            arch_index: index,
            child_seed: 2,
            purpose,
        },
        arch,
        val_acc,
        test_acc: 0.5,
        val_balanced_acc: 0.5,
        test_balanced_acc: 0.5,
        val_xent: 0.7,
        epochs: 1,
        steps: 1,
        train_rows: 10,
        seconds: 0.1,
    }
}

#[test]
fn loads_population_runs_and_encodes_train_rows_from_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::create_or_open(dir.path().join("db.sqlite")).unwrap();
    let numeric = |name: &str, rows: usize| Task {
        name: name.into(),
        class_names: vec!["a".into(), "b".into()],
        labels: (0..rows).map(|i| (i % 2) as u32).collect(),
        features: Features::Numeric {
            columns: vec!["x".into(), "y".into()],
            values: (0..rows * 2).map(|i| (i % 11) as f32).collect(),
        },
    };
    let text = Task {
        name: "words".into(),
        class_names: vec!["a".into(), "b".into()],
        labels: (0..60).map(|i| (i % 2) as u32).collect(),
        features: Features::Text((0..60).map(|i| format!("word {i} and more")).collect()),
    };
    db.add_tasks(&[numeric("alpha", 90), numeric("beta", 60), numeric("gamma", 60), text]).unwrap();
    let arch = |v: f32| vec![v; Tiny::ARCH_DIM];
    for (task, n) in [("alpha", 3), ("beta", 1), ("gamma", 4), ("words", 2)] {
        for i in 0..n {
            db.insert_run(&run(
                task,
                PresetId::Tiny,
                i,
                arch(i as f32),
                0.5 + f64::from(i) * 0.1,
                Purpose::Population,
            ))
            .unwrap();
        }
    }
    // Noise runs and runs of another preset are not training data.
    db.insert_run(&run("beta", PresetId::Tiny, 7, arch(1.0), 0.9, Purpose::Noise)).unwrap();
    db.insert_run(&run(
        "beta",
        PresetId::Paper,
        8,
        vec![0.0; Paper::ARCH_DIM],
        0.9,
        Purpose::Population,
    ))
    .unwrap();
    let data =
        load_fit_data(&db, PresetId::Tiny, Metric::ValAcc, &["gamma".to_owned()], 1).unwrap();
    assert_eq!(data.task_names(), vec!["alpha".to_owned(), "words".to_owned()]);
    assert_eq!(data.skipped.len(), 1);
    assert_eq!(data.skipped[0].name, "beta");
    let alpha = data.task("alpha").unwrap();
    assert_eq!(alpha.runs.len(), 3);
    assert_eq!(alpha.runs[2].target, 0.7);
    let (task, split) = db.task_split("alpha").unwrap();
    assert_eq!(alpha.samples, encode_rows(&task, &split.train).unwrap());
    let held = load_fit_task(&db, "gamma", PresetId::Tiny, Metric::ValAcc, 1).unwrap();
    assert_eq!(held.runs.len(), 4);
    let result = fit::<Tiny>(&data, &short_config(LossKind::Linear, 5), &|_, _| {}).unwrap();
    assert!(fitted_weights_bytes::<Tiny>(&data, &result, &WeightsMeta::default()).is_ok());
    // A ranker reading the landmarkers cannot be written: a device does not compute them.
    let inputs = TaskInputs { landmarks: true, ..TaskInputs::PRODUCT };
    let config = FitConfig { inputs, ..short_config(LossKind::Linear, 5) };
    let result = fit::<Tiny>(&data, &config, &|_, _| {}).unwrap();
    assert!(fitted_weights_bytes::<Tiny>(&data, &result, &WeightsMeta::default()).is_err());
}
