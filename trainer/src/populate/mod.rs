//! Populating the experiment database: a plan of child trainings that follows from the seed,
//! trained in parallel and committed one run per transaction, so a killed populate resumes
//! where it stopped with nothing lost or duplicated.

pub mod arch_sampling;

use std::sync::mpsc;

use archrank_core::{Discrete, PresetId};
use rayon::prelude::*;

use crate::child::discrete_arch::DISCRETE_LOGIT;
use crate::child::{ChildConfig, ChildOutcome, prepare, train_child};
use crate::database::{Database, DatabaseError, Purpose, RunKey, RunRecord};
use crate::deploy::delivered::Engine;
use crate::deploy::discrete_child::ChildRows;
use crate::populate::arch_sampling::{sample_architecture, sample_discrete};
use crate::rng::{Rng, derive_seed, name_hash};

const ARCH_TAG: u64 = 0x6172_6368;
const CHILD_TAG: u64 = 0x6368_696C;
const NOISE_TAG: u64 = 0x6E6F_6973;
const DISCRETE_TAG: u64 = 0x6469_7363;

/// Why a populate stopped.
#[derive(Debug, thiserror::Error)]
pub enum PopulateError {
    /// The worker threads could not be started.
    #[error("cannot start {jobs} worker threads: {source}")]
    Threads {
        /// Threads asked for.
        jobs: usize,
        /// Why not.
        source: rayon::ThreadPoolBuildError,
    },
    /// Reading a task or storing a run failed.
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// The database's runs of this preset were trained by another engine.
    #[error(
        "{db}: its {preset} runs were trained by the {recorded} engine; populate them with \
         `--engine {recorded}` (one database holds one engine's runs per preset)"
    )]
    EngineMismatch {
        /// The database.
        db: String,
        /// The preset.
        preset: &'static str,
        /// The engine its runs name.
        recorded: &'static str,
    },
    /// The core could not train a task's child (its reason, located).
    #[error("{0:#}")]
    Child(anyhow::Error),
}

/// A `--shard K/N` spec that is not one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ShardError(String);

/// One of N shards of a plan (`--shard K/N`, K in 1..=N): the runs whose plan position is
/// K-1 modulo N.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard index K.
    pub index: u32,
    /// Number of shards N.
    pub count: u32,
}

impl Shard {
    /// The whole plan.
    pub const ALL: Self = Self { index: 1, count: 1 };

    /// Parses `K/N` with 1 <= K <= N.
    ///
    /// # Errors
    /// A [`ShardError`] saying what is wrong with the spec.
    pub fn parse(spec: &str) -> Result<Self, ShardError> {
        let err = |m: String| ShardError(m);
        let (k, n) = spec.split_once('/').ok_or_else(|| err(format!("`{spec}` is not K/N")))?;
        let k: u32 = k.trim().parse().map_err(|_| err(format!("`{k}` is not a shard number")))?;
        let n: u32 = n.trim().parse().map_err(|_| err(format!("`{n}` is not a shard count")))?;
        if n == 0 || k == 0 || k > n {
            return Err(err(format!("shard {k}/{n} is out of range: need 1 <= K <= N")));
        }
        Ok(Self { index: k, count: n })
    }

    fn keeps(self, position: usize) -> bool {
        position % self.count as usize == (self.index - 1) as usize
    }
}

/// Which architectures a populate trains, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchSpace {
    /// Soft and near-discrete logits shared by every task (architecture i is the same u on every
    /// task), each trained once as its mixture ([`sample_architecture`]): the paper's database.
    Soft,
    /// Discrete architectures ([`sample_discrete`]), each trained as its discrete network
    /// (exactly its chosen layers) by `engine` with `seeds` child seeds, every seed a run: the
    /// first `shared` indices are the same architecture on every task, the rest each task's own
    /// draw.
    Discrete {
        /// Child seeds per architecture.
        seeds: u32,
        /// Architecture indices shared by every task.
        shared: u32,
        /// Which code trains the children (the core: numeric tasks only, text ones by the
        /// trainer either way).
        engine: Engine,
    },
}

impl ArchSpace {
    /// Child seeds per architecture (1 for soft architectures, whose repeats are noise runs).
    #[must_use]
    pub const fn seeds(self) -> u32 {
        match self {
            Self::Soft => 1,
            Self::Discrete { seeds, .. } => seeds,
        }
    }

