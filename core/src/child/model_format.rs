//! The model file (postcard): a trained discrete child, ready to run — its architecture, the
//! fitted input module, the layers' weights and the class names — read in place.
//!
//! Layout, in order: magic, format version, preset, the discrete architecture (module index and
//! one byte per layer: [`SKIP_LAYER`] or the base-layer index), the input module's parameters
//! (numeric: [`NumericInputFile`]; text: none), the class count and names, the column plan (how
//! the host read the training CSV, as JSON; the core ignores it), provenance, and the weights:
//! per used layer `W [in][out]` then `b [out]`, then the classifier's, little-endian f32, widths
//! following the architecture (a skip passes its input on whole: after leading skips a text
//! model's next layer, or its classifier, reads the whole bag).

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::child::cost::{TaskShape, discrete_cost};
use crate::child::numeric_input::{InputError, NumericInput, NumericInputFile};
use crate::dims::{Activation, MAX_CLASSES, MAX_LAYERS, Preset, PresetId};
use crate::error::{write_checksum_mismatch, write_version_mismatch};
use crate::kernels::checksum;
use crate::kernels::dense::LeSlice;
use crate::space::architecture::{Discrete, LayerChoice};
use crate::space::input_modules::{InputModule, TEXT_MODULES, TextModule};

/// The first bytes of every model file.
pub const MODEL_MAGIC: [u8; 8] = *b"ARCHMODL";
/// The model format version this build reads and writes.
pub const MODEL_FORMAT_VERSION: u16 = 3;
/// A layer byte meaning "skip".
pub const SKIP_LAYER: u8 = u8::MAX;
/// Widest activation the core's inference holds between layers (the paper preset's widest
/// layer; a text bag, wider, is read by the first layer in place).
pub const MAX_WIDTH: usize = 256;

/// The input module's parameters as stored.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum InputFile<'a> {
    /// A numeric module with its statistics and projection.
    #[serde(borrow)]
    Numeric(NumericInputFile<'a>),
    /// A text module (hashing needs no parameters).
    Text {
        /// Index in [`TEXT_MODULES`].
        module: u8,
    },
}

/// Where a model came from and how well it did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelProvenance<'a> {
    /// The task it was trained on.
    pub task: &'a str,
    /// The child seed kept (best validation accuracy).
    pub seed: u64,
    /// Validation accuracy of the kept seed.
    pub validation_accuracy: f32,
    /// Test accuracy of the kept seed on the task's test split.
    pub test_accuracy: f32,
    /// Samples the final weights learned from (after a refit, the validation ones too).
    pub trained_on: u32,
    /// Samples that chose the kept seed and epoch.
    pub validated_on: u32,
    /// Version of the trainer that wrote it.
    pub trainer_version: &'a str,
}

/// A whole model file, borrowing its byte sections.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFile<'a> {
    /// Always [`MODEL_MAGIC`].
    pub magic: [u8; 8],
    /// Always [`MODEL_FORMAT_VERSION`] when written by this build.
    pub format_version: u16,
    /// The search space of the architecture.
    pub preset: PresetId,
    /// The input module's index in the preset's module logits (`m3`); the input section names it
    /// by its place in the catalog.
    pub module: u8,
    /// Per layer, [`SKIP_LAYER`] or the base-layer index.
    pub layers: &'a [u8],
    /// The input module's parameters.
    #[serde(borrow)]
    pub input: InputFile<'a>,
    /// Class names, one per line, in class-id order.
    pub class_names: &'a str,
    /// How the host read the training CSV (JSON), or empty.
    pub columns: &'a str,
    /// Where it came from.
    #[serde(borrow)]
    pub provenance: ModelProvenance<'a>,
    /// The weights, little-endian f32.
    pub weights: &'a [u8],
}

/// The start of every model file: enough to name another file or another version.
#[derive(Deserialize)]
struct Head {
    #[allow(dead_code)]
    magic: [u8; 8],
    format_version: u16,
}

