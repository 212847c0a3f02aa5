//! A task's samples to its embedding z = [set summary | shape scalars | landmarker slots]: the
//! statistics pass, then every encoded sample streamed into the set encoder. One function per
//! modality, shared by the host CLI, the trainer's fit and the device, so all of them encode and
//! embed a task the same way.

use crate::dims::{
    LANDMARK_SLOTS, LANDMARKS_AT, Preset, SCALARS_AT, SET_EMBED, SET_FEATURES, TASK_SCALARS,
};
use crate::error::EncodeError;
use crate::ranking::network::{Network, TaskEmbedding};
use crate::ranking::sample_encoder::{
    Encoded, NumericStatsBuilder, TextStatsBuilder, label_slot, task_scalars, text_set_values,
};
use crate::ranking::set_encoder::{SetAccumulator, SetSummary};
use crate::task::numeric_samples::NumericSamples;

/// z from its parts; the landmarker slots are left zero (a device does not compute them).
#[must_use]
pub fn assemble_embedding(
    summary: &SetSummary,
    scalars: &[f32; TASK_SCALARS],
    landmarks: &[f32; LANDMARK_SLOTS],
) -> TaskEmbedding {
    let mut z = TaskEmbedding::zeros();
    for (i, &v) in summary.iter().enumerate().take(SET_EMBED) {
        z[i] = v;
    }
    for (i, &v) in scalars.iter().enumerate() {
        z[SCALARS_AT + i] = v;
    }
    for (i, &v) in landmarks.iter().enumerate() {
        z[LANDMARKS_AT + i] = v;
    }
    z
}

/// Accumulates a stream of encoded samples into the task embedding.
#[derive(Clone, Debug, PartialEq)]
pub struct Embedder {
    set: SetAccumulator,
    scalars: [f32; TASK_SCALARS],
}

impl Default for Embedder {
    fn default() -> Self {
        Self { set: SetAccumulator::new(), scalars: [0.0; TASK_SCALARS] }
    }
}

impl Embedder {
    /// Adds one encoded sample `x` with its set values (as [`encode_numeric`] and
    /// [`encode_text`] hand them over).
    pub fn add<P: Preset>(&mut self, net: &Network<'_, P>, x: &Encoded, values: &[f32]) {
        if self.set.count() == 0 {
            self.scalars = task_scalars(x);
        }
        self.set.add(net, values, label_slot(x));
    }

    /// Samples added so far.
    #[must_use]
    pub fn count(&self) -> u32 {
        self.set.count()
    }

    /// The task embedding (zero when no sample was added).
    #[must_use]
    pub fn embedding<P: Preset>(&self, net: &Network<'_, P>) -> TaskEmbedding {
        assemble_embedding(&self.set.summary(net), &self.scalars, &[0.0; LANDMARK_SLOTS])
    }
}

/// Encodes a numeric task: the statistics pass over every sample, then each sample encoded in
/// order and handed to `each` with its set values. `F` bounds the feature count (stack use
/// grows with it).
///
/// # Errors
/// The first sample the encoder rejects (non-finite, label out of range), too many features,
/// or [`EncodeError::NoSamples`] for an empty task.
pub fn encode_numeric<const F: usize>(
    samples: &impl NumericSamples,
    mut each: impl FnMut(&Encoded, &[f32]),
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
    let mut values = [0.0f32; SET_FEATURES];
    for i in 0..samples.count() {
        let label = samples.sample_into(i, row);
        let x = encoder.encode(row, label)?;
        let read = encoder.set_values(row, &mut values);
        each(&x, values.get(..read).unwrap_or(&[]));
    }
    Ok(())
}

/// Encodes a text task given as `(text, class id)` samples, handing each encoded sample to
/// `each` with its set values; the iterator is walked twice.
///
/// # Errors
/// A label out of range, or [`EncodeError::NoSamples`] for an empty task.
pub fn encode_text<'t, I>(
    samples: I,
    mut each: impl FnMut(&Encoded, &[f32]),
) -> Result<(), EncodeError>
where
    I: Iterator<Item = (&'t str, u32)> + Clone,
{
    let mut stats = TextStatsBuilder::new();
    for (_, label) in samples.clone() {
        stats.observe(label)?;
    }
    let encoder = stats.finish()?;
    for (text, label) in samples {
        let x = encoder.encode(text, label)?;
        each(&x, text_set_values(&x));
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
    encode_numeric::<F>(samples, |x, values| embedder.add(net, x, values))?;
    Ok(embedder.embedding(net))
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
    encode_text(samples, |x, values| embedder.add(net, x, values))?;
    Ok(embedder.embedding(net))
}
