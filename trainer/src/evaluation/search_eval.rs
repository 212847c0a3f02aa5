//! The search evaluation (the paper's Table 2): for each held-out task and loss, fit on the
//! other tasks, search, train the found architecture (soft and discretized) with several child
//! seeds and report test accuracy beside the baselines.

use std::collections::BTreeMap;

use archrank_core::{Discrete, LossKind};
use rayon::prelude::*;
use serde::Serialize;

use super::RankerKind;
use super::baselines::{Baselines, RunTable, baselines};
use super::budget_eval::{
    BudgetOutcome, BudgetSummary, TaskBudget, budget_baselines, summarize_budgets, task_budget,
};
use super::error::{EvalError, Result};
use super::paired::Paired;
use crate::child::discrete_arch::spec_to_logits;
use crate::child::{ChildConfig, PreparedTask, prepare, train_child};
use crate::database::Database;
use crate::deploy::delivered::Engine;
use crate::deploy::discrete_child::ChildRows;
use crate::fit::{
    FitConfig, FitData, FitError, Storage, WeightsMeta, arch_fold, fitted_weights_bytes_for,
    task_fold,
};
use crate::rank_stats::{best_index, mean, median, std_dev};
use crate::rng::derive_seed;
use crate::search::{
    DiscreteChecks, SampleSource, SearchOptions, SearchOutput, ShortlistRequest, search,
    search_with_options,
};
use crate::task::Task;

/// What to evaluate.
#[derive(Clone, Debug)]
pub struct SearchEvalSettings {
    /// Losses to fit rankers with.
    pub losses: Vec<LossKind>,
    /// Fits per (task, loss).
    pub repeats: u32,
    /// Child seeds per found architecture.
    pub child_seeds: u32,
    /// Fit settings.
    pub base: FitConfig,
    /// How children are trained (as in the database).
    pub child: ChildConfig,
    /// Which code trains the discrete answers (the database's runs' engine).
    pub engine: Engine,
    /// Parameter budgets to search within as well (each measured apart).
    pub budgets: Vec<u32>,
    /// Shortlist sizes K to measure: the test accuracy of the candidate kept by validation
    /// among the first K of the search's shortlist, each trained with every child seed.
    pub shortlist: Vec<usize>,
    /// The shortlist's least distance between candidates.
    pub shortlist_distance: usize,
    /// How each fitted ranker is stored before it searches.
    pub storage: Storage,
    /// Architecture folds held out with each task (0: architectures shared; see
    /// [`FitData::holding_out`]).
    pub held_out_archs: u32,
}

/// The candidate kept by validation among the first K of a shortlist.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ShortlistFound {
    /// K.
    pub k: usize,
    /// Mean test accuracy of the kept candidate, over repeats and child seeds (each seed keeps
    /// its own best by validation).
    pub test_mean: f64,
    /// As [`Found::normalized_regret`].
    pub normalized_regret: f64,
    /// Candidates trained, mean over repeats: K unless the search saw fewer distinct
    /// architectures.
    pub candidates: f64,
}

/// A shortlist size's figures over tasks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ShortlistSummary {
    /// K.
    pub k: usize,
    /// Mean over tasks of [`ShortlistFound::test_mean`].
    pub test_mean: f64,
    /// Median over tasks of [`ShortlistFound::normalized_regret`].
    pub median_normalized_regret: f64,
}

/// What one loss's rankers found for one task.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Found {
    /// Mean test accuracy of the soft u* over repeats and child seeds.
    pub test_mean: f64,
    /// Its std.
    pub test_std: f64,
    /// Mean test accuracy of the discretized u*.
    pub discrete_test_mean: f64,
    /// Its std.
    pub discrete_test_std: f64,
    /// Mean predicted score of u*.
    pub predicted_score: f64,
    /// The discrete architectures found, one per repeat.
    pub discrete: Vec<String>,
    /// `(oracle - found) / (oracle - random)` on test accuracy (soft u*): 0 is the oracle, 1 a
    /// random architecture; null when the oracle is no better than random on test.
    pub normalized_regret: f64,
    /// Per shortlist size: the candidate kept by validation among the first K.
    pub shortlist: Vec<ShortlistFound>,
    /// The shortlisted architectures, one list per repeat.
    pub shortlisted: Vec<Vec<String>>,
    /// Mean test accuracy of the discretized u* finished one choice at a time on the discrete
    /// score (null where the space is too large to check).
    pub finished_test_mean: f64,
    /// Mean test accuracy of the exhaustive argmax of the discrete score.
    pub argmax_test_mean: f64,
    /// Share of repeats whose discretized u* is the exhaustive argmax.
    pub climb_is_argmax: f64,
    /// Share of repeats whose finished u* is the exhaustive argmax.
    pub finish_is_argmax: f64,
    /// Share of repeats whose discretized u* is in the task's held-out architecture fold (no
    /// training run had it); NaN with architectures shared.
    pub novel_share: f64,
}

