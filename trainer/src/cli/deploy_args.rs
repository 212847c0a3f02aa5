//! A model for a task: `train`, `choose`, `predict`, `export-samples`, `upgrade`, and the
//! delivered model's training recipe they share.

use std::path::PathBuf;

use archrank_core::training::StepDecay;
use clap::{Args, ValueEnum};

use crate::deploy::delivered::{Engine, Recipe};
use crate::task::TaskKind;

use super::ranker_args::{BudgetArgs, EnsembleArgs, PresetArg};
use super::task_args::{CsvArgs, SplitArg, TaskOrSamplesArgs, TaskSourceArgs};

/// Which code trains a child.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// The trainer's own child training (std, batched: what populates the database).
    Trainer,
    /// The core's (no_std, what a device runs): the same model bytes a device computes.
    Core,
}

impl From<EngineArg> for Engine {
    fn from(arg: EngineArg) -> Self {
        match arg {
            EngineArg::Trainer => Self::Trainer,
            EngineArg::Core => Self::Core,
        }
    }
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
    /// The step size of the engine that trains (both engines: the core's SGD, default 0.05;
    /// the trainer's Adam, default 0.01).
    #[arg(long, value_name = "LR")]
    pub learning_rate: Option<f32>,
    /// The core's L2 penalty on the weight matrices.
    #[arg(long, value_name = "L2")]
    pub weight_decay: Option<f32>,
    /// How the core's step size changes over a run's planned steps.
    #[arg(long, value_enum)]
    pub step_decay: Option<StepDecayArg>,
    /// Epochs of the budget (both engines; at least the step floor).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Floor of optimizer steps (both engines).
    #[arg(long)]
    pub min_steps: Option<usize>,
    /// Ceiling of optimizer steps (both engines).
    #[arg(long)]
    pub max_steps: Option<usize>,
    /// Epochs without a better validation accuracy before stopping (both engines; a tie
    /// restarts the count).
    #[arg(long)]
    pub patience: Option<usize>,
    /// Rows per mini-batch, 1 to 4,096 (both engines; default: 32 for the core's, 64 for the
    /// trainer's).
    #[arg(long, value_name = "ROWS", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub batch_size: Option<u32>,
}

impl RecipeArgs {
    /// The recipe these arguments set, over [`Recipe::default`].
    #[must_use]
    pub fn recipe(&self) -> Recipe {
        let engine = self.engine.map(Engine::from);
        let mut recipe = Recipe { engine, refit: !self.no_refit, ..Recipe::default() };
        recipe.child.max_train_rows = self.max_rows;
        let (child, schedule) = (&mut recipe.child, &mut recipe.schedule);
        if let Some(v) = self.learning_rate {
            (child.learning_rate, schedule.learning_rate) = (v, v);
        }
        if let Some(v) = self.weight_decay {
            schedule.weight_decay = v;
        }
        if let Some(v) = self.step_decay {
            schedule.decay = v.into();
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
        if let Some(v) = self.batch_size {
            (child.batch_size, schedule.batch_size) = (v as usize, v as usize);
        }
        recipe
    }
}

/// How the core's step size changes over a run (`--step-decay`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StepDecayArg {
    /// The step size throughout.
    Constant,
    /// Half a cosine down to zero at the last planned step.
    Cosine,
}

