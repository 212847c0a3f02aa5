//! `archrank report`.

use anyhow::{Context, Result, bail};
use archrank_core::PresetId;

use crate::cli::ReportArgs;
use crate::database::Database;
use crate::evaluation::LotoReport;
use crate::evaluation::report::full_report;
use crate::fit::load_fit_data;
use crate::output::print;

pub(crate) fn run(args: &ReportArgs) -> Result<()> {
    let base = args.fit.config(None)?;
    let preset: PresetId = args.preset.into();
    let db = Database::open_read_only(&args.db)?;
    let data = load_fit_data(&db, preset, base.metric, &[], base.seed)?;
    let Some(first) = data.tasks.first() else {
        bail!("{} has no task with {preset} runs", args.db.display());
    };
    let held = args.task.clone().unwrap_or_else(|| first.name.clone());
    let loto: Option<LotoReport> =
        match &args.loto {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                Some(serde_json::from_str(&text).with_context(|| {
                    format!("{} is not `eval loto --json` output", path.display())
                })?)
            }
            None => None,
        };
    let report = full_report(&data, &held, &base, loto.as_ref())?;
    report.write(&args.output)?;
    print(&format!("wrote {}\n", args.output.join("report.md").display()))?;
    Ok(())
}
