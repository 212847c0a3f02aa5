//! `archrank eval loto|search`: the paper's tables on an experiment database.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use std::path::Path;

use anyhow::{Result, bail};
use archrank_core::training::TrainConfig;
use archrank_core::{LossKind, PresetId};

use super::eval_output::{paired_markdown, write_outputs};
use crate::child::ChildConfig;
use crate::cli::{
    EvalCommand, EvalCommon, EvalCompareArgs, EvalDeliveredArgs, EvalEnginesArgs, EvalLotoArgs,
    EvalSearchArgs, OptimizerArg,
};
use crate::database::{Database, Purpose};
use crate::deploy::delivered::Recipe;
use crate::evaluation::baselines::{Baselines, run_table};
use crate::evaluation::budget_eval::BudgetSummary;
use crate::evaluation::delivered_agreement::{DeliveredSettings, run_delivered_eval};
use crate::evaluation::engine_eval::{EngineEvalSettings, EngineRow, run_engine_eval};
use crate::evaluation::loto::ConfidenceSummary;
use crate::evaluation::loto_comparison::{LotoComparison, compare_loto};
use crate::evaluation::task_noise::task_noise;
use crate::evaluation::{
    LotoReport, LotoSettings, RankerKind, SearchEvalReport, SearchEvalSettings, run_loto,
    run_search_eval,
};
use crate::fit::{FitConfig, FitData, Metric, Storage, TaskInputs, load_fit_data};
use crate::output::{print, progress_bar};
use crate::populate::recorded_engine;
use crate::rank_stats::mean;
use crate::task::TaskKind;

pub(crate) fn run(command: EvalCommand, quiet: bool) -> Result<()> {
    match command {
        EvalCommand::Loto(a) => loto(&a, quiet),
        EvalCommand::Search(a) => search(&a, quiet),
        EvalCommand::Compare(a) => compare(&a),
        EvalCommand::Engines(a) => engines(&a, quiet),
        EvalCommand::Delivered(a) => delivered(&a, quiet),
        EvalCommand::Headroom(a) => super::headroom::run(&a),
    }
}

