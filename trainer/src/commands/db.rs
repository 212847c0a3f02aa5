//! `archrank db merge|export|migrate`.

use anyhow::Result;

use crate::cli::{DbCommand, DbExportArgs, DbMergeArgs, DbMigrateArgs};
use crate::database::{Database, SCHEMA_VERSION};
use crate::output::print;

pub(crate) fn run(command: DbCommand) -> Result<()> {
    match command {
        DbCommand::Merge(a) => merge(&a),
        DbCommand::Export(a) => export(&a),
        DbCommand::Migrate(a) => migrate(&a),
    }
}

fn migrate(args: &DbMigrateArgs) -> Result<()> {
    let from = Database::migrate(&args.db)?;
    let what = if from == SCHEMA_VERSION {
        format!("{} is already at schema version {SCHEMA_VERSION}\n", args.db.display())
    } else {
        format!("upgraded {} from schema version {from} to {SCHEMA_VERSION}\n", args.db.display())
    };
    print(&what)?;
    Ok(())
}

fn merge(args: &DbMergeArgs) -> Result<()> {
    let mut out = Database::create_or_open(&args.output)?;
    let report = out.merge_from(&args.inputs)?;
    print(&format!(
        "merged {} databases into {}: {} tasks added, {} matched, {} runs added, {} already present\n",
        args.inputs.len(),
        args.output.display(),
        report.tasks_added,
        report.tasks_matched,
        report.runs_added,
        report.runs_skipped
    ))?;
    Ok(())
}

fn export(args: &DbExportArgs) -> Result<()> {
    let db = Database::open_read_only(&args.db)?;
    std::fs::create_dir_all(&args.csv)?;
    let report = db.export_csv(&args.csv)?;
    print(&format!(
        "wrote {} tasks and {} runs ({} architecture columns) to {}\n",
        report.tasks,
        report.runs,
        report.arch_columns,
        args.csv.display()
    ))?;
    Ok(())
}
