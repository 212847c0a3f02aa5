//! The SQL schema, its version, and opening a file safely.
//!
//! A file is checked before anything is written to it: a file that is not SQLite, an SQLite
//! database of another program, or an archrank database of another schema version is refused
//! with a typed error and left untouched. Nothing is ever migrated silently.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::error::{DatabaseError, Result, SqlContext};

/// The schema version this build reads and writes (`PRAGMA user_version`). Version 2 added
/// `tasks.plan`, how a task's CSV columns were read; `archrank db migrate` upgrades a version-1
/// file in place.
pub const SCHEMA_VERSION: i64 = 2;

/// How long a statement waits for another process's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The tables of schema version 2.
const CREATE_TABLES: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    name        TEXT UNIQUE NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('numeric', 'text')),
    "rows"      INTEGER NOT NULL,
    features    INTEGER NOT NULL,
    classes     INTEGER NOT NULL,
    class_names TEXT NOT NULL,
    data        BLOB NOT NULL,
    sha256      TEXT NOT NULL,
    split_seed  INTEGER NOT NULL,
    added_unix  INTEGER NOT NULL,
    plan        TEXT
);
CREATE TABLE runs (
    id                INTEGER PRIMARY KEY,
    task_id           INTEGER NOT NULL REFERENCES tasks (id),
    preset            TEXT NOT NULL,
    plan_seed         INTEGER NOT NULL,
    arch_index        INTEGER NOT NULL,
    child_seed        INTEGER NOT NULL,
    purpose           TEXT NOT NULL CHECK (purpose IN ('population', 'noise')),
    arch              BLOB NOT NULL,
    val_acc           REAL,
    test_acc          REAL,
    val_balanced_acc  REAL,
    test_balanced_acc REAL,
    val_xent          REAL,
    epochs            INTEGER NOT NULL,
    steps             INTEGER NOT NULL,
    train_rows        INTEGER NOT NULL,
    seconds           REAL NOT NULL,
    UNIQUE (task_id, preset, plan_seed, arch_index, child_seed, purpose)
);
CREATE INDEX runs_by_preset ON runs (preset, task_id);
"#;

/// How a file may be opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpenMode {
    /// Create the file and schema when missing.
    CreateOrOpen,
    /// The file must exist and be an archrank database.
    Existing,
    /// As `Existing`, without write access.
    ReadOnly,
}

/// Opens `path`, checking (and for a new file creating) the schema.
pub(crate) fn open(path: &Path, mode: OpenMode) -> Result<Connection> {
    if mode != OpenMode::CreateOrOpen && !path.exists() {
        return Err(DatabaseError::NotFound { path: path.to_path_buf() });
    }
    let flags = match mode {
        OpenMode::CreateOrOpen => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        OpenMode::Existing => OpenFlags::SQLITE_OPEN_READ_WRITE,
        OpenMode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).at(path)?;
    conn.busy_timeout(BUSY_TIMEOUT).at(path)?;
    // Reading the header first: a file that is not SQLite fails here, before any write.
    let version = user_version(&conn, path)?;
    if version == 0 {
        if table_count(&conn, path)? > 0 {
            return Err(DatabaseError::ForeignDatabase { path: path.to_path_buf() });
        }
        if mode != OpenMode::CreateOrOpen {
            return Err(schema_version_error(path, 0));
        }
    } else if version != SCHEMA_VERSION {
        return Err(schema_version_error(path, version));
    }
    if mode != OpenMode::ReadOnly {
        // WAL lets readers (fit, eval) work while a populate writes; FULL makes each committed
        // run survive a crash of the machine, not only of the process.
        let _mode: String =
            conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).at(path)?;
        conn.pragma_update(None, "synchronous", "FULL").at(path)?;
    }
    conn.pragma_update(None, "foreign_keys", "ON").at(path)?;
    if version == 0 {
        create_schema(&mut conn, path)?;
    }
    Ok(conn)
}

fn create_schema(conn: &mut Connection, path: &Path) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    // Another process may have created the schema while this one waited for the lock.
    match user_version(&tx, path)? {
        0 if table_count(&tx, path)? == 0 => {}
        0 => return Err(DatabaseError::ForeignDatabase { path: path.to_path_buf() }),
        SCHEMA_VERSION => return Ok(()),
        other => return Err(schema_version_error(path, other)),
    }
    tx.execute_batch(CREATE_TABLES).at(path)?;
    let now = super::unix_now().to_string();
    let created_by = format!("archrank {}", env!("CARGO_PKG_VERSION"));
    for (key, value) in [("created_unix", now.as_str()), ("created_by", created_by.as_str())] {
        tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", (key, value)).at(path)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION).at(path)?;
    tx.commit().at(path)
}

/// Upgrades the archrank database at `path` to [`SCHEMA_VERSION`] in one transaction and
/// returns the version it had. Version 1 gains `tasks.plan` (NULL for its tasks); nothing else
/// changes.
///
/// # Errors
/// [`DatabaseError::NotFound`], [`DatabaseError::ForeignDatabase`], or
/// [`DatabaseError::SchemaVersion`] for a version this build cannot upgrade; the file is then
/// untouched.
pub(crate) fn migrate(path: &Path) -> Result<i64> {
    if !path.exists() {
        return Err(DatabaseError::NotFound { path: path.to_path_buf() });
    }
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .at(path)?;
    conn.busy_timeout(BUSY_TIMEOUT).at(path)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    let found = user_version(&tx, path)?;
    match found {
        0 if table_count(&tx, path)? > 0 => {
            return Err(DatabaseError::ForeignDatabase { path: path.to_path_buf() });
        }
        1 => {
            tx.execute_batch("ALTER TABLE tasks ADD COLUMN plan TEXT;").at(path)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION).at(path)?;
        }
        SCHEMA_VERSION => {}
        other => return Err(schema_version_error(path, other)),
    }
    crate::crash_point::reached("db:before-commit");
    tx.commit().at(path)?;
    crate::crash_point::reached("db:committed");
    Ok(found)
}

fn user_version(conn: &Connection, path: &Path) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0)).at(path)
}

fn table_count(conn: &Connection, path: &Path) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0)).at(path)
}

fn schema_version_error(path: &Path, found: i64) -> DatabaseError {
    DatabaseError::SchemaVersion { path: path.to_path_buf(), expected: SCHEMA_VERSION, found }
}
