//! The logits of a discrete architecture, as a child is trained on it: the discrete form is the
//! core's [`Discrete`]; a child reads every chosen option at a logit of [`DISCRETE_LOGIT`].

use archrank_core::dims::Layout;
use archrank_core::{Discrete, LayerChoice, PresetId, SpecError};

/// Logit of a chosen option: softmax weight 1 - 5e-4 against 11 zeros.
pub const DISCRETE_LOGIT: f32 = 10.0;

/// The logits of a discrete architecture: +10 on every chosen option, 0 elsewhere (through the
/// core's [`Discrete`], the one definition of the discrete form).
///
/// `module` is the input module; `layers[l]` is `Some(base index)` to use base layer `base index`
/// in layer l, or `None` to skip the layer.
#[must_use]
pub fn discrete_to_logits(layout: &Layout, module: usize, layers: &[Option<usize>]) -> Vec<f32> {
    let mut discrete =
        Discrete { preset: layout.preset, module: module as u8, layers: heapless::Vec::new() };
    for choice in layers.iter().take(layout.layers) {
        let _ =
            discrete.layers.push(choice.map_or(LayerChoice::Skip, |b| LayerChoice::Base(b as u8)));
    }
    let mut u = vec![0.0_f32; layout.arch_dim()];
    discrete.write_logits(&mut u, DISCRETE_LOGIT);
    u
}

/// The logits of a discrete spec such as `m1/relu16/skip/tanh64` (what search prints).
///
/// # Errors
/// The [`SpecError`] naming the part of the spec that does not fit the preset.
pub fn spec_to_logits(spec: &str, preset: PresetId) -> Result<Vec<f32>, SpecError> {
    let d = Discrete::parse(preset, spec)?;
    let mut u = vec![0.0; preset.layout().arch_dim()];
    d.write_logits(&mut u, DISCRETE_LOGIT);
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use archrank_core::dims::{Preset, Tiny};

    #[test]
    fn discrete_round_trips_through_logits() {
        let layout = Tiny::LAYOUT;
        let layers = vec![Some(3), None, Some(7)];
        let u = discrete_to_logits(&layout, 2, &layers);
        assert_eq!(u.len(), 35);
        assert_eq!(u.iter().filter(|&&x| x == 10.0).count(), 1 + 2 + 3);
        assert_eq!(Discrete::from_logits(&layout, &u).to_string(), "m2/relu64/skip/tanh64");
    }
}
