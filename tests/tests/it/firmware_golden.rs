//! The host side of the firmware's golden check: the core's search on the firmware's bundled
//! weights and samples, printed by the same formatter the firmware uses, must equal the committed
//! golden files byte for byte. The CI firmware stage checks the device side against the same files.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p archrank-tests firmware_golden -- --test-threads=1`.

use std::path::PathBuf;

use archrank_core::dims::Preset;
use archrank_core::quantize::{Scales, quantize_weights};
use archrank_core::search_report::{
    Request, write_discrete_checks_of, write_model_result, write_result, write_training_result,
};
use archrank_core::top_archs_trim::keep_top_archs;
use archrank_core::training::{
    TrainConfig, Validation, child_seed, class_ids, refit_child, train_child,
};
use archrank_core::{
    AnyRanker, Budget, Discrete, Model, Paper, PresetId, Ranker, Samples, SamplesFile,
    SearchConfig, Tiny, embed_numeric, embed_text,
};
use archrank_trainer::search::{SampleSource, SearchOutput, search};

fn firmware_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../firmware-example")
}

/// What a build does after choosing.
#[derive(Clone, Copy)]
enum Then {
    /// Nothing (the small part chooses only).
    Stops,
    /// Runs this bundled model (trained on the host) on the held-out samples.
    Runs(&'static str),
    /// Trains its choice on its samples (the core's training), writes the model file and runs it
    /// on the held-out samples.
    Trains,
}

/// One firmware build: its assets as its `include_bytes!` name them (relative to the firmware's
/// folder), its memory layout and its golden file.
struct Build {
    weights: &'static str,
    samples: &'static str,
    then: Then,
    layout: &'static str,
    golden: &'static str,
}

/// The default build (tiny), `--features paper` and `--features small-part`.
const BUILDS: [Build; 3] = [
    Build {
        weights: "../data/default-ranker-int8.postcard",
        samples: "assets/train-samples.postcard",
        then: Then::Trains,
        layout: "layouts/default.x",
        golden: "tiny.txt",
    },
    Build {
        weights: "assets/paper-ranker-int8.postcard",
        samples: "assets/samples.postcard",
        then: Then::Runs("assets/paper-model.postcard"),
        layout: "layouts/default.x",
        golden: "paper.txt",
    },
    Build {
        weights: "../data/default-ranker-int8.postcard",
        samples: "assets/train-samples.postcard",
        then: Then::Stops,
        layout: "layouts/small-part.x",
        golden: "small-part.txt",
    },
];

/// The tiny preset's f32 ranker, which no firmware build runs (they run its int8 form): its host
/// lines stay pinned, so an f32 change in the tiny preset shows.
const TINY_F32: Build = Build {
    weights: "../data/default-ranker.postcard",
    samples: "assets/samples.postcard",
    then: Then::Stops,
    layout: "layouts/default.x",
    golden: "tiny-f32.txt",
};

/// The search steps the int8 tiny ranker stores (`archrank quantize --search-steps`).
const SMALL_PART_SEARCH_STEPS: u16 = 15;

/// The top architectures per training task the int8 tiny ranker keeps (`archrank quantize
/// --top-archs`): what the small part's 64 KiB of flash holds beside its code.
const SMALL_PART_TOP_ARCHS: usize = 1;

/// Must match the firmware's `MAX_FEATURES`.
const MAX_FEATURES: usize = 64;

/// Must match the firmware's `training::ARENA_BYTES`: the training budget of the build that trains.
const ARENA_BYTES: u32 = 32 * 1024;

/// The budget the firmware derives from its memory layout: each region's length divided as the
/// `_model_*_bytes` lines divide it, and the arena of a build that trains.
fn device_budget(build: &Build) -> Budget {
    let script = std::fs::read_to_string(firmware_dir().join(build.layout)).unwrap();
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
        max_train_ram_bytes: matches!(build.then, Then::Trains).then_some(ARENA_BYTES),
    }
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(firmware_dir().join(path)).unwrap()
}