/// Why a model file is unusable, located by section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// The bytes end before the format does.
    Truncated,
    /// Not a model file.
    BadMagic,
    /// Written by another format version.
    UnsupportedVersion {
        /// This build's version.
        expected: u16,
        /// The file's.
        found: u16,
    },
    /// The checksum trailer is not the payload's: the file was corrupted or cut short.
    ChecksumMismatch,
    /// The bytes are not a valid encoding.
    Malformed,
    /// Bytes are left over after the format ends.
    TrailingBytes {
        /// How many.
        count: u32,
    },
    /// The architecture does not fit the preset (module, layer count or a base index).
    BadArchitecture,
    /// The input module's parameters do not match the module (section named).
    BadInput(InputError),
    /// The class names are none or more than the core holds, or do not match the weights.
    BadClasses,
    /// The weights section's length does not match the architecture.
    WeightsLength {
        /// Bytes the architecture implies.
        expected: u32,
        /// Bytes in the file.
        found: u32,
    },
    /// A weight is not finite.
    NonFinite {
        /// Index of the value in the weights section.
        index: u32,
    },
    /// Writing: the buffer is smaller than the encoded model.
    BufferTooSmall,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Truncated => f.write_str("the model file is truncated"),
            Self::BadMagic => f.write_str("not an archrank model file (bad magic bytes)"),
            Self::UnsupportedVersion { expected, found } => write_version_mismatch(
                f,
                "model",
                found,
                expected,
                "train it again with this build (`archrank train`)",
            ),
            Self::ChecksumMismatch => write_checksum_mismatch(f, "model"),
            Self::Malformed => f.write_str("the model file is corrupted (invalid encoding)"),
            Self::TrailingBytes { count } => {
                write!(f, "{count} unexpected bytes follow the end of the model")
            }
            Self::BadArchitecture => {
                f.write_str("the model's architecture does not fit its preset")
            }
            Self::BadInput(InputError::Length(what)) => {
                write!(f, "section `input.{what}` has the wrong length for its module")
            }
            Self::BadInput(InputError::Value(what)) => {
                write!(f, "section `input.{what}` holds a non-finite or out-of-order value")
            }
            Self::BadInput(InputError::Module) => {
                f.write_str("the model's input module does not match its architecture")
            }
            Self::BadClasses => write!(f, "the model must name 1 to {MAX_CLASSES} classes"),
            Self::WeightsLength { expected, found } => {
                write!(
                    f,
                    "section `weights` holds {found} bytes, the architecture implies {expected}"
                )
            }
            Self::NonFinite { index } => {
                write!(f, "value {index} of section `weights` is not finite")
            }
            Self::BufferTooSmall => f.write_str("the buffer is smaller than the encoded model"),
        }
    }
}

impl core::error::Error for ModelError {}

/// One dense layer of a model, read in place.
#[derive(Clone, Copy, Debug)]
pub struct DenseLayer<'a> {
    /// `[in][out]` weights.
    pub weights: LeSlice<'a>,
    /// `[out]` biases.
    pub bias: LeSlice<'a>,
    /// Input width.
    pub inputs: usize,
    /// Output width.
    pub outputs: usize,
    /// Non-linearity (none for the classifier).
    pub activation: Option<Activation>,
}

/// A layer of a model: dense, or a skip.
#[derive(Clone, Copy, Debug)]
pub enum ModelLayer<'a> {
    /// A dense layer.
    Dense(DenseLayer<'a>),
    /// Passes its input on unchanged (a text bag too: read in place by what follows).
    Skip,
}

/// The input module of a model.
#[derive(Clone, Copy, Debug)]
pub enum ModelInput<'a> {
    /// A numeric module.
    Numeric(NumericInput<'a>),
    /// A text module.
    Text(TextModule),
}

/// A validated model: inference on it cannot fail on the model's side.
#[derive(Clone, Debug)]
pub struct Model<'a> {
    /// The decoded file.
    pub file: ModelFile<'a>,
    /// The architecture.
    pub discrete: Discrete,
    /// The input module.
    pub input: ModelInput<'a>,
    /// The layers, in order.
    pub layers: heapless::Vec<ModelLayer<'a>, MAX_LAYERS>,
    /// The classifier.
    pub classifier: DenseLayer<'a>,
    /// Classes.
    pub classes: usize,
}

fn take_dense<'a>(
    weights: &mut LeSlice<'a>,
    inputs: usize,
    outputs: usize,
    activation: Option<Activation>,
) -> Option<DenseLayer<'a>> {
    let w = crate::kernels::dense::take(weights, inputs.checked_mul(outputs)?)?;
    let b = crate::kernels::dense::take(weights, outputs)?;
    Some(DenseLayer { weights: w, bias: b, inputs, outputs, activation })
}

impl ModelFile<'_> {
    /// Encodes the file into `out` (no allocation: a device writes its trained model this way)
    /// and returns the encoded bytes.
    ///
    /// # Errors
    /// [`ModelError::BufferTooSmall`] when `out` is too short.
    pub fn write_into<'o>(&self, out: &'o mut [u8]) -> Result<&'o mut [u8], ModelError> {
        let room = out.len().saturating_sub(checksum::TRAILER_BYTES);
        let payload = postcard::to_slice(self, out.get_mut(..room).unwrap_or_default())
            .map_err(|_| ModelError::BufferTooSmall)?
            .len();
        let end = checksum::seal_in_place(out, payload).ok_or(ModelError::BufferTooSmall)?;
        out.get_mut(..end).ok_or(ModelError::BufferTooSmall)
    }

    /// Encodes the file with its checksum trailer.
    ///
    /// # Errors
    /// Only if postcard fails to serialize, which it does not for this type.
    #[cfg(feature = "alloc")]
    pub fn to_bytes(&self) -> Result<alloc::vec::Vec<u8>, postcard::Error> {
        postcard::to_allocvec(self).map(checksum::sealed)
    }
}

