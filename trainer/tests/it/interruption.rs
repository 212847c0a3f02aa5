//! Interruption: `populate` killed with SIGKILL at several seeded moments stays consistent and
//! resumes to exactly the plan; readers work while it writes; `fit` killed mid-way never leaves
//! a half-written weights file.

use std::process::{Command, Stdio};
use std::time::Duration;

use super::common::{ok, run_counts, small_db};
use archrank_core::{Ranker, Tiny};

fn spawn(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_archrank"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Seeded pseudo-random delays in `lo..hi` milliseconds.
fn delays(seed: u64, n: usize, lo: u64, hi: u64) -> Vec<u64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            lo + (s >> 33) % (hi - lo)
        })
        .collect()
}

#[test]
fn populate_killed_at_random_moments_resumes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_db(dir.path());
    let args = [
        "populate",
        "--db",
        &db,
        "--archs-per-task",
        "6",
        "--seed",
        "4",
        "--min-steps",
        "60",
        "--epochs",
        "2",
        "--jobs",
        "2",
        "--quiet",
    ];
    for delay in delays(7, 5, 50, 900) {
        let mut child = spawn(&args);
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok", "after a kill at {delay} ms");
        let (runs, keys) = run_counts(&db);
        assert_eq!(runs, keys, "duplicated runs after a kill at {delay} ms");
        assert!(runs <= 12);
    }
    ok(&args);
    assert_eq!(run_counts(&db), (12, 12));
}

#[test]
fn readers_work_while_populate_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_db(dir.path());
    let mut child = spawn(&[
        "populate",
        "--db",
        &db,
        "--archs-per-task",
        "8",
        "--min-steps",
        "100",
        "--jobs",
        "1",
        "--quiet",
    ]);
    let csv = dir.path().join("csv");
    let mut reads = 0;
    while child.try_wait().unwrap().is_none() && reads < 20 {
        let listed = ok(&["tasks", "list", "--db", &db, "--json"]);
        assert!(listed.contains("iris"));
        ok(&["db", "export", "--db", &db, "--csv", csv.to_str().unwrap()]);
        assert!(std::fs::read_to_string(csv.join("runs.csv")).unwrap().starts_with("task,"));
        reads += 1;
    }
    child.wait().unwrap();
    assert!(reads > 0, "populate finished before any read");
}

#[test]
fn fit_killed_mid_way_leaves_the_previous_weights_or_complete_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_db(dir.path());
    ok(&[
        "populate",
        "--db",
        &db,
        "--archs-per-task",
        "4",
        "--min-steps",
        "30",
        "--epochs",
        "1",
        "--quiet",
    ]);
    let out = dir.path().join("ranker.postcard");
    let out_s = out.to_str().unwrap();
    std::fs::write(&out, b"previous contents").unwrap();
    for delay in delays(11, 6, 5, 400) {
        let mut child = spawn(&["fit", "--db", &db, "-o", out_s, "--steps", "4000", "--quiet"]);
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        let bytes = std::fs::read(&out).unwrap();
        assert!(
            bytes == b"previous contents" || Ranker::<Tiny>::load(&bytes).is_ok(),
            "a kill at {delay} ms left a half-written file"
        );
    }
}
