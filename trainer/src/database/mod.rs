//! The experiment database: tasks, trained child runs and metadata in one SQLite file.
//!
//! The file is self-contained (tasks are stored with their data), versioned
//! ([`SCHEMA_VERSION`], refused rather than migrated when it differs) and crash-safe: every
//! write is one transaction, each finished run commits on its own, and the unique key of a run
//! makes re-inserting it a no-op, so a killed populate restarts where it stopped. WAL mode lets
//! readers work while a populate writes. All SQL of the trainer lives in this module.

mod codec;
mod error;
mod export;
mod merge;
mod records;
mod runs;
mod schema;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use archrank_core::PresetId;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

pub use error::{DatabaseError, Result};
pub use records::{ExportReport, MergeReport, Purpose, RunKey, RunRecord, TaskId, TaskSummary};
pub use schema::SCHEMA_VERSION;

use crate::task::column_plan::ColumnPlan;
use crate::task::split::stratified_split;
use crate::task::task_csv::CsvTask;
use crate::task::{Split, Task, TaskKind};
use error::SqlContext;

/// An open experiment database.
#[derive(Debug)]
pub struct Database {
    conn: Connection,
    path: PathBuf,
}

/// A task row as stored, without decoding its data.
#[derive(Clone, Debug)]
pub(crate) struct StoredTask {
    id: i64,
    name: String,
    kind: String,
    rows: i64,
    features: i64,
    classes: i64,
    class_names: String,
    data: Vec<u8>,
    sha256: String,
    split_seed: i64,
    added_unix: i64,
    /// How the task's CSV columns were read (JSON of a `ColumnPlan`), when known.
    plan: Option<String>,
}

