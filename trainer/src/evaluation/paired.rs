//! Paired comparisons of two rankers over the same held-out tasks: the mean per-task difference
//! with a 95 % bootstrap interval over tasks, and how many tasks each one wins. Two means side by
//! side do not say whether a difference is real; this does.

use serde::{Deserialize, Serialize};

use crate::rank_stats::mean;
use crate::rng::Rng;

/// Bootstrap resamples of the tasks.
pub const RESAMPLES: usize = 10_000;

/// Ranker `a` against ranker `b` on the tasks where both were evaluated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Paired {
    /// The ranker compared.
    pub a: String,
    /// The ranker it is compared against.
    pub b: String,
    /// Mean over tasks of a's figure minus b's.
    pub mean_diff: f64,
    /// 95 % percentile bootstrap interval of `mean_diff`, resampling tasks.
    pub ci95: [f64; 2],
    /// Tasks where a is higher.
    pub wins: usize,
    /// Tasks where a is lower.
    pub losses: usize,
    /// Tasks compared.
    pub tasks: usize,
}

impl Paired {
    /// Compares per-task figures `a_values` and `b_values` (same tasks, same order; pairs with
    /// a non-finite side are left out); the bootstrap is seeded by `seed`.
    #[must_use]
    pub fn new(a: &str, b: &str, a_values: &[f64], b_values: &[f64], seed: u64) -> Self {
        let diffs: Vec<f64> =
            a_values.iter().zip(b_values).map(|(x, y)| x - y).filter(|d| d.is_finite()).collect();
        Self {
            a: a.to_owned(),
            b: b.to_owned(),
            mean_diff: mean(&diffs),
            ci95: bootstrap_ci95(&diffs, seed),
            wins: diffs.iter().filter(|&&d| d > 0.0).count(),
            losses: diffs.iter().filter(|&&d| d < 0.0).count(),
            tasks: diffs.len(),
        }
    }

    /// Whether the interval excludes zero.
    #[must_use]
    pub fn is_clear(&self) -> bool {
        self.ci95[0] > 0.0 || self.ci95[1] < 0.0
    }
}

/// The 2.5 % and 97.5 % percentiles of the mean of `values` resampled with replacement
/// ([`RESAMPLES`] times); NaN for no values.
#[must_use]
pub fn bootstrap_ci95(values: &[f64], seed: u64) -> [f64; 2] {
    if values.is_empty() {
        return [f64::NAN, f64::NAN];
    }
    let mut rng = Rng::new(seed);
    let n = values.len();
    let mut means: Vec<f64> = (0..RESAMPLES)
        .map(|_| (0..n).map(|_| values[rng.below(n)]).sum::<f64>() / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    let at = |q: f64| means[((q * (RESAMPLES - 1) as f64).round() as usize).min(RESAMPLES - 1)];
    [at(0.025), at(0.975)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_interval_follow_the_differences() {
        let a = [0.5, 0.6, 0.7, 0.8, f64::NAN];
        let b = [0.4, 0.4, 0.7, 0.9, 0.1];
        let p = Paired::new("x", "y", &a, &b, 1);
        assert_eq!((p.wins, p.losses, p.tasks), (2, 1, 4));
        assert!((p.mean_diff - 0.05).abs() < 1e-12);
        assert!(p.ci95[0] <= p.mean_diff && p.mean_diff <= p.ci95[1]);
        assert!(!p.is_clear(), "{:?}", p.ci95);
        assert_eq!(p, Paired::new("x", "y", &a, &b, 1), "seeded");
    }

    #[test]
    fn a_consistent_difference_is_clear() {
        let a: Vec<f64> = (0..40).map(|i| 0.5 + 0.01 * f64::from(i % 5)).collect();
        let b: Vec<f64> = a.iter().map(|x| x - 0.1).collect();
        let p = Paired::new("x", "y", &a, &b, 3);
        assert!(p.is_clear() && (p.ci95[0] - 0.1).abs() < 1e-9, "{:?}", p.ci95);
        assert_eq!(p.wins, 40);
    }

    #[test]
    fn interval_covers_the_mean_of_noisy_differences() {
        let mut rng = Rng::new(9);
        let diffs: Vec<f64> = (0..60).map(|_| rng.normal() * 0.2 + 0.05).collect();
        let [lo, hi] = bootstrap_ci95(&diffs, 4);
        let m = mean(&diffs);
        // The normal-theory half width is 1.96 * sd / sqrt(n), about 0.05 here.
        assert!(lo < m && m < hi && hi - lo > 0.06 && hi - lo < 0.14, "{lo} {hi}");
    }
}
