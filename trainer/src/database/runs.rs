//! Storing and reading the runs: one trained child each, unique by its key.

use std::collections::HashSet;

use archrank_core::PresetId;
use rusqlite::{Connection, OptionalExtension, Row};

use super::error::{DatabaseError, Result, SqlContext};
use super::{
    Database, Purpose, RunKey, RunRecord, TaskId, codec, from_sql_u64, task_id, to_sql_u64,
};

impl Database {
    /// Stores `run` in its own transaction; `false` if a run with its key was already stored
    /// (the stored one is kept).
    ///
    /// # Errors
    ///
    /// [`DatabaseError::UnknownTask`] if its task is not stored, [`DatabaseError::InvalidRun`]
    /// for accuracies outside [0, 1] or a non-finite architecture or time.
    pub fn insert_run(&self, run: &RunRecord) -> Result<bool> {
        if let Some(reason) = run_problem(run) {
            return Err(DatabaseError::InvalidRun {
                path: self.path.clone(),
                key: run.key.to_string(),
                reason,
            });
        }
        let id = task_id(&self.conn, &run.key.task)
            .at(&self.path)?
            .ok_or_else(|| self.unknown(&run.key.task))?;
        crate::crash_point::reached("db:before-commit");
        let stored = insert_run_row(&self.conn, id, run).at(&self.path)?;
        crate::crash_point::reached("db:committed");
        Ok(stored)
    }

    /// The runs of task `task` with preset `preset`, ordered by purpose, plan seed, architecture
    /// index and child seed.
    ///
    /// # Errors
    ///
    /// [`DatabaseError::UnknownTask`], an SQLite error, or [`DatabaseError::Corrupt`].
    pub fn runs_for_task(&self, task: &str, preset: PresetId) -> Result<Vec<RunRecord>> {
        let id = task_id(&self.conn, task).at(&self.path)?.ok_or_else(|| self.unknown(task))?;
        self.query_runs("WHERE r.task_id = ?1 AND r.preset = ?2", (id.0, preset.name()))
    }

    /// Every run, ordered by task name, preset, purpose, plan seed, architecture index and child
    /// seed.
    ///
    /// # Errors
    ///
    /// An SQLite error, or [`DatabaseError::Corrupt`].
    pub fn all_runs(&self) -> Result<Vec<RunRecord>> {
        self.query_runs("", [])
    }

    /// The keys of every stored run of `preset`, for a resumable populate to skip.
    ///
    /// # Errors
    ///
    /// An SQLite error, or [`DatabaseError::Corrupt`], also for runs of another layout of the
    /// preset (a populate would otherwise skip their keys and add runs no fit can read with them).
    pub fn completed_keys(&self, preset: PresetId) -> Result<HashSet<RunKey>> {
        self.check_layout(preset)?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT t.name, r.plan_seed, r.arch_index, r.child_seed, r.purpose, r.id \
                 FROM runs r JOIN tasks t ON t.id = r.task_id WHERE r.preset = ?1",
            )
            .at(&self.path)?;
        let raw = stmt
            .query_map([preset.name()], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, i64>(5)?,
                ))
            })
            .at(&self.path)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .at(&self.path)?;
        raw.into_iter()
            .map(|(task, plan_seed, arch_index, child_seed, purpose, id)| {
                let corrupt = |reason: String| self.corrupt(format!("run {id}"), reason);
                Ok(RunKey {
                    task,
                    preset,
                    plan_seed: from_sql_u64(plan_seed),
                    arch_index: u32::try_from(arch_index)
                        .map_err(|_| corrupt(format!("arch index {arch_index}")))?,
                    child_seed: from_sql_u64(child_seed),
                    purpose: Purpose::from_name(&purpose)
                        .ok_or_else(|| corrupt(format!("purpose {purpose:?}")))?,
                })
            })
            .collect()
    }

    /// Refuses a database holding runs of `preset` laid out otherwise than this build lays the
    /// preset out (checked before anything adds runs of it).
    ///
    /// # Errors
    ///
    /// An SQLite error, or [`DatabaseError::Corrupt`] naming the first such run.
    pub fn check_layout(&self, preset: PresetId) -> Result<()> {
        let other_layout: Option<(i64, i64)> = self
            .conn
            .query_row(
                "SELECT id, length(arch) FROM runs WHERE preset = ?1 AND length(arch) != ?2 LIMIT 1",
                (preset.name(), 4 * preset.layout().arch_dim() as i64),
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .at(&self.path)?;
        if let Some((id, bytes)) = other_layout {
            let reason = layout_problem(preset, usize::try_from(bytes / 4).unwrap_or(0));
            return Err(self.corrupt(format!("run {id}"), reason.unwrap_or_default()));
        }
        Ok(())
    }

    /// Runs matching `filter` (SQL after the join, may be empty) in canonical order.
    fn query_runs(&self, filter: &str, params: impl rusqlite::Params) -> Result<Vec<RunRecord>> {
        let sql = format!(
            "SELECT t.name, r.preset, r.plan_seed, r.arch_index, r.child_seed, r.purpose, r.arch, \
             r.val_acc, r.test_acc, r.val_balanced_acc, r.test_balanced_acc, r.val_xent, \
             r.epochs, r.steps, r.train_rows, r.seconds, r.id \
             FROM runs r JOIN tasks t ON t.id = r.task_id {filter} \
             ORDER BY t.name, r.preset, r.purpose DESC, r.plan_seed, r.arch_index, r.child_seed"
        );
        let mut stmt = self.conn.prepare_cached(&sql).at(&self.path)?;
        let raw = stmt
            .query_map(params, RawRun::from_row)
            .at(&self.path)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .at(&self.path)?;
        raw.into_iter()
            .map(|r| {
                let id = r.id;
                r.into_record().map_err(|reason| self.corrupt(format!("run {id}"), reason))
            })
            .collect()
    }
}

