//! The CSV shapes people have (`tests/data/csv/`, written for these tests): each is accepted by
//! `tasks add` and `search --task`, read with the documented plan; the stored tasks populate,
//! search and export like any other.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use super::common::{bundled_ranker, ok};

fn shape(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/csv").join(name)
}

/// The gzipped pipe-separated file, written into `dir`.
fn gzipped(dir: &Path) -> PathBuf {
    let path = dir.join("pipe_separated.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&std::fs::read(shape("pipe_separated.csv")).unwrap()).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    path
}

/// A file, the options it needs, the `(column, kind)` pairs expected and its delimiter.
type Case = (PathBuf, Vec<&'static str>, Vec<(&'static str, &'static str)>, &'static str);

fn cases(dir: &Path) -> Vec<Case> {
    vec![
        (
            shape("spreadsheet_export.csv"),
            vec!["--label-column", "Klasse"],
            vec![
                ("Gewicht", "numeric"),
                ("Höhe", "numeric"),
                ("Preis", "numeric"),
                ("Klasse", "label"),
            ],
            ";",
        ),
        (
            shape("survey.csv"),
            vec!["--label-column", "-1"],
            vec![
                ("age", "numeric"),
                ("gender", "categorical"),
                ("smoker", "categorical"),
                ("region", "categorical"),
                ("visits_per_year", "numeric"),
            ],
            ",",
        ),
        (
            shape("ids_and_dates.csv"),
            vec![],
            vec![
                ("customer_id", "identifier"),
                ("signup_date", "date"),
                ("plan", "categorical"),
                ("monthly_spend", "numeric"),
            ],
            ",",
        ),
        (gzipped(dir), vec![], vec![("f1", "numeric"), ("f2", "numeric")], "|"),
        (
            shape("label_in_middle.csv"),
            vec!["--label-column", "species"],
            vec![("sepal_len", "numeric"), ("species", "label"), ("petal_wid", "numeric")],
            ",",
        ),
        (shape("stray_question_mark.csv"), vec![], vec![("x2", "numeric")], ","),
    ]
}

fn column<'a>(columns: &'a Value, name: &str) -> &'a Value {
    columns
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name}"))
}

fn check_plan(json: &Value, expected: &[(&str, &str)], delimiter: &str) {
    for (name, kind) in expected {
        assert_eq!(column(&json["columns"], name)["kind"], *kind, "{name} in {json}");
    }
    assert_eq!(json["csv"]["delimiter"], delimiter, "{json}");
}

#[test]
fn every_shape_is_added_searched_and_used() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shapes.sqlite");
    let db = db.to_str().unwrap();
    let ranker = bundled_ranker();
    let mut names = Vec::new();
    let (mut added_all, mut found_all) = (Vec::new(), Vec::new());
    for (path, options, expected, delimiter) in cases(dir.path()) {
        let path = path.to_str().unwrap();
        let mut add = vec!["tasks", "add", path, "--db", db, "--json"];
        add.extend(&options);
        let added: Value = serde_json::from_str(&ok(&add)).unwrap();
        check_plan(&added[0], &expected, delimiter);
        names.push(added[0]["name"].as_str().unwrap().to_owned());
        let mut search = vec!["search", "--weights", &ranker, "--task", path, "--json"];
        search.extend(&options);
        let found: Value = serde_json::from_str(&ok(&search)).unwrap();
        check_plan(&found, &expected, delimiter);
        assert!(found["discrete"].as_str().is_some_and(|d| d.starts_with('m')), "{found}");
        added_all.push(added);
        found_all.push(found);
    }
    assert_eq!(names[3], "pipe_separated");
    // What each shape became, in detail (in the order of `cases`).
    let (survey, spreadsheet, stray) = (&found_all[1], &found_all[0], &added_all[5]);
    let age = column(&survey["columns"], "age");
    assert_eq!(
        (age["indicator"].as_bool(), age["missing"].as_u64()),
        (Some(true), Some(4)),
        "{age}"
    );
    let smoker = column(&survey["columns"], "smoker");
    assert!(smoker["categories"].as_array().unwrap().iter().any(|c| c == "(missing)"), "{smoker}");
    assert_eq!(spreadsheet["csv"]["decimal_comma"], true);
    assert_eq!(column(&stray[0]["columns"], "x2")["missing"], 1);
    // The plan is stored with each task.
    let listed: Value =
        serde_json::from_str(&ok(&["tasks", "list", "--db", db, "--json"])).unwrap();
    let survey_listed = listed.as_array().unwrap().iter().find(|t| t["name"] == "survey").unwrap();
    assert_eq!(column(&survey_listed["columns"], "gender")["kind"], "categorical");
    // The stored tasks work like any other.
    ok(&[
        "populate",
        "--db",
        db,
        "--archs-per-task",
        "2",
        "--epochs",
        "1",
        "--min-steps",
        "5",
        "-q",
    ]);
    for name in &names {
        let found: Value = serde_json::from_str(&ok(&[
            "search",
            "--weights",
            &ranker,
            "--db",
            db,
            "--db-task",
            name,
            "--json",
        ]))
        .unwrap();
        assert_eq!(found["task"], name.as_str());
        let out = dir.path().join(format!("{name}.postcard"));
        ok(&["export-samples", "--db", db, "--db-task", name, "-o", out.to_str().unwrap()]);
        assert!(out.exists());
    }
}

#[test]
fn standard_input_is_read_with_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_archrank"))
        .args([
            "search",
            "--weights",
            &bundled_ranker(),
            "--task",
            "-",
            "--label-column",
            "species",
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(shape("label_in_middle.csv")).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["task"], "stdin");
    assert_eq!(json["samples"], 30);
}
