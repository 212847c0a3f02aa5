//! The database's commands: `tasks`, `populate`, `train-child`, `noise` and `db`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::child::DEFAULT_MAX_ROWS;
use crate::populate::Shard;

use super::DEFAULT_DB;
use super::deploy_args::EngineArg;
use super::ranker_args::PresetArg;
use super::task_args::{CsvArgs, KindArg};

/// `archrank tasks ...`
#[derive(Debug, Subcommand)]
pub enum TasksCommand {
    /// Store task CSVs in the database (all or nothing), so the database is self-contained.
    Add(TasksAddArgs),
    /// List the database's tasks.
    List(TasksListArgs),
}

/// `archrank tasks add`
#[derive(Debug, Args)]
pub struct TasksAddArgs {
    /// CSV files, one task each (a header row and a label column; `-` reads standard input,
    /// `.csv.gz` is read directly).
    #[arg(required = true, value_name = "CSV")]
    pub csv_files: Vec<PathBuf>,
    /// Experiment database (created if missing).
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Task name (only with one CSV; default: the file stem).
    #[arg(long)]
    pub name: Option<String>,
    /// Force the task kind: numeric (every kept column must hold numbers) or text (one kept
    /// column, read as free text). Default: each column typed from its cells.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// How to read the CSV files.
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Print JSON (each task with its column plan) instead of a summary.
    #[arg(long)]
    pub json: bool,
}

/// `archrank tasks list`
#[derive(Debug, Args)]
pub struct TasksListArgs {
    /// Experiment database.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `--space` of `archrank populate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SpaceArg {
    /// Soft and near-discrete logits, each trained as its mixture.
    Soft,
    /// Discrete architectures, each trained as its discrete network with several seeds.
    Discrete,
}

/// `archrank populate`
#[derive(Debug, Args)]
pub struct PopulateArgs {
    /// Experiment database.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Search-space preset.
    #[arg(long, value_enum, default_value = "tiny")]
    pub preset: PresetArg,
    /// Random architectures per task.
    #[arg(long, default_value_t = 100)]
    pub archs_per_task: u32,
    /// Which architectures: `soft` (the paper's: logits shared by every task, each trained once
    /// as its mixture) or `discrete` (each trained as its discrete network with
    /// --seeds-per-arch seeds; the first --shared-archs the same on every task, the rest each
    /// task's own draw).
    #[arg(long, value_enum, default_value = "soft")]
    pub space: SpaceArg,
    /// Child seeds per discrete architecture, each a run.
    #[arg(long, default_value_t = 3)]
    pub seeds_per_arch: u32,
    /// Discrete architecture indices shared by every task (the rest are each task's own draw).
    #[arg(long, default_value_t = 16)]
    pub shared_archs: u32,
    /// Which code trains discrete children (default: the core, as delivered numeric models
    /// are, with a device's schedule; text tasks are trained by the trainer either way). Soft
    /// children are mixtures: the trainer's only.
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// Only these tasks (comma-separated; default: all).
    #[arg(long, value_delimiter = ',')]
    pub tasks: Vec<String>,
    /// Cap on the rows a child trains on (stratified subsample); the stored task keeps all rows.
    #[arg(long, default_value_t = DEFAULT_MAX_ROWS)]
    pub max_rows: usize,
    /// Minimum epochs per child (a floor of optimizer steps applies on top).
    #[arg(long, default_value_t = 20)]
    pub epochs: usize,
    /// Minimum optimizer steps per child, so small tasks are trained too.
    #[arg(long, default_value_t = 300)]
    pub min_steps: usize,
    /// Parallel child trainings (default: all cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Plan seed: the architectures and child seeds follow from it.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Run only shard K of N of the plan (e.g. an array job's index), as `K/N`.
    #[arg(long, default_value = "1/1", value_parser = Shard::parse)]
    pub shard: Shard,
    /// Retrain the first K architectures of each task with other seeds, to measure noise.
    #[arg(long, default_value_t = 0)]
    pub noise_archs: u32,
    /// Extra seeds per noise architecture.
    #[arg(long, default_value_t = 2)]
    pub noise_seeds: u32,
}

/// `archrank train-child`
#[derive(Debug, Args)]
pub struct TrainChildArgs {
    /// Experiment database holding the task.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Task name in the database.
    #[arg(long)]
    pub task: String,
    /// Search-space preset of the architecture.
    #[arg(long, value_enum, default_value = "tiny")]
    pub preset: PresetArg,
    /// File holding the logits u (whitespace- or comma-separated numbers).
    #[arg(long, conflicts_with = "discrete", required_unless_present = "discrete")]
    pub arch: Option<PathBuf>,
    /// A discrete architecture such as `m1/relu16/skip/tanh64` (what search prints).
    #[arg(long)]
    pub discrete: Option<String>,
    /// Child seeds to train with.
    #[arg(long, default_value_t = 3)]
    pub seeds: u32,
    /// Cap on training rows.
    #[arg(long, default_value_t = DEFAULT_MAX_ROWS)]
    pub max_rows: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `archrank noise`
#[derive(Debug, Args)]
pub struct NoiseArgs {
    /// Experiment database.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Search-space preset.
    #[arg(long, value_enum, default_value = "tiny")]
    pub preset: PresetArg,
    /// Write an SVG histogram of this task's run accuracies (the paper's Figure 3).
    #[arg(long)]
    pub histogram_task: Option<String>,
    /// Where to write the histogram.
    #[arg(long, default_value = "histogram.svg")]
    pub histogram: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `archrank db ...`
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Merge shard databases into one (tasks matched by content, runs deduplicated).
    Merge(DbMergeArgs),
    /// Write tasks and runs as CSV (one row per run, u as columns).
    Export(DbExportArgs),
    /// Upgrade a database of an earlier schema version in place (opening never migrates).
    Migrate(DbMigrateArgs),
}

/// `archrank db migrate`
#[derive(Debug, Args)]
pub struct DbMigrateArgs {
    /// Experiment database.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
}

/// `archrank db merge`
#[derive(Debug, Args)]
pub struct DbMergeArgs {
    /// Databases to merge.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output database (created or extended).
    #[arg(long, short)]
    pub output: PathBuf,
}

/// `archrank db export`
#[derive(Debug, Args)]
pub struct DbExportArgs {
    /// Experiment database.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Directory to write tasks.csv and runs.csv into.
    #[arg(long)]
    pub csv: PathBuf,
}
