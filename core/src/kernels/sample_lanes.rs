//! A child's training kernels over [`LANES`] samples at once, one sample a vector lane (host
//! builds, `runtime-dispatch`): the same operations in the same order, sample by sample, as
//! [`crate::kernels::dense`]'s kernels that a device runs one sample at a time, so the same bits,
//! in vectors as wide as the host has whatever a layer's width.
//!
//! [`dense`](crate::kernels::dense) skips an input of zero (a ReLU's); a lane cannot skip, so
//! it keeps its sum where the input is zero (a select, not `+ 0 * w`, which could turn a sum of
//! -0 into +0).

use crate::kernels::dense::le_f32;

/// Samples a kernel runs at once: a 512-bit vector of f32.
pub const LANES: usize = 16;

/// One value of [`LANES`] samples.
pub type Lane = [f32; LANES];

/// `out[j] += x[i] * W[i][j]` over every input `i` in order, lane by lane, a lane's sum kept
/// where its input is zero: [`crate::kernels::dense::accumulate_into`] for every lane. `W` is
/// `[x.len()][out.len()]`, little-endian f32.
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
pub fn accumulate_lanes_into(weights: &[[u8; 4]], x: &[Lane], out: &mut [Lane]) {
    let width = out.len();
    if width == 0 {
        return;
    }
    // Four outputs at a time, their sums in registers over the inputs (four independent chains
    // of additions); each output's sum still runs over the inputs in order.
    let mut column = 0;
    let mut outs = out.chunks_exact_mut(4);
    for o in &mut outs {
        if let [o0, o1, o2, o3] = o {
            let (mut a0, mut a1, mut a2, mut a3) = (*o0, *o1, *o2, *o3);
            for (xi, row) in x.iter().zip(weights.chunks_exact(width)) {
                let live = xi.map(|v| if v == 0.0 { 0 } else { u32::MAX });
                let w = |q: usize| row.get(column + q).map_or(0.0, le_f32);
                add_scaled_where(&mut a0, xi, w(0), &live);
                add_scaled_where(&mut a1, xi, w(1), &live);
                add_scaled_where(&mut a2, xi, w(2), &live);
                add_scaled_where(&mut a3, xi, w(3), &live);
            }
            (*o0, *o1, *o2, *o3) = (a0, a1, a2, a3);
        }
        column += 4;
    }
    for o in outs.into_remainder() {
        let mut a = *o;
        for (xi, row) in x.iter().zip(weights.chunks_exact(width)) {
            let live = xi.map(|v| if v == 0.0 { 0 } else { u32::MAX });
            add_scaled_where(&mut a, xi, row.get(column).map_or(0.0, le_f32), &live);
        }
        *o = a;
        column += 1;
    }
}

/// `acc += x * w` in the lanes whose `live` mask is set, `acc` kept in the others: a select on
/// the bits, which every vector unit has.
#[inline(always)]
fn add_scaled_where(acc: &mut Lane, x: &Lane, w: f32, live: &[u32; LANES]) {
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
    for (g, row) in grad_x.iter_mut().zip(weights.chunks_exact(width)) {
        let (mut a0, mut a1, mut a2, mut a3) =
            ([0.0; LANES], [0.0; LANES], [0.0; LANES], [0.0; LANES]);
        let mut rows = row.chunks_exact(4);
        let mut outs = grad_out.chunks_exact(4);
        for (r, d) in (&mut rows).zip(&mut outs) {
            if let ([w0, w1, w2, w3], [d0, d1, d2, d3]) = (r, d) {
                add_scaled(&mut a0, d0, le_f32(w0));
                add_scaled(&mut a1, d1, le_f32(w1));
                add_scaled(&mut a2, d2, le_f32(w2));
                add_scaled(&mut a3, d3, le_f32(w3));
            }
        }
        let mut tail = [0.0; LANES];
        for (w, d) in rows.remainder().iter().zip(outs.remainder()) {
            add_scaled(&mut tail, d, le_f32(w));
        }
        for l in 0..LANES {
            g[l] = (a0[l] + a1[l]) + (a2[l] + a3[l]) + tail[l];
        }
    }
}

