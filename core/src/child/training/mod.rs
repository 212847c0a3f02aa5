//! Training a chosen child where its data is: fit the input module on the training samples, train
//! the discrete network on mini-batches (SGD with momentum by default, [`DEVICE_OPTIMIZER`]; or
//! Adam, the trainer's), stop early on a validation part of the samples, keep the best epoch's
//! weights, all in one caller-provided byte arena whose size the cost model states
//! ([`Footprint`]). The result ([`TrainedChild`]) is a model file's contents, runnable by the
//! core's inference ([`crate::Model::from_file`]) and writable with
//! [`TrainedChild::write_model`].
//!
//! The schedule is the trainer's child training ([`TrainConfig`]: at least 300 steps, at most
//! 3,000, patience 5), a device's in batches of 32. On a device back-propagation runs sample by
//! sample and sums the batch's gradient, so memory holds one sample's activations, never a
//! batch's; a host (`runtime-dispatch`) runs [`LANES`](crate::kernels::sample_lanes::LANES)
//! samples at a time in vector lanes with the same bits (`lanes`); each
//! sample's module values before the projection are computed once ([`NumericInput::stage_with`]), so a
//! step projects them instead of transforming the raw row again. The forward pass is the
//! inference's ([`crate::child::inference`]'s dense layers), so the validation accuracy seen while
//! training is the model's. Numeric samples only.
//!
//! Deterministic: the same samples, architecture, configuration and seed give the same bytes on
//! every target (the module's projection, the initialization, the split and the batch order all
//! derive from the seed).

#[cfg(feature = "runtime-dispatch")]
mod lanes;
mod split;

use core::fmt;

use crate::child::cost::{TaskShape, discrete_cost};
use crate::child::inference::PredictError;
use crate::child::inference::dense_into;
use crate::child::input_fit::{FitError, TrainingRows, fit_input};
use crate::child::model_format::{
    DenseLayer, InputFile, MAX_WIDTH, MODEL_FORMAT_VERSION, MODEL_MAGIC, Model, ModelError,
    ModelFile, ModelProvenance, SKIP_LAYER,
};
use crate::child::numeric_input::{NumericInput, NumericInputFile};
use crate::child::optimizer::{Adam, DEVICE_OPTIMIZER, Optimizer, momentum_update};
use crate::child::training_footprint::{self as footprint, Footprint};
use crate::dims::{Activation, MAX_CLASSES, MAX_LAYERS, NUMERIC_WIDTH};
use crate::kernels::dense::{LeSlice, accumulate_outer_into, backward_input_into, le_f32};
use crate::kernels::rng::{Rng, derive_seed};
use crate::space::architecture::{Discrete, LayerChoice, argmax};
use crate::space::input_modules::numeric_module_at;
use crate::task::samples_format::Samples;
pub use split::{VALIDATION_EVERY, Validation};

/// Seed tag of a child's weight initialization (the trainer's too).
pub const INIT_TAG: u64 = 0x696E_6974;
/// Seed tag of a child's batch order (the trainer's too).
pub const SHUFFLE_TAG: u64 = 0x7368_7566;
/// Seed tag of a model's child seeds (`archrank train`'s, either engine).
pub const CHILD_SEED_TAG: u64 = 0x7472_6169;
/// What a trained model's provenance names as its trainer.
pub const TRAINER_NAME: &str = concat!("archrank-core ", env!("CARGO_PKG_VERSION"));

/// How a child is trained: the trainer's schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainConfig {
    /// Epochs E of the budget `max(E, ceil(min_steps / steps_per_epoch))`.
    pub epochs: usize,
    /// Floor of optimizer steps: small tasks get more epochs instead of too few steps.
    pub min_steps: usize,
    /// Ceiling of optimizer steps (large tasks stop mid-epoch).
    pub max_steps: usize,
    /// Samples per mini-batch.
    pub batch_size: usize,
    /// The optimizer's step size.
    pub learning_rate: f32,
    /// Epochs without a better validation accuracy (without validation samples, a better fit
    /// of the training samples; a tie restarts the count, as the later tied epoch is kept)
    /// before stopping, once `min_steps` are done.
    pub patience: usize,
    /// The optimizer.
    pub optimizer: Optimizer,
    /// L2 penalty on the weight matrices (not the biases): each step adds `weight_decay * w` to
    /// a weight's gradient (scikit-learn's `alpha / n`).
    pub weight_decay: f32,
    /// How the step size changes over the planned steps.
    pub decay: StepDecay,
}

/// How the step size changes over a run's planned steps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StepDecay {
    /// The configured step size throughout.
    #[default]
    Constant,
    /// Half a cosine from the configured step size to zero at the last planned step
    /// (`min(planned_epochs x steps_per_epoch, max_steps)`), so that a run ends settled. A
    /// refit plans only its own epochs, so its cosine is squeezed into them: not the schedule
    /// that chose their number (measured and not adopted, RESULTS.md).
    Cosine,
}

