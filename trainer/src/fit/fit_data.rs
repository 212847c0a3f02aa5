//! The fit's training data: per task, its training-split samples encoded once by the core's
//! sample encoder, and its population runs with the chosen target metric.
//!
//! Encoding once per task lets many fits (leave-one-task-out, repeats with other seeds) share
//! the same data: [`FitData::without`] drops one task.

use archrank_core::dims::TASK_SCALARS;
use archrank_core::landmarks::{LANDMARKS, MAX_LANDMARK_SAMPLES};
use archrank_core::sample_encoder::{label_slot, task_scalars};
use archrank_core::{EncodeError, Encoded, Landmarks, PresetId};

use super::error::{FitError, Result};
use crate::database::{Database, Purpose, RunRecord};
use crate::rng::{FNV_OFFSET, derive_seed, fnv1a, name_hash};
use crate::task::Task;
use crate::task::split::stratified_subsample;
use crate::task::task_samples::encode_task;

/// At most this many training rows of a task are encoded (a seeded stratified subsample); the
/// encoder's statistics are taken over those same rows, as a device would over what it holds.
pub const MAX_FIT_ROWS: usize = 1024;

/// Which measurement of a run the ranker learns to order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Metric {
    /// Validation accuracy (the paper's target).
    #[default]
    #[value(name = "val_acc")]
    ValAcc,
    /// Validation balanced accuracy (mean per-class recall): not flat on imbalanced tasks.
    #[value(name = "val_balanced_acc")]
    ValBalancedAcc,
    /// Minus the validation cross-entropy (higher is better, like the accuracies).
    #[value(name = "neg_val_xent")]
    NegValXent,
}

impl Metric {
    /// Every metric.
    pub const ALL: [Self; 3] = [Self::ValAcc, Self::ValBalancedAcc, Self::NegValXent];

    /// Lower-case name, as the command line spells it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::ValAcc => "val_acc",
            Self::ValBalancedAcc => "val_balanced_acc",
            Self::NegValXent => "neg_val_xent",
        }
    }

    /// The run's target under this metric; `None` when it is not finite (a diverged child's
    /// cross-entropy), so such a run is left out rather than poisoning the loss.
    #[must_use]
    pub fn target(self, run: &RunRecord) -> Option<f32> {
        let value = match self {
            Self::ValAcc => run.val_acc,
            Self::ValBalancedAcc => run.val_balanced_acc,
            Self::NegValXent => -run.val_xent,
        } as f32;
        value.is_finite().then_some(value)
    }
}

/// One population run: its architecture logits u and its target.
#[derive(Clone, Debug, PartialEq)]
pub struct FitRun {
    /// Architecture logits u (length U of the preset).
    pub arch: Vec<f32>,
    /// The metric's value for this run (higher is better).
    pub target: f32,
}

impl FitRun {
    /// Which of `folds` (at least 1) folds the architecture falls in: by a hash of its bits, so
    /// the same architecture is in the same fold on every task.
    #[must_use]
    pub fn fold(&self, folds: u32) -> u32 {
        arch_fold(&self.arch, folds)
    }
}

/// Which of `folds` (at least 1) folds the architecture with logits `arch` falls in, by a hash
/// of its bits.
#[must_use]
pub fn arch_fold(arch: &[f32], folds: u32) -> u32 {
    let bytes: Vec<u8> = arch.iter().flat_map(|v| v.to_le_bytes()).collect();
    // FNV-1a's low bits depend only on the bytes' low bits (a discrete architecture's logits
    // are 0 or 10, so they would follow its depth alone): mixed before the modulo.
    (derive_seed(&[fnv1a(FNV_OFFSET, &bytes)]) % u64::from(folds.max(1))) as u32
}

/// The architecture fold held out with `task` (of `folds`, at least 1).
#[must_use]
pub fn task_fold(task: &str, folds: u32) -> u32 {
    (derive_seed(&[name_hash(task)]) % u64::from(folds.max(1))) as u32
}

