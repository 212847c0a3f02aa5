//! The binary alone, as `cargo install` leaves it, run from an empty folder: `search`, `choose`,
//! `train`, `predict` and `inspect` need no file but the user's CSV (the bundled rankers are
//! compiled in).

use crate::common::{ok_in, tasks_dir};

#[test]
fn every_user_command_works_from_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path();
    std::fs::copy(tasks_dir().join("iris.csv"), here.join("x.csv")).unwrap();
    let inspect = ok_in(here, &["inspect"]);
    assert!(inspect.contains("the bundled ranker (compiled in)"), "{inspect}");
    let search: serde_json::Value =
        serde_json::from_str(&ok_in(here, &["search", "--task", "x.csv", "--json"])).unwrap();
    // The bundled ensemble gives the search its confidence.
    assert_eq!(search["confidence"]["members"], 3, "{search}");
    let chosen: serde_json::Value = serde_json::from_str(&ok_in(
        here,
        &[
            "choose",
            "--task",
            "x.csv",
            "--trainings",
            "2",
            "--epochs",
            "5",
            "-o",
            "m.postcard",
            "--json",
        ],
    ))
    .unwrap();
    assert!(chosen["test_accuracy"].as_f64().is_some(), "{chosen}");
    ok_in(
        here,
        &[
            "train",
            "--task",
            "x.csv",
            "--discrete",
            "zscore/tanh8/skip/skip",
            "--epochs",
            "5",
            "-o",
            "t.postcard",
        ],
    );
    let text = std::fs::read_to_string(here.join("x.csv")).unwrap();
    let unlabelled: String = text
        .lines()
        .map(|l| format!("{}\n", l.split_once(',').map_or(l, |(_, features)| features)))
        .collect();
    assert!(text.starts_with("label,"), "the label is iris's first column");
    std::fs::write(here.join("new_rows.csv"), unlabelled).unwrap();
    for model in ["m.postcard", "t.postcard"] {
        ok_in(here, &["predict", "--model", model, "--task", "new_rows.csv", "-o", "p.csv"]);
        let written = std::fs::read_to_string(here.join("p.csv")).unwrap();
        assert_eq!(written.lines().count(), 151, "{model}");
    }
}
