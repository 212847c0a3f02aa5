//! Two-dimensional projections of task embeddings for the report's figures: PCA (the paper's
//! Figure 6) and exact t-SNE (Figure 5).

use crate::rng::Rng;

/// Projects `points` (all of one dimension) onto their first two principal components.
#[must_use]
pub fn pca_2d(points: &[Vec<f64>]) -> Vec<(f64, f64)> {
    let Some(d) = points.first().map(Vec::len) else { return Vec::new() };
    let n = points.len() as f64;
    let mean: Vec<f64> = (0..d).map(|j| points.iter().map(|p| p[j]).sum::<f64>() / n).collect();
    let centered: Vec<Vec<f64>> =
        points.iter().map(|p| p.iter().zip(&mean).map(|(a, m)| a - m).collect()).collect();
    let mut cov = vec![vec![0.0; d]; d];
    for p in &centered {
        for i in 0..d {
            for j in 0..d {
                cov[i][j] += p[i] * p[j] / n;
            }
        }
    }
    let first = power_iteration(&cov, None);
    let second = power_iteration(&cov, Some(&first));
    centered.iter().map(|p| (dot(p, &first), dot(p, &second))).collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Leading eigenvector of a symmetric matrix, orthogonal to `skip` if given.
fn power_iteration(m: &[Vec<f64>], skip: Option<&[f64]>) -> Vec<f64> {
    let d = m.len();
    let mut v: Vec<f64> = (0..d).map(|i| 1.0 + i as f64 * 1e-3).collect();
    for _ in 0..300 {
        if let Some(s) = skip {
            let c = dot(&v, s);
            v.iter_mut().zip(s).for_each(|(x, y)| *x -= c * y);
        }
        let mut next: Vec<f64> = m.iter().map(|row| dot(row, &v)).collect();
        let norm = dot(&next, &next).sqrt();
        if norm < 1e-300 {
            break;
        }
        next.iter_mut().for_each(|x| *x /= norm);
        v = next;
    }
    v
}

/// Exact t-SNE into two dimensions (van der Maaten & Hinton 2008): Gaussian affinities at the
/// given perplexity, Student-t in the map, early exaggeration, momentum gradient descent.
#[must_use]
pub fn tsne_2d(
    points: &[Vec<f64>],
    perplexity: f64,
    iterations: usize,
    seed: u64,
) -> Vec<(f64, f64)> {
    let n = points.len();
    if n < 3 {
        return points.iter().map(|_| (0.0, 0.0)).collect();
    }
    let dist: Vec<Vec<f64>> = points
        .iter()
        .map(|a| {
            points.iter().map(|b| a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum()).collect()
        })
        .collect();
    let p = joint_affinities(&dist, perplexity.min((n - 1) as f64 / 3.0));
    let mut rng = Rng::new(seed);
    let mut y: Vec<[f64; 2]> = (0..n).map(|_| [rng.normal() * 1e-4, rng.normal() * 1e-4]).collect();
    let mut velocity = vec![[0.0; 2]; n];
    // Belkina et al. (2019): a learning rate of n / early exaggeration keeps small maps stable.
    let learning_rate = (n as f64 / 12.0).max(10.0);
    for it in 0..iterations {
        let exaggeration = if it < 100 { 12.0 } else { 1.0 };
        let momentum = if it < 250 { 0.5 } else { 0.8 };
        let mut q = vec![vec![0.0; n]; n];
        let mut sum_q = 0.0;
        for i in 0..n {
            for j in i + 1..n {
                let d = (y[i][0] - y[j][0]).powi(2) + (y[i][1] - y[j][1]).powi(2);
                let w = 1.0 / (1.0 + d);
                q[i][j] = w;
                q[j][i] = w;
                sum_q += 2.0 * w;
            }
        }
        for i in 0..n {
            let mut grad = [0.0; 2];
            for j in 0..n {
                if i == j {
                    continue;
                }
                let w = q[i][j];
                let coeff = 4.0 * (exaggeration * p[i][j] - w / sum_q) * w;
                grad[0] += coeff * (y[i][0] - y[j][0]);
                grad[1] += coeff * (y[i][1] - y[j][1]);
            }
            for k in 0..2 {
                velocity[i][k] = momentum * velocity[i][k] - learning_rate * grad[k];
            }
        }
        for (yi, v) in y.iter_mut().zip(&velocity) {
            yi[0] += v[0];
            yi[1] += v[1];
        }
    }
    y.into_iter().map(|v| (v[0], v[1])).collect()
}

/// Symmetrized conditional Gaussian affinities, each row's bandwidth found by bisection.
fn joint_affinities(dist: &[Vec<f64>], perplexity: f64) -> Vec<Vec<f64>> {
    let n = dist.len();
    let target = perplexity.ln();
    let mut p = vec![vec![0.0; n]; n];
    for i in 0..n {
        let (mut lo, mut hi, mut beta) = (0.0, f64::INFINITY, 1.0);
        for _ in 0..64 {
            let mut sum = 0.0;
            let mut weighted = 0.0;
            for j in (0..n).filter(|&j| j != i) {
                let w = (-beta * dist[i][j]).exp();
                p[i][j] = w;
                sum += w;
                weighted += w * dist[i][j];
            }
            let sum = sum.max(1e-300);
            let entropy = sum.ln() + beta * weighted / sum;
            for v in &mut p[i] {
                *v /= sum;
            }
            if (entropy - target).abs() < 1e-5 {
                break;
            }
            if entropy > target {
                lo = beta;
                beta = if hi.is_finite() { (beta + hi) / 2.0 } else { beta * 2.0 };
            } else {
                hi = beta;
                beta = (beta + lo) / 2.0;
            }
        }
    }
    let mut joint = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            joint[i][j] = ((p[i][j] + p[j][i]) / (2.0 * n as f64)).max(1e-12);
        }
    }
    joint
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clusters() -> Vec<Vec<f64>> {
        let mut rng = Rng::new(3);
        (0..30)
            .map(|i| {
                let c = if i < 15 { 0.0 } else { 10.0 };
                (0..5).map(|_| c + rng.normal() * 0.3).collect()
            })
            .collect()
    }

    #[test]
    fn pca_separates_two_clusters_on_the_first_axis() {
        let proj = pca_2d(&clusters());
        let (a, b): (Vec<_>, Vec<_>) = proj.iter().enumerate().partition(|(i, _)| *i < 15);
        let max_a = a.iter().map(|(_, p)| p.0).fold(f64::NEG_INFINITY, f64::max);
        let min_b = b.iter().map(|(_, p)| p.0).fold(f64::INFINITY, f64::min);
        let min_a = a.iter().map(|(_, p)| p.0).fold(f64::INFINITY, f64::min);
        let max_b = b.iter().map(|(_, p)| p.0).fold(f64::NEG_INFINITY, f64::max);
        assert!(max_a < min_b || max_b < min_a);
    }

    #[test]
    fn tsne_keeps_clusters_apart_and_is_deterministic() {
        let points = clusters();
        let a = tsne_2d(&points, 5.0, 300, 1);
        assert_eq!(a, tsne_2d(&points, 5.0, 300, 1));
        let centroid = |r: std::ops::Range<usize>| {
            let n = r.len() as f64;
            let (x, y) = r.clone().fold((0.0, 0.0), |acc, i| (acc.0 + a[i].0, acc.1 + a[i].1));
            (x / n, y / n)
        };
        let (c0, c1) = (centroid(0..15), centroid(15..30));
        let between = ((c0.0 - c1.0).powi(2) + (c0.1 - c1.1).powi(2)).sqrt();
        let within = (0..15)
            .map(|i| ((a[i].0 - c0.0).powi(2) + (a[i].1 - c0.1).powi(2)).sqrt())
            .sum::<f64>()
            / 15.0;
        assert!(between > 2.0 * within, "between {between}, within {within}");
    }
}
