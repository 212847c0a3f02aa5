//! Bad input gives its named status and writes nothing: NULL pointers, unfilled handles, short
//! buffers, a small arena, broken or foreign files, samples wider than the API holds.

use archrank_core::SamplesFile;
use archrank_core::model_format::ModelFile;
use archrank_ffi::*;

use crate::support::*;

use ArchrankStatus as S;

fn load_ranker(bytes: &[u8]) -> (ArchrankStatus, bool) {
    let mut ranker = Storage::<ArchrankRanker>::new();
    let status = unsafe { archrank_ranker_load(ranker.ptr(), bytes.as_ptr(), bytes.len()) };
    (status, ranker.untouched())
}

fn load_model(bytes: &[u8]) -> (ArchrankStatus, bool) {
    let mut model = Storage::<ArchrankModel>::new();
    let status = unsafe { archrank_model_load(model.ptr(), bytes.as_ptr(), bytes.len()) };
    (status, model.untouched())
}

fn load_samples(bytes: &[u8]) -> (ArchrankStatus, bool) {
    let mut samples = Storage::<ArchrankSamples>::new();
    let status = unsafe { archrank_samples_load(samples.ptr(), bytes.as_ptr(), bytes.len()) };
    (status, samples.untouched())
}

/// `file` with its payload edited by `edit` and its checksum trailer recomputed: a file whose
/// checksum is right but whose contents are not, for the decoder's own checks.
fn resealed(file: &[u8], edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut payload = file[..file.len() - archrank_core::checksum::TRAILER_BYTES].to_vec();
    edit(&mut payload);
    archrank_core::checksum::sealed(payload)
}

