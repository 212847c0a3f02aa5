//! The trainer's integration tests through the real `archrank` binary, one test binary: the
//! bad-input matrix, interruption, populate and search.

mod bad_csv_cli;
mod bad_input_matrix;
mod common;
mod interruption;
mod populate_cli;
mod search_cli;
