//! How much choosing an architecture per task can be worth in a database's space (no training,
//! no ranker): on each task, within a budget, the oracle (the task's best architecture by
//! validation accuracy, scored on test) against the constant default (the first architecture of
//! [`constant_order`] over the other tasks within the budget), random picks and the best of K
//! random trainings; all on seed means, architectures told apart by their bits
//! ([`run_table`]).
//!
//! A ranker can only be worth what this headroom (oracle minus constant) lets a choice be worth.

use std::collections::BTreeMap;

use archrank_core::{Budget, Discrete, PresetId, TaskShape};
use serde::Serialize;

use super::baselines::{
    ArchKey, RunTable, SeedMean, best_arch, best_of_k, constant_order, in_plan_order, run_table,
};
use super::paired::Paired;
use crate::database::{RunRecord, TaskSummary};
use crate::rank_stats::mean;
use crate::task::TaskKind;

/// Headroom that counts as a choice worth making on a task: 2 points of test accuracy.
pub const WORTH_A_CHOICE: f64 = 0.02;

/// One task within one budget.
#[derive(Clone, Debug, Serialize)]
pub struct TaskHeadroom {
    /// The task.
    pub task: String,
    /// Numeric or text.
    pub kind: String,
    /// Architectures of the task within the budget.
    pub archs: usize,
    /// Mean seeds per architecture.
    pub seeds: f64,
    /// Test accuracy (seed mean) of the task's best architecture by validation.
    pub oracle: f64,
    /// That architecture.
    pub oracle_arch: String,
    /// Test accuracy of the constant default within the budget (NaN when none fits).
    pub constant: f64,
    /// That architecture.
    pub constant_arch: String,
    /// Mean test accuracy of the task's architectures within the budget.
    pub random: f64,
    /// Expected test accuracy of the best by validation of 5 random ones.
    pub best_of_5: f64,
    /// ... of 10.
    pub best_of_10: f64,
    /// ... of 25.
    pub best_of_25: f64,
    /// `oracle - constant`.
    pub headroom: f64,
}

/// One budget's figures over tasks.
#[derive(Clone, Debug, Serialize)]
pub struct BudgetHeadroom {
    /// Most parameters (`null`: no limit).
    pub max_params: Option<u32>,
    /// Per task.
    pub tasks: Vec<TaskHeadroom>,
    /// Tasks with an architecture within the budget (a text task's least model is wider than a
    /// small budget), and their mean number of architectures within it.
    pub tasks_within: usize,
    /// As above.
    pub archs_per_task: f64,
    /// Means over the tasks where each is defined.
    pub oracle: f64,
    /// As above.
    pub constant: f64,
    /// As above.
    pub random: f64,
    /// As above.
    pub best_of_5: f64,
    /// As above.
    pub best_of_10: f64,
    /// As above.
    pub best_of_25: f64,
    /// Mean `oracle - constant`.
    pub headroom: f64,
    /// Tasks where the oracle beats the constant by at least [`WORTH_A_CHOICE`].
    pub tasks_worth_a_choice: usize,
    /// Their mean headroom.
    pub headroom_where_worth_it: f64,
    /// Oracle against constant, and constant against random and the best of K, task by task.
    pub paired: Vec<Paired>,
}

/// The whole measurement.
#[derive(Clone, Debug, Serialize)]
pub struct HeadroomReport {
    /// Search space.
    pub preset: String,
    /// Tasks measured.
    pub tasks: usize,
    /// Per budget.
    pub budgets: Vec<BudgetHeadroom>,
}

