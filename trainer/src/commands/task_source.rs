//! Where a command's task comes from: a CSV file (read as people have them) or a database, with
//! the database's split either way, and which of its rows a command uses.

use anyhow::{Result, bail};

use crate::cli::{CsvArgs, SplitArg, TaskSourceArgs};
use crate::database::{Database, split_of};
use crate::deploy::model_notes::{DataIdentity, ModelNotes};
use crate::task::column_plan::ColumnPlan;
use crate::task::csv_input::task_name;
use crate::task::task_csv::{CsvTask, read_task_csv};
use crate::task::{Split, Task};

/// Reads a task CSV named after its file (`<stdin>` as `stdin`).
pub(crate) fn csv_task(path: &std::path::Path, csv: &CsvArgs) -> Result<CsvTask> {
    Ok(read_task_csv(path, &task_name(path), &csv.options(None))?)
}

/// The task `source` names, its database split, and how its CSV was read (none from a database).
///
/// # Errors
/// An unreadable CSV or database, or neither given.
pub(crate) fn load_task(source: &TaskSourceArgs) -> Result<(Task, Split, Option<ColumnPlan>)> {
    if let Some(path) = &source.task {
        let read = csv_task(path, &source.csv)?;
        if let Some(note) = read.plan.dropped_note() {
            eprintln!("note: {}: {note}", path.display());
        }
        let split = split_of(&read.task)?;
        Ok((read.task, split, Some(read.plan)))
    } else if let Some(name) = &source.db_task {
        let (task, split) = Database::open_read_only(&source.db)?.task_split(name)?;
        Ok((task, split, None))
    } else {
        bail!("give --task CSV or --db-task NAME")
    }
}

/// What a model trained on `task` (read from `source` with `plan`) records of it: the plan, the
/// reading options that change what a cell means, and the data's identity (JSON).
///
/// # Errors
/// Never in practice (serializing plain data).
pub(crate) fn model_notes(
    source: &TaskSourceArgs,
    task: &Task,
    split: &Split,
    plan: Option<ColumnPlan>,
) -> Result<String> {
    ModelNotes {
        columns: plan,
        na: source.csv.na.clone(),
        label_na: source.csv.label_na.clone(),
        data: Some(DataIdentity::of(task, split)),
    }
    .to_json()
}

/// The rows of `split` that `which` names.
pub(crate) fn split_rows(split: &Split, which: SplitArg, rows: usize) -> Vec<usize> {
    match which {
        SplitArg::All => (0..rows).collect(),
        SplitArg::Train => split.train.clone(),
        SplitArg::Validation => split.validation.clone(),
        SplitArg::Test => split.test.clone(),
        SplitArg::TrainValidation => {
            let mut rows: Vec<usize> =
                split.train.iter().chain(&split.validation).copied().collect();
            rows.sort_unstable();
            rows
        }
    }
}
