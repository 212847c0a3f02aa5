//! The search evaluation under a device's budget: for each held-out task, the architecture the
//! budgeted search finds (its discretization, the deployable form) against the best of K random
//! trainings among the database's architectures within the same budget.
//!
//! A database run counts as a candidate within a budget when it is near-discrete (every group's
//! largest softmax weight at least [`NEAR_DISCRETE`]: its measured accuracy is that of its
//! discretization, give or take) and its discretization fits the budget on the task. A soft run
//! is left out: its accuracy is that of a mixture of every base layer, which no budget holds.

use std::collections::BTreeMap;

use archrank_core::architecture::softmax;
use archrank_core::dims::Layout;
use archrank_core::{Budget, Discrete, TaskShape};
use serde::Serialize;

use super::baselines::{ArchKey, SeedMean, best_arch, best_of_k, in_plan_order};
use super::paired::Paired;
use crate::rank_stats::mean;

/// Least largest softmax weight of every group for a run to count as near-discrete.
pub const NEAR_DISCRETE: f32 = 0.9;

/// What one budgeted search found and how its discretization trained.
#[derive(Clone, Debug, Serialize)]
pub struct BudgetOutcome {
    /// The parameter budget.
    pub max_params: u32,
    /// The discrete architecture found.
    pub discrete: String,
    /// Its learned parameters on the task.
    pub params: u32,
    /// Test accuracy per child seed.
    pub tests: Vec<f64>,
}

/// The baselines of one held-out task within one budget.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BudgetBaselines {
    /// Near-discrete database runs of the task within the budget.
    pub candidates: usize,
    /// Expected test accuracy of one of them at random.
    pub random: f64,
    /// Expected test accuracy of the best (by validation) of 5 of them.
    pub best_of_5: f64,
    /// ... of 10.
    pub best_of_10: f64,
    /// ... of 25.
    pub best_of_25: f64,
    /// The best of them by validation.
    pub oracle: f64,
}

