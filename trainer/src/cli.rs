//! The command line, as clap derive types. Every doc comment is the help text.

use std::path::PathBuf;

use archrank_core::quantize::Scales;
use archrank_core::{LossKind, PresetId, Quantization, RankerForm};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::child::DEFAULT_MAX_ROWS;
use crate::deploy::delivered::{Engine, Recipe};
use crate::fit::{FitConfig, FitError, Metric, Optimizer, Storage, TaskInputs};
use crate::populate::Shard;

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
    /// Run a model file on a task's rows: predictions, accuracy, confusion matrix.
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

/// Search-space preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PresetArg {
    /// U = 33: 3 modules, 3 layers of 8 base layers.
    Tiny,
    /// U = 105: the paper's 7 modules, 7 layers of 12 base layers.
    Paper,
}

impl From<PresetArg> for PresetId {
    fn from(p: PresetArg) -> Self {
        match p {
            PresetArg::Tiny => Self::Tiny,
            PresetArg::Paper => Self::Paper,
        }
    }
}

/// The ranker's loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LossArg {
    /// Regression of the accuracy, (v - p)^2: the predecessor's baseline.
    L2,
    /// Pairwise ranking, max(0, m - (v_i - v_j)).
    Linear,
    /// Pairwise ranking, max(0, m - (v_i - v_j))^2 / m.
    Quadratic,
}

impl From<LossArg> for LossKind {
    fn from(l: LossArg) -> Self {
        match l {
            LossArg::L2 => Self::L2,
            LossArg::Linear => Self::Linear,
            LossArg::Quadratic => Self::Quadratic,
        }
    }
}

/// How a weights file stores its numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum QuantizeArg {
    /// Every value as f32, as fitted.
    F32,
    /// Weight matrices and the task table as int8, one f32 scale per column (about a third of
    /// the bytes).
    Int8,
}

impl From<QuantizeArg> for Quantization {
    fn from(q: QuantizeArg) -> Self {
        match q {
            QuantizeArg::F32 => Self::F32,
            QuantizeArg::Int8 => Self::Int8,
        }
    }
}

/// How many values share an int8 scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScalesArg {
    /// One per column: per output of a layer, per dimension of the task table.
    Column,
    /// One per tensor.
    Tensor,
}

impl From<ScalesArg> for Scales {
    fn from(s: ScalesArg) -> Self {
        match s {
            ScalesArg::Column => Self::Column,
            ScalesArg::Tensor => Self::Tensor,
        }
    }
}

/// How a fitted ranker is stored: `fit`, `quantize` and the evaluations.
#[derive(Debug, Args, Clone)]
pub struct StorageArgs {
    /// Store the weight matrices and the task table as int8 (`int8`) or as fitted (`f32`).
    #[arg(long, value_enum, default_value = "f32")]
    pub quantize: QuantizeArg,
    /// How many values share an int8 scale (with `--quantize int8`; default: column).
    #[arg(long, value_enum)]
    pub scales: Option<ScalesArg>,
    /// Store this many search steps instead of the default (a small device's cheaper search).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=10_000))]
    pub search_steps: Option<u16>,
}

impl StorageArgs {
    /// The storage these options ask for.
    ///
    /// # Errors
    /// `--scales` without `--quantize int8`, where it would be ignored.
    pub fn storage(&self) -> anyhow::Result<Storage> {
        let quantization: Quantization = self.quantize.into();
        if self.scales.is_some() && quantization != Quantization::Int8 {
            anyhow::bail!("--scales applies to int8 weights only: add --quantize int8");
        }
        Ok(Storage {
            quantization,
            scales: self.scales.map_or(Scales::Column, Into::into),
            search_steps: self.search_steps,
        })
    }
}

/// How a ranker forms its scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RankerFormArg {
    /// The paper's: one network over the architecture and the task embedding.
    Paper,
    /// An agnostic backbone over the architecture plus a task-specific residual.
    Residual,
}

