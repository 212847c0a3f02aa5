//! The architecture space: the vocabulary the ranking, the search and the child share. The
//! layout of an architecture's logits u, its softmax groups and discrete form (`architecture`),
//! and the input modules' names and shapes (`input_modules`).
//!
//! May import: the kernels, `dims`, `error`.

pub mod architecture;
pub mod input_modules;
