//! The host side of the firmware's golden check: the core's search on the firmware's bundled
//! weights and samples, printed by the same formatter the firmware uses, must equal the committed
//! golden files byte for byte. The CI firmware stage checks the device side against the same files.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p archrank-tests firmware_golden -- --test-threads=1`.

use std::path::PathBuf;

use archrank_core::dims::Preset;
use archrank_core::quantize::{Scales, quantize_weights};
use archrank_core::search_report::{Request, write_model_result, write_result};
use archrank_core::{
    AnyRanker, Budget, Model, Paper, PresetId, Ranker, SamplesFile, SearchConfig, Tiny,
    embed_numeric, embed_text,
};
use archrank_trainer::search::{SampleSource, SearchOutput, search};

fn firmware_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../firmware-example")
}

/// One firmware build: its assets as its `include_bytes!` name them (relative to the firmware's
/// folder), its memory layout and its golden file.
struct Build {
    weights: &'static str,
    /// The model it runs on the held-out samples (the small part runs none).
    model: Option<&'static str>,
    layout: &'static str,
    golden: &'static str,
}

/// The default build (tiny), `--features paper` and `--features small-part`.
const BUILDS: [Build; 3] = [
    Build {
        weights: "../data/default-ranker.postcard",
        model: Some("assets/model.postcard"),
        layout: "layouts/default.x",
        golden: "tiny.txt",
    },
    Build {
        weights: "assets/paper-ranker-int8.postcard",
        model: Some("assets/paper-model.postcard"),
        layout: "layouts/default.x",
        golden: "paper.txt",
    },
    Build {
        weights: "../data/default-ranker-int8.postcard",
        model: None,
        layout: "layouts/small-part.x",
        golden: "small-part.txt",
    },
];

/// The search steps the small part's ranker stores (`archrank quantize --search-steps`).
const SMALL_PART_SEARCH_STEPS: u16 = 15;

/// Must match the firmware's `MAX_FEATURES`.
const MAX_FEATURES: usize = 64;

/// The budget the firmware derives from its memory layout: each region's length divided as the
/// `_model_*_bytes` lines divide it.
fn device_budget(layout: &str) -> Budget {
    let script = std::fs::read_to_string(firmware_dir().join(layout)).unwrap();
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

/// The host's lines for `build`'s search, and its model's when it runs one.
fn host_lines<P: Preset>(build: &Build) -> String {
    let dir = firmware_dir();
    let weights = std::fs::read(dir.join(build.weights)).unwrap();
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
        budget: device_budget(build.layout),
    };
    let result =
        ranker.search_within(&z, &ranker.search_config(), &request.shape, &request.budget).unwrap();
    let mut text = String::new();
    write_result(&mut text, &request, &result).unwrap();
    text + &build.model.map(host_model_lines).unwrap_or_default()
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
    check(BUILDS[0].golden, &host_lines::<Tiny>(&BUILDS[0]));
}

#[test]
fn paper_host_search_matches_golden() {
    check(BUILDS[1].golden, &host_lines::<Paper>(&BUILDS[1]));
}

/// The paper preset's f32 ranker, which no firmware build runs any more (the paper build runs its
/// int8 form): its host lines stay pinned, so an f32 change in the paper preset shows.
const PAPER_F32: Build = Build {
    weights: "assets/paper-ranker.postcard",
    model: Some("assets/paper-model.postcard"),
    layout: "layouts/default.x",
    golden: "paper-f32.txt",
};

#[test]
fn paper_f32_host_search_matches_golden() {
    check(PAPER_F32.golden, &host_lines::<Paper>(&PAPER_F32));
}

#[test]
fn small_part_host_search_matches_golden() {
    check(BUILDS[2].golden, &host_lines::<Tiny>(&BUILDS[2]));
}

/// The trainer's search (what `archrank search --golden` prints) within the device's budget on
/// the firmware's samples with the build's weights.
fn trainer_search(build: &Build) -> SearchOutput {
    let dir = firmware_dir();
    let samples_bytes = std::fs::read(dir.join("assets/samples.postcard")).unwrap();
    let samples = SamplesFile::load(&samples_bytes).unwrap();
    let bytes = std::fs::read(dir.join(build.weights)).unwrap();
    search(&bytes, SampleSource::Samples(&samples), &device_budget(build.layout)).unwrap()
}

/// The trainer's search on the firmware's assets gives the same lines as the device.
#[test]
fn trainer_search_matches_golden_for_every_build() {
    for build in &BUILDS {
        let found = trainer_search(build);
        let expected =
            std::fs::read_to_string(firmware_dir().join("golden").join(build.golden)).unwrap();
        assert!(expected.starts_with(&found.golden), "{}: {}", build.weights, found.golden);
    }
}

/// The model assets are of the architecture the device chooses within its budget (else the
/// firmware refuses them): rebuild them with the commands in firmware-example/README.md.
#[test]
fn model_assets_are_of_the_chosen_architectures() {
    for build in &BUILDS {
        let Some(model) = build.model else { continue };
        let found = trainer_search(build);
        let model_bytes = std::fs::read(firmware_dir().join(model)).unwrap();
        let model = Model::load(&model_bytes).unwrap();
        assert_eq!(model.discrete.to_string(), found.discrete, "{model:?} is stale");
        assert!(device_budget(build.layout).allows(&found.cost));
    }
}

/// The int8 rankers are their f32 originals quantized (the README's `archrank quantize`
/// commands), with every training task: the paper build's with the file's search, the small
/// part's with the search its instruction budget affords.
#[test]
fn the_int8_rankers_are_their_f32_originals_quantized() {
    let dir = firmware_dir();
    for (original, build, steps) in [
        ("assets/paper-ranker.postcard", &BUILDS[1], None),
        (BUILDS[0].weights, &BUILDS[2], Some(SMALL_PART_SEARCH_STEPS)),
    ] {
        let f32_bytes = std::fs::read(dir.join(original)).unwrap();
        let int8_bytes = std::fs::read(dir.join(build.weights)).unwrap();
        let (f, q) = (AnyRanker::load(&f32_bytes).unwrap(), AnyRanker::load(&int8_bytes).unwrap());
        assert_eq!(q.header().quantization, archrank_core::Quantization::Int8);
        let search = steps.map(|steps| SearchConfig { steps, ..f.header().search });
        let expected = quantize_weights(&f32_bytes, Scales::Column, search).unwrap();
        assert!(int8_bytes == expected, "{} is stale: rerun `archrank quantize`", build.weights);
        assert_eq!(q.tasks().len(), f.tasks().len());
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
