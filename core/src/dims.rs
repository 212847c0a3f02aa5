//! Every compile-time size of the system, in one place: the two search-space presets, the
//! sample encoder's layout and the ranking network's widths. No other file writes a literal
//! dimension.

use serde::{Deserialize, Serialize};

/// Which search space a ranker, a database run or a weights file belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PresetId {
    /// 5 input modules, 3 layers of 8 base layers: U = 35. Fits a microcontroller.
    Tiny,
    /// The paper's space: 7 input modules, 7 layers of 12 base layers: U = 105.
    Paper,
}

impl PresetId {
    /// The preset's lower-case name, as the command line spells it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Tiny => "tiny",
            Self::Paper => "paper",
        }
    }

    /// Parses a preset name (`tiny` or `paper`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "tiny" => Some(Self::Tiny),
            "paper" => Some(Self::Paper),
            _ => None,
        }
    }

    /// The layout of this preset's architecture vector.
    #[must_use]
    pub const fn layout(self) -> Layout {
        match self {
            Self::Tiny => Tiny::LAYOUT,
            Self::Paper => Paper::LAYOUT,
        }
    }
}

impl core::fmt::Display for PresetId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// A base layer's non-linearity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Activation {
    /// max(0, x)
    Relu,
    /// tanh(x)
    Tanh,
}

impl Activation {
    /// The activation's name as used in discrete architecture specs.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Relu => "relu",
            Self::Tanh => "tanh",
        }
    }

    /// The activation's slope where it output `y` (what back-propagation multiplies a gradient
    /// by): 1 or 0 for ReLU, `1 - y^2` for tanh.
    #[inline]
    #[must_use]
    pub fn slope_at_output(self, y: f32) -> f32 {
        match self {
            Self::Relu => {
                if y > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Self::Tanh => 1.0 - y * y,
        }
    }
}

/// The shape of an architecture vector u:
/// `[module logits: M] [layer 1 base logits: B] .. [layer L: B] [layer 1 use/skip: 2] .. [layer L: 2]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Which preset this is.
    pub preset: PresetId,
    /// Number of input modules M.
    pub modules: usize,
    /// Number of mixture layers L.
    pub layers: usize,
    /// Widths of the base layers, smallest first.
    pub base_sizes: &'static [usize],
    /// Activations of the base layers; base layer i has activation `i / sizes` and width `i % sizes`.
    pub activations: &'static [Activation],
}

impl Layout {
    /// Base layers per mixture layer, B = sizes x activations.
    #[must_use]
    pub const fn bases(&self) -> usize {
        self.base_sizes.len() * self.activations.len()
    }

    /// Length U of the architecture vector.
    #[must_use]
    pub const fn arch_dim(&self) -> usize {
        self.modules + self.layers * self.bases() + USE_SKIP * self.layers
    }

    /// Width of the widest base layer: every mixture layer's output is zero-padded to it.
    #[must_use]
    pub const fn max_width(&self) -> usize {
        let mut max = 0;
        let mut i = 0;
        while i < self.base_sizes.len() {
            if self.base_sizes[i] > max {
                max = self.base_sizes[i];
            }
            i += 1;
        }
        max
    }

    /// Activation and width of base layer `index` (in `0..bases()`).
    #[must_use]
    pub fn base(&self, index: usize) -> Option<(Activation, usize)> {
        let sizes = self.base_sizes.len();
        let act = *self.activations.get(index.checked_div(sizes)?)?;
        let width = *self.base_sizes.get(index.checked_rem(sizes)?)?;
        Some((act, width))
    }

    /// Offset in u of the module logits' group.
    #[must_use]
    pub const fn module_offset(&self) -> usize {
        0
    }

    /// Offset in u of layer `layer`'s base-layer logits.
    #[must_use]
    pub const fn base_offset(&self, layer: usize) -> usize {
        self.modules + layer * self.bases()
    }

    /// Offset in u of layer `layer`'s (use, skip) logits.
    #[must_use]
    pub const fn use_skip_offset(&self, layer: usize) -> usize {
        self.modules + self.layers * self.bases() + USE_SKIP * layer
    }

