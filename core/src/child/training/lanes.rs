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
    LANES, Lane, SampleRows, accumulate_lanes_into,
    accumulate_outer_finite_lanes_into as outer_adding,
    accumulate_outer_lanes_into as outer_choosing, activate_lanes, all_finite,
    backward_input_lanes_into, finite_and_no_negative_zero, slope_lanes, to_sample_rows,
};
use crate::space::architecture::{argmax, softmax};

/// The weight gradient's column tiles, whose sums stay in registers over the samples: a wide
/// layer's outputs 64 at a time, a narrow one's (a classifier's few) in one tile of 16.
const WIDE_TILE: usize = 64;
const NARROW_TILE: usize = 16;

/// A weight gradient's kernel ([`outer_choosing`] or [`outer_adding`]).
type OuterKernel = fn(&mut [[u8; 4]], usize, &[Lane], SampleRows<'_>);

/// A layer's row of values at most this wide, in [`WIDE_TILE`]s (a sample-major row's stride).
const ROW_STRIDE: usize = MAX_WIDTH.div_ceil(WIDE_TILE) * WIDE_TILE;

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
    /// `delta` sample-major, each sample's row at a stride of at most [`ROW_STRIDE`], for the
    /// weight gradient.
    delta_rows: Vec<f32>,
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
            delta_rows: vec![0.0; LANES * ROW_STRIDE],
        }
    }
}

/// Whether the forward pass may add a zero input's `0 * w` instead of keeping the sum
/// ([`accumulate_lanes_into`]): every parameter finite and none -0, so that no sum starts at -0.
/// True of a run that has not diverged: its biases start at +0 and are only ever subtracted
/// from, and `x - y` is -0 only for a -0 `x`.
pub(super) fn forward_adds_zeros(weights: &[[u8; 4]]) -> bool {
    finite_and_no_negative_zero(weights)
}

