#![allow(clippy::unwrap_used)]

use std::vec::Vec;

use super::*;
use crate::child::cost::{Budget, widest_within};
use crate::child::model_format::Model;
use crate::dims::PresetId;
use crate::kernels::sample_lanes::LANES;
use crate::space::architecture::softmax;
use crate::task::samples_format::SamplesFile;

/// [`blobs`] as a samples file's bytes.
fn blob_file(n: usize, features: usize, classes: usize, seed: u64) -> Vec<u8> {
    let (labels, values) = blobs(n, features, classes, seed);
    SamplesFile::new("blobs", features as u32, &labels, &values, "").to_bytes().unwrap()
}

/// Two noisy Gaussian blobs per class, `features` features, as a samples file.
fn blobs(n: usize, features: usize, classes: usize, seed: u64) -> (Vec<u8>, Vec<u8>) {
    let mut rng = Rng::new(seed);
    let labels: Vec<u8> = (0..n).map(|i| (i % classes) as u8).collect();
    let values: Vec<u8> = labels
        .iter()
        .flat_map(|&y| {
            (0..features)
                .map(|f| {
                    let centre = if f % classes == usize::from(y) { 2.0 } else { 0.0 };
                    (centre + rng.normal() * 0.7) as f32 * (1.0 + f as f32)
                })
                .collect::<Vec<_>>()
        })
        .flat_map(f32::to_le_bytes)
        .collect();
    (labels, values)
}

fn arch(preset: PresetId, spec: &str) -> Discrete {
    Discrete::parse(preset, spec).unwrap()
}

/// An arena for Adam (the tests' schedule) or more.
fn arena_for(arch: &Discrete, samples: &Samples<'_>) -> Vec<u8> {
    vec_of(arena_bytes(arch, &samples.shape(), Optimizer::Adam))
}

fn vec_of(n: usize) -> Vec<u8> {
    std::vec![0_u8; n]
}

const QUICK: TrainConfig = TrainConfig {
    epochs: 5,
    min_steps: 40,
    max_steps: 200,
    batch_size: 16,
    learning_rate: 1e-2,
    patience: 3,
    optimizer: Optimizer::Adam,
    weight_decay: 0.0,
    decay: StepDecay::Constant,
};

#[test]
fn learns_separable_blobs_with_every_module_and_is_deterministic() {
    let bytes = blob_file(150, 4, 3, 1);
    let samples = SamplesFile::load(&bytes).unwrap();
    for spec in ["m0/relu16/skip/tanh8", "m1/tanh32/relu8/skip", "m2/skip/skip/skip"] {
        let a = arch(PresetId::Tiny, spec);
        let mut memory = arena_for(&a, &samples);
        let config = TrainConfig { epochs: 30, ..QUICK };
        let child = train_child::<8>(&a, &samples, Validation::Stratified, &config, 7, &mut memory)
            .unwrap();
        let report = child.report;
        assert_eq!(report.train_samples + report.validation_samples, 150);
        assert_eq!(report.validation_samples, 30, "a stratified fifth");
        assert!(report.validation_accuracy() > 0.85, "{spec}: {report:?}");
        // The model file's inference agrees with what training saw on the validation part.
        let names = class_ids(3);
        let provenance = ModelProvenance {
            task: "blobs",
            seed: 7,
            validation_accuracy: report.validation_accuracy(),
            test_accuracy: f32::NAN,
            trained_on: report.train_samples as u32,
            validated_on: report.validation_samples as u32,
            trainer_version: TRAINER_NAME,
        };
        let model_file = child.model_file(&names, provenance);
        let mut out = vec_of(65_536);
        let written = model_file.write_into(&mut out).unwrap().to_vec();
        let model = Model::load(&written).unwrap();
        assert_eq!(model.discrete, a);
        let mut right = 0;
        model
            .predict_numeric_samples::<8>(&samples, |_, class, label, _| {
                right += usize::from(class as u32 == label);
            })
            .unwrap();
        assert!(right as f32 / 150.0 > 0.85);
        // Same seed, same bytes; another seed, other weights.
        let mut again = arena_for(&a, &samples);
        let twin =
            train_child::<8>(&a, &samples, Validation::Stratified, &config, 7, &mut again).unwrap();
        assert_eq!(twin.weights, child.weights);
        assert_eq!(twin.input, child.input);
        let mut other = arena_for(&a, &samples);
        let other =
            train_child::<8>(&a, &samples, Validation::Stratified, &config, 8, &mut other).unwrap();
        assert_ne!(other.weights, child.weights);
    }
}