impl<'a> Model<'a> {
    /// Decodes and validates a model file, borrowing `bytes` (on a device, straight from flash).
    ///
    /// # Errors
    /// A [`ModelError`] for each way the bytes can be unusable.
    pub fn load(bytes: &'a [u8]) -> Result<Self, ModelError> {
        let decode_error = |e| match e {
            postcard::Error::DeserializeUnexpectedEnd => ModelError::Truncated,
            _ => ModelError::Malformed,
        };
        // Magic and version first, so another file or version is named as such.
        if bytes.get(..MODEL_MAGIC.len()).is_some_and(|m| m != MODEL_MAGIC) {
            return Err(ModelError::BadMagic);
        }
        let (head, _): (Head, _) = postcard::take_from_bytes(bytes).map_err(decode_error)?;
        if head.format_version != MODEL_FORMAT_VERSION {
            return Err(ModelError::UnsupportedVersion {
                expected: MODEL_FORMAT_VERSION,
                found: head.format_version,
            });
        }
        let payload = checksum::verified_payload(bytes).ok_or(ModelError::ChecksumMismatch)?;
        let (file, rest): (ModelFile<'a>, _) =
            postcard::take_from_bytes(payload).map_err(decode_error)?;
        if !rest.is_empty() {
            return Err(ModelError::TrailingBytes { count: rest.len() as u32 });
        }
        Self::from_file(file)
    }

    /// Validates a decoded file.
    ///
    /// # Errors
    /// The first check that fails.
    pub fn from_file(file: ModelFile<'a>) -> Result<Self, ModelError> {
        let layout = file.preset.layout();
        if usize::from(file.module) >= layout.modules || file.layers.len() != layout.layers {
            return Err(ModelError::BadArchitecture);
        }
        let mut discrete =
            Discrete { preset: file.preset, module: file.module, layers: heapless::Vec::new() };
        for &b in file.layers {
            let choice = match b {
                SKIP_LAYER => LayerChoice::Skip,
                b if usize::from(b) < layout.bases() => LayerChoice::Base(b),
                _ => return Err(ModelError::BadArchitecture),
            };
            discrete.layers.push(choice).map_err(|_| ModelError::BadArchitecture)?;
        }
        let input = match &file.input {
            InputFile::Numeric(n) => {
                let input = NumericInput::new(n).map_err(ModelError::BadInput)?;
                if InputModule::at(file.preset, usize::from(file.module), false)
                    != InputModule::Numeric(input.module())
                {
                    return Err(ModelError::BadInput(InputError::Module));
                }
                ModelInput::Numeric(input)
            }
            InputFile::Text { module } => {
                let m =
                    *TEXT_MODULES.get(usize::from(*module)).ok_or(ModelError::BadArchitecture)?;
                if InputModule::at(file.preset, usize::from(file.module), true)
                    != InputModule::Text(m)
                {
                    return Err(ModelError::BadInput(InputError::Module));
                }
                ModelInput::Text(m)
            }
        };
        let classes =
            if file.class_names.is_empty() { 0 } else { file.class_names.split('\n').count() };
        if classes == 0 || classes > MAX_CLASSES {
            return Err(ModelError::BadClasses);
        }
        // The weights are exactly the architecture's parameters on this task (the cost model's
        // count), so once the length matches every layer's slice below is there.
        let shape = TaskShape {
            features: match &input {
                ModelInput::Numeric(n) => n.features(),
                ModelInput::Text(_) => 0,
            },
            classes,
            text: matches!(input, ModelInput::Text(_)),
            samples: 0,
        };
        let expected = discrete_cost(&discrete, &shape).params as usize * 4;
        let (all, tail) = file.weights.as_chunks::<4>();
        if file.weights.len() != expected || !tail.is_empty() {
            return Err(ModelError::WeightsLength {
                expected: expected as u32,
                found: file.weights.len() as u32,
            });
        }
        if let Some(i) = all.iter().position(|b| !f32::from_le_bytes(*b).is_finite()) {
            return Err(ModelError::NonFinite { index: i as u32 });
        }
        let mut weights: LeSlice<'a> = all;
        let mut layers = heapless::Vec::new();
        let mut width = shape.module(discrete.preset, usize::from(discrete.module)).width();
        for choice in &discrete.layers {
            let layer = match *choice {
                LayerChoice::Skip => ModelLayer::Skip,
                LayerChoice::Base(b) => {
                    let (activation, out) =
                        layout.base(usize::from(b)).ok_or(ModelError::BadArchitecture)?;
                    let dense = take_dense(&mut weights, width, out, Some(activation))
                        .ok_or(ModelError::Malformed)?;
                    width = out;
                    ModelLayer::Dense(dense)
                }
            };
            let _ = layers.push(layer);
        }
        let classifier =
            take_dense(&mut weights, width, classes, None).ok_or(ModelError::Malformed)?;
        Ok(Self { file, discrete, input, layers, classifier, classes })
    }

    /// Whether the model reads texts (else numeric rows).
    #[must_use]
    pub const fn is_text(&self) -> bool {
        matches!(self.input, ModelInput::Text(_))
    }

    /// The class names, in class-id order.
    pub fn class_names(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.file.class_names.split('\n')
    }
}

const _: () = assert!(crate::dims::NUMERIC_WIDTH <= MAX_WIDTH);
const _: () = assert!(crate::dims::Paper::LAYOUT.max_width() <= MAX_WIDTH);
