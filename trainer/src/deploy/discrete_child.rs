//! One discrete architecture trained once, with one seed, by the engine a database's runs name,
//! measured as the database stores a run: what `populate --engine` and `eval search` train, so
//! the database's accuracies and the evaluation's come from the same code as a delivered model.

use anyhow::{Result, anyhow};
use archrank_core::Discrete;
use archrank_core::training::{TrainConfig, arena_bytes, train_child};
use archrank_core::{Model, Samples};

use crate::child::metrics::{MetricCounts, Metrics};
use crate::child::{ChildConfig, ChildOutcome, Mixing, PreparedTask, train_mixed};
use crate::deploy::core_engine::SplitSamples;
use crate::deploy::delivered::Engine;
use crate::task::task_samples::MAX_FEATURES;
use crate::task::{Split, Task, TaskKind};

/// A task's rows as the engine that trains its children reads them.
pub enum ChildRows<'a> {
    /// The trainer's prepared features (text tasks always: the core trains numeric ones only).
    Trainer(&'a PreparedTask),
    /// The core's samples, training rows capped as the trainer's children's.
    Core(SplitSamples),
}

impl<'a> ChildRows<'a> {
    /// The rows `engine` reads for `task`: the core's samples for a numeric task, else `prepared`.
    ///
    /// # Errors
    /// When the core cannot read the task's rows (see [`SplitSamples::new`]).
    pub fn new(
        engine: Engine,
        task: &Task,
        split: &Split,
        prepared: &'a PreparedTask,
        config: &ChildConfig,
    ) -> Result<Self> {
        Ok(match (engine, task.kind()) {
            (Engine::Core, TaskKind::Numeric) => {
                Self::Core(SplitSamples::new(task, split, config)?)
            }
            _ => Self::Trainer(prepared),
        })
    }

    /// Trains `arch` once with `seed`: the trainer's exact discrete network (one-hot mixing)
    /// with `config`'s schedule, or the core's with the device's optimizer, step size and batch
    /// size ([`ChildConfig::device_schedule`]).
    ///
    /// # Errors
    /// The core's reason when it cannot train on the samples.
    pub fn train(&self, arch: &Discrete, config: &ChildConfig, seed: u64) -> Result<ChildOutcome> {
        match self {
            Self::Trainer(prepared) => {
                let mix = Mixing::one_hot(prepared.layout(), arch);
                Ok(train_mixed(prepared, &mix, config, seed).0)
            }
            Self::Core(split) => train_core_run(split, arch, &config.device_schedule(), seed),
        }
    }
}

/// The core's training of `arch` on `split` with `seed`, measured on its validation and test
/// samples by the core's inference on the written model (what a device would run).
fn train_core_run(
    split: &SplitSamples,
    arch: &Discrete,
    schedule: &TrainConfig,
    seed: u64,
) -> Result<ChildOutcome> {
    let start = std::time::Instant::now();
    let samples = split.train()?;
    let task = samples.task;
    let mut arena = vec![0_u8; arena_bytes(arch, &samples.shape(), schedule.optimizer)];
    let child = train_child::<MAX_FEATURES>(
        arch,
        &samples,
        archrank_core::training::Validation::Last(split.validation()),
        schedule,
        seed,
        &mut arena,
    )
    .map_err(|e| anyhow!("{task}: {e}"))?;
    let mut out = vec![0_u8; child.model_bytes_bound(split.names().len(), task.len())];
    let written = child
        .write_model::<MAX_FEATURES>(task, 0, split.names(), None, &mut out)
        .map_err(|e| anyhow!("{task}: {e}"))?;
    let model = Model::load(written.bytes).map_err(|e| anyhow!("{task}: {e}"))?;
    let first_validation = samples.len() - split.validation();
    let validation = metrics(&model, &samples, first_validation)?;
    let test = match split.test()? {
        Some(test) => metrics(&model, &test, 0)?,
        None => {
            Metrics { accuracy: f64::NAN, balanced_accuracy: f64::NAN, cross_entropy: f64::NAN }
        }
    };
    let report = child.report;
    Ok(ChildOutcome {
        validation_accuracy: validation.accuracy,
        test_accuracy: test.accuracy,
        validation_balanced_accuracy: validation.balanced_accuracy,
        test_balanced_accuracy: test.balanced_accuracy,
        validation_cross_entropy: validation.cross_entropy,
        best_epoch: report.best_epoch,
        epochs: report.epochs,
        steps: report.steps,
        train_rows: report.train_samples,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// The metrics of `model` on `samples` from index `first` on.
fn metrics(model: &Model<'_>, samples: &Samples<'_>, first: usize) -> Result<Metrics> {
    let mut counts = MetricCounts::new(model.classes);
    model
        .predict_numeric_samples::<MAX_FEATURES>(samples, |i, _, label, probs| {
            if i >= first {
                counts.add(&probs[..model.classes], label);
            }
        })
        .map_err(|(i, e)| anyhow!("{}: sample {}: {e}", samples.task, i + 1))?;
    Ok(counts.metrics())
}
