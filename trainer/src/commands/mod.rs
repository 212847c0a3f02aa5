//! One module per subcommand: each turns checked arguments into work and output.

mod choose;
mod column_plan_view;
mod db;
mod demo;
mod eval;
mod eval_output;
mod fit;
mod headroom;
mod noise;
mod populate;
mod predict;
mod quantize;
mod report;
mod search;
mod task_source;
mod tasks;
mod train;
mod train_child;
mod upgrade;

use crate::cli::{Cli, Command};

/// Runs the parsed command line.
///
/// # Errors
/// Whatever the command reports; `main` prints it and exits non-zero.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Tasks(c) => tasks::run(c),
        Command::Populate(a) => populate::run(&a, quiet),
        Command::TrainChild(a) => train_child::run(&a),
        Command::Train(a) => train::run_train(&a),
        Command::Predict(a) => predict::run_predict(&a),
        Command::Choose(a) => choose::run(&a),
        Command::Noise(a) => noise::run(&a),
        Command::Db(c) => db::run(c),
        Command::Search(a) => search::run_search(&a),
        Command::Inspect(a) => search::run_inspect(&a),
        Command::Quantize(a) => quantize::run(&a),
        Command::Upgrade(a) => upgrade::run(&a),
        Command::ExportSamples(a) => search::run_export_samples(&a),
        Command::Fit(a) => fit::run(&a, quiet),
        Command::Eval(c) => eval::run(c, quiet),
        Command::Report(a) => report::run(&a),
        Command::Demo(a) => demo::run(&a, quiet),
    }
}
