//! Writing a fitted ranker as the core's weights file: header, provenance, parameters and the
//! training tasks' mean embeddings and top architectures (distinct ones once, indexed).

use std::collections::HashMap;

use archrank_core::dims::TOP_K;
use archrank_core::network::param_count;
use archrank_core::weights_format::{FitInfo, Provenance, SearchConfig, TaskSection, le_bytes};
use archrank_core::{Network, Preset, Quantization, Ranker, WeightsFile, with_preset};

use super::error::{FitError, Result};
use super::fit_config::TaskInputs;
use super::fit_data::{FitData, FitTask};
use super::fit_loop::FitResult;
use super::network_params::le_params;
use super::predict::task_embedding;

/// Provenance of a weights file beyond what the fit itself records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WeightsMeta<'a> {
    /// Content hash of the experiment database (`Database::database_hash`).
    pub database_hash: &'a str,
    /// Free text, e.g. the tasks held out.
    pub note: &'a str,
    /// Seconds since the Unix epoch (see [`creation_time`]).
    pub created_unix: u64,
}

/// The time a weights file records as its creation: `SOURCE_DATE_EPOCH` when set (the
/// reproducible-builds convention, so the same database, settings and seed give the same bytes),
/// otherwise now.
#[must_use]
pub fn creation_time() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(crate::database::unix_now)
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
) -> Result<Vec<u8>> {
    for preset in [result.preset, data.preset] {
        if preset != P::LAYOUT.preset {
            return Err(FitError::PresetMismatch { data: preset, fit: P::LAYOUT.preset });
        }
    }
    if result.tasks != data.task_names() {
        return Err(FitError::OtherTasks);
    }
    if data.tasks.is_empty() {
        return Err(FitError::NoTasks);
    }
    if let Some(t) = data.tasks.iter().find(|t| t.name.contains('\n') || t.runs.is_empty()) {
        return Err(FitError::BadTask {
            task: t.name.escape_debug().to_string(),
            problem: "has a newline in its name or no runs".into(),
        });
    }
    let le = le_params(&result.params);
    let config = &result.config;
    if config.inputs != TaskInputs::PRODUCT {
        return Err(FitError::Setting {
            name: "landmarks",
            rule: "cannot be read by a ranker written for a device, which does not compute them",
            value: format!("{:?}", config.inputs),
        });
    }
    let net = Network::<P>::from_params(&le, config.form).ok_or(FitError::ParamCount {
        expected: param_count(P::ARCH_DIM),
        found: result.params.len(),
    })?;
    let mut embeddings = Vec::new();
    let mut archs = ArchTable::default();
    let mut top_archs = Vec::new();
    let mut top_scores = Vec::new();
    for task in &data.tasks {
        embeddings.extend(task_embedding(&net, task, TaskInputs::PRODUCT).iter().copied());
        for i in top_runs(task) {
            if let Some(run) = task.runs.get(i) {
                let index = archs.index_of(&run.arch).ok_or_else(|| FitError::BadTask {
                    task: task.name.escape_debug().to_string(),
                    problem: "brings the distinct top architectures past 65,536".into(),
                })?;
                top_archs.extend_from_slice(&index.to_le_bytes());
                top_scores.push(run.target);
            }
        }
    }
    let names = data.task_names().join("\n");
    let params = le_bytes(&result.params);
    let (embeddings, archs, top_scores) =
        (le_bytes(&embeddings), le_bytes(&archs.values), le_bytes(&top_scores));
    let file = WeightsFile::new::<P>(
        Quantization::F32,
        FitInfo {
            loss: config.loss,
            form: config.form,
            margin: config.margin,
            gap: config.gap,
            steps: config.steps,
            seed: config.seed,
        },
        Provenance {
            trainer_version: env!("CARGO_PKG_VERSION"),
            database_hash: meta.database_hash,
            created_unix: meta.created_unix,
            note: meta.note,
        },
        SearchConfig::default(),
        &params,
        TaskSection {
            count: u32::try_from(data.tasks.len()).unwrap_or(u32::MAX),
            names: &names,
            embeddings: &embeddings,
            archs: &archs,
            top_archs: &top_archs,
            top_scores: &top_scores,
        },
    );
    let bytes = file.to_bytes()?;
    // Refuse to hand out a file the core would not load.
    Ranker::<P>::load(&bytes).map_err(FitError::Unloadable)?;
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
) -> Result<Vec<u8>> {
    with_preset!(result.preset, P => fitted_weights_bytes::<P>(data, result, meta))
}

/// The distinct top architectures, in order of first use: tasks of one plan share them.
#[derive(Default)]
struct ArchTable {
    values: Vec<f32>,
    index: HashMap<Vec<u32>, u16>,
}

impl ArchTable {
    /// The index of `arch` (compared bit for bit), adding it when new; `None` when a new one
    /// would not fit a u16 index.
    fn index_of(&mut self, arch: &[f32]) -> Option<u16> {
        let key: Vec<u32> = arch.iter().map(|v| v.to_bits()).collect();
        if let Some(&i) = self.index.get(&key) {
            return Some(i);
        }
        let i = u16::try_from(self.index.len()).ok()?;
        self.values.extend_from_slice(arch);
        self.index.insert(key, i);
        Some(i)
    }
}
