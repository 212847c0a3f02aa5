//! Tests of whole children on small synthetic tasks: gradients, determinism, learning, presets.

use archrank_core::dims::{Activation, Layout, Paper, Preset, Tiny};

use super::*;
use crate::child::discrete_arch::discrete_to_logits;
use crate::populate::arch_sampling::sample_architecture;
use crate::rng::Rng;
use crate::task::{Features, Split, Task};

/// Children prepared on every training row.
fn all_rows() -> ChildConfig {
    ChildConfig { max_train_rows: None, ..ChildConfig::default() }
}

/// Two Gaussian blobs in `d` dimensions, `separation` standard deviations apart on every axis.
fn blobs(rows: usize, d: usize, separation: f32, seed: u64) -> Task {
    let mut rng = Rng::new(seed);
    let labels: Vec<u32> = (0..rows).map(|i| (i % 2) as u32).collect();
    let values = labels
        .iter()
        .flat_map(|&y| {
            let centre = if y == 0 { -separation / 2.0 } else { separation / 2.0 };
            (0..d)
                .map(|f| (centre + rng.normal() as f32) * (1.0 + f as f32) + 10.0)
                .collect::<Vec<_>>()
        })
        .collect();
    Task {
        name: "blobs".into(),
        class_names: vec!["a".into(), "b".into()],
        labels,
        features: Features::Numeric { columns: (0..d).map(|f| format!("x{f}")).collect(), values },
    }
}

/// Three classes of short texts, each with its own vocabulary plus shared noise words.
fn texts(rows: usize, seed: u64) -> Task {
    let vocab = [
        ["apple", "pear", "plum", "fig"],
        ["car", "bus", "train", "tram"],
        ["red", "blue", "green", "pink"],
    ];
    let noise = ["the", "a", "of", "and", "is", "it"];
    let mut rng = Rng::new(seed);
    let labels: Vec<u32> = (0..rows).map(|i| (i % 3) as u32).collect();
    let texts = labels
        .iter()
        .map(|&y| {
            let mut words: Vec<&str> = (0..3).map(|_| vocab[y as usize][rng.below(4)]).collect();
            words.extend((0..4).map(|_| noise[rng.below(noise.len())]));
            rng.shuffle(&mut words);
            words.join(" ")
        })
        .collect();
    Task {
        name: "texts".into(),
        class_names: vec!["fruit".into(), "vehicle".into(), "colour".into()],
        labels,
        features: Features::Text(texts),
    }
}

fn split(rows: usize) -> Split {
    let a = rows * 6 / 10;
    let b = rows * 8 / 10;
    Split { train: (0..a).collect(), validation: (a..b).collect(), test: (b..rows).collect() }
}

fn quick() -> ChildConfig {
    ChildConfig { epochs: 5, min_steps: 60, max_steps: 400, ..ChildConfig::default() }
}

/// Central finite differences of the batch loss against the analytic gradient.
fn check_gradients(prepared: &PreparedTask, u: &[f32], seed: u64, samples: usize) {
    check_mixing_gradients(prepared, &Mixing::from_logits(prepared.layout(), u), seed, samples);
}

/// [`check_gradients`] for any mixing; returns the gradient.
fn check_mixing_gradients(
    prepared: &PreparedTask,
    mix: &Mixing,
    seed: u64,
    samples: usize,
) -> Vec<f32> {
    let layout = prepared.layout();
    let mut net =
        Network::new(layout, prepared.input_width(), prepared.classes(), mix, &mut Rng::new(seed));
    // Non-zero biases, so that their gradients and the activations' kinks are exercised.
    let mut rng = Rng::new(seed + 1);
    for p in &mut net.params {
        *p += 0.05 * rng.normal() as f32;
    }
    let rows: Vec<usize> = (0..9).collect();
    let mut ws = Workspace::new(&net, 16);
    net.loss_and_gradient(&mut ws, prepared, mix, &rows);
    let grads = ws.grads.clone();
    let eps = 1e-2_f32;
    let mut checked = 0;
    let mut bad = 0;
    // Half the checks on weights the gradient reaches (a text bag's are a few percent of all).
    let reached: Vec<usize> = (0..grads.len()).filter(|&i| grads[i] != 0.0).collect();
    for k in 0..samples {
        let i = if k % 2 == 0 && !reached.is_empty() {
            reached[rng.below(reached.len())]
        } else {
            rng.below(net.params.len())
        };
        let orig = net.params[i];
        net.params[i] = orig + eps;
        let up = net.loss_and_gradient(&mut ws, prepared, mix, &rows);
        net.params[i] = orig - eps;
        let down = net.loss_and_gradient(&mut ws, prepared, mix, &rows);
        net.params[i] = orig;
        let fd = (up - down) / (2.0 * eps);
        checked += 1;
        if (fd - grads[i]).abs() > 1e-3 + 0.03 * grads[i].abs() {
            bad += 1;
            eprintln!("param {i}: fd {fd} analytic {}", grads[i]);
        }
    }
    // A ReLU kink inside +-eps can spoil a rare difference quotient.
    assert!(bad * 100 <= checked * 2, "{bad} of {checked} gradients disagree");
    assert!(grads.iter().any(|&g| g != 0.0));
    grads
}

