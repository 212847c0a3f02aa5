//! The evaluations (`eval loto`, `search`, `engines`, `compare`), `report` and `demo`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::child::DEFAULT_MAX_ROWS;

use super::DEFAULT_DB;
use super::ranker_args::{FitArgs, LossArg, OptimizerArg, PresetArg, StorageArgs};

/// `archrank eval ...`
#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Leave one task out: rank every run of each held-out task (the paper's Tables 1 and 4).
    Loto(EvalLotoArgs),
    /// Search for each held-out task and train what was found (the paper's Table 2).
    Search(EvalSearchArgs),
    /// Compare two `eval loto --json` results ranker by ranker on the tasks both held out
    /// (e.g. before and after a change of training pool): paired differences with intervals.
    Compare(EvalCompareArgs),
    /// Train the same random architectures on every numeric task's split with the core's child
    /// training (what a device runs) and the trainer's: paired test accuracy with an interval.
    Engines(EvalEnginesArgs),
    /// Does the database rank architectures as delivered models would? Some of each task's
    /// database architectures trained as `train` delivers them (every row, best seed, refit):
    /// the Spearman per task against the database's accuracies, beside its seed-to-seed one.
    Delivered(EvalDeliveredArgs),
    /// How much choosing an architecture per task can be worth in the database's space (no
    /// training, no ranker): each task's best architecture by validation (the oracle) against
    /// the constant default, random picks and the best of K, within each budget, on seed means.
    Headroom(EvalHeadroomArgs),
}

/// `archrank eval headroom`
#[derive(Debug, Args)]
pub struct EvalHeadroomArgs {
    /// Experiment database.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Search-space preset.
    #[arg(long, value_enum, default_value = "tiny")]
    pub preset: PresetArg,
    /// Parameter budgets (comma-separated) to measure within, beside no budget.
    #[arg(long, value_delimiter = ',', value_name = "N,..", default_value = "1000,3000")]
    pub max_params: Vec<u32>,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where to write the results.
    #[command(flatten)]
    pub files: ResultFiles,
}

/// `archrank eval delivered`
#[derive(Debug, Args)]
pub struct EvalDeliveredArgs {
    /// Experiment database (its tasks, splits and runs).
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Search-space preset of the runs.
    #[arg(long, value_enum, default_value = "tiny")]
    pub preset: PresetArg,
    /// Architectures per task, drawn among those the database ran with two seeds or more.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(2..=100))]
    pub architectures: u32,
    /// Seeds of each delivered training (as `train --seeds`).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub seeds: u32,
    /// Seed of the draw and of the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where to write the results.
    #[command(flatten)]
    pub files: ResultFiles,
}

/// `archrank eval engines`
#[derive(Debug, Args)]
pub struct EvalEnginesArgs {
    /// Experiment database (its numeric tasks and their splits).
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Search-space preset of the architectures.
    #[arg(long, value_enum, default_value = "tiny")]
    pub preset: PresetArg,
    /// Random architectures per task.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub architectures: u32,
    /// Child seeds per engine (each keeps its best by validation accuracy).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub seeds: u32,
    /// Seed of the architectures' draw and of the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Cap on training rows (as when populating).
    #[arg(long, default_value_t = DEFAULT_MAX_ROWS)]
    pub max_rows: usize,
    /// Draw only architectures of at most this many parameters on each task (a device's size).
    #[arg(long, value_name = "N")]
    pub max_params: Option<u32>,
    /// The core's optimizer (the trainer's stays Adam at 0.01; a device's is momentum).
    #[arg(long, value_enum, default_value = "momentum")]
    pub core_optimizer: OptimizerArg,
    /// The core's step size (default: 0.01 for Adam, 0.05 for momentum).
    #[arg(long, value_name = "LR")]
    pub core_learning_rate: Option<f32>,
    /// Write every row and the comparison as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// `archrank eval compare`
#[derive(Debug, Args)]
pub struct EvalCompareArgs {
    /// `eval loto --json` output to compare against.
    pub before: PathBuf,
    /// `eval loto --json` output of the change.
    pub after: PathBuf,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where to write the results.
    #[command(flatten)]
    pub files: ResultFiles,
}

/// Options shared by both evaluations.
#[derive(Debug, Args, Clone)]
pub struct EvalCommon {
    /// Experiment database.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Search-space preset.
    #[arg(long, value_enum, default_value = "tiny")]
    pub preset: PresetArg,
    /// Losses to compare (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "l2,linear,quadratic")]
    pub losses: Vec<LossArg>,
    /// Fits per task and loss, with seeds seed, seed+1, ...
    #[arg(long)]
    pub repeats: Option<u32>,
    /// Held-out tasks (comma-separated; default: every task).
    #[arg(long, value_delimiter = ',')]
    pub tasks: Vec<String>,
    /// Leave these tasks out altogether, neither trained on nor held out (comma-separated):
    /// with --tasks, measures what a group of training tasks adds.
    #[arg(long, value_delimiter = ',')]
    pub exclude_tasks: Vec<String>,
    /// Fit settings.
    #[command(flatten)]
    pub fit: FitArgs,
    /// How each fitted ranker with a weights file is stored before it is evaluated (the
    /// controls, which have none, stay f32).
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Where to write the results.
    #[command(flatten)]
    pub files: ResultFiles,
}

/// Where an evaluation writes its results besides printing them.
#[derive(Debug, Args, Clone, Default)]
pub struct ResultFiles {
    /// Write the results as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write the results as a markdown table here.
    #[arg(long)]
    pub markdown: Option<PathBuf>,
}

impl ResultFiles {
    /// The JSON and markdown paths, if any.
    #[must_use]
    pub fn paths(&self) -> (Option<&std::path::Path>, Option<&std::path::Path>) {
        (self.json.as_deref(), self.markdown.as_deref())
    }
}

/// `archrank eval loto`
#[derive(Debug, Args)]
pub struct EvalLotoArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: EvalCommon,
    /// Leave out the control rankers: task-agnostic, meta-features, meta-features + landmarkers.
    #[arg(long)]
    pub no_controls: bool,
    /// Hold out architectures too, in K folds by architecture: each held-out task is scored on
    /// its runs of one fold, and the rankers fit on the other folds' runs only, so no training
    /// task ran an architecture it is scored on (0: score every run, architectures shared).
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub held_out_archs: u32,
}

