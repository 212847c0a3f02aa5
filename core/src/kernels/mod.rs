//! Kernels: the arithmetic every subsystem is built from. Dense layers over little-endian bytes
//! (`dense`), f32 and int8 tensors read in place (`tensor`), the fast tanh (`fast_tanh`), the
//! seeded generator (`rng`), the files' CRC-32 (`checksum`) and, on a host, a child's training
//! kernels over many samples at once (`sample_lanes`).
//!
//! May import: `dims` and `error` (the crate's plain files). Nothing of the crate imports
//! downward into here from a room below: this is the ground floor.

pub mod checksum;
pub mod dense;
pub mod fast_tanh;
pub mod rng;
#[cfg(feature = "runtime-dispatch")]
pub mod sample_lanes;
pub mod tensor;