impl StepDecay {
    /// The step size's factor at step `step` (0-based) of `planned`.
    #[must_use]
    pub fn factor(self, step: usize, planned: usize) -> f32 {
        match self {
            Self::Constant => 1.0,
            Self::Cosine => {
                let t = step as f32 / planned.max(1) as f32;
                0.5 * (1.0 + libm::cosf(core::f32::consts::PI * t.min(1.0)))
            }
        }
    }
}

impl Default for TrainConfig {
    /// A device's: the trainer's schedule with [`DEVICE_OPTIMIZER`] at step size 0.05 and
    /// batches of 32 (measured against 64, 16 and 128 on the numeric tasks: RESULTS.md).
    fn default() -> Self {
        Self { learning_rate: 0.05, optimizer: DEVICE_OPTIMIZER, batch_size: 32, ..Self::trainer() }
    }
}

impl TrainConfig {
    /// The trainer's children's schedule: Adam at 0.01, batches of 64, 20 epochs floored at 300
    /// steps and capped at 3,000, patience 5. (Adam at 0.001 left a text task's linear model on
    /// its bag far from converged, -3.3 points; its hidden-layer models are level at either
    /// step size: RESULTS.md, "text runs repopulated: a linear model on a wider bag".)
    #[must_use]
    pub const fn trainer() -> Self {
        Self {
            epochs: 20,
            min_steps: 300,
            max_steps: 3000,
            batch_size: 64,
            learning_rate: 1e-2,
            patience: 5,
            optimizer: Optimizer::Adam,
            weight_decay: 0.0,
            decay: StepDecay::Constant,
        }
    }

    /// The schedule of a refit ([`Validation::None`]): exactly `epochs` epochs (within
    /// `max_steps`), with no floor of steps and no early stopping.
    #[must_use]
    pub const fn refit(&self, epochs: usize) -> Self {
        Self { epochs, min_steps: 0, patience: usize::MAX, ..*self }
    }

    /// Epochs of the budget for `train_rows` rows: `max(E, ceil(min_steps / steps_per_epoch))`.
    #[must_use]
    pub fn planned_epochs(&self, train_rows: usize) -> usize {
        self.epochs.max(self.min_steps.div_ceil(self.steps_per_epoch(train_rows))).max(1)
    }

    /// Optimizer steps planned for `train_rows` rows: the planned epochs' within `max_steps`.
    #[must_use]
    pub fn planned_steps(&self, train_rows: usize) -> usize {
        let epochs = self.planned_epochs(train_rows);
        epochs.saturating_mul(self.steps_per_epoch(train_rows)).min(self.max_steps)
    }

    /// Mini-batches of an epoch over `train_rows` rows (at least one).
    fn steps_per_epoch(&self, train_rows: usize) -> usize {
        train_rows.div_ceil(self.batch_size.max(1)).max(1)
    }
}

/// Why a child cannot be trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrainError {
    /// Text samples (a device trains numeric children only).
    Text,
    /// The architecture's module or layers do not fit its preset.
    Architecture,
    /// Too few samples for a training and a validation part.
    TooFewSamples,
    /// More samples than the arena's u16 indices address.
    TooManySamples,
    /// More features than a sample row holds.
    TooManyFeatures {
        /// Features a row holds.
        max: u32,
    },
    /// A class id beyond what the core holds.
    Classes,
    /// A feature is not a finite number.
    NonFinite {
        /// The sample (0-based).
        sample: u32,
        /// The feature (0-based).
        feature: u32,
    },
    /// The arena is smaller than the footprint.
    Memory {
        /// Bytes the footprint needs.
        needed: u32,
        /// Bytes given.
        given: u32,
    },
    /// The input module cannot be fitted.
    Input(FitError),
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Text => f.write_str("a device trains numeric children only, not text"),
            Self::Architecture => f.write_str("the architecture does not fit its preset"),
            Self::TooFewSamples => {
                f.write_str("too few samples for a training and a validation part")
            }
            Self::TooManySamples => write!(f, "more than {} samples", u16::MAX),
            Self::TooManyFeatures { max } => write!(f, "more than {max} features"),
            Self::Classes => write!(f, "a class id is {MAX_CLASSES} or more"),
            Self::NonFinite { sample, feature } => {
                write!(f, "sample {sample}, feature {feature} is not a finite number")
            }
            Self::Memory { needed, given } => {
                write!(f, "training needs {needed} bytes of memory, {given} were given")
            }
            Self::Input(e) => write!(f, "the input module cannot be fitted: {e}"),
        }
    }
}

impl core::error::Error for TrainError {}

