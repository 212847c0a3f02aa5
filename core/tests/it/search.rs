//! Search: deterministic, never worse than its starts, explains itself; the discrete form
//! prints and parses back.

use archrank_core::dims::{Paper, Preset, Tiny};
use archrank_core::fixture::{pseudo_random, random_weights};
use archrank_core::{Discrete, PresetId, Ranker, SoftView, TaskEmbedding};

fn run_search<P: Preset>() {
    let bytes = random_weights::<P>(21, 6);
    let ranker = Ranker::<P>::load(&bytes).unwrap();
    let z = TaskEmbedding::from_iterator(pseudo_random(3, 50, 0.8));
    let a = ranker.search(&z);
    let b = ranker.search(&z);
    assert_eq!(a.arch.as_ref(), b.arch.as_ref());
    assert_eq!(a.score.to_bits(), b.score.to_bits());
    // The nearest tasks are the two smallest distances, in order.
    let mut all: Vec<(f32, usize)> =
        (0..6).map(|i| (ranker.tasks().distance_sq(i, &z).sqrt(), i)).collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    assert_eq!(a.nearest.len(), 2);
    assert_eq!(a.nearest[0].index as usize, all[0].1);
    assert_eq!(a.nearest[1].index as usize, all[1].1);
    assert!(a.nearest.iter().any(|n| n.name == a.start.task));
    // Never worse than where it started, and the reported score is the score of u*.
    assert!(a.score >= a.start.score);
    let scorer = ranker.network().scorer(&z);
    assert_eq!(scorer.score(a.arch.as_ref()).to_bits(), a.score.to_bits());
    assert_eq!(a.discrete, Discrete::from_logits(&P::LAYOUT, a.arch.as_ref()));
    // Every start scored: the ascent improved on at least the best start.
    let mut best_start = f32::NEG_INFINITY;
    let mut u = vec![0.0; P::ARCH_DIM];
    for n in &a.nearest {
        for rank in 0..5 {
            ranker.tasks().top_arch_into(n.index as usize, rank, P::ARCH_DIM, &mut u);
            best_start = best_start.max(scorer.score(&u));
        }
    }
    assert!(
        a.score > best_start,
        "ascent should improve on the starts: {} vs {best_start}",
        a.score
    );
}

#[test]
fn search_tiny() {
    run_search::<Tiny>();
}

#[test]
fn search_paper() {
    run_search::<Paper>();
}

#[test]
fn discrete_spec_round_trips() {
    for (preset, spec) in [
        (PresetId::Tiny, "m2/relu16/skip/tanh64"),
        (PresetId::Paper, "m6/relu256/skip/skip/tanh8/relu8/tanh128/relu64"),
    ] {
        let d = Discrete::parse(preset, spec).unwrap();
        assert_eq!(d.to_string(), spec);
        let layout = preset.layout();
        let mut u = vec![0.0; layout.arch_dim()];
        d.write_logits(&mut u, 10.0);
        assert_eq!(Discrete::from_logits(&layout, &u), d);
    }
    assert!(Discrete::parse(PresetId::Tiny, "m3/relu16/skip/tanh64").is_err());
    assert!(Discrete::parse(PresetId::Tiny, "m0/relu17/skip/tanh64").is_err());
    assert!(Discrete::parse(PresetId::Tiny, "m0/relu16/skip").is_err());
    assert!(Discrete::parse(PresetId::Tiny, "m0/relu16/skip/skip/skip").is_err());
}

#[test]
fn soft_view_prints_every_group() {
    let u = pseudo_random(1, Tiny::ARCH_DIM, 1.0);
    let text = SoftView::new(Tiny::LAYOUT, &u).to_string();
    assert!(text.starts_with("modules: m0="));
    assert_eq!(text.lines().count(), 4);
    assert!(text.contains("tanh64="));
}
