//! Plain-file views of a database: CSV exports for other tools, and a content digest.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::error::{DatabaseError, Result};
use super::{Database, ExportReport, codec};

impl Database {
    /// Writes `tasks.csv` (one row per task, without its data) and `runs.csv` (one row per run,
    /// the architecture as columns `u0..u{U-1}`, U the longest architecture) into `dir`,
    /// creating it if needed. Each file is written beside its final name and renamed into place,
    /// so an interrupted export leaves the previous files intact.
    ///
    /// # Errors
    ///
    /// [`DatabaseError::Io`] or [`DatabaseError::Csv`] naming the file, or a database error.
    pub fn export_csv(&self, dir: &Path) -> Result<ExportReport> {
        std::fs::create_dir_all(dir)
            .map_err(|source| DatabaseError::Io { path: dir.to_path_buf(), source })?;
        let tasks = self.list_tasks()?;
        let runs = self.all_runs()?;
        let arch_columns = runs.iter().map(|r| r.arch.len()).max().unwrap_or(0);

        write_csv(&dir.join("tasks.csv"), |w| {
            w.write_record([
                "id",
                "name",
                "kind",
                "rows",
                "features",
                "classes",
                "class_names",
                "sha256",
                "split_seed",
                "added_unix",
            ])?;
            for t in &tasks {
                w.write_record([
                    t.id.0.to_string(),
                    t.name.clone(),
                    t.kind.name().to_owned(),
                    t.rows.to_string(),
                    t.features.to_string(),
                    t.classes.to_string(),
                    serde_json::to_string(&t.class_names).unwrap_or_default(),
                    t.sha256.clone(),
                    t.split_seed.to_string(),
                    t.added_unix.to_string(),
                ])?;
            }
            Ok(())
        })?;

        write_csv(&dir.join("runs.csv"), |w| {
            let mut header: Vec<String> = [
                "task",
                "preset",
                "plan_seed",
                "arch_index",
                "child_seed",
                "purpose",
                "val_acc",
                "test_acc",
                "val_balanced_acc",
                "test_balanced_acc",
                "val_xent",
                "epochs",
                "steps",
                "train_rows",
                "seconds",
            ]
            .map(str::to_owned)
            .to_vec();
            header.extend((0..arch_columns).map(|i| format!("u{i}")));
            w.write_record(&header)?;
            for r in &runs {
                let mut row = vec![
                    r.key.task.clone(),
                    r.key.preset.name().to_owned(),
                    r.key.plan_seed.to_string(),
                    r.key.arch_index.to_string(),
                    r.key.child_seed.to_string(),
                    r.key.purpose.name().to_owned(),
                    r.val_acc.to_string(),
                    r.test_acc.to_string(),
                    r.val_balanced_acc.to_string(),
                    r.test_balanced_acc.to_string(),
                    r.val_xent.to_string(),
                    r.epochs.to_string(),
                    r.steps.to_string(),
                    r.train_rows.to_string(),
                    r.seconds.to_string(),
                ];
                row.extend(r.arch.iter().map(f32::to_string));
                row.resize(header.len(), String::new());
                w.write_record(&row)?;
            }
            Ok(())
        })?;
        Ok(ExportReport { tasks: tasks.len(), runs: runs.len(), arch_columns })
    }

    /// SHA-256 (hex) of the database's content: every task's name, content hash and split
    /// seed, and every run's fields, in canonical order. Row ids, insertion order and the time
    /// tasks were added do not enter, so merging the same shards in any order gives the same
    /// digest.
    ///
    /// # Errors
    ///
    /// A database error.
    pub fn database_hash(&self) -> Result<String> {
        let mut h = Sha256::new();
        h.update(b"archrank database content v1\n");
        for t in self.list_tasks()? {
            h.update(format!("task\t{}\t{}\t{}\n", t.name, t.sha256, t.split_seed).as_bytes());
        }
        for r in self.all_runs()? {
            h.update(
                format!(
                    "run\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.key.task,
                    r.key.preset,
                    r.key.plan_seed,
                    r.key.arch_index,
                    r.key.child_seed,
                    r.key.purpose
                )
                .as_bytes(),
            );
            let metrics = [
                r.val_acc,
                r.test_acc,
                r.val_balanced_acc,
                r.test_balanced_acc,
                r.val_xent,
                r.seconds,
            ];
            for m in metrics {
                // NaN is stored as NULL, so all NaNs hash alike.
                let bits = if m.is_nan() { f64::NAN.to_bits() } else { m.to_bits() };
                h.update(format!("\t{bits:016x}").as_bytes());
            }
            h.update(format!("\t{}\t{}\t{}\t", r.epochs, r.steps, r.train_rows).as_bytes());
            h.update(codec::encode_arch(&r.arch));
            h.update(b"\n");
        }
        Ok(codec::hex(&h.finalize()))
    }
}

/// Writes a CSV file through `fill`: built in memory, then replaced atomically
/// ([`crate::atomic_file::write`]).
fn write_csv(
    path: &Path,
    fill: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> Result<(), csv::Error>,
) -> Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    fill(&mut writer).map_err(|source| DatabaseError::Csv { path: path.to_path_buf(), source })?;
    let bytes = writer.into_inner().map_err(|e| DatabaseError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    crate::atomic_file::write(path, &bytes)
        .map_err(|source| DatabaseError::Io { path: path.to_path_buf(), source })
}
