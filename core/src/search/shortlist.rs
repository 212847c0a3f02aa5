//! A shortlist of distinct discrete architectures for a user who can afford a few trainings:
//! every iterate of the search's ascents offers its discretization, each kept with the best score
//! of an iterate that discretizes to it; the shortlist takes them best first, each at least
//! [`SHORTLIST_MIN_DISTANCE`] choices away from those already taken (filled with the next best
//! when too few are that far apart).

use crate::child::cost::Cost;
use crate::space::architecture::Discrete;

/// Most candidates a shortlist holds.
pub const MAX_SHORTLIST: usize = 8;

/// Distinct discretizations the search remembers (the best-scoring ones).
pub const SHORTLIST_POOL: usize = 32;

/// Least number of choices (input module, each layer) in which a shortlisted architecture
/// differs from every better one, when enough do.
pub const SHORTLIST_MIN_DISTANCE: usize = 2;

/// One shortlisted architecture.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The deployable architecture.
    pub discrete: Discrete,
    /// The best predicted score of an iterate of the search that discretizes to it: the order
    /// of the shortlist (the first is the search's own answer); for an architecture no iterate
    /// reached (`climbed` false), its exact one-hot score.
    pub score: f32,
    /// The predicted score of the discrete architecture itself: in a search's shortlist, at the
    /// most one-hot logits the ascent may reach (the search's logit bound); scored whole, exactly
    /// one-hot.
    pub discrete_score: f32,
    /// Its cost on the task.
    pub cost: Cost,
    /// Whether an iterate of the climb discretized to it; `false` for one taken from the space
    /// scored whole ([`crate::Ranker::exhaustive_within`]), listed after the climb's.
    pub climbed: bool,
}

/// The distinct discretizations seen during a search, best first, at most [`SHORTLIST_POOL`].
#[derive(Clone, Debug, Default)]
pub struct Pool {
    entries: heapless::Vec<(Discrete, f32), SHORTLIST_POOL>,
}

impl Pool {
    /// Offers `discrete` seen at `score`: raises its entry's score, or enters it when the pool
    /// has room or it beats the pool's worst. A score that is not finite is ignored.
    pub fn offer(&mut self, discrete: &Discrete, score: f32) {
        if !score.is_finite() {
            return;
        }
        if let Some(at) = self.entries.iter().position(|(d, _)| d == discrete) {
            if let Some(entry) = self.entries.get_mut(at)
                && score > entry.1
            {
                entry.1 = score;
                self.rise(at);
            }
            return;
        }
        if self.entries.is_full() {
            match self.entries.last() {
                Some(&(_, worst)) if score > worst => {
                    self.entries.pop();
                }
                _ => return,
            }
        }
        if self.entries.push((discrete.clone(), score)).is_ok() {
            self.rise(self.entries.len() - 1);
        }
    }

    /// Whether an architecture not yet in the pool, offered at `score`, would enter it: a cheap
    /// check before [`Self::offer`] when each architecture is offered once.
    #[must_use]
    pub fn would_take(&self, score: f32) -> bool {
        score.is_finite()
            && (!self.entries.is_full() || self.entries.last().is_some_and(|e| score > e.1))
    }

    /// Moves the entry at `at`, whose score rose, before every entry of a lower score: the pool
    /// stays best first, equal scores in order of arrival (a stable sort without an allocator).
    fn rise(&mut self, mut at: usize) {
        while at > 0 {
            match (self.entries.get(at - 1), self.entries.get(at)) {
                (Some(before), Some(this)) if before.1 < this.1 => {
                    self.entries.swap(at - 1, at);
                    at -= 1;
                }
                _ => return,
            }
        }
    }

    /// Distinct architectures seen.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether `discrete` is in the pool.
    #[must_use]
    pub fn contains(&self, discrete: &Discrete) -> bool {
        self.entries.iter().any(|(d, _)| d == discrete)
    }

