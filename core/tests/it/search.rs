//! Search: deterministic, never worse than its starts, explains itself; the discrete form
//! prints and parses back.

use archrank_core::dims::{Paper, Preset, Tiny};
use archrank_core::fixture::{pseudo_random, random_weights};
use archrank_core::{
    Budget, Discrete, PresetId, Ranker, SoftView, TaskEmbedding, TaskShape, discrete_cost,
};

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
    assert!(Discrete::parse(PresetId::Tiny, "m5/relu16/skip/tanh64").is_err());
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

fn run_shortlist<P: Preset>() {
    let bytes = random_weights::<P>(21, 6);
    let ranker = Ranker::<P>::load(&bytes).unwrap();
    let z = TaskEmbedding::from_iterator(pseudo_random(3, 50, 0.8));
    let config = ranker.search_config();
    let task = TaskShape { features: 12, classes: 4, text: false, samples: 150 };
    for budget in [
        Budget::UNLIMITED,
        Budget { max_params: Some(900), ..Budget::UNLIMITED },
        Budget { max_train_ram_bytes: Some(30_000), ..Budget::UNLIMITED },
    ] {
        let alone = ranker.search_within(&z, &config, &task, &budget).unwrap();
        let list = ranker.shortlist_within(&z, &config, &task, &budget, 5, 2).unwrap();
        // The shortlist watches the search; it does not change it.
        assert_eq!(list.result.arch.as_ref(), alone.arch.as_ref());
        assert_eq!(list.result.score.to_bits(), alone.score.to_bits());
        let c = &list.candidates;
        // A tight budget may leave fewer distinct architectures within it than asked for.
        assert!((1..=5).contains(&c.len()));
        assert!(c.len() == 5 || budget.is_limited());
        assert_eq!(c[0].discrete, alone.discrete, "the first candidate is the search's answer");
        assert_eq!(c[0].score.to_bits(), alone.score.to_bits());
        let scorer = ranker.network().scorer(&z);
        for (i, a) in c.iter().enumerate() {
            assert!(budget.allows(&a.cost), "{} is over budget", a.discrete);
            assert_eq!(a.cost, discrete_cost(&a.discrete, &task));
            let mut u = vec![0.0; P::ARCH_DIM];
            a.discrete.write_logits(&mut u, config.logit_bound);
            assert_eq!(scorer.score(&u).to_bits(), a.discrete_score.to_bits());
            for b in &c[i + 1..] {
                // Best first, except where a better one was deferred for being near an earlier
                // pick (the selection takes architectures 2 choices apart first, then fills).
                let deferred =
                    c[..=i].iter().any(|e| e.discrete.differing_choices(&b.discrete) < 2);
                assert!(a.score >= b.score || deferred, "best first");
                assert!(a.discrete.differing_choices(&b.discrete) >= 1, "distinct");
            }
        }
        let again = ranker.shortlist_within(&z, &config, &task, &budget, 5, 2).unwrap();
        assert_eq!(again.candidates, list.candidates);
        let fewer = ranker.shortlist_within(&z, &config, &task, &budget, 2, 2).unwrap();
        assert_eq!(fewer.candidates[..], list.candidates[..2]);
    }
}

#[test]
fn shortlist_tiny() {
    run_shortlist::<Tiny>();
}

#[test]
fn shortlist_paper() {
    run_shortlist::<Paper>();
}

#[test]
fn novelty_is_the_nearest_distance_over_the_typical_spacing() {
    let bytes = random_weights::<Tiny>(21, 6);
    let ranker = Ranker::<Tiny>::load(&bytes).unwrap();
    let tasks = ranker.tasks();
    let spacing: f32 = (0..6)
        .map(|i| {
            let z = tasks.embedding(i);
            (0..6)
                .filter(|&j| j != i)
                .map(|j| tasks.distance_sq(j, &z).sqrt())
                .fold(f32::MAX, f32::min)
        })
        .sum::<f32>()
        / 6.0;
    assert!((ranker.typical_spacing() - spacing).abs() <= 1e-5 * spacing);
    // A training task's own embedding is at distance 0; a far point is far.
    assert_eq!(ranker.novelty(&tasks.embedding(3)), 0.0);
    let z = TaskEmbedding::from_iterator(pseudo_random(3, 50, 0.8));
    let nearest = ranker.nearest_tasks(&z)[0].distance;
    assert!((ranker.novelty(&z) - nearest / ranker.typical_spacing()).abs() < 1e-6);
    let far = TaskEmbedding::from_element(100.0);
    assert!(ranker.novelty(&far) > 10.0 * ranker.novelty(&z));
}
