//! The host side of the online phase: load a weights file of either preset, embed a task with the
//! core, run the core's search and describe the result (soft mixture, discrete form, why).

pub mod confidence;

use confidence::{Confidence, Member, confidence};

use archrank_core::architecture::{option_label, softmax};
use archrank_core::search_report::{Request, write_discrete_checks, write_result};
use archrank_core::shortlist::SHORTLIST_MIN_DISTANCE;
use archrank_core::{
    AnyRanker, Budget, BudgetError, Cost, EncodeError, InputModule, Network, Preset, PresetId,
    Quantization, Ranker, Samples, TaskEmbedding, TaskShape, WeightsError, discrete_cost,
    embed_numeric, embed_text,
};
use serde::Serialize;

use crate::task::Task;
use crate::task::task_samples::{MAX_FEATURES, embed_task};

/// Why a search on the host failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The weights file is unusable.
    #[error(transparent)]
    Weights(#[from] WeightsError),
    /// The encoder refuses the task's samples.
    #[error("task `{task}` cannot be encoded: {source}")]
    Encode {
        /// The task.
        task: String,
        /// The encoder's reason.
        source: EncodeError,
    },
    /// No architecture fits the budget.
    #[error(transparent)]
    Budget(#[from] BudgetError),
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

/// One architecture of a shortlist.
#[derive(Clone, Debug, Serialize)]
pub struct ShortlistEntry {
    /// Deployable form.
    pub discrete: String,
    /// The same with its input module named.
    pub named: String,
    /// The best predicted score of a search iterate that discretizes to it (the list's order);
    /// its discrete score when no iterate reached it.
    pub score: f32,
    /// The predicted score of the discrete architecture itself.
    pub discrete_score: f32,
    /// Its inference cost on the task.
    pub cost: Cost,
    /// Whether the climb reached it; `false` for one taken from the space scored whole (the
    /// climb reached too few within the budget), listed after the climb's.
    pub climbed: bool,
}

/// A discrete architecture with its discrete score (`Scorer::score_discrete`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoredDiscrete {
    /// Deployable form.
    pub discrete: String,
    /// The same with its input module named.
    pub named: String,
    /// Its discrete score.
    pub score: f32,
}

/// The deployable space's checks on the answer, where the space is scored whole (tiny): the
/// answer finished one choice at a time, and the exhaustive argmax within the same budget.
/// Reported, not deployed: the rankers are fitted on soft mixtures (see `eval search`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiscreteChecks {
    /// The answer's discrete score.
    pub answer_score: f32,
    /// The answer finished one choice at a time.
    pub finished: ScoredDiscrete,
    /// How many changes the finish made.
    pub finish_moves: u8,
    /// The best discrete architecture within the budget.
    pub argmax: ScoredDiscrete,
    /// Architectures within the budget, each scored.
    pub scored: u32,
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
    /// The same with its input module named (`fourier/tanh64/...`; accepted as well).
    pub named: String,
    /// The deployable form's inference cost on this task.
    pub cost: Cost,
    /// The budget it was searched within (`null` limits: none).
    pub budget: Budget,
    /// The logits u*.
    pub arch: Vec<f32>,
    /// The soft mixture, group by group.
    pub soft: Vec<SoftGroup>,
    /// Nearest training tasks.
    pub nearest: Vec<NearTask>,
    /// The start the result came from.
    pub start: StartPoint,
    /// Distinct discrete architectures, best first (the first is `discrete`); empty unless a
    /// shortlist was asked for.
    pub shortlist: Vec<ShortlistEntry>,
    /// How much to trust the choice (`null` unless asked for, or when the ensemble's presets
    /// differ).
    pub confidence: Option<Confidence>,
    /// The deployable space's checks (`null` for a space too large to score whole).
    pub checks: Option<DiscreteChecks>,
    /// The exact `result` lines the firmware prints for the same inputs.
    pub golden: String,
}

