//! The host side of the online phase: load a weights file of either preset, embed a task with the
//! core, run the core's search and describe the result (soft mixture, discrete form, why).

use anyhow::{Context, Result};
use archrank_core::architecture::softmax;
use archrank_core::search_report::write_result;
use archrank_core::{
    Discrete, EncodeError, Network, Paper, Preset, PresetId, Ranker, Samples, TaskEmbedding, Tiny,
    WeightsError, WeightsFile, embed_numeric, embed_text,
};
use serde::Serialize;

use crate::task::Task;
use crate::task_samples::{MAX_FEATURES, embed_task};

/// Reads a weights file, naming it in errors.
///
/// # Errors
/// I/O errors.
pub fn read_weights(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read weights file {}", path.display()))
}

/// A validated weights file of either preset.
pub enum AnyRanker<'a> {
    /// Fitted for the `tiny` preset.
    Tiny(Ranker<'a, Tiny>),
    /// Fitted for the `paper` preset.
    Paper(Ranker<'a, Paper>),
}

impl<'a> AnyRanker<'a> {
    /// Validates `bytes` once, for whichever preset the file was fitted for.
    ///
    /// # Errors
    /// The file's [`WeightsError`].
    pub fn load(bytes: &'a [u8]) -> Result<Self, WeightsError> {
        match WeightsFile::load::<Tiny>(bytes) {
            Ok(r) => Ok(Self::Tiny(r)),
            Err(WeightsError::PresetMismatch { found: PresetId::Paper, .. }) => {
                WeightsFile::load::<Paper>(bytes).map(Self::Paper)
            }
            Err(e) => Err(e),
        }
    }

    /// The preset it was fitted for.
    #[must_use]
    pub fn preset(&self) -> PresetId {
        match self {
            Self::Tiny(_) => PresetId::Tiny,
            Self::Paper(_) => PresetId::Paper,
        }
    }

    /// The decoded header.
    #[must_use]
    pub fn header(&self) -> &WeightsFile<'a> {
        match self {
            Self::Tiny(r) => r.header(),
            Self::Paper(r) => r.header(),
        }
    }
}

/// The preset a weights file was fitted for, validating the whole file.
///
/// # Errors
/// The file's [`WeightsError`].
pub fn weights_preset(bytes: &[u8]) -> Result<PresetId, WeightsError> {
    AnyRanker::load(bytes).map(|r| r.preset())
}

/// One softmax group of the found architecture.
#[derive(Clone, Debug, Serialize)]
pub struct SoftGroup {
    /// `modules`, `layer N`, or `layer N use/skip`.
    pub group: String,
    /// Every option with its probability.
    pub options: Vec<(String, f32)>,
}

/// A training task near the searched one.
#[derive(Clone, Debug, Serialize)]
pub struct NearTask {
    /// Its name.
    pub task: String,
    /// Embedding distance.
    pub distance: f32,
}

/// Where the best architecture's ascent started.
#[derive(Clone, Debug, Serialize)]
pub struct StartPoint {
    /// Training task.
    pub task: String,
    /// Rank among its top architectures.
    pub rank: u8,
    /// Its validation accuracy on that task.
    pub accuracy: f32,
    /// Its predicted score on the new task.
    pub score: f32,
}

/// Everything `archrank search` reports.
#[derive(Clone, Debug, Serialize)]
pub struct SearchOutput {
    /// Search space.
    pub preset: String,
    /// Task searched for.
    pub task: String,
    /// Samples embedded.
    pub samples: usize,
    /// Predicted score of the found architecture.
    pub score: f32,
    /// Deployable form (`train-child --discrete` accepts it).
    pub discrete: String,
    /// The logits u*.
    pub arch: Vec<f32>,
    /// The soft mixture, group by group.
    pub soft: Vec<SoftGroup>,
    /// Nearest training tasks.
    pub nearest: Vec<NearTask>,
    /// The start the result came from.
    pub start: StartPoint,
    /// The exact `result` lines the firmware prints for the same inputs.
    pub golden: String,
}

