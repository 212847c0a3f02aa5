//! The memory a device's training takes, section by section, in one caller-provided byte arena:
//! what the cost model states ([`crate::child::cost::Cost::train_ram_bytes`], with the device's
//! optimizer) and what [`crate::child::training::train_child`] carves up, so the two cannot disagree.

use crate::child::input_fit::InputSections;
use crate::child::optimizer::{DEVICE_OPTIMIZER, Optimizer};
use crate::dims::{Layout, NUMERIC_WIDTH};
use crate::space::input_modules::{NumericModule, numeric_module_at};

/// Copies of the parameters a device's training keeps (with [`DEVICE_OPTIMIZER`]): what the cost
/// model states.
pub const PARAMETER_COPIES: usize = DEVICE_OPTIMIZER.parameter_copies();

/// Byte lengths of the arena's sections, in arena order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footprint {
    /// Weights, best weights, gradient and the optimizer's moments
    /// ([`Optimizer::parameter_copies`] x 4 bytes per parameter).
    pub parameters: usize,
    /// The fitted input module's stored sections (statistics, pairs, projection).
    pub input: usize,
    /// Every sample's staged values (the module's values before its projection, computed once),
    /// or the module fit's scratch if larger (it is used first).
    pub staged: usize,
    /// One sample's activations, stage by stage, each row as wide as the widest stage
    /// (back-propagation runs sample by sample and sums the batch's gradient; its gradient rows
    /// are on the stack).
    pub activations: usize,
    /// Every sample's label and index (the training order is shuffled in place).
    pub samples: usize,
}

impl Footprint {
    /// The arena of a discrete child of `params` parameters with input module `module` (an
    /// architecture's index) in `layout`, on `samples` numeric samples of `features` features and
    /// `classes` classes, the training part at most `samples`, trained with `optimizer`.
    #[must_use]
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        layout: &Layout,
        module: usize,
        params: usize,
        features: usize,
        classes: usize,
        samples: usize,
        optimizer: Optimizer,
    ) -> Self {
        let module = numeric_module_at(layout.preset, module);
        let input = InputSections::new(module, features, samples);
        let staged = samples.saturating_mul(staged_width(module, features)).saturating_mul(4);
        let row = activation_width(layout, classes);
        Self {
            parameters: params.saturating_mul(optimizer.parameter_copies() * 4),
            input: input.stored(),
            staged: if staged > input.scratch { staged } else { input.scratch },
            activations: (layout.layers + 2).saturating_mul(row).saturating_mul(4),
            samples: samples.saturating_mul(3),
        }
    }

    /// Bytes in all.
    #[must_use]
    pub const fn total(&self) -> usize {
        self.parameters
            .saturating_add(self.input)
            .saturating_add(self.staged)
            .saturating_add(self.activations)
            .saturating_add(self.samples)
    }
}

/// Values a sample is staged as for module `module` (see
/// [`crate::child::numeric_input::NumericInput::staged_width`]).
#[must_use]
pub const fn staged_width(module: NumericModule, features: usize) -> usize {
    match module {
        NumericModule::Pairwise => NumericModule::Pairwise.raw_width(features),
        _ => features,
    }
}

/// Floats of one activation row: the widest of the module's output, any layer and the logits.
#[must_use]
pub const fn activation_width(layout: &Layout, classes: usize) -> usize {
    let mut w = NUMERIC_WIDTH;
    if layout.max_width() > w {
        w = layout.max_width();
    }
    if classes > w { classes } else { w }
}
