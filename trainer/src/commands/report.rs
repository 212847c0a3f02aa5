//! `archrank report`.

use anyhow::{Result, bail};
use archrank_core::PresetId;

use crate::cli::ReportArgs;
use crate::database::Database;
use crate::evaluation::loto::LotoReport;
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
    let loto = args.loto.as_deref().map(LotoReport::read).transpose()?;
    let report = full_report(&data, &held, &base, loto.as_ref())?;
    report.write(&args.output)?;
    print(&format!("wrote {}\n", args.output.join("report.md").display()))?;
    Ok(())
}
