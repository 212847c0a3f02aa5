//! Chooses an architecture on a Cortex-M4F, trains it there and runs it: reads the bundled ranker
//! in place from flash, streams the device's samples through the encoder into the task's
//! embedding, searches within a budget derived from its own memory (the training's included),
//! trains the chosen child on those samples (src/training.rs), writes its model file, loads it
//! and runs it on held-out samples; prints the result, the training, the model's accuracy, how
//! many instructions each phase took and how much stack each used.
//!
//! The `paper` build runs a bundled model of its choice (trained on the host) instead of training
//! one; the `small-part` build (64 KiB flash, 16 KiB RAM: `layouts/small-part.x`) chooses only.
#![no_std]
#![no_main]

mod budget;
mod instruction_counter;
mod stack_paint;
#[cfg(not(any(feature = "paper", feature = "small-part")))]
mod training;

use core::fmt::Write as _;

use archrank_core::search_report::{Request, write_result};
#[cfg(not(feature = "small-part"))]
use archrank_core::{Model, search_report::write_model_result};
use archrank_core::{Ranker, SamplesFile, SearchResult, embed_numeric};
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hio};
use panic_semihosting as _;

#[cfg(all(feature = "paper", feature = "small-part"))]
compile_error!("the small part runs the tiny preset: build `small-part` without `paper`");
#[cfg(all(feature = "small-part", feature = "prune-prefixes"))]
compile_error!(
    "the small part's flash has no room for the pruned scoring: build it with \
     `--no-default-features --features small-part`"
);

#[cfg(not(feature = "paper"))]
type Space = archrank_core::Tiny;
/// The bundled ranker quantized to int8 with a cheaper search (`archrank quantize`).
#[cfg(not(feature = "paper"))]
static WEIGHTS: &[u8] = include_bytes!("../../data/default-ranker-int8.postcard");
#[cfg(feature = "paper")]
type Space = archrank_core::Paper;
/// The paper-preset ranker quantized to int8 (`archrank quantize`).
#[cfg(feature = "paper")]
static WEIGHTS: &[u8] = include_bytes!("../assets/paper-ranker-int8.postcard");

/// A model of the architecture the paper build chooses, trained on the host (`archrank train`).
#[cfg(feature = "paper")]
static MODEL: &[u8] = include_bytes!("../assets/paper-model.postcard");

/// Samples of the task's test split, which the model never saw.
#[cfg(not(feature = "small-part"))]
static HELD_OUT: &[u8] = include_bytes!("../assets/heldout.postcard");

/// The device's own samples of a task the ranker was not fitted on (`archrank export-samples`):
/// the task's training and validation rows, which it embeds (and the default build trains on).
#[cfg(not(feature = "paper"))]
static SAMPLES: &[u8] = include_bytes!("../assets/train-samples.postcard");
/// Samples of a task the ranker was not fitted on, which the device embeds.
#[cfg(feature = "paper")]
static SAMPLES: &[u8] = include_bytes!("../assets/samples.postcard");

/// Largest feature count this build encodes (bounds the encoder's stack use).
const MAX_FEATURES: usize = 64;

/// What the search found, for which task and from how many samples.
struct Choice {
    result: SearchResult<'static, Space>,
    request: Request<'static>,
    /// Instructions spent loading, encoding and embedding (40-instruction resolution).
    embed_instructions: u64,
    /// Instructions spent in the search.
    search_instructions: u64,
    /// Peak stack while embedding and searching.
    stack: usize,
    /// The deployable space's checks on the answer (tiny: scored whole).
    #[cfg(not(feature = "paper"))]
    checks: DiscreteChecks,
}

/// The search's answer finished one choice at a time, and the exhaustive argmax within the same
/// budget: printed and measured, not deployed.
#[cfg(not(feature = "paper"))]
struct DiscreteChecks {
    finished: archrank_core::discrete_finish::Finished,
    exhaustive: archrank_core::exhaustive::Exhaustive,
    finish_instructions: u64,
    exhaustive_instructions: u64,
}