    /// The engine that trains the children (the trainer's mixtures for soft ones).
    #[must_use]
    pub const fn engine(self) -> Engine {
        match self {
            Self::Soft => Engine::Trainer,
            Self::Discrete { engine, .. } => engine,
        }
    }
}

/// The engine that trained `db`'s runs of `preset` (the trainer for a database populated
/// before engines were recorded).
///
/// # Errors
/// Database errors.
pub fn recorded_engine(db: &Database, preset: PresetId) -> Result<Engine, DatabaseError> {
    Ok(if db.run_engine(preset)? == Engine::Core.name() { Engine::Core } else { Engine::Trainer })
}

/// Refuses `settings` when the database already holds runs of its preset trained by another
/// engine (reads only: [`execute`] records the engine before it trains anything).
fn check_engine(db: &Database, settings: &PopulateSettings) -> Result<(), PopulateError> {
    let (preset, engine) = (settings.preset, settings.space.engine());
    let recorded = recorded_engine(db, preset)?;
    if recorded != engine && db.has_runs(preset)? {
        return Err(PopulateError::EngineMismatch {
            db: db.path().display().to_string(),
            preset: preset.name(),
            recorded: recorded.name(),
        });
    }
    Ok(())
}

/// What a populate should train.
#[derive(Clone, Debug, PartialEq)]
pub struct PopulateSettings {
    /// Search space.
    pub preset: PresetId,
    /// Plan seed: architectures and child seeds follow from it.
    pub seed: u64,
    /// Random architectures per task.
    pub archs_per_task: u32,
    /// Which architectures, trained how.
    pub space: ArchSpace,
    /// Of those, how many (the first ones) are retrained with other seeds to measure noise.
    pub noise_archs: u32,
    /// Extra seeds per noise architecture.
    pub noise_seeds: u32,
    /// This process's part of the plan.
    pub shard: Shard,
}

/// One child training of the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRun {
    /// Task name.
    pub task: String,
    /// Architecture index in the plan (the same index is the same architecture on every task).
    pub arch_index: u32,
    /// The child's seed.
    pub child_seed: u64,
    /// Population or noise run.
    pub purpose: Purpose,
}

impl PlannedRun {
    /// The run's key in the database.
    #[must_use]
    pub fn key(&self, settings: &PopulateSettings) -> RunKey {
        RunKey {
            task: self.task.clone(),
            preset: settings.preset,
            plan_seed: settings.seed,
            arch_index: self.arch_index,
            child_seed: self.child_seed,
            purpose: self.purpose,
        }
    }
}

/// Architecture `index` of the plan with `seed`: shared by every task, so tasks can be
/// compared architecture by architecture.
#[must_use]
pub fn planned_architecture(preset: PresetId, seed: u64, index: u32) -> Vec<f32> {
    let mut rng = Rng::new(derive_seed(&[seed, ARCH_TAG, u64::from(index)]));
    sample_architecture(&preset.layout(), &mut rng)
}

/// Discrete architecture `index` of `task` in the plan with `seed`: the first `shared` indices
/// drawn alike for every task, the others from the task's own draw.
#[must_use]
pub fn planned_discrete(
    preset: PresetId,
    seed: u64,
    task: &str,
    index: u32,
    shared: u32,
) -> Discrete {
    let parts = if index < shared {
        derive_seed(&[seed, DISCRETE_TAG, u64::from(index)])
    } else {
        derive_seed(&[seed, DISCRETE_TAG, name_hash(task), u64::from(index)])
    };
    sample_discrete(&preset.layout(), &mut Rng::new(parts))
}

/// The architecture `run` trains, as the database stores it (logits; a discrete one's
/// [`DISCRETE_LOGIT`] on every chosen option), and its discrete form if it has one.
fn run_architecture(run: &PlannedRun, settings: &PopulateSettings) -> (Vec<f32>, Option<Discrete>) {
    match settings.space {
        ArchSpace::Soft => {
            (planned_architecture(settings.preset, settings.seed, run.arch_index), None)
        }
        ArchSpace::Discrete { shared, .. } => {
            let d =
                planned_discrete(settings.preset, settings.seed, &run.task, run.arch_index, shared);
            let mut u = vec![0.0; settings.preset.layout().arch_dim()];
            d.write_logits(&mut u, DISCRETE_LOGIT);
            (u, Some(d))
        }
    }
}

