//! The archrank trainer: the experiment database, child-model training, ranker fitting, search
//! and the paper's evaluations, behind the `archrank` command line.
//!
//! The folders follow the pipeline, each importing only from the stages before it:
//! [`task`] (CSVs, splits, the core's view of samples) -> [`child`] (child models) ->
//! [`database`] (tasks and runs) -> [`populate`] (training the plan) -> [`fit`] (the ranker) ->
//! [`search`] (the online phase on the host) -> [`deploy`] (model files: train, predict) ->
//! [`evaluation`] (the paper's tables and figures)
//! -> [`commands`] (argument to settings to output). [`atomic_file`], [`output`] and [`rng`] are
//! shared by all of them.

pub mod atomic_file;
pub mod child;
pub mod cli;
pub mod commands;
pub mod crash_point;
pub mod database;
pub mod deploy;
pub mod evaluation;
pub mod fit;
pub mod output;
pub mod populate;
pub mod rank_stats;
pub mod ranker_source;
pub mod rng;
pub mod search;
pub mod task;
