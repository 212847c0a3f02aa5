//! The core's child training run on the host (`archrank train --engine core`): the code a device
//! runs, on the same samples, so the host writes the model file the device computes, byte for
//! byte. The trainer's own child training ([`super::train_model`]) stays for the database.

use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use archrank_core::training::{
    TrainConfig, TrainedChild, TrainingReport, Validation, arena_bytes, child_seed, class_ids,
    refit_child, train_child,
};
use archrank_core::{Discrete, Samples, SamplesFile};

use crate::child::ChildConfig;
use crate::rank_stats::best_index;
use crate::task::Task;
use crate::task::split::stratified_subsample;
use crate::task::task_samples::{MAX_FEATURES, samples_file_bytes};
use crate::task::{Split, TaskKind};

/// One seed's training by the core.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CoreRun {
    /// The seed index (0-based; the seed is [`child_seed`] of it).
    pub seed: u32,
    /// Samples trained on.
    pub train_samples: usize,
    /// Samples early stopping watched.
    pub validation_samples: usize,
    /// Validation accuracy of the kept epoch.
    pub validation_accuracy: f64,
    /// Accuracy on the held-out samples, when there are some.
    pub test_accuracy: Option<f64>,
    /// The kept epoch (1-based).
    pub best_epoch: usize,
    /// Epochs run.
    pub epochs: usize,
    /// Optimizer steps.
    pub steps: usize,
    /// Bytes of the training arena.
    pub arena_bytes: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The kept seed's model file and every seed's run.
#[derive(Clone, Debug)]
pub struct CoreModel {
    /// The model file's bytes.
    pub bytes: Vec<u8>,
    /// Every seed's run, in seed order.
    pub runs: Vec<CoreRun>,
    /// The seed kept: best validation accuracy, the first on ties.
    pub kept: usize,
    /// The kept seed's report (what a refit repeats).
    pub kept_report: TrainingReport,
}

/// A refit's model file and run.
#[derive(Clone, Debug)]
pub struct CoreRefit {
    /// The model file's bytes.
    pub bytes: Vec<u8>,
    /// The refit's run: every training and validation sample trained on, for the kept seed's
    /// best epoch count; its test accuracy on the task's test rows.
    pub run: CoreRun,
}

/// Trains `arch` on numeric `samples` with the core, `seeds` times ([`child_seed`] 0, 1, ...),
/// keeps the best by validation accuracy and writes it as a model file; `held_out` samples, if
/// any, measure its test accuracy.
///
/// # Errors
/// The core's reason when the samples cannot be trained on, or a held-out sample run.
pub fn train_model_core(
    samples: &Samples<'_>,
    validation: Validation,
    arch: &Discrete,
    schedule: &TrainConfig,
    seeds: u32,
    class_names: Option<&str>,
    held_out: Option<&Samples<'_>>,
) -> Result<CoreModel> {
    if samples.is_text() {
        bail!("the core engine trains numeric tasks only");
    }
    let ids = class_ids(samples.classes());
    let names = class_names.unwrap_or(&ids);
    let arena_bytes = arena_bytes(arch, &samples.shape(), schedule.optimizer);
    let mut arena = vec![0_u8; arena_bytes];
    let mut runs = Vec::new();
    let mut files = Vec::new();
    let mut reports = Vec::new();
    for s in 0..seeds.max(1) {
        let start = Instant::now();
        let child = train_child::<MAX_FEATURES>(
            arch,
            samples,
            validation,
            schedule,
            child_seed(s),
            &mut arena,
        )
        .map_err(|e| anyhow!("{}: {e}", samples.task))?;
        reports.push(child.report);
        let (bytes, run) = written_run(&child, samples.task, s, names, held_out, start)?;
        runs.push(CoreRun { arena_bytes, ..run });
        files.push(bytes);
    }
    let validation: Vec<f64> = runs.iter().map(|r| r.validation_accuracy).collect();
    let kept = best_index(&validation).unwrap_or(0);
    let kept_report = reports.get(kept).copied().unwrap_or_default();
    Ok(CoreModel { bytes: files.swap_remove(kept), runs, kept, kept_report })
}

/// The samples a device holding `task`'s split would train on: the training rows (subsampled to
/// the trainer's cap, as its children are) then the validation rows, as a samples file; and the
/// validation count.
///
/// # Errors
/// When the task is text or its rows cannot be written as samples.
pub fn split_samples(task: &Task, split: &Split, config: &ChildConfig) -> Result<(Vec<u8>, usize)> {
    if task.kind() != TaskKind::Numeric {
        bail!("{}: the core engine trains numeric tasks only", task.name);
    }
    let seed = crate::child::prepare_seed(&task.name);
    let train = match config.max_train_rows {
        Some(max) => stratified_subsample(&split.train, &task.labels, max.max(1), seed),
        None => split.train.clone(),
    };
    let rows: Vec<usize> = train.iter().chain(&split.validation).copied().collect();
    let bytes = samples_file_bytes(task, &rows).with_context(|| task.name.clone())?;
    Ok((bytes, split.validation.len()))
}

/// Trains `arch` on `task`'s own split with the core (as [`train_model_core`], with `schedule`;
/// `config` caps the training rows as the trainer's children's), its test rows held out, and the
/// task's class names.
///
/// # Errors
/// As [`train_model_core`] and [`split_samples`].
pub fn train_task_core(
    task: &Task,
    split: &Split,
    arch: &Discrete,
    config: &ChildConfig,
    schedule: &TrainConfig,
    seeds: u32,
) -> Result<CoreModel> {
    train_split_core(&SplitSamples::new(task, split, config)?, arch, schedule, seeds)
}

