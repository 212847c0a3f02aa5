//! Dense layers over weights read in place: little-endian f32 values in a byte slice (flash on a
//! device), row-major `[input][output]`.
//!
//! The `[input][output]` order makes the forward pass a sequence of `out += x_i * row_i`
//! updates, which vectorizes without reordering any sum, so host and device agree bit for bit.

/// A borrowed tensor of little-endian f32 values.
pub type LeSlice<'a> = &'a [[u8; 4]];

/// Value `i` of a tensor, or 0 past its end (lengths are validated on load).
#[inline]
#[must_use]
pub fn value(t: LeSlice<'_>, i: usize) -> f32 {
    t.get(i).map_or(0.0, |b| f32::from_le_bytes(*b))
}

/// `out = bias + W^T x` for `W` of shape `[x.len()][out.len()]`.
#[inline]
pub fn affine_into(weights: LeSlice<'_>, bias: LeSlice<'_>, x: &[f32], out: &mut [f32]) {
    for (o, b) in out.iter_mut().zip(bias) {
        *o = f32::from_le_bytes(*b);
    }
    accumulate_into(weights, x, out);
}

/// `out += W^T x` for `W` of shape `[x.len()][out.len()]` (little-endian f32, as [`LeSlice`]).
/// With `runtime-dispatch`, in AVX-512's or AVX2's registers where the CPU has them (no fused
/// multiply-add: the same bits): a child's inference and the ranker's f32 layers on a host.
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
#[cfg_attr(not(feature = "runtime-dispatch"), inline)]
pub fn accumulate_into(weights: &[[u8; 4]], x: &[f32], out: &mut [f32]) {
    accumulate_with(weights, x, out, le_f32);
}

/// `G += x v^T` for `G` of shape `[x.len()][v.len()]` stored as little-endian f32: a dense
/// layer's weight gradient (`x` its input, `v` its output's gradient), row by row; a zero
/// input's row is skipped (it adds zeros). With `runtime-dispatch`, AVX-512's or AVX2's where
/// the CPU has it (the same bits).
#[cfg_attr(
    feature = "runtime-dispatch",
    multiversion::multiversion(targets(
        "x86_64+avx512f+avx512vl+avx512bw+avx512dq",
        "x86_64+avx2"
    ))
)]
#[cfg_attr(not(feature = "runtime-dispatch"), inline)]
pub fn accumulate_outer_into(grad: &mut [[u8; 4]], x: &[f32], v: &[f32]) {
    let width = v.len();
    if width == 0 {
        return;
    }
    for (row, &xi) in grad.chunks_exact_mut(width).zip(x) {
        if xi != 0.0 {
            for (g, &vj) in row.iter_mut().zip(v) {
                *g = (le_f32(g) + xi * vj).to_le_bytes();
            }
        }
    }
}

/// `out += W^T x` for `W` of shape `[x.len()][out.len()]` stored as any `T`, each weight read
/// by `weight` (little-endian f32 here, int8 in [`crate::kernels::tensor`]): one order of operations for
/// every storage.
#[inline]
pub fn accumulate_with<T>(weights: &[T], x: &[f32], out: &mut [f32], weight: impl Fn(&T) -> f32) {
    let width = out.len();
    if width == 0 {
        return;
    }
    for (&xi, row) in x.iter().zip(weights.chunks_exact(width)) {
        // Zero inputs (ReLU's) skipped: their work saved. Adding their 0 * w instead gives the same
        // bits but where a sum is -0 or a weight infinite (`kernels::sample_lanes` on a host).
        if xi == 0.0 {
            continue;
        }
        for (o, w) in out.iter_mut().zip(row) {
            *o += xi * weight(w);
        }
    }
}

/// Outputs of [`accumulate_unrolled_with`]: a ranking tower's second layer
/// ([`crate::dims::RHO_HIDDEN2`], checked where the tower calls it).
pub const UNROLLED_WIDTH: usize = 10;

/// [`accumulate_with`] into exactly [`UNROLLED_WIDTH`] sums, written out one sum at a time so
/// that a device keeps them in registers: at `opt-level = "s"` the loop kept them in memory (9
/// instructions a multiply-add of int8 weights instead of 4). The same operations in the same
/// order, so the same bits.
#[inline]
pub fn accumulate_unrolled_with<T>(
    weights: &[T],
    x: &[f32],
    out: &mut [f32; UNROLLED_WIDTH],
    weight: impl Fn(&T) -> f32,
) {
    let mut a = *out;
    for (&xi, row) in x.iter().zip(weights.chunks_exact(UNROLLED_WIDTH)) {
        // Adding 0 * w is exact (weights are finite), so skipping zero inputs changes no bit.
        if xi == 0.0 {
            continue;
        }
        let Ok(w) = <&[T; UNROLLED_WIDTH]>::try_from(row) else { continue };
        a[0] += xi * weight(&w[0]);
        a[1] += xi * weight(&w[1]);
        a[2] += xi * weight(&w[2]);
        a[3] += xi * weight(&w[3]);
        a[4] += xi * weight(&w[4]);
        a[5] += xi * weight(&w[5]);
        a[6] += xi * weight(&w[6]);
        a[7] += xi * weight(&w[7]);
        a[8] += xi * weight(&w[8]);
        a[9] += xi * weight(&w[9]);
    }
    *out = a;
}

