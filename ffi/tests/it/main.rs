//! The C API called the way C calls it: raw pointers into caller-owned storage and buffers.
//! One binary (the suites share the story's fixtures).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
#![allow(clippy::undocumented_unsafe_blocks, clippy::arithmetic_side_effects)]

mod bad_input;
mod story;
mod support;
