//! How a child is trained: its budget, batch size, learning rate, patience and row cap.

/// Training rows a child is fitted on by default (a stratified subsample beyond it): large tasks
/// cost no more than this to populate.
pub const DEFAULT_MAX_ROWS: usize = 2000;

/// How a child is trained.
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
    fn default() -> Self {
        Self {
            epochs: 20,
            min_steps: 300,
            max_steps: 3000,
            batch_size: 64,
            learning_rate: 1e-3,
            patience: 5,
            max_train_rows: Some(DEFAULT_MAX_ROWS),
        }
    }
}
