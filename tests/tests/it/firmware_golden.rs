//! The host side of the firmware's golden check: the core's search on the firmware's bundled
//! weights and samples, printed by the same formatter the firmware uses, must equal the committed
//! golden files byte for byte. The CI firmware stage checks the device side against the same files.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p archrank-tests firmware_golden -- --test-threads=1`.

use std::path::PathBuf;

use archrank_core::dims::Preset;
use archrank_core::search_report::write_result;
use archrank_core::{
    AnyRanker, Paper, PresetId, Ranker, SamplesFile, Tiny, embed_numeric, embed_text,
};
use archrank_trainer::search::{SampleSource, search};

fn firmware_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../firmware-example")
}

/// Must match the firmware's `MAX_FEATURES`.
const MAX_FEATURES: usize = 64;

/// `weights`: a path relative to the firmware's folder, as its `include_bytes!` names it.
fn host_result<P: Preset>(weights: &str) -> String {
    let dir = firmware_dir();
    let weights = std::fs::read(dir.join(weights)).unwrap();
    let samples_bytes = std::fs::read(dir.join("assets/samples.postcard")).unwrap();
    let ranker = Ranker::<P>::load(&weights).unwrap();
    let samples = SamplesFile::load(&samples_bytes).unwrap();
    let z = if samples.is_text() {
        embed_text(ranker.network(), samples.texts())
    } else {
        embed_numeric::<P, MAX_FEATURES>(ranker.network(), &samples)
    }
    .unwrap();
    let result = ranker.search(&z);
    let mut text = String::new();
    write_result(&mut text, samples.task, samples.len(), &result).unwrap();
    text
}

fn check(golden: &str, actual: &str) {
    let path = firmware_dir().join("golden").join(golden);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert_eq!(actual, expected, "host search differs from {}", path.display());
}

#[test]
fn tiny_host_search_matches_golden() {
    check("tiny.txt", &host_result::<Tiny>("../data/default-ranker.postcard"));
}

#[test]
fn paper_host_search_matches_golden() {
    check("paper.txt", &host_result::<Paper>("assets/paper-ranker.postcard"));
}

/// The trainer's search (what `archrank search --golden` prints) on the firmware's assets gives
/// the same lines as the device.
#[test]
fn trainer_search_matches_golden_for_both_presets() {
    let dir = firmware_dir();
    let samples_bytes = std::fs::read(dir.join("assets/samples.postcard")).unwrap();
    let samples = SamplesFile::load(&samples_bytes).unwrap();
    for (weights, golden) in [
        ("../data/default-ranker.postcard", "tiny.txt"),
        ("assets/paper-ranker.postcard", "paper.txt"),
    ] {
        let bytes = std::fs::read(dir.join(weights)).unwrap();
        let found =
            search(&bytes, SampleSource::Samples(&samples), &archrank_core::Budget::UNLIMITED)
                .unwrap();
        let expected = std::fs::read_to_string(dir.join("golden").join(golden)).unwrap();
        assert_eq!(found.golden, expected, "{weights}");
    }
}

/// The paper-preset asset is read as paper from its header alone.
#[test]
fn paper_asset_is_read_as_paper() {
    let bytes = std::fs::read(firmware_dir().join("assets/paper-ranker.postcard")).unwrap();
    let ranker = AnyRanker::load(&bytes).unwrap();
    assert_eq!(ranker.preset(), PresetId::Paper);
    assert_eq!(ranker.header().dims.arch_dim, 105);
}
