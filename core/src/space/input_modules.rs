//! The input modules a child architecture chooses from: what they are called, how wide their
//! output is, and how many values they compute on the way ([`module_shape`]).
//!
//! An architecture addresses its input module by index (`m0`, `m1`, ...); what index m means
//! depends on the preset and the task's modality: numeric tasks read the preset's numeric
//! modules, text tasks its text modules ([`numeric_modules`], [`text_modules`]). The paper preset
//! has every module in the catalog's order below; the tiny preset five of each. A model file's
//! architecture keeps the preset's index; its input section names the module by its place in the
//! catalog ([`NumericModule::catalog_index`], [`TextModule::catalog_index`]), whatever the preset.

pub use crate::dims::{BINS, MAX_PAIRS};
use crate::dims::{NUMERIC_WIDTH, PresetId, TEXT_WIDTH};

/// The numeric input modules, in the catalog's order (the paper preset's logit order).
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

/// Every numeric module: the catalog, in the paper preset's logit order.
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

    /// The module's place in [`NUMERIC_MODULES`], as a model file stores it.
    #[must_use]
    pub const fn catalog_index(self) -> u8 {
        match self {
            Self::ZScore => 0,
            Self::RankGauss => 1,
            Self::Fourier => 2,
            Self::SignedLog => 3,
            Self::Binned => 4,
            Self::Pairwise => 5,
            Self::MinMax => 6,
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

/// The text input modules, in the catalog's order (the paper preset's logit order).
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

/// Every text module: the catalog, in the paper preset's logit order.
pub const TEXT_MODULES: [TextModule; 7] = [
    TextModule::WordUnigrams,
    TextModule::WordBigrams,
    TextModule::CharTrigrams,
    TextModule::CharFourgrams,
    TextModule::WordUniBigrams,
    TextModule::CharBigrams,
    TextModule::WordPresence,
];

/// The tiny preset's numeric modules, in its logit order: the catalog's first three, then
/// minmax and binned, the two of the paper preset's other four that raise the best choice
/// (RESULTS.md, "The paper preset's numeric modules as the searched group": +0.4 and +0.3
/// points of oracle accuracy; signed_log is zscore's twin, pairwise worse everywhere).
const TINY_NUMERIC_MODULES: [NumericModule; 5] = [
    NumericModule::ZScore,
    NumericModule::RankGauss,
    NumericModule::Fourier,
    NumericModule::MinMax,
    NumericModule::Binned,
];

/// The tiny preset's text modules, in its logit order: the catalog's first five.
const TINY_TEXT_MODULES: [TextModule; 5] = [
    TextModule::WordUnigrams,
    TextModule::WordBigrams,
    TextModule::CharTrigrams,
    TextModule::CharFourgrams,
    TextModule::WordUniBigrams,
];

const _: () = assert!(TINY_NUMERIC_MODULES.len() == PresetId::Tiny.layout().modules);
const _: () = assert!(TINY_TEXT_MODULES.len() == PresetId::Tiny.layout().modules);
const _: () = assert!(NUMERIC_MODULES.len() == PresetId::Paper.layout().modules);
const _: () = assert!(TEXT_MODULES.len() == PresetId::Paper.layout().modules);

/// The modules of `preset` for numeric tasks, in its logit order.
#[must_use]
pub const fn numeric_modules(preset: PresetId) -> &'static [NumericModule] {
    match preset {
        PresetId::Tiny => &TINY_NUMERIC_MODULES,
        PresetId::Paper => &NUMERIC_MODULES,
    }
}

/// The modules of `preset` for text tasks, in its logit order.
#[must_use]
pub const fn text_modules(preset: PresetId) -> &'static [TextModule] {
    match preset {
        PresetId::Tiny => &TINY_TEXT_MODULES,
        PresetId::Paper => &TEXT_MODULES,
    }
}

/// Numeric module `index` of `preset`; indices beyond the preset's modules wrap (indexing fixed
/// arrays, so no bounds check is left to fail).
#[must_use]
pub const fn numeric_module_at(preset: PresetId, index: usize) -> NumericModule {
    match preset {
        PresetId::Tiny => TINY_NUMERIC_MODULES[index % TINY_NUMERIC_MODULES.len()],
        PresetId::Paper => NUMERIC_MODULES[index % NUMERIC_MODULES.len()],
    }
}

/// Text module `index` of `preset`; indices beyond the preset's modules wrap.
#[must_use]
pub const fn text_module_at(preset: PresetId, index: usize) -> TextModule {
    match preset {
        PresetId::Tiny => TINY_TEXT_MODULES[index % TINY_TEXT_MODULES.len()],
        PresetId::Paper => TEXT_MODULES[index % TEXT_MODULES.len()],
    }
}

impl TextModule {
    /// The module's place in [`TEXT_MODULES`], as a model file stores it.
    #[must_use]
    pub const fn catalog_index(self) -> u8 {
        match self {
            Self::WordUnigrams => 0,
            Self::WordBigrams => 1,
            Self::CharTrigrams => 2,
            Self::CharFourgrams => 3,
            Self::WordUniBigrams => 4,
            Self::CharBigrams => 5,
            Self::WordPresence => 6,
        }
    }

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
    /// Module `index` of `preset` for a numeric (`text == false`) or text task; indices beyond
    /// the preset's modules wrap.
    #[must_use]
    pub const fn at(preset: PresetId, index: usize, text: bool) -> Self {
        if text {
            Self::Text(text_module_at(preset, index))
        } else {
            Self::Numeric(numeric_module_at(preset, index))
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

/// The logit index in `preset` of the module called `name`, in either modality's list (the
/// names are distinct), if the preset has it.
#[must_use]
pub fn module_index(name: &str, preset: PresetId) -> Option<usize> {
    let numeric = numeric_modules(preset).iter().position(|m| m.name() == name);
    numeric.or_else(|| text_modules(preset).iter().position(|m| m.name() == name))
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
        for preset in [PresetId::Tiny, PresetId::Paper] {
            for (i, m) in numeric_modules(preset).iter().enumerate() {
                assert_eq!(module_index(m.name(), preset), Some(i));
                assert_eq!(InputModule::at(preset, i, false), InputModule::Numeric(*m));
            }
            for (i, m) in text_modules(preset).iter().enumerate() {
                assert_eq!(module_index(m.name(), preset), Some(i));
                assert_eq!(InputModule::at(preset, i, true), InputModule::Text(*m));
            }
        }
        assert_eq!(module_index("pairwise", PresetId::Tiny), None, "tiny has no pairwise");
        assert_eq!(module_index("minmax", PresetId::Tiny), Some(3));
        assert_eq!(module_index("minmax", PresetId::Paper), Some(6));
        assert_eq!(module_index("nope", PresetId::Paper), None);
    }

    #[test]
    fn catalog_index_is_the_place_in_the_catalog() {
        for (i, m) in NUMERIC_MODULES.iter().enumerate() {
            assert_eq!(usize::from(m.catalog_index()), i);
        }
        for (i, m) in TEXT_MODULES.iter().enumerate() {
            assert_eq!(usize::from(m.catalog_index()), i);
        }
    }

    #[test]
    fn pairwise_keeps_at_most_max_pairs() {
        assert_eq!(NumericModule::Pairwise.raw_width(4), 10);
        assert_eq!(NumericModule::Pairwise.raw_width(100), MAX_PAIRS);
        assert_eq!(NumericModule::Binned.raw_width(3), 24);
        assert_eq!(NumericModule::Pairwise.macs(4), 10 + 10 * 64);
    }
}
