#![allow(clippy::unwrap_used)]

//! The core's inference of a model file against the trainer's own forward pass of the same
//! child, over random tasks, architectures (both presets, every module) and inputs.

use archrank_core::dims::MAX_CLASSES;
use archrank_core::{Discrete, LayerChoice, Model, PresetId};
use proptest::prelude::*;

use super::*;
use crate::child::{Workspace, prepare};
use crate::rng::Rng;

fn random_task(rows: usize, d: usize, classes: usize, seed: u64) -> Task {
    let mut rng = Rng::new(seed);
    let labels: Vec<u32> = (0..rows).map(|i| (i % classes) as u32).collect();
    let values = labels
        .iter()
        .flat_map(|&y| {
            (0..d).map(|f| (rng.normal() as f32 + y as f32) * (1.0 + f as f32)).collect::<Vec<_>>()
        })
        .collect();
    Task {
        name: "random".into(),
        class_names: (0..classes).map(|c| format!("c{c}")).collect(),
        labels,
        features: Features::Numeric { columns: (0..d).map(|f| format!("x{f}")).collect(), values },
    }
}

fn random_arch(preset: PresetId, choices: &[u8]) -> Discrete {
    let layout = preset.layout();
    let mut arch = Discrete {
        preset,
        module: choices[0] % layout.modules as u8,
        layers: heapless::Vec::new(),
    };
    for l in 0..layout.layers {
        let c = usize::from(choices[1 + l]) % (layout.bases() + 1);
        let choice =
            if c == layout.bases() { LayerChoice::Skip } else { LayerChoice::Base(c as u8) };
        let _ = arch.layers.push(choice);
    }
    arch
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn the_core_runs_the_child_the_trainer_trained(
        d in 1_usize..9,
        classes in 2_usize..5,
        paper in any::<bool>(),
        choices in proptest::collection::vec(any::<u8>(), 8),
        seed in 0_u64..1000,
    ) {
        let preset = if paper { PresetId::Paper } else { PresetId::Tiny };
        let arch = random_arch(preset, &choices);
        let task = random_task(90, d, classes, seed);
        let split = Split { train: (0..50).collect(), validation: (50..70).collect(), test: (70..90).collect() };
        let config = ChildConfig { epochs: 1, min_steps: 3, max_steps: 3, max_train_rows: None, ..ChildConfig::default() };
        let trained = train_model(&task, &split, &arch, &config, 1, "").unwrap();
        let model = Model::load(&trained.bytes).unwrap();
        prop_assert_eq!(&model.discrete, &arch);
        // The same child again, through the trainer's forward pass.
        let layout = preset.layout();
        let prepared = prepare(&task, &split, &layout, &config);
        let mix = Mixing::one_hot(&layout, &arch);
        let (_, net) = train_mixed(&prepared, &mix, &config, child_seed(0));
        let mut ws = Workspace::new(&net, 64);
        let rows: Vec<usize> = (70..90).collect();
        let m = net.predict(&mut ws, &prepared, &mix, &rows);
        let mut probs = [0.0; MAX_CLASSES];
        for (k, trainer) in ws.probabilities().chunks_exact(classes).take(m).enumerate() {
            let class = model.predict_numeric(task.numeric_row(split.test[k]), &mut probs).unwrap();
            for (a, b) in probs[..classes].iter().zip(trainer) {
                prop_assert!((a - b).abs() < 1e-4, "{} vs {}", a, b);
            }
            let mut sorted = trainer.to_vec();
            sorted.sort_by(|a, b| b.total_cmp(a));
            if sorted[0] - sorted[1] > 1e-4 {
                prop_assert_eq!(trainer[class], sorted[0]);
            }
        }
    }
}

/// A database run by the core ([`ChildRows::train`]) is measured as `train --engine core`
/// measures its seed: the same validation and test accuracy (counts, one division apart); by
/// the trainer, it is
/// the trainer's exact discrete network.
#[test]
fn a_core_run_is_measured_as_the_delivered_core_model() {
    use crate::deploy::core_engine::{SplitSamples, train_split_core};
    use crate::deploy::delivered::Engine;
    use crate::deploy::discrete_child::ChildRows;

    let task = random_task(240, 4, 3, 9);
    let split = Split {
        train: (0..140).collect(),
        validation: (140..190).collect(),
        test: (190..240).collect(),
    };
    let config = ChildConfig { max_train_rows: Some(100), ..ChildConfig::default() };
    let layout = PresetId::Tiny.layout();
    let prepared = prepare(&task, &split, &layout, &config);
    let arch = random_arch(PresetId::Tiny, &[1, 0, 3, 2]);
    let core = ChildRows::new(Engine::Core, &task, &split, &prepared, &config).unwrap();
    let run = core.train(&arch, &config, child_seed(0)).unwrap();
    let delivered = train_split_core(
        &SplitSamples::new(&task, &split, &config).unwrap(),
        &arch,
        &config.device_schedule(),
        1,
    )
    .unwrap();
    let seed = &delivered.runs[0];
    assert!((run.validation_accuracy - seed.validation_accuracy).abs() < 1e-6);
    assert!((run.test_accuracy - seed.test_accuracy.unwrap()).abs() < 1e-6);
    assert_eq!(run.train_rows, 100, "the cap holds");
    assert!(run.test_balanced_accuracy.is_finite() && run.validation_cross_entropy > 0.0);
    let again = core.train(&arch, &config, child_seed(0)).unwrap();
    assert_eq!(run.test_accuracy.to_bits(), again.test_accuracy.to_bits());

    let trainer = ChildRows::new(Engine::Trainer, &task, &split, &prepared, &config).unwrap();
    let mixed = train_mixed(&prepared, &Mixing::one_hot(&layout, &arch), &config, 3).0;
    assert_eq!(trainer.train(&arch, &config, 3).unwrap().test_accuracy, mixed.test_accuracy);
}
