//! The fit's optimizers over the flat parameter vector: SGD with momentum (the paper's) and Adam.

/// Adam's first-moment decay.
const ADAM_BETA1: f32 = 0.9;
/// Adam's second-moment decay.
const ADAM_BETA2: f32 = 0.999;
/// Adam's denominator floor.
const ADAM_EPSILON: f32 = 1e-8;

/// Which optimizer a fit uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Optimizer {
    /// Stochastic gradient descent with (heavy-ball) momentum: `v = mu v - lr g; w += v`.
    Sgd,
    /// Adam with bias correction (beta1 0.9, beta2 0.999); the momentum setting is unused.
    Adam,
}

impl Optimizer {
    /// Every optimizer.
    pub const ALL: [Self; 2] = [Self::Sgd, Self::Adam];

    /// Lower-case name, as the command line spells it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sgd => "sgd",
            Self::Adam => "adam",
        }
    }

    /// Parses an optimizer name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.name() == name)
    }
}

/// An optimizer's running state for one parameter vector.
#[derive(Clone, Debug)]
pub struct OptimizerState {
    kind: Optimizer,
    lr: f32,
    momentum: f32,
    /// SGD: the velocity. Adam: the first moment.
    first: Vec<f32>,
    /// Adam: the second moment (empty for SGD).
    second: Vec<f32>,
    beta1_power: f32,
    beta2_power: f32,
}

impl OptimizerState {
    /// A fresh state for `len` parameters.
    #[must_use]
    pub fn new(kind: Optimizer, lr: f32, momentum: f32, len: usize) -> Self {
        let second = if kind == Optimizer::Adam { vec![0.0; len] } else { Vec::new() };
        Self {
            kind,
            lr,
            momentum,
            first: vec![0.0; len],
            second,
            beta1_power: 1.0,
            beta2_power: 1.0,
        }
    }

    /// One update of `params` along `grad` (both of the state's length).
    pub fn step(&mut self, params: &mut [f32], grad: &[f32]) {
        match self.kind {
            Optimizer::Sgd => {
                for ((p, &g), v) in params.iter_mut().zip(grad).zip(&mut self.first) {
                    *v = self.momentum * *v - self.lr * g;
                    *p += *v;
                }
            }
            Optimizer::Adam => {
                self.beta1_power *= ADAM_BETA1;
                self.beta2_power *= ADAM_BETA2;
                let correction2 = (1.0 - self.beta2_power).sqrt();
                let step = self.lr * correction2 / (1.0 - self.beta1_power);
                let eps = ADAM_EPSILON * correction2;
                for (((p, &g), m), s) in
                    params.iter_mut().zip(grad).zip(&mut self.first).zip(&mut self.second)
                {
                    *m = ADAM_BETA1 * *m + (1.0 - ADAM_BETA1) * g;
                    *s = ADAM_BETA2 * *s + (1.0 - ADAM_BETA2) * g * g;
                    *p -= step * *m / (s.sqrt() + eps);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgd_momentum_by_hand() {
        let mut s = OptimizerState::new(Optimizer::Sgd, 0.1, 0.5, 1);
        let mut p = [1.0f32];
        s.step(&mut p, &[2.0]); // v = -0.2
        assert!((p[0] - 0.8).abs() < 1e-6);
        s.step(&mut p, &[2.0]); // v = -0.1 - 0.2 = -0.3
        assert!((p[0] - 0.5).abs() < 1e-6);
    }

    #[test]
    fn adam_first_step_is_lr_sized_and_both_minimise_a_bowl() {
        let mut s = OptimizerState::new(Optimizer::Adam, 0.01, 0.0, 2);
        let mut p = [1.0f32, -3.0];
        s.step(&mut p, &[5.0, -0.001]);
        assert!((p[0] - 0.99).abs() < 1e-5 && (p[1] + 2.99).abs() < 1e-4);
        for kind in Optimizer::ALL {
            assert_eq!(Optimizer::from_name(kind.name()), Some(kind));
            let mut s = OptimizerState::new(kind, 0.05, 0.5, 2);
            let mut p = [1.0f32, -2.0];
            for _ in 0..2000 {
                let g = [2.0 * p[0], 2.0 * p[1]];
                s.step(&mut p, &g);
            }
            assert!(p[0].abs() < 1e-2 && p[1].abs() < 1e-2, "{kind:?}: {p:?}");
        }
    }
}
