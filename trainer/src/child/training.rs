//! Training one child: Adam on mini-batches, a step-floored budget and early stopping on
//! validation accuracy; the recorded performance is that of the best validation epoch.

use std::time::Instant;

use super::adam::Adam;
use super::child_config::ChildConfig;
use super::metrics::{MetricCounts, Metrics};
use super::mixing::Mixing;
use super::mixture_network::{Network, Workspace};
use super::prepared::PreparedTask;
use crate::rng::{Rng, derive_seed};

/// Seed tag of a child's weight initialization.
const INIT_TAG: u64 = 0x696E_6974;
/// Seed tag of a child's batch order.
const SHUFFLE_TAG: u64 = 0x7368_7566;

/// What one child's training measured, at the epoch of best validation accuracy.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChildOutcome {
    /// Validation accuracy at the best epoch: the performance p the ranker learns.
    pub validation_accuracy: f64,
    /// Test accuracy of the weights of the best epoch.
    pub test_accuracy: f64,
    /// Validation balanced accuracy (mean per-class recall) at the best epoch.
    pub validation_balanced_accuracy: f64,
    /// Test balanced accuracy of the weights of the best epoch.
    pub test_balanced_accuracy: f64,
    /// Validation cross-entropy at the best epoch.
    pub validation_cross_entropy: f64,
    /// The best epoch (1-based).
    pub best_epoch: usize,
    /// Epochs run (possibly fewer than the budget after early stopping).
    pub epochs: usize,
    /// Optimizer steps taken.
    pub steps: usize,
    /// Training rows the child was fitted on.
    pub train_rows: usize,
    /// Wall-clock seconds (the only field that differs between identical runs).
    pub seconds: f64,
}

/// Epochs of the budget for `train_rows` rows: `max(E, ceil(min_steps / steps_per_epoch))`.
#[must_use]
pub fn planned_epochs(config: &ChildConfig, train_rows: usize) -> usize {
    config.schedule().planned_epochs(train_rows)
}

/// Metrics of the network on prepared rows `range`.
fn evaluate(
    net: &Network,
    ws: &mut Workspace,
    prepared: &PreparedTask,
    mix: &Mixing,
    range: std::ops::Range<usize>,
    batch: usize,
    rows_buf: &mut Vec<usize>,
) -> Metrics {
    let c = net.classes();
    let mut counts = MetricCounts::new(c);
    let mut start = range.start;
    while start < range.end {
        let end = (start + batch).min(range.end);
        rows_buf.clear();
        rows_buf.extend(start..end);
        let m = net.predict(ws, prepared, mix, rows_buf);
        for (probs, &r) in ws.probs.chunks_exact(c).take(m).zip(rows_buf.iter()) {
            counts.add(probs, prepared.labels.get(r).copied().unwrap_or(0));
        }
        start = end;
    }
    counts.metrics()
}

/// Trains the child of architecture `u` on a prepared task and reports its best-epoch metrics.
///
/// Deterministic: the same prepared task, u, config and seed give the same outcome, bit for bit,
/// except `seconds`. Training stops early when the loss stops being finite.
#[must_use]
pub fn train_child(
    prepared: &PreparedTask,
    u: &[f32],
    config: &ChildConfig,
    seed: u64,
) -> ChildOutcome {
    train_mixed(prepared, &Mixing::from_logits(prepared.layout(), u), config, seed).0
}

