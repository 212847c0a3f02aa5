//! `archrank choose`: a few trainings spent on the ranker's shortlist — search K distinct
//! architectures, train each, keep the best by validation accuracy (or the smallest within a
//! tolerance of it: `--smallest-within`), write its model file.

use anyhow::{Context, Result, bail};
use archrank_core::{Budget, Discrete, Model, PresetId, widest_within};
use serde::Serialize;

use crate::cli::ChooseArgs;
use crate::commands::task_source::{load_task, model_notes};
use crate::deploy::delivered::{Delivered, train_delivered};
use crate::deploy::{accuracy, predict_rows};
use crate::output::{print, print_json, table};
use crate::rank_stats::smallest_within;
use crate::ranker_source::Weights;
use crate::search::{
    SampleSource, SearchError, SearchOptions, ShortlistEntry, ShortlistRequest, search_with_options,
};

/// One trained candidate.
#[derive(Serialize)]
struct Trained<'a> {
    #[serde(flatten)]
    candidate: &'a ShortlistEntry,
    /// Validation accuracy of its kept seed: what the choice reads.
    validation_accuracy: f64,
    #[serde(skip)]
    model: Delivered,
}

/// The ranker's best among the architectures of the fewest parameters any can have on the task
/// (within `budget`'s other limits too); `None` when the budget leaves none.
fn smallest_candidate(
    bytes: &[u8],
    preset: PresetId,
    source: SampleSource<'_>,
    budget: Budget,
) -> Result<Option<ShortlistEntry>> {
    // The cost model's least, without a ranker: no architecture has no parameters.
    let least =
        widest_within(&preset.layout(), &source.shape(), &Budget { max_params: Some(0), ..budget })
            .err()
            .map_or(0, |e| e.least.params);
    let options = SearchOptions {
        budget: Budget { max_params: Some(least), ..budget },
        shortlist: ShortlistRequest::of(1),
        ..Default::default()
    };
    match search_with_options(bytes, source, &options) {
        Ok(found) => Ok(found.shortlist.into_iter().next()),
        Err(SearchError::Budget(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn run(args: &ChooseArgs) -> Result<()> {
    if args.seeds == 0 {
        bail!("--seeds must be at least 1");
    }
    let weights = Weights::load(args.weights.as_deref())?;
    let (task, split, plan) = load_task(&args.source)?;
    let columns = model_notes(&args.source, &task, &split, plan)?;
    let ensemble = weights.ensemble(&args.ensemble.ensemble)?;
    let options = SearchOptions {
        budget: args.budget.budget(),
        shortlist: ShortlistRequest::of(args.trainings(task.kind())),
        confidence: true,
        ensemble: &ensemble,
    };
    let found =
        search_with_options(&weights.bytes, SampleSource::Task(&task, &split.train), &options)
            .with_context(|| format!("while searching with {}", weights.name))?;
    let preset = PresetId::from_name(&found.preset).context("the search named no preset")?;
    let tolerance = args.tolerance(task.kind());
    let mut candidates = found.shortlist.clone();
    // The rule keeps a smaller model only if one was trained: with a tolerance, the ranker's
    // best among the smallest architectures joins the shortlist when it is not on it.
    if tolerance > 0.0 {
        let source = SampleSource::Task(&task, &split.train);
        if let Some(small) = smallest_candidate(&weights.bytes, preset, source, options.budget)?
            && !candidates.iter().any(|c| c.discrete == small.discrete)
        {
            candidates.push(small);
        }
    }
    let recipe = args.recipe.recipe();
    let mut trained = Vec::with_capacity(candidates.len());
    let mut archs = Vec::with_capacity(candidates.len());
    for candidate in &candidates {
        let arch = Discrete::parse(preset, &candidate.discrete)
            .map_err(|e| anyhow::anyhow!("shortlisted `{}`: {e}", candidate.discrete))?;
        let model = train_delivered(&task, &split, &arch, &recipe, args.seeds, &columns)?;
        let validation_accuracy = model.validation_accuracy();
        trained.push(Trained { candidate, validation_accuracy, model });
        archs.push(arch);
    }
    // The smallest within the tolerance of the best by validation accuracy (the best, the
    // better-ranked on ties, at tolerance 0). Only the kept one is finished.
    let validation: Vec<f64> = trained.iter().map(|t| t.validation_accuracy).collect();
    let sizes: Vec<u32> = trained.iter().map(|t| t.candidate.cost.params).collect();
    let kept = smallest_within(&validation, &sizes, split.validation.len(), tolerance)
        .context("the shortlist is empty")?;
    trained[kept].model.finish(&task, &split, &archs[kept], &recipe, &columns)?;
    let delivered = &trained[kept].model;
    let bytes = &delivered.bytes;
    let model = Model::load(bytes).context("the written model does not load")?;
    let test_accuracy = accuracy(&predict_rows(&model, &task, &split.test)?);
    if let Some(path) = &args.output {
        crate::atomic_file::write(path, bytes)?;
    }
    if args.json {
        return print_json(&serde_json::json!({
            "task": task.name, "preset": found.preset, "budget": found.budget,
            "candidates": trained, "kept": kept, "named": trained[kept].candidate.named,
            "smallest_within": tolerance,
            "confidence": found.confidence, "engine": delivered.engine,
            "trained_rows": delivered.trained_rows, "refit": delivered.refit,
            "test_rows": split.test.len(), "test_accuracy": test_accuracy,
            "model": args.output.as_ref().map(|p| p.display().to_string()),
        }));
    }
    let rows: Vec<Vec<String>> = trained
        .iter()
        .enumerate()
        .map(|(i, t)| {
            vec![
                format!("{}{}", i + 1, if i == kept { " (kept)" } else { "" }),
                t.candidate.named.clone(),
                format!("{:.4}", t.candidate.score),
                t.candidate.cost.params.to_string(),
                format!("{:.4}", t.validation_accuracy),
            ]
        })
        .collect();
    let mut text = format!(
        "task {} ({} training rows), {} candidates from the ranker's shortlist, {} seed(s) each\n\n",
        task.name,
        split.train.len(),
        trained.len(),
        args.seeds
    );
    text.push_str(&table(&["#", "architecture", "score", "params", "val_acc"], &rows));
    if let Some(c) = &found.confidence {
        text.push('\n');
        text.push_str(&c.sentence());
    }
    text.push_str(&format!(
        "\nkept {}{} (trained by the {} engine); {}its test accuracy (the core, {} test rows): \
         {test_accuracy:.4}\n",
        trained[kept].candidate.named,
        if tolerance > 0.0 {
            format!(
                ", the smallest within {tolerance} standard error(s) of the best validation \
                 accuracy,"
            )
        } else {
            " by validation accuracy".to_owned()
        },
        delivered.engine.name(),
        delivered.refit_line(),
        split.test.len()
    ));
    match &args.output {
        Some(path) => text.push_str(&format!("wrote {} ({} bytes)\n", path.display(), bytes.len())),
        None => text.push_str("(no model written: give -o FILE)\n"),
    }
    print(&text)?;
    Ok(())
}
