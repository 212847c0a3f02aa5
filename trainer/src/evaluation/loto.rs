//! Leave one task out (the paper's Tables 1 and 4): for every held-out task and ranker, fit on
//! the other tasks, score every database run of the held-out task and correlate the scores with
//! the measured metric; mean and std over repeats with different seeds.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use archrank_core::{AnyRanker, LossKind, TaskEmbedding};

use super::RankerKind;
use super::error::{EvalError, Result};
use super::paired::Paired;
use crate::fit::{
    FitConfig, FitData, FitError, Storage, TaskInputs, WeightsMeta, fitted_weights_bytes_for,
    score_task_runs, scores_for, task_embedding, task_fold,
};
use crate::rank_stats::{kendall, mean, pearson, spearman, std_dev};
use crate::search::SearchError;
use crate::search::confidence::{Confidence, Member, confidence};

/// What to evaluate.
#[derive(Clone, Debug)]
pub struct LotoSettings {
    /// Rankers to compare.
    pub kinds: Vec<RankerKind>,
    /// Fits per (task, ranker), with seeds `base.seed + r`.
    pub repeats: u32,
    /// Fit settings shared by all rankers.
    pub base: FitConfig,
    /// How each ranker with a weights file is stored before it scores the held-out runs.
    pub storage: Storage,
    /// Architecture folds held out with each task ([`FitData::holding_out`]): the held-out task
    /// is scored on architectures no training task ran; 0 scores it on all its runs.
    pub arch_folds: u32,
}

/// Rank correlations of predicted scores with measured performance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Correlations {
    /// Spearman's rho.
    pub spearman: f64,
    /// Pearson's r.
    pub pearson: f64,
    /// Kendall's tau-b.
    pub kendall: f64,
}

/// One ranker on one held-out task, over repeats.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RankerResult {
    /// Mean Spearman over repeats.
    pub spearman_mean: f64,
    /// Std of Spearman over repeats.
    pub spearman_std: f64,
    /// Mean Pearson.
    pub pearson_mean: f64,
    /// Std of Pearson.
    pub pearson_std: f64,
    /// Mean Kendall tau.
    pub kendall_mean: f64,
    /// Std of Kendall tau.
    pub kendall_std: f64,
    /// Every repeat.
    pub repeats: Vec<Correlations>,
}

impl RankerResult {
    fn from_repeats(repeats: Vec<Correlations>) -> Self {
        let pick = |f: fn(&Correlations) -> f64| repeats.iter().map(f).collect::<Vec<_>>();
        let (s, p, k) = (pick(|c| c.spearman), pick(|c| c.pearson), pick(|c| c.kendall));
        Self {
            spearman_mean: mean(&s),
            spearman_std: std_dev(&s),
            pearson_mean: mean(&p),
            pearson_std: std_dev(&p),
            kendall_mean: mean(&k),
            kendall_std: std_dev(&k),
            repeats,
        }
    }
}

/// One held-out task.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TaskResult {
    /// The task.
    pub task: String,
    /// Its runs scored.
    pub runs: usize,
    /// Spearman between two seeds of the same architectures, when noise runs exist.
    pub noise_ceiling: Option<f64>,
    /// Per ranker name.
    pub results: BTreeMap<String, RankerResult>,
    /// Per learned ranker: the confidence of its repeats (the ensemble) on this task, computed
    /// without its runs.
    #[serde(default)]
    pub confidence: BTreeMap<String, Confidence>,
}

/// Realized Spearman in one quartile of the confidence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceQuartile {
    /// 1 (least confident) to 4.
    pub quartile: usize,
    /// Least confidence in it.
    pub low: f64,
    /// Most confidence in it.
    pub high: f64,
    /// Its tasks.
    pub tasks: usize,
    /// Mean realized Spearman of its tasks.
    pub spearman_mean: f64,
}