#[entry]
fn main() -> ! {
    stack_paint::paint();
    instruction_counter::start();
    let outcome = choose().and_then(|choice| Ok((run_model(&choice)?, choice)));
    let overflowed = stack_paint::reached_statics();

    let Ok(mut out) = hio::hstdout() else { exit(false) };
    // Printing comes after the measurement: formatting is not part of the measured work.
    let ok = match &outcome {
        Ok((run, choice)) => {
            write_result(&mut out, &choice.request, &choice.result).is_ok()
                && write_checks(&mut out, choice).is_ok()
                && run.as_ref().is_none_or(|run| write_run(&mut out, run).is_ok())
        }
        Err(message) => {
            let _ = writeln!(out, "error: {message}");
            false
        }
    };
    if let Ok((run, choice)) = &outcome {
        let _ = writeln!(out, "measure embed_instructions {}", choice.embed_instructions);
        let _ = writeln!(out, "measure search_instructions {}", choice.search_instructions);
        #[cfg(not(feature = "paper"))]
        {
            let checks = &choice.checks;
            let _ = writeln!(out, "measure finish_instructions {}", checks.finish_instructions);
            let _ =
                writeln!(out, "measure exhaustive_instructions {}", checks.exhaustive_instructions);
        }
        let _ = writeln!(out, "measure choose_stack_bytes {}", choice.stack);
        let mut stack = choice.stack;
        if let Some(run) = run {
            stack = stack.max(write_measures(&mut out, run));
        }
        let _ = writeln!(out, "measure stack_bytes {stack}");
    }
    if overflowed {
        let _ = writeln!(out, "error: the stack reached the statics: the RAM is too small");
        exit(false);
    }
    exit(ok)
}

/// How the model did on the held-out samples.
#[cfg(not(feature = "small-part"))]
struct ModelRun {
    model: Model<'static>,
    text: bool,
    correct: usize,
    total: usize,
    /// Instructions spent predicting every held-out sample.
    instructions: u64,
    /// Peak stack while loading and predicting.
    stack: usize,
    /// The training that wrote the model (the default build).
    #[cfg(not(feature = "paper"))]
    trained: training::Trained,
}

#[cfg(not(feature = "small-part"))]
impl ModelRun {
    #[cfg(not(feature = "paper"))]
    fn train_stack(&self) -> usize {
        self.trained.train_stack
    }

    #[cfg(feature = "paper")]
    fn train_stack(&self) -> usize {
        0
    }
}

#[cfg(not(feature = "small-part"))]
fn write_run(out: &mut impl core::fmt::Write, run: &ModelRun) -> core::fmt::Result {
    #[cfg(not(feature = "paper"))]
    archrank_core::search_report::write_training_result(
        out,
        &run.trained.report,
        Some(&run.trained.refit),
        run.trained.model,
    )?;
    write_model_result(out, &run.model, run.text, run.correct, run.total)
}

/// Prints the run's measures; returns its peak stack.
#[cfg(not(feature = "small-part"))]
fn write_measures(out: &mut impl core::fmt::Write, run: &ModelRun) -> usize {
    #[cfg(not(feature = "paper"))]
    {
        let t = &run.trained;
        let epochs = t.report.epochs.max(1) as u64;
        let _ = writeln!(out, "measure train_instructions {}", t.train_instructions);
        let _ = writeln!(
            out,
            "measure train_instructions_per_epoch {}",
            (t.train_instructions - t.refit_instructions) / epochs
        );
        let _ = writeln!(out, "measure refit_instructions {}", t.refit_instructions);
        let _ = writeln!(out, "measure train_stack_bytes {}", t.train_stack);
        let _ = writeln!(out, "measure write_model_instructions {}", t.write_instructions);
    }
    let per_sample = run.instructions / run.total.max(1) as u64;
    let _ = writeln!(out, "measure model_instructions_per_sample {per_sample}");
    let _ = writeln!(out, "measure predict_stack_bytes {}", run.stack);
    run.stack.max(run.train_stack())
}

/// The small part runs no model: no run to print (and none of its printing in its flash).
#[cfg(feature = "small-part")]
type ModelRun = core::convert::Infallible;

#[cfg(feature = "small-part")]
fn write_run(_: &mut impl core::fmt::Write, run: &ModelRun) -> core::fmt::Result {
    match *run {}
}

#[cfg(feature = "small-part")]
fn write_measures(_: &mut impl core::fmt::Write, run: &ModelRun) -> usize {
    match *run {}
}

/// The small part chooses only: it runs no model.
#[cfg(feature = "small-part")]
fn run_model(_: &Choice) -> Result<Option<ModelRun>, &'static str> {
    Ok(None)
}

/// The paper build runs its bundled model: loads it, checks it is of the chosen architecture and
/// runs it on the held-out samples.
#[cfg(feature = "paper")]
fn run_model(choice: &Choice) -> Result<Option<ModelRun>, &'static str> {
    let model = Model::load(MODEL).map_err(|_| "the bundled model is invalid")?;
    if model.discrete != choice.result.discrete {
        return Err("the bundled model is not of the chosen architecture: rebuild the assets");
    }
    predict(model).map(Some)
}

