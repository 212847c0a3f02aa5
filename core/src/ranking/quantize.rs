//! Writing an int8 weights file from an f32 one (the `alloc` feature): every weight matrix and
//! the task table's embeddings, architectures and accuracies to int8 with one scale per column
//! (per output, per embedding dimension, per architecture logit, per rank); biases, output
//! vectors, names and the header as they were.

use alloc::vec::Vec;

use crate::dims::{EMBED_DIM, Paper, Preset, PresetId, TOP_K, Tiny};
use crate::error::WeightsError;
use crate::kernels::tensor::{Quantization, quantize_int8};
use crate::ranking::network::{tensor_shapes, tensor_storage};
use crate::ranking::ranker::Ranker;
use crate::ranking::weights_format::{SearchConfig, TaskSection, WeightsFile};

/// How many values share one int8 scale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Scales {
    /// One scale per column: per output of a layer, per dimension of the task table.
    #[default]
    Column,
    /// One scale per tensor (every column's scale the same).
    Tensor,
}

impl Scales {
    /// Lower-case name, as the command line spells it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Column => "column",
            Self::Tensor => "tensor",
        }
    }
}

/// The int8 file of the f32 weights file `bytes`, with `search` as its search defaults when
/// given (a small device may store a cheaper search).
///
/// # Errors
/// `bytes`' own [`WeightsError`], or [`WeightsError::AlreadyQuantized`].
pub fn quantize_weights(
    bytes: &[u8],
    scales: Scales,
    search: Option<SearchConfig>,
) -> Result<Vec<u8>, WeightsError> {
    let file = WeightsFile::decode(bytes)?;
    if file.quantization != Quantization::F32 {
        return Err(WeightsError::AlreadyQuantized);
    }
    match file.preset {
        PresetId::Tiny => quantize_for::<Tiny>(file, scales, search),
        PresetId::Paper => quantize_for::<Paper>(file, scales, search),
    }
}

fn quantize_for<P: Preset>(
    file: WeightsFile<'_>,
    scales: Scales,
    search: Option<SearchConfig>,
) -> Result<Vec<u8>, WeightsError> {
    // Validated first, so every section below has its exact length.
    Ranker::<P>::from_file(file.clone())?;
    let mut params = Vec::with_capacity(file.params.len());
    let mut rest = file.params;
    for (i, &(rows, width)) in tensor_shapes(P::ARCH_DIM).iter().enumerate() {
        let (head, tail) = rest.split_at((rows * width * 4).min(rest.len()));
        rest = tail;
        if tensor_storage(i, Quantization::Int8) == Quantization::Int8 {
            params.extend(int8_bytes(head, width, scales));
        } else {
            params.extend_from_slice(head);
        }
    }
    let embeddings = int8_bytes(file.tasks.embeddings, EMBED_DIM, scales);
    let archs = int8_bytes(file.tasks.archs, P::ARCH_DIM, scales);
    let top_scores = int8_bytes(file.tasks.top_scores, TOP_K, scales);
    let out = WeightsFile {
        quantization: Quantization::Int8,
        search: search.unwrap_or(file.search),
        params: &params,
        tasks: TaskSection {
            embeddings: &embeddings,
            archs: &archs,
            top_scores: &top_scores,
            ..file.tasks
        },
        ..file
    };
    loadable_bytes::<P>(&out)
}

/// `file` encoded, checked to load as a `P` ranker: a rewritten weights file is refused here
/// rather than on a device.
pub(crate) fn loadable_bytes<P: Preset>(file: &WeightsFile<'_>) -> Result<Vec<u8>, WeightsError> {
    let bytes = file.to_bytes().map_err(|_| WeightsError::Malformed)?;
    Ranker::<P>::load(&bytes)?;
    Ok(bytes)
}

/// Little-endian f32 `bytes`, `width` per row, as int8 bytes.
fn int8_bytes(bytes: &[u8], width: usize, scales: Scales) -> Vec<u8> {
    let values: Vec<f32> =
        bytes.as_chunks::<4>().0.iter().map(|b| f32::from_le_bytes(*b)).collect();
    match scales {
        Scales::Column => quantize_int8(&values, width),
        Scales::Tensor => {
            // One scale: quantize as one column, then repeat its scale per column.
            let one = quantize_int8(&values, 1);
            let (scale, q) = one.split_at(4);
            let mut out = scale.repeat(width);
            out.extend_from_slice(q);
            out
        }
    }
}
