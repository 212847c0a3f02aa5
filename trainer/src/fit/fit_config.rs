//! How a ranker is fitted: the loss and its settings, the optimizer, the budget and the seed.

use archrank_core::{LossKind, RankerForm};

use super::error::{FitError, Result};
use super::fit_data::Metric;
use super::optimizer::Optimizer;
use super::pairwise_loss::LossSpec;

/// Which parts of the task embedding z a ranker reads; the others are zero. A device computes
/// [`TaskInputs::PRODUCT`]; the other combinations are the evaluation's controls and ablations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskInputs {
    /// The learned set summary of the samples.
    pub set: bool,
    /// The task's shape scalars (size, feature and class counts, modality, feature types,
    /// imbalance).
    pub scalars: bool,
    /// The four landmarkers (evaluation only: a device does not compute them).
    pub landmarks: bool,
}

impl TaskInputs {
    /// What a device computes: the set summary and the shape scalars.
    pub const PRODUCT: Self = Self { set: true, scalars: true, landmarks: false };
    /// Nothing: every task looks the same.
    pub const NONE: Self = Self { set: false, scalars: false, landmarks: false };
}

impl Default for TaskInputs {
    fn default() -> Self {
        Self::PRODUCT
    }
}

/// How to fit a ranker.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitConfig {
    /// The loss.
    pub loss: LossKind,
    /// How scores are formed: the paper's network, or backbone plus residual.
    pub form: RankerForm,
    /// Which parts of z the ranker reads.
    pub inputs: TaskInputs,
    /// Weight of the residual's penalty, `mean h(u, z)^2` over the step's architectures (the
    /// residual form only): how strongly the score is kept to the agnostic backbone.
    pub residual_penalty: f32,
    /// Weight of the auxiliary "same task?" loss: two sample batches of one task should have
    /// closer set summaries than batches of two tasks (0 turns it off).
    pub same_task_weight: f32,
    /// L2 regresses each run's target minus its task's mean target (the ranking losses are
    /// unchanged by it): a task's level is no function of the architecture, and regressing it
    /// spends the network on task difficulty. `false` is the paper's raw `(v - p)^2`.
    pub l2_centered: bool,
    /// Ranking margin m.
    pub margin: f32,
    /// Uncertainty gap: pairs whose targets differ by no more than this cost nothing.
    pub gap: f32,
    /// The optimizer.
    pub optimizer: Optimizer,
    /// Learning rate.
    pub lr: f32,
    /// SGD momentum (unused by Adam).
    pub momentum: f32,
    /// Optimizer steps.
    pub steps: u32,
    /// Samples of the step's task whose set summary goes into z.
    pub batch_samples: usize,
    /// Pairs of runs per step (for L2: single runs).
    pub pairs: usize,
    /// Seed of the initialisation and of every draw.
    pub seed: u64,
    /// The target the data must carry (see [`super::load_fit_data`]).
    pub metric: Metric,
    /// A point of the loss curve (the mean loss since the last one) every this many steps.
    pub log_every: u32,
}

