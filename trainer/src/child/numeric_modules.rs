//! Input modules for numeric tasks: fitted on the training rows, applied by the core.
//!
//! Each module turns a row of d numeric features into [`NUMERIC_WIDTH`] values. The per-module
//! transform (z-score, rank-gauss, ...) is followed by a fixed seeded Gaussian projection to the
//! common width, scaled so a typical row keeps a unit-variance output; the random Fourier module
//! produces the common width directly. Every statistic (means, quantiles, ranges) comes from the
//! training rows only, so validation and test rows never leak into the features. This file fits
//! the statistics and draws the projections ([`NumericInputParams`]); the transform itself is the
//! core's [`NumericInput`], which a model file carries to a device.

pub use archrank_core::dims::NUMERIC_WIDTH;
use archrank_core::input_modules::{BINS, MAX_PAIRS};
pub use archrank_core::input_modules::{NUMERIC_MODULES, NumericModule};
use archrank_core::numeric_input::{NumericInput, NumericInputFile, signed_log};

use crate::rng::{Rng, derive_seed};

/// Seed tag of the modules' projections and random features.
const PROJECTION_TAG: u64 = 0x7072_6F6A;

/// Per-feature statistics of the training rows.
struct Stats {
    mean: Vec<f32>,
    inv_std: Vec<f32>,
    /// Sorted training values, per feature.
    sorted: Vec<Vec<f32>>,
    log_mean: Vec<f32>,
    log_inv_std: Vec<f32>,
    edges: Vec<[f32; BINS - 1]>,
}

fn mean_inv_std(values: &[f32]) -> (f32, f32) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = values.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n;
    let std = var.sqrt();
    let inv = if std > 1e-12 { 1.0 / std } else { 0.0 };
    (mean as f32, inv as f32)
}

impl Stats {
    fn fit<'a>(row: &dyn Fn(usize) -> &'a [f32], train: &[usize], d: usize) -> Self {
        let mut stats = Self {
            mean: Vec::with_capacity(d),
            inv_std: Vec::with_capacity(d),
            sorted: Vec::with_capacity(d),
            log_mean: Vec::with_capacity(d),
            log_inv_std: Vec::with_capacity(d),
            edges: Vec::with_capacity(d),
        };
        for f in 0..d {
            let mut column: Vec<f32> =
                train.iter().map(|&r| row(r).get(f).copied().unwrap_or(0.0)).collect();
            let (m, s) = mean_inv_std(&column);
            stats.mean.push(m);
            stats.inv_std.push(s);
            let logs: Vec<f32> = column.iter().map(|&v| signed_log(v)).collect();
            let (lm, ls) = mean_inv_std(&logs);
            stats.log_mean.push(lm);
            stats.log_inv_std.push(ls);
            column.sort_by(f32::total_cmp);
            let mut edges = [0.0; BINS - 1];
            for (b, e) in edges.iter_mut().enumerate() {
                let q = (b + 1) * column.len() / BINS;
                *e = column.get(q.min(column.len().saturating_sub(1))).copied().unwrap_or(0.0);
            }
            stats.edges.push(edges);
            stats.sorted.push(column);
        }
        stats
    }
}

/// Raw (pre-projection) width of a module for d features, and the pairs it multiplies.
fn raw_layout(module: NumericModule, d: usize, rng: &mut Rng) -> (usize, Vec<(usize, usize)>) {
    match module {
        NumericModule::Fourier => (NUMERIC_WIDTH, Vec::new()),
        NumericModule::Binned => (d * BINS, Vec::new()),
        NumericModule::Pairwise => {
            let mut pairs: Vec<(usize, usize)> =
                (0..d).flat_map(|i| (i..d).map(move |j| (i, j))).collect();
            if pairs.len() > MAX_PAIRS {
                rng.shuffle(&mut pairs);
                pairs.truncate(MAX_PAIRS);
                pairs.sort_unstable();
            }
            (pairs.len(), pairs)
        }
        _ => (d, Vec::new()),
    }
}

/// A numeric module's fitted statistics and projection, owned: what the core's
/// [`NumericInput`] reads, and what a model file stores.
#[derive(Clone, Debug, PartialEq)]
pub struct NumericInputParams {
    module: u8,
    features: u32,
    per_feature: u32,
    table: Vec<u8>,
    pairs: Vec<u8>,
    matrix: Vec<u8>,
}

fn le_bytes(values: impl IntoIterator<Item = f32>) -> Vec<u8> {
    values.into_iter().flat_map(f32::to_le_bytes).collect()
}

impl NumericInputParams {
    /// The stored form, borrowing these buffers.
    #[must_use]
    pub fn file(&self) -> NumericInputFile<'_> {
        NumericInputFile {
            module: self.module,
            features: self.features,
            table: &self.table,
            per_feature: self.per_feature,
            pairs: &self.pairs,
            matrix: &self.matrix,
        }
    }

    /// The module's features of every row of `rows` (row-major, `rows x NUMERIC_WIDTH`).
    #[must_use]
    pub fn features_of(&self, rows: impl ExactSizeIterator<Item = impl AsRef<[f32]>>) -> Vec<f32> {
        let mut out = vec![0.0_f32; rows.len() * NUMERIC_WIDTH];
        // Built from fitted, finite statistics: the core accepts it.
        let Ok(input) = NumericInput::new(&self.file()) else { return out };
        for (dst, row) in out.chunks_exact_mut(NUMERIC_WIDTH).zip(rows) {
            let mut buf = [0.0; NUMERIC_WIDTH];
            input.transform(row.as_ref(), &mut buf);
            dst.copy_from_slice(&buf);
        }
        out
    }
}

