//! `archrank tasks add|list`.

use anyhow::{Context, Result, bail};

use crate::cli::{KindArg, TasksAddArgs, TasksCommand, TasksListArgs};
use crate::commands::column_plan_view::{column_plan_table, csv_summary};
use crate::database::Database;
use crate::output::{print, print_json, table};
use crate::task::TaskKind;
use crate::task::column_plan::{ColumnKind, ColumnPlan};
use crate::task::csv_input::{source_name, task_name};
use crate::task::task_csv::read_task_csv;

pub(crate) fn run(command: TasksCommand) -> Result<()> {
    match command {
        TasksCommand::Add(a) => add(&a),
        TasksCommand::List(a) => list(&a),
    }
}

fn add(args: &TasksAddArgs) -> Result<()> {
    if args.name.is_some() && args.csv_files.len() > 1 {
        bail!("--name names one task, but {} CSV files were given", args.csv_files.len());
    }
    let kind = args.kind.map(|k| match k {
        KindArg::Numeric => TaskKind::Numeric,
        KindArg::Text => TaskKind::Text,
    });
    let options = args.csv.options(kind);
    // Parse everything before touching the database: one bad file adds nothing.
    let mut read = Vec::new();
    for path in &args.csv_files {
        let name = args.name.clone().unwrap_or_else(|| task_name(path));
        read.push(read_task_csv(path, &name, &options)?);
    }
    let files: Vec<String> = args.csv_files.iter().map(|p| source_name(p)).collect();
    let mut db = Database::create_or_open(&args.db)?;
    db.add_csv_tasks(&read)
        .with_context(|| format!("while adding tasks to {}", args.db.display()))?;
    if args.json {
        let rows: Vec<serde_json::Value> = files
            .iter()
            .zip(&read)
            .map(|(file, r)| {
                let t = &r.task;
                serde_json::json!({
                    "name": t.name, "file": file, "kind": t.kind(), "rows": t.rows(),
                    "features": t.feature_count(), "classes": t.classes(),
                    "columns": r.plan.columns, "csv": csv_summary(&r.plan),
                })
            })
            .collect();
        return print_json(&rows);
    }
    for (file, r) in files.iter().zip(&read) {
        let t = &r.task;
        print(&format!(
            "added {} from {file} ({}, {} rows, {} features, {} classes)\n{}",
            t.name,
            t.kind().name(),
            t.rows(),
            t.feature_count(),
            t.classes(),
            if plan_is_plain(&r.plan) { String::new() } else { column_plan_table(&r.plan) }
        ))?;
    }
    Ok(())
}

/// Whether reading the file needed no decision worth showing: a comma-separated file of
/// numbers, or one text column, with nothing missing or dropped.
fn plan_is_plain(plan: &ColumnPlan) -> bool {
    plan.delimiter == ","
        && !plan.decimal_comma
        && plan.dropped_rows == 0
        && plan.columns.iter().all(|c| {
            c.missing == 0
                && matches!(
                    c.kind,
                    ColumnKind::Label | ColumnKind::Numeric { .. } | ColumnKind::Text
                )
        })
}

fn list(args: &TasksListArgs) -> Result<()> {
    let db = Database::open_read_only(&args.db)?;
    let tasks = db.list_tasks()?;
    if args.json {
        let rows: Vec<serde_json::Value> = tasks
            .iter()
            .map(|t| {
                serde_json::json!({
                    "name": t.name, "kind": t.kind, "rows": t.rows, "features": t.features,
                    "classes": t.classes, "sha256": t.sha256,
                    "columns": t.plan.as_ref().map(|p| &p.columns),
                })
            })
            .collect();
        return print_json(&rows);
    }
    let rows: Vec<Vec<String>> = tasks
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.kind.name().to_owned(),
                t.rows.to_string(),
                t.features.to_string(),
                t.classes.to_string(),
            ]
        })
        .collect();
    print(&table(&["task", "kind", "rows", "features", "classes"], &rows))?;
    Ok(())
}
