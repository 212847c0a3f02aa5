//! Malformed task CSVs: each exits non-zero with a message naming the file, line and column,
//! and leaves the database byte for byte unchanged.

use super::common::{fails, small_db, snapshot};

fn many(n: usize, f: impl Fn(usize) -> String) -> String {
    (0..n).map(f).collect()
}

#[test]
fn malformed_csvs_are_rejected_with_located_errors_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_db(dir.path());
    let good_rows = many(20, |i| format!("{},{}.5,{}\n", ["a", "b"][i % 2], i, i * 2));
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "ragged",
            format!("label,x,y\n{good_rows}a,1\n").into_bytes(),
            vec!["ragged.csv:22", "2 cells", "3"],
        ),
        (
            "non_numeric",
            format!("label,x,y\n{good_rows}b,1.0,abc\n").into_bytes(),
            vec!["non_numeric.csv:22", "`y`", "abc"],
        ),
        (
            "infinite",
            format!("label,x,y\n{good_rows}b,inf,1\n").into_bytes(),
            vec!["infinite.csv:22", "`x`", "not a finite number"],
        ),
        ("bad_gzip", vec![0x1f, 0x8b, 8, 0, 1, 2, 3], vec!["bad_gzip.csv", "gzip"]),
        (
            "mixed_text",
            format!(
                "label,review,stars\n{}",
                many(20, |i| format!(
                    "{},\"a long review, number {i}, of it\",{i}\n",
                    ["a", "b"][i % 2]
                ))
            )
            .into_bytes(),
            vec!["mixed_text.csv:1", "`review` is free text", "--ignore review", "--ignore stars"],
        ),
        (
            "one_class",
            format!("label,x\n{}", many(20, |i| format!("a,{i}\n"))).into_bytes(),
            vec!["one_class.csv", "class"],
        ),
        (
            "no_label",
            format!("target,x\n{}", many(20, |i| format!("a,{i}\n"))).into_bytes(),
            vec!["no_label.csv", "label"],
        ),
        ("empty", Vec::new(), vec!["empty.csv"]),
        (
            "bad_utf8",
            {
                let mut b = format!("label,x,y\n{good_rows}").into_bytes();
                b.extend_from_slice(b"a,\xff\xfe,1\n");
                b
            },
            vec!["bad_utf8.csv:22", "UTF-8"],
        ),
    ];
    let before = snapshot(&db);
    for (name, bytes, expected) in cases {
        let path = dir.path().join(format!("{name}.csv"));
        std::fs::write(&path, bytes).unwrap();
        // Alongside a good file: the good one must not be added either.
        let good = super::common::tasks_dir().join("vowel.csv");
        let stderr =
            fails(&["tasks", "add", good.to_str().unwrap(), path.to_str().unwrap(), "--db", &db]);
        for e in expected {
            assert!(stderr.contains(e), "{name}: `{e}` missing from: {stderr}");
        }
        assert_eq!(snapshot(&db), before, "{name}: the database changed");
    }
    let listed = super::common::ok(&["tasks", "list", "--db", &db, "--json"]);
    let tasks: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(tasks.as_array().map(Vec::len), Some(2));
}

#[test]
fn duplicate_task_name_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_db(dir.path());
    let before = snapshot(&db);
    let iris = super::common::tasks_dir().join("iris.csv");
    let stderr = fails(&["tasks", "add", iris.to_str().unwrap(), "--db", &db]);
    assert!(stderr.contains("iris"), "{stderr}");
    assert_eq!(snapshot(&db), before);
}