/// How well the confidence predicted the realized Spearman, over tasks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceSummary {
    /// Spearman between the confidence and the realized per-task Spearman.
    pub spearman: f64,
    /// ... between the first member's confidence alone (no ensemble) and it.
    pub first_member_spearman: f64,
    /// ... between the novelty alone and it (expected negative).
    pub novelty_spearman: f64,
    /// ... between the ensemble's agreement alone and it.
    pub agreement_spearman: f64,
    /// ... between the ensemble's top-5 overlap alone and it.
    pub top_agreement_spearman: f64,
    /// ... between the spread of the scores alone and it.
    pub score_spread_spearman: f64,
    /// Realized Spearman by confidence quartile.
    pub quartiles: Vec<ConfidenceQuartile>,
}

/// A ranker's figures averaged over tasks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Mean over tasks of the per-task mean Spearman.
    pub spearman_mean: f64,
    /// Std over tasks of the per-task mean Spearman.
    pub spearman_std_over_tasks: f64,
    /// Mean over tasks of the per-task mean Pearson.
    pub pearson_mean: f64,
    /// Mean over tasks of the per-task mean Kendall.
    pub kendall_mean: f64,
    /// Tasks where it beat the task-agnostic ranker (when both were run).
    pub wins_over_agnostic: Option<usize>,
    /// For a learned ranker: how well its confidence predicted its realized Spearman.
    #[serde(default)]
    pub confidence: Option<ConfidenceSummary>,
}

/// The whole evaluation.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LotoReport {
    /// Search space.
    pub preset: String,
    /// Ranking target.
    pub metric: String,
    /// Repeats per task and ranker.
    pub repeats: u32,
    /// Fit steps per ranker.
    pub steps: u32,
    /// How the rankers with a weights file were stored: `f32` or `int8`.
    #[serde(default = "f32_name")]
    pub quantization: String,
    /// How many values share an int8 scale (`column` or `tensor`; none for f32).
    #[serde(default)]
    pub scales: Option<String>,
    /// Architecture folds held out with each task (0: every architecture shared; see
    /// [`LotoSettings::arch_folds`]).
    #[serde(default)]
    pub arch_folds: u32,
    /// Per held-out task.
    pub tasks: Vec<TaskResult>,
    /// Per ranker, averaged over tasks.
    pub summary: BTreeMap<String, Summary>,
    /// Mean noise ceiling over tasks that have one.
    pub mean_noise_ceiling: Option<f64>,
    /// Every ranker against each of the baselines [`PAIRED_BASELINES`] it was run beside:
    /// per-task Spearman differences with a bootstrap interval over tasks.
    #[serde(default)]
    pub paired: Vec<Paired>,
    /// The default ranker's (linear loss) Spearman between confidence and realized Spearman.
    #[serde(default)]
    pub confidence_spearman: Option<f64>,
}

impl LotoReport {
    /// Reads `eval loto --json` output.
    ///
    /// # Errors
    /// An unreadable file, or one that is not such output, named.
    pub fn read(path: &std::path::Path) -> anyhow::Result<Self> {
        use anyhow::Context as _;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not `eval loto --json` output", path.display()))
    }
}

/// The storage of results written before quantization existed.
pub(crate) fn f32_name() -> String {
    archrank_core::Quantization::F32.name().to_owned()
}

/// Fewest runs a held-out task is ranked on (a rank correlation over fewer says nothing).
pub const MIN_SCORED_RUNS: usize = 5;

/// The rankers every other ranker is compared with, task by task.
pub const PAIRED_BASELINES: [RankerKind; 3] =
    [RankerKind::MetaFeatures, RankerKind::Agnostic, RankerKind::Loss(LossKind::L2)];