    /// Whether nothing was offered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Up to `k` (at most [`MAX_SHORTLIST`]) of the pool's architectures with their scores: best
    /// first, each differing from every one taken before in at least `min_distance` choices; when
    /// fewer than `k` are that far apart, the best of the rest fill the list.
    #[must_use]
    pub fn select(
        &self,
        k: usize,
        min_distance: usize,
    ) -> heapless::Vec<(Discrete, f32), MAX_SHORTLIST> {
        let k = k.min(MAX_SHORTLIST);
        let mut taken = [false; SHORTLIST_POOL];
        let mut out: heapless::Vec<(Discrete, f32), MAX_SHORTLIST> = heapless::Vec::new();
        for relaxed in [false, true] {
            for ((d, score), taken) in self.entries.iter().zip(taken.iter_mut()) {
                if out.len() >= k {
                    return out;
                }
                let far = out.iter().all(|(o, _)| o.differing_choices(d) >= min_distance);
                if !*taken && (relaxed || far) {
                    *taken = true;
                    let _ = out.push((d.clone(), *score));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::dims::PresetId;
    use std::format;

    fn d(spec: &str) -> Discrete {
        Discrete::parse(PresetId::Tiny, spec).unwrap()
    }

    #[test]
    fn the_pool_keeps_each_architecture_once_with_its_best_score() {
        let mut pool = Pool::default();
        pool.offer(&d("m0/relu8/skip/skip"), 0.1);
        pool.offer(&d("m1/relu8/skip/skip"), 0.3);
        pool.offer(&d("m0/relu8/skip/skip"), 0.5);
        pool.offer(&d("m0/relu8/skip/skip"), 0.2);
        pool.offer(&d("m2/relu8/skip/skip"), f32::NAN);
        pool.offer(&d("m0/relu8/skip/skip"), f32::INFINITY);
        let all = pool.select(MAX_SHORTLIST, 0);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0], (d("m0/relu8/skip/skip"), 0.5));
        assert_eq!(all[1], (d("m1/relu8/skip/skip"), 0.3));
    }

    #[test]
    fn a_full_pool_drops_its_worst_for_a_better_one_only() {
        let mut pool = Pool::default();
        let specs = ["skip", "relu8", "relu16", "relu32", "relu64", "tanh8", "tanh16", "tanh32"];
        let mut n = 0;
        'fill: for m in 0..3 {
            for a in specs {
                for b in specs {
                    if n == SHORTLIST_POOL {
                        break 'fill;
                    }
                    pool.offer(&d(&format!("m{m}/{a}/{b}/skip")), n as f32);
                    n += 1;
                }
            }
        }
        assert_eq!(pool.len(), SHORTLIST_POOL);
        pool.offer(&d("m2/skip/skip/relu64"), -1.0);
        assert!(!pool.contains(&d("m2/skip/skip/relu64")));
        pool.offer(&d("m1/skip/skip/tanh64"), 100.0);
        assert_eq!(pool.select(1, 0)[0].0, d("m1/skip/skip/tanh64"));
        assert_eq!(pool.len(), SHORTLIST_POOL);
        assert!(!pool.contains(&d("m0/skip/skip/skip")), "the worst (score 0) left");
    }

    #[test]
    fn selection_prefers_architectures_far_from_those_taken_then_fills() {
        let mut pool = Pool::default();
        pool.offer(&d("m0/relu8/relu8/skip"), 1.0);
        pool.offer(&d("m0/relu8/relu16/skip"), 0.9); // one choice away from the best
        pool.offer(&d("m2/tanh8/relu8/skip"), 0.8); // two away
        let picked = pool.select(2, 2);
        assert_eq!(picked[1].0, d("m2/tanh8/relu8/skip"));
        let all = pool.select(3, 2);
        assert_eq!(all[2].0, d("m0/relu8/relu16/skip"));
        assert_eq!(pool.select(3, 1)[1].0, d("m0/relu8/relu16/skip"));
        assert_eq!(pool.select(9, 1).len(), 3);
    }
}
