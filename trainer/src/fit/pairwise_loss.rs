//! The fit's losses (paper §3, DESIGN §4): L2 regression of the target on single runs, and the
//! linear and quadratic ranking losses over pairs of runs of one task, with a margin m and an
//! uncertainty gap.
//!
//! A pair (i, j) with `p_i - p_j > gap` costs `max(0, m - (v_i - v_j))` (linear) or
//! `max(0, m - (v_i - v_j))^2 / m` (quadratic); a pair within the gap costs nothing. Each
//! function returns the loss and its derivative in the scores v.

use archrank_core::LossKind;

/// The loss and its settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossSpec {
    /// Which loss.
    pub kind: LossKind,
    /// Ranking margin m (> 0; unused by L2).
    pub margin: f32,
    /// Uncertainty gap: pairs whose targets differ by no more than this cost nothing.
    pub gap: f32,
}

/// A run's predicted score v and its measured target p.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    /// Predicted score.
    pub v: f32,
    /// Measured target.
    pub p: f32,
}

/// The loss of one pair and its derivatives in the two scores.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PairLoss {
    /// Loss value.
    pub loss: f32,
    /// d loss / d v of the first run.
    pub d_first: f32,
    /// d loss / d v of the second run.
    pub d_second: f32,
}

/// `(v - p)^2` and its derivative in v.
#[must_use]
pub fn l2_loss(run: Scored) -> (f32, f32) {
    let d = run.v - run.p;
    (d * d, 2.0 * d)
}

/// The hinge of a ranking loss at score difference `diff = v_better - v_worse`: its value and
/// derivative in `diff`. L2 is not a ranking loss and costs nothing here.
#[must_use]
pub fn hinge(kind: LossKind, margin: f32, diff: f32) -> (f32, f32) {
    let r = margin - diff;
    if r <= 0.0 {
        return (0.0, 0.0);
    }
    match kind {
        LossKind::Linear => (r, -1.0),
        LossKind::Quadratic => (r * r / margin, -2.0 * r / margin),
        LossKind::L2 => (0.0, 0.0),
    }
}

/// The ranking loss of the pair (`first`, `second`) under `spec` (linear or quadratic), whichever
/// of the two has the higher target; zero when their targets are within the gap.
#[must_use]
pub fn pair_loss(spec: &LossSpec, first: Scored, second: Scored) -> PairLoss {
    if first.p - second.p > spec.gap {
        let (loss, d) = hinge(spec.kind, spec.margin, first.v - second.v);
        PairLoss { loss, d_first: d, d_second: -d }
    } else if second.p - first.p > spec.gap {
        let (loss, d) = hinge(spec.kind, spec.margin, second.v - first.v);
        PairLoss { loss, d_first: -d, d_second: d }
    } else {
        PairLoss::default()
    }
}

