//! Small dense matrix products for the child network, in safe Rust.
//!
//! The workspace forbids `unsafe`, which rules out calling `matrixmultiply::sgemm` (an `unsafe fn`
//! taking raw pointers), so this file holds a register-blocked kernel instead: A is packed into
//! panels of `MR` rows, and each `MR` x `NR` block of C is accumulated in local arrays that
//! the compiler keeps in vector registers. Shapes here are small (batch 64, widths up to 1008), so
//! there is no cache blocking over k. The summation order is fixed, so results are reproducible.

/// Rows of C computed together by the micro-kernel.
const MR: usize = 4;
/// Columns of C computed together by the micro-kernel.
const NR: usize = 8;

/// A read-only strided matrix view: element (i, j) is `data[i * row_stride + j * col_stride]`.
#[derive(Clone, Copy, Debug)]
pub struct Strided<'a> {
    /// The backing values.
    pub data: &'a [f32],
    /// Distance between consecutive rows.
    pub row_stride: usize,
    /// Distance between consecutive columns.
    pub col_stride: usize,
}

impl<'a> Strided<'a> {
    /// A row-major matrix with `cols` values per row.
    #[must_use]
    pub const fn rows(data: &'a [f32], cols: usize) -> Self {
        Self { data, row_stride: cols, col_stride: 1 }
    }

    /// The transpose of a row-major matrix with `cols` values per row.
    #[must_use]
    pub const fn transposed(data: &'a [f32], cols: usize) -> Self {
        Self { data, row_stride: 1, col_stride: cols }
    }

    fn at(&self, i: usize, j: usize) -> f32 {
        self.data.get(i * self.row_stride + j * self.col_stride).copied().unwrap_or(0.0)
    }
}

/// Reusable packing space for [`gemm`], so that hot loops do not allocate.
#[derive(Clone, Debug, Default)]
pub struct GemmScratch {
    panel: Vec<f32>,
}

/// `C = A B` (or `C += A B` when `accumulate`), with A `m x k` (any strides), B `k x n`
/// row-major with row stride `ldb`, and C `m x n` row-major with row stride `ldc`.
///
/// Out-of-range reads of A or B count as zero and out-of-range writes of C are dropped, so the
/// function never panics; callers size their buffers so that this never happens.
#[allow(clippy::too_many_arguments)]
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub fn gemm<'a>(
    m: usize,
    k: usize,
    n: usize,
    a: Strided<'a>,
    b: &[f32],
    ldb: usize,
    c: &mut [f32],
    ldc: usize,
    accumulate: bool,
    scratch: &mut GemmScratch,
) {
    if m == 0 || n == 0 {
        return;
    }
    if !accumulate {
        for i in 0..m {
            if let Some(row) = c.get_mut(i * ldc..i * ldc + n) {
                row.fill(0.0);
            }
        }
    }
    if k == 0 {
        return;
    }
    if scratch.panel.len() < k * MR {
        scratch.panel.resize(k * MR, 0.0);
    }
    let mut i0 = 0;
    while i0 < m {
        let mr = MR.min(m - i0);
        // Pack MR rows of A as k consecutive groups of MR values (zeros past the last row).
        let panel = &mut scratch.panel[..k * MR];
        for (p, group) in panel.chunks_exact_mut(MR).enumerate() {
            for (r, slot) in group.iter_mut().enumerate() {
                *slot = if r < mr { a.at(i0 + r, p) } else { 0.0 };
            }
        }
        let panel = &scratch.panel[..k * MR];
        let mut j0 = 0;
        while j0 < n {
            let nr = NR.min(n - j0);
            if nr == NR {
                let acc = kernel_full(panel, b, ldb, j0, k);
                store(&acc, c, ldc, i0, j0, mr, nr);
            } else {
                let acc = kernel_edge(panel, b, ldb, j0, k, nr);
                store(&acc, c, ldc, i0, j0, mr, nr);
            }
            j0 += NR;
        }
        i0 += MR;
    }
}

