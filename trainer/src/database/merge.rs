//! Combining databases: shard files of a distributed populate, or databases of two machines.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use archrank_core::PresetId;
use rusqlite::{OptionalExtension, TransactionBehavior};

use super::error::{DatabaseError, Result, SqlContext};
use super::runs::insert_run_row;
use super::{
    Database, LEGACY_ENGINE, MergeReport, RunRecord, StoredTask, codec, has_runs, insert_task_row,
    read_meta, run_engine_key, write_meta,
};

impl Database {
    /// Merges the tasks and runs of the databases at `paths` into this one, in one transaction.
    ///
    /// Tasks are matched by name and content hash: a task already here with the same content is
    /// kept, a new one is copied. Runs are copied unless a run with the same unique key is here.
    ///
    /// # Errors
    ///
    /// [`DatabaseError::TaskConflict`] when a task has the same name but different content here,
    /// [`DatabaseError::EngineConflict`] when a preset's runs here and in a source were trained
    /// by different engines,
    /// any error opening a source (missing, not a database, other schema version), or
    /// [`DatabaseError::Corrupt`] for a source row whose data does not match its hash. Nothing
    /// is merged then.
    pub fn merge_from<P: AsRef<Path>>(&mut self, paths: &[P]) -> Result<MergeReport> {
        let mut sources: Vec<(PathBuf, Vec<StoredTask>, Vec<RunRecord>)> = Vec::new();
        let mut engines: Vec<(PathBuf, PresetId, String)> = Vec::new();
        for source in paths {
            let other = Self::open_read_only(source)?;
            let runs = other.all_runs()?;
            let presets: BTreeSet<PresetId> = runs.iter().map(|r| r.key.preset).collect();
            for preset in presets {
                engines.push((other.path.clone(), preset, other.run_engine(preset)?));
            }
            sources.push((other.path.clone(), other.stored_tasks()?, runs));
        }
        // Runs of another layout here would sit beside the sources' (read, they refuse).
        for (_, preset, _) in &engines {
            self.check_layout(*preset)?;
        }
        let path = self.path.clone();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).at(&path)?;
        // One engine's runs per preset: a source's engine must be the one here, if runs are.
        for (other, preset, there) in &engines {
            let key = run_engine_key(*preset);
            let recorded = read_meta(&tx, &key).at(&path)?;
            let runs_here = has_runs(&tx, *preset).at(&path)?;
            let here = recorded.or_else(|| runs_here.then(|| LEGACY_ENGINE.to_owned()));
            match here {
                Some(here) if here != *there => {
                    return Err(DatabaseError::EngineConflict {
                        path,
                        other: other.clone(),
                        preset: preset.name().to_owned(),
                        here,
                        there: there.clone(),
                    });
                }
                _ => write_meta(&tx, &key, there).at(&path)?,
            }
        }
        let mut report = MergeReport::default();
        for (other, tasks, runs) in &sources {
            for task in tasks {
                let here: Option<String> = tx
                    .query_row("SELECT sha256 FROM tasks WHERE name = ?1", [&task.name], |row| {
                        row.get(0)
                    })
                    .optional()
                    .at(&path)?;
                match here {
                    Some(sha) if sha == task.sha256 => report.tasks_matched += 1,
                    Some(_) => {
                        return Err(DatabaseError::TaskConflict {
                            path,
                            other: other.clone(),
                            name: task.name.clone(),
                        });
                    }
                    None => {
                        insert_task_row(&tx, task).at(&path)?;
                        report.tasks_added += 1;
                    }
                }
            }
            for run in runs {
                let Some(id) = super::task_id(&tx, &run.key.task).at(&path)? else {
                    return Err(DatabaseError::Corrupt {
                        path: other.clone(),
                        what: format!("run {}", run.key),
                        reason: "its task is missing".into(),
                    });
                };
                if insert_run_row(&tx, id, run).at(&path)? {
                    report.runs_added += 1;
                } else {
                    report.runs_skipped += 1;
                }
            }
        }
        crate::crash_point::reached("db:before-commit");
        tx.commit().at(&path)?;
        crate::crash_point::reached("db:committed");
        Ok(report)
    }

    /// Every task row as stored, by name, each checked against its content hash.
    fn stored_tasks(&self) -> Result<Vec<StoredTask>> {
        let tasks = self.query_tasks(true)?;
        for task in &tasks {
            let corrupt = |reason: String| self.corrupt(format!("task `{}`", task.name), reason);
            if codec::content_hash(&task.data).map_err(corrupt)? != task.sha256 {
                return Err(corrupt("its data does not match its SHA-256".into()));
            }
        }
        Ok(tasks)
    }
}
