//! Scoring with a fitted network, for evaluation: z from a task's encoded samples through the
//! core's [`Embedder`], then every architecture through the core's [`archrank_core::Scorer`].

use archrank_core::{Embedder, Encoded, Network, Preset, PresetId, TaskEmbedding, with_preset};

use super::fit_data::{FitTask, MAX_FIT_ROWS};
use super::network_params::le_params;

/// The task embedding of `encoded` (its first [`MAX_FIT_ROWS`] samples), as a device computes it.
#[must_use]
pub fn task_embedding<P: Preset>(net: &Network<'_, P>, encoded: &[Encoded]) -> TaskEmbedding {
    let mut embedder = Embedder::default();
    for x in encoded.iter().take(MAX_FIT_ROWS) {
        embedder.add(net, x);
    }
    embedder.embedding()
}

/// The score of every architecture in `archs` (logits u) for the task whose samples are
/// `encoded`, with the network `net` (e.g. [`archrank_core::Ranker::network`]).
#[must_use]
pub fn predict_scores<P: Preset, A: AsRef<[f32]>>(
    net: &Network<'_, P>,
    encoded: &[Encoded],
    archs: &[A],
) -> Vec<f32> {
    let z = task_embedding(net, encoded);
    let scorer = net.scorer(&z);
    archs.iter().map(|u| scorer.score(u.as_ref())).collect()
}

/// [`predict_scores`] for parameters held as `f32` (a [`super::FitResult`]'s); `None` when
/// their count does not fit preset `P`.
#[must_use]
pub fn predict_scores_with_params<P: Preset, A: AsRef<[f32]>>(
    params: &[f32],
    encoded: &[Encoded],
    archs: &[A],
) -> Option<Vec<f32>> {
    let le = le_params(params);
    let net = Network::<P>::from_params(&le)?;
    Some(predict_scores(&net, encoded, archs))
}

/// The score of every run of `task` by a network of either preset given as parameters, in run
/// order (`None` if the parameters do not fit the preset).
#[must_use]
pub fn score_task_runs(preset: PresetId, params: &[f32], task: &FitTask) -> Option<Vec<f32>> {
    let archs: Vec<&[f32]> = task.runs.iter().map(|r| r.arch.as_slice()).collect();
    with_preset!(preset, P => predict_scores_with_params::<P, _>(params, &task.encoded, &archs))
}