    /// Number of softmax groups: one for the modules, then L base groups, then L use/skip pairs.
    #[must_use]
    pub const fn group_count(&self) -> usize {
        1 + 2 * self.layers
    }

    /// The `(offset, length)` of softmax group `group` (in `0..group_count()`).
    #[must_use]
    pub const fn group(&self, group: usize) -> (usize, usize) {
        if group == 0 {
            (0, self.modules)
        } else if group <= self.layers {
            (self.base_offset(group - 1), self.bases())
        } else {
            (self.use_skip_offset(group - 1 - self.layers), USE_SKIP)
        }
    }
}

/// Length of each layer's use/skip group.
pub const USE_SKIP: usize = 2;

/// The largest number of layers of any preset (bounds the discrete form on the stack).
pub const MAX_LAYERS: usize = 7;

/// The largest number of base-layer widths of any preset (bounds the cost model's tables).
pub const MAX_BASE_SIZES: usize = 6;

/// A compiled-in search space. Implemented by [`Tiny`] and [`Paper`].
pub trait Preset: Copy + core::fmt::Debug + Default + 'static {
    /// The preset's layout.
    const LAYOUT: Layout;
    /// U, the architecture vector's length (checked against the layout at compile time).
    const ARCH_DIM: usize;
    /// A stack buffer of exactly U floats.
    type Arch: ArchBuffer;
}

/// A fixed-size float buffer of one architecture's length, held on the stack.
pub trait ArchBuffer: Copy + core::fmt::Debug + AsRef<[f32]> + AsMut<[f32]> {
    /// A buffer of zeros.
    fn zeroed() -> Self;
}

impl<const N: usize> ArchBuffer for [f32; N] {
    fn zeroed() -> Self {
        [0.0; N]
    }
}

/// The microcontroller-sized preset: U = 35.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tiny;

impl Preset for Tiny {
    const LAYOUT: Layout = Layout {
        preset: PresetId::Tiny,
        modules: 5,
        layers: 3,
        base_sizes: &[8, 16, 32, 64],
        activations: &[Activation::Relu, Activation::Tanh],
    };
    const ARCH_DIM: usize = 35;
    type Arch = [f32; 35];
}

/// The paper's preset: U = 105.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Paper;

impl Preset for Paper {
    const LAYOUT: Layout = Layout {
        preset: PresetId::Paper,
        modules: 7,
        layers: 7,
        base_sizes: &[8, 16, 32, 64, 128, 256],
        activations: &[Activation::Relu, Activation::Tanh],
    };
    const ARCH_DIM: usize = 105;
    type Arch = [f32; 105];
}

const _: () = assert!(Tiny::LAYOUT.arch_dim() == Tiny::ARCH_DIM);
const _: () = assert!(Paper::LAYOUT.arch_dim() == Paper::ARCH_DIM);
const _: () = assert!(Tiny::LAYOUT.layers <= MAX_LAYERS && Paper::LAYOUT.layers <= MAX_LAYERS);
const _: () = assert!(
    Tiny::LAYOUT.base_sizes.len() <= MAX_BASE_SIZES
        && Paper::LAYOUT.base_sizes.len() <= MAX_BASE_SIZES
);

/// Runs `$body` with the type alias `$P` bound to the compiled preset named by `$id` (a
/// [`PresetId`]): the one place a run-time preset becomes a compile-time one.
///
/// ```
/// use archrank_core::{Preset, PresetId, with_preset};
/// let u = with_preset!(PresetId::Paper, P => P::ARCH_DIM);
/// assert_eq!(u, 105);
/// ```
#[macro_export]
macro_rules! with_preset {
    ($id:expr, $P:ident => $body:expr) => {
        match $id {
            $crate::PresetId::Tiny => {
                type $P = $crate::Tiny;
                $body
            }
            $crate::PresetId::Paper => {
                type $P = $crate::Paper;
                $body
            }
        }
    };
}

// ---- the child networks' inputs ----

/// Common output width of every numeric input module.
pub const NUMERIC_WIDTH: usize = 64;
/// Common output width of every text input module (hash buckets). Wider than any layer: a text
/// model's first dense layer, or its classifier when every layer skips (a linear model on the
/// bag), reads the bag in place (measured: RESULTS.md, "text runs repopulated: a linear model
/// on a wider bag").
pub const TEXT_WIDTH: usize = 4096;
/// Quantile bins per feature of the binned one-hot module.
pub const BINS: usize = 8;
/// Most feature pairs the pairwise-product module keeps (a seeded subset beyond this).
pub const MAX_PAIRS: usize = 4 * NUMERIC_WIDTH;