/// Trains the child mixed by `mix` (as [`train_child`]) and returns its best-epoch network too.
#[must_use]
pub fn train_mixed(
    prepared: &PreparedTask,
    mix: &Mixing,
    config: &ChildConfig,
    seed: u64,
) -> (ChildOutcome, Network) {
    let start_time = Instant::now();
    let layout = prepared.layout();
    let mut init_rng = Rng::new(derive_seed(&[seed, INIT_TAG]));
    let mut net =
        Network::new(layout, prepared.input_width(), prepared.classes(), mix, &mut init_rng);
    let batch = config.batch_size.max(1);
    let mut ws = Workspace::new(&net, batch);
    let mut adam = Adam::new(net.params.len(), config.learning_rate);
    let live = net.live_ranges(mix);
    let mut order: Vec<usize> = prepared.train.clone().collect();
    let mut shuffle_rng = Rng::new(derive_seed(&[seed, SHUFFLE_TAG]));
    let mut rows_buf: Vec<usize> = Vec::with_capacity(batch);
    let epochs = planned_epochs(config, order.len());
    // Without validation rows (a refit: `ChildConfig::refit`, which never stops early) epochs
    // are judged on the training rows.
    let refit = prepared.validation.is_empty();
    // Metrics of the current weights on a range of prepared rows (training, validation or test).
    let evaluate_on = |net: &Network, ws: &mut Workspace, rows, buf: &mut Vec<usize>| {
        evaluate(net, ws, prepared, mix, rows, batch, buf)
    };

    let mut best_params = net.params.clone();
    let mut best: Option<(Metrics, usize)> = None;
    let mut steps = 0;
    let mut epochs_run = 0;
    let mut diverged = false;
    for epoch in 1..=epochs {
        if order.is_empty() || steps >= config.max_steps {
            break;
        }
        shuffle_rng.shuffle(&mut order);
        for chunk in order.chunks(batch) {
            if steps >= config.max_steps {
                break;
            }
            let loss = net.loss_and_gradient(&mut ws, prepared, mix, chunk);
            if !loss.is_finite() {
                diverged = true;
                break;
            }
            adam.step_within(&mut net.params, &ws.grads, &live);
            steps += 1;
        }
        if diverged {
            break;
        }
        epochs_run = epoch;
        // The epoch kept is the most accurate on the validation rows, the later on ties, as the
        // core's training keeps it (a small validation part ties often, and the earlier epoch has
        // learned less). Without validation rows (a refit) it is the one that fits the training
        // rows best, the later on ties, as the core's refit does: at a constant step size an epoch
        // can end far from where the run was.
        let judged_on = if refit { prepared.train.clone() } else { prepared.validation.clone() };
        let judged = evaluate_on(&net, &mut ws, judged_on, &mut rows_buf);
        let improves = best.is_none_or(|(b, _)| judged.accuracy >= b.accuracy);
        if improves {
            best = Some((judged, epoch));
            best_params.copy_from_slice(&net.params);
        }
        let best_epoch = best.map_or(0, |(_, e)| e);
        if steps >= config.min_steps && epoch - best_epoch >= config.patience.max(1) {
            break;
        }
    }
    net.params.copy_from_slice(&best_params);
    let (val, best_epoch) = match best {
        Some(b) if !refit => b,
        _ => {
            let epoch = best.map_or(0, |(_, e)| e);
            (evaluate_on(&net, &mut ws, prepared.validation.clone(), &mut rows_buf), epoch)
        }
    };
    let test = evaluate_on(&net, &mut ws, prepared.test.clone(), &mut rows_buf);
    let outcome = ChildOutcome {
        validation_accuracy: val.accuracy,
        test_accuracy: test.accuracy,
        validation_balanced_accuracy: val.balanced_accuracy,
        test_balanced_accuracy: test.balanced_accuracy,
        validation_cross_entropy: val.cross_entropy,
        best_epoch,
        epochs: epochs_run,
        steps,
        train_rows: prepared.train_rows(),
        seconds: start_time.elapsed().as_secs_f64(),
    };
    (outcome, net)
}

#[cfg(test)]
mod tests {
    use archrank_core::dims::{Preset, Tiny};

    use super::*;
    use crate::child::prepared::prepare;
    use crate::task::{Features, Split, Task};

