//! `archrank noise`: how noisy the database's measurements are, per task — the seed-to-seed
//! standard deviation of validation accuracy (the paper's basis for gap = 0.01), the spread
//! across architectures against it, and the noise ceiling of any ranker.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use archrank_core::PresetId;
use serde::Serialize;

use crate::cli::NoiseArgs;
use crate::database::{Database, Purpose, RunRecord};
use crate::output::{print, print_json, table};
use crate::rank_stats::{mean, spearman, std_dev};
use crate::svg_plot::histogram;

/// Measurement noise of one task.
#[derive(Clone, Debug, Serialize)]
pub struct TaskNoise {
    /// Task name.
    pub task: String,
    /// Population runs.
    pub runs: usize,
    /// Architectures measured with more than one seed.
    pub noise_archs: usize,
    /// Mean over those architectures of the std of validation accuracy across seeds.
    pub seed_std: f64,
    /// Std of validation accuracy across the population's architectures.
    pub arch_spread: f64,
    /// arch_spread / seed_std: how far above the noise the architectures differ.
    pub spread_to_noise: f64,
    /// Spearman between two seeds of the same architectures: no ranker can beat it.
    pub noise_ceiling: f64,
}

/// Noise figures of every task with noise runs.
#[must_use]
pub(crate) fn task_noise(runs: &[RunRecord]) -> Vec<TaskNoise> {
    let mut by_task: BTreeMap<&str, Vec<&RunRecord>> = BTreeMap::new();
    for r in runs {
        by_task.entry(r.task.as_str()).or_default().push(r);
    }
    let mut out = Vec::new();
    for (task, runs) in by_task {
        let population: Vec<&RunRecord> =
            runs.iter().copied().filter(|r| r.purpose == Purpose::Population).collect();
        let mut seeds: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        for r in &runs {
            seeds.entry(r.arch_index).or_default().push(r.val_acc);
        }
        // Population run first, then noise runs in insertion order.
        let repeated: Vec<&Vec<f64>> = seeds.values().filter(|v| v.len() >= 2).collect();
        if repeated.is_empty() {
            continue;
        }
        let seed_std = mean(&repeated.iter().map(|v| std_dev(v)).collect::<Vec<_>>());
        let first: Vec<f64> = repeated.iter().map(|v| v[0]).collect();
        let second: Vec<f64> = repeated.iter().map(|v| v[1]).collect();
        let arch_spread = std_dev(&population.iter().map(|r| r.val_acc).collect::<Vec<_>>());
        out.push(TaskNoise {
            task: task.to_owned(),
            runs: population.len(),
            noise_archs: repeated.len(),
            seed_std,
            arch_spread,
            spread_to_noise: if seed_std > 0.0 { arch_spread / seed_std } else { f64::INFINITY },
            noise_ceiling: spearman(&first, &second),
        });
    }
    out
}

pub(crate) fn run(args: &NoiseArgs) -> Result<()> {
    let preset: PresetId = args.preset.into();
    let db = Database::open_read_only(&args.db)?;
    let mut runs = db.all_runs()?;
    runs.retain(|r| r.preset == preset.name());
    runs.sort_by_key(|r| (r.purpose != Purpose::Population, r.arch_index, r.child_seed));
    if let Some(task) = &args.histogram_task {
        let accs: Vec<f64> = runs
            .iter()
            .filter(|r| &r.task == task && r.purpose == Purpose::Population)
            .map(|r| r.val_acc)
            .collect();
        if accs.is_empty() {
            bail!("task `{task}` has no {preset} runs in {}", args.db.display());
        }
        let svg = histogram(
            &format!("{task}: validation accuracy of {} runs", accs.len()),
            "validation accuracy",
            &accs,
            20,
        );
        crate::atomic_file::write(&args.histogram, svg.as_bytes())?;
    }
    let noise = task_noise(&runs);
    if args.json {
        return print_json(&noise);
    }
    if noise.is_empty() {
        print("no task has noise runs: run `archrank populate --noise-archs K` first\n")?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = noise
        .iter()
        .map(|n| {
            vec![
                n.task.clone(),
                n.runs.to_string(),
                n.noise_archs.to_string(),
                format!("{:.4}", n.seed_std),
                format!("{:.4}", n.arch_spread),
                format!("{:.2}", n.spread_to_noise),
                format!("{:.3}", n.noise_ceiling),
            ]
        })
        .collect();
    print(&table(
        &["task", "runs", "noise_archs", "seed_std", "arch_spread", "spread/noise", "ceiling"],
        &rows,
    ))?;
    let stds: Vec<f64> = noise.iter().map(|n| n.seed_std).collect();
    let mut ratios: Vec<f64> =
        noise.iter().map(|n| n.spread_to_noise).filter(|r| r.is_finite()).collect();
    ratios.sort_by(f64::total_cmp);
    let median = ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN);
    print(&format!(
        "mean seed std of validation accuracy {:.4}; median spread/noise {median:.2}\n",
        mean(&stds)
    ))?;
    Ok(())
}
