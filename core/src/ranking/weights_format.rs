//! The weights file (postcard): one definition of the format, read in place.
//!
//! This module describes the bytes; [`crate::Ranker::load`] turns a decoded description into a
//! validated ranker (the packet/representation split: decode here, check and use there).
//!
//! Layout, in order: magic, format version, preset, every dimension, how it was fitted,
//! provenance, search defaults, the network's parameters (little-endian f32 bytes, tensors in
//! [`crate::ranking::network::TENSOR_NAMES`] order) and the training tasks' table (names, mean embeddings,
//! one table of distinct architectures, each task's top-K as indices into it, and their
//! accuracies). Byte sections are borrowed from the input, so a
//! device reads its weights straight from flash.

use serde::{Deserialize, Serialize};

use crate::dims::{
    EMBED_DIM, ENCODED_DIM, FEATURE_HIDDEN, Preset, PresetId, RHO_HIDDEN1, RHO_HIDDEN2, SET_EMBED,
    SET_FEATURES, SET_HIDDEN, TOP_K,
};
use crate::error::WeightsError;
use crate::kernels::checksum;
use crate::kernels::tensor::{MAX_MAGNITUDE, Quantization};
use crate::ranking::network::RankerForm;

/// The first bytes of every weights file.
pub const MAGIC: [u8; 8] = *b"ARCHRANK";
/// The format version this build reads and writes.
pub const FORMAT_VERSION: u16 = 5;

/// A whole weights file, borrowing its byte sections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeightsFile<'a> {
    /// Always [`MAGIC`].
    pub magic: [u8; 8],
    /// Always [`FORMAT_VERSION`] when written by this build.
    pub format_version: u16,
    /// The search space.
    pub preset: PresetId,
    /// Every dimension, checked against the compiled ones on load.
    pub dims: Dims,
    /// How the numbers are stored: f32, or int8 weight matrices and task table (since format 4).
    pub quantization: Quantization,
    /// How the network was fitted.
    pub fit: FitInfo,
    /// Where it came from.
    #[serde(borrow)]
    pub provenance: Provenance<'a>,
    /// Defaults for the search.
    pub search: SearchConfig,
    /// Network parameters, tensors concatenated in storage order: little-endian f32, or in an
    /// int8 file each weight matrix as its column scales then its int8 values
    /// ([`crate::ranking::network::INT8_TENSORS`], [`crate::Tensor`]).
    pub params: &'a [u8],
    /// The training tasks.
    #[serde(borrow)]
    pub tasks: TaskSection<'a>,
}

/// Every dimension the file depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dims {
    /// Input modules M.
    pub modules: u32,
    /// Mixture layers L.
    pub layers: u32,
    /// Base layers per mixture layer B.
    pub bases: u32,
    /// Architecture vector length U.
    pub arch_dim: u32,
    /// Encoded sample length.
    pub encoded_dim: u32,
    /// Features the set encoder reads at most.
    pub set_features: u32,
    /// Width of the set encoder's feature layer f.
    pub feature_hidden: u32,
    /// Width of the set encoder's g hidden layer.
    pub set_hidden: u32,
    /// Width of the set summary.
    pub set_embed: u32,
    /// Task embedding width.
    pub embed_dim: u32,
    /// rho's first hidden width.
    pub rho_hidden1: u32,
    /// rho's second hidden width.
    pub rho_hidden2: u32,
    /// Architectures stored per training task.
    pub top_k: u32,
}

impl Dims {
    /// The dimensions compiled in for preset `P`.
    #[must_use]
    pub fn compiled<P: Preset>() -> Self {
        let l = P::LAYOUT;
        Self {
            modules: l.modules as u32,
            layers: l.layers as u32,
            bases: l.bases() as u32,
            arch_dim: P::ARCH_DIM as u32,
            encoded_dim: ENCODED_DIM as u32,
            set_features: SET_FEATURES as u32,
            feature_hidden: FEATURE_HIDDEN as u32,
            set_hidden: SET_HIDDEN as u32,
            set_embed: SET_EMBED as u32,
            embed_dim: EMBED_DIM as u32,
            rho_hidden1: RHO_HIDDEN1 as u32,
            rho_hidden2: RHO_HIDDEN2 as u32,
            top_k: TOP_K as u32,
        }
    }

    /// Every dimension with its name, in header order.
    #[must_use]
    pub fn named(&self) -> [(&'static str, u32); 13] {
        [
            ("modules", self.modules),
            ("layers", self.layers),
            ("bases", self.bases),
            ("arch_dim", self.arch_dim),
            ("encoded_dim", self.encoded_dim),
            ("set_features", self.set_features),
            ("feature_hidden", self.feature_hidden),
            ("set_hidden", self.set_hidden),
            ("set_embed", self.set_embed),
            ("embed_dim", self.embed_dim),
            ("rho_hidden1", self.rho_hidden1),
            ("rho_hidden2", self.rho_hidden2),
            ("top_k", self.top_k),
        ]
    }
}

/// The loss a ranker was fitted with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LossKind {
    /// Regression of the validation accuracy, (v - p)^2: the predecessor's baseline.
    L2,
    /// Pairwise `max(0, m - (v_i - v_j))` over pairs with `p_i - p_j > gap`.
    Linear,
    /// Pairwise `max(0, m - (v_i - v_j))^2 / m` over pairs with `p_i - p_j > gap`.
    Quadratic,
}

impl LossKind {
    /// Every loss, in the paper's order.
    pub const ALL: [Self; 3] = [Self::L2, Self::Linear, Self::Quadratic];