/// One MR x NR block of `panel * B[:, j0..j0 + NR]`.
#[inline(always)]
fn kernel_full(panel: &[f32], b: &[f32], ldb: usize, j0: usize, k: usize) -> [[f32; NR]; MR] {
    let mut acc = [[0.0_f32; NR]; MR];
    let mut offset = j0;
    for group in panel.chunks_exact(MR).take(k) {
        let Some(brow) = b.get(offset..offset + NR) else { break };
        offset += ldb;
        let Ok(brow) = <&[f32; NR]>::try_from(brow) else { break };
        let Ok(group) = <&[f32; MR]>::try_from(group) else { break };
        for r in 0..MR {
            let av = group[r];
            for c in 0..NR {
                acc[r][c] += av * brow[c];
            }
        }
    }
    acc
}

/// Like [`kernel_full`] for the last `nr < NR` columns.
#[inline(always)]
fn kernel_edge(
    panel: &[f32],
    b: &[f32],
    ldb: usize,
    j0: usize,
    k: usize,
    nr: usize,
) -> [[f32; NR]; MR] {
    let mut acc = [[0.0_f32; NR]; MR];
    for (p, group) in panel.chunks_exact(MR).enumerate().take(k) {
        for (r, &av) in group.iter().enumerate() {
            for (c, slot) in acc[r].iter_mut().enumerate().take(nr) {
                *slot += av * b.get(p * ldb + j0 + c).copied().unwrap_or(0.0);
            }
        }
    }
    acc
}

/// Adds (C already zeroed or holding the accumulation target) a block into C.
#[inline(always)]
fn store(
    acc: &[[f32; NR]; MR],
    c: &mut [f32],
    ldc: usize,
    i0: usize,
    j0: usize,
    mr: usize,
    nr: usize,
) {
    for (r, acc_row) in acc.iter().enumerate().take(mr) {
        let start = (i0 + r) * ldc + j0;
        if let Some(row) = c.get_mut(start..start + nr) {
            for (x, &v) in row.iter_mut().zip(acc_row.iter()) {
                *x += v;
            }
        }
    }
}

/// Writes the transpose of the row-major `rows x cols` matrix `src` into `dst` (`cols x rows`).
pub fn transpose_into(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    for (i, row) in src.chunks_exact(cols.max(1)).take(rows).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if let Some(x) = dst.get_mut(j * rows + i) {
                *x = v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn naive(m: usize, k: usize, n: usize, a: Strided<'_>, b: &[f32], ldb: usize) -> Vec<f32> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|p| a.at(i, p) * b[p * ldb + j]).sum();
            }
        }
        c
    }

    fn random(len: usize, rng: &mut Rng) -> Vec<f32> {
        (0..len).map(|_| rng.normal() as f32).collect()
    }

    #[test]
    fn matches_naive_product_on_odd_shapes() {
        let mut rng = Rng::new(5);
        let mut scratch = GemmScratch::default();
        for &(m, k, n) in &[(1, 1, 1), (5, 3, 9), (64, 7, 240), (13, 64, 17), (4, 8, 8)] {
            let a = random(m * k, &mut rng);
            let at = random(k * m, &mut rng);
            let b = random(k * n, &mut rng);
            for view in [Strided::rows(&a, k), Strided::transposed(&at, m)] {
                let want = naive(m, k, n, view, &b, n);
                let mut c = vec![1.0; m * n];
                gemm(m, k, n, view, &b, n, &mut c, n, false, &mut scratch);
                for (x, y) in c.iter().zip(&want) {
                    assert!((x - y).abs() < 1e-4, "{m}x{k}x{n}: {x} vs {y}");
                }
                gemm(m, k, n, view, &b, n, &mut c, n, true, &mut scratch);
                for (x, y) in c.iter().zip(&want) {
                    assert!((x - 2.0 * y).abs() < 1e-4);
                }
            }
        }
    }

    #[test]
    fn transpose_swaps_indices() {
        let src = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut dst = [0.0; 6];
        transpose_into(&src, 2, 3, &mut dst);
        assert_eq!(dst, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }
}
