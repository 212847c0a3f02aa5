//! The child: the network a device trains and runs. Its input modules (`numeric_input`,
//! `text_input`, fitted on a device's samples by `input_fit`), inference (`inference`), training
//! (`training`, its optimizers `optimizer` and its memory `training_footprint`), its cost
//! (`cost`: parameters, multiply-adds, activation and training bytes, which the search reads)
//! and its model file (`model_format`).
//!
//! May import: the kernels, the space, task data, `dims`, `error`; never the ranking.

pub mod cost;
pub mod inference;
pub mod input_fit;
pub mod model_format;
pub mod numeric_input;
pub mod optimizer;
pub mod text_input;
pub mod training;
pub mod training_footprint;
