//! Helpers shared by the CLI tests: run the real binary, make scratch databases.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The bundled tasks folder.
pub fn tasks_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/tasks")
}

/// The bundled ranker (`data/default-ranker.postcard`).
pub fn bundled_ranker() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../data/default-ranker.postcard")
        .to_string_lossy()
        .into_owned()
}

/// Runs `archrank` with `args`, returning its output.
pub fn archrank(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_archrank")).args(args).output().expect("archrank runs")
}

/// Runs `archrank` and asserts success, returning stdout.
pub fn ok(args: &[&str]) -> String {
    let out = archrank(args);
    assert!(
        out.status.success(),
        "archrank {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `archrank`, asserts a clean failure (non-zero, no panic) and returns stderr.
pub fn fails(args: &[&str]) -> String {
    let out = archrank(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "archrank {args:?} should fail");
    assert!(!stderr.contains("panicked"), "archrank {args:?} panicked: {stderr}");
    assert!(stderr.starts_with("error: "), "unexpected stderr: {stderr}");
    stderr
}

/// A database with iris and wine in a fresh temporary directory.
pub fn small_db(dir: &Path) -> String {
    let db = dir.join("db.sqlite").to_string_lossy().into_owned();
    let iris = tasks_dir().join("iris.csv");
    let wine = tasks_dir().join("wine.csv");
    ok(&["tasks", "add", iris.to_str().unwrap(), wine.to_str().unwrap(), "--db", &db]);
    db
}

/// [`small_db`] with `archs` quick runs per task (20 steps, one epoch).
pub fn populated_db(dir: &Path, archs: &str) -> String {
    let db = small_db(dir);
    let args = ["populate", "--db", &db, "--archs-per-task", archs, "--min-steps", "20"];
    ok(&[&args[..], &["--epochs", "1", "--quiet"]].concat());
    db
}

/// Bytes of every file in `dir` whose name starts with `prefix` (a database and its WAL).
pub fn snapshot(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

/// Count of population runs and of distinct keys, via the library.
pub fn run_counts(db: &str) -> (usize, usize) {
    let db = archrank_trainer::database::Database::open_read_only(db).unwrap();
    let runs = db.all_runs().unwrap();
    let keys: std::collections::HashSet<_> = runs.iter().map(|r| r.key.clone()).collect();
    (runs.len(), keys.len())
}

/// Runs `archrank` with `args` from the folder `dir`, asserting success and returning stdout.
pub fn ok_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_archrank"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("archrank runs");
    assert!(
        out.status.success(),
        "archrank {args:?} in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
