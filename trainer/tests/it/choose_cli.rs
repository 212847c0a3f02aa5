//! `archrank search --shortlist K` lists K distinct architectures with scores and costs;
//! `archrank choose --trainings K` trains them, keeps the best by validation and writes a model
//! that `predict` runs with the accuracy `choose` reported.

use archrank_core::shortlist::SHORTLIST_MIN_DISTANCE;
use archrank_core::{Discrete, PresetId};

use crate::common::{bundled_ranker, fails, ok, tasks_dir};

#[test]
fn a_shortlist_lists_distinct_architectures_best_first_within_the_budget() {
    let weights = bundled_ranker();
    let wine = tasks_dir().join("wine.csv");
    let wine = wine.to_str().unwrap();
    for budget in [None, Some("2000")] {
        let mut args = vec!["search", "--weights", &weights, "--task", wine, "--shortlist", "5"];
        args.extend(budget.map(|b| ["--max-params", b]).into_iter().flatten());
        args.push("--json");
        let out: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
        let list = out["shortlist"].as_array().unwrap();
        assert_eq!(list.len(), 5, "{out}");
        assert_eq!(list[0]["discrete"], out["discrete"], "the first is the answer");
        let specs: Vec<Discrete> = list
            .iter()
            .map(|c| Discrete::parse(PresetId::Tiny, c["discrete"].as_str().unwrap()).unwrap())
            .collect();
        // Within one choice of an architecture listed before it.
        let near_earlier = |i: usize| {
            specs[..i]
                .iter()
                .any(|earlier| earlier.differing_choices(&specs[i]) < SHORTLIST_MIN_DISTANCE)
        };
        for (i, c) in list.iter().enumerate() {
            assert!(c["cost"]["params"].as_u64().unwrap() > 0);
            assert!(c["discrete_score"].as_f64().unwrap().is_finite());
            if let Some(b) = budget {
                assert!(c["cost"]["params"].as_u64().unwrap() <= b.parse().unwrap(), "{c}");
            }
            for (j, other) in specs.iter().enumerate().skip(i + 1) {
                assert!(specs[i].differing_choices(other) >= 1, "{i} and {j} are the same");
                // The climb's first, then any taken from the space scored whole. Each part is
                // best first by score (an iterate's best, or the exact one-hot score), except
                // for fillers, taken when too few differ in SHORTLIST_MIN_DISTANCE choices: an
                // architecture listed after a worse one is such a filler (near one before it).
                let (climbed, next) = (c["climbed"].as_bool(), list[j]["climbed"].as_bool());
                assert!(climbed >= next, "the climb's first");
                if climbed == next && c["score"].as_f64() < list[j]["score"].as_f64() {
                    assert!(near_earlier(j), "best first, or a filler: {out}");
                    // The climb's part is one selection, its fillers after all the others.
                    if climbed == Some(true) {
                        assert!(!near_earlier(i), "fillers last: {out}");
                    }
                }
            }
        }
        if budget.is_none() {
            assert!(list.iter().all(|c| c["climbed"] == true), "unlimited, the climb finds 5");
        }
    }
    let err = fails(&["search", "--weights", &weights, "--task", wine, "--shortlist", "9"]);
    assert!(err.contains("--shortlist"), "{err}");
}

#[test]
fn choose_writes_the_best_candidate_by_validation_and_predict_runs_it() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("chosen.postcard");
    let model = model.to_str().unwrap();
    let weights = bundled_ranker();
    let iris = tasks_dir().join("iris.csv");
    let iris = iris.to_str().unwrap();
    let chosen: serde_json::Value = serde_json::from_str(&ok(&[
        "choose",
        "--weights",
        &weights,
        "--task",
        iris,
        "--trainings",
        "3",
        "-o",
        model,
        "--json",
    ]))
    .unwrap();
    let candidates = chosen["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 3);
    let kept = chosen["kept"].as_u64().unwrap() as usize;
    let best =
        candidates.iter().map(|c| c["validation_accuracy"].as_f64().unwrap()).fold(0.0, f64::max);
    assert_eq!(candidates[kept]["validation_accuracy"].as_f64().unwrap(), best);
    assert_eq!(chosen["named"], candidates[kept]["named"]);
    let predicted: serde_json::Value = serde_json::from_str(&ok(&[
        "predict", "--model", model, "--task", iris, "--split", "test", "--json",
    ]))
    .unwrap();
    assert_eq!(predicted["accuracy"], chosen["test_accuracy"]);
    assert!(chosen["test_accuracy"].as_f64().unwrap() > 0.6, "{chosen}");
    // Refused with the option named.
    let err = fails(&["choose", "--weights", &weights, "--task", iris, "--trainings", "0"]);
    assert!(err.contains("--trainings"), "{err}");
    let err = fails(&["choose", "--weights", &weights, "--task", iris, "--max-params", "10"]);
    assert!(err.contains("least"), "{err}");
}

