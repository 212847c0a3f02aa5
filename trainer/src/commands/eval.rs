//! `archrank eval loto|search`: the paper's tables on an experiment database.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use archrank_core::{LossKind, PresetId};

use super::fit::fit_config;
use super::noise::task_noise;
use crate::child::ChildConfig;
use crate::cli::{EvalCommand, EvalCommon, EvalLotoArgs, EvalSearchArgs};
use crate::database::Database;
use crate::evaluation::baselines::run_table;
use crate::evaluation::{
    LotoReport, LotoSettings, RankerKind, SearchEvalReport, SearchEvalSettings, run_loto,
    run_search_eval,
};
use crate::fit::{FitData, load_fit_data};
use crate::output::{print, progress_bar};

pub(crate) fn run(command: EvalCommand, quiet: bool) -> Result<()> {
    match command {
        EvalCommand::Loto(a) => loto(&a, quiet),
        EvalCommand::Search(a) => search(&a, quiet),
    }
}

fn losses(names: &[String]) -> Result<Vec<LossKind>> {
    names
        .iter()
        .map(|n| {
            LossKind::from_name(n)
                .with_context(|| format!("--losses: unknown loss `{n}` (l2, linear, quadratic)"))
        })
        .collect()
}

struct Loaded {
    db: Database,
    data: FitData,
    held_out: Vec<String>,
}

fn load(common: &EvalCommon, metric: crate::fit::Metric, seed: u64) -> Result<Loaded> {
    let preset: PresetId = common.preset.into();
    let db = Database::open_read_only(&common.db)?;
    let data = load_fit_data(&db, preset, metric, &[], seed)?;
    if data.tasks.len() < 3 {
        bail!(
            "{} holds {} usable tasks for {preset}; leave-one-task-out needs at least 3",
            common.db.display(),
            data.tasks.len()
        );
    }
    let held_out = if common.tasks.is_empty() {
        data.tasks.iter().map(|t| t.name.clone()).collect()
    } else {
        for t in &common.tasks {
            if data.task(t).is_none() {
                bail!("task `{t}` has no usable {preset} runs in {}", common.db.display());
            }
        }
        common.tasks.clone()
    };
    Ok(Loaded { db, data, held_out })
}

fn write_outputs(common: &EvalCommon, json: &impl serde::Serialize, markdown: &str) -> Result<()> {
    if let Some(path) = &common.json {
        crate::atomic_file::write(path, serde_json::to_string_pretty(json)?.as_bytes())?;
    }
    if let Some(path) = &common.markdown {
        crate::atomic_file::write(path, markdown.as_bytes())?;
    }
    print(markdown)?;
    Ok(())
}

fn loto(args: &EvalLotoArgs, quiet: bool) -> Result<()> {
    let common = &args.common;
    let base = fit_config(&common.fit, None)?;
    let repeats = common.repeats.unwrap_or(3);
    if repeats == 0 {
        bail!("--repeats must be at least 1");
    }
    let mut kinds: Vec<RankerKind> =
        losses(&common.losses)?.into_iter().map(RankerKind::Loss).collect();
    if !args.no_controls {
        kinds.extend([RankerKind::Agnostic, RankerKind::MetaFeatures]);
    }
    let loaded = load(common, base.metric, base.seed)?;
    let mut runs = loaded.db.all_runs()?;
    runs.retain(|r| r.preset == loaded.data.preset.name());
    runs.sort_by_key(|r| {
        (r.purpose != crate::database::Purpose::Population, r.arch_index, r.child_seed)
    });
    let noise: BTreeMap<String, f64> =
        task_noise(&runs).into_iter().map(|n| (n.task, n.noise_ceiling)).collect();
    let settings = LotoSettings { kinds, repeats, base };
    let total = loaded.held_out.len() * settings.kinds.len() * repeats as usize;
    let bar = progress_bar(total as u64, "eval loto", quiet);
    let report = run_loto(&loaded.data, &loaded.held_out, &settings, &noise, &|| bar.inc(1))?;
    bar.finish_and_clear();
    write_outputs(common, &report, &loto_markdown(&report))
}