#[test]
fn validation_accuracy_is_the_model_files_on_the_validation_samples() {
    let (labels, values) = blobs(60, 3, 2, 5);
    // The last 20 samples validate (as a host passing a task's own split does).
    let file = SamplesFile::new("blobs", 3, &labels, &values, "");
    let bytes = file.to_bytes().unwrap();
    let samples = SamplesFile::load(&bytes).unwrap();
    let a = arch(PresetId::Paper, "m4/relu8/tanh16/relu8/skip/skip/skip/skip");
    let mut memory = arena_for(&a, &samples);
    let child =
        train_child::<4>(&a, &samples, Validation::Last(20), &QUICK, 3, &mut memory).unwrap();
    assert_eq!(child.report.validation_samples, 20);
    let names = class_ids(2);
    let provenance = ModelProvenance {
        task: "blobs",
        seed: 3,
        validation_accuracy: 0.0,
        test_accuracy: 0.0,
        trained_on: 0,
        validated_on: 20,
        trainer_version: TRAINER_NAME,
    };
    let model = Model::from_file(child.model_file(&names, provenance)).unwrap();
    let tail = SamplesFile::new("tail", 3, &labels[40..], &values[40 * 12..], "");
    let tail_bytes = tail.to_bytes().unwrap();
    let tail = SamplesFile::load(&tail_bytes).unwrap();
    let mut right = 0;
    model
        .predict_numeric_samples::<4>(&tail, |_, class, label, _| {
            right += usize::from(class as u32 == label);
        })
        .unwrap();
    assert_eq!(right, child.report.validation_correct);
}

/// Mean cross-entropy of the arena's weights over training positions `range`.
fn loss(child: &Child<'_>, arena: &mut Arena<'_>, range: core::ops::Range<usize>) -> f64 {
    let mut total = 0.0;
    let count = range.len();
    for p in range {
        let i = index(arena.order, p);
        child.forward(arena.weights, arena.staged, arena.activations, i);
        let last = child.plan.last().unwrap();
        let mut logits = [0.0_f32; MAX_WIDTH];
        load(arena.activations, child.plan.len() * child.row, &mut logits[..last.outputs]);
        let mut probs = [0.0_f32; MAX_WIDTH];
        softmax(&logits[..last.outputs], &mut probs[..last.outputs]);
        let y = usize::from(arena.labels[i]);
        total -= f64::from(probs[y]).ln();
    }
    total / count as f64
}

/// Trains `a` on `samples` (`classes` classes) under `config`, then runs `check` on the arena
/// as training left it, carved into its sections as [`train_child`] carves it.
fn with_trained_arena(
    a: &Discrete,
    samples: &Samples<'_>,
    validation: Validation,
    config: &TrainConfig,
    check: impl FnOnce(&Child<'_>, &mut Arena<'_>),
) {
    let (n, d, classes) = (samples.len(), samples.features, samples.classes());
    // Trained twice, the same bytes: once for the input module (which borrows its arena), once
    // for the arena to carve.
    let mut fitted = arena_for(a, samples);
    let input_file =
        train_child::<8>(a, samples, validation, config, 1, &mut fitted).unwrap().input;
    let mut memory = arena_for(a, samples);
    train_child::<8>(a, samples, validation, config, 1, &mut memory).unwrap();
    let input = NumericInput::new(&input_file).unwrap();
    let params = discrete_cost(a, &samples.shape()).params as usize;
    let plan = stages(a, classes).unwrap();
    let layout = a.preset.layout();
    let footprint =
        Footprint::new(&layout, usize::from(a.module), params, d, classes, n, Optimizer::Adam);
    assert_eq!(footprint.total(), memory.len());
    let (parameters, rest) = memory.split_at_mut(footprint.parameters);
    let (_, rest) = rest.split_at_mut(footprint.input);
    let (staged, rest) = rest.split_at_mut(footprint.staged);
    let (activations, rest) = rest.split_at_mut(footprint.activations);
    let (labels, rest) = rest.split_at_mut(n);
    let order = rest[..2 * n].as_chunks_mut::<2>().0;
    let (weights, rest) = parameters.split_at_mut(4 * params);
    let (best, rest) = rest.split_at_mut(4 * params);
    let (grad, rest) = rest.split_at_mut(4 * params);
    let (m, v) = rest.split_at_mut(4 * params);
    let mut arena = Arena {
        weights: floats(weights),
        best: floats(best),
        grad: floats(grad),
        first_moment: floats(m),
        second_moment: floats(v),
        staged: floats(staged),
        activations: floats(activations),
        labels,
        order,
    };
    let child = Child {
        input: &input,
        plan: &plan,
        staged_width: input.staged_width(),
        row: footprint::activation_width(&layout, classes),
    };
    check(&child, &mut arena);
}

