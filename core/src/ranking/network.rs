//! The ranking network's weights and its scoring half: the feature-set encoder's tensors (used
//! by [`crate::ranking::set_encoder`]), and the score of an architecture for a task embedding z,
//! `score(u, z) = g(softmax(u)) + h(softmax(u), z)` (an agnostic backbone g and a task-specific
//! residual h; the paper's form has no backbone), with its analytic gradient in u.

use core::marker::PhantomData;

use nalgebra::SVector;
use serde::{Deserialize, Serialize};

use crate::dims::{
    ArchBuffer, EMBED_DIM, FEATURE_HIDDEN, LABEL_SLOTS, MAX_LAYER_WIDTH, Preset, RHO_HIDDEN1,
    RHO_HIDDEN2, SET_EMBED, SET_HIDDEN,
};
use crate::error::WeightsError;
use crate::kernels::dense::{LeSlice, UNROLLED_WIDTH, relu, relu_of};
use crate::kernels::tensor::{Quantization, Tensor};
use crate::space::architecture::{softmax_groups, softmax_groups_backward};

/// A task embedding z = [set summary | shape scalars | landmarker slots].
pub type TaskEmbedding = SVector<f32, EMBED_DIM>;

/// How a score is formed from an architecture and a task embedding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RankerForm {
    /// The paper's: one network over (u, z), `score = h(u, z)`; half the residual form's
    /// scoring cost.
    Paper,
    /// An agnostic backbone plus a task-specific residual, `score = g(u) + h(u, z)`: the fit
    /// keeps h small, so the embedding adds only what the data supports. The default.
    #[default]
    Residual,
}

impl RankerForm {
    /// Both forms.
    pub const ALL: [Self; 2] = [Self::Paper, Self::Residual];

    /// Lower-case name, as the command line spells it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Paper => "paper",
            Self::Residual => "residual",
        }
    }
}

/// Number of tensors of the network.
pub const TENSOR_COUNT: usize = 20;

/// Names of the network's tensors, in storage order.
pub const TENSOR_NAMES: [&str; TENSOR_COUNT] = [
    "feature.weight_value",
    "feature.weight_label",
    "feature.bias",
    "set1.weight",
    "set1.bias",
    "set2.weight",
    "set2.bias",
    "backbone1.weight",
    "backbone1.bias",
    "backbone2.weight",
    "backbone2.bias",
    "backbone3.weight",
    "backbone3.bias",
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
    /// The feature layer f's weight of the value, `[FEATURE_HIDDEN]`.
    pub const FEATURE_WV: usize = 0;
    /// f's weights of the label slot (one-hot), `[LABEL_SLOTS][FEATURE_HIDDEN]`.
    pub const FEATURE_WL: usize = 1;
    /// f's bias.
    pub const FEATURE_B: usize = 2;
    /// g's first layer, `[FEATURE_HIDDEN][SET_HIDDEN]`.
    pub const SET1_W: usize = 3;
    /// Its bias.
    pub const SET1_B: usize = 4;
    /// g's second layer, `[SET_HIDDEN][SET_EMBED]`.
    pub const SET2_W: usize = 5;
    /// Its bias.
    pub const SET2_B: usize = 6;
    /// The backbone's first layer, `[U][RHO_HIDDEN1]`.
    pub const BACKBONE1_W: usize = 7;
    /// Its bias.
    pub const BACKBONE1_B: usize = 8;
    /// The backbone's second layer, `[RHO_HIDDEN1][RHO_HIDDEN2]`.
    pub const BACKBONE2_W: usize = 9;
    /// Its bias.
    pub const BACKBONE2_B: usize = 10;
    /// The backbone's output weights, `[RHO_HIDDEN2]`.
    pub const BACKBONE3_W: usize = 11;
    /// Its bias.
    pub const BACKBONE3_B: usize = 12;
    /// rho's first layer, rows of the architecture part, `[U][RHO_HIDDEN1]`.
    pub const RHO1_WU: usize = 13;
    /// rho's first layer, rows of the task embedding, `[EMBED_DIM][RHO_HIDDEN1]`.
    pub const RHO1_WZ: usize = 14;
    /// rho's first bias.
    pub const RHO1_B: usize = 15;
    /// rho's second layer, `[RHO_HIDDEN1][RHO_HIDDEN2]`.
    pub const RHO2_W: usize = 16;
    /// Its bias.
    pub const RHO2_B: usize = 17;
    /// rho's output weights, `[RHO_HIDDEN2]`.
    pub const RHO3_W: usize = 18;
    /// rho's output bias.
    pub const RHO3_B: usize = 19;
}

