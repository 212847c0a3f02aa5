//! The host side of the firmware's golden check: the core's search on the firmware's bundled
//! weights and samples, printed by the same formatter the firmware uses, must equal the committed
//! golden files byte for byte. The CI firmware stage checks the device side against the same files.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p archrank-tests firmware_golden -- --test-threads=1`.

use std::path::PathBuf;

use archrank_core::dims::Preset;
use archrank_core::search_report::{Request, write_model_result, write_result};
use archrank_core::{
    AnyRanker, Budget, Model, Paper, PresetId, Ranker, SamplesFile, Tiny, embed_numeric, embed_text,
};
use archrank_trainer::search::{SampleSource, SearchOutput, search};

fn firmware_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../firmware-example")
}

/// Each preset's firmware assets, as its `include_bytes!` name them (relative to the firmware's
/// folder): weights, model, and the golden file.
const ASSETS: [(&str, &str, &str); 2] = [
    ("../data/default-ranker.postcard", "assets/model.postcard", "tiny.txt"),
    ("assets/paper-ranker.postcard", "assets/paper-model.postcard", "paper.txt"),
];

/// Must match the firmware's `MAX_FEATURES`.
const MAX_FEATURES: usize = 64;

/// The budget the firmware derives from its memory (`memory.x`): each region's length divided
/// as the `_model_*_bytes` lines divide it.
fn device_budget() -> Budget {
    let script = std::fs::read_to_string(firmware_dir().join("memory.x")).unwrap();
    let length = |region: &str| -> u32 {
        let line = script.lines().find(|l| l.trim_start().starts_with(region)).unwrap();
        let value = line.split("LENGTH =").nth(1).unwrap().trim();
        let (digits, unit) = value.split_at(value.find(|c: char| !c.is_ascii_digit()).unwrap());
        digits.parse::<u32>().unwrap() * if unit.starts_with('K') { 1024 } else { 1 }
    };
    let share = |symbol: &str, region: &str| -> u32 {
        let line = script.lines().find(|l| l.starts_with(symbol)).unwrap();
        let divisor = line.split('/').nth(1).unwrap().trim().trim_end_matches(';');
        length(region) / divisor.parse::<u32>().unwrap()
    };
    Budget {
        max_params: Some(share("_model_flash_bytes", "FLASH") / 4),
        max_macs: None,
        max_ram_bytes: Some(share("_model_ram_bytes", "RAM")),
    }
}

/// The host's lines for the firmware's model asset run on its held-out samples.
fn host_model_lines(model: &str) -> String {
    let dir = firmware_dir();
    let bytes = std::fs::read(dir.join(model)).unwrap();
    let model = Model::load(&bytes).unwrap();
    let held = std::fs::read(dir.join("assets/heldout.postcard")).unwrap();
    let held = SamplesFile::load(&held).unwrap();
    let mut correct = 0;
    model
        .predict_samples::<MAX_FEATURES>(&held, |_, class, label, _| {
            correct += usize::from(class as u32 == label);
        })
        .unwrap();
    let mut text = String::new();
    write_model_result(&mut text, &model, held.is_text(), correct, held.len()).unwrap();
    text
}

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
    let request = Request {
        task: samples.task,
        samples: samples.len(),
        shape: samples.shape(),
        budget: device_budget(),
    };
    let result =
        ranker.search_within(&z, &ranker.search_config(), &request.shape, &request.budget).unwrap();
    let mut text = String::new();
    write_result(&mut text, &request, &result).unwrap();
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
    let (weights, model, golden) = ASSETS[0];
    check(golden, &(host_result::<Tiny>(weights) + &host_model_lines(model)));
}

#[test]
fn paper_host_search_matches_golden() {
    let (weights, model, golden) = ASSETS[1];
    check(golden, &(host_result::<Paper>(weights) + &host_model_lines(model)));
}

/// The trainer's search (what `archrank search --golden` prints) within the device's budget on
/// the firmware's samples with `weights`.
fn trainer_search(weights: &str) -> SearchOutput {
    let dir = firmware_dir();
    let samples_bytes = std::fs::read(dir.join("assets/samples.postcard")).unwrap();
    let samples = SamplesFile::load(&samples_bytes).unwrap();
    let bytes = std::fs::read(dir.join(weights)).unwrap();
    search(&bytes, SampleSource::Samples(&samples), &device_budget()).unwrap()
}

/// The trainer's search on the firmware's assets gives the same lines as the device.
#[test]
fn trainer_search_matches_golden_for_both_presets() {
    for (weights, _, golden) in ASSETS {
        let found = trainer_search(weights);
        let expected = std::fs::read_to_string(firmware_dir().join("golden").join(golden)).unwrap();
        assert!(expected.starts_with(&found.golden), "{weights}: {}", found.golden);
    }
}

/// The model assets are of the architecture the device chooses within its budget (else the
/// firmware refuses them): rebuild them with the commands in firmware-example/README.md.
#[test]
fn model_assets_are_of_the_chosen_architectures() {
    for (weights, model, _) in ASSETS {
        let found = trainer_search(weights);
        let model_bytes = std::fs::read(firmware_dir().join(model)).unwrap();
        let model = Model::load(&model_bytes).unwrap();
        assert_eq!(model.discrete.to_string(), found.discrete, "{model:?} is stale");
        assert!(device_budget().allows(&found.cost));
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
