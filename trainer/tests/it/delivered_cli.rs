//! The model a user gets (`train`, `choose`): numeric tasks trained by the core on every training
//! row, text tasks by the trainer, either then refitted on the training and validation rows; the
//! rows it learned from are reported; `export-samples --format csv` writes exactly the split's
//! rows.

use crate::common::{bundled_ranker, fails, ok, tasks_dir};

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(args)).unwrap()
}

/// Data rows of a CSV the product wrote (its header excluded).
fn csv_rows(path: &std::path::Path) -> usize {
    csv::Reader::from_path(path).unwrap().records().count()
}

#[test]
fn a_numeric_model_learns_from_training_and_validation_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (model, rows) = (dir.path().join("m.postcard"), dir.path().join("rows.csv"));
    let (model, rows_path) = (model.to_str().unwrap(), rows.to_str().unwrap());
    let wine = tasks_dir().join("wine.csv");
    let wine = wine.to_str().unwrap();
    let split = |which: &str| {
        ok(&[
            "export-samples",
            "--task",
            wine,
            "--split",
            which,
            "--format",
            "csv",
            "--max-samples",
            "100000",
            "-o",
            rows_path,
        ]);
        csv_rows(&rows)
    };
    let (train, validation, test) = (split("train"), split("validation"), split("test"));
    assert_eq!(split("train-validation"), train + validation);
    let header = std::fs::read_to_string(&rows).unwrap();
    assert!(header.starts_with("alcohol,") && header.lines().next().unwrap().ends_with(",label"));

    let trained = json(&[
        "train",
        "--task",
        wine,
        "--discrete",
        "zscore/relu16/skip/skip",
        "--seeds",
        "2",
        "-o",
        model,
        "--json",
    ]);
    assert_eq!(trained["engine"], "core");
    assert_eq!(trained["trained_rows"].as_u64().unwrap() as usize, train + validation);
    assert_eq!(trained["refit"]["train_samples"].as_u64().unwrap() as usize, train + validation);
    let kept = trained["kept_seed"].as_u64().unwrap() as usize;
    let best_epoch = trained["seeds"][kept]["best_epoch"].as_u64().unwrap();
    assert_eq!(trained["refit"]["epochs"].as_u64().unwrap(), best_epoch);
    assert_eq!(trained["test_rows"].as_u64().unwrap() as usize, test);
    // The file is the refit's: predict measures what train reported, through the column plan.
    let predicted =
        json(&["predict", "--model", model, "--task", wine, "--split", "test", "--json"]);
    let accuracy = trained["accuracy"].as_f64().unwrap();
    assert_eq!(predicted["accuracy"].as_f64().unwrap(), accuracy);
    // The file says what it learned from and what chose it.
    let text = ok(&["predict", "--model", model, "--task", wine, "--split", "test"]);
    let learned = format!("learned from {} rows, chosen on {validation}", train + validation);
    assert!(text.contains(&learned), "{text}");
    // The refit's own count, in f32 as a device keeps it.
    assert!((trained["refit"]["test_accuracy"].as_f64().unwrap() - accuracy).abs() < 1e-6);

    let kept_only = json(&[
        "train",
        "--task",
        wine,
        "--discrete",
        "zscore/relu16/skip/skip",
        "--seeds",
        "2",
        "--no-refit",
        "--max-rows",
        "40",
        "-o",
        model,
        "--json",
    ]);
    assert!(kept_only["refit"].is_null());
    assert_eq!(kept_only["trained_rows"], 40);
    let by_trainer = json(&[
        "train",
        "--task",
        wine,
        "--discrete",
        "zscore/relu16/skip/skip",
        "--seeds",
        "1",
        "--engine",
        "trainer",
        "-o",
        model,
        "--json",
    ]);
    assert_eq!(by_trainer["engine"], "trainer");
    assert_eq!(by_trainer["trained_rows"].as_u64().unwrap() as usize, train + validation);
    let best_epoch = by_trainer["seeds"][0]["best_epoch"].as_u64().unwrap();
    assert_eq!(by_trainer["refit"]["epochs"].as_u64().unwrap(), best_epoch);
}

#[test]
fn text_models_are_trained_by_the_trainer_and_choose_reports_its_recipe() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.postcard");
    let model = model.to_str().unwrap();
    let youtube = tasks_dir().join("youtube_spam.csv");
    let trained = json(&[
        "train",
        "--task",
        youtube.to_str().unwrap(),
        "--discrete",
        "m0/skip/skip/skip",
        "--seeds",
        "1",
        "--max-steps",
        "50",
        "-o",
        model,
        "--json",
    ]);
    assert_eq!(trained["engine"], "trainer");
    assert!(trained["refit"]["train_samples"].as_u64().unwrap() > 0, "text refits too: {trained}");

    let wine = tasks_dir().join("wine.csv");
    let weights = bundled_ranker();
    let chosen = json(&[
        "choose",
        "--weights",
        &weights,
        "--task",
        wine.to_str().unwrap(),
        "--trainings",
        "2",
        "--weight-decay",
        "0.001",
        "-o",
        model,
        "--json",
    ]);
    assert_eq!(chosen["engine"], "core");
    assert!(chosen["refit"]["train_samples"].as_u64().unwrap() > 0);
    let err = fails(&[
        "choose",
        "--weights",
        &weights,
        "--task",
        wine.to_str().unwrap(),
        "--learning-rate",
        "fast",
        "-o",
        model,
    ]);
    assert!(err.contains("--learning-rate"), "{err}");
}
