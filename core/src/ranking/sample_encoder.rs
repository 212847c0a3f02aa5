//! The sample encoder: turns one (features, label) sample of any task into a fixed-size vector x
//! (its label slot, the task's shape scalars, and a hashed sketch the landmarkers and text tasks
//! read) and the standardized feature values the set encoder reads, streaming and without a
//! heap.
//!
//! Two passes: a statistics pass (`*StatsBuilder::observe` over the task's samples, then
//! `finish`) and an encoding pass (`encode`). x is laid out as
//! `[sketch: SKETCH_DIM] [row statistics: ROW_STATS_DIM] [label one-hot: LABEL_SLOTS] [task shape: SHAPE_DIM]`.
//! Its length does not depend on the feature count: numeric features are sketched by a seeded
//! signed hash of (feature index, slot), text by a signed hashed bag of words.

use nalgebra::SVector;

use crate::dims::{
    ENCODED_DIM, LABEL_AT, LABEL_SLOTS, MAX_CLASSES, PRIOR_SLOT, ROW_STATS_AT, SET_FEATURES,
    SHAPE_AT, SHAPE_DIM, SKETCH_DIM, SKETCH_HASHES, TASK_SCALARS, TEXT_SET_VALUES,
};
use crate::error::EncodeError;
use crate::space::architecture::argmax;

/// One encoded sample.
pub type Encoded = SVector<f32, ENCODED_DIM>;

/// The sample's class as the encoder sees it: its label slot (classes by frequency; the rarest
/// share the last slot).
#[must_use]
pub fn label_slot(x: &Encoded) -> usize {
    argmax(x.as_slice().get(LABEL_AT..LABEL_AT + LABEL_SLOTS).unwrap_or(&[]))
}

/// The task-level shape scalars of an encoded sample: its shape block without the per-sample
/// class prior, the same for every sample of a task.
#[must_use]
pub fn task_scalars(x: &Encoded) -> [f32; TASK_SCALARS] {
    let mut out = [0.0; TASK_SCALARS];
    let shape = (SHAPE_AT..SHAPE_AT + SHAPE_DIM).filter(|&i| i != SHAPE_AT + PRIOR_SLOT);
    for (o, i) in out.iter_mut().zip(shape) {
        *o = x.get(i).copied().unwrap_or(0.0);
    }
    out
}

/// The values of an encoded text the set encoder reads as features: its hashed word bag and
/// token statistics.
#[must_use]
pub fn text_set_values(x: &Encoded) -> &[f32] {
    x.as_slice().get(..TEXT_SET_VALUES).unwrap_or(&[])
}

/// Index of the `k`-th feature the set encoder reads out of `features`: all of them up to
/// [`SET_FEATURES`], evenly spaced beyond.
const fn set_feature(k: usize, features: usize) -> usize {
    if features <= SET_FEATURES { k } else { k * features / SET_FEATURES }
}

/// Standardized values are clipped to +-CLIP so one outlier cannot dominate the sketch.
const CLIP: f32 = 5.0;
const HASH_SEED: u32 = 0x5EED_A11C;

/// Per-class sample counts, for the label's frequency rank and prior.
#[derive(Clone, Debug)]
struct ClassCounts {
    counts: [u32; MAX_CLASSES],
    total: u32,
}

impl ClassCounts {
    const fn new() -> Self {
        Self { counts: [0; MAX_CLASSES], total: 0 }
    }

    fn observe(&mut self, label: u32) -> Result<(), EncodeError> {
        let count = self
            .counts
            .get_mut(label as usize)
            .ok_or(EncodeError::LabelOutOfRange { max: MAX_CLASSES as u32, found: label })?;
        *count = count.saturating_add(1);
        self.total = self.total.saturating_add(1);
        Ok(())
    }

