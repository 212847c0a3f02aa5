//! Input modules for text tasks: hashed bags of word and character n-grams.
//!
//! These are offline stand-ins for the paper's TF-Hub text embeddings. Every module hashes its
//! tokens into [`TEXT_WIDTH`] buckets, counts them (term frequency) and L2-normalizes the row.
//! Rows are stored sparsely, as sorted `(bucket, value)` lists, so the child's first layer is a
//! sparse product. Hashing needs no fitting, so nothing is learned from validation or test rows.

use crate::rng::{FNV_OFFSET, fnv1a};

pub use archrank_core::dims::TEXT_WIDTH;
pub use archrank_core::input_modules::{TEXT_MODULES, TextModule};

/// Sparse rows: row i is `entries[offsets[i]..offsets[i + 1]]`, sorted by bucket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SparseRows {
    offsets: Vec<usize>,
    entries: Vec<(u32, f32)>,
}

impl SparseRows {
    /// The `(bucket, value)` pairs of row `i` (empty when out of range).
    #[must_use]
    pub fn row(&self, i: usize) -> &[(u32, f32)] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => self.entries.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Final avalanche so that the low bits used for the bucket are well mixed.
fn bucket(hash: u64) -> usize {
    let mut z = hash;
    z = (z ^ (z >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    z ^= z >> 33;
    (z % TEXT_WIDTH as u64) as usize
}

/// Lower-cased alphanumeric words.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn add_word_bigrams(ws: &[String], counts: &mut [f32]) {
    for pair in ws.windows(2) {
        if let [a, b] = pair {
            let h = fnv1a(fnv1a(fnv1a(FNV_OFFSET ^ 2, a.as_bytes()), b" "), b.as_bytes());
            if let Some(c) = counts.get_mut(bucket(h)) {
                *c += 1.0;
            }
        }
    }
}

fn add_words(ws: &[String], counts: &mut [f32], tag: u64) {
    for w in ws {
        if let Some(c) = counts.get_mut(bucket(fnv1a(FNV_OFFSET ^ tag, w.as_bytes()))) {
            *c += 1.0;
        }
    }
}

fn add_char_ngrams(ws: &[String], n: usize, counts: &mut [f32]) {
    let mut buf = [0_u8; 4];
    for w in ws {
        let chars: Vec<char> =
            std::iter::once(' ').chain(w.chars()).chain(std::iter::once(' ')).collect();
        for gram in chars.windows(n) {
            let mut h = FNV_OFFSET ^ (16 + n as u64);
            for ch in gram {
                h = fnv1a(h, ch.encode_utf8(&mut buf).as_bytes());
            }
            if let Some(c) = counts.get_mut(bucket(h)) {
                *c += 1.0;
            }
        }
    }
}

/// Fills `counts` (length [`TEXT_WIDTH`], zeroed) with the module's bag of `text`.
fn bag(module: TextModule, text: &str, counts: &mut [f32]) {
    let ws = words(text);
    match module {
        TextModule::WordUnigrams => add_words(&ws, counts, 1),
        TextModule::WordBigrams => add_word_bigrams(&ws, counts),
        TextModule::CharTrigrams => add_char_ngrams(&ws, 3, counts),
        TextModule::CharFourgrams => add_char_ngrams(&ws, 4, counts),
        TextModule::WordUniBigrams => {
            add_words(&ws, counts, 1);
            add_word_bigrams(&ws, counts);
        }
        TextModule::CharBigrams => add_char_ngrams(&ws, 2, counts),
        TextModule::WordPresence => {
            add_words(&ws, counts, 1);
            counts.iter_mut().filter(|c| **c > 0.0).for_each(|c| *c = 1.0);
        }
    }
}

/// The sparse, L2-normalized bags of `rows` for the first `modules` text modules.
/// `text(i)` returns the task's row i. A row with no tokens is an empty (all-zero) row.
#[must_use]
pub fn text_features<'a>(
    text: &dyn Fn(usize) -> &'a str,
    rows: &[usize],
    modules: usize,
) -> Vec<SparseRows> {
    let mut counts = vec![0.0_f32; TEXT_WIDTH];
    TEXT_MODULES
        .iter()
        .cycle()
        .take(modules)
        .map(|&module| {
            let mut out =
                SparseRows { offsets: Vec::with_capacity(rows.len() + 1), entries: Vec::new() };
            out.offsets.push(0);
            for &r in rows {
                counts.fill(0.0);
                bag(module, text(r), &mut counts);
                let norm = counts.iter().map(|c| c * c).sum::<f32>().sqrt();
                if norm > 0.0 {
                    for (i, &c) in counts.iter().enumerate() {
                        if c != 0.0 {
                            out.entries.push((i as u32, c / norm));
                        }
                    }
                }
                out.offsets.push(out.entries.len());
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bags_are_unit_norm_sorted_and_in_range() {
        let texts = ["The cat sat on the mat", "", "Dogs! dogs, DOGS."];
        let text = |i: usize| texts[i];
        let feats = text_features(&text, &[0, 1, 2], 7);
        assert_eq!(feats.len(), 7);
        for (m, f) in feats.iter().enumerate() {
            assert_eq!(f.len(), 3);
            assert!(f.row(1).is_empty());
            let row = f.row(0);
            assert!(row.windows(2).all(|w| w[0].0 < w[1].0));
            assert!(row.iter().all(|&(i, _)| (i as usize) < TEXT_WIDTH));
            let norm: f32 = row.iter().map(|&(_, v)| v * v).sum();
            assert!((norm - 1.0).abs() < 1e-5, "module {m}");
        }
        // "dogs" three times: one unigram bucket of value 1, and presence equals it.
        assert_eq!(feats[0].row(2).len(), 1);
        assert_eq!(feats[0].row(2), feats[6].row(2));
        // Bigram "dogs dogs" twice: one bucket.
        assert_eq!(feats[1].row(2).len(), 1);
    }

    #[test]
    fn different_modules_give_different_bags() {
        let texts = ["alpha beta gamma delta"];
        let text = |i: usize| texts[i];
        let feats = text_features(&text, &[0], 3);
        assert_ne!(feats[0].row(0), feats[1].row(0));
        assert_ne!(feats[0].row(0), feats[2].row(0));
    }
}
