//! `archrank fit`: co-train phi and rho on the database and write the weights file.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use archrank_core::{LossKind, PresetId};

use crate::cli::{FitArgs, FitCommandArgs};
use crate::database::Database;
use crate::fit::{
    FitConfig, Metric, Optimizer, WeightsMeta, fit_preset, fitted_weights_bytes_for, load_fit_data,
    unix_now,
};
use crate::output::{print, print_json};

/// Checks the fit options and fills unset ones from `FitConfig::default()`.
///
/// # Errors
/// Names the option that is out of range or unknown.
pub(crate) fn fit_config(args: &FitArgs, loss: Option<&str>) -> Result<FitConfig> {
    let mut c = FitConfig { seed: args.seed, ..FitConfig::default() };
    if let Some(name) = loss {
        c.loss = LossKind::from_name(name)
            .with_context(|| format!("--loss: unknown loss `{name}` (l2, linear, quadratic)"))?;
    }
    if let Some(m) = args.margin {
        if !(m.is_finite() && m > 0.0) {
            bail!("--margin must be a positive number, got {m}");
        }
        c.margin = m;
    }
    if let Some(g) = args.gap {
        if !(g.is_finite() && g >= 0.0) {
            bail!("--gap must be a number >= 0, got {g}");
        }
        c.gap = g;
    }
    if let Some(name) = &args.optimizer {
        c.optimizer = Optimizer::from_name(name)
            .with_context(|| format!("--optimizer: unknown optimizer `{name}` (sgd, adam)"))?;
    }
    if let Some(lr) = args.lr {
        if !(lr.is_finite() && lr > 0.0) {
            bail!("--lr must be a positive number, got {lr}");
        }
        c.lr = lr;
    }
    if let Some(m) = args.momentum {
        if !(0.0..1.0).contains(&m) {
            bail!("--momentum must be in [0, 1), got {m}");
        }
        c.momentum = m;
    }
    if let Some(s) = args.steps {
        if s == 0 {
            bail!("--steps must be at least 1");
        }
        c.steps = s;
    }
    if let Some(b) = args.batch_samples {
        if b == 0 {
            bail!("--batch-samples must be at least 1");
        }
        c.batch_samples = b;
    }
    if let Some(p) = args.pairs {
        if p == 0 {
            bail!("--pairs must be at least 1");
        }
        c.pairs = p;
    }
    if let Some(m) = &args.metric {
        c.metric = Metric::from_name(m).with_context(|| {
            format!("--metric: unknown metric `{m}` (val_acc, val_balanced_acc, neg_val_xent)")
        })?;
    }
    c.validate()?;
    Ok(c)
}

pub(crate) fn run(args: &FitCommandArgs, quiet: bool) -> Result<()> {
    let config = fit_config(&args.fit, args.loss.as_deref())?;
    let preset: PresetId = args.preset.into();
    let db = Database::open_read_only(&args.db)?;
    let data = load_fit_data(&db, preset, config.metric, &args.exclude_task, config.seed)?;
    if data.tasks.is_empty() {
        bail!(
            "{} has no task with at least two {preset} runs: populate it first",
            args.db.display()
        );
    }
    let bar = crate::output::progress_bar(u64::from(config.steps), "fit", quiet);
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
    // SOURCE_DATE_EPOCH (the reproducible-builds convention) pins the timestamp, so the same
    // database, settings and seed give the same bytes.
    let created_unix = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(unix_now);
    let meta = WeightsMeta { database_hash: &hash, note: &note, created_unix };
    let bytes = fitted_weights_bytes_for(&data, &result, &meta)?;
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
            "loss": config.loss.name(), "steps": config.steps, "tasks": result.tasks.len(),
            "seconds": seconds, "final_loss": result.final_loss(),
            "curve": result.curve.iter().map(|p| (p.step, p.loss)).collect::<Vec<_>>(),
        }));
    }
    print(&format!(
        "fitted {} ranker ({} loss, {} steps, {} tasks) in {seconds:.1} s; final loss {:.4}\nwrote {} ({} bytes)\n",
        preset,
        config.loss.name(),
        config.steps,
        result.tasks.len(),
        result.final_loss().unwrap_or(f32::NAN),
        args.output.display(),
        bytes.len()
    ))?;
    Ok(())
}
