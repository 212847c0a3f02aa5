//! Baselines of the search evaluation that need no extra training: they read the held-out
//! task's database runs, which share their architectures with every other task (architecture
//! index i is the same u on every task).

use std::collections::BTreeMap;

use archrank_core::PresetId;
use serde::Serialize;

use crate::database::{Purpose, RunRecord};
use crate::rank_stats::mean;

/// Validation and test accuracy of one architecture on one task.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// Validation accuracy.
    pub val: f64,
    /// Test accuracy.
    pub test: f64,
}

/// Population runs by task, then by architecture index.
pub type RunTable = BTreeMap<String, BTreeMap<u32, Measured>>;

/// Indexes the population runs of `preset`.
#[must_use]
pub fn run_table(runs: &[RunRecord], preset: PresetId) -> RunTable {
    let mut table = RunTable::new();
    for r in runs.iter().filter(|r| r.key.purpose == Purpose::Population && r.key.preset == preset)
    {
        table
            .entry(r.key.task.clone())
            .or_default()
            .insert(r.key.arch_index, Measured { val: r.val_acc, test: r.test_acc });
    }
    table
}

/// The architecture u of every population run's architecture index (the same on every task).
#[must_use]
pub fn arch_table(runs: &[RunRecord], preset: PresetId) -> BTreeMap<u32, Vec<f32>> {
    runs.iter()
        .filter(|r| r.key.purpose == Purpose::Population && r.key.preset == preset)
        .map(|r| (r.key.arch_index, r.arch.clone()))
        .collect()
}

/// The baselines of one held-out task.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Baselines {
    /// Expected test accuracy of a random architecture (mean over the task's runs).
    pub random: f64,
    /// Expected test accuracy of the best (by validation) of 5 random trainings.
    pub best_of_5: f64,
    /// ... of 10.
    pub best_of_10: f64,
    /// ... of 25.
    pub best_of_25: f64,
    /// Test accuracy of the nearest training task's best architecture (transfer, no ascent).
    pub nearest_task: f64,
    /// Test accuracy of the architecture with the best mean validation accuracy over the
    /// training tasks.
    pub best_on_average: f64,
    /// Test accuracy of the task's best database run by validation accuracy (all runs tried).
    pub oracle: f64,
}

/// One baseline's value with its names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NamedBaseline {
    /// Its name in tables and JSON.
    pub key: &'static str,
    /// What it means to a person.
    pub label: &'static str,
    /// How many candidate trainings it costs on the new task.
    pub trainings: &'static str,
    /// Its test accuracy.
    pub value: f64,
}

impl Baselines {
    /// Every baseline with its names, in the order tables show them: the one list of baselines.
    #[must_use]
    pub fn named(&self) -> [NamedBaseline; 7] {
        let b = |key, label, trainings, value| NamedBaseline { key, label, trainings, value };
        [
            b("random", "random architecture", "1", self.random),
            b("best_of_5", "best of 5 random (by validation)", "5", self.best_of_5),
            b("best_of_10", "best of 10 random", "10", self.best_of_10),
            b("best_of_25", "best of 25 random", "25", self.best_of_25),
            b("nearest_task", "nearest task's best", "0", self.nearest_task),
            b("best_on_average", "best on average", "0", self.best_on_average),
            b("oracle", "oracle (best database run)", "all", self.oracle),
        ]
    }

    /// The mean of each baseline over `all`, leaving out tasks where it is undefined (NaN).
    #[must_use]
    pub fn mean_of(all: &[Self]) -> Self {
        let m = |f: fn(&Self) -> f64| {
            mean(&all.iter().map(f).filter(|v| v.is_finite()).collect::<Vec<_>>())
        };
        Self {
            random: m(|b| b.random),
            best_of_5: m(|b| b.best_of_5),
            best_of_10: m(|b| b.best_of_10),
            best_of_25: m(|b| b.best_of_25),
            nearest_task: m(|b| b.nearest_task),
            best_on_average: m(|b| b.best_on_average),
            oracle: m(|b| b.oracle),
        }
    }
}