    /// The training-row accuracy of a refit (no validation rows) of `epochs` epochs at a step
    /// size large enough for Adam to wander, and the epoch it kept.
    fn refit_fit(epochs: usize) -> (f64, usize) {
        let rows = 160;
        let mut rng = Rng::new(5);
        let labels: Vec<u32> = (0..rows).map(|i| (i % 3) as u32).collect();
        let values =
            labels.iter().flat_map(|&y| [y as f32 + rng.normal() as f32, rng.normal() as f32]);
        let task = Task {
            name: "overlapping".into(),
            class_names: vec!["a".into(), "b".into(), "c".into()],
            labels: labels.clone(),
            features: Features::Numeric {
                columns: vec!["x".into(), "y".into()],
                values: values.collect(),
            },
        };
        let split = Split { train: (0..rows).collect(), validation: Vec::new(), test: Vec::new() };
        let config =
            ChildConfig { learning_rate: 0.3, max_train_rows: None, ..ChildConfig::default() }
                .refit(epochs);
        let prepared = prepare(&task, &split, &Tiny::LAYOUT, &config);
        let mix = Mixing::from_logits(prepared.layout(), &[0.0; Tiny::ARCH_DIM]);
        let (outcome, net) = train_mixed(&prepared, &mix, &config, 11);
        let mut ws = Workspace::new(&net, config.batch_size);
        let fit =
            evaluate(&net, &mut ws, &prepared, &mix, prepared.train.clone(), 64, &mut Vec::new());
        (fit.accuracy, outcome.best_epoch)
    }

    #[test]
    fn a_refit_keeps_its_epoch_that_fits_the_training_rows_best() {
        let fits: Vec<(f64, usize)> = (1..=12).map(refit_fit).collect();
        // A run of k epochs is the first k epochs of a longer one, so each refit's fit is the
        // best of its epochs': never worse with more epochs, and the kept epoch's own fit.
        assert!(fits.windows(2).all(|w| w[1].0 >= w[0].0), "{fits:?}");
        for &(fit, kept) in &fits {
            assert_eq!(fits[kept - 1].0, fit, "{fits:?}");
        }
        // Some epoch ended below an earlier one (keeping the last would fail the first check).
        assert!(fits.iter().zip(1..).any(|(&(_, kept), k)| kept < k), "{fits:?}");
        // And some later epoch tied the best so far: the later is kept (keeping the earlier, the
        // kept epoch would stay put while the best fit does).
        assert!(
            fits.windows(2).any(|w| w[1].0 == w[0].0 && w[1].1 > w[0].1),
            "no tie taken by the later epoch: {fits:?}"
        );
    }

    #[test]
    fn a_run_keeps_the_later_of_its_epochs_tied_on_validation() {
        // Classes far apart: every epoch classifies all validation rows, so each ties with the
        // first and the run keeps the last (each tie restarts the patience).
        let rows = 150;
        let mut rng = Rng::new(5);
        let labels: Vec<u32> = (0..rows).map(|i| (i % 3) as u32).collect();
        let values: Vec<f32> = labels
            .iter()
            .flat_map(|&y| [10.0 * y as f32 + 0.1 * rng.normal() as f32, 0.1 * rng.normal() as f32])
            .collect();
        let task = Task {
            name: "apart".into(),
            class_names: vec!["a".into(), "b".into(), "c".into()],
            labels,
            features: Features::Numeric { columns: vec!["x".into(), "y".into()], values },
        };
        let split = Split {
            train: (0..120).collect(),
            validation: (120..rows).collect(),
            test: Vec::new(),
        };
        let config = ChildConfig {
            epochs: 12,
            min_steps: 0,
            patience: 2,
            learning_rate: 0.01,
            max_train_rows: None,
            ..ChildConfig::default()
        };
        let prepared = prepare(&task, &split, &Tiny::LAYOUT, &config);
        let mix = Mixing::from_logits(prepared.layout(), &[0.0; Tiny::ARCH_DIM]);
        let (outcome, _) = train_mixed(&prepared, &mix, &config, 11);
        assert_eq!(outcome.validation_accuracy, 1.0, "{outcome:?}");
        assert_eq!((outcome.best_epoch, outcome.epochs), (12, 12), "{outcome:?}");
    }

    #[test]
    fn budget_has_a_step_floor() {
        let config = ChildConfig::default();
        // 100 rows: 2 steps per epoch -> 150 epochs for 300 steps.
        assert_eq!(planned_epochs(&config, 100), 150);
        // 10_000 rows: 157 steps per epoch -> the 20 epochs dominate.
        assert_eq!(planned_epochs(&config, 10_000), 20);
    }
}
