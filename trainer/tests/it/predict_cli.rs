//! `archrank predict` on what a user has after training: new rows without a label (read with the
//! stored column plan, in any column order), partly labelled rows, its own training data (said
//! so), a split of other data (refused), and labels that look like missing markers (classes).

use std::path::Path;

use crate::common::{archrank, fails, ok};

/// The test CSV `name`'s path.
fn csv(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/csv")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Trains a small model on `task` (extra options `more`) into `dir/m.postcard`, returning its
/// path and `train --json`.
fn train(dir: &Path, task: &str, more: &[&str]) -> (String, serde_json::Value) {
    let model = dir.join("m.postcard").to_string_lossy().into_owned();
    let mut args =
        vec!["train", "--task", task, "--discrete", "zscore/tanh8/skip/skip", "-o", &model];
    args.extend_from_slice(&["--epochs", "20", "--json"]);
    args.extend_from_slice(more);
    let trained = serde_json::from_str(&ok(&args)).unwrap();
    (model, trained)
}

/// `text` without its column `column` (comma-separated, no quoted commas).
fn without_column(text: &str, column: usize) -> String {
    text.lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let kept: Vec<&str> =
                cells.iter().enumerate().filter(|(j, _)| *j != column).map(|(_, c)| *c).collect();
            format!("{}\n", kept.join(","))
        })
        .collect()
}

#[test]
fn new_rows_without_labels_are_predicted_and_written_with_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = train(dir.path(), &csv("survey.csv"), &["--label-column", "satisfaction"]);
    // The survey without its label, with a region the training file never had.
    let text = std::fs::read_to_string(csv("survey.csv")).unwrap();
    let new_rows = without_column(&text, 5).replacen(",north,", ",arctic,", 1);
    let path = dir.path().join("new.csv");
    std::fs::write(&path, &new_rows).unwrap();
    let out = dir.path().join("p.csv");
    let args = ["predict", "--model", &model, "--task", path.to_str().unwrap()];
    let json: serde_json::Value =
        serde_json::from_str(&ok(&[&args[..], &["-o", out.to_str().unwrap(), "--json"]].concat()))
            .unwrap();
    assert_eq!(json["rows"], 40);
    assert_eq!(json["labelled_rows"], 0);
    assert!(json["accuracy"].is_null() && json["confusion"].is_null(), "{json}");
    let notes = json["notes"].to_string();
    assert!(
        notes.contains("column `region`: 1 cells hold a category it never saw (first `arctic`)"),
        "{notes}"
    );
    let written = std::fs::read_to_string(&out).unwrap();
    let mut lines = written.lines();
    assert_eq!(
        lines.next().unwrap(),
        "age,gender,smoker,region,visits_per_year,predicted,probability_low,probability_high"
    );
    let first = lines.next().unwrap();
    assert!(first.starts_with("41,M,yes,arctic,7,"), "{first}");
    let cells: Vec<&str> = first.split(',').collect();
    let p: f32 = cells[6..].iter().map(|c| c.parse::<f32>().unwrap()).sum();
    assert!((p - 1.0).abs() < 1e-4, "{first}");
    assert_eq!(lines.count(), 39);
    // The human table lists the rows.
    let table = ok(&args);
    assert!(
        table.contains("40 rows, without labels") && table.contains("line  predicted"),
        "{table}"
    );

    // Columns in another order, one more, and a few labels: accuracy on the labelled ones.
    let reordered: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let c: Vec<&str> = l.split(',').collect();
            let label = if i == 0 || i <= 10 { c[5] } else { "" };
            format!("{},{label},{},{},{},{},extra\n", c[4], c[3], c[2], c[1], c[0])
        })
        .collect();
    let path = dir.path().join("reordered.csv");
    std::fs::write(&path, reordered).unwrap();
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "predict",
        "--model",
        &model,
        "--task",
        path.to_str().unwrap(),
        "--json",
    ]))
    .unwrap();
    assert_eq!(json["rows"], 40);
    assert_eq!(json["labelled_rows"], 10);
    assert!(json["accuracy"].as_f64().is_some(), "{json}");

    // A column the model reads is missing: refused, naming it, nothing written.
    let path = dir.path().join("no_region.csv");
    std::fs::write(&path, without_column(&new_rows, 3)).unwrap();
    let out = dir.path().join("never.csv");
    let err = fails(&[
        "predict",
        "--model",
        &model,
        "--task",
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(
        err.contains("no_region.csv:1: the model reads column(s) region, which the header lacks"),
        "{err}"
    );
    assert!(!out.exists());
    // A cell a numeric column cannot read: its line and column.
    let path = dir.path().join("typo.csv");
    std::fs::write(&path, new_rows.replacen("\n41,", "\nforty,", 1)).unwrap();
    let err = fails(&["predict", "--model", &model, "--task", path.to_str().unwrap()]);
    assert!(err.contains("typo.csv:2: column `age`: \"forty\" is not a number"), "{err}");
}

#[test]
fn its_own_data_is_pointed_out_and_a_split_of_other_data_refused() {
    let dir = tempfile::tempdir().unwrap();
    let task = csv("stray_question_mark.csv");
    let (model, trained) = train(dir.path(), &task, &["--na", "?"]);
    // The whole training file: the rows the model learned from are counted and said.
    let out = archrank(&["predict", "--model", &model, "--task", &task]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("rows the model learned from (this is its training data)"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["predict", "--model", &model, "--task", &task, "--json"]))
            .unwrap();
    assert_eq!(json["learned_rows"], trained["trained_rows"], "{json} {trained}");
    // Its test split: the stored `--na ?` reads the file as training did, so the split is the
    // model's and the accuracy the one `train` reported.
    let test: serde_json::Value = serde_json::from_str(&ok(&[
        "predict", "--model", &model, "--task", &task, "--split", "test", "--json",
    ]))
    .unwrap();
    assert_eq!(test["accuracy"], trained["accuracy"]);
    assert_eq!(test["learned_rows"], 0);
    // Another file's test split is not the model's: refused with what differs.
    let text = std::fs::read_to_string(&task).unwrap();
    let fewer: String = text.lines().take(25).map(|l| format!("{l}\n")).collect();
    let path = dir.path().join("fewer.csv");
    std::fs::write(&path, fewer).unwrap();
    let err =
        fails(&["predict", "--model", &model, "--task", path.to_str().unwrap(), "--split", "test"]);
    assert!(
        err.contains("does not read to that data: 24 labelled rows where the model's data had 30"),
        "{err}"
    );
    // Without labels there is no split to take.
    let path = dir.path().join("unlabelled.csv");
    std::fs::write(&path, without_column(&text, 3)).unwrap();
    let err =
        fails(&["predict", "--model", &model, "--task", path.to_str().unwrap(), "--split", "test"]);
    assert!(err.contains("the file has no label column `label`"), "{err}");
}

#[test]
fn labels_that_look_missing_are_classes_unless_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("x,y,label\n");
    for i in 0..60 {
        let label = ["for", "against", "None"][i % 3];
        text.push_str(&format!("{},{},{label}\n", i % 3, (i * 7) % 11));
    }
    text.push_str("1,2,\n");
    let path = dir.path().join("stance.csv");
    std::fs::write(&path, &text).unwrap();
    let task = path.to_str().unwrap();
    let (model, _) = train(dir.path(), task, &[]);
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "predict", "--model", &model, "--task", task, "--split", "test", "--json",
    ]))
    .unwrap();
    assert_eq!(json["classes"], serde_json::json!(["for", "against", "None"]));
    // The empty label's row is left out of training, and the reason said.
    let out = archrank(&[
        "train",
        "--task",
        task,
        "--discrete",
        "zscore/tanh8/skip/skip",
        "--epochs",
        "2",
        "-o",
        &model,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 rows left out: 1 with an empty label"), "{stderr}");
    // Named as a missing label, `None` leaves with its rows, and the model file remembers it.
    let (model, trained) = train(dir.path(), task, &["--label-na", "None"]);
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "predict", "--model", &model, "--task", task, "--split", "test", "--json",
    ]))
    .unwrap();
    assert_eq!(json["classes"], serde_json::json!(["for", "against"]));
    assert_eq!(json["accuracy"], trained["accuracy"]);
}