#[test]
fn back_propagation_matches_finite_differences() {
    let bytes = blob_file(12, 3, 3, 9);
    let samples = SamplesFile::load(&bytes).unwrap();
    // Tanh layers (smooth), a skip that truncates, and every stage kind; at the initialization's
    // weights (no step).
    for (preset, spec) in [
        (PresetId::Tiny, "m0/tanh16/skip/tanh8"),
        (PresetId::Tiny, "m2/tanh64/skip/skip"),
        (PresetId::Paper, "m5/skip/tanh8/tanh16/skip/tanh128/skip/tanh8"),
        (PresetId::Paper, "m6/tanh256/skip/tanh8/skip/skip/skip/skip"),
    ] {
        let a = arch(preset, spec);
        let config = TrainConfig { max_steps: 0, ..QUICK };
        with_trained_arena(&a, &samples, Validation::Last(2), &config, |child, arena| {
            let params = arena.weights.len();
            assert!(child.batch_gradient_by_sample(arena, 0..10));
            let analytic: Vec<f32> = (0..params).map(|i| get(arena.grad, i)).collect();
            assert!(analytic.iter().filter(|g| **g != 0.0).count() > params / 4, "{spec}");
            let h = 1e-2_f32;
            let mut worst = 0.0_f32;
            for i in (0..params).step_by(7) {
                let w = get(arena.weights, i);
                set(arena.weights, i, w + h);
                let up = loss(child, arena, 0..10);
                set(arena.weights, i, w - h);
                let down = loss(child, arena, 0..10);
                set(arena.weights, i, w);
                let numeric = ((up - down) / (2.0 * f64::from(h))) as f32;
                let error =
                    (numeric - analytic[i]).abs() / (numeric.abs() + analytic[i].abs() + 1e-2);
                worst = worst.max(error);
            }
            assert!(worst < 0.05, "{spec}: worst relative error {worst}");
        });
    }
}

#[test]
fn a_hosts_lanes_give_the_gradient_and_the_count_of_a_devices_sample_by_sample_pass() {
    // ReLU and tanh stages, skips, a classifier narrower and one wider than a lane block, the
    // paper's widest layer; batches shorter than, equal to and beyond a block of lanes.
    for (preset, spec, classes) in [
        (PresetId::Tiny, "m0/relu64/relu64/relu64", 3),
        (PresetId::Tiny, "m2/tanh64/skip/relu32", 2),
        (PresetId::Tiny, "m1/skip/skip/skip", 20),
        (PresetId::Paper, "m6/relu256/skip/tanh8/skip/relu128/skip/skip", 70),
    ] {
        let bytes = blob_file(90, 7, classes, 5);
        let samples = SamplesFile::load(&bytes).unwrap();
        let a = arch(preset, spec);
        let config = TrainConfig { max_steps: 30, min_steps: 30, ..QUICK };
        with_trained_arena(&a, &samples, Validation::Last(20), &config, |child, arena| {
            let mut scratch = lanes::LaneScratch::new(child, arena);
            // A trained child's weights let the forward pass add zero inputs.
            assert!(lanes::forward_adds_zeros(arena.weights));
            for range in [0..1, 3..8, 0..LANES, 10..LANES + 17, 0..70] {
                assert!(child.batch_gradient_by_sample(arena, range.clone()));
                let by_sample: Vec<[u8; 4]> = arena.grad.to_vec();
                assert!(by_sample.iter().any(|g| *g != [0; 4]));
                assert!(child.batch_gradient_in_lanes(arena, range.clone(), &mut scratch));
                assert!(by_sample == arena.grad, "{spec}: gradient over {range:?}");
                assert_eq!(
                    child.correct(arena, range.clone()),
                    child.correct_in_lanes(arena, range.clone(), &mut scratch),
                    "{spec}: correct over {range:?}"
                );
            }
        });
    }
}

