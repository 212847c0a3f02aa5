//! What can go wrong in an evaluation.

use archrank_core::SpecError;

use crate::database::DatabaseError;
use crate::fit::FitError;
use crate::search::SearchError;

/// An evaluation that cannot run or finish.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A held-out task is not among the tasks with usable runs.
    #[error("task `{0}` has no usable runs in the database")]
    UnknownTask(String),
    /// A ranker could not be fitted or written.
    #[error(transparent)]
    Fit(#[from] FitError),
    /// A search failed.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// The found architecture's discrete form does not parse (a bug).
    #[error("the discrete form found does not parse: {0}")]
    Spec(#[from] SpecError),
    /// Reading the database failed.
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// A child could not be trained (the core's reason, located).
    #[error("{0:#}")]
    Child(anyhow::Error),
    /// Writing a report failed.
    #[error("while writing the report: {0}")]
    Io(#[from] std::io::Error),
}

/// The evaluations' result type.
pub type Result<T, E = EvalError> = std::result::Result<T, E>;
