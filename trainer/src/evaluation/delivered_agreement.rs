//! Does the database rank architectures as the models users get would (`archrank eval
//! delivered`)? On each task, architectures the database ran: their test accuracy in the database
//! (seed means) against the test accuracy of the model `train` delivers for them (its recipe:
//! every training row, the best of its seeds by validation, the refit), as a Spearman per task;
//! beside it the database's own seed-to-seed agreement on the same architectures, the ceiling a
//! perfect agreement would be measured against.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use archrank_core::{Discrete, Model, PresetId};
use rayon::prelude::*;
use serde::Serialize;

use super::baselines::arch_key;
use crate::database::{Database, Purpose};
use crate::deploy::delivered::{Recipe, train_delivered};
use crate::deploy::{accuracy, predict_rows};
use crate::evaluation::paired::Paired;
use crate::rank_stats::{mean, spearman};
use crate::rng::{Rng, derive_seed, name_hash};
use crate::task::TaskKind;

/// Seed tag of the architectures picked per task.
const PICK_TAG: u64 = 0x6465_6C69;

/// One architecture of one task: the database's accuracy and the delivered model's.
#[derive(Clone, Debug, Serialize)]
pub struct DeliveredRow {
    /// The task.
    pub task: String,
    /// `numeric` or `text`.
    pub kind: String,
    /// The architecture (`zscore/relu8/skip/tanh32`).
    pub discrete: String,
    /// Test accuracy in the database, the mean of its seeds.
    pub database: f64,
    /// Test accuracy of its first two seeds in the database (the seed-to-seed ceiling).
    pub database_seeds: [f64; 2],
    /// Test accuracy of the delivered model.
    pub delivered: f64,
    /// Seconds the delivered training took.
    pub seconds: f64,
}

/// Rank agreement of the database with delivered models, by task kind.
#[derive(Clone, Debug, Serialize)]
pub struct Agreement {
    /// `all`, `numeric` or `text`.
    pub kind: String,
    /// Tasks with a finite Spearman.
    pub tasks: usize,
    /// Mean over tasks of the Spearman between the database's and the delivered test accuracy.
    pub database_vs_delivered: f64,
    /// Mean over tasks of the Spearman between the database's first two seeds.
    pub seed_vs_seed: f64,
}

/// Every row and the summaries.
#[derive(Clone, Debug, Serialize)]
pub struct DeliveredReport {
    /// The rows.
    pub rows: Vec<DeliveredRow>,
    /// Agreement over all tasks, numeric and text ones.
    pub agreement: Vec<Agreement>,
    /// Delivered minus database test accuracy, per task (its architectures' mean).
    pub paired: Paired,
    /// The engine of the database's runs.
    pub database_engine: String,
    /// Architectures per task.
    pub architectures: usize,
    /// Seeds of each delivered training.
    pub seeds: u32,
    /// Seed of the picks and of the bootstrap.
    pub seed: u64,
}

/// What `eval delivered` trains.
#[derive(Clone, Debug)]
pub struct DeliveredSettings {
    /// The runs' preset.
    pub preset: PresetId,
    /// Architectures per task (those the database ran with at least two seeds).
    pub architectures: usize,
    /// Seeds of each delivered training.
    pub seeds: u32,
    /// The delivered recipe.
    pub recipe: Recipe,
    /// Seed of the picks and of the bootstrap.
    pub seed: u64,
}

/// One task's picks: (architecture, database seed-mean test, first two seeds' tests).
type Picks = Vec<(Discrete, f64, [f64; 2])>;

/// Up to `count` of `task`'s architectures that the database ran with two seeds or more, drawn
/// with `seed`.
fn picks(db: &Database, task: &str, preset: PresetId, count: usize, seed: u64) -> Result<Picks> {
    let layout = preset.layout();
    let mut by_arch: BTreeMap<Vec<u32>, (Vec<f32>, Vec<f64>)> = BTreeMap::new();
    for r in db.runs_for_task(task, preset)? {
        if r.key.purpose == Purpose::Population {
            by_arch
                .entry(arch_key(&r.arch))
                .or_insert_with(|| (r.arch.clone(), Vec::new()))
                .1
                .push(r.test_acc);
        }
    }
    let mut many: Vec<(Vec<f32>, Vec<f64>)> =
        by_arch.into_values().filter(|(_, tests)| tests.len() >= 2).collect();
    Rng::new(derive_seed(&[seed, PICK_TAG, name_hash(task)])).shuffle_front(&mut many, count);
    many.truncate(count);
    Ok(many
        .into_iter()
        .map(|(u, tests)| (Discrete::from_logits(&layout, &u), mean(&tests), [tests[0], tests[1]]))
        .collect())
}