#[test]
fn new_text_rows_are_predicted_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("label,text\n");
    for i in 0..60 {
        let (label, words) = if i % 2 == 0 {
            ("spam", "win a free prize now, call today")
        } else {
            ("ham", "see you at lunch tomorrow, ok")
        };
        text.push_str(&format!("{label},\"{words} {i}\"\n"));
    }
    let task = dir.path().join("texts.csv");
    std::fs::write(&task, &text).unwrap();
    let model = dir.path().join("m.postcard");
    let model = model.to_str().unwrap();
    ok(&[
        "train",
        "--task",
        task.to_str().unwrap(),
        "--discrete",
        "m0/tanh8/skip/skip",
        "--epochs",
        "3",
        "-o",
        model,
    ]);
    let new_rows = dir.path().join("new.csv");
    std::fs::write(&new_rows, "text\n\"a free prize, call now\"\n\"lunch tomorrow?\"\n").unwrap();
    let out = dir.path().join("p.csv");
    ok(&[
        "predict",
        "--model",
        model,
        "--task",
        new_rows.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let written = std::fs::read_to_string(&out).unwrap();
    let mut lines = written.lines();
    assert_eq!(lines.next().unwrap(), "text,predicted,probability_spam,probability_ham");
    assert!(lines.next().unwrap().starts_with("\"a free prize, call now\","), "{written}");
    assert_eq!(lines.count(), 1);
}
