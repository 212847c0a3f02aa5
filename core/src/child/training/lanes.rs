//! A batch's gradient [`LANES`] samples at a time, one sample a vector lane (host builds,
//! `runtime-dispatch`): the same bits as [`Child::batch_gradient_by_sample`], which a device
//! runs, in the host's full vectors. The per-sample path reloads every weight once a sample and
//! its gradient sums at the width of a layer; here each weight is read once for [`LANES`] samples
//! and the gradient's sums stay in registers over them.
//!
//! Same bits because every sum runs over the same terms in the same order: a forward or input
//! gradient sum lane by lane ([`crate::kernels::sample_lanes`]), a weight's gradient sample after
//! sample, and the blocks of a batch in its order.

use std::vec;
use std::vec::Vec;

use super::{Arena, Child, get, index};
use crate::child::model_format::MAX_WIDTH;
use crate::dims::{MAX_CLASSES, NUMERIC_WIDTH};
use crate::kernels::dense::le_f32;
use crate::kernels::sample_lanes::{
    LANES, Lane, accumulate_lanes_into, accumulate_outer_finite_lanes_into as outer_finite,
    accumulate_outer_lanes_into as outer, activate_lanes, all_finite, backward_input_lanes_into,
    finite_and_no_negative_zero, slope_lanes, to_sample_rows,
};
use crate::space::architecture::{argmax, softmax};

/// The weight gradient's sums held in registers at once: a block of a wide layer's outputs, or
/// all of a narrow one's (a classifier's few).
const WIDE_BLOCK: usize = 64;
const NARROW_BLOCK: usize = 16;

/// A weight gradient's kernel ([`outer`] or [`outer_finite`]).
type OuterKernel = fn(&mut [[u8; 4]], usize, &[Lane], &[f32], usize, usize);

/// A layer's row of values at most this wide, in [`WIDE_BLOCK`]s (a sample-major row's stride).
const ROW_STRIDE: usize = MAX_WIDTH.div_ceil(WIDE_BLOCK) * WIDE_BLOCK;

/// The lanes' working memory, allocated once a training run.
pub(super) struct LaneScratch {
    /// Every sample's module values, projected once a run (a device projects them again each
    /// time it reads a sample: it has no room to keep them).
    modules: Vec<[f32; NUMERIC_WIDTH]>,
    /// Row `s` (at `s * MAX_WIDTH`): stage `s`'s input; the row after the last stage's input
    /// holds the logits.
    activations: Vec<Lane>,
    /// The gradient at a stage's output (then before its activation).
    delta: Vec<Lane>,
    /// The gradient at a stage's input.
    grad_x: Vec<Lane>,
    /// `delta` sample-major, each sample's row at [`ROW_STRIDE`], for the weight gradient.
    by_sample: Vec<f32>,
    /// Whether the forward pass may add a zero input's `0 * w` instead of choosing
    /// ([`accumulate_lanes_into`]): set from the weights by each pass over them.
    adds_zeros: bool,
}

impl LaneScratch {
    /// Scratch for `child`, its module's values of every sample of `arena` projected.
    pub(super) fn new(child: &Child<'_>, arena: &Arena<'_>) -> Self {
        let stages = child.plan.len();
        let modules = (0..arena.labels.len())
            .map(|i| {
                let mut module = [0.0_f32; NUMERIC_WIDTH];
                let base = i * child.staged_width;
                child.input.project_from(|k| get(arena.staged, base + k), &mut module);
                module
            })
            .collect();
        Self {
            modules,
            activations: vec![[0.0; LANES]; (stages + 1) * MAX_WIDTH],
            delta: vec![[0.0; LANES]; MAX_WIDTH],
            grad_x: vec![[0.0; LANES]; MAX_WIDTH],
            by_sample: vec![0.0; LANES * ROW_STRIDE],
            adds_zeros: false,
        }
    }
}