/// Measures the headroom of `runs` (population runs of `preset`) on `tasks` within each of
/// `budgets` (parameter limits; `None` for none).
#[must_use]
pub fn headroom(
    runs: &[RunRecord],
    tasks: &[TaskSummary],
    preset: PresetId,
    budgets: &[Option<u32>],
    seed: u64,
) -> HeadroomReport {
    let table = run_table(runs, preset);
    let budgets = budgets
        .iter()
        .map(|&max_params| {
            let budget = Budget { max_params, ..Budget::UNLIMITED };
            let per_task: Vec<TaskHeadroom> = tasks
                .iter()
                .filter(|t| table.contains_key(&t.name))
                .map(|t| task_headroom(&table, t, preset, &budget))
                .collect();
            summarize(max_params, per_task, seed)
        })
        .collect();
    HeadroomReport { preset: preset.name().to_owned(), tasks: tasks.len(), budgets }
}

fn task_headroom(
    table: &RunTable,
    task: &TaskSummary,
    preset: PresetId,
    budget: &Budget,
) -> TaskHeadroom {
    let layout = preset.layout();
    let shape = TaskShape {
        features: task.features,
        classes: task.classes,
        text: task.kind == TaskKind::Text,
        samples: task.rows,
    };
    let discrete = |m: &SeedMean| Discrete::from_logits(&layout, &m.arch);
    let fits = |m: &SeedMean| budget.allows_discrete(&discrete(m), &shape);
    let spec = |m: &SeedMean| discrete(m).named(shape.text).to_string();
    let own: BTreeMap<ArchKey, SeedMean> = table
        .get(&task.name)
        .into_iter()
        .flatten()
        .filter(|(_, m)| fits(m))
        .map(|(k, m)| (k.clone(), m.clone()))
        .collect();
    let measured = in_plan_order(&own);
    let training: Vec<String> = table.keys().filter(|t| **t != task.name).cloned().collect();
    let constant = constant_order(table, &training).into_iter().find_map(|k| own.get(k));
    let (oracle_test, oracle_arch) =
        best_arch(&own).map_or((f64::NAN, String::new()), |m| (m.measured.test, spec(m)));
    let (constant_test, constant_arch) =
        constant.map_or((f64::NAN, String::new()), |m| (m.measured.test, spec(m)));
    TaskHeadroom {
        task: task.name.clone(),
        kind: task.kind.name().to_owned(),
        archs: own.len(),
        seeds: mean(&own.values().map(|m| m.seeds as f64).collect::<Vec<_>>()),
        oracle: oracle_test,
        oracle_arch,
        constant: constant_test,
        constant_arch,
        random: mean(&measured.iter().map(|m| m.test).collect::<Vec<_>>()),
        best_of_5: best_of_k(&measured, 5),
        best_of_10: best_of_k(&measured, 10),
        best_of_25: best_of_k(&measured, 25),
        headroom: oracle_test - constant_test,
    }
}

