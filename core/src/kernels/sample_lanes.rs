//! A child's training kernels over [`LANES`] samples at once, one sample a vector lane (host
//! builds, `runtime-dispatch`): the same operations in the same order, sample by sample, as
//! [`crate::kernels::dense`]'s kernels that a device runs one sample at a time, so the same bits,
//! in vectors as wide as the host has whatever a layer's width.
//!
//! [`dense`](crate::kernels::dense) skips an input of zero (a ReLU's). A lane cannot skip, so
//! the choosing kernels keep a sum where its input is zero (a select on the bits), the same bits
//! for any values. Adding `0 * w` instead is faster and gives the same bits only where no sum is
//! -0 (-0 + +0 is +0) and every factor is finite (0 * inf is NaN): the adding kernels ask for
//! that, and their callers check it. One more caveat, shared with the device's kernels: Rust does
//! not fix a NaN's payload bits, so a NaN that survives training may differ in them.

use crate::dims::Activation;
use crate::kernels::dense::{le_f32, relu_of};
use crate::kernels::fast_tanh::fast_tanh;

/// Samples a kernel runs at once (two AVX-512 vectors of f32; against 16 and 64 lanes on a Zen 5
/// core, 6 % and 8 % faster on a ReLU child's step).
pub const LANES: usize = 32;

/// One value of [`LANES`] samples.
pub type Lane = [f32; LANES];

/// `out[j] += x[i] * W[i][j]` over every input `i` in order, lane by lane, a lane's sum kept
/// where its input is zero: [`crate::kernels::dense::accumulate_into`] for every lane. `W` is
/// `[x.len()][out.len()]`, little-endian f32.
///
/// `SKIP_ZEROS = false` adds a zero input's `0 * w` instead of keeping the sum, the same bits where every
/// weight is finite and no sum of `out` starts at -0 (then none is ever -0, and adding a zero of
/// either sign leaves a sum as it was): a trained child's, whose biases start at +0 and are
/// only ever subtracted from.
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
pub fn accumulate_lanes_into<const SKIP_ZEROS: bool>(
    weights: &[[u8; 4]],
    x: &[Lane],
    out: &mut [Lane],
) {
    let width = out.len();
    // Eight outputs at a time, their sums in registers over the inputs (eight independent
    // chains of additions), then the rest one at a time; each output's sum runs over the inputs
    // in order. Written out sum by sum: as a loop over the eight, the compiler vectorized
    // across them instead of across the lanes (5x slower).
    let mut outs = out.chunks_exact_mut(8);
    let mut column = 0;
    for o in &mut outs {
        if let [o0, o1, o2, o3, o4, o5, o6, o7] = o {
            let mut a = [*o0, *o1, *o2, *o3, *o4, *o5, *o6, *o7];
            for (xi, row) in x.iter().zip(weights.chunks_exact(width)) {
                let Some(w) = row.get(column..).and_then(<[[u8; 4]]>::first_chunk::<8>) else {
                    break;
                };
                let live = xi.map(|v| if v == 0.0 { 0 } else { u32::MAX });
                let [a0, a1, a2, a3, a4, a5, a6, a7] = &mut a;
                add_scaled_where::<SKIP_ZEROS>(a0, xi, le_f32(&w[0]), &live);
                add_scaled_where::<SKIP_ZEROS>(a1, xi, le_f32(&w[1]), &live);
                add_scaled_where::<SKIP_ZEROS>(a2, xi, le_f32(&w[2]), &live);
                add_scaled_where::<SKIP_ZEROS>(a3, xi, le_f32(&w[3]), &live);
                add_scaled_where::<SKIP_ZEROS>(a4, xi, le_f32(&w[4]), &live);
                add_scaled_where::<SKIP_ZEROS>(a5, xi, le_f32(&w[5]), &live);
                add_scaled_where::<SKIP_ZEROS>(a6, xi, le_f32(&w[6]), &live);
                add_scaled_where::<SKIP_ZEROS>(a7, xi, le_f32(&w[7]), &live);
            }
            [*o0, *o1, *o2, *o3, *o4, *o5, *o6, *o7] = a;
        }
        column += 8;
    }
    for o in outs.into_remainder() {
        let mut a = *o;
        for (xi, row) in x.iter().zip(weights.chunks_exact(width)) {
            let live = xi.map(|v| if v == 0.0 { 0 } else { u32::MAX });
            add_scaled_where::<SKIP_ZEROS>(&mut a, xi, row.get(column).map_or(0.0, le_f32), &live);
        }
        *o = a;
        column += 1;
    }
}

