//! Fitting the ranking network (paper §3–§4, DESIGN §3–§4): the set encoder and the scoring
//! towers co-trained on the
//! experiment database with the L2, linear or quadratic ranking loss, and the fitted network
//! written as the core's weights file.
//!
//! # Pipeline
//!
//! 1. [`load_fit_data`]: per task, its training split encoded once by the core's sample encoder
//!    and its population runs with the chosen [`Metric`] as target.
//! 2. [`fit`] (or [`fit_preset`]): seeded initialisation; each step picks a task, draws a batch
//!    of its samples for z and pairs of its runs, computes the loss through the **core's own
//!    forward pass** (the trainer's scores are the device's, bit for bit), back-propagates by
//!    hand into the towers and the set encoder (with the residual's penalty and the auxiliary
//!    "same task?" loss) and takes an optimizer step.
//! 3. [`fitted_weights_bytes`]: the weights file, with every training task's mean embedding and
//!    top architectures for the search's starts ([`crate::atomic_file::write`] puts it on disk).
//!
//! [`predict_scores`] scores architectures for a task with a fitted network (evaluation).

mod backprop;
mod error;
mod fit_config;
mod fit_data;
mod fit_loop;
mod network_params;
mod optimizer;
mod pairwise_loss;
mod predict;
mod same_task_loss;
mod storage;
#[cfg(test)]
pub(crate) mod tests;
mod weights_writer;

pub use backprop::{
    Forward, SampleBatch, SetForward, StepBatch, embedding, forward, loss_and_gradient,
    set_backward, set_forward,
};
pub use error::FitError;
pub use fit_config::{FitConfig, TaskInputs};
pub use fit_data::{
    EncodedSamples, FitData, FitRun, FitTask, MAX_FIT_ROWS, Metric, SkippedTask, arch_fold,
    encode_rows, fit_encoded, fit_rows, fit_runs, load_fit_data, load_fit_task, task_fold,
};
pub use fit_loop::{FitResult, LossPoint, fit, fit_preset};
pub use network_params::{init_params, le_params, tensor_ranges};
pub use optimizer::{Optimizer, OptimizerState};
pub use pairwise_loss::{LossSpec, PairLoss, Scored, batch_loss, hinge, l2_loss, pair_loss};
pub use predict::{
    predict_scores, predict_scores_with_params, score_task_runs, scores_for, task_embedding,
};
pub use same_task_loss::{SAME_TASK_MARGIN, TripletLoss, triplet_loss};
pub use storage::Storage;
pub use weights_writer::{
    WeightsMeta, creation_time, fitted_weights_bytes, fitted_weights_bytes_for, top_runs,
};
