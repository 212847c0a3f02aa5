//! Random architectures for the experiment database, and the discrete form of an architecture.
//!
//! An architecture is a vector u of logits laid out as in [`Layout`]; every softmax group picks
//! one input module, one base layer per mixture layer, or use/skip per layer. The database mixes
//! two kinds of random u (DESIGN §2): *soft* ones, whose every component is N(0, s^2) with a scale
//! s drawn log-uniformly per architecture, and *near-discrete* ones, where one option of every
//! group stands well above N(0, 0.5^2) noise. Near-discrete samples make the accuracy spread
//! across architectures larger than the seed noise, which is what the ranker learns from.

use archrank_core::dims::{Layout, USE_SKIP};

use crate::rng::Rng;

/// Smallest per-architecture scale of a soft sample.
const SOFT_SCALE_MIN: f64 = 0.3;
/// Largest per-architecture scale of a soft sample.
const SOFT_SCALE_MAX: f64 = 3.0;
/// Noise scale of a near-discrete sample.
const NEAR_DISCRETE_NOISE: f64 = 0.5;
/// Boost given to the chosen option of every group in a near-discrete sample.
const NEAR_DISCRETE_BOOST: f32 = 5.0;
/// Logit of a chosen option in [`discrete_to_logits`]: softmax weight 1 - 5e-4 against 11 zeros.
const DISCRETE_LOGIT: f32 = 10.0;

/// Index of the "use" logit inside a layer's use/skip pair.
const USE_INDEX: usize = 0;
/// Index of the "skip" logit inside a layer's use/skip pair.
const SKIP_INDEX: usize = 1;

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

/// The logits of a discrete architecture: +10 on every chosen option, 0 elsewhere.
///
/// `module` is the input module; `layers[l]` is `Some(base index)` to use base layer `base index`
/// in layer l, or `None` to skip the layer. Out-of-range choices and missing layers are left at
/// zero logits in their group (uniform mixing) and, for missing layers, "use".
#[must_use]
pub fn discrete_to_logits(layout: &Layout, module: usize, layers: &[Option<usize>]) -> Vec<f32> {
    let mut u = vec![0.0_f32; layout.arch_dim()];
    let mut set = |index: usize| {
        if let Some(x) = u.get_mut(index) {
            *x = DISCRETE_LOGIT;
        }
    };
    if module < layout.modules {
        set(layout.module_offset() + module);
    }
    for layer in 0..layout.layers {
        let choice = layers.get(layer).copied().unwrap_or(Some(usize::MAX));
        match choice {
            Some(base) => {
                if base < layout.bases() {
                    set(layout.base_offset(layer) + base);
                }
                set(layout.use_skip_offset(layer) + USE_INDEX);
            }
            None => set(layout.use_skip_offset(layer) + SKIP_INDEX),
        }
    }
    u
}

/// Index of the largest value (the first one on ties; 0 for an empty slice).
fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values.get(best).copied().unwrap_or(f32::NEG_INFINITY) {
            best = i;
        }
    }
    best
}

/// The discrete form of u: the argmax input module and, per layer, the argmax base layer or
/// `None` when the layer's skip logit is larger than its use logit.
///
/// A u shorter than the layout reads missing components as 0.
#[must_use]
pub fn discretize(layout: &Layout, u: &[f32]) -> (usize, Vec<Option<usize>>) {
    let group = |offset: usize, len: usize| -> Vec<f32> {
        (offset..offset + len).map(|i| u.get(i).copied().unwrap_or(0.0)).collect()
    };
    let module = argmax(&group(layout.module_offset(), layout.modules));
    let layers = (0..layout.layers)
        .map(|layer| {
            let pair = group(layout.use_skip_offset(layer), USE_SKIP);
            let use_logit = pair.get(USE_INDEX).copied().unwrap_or(0.0);
            let skip_logit = pair.get(SKIP_INDEX).copied().unwrap_or(0.0);
            if skip_logit > use_logit {
                None
            } else {
                Some(argmax(&group(layout.base_offset(layer), layout.bases())))
            }
        })
        .collect();
    (module, layers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use archrank_core::dims::{Paper, Preset, Tiny};

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

    #[test]
    fn discrete_round_trips_through_logits() {
        let layout = Tiny::LAYOUT;
        let layers = vec![Some(3), None, Some(7)];
        let u = discrete_to_logits(&layout, 2, &layers);
        assert_eq!(u.len(), 33);
        assert_eq!(u.iter().filter(|&&x| x == 10.0).count(), 1 + 2 + 3);
        assert_eq!(discretize(&layout, &u), (2, layers));
    }

    #[test]
    fn discretize_reads_argmax_and_skip() {
        let layout = Tiny::LAYOUT;
        let mut u = vec![0.0; layout.arch_dim()];
        u[1] = 1.0;
        u[layout.base_offset(0) + 5] = 2.0;
        u[layout.use_skip_offset(1) + 1] = 0.5;
        let (m, layers) = discretize(&layout, &u);
        assert_eq!(m, 1);
        assert_eq!(layers, vec![Some(5), None, Some(0)]);
    }
}
