//! Reading an architecture vector u: the per-group softmax, its gradient, a printable soft form
//! and the discretization (one input module, and per layer one base layer or skip).

use core::fmt;

use crate::dims::{Layout, MAX_LAYERS, PresetId, USE_SKIP};
use crate::space::input_modules::{InputModule, module_index};

/// Writes the softmax of every group of `u` into `out` (both of length U).
///
/// Groups are read through their own softmax, so adding a constant to one group's logits
/// changes nothing downstream.
pub fn softmax_groups(layout: &Layout, u: &[f32], out: &mut [f32]) {
    for g in 0..layout.group_count() {
        let (offset, len) = layout.group(g);
        let (Some(src), Some(dst)) =
            (u.get(offset..offset + len), out.get_mut(offset..offset + len))
        else {
            return;
        };
        softmax(src, dst);
    }
}

/// Numerically stable softmax of `src` into `dst`.
pub fn softmax(src: &[f32], dst: &mut [f32]) {
    let max = src.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = libm::expf(s - max);
        sum += *d;
    }
    let inv = 1.0 / sum;
    for d in dst.iter_mut() {
        *d *= inv;
    }
}

/// Back-propagates `grad_soft` (d/d softmax) through every group's softmax into `grad_u`.
///
/// For one group with probabilities s: d/du_k = s_k (g_k - sum_j s_j g_j).
pub fn softmax_groups_backward(
    layout: &Layout,
    soft: &[f32],
    grad_soft: &[f32],
    grad_u: &mut [f32],
) {
    for g in 0..layout.group_count() {
        let (offset, len) = layout.group(g);
        let range = offset..offset + len;
        let (Some(s), Some(gs), Some(gu)) =
            (soft.get(range.clone()), grad_soft.get(range.clone()), grad_u.get_mut(range))
        else {
            return;
        };
        let dot: f32 = s.iter().zip(gs).map(|(a, b)| a * b).sum();
        for ((out, &sk), &gk) in gu.iter_mut().zip(s).zip(gs) {
            *out = sk * (gk - dot);
        }
    }
}

/// Index of the largest value (the first one on ties; NaN never wins); 0 for an empty slice.
#[must_use]
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    let mut best_value = f32::NEG_INFINITY;
    for (i, &v) in values.iter().enumerate() {
        if v > best_value {
            best = i;
            best_value = v;
        }
    }
    best
}

/// One mixture layer of a discrete architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerChoice {
    /// The layer passes its input through.
    Skip,
    /// The layer is base layer `index` (activation `index / sizes`, width `index % sizes`).
    Base(u8),
}

/// The deployable form of an architecture: argmax of every group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discrete {
    /// The preset whose layout this follows.
    pub preset: PresetId,
    /// Chosen input module.
    pub module: u8,
    /// Per layer, the chosen base layer or skip.
    pub layers: heapless::Vec<LayerChoice, MAX_LAYERS>,
}

impl Discrete {
    /// Discretizes `u` (length U of `layout`): argmax module, per layer skip when its skip logit
    /// beats its use logit, else the argmax base layer.
    #[must_use]
    pub fn from_logits(layout: &Layout, u: &[f32]) -> Self {
        let module_logits = u.get(..layout.modules).unwrap_or(&[]);
        let mut layers = heapless::Vec::new();
        for l in 0..layout.layers {
            let use_skip = layout.use_skip_offset(l);
            let use_logit = u.get(use_skip).copied().unwrap_or(0.0);
            let skip_logit = u.get(use_skip + 1).copied().unwrap_or(0.0);
            let choice = if skip_logit > use_logit {
                LayerChoice::Skip
            } else {
                let off = layout.base_offset(l);
                let bases = u.get(off..off + layout.bases()).unwrap_or(&[]);
                LayerChoice::Base(argmax(bases) as u8)
            };
            // Capacity is MAX_LAYERS >= layout.layers (a compile-time assertion in `dims`).
            let _ = layers.push(choice);
        }
        Self { preset: layout.preset, module: argmax(module_logits) as u8, layers }
    }

    /// Writes the logits of this discrete architecture into `u`: `strength` on every chosen
    /// option, 0 elsewhere.
    pub fn write_logits(&self, u: &mut [f32], strength: f32) {
        let layout = self.preset.layout();
        u.iter_mut().for_each(|v| *v = 0.0);
        if let Some(v) = u.get_mut(usize::from(self.module)) {
            *v = strength;
        }
        for (l, choice) in self.layers.iter().enumerate() {
            let use_skip = layout.use_skip_offset(l);
            match choice {
                LayerChoice::Skip => {
                    if let Some(v) = u.get_mut(use_skip + 1) {
                        *v = strength;
                    }
                }
                LayerChoice::Base(b) => {
                    if let Some(v) = u.get_mut(use_skip) {
                        *v = strength;
                    }
                    if let Some(v) = u.get_mut(layout.base_offset(l) + usize::from(*b)) {
                        *v = strength;
                    }
                }
            }
        }
    }

