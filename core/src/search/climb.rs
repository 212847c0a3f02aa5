//! The online phase: from a task embedding z, start at the top architectures of the nearest
//! training tasks and climb the predicted score by gradient ascent on u.

use crate::child::cost::{
    Budget, BudgetError, ExpectedCost, TaskShape, discrete_cost, widest_within,
};
use crate::dims::{ArchBuffer, NEAREST_TASKS, Preset, TOP_K};
use crate::ranking::network::TaskEmbedding;
use crate::ranking::ranker::Ranker;
use crate::ranking::weights_format::SearchConfig;
use crate::search::shortlist::{Candidate, MAX_SHORTLIST, Pool};
use crate::space::architecture::{Discrete, softmax_groups, softmax_groups_backward};

/// A training task near the new one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour<'a> {
    /// Index in the weights file's task table.
    pub index: u32,
    /// The task's name.
    pub name: &'a str,
    /// Euclidean distance between the embeddings.
    pub distance: f32,
}

/// Weight of the budget's penalty in a budgeted ascent, which climbs
/// `score - BUDGET_PENALTY * sum over limits of max(0, expected / limit - 1)`.
pub const BUDGET_PENALTY: f32 = 1.0;

/// The start a budgeted search adds: the widest architecture within the budget, so a result
/// within budget always exists ([`Start::task`] names it so).
pub const WITHIN_BUDGET_START: &str = "(widest within budget)";

/// Logit strength of the budget's start (as strong as the stored top architectures' choices).
const WITHIN_BUDGET_STRENGTH: f32 = 3.0;

/// A search's answer with a shortlist of distinct discrete architectures (see
/// [`crate::search::shortlist`]); the first candidate is the answer's discretization.
#[derive(Clone, Debug)]
pub struct Shortlist<'a, P: Preset> {
    /// What the search alone answers.
    pub result: SearchResult<'a, P>,
    /// Distinct discrete architectures, best first.
    pub candidates: heapless::Vec<Candidate, MAX_SHORTLIST>,
}

/// Where the best architecture's ascent started.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Start<'a> {
    /// The training task whose top architecture it was.
    pub task: &'a str,
    /// 0-based rank among that task's top architectures.
    pub rank: u8,
    /// That architecture's validation accuracy on its task.
    pub accuracy: f32,
    /// Its predicted score on the new task, before the ascent.
    pub score: f32,
}

/// The search's answer and why.
#[derive(Clone, Debug)]
pub struct SearchResult<'a, P: Preset> {
    /// The best architecture u* found (logits).
    pub arch: P::Arch,
    /// Its predicted score.
    pub score: f32,
    /// Its discretization: the deployable architecture.
    pub discrete: Discrete,
    /// The nearest training tasks, nearest first.
    pub nearest: heapless::Vec<Neighbour<'a>, NEAREST_TASKS>,
    /// The start the best architecture came from.
    pub start: Start<'a>,
}

