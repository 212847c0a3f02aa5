//! The fit's optimizers over the flat parameter vector: SGD with momentum (the paper's) and Adam
//! (the children's [`Adam`], one implementation for both).

use crate::child::adam::Adam;

/// Which optimizer a fit uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
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
}

/// An optimizer's running state for one parameter vector.
#[derive(Clone, Debug)]
pub enum OptimizerState {
    /// SGD with momentum and its velocity.
    Sgd {
        /// Learning rate.
        lr: f32,
        /// Momentum.
        momentum: f32,
        /// Velocity, one per parameter.
        velocity: Vec<f32>,
    },
    /// Adam: the same optimizer the children train with.
    Adam(Adam),
}

impl OptimizerState {
    /// A fresh state for `len` parameters.
    #[must_use]
    pub fn new(kind: Optimizer, lr: f32, momentum: f32, len: usize) -> Self {
        match kind {
            Optimizer::Sgd => Self::Sgd { lr, momentum, velocity: vec![0.0; len] },
            Optimizer::Adam => Self::Adam(Adam::new(len, lr)),
        }
    }

    /// One update of `params` along `grad` (both of the state's length).
    pub fn step(&mut self, params: &mut [f32], grad: &[f32]) {
        match self {
            Self::Sgd { lr, momentum, velocity } => {
                for ((p, &g), v) in params.iter_mut().zip(grad).zip(velocity) {
                    *v = *momentum * *v - *lr * g;
                    *p += *v;
                }
            }
            Self::Adam(adam) => adam.step(params, grad),
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
            assert_eq!(<Optimizer as clap::ValueEnum>::from_str(kind.name(), false), Ok(kind));
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
