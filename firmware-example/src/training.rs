//! The default build's second half: train the chosen child on the device's samples in a static
//! arena (the core's `train_child`: the input module fitted on the training samples, SGD with
//! momentum, early stopping on a stratified fifth), train it again on every sample for the epochs
//! that chose (`refit_child`), write its model file, load it and run it on the held-out samples.

use archrank_core::training::{
    TrainConfig, TrainingReport, Validation, child_seed, class_ids, refit_child, train_child,
};
use archrank_core::{Discrete, Samples};

use crate::instruction_counter::Counter;
use crate::stack_paint;

/// Bytes of the training arena: the search's training budget (`max_train_ram_bytes`), half the
/// part's RAM. Must match `tests/tests/it/firmware_golden.rs`.
pub const ARENA_BYTES: usize = 32 * 1024;
/// Bytes of the buffer the model file is written into.
const MODEL_BYTES: usize = 12 * 1024;
/// Largest feature count a sample may have (the row staged on the stack).
const MAX_FEATURES: usize = crate::MAX_FEATURES;

/// What training did and the model file it wrote.
#[derive(Default)]
pub struct Trained {
    /// The core's report of the run that chose the epoch.
    pub report: TrainingReport,
    /// The core's report of the refit on every sample.
    pub refit: TrainingReport,
    /// The model file.
    pub model: &'static [u8],
    /// Held-out samples it classifies right.
    pub correct: usize,
    /// Instructions spent training (the refit included).
    pub train_instructions: u64,
    /// Instructions of the refit alone.
    pub refit_instructions: u64,
    /// Peak stack while training.
    pub train_stack: usize,
    /// Instructions spent writing the model (with its held-out accuracy).
    pub write_instructions: u64,
}

/// Trains `arch` on `samples` with the first child seed, writes the model file and measures its
/// accuracy on `held_out`.
pub fn train(
    arch: &Discrete,
    samples: &Samples<'_>,
    held_out: &Samples<'_>,
) -> Result<Trained, &'static str> {
    let arena = cortex_m::singleton!(: [u8; ARENA_BYTES] = [0; ARENA_BYTES])
        .ok_or("the training arena is taken")?;
    let out = cortex_m::singleton!(: [u8; MODEL_BYTES] = [0; MODEL_BYTES])
        .ok_or("the model buffer is taken")?;
    stack_paint::paint();
    let counter = Counter::now();
    let config = TrainConfig::default();
    let selected = train_child::<MAX_FEATURES>(
        arch,
        samples,
        Validation::Stratified,
        &config,
        child_seed(0),
        &mut arena[..],
    )
    .map_err(|_| "the chosen child cannot be trained on the samples")?
    .report;
    let refit_counter = Counter::now();
    let child = refit_child::<MAX_FEATURES>(
        arch,
        samples,
        &selected,
        &config,
        child_seed(0),
        &mut arena[..],
    )
    .map_err(|_| "the chosen child cannot be refitted on the samples")?;
    let refit_instructions = refit_counter.elapsed();
    let train_instructions = counter.elapsed();
    let train_stack = stack_paint::high_water_bytes();
    let names = class_ids(samples.classes());
    let counter = Counter::now();
    let written = child
        .write_model::<MAX_FEATURES>(samples.task, 0, &names, Some(held_out), out)
        .map_err(|_| "the trained model cannot be written")?;
    let write_instructions = counter.elapsed();
    Ok(Trained {
        report: selected,
        refit: child.report,
        refit_instructions,
        model: written.bytes,
        correct: written.held_out.0,
        train_instructions,
        train_stack,
        write_instructions,
    })
}
