#![allow(clippy::unwrap_used)]

use std::string::ToString;
use std::vec::Vec;

use super::*;
use crate::dims::{Paper, Preset, Tiny};
use crate::space::architecture::softmax_groups;

fn tiny(spec: &str) -> Discrete {
    Discrete::parse(PresetId::Tiny, spec).unwrap()
}

const NUMERIC: TaskShape = TaskShape { features: 4, classes: 3, text: false, samples: 100 };

#[test]
fn a_discrete_cost_counted_by_hand() {
    // zscore: 4 raw values, 4 x 64 projection; 64 -> 16; skip; 16 -> 8; 8 -> 3.
    let cost = discrete_cost(&tiny("m0/relu16/skip/tanh8"), &NUMERIC);
    assert_eq!(cost.params, (64 * 16 + 16) + (16 * 8 + 8) + (8 * 3 + 3));
    assert_eq!(cost.macs, 4 * 64 + 64 * 16 + 16 * 8 + 8 * 3);
    assert_eq!(cost.ram_bytes, 4 * (64 + 16));
    // A text bag passes whole through the skips: the classifier alone is a linear model on it,
    // and a layer after skips reads it whole too.
    let text = TaskShape { features: 0, classes: 2, text: true, samples: 100 };
    let cost = discrete_cost(&tiny("m1/skip/skip/skip"), &text);
    assert_eq!(cost.params, 4096 * 2 + 2);
    assert_eq!(cost.macs, 4096 * 2);
    assert_eq!(cost.ram_bytes, 4 * (4096 + 2));
    let cost = discrete_cost(&tiny("m1/skip/relu8/skip"), &text);
    assert_eq!(cost.params, (4096 * 8 + 8) + (8 * 2 + 2));
    assert_eq!(cost.ram_bytes, 4 * (4096 + 8));
}

/// Every discrete architecture of the tiny preset.
fn all_tiny() -> Vec<Discrete> {
    let layout = Tiny::LAYOUT;
    let options = layout.bases() + 1;
    let mut out = Vec::new();
    for m in 0..layout.modules {
        for code in 0..options.pow(layout.layers as u32) {
            let mut layers = heapless::Vec::new();
            let mut c = code;
            for _ in 0..layout.layers {
                let o = c % options;
                c /= options;
                let choice =
                    if o == 0 { LayerChoice::Skip } else { LayerChoice::Base(o as u8 - 1) };
                let _ = layers.push(choice);
            }
            out.push(Discrete { preset: PresetId::Tiny, module: m as u8, layers });
        }
    }
    out
}

/// The probability of `arch` under the per-group softmax `soft`.
fn probability(layout: &Layout, soft: &[f32], arch: &Discrete) -> f64 {
    let mut p = f64::from(soft[usize::from(arch.module)]);
    for (l, choice) in arch.layers.iter().enumerate() {
        let us = layout.use_skip_offset(l);
        p *= match choice {
            LayerChoice::Skip => f64::from(soft[us + 1]),
            LayerChoice::Base(b) => {
                f64::from(soft[us]) * f64::from(soft[layout.base_offset(l) + usize::from(*b)])
            }
        };
    }
    p
}

fn soft_of(layout: &Layout, seed: u32) -> Vec<f32> {
    let u: Vec<f32> = (0..layout.arch_dim())
        .map(|i| {
            (((i as u32).wrapping_mul(2_654_435_761) ^ seed.wrapping_mul(40_503)) % 1000) as f32
                / 250.0
                - 2.0
        })
        .collect();
    let mut soft = std::vec![0.0; u.len()];
    softmax_groups(layout, &u, &mut soft);
    soft
}

#[test]
fn expected_params_and_macs_are_the_expectation_over_every_discrete_architecture() {
    let layout = Tiny::LAYOUT;
    for (seed, task) in
        [(1, NUMERIC), (2, TaskShape { features: 30, classes: 7, text: true, samples: 100 })]
    {
        let soft = soft_of(&layout, seed);
        let (mut params, mut macs) = (0.0_f64, 0.0_f64);
        for arch in all_tiny() {
            let p = probability(&layout, &soft, &arch);
            let cost = discrete_cost(&arch, &task);
            params += p * f64::from(cost.params);
            macs += p * f64::from(cost.macs);
        }
        let expected = ExpectedCost::new(&layout, &soft, &task);
        assert!(
            (f64::from(expected.params) - params).abs() < 1e-3 * params,
            "{expected:?} {params}"
        );
        assert!((f64::from(expected.macs) - macs).abs() < 1e-3 * macs);
    }
}