impl<'a, P: Preset> Ranker<'a, P> {
    /// The training tasks nearest to `z`, nearest first (ties: lower index first).
    #[must_use]
    pub fn nearest_tasks(&self, z: &TaskEmbedding) -> heapless::Vec<Neighbour<'a>, NEAREST_TASKS> {
        let tasks = self.tasks();
        // The nearest so far, sorted, empty slots (index `usize::MAX`) last: a new task moves in
        // from the end past every farther one (ties keep the lower index first).
        let mut best = [(f32::INFINITY, usize::MAX); NEAREST_TASKS];
        for i in 0..tasks.len() {
            let d = tasks.distance_sq(i, z);
            let mut at = NEAREST_TASKS;
            while at > 0 && best.get(at - 1).is_some_and(|&(bd, j)| j == usize::MAX || d < bd) {
                at -= 1;
                if let Some(farther) = best.get(at).copied()
                    && let Some(slot) = best.get_mut(at + 1)
                {
                    *slot = farther;
                }
            }
            if let Some(slot) = best.get_mut(at) {
                *slot = (d, i);
            }
        }
        let mut out = heapless::Vec::new();
        for &(d, i) in best.iter().take_while(|&&(_, i)| i < tasks.len()) {
            let neighbour =
                Neighbour { index: i as u32, name: tasks.name(i), distance: libm::sqrtf(d) };
            let _ = out.push(neighbour);
        }
        out
    }

    /// Searches with the file's default settings.
    #[must_use]
    pub fn search(&self, z: &TaskEmbedding) -> SearchResult<'a, P> {
        self.search_with(z, &self.search_config())
    }

    /// Searches with explicit settings: gradient ascent from the top architectures of the
    /// nearest tasks, keeping the best score seen. Deterministic; no heap.
    #[must_use]
    pub fn search_with(&self, z: &TaskEmbedding, config: &SearchConfig) -> SearchResult<'a, P> {
        self.climb(z, config, None, None)
    }

    /// Searches within `budget` on a task of shape `task`: the ascent climbs the score less a
    /// penalty on the expected cost's excess ([`BUDGET_PENALTY`]), the widest architecture within
    /// the budget joins the starts, and only iterates whose discretization is within the budget
    /// count, so the result always is. Without limits this is [`Self::search_with`].
    ///
    /// # Errors
    /// [`BudgetError`] when no architecture of the preset fits the budget on this task.
    pub fn search_within(
        &self,
        z: &TaskEmbedding,
        config: &SearchConfig,
        task: &TaskShape,
        budget: &Budget,
    ) -> Result<SearchResult<'a, P>, BudgetError> {
        if !budget.is_limited() {
            return Ok(self.search_with(z, config));
        }
        let fallback = widest_within(&P::LAYOUT, task, budget)?;
        Ok(self.climb(z, config, Some(&Limit { task, budget, fallback }), None))
    }

    /// [`Self::search_within`], and up to `k` (at most [`MAX_SHORTLIST`]) distinct discrete
    /// architectures within the budget: every iterate's discretization is remembered with its
    /// best score, and the shortlist takes them best first, each differing from those taken in at
    /// least `min_distance` choices when enough do ([`Pool::select`]). When the climb reached
    /// fewer than `k` (a budget leaves few iterates within it) and the space is small enough to
    /// score whole, its best architectures by discrete score not yet listed fill the list, after
    /// the climb's ([`Self::exhaustive_within`]): k distinct architectures on the tiny preset
    /// (apart from one another by `min_distance` when enough are, not necessarily from the
    /// climb's).
    /// The search's path and answer are the same bits as without a shortlist.
    ///
    /// # Errors
    /// [`BudgetError`] when no architecture of the preset fits the budget on this task.
    pub fn shortlist_within(
        &self,
        z: &TaskEmbedding,
        config: &SearchConfig,
        task: &TaskShape,
        budget: &Budget,
        k: usize,
        min_distance: usize,
    ) -> Result<Shortlist<'a, P>, BudgetError> {
        let limit = if budget.is_limited() {
            Some(Limit { task, budget, fallback: widest_within(&P::LAYOUT, task, budget)? })
        } else {
            None
        };
        let mut pool = Pool::default();
        let result = self.climb(z, config, limit.as_ref(), Some(&mut pool));
        let scorer = self.network().scorer(z);
        let mut u = P::Arch::zeroed();
        // As one-hot as the logits the ascent may reach.
        let mut discrete_score = |d: &Discrete| {
            d.write_logits(u.as_mut(), config.logit_bound);
            scorer.score(u.as_ref())
        };
        let mut candidates = heapless::Vec::new();
        for (discrete, score) in pool.select(k, min_distance) {
            let candidate = Candidate {
                discrete_score: discrete_score(&discrete),
                cost: discrete_cost(&discrete, task),
                discrete,
                score,
                climbed: true,
            };
            let _ = candidates.push(candidate);
        }
        let k = k.min(MAX_SHORTLIST);
        if candidates.len() < k
            && let Ok(space) = self.exhaustive_within(z, task, budget, MAX_SHORTLIST, min_distance)
        {
            // At most `candidates.len()` of the space's best are listed already, so the rest fill
            // the list.
            for mut c in space.best {
                if candidates.len() >= k {
                    break;
                }
                if candidates.iter().all(|o| o.discrete != c.discrete) {
                    // Its discrete score as the climb's entries have theirs.
                    c.discrete_score = discrete_score(&c.discrete);
                    let _ = candidates.push(c);
                }
            }
        }
        Ok(Shortlist { result, candidates })
    }

    fn climb(
        &self,
        z: &TaskEmbedding,
        config: &SearchConfig,
        limit: Option<&Limit<'_>>,
        mut pool: Option<&mut Pool>,
    ) -> SearchResult<'a, P> {
        let scorer = self.network().scorer(z);
        let nearest = self.nearest_tasks(z);
        let tasks = self.tasks();
        let mut best_arch = P::Arch::zeroed();
        let mut best_score = f32::NEG_INFINITY;
        let mut best_start = Start { task: "", rank: 0, accuracy: 0.0, score: f32::NEG_INFINITY };
        let mut u = P::Arch::zeroed();
        let mut grad = P::Arch::zeroed();
        let stored = nearest.iter().flat_map(|n| (0..TOP_K).map(move |rank| (Some(n), rank)));
        let extra = limit.map(|_| (None, 0));
        let mut climbed: heapless::Vec<usize, { NEAREST_TASKS * TOP_K }> = heapless::Vec::new();
        for (neighbour, rank) in stored.chain(extra) {
            let (name, accuracy) = match (neighbour, limit) {
                (Some(n), _) => {
                    let task = n.index as usize;
                    // Nearby tasks share top architectures: an architecture already climbed
                    // would climb the same path to the same scores, which neither the best (kept
                    // on a strictly higher score) nor the shortlist's pool would take (it raises
                    // an entry only on a strictly higher score, and once full its worst score
                    // never falls, so an evicted one cannot return at the same score).
                    let index = tasks.top_arch_index(task, rank);
                    if climbed.contains(&index) {
                        continue;
                    }
                    let _ = climbed.push(index);
                    tasks.top_arch_into(task, rank, P::ARCH_DIM, u.as_mut());
                    (n.name, tasks.top_score(task, rank))
                }
                (None, Some(limit)) => {
                    limit.fallback.write_logits(u.as_mut(), WITHIN_BUDGET_STRENGTH);
                    (WITHIN_BUDGET_START, 0.0)
                }
                (None, None) => continue,
            };
            let start_score = scorer.score(u.as_ref());
            for step in 0..=config.steps {
                let score = scorer.score_with_gradient(u.as_ref(), grad.as_mut());
                // Discretized once for both the budget and the shortlist, only when either asks.
                let discrete = (limit.is_some() || pool.is_some())
                    .then(|| Discrete::from_logits(&P::LAYOUT, u.as_ref()));
                let within = match (limit, &discrete) {
                    (Some(l), Some(d)) => l.allows(d),
                    _ => true,
                };
                if within && let (Some(pool), Some(d)) = (pool.as_deref_mut(), &discrete) {
                    pool.offer(d, score);
                }
                if within && score > best_score {
                    best_score = score;
                    best_arch = u;
                    best_start =
                        Start { task: name, rank: rank as u8, accuracy, score: start_score };
                }
                if step == config.steps {
                    break;
                }
                if let Some(limit) = limit {
                    limit.penalize::<P>(u.as_ref(), grad.as_mut());
                }
                ascend(u.as_mut(), grad.as_ref(), config);
            }
        }
        SearchResult {
            discrete: Discrete::from_logits(&P::LAYOUT, best_arch.as_ref()),
            arch: best_arch,
            score: best_score,
            nearest,
            start: best_start,
        }
    }
}

