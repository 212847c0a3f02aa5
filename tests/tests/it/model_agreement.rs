//! A trained model file run by the core agrees with the trainer's own evaluation of the same
//! child, on every bundled task's test split (the core's dense order and the trainer's blocked
//! products may round differently, so a near tie may flip: at most one test row per task).

use std::path::PathBuf;

use archrank_core::{Discrete, Model, PresetId};
use archrank_trainer::child::ChildConfig;
use archrank_trainer::database::split_of;
use archrank_trainer::deploy::{accuracy, predict_rows, train_model};
use archrank_trainer::task::TaskKind;
use archrank_trainer::task::task_csv::{CsvOptions, read_task_csv};

#[test]
fn the_core_and_the_trainer_agree_on_every_bundled_tasks_test_split() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/tasks");
    let mut csvs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    csvs.sort();
    assert!(csvs.len() >= 100);
    // A short budget: agreement, not accuracy, is under test.
    let config = ChildConfig {
        epochs: 1,
        min_steps: 20,
        max_steps: 40,
        max_train_rows: Some(300),
        ..ChildConfig::default()
    };
    // rank-gauss (numeric) or word bigrams (text), a dense layer, a skip, a tanh layer; on text
    // tasks also the bag through skips into a layer, and into the classifier alone.
    let parse = |spec| Discrete::parse(PresetId::Tiny, spec).unwrap();
    let arch = parse("m1/relu16/skip/tanh8");
    let text_archs = [parse("m4/skip/relu8/skip"), parse("m2/skip/skip/skip")];
    let mut exact = 0;
    let mut runs = 0;
    for csv in &csvs {
        let name = csv.file_stem().unwrap().to_string_lossy().into_owned();
        let task = read_task_csv(csv, &name, &CsvOptions::default()).unwrap().task;
        let split = split_of(&task).unwrap();
        let extra = if task.kind() == TaskKind::Text { &text_archs[..] } else { &[] };
        for arch in std::iter::once(&arch).chain(extra) {
            let trained = train_model(&task, &split, arch, &config, 1, "").unwrap();
            let model = Model::load(&trained.bytes).unwrap();
            let core = accuracy(&predict_rows(&model, &task, &split.test).unwrap());
            let trainer = trained.outcomes[0].test_accuracy;
            let rows_apart = (core - trainer).abs() * split.test.len() as f64;
            assert!(rows_apart < 1.5, "{name} {arch}: core {core}, trainer {trainer}");
            exact += usize::from(rows_apart < 0.5);
            runs += 1;
        }
    }
    eprintln!("{exact} of {runs} runs agree exactly");
}

/// The fuzzer's model seed is a current model file (the model the default firmware trains), so
/// fuzzing starts from inputs that get past the loader's checks.
#[test]
fn the_fuzz_seed_model_is_a_current_model_file() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let seed = std::fs::read(root.join("fuzz/seeds/weights_loader/model")).unwrap();
    assert!(
        Model::load(&seed).is_ok(),
        "refresh it: archrank train --samples firmware-example/assets/train-samples.postcard \
         --discrete m0/tanh8/skip/skip --seeds 1 -o fuzz/seeds/weights_loader/model"
    );
}
