//! The ranking network: phi over encoded samples into a running-mean task embedding z, and
//! rho(softmax-per-group(u), z) -> score, with the analytic gradient of the score in u.

use core::marker::PhantomData;

use nalgebra::SVector;

use crate::architecture::{softmax_groups, softmax_groups_backward};
use crate::dense::{LeSlice, accumulate_into, affine_into, backward_input_into, relu, take, value};
use crate::dims::{
    ArchBuffer, EMBED_DIM, ENCODED_DIM, PHI_HIDDEN, Preset, RHO_HIDDEN1, RHO_HIDDEN2,
};
use crate::sample_encoder::Encoded;

/// A task embedding z: the mean of phi over a batch of the task's samples.
pub type TaskEmbedding = SVector<f32, EMBED_DIM>;

/// Names of the network's tensors, in storage order.
pub const TENSOR_NAMES: [&str; 11] = [
    "phi1.weight",
    "phi1.bias",
    "phi2.weight",
    "phi2.bias",
    "rho1.weight_u",
    "rho1.weight_z",
    "rho1.bias",
    "rho2.weight",
    "rho2.bias",
    "rho3.weight",
    "rho3.bias",
];

/// Index of each tensor in [`TENSOR_NAMES`] (storage) order.
pub mod tensor {
    /// phi's first layer, `[ENCODED_DIM][PHI_HIDDEN]`.
    pub const PHI1_W: usize = 0;
    /// Its bias.
    pub const PHI1_B: usize = 1;
    /// phi's second layer, `[PHI_HIDDEN][EMBED_DIM]`.
    pub const PHI2_W: usize = 2;
    /// Its bias.
    pub const PHI2_B: usize = 3;
    /// rho's first layer, rows of the architecture part, `[U][RHO_HIDDEN1]`.
    pub const RHO1_WU: usize = 4;
    /// rho's first layer, rows of the task embedding, `[EMBED_DIM][RHO_HIDDEN1]`.
    pub const RHO1_WZ: usize = 5;
    /// rho's first bias.
    pub const RHO1_B: usize = 6;
    /// rho's second layer, `[RHO_HIDDEN1][RHO_HIDDEN2]`.
    pub const RHO2_W: usize = 7;
    /// Its bias.
    pub const RHO2_B: usize = 8;
    /// rho's output weights, `[RHO_HIDDEN2]`.
    pub const RHO3_W: usize = 9;
    /// rho's output bias.
    pub const RHO3_B: usize = 10;
}

/// Lengths of the network's tensors, in storage order (weights are `[input][output]`).
#[must_use]
pub const fn tensor_sizes(arch_dim: usize) -> [usize; 11] {
    [
        ENCODED_DIM * PHI_HIDDEN,
        PHI_HIDDEN,
        PHI_HIDDEN * EMBED_DIM,
        EMBED_DIM,
        arch_dim * RHO_HIDDEN1,
        EMBED_DIM * RHO_HIDDEN1,
        RHO_HIDDEN1,
        RHO_HIDDEN1 * RHO_HIDDEN2,
        RHO_HIDDEN2,
        RHO_HIDDEN2,
        1,
    ]
}

/// Number of parameters of the ranking network for an architecture of length `arch_dim`: the
/// sum of [`tensor_sizes`].
#[must_use]
pub const fn param_count(arch_dim: usize) -> usize {
    let sizes = tensor_sizes(arch_dim);
    let mut total = 0;
    let mut i = 0;
    while i < sizes.len() {
        total += sizes[i];
        i += 1;
    }
    total
}

/// The ranking network's weights for preset `P`, read in place.
#[derive(Clone, Copy, Debug)]
pub struct Network<'a, P: Preset> {
    t: [LeSlice<'a>; 11],
    preset: PhantomData<P>,
}

/// phi's activations for one sample, for back-propagation in the trainer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhiTrace {
    /// First layer, after ReLU.
    pub hidden: SVector<f32, PHI_HIDDEN>,
    /// Output, after tanh: phi of the sample.
    pub out: TaskEmbedding,
}

/// rho's activations for one architecture, for back-propagation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RhoTrace {
    /// First layer, after ReLU.
    pub hidden1: SVector<f32, RHO_HIDDEN1>,
    /// Second layer, after ReLU.
    pub hidden2: SVector<f32, RHO_HIDDEN2>,
}

impl Default for PhiTrace {
    fn default() -> Self {
        Self { hidden: SVector::zeros(), out: TaskEmbedding::zeros() }
    }
}

impl Default for RhoTrace {
    fn default() -> Self {
        Self { hidden1: SVector::zeros(), hidden2: SVector::zeros() }
    }
}

