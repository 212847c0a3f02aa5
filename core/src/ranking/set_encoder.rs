//! The feature-set encoder (after Dataset2Vec, Jomaa et al. 2021): a summary of a task's samples
//! that does not depend on its schema. Each (value of feature j, label slot) pair goes through a
//! small layer f; f is averaged over the samples, per feature, as running sums (one streaming
//! pass, [`SET_FEATURES`] x [`FEATURE_HIDDEN`] floats of state); a network g maps each
//! feature's mean to a vector, and those are averaged over the features into the summary s.
//!
//! ```text
//! f(v, c) = relu(w_v v + W_l[c] + b)            per sample i, feature j: v = x_ij, c = label slot
//! m_j     = mean over the samples of f(x_ij, c_i)
//! g(m)    = tanh(W2^T relu(W1^T m + b1) + b2)
//! s       = mean over the features of g(m_j)
//! ```
//!
//! f's label input lets a feature's mean say how its values differ between classes; g sees one
//! feature at a time, so the same weights read a task of any width.

use nalgebra::SVector;

use crate::dims::{FEATURE_HIDDEN, Preset, SET_EMBED, SET_FEATURES, SET_HIDDEN};
use crate::kernels::dense::{relu, relu_of};
use crate::ranking::network::{Network, tensor};

/// The set summary s of a task's samples.
pub type SetSummary = SVector<f32, SET_EMBED>;

/// g's activations for one feature, for back-propagation in the trainer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FeatureTrace {
    /// The feature's mean of f over the samples: g's input.
    pub mean: SVector<f32, FEATURE_HIDDEN>,
    /// g's hidden layer, after ReLU.
    pub hidden: SVector<f32, SET_HIDDEN>,
    /// g's output, after tanh.
    pub out: SetSummary,
}

impl Default for FeatureTrace {
    fn default() -> Self {
        Self { mean: SVector::zeros(), hidden: SVector::zeros(), out: SetSummary::zeros() }
    }
}

impl<P: Preset> Network<'_, P> {
    /// f's part fixed by the label slot, `b + W_l[slot]`: computed once per sample, not per
    /// feature.
    #[must_use]
    pub fn label_part(&self, slot: usize) -> [f32; FEATURE_HIDDEN] {
        let (wl, b) = (self.t[tensor::FEATURE_WL], self.t[tensor::FEATURE_B]);
        let row = slot * FEATURE_HIDDEN;
        core::array::from_fn(|k| b.get(k) + wl.get_in_column(row + k, k))
    }

    /// f of one (value, label slot) pair given the slot's [`Self::label_part`], after ReLU, into
    /// `out`.
    pub fn feature_layer_from(
        &self,
        label_part: &[f32; FEATURE_HIDDEN],
        v: f32,
        out: &mut [f32; FEATURE_HIDDEN],
    ) {
        let wv = self.t[tensor::FEATURE_WV];
        for (k, (o, base)) in out.iter_mut().zip(label_part).enumerate() {
            *o = relu_of(base + v * wv.get(k));
        }
    }

    /// g of one feature whose mean of f is `trace.mean`, keeping the activations.
    pub fn set_layer_traced(&self, trace: &mut FeatureTrace) {
        let t = &self.t;
        let hidden = trace.hidden.as_mut_slice();
        t[tensor::SET1_W].affine_into(&t[tensor::SET1_B], trace.mean.as_slice(), hidden);
        relu(hidden);
        let out = trace.out.as_mut_slice();
        t[tensor::SET2_W].affine_into(&t[tensor::SET2_B], trace.hidden.as_slice(), out);
        for v in out {
            *v = libm::tanhf(*v);
        }
    }
}

/// The running sums of f per feature over a stream of samples.
#[derive(Clone, Debug, PartialEq)]
pub struct SetAccumulator {
    sums: [[f32; FEATURE_HIDDEN]; SET_FEATURES],
    width: usize,
    count: u32,
}

impl Default for SetAccumulator {
    fn default() -> Self {
        Self::new()
    }
}

impl SetAccumulator {
    /// No samples yet.
    #[must_use]
    pub const fn new() -> Self {
        Self { sums: [[0.0; FEATURE_HIDDEN]; SET_FEATURES], width: 0, count: 0 }
    }

    /// Adds one sample: its set values (the first sample fixes how many are read, at most
    /// [`SET_FEATURES`]) and its label slot.
    pub fn add<P: Preset>(&mut self, net: &Network<'_, P>, values: &[f32], slot: usize) {
        if self.count == 0 {
            self.width = values.len().min(SET_FEATURES);
        }
        let mut f = [0.0; FEATURE_HIDDEN];
        let label_part = net.label_part(slot);
        for (sum, &v) in self.sums.iter_mut().zip(values).take(self.width) {
            net.feature_layer_from(&label_part, v, &mut f);
            for (s, x) in sum.iter_mut().zip(&f) {
                *s += x;
            }
        }
        self.count = self.count.saturating_add(1);
    }

    /// Samples added so far.
    #[must_use]
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Features read per sample.
    #[must_use]
    pub fn width(&self) -> usize {
        self.width
    }

    /// The set summary, handing each feature's trace to `each` (the trainer keeps them for
    /// back-propagation; a device passes `|_, _| {}`). Zero when nothing was added.
    pub fn summary_traced<P: Preset>(
        &self,
        net: &Network<'_, P>,
        mut each: impl FnMut(usize, &FeatureTrace),
    ) -> SetSummary {
        let mut sum = SetSummary::zeros();
        if self.count == 0 || self.width == 0 {
            return sum;
        }
        let n = self.count as f32;
        let mut trace = FeatureTrace::default();
        for (j, sums) in self.sums.iter().enumerate().take(self.width) {
            for (m, &s) in trace.mean.iter_mut().zip(sums) {
                *m = s / n;
            }
            net.set_layer_traced(&mut trace);
            sum += trace.out;
            each(j, &trace);
        }
        sum / self.width as f32
    }

    /// The set summary.
    #[must_use]
    pub fn summary<P: Preset>(&self, net: &Network<'_, P>) -> SetSummary {
        self.summary_traced(net, |_, _| {})
    }
}