/// The host's line for a model run on the firmware's held-out samples.
fn host_model_lines(model: &Model<'_>) -> String {
    let held = read("assets/heldout.postcard");
    let held = SamplesFile::load(&held).unwrap();
    let mut correct = 0;
    model
        .predict_samples::<MAX_FEATURES>(&held, |_, class, label, _| {
            correct += usize::from(class as u32 == label);
        })
        .unwrap();
    let mut text = String::new();
    write_model_result(&mut text, model, held.is_text(), correct, held.len()).unwrap();
    text
}

/// The host's lines for the device's training of `arch` on `samples` (the core's code, the
/// firmware's seed and arena) and for the model file it writes.
fn host_training_lines(arch: &Discrete, samples: &Samples<'_>) -> String {
    let held = read("assets/heldout.postcard");
    let held = SamplesFile::load(&held).unwrap();
    let mut arena = vec![0_u8; ARENA_BYTES as usize];
    let config = TrainConfig::default();
    let selected = train_child::<MAX_FEATURES>(
        arch,
        samples,
        Validation::Stratified,
        &config,
        child_seed(0),
        &mut arena,
    )
    .unwrap()
    .report;
    let child =
        refit_child::<MAX_FEATURES>(arch, samples, &selected, &config, child_seed(0), &mut arena)
            .unwrap();
    let names = class_ids(samples.classes());
    let mut out = vec![0_u8; 12 * 1024];
    let written =
        child.write_model::<MAX_FEATURES>(samples.task, 0, &names, Some(&held), &mut out).unwrap();
    let mut text = String::new();
    write_training_result(&mut text, &selected, Some(&child.report), written.bytes).unwrap();
    let model = Model::load(written.bytes).unwrap();
    text + &host_model_lines(&model)
}

/// The host's lines for `build`'s search, and for what it does after.
fn host_lines<P: Preset>(build: &Build) -> String {
    let weights = read(build.weights);
    let samples_bytes = read(build.samples);
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
        budget: device_budget(build),
    };
    let result =
        ranker.search_within(&z, &ranker.search_config(), &request.shape, &request.budget).unwrap();
    let mut text = String::new();
    write_result(&mut text, &request, &result).unwrap();
    write_discrete_checks_of(&mut text, &ranker, &z, &request, &result).unwrap();
    text + &match build.then {
        Then::Stops => String::new(),
        Then::Runs(model) => host_model_lines(&Model::load(&read(model)).unwrap()),
        Then::Trains => host_training_lines(&result.discrete, &samples),
    }
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
    samples: "assets/samples.postcard",
    then: Then::Runs("assets/paper-model.postcard"),
    layout: "layouts/default.x",
    golden: "paper-f32.txt",
};

#[test]
fn tiny_f32_host_search_matches_golden() {
    check(TINY_F32.golden, &host_lines::<Tiny>(&TINY_F32));
}

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
    let samples_bytes = read(build.samples);
    let samples = SamplesFile::load(&samples_bytes).unwrap();
    search(&read(build.weights), SampleSource::Samples(&samples), &device_budget(build)).unwrap()
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
        let Then::Runs(model) = build.then else { continue };
        let found = trainer_search(build);
        let model_bytes = read(model);
        let model = Model::load(&model_bytes).unwrap();
        assert_eq!(model.discrete.to_string(), found.discrete, "{model:?} is stale");
        assert!(device_budget(build).allows(&found.cost));
    }
}

/// The int8 rankers are their f32 originals quantized (the README's `archrank quantize`
/// commands), with every training task: the paper build's with the file's search and every top
/// architecture, the small part's with the search its instruction budget affords and the top
/// architectures its flash holds.
#[test]
fn the_int8_rankers_are_their_f32_originals_quantized() {
    let dir = firmware_dir();
    for (original, build, steps, top_archs) in [
        ("assets/paper-ranker.postcard", &BUILDS[1], None, None),
        (TINY_F32.weights, &BUILDS[2], Some(SMALL_PART_SEARCH_STEPS), Some(SMALL_PART_TOP_ARCHS)),
    ] {
        let mut f32_bytes = std::fs::read(dir.join(original)).unwrap();
        if let Some(keep) = top_archs {
            f32_bytes = keep_top_archs(&f32_bytes, keep).unwrap();
        }
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