/// `acc += x * w` in the lanes whose `live` mask is set, `acc` kept in the others: a select on
/// the bits, which every vector unit has.
#[inline(always)]
fn add_scaled_where<const SKIP_ZEROS: bool>(acc: &mut Lane, x: &Lane, w: f32, live: &[u32; LANES]) {
    if !SKIP_ZEROS {
        return add_scaled(acc, x, w);
    }
    for l in 0..LANES {
        let sum = (acc[l] + x[l] * w).to_bits();
        acc[l] = f32::from_bits((sum & live[l]) | (acc[l].to_bits() & !live[l]));
    }
}

/// `acc += x * w` in every lane.
#[inline(always)]
fn add_scaled(acc: &mut Lane, x: &Lane, w: f32) {
    for l in 0..LANES {
        acc[l] += w * x[l];
    }
}

/// `grad_x[i] = W[i] · grad_out` for every lane, with
/// [`crate::kernels::dense::dot_with`]'s four accumulators and its order of additions: the same
/// bits as [`crate::kernels::dense::backward_input_into`] lane by lane.
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
pub fn backward_input_lanes_into(weights: &[[u8; 4]], grad_out: &[Lane], grad_x: &mut [Lane]) {
    let width = grad_out.len();
    if width == 0 {
        return;
    }
    // Two rows at a time: eight independent sums, each gradient's read once for both.
    let mut grads = grad_x.chunks_exact_mut(2);
    let mut rows = weights.chunks_exact(2 * width);
    for (g, pair) in (&mut grads).zip(&mut rows) {
        if let [g0, g1] = g {
            let (r0, r1) = pair.split_at(width);
            (*g0, *g1) = dot_pair(r0, r1, grad_out);
        }
    }
    // An odd row last, paired with itself.
    for (g, row) in grads.into_remainder().iter_mut().zip(rows.remainder().chunks_exact(width)) {
        *g = dot_pair(row, row, grad_out).0;
    }
}

/// Rows `r0` and `r1` each dotted with `grad_out` in every lane, by
/// [`crate::kernels::dense::dot_with`]'s four accumulators and order of additions.
#[inline(always)]
fn dot_pair(r0: &[[u8; 4]], r1: &[[u8; 4]], grad_out: &[Lane]) -> (Lane, Lane) {
    let zero = [0.0; LANES];
    let (mut a0, mut a1, mut a2, mut a3) = (zero, zero, zero, zero);
    let (mut b0, mut b1, mut b2, mut b3) = (zero, zero, zero, zero);
    let mut rows0 = r0.chunks_exact(4);
    let mut rows1 = r1.chunks_exact(4);
    let mut outs = grad_out.chunks_exact(4);
    for ((w, v), d) in (&mut rows0).zip(&mut rows1).zip(&mut outs) {
        if let ([w0, w1, w2, w3], [v0, v1, v2, v3], [d0, d1, d2, d3]) = (w, v, d) {
            add_scaled(&mut a0, d0, le_f32(w0));
            add_scaled(&mut b0, d0, le_f32(v0));
            add_scaled(&mut a1, d1, le_f32(w1));
            add_scaled(&mut b1, d1, le_f32(v1));
            add_scaled(&mut a2, d2, le_f32(w2));
            add_scaled(&mut b2, d2, le_f32(v2));
            add_scaled(&mut a3, d3, le_f32(w3));
            add_scaled(&mut b3, d3, le_f32(v3));
        }
    }
    let (mut tail0, mut tail1) = (zero, zero);
    let tails = rows0.remainder().iter().zip(rows1.remainder()).zip(outs.remainder());
    for ((w, v), d) in tails {
        add_scaled(&mut tail0, d, le_f32(w));
        add_scaled(&mut tail1, d, le_f32(v));
    }
    let (mut g0, mut g1) = (zero, zero);
    for l in 0..LANES {
        g0[l] = (a0[l] + a1[l]) + (a2[l] + a3[l]) + tail0[l];
        g1[l] = (b0[l] + b1[l]) + (b2[l] + b3[l]) + tail1[l];
    }
    (g0, g1)
}

