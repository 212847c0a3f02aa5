//! The core's child training against the trainer's (`archrank eval engines`): the same
//! architectures on the same splits of every numeric task of a database, each engine keeping its
//! best of the same number of seeds by validation accuracy; the figure is the test accuracy, the
//! comparison a paired difference over tasks with a bootstrap interval.

use anyhow::Result;
use archrank_core::optimizer::Optimizer;
use archrank_core::training::TrainConfig;
use archrank_core::{Discrete, LayerChoice, PresetId, discrete_cost};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::child::ChildConfig;
use crate::database::Database;
use crate::deploy::core_engine::train_task_core;
use crate::deploy::train_model;
use crate::evaluation::paired::Paired;
use crate::rank_stats::{mean, spearman};
use crate::rng::{Rng, derive_seed, name_hash};
use crate::task::TaskKind;

/// Seed tag of the architectures drawn per task.
const ARCH_TAG: u64 = 0x656E_6769;

/// One architecture of one task, trained by both engines.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EngineRow {
    /// The task.
    pub task: String,
    /// The architecture (`m1/relu8/skip/tanh32`).
    pub discrete: String,
    /// The input module's name.
    pub module: String,
    /// Test accuracy of the core's kept seed.
    pub core: f64,
    /// Test accuracy of the trainer's kept seed.
    pub trainer: f64,
    /// Seconds the core took (all seeds).
    pub core_seconds: f64,
    /// Seconds the trainer took (all seeds).
    pub trainer_seconds: f64,
}

/// Every row and the paired comparison over tasks (each task's mean over its architectures).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EngineReport {
    /// The rows.
    pub rows: Vec<EngineRow>,
    /// Core minus trainer, per task.
    pub paired: Paired,
    /// Mean test accuracy of the core over tasks.
    pub core_mean: f64,
    /// Mean test accuracy of the trainer over tasks.
    pub trainer_mean: f64,
    /// Mean over tasks of the Spearman between the two engines' test accuracies of the task's
    /// architectures: whether a database trained by one engine ranks architectures as models
    /// delivered by the other would (NaN with fewer than two architectures a task).
    #[serde(default)]
    pub rank_agreement: f64,
    /// Architectures per task, seeds per engine, preset and seed of the draw.
    pub architectures: usize,
    /// Child seeds per engine.
    pub seeds: u32,
    /// The preset.
    pub preset: String,
    /// Seed of the architectures' draw and the bootstrap.
    pub seed: u64,
    /// The architectures' parameter cap, if any.
    pub max_params: Option<u32>,
    /// The core's optimizer (`adam LR`, or `momentum M LR`).
    pub core_optimizer: String,
}

/// Draws of an architecture before one within the parameter cap is given up on.
const MAX_DRAWS: usize = 100_000;

/// `count` architectures of `preset` drawn uniformly (module, then each layer: skip or a base)
/// from `seed`, each redrawn until `fits` accepts it (given up after 100,000 draws).
#[must_use]
pub fn random_architectures(
    preset: PresetId,
    count: usize,
    seed: u64,
    fits: impl Fn(&Discrete) -> bool,
) -> Vec<Discrete> {
    let layout = preset.layout();
    let mut rng = Rng::new(seed);
    let mut draw = || {
        let module = rng.below(layout.modules) as u8;
        let mut layers = heapless::Vec::new();
        for _ in 0..layout.layers {
            let c = rng.below(layout.bases() + 1);
            let choice =
                if c == layout.bases() { LayerChoice::Skip } else { LayerChoice::Base(c as u8) };
            let _ = layers.push(choice);
        }
        Discrete { preset, module, layers }
    };
    (0..count).filter_map(|_| (0..MAX_DRAWS).map(|_| draw()).find(&fits)).collect()
}

