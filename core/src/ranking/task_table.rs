//! The training tasks a ranker knows: names, mean embeddings and top architectures with their
//! accuracies, validated once and read in place.

use crate::dims::{EMBED_DIM, Preset, TOP_K};
use crate::error::WeightsError;
use crate::kernels::tensor::{Quantization, Tensor};
use crate::ranking::network::TaskEmbedding;
use crate::ranking::weights_format::TaskSection;

/// The training tasks stored in a weights file, validated.
#[derive(Clone, Copy, Debug)]
pub struct TaskTable<'a> {
    count: usize,
    arch_count: usize,
    arch_dim: usize,
    names: &'a str,
    embeddings: Tensor<'a>,
    archs: Tensor<'a>,
    top_archs: &'a [[u8; 2]],
    top_scores: Tensor<'a>,
}

impl<'a> TaskTable<'a> {
    /// Validates a weights file's task section for preset `P`, its embeddings, architectures and
    /// accuracies stored as `quantization`.
    ///
    /// # Errors
    /// [`WeightsError::NoTasks`], or a section whose length, values or indices do not fit.
    pub fn from_section<P: Preset>(
        t: &TaskSection<'a>,
        quantization: Quantization,
    ) -> Result<Self, WeightsError> {
        let n = t.count as usize;
        if n == 0 {
            return Err(WeightsError::NoTasks);
        }
        let names = t.names.split('\n').count();
        if names != n {
            return Err(WeightsError::LengthMismatch {
                what: "task names",
                expected: n as u32,
                found: names as u32,
            });
        }
        // The architecture count is implied by the section: whole architectures, at least one
        // and no more than a u16 index reaches.
        let max_archs = usize::from(u16::MAX) + 1;
        let scale_bytes = quantization.tensor_bytes(0, P::ARCH_DIM);
        let arch_bytes = quantization.tensor_bytes(1, P::ARCH_DIM) - scale_bytes;
        let stored = t.archs.len().saturating_sub(scale_bytes);
        let arch_count = stored / arch_bytes;
        if arch_count == 0 || arch_count > max_archs || !stored.is_multiple_of(arch_bytes) {
            let whole = scale_bytes + arch_count.clamp(1, max_archs) * arch_bytes;
            return Err(WeightsError::LengthMismatch {
                what: "architectures",
                expected: whole as u32,
                found: t.archs.len() as u32,
            });
        }
        let (top_archs, rest) = t.top_archs.as_chunks::<2>();
        if top_archs.len() != n * TOP_K || !rest.is_empty() {
            return Err(WeightsError::LengthMismatch {
                what: "top architecture indices",
                expected: (n * TOP_K * 2) as u32,
                found: t.top_archs.len() as u32,
            });
        }
        if let Some(i) =
            top_archs.iter().position(|b| usize::from(u16::from_le_bytes(*b)) >= arch_count)
        {
            return Err(WeightsError::BadIndex {
                what: "top architecture indices",
                index: i as u32,
            });
        }
        Ok(Self {
            count: n,
            arch_count,
            arch_dim: P::ARCH_DIM,
            names: t.names,
            embeddings: whole_tensor("task embeddings", t.embeddings, n, EMBED_DIM, quantization)?,
            archs: whole_tensor("architectures", t.archs, arch_count, P::ARCH_DIM, quantization)?,
            top_archs,
            top_scores: whole_tensor("top accuracies", t.top_scores, n, TOP_K, quantization)?,
        })
    }

    /// Number of training tasks (at least one).
    #[must_use]
    pub fn len(&self) -> usize {
        self.count
    }

    /// Always false: a loaded table holds at least one task.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Name of task `i` ("" when out of range).
    #[must_use]
    pub fn name(&self, i: usize) -> &'a str {
        self.names.split('\n').nth(i).unwrap_or("")
    }

    /// Mean task embedding of task `i`.
    #[must_use]
    pub fn embedding(&self, i: usize) -> TaskEmbedding {
        TaskEmbedding::from_fn(|r, _| self.embeddings.get_in_column(i * EMBED_DIM + r, r))
    }

    /// Squared Euclidean distance from `z` to task `i`'s mean embedding.
    #[must_use]
    pub fn distance_sq(&self, i: usize, z: &TaskEmbedding) -> f32 {
        let start = i * EMBED_DIM;
        z.iter()
            .enumerate()
            .map(|(r, v)| {
                let d = self.embeddings.get_in_column(start + r, r) - v;
                d * d
            })
            .sum()
    }

    /// Number of distinct architectures the tasks' top lists point into.
    #[must_use]
    pub fn arch_count(&self) -> usize {
        self.arch_count
    }

    /// Writes task `i`'s `rank`-th best architecture (logits) into `u` (length U).
    pub fn top_arch_into(&self, i: usize, rank: usize, arch_dim: usize, u: &mut [f32]) {
        self.arch_into(self.top_arch_index(i, rank), arch_dim, u);
    }

    /// Index among the distinct architectures of task `i`'s `rank`-th best (0 when out of
    /// range).
    #[must_use]
    pub fn top_arch_index(&self, i: usize, rank: usize) -> usize {
        usize::from(self.top_archs.get(i * TOP_K + rank).map_or(0, |b| u16::from_le_bytes(*b)))
    }

    /// Writes the `index`-th distinct architecture (logits) into `u`; zeros when `index` is not
    /// below [`Self::arch_count`] or `arch_dim` is not the table's preset's.
    pub fn arch_into(&self, index: usize, arch_dim: usize, u: &mut [f32]) {
        u.iter_mut().for_each(|v| *v = 0.0);
        if index >= self.arch_count || arch_dim != self.arch_dim {
            return;
        }
        for (k, dst) in u.iter_mut().take(arch_dim).enumerate() {
            *dst = self.archs.get_in_column(index * arch_dim + k, k);
        }
    }

    /// Validation accuracy of task `i`'s `rank`-th best architecture.
    #[must_use]
    pub fn top_score(&self, i: usize, rank: usize) -> f32 {
        self.top_scores.get_in_column(i * TOP_K + rank, rank)
    }
}

/// A task-table tensor of exactly `rows x width` values stored as `quantization`.
fn whole_tensor<'a>(
    what: &'static str,
    bytes: &'a [u8],
    rows: usize,
    width: usize,
    quantization: Quantization,
) -> Result<Tensor<'a>, WeightsError> {
    let expected = quantization.tensor_bytes(rows, width);
    if bytes.len() != expected {
        return Err(WeightsError::LengthMismatch {
            what,
            expected: expected as u32,
            found: bytes.len() as u32,
        });
    }
    let mut rest = bytes;
    Tensor::take(what, &mut rest, rows, width, quantization)
}
