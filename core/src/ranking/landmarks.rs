//! Landmarkers: the validation accuracy of four cheap learners on a task's encoded samples, the
//! strongest hand-made meta-features in the algorithm-selection literature (Pfahringer et al.,
//! 2000). Computed on the encoder's schema-free part of each sample (the sketch and the row
//! statistics) with its label slot as the class, so numeric and text tasks of any width get the
//! same four numbers, and a device can compute them too: no allocator, the caller's samples.
//!
//! The samples alternate between a training half (even positions) and a validation half (odd
//! positions); each learner is fitted on the first and scored on the second:
//! nearest centroid, 1-nearest neighbour, Gaussian naive Bayes and a least-squares linear
//! classifier (ridge regression on one-hot targets). Cost: O(n^2 d) for 1-NN, O(n d^2 + d^3) for
//! least squares, with n at most [`MAX_LANDMARK_SAMPLES`] and d = [`LANDMARK_FEATURES`].

use crate::dims::{LABEL_AT, LABEL_SLOTS, LANDMARK_SLOTS};
use crate::ranking::sample_encoder::{Encoded, label_slot as label};
use crate::space::architecture::argmax;

/// Samples the landmarkers read at most (the rest are ignored).
pub const MAX_LANDMARK_SAMPLES: usize = 256;
/// Features each learner sees: the sketch and the row statistics of an encoded sample.
pub const LANDMARK_FEATURES: usize = LABEL_AT;
/// Number of landmarkers (their slots in z).
pub const LANDMARKS: usize = LANDMARK_SLOTS;
/// Ridge added to the least-squares normal equations (keeps them solvable for any data).
const RIDGE: f32 = 1e-2;
/// Variance floor of naive Bayes, so a constant feature does not dominate.
const VAR_FLOOR: f32 = 1e-3;
/// Least-squares unknowns: the features and a bias.
const LS_DIM: usize = LANDMARK_FEATURES + 1;

/// The four landmarkers' validation accuracies, in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Landmarks {
    /// Nearest class centroid (Euclidean).
    pub nearest_centroid: f32,
    /// One nearest neighbour (Euclidean).
    pub one_nn: f32,
    /// Gaussian naive Bayes.
    pub naive_bayes: f32,
    /// Least-squares linear classifier on one-hot targets.
    pub least_squares: f32,
}

impl Landmarks {
    /// The landmarkers as an array, in field order.
    #[must_use]
    pub const fn to_array(self) -> [f32; LANDMARKS] {
        [self.nearest_centroid, self.one_nn, self.naive_bayes, self.least_squares]
    }

    /// Computes the landmarkers on `samples` (at most [`MAX_LANDMARK_SAMPLES`] are read). With
    /// fewer than two samples there is nothing to validate on: every accuracy is 0.
    #[must_use]
    pub fn compute(samples: &[Encoded]) -> Self {
        let samples = samples.get(..MAX_LANDMARK_SAMPLES).unwrap_or(samples);
        let train = || samples.iter().step_by(2);
        let valid = || samples.iter().skip(1).step_by(2);
        if valid().next().is_none() {
            return Self::default();
        }
        let centroids = Centroids::fit(train());
        let bayes = NaiveBayes::fit(train(), &centroids);
        let ls = LeastSquares::fit(train());
        let accuracy = |predict: &dyn Fn(&Encoded) -> usize| {
            let (mut right, mut total) = (0u32, 0u32);
            for x in valid() {
                right += u32::from(predict(x) == label(x));
                total += 1;
            }
            right as f32 / total.max(1) as f32
        };
        Self {
            nearest_centroid: accuracy(&|x| centroids.predict(x)),
            one_nn: accuracy(&|x| nearest_neighbour(train(), x)),
            naive_bayes: accuracy(&|x| bayes.predict(x)),
            least_squares: accuracy(&|x| ls.predict(x)),
        }
    }
}

/// The sample's features for the learners.
fn features(x: &Encoded) -> &[f32] {
    x.as_slice().get(..LANDMARK_FEATURES).unwrap_or(&[])
}

fn squared_distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Per-class means and counts of the training half.
struct Centroids {
    mean: [[f32; LANDMARK_FEATURES]; LABEL_SLOTS],
    count: [u32; LABEL_SLOTS],
}

impl Centroids {
    fn fit<'a>(train: impl Iterator<Item = &'a Encoded>) -> Self {
        let mut mean = [[0.0; LANDMARK_FEATURES]; LABEL_SLOTS];
        let mut count = [0u32; LABEL_SLOTS];
        for x in train {
            let c = label(x);
            if let (Some(m), Some(n)) = (mean.get_mut(c), count.get_mut(c)) {
                *n += 1;
                // Running mean: the same order of additions on every target.
                let inv = 1.0 / *n as f32;
                for (mu, &v) in m.iter_mut().zip(features(x)) {
                    *mu += (v - *mu) * inv;
                }
            }
        }
        Self { mean, count }
    }

    fn predict(&self, x: &Encoded) -> usize {
        let mut best = (0, f32::INFINITY);
        for (c, (m, &n)) in self.mean.iter().zip(&self.count).enumerate() {
            let d = squared_distance(m, features(x));
            if n > 0 && d < best.1 {
                best = (c, d);
            }
        }
        best.0
    }
}

fn nearest_neighbour<'a>(train: impl Iterator<Item = &'a Encoded>, x: &Encoded) -> usize {
    let mut best = (0, f32::INFINITY);
    for t in train {
        let d = squared_distance(features(t), features(x));
        if d < best.1 {
            best = (label(t), d);
        }
    }
    best.0
}

