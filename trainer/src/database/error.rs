//! The database's error type.

use std::path::{Path, PathBuf};

/// Why a database operation failed. Every message names the database file.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    /// `open_existing` was given a path where no file exists.
    #[error("{}: no such database (use `create_or_open` to make a new one)", path.display())]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The file exists but is not an SQLite database.
    #[error("{}: not an SQLite database", path.display())]
    NotADatabase {
        /// The file.
        path: PathBuf,
    },
    /// The file is an SQLite database of some other program (schema version 0 with tables).
    #[error("{}: an SQLite database, but not an archrank one; refusing to touch it", path.display())]
    ForeignDatabase {
        /// The file.
        path: PathBuf,
    },
    /// The database was written with another schema version; it is never migrated silently.
    #[error(
        "{}: database schema version {found}, this archrank reads version {expected}{}",
        path.display(),
        if *found > 0 && found < expected {
            format!(" (upgrade it with `archrank db migrate --db {}`)", path.display())
        } else {
            String::new()
        }
    )]
    SchemaVersion {
        /// The file.
        path: PathBuf,
        /// The version this build reads and writes.
        expected: i64,
        /// The file's `PRAGMA user_version`.
        found: i64,
    },
    /// A task with this name is already in the database (or twice in one batch).
    #[error("{}: a task named `{name}` already exists; nothing was added", path.display())]
    DuplicateTask {
        /// The file.
        path: PathBuf,
        /// The task's name.
        name: String,
    },
    /// No task with this name.
    #[error("{}: no task named `{name}`", path.display())]
    UnknownTask {
        /// The file.
        path: PathBuf,
        /// The name asked for.
        name: String,
    },
    /// Merging found a task of the same name but different content; nothing was merged.
    #[error(
        "{}: task `{name}` in {} has different content from the task of that name here; \
         nothing was merged",
        path.display(),
        other.display()
    )]
    TaskConflict {
        /// The database merged into.
        path: PathBuf,
        /// The database merged from.
        other: PathBuf,
        /// The task's name.
        name: String,
    },
    /// Merging found a preset's runs trained by another engine; nothing was merged.
    #[error(
        "{}: the {preset} runs here were trained by the {here} engine, those of {} by the \
         {there} engine; nothing was merged (one database holds one engine's runs per preset)",
        path.display(),
        other.display()
    )]
    EngineConflict {
        /// The database merged into.
        path: PathBuf,
        /// The database merged from.
        other: PathBuf,
        /// The preset.
        preset: String,
        /// The engine of the runs here.
        here: String,
        /// The engine of the source's runs.
        there: String,
    },
    /// A task to add is inconsistent (labels out of range, wrong number of values, ...).
    #[error("{}: task `{name}` is invalid: {reason}", path.display())]
    InvalidTask {
        /// The file.
        path: PathBuf,
        /// The task's name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A run to insert is inconsistent (accuracy outside [0, 1], non-finite architecture, ...).
    #[error("{}: run {key} is invalid: {reason}", path.display())]
    InvalidRun {
        /// The file.
        path: PathBuf,
        /// The run's unique key, printed.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// A stored row cannot be decoded (the file was damaged or written by a broken build).
    #[error("{}: corrupt {what}: {reason}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Which row, e.g. "task `iris`" or "run 12".
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// Writing an export or reading a file failed.
    #[error("{}: {}", path.display(), source)]
    Io {
        /// The file being written or read.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// Writing a CSV export failed.
    #[error("{}: {}", path.display(), source)]
    Csv {
        /// The CSV file being written.
        path: PathBuf,
        /// What the CSV writer said.
        #[source]
        source: csv::Error,
    },
    /// Any other SQLite error (a locked database past the busy timeout, a full disk, ...).
    #[error("{}: SQLite: {}", path.display(), source)]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
}

/// Result of database operations.
pub type Result<T, E = DatabaseError> = std::result::Result<T, E>;

/// Attaches the database path to SQLite errors, recognising "not a database".
pub(crate) trait SqlContext<T> {
    /// The error with `path`.
    fn at(self, path: &Path) -> Result<T>;
}

impl<T> SqlContext<T> for rusqlite::Result<T> {
    fn at(self, path: &Path) -> Result<T> {
        self.map_err(|source| sql_error(path, source))
    }
}

/// An SQLite error as a [`DatabaseError`] naming `path`.
pub(crate) fn sql_error(path: &Path, source: rusqlite::Error) -> DatabaseError {
    let path = path.to_path_buf();
    match source.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => DatabaseError::NotADatabase { path },
        _ => DatabaseError::Sqlite { path, source },
    }
}