/// A budgeted search's limits and its guaranteed start.
struct Limit<'b> {
    task: &'b TaskShape,
    budget: &'b Budget,
    fallback: Discrete,
}

impl Limit<'_> {
    /// Whether `discrete` is within the budget.
    fn allows(&self, discrete: &Discrete) -> bool {
        self.budget.allows_discrete(discrete, self.task)
    }

    /// Subtracts the gradient of the budget penalty at `u` from `grad`.
    fn penalize<P: Preset>(&self, u: &[f32], grad: &mut [f32]) {
        let layout = P::LAYOUT;
        let mut soft = P::Arch::zeroed();
        softmax_groups(&layout, u, soft.as_mut());
        let expected = ExpectedCost::new(&layout, soft.as_ref(), self.task);
        let weight = |limit: Option<u32>, value: f32| match limit {
            Some(l) if value > l as f32 => -BUDGET_PENALTY / (l.max(1) as f32),
            _ => 0.0,
        };
        let weights = [
            weight(self.budget.max_params, expected.params),
            weight(self.budget.max_macs, expected.macs),
            weight(self.budget.max_ram_bytes, expected.ram_bytes),
            weight(self.budget.max_train_ram_bytes, expected.train_ram_bytes),
        ];
        if weights.iter().all(|&w| w == 0.0) {
            return;
        }
        let mut grad_soft = P::Arch::zeroed();
        expected.backward(&layout, soft.as_ref(), self.task, weights, grad_soft.as_mut());
        let mut grad_u = P::Arch::zeroed();
        softmax_groups_backward(&layout, soft.as_ref(), grad_soft.as_ref(), grad_u.as_mut());
        for (g, p) in grad.iter_mut().zip(grad_u.as_ref()) {
            *g += p;
        }
    }
}

/// One bounded ascent step: u += lr * g, shortened to `max_step`, logits kept in bounds.
fn ascend(u: &mut [f32], grad: &[f32], config: &SearchConfig) {
    let norm = libm::sqrtf(grad.iter().map(|g| g * g).sum());
    let scale = if config.learning_rate * norm > config.max_step {
        config.max_step / norm
    } else {
        config.learning_rate
    };
    for (v, g) in u.iter_mut().zip(grad) {
        // max/min rather than clamp, which has a panicking path.
        #[allow(clippy::manual_clamp)]
        let bounded = (*v + scale * g).max(-config.logit_bound).min(config.logit_bound);
        *v = bounded;
    }
}
