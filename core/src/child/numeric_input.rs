//! A numeric input module applied to one row: its fitted statistics and fixed projection read in
//! place (from a model file, or from the trainer's buffers), the module's transform, and the
//! projection to [`NUMERIC_WIDTH`] values. The trainer computes its children's features with
//! this code, so a trained child and the core's inference see the same inputs, bit for bit.
//!
//! Each raw value is transformed and projected as it is computed (no scratch row):
//! `out += raw_r * projection_r`, skipping zeros, in raw order; the Fourier module writes
//! `sqrt(2) cos(phase_o + sum_f w_of z_f)` directly.

use serde::{Deserialize, Serialize};

use crate::dims::NUMERIC_WIDTH;
use crate::kernels::dense::{LeSlice, value};
use crate::space::input_modules::{BINS, NUMERIC_MODULES, NumericModule};

/// Standardized values are clipped to this magnitude, so outliers cannot blow up a child.
pub const CLIP: f32 = 20.0;

/// A numeric module's parameters as stored: little-endian f32 sections and u16 pair indices.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NumericInputFile<'a> {
    /// Index of the module in [`NUMERIC_MODULES`].
    pub module: u8,
    /// Features of a row.
    pub features: u32,
    /// Per-feature statistics, `features x per_feature` f32: (mean, 1/std) for z-score,
    /// Fourier and pairwise; (mean, 1/std) of the signed log; (min, max); the 7 bin edges; or
    /// the sorted training values (rank-gauss).
    pub table: &'a [u8],
    /// Values per feature in `table`.
    pub per_feature: u32,
    /// Pairwise module: the (i, j) feature pairs, u16 little-endian.
    pub pairs: &'a [u8],
    /// The projection `[raw][NUMERIC_WIDTH]`, or the Fourier module's `[NUMERIC_WIDTH][features
    /// frequencies, phase]`.
    pub matrix: &'a [u8],
}

/// Why a numeric module's parameters are unusable: the section and what is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputError {
    /// A section's length does not match the module and feature count.
    Length(&'static str),
    /// A value is not finite, or sorted values are out of order.
    Value(&'static str),
    /// The module index is not a numeric module, or the features are none.
    Module,
}

/// A validated numeric module, borrowing its parameters.
#[derive(Clone, Copy, Debug)]
pub struct NumericInput<'a> {
    stats: Stats<'a>,
    matrix: LeSlice<'a>,
}

/// A module's fitted statistics (and pairs) without its projection: what stages a row's raw
/// values, which fitting reads while it writes the projection.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stats<'a> {
    pub(crate) module: NumericModule,
    pub(crate) features: usize,
    pub(crate) table: LeSlice<'a>,
    pub(crate) per_feature: usize,
    pub(crate) pairs: &'a [[u8; 2]],
}

fn f32s<'a>(bytes: &'a [u8], len: usize, what: &'static str) -> Result<LeSlice<'a>, InputError> {
    let (chunks, rest) = bytes.as_chunks::<4>();
    if chunks.len() != len || !rest.is_empty() {
        return Err(InputError::Length(what));
    }
    if chunks.iter().any(|b| !f32::from_le_bytes(*b).is_finite()) {
        return Err(InputError::Value(what));
    }
    Ok(chunks)
}

impl<'a> NumericInput<'a> {
    /// Checks every length and value of `file` against its module and feature count.
    ///
    /// # Errors
    /// The first [`InputError`].
    pub fn new(file: &NumericInputFile<'a>) -> Result<Self, InputError> {
        let module = *NUMERIC_MODULES.get(usize::from(file.module)).ok_or(InputError::Module)?;
        let features = file.features as usize;
        if features == 0 {
            return Err(InputError::Module);
        }
        let per_feature = file.per_feature as usize;
        let expected = match module {
            NumericModule::Binned => Some(BINS - 1),
            NumericModule::RankGauss => None,
            _ => Some(2),
        };
        if per_feature == 0 || expected.is_some_and(|e| e != per_feature) {
            return Err(InputError::Length("table"));
        }
        let table = f32s(file.table, features.saturating_mul(per_feature), "table")?;
        let sorted_rows = matches!(module, NumericModule::RankGauss | NumericModule::Binned);
        if sorted_rows
            && table
                .chunks_exact(per_feature)
                .any(|c| c.windows(2).any(|w| f32::from_le_bytes(w[0]) > f32::from_le_bytes(w[1])))
        {
            return Err(InputError::Value("table"));
        }
        let raw = module.raw_width(features);
        let (pairs, rest) = file.pairs.as_chunks::<2>();
        let pair_count = if module == NumericModule::Pairwise { 2 * raw } else { 0 };
        if pairs.len() != pair_count || !rest.is_empty() {
            return Err(InputError::Length("pairs"));
        }
        if pairs.iter().any(|p| usize::from(u16::from_le_bytes(*p)) >= features) {
            return Err(InputError::Value("pairs"));
        }
        let matrix_len = if module == NumericModule::Fourier {
            NUMERIC_WIDTH * (features + 1)
        } else {
            raw * NUMERIC_WIDTH
        };
        let matrix = f32s(file.matrix, matrix_len, "matrix")?;
        Ok(Self { stats: Stats { module, features, table, per_feature, pairs }, matrix })
    }

