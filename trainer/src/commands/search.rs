//! `archrank search`, `archrank inspect` and `archrank export-samples`.

use anyhow::{Context, Result, bail};
use archrank_core::{AnyRanker, SamplesFile};

use crate::cli::{ExportFormat, ExportSamplesArgs, InspectArgs, SearchArgs};
use crate::commands::column_plan_view::{column_plan_table, csv_summary};
use crate::commands::task_source::{csv_task, load_task, split_rows};
use crate::database::Database;
use crate::output::{print, print_json, table};
use crate::ranker_source::Weights;
use crate::search::{
    DiscreteChecks, SampleSource, SearchOptions, SearchOutput, ShortlistRequest,
    search_with_options,
};
use crate::task::column_plan::ColumnPlan;
use crate::task::rows_csv::rows_csv_bytes;
use crate::task::split::stratified_subsample;
use crate::task::task_samples::samples_file_bytes;

pub(crate) fn run_search(args: &SearchArgs) -> Result<()> {
    let weights = Weights::load(args.weights.as_deref())?;
    let ensemble = weights.ensemble(&args.ensemble.ensemble)?;
    let bytes = &weights.bytes;
    let options = SearchOptions {
        budget: args.budget.budget(),
        shortlist: ShortlistRequest::of(usize::from(args.shortlist)),
        confidence: true,
        ensemble: &ensemble,
    };
    let mut plan: Option<ColumnPlan> = None;
    let source = &args.source;
    let output = if let Some(path) = &source.samples {
        let data =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let samples =
            SamplesFile::load(&data).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        search_with_options(bytes, SampleSource::Samples(&samples), &options)
    } else {
        let (task, rows) = if let Some(path) = &source.task {
            let read = csv_task(path, &source.csv)?;
            plan = Some(read.plan);
            let rows: Vec<usize> = (0..read.task.rows()).collect();
            (read.task, rows)
        } else if let Some(name) = &source.db_task {
            let (task, split) = Database::open_read_only(&source.db)?.task_split(name)?;
            (task, split.train)
        } else {
            bail!("give --task CSV, --db-task NAME or --samples FILE");
        };
        search_with_options(bytes, SampleSource::Task(&task, &rows), &options)
    }
    .with_context(|| format!("while searching with {}", weights.name))?;
    if args.golden {
        return Ok(print(&output.golden)?);
    }
    if args.json {
        let mut value = serde_json::to_value(&output)?;
        if let (Some(plan), Some(object)) = (&plan, value.as_object_mut()) {
            object.insert("columns".into(), serde_json::to_value(&plan.columns)?);
            object.insert("csv".into(), csv_summary(plan));
        }
        return print_json(&value);
    }
    let mut text = format!(
        "task {} ({} samples), preset {}\n\nchosen architecture: {} ({})\npredicted score: {:.4}\n\
         cost: {} parameters, {} multiply-adds per sample, {} bytes of activations{}\n\n",
        output.task,
        output.samples,
        output.preset,
        output.named,
        output.discrete,
        output.score,
        output.cost.params,
        output.cost.macs,
        output.cost.ram_bytes,
        budget_note(&output.budget),
    );
    let rows: Vec<Vec<String>> = output
        .soft
        .iter()
        .map(|g| {
            let mut opts = g.options.clone();
            opts.sort_by(|a, b| b.1.total_cmp(&a.1));
            let shown: Vec<String> =
                opts.iter().take(4).map(|(n, p)| format!("{n} {p:.2}")).collect();
            vec![g.group.clone(), shown.join(", ")]
        })
        .collect();
    text.push_str("soft mixture (largest weights first):\n");
    text.push_str(&table(&["group", "options"], &rows));
    text.push_str("\nwhy: nearest training tasks\n");
    let near: Vec<Vec<String>> =
        output.nearest.iter().map(|n| vec![n.task.clone(), format!("{:.4}", n.distance)]).collect();
    text.push_str(&table(&["task", "distance"], &near));
    if let Some(c) = &output.confidence {
        text.push_str(&c.sentence());
    }
    text.push_str(&format!(
        "started from {}'s #{} architecture (validation accuracy {:.4} there; score {:.4} here)\n",
        output.start.task,
        output.start.rank + 1,
        output.start.accuracy,
        output.start.score
    ));
    if let Some(c) = &output.checks {
        text.push_str(&discrete_checks_note(c));
    }
    if !output.shortlist.is_empty() {
        text.push_str("\nshortlist (train these and keep the best by validation accuracy):\n");
        text.push_str(&shortlist_table(&output));
    }
    if let Some(plan) = &plan {
        text.push_str("\nhow the CSV was read:\n");
        text.push_str(&column_plan_table(plan));
    }
    print(&text)?;
    Ok(())
}

/// What the deployable space says of the answer, scored whole: its finish and argmax, named as
/// checks (the chosen architecture stays the search's).
fn discrete_checks_note(c: &DiscreteChecks) -> String {
    let mut note = format!(
        "\ndeployable space: {} architectures within the budget scored; the chosen one scores \
         {:.4} as it is deployed
",
        c.scored, c.answer_score
    );
    if c.finish_moves > 0 {
        note.push_str(&format!(
            "  one choice at a time from it: {} ({:.4}, {} changes)\n",
            c.finished.named, c.finished.score, c.finish_moves
        ));
    }
    if c.argmax.score > c.answer_score {
        note.push_str(&format!(
            "  best of them all: {} ({:.4}); not chosen: the ranker was fitted on soft mixtures, \
             and its one-hot scores are not yet measured to pay (RESULTS.md)\n",
            c.argmax.named, c.argmax.score
        ));
    } else {
        note.push_str("  it is the best of them all\n");
    }
    note
}

