//! How far a task's embedding is from the training tasks, relative to how far they are from each
//! other: one part of the confidence of a choice, knowable without training anything.

use crate::dims::Preset;
use crate::ranking::network::TaskEmbedding;
use crate::ranking::ranker::Ranker;

impl<P: Preset> Ranker<'_, P> {
    /// The training tasks' typical spacing: the mean over them of the distance to the nearest
    /// other training task (0 with fewer than two tasks).
    #[must_use]
    pub fn typical_spacing(&self) -> f32 {
        let tasks = self.tasks();
        let n = tasks.len();
        if n < 2 {
            return 0.0;
        }
        let mut sum = 0.0;
        for i in 0..n {
            let z = tasks.embedding(i);
            let nearest = (0..n)
                .filter(|&j| j != i)
                .map(|j| tasks.distance_sq(j, &z))
                .fold(f32::INFINITY, f32::min);
            sum += libm::sqrtf(nearest);
        }
        sum / n as f32
    }

    /// The distance from `z` to the nearest training task over [`Self::typical_spacing`]: about 1
    /// for a task as near the training tasks as they are to each other, larger the farther it
    /// lies (`f32::MAX` when the tasks do not spread at all and `z` is not among them).
    #[must_use]
    pub fn novelty(&self, z: &TaskEmbedding) -> f32 {
        let nearest = self.nearest_tasks(z).first().map_or(0.0, |n| n.distance);
        let spacing = self.typical_spacing();
        if spacing > 0.0 {
            nearest / spacing
        } else if nearest > 0.0 {
            f32::MAX
        } else {
            0.0
        }
    }
}
