//! From a chosen architecture to a running model: train the discrete child and write it as a
//! model file ([`train_model`]), and run a model file with the core ([`predict_rows`]), the same
//! code a device runs.

use anyhow::{Context, Result};
use archrank_core::inference::Probabilities;
use archrank_core::input_modules::text_module_at;
use archrank_core::model_format::{
    InputFile, MODEL_FORMAT_VERSION, MODEL_MAGIC, ModelFile, ModelProvenance, SKIP_LAYER,
};
use archrank_core::{Discrete, LayerChoice, Model, PredictError};
use rayon::prelude::*;

use crate::child::{
    ChildConfig, ChildOutcome, Mixing, ModuleFeatures, PreparedTask, prepare, train_mixed,
};
use crate::rank_stats::best_index;
use crate::task::{Features, Split, Task};

pub mod core_engine;
pub mod delivered;
pub mod discrete_child;
pub mod model_notes;

pub use archrank_core::training::child_seed;

/// A trained model and how its seeds did.
#[derive(Clone, Debug)]
pub struct TrainedModel {
    /// The model file's bytes.
    pub bytes: Vec<u8>,
    /// Every seed's outcome, in seed order (the trainer's own evaluation).
    pub outcomes: Vec<ChildOutcome>,
    /// The seed kept: best validation accuracy, the first on ties.
    pub kept: usize,
}

/// Trains `arch` on `task` with `seeds` child seeds (exactly one-hot mixing, otherwise the
/// database's child training), keeps the best by validation accuracy and writes it as a model
/// file; `columns` is the column plan (JSON) the task was read with, or empty.
///
/// # Errors
/// Only if the model file cannot be encoded.
pub fn train_model(
    task: &Task,
    split: &Split,
    arch: &Discrete,
    config: &ChildConfig,
    seeds: u32,
    columns: &str,
) -> Result<TrainedModel> {
    let layout = arch.preset.layout();
    let prepared = prepare(task, split, &layout, config);
    let mix = Mixing::one_hot(&layout, arch);
    let runs: Vec<(ChildOutcome, Vec<f32>)> = (0..seeds.max(1))
        .into_par_iter()
        .map(|s| {
            let seed = child_seed(s);
            let (outcome, net) = train_mixed(&prepared, &mix, config, seed);
            (outcome, net.discrete_weights(arch))
        })
        .collect();
    let validation: Vec<f64> = runs.iter().map(|(o, _)| o.validation_accuracy).collect();
    let kept = best_index(&validation).unwrap_or(0);
    let (outcome, weights) = &runs[kept];
    let provenance = Provenance {
        seed: kept,
        validation_accuracy: outcome.validation_accuracy,
        test_accuracy: outcome.test_accuracy,
        trained_on: prepared.train_rows(),
        validated_on: prepared.validation_rows(),
    };
    let bytes = model_bytes(task, arch, &prepared, weights, &provenance, columns)?;
    Ok(TrainedModel { bytes, outcomes: runs.into_iter().map(|(o, _)| o).collect(), kept })
}

/// Child seed `kept` (trained by [`train_model`] on `split` with `config`, its outcome
/// `selected`) trained again on the training and validation rows for its best epoch count, the
/// epoch that fits them best kept (the later on ties); its model file and outcome (the test
/// accuracy on `split`'s test rows; no validation rows).
///
/// # Errors
/// Only if the model file cannot be encoded.
pub fn refit_model(
    task: &Task,
    split: &Split,
    arch: &Discrete,
    config: &ChildConfig,
    (kept, selected): (usize, &ChildOutcome),
    columns: &str,
) -> Result<(Vec<u8>, ChildOutcome)> {
    let all = Split {
        train: split.train.iter().chain(&split.validation).copied().collect(),
        validation: Vec::new(),
        test: split.test.clone(),
    };
    let layout = arch.preset.layout();
    let refit = config.refit(selected.best_epoch.max(1));
    let prepared = prepare(task, &all, &layout, &refit);
    let mix = Mixing::one_hot(&layout, arch);
    let seed = child_seed(u32::try_from(kept).unwrap_or(0));
    let (outcome, net) = train_mixed(&prepared, &mix, &refit, seed);
    let provenance = Provenance {
        seed: kept,
        validation_accuracy: selected.validation_accuracy,
        test_accuracy: outcome.test_accuracy,
        trained_on: prepared.train_rows(),
        validated_on: split.validation.len(),
    };
    let weights = net.discrete_weights(arch);
    Ok((model_bytes(task, arch, &prepared, &weights, &provenance, columns)?, outcome))
}

