//! The Adam optimizer over one flat parameter vector: the core's update ([`AdamStep::update`],
//! which a device's training runs too) with the moments in vectors.

use std::ops::Range;

use archrank_core::optimizer::{Adam as Schedule, AdamStep};

/// Adam (Kingma & Ba, 2015) with bias correction and no weight decay.
#[derive(Clone, Debug)]
pub struct Adam {
    schedule: Schedule,
    m: Vec<f32>,
    v: Vec<f32>,
}

impl Adam {
    /// An optimizer for `params` parameters with step size `learning_rate`.
    #[must_use]
    pub fn new(params: usize, learning_rate: f32) -> Self {
        Self { schedule: Schedule::new(learning_rate), m: vec![0.0; params], v: vec![0.0; params] }
    }

    /// One update of `params` along the gradient `grads` (same length as `params`).
    pub fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        let all = 0..params.len();
        self.step_within(params, grads, std::slice::from_ref(&all));
    }

    /// [`Self::step`] on the parameters in `ranges` only: the same bits where every gradient
    /// outside them is zero at every step (a zero gradient leaves a parameter whose moments are
    /// zero where it is).
    pub fn step_within(&mut self, params: &mut [f32], grads: &[f32], ranges: &[Range<usize>]) {
        let step = self.schedule.next_step();
        for r in ranges {
            let (Some(p), Some(g), Some(m), Some(v)) = (
                params.get_mut(r.clone()),
                grads.get(r.clone()),
                self.m.get_mut(r.clone()),
                self.v.get_mut(r.clone()),
            ) else {
                continue;
            };
            update_all(step, p, g, m, v);
        }
    }
}

/// `step`'s update of every parameter; std's root (the same bits as libm's) lets the loop run on
/// vectors, AVX2's where the CPU has them (no fused multiply-add: the same bits).
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn update_all(step: AdamStep, params: &mut [f32], grads: &[f32], m: &mut [f32], v: &mut [f32]) {
    for (((p, &g), m), v) in params.iter_mut().zip(grads).zip(m).zip(v) {
        step.update_with(p, g, m, v, f32::sqrt);
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