/// The shortlist, one architecture a row.
pub(crate) fn shortlist_table(output: &SearchOutput) -> String {
    let rows: Vec<Vec<String>> = output
        .shortlist
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                (i + 1).to_string(),
                if c.climbed { c.named.clone() } else { format!("{} *", c.named) },
                format!("{:.4}", c.score),
                format!("{:.4}", c.discrete_score),
                c.cost.params.to_string(),
                c.cost.macs.to_string(),
                c.cost.ram_bytes.to_string(),
            ]
        })
        .collect();
    let mut text = table(
        &["#", "architecture", "score", "discrete score", "params", "MACs", "RAM bytes"],
        &rows,
    );
    if output.shortlist.iter().any(|c| !c.climbed) {
        text.push_str(
            "* not reached by the climb within the budget: the best by discrete score of the \
             space scored whole\n",
        );
    }
    text
}

/// `" (budget: at most ...)"`, or nothing without limits.
fn budget_note(budget: &archrank_core::Budget) -> String {
    let parts: Vec<String> = [
        budget.max_params.map(|n| format!("{n} parameters")),
        budget.max_macs.map(|n| format!("{n} multiply-adds")),
        budget.max_ram_bytes.map(|n| format!("{n} bytes")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" (budget: at most {})", parts.join(", "))
    }
}

pub(crate) fn run_inspect(args: &InspectArgs) -> Result<()> {
    let weights = Weights::load(args.weights.as_deref())?;
    let bytes = &weights.bytes;
    let ranker = AnyRanker::load(bytes).map_err(|e| anyhow::anyhow!("{}: {e}", weights.name))?;
    let preset = ranker.preset();
    let header = ranker.header();
    let tasks: Vec<&str> = header.tasks.names.split('\n').collect();
    let distinct_archs = ranker.tasks().arch_count();
    let quantization = header.quantization.name();
    let t = &header.tasks;
    let table_bytes =
        t.names.len() + t.embeddings.len() + t.archs.len() + t.top_archs.len() + t.top_scores.len();
    if args.json {
        return print_json(&serde_json::json!({
            "file": weights.name,
            "bundled": weights.bundled,
            "bytes": bytes.len(),
            "format_version": header.format_version,
            "preset": preset.name(),
            "quantization": quantization,
            "network_bytes": header.params.len(),
            "task_table_bytes": table_bytes,
            "task_count": tasks.len(),
            "dims": header.dims,
            "fit": header.fit,
            "provenance": header.provenance,
            "search": header.search,
            "training_tasks": tasks,
            "distinct_top_architectures": distinct_archs,
        }));
    }
    let d = &header.dims;
    let f = &header.fit;
    let p = &header.provenance;
    let s = &header.search;
    let rows = vec![
        vec!["ranker".into(), format!("{} ({} bytes)", weights.name, bytes.len())],
        vec!["format version".into(), header.format_version.to_string()],
        vec!["preset".into(), preset.name().into()],
        vec![
            "storage".into(),
            format!(
                "{quantization}: network {} bytes, task table {table_bytes} bytes",
                header.params.len()
            ),
        ],
        vec![
            "dimensions".into(),
            format!(
                "M={} L={} B={} U={} x={} set={}x{}/{}/{} z={} rho={}/{} top_k={}",
                d.modules,
                d.layers,
                d.bases,
                d.arch_dim,
                d.encoded_dim,
                d.set_features,
                d.feature_hidden,
                d.set_hidden,
                d.set_embed,
                d.embed_dim,
                d.rho_hidden1,
                d.rho_hidden2,
                d.top_k
            ),
        ],
        vec![
            "loss".into(),
            format!(
                "{} (margin {}, gap {}), {} form, {} steps, seed {}",
                f.loss.name(),
                f.margin,
                f.gap,
                f.form.name(),
                f.steps,
                f.seed
            ),
        ],
        vec!["trainer".into(), p.trainer_version.into()],
        vec!["database".into(), p.database_hash.into()],
        vec!["created (unix)".into(), p.created_unix.to_string()],
        vec!["note".into(), p.note.into()],
        vec![
            "search".into(),
            format!(
                "{} steps, lr {}, max step {}, logits within +-{}",
                s.steps, s.learning_rate, s.max_step, s.logit_bound
            ),
        ],
        vec!["training tasks".into(), tasks.len().to_string()],
        vec![
            "top architectures".into(),
            format!(
                "{} ranks per task (a trimmed file repeats its last kept), {distinct_archs} \
                 distinct ({} bytes)",
                d.top_k,
                header.tasks.archs.len()
            ),
        ],
    ];
    // The task list goes below the table, so one long line does not widen every row.
    print(&format!(
        "{}\ntraining tasks: {}\n",
        table(&["field", "value"], &rows),
        tasks.join(", ")
    ))?;
    Ok(())
}

pub(crate) fn run_export_samples(args: &ExportSamplesArgs) -> Result<()> {
    let (task, split, _) = load_task(&args.source)?;
    if args.max_samples == 0 {
        bail!("--max-samples must be at least 1");
    }
    let from = split_rows(&split, args.split, task.rows());
    let mut rows = stratified_subsample(&from, &task.labels, args.max_samples, args.seed);
    let bytes = match args.format {
        ExportFormat::Samples => samples_file_bytes(&task, &rows)?,
        ExportFormat::Csv => {
            rows.sort_unstable();
            rows_csv_bytes(&task, &rows)?
        }
    };
    crate::atomic_file::write(&args.output, &bytes)?;
    print(&format!(
        "wrote {} samples of {} ({} bytes) to {}\n",
        rows.len(),
        task.name,
        bytes.len(),
        args.output.display()
    ))?;
    Ok(())
}