/// A task's samples as the core's encoder hands them over: each encoded sample and its set
/// values (every sample of a task has as many).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EncodedSamples {
    encoded: Vec<Encoded>,
    values: Vec<f32>,
    width: usize,
}

impl EncodedSamples {
    /// Appends one sample; the first fixes the set values' width, later ones are cut or
    /// zero-padded to it (the encoder gives every sample of a task the same width).
    pub fn push(&mut self, x: &Encoded, values: &[f32]) {
        if self.encoded.is_empty() {
            self.width = values.len();
        }
        self.encoded.push(*x);
        let start = self.values.len();
        self.values.extend(values.iter().take(self.width));
        self.values.resize(start + self.width, 0.0);
    }

    /// Number of samples.
    #[must_use]
    pub fn len(&self) -> usize {
        self.encoded.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.encoded.is_empty()
    }

    /// The encoded samples.
    #[must_use]
    pub fn encoded(&self) -> &[Encoded] {
        &self.encoded
    }

    /// Sample `i`'s set values (empty past the end).
    #[must_use]
    pub fn values(&self, i: usize) -> &[f32] {
        self.values.get(i * self.width..(i + 1) * self.width).unwrap_or(&[])
    }

    /// Sample `i`'s label slot (0 past the end).
    #[must_use]
    pub fn slot(&self, i: usize) -> usize {
        self.encoded.get(i).map_or(0, label_slot)
    }

    /// The task's shape scalars (the same in every sample; zero when there are none).
    #[must_use]
    pub fn scalars(&self) -> [f32; TASK_SCALARS] {
        self.encoded.first().map_or([0.0; TASK_SCALARS], task_scalars)
    }

    /// The landmarkers on up to [`MAX_LANDMARK_SAMPLES`] of the samples, evenly spaced over
    /// them (they are a seeded stratified subsample in row order).
    #[must_use]
    pub fn landmarks(&self) -> [f32; LANDMARKS] {
        let step = self.len().div_ceil(MAX_LANDMARK_SAMPLES).max(1);
        let picked: Vec<Encoded> = self.encoded.iter().step_by(step).copied().collect();
        Landmarks::compute(&picked).to_array()
    }
}

/// One training task: its encoded samples and its runs.
#[derive(Clone, Debug, PartialEq)]
pub struct FitTask {
    /// The task's name.
    pub name: String,
    /// The task's training-split samples (at most [`MAX_FIT_ROWS`]), encoded by the core.
    pub samples: EncodedSamples,
    /// The landmarkers of the samples ([`EncodedSamples::landmarks`]), computed once.
    pub landmarks: [f32; LANDMARKS],
    /// The task's population runs of the preset with a finite target.
    pub runs: Vec<FitRun>,
}

impl FitTask {
    /// A task of `samples` and `runs`, its landmarkers computed.
    #[must_use]
    pub fn new(name: String, samples: EncodedSamples, runs: Vec<FitRun>) -> Self {
        let landmarks = samples.landmarks();
        Self { name, samples, landmarks, runs }
    }
}

/// A task [`load_fit_data`] left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedTask {
    /// The task's name.
    pub name: String,
    /// Why it was left out.
    pub reason: String,
}

/// Everything a fit trains on.
#[derive(Clone, Debug, PartialEq)]
pub struct FitData {
    /// The search space of every run.
    pub preset: PresetId,
    /// The target the runs carry.
    pub metric: Metric,
    /// The training tasks, by name.
    pub tasks: Vec<FitTask>,
    /// Tasks of the database that were left out (excluded tasks are not listed).
    pub skipped: Vec<SkippedTask>,
}

impl FitData {
    /// The same data without task `task` (for leave-one-task-out).
    #[must_use]
    pub fn without(&self, task: &str) -> Self {
        Self {
            preset: self.preset,
            metric: self.metric,
            tasks: self.tasks.iter().filter(|t| t.name != task).cloned().collect(),
            skipped: self.skipped.clone(),
        }
    }

