//! Two `eval loto` results compared ranker by ranker on the tasks both held out: what a change
//! between them (a larger pool, another encoder) did, as paired differences with intervals.

use serde::{Deserialize, Serialize};

use super::loto::{LotoReport, TaskResult};
use super::paired::Paired;
use super::ranker_kind::RankerKind;

/// Per ranker present in both results: `after` minus `before` on each common task's mean
/// Spearman.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LotoComparison {
    /// What the first result is (e.g. its file name).
    pub before: String,
    /// What the second result is.
    pub after: String,
    /// Held-out tasks the two have in common.
    pub common_tasks: usize,
    /// One comparison per ranker, `a` = the ranker in `after`, `b` = the same ranker in `before`.
    pub rankers: Vec<Paired>,
}

/// Compares `after` against `before` on the held-out tasks both have (matched by name); the
/// bootstrap is seeded by `seed`. Rankers are those both ran, in [`RankerKind::ALL`] order.
#[must_use]
pub fn compare_loto(
    (before_label, before): (&str, &LotoReport),
    (after_label, after): (&str, &LotoReport),
    seed: u64,
) -> LotoComparison {
    let common: Vec<(&TaskResult, &TaskResult)> = after
        .tasks
        .iter()
        .filter_map(|a| before.tasks.iter().find(|b| b.task == a.task).map(|b| (b, a)))
        .collect();
    let rankers = RankerKind::ALL
        .iter()
        .map(|k| k.name())
        .filter(|k| before.summary.contains_key(*k) && after.summary.contains_key(*k))
        .map(|k| {
            let spearman = |t: &TaskResult| t.results.get(k).map_or(f64::NAN, |r| r.spearman_mean);
            let before_values: Vec<f64> = common.iter().map(|(b, _)| spearman(b)).collect();
            let after_values: Vec<f64> = common.iter().map(|(_, a)| spearman(a)).collect();
            Paired::new(
                &format!("{k} ({after_label})"),
                &format!("{k} ({before_label})"),
                &after_values,
                &before_values,
                seed,
            )
        })
        .collect();
    LotoComparison {
        before: before_label.to_owned(),
        after: after_label.to_owned(),
        common_tasks: common.len(),
        rankers,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::evaluation::loto::{RankerResult, Summary};

    fn report(tasks: &[(&str, f64)]) -> LotoReport {
        let result = |s: f64| RankerResult {
            spearman_mean: s,
            spearman_std: 0.0,
            pearson_mean: s,
            pearson_std: 0.0,
            kendall_mean: s,
            kendall_std: 0.0,
            repeats: Vec::new(),
        };
        let summary = Summary {
            spearman_mean: 0.0,
            spearman_std_over_tasks: 0.0,
            pearson_mean: 0.0,
            kendall_mean: 0.0,
            wins_over_agnostic: None,
            confidence: None,
        };
        LotoReport {
            preset: "tiny".into(),
            metric: "val_acc".into(),
            repeats: 1,
            steps: 1,
            quantization: "f32".into(),
            scales: None,
            arch_folds: 0,
            tasks: tasks
                .iter()
                .map(|&(task, s)| TaskResult {
                    task: task.into(),
                    runs: 10,
                    noise_ceiling: None,
                    results: BTreeMap::from([("linear".to_owned(), result(s))]),
                    confidence: BTreeMap::new(),
                })
                .collect(),
            summary: BTreeMap::from([("linear".to_owned(), summary)]),
            mean_noise_ceiling: None,
            paired: Vec::new(),
            confidence_spearman: None,
        }
    }

    #[test]
    fn pairs_common_tasks_by_name() {
        let before = report(&[("a", 0.1), ("b", 0.2), ("only_before", 0.9)]);
        let after = report(&[("b", 0.5), ("only_after", -1.0), ("a", 0.2)]);
        let c = compare_loto(("old", &before), ("new", &after), 0);
        assert_eq!(c.common_tasks, 2);
        assert_eq!(c.rankers.len(), 1);
        let p = &c.rankers[0];
        assert_eq!((p.a.as_str(), p.b.as_str()), ("linear (new)", "linear (old)"));
        assert!((p.mean_diff - 0.2).abs() < 1e-12, "{}", p.mean_diff);
        assert_eq!((p.wins, p.losses, p.tasks), (2, 0, 2));
    }

    #[test]
    fn no_common_task_gives_no_pairs() {
        let c = compare_loto(("old", &report(&[("a", 0.1)])), ("new", &report(&[("b", 0.1)])), 0);
        assert_eq!(c.common_tasks, 0);
        assert_eq!(c.rankers[0].tasks, 0);
    }
}
