//! The `archrank` command line.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = archrank_trainer::cli::Cli::parse();
    match archrank_trainer::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