#[test]
fn an_infinite_weight_on_a_zero_input_keeps_the_lanes_on_the_devices_bits() {
    // Adding 0 * inf would make NaN logits of the samples whose ReLU input is zero, which the
    // device skips: the lanes must see the infinite weight and keep those sums instead.
    let bytes = blob_file(90, 7, 3, 5);
    let samples = SamplesFile::load(&bytes).unwrap();
    let a = arch(PresetId::Tiny, "m0/relu64/relu64/relu64");
    let config = TrainConfig { max_steps: 30, min_steps: 30, ..QUICK };
    with_trained_arena(&a, &samples, Validation::Last(20), &config, |child, arena| {
        // A unit of the last ReLU layer (the classifier's input) that is off for some samples
        // and on for others.
        let classifier = *child.plan.last().unwrap();
        let input_row = (child.plan.len() - 1) * child.row;
        let unit_values = |arena: &mut Arena<'_>, unit: usize| -> Vec<f32> {
            (0..70)
                .map(|p| {
                    let i = index(arena.order, p);
                    child.forward(arena.weights, arena.staged, arena.activations, i);
                    get(arena.activations, input_row + unit)
                })
                .collect()
        };
        let unit = (0..classifier.inputs)
            .find(|&u| {
                let v = unit_values(arena, u);
                v.contains(&0.0) && v.iter().any(|&x| x > 0.0)
            })
            .unwrap();
        set(arena.weights, classifier.offset + unit * classifier.outputs, f32::INFINITY);
        assert!(!lanes::forward_adds_zeros(arena.weights));
        let mut scratch = lanes::LaneScratch::new(child, arena);
        let device = child.correct(arena, 0..70);
        assert!(device > 0, "no sample classified without the unit: the check would be vacuous");
        assert_eq!(device, child.correct_in_lanes(arena, 0..70, &mut scratch));
        // Samples with the unit on get infinite logits: both passes stop the batch.
        assert!(!child.batch_gradient_by_sample(arena, 0..70));
        assert!(!child.batch_gradient_in_lanes(arena, 0..70, &mut scratch));
    });
}

#[test]
fn refuses_bad_samples_and_short_memory_by_name() {
    let (labels, values) = blobs(40, 2, 2, 3);
    let file = SamplesFile::new("blobs", 2, &labels, &values, "");
    let bytes = file.to_bytes().unwrap();
    let samples = SamplesFile::load(&bytes).unwrap();
    let a = arch(PresetId::Tiny, "m0/relu8/skip/skip");
    let needed = arena_bytes(&a, &samples.shape(), QUICK.optimizer);
    let device = TrainConfig { optimizer: DEVICE_OPTIMIZER, ..QUICK };
    let cost = discrete_cost(&a, &samples.shape()).train_ram_bytes as usize;
    assert_eq!(cost, arena_bytes(&a, &samples.shape(), DEVICE_OPTIMIZER));
    assert!(cost < needed, "momentum keeps one moment, Adam two");
    let mut exact = vec_of(cost);
    assert!(train_child::<4>(&a, &samples, Validation::Stratified, &device, 1, &mut exact).is_ok());
    let mut short = vec_of(needed - 1);
    let err = train_child::<4>(&a, &samples, Validation::Stratified, &QUICK, 1, &mut short);
    assert_eq!(
        err.unwrap_err(),
        TrainError::Memory { needed: needed as u32, given: needed as u32 - 1 }
    );
    let mut memory = vec_of(needed);
    assert!(train_child::<4>(&a, &samples, Validation::Stratified, &QUICK, 1, &mut memory).is_ok());
    let err = train_child::<1>(&a, &samples, Validation::Stratified, &QUICK, 1, &mut memory);
    assert_eq!(err.unwrap_err(), TrainError::TooManyFeatures { max: 1 });
    let err = train_child::<4>(&a, &samples, Validation::Last(40), &QUICK, 1, &mut memory);
    assert_eq!(err.unwrap_err(), TrainError::TooFewSamples);

    let mut bad = values.clone();
    bad[4 * 7..4 * 8].copy_from_slice(&f32::NAN.to_le_bytes());
    let file = SamplesFile::new("blobs", 2, &labels, &bad, "");
    let bytes = file.to_bytes().unwrap();
    let nan = SamplesFile::load(&bytes).unwrap();
    let err = train_child::<4>(&a, &nan, Validation::Stratified, &QUICK, 1, &mut memory);
    assert_eq!(err.unwrap_err(), TrainError::NonFinite { sample: 3, feature: 1 });

    let text = SamplesFile::new("words", 0, &[0, 1], &[], "a b\nc d");
    let bytes = text.to_bytes().unwrap();
    let text = SamplesFile::load(&bytes).unwrap();
    let err = train_child::<4>(&a, &text, Validation::Stratified, &QUICK, 1, &mut memory);
    assert_eq!(err.unwrap_err(), TrainError::Text);
}

