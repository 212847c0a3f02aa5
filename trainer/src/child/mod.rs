//! Child models: the network an architecture vector u describes, trained on a task.
//!
//! A child mixes fixed input modules ([`numeric_modules`], [`text_modules`]) with the softmax of
//! u's module logits, stacks the layout's mixture layers ([`mixture_network`]) and a linear
//! softmax classifier, and trains with Adam ([`adam`]) under a step-floored budget with early
//! stopping on validation accuracy ([`training`]). [`prepare`] computes the modules' features of
//! a task once, so the ~100 children of a task share them:
//!
//! ```
//! use archrank_core::dims::PresetId;
//! use archrank_trainer::child::discrete_arch::discrete_to_logits;
//! use archrank_trainer::child::{ChildConfig, prepare, train_child};
//! use archrank_trainer::task::{Features, Split, Task};
//!
//! let labels: Vec<u32> = (0..120).map(|i| (i % 2) as u32).collect();
//! let values: Vec<f32> = labels.iter().map(|&y| if y == 0 { -1.0 } else { 1.0 }).collect();
//! let task = Task {
//!     name: "sign".into(),
//!     class_names: vec!["neg".into(), "pos".into()],
//!     labels,
//!     features: Features::Numeric { columns: vec!["x".into()], values },
//! };
//! let split = Split { train: (0..80).collect(), validation: (80..100).collect(), test: (100..120).collect() };
//! let layout = PresetId::Tiny.layout();
//! let config = ChildConfig { min_steps: 50, ..ChildConfig::default() };
//! let prepared = prepare(&task, &split, &layout, &config);
//! let u = discrete_to_logits(&layout, 0, &[Some(3), None, None]);
//! let outcome = train_child(&prepared, &u, &config, 7);
//! assert!(outcome.validation_accuracy > 0.9);
//! ```
//!
//! Children are single-threaded and deterministic; parallelism happens across children.

pub mod adam;
pub mod child_config;
pub mod discrete_arch;
pub mod gemm;
pub mod metrics;
pub mod mixing;
pub mod mixture_network;
pub mod numeric_modules;
pub mod prepared;
pub mod text_modules;
pub mod training;

#[cfg(test)]
mod tests;

pub use child_config::{ChildConfig, DEFAULT_MAX_ROWS};
pub use mixing::Mixing;
pub use mixture_network::{Network, Workspace};
pub use prepared::{ModuleFeatures, PreparedTask, prepare, prepare_seed};
pub use training::{ChildOutcome, planned_epochs, train_child, train_mixed};
