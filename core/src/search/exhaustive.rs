//! The deployable space scored whole: where the space is small enough (the tiny preset's 3,645
//! architectures), every discrete architecture within the budget is scored
//! ([`crate::Scorer::for_each_discrete`]) and the best kept. It is the exact argmax the climb
//! approximates, and what tells how often the climb finds it.

#[cfg(feature = "prune-prefixes")]
use crate::child::cost::PrefixBound;
use crate::child::cost::{Budget, BudgetError, TaskShape, discrete_cost, widest_within};
use crate::dims::Preset;
use crate::ranking::discrete_scoring::discrete_count;
use crate::ranking::network::TaskEmbedding;
use crate::ranking::ranker::Ranker;
use crate::search::shortlist::{Candidate, MAX_SHORTLIST, Pool};
use crate::space::architecture::Discrete;

/// Most architectures a space may have to be scored whole: the tiny preset's 3,645 are, the
/// paper preset's 440 million are not.
pub const EXHAUSTIVE_LIMIT: usize = 100_000;

/// Why the space could not be scored whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExhaustiveError {
    /// The preset has more than [`EXHAUSTIVE_LIMIT`] discrete architectures.
    TooLarge {
        /// How many it has (saturating).
        architectures: usize,
    },
    /// No architecture fits the budget.
    Budget(BudgetError),
}

impl core::fmt::Display for ExhaustiveError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::TooLarge { architectures } => write!(
                f,
                "the space has {architectures} discrete architectures, more than the \
                 {EXHAUSTIVE_LIMIT} scored whole: use the search"
            ),
            Self::Budget(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for ExhaustiveError {}

/// The best discrete architectures of the space within a budget.
#[derive(Clone, Debug)]
pub struct Exhaustive {
    /// Up to k distinct architectures, best first (the first is the argmax), chosen as the
    /// search's shortlist is ([`Pool::select`]) from the best [`crate::shortlist::SHORTLIST_POOL`].
    pub best: heapless::Vec<Candidate, MAX_SHORTLIST>,
    /// Architectures within the budget, each scored once.
    pub scored: u32,
}

impl<P: Preset> Ranker<'_, P> {
    /// Scores every discrete architecture within `budget` on a task of shape `task` and keeps
    /// up to `k` (at most [`MAX_SHORTLIST`]) of the best, each at least `min_distance` choices
    /// from every better one when enough are. Ties keep the first in the enumeration's order.
    ///
    /// # Errors
    /// [`ExhaustiveError::TooLarge`] for a space of more than [`EXHAUSTIVE_LIMIT`]
    /// architectures; [`ExhaustiveError::Budget`] when none fits the budget.
    pub fn exhaustive_within(
        &self,
        z: &TaskEmbedding,
        task: &TaskShape,
        budget: &Budget,
        k: usize,
        min_distance: usize,
    ) -> Result<Exhaustive, ExhaustiveError> {
        let mut pool = Pool::default();
        let scored = self.score_within(z, task, budget, |arch, score| {
            if pool.would_take(score) {
                pool.offer(arch, score);
            }
        })?;
        let mut best = heapless::Vec::new();
        for (discrete, score) in pool.select(k, min_distance) {
            let _ = best.push(candidate(discrete, score, task));
        }
        Ok(Exhaustive { best, scored })
    }

    /// The argmax alone ([`Self::exhaustive_within`] with k = 1, without its pool: what a
    /// device needs, in less code).
    ///
    /// # Errors
    /// As [`Self::exhaustive_within`].
    pub fn argmax_within(
        &self,
        z: &TaskEmbedding,
        task: &TaskShape,
        budget: &Budget,
    ) -> Result<Exhaustive, ExhaustiveError> {
        let mut argmax: Option<(Discrete, f32)> = None;
        let scored = self.score_within(z, task, budget, |arch, score| {
            if score.is_finite() && argmax.as_ref().is_none_or(|(_, s)| score > *s) {
                argmax = Some((arch.clone(), score));
            }
        })?;
        let mut best = heapless::Vec::new();
        if let Some((discrete, score)) = argmax {
            let _ = best.push(candidate(discrete, score, task));
        }
        Ok(Exhaustive { best, scored })
    }

    /// Visits every discrete architecture within the budget with its score; returns how many.
    fn score_within(
        &self,
        z: &TaskEmbedding,
        task: &TaskShape,
        budget: &Budget,
        mut visit: impl FnMut(&Discrete, f32),
    ) -> Result<u32, ExhaustiveError> {
        let architectures = discrete_count(&P::LAYOUT);
        if architectures > EXHAUSTIVE_LIMIT {
            return Err(ExhaustiveError::TooLarge { architectures });
        }
        if budget.is_limited() {
            widest_within(&P::LAYOUT, task, budget).map_err(ExhaustiveError::Budget)?;
        }
        let mut scored = 0;
        // The bound judges prefixes and whole architectures alike (the latter as
        // `allows_discrete` does, in fewer steps).
        #[cfg(feature = "prune-prefixes")]
        let bound = budget.is_limited().then(|| PrefixBound::new(&P::LAYOUT, task, budget));
        #[cfg(feature = "prune-prefixes")]
        let keep = |arch: &Discrete| bound.as_ref().is_none_or(|b| b.may_fit(arch));
        #[cfg(not(feature = "prune-prefixes"))]
        let keep = |arch: &Discrete| {
            arch.layers.len() < P::LAYOUT.layers || budget.allows_discrete(arch, task)
        };
        self.network().scorer(z).for_each_discrete(keep, |arch, score| {
            scored += 1;
            visit(arch, score);
        });
        Ok(scored)
    }
}

/// A scored architecture as a [`Candidate`] (its score is its discrete score).
fn candidate(discrete: Discrete, score: f32, task: &TaskShape) -> Candidate {
    let cost = discrete_cost(&discrete, task);
    Candidate { discrete, score, discrete_score: score, cost, climbed: false }
}