/// Runs leave-one-task-out over `held_out` (each must be in `data`); `noise` gives each task's
/// noise ceiling; `progress` is called once per finished fit. Parallel over fits.
///
/// # Errors
/// A fit's error, or a held-out task missing from `data`.
pub fn run_loto(
    data: &FitData,
    held_out: &[String],
    settings: &LotoSettings,
    noise: &BTreeMap<String, f64>,
    progress: &(dyn Fn() + Sync),
) -> Result<LotoReport> {
    if let Some(t) = held_out.iter().find(|t| data.task(t).is_none()) {
        return Err(EvalError::UnknownTask(t.clone()));
    }
    // Held-out architectures: a task whose fold holds too few of its runs to rank is left out.
    let scorable = |t: &&String| {
        settings.arch_folds == 0
            || data.task(t).is_some_and(|ft| {
                let fold = task_fold(t, settings.arch_folds);
                ft.runs.iter().filter(|r| r.fold(settings.arch_folds) == fold).count()
                    >= MIN_SCORED_RUNS
            })
    };
    let held_out: Vec<String> = held_out.iter().filter(scorable).cloned().collect();
    let held_out = held_out.as_slice();
    let jobs: Vec<(&String, RankerKind, u32)> = held_out
        .iter()
        .flat_map(|t| {
            settings.kinds.iter().flat_map(move |&k| (0..settings.repeats).map(move |r| (t, k, r)))
        })
        .collect();
    let outcomes: Vec<Result<Evaluated>> = jobs
        .par_iter()
        .map(|&(task, kind, repeat)| {
            let seed = settings.base.seed + u64::from(repeat);
            let result = evaluate_one(data, task, kind, settings, seed);
            progress();
            result
        })
        .collect();
    type PerKind = BTreeMap<String, Vec<Evaluated>>;
    let mut per_task: BTreeMap<&String, PerKind> = BTreeMap::new();
    for ((task, kind, _), outcome) in jobs.iter().zip(outcomes) {
        per_task.entry(task).or_default().entry(kind.name().to_owned()).or_default().push(outcome?);
    }
    let tasks: Vec<TaskResult> = held_out
        .iter()
        .map(|t| {
            let kinds = per_task.remove(t).unwrap_or_default();
            let confidence = kinds
                .iter()
                .filter_map(|(k, reps)| match ensemble_confidence(reps) {
                    Ok(c) => c.map(|c| Ok((k.clone(), c))),
                    Err(e) => Some(Err(e)),
                })
                .collect::<Result<_>>()?;
            Ok(TaskResult {
                task: t.clone(),
                runs: data.holding_out(t, settings.arch_folds).map_or(0, |(_, h)| h.runs.len()),
                noise_ceiling: noise.get(t).copied(),
                results: kinds
                    .into_iter()
                    .map(|(k, reps)| {
                        (
                            k,
                            RankerResult::from_repeats(
                                reps.iter().map(|e| e.correlations).collect(),
                            ),
                        )
                    })
                    .collect(),
                confidence,
            })
        })
        .collect::<Result<_>>()?;
    let ceilings: Vec<f64> = tasks.iter().filter_map(|t| t.noise_ceiling).collect();
    let summary = summarize(&tasks, &settings.kinds);
    let confidence_spearman = summary
        .get(LossKind::Linear.name())
        .and_then(|s| s.confidence.as_ref())
        .map(|c| c.spearman);
    Ok(LotoReport {
        preset: data.preset.name().to_owned(),
        metric: data.metric.name().to_owned(),
        repeats: settings.repeats,
        steps: settings.base.steps,
        quantization: settings.storage.quantization.name().to_owned(),
        scales: settings.storage.scales_name().map(str::to_owned),
        arch_folds: settings.arch_folds,
        summary,
        confidence_spearman,
        paired: paired_comparisons(&tasks, &settings.kinds, settings.base.seed),
        tasks,
        mean_noise_ceiling: (!ceilings.is_empty()).then(|| mean(&ceilings)),
    })
}

/// Each ranker of `kinds` against each of [`PAIRED_BASELINES`] that was run, on per-task mean
/// Spearman.
fn paired_comparisons(tasks: &[TaskResult], kinds: &[RankerKind], seed: u64) -> Vec<Paired> {
    let spearmans = |kind: RankerKind| -> Vec<f64> {
        tasks
            .iter()
            .map(|t| t.results.get(kind.name()).map_or(f64::NAN, |r| r.spearman_mean))
            .collect()
    };
    let mut out = Vec::new();
    for &b in PAIRED_BASELINES.iter().filter(|b| kinds.contains(b)) {
        for &a in kinds.iter().filter(|&&a| a != b) {
            out.push(Paired::new(a.name(), b.name(), &spearmans(a), &spearmans(b), seed));
        }
    }
    out
}

