//! The Adam optimizer over one flat parameter vector.

/// Exponential decay of the first-moment estimate.
const BETA1: f32 = 0.9;
/// Exponential decay of the second-moment estimate.
const BETA2: f32 = 0.999;
/// Added to the root of the second moment to avoid division by zero.
const EPSILON: f32 = 1e-8;

/// Adam (Kingma & Ba, 2015) with bias correction and no weight decay.
#[derive(Clone, Debug)]
pub struct Adam {
    learning_rate: f32,
    m: Vec<f32>,
    v: Vec<f32>,
    beta1_power: f32,
    beta2_power: f32,
}

impl Adam {
    /// An optimizer for `params` parameters with step size `learning_rate`.
    #[must_use]
    pub fn new(params: usize, learning_rate: f32) -> Self {
        Self {
            learning_rate,
            m: vec![0.0; params],
            v: vec![0.0; params],
            beta1_power: 1.0,
            beta2_power: 1.0,
        }
    }

    /// One update of `params` along the gradient `grads` (same length as `params`).
    pub fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        self.beta1_power *= BETA1;
        self.beta2_power *= BETA2;
        // Fold both bias corrections into the step size: lr * sqrt(1 - b2^t) / (1 - b1^t).
        let step = self.learning_rate * (1.0 - self.beta2_power).sqrt() / (1.0 - self.beta1_power);
        let eps = EPSILON * (1.0 - self.beta2_power).sqrt();
        for (((p, &g), m), v) in params.iter_mut().zip(grads).zip(&mut self.m).zip(&mut self.v) {
            *m = BETA1 * *m + (1.0 - BETA1) * g;
            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
            *p -= step * *m / (v.sqrt() + eps);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_moves_each_parameter_by_the_learning_rate() {
        let mut adam = Adam::new(2, 0.1);
        let mut p = [1.0, -1.0];
        adam.step(&mut p, &[3.0, -0.01]);
        assert!((p[0] - 0.9).abs() < 1e-5);
        assert!((p[1] + 0.9).abs() < 1e-5);
    }

    #[test]
    fn minimizes_a_quadratic() {
        let mut adam = Adam::new(1, 0.05);
        let mut p = [5.0_f32];
        for _ in 0..2000 {
            let g = [2.0 * (p[0] - 2.0)];
            adam.step(&mut p, &g);
        }
        assert!((p[0] - 2.0).abs() < 1e-2);
    }
}