/// What `eval engines` trains.
#[derive(Clone, Debug)]
pub struct EngineEvalSettings {
    /// The architectures' preset.
    pub preset: PresetId,
    /// Random architectures per task.
    pub architectures: usize,
    /// Child seeds per engine.
    pub seeds: u32,
    /// Seed of the architectures' draw and of the bootstrap.
    pub seed: u64,
    /// The architectures' parameter cap, if any.
    pub max_params: Option<u32>,
    /// The trainer's child training (and both engines' row cap).
    pub config: ChildConfig,
    /// The core's schedule.
    pub schedule: TrainConfig,
}

/// Trains `settings.architectures` random architectures per numeric task of `db` (each within
/// the parameter cap, when given) with both engines: the trainer's with `settings.config`, the
/// core's with `settings.schedule`.
///
/// # Errors
/// When the database cannot be read or a task cannot be trained.
pub fn run_engine_eval(
    db: &Database,
    settings: &EngineEvalSettings,
    progress: &(dyn Fn() + Sync),
) -> Result<EngineReport> {
    let EngineEvalSettings { preset, architectures, seeds, seed, max_params, config, schedule } =
        settings;
    let (preset, architectures, seeds, seed, max_params) =
        (*preset, *architectures, *seeds, *seed, *max_params);
    let names: Vec<String> = db
        .list_tasks()?
        .into_iter()
        .filter(|t| t.kind == TaskKind::Numeric)
        .map(|t| t.name)
        .collect();
    let tasks: Vec<_> = names.iter().map(|n| Ok(db.task_split(n)?)).collect::<Result<Vec<_>>>()?;
    let per_task: Vec<Vec<EngineRow>> = tasks
        .par_iter()
        .map(|(task, split)| {
            let shape = task.shape();
            let archs = random_architectures(
                preset,
                architectures,
                derive_seed(&[seed, ARCH_TAG, name_hash(&task.name)]),
                |a| max_params.is_none_or(|m| discrete_cost(a, &shape).params <= m),
            );
            let rows = archs
                .iter()
                .map(|arch| {
                    let start = std::time::Instant::now();
                    let core = train_task_core(task, split, arch, config, schedule, seeds)?;
                    let core_seconds = start.elapsed().as_secs_f64();
                    let start = std::time::Instant::now();
                    let trainer = train_model(task, split, arch, config, seeds, "")?;
                    let trainer_seconds = start.elapsed().as_secs_f64();
                    Ok(EngineRow {
                        task: task.name.clone(),
                        discrete: arch.to_string(),
                        module: arch
                            .named(false)
                            .to_string()
                            .split('/')
                            .next()
                            .unwrap_or("")
                            .to_owned(),
                        core: core.runs[core.kept].test_accuracy.unwrap_or(f64::NAN),
                        trainer: trainer.outcomes[trainer.kept].test_accuracy,
                        core_seconds,
                        trainer_seconds,
                    })
                })
                .collect::<Result<Vec<_>>>();
            progress();
            rows
        })
        .collect::<Result<Vec<_>>>()?;
    let task_mean = |f: fn(&EngineRow) -> f64| -> Vec<f64> {
        per_task.iter().map(|rows| mean(&rows.iter().map(f).collect::<Vec<_>>())).collect()
    };
    let core = task_mean(|r| r.core);
    let trainer = task_mean(|r| r.trainer);
    let agreement: Vec<f64> = per_task
        .iter()
        .map(|rows| {
            let (c, t): (Vec<f64>, Vec<f64>) = rows.iter().map(|r| (r.core, r.trainer)).unzip();
            spearman(&c, &t)
        })
        .filter(|r| r.is_finite())
        .collect();
    Ok(EngineReport {
        rank_agreement: mean(&agreement),
        paired: Paired::new("core", "trainer", &core, &trainer, seed),
        core_mean: mean(&core),
        trainer_mean: mean(&trainer),
        rows: per_task.into_iter().flatten().collect(),
        architectures,
        seeds,
        preset: preset.name().to_owned(),
        seed,
        max_params,
        core_optimizer: match schedule.optimizer {
            Optimizer::Adam => format!("adam {}", schedule.learning_rate),
            Optimizer::Momentum { momentum } => {
                format!("momentum {momentum} {}", schedule.learning_rate)
            }
        },
    })
}
