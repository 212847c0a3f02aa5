//! The command line, as clap derive types, one file per group of commands; every doc comment
//! is the help text. Each group's options live beside one another (`task_args`: how a task is
//! read, shared by every command that reads one).

mod database_args;
mod deploy_args;
mod eval_args;
mod ranker_args;
mod task_args;

use clap::{Parser, Subcommand};

pub use database_args::*;
pub use deploy_args::*;
pub use eval_args::*;
pub use ranker_args::*;
pub use task_args::*;

/// The default experiment database: the bundled one.
pub const DEFAULT_DB: &str = "data/default.sqlite";

/// archrank: choose a neural network architecture for a new task without training candidates.
#[derive(Debug, Parser)]
#[command(name = "archrank", version, about, propagate_version = true)]
pub struct Cli {
    /// Hide progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add or list the tasks of an experiment database.
    #[command(subcommand)]
    Tasks(TasksCommand),
    /// Train random child architectures on the database's tasks (resumable, parallel).
    Populate(PopulateArgs),
    /// Train one architecture on a task and report its accuracy over seeds.
    TrainChild(TrainChildArgs),
    /// Train a discrete architecture on a task and write it as a model file a device runs.
    Train(TrainArgs),
    /// Predict rows with a model file, labelled or not: each row's class and probabilities (table,
    /// --json, or -o CSV); accuracy and a confusion matrix where rows carry labels.
    Predict(PredictArgs),
    /// Search a shortlist for a task, train each candidate, keep the best by validation
    /// accuracy and write it as a model file.
    Choose(ChooseArgs),
    /// Report measurement noise per task, from the populate's noise runs.
    Noise(NoiseArgs),
    /// Merge or export experiment databases.
    #[command(subcommand)]
    Db(DbCommand),
    /// Search an architecture for a task with a fitted ranker.
    Search(SearchArgs),
    /// Print a weights file's header and provenance.
    Inspect(InspectArgs),
    /// Write an f32 weights file as int8 (weight matrices and task table), for a small device.
    Quantize(QuantizeArgs),
    /// Rewrite a ranker, model or samples file of the previous format version in this build's.
    Upgrade(UpgradeArgs),
    /// Write a task's samples as a file a device embeds (firmware `include_bytes!`).
    ExportSamples(ExportSamplesArgs),
    /// Fit the ranking network on the database (set encoder and scoring towers co-trained).
    Fit(FitCommandArgs),
    /// The paper's evaluations.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Write a markdown report with the paper's figures for this database.
    Report(ReportArgs),
    /// Hold a task out, fit, search, train the chosen architecture and compare with baselines.
    Demo(DemoArgs),
}
