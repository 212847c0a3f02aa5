//! The evaluations of a discrete population through the binary: `eval search` trains its
//! answers as the database's runs were (their engine), with architectures held out too, and
//! `eval delivered` compares the database's ranking with delivered models'.

use crate::common::{ok, small_db, tasks_dir};

fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_discrete_core_population_is_searched_and_checked_against_delivered_models() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_db(dir.path());
    let seeds = tasks_dir().join("wheat_seeds.csv");
    ok(&["tasks", "add", seeds.to_str().unwrap(), "--db", &db]);
    ok(&[
        "populate",
        "--db",
        &db,
        "--space",
        "discrete",
        "--archs-per-task",
        "4",
        "--seeds-per-arch",
        "2",
        "--shared-archs",
        "2",
        "--min-steps",
        "30",
        "--quiet",
    ]);

    let search = dir.path().join("search.json");
    ok(&[
        "eval",
        "search",
        "--db",
        &db,
        "--losses",
        "linear",
        "--child-seeds",
        "1",
        "--shortlist",
        "0",
        "--steps",
        "40",
        "--held-out-archs",
        "2",
        "--quiet",
        "--json",
        search.to_str().unwrap(),
    ]);
    let report = read_json(&search);
    assert_eq!(report["held_out_archs"], 2);
    let tasks = report["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 3);
    for t in tasks {
        let found = &t["found"]["linear"];
        let novel = found["novel_share"].as_f64().unwrap();
        assert!(novel == 0.0 || novel == 1.0, "one answer a task: {found}");
        let test = found["discrete_test_mean"].as_f64().unwrap();
        assert!(test > 0.3 && test <= 1.0, "{found}");
    }

    let delivered = dir.path().join("delivered.json");
    let md = ok(&[
        "eval",
        "delivered",
        "--db",
        &db,
        "--architectures",
        "3",
        "--seeds",
        "1",
        "--quiet",
        "--json",
        delivered.to_str().unwrap(),
    ]);
    assert!(md.contains("database vs delivered"), "{md}");
    let report = read_json(&delivered);
    assert_eq!(report["database_engine"], "core");
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3 * 3, "three architectures of each task");
    for r in rows {
        let (db_acc, delivered) =
            (r["database"].as_f64().unwrap(), r["delivered"].as_f64().unwrap());
        assert!((0.0..=1.0).contains(&db_acc) && (0.0..=1.0).contains(&delivered), "{r}");
    }
    assert_eq!(report["agreement"][1]["kind"], "numeric");
}