/// What training did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrainingReport {
    /// Samples trained on.
    pub train_samples: usize,
    /// Samples early stopping watched.
    pub validation_samples: usize,
    /// Validation samples the kept weights classify right.
    pub validation_correct: usize,
    /// The kept epoch (the best validation accuracy; without validation samples, the best fit
    /// of the training samples, the later on ties), 1-based; 0 if none completed.
    pub best_epoch: usize,
    /// Epochs run.
    pub epochs: usize,
    /// Optimizer steps taken.
    pub steps: usize,
}

impl TrainingReport {
    /// Validation accuracy of the kept weights.
    #[must_use]
    pub fn validation_accuracy(&self) -> f32 {
        self.validation_correct as f32 / self.validation_samples.max(1) as f32
    }
}

/// A trained child, borrowing the arena: the contents of a model file.
#[derive(Clone, Debug)]
pub struct TrainedChild<'m> {
    /// The architecture.
    pub discrete: Discrete,
    /// The fitted input module.
    pub input: NumericInputFile<'m>,
    /// The kept weights, in the model file's order.
    pub weights: &'m [u8],
    /// Classes.
    pub classes: usize,
    /// What training did.
    pub report: TrainingReport,
    layers: [u8; MAX_LAYERS],
}

impl<'m> TrainedChild<'m> {
    /// The model file of this child, with `class_names` (one per line) and `provenance`.
    #[must_use]
    pub fn model_file<'a>(
        &'a self,
        class_names: &'a str,
        provenance: ModelProvenance<'a>,
    ) -> ModelFile<'a> {
        ModelFile {
            magic: MODEL_MAGIC,
            format_version: MODEL_FORMAT_VERSION,
            preset: self.discrete.preset,
            module: self.discrete.module,
            layers: self.layers.get(..self.discrete.layers.len()).unwrap_or(&[]),
            input: InputFile::Numeric(self.input),
            class_names,
            columns: "",
            provenance,
            weights: self.weights,
        }
    }
}

/// Why a trained child's model file cannot be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteError {
    /// The model is refused by the loader, or the buffer is too small.
    Model(ModelError),
    /// A held-out sample cannot be run: its index and why.
    HeldOut(u32, PredictError),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Model(e) => write!(f, "{e}"),
            Self::HeldOut(i, e) => write!(f, "held-out sample {i}: {e}"),
        }
    }
}

impl core::error::Error for WriteError {}

/// A written model file and how it did on the held-out samples.
#[derive(Debug)]
pub struct WrittenModel<'o> {
    /// The file's bytes.
    pub bytes: &'o [u8],
    /// Held-out samples it classifies right, and their count (0 of 0 without any).
    pub held_out: (usize, usize),
}

/// Bytes of the arena [`train_child`] needs for `arch` on samples of shape `shape` with
/// `optimizer` (numeric samples; with [`DEVICE_OPTIMIZER`] it is [`crate::Cost::train_ram_bytes`]).
#[must_use]
pub fn arena_bytes(arch: &Discrete, shape: &TaskShape, optimizer: Optimizer) -> usize {
    let params = discrete_cost(arch, shape).params as usize;
    let layout = arch.preset.layout();
    let module = usize::from(arch.module);
    let (features, classes, samples) = (shape.features, shape.classes, shape.samples);
    Footprint::new(&layout, module, params, features, classes, samples, optimizer).total()
}

/// The seed of child seed `index` (0, 1, ...): what `archrank train --seeds N` tries, and a
/// device's first.
#[must_use]
pub fn child_seed(index: u32) -> u64 {
    derive_seed(&[CHILD_SEED_TAG, u64::from(index)])
}