/// One held-out task.
#[derive(Clone, Debug, Serialize)]
pub struct TaskSearch {
    /// The task.
    pub task: String,
    /// Per loss.
    pub found: BTreeMap<String, Found>,
    /// Baselines from the database runs.
    pub baselines: Baselines,
    /// Per parameter budget: what the budgeted search found and the baselines within it.
    pub budgets: Vec<TaskBudget>,
}

/// One loss's figures averaged over tasks.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FoundSummary {
    /// Mean over tasks of [`Found::test_mean`].
    pub test_mean: f64,
    /// Mean over tasks of [`Found::discrete_test_mean`].
    pub discrete_test_mean: f64,
    /// Mean over tasks of [`Found::predicted_score`].
    pub predicted_score: f64,
    /// Median over tasks of [`Found::normalized_regret`] (tasks where it is defined).
    pub median_normalized_regret: f64,
    /// Tasks where the found architecture's test accuracy beats the architecture best on
    /// average over the training tasks.
    pub tasks_above_constant_default: usize,
    /// Per shortlist size.
    pub shortlist: Vec<ShortlistSummary>,
    /// Mean over tasks of [`Found::finished_test_mean`].
    pub finished_test_mean: f64,
    /// Mean over tasks of [`Found::argmax_test_mean`].
    pub argmax_test_mean: f64,
    /// Mean over tasks of [`Found::climb_is_argmax`]: how often the climb finds the argmax.
    pub climb_is_argmax: f64,
    /// Mean over tasks of [`Found::finish_is_argmax`].
    pub finish_is_argmax: f64,
    /// Mean over tasks of [`Found::novel_share`].
    pub novel_share: f64,
}

/// Averages over tasks.
#[derive(Clone, Debug, Serialize)]
pub struct SearchSummary {
    /// Per loss name.
    pub found: BTreeMap<String, FoundSummary>,
    /// Baselines, averaged over the tasks where each is defined.
    pub baselines: Baselines,
    /// Each loss's found architecture (soft u*) against each baseline, task by task on test
    /// accuracy: `a` is the loss, `b` the baseline's key.
    pub paired: Vec<Paired>,
    /// Per parameter budget.
    pub budgets: Vec<BudgetSummary>,
}

/// The whole evaluation.
#[derive(Clone, Debug, Serialize)]
pub struct SearchEvalReport {
    /// Search space.
    pub preset: String,
    /// Architecture folds held out with each task (0: architectures shared).
    pub held_out_archs: u32,
    /// Fits per (task, loss).
    pub repeats: u32,
    /// Child seeds per found architecture.
    pub child_seeds: u32,
    /// How each fitted ranker was stored before it searched: `f32` or `int8`.
    pub quantization: String,
    /// How many values share an int8 scale (`column` or `tensor`; none for f32).
    pub scales: Option<String>,
    /// Search steps stored in each ranker (the default unless a device's cheaper search was
    /// asked for).
    pub search_steps: Option<u16>,
    /// Top architectures kept per training task (all 5 unless fewer were asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_archs: Option<usize>,
    /// Per task.
    pub tasks: Vec<TaskSearch>,
    /// Averages over tasks.
    pub summary: SearchSummary,
}

/// A held-out task ready for children: its rows to embed and its prepared features.
pub struct HeldOut<'a> {
    /// The task.
    pub task: &'a Task,
    /// Rows the search embeds (the training split).
    pub rows: &'a [usize],
    /// Its features for the soft u*'s training (a mixture).
    pub prepared: &'a PreparedTask,
    /// Its rows as the engine that trains the discrete answers reads them.
    pub child_rows: &'a ChildRows<'a>,
}

