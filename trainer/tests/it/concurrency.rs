//! Concurrent use: processes racing to write one output file, two `populate` on one database
//! (different shards, and the same shard twice), and `fit` reading while `populate` writes. Each
//! ends with a correct result or a clear error; nothing is lost or duplicated.

use std::process::{Command, Stdio};

use super::common::{ok, populated_db, run_counts, small_db, tasks_dir};
use archrank_core::{AnyRanker, SamplesFile};

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn spawn(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_archrank"))
        .args(args)
        .arg("--quiet")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for `child`, asserting success.
fn succeeds(child: std::process::Child, what: &str) {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn racing_writers_of_one_file_leave_one_whole_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shared.postcard");
    let out_s = out.to_str().unwrap();
    let iris = tasks_dir().join("iris.csv");
    let wine = tasks_dir().join("wine.csv");
    // Four writers of two different contents, all at once, a few times over.
    for round in 0..3 {
        let writers: Vec<_> = (0..4)
            .map(|i| {
                let task = if i % 2 == 0 { &iris } else { &wine };
                spawn(&["export-samples", "--task", task.to_str().unwrap(), "-o", out_s])
            })
            .collect();
        for (i, w) in writers.into_iter().enumerate() {
            succeeds(w, &format!("writer {i} of round {round}"));
        }
        let bytes = std::fs::read(&out).unwrap();
        let samples = SamplesFile::load(&bytes).expect("a whole samples file");
        assert!(["iris", "wine"].contains(&samples.task), "{}", samples.task);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".archrank-partial-"))
            .collect();
        assert!(left.is_empty(), "round {round} left {left:?}");
    }
}

#[test]
fn two_populates_on_one_database_train_the_plan_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_db(dir.path());
    let args = |shard: &'static str| {
        let mut v = vec!["populate", "--db", &db, "--archs-per-task", "4", "--min-steps", "20"];
        v.extend(["--epochs", "1", "--jobs", "1", "--shard", shard]);
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    // Different shards, at once: together the whole plan.
    let (a, b) = (args("1/2"), args("2/2"));
    let (a, b) = (spawn(&as_strs(&a)), spawn(&as_strs(&b)));
    succeeds(a, "shard 1/2");
    succeeds(b, "shard 2/2");
    assert_eq!(run_counts(&db), (8, 8));
    // The same shard twice, at once, on a fresh database: each run stored once.
    let dir2 = tempfile::tempdir().unwrap();
    let db2 = small_db(dir2.path());
    let same: Vec<String> =
        args("1/1").into_iter().map(|a| if a == db { db2.clone() } else { a }).collect();
    let (a, b) = (spawn(&as_strs(&same)), spawn(&as_strs(&same)));
    succeeds(a, "first of the same shard");
    succeeds(b, "second of the same shard");
    assert_eq!(run_counts(&db2), (8, 8));
}

#[test]
fn fit_reads_a_consistent_database_while_populate_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated_db(dir.path(), "3");
    let writer = spawn(&[
        "populate",
        "--db",
        &db,
        "--archs-per-task",
        "12",
        "--min-steps",
        "60",
        "--jobs",
        "1",
    ]);
    let out = dir.path().join("ranker.postcard");
    let mut fits = 0;
    while fits < 3 {
        ok(&["fit", "--db", &db, "--steps", "20", "-o", out.to_str().unwrap(), "--quiet"]);
        let bytes = std::fs::read(&out).unwrap();
        assert!(AnyRanker::load(&bytes).is_ok(), "fit {fits} wrote a ranker that does not load");
        fits += 1;
    }
    succeeds(writer, "populate beside the fits");
    assert_eq!(run_counts(&db), (24, 24));
}
