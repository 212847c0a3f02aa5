//! Input modules for numeric tasks: fixed featurizers fitted on the training rows.
//!
//! Each module turns a row of d numeric features into [`NUMERIC_WIDTH`] values. The per-module
//! transform (z-score, rank-gauss, ...) is followed by a fixed seeded Gaussian projection to the
//! common width, scaled so a typical row keeps a unit-variance output; the random Fourier module
//! produces the common width directly. Every statistic (means, quantiles, ranges) comes from the
//! training rows only, so validation and test rows never leak into the features.

use crate::rng::{Rng, derive_seed};

pub use archrank_core::dims::NUMERIC_WIDTH;
use archrank_core::input_modules::{BINS, MAX_PAIRS};
pub use archrank_core::input_modules::{NUMERIC_MODULES, NumericModule};

/// Standardized values are clipped to this magnitude, so outliers cannot blow up a child.
const CLIP: f32 = 20.0;
/// Seed tag of the modules' projections and random features.
const PROJECTION_TAG: u64 = 0x7072_6F6A;

/// Per-feature statistics of the training rows.
struct Stats {
    d: usize,
    mean: Vec<f32>,
    inv_std: Vec<f32>,
    /// Sorted training values, per feature.
    sorted: Vec<Vec<f32>>,
    log_mean: Vec<f32>,
    log_inv_std: Vec<f32>,
    edges: Vec<[f32; BINS - 1]>,
}

