//! The weights format: bit-exact round trips, one test per error variant, and no panic on any
//! input (proptest over arbitrary, truncated and bit-flipped blobs).

use archrank_core::checksum;
use archrank_core::dims::{Paper, Preset, Tiny};
use archrank_core::fixture::{OwnedSections, le_bytes, random_weights};
use archrank_core::quantize::{Scales, quantize_weights};
use archrank_core::weights_format::{FORMAT_VERSION, SearchConfig};
use archrank_core::{AnyRanker, PresetId, Ranker, WeightsError};
use proptest::prelude::*;

#[test]
fn round_trip_is_bit_exact() {
    let sections = OwnedSections::random::<Tiny>(7, 4);
    let bytes = sections.file::<Tiny>().to_bytes().unwrap();
    let ranker = Ranker::<Tiny>::load(&bytes).unwrap();
    assert_eq!(ranker.header(), &sections.file::<Tiny>());
    assert_eq!(ranker.header().to_bytes().unwrap(), bytes);
    assert_eq!(ranker.tasks().len(), 4);
    assert_eq!(ranker.tasks().name(2), "task2");
    let paper = random_weights::<Paper>(7, 2);
    let loaded = Ranker::<Paper>::load(&paper).unwrap();
    assert_eq!(loaded.header().to_bytes().unwrap(), paper);
}

fn load_tiny(bytes: &[u8]) -> WeightsError {
    Ranker::<Tiny>::load(bytes).unwrap_err()
}

/// `file` with its payload edited by `edit` and its checksum trailer recomputed: what a decoder
/// sees of a file whose checksum is right but whose contents are wrong.
fn resealed(file: &[u8], edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut payload = file[..file.len() - checksum::TRAILER_BYTES].to_vec();
    edit(&mut payload);
    checksum::sealed(payload)
}

#[test]
fn truncated() {
    let bytes = random_weights::<Tiny>(1, 2);
    // Cut short, the checksum no longer matches; with a matching one, the decoder finds it short.
    assert_eq!(load_tiny(&bytes[..bytes.len() - 1]), WeightsError::ChecksumMismatch);
    let short = resealed(&bytes, |p| p.truncate(p.len() - 1));
    assert_eq!(load_tiny(&short), WeightsError::Truncated);
    assert_eq!(load_tiny(&bytes[..3]), WeightsError::Truncated);
    assert_eq!(load_tiny(&[]), WeightsError::Truncated);
}

#[test]
fn corrupted() {
    let bytes = random_weights::<Tiny>(1, 2);
    for at in [12, bytes.len() / 2, bytes.len() - 1] {
        let mut bad = bytes.clone();
        bad[at] ^= 0x10;
        assert_eq!(load_tiny(&bad), WeightsError::ChecksumMismatch, "byte {at}");
    }
}

#[test]
fn bad_magic() {
    let mut bytes = random_weights::<Tiny>(1, 2);
    bytes[0] ^= 0xFF;
    assert_eq!(load_tiny(&bytes), WeightsError::BadMagic);
}

#[test]
fn other_version() {
    let sections = OwnedSections::random::<Tiny>(1, 2);
    let mut file = sections.file::<Tiny>();
    file.format_version = FORMAT_VERSION + 1;
    let err = load_tiny(&file.to_bytes().unwrap());
    assert_eq!(
        err,
        WeightsError::UnsupportedVersion { expected: FORMAT_VERSION, found: FORMAT_VERSION + 1 }
    );
}

#[test]
fn other_preset() {
    let paper = random_weights::<Paper>(1, 2);
    assert_eq!(
        load_tiny(&paper),
        WeightsError::PresetMismatch { expected: PresetId::Tiny, found: PresetId::Paper }
    );
}

#[test]
fn other_dimensions() {
    let sections = OwnedSections::random::<Tiny>(1, 2);
    let mut file = sections.file::<Tiny>();
    file.dims.embed_dim = 64;
    let expected = archrank_core::dims::EMBED_DIM as u32;
    assert_eq!(
        load_tiny(&file.to_bytes().unwrap()),
        WeightsError::DimensionMismatch { what: "embed_dim", expected, found: 64 }
    );
}

#[test]
fn section_of_wrong_length() {
    let mut sections = OwnedSections::random::<Tiny>(1, 2);
    sections.params.truncate(sections.params.len() - 4);
    let err = load_tiny(&sections.file::<Tiny>().to_bytes().unwrap());
    assert!(matches!(err, WeightsError::LengthMismatch { what: "params", .. }), "{err:?}");
    let mut sections = OwnedSections::random::<Tiny>(1, 2);
    sections.names = "only-one-name".into();
    let err = load_tiny(&sections.file::<Tiny>().to_bytes().unwrap());
    assert!(matches!(err, WeightsError::LengthMismatch { what: "task names", .. }), "{err:?}");
}