/// One fit, search and measurement of what was found.
pub struct Outcome {
    /// The loss fitted with.
    pub loss: LossKind,
    /// The weights file fitted.
    pub weights: Vec<u8>,
    /// The fitted parameters (the same network as `weights`).
    pub params: Vec<f32>,
    /// The search's answer.
    pub search: SearchOutput,
    /// Test accuracy of the soft u* per child seed.
    pub soft_tests: Vec<f64>,
    /// Test accuracy of the discretized u* per child seed.
    pub discrete_tests: Vec<f64>,
    /// The shortlist's candidates (the first is the discretized u*), each with its
    /// (validation, test) accuracy per child seed.
    pub shortlist: Vec<(String, Vec<(f64, f64)>)>,
    /// The fit's loss curve: (step, loss).
    pub curve: Vec<(u32, f32)>,
    /// Per parameter budget, the budgeted search's discrete architecture and its training.
    pub budgeted: Vec<BudgetOutcome>,
    /// Test accuracy per child seed of the finished u* (empty where the space is too large to
    /// check).
    pub finished_tests: Vec<f64>,
    /// Test accuracy per child seed of the exhaustive argmax (empty likewise).
    pub argmax_tests: Vec<f64>,
}

/// Fits a ranker with `loss` on `train_data`, searches for `held`, and trains the soft and the
/// discretized u* with `settings.child_seeds` seeds each.
///
/// # Errors
/// Fit or search errors.
pub fn find_and_measure(
    held: &HeldOut<'_>,
    train_data: &FitData,
    loss: LossKind,
    seed: u64,
    settings: &SearchEvalSettings,
    database_hash: &str,
    note: &str,
) -> Result<Outcome> {
    let fitted = RankerKind::Loss(loss).fit(train_data, &settings.base, seed)?;
    let meta = WeightsMeta { database_hash, note, created_unix: 0 };
    let weights = settings
        .storage
        .apply(fitted_weights_bytes_for(train_data, &fitted, &meta)?)
        .map_err(FitError::Unloadable)?;
    let request = ShortlistRequest {
        k: settings.shortlist.iter().copied().max().unwrap_or(0),
        min_distance: settings.shortlist_distance,
    };
    let options = SearchOptions { shortlist: request, ..SearchOptions::default() };
    let found = search_with_options(&weights, SampleSource::Task(held.task, held.rows), &options)?;
    let child_seed = |s: u32| derive_seed(&[0x6576_616C, seed, u64::from(s)]);
    let soft_runs = |u: &[f32]| -> Vec<(f64, f64)> {
        (0..settings.child_seeds)
            .into_par_iter()
            .map(|s| {
                let o = train_child(held.prepared, u, &settings.child, child_seed(s));
                (o.validation_accuracy, o.test_accuracy)
            })
            .collect()
    };
    // A discrete answer is trained as the database's runs were: exactly its network, by their
    // engine.
    let runs = |spec: &str| -> Result<Vec<(f64, f64)>> {
        let layout = train_data.preset.layout();
        let arch = Discrete::from_logits(&layout, &spec_to_logits(spec, train_data.preset)?);
        (0..settings.child_seeds)
            .into_par_iter()
            .map(|s| {
                let o = held.child_rows.train(&arch, &settings.child, child_seed(s));
                o.map(|o| (o.validation_accuracy, o.test_accuracy)).map_err(EvalError::Child)
            })
            .collect()
    };
    let tests = |r: &[(f64, f64)]| r.iter().map(|&(_, t)| t).collect::<Vec<f64>>();
    let soft_tests = tests(&soft_runs(&found.arch));
    let discrete_runs = runs(&found.discrete)?;
    let discrete_tests = tests(&discrete_runs);
    let mut shortlist = Vec::with_capacity(found.shortlist.len());
    for c in &found.shortlist {
        let measured =
            if c.discrete == found.discrete { discrete_runs.clone() } else { runs(&c.discrete)? };
        shortlist.push((c.discrete.clone(), measured));
    }
    // The deployable space's checks, trained like the answer (each architecture once).
    let (mut finished_tests, mut argmax_tests) = (Vec::new(), Vec::new());
    if let Some(checks) = &found.checks {
        let mut trained: Vec<(String, Vec<f64>)> =
            vec![(found.discrete.clone(), discrete_tests.clone())];
        for (spec, out) in [
            (&checks.finished.discrete, &mut finished_tests),
            (&checks.argmax.discrete, &mut argmax_tests),
        ] {
            *out = match trained.iter().find(|(d, _)| d == spec) {
                Some((_, t)) => t.clone(),
                None => tests(&runs(spec)?),
            };
            trained.push((spec.clone(), out.clone()));
        }
    }
    let mut budgeted = Vec::with_capacity(settings.budgets.len());
    for &max_params in &settings.budgets {
        let budget = archrank_core::Budget { max_params: Some(max_params), ..Default::default() };
        let within = match search(&weights, SampleSource::Task(held.task, held.rows), &budget) {
            Ok(within) => within,
            // Nothing of the preset fits this task within the budget: no result to measure.
            Err(crate::search::SearchError::Budget(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        budgeted.push(BudgetOutcome {
            max_params,
            discrete: within.discrete.clone(),
            params: within.cost.params,
            tests: tests(&runs(&within.discrete)?),
        });
    }
    Ok(Outcome {
        budgeted,
        finished_tests,
        argmax_tests,
        loss,
        weights,
        search: found,
        soft_tests,
        discrete_tests,
        shortlist,
        curve: fitted.curve.iter().map(|p| (p.step, p.loss)).collect(),
        params: fitted.params,
    })
}

/// Runs the search evaluation over `held_out`; `progress` is called once per finished
/// (task, loss, repeat).
///
/// # Errors
/// Database, fit or search errors.
pub fn run_search_eval(
    db: &Database,
    data: &FitData,
    table: &RunTable,
    held_out: &[String],
    settings: &SearchEvalSettings,
    progress: &(dyn Fn() + Sync),
) -> Result<SearchEvalReport> {
    let hash = db.database_hash()?;
    let mut tasks = Vec::new();
    for name in held_out {
        let (task, split) = db.task_split(name)?;
        let prepared = prepare(&task, &split, &data.preset.layout(), &settings.child);
        let child_rows = ChildRows::new(settings.engine, &task, &split, &prepared, &settings.child)
            .map_err(EvalError::Child)?;
        let train_data = data
            .holding_out(name, settings.held_out_archs)
            .ok_or_else(|| EvalError::UnknownTask(name.clone()))?
            .0;
        let held_fold = task_fold(name, settings.held_out_archs);
        // Whether a discrete answer is in the held-out fold: no training run had it.
        let novel = |spec: &str| -> f64 {
            let u = spec_to_logits(spec, data.preset).unwrap_or_default();
            f64::from(u8::from(arch_fold(&u, settings.held_out_archs) == held_fold))
        };
        let jobs: Vec<(LossKind, u32)> = settings
            .losses
            .iter()
            .flat_map(|&l| (0..settings.repeats).map(move |r| (l, r)))
            .collect();
        let outcomes: Vec<Result<Outcome>> = jobs
            .par_iter()
            .map(|&(loss, repeat)| {
                let seed = settings.base.seed + u64::from(repeat);
                let note = format!("search evaluation, {name} held out");
                let held = HeldOut {
                    task: &task,
                    rows: &split.train,
                    prepared: &prepared,
                    child_rows: &child_rows,
                };
                let outcome =
                    find_and_measure(&held, &train_data, loss, seed, settings, &hash, &note)?;
                progress();
                Ok(outcome)
            })
            .collect();
        let outcomes: Vec<Outcome> = outcomes.into_iter().collect::<Result<_>>()?;
        let nearest =
            outcomes.first().and_then(|o| o.search.nearest.first().map(|n| n.task.clone()));
        let training: Vec<String> = train_data.tasks.iter().map(|t| t.name.clone()).collect();
        let baselines = baselines(table, name, &training, nearest.as_deref());
        let mut found = BTreeMap::new();
        for loss in &settings.losses {
            let mine: Vec<&Outcome> = outcomes.iter().filter(|o| o.loss == *loss).collect();
            let soft: Vec<f64> = mine.iter().flat_map(|o| o.soft_tests.iter().copied()).collect();
            let disc: Vec<f64> =
                mine.iter().flat_map(|o| o.discrete_tests.iter().copied()).collect();
            let test_mean = mean(&soft);
            let shortlist = settings
                .shortlist
                .iter()
                .map(|&k| {
                    let kept: Vec<f64> =
                        mine.iter().flat_map(|o| kept_tests(&o.shortlist, k)).collect();
                    let test_mean = mean(&kept);
                    let trained: Vec<f64> =
                        mine.iter().map(|o| o.shortlist.len().min(k) as f64).collect();
                    ShortlistFound {
                        k,
                        test_mean,
                        normalized_regret: normalized_regret(test_mean, &baselines),
                        candidates: mean(&trained),
                    }
                })
                .collect();
            found.insert(
                loss.name().to_owned(),
                Found {
                    test_mean,
                    test_std: std_dev(&soft),
                    discrete_test_mean: mean(&disc),
                    discrete_test_std: std_dev(&disc),
                    predicted_score: mean(
                        &mine.iter().map(|o| f64::from(o.search.score)).collect::<Vec<_>>(),
                    ),
                    discrete: mine.iter().map(|o| o.search.discrete.clone()).collect(),
                    normalized_regret: normalized_regret(test_mean, &baselines),
                    shortlist,
                    shortlisted: mine
                        .iter()
                        .map(|o| o.shortlist.iter().map(|(d, _)| d.clone()).collect())
                        .collect(),
                    finished_test_mean: mean(
                        &mine
                            .iter()
                            .flat_map(|o| o.finished_tests.iter().copied())
                            .collect::<Vec<_>>(),
                    ),
                    argmax_test_mean: mean(
                        &mine
                            .iter()
                            .flat_map(|o| o.argmax_tests.iter().copied())
                            .collect::<Vec<_>>(),
                    ),
                    novel_share: if settings.held_out_archs == 0 {
                        f64::NAN
                    } else {
                        mean(&mine.iter().map(|o| novel(&o.search.discrete)).collect::<Vec<_>>())
                    },
                    climb_is_argmax: share(&mine, |o, c| o.search.discrete == c.argmax.discrete),
                    finish_is_argmax: share(&mine, |_, c| c.finished.discrete == c.argmax.discrete),
                },
            );
        }
        let layout = data.preset.layout();
        let labelled: Vec<(String, &BudgetOutcome)> = outcomes
            .iter()
            .flat_map(|o| o.budgeted.iter().map(move |b| (o.loss.name().to_owned(), b)))
            .collect();
        let budgets = settings
            .budgets
            .iter()
            .map(|&max_params| {
                let budget =
                    archrank_core::Budget { max_params: Some(max_params), ..Default::default() };
                let own = table.get(name).cloned().unwrap_or_default();
                let b = budget_baselines(&own, &layout, &task.shape(), &budget);
                task_budget(max_params, &labelled, b)
            })
            .collect();
        tasks.push(TaskSearch { task: name.clone(), found, baselines, budgets });
    }
    Ok(SearchEvalReport {
        held_out_archs: settings.held_out_archs,
        preset: data.preset.name().to_owned(),
        repeats: settings.repeats,
        child_seeds: settings.child_seeds,
        quantization: settings.storage.quantization.name().to_owned(),
        scales: settings.storage.scales_name().map(str::to_owned),
        search_steps: settings.storage.search_steps,
        top_archs: settings.storage.top_archs,
        summary: summarize(&tasks, settings.base.seed),
        tasks,
    })
}

/// Share of `outcomes` with the deployable space's checks for which `holds` holds (NaN when none
/// has them).
fn share(outcomes: &[&Outcome], holds: impl Fn(&Outcome, &DiscreteChecks) -> bool) -> f64 {
    let checked: Vec<f64> = outcomes
        .iter()
        .filter_map(|o| o.search.checks.as_ref().map(|c| f64::from(u8::from(holds(o, c)))))
        .collect();
    mean(&checked)
}

/// Per child seed, the test accuracy of the candidate with the best validation accuracy among
/// the first `k` of `shortlist` trained with that seed (ties: the earlier candidate).
#[must_use]
pub fn kept_tests(shortlist: &[(String, Vec<(f64, f64)>)], k: usize) -> Vec<f64> {
    let seeds = shortlist.first().map_or(0, |(_, runs)| runs.len());
    (0..seeds)
        .filter_map(|s| {
            let runs: Vec<(f64, f64)> =
                shortlist.iter().take(k).filter_map(|(_, runs)| runs.get(s).copied()).collect();
            let validation: Vec<f64> = runs.iter().map(|r| r.0).collect();
            best_index(&validation).and_then(|i| runs.get(i)).map(|r| r.1)
        })
        .collect()
}

/// `(oracle - found) / (oracle - random)`: how much of the room between a random architecture
/// and the task's best database run the found one leaves; NaN when there is no such room (the
/// oracle, chosen by validation, is no better on test than a random architecture).
#[must_use]
pub fn normalized_regret(found: f64, b: &Baselines) -> f64 {
    let room = b.oracle - b.random;
    if room > 1e-12 { (b.oracle - found) / room } else { f64::NAN }
}

fn summarize(tasks: &[TaskSearch], seed: u64) -> SearchSummary {
    let losses: Vec<String> =
        tasks.first().map(|t| t.found.keys().cloned().collect()).unwrap_or_default();
    // Each baseline's value per task, in the order of `Baselines::named`.
    let keys = Baselines::default().named().map(|b| b.key);
    let columns: Vec<Vec<f64>> = (0..keys.len())
        .map(|i| {
            tasks.iter().map(|t| t.baselines.named().get(i).map_or(f64::NAN, |b| b.value)).collect()
        })
        .collect();
    let mut paired = Vec::new();
    for loss in &losses {
        let found: Vec<f64> =
            tasks.iter().map(|t| t.found.get(loss).map_or(f64::NAN, |f| f.test_mean)).collect();
        for (key, baseline) in keys.iter().zip(&columns) {
            paired.push(Paired::new(loss, key, &found, baseline, seed));
        }
    }
    // The deployable space's checks against the discretized answer they start from.
    for loss in &losses {
        let column = |f: fn(&Found) -> f64| -> Vec<f64> {
            tasks.iter().map(|t| t.found.get(loss).map_or(f64::NAN, f)).collect()
        };
        let discrete = column(|f| f.discrete_test_mean);
        let name = format!("{loss} discrete");
        for (what, values) in [
            ("finished", column(|f| f.finished_test_mean)),
            ("argmax", column(|f| f.argmax_test_mean)),
        ] {
            paired.push(Paired::new(&format!("{loss} {what}"), &name, &values, &discrete, seed));
        }
    }
    // Each shortlist size against the best of K random trainings and the oracle.
    let sizes: Vec<usize> = tasks
        .first()
        .and_then(|t| t.found.values().next())
        .map(|f| f.shortlist.iter().map(|s| s.k).collect())
        .unwrap_or_default();
    for loss in &losses {
        for (i, k) in sizes.iter().enumerate() {
            let kept: Vec<f64> = tasks
                .iter()
                .map(|t| {
                    t.found
                        .get(loss)
                        .and_then(|f| f.shortlist.get(i))
                        .map_or(f64::NAN, |s| s.test_mean)
                })
                .collect();
            for (key, baseline) in keys.iter().zip(&columns) {
                if matches!(*key, "best_of_5" | "best_of_10" | "best_of_25" | "oracle") {
                    let name = format!("{loss} shortlist_{k}");
                    paired.push(Paired::new(&name, key, &kept, baseline, seed));
                }
            }
        }
    }
    let found = losses
        .into_iter()
        .map(|loss| {
            let get = |f: fn(&Found) -> f64| {
                mean(&tasks.iter().filter_map(|t| t.found.get(&loss).map(f)).collect::<Vec<_>>())
            };
            let regrets: Vec<f64> = tasks
                .iter()
                .filter_map(|t| t.found.get(&loss).map(|f| f.normalized_regret))
                .collect();
            let summary = FoundSummary {
                test_mean: get(|f| f.test_mean),
                discrete_test_mean: get(|f| f.discrete_test_mean),
                predicted_score: get(|f| f.predicted_score),
                median_normalized_regret: median(&regrets),
                tasks_above_constant_default: tasks
                    .iter()
                    .filter(|t| {
                        t.found
                            .get(&loss)
                            .is_some_and(|f| f.test_mean > t.baselines.constant_default)
                    })
                    .count(),
                shortlist: sizes
                    .iter()
                    .enumerate()
                    .map(|(i, &k)| {
                        let per_task = |f: fn(&ShortlistFound) -> f64| -> Vec<f64> {
                            tasks
                                .iter()
                                .filter_map(|t| {
                                    t.found.get(&loss).and_then(|x| x.shortlist.get(i)).map(f)
                                })
                                .collect()
                        };
                        ShortlistSummary {
                            k,
                            test_mean: mean(&per_task(|s| s.test_mean)),
                            median_normalized_regret: median(&per_task(|s| s.normalized_regret)),
                        }
                    })
                    .collect(),
                finished_test_mean: get(|f| f.finished_test_mean),
                argmax_test_mean: get(|f| f.argmax_test_mean),
                climb_is_argmax: get(|f| f.climb_is_argmax),
                finish_is_argmax: get(|f| f.finish_is_argmax),
                novel_share: get(|f| f.novel_share),
            };
            (loss, summary)
        })
        .collect();
    let all: Vec<Baselines> = tasks.iter().map(|t| t.baselines.clone()).collect();
    let per_task: Vec<&[TaskBudget]> = tasks.iter().map(|t| t.budgets.as_slice()).collect();
    SearchSummary {
        found,
        baselines: Baselines::mean_of(&all),
        paired,
        budgets: summarize_budgets(&per_task, seed),
    }
}