#[test]
fn expected_cost_of_a_one_hot_architecture_is_its_discrete_cost() {
    let layout = Tiny::LAYOUT;
    for arch in all_tiny().iter().step_by(37) {
        let mut soft = std::vec![0.0; layout.arch_dim()];
        arch.write_logits(&mut soft, 1.0);
        let expected = ExpectedCost::new(&layout, &soft, &NUMERIC);
        let cost = discrete_cost(arch, &NUMERIC);
        assert_eq!(expected.params, cost.params as f32, "{arch}");
        assert_eq!(expected.macs, cost.macs as f32, "{arch}");
        assert_eq!(expected.ram_bytes, cost.ram_bytes as f32, "{arch}");
        assert_eq!(expected.train_ram_bytes, cost.train_ram_bytes as f32, "{arch}");
    }
}

#[test]
fn the_gradient_matches_finite_differences() {
    for (layout, task) in [
        (Tiny::LAYOUT, NUMERIC),
        (Paper::LAYOUT, TaskShape { features: 9, classes: 5, text: false, samples: 100 }),
        (Tiny::LAYOUT, TaskShape { features: 0, classes: 4, text: true, samples: 100 }),
    ] {
        let soft = soft_of(&layout, 7);
        let weights = [0.5_f32, 0.25, 2.0, 0.125];
        let value = |s: &[f32]| {
            let e = ExpectedCost::new(&layout, s, &task);
            f64::from(
                weights[0] * e.params
                    + weights[1] * e.macs
                    + weights[2] * e.ram_bytes
                    + weights[3] * e.train_ram_bytes,
            )
        };
        let mut grad = std::vec![0.0; soft.len()];
        ExpectedCost::new(&layout, &soft, &task)
            .backward(&layout, &soft, &task, weights, &mut grad);
        for i in 0..soft.len() {
            let h = 1e-2;
            let mut up = soft.clone();
            up[i] += h;
            let mut down = soft.clone();
            down[i] -= h;
            let numeric = (value(&up) - value(&down)) / (2.0 * f64::from(h));
            let tolerance = 1e-2 * numeric.abs().max(1.0);
            assert!(
                (f64::from(grad[i]) - numeric).abs() < tolerance,
                "{:?} entry {i}: {} vs {numeric}",
                layout.preset,
                grad[i]
            );
        }
    }
}

#[test]
fn widest_within_fits_exactly_when_some_architecture_fits() {
    let layout = Tiny::LAYOUT;
    let archs = all_tiny();
    for task in [
        NUMERIC,
        TaskShape { features: 40, classes: 26, text: false, samples: 100 },
        TaskShape { features: 0, classes: 5, text: true, samples: 100 },
    ] {
        let costs: Vec<Cost> = archs.iter().map(|a| discrete_cost(a, &task)).collect();
        for budget in [
            Budget { max_params: Some(300), ..Budget::UNLIMITED },
            Budget { max_params: Some(3000), ..Budget::UNLIMITED },
            Budget { max_macs: Some(2000), ..Budget::UNLIMITED },
            Budget { max_ram_bytes: Some(400), max_params: Some(2500), ..Budget::UNLIMITED },
            Budget { max_ram_bytes: Some(1100), ..Budget::UNLIMITED },
            Budget { max_params: Some(1), ..Budget::UNLIMITED },
        ] {
            let any = costs.iter().any(|c| budget.allows(c));
            match widest_within(&layout, &task, &budget) {
                Ok(arch) => {
                    assert!(budget.allows(&discrete_cost(&arch, &task)), "{arch} {budget:?}")
                }
                Err(e) => {
                    assert!(!any, "{budget:?} fits some architecture, yet: {e}");
                    assert_eq!(e.least.params, costs.iter().map(|c| c.params).min().unwrap());
                    assert_eq!(e.least.macs, costs.iter().map(|c| c.macs).min().unwrap());
                    assert_eq!(e.least.ram_bytes, costs.iter().map(|c| c.ram_bytes).min().unwrap());
                }
            }
        }
    }
    let unlimited = widest_within(&layout, &NUMERIC, &Budget::UNLIMITED).unwrap();
    assert_eq!(unlimited.to_string(), "m0/relu64/relu64/relu64");
}

