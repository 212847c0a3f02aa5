//! `archrank fit`: co-train the set encoder and the scoring towers on the database and write the
//! weights file.

use std::time::Instant;

use anyhow::{Result, bail};
use archrank_core::PresetId;

use crate::cli::FitCommandArgs;
use crate::database::Database;
use crate::fit::{
    TaskInputs, WeightsMeta, creation_time, fit_preset, fitted_weights_bytes_for, load_fit_data,
};
use crate::output::{print, print_json, progress_bar};

pub(crate) fn run(args: &FitCommandArgs, quiet: bool) -> Result<()> {
    let config = args.fit.config(args.loss.map(Into::into))?;
    let storage = args.storage.storage()?;
    if config.inputs != TaskInputs::PRODUCT {
        bail!("--landmarks is for the evaluations: a device does not compute the landmarkers");
    }
    let preset: PresetId = args.preset.into();
    let db = Database::open_read_only(&args.db)?;
    let data = load_fit_data(&db, preset, config.metric, &args.exclude_task, config.seed)?;
    if data.tasks.is_empty() {
        bail!(
            "{} has no task with at least two {preset} runs: populate it first",
            args.db.display()
        );
    }
    let bar = progress_bar(u64::from(config.steps), "fit", quiet);
    let started = Instant::now();
    let result = fit_preset(&data, &config, &|step, loss| {
        bar.set_position(u64::from(step));
        bar.set_message(format!("fit (loss {loss:.4})"));
    })?;
    bar.finish_and_clear();
    let hash = db.database_hash()?;
    let note = if args.exclude_task.is_empty() {
        String::from("fitted on every task")
    } else {
        format!("held out: {}", args.exclude_task.join(", "))
    };
    let meta = WeightsMeta { database_hash: &hash, note: &note, created_unix: creation_time() };
    let bytes = storage.apply(fitted_weights_bytes_for(&data, &result, &meta)?)?;
    crate::atomic_file::write(&args.output, &bytes)?;
    if let Some(path) = &args.loss_log {
        let mut csv = String::from("step,loss\n");
        for p in &result.curve {
            csv.push_str(&format!("{},{}\n", p.step, p.loss));
        }
        crate::atomic_file::write(path, csv.as_bytes())?;
    }
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        return print_json(&serde_json::json!({
            "output": args.output.display().to_string(), "bytes": bytes.len(), "preset": preset.name(),
            "quantization": storage.quantization.name(),
            "loss": config.loss.name(), "ranker": config.form.name(), "steps": config.steps,
            "residual_penalty": config.residual_penalty, "same_task_weight": config.same_task_weight,
            "tasks": result.tasks.len(),
            "seconds": seconds, "final_loss": result.final_loss(),
            "curve": result.curve.iter().map(|p| (p.step, p.loss)).collect::<Vec<_>>(),
        }));
    }
    print(&format!(
        "fitted {} ranker ({} form, {} loss, {} steps, {} tasks) in {seconds:.1} s; final loss {:.4}\nwrote {} ({} bytes)\n",
        preset,
        config.form.name(),
        config.loss.name(),
        config.steps,
        result.tasks.len(),
        result.final_loss().unwrap_or(f32::NAN),
        args.output.display(),
        bytes.len()
    ))?;
    Ok(())
}