impl From<RankerFormArg> for RankerForm {
    fn from(f: RankerFormArg) -> Self {
        match f {
            RankerFormArg::Paper => Self::Paper,
            RankerFormArg::Residual => Self::Residual,
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

/// How to read a task CSV (shared by every command that reads one).
#[derive(Debug, Args, Clone, Default)]
pub struct CsvArgs {
    /// The label column: a header name, or a column number (1 is the first, -1 the last).
    /// Default: `label`, or for `predict` the column the model was trained with.
    #[arg(long, allow_negative_numbers = true)]
    pub label_column: Option<String>,
    /// Cell delimiter: `,` `;` `tab` `|` or any one character (default: sniffed among , ; TAB |).
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Decimal mark, `.` or `,` (default: `,` when the delimiter is not a comma and numbers are
    /// written like 3,5).
    #[arg(long, value_parser = parse_decimal)]
    pub decimal: Option<bool>,
    /// Missing-value markers of feature cells, comma-separated; replaces the defaults
    /// NA,N/A,NaN,null,None,?,- (letters in any case). The empty cell is always missing.
    #[arg(long, value_delimiter = ',')]
    pub na: Vec<String>,
    /// Label cells that mean "no label", comma-separated (compared exactly): their rows are left
    /// out. Only an empty label is missing otherwise; `None`, `NA` or `?` is a class.
    #[arg(long, value_delimiter = ',')]
    pub label_na: Vec<String>,
    /// Columns to read as categories whatever they hold (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub categorical: Vec<String>,
    /// A column to read as free text whatever it holds.
    #[arg(long)]
    pub text: Option<String>,
    /// Columns to leave out (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
}

impl CsvArgs {
    /// The reading options, with `kind` forced or not.
    #[must_use]
    pub fn options(
        &self,
        kind: Option<crate::task::TaskKind>,
    ) -> crate::task::task_csv::CsvOptions {
        crate::task::task_csv::CsvOptions {
            label: self
                .label_column
                .as_deref()
                .map_or_else(Default::default, crate::task::task_csv::LabelColumn::parse),
            kind,
            delimiter: self.delimiter,
            decimal_comma: self.decimal,
            na: self.na.clone(),
            label_na: self.label_na.clone(),
            categorical: self.categorical.clone(),
            text: self.text.clone(),
            ignore: self.ignore.clone(),
        }
    }
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "TAB" | "\\t" | "\t" => Ok(b'\t'),
        _ => match text.as_bytes() {
            [b] if b.is_ascii()
                && !b.is_ascii_alphanumeric()
                && *b != b'"'
                && *b != b'\n'
                && *b != b'\r' =>
            {
                Ok(*b)
            }
            _ => Err(format!(
                "`{text}` is not a delimiter (one ASCII punctuation character, or `tab`)"
            )),
        },
    }
}

fn parse_decimal(text: &str) -> Result<bool, String> {
    match text {
        "." => Ok(false),
        "," => Ok(true),
        _ => Err(format!("`{text}` is not a decimal mark (`.` or `,`)")),
    }
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

/// Which rows of a task (its database split: the same for a CSV as once stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SplitArg {
    /// Every row.
    All,
    /// The training rows.
    Train,
    /// The validation rows.
    Validation,
    /// The test rows.
    Test,
    /// The training and validation rows: what a device holding the task trains on.
    TrainValidation,
}

impl SplitArg {
    /// As the option is written.
    #[must_use]
    pub fn name(self) -> String {
        self.to_possible_value().map_or_else(String::new, |v| v.get_name().to_owned())
    }
}

/// A task from a CSV file or from a database (with the database's split either way).
#[derive(Debug, Args)]
pub struct TaskSourceArgs {
    /// A task CSV (`-` reads standard input).
    #[arg(long, conflicts_with = "db_task", required_unless_present = "db_task")]
    pub task: Option<PathBuf>,
    /// How to read --task.
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Experiment database holding --db-task.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// A task stored in --db.
    #[arg(long)]
    pub db_task: Option<String>,
}

/// A device's optimizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OptimizerArg {
    /// Adam (two moments per parameter).
    Adam,
    /// SGD with momentum 0.9 (one moment per parameter).
    Momentum,
}

/// Which code trains a child.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// The trainer's own child training (std, batched: what populates the database).
    Trainer,
    /// The core's (no_std, what a device runs): the same model bytes a device computes.
    Core,
}

/// How a delivered model (`train`, `choose`) is trained; unset values take the measured
/// defaults (`Recipe::default()`: the core for numeric tasks with a device's schedule, every
/// training row, a refit on the training and validation rows).
#[derive(Debug, Args, Clone)]
pub struct RecipeArgs {
    /// Which code trains the child (default: the core for numeric tasks, the trainer for text).
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// Cap on training rows (a stratified subsample beyond it; default: every training row).
    #[arg(long, value_name = "ROWS")]
    pub max_rows: Option<usize>,
    /// Keep the kept seed as trained on the training rows (no refit on training + validation).
    #[arg(long)]
    pub no_refit: bool,
    /// The core's step size.
    #[arg(long, value_name = "LR")]
    pub learning_rate: Option<f32>,
    /// The core's L2 penalty on the weight matrices.
    #[arg(long, value_name = "L2")]
    pub weight_decay: Option<f32>,
    /// Epochs of the budget (both engines; at least the step floor).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Floor of optimizer steps (both engines).
    #[arg(long)]
    pub min_steps: Option<usize>,
    /// Ceiling of optimizer steps (both engines).
    #[arg(long)]
    pub max_steps: Option<usize>,
    /// Epochs without a better validation accuracy before stopping (both engines).
    #[arg(long)]
    pub patience: Option<usize>,
}

impl RecipeArgs {
    /// The recipe these arguments set, over [`Recipe::default`].
    #[must_use]
    pub fn recipe(&self) -> Recipe {
        let engine = self.engine.map(|e| match e {
            EngineArg::Trainer => Engine::Trainer,
            EngineArg::Core => Engine::Core,
        });
        let mut recipe = Recipe { engine, refit: !self.no_refit, ..Recipe::default() };
        recipe.child.max_train_rows = self.max_rows;
        let (child, schedule) = (&mut recipe.child, &mut recipe.schedule);
        if let Some(v) = self.learning_rate {
            schedule.learning_rate = v;
        }
        if let Some(v) = self.weight_decay {
            schedule.weight_decay = v;
        }
        if let Some(v) = self.epochs {
            (child.epochs, schedule.epochs) = (v, v);
        }
        if let Some(v) = self.min_steps {
            (child.min_steps, schedule.min_steps) = (v, v);
        }
        if let Some(v) = self.max_steps {
            (child.max_steps, schedule.max_steps) = (v, v);
        }
        if let Some(v) = self.patience {
            (child.patience, schedule.patience) = (v, v);
        }
        recipe
    }
}

/// A task from a CSV file or a database, or a device's samples.
#[derive(Debug, Args)]
pub struct TaskOrSamplesArgs {
    /// A task CSV (`-` reads standard input; `.csv.gz` is read directly).
    #[arg(long, conflicts_with_all = ["db_task", "samples"], required_unless_present_any = ["db_task", "samples"])]
    pub task: Option<PathBuf>,
    /// How to read --task.
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Experiment database holding --db-task.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// A task stored in --db.
    #[arg(long, conflicts_with = "samples")]
    pub db_task: Option<String>,
    /// A samples file written by `archrank export-samples` (what a device holds).
    #[arg(long)]
    pub samples: Option<PathBuf>,
}

impl TaskOrSamplesArgs {
    /// The task source (--task or --db-task), when no samples file is given.
    #[must_use]
    pub fn task_source(&self) -> TaskSourceArgs {
        TaskSourceArgs {
            task: self.task.clone(),
            csv: self.csv.clone(),
            db: self.db.clone(),
            db_task: self.db_task.clone(),
        }
    }
}

/// `archrank train`
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The task: a CSV or a task in a database (trained on its split), or a device's samples
    /// (with --engine core: trained on as a device does, a seeded, stratified fifth watching early
    /// stopping).
    #[command(flatten)]
    pub source: TaskOrSamplesArgs,
    /// Held-out samples that measure the model's test accuracy (with --samples).
    #[arg(long, requires = "samples")]
    pub held_out: Option<PathBuf>,
    /// Search-space preset of the architecture.
    #[arg(long, value_enum, default_value = "tiny")]
    pub preset: PresetArg,
    /// The discrete architecture, such as `fourier/tanh64/skip/relu32` or `m2/tanh64/skip/relu32`.
    #[arg(long)]
    pub discrete: String,
    /// Child seeds to train; the best by validation accuracy is kept.
    #[arg(long, default_value_t = 3)]
    pub seeds: u32,
    /// How the model is trained.
    #[command(flatten)]
    pub recipe: RecipeArgs,
    /// Where to write the model file.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `archrank choose`
#[derive(Debug, Args)]
pub struct ChooseArgs {
    /// The task to choose for (the search embeds its training split).
    #[command(flatten)]
    pub source: TaskSourceArgs,
    /// Weights file written by `archrank fit` (either preset); default: the bundled ranker,
    /// compiled into the binary.
    #[arg(long)]
    pub weights: Option<PathBuf>,
    /// Rankers fitted with other seeds, for the confidence.
    #[command(flatten)]
    pub ensemble: EnsembleArgs,
    /// Candidates to train: the search's shortlist of this many distinct architectures (1 to 8).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=8))]
    pub trainings: u8,
    /// Child seeds per candidate (each candidate keeps its best by validation accuracy).
    #[arg(long, default_value_t = 1)]
    pub seeds: u32,
    /// The device's limits.
    #[command(flatten)]
    pub budget: BudgetArgs,
    /// How each candidate is trained.
    #[command(flatten)]
    pub recipe: RecipeArgs,
    /// Where to write the kept candidate's model file.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `archrank predict`
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// Model file written by `archrank train` or `archrank choose`.
    #[arg(long)]
    pub model: PathBuf,
    /// A CSV with the columns the model reads, in any order, with or without the label column
    /// (`-` reads standard input). Read as the training CSV was: the model stores how.
    #[arg(long, conflicts_with = "samples", required_unless_present = "samples")]
    pub task: Option<PathBuf>,
    /// How to read --task (each option overrides what the model stores).
    #[command(flatten)]
    pub csv: CsvArgs,
    /// A samples file written by `archrank export-samples`.
    #[arg(long)]
    pub samples: Option<PathBuf>,
    /// Which rows of --task to run: a part of the split of the data the model was trained on
    /// (refused for other data), or every row.
    #[arg(long, value_enum, default_value = "all")]
    pub split: SplitArg,
    /// Write every predicted row of --task as CSV: its cells, `predicted`, and one
    /// `probability_<class>` column per class (atomically).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Print JSON instead of tables.
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

/// `archrank search`
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Weights file written by `archrank fit` (either preset); default: the bundled ranker,
    /// compiled into the binary.
    #[arg(long)]
    pub weights: Option<PathBuf>,
    /// The task: a CSV (all its rows are embedded), a task in a database (its training split is
    /// embedded) or a device's samples.
    #[command(flatten)]
    pub source: TaskOrSamplesArgs,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Print only the exact `result` lines the firmware prints.
    #[arg(long, conflicts_with = "json")]
    pub golden: bool,
    /// The device's limits.
    #[command(flatten)]
    pub budget: BudgetArgs,
    /// Rankers fitted with other seeds, for the confidence.
    #[command(flatten)]
    pub ensemble: EnsembleArgs,
    /// Also list K distinct discrete architectures (best first, the first is the answer; at
    /// most 8), each differing from the better ones in at least two choices when enough do.
    #[arg(long, value_name = "K", default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=8))]
    pub shortlist: u8,
}

/// Further rankers for the confidence of a choice.
#[derive(Clone, Debug, Default, Args)]
pub struct EnsembleArgs {
    /// Weights files of rankers fitted like --weights but with other seeds (comma-separated): the
    /// confidence averages over all of them. Default: with the bundled ranker, its two bundled
    /// members (seeds 1 and 2); with a --weights file, none.
    #[arg(long, value_delimiter = ',', value_name = "FILE,..")]
    pub ensemble: Vec<PathBuf>,
}

/// A device's limits on the chosen architecture (any subset).
#[derive(Clone, Copy, Debug, Default, Args)]
pub struct BudgetArgs {
    /// Most learned parameters (weights and biases of the layers and the classifier).
    #[arg(long, value_name = "N")]
    pub max_params: Option<u32>,
    /// Most multiply-adds per sample (input module, layers, classifier).
    #[arg(long, value_name = "N")]
    pub max_macs: Option<u32>,
    /// Most bytes of activations alive at once during inference.
    #[arg(long, value_name = "BYTES")]
    pub max_ram: Option<u32>,
    /// Most bytes a device's training of the chosen child may take on the task's samples (five
    /// copies of the parameters, the fitted input module, the samples' staged values; numeric
    /// tasks only).
    #[arg(long, value_name = "BYTES")]
    pub max_train_ram: Option<u32>,
}

impl BudgetArgs {
    /// The core's budget.
    #[must_use]
    pub const fn budget(&self) -> archrank_core::Budget {
        archrank_core::Budget {
            max_params: self.max_params,
            max_macs: self.max_macs,
            max_ram_bytes: self.max_ram,
            max_train_ram_bytes: self.max_train_ram,
        }
    }
}

/// `archrank inspect`
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Weights file; default: the bundled ranker, compiled into the binary.
    pub weights: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `archrank upgrade`
#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// A weights, model or samples file written by the previous build's format.
    pub file: PathBuf,
    /// Where to write it in this build's format (atomically; may be the file itself).
    #[arg(long, short)]
    pub output: PathBuf,
    /// Print JSON instead of a sentence.
    #[arg(long)]
    pub json: bool,
}