/// The tensors of one scoring tower, by index in [`TENSOR_NAMES`]:
/// `relu(W1^T x + b1)`, `relu(W2^T a1 + b2)`, `w3 . a2 + b3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TowerTensors {
    /// First layer's weights (the architecture's rows).
    pub w1: usize,
    /// First layer's bias.
    pub b1: usize,
    /// Second layer's weights.
    pub w2: usize,
    /// Second layer's bias.
    pub b2: usize,
    /// Output weights.
    pub w3: usize,
    /// Output bias.
    pub b3: usize,
}

impl TowerTensors {
    /// The task-specific tower h (the whole score in the paper's form).
    pub const RESIDUAL: Self = Self {
        w1: tensor::RHO1_WU,
        b1: tensor::RHO1_B,
        w2: tensor::RHO2_W,
        b2: tensor::RHO2_B,
        w3: tensor::RHO3_W,
        b3: tensor::RHO3_B,
    };
    /// The agnostic backbone g of the residual form.
    pub const BACKBONE: Self = Self {
        w1: tensor::BACKBONE1_W,
        b1: tensor::BACKBONE1_B,
        w2: tensor::BACKBONE2_W,
        b2: tensor::BACKBONE2_B,
        w3: tensor::BACKBONE3_W,
        b3: tensor::BACKBONE3_B,
    };
}

/// Shape of each tensor, `(rows, width)`, in storage order: weights are `[input][output]`,
/// vectors and biases one row.
#[must_use]
pub const fn tensor_shapes(arch_dim: usize) -> [(usize, usize); TENSOR_COUNT] {
    [
        (1, FEATURE_HIDDEN),
        (LABEL_SLOTS, FEATURE_HIDDEN),
        (1, FEATURE_HIDDEN),
        (FEATURE_HIDDEN, SET_HIDDEN),
        (1, SET_HIDDEN),
        (SET_HIDDEN, SET_EMBED),
        (1, SET_EMBED),
        (arch_dim, RHO_HIDDEN1),
        (1, RHO_HIDDEN1),
        (RHO_HIDDEN1, RHO_HIDDEN2),
        (1, RHO_HIDDEN2),
        (1, RHO_HIDDEN2),
        (1, 1),
        (arch_dim, RHO_HIDDEN1),
        (EMBED_DIM, RHO_HIDDEN1),
        (1, RHO_HIDDEN1),
        (RHO_HIDDEN1, RHO_HIDDEN2),
        (1, RHO_HIDDEN2),
        (1, RHO_HIDDEN2),
        (1, 1),
    ]
}

/// Whether an int8 file stores each tensor as int8, in storage order: the weight matrices (a
/// scale per output); biases and the weight vectors (f's value weights, both towers' outputs)
/// stay f32, a few hundred values.
pub const INT8_TENSORS: [bool; TENSOR_COUNT] = {
    let mut int8 = [false; TENSOR_COUNT];
    let mut i = 0;
    while i < TENSOR_COUNT {
        int8[i] = matches!(
            i,
            tensor::FEATURE_WL
                | tensor::SET1_W
                | tensor::SET2_W
                | tensor::BACKBONE1_W
                | tensor::BACKBONE2_W
                | tensor::RHO1_WU
                | tensor::RHO1_WZ
                | tensor::RHO2_W
        );
        i += 1;
    }
    int8
};

