//! The paper's evaluations on an experiment database: leave-one-task-out ranking quality
//! (Tables 1 and 4) and the quality of the architectures the search finds (Table 2).

pub mod baselines;
pub mod budget_eval;
pub mod delivered_agreement;
pub mod engine_eval;
pub mod error;
#[cfg(test)]
mod fit_defaults;
pub mod headroom;
pub mod loto;
pub mod loto_comparison;
pub mod paired;
pub mod projection;
pub mod ranker_kind;
pub mod report;
pub mod search_eval;
pub mod svg_plot;
pub mod task_noise;

pub use error::EvalError;
pub use loto::{Correlations, LotoReport, LotoSettings, run_loto};
pub use ranker_kind::RankerKind;
pub use search_eval::{SearchEvalReport, SearchEvalSettings, run_search_eval};
