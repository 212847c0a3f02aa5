//! Writing a fitted ranker as the core's weights file: header, provenance, parameters and the
//! training tasks' mean embeddings and top architectures; and replacing a file atomically, so an
//! interrupted fit never leaves a half-written ranker behind.

use std::path::Path;

use anyhow::Context;
use archrank_core::dims::TOP_K;
use archrank_core::weights_format::{
    Dims, FORMAT_VERSION, FitInfo, MAGIC, Provenance, SearchConfig, TaskSection,
};
use archrank_core::{Network, Paper, Preset, PresetId, Tiny, WeightsFile};

use super::fit_data::{FitData, FitTask};
use super::fit_loop::FitResult;
use super::network_params::{le_params, params_bytes};
use super::predict::task_embedding;

/// Provenance of a weights file beyond what the fit itself records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WeightsMeta<'a> {
    /// Content hash of the experiment database (`Database::database_hash`).
    pub database_hash: &'a str,
    /// Free text, e.g. the tasks held out.
    pub note: &'a str,
    /// Seconds since the Unix epoch (see [`unix_now`]).
    pub created_unix: u64,
}

/// Seconds since the Unix epoch (0 if the clock is before it).
#[must_use]
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Indices of `task`'s [`TOP_K`] runs by target, best first; the best repeated when the task has
/// fewer runs.
#[must_use]
pub fn top_runs(task: &FitTask) -> Vec<usize> {
    let mut order: Vec<usize> = (0..task.runs.len()).collect();
    let target = |i: usize| task.runs.get(i).map_or(f32::NEG_INFINITY, |r| r.target);
    order.sort_by(|&a, &b| target(b).total_cmp(&target(a)).then(a.cmp(&b)));
    order.truncate(TOP_K);
    let best = order.first().copied().unwrap_or(0);
    order.resize(TOP_K, best);
    order
}

/// The weights file of `result`, fitted on `data` (the same training tasks, in order), for
/// preset `P`.
///
/// # Errors
///
/// A result of another preset or other tasks than `data`, no tasks, a task name with a newline,
/// or a task without runs.
pub fn fitted_weights_bytes<P: Preset>(
    data: &FitData,
    result: &FitResult,
    meta: &WeightsMeta<'_>,
) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(
        result.preset == P::LAYOUT.preset && data.preset == P::LAYOUT.preset,
        "the fit is of preset {}, the data of {}, the file of {}",
        result.preset,
        data.preset,
        P::LAYOUT.preset
    );
    anyhow::ensure!(
        result.tasks == data.task_names(),
        "the fit was trained on other tasks than the data given"
    );
    anyhow::ensure!(!data.tasks.is_empty(), "a weights file needs at least one training task");
    if let Some(t) = data.tasks.iter().find(|t| t.name.contains('\n') || t.runs.is_empty()) {
        anyhow::bail!("task `{}` has a newline in its name or no runs", t.name.escape_debug());
    }
    let le = le_params(&result.params);
    let net = Network::<P>::from_params(&le).with_context(|| {
        format!("{} parameters do not fit preset {}", result.params.len(), P::LAYOUT.preset)
    })?;
    let mut embeddings = Vec::new();
    let mut top_archs = Vec::new();
    let mut top_scores = Vec::new();
    for task in &data.tasks {
        embeddings.extend(task_embedding(&net, &task.encoded).iter().copied());
        for i in top_runs(task) {
            if let Some(run) = task.runs.get(i) {
                top_archs.extend_from_slice(&run.arch);
                top_scores.push(run.target);
            }
        }
    }
    let names = data.task_names().join("\n");
    let params = params_bytes(&result.params);
    let (embeddings, top_archs, top_scores) =
        (params_bytes(&embeddings), params_bytes(&top_archs), params_bytes(&top_scores));
    let config = &result.config;
    let file = WeightsFile {
        magic: MAGIC,
        format_version: FORMAT_VERSION,
        preset: P::LAYOUT.preset,
        dims: Dims::compiled::<P>(),
        fit: FitInfo {
            loss: config.loss,
            margin: config.margin,
            gap: config.gap,
            steps: config.steps,
            seed: config.seed,
        },
        provenance: Provenance {
            trainer_version: env!("CARGO_PKG_VERSION"),
            database_hash: meta.database_hash,
            created_unix: meta.created_unix,
            note: meta.note,
        },
        search: SearchConfig::default(),
        params: &params,
        tasks: TaskSection {
            count: u32::try_from(data.tasks.len()).context("too many tasks")?,
            names: &names,
            embeddings: &embeddings,
            top_archs: &top_archs,
            top_scores: &top_scores,
        },
    };
    let bytes = file.to_bytes().context("while encoding the weights file")?;
    // Refuse to hand out a file the core would not load.
    WeightsFile::load::<P>(&bytes)
        .map_err(|e| anyhow::anyhow!("the weights file written does not load: {e}"))?;
    Ok(bytes)
}

/// [`fitted_weights_bytes`] for the result's preset.
///
/// # Errors
///
/// As [`fitted_weights_bytes`].
pub fn fitted_weights_bytes_for(
    data: &FitData,
    result: &FitResult,
    meta: &WeightsMeta<'_>,
) -> anyhow::Result<Vec<u8>> {
    match result.preset {
        PresetId::Tiny => fitted_weights_bytes::<Tiny>(data, result, meta),
        PresetId::Paper => fitted_weights_bytes::<Paper>(data, result, meta),
    }
}

/// Replaces `path` with `bytes` atomically (a synced temporary file beside it, renamed over
/// it): readers see the old file or the new one, never a part. The trainer's one implementation
/// is [`crate::atomic_file::write`]; this names it where a fit writes its ranker.
///
/// # Errors
///
/// An I/O error, naming the path.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::atomic_file::write(path, bytes)
}
