//! The markdown report with SVG figures: the paper's figures for our database — Spearman per
//! task and loss, predicted against actual accuracy for a held-out task, fit loss curves, a
//! task's run-accuracy histogram (Fig. 3), the ranking losses against v_i - v_j (Fig. 4) and the
//! task embeddings of 10 batches per task by PCA (Fig. 6) and t-SNE (Fig. 5).

use std::fmt::Write as _;
use std::path::Path;

use archrank_core::{LossKind, Network, Preset, RankerForm, with_preset};
use rayon::prelude::*;

use super::error::{EvalError, Result};
use super::projection::{pca_2d, tsne_2d};
use super::svg_plot::{bars, histogram, lines, scatter};
use super::{LotoReport, RankerKind};
use crate::fit::{
    FitConfig, FitData, FitResult, SampleBatch, TaskInputs, embedding, hinge, le_params,
    score_task_runs, set_forward,
};
use crate::rank_stats::spearman;
use crate::rng::{Rng, derive_seed};

/// A report being written: markdown text and the SVG files beside it.
pub struct Report {
    markdown: String,
    files: Vec<(String, String)>,
}

impl Report {
    /// A report titled `title`.
    #[must_use]
    pub fn new(title: &str) -> Self {
        Self { markdown: format!("# {title}\n\n"), files: Vec::new() }
    }

    /// Appends markdown text.
    pub fn text(&mut self, text: &str) {
        self.markdown.push_str(text);
        self.markdown.push_str("\n\n");
    }

    /// Adds a figure (an SVG file and its caption).
    pub fn figure(&mut self, file: &str, caption: &str, svg: String) {
        let _ = write!(self.markdown, "![{caption}]({file})\n\n*{caption}*\n\n");
        self.files.push((file.to_owned(), svg));
    }

    /// Writes `report.md` and the figures into `dir` (each file atomically).
    ///
    /// # Errors
    /// I/O errors.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (name, svg) in &self.files {
            crate::atomic_file::write(&dir.join(name), svg.as_bytes())?;
        }
        crate::atomic_file::write(&dir.join("report.md"), self.markdown.as_bytes())
    }
}

/// Predicted scores and measured targets of `held`'s runs, by a network given as parameters
/// (reading what a device reads).
#[must_use]
pub fn held_out_scores(
    params: &[f32],
    form: RankerForm,
    data: &FitData,
    held: &str,
) -> Option<(Vec<f64>, Vec<f64>)> {
    let task = data.task(held)?;
    let scores = score_task_runs(data.preset, params, form, task, TaskInputs::PRODUCT)?;
    Some((
        scores.iter().map(|&s| f64::from(s)).collect(),
        task.runs.iter().map(|r| f64::from(r.target)).collect(),
    ))
}

/// Predicted score against measured target for a held-out task, with its Spearman.
#[must_use]
pub fn predicted_vs_actual(task: &str, loss: &str, predicted: &[f64], actual: &[f64]) -> String {
    let rho = spearman(predicted, actual);
    let points: Vec<(f64, f64)> = predicted.iter().copied().zip(actual.iter().copied()).collect();
    scatter(
        &format!("{task} (held out), {loss} ranker: Spearman {rho:.3}"),
        "predicted score",
        "validation accuracy",
        &[(String::new(), points)],
    )
}

/// The fits' loss curves.
#[must_use]
pub fn loss_curves(fits: &[(String, &FitResult)]) -> String {
    let series: Vec<(String, Vec<(f64, f64)>)> = fits
        .iter()
        .map(|(name, f)| {
            (name.clone(), f.curve.iter().map(|p| (f64::from(p.step), f64::from(p.loss))).collect())
        })
        .collect();
    lines("Training loss of the ranker", "step", "mean loss", &series)
}

/// The linear and quadratic ranking losses against v_i - v_j (the paper's Figure 4).
#[must_use]
pub fn pairwise_loss_shapes(margin: f32) -> String {
    let xs: Vec<f64> = (0..=120).map(|i| -0.6 + f64::from(i) * 0.01).collect();
    // The fit's own hinge, so the figure shows the loss that is trained.
    let curve =
        |kind| xs.iter().map(|&d| (d, f64::from(hinge(kind, margin, d as f32).0))).collect();
    let (linear, quadratic) = (curve(LossKind::Linear), curve(LossKind::Quadratic));
    lines(
        &format!("Ranking losses for p_i - p_j > gap (margin {margin})"),
        "v_i - v_j",
        "loss",
        &[("linear".into(), linear), ("quadratic".into(), quadratic)],
    )
}

/// Spearman per task and ranker from a leave-one-task-out report.
#[must_use]
pub fn spearman_per_task(report: &LotoReport) -> String {
    let tasks: Vec<String> = report.tasks.iter().map(|t| t.task.clone()).collect();
    let series: Vec<(String, Vec<f64>)> = report
        .summary
        .keys()
        .map(|k| {
            let v = report
                .tasks
                .iter()
                .map(|t| t.results.get(k).map_or(f64::NAN, |r| r.spearman_mean))
                .collect();
            (k.clone(), v)
        })
        .collect();
    bars("Leave-one-task-out Spearman per task", "Spearman", &tasks, &series)
}

