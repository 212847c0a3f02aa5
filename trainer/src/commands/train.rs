//! `archrank train`: a discrete architecture trained on a task, written as a model file.

use anyhow::{Context, Result, anyhow, bail};
use archrank_core::text_input::{FNV_OFFSET, fnv1a};
use archrank_core::training::Validation;
use archrank_core::{Discrete, Model, SamplesFile, TaskShape, discrete_cost};

use crate::cli::TrainArgs;
use crate::commands::task_source::{load_task, model_notes};
use crate::deploy::core_engine::{CoreModel, CoreRefit, refit_model_core, train_model_core};
use crate::deploy::delivered::{Delivered, Engine, RefitRun, train_delivered};
use crate::deploy::{accuracy, predict_rows};
use crate::output::{print, print_json, table};

pub(crate) fn run_train(args: &TrainArgs) -> Result<()> {
    if args.seeds == 0 {
        bail!("--seeds must be at least 1");
    }
    let arch = Discrete::parse(args.preset.into(), &args.discrete)
        .map_err(|e| anyhow::anyhow!("--discrete `{}`: {e}", args.discrete))?;
    let recipe = args.recipe.recipe();
    if let Some(path) = &args.source.samples {
        if recipe.engine == Some(Engine::Trainer) {
            bail!("--samples trains as a device does, with the core engine: drop --engine trainer");
        }
        let data = read_file(path)?;
        let samples = SamplesFile::load(&data).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        let held_out_data = args.held_out.as_deref().map(read_file).transpose()?;
        let held_out = match (&held_out_data, &args.held_out) {
            (Some(d), Some(p)) => {
                Some(SamplesFile::load(d).map_err(|e| anyhow!("{}: {e}", p.display()))?)
            }
            _ => None,
        };
        let trained = train_model_core(
            &samples,
            Validation::Stratified,
            &arch,
            &recipe.schedule,
            args.seeds,
            None,
            held_out.as_ref(),
        )?;
        // A device refits its kept seed on all its samples, as `train --task` does.
        let refit = recipe
            .refit
            .then(|| {
                refit_model_core(
                    &samples,
                    &arch,
                    &recipe.schedule,
                    &trained,
                    None,
                    held_out.as_ref(),
                )
            })
            .transpose()?;
        return report_core(args, &arch, &samples.shape(), samples.task, &trained, refit.as_ref());
    }
    let source = args.source.task_source();
    let (task, split, plan) = load_task(&source)?;
    let columns = model_notes(&source, &task, &split, plan)?;
    let mut delivered = train_delivered(&task, &split, &arch, &recipe, args.seeds, &columns)?;
    delivered.finish(&task, &split, &arch, &recipe, &columns)?;
    let model = Model::load(&delivered.bytes).context("the written model does not load")?;
    let test_accuracy = accuracy(&predict_rows(&model, &task, &split.test)?);
    crate::atomic_file::write(&args.output, &delivered.bytes)?;
    let shape = task.shape();
    let cost = discrete_cost(&arch, &shape);
    if args.json {
        return print_json(&serde_json::json!({
            "task": task.name, "preset": arch.preset.name(), "discrete": arch.to_string(),
            "named": arch.named(shape.text).to_string(), "cost": cost,
            "engine": delivered.engine, "seeds": delivered.seeds, "kept_seed": delivered.kept,
            "validation_accuracy": delivered.validation_accuracy(),
            "trained_rows": delivered.trained_rows, "refit": delivered.refit,
            "test_rows": split.test.len(), "accuracy": test_accuracy,
            "model": args.output.display().to_string(), "bytes": delivered.bytes.len(),
        }));
    }
    let mut text = format!(
        "task {}, architecture {} ({arch}), {} parameters, {} multiply-adds, {} bytes of \
         activations; trained by the {} engine\n",
        task.name,
        arch.named(shape.text),
        cost.params,
        cost.macs,
        cost.ram_bytes,
        delivered.engine.name(),
    );
    text.push_str(&seeds_table(&delivered));
    text.push_str(&format!(
        "{}model test accuracy (the core, {} test rows): {test_accuracy:.4}\nwrote {} ({} bytes)\n",
        delivered.refit_line(),
        split.test.len(),
        args.output.display(),
        delivered.bytes.len()
    ));
    print(&text)?;
    Ok(())
}

/// Every seed of `delivered` as a table.
fn seeds_table(delivered: &Delivered) -> String {
    let rows: Vec<Vec<String>> = delivered
        .seeds
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                format!("{i}{}", if i == delivered.kept { " (kept)" } else { "" }),
                format!("{:.4}", s.validation_accuracy),
                format!("{:.4}", s.test_accuracy),
                s.best_epoch.to_string(),
                s.epochs.to_string(),
            ]
        })
        .collect();
    table(&["seed", "val_acc", "test_acc", "best_epoch", "epochs"], &rows)
}

fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes the core engine's model and prints what each seed did.
fn report_core(
    args: &TrainArgs,
    arch: &Discrete,
    shape: &TaskShape,
    task: &str,
    trained: &CoreModel,
    refit: Option<&CoreRefit>,
) -> Result<()> {
    let bytes = refit.map_or(&trained.bytes, |r| &r.bytes);
    Model::load(bytes).context("the written model does not load")?;
    crate::atomic_file::write(&args.output, bytes)?;
    let cost = discrete_cost(arch, shape);
    let kept = &trained.runs[trained.kept];
    let accuracy = refit.map_or(kept.test_accuracy, |r| r.run.test_accuracy);
    let hash = format!("{:016x}", fnv1a(FNV_OFFSET, bytes));
    if args.json {
        return print_json(&serde_json::json!({
            "task": task, "engine": "core", "preset": arch.preset.name(),
            "discrete": arch.to_string(), "named": arch.named(shape.text).to_string(),
            "cost": cost, "seeds": trained.runs, "kept_seed": trained.kept,
            "refit": refit.map(|r| &r.run),
            "validation_accuracy": kept.validation_accuracy, "accuracy": accuracy,
            "model": args.output.display().to_string(), "bytes": bytes.len(),
            "fnv1a": hash,
        }));
    }
    let rows: Vec<Vec<String>> = trained
        .runs
        .iter()
        .map(|r| {
            vec![
                format!(
                    "{}{}",
                    r.seed,
                    if r.seed as usize == trained.kept { " (kept)" } else { "" }
                ),
                format!("{:.4}", r.validation_accuracy),
                r.test_accuracy.map_or_else(|| "-".into(), |a| format!("{a:.4}")),
                r.best_epoch.to_string(),
                r.epochs.to_string(),
                r.steps.to_string(),
            ]
        })
        .collect();
    print(&format!(
        "task {task}, architecture {} ({arch}), {} parameters; the core trained it on {} samples \
         ({} for validation) in {} bytes of memory\n",
        arch.named(shape.text),
        cost.params,
        kept.train_samples + kept.validation_samples,
        kept.validation_samples,
        kept.arena_bytes,
    ))?;
    print(&table(&["seed", "val_acc", "test_acc", "best_epoch", "epochs", "steps"], &rows))?;
    if let Some(r) = refit {
        print(&format!(
            "the kept seed was trained again on all {} samples for its {} epochs ({} steps){}{}\n",
            r.run.train_samples,
            r.run.epochs,
            r.run.steps,
            RefitRun::from(r.run.clone()).kept_epoch_clause(),
            r.run.test_accuracy.map_or_else(String::new, |a| format!("; test accuracy {a:.4}")),
        ))?;
    }
    print(&format!("wrote {} ({} bytes, fnv1a {hash})\n", args.output.display(), bytes.len()))?;
    Ok(())
}
