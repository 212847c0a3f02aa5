//! `archrank train --engine core`: the core's child training on the host writes the model file
//! the firmware computes for the same samples and seed (its golden `result train model_bytes`
//! line), trains a task's own split, and refuses what it cannot train by name.

use std::path::PathBuf;

use super::common::{fails, ok, tasks_dir};

fn firmware(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../firmware-example")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// The value after `key` on the golden line starting with `prefix`.
fn golden_field(prefix: &str, key: &str) -> String {
    let golden = std::fs::read_to_string(firmware("golden/tiny.txt")).unwrap();
    let line = golden.lines().find(|l| l.starts_with(prefix)).unwrap();
    let mut words = line.split_whitespace();
    words.find(|w| *w == key).unwrap();
    words.next().unwrap().to_owned()
}

#[test]
fn core_engine_writes_the_firmwares_model_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("device.postcard");
    let discrete = golden_field("result discrete", "discrete");
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "train",
        "--engine",
        "core",
        "--samples",
        &firmware("assets/train-samples.postcard"),
        "--held-out",
        &firmware("assets/heldout.postcard"),
        "--discrete",
        &discrete,
        "--seeds",
        "1",
        "--json",
        "-o",
        out.to_str().unwrap(),
    ]))
    .unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(bytes.len().to_string(), golden_field("result train model_bytes", "model_bytes"));
    assert_eq!(json["fnv1a"].as_str().unwrap(), golden_field("result train model_bytes", "fnv1a"));
    assert_eq!(
        json["seeds"][0]["epochs"].to_string(),
        golden_field("result train samples", "epochs")
    );
    // The model predicts what the firmware's held-out run counted.
    let predicted = ok(&[
        "predict",
        "--model",
        out.to_str().unwrap(),
        "--samples",
        &firmware("assets/heldout.postcard"),
        "--json",
    ]);
    let predicted: serde_json::Value = serde_json::from_str(&predicted).unwrap();
    let correct = golden_field("result model", "correct").parse::<f64>().unwrap();
    assert_eq!(predicted["accuracy"].as_f64().unwrap(), correct / 70.0);
}

#[test]
fn core_engine_trains_a_tasks_split_and_refuses_what_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("iris.postcard");
    let iris = tasks_dir().join("iris.csv");
    let (iris, out) = (iris.to_str().unwrap(), out.to_str().unwrap());
    let text = ok(&[
        "train",
        "--engine",
        "core",
        "--task",
        iris,
        "--discrete",
        "fourier/relu16/skip/skip",
        "--seeds",
        "2",
        "-o",
        out,
    ]);
    assert!(text.contains("trained by the core engine"), "{text}");
    assert!(text.contains("trained again on"), "a refit on training and validation rows: {text}");
    assert!(text.contains("0 (kept)") || text.contains("1 (kept)"), "{text}");
    let predicted: serde_json::Value = serde_json::from_str(&ok(&[
        "predict", "--model", out, "--task", iris, "--split", "test", "--json",
    ]))
    .unwrap();
    assert!(predicted["accuracy"].as_f64().unwrap() > 0.8, "{predicted}");

    let samples = firmware("assets/train-samples.postcard");
    let err = fails(&[
        "train",
        "--engine",
        "trainer",
        "--samples",
        &samples,
        "--discrete",
        "m0/relu8/skip/skip",
        "-o",
        out,
    ]);
    assert!(err.contains("drop --engine trainer"), "{err}");
    let text = tasks_dir().join("sms_spam.csv");
    let err = fails(&[
        "train",
        "--engine",
        "core",
        "--task",
        text.to_str().unwrap(),
        "--discrete",
        "m0/relu8/skip/skip",
        "-o",
        out,
    ]);
    assert!(err.contains("numeric tasks only"), "{err}");
    let err = fails(&[
        "train",
        "--engine",
        "core",
        "--samples",
        &samples,
        "--held-out",
        &tasks_dir().join("iris.csv").to_string_lossy(),
        "--discrete",
        "m0/relu8/skip/skip",
        "-o",
        out,
    ]);
    assert!(err.contains("iris.csv"), "{err}");
}
