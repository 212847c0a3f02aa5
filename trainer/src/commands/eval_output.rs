//! How an evaluation hands over its results: printed as markdown, and written as JSON and
//! markdown where asked; and the table of paired per-task differences they share. Used by `eval`
//! and `eval headroom`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use crate::evaluation::paired::{Paired, RESAMPLES};
use crate::output::print;

/// Writes `json` and `markdown` to the paths given, then prints `markdown`.
pub(super) fn write_outputs(
    (json_path, markdown_path): (Option<&Path>, Option<&Path>),
    json: &impl serde::Serialize,
    markdown: &str,
) -> Result<()> {
    if let Some(path) = json_path {
        let text = serde_json::to_string_pretty(json)?;
        crate::atomic_file::write(path, text.as_bytes())?;
    }
    if let Some(path) = markdown_path {
        crate::atomic_file::write(path, markdown.as_bytes())?;
    }
    print(markdown)?;
    Ok(())
}

/// A table of paired comparisons of `what` over `tasks` held-out tasks.
pub(super) fn paired_markdown(what: &str, paired: &[Paired], tasks: usize) -> String {
    let mut md = format!(
        "Paired per-task differences of {what} ({tasks} tasks; 95 % bootstrap interval over tasks, {RESAMPLES} resamples; * when it excludes 0):\n\n| ranker | against | mean difference | 95 % interval | wins / losses |\n|---|---|---:|---:|---:|\n",
    );
    for p in paired {
        let _ = writeln!(
            md,
            "| {} | {} | {:+.3}{} | [{:+.3}, {:+.3}] | {} / {} |",
            p.a,
            p.b,
            p.mean_diff,
            if p.is_clear() { " *" } else { "" },
            p.ci95[0],
            p.ci95[1],
            p.wins,
            p.losses
        );
    }
    md
}
