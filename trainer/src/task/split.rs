//! Stratified, seeded train/validation/test splits and class-preserving subsamples.
//!
//! Validation and test get about 10 % of the rows each, but at least about 100 rows each where
//! the task allows: with fewer than 300 rows the three parts are about a third each. Class shares
//! are kept in every part (largest-remainder rounding), and every class with at least 3 rows is
//! present in each part, so the validation accuracy of a child is never blind to a class.

use std::collections::BTreeMap;

use crate::rng::{Rng, derive_seed};
use crate::task::Split;

/// Validation and test rows wanted when a task is large enough.
pub const MIN_HELD_OUT_ROWS: usize = 100;

/// Validation and test sizes (equal) for a task of `n` rows: 10 % each, raised to
/// [`MIN_HELD_OUT_ROWS`], but never more than a third each so that train keeps a third.
#[must_use]
pub fn held_out_rows(n: usize) -> usize {
    let tenth = (n + 5) / 10;
    (n / 3).min(tenth.max(MIN_HELD_OUT_ROWS))
}

/// Splits the rows whose class indices are `labels` into train, validation and test parts.
///
/// Deterministic in `seed`; the parts are disjoint, cover every row and are sorted. `classes` is
/// the number of classes (labels at or above it are grouped as classes of their own, so nothing
/// is lost if it is too small).
#[must_use]
pub fn stratified_split(labels: &[u32], classes: usize, seed: u64) -> Split {
    let n = labels.len();
    let groups = group_by_label(0..n, labels, classes);
    let held_out = held_out_rows(n);
    let counts: Vec<usize> = groups.values().map(Vec::len).collect();
    let mut val = apportion(&counts, held_out, Remainder::Exact);
    let mut test = apportion(&counts, held_out, Remainder::Exact);
    for ((&count, v), t) in counts.iter().zip(&mut val).zip(&mut test) {
        if count >= 3 {
            *v = (*v).max(1);
            *t = (*t).max(1);
        }
        // Train keeps at least one row of every class.
        while *v + *t + 1 > count && *v + *t > 0 {
            if *t >= *v {
                *t -= 1;
            } else {
                *v -= 1;
            }
        }
    }
    let mut split = Split { train: Vec::new(), validation: Vec::new(), test: Vec::new() };
    for (((&label, rows), &v), &t) in groups.iter().zip(&val).zip(&test) {
        let mut rows = rows.clone();
        Rng::new(derive_seed(&[seed, u64::from(label)])).shuffle(&mut rows);
        let (v_rows, rest) = rows.split_at(v.min(rows.len()));
        let (t_rows, train_rows) = rest.split_at(t.min(rest.len()));
        split.validation.extend_from_slice(v_rows);
        split.test.extend_from_slice(t_rows);
        split.train.extend_from_slice(train_rows);
    }
    split.train.sort_unstable();
    split.validation.sort_unstable();
    split.test.sort_unstable();
    split
}

/// Seed tag of the subsample.
const SUBSAMPLE_TAG: u64 = 0x73_7562;

/// Up to `max` of `rows` (row numbers into `labels`), keeping each class's share (at least one
/// row per present class), in their original order; `rows` unchanged when there are no more
/// than `max`. The choice within a class is seeded. Children train on such a subsample
/// (`populate --max-rows`), so changing it changes what a populate measures.
#[must_use]
pub fn stratified_subsample(rows: &[usize], labels: &[u32], max: usize, seed: u64) -> Vec<usize> {
    if rows.len() <= max {
        return rows.to_vec();
    }
    let classes = labels.iter().map(|&l| l as usize + 1).max().unwrap_or(1);
    let by_class: Vec<Vec<usize>> =
        group_by_label(rows.iter().copied(), labels, classes).into_values().collect();
    // Exactly `max` rows (more only if there are more classes than `max`, since every present
    // class keeps a row).
    let counts: Vec<usize> = by_class.iter().map(Vec::len).collect();
    let mut quota = apportion(&counts, max, Remainder::Float);
    // Every present class keeps a row, taken from the largest quota, when `max` allows.
    let present = by_class.iter().filter(|g| !g.is_empty()).count();
    if max >= present {
        while let Some(empty) = (0..classes).find(|&c| quota[c] == 0 && !by_class[c].is_empty()) {
            let Some(largest) = (0..classes).max_by_key(|&c| (quota[c], c)) else { break };
            if quota[largest] <= 1 {
                break;
            }
            quota[largest] -= 1;
            quota[empty] = 1;
        }
    }
    let mut rng = Rng::new(derive_seed(&[seed, SUBSAMPLE_TAG]));
    let mut kept = std::collections::HashSet::with_capacity(max);
    for (mut group, q) in by_class.into_iter().zip(quota) {
        if group.is_empty() {
            continue;
        }
        rng.shuffle(&mut group);
        group.truncate(if max >= present { q.max(1) } else { q });
        kept.extend(group);
    }
    // In the order of `rows` (ascending row numbers stay ascending).
    rows.iter().copied().filter(|r| kept.contains(r)).collect()
}