fn embeddings_of<P: Preset>(
    params: &[f32],
    form: RankerForm,
    data: &FitData,
    batches: usize,
    batch: usize,
    seed: u64,
) -> Vec<(String, Vec<Vec<f64>>)> {
    let le = le_params(params);
    let Some(net) = Network::<P>::from_params(&le, form) else { return Vec::new() };
    data.tasks
        .iter()
        .enumerate()
        .map(|(ti, t)| {
            let mut rng = Rng::new(derive_seed(&[seed, ti as u64]));
            let zs = (0..batches)
                .map(|_| {
                    let n = t.samples.len();
                    let rows = (0..batch.min(n)).map(|_| rng.below(n)).collect();
                    let set = set_forward(&net, &SampleBatch { task: t, rows });
                    embedding(t, &set.summary, TaskInputs::PRODUCT)
                        .iter()
                        .map(|&v| f64::from(v))
                        .collect()
                })
                .collect();
            (t.name.clone(), zs)
        })
        .collect()
}

/// Task embeddings of `batches` random batches per task, projected by PCA and t-SNE.
#[must_use]
pub fn embedding_figures(
    params: &[f32],
    form: RankerForm,
    data: &FitData,
    batches: usize,
    batch: usize,
    seed: u64,
) -> (String, String) {
    let per_task = with_preset!(data.preset, P => embeddings_of::<P>(params, form, data, batches, batch, seed));
    let points: Vec<Vec<f64>> = per_task.iter().flat_map(|(_, zs)| zs.iter().cloned()).collect();
    let regroup = |proj: Vec<(f64, f64)>| -> Vec<(String, Vec<(f64, f64)>)> {
        let mut it = proj.into_iter();
        per_task
            .iter()
            .map(|(name, zs)| (name.clone(), it.by_ref().take(zs.len()).collect()))
            .collect()
    };
    let pca = scatter(
        &format!("Task embeddings, {batches} batches per task (PCA)"),
        "PC 1",
        "PC 2",
        &regroup(pca_2d(&points)),
    );
    let tsne = scatter(
        &format!("Task embeddings, {batches} batches per task (t-SNE)"),
        "t-SNE 1",
        "t-SNE 2",
        &regroup(tsne_2d(&points, 30.0, 500, seed)),
    );
    (pca, tsne)
}

/// Builds the full report: fits one ranker per loss without `held`, compares them on it, and
/// draws every figure; `loto` adds the per-task Spearman chart.
///
/// # Errors
/// Fit errors or a held-out task missing from `data`.
pub fn full_report(
    data: &FitData,
    held: &str,
    base: &FitConfig,
    loto: Option<&LotoReport>,
) -> Result<Report> {
    if data.task(held).is_none() {
        return Err(EvalError::UnknownTask(held.to_owned()));
    }
    let train = data.without(held);
    let fits: Vec<(LossKind, FitResult)> = LossKind::ALL
        .par_iter()
        .map(|&loss| Ok((loss, RankerKind::Loss(loss).fit(&train, base, base.seed)?)))
        .collect::<Result<_>>()?;
    let mut report = Report::new(&format!(
        "archrank report: {} preset, {} tasks",
        data.preset,
        data.tasks.len()
    ));
    report.text(&format!(
        "Rankers fitted on {} tasks with `{}` held out ({} steps, {} optimizer, lr {}, margin {}, gap {}).",
        train.tasks.len(),
        held,
        base.steps,
        base.optimizer.name(),
        base.lr,
        base.margin,
        base.gap
    ));
    if let Some(l) = loto {
        report.figure(
            "spearman_per_task.svg",
            "Leave-one-task-out Spearman per task and ranker",
            spearman_per_task(l),
        );
    }
    let mut rows = String::from(
        "| loss | Spearman on the held-out task | final training loss |\n|---|---:|---:|\n",
    );
    for (loss, fit) in &fits {
        if let Some((pred, actual)) = held_out_scores(&fit.params, fit.config.form, data, held) {
            let _ = writeln!(
                rows,
                "| {} | {:.3} | {:.4} |",
                loss.name(),
                spearman(&pred, &actual),
                fit.final_loss().unwrap_or(f32::NAN)
            );
            let name = format!("predicted_vs_actual_{}.svg", loss.name());
            report.figure(
                &name,
                &format!(
                    "Predicted score against validation accuracy, {held}, {} loss",
                    loss.name()
                ),
                predicted_vs_actual(held, loss.name(), &pred, &actual),
            );
        }
    }
    report.text(&rows);
    let named: Vec<(String, &FitResult)> =
        fits.iter().map(|(l, f)| (l.name().to_owned(), f)).collect();
    report.figure("loss_curves.svg", "Training loss curves", loss_curves(&named));
    if let Some(task) = data.task(held) {
        let accs: Vec<f64> = task.runs.iter().map(|r| f64::from(r.target)).collect();
        report.figure(
            "histogram.svg",
            &format!(
                "Validation accuracy of the {} runs of {held} (cf. the paper's Figure 3)",
                accs.len()
            ),
            histogram(&format!("{held}: {} runs", accs.len()), "validation accuracy", &accs, 20),
        );
    }
    report.figure(
        "pairwise_losses.svg",
        "Linear and quadratic ranking losses (cf. Figure 4)",
        pairwise_loss_shapes(base.margin),
    );
    if let Some((_, linear)) = fits.iter().find(|(l, _)| *l == LossKind::Linear) {
        let (pca, tsne) =
            embedding_figures(&linear.params, base.form, data, 10, base.batch_samples, base.seed);
        report.figure(
            "embeddings_pca.svg",
            "Task embeddings of 10 batches per task, PCA (cf. Figure 6)",
            pca,
        );
        report.figure(
            "embeddings_tsne.svg",
            "Task embeddings of 10 batches per task, t-SNE (cf. Figure 5)",
            tsne,
        );
    }
    Ok(report)
}