    /// The data to fit without `task` and without the architectures of `task`'s fold (one of
    /// `folds` by the architecture's bits, the fold by the task's name): a training task keeps
    /// its other runs (tasks left with fewer than two are dropped), so no training task has run
    /// an architecture the held-out task is scored on; and `task` with only that fold's runs.
    /// `folds` 0 holds out the task alone (every architecture shared). `None` when `task` is not
    /// in the data.
    #[must_use]
    pub fn holding_out(&self, task: &str, folds: u32) -> Option<(Self, FitTask)> {
        let held = self.task(task)?;
        let mut train = self.without(task);
        if folds == 0 {
            return Some((train, held.clone()));
        }
        let fold = task_fold(task, folds);
        for t in &mut train.tasks {
            t.runs.retain(|r| r.fold(folds) != fold);
        }
        train.tasks.retain(|t| t.runs.len() >= 2);
        let mut held = held.clone();
        held.runs.retain(|r| r.fold(folds) == fold);
        Some((train, held))
    }

    /// The task named `name`, if it is a training task.
    #[must_use]
    pub fn task(&self, name: &str) -> Option<&FitTask> {
        self.tasks.iter().find(|t| t.name == name)
    }

    /// Names of the training tasks, in order.
    #[must_use]
    pub fn task_names(&self) -> Vec<String> {
        self.tasks.iter().map(|t| t.name.clone()).collect()
    }
}

/// Loads every task of `db` with at least two population runs of `preset` (except those named in
/// `exclude`), encoding each task's training split once.
///
/// Tasks with fewer than two usable runs, or that the encoder refuses (e.g. more than
/// [`crate::task::task_samples::MAX_FEATURES`] features), are listed in [`FitData::skipped`].
///
/// # Errors
///
/// A database error.
pub fn load_fit_data(
    db: &Database,
    preset: PresetId,
    metric: Metric,
    exclude: &[String],
    seed: u64,
) -> Result<FitData> {
    let summaries = db.list_tasks()?;
    let mut data = FitData { preset, metric, tasks: Vec::new(), skipped: Vec::new() };
    for summary in summaries.iter().filter(|s| !exclude.contains(&s.name)) {
        let name = &summary.name;
        let runs = fit_runs(db, name, preset, metric)?;
        if runs.len() < 2 {
            data.skipped.push(SkippedTask {
                name: name.clone(),
                reason: format!("{} usable population runs of preset {preset}", runs.len()),
            });
            continue;
        }
        match fit_encoded(db, name, seed)? {
            Ok(samples) => data.tasks.push(FitTask::new(name.clone(), samples, runs)),
            Err(e) => data
                .skipped
                .push(SkippedTask { name: name.clone(), reason: format!("encoder: {e}") }),
        }
    }
    Ok(data)
}

/// Loads one task the way [`load_fit_data`] does (e.g. a held-out task to evaluate on); its
/// runs may be fewer than two.
///
/// # Errors
///
/// A database error, or the encoder's refusal of the task.
pub fn load_fit_task(
    db: &Database,
    name: &str,
    preset: PresetId,
    metric: Metric,
    seed: u64,
) -> Result<FitTask> {
    let runs = fit_runs(db, name, preset, metric)?;
    let samples = fit_encoded(db, name, seed)?
        .map_err(|source| FitError::Encode { task: name.to_owned(), source })?;
    Ok(FitTask::new(name.to_owned(), samples, runs))
}

/// The population runs of task `name` and `preset` whose architecture has the preset's length
/// and whose target is finite, one per architecture: the seeds of an architecture trained more
/// than once (a discrete population's) averaged into their seed mean, so pairs compare
/// architectures, not seeds. In the order of each architecture's first run.
///
/// # Errors
///
/// A database error.
pub fn fit_runs(
    db: &Database,
    name: &str,
    preset: PresetId,
    metric: Metric,
) -> Result<Vec<FitRun>> {
    let arch_dim = preset.layout().arch_dim();
    let records = db.runs_for_task(name, preset)?;
    let usable = records
        .iter()
        .filter(|r| r.key.purpose == Purpose::Population && r.arch.len() == arch_dim)
        .filter_map(|r| metric.target(r).map(|target| (&r.arch, target)));
    Ok(seed_means(usable))
}