/// A layer's gradients sample-major, what the weight gradient's kernels read: sample `l`'s
/// values from `l * stride` on, zeros past the layer's width up to the next sample's.
#[derive(Clone, Copy, Debug)]
pub struct SampleRows<'a> {
    /// The rows, end to end.
    pub values: &'a [f32],
    /// Where each sample's row starts after the one before.
    pub stride: usize,
    /// The samples in the rows (at most [`LANES`]).
    pub samples: usize,
}

impl SampleRows<'_> {
    /// Whether rows of this stride hold `width` values in whole `BLOCK`s, and the rows are
    /// there; a kernel given rows that do not fit reads nothing.
    #[inline(always)]
    fn fit<const BLOCK: usize>(&self, width: usize) -> bool {
        let consistent = BLOCK > 0 && self.stride >= width && self.stride.is_multiple_of(BLOCK);
        let there = self.values.len() >= self.samples.min(LANES) * self.stride;
        debug_assert!(consistent && there, "the rows do not fit");
        width > 0 && consistent
    }

    /// The `N` values from `offset` on (a sample's row start plus a column).
    #[inline(always)]
    fn block<const N: usize>(&self, offset: usize) -> Option<&[f32; N]> {
        self.values.get(offset..).and_then(<[f32]>::first_chunk)
    }
}

/// `G[i] += x[i][l] * v[l]` for the samples `l` of `v` in order, a zero input's sample
/// skipped: [`crate::kernels::dense::accumulate_outer_into`] called sample after sample. `G` is
/// `[x.len()][width]` little-endian f32; `v`'s stride is a multiple of `BLOCK` (the outputs
/// whose sums stay in registers).
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
pub fn accumulate_outer_lanes_into<const BLOCK: usize>(
    grad: &mut [[u8; 4]],
    width: usize,
    x: &[Lane],
    v: SampleRows<'_>,
) {
    if !v.fit::<BLOCK>(width) {
        return;
    }
    for (row, xi) in grad.chunks_exact_mut(width).zip(x) {
        // The samples whose input is not zero (their input, and their row of `v`), gathered
        // without a branch (ReLU inputs are zero at random, which a branch would mispredict),
        // in order.
        let mut inputs = [0.0_f32; LANES];
        let mut rows = [0_usize; LANES];
        let mut count = 0;
        for (l, &xl) in xi.iter().enumerate().take(v.samples) {
            if let (Some(input), Some(at)) = (inputs.get_mut(count), rows.get_mut(count)) {
                (*input, *at) = (xl, l * v.stride);
            }
            count += usize::from(xl != 0.0);
        }
        let live = inputs.iter().zip(&rows).take(count);
        let mut blocks = row.chunks_exact_mut(BLOCK);
        let mut column = 0;
        for block in &mut blocks {
            if let Ok(block) = <&mut [[u8; 4]; BLOCK]>::try_from(block) {
                let mut acc = block.map(f32::from_le_bytes);
                add_samples(&mut acc, live.clone(), v, column);
                *block = acc.map(f32::to_le_bytes);
            }
            column += BLOCK;
        }
        let rest = blocks.into_remainder();
        if !rest.is_empty() {
            let mut acc = [0.0_f32; BLOCK];
            load_block(&mut acc, rest, 0);
            add_samples(&mut acc, live, v, column);
            store_block(rest, &acc, 0);
        }
    }
}

