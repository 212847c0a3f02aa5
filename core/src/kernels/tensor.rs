//! A tensor read in place from a weights file: little-endian f32 values, or int8 values with
//! one f32 scale per column (per output of a layer, per dimension of a table), and the dense
//! operations over either.
//!
//! An int8 tensor's value `i` is `q_i x scale[i % width]`. The layer operations keep the integer
//! part apart from the scale: a forward pass sums `x_i q_ij` per column and scales each column's
//! sum once; a backward pass scales the incoming gradient once and sums `q_ij (s_j g_j)`. Each
//! is one fixed order of f32 operations, so host and device agree bit for bit, and costs one
//! int-to-float conversion per weight more than f32. A host that has the memory converts the
//! integers to f32 once (`Network::widened`, the `widen` feature): the same operations on the
//! same values, so the same bits, at the speed of the f32 kernels.

use serde::{Deserialize, Serialize};

use crate::dims::MAX_LAYER_WIDTH;
use crate::error::WeightsError;
use crate::kernels::dense::{self, LeSlice, value};

/// How a weights file stores its numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Quantization {
    /// Every value as a little-endian f32.
    #[default]
    F32,
    /// Weight matrices and the task table's embeddings, architectures and accuracies as int8
    /// with one f32 scale per column; biases and output vectors as f32.
    Int8,
}

impl Quantization {
    /// Both storages.
    pub const ALL: [Self; 2] = [Self::F32, Self::Int8];

    /// Lower-case name, as the command line spells it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::F32 => "f32",
            Self::Int8 => "int8",
        }
    }

    /// Bytes a `rows x width` tensor takes in this storage.
    #[must_use]
    pub const fn tensor_bytes(self, rows: usize, width: usize) -> usize {
        match self {
            Self::F32 => rows * width * 4,
            Self::Int8 => width * 4 + rows * width,
        }
    }
}

/// Largest magnitude of any stored value and search setting. Bounded inputs (encoded samples,
/// probabilities, tanh embeddings) through weights this size keep every score and gradient far
/// inside f32 range (at most about 1e17 for the score, 1e34 for the squared gradient norm), so
/// a loaded ranker cannot produce an infinite or NaN score. Fitted weights are orders of
/// magnitude smaller.
pub const MAX_MAGNITUDE: f32 = 1.0e4;

/// Checks a byte section's length and that every value is finite and within
/// [`MAX_MAGNITUDE`], and views it as f32s.
///
/// # Errors
/// [`WeightsError::LengthMismatch`], [`WeightsError::NonFinite`] or
/// [`WeightsError::OutOfRange`], naming the section as `what`.
pub fn f32_section<'a>(
    what: &'static str,
    bytes: &'a [u8],
    values: usize,
) -> Result<LeSlice<'a>, WeightsError> {
    let (chunks, rest) = bytes.as_chunks::<4>();
    if chunks.len() != values || !rest.is_empty() {
        return Err(WeightsError::LengthMismatch {
            what,
            expected: (values * 4) as u32,
            found: bytes.len() as u32,
        });
    }
    for (i, b) in chunks.iter().enumerate() {
        let v = f32::from_le_bytes(*b);
        if !v.is_finite() {
            return Err(WeightsError::NonFinite { what, index: i as u32 });
        }
        if v.abs() > MAX_MAGNITUDE {
            return Err(WeightsError::OutOfRange { what, index: i as u32 });
        }
    }
    Ok(chunks)
}

/// The largest scale an int8 tensor may have: what quantizing a column of values within
/// [`MAX_MAGNITUDE`] gives, so every value it holds is within it too (-128, which the quantizer
/// never writes, within 1 % more), and scores stay as far inside f32 range as an f32 file's.
pub const MAX_INT8_SCALE: f32 = MAX_MAGNITUDE / 127.0;

/// A tensor of `rows x width` values, row-major, read in place. Made by [`Tensor::take`], an
/// int8 tensor has `width` scales and a whole number of rows, its layers at most
/// [`MAX_LAYER_WIDTH`] wide; built otherwise, its layer operations give zeros rather than read
/// out of bounds. Non-exhaustive: the `widen` feature adds a variant.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Tensor<'a> {
    /// Little-endian f32 values.
    F32(LeSlice<'a>),
    /// int8 values (two's complement bytes) with one little-endian f32 scale per column.
    Int8 {
        /// `width` scales.
        scales: LeSlice<'a>,
        /// `rows x width` values.
        values: &'a [u8],
    },
    /// An int8 tensor whose integers were converted to little-endian f32 once (exactly): the
    /// same results as [`Tensor::Int8`] through the f32 kernels (the `widen` feature).
    #[cfg(feature = "widen")]
    Widened {
        /// `width` scales.
        scales: LeSlice<'a>,
        /// `rows x width` integer values as f32.
        values: LeSlice<'a>,
    },
}