fn soft_groups(preset: PresetId, u: &[f32]) -> Vec<SoftGroup> {
    let layout = preset.layout();
    (0..layout.group_count())
        .filter_map(|g| {
            let (offset, len) = layout.group(g);
            let logits = u.get(offset..offset + len)?;
            let mut p = vec![0.0; len];
            softmax(logits, &mut p);
            let (group, names): (String, Vec<String>) = if g == 0 {
                ("modules".into(), (0..len).map(|i| format!("m{i}")).collect())
            } else if g <= layout.layers {
                let names = (0..len)
                    .map(|i| layout.base(i).map_or("?".into(), |(a, w)| format!("{}{w}", a.name())))
                    .collect();
                (format!("layer {g}"), names)
            } else {
                (format!("layer {} use/skip", g - layout.layers), vec!["use".into(), "skip".into()])
            };
            Some(SoftGroup { group, options: names.into_iter().zip(p).collect() })
        })
        .collect()
}

/// The samples a search embeds.
#[derive(Clone, Copy)]
pub enum SampleSource<'a> {
    /// Rows of a loaded task.
    Task(&'a Task, &'a [usize]),
    /// A samples file (what a device embeds).
    Samples(&'a Samples<'a>),
}

impl SampleSource<'_> {
    fn name(&self) -> &str {
        match self {
            Self::Task(t, _) => &t.name,
            Self::Samples(s) => s.task,
        }
    }

    fn count(&self) -> usize {
        match self {
            Self::Task(_, rows) => rows.len(),
            Self::Samples(s) => s.len(),
        }
    }

    fn embed<P: Preset>(&self, net: &Network<'_, P>) -> Result<TaskEmbedding, EncodeError> {
        match self {
            Self::Task(task, rows) => embed_task(net, task, rows),
            Self::Samples(s) if s.is_text() => embed_text(net, s.texts()),
            Self::Samples(s) => embed_numeric::<P, MAX_FEATURES>(net, *s),
        }
    }
}

fn search_with<P: Preset>(
    ranker: &Ranker<'_, P>,
    source: SampleSource<'_>,
) -> Result<SearchOutput> {
    let z = source
        .embed(ranker.network())
        .map_err(|e| anyhow::anyhow!("task `{}` cannot be encoded: {e}", source.name()))?;
    let result = ranker.search(&z);
    let mut golden = String::new();
    write_result(&mut golden, source.name(), source.count(), &result)?;
    let preset = P::LAYOUT.preset;
    Ok(SearchOutput {
        preset: preset.name().into(),
        task: source.name().to_owned(),
        samples: source.count(),
        score: result.score,
        discrete: result.discrete.to_string(),
        arch: result.arch.as_ref().to_vec(),
        soft: soft_groups(preset, result.arch.as_ref()),
        nearest: result
            .nearest
            .iter()
            .map(|n| NearTask { task: n.name.into(), distance: n.distance })
            .collect(),
        start: StartPoint {
            task: result.start.task.into(),
            rank: result.start.rank,
            accuracy: result.start.accuracy,
            score: result.start.score,
        },
        golden,
    })
}

/// Searches an architecture for the samples of `source` with the weights in `bytes` (either
/// preset).
///
/// # Errors
/// An invalid weights file or samples the encoder refuses.
pub fn search(bytes: &[u8], source: SampleSource<'_>) -> Result<SearchOutput> {
    match AnyRanker::load(bytes)? {
        AnyRanker::Tiny(r) => search_with(&r, source),
        AnyRanker::Paper(r) => search_with(&r, source),
    }
}

/// Discretization of logits `u` under `preset`, as a spec.
#[must_use]
pub fn discrete_spec(preset: PresetId, u: &[f32]) -> String {
    Discrete::from_logits(&preset.layout(), u).to_string()
}
