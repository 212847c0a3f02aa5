//! `archrank search`, `export-samples` and `inspect` through the real binary. The firmware's
//! golden files are checked against the same search in `tests/` (`firmware_golden`); here the
//! CLI's `--golden` lines must be exactly what the library's search computes.

use archrank_core::SamplesFile;
use archrank_trainer::search::{SampleSource, search};

use super::common::{bundled_ranker, fails, ok, tasks_dir};

#[test]
fn cli_golden_lines_are_the_library_search() {
    let dir = tempfile::tempdir().unwrap();
    let samples = dir.path().join("iris.postcard");
    let iris = super::common::tasks_dir().join("iris.csv");
    let samples = samples.to_str().unwrap();
    ok(&["export-samples", "--task", iris.to_str().unwrap(), "--max-samples", "60", "-o", samples]);
    let weights = bundled_ranker();
    let cli = ok(&["search", "--weights", &weights, "--samples", samples, "--golden"]);
    let bytes = std::fs::read(samples).unwrap();
    let loaded = SamplesFile::load(&bytes).unwrap();
    assert_eq!(loaded.len(), 60);
    let library = search(
        &std::fs::read(&weights).unwrap(),
        SampleSource::Samples(&loaded),
        &archrank_core::Budget::UNLIMITED,
    )
    .unwrap()
    .golden;
    assert_eq!(cli, library);
    assert!(cli.starts_with("result preset tiny\nresult task iris samples 60\n"), "{cli}");
}

#[test]
fn cli_search_prints_table_and_json() {
    let weights = bundled_ranker();
    let iris = super::common::tasks_dir().join("iris.csv");
    let text = ok(&["search", "--weights", &weights, "--task", iris.to_str().unwrap()]);
    // Named for people, with the compact spec beside it.
    let chosen = text.lines().find(|l| l.starts_with("chosen architecture: ")).unwrap();
    assert!(chosen.contains("(m"), "{text}");
    assert!(text.contains("multiply-adds per sample"), "{text}");
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
    assert_eq!(json["arch"].as_array().map(Vec::len), Some(35));
    assert_eq!(json["samples"], 150);
    assert_eq!(json["nearest"].as_array().map(Vec::len), Some(2));
    // The printed discrete spec is one train-child accepts.
    let spec = json["discrete"].as_str().unwrap();
    assert!(archrank_core::Discrete::parse(archrank_core::PresetId::Tiny, spec).is_ok());
    let named = json["named"].as_str().unwrap();
    assert_eq!(
        archrank_core::Discrete::parse(archrank_core::PresetId::Tiny, named).map(|d| d.to_string()),
        Ok(spec.to_owned())
    );
    assert!(json["cost"]["params"].as_u64().unwrap() > 0);
    assert_eq!(json["budget"]["max_params"], serde_json::Value::Null);
}

#[test]
fn inspect_prints_the_header() {
    let text = ok(&["inspect", &bundled_ranker()]);
    assert!(text.contains("preset") && text.contains("tiny"), "{text}");
    assert!(text.contains("U=35"), "{text}");
    assert!(text.contains("residual form") && text.contains("set=64x16/32/16"), "{text}");
    assert!(text.contains("held out: wheat_seeds"), "{text}");
    assert!(text.contains("top architectures") && text.contains("5 ranks per task"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["inspect", &bundled_ranker(), "--json"])).unwrap();
    let tasks = json["training_tasks"].as_array().unwrap().len();
    let distinct = json["distinct_top_architectures"].as_u64().unwrap() as usize;
    assert!((1..=5 * tasks).contains(&distinct), "{json}");
}

/// `quantize` writes an int8 file a third the size; `inspect` names its storage and task count;
/// the search runs on it with its stored steps; a second quantization is refused by name.
#[test]
fn quantize_writes_an_int8_file_that_inspect_names_and_search_reads() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("q.postcard");
    let out_s = out.to_str().unwrap();
    ok(&["quantize", &bundled_ranker(), "--search-steps", "15", "-o", out_s]);
    let (f32_len, int8_len) = (
        std::fs::metadata(bundled_ranker()).unwrap().len(),
        std::fs::metadata(&out).unwrap().len(),
    );
    assert!(int8_len * 3 < f32_len + f32_len / 10, "{int8_len} vs {f32_len}");
    let text = ok(&["inspect", out_s]);
    assert!(text.contains("int8: network") && text.contains("15 steps"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&ok(&["inspect", out_s, "--json"])).unwrap();
    let f32_json: serde_json::Value =
        serde_json::from_str(&ok(&["inspect", &bundled_ranker(), "--json"])).unwrap();
    assert_eq!(json["quantization"], "int8");
    assert_eq!(f32_json["quantization"], "f32");
    assert_eq!(json["task_count"], f32_json["task_count"]);
    assert!(json["task_count"].as_u64().unwrap() > 100, "{json}");
    assert_eq!(json["distinct_top_architectures"], f32_json["distinct_top_architectures"]);
    let iris = tasks_dir().join("iris.csv");
    let found: serde_json::Value = serde_json::from_str(&ok(&[
        "search",
        "--weights",
        out_s,
        "--task",
        iris.to_str().unwrap(),
        "--json",
    ]))
    .unwrap();
    assert!(found["score"].as_f64().unwrap().is_finite(), "{found}");
    let again = dir.path().join("qq.postcard");
    let err = fails(&["quantize", out_s, "-o", again.to_str().unwrap()]);
    assert!(err.contains("already int8") && err.contains("q.postcard"), "{err}");
    assert!(!again.exists());
}

#[test]
fn corrupt_weights_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(bundled_ranker()).unwrap();
    bytes.truncate(bytes.len() / 2);
    let path = dir.path().join("half.postcard");
    std::fs::write(&path, &bytes).unwrap();
    let err = fails(&["inspect", path.to_str().unwrap()]);
    assert!(err.contains("cut short") && err.contains("half.postcard"), "{err}");
}
