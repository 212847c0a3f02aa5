//! A loaded ranker: the network, the training tasks it knows and the header it came with.

use crate::dense::{LeSlice, value};
use crate::dims::{EMBED_DIM, Preset, TOP_K};
use crate::network::{Network, TaskEmbedding};
use crate::weights_format::{SearchConfig, WeightsFile};

/// The training tasks stored in a weights file, validated.
#[derive(Clone, Copy, Debug)]
pub struct TaskTable<'a> {
    pub(crate) count: usize,
    pub(crate) names: &'a str,
    pub(crate) embeddings: LeSlice<'a>,
    pub(crate) top_archs: LeSlice<'a>,
    pub(crate) top_scores: LeSlice<'a>,
}

impl<'a> TaskTable<'a> {
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

    /// Writes task `i`'s `rank`-th best architecture (logits) into `u` (length U).
    pub fn top_arch_into(&self, i: usize, rank: usize, arch_dim: usize, u: &mut [f32]) {
        let start = (i * TOP_K + rank) * arch_dim;
        let stored = self.top_archs.get(start..start + arch_dim).unwrap_or(&[]);
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

/// A validated ranker for preset `P`: scoring and search on it cannot fail.
#[derive(Clone, Debug)]
pub struct Ranker<'a, P: Preset> {
    header: WeightsFile<'a>,
    network: Network<'a, P>,
    tasks: TaskTable<'a>,
}

impl<'a, P: Preset> Ranker<'a, P> {
    pub(crate) fn new(
        header: WeightsFile<'a>,
        network: Network<'a, P>,
        tasks: TaskTable<'a>,
    ) -> Self {
        Self { header, network, tasks }
    }

    /// The decoded file: header, fit information, provenance and search defaults.
    #[must_use]
    pub fn header(&self) -> &WeightsFile<'a> {
        &self.header
    }

    /// The ranking network.
    #[must_use]
    pub fn network(&self) -> &Network<'a, P> {
        &self.network
    }

    /// The training tasks.
    #[must_use]
    pub fn tasks(&self) -> &TaskTable<'a> {
        &self.tasks
    }

    /// The search defaults stored in the file.
    #[must_use]
    pub fn search_config(&self) -> SearchConfig {
        self.header.search
    }
}
