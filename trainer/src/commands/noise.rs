//! `archrank noise`: how noisy the database's measurements are, per task
//! ([`crate::evaluation::task_noise`]).

use anyhow::{Result, bail};
use archrank_core::PresetId;

use crate::cli::NoiseArgs;
use crate::database::{Database, Purpose};
use crate::evaluation::svg_plot::histogram;
use crate::evaluation::task_noise::task_noise;
use crate::output::{print, print_json, table};
use crate::rank_stats::{mean, median};

pub(crate) fn run(args: &NoiseArgs) -> Result<()> {
    let preset: PresetId = args.preset.into();
    let db = Database::open_read_only(&args.db)?;
    let mut runs = db.all_runs()?;
    runs.retain(|r| r.key.preset == preset);
    runs.sort_by_key(|r| {
        (r.key.purpose != Purpose::Population, r.key.arch_index, r.key.child_seed)
    });
    if let Some(task) = &args.histogram_task {
        let accs: Vec<f64> = runs
            .iter()
            .filter(|r| &r.key.task == task && r.key.purpose == Purpose::Population)
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
    let ratios: Vec<f64> = noise.iter().map(|n| n.spread_to_noise).collect();
    let median = median(&ratios);
    print(&format!(
        "mean seed std of validation accuracy {:.4}; median spread/noise {median:.2}\n",
        mean(&stds)
    ))?;
    Ok(())
}