/// A one-hot mixing computes only the discrete network's columns: its gradient still matches
/// finite differences, and every weight outside the discrete network gets exactly zero.
#[test]
fn one_hot_gradients_match_finite_differences_and_vanish_outside() {
    let layout = Tiny::LAYOUT;
    for (task, seed) in [(blobs(60, 3, 2.0, 1), 7), (texts(60, 1), 8)] {
        let prepared = prepare(&task, &split(60), &layout, &all_rows());
        for spec in ["m1/relu16/skip/tanh64", "m0/skip/tanh8/relu32", "m2/skip/skip/skip"] {
            let Ok(arch) = archrank_core::Discrete::parse(layout.preset, spec) else {
                panic!("{spec} is a tiny architecture")
            };
            let mix = Mixing::one_hot(&layout, &arch);
            let grads = check_mixing_gradients(&prepared, &mix, seed, 200);
            let net = Network::new(
                &layout,
                prepared.input_width(),
                prepared.classes(),
                &mix,
                &mut Rng::new(seed),
            );
            let live: f64 = net.discrete_weights(&arch).len() as f64;
            let nonzero = grads.iter().filter(|g| **g != 0.0).count() as f64;
            assert!(nonzero <= live, "{spec}: {nonzero} non-zero gradients, {live} live weights");
        }
    }
}

/// The one-hot mixing's forward pass is the discrete network's, to float rounding (ReLU layers:
/// no tanh approximation in the way).
#[test]
fn one_hot_mixing_is_the_discrete_network() {
    let task = blobs(100, 6, 2.0, 5);
    let layout = Tiny::LAYOUT;
    let prepared = prepare(&task, &split(100), &layout, &all_rows());
    let layers = [Some(2), None, Some(1)];
    let Ok(arch) = archrank_core::Discrete::parse(layout.preset, "m1/relu32/skip/relu16") else {
        panic!("a tiny architecture")
    };
    let mix = Mixing::one_hot(&layout, &arch);
    let net =
        Network::new(&layout, prepared.input_width(), prepared.classes(), &mix, &mut Rng::new(3));
    let mut ws = Workspace::new(&net, 64);
    let rows: Vec<usize> = (0..20).collect();
    assert_eq!(net.predict(&mut ws, &prepared, &mix, &rows), 20);
    let ModuleFeatures::Dense(features, _) = prepared.features() else { panic!("numeric task") };
    let w = prepared.input_width();
    for (r, probs) in rows.iter().zip(ws.probs.chunks_exact(2)) {
        let want = discrete_probs(&net, &layout, &features[1][r * w..(r + 1) * w], &layers);
        for (p, q) in probs.iter().zip(&want) {
            assert!((p - q).abs() < 1e-5, "row {r}: {probs:?} vs {want:?}");
        }
    }
}

#[test]
fn gradients_match_finite_differences_numeric() {
    let task = blobs(60, 3, 2.0, 1);
    for layout in [Tiny::LAYOUT, Paper::LAYOUT] {
        let prepared = prepare(&task, &split(60), &layout, &all_rows());
        let mut rng = Rng::new(4);
        let u: Vec<f32> = (0..layout.arch_dim()).map(|_| rng.normal() as f32).collect();
        check_gradients(&prepared, &u, 5, if layout == Tiny::LAYOUT { 300 } else { 60 });
    }
}

#[test]
fn gradients_match_finite_differences_text() {
    let task = texts(60, 1);
    let layout = Tiny::LAYOUT;
    let prepared = prepare(&task, &split(60), &layout, &all_rows());
    let u = sample_architecture(&layout, &mut Rng::new(9));
    check_gradients(&prepared, &u, 6, 300);
}

fn without_time(mut o: ChildOutcome) -> ChildOutcome {
    o.seconds = 0.0;
    o
}

