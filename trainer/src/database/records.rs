//! The typed rows the rest of the trainer sees.

use std::fmt;

use archrank_core::PresetId;

use crate::task::TaskKind;

/// A task's row id in one database file (ids differ between files; names do not).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub i64);

/// A stored task without its data.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskSummary {
    /// Row id.
    pub id: TaskId,
    /// Unique name.
    pub name: String,
    /// Numeric or text.
    pub kind: TaskKind,
    /// Number of rows.
    pub rows: usize,
    /// Number of feature columns (0 for text).
    pub features: usize,
    /// Number of classes.
    pub classes: usize,
    /// Class names, in label order.
    pub class_names: Vec<String>,
    /// SHA-256 (hex) of the task's content (classes, labels, features; not the name).
    pub sha256: String,
    /// Seed of the task's train/validation/test split (see [`crate::task::split::stratified_split`]).
    pub split_seed: u64,
    /// When the task was added, seconds since the Unix epoch.
    pub added_unix: i64,
    /// How its CSV columns were read (`None` for tasks added without one, e.g. before schema
    /// version 2).
    pub plan: Option<crate::task::column_plan::ColumnPlan>,
}

/// Why a run was trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Purpose {
    /// One of the sampled architectures that populate the ranker's training data.
    Population,
    /// A repeat of an architecture with another child seed, to measure the noise ceiling.
    Noise,
}

impl Purpose {
    /// Lower-case name as stored.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Population => "population",
            Self::Noise => "noise",
        }
    }

    /// The purpose stored as `name`, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "population" => Some(Self::Population),
            "noise" => Some(Self::Noise),
            _ => None,
        }
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What makes a run unique: a resumable populate skips the keys already stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunKey {
    /// The task's name.
    pub task: String,
    /// Search space.
    pub preset: PresetId,
    /// Seed of the populate plan that sampled the architecture.
    pub plan_seed: u64,
    /// Index of the architecture in the plan.
    pub arch_index: u32,
    /// Seed of the child's initialisation and batch order.
    pub child_seed: u64,
    /// Population or noise run.
    pub purpose: Purpose,
}

impl fmt::Display for RunKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "(task {}, preset {}, plan seed {}, arch {}, child seed {}, {})",
            self.task, self.preset, self.plan_seed, self.arch_index, self.child_seed, self.purpose
        )
    }
}

/// One trained child model and what it measured.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// What makes the run unique: task, preset, plan seed, architecture, child seed, purpose.
    pub key: RunKey,
    /// The architecture's continuous encoding u (stored as little-endian f32).
    pub arch: Vec<f32>,
    /// Validation accuracy, in [0, 1]: the performance p the ranker learns.
    pub val_acc: f64,
    /// Test accuracy, in [0, 1].
    pub test_acc: f64,
    /// Validation balanced accuracy (mean per-class recall), in [0, 1].
    pub val_balanced_acc: f64,
    /// Test balanced accuracy, in [0, 1].
    pub test_balanced_acc: f64,
    /// Validation cross-entropy (may be infinite or NaN for a diverged child).
    pub val_xent: f64,
    /// Epochs trained (after early stopping).
    pub epochs: u32,
    /// Optimiser steps taken.
    pub steps: u64,
    /// Rows the child was fitted on.
    pub train_rows: u32,
    /// Wall-clock training time in seconds.
    pub seconds: f64,
}

/// What [`crate::database::Database::merge_from`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Tasks copied in.
    pub tasks_added: usize,
    /// Tasks already here with the same content.
    pub tasks_matched: usize,
    /// Runs copied in.
    pub runs_added: usize,
    /// Runs already here (same unique key), skipped.
    pub runs_skipped: usize,
}

/// What [`crate::database::Database::export_csv`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// Rows of `tasks.csv`.
    pub tasks: usize,
    /// Rows of `runs.csv`.
    pub runs: usize,
    /// Architecture columns `u0..` in `runs.csv`.
    pub arch_columns: usize,
}
