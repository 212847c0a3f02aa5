#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use archrank_core::PresetId;

use super::runs::insert_run_row;
use super::*;
use crate::task::Features;

fn numeric_task(name: &str, rows: usize, shift: f32) -> Task {
    Task {
        name: name.into(),
        class_names: vec!["a".into(), "b".into(), "c".into()],
        labels: (0..rows).map(|i| (i % 3) as u32).collect(),
        features: Features::Numeric {
            columns: vec!["x".into(), "y".into()],
            values: (0..rows * 2).map(|i| i as f32 * 0.5 + shift).collect(),
        },
    }
}

fn text_task(name: &str) -> Task {
    Task {
        name: name.into(),
        class_names: vec!["spam".into(), "ham".into()],
        labels: (0..12).map(|i| u32::from(i % 4 == 0)).collect(),
        features: Features::Text((0..12).map(|i| format!("message \"{i}\", ünïcode")).collect()),
    }
}

fn run(task: &str, arch_index: u32, child_seed: u64) -> RunRecord {
    RunRecord {
        key: RunKey {
            task: task.into(),
            preset: PresetId::Paper,
            plan_seed: u64::MAX - 1,
            arch_index,
            child_seed,
            purpose: Purpose::Population,
        },
        arch: arch(PresetId::Paper, &[0.25, -1.5, f32::MIN_POSITIVE, arch_index as f32]),
        val_acc: 0.5 + f64::from(arch_index) * 0.01,
        test_acc: 0.75,
        val_balanced_acc: 0.5,
        test_balanced_acc: 0.7,
        val_xent: 0.69,
        epochs: 12,
        steps: 340,
        train_rows: 120,
        seconds: 1.25,
    }
}

/// An architecture vector of `preset`'s length that starts with `head`, zeros after.
fn arch(preset: PresetId, head: &[f32]) -> Vec<f32> {
    let mut u = vec![0.0; preset.layout().arch_dim()];
    u[..head.len()].copy_from_slice(head);
    u
}

fn new_db(dir: &Path, file: &str) -> Database {
    Database::create_or_open(dir.join(file)).unwrap()
}

#[test]
fn tasks_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = new_db(dir.path(), "db.sqlite");
    let tasks = [numeric_task("iris", 30, 0.0), text_task("sms")];
    let ids = db.add_tasks(&tasks).unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(db.load_task("iris").unwrap(), tasks[0]);
    assert_eq!(db.load_task("sms").unwrap(), tasks[1]);
    let list = db.list_tasks().unwrap();
    assert_eq!(list.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["iris", "sms"]);
    let iris = &list[0];
    assert_eq!((iris.kind, iris.rows, iris.features, iris.classes), (TaskKind::Numeric, 30, 2, 3));
    assert_eq!(iris.class_names, ["a", "b", "c"]);
    assert_eq!(iris.sha256.len(), 64);
    assert_eq!(iris.id, ids[0]);
    assert_eq!(list[1].kind, TaskKind::Text);
    assert_eq!(list[1].features, 0);
    // The split seed depends on the content only.
    let mut other = new_db(dir.path(), "other.sqlite");
    other.add_tasks(&[numeric_task("iris", 30, 0.0)]).unwrap();
    assert_eq!(other.list_tasks().unwrap()[0].split_seed, iris.split_seed);
    let (task, split) = db.task_split("iris").unwrap();
    assert_eq!(split, stratified_split(&task.labels, 3, iris.split_seed));
}

#[test]
fn duplicate_task_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = new_db(dir.path(), "db.sqlite");
    db.add_tasks(&[numeric_task("iris", 30, 0.0)]).unwrap();
    let e = db.add_tasks(&[text_task("sms"), numeric_task("iris", 30, 1.0)]).unwrap_err();
    assert!(matches!(e, DatabaseError::DuplicateTask { ref name, .. } if name == "iris"), "{e}");
    assert!(e.to_string().contains("`iris`"), "{e}");
    let e = db.add_tasks(&[text_task("sms"), text_task("sms")]).unwrap_err();
    assert!(matches!(e, DatabaseError::DuplicateTask { .. }));
    assert_eq!(db.list_tasks().unwrap().len(), 1, "the batch is all or nothing");
}