impl Database {
    /// Opens the archrank database at `path`, creating the file and schema if there is no file.
    ///
    /// # Errors
    ///
    /// [`DatabaseError::NotADatabase`], [`DatabaseError::ForeignDatabase`] or
    /// [`DatabaseError::SchemaVersion`] for a file that is not an archrank database of this
    /// version (the file is not modified), or an SQLite error.
    pub fn create_or_open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let conn = schema::open(path, schema::OpenMode::CreateOrOpen)?;
        Ok(Self { conn, path: path.to_path_buf() })
    }

    /// Opens an existing archrank database for reading and writing.
    ///
    /// # Errors
    ///
    /// [`DatabaseError::NotFound`] if there is no file, otherwise as [`Self::create_or_open`].
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let conn = schema::open(path, schema::OpenMode::Existing)?;
        Ok(Self { conn, path: path.to_path_buf() })
    }

    /// Opens an existing archrank database for reading only.
    ///
    /// # Errors
    ///
    /// As [`Self::open_existing`].
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let conn = schema::open(path, schema::OpenMode::ReadOnly)?;
        Ok(Self { conn, path: path.to_path_buf() })
    }

    /// Upgrades the database at `path` to [`SCHEMA_VERSION`] (explicitly: opening never
    /// migrates) and returns the version it had.
    ///
    /// # Errors
    ///
    /// [`DatabaseError::NotFound`], [`DatabaseError::ForeignDatabase`] or
    /// [`DatabaseError::SchemaVersion`] for a file this build cannot upgrade (left untouched).
    pub fn migrate(path: impl AsRef<Path>) -> Result<i64> {
        schema::migrate(path.as_ref())
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds `tasks` in one transaction: either all are added or none.
    ///
    /// Each task's split seed is derived from its content hash, so a task splits the same way in
    /// every database.
    ///
    /// # Errors
    ///
    /// [`DatabaseError::DuplicateTask`] if a name is already stored or repeated in `tasks`,
    /// [`DatabaseError::InvalidTask`] for an inconsistent task; nothing is written then.
    pub fn add_tasks(&mut self, tasks: &[Task]) -> Result<Vec<TaskId>> {
        let planned: Vec<(&Task, Option<&ColumnPlan>)> = tasks.iter().map(|t| (t, None)).collect();
        self.add_planned_tasks(&planned)
    }

    /// As [`Self::add_tasks`], for tasks read from CSV files: each is stored with its column
    /// plan, so every later use knows how the file was read.
    ///
    /// # Errors
    ///
    /// As [`Self::add_tasks`].
    pub fn add_csv_tasks(&mut self, tasks: &[CsvTask]) -> Result<Vec<TaskId>> {
        let planned: Vec<(&Task, Option<&ColumnPlan>)> =
            tasks.iter().map(|t| (&t.task, Some(&t.plan))).collect();
        self.add_planned_tasks(&planned)
    }

    fn add_planned_tasks(&mut self, tasks: &[(&Task, Option<&ColumnPlan>)]) -> Result<Vec<TaskId>> {
        let mut rows = Vec::with_capacity(tasks.len());
        let mut names = HashSet::new();
        for (task, plan) in tasks {
            if !names.insert(task.name.as_str()) {
                return Err(self.duplicate(&task.name));
            }
            let mut row = self.stored_task(task)?;
            row.plan = plan.map(serde_json::to_string).transpose().map_err(|e| {
                DatabaseError::InvalidTask {
                    path: self.path.clone(),
                    name: task.name.clone(),
                    reason: e.to_string(),
                }
            })?;
            rows.push(row);
        }
        let path = self.path.clone();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).at(&path)?;
        let mut ids = Vec::with_capacity(rows.len());
        for row in &rows {
            if task_id(&tx, &row.name).at(&path)?.is_some() {
                return Err(DatabaseError::DuplicateTask { path, name: row.name.clone() });
            }
            ids.push(insert_task_row(&tx, row).at(&path)?);
        }
        crate::crash_point::reached("db:before-commit");
        tx.commit().at(&path)?;
        crate::crash_point::reached("db:committed");
        Ok(ids)
    }

    /// Every stored task, by name.
    ///
    /// # Errors
    ///
    /// An SQLite error, or [`DatabaseError::Corrupt`] for an undecodable row.
    pub fn list_tasks(&self) -> Result<Vec<TaskSummary>> {
        self.query_tasks(false)?
            .into_iter()
            .map(|t| {
                let corrupt = |reason: String| self.corrupt(format!("task `{}`", t.name), reason);
                let kind = match t.kind.as_str() {
                    "numeric" => TaskKind::Numeric,
                    "text" => TaskKind::Text,
                    other => return Err(corrupt(format!("kind {other:?}"))),
                };
                let class_names: Vec<String> = serde_json::from_str(&t.class_names)
                    .map_err(|e| corrupt(format!("class names: {e}")))?;
                let count = |v: i64| usize::try_from(v).map_err(|_| corrupt(format!("count {v}")));
                let plan = t
                    .plan
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| corrupt(format!("column plan: {e}")))?;
                Ok(TaskSummary {
                    plan,
                    id: TaskId(t.id),
                    kind,
                    rows: count(t.rows)?,
                    features: count(t.features)?,
                    classes: count(t.classes)?,
                    class_names,
                    split_seed: from_sql_u64(t.split_seed),
                    added_unix: t.added_unix,
                    sha256: t.sha256,
                    name: t.name,
                })
            })
            .collect()
    }

    /// Every task row by name, with its data blob only when `with_data` (listing does not need
    /// the blobs, which hold every row of every task).
    fn query_tasks(&self, with_data: bool) -> Result<Vec<StoredTask>> {
        let data = if with_data { "data" } else { "NULL" };
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT id, name, kind, \"rows\", features, classes, class_names, sha256, \
                 split_seed, added_unix, {data}, plan FROM tasks ORDER BY name"
            ))
            .at(&self.path)?;
        stmt.query_map([], |row| {
            Ok(StoredTask {
                id: row.get(0)?,
                name: row.get(1)?,
                kind: row.get(2)?,
                rows: row.get(3)?,
                features: row.get(4)?,
                classes: row.get(5)?,
                class_names: row.get(6)?,
                sha256: row.get(7)?,
                split_seed: row.get(8)?,
                added_unix: row.get(9)?,
                data: row.get::<_, Option<Vec<u8>>>(10)?.unwrap_or_default(),
                plan: row.get(11)?,
            })
        })
        .at(&self.path)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .at(&self.path)
    }

    /// The stored task `name`.
    ///
    /// # Errors
    ///
    /// [`DatabaseError::UnknownTask`], or [`DatabaseError::Corrupt`] if its data is unreadable.
    pub fn load_task(&self, name: &str) -> Result<Task> {
        let data: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT data FROM tasks WHERE name = ?1", [name], |row| row.get(0))
            .optional()
            .at(&self.path)?;
        let data = data.ok_or_else(|| self.unknown(name))?;
        codec::decode_task(name, &data)
            .map_err(|reason| self.corrupt(format!("task `{name}`"), reason))
    }

    /// The train/validation/test split of task `name`, from its stored split seed.
    ///
    /// # Errors
    ///
    /// As [`Self::load_task`].
    pub fn task_split(&self, name: &str) -> Result<(Task, Split)> {
        let task = self.load_task(name)?;
        let seed: i64 = self
            .conn
            .query_row("SELECT split_seed FROM tasks WHERE name = ?1", [name], |row| row.get(0))
            .at(&self.path)?;
        let split = stratified_split(&task.labels, task.classes(), from_sql_u64(seed));
        Ok((task, split))
    }

    /// Whether the database holds any run of `preset`.
    ///
    /// # Errors
    ///
    /// An SQLite error.
    pub fn has_runs(&self, preset: PresetId) -> Result<bool> {
        has_runs(&self.conn, preset).at(&self.path)
    }

    /// The name of the engine that trained this database's runs of `preset` (`trainer` or
    /// `core`): the one recorded by [`Self::set_run_engine`], else `trainer`, the only engine
    /// before engines were recorded.
    ///
    /// # Errors
    ///
    /// An SQLite error.
    pub fn run_engine(&self, preset: PresetId) -> Result<String> {
        Ok(self.meta(&run_engine_key(preset))?.unwrap_or_else(|| LEGACY_ENGINE.to_owned()))
    }

    /// Records `engine` as the engine of this database's runs of `preset`.
    ///
    /// # Errors
    ///
    /// An SQLite error.
    pub fn set_run_engine(&self, preset: PresetId, engine: &str) -> Result<()> {
        self.set_meta(&run_engine_key(preset), engine)
    }

    /// The metadata value stored under `key`, if any.
    ///
    /// # Errors
    ///
    /// An SQLite error.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        read_meta(&self.conn, key).at(&self.path)
    }

    /// Stores `value` under the metadata `key`, replacing any previous value.
    ///
    /// # Errors
    ///
    /// An SQLite error.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        write_meta(&self.conn, key, value).at(&self.path)
    }

    /// The stored form of `task`, or why it cannot be stored.
    fn stored_task(&self, task: &Task) -> Result<StoredTask> {
        let invalid = |reason: String| DatabaseError::InvalidTask {
            path: self.path.clone(),
            name: task.name.clone(),
            reason,
        };
        if let Some(reason) = codec::task_problem(task) {
            return Err(invalid(reason));
        }
        let (data, sha256) = codec::encode_task(task).map_err(|e| invalid(e.to_string()))?;
        let class_names =
            serde_json::to_string(&task.class_names).map_err(|e| invalid(e.to_string()))?;
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        Ok(StoredTask {
            id: 0,
            name: task.name.clone(),
            kind: task.kind().name().to_owned(),
            rows: count(task.rows()),
            features: count(task.feature_count()),
            classes: count(task.classes()),
            class_names,
            split_seed: to_sql_u64(codec::split_seed_from_hash(&sha256)),
            sha256,
            data,
            added_unix: i64::try_from(unix_now()).unwrap_or(i64::MAX),
            plan: None,
        })
    }

    fn duplicate(&self, name: &str) -> DatabaseError {
        DatabaseError::DuplicateTask { path: self.path.clone(), name: name.to_owned() }
    }

    fn unknown(&self, name: &str) -> DatabaseError {
        DatabaseError::UnknownTask { path: self.path.clone(), name: name.to_owned() }
    }

    fn corrupt(&self, what: String, reason: String) -> DatabaseError {
        DatabaseError::Corrupt { path: self.path.clone(), what, reason }
    }
}