#[test]
fn null_pointers_are_refused_before_anything_is_read_or_written() {
    let bytes = ranker_bytes();
    let story = Story::choose(bytes.clone());
    let mut ranker = Storage::<ArchrankRanker>::new();
    let mut buf = [0x5a_u8; 64];
    let mut len = Storage::<usize>::new();
    unsafe {
        expect(
            archrank_ranker_load(std::ptr::null_mut(), bytes.as_ptr(), bytes.len()),
            S::NullPointer,
        );
        expect(archrank_ranker_load(ranker.ptr(), std::ptr::null(), bytes.len()), S::NullPointer);
        assert!(ranker.untouched());
        expect(archrank_samples_load(std::ptr::null_mut(), bytes.as_ptr(), 1), S::NullPointer);
        expect(archrank_model_load(std::ptr::null_mut(), bytes.as_ptr(), 1), S::NullPointer);
        let mut z = Storage::<ArchrankEmbedding>::new();
        expect(archrank_embed(std::ptr::null(), story.samples.get(), z.ptr()), S::NullPointer);
        expect(archrank_embed(story.ranker.get(), std::ptr::null(), z.ptr()), S::NullPointer);
        expect(
            archrank_embed(story.ranker.get(), story.samples.get(), std::ptr::null_mut()),
            S::NullPointer,
        );
        assert!(z.untouched());
        let mut search = Storage::<ArchrankSearch>::new();
        let (r, s) = (story.ranker.get(), story.samples.get());
        expect(
            archrank_search_within(r, s, std::ptr::null(), &BUDGET, search.ptr()),
            S::NullPointer,
        );
        expect(
            archrank_search_within(r, s, &story.embedding, std::ptr::null(), search.ptr()),
            S::NullPointer,
        );
        assert!(search.untouched());
        let mut trained = Storage::<ArchrankTrained>::new();
        let status = archrank_train(story.search.get(), s, std::ptr::null_mut(), 10, trained.ptr());
        expect(status, S::NullPointer);
        assert!(trained.untouched());
        let status =
            archrank_format_result(story.search.get(), std::ptr::null_mut(), 64, len.ptr());
        expect(status, S::NullPointer);
        let status = archrank_format_result(
            story.search.get(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            std::ptr::null_mut(),
        );
        expect(status, S::NullPointer);
        assert!(len.untouched() && buf.iter().all(|&b| b == 0x5a));
        let mut class = 0_u32;
        let row = [0.0_f32; 7];
        expect(
            archrank_predict(
                std::ptr::null(),
                row.as_ptr(),
                7,
                std::ptr::null_mut(),
                0,
                &mut class,
            ),
            S::NullPointer,
        );
        let mut label = Storage::<u32>::new();
        expect(archrank_samples_row(s, 0, std::ptr::null_mut(), 7, label.ptr()), S::NullPointer);
        assert!(label.untouched());
    }
}

#[test]
fn a_handle_no_load_function_filled_is_an_invalid_argument() {
    let story = Story::choose(ranker_bytes());
    let unfilled_ranker = Storage::<ArchrankRanker>::new();
    let unfilled_samples = Storage::<ArchrankSamples>::new();
    let unfilled_model = Storage::<ArchrankModel>::new();
    let mut z = Storage::<ArchrankEmbedding>::new();
    let mut info = Storage::<ArchrankModelInfo>::new();
    unsafe {
        expect(
            archrank_embed(unfilled_ranker.get(), story.samples.get(), z.ptr()),
            S::InvalidArgument,
        );
        expect(
            archrank_embed(story.ranker.get(), unfilled_samples.get(), z.ptr()),
            S::InvalidArgument,
        );
        expect(archrank_model_describe(unfilled_model.get(), info.ptr()), S::InvalidArgument);
    }
    assert!(z.untouched() && info.untouched());
    // A misaligned output handle.
    let bytes = ranker_bytes();
    let mut storage = vec![0_u64; ARCHRANK_RANKER_WORDS + 1];
    let misaligned = unsafe { storage.as_mut_ptr().cast::<u8>().add(4).cast::<ArchrankRanker>() };
    let status = unsafe { archrank_ranker_load(misaligned, bytes.as_ptr(), bytes.len()) };
    expect(status, S::InvalidArgument);
    assert!(storage.iter().all(|&w| w == 0));
}

#[test]
fn a_report_buffer_too_small_is_untouched_and_says_the_size_needed() {
    let story = Story::choose(ranker_bytes());
    let full = format_text(|buf, cap, len| unsafe {
        archrank_format_result(story.search.get(), buf, cap, len)
    });
    let needed = full.len() + 1;
    for capacity in [0, 1, needed - 1] {
        let mut buf = vec![0x5a_u8; needed];
        let mut len = 0_usize;
        let status = unsafe {
            archrank_format_result(story.search.get(), buf.as_mut_ptr().cast(), capacity, &mut len)
        };
        expect(status, S::BufferTooSmall);
        assert_eq!(len, needed);
        assert!(buf.iter().all(|&b| b == 0x5a), "capacity {capacity}");
    }
    let mut buf = vec![0x5a_u8; needed];
    let mut len = 0_usize;
    let status = unsafe {
        archrank_format_result(story.search.get(), buf.as_mut_ptr().cast(), needed, &mut len)
    };
    expect(status, S::Ok);
    assert_eq!((len, &buf[..len]), (full.len(), full.as_bytes()));
}

#[test]
fn training_refuses_a_small_arena_and_writing_a_small_buffer_untouched() {
    let mut story = Story::choose(ranker_bytes());
    let mut needed = 0_usize;
    unsafe {
        let status =
            archrank_train_arena_bytes(story.search.get(), story.samples.get(), &mut needed);
        expect(status, S::Ok);
        let mut arena = vec![0_u8; needed - 1];
        let mut trained = Storage::<ArchrankTrained>::new();
        let status = archrank_train(
            story.search.get(),
            story.samples.get(),
            arena.as_mut_ptr(),
            arena.len(),
            trained.ptr(),
        );
        expect(status, S::TrainMemory);
        assert!(trained.untouched());
    }
    story.train_and_load();
    let length = story.written.bytes;
    let mut out = vec![0x5a_u8; length];
    let mut written = Storage::<ArchrankWritten>::new();
    let status = unsafe {
        archrank_write_model(
            story.trained.get(),
            story.held_out.get(),
            out.as_mut_ptr(),
            length - 1,
            written.ptr(),
        )
    };
    expect(status, S::BufferTooSmall);
    assert!(out.iter().all(|&b| b == 0x5a));
    assert_eq!(written.value(), ArchrankWritten { bytes: length, ..Default::default() });
    // Exactly the length it needs is enough.
    let status = unsafe {
        archrank_write_model(
            story.trained.get(),
            story.held_out.get(),
            out.as_mut_ptr(),
            length,
            written.ptr(),
        )
    };
    expect(status, S::Ok);
    assert_eq!(out, story.model_bytes[..length]);
}

#[test]
fn short_rows_and_probabilities_are_refused() {
    let mut story = Story::choose(ranker_bytes());
    story.train_and_load();
    let mut info = ArchrankModelInfo::default();
    unsafe { expect(archrank_model_describe(story.model.get(), &mut info), S::Ok) };
    let mut row = vec![0x5a5a5a5a_u32 as f32; info.features];
    let before = row.clone();
    let mut label = 7_u32;
    let status = unsafe {
        archrank_samples_row(
            story.held_out.get(),
            0,
            row.as_mut_ptr(),
            info.features - 1,
            &mut label,
        )
    };
    expect(status, S::BufferTooSmall);
    let status = unsafe {
        archrank_samples_row(story.held_out.get(), 1 << 20, row.as_mut_ptr(), row.len(), &mut label)
    };
    expect(status, S::InvalidArgument);
    assert_eq!(
        (row.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), label),
        (before.iter().map(|v| v.to_bits()).collect(), 7)
    );
    let status = unsafe {
        archrank_samples_row(story.held_out.get(), 0, row.as_mut_ptr(), row.len(), &mut label)
    };
    expect(status, S::Ok);
    let mut probs = vec![-1.0_f32; info.classes];
    let mut class = 99_u32;
    let (model, r) = (story.model.get(), row.as_ptr());
    unsafe {
        let short = info.classes - 1;
        expect(
            archrank_predict(model, r, row.len(), probs.as_mut_ptr(), short, &mut class),
            S::BufferTooSmall,
        );
        expect(
            archrank_predict(model, r, row.len() - 1, probs.as_mut_ptr(), probs.len(), &mut class),
            S::PredictFeatureCount,
        );
        let mut bad = row.clone();
        bad[1] = f32::NAN;
        expect(
            archrank_predict(
                model,
                bad.as_ptr(),
                bad.len(),
                probs.as_mut_ptr(),
                probs.len(),
                &mut class,
            ),
            S::PredictNonFinite,
        );
        assert!(probs.iter().all(|&p| p == -1.0) && class == 99);
        // Without probabilities: the class only.
        expect(archrank_predict(model, r, row.len(), std::ptr::null_mut(), 0, &mut class), S::Ok);
        assert!((class as usize) < info.classes);
    }
}

