//! Rank and moment statistics for the evaluations: Spearman, Pearson, Kendall's tau-b, mean
//! and standard deviation.

/// The index of the largest value, the earliest on ties, NaN counting as the least; `None` for
/// an empty slice. How a candidate is kept by validation accuracy.
#[must_use]
pub fn best_index(values: &[f64]) -> Option<usize> {
    let key = |v: f64| if v.is_nan() { f64::NEG_INFINITY } else { v };
    (0..values.len()).reduce(|best, i| if key(values[i]) > key(values[best]) { i } else { best })
}

/// The one-standard-error rule (Breiman et al., 1984): among the candidates whose accuracy on
/// `rows` held-out rows is within `tolerance` standard errors of the best's (the binomial
/// `sqrt(p (1 - p) / rows)` at the best's accuracy p), the one of the fewest `sizes`; of equal
/// sizes the more accurate, then the earliest. `tolerance` 0 is [`best_index`]; `None` for no
/// candidate.
#[must_use]
pub fn smallest_within(
    accuracies: &[f64],
    sizes: &[u32],
    rows: usize,
    tolerance: f64,
) -> Option<usize> {
    let best = best_index(accuracies)?;
    if tolerance <= 0.0 || rows == 0 {
        return Some(best);
    }
    let p = accuracies[best];
    // A candidate exactly one standard error below stays within it whatever the rounding.
    let floor = p - tolerance * (p * (1.0 - p) / rows as f64).sqrt() - 1e-12;
    (0..accuracies.len().min(sizes.len()))
        .filter(|&i| accuracies[i] >= floor)
        .min_by(|&i, &j| {
            sizes[i].cmp(&sizes[j]).then(accuracies[j].total_cmp(&accuracies[i])).then(i.cmp(&j))
        })
        .or(Some(best))
}

/// Arithmetic mean (NaN for an empty slice).
#[must_use]
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Median of the finite values (the mean of the middle two for an even count); NaN for none.
#[must_use]
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// Sample standard deviation (n - 1); 0 for fewer than two values.
#[must_use]
pub fn std_dev(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let m = mean(values);
    (values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
}

/// Pearson correlation; 0 when either side is constant (no ranking information).
#[must_use]
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n < 2 {
        return 0.0;
    }
    let (mx, my) = (mean(&x[..n]), mean(&y[..n]));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx <= 0.0 || syy <= 0.0 { 0.0 } else { sxy / (sxx * syy).sqrt() }
}

/// Ranks with ties given their average rank (1-based).
#[must_use]
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Spearman's rank correlation (Pearson of the tie-averaged ranks).
#[must_use]
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

/// Kendall's tau-b (tie-corrected), O(n^2).
#[must_use]
pub fn kendall(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (mut concordant, mut discordant, mut ties_x, mut ties_y) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for i in 0..n {
        for j in i + 1..n {
            let dx = (x[i] - x[j]).signum() * f64::from(u8::from(x[i] != x[j]));
            let dy = (y[i] - y[j]).signum() * f64::from(u8::from(y[i] != y[j]));
            if dx == 0.0 && dy == 0.0 {
                continue;
            } else if dx == 0.0 {
                ties_x += 1.0;
            } else if dy == 0.0 {
                ties_y += 1.0;
            } else if dx == dy {
                concordant += 1.0;
            } else {
                discordant += 1.0;
            }
        }
    }
    let denom = ((concordant + discordant + ties_x) * (concordant + discordant + ties_y)).sqrt();
    if denom == 0.0 { 0.0 } else { (concordant - discordant) / denom }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_within_one_standard_error_is_kept() {
        // Best 0.80 on 100 rows: one standard error is 0.04, so 0.76 is within it, 0.75 not;
        // of the two of 100 parameters within it, the more accurate.
        let acc = [0.80, 0.76, 0.75, 0.79];
        assert_eq!(smallest_within(&acc, &[900, 100, 10, 100], 100, 1.0), Some(3));
        assert_eq!(smallest_within(&acc, &[900, 100, 10, 200], 100, 1.0), Some(1));
        assert_eq!(smallest_within(&acc, &[900, 100, 10, 100], 100, 0.0), Some(0));
        // Half a standard error (0.02): 0.79 is within, 0.76 not.
        assert_eq!(smallest_within(&acc, &[900, 100, 10, 100], 100, 0.5), Some(3));
        // The best is the smallest: kept whatever the tolerance.
        assert_eq!(smallest_within(&acc, &[1, 100, 10, 100], 100, 3.0), Some(0));
        assert_eq!(smallest_within(&[], &[], 100, 1.0), None);
    }

    #[test]
    fn best_index_keeps_the_earliest_of_the_largest_and_never_a_nan() {
        assert_eq!(best_index(&[0.5, 0.7, 0.7]), Some(1));
        assert_eq!(best_index(&[f64::NAN, 0.1]), Some(1));
        assert_eq!(best_index(&[f64::NAN]), Some(0));
        assert_eq!(best_index(&[]), None);
    }

    // Reference values computed independently with SciPy 1.17.1 (scipy.stats.spearmanr, pearsonr,
    // kendalltau with its default tau-b):
    // x = [1, 2, 3, 4, 5, 6], y = [2, 1, 4, 3, 6, 5]
    //   spearman 0.8285714285714287, pearson 0.8285714285714285, kendall 0.6
    // a = [1, 2, 2, 3, 5], b = [3, 1, 2, 2, 4]
    //   spearman 0.2894736842105264, pearson 0.5493991853679282, kendall 0.2222222222222222
    const X: [f64; 6] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    const Y: [f64; 6] = [2.0, 1.0, 4.0, 3.0, 6.0, 5.0];
    const A: [f64; 5] = [1.0, 2.0, 2.0, 3.0, 5.0];
    const B: [f64; 5] = [3.0, 1.0, 2.0, 2.0, 4.0];

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    #[test]
    fn matches_reference_values() {
        close(spearman(&X, &Y), 0.828_571_428_571_428_7);
        close(pearson(&X, &Y), 0.828_571_428_571_428_5);
        close(kendall(&X, &Y), 0.6);
        close(spearman(&A, &B), 0.289_473_684_210_526_4);
        close(pearson(&A, &B), 0.549_399_185_367_928_2);
        close(kendall(&A, &B), 0.222_222_222_222_222_2);
    }

    #[test]
    fn ties_share_average_ranks_and_constants_give_zero() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
        assert_eq!(spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), 0.0);
        close(std_dev(&[1.0, 2.0, 3.0, 4.0]), 1.290_994_448_735_805_6);
    }
}
