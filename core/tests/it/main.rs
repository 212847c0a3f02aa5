//! The core's integration tests, one binary: encoder, gradients, search and the weights format.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod encoder;
mod gradient;
mod landmarks;
mod quantized;
mod search;
mod set_encoder;
mod training;
mod weights;