impl TrainedChild<'_> {
    /// Bytes the model file takes at most, with class names and a task name of these lengths.
    #[must_use]
    pub fn model_bytes_bound(&self, class_names: usize, task: usize) -> usize {
        // The sections, plus postcard's length prefixes and the header's fixed fields.
        const HEADER: usize = 96;
        let input = self.input.table.len() + self.input.pairs.len() + self.input.matrix.len();
        HEADER
            + input
            + self.weights.len()
            + class_names
            + task
            + TRAINER_NAME.len()
            + crate::kernels::checksum::TRAILER_BYTES
    }

    /// Exactly the bytes of the model file [`Self::write_model`] writes for these arguments
    /// (the checksum trailer included), so a caller can size its buffer first.
    #[must_use]
    pub fn model_bytes(&self, task: &str, index: u32, class_names: &str) -> usize {
        let file = self.model_file(class_names, self.provenance(task, index, f32::NAN));
        postcard::serialize_with_flavor(&file, postcard::ser_flavors::Size::default())
            .map_or(usize::MAX, |n| n.saturating_add(crate::kernels::checksum::TRAILER_BYTES))
    }

    /// What a model file of this child states of its training: `task`, the child seed's
    /// `index`, the validation accuracy, `test_accuracy`, the samples it learned from and chose on.
    fn provenance<'p>(&self, task: &'p str, index: u32, test_accuracy: f32) -> ModelProvenance<'p> {
        ModelProvenance {
            task,
            seed: u64::from(index),
            validation_accuracy: self.report.validation_accuracy(),
            test_accuracy,
            trained_on: self.report.train_samples as u32,
            validated_on: self.report.validation_samples as u32,
            trainer_version: TRAINER_NAME,
        }
    }

    /// Writes the model file into `out`: its provenance names `task`, the child seed's `index`,
    /// the validation accuracy, and the accuracy on `held_out` samples (of at most `F` features)
    /// measured by the core's inference on the file's contents (NaN without any).
    ///
    /// # Errors
    /// [`WriteError`] when the buffer is too small or a held-out sample cannot be run.
    pub fn write_model<'o, const F: usize>(
        &self,
        task: &str,
        index: u32,
        class_names: &str,
        held_out: Option<&Samples<'_>>,
        out: &'o mut [u8],
    ) -> Result<WrittenModel<'o>, WriteError> {
        let provenance = |test_accuracy: f32| self.provenance(task, index, test_accuracy);
        let mut counts = (0, 0);
        if let Some(samples) = held_out {
            let model = Model::from_file(self.model_file(class_names, provenance(f32::NAN)))
                .map_err(WriteError::Model)?;
            let mut right = 0;
            model
                .predict_numeric_samples::<F>(samples, |_, class, label, _| {
                    right += usize::from(class as u32 == label);
                })
                .map_err(|(i, e)| WriteError::HeldOut(i as u32, e))?;
            counts = (right, samples.len());
        }
        let test = if counts.1 == 0 { f32::NAN } else { counts.0 as f32 / counts.1 as f32 };
        let bytes = self
            .model_file(class_names, provenance(test))
            .write_into(out)
            .map_err(WriteError::Model)?;
        Ok(WrittenModel { bytes, held_out: counts })
    }
}

/// Class names that are the class ids (`0\n1\n2`), for samples that carry no names.
#[must_use]
pub fn class_ids(classes: usize) -> heapless::String<{ MAX_CLASSES * 4 }> {
    let mut names = heapless::String::new();
    for c in 0..classes.min(MAX_CLASSES) {
        let _ = fmt::Write::write_fmt(
            &mut names,
            format_args!("{}{c}", if c == 0 { "" } else { "\n" }),
        );
    }
    names
}

/// One dense stage of a child (a used layer or the classifier), located in the parameters.
#[derive(Clone, Copy, Debug)]
struct Stage {
    offset: usize,
    inputs: usize,
    outputs: usize,
    activation: Option<Activation>,
}

impl Stage {
    const fn params(&self) -> usize {
        self.inputs * self.outputs + self.outputs
    }

    fn layer<'a>(&self, weights: LeSlice<'a>) -> DenseLayer<'a> {
        let w = self.inputs * self.outputs;
        let at = |from: usize, len: usize| weights.get(from..from + len).unwrap_or(&[]);
        DenseLayer {
            weights: at(self.offset, w),
            bias: at(self.offset + w, self.outputs),
            inputs: self.inputs,
            outputs: self.outputs,
            activation: self.activation,
        }
    }
}

/// The dense stages of `arch` on a module of width `input`, as [`crate::Model`] lays them out.
fn stages(
    arch: &Discrete,
    classes: usize,
) -> Result<heapless::Vec<Stage, { MAX_LAYERS + 1 }>, TrainError> {
    let layout = arch.preset.layout();
    let mut out = heapless::Vec::new();
    let mut width = NUMERIC_WIDTH;
    let mut offset = 0;
    let mut push = |stage: Stage, offset: &mut usize| {
        *offset += stage.params();
        out.push(stage).map_err(|_| TrainError::Architecture)
    };
    for choice in &arch.layers {
        match *choice {
            LayerChoice::Skip => {}
            LayerChoice::Base(b) => {
                let (activation, w) =
                    layout.base(usize::from(b)).ok_or(TrainError::Architecture)?;
                push(
                    Stage { offset, inputs: width, outputs: w, activation: Some(activation) },
                    &mut offset,
                )?;
                width = w;
            }
        }
    }
    push(Stage { offset, inputs: width, outputs: classes, activation: None }, &mut offset)?;
    Ok(out)
}

type Floats<'a> = &'a mut [[u8; 4]];

fn get(section: &[[u8; 4]], i: usize) -> f32 {
    section.get(i).map_or(0.0, |b| f32::from_le_bytes(*b))
}

fn set(section: &mut [[u8; 4]], i: usize, v: f32) {
    if let Some(b) = section.get_mut(i) {
        *b = v.to_le_bytes();
    }
}

fn floats(bytes: &mut [u8]) -> Floats<'_> {
    bytes.as_chunks_mut::<4>().0
}

/// The arena, carved into its sections.
struct Arena<'m> {
    weights: Floats<'m>,
    best: Floats<'m>,
    grad: Floats<'m>,
    first_moment: Floats<'m>,
    second_moment: Floats<'m>,
    staged: Floats<'m>,
    activations: Floats<'m>,
    labels: &'m mut [u8],
    /// Training indices (shuffled each epoch), then validation indices; u16 little-endian.
    order: &'m mut [[u8; 2]],
}