    /// Lower-case name, as the command line spells it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::L2 => "l2",
            Self::Linear => "linear",
            Self::Quadratic => "quadratic",
        }
    }

    /// Parses a loss name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// How the network was fitted.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FitInfo {
    /// The loss.
    pub loss: LossKind,
    /// How scores are formed (the paper's network or backbone plus residual).
    pub form: RankerForm,
    /// Ranking margin m.
    pub margin: f32,
    /// Uncertainty gap.
    pub gap: f32,
    /// Optimizer steps taken.
    pub steps: u32,
    /// The fit's seed.
    pub seed: u64,
}

/// Where a weights file came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance<'a> {
    /// Version of the trainer that wrote it.
    pub trainer_version: &'a str,
    /// Content hash of the experiment database it was fitted on.
    pub database_hash: &'a str,
    /// Seconds since the Unix epoch at writing.
    pub created_unix: u64,
    /// Free text (e.g. the tasks held out).
    pub note: &'a str,
}

/// Search defaults: gradient ascent on u with a bounded step.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchConfig {
    /// Ascent steps from every start.
    pub steps: u16,
    /// Step = learning_rate x gradient, shortened to at most `max_step` (L2 norm).
    pub learning_rate: f32,
    /// Largest L2 norm of one step.
    pub max_step: f32,
    /// Logits are kept within +-logit_bound, the range seen in training.
    pub logit_bound: f32,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self { steps: 40, learning_rate: 2.0, max_step: 0.5, logit_bound: 8.0 }
    }
}

impl SearchConfig {
    /// Whether every field is finite and in range.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        let positive = |v: f32| v.is_finite() && v > 0.0 && v <= MAX_MAGNITUDE;
        self.steps <= 10_000
            && positive(self.learning_rate)
            && positive(self.max_step)
            && positive(self.logit_bound)
    }
}

/// The training tasks: names (newline-separated), mean embeddings, the distinct top
/// architectures (logits) once each, every task's top-K as indices into them, and their
/// validation accuracies. Tasks of one plan share architectures, so indices keep the table small
/// as tasks grow (format 1 stored every task's top-K logits in full).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskSection<'a> {
    /// Number of tasks.
    pub count: u32,
    /// Task names joined by '\n'.
    pub names: &'a str,
    /// `count x embed_dim` little-endian f32 (int8 file: `embed_dim` scales, then int8 values).
    pub embeddings: &'a [u8],
    /// `arch_count x arch_dim` little-endian f32 (int8 file: `arch_dim` scales, then int8
    /// values): every architecture some task ranks in its top K.
    pub archs: &'a [u8],
    /// `count x top_k` little-endian u16 indices into `archs`, best first per task.
    pub top_archs: &'a [u8],
    /// `count x top_k` little-endian f32 (int8 file: `top_k` scales, then int8 values, so an
    /// accuracy is kept to about 1/254 of its rank's largest).
    pub top_scores: &'a [u8],
}

#[derive(Deserialize)]
struct Prefix {
    magic: [u8; 8],
    format_version: u16,
}

fn decode_error(e: postcard::Error) -> WeightsError {
    match e {
        postcard::Error::DeserializeUnexpectedEnd => WeightsError::Truncated,
        _ => WeightsError::Malformed,
    }
}

#[cfg(feature = "alloc")]
pub use crate::kernels::dense::le_bytes;

impl<'a> WeightsFile<'a> {
    /// A file for preset `P`: magic, format version, preset and dimensions are this build's;
    /// `params` and the tasks' embeddings and architectures stored as `quantization` says.
    #[must_use]
    pub fn new<P: Preset>(
        quantization: Quantization,
        fit: FitInfo,
        provenance: Provenance<'a>,
        search: SearchConfig,
        params: &'a [u8],
        tasks: TaskSection<'a>,
    ) -> Self {
        Self {
            magic: MAGIC,
            format_version: FORMAT_VERSION,
            preset: P::LAYOUT.preset,
            dims: Dims::compiled::<P>(),
            quantization,
            fit,
            provenance,
            search,
            params,
            tasks,
        }
    }

    /// Decodes a weights file, borrowing `bytes`: magic, format version and encoding are
    /// checked here; dimensions and values when a [`crate::Ranker`] is made of it.
    ///
    /// # Errors
    /// [`WeightsError::Truncated`], [`WeightsError::BadMagic`],
    /// [`WeightsError::UnsupportedVersion`], [`WeightsError::ChecksumMismatch`],
    /// [`WeightsError::Malformed`] or [`WeightsError::TrailingBytes`].
    pub fn decode(bytes: &'a [u8]) -> Result<Self, WeightsError> {
        let (prefix, _): (Prefix, _) = postcard::take_from_bytes(bytes).map_err(decode_error)?;
        if prefix.magic != MAGIC {
            return Err(WeightsError::BadMagic);
        }
        if prefix.format_version != FORMAT_VERSION {
            return Err(WeightsError::UnsupportedVersion {
                expected: FORMAT_VERSION,
                found: prefix.format_version,
            });
        }
        let payload = checksum::verified_payload(bytes).ok_or(WeightsError::ChecksumMismatch)?;
        let (file, rest): (Self, _) = postcard::take_from_bytes(payload).map_err(decode_error)?;
        if !rest.is_empty() {
            return Err(WeightsError::TrailingBytes { count: rest.len() as u32 });
        }
        Ok(file)
    }

    /// Encodes the file with its checksum trailer (the writer; reading never allocates).
    ///
    /// # Errors
    /// Only if postcard fails to serialize, which it does not for this type.
    #[cfg(feature = "alloc")]
    pub fn to_bytes(&self) -> Result<alloc::vec::Vec<u8>, postcard::Error> {
        postcard::to_allocvec(self).map(checksum::sealed)
    }
}