#[test]
fn on_a_text_task_choose_also_trains_the_smallest_and_keeps_the_smallest_within_one_error() {
    let weights = bundled_ranker();
    let task = tasks_dir().join("youtube_spam.csv");
    let choose = |extra: &[&str]| -> serde_json::Value {
        let args =
            [&["choose", "--weights", &weights, "--task", task.to_str().unwrap()][..], extra];
        serde_json::from_str(&ok(&[&args.concat()[..], &["--trainings", "2", "--json"]].concat()))
            .unwrap()
    };
    let params = |c: &serde_json::Value| c["cost"]["params"].as_u64().unwrap();
    let accuracy = |c: &serde_json::Value| c["validation_accuracy"].as_f64().unwrap();
    // The default on text: one standard error, and the space's smallest model (two classes: a
    // linear one on the 4,096-bucket bag) among the candidates.
    let chosen = choose(&[]);
    assert_eq!(chosen["smallest_within"], 1.0);
    let candidates = chosen["candidates"].as_array().unwrap();
    assert!(candidates.iter().any(|c| params(c) == 4096 * 2 + 2), "{chosen}");
    let kept = &candidates[chosen["kept"].as_u64().unwrap() as usize];
    let best = candidates.iter().max_by(|a, b| accuracy(a).total_cmp(&accuracy(b))).unwrap();
    assert!(params(kept) <= params(best), "{chosen}");
    // At 0: the shortlist alone, the best kept.
    let chosen = choose(&["--smallest-within", "0"]);
    let candidates = chosen["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 2);
    let kept = &candidates[chosen["kept"].as_u64().unwrap() as usize];
    assert!(candidates.iter().all(|c| accuracy(c) <= accuracy(kept)), "{chosen}");
}

#[test]
fn search_reports_a_confidence_over_the_ensemble_and_names_a_bad_member() {
    let weights = bundled_ranker();
    let seeds: Vec<String> = [1, 2]
        .iter()
        .map(|s| {
            weights.replace("default-ranker.postcard", &format!("default-ranker-seed{s}.postcard"))
        })
        .collect();
    let wine = tasks_dir().join("wine.csv");
    let wine = wine.to_str().unwrap();
    let ensemble = seeds.join(",");
    let out: serde_json::Value = serde_json::from_str(&ok(&[
        "search",
        "--weights",
        &weights,
        "--task",
        wine,
        "--ensemble",
        &ensemble,
        "--json",
    ]))
    .unwrap();
    let c = &out["confidence"];
    assert_eq!(c["members"], 3, "{c}");
    let agreement = c["agreement"].as_f64().unwrap();
    assert!(agreement > 0.5 && agreement <= 1.0, "rankers fitted alike mostly agree: {c}");
    let value = c["value"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&value), "{c}");
    let alone: serde_json::Value =
        serde_json::from_str(&ok(&["search", "--weights", &weights, "--task", wine, "--json"]))
            .unwrap();
    assert_eq!(alone["confidence"]["members"], 1);
    assert_eq!(alone["confidence"]["value"], c["first_member"], "the first member alone");
    let err = fails(&["search", "--weights", &weights, "--task", wine, "--ensemble", wine]);
    assert!(err.contains("wine.csv") && err.contains("not an archrank weights file"), "{err}");
    let paper = weights
        .replace("data/default-ranker.postcard", "firmware-example/assets/paper-ranker.postcard");
    let err = fails(&["search", "--weights", &weights, "--task", wine, "--ensemble", &paper]);
    assert!(err.contains("paper-ranker.postcard") && err.contains("cannot join"), "{err}");
}

#[test]
fn the_bundled_ranker_and_its_ensemble_are_the_readmes_fits() {
    let dir = tempfile::tempdir().unwrap();
    let weights = bundled_ranker();
    let db = weights.replace("default-ranker.postcard", "default.sqlite");
    for seed in ["0", "1", "2"] {
        let out = dir.path().join(format!("seed{seed}.postcard"));
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_archrank"))
            .env("SOURCE_DATE_EPOCH", "1764547200")
            .args(["fit", "--db", &db, "--exclude-task", "wheat_seeds", "--seed", seed, "--quiet"])
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let bundled = if seed == "0" {
            weights.clone()
        } else {
            weights
                .replace("default-ranker.postcard", &format!("default-ranker-seed{seed}.postcard"))
        };
        assert!(
            std::fs::read(&out).unwrap() == std::fs::read(&bundled).unwrap(),
            "{bundled} is not the README's fit with --seed {seed}: refit it"
        );
    }
}
