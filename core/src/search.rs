//! The online phase: from a task embedding z, start at the top architectures of the nearest
//! training tasks and climb the predicted score by gradient ascent on u.

use crate::architecture::Discrete;
use crate::dims::{ArchBuffer, NEAREST_TASKS, Preset, TOP_K};
use crate::network::TaskEmbedding;
use crate::ranker::Ranker;
use crate::weights_format::SearchConfig;

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
        let mut best: heapless::Vec<(f32, usize), NEAREST_TASKS> = heapless::Vec::new();
        for i in 0..tasks.len() {
            let d = tasks.distance_sq(i, z);
            let at = best.iter().position(|&(bd, _)| d < bd).unwrap_or(best.len());
            if at < NEAREST_TASKS {
                if best.is_full() {
                    best.pop();
                }
                let _ = best.insert(at, (d, i));
            }
        }
        best.iter()
            .map(|&(d, i)| Neighbour {
                index: i as u32,
                name: tasks.name(i),
                distance: libm::sqrtf(d),
            })
            .collect()
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
        let scorer = self.network().scorer(z);
        let nearest = self.nearest_tasks(z);
        let tasks = self.tasks();
        let mut best_arch = P::Arch::zeroed();
        let mut best_score = f32::NEG_INFINITY;
        let mut best_start = Start { task: "", rank: 0, accuracy: 0.0, score: f32::NEG_INFINITY };
        let mut u = P::Arch::zeroed();
        let mut grad = P::Arch::zeroed();
        for neighbour in &nearest {
            let task = neighbour.index as usize;
            for rank in 0..TOP_K {
                tasks.top_arch_into(task, rank, P::ARCH_DIM, u.as_mut());
                let start_score = scorer.score(u.as_ref());
                for step in 0..=config.steps {
                    let score = scorer.score_with_gradient(u.as_ref(), grad.as_mut());
                    if score > best_score {
                        best_score = score;
                        best_arch = u;
                        best_start = Start {
                            task: neighbour.name,
                            rank: rank as u8,
                            accuracy: tasks.top_score(task, rank),
                            score: start_score,
                        };
                    }
                    if step == config.steps {
                        break;
                    }
                    ascend(u.as_mut(), grad.as_ref(), config);
                }
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