/// One [`FitRun`] per distinct architecture (bit for bit), its target the mean over its runs
/// (summed in f64: a lone run's target stays its own bits).
fn seed_means<'a>(runs: impl Iterator<Item = (&'a Vec<f32>, f32)>) -> Vec<FitRun> {
    let mut order: Vec<Vec<u32>> = Vec::new();
    let mut sums: std::collections::HashMap<Vec<u32>, (Vec<f32>, f64, u32)> =
        std::collections::HashMap::new();
    for (arch, target) in runs {
        let bits: Vec<u32> = arch.iter().map(|v| v.to_bits()).collect();
        let entry = sums.entry(bits.clone()).or_insert_with(|| {
            order.push(bits);
            (arch.clone(), 0.0, 0)
        });
        entry.1 += f64::from(target);
        entry.2 += 1;
    }
    order
        .iter()
        .filter_map(|bits| sums.remove(bits))
        .map(|(arch, sum, n)| FitRun { arch, target: (sum / f64::from(n)) as f32 })
        .collect()
}

/// Task `name`'s training rows (a seeded stratified subsample of at most [`MAX_FIT_ROWS`]),
/// encoded; the inner error is the encoder's refusal.
///
/// # Errors
///
/// A database error.
pub fn fit_encoded(
    db: &Database,
    name: &str,
    seed: u64,
) -> Result<Result<EncodedSamples, EncodeError>> {
    let (task, split) = db.task_split(name)?;
    let rows = fit_rows(&task, &split.train, seed);
    Ok(encode_rows(&task, &rows))
}

/// The rows of `train` the fit encodes: all of them, or a stratified subsample of
/// [`MAX_FIT_ROWS`] seeded by `seed` and the task's content.
#[must_use]
pub fn fit_rows(task: &Task, train: &[usize], seed: u64) -> Vec<usize> {
    let seed = derive_seed(&[seed, name_hash(&task.name)]);
    stratified_subsample(train, &task.labels, MAX_FIT_ROWS, seed)
}

