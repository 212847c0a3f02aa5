//! Any bytes given to the task CSV parser give a task or a located error, never a panic; a
//! parsed task's rows are consistent.
#![no_main]

use archrank_trainer::task::task_csv::{CsvOptions, read_task_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in [None, Some(archrank_trainer::task::TaskKind::Numeric), Some(archrank_trainer::task::TaskKind::Text)] {
        let options = CsvOptions { kind, ..CsvOptions::default() };
        match read_task_bytes(data, "fuzz.csv", "fuzz", &options) {
            Ok(read) => {
                let task = read.task;
                assert!(task.classes() >= 2);
                assert!(task.labels.iter().all(|&l| (l as usize) < task.classes()));
                let rows = task.rows();
                match &task.features {
                    archrank_trainer::task::Features::Numeric { columns, values } => {
                        assert_eq!(values.len(), rows * columns.len());
                        assert!(values.iter().all(|v| v.is_finite()));
                    }
                    archrank_trainer::task::Features::Text(texts) => assert_eq!(texts.len(), rows),
                }
            }
            Err(e) => {
                assert!(e.to_string().contains("fuzz.csv"), "unlocated error: {e}");
            }
        }
    }
});