/// A run row as read, before its blob and enums are checked.
struct RawRun {
    task: String,
    preset: String,
    plan_seed: i64,
    arch_index: i64,
    child_seed: i64,
    purpose: String,
    arch: Vec<u8>,
    metrics: [Option<f64>; 5],
    epochs: i64,
    steps: i64,
    train_rows: i64,
    seconds: f64,
    id: i64,
}

impl RawRun {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            task: row.get(0)?,
            preset: row.get(1)?,
            plan_seed: row.get(2)?,
            arch_index: row.get(3)?,
            child_seed: row.get(4)?,
            purpose: row.get(5)?,
            arch: row.get(6)?,
            metrics: [row.get(7)?, row.get(8)?, row.get(9)?, row.get(10)?, row.get(11)?],
            epochs: row.get(12)?,
            steps: row.get(13)?,
            train_rows: row.get(14)?,
            seconds: row.get(15)?,
            id: row.get(16)?,
        })
    }

    fn into_record(self) -> std::result::Result<RunRecord, String> {
        // SQLite stores NaN as NULL; a diverged child's cross-entropy comes back as NaN.
        let [val_acc, test_acc, val_balanced_acc, test_balanced_acc, val_xent] =
            self.metrics.map(|m| m.unwrap_or(f64::NAN));
        let small = |what: &str, v: i64| u32::try_from(v).map_err(|_| format!("{what} {v}"));
        let preset =
            PresetId::from_name(&self.preset).ok_or_else(|| format!("preset {:?}", self.preset))?;
        let arch = codec::decode_arch(&self.arch)
            .ok_or_else(|| format!("architecture blob of {} bytes", self.arch.len()))?;
        if let Some(problem) = layout_problem(preset, arch.len()) {
            return Err(problem);
        }
        Ok(RunRecord {
            key: RunKey {
                purpose: Purpose::from_name(&self.purpose)
                    .ok_or_else(|| format!("purpose {:?}", self.purpose))?,
                arch_index: small("arch index", self.arch_index)?,
                preset,
                task: self.task,
                plan_seed: from_sql_u64(self.plan_seed),
                child_seed: from_sql_u64(self.child_seed),
            },
            arch,
            epochs: small("epochs", self.epochs)?,
            train_rows: small("train rows", self.train_rows)?,
            steps: u64::try_from(self.steps).map_err(|_| format!("steps {}", self.steps))?,
            val_acc,
            test_acc,
            val_balanced_acc,
            test_balanced_acc,
            val_xent,
            seconds: self.seconds,
        })
    }
}

/// Why an architecture vector of `values` values is not one of `preset` as this build lays it
/// out, if it is not (a run of a database populated when the preset had another layout: tiny
/// had 3 input modules, U = 33, before it had 5).
fn layout_problem(preset: PresetId, values: usize) -> Option<String> {
    let expected = preset.layout().arch_dim();
    (values != expected).then(|| {
        format!(
            "an architecture of {values} values where this build's {preset} preset has \
             {expected} (runs of another layout of the preset: populate a new database)"
        )
    })
}

/// Why `run` cannot be stored, if it is inconsistent.
fn run_problem(run: &RunRecord) -> Option<String> {
    let accuracies = [
        ("val_acc", run.val_acc),
        ("test_acc", run.test_acc),
        ("val_balanced_acc", run.val_balanced_acc),
        ("test_balanced_acc", run.test_balanced_acc),
    ];
    if let Some((name, v)) = accuracies.iter().find(|(_, v)| !(0.0..=1.0).contains(v)) {
        return Some(format!("{name} = {v} is outside [0, 1]"));
    }
    if let Some(problem) = layout_problem(run.key.preset, run.arch.len()) {
        return Some(problem);
    }
    if run.arch.iter().any(|x| !x.is_finite()) {
        return Some("the architecture is not finite".into());
    }
    if !(run.seconds.is_finite() && run.seconds >= 0.0) {
        return Some(format!("seconds = {}", run.seconds));
    }
    None
}

/// Inserts `run` for task `id` unless its key is stored; whether it was inserted.
pub(super) fn insert_run_row(
    conn: &Connection,
    id: TaskId,
    run: &RunRecord,
) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "INSERT INTO runs (task_id, preset, plan_seed, arch_index, child_seed, purpose, arch, \
             val_acc, test_acc, val_balanced_acc, test_balanced_acc, val_xent, epochs, steps, \
             train_rows, seconds) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
             ON CONFLICT (task_id, preset, plan_seed, arch_index, child_seed, purpose) DO NOTHING",
        )?
        .execute(rusqlite::params![
            id.0,
            run.key.preset.name(),
            to_sql_u64(run.key.plan_seed),
            run.key.arch_index,
            to_sql_u64(run.key.child_seed),
            run.key.purpose.name(),
            codec::encode_arch(&run.arch),
            run.val_acc,
            run.test_acc,
            run.val_balanced_acc,
            run.test_balanced_acc,
            run.val_xent,
            run.epochs,
            to_sql_u64(run.steps),
            run.train_rows,
            run.seconds
        ])?;
    Ok(changed == 1)
}