    /// Writes this architecture's probabilities into `soft` (length U): the limit of the
    /// softmax of [`Self::write_logits`] as the strength grows, which is what a discrete network
    /// computes. 1 on every chosen option and 0 elsewhere, except a skipped layer's base layers,
    /// which it never reads: their logits are all equal, so each gets 1/B.
    pub fn write_soft(&self, soft: &mut [f32]) {
        let layout = self.preset.layout();
        soft.iter_mut().for_each(|v| *v = 0.0);
        let uniform = 1.0 / layout.bases() as f32;
        let mut set = |i: usize, p: f32| {
            if let Some(v) = soft.get_mut(i) {
                *v = p;
            }
        };
        set(usize::from(self.module), 1.0);
        for (l, choice) in self.layers.iter().enumerate() {
            let use_skip = layout.use_skip_offset(l);
            match choice {
                LayerChoice::Skip => {
                    (0..layout.bases()).for_each(|b| set(layout.base_offset(l) + b, uniform));
                    set(use_skip + 1, 1.0);
                }
                LayerChoice::Base(b) => {
                    set(layout.base_offset(l) + usize::from(*b), 1.0);
                    set(use_skip, 1.0);
                }
            }
        }
    }

    /// Parses a spec such as `m1/relu16/skip/tanh64` (what `Display` prints); the module may be
    /// named instead (`rank_gauss/relu16/skip/tanh64`, what [`Self::named`] prints).
    ///
    /// # Errors
    /// [`SpecError`] naming the part that is wrong.
    pub fn parse(preset: PresetId, spec: &str) -> Result<Self, SpecError> {
        let layout = preset.layout();
        let mut parts = spec.trim().split('/');
        let module_part = parts.next().unwrap_or("");
        let module = module_part
            .strip_prefix('m')
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&m| m < layout.modules)
            .or_else(|| module_index(module_part, preset))
            .and_then(|m| u8::try_from(m).ok())
            .ok_or(SpecError::BadModule { max: layout.modules })?;
        let mut layers = heapless::Vec::new();
        for (l, part) in parts.enumerate() {
            let choice = parse_layer(&layout, part).ok_or(SpecError::BadLayer { layer: l + 1 })?;
            layers
                .push(choice)
                .map_err(|_| SpecError::LayerCount { expected: layout.layers, found: l + 1 })?;
        }
        if layers.len() != layout.layers {
            return Err(SpecError::LayerCount { expected: layout.layers, found: layers.len() });
        }
        Ok(Self { preset, module, layers })
    }
}

impl Discrete {
    /// In how many choices (the input module, each layer) `self` and `other` differ.
    #[must_use]
    pub fn differing_choices(&self, other: &Self) -> usize {
        let layers = self.layers.iter().zip(&other.layers).filter(|(a, b)| a != b).count();
        usize::from(self.module != other.module)
            + layers
            + self.layers.len().abs_diff(other.layers.len())
    }

    /// A printable form that names the input module for a numeric or text task:
    /// `fourier/tanh64/tanh64/relu32` (the compact [`Display`](fmt::Display) form says `m2`).
    #[must_use]
    pub const fn named(&self, text: bool) -> Named<'_> {
        Named { arch: self, text }
    }

    fn write_layers(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let layout = self.preset.layout();
        for choice in &self.layers {
            match choice {
                LayerChoice::Skip => f.write_str("/skip")?,
                LayerChoice::Base(b) => match layout.base(usize::from(*b)) {
                    Some((act, width)) => write!(f, "/{}{}", act.name(), width)?,
                    None => f.write_str("/?")?,
                },
            }
        }
        Ok(())
    }
}

/// A discrete architecture with its input module named (see [`Discrete::named`]).
pub struct Named<'a> {
    arch: &'a Discrete,
    text: bool,
}

impl fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let module = InputModule::at(self.arch.preset, usize::from(self.arch.module), self.text);
        f.write_str(module.name())?;
        self.arch.write_layers(f)
    }
}

fn parse_layer(layout: &Layout, part: &str) -> Option<LayerChoice> {
    if part == "skip" {
        return Some(LayerChoice::Skip);
    }
    (0..layout.bases()).find_map(|i| {
        let (act, width) = layout.base(i)?;
        let rest = part.strip_prefix(act.name())?;
        (rest.parse::<usize>().ok()? == width).then_some(LayerChoice::Base(i as u8))
    })
}

impl fmt::Display for Discrete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m{}", self.module)?;
        self.write_layers(f)
    }
}

