//! The bad-input matrix (DESIGN §9): every entry point given bad input exits non-zero with a
//! message naming what is wrong and where, never panics, and leaves the files on disk unchanged.
//! Task-CSV rows live in `bad_csv_cli.rs`; typed core errors in `core/tests/weights.rs`.

use std::path::Path;

use super::common::{fails, small_db, snapshot};

/// Writes `bytes` to `dir/name` and returns the path as a string.
fn file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

fn assert_mentions(stderr: &str, words: &[&str]) {
    for w in words {
        assert!(stderr.contains(w), "`{w}` missing from: {stderr}");
    }
}

#[test]
fn weights_files() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(super::common::bundled_ranker()).unwrap();
    let iris = super::common::tasks_dir().join("iris.csv");
    let iris = iris.to_str().unwrap();
    let mut flipped = good.clone();
    flipped[3] ^= 0x10; // inside the magic
    let mut version = good.clone();
    version[8] = 7; // the format version varint
    // A NaN where the checksum is right (recomputed): the decoder's own check names it.
    let mut payload = good[..good.len() - archrank_core::checksum::TRAILER_BYTES].to_vec();
    let at = payload.len() - 4; // the last accuracy of the task table
    payload[at..].copy_from_slice(&f32::NAN.to_le_bytes());
    let nan = archrank_core::checksum::sealed(payload);
    let mut bit = good.clone();
    bit[good.len() / 2] ^= 0x04;
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        ("truncated.postcard", good[..good.len() / 3].to_vec(), vec!["checksum", "cut short"]),
        ("bit.postcard", bit, vec!["checksum", "corrupted"]),
        ("flipped.postcard", flipped, vec!["magic"]),
        ("version.postcard", version, vec!["version 7"]),
        ("nan.postcard", nan, vec!["not finite", "top accuracies"]),
        ("empty.postcard", Vec::new(), vec!["truncated"]),
    ];
    for (name, bytes, words) in cases {
        let path = file(dir.path(), name, &bytes);
        for args in
            [vec!["inspect", path.as_str()], vec!["search", "--weights", &path, "--task", iris]]
        {
            let err = fails(&args);
            assert_mentions(&err, &words);
            assert_mentions(&err, &[name]);
        }
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }
    let missing = dir.path().join("missing.postcard");
    let err = fails(&["inspect", missing.to_str().unwrap()]);
    assert_mentions(&err, &["missing.postcard"]);
}

#[test]
fn database_files() {
    let dir = tempfile::tempdir().unwrap();
    let not_db =
        file(dir.path(), "notes.sqlite", b"these are not the droids you are looking for\n");
    for args in [
        vec!["tasks", "list", "--db", &not_db],
        vec!["populate", "--db", &not_db],
        vec!["fit", "--db", &not_db, "-o", "x.postcard"],
    ] {
        let err = fails(&args);
        assert_mentions(&err, &["notes.sqlite"]);
        assert_eq!(
            std::fs::read(&not_db).unwrap(),
            b"these are not the droids you are looking for\n"
        );
    }
    let db = small_db(dir.path());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let before = snapshot(&db);
    let err = fails(&["tasks", "list", "--db", &db]);
    assert_mentions(&err, &["db.sqlite", "99"]);
    let csv = super::common::tasks_dir().join("vowel.csv");
    let err = fails(&["tasks", "add", csv.to_str().unwrap(), "--db", &db]);
    assert_mentions(&err, &["99"]);
    assert_eq!(snapshot(&db), before);
    let missing = dir.path().join("none.sqlite");
    let err = fails(&["tasks", "list", "--db", missing.to_str().unwrap()]);
    assert_mentions(&err, &["none.sqlite"]);
    assert!(!missing.exists(), "listing a missing database must not create it");
}

