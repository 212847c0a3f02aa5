//! Rankers: `fit` and its settings, how a ranker is stored, `search` within a budget with its
//! ensemble, `inspect` and `quantize`.

use std::path::PathBuf;

use archrank_core::quantize::Scales;
use archrank_core::{LossKind, PresetId, Quantization, RankerForm};
use clap::{Args, ValueEnum};

use crate::fit::{FitConfig, FitError, Metric, Optimizer, Storage, TaskInputs};

use super::DEFAULT_DB;
use super::task_args::TaskOrSamplesArgs;

/// Search-space preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PresetArg {
    /// U = 35: 5 modules, 3 layers of 8 base layers.
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
    /// Keep each training task's best N stored architectures instead of 5 (the search climbs
    /// from fewer of the nearest tasks'; a smaller task table, for a small part's flash).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=archrank_core::dims::TOP_K as i64))]
    pub top_archs: Option<u16>,
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
            top_archs: self.top_archs.map(usize::from),
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

/// A device's optimizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OptimizerArg {
    /// Adam (two moments per parameter).
    Adam,
    /// SGD with momentum 0.9 (one moment per parameter).
    Momentum,
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
    /// Keep each training task's best N stored architectures instead of 5 (the search climbs
    /// from fewer of the nearest tasks'; a smaller task table, for a small part's flash).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=archrank_core::dims::TOP_K as i64))]
    pub top_archs: Option<u16>,
    /// Where to write the int8 file (atomically).
    #[arg(long, short)]
    pub output: PathBuf,
    /// Print JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
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
    /// L2 regresses the raw target, as the paper's `(v - p)^2` (default: each run's target
    /// minus its task's mean, a task's level being no function of the architecture).
    #[arg(long)]
    pub l2_raw: bool,
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
            l2_centered: !self.l2_raw,
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