fn summarize(tasks: &[TaskResult], kinds: &[RankerKind]) -> BTreeMap<String, Summary> {
    let mut out = BTreeMap::new();
    for kind in kinds {
        let name = kind.name();
        let get = |f: fn(&RankerResult) -> f64| -> Vec<f64> {
            tasks.iter().filter_map(|t| t.results.get(name).map(f)).collect()
        };
        let spearmans = get(|r| r.spearman_mean);
        let wins = tasks
            .iter()
            .map(|t| match (t.results.get(name), t.results.get("agnostic")) {
                (Some(a), Some(b)) => Some(usize::from(a.spearman_mean > b.spearman_mean)),
                _ => None,
            })
            .sum::<Option<usize>>();
        out.insert(
            name.to_owned(),
            Summary {
                spearman_mean: mean(&spearmans),
                spearman_std_over_tasks: std_dev(&spearmans),
                pearson_mean: mean(&get(|r| r.pearson_mean)),
                kendall_mean: mean(&get(|r| r.kendall_mean)),
                wins_over_agnostic: if name == "agnostic" { None } else { wins },
                confidence: tasks
                    .iter()
                    .any(|t| t.confidence.contains_key(name))
                    .then(|| confidence_summary(tasks, name)),
            },
        );
    }
    out
}

/// One fit's correlations and, for a ranker that reads what a device reads, its weights file and
/// its embedding of the held-out task (a member of the task's confidence ensemble).
pub struct Evaluated {
    /// The correlations.
    pub correlations: Correlations,
    /// The weights file and the task's embedding.
    pub member: Option<(Vec<u8>, TaskEmbedding)>,
}

/// The confidence of the repeats of one ranker on one task (those with a weights file).
fn ensemble_confidence(repeats: &[Evaluated]) -> Result<Option<Confidence>> {
    let members: Vec<Member<'_>> = repeats
        .iter()
        .filter_map(|e| e.member.as_ref())
        .map(|(bytes, z)| {
            AnyRanker::load(bytes).map(|ranker| Member { ranker, z: *z }).map_err(SearchError::from)
        })
        .collect::<Result<_, _>>()?;
    Ok(confidence(&members))
}

/// How well ranker `name`'s confidence predicted its realized Spearman over `tasks`.
fn confidence_summary(tasks: &[TaskResult], name: &str) -> ConfidenceSummary {
    let rows: Vec<(Confidence, f64)> = tasks
        .iter()
        .filter_map(|t| Some((*t.confidence.get(name)?, t.results.get(name)?.spearman_mean)))
        .filter(|(_, s)| s.is_finite())
        .collect();
    let realized: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let against = |f: fn(&Confidence) -> f64| {
        spearman(&rows.iter().map(|r| f(&r.0)).collect::<Vec<_>>(), &realized)
    };
    let mut by_value = rows.clone();
    by_value.sort_by(|a, b| a.0.value.total_cmp(&b.0.value));
    let n = by_value.len();
    let quartiles = (0..4)
        .filter_map(|q| {
            let part = by_value.get(q * n / 4..(q + 1) * n / 4).filter(|p| !p.is_empty())?;
            Some(ConfidenceQuartile {
                quartile: q + 1,
                low: part.first()?.0.value,
                high: part.last()?.0.value,
                tasks: part.len(),
                spearman_mean: mean(&part.iter().map(|r| r.1).collect::<Vec<_>>()),
            })
        })
        .collect();
    ConfidenceSummary {
        spearman: against(|c| c.value),
        first_member_spearman: against(|c| c.first_member),
        novelty_spearman: against(|c| c.novelty),
        agreement_spearman: against(|c| c.agreement.unwrap_or(f64::NAN)),
        top_agreement_spearman: against(|c| c.top_agreement.unwrap_or(f64::NAN)),
        score_spread_spearman: against(|c| c.score_spread),
        quartiles,
    }
}

