//! The core's integration tests, one binary: encoder, gradients, search and the weights format.

mod encoder;
mod gradient;
mod search;
mod weights;