/// The full plan for `tasks`, in a fixed order, restricted to the settings' shard.
#[must_use]
pub fn plan(tasks: &[String], settings: &PopulateSettings) -> Vec<PlannedRun> {
    let mut runs = Vec::new();
    for task in tasks {
        let t = name_hash(task);
        for a in 0..settings.archs_per_task {
            for s in 0..settings.space.seeds() {
                // The first seed's derivation is the soft population's, whose plans stay as they were.
                let child_seed = match s {
                    0 => derive_seed(&[settings.seed, CHILD_TAG, t, u64::from(a)]),
                    _ => derive_seed(&[settings.seed, CHILD_TAG, t, u64::from(a), u64::from(s)]),
                };
                runs.push(PlannedRun {
                    task: task.clone(),
                    arch_index: a,
                    child_seed,
                    purpose: Purpose::Population,
                });
            }
        }
        for a in 0..settings.noise_archs.min(settings.archs_per_task) {
            for s in 0..settings.noise_seeds {
                let child_seed =
                    derive_seed(&[settings.seed, NOISE_TAG, t, u64::from(a), u64::from(s)]);
                runs.push(PlannedRun {
                    task: task.clone(),
                    arch_index: a,
                    child_seed,
                    purpose: Purpose::Noise,
                });
            }
        }
    }
    runs.into_iter().enumerate().filter(|(i, _)| settings.shard.keeps(*i)).map(|(_, r)| r).collect()
}

/// The runs of `plan` not yet in the database.
///
/// # Errors
/// Database errors.
pub fn pending(
    db: &Database,
    settings: &PopulateSettings,
    plan: Vec<PlannedRun>,
) -> Result<Vec<PlannedRun>, DatabaseError> {
    let done = db.completed_keys(settings.preset)?;
    Ok(plan.into_iter().filter(|r| !done.contains(&r.key(settings))).collect())
}

/// Trains `runs` on `jobs` threads and inserts each finished run in its own transaction;
/// `on_done` sees every inserted run (for progress). Returns how many were inserted. The
/// database records the settings' engine first, refused when its runs are another engine's.
///
/// # Errors
/// [`PopulateError::EngineMismatch`], database errors, a task missing from the database, or
/// the core's reason for a child it cannot train.
pub fn execute(
    db: &Database,
    settings: &PopulateSettings,
    runs: &[PlannedRun],
    child: &ChildConfig,
    jobs: usize,
    mut on_done: impl FnMut(&RunRecord),
) -> Result<usize, PopulateError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(|source| PopulateError::Threads { jobs, source })?;
    check_engine(db, settings)?;
    // Only with runs to store: a populate with nothing to do leaves the file as it was.
    if !runs.is_empty() {
        db.set_run_engine(settings.preset, settings.space.engine().name())?;
    }
    let layout = settings.preset.layout();
    let mut inserted = 0;
    let mut start = 0;
    while start < runs.len() {
        let task_name = &runs[start].task;
        let end = start + runs[start..].iter().take_while(|r| &r.task == task_name).count();
        let (task, split) = db.task_split(task_name)?;
        let prepared = pool.install(|| prepare(&task, &split, &layout, child));
        let rows = ChildRows::new(settings.space.engine(), &task, &split, &prepared, child)
            .map_err(PopulateError::Child)?;
        let batch = &runs[start..end];
        let (tx, rx) = mpsc::channel::<(usize, Vec<f32>, anyhow::Result<ChildOutcome>)>();
        std::thread::scope(|scope| -> Result<(), PopulateError> {
            scope.spawn(|| {
                pool.install(|| {
                    batch.par_iter().enumerate().for_each_with(tx, |tx, (i, run)| {
                        let (u, discrete) = run_architecture(run, settings);
                        let outcome = match &discrete {
                            Some(d) => rows.train(d, child, run.child_seed),
                            None => Ok(train_child(&prepared, &u, child, run.child_seed)),
                        };
                        // The receiver lives until every sender is gone.
                        let _ = tx.send((i, u, outcome));
                    });
                });
            });
            for (i, arch, outcome) in rx {
                let run = &batch[i];
                // The runs stored so far stay: a populate resumes after the cause is mended.
                let outcome = outcome.map_err(PopulateError::Child)?;
                let record = record(run, settings, arch, &outcome);
                if db.insert_run(&record)? {
                    inserted += 1;
                }
                on_done(&record);
            }
            Ok(())
        })?;
        start = end;
    }
    Ok(inserted)
}

