//! The bundled database holds what `populate` trains today: a few runs of its smallest numeric
//! task (the core's training, stopped by the step floor), its smallest text task (the trainer's),
//! its largest numeric task (the row cap's subsample, early stopping) and its widest (a raw row
//! wider than the projection's 64 values), planned with the
//! README's settings and trained again into a fresh database, store the same results bit for
//! bit. A change to a child's recipe shows here first: repopulate the bundled database (README,
//! "The bundled default data").

use std::path::PathBuf;

use archrank_core::PresetId;
use archrank_trainer::child::ChildConfig;
use archrank_trainer::database::{Database, RunRecord, TaskSummary};
use archrank_trainer::deploy::delivered::Engine;
use archrank_trainer::populate::{ArchSpace, PopulateSettings, Shard, execute, plan};
use archrank_trainer::task::TaskKind;

/// The README's `populate` of the bundled database.
fn readme_settings() -> PopulateSettings {
    PopulateSettings {
        preset: PresetId::Tiny,
        seed: 1,
        archs_per_task: 100,
        space: ArchSpace::Discrete { seeds: 3, shared: 20, engine: Engine::Core },
        noise_archs: 0,
        noise_seeds: 0,
        shard: Shard::ALL,
    }
}

fn smallest(tasks: &[TaskSummary], kind: TaskKind) -> &str {
    &tasks.iter().filter(|t| t.kind == kind).min_by_key(|t| t.rows).unwrap().name
}

fn largest(tasks: &[TaskSummary], kind: TaskKind) -> &str {
    &tasks.iter().filter(|t| t.kind == kind).max_by_key(|t| t.rows).unwrap().name
}

fn widest(tasks: &[TaskSummary]) -> &str {
    &tasks.iter().max_by_key(|t| t.features).unwrap().name
}

/// Everything a run stores but its wall time.
fn results(r: &RunRecord) -> impl PartialEq + std::fmt::Debug {
    let bits = |v: f64| v.to_bits();
    (
        r.arch.iter().map(|a| a.to_bits()).collect::<Vec<_>>(),
        [r.val_acc, r.test_acc, r.val_balanced_acc, r.test_balanced_acc, r.val_xent].map(bits),
        (r.epochs, r.steps, r.train_rows),
    )
}

#[test]
fn populate_retrains_the_bundled_runs_bit_for_bit() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data");
    let bundled = Database::open_read_only(data.join("default.sqlite")).unwrap();
    let tasks = bundled.list_tasks().unwrap();
    let settings = readme_settings();
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Database::create_or_open(dir.path().join("db.sqlite")).unwrap();
    // Three seeds of the first shared architecture and of the task's first own draw; one run of
    // the largest task (the row cap, early stopping), which trains longest.
    let checks = [
        (smallest(&tasks, TaskKind::Numeric), 6),
        (smallest(&tasks, TaskKind::Text), 6),
        (largest(&tasks, TaskKind::Numeric), 1),
        (widest(&tasks), 6),
    ];
    for (task, count) in checks {
        fresh.add_tasks(&[bundled.load_task(task).unwrap()]).unwrap();
        let runs: Vec<_> = plan(&[task.to_string()], &settings)
            .into_iter()
            .filter(|r| r.arch_index == 0 || r.arch_index == 20)
            .take(count)
            .collect();
        assert_eq!(runs.len(), count, "{task}");
        let mut trained = Vec::new();
        let inserted = execute(&fresh, &settings, &runs, &ChildConfig::default(), 1, |r| {
            trained.push(r.clone());
        })
        .unwrap();
        assert_eq!(inserted, count, "{task}: every planned run is new here");
        let stored = bundled.runs_for_task(task, settings.preset).unwrap();
        for run in &trained {
            let was = stored.iter().find(|s| s.key == run.key).unwrap();
            assert_eq!(
                results(run),
                results(was),
                "{task}: {:?} trains to other results than the bundled database holds: the \
                 recipe changed since it was populated, so repopulate it",
                run.key
            );
        }
    }
}
