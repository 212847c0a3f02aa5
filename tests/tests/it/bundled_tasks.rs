//! The bundled CSVs read, with the default options, to exactly the tasks stored in the bundled
//! database: the same content hash (SHA-256 of the stored form), so the CSV reader's typing,
//! missing values and dialects leave today's tasks byte for byte as they were.

use std::path::PathBuf;

use archrank_trainer::database::Database;
use archrank_trainer::task::task_csv::{CsvOptions, read_task_csv};

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data")
}

#[test]
fn bundled_csvs_read_to_the_stored_tasks() {
    let bundled = Database::open_read_only(data().join("default.sqlite")).unwrap();
    let stored = bundled.list_tasks().unwrap();
    let mut tasks = Vec::new();
    for info in &stored {
        let path = data().join("tasks").join(format!("{}.csv", info.name));
        let read = read_task_csv(&path, &info.name, &CsvOptions::default()).unwrap();
        assert_eq!(read.plan.dropped_rows, 0, "{}", info.name);
        tasks.push(read.task);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Database::create_or_open(dir.path().join("db.sqlite")).unwrap();
    fresh.add_tasks(&tasks).unwrap();
    let again = fresh.list_tasks().unwrap();
    assert_eq!(again.len(), stored.len());
    for (a, b) in again.iter().zip(&stored) {
        assert_eq!((&a.name, &a.sha256), (&b.name, &b.sha256), "{} reads differently", b.name);
    }
}
