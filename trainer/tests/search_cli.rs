//! `archrank search` and `inspect` through the real binary, against the firmware's golden files:
//! the host CLI and the device print the same bits for the same weights and samples.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::{fails, ok};

fn firmware(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../firmware-example")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn cli_search_on_firmware_assets_matches_the_golden_files() {
    for (weights, golden) in [
        ("../data/default-ranker.postcard", "golden/tiny.txt"),
        ("assets/paper-ranker.postcard", "golden/paper.txt"),
    ] {
        let out = ok(&[
            "search",
            "--weights",
            &firmware(weights),
            "--samples",
            &firmware("assets/samples.postcard"),
            "--golden",
        ]);
        assert_eq!(out, std::fs::read_to_string(firmware(golden)).unwrap(), "{weights}");
    }
}

#[test]
fn cli_search_prints_table_and_json() {
    let weights = firmware("../data/default-ranker.postcard");
    let iris = common::tasks_dir().join("iris.csv");
    let text = ok(&["search", "--weights", &weights, "--task", iris.to_str().unwrap()]);
    assert!(text.contains("chosen architecture: m"), "{text}");
    assert!(text.contains("nearest training tasks"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "search",
        "--weights",
        &weights,
        "--task",
        iris.to_str().unwrap(),
        "--json",
    ]))
    .unwrap();
    assert_eq!(json["arch"].as_array().map(Vec::len), Some(33));
    assert_eq!(json["samples"], 150);
    assert_eq!(json["nearest"].as_array().map(Vec::len), Some(2));
    // The printed discrete spec is one train-child accepts.
    let spec = json["discrete"].as_str().unwrap();
    assert!(archrank_core::Discrete::parse(archrank_core::PresetId::Tiny, spec).is_ok());
}

#[test]
fn inspect_prints_the_header() {
    let text = ok(&["inspect", &firmware("assets/paper-ranker.postcard")]);
    assert!(text.contains("preset") && text.contains("paper"), "{text}");
    assert!(text.contains("U=105"), "{text}");
}

#[test]
fn corrupt_weights_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(firmware("../data/default-ranker.postcard")).unwrap();
    bytes.truncate(bytes.len() / 2);
    let path = dir.path().join("half.postcard");
    std::fs::write(&path, &bytes).unwrap();
    let err = fails(&["inspect", path.to_str().unwrap()]);
    assert!(err.contains("truncated") && err.contains("half.postcard"), "{err}");
}