#[test]
fn truncated_garbage_and_foreign_rankers_are_named() {
    let bytes = ranker_bytes();
    assert_eq!(load_ranker(&bytes[..bytes.len() / 2]), (S::WeightsChecksumMismatch, true));
    assert_eq!(load_ranker(&bytes[..5]), (S::WeightsTruncated, true));
    assert_eq!(load_ranker(&bytes[..0]), (S::WeightsTruncated, true));
    assert_eq!(load_ranker(b"not an archrank ranker at all"), (S::WeightsBadMagic, true));
    let paper = asset("firmware-example/assets/paper-ranker-int8.postcard");
    assert_eq!(load_ranker(&paper), (S::WeightsPresetMismatch, true));
    let mut flipped = bytes.clone();
    flipped[bytes.len() / 3] ^= 0x20;
    assert_eq!(load_ranker(&flipped), (S::WeightsChecksumMismatch, true));
    let trailing = resealed(&bytes, |p| p.push(0));
    assert_eq!(load_ranker(&trailing), (S::WeightsTrailingBytes, true));
    assert_eq!(load_ranker(&bytes).0, S::Ok);
}

#[test]
fn corrupted_models_and_models_of_another_architecture_are_named() {
    let mut story = Story::choose(ranker_bytes());
    story.train_and_load();
    let good = story.model_bytes[..story.written.bytes].to_vec();
    assert_eq!(load_model(&good).0, S::Ok);
    assert_eq!(load_model(&good[..good.len() - 9]), (S::ModelChecksumMismatch, true));
    let short = resealed(&good, |p| p.truncate(p.len() - 9));
    assert_eq!(load_model(&short), (S::ModelTruncated, true));
    let mut magic = good.clone();
    magic[0] ^= 0xff;
    assert_eq!(load_model(&magic), (S::ModelBadMagic, true));
    let trailing = resealed(&good, |p| p.extend_from_slice(&[1, 2, 3]));
    assert_eq!(load_model(&trailing), (S::ModelTrailingBytes, true));
    assert_eq!(load_model(&story.ranker_bytes), (S::ModelBadMagic, true));

    // The same file claiming another architecture: a base layer the preset lacks, then a module.
    let file: ModelFile<'_> = postcard::from_bytes(&good).unwrap();
    let mut out = vec![0_u8; good.len() + 64];
    let layers = vec![200_u8; file.layers.len()];
    let foreign = ModelFile { layers: &layers, ..file };
    let encoded = foreign.write_into(&mut out).unwrap().to_vec();
    assert_eq!(load_model(&encoded), (S::ModelBadArchitecture, true));
    let foreign = ModelFile { module: 99, ..file };
    let encoded = foreign.write_into(&mut out).unwrap().to_vec();
    assert_eq!(load_model(&encoded), (S::ModelBadArchitecture, true));
    // Weights of another width than the architecture's.
    let short = &file.weights[..file.weights.len() - 4];
    let foreign = ModelFile { weights: short, ..file };
    let encoded = foreign.write_into(&mut out).unwrap().to_vec();
    assert!(matches!(load_model(&encoded), (S::ModelWeightsLength, true)));
    // A model of another task runs, but not on this task's rows.
    let paper = asset("firmware-example/assets/paper-model.postcard");
    let mut model = Storage::<ArchrankModel>::new();
    let mut info = ArchrankModelInfo::default();
    unsafe {
        expect(archrank_model_load(model.ptr(), paper.as_ptr(), paper.len()), S::Ok);
        expect(archrank_model_describe(model.get(), &mut info), S::Ok);
        let row = [0.5_f32; ARCHRANK_MAX_FEATURES];
        let n = if info.features == 7 { 6 } else { 7 };
        let mut class = 0_u32;
        let status =
            archrank_predict(model.get(), row.as_ptr(), n, std::ptr::null_mut(), 0, &mut class);
        expect(status, S::PredictFeatureCount);
    }
}