/// Every group's options with their probabilities; modules by name (`zscore`, `word_bigrams`).
fn soft_groups(preset: PresetId, u: &[f32], text: bool) -> Vec<SoftGroup> {
    let layout = preset.layout();
    (0..layout.group_count())
        .filter_map(|g| {
            let (offset, len) = layout.group(g);
            let logits = u.get(offset..offset + len)?;
            let mut p = vec![0.0; len];
            softmax(logits, &mut p);
            let group = if g == 0 {
                "modules".into()
            } else if g <= layout.layers {
                format!("layer {g}")
            } else {
                format!("layer {} use/skip", g - layout.layers)
            };
            let names = (0..len).map(|i| {
                if g == 0 {
                    InputModule::at(layout.preset, i, text).name().to_owned()
                } else {
                    option_label(&layout, g, i).to_string()
                }
            });
            Some(SoftGroup { group, options: names.zip(p).collect() })
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

    /// The shape the search and the cost model see.
    pub(crate) fn shape(&self) -> TaskShape {
        match self {
            Self::Task(t, rows) => TaskShape { samples: rows.len(), ..t.shape() },
            Self::Samples(s) => s.shape(),
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

/// How many distinct discrete architectures to list beside the answer, and how far apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShortlistRequest {
    /// Candidates (0: no shortlist; at most [`archrank_core::shortlist::MAX_SHORTLIST`]).
    pub k: usize,
    /// Least number of differing choices between candidates, when enough differ so.
    pub min_distance: usize,
}

impl Default for ShortlistRequest {
    fn default() -> Self {
        Self::NONE
    }
}

impl ShortlistRequest {
    /// No shortlist.
    pub const NONE: Self = Self { k: 0, min_distance: SHORTLIST_MIN_DISTANCE };

    /// `k` candidates at the default distance.
    #[must_use]
    pub const fn of(k: usize) -> Self {
        Self { k, min_distance: SHORTLIST_MIN_DISTANCE }
    }
}

fn search_with<P: Preset>(
    ranker: &Ranker<'_, P>,
    source: SampleSource<'_>,
    budget: &Budget,
    shortlist: ShortlistRequest,
) -> Result<(SearchOutput, TaskEmbedding), SearchError> {
    // A host has the memory to convert an int8 network's integers to f32 once: the same bits
    // as the device's in-place int8 kernels, at the f32 kernels' speed.
    let mut wide = Vec::new();
    if ranker.header().quantization == Quantization::Int8 {
        wide.resize(archrank_core::network::param_count(P::ARCH_DIM), [0u8; 4]);
    }
    let ranker = &ranker.widened(&mut wide).unwrap_or_else(|| ranker.clone());
    let z = source
        .embed(ranker.network())
        .map_err(|e| SearchError::Encode { task: source.name().to_owned(), source: e })?;
    let shape = source.shape();
    let config = ranker.search_config();
    let (result, candidates) = if shortlist.k == 0 {
        (ranker.search_within(&z, &config, &shape, budget)?, heapless::Vec::new())
    } else {
        let list = ranker.shortlist_within(
            &z,
            &config,
            &shape,
            budget,
            shortlist.k,
            shortlist.min_distance,
        )?;
        (list.result, list.candidates)
    };
    let mut golden = String::new();
    // Writing into a String cannot fail.
    let request = Request { task: source.name(), samples: source.count(), shape, budget: *budget };
    let _ = write_result(&mut golden, &request, &result);
    let checks = ranker.argmax_within(&z, &shape, budget).ok().map(|exhaustive| {
        let finished = ranker.finish_within(&z, &result.discrete, &shape, budget);
        let _ = write_discrete_checks(&mut golden, &finished, &exhaustive);
        let scored = |d: &archrank_core::Discrete, score| ScoredDiscrete {
            discrete: d.to_string(),
            named: d.named(shape.text).to_string(),
            score,
        };
        let argmax = exhaustive.best.first().map_or_else(
            || scored(&finished.discrete, finished.score),
            |c| scored(&c.discrete, c.score),
        );
        DiscreteChecks {
            answer_score: ranker.network().scorer(&z).score_discrete(&result.discrete),
            finished: scored(&finished.discrete, finished.score),
            finish_moves: finished.moves,
            argmax,
            scored: exhaustive.scored,
        }
    });
    let preset = P::LAYOUT.preset;
    let output = SearchOutput {
        preset: preset.name().into(),
        task: source.name().to_owned(),
        samples: source.count(),
        score: result.score,
        discrete: result.discrete.to_string(),
        named: result.discrete.named(shape.text).to_string(),
        cost: discrete_cost(&result.discrete, &shape),
        budget: *budget,
        arch: result.arch.as_ref().to_vec(),
        soft: soft_groups(preset, result.arch.as_ref(), shape.text),
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
        shortlist: candidates
            .iter()
            .map(|c| ShortlistEntry {
                discrete: c.discrete.to_string(),
                named: c.discrete.named(shape.text).to_string(),
                score: c.score,
                discrete_score: c.discrete_score,
                cost: c.cost,
                climbed: c.climbed,
            })
            .collect(),
        confidence: None,
        checks,
        golden,
    };
    Ok((output, z))
}

/// What a search is asked for beyond the task.
#[derive(Clone, Copy, Debug, Default)]
pub struct SearchOptions<'a> {
    /// The device's limits.
    pub budget: Budget,
    /// The shortlist asked for.
    pub shortlist: ShortlistRequest,
    /// Whether to report the confidence of the choice (it scores the stored architectures on
    /// every training task, once per ranker).
    pub confidence: bool,
    /// Weights files of further rankers fitted with other seeds, of the same preset: the
    /// confidence's ensemble.
    pub ensemble: &'a [Vec<u8>],
}

/// Searches an architecture for the samples of `source` within `budget` with the weights in
/// `bytes` (either preset).
///
/// # Errors
/// An invalid weights file, samples the encoder refuses or a budget nothing fits.
pub fn search(
    bytes: &[u8],
    source: SampleSource<'_>,
    budget: &Budget,
) -> Result<SearchOutput, SearchError> {
    search_with_options(bytes, source, &SearchOptions { budget: *budget, ..Default::default() })
}

/// [`search`], with a shortlist of distinct discrete architectures (the core's
/// [`Ranker::shortlist_within`]; the answer is the same) and, when asked, the confidence of the
/// choice from the ranker and `options.ensemble`.
///
/// # Errors
/// As [`search`]; an ensemble member's invalid weights file or refused samples too.
pub fn search_with_options(
    bytes: &[u8],
    source: SampleSource<'_>,
    options: &SearchOptions<'_>,
) -> Result<SearchOutput, SearchError> {
    let primary = AnyRanker::load(bytes)?;
    let (mut output, z) = match &primary {
        AnyRanker::Tiny(r) => search_with(r, source, &options.budget, options.shortlist),
        AnyRanker::Paper(r) => search_with(r, source, &options.budget, options.shortlist),
    }?;
    if options.confidence {
        output.confidence =
            ensemble_confidence(Member { ranker: primary, z }, options.ensemble, source)?;
    }
    Ok(output)
}

/// The confidence of a choice for `source` by the ranker in `bytes` and the `ensemble` (see
/// [`confidence::confidence`]), without searching.
///
/// # Errors
/// An invalid weights file or samples an encoder refuses.
pub fn confidence_for(
    bytes: &[u8],
    ensemble: &[Vec<u8>],
    source: SampleSource<'_>,
) -> Result<Option<Confidence>, SearchError> {
    let ranker = AnyRanker::load(bytes)?;
    let z = embed_any(&ranker, source)?;
    ensemble_confidence(Member { ranker, z }, ensemble, source)
}

/// `source` embedded by `ranker`'s encoder.
fn embed_any(
    ranker: &AnyRanker<'_>,
    source: SampleSource<'_>,
) -> Result<TaskEmbedding, SearchError> {
    match ranker {
        AnyRanker::Tiny(r) => source.embed(r.network()),
        AnyRanker::Paper(r) => source.embed(r.network()),
    }
    .map_err(|e| SearchError::Encode { task: source.name().to_owned(), source: e })
}

/// The confidence of `first` (already embedded) and the rankers in `ensemble`.
fn ensemble_confidence(
    first: Member<'_>,
    ensemble: &[Vec<u8>],
    source: SampleSource<'_>,
) -> Result<Option<Confidence>, SearchError> {
    let mut members = vec![first];
    for bytes in ensemble {
        let ranker = AnyRanker::load(bytes)?;
        let z = embed_any(&ranker, source)?;
        members.push(Member { ranker, z });
    }
    Ok(confidence(&members))
}
