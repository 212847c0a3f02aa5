//! The firmware's whole story through the C API gives what the core's Rust API gives, line for
//! line and bit for bit: the embedding, the search, the training, the model file, the
//! predictions and their probabilities.

use archrank_core::search_report::{
    Request, write_model_result, write_result, write_training_result,
};
use archrank_core::training::{
    TrainConfig, Validation, child_seed, class_ids, refit_child, train_child,
};
use archrank_core::{Budget, Model, Ranker, SamplesFile, Tiny, embed_numeric};
use archrank_ffi::*;

use crate::support::*;

const MAX_FEATURES: usize = ARCHRANK_MAX_FEATURES;

/// The story as `firmware-example` runs it, through the core's API.
struct Reference {
    embedding: Vec<f32>,
    report: String,
    model: Vec<u8>,
    probabilities: Vec<Vec<f32>>,
}

fn reference(ranker_bytes: &[u8]) -> Reference {
    let ranker = Ranker::<Tiny>::load(ranker_bytes).unwrap();
    let samples_bytes = samples_bytes();
    let samples = SamplesFile::load(&samples_bytes).unwrap();
    let z = embed_numeric::<Tiny, MAX_FEATURES>(ranker.network(), &samples).unwrap();
    let request = Request {
        task: samples.task,
        samples: samples.len(),
        shape: samples.shape(),
        budget: Budget {
            max_params: Some(BUDGET.params),
            max_macs: None,
            max_ram_bytes: Some(BUDGET.ram_bytes),
            max_train_ram_bytes: Some(BUDGET.train_ram_bytes),
        },
    };
    let result =
        ranker.search_within(&z, &ranker.search_config(), &request.shape, &request.budget).unwrap();
    let mut report = String::new();
    write_result(&mut report, &request, &result).unwrap();

    let held_bytes = held_out_bytes();
    let held = SamplesFile::load(&held_bytes).unwrap();
    let mut arena = vec![0_u8; ARENA_BYTES];
    let config = TrainConfig::default();
    let arch = &result.discrete;
    let seed = child_seed(0);
    let selected = train_child::<MAX_FEATURES>(
        arch,
        &samples,
        Validation::Stratified,
        &config,
        seed,
        &mut arena,
    )
    .unwrap()
    .report;
    let child =
        refit_child::<MAX_FEATURES>(arch, &samples, &selected, &config, seed, &mut arena).unwrap();
    let names = class_ids(samples.classes());
    let mut out = vec![0_u8; MODEL_BYTES];
    let written =
        child.write_model::<MAX_FEATURES>(samples.task, 0, &names, Some(&held), &mut out).unwrap();
    write_training_result(&mut report, &selected, Some(&child.report), written.bytes).unwrap();
    let model_bytes = written.bytes.to_vec();
    let model = Model::load(&model_bytes).unwrap();
    let mut correct = 0;
    let mut probabilities = Vec::new();
    model
        .predict_numeric_samples::<MAX_FEATURES>(&held, |_, class, label, probs| {
            correct += usize::from(class as u32 == label);
            probabilities.push(probs[..model.classes].to_vec());
        })
        .unwrap();
    write_model_result(&mut report, &model, held.is_text(), correct, held.len()).unwrap();
    drop(model);
    Reference { embedding: z.as_slice().to_vec(), report, model: model_bytes, probabilities }
}

fn bits(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn the_story_through_the_c_api_is_the_cores_bit_for_bit() {
    let expected = reference(&ranker_bytes());
    let mut story = Story::choose(ranker_bytes());
    assert_eq!(bits(&story.embedding.values), bits(&expected.embedding));
    story.train_and_load();
    assert_eq!(&story.model_bytes[..story.written.bytes], &expected.model[..]);
    let predictions = story.predictions();
    let correct = predictions.iter().filter(|(c, l, _)| c == l).count();
    assert_eq!(
        (story.written.held_out_correct, story.written.held_out_total),
        (correct, predictions.len())
    );
    for ((_, _, probs), want) in predictions.iter().zip(&expected.probabilities) {
        assert_eq!(bits(probs), bits(want));
    }
    let report = story.report();
    assert_eq!(report, expected.report);
    // The lines the firmware's golden file holds, in its order.
    let kinds: Vec<&str> = report.lines().map(|l| l.split(' ').nth(1).unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"preset"));
    assert_eq!(kinds.last(), Some(&"model"));
}

#[test]
fn the_f32_ranker_loads_and_searches_like_the_core() {
    let f32_bytes = asset("data/default-ranker.postcard");
    let story = Story::choose(f32_bytes.clone());
    let ranker = Ranker::<Tiny>::load(&f32_bytes).unwrap();
    let samples_bytes = samples_bytes();
    let samples = SamplesFile::load(&samples_bytes).unwrap();
    let z = embed_numeric::<Tiny, MAX_FEATURES>(ranker.network(), &samples).unwrap();
    assert_eq!(bits(&story.embedding.values), bits(z.as_slice()));
    let text = format_text(|buf, cap, len| unsafe {
        archrank_format_result(story.search.get(), buf, cap, len)
    });
    assert!(text.starts_with("result preset tiny\nresult task "), "{text}");
}

#[test]
fn the_arena_the_search_states_is_enough_and_fits_the_budget() {
    let story = Story::choose(ranker_bytes());
    let mut needed = Storage::<usize>::new();
    unsafe {
        let status =
            archrank_train_arena_bytes(story.search.get(), story.samples.get(), needed.ptr());
        expect(status, ArchrankStatus::Ok);
    }
    let needed = needed.value();
    assert!(needed > 0 && needed <= ARENA_BYTES, "{needed}");
    let mut arena = vec![0_u8; needed];
    let mut trained = Storage::<ArchrankTrained>::new();
    unsafe {
        let status = archrank_train(
            story.search.get(),
            story.samples.get(),
            arena.as_mut_ptr(),
            arena.len(),
            trained.ptr(),
        );
        expect(status, ArchrankStatus::Ok);
    }
}

#[test]
fn a_model_written_without_held_out_samples_loads_and_predicts_the_same() {
    let mut story = Story::choose(ranker_bytes());
    story.train_and_load();
    let mut out = vec![0_u8; MODEL_BYTES];
    let mut written = Storage::<ArchrankWritten>::new();
    let status = unsafe {
        archrank_write_model(
            story.trained.get(),
            std::ptr::null(),
            out.as_mut_ptr(),
            out.len(),
            written.ptr(),
        )
    };
    expect(status, ArchrankStatus::Ok);
    let written = written.value();
    assert_eq!((written.held_out_correct, written.held_out_total), (0, 0));
    // Only the provenance's test accuracy (NaN: none measured) differs.
    assert_eq!(written.bytes, story.written.bytes);
    let expected = story.predictions();
    story.model_bytes = out;
    unsafe {
        let status =
            archrank_model_load(story.model.ptr(), story.model_bytes.as_ptr(), written.bytes);
        expect(status, ArchrankStatus::Ok);
    }
    let bits = |p: &[(u32, u32, Vec<f32>)]| -> Vec<(u32, Vec<u32>)> {
        p.iter().map(|(c, _, probs)| (*c, probs.iter().map(|v| v.to_bits()).collect())).collect()
    };
    assert_eq!(bits(&story.predictions()), bits(&expected));
}
