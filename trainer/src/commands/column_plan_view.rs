//! A column plan as a person and a program read it: the dialect and the rows left out beside
//! `--json`'s columns, and the table of what each column became. Shared by the commands that
//! read a CSV (`search`, `tasks`).

use crate::output::table;
use crate::task::column_plan::ColumnPlan;

/// The dialect and dropped rows of a plan, as `--json` prints them beside its `columns`.
pub(crate) fn csv_summary(plan: &ColumnPlan) -> serde_json::Value {
    serde_json::json!({
        "delimiter": plan.delimiter,
        "decimal_comma": plan.decimal_comma,
        "dropped_rows": plan.dropped_rows,
        "dropped_by": plan.dropped_by,
    })
}

/// The column plan as a table a person reads: each column, what it became and why.
pub(crate) fn column_plan_table(plan: &ColumnPlan) -> String {
    let rows: Vec<Vec<String>> = plan
        .columns
        .iter()
        .map(|c| {
            vec![c.name.clone(), c.kind.name().to_owned(), c.missing.to_string(), c.action.clone()]
        })
        .collect();
    let mut text = format!(
        "  delimiter `{}`, decimal mark `{}`{}\n",
        plan.delimiter,
        if plan.decimal_comma { "," } else { "." },
        plan.dropped_note().map_or_else(String::new, |note| format!(", {note}"))
    );
    text.push_str(&table(&["column", "read as", "missing", "what was done"], &rows));
    text
}
