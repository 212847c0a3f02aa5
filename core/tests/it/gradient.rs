//! The analytic gradient of the score in u against central finite differences (f32 and int8
//! weights), and the per-group softmax invariance, for both presets.

use archrank_core::dims::{ArchBuffer, Paper, Preset, Tiny};
use archrank_core::fixture::{pseudo_random, random_weights};
use archrank_core::quantize::{Scales, quantize_weights};
use archrank_core::{Ranker, TaskEmbedding};

fn embedding(seed: u64) -> TaskEmbedding {
    TaskEmbedding::from_iterator(pseudo_random(seed, 50, 0.9))
}

fn check_gradient<P: Preset>(int8: bool) {
    let mut bytes = random_weights::<P>(11, 3);
    if int8 {
        bytes = quantize_weights(&bytes, Scales::Column, None).unwrap();
    }
    let ranker = Ranker::<P>::load(&bytes).unwrap();
    let scorer = ranker.network().scorer(&embedding(5));
    let mut checked = 0;
    for trial in 0..5u64 {
        let u_vec = pseudo_random(100 + trial, P::ARCH_DIM, 2.0);
        let mut grad = P::Arch::zeroed();
        scorer.score_with_gradient(&u_vec, grad.as_mut());
        for k in 0..P::ARCH_DIM {
            // f64 central differences of an f32 function: h large enough to beat rounding.
            let h = 1e-2f32;
            let mut plus = u_vec.clone();
            let mut minus = u_vec.clone();
            plus[k] += h;
            minus[k] -= h;
            let numeric = (f64::from(scorer.score(&plus)) - f64::from(scorer.score(&minus)))
                / (2.0 * f64::from(h));
            let analytic = f64::from(grad.as_ref()[k]);
            let tol = 2e-3 + 0.05 * analytic.abs().max(numeric.abs());
            assert!(
                (numeric - analytic).abs() <= tol,
                "component {k}: analytic {analytic}, numeric {numeric}"
            );
            checked += usize::from(analytic.abs() > 1e-4);
        }
    }
    assert!(checked > P::ARCH_DIM, "the gradient should not be mostly zero ({checked} nonzero)");
}

#[test]
fn score_gradient_matches_finite_differences_tiny() {
    check_gradient::<Tiny>(false);
    check_gradient::<Tiny>(true);
}

#[test]
fn score_gradient_matches_finite_differences_paper() {
    check_gradient::<Paper>(false);
    check_gradient::<Paper>(true);
}

fn check_group_shift<P: Preset>() {
    let bytes = random_weights::<P>(3, 2);
    let ranker = Ranker::<P>::load(&bytes).unwrap();
    let scorer = ranker.network().scorer(&embedding(9));
    let u = pseudo_random(42, P::ARCH_DIM, 1.5);
    let base = scorer.score(&u);
    let layout = P::LAYOUT;
    for g in 0..layout.group_count() {
        let (offset, len) = layout.group(g);
        let mut shifted = u.clone();
        for v in &mut shifted[offset..offset + len] {
            *v += 3.25;
        }
        let s = scorer.score(&shifted);
        assert!((s - base).abs() <= 1e-5, "group {g}: {base} vs {s}");
    }
    // Shifting a single component, by contrast, does change the score.
    let mut one = u.clone();
    one[0] += 3.0;
    assert!((scorer.score(&one) - base).abs() > 1e-6);
}

#[test]
fn constant_shift_of_a_group_leaves_score_unchanged() {
    check_group_shift::<Tiny>();
    check_group_shift::<Paper>();
}

#[test]
fn batch_scoring_equals_single_scoring() {
    let bytes = random_weights::<Tiny>(4, 2);
    let ranker = Ranker::<Tiny>::load(&bytes).unwrap();
    let scorer = ranker.network().scorer(&embedding(1));
    let us = pseudo_random(8, 7 * Tiny::ARCH_DIM, 2.0);
    let mut out = [0.0f32; 7];
    scorer.score_batch_into(&us, &mut out);
    for (u, s) in us.chunks(Tiny::ARCH_DIM).zip(out) {
        assert_eq!(scorer.score(u).to_bits(), s.to_bits());
    }
}