#[test]
fn a_training_budget_bounds_the_choice() {
    let layout = PresetId::Tiny.layout();
    let task = TaskShape { features: 7, classes: 3, text: false, samples: 140 };
    let unlimited = widest_within(&layout, &task, &Budget::UNLIMITED).unwrap();
    let wide = discrete_cost(&unlimited, &task).train_ram_bytes;
    for limit in [wide / 2, wide / 8, 16_000, 8_000] {
        let budget = Budget { max_train_ram_bytes: Some(limit), ..Budget::UNLIMITED };
        match widest_within(&layout, &task, &budget) {
            Ok(arch) => assert!(discrete_cost(&arch, &task).train_ram_bytes <= limit),
            Err(e) => assert!(e.least.train_ram_bytes > limit, "{e}"),
        }
    }
    let none = Budget { max_train_ram_bytes: Some(100), ..Budget::UNLIMITED };
    let err = widest_within(&layout, &task, &none).unwrap_err();
    assert!(std::format!("{err}").contains("training bytes at most 100"), "{err}");
    let text = TaskShape { text: true, ..task };
    let err = widest_within(&layout, &text, &none).unwrap_err();
    assert!(std::format!("{err}").contains("numeric children only"), "{err}");
}

#[test]
fn momentum_learns_too_and_differs_from_adam() {
    let bytes = blob_file(150, 4, 3, 1);
    let samples = SamplesFile::load(&bytes).unwrap();
    let a = arch(PresetId::Tiny, "m0/relu16/skip/tanh8");
    let momentum = TrainConfig {
        epochs: 30,
        learning_rate: 0.05,
        optimizer: Optimizer::Momentum { momentum: 0.9 },
        ..QUICK
    };
    let mut memory = arena_for(&a, &samples);
    let child =
        train_child::<8>(&a, &samples, Validation::Stratified, &momentum, 7, &mut memory).unwrap();
    assert!(child.report.validation_accuracy() > 0.85, "{:?}", child.report);
    let mut other = arena_for(&a, &samples);
    let adam = TrainConfig { epochs: 30, ..QUICK };
    let adam =
        train_child::<8>(&a, &samples, Validation::Stratified, &adam, 7, &mut other).unwrap();
    assert_ne!(adam.weights, child.weights);
}

#[test]
fn a_dirty_arena_trains_as_a_fresh_one() {
    let bytes = blob_file(60, 3, 2, 4);
    let samples = SamplesFile::load(&bytes).unwrap();
    let a = arch(PresetId::Tiny, "m2/tanh16/skip/relu8");
    for optimizer in [Optimizer::Adam, DEVICE_OPTIMIZER] {
        let config = TrainConfig { optimizer, learning_rate: 0.02, ..QUICK };
        let size = arena_bytes(&a, &samples.shape(), optimizer);
        let mut fresh = vec_of(size);
        let clean =
            train_child::<4>(&a, &samples, Validation::Stratified, &config, 5, &mut fresh).unwrap();
        // A NaN pattern everywhere, and an arena used by another training first.
        let mut dirty = std::vec![0xFF_u8; size];
        let _ = train_child::<4>(&a, &samples, Validation::Stratified, &config, 6, &mut dirty);
        let again =
            train_child::<4>(&a, &samples, Validation::Stratified, &config, 5, &mut dirty).unwrap();
        assert_eq!(again.weights, clean.weights);
        assert_eq!(again.report, clean.report);
        let mut nan = std::vec![0xFF_u8; size];
        let from_nan =
            train_child::<4>(&a, &samples, Validation::Stratified, &config, 5, &mut nan).unwrap();
        assert_eq!(from_nan.weights, clean.weights);
    }
}

