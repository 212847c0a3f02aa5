//! The ranking: the network that scores architectures for a task. The scoring network (`network`)
//! with its towers: the sample encoder (`sample_encoder`), the set encoder (`set_encoder`), the
//! task embedding (`task_embedding`) and the landmarkers (`landmarks`); its weights file
//! (`weights_format`, written as int8 by `quantize`), the training tasks' table (`task_table`;
//! `top_archs_trim` keeps fewer of each task's top architectures), the loaded ranker (`ranker`,
//! `any_ranker` when the preset is read from the file) and how far a task lies from the training
//! tasks (`novelty`). `fixture`: random weights for tests and benchmarks.
//!
//! May import: the kernels, the space, task data, `dims`, `error`; never the child.

pub mod any_ranker;
pub mod discrete_scoring;
#[cfg(feature = "alloc")]
pub mod fixture;
pub mod landmarks;
pub mod network;
pub mod novelty;
#[cfg(feature = "alloc")]
pub mod quantize;
pub mod ranker;
pub mod sample_encoder;
pub mod set_encoder;
pub mod task_embedding;
pub mod task_table;
#[cfg(feature = "alloc")]
pub mod top_archs_trim;
pub mod weights_format;