/// `acc += x * v[at + column..][..N]` for each live sample's input `x` and row `at`, in order.
#[inline(always)]
fn add_samples<'a, const N: usize>(
    acc: &mut [f32; N],
    live: impl Iterator<Item = (&'a f32, &'a usize)>,
    v: SampleRows<'_>,
    column: usize,
) {
    for (&x, &at) in live {
        let Some(vl) = v.block::<N>(at + column) else { break };
        for (a, &vj) in acc.iter_mut().zip(vl) {
            *a += x * vj;
        }
    }
}

/// [`accumulate_outer_lanes_into`] where every value of `v` is finite and no value of `G` is -0
/// (a gradient summed from +0 never is: a sum is -0 only when both its terms are). Then a zero
/// input's `0 * v`, a zero of either sign, leaves a sum as it was, so every sample is added
/// without a choice: the same bits, four rows at a time (with a `BLOCK` of 64 and AVX-512,
/// sixteen independent vector sums in registers), each sample's values read once for the four.
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
pub fn accumulate_outer_finite_lanes_into<const BLOCK: usize>(
    grad: &mut [[u8; 4]],
    width: usize,
    x: &[Lane],
    v: SampleRows<'_>,
) {
    if !v.fit::<BLOCK>(width) {
        return;
    }
    let mut quads = grad.chunks_exact_mut(4 * width).zip(x.chunks_exact(4));
    for (rows, inputs) in &mut quads {
        let (r0, rest) = rows.split_at_mut(width);
        let (r1, rest) = rest.split_at_mut(width);
        let (r2, r3) = rest.split_at_mut(width);
        let [x0, x1, x2, x3] = inputs else { continue };
        let mut column = 0;
        while column < width {
            let mut acc = [[0.0_f32; BLOCK]; 4];
            for (a, r) in acc.iter_mut().zip([&*r0, &*r1, &*r2, &*r3]) {
                load_block(a, r, column);
            }
            let [a0, a1, a2, a3] = &mut acc;
            for l in 0..v.samples {
                let Some(vl) = v.block::<BLOCK>(l * v.stride + column) else { break };
                let inputs = (x0.get(l), x1.get(l), x2.get(l), x3.get(l));
                let (Some(&i0), Some(&i1), Some(&i2), Some(&i3)) = inputs else { break };
                for j in 0..BLOCK {
                    a0[j] += i0 * vl[j];
                    a1[j] += i1 * vl[j];
                    a2[j] += i2 * vl[j];
                    a3[j] += i3 * vl[j];
                }
            }
            for (r, a) in [&mut *r0, &mut *r1, &mut *r2, &mut *r3].into_iter().zip(&acc) {
                store_block(r, a, column);
            }
            column += BLOCK;
        }
    }
    // The last rows, fewer than four: the choosing kernel (the same bits).
    let done = grad.len() / (4 * width) * 4;
    if let (Some(grad), Some(x)) = (grad.get_mut(done * width..), x.get(done..)) {
        accumulate_outer_lanes_into::<BLOCK>(grad, width, x, v);
    }
}

/// `acc` = the values of `row` from `column` on, zeros past its end.
#[inline(always)]
fn load_block<const N: usize>(acc: &mut [f32; N], row: &[[u8; 4]], column: usize) {
    match row.get(column..).and_then(<[[u8; 4]]>::first_chunk::<N>) {
        Some(values) => *acc = values.map(f32::from_le_bytes),
        None => {
            *acc = [0.0; N];
            for (a, g) in acc.iter_mut().zip(row.get(column..).unwrap_or(&[])) {
                *a = le_f32(g);
            }
        }
    }
}