#[test]
fn invalid_task_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = new_db(dir.path(), "db.sqlite");
    let mut bad = numeric_task("bad", 30, 0.0);
    bad.labels[4] = 7;
    assert!(matches!(db.add_tasks(&[bad]).unwrap_err(), DatabaseError::InvalidTask { .. }));
    let mut bad = numeric_task("bad", 30, 0.0);
    if let Features::Numeric { values, .. } = &mut bad.features {
        values[3] = f32::NAN;
    }
    assert!(matches!(db.add_tasks(&[bad]).unwrap_err(), DatabaseError::InvalidTask { .. }));
}

#[test]
fn unknown_task() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_db(dir.path(), "db.sqlite");
    let e = db.load_task("nope").unwrap_err();
    assert!(matches!(e, DatabaseError::UnknownTask { .. }));
    assert!(e.to_string().contains("db.sqlite") && e.to_string().contains("`nope`"), "{e}");
    assert!(matches!(db.insert_run(&run("nope", 0, 1)), Err(DatabaseError::UnknownTask { .. })));
    assert!(matches!(
        db.runs_for_task("nope", PresetId::Paper),
        Err(DatabaseError::UnknownTask { .. })
    ));
}

#[test]
fn runs_insert_once_and_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = new_db(dir.path(), "db.sqlite");
    db.add_tasks(&[numeric_task("iris", 30, 0.0), text_task("sms")]).unwrap();
    let r = run("iris", 3, 1 << 63);
    assert!(db.insert_run(&r).unwrap());
    assert!(!db.insert_run(&RunRecord { val_acc: 0.1, ..r.clone() }).unwrap(), "key exists");
    let noise = RunRecord {
        key: RunKey { purpose: Purpose::Noise, ..r.key.clone() },
        val_xent: f64::NAN,
        ..r.clone()
    };
    assert!(db.insert_run(&noise).unwrap(), "purpose is part of the key");
    assert!(db.insert_run(&run("iris", 1, 5)).unwrap());
    assert!(db.insert_run(&run("sms", 1, 5)).unwrap());
    let runs = db.runs_for_task("iris", PresetId::Paper).unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0], run("iris", 1, 5));
    assert_eq!(runs[1], r, "the first stored run is kept");
    assert!(runs[2].val_xent.is_nan());
    assert_eq!(runs[2].key.purpose, Purpose::Noise);
    assert!(db.runs_for_task("iris", PresetId::Tiny).unwrap().is_empty());
    let keys = db.completed_keys(PresetId::Paper).unwrap();
    assert_eq!(keys.len(), 4);
    assert!(keys.contains(&r.key) && keys.contains(&noise.key));
    assert!(db.completed_keys(PresetId::Tiny).unwrap().is_empty());
    assert_eq!(db.all_runs().unwrap().len(), 4);
}

#[test]
fn invalid_run_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = new_db(dir.path(), "db.sqlite");
    db.add_tasks(&[numeric_task("iris", 30, 0.0)]).unwrap();
    let bad = [
        RunRecord { val_acc: 1.5, ..run("iris", 0, 0) },
        RunRecord { test_acc: f64::NAN, ..run("iris", 0, 0) },
        RunRecord { arch: arch(PresetId::Paper, &[1.0, f32::INFINITY]), ..run("iris", 0, 0) },
        RunRecord { seconds: -1.0, ..run("iris", 0, 0) },
    ];
    for r in &bad {
        let e = db.insert_run(r).unwrap_err();
        assert!(matches!(e, DatabaseError::InvalidRun { .. }), "{e}");
    }
    assert!(db.all_runs().unwrap().is_empty());
}

#[test]
fn reopen_keeps_everything_and_meta() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    {
        let mut db = Database::create_or_open(&path).unwrap();
        db.add_tasks(&[numeric_task("iris", 30, 0.0)]).unwrap();
        db.insert_run(&run("iris", 0, 0)).unwrap();
        db.set_meta("populate_seed", "7").unwrap();
        db.set_meta("populate_seed", "8").unwrap();
    }
    let db = Database::open_existing(&path).unwrap();
    assert_eq!(db.meta("populate_seed").unwrap().as_deref(), Some("8"));
    assert!(db.meta("created_unix").unwrap().is_some());
    assert_eq!(db.meta("missing").unwrap(), None);
    assert_eq!(db.all_runs().unwrap().len(), 1);
    let again = Database::create_or_open(&path).unwrap();
    assert_eq!(again.list_tasks().unwrap().len(), 1);
    let reader = Database::open_read_only(&path).unwrap();
    assert_eq!(reader.list_tasks().unwrap().len(), 1);
}