/// The mean loss of a batch and its gradient in the scores, written into `grad` (same length).
///
/// For L2 every entry of `scores`/`targets` is one run. For the ranking losses the entries come
/// in pairs, `(0, 1), (2, 3), ...`, and the loss is the mean over the pairs drawn (a pair within
/// the gap counts as a zero, so a task with flat targets pulls less). A trailing unpaired entry
/// is ignored.
pub fn batch_loss(spec: &LossSpec, scores: &[f32], targets: &[f32], grad: &mut [f32]) -> f32 {
    grad.iter_mut().for_each(|g| *g = 0.0);
    let n = scores.len().min(targets.len()).min(grad.len());
    if spec.kind == LossKind::L2 {
        if n == 0 {
            return 0.0;
        }
        let scale = 1.0 / n as f32;
        let mut total = 0.0;
        for ((&v, &p), g) in scores.iter().zip(targets).zip(grad.iter_mut()).take(n) {
            let (loss, d) = l2_loss(Scored { v, p });
            total += loss;
            *g = d * scale;
        }
        return total * scale;
    }
    let pairs = n / 2;
    if pairs == 0 {
        return 0.0;
    }
    let scale = 1.0 / pairs as f32;
    let mut total = 0.0;
    for k in 0..pairs {
        let (a, b) = (2 * k, 2 * k + 1);
        let (Some(&va), Some(&vb), Some(&pa), Some(&pb)) =
            (scores.get(a), scores.get(b), targets.get(a), targets.get(b))
        else {
            break;
        };
        let pl = pair_loss(spec, Scored { v: va, p: pa }, Scored { v: vb, p: pb });
        total += pl.loss;
        if let Some(g) = grad.get_mut(a) {
            *g = pl.d_first * scale;
        }
        if let Some(g) = grad.get_mut(b) {
            *g = pl.d_second * scale;
        }
    }
    total * scale
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const LINEAR: LossSpec = LossSpec { kind: LossKind::Linear, margin: 0.3, gap: 0.01 };
    const QUADRATIC: LossSpec = LossSpec { kind: LossKind::Quadratic, margin: 0.3, gap: 0.01 };

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() <= 1e-6
    }

    #[test]
    fn hand_computed_values() {
        // p: 0.8 beats 0.7; v: 0.5 vs 0.4 -> diff 0.1, r = 0.2.
        let hi = Scored { v: 0.5, p: 0.8 };
        let lo = Scored { v: 0.4, p: 0.7 };
        let l = pair_loss(&LINEAR, hi, lo);
        assert!(close(l.loss, 0.2) && l.d_first == -1.0 && l.d_second == 1.0);
        let q = pair_loss(&QUADRATIC, hi, lo);
        // 0.2^2 / 0.3 = 0.1333.., d = -2 * 0.2 / 0.3 = -1.333..
        assert!(close(q.loss, 0.04 / 0.3) && close(q.d_first, -0.4 / 0.3));
        assert!(close(q.d_second, 0.4 / 0.3));
        // Order of the arguments does not matter.
        let swapped = pair_loss(&LINEAR, lo, hi);
        assert!(close(swapped.loss, 0.2) && swapped.d_first == 1.0 && swapped.d_second == -1.0);
        // Beyond the margin: nothing.
        let far = pair_loss(&LINEAR, Scored { v: 1.0, p: 0.8 }, lo);
        assert_eq!(far, PairLoss::default());
        // Within the gap: nothing, whatever the scores.
        let near = pair_loss(&LINEAR, Scored { v: -3.0, p: 0.705 }, lo);
        assert_eq!(near, PairLoss::default());
        assert_eq!(l2_loss(Scored { v: 0.5, p: 0.75 }), (0.0625, -0.5));
    }

    #[test]
    fn batch_means_over_drawn_pairs() {
        let scores = [0.5, 0.4, 0.0, 0.0, 2.0];
        let targets = [0.8, 0.7, 0.5, 0.5, 0.9];
        let mut grad = [9.0; 5];
        let loss = batch_loss(&LINEAR, &scores, &targets, &mut grad);
        // Pair 1 costs 0.2, pair 2 is within the gap, the fifth entry is unpaired.
        assert!(close(loss, 0.1));
        assert_eq!(grad, [-0.5, 0.5, 0.0, 0.0, 0.0]);
        let l2 = LossSpec { kind: LossKind::L2, margin: 0.3, gap: 0.01 };
        let loss = batch_loss(&l2, &[1.0, 0.0], &[0.0, 0.0], &mut grad[..2]);
        assert!(close(loss, 0.5));
        assert_eq!(&grad[..2], &[1.0, 0.0]);
    }

    fn spec_strategy() -> impl Strategy<Value = LossSpec> {
        (prop_oneof![Just(LossKind::Linear), Just(LossKind::Quadratic)], 0.05f32..1.0, 0.0f32..0.1)
            .prop_map(|(kind, margin, gap)| LossSpec { kind, margin, gap })
    }

    proptest! {
        #[test]
        fn zero_within_the_gap(spec in spec_strategy(), va in -5.0f32..5.0, vb in -5.0f32..5.0,
                               p in 0.0f32..1.0, t in 0.0f32..0.99) {
            let pb = p + t * spec.gap;
            let pl = pair_loss(&spec, Scored { v: va, p }, Scored { v: vb, p: pb });
            prop_assert_eq!(pl, PairLoss::default());
        }

        #[test]
        fn symmetric_in_order_antisymmetric_in_gradient(
            spec in spec_strategy(), va in -2.0f32..2.0, vb in -2.0f32..2.0,
            pa in 0.0f32..1.0, pb in 0.0f32..1.0,
        ) {
            let a = Scored { v: va, p: pa };
            let b = Scored { v: vb, p: pb };
            let ab = pair_loss(&spec, a, b);
            let ba = pair_loss(&spec, b, a);
            prop_assert_eq!(ab.loss, ba.loss);
            prop_assert_eq!(ab.d_first, ba.d_second);
            // Adding the same constant to both scores changes nothing.
            prop_assert_eq!(ab.d_first, -ab.d_second);
            prop_assert!(ab.loss >= 0.0);
        }

        #[test]
        fn gradient_matches_finite_difference(
            spec in spec_strategy(), va in -1.0f64..1.0, vb in -1.0f64..1.0,
            pa in 0.0f32..1.0, pb in 0.0f32..1.0,
        ) {
            // Away from the hinge's kink, where the derivative is defined.
            let diff = if pa > pb { va - vb } else { vb - va };
            prop_assume!((f64::from(spec.margin) - diff).abs() > 1e-2);
            let h = 1e-3f64;
            let at = |va: f64, vb: f64| {
                f64::from(pair_loss(&spec, Scored { v: va as f32, p: pa },
                                    Scored { v: vb as f32, p: pb }).loss)
            };
            let pl = pair_loss(&spec, Scored { v: va as f32, p: pa }, Scored { v: vb as f32, p: pb });
            let fd_a = (at(va + h, vb) - at(va - h, vb)) / (2.0 * h);
            let fd_b = (at(va, vb + h) - at(va, vb - h)) / (2.0 * h);
            // f32 rounding of the loss, divided by 2h, bounds the agreement.
            let tol = |d: f32| 1e-2 * (1.0 + f64::from(d.abs()));
            prop_assert!((fd_a - f64::from(pl.d_first)).abs() < tol(pl.d_first), "{} vs {}", fd_a, pl.d_first);
            prop_assert!((fd_b - f64::from(pl.d_second)).abs() < tol(pl.d_second), "{} vs {}", fd_b, pl.d_second);
        }

        #[test]
        fn l2_gradient_matches_finite_difference(v in -2.0f64..2.0, p in 0.0f32..1.0) {
            let h = 1e-3f64;
            let at = |v: f64| f64::from(l2_loss(Scored { v: v as f32, p }).0);
            let fd = (at(v + h) - at(v - h)) / (2.0 * h);
            let (_, d) = l2_loss(Scored { v: v as f32, p });
            prop_assert!((fd - f64::from(d)).abs() < 2e-3);
        }
    }
}