/// Trains `arch` on numeric `samples` of at most `F` features (their validation part chosen by
/// `validation`) in `memory` (at least [`Footprint`]'s total for this child and sample count)
/// and returns the child of its best validation epoch. A sample's row is held on the stack
/// (`F` floats) while it is staged.
///
/// # Errors
/// [`TrainError`] for text samples, too few or too many samples, a non-finite feature, a class
/// id beyond [`MAX_CLASSES`], an arena smaller than the footprint, or an architecture that does
/// not fit its preset.
pub fn train_child<'m, const F: usize>(
    arch: &Discrete,
    samples: &Samples<'_>,
    validation: Validation,
    config: &TrainConfig,
    seed: u64,
    memory: &'m mut [u8],
) -> Result<TrainedChild<'m>, TrainError> {
    if samples.is_text() {
        return Err(TrainError::Text);
    }
    let layout = arch.preset.layout();
    if usize::from(arch.module) >= layout.modules || arch.layers.len() != layout.layers {
        return Err(TrainError::Architecture);
    }
    let (n, d) = (samples.len(), samples.features);
    if n > usize::from(u16::MAX) {
        return Err(TrainError::TooManySamples);
    }
    if d > F {
        return Err(TrainError::TooManyFeatures { max: F as u32 });
    }
    let classes = samples.classes();
    if classes > MAX_CLASSES {
        return Err(TrainError::Classes);
    }
    check_finite(samples)?;
    let params = discrete_cost(arch, &samples.shape()).params as usize;
    let module = usize::from(arch.module);
    let footprint = Footprint::new(&layout, module, params, d, classes, n, config.optimizer);
    if memory.len() < footprint.total() {
        return Err(TrainError::Memory {
            needed: footprint.total() as u32,
            given: memory.len() as u32,
        });
    }
    let plan = stages(arch, classes)?;

    let memory_error =
        TrainError::Memory { needed: footprint.total() as u32, given: memory.len() as u32 };
    let (parameters, rest) =
        memory.split_at_mut_checked(footprint.parameters).ok_or(memory_error)?;
    let (input_bytes, rest) = rest.split_at_mut_checked(footprint.input).ok_or(memory_error)?;
    let (staged_bytes, rest) = rest.split_at_mut_checked(footprint.staged).ok_or(memory_error)?;
    let (activation_bytes, rest) =
        rest.split_at_mut_checked(footprint.activations).ok_or(memory_error)?;
    let (labels, rest) = rest.split_at_mut_checked(n).ok_or(memory_error)?;
    let order = rest.get_mut(..2 * n).unwrap_or(&mut []).as_chunks_mut::<2>().0;
    for (i, (label, slot)) in labels.iter_mut().zip(order.iter_mut()).enumerate() {
        *label = samples.label(i);
        *slot = (i as u16).to_le_bytes();
    }
    let train_count = validation.split(labels, order, seed);
    if train_count == 0 || (train_count == n && validation != Validation::None) {
        return Err(TrainError::TooFewSamples);
    }

    // The module is fitted on the training samples; its scratch is the staged section, which
    // is filled after.
    let rows = TrainingRows {
        rows: train_count,
        features: d,
        value: |i: usize, f: usize| samples.value(index(order, i), f),
        label: |i: usize| labels.get(index(order, i)).map_or(0, |&l| usize::from(l)),
        classes,
    };
    let input_file =
        fit_input(numeric_module_at(layout.preset, module), &rows, seed, input_bytes, staged_bytes)
            .map_err(TrainError::Input)?;
    let input =
        NumericInput::new(&input_file).map_err(|e| TrainError::Input(FitError::Input(e)))?;
    let width = input.staged_width();
    let staged = floats(staged_bytes);
    let mut buffer = [0.0_f32; F];
    let row = buffer.get_mut(..d).ok_or(TrainError::TooManyFeatures { max: F as u32 })?;
    for i in 0..n {
        for (f, v) in row.iter_mut().enumerate() {
            *v = samples.value(i, f);
        }
        input.stage_with(row, |k, v| set(staged, i * width + k, v));
    }

    let (weights, rest) = parameters.split_at_mut_checked(4 * params).ok_or(memory_error)?;
    let (best, rest) = rest.split_at_mut_checked(4 * params).ok_or(memory_error)?;
    let (grad, rest) = rest.split_at_mut_checked(4 * params).ok_or(memory_error)?;
    let (first_moment, second_moment) =
        rest.split_at_mut_checked(4 * params).ok_or(memory_error)?;
    // The moments start at zero whatever the arena held (a device reuses its RAM; a host trains
    // several seeds in one arena): every other section is written before it is read.
    first_moment.fill(0);
    second_moment.fill(0);
    let mut arena = Arena {
        weights: floats(weights),
        best: floats(best),
        grad: floats(grad),
        first_moment: floats(first_moment),
        second_moment: floats(second_moment),
        staged,
        activations: floats(activation_bytes),
        labels,
        order,
    };
    let child = Child {
        input: &input,
        plan: &plan,
        staged_width: width,
        row: footprint::activation_width(&layout, classes),
    };
    let report = child.train(&mut arena, train_count, config, seed);
    let Arena { weights, .. } = arena;
    let weights: &'m [[u8; 4]] = weights;
    let mut layers = [SKIP_LAYER; MAX_LAYERS];
    for (slot, choice) in layers.iter_mut().zip(&arch.layers) {
        if let LayerChoice::Base(b) = choice {
            *slot = *b;
        }
    }
    Ok(TrainedChild {
        discrete: arch.clone(),
        input: input_file,
        weights: weights.as_flattened(),
        classes,
        report,
        layers,
    })
}

