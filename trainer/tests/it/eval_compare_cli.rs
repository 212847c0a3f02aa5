//! `archrank eval compare`: two `eval loto --json` results, paired on the tasks both held out;
//! files that are not such results, or share no task, are refused by name.

use std::collections::BTreeMap;

use archrank_trainer::evaluation::LotoReport;
use archrank_trainer::evaluation::loto::{RankerResult, TaskResult};

use super::common::{fails, ok};

fn loto_json(dir: &std::path::Path, name: &str, tasks: &[(&str, f64)]) -> String {
    let report = LotoReport {
        preset: "tiny".into(),
        metric: "val_acc".into(),
        repeats: 1,
        steps: 10,
        quantization: "f32".into(),
        scales: None,
        arch_folds: 0,
        tasks: tasks
            .iter()
            .map(|&(task, s)| TaskResult {
                task: task.into(),
                runs: 10,
                noise_ceiling: None,
                results: ["linear", "meta_features"]
                    .iter()
                    .map(|k| {
                        ((*k).to_owned(), RankerResult { spearman_mean: s, ..Default::default() })
                    })
                    .collect(),
                confidence: BTreeMap::new(),
            })
            .collect(),
        summary: ["linear", "meta_features"]
            .iter()
            .map(|k| ((*k).to_owned(), Default::default()))
            .collect::<BTreeMap<_, _>>(),
        mean_noise_ceiling: None,
        paired: Vec::new(),
        confidence_spearman: None,
    };
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(&report).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn pairs_the_common_tasks_of_two_results() {
    let dir = tempfile::tempdir().unwrap();
    let old = loto_json(dir.path(), "old-pool.json", &[("a", 0.1), ("b", 0.3), ("gone", 0.0)]);
    let new = loto_json(dir.path(), "new-pool.json", &[("a", 0.2), ("b", 0.4), ("added", 0.9)]);
    let out = dir.path().join("compare.json");
    let md = ok(&["eval", "compare", &old, &new, "--json", out.to_str().unwrap()]);
    assert!(md.contains("`new-pool` minus `old-pool`"), "{md}");
    assert!(md.contains("| linear (new-pool) | linear (old-pool) | +0.100 *"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json["common_tasks"], 2);
    assert_eq!(json["rankers"].as_array().unwrap().len(), 2);
    assert_eq!(json["rankers"][0]["wins"], 2);
}

#[test]
fn refuses_other_files_and_disjoint_results() {
    let dir = tempfile::tempdir().unwrap();
    let a = loto_json(dir.path(), "a.json", &[("a", 0.1)]);
    let b = loto_json(dir.path(), "b.json", &[("b", 0.1)]);
    let err = fails(&["eval", "compare", &a, &b]);
    assert!(err.contains("no held-out task in common") && err.contains("b.json"), "{err}");
    let notes = dir.path().join("notes.json");
    std::fs::write(&notes, "{\"hello\": 1}").unwrap();
    let err = fails(&["eval", "compare", &a, notes.to_str().unwrap()]);
    assert!(err.contains("notes.json") && err.contains("eval loto --json"), "{err}");
    let err = fails(&["eval", "compare", &a, "missing.json"]);
    assert!(err.contains("missing.json"), "{err}");
}
