//! What can go wrong while fitting a ranker or writing its weights file.

use archrank_core::{EncodeError, PresetId, WeightsError};

use crate::database::DatabaseError;

/// A fit that cannot run, or whose result cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// A fit setting is out of range (the name is the command line's option).
    #[error("--{name} {rule}, got {value}")]
    Setting {
        /// The option, without its dashes.
        name: &'static str,
        /// What it must be.
        rule: &'static str,
        /// What it was.
        value: String,
    },
    /// Data, fit and file disagree on the preset.
    #[error("the data is of preset {data}, the fit or file of preset {fit}")]
    PresetMismatch {
        /// The data's preset.
        data: PresetId,
        /// The fit's or file's preset.
        fit: PresetId,
    },
    /// The data carries another target than the fit asks for.
    #[error("the data carries metric {data}, the fit asks for {fit}")]
    MetricMismatch {
        /// The data's metric.
        data: &'static str,
        /// The fit's metric.
        fit: &'static str,
    },
    /// Nothing to train on.
    #[error("no training tasks")]
    NoTasks,
    /// A task the fit cannot use.
    #[error("task `{task}` {problem}")]
    BadTask {
        /// The task.
        task: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The loss or its gradient became NaN or infinite.
    #[error(
        "the loss stopped being finite at step {step} (task `{task}`); try a lower learning rate"
    )]
    Diverged {
        /// The step.
        step: u32,
        /// The step's task.
        task: String,
    },
    /// A parameter or gradient vector of the wrong length.
    #[error("expected {expected} parameters, got {found}")]
    ParamCount {
        /// The preset's parameter count.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// The result was fitted on other tasks than the data given to write it with.
    #[error("the fit was trained on other tasks than the data given")]
    OtherTasks,
    /// The encoder refuses a task's samples.
    #[error("task `{task}` cannot be encoded: {source}")]
    Encode {
        /// The task.
        task: String,
        /// The encoder's reason.
        source: EncodeError,
    },
    /// postcard could not encode the weights file.
    #[error("while encoding the weights file: {0}")]
    Serialize(#[from] postcard::Error),
    /// The written file does not load (a bug, caught before the file is handed out).
    #[error("the weights file written does not load: {0}")]
    Unloadable(WeightsError),
    /// Reading the database failed.
    #[error(transparent)]
    Database(#[from] DatabaseError),
}

/// The fit's result type.
pub type Result<T, E = FitError> = std::result::Result<T, E>;
