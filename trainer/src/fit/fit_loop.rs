//! The training loop: seeded initialisation, then per step one task, a batch of its samples for
//! z, pairs (or single runs, for L2) of its runs, the loss and an optimizer step.

use std::time::Instant;

use archrank_core::{LossKind, Preset, PresetId, with_preset};

use super::backprop::{SampleBatch, StepBatch, loss_and_gradient};
use super::error::{FitError, Result};
use super::fit_config::FitConfig;
use super::fit_data::FitData;
use super::network_params::init_params;
use super::optimizer::OptimizerState;
use crate::rng::{Rng, derive_seed};

/// One point of the loss curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossPoint {
    /// Steps taken so far.
    pub step: u32,
    /// Mean training loss over the steps since the previous point.
    pub loss: f32,
}

/// A fitted ranking network.
#[derive(Clone, Debug, PartialEq)]
pub struct FitResult {
    /// The search space.
    pub preset: PresetId,
    /// Parameters in the core's storage order.
    pub params: Vec<f32>,
    /// The training loss, every `log_every` steps.
    pub curve: Vec<LossPoint>,
    /// The settings it was fitted with.
    pub config: FitConfig,
    /// The training tasks, in the data's order.
    pub tasks: Vec<String>,
    /// Wall-clock seconds of the loop.
    pub seconds: f64,
}

impl FitResult {
    /// The last point of the loss curve.
    #[must_use]
    pub fn final_loss(&self) -> Option<f32> {
        self.curve.last().map(|p| p.loss)
    }
}

/// Fits a ranking network for preset `P` on `data`; `progress(step, loss)` is called at every
/// point of the loss curve.
///
/// # Errors
///
/// A setting out of range, data of another preset or metric, a task without samples or with
/// fewer than two runs, an architecture of the wrong length, or a loss that stops being finite.
pub fn fit<P: Preset>(
    data: &FitData,
    config: &FitConfig,
    progress: &dyn Fn(u32, f32),
) -> Result<FitResult> {
    config.validate()?;
    check_data::<P>(data, config)?;
    let start = Instant::now();
    let mut params = init_params::<P>(derive_seed(&[config.seed, 0x1A17]), config.form);
    let mut grad = vec![0.0; params.len()];
    let mut optimizer =
        OptimizerState::new(config.optimizer, config.lr, config.momentum, params.len());
    let mut rng = Rng::new(derive_seed(&[config.seed, 0x57E9]));
    let mut order: Vec<Vec<usize>> =
        data.tasks.iter().map(|t| (0..t.samples.len()).collect()).collect();
    let mut curve = Vec::new();
    let (mut window, mut window_steps) = (0.0f64, 0u32);
    let same_task = config.inputs.set && config.same_task_weight > 0.0 && data.tasks.len() > 1;
    // What each task's targets are measured from: L2 (centered) regresses a run's standing
    // within its task; the ranking losses read differences, which no offset changes.
    let centered = config.loss == LossKind::L2 && config.l2_centered;
    let offsets: Vec<f32> = data
        .tasks
        .iter()
        .map(|t| {
            let sum: f64 = t.runs.iter().map(|r| f64::from(r.target)).sum();
            if centered { (sum / t.runs.len().max(1) as f64) as f32 } else { 0.0 }
        })
        .collect();
    for step in 0..config.steps {
        let t = rng.below(data.tasks.len());
        let (Some(task), Some(rows)) = (data.tasks.get(t), order.get_mut(t)) else {
            return Err(FitError::NoTasks);
        };
        // A partial Fisher-Yates shuffle: a uniform draw without replacement; the "same task?"
        // loss's second batch is the next draw, disjoint from the first where the task allows.
        let b = config.batch_samples.min(rows.len());
        let drawn = if same_task { (2 * b).min(rows.len()) } else { b };
        rng.shuffle_front(rows, drawn);
        let samples = SampleBatch { task, rows: rows[..b].to_vec() };
        let mut pair = None;
        if same_task {
            let rest = if drawn > b { rows[b..drawn].to_vec() } else { rows[..b].to_vec() };
            let other_index = {
                let j = rng.below(data.tasks.len() - 1);
                if j >= t { j + 1 } else { j }
            };
            if let (Some(other), Some(other_rows)) =
                (data.tasks.get(other_index), order.get_mut(other_index))
            {
                let ob = config.batch_samples.min(other_rows.len());
                rng.shuffle_front(other_rows, ob);
                pair = Some((
                    SampleBatch { task, rows: rest },
                    SampleBatch { task: other, rows: other_rows[..ob].to_vec() },
                ));
            }
        }
        let mut batch =
            StepBatch { samples, archs: Vec::new(), targets: Vec::new(), same_task: pair };
        let runs = &task.runs;
        let offset = offsets.get(t).copied().unwrap_or(0.0);
        let mut push = |i: usize| {
            if let Some(r) = runs.get(i) {
                batch.archs.push(r.arch.as_slice());
                batch.targets.push(r.target - offset);
            }
        };
        for _ in 0..config.pairs {
            let i = rng.below(runs.len());
            push(i);
            if config.loss != LossKind::L2 {
                let j = rng.below(runs.len() - 1);
                push(if j >= i { j + 1 } else { j });
            }
        }
        let loss = loss_and_gradient::<P>(&params, &batch, config, &mut grad)?;
        if !(loss.is_finite() && grad.iter().all(|g| g.is_finite())) {
            return Err(FitError::Diverged { step, task: task.name.clone() });
        }
        optimizer.step(&mut params, &grad);
        window += f64::from(loss);
        window_steps += 1;
        if (step + 1) % config.log_every == 0 || step + 1 == config.steps {
            let point =
                LossPoint { step: step + 1, loss: (window / f64::from(window_steps)) as f32 };
            progress(point.step, point.loss);
            curve.push(point);
            (window, window_steps) = (0.0, 0);
        }
    }
    Ok(FitResult {
        preset: P::LAYOUT.preset,
        params,
        curve,
        config: *config,
        tasks: data.task_names(),
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// [`fit`] for the data's preset.
///
/// # Errors
///
/// As [`fit`].
pub fn fit_preset(
    data: &FitData,
    config: &FitConfig,
    progress: &dyn Fn(u32, f32),
) -> Result<FitResult> {
    with_preset!(data.preset, P => fit::<P>(data, config, progress))
}

fn check_data<P: Preset>(data: &FitData, config: &FitConfig) -> Result<()> {
    if data.preset != P::LAYOUT.preset {
        return Err(FitError::PresetMismatch { data: data.preset, fit: P::LAYOUT.preset });
    }
    if data.metric != config.metric {
        return Err(FitError::MetricMismatch {
            data: data.metric.name(),
            fit: config.metric.name(),
        });
    }
    if data.tasks.is_empty() {
        return Err(FitError::NoTasks);
    }
    let bad = |t: &super::fit_data::FitTask, problem: String| {
        Err(FitError::BadTask { task: t.name.clone(), problem })
    };
    for t in &data.tasks {
        if t.samples.is_empty() {
            return bad(t, "has no encoded samples".into());
        }
        if t.runs.len() < 2 {
            return bad(t, "has fewer than two runs".into());
        }
        if let Some(r) = t.runs.iter().find(|r| r.arch.len() != P::ARCH_DIM) {
            return bad(
                t,
                format!(
                    "has an architecture of length {}, preset {} needs {}",
                    r.arch.len(),
                    P::LAYOUT.preset,
                    P::ARCH_DIM
                ),
            );
        }
        if !t.runs.iter().all(|r| r.target.is_finite()) {
            return bad(t, "has a non-finite target".into());
        }
    }
    Ok(())
}
