//! Measurements behind [`crate::fit::FitConfig::default`]: step time, and convergence of candidate
//! optimizer settings on synthetic tasks and on a real database. Ignored by default; each
//! prints its numbers (run with `--release -- --ignored --nocapture`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use archrank_core::{LossKind, Paper, Preset, PresetId, Tiny};

use crate::database::Database;
use crate::fit::tests::Synth;
use crate::fit::*;
use crate::rank_stats::{mean, spearman, std_dev};

/// Mean Spearman of the fitted ranker on `tasks` (against their targets).
fn mean_spearman(result: &FitResult, tasks: &[FitTask]) -> f64 {
    let total: f64 = tasks
        .iter()
        .map(|t| {
            let archs: Vec<&[f32]> = t.runs.iter().map(|r| r.arch.as_slice()).collect();
            let config = &result.config;
            let scores = predict_scores_with_params::<Tiny, _>(
                &result.params,
                config.form,
                t,
                config.inputs,
                &archs,
            )
            .unwrap();
            let x: Vec<f64> = scores.iter().map(|&v| f64::from(v)).collect();
            let y: Vec<f64> = t.runs.iter().map(|r| f64::from(r.target)).collect();
            spearman(&x, &y)
        })
        .sum();
    total / tasks.len() as f64
}

/// Measures step time and convergence of candidate defaults on 40 synthetic tasks; run with
/// `cargo test --release -p archrank-trainer measure_fit -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, prints timings"]
fn measure_fit_defaults() {
    let mut synth = Synth::new::<Tiny>(21);
    let data = synth.data::<Tiny>(40, 1024, 100);
    let held: Vec<FitTask> =
        (0..10).map(|k| synth.task::<Tiny>(&format!("held{k}"), 1024, 100)).collect();
    let steps: u32 = std::env::var("FIT_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let candidates = [
        ("sgd lr 1e-4 m 0.5 (paper)", Optimizer::Sgd, 1e-4, 0.5),
        ("sgd lr 1e-2 m 0.9", Optimizer::Sgd, 1e-2, 0.9),
        ("adam lr 1e-3", Optimizer::Adam, 1e-3, 0.5),
        ("adam lr 3e-4", Optimizer::Adam, 3e-4, 0.5),
    ];
    for loss in [LossKind::Linear, LossKind::Quadratic, LossKind::L2] {
        for (label, optimizer, lr, momentum) in candidates {
            let config = FitConfig {
                loss,
                optimizer,
                lr,
                momentum,
                steps,
                log_every: steps / 10,
                ..FitConfig::default()
            };
            let result = fit::<Tiny>(&data, &config, &|_, _| {}).unwrap();
            let curve: Vec<String> =
                result.curve.iter().map(|p| format!("{:.4}", p.loss)).collect();
            println!(
                "{loss:?} {label}: {steps} steps in {:.2} s ({:.1} us/step); loss by tenths [{}]; \
                 train Spearman {:.3}, held-out Spearman {:.3}",
                result.seconds,
                result.seconds * 1e6 / f64::from(steps),
                curve.join(", "),
                mean_spearman(&result, &data.tasks),
                mean_spearman(&result, &held),
            );
        }
    }
}

/// Leave-one-task-out Spearman on a real database, for choosing the defaults; run with
/// `ARCHRANK_DB=../data/default.sqlite FIT_RUNS="adam:1e-3:5000 sgd:1e-4:20000" cargo test
/// --release -p archrank-trainer measure_loto -- --ignored --nocapture`.
#[test]
#[ignore = "measurement on a real database, prints Spearman"]
fn measure_loto_on_database() {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_owned());
    let db = Database::open_read_only(env("ARCHRANK_DB", "../data/default.sqlite")).unwrap();
    let start = std::time::Instant::now();
    let data = load_fit_data(&db, PresetId::Tiny, Metric::ValAcc, &[], 0).unwrap();
    println!(
        "loaded {} tasks ({} skipped) in {:.2} s",
        data.tasks.len(),
        data.skipped.len(),
        start.elapsed().as_secs_f64()
    );
    let held: usize = env("FIT_HELD", "100").parse().unwrap();
    let loss = LossKind::from_name(&env("FIT_LOSS", "linear")).unwrap();
    for spec in env("FIT_RUNS", "adam:1e-3:5000").split_whitespace() {
        let parts: Vec<&str> = spec.split(':').collect();
        let config = FitConfig {
            loss,
            optimizer: <Optimizer as clap::ValueEnum>::from_str(parts[0], false).unwrap(),
            lr: parts[1].parse().unwrap(),
            steps: parts[2].parse().unwrap(),
            ..FitConfig::default()
        };
        let (mut rhos, mut seconds, mut finals) = (Vec::new(), 0.0, Vec::new());
        for task in data.tasks.iter().filter(|t| t.runs.len() >= 20).take(held) {
            let result = fit::<Tiny>(&data.without(&task.name), &config, &|_, _| {}).unwrap();
            seconds += result.seconds;
            finals.push(f64::from(result.final_loss().unwrap_or(f32::NAN)));
            rhos.push(mean_spearman(&result, std::slice::from_ref(task)));
        }
        println!(
            "{loss:?} {spec}: LOTO Spearman {:.3} +- {:.3} over {} tasks; {:.2} s per fit; final \
             train loss {:.4}",
            mean(&rhos),
            std_dev(&rhos),
            rhos.len(),
            seconds / rhos.len() as f64,
            mean(&finals)
        );
    }
}

/// Step time of the default fit for both presets on 40 synthetic tasks; run with
/// `cargo test --release -p archrank-trainer measure_step_time -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, prints timings"]
fn measure_step_time() {
    fn time<P: Preset>() {
        let mut synth = Synth::new::<P>(31);
        let data = synth.data::<P>(40, 1024, 100);
        let config = FitConfig::default();
        let result = fit::<P>(&data, &config, &|_, _| {}).unwrap();
        println!(
            "{}: {} steps in {:.2} s ({:.1} us/step), final loss {:.4}",
            P::LAYOUT.preset,
            config.steps,
            result.seconds,
            result.seconds * 1e6 / f64::from(config.steps),
            result.final_loss().unwrap_or(f32::NAN)
        );
    }
    time::<Tiny>();
    time::<Paper>();
}