#[test]
fn architecture_table_of_wrong_length_or_index() {
    let mut sections = OwnedSections::random::<Tiny>(1, 2);
    sections.archs.truncate(sections.archs.len() - 4);
    let err = load_tiny(&sections.file::<Tiny>().to_bytes().unwrap());
    assert!(matches!(err, WeightsError::LengthMismatch { what: "architectures", .. }), "{err:?}");
    let mut sections = OwnedSections::random::<Tiny>(1, 2);
    sections.archs.clear();
    let err = load_tiny(&sections.file::<Tiny>().to_bytes().unwrap());
    assert!(matches!(err, WeightsError::LengthMismatch { what: "architectures", .. }), "{err:?}");
    let mut sections = OwnedSections::random::<Tiny>(1, 2);
    sections.top_archs.pop();
    let err = load_tiny(&sections.file::<Tiny>().to_bytes().unwrap());
    assert!(
        matches!(err, WeightsError::LengthMismatch { what: "top architecture indices", .. }),
        "{err:?}"
    );
    let mut sections = OwnedSections::random::<Tiny>(1, 2);
    let arch_count = (sections.archs.len() / (4 * Tiny::ARCH_DIM)) as u16;
    sections.top_archs[6..8].copy_from_slice(&arch_count.to_le_bytes());
    assert_eq!(
        load_tiny(&sections.file::<Tiny>().to_bytes().unwrap()),
        WeightsError::BadIndex { what: "top architecture indices", index: 3 }
    );
    assert_eq!(
        WeightsError::BadIndex { what: "top architecture indices", index: 3 }.to_string(),
        "entry 3 of section `top architecture indices` points past the table it indexes"
    );
}

#[test]
fn tasks_share_architectures_by_index() {
    let sections = OwnedSections::random::<Tiny>(3, 4);
    let bytes = sections.file::<Tiny>().to_bytes().unwrap();
    let ranker = Ranker::<Tiny>::load(&bytes).unwrap();
    let tasks = ranker.tasks();
    assert_eq!(tasks.arch_count(), 10);
    for i in 0..tasks.len() {
        for rank in 0..archrank_core::dims::TOP_K {
            let at = i * archrank_core::dims::TOP_K + rank;
            let index = usize::from(u16::from_le_bytes([
                sections.top_archs[2 * at],
                sections.top_archs[2 * at + 1],
            ]));
            let mut u = [0.0; Tiny::ARCH_DIM];
            tasks.top_arch_into(i, rank, Tiny::ARCH_DIM, &mut u);
            let stored =
                &sections.archs[index * 4 * Tiny::ARCH_DIM..(index + 1) * 4 * Tiny::ARCH_DIM];
            assert_eq!(le_bytes(&u), stored);
        }
    }
}

#[test]
fn non_finite_values() {
    let mut sections = OwnedSections::random::<Tiny>(1, 2);
    sections.params[40..44].copy_from_slice(&f32::NAN.to_le_bytes());
    assert_eq!(
        load_tiny(&sections.file::<Tiny>().to_bytes().unwrap()),
        WeightsError::NonFinite { what: "feature.weight_value", index: 10 }
    );
    let mut sections = OwnedSections::random::<Tiny>(1, 2);
    sections.embeddings = le_bytes(&[f32::INFINITY; 2 * archrank_core::dims::EMBED_DIM]);
    assert_eq!(
        load_tiny(&sections.file::<Tiny>().to_bytes().unwrap()),
        WeightsError::NonFinite { what: "task embeddings", index: 0 }
    );
}

#[test]
fn no_tasks() {
    let sections = OwnedSections::random::<Tiny>(1, 0);
    assert_eq!(load_tiny(&sections.file::<Tiny>().to_bytes().unwrap()), WeightsError::NoTasks);
}

#[test]
fn bad_search_defaults() {
    let sections = OwnedSections::random::<Tiny>(1, 2);
    let mut file = sections.file::<Tiny>();
    file.search = SearchConfig { max_step: f32::NAN, ..SearchConfig::default() };
    assert_eq!(load_tiny(&file.to_bytes().unwrap()), WeightsError::BadSearchDefaults);
}

#[test]
fn malformed_encoding() {
    let sections = OwnedSections::random::<Tiny>(1, 2);
    let bytes = sections.file::<Tiny>().to_bytes().unwrap();
    // Byte 9 is the preset's enum tag (after 8 magic bytes and a 1-byte varint version).
    assert_eq!(bytes[9], 0);
    let bad = resealed(&bytes, |p| p[9] = 9);
    assert_eq!(load_tiny(&bad), WeightsError::Malformed);
}

