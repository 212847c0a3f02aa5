//! Measurement noise per task from the populate's noise runs: the seed-to-seed standard
//! deviation of validation accuracy (the paper's basis for gap = 0.01), the spread across
//! architectures against it, and the noise ceiling of any ranker (the Spearman between two seeds
//! of the same architectures).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::database::{Purpose, RunRecord};
use crate::rank_stats::{mean, spearman, std_dev};

/// Measurement noise of one task.
#[derive(Clone, Debug, Serialize)]
pub struct TaskNoise {
    /// Task name.
    pub task: String,
    /// Population runs.
    pub runs: usize,
    /// Architectures measured with more than one seed.
    pub noise_archs: usize,
    /// Mean over those architectures of the std of validation accuracy across seeds.
    pub seed_std: f64,
    /// Std of validation accuracy across the population's architectures.
    pub arch_spread: f64,
    /// arch_spread / seed_std: how far above the noise the architectures differ.
    pub spread_to_noise: f64,
    /// Spearman between two seeds of the same architectures: no ranker can beat it.
    pub noise_ceiling: f64,
}

/// Noise figures of every task with noise runs; `runs` holds each architecture's population run
/// before its noise runs (sorted by purpose, then architecture and seed).
#[must_use]
pub fn task_noise(runs: &[RunRecord]) -> Vec<TaskNoise> {
    let mut by_task: BTreeMap<&str, Vec<&RunRecord>> = BTreeMap::new();
    for r in runs {
        by_task.entry(r.key.task.as_str()).or_default().push(r);
    }
    let mut out = Vec::new();
    for (task, runs) in by_task {
        let population: Vec<&RunRecord> =
            runs.iter().copied().filter(|r| r.key.purpose == Purpose::Population).collect();
        let mut seeds: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        for r in &runs {
            seeds.entry(r.key.arch_index).or_default().push(r.val_acc);
        }
        // Population run first, then noise runs in insertion order.
        let repeated: Vec<&Vec<f64>> = seeds.values().filter(|v| v.len() >= 2).collect();
        if repeated.is_empty() {
            continue;
        }
        let seed_std = mean(&repeated.iter().map(|v| std_dev(v)).collect::<Vec<_>>());
        let first: Vec<f64> = repeated.iter().map(|v| v[0]).collect();
        let second: Vec<f64> = repeated.iter().map(|v| v[1]).collect();
        let arch_spread = std_dev(&population.iter().map(|r| r.val_acc).collect::<Vec<_>>());
        out.push(TaskNoise {
            task: task.to_owned(),
            runs: population.len(),
            noise_archs: repeated.len(),
            seed_std,
            arch_spread,
            spread_to_noise: if seed_std > 0.0 { arch_spread / seed_std } else { f64::INFINITY },
            noise_ceiling: spearman(&first, &second),
        });
    }
    out
}
