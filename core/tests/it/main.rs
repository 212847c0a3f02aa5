//! The core's integration tests, one binary: encoder, gradients, search, the weights format and
//! every file's integrity.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod corruption;
mod discrete_scoring;
mod encoder;
mod exhaustive;
mod gradient;
mod landmarks;
mod quantized;
mod search;
mod set_encoder;
mod top_archs_trim;
mod training;
mod weights;
