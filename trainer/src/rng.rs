//! The trainer's random numbers: the core's generator ([`archrank_core::rng`]), shared with a
//! device's training, and a stable id of a name for seeding per task.

pub use archrank_core::rng::{Rng, derive_seed, splitmix64};
pub use archrank_core::text_input::{FNV_OFFSET, fnv1a};

/// A stable 64-bit id of a name, for seeding per task.
#[must_use]
pub fn name_hash(name: &str) -> u64 {
    fnv1a(FNV_OFFSET, name.as_bytes())
}
