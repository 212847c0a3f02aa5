//! The whole pipeline in both presets, on small data: populate a database, fit a ranker, load it
//! in the core, search for a task, and evaluate leave-one-task-out.

use std::collections::BTreeMap;
use std::path::PathBuf;

use archrank_core::{LossKind, PresetId, Quantization};
use archrank_trainer::child::ChildConfig;
use archrank_trainer::database::Database;
use archrank_trainer::evaluation::{LotoSettings, RankerKind, run_loto};
use archrank_trainer::fit::{
    FitConfig, Metric, Storage, WeightsMeta, fit_preset, fitted_weights_bytes_for, load_fit_data,
};
use archrank_trainer::populate::{ArchSpace, PopulateSettings, Shard, execute, pending, plan};
use archrank_trainer::search::{SampleSource, search};
use archrank_trainer::task::task_csv::read_task_csv;

fn task_csv(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/tasks").join(format!("{name}.csv"))
}

/// `names`: the tasks; `archs`: architectures per task.
fn pipeline(preset: PresetId, names: &[&str], archs: u32) {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::create_or_open(dir.path().join("db.sqlite")).unwrap();
    let tasks: Vec<_> = names
        .iter()
        .map(|n| read_task_csv(&task_csv(n), n, &Default::default()).unwrap().task)
        .collect();
    db.add_tasks(&tasks).unwrap();
    let settings = PopulateSettings {
        preset,
        seed: 3,
        archs_per_task: archs,
        space: ArchSpace::Soft,
        noise_archs: 0,
        noise_seeds: 0,
        shard: Shard::ALL,
    };
    let names: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
    let todo = pending(&db, &settings, plan(&names, &settings)).unwrap();
    let child = ChildConfig {
        epochs: 1,
        min_steps: 10,
        max_train_rows: Some(100),
        ..ChildConfig::default()
    };
    assert_eq!(
        execute(&db, &settings, &todo, &child, 2, |_| {}).unwrap(),
        names.len() * archs as usize
    );

    let config = FitConfig { steps: 100, seed: 1, ..FitConfig::default() };
    let data = load_fit_data(&db, preset, Metric::ValAcc, &[], 1).unwrap();
    assert_eq!(data.tasks.len(), names.len());
    let fitted = fit_preset(&data, &config, &|_, _| {}).unwrap();
    let meta = WeightsMeta { database_hash: "test", note: "", created_unix: 0 };
    let bytes = fitted_weights_bytes_for(&data, &fitted, &meta).unwrap();
    assert_eq!(archrank_core::AnyRanker::load(&bytes).map(|r| r.preset()), Ok(preset));

    let rows: Vec<usize> = (0..tasks[0].rows()).collect();
    let found =
        search(&bytes, SampleSource::Task(&tasks[0], &rows), &archrank_core::Budget::UNLIMITED)
            .unwrap();
    assert_eq!(found.arch.len(), preset.layout().arch_dim());
    assert!(found.score.is_finite());
    assert!(archrank_core::Discrete::parse(preset, &found.discrete).is_ok());

    // Both storages: the int8 file scores the held-out runs through the core, as a device.
    for quantization in Quantization::ALL {
        let loto = LotoSettings {
            kinds: vec![RankerKind::Loss(LossKind::Linear), RankerKind::Agnostic],
            repeats: 1,
            base: FitConfig { steps: 50, ..config },
            storage: Storage { quantization, ..Storage::default() },
            arch_folds: 0,
        };
        let report = run_loto(&data, &names, &loto, &BTreeMap::new(), &|| {}).unwrap();
        assert_eq!(report.tasks.len(), names.len());
        assert_eq!(report.quantization, quantization.name());
        for t in &report.tasks {
            let r = &t.results["linear"];
            assert!((-1.0..=1.0).contains(&r.spearman_mean), "{t:?}");
        }
    }
}

#[test]
fn tiny_pipeline_end_to_end() {
    pipeline(PresetId::Tiny, &["iris", "wine", "wheat_seeds"], 4);
}

#[test]
fn paper_pipeline_end_to_end() {
    // Paper children are ~10x costlier: the smallest pipeline that still leaves a task out.
    pipeline(PresetId::Paper, &["iris", "wheat_seeds"], 2);
}
