//! Task data: what every subsystem knows of a task. Its shape, the facts a cost depends on
//! (`shape`); numeric samples read one at a time (`numeric_samples`); and the samples file a
//! device embeds and trains on (`samples_format`).
//!
//! May import: the kernels, the space, `dims`, `error`.

pub mod numeric_samples;
pub mod samples_format;
pub mod shape;