    /// Orders classes by frequency (most frequent first, lower id on ties).
    fn finish(&self) -> Result<ClassTable, EncodeError> {
        if self.total == 0 {
            return Err(EncodeError::NoSamples);
        }
        let mut order = [0u8; MAX_CLASSES];
        for (i, o) in order.iter_mut().enumerate() {
            *o = i as u8;
        }
        // Insertion sort: MAX_CLASSES is small and this runs once per task.
        for i in 1..MAX_CLASSES {
            let mut j = i;
            while j > 0 {
                let count = |at: usize| {
                    let class = order.get(at).map_or(0, |&c| usize::from(c));
                    self.counts.get(class).copied().unwrap_or(0)
                };
                if count(j) > count(j - 1) {
                    order.swap(j - 1, j);
                    j -= 1;
                } else {
                    break;
                }
            }
        }
        let mut slot = [0u8; MAX_CLASSES];
        for (rank, &class) in order.iter().enumerate() {
            if let Some(s) = slot.get_mut(usize::from(class)) {
                *s = rank.min(LABEL_SLOTS - 1) as u8;
            }
        }
        let total = self.total as f32;
        let mut prior = [0.0f32; MAX_CLASSES];
        for (p, &c) in prior.iter_mut().zip(&self.counts) {
            *p = c as f32 / total;
        }
        let classes = self.counts.iter().filter(|&&c| c > 0).count();
        let majority = self.counts.iter().copied().max().unwrap_or(0) as f32 / total;
        Ok(ClassTable { slot, prior, classes, majority, samples: self.total })
    }
}

/// Frequency ranks and priors of a task's classes.
#[derive(Clone, Debug)]
struct ClassTable {
    slot: [u8; MAX_CLASSES],
    prior: [f32; MAX_CLASSES],
    classes: usize,
    majority: f32,
    samples: u32,
}

impl ClassTable {
    fn write_label(&self, label: u32, x: &mut Encoded) -> Result<(), EncodeError> {
        let index = label as usize;
        let (Some(&slot), Some(&prior)) = (self.slot.get(index), self.prior.get(index)) else {
            return Err(EncodeError::LabelOutOfRange { max: MAX_CLASSES as u32, found: label });
        };
        if let Some(v) = x.get_mut(LABEL_AT + usize::from(slot)) {
            *v = 1.0;
        }
        if let Some(v) = x.get_mut(SHAPE_AT + PRIOR_SLOT) {
            *v = prior;
        }
        Ok(())
    }

    /// Task-shape scalars shared by every sample of the task.
    fn shape(&self, is_text: bool, features: usize, binary: f32, integer: f32) -> [f32; SHAPE_DIM] {
        [
            if is_text { 1.0 } else { 0.0 },
            libm::logf(1.0 + features as f32) / libm::logf(1025.0),
            libm::logf(self.classes.max(1) as f32) / libm::logf(MAX_CLASSES as f32),
            libm::logf(1.0 + self.samples as f32) / libm::logf(1.0e6),
            0.0, // the sample's class prior, filled per sample
            binary,
            integer,
            self.majority,
        ]
    }
}

/// 32-bit finalizer of MurmurHash3: a cheap, well-mixed, portable hash.
const fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 13;
    h = h.wrapping_mul(0xC2B2_AE35);
    h ^ (h >> 16)
}

/// Sketch slot and sign of `key`.
fn slot_and_sign(key: u32) -> (usize, f32) {
    let h = fmix32(key ^ HASH_SEED);
    let slot = (h as usize) % SKETCH_DIM;
    let sign = if h & 0x8000_0000 == 0 { 1.0 } else { -1.0 };
    (slot, sign)
}

/// Running per-feature moments and type cues (Welford).
#[derive(Clone, Copy, Debug)]
struct Moments {
    mean: f32,
    m2: f32,
    binary: bool,
    integer: bool,
}

impl Moments {
    const NEW: Self = Self { mean: 0.0, m2: 0.0, binary: true, integer: true };
}

/// Statistics pass over a numeric task with at most `F` features.
#[derive(Clone, Debug)]
pub struct NumericStatsBuilder<const F: usize> {
    features: usize,
    moments: [Moments; F],
    classes: ClassCounts,
}

impl<const F: usize> NumericStatsBuilder<F> {
    /// Starts a statistics pass over rows of `features` values.
    ///
    /// # Errors
    /// [`EncodeError::TooManyFeatures`] when `features` exceeds `F`;
    /// [`EncodeError::NoFeatures`] when it is zero.
    pub fn new(features: usize) -> Result<Self, EncodeError> {
        if features > F {
            return Err(EncodeError::TooManyFeatures { max: F as u32, found: features as u32 });
        }
        if features == 0 {
            return Err(EncodeError::NoFeatures);
        }
        Ok(Self { features, moments: [Moments::NEW; F], classes: ClassCounts::new() })
    }