/// The database row of a finished run.
#[must_use]
pub fn record(
    run: &PlannedRun,
    settings: &PopulateSettings,
    arch: Vec<f32>,
    o: &ChildOutcome,
) -> RunRecord {
    RunRecord {
        key: run.key(settings),
        arch,
        val_acc: o.validation_accuracy,
        test_acc: o.test_accuracy,
        val_balanced_acc: o.validation_balanced_accuracy,
        test_balanced_acc: o.test_balanced_accuracy,
        val_xent: o.validation_cross_entropy,
        epochs: o.epochs as u32,
        steps: o.steps as u64,
        train_rows: o.train_rows as u32,
        seconds: o.seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(shard: Shard) -> PopulateSettings {
        PopulateSettings {
            preset: PresetId::Tiny,
            seed: 1,
            archs_per_task: 5,
            space: ArchSpace::Soft,
            noise_archs: 2,
            noise_seeds: 2,
            shard,
        }
    }

    #[test]
    fn plan_is_deterministic_and_shards_partition_it() {
        let tasks = vec!["a".to_owned(), "b".to_owned()];
        let all = plan(&tasks, &settings(Shard::ALL));
        assert_eq!(all.len(), 2 * (5 + 2 * 2));
        assert_eq!(all, plan(&tasks, &settings(Shard::ALL)));
        let mut shards: Vec<PlannedRun> =
            (1..=3).flat_map(|k| plan(&tasks, &settings(Shard { index: k, count: 3 }))).collect();
        assert_eq!(shards.len(), all.len());
        shards.sort_by_key(|r| (r.task.clone(), r.arch_index, r.child_seed));
        let mut sorted = all.clone();
        sorted.sort_by_key(|r| (r.task.clone(), r.arch_index, r.child_seed));
        assert_eq!(shards, sorted);
    }

    #[test]
    fn architectures_are_shared_across_tasks_and_distinct_within() {
        let a = planned_architecture(PresetId::Tiny, 1, 0);
        assert_eq!(a, planned_architecture(PresetId::Tiny, 1, 0));
        assert_ne!(a, planned_architecture(PresetId::Tiny, 1, 1));
        assert_ne!(a, planned_architecture(PresetId::Tiny, 2, 0));
        assert_eq!(a.len(), 35);
    }

    #[test]
    fn a_discrete_plan_trains_every_architecture_with_each_seed() {
        let tasks = vec!["a".to_owned(), "b".to_owned()];
        let discrete = PopulateSettings {
            space: ArchSpace::Discrete { seeds: 3, shared: 2, engine: Engine::Core },
            noise_archs: 0,
            ..settings(Shard::ALL)
        };
        let all = plan(&tasks, &discrete);
        assert_eq!(all.len(), 2 * 5 * 3);
        for task in &tasks {
            for a in 0..5 {
                let seeds: std::collections::BTreeSet<u64> = all
                    .iter()
                    .filter(|r| &r.task == task && r.arch_index == a)
                    .map(|r| r.child_seed)
                    .collect();
                assert_eq!(seeds.len(), 3, "three distinct seeds of {task} #{a}");
            }
        }
        // The soft plan's runs are the discrete plan's first seeds: resuming a soft plan's
        // keys never collides with a seed it did not train.
        let soft = plan(&tasks, &PopulateSettings { noise_archs: 0, ..settings(Shard::ALL) });
        assert!(soft.iter().all(|r| all.contains(r)));
        // Shared indices are the same architecture on every task; the others the task's own.
        let d = |task: &str, i| planned_discrete(PresetId::Tiny, 1, task, i, 2);
        assert_eq!(d("a", 0), d("b", 0));
        assert_eq!(d("a", 1), d("b", 1));
        let own = (2..40).filter(|&i| d("a", i) != d("b", i)).count();
        assert!(own >= 30, "each task draws its own: {own} of 38 differ");
        let run = &all[0];
        let (u, arch) = run_architecture(run, &discrete);
        assert_eq!(arch.as_ref(), Some(&d("a", 0)));
        assert_eq!(Discrete::from_logits(&PresetId::Tiny.layout(), &u), d("a", 0));
    }

    #[test]
    fn shard_parsing() {
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        assert!(Shard::parse("3/2").is_err());
        assert!(Shard::parse("0/2").is_err());
        assert!(Shard::parse("1/0").is_err());
        assert!(Shard::parse("x").is_err());
    }
}
