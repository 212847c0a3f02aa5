//! Chooses an architecture on a Cortex-M4F: reads the bundled ranker in place from flash,
//! streams a task's samples through the encoder into its embedding, runs the search and prints
//! the result, then how many instructions it took and how much stack it used.
#![no_std]
#![no_main]

mod instruction_counter;
mod stack_paint;

use core::fmt::Write as _;

use archrank_core::search_report::write_result;
use archrank_core::{SamplesFile, SearchResult, Ranker, embed_numeric};
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hio};
use panic_semihosting as _;

#[cfg(not(feature = "paper"))]
type Space = archrank_core::Tiny;
#[cfg(not(feature = "paper"))]
static WEIGHTS: &[u8] = include_bytes!("../../data/default-ranker.postcard");
#[cfg(feature = "paper")]
type Space = archrank_core::Paper;
#[cfg(feature = "paper")]
static WEIGHTS: &[u8] = include_bytes!("../assets/paper-ranker.postcard");

/// Samples of a task the ranker was not fitted on (`archrank export-samples`).
static SAMPLES: &[u8] = include_bytes!("../assets/samples.postcard");

/// Largest feature count this build encodes (bounds the encoder's stack use).
const MAX_FEATURES: usize = 64;

/// What the search found, for which task and from how many samples.
struct Choice {
    result: SearchResult<'static, Space>,
    task: &'static str,
    samples: usize,
    /// Instructions spent loading, encoding and embedding (40-instruction resolution).
    embed_instructions: u64,
    /// Instructions spent in the search.
    search_instructions: u64,
}

#[entry]
fn main() -> ! {
    stack_paint::paint();
    instruction_counter::start();
    let outcome = choose();
    let stack = stack_paint::high_water_bytes();

    let Ok(mut out) = hio::hstdout() else { exit(false) };
    // Printing comes after the measurement: formatting is not part of the measured work.
    let ok = match &outcome {
        Ok(choice) => write_result(&mut out, choice.task, choice.samples, &choice.result).is_ok(),
        Err(message) => {
            let _ = writeln!(out, "error: {message}");
            false
        }
    };
    if let Ok(choice) = &outcome {
        let _ = writeln!(out, "measure embed_instructions {}", choice.embed_instructions);
        let _ = writeln!(out, "measure search_instructions {}", choice.search_instructions);
    }
    let _ = writeln!(out, "measure stack_bytes {stack}");
    exit(ok)
}

/// Loads the weights and samples in place, embeds the task and searches.
fn choose() -> Result<Choice, &'static str> {
    let counter = instruction_counter::Counter::now();
    let ranker =
        Ranker::<Space>::load(WEIGHTS).map_err(|_| "the bundled weights are invalid")?;
    let samples = SamplesFile::load(SAMPLES).map_err(|_| "the bundled samples are invalid")?;
    let net = ranker.network();
    let z = if samples.is_text() {
        embed_texts(net, &samples)?
    } else {
        embed_numeric::<Space, MAX_FEATURES>(net, &samples)
    }
    .map_err(|_| "the samples cannot be encoded")?;
    let embed_instructions = counter.elapsed();
    let counter = instruction_counter::Counter::now();
    let result = ranker.search(&z);
    let search_instructions = counter.elapsed();
    Ok(Choice {
        result,
        task: samples.task,
        samples: samples.len(),
        embed_instructions,
        search_instructions,
    })
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