impl Default for Tensor<'_> {
    fn default() -> Self {
        Self::F32(&[])
    }
}

impl<'a> Tensor<'a> {
    /// Splits a `rows x width` tensor stored as `quantization` off the front of `bytes`,
    /// checking that every value is finite and within [`MAX_MAGNITUDE`] (f32) or every scale
    /// non-negative and at most [`MAX_INT8_SCALE`] (int8). `what` names it in errors.
    ///
    /// # Errors
    /// [`WeightsError::LengthMismatch`] when `bytes` is too short, or a value error.
    pub fn take(
        what: &'static str,
        bytes: &mut &'a [u8],
        rows: usize,
        width: usize,
        quantization: Quantization,
    ) -> Result<Self, WeightsError> {
        let len = quantization.tensor_bytes(rows, width);
        let short =
            WeightsError::LengthMismatch { what, expected: len as u32, found: bytes.len() as u32 };
        let (head, rest) = bytes.split_at_checked(len).ok_or(short)?;
        *bytes = rest;
        match quantization {
            Quantization::F32 => f32_section(what, head, rows * width).map(Self::F32),
            Quantization::Int8 => {
                let (scales, values) = head.split_at_checked(width * 4).ok_or(short)?;
                let scales = f32_section(what, scales, width)?;
                if let Some(i) = scales.iter().position(|b| {
                    let s = f32::from_le_bytes(*b);
                    !(0.0..=MAX_INT8_SCALE).contains(&s)
                }) {
                    return Err(WeightsError::BadScale { what, column: i as u32 });
                }
                Ok(Self::Int8 { scales, values })
            }
        }
    }