/// `archrank quantize`
#[derive(Debug, Args)]
pub struct QuantizeArgs {
    /// An f32 weights file (`archrank fit`'s); default: the bundled ranker.
    pub weights: Option<PathBuf>,
    /// How many values share an int8 scale.
    #[arg(long, value_enum, default_value = "column")]
    pub scales: ScalesArg,
    /// Store this many search steps instead of the file's (a small device's cheaper search).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=10_000))]
    pub search_steps: Option<u16>,
    /// Where to write the int8 file (atomically).
    #[arg(long, short)]
    pub output: PathBuf,
    /// Print JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
}

/// `archrank export-samples`
#[derive(Debug, Args)]
pub struct ExportSamplesArgs {
    /// The task to draw samples from.
    #[command(flatten)]
    pub source: TaskSourceArgs,
    /// At most this many samples (a stratified, seeded subsample; a device's flash is small).
    #[arg(long, default_value_t = 200)]
    pub max_samples: usize,
    /// Seed of the subsample.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Which rows to draw from (the task's database split; `test`: rows a model trained on the
    /// task never saw).
    #[arg(long, value_enum, default_value = "all")]
    pub split: SplitArg,
    /// What to write: a samples file (postcard, for a device) or a CSV of the values the
    /// product trains on (columns after the column plan, then `label`), in file order.
    #[arg(long, value_enum, default_value = "samples")]
    pub format: ExportFormat,
    /// Output file.
    #[arg(long, short)]
    pub output: PathBuf,
}

