//! The facts about a task that an architecture's cost and a search depend on: what every
//! subsystem knows of a task before it sees a sample.

use crate::dims::PresetId;
use crate::space::input_modules::InputModule;

/// The facts about a task that an architecture's cost depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskShape {
    /// Numeric features (ignored for text).
    pub features: usize,
    /// Classes (the classifier's outputs).
    pub classes: usize,
    /// Whether the task is text (the text modules) or numeric.
    pub text: bool,
    /// Samples a device trains on (training and validation together); 0 when none are known.
    pub samples: usize,
}

impl TaskShape {
    /// Input module `index` of `preset` for this task's modality.
    #[must_use]
    pub const fn module(&self, preset: PresetId, index: usize) -> InputModule {
        InputModule::at(preset, index, self.text)
    }
}
