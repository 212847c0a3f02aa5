//! The optimizers a child trains with: Adam (Kingma & Ba, 2015) with bias correction and no
//! weight decay — the schedule of step sizes and the update of one parameter, which the trainer's
//! children and a device's training both run ([`AdamStep::update`]), each over its own storage —
//! and SGD with momentum, which a device runs by default, with one moment instead of two.

/// Exponential decay of the first-moment estimate.
pub const BETA1: f32 = 0.9;
/// Exponential decay of the second-moment estimate.
pub const BETA2: f32 = 0.999;
/// Added to the root of the second moment to avoid division by zero.
pub const EPSILON: f32 = 1e-8;

/// Adam's step count and step size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adam {
    learning_rate: f32,
    beta1_power: f32,
    beta2_power: f32,
}

/// The constants of one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamStep {
    step: f32,
    epsilon: f32,
}

impl Adam {
    /// Before the first step, with step size `learning_rate`.
    #[must_use]
    pub const fn new(learning_rate: f32) -> Self {
        Self { learning_rate, beta1_power: 1.0, beta2_power: 1.0 }
    }

    /// The next step's constants: both bias corrections folded into the step size,
    /// `lr * sqrt(1 - b2^t) / (1 - b1^t)`.
    pub fn next_step(&mut self) -> AdamStep {
        self.beta1_power *= BETA1;
        self.beta2_power *= BETA2;
        let root = libm::sqrtf(1.0 - self.beta2_power);
        AdamStep {
            step: self.learning_rate * root / (1.0 - self.beta1_power),
            epsilon: EPSILON * root,
        }
    }
}

impl AdamStep {
    /// This step with its step size times `factor` (a decaying schedule's).
    #[must_use]
    pub fn scaled(self, factor: f32) -> Self {
        Self { step: self.step * factor, ..self }
    }

    /// Updates parameter `p` along its gradient `g`, with its moments `m` and `v`.
    #[inline]
    pub fn update(&self, p: &mut f32, g: f32, m: &mut f32, v: &mut f32) {
        self.update_with(p, g, m, v, libm::sqrtf);
    }

    /// [`Self::update`] with the square root `sqrt`, which must round correctly (as IEEE 754's
    /// does): a host passes its own, which its compiler can run on vectors (libm's is a scalar
    /// instruction on x86-64), for the same bits.
    #[inline]
    pub fn update_with(
        &self,
        p: &mut f32,
        g: f32,
        m: &mut f32,
        v: &mut f32,
        sqrt: impl Fn(f32) -> f32,
    ) {
        *m = BETA1 * *m + (1.0 - BETA1) * g;
        *v = BETA2 * *v + (1.0 - BETA2) * g * g;
        *p -= self.step * *m / (sqrt(*v) + self.epsilon);
    }
}

/// Which optimizer a child's training runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Optimizer {
    /// Adam with the configuration's learning rate (the trainer's).
    Adam,
    /// SGD with momentum: `m = momentum m + g; p -= learning_rate m`.
    Momentum {
        /// The momentum coefficient.
        momentum: f32,
    },
}

/// What a device trains with: SGD with momentum 0.9 (at the step size of
/// [`crate::child::training::TrainConfig::default`], 0.05). Measured against Adam on every numeric
/// bundled task (RESULTS.md, "Training on the device"): as accurate as Adam at 0.01 and more
/// than Adam at 0.001 (the trainer's until 2026-12-07) over this schedule's 300 steps, with one
/// moment per parameter instead of two (a fifth less memory for the parameters' copies).
pub const DEVICE_OPTIMIZER: Optimizer = Optimizer::Momentum { momentum: 0.9 };

impl Optimizer {
    /// Copies of the parameters training keeps with this optimizer: the weights, the best
    /// epoch's weights, the batch's gradient, and its moments (two for Adam, one for momentum).
    #[must_use]
    pub const fn parameter_copies(self) -> usize {
        match self {
            Self::Adam => 5,
            Self::Momentum { .. } => 4,
        }
    }
}

/// One SGD-with-momentum update of parameter `p` along its gradient `g`, with its moment `m`.
#[inline]
pub fn momentum_update(p: &mut f32, g: f32, m: &mut f32, momentum: f32, learning_rate: f32) {
    *m = momentum * *m + g;
    *p -= learning_rate * *m;
}