    /// Adds one sample to the statistics.
    ///
    /// # Errors
    /// A row of another length, a non-finite value or a label out of range.
    pub fn observe(&mut self, row: &[f32], label: u32) -> Result<(), EncodeError> {
        check_row(row, self.features)?;
        self.classes.observe(label)?;
        let n = self.classes.total as f32;
        for (m, &v) in self.moments.iter_mut().zip(row) {
            let delta = v - m.mean;
            m.mean += delta / n;
            m.m2 += delta * (v - m.mean);
            m.binary &= v == 0.0 || v == 1.0;
            m.integer &= libm::floorf(v) == v;
        }
        Ok(())
    }

    /// Ends the statistics pass.
    ///
    /// # Errors
    /// [`EncodeError::NoSamples`] when no sample was observed.
    pub fn finish(&self) -> Result<NumericEncoder<F>, EncodeError> {
        let classes = self.classes.finish()?;
        let n = classes.samples as f32;
        let mut mean = [0.0; F];
        let mut inv_std = [0.0; F];
        let (mut binary, mut integer) = (0usize, 0usize);
        for ((m, mu), inv) in
            self.moments.iter().take(self.features).zip(&mut mean).zip(&mut inv_std)
        {
            *mu = m.mean;
            let std = libm::sqrtf(m.m2 / n);
            // A constant feature carries no information: encode it as zero.
            *inv = if std > 1e-12 { 1.0 / std } else { 0.0 };
            binary += usize::from(m.binary);
            integer += usize::from(m.integer);
        }
        let d = self.features as f32;
        let shape = classes.shape(false, self.features, binary as f32 / d, integer as f32 / d);
        Ok(NumericEncoder { features: self.features, mean, inv_std, classes, shape })
    }
}

fn check_row(row: &[f32], features: usize) -> Result<(), EncodeError> {
    if row.len() != features {
        return Err(EncodeError::FeatureCount {
            expected: features as u32,
            found: row.len() as u32,
        });
    }
    match row.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(EncodeError::NonFinite { feature: i as u32 }),
        None => Ok(()),
    }
}

/// Encodes the samples of one numeric task, with the statistics of its statistics pass.
#[derive(Clone, Debug)]
pub struct NumericEncoder<const F: usize> {
    features: usize,
    mean: [f32; F],
    inv_std: [f32; F],
    classes: ClassTable,
    shape: [f32; SHAPE_DIM],
}

impl<const F: usize> NumericEncoder<F> {
    /// Encodes one sample.
    ///
    /// # Errors
    /// A row of another length, a non-finite value or a label out of range.
    pub fn encode(&self, row: &[f32], label: u32) -> Result<Encoded, EncodeError> {
        check_row(row, self.features)?;
        let mut x = Encoded::zeros();
        let scale = 1.0 / libm::sqrtf((self.features * SKETCH_HASHES) as f32);
        let (mut sum, mut sum_sq) = (0.0f32, 0.0f32);
        let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
        for (j, ((&v, &mu), &inv)) in row.iter().zip(&self.mean).zip(&self.inv_std).enumerate() {
            // max/min rather than clamp: clamp has a panicking path (NaN bounds), these do not.
            #[allow(clippy::manual_clamp)]
            let z = ((v - mu) * inv).max(-CLIP).min(CLIP);
            for h in 0..SKETCH_HASHES {
                let (slot, sign) = slot_and_sign((j * SKETCH_HASHES + h) as u32);
                x[slot] += sign * z * scale;
            }
            sum += z;
            sum_sq += z * z;
            lo = lo.min(z);
            hi = hi.max(z);
        }
        let d = self.features as f32;
        let mean = sum / d;
        let spread = libm::sqrtf((sum_sq / d - mean * mean).max(0.0));
        for (i, s) in [mean, spread, lo, hi].into_iter().enumerate() {
            x[ROW_STATS_AT + i] = s / CLIP;
        }
        write_shape(&mut x, &self.shape);
        self.classes.write_label(label, &mut x)?;
        Ok(x)
    }