/// `G[i] += x[i][l] * v[l]` for samples `l` in `0..samples` in order, a zero input's sample
/// skipped: [`crate::kernels::dense::accumulate_outer_into`] called sample after sample. `G` is
/// `[x.len()][width]` little-endian f32; `v` holds each sample's `width` values at a stride that
/// is a multiple of `BLOCK` (the outputs whose sums stay in registers), zero past `width`.
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
    v: &[f32],
    stride: usize,
    samples: usize,
) {
    if width == 0 || BLOCK == 0 || stride < width || !stride.is_multiple_of(BLOCK) {
        return;
    }
    for (row, xi) in grad.chunks_exact_mut(width).zip(x) {
        // The samples whose input is not zero, gathered without a branch (ReLU inputs are zero
        // at random, which a branch would mispredict), in order.
        let mut live = [0_usize; LANES];
        let mut count = 0;
        for (l, &xl) in xi.iter().enumerate().take(samples) {
            if let Some(slot) = live.get_mut(count) {
                *slot = l;
            }
            count += usize::from(xl != 0.0);
        }
        let live = live.get(..count).unwrap_or(&[]);
        for (c, block) in row.chunks_mut(BLOCK).enumerate() {
            let mut acc = [0.0_f32; BLOCK];
            for (a, g) in acc.iter_mut().zip(block.iter()) {
                *a = le_f32(g);
            }
            for &l in live {
                let Some(vl) =
                    v.get(l * stride + c * BLOCK..).and_then(<[f32]>::first_chunk::<BLOCK>)
                else {
                    break;
                };
                let xl = xi.get(l).copied().unwrap_or(0.0);
                for (a, &vj) in acc.iter_mut().zip(vl) {
                    *a += xl * vj;
                }
            }
            for (g, a) in block.iter_mut().zip(acc) {
                *g = a.to_le_bytes();
            }
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

    fn bits(values: impl IntoIterator<Item = f32>) -> Vec<u32> {
        values.into_iter().map(f32::to_bits).collect()
    }

    #[test]
    fn every_kernel_gives_each_lane_the_bits_of_its_one_sample_kernel() {
        let mut rng = Rng::new(7);
        for (k, w) in [(64, 64), (21, 3), (5, 70), (64, 128), (3, 1)] {
            let weights = le(&values(&mut rng, k * w));
            let xs = values(&mut rng, LANES * k);
            let ds = values(&mut rng, LANES * w);
            let start = values(&mut rng, LANES * w);

            let mut out = lanes(&start, w);
            accumulate_lanes_into(&weights, &lanes(&xs, k), &mut out);
            let mut grad_x = vec![[0.0; LANES]; k];
            backward_input_lanes_into(&weights, &lanes(&ds, w), &mut grad_x);
            let stride = w.div_ceil(64) * 64;
            let mut padded = vec![0.0; LANES * stride];
            for l in 0..LANES {
                padded[l * stride..l * stride + w].copy_from_slice(&ds[l * w..(l + 1) * w]);
            }
            let mut grad = weights.clone();
            accumulate_outer_lanes_into::<64>(&mut grad, w, &lanes(&xs, k), &padded, stride, 15);
            let mut grad16 = weights.clone();
            accumulate_outer_lanes_into::<16>(&mut grad16, w, &lanes(&xs, k), &padded, stride, 15);
            assert_eq!(grad, grad16, "outer blocks {k}x{w}");

            let mut expected_grad = weights.clone();
            for l in 0..LANES {
                let (x, d) = (&xs[l * k..(l + 1) * k], &ds[l * w..(l + 1) * w]);
                let mut o = start[l * w..(l + 1) * w].to_vec();
                accumulate_into(&weights, x, &mut o);
                assert_eq!(bits(o), bits(out.iter().map(|v| v[l])), "forward {k}x{w} lane {l}");
                let mut g = vec![0.0; k];
                backward_input_into(&weights, d, &mut g);
                assert_eq!(bits(g), bits(grad_x.iter().map(|v| v[l])), "input {k}x{w} lane {l}");
                if l < LANES - 1 {
                    accumulate_outer_into(&mut expected_grad, x, d);
                }
            }
            assert_eq!(grad, expected_grad, "outer {k}x{w}");
        }
    }
}
