//! The model a user gets from `train` and `choose`: which engine trains it, on which rows, with
//! which schedule ([`Recipe`]) ([`train_delivered`]), and the finish of the one kept
//! ([`Delivered::finish`]): the refit that lets the final model learn from the validation rows
//! too once they have chosen the seed and the epoch.

use anyhow::{Context, Result};
use archrank_core::training::TrainConfig;
use archrank_core::{Discrete, Model};

use crate::child::{ChildConfig, ChildOutcome};
use crate::deploy::core_engine::{
    CoreModel, CoreRun, SplitSamples, refit_model_core, train_split_core,
};
use crate::deploy::{refit_model, train_model};
use crate::task::{Split, Task, TaskKind};

/// Which code trains a delivered model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// The trainer's batched child training (text tasks; what populates the database).
    Trainer,
    /// The core's, what a device runs (numeric tasks).
    Core,
}

impl Engine {
    /// The engine's name as a person reads it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Core => "core",
            Self::Trainer => "trainer",
        }
    }
}

/// How a delivered model is trained.
#[derive(Clone, Debug, PartialEq)]
pub struct Recipe {
    /// The engine; `None` picks the core for numeric tasks and the trainer for text ones.
    pub engine: Option<Engine>,
    /// The trainer engine's schedule and both engines' row cap (`None`: every training row).
    pub child: ChildConfig,
    /// The core engine's schedule.
    pub schedule: TrainConfig,
    /// Whether the kept seed is trained again on the training and validation rows for its best
    /// epoch count (either engine).
    pub refit: bool,
}

impl Default for Recipe {
    /// Every training row, the device's schedule ([`TrainConfig::default`]) and a refit.
    fn default() -> Self {
        Self {
            engine: None,
            child: ChildConfig { max_train_rows: None, ..ChildConfig::default() },
            schedule: TrainConfig::default(),
            refit: true,
        }
    }
}

impl Recipe {
    /// The engine that trains `task`.
    #[must_use]
    pub fn engine_for(&self, task: &Task) -> Engine {
        self.engine.unwrap_or(match task.kind() {
            TaskKind::Numeric => Engine::Core,
            TaskKind::Text => Engine::Trainer,
        })
    }
}

/// One seed's training, either engine.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SeedRun {
    /// Validation accuracy of its kept epoch.
    pub validation_accuracy: f64,
    /// Its own test accuracy (before any refit).
    pub test_accuracy: f64,
    /// Its kept epoch.
    pub best_epoch: usize,
    /// Epochs run.
    pub epochs: usize,
}

/// A delivered model: its file and how it was trained.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Delivered {
    /// The model file's bytes: the final model's (with the task's column plan) once
    /// [`Self::finish`] has run.
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// The engine that trained it.
    pub engine: Engine,
    /// Every seed, in seed order.
    pub seeds: Vec<SeedRun>,
    /// The seed kept: best validation accuracy, the first on ties.
    pub kept: usize,
    /// Rows the final model learned from (training, plus validation after a refit).
    pub trained_rows: usize,
    /// The refit of the kept seed, when there was one.
    pub refit: Option<RefitRun>,
    /// What [`Self::finish`] refits from, until it has run.
    #[serde(skip)]
    pending: Option<Pending>,
}

/// What a refit did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RefitRun {
    /// Rows it trained on: the training and validation rows.
    pub train_samples: usize,
    /// Epochs: the kept seed's best epoch count.
    pub epochs: usize,
    /// Optimizer steps.
    pub steps: usize,
    /// The epoch kept: the one that fits the rows best, the later on ties (both engines; the
    /// last in a sound run).
    pub kept_epoch: usize,
    /// Its test accuracy on the task's test rows.
    pub test_accuracy: Option<f64>,
}

impl RefitRun {
    /// ", keeping epoch k, ..." when the refit kept an epoch before its last; empty otherwise.
    #[must_use]
    pub fn kept_epoch_clause(&self) -> String {
        if self.kept_epoch == self.epochs {
            String::new()
        } else {
            format!(", keeping epoch {}, the one that fits them best", self.kept_epoch)
        }
    }
}

impl From<CoreRun> for RefitRun {
    fn from(r: CoreRun) -> Self {
        Self {
            train_samples: r.train_samples,
            epochs: r.epochs,
            steps: r.steps,
            kept_epoch: r.best_epoch,
            test_accuracy: r.test_accuracy,
        }
    }
}

/// A trained model before its finish: each engine's seeds and what it trained on.
#[derive(Clone, Debug)]
enum Pending {
    Core(SplitSamples, CoreModel),
    /// The kept seed and its outcome.
    Trainer(usize, ChildOutcome),
}

impl Delivered {
    /// Validation accuracy of the kept seed: what a choice among candidates reads.
    #[must_use]
    pub fn validation_accuracy(&self) -> f64 {
        self.seeds.get(self.kept).map_or(f64::NAN, |s| s.validation_accuracy)
    }