    /// The module.
    #[must_use]
    pub const fn module(&self) -> NumericModule {
        self.stats.module
    }

    /// Features of a row.
    #[must_use]
    pub const fn features(&self) -> usize {
        self.stats.features
    }

    /// Values a row is staged as before the projection: a z-score per feature (Fourier), a bin
    /// index per feature (binned), or the module's transformed values (the others).
    #[must_use]
    pub fn staged_width(&self) -> usize {
        match self.stats.module {
            NumericModule::Fourier | NumericModule::Binned => self.stats.features,
            _ => self.matrix.len() / NUMERIC_WIDTH,
        }
    }

    /// The staged values of `row`, each passed to `put(r, value)` in order: what a trainer keeps
    /// per sample, so each training step projects instead of transforming.
    pub fn stage_with(&self, row: &[f32], mut put: impl FnMut(usize, f32)) {
        for r in 0..self.staged_width() {
            put(r, self.raw(r, row));
        }
    }

    /// The module's [`NUMERIC_WIDTH`] values from a row's staged values, read by `staged(r)`
    /// ([`Self::stage_with`]): the same bits as [`Self::transform`] of the row.
    pub fn project_from(&self, staged: impl Fn(usize) -> f32, out: &mut [f32; NUMERIC_WIDTH]) {
        self.project_with(staged, out);
    }

    /// The module's [`NUMERIC_WIDTH`] values of `row` (its first [`Self::features`] values;
    /// missing ones read as 0) into `out`.
    pub fn transform(&self, row: &[f32], out: &mut [f32; NUMERIC_WIDTH]) {
        self.project_with(|r| self.raw(r, row), out);
    }

    /// Staged value `r` of `row` (its missing features read as 0).
    fn raw(&self, r: usize, row: &[f32]) -> f32 {
        self.stats.raw(r, |f| row.get(f).copied().unwrap_or(0.0))
    }

    /// Projects staged values read once each, in order, by `raw(r)`.
    fn project_with(&self, raw: impl Fn(usize) -> f32, out: &mut [f32; NUMERIC_WIDTH]) {
        let d = self.stats.features;
        let add_row = |out: &mut [f32; NUMERIC_WIDTH], r: usize, v: f32| {
            let projection = self.matrix.get(r * NUMERIC_WIDTH..(r + 1) * NUMERIC_WIDTH);
            for (o, w) in out.iter_mut().zip(projection.unwrap_or(&[])) {
                *o += v * f32::from_le_bytes(*w);
            }
        };
        match self.stats.module {
            NumericModule::Fourier => {
                // Feature by feature, so each z is computed once; every output still adds its
                // phase, then its terms in feature order.
                // Output k's row of the matrix: its d weights, then its phase.
                let row = |k: usize| self.matrix.get(k * (d + 1)..(k + 1) * (d + 1));
                for (k, o) in out.iter_mut().enumerate() {
                    if let Some(w) = row(k) {
                        *o = value(w, d);
                    }
                }
                for f in 0..d {
                    let z = raw(f);
                    for (k, o) in out.iter_mut().enumerate() {
                        if let Some(w) = row(k) {
                            *o += value(w, f) * z;
                        }
                    }
                }
                out.iter_mut().for_each(|o| *o = core::f32::consts::SQRT_2 * libm::cosf(*o));
            }
            NumericModule::Binned => {
                // One non-zero raw value per feature: its bin's row, in raw order.
                out.fill(0.0);
                for f in 0..d {
                    add_row(out, f * BINS + raw(f) as usize, 1.0);
                }
            }
            _ => {
                out.fill(0.0);
                for r in 0..self.matrix.len() / NUMERIC_WIDTH {
                    let v = raw(r);
                    if v != 0.0 {
                        add_row(out, r, v);
                    }
                }
            }
        }
    }
}

