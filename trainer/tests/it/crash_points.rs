//! Every writing command killed at every point of its writing path (`ARCHRANK_CRASH_AT`: the
//! process dies there as under SIGKILL): the previous output is intact or the new one complete,
//! never half of one; a database passes its integrity check and holds exactly what it held
//! before or after the write; and the next run completes, leaving no partial file behind.

use std::path::Path;
use std::process::{Command, Output};

use super::common::{ok, populated_db, run_counts, tasks_dir};
use archrank_trainer::crash_point::{CRASH_AT, POINTS};

/// The atomic file write's points.
const WRITE_POINTS: [&str; 4] = ["write:created", "write:written", "write:synced", "write:renamed"];
/// A database transaction's points.
const DB_POINTS: [&str; 2] = ["db:before-commit", "db:committed"];

fn run(args: &[&str], crash_at: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_archrank"));
    // A fixed timestamp, so a ranker file's provenance is the same bytes on every run.
    command.args(args).arg("--quiet").env("SOURCE_DATE_EPOCH", "1764547200");
    match crash_at {
        Some(point) => command.env(CRASH_AT, point),
        None => command.env_remove(CRASH_AT),
    };
    command.output().unwrap()
}

/// Runs `args` to die at `point`, asserting it died there (killed by a signal, not an exit).
fn crash(args: &[&str], point: &str) {
    let out = run(args, Some(point));
    assert!(
        out.status.code().is_none(),
        "{args:?} did not die at {point}: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The partial files in `dir`.
fn partials(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".archrank-partial-"))
        .collect()
}

fn integrity(db: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

fn task_names(db: &str) -> Vec<String> {
    let db = archrank_trainer::database::Database::open_read_only(db).unwrap();
    db.list_tasks().unwrap().into_iter().map(|t| t.name).collect()
}

#[test]
fn every_writing_command_killed_at_every_point_leaves_whole_files() {
    assert!(WRITE_POINTS.iter().chain(&DB_POINTS).all(|p| POINTS.contains(p)));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out_dir = d.join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let iris = tasks_dir().join("iris.csv");
    let iris = iris.to_str().unwrap();
    let model = d.join("model.postcard");
    let model = model.to_str().unwrap();
    let train = ["train", "--task", iris, "--discrete", "zscore/tanh8/skip/skip", "--epochs", "2"];
    ok(&[&train[..], &["-o", model]].concat());
    let db = populated_db(d, "3");
    // Each writing command without its output, and the output it writes with `-o`.
    let file_commands: Vec<(&str, Vec<&str>, &str)> = vec![
        ("train", train.to_vec(), "train.postcard"),
        (
            "choose",
            vec!["choose", "--task", iris, "--trainings", "1", "--epochs", "2"],
            "choose.postcard",
        ),
        ("quantize", vec!["quantize"], "int8.postcard"),
        ("export-samples", vec!["export-samples", "--task", iris], "samples.postcard"),
        ("predict", vec!["predict", "--model", model, "--task", iris], "predictions.csv"),
        ("fit", vec!["fit", "--db", &db, "--steps", "5"], "ranker.postcard"),
    ];
    let mut killed = 0;
    for (command, args, output) in &file_commands {
        let output = out_dir.join(output);
        let output_path = output.to_string_lossy().into_owned();
        let args = [&args[..], &["-o", &output_path]].concat();
        // The complete output, from an uninterrupted run (every command is deterministic).
        let run_clean = || {
            let o = run(&args, None);
            assert!(o.status.success(), "{command}: {}", String::from_utf8_lossy(&o.stderr));
            o
        };
        run_clean();
        let complete = std::fs::read(&output).unwrap();
        for point in WRITE_POINTS {
            std::fs::write(&output, b"the previous output").unwrap();
            crash(&args, point);
            killed += 1;
            let left = std::fs::read(&output).unwrap();
            if point == "write:renamed" {
                assert_eq!(left, complete, "{command} at {point}: the new output is whole");
            } else {
                assert_eq!(left, b"the previous output", "{command} at {point}");
                assert_eq!(partials(&out_dir).len(), 1, "{command} at {point}");
            }
            let o = run_clean();
            assert_eq!(std::fs::read(&output).unwrap(), complete, "{command} after {point}");
            assert!(
                partials(&out_dir).is_empty(),
                "{command} after {point}: {:?}",
                partials(&out_dir)
            );
            let said = String::from_utf8_lossy(&o.stderr).contains("left by an interrupted write");
            assert_eq!(said, point != "write:renamed", "{command} after {point}");
        }
    }

    // Databases: `tasks add`, `db merge`, `db migrate` and `populate`, before and after commit.
    let wine = tasks_dir().join("wine.csv");
    let wine = wine.to_str().unwrap();
    for point in DB_POINTS {
        // tasks add
        let added = d.join(format!("added-{point}.sqlite")).to_string_lossy().into_owned();
        ok(&["tasks", "add", iris, "--db", &added]);
        crash(&["tasks", "add", wine, "--db", &added], point);
        killed += 1;
        assert_eq!(integrity(&added), "ok");
        let expected: Vec<&str> =
            if point == "db:committed" { vec!["iris", "wine"] } else { vec!["iris"] };
        assert_eq!(task_names(&added), expected, "tasks add at {point}");
        if point == "db:before-commit" {
            ok(&["tasks", "add", wine, "--db", &added]);
        }
        assert_eq!(task_names(&added), ["iris", "wine"]);

        // db merge
        let merged = d.join(format!("merged-{point}.sqlite")).to_string_lossy().into_owned();
        crash(&["db", "merge", &db, "-o", &merged], point);
        killed += 1;
        assert_eq!(integrity(&merged), "ok");
        let runs = run_counts(&merged).0;
        assert!(runs == 0 || runs == run_counts(&db).0, "db merge at {point}: {runs} runs");
        ok(&["db", "merge", &db, "-o", &merged]);
        assert_eq!(run_counts(&merged), run_counts(&db), "merging again completes, no duplicate");

        // db migrate: a version-1 copy of the database
        let old = d.join(format!("v1-{point}.sqlite")).to_string_lossy().into_owned();
        ok(&["db", "merge", &db, "-o", &old]);
        rusqlite::Connection::open(&old)
            .unwrap()
            .execute_batch("ALTER TABLE tasks DROP COLUMN plan; PRAGMA user_version = 1;")
            .unwrap();
        crash(&["db", "migrate", "--db", &old], point);
        killed += 1;
        assert_eq!(integrity(&old), "ok");
        let version: i64 = rusqlite::Connection::open(&old)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, if point == "db:committed" { 2 } else { 1 }, "db migrate at {point}");
        ok(&["db", "migrate", "--db", &old]);
        assert_eq!(run_counts(&old), run_counts(&db));

        // populate: killed at its second run's write, then resumed to exactly the plan
        let populated = d.join(format!("pop-{point}.sqlite")).to_string_lossy().into_owned();
        ok(&["tasks", "add", iris, "--db", &populated]);
        let args = [
            "populate",
            "--db",
            &populated,
            "--archs-per-task",
            "4",
            "--min-steps",
            "20",
            "--epochs",
            "1",
            "--jobs",
            "1",
        ];
        crash(&args, &format!("{point}@2"));
        killed += 1;
        assert_eq!(integrity(&populated), "ok");
        let expected = if point == "db:committed" { 2 } else { 1 };
        assert_eq!(run_counts(&populated), (expected, expected), "populate at {point}");
        ok(&args);
        assert_eq!(run_counts(&populated), (4, 4));
    }
    assert_eq!(killed, 6 * 4 + 4 * 2);
}