/// Trains `arch` again on every one of `samples` with the seed and schedule of a run that held
/// some out (`selected`, its report), for that run's best epoch count, and keeps the epoch that
/// fits every sample best (the later on ties; in a sound run the last): the final model learns
/// from the validation samples too once they have chosen the epoch. The
/// report counts every sample as trained on and keeps the selected run's validation figures
/// (what the model file's provenance states).
///
/// # Errors
/// As [`train_child`].
pub fn refit_child<'m, const F: usize>(
    arch: &Discrete,
    samples: &Samples<'_>,
    selected: &TrainingReport,
    config: &TrainConfig,
    seed: u64,
    memory: &'m mut [u8],
) -> Result<TrainedChild<'m>, TrainError> {
    let schedule = config.refit(selected.best_epoch.max(1));
    let mut child = train_child::<F>(arch, samples, Validation::None, &schedule, seed, memory)?;
    child.report.validation_samples = selected.validation_samples;
    child.report.validation_correct = selected.validation_correct;
    Ok(child)
}

fn index(order: &[[u8; 2]], i: usize) -> usize {
    order.get(i).map_or(0, |b| usize::from(u16::from_le_bytes(*b)))
}

fn check_finite(samples: &Samples<'_>) -> Result<(), TrainError> {
    for i in 0..samples.len() {
        for f in 0..samples.features {
            if !samples.value(i, f).is_finite() {
                return Err(TrainError::NonFinite { sample: i as u32, feature: f as u32 });
            }
        }
    }
    Ok(())
}

/// A child being trained: its fitted module and its stages.
struct Child<'c> {
    input: &'c NumericInput<'c>,
    plan: &'c [Stage],
    staged_width: usize,
    /// Floats of one activation row in the arena.
    row: usize,
}