// ---- the sample encoder's layout (same for both presets) ----

/// Dimensions of the hashed sketch (numeric features) or hashed word bag (text).
pub const SKETCH_DIM: usize = 32;
/// Hash slots each numeric feature is spread over in the sketch.
pub const SKETCH_HASHES: usize = 2;
/// Order-free statistics of a row (numeric) or of a text's tokens.
pub const ROW_STATS_DIM: usize = 4;
/// One-hot label slots, by class frequency; rarer classes share the last slot.
pub const LABEL_SLOTS: usize = 8;
/// Task-shape scalars (size, feature and class counts, modality, prior, feature types).
pub const SHAPE_DIM: usize = 8;
/// Length of one encoded sample x.
pub const ENCODED_DIM: usize = SKETCH_DIM + ROW_STATS_DIM + LABEL_SLOTS + SHAPE_DIM;
/// Class ids the encoder accepts (0..MAX_CLASSES).
pub const MAX_CLASSES: usize = 128;
/// Where the row statistics start in an encoded sample (after the sketch).
pub const ROW_STATS_AT: usize = SKETCH_DIM;
/// Where the label one-hot starts in an encoded sample.
pub const LABEL_AT: usize = ROW_STATS_AT + ROW_STATS_DIM;
/// Where the task-shape scalars start in an encoded sample (the last block).
pub const SHAPE_AT: usize = LABEL_AT + LABEL_SLOTS;
/// Index, within the shape scalars, of the sample's own class prior: the only shape scalar that
/// varies from sample to sample, so not a property of the task.
pub const PRIOR_SLOT: usize = 4;

// ---- the feature-set encoder ----

/// Features the set encoder reads at most: a wider task's features are read evenly spaced.
pub const SET_FEATURES: usize = 64;
/// Values of an encoded text the set encoder reads as its features: the hashed word bag and the
/// token statistics.
pub const TEXT_SET_VALUES: usize = SKETCH_DIM + ROW_STATS_DIM;
/// Width of the feature layer f over one (value, label slot) pair.
pub const FEATURE_HIDDEN: usize = 16;
/// Width of the hidden layer of g, the network over one feature's mean of f.
pub const SET_HIDDEN: usize = 32;
/// Width of the set summary s: g's output, averaged over the features.
pub const SET_EMBED: usize = 16;
/// Task-level shape scalars in z: the shape block without the per-sample class prior.
pub const TASK_SCALARS: usize = SHAPE_DIM - 1;
/// Landmarker slots in z (filled only by the evaluation's controls, zero on a device).
pub const LANDMARK_SLOTS: usize = 4;
/// Where the shape scalars start in z (after the set summary).
pub const SCALARS_AT: usize = SET_EMBED;
/// Where the landmarker slots start in z.
pub const LANDMARKS_AT: usize = SCALARS_AT + TASK_SCALARS;
/// Width of the task embedding z = [set summary | shape scalars | landmarker slots].
pub const EMBED_DIM: usize = LANDMARKS_AT + LANDMARK_SLOTS;

const _: () = assert!(TEXT_SET_VALUES <= SET_FEATURES);

// ---- the ranking network (paper sizes) ----

/// Width of rho's first layer (and of the backbone's).
pub const RHO_HIDDEN1: usize = 50;
/// Width of rho's second layer (and of the backbone's).
pub const RHO_HIDDEN2: usize = 10;
/// Architectures stored per training task as search starts.
pub const TOP_K: usize = 5;
/// Nearest training tasks whose top architectures seed the search.
pub const NEAREST_TASKS: usize = 2;

/// The widest output of any layer of the ranking network: the int8 layers' scratch per column.
pub const MAX_LAYER_WIDTH: usize =
    max(max(RHO_HIDDEN1, RHO_HIDDEN2), max(max(SET_HIDDEN, SET_EMBED), FEATURE_HIDDEN));

const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}
