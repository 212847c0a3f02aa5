//! `archrank eval headroom`: what a choice can be worth in the database's space.

use std::fmt::Write as _;

use anyhow::{Result, bail};

use super::eval_output::{paired_markdown, write_outputs};
use crate::cli::EvalHeadroomArgs;
use crate::database::Database;
use crate::evaluation::headroom::{HeadroomReport, WORTH_A_CHOICE, headroom};

pub(crate) fn run(args: &EvalHeadroomArgs) -> Result<()> {
    let db = Database::open_read_only(&args.db)?;
    let tasks = db.list_tasks()?;
    let runs = db.all_runs()?;
    let budgets: Vec<Option<u32>> =
        std::iter::once(None).chain(args.max_params.iter().map(|&n| Some(n))).collect();
    let report = headroom(&runs, &tasks, args.preset.into(), &budgets, args.seed);
    if report.budgets.first().is_none_or(|b| b.tasks.is_empty()) {
        bail!("{} has no population runs of the {} preset", args.db.display(), report.preset);
    }
    write_outputs(args.files.paths(), &report, &markdown(&report))
}

/// The summary per budget, then every pair.
fn markdown(report: &HeadroomReport) -> String {
    let mut md = format!(
        "Selection headroom, preset {}: test accuracy on seed means of the task's best architecture by validation (oracle), the constant default (best on average over the other tasks' validation, the first of that order within the budget), random and the best of K random (by validation).\n\n| budget | tasks | archs per task | oracle | constant | random | best of 5 | best of 10 | best of 25 | headroom (oracle - constant) | tasks with >= {:.0} points (their mean) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        report.preset,
        100.0 * WORTH_A_CHOICE
    );
    for b in &report.budgets {
        let _ = writeln!(
            md,
            "| {} | {} | {:.1} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:+.4} | {} ({:+.4}) |",
            b.max_params.map_or("none".to_owned(), |n| format!("{n} parameters")),
            b.tasks_within,
            b.archs_per_task,
            b.oracle,
            b.constant,
            b.random,
            b.best_of_5,
            b.best_of_10,
            b.best_of_25,
            b.headroom,
            b.tasks_worth_a_choice,
            b.headroom_where_worth_it
        );
    }
    for b in &report.budgets {
        let budget =
            b.max_params.map_or("no budget".to_owned(), |n| format!("within {n} parameters"));
        md.push('\n');
        md.push_str(&paired_markdown(
            &format!("test accuracy, {budget}"),
            &b.paired,
            b.tasks_within,
        ));
    }
    md
}
