//! Scoring the deployable space whole: the argmax over every discrete architecture within the
//! budget, at least as good as the climb's answer finished one choice at a time (itself a local
//! optimum), refused for a space too large.

use archrank_core::dims::{Paper, Preset, Tiny};
use archrank_core::exhaustive::{EXHAUSTIVE_LIMIT, ExhaustiveError};
use archrank_core::fixture::{pseudo_random, random_weights};
use archrank_core::{Budget, LayerChoice, Ranker, TaskEmbedding, TaskShape, discrete_cost};

fn embedding(seed: u64) -> TaskEmbedding {
    TaskEmbedding::from_iterator(pseudo_random(seed, 50, 0.8))
}

#[test]
fn the_argmax_is_the_best_architecture_within_the_budget() {
    let bytes = random_weights::<Tiny>(21, 6);
    let ranker = Ranker::<Tiny>::load(&bytes).unwrap();
    let task = TaskShape { features: 12, classes: 12, text: false, samples: 150 };
    for (seed, budget) in [
        (1, Budget::UNLIMITED),
        (2, Budget { max_params: Some(900), ..Budget::UNLIMITED }),
        (3, Budget { max_train_ram_bytes: Some(30_000), ..Budget::UNLIMITED }),
    ] {
        let z = embedding(seed);
        let scorer = ranker.network().scorer(&z);
        // Brute force through the per-architecture path (every prefix kept, each whole
        // architecture judged by its cost).
        let (mut best, mut within) = (f32::NEG_INFINITY, 0);
        scorer.for_each_discrete(
            |a| a.layers.len() < 3 || budget.allows(&discrete_cost(a, &task)),
            |a, _| {
                within += 1;
                best = best.max(scorer.score_discrete(a));
            },
        );
        let found = ranker.exhaustive_within(&z, &task, &budget, 5, 2).unwrap();
        assert_eq!(found.scored, within);
        assert_eq!(found.best.len(), 5);
        assert_eq!(found.best[0].score.to_bits(), best.to_bits(), "the first is the argmax");
        let argmax = ranker.argmax_within(&z, &task, &budget).unwrap();
        assert_eq!((argmax.best.len(), argmax.scored), (1, within));
        assert_eq!(argmax.best[0], found.best[0]);
        for c in &found.best {
            assert!(budget.allows(&c.cost), "{} over budget", c.discrete);
            assert_eq!(c.score.to_bits(), scorer.score_discrete(&c.discrete).to_bits());
        }
        // The finish from the climb's answer: a local optimum within the budget, no better than
        // the argmax; from the argmax it stays.
        let searched = ranker.search_within(&z, &ranker.search_config(), &task, &budget).unwrap();
        let finished = ranker.finish_within(&z, &searched.discrete, &task, &budget);
        assert!(finished.score <= best, "the finish cannot beat the whole space");
        assert!(finished.score >= scorer.score_discrete(&searched.discrete));
        assert_eq!(finished.score.to_bits(), scorer.score_discrete(&finished.discrete).to_bits());
        assert_eq!(finished.moves == 0, finished.discrete == searched.discrete);
        assert!(budget.allows(&discrete_cost(&finished.discrete, &task)));
        let layout = Tiny::LAYOUT;
        for l in 0..layout.layers {
            for b in 0..=layout.bases() {
                let mut near = finished.discrete.clone();
                near.layers[l] = if b == layout.bases() {
                    LayerChoice::Skip
                } else {
                    LayerChoice::Base(b as u8)
                };
                let within = budget.allows(&discrete_cost(&near, &task));
                assert!(!within || scorer.score_discrete(&near) <= finished.score, "{near}");
            }
        }
        let stays = ranker.finish_within(&z, &found.best[0].discrete, &task, &budget);
        assert_eq!((stays.moves, stays.discrete), (0, found.best[0].discrete.clone()));
        assert!(budget.is_limited() || within == 3645);
    }
}

#[test]
fn a_space_too_large_or_a_budget_too_small_is_refused() {
    let bytes = random_weights::<Paper>(21, 6);
    let ranker = Ranker::<Paper>::load(&bytes).unwrap();
    let task = TaskShape { features: 12, classes: 12, text: false, samples: 150 };
    let z = embedding(1);
    match ranker.exhaustive_within(&z, &task, &Budget::UNLIMITED, 3, 2) {
        Err(ExhaustiveError::TooLarge { architectures }) => {
            assert!(architectures > EXHAUSTIVE_LIMIT);
        }
        other => panic!("the paper space is too large: {other:?}"),
    }
    let tiny = random_weights::<Tiny>(21, 6);
    let ranker = Ranker::<Tiny>::load(&tiny).unwrap();
    let none = Budget { max_params: Some(3), ..Budget::UNLIMITED };
    let err = ranker.exhaustive_within(&z, &task, &none, 3, 2).unwrap_err();
    assert!(matches!(err, ExhaustiveError::Budget(_)), "{err:?}");
    assert!(err.to_string().contains("parameters at most 3"), "{err}");
}
