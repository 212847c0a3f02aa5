//! Budget-aware search through the real binary: every bundled numeric task gets an architecture
//! within 3000 parameters, every text task one at the least a text model can have, and a budget
//! nothing fits is a clean, explained error.

use std::io::BufRead;
use std::path::Path;

use crate::common::{bundled_ranker, fails, ok, tasks_dir};

/// Whether a bundled task CSV is a text task (its columns are a label and a text).
fn is_text(csv: &Path) -> bool {
    let file = std::io::BufReader::new(std::fs::File::open(csv).unwrap());
    let header = file.lines().next().unwrap().unwrap();
    let mut columns: Vec<&str> = header.split(',').collect();
    columns.sort_unstable();
    columns == ["label", "text"]
}

/// A text task within 3000 parameters: refused with the least possible (the linear model on the
/// 4,096-bucket bag, or with many classes a narrow layer before them), which a budget of
/// exactly that finds.
fn text_task_gets_its_linear_model(weights: &str, csv: &str) {
    let search = ["search", "--weights", weights, "--task", csv, "--max-params"];
    let err = fails(&[&search[..], &["3000"]].concat());
    let least: u32 = err
        .rsplit("the least possible is ")
        .next()
        .and_then(|s| s.trim().trim_end_matches(')').parse().ok())
        .unwrap_or_else(|| panic!("{csv}: {err}"));
    assert!(least >= 4096 * 2, "{csv}: the least possible is {least}");
    let out = ok(&[&search[..], &[least.to_string().as_str(), "--json"]].concat());
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["cost"]["params"], least, "{csv}");
    if least.is_multiple_of(4097) {
        assert!(json["named"].as_str().unwrap().ends_with("/skip/skip/skip"), "{csv}: {out}");
    }
}

#[test]
fn every_bundled_numeric_task_fits_3000_parameters_and_a_text_task_its_smallest() {
    let mut csvs: Vec<_> = std::fs::read_dir(tasks_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    csvs.sort();
    assert!(csvs.len() >= 100, "the bundled tasks are missing");
    let weights = bundled_ranker();
    let halves: Vec<_> = csvs.chunks(csvs.len().div_ceil(2)).collect();
    std::thread::scope(|scope| {
        for half in halves {
            let weights = &weights;
            scope.spawn(move || {
                for csv in half {
                    if is_text(csv) {
                        text_task_gets_its_linear_model(weights, csv.to_str().unwrap());
                        continue;
                    }
                    let out = ok(&[
                        "search",
                        "--weights",
                        weights,
                        "--task",
                        csv.to_str().unwrap(),
                        "--max-params",
                        "3000",
                        "--json",
                    ]);
                    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
                    let params = json["cost"]["params"].as_u64().unwrap();
                    assert!(params <= 3000, "{}: {params} parameters", csv.display());
                    assert_eq!(json["budget"]["max_params"], 3000);
                    assert!(json["named"].as_str().unwrap().contains('/'));
                }
            });
        }
    });
}

#[test]
fn a_budget_nothing_fits_is_refused_with_the_least_possible() {
    let iris = tasks_dir().join("iris.csv");
    let err = fails(&[
        "search",
        "--weights",
        &bundled_ranker(),
        "--task",
        iris.to_str().unwrap(),
        "--max-params",
        "30",
    ]);
    assert!(err.contains("no architecture of the tiny preset fits"), "{err}");
    assert!(err.contains("parameters at most 30, the least possible is 195"), "{err}");
}

#[test]
fn a_training_budget_keeps_the_choices_training_memory_within_it() {
    let weights = bundled_ranker();
    let iris = tasks_dir().join("iris.csv");
    let iris = iris.to_str().unwrap();
    let out = ok(&[
        "search",
        "--weights",
        &weights,
        "--task",
        iris,
        "--max-train-ram",
        "20000",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(json["cost"]["train_ram_bytes"].as_u64().unwrap() <= 20_000, "{json}");
    assert_eq!(json["budget"]["max_train_ram_bytes"], 20_000);
    let err = fails(&["search", "--weights", &weights, "--task", iris, "--max-train-ram", "100"]);
    assert!(err.contains("training bytes at most 100, the least possible is"), "{err}");
    let text = tasks_dir().join("youtube_spam.csv");
    let err = fails(&[
        "search",
        "--weights",
        &weights,
        "--task",
        text.to_str().unwrap(),
        "--max-train-ram",
        "1000000",
    ]);
    assert!(err.contains("a device trains numeric children only"), "{err}");
}