impl<'a, P: Preset> Network<'a, P> {
    /// Views `params` (every tensor of [`tensor_sizes`], concatenated, little-endian f32) as a
    /// network. `None` when the length is not exactly right.
    #[must_use]
    pub fn from_params(params: LeSlice<'a>) -> Option<Self> {
        let mut rest = params;
        let sizes = tensor_sizes(P::ARCH_DIM);
        let mut t: [LeSlice<'a>; 11] = [&[]; 11];
        for (slot, &n) in t.iter_mut().zip(&sizes) {
            *slot = take(&mut rest, n)?;
        }
        rest.is_empty().then_some(Self { t, preset: PhantomData })
    }

    /// phi of one encoded sample, keeping the activations.
    pub fn phi_traced(&self, x: &Encoded, trace: &mut PhiTrace) {
        let hidden = trace.hidden.as_mut_slice();
        affine_into(self.t[tensor::PHI1_W], self.t[tensor::PHI1_B], x.as_slice(), hidden);
        relu(hidden);
        affine_into(
            self.t[tensor::PHI2_W],
            self.t[tensor::PHI2_B],
            trace.hidden.as_slice(),
            trace.out.as_mut_slice(),
        );
        for v in trace.out.as_mut_slice() {
            *v = libm::tanhf(*v);
        }
    }

    /// phi of one encoded sample.
    #[must_use]
    pub fn phi(&self, x: &Encoded) -> TaskEmbedding {
        let mut trace = PhiTrace::default();
        self.phi_traced(x, &mut trace);
        trace.out
    }

    /// A scorer for the task with embedding `z`: rho's z part is computed once here.
    #[must_use]
    pub fn scorer(&self, z: &TaskEmbedding) -> Scorer<'_, 'a, P> {
        let mut base = SVector::<f32, RHO_HIDDEN1>::zeros();
        affine_into(
            self.t[tensor::RHO1_WZ],
            self.t[tensor::RHO1_B],
            z.as_slice(),
            base.as_mut_slice(),
        );
        Scorer { net: self, base }
    }
}

/// Accumulates phi over a stream of samples into the running-mean task embedding.
#[derive(Clone, Debug, PartialEq)]
pub struct Embedder {
    sum: TaskEmbedding,
    count: u32,
}

impl Default for Embedder {
    fn default() -> Self {
        Self { sum: TaskEmbedding::zeros(), count: 0 }
    }
}

impl Embedder {
    /// Adds one encoded sample.
    pub fn add<P: Preset>(&mut self, net: &Network<'_, P>, x: &Encoded) {
        self.sum += net.phi(x);
        self.count = self.count.saturating_add(1);
    }

    /// Samples added so far.
    #[must_use]
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The task embedding: the mean of phi over the samples (zero when there were none).
    #[must_use]
    pub fn embedding(&self) -> TaskEmbedding {
        if self.count == 0 { TaskEmbedding::zeros() } else { self.sum / self.count as f32 }
    }
}

/// Scores architectures for one task.
#[derive(Clone, Debug)]
pub struct Scorer<'n, 'a, P: Preset> {
    net: &'n Network<'a, P>,
    /// rho's first-layer pre-activation from z and the bias, fixed for the task.
    base: SVector<f32, RHO_HIDDEN1>,
}

impl<P: Preset> Scorer<'_, '_, P> {
    /// Score of an architecture given as per-group probabilities (the softmax of u).
    pub fn score_soft_traced(&self, soft: &[f32], trace: &mut RhoTrace) -> f32 {
        let t = &self.net.t;
        trace.hidden1 = self.base;
        accumulate_into(t[tensor::RHO1_WU], soft, trace.hidden1.as_mut_slice());
        relu(trace.hidden1.as_mut_slice());
        affine_into(
            t[tensor::RHO2_W],
            t[tensor::RHO2_B],
            trace.hidden1.as_slice(),
            trace.hidden2.as_mut_slice(),
        );
        relu(trace.hidden2.as_mut_slice());
        let mut score = value(t[tensor::RHO3_B], 0);
        for (i, h) in trace.hidden2.as_slice().iter().enumerate() {
            score += h * value(t[tensor::RHO3_W], i);
        }
        score
    }

    /// Score of architecture logits `u` (length U).
    #[must_use]
    pub fn score(&self, u: &[f32]) -> f32 {
        let mut soft = P::Arch::zeroed();
        softmax_groups(&P::LAYOUT, u, soft.as_mut());
        self.score_soft_traced(soft.as_ref(), &mut RhoTrace::default())
    }

    /// Score of `u` and its gradient d score / d u, written into `grad_u` (length U).
    pub fn score_with_gradient(&self, u: &[f32], grad_u: &mut [f32]) -> f32 {
        let t = &self.net.t;
        let mut soft = P::Arch::zeroed();
        softmax_groups(&P::LAYOUT, u, soft.as_mut());
        let mut trace = RhoTrace::default();
        let score = self.score_soft_traced(soft.as_ref(), &mut trace);
        let mut g2 = [0.0; RHO_HIDDEN2];
        for (i, (g, h)) in g2.iter_mut().zip(trace.hidden2.as_slice().iter()).enumerate() {
            *g = if *h > 0.0 { value(t[tensor::RHO3_W], i) } else { 0.0 };
        }
        let mut g1 = [0.0; RHO_HIDDEN1];
        backward_input_into(t[tensor::RHO2_W], &g2, &mut g1);
        for (g, h) in g1.iter_mut().zip(trace.hidden1.as_slice().iter()) {
            if *h <= 0.0 {
                *g = 0.0;
            }
        }
        let mut grad_soft = P::Arch::zeroed();
        backward_input_into(t[tensor::RHO1_WU], &g1, grad_soft.as_mut());
        softmax_groups_backward(&P::LAYOUT, soft.as_ref(), grad_soft.as_ref(), grad_u);
        score
    }

    /// Scores a batch of architectures, `us` holding them back to back (length n x U), into
    /// `out` (length n). Stops at the shorter of the two.
    pub fn score_batch_into(&self, us: &[f32], out: &mut [f32]) {
        for (u, o) in us.chunks_exact(P::ARCH_DIM).zip(out) {
            *o = self.score(u);
        }
    }
}