/// Fits the first `modules` numeric modules on the `train` rows: statistics, pairs and
/// projections; `row(i)` returns the task's row i, `seed` fixes the projections and random
/// features.
#[must_use]
pub fn fit_numeric_inputs<'a>(
    row: &dyn Fn(usize) -> &'a [f32],
    d: usize,
    train: &[usize],
    modules: usize,
    seed: u64,
) -> Vec<NumericInputParams> {
    let stats = Stats::fit(row, train, d);
    NUMERIC_MODULES
        .iter()
        .cycle()
        .take(modules)
        .enumerate()
        .map(|(index, &module)| {
            let mut rng = Rng::new(derive_seed(&[seed, PROJECTION_TAG, index as u64]));
            let (raw_width, pairs) = raw_layout(module, d, &mut rng);
            let pair_bytes: Vec<u8> = pairs
                .iter()
                .flat_map(|&(i, j)| [i as u16, j as u16])
                .flat_map(u16::to_le_bytes)
                .collect();
            let matrix: Vec<f32> = if module == NumericModule::Fourier {
                // Frequencies N(0, 1/d) on the z-scored row (RBF length scale ~ sqrt(d)), then
                // a phase, per output.
                let scale = 1.0 / (d.max(1) as f64).sqrt();
                (0..NUMERIC_WIDTH * (d + 1))
                    .map(|i| {
                        if i % (d + 1) == d {
                            (rng.uniform() * std::f64::consts::TAU) as f32
                        } else {
                            (rng.normal() * scale) as f32
                        }
                    })
                    .collect()
            } else {
                // Projection raw -> common width, scaled by the raw row's typical squared norm.
                let norm = if module == NumericModule::Pairwise { raw_width } else { d };
                let scale = 1.0 / (norm.max(1) as f64).sqrt();
                (0..raw_width * NUMERIC_WIDTH).map(|_| (rng.normal() * scale) as f32).collect()
            };
            let (per_feature, table): (usize, Vec<f32>) = match module {
                NumericModule::RankGauss => {
                    let n = stats.sorted.first().map_or(0, Vec::len);
                    (n, stats.sorted.iter().flatten().copied().collect())
                }
                NumericModule::Binned => {
                    (BINS - 1, stats.edges.iter().flatten().copied().collect())
                }
                NumericModule::SignedLog => (
                    2,
                    stats
                        .log_mean
                        .iter()
                        .zip(&stats.log_inv_std)
                        .flat_map(|(&m, &s)| [m, s])
                        .collect(),
                ),
                NumericModule::MinMax => (
                    2,
                    stats
                        .sorted
                        .iter()
                        .flat_map(|c| {
                            [c.first().copied().unwrap_or(0.0), c.last().copied().unwrap_or(0.0)]
                        })
                        .collect(),
                ),
                _ => {
                    (2, stats.mean.iter().zip(&stats.inv_std).flat_map(|(&m, &s)| [m, s]).collect())
                }
            };
            NumericInputParams {
                module: (index % NUMERIC_MODULES.len()) as u8,
                features: d as u32,
                per_feature: per_feature as u32,
                table: le_bytes(table),
                pairs: pair_bytes,
                matrix: le_bytes(matrix),
            }
        })
        .collect()
}

/// The features of `rows` for the first `modules` numeric modules: one row-major
/// `rows.len() x NUMERIC_WIDTH` matrix per module, with the fitted modules. `row(i)` returns the
/// task's row i; statistics are fitted on the `train` rows; `seed` fixes the projections and
/// random features.
#[must_use]
pub fn numeric_features<'a>(
    row: &dyn Fn(usize) -> &'a [f32],
    d: usize,
    train: &[usize],
    rows: &[usize],
    modules: usize,
    seed: u64,
) -> (Vec<Vec<f32>>, Vec<NumericInputParams>) {
    let inputs = fit_numeric_inputs(row, d, train, modules, seed);
    let features = inputs.iter().map(|p| p.features_of(rows.iter().map(|&r| row(r)))).collect();
    (features, inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_finite_have_common_width_and_ignore_non_train_rows() {
        let data: Vec<Vec<f32>> =
            (0..40).map(|i| vec![i as f32, (i % 3) as f32, -(i as f32) * 100.0]).collect();
        let row = |i: usize| data[i].as_slice();
        let train: Vec<usize> = (0..30).collect();
        let rows: Vec<usize> = (0..40).collect();
        let (feats, inputs) = numeric_features(&row, 3, &train, &rows, 7, 9);
        assert_eq!(inputs.len(), 7);
        assert_eq!(feats.len(), 7);
        for f in &feats {
            assert_eq!(f.len(), 40 * NUMERIC_WIDTH);
            assert!(f.iter().all(|v| v.is_finite()));
            assert!(f.iter().any(|&v| v != 0.0));
        }
        // Changing a test row's values changes nothing fitted: train-row features stay the same.
        let mut data2 = data.clone();
        data2[35] = vec![1e6, 5.0, 3.0];
        let row2 = |i: usize| data2[i].as_slice();
        let (feats2, _) = numeric_features(&row2, 3, &train, &rows, 7, 9);
        for (a, b) in feats.iter().zip(&feats2) {
            assert_eq!(a[..30 * NUMERIC_WIDTH], b[..30 * NUMERIC_WIDTH]);
        }
    }
}