impl Child<'_> {
    fn train(
        &self,
        arena: &mut Arena<'_>,
        train_count: usize,
        config: &TrainConfig,
        seed: u64,
    ) -> TrainingReport {
        let n = arena.labels.len();
        let mut report = TrainingReport {
            train_samples: train_count,
            validation_samples: n - train_count,
            ..TrainingReport::default()
        };
        self.initialize(arena.weights, seed);
        let mut adam = Adam::new(config.learning_rate);
        let mut shuffle = Rng::new(derive_seed(&[seed, SHUFFLE_TAG]));
        let batch = config.batch_size.max(1);
        let mut best: Option<usize> = None;
        let mut diverged = false;
        let planned_steps = config.planned_steps(train_count);
        #[cfg(feature = "runtime-dispatch")]
        let mut scratch = lanes::LaneScratch::new(self, arena);
        for epoch in 1..=config.planned_epochs(train_count) {
            if report.steps >= config.max_steps {
                break;
            }
            shuffle.shuffle(arena.order.get_mut(..train_count).unwrap_or(&mut []));
            let mut start = 0;
            while start < train_count {
                if report.steps >= config.max_steps {
                    break;
                }
                let end = (start + batch).min(train_count);
                #[cfg(feature = "runtime-dispatch")]
                let finite = self.batch_gradient_in_lanes(arena, start..end, &mut scratch);
                #[cfg(not(feature = "runtime-dispatch"))]
                let finite = self.batch_gradient_by_sample(arena, start..end);
                if !finite {
                    diverged = true;
                    break;
                }
                let factor = config.decay.factor(report.steps, planned_steps);
                step(arena, &mut adam, config, factor, self.plan);
                report.steps += 1;
                start = end;
            }
            if diverged {
                break;
            }
            report.epochs = epoch;
            // The epoch kept classifies the most validation samples, the later on ties (a small
            // validation part ties often, and the earlier of two tied epochs has learned less:
            // measured, RESULTS.md). Without validation samples (a refit) it is the one that fits
            // the training samples best, the later on ties: at a constant step size an epoch can
            // end far from where the run was (a refit kept its last epoch and fell from 0.99 to
            // 0.70 test accuracy on banknote_authentication), which no held-out part is there to
            // see.
            let refit = train_count == n;
            let judged = if refit { 0..n } else { train_count..n };
            #[cfg(feature = "runtime-dispatch")]
            let correct = self.correct_in_lanes(arena, judged, &mut scratch);
            #[cfg(not(feature = "runtime-dispatch"))]
            let correct = self.correct(arena, judged);
            if best.is_none_or(|b| correct >= b) {
                best = Some(correct);
                report.best_epoch = epoch;
                arena.best.copy_from_slice(arena.weights);
            }
            if report.steps >= config.min_steps
                && epoch - report.best_epoch >= config.patience.max(1)
            {
                break;
            }
        }
        match best {
            Some(correct) => {
                arena.weights.copy_from_slice(arena.best);
                // Without validation samples `correct` counted the training samples' fit.
                report.validation_correct = if train_count == n { 0 } else { correct };
            }
            // No epoch kept (none ran): counted once, sample by sample (the lanes' count is the same).
            None => report.validation_correct = self.correct(arena, train_count..n),
        }
        report
    }

    /// He-normal weights for ReLU layers, Glorot-normal for tanh ones and the classifier, zero
    /// biases (the trainer's initialization).
    fn initialize(&self, weights: &mut [[u8; 4]], seed: u64) {
        let mut rng = Rng::new(derive_seed(&[seed, INIT_TAG]));
        for stage in self.plan {
            let (k, w) = (stage.inputs, stage.outputs);
            let fan = match stage.activation {
                Some(Activation::Relu) => k,
                _ => k + w,
            };
            let std = libm::sqrt(2.0 / fan.max(1) as f64);
            for i in 0..k * w {
                set(weights, stage.offset + i, (rng.normal() * std) as f32);
            }
            for j in 0..w {
                set(weights, stage.offset + k * w + j, 0.0);
            }
        }
    }

    /// Forward pass of sample `sample`, keeping each stage's output in the arena's activation
    /// rows (row 0: the module's output); returns the predicted class and whether the logits
    /// are finite.
    #[inline(never)]
    fn forward(
        &self,
        weights: LeSlice<'_>,
        staged: &[[u8; 4]],
        activations: &mut [[u8; 4]],
        sample: usize,
    ) -> (usize, bool) {
        let mut x = [0.0_f32; MAX_WIDTH];
        let mut module = [0.0_f32; NUMERIC_WIDTH];
        let base = sample * self.staged_width;
        self.input.project_from(|k| get(staged, base + k), &mut module);
        x[..NUMERIC_WIDTH].copy_from_slice(&module);
        store(&x[..NUMERIC_WIDTH], activations, 0);
        let mut out = [0.0_f32; MAX_WIDTH];
        let mut width = NUMERIC_WIDTH;
        for (s, stage) in self.plan.iter().enumerate() {
            out.fill(0.0);
            dense_into(&stage.layer(weights), x.get(..stage.inputs).unwrap_or(&[]), &mut out);
            width = stage.outputs;
            store(out.get(..width).unwrap_or(&[]), activations, (s + 1) * self.row);
            core::mem::swap(&mut x, &mut out);
        }
        let logits = x.get(..width).unwrap_or(&[]);
        (argmax(logits), logits.iter().all(|v| v.is_finite()))
    }

    /// Validation (or any) samples at positions `range` of the order classified right; a sample
    /// whose logits are not finite is not (weights that diverged are never kept as the best).
    fn correct(&self, arena: &mut Arena<'_>, range: core::ops::Range<usize>) -> usize {
        range
            .filter(|&p| {
                let i = index(arena.order, p);
                let (class, finite) =
                    self.forward(arena.weights, arena.staged, arena.activations, i);
                finite && class == usize::from(arena.labels.get(i).copied().unwrap_or(0))
            })
            .count()
    }

    /// The mean cross-entropy's gradient over training positions `range` into the arena's
    /// gradient, sample by sample (a device's; a host's runs [`LANES`](crate::kernels::sample_lanes::LANES)
    /// at a time, the same bits); false when the logits stopped being finite.
    #[cfg_attr(all(feature = "runtime-dispatch", not(test)), expect(dead_code))]
    fn batch_gradient_by_sample(
        &self,
        arena: &mut Arena<'_>,
        range: core::ops::Range<usize>,
    ) -> bool {
        arena.grad.fill([0; 4]);
        let scale = 1.0 / range.len().max(1) as f32;
        for p in range {
            let i = index(arena.order, p);
            let (_, finite) = self.forward(arena.weights, arena.staged, arena.activations, i);
            if !finite {
                return false;
            }
            let label = usize::from(arena.labels.get(i).copied().unwrap_or(0));
            self.backward(arena, label, scale);
        }
        true
    }

    /// Adds `scale` times the cross-entropy's gradient of the sample whose activations the
    /// arena holds into the arena's gradient.
    // Never inlined (nor is `forward`): their rows would stack up in the callers' frames.
    #[inline(never)]
    fn backward(&self, arena: &mut Arena<'_>, label: usize, scale: f32) {
        let Some(last) = self.plan.last() else { return };
        let rows = self.plan.len();
        // Three rows on the stack: the gradient, a stage's input (then its input's gradient) and
        // a stage's output (first the logits).
        let mut delta = [0.0_f32; MAX_WIDTH];
        let mut x = [0.0_f32; MAX_WIDTH];
        let mut y = [0.0_f32; MAX_WIDTH];
        // d loss / d logits = softmax - one-hot.
        load(arena.activations, rows * self.row, y.get_mut(..last.outputs).unwrap_or(&mut []));
        crate::space::architecture::softmax(
            y.get(..last.outputs).unwrap_or(&[]),
            delta.get_mut(..last.outputs).unwrap_or(&mut []),
        );
        for (j, g) in delta.iter_mut().enumerate().take(last.outputs) {
            *g = (*g - if j == label { 1.0 } else { 0.0 }) * scale;
        }
        for (s, stage) in self.plan.iter().enumerate().rev() {
            let (k, w) = (stage.inputs, stage.outputs);
            // Through the activation: d/d pre-activation from the stage's output y.
            if let Some(activation) = stage.activation {
                load(arena.activations, (s + 1) * self.row, y.get_mut(..w).unwrap_or(&mut []));
                for (g, &out) in delta.iter_mut().zip(&y).take(w) {
                    *g *= activation.slope_at_output(out);
                }
            }
            load(arena.activations, s * self.row, x.get_mut(..k).unwrap_or(&mut []));
            // The stage's weight gradient (k rows of w) and its bias's (one row, of input 1).
            if let Some(grad) = arena.grad.get_mut(stage.offset..stage.offset + (k + 1) * w) {
                let (weights, bias) = grad.split_at_mut(k * w);
                let d = delta.get(..w).unwrap_or(&[]);
                accumulate_outer_into(weights, x.get(..k).unwrap_or(&[]), d);
                accumulate_outer_into(bias, &[1.0], d);
            }
            if s > 0 {
                let layer = stage.layer(arena.weights);
                // The input is read; its row now takes the input's gradient.
                backward_input_into(
                    layer.weights,
                    delta.get(..w).unwrap_or(&[]),
                    x.get_mut(..k).unwrap_or(&mut []),
                );
                // Values a skip dropped get no gradient.
                delta.fill(0.0);
                for (d, &g) in delta.iter_mut().zip(&x).take(k) {
                    *d = g;
                }
            }
        }
    }
}