fn summarize(max_params: Option<u32>, tasks: Vec<TaskHeadroom>, seed: u64) -> BudgetHeadroom {
    let column = |f: fn(&TaskHeadroom) -> f64| -> Vec<f64> { tasks.iter().map(f).collect() };
    let finite_mean =
        |v: &[f64]| mean(&v.iter().copied().filter(|x| x.is_finite()).collect::<Vec<_>>());
    let (oracle, constant) = (column(|t| t.oracle), column(|t| t.constant));
    let worth: Vec<f64> = tasks
        .iter()
        .map(|t| t.headroom)
        .filter(|h| h.is_finite() && *h >= WORTH_A_CHOICE)
        .collect();
    let mut paired = vec![Paired::new("oracle", "constant", &oracle, &constant, seed)];
    for (name, f) in [
        ("random", (|t: &TaskHeadroom| t.random) as fn(&TaskHeadroom) -> f64),
        ("best_of_5", |t| t.best_of_5),
        ("best_of_10", |t| t.best_of_10),
        ("best_of_25", |t| t.best_of_25),
    ] {
        paired.push(Paired::new("constant", name, &constant, &column(f), seed));
    }
    let tasks_within = tasks.iter().filter(|t| t.archs > 0).count();
    let archs = tasks.iter().map(|t| t.archs as f64).sum::<f64>();
    BudgetHeadroom {
        max_params,
        tasks_within,
        archs_per_task: archs / tasks_within.max(1) as f64,
        oracle: finite_mean(&oracle),
        constant: finite_mean(&constant),
        random: finite_mean(&column(|t| t.random)),
        best_of_5: finite_mean(&column(|t| t.best_of_5)),
        best_of_10: finite_mean(&column(|t| t.best_of_10)),
        best_of_25: finite_mean(&column(|t| t.best_of_25)),
        headroom: finite_mean(&column(|t| t.headroom)),
        tasks_worth_a_choice: worth.len(),
        headroom_where_worth_it: mean(&worth),
        paired,
        tasks,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::database::{Purpose, RunKey, TaskId};

    fn summary(name: &str) -> TaskSummary {
        TaskSummary {
            id: TaskId(0),
            name: name.into(),
            kind: TaskKind::Numeric,
            rows: 100,
            features: 4,
            classes: 2,
            class_names: vec!["a".into(), "b".into()],
            sha256: String::new(),
            split_seed: 0,
            added_unix: 0,
            plan: None,
        }
    }

    fn run(task: &str, spec: &str, seed: u64, val: f64, test: f64) -> RunRecord {
        let layout = PresetId::Tiny.layout();
        let mut arch = vec![0.0; layout.arch_dim()];
        Discrete::parse(PresetId::Tiny, spec).unwrap().write_logits(&mut arch, 10.0);
        RunRecord {
            key: RunKey {
                task: task.into(),
                preset: PresetId::Tiny,
                plan_seed: 1,
                arch_index: 0,
                child_seed: seed,
                purpose: Purpose::Population,
            },
            arch,
            val_acc: val,
            test_acc: test,
            val_balanced_acc: val,
            test_balanced_acc: test,
            val_xent: 0.0,
            epochs: 1,
            steps: 1,
            train_rows: 1,
            seconds: 0.0,
        }
    }

    #[test]
    fn oracle_constant_and_budget_on_seed_means() {
        // "big" is best on average on a and b; c's own best is "small", the only one within 200.
        let (big, small, other) =
            ("m0/relu64/relu64/relu64", "m0/skip/skip/skip", "m1/relu8/skip/skip");
        let mut runs = Vec::new();
        for t in ["a", "b"] {
            runs.push(run(t, big, 0, 0.9, 0.9));
            runs.push(run(t, small, 0, 0.6, 0.6));
            runs.push(run(t, other, 0, 0.7, 0.7));
        }
        // Two seeds on c: the means decide (small: val 0.85, big: 0.75).
        runs.push(run("c", big, 0, 0.8, 0.7));
        runs.push(run("c", big, 1, 0.7, 0.7));
        runs.push(run("c", small, 0, 0.9, 0.9));
        runs.push(run("c", small, 1, 0.8, 0.8));
        runs.push(run("c", other, 0, 0.5, 0.5));
        let tasks = [summary("a"), summary("b"), summary("c")];
        let report = headroom(&runs, &tasks, PresetId::Tiny, &[None, Some(200)], 1);
        let unlimited = &report.budgets[0];
        let c = unlimited.tasks.iter().find(|t| t.task == "c").unwrap();
        assert_eq!((c.archs, c.seeds), (3, 5.0 / 3.0));
        assert!((c.oracle - 0.85).abs() < 1e-12, "{}", c.oracle);
        assert!((c.constant - 0.7).abs() < 1e-12, "the others' best on average: {}", c.constant);
        assert!((c.headroom - 0.15).abs() < 1e-12);
        assert_eq!(c.oracle_arch, "zscore/skip/skip/skip");
        // Within 200 parameters only the all-skip architecture fits (64 x 2 + 2 = 130: the input
        // module is 64 wide).
        let tight = report.budgets[1].tasks.iter().find(|t| t.task == "c").unwrap();
        assert_eq!(tight.archs, 1);
        assert_eq!(tight.constant_arch, tight.oracle_arch);
        assert!(tight.headroom.abs() < 1e-12);
    }
}
