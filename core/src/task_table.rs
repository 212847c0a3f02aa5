//! The training tasks a ranker knows: names, mean embeddings and top architectures with their
//! accuracies, validated once and read in place.

use crate::dense::{LeSlice, value};
use crate::dims::{EMBED_DIM, Preset, TOP_K};
use crate::error::WeightsError;
use crate::network::TaskEmbedding;
use crate::weights_format::{TaskSection, f32_section};

/// The training tasks stored in a weights file, validated.
#[derive(Clone, Copy, Debug)]
pub struct TaskTable<'a> {
    count: usize,
    arch_count: usize,
    names: &'a str,
    embeddings: LeSlice<'a>,
    archs: LeSlice<'a>,
    top_archs: &'a [[u8; 2]],
    top_scores: LeSlice<'a>,
}

impl<'a> TaskTable<'a> {
    /// Validates a weights file's task section for preset `P`.
    ///
    /// # Errors
    /// [`WeightsError::NoTasks`], or a section whose length, values or indices do not fit.
    pub fn from_section<P: Preset>(t: &TaskSection<'a>) -> Result<Self, WeightsError> {
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
        let arch_bytes = P::ARCH_DIM * 4;
        let arch_count = t.archs.len() / arch_bytes;
        if arch_count == 0
            || arch_count > usize::from(u16::MAX) + 1
            || !t.archs.len().is_multiple_of(arch_bytes)
        {
            let whole = arch_count.clamp(1, usize::from(u16::MAX) + 1) * arch_bytes;
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
            names: t.names,
            embeddings: f32_section("task embeddings", t.embeddings, n * EMBED_DIM)?,
            archs: f32_section("architectures", t.archs, arch_count * P::ARCH_DIM)?,
            top_archs,
            top_scores: f32_section("top accuracies", t.top_scores, n * TOP_K)?,
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
        TaskEmbedding::from_fn(|r, _| value(self.embeddings, i * EMBED_DIM + r))
    }

    /// Squared Euclidean distance from `z` to task `i`'s mean embedding.
    #[must_use]
    pub fn distance_sq(&self, i: usize, z: &TaskEmbedding) -> f32 {
        let start = i * EMBED_DIM;
        let stored = self.embeddings.get(start..start + EMBED_DIM).unwrap_or(&[]);
        stored
            .iter()
            .zip(z.iter())
            .map(|(b, v)| (f32::from_le_bytes(*b) - v) * (f32::from_le_bytes(*b) - v))
            .sum()
    }

    /// Number of distinct architectures the tasks' top lists point into.
    #[must_use]
    pub fn arch_count(&self) -> usize {
        self.arch_count
    }

    /// Writes task `i`'s `rank`-th best architecture (logits) into `u` (length U).
    pub fn top_arch_into(&self, i: usize, rank: usize, arch_dim: usize, u: &mut [f32]) {
        let index = self.top_archs.get(i * TOP_K + rank).map_or(0, |b| u16::from_le_bytes(*b));
        self.arch_into(usize::from(index), arch_dim, u);
    }

    /// Writes the `index`-th distinct architecture (logits) into `u`; zeros when `index` is not
    /// below [`Self::arch_count`].
    pub fn arch_into(&self, index: usize, arch_dim: usize, u: &mut [f32]) {
        let stored = index
            .checked_mul(arch_dim)
            .and_then(|start| self.archs.get(start..start.checked_add(arch_dim)?))
            .unwrap_or(&[]);
        u.iter_mut().for_each(|v| *v = 0.0);
        for (dst, b) in u.iter_mut().zip(stored) {
            *dst = f32::from_le_bytes(*b);
        }
    }

    /// Validation accuracy of task `i`'s `rank`-th best architecture.
    #[must_use]
    pub fn top_score(&self, i: usize, rank: usize) -> f32 {
        value(self.top_scores, i * TOP_K + rank)
    }
}