/// What `export-samples` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A samples file (postcard) for `include_bytes!` or `--samples`.
    Samples,
    /// A CSV of the encoded feature columns and the class name (for peers outside the product).
    Csv,
}

/// Settings of a ranker fit shared by `fit` and the evaluations; unset values take
/// `FitConfig::default()` (the paper's settings where they converge, see its docs).
#[derive(Debug, Args, Clone)]
pub struct FitArgs {
    /// Ranking margin m.
    #[arg(long)]
    pub margin: Option<f32>,
    /// Uncertainty gap: pairs whose accuracies differ by no more than this are ignored.
    #[arg(long)]
    pub gap: Option<f32>,
    /// Optimizer: sgd (with momentum) or adam.
    #[arg(long, value_enum)]
    pub optimizer: Option<Optimizer>,
    /// Learning rate.
    #[arg(long)]
    pub lr: Option<f32>,
    /// SGD momentum.
    #[arg(long)]
    pub momentum: Option<f32>,
    /// Optimizer steps.
    #[arg(long)]
    pub steps: Option<u32>,
    /// Samples per step whose set summary goes into the task embedding z.
    #[arg(long)]
    pub batch_samples: Option<usize>,
    /// How scores are formed: residual (an agnostic backbone plus a task-specific residual, the
    /// default) or paper (one network over architecture and task: the paper's, at half the
    /// scoring cost).
    #[arg(long, value_enum)]
    pub ranker: Option<RankerFormArg>,
    /// Weight of the residual's penalty mean(h^2): how strongly scores keep to the backbone.
    #[arg(long)]
    pub residual_penalty: Option<f32>,
    /// Weight of the auxiliary "same task?" loss on the set summaries (0 turns it off).
    #[arg(long)]
    pub same_task_weight: Option<f32>,
    /// The learned rankers also read the four landmarkers (evaluation only: a device does not
    /// compute them, so `fit` refuses it).
    #[arg(long)]
    pub landmarks: bool,
    /// Pairs of runs per step (single runs for l2).
    #[arg(long)]
    pub pairs: Option<usize>,
    /// Ranking target: val_acc (the paper's), val_balanced_acc or neg_val_xent.
    #[arg(long, value_enum)]
    pub metric: Option<Metric>,
    /// Seed of the fit (initialisation and every draw).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl FitArgs {
    /// The fit settings these options ask for: unset ones from `FitConfig::default()`, `loss`
    /// when given, checked once by [`FitConfig::validate`].
    ///
    /// # Errors
    /// [`FitError::Setting`] naming the option out of range.
    pub fn config(&self, loss: Option<LossKind>) -> Result<FitConfig, FitError> {
        let d = FitConfig::default();
        let config = FitConfig {
            loss: loss.unwrap_or(d.loss),
            form: self.ranker.map_or(d.form, Into::into),
            inputs: TaskInputs { landmarks: self.landmarks, ..d.inputs },
            residual_penalty: self.residual_penalty.unwrap_or(d.residual_penalty),
            same_task_weight: self.same_task_weight.unwrap_or(d.same_task_weight),
            margin: self.margin.unwrap_or(d.margin),
            gap: self.gap.unwrap_or(d.gap),
            optimizer: self.optimizer.unwrap_or(d.optimizer),
            lr: self.lr.unwrap_or(d.lr),
            momentum: self.momentum.unwrap_or(d.momentum),
            steps: self.steps.unwrap_or(d.steps),
            batch_samples: self.batch_samples.unwrap_or(d.batch_samples),
            pairs: self.pairs.unwrap_or(d.pairs),
            metric: self.metric.unwrap_or(d.metric),
            seed: self.seed,
            log_every: d.log_every,
        };
        config.validate()?;
        Ok(config)
    }
}

