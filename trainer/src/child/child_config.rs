//! How a child is trained: its budget, batch size, learning rate, patience and row cap.

use archrank_core::training::TrainConfig;
use archrank_core::training::optimizer::Optimizer;

/// Training rows a child is fitted on by default (a stratified subsample beyond it): large tasks
/// cost no more than this to populate.
pub const DEFAULT_MAX_ROWS: usize = 2000;

/// How a child is trained: the core's schedule ([`TrainConfig`]) and a cap on the rows, in the
/// form the database and the evaluations' reports store.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChildConfig {
    /// Epochs E of the budget `max(E, ceil(min_steps / steps_per_epoch))`.
    pub epochs: usize,
    /// Floor of optimizer steps: small tasks get more epochs instead of too few steps.
    pub min_steps: usize,
    /// Ceiling of optimizer steps (large tasks stop mid-epoch).
    pub max_steps: usize,
    /// Rows per mini-batch.
    pub batch_size: usize,
    /// Adam's step size.
    pub learning_rate: f32,
    /// Epochs without a better validation accuracy before stopping (only once `min_steps` are
    /// done, so the step floor always holds).
    pub patience: usize,
    /// Largest number of training rows (a stratified subsample beyond it); `None` keeps all.
    /// Applied by [`super::prepare`]; the child trains on whatever was prepared.
    pub max_train_rows: Option<usize>,
}

impl Default for ChildConfig {
    /// The core's schedule ([`TrainConfig::default`], which a device trains with), on at most
    /// [`DEFAULT_MAX_ROWS`] rows.
    fn default() -> Self {
        let TrainConfig {
            epochs, min_steps, max_steps, batch_size, learning_rate, patience, ..
        } = TrainConfig::default();
        Self {
            epochs,
            min_steps,
            max_steps,
            batch_size,
            learning_rate,
            patience,
            max_train_rows: Some(DEFAULT_MAX_ROWS),
        }
    }
}

impl ChildConfig {
    /// The schedule as the core's, with Adam (what `archrank train --engine core` trains with).
    #[must_use]
    pub const fn schedule(&self) -> TrainConfig {
        TrainConfig {
            optimizer: Optimizer::Adam,
            epochs: self.epochs,
            min_steps: self.min_steps,
            max_steps: self.max_steps,
            batch_size: self.batch_size,
            learning_rate: self.learning_rate,
            patience: self.patience,
        }
    }
}