/// Fits `kind` without `task` (and without its architecture fold, when `settings` holds
/// architectures out) on `data` and correlates its scores of `task`'s runs (of that fold) with
/// their targets. A ranker reading what a device reads is scored through its weights file,
/// stored as `settings` says (exactly what a device computes); the controls through their
/// parameters.
///
/// # Errors
/// The fit's errors.
pub fn evaluate_one(
    data: &FitData,
    task: &str,
    kind: RankerKind,
    settings: &LotoSettings,
    seed: u64,
) -> Result<Evaluated> {
    let (base, storage) = (&settings.base, &settings.storage);
    let (train, held) = data
        .holding_out(task, settings.arch_folds)
        .ok_or_else(|| EvalError::UnknownTask(task.to_owned()))?;
    let held = &held;
    let fitted = kind.fit(&train, base, seed)?;
    let config = &fitted.config;
    let (scores, member) = if matches!(kind, RankerKind::Loss(_))
        && config.inputs == TaskInputs::PRODUCT
    {
        let meta = WeightsMeta { database_hash: "", note: "leave-one-task-out", created_unix: 0 };
        let bytes = storage
            .apply(fitted_weights_bytes_for(&train, &fitted, &meta)?)
            .map_err(FitError::Unloadable)?;
        let archs: Vec<&[f32]> = held.runs.iter().map(|r| r.arch.as_slice()).collect();
        let (scores, z) = match AnyRanker::load(&bytes).map_err(SearchError::from)? {
            AnyRanker::Tiny(r) => file_scores(r.network(), held, &archs),
            AnyRanker::Paper(r) => file_scores(r.network(), held, &archs),
        };
        (scores, Some((bytes, z)))
    } else {
        let scores = score_task_runs(data.preset, &fitted.params, config.form, held, config.inputs)
            .ok_or(FitError::ParamCount {
                expected: archrank_core::network::param_count(data.preset.layout().arch_dim()),
                found: fitted.params.len(),
            })?;
        (scores, None)
    };
    let predicted: Vec<f64> = scores.iter().map(|&s| f64::from(s)).collect();
    let actual: Vec<f64> = held.runs.iter().map(|r| f64::from(r.target)).collect();
    let correlations = Correlations {
        spearman: spearman(&predicted, &actual),
        pearson: pearson(&predicted, &actual),
        kendall: kendall(&predicted, &actual),
    };
    Ok(Evaluated { correlations, member })
}

/// The scores of `archs` for `task` by a weights file's network, and the task's embedding.
fn file_scores<P: archrank_core::Preset>(
    net: &archrank_core::Network<'_, P>,
    task: &crate::fit::FitTask,
    archs: &[&[f32]],
) -> (Vec<f32>, TaskEmbedding) {
    let z = task_embedding(net, task, TaskInputs::PRODUCT);
    (scores_for(net, &z, archs), z)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_confidence_summary_correlates_and_splits_into_quartiles() {
        // Eight tasks whose realized Spearman rises with the confidence, except one swap.
        let realized = [0.1, 0.2, 0.4, 0.3, 0.5, 0.6, 0.7, 0.8];
        let tasks: Vec<TaskResult> = realized
            .iter()
            .enumerate()
            .map(|(i, &s)| TaskResult {
                task: format!("t{i}"),
                runs: 10,
                noise_ceiling: None,
                results: BTreeMap::from([(
                    "linear".to_owned(),
                    RankerResult { spearman_mean: s, ..Default::default() },
                )]),
                confidence: BTreeMap::from([(
                    "linear".to_owned(),
                    Confidence { value: i as f64 / 8.0, novelty: 1.0, ..Default::default() },
                )]),
            })
            .collect();
        let c = confidence_summary(&tasks, "linear");
        assert!((c.spearman - (1.0 - 6.0 * 2.0 / (8.0 * 63.0))).abs() < 1e-12, "{c:?}");
        assert!(
            c.novelty_spearman == 0.0 || c.novelty_spearman.is_nan(),
            "a constant part correlates with nothing"
        );
        assert_eq!(c.quartiles.len(), 4);
        assert_eq!(c.quartiles.iter().map(|q| q.tasks).sum::<usize>(), 8);
        assert!((c.quartiles[0].spearman_mean - 0.15).abs() < 1e-12);
        assert!((c.quartiles[3].spearman_mean - 0.75).abs() < 1e-12);
        assert!((c.quartiles[1].low - 0.25).abs() < 1e-12);
    }
}