#[test]
fn readers_work_while_a_writer_holds_a_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let mut writer = Database::create_or_open(&path).unwrap();
    writer.add_tasks(&[numeric_task("iris", 30, 0.0)]).unwrap();
    writer.conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    insert_run_row(&writer.conn, TaskId(1), &run("iris", 0, 0)).unwrap();
    let reader = Database::open_read_only(&path).unwrap();
    assert_eq!(reader.list_tasks().unwrap().len(), 1);
    assert!(reader.all_runs().unwrap().is_empty(), "uncommitted run is invisible");
    writer.conn.execute_batch("COMMIT").unwrap();
    assert_eq!(reader.all_runs().unwrap().len(), 1);
}

#[test]
fn open_existing_refuses_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.sqlite");
    let e = Database::open_existing(&path).unwrap_err();
    assert!(matches!(e, DatabaseError::NotFound { .. }), "{e}");
    assert!(!path.exists(), "nothing created");
    assert!(matches!(Database::open_read_only(&path), Err(DatabaseError::NotFound { .. })));
}

#[test]
fn non_sqlite_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    let content = b"label,x\na,1\nthis is not a database, it is a text file of some length\n";
    std::fs::write(&path, content).unwrap();
    for result in [Database::create_or_open(&path), Database::open_existing(&path)] {
        let e = result.unwrap_err();
        assert!(matches!(e, DatabaseError::NotADatabase { .. }), "{e}");
        assert!(e.to_string().contains("notes.txt"), "{e}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), content);
}

#[test]
fn other_schema_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    drop(Database::create_or_open(&path).unwrap());
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 3).unwrap();
    }
    for result in [Database::create_or_open(&path), Database::open_existing(&path)] {
        let e = result.unwrap_err();
        assert!(matches!(e, DatabaseError::SchemaVersion { expected: 2, found: 3, .. }), "{e}");
    }
    assert!(Database::migrate(&path).is_err(), "a newer version is not downgraded");
    let conn = Connection::open(&path).unwrap();
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 3);
}

/// A version-1 database (as archrank 0.1 wrote them, before column plans): refused by name with
/// the command that upgrades it, upgraded by `migrate` with every task and run intact.
#[test]
fn version_one_is_refused_then_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let mut db = Database::create_or_open(&path).unwrap();
        db.add_tasks(&[numeric_task("iris", 30, 0.0), text_task("sms")]).unwrap();
        db.insert_run(&run("iris", 0, 0)).unwrap();
    }
    let before = Database::open_read_only(&path).unwrap().database_hash().unwrap();
    {
        // Back to the version-1 layout: no `plan` column.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("ALTER TABLE tasks DROP COLUMN plan; PRAGMA user_version = 1;").unwrap();
    }
    let e = Database::open_read_only(&path).unwrap_err();
    assert!(matches!(e, DatabaseError::SchemaVersion { expected: 2, found: 1, .. }), "{e}");
    assert!(e.to_string().contains("archrank db migrate --db"), "{e}");
    assert_eq!(Database::migrate(&path).unwrap(), 1);
    assert_eq!(Database::migrate(&path).unwrap(), 2, "migrating twice changes nothing");
    let db = Database::open_read_only(&path).unwrap();
    assert_eq!(db.database_hash().unwrap(), before);
    assert!(db.list_tasks().unwrap().iter().all(|t| t.plan.is_none()));
}

#[test]
fn foreign_sqlite_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other_app.sqlite");
    Connection::open(&path).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
    let e = Database::create_or_open(&path).unwrap_err();
    assert!(matches!(e, DatabaseError::ForeignDatabase { .. }), "{e}");
    let conn = Connection::open(&path).unwrap();
    let tables: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 1, "no archrank table was added");
}

#[test]
fn merge_combines_shards_and_deduplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = new_db(dir.path(), "a.sqlite");
    a.add_tasks(&[numeric_task("iris", 30, 0.0)]).unwrap();
    a.insert_run(&run("iris", 0, 0)).unwrap();
    a.insert_run(&run("iris", 1, 0)).unwrap();
    let mut b = new_db(dir.path(), "b.sqlite");
    b.add_tasks(&[text_task("sms"), numeric_task("iris", 30, 0.0)]).unwrap();
    b.insert_run(&run("iris", 1, 0)).unwrap();
    b.insert_run(&run("sms", 2, 0)).unwrap();

    let mut merged = new_db(dir.path(), "merged.sqlite");
    let report = merged.merge_from(&[a.path(), b.path()]).unwrap();
    assert_eq!(
        report,
        MergeReport { tasks_added: 2, tasks_matched: 1, runs_added: 3, runs_skipped: 1 }
    );
    assert_eq!(merged.load_task("sms").unwrap(), text_task("sms"));
    assert_eq!(merged.all_runs().unwrap().len(), 3);
    // Merging again changes nothing; the digest ignores merge order.
    let again = merged.merge_from(&[b.path()]).unwrap();
    assert_eq!(again.runs_added, 0);
    let mut reversed = new_db(dir.path(), "reversed.sqlite");
    reversed.merge_from(&[b.path(), a.path()]).unwrap();
    assert_eq!(merged.database_hash().unwrap(), reversed.database_hash().unwrap());
    assert_ne!(merged.database_hash().unwrap(), a.database_hash().unwrap());
}

