//! `archrank train` (a discrete architecture to a model file) and `archrank predict` (a model
//! file run by the core on a task's rows).

use anyhow::{Context, Result, anyhow, bail};
use archrank_core::text_input::{FNV_OFFSET, fnv1a};
use archrank_core::training::Validation;
use archrank_core::{Discrete, Model, SamplesFile, TaskShape, discrete_cost};

use crate::cli::{PredictArgs, TrainArgs};
use crate::commands::task_source::{csv_task, load_task, split_rows};
use crate::database::split_of;
use crate::deploy::core_engine::{CoreModel, CoreRefit, refit_model_core, train_model_core};
use crate::deploy::delivered::{Delivered, Engine, train_delivered};
use crate::deploy::{Prediction, accuracy, predict_rows};
use crate::output::{print, print_json, table};
use crate::task::Task;
use crate::task::column_plan::ColumnPlan;
use crate::task::csv_input::task_name;
use crate::task::task_csv::read_task_csv_with_plan;
use crate::task::task_samples::MAX_FEATURES;

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
    let (task, split, plan) = load_task(&args.source.task_source())?;
    let columns = plan.map(|p| serde_json::to_string(&p)).transpose()?.unwrap_or_default();
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
            "the kept seed was trained again on all {} samples for its {} epochs ({} steps){}\n",
            r.run.train_samples,
            r.run.epochs,
            r.run.steps,
            r.run.test_accuracy.map_or_else(String::new, |a| format!("; test accuracy {a:.4}")),
        ))?;
    }
    print(&format!("wrote {} ({} bytes, fnv1a {hash})\n", args.output.display(), bytes.len()))?;
    Ok(())
}

/// Relabels `task` with the model's class ids (by class name).
fn relabel(task: &mut Task, model: &Model<'_>) -> Result<()> {
    let names: Vec<&str> = model.class_names().collect();
    let map: Vec<usize> = task
        .class_names
        .iter()
        .map(|c| {
            names.iter().position(|n| n == c).with_context(|| {
                format!("class `{c}` of the task is not one the model knows ({})", names.join(", "))
            })
        })
        .collect::<Result<_>>()?;
    for l in &mut task.labels {
        *l = map.get(*l as usize).copied().unwrap_or(0) as u32;
    }
    task.class_names = names.iter().map(|&n| n.to_owned()).collect();
    Ok(())
}

pub(crate) fn run_predict(args: &PredictArgs) -> Result<()> {
    let bytes = std::fs::read(&args.model)
        .with_context(|| format!("cannot read model file {}", args.model.display()))?;
    let model =
        Model::load(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", args.model.display()))?;
    let predictions = if let Some(path) = &args.task {
        let mut task = if model.file.columns.is_empty() {
            csv_task(path, &args.csv)?.task
        } else {
            let plan: ColumnPlan = serde_json::from_str(model.file.columns).with_context(|| {
                format!("{}: the stored column plan is unreadable", args.model.display())
            })?;
            read_task_csv_with_plan(path, &task_name(path), &args.csv.options(None), &plan)?.task
        };
        let split = split_of(&task)?;
        relabel(&mut task, &model)?;
        let rows = split_rows(&split, args.split, task.rows());
        predict_rows(&model, &task, &rows)
            .with_context(|| format!("while running {}", path.display()))?
    } else if let Some(path) = &args.samples {
        let data =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let samples =
            SamplesFile::load(&data).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        samples_predictions(&model, &samples)
            .with_context(|| format!("while running {}", path.display()))?
    } else {
        bail!("give --task CSV or --samples FILE");
    };
    let classes = model.classes;
    let mut confusion = vec![vec![0_usize; classes]; classes];
    for p in &predictions {
        if let Some(cell) = confusion.get_mut(p.label as usize).and_then(|r| r.get_mut(p.class)) {
            *cell += 1;
        }
    }
    let acc = accuracy(&predictions);
    let names: Vec<&str> = model.class_names().collect();
    if args.json {
        return print_json(&serde_json::json!({
            "model": args.model.display().to_string(),
            "classes": names, "rows": predictions.len(), "accuracy": acc,
            "confusion": confusion, "predictions": predictions,
        }));
    }
    let mut header = vec!["actual \\ predicted"];
    header.extend(names.iter());
    let rows: Vec<Vec<String>> = confusion
        .iter()
        .zip(&names)
        .map(|(row, name)| {
            std::iter::once((*name).to_owned()).chain(row.iter().map(ToString::to_string)).collect()
        })
        .collect();
    let provenance = &model.file.provenance;
    print(&format!(
        "model {} ({} on {}, learned from {} rows, chosen on {}): {} rows, accuracy {acc:.4}\n\n",
        args.model.display(),
        model.discrete.named(model.is_text()),
        provenance.task,
        provenance.trained_on,
        provenance.validated_on,
        predictions.len()
    ))?;
    print(&table(&header, &rows))?;
    Ok(())
}

/// The core's predictions for a samples file.
fn samples_predictions(
    model: &Model<'_>,
    samples: &archrank_core::Samples<'_>,
) -> Result<Vec<Prediction>> {
    let mut out = Vec::with_capacity(samples.len());
    model
        .predict_samples::<MAX_FEATURES>(samples, |row, class, label, probs| {
            let probabilities = probs[..model.classes].to_vec();
            out.push(Prediction { row, class, label, probabilities });
        })
        .map_err(|(i, e)| anyhow::anyhow!("sample {}: {e}", i + 1))?;
    Ok(out)
}