/// How an int8 or f32 file stores tensor `i`.
#[must_use]
pub const fn tensor_storage(i: usize, quantization: Quantization) -> Quantization {
    match quantization {
        Quantization::Int8 if i < TENSOR_COUNT && INT8_TENSORS[i] => Quantization::Int8,
        _ => Quantization::F32,
    }
}

// A tower's second layer is the width its unrolled product writes out.
const _: () = assert!(RHO_HIDDEN2 == UNROLLED_WIDTH);

// Every layer's output fits the int8 layers' scratch.
const _: () = {
    let shapes = tensor_shapes(1);
    let mut i = 0;
    while i < TENSOR_COUNT {
        assert!(shapes[i].1 <= MAX_LAYER_WIDTH || !INT8_TENSORS[i]);
        i += 1;
    }
};

/// Lengths of the network's tensors, in storage order: rows x width of [`tensor_shapes`].
#[must_use]
pub const fn tensor_sizes(arch_dim: usize) -> [usize; TENSOR_COUNT] {
    let shapes = tensor_shapes(arch_dim);
    let mut sizes = [0; TENSOR_COUNT];
    let mut i = 0;
    while i < TENSOR_COUNT {
        sizes[i] = shapes[i].0 * shapes[i].1;
        i += 1;
    }
    sizes
}

/// Bytes of the network's parameters in a file of `quantization` for an architecture of length
/// `arch_dim`.
#[must_use]
pub const fn params_bytes(arch_dim: usize, quantization: Quantization) -> usize {
    let shapes = tensor_shapes(arch_dim);
    let mut total = 0;
    let mut i = 0;
    while i < TENSOR_COUNT {
        total += tensor_storage(i, quantization).tensor_bytes(shapes[i].0, shapes[i].1);
        i += 1;
    }
    total
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
    pub(crate) t: [Tensor<'a>; TENSOR_COUNT],
    form: RankerForm,
    preset: PhantomData<P>,
}

/// The activations of one score, for back-propagation in the trainer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RhoTrace {
    /// rho's first layer, after ReLU.
    pub hidden1: SVector<f32, RHO_HIDDEN1>,
    /// rho's second layer, after ReLU.
    pub hidden2: SVector<f32, RHO_HIDDEN2>,
    /// The backbone's first layer, after ReLU (zero in the paper's form).
    pub backbone1: SVector<f32, RHO_HIDDEN1>,
    /// The backbone's second layer, after ReLU (zero in the paper's form).
    pub backbone2: SVector<f32, RHO_HIDDEN2>,
    /// The residual h's output (the whole score in the paper's form).
    pub residual: f32,
}

impl Default for RhoTrace {
    fn default() -> Self {
        Self {
            hidden1: SVector::zeros(),
            hidden2: SVector::zeros(),
            backbone1: SVector::zeros(),
            backbone2: SVector::zeros(),
            residual: 0.0,
        }
    }
}

