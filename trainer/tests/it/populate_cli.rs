//! `tasks add` + `populate` through the real binary: the planned runs, resumability, SIGKILL
//! safety, and both presets.

use std::process::Command;
use std::time::{Duration, Instant};

use super::common::{fails, ok, run_counts, small_db};
use archrank_trainer::database::Database;

#[test]
fn populate_trains_the_plan_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_db(dir.path());
    let args = [
        "populate",
        "--db",
        &db,
        "--archs-per-task",
        "5",
        "--seed",
        "1",
        "--min-steps",
        "100",
        "--quiet",
    ];
    ok(&args);
    let database = Database::open_read_only(&db).unwrap();
    let runs = database.all_runs().unwrap();
    assert_eq!(runs.len(), 10);
    for r in &runs {
        assert!(r.val_acc > 0.0 && r.val_acc <= 1.0, "{r:?}");
        assert!(r.test_acc > 0.0 && r.test_acc <= 1.0, "{r:?}");
    }
    let archs: std::collections::HashSet<Vec<u32>> = runs
        .iter()
        .filter(|r| r.key.task == "iris")
        .map(|r| r.arch.iter().map(|v| v.to_bits()).collect())
        .collect();
    assert_eq!(archs.len(), 5, "architectures must be distinct");
    let out = ok(&args);
    assert!(out.contains("populate: 0 runs trained"), "{out}");
    assert_eq!(run_counts(&db), (10, 10));
}

/// A discrete population is trained by the core (as delivered numeric models are) unless told
/// otherwise; the database records the engine and refuses to mix another's runs in.
#[test]
fn discrete_children_are_the_cores_and_engines_are_not_mixed() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_db(dir.path());
    let discrete = ["populate", "--db", &db, "--space", "discrete", "--archs-per-task", "2"];
    let quick = ["--seeds-per-arch", "2", "--shared-archs", "1", "--min-steps", "30", "--quiet"];
    ok(&[&discrete[..], &quick[..]].concat());
    let database = Database::open_read_only(&db).unwrap();
    assert_eq!(database.run_engine(archrank_core::PresetId::Tiny).unwrap(), "core");
    let runs = database.all_runs().unwrap();
    assert_eq!(runs.len(), 2 * 2 * 2);
    for r in &runs {
        assert!(r.val_acc > 0.0 && r.test_balanced_acc > 0.0 && r.val_xent.is_finite(), "{r:?}");
    }
    let e = fails(&[&discrete[..], &quick[..], &["--engine", "trainer"]].concat());
    assert!(e.contains("trained by the core engine") && e.contains("--engine core"), "{e}");
    let e = fails(&["populate", "--db", &db, "--engine", "core", "--quiet"]);
    assert!(e.contains("discrete children only"), "{e}");
    assert_eq!(
        Database::open_read_only(&db).unwrap().all_runs().unwrap().len(),
        8,
        "nothing added"
    );
}

#[test]
fn populate_killed_mid_way_resumes_to_exactly_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_db(dir.path());
    let args =
        ["populate", "--db", &db, "--archs-per-task", "5", "--seed", "1", "--jobs", "1", "--quiet"];
    let mut child = Command::new(env!("CARGO_BIN_EXE_archrank")).args(args).spawn().unwrap();
    // Kill it once some, but not all, runs are committed.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = Database::open_read_only(&db).and_then(|d| d.all_runs()).map_or(0, |r| r.len());
        if done >= 2 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let (partial, _) = run_counts(&db);
    assert!(partial < 10, "the kill came too late to test anything ({partial} runs)");
    ok(&args);
    assert_eq!(run_counts(&db), (10, 10));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn paper_preset_children_populate() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite").to_string_lossy().into_owned();
    let iris = super::common::tasks_dir().join("iris.csv");
    ok(&["tasks", "add", iris.to_str().unwrap(), "--db", &db]);
    ok(&[
        "populate",
        "--db",
        &db,
        "--preset",
        "paper",
        "--archs-per-task",
        "2",
        "--min-steps",
        "60",
        "--epochs",
        "3",
        "--quiet",
    ]);
    let runs = Database::open_read_only(&db)
        .unwrap()
        .runs_for_task("iris", archrank_core::PresetId::Paper)
        .unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r.arch.len() == 105 && r.val_acc > 0.0));
}

#[test]
fn merge_of_shards_equals_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let whole = small_db(&dir.path().join("whole").tap_mkdir());
    let a = small_db(&dir.path().join("a").tap_mkdir());
    let b = small_db(&dir.path().join("b").tap_mkdir());
    let common_args = ["--archs-per-task", "3", "--min-steps", "50", "--epochs", "2", "--quiet"];
    let with = |db: &str, shard: &str| {
        let mut v = vec!["populate", "--db", db, "--shard", shard];
        v.extend(common_args);
        ok(&v);
    };
    with(&whole, "1/1");
    with(&a, "1/2");
    with(&b, "2/2");
    let merged = dir.path().join("merged.sqlite").to_string_lossy().into_owned();
    ok(&["db", "merge", &a, &b, "-o", &merged]);
    let keys = |db: &str| {
        let mut k: Vec<_> = Database::open_read_only(db)
            .unwrap()
            .all_runs()
            .unwrap()
            .iter()
            .map(|r| (r.key.clone(), r.val_acc.to_bits()))
            .collect();
        k.sort();
        k
    };
    assert_eq!(keys(&merged), keys(&whole));
    let csv_dir = dir.path().join("csv");
    ok(&["db", "export", "--db", &merged, "--csv", csv_dir.to_str().unwrap()]);
    let runs_csv = std::fs::read_to_string(csv_dir.join("runs.csv")).unwrap();
    assert_eq!(runs_csv.lines().count(), 1 + 6);
    assert!(runs_csv.lines().next().unwrap().contains(",u32"));
}

trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}

impl TapMkdir for std::path::PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}
