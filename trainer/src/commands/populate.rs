//! `archrank populate`.

use std::time::Instant;

use anyhow::{Result, bail};

use crate::child::ChildConfig;
use crate::cli::{EngineArg, PopulateArgs, SpaceArg};
use crate::database::Database;
use crate::deploy::delivered::Engine;
use crate::output::{print, progress_bar};
use crate::populate::{ArchSpace, PopulateSettings, execute, pending, plan};

pub(crate) fn run(args: &PopulateArgs, quiet: bool) -> Result<()> {
    if args.archs_per_task == 0 {
        bail!("--archs-per-task must be at least 1");
    }
    if args.epochs == 0 || args.max_rows == 0 {
        bail!("--epochs and --max-rows must be at least 1");
    }
    if args.jobs == Some(0) {
        bail!("--jobs must be at least 1");
    }
    let space = match args.space {
        SpaceArg::Soft if args.engine == Some(EngineArg::Core) => {
            bail!("--engine core trains discrete children only: add --space discrete")
        }
        SpaceArg::Soft => ArchSpace::Soft,
        SpaceArg::Discrete if args.seeds_per_arch == 0 => {
            bail!("--seeds-per-arch must be at least 1")
        }
        SpaceArg::Discrete => {
            let engine = args.engine.map_or(Engine::Core, Engine::from);
            ArchSpace::Discrete { seeds: args.seeds_per_arch, shared: args.shared_archs, engine }
        }
    };
    let settings = PopulateSettings {
        preset: args.preset.into(),
        seed: args.seed,
        archs_per_task: args.archs_per_task,
        space,
        noise_archs: args.noise_archs,
        noise_seeds: args.noise_seeds,
        shard: args.shard,
    };
    let child = ChildConfig {
        epochs: args.epochs,
        min_steps: args.min_steps,
        max_train_rows: Some(args.max_rows),
        ..ChildConfig::default()
    };
    let db = Database::open_existing(&args.db)?;
    let known: Vec<String> = db.list_tasks()?.into_iter().map(|t| t.name).collect();
    let tasks = if args.tasks.is_empty() {
        known
    } else {
        if let Some(missing) = args.tasks.iter().find(|t| !known.contains(t)) {
            bail!("task `{missing}` is not in {}", args.db.display());
        }
        args.tasks.clone()
    };
    let planned = plan(&tasks, &settings);
    let total = planned.len();
    let todo = pending(&db, &settings, planned)?;
    let jobs =
        args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let bar = progress_bar(todo.len() as u64, "populate", quiet);
    let started = Instant::now();
    let inserted = execute(&db, &settings, &todo, &child, jobs, |_| bar.inc(1))?;
    bar.finish_and_clear();
    print(&format!(
        "populate: {inserted} runs trained in {:.1} s ({} planned in this shard, {} were already done)\n",
        started.elapsed().as_secs_f64(),
        total,
        total - todo.len()
    ))?;
    Ok(())
}