/// Rows of each label, in row order, keyed by label (every label below `classes` present).
fn group_by_label(
    rows: impl Iterator<Item = usize>,
    labels: &[u32],
    classes: usize,
) -> BTreeMap<u32, Vec<usize>> {
    let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for c in 0..u32::try_from(classes).unwrap_or(u32::MAX) {
        groups.insert(c, Vec::new());
    }
    for row in rows {
        if let Some(&label) = labels.get(row) {
            groups.entry(label).or_default().push(row);
        }
    }
    groups
}

/// How [`apportion`] ranks the fractional parts of the exact shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Remainder {
    /// By the exact integer remainder `count * total % sum` (the splits).
    Exact,
    /// By the fractional part of the share computed in f64 (the subsamples). Where two shares'
    /// exact remainders tie, rounding can order them differently from [`Remainder::Exact`]; the
    /// subsamples of stored databases (e.g. banking77's 2,000 of 5,000 rows) were drawn this way,
    /// so it stays.
    Float,
}

/// Splits `total` (at most the sum of `counts`) in proportion to `counts` by the largest
/// remainder method: floors first, then one more to the largest remainders (ties to the lower
/// index), never more than a count.
fn apportion(counts: &[usize], total: usize, remainder: Remainder) -> Vec<usize> {
    let sum: usize = counts.iter().sum();
    if sum == 0 {
        return vec![0; counts.len()];
    }
    let total = total.min(sum);
    let mut shares: Vec<usize> = counts.iter().map(|&c| c * total / sum).collect();
    let key = |i: usize| -> f64 {
        let c = counts.get(i).copied().unwrap_or(0);
        match remainder {
            Remainder::Exact => (c * total % sum) as f64,
            Remainder::Float => {
                let exact = c as f64 * total as f64 / sum as f64;
                exact - exact.floor()
            }
        }
    };
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    let mut missing = total - shares.iter().sum::<usize>();
    for &i in order.iter().cycle().take(order.len() * 2) {
        if missing == 0 {
            break;
        }
        if let (Some(s), Some(&c)) = (shares.get_mut(i), counts.get(i))
            && *s < c
        {
            *s += 1;
            missing -= 1;
        }
    }
    shares
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_invariants(labels: &[u32], classes: usize, split: &Split) {
        let n = labels.len();
        let mut all: Vec<usize> =
            split.train.iter().chain(&split.validation).chain(&split.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..n).collect::<Vec<_>>(), "disjoint and covering");
        assert!(split.train.len() * 3 >= n, "train keeps a third: {}", split.train.len());
        for c in 0..classes as u32 {
            let count = labels.iter().filter(|&&l| l == c).count();
            let has = |part: &[usize]| part.iter().any(|&i| labels[i] == c);
            if count >= 1 {
                assert!(has(&split.train), "class {c} in train");
            }
            if count >= 3 {
                assert!(has(&split.validation) && has(&split.test), "class {c} ({count} rows)");
            }
        }
    }

    #[test]
    fn sizes_follow_the_task_size() {
        assert_eq!(held_out_rows(150), 50);
        assert_eq!(held_out_rows(300), 100);
        assert_eq!(held_out_rows(625), 100);
        assert_eq!(held_out_rows(1000), 100);
        assert_eq!(held_out_rows(20_000), 2000);
        assert_eq!(held_out_rows(10), 3);
    }

    #[test]
    fn iris_like_task_splits_in_thirds_stratified() {
        let labels: Vec<u32> = (0..150).map(|i| (i / 50) as u32).collect();
        let split = stratified_split(&labels, 3, 7);
        assert_eq!((split.train.len(), split.validation.len(), split.test.len()), (50, 50, 50));
        let per_class = |part: &[usize]| -> Vec<usize> {
            (0..3).map(|c| part.iter().filter(|&&i| labels[i] == c).count()).collect()
        };
        // Largest remainders tie; the lower class indices get the extra rows.
        assert_eq!(per_class(&split.validation), [17, 17, 16]);
        assert_eq!(per_class(&split.test), [17, 17, 16]);
        assert_eq!(per_class(&split.train), [16, 16, 18]);
        check_invariants(&labels, 3, &split);
    }

    #[test]
    fn large_task_is_80_10_10_and_seeded() {
        let labels: Vec<u32> = (0..5000).map(|i| u32::from(i % 10 == 0)).collect();
        let a = stratified_split(&labels, 2, 1);
        assert_eq!((a.train.len(), a.validation.len(), a.test.len()), (4000, 500, 500));
        assert_eq!(a.validation.iter().filter(|&&i| labels[i] == 1).count(), 50);
        assert_eq!(a, stratified_split(&labels, 2, 1));
        assert_ne!(a, stratified_split(&labels, 2, 2));
        check_invariants(&labels, 2, &a);
    }

    #[test]
    fn tiny_classes_stay_in_train() {
        let mut labels = vec![0u32; 40];
        labels.extend([1, 2, 2, 3, 3, 3]);
        let split = stratified_split(&labels, 4, 3);
        check_invariants(&labels, 4, &split);
    }

    #[test]
    fn subsample_keeps_proportions_and_order() {
        let labels: Vec<u32> = (0..1000).map(|i| u32::from(i % 4 == 0)).collect();
        let indices: Vec<usize> = (0..1000).rev().collect();
        let sub = stratified_subsample(&indices, &labels, 100, 9);
        assert_eq!(sub.len(), 100);
        assert_eq!(sub.iter().filter(|&&i| labels[i] == 1).count(), 25);
        let positions: Vec<usize> =
            sub.iter().map(|i| indices.iter().position(|j| j == i).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "original order kept");
        assert_eq!(sub, stratified_subsample(&indices, &labels, 100, 9));
        assert_eq!(stratified_subsample(&indices, &labels, 2000, 9), indices);
    }

    #[test]
    fn subsample_keeps_rare_classes() {
        let mut labels = vec![0u32; 500];
        labels.extend([1, 2]);
        let indices: Vec<usize> = (0..labels.len()).collect();
        let sub = stratified_subsample(&indices, &labels, 10, 4);
        assert_eq!(sub.len(), 10);
        for c in 0..3 {
            assert!(sub.iter().any(|&i| labels[i] == c), "class {c}");
        }
    }

    proptest! {
        #[test]
        fn split_invariants(
            labels in prop::collection::vec(0u32..6, 10..700),
            seed in any::<u64>(),
        ) {
            let split = stratified_split(&labels, 6, seed);
            check_invariants(&labels, 6, &split);
            let n = labels.len();
            let want = held_out_rows(n);
            // Rounding and the per-class minimums move the sizes by at most a few rows per class.
            prop_assert!(split.validation.len().abs_diff(want) <= 6, "{} vs {want}", split.validation.len());
            prop_assert!(split.test.len().abs_diff(want) <= 6, "{} vs {want}", split.test.len());
            prop_assert_eq!(&split, &stratified_split(&labels, 6, seed));
        }

        #[test]
        fn subsample_invariants(
            labels in prop::collection::vec(0u32..5, 1..400),
            max in 1usize..200,
            seed in any::<u64>(),
        ) {
            let indices: Vec<usize> = (0..labels.len()).collect();
            let sub = stratified_subsample(&indices, &labels, max, seed);
            prop_assert_eq!(sub.len(), max.min(labels.len()));
            prop_assert!(sub.windows(2).all(|w| w[0] < w[1]));
            for c in 0..5 {
                let have = labels.iter().filter(|&&l| l == c).count();
                let got = sub.iter().filter(|&&i| labels[i] == c).count();
                let ideal = have as f64 * sub.len() as f64 / labels.len() as f64;
                prop_assert!((got as f64 - ideal).abs() <= 5.0, "class {c}: {got} vs {ideal}");
            }
        }
    }
}
