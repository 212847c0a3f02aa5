//! The bundled database holds what `populate` trains today: a few runs of its smallest numeric
//! task (the core's training) and of its smallest text task (the trainer's), planned with the
//! README's settings and trained again into a fresh database, store the same results bit for
//! bit. A change to a child's recipe shows here first: repopulate the bundled database (README,
//! "The bundled default data").

use std::path::PathBuf;

use archrank_core::PresetId;
use archrank_trainer::child::ChildConfig;
use archrank_trainer::database::{Database, TaskSummary};
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

fn smallest(tasks: &[TaskSummary], kind: TaskKind) -> &TaskSummary {
    tasks.iter().filter(|t| t.kind == kind).min_by_key(|t| t.rows).unwrap()
}

#[test]
fn populate_retrains_the_bundled_runs_bit_for_bit() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data");
    let bundled = Database::open_read_only(data.join("default.sqlite")).unwrap();
    let tasks = bundled.list_tasks().unwrap();
    let settings = readme_settings();
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Database::create_or_open(dir.path().join("db.sqlite")).unwrap();
    for kind in [TaskKind::Numeric, TaskKind::Text] {
        let task = &smallest(&tasks, kind).name;
        fresh.add_tasks(&[bundled.load_task(task).unwrap()]).unwrap();
        // The first shared architecture's seeds and the task's first own draw.
        let runs: Vec<_> = plan(std::slice::from_ref(task), &settings)
            .into_iter()
            .filter(|r| r.arch_index == 0 || r.arch_index == 20)
            .collect();
        assert_eq!(runs.len(), 6, "{task}: three seeds of two architectures");
        let mut trained = Vec::new();
        execute(&fresh, &settings, &runs, &ChildConfig::default(), 1, |r| trained.push(r.clone()))
            .unwrap();
        let stored = bundled.runs_for_task(task, settings.preset).unwrap();
        for run in &trained {
            let was = stored.iter().find(|s| s.key == run.key).unwrap();
            let bits = |r: &archrank_trainer::database::RunRecord| {
                (r.val_acc.to_bits(), r.test_acc.to_bits(), r.val_xent.to_bits(), r.epochs, r.steps)
            };
            assert_eq!(
                bits(run),
                bits(was),
                "{task}: {:?} trains to other results than the bundled database holds: the \
                 recipe changed since it was populated, so repopulate it",
                run.key
            );
        }
    }
}
