//! Adam (Kingma & Ba, 2015) with bias correction and no weight decay: the schedule of step sizes
//! and the update of one parameter. The trainer's children and a device's training both update
//! through [`AdamStep::update`], each over its own storage.

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
    /// Updates parameter `p` along its gradient `g`, with its moments `m` and `v`.
    #[inline]
    pub fn update(&self, p: &mut f32, g: f32, m: &mut f32, v: &mut f32) {
        *m = BETA1 * *m + (1.0 - BETA1) * g;
        *v = BETA2 * *v + (1.0 - BETA2) * g * g;
        *p -= self.step * *m / (libm::sqrtf(*v) + self.epsilon);
    }
}
