//! Hostile files cannot make a reader allocate much more than the file, whatever lengths a
//! header claims. Every byte allocated while reading is counted (the total: an upper bound on
//! the peak). A binary file (ranker, model, samples; read in place by the core) and the fuzz
//! corpus stay within 16 times the input plus 64 MiB; a task CSV, whose table holds each cell as
//! a string of its own, within 64 times its text plus 64 MiB (the documented cap: a file of
//! one-character cells is the worst shape); a gzipped CSV first inflates to at most
//! [`max_decompressed_bytes`]. Measured over real files, pathological shapes, forged variants (a
//! 4 G length written at every offset of a file's head) and the fuzz corpus where it is on disk.
//!
//! Its own test binary: the counting allocator is global, so nothing else may run beside it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use archrank_core::{AnyRanker, Model, SamplesFile};
use archrank_trainer::deploy::model_notes::ModelNotes;
use archrank_trainer::search::{SampleSource, SearchOptions, search_with_options};
use archrank_trainer::task::column_plan::ColumnPlan;
use archrank_trainer::task::csv_input::max_decompressed_bytes;
use archrank_trainer::task::task_csv::{CsvOptions, TaskCsvError, read_task_bytes, rows_with_plan};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// Bytes a reader may allocate for an input of `len` bytes, `factor` times it plus 64 MiB.
fn bound(len: usize, factor: usize) -> usize {
    factor * len + (64 << 20)
}

/// The factor of a binary file and of the fuzz corpus.
const FACTOR: usize = 16;
/// The factor of a task CSV's text (its documented cap).
const CSV_FACTOR: usize = 64;