#[test]
fn samples_wider_than_the_api_holds_text_and_broken_files_are_named() {
    let story = Story::choose(ranker_bytes());
    let features = (ARCHRANK_MAX_FEATURES + 1) as u32;
    let labels: Vec<u8> = (0..12).map(|i| i % 3).collect();
    let values: Vec<u8> = (0..labels.len() * features as usize)
        .flat_map(|i| ((i % 17) as f32 * 0.25).to_le_bytes())
        .collect();
    let wide = SamplesFile::new("wide", features, &labels, &values, "").to_bytes().unwrap();
    let mut samples = Storage::<ArchrankSamples>::new();
    let mut z = Storage::<ArchrankEmbedding>::new();
    let mut trained = Storage::<ArchrankTrained>::new();
    let mut arena = vec![0_u8; ARENA_BYTES];
    unsafe {
        expect(archrank_samples_load(samples.ptr(), wide.as_ptr(), wide.len()), S::Ok);
        expect(
            archrank_embed(story.ranker.get(), samples.get(), z.ptr()),
            S::EncodeTooManyFeatures,
        );
        let status = archrank_train(
            story.search.get(),
            samples.get(),
            arena.as_mut_ptr(),
            arena.len(),
            trained.ptr(),
        );
        expect(status, S::TrainTooManyFeatures);
    }
    assert!(z.untouched() && trained.untouched());

    let text = SamplesFile::new("words", 0, &[0, 1], &[], "one\ntwo").to_bytes().unwrap();
    let mut text_samples = Storage::<ArchrankSamples>::new();
    unsafe {
        expect(archrank_samples_load(text_samples.ptr(), text.as_ptr(), text.len()), S::Ok);
        expect(archrank_embed(story.ranker.get(), text_samples.get(), z.ptr()), S::TextSamples);
    }

    let good = samples_bytes();
    assert_eq!(load_samples(&good[..good.len() / 2]), (S::SamplesChecksumMismatch, true));
    assert_eq!(load_samples(&good[..5]), (S::SamplesTruncated, true));
    let mut magic = good.clone();
    magic[0] ^= 0xff;
    assert_eq!(load_samples(&magic), (S::SamplesBadMagic, true));
    let mismatched = SamplesFile::new("odd", 2, &[0, 1, 0], &[0; 8], "").to_bytes().unwrap();
    assert_eq!(load_samples(&mismatched), (S::SamplesLengthMismatch, true));
}

#[test]
fn an_impossible_budget_or_a_non_finite_embedding_finds_nothing() {
    let story = Story::choose(ranker_bytes());
    let mut search = Storage::<ArchrankSearch>::new();
    let tiny = ArchrankBudget { params: 1, ..BUDGET };
    let mut nan = story.embedding;
    nan.values[3] = f32::NAN;
    unsafe {
        let (r, s) = (story.ranker.get(), story.samples.get());
        expect(
            archrank_search_within(r, s, &story.embedding, &tiny, search.ptr()),
            S::NoArchitectureFits,
        );
        expect(archrank_search_within(r, s, &nan, &BUDGET, search.ptr()), S::InvalidArgument);
    }
    assert!(search.untouched());
}

#[test]
fn every_status_has_a_message() {
    for status in
        [S::Ok, S::NullPointer, S::TrainMemory, S::ModelBadArchitecture, S::PredictTooWide]
    {
        assert!(!message(status).is_empty());
    }
    let unknown = unsafe { std::ffi::CStr::from_ptr(archrank_status_message(9999)) };
    assert_eq!(unknown.to_str().unwrap(), "unknown status");
}