/// `archrank fit`
#[derive(Debug, Args)]
pub struct FitCommandArgs {
    /// Experiment database.
    #[arg(long, default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Search-space preset.
    #[arg(long, value_enum, default_value = "tiny")]
    pub preset: PresetArg,
    /// Loss: l2 (the baseline), linear or quadratic (pairwise ranking).
    #[arg(long, value_enum)]
    pub loss: Option<LossArg>,
    /// Leave these tasks out of the fit (repeatable).
    #[arg(long)]
    pub exclude_task: Vec<String>,
    /// Fit settings.
    #[command(flatten)]
    pub fit: FitArgs,
    /// How to store the fitted weights.
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Where to write the weights (atomically).
    #[arg(long, short)]
    pub output: PathBuf,
    /// Also write the loss curve as CSV (step,loss) here.
    #[arg(long)]
    pub loss_log: Option<PathBuf>,
    /// Print JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
}

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
    /// The core's optimizer (the trainer's stays Adam at 0.001; a device's is momentum).
    #[arg(long, value_enum, default_value = "momentum")]
    pub core_optimizer: OptimizerArg,
    /// The core's step size (default: 0.001 for Adam, 0.05 for momentum).
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
    /// Write the comparison as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write the comparison as a markdown table here.
    #[arg(long)]
    pub markdown: Option<PathBuf>,
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
    /// Write the results as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write the results as a markdown table here.
    #[arg(long)]
    pub markdown: Option<PathBuf>,
}

impl EvalCommon {
    /// Where to write the JSON and the markdown, if anywhere.
    #[must_use]
    pub fn outputs(&self) -> (Option<&std::path::Path>, Option<&std::path::Path>) {
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
