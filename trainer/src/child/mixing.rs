//! The per-group softmax of an architecture vector u: the weights a child mixes its input
//! modules, base layers and use/skip paths with.

use archrank_core::dims::{Layout, USE_SKIP};
use archrank_core::{Discrete, LayerChoice};

/// The softmax weights of every group of u.
#[derive(Clone, Debug, PartialEq)]
pub struct Mixing {
    /// Weight of each input module.
    pub modules: Vec<f32>,
    /// Per layer, the weight of each base layer.
    pub bases: Vec<Vec<f32>>,
    /// Per layer, the weight of the layer's own output ("use").
    pub use_weight: Vec<f32>,
    /// Per layer, the weight of the padded input ("skip").
    pub skip_weight: Vec<f32>,
}

/// Softmax with the platform's `exp` and a division. The core's `architecture::softmax` (libm,
/// multiply by the inverse) differs in the last bits, and a child's training amplifies them:
/// on 12 runs the validation cross-entropy moved in the 8th digit. The bundled database was
/// populated with this one, so it stays until the database is repopulated.
fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&x| (x - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.iter().map(|&e| e / sum).collect()
}

impl Mixing {
    /// The per-group softmax of u (missing components read as 0).
    #[must_use]
    pub fn from_logits(layout: &Layout, u: &[f32]) -> Self {
        let group = |offset: usize, len: usize| -> Vec<f32> {
            softmax(
                &(offset..offset + len)
                    .map(|i| u.get(i).copied().unwrap_or(0.0))
                    .collect::<Vec<_>>(),
            )
        };
        let mut use_weight = Vec::with_capacity(layout.layers);
        let mut skip_weight = Vec::with_capacity(layout.layers);
        for l in 0..layout.layers {
            let pair = group(layout.use_skip_offset(l), USE_SKIP);
            use_weight.push(pair.first().copied().unwrap_or(1.0));
            skip_weight.push(pair.get(1).copied().unwrap_or(0.0));
        }
        Self {
            modules: group(layout.module_offset(), layout.modules),
            bases: (0..layout.layers)
                .map(|l| group(layout.base_offset(l), layout.bases()))
                .collect(),
            use_weight,
            skip_weight,
        }
    }
}

impl Mixing {
    /// Weights of exactly 1 on every option `arch` chooses and 0 elsewhere: the child is then
    /// exactly the discrete network a model file stores (the database's children read a
    /// discrete architecture through logits of 10, which leaks 5e-4 of weight to the rest).
    #[must_use]
    pub fn one_hot(layout: &Layout, arch: &Discrete) -> Self {
        let hot = |len: usize, at: Option<usize>| -> Vec<f32> {
            (0..len).map(|i| if Some(i) == at { 1.0 } else { 0.0 }).collect()
        };
        let mut mix = Self {
            modules: hot(layout.modules, Some(usize::from(arch.module))),
            bases: Vec::with_capacity(layout.layers),
            use_weight: Vec::with_capacity(layout.layers),
            skip_weight: Vec::with_capacity(layout.layers),
        };
        for l in 0..layout.layers {
            let choice = arch.layers.get(l).copied().unwrap_or(LayerChoice::Skip);
            let base = match choice {
                LayerChoice::Skip => None,
                LayerChoice::Base(b) => Some(usize::from(b)),
            };
            mix.bases.push(hot(layout.bases(), base));
            mix.use_weight.push(if base.is_some() { 1.0 } else { 0.0 });
            mix.skip_weight.push(if base.is_some() { 0.0 } else { 1.0 });
        }
        mix
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use archrank_core::dims::{Preset, Tiny};

    #[test]
    fn every_group_sums_to_one() {
        let layout = Tiny::LAYOUT;
        let u: Vec<f32> = (0..layout.arch_dim()).map(|i| (i % 5) as f32 - 2.0).collect();
        let mix = Mixing::from_logits(&layout, &u);
        assert!((mix.modules.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        for (l, bases) in mix.bases.iter().enumerate() {
            assert!((bases.iter().sum::<f32>() - 1.0).abs() < 1e-6);
            assert!((mix.use_weight[l] + mix.skip_weight[l] - 1.0).abs() < 1e-6);
        }
        let zeros = Mixing::from_logits(&layout, &[]);
        assert_eq!(zeros.use_weight, vec![0.5; 3]);
    }
}