/// A discrete architecture spec that does not fit the preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecError {
    /// The first part must be `m<index>` with index below the module count.
    BadModule {
        /// Number of input modules of the preset.
        max: usize,
    },
    /// A layer part is neither `skip` nor `<relu|tanh><width>` of the preset.
    BadLayer {
        /// 1-based layer number.
        layer: usize,
    },
    /// The spec has the wrong number of layers.
    LayerCount {
        /// Layers of the preset.
        expected: usize,
        /// Layers in the spec.
        found: usize,
    },
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadModule { max } => {
                write!(
                    f,
                    "the spec must start with the input module: m0..m{} or its name (zscore, \
                     fourier, word_unigrams, ...)",
                    max - 1
                )
            }
            Self::BadLayer { layer } => {
                write!(f, "layer {layer} must be `skip` or an activation and width such as relu16")
            }
            Self::LayerCount { expected, found } => {
                write!(f, "the spec has {found} layers, the preset has {expected}")
            }
        }
    }
}

impl core::error::Error for SpecError {}

/// Prints the soft form of an architecture: each group's probabilities, largest first.
pub struct SoftView<'a> {
    layout: Layout,
    u: &'a [f32],
}

impl<'a> SoftView<'a> {
    /// A printable view of `u` under `layout`.
    #[must_use]
    pub fn new(layout: Layout, u: &'a [f32]) -> Self {
        Self { layout, u }
    }
}

impl fmt::Display for SoftView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let layout = &self.layout;
        let mut buf = [0.0f32; 16];
        let mut group = |f: &mut fmt::Formatter<'_>, g: usize| {
            let (offset, len) = layout.group(g);
            let Some(src) = self.u.get(offset..offset + len) else { return Ok(()) };
            let Some(dst) = buf.get_mut(..len) else { return Ok(()) };
            softmax(src, dst);
            for (i, p) in dst.iter().enumerate() {
                write!(f, " {}={:.2}", option_label(layout, g, i), p)?;
            }
            Ok(())
        };
        f.write_str("modules:")?;
        group(f, 0)?;
        for l in 0..layout.layers {
            write!(f, "\nlayer {}: use/skip:", l + 1)?;
            group(f, 1 + layout.layers + l)?;
            f.write_str(" |")?;
            group(f, 1 + l)?;
        }
        Ok(())
    }
}

/// The name of option `index` of softmax group `group` of `layout`, as people read it: `m1` for
/// an input module, `relu16` for a base layer, `use` or `skip`.
#[must_use]
pub fn option_label(layout: &Layout, group: usize, index: usize) -> OptionLabel {
    if group == 0 {
        OptionLabel::Module(index)
    } else if group <= layout.layers {
        OptionLabel::Base(layout.base(index))
    } else {
        OptionLabel::UseSkip(index)
    }
}

/// A printable option name (see [`option_label`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionLabel {
    /// Input module `m{index}`.
    Module(usize),
    /// `use` (0) or `skip` (1).
    UseSkip(usize),
    /// A base layer's activation and width (`?` when out of range).
    Base(Option<(crate::dims::Activation, usize)>),
}

impl fmt::Display for OptionLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Module(i) => write!(f, "m{i}"),
            Self::UseSkip(0) => f.write_str("use"),
            Self::UseSkip(_) => f.write_str("skip"),
            Self::Base(Some((act, w))) => write!(f, "{}{}", act.name(), w),
            Self::Base(None) => f.write_str("?"),
        }
    }
}

const _: () = assert!(USE_SKIP == 2);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn specs_name_their_module_and_parse_the_name_back() {
        let d = Discrete::parse(PresetId::Tiny, "m2/tanh64/skip/relu32").unwrap();
        assert_eq!(d.named(false).to_string(), "fourier/tanh64/skip/relu32");
        assert_eq!(d.named(true).to_string(), "char_3grams/tanh64/skip/relu32");
        assert_eq!(Discrete::parse(PresetId::Tiny, "fourier/tanh64/skip/relu32"), Ok(d.clone()));
        assert_eq!(Discrete::parse(PresetId::Tiny, "char_3grams/tanh64/skip/relu32"), Ok(d));
        assert_eq!(
            Discrete::parse(PresetId::Tiny, "pairwise/tanh64/skip/relu32"),
            Err(SpecError::BadModule { max: 5 }),
            "the tiny preset has no pairwise module"
        );
        let minmax = Discrete::parse(PresetId::Tiny, "minmax/skip/skip/relu8").unwrap();
        assert_eq!(
            (minmax.module, minmax.named(false).to_string()),
            (3, "minmax/skip/skip/relu8".into())
        );
        assert_eq!(minmax.named(true).to_string(), "char_4grams/skip/skip/relu8");
        let paper =
            Discrete::parse(PresetId::Paper, "minmax/skip/skip/skip/skip/skip/skip/relu256");
        assert_eq!(paper.map(|d| d.module), Ok(6));
    }
}
