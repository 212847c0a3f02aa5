//! Baselines that need no extra training: they read the held-out task's database runs. An
//! architecture is told apart by its bits (a soft database shares every architecture between
//! tasks; a discrete one shares some and draws the rest per task), and an architecture trained
//! with several seeds counts once, at its seed means.

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

/// An architecture's identity: the bits of its logits.
pub type ArchKey = Vec<u32>;

/// One architecture's runs on one task, averaged over its seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedMean {
    /// Its logits u.
    pub arch: Vec<f32>,
    /// Seed means of its accuracies.
    pub measured: Measured,
    /// Runs averaged.
    pub seeds: usize,
    /// The least plan index it was run under (ties between architectures go to the lower).
    pub index: u32,
}

/// Population runs by task, then by architecture, at seed means.
pub type RunTable = BTreeMap<String, BTreeMap<ArchKey, SeedMean>>;

/// The key of an architecture's logits.
#[must_use]
pub fn arch_key(arch: &[f32]) -> ArchKey {
    arch.iter().map(|v| v.to_bits()).collect()
}

/// Indexes the population runs of `preset`, each architecture's seeds averaged.
#[must_use]
pub fn run_table(runs: &[RunRecord], preset: PresetId) -> RunTable {
    let mut table = RunTable::new();
    for r in runs.iter().filter(|r| r.key.purpose == Purpose::Population && r.key.preset == preset)
    {
        let e =
            table.entry(r.key.task.clone()).or_default().entry(arch_key(&r.arch)).or_insert_with(
                || SeedMean {
                    arch: r.arch.clone(),
                    measured: Measured { val: 0.0, test: 0.0 },
                    seeds: 0,
                    index: r.key.arch_index,
                },
            );
        e.measured.val += r.val_acc;
        e.measured.test += r.test_acc;
        e.seeds += 1;
        e.index = e.index.min(r.key.arch_index);
    }
    for m in table.values_mut().flat_map(BTreeMap::values_mut) {
        m.measured.val /= m.seeds as f64;
        m.measured.test /= m.seeds as f64;
    }
    table
}

/// The seed means of `runs` in plan order (the order [`best_of_k`] breaks ties of validation
/// accuracy in).
#[must_use]
pub fn in_plan_order(runs: &BTreeMap<ArchKey, SeedMean>) -> Vec<Measured> {
    let mut ordered: Vec<&SeedMean> = runs.values().collect();
    ordered.sort_by_key(|m| m.index);
    ordered.into_iter().map(|m| m.measured).collect()
}

/// A constant default is chosen among the architectures at least this share of the training
/// tasks ran (every one, in a database whose architectures are shared).
pub const CONSTANT_COVERAGE: f64 = 0.9;

/// The architectures at least [`CONSTANT_COVERAGE`] of `training` ran, best first by their mean
/// validation accuracy over those tasks (ties: the lower plan index): a constant default takes
/// the first one it may.
#[must_use]
pub fn constant_order<'a>(table: &'a RunTable, training: &[String]) -> Vec<&'a ArchKey> {
    let mut sums: BTreeMap<&ArchKey, (f64, usize, u32)> = BTreeMap::new();
    for archs in training.iter().filter_map(|t| table.get(t)) {
        for (key, m) in archs {
            let e = sums.entry(key).or_insert((0.0, 0, m.index));
            e.0 += m.measured.val;
            e.1 += 1;
            e.2 = e.2.min(m.index);
        }
    }
    let tasks = training.iter().filter(|t| table.contains_key(*t)).count();
    let mut order: Vec<(&ArchKey, f64, u32)> = sums
        .into_iter()
        .filter(|(_, (_, n, _))| *n as f64 >= CONSTANT_COVERAGE * tasks as f64)
        .map(|(k, (sum, n, index))| (k, sum / n as f64, index))
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
    order.into_iter().map(|(k, _, _)| k).collect()
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
    /// Test accuracy of the constant default: the architecture with the best mean validation
    /// accuracy over the training tasks ([`constant_order`]) that this task ran.
    pub constant_default: f64,
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
            b("constant_default", "constant default (best on average)", "0", self.constant_default),
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
            constant_default: m(|b| b.constant_default),
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

/// The architecture with the best validation accuracy among `runs` (ties: the lower plan index).
#[must_use]
pub fn best_arch(runs: &BTreeMap<ArchKey, SeedMean>) -> Option<&SeedMean> {
    runs.values()
        .max_by(|a, b| a.measured.val.total_cmp(&b.measured.val).then(b.index.cmp(&a.index)))
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
    let runs = in_plan_order(own);
    let test_of = |arch: Option<&SeedMean>| {
        arch.and_then(|a| own.get(&arch_key(&a.arch))).map_or(f64::NAN, |m| m.measured.test)
    };
    let constant = constant_order(table, training).into_iter().find_map(|k| own.get(k));
    Baselines {
        random: mean(&runs.iter().map(|m| m.test).collect::<Vec<_>>()),
        best_of_5: best_of_k(&runs, 5),
        best_of_10: best_of_k(&runs, 10),
        best_of_25: best_of_k(&runs, 25),
        nearest_task: test_of(nearest.and_then(|n| table.get(n)).and_then(best_arch)),
        constant_default: constant.map_or(f64::NAN, |m| m.measured.test),
        oracle: best_arch(own).map_or(f64::NAN, |m| m.measured.test),
    }
}