/// Encodes `rows` of `task` with the core's encoder, its statistics taken over those rows.
///
/// # Errors
///
/// The encoder's refusal: no rows, too many features, a label beyond its class capacity.
pub fn encode_rows(task: &Task, rows: &[usize]) -> Result<EncodedSamples, EncodeError> {
    let mut samples = EncodedSamples::default();
    encode_task(task, rows, |x, values| samples.push(x, values))?;
    Ok(samples)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::task::Features;

    fn numeric(rows: usize) -> Task {
        Task {
            name: "n".into(),
            class_names: vec!["a".into(), "b".into()],
            labels: (0..rows).map(|i| (i % 2) as u32).collect(),
            features: Features::Numeric {
                columns: vec!["x".into(), "y".into(), "z".into()],
                values: (0..rows * 3).map(|i| (i % 7) as f32).collect(),
            },
        }
    }

    #[test]
    fn encodes_every_row_and_caps_the_subsample() {
        let task = numeric(3000);
        let all: Vec<usize> = (0..3000).collect();
        let rows = fit_rows(&task, &all, 1);
        assert_eq!(rows.len(), MAX_FIT_ROWS);
        assert_eq!(rows, fit_rows(&task, &all, 1));
        let encoded = encode_rows(&task, &rows).unwrap();
        assert_eq!(encoded.len(), MAX_FIT_ROWS);
        assert!(encoded.encoded().iter().all(|x| x.iter().all(|v| v.is_finite())));
        assert_eq!(encoded.values(0).len(), 3);
        assert!(encoded.values(5).iter().all(|v| (-1.0..=1.0).contains(v)));
    }

    #[test]
    fn text_tasks_encode_and_empty_tasks_are_refused() {
        let task = Task {
            name: "t".into(),
            class_names: vec!["a".into(), "b".into()],
            labels: vec![0, 1, 1],
            features: Features::Text(vec!["hello world".into(), "x".into(), "y z".into()]),
        };
        assert_eq!(encode_rows(&task, &[0, 1, 2]).unwrap().len(), 3);
        assert_eq!(encode_rows(&task, &[]), Err(EncodeError::NoSamples));
    }

    #[test]
    fn holding_out_architectures_leaves_no_scored_one_in_training() {
        let run = |i: usize| FitRun { arch: vec![i as f32, 0.5], target: i as f32 / 40.0 };
        let task = |name: &str, range: std::ops::Range<usize>| {
            FitTask::new(name.into(), EncodedSamples::default(), range.map(run).collect())
        };
        let data = FitData {
            preset: PresetId::Tiny,
            metric: Metric::ValAcc,
            tasks: vec![task("a", 0..40), task("b", 10..50), task("c", 20..60)],
            skipped: Vec::new(),
        };
        let (train, held) = data.holding_out("a", 0).unwrap();
        assert_eq!((train.tasks.len(), held.runs.len()), (2, 40));
        let (train, held) = data.holding_out("a", 4).unwrap();
        assert!(
            !held.runs.is_empty() && held.runs.len() < 40,
            "one fold of 40: {}",
            held.runs.len()
        );
        for t in &train.tasks {
            assert!(t.runs.iter().all(|r| !held.runs.iter().any(|h| h.arch == r.arch)));
            assert!(t.name != "a");
        }
        let kept: usize = train.tasks.iter().map(|t| t.runs.len()).sum();
        assert!(kept > 40, "the other folds stay: {kept}");
        assert!(data.holding_out("z", 4).is_none());
    }

    #[test]
    fn discrete_architectures_spread_over_every_fold() {
        let layout = PresetId::Tiny.layout();
        let mut counts = [0usize; 4];
        for spec in ["m0", "m1", "m2"] {
            for a in ["skip", "relu8", "tanh64", "relu32"] {
                for b in ["skip", "relu16", "tanh8"] {
                    let d = archrank_core::Discrete::parse(
                        PresetId::Tiny,
                        &format!("{spec}/{a}/{b}/skip"),
                    )
                    .unwrap();
                    let mut arch = vec![0.0; layout.arch_dim()];
                    d.write_logits(&mut arch, 10.0);
                    counts[FitRun { arch, target: 0.0 }.fold(4) as usize] += 1;
                }
            }
        }
        // 36 architectures, whatever their depth: every fold gets some.
        assert!(counts.iter().all(|&n| n >= 4), "{counts:?}");
    }

    #[test]
    fn seeds_of_one_architecture_are_averaged_in_first_seen_order() {
        let (a, b) = (vec![1.0_f32, 0.0], vec![0.0_f32, 1.0]);
        let runs = [(&a, 0.5_f32), (&b, 0.9), (&a, 0.7), (&a, 0.6), (&b, 0.7)];
        let means = seed_means(runs.iter().map(|(u, t)| (*u, *t)));
        assert_eq!(means.len(), 2);
        assert_eq!((means[0].arch.clone(), means[1].arch.clone()), (a, b));
        assert!((means[0].target - 0.6).abs() < 1e-6 && (means[1].target - 0.8).abs() < 1e-6);
    }

    #[test]
    fn metric_names_round_trip_and_skip_non_finite() {
        for m in Metric::ALL {
            assert_eq!(<Metric as clap::ValueEnum>::from_str(m.name(), false), Ok(m));
        }
        let run = RunRecord {
            key: crate::database::RunKey {
                task: "t".into(),
                preset: PresetId::Tiny,
                plan_seed: 0,
                arch_index: 0,
                child_seed: 0,
                purpose: Purpose::Population,
            },
            arch: vec![0.0],
            val_acc: 0.75,
            test_acc: 0.5,
            val_balanced_acc: 0.625,
            test_balanced_acc: 0.5,
            val_xent: f64::NAN,
            epochs: 1,
            steps: 1,
            train_rows: 1,
            seconds: 0.0,
        };
        assert_eq!(Metric::ValAcc.target(&run), Some(0.75));
        assert_eq!(Metric::ValBalancedAcc.target(&run), Some(0.625));
        assert_eq!(Metric::NegValXent.target(&run), None);
    }
}