fn signed_log(x: f32) -> f32 {
    x.signum() * x.abs().ln_1p()
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
            d,
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

    fn z(&self, f: usize, x: f32) -> f32 {
        let m = self.mean.get(f).copied().unwrap_or(0.0);
        let s = self.inv_std.get(f).copied().unwrap_or(0.0);
        ((x - m) * s).clamp(-CLIP, CLIP)
    }

    fn rank_gauss(&self, f: usize, x: f32) -> f32 {
        let Some(sorted) = self.sorted.get(f) else { return 0.0 };
        let n = sorted.len();
        if n == 0 {
            return 0.0;
        }
        let below = sorted.partition_point(|&v| v < x);
        let not_above = sorted.partition_point(|&v| v <= x);
        let half = 0.5 / n as f64;
        let frac = ((below + not_above) as f64 * 0.5 / n as f64).clamp(half, 1.0 - half);
        inverse_normal_cdf(frac) as f32
    }

    fn signed_log_z(&self, f: usize, x: f32) -> f32 {
        let m = self.log_mean.get(f).copied().unwrap_or(0.0);
        let s = self.log_inv_std.get(f).copied().unwrap_or(0.0);
        ((signed_log(x) - m) * s).clamp(-CLIP, CLIP)
    }

    fn min_max(&self, f: usize, x: f32) -> f32 {
        let Some(sorted) = self.sorted.get(f) else { return 0.0 };
        let (Some(&lo), Some(&hi)) = (sorted.first(), sorted.last()) else { return 0.0 };
        if hi > lo { ((x - lo) / (hi - lo)).clamp(-CLIP, CLIP) } else { 0.0 }
    }

    fn bin(&self, f: usize, x: f32) -> usize {
        self.edges.get(f).map_or(0, |e| e.partition_point(|&v| v < x))
    }
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
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
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

/// Writes the module's raw features of one row into `raw`.
fn transform_row(
    module: NumericModule,
    stats: &Stats,
    x: &[f32],
    pairs: &[(usize, usize)],
    fourier: &[f32],
    raw: &mut [f32],
) {
    let d = stats.d;
    let value = |f: usize| x.get(f).copied().unwrap_or(0.0);
    match module {
        NumericModule::ZScore => {
            raw.iter_mut().enumerate().for_each(|(f, r)| *r = stats.z(f, value(f)))
        }
        NumericModule::RankGauss => {
            raw.iter_mut().enumerate().for_each(|(f, r)| *r = stats.rank_gauss(f, value(f)));
        }
        NumericModule::SignedLog => {
            raw.iter_mut().enumerate().for_each(|(f, r)| *r = stats.signed_log_z(f, value(f)));
        }
        NumericModule::MinMax => {
            raw.iter_mut().enumerate().for_each(|(f, r)| *r = stats.min_max(f, value(f)));
        }
        NumericModule::Binned => {
            raw.fill(0.0);
            for f in 0..d {
                if let Some(r) = raw.get_mut(f * BINS + stats.bin(f, value(f))) {
                    *r = 1.0;
                }
            }
        }
        NumericModule::Pairwise => {
            for (r, &(i, j)) in raw.iter_mut().zip(pairs) {
                *r = (stats.z(i, value(i)) * stats.z(j, value(j))).clamp(-CLIP, CLIP);
            }
        }
        NumericModule::Fourier => {
            // fourier holds, per output, d frequencies then a phase.
            for (r, w) in raw.iter_mut().zip(fourier.chunks_exact(d + 1)) {
                let mut dot = w.get(d).copied().unwrap_or(0.0);
                for (f, &wf) in w.iter().take(d).enumerate() {
                    dot += wf * stats.z(f, value(f));
                }
                *r = std::f32::consts::SQRT_2 * dot.cos();
            }
        }
    }
}

/// The features of `rows` for the first `modules` numeric modules: one row-major
/// `rows.len() x NUMERIC_WIDTH` matrix per module. `row(i)` returns the task's row i; statistics
/// are fitted on the `train` rows; `seed` fixes the projections and random features.
#[must_use]
pub fn numeric_features<'a>(
    row: &dyn Fn(usize) -> &'a [f32],
    d: usize,
    train: &[usize],
    rows: &[usize],
    modules: usize,
    seed: u64,
) -> Vec<Vec<f32>> {
    let stats = Stats::fit(row, train, d);
    NUMERIC_MODULES
        .iter()
        .cycle()
        .take(modules)
        .enumerate()
        .map(|(index, &module)| {
            let mut rng = Rng::new(derive_seed(&[seed, PROJECTION_TAG, index as u64]));
            let (raw_width, pairs) = raw_layout(module, d, &mut rng);
            // Fourier: frequencies N(0, 1/d) on the z-scored row (RBF length scale ~ sqrt(d)).
            let fourier: Vec<f32> = if module == NumericModule::Fourier {
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
                Vec::new()
            };
            // Projection raw -> common width, scaled by the raw row's typical squared norm.
            let projection: Option<Vec<f32>> = if module == NumericModule::Fourier {
                None
            } else {
                let norm = if module == NumericModule::Pairwise { raw_width } else { d };
                let scale = 1.0 / (norm.max(1) as f64).sqrt();
                Some(
                    (0..raw_width * NUMERIC_WIDTH).map(|_| (rng.normal() * scale) as f32).collect(),
                )
            };
            let mut raw = vec![0.0_f32; raw_width];
            let mut out = vec![0.0_f32; rows.len() * NUMERIC_WIDTH];
            for (dst, &r) in out.chunks_exact_mut(NUMERIC_WIDTH).zip(rows) {
                transform_row(module, &stats, row(r), &pairs, &fourier, &mut raw);
                match &projection {
                    None => dst
                        .copy_from_slice(raw.get(..NUMERIC_WIDTH).unwrap_or(&[0.0; NUMERIC_WIDTH])),
                    Some(p) => {
                        for (&v, prow) in raw.iter().zip(p.chunks_exact(NUMERIC_WIDTH)) {
                            if v != 0.0 {
                                dst.iter_mut().zip(prow).for_each(|(o, &w)| *o += v * w);
                            }
                        }
                    }
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_normal_cdf_matches_known_quantiles() {
        assert!(inverse_normal_cdf(0.5).abs() < 1e-9);
        assert!((inverse_normal_cdf(0.975) - 1.959_963_985).abs() < 1e-6);
        assert!((inverse_normal_cdf(0.01) + 2.326_347_874).abs() < 1e-6);
    }

    #[test]
    fn features_are_finite_have_common_width_and_ignore_non_train_rows() {
        let data: Vec<Vec<f32>> =
            (0..40).map(|i| vec![i as f32, (i % 3) as f32, -(i as f32) * 100.0]).collect();
        let row = |i: usize| data[i].as_slice();
        let train: Vec<usize> = (0..30).collect();
        let rows: Vec<usize> = (0..40).collect();
        let feats = numeric_features(&row, 3, &train, &rows, 7, 9);
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
        let feats2 = numeric_features(&row2, 3, &train, &rows, 7, 9);
        for (a, b) in feats.iter().zip(&feats2) {
            assert_eq!(a[..30 * NUMERIC_WIDTH], b[..30 * NUMERIC_WIDTH]);
        }
    }

    #[test]
    fn rank_gauss_uses_mid_ranks() {
        let data: Vec<Vec<f32>> = (0..4).map(|i| vec![i as f32]).collect();
        let row = |i: usize| data[i].as_slice();
        let stats = Stats::fit(&row, &[0, 1, 2, 3], 1);
        assert!(stats.rank_gauss(0, 1.5).abs() < 1e-6);
        assert!(stats.rank_gauss(0, 3.0) > 0.5);
        assert!(stats.rank_gauss(0, -10.0) < -1.0);
    }
}
