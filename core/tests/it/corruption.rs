//! Integrity: of 10,000 random corruptions of each file kind (ranker f32 and int8, model,
//! samples), none loads. Flipped bits, overwritten bytes, truncations, insertions, deletions and
//! forged 4 G lengths; the checksum trailer refuses what the decoder's own checks would let pass.

use std::path::Path;

use archrank_core::{AnyRanker, Model, SamplesFile};

/// Corruptions per file kind.
const CORRUPTIONS: usize = 10_000;

fn file(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)).unwrap()
}

/// A seeded generator (SplitMix64), so every run tries the same corruptions.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A corrupted copy of `bytes`, different from it.
fn corrupt(bytes: &[u8], rng: &mut SplitMix) -> Vec<u8> {
    loop {
        let mut b = bytes.to_vec();
        match rng.below(6) {
            0 => {
                for _ in 0..=rng.below(8) {
                    let bit = rng.below(b.len() * 8);
                    b[bit / 8] ^= 1 << (bit % 8);
                }
            }
            1 => {
                for _ in 0..=rng.below(4) {
                    let at = rng.below(b.len());
                    b[at] = rng.next() as u8;
                }
            }
            2 => b.truncate(rng.below(b.len())),
            3 => {
                let at = rng.below(b.len() + 1);
                let extra: Vec<u8> = (0..=rng.below(8)).map(|_| rng.next() as u8).collect();
                b.splice(at..at, extra);
            }
            4 => {
                let at = rng.below(b.len());
                let end = (at + 1 + rng.below(16)).min(b.len());
                b.drain(at..end);
            }
            _ => {
                let at = rng.below(b.len().saturating_sub(5));
                b[at..at + 5].copy_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
            }
        }
        if b != bytes {
            return b;
        }
    }
}

fn none_accepted(what: &str, bytes: &[u8], loads: impl Fn(&[u8]) -> bool, seed: u64) {
    assert!(loads(bytes), "the real {what} file loads");
    let mut rng = SplitMix(seed);
    let accepted: Vec<usize> =
        (0..CORRUPTIONS).filter(|_| loads(&corrupt(bytes, &mut rng))).collect();
    assert!(
        accepted.is_empty(),
        "{} of {CORRUPTIONS} corrupted {what} files loaded",
        accepted.len()
    );
}

#[test]
fn no_corrupted_ranker_loads() {
    let loads = |b: &[u8]| AnyRanker::load(b).is_ok();
    none_accepted("int8 ranker", &file("data/default-ranker-int8.postcard"), loads, 1);
    none_accepted(
        "paper f32 ranker",
        &file("firmware-example/assets/paper-ranker.postcard"),
        loads,
        2,
    );
}

#[test]
fn no_corrupted_model_loads() {
    let loads = |b: &[u8]| Model::load(b).is_ok();
    none_accepted("model", &file("firmware-example/assets/paper-model.postcard"), loads, 3);
}

#[test]
fn no_corrupted_samples_file_loads() {
    let loads = |b: &[u8]| SamplesFile::load(b).is_ok();
    none_accepted("samples", &file("firmware-example/assets/samples.postcard"), loads, 4);
}