#[test]
fn out_of_range_options() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_db(dir.path());
    let before = snapshot(&db);
    let out = dir.path().join("r.postcard");
    let out = out.to_str().unwrap();
    let iris = super::common::tasks_dir().join("iris.csv");
    let iris = iris.to_str().unwrap();
    let ranker = super::common::bundled_ranker();
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec!["tasks", "add", iris, "--db", &db, "--ignore", "nope"], vec!["--ignore", "nope"]),
        (vec!["tasks", "add", iris, "--db", &db, "--text", "nope"], vec!["--text", "nope"]),
        (vec!["tasks", "add", iris, "--db", &db, "--delimiter", "ab"], vec!["delimiter"]),
        (vec!["tasks", "add", iris, "--db", &db, "--decimal", ";"], vec!["decimal mark"]),
        (
            vec!["search", "--weights", &ranker, "--task", iris, "--label-column", "9"],
            vec!["column number 9", "iris.csv"],
        ),
        (vec!["fit", "--db", &db, "-o", out, "--margin=-0.3"], vec!["--margin"]),
        (vec!["fit", "--db", &db, "-o", out, "--steps", "0"], vec!["--steps"]),
        (vec!["fit", "--db", &db, "-o", out, "--loss", "hinge"], vec!["--loss", "hinge"]),
        (vec!["fit", "--db", &db, "-o", out, "--gap", "NaN"], vec!["--gap"]),
        (vec!["fit", "--db", &db, "-o", out, "--momentum", "1.5"], vec!["--momentum"]),
        (vec!["fit", "--db", &db, "-o", out, "--optimizer", "lbfgs"], vec!["--optimizer"]),
        (vec!["fit", "--db", &db, "-o", out, "--ranker", "deep"], vec!["--ranker", "deep"]),
        (vec!["fit", "--db", &db, "-o", out, "--landmarks"], vec!["--landmarks"]),
        (vec!["fit", "--db", &db, "-o", out, "--quantize", "int4"], vec!["--quantize", "int4"]),
        (vec!["fit", "--db", &db, "-o", out, "--search-steps", "20000"], vec!["--search-steps"]),
        (vec!["quantize", &ranker, "-o", out, "--scales", "row"], vec!["--scales", "row"]),
        (vec!["fit", "--db", &db, "-o", out, "--scales", "tensor"], vec!["--scales", "int8"]),
        (vec!["eval", "loto", "--db", &db, "--search-steps", "5"], vec!["--search-steps"]),
        (
            vec!["eval", "search", "--db", &db, "--quantize", "int8", "--landmarks"],
            vec!["--landmarks", "--quantize"],
        ),
        (vec!["fit", "--db", &db, "-o", out, "--residual-penalty=-1"], vec!["--residual-penalty"]),
        (
            vec!["fit", "--db", &db, "-o", out, "--same-task-weight", "inf"],
            vec!["--same-task-weight"],
        ),
        (vec!["populate", "--db", &db, "--shard", "3/2"], vec!["--shard", "3/2"]),
        (vec!["populate", "--db", &db, "--shard", "0/2"], vec!["--shard"]),
        (vec!["populate", "--db", &db, "--archs-per-task", "0"], vec!["--archs-per-task"]),
        (vec!["populate", "--db", &db, "--jobs", "0"], vec!["--jobs"]),
        (vec!["populate", "--db", &db, "--tasks", "nope"], vec!["nope"]),
        (vec!["eval", "loto", "--db", &db, "--losses", "l2,cubic"], vec!["cubic"]),
        (vec!["eval", "loto", "--db", &db, "--repeats", "0"], vec!["--repeats"]),
        (
            vec!["eval", "loto", "--db", &db, "--exclude-tasks", "nope"],
            vec!["--exclude-tasks", "nope"],
        ),
        (
            vec!["eval", "loto", "--db", &db, "--tasks", "iris", "--exclude-tasks", "iris"],
            vec!["iris", "--exclude-tasks"],
        ),
        (
            vec!["train-child", "--db", &db, "--task", "iris", "--discrete", "m9/relu16/skip/skip"],
            vec!["--discrete", "m0..m4"],
        ),
        (
            vec!["train-child", "--db", &db, "--task", "nope", "--discrete", "m0/skip/skip/skip"],
            vec!["nope"],
        ),
        (
            vec![
                "train-child",
                "--db",
                &db,
                "--task",
                "iris",
                "--discrete",
                "m0/skip/skip/skip",
                "--seeds",
                "0",
            ],
            vec!["--seeds"],
        ),
    ];
    for (args, words) in cases {
        let err = fails(&args);
        assert_mentions(&err, &words);
        assert_eq!(snapshot(&db), before, "{args:?} changed the database");
        assert!(!Path::new(out).exists(), "{args:?} wrote an output");
    }
}

#[test]
fn clap_rejects_malformed_arguments_without_panicking() {
    for args in
        [vec!["fit", "--steps", "-3"], vec!["populate", "--preset", "huge"], vec!["nonsense"]]
    {
        let out = super::common::archrank(&args);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("error"), "{stderr}");
    }
}
