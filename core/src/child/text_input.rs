//! A text input module applied to one text: a hashed bag of word or character n-grams over
//! [`TEXT_WIDTH`] buckets, L2-normalized. Streaming (no buffer beyond the bag), so a device runs
//! it; the trainer computes its children's features with this code too.
//!
//! Words are the maximal runs of alphanumeric characters, lower-cased character by character.
//! Word n-grams hash the lower-cased bytes with FNV-1a (one offset per kind of gram); character
//! n-grams run over each word padded with one space on each side.

use crate::dims::TEXT_WIDTH;
use crate::space::input_modules::TextModule;

/// FNV-1a's 64-bit offset basis.
pub const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;

/// FNV-1a over `bytes`, continuing from `hash`: stable on every machine and in every version.
#[must_use]
pub fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3))
}

fn fnv1a_char(hash: u64, c: char) -> u64 {
    let mut buf = [0_u8; 4];
    fnv1a(hash, c.encode_utf8(&mut buf).as_bytes())
}

/// The bucket of a hash: a final avalanche, so the low bits are well mixed.
fn bucket(hash: u64) -> usize {
    let mut z = hash;
    z = (z ^ (z >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    z ^= z >> 33;
    (z % TEXT_WIDTH as u64) as usize
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

fn lower(word: &str) -> impl Iterator<Item = char> + '_ {
    word.chars().flat_map(char::to_lowercase)
}

fn count(counts: &mut [f32; TEXT_WIDTH], hash: u64) {
    if let Some(c) = counts.get_mut(bucket(hash)) {
        *c += 1.0;
    }
}

fn add_words(text: &str, counts: &mut [f32; TEXT_WIDTH]) {
    for w in words(text) {
        count(counts, lower(w).fold(FNV_OFFSET ^ 1, fnv1a_char));
    }
}

fn add_word_bigrams(text: &str, counts: &mut [f32; TEXT_WIDTH]) {
    // The hash of "previous word + space", from which the pair's hash continues.
    let mut previous: Option<u64> = None;
    for w in words(text) {
        if let Some(state) = previous {
            count(counts, lower(w).fold(state, fnv1a_char));
        }
        previous = Some(fnv1a(lower(w).fold(FNV_OFFSET ^ 2, fnv1a_char), b" "));
    }
}

fn add_char_ngrams(text: &str, n: usize, counts: &mut [f32; TEXT_WIDTH]) {
    let mut window = [' '; 4];
    for w in words(text) {
        let mut seen = 0_usize;
        for c in core::iter::once(' ').chain(lower(w)).chain(core::iter::once(' ')) {
            window.copy_within(1.., 0);
            window[3] = c;
            seen += 1;
            if seen >= n {
                let gram = window.get(4 - n..).unwrap_or(&[]);
                count(
                    counts,
                    gram.iter().fold(FNV_OFFSET ^ (16 + n as u64), |h, &c| fnv1a_char(h, c)),
                );
            }
        }
    }
}

/// The bag of `module` over `text` into `counts` (overwritten): counts of the module's grams per
/// bucket, divided by their L2 norm (all zero for a text without a word).
pub fn text_bag(module: TextModule, text: &str, counts: &mut [f32; TEXT_WIDTH]) {
    counts.fill(0.0);
    match module {
        TextModule::WordUnigrams => add_words(text, counts),
        TextModule::WordBigrams => add_word_bigrams(text, counts),
        TextModule::CharTrigrams => add_char_ngrams(text, 3, counts),
        TextModule::CharFourgrams => add_char_ngrams(text, 4, counts),
        TextModule::WordUniBigrams => {
            add_words(text, counts);
            add_word_bigrams(text, counts);
        }
        TextModule::CharBigrams => add_char_ngrams(text, 2, counts),
        TextModule::WordPresence => {
            add_words(text, counts);
            counts.iter_mut().filter(|c| **c > 0.0).for_each(|c| *c = 1.0);
        }
    }
    let norm = libm::sqrtf(counts.iter().map(|c| c * c).sum::<f32>());
    if norm > 0.0 {
        counts.iter_mut().for_each(|c| *c /= norm);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::input_modules::TEXT_MODULES;

    fn bag(module: TextModule, text: &str) -> [f32; TEXT_WIDTH] {
        let mut counts = [0.0; TEXT_WIDTH];
        text_bag(module, text, &mut counts);
        counts
    }

    #[test]
    fn bags_are_unit_norm_or_empty() {
        for &m in &TEXT_MODULES {
            let b = bag(m, "The cat sat on the mat");
            let norm: f32 = b.iter().map(|v| v * v).sum();
            assert!((norm - 1.0).abs() < 1e-5, "{m:?}");
            assert!(bag(m, " ,. ").iter().all(|&v| v == 0.0));
        }
        // "dogs" three times: one unigram bucket, and presence equals it.
        let unigrams = bag(TextModule::WordUnigrams, "Dogs! dogs, DOGS.");
        assert_eq!(unigrams.iter().filter(|&&v| v != 0.0).count(), 1);
        assert_eq!(unigrams, bag(TextModule::WordPresence, "Dogs! dogs, DOGS."));
        assert_eq!(
            bag(TextModule::WordBigrams, "dogs dogs dogs").iter().filter(|&&v| v != 0.0).count(),
            1
        );
    }

    #[test]
    fn word_bigrams_hash_the_pair_with_a_space() {
        let h = fnv1a(fnv1a(fnv1a(FNV_OFFSET ^ 2, b"ab"), b" "), b"cd");
        let b = bag(TextModule::WordBigrams, "AB cd");
        assert_eq!(b[bucket(h)], 1.0);
        // Character trigrams of " ab ": " ab" and "ab ".
        let t = bag(TextModule::CharTrigrams, "ab");
        assert_eq!(t.iter().filter(|&&v| v != 0.0).count(), 2);
        let h = fnv1a(FNV_OFFSET ^ 19, b" ab");
        assert!(t[bucket(h)] > 0.0);
    }
}
