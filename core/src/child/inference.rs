//! Running a model on one sample, on the stack: the input module, the layers (dense or skip),
//! the classifier and the softmax. Deterministic float order (the dense layers' `out += x_i
//! row_i`), so a host and a device give the same bits.

use core::fmt;

use crate::child::model_format::{DenseLayer, MAX_WIDTH, Model, ModelInput, ModelLayer};
use crate::child::text_input::text_bag;
use crate::dims::{Activation, MAX_CLASSES, NUMERIC_WIDTH, TEXT_WIDTH};
use crate::kernels::dense::{LeSlice, affine_into, relu};
use crate::kernels::fast_tanh::fast_tanh;
use crate::space::architecture::{argmax, softmax};
use crate::task::numeric_samples::NumericSamples;
use crate::task::samples_format::Samples;

/// Why a sample cannot be run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PredictError {
    /// The row has another feature count than the model was trained on.
    FeatureCount {
        /// The model's.
        expected: u32,
        /// The row's.
        found: u32,
    },
    /// A feature is not a finite number.
    NonFinite {
        /// Its 0-based index.
        feature: u32,
    },
    /// A text given to a numeric model, or a row to a text model.
    Modality,
    /// The rows are wider than the caller's buffer holds.
    TooWide {
        /// Features the buffer holds.
        max: u32,
    },
}

impl fmt::Display for PredictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::FeatureCount { expected, found } => {
                write!(f, "the row has {found} features, the model was trained on {expected}")
            }
            Self::NonFinite { feature } => write!(f, "feature {feature} is not a finite number"),
            Self::Modality => f.write_str("the sample's kind (text or numbers) is not the model's"),
            Self::TooWide { max } => write!(f, "the rows have more than {max} features"),
        }
    }
}

impl core::error::Error for PredictError {}

/// Class probabilities of one sample (the first `classes` values are used).
pub type Probabilities = [f32; MAX_CLASSES];

/// `out = activation(W^T x + b)` of one dense layer (a device's training runs it too).
pub(crate) fn dense_into(layer: &DenseLayer<'_>, x: &[f32], out: &mut [f32]) {
    let bias: LeSlice<'_> = layer.bias;
    let (Some(x), Some(out)) = (x.get(..layer.inputs), out.get_mut(..layer.outputs)) else {
        return;
    };
    affine_into(layer.weights, bias, x, out);
    match layer.activation {
        Some(Activation::Relu) => relu(out),
        Some(Activation::Tanh) => out.iter_mut().for_each(|v| *v = fast_tanh(*v)),
        None => {}
    }
}

impl Model<'_> {
    /// Runs a numeric row; returns the predicted class, `probs` holds every class's probability.
    ///
    /// # Errors
    /// [`PredictError`] for a row of another width, a non-finite value or a text model.
    pub fn predict_numeric(
        &self,
        row: &[f32],
        probs: &mut Probabilities,
    ) -> Result<usize, PredictError> {
        let ModelInput::Numeric(input) = &self.input else { return Err(PredictError::Modality) };
        if row.len() != input.features() {
            return Err(PredictError::FeatureCount {
                expected: input.features() as u32,
                found: row.len() as u32,
            });
        }
        if let Some(f) = row.iter().position(|v| !v.is_finite()) {
            return Err(PredictError::NonFinite { feature: f as u32 });
        }
        let mut features = [0.0; NUMERIC_WIDTH];
        input.transform(row, &mut features);
        Ok(self.forward(&features, probs))
    }

    /// Runs a text; returns the predicted class, `probs` holds every class's probability. Its
    /// bag takes [`TEXT_WIDTH`] floats (16 KiB) of stack beside the layers' two rows.
    ///
    /// # Errors
    /// [`PredictError::Modality`] for a numeric model.
    pub fn predict_text(
        &self,
        text: &str,
        probs: &mut Probabilities,
    ) -> Result<usize, PredictError> {
        let ModelInput::Text(module) = self.input else { return Err(PredictError::Modality) };
        let mut bag = [0.0; TEXT_WIDTH];
        text_bag(module, text, &mut bag);
        Ok(self.forward(&bag, probs))
    }

    /// Runs every sample of `samples` in order (numeric rows of at most `F` features, or texts),
    /// calling `each(index, class, label, probabilities)`.
    ///
    /// # Errors
    /// The index of the first sample that cannot be run, and why.
    pub fn predict_samples<const F: usize>(
        &self,
        samples: &Samples<'_>,
        mut each: impl FnMut(usize, usize, u32, &Probabilities),
    ) -> Result<(), (usize, PredictError)> {
        if !samples.is_text() {
            return self.predict_numeric_samples::<F>(samples, each);
        }
        let mut probs: Probabilities = [0.0; MAX_CLASSES];
        for (i, (text, label)) in samples.texts().enumerate() {
            let class = self.predict_text(text, &mut probs).map_err(|e| (i, e))?;
            each(i, class, label, &probs);
        }
        Ok(())
    }

    /// [`Self::predict_samples`] for numeric samples only: a device that runs no text model
    /// calls this, and links no text tokenizer (its Unicode tables are about 13 KiB of flash).
    ///
    /// # Errors
    /// As [`Self::predict_samples`]; text samples are [`PredictError::Modality`].
    pub fn predict_numeric_samples<const F: usize>(
        &self,
        samples: &Samples<'_>,
        mut each: impl FnMut(usize, usize, u32, &Probabilities),
    ) -> Result<(), (usize, PredictError)> {
        if samples.is_text() {
            return Err((0, PredictError::Modality));
        }
        let mut probs: Probabilities = [0.0; MAX_CLASSES];
        let mut buffer = [0.0_f32; F];
        let row = buffer
            .get_mut(..samples.features)
            .ok_or((0, PredictError::TooWide { max: F as u32 }))?;
        for i in 0..samples.count() {
            let label = samples.sample_into(i, row);
            let class = self.predict_numeric(row, &mut probs).map_err(|e| (i, e))?;
            each(i, class, label, &probs);
        }
        Ok(())
    }

    /// The layers and the classifier on the module's output `input` (a text bag may be wider
    /// than [`MAX_WIDTH`]: it is read in place, through skips, until a dense layer's output
    /// replaces it; when every layer skips, the classifier reads it whole).
    fn forward(&self, input: &[f32], probs: &mut Probabilities) -> usize {
        let mut h = [0.0; MAX_WIDTH];
        let mut next = [0.0; MAX_WIDTH];
        let mut width = 0;
        let mut in_input = true;
        for layer in &self.layers {
            match layer {
                ModelLayer::Skip => {}
                ModelLayer::Dense(d) => {
                    let x = if in_input { input } else { &h[..width.min(MAX_WIDTH)] };
                    dense_into(d, x, &mut next);
                    width = d.outputs;
                    in_input = false;
                    core::mem::swap(&mut h, &mut next);
                }
            }
        }
        let x = if in_input { input } else { &h[..width.min(MAX_WIDTH)] };
        let mut logits = [0.0; MAX_CLASSES];
        dense_into(&self.classifier, x, &mut logits);
        let c = self.classes.min(MAX_CLASSES);
        probs.fill(0.0);
        softmax(&logits[..c], &mut probs[..c]);
        argmax(&logits[..c])
    }
}