/// Expected test accuracy of the best-by-validation of `k` runs drawn without replacement:
/// with runs sorted by validation accuracy (best first), run i is the best of a draw with
/// probability C(n-1-i, k-1) / C(n, k).
#[must_use]
pub fn best_of_k(runs: &[Measured], k: usize) -> f64 {
    let n = runs.len();
    if n == 0 {
        return f64::NAN;
    }
    let k = k.clamp(1, n);
    let mut sorted = runs.to_vec();
    sorted.sort_by(|a, b| b.val.total_cmp(&a.val));
    // p_i = C(n-1-i, k-1) / C(n, k), computed as a running product to stay in range.
    let mut p = k as f64 / n as f64; // i = 0
    let mut expected = 0.0;
    for (i, r) in sorted.iter().enumerate() {
        expected += p * r.test;
        let remaining = n - 1 - i; // C(remaining, k-1) -> C(remaining-1, k-1)
        if remaining < k {
            break;
        }
        p *= (remaining + 1 - k) as f64 / remaining as f64;
    }
    expected
}

/// The arch index with the best validation accuracy on `task`'s runs.
#[must_use]
pub fn best_arch(runs: &BTreeMap<u32, Measured>) -> Option<u32> {
    runs.iter().max_by(|a, b| a.1.val.total_cmp(&b.1.val).then(b.0.cmp(a.0))).map(|(&i, _)| i)
}

/// The baselines for `held_out`, given the training tasks and the nearest one.
#[must_use]
pub fn baselines(
    table: &RunTable,
    held_out: &str,
    training: &[String],
    nearest: Option<&str>,
) -> Baselines {
    let Some(own) = table.get(held_out) else { return Baselines::default() };
    let runs: Vec<Measured> = own.values().copied().collect();
    let test_of = |arch: Option<u32>| arch.and_then(|a| own.get(&a)).map_or(f64::NAN, |m| m.test);
    let mut sums: BTreeMap<u32, (f64, usize)> = BTreeMap::new();
    for t in training {
        for (&a, m) in table.get(t).into_iter().flatten() {
            let e = sums.entry(a).or_default();
            e.0 += m.val;
            e.1 += 1;
        }
    }
    let on_average = sums
        .iter()
        .max_by(|a, b| (a.1.0 / a.1.1 as f64).total_cmp(&(b.1.0 / b.1.1 as f64)).then(b.0.cmp(a.0)))
        .map(|(&a, _)| a);
    Baselines {
        random: mean(&runs.iter().map(|m| m.test).collect::<Vec<_>>()),
        best_of_5: best_of_k(&runs, 5),
        best_of_10: best_of_k(&runs, 10),
        best_of_25: best_of_k(&runs, 25),
        nearest_task: test_of(nearest.and_then(|n| table.get(n)).and_then(best_arch)),
        best_on_average: test_of(on_average),
        oracle: test_of(best_arch(own)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(val: f64, test: f64) -> Measured {
        Measured { val, test }
    }

    #[test]
    fn best_of_k_matches_enumeration() {
        let runs = [m(0.9, 0.8), m(0.5, 0.4), m(0.7, 0.9), m(0.6, 0.1)];
        // Enumerate every 2-subset: best-by-val's test accuracy, averaged.
        let mut total = 0.0;
        let mut count = 0.0;
        for i in 0..4 {
            for j in i + 1..4 {
                let best = if runs[i].val > runs[j].val { runs[i] } else { runs[j] };
                total += best.test;
                count += 1.0;
            }
        }
        assert!((best_of_k(&runs, 2) - total / count).abs() < 1e-12);
        assert!((best_of_k(&runs, 1) - 0.55).abs() < 1e-12);
        assert!((best_of_k(&runs, 4) - 0.8).abs() < 1e-12);
    }
}
