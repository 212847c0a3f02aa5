//! A task's samples to its embedding z: the statistics pass, then phi of every encoded sample,
//! averaged. One function per modality, shared by the host CLI, the trainer's fit and the device,
//! so all of them encode and embed a task the same way.

use crate::dims::Preset;
use crate::error::EncodeError;
use crate::network::{Embedder, Network, TaskEmbedding};
use crate::sample_encoder::{Encoded, NumericStatsBuilder, TextStatsBuilder};

/// Numeric samples that can be read one at a time, in a fixed order, any number of times.
pub trait NumericSamples {
    /// Number of samples.
    fn count(&self) -> usize;
    /// Number of features per sample.
    fn features(&self) -> usize;
    /// Writes sample `i`'s features into `row` (length `features()`) and returns its class id.
    fn sample_into(&self, i: usize, row: &mut [f32]) -> u32;
}

/// Encodes a numeric task: the statistics pass over every sample, then each sample encoded in
/// order and handed to `each`. `F` bounds the feature count (stack use grows with it).
///
/// # Errors
/// The first sample the encoder rejects (non-finite, label out of range), too many features,
/// or [`EncodeError::NoSamples`] for an empty task.
pub fn encode_numeric<const F: usize>(
    samples: &impl NumericSamples,
    mut each: impl FnMut(Encoded),
) -> Result<(), EncodeError> {
    let features = samples.features();
    let mut stats = NumericStatsBuilder::<F>::new(features)?;
    let mut buffer = [0.0f32; F];
    let row = buffer.get_mut(..features).unwrap_or(&mut []);
    for i in 0..samples.count() {
        let label = samples.sample_into(i, row);
        stats.observe(row, label)?;
    }
    let encoder = stats.finish()?;
    for i in 0..samples.count() {
        let label = samples.sample_into(i, row);
        each(encoder.encode(row, label)?);
    }
    Ok(())
}

/// Encodes a text task given as `(text, class id)` samples, handing each encoded sample to
/// `each`; the iterator is walked twice.
///
/// # Errors
/// A label out of range, or [`EncodeError::NoSamples`] for an empty task.
pub fn encode_text<'t, I>(samples: I, mut each: impl FnMut(Encoded)) -> Result<(), EncodeError>
where
    I: Iterator<Item = (&'t str, u32)> + Clone,
{
    let mut stats = TextStatsBuilder::new();
    for (_, label) in samples.clone() {
        stats.observe(label)?;
    }
    let encoder = stats.finish()?;
    for (text, label) in samples {
        each(encoder.encode(text, label)?);
    }
    Ok(())
}

/// Embeds a numeric task; `F` bounds the feature count (stack use grows with it).
///
/// # Errors
/// As [`encode_numeric`].
pub fn embed_numeric<P: Preset, const F: usize>(
    net: &Network<'_, P>,
    samples: &impl NumericSamples,
) -> Result<TaskEmbedding, EncodeError> {
    let mut embedder = Embedder::default();
    encode_numeric::<F>(samples, |x| embedder.add(net, &x))?;
    Ok(embedder.embedding())
}

/// Embeds a text task given as `(text, class id)` samples; the iterator is walked twice.
///
/// # Errors
/// As [`encode_text`].
pub fn embed_text<'t, P, I>(net: &Network<'_, P>, samples: I) -> Result<TaskEmbedding, EncodeError>
where
    P: Preset,
    I: Iterator<Item = (&'t str, u32)> + Clone,
{
    let mut embedder = Embedder::default();
    encode_text(samples, |x| embedder.add(net, &x))?;
    Ok(embedder.embedding())
}