#[test]
fn same_seed_same_outcome() {
    let task = blobs(200, 4, 1.0, 3);
    let layout = Tiny::LAYOUT;
    let prepared = prepare(&task, &split(200), &layout, &all_rows());
    let u = sample_architecture(&layout, &mut Rng::new(2));
    let a = without_time(train_child(&prepared, &u, &quick(), 11));
    let b = without_time(train_child(&prepared, &u, &quick(), 11));
    assert_eq!(a, b);
    assert_eq!(a.validation_accuracy.to_bits(), b.validation_accuracy.to_bits());
    let again = prepare(&task, &split(200), &layout, &all_rows());
    assert_eq!(a, without_time(train_child(&again, &u, &quick(), 11)));
    let c = without_time(train_child(&prepared, &u, &quick(), 12));
    assert_ne!(a.validation_cross_entropy, c.validation_cross_entropy);
}

#[test]
fn easy_task_is_learned_by_a_good_discrete_architecture() {
    let task = blobs(500, 5, 3.0, 7);
    let layout = Tiny::LAYOUT;
    let prepared = prepare(&task, &split(500), &layout, &all_rows());
    let u = discrete_to_logits(&layout, 0, &[Some(3), Some(3), None]);
    let outcome = train_child(&prepared, &u, &quick(), 1);
    assert!(outcome.validation_accuracy >= 0.9, "{outcome:?}");
    assert!(outcome.test_accuracy >= 0.85, "{outcome:?}");
    assert!(outcome.validation_balanced_accuracy >= 0.9);
    assert!(outcome.validation_cross_entropy < 0.5);
    assert!(outcome.steps >= 60 && outcome.epochs >= 1 && outcome.best_epoch >= 1);
    assert_eq!(outcome.train_rows, 300);
}

#[test]
fn text_task_is_learned() {
    let task = texts(300, 4);
    let layout = Tiny::LAYOUT;
    let prepared = prepare(&task, &split(300), &layout, &all_rows());
    assert!(prepared.is_sparse());
    let u = discrete_to_logits(&layout, 0, &[Some(3), None, None]);
    let outcome = train_child(&prepared, &u, &quick(), 1);
    assert!(outcome.validation_accuracy >= 0.9, "{outcome:?}");
}

#[test]
fn paper_layout_child_trains() {
    let layout = Paper::LAYOUT;
    let config = ChildConfig {
        epochs: 2,
        min_steps: 8,
        max_steps: 20,
        patience: 2,
        ..ChildConfig::default()
    };
    for task in [blobs(150, 3, 3.0, 2), texts(150, 2)] {
        let prepared = prepare(
            &task,
            &split(150),
            &layout,
            &ChildConfig { max_train_rows: Some(64), ..all_rows() },
        );
        assert_eq!(prepared.train_rows(), 64);
        let u = sample_architecture(&layout, &mut Rng::new(1));
        let o = train_child(&prepared, &u, &config, 3);
        assert!(o.steps >= 8 && o.steps <= 20, "{o:?}");
        assert!(o.validation_accuracy > 0.0 && o.validation_accuracy <= 1.0);
        assert!(o.test_accuracy > 0.0 && o.test_accuracy <= 1.0);
        assert!(o.validation_cross_entropy.is_finite());
    }
}

/// The discrete network computed directly from the weights, for one input row.
fn discrete_probs(
    net: &Network,
    layout: &Layout,
    h0: &[f32],
    layers: &[Option<usize>],
) -> Vec<f32> {
    let widths: Vec<(Activation, usize)> =
        (0..layout.bases()).filter_map(|i| layout.base(i)).collect();
    let total: usize = widths.iter().map(|w| w.1).sum();
    let mw = layout.max_width();
    let mut h = h0.to_vec();
    let mut offset = 0;
    for choice in layers {
        let k = h.len();
        let mut next = vec![0.0_f32; mw];
        match choice {
            Some(b) => {
                let start: usize = widths[..*b].iter().map(|w| w.1).sum();
                let (act, width) = widths[*b];
                for (j, out) in next.iter_mut().enumerate().take(width) {
                    let mut z = net.params[offset + k * total + start + j];
                    for (p, &x) in h.iter().enumerate() {
                        z += x * net.params[offset + p * total + start + j];
                    }
                    *out = match act {
                        Activation::Relu => z.max(0.0),
                        Activation::Tanh => z.tanh(),
                    };
                }
            }
            None => next.iter_mut().zip(&h).for_each(|(n, &x)| *n = x),
        }
        offset += k * total + total;
        h = next;
    }
    let c = net.classes();
    let mut logits: Vec<f32> = (0..c)
        .map(|j| {
            net.params[offset + mw * c + j]
                + (0..mw).map(|p| h[p] * net.params[offset + p * c + j]).sum::<f32>()
        })
        .collect();
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    logits.iter_mut().for_each(|l| *l = (*l - max).exp());
    let sum: f32 = logits.iter().sum();
    logits.iter().map(|l| l / sum).collect()
}