impl BudgetBaselines {
    /// Every baseline by name, in table order.
    #[must_use]
    pub fn named(&self) -> [(&'static str, f64); 5] {
        [
            ("random", self.random),
            ("best_of_5", self.best_of_5),
            ("best_of_10", self.best_of_10),
            ("best_of_25", self.best_of_25),
            ("oracle", self.oracle),
        ]
    }
}

/// Whether `u` is near its discretization: its module group, every use/skip pair and the base
/// group of every layer it uses each have an option of weight at least [`NEAR_DISCRETE`] (a
/// skipped layer's base weights do not count: they mix nothing).
#[must_use]
pub fn near_discrete(layout: &Layout, u: &[f32]) -> bool {
    let largest = |offset: usize, len: usize| -> f32 {
        let Some(logits) = u.get(offset..offset + len) else { return 0.0 };
        let mut p = vec![0.0; len];
        softmax(logits, &mut p);
        p.iter().copied().fold(0.0, f32::max)
    };
    let sure = |offset, len| largest(offset, len) >= NEAR_DISCRETE;
    let uses = |l: usize| {
        let at = layout.use_skip_offset(l);
        u.get(at).zip(u.get(at + 1)).is_some_and(|(use_logit, skip)| use_logit >= skip)
    };
    sure(layout.module_offset(), layout.modules)
        && (0..layout.layers).all(|l| {
            sure(layout.use_skip_offset(l), 2)
                && (!uses(l) || sure(layout.base_offset(l), layout.bases()))
        })
}

/// The baselines within `budget` of a task of shape `shape` whose runs are `own`.
#[must_use]
pub fn budget_baselines(
    own: &BTreeMap<ArchKey, SeedMean>,
    layout: &Layout,
    shape: &TaskShape,
    budget: &Budget,
) -> BudgetBaselines {
    let within: BTreeMap<ArchKey, SeedMean> = own
        .iter()
        .filter(|(_, m)| {
            near_discrete(layout, &m.arch)
                && budget.allows_discrete(&Discrete::from_logits(layout, &m.arch), shape)
        })
        .map(|(k, m)| (k.clone(), m.clone()))
        .collect();
    let runs = in_plan_order(&within);
    BudgetBaselines {
        candidates: runs.len(),
        random: mean(&runs.iter().map(|m| m.test).collect::<Vec<_>>()),
        best_of_5: best_of_k(&runs, 5),
        best_of_10: best_of_k(&runs, 10),
        best_of_25: best_of_k(&runs, 25),
        oracle: best_arch(&within).map_or(f64::NAN, |m| m.measured.test),
    }
}

/// One loss's budgeted results for one task.
#[derive(Clone, Debug, Default, Serialize)]
pub struct BudgetFound {
    /// Mean test accuracy of the found discrete architectures over repeats and child seeds.
    pub test_mean: f64,
    /// Share of the searches whose architecture is within the budget.
    pub within_share: f64,
    /// The architectures found, one per repeat.
    pub discrete: Vec<String>,
    /// Their parameters.
    pub params: Vec<u32>,
}

/// One budget's results for one task.
#[derive(Clone, Debug, Serialize)]
pub struct TaskBudget {
    /// The parameter budget.
    pub max_params: u32,
    /// Per loss.
    pub found: BTreeMap<String, BudgetFound>,
    /// The baselines within the budget.
    pub baselines: BudgetBaselines,
}

/// Collects, for one task, one budget's outcomes per loss.
#[must_use]
pub fn task_budget(
    max_params: u32,
    outcomes: &[(String, &BudgetOutcome)],
    baselines: BudgetBaselines,
) -> TaskBudget {
    let mut found: BTreeMap<String, BudgetFound> = BTreeMap::new();
    let mut tests: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (loss, o) in outcomes.iter().filter(|(_, o)| o.max_params == max_params) {
        let f = found.entry(loss.clone()).or_default();
        f.discrete.push(o.discrete.clone());
        f.params.push(o.params);
        tests.entry(loss.clone()).or_default().extend(&o.tests);
    }
    for (loss, f) in &mut found {
        f.test_mean = mean(tests.get(loss).map_or(&[][..], Vec::as_slice));
        let within = f.params.iter().filter(|&&p| p <= max_params).count();
        f.within_share = within as f64 / f.params.len().max(1) as f64;
    }
    TaskBudget { max_params, found, baselines }
}

/// One budget's figures over tasks.
#[derive(Clone, Debug, Serialize)]
pub struct BudgetSummary {
    /// The parameter budget.
    pub max_params: u32,
    /// Per loss: mean test accuracy of the found architectures.
    pub test_mean: BTreeMap<String, f64>,
    /// Per loss: share of all searches within the budget.
    pub within_share: BTreeMap<String, f64>,
    /// Baselines, averaged over the tasks where each is defined.
    pub baselines: BudgetBaselines,
    /// Mean candidates per task.
    pub mean_candidates: f64,
    /// Tasks on which no architecture of the preset fits the budget (left out).
    pub tasks_nothing_fits: usize,
    /// Each loss against each baseline, task by task.
    pub paired: Vec<Paired>,
}

/// The summary of every budget over `tasks` (per task, its list of [`TaskBudget`]).
#[must_use]
pub fn summarize_budgets(tasks: &[&[TaskBudget]], seed: u64) -> Vec<BudgetSummary> {
    let Some(first) = tasks.first() else { return Vec::new() };
    first
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let rows: Vec<&TaskBudget> = tasks.iter().filter_map(|t| t.get(i)).collect();
            let finite_mean = |f: &dyn Fn(&TaskBudget) -> f64| {
                mean(&rows.iter().map(|r| f(r)).filter(|v| v.is_finite()).collect::<Vec<_>>())
            };
            let baselines = BudgetBaselines {
                candidates: 0,
                random: finite_mean(&|r| r.baselines.random),
                best_of_5: finite_mean(&|r| r.baselines.best_of_5),
                best_of_10: finite_mean(&|r| r.baselines.best_of_10),
                best_of_25: finite_mean(&|r| r.baselines.best_of_25),
                oracle: finite_mean(&|r| r.baselines.oracle),
            };
            let mut test_mean = BTreeMap::new();
            let mut within_share = BTreeMap::new();
            let mut paired = Vec::new();
            let losses: std::collections::BTreeSet<&String> =
                rows.iter().flat_map(|r| r.found.keys()).collect();
            for loss in losses {
                let found: Vec<f64> = rows
                    .iter()
                    .map(|r| r.found.get(loss).map_or(f64::NAN, |f| f.test_mean))
                    .collect();
                let measured: Vec<f64> = found.iter().copied().filter(|v| v.is_finite()).collect();
                test_mean.insert(loss.clone(), mean(&measured));
                let shares: Vec<f64> =
                    rows.iter().filter_map(|r| r.found.get(loss).map(|f| f.within_share)).collect();
                within_share.insert(loss.clone(), mean(&shares));
                for (k, (key, _)) in BudgetBaselines::default().named().iter().enumerate() {
                    let base: Vec<f64> = rows.iter().map(|r| r.baselines.named()[k].1).collect();
                    paired.push(Paired::new(loss, key, &found, &base, seed));
                }
            }
            BudgetSummary {
                max_params: b.max_params,
                test_mean,
                within_share,
                baselines,
                mean_candidates: mean(
                    &rows.iter().map(|r| r.baselines.candidates as f64).collect::<Vec<_>>(),
                ),
                tasks_nothing_fits: rows.iter().filter(|r| r.found.is_empty()).count(),
                paired,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use archrank_core::dims::{Preset, Tiny};

    #[test]
    fn only_near_discrete_runs_within_the_budget_are_candidates() {
        let layout = Tiny::LAYOUT;
        let logits = |spec: &str, strength: f32| {
            let mut u = vec![0.0; layout.arch_dim()];
            Discrete::parse(layout.preset, spec).unwrap().write_logits(&mut u, strength);
            u
        };
        let archs = [
            logits("m0/skip/skip/skip", 10.0),       // small
            logits("m0/relu64/relu64/relu64", 10.0), // large
            logits("m0/skip/skip/skip", 0.5),        // soft: not a candidate
        ];
        let own: BTreeMap<ArchKey, SeedMean> = archs
            .iter()
            .enumerate()
            .map(|(a, u)| {
                let m = super::super::baselines::Measured {
                    val: 0.5 + a as f64 * 0.1,
                    test: 0.4 + a as f64 * 0.1,
                };
                let seed_mean =
                    SeedMean { arch: u.clone(), measured: m, seeds: 1, index: a as u32 };
                (super::super::baselines::arch_key(u), seed_mean)
            })
            .collect();
        let shape = TaskShape { features: 4, classes: 3, text: false, samples: 100 };
        let budget = Budget { max_params: Some(1000), ..Budget::UNLIMITED };
        let b = budget_baselines(&own, &layout, &shape, &budget);
        assert_eq!(b.candidates, 1);
        assert!((b.oracle - 0.4).abs() < 1e-12);
        assert!((b.best_of_25 - 0.4).abs() < 1e-12);
        assert!(near_discrete(&layout, &archs[1]) && !near_discrete(&layout, &archs[2]));
    }
}