impl Child<'_> {
    /// [`Child::batch_gradient_by_sample`]'s result, [`LANES`] samples at a time.
    pub(super) fn batch_gradient_in_lanes(
        &self,
        arena: &mut Arena<'_>,
        range: core::ops::Range<usize>,
        scratch: &mut LaneScratch,
    ) -> bool {
        arena.grad.fill([0; 4]);
        scratch.adds_zeros = adds_zeros_exactly(arena.weights);
        let scale = 1.0 / range.len().max(1) as f32;
        let mut start = range.start;
        while start < range.end {
            let end = (start + LANES).min(range.end);
            if !self.lane_block(arena, start..end, scale, scratch) {
                return false;
            }
            start = end;
        }
        true
    }

    /// Samples at positions `range` classified right, [`LANES`] at a time: the count of
    /// [`Child::correct`].
    pub(super) fn correct_in_lanes(
        &self,
        arena: &Arena<'_>,
        range: core::ops::Range<usize>,
        scratch: &mut LaneScratch,
    ) -> usize {
        let Some(last) = self.plan.last() else { return 0 };
        scratch.adds_zeros = adds_zeros_exactly(arena.weights);
        let mut correct = 0;
        let mut start = range.start;
        while start < range.end {
            let end = (start + LANES).min(range.end);
            let labels = self.forward_in_lanes(arena, start..end, scratch);
            let at = self.plan.len() * MAX_WIDTH;
            let logits = scratch.activations.get(at..at + last.outputs).unwrap_or(&[]);
            for (l, &label) in labels.iter().enumerate().take(end - start) {
                let mut z = [0.0_f32; MAX_CLASSES];
                let z = z.get_mut(..last.outputs).unwrap_or(&mut []);
                for (z, row) in z.iter_mut().zip(logits) {
                    *z = row[l];
                }
                if z.iter().all(|v| v.is_finite()) && argmax(z) == label {
                    correct += 1;
                }
            }
            start = end;
        }
        correct
    }

    /// The forward pass of the samples at positions `block` (at most [`LANES`]) into the
    /// scratch's activations; returns their labels. An unused lane reads zeros.
    fn forward_in_lanes(
        &self,
        arena: &Arena<'_>,
        block: core::ops::Range<usize>,
        scratch: &mut LaneScratch,
    ) -> [usize; LANES] {
        let LaneScratch { modules, activations, adds_zeros, .. } = scratch;
        let mut labels = [0_usize; LANES];
        let module_rows = activations.get_mut(..NUMERIC_WIDTH).unwrap_or(&mut []);
        module_rows.iter_mut().for_each(|r| *r = [0.0; LANES]);
        for (l, p) in block.enumerate() {
            let i = index(arena.order, p);
            labels[l] = usize::from(arena.labels.get(i).copied().unwrap_or(0));
            let Some(module) = modules.get(i) else { continue };
            for (row, &v) in module_rows.iter_mut().zip(module) {
                row[l] = v;
            }
        }
        for (s, stage) in self.plan.iter().enumerate() {
            let (inputs, outputs) = activations.split_at_mut((s + 1) * MAX_WIDTH);
            let x = inputs.get(s * MAX_WIDTH..s * MAX_WIDTH + stage.inputs).unwrap_or(&[]);
            let out = outputs.get_mut(..stage.outputs).unwrap_or(&mut []);
            let layer = stage.layer(arena.weights);
            for (o, b) in out.iter_mut().zip(layer.bias) {
                *o = [le_f32(b); LANES];
            }
            if *adds_zeros {
                accumulate_lanes_into::<false>(layer.weights, x, out);
            } else {
                accumulate_lanes_into::<true>(layer.weights, x, out);
            }
            if let Some(activation) = stage.activation {
                activate_lanes(activation, out);
            }
        }
        labels
    }

    /// Adds the gradient of the samples at positions `block` (at most [`LANES`]); false when a
    /// sample's logits are not finite.
    fn lane_block(
        &self,
        arena: &mut Arena<'_>,
        block: core::ops::Range<usize>,
        scale: f32,
        scratch: &mut LaneScratch,
    ) -> bool {
        let Some(last) = self.plan.last() else { return true };
        let samples = block.len();
        let labels = self.forward_in_lanes(arena, block, scratch);
        let LaneScratch { activations, delta, grad_x, by_sample, .. } = scratch;

        // d loss / d logits = softmax - one-hot, each sample's.
        let classes = last.outputs;
        let at = self.plan.len() * MAX_WIDTH;
        let logits = activations.get(at..at + classes).unwrap_or(&[]);
        let delta_out = delta.get_mut(..classes).unwrap_or(&mut []);
        for l in 0..LANES {
            let mut z = [0.0_f32; MAX_CLASSES];
            let mut p = [0.0_f32; MAX_CLASSES];
            let (z, p) =
                (z.get_mut(..classes).unwrap_or(&mut []), p.get_mut(..classes).unwrap_or(&mut []));
            for (z, row) in z.iter_mut().zip(logits) {
                *z = row[l];
            }
            if l < samples {
                if !z.iter().all(|v| v.is_finite()) {
                    return false;
                }
                softmax(z, p);
            }
            for (j, (d, &p)) in delta_out.iter_mut().zip(&*p).enumerate() {
                d[l] = if l < samples {
                    (p - if j == labels[l] { 1.0 } else { 0.0 }) * scale
                } else {
                    0.0
                };
            }
        }

        for (s, stage) in self.plan.iter().enumerate().rev() {
            let (k, w) = (stage.inputs, stage.outputs);
            let d = delta.get_mut(..w).unwrap_or(&mut []);
            if let Some(activation) = stage.activation {
                let y = activations.get((s + 1) * MAX_WIDTH..).unwrap_or(&[]);
                slope_lanes(activation, d, y);
            }
            let block = if w <= NARROW_BLOCK { NARROW_BLOCK } else { WIDE_BLOCK };
            let stride = w.div_ceil(block) * block;
            to_sample_rows(d, by_sample, stride, samples);
            let x = activations.get(s * MAX_WIDTH..s * MAX_WIDTH + k).unwrap_or(&[]);
            if let Some(grad) = arena.grad.get_mut(stage.offset..stage.offset + (k + 1) * w) {
                let (weights, bias) = grad.split_at_mut(k * w);
                // Finite gradients (a sound run's) need no choice per input; the gradient's sums
                // start at +0 (`arena.grad` is cleared above).
                let finite = all_finite(by_sample.get(..samples * stride).unwrap_or(&[]));
                let outer: OuterKernel = match (block == NARROW_BLOCK, finite) {
                    (true, true) => outer_finite::<NARROW_BLOCK>,
                    (true, false) => outer::<NARROW_BLOCK>,
                    (false, true) => outer_finite::<WIDE_BLOCK>,
                    (false, false) => outer::<WIDE_BLOCK>,
                };
                outer(weights, w, x, by_sample, stride, samples);
                outer(bias, w, &[[1.0; LANES]], by_sample, stride, samples);
            }
            if s > 0 {
                let layer = stage.layer(arena.weights);
                let g = grad_x.get_mut(..k).unwrap_or(&mut []);
                backward_input_lanes_into(layer.weights, d, g);
                if let Some(next) = delta.get_mut(..k) {
                    next.copy_from_slice(g);
                }
            }
        }
        true
    }
}

/// Whether every parameter is finite and none is -0, so that no sum of a forward pass starts at
/// -0 and adding `0 * w` leaves each as it was ([`accumulate_lanes_into`]): true of a trained
/// child (its biases start at +0 and are only subtracted from; `x - y` is -0 only for a -0 `x`).
pub(super) fn adds_zeros_exactly(weights: &[[u8; 4]]) -> bool {
    finite_and_no_negative_zero(weights)
}