#[test]
fn near_one_hot_mixing_equals_the_discrete_network() {
    let task = blobs(100, 6, 2.0, 5);
    let layout = Tiny::LAYOUT;
    let prepared = prepare(&task, &split(100), &layout, &all_rows());
    let layers = [Some(6), None, Some(1)];
    let module = 1;
    let u = discrete_to_logits(&layout, module, &layers);
    let mix = Mixing::from_logits(&layout, &u);
    let net =
        Network::new(&layout, prepared.input_width(), prepared.classes(), &mix, &mut Rng::new(3));
    let mut ws = Workspace::new(&net, 64);
    let rows: Vec<usize> = (0..20).collect();
    let m = net.predict(&mut ws, &prepared, &mix, &rows);
    assert_eq!(m, 20);
    let ModuleFeatures::Dense(features, _) = prepared.features() else { panic!("numeric task") };
    let w = prepared.input_width();
    for (r, probs) in rows.iter().zip(ws.probs.chunks_exact(2)) {
        let h0 = &features[module][r * w..(r + 1) * w];
        let want = discrete_probs(&net, &layout, h0, &layers);
        for (p, q) in probs.iter().zip(&want) {
            assert!((p - q).abs() < 2e-2, "row {r}: {probs:?} vs {want:?}");
        }
    }
}

/// Release-mode timing of one tiny child on the banknote task (1,372 rows, 4 features):
/// `cargo test --release -p archrank-trainer child_speed -- --ignored --nocapture`.
#[test]
#[ignore = "timing; run in release mode"]
fn child_speed_on_banknote() -> Result<(), Box<dyn std::error::Error>> {
    let path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/tasks/banknote_authentication.csv");
    let path = std::env::var("ARCHRANK_SPEED_CSV").unwrap_or_else(|_| path.to_string());
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {path} not found");
        return Ok(());
    };
    let mut labels = Vec::new();
    let mut values = Vec::new();
    let mut columns = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        if i == 0 {
            columns = cells[1..].iter().map(|s| s.to_string()).collect();
            continue;
        }
        labels.push(cells[0].trim().parse::<u32>()?);
        for cell in &cells[1..] {
            values.push(cell.trim().parse::<f32>()?);
        }
    }
    let n = labels.len();
    let task = Task {
        name: "banknote".into(),
        class_names: vec!["0".into(), "1".into()],
        labels,
        features: Features::Numeric { columns, values },
    };
    let mut order: Vec<usize> = (0..n).collect();
    Rng::new(1).shuffle(&mut order);
    let split = Split {
        train: order[..n * 6 / 10].to_vec(),
        validation: order[n * 6 / 10..n * 8 / 10].to_vec(),
        test: order[n * 8 / 10..].to_vec(),
    };
    let layout = Tiny::LAYOUT;
    let t = std::time::Instant::now();
    let prepared = prepare(&task, &split, &layout, &all_rows());
    eprintln!("prepare: {:.3} s", t.elapsed().as_secs_f64());
    let no_early_stop = ChildConfig { patience: 1000, ..ChildConfig::default() };
    let mut rng = Rng::new(5);
    let mut total = 0.0;
    let mut total_steps = 0;
    for i in 0..10 {
        let u = sample_architecture(&layout, &mut rng);
        let config = if i % 2 == 0 { ChildConfig::default() } else { no_early_stop.clone() };
        let o = train_child(&prepared, &u, &config, i);
        total += o.seconds;
        total_steps += o.steps;
        eprintln!(
            "child {i}: {:.3} s, {} epochs, {} steps, val {:.3}, test {:.3}",
            o.seconds, o.epochs, o.steps, o.validation_accuracy, o.test_accuracy
        );
    }
    eprintln!(
        "mean {:.3} s per child, {:.2} ms per step",
        total / 10.0,
        1e3 * total / total_steps as f64
    );
    // A synthetic text task of the same size, for the sparse first layer (W = 256).
    let task = texts(n, 1);
    let prepared = prepare(&task, &split, &layout, &all_rows());
    let u = sample_architecture(&layout, &mut rng);
    let o = train_child(&prepared, &u, &ChildConfig::default(), 1);
    eprintln!(
        "text child: {:.3} s, {} steps, val {:.3}",
        o.seconds, o.steps, o.validation_accuracy
    );
    Ok(())
}