    /// The values the set encoder reads of `row` (already checked by [`Self::encode`]): each
    /// read feature standardized, clipped to +-CLIP and scaled into [-1, 1]; writes them to
    /// the front of `out` and returns how many.
    pub fn set_values(&self, row: &[f32], out: &mut [f32; SET_FEATURES]) -> usize {
        let read = self.features.min(SET_FEATURES);
        for (k, o) in out.iter_mut().enumerate().take(read) {
            let j = set_feature(k, self.features);
            let (v, mu, inv) = (
                row.get(j).copied().unwrap_or(0.0),
                self.mean.get(j).copied().unwrap_or(0.0),
                self.inv_std.get(j).copied().unwrap_or(0.0),
            );
            #[allow(clippy::manual_clamp)]
            let z = ((v - mu) * inv).max(-CLIP).min(CLIP);
            *o = z / CLIP;
        }
        read
    }
}

fn write_shape(x: &mut Encoded, shape: &[f32; SHAPE_DIM]) {
    for (i, &s) in shape.iter().enumerate() {
        x[SHAPE_AT + i] = s;
    }
}

/// Statistics pass over a text task.
#[derive(Clone, Debug)]
pub struct TextStatsBuilder {
    classes: ClassCounts,
}

impl Default for TextStatsBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TextStatsBuilder {
    /// Starts a statistics pass.
    #[must_use]
    pub const fn new() -> Self {
        Self { classes: ClassCounts::new() }
    }

    /// Adds one sample's label to the statistics (text needs no per-feature moments).
    ///
    /// # Errors
    /// A label out of range.
    pub fn observe(&mut self, label: u32) -> Result<(), EncodeError> {
        self.classes.observe(label)
    }

    /// Ends the statistics pass.
    ///
    /// # Errors
    /// [`EncodeError::NoSamples`] when no sample was observed.
    pub fn finish(&self) -> Result<TextEncoder, EncodeError> {
        let classes = self.classes.finish()?;
        let shape = classes.shape(true, 0, 0.0, 0.0);
        Ok(TextEncoder { classes, shape })
    }
}

/// Encodes the samples of one text task.
#[derive(Clone, Debug)]
pub struct TextEncoder {
    classes: ClassTable,
    shape: [f32; SHAPE_DIM],
}

impl TextEncoder {
    /// Encodes one text: a signed hashed bag of lower-cased word tokens (L2-normalized), token
    /// statistics, the label and the task shape.
    ///
    /// # Errors
    /// A label out of range.
    pub fn encode(&self, text: &str, label: u32) -> Result<Encoded, EncodeError> {
        let mut x = Encoded::zeros();
        let (mut tokens, mut chars, mut digits, mut capitals) = (0u32, 0u32, 0u32, 0u32);
        for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            // FNV-1a over the lower-cased word, without a buffer.
            let mut h: u32 = 0x811C_9DC5;
            let mut len = 0u32;
            for c in word.chars().flat_map(char::to_lowercase) {
                let mut utf8 = [0u8; 4];
                for &b in c.encode_utf8(&mut utf8).as_bytes() {
                    h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
                }
                len += 1;
            }
            let (slot, sign) = slot_and_sign(h);
            x[slot] += sign;
            tokens += 1;
            chars += len;
            digits += u32::from(word.chars().all(|c| c.is_ascii_digit()));
            capitals += u32::from(word.chars().next().is_some_and(char::is_uppercase));
        }
        let norm = libm::sqrtf(x.rows(0, SKETCH_DIM).iter().map(|v| v * v).sum());
        if norm > 0.0 {
            for v in x.rows_mut(0, SKETCH_DIM).iter_mut() {
                *v /= norm;
            }
        }
        let t = tokens.max(1) as f32;
        let stats = [
            libm::logf(1.0 + tokens as f32) / libm::logf(1.0 + 1000.0),
            chars as f32 / t / 10.0,
            digits as f32 / t,
            capitals as f32 / t,
        ];
        for (i, s) in stats.into_iter().enumerate() {
            x[ROW_STATS_AT + i] = s;
        }
        write_shape(&mut x, &self.shape);
        self.classes.write_label(label, &mut x)?;
        Ok(x)
    }
}