/// [`accumulate_with`] for `N` inputs at once (lanes): `out[j][l] += sum_i x[i][l] W[i][j]`,
/// each lane's sums in the same order as [`accumulate_with`]'s, so the same values (a zero
/// input, which that kernel skips, adds `0 * w`: exact, but for the sign of a zero sum). The
/// inner loop runs over the lanes, so it fills the host's vector registers whatever the layer's
/// width; with `runtime-dispatch`, AVX2's where the CPU has it (no fused multiply-add: the same
/// bits).
// AVX2 only: AVX-512 ran this kernel five times slower on the Intel machine of 2026-12-06
// (BENCHMARKS.md); not measured since.
#[cfg_attr(feature = "runtime-dispatch", multiversion::multiversion(targets("x86_64+avx2")))]
#[cfg_attr(not(feature = "runtime-dispatch"), inline)]
pub fn accumulate_lanes_with<T, const N: usize>(
    weights: &[T],
    x: &[[f32; N]],
    out: &mut [[f32; N]],
    weight: impl Fn(&T) -> f32,
) {
    let width = out.len();
    if width == 0 {
        return;
    }
    for (xi, row) in x.iter().zip(weights.chunks_exact(width)) {
        for (o, w) in out.iter_mut().zip(row) {
            let w = weight(w);
            for (o, x) in o.iter_mut().zip(xi) {
                *o += x * w;
            }
        }
    }
}

/// `grad_x = W grad_out` for `W` of shape `[grad_x.len()][grad_out.len()]`.
///
/// Never inlined: inlined into the search's gradient, its four accumulators crowd out the
/// Cortex-M4F's float registers (measured: 7 % more search instructions).
#[inline(never)]
pub fn backward_input_into(weights: LeSlice<'_>, grad_out: &[f32], grad_x: &mut [f32]) {
    let width = grad_out.len();
    if width == 0 {
        return;
    }
    for (g, row) in grad_x.iter_mut().zip(weights.chunks_exact(width)) {
        *g = dot_with(row, grad_out, le_f32);
    }
}

/// Dot product of a stored row (each weight read by `weight`) with `v`, with four fixed
/// accumulators: faster than one serial sum, and still one fixed order of additions on every
/// target.
#[inline]
pub fn dot_with<T>(row: &[T], v: &[f32], weight: impl Fn(&T) -> f32) -> f32 {
    let mut acc = [0.0f32; 4];
    let mut rows = row.chunks_exact(4);
    let mut vs = v.chunks_exact(4);
    for (r, x) in (&mut rows).zip(&mut vs) {
        for ((a, w), xi) in acc.iter_mut().zip(r).zip(x) {
            *a += weight(w) * xi;
        }
    }
    let mut tail = 0.0;
    for (w, xi) in rows.remainder().iter().zip(vs.remainder()) {
        tail += weight(w) * xi;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// A little-endian f32.
#[inline]
#[must_use]
pub fn le_f32(bytes: &[u8; 4]) -> f32 {
    f32::from_le_bytes(*bytes)
}

/// ReLU in place.
#[inline]
pub fn relu(values: &mut [f32]) {
    for v in values {
        *v = relu_of(*v);
    }
}

/// max(0, x) as a comparison: +0 for zeros of either sign and for NaN. `f32::max(x, 0.0)`
/// leaves a zero's sign unspecified (optimized x86-64 code gives these same values), and on a
/// Cortex-M4F, which has no max instruction, it calls libm's `fmaxf`, which keeps a -0.
#[inline]
#[must_use]
pub fn relu_of(x: f32) -> f32 {
    if x > 0.0 { x } else { 0.0 }
}

/// Splits `n` values off the front of `t`.
#[must_use]
pub fn take<'a>(t: &mut LeSlice<'a>, n: usize) -> Option<LeSlice<'a>> {
    if t.len() < n {
        return None;
    }
    let (head, rest) = t.split_at(n);
    *t = rest;
    Some(head)
}

/// Little-endian bytes of `values`: a byte section as the writer stores it.
#[cfg(feature = "alloc")]
#[must_use]
pub fn le_bytes(values: &[f32]) -> alloc::vec::Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unrolled_product_is_the_loop_bit_for_bit() {
        let mut state = 0x2545_f491_u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % 2001) as f32 / 997.0 - 1.0
        };
        let weights: std::vec::Vec<f32> = (0..50 * UNROLLED_WIDTH).map(|_| next()).collect();
        // A third of the inputs zero, as a ReLU's output has them.
        let x: std::vec::Vec<f32> =
            (0..50).map(|i| if i % 3 == 0 { 0.0 } else { next() * 3.0 }).collect();
        let start: [f32; UNROLLED_WIDTH] = core::array::from_fn(|_| next());
        let (mut looped, mut unrolled) = (start, start);
        accumulate_with(&weights, &x, &mut looped, |w| *w);
        accumulate_unrolled_with(&weights, &x, &mut unrolled, |w| *w);
        assert_eq!(looped.map(f32::to_bits), unrolled.map(f32::to_bits));
        assert_ne!(looped, start);
    }

    fn le(values: &[f32]) -> [[u8; 4]; 6] {
        let mut out = [[0u8; 4]; 6];
        for (o, v) in out.iter_mut().zip(values) {
            *o = v.to_le_bytes();
        }
        out
    }

    #[test]
    fn affine_matches_hand_computation() {
        // W = [[1, 2, 3], [4, 5, 6]] as [input][output], x = [1, -1], b = [0.5, 0, 0]
        let w = le(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let b = le(&[0.5, 0.0, 0.0]);
        let mut out = [0.0; 3];
        affine_into(&w, &b[..3], &[1.0, -1.0], &mut out);
        assert_eq!(out, [-2.5, -3.0, -3.0]);
        let mut gx = [0.0; 2];
        backward_input_into(&w, &[1.0, 0.0, 1.0], &mut gx);
        assert_eq!(gx, [4.0, 10.0]);
    }
}