    /// Number of values.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::F32(v) => v.len(),
            #[cfg(feature = "widen")]
            Self::Widened { values, .. } => values.len(),
            Self::Int8 { values, .. } => values.len(),
        }
    }

    /// This tensor with its int8 integers converted to f32 into the front of `buf` (which
    /// must hold [`Self::len`] values), and the rest of `buf`; f32 tensors as they are. `None`
    /// when `buf` is too short.
    #[cfg(feature = "widen")]
    pub fn widened<'b>(&self, buf: &'b mut [[u8; 4]]) -> Option<(Tensor<'b>, &'b mut [[u8; 4]])>
    where
        'a: 'b,
    {
        match *self {
            Self::F32(v) => Some((Tensor::F32(v), buf)),
            Self::Widened { scales, values } => Some((Tensor::Widened { scales, values }, buf)),
            Self::Int8 { scales, values } => {
                if buf.len() < values.len() {
                    return None;
                }
                let (head, rest) = buf.split_at_mut(values.len());
                for (w, &q) in head.iter_mut().zip(values) {
                    *w = int8(q).to_le_bytes();
                }
                Some((Tensor::Widened { scales, values: head }, rest))
            }
        }
    }

    /// Whether it holds no values.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i`, or 0 past the end.
    #[inline]
    #[must_use]
    pub fn get(&self, i: usize) -> f32 {
        let width = match self {
            Self::F32(v) => return value(v, i),
            Self::Int8 { scales, .. } => scales.len(),
            #[cfg(feature = "widen")]
            Self::Widened { scales, .. } => scales.len(),
        };
        if width == 0 { 0.0 } else { self.get_in_column(i, i % width) }
    }

    /// Value `i`, known to lie in column `column` (saves the int8 path a division), or 0 past
    /// the end.
    #[inline]
    #[must_use]
    pub fn get_in_column(&self, i: usize, column: usize) -> f32 {
        match self {
            Self::F32(v) => value(v, i),
            Self::Int8 { scales, values } => {
                values.get(i).map_or(0.0, |&q| int8(q) * value(scales, column))
            }
            #[cfg(feature = "widen")]
            Self::Widened { scales, values } => {
                values.get(i).map_or(0.0, |q| f32::from_le_bytes(*q) * value(scales, column))
            }
        }
    }

    /// `out = bias + W^T x` for `W` of shape `[x.len()][out.len()]`.
    #[inline]
    pub fn affine_into(&self, bias: &Tensor<'_>, x: &[f32], out: &mut [f32]) {
        for (k, o) in out.iter_mut().enumerate() {
            *o = bias.get(k);
        }
        self.accumulate_into(x, out);
    }

    /// [`Self::affine_into`] for exactly [`dense::UNROLLED_WIDTH`] outputs, through
    /// [`dense::accumulate_unrolled_with`]: the same bits.
    #[inline]
    pub fn affine_unrolled_into(
        &self,
        bias: &Tensor<'_>,
        x: &[f32],
        out: &mut [f32; dense::UNROLLED_WIDTH],
    ) {
        let mut acc = core::array::from_fn(|k| bias.get(k));
        let mut sums = [0.0; dense::UNROLLED_WIDTH];
        let scales = match self {
            Self::F32(w) => {
                dense::accumulate_unrolled_with(w, x, &mut acc, dense::le_f32);
                *out = acc;
                return;
            }
            Self::Int8 { scales, values } => {
                dense::accumulate_unrolled_with(values, x, &mut sums, |&q| int8(q));
                *scales
            }
            #[cfg(feature = "widen")]
            Self::Widened { scales, values } => {
                dense::accumulate_unrolled_with(values, x, &mut sums, dense::le_f32);
                *scales
            }
        };
        // Each column's sum scaled once onto its bias, as [`Self::affine_into`]'s int8 path.
        for ((a, s), scale) in acc.iter_mut().zip(sums).zip(scales) {
            *a += s * f32::from_le_bytes(*scale);
        }
        *out = acc;
    }

    /// `out += W^T x` for `W` of shape `[x.len()][out.len()]`.
    #[inline]
    pub fn accumulate_into(&self, x: &[f32], out: &mut [f32]) {
        match self {
            Self::F32(w) => dense::accumulate_into(w, x, out),
            Self::Int8 { scales, values } => {
                scaled_accumulate_into(scales, values, x, out, |&q| int8(q));
            }
            #[cfg(feature = "widen")]
            Self::Widened { scales, values } => {
                scaled_accumulate_into(scales, values, x, out, dense::le_f32);
            }
        }
    }

    /// Starts a row-wise `out = base + W^T x` for an `x` that is zero but at a few rows (a
    /// one-hot architecture's): `acc` becomes what [`Self::add_row`] adds onto, `base` for f32,
    /// zeros for int8 (whose sums are scaled once, at [`Self::finish_rows_with`]). Added in
    /// increasing row order, the result is [`Self::accumulate_into`]'s over `base`, bit for bit.
    #[inline]
    pub fn start_rows(&self, base: &[f32], acc: &mut [f32]) {
        match self {
            Self::F32(_) => acc.iter_mut().zip(base).for_each(|(a, b)| *a = *b),
            _ => acc.iter_mut().for_each(|a| *a = 0.0),
        }
    }

    /// `acc += x * W[row]` in the tensor's own sums (see [`Self::start_rows`]); nothing past
    /// the end. Never inlined: a device's flash holds one copy (88 B fewer on the small part).
    #[inline(never)]
    pub fn add_row(&self, row: usize, x: f32, acc: &mut [f32]) {
        let width = acc.len();
        let range = row * width..(row + 1) * width;
        match self {
            Self::F32(w) => add_scaled(w.get(range), x, acc, dense::le_f32),
            Self::Int8 { values, .. } => add_scaled(values.get(range), x, acc, |&q| int8(q)),
            #[cfg(feature = "widen")]
            Self::Widened { values, .. } => add_scaled(values.get(range), x, acc, dense::le_f32),
        }
    }

    /// `acc = from + x * W[row]` in the tensor's own sums (see [`Self::start_rows`]); `from`
    /// alone past the end.
    #[inline]
    pub fn add_row_onto(&self, row: usize, x: f32, from: &[f32], acc: &mut [f32]) {
        let width = acc.len();
        let range = row * width..(row + 1) * width;
        match self {
            Self::F32(w) => add_scaled_onto(w.get(range), x, from, acc, dense::le_f32),
            Self::Int8 { values, .. } => {
                add_scaled_onto(values.get(range), x, from, acc, |&q| int8(q));
            }
            #[cfg(feature = "widen")]
            Self::Widened { values, .. } => {
                add_scaled_onto(values.get(range), x, from, acc, dense::le_f32);
            }
        }
    }

    /// Ends a row-wise product, value by value: `put(i, acc[i])` for f32,
    /// `put(i, base[i] + acc[i] * scale[i])` for int8 (see [`Self::start_rows`]).
    #[inline]
    pub fn finish_rows_with(&self, base: &[f32], acc: &[f32], mut put: impl FnMut(usize, f32)) {
        let scales = match self {
            Self::F32(_) => {
                acc.iter().enumerate().for_each(|(i, a)| put(i, *a));
                return;
            }
            Self::Int8 { scales, .. } => *scales,
            #[cfg(feature = "widen")]
            Self::Widened { scales, .. } => *scales,
        };
        for (i, ((b, a), s)) in base.iter().zip(acc).zip(scales).enumerate() {
            put(i, *b + *a * f32::from_le_bytes(*s));
        }
    }

    /// Starts [`Self::affine_into`] for `N` inputs at once (lanes, see
    /// [`dense::accumulate_lanes_with`]): `acc` becomes the bias for f32, zeros for int8 (whose
    /// sums are scaled once, at [`Self::finish_lanes`]).
    #[inline]
    pub fn start_lanes<const N: usize>(&self, bias: &Tensor<'_>, acc: &mut [[f32; N]]) {
        let is_f32 = matches!(self, Self::F32(_));
        for (k, a) in acc.iter_mut().enumerate() {
            *a = [if is_f32 { bias.get(k) } else { 0.0 }; N];
        }
    }

    /// `acc += W^T x` for `N` inputs at once, in the tensor's own sums (see
    /// [`Self::start_lanes`]); nothing is added when `acc` is wider than
    /// [`MAX_LAYER_WIDTH`] (no stored tensor is).
    #[inline]
    pub fn accumulate_lanes<const N: usize>(&self, x: &[[f32; N]], acc: &mut [[f32; N]]) {
        if acc.len() > MAX_LAYER_WIDTH {
            return;
        }
        match self {
            Self::F32(w) => dense::accumulate_lanes_with(w, x, acc, dense::le_f32),
            Self::Int8 { values, .. } => {
                dense::accumulate_lanes_with(values, x, acc, |&q| int8(q));
            }
            #[cfg(feature = "widen")]
            Self::Widened { values, .. } => {
                dense::accumulate_lanes_with(values, x, acc, dense::le_f32);
            }
        }
    }

    /// Ends [`Self::affine_into`] for `N` inputs at once: nothing for f32, `bias + acc * scale`
    /// per column for int8: each lane the same value as [`Self::affine_into`]'s.
    #[inline]
    pub fn finish_lanes<const N: usize>(&self, bias: &Tensor<'_>, acc: &mut [[f32; N]]) {
        let scales = match self {
            Self::F32(_) => return,
            Self::Int8 { scales, .. } => *scales,
            #[cfg(feature = "widen")]
            Self::Widened { scales, .. } => *scales,
        };
        for (k, (a, s)) in acc.iter_mut().zip(scales).enumerate() {
            let (b, s) = (bias.get(k), f32::from_le_bytes(*s));
            a.iter_mut().for_each(|a| *a = b + *a * s);
        }
    }

    /// `grad_x = W grad_out` for `W` of shape `[grad_x.len()][grad_out.len()]`.
    #[inline]
    pub fn backward_input_into(&self, grad_out: &[f32], grad_x: &mut [f32]) {
        match self {
            Self::F32(w) => dense::backward_input_into(w, grad_out, grad_x),
            Self::Int8 { scales, values } => {
                scaled_backward_input_into(scales, values, grad_out, grad_x, |&q| int8(q));
            }
            #[cfg(feature = "widen")]
            Self::Widened { scales, values } => {
                scaled_backward_input_into(scales, values, grad_out, grad_x, dense::le_f32);
            }
        }
    }
}