/// Trains `arch` on `split`'s training samples with the core (as [`train_model_core`]), its
/// validation samples watching early stopping and its test samples held out.
///
/// # Errors
/// As [`train_model_core`].
pub fn train_split_core(
    split: &SplitSamples,
    arch: &Discrete,
    schedule: &TrainConfig,
    seeds: u32,
) -> Result<CoreModel> {
    train_model_core(
        &split.train()?,
        Validation::Last(split.validation),
        arch,
        schedule,
        seeds,
        Some(&split.names),
        split.test()?.as_ref(),
    )
}

/// A task's split as the core reads it: the training then validation samples (and how many are
/// validation), the test samples, and the task's class names.
#[derive(Clone, Debug)]
pub struct SplitSamples {
    task: String,
    train: Vec<u8>,
    validation: usize,
    test: Vec<u8>,
    names: String,
}

impl SplitSamples {
    /// `task`'s split as samples (training rows capped as `config` says), refused when the
    /// training and validation rows miss a class.
    ///
    /// # Errors
    /// When the task is text, its rows cannot be written as samples, or a class is missing.
    pub fn new(task: &Task, split: &Split, config: &ChildConfig) -> Result<Self> {
        let (train, validation) = split_samples(task, split, config)?;
        let test = samples_file_bytes(task, &split.test).with_context(|| task.name.clone())?;
        let names = task.class_names.join("\n");
        let this = Self { task: task.name.clone(), train, validation, test, names };
        check_classes(task, &this.train()?)?;
        Ok(this)
    }

    /// The training then validation samples.
    ///
    /// # Errors
    /// Only if the bytes written by [`Self::new`] do not load.
    pub fn train(&self) -> Result<Samples<'_>> {
        SamplesFile::load(&self.train).map_err(|e| anyhow!("{}: {e}", self.task))
    }

    /// The test samples, none when the split has no test rows.
    ///
    /// # Errors
    /// Only if the bytes written by [`Self::new`] do not load.
    pub fn test(&self) -> Result<Option<Samples<'_>>> {
        let test = SamplesFile::load(&self.test).map_err(|e| anyhow!("{}: {e}", self.task))?;
        Ok((!test.is_empty()).then_some(test))
    }

    /// How many of the training samples are validation ones (the last).
    #[must_use]
    pub const fn validation(&self) -> usize {
        self.validation
    }

    /// The task's class names, one per line.
    #[must_use]
    pub fn names(&self) -> &str {
        &self.names
    }
}

/// `selected`'s kept seed (trained by [`train_model_core`] on `samples` with `schedule`) trained
/// again on every one of `samples` for its best epoch count ([`refit_child`]), as a device
/// finishes; `held_out` samples, if any, measure its test accuracy.
///
/// # Errors
/// The core's reason when the samples cannot be trained on, or a held-out sample run.
pub fn refit_model_core(
    samples: &Samples<'_>,
    arch: &Discrete,
    schedule: &TrainConfig,
    selected: &CoreModel,
    class_names: Option<&str>,
    held_out: Option<&Samples<'_>>,
) -> Result<CoreRefit> {
    let ids = class_ids(samples.classes());
    let names = class_names.unwrap_or(&ids);
    let index = selected.kept as u32;
    let start = Instant::now();
    let mut arena = vec![0_u8; arena_bytes(arch, &samples.shape(), schedule.optimizer)];
    let child = refit_child::<MAX_FEATURES>(
        arch,
        samples,
        &selected.kept_report,
        schedule,
        child_seed(index),
        &mut arena,
    )
    .map_err(|e| anyhow!("{}: {e}", samples.task))?;
    let (bytes, run) = written_run(&child, samples.task, index, names, held_out, start)?;
    Ok(CoreRefit { bytes, run: CoreRun { arena_bytes: arena.len(), ..run } })
}

/// `child`'s model file (seed `index`, `names`) and its run as a [`CoreRun`], its test accuracy
/// on `held_out` when given; the arena's size is left 0 for the caller.
fn written_run(
    child: &TrainedChild<'_>,
    task: &str,
    index: u32,
    names: &str,
    held_out: Option<&Samples<'_>>,
    start: Instant,
) -> Result<(Vec<u8>, CoreRun)> {
    let report = child.report;
    let mut out = vec![0_u8; child.model_bytes_bound(names.len(), task.len())];
    let written = child
        .write_model::<MAX_FEATURES>(task, index, names, held_out, &mut out)
        .map_err(|e| anyhow!("{task}: {e}"))?;
    let (right, total) = written.held_out;
    let run = CoreRun {
        seed: index,
        train_samples: report.train_samples,
        validation_samples: report.validation_samples,
        validation_accuracy: f64::from(report.validation_accuracy()),
        test_accuracy: (total > 0).then(|| f64::from(right as f32 / total as f32)),
        best_epoch: report.best_epoch,
        epochs: report.epochs,
        steps: report.steps,
        arena_bytes: 0,
        seconds: start.elapsed().as_secs_f64(),
    };
    Ok((written.bytes.to_vec(), run))
}

/// Refuses training and validation rows that miss one of the task's classes: the model would
/// not name them all.
fn check_classes(task: &Task, samples: &Samples<'_>) -> Result<()> {
    if samples.classes() != task.classes() {
        bail!(
            "{}: the training and validation rows hold {} of the task's {} classes; the model \
             would not name them all",
            task.name,
            samples.classes(),
            task.classes()
        );
    }
    Ok(())
}
