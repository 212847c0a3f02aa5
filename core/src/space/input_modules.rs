//! The input modules a child architecture chooses from: what they are called, how wide their
//! output is, and how many values they compute on the way ([`module_shape`]).
//!
//! An architecture addresses its input module by index (`m0`, `m1`, ...); what index m means
//! depends on the task's modality: numeric tasks read the numeric modules, text tasks the text
//! modules, both in the order below (the tiny preset uses the first three of each).

pub use crate::dims::{BINS, MAX_PAIRS};
use crate::dims::{NUMERIC_WIDTH, TEXT_WIDTH};

/// The numeric input modules, in the order the module logits address them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumericModule {
    /// (x - mean) / std.
    ZScore,
    /// The inverse normal CDF of the value's mid-rank among the training values.
    RankGauss,
    /// Random Fourier features cos(w . z + b) of the z-scored row (an RBF kernel sketch).
    Fourier,
    /// sign(x) ln(1 + |x|), then standardized.
    SignedLog,
    /// One-hot of the value's quantile bin, per feature.
    Binned,
    /// Products of pairs of z-scored features (squares included).
    Pairwise,
    /// (x - min) / (max - min) over the training rows.
    MinMax,
}

/// Every numeric module, in logit order.
pub const NUMERIC_MODULES: [NumericModule; 7] = [
    NumericModule::ZScore,
    NumericModule::RankGauss,
    NumericModule::Fourier,
    NumericModule::SignedLog,
    NumericModule::Binned,
    NumericModule::Pairwise,
    NumericModule::MinMax,
];

impl NumericModule {
    /// The name people read (`fourier`), which a spec may use instead of `m2`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::ZScore => "zscore",
            Self::RankGauss => "rank_gauss",
            Self::Fourier => "fourier",
            Self::SignedLog => "signed_log",
            Self::Binned => "binned",
            Self::Pairwise => "pairwise",
            Self::MinMax => "minmax",
        }
    }

    /// Width of the module's transformed row before its projection to [`NUMERIC_WIDTH`] (the
    /// Fourier module has no projection: its raw row is the z-scored features).
    #[must_use]
    pub const fn raw_width(self, features: usize) -> usize {
        match self {
            Self::Binned => features.saturating_mul(BINS),
            Self::Pairwise => {
                let pairs = features.saturating_mul(features.saturating_add(1)) / 2;
                if pairs < MAX_PAIRS { pairs } else { MAX_PAIRS }
            }
            _ => features,
        }
    }

    /// Multiply-adds of the module per sample: its projection to [`NUMERIC_WIDTH`] (one row per
    /// non-zero raw value: one per feature for the one-hot bins), the Fourier module's dot
    /// products, the pairwise module's products.
    #[must_use]
    pub const fn macs(self, features: usize) -> usize {
        let width = NUMERIC_WIDTH;
        match self {
            Self::Binned => features.saturating_mul(width),
            Self::Pairwise => {
                let pairs = self.raw_width(features);
                pairs.saturating_add(pairs.saturating_mul(width))
            }
            _ => features.saturating_mul(width),
        }
    }
}

/// The text input modules, in the order the module logits address them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextModule {
    /// Counts of lower-cased words.
    WordUnigrams,
    /// Counts of adjacent word pairs.
    WordBigrams,
    /// Counts of character 3-grams (words padded with one space each side).
    CharTrigrams,
    /// Counts of character 4-grams.
    CharFourgrams,
    /// Counts of words and of adjacent word pairs in one bag.
    WordUniBigrams,
    /// Counts of character 2-grams.
    CharBigrams,
    /// 1 for every word present, whatever its count.
    WordPresence,
}

/// Every text module, in logit order.
pub const TEXT_MODULES: [TextModule; 7] = [
    TextModule::WordUnigrams,
    TextModule::WordBigrams,
    TextModule::CharTrigrams,
    TextModule::CharFourgrams,
    TextModule::WordUniBigrams,
    TextModule::CharBigrams,
    TextModule::WordPresence,
];

impl TextModule {
    /// The name people read (`word_bigrams`), which a spec may use instead of `m1`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::WordUnigrams => "word_unigrams",
            Self::WordBigrams => "word_bigrams",
            Self::CharTrigrams => "char_3grams",
            Self::CharFourgrams => "char_4grams",
            Self::WordUniBigrams => "word_uni_bigrams",
            Self::CharBigrams => "char_2grams",
            Self::WordPresence => "word_presence",
        }
    }
}

/// One input module, of either modality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputModule {
    /// A numeric task's module.
    Numeric(NumericModule),
    /// A text task's module.
    Text(TextModule),
}

impl InputModule {
    /// Module `index` of a numeric (`text == false`) or text task; indices beyond the list wrap
    /// (as the trainer's children read them).
    #[must_use]
    pub const fn at(index: usize, text: bool) -> Self {
        if text {
            Self::Text(TEXT_MODULES[index % TEXT_MODULES.len()])
        } else {
            Self::Numeric(NUMERIC_MODULES[index % NUMERIC_MODULES.len()])
        }
    }

    /// The module's name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Numeric(m) => m.name(),
            Self::Text(m) => m.name(),
        }
    }

    /// Width of the module's output, the first layer's input.
    #[must_use]
    pub const fn width(self) -> usize {
        match self {
            Self::Numeric(_) => NUMERIC_WIDTH,
            Self::Text(_) => TEXT_WIDTH,
        }
    }
}

/// The index of the module called `name` in either modality's list (the names are distinct),
/// if it is one of the first `modules`.
#[must_use]
pub fn module_index(name: &str, modules: usize) -> Option<usize> {
    let numeric = NUMERIC_MODULES.iter().position(|m| m.name() == name);
    let text = TEXT_MODULES.iter().position(|m| m.name() == name);
    numeric.or(text).filter(|&i| i < modules)
}

/// Values a module computes per sample, for the cost model: its scratch row (the raw values
/// before the projection; a text module counts into its output) and its multiply-adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModuleShape {
    /// Floats of the module's scratch row, beside its output.
    pub scratch: usize,
    /// Multiply-adds per sample (hashing and element-wise transforms count as none).
    pub macs: usize,
}

/// The shape of `module` on a task with `features` numeric features.
#[must_use]
pub const fn module_shape(module: InputModule, features: usize) -> ModuleShape {
    match module {
        InputModule::Numeric(m) => {
            ModuleShape { scratch: m.raw_width(features), macs: m.macs(features) }
        }
        InputModule::Text(_) => ModuleShape { scratch: 0, macs: 0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_parse_back() {
        for (i, m) in NUMERIC_MODULES.iter().enumerate() {
            assert_eq!(module_index(m.name(), 7), Some(i));
        }
        for (i, m) in TEXT_MODULES.iter().enumerate() {
            assert_eq!(module_index(m.name(), 7), Some(i));
        }
        assert_eq!(module_index("pairwise", 3), None, "the tiny preset has three modules");
        assert_eq!(module_index("nope", 7), None);
    }

    #[test]
    fn pairwise_keeps_at_most_max_pairs() {
        assert_eq!(NumericModule::Pairwise.raw_width(4), 10);
        assert_eq!(NumericModule::Pairwise.raw_width(100), MAX_PAIRS);
        assert_eq!(NumericModule::Binned.raw_width(3), 24);
        assert_eq!(NumericModule::Pairwise.macs(4), 10 + 10 * 64);
    }
}