/// The default build trains the chosen child on its samples, then loads the model file it wrote
/// and runs it on the held-out samples.
#[cfg(not(any(feature = "paper", feature = "small-part")))]
fn run_model(choice: &Choice) -> Result<Option<ModelRun>, &'static str> {
    let samples = SamplesFile::load(SAMPLES).map_err(|_| "the bundled samples are invalid")?;
    let held_out = SamplesFile::load(HELD_OUT).map_err(|_| "the held-out samples are invalid")?;
    let trained = training::train(&choice.result.discrete, &samples, &held_out)?;
    let model = Model::load(trained.model).map_err(|_| "the written model does not load")?;
    let run = predict(model)?;
    if run.correct != trained.correct {
        return Err("the loaded model disagrees with the one training measured");
    }
    Ok(Some(ModelRun { trained, ..run }))
}

/// Runs `model` on the held-out samples.
#[cfg(not(feature = "small-part"))]
fn predict(model: Model<'static>) -> Result<ModelRun, &'static str> {
    stack_paint::paint();
    let held_out = SamplesFile::load(HELD_OUT).map_err(|_| "the held-out samples are invalid")?;
    let counter = instruction_counter::Counter::now();
    let mut correct = 0;
    model
        .predict_numeric_samples::<MAX_FEATURES>(&held_out, |_, class, label, _| {
            correct += usize::from(class as u32 == label);
        })
        .map_err(|_| "a held-out sample cannot be run")?;
    let instructions = counter.elapsed();
    Ok(ModelRun {
        model,
        text: held_out.is_text(),
        correct,
        total: held_out.len(),
        instructions,
        stack: stack_paint::high_water_bytes(),
        #[cfg(not(any(feature = "paper", feature = "small-part")))]
        trained: training::Trained::default(),
    })
}

/// Loads the weights and samples in place, embeds the task and searches.
fn choose() -> Result<Choice, &'static str> {
    let counter = instruction_counter::Counter::now();
    let ranker = Ranker::<Space>::load(WEIGHTS).map_err(|_| "the bundled weights are invalid")?;
    let samples = SamplesFile::load(SAMPLES).map_err(|_| "the bundled samples are invalid")?;
    let net = ranker.network();
    let z = if samples.is_text() {
        embed_texts(net, &samples)?
    } else {
        embed_numeric::<Space, MAX_FEATURES>(net, &samples)
    }
    .map_err(|_| "the samples cannot be encoded")?;
    let embed_instructions = counter.elapsed();
    let request = Request {
        task: samples.task,
        samples: samples.len(),
        shape: samples.shape(),
        budget: budget::from_memory(),
    };
    let counter = instruction_counter::Counter::now();
    let result = ranker
        .search_within(&z, &ranker.search_config(), &request.shape, &request.budget)
        .map_err(|_| "no architecture fits the device's budget")?;
    let search_instructions = counter.elapsed();
    #[cfg(not(feature = "paper"))]
    let checks = {
        let (shape, budget) = (&request.shape, &request.budget);
        let counter = instruction_counter::Counter::now();
        let finished = ranker.finish_within(&z, &result.discrete, shape, budget);
        let finish_instructions = counter.elapsed();
        let counter = instruction_counter::Counter::now();
        let exhaustive = ranker
            .argmax_within(&z, shape, budget)
            .map_err(|_| "the space cannot be scored whole")?;
        let exhaustive_instructions = counter.elapsed();
        DiscreteChecks { finished, exhaustive, finish_instructions, exhaustive_instructions }
    };
    let stack = stack_paint::high_water_bytes();
    Ok(Choice {
        result,
        request,
        embed_instructions,
        search_instructions,
        stack,
        #[cfg(not(feature = "paper"))]
        checks,
    })
}

/// The deployable space's checks (tiny builds).
#[cfg(not(feature = "paper"))]
fn write_checks(out: &mut impl core::fmt::Write, choice: &Choice) -> core::fmt::Result {
    let checks = &choice.checks;
    archrank_core::search_report::write_discrete_checks(out, &checks.finished, &checks.exhaustive)
}

/// None: the paper space is too large to score whole.
#[cfg(feature = "paper")]
fn write_checks(_: &mut impl core::fmt::Write, _: &Choice) -> core::fmt::Result {
    Ok(())
}

/// Text samples need Unicode case tables (about 13 KiB of flash): only with the `text` feature.
#[cfg(feature = "text")]
fn embed_texts(
    net: &archrank_core::Network<'_, Space>,
    samples: &archrank_core::Samples<'_>,
) -> Result<Result<archrank_core::TaskEmbedding, archrank_core::EncodeError>, &'static str> {
    Ok(archrank_core::embed_text(net, samples.texts()))
}

#[cfg(not(feature = "text"))]
fn embed_texts(
    _: &archrank_core::Network<'_, Space>,
    _: &archrank_core::Samples<'_>,
) -> Result<Result<archrank_core::TaskEmbedding, archrank_core::EncodeError>, &'static str> {
    Err("text samples need the firmware's `text` feature")
}

fn exit(ok: bool) -> ! {
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}