fn delivered(args: &EvalDeliveredArgs, quiet: bool) -> Result<()> {
    let db = Database::open_read_only(&args.db)?;
    let bar = progress_bar(db.list_tasks()?.len() as u64, "tasks", quiet);
    let settings = DeliveredSettings {
        preset: args.preset.into(),
        architectures: args.architectures as usize,
        seeds: args.seeds,
        recipe: Recipe::default(),
        seed: args.seed,
    };
    let report = run_delivered_eval(&db, &settings, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let p = &report.paired;
    let mut md = format!(
        "The database ({} engine) against delivered models: {} of each task's architectures, \
         delivered as `train` does (best of {} seeds, every training row, refit); mean Spearman \
         per task of their test accuracies, beside the database's seed-to-seed one.\n\n",
        report.database_engine, report.architectures, report.seeds
    );
    md.push_str(
        "| tasks | count | database vs delivered | database seed vs seed |\n|---|---:|---:|---:|\n",
    );
    for a in &report.agreement {
        let (kind, tasks) = (&a.kind, a.tasks);
        let (delivered, seeds) = (a.database_vs_delivered, a.seed_vs_seed);
        let _ = writeln!(md, "| {kind} | {tasks} | {delivered:.3} | {seeds:.3} |");
    }
    let _ = writeln!(
        md,
        "\nDelivered - database test accuracy: {:+.4} [{:+.4}, {:+.4}] (95 % bootstrap over {} \
         tasks; higher on {}, lower on {}).",
        p.mean_diff, p.ci95[0], p.ci95[1], p.tasks, p.wins, p.losses
    );
    write_outputs(args.files.paths(), &report, &md)
}

fn engines(args: &EvalEnginesArgs, quiet: bool) -> Result<()> {
    let db = Database::open_read_only(&args.db)?;
    let numeric = db.list_tasks()?.iter().filter(|t| t.kind == TaskKind::Numeric).count();
    let bar = progress_bar(numeric as u64, "tasks", quiet);
    let config = ChildConfig { max_train_rows: Some(args.max_rows), ..ChildConfig::default() };
    let base = match args.core_optimizer {
        OptimizerArg::Adam => TrainConfig::trainer(),
        OptimizerArg::Momentum => TrainConfig::default(),
    };
    let (optimizer, learning_rate) =
        (base.optimizer, args.core_learning_rate.unwrap_or(base.learning_rate));
    // Both engines in the trainer's batches, so that only the optimizer and step size differ.
    let schedule = TrainConfig { optimizer, learning_rate, ..config.schedule() };
    let settings = EngineEvalSettings {
        preset: args.preset.into(),
        architectures: args.architectures as usize,
        seeds: args.seeds,
        seed: args.seed,
        max_params: args.max_params,
        config,
        schedule,
    };
    let report = run_engine_eval(&db, &settings, &|| bar.inc(1))?;
    bar.finish_and_clear();
    if let Some(path) = &args.json {
        crate::atomic_file::write(path, serde_json::to_string_pretty(&report)?.as_bytes())?;
    }
    let p = &report.paired;
    let mut by_module: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for r in &report.rows {
        by_module.entry(r.module.as_str()).or_default().push(r.core - r.trainer);
    }
    let rows: Vec<Vec<String>> = by_module
        .iter()
        .map(|(m, d)| vec![(*m).to_owned(), d.len().to_string(), format!("{:+.4}", mean(d))])
        .collect();
    let seconds = |f: fn(&EngineRow) -> f64| report.rows.iter().map(f).sum::<f64>();
    print(&format!(
        "{} numeric tasks x {} architectures, best of {} seeds per engine (test accuracy)\n\
         core {:.4}, trainer {:.4}: core - trainer {:+.4} [{:+.4}, {:+.4}] (95 % bootstrap over \
         tasks; core higher on {}, lower on {})\nthe engines rank a task's architectures alike: \
         mean Spearman {:.3}\ntraining seconds: core {:.1}, trainer {:.1}\n\n",
        p.tasks,
        report.architectures,
        report.seeds,
        report.core_mean,
        report.trainer_mean,
        p.mean_diff,
        p.ci95[0],
        p.ci95[1],
        p.wins,
        p.losses,
        report.rank_agreement,
        seconds(|r| r.core_seconds),
        seconds(|r| r.trainer_seconds),
    ))?;
    print(&crate::output::table(&["module", "runs", "core - trainer"], &rows))?;
    Ok(())
}

struct Loaded {
    db: Database,
    data: FitData,
    held_out: Vec<String>,
}

fn load(common: &EvalCommon, metric: Metric, seed: u64) -> Result<Loaded> {
    let preset: PresetId = common.preset.into();
    let db = Database::open_read_only(&common.db)?;
    let known: Vec<String> = db.list_tasks()?.into_iter().map(|t| t.name).collect();
    if let Some(missing) = common.exclude_tasks.iter().find(|t| !known.contains(t)) {
        bail!("--exclude-tasks: task `{missing}` is not in {}", common.db.display());
    }
    if let Some(both) = common.tasks.iter().find(|t| common.exclude_tasks.contains(t)) {
        bail!("task `{both}` is both held out (--tasks) and excluded (--exclude-tasks)");
    }
    let data = load_fit_data(&db, preset, metric, &common.exclude_tasks, seed)?;
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

/// How an evaluation stores its rankers, refusing options it would ignore.
fn eval_storage(common: &EvalCommon, base: &FitConfig, searches: bool) -> Result<Storage> {
    let storage = common.storage.storage()?;
    if !storage.is_identity() && base.inputs != TaskInputs::PRODUCT {
        bail!(
            "--quantize and --search-steps store a ranker as a device reads it; \
             with --landmarks the rankers have no weights file"
        );
    }
    if !searches && storage.search_steps.is_some() {
        bail!("--search-steps sets the search a weights file stores; eval loto does not search");
    }
    Ok(storage)
}

fn loto(args: &EvalLotoArgs, quiet: bool) -> Result<()> {
    let common = &args.common;
    let base = common.fit.config(None)?;
    let storage = eval_storage(common, &base, false)?;
    let repeats = common.repeats.unwrap_or(3);
    if repeats == 0 {
        bail!("--repeats must be at least 1");
    }
    let mut kinds: Vec<RankerKind> =
        common.losses.iter().map(|&l| RankerKind::Loss(l.into())).collect();
    if !args.no_controls {
        kinds.extend([RankerKind::Agnostic, RankerKind::MetaFeatures, RankerKind::MetaLandmarks]);
    }
    let loaded = load(common, base.metric, base.seed)?;
    let mut runs = loaded.db.all_runs()?;
    runs.retain(|r| r.key.preset == loaded.data.preset);
    runs.sort_by_key(|r| {
        (r.key.purpose != Purpose::Population, r.key.arch_index, r.key.child_seed)
    });
    let noise: BTreeMap<String, f64> =
        task_noise(&runs).into_iter().map(|n| (n.task, n.noise_ceiling)).collect();
    let settings = LotoSettings { kinds, repeats, base, storage, arch_folds: args.held_out_archs };
    let total = loaded.held_out.len() * settings.kinds.len() * repeats as usize;
    let bar = progress_bar(total as u64, "eval loto", quiet);
    let report = run_loto(&loaded.data, &loaded.held_out, &settings, &noise, &|| bar.inc(1))?;
    bar.finish_and_clear();
    write_outputs(common.files.paths(), &report, &loto_markdown(&report))
}

/// The leave-one-task-out table: Spearman mean +- std per task and ranker.
#[must_use]
pub fn loto_markdown(report: &LotoReport) -> String {
    let kinds: Vec<&String> = RankerKind::ALL
        .iter()
        .filter_map(|o| report.summary.keys().find(|k| *k == o.name()))
        .collect();
    let protocol = match report.arch_folds {
        0 => String::new(),
        k => format!(
            " Architectures held out too ({k} folds): each task is scored on its runs of one fold, which no training task ran."
        ),
    };
    let mut md = format!(
        "Leave-one-task-out Spearman (mean +- std over {} repeats) of predicted score against {}, preset {}, {} fit steps.{protocol}\n\n| task | runs | noise ceiling |",
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
    if !report.paired.is_empty() {
        md.push('\n');
        md.push_str(&paired_markdown("Spearman", &report.paired, report.tasks.len()));
    }
    for k in &kinds {
        if let Some(c) = &report.summary[*k].confidence {
            md.push_str(&confidence_markdown(k, report.repeats, c));
        }
    }
    md
}

/// How well one ranker's confidence predicted its realized Spearman: the correlations of the
/// confidence and of each part, and realized Spearman by confidence quartile.
fn confidence_markdown(ranker: &str, repeats: u32, c: &ConfidenceSummary) -> String {
    let mut md = format!(
        "\n### Confidence of {ranker}\n\nSpearman over tasks between what is known without training and the realized Spearman: confidence (the score spread's percentile among the training tasks, mean over the ensemble of {} repeats) {:.3}, of one ranker alone {:.3}; its parts: score spread {:.3}, novelty {:.3}, ensemble agreement {:.3}, top-5 agreement {:.3}.\n\n| confidence quartile | confidence | tasks | mean realized Spearman |\n|---:|---|---:|---:|\n",
        repeats,
        c.spearman,
        c.first_member_spearman,
        c.score_spread_spearman,
        c.novelty_spearman,
        c.agreement_spearman,
        c.top_agreement_spearman
    );
    for q in &c.quartiles {
        let _ = writeln!(
            md,
            "| {} | {:.2} to {:.2} | {} | {:.3} |",
            q.quartile, q.low, q.high, q.tasks, q.spearman_mean
        );
    }
    md
}

fn compare(args: &EvalCompareArgs) -> Result<()> {
    let label = |p: &Path| {
        p.file_stem().map_or_else(|| p.display().to_string(), |s| s.to_string_lossy().into_owned())
    };
    let (before, after) = (LotoReport::read(&args.before)?, LotoReport::read(&args.after)?);
    let comparison =
        compare_loto((&label(&args.before), &before), (&label(&args.after), &after), args.seed);
    if comparison.common_tasks == 0 {
        bail!(
            "{} and {} have no held-out task in common",
            args.before.display(),
            args.after.display()
        );
    }
    let outputs = args.files.paths();
    write_outputs(outputs, &comparison, &comparison_markdown(&comparison))
}

/// The comparison of two leave-one-task-out results.
#[must_use]
pub fn comparison_markdown(c: &LotoComparison) -> String {
    format!(
        "`{}` minus `{}`, per ranker, on the {} held-out tasks both evaluated.\n\n{}",
        c.after,
        c.before,
        c.common_tasks,
        paired_markdown("Spearman", &c.rankers, c.common_tasks)
    )
}

fn search(args: &EvalSearchArgs, quiet: bool) -> Result<()> {
    let common = &args.common;
    let base = common.fit.config(None)?;
    let storage = eval_storage(common, &base, true)?;
    let repeats = common.repeats.unwrap_or(1);
    if repeats == 0 || args.child_seeds == 0 {
        bail!("--repeats and --child-seeds must be at least 1");
    }
    let loaded = load(common, base.metric, base.seed)?;
    let settings = SearchEvalSettings {
        losses: common.losses.iter().map(|&l| LossKind::from(l)).collect(),
        repeats,
        child_seeds: args.child_seeds,
        base,
        child: ChildConfig { max_train_rows: Some(args.max_rows), ..ChildConfig::default() },
        engine: recorded_engine(&loaded.db, loaded.data.preset)?,
        budgets: args.max_params.clone(),
        shortlist: args.shortlist.iter().filter(|&&k| k > 0).map(|&k| usize::from(k)).collect(),
        shortlist_distance: args.shortlist_distance,
        storage,
        held_out_archs: args.held_out_archs,
    };
    let runs = loaded.db.all_runs()?;
    let table = run_table(&runs, loaded.data.preset);
    let total = loaded.held_out.len() * settings.losses.len() * repeats as usize;
    let bar = progress_bar(total as u64, "eval search", quiet);
    let report =
        run_search_eval(&loaded.db, &loaded.data, &table, &loaded.held_out, &settings, &|| {
            bar.inc(1)
        })?;
    bar.finish_and_clear();
    write_outputs(common.files.paths(), &report, &search_markdown(&report))
}

/// The search table: test accuracy of what was found beside the baselines.
#[must_use]
pub fn search_markdown(report: &SearchEvalReport) -> String {
    let losses: Vec<&String> = report.summary.found.keys().collect();
    let names = Baselines::default().named().map(|b| b.key);
    let mut md = format!(
        "Test accuracy of the architecture found for each held-out task (soft u*, and discretized in brackets; {} fits x {} child seeds), preset {}, beside the baselines.\n\n| task |",
        report.repeats, report.child_seeds, report.preset
    );
    for l in &losses {
        let _ = write!(md, " {l} |");
    }
    for b in names {
        let _ = write!(md, " {b} |");
    }
    md.push_str("\n|---|");
    md.push_str(&"---:|".repeat(losses.len() + names.len()));
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
        for b in t.baselines.named() {
            let _ = write!(md, " {:.3} |", b.value);
        }
        md.push('\n');
    }
    md.push_str("| **mean** |");
    for f in report.summary.found.values() {
        let _ = write!(md, " **{:.3}** ({:.3}) |", f.test_mean, f.discrete_test_mean);
    }
    for b in report.summary.baselines.named() {
        let _ = write!(md, " **{:.3}** |", b.value);
    }
    md.push_str("\n| median normalized regret |");
    for f in report.summary.found.values() {
        let _ = write!(md, " {:.3} |", f.median_normalized_regret);
    }
    md.push_str(&" |".repeat(names.len()));
    md.push_str("\n| tasks above the constant default |");
    for f in report.summary.found.values() {
        let _ = write!(md, " {}/{} |", f.tasks_above_constant_default, report.tasks.len());
    }
    md.push_str(&" |".repeat(names.len()));
    let sizes: Vec<usize> = report
        .summary
        .found
        .values()
        .next()
        .map(|f| f.shortlist.iter().map(|s| s.k).collect())
        .unwrap_or_default();
    for (i, k) in sizes.iter().enumerate() {
        let _ = write!(
            md,
            "\n| shortlist_{k}: best by validation of its first {k} (fewer when the search saw fewer) |"
        );
        for f in report.summary.found.values() {
            match f.shortlist.get(i) {
                Some(s) => {
                    let _ = write!(
                        md,
                        " {:.3} (regret {:.3}) |",
                        s.test_mean, s.median_normalized_regret
                    );
                }
                None => md.push_str(" - |"),
            }
        }
        md.push_str(&" |".repeat(names.len()));
    }
    let checked = report.summary.found.values().any(|f| f.climb_is_argmax.is_finite());
    if checked {
        md.push_str(
            "\n| deployable space: finished one choice at a time (argmax of the discrete score) |",
        );
        for f in report.summary.found.values() {
            let _ = write!(md, " {:.3} ({:.3}) |", f.finished_test_mean, f.argmax_test_mean);
        }
        md.push_str(&" |".repeat(names.len()));
        md.push_str("\n| the climb's answer is the argmax (the finished one is) |");
        for f in report.summary.found.values() {
            let _ = write!(
                md,
                " {:.0} % ({:.0} %) |",
                100.0 * f.climb_is_argmax,
                100.0 * f.finish_is_argmax
            );
        }
        md.push_str(&" |".repeat(names.len()));
    }
    if report.held_out_archs > 0 {
        md.push_str(
            "\n| the discretized answer is a held-out architecture (no training run had it) |",
        );
        for f in report.summary.found.values() {
            let _ = write!(md, " {:.0} % |", 100.0 * f.novel_share);
        }
        md.push_str(&" |".repeat(names.len()));
    }
    md.push_str(
        "\n\nNormalized regret = (oracle - found) / (oracle - random), on test accuracy: 0 is the task's best database run, 1 a random architecture.\n",
    );
    if report.held_out_archs > 0 {
        let _ = writeln!(
            md,
            "\nArchitectures held out in {} folds: each task's ranker fitted on the other tasks' runs of the other folds only.",
            report.held_out_archs
        );
    }
    if !report.summary.paired.is_empty() {
        md.push('\n');
        md.push_str(&paired_markdown(
            "test accuracy of the found architecture (soft u*) against each baseline",
            &report.summary.paired,
            report.tasks.len(),
        ));
    }
    for b in &report.summary.budgets {
        md.push_str(&budget_markdown(b, report.tasks.len()));
    }
    md
}

/// One parameter budget: the budgeted search's discrete architecture against the database's
/// near-discrete architectures within the same budget.
fn budget_markdown(b: &BudgetSummary, tasks: usize) -> String {
    let mut md = format!(
        "\n### Within {} parameters\n\nTest accuracy of the discrete architecture found within the budget, beside the best of K random trainings among the database's near-discrete architectures within it ({:.1} candidates per task on average; K is at most the candidates). Tasks where nothing of the preset fits: {}, left out.\n\n| | test accuracy |\n|---|---:|\n",
        b.max_params, b.mean_candidates, b.tasks_nothing_fits
    );
    for (loss, v) in &b.test_mean {
        let share = b.within_share.get(loss).copied().unwrap_or(f64::NAN);
        let _ = writeln!(md, "| {loss} (within budget: {:.0} %) | {v:.3} |", 100.0 * share);
    }
    for (key, v) in b.baselines.named() {
        let _ = writeln!(md, "| {key} within budget | {v:.3} |");
    }
    md.push('\n');
    md.push_str(&paired_markdown(
        &format!("test accuracy within {} parameters against each baseline", b.max_params),
        &b.paired,
        tasks,
    ));
    md
}
