//! The ranking network's parameters as the trainer holds them: one `Vec<f32>` in the core's
//! storage order ([`tensor_sizes`], weights `[input][output]`), its seeded initialisation, and
//! the little-endian view the core reads.

use std::ops::Range;

use archrank_core::dims::{
    EMBED_DIM, FEATURE_HIDDEN, RHO_HIDDEN1, RHO_HIDDEN2, SET_EMBED, SET_HIDDEN,
};
use archrank_core::network::{TENSOR_NAMES, tensor_sizes};
use archrank_core::{Preset, RankerForm};

use crate::rng::Rng;

/// Index of each tensor in [`TENSOR_NAMES`] order (the core's definition).
pub(crate) use archrank_core::network::tensor;

/// Where each tensor lies in the flat parameter vector, for an architecture of length
/// `arch_dim`.
#[must_use]
pub fn tensor_ranges(arch_dim: usize) -> [Range<usize>; TENSOR_NAMES.len()] {
    let sizes = tensor_sizes(arch_dim);
    let mut start = 0;
    sizes.map(|n| {
        let r = start..start + n;
        start += n;
        r
    })
}

/// The little-endian bytes of `params`, in the form [`archrank_core::Network::from_params`]
/// reads.
#[must_use]
pub fn le_params(params: &[f32]) -> Vec<[u8; 4]> {
    params.iter().map(|v| v.to_le_bytes()).collect()
}

/// How a weight tensor is initialised: He for layers followed by ReLU, Glorot otherwise.
#[derive(Clone, Copy)]
enum Init {
    /// N(0, 2 / fan_in).
    He { fan_in: usize },
    /// N(0, 2 / (fan_in + fan_out)).
    Glorot { fan_in: usize, fan_out: usize },
    /// Zeros (biases).
    Zero,
}

/// Seeded initial parameters for preset `P`: He-normal weights for the layers followed by ReLU
/// (f, g's first layer, both towers' first two), Glorot-normal for g's tanh layer and the
/// linear outputs, zero biases; in the paper's form the backbone is zero (and stays so).
#[must_use]
pub fn init_params<P: Preset>(seed: u64, form: RankerForm) -> Vec<f32> {
    let rho1_in = P::ARCH_DIM + EMBED_DIM;
    let backbone = |init: Init| if form == RankerForm::Paper { Init::Zero } else { init };
    // f reads one value and one label slot: fan-in 2.
    let inits = [
        Init::He { fan_in: 2 },
        Init::He { fan_in: 2 },
        Init::Zero,
        Init::He { fan_in: FEATURE_HIDDEN },
        Init::Zero,
        Init::Glorot { fan_in: SET_HIDDEN, fan_out: SET_EMBED },
        Init::Zero,
        backbone(Init::He { fan_in: P::ARCH_DIM }),
        Init::Zero,
        backbone(Init::He { fan_in: RHO_HIDDEN1 }),
        Init::Zero,
        backbone(Init::Glorot { fan_in: RHO_HIDDEN2, fan_out: 1 }),
        Init::Zero,
        Init::He { fan_in: rho1_in },
        Init::He { fan_in: rho1_in },
        Init::Zero,
        Init::He { fan_in: RHO_HIDDEN1 },
        Init::Zero,
        Init::Glorot { fan_in: RHO_HIDDEN2, fan_out: 1 },
        Init::Zero,
    ];
    let mut rng = Rng::new(seed);
    let mut params = Vec::with_capacity(archrank_core::network::param_count(P::ARCH_DIM));
    for (n, init) in tensor_sizes(P::ARCH_DIM).into_iter().zip(inits) {
        let std = match init {
            Init::He { fan_in } => (2.0 / fan_in as f64).sqrt(),
            Init::Glorot { fan_in, fan_out } => (2.0 / (fan_in + fan_out) as f64).sqrt(),
            Init::Zero => 0.0,
        };
        params.extend((0..n).map(|_| if std == 0.0 { 0.0 } else { (rng.normal() * std) as f32 }));
    }
    params
}

#[cfg(test)]
mod tests {
    use archrank_core::network::param_count;
    use archrank_core::{Network, Paper, Tiny};

    use super::*;

    #[test]
    fn ranges_tile_the_parameters_and_the_core_accepts_them() {
        let ranges = tensor_ranges(Tiny::ARCH_DIM);
        assert_eq!(ranges[0].start, 0);
        for w in ranges.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
        assert_eq!(ranges[ranges.len() - 1].end, param_count(Tiny::ARCH_DIM));
        let params = init_params::<Paper>(3, RankerForm::Residual);
        assert_eq!(params.len(), param_count(Paper::ARCH_DIM));
        let le = le_params(&params);
        assert!(Network::<Paper>::from_params(&le, RankerForm::Residual).is_some());
        assert_eq!(params, init_params::<Paper>(3, RankerForm::Residual));
        assert_ne!(params, init_params::<Paper>(4, RankerForm::Residual));
        // Biases start at zero, weights do not.
        let r = tensor_ranges(Paper::ARCH_DIM);
        assert!(params[r[tensor::FEATURE_B].clone()].iter().all(|&v| v == 0.0));
        assert!(params[r[tensor::RHO1_WU].clone()].iter().any(|&v| v != 0.0));
        assert!(params[r[tensor::BACKBONE1_W].clone()].iter().any(|&v| v != 0.0));
        // The paper's form has no backbone.
        let paper = init_params::<Paper>(3, RankerForm::Paper);
        assert!(paper[r[tensor::BACKBONE1_W].clone()].iter().all(|&v| v == 0.0));
    }
}