/// The values of `row` from `column` on = `acc` (as far as the row goes).
#[inline(always)]
fn store_block<const N: usize>(row: &mut [[u8; 4]], acc: &[f32; N], column: usize) {
    match row.get_mut(column..).and_then(<[[u8; 4]]>::first_chunk_mut::<N>) {
        Some(values) => *values = acc.map(f32::to_le_bytes),
        None => {
            for (g, a) in row.get_mut(column..).unwrap_or(&mut []).iter_mut().zip(acc) {
                *g = a.to_le_bytes();
            }
        }
    }
}

/// Whether every value is finite (which [`accumulate_outer_finite_lanes_into`] asks of its `v`).
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
#[must_use]
pub fn all_finite(values: &[f32]) -> bool {
    // A fold, not `all`: no early exit, so it runs on vectors.
    values.iter().fold(true, |ok, v| ok & v.is_finite())
}

/// Whether every little-endian value is finite and none is -0 (what
/// [`accumulate_lanes_into`] asks of a forward pass's weights and biases to add zero inputs).
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
#[must_use]
pub fn finite_and_no_negative_zero(values: &[[u8; 4]]) -> bool {
    // A fold, not `all`: no early exit, so it runs on vectors.
    values.iter().fold(true, |ok, w| {
        let v = le_f32(w);
        ok & v.is_finite() & (v.to_bits() != (-0.0_f32).to_bits())
    })
}

/// `activation` applied to every value, by the inference's functions.
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
pub fn activate_lanes(activation: Activation, values: &mut [Lane]) {
    // One loop per activation over the values laid end to end: a loop of whole vectors.
    let values = values.as_flattened_mut();
    match activation {
        Activation::Relu => values.iter_mut().for_each(|v| *v = relu_of(*v)),
        Activation::Tanh => values.iter_mut().for_each(|v| *v = fast_tanh(*v)),
    }
}

/// Each gradient times `activation`'s slope where it output `outputs`' value.
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
pub fn slope_lanes(activation: Activation, grad: &mut [Lane], outputs: &[Lane]) {
    // As `activate_lanes`: one loop per activation over the values laid end to end.
    let pairs = grad.as_flattened_mut().iter_mut().zip(outputs.as_flattened());
    match activation {
        Activation::Relu => pairs.for_each(|(g, &y)| *g *= Activation::Relu.slope_at_output(y)),
        Activation::Tanh => pairs.for_each(|(g, &y)| *g *= Activation::Tanh.slope_at_output(y)),
    }
}

