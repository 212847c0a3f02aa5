//! The ranking network's parameters as the trainer holds them: one `Vec<f32>` in the core's
//! storage order ([`tensor_sizes`], weights `[input][output]`), its seeded initialisation, and
//! the little-endian view the core reads.

use std::ops::Range;

use archrank_core::Preset;
use archrank_core::dims::{EMBED_DIM, ENCODED_DIM, PHI_HIDDEN, RHO_HIDDEN1, RHO_HIDDEN2};
use archrank_core::network::{TENSOR_NAMES, tensor_sizes};

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

/// Seeded initial parameters for preset `P`: He-normal weights for the ReLU layers (phi1, rho1,
/// rho2), Glorot-normal for the tanh layer (phi2) and the linear output (rho3), zero biases.
#[must_use]
pub fn init_params<P: Preset>(seed: u64) -> Vec<f32> {
    let rho1_in = P::ARCH_DIM + EMBED_DIM;
    let inits = [
        Init::He { fan_in: ENCODED_DIM },
        Init::Zero,
        Init::Glorot { fan_in: PHI_HIDDEN, fan_out: EMBED_DIM },
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
        assert_eq!(ranges[10].end, param_count(Tiny::ARCH_DIM));
        let params = init_params::<Paper>(3);
        assert_eq!(params.len(), param_count(Paper::ARCH_DIM));
        let le = le_params(&params);
        assert!(Network::<Paper>::from_params(&le).is_some());
        assert_eq!(params, init_params::<Paper>(3));
        assert_ne!(params, init_params::<Paper>(4));
        // Biases start at zero, weights do not.
        let r = tensor_ranges(Paper::ARCH_DIM);
        assert!(params[r[tensor::PHI1_B].clone()].iter().all(|&v| v == 0.0));
        assert!(params[r[tensor::RHO1_WU].clone()].iter().any(|&v| v != 0.0));
    }
}
