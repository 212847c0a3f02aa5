//! Scoring discrete architectures row by row: the dense forward pass over their probabilities,
//! the same bits with int8 weights (in place and widened), within 1e-5 with f32 weights (whose
//! additions run in another order), for every architecture of the tiny space and both forms; and
//! the enumeration visits each architecture once, scoring each as one architecture alone.

use std::collections::HashSet;

use archrank_core::architecture::softmax_groups;
use archrank_core::dims::{ArchBuffer, Paper, Preset, Tiny};
use archrank_core::discrete_scoring::discrete_count;
use archrank_core::fixture::{pseudo_random, random_weights};
use archrank_core::network::{RhoTrace, param_count};
use archrank_core::quantize::{Scales, quantize_weights};
use archrank_core::{Discrete, LayerChoice, Network, Ranker, RankerForm, Scorer, TaskEmbedding};

fn embedding(seed: u64) -> TaskEmbedding {
    TaskEmbedding::from_iterator(pseudo_random(seed, 50, 0.8))
}

/// The dense forward pass over the architecture's probabilities.
fn dense_score<P: Preset>(scorer: &Scorer<'_, '_, P>, arch: &Discrete) -> f32 {
    let mut soft = P::Arch::zeroed();
    arch.write_soft(soft.as_mut());
    scorer.score_soft_traced(soft.as_ref(), &mut RhoTrace::default())
}

/// Whether `fast` is the dense pass's `dense`: the same bits for int8 weights, within 1e-5 of
/// the magnitude plus one for f32.
fn check_close(fast: f32, dense: f32, exact: bool, what: &dyn std::fmt::Display) {
    if exact {
        assert_eq!(fast.to_bits(), dense.to_bits(), "{what}: {fast} against {dense}");
    } else {
        assert!(
            (fast - dense).abs() <= 1e-5 * (1.0 + dense.abs()),
            "{what}: {fast} against {dense}"
        );
    }
}

/// Every architecture visited once, in the documented order, each score the dense pass's.
fn check_every_architecture<P: Preset>(scorer: &Scorer<'_, '_, P>, exact: bool) {
    let mut seen = HashSet::new();
    let mut previous: Option<Discrete> = None;
    scorer.for_each_discrete(
        |_| true,
        |arch, score| {
            check_close(score, dense_score(scorer, arch), exact, arch);
            assert_eq!(score.to_bits(), scorer.score_discrete(arch).to_bits(), "{arch}");
            if let Some(p) = &previous {
                assert!(p.module <= arch.module, "input module slowest: {p} then {arch}");
            }
            previous = Some(arch.clone());
            assert!(seen.insert(arch.to_string()), "{arch} twice");
        },
    );
    assert_eq!(seen.len(), discrete_count(&P::LAYOUT));
}

#[test]
fn every_tiny_architecture_scores_as_the_dense_pass_f32_and_int8() {
    let f32_bytes = random_weights::<Tiny>(5, 4);
    let int8_bytes = quantize_weights(&f32_bytes, Scales::Column, None).unwrap();
    for (bytes, exact) in [(&f32_bytes, false), (&int8_bytes, true)] {
        let ranker = Ranker::<Tiny>::load(bytes).unwrap();
        for seed in 0..2 {
            check_every_architecture(&ranker.network().scorer(&embedding(seed)), exact);
        }
        let mut buf = vec![[0u8; 4]; param_count(Tiny::ARCH_DIM)];
        let wide = ranker.widened(&mut buf).unwrap();
        check_every_architecture(&wide.network().scorer(&embedding(9)), exact);
    }
    assert_eq!(discrete_count(&Tiny::LAYOUT), 5 * 9 * 9 * 9);
}

/// Every architecture's score from lanes of `N`, in the enumeration's order, as bits.
fn scores_in_lanes<const N: usize, P: Preset>(
    scorer: &Scorer<'_, '_, P>,
    keep: impl Fn(&Discrete) -> bool,
) -> Vec<(String, u32)> {
    let mut scores = Vec::new();
    scorer.for_each_discrete_in_lanes::<N>(keep, |arch, s| {
        scores.push((arch.to_string(), s.to_bits()))
    });
    scores
}