#[test]
fn merge_conflict_merges_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = new_db(dir.path(), "a.sqlite");
    a.add_tasks(&[text_task("sms"), numeric_task("iris", 30, 0.0)]).unwrap();
    a.insert_run(&run("sms", 0, 0)).unwrap();
    let mut b = new_db(dir.path(), "b.sqlite");
    b.add_tasks(&[numeric_task("iris", 30, 9.0)]).unwrap();
    let e = b.merge_from(&[a.path()]).unwrap_err();
    assert!(matches!(e, DatabaseError::TaskConflict { ref name, .. } if name == "iris"), "{e}");
    assert!(e.to_string().contains("a.sqlite"), "{e}");
    assert_eq!(b.list_tasks().unwrap().len(), 1, "the sms task was not merged either");
    assert!(b.all_runs().unwrap().is_empty());
    let missing = dir.path().join("missing.sqlite");
    assert!(matches!(b.merge_from(&[&missing]), Err(DatabaseError::NotFound { .. })));
}

#[test]
fn export_writes_tasks_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = new_db(dir.path(), "db.sqlite");
    db.add_tasks(&[numeric_task("iris", 30, 0.0), text_task("sms")]).unwrap();
    db.insert_run(&run("iris", 0, 0)).unwrap();
    let mut tiny = RunRecord { arch: arch(PresetId::Tiny, &[0.5, 0.25]), ..run("sms", 1, 0) };
    tiny.key.preset = PresetId::Tiny;
    db.insert_run(&tiny).unwrap();
    let out = dir.path().join("export");
    let report = db.export_csv(&out).unwrap();
    assert_eq!(report, ExportReport { tasks: 2, runs: 2, arch_columns: 105 });
    let mut tasks = csv::Reader::from_path(out.join("tasks.csv")).unwrap();
    assert_eq!(&tasks.headers().unwrap()[1], "name");
    assert_eq!(tasks.records().count(), 2);
    let mut runs = csv::Reader::from_path(out.join("runs.csv")).unwrap();
    let header = runs.headers().unwrap().clone();
    assert_eq!(header.iter().next_back(), Some("u104"));
    let rows: Vec<csv::StringRecord> = runs.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("task")], "iris");
    assert_eq!(&rows[0][col("plan_seed")], (u64::MAX - 1).to_string());
    assert_eq!(&rows[0][col("u1")], "-1.5");
    assert_eq!(&rows[1][col("u34")], "0");
    assert_eq!(&rows[1][col("u35")], "", "shorter architectures are padded");
    assert!(!out.join("runs.csv.tmp").exists());
}

#[test]
fn corrupt_task_blob_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = new_db(dir.path(), "db.sqlite");
    db.add_tasks(&[numeric_task("iris", 30, 0.0)]).unwrap();
    db.conn.execute("UPDATE tasks SET data = x'41525453' WHERE name = 'iris'", []).unwrap();
    let e = db.load_task("iris").unwrap_err();
    assert!(matches!(e, DatabaseError::Corrupt { .. }), "{e}");
}

#[test]
fn runs_of_another_layout_are_refused_on_the_way_in_and_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = new_db(dir.path(), "db.sqlite");
    db.add_tasks(&[numeric_task("iris", 30, 0.0)]).unwrap();
    let mut old = run("iris", 0, 0);
    old.key.preset = PresetId::Tiny;
    old.arch = vec![0.0; 33];
    let e = db.insert_run(&old).unwrap_err().to_string();
    assert!(e.contains("33 values") && e.contains("tiny preset has 35"), "{e}");
    // A database populated before tiny had five modules: its runs are refused when read, saying
    // why, instead of being fitted on shifted columns.
    old.arch = vec![0.0; 35];
    db.insert_run(&old).unwrap();
    db.conn.execute("UPDATE runs SET arch = substr(arch, 1, 132)", []).unwrap();
    let e = db.all_runs().unwrap_err();
    assert!(matches!(e, DatabaseError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("populate a new database"), "{e}");
    // A populate asks for the completed keys first: refused there, before it trains anything.
    let e = db.completed_keys(PresetId::Tiny).unwrap_err().to_string();
    assert!(e.contains("33 values") && e.contains("populate a new database"), "{e}");
    assert!(db.completed_keys(PresetId::Paper).unwrap().is_empty());
}