impl Default for FitConfig {
    /// The paper's loss settings (linear ranking loss, margin 0.3, gap 0.01), 64 samples and 32
    /// pairs per step, and **Adam, lr 1e-3, 3,000 steps** instead of the paper's SGD (lr 1e-4,
    /// momentum 0.5), which does not converge within the budget of one fit.
    ///
    /// Measured on dev-2c (tiny preset, linear loss, release build, leave-one-task-out mean
    /// Spearman on `data/default.sqlite`, one repeat unless said):
    /// - 12 tasks (abalone, car_evaluation, dermatology, optdigits, vowel, sentiment_yelp,
    ///   sms_spam, page_blocks, german_credit, balance_scale, nursery, tic_tac_toe):
    ///   paper SGD x 20k steps 0.333 (7 s a fit, loss still falling); SGD lr 1e-2 momentum 0.9
    ///   x 5k 0.505; Adam 1e-3 x 2k 0.480, x 5k 0.466, x 10k 0.453.
    /// - 37 tasks (the database while it filled): Adam 3e-4 x 15k 0.403 (4.3 s a fit);
    ///   Adam 3e-4 x 30k 0.407 (8.4 s); Adam 1e-3 x 10k 0.363; paper SGD x 20k 0.245 (28 tasks).
    /// - 15 tasks, 15k steps: Adam 3e-4 against the paper's SGD: linear 0.399 / 0.250,
    ///   quadratic 0.354 / 0.253, L2 0.365 / 0.083.
    /// - All 46 tasks, 3 repeats, with these defaults: linear 0.415 (RESULTS.md), on par with
    ///   Adam 3e-4 x 15k at a fifth of the time (about 1 s a fit), which keeps the full
    ///   leave-one-task-out table (46 tasks x 5 rankers x 3 repeats) to minutes.
    ///
    /// The set encoder's settings, all 125 tasks, one repeat, paired against the residual form
    /// with penalty 0.1 and the "same task?" loss at weight 0.1 (RESULTS.md has the table):
    /// the paper's form -0.009 [-0.020, +0.002]; no "same task?" loss +0.006 [-0.007, +0.019];
    /// penalty 0 -0.007 [-0.016, +0.001]; penalty 1 -0.003 [-0.016, +0.010]. None is told apart
    /// from the others by these tasks. Over 3 repeats with controls the residual form leads the
    /// paper's by +0.006 [-0.000, +0.013], and only in it does the learned embedding tie the
    /// meta-features (-0.002 [-0.008, +0.004]; the paper's form: -0.009 [-0.016, -0.002]): the
    /// default is the residual form, penalty 0.1, no "same task?" loss (the cheaper fit). Its
    /// second tower costs a third of the scoring speed (BENCHMARKS.md); `--ranker paper` is the
    /// fast form.
    fn default() -> Self {
        Self {
            loss: LossKind::Linear,
            form: RankerForm::Residual,
            inputs: TaskInputs::PRODUCT,
            residual_penalty: 0.1,
            same_task_weight: 0.0,
            l2_centered: true,
            margin: 0.3,
            gap: 0.01,
            optimizer: Optimizer::Adam,
            lr: 1e-3,
            momentum: 0.5,
            steps: 3_000,
            batch_samples: 64,
            pairs: 32,
            seed: 0,
            metric: Metric::ValAcc,
            log_every: 50,
        }
    }
}

impl FitConfig {
    /// The loss and its settings.
    #[must_use]
    pub fn loss_spec(&self) -> LossSpec {
        LossSpec { kind: self.loss, margin: self.margin, gap: self.gap }
    }

    /// Checks every setting is in range: the one check of a fit's settings, whether they come
    /// from the command line or from code.
    ///
    /// # Errors
    ///
    /// [`FitError::Setting`] naming the first setting out of range.
    pub fn validate(&self) -> Result<()> {
        let bad = |name, rule, value: String| Err(FitError::Setting { name, rule, value });
        if !(self.margin.is_finite() && self.margin > 0.0) {
            return bad("margin", "must be a positive number", self.margin.to_string());
        }
        if !(self.residual_penalty.is_finite() && self.residual_penalty >= 0.0) {
            return bad(
                "residual-penalty",
                "must be a number >= 0",
                self.residual_penalty.to_string(),
            );
        }
        if !(self.same_task_weight.is_finite() && self.same_task_weight >= 0.0) {
            return bad(
                "same-task-weight",
                "must be a number >= 0",
                self.same_task_weight.to_string(),
            );
        }
        if !(self.gap.is_finite() && self.gap >= 0.0) {
            return bad("gap", "must be a number >= 0", self.gap.to_string());
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return bad("lr", "must be a positive number", self.lr.to_string());
        }
        if !(0.0..1.0).contains(&self.momentum) {
            return bad("momentum", "must be in [0, 1)", self.momentum.to_string());
        }
        if self.steps == 0 {
            return bad("steps", "must be at least 1", self.steps.to_string());
        }
        if self.batch_samples == 0 {
            return bad("batch-samples", "must be at least 1", self.batch_samples.to_string());
        }
        if self.pairs == 0 {
            return bad("pairs", "must be at least 1", self.pairs.to_string());
        }
        if self.log_every == 0 {
            return bad("log-every", "must be at least 1", self.log_every.to_string());
        }
        Ok(())
    }
}
