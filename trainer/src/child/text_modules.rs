//! Input modules for text tasks: hashed bags of word and character n-grams.
//!
//! These are offline stand-ins for the paper's TF-Hub text embeddings. Every module hashes its
//! tokens into [`TEXT_WIDTH`] buckets, counts them (term frequency) and L2-normalizes the row:
//! the core's [`text_bag`], which a device runs too.
//! Rows are stored sparsely, as sorted `(bucket, value)` lists, so the child's first layer is a
//! sparse product. Hashing needs no fitting, so nothing is learned from validation or test rows.

use archrank_core::text_input::text_bag;

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

/// The sparse, L2-normalized bags of `rows` for each of `modules`.
/// `text(i)` returns the task's row i. A row with no tokens is an empty (all-zero) row.
#[must_use]
pub fn text_features<'a>(
    text: &dyn Fn(usize) -> &'a str,
    rows: &[usize],
    modules: &[TextModule],
) -> Vec<SparseRows> {
    let mut counts = [0.0_f32; TEXT_WIDTH];
    modules
        .iter()
        .map(|&module| {
            let mut out =
                SparseRows { offsets: Vec::with_capacity(rows.len() + 1), entries: Vec::new() };
            out.offsets.push(0);
            for &r in rows {
                text_bag(module, text(r), &mut counts);
                for (i, &c) in counts.iter().enumerate() {
                    if c != 0.0 {
                        out.entries.push((i as u32, c));
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
        let feats = text_features(&text, &[0, 1, 2], &TEXT_MODULES);
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
        let feats = text_features(&text, &[0], &TEXT_MODULES[..3]);
        assert_ne!(feats[0].row(0), feats[1].row(0));
        assert_ne!(feats[0].row(0), feats[2].row(0));
    }
}