    /// What the final model learned from, as a line for people.
    #[must_use]
    pub fn refit_line(&self) -> String {
        match &self.refit {
            Some(r) => format!(
                "the kept seed was trained again on {} training and validation rows for its {} \
                 epochs ({} steps){}; ",
                r.train_samples,
                r.epochs,
                r.steps,
                r.kept_epoch_clause()
            ),
            None => format!("the model learned from {} training rows; ", self.trained_rows),
        }
    }
}

/// Trains `arch` on `task`'s split with `seeds` child seeds by `recipe` and keeps the best by
/// validation accuracy; `columns` is the column plan (JSON) the task was read with, or empty.
/// The model is final once [`Delivered::finish`] has run (only the one kept needs it).
///
/// # Errors
/// When the task cannot be trained by the engine, or a model file cannot be encoded.
pub fn train_delivered(
    task: &Task,
    split: &Split,
    arch: &Discrete,
    recipe: &Recipe,
    seeds: u32,
    columns: &str,
) -> Result<Delivered> {
    Ok(match recipe.engine_for(task) {
        Engine::Trainer => {
            let trained = train_model(task, split, arch, &recipe.child, seeds, columns)?;
            let seeds = trained
                .outcomes
                .iter()
                .map(|o| SeedRun {
                    validation_accuracy: o.validation_accuracy,
                    test_accuracy: o.test_accuracy,
                    best_epoch: o.best_epoch,
                    epochs: o.epochs,
                })
                .collect();
            let trained_rows =
                recipe.child.max_train_rows.map_or(split.train.len(), |m| m.min(split.train.len()));
            let kept = trained.kept;
            let selected = trained.outcomes.get(kept).cloned().context("no seed was trained")?;
            Delivered {
                bytes: trained.bytes,
                engine: Engine::Trainer,
                seeds,
                kept,
                trained_rows,
                refit: None,
                pending: Some(Pending::Trainer(kept, selected)),
            }
        }
        Engine::Core => {
            let samples = SplitSamples::new(task, split, &recipe.child)?;
            let trained = train_split_core(&samples, arch, &recipe.schedule, seeds)?;
            let seeds = trained
                .runs
                .iter()
                .map(|r| SeedRun {
                    validation_accuracy: r.validation_accuracy,
                    test_accuracy: r.test_accuracy.unwrap_or(f64::NAN),
                    best_epoch: r.best_epoch,
                    epochs: r.epochs,
                })
                .collect();
            let kept = trained.kept;
            let trained_rows = trained.runs.get(kept).map_or(0, |r| r.train_samples);
            Delivered {
                bytes: trained.bytes.clone(),
                engine: Engine::Core,
                seeds,
                kept,
                trained_rows,
                refit: None,
                pending: Some(Pending::Core(samples, trained)),
            }
        }
    })
}

impl Delivered {
    /// Makes this the final model: when `recipe` asks for a refit, its kept seed trained again
    /// on `task`'s training and validation rows (`split`, as [`train_delivered`] had it) for its
    /// best epoch count; a core-trained file then gets the column plan `columns` (the core writes
    /// none: a device has no CSV), so that `predict` reads a CSV as the training one was read.
    /// Once only.
    ///
    /// # Errors
    /// When the refit cannot train, or the model file cannot be encoded.
    pub fn finish(
        &mut self,
        task: &Task,
        split: &Split,
        arch: &Discrete,
        recipe: &Recipe,
        columns: &str,
    ) -> Result<()> {
        match self.pending.take() {
            Some(Pending::Trainer(kept, selected)) if recipe.refit => {
                let (bytes, outcome) =
                    refit_model(task, split, arch, &recipe.child, (kept, &selected), columns)?;
                self.bytes = bytes;
                self.trained_rows = outcome.train_rows;
                self.refit = Some(RefitRun {
                    train_samples: outcome.train_rows,
                    epochs: outcome.epochs,
                    steps: outcome.steps,
                    kept_epoch: outcome.best_epoch,
                    test_accuracy: (!split.test.is_empty()).then_some(outcome.test_accuracy),
                });
            }
            None | Some(Pending::Trainer(..)) => {}
            Some(Pending::Core(samples, trained)) => {
                if recipe.refit {
                    let refit = refit_model_core(
                        &samples.train()?,
                        arch,
                        &recipe.schedule,
                        &trained,
                        Some(samples.names()),
                        samples.test()?.as_ref(),
                    )?;
                    self.bytes = refit.bytes;
                    self.trained_rows = refit.run.train_samples;
                    self.refit = Some(refit.run.into());
                }
                self.bytes = with_columns(&self.bytes, columns)?;
            }
        }
        Ok(())
    }
}

/// The model file `bytes` with the column plan `columns` (the core writes none: a device has no
/// CSV), so that `predict` reads a CSV as the training one was read.
fn with_columns(bytes: &[u8], columns: &str) -> Result<Vec<u8>> {
    if columns.is_empty() {
        return Ok(bytes.to_vec());
    }
    let model = Model::load(bytes).context("the core's model file does not load")?;
    let mut file = model.file;
    file.columns = columns;
    file.to_bytes().context("cannot encode the model file")
}