/// Every tiny architecture's cost on `task`, and budgets that allow some of them and refuse
/// others in every way: each limit alone and together, training memory at a third and a half of
/// the costs', and one no architecture fits.
fn costs_and_budgets(archs: &[Discrete], task: &TaskShape) -> (Vec<Cost>, Vec<Budget>) {
    let costs: Vec<Cost> = archs.iter().map(|a| discrete_cost(a, task)).collect();
    let mut train_ram: Vec<u32> = costs.iter().map(|c| c.train_ram_bytes).collect();
    train_ram.sort_unstable();
    let (third, half) = (train_ram[train_ram.len() / 3], train_ram[train_ram.len() / 2]);
    let budgets = std::vec![
        Budget::UNLIMITED,
        Budget { max_params: Some(300), ..Budget::UNLIMITED },
        Budget { max_params: Some(3000), ..Budget::UNLIMITED },
        Budget { max_macs: Some(2000), max_ram_bytes: Some(1100), ..Budget::UNLIMITED },
        Budget { max_ram_bytes: Some(400), max_params: Some(2500), ..Budget::UNLIMITED },
        Budget { max_train_ram_bytes: Some(third), ..Budget::UNLIMITED },
        Budget { max_train_ram_bytes: Some(half), ..Budget::UNLIMITED },
        Budget { max_params: Some(5000), max_train_ram_bytes: Some(third), ..Budget::UNLIMITED },
        Budget { max_macs: Some(5000), max_train_ram_bytes: Some(half), ..Budget::UNLIMITED },
        // A text task's training memory is u32::MAX: refused by any limit on it.
        Budget { max_train_ram_bytes: Some(100_000), ..Budget::UNLIMITED },
        Budget { max_params: Some(1), ..Budget::UNLIMITED },
    ];
    (costs, budgets)
}

#[test]
fn a_budget_allows_a_discrete_architecture_exactly_when_it_allows_its_cost() {
    let archs = all_tiny();
    for task in [NUMERIC, TaskShape { features: 0, classes: 5, text: true, samples: 100 }] {
        let (costs, budgets) = costs_and_budgets(&archs, &task);
        let (mut allowed, mut refused) = (0, 0);
        for budget in budgets {
            for (arch, cost) in archs.iter().zip(&costs) {
                let allows = budget.allows(cost);
                assert_eq!(budget.allows_discrete(arch, &task), allows, "{arch} {budget:?}");
                if allows { allowed += 1 } else { refused += 1 }
            }
        }
        assert!(allowed > 0 && refused > 0, "{allowed} allowed, {refused} refused");
    }
}

#[test]
fn a_prefix_bound_refuses_only_prefixes_no_completion_of_which_fits() {
    let layout = Tiny::LAYOUT;
    let archs = all_tiny();
    let mut refused = 0;
    for task in [
        NUMERIC,
        TaskShape { features: 40, classes: 26, text: false, samples: 300 },
        TaskShape { features: 0, classes: 5, text: true, samples: 100 },
    ] {
        let (costs, budgets) = costs_and_budgets(&archs, &task);
        for budget in budgets {
            let bound = PrefixBound::new(&layout, &task, &budget);
            for (arch, cost) in archs.iter().zip(&costs) {
                for len in 0..layout.layers {
                    let mut prefix = arch.clone();
                    prefix.layers.truncate(len);
                    let fits = archs
                        .iter()
                        .zip(&costs)
                        .filter(|(a, _)| {
                            a.module == arch.module && a.layers.starts_with(&prefix.layers)
                        })
                        .any(|(_, c)| budget.allows(c));
                    let may = bound.may_fit(&prefix);
                    assert!(may || !fits, "{budget:?} refuses a prefix of {arch}, which fits");
                    refused += usize::from(!may);
                }
                // A whole architecture's bound is its cost against the budget.
                assert_eq!(bound.may_fit(arch), budget.allows(cost), "{arch} {budget:?}");
            }
        }
    }
    assert!(refused > 0, "no prefix refused: the bound prunes nothing");
}
