//! A column plan as a database or a model file stores it (JSON), with a CSV read through it:
//! any bytes (the plan before the first zero byte, the CSV after) give a plan that is refused,
//! or rows encoded consistently (one feature row per record, finite numbers) or a located
//! error, never a panic.
#![no_main]

use archrank_trainer::task::Features;
use archrank_trainer::task::column_plan::ColumnPlan;
use archrank_trainer::task::task_csv::{CsvOptions, rows_with_plan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let at = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let Ok(plan) = serde_json::from_slice::<ColumnPlan>(&data[..at]) else { return };
    let csv = String::from_utf8_lossy(data.get(at + 1..).unwrap_or_default());
    match rows_with_plan(&csv, "fuzz.csv", &CsvOptions::default(), &plan) {
        Ok(read) => {
            let records = read.table.records.len();
            match &read.features {
                Features::Numeric { columns, values } => {
                    assert_eq!(columns, &plan.feature_names());
                    assert_eq!(values.len(), records * columns.len());
                }
                Features::Text(texts) => assert_eq!(texts.len(), records),
            }
            if let Some(labels) = &read.labels {
                assert_eq!(labels.len(), records);
            }
        }
        Err(e) => assert!(e.to_string().contains("fuzz.csv"), "unlocated error: {e}"),
    }
});