/// `acc += x * row`, each weight read by `weight`: the inner update of
/// [`dense::accumulate_with`], so a row added alone gives the same bits. Nothing for a missing row.
#[inline]
fn add_scaled<T>(row: Option<&[T]>, x: f32, acc: &mut [f32], weight: impl Fn(&T) -> f32) {
    for (a, w) in acc.iter_mut().zip(row.unwrap_or(&[])) {
        *a += x * weight(w);
    }
}

/// [`add_scaled`] onto a copy of `from` in one pass: `acc = from + x * row`; `from` alone for a
/// missing row.
#[inline]
fn add_scaled_onto<T>(
    row: Option<&[T]>,
    x: f32,
    from: &[f32],
    acc: &mut [f32],
    weight: impl Fn(&T) -> f32,
) {
    let Some(row) = row else {
        acc.iter_mut().zip(from).for_each(|(a, f)| *a = *f);
        return;
    };
    for ((a, f), w) in acc.iter_mut().zip(from).zip(row) {
        *a = *f + x * weight(w);
    }
}

/// A stored byte as the int8 value it holds.
#[inline]
fn int8(byte: u8) -> f32 {
    f32::from(byte.cast_signed())
}

/// `out += W^T x` for a `W` of integers (int8 bytes or their f32 widening, each read by
/// `weight`) with one scale per column: each column's sum scaled once. Nothing is added when
/// `out` is wider than [`MAX_LAYER_WIDTH`] (no stored tensor is).
#[inline]
fn scaled_accumulate_into<T>(
    scales: LeSlice<'_>,
    values: &[T],
    x: &[f32],
    out: &mut [f32],
    weight: impl Fn(&T) -> f32,
) {
    let mut sums = [0.0f32; MAX_LAYER_WIDTH];
    let Some(sums) = sums.get_mut(..out.len()) else { return };
    dense::accumulate_with(values, x, sums, weight);
    for ((o, s), scale) in out.iter_mut().zip(sums.iter()).zip(scales) {
        *o += s * f32::from_le_bytes(*scale);
    }
}

