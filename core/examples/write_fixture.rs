//! Writes fixture assets for experiments without a fitted ranker (e.g. a new board's bring-up):
//! random `tiny` and `paper` weights of the real dimensions and synthetic numeric samples. The
//! firmware example itself embeds fitted rankers; write these elsewhere than its `assets/`.
//!
//! `cargo run -p archrank-core --features alloc --example write_fixture -- DIR`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use archrank_core::dims::{Paper, Tiny};
use archrank_core::fixture::{le_bytes, pseudo_random, random_weights};
use archrank_core::samples_format::SamplesFile;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: write_fixture DIR"));
    std::fs::write(dir.join("tiny-ranker.postcard"), random_weights::<Tiny>(1, 8)).unwrap();
    std::fs::write(dir.join("paper-ranker.postcard"), random_weights::<Paper>(1, 8)).unwrap();
    let (n, d) = (120usize, 6usize);
    let values = pseudo_random(9, n * d, 4.0);
    let labels: Vec<u8> = (0..n).map(|i| (i % 3) as u8).collect();
    let values = le_bytes(&values);
    let file = SamplesFile::new("synthetic", d as u32, &labels, &values, "");
    std::fs::write(dir.join("samples.postcard"), file.to_bytes().unwrap()).unwrap();
}