/// Sample `l`'s logits (its lane of each row of `logits`) into `out`.
fn lane_logits(logits: &[Lane], l: usize, out: &mut [f32]) {
    for (z, row) in out.iter_mut().zip(logits) {
        *z = row.get(l).copied().unwrap_or(0.0);
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
        let adds_zeros = forward_adds_zeros(arena.weights);
        let scale = 1.0 / range.len().max(1) as f32;
        let mut start = range.start;
        while start < range.end {
            let end = (start + LANES).min(range.end);
            if !self.lane_block(arena, start..end, scale, adds_zeros, scratch) {
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
        let adds_zeros = forward_adds_zeros(arena.weights);
        let mut correct = 0;
        let mut start = range.start;
        while start < range.end {
            let end = (start + LANES).min(range.end);
            let labels = self.forward_in_lanes(arena, start..end, adds_zeros, scratch);
            let at = self.plan.len() * MAX_WIDTH;
            let logits = scratch.activations.get(at..at + last.outputs).unwrap_or(&[]);
            for (l, &label) in labels.iter().enumerate().take(end - start) {
                let mut z = [0.0_f32; MAX_CLASSES];
                let z = z.get_mut(..last.outputs).unwrap_or(&mut []);
                lane_logits(logits, l, z);
                if z.iter().all(|v| v.is_finite()) && argmax(z) == label {
                    correct += 1;
                }
            }
            start = end;
        }
        correct
    }

    /// The forward pass of the samples at positions `block` (at most [`LANES`]) into the
    /// scratch's activations, adding zero inputs where `adds_zeros` ([`forward_adds_zeros`]);
    /// returns their labels. An unused lane reads zeros.
    fn forward_in_lanes(
        &self,
        arena: &Arena<'_>,
        block: core::ops::Range<usize>,
        adds_zeros: bool,
        scratch: &mut LaneScratch,
    ) -> [usize; LANES] {
        let LaneScratch { modules, activations, .. } = scratch;
        let mut labels = [0_usize; LANES];
        let module_rows = activations.get_mut(..NUMERIC_WIDTH).unwrap_or(&mut []);
        module_rows.iter_mut().for_each(|r| *r = [0.0; LANES]);
        for ((l, p), label) in block.enumerate().zip(labels.iter_mut()) {
            let i = index(arena.order, p);
            *label = usize::from(arena.labels.get(i).copied().unwrap_or(0));
            let Some(module) = modules.get(i) else { continue };
            for (row, &v) in module_rows.iter_mut().zip(module) {
                if let Some(lane) = row.get_mut(l) {
                    *lane = v;
                }
            }
        }
        for (s, stage) in self.plan.iter().enumerate() {
            let Some((inputs, outputs)) = activations.split_at_mut_checked((s + 1) * MAX_WIDTH)
            else {
                break;
            };
            let x = inputs.get(s * MAX_WIDTH..s * MAX_WIDTH + stage.inputs).unwrap_or(&[]);
            let out = outputs.get_mut(..stage.outputs).unwrap_or(&mut []);
            let layer = stage.layer(arena.weights);
            for (o, b) in out.iter_mut().zip(layer.bias) {
                *o = [le_f32(b); LANES];
            }
            if adds_zeros {
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
        adds_zeros: bool,
        scratch: &mut LaneScratch,
    ) -> bool {
        let Some(last) = self.plan.last() else { return true };
        let samples = block.len();
        let labels = self.forward_in_lanes(arena, block, adds_zeros, scratch);
        let LaneScratch { activations, delta, grad_x, delta_rows, .. } = scratch;

        // d loss / d logits = softmax - one-hot, each sample's.
        let classes = last.outputs;
        let at = self.plan.len() * MAX_WIDTH;
        let logits = activations.get(at..at + classes).unwrap_or(&[]);
        let delta_out = delta.get_mut(..classes).unwrap_or(&mut []);
        for (l, &label) in labels.iter().enumerate() {
            let mut z = [0.0_f32; MAX_CLASSES];
            let mut p = [0.0_f32; MAX_CLASSES];
            let (z, p) =
                (z.get_mut(..classes).unwrap_or(&mut []), p.get_mut(..classes).unwrap_or(&mut []));
            lane_logits(logits, l, z);
            if l < samples {
                if !z.iter().all(|v| v.is_finite()) {
                    return false;
                }
                softmax(z, p);
            }
            for (j, (d, &p)) in delta_out.iter_mut().zip(&*p).enumerate() {
                if let Some(d) = d.get_mut(l) {
                    *d = if l < samples {
                        (p - if j == label { 1.0 } else { 0.0 }) * scale
                    } else {
                        0.0
                    };
                }
            }
        }

        for (s, stage) in self.plan.iter().enumerate().rev() {
            let (k, w) = (stage.inputs, stage.outputs);
            let d = delta.get_mut(..w).unwrap_or(&mut []);
            if let Some(activation) = stage.activation {
                let y = activations.get((s + 1) * MAX_WIDTH..).unwrap_or(&[]);
                slope_lanes(activation, d, y);
            }
            let tile = if w <= NARROW_TILE { NARROW_TILE } else { WIDE_TILE };
            let stride = w.div_ceil(tile) * tile;
            to_sample_rows(d, delta_rows, stride, samples);
            let x = activations.get(s * MAX_WIDTH..s * MAX_WIDTH + k).unwrap_or(&[]);
            if let Some(grad) = arena.grad.get_mut(stage.offset..stage.offset + (k + 1) * w) {
                let (weights, bias) = grad.split_at_mut(k * w);
                // Finite gradients (a sound run's) need no choice per input; the gradient's sums
                // start at +0 (`arena.grad` is cleared above).
                let rows = SampleRows { values: delta_rows, stride, samples };
                let finite = all_finite(delta_rows.get(..samples * stride).unwrap_or(&[]));
                let outer: OuterKernel = match (tile == NARROW_TILE, finite) {
                    (true, true) => outer_adding::<NARROW_TILE>,
                    (true, false) => outer_choosing::<NARROW_TILE>,
                    (false, true) => outer_adding::<WIDE_TILE>,
                    (false, false) => outer_choosing::<WIDE_TILE>,
                };
                outer(weights, w, x, rows);
                outer(bias, w, &[[1.0; LANES]], rows);
            }
            if s > 0 {
                let layer = stage.layer(arena.weights);
                let g = grad_x.get_mut(..k).unwrap_or(&mut []);
                backward_input_lanes_into(layer.weights, d, g);
                for (next, &g) in delta.iter_mut().zip(&*g) {
                    *next = g;
                }
            }
        }
        true
    }
}
