//! Seeded random weights files, for tests, benchmarks and the firmware's fixture before a
//! fitted ranker exists. Needs the `alloc` feature (it builds the file in memory).

use alloc::string::String;
use alloc::vec::Vec;

use crate::dims::{EMBED_DIM, Preset, TOP_K};
use crate::kernels::tensor::Quantization;
use crate::ranking::network::{RankerForm, param_count};
pub use crate::ranking::weights_format::le_bytes;
use crate::ranking::weights_format::{
    FitInfo, LossKind, Provenance, SearchConfig, TaskSection, WeightsFile,
};

/// Owned byte sections of a weights file, to borrow a [`WeightsFile`] from.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedSections {
    /// Network parameters.
    pub params: Vec<u8>,
    /// Task names joined by '\n'.
    pub names: String,
    /// Task mean embeddings.
    pub embeddings: Vec<u8>,
    /// The distinct top architectures.
    pub archs: Vec<u8>,
    /// Each task's top architectures as u16 indices into `archs`.
    pub top_archs: Vec<u8>,
    /// Their accuracies.
    pub top_scores: Vec<u8>,
    /// Number of tasks.
    pub count: u32,
}

/// Deterministic values in [-scale, scale) from `seed` (a 64-bit LCG; good enough for fixtures).
#[must_use]
pub fn pseudo_random(seed: u64, n: usize, scale: f32) -> Vec<f32> {
    let mut s =
        seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
        })
        .collect()
}

impl OwnedSections {
    /// Random sections for preset `P` with `tasks` training tasks named `task0`, `task1`, ...
    #[must_use]
    pub fn random<P: Preset>(seed: u64, tasks: u32) -> Self {
        let n = tasks as usize;
        let names: Vec<String> = (0..n).map(|i| alloc::format!("task{i}")).collect();
        // Fewer distinct architectures than top slots, so tasks share some, as fitted ones do.
        let arch_count = (n * TOP_K).div_ceil(2);
        let top_archs = pseudo_random(seed ^ 4, n * TOP_K, 1.0)
            .iter()
            .flat_map(|r| {
                let i = ((r + 1.0) * 0.5 * arch_count as f32) as usize;
                (i.min(arch_count - 1) as u16).to_le_bytes()
            })
            .collect();
        Self {
            params: le_bytes(&pseudo_random(seed, param_count(P::ARCH_DIM), 0.3)),
            names: names.join("\n"),
            embeddings: le_bytes(&pseudo_random(seed ^ 1, n * EMBED_DIM, 0.8)),
            archs: le_bytes(&pseudo_random(seed ^ 2, arch_count * P::ARCH_DIM, 3.0)),
            top_archs,
            top_scores: le_bytes(&pseudo_random(seed ^ 3, n * TOP_K, 0.5)),
            count: tasks,
        }
    }

    /// A weights file for preset `P` borrowing these sections.
    #[must_use]
    pub fn file<P: Preset>(&self) -> WeightsFile<'_> {
        WeightsFile::new::<P>(
            Quantization::F32,
            FitInfo {
                loss: LossKind::Linear,
                form: RankerForm::default(),
                margin: 0.3,
                gap: 0.01,
                steps: 0,
                seed: 0,
            },
            Provenance {
                trainer_version: "fixture",
                database_hash: "",
                created_unix: 0,
                note: "random weights",
            },
            SearchConfig::default(),
            &self.params,
            TaskSection {
                count: self.count,
                names: &self.names,
                embeddings: &self.embeddings,
                archs: &self.archs,
                top_archs: &self.top_archs,
                top_scores: &self.top_scores,
            },
        )
    }
}

/// Encoded random weights for preset `P`.
#[must_use]
pub fn random_weights<P: Preset>(seed: u64, tasks: u32) -> Vec<u8> {
    OwnedSections::random::<P>(seed, tasks).file::<P>().to_bytes().unwrap_or_default()
}