/// The leave-one-task-out table: Spearman mean +- std per task and ranker.
#[must_use]
pub fn loto_markdown(report: &LotoReport) -> String {
    let order = ["l2", "linear", "quadratic", "agnostic", "meta_features"];
    let kinds: Vec<&String> =
        order.iter().filter_map(|o| report.summary.keys().find(|k| k == o)).collect();
    let mut md = format!(
        "Leave-one-task-out Spearman (mean +- std over {} repeats) of predicted score against {}, preset {}, {} fit steps.\n\n| task | runs | noise ceiling |",
        report.repeats, report.metric, report.preset, report.steps
    );
    for k in &kinds {
        let _ = write!(md, " {k} |");
    }
    md.push_str("\n|---|---:|---:|");
    md.push_str(&"---:|".repeat(kinds.len()));
    md.push('\n');
    for t in &report.tasks {
        let ceiling = t.noise_ceiling.map_or("-".to_owned(), |c| format!("{c:.2}"));
        let _ = write!(md, "| {} | {} | {ceiling} |", t.task, t.runs);
        for k in &kinds {
            match t.results.get(*k) {
                Some(r) => {
                    let _ = write!(md, " {:.3} +- {:.3} |", r.spearman_mean, r.spearman_std);
                }
                None => md.push_str(" - |"),
            }
        }
        md.push('\n');
    }
    let ceiling = report.mean_noise_ceiling.map_or("-".to_owned(), |c| format!("{c:.2}"));
    let _ = write!(md, "| **mean Spearman** | | {ceiling} |");
    for k in &kinds {
        let _ = write!(md, " **{:.3}** |", report.summary[*k].spearman_mean);
    }
    md.push_str("\n| mean Pearson | | |");
    for k in &kinds {
        let _ = write!(md, " {:.3} |", report.summary[*k].pearson_mean);
    }
    md.push_str("\n| mean Kendall | | |");
    for k in &kinds {
        let _ = write!(md, " {:.3} |", report.summary[*k].kendall_mean);
    }
    md.push_str("\n| tasks above agnostic | | |");
    for k in &kinds {
        let wins = report.summary[*k]
            .wins_over_agnostic
            .map_or("-".to_owned(), |w| format!("{w}/{}", report.tasks.len()));
        let _ = write!(md, " {wins} |");
    }
    md.push('\n');
    md
}

fn search(args: &EvalSearchArgs, quiet: bool) -> Result<()> {
    let common = &args.common;
    let base = fit_config(&common.fit, None)?;
    let repeats = common.repeats.unwrap_or(1);
    if repeats == 0 || args.child_seeds == 0 {
        bail!("--repeats and --child-seeds must be at least 1");
    }
    let loaded = load(common, base.metric, base.seed)?;
    let settings = SearchEvalSettings {
        losses: losses(&common.losses)?,
        repeats,
        child_seeds: args.child_seeds,
        base,
        child: ChildConfig { max_train_rows: Some(args.max_rows), ..ChildConfig::default() },
    };
    let table = run_table(&loaded.db.all_runs()?, loaded.data.preset.name());
    let total = loaded.held_out.len() * settings.losses.len() * repeats as usize;
    let bar = progress_bar(total as u64, "eval search", quiet);
    let report =
        run_search_eval(&loaded.db, &loaded.data, &table, &loaded.held_out, &settings, &|| {
            bar.inc(1)
        })?;
    bar.finish_and_clear();
    write_outputs(common, &report, &search_markdown(&report))
}

/// The search table: test accuracy of what was found beside the baselines.
#[must_use]
pub fn search_markdown(report: &SearchEvalReport) -> String {
    let losses: Vec<&String> = report.summary.found.keys().collect();
    let base_keys = [
        "random",
        "best_of_5",
        "best_of_10",
        "best_of_25",
        "nearest_task",
        "best_on_average",
        "oracle",
    ];
    let mut md = format!(
        "Test accuracy of the architecture found for each held-out task (soft u*, and discretized in brackets; {} fits x {} child seeds), preset {}, beside the baselines.\n\n| task |",
        report.repeats, report.child_seeds, report.preset
    );
    for l in &losses {
        let _ = write!(md, " {l} |");
    }
    for b in base_keys {
        let _ = write!(md, " {b} |");
    }
    md.push_str("\n|---|");
    md.push_str(&"---:|".repeat(losses.len() + base_keys.len()));
    md.push('\n');
    for t in &report.tasks {
        let _ = write!(md, "| {} |", t.task);
        for l in &losses {
            match t.found.get(*l) {
                Some(f) => {
                    let _ = write!(md, " {:.3} ({:.3}) |", f.test_mean, f.discrete_test_mean);
                }
                None => md.push_str(" - |"),
            }
        }
        let b = serde_json::to_value(&t.baselines).unwrap_or_default();
        for k in base_keys {
            let _ = write!(md, " {:.3} |", b[k].as_f64().unwrap_or(f64::NAN));
        }
        md.push('\n');
    }
    md.push_str("| **mean** |");
    for l in &losses {
        let f = &report.summary.found[*l];
        let _ = write!(md, " **{:.3}** ({:.3}) |", f["test_mean"], f["discrete_test_mean"]);
    }
    for k in base_keys {
        let _ = write!(md, " **{:.3}** |", report.summary.baselines[k]);
    }
    md.push('\n');
    md
}