/// What a model file's provenance states of its training.
struct Provenance {
    seed: usize,
    validation_accuracy: f64,
    test_accuracy: f64,
    trained_on: usize,
    validated_on: usize,
}

/// The model file of `arch`'s discrete `weights` on `prepared` (its fitted input module).
fn model_bytes(
    task: &Task,
    arch: &Discrete,
    prepared: &PreparedTask,
    weights: &[f32],
    provenance: &Provenance,
    columns: &str,
) -> Result<Vec<u8>> {
    let numeric = match prepared.features() {
        ModuleFeatures::Dense(_, inputs) => inputs.get(usize::from(arch.module)).cloned(),
        ModuleFeatures::Sparse(_) => None,
    };
    let input = match &numeric {
        Some(params) => InputFile::Numeric(params.file()),
        None => InputFile::Text {
            module: text_module_at(arch.preset, usize::from(arch.module)).catalog_index(),
        },
    };
    let layers: Vec<u8> = arch
        .layers
        .iter()
        .map(|c| match c {
            LayerChoice::Skip => SKIP_LAYER,
            LayerChoice::Base(b) => *b,
        })
        .collect();
    let weight_bytes: Vec<u8> = weights.iter().flat_map(|w| w.to_le_bytes()).collect();
    let class_names = task.class_names.join("\n");
    let file = ModelFile {
        magic: MODEL_MAGIC,
        format_version: MODEL_FORMAT_VERSION,
        preset: arch.preset,
        module: arch.module,
        layers: &layers,
        input,
        class_names: &class_names,
        columns,
        provenance: ModelProvenance {
            task: &task.name,
            seed: u64::try_from(provenance.seed).unwrap_or(0),
            validation_accuracy: provenance.validation_accuracy as f32,
            test_accuracy: provenance.test_accuracy as f32,
            trained_on: provenance.trained_on as u32,
            validated_on: provenance.validated_on as u32,
            trainer_version: env!("CARGO_PKG_VERSION"),
        },
        weights: &weight_bytes,
    };
    file.to_bytes().context("cannot encode the model file")
}

/// One sample's prediction.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Prediction {
    /// Row index in the task.
    pub row: usize,
    /// Predicted class id.
    pub class: usize,
    /// The sample's label (class id).
    pub label: u32,
    /// Probability of every class.
    pub probabilities: Vec<f32>,
}

/// The core's predictions for `rows` of `task`.
///
/// # Errors
/// The row and the core's reason when a sample cannot be run.
pub fn predict_rows(model: &Model<'_>, task: &Task, rows: &[usize]) -> Result<Vec<Prediction>> {
    let mut probs: Probabilities = [0.0; archrank_core::dims::MAX_CLASSES];
    rows.iter()
        .map(|&r| {
            let class = match &task.features {
                Features::Numeric { .. } => model.predict_numeric(task.numeric_row(r), &mut probs),
                Features::Text(_) => model.predict_text(task.text_row(r), &mut probs),
            }
            .map_err(|e: PredictError| anyhow::anyhow!("row {}: {e}", r + 1))?;
            let label = task.labels.get(r).copied().unwrap_or(0);
            Ok(Prediction { row: r, class, label, probabilities: probs[..model.classes].to_vec() })
        })
        .collect()
}

/// Share of `predictions` whose class is their label.
#[must_use]
pub fn accuracy(predictions: &[Prediction]) -> f64 {
    let right = predictions.iter().filter(|p| p.label as usize == p.class).count();
    right as f64 / predictions.len().max(1) as f64
}

#[cfg(test)]
mod tests;
