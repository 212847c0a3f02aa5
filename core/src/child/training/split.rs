//! Which of a device's samples train the child and which watch early stopping.

use crate::dims::MAX_CLASSES;
use crate::kernels::rng::{Rng, derive_seed};

/// A stratified split keeps every `VALIDATION_EVERY`-th sample of each class (in a seeded order)
/// for validation: a fifth of the samples.
pub const VALIDATION_EVERY: usize = 5;
/// Seed tag of the split.
const SPLIT_TAG: u64 = 0x7370_6C74;

/// How the validation samples are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validation {
    /// A seeded, stratified fifth of the samples (a device's own split).
    Stratified,
    /// The last `count` samples (a host that trains on a task's own split passes its training
    /// rows, then its validation rows).
    Last(usize),
    /// None: every sample trains, and the epoch that fits them best is kept (the later on ties;
    /// a refit on all the samples for the epochs a run that held some out chose,
    /// [`super::TrainConfig::refit`]).
    None,
}

impl Validation {
    /// Orders the sample indices `order` as training indices, then validation ones; returns the
    /// training count.
    pub(super) fn split(self, labels: &[u8], order: &mut [[u8; 2]], seed: u64) -> usize {
        let n = order.len();
        match self {
            Self::Last(count) => n.saturating_sub(count),
            Self::None => n,
            Self::Stratified => {
                Rng::new(derive_seed(&[seed, SPLIT_TAG])).shuffle(order);
                let mut seen = [0_u16; MAX_CLASSES];
                let mut train = 0;
                // One pass in the seeded order: a sample's part is decided when it is reached,
                // training samples are swapped to the front.
                for p in 0..n {
                    let sample = order.get(p).map_or(0, |b| usize::from(u16::from_le_bytes(*b)));
                    let label = usize::from(labels.get(sample).copied().unwrap_or(0));
                    let Some(count) = seen.get_mut(label) else { continue };
                    *count = count.wrapping_add(1);
                    if usize::from(*count) % VALIDATION_EVERY != 0 {
                        if train <= p && p < order.len() {
                            order.swap(train, p);
                        }
                        train += 1;
                    }
                }
                train
            }
        }
    }
}