/// `grad_x = W grad_out` for a `W` of integers with one scale per column: the gradient scaled
/// per column once, then one dot per row with the f32 kernel's four accumulators. Zeros when
/// `grad_out` is empty or wider than [`MAX_LAYER_WIDTH`]. Never inlined, as the f32 kernel.
#[inline(never)]
fn scaled_backward_input_into<T>(
    scales: LeSlice<'_>,
    values: &[T],
    grad_out: &[f32],
    grad_x: &mut [f32],
    weight: impl Fn(&T) -> f32,
) {
    let mut buf = [0.0f32; MAX_LAYER_WIDTH];
    let Some(scaled) = buf.get_mut(..grad_out.len()).filter(|s| !s.is_empty()) else {
        grad_x.iter_mut().for_each(|g| *g = 0.0);
        return;
    };
    for ((d, g), s) in scaled.iter_mut().zip(grad_out).zip(scales) {
        *d = g * f32::from_le_bytes(*s);
    }
    for (g, row) in grad_x.iter_mut().zip(values.chunks_exact(scaled.len())) {
        *g = dense::dot_with(row, scaled, &weight);
    }
}

/// Quantizes `rows x width` values (row-major) to int8 with one scale per column (the
/// column's largest magnitude over 127; symmetric, round to nearest), as the bytes
/// [`Tensor::take`] reads: the scales, then the values.
#[cfg(feature = "alloc")]
#[must_use]
pub fn quantize_int8(values: &[f32], width: usize) -> alloc::vec::Vec<u8> {
    let mut scales = alloc::vec![0.0f32; width];
    for row in values.chunks_exact(width.max(1)) {
        for (s, v) in scales.iter_mut().zip(row) {
            *s = s.max(v.abs());
        }
    }
    for s in &mut scales {
        *s /= 127.0;
    }
    let mut out: alloc::vec::Vec<u8> = scales.iter().flat_map(|s| s.to_le_bytes()).collect();
    for row in values.chunks_exact(width.max(1)) {
        for (v, s) in row.iter().zip(&scales) {
            let q = if *s > 0.0 { libm::roundf(v / s).clamp(-127.0, 127.0) } else { 0.0 };
            out.push((q as i8).cast_unsigned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::kernels::dense::le_bytes;

    fn int8_tensor(bytes: &[u8], rows: usize, width: usize) -> Tensor<'_> {
        let mut rest = bytes;
        let t = Tensor::take("t", &mut rest, rows, width, Quantization::Int8).unwrap();
        assert!(rest.is_empty());
        t
    }

    #[test]
    fn int8_round_trips_within_half_a_step_per_column() {
        let values = [1.0, -0.02, 0.5, 0.01, -1.0, 0.0];
        let bytes = quantize_int8(&values, 2);
        assert_eq!(bytes.len(), Quantization::Int8.tensor_bytes(3, 2));
        let t = int8_tensor(&bytes, 3, 2);
        for (i, v) in values.iter().enumerate() {
            let step = if i % 2 == 0 { 1.0 / 127.0 } else { 0.02 / 127.0 };
            assert!((t.get(i) - v).abs() <= step / 2.0 + 1e-7, "{i}: {} vs {v}", t.get(i));
        }
        assert_eq!(t.get(6), 0.0);
    }

    #[test]
    fn int8_layers_match_the_dequantized_f32_layers_closely() {
        let (rows, width) = (5, 3);
        let w: std::vec::Vec<f32> =
            (0..rows * width).map(|i| ((i * 7 % 11) as f32 - 5.0) / 4.0).collect();
        let bytes = quantize_int8(&w, width);
        let q = int8_tensor(&bytes, rows, width);
        let dequantized: std::vec::Vec<f32> = (0..rows * width).map(|i| q.get(i)).collect();
        let deq_bytes = le_bytes(&dequantized);
        let mut rest = deq_bytes.as_slice();
        let f = Tensor::take("f", &mut rest, rows, width, Quantization::F32).unwrap();
        let bias_bytes = le_bytes(&[0.5, -0.5, 0.0]);
        let bias = Tensor::F32(bias_bytes.as_chunks::<4>().0);
        let x = [1.0, 0.0, -2.0, 0.5, 3.0];
        let (mut a, mut b) = ([0.0; 3], [0.0; 3]);
        q.affine_into(&bias, &x, &mut a);
        f.affine_into(&bias, &x, &mut b);
        let g = [0.3, -1.0, 2.0];
        let (mut ga, mut gb) = ([0.0; 5], [0.0; 5]);
        q.backward_input_into(&g, &mut ga);
        f.backward_input_into(&g, &mut gb);
        for (u, v) in a.iter().zip(&b).chain(ga.iter().zip(&gb)) {
            assert!((u - v).abs() <= 1e-5 * (1.0 + v.abs()), "{u} vs {v}");
        }
    }

    #[test]
    fn the_unrolled_layer_is_the_layer_bit_for_bit() {
        let width = dense::UNROLLED_WIDTH;
        let w: std::vec::Vec<f32> =
            (0..50 * width).map(|i| ((i * 37 % 101) as f32 - 50.0) / 33.0).collect();
        let int8_bytes = quantize_int8(&w, width);
        let f32_bytes = le_bytes(&w);
        let bias_bytes =
            le_bytes(&(0..width).map(|k| k as f32 / 7.0 - 0.6).collect::<std::vec::Vec<_>>());
        let bias = Tensor::F32(bias_bytes.as_chunks::<4>().0);
        let int8 = int8_tensor(&int8_bytes, 50, width);
        let mut buf = std::vec![[0u8; 4]; 50 * width];
        let (widened, _) = int8.widened(&mut buf).unwrap();
        let plain = Tensor::F32(f32_bytes.as_chunks::<4>().0);
        // ReLU-like inputs (zeros skipped), and fewer inputs than rows.
        let x: std::vec::Vec<f32> =
            (0..50).map(|i| if i % 4 == 0 { 0.0 } else { i as f32 / 9.0 - 2.0 }).collect();
        for t in [plain, int8, widened] {
            for inputs in [&x[..], &x[..17]] {
                let (mut looped, mut unrolled) =
                    ([0.0; dense::UNROLLED_WIDTH], [0.0; dense::UNROLLED_WIDTH]);
                t.affine_into(&bias, inputs, &mut looped);
                t.affine_unrolled_into(&bias, inputs, &mut unrolled);
                assert_eq!(looped.map(f32::to_bits), unrolled.map(f32::to_bits));
            }
        }
    }

    #[test]
    fn bad_scales_and_short_sections_are_refused_by_name() {
        let mut bytes = quantize_int8(&[1.0, 2.0], 2);
        bytes[..4].copy_from_slice(&(-1.0f32).to_le_bytes());
        let mut rest = bytes.as_slice();
        let err = Tensor::take("w", &mut rest, 1, 2, Quantization::Int8).unwrap_err();
        assert_eq!(err, WeightsError::BadScale { what: "w", column: 0 });
        bytes[..4].copy_from_slice(&f32::NAN.to_le_bytes());
        let mut rest = bytes.as_slice();
        let err = Tensor::take("w", &mut rest, 1, 2, Quantization::Int8).unwrap_err();
        assert_eq!(err, WeightsError::NonFinite { what: "w", index: 0 });
        let mut short = &bytes[..9];
        let err = Tensor::take("w", &mut short, 1, 2, Quantization::Int8).unwrap_err();
        assert_eq!(err, WeightsError::LengthMismatch { what: "w", expected: 10, found: 9 });
    }
}
