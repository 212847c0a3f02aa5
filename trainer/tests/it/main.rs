//! The trainer's integration tests through the real `archrank` binary, one test binary: the
//! bad-input matrix, interruption, populate and search.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod anywhere_cli;
mod bad_csv_cli;
mod bad_input_matrix;
mod budget_cli;
mod choose_cli;
mod common;
mod concurrency;
mod crash_points;
mod csv_shapes_cli;
mod delivered_cli;
mod eval_compare_cli;
mod eval_deployable_cli;
mod interruption;
mod model_cli;
mod populate_cli;
mod predict_cli;
mod search_cli;
mod train_core_cli;
mod upgrade_cli;
