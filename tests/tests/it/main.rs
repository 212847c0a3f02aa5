//! End-to-end tests across the crates, one binary: both presets through the whole pipeline, and
//! the host side of the firmware's golden check (every test that reads the firmware's assets).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod both_presets_pipeline;
mod bundled_runs;
mod bundled_tasks;
mod firmware_golden;
mod model_agreement;
