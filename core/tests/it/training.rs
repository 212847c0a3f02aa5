//! A device's training never panics: arbitrary samples (any values, labels and sizes), any
//! architecture of either preset and any arena length give a trained child or a named error, and
//! a trained child always writes a model file the core loads.

use archrank_core::optimizer::Optimizer;
use archrank_core::training::{
    StepDecay, TrainConfig, Validation, arena_bytes, class_ids, train_child,
};
use archrank_core::{Discrete, LayerChoice, Model, PresetId, SamplesFile};
use proptest::prelude::*;

fn architecture(preset: PresetId, choices: &[u8]) -> Discrete {
    let layout = preset.layout();
    let mut layers = heapless::Vec::new();
    for l in 0..layout.layers {
        let c = usize::from(choices[1 + l]) % (layout.bases() + 1);
        let choice =
            if c == layout.bases() { LayerChoice::Skip } else { LayerChoice::Base(c as u8) };
        let _ = layers.push(choice);
    }
    Discrete { preset, module: choices[0] % layout.modules as u8, layers }
}

const QUICK: TrainConfig = TrainConfig {
    epochs: 2,
    min_steps: 3,
    max_steps: 6,
    batch_size: 4,
    learning_rate: 0.1,
    patience: 1,
    optimizer: Optimizer::Adam,
    weight_decay: 0.0,
    decay: StepDecay::Constant,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_samples_and_arenas_never_panic(
        features in 1_usize..5,
        labels in proptest::collection::vec(0_u8..4, 0..24),
        values in proptest::collection::vec(
            prop_oneof![
                8 => -1e3_f32..1e3,
                1 => Just(0.0_f32),
                1 => Just(f32::MAX),
                1 => Just(f32::NAN),
            ],
            0..100,
        ),
        paper in any::<bool>(),
        choices in proptest::collection::vec(any::<u8>(), 8),
        slack in -64_i64..64,
        last in proptest::option::of(0_usize..30),
        seed in any::<u64>(),
    ) {
        let n = labels.len().min(values.len() / features);
        let bytes: Vec<u8> = values[..n * features].iter().flat_map(|v| v.to_le_bytes()).collect();
        let file = SamplesFile::new("arbitrary", features as u32, &labels[..n], &bytes, "");
        let encoded = file.to_bytes().unwrap();
        let samples = SamplesFile::load(&encoded).unwrap();
        let preset = if paper { PresetId::Paper } else { PresetId::Tiny };
        let arch = architecture(preset, &choices);
        let needed = arena_bytes(&arch, &samples.shape(), QUICK.optimizer) as i64;
        let mut arena = vec![0_u8; (needed + slack).max(0) as usize];
        let validation = last.map_or(Validation::Stratified, Validation::Last);
        if let Ok(child) = train_child::<8>(&arch, &samples, validation, &QUICK, seed, &mut arena) {
            prop_assert!(slack >= 0, "trained in less memory than the footprint");
            let names = class_ids(samples.classes());
            let mut out = vec![0_u8; child.model_bytes_bound(names.len(), samples.task.len())];
            let written = child.write_model::<8>("arbitrary", 0, &names, None, &mut out).unwrap();
            prop_assert!(Model::load(written.bytes).is_ok());
        }
    }
}
