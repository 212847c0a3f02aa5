//! A small, seedable, portable random number generator (SplitMix64 seeding xoshiro256**).
//!
//! Written out rather than taken from a crate so that "same seed, same bytes" does not depend on
//! a dependency's version: every random choice of the trainer and of a device's training goes
//! through this type. Its normal draws use libm, so a host and a device draw the same bits.

/// Deterministic pseudo-random generator.
#[derive(Clone, Debug)]
pub struct Rng {
    state: [u64; 4],
}

/// SplitMix64 step: spreads a seed into well-mixed words.
#[must_use]
pub fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Mixes several values into one seed (e.g. a global seed, a task id and a run index).
#[must_use]
pub fn derive_seed(parts: &[u64]) -> u64 {
    let mut acc = 0x6A09_E667_F3BC_C908_u64;
    for &p in parts {
        acc ^= p;
        acc = splitmix64(&mut acc);
    }
    acc
}

impl Rng {
    /// A generator seeded from `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        let mut s = seed;
        Self {
            state: [splitmix64(&mut s), splitmix64(&mut s), splitmix64(&mut s), splitmix64(&mut s)],
        }
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.state[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.state[1] << 17;
        self.state[2] ^= self.state[0];
        self.state[3] ^= self.state[1];
        self.state[1] ^= self.state[2];
        self.state[0] ^= self.state[3];
        self.state[2] ^= t;
        self.state[3] = self.state[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        // Lemire's multiply-shift; the tiny bias is irrelevant for our n.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Standard normal sample (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(core::f64::consts::TAU * u2)
    }

    /// Moves a uniform draw of `n` of `items`, without replacement, to its front (a partial
    /// Fisher-Yates shuffle; the rest keep no particular order).
    pub fn shuffle_front<T>(&mut self, items: &mut [T], n: usize) {
        for i in 0..n.min(items.len()) {
            let j = i + self.below(items.len() - i);
            items.swap(i, j);
        }
    }

    /// Shuffles a slice in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            // `below` keeps j <= i < len; said, so that the swap's own checks fold away.
            if i < items.len() && j <= i {
                items.swap(i, j);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }

    #[test]
    fn below_stays_in_range_and_covers() {
        let mut r = Rng::new(1);
        let mut seen = [false; 5];
        for _ in 0..200 {
            let v = r.below(5);
            seen[v] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn shuffle_front_draws_without_replacement_and_keeps_every_item() {
        let mut firsts = [0_u32; 6];
        for seed in 0..600 {
            let mut items = [0, 1, 2, 3, 4, 5];
            Rng::new(seed).shuffle_front(&mut items, 2);
            assert_ne!(items[0], items[1]);
            let mut sorted = items;
            sorted.sort_unstable();
            assert_eq!(sorted, [0, 1, 2, 3, 4, 5]);
            firsts[items[0]] += 1;
        }
        assert!(firsts.iter().all(|&n| n > 60), "every item comes first: {firsts:?}");
        let mut short = [1, 2];
        Rng::new(3).shuffle_front(&mut short, 10);
        assert!(short == [1, 2] || short == [2, 1]);
    }
}
