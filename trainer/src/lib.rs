//! The archrank trainer: the experiment database, child-model training, ranker fitting, search
//! and the paper's evaluations, behind the `archrank` command line.

pub mod arch_sampling;
pub mod atomic_file;
pub mod child;
pub mod cli;
pub mod commands;
pub mod database;
pub mod evaluation;
pub mod fit;
pub mod host_search;
pub mod output;
pub mod populate;
pub mod projection;
pub mod rank_stats;
pub mod report;
pub mod rng;
pub mod split;
pub mod svg_plot;
pub mod task;
pub mod task_csv;
pub mod task_samples;