/// Trains, for every task of `db`, `settings.architectures` of the architectures its database
/// ran as `train` delivers them, and compares the two rankings; `progress` is called once per
/// task of the database.
///
/// # Errors
/// When the database cannot be read or a task cannot be trained.
pub fn run_delivered_eval(
    db: &Database,
    settings: &DeliveredSettings,
    progress: &(dyn Fn() + Sync),
) -> Result<DeliveredReport> {
    let names: Vec<String> = db.list_tasks()?.into_iter().map(|t| t.name).collect();
    let mut jobs = Vec::new();
    for name in &names {
        let (task, split) = db.task_split(name)?;
        let picked = picks(db, name, settings.preset, settings.architectures, settings.seed)?;
        if picked.len() >= 2 {
            jobs.push((task, split, picked));
        } else {
            // Fewer than two architectures rank nothing: counted as done.
            progress();
        }
    }
    let per_task: Vec<Vec<DeliveredRow>> = jobs
        .par_iter()
        .map(|(task, split, picked)| {
            let rows = picked
                .iter()
                .map(|(arch, database, database_seeds)| {
                    let start = std::time::Instant::now();
                    let mut model =
                        train_delivered(task, split, arch, &settings.recipe, settings.seeds, "")?;
                    model.finish(task, split, arch, &settings.recipe, "")?;
                    let loaded =
                        Model::load(&model.bytes).context("the written model does not load")?;
                    let delivered = accuracy(&predict_rows(&loaded, task, &split.test)?);
                    Ok(DeliveredRow {
                        task: task.name.clone(),
                        kind: match task.kind() {
                            TaskKind::Numeric => "numeric",
                            TaskKind::Text => "text",
                        }
                        .to_owned(),
                        discrete: arch.to_string(),
                        database: *database,
                        database_seeds: *database_seeds,
                        delivered,
                        seconds: start.elapsed().as_secs_f64(),
                    })
                })
                .collect::<Result<Vec<_>>>();
            progress();
            rows
        })
        .collect::<Result<Vec<_>>>()?;
    let agreement = ["all", "numeric", "text"]
        .iter()
        .map(|&kind| {
            let tasks: Vec<&Vec<DeliveredRow>> = per_task
                .iter()
                .filter(|rows| kind == "all" || rows.first().is_some_and(|r| r.kind == kind))
                .collect();
            let per = |f: fn(&DeliveredRow) -> (f64, f64)| -> Vec<f64> {
                tasks
                    .iter()
                    .map(|rows| {
                        let (a, b): (Vec<f64>, Vec<f64>) = rows.iter().map(f).unzip();
                        spearman(&a, &b)
                    })
                    .filter(|r| r.is_finite())
                    .collect()
            };
            let delivered = per(|r| (r.database, r.delivered));
            Agreement {
                kind: kind.to_owned(),
                tasks: delivered.len(),
                database_vs_delivered: mean(&delivered),
                seed_vs_seed: mean(&per(|r| (r.database_seeds[0], r.database_seeds[1]))),
            }
        })
        .collect();
    let task_mean = |f: fn(&DeliveredRow) -> f64| -> Vec<f64> {
        per_task.iter().map(|rows| mean(&rows.iter().map(f).collect::<Vec<_>>())).collect()
    };
    Ok(DeliveredReport {
        paired: Paired::new(
            "delivered",
            "database",
            &task_mean(|r| r.delivered),
            &task_mean(|r| r.database),
            settings.seed,
        ),
        agreement,
        database_engine: db.run_engine(settings.preset)?,
        rows: per_task.into_iter().flatten().collect(),
        architectures: settings.architectures,
        seeds: settings.seeds,
        seed: settings.seed,
    })
}