#[test]
fn a_refit_trains_every_sample_for_the_selected_epochs_and_keeps_the_best_fit() {
    let bytes = blob_file(120, 4, 3, 5);
    let samples = SamplesFile::load(&bytes).unwrap();
    let a = arch(PresetId::Tiny, "m0/relu16/skip/skip");
    let config = TrainConfig { epochs: 12, ..QUICK };
    let mut memory = arena_for(&a, &samples);
    let selected =
        train_child::<4>(&a, &samples, Validation::Last(24), &config, 3, &mut memory).unwrap();
    let selected = selected.report;
    assert!(selected.best_epoch >= 1);
    let mut memory = arena_for(&a, &samples);
    let refit = refit_child::<4>(&a, &samples, &selected, &config, 3, &mut memory).unwrap();
    let report = refit.report;
    assert_eq!(report.train_samples, 120, "every sample trains");
    assert_eq!(report.epochs, selected.best_epoch, "the selected run's epochs, no floor");
    assert!((1..=report.epochs).contains(&report.best_epoch));
    assert_eq!(report.steps, selected.best_epoch * 120usize.div_ceil(QUICK.batch_size));
    assert_eq!(report.validation_accuracy(), selected.validation_accuracy(), "provenance");
    let weights = refit.weights.to_vec();
    // Deterministic, and the refit learned: its model classifies the training blobs.
    let mut again = arena_for(&a, &samples);
    let twice = refit_child::<4>(&a, &samples, &selected, &config, 3, &mut again).unwrap();
    assert_eq!(twice.weights, &weights[..]);
    let names = class_ids(3);
    let mut out = vec_of(refit.model_bytes_bound(names.len(), 5));
    let written = refit.write_model::<4>("blobs", 0, &names, Some(&samples), &mut out).unwrap();
    assert!(written.held_out.0 as f32 > 0.85 * 120.0, "{:?}", written.held_out);
    // Without a refit, every sample training is refused: nothing would choose the epoch.
    let mut memory = arena_for(&a, &samples);
    let err = train_child::<4>(&a, &samples, Validation::Last(0), &config, 3, &mut memory);
    assert_eq!(err.err(), Some(TrainError::TooFewSamples));
}

#[test]
fn a_refit_keeps_its_epoch_that_fits_the_samples_best() {
    // A step size large enough that some epochs end worse than earlier ones.
    let bytes = blob_file(120, 4, 3, 5);
    let samples = SamplesFile::load(&bytes).unwrap();
    let a = arch(PresetId::Tiny, "m0/relu16/skip/skip");
    let config = TrainConfig { optimizer: DEVICE_OPTIMIZER, learning_rate: 0.5, ..QUICK };
    let names = class_ids(3);
    let fit = |epochs: usize| {
        let mut memory = arena_for(&a, &samples);
        let child =
            train_child::<4>(&a, &samples, Validation::None, &config.refit(epochs), 3, &mut memory)
                .unwrap();
        let mut out = vec_of(child.model_bytes_bound(names.len(), 5));
        let written = child.write_model::<4>("blobs", 0, &names, Some(&samples), &mut out).unwrap();
        (written.held_out.0, child.report.best_epoch)
    };
    // Epoch k of a longer refit is where a refit of k epochs ends (the same seeded batches), so
    // each refit's fit is the best of its epochs': never worse with more epochs, and the epoch
    // kept is one whose fit no later epoch beats.
    let fits: Vec<(usize, usize)> = (1..=12).map(fit).collect();
    for (k, pair) in fits.windows(2).enumerate() {
        assert!(pair[1].0 >= pair[0].0, "epoch {}: {:?}", k + 2, fits);
    }
    let (best, kept) = fits[11];
    assert_eq!(fits[kept - 1].0, best, "{fits:?}");
    assert!(kept < 12, "this step size ends below its best fit: {fits:?}");
}

