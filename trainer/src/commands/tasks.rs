//! `archrank tasks add|list`.

use anyhow::{Context, Result, bail};

use crate::cli::{KindArg, TasksAddArgs, TasksCommand, TasksListArgs};
use crate::database::Database;
use crate::output::{print, print_json, table};
use crate::task::TaskKind;
use crate::task::task_csv::read_task_csv;

pub(crate) fn run(command: TasksCommand) -> Result<()> {
    match command {
        TasksCommand::Add(a) => add(&a),
        TasksCommand::List(a) => list(&a),
    }
}

fn add(args: &TasksAddArgs) -> Result<()> {
    if args.name.is_some() && args.csv.len() > 1 {
        bail!("--name names one task, but {} CSV files were given", args.csv.len());
    }
    let kind = args.kind.map(|k| match k {
        KindArg::Numeric => TaskKind::Numeric,
        KindArg::Text => TaskKind::Text,
    });
    // Parse everything before touching the database: one bad file adds nothing.
    let mut tasks = Vec::new();
    for path in &args.csv {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("task");
        let name = args.name.as_deref().unwrap_or(stem);
        tasks.push(read_task_csv(path, name, &args.label_column, kind)?);
    }
    let mut db = Database::create_or_open(&args.db)?;
    db.add_tasks(&tasks).with_context(|| format!("while adding tasks to {}", args.db.display()))?;
    for t in &tasks {
        print(&format!(
            "added {} ({}, {} rows, {} features, {} classes)\n",
            t.name,
            t.kind().name(),
            t.rows(),
            t.feature_count(),
            t.classes()
        ))?;
    }
    Ok(())
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