/// The id of task `name`, if stored.
fn task_id(conn: &Connection, name: &str) -> rusqlite::Result<Option<TaskId>> {
    conn.prepare_cached("SELECT id FROM tasks WHERE name = ?1")?
        .query_row([name], |row| row.get(0))
        .optional()
        .map(|id| id.map(TaskId))
}

fn insert_task_row(conn: &Connection, t: &StoredTask) -> rusqlite::Result<TaskId> {
    conn.prepare_cached(
        "INSERT INTO tasks (name, kind, \"rows\", features, classes, class_names, data, sha256, \
         split_seed, added_unix, plan) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(rusqlite::params![
        t.name,
        t.kind,
        t.rows,
        t.features,
        t.classes,
        t.class_names,
        t.data,
        t.sha256,
        t.split_seed,
        t.added_unix,
        t.plan
    ])?;
    Ok(TaskId(conn.last_insert_rowid()))
}

/// Seeds are u64; SQLite integers are i64: stored bit-for-bit so that large seeds survive.
#[allow(clippy::cast_possible_wrap)]
const fn to_sql_u64(x: u64) -> i64 {
    x as i64
}

/// Inverse of [`to_sql_u64`].
#[allow(clippy::cast_sign_loss)]
const fn from_sql_u64(x: i64) -> u64 {
    x as u64
}

/// Seconds since the Unix epoch (0 if the clock is before it): the trainer's one clock for
/// timestamps (tasks added, weights files written).
#[must_use]
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The split a database gives `task` when it is added (its seed comes from the task's content),
/// so a task read from a CSV splits as it would in any database.
///
/// # Errors
/// A task the stored form cannot encode.
pub fn split_of(task: &Task) -> Result<Split> {
    let sha256 = codec::task_sha256(task).map_err(|e| DatabaseError::InvalidTask {
        path: PathBuf::from("(not stored)"),
        name: task.name.clone(),
        reason: e.to_string(),
    })?;
    Ok(stratified_split(&task.labels, task.classes(), codec::split_seed_from_hash(&sha256)))
}

/// The engine of runs whose database recorded none.
pub(crate) const LEGACY_ENGINE: &str = "trainer";

/// The metadata key naming the engine of a database's runs of `preset`.
pub(crate) fn run_engine_key(preset: PresetId) -> String {
    format!("child_engine.{}", preset.name())
}

/// The metadata value stored under `key` in `conn` (a database or one of its transactions).
/// Whether `conn`'s database holds any run of `preset`.
pub(crate) fn has_runs(conn: &Connection, preset: PresetId) -> rusqlite::Result<bool> {
    conn.query_row("SELECT 1 FROM runs WHERE preset = ?1 LIMIT 1", [preset.name()], |_| Ok(()))
        .optional()
        .map(|row| row.is_some())
}

pub(crate) fn read_meta(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get(0)).optional()
}

/// Stores `value` under the metadata `key` in `conn`, replacing any previous value.
pub(crate) fn write_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
    .map(|_| ())
}