/// `archrank eval search`
#[derive(Debug, Args)]
pub struct EvalSearchArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: EvalCommon,
    /// Child seeds per found architecture.
    #[arg(long, default_value_t = 3)]
    pub child_seeds: u32,
    /// Cap on the rows a child trains on (as when populating).
    #[arg(long, default_value_t = DEFAULT_MAX_ROWS)]
    pub max_rows: usize,
    /// Parameter budgets (comma-separated) to search within as well: the found architecture
    /// against the best of K random trainings within the same budget.
    #[arg(long, value_delimiter = ',', value_name = "N,..")]
    pub max_params: Vec<u32>,
    /// Shortlist sizes K (comma-separated, at most 8): each adds a row `shortlist_K`, the test
    /// accuracy of the candidate kept by validation among the first K of the search's shortlist
    /// (each trained with every child seed); `0` measures none.
    #[arg(long, value_delimiter = ',', value_name = "K,..", default_value = "1,3,5",
          value_parser = clap::value_parser!(u8).range(0..=8))]
    pub shortlist: Vec<u8>,
    /// Least number of differing choices between shortlisted architectures, when enough differ so.
    #[arg(long, value_name = "N", default_value_t = archrank_core::shortlist::SHORTLIST_MIN_DISTANCE)]
    pub shortlist_distance: usize,
    /// Hold out architectures too, in K folds by architecture (as `eval loto`): each held-out
    /// task's ranker fits on the other tasks' runs of every fold but the task's own, and the
    /// report says how often the answer is in that fold, an architecture no training run had
    /// (0: every architecture shared).
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub held_out_archs: u32,
}

/// `archrank report`
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Experiment database.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Search-space preset.
    #[arg(long, value_enum, default_value = "tiny")]
    pub preset: PresetArg,
    /// The task held out for the per-task figures (default: the first task).
    #[arg(long)]
    pub task: Option<String>,
    /// JSON written by `archrank eval loto --json`, for the Spearman-per-task figure.
    #[arg(long)]
    pub loto: Option<PathBuf>,
    /// Fit settings.
    #[command(flatten)]
    pub fit: FitArgs,
    /// Output directory (report.md and SVG figures).
    #[arg(long, short)]
    pub output: PathBuf,
}

/// `archrank demo`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Experiment database.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// The task to hold out and choose an architecture for.
    #[arg(long, default_value = "vowel")]
    pub task: String,
    /// Child seeds to train the chosen architecture with.
    #[arg(long, default_value_t = 3)]
    pub child_seeds: u32,
    /// Fit settings.
    #[command(flatten)]
    pub fit: FitArgs,
    /// Output directory for the fitted ranker and a small report.
    #[arg(long, short, default_value = "demo-output")]
    pub output: PathBuf,
}