/// Per-class feature variances (around the centroids), their logarithms and log-priors.
struct NaiveBayes<'c> {
    centroids: &'c Centroids,
    var: [[f32; LANDMARK_FEATURES]; LABEL_SLOTS],
    log_var: [[f32; LANDMARK_FEATURES]; LABEL_SLOTS],
    log_prior: [f32; LABEL_SLOTS],
}

impl<'c> NaiveBayes<'c> {
    fn fit<'a>(train: impl Iterator<Item = &'a Encoded>, centroids: &'c Centroids) -> Self {
        let mut var = [[0.0; LANDMARK_FEATURES]; LABEL_SLOTS];
        let mut total = 0u32;
        for x in train {
            let c = label(x);
            total += 1;
            if let (Some(v), Some(m)) = (var.get_mut(c), centroids.mean.get(c)) {
                for ((s, &mu), &f) in v.iter_mut().zip(m).zip(features(x)) {
                    *s += (f - mu) * (f - mu);
                }
            }
        }
        let mut log_prior = [f32::NEG_INFINITY; LABEL_SLOTS];
        let mut log_var = [[0.0; LANDMARK_FEATURES]; LABEL_SLOTS];
        for (((v, lv), lp), &n) in
            var.iter_mut().zip(&mut log_var).zip(&mut log_prior).zip(&centroids.count)
        {
            if n > 0 {
                for (s, l) in v.iter_mut().zip(lv.iter_mut()) {
                    *s = (*s / n as f32).max(VAR_FLOOR);
                    *l = libm::logf(*s);
                }
                *lp = libm::logf(n as f32 / total.max(1) as f32);
            }
        }
        Self { centroids, var, log_var, log_prior }
    }

    fn predict(&self, x: &Encoded) -> usize {
        let mut best = (0, f32::NEG_INFINITY);
        let classes = self.centroids.mean.iter().zip(&self.var).zip(&self.log_var);
        for (c, (((m, v), lv), &lp)) in classes.zip(&self.log_prior).enumerate() {
            if lp == f32::NEG_INFINITY {
                continue;
            }
            let mut score = lp;
            for (((&mu, &s), &l), &f) in m.iter().zip(v).zip(lv).zip(features(x)) {
                score -= 0.5 * (l + (f - mu) * (f - mu) / s);
            }
            if score > best.1 {
                best = (c, score);
            }
        }
        best.0
    }
}

/// Ridge regression of one-hot class targets on the features and a bias.
struct LeastSquares {
    weights: [[f32; LABEL_SLOTS]; LS_DIM],
}

impl LeastSquares {
    fn fit<'a>(train: impl Iterator<Item = &'a Encoded>) -> Self {
        // Normal equations: (X^T X + ridge I) W = X^T Y, X with a bias column.
        let mut xtx = [[0.0f32; LS_DIM]; LS_DIM];
        let mut xty = [[0.0f32; LABEL_SLOTS]; LS_DIM];
        for x in train {
            let row = with_bias(x);
            let c = label(x);
            for (i, &a) in row.iter().enumerate() {
                for (j, &b) in row.iter().enumerate() {
                    xtx[i][j] += a * b;
                }
                if let Some(y) = xty[i].get_mut(c) {
                    *y += a;
                }
            }
        }
        for (i, r) in xtx.iter_mut().enumerate() {
            r[i] += RIDGE;
        }
        Self { weights: solve(&mut xtx, xty) }
    }

    fn predict(&self, x: &Encoded) -> usize {
        let row = with_bias(x);
        let mut out = [0.0f32; LABEL_SLOTS];
        for (&a, w) in row.iter().zip(&self.weights) {
            for (o, &wv) in out.iter_mut().zip(w) {
                *o += a * wv;
            }
        }
        argmax(&out)
    }
}

fn with_bias(x: &Encoded) -> [f32; LS_DIM] {
    let mut row = [1.0f32; LS_DIM];
    for (r, &v) in row.iter_mut().zip(features(x)) {
        *r = v;
    }
    row
}

/// Solves `a W = b` for a symmetric positive-definite `a` (overwritten) by Gaussian elimination
/// without pivoting (the ridge keeps every pivot positive); a zero pivot leaves its row zero.
// Elimination reads row k while it writes row i of the same arrays: indices say it plainest.
#[allow(clippy::needless_range_loop)]
fn solve(
    a: &mut [[f32; LS_DIM]; LS_DIM],
    mut b: [[f32; LABEL_SLOTS]; LS_DIM],
) -> [[f32; LABEL_SLOTS]; LS_DIM] {
    for k in 0..LS_DIM {
        let pivot = a[k][k];
        if pivot.abs() < f32::MIN_POSITIVE {
            continue;
        }
        for i in k + 1..LS_DIM {
            let f = a[i][k] / pivot;
            if f == 0.0 {
                continue;
            }
            for j in k..LS_DIM {
                a[i][j] -= f * a[k][j];
            }
            for j in 0..LABEL_SLOTS {
                b[i][j] -= f * b[k][j];
            }
        }
    }
    let mut w = [[0.0f32; LABEL_SLOTS]; LS_DIM];
    for k in (0..LS_DIM).rev() {
        let pivot = a[k][k];
        if pivot.abs() < f32::MIN_POSITIVE {
            continue;
        }
        for j in 0..LABEL_SLOTS {
            let mut s = b[k][j];
            for i in k + 1..LS_DIM {
                s -= a[k][i] * w[i][j];
            }
            w[k][j] = s / pivot;
        }
    }
    w
}
