//! `archrank demo`: the main job on the bundled data, end to end in a few minutes.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{Context, Result};
use archrank_core::shortlist::SHORTLIST_MIN_DISTANCE;
use archrank_core::{LossKind, PresetId};

use crate::child::{ChildConfig, prepare};
use crate::cli::DemoArgs;
use crate::database::Database;
use crate::deploy::discrete_child::ChildRows;
use crate::evaluation::RankerKind;
use crate::evaluation::baselines::{baselines, run_table};
use crate::evaluation::report::{Report, held_out_scores, predicted_vs_actual};
use crate::evaluation::search_eval::{HeldOut, SearchEvalSettings, find_and_measure, kept_tests};
use crate::evaluation::svg_plot::histogram;
use crate::fit::{Storage, WeightsMeta, fitted_weights_bytes_for, load_fit_data};
use crate::output::{note, print, table};
use crate::populate::recorded_engine;
use crate::rank_stats::{mean, std_dev};
use crate::search::{SampleSource, confidence_for};

/// The demo's shortlist: its candidates are trained and the best by validation kept.
const DEMO_SHORTLIST: usize = 3;

/// Rankers (seeds) in the demo's confidence ensemble.
const DEMO_ENSEMBLE: u64 = 3;

pub(crate) fn run(args: &DemoArgs, quiet: bool) -> Result<()> {
    let started = Instant::now();
    let base = args.fit.config(None)?;
    let db = Database::open_read_only(&args.db).with_context(
        || "the demo runs on the bundled database: run it from the repository root",
    )?;
    let data = load_fit_data(&db, PresetId::Tiny, base.metric, &[], base.seed)?;
    anyhow::ensure!(
        data.task(&args.task).is_some(),
        "task `{}` has no tiny runs in {}",
        args.task,
        args.db.display()
    );
    let train = data.without(&args.task);
    let (task, split) = db.task_split(&args.task)?;
    let child = ChildConfig::default();
    let prepared = prepare(&task, &split, &PresetId::Tiny.layout(), &child);
    let settings = SearchEvalSettings {
        losses: vec![base.loss],
        repeats: 1,
        child_seeds: args.child_seeds,
        base,
        child,
        engine: recorded_engine(&db, PresetId::Tiny)?,
        budgets: Vec::new(),
        shortlist: vec![DEMO_SHORTLIST],
        shortlist_distance: SHORTLIST_MIN_DISTANCE,
        storage: Storage::default(),
        held_out_archs: 0,
    };
    note(
        &format!(
            "demo: fitting on {} tasks with `{}` held out, then searching and training ...",
            train.tasks.len(),
            args.task
        ),
        quiet,
    );
    let child_rows = ChildRows::new(settings.engine, &task, &split, &prepared, &settings.child)?;
    let held =
        HeldOut { task: &task, rows: &split.train, prepared: &prepared, child_rows: &child_rows };
    let hash = db.database_hash()?;
    let note = format!("demo, {} held out", args.task);
    let outcome = find_and_measure(&held, &train, base.loss, base.seed, &settings, &hash, &note)?;
    // The confidence's ensemble: the same fit with the next seeds.
    let meta = WeightsMeta { database_hash: &hash, note: &note, created_unix: 0 };
    let ensemble: Vec<Vec<u8>> = (1..DEMO_ENSEMBLE)
        .map(|i| {
            let fitted = RankerKind::Loss(base.loss).fit(&train, &base, base.seed + i)?;
            Ok(fitted_weights_bytes_for(&train, &fitted, &meta)?)
        })
        .collect::<Result<_>>()?;
    let confidence =
        confidence_for(&outcome.weights, &ensemble, SampleSource::Task(&task, &split.train))?;
    let table_runs = run_table(&db.all_runs()?, PresetId::Tiny);
    let names: Vec<String> = train.tasks.iter().map(|t| t.name.clone()).collect();
    let nearest = outcome.search.nearest.first().map(|n| n.task.as_str());
    let b = baselines(&table_runs, &args.task, &names, nearest);
    let found = &outcome.search;

    let mut text = format!(
        "archrank demo: `{}` held out; ranker fitted on the other {} tasks ({} loss, {} steps)\n\nchosen architecture: {} ({}, predicted score {:.4})\n",
        args.task,
        train.tasks.len(),
        LossKind::name(base.loss),
        base.steps,
        found.named,
        found.discrete,
        found.score
    );
    let _ = writeln!(
        text,
        "nearest training tasks: {}",
        found
            .nearest
            .iter()
            .map(|n| format!("{} ({:.3})", n.task, n.distance))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(c) = &confidence {
        text.push_str(&c.sentence());
    }
    let mut rows = vec![
        vec![
            "archrank, soft u*".into(),
            format!("{:.4} +- {:.4}", mean(&outcome.soft_tests), std_dev(&outcome.soft_tests)),
            "0".into(),
        ],
        vec![
            "archrank, discretized".into(),
            format!(
                "{:.4} +- {:.4}",
                mean(&outcome.discrete_tests),
                std_dev(&outcome.discrete_tests)
            ),
            "0".into(),
        ],
    ];
    let kept = kept_tests(&outcome.shortlist, DEMO_SHORTLIST);
    rows.push(vec![
        format!("archrank, best of its shortlist of {DEMO_SHORTLIST} (by validation)"),
        format!("{:.4} +- {:.4}", mean(&kept), std_dev(&kept)),
        DEMO_SHORTLIST.to_string(),
    ]);
    rows.extend(
        b.named().map(|n| vec![n.label.into(), format!("{:.4}", n.value), n.trainings.into()]),
    );
    let _ = write!(
        text,
        "\nmeasured test accuracy on `{}` ({} child seeds for archrank):\n{}",
        args.task,
        args.child_seeds,
        table(&["architecture", "test accuracy", "candidate trainings"], &rows)
    );
    let _ = writeln!(
        text,
        "\nfinished in {:.1} s; ranker and report in {}",
        started.elapsed().as_secs_f64(),
        args.output.display()
    );

    std::fs::create_dir_all(&args.output)?;
    crate::atomic_file::write(&args.output.join("ranker.postcard"), &outcome.weights)?;
    let mut report = Report::new(&format!("archrank demo: {}", args.task));
    report.text(&format!("```\n{text}```"));
    if let Some((pred, actual)) = held_out_scores(&outcome.params, base.form, &data, &args.task) {
        report.figure(
            "predicted_vs_actual.svg",
            "Predicted score against validation accuracy of the held-out task's runs",
            predicted_vs_actual(&args.task, base.loss.name(), &pred, &actual),
        );
    }
    if let Some(t) = data.task(&args.task) {
        let accs: Vec<f64> = t.runs.iter().map(|r| f64::from(r.target)).collect();
        report.figure(
            "histogram.svg",
            "Validation accuracy of the held-out task's database runs",
            histogram(&args.task, "validation accuracy", &accs, 20),
        );
    }
    report.write(&args.output)?;
    print(&text)?;
    Ok(())
}