/// The first `samples` lanes of `values` sample-major: sample `l`'s values at `l * stride`,
/// zeros after them up to the next sample's.
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
pub fn to_sample_rows(values: &[Lane], out: &mut [f32], stride: usize, samples: usize) {
    if stride == 0 {
        return;
    }
    // A square tile of values at a time, turned over; the rest one by one.
    let mut tiles = values.chunks_exact(LANES);
    let mut column = 0;
    for tile in &mut tiles {
        let Ok(tile) = <&[Lane; LANES]>::try_from(tile) else { break };
        for (l, row) in out.chunks_exact_mut(stride).enumerate().take(samples.min(LANES)) {
            let turned: [f32; LANES] =
                core::array::from_fn(|j| tile[j].get(l).copied().unwrap_or(0.0));
            if let Some(o) = row.get_mut(column..).and_then(<[f32]>::first_chunk_mut::<LANES>) {
                *o = turned;
            }
        }
        column += LANES;
    }
    let rest = tiles.remainder();
    for (l, row) in out.chunks_exact_mut(stride).enumerate().take(samples) {
        let tail = row.get_mut(column..).unwrap_or(&mut []);
        tail.fill(0.0);
        for (o, v) in tail.iter_mut().zip(rest) {
            *o = v.get(l).copied().unwrap_or(0.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::dense::{accumulate_into, accumulate_outer_into, backward_input_into};
    use crate::kernels::rng::Rng;
    use std::vec;
    use std::vec::Vec;

    /// Values with exact zeros and negative zeros among them, as a ReLU's and a gradient's.
    fn values(rng: &mut Rng, n: usize) -> Vec<f32> {
        (0..n)
            .map(|_| match rng.below(6) {
                0 => 0.0,
                1 => -0.0,
                _ => rng.normal() as f32,
            })
            .collect()
    }

    fn le(values: &[f32]) -> Vec<[u8; 4]> {
        values.iter().map(|v| v.to_le_bytes()).collect()
    }

    fn lanes(values: &[f32], width: usize) -> Vec<Lane> {
        (0..width)
            .map(|i| core::array::from_fn(|l| values.get(l * width + i).copied().unwrap_or(0.0)))
            .collect()
    }

    fn rows(values: &[f32], stride: usize, samples: usize) -> SampleRows<'_> {
        SampleRows { values, stride, samples }
    }

    fn bits(values: impl IntoIterator<Item = f32>) -> Vec<u32> {
        values.into_iter().map(f32::to_bits).collect()
    }

    /// `values` with every -0 made +0: a sum that began at +0 (a gradient's, a trained bias).
    fn no_negative_zero(values: &[f32]) -> Vec<f32> {
        values.iter().map(|&v| if v == 0.0 { 0.0 } else { v }).collect()
    }

    #[test]
    fn every_kernel_gives_each_lane_the_bits_of_its_one_sample_kernel() {
        let mut rng = Rng::new(7);
        for (k, w) in [(64, 64), (21, 3), (5, 70), (64, 128), (3, 1), (9, 17)] {
            let finite_weights = values(&mut rng, k * w);
            // An infinite weight: the choosing kernels must keep its zero inputs out too.
            let mut weights = finite_weights.clone();
            weights[k * w / 2] = f32::INFINITY;
            let (weights, finite_weights) = (le(&weights), le(&finite_weights));
            let xs = values(&mut rng, LANES * k);
            let ds = values(&mut rng, LANES * w);
            let start = values(&mut rng, LANES * w);
            let positive_start = no_negative_zero(&start);

            let mut out = lanes(&start, w);
            accumulate_lanes_into::<true>(&weights, &lanes(&xs, k), &mut out);
            let mut out_added = lanes(&positive_start, w);
            accumulate_lanes_into::<false>(&finite_weights, &lanes(&xs, k), &mut out_added);
            let mut grad_x = vec![[0.0; LANES]; k];
            backward_input_lanes_into(&weights, &lanes(&ds, w), &mut grad_x);
            let stride = w.div_ceil(64) * 64;
            let mut padded = vec![0.0; LANES * stride];
            for l in 0..LANES {
                padded[l * stride..l * stride + w].copy_from_slice(&ds[l * w..(l + 1) * w]);
            }
            let x = lanes(&xs, k);
            let mut grad = weights.clone();
            accumulate_outer_lanes_into::<64>(&mut grad, w, &x, rows(&padded, stride, LANES - 1));
            let mut grad16 = weights.clone();
            accumulate_outer_lanes_into::<16>(&mut grad16, w, &x, rows(&padded, stride, LANES - 1));
            assert_eq!(grad, grad16, "outer blocks {k}x{w}");
            assert!(all_finite(&padded));
            let positive_grad = le(&no_negative_zero(&values(&mut rng, k * w)));
            let mut grad_added = positive_grad.clone();
            accumulate_outer_finite_lanes_into::<64>(
                &mut grad_added,
                w,
                &x,
                rows(&padded, stride, LANES - 1),
            );
            let mut grad_added16 = positive_grad.clone();
            accumulate_outer_finite_lanes_into::<16>(
                &mut grad_added16,
                w,
                &x,
                rows(&padded, stride, LANES - 1),
            );
            assert_eq!(grad_added, grad_added16, "finite outer blocks {k}x{w}");

            let mut expected_grad = weights.clone();
            let mut expected_added = positive_grad.clone();
            for l in 0..LANES {
                let (x, d) = (&xs[l * k..(l + 1) * k], &ds[l * w..(l + 1) * w]);
                let mut o = start[l * w..(l + 1) * w].to_vec();
                accumulate_into(&weights, x, &mut o);
                assert_eq!(bits(o), bits(out.iter().map(|v| v[l])), "forward {k}x{w} lane {l}");
                let mut o = positive_start[l * w..(l + 1) * w].to_vec();
                accumulate_into(&finite_weights, x, &mut o);
                let added = bits(out_added.iter().map(|v| v[l]));
                assert_eq!(bits(o), added, "adding forward {k}x{w} lane {l}");
                let mut g = vec![0.0; k];
                backward_input_into(&weights, d, &mut g);
                assert_eq!(bits(g), bits(grad_x.iter().map(|v| v[l])), "input {k}x{w} lane {l}");
                if l < LANES - 1 {
                    accumulate_outer_into(&mut expected_grad, x, d);
                    accumulate_outer_into(&mut expected_added, x, d);
                }
            }
            assert_eq!(grad, expected_grad, "outer {k}x{w}");
            assert_eq!(grad_added, expected_added, "finite outer {k}x{w}");

            // A narrow layer's production stride (16), and an infinite gradient, which only the
            // choosing kernel may take: its zero inputs' rows stay finite, as the device's do.
            let stride = w.div_ceil(16) * 16;
            let mut ds_inf = ds.clone();
            ds_inf[w - 1] = f32::INFINITY;
            let mut padded = vec![0.0; LANES * stride];
            for l in 0..LANES {
                padded[l * stride..l * stride + w].copy_from_slice(&ds_inf[l * w..(l + 1) * w]);
            }
            assert!(!all_finite(&padded));
            let mut grad = positive_grad.clone();
            accumulate_outer_lanes_into::<16>(&mut grad, w, &x, rows(&padded, stride, LANES));
            let mut expected = positive_grad.clone();
            for l in 0..LANES {
                let (xl, d) = (&xs[l * k..(l + 1) * k], &ds_inf[l * w..(l + 1) * w]);
                accumulate_outer_into(&mut expected, xl, d);
            }
            assert_eq!(grad, expected, "outer with an infinite gradient {k}x{w}");
            if w <= 16 {
                let finite_rows: Vec<f32> =
                    padded.iter().map(|&v| if v.is_finite() { v } else { 1.0 }).collect();
                let mut grad = positive_grad.clone();
                accumulate_outer_finite_lanes_into::<16>(
                    &mut grad,
                    w,
                    &x,
                    rows(&finite_rows, stride, 9),
                );
                let mut expected = positive_grad.clone();
                for l in 0..9 {
                    let xl = &xs[l * k..(l + 1) * k];
                    accumulate_outer_into(
                        &mut expected,
                        xl,
                        &finite_rows[l * stride..l * stride + w],
                    );
                }
                assert_eq!(grad, expected, "finite outer at the narrow stride {k}x{w}");
            }
        }
        assert!(!all_finite(&[1.0, f32::NAN]) && !all_finite(&[f32::NEG_INFINITY]));
    }

    #[test]
    fn adding_a_zero_input_differs_from_choosing_only_where_the_preconditions_fail() {
        // The reason the choosing kernels exist: a -0 sum plus +0 is +0, and 0 * inf is NaN.
        let x = [[0.0; LANES]];
        let mut chosen = [[-0.0; LANES]];
        accumulate_lanes_into::<true>(&[1.0_f32.to_le_bytes()], &x, &mut chosen);
        let mut added = [[-0.0; LANES]];
        accumulate_lanes_into::<false>(&[1.0_f32.to_le_bytes()], &x, &mut added);
        assert_eq!((chosen[0][0].to_bits(), added[0][0].to_bits()), ((-0.0_f32).to_bits(), 0));
        let mut chosen = [[1.0; LANES]];
        accumulate_lanes_into::<true>(&[f32::INFINITY.to_le_bytes()], &x, &mut chosen);
        assert_eq!(chosen[0][0], 1.0);
    }
}