impl Stats<'_> {
    fn stat(&self, f: usize, k: usize) -> f32 {
        value(self.table, f * self.per_feature + k)
    }

    fn z(&self, f: usize, x: f32) -> f32 {
        clip((x - self.stat(f, 0)) * self.stat(f, 1))
    }

    /// Count of feature `f`'s table values below `x` (`or_equal`: not above it).
    fn rank(&self, f: usize, x: f32, or_equal: bool) -> usize {
        let row = self.table.get(f * self.per_feature..(f + 1) * self.per_feature).unwrap_or(&[]);
        row.partition_point(|b| {
            let v = f32::from_le_bytes(*b);
            if or_equal { v <= x } else { v < x }
        })
    }

    /// Staged value `r` of a row whose feature `f` is `x(f)` (see
    /// [`NumericInput::staged_width`]).
    #[inline]
    pub(crate) fn raw(&self, r: usize, x: impl Fn(usize) -> f32) -> f32 {
        match self.module {
            NumericModule::ZScore | NumericModule::Fourier => self.z(r, x(r)),
            NumericModule::SignedLog => {
                clip((signed_log(x(r)) - self.stat(r, 0)) * self.stat(r, 1))
            }
            NumericModule::MinMax => {
                let (lo, hi) = (self.stat(r, 0), self.stat(r, 1));
                if hi > lo { clip((x(r) - lo) / (hi - lo)) } else { 0.0 }
            }
            NumericModule::RankGauss => {
                let n = self.per_feature;
                let (below, not_above) = (self.rank(r, x(r), false), self.rank(r, x(r), true));
                let half = 0.5 / n as f64;
                let frac = ((below + not_above) as f64 * 0.5 / n as f64).max(half).min(1.0 - half);
                inverse_normal_cdf(frac) as f32
            }
            NumericModule::Pairwise => {
                let index =
                    |k: usize| usize::from(self.pairs.get(k).map_or(0, |p| u16::from_le_bytes(*p)));
                let (i, j) = (index(2 * r), index(2 * r + 1));
                clip(self.z(i, x(i)) * self.z(j, x(j)))
            }
            NumericModule::Binned => self.rank(r, x(r), false) as f32,
        }
    }
}

// max/min rather than clamp, which has a panicking path.
#[allow(clippy::manual_clamp)]
fn clip(v: f32) -> f32 {
    v.max(-CLIP).min(CLIP)
}

/// sign(x) ln(1 + |x|).
#[must_use]
pub fn signed_log(x: f32) -> f32 {
    libm::copysignf(libm::log1pf(libm::fabsf(x)), x)
}

/// Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9).
#[must_use]
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    #[allow(clippy::manual_clamp)]
    let p = p.max(1e-300).min(1.0 - 1e-16);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail(libm::sqrt(-2.0 * libm::log(p)))
    } else if p > 1.0 - LOW {
        -tail(libm::sqrt(-2.0 * libm::log(1.0 - p)))
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn inverse_normal_cdf_matches_known_quantiles() {
        assert!(inverse_normal_cdf(0.5).abs() < 1e-9);
        assert!((inverse_normal_cdf(0.975) - 1.959_963_985).abs() < 1e-6);
        assert!((inverse_normal_cdf(0.01) + 2.326_347_874).abs() < 1e-6);
    }

    fn le(values: &[f32]) -> std::vec::Vec<u8> {
        values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    #[test]
    fn rank_gauss_uses_mid_ranks_of_the_sorted_training_values() {
        let table = le(&[0.0, 1.0, 2.0, 3.0]);
        let mut projection = [0.0_f32; NUMERIC_WIDTH];
        projection[0] = 1.0;
        let matrix = le(&projection);
        let file = NumericInputFile {
            module: 1,
            features: 1,
            table: &table,
            per_feature: 4,
            pairs: &[],
            matrix: &matrix,
        };
        let input = NumericInput::new(&file).unwrap();
        let at = |x: f32| {
            let mut out = [0.0; NUMERIC_WIDTH];
            input.transform(&[x], &mut out);
            out[0]
        };
        assert!(at(1.5).abs() < 1e-6);
        assert!(at(3.0) > 0.5);
        assert!(at(-10.0) < -1.0);
        let unsorted = le(&[0.0, 2.0, 1.0, 3.0]);
        let bad = NumericInputFile { table: &unsorted, ..file };
        assert_eq!(NumericInput::new(&bad).unwrap_err(), InputError::Value("table"));
        let short = NumericInputFile { matrix: &matrix[4..], ..file };
        assert_eq!(NumericInput::new(&short).unwrap_err(), InputError::Length("matrix"));
    }

    #[test]
    fn signed_log_is_odd_and_logarithmic() {
        assert_eq!(signed_log(0.0), 0.0);
        assert!((signed_log(core::f32::consts::E - 1.0) - 1.0).abs() < 1e-6);
        assert_eq!(signed_log(-3.0), -signed_log(3.0));
    }
}
