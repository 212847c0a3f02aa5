//! A task's samples to its embedding z: the statistics pass, then phi of every encoded sample,
//! averaged. One function per modality, shared by the host CLI and the device, so both embed a
//! task the same way.

use crate::dims::Preset;
use crate::error::EncodeError;
use crate::network::{Embedder, Network, TaskEmbedding};
use crate::sample_encoder::{NumericStatsBuilder, TextStatsBuilder};

/// Numeric samples that can be read one at a time, in a fixed order, any number of times.
pub trait NumericSamples {
    /// Number of samples.
    fn count(&self) -> usize;
    /// Number of features per sample.
    fn features(&self) -> usize;
    /// Writes sample `i`'s features into `row` (length `features()`) and returns its class id.
    fn sample_into(&self, i: usize, row: &mut [f32]) -> u32;
}

/// Embeds a numeric task; `F` bounds the feature count (stack use grows with it).
///
/// # Errors
/// The first sample the encoder rejects (non-finite, label out of range), too many features,
/// or [`EncodeError::NoSamples`] for an empty task.
pub fn embed_numeric<P: Preset, const F: usize>(
    net: &Network<'_, P>,
    samples: &impl NumericSamples,
) -> Result<TaskEmbedding, EncodeError> {
    let features = samples.features();
    let mut stats = NumericStatsBuilder::<F>::new(features)?;
    let mut buffer = [0.0f32; F];
    let row = buffer.get_mut(..features).unwrap_or(&mut []);
    for i in 0..samples.count() {
        let label = samples.sample_into(i, row);
        stats.observe(row, label)?;
    }
    let encoder = stats.finish()?;
    let mut embedder = Embedder::default();
    for i in 0..samples.count() {
        let label = samples.sample_into(i, row);
        embedder.add(net, &encoder.encode(row, label)?);
    }
    Ok(embedder.embedding())
}

/// Embeds a text task given as `(text, class id)` samples; the iterator is walked twice.
///
/// # Errors
/// A label out of range, or [`EncodeError::NoSamples`] for an empty task.
pub fn embed_text<'t, P, I>(net: &Network<'_, P>, samples: I) -> Result<TaskEmbedding, EncodeError>
where
    P: Preset,
    I: Iterator<Item = (&'t str, u32)> + Clone,
{
    let mut stats = TextStatsBuilder::new();
    for (_, label) in samples.clone() {
        stats.observe(label)?;
    }
    let encoder = stats.finish()?;
    let mut embedder = Embedder::default();
    for (text, label) in samples {
        embedder.add(net, &encoder.encode(text, label)?);
    }
    Ok(embedder.embedding())
}