impl<'a, P: Preset> Network<'a, P> {
    /// Views `params` (every tensor of [`tensor_sizes`], concatenated, little-endian f32) as a
    /// network of the given form, unchecked (the trainer's own parameters). `None` when the
    /// length is not exactly right.
    #[must_use]
    pub fn from_params(params: LeSlice<'a>, form: RankerForm) -> Option<Self> {
        let mut rest = params;
        let sizes = tensor_sizes(P::ARCH_DIM);
        let mut t: [Tensor<'a>; TENSOR_COUNT] = [Tensor::default(); TENSOR_COUNT];
        for (slot, &n) in t.iter_mut().zip(&sizes) {
            *slot = Tensor::F32(crate::kernels::dense::take(&mut rest, n)?);
        }
        rest.is_empty().then_some(Self { t, form, preset: PhantomData })
    }

    /// Validates a weights file's parameter section stored as `quantization` and views it as a
    /// network of the given form: the section's length, then each tensor's values (errors name
    /// the tensor).
    ///
    /// # Errors
    /// [`WeightsError::LengthMismatch`] for the section, or a tensor's value error.
    pub fn from_bytes(
        bytes: &'a [u8],
        quantization: Quantization,
        form: RankerForm,
    ) -> Result<Self, WeightsError> {
        let expected = params_bytes(P::ARCH_DIM, quantization);
        if bytes.len() != expected {
            return Err(WeightsError::LengthMismatch {
                what: "params",
                expected: expected as u32,
                found: bytes.len() as u32,
            });
        }
        let mut rest = bytes;
        let mut t: [Tensor<'a>; TENSOR_COUNT] = [Tensor::default(); TENSOR_COUNT];
        let shapes = tensor_shapes(P::ARCH_DIM);
        for (i, (slot, &(rows, width))) in t.iter_mut().zip(&shapes).enumerate() {
            let name = TENSOR_NAMES.get(i).copied().unwrap_or("params");
            *slot = Tensor::take(name, &mut rest, rows, width, tensor_storage(i, quantization))?;
        }
        Ok(Self { t, form, preset: PhantomData })
    }

    /// This network with its int8 tensors' integers converted to f32 into `buf` (at least
    /// [`param_count`] values): the same scores and gradients, bit for bit, at the f32 kernels'
    /// speed, for a host with the memory (a device reads int8 in place). `None` when `buf` is
    /// too short.
    #[cfg(feature = "widen")]
    pub fn widened<'b>(&self, buf: &'b mut [[u8; 4]]) -> Option<Network<'b, P>>
    where
        'a: 'b,
    {
        let mut rest = buf;
        let mut t: [Tensor<'b>; TENSOR_COUNT] = [Tensor::default(); TENSOR_COUNT];
        for (slot, tensor) in t.iter_mut().zip(&self.t) {
            let (widened, tail) = tensor.widened(rest)?;
            *slot = widened;
            rest = tail;
        }
        Some(Network { t, form: self.form, preset: PhantomData })
    }

    /// How scores are formed.
    #[must_use]
    pub fn form(&self) -> RankerForm {
        self.form
    }

    /// A scorer for the task with embedding `z`: rho's z part is computed once here.
    #[must_use]
    pub fn scorer(&self, z: &TaskEmbedding) -> Scorer<'_, 'a, P> {
        let mut base = SVector::<f32, RHO_HIDDEN1>::zeros();
        self.t[tensor::RHO1_WZ].affine_into(
            &self.t[tensor::RHO1_B],
            z.as_slice(),
            base.as_mut_slice(),
        );
        Scorer { net: self, base }
    }
}

/// Scores architectures for one task.
#[derive(Clone, Debug)]
pub struct Scorer<'n, 'a, P: Preset> {
    pub(crate) net: &'n Network<'a, P>,
    /// rho's first-layer pre-activation from z and the bias, fixed for the task.
    pub(crate) base: SVector<f32, RHO_HIDDEN1>,
}

/// The three layers of a scoring tower: `relu(W1^T x + b1)`, `relu(W2^T a1 + b2)`, `w3 . a2 + b3`.
#[derive(Clone, Copy)]
pub(crate) struct Tower<'a> {
    w2: Tensor<'a>,
    b2: Tensor<'a>,
    w3: Tensor<'a>,
    b3: Tensor<'a>,
}

impl Tower<'_> {
    /// Layers 2 and 3 over `hidden1` (already through its ReLU), keeping `hidden2`.
    pub(crate) fn finish(&self, hidden1: &[f32], hidden2: &mut SVector<f32, RHO_HIDDEN2>) -> f32 {
        let mut sums = [0.0; RHO_HIDDEN2];
        self.w2.affine_unrolled_into(&self.b2, hidden1, &mut sums);
        hidden2.data.0 = [sums];
        relu(hidden2.as_mut_slice());
        let mut out = self.b3.get(0);
        for (i, h) in hidden2.as_slice().iter().enumerate() {
            out += h * self.w3.get(i);
        }
        out
    }

