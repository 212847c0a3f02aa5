//! How a child is trained: its budget, batch size, learning rate, patience and row cap.

use archrank_core::optimizer::Optimizer;
use archrank_core::training::{StepDecay, TrainConfig};

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
    /// Rows per mini-batch of the trainer's engine (the core's children take a device's:
    /// [`Self::device_schedule`]).
    pub batch_size: usize,
    /// Adam's step size.
    pub learning_rate: f32,
    /// Epochs without a better validation accuracy before stopping (a tie restarts the count;
    /// only once `min_steps` are done, so the step floor always holds).
    pub patience: usize,
    /// Largest number of training rows (a stratified subsample beyond it); `None` keeps all.
    /// Applied by [`super::prepare`]; the child trains on whatever was prepared.
    pub max_train_rows: Option<usize>,
}

impl Default for ChildConfig {
    /// The trainer's schedule as the core states it ([`TrainConfig::trainer`]), on at most
    /// [`DEFAULT_MAX_ROWS`] rows.
    fn default() -> Self {
        let TrainConfig {
            epochs, min_steps, max_steps, batch_size, learning_rate, patience, ..
        } = TrainConfig::trainer();
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
    /// A device's optimizer, step size and batch size ([`TrainConfig::default`]) with these step
    /// counts: what `populate --engine core` trains the database's children with, and what the
    /// evaluations that train through it use, so that a child learns as a delivered model
    /// (`train`, `choose`) does before its refit.
    #[must_use]
    pub fn device_schedule(&self) -> TrainConfig {
        let device = TrainConfig::default();
        TrainConfig {
            optimizer: device.optimizer,
            learning_rate: device.learning_rate,
            batch_size: device.batch_size,
            ..self.schedule()
        }
    }

    /// The schedule of a refit on training and validation rows: exactly `epochs` epochs (within
    /// `max_steps`), with no floor of steps and no early stopping (the core's
    /// [`TrainConfig::refit`]).
    #[must_use]
    pub fn refit(&self, epochs: usize) -> Self {
        Self { epochs, min_steps: 0, patience: usize::MAX, ..self.clone() }
    }

    /// This schedule as the core's, with Adam (the trainer's children's optimizer).
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
            weight_decay: 0.0,
            decay: StepDecay::Constant,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_device_schedule_is_the_delivered_models_schedule() {
        // A database's core children learn as a delivered numeric model does before its refit.
        assert_eq!(ChildConfig::default().device_schedule(), TrainConfig::default());
    }
}
