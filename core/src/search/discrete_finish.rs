//! A finish for the climb in the space a device deploys: from a discrete architecture (the
//! discretization of the best architecture the ascent found), change one choice at a time (the
//! input module, or one layer's base layer or skip), taking the change that raises the discrete
//! score most ([`crate::Scorer::score_discrete`]) among those within the budget, until none
//! raises it. The ascent scores soft mixtures; a mixture's argmax need not be the best discrete
//! architecture near it.
//!
//! Not part of the search's answer (yet): the bundled rankers are fitted on soft mixtures, so
//! their scores of one-hot architectures are extrapolations until a measurement says they pay.
//! `eval search` trains the finished architecture and the exhaustive argmax
//! ([`crate::exhaustive`]) beside the discretized answer and reports the paired differences.

use crate::child::cost::{Budget, TaskShape};
use crate::dims::Preset;
use crate::ranking::network::{Scorer, TaskEmbedding};
use crate::ranking::ranker::Ranker;
use crate::space::architecture::{Discrete, LayerChoice};

/// Most changes the finish makes (each raises the score; the tiny space's longest path between
/// two architectures is 4 changes, the paper's 8).
pub const FINISH_MOVES: u8 = 16;

/// A finished architecture.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    /// The deployable architecture.
    pub discrete: Discrete,
    /// Its discrete score.
    pub score: f32,
    /// How many single changes the finish made.
    pub moves: u8,
}

/// Steepest ascent on the discrete score from `start` over architectures that `allows` admits
/// (`start` among them): each round scores every architecture one choice away and moves to
/// the best strictly better one (the first in the order module, then layer by layer, on ties).
pub fn finish<P: Preset>(
    scorer: &Scorer<'_, '_, P>,
    start: Discrete,
    allows: impl Fn(&Discrete) -> bool,
) -> Finished {
    let layout = P::LAYOUT;
    let mut best = Finished { score: scorer.score_discrete(&start), discrete: start, moves: 0 };
    while best.moves < FINISH_MOVES {
        let mut round: Option<(Discrete, f32)> = None;
        let mut offer = |candidate: Discrete| {
            if candidate == best.discrete || !allows(&candidate) {
                return;
            }
            let score = scorer.score_discrete(&candidate);
            let bar = round.as_ref().map_or(best.score, |r| r.1);
            if score > bar {
                round = Some((candidate, score));
            }
        };
        for m in 0..layout.modules {
            let mut candidate = best.discrete.clone();
            candidate.module = m as u8;
            offer(candidate);
        }
        for l in 0..best.discrete.layers.len() {
            let options = (0..layout.bases()).map(|b| LayerChoice::Base(b as u8));
            for choice in options.chain([LayerChoice::Skip]) {
                let mut candidate = best.discrete.clone();
                if let Some(slot) = candidate.layers.get_mut(l) {
                    *slot = choice;
                }
                offer(candidate);
            }
        }
        let Some((discrete, score)) = round else { break };
        best = Finished { discrete, score, moves: best.moves + 1 };
    }
    best
}

impl<P: Preset> Ranker<'_, P> {
    /// [`finish`] from `start` for the task with embedding `z` and shape `task`, moving only to
    /// architectures within `budget` (`start` is kept when none of them scores higher).
    #[must_use]
    pub fn finish_within(
        &self,
        z: &TaskEmbedding,
        start: &Discrete,
        task: &TaskShape,
        budget: &Budget,
    ) -> Finished {
        let allows = |d: &Discrete| budget.allows_discrete(d, task);
        finish(&self.network().scorer(z), start.clone(), allows)
    }
}