/// Stores every bundled task and reads it back (`$ARCHRANK_TASKS_DIR`, by default
/// `shared/data/tasks` beside the repository).
#[test]
#[ignore = "reads every task file of the shared pool"]
fn all_bundled_tasks_round_trip() {
    let tasks_dir = std::env::var_os("ARCHRANK_TASKS_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/tasks"),
        std::path::PathBuf::from,
    );
    let mut tasks = Vec::new();
    for entry in std::fs::read_dir(&tasks_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            tasks.push(
                crate::task::task_csv::read_task_csv(&path, &name, &Default::default())
                    .unwrap()
                    .task,
            );
        }
    }
    let manifest = std::fs::read_to_string(tasks_dir.join("MANIFEST.tsv")).unwrap();
    assert_eq!(tasks.len(), manifest.lines().skip(1).count(), "one CSV per manifest row");
    let dir = tempfile::tempdir().unwrap();
    let start = std::time::Instant::now();
    let mut db = new_db(dir.path(), "db.sqlite");
    db.add_tasks(&tasks).unwrap();
    eprintln!("added {} tasks in {:.1?}", tasks.len(), start.elapsed());
    let start = std::time::Instant::now();
    for task in &tasks {
        assert_eq!(&db.load_task(&task.name).unwrap(), task);
    }
    eprintln!("loaded {} tasks in {:.1?}", tasks.len(), start.elapsed());
    let size = std::fs::metadata(db.path()).unwrap().len()
        + std::fs::metadata(dir.path().join("db.sqlite-wal")).map_or(0, |m| m.len());
    eprintln!("database + WAL: {:.1} MiB", size as f64 / 1048576.0);
}

#[test]
fn column_plans_are_stored_and_merged() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("colour,x,label\n");
    for i in 0..12 {
        text.push_str(&format!("{},{},{}\n", ["red", "blue", ""][i % 3], i, ["a", "b"][i % 2]));
    }
    let read =
        crate::task::task_csv::read_task_text(&text, "t.csv", "t", &Default::default()).unwrap();
    let shard = dir.path().join("shard.sqlite");
    Database::create_or_open(&shard).unwrap().add_csv_tasks(std::slice::from_ref(&read)).unwrap();
    let mut merged = Database::create_or_open(dir.path().join("all.sqlite")).unwrap();
    merged.merge_from(&[&shard]).unwrap();
    for db in [Database::open_read_only(&shard).unwrap(), merged] {
        let tasks = db.list_tasks().unwrap();
        assert_eq!(tasks[0].plan.as_ref(), Some(&read.plan));
    }
}

#[test]
fn merge_refuses_runs_of_another_engine_and_carries_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = new_db(dir.path(), "core.sqlite");
    core.add_tasks(&[numeric_task("iris", 30, 0.0)]).unwrap();
    core.insert_run(&run("iris", 0, 0)).unwrap();
    core.set_run_engine(PresetId::Paper, "core").unwrap();
    // A database from before engines were recorded: its runs are the trainer's.
    let mut legacy = new_db(dir.path(), "legacy.sqlite");
    legacy.add_tasks(&[numeric_task("iris", 30, 0.0)]).unwrap();
    legacy.insert_run(&run("iris", 1, 0)).unwrap();
    assert_eq!(legacy.run_engine(PresetId::Paper).unwrap(), "trainer");

    let e = legacy.merge_from(&[core.path()]).unwrap_err();
    assert!(
        matches!(e, DatabaseError::EngineConflict { ref here, ref there, .. } if here == "trainer" && there == "core"),
        "{e}"
    );
    assert!(e.to_string().contains("core.sqlite"), "{e}");
    assert_eq!(legacy.all_runs().unwrap().len(), 1, "nothing was merged");

    let mut empty = new_db(dir.path(), "empty.sqlite");
    empty.merge_from(&[core.path()]).unwrap();
    assert_eq!(empty.run_engine(PresetId::Paper).unwrap(), "core", "the engine came along");
    assert!(empty.merge_from(&[legacy.path()]).is_err(), "and is kept to");
}
