//! The command line, as clap derive types. Every doc comment is the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Report measurement noise per task, from the populate's noise runs.
    Noise(NoiseArgs),
    /// Merge or export experiment databases.
    #[command(subcommand)]
    Db(DbCommand),
    /// Search an architecture for a task with a fitted ranker.
    Search(SearchArgs),
    /// Print a weights file's header and provenance.
    Inspect(InspectArgs),
    /// Write a task's samples as a file a device embeds (firmware `include_bytes!`).
    ExportSamples(ExportSamplesArgs),
}

/// Search-space preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PresetArg {
    /// U = 33: 3 modules, 3 layers of 8 base layers.
    Tiny,
    /// U = 105: the paper's 7 modules, 7 layers of 12 base layers.
    Paper,
}

impl From<PresetArg> for archrank_core::PresetId {
    fn from(p: PresetArg) -> Self {
        match p {
            PresetArg::Tiny => Self::Tiny,
            PresetArg::Paper => Self::Paper,
        }
    }
}

/// Kind of task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Every feature column is numeric.
    Numeric,
    /// One text column.
    Text,
}

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
    /// CSV files, one task each (RFC 4180, a header row, a label column).
    #[arg(required = true)]
    pub csv: Vec<PathBuf>,
    /// Experiment database (created if missing).
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Task name (only with one CSV; default: the file stem).
    #[arg(long)]
    pub name: Option<String>,
    /// Force the task kind (default: numeric if every feature parses as a number).
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Name of the label column.
    #[arg(long, default_value = "label")]
    pub label_column: String,
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
    /// Only these tasks (comma-separated; default: all).
    #[arg(long, value_delimiter = ',')]
    pub tasks: Vec<String>,
    /// Cap on the rows a child trains on (stratified subsample); the stored task keeps all rows.
    #[arg(long, default_value_t = 2000)]
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
    #[arg(long, default_value = "1/1")]
    pub shard: String,
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
    #[arg(long, default_value_t = 2000)]
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

/// `archrank search`
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Weights file written by `archrank fit` (either preset).
    #[arg(long)]
    pub weights: PathBuf,
    /// A task CSV to search an architecture for (all its rows are embedded).
    #[arg(long, conflicts_with_all = ["db_task", "samples"])]
    pub task: Option<PathBuf>,
    /// Name of the label column of --task.
    #[arg(long, default_value = "label")]
    pub label_column: String,
    /// Experiment database holding --db-task.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// A task stored in --db (its training split is embedded).
    #[arg(long, conflicts_with = "samples")]
    pub db_task: Option<String>,
    /// A samples file written by `archrank export-samples` (what a device embeds).
    #[arg(long)]
    pub samples: Option<PathBuf>,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Print only the exact `result` lines the firmware prints.
    #[arg(long, conflicts_with = "json")]
    pub golden: bool,
}

/// `archrank inspect`
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Weights file.
    pub weights: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `archrank export-samples`
#[derive(Debug, Args)]
pub struct ExportSamplesArgs {
    /// A task CSV.
    #[arg(long, conflicts_with = "db_task", required_unless_present = "db_task")]
    pub task: Option<PathBuf>,
    /// Name of the label column of --task.
    #[arg(long, default_value = "label")]
    pub label_column: String,
    /// Experiment database holding --db-task.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// A task stored in --db.
    #[arg(long)]
    pub db_task: Option<String>,
    /// At most this many samples (a stratified, seeded subsample; a device's flash is small).
    #[arg(long, default_value_t = 200)]
    pub max_samples: usize,
    /// Seed of the subsample.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output file.
    #[arg(long, short)]
    pub output: PathBuf,
}
