//! Scoring with a fitted network, for evaluation: z from a task's encoded samples (the core's
//! [`Embedder`] for what a device reads, the controls' parts zeroed or added), then every
//! architecture through the core's [`archrank_core::Scorer`].

use archrank_core::{Embedder, Network, Preset, PresetId, RankerForm, TaskEmbedding, with_preset};

use super::backprop::embedding;
use super::fit_config::TaskInputs;
use super::fit_data::{FitTask, MAX_FIT_ROWS};
use super::network_params::le_params;

/// The task embedding of `task` (its first [`MAX_FIT_ROWS`] samples) as `inputs` reads it; for
/// [`TaskInputs::PRODUCT`] exactly what a device computes.
#[must_use]
pub fn task_embedding<P: Preset>(
    net: &Network<'_, P>,
    task: &FitTask,
    inputs: TaskInputs,
) -> TaskEmbedding {
    let mut embedder = Embedder::default();
    for i in 0..task.samples.len().min(MAX_FIT_ROWS) {
        if let Some(x) = task.samples.encoded().get(i) {
            embedder.add(net, x, task.samples.values(i));
        }
    }
    let z = embedder.embedding(net);
    if inputs == TaskInputs::PRODUCT {
        return z;
    }
    let summary = archrank_core::SetSummary::from_fn(|i, _| z[i]);
    embedding(task, &summary, inputs)
}

/// The score of every architecture in `archs` (logits u) for `task`, with the network `net`
/// (e.g. [`archrank_core::Ranker::network`]).
#[must_use]
pub fn predict_scores<P: Preset, A: AsRef<[f32]>>(
    net: &Network<'_, P>,
    task: &FitTask,
    inputs: TaskInputs,
    archs: &[A],
) -> Vec<f32> {
    scores_for(net, &task_embedding(net, task, inputs), archs)
}

/// The score of every architecture in `archs` for the task embedded as `z`.
#[must_use]
pub fn scores_for<P: Preset, A: AsRef<[f32]>>(
    net: &Network<'_, P>,
    z: &TaskEmbedding,
    archs: &[A],
) -> Vec<f32> {
    let scorer = net.scorer(z);
    archs.iter().map(|u| scorer.score(u.as_ref())).collect()
}

/// [`predict_scores`] for parameters held as `f32` (a [`super::FitResult`]'s); `None` when
/// their count does not fit preset `P`.
#[must_use]
pub fn predict_scores_with_params<P: Preset, A: AsRef<[f32]>>(
    params: &[f32],
    form: RankerForm,
    task: &FitTask,
    inputs: TaskInputs,
    archs: &[A],
) -> Option<Vec<f32>> {
    let le = le_params(params);
    let net = Network::<P>::from_params(&le, form)?;
    Some(predict_scores(&net, task, inputs, archs))
}

/// The score of every run of `task` by a fitted network of either preset given as parameters,
/// in run order (`None` if the parameters do not fit the preset).
#[must_use]
pub fn score_task_runs(
    preset: PresetId,
    params: &[f32],
    form: RankerForm,
    task: &FitTask,
    inputs: TaskInputs,
) -> Option<Vec<f32>> {
    let archs: Vec<&[f32]> = task.runs.iter().map(|r| r.arch.as_slice()).collect();
    with_preset!(preset, P => predict_scores_with_params::<P, _>(params, form, task, inputs, &archs))
}