#[test]
fn the_cosine_step_decay_halves_midway_and_ends_at_zero() {
    let cosine = StepDecay::Cosine;
    assert_eq!(cosine.factor(0, 100), 1.0);
    assert!((cosine.factor(50, 100) - 0.5).abs() < 1e-6);
    assert!(cosine.factor(100, 100).abs() < 1e-6);
    assert!(cosine.factor(200, 100).abs() < 1e-6, "past the plan, still zero");
    assert_eq!(StepDecay::Constant.factor(70, 100), 1.0);
    // A decaying run trains, deterministically, and differs from a constant one.
    let bytes = blob_file(90, 3, 3, 9);
    let samples = SamplesFile::load(&bytes).unwrap();
    let a = arch(PresetId::Tiny, "m0/tanh8/skip/skip");
    let train = |decay: StepDecay| {
        let config = TrainConfig { decay, ..QUICK };
        let mut memory = arena_for(&a, &samples);
        let child =
            train_child::<3>(&a, &samples, Validation::Last(18), &config, 1, &mut memory).unwrap();
        (child.weights.to_vec(), child.report.validation_accuracy())
    };
    let (decayed, accuracy) = train(StepDecay::Cosine);
    assert_eq!(decayed, train(StepDecay::Cosine).0);
    assert_ne!(decayed, train(StepDecay::Constant).0);
    assert!(accuracy > 0.8, "{accuracy}");
}

#[test]
fn weight_decay_shrinks_the_weight_matrices_but_not_the_biases_alone() {
    let bytes = blob_file(90, 3, 3, 9);
    let samples = SamplesFile::load(&bytes).unwrap();
    let a = arch(PresetId::Tiny, "m0/tanh8/skip/skip");
    let norm = |weight_decay: f32| {
        let config = TrainConfig { weight_decay, epochs: 20, ..QUICK };
        let mut memory = arena_for(&a, &samples);
        let child =
            train_child::<3>(&a, &samples, Validation::None, &config.refit(20), 1, &mut memory)
                .unwrap();
        let plan = stages(&a, 3).unwrap();
        let w: Vec<f32> =
            child.weights.as_chunks::<4>().0.iter().map(|b| f32::from_le_bytes(*b)).collect();
        plan.iter()
            .flat_map(|s| w[s.offset..s.offset + s.inputs * s.outputs].iter())
            .map(|v| v * v)
            .sum::<f32>()
    };
    let (free, decayed) = (norm(0.0), norm(0.5));
    assert!(decayed < 0.5 * free, "{decayed} against {free}");
    assert!(decayed > 0.0);
}

#[test]
fn a_run_keeps_the_later_of_its_epochs_tied_on_validation() {
    // Classes far apart (a one-hot of 10 per class, noise of 0.1): every epoch classifies the
    // whole validation part, so every epoch ties with the first, and the run keeps the last
    // (each tie restarts the patience).
    let mut rng = Rng::new(5);
    let labels: Vec<u8> = (0..150).map(|i| (i % 3) as u8).collect();
    let values: Vec<u8> = labels
        .iter()
        .flat_map(|&y| (0..3).map(move |f| if f == usize::from(y) { 10.0 } else { 0.0 }))
        .map(|v: f32| v + (rng.normal() * 0.1) as f32)
        .flat_map(f32::to_le_bytes)
        .collect();
    let bytes = SamplesFile::new("apart", 3, &labels, &values, "").to_bytes().unwrap();
    let samples = SamplesFile::load(&bytes).unwrap();
    let a = arch(PresetId::Tiny, "m0/relu16/skip/skip");
    let mut memory = arena_for(&a, &samples);
    let config = TrainConfig { epochs: 12, min_steps: 0, patience: 2, ..QUICK };
    let child =
        train_child::<8>(&a, &samples, Validation::Stratified, &config, 7, &mut memory).unwrap();
    let report = child.report;
    assert_eq!(report.validation_correct, report.validation_samples, "{report:?}");
    assert_eq!(report.best_epoch, report.epochs, "{report:?}");
    assert_eq!(report.epochs, 12, "ties never exhaust the patience: {report:?}");
}