    /// [`Self::finish`] for `N` architectures at once (lanes: `hidden1[i][l]` is unit i of
    /// architecture l), the same value per lane (see
    /// [`crate::kernels::dense::accumulate_lanes_with`]).
    pub(crate) fn finish_lanes<const N: usize>(
        &self,
        hidden1: &[[f32; N]; RHO_HIDDEN1],
        out: &mut [f32; N],
    ) {
        let mut hidden2 = [[0.0; N]; RHO_HIDDEN2];
        self.w2.start_lanes(&self.b2, &mut hidden2);
        self.w2.accumulate_lanes(hidden1, &mut hidden2);
        self.w2.finish_lanes(&self.b2, &mut hidden2);
        *out = [self.b3.get(0); N];
        for (i, h) in hidden2.iter().enumerate() {
            let w = self.w3.get(i);
            for (o, h) in out.iter_mut().zip(h) {
                *o += relu_of(*h) * w;
            }
        }
    }

    /// d out / d hidden1 (before its ReLU), into `g1`.
    fn backward(&self, hidden1: &[f32], hidden2: &[f32], g1: &mut [f32; RHO_HIDDEN1]) {
        let mut g2 = [0.0; RHO_HIDDEN2];
        for (i, (g, h)) in g2.iter_mut().zip(hidden2).enumerate() {
            *g = if *h > 0.0 { self.w3.get(i) } else { 0.0 };
        }
        self.w2.backward_input_into(&g2, g1);
        for (g, h) in g1.iter_mut().zip(hidden1) {
            if *h <= 0.0 {
                *g = 0.0;
            }
        }
    }
}

impl<P: Preset> Scorer<'_, '_, P> {
    /// Layers 2 and 3 of tower `t`.
    pub(crate) fn tower(&self, t: TowerTensors) -> Tower<'_> {
        let at = |i: usize| self.net.t.get(i).copied().unwrap_or_default();
        Tower { w2: at(t.w2), b2: at(t.b2), w3: at(t.w3), b3: at(t.b3) }
    }

    /// Score of an architecture given as per-group probabilities (the softmax of u).
    pub fn score_soft_traced(&self, soft: &[f32], trace: &mut RhoTrace) -> f32 {
        let t = &self.net.t;
        trace.hidden1 = self.base;
        t[tensor::RHO1_WU].accumulate_into(soft, trace.hidden1.as_mut_slice());
        relu(trace.hidden1.as_mut_slice());
        trace.residual =
            self.tower(TowerTensors::RESIDUAL).finish(trace.hidden1.as_slice(), &mut trace.hidden2);
        if self.net.form == RankerForm::Paper {
            return trace.residual;
        }
        t[tensor::BACKBONE1_W].affine_into(
            &t[tensor::BACKBONE1_B],
            soft,
            trace.backbone1.as_mut_slice(),
        );
        relu(trace.backbone1.as_mut_slice());
        let backbone = self
            .tower(TowerTensors::BACKBONE)
            .finish(trace.backbone1.as_slice(), &mut trace.backbone2);
        backbone + trace.residual
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
        let mut g1 = [0.0; RHO_HIDDEN1];
        self.tower(TowerTensors::RESIDUAL).backward(
            trace.hidden1.as_slice(),
            trace.hidden2.as_slice(),
            &mut g1,
        );
        let mut grad_soft = P::Arch::zeroed();
        t[tensor::RHO1_WU].backward_input_into(&g1, grad_soft.as_mut());
        if self.net.form == RankerForm::Residual {
            self.tower(TowerTensors::BACKBONE).backward(
                trace.backbone1.as_slice(),
                trace.backbone2.as_slice(),
                &mut g1,
            );
            let mut from_backbone = P::Arch::zeroed();
            t[tensor::BACKBONE1_W].backward_input_into(&g1, from_backbone.as_mut());
            for (g, b) in grad_soft.as_mut().iter_mut().zip(from_backbone.as_ref()) {
                *g += b;
            }
        }
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
