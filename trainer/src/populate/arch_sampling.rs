//! Random architectures for the experiment database.
//!
//! An architecture is a vector u of logits laid out as in [`Layout`]; every softmax group picks
//! one input module, one base layer per mixture layer, or use/skip per layer. The database mixes
//! two kinds of random u (DESIGN §2): *soft* ones, whose every component is N(0, s^2) with a scale
//! s drawn log-uniformly per architecture, and *near-discrete* ones, where one option of every
//! group stands well above N(0, 0.5^2) noise. Near-discrete samples make the accuracy spread
//! across architectures larger than the seed noise, which is what the ranker learns from.

use archrank_core::dims::Layout;
use archrank_core::{Discrete, LayerChoice};

use crate::rng::Rng;

/// Smallest per-architecture scale of a soft sample.
const SOFT_SCALE_MIN: f64 = 0.3;
/// Largest per-architecture scale of a soft sample.
const SOFT_SCALE_MAX: f64 = 3.0;
/// Noise scale of a near-discrete sample.
const NEAR_DISCRETE_NOISE: f64 = 0.5;
/// Boost given to the chosen option of every group in a near-discrete sample.
const NEAR_DISCRETE_BOOST: f32 = 5.0;

/// Draws one random architecture: half the time soft, half the time near-discrete.
///
/// Soft: every component N(0, s^2) with s log-uniform in [0.3, 3] for this architecture.
/// Near-discrete: N(0, 0.5^2) noise plus +5 on one uniformly chosen option of every group.
#[must_use]
pub fn sample_architecture(layout: &Layout, rng: &mut Rng) -> Vec<f32> {
    let dim = layout.arch_dim();
    if rng.uniform() < 0.5 {
        let log_scale =
            SOFT_SCALE_MIN.ln() + rng.uniform() * (SOFT_SCALE_MAX / SOFT_SCALE_MIN).ln();
        let scale = log_scale.exp();
        (0..dim).map(|_| (rng.normal() * scale) as f32).collect()
    } else {
        let mut u: Vec<f32> =
            (0..dim).map(|_| (rng.normal() * NEAR_DISCRETE_NOISE) as f32).collect();
        for group in 0..layout.group_count() {
            let (offset, len) = layout.group(group);
            let pick = rng.below(len);
            if let Some(x) = u.get_mut(offset + pick) {
                *x += NEAR_DISCRETE_BOOST;
            }
        }
        u
    }
}

/// Draws one discrete architecture, stratified by depth so that every size a device's budget may
/// ask for is as well covered as the large ones: the number of used layers uniform in 0..=L,
/// which layers they are uniform among the subsets of that size, each used layer's base layer
/// uniform, and the input module uniform. (Uniform over the tiny space's 3,645 architectures,
/// only 1 in 729 would have no hidden layer and 24 in 729 one.)
#[must_use]
pub fn sample_discrete(layout: &Layout, rng: &mut Rng) -> Discrete {
    let module = rng.below(layout.modules) as u8;
    let used = rng.below(layout.layers + 1);
    // A uniform subset of `used` layers.
    let mut order: Vec<usize> = (0..layout.layers).collect();
    rng.shuffle_front(&mut order, used);
    let mut layers = heapless::Vec::new();
    for l in 0..layout.layers {
        let choice = if order[..used].contains(&l) {
            LayerChoice::Base(rng.below(layout.bases()) as u8)
        } else {
            LayerChoice::Skip
        };
        let _ = layers.push(choice);
    }
    Discrete { preset: layout.preset, module, layers }
}

#[cfg(test)]
mod tests {
    use super::*;
    use archrank_core::dims::{Paper, Preset, Tiny};

    #[test]
    fn discrete_samples_cover_every_depth_evenly() {
        let layout = Tiny::LAYOUT;
        let mut rng = Rng::new(5);
        let mut depths = [0usize; 4];
        let mut modules = [0usize; 5];
        for _ in 0..4000 {
            let d = sample_discrete(&layout, &mut rng);
            depths[d.layers.iter().filter(|c| **c != LayerChoice::Skip).count()] += 1;
            modules[usize::from(d.module)] += 1;
            assert_eq!(d.layers.len(), layout.layers);
        }
        for n in depths {
            assert!((850..1150).contains(&n), "{depths:?}");
        }
        for n in modules {
            assert!((700..900).contains(&n), "{modules:?}");
        }
        let paper = sample_discrete(&Paper::LAYOUT, &mut rng);
        assert_eq!(paper.layers.len(), 7);
    }

    #[test]
    fn samples_have_the_layout_length_and_are_finite() {
        let mut rng = Rng::new(3);
        for layout in [Tiny::LAYOUT, Paper::LAYOUT] {
            for _ in 0..50 {
                let u = sample_architecture(&layout, &mut rng);
                assert_eq!(u.len(), layout.arch_dim());
                assert!(u.iter().all(|x| x.is_finite()));
            }
        }
    }

    #[test]
    fn near_discrete_samples_have_a_clear_winner_per_group() {
        let layout = Tiny::LAYOUT;
        let mut rng = Rng::new(11);
        let mut near = 0;
        for _ in 0..200 {
            let u = sample_architecture(&layout, &mut rng);
            let clear = (0..layout.group_count()).all(|g| {
                let (o, n) = layout.group(g);
                let mut v: Vec<f32> = u[o..o + n].to_vec();
                v.sort_by(|a, b| b.total_cmp(a));
                v[0] - v[1] > 2.0
            });
            if clear {
                near += 1;
            }
        }
        // About half are near-discrete; soft ones rarely have a 2.0 gap in all 7 groups.
        assert!((70..=140).contains(&near), "near-discrete count {near}");
    }
}