#[test]
fn lanes_of_any_width_score_the_same_bits_in_the_same_order() {
    let f32_bytes = random_weights::<Tiny>(5, 4);
    let int8_bytes = quantize_weights(&f32_bytes, Scales::Column, None).unwrap();
    let params: Vec<[u8; 4]> = pseudo_random(8, param_count(Tiny::ARCH_DIM), 0.3)
        .iter()
        .map(|v| v.to_le_bytes())
        .collect();
    let paper = Network::<Tiny>::from_params(&params, RankerForm::Paper).unwrap();
    for bytes in [&f32_bytes, &int8_bytes] {
        let ranker = Ranker::<Tiny>::load(bytes).unwrap();
        for network in [ranker.network(), &paper] {
            let scorer = network.scorer(&embedding(3));
            // Some architectures left out, so that lanes fill across siblings' parents.
            let keep = |a: &Discrete| a.layers.len() < 3 || a.layers[2] != LayerChoice::Base(2);
            let one = scores_in_lanes::<1, _>(&scorer, keep);
            assert_eq!(one.len(), 5 * 9 * 9 * 8);
            assert_eq!(one, scores_in_lanes::<8, _>(&scorer, keep));
            assert_eq!(one, scores_in_lanes::<3, _>(&scorer, keep));
            let all = scores_in_lanes::<1, _>(&scorer, |_: &Discrete| true);
            assert_eq!(all, scores_in_lanes::<16, _>(&scorer, |_: &Discrete| true));
        }
    }
}

#[test]
fn the_papers_form_scores_as_its_dense_pass() {
    let params: Vec<[u8; 4]> = pseudo_random(8, param_count(Tiny::ARCH_DIM), 0.3)
        .iter()
        .map(|v| v.to_le_bytes())
        .collect();
    let network = Network::<Tiny>::from_params(&params, RankerForm::Paper).unwrap();
    check_every_architecture(&network.scorer(&embedding(2)), false);
}

#[test]
fn paper_preset_architectures_score_as_the_dense_pass() {
    let bytes = random_weights::<Paper>(6, 3);
    let ranker = Ranker::<Paper>::load(&bytes).unwrap();
    let scorer = ranker.network().scorer(&embedding(4));
    let layout = Paper::LAYOUT;
    for (i, r) in pseudo_random(77, 200 * 8, 1.0).chunks(8).enumerate() {
        let pick = |x: f32, n: usize| (((x + 1.0) * 0.5 * n as f32) as usize).min(n - 1);
        let layers = r[1..].iter().map(|&x| match pick(x, layout.bases() + 1) {
            b if b == layout.bases() => LayerChoice::Skip,
            b => LayerChoice::Base(b as u8),
        });
        let arch = Discrete {
            preset: layout.preset,
            module: pick(r[0], layout.modules) as u8,
            layers: layers.collect(),
        };
        let what = format!("architecture {i}: {arch}");
        check_close(scorer.score_discrete(&arch), dense_score(&scorer, &arch), false, &what);
    }
    assert_eq!(discrete_count(&layout), 7 * 13usize.pow(7));
}

#[test]
fn keep_chooses_which_are_scored() {
    let bytes = random_weights::<Tiny>(5, 4);
    let ranker = Ranker::<Tiny>::load(&bytes).unwrap();
    let scorer = ranker.network().scorer(&embedding(1));
    let all_skip = |arch: &Discrete| arch.layers.iter().all(|c| *c == LayerChoice::Skip);
    let (mut asked, mut scored) = ([0; 3], 0);
    scorer.for_each_discrete(
        |arch| {
            asked[arch.layers.len() - 1] += 1;
            all_skip(arch)
        },
        |arch, _| {
            scored += 1;
            assert!(all_skip(arch), "{arch}");
        },
    );
    assert_eq!(scored, 5, "one all-skip architecture per input module");
    // Each layer's 9 choices are asked under the 5 kept prefixes alone: a refused prefix skips
    // every architecture it starts.
    assert_eq!(asked, [45, 45, 45]);
    let mut every = 0;
    scorer.for_each_discrete(|arch| arch.layers.len() < 3 || all_skip(arch), |_, _| every += 1);
    assert_eq!(every, 5);
}

#[test]
fn probabilities_are_the_limit_of_strong_logits() {
    for spec in ["m1/relu16/skip/tanh64", "m0/skip/skip/skip", "m2/tanh8/relu64/relu8"] {
        let arch = Discrete::parse(Tiny::LAYOUT.preset, spec).unwrap();
        let (mut u, mut limit, mut soft) =
            ([0.0; Tiny::ARCH_DIM], [0.0; Tiny::ARCH_DIM], [0.0; Tiny::ARCH_DIM]);
        arch.write_logits(&mut u, 40.0);
        softmax_groups(&Tiny::LAYOUT, &u, &mut limit);
        arch.write_soft(&mut soft);
        for (a, b) in limit.iter().zip(&soft) {
            assert!((a - b).abs() < 1e-6, "{spec}: {limit:?} against {soft:?}");
        }
    }
}