/// One optimizer step of the arena's weights along its gradient (plus the weight decay's, on
/// the weight matrices of `plan`'s stages), the step size times `factor`. With
/// `runtime-dispatch`, in AVX-512's or AVX2's registers where the CPU has them (no fused
/// multiply-add: the same bits).
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
fn step<'a>(
    arena: &mut Arena<'a>,
    adam: &mut Adam,
    config: &TrainConfig,
    factor: f32,
    plan: &[Stage],
) {
    if config.weight_decay != 0.0 {
        for stage in plan {
            for i in stage.offset..stage.offset + stage.inputs * stage.outputs {
                let g = get(arena.grad, i) + config.weight_decay * get(arena.weights, i);
                set(arena.grad, i, g);
            }
        }
    }
    let adam_step = adam.next_step().scaled(factor);
    let learning_rate = config.learning_rate * factor;
    // One optimizer a loop, over whole sections, so that each runs on vectors.
    let moving = arena.weights.iter_mut().zip(arena.first_moment.iter_mut()).zip(arena.grad.iter());
    match config.optimizer {
        Optimizer::Adam => {
            for (((p, m), g), v) in moving.zip(arena.second_moment.iter_mut()) {
                let (mut pv, mut mv, mut vv) = (le_f32(p), le_f32(m), le_f32(v));
                adam_step.update(&mut pv, le_f32(g), &mut mv, &mut vv);
                (*p, *m, *v) = (pv.to_le_bytes(), mv.to_le_bytes(), vv.to_le_bytes());
            }
        }
        Optimizer::Momentum { momentum } => {
            for ((p, m), g) in moving {
                let (mut pv, mut mv) = (le_f32(p), le_f32(m));
                momentum_update(&mut pv, le_f32(g), &mut mv, momentum, learning_rate);
                (*p, *m) = (pv.to_le_bytes(), mv.to_le_bytes());
            }
        }
    }
}

fn load(section: &[[u8; 4]], from: usize, out: &mut [f32]) {
    for (i, v) in out.iter_mut().enumerate() {
        *v = get(section, from + i);
    }
}

fn store(values: &[f32], section: &mut [[u8; 4]], from: usize) {
    for (i, &v) in values.iter().enumerate() {
        set(section, from + i, v);
    }
}

#[cfg(test)]
mod tests;