#[test]
fn trailing_bytes() {
    let bytes = resealed(&random_weights::<Tiny>(1, 2), |p| p.extend_from_slice(&[0, 0, 0]));
    assert_eq!(load_tiny(&bytes), WeightsError::TrailingBytes { count: 3 });
}

#[test]
fn errors_display_a_message() {
    let err = WeightsError::DimensionMismatch { what: "arch_dim", expected: 33, found: 105 };
    assert_eq!(
        err.to_string(),
        "dimension `arch_dim` is 105 in the file, 33 in this build: fit it again with this build \
         (`archrank fit`)"
    );
}

/// A random tiny weights file, f32 or int8.
fn weights_stored(int8: bool) -> Vec<u8> {
    let bytes = random_weights::<Tiny>(2, 3);
    if int8 { quantize_weights(&bytes, Scales::Column, None).unwrap() } else { bytes }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = Ranker::<Tiny>::load(&bytes);
        let _ = Ranker::<Paper>::load(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_the_magic_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut bytes = b"ARCHRANK".to_vec();
        bytes.push(FORMAT_VERSION as u8);
        bytes.extend_from_slice(&tail);
        prop_assert!(Ranker::<Tiny>::load(&bytes).is_err());
    }

    #[test]
    fn truncation_is_always_an_error(cut in 0usize..20_000, int8: bool) {
        let bytes = weights_stored(int8);
        let cut = cut % bytes.len();
        prop_assert!(Ranker::<Tiny>::load(&bytes[..cut]).is_err());
    }

    #[test]
    fn bit_flips_never_panic(
        flips in proptest::collection::vec((any::<usize>(), 0u8..8), 1..4),
        int8: bool,
    ) {
        let mut bytes = weights_stored(int8);
        let len = bytes.len();
        for (at, bit) in flips {
            bytes[at % len] ^= 1 << bit;
        }
        if let Ok(ranker) = Ranker::<Tiny>::load(&bytes) {
            // A flip inside a float can leave a valid file: it must still search without panicking.
            let z = archrank_core::TaskEmbedding::zeros();
            let result = ranker.search(&z);
            prop_assert!(result.score.is_finite());
        }
    }
}

#[test]
fn finite_but_huge_values() {
    let mut sections = OwnedSections::random::<Tiny>(1, 2);
    sections.params[8..12].copy_from_slice(&3.0e30f32.to_le_bytes());
    assert_eq!(
        load_tiny(&sections.file::<Tiny>().to_bytes().unwrap()),
        WeightsError::OutOfRange { what: "feature.weight_value", index: 2 }
    );
}

/// Inputs the fuzzer found (`fuzz/`), kept so they stay fixed.
#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        if let Ok(ranker) = Ranker::<Tiny>::load(&bytes) {
            let z = archrank_core::TaskEmbedding::from_element(0.1);
            assert!(ranker.search(&z).score.is_finite());
        }
        if let Ok(ranker) = Ranker::<Paper>::load(&bytes) {
            assert!(ranker.search(&archrank_core::TaskEmbedding::zeros()).score.is_finite());
        }
    }
}

#[test]
fn any_ranker_reads_the_preset_from_the_header() {
    let tiny = random_weights::<Tiny>(1, 2);
    let paper = random_weights::<Paper>(1, 2);
    assert_eq!(AnyRanker::load(&tiny).unwrap().preset(), PresetId::Tiny);
    let any = AnyRanker::load(&paper).unwrap();
    assert_eq!(any.preset(), PresetId::Paper);
    assert_eq!(any.header().to_bytes().unwrap(), paper);
    assert_eq!(AnyRanker::load(b"not weights").unwrap_err(), WeightsError::BadMagic);
    let corrupt = resealed(&paper, |p| {
        let at = p.len() - 4;
        p[at..].copy_from_slice(&f32::NAN.to_le_bytes());
    });
    assert!(matches!(AnyRanker::load(&corrupt), Err(WeightsError::NonFinite { .. })));
}

/// The fuzzer's weights seeds are files of the current format, f32 and int8, so fuzzing starts
/// past the version check. Regenerate with `UPDATE_SEEDS=1 cargo test -p archrank-core fuzz_seed`.
#[test]
fn fuzz_seeds_are_current_weights_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/weights_loader");
    let f32_bytes = random_weights::<Tiny>(5, 3);
    let int8_bytes = quantize_weights(&f32_bytes, Scales::Column, None).unwrap();
    for (name, bytes) in [("tiny", f32_bytes), ("tiny-int8", int8_bytes)] {
        let path = dir.join(name);
        if std::env::var_os("UPDATE_SEEDS").is_some() {
            std::fs::write(&path, bytes).unwrap();
        }
        let bytes = std::fs::read(&path).unwrap();
        assert!(Ranker::<Tiny>::load(&bytes).is_ok(), "{} is stale", path.display());
    }
}