/// Bytes allocated while running `read`.
fn allocated(read: impl FnOnce()) -> usize {
    let region = Region::new(GLOBAL);
    read();
    region.change().bytes_allocated
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every file directly in `dir` (none when it does not exist).
fn files(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect()
}

/// `bytes` with a 4 G varint length (postcard's encoding) written at every offset of its first
/// 512 bytes and every 61st after.
fn forged(bytes: &[u8]) -> Vec<Vec<u8>> {
    let claim = [0xff, 0xff, 0xff, 0xff, 0x0f];
    (0..bytes.len().saturating_sub(claim.len()))
        .filter(|&i| i < 512 || i % 61 == 0)
        .map(|i| {
            let mut b = bytes.to_vec();
            b[i..i + claim.len()].copy_from_slice(&claim);
            b
        })
        .collect()
}

/// Reads `bytes` as every binary file kind the product reads, and what it does next with one
/// that loads (the model's notes, a search with the ranker).
fn read_binary(bytes: &[u8], task: &archrank_trainer::task::Task, rows: &[usize]) {
    if let Ok(model) = Model::load(bytes) {
        let _ = ModelNotes::parse(model.file.columns);
    }
    let _ = SamplesFile::load(bytes);
    if AnyRanker::load(bytes).is_ok() {
        let options = SearchOptions {
            budget: archrank_core::Budget::UNLIMITED,
            shortlist: archrank_trainer::search::ShortlistRequest::of(1),
            confidence: false,
            ensemble: &[],
        };
        let _ = search_with_options(bytes, SampleSource::Task(task, rows), &options);
    }
}

#[test]
fn no_reader_allocates_much_more_than_its_input() {
    // The worst ratio of bytes allocated to input bytes, per group, among inputs of 1 KiB or more.
    let mut worst: Vec<(&str, f64, String)> = Vec::new();
    let mut note = |group: &'static str, what: &str, len: usize, used: usize, factor: usize| {
        assert!(
            used <= bound(len, factor),
            "{what}: {used} bytes allocated for {len} bytes of input"
        );
        let ratio = used as f64 / len.max(1) as f64;
        let at = match worst.iter().position(|w| w.0 == group) {
            Some(at) => at,
            None => {
                worst.push((group, 0.0, String::new()));
                worst.len() - 1
            }
        };
        if ratio > worst[at].1 && len >= 1024 {
            worst[at] = (group, ratio, format!("{what} ({len} bytes)"));
        }
    };

    // Task CSVs: real ones, pathological shapes, the fuzz seeds and corpus.
    let mut csvs: Vec<(String, Vec<u8>)> = vec![
        ("iris".into(), std::fs::read(repo().join("data/tasks/iris.csv")).unwrap()),
        (
            "a million one-character cells".into(),
            "a,label\n".bytes().chain("0,1\n1,0\n".repeat(250_000).bytes()).collect(),
        ),
        (
            "one column of 2 M short rows".into(),
            "label\n".bytes().chain("x\n".repeat(2_000_000).bytes()).collect(),
        ),
        ("a 4 MB cell".into(), format!("a,label\n\"{}\",0\n", "y".repeat(4 << 20)).into_bytes()),
    ];
    for dir in
        ["fuzz/seeds/task_parser", "fuzz/corpus/task_parser", "trainer/tests/fuzz_regressions"]
    {
        csvs.extend(files(&repo().join(dir)).into_iter().map(|b| (dir.to_owned(), b)));
    }
    for (what, bytes) in &csvs {
        let used = allocated(|| {
            let _ = read_task_bytes(bytes, "hostile.csv", "hostile", &CsvOptions::default());
        });
        let (group, factor) =
            if what.contains("fuzz") { ("fuzz corpus", FACTOR) } else { ("task CSV", CSV_FACTOR) };
        note(group, what, bytes.len(), used, factor);
    }

    // Stored column plans with a CSV read through them (the column_plan target's inputs: the
    // plan's JSON, a zero byte, the CSV).
    for dir in ["fuzz/seeds/column_plan", "fuzz/corpus/column_plan"] {
        for bytes in files(&repo().join(dir)) {
            let used = allocated(|| {
                let at = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
                if let Ok(plan) = serde_json::from_slice::<ColumnPlan>(&bytes[..at]) {
                    let csv = String::from_utf8_lossy(bytes.get(at + 1..).unwrap_or_default());
                    let _ = rows_with_plan(&csv, "fuzz.csv", &CsvOptions::default(), &plan);
                }
            });
            note("fuzz corpus", dir, bytes.len(), used, FACTOR);
        }
    }

    // A gzip bomb: refused once it inflates past its cap, having allocated about the cap.
    let bomb = {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(b"label,x\n").unwrap();
        let zeros = vec![b'0'; 1 << 20];
        for _ in 0..200 {
            gz.write_all(&zeros).unwrap();
        }
        gz.finish().unwrap()
    };
    let cap = usize::try_from(max_decompressed_bytes(bomb.len())).unwrap();
    let mut refused = None;
    let used = allocated(|| {
        refused = Some(read_task_bytes(&bomb, "bomb.csv.gz", "bomb", &CsvOptions::default()));
    });
    assert!(
        matches!(refused, Some(Err(TaskCsvError::GzipTooLarge { .. }))),
        "a 200 MB bomb of {} bytes is refused",
        bomb.len()
    );
    assert!(
        used <= 3 * cap + bound(bomb.len(), FACTOR),
        "the bomb made {used} bytes allocated (cap {cap})"
    );
    eprintln!(
        "gzip bomb: {} bytes inflating to 200 MiB, refused at its cap of {cap} after {used} bytes allocated",
        bomb.len()
    );

    // Binary files: the bundled ranker (f32, int8), a model, samples, their forged variants and
    // the fuzz seeds and corpus.
    let task =
        read_task_bytes(&csvs[0].1, "iris.csv", "iris", &CsvOptions::default()).unwrap().task;
    let rows: Vec<usize> = (0..task.rows()).collect();
    let mut binaries: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in [
        "fuzz/seeds/weights_loader",
        "fuzz/corpus/weights_loader",
        "fuzz/seeds/model_loader",
        "fuzz/corpus/model_loader",
        "fuzz/seeds/samples_embedder",
        "fuzz/corpus/samples_embedder",
        "core/tests/fuzz_regressions",
    ] {
        binaries.extend(files(&repo().join(dir)).into_iter().map(|b| (dir.to_owned(), b)));
    }
    let int8 = std::fs::read(repo().join("data/default-ranker-int8.postcard")).unwrap();
    let model = std::fs::read(repo().join("firmware-example/assets/paper-model.postcard")).unwrap();
    let samples = std::fs::read(repo().join("firmware-example/assets/samples.postcard")).unwrap();
    for (what, real) in [("int8 ranker", &int8), ("model", &model), ("samples", &samples)] {
        binaries.push((what.into(), real.clone()));
        binaries.extend(forged(real).into_iter().map(|b| (format!("forged {what}"), b)));
    }
    let forged_count = binaries.iter().filter(|(w, _)| w.starts_with("forged")).count();
    for (what, bytes) in &binaries {
        let used = allocated(|| read_binary(bytes, &task, &rows));
        let group = if what.contains("fuzz") { "fuzz corpus" } else { "binary file" };
        note(group, what, bytes.len(), used, FACTOR);
    }
    eprintln!("{} CSVs and {} binary files ({forged_count} forged)", csvs.len(), binaries.len());
    for (group, ratio, what) in &worst {
        eprintln!("worst {group}: {ratio:.2} bytes allocated per input byte, {what}");
    }
}