impl From<StepDecayArg> for StepDecay {
    fn from(arg: StepDecayArg) -> Self {
        match arg {
            StepDecayArg::Constant => Self::Constant,
            StepDecayArg::Cosine => Self::Cosine,
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
    /// Candidates to train: the search's shortlist of this many distinct architectures, 1 to 8
    /// (default: 8 on a numeric task, 3 on a text task; measured, RESULTS.md).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=8))]
    pub trainings: Option<u8>,
    /// Child seeds per candidate (each candidate keeps its best by validation accuracy).
    #[arg(long, default_value_t = 1)]
    pub seeds: u32,
    /// Keep the candidate of the fewest parameters whose validation accuracy is within this
    /// many standard errors of the best's (the one-standard-error rule at 1; 0 keeps the best);
    /// above 0, the ranker's best among the space's smallest architectures is trained too.
    /// Default: 0 on a numeric task, 1 on a text task (measured, RESULTS.md).
    #[arg(long, value_name = "SE", value_parser = standard_errors)]
    pub smallest_within: Option<f64>,
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
    /// How to read --task: the delimiter, decimal mark, label column and missing markers override
    /// what the model stores; the columns' types are always the model's.
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

impl ChooseArgs {
    /// Candidates to train on a task of kind `kind`: `--trainings`, else the measured default of
    /// its kind.
    #[must_use]
    pub fn trainings(&self, kind: TaskKind) -> usize {
        let default = match kind {
            TaskKind::Numeric => NUMERIC_TRAININGS,
            TaskKind::Text => TEXT_TRAININGS,
        };
        usize::from(self.trainings.unwrap_or(default))
    }

    /// The tolerance of the candidate kept, in standard errors: `--smallest-within`, else the
    /// task kind's default.
    #[must_use]
    pub fn tolerance(&self, kind: TaskKind) -> f64 {
        self.smallest_within.unwrap_or(match kind {
            TaskKind::Numeric => NUMERIC_SMALLEST_WITHIN,
            TaskKind::Text => TEXT_SMALLEST_WITHIN,
        })
    }
}

/// `choose`'s candidates on a numeric task: eight trained candidates were +0.006 over three with
/// the rest of the recipe (RESULTS.md, "A recipe for small tasks").
pub const NUMERIC_TRAININGS: u8 = 8;
/// `choose`'s candidates on a text task: eight were -0.025 [-0.052, -0.004] against three (the
/// shortlist's later candidates are worse there and win their small validation parts by chance).
pub const TEXT_TRAININGS: u8 = 3;
/// A tolerance in standard errors: a finite number, at least 0.
fn standard_errors(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("`{s}` is not a number of standard errors (finite, at least 0)")),
    }
}

/// `choose`'s tolerance on a numeric task: the best by validation accuracy. The smallest within
/// one standard error was -0.0051 [-0.0104, -0.0005] at 0.36 times the parameters.
pub const NUMERIC_SMALLEST_WITHIN: f64 = 0.0;
/// `choose`'s tolerance on a text task: the smallest within one standard error of the best, the
/// space's smallest architecture trained beside the shortlist (the candidates span 8,000 to
/// 270,000 parameters): +0.0047 [-0.0008, +0.0112] against the best of the shortlist alone, at
/// 0.52 [0.32, 0.82] times the parameters.
pub const TEXT_SMALLEST_WITHIN: f64 = 1.0;

/// What `export-samples` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A samples file (postcard) for `include_bytes!` or `--samples`.
    Samples,
    /// A CSV of the encoded feature columns and the class name (for peers outside the product).
    Csv,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        recipe: RecipeArgs,
    }

    #[test]
    fn a_step_size_is_the_step_size_of_either_engine() {
        let recipe = Cli::parse_from(["archrank", "--learning-rate", "0.003"]).recipe.recipe();
        assert_eq!(recipe.child.learning_rate, 0.003);
        assert_eq!(recipe.schedule.learning_rate, 0.003);
        let defaults = Cli::parse_from(["archrank"]).recipe.recipe();
        assert_eq!(defaults.child.learning_rate, Recipe::default().child.learning_rate);
        assert_eq!(defaults.schedule.learning_rate, Recipe::default().schedule.learning_rate);
        assert_ne!(defaults.child.learning_rate, 0.003);
    }

    #[test]
    fn a_batch_size_is_the_batch_size_of_either_engine() {
        let recipe = Cli::parse_from(["archrank", "--batch-size", "16"]).recipe.recipe();
        assert_eq!((recipe.child.batch_size, recipe.schedule.batch_size), (16, 16));
        let defaults = Cli::parse_from(["archrank"]).recipe.recipe();
        assert_eq!(defaults.child.batch_size, Recipe::default().child.batch_size);
        assert_eq!(defaults.schedule.batch_size, Recipe::default().schedule.batch_size);
        assert!(Cli::try_parse_from(["archrank", "--batch-size", "0"]).is_err());
        assert!(Cli::try_parse_from(["archrank", "--batch-size", "4097"]).is_err());
    }
}
