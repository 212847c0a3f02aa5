//! The auxiliary "same task?" loss (after Dataset2Vec's, Jomaa et al. 2021): the set summaries
//! of two sample batches of one task should be closer than those of batches of two tasks. Every
//! step draws fresh batches, so it has far more examples than there are runs.
//!
//! A triplet hinge on squared distances: `max(0, margin + |a - p|^2 - |a - n|^2)` for an anchor
//! a and a positive p of one task and a negative n of another.

use archrank_core::SetSummary;

/// The triplet's margin on squared distances (set summaries are tanh outputs in [-1, 1]).
pub const SAME_TASK_MARGIN: f32 = 1.0;

/// The loss of one triplet and its derivatives in the three summaries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TripletLoss {
    /// The loss.
    pub loss: f32,
    /// d loss / d anchor.
    pub d_anchor: SetSummary,
    /// d loss / d positive.
    pub d_positive: SetSummary,
    /// d loss / d negative.
    pub d_negative: SetSummary,
}

/// The triplet loss of `anchor`, `positive` (same task) and `negative` (another task).
#[must_use]
pub fn triplet_loss(
    anchor: &SetSummary,
    positive: &SetSummary,
    negative: &SetSummary,
) -> TripletLoss {
    let (to_pos, to_neg) = (anchor - positive, anchor - negative);
    let hinge = SAME_TASK_MARGIN + to_pos.norm_squared() - to_neg.norm_squared();
    if hinge <= 0.0 {
        let zero = SetSummary::zeros();
        return TripletLoss { loss: 0.0, d_anchor: zero, d_positive: zero, d_negative: zero };
    }
    TripletLoss {
        loss: hinge,
        d_anchor: (to_pos - to_neg) * 2.0,
        d_positive: to_pos * -2.0,
        d_negative: to_neg * 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_negatives_cost_nothing_and_close_ones_push_apart() {
        let a = SetSummary::repeat(0.1);
        let far = SetSummary::repeat(0.9);
        assert_eq!(triplet_loss(&a, &a, &far).loss, 0.0);
        let t = triplet_loss(&a, &SetSummary::repeat(0.2), &SetSummary::repeat(0.15));
        assert!(t.loss > 0.0);
        // Moving the negative away from the anchor (along +) lowers the loss.
        assert!(t.d_negative.iter().all(|&d| d < 0.0));
        // ... and moving the positive towards it (along -) too.
        assert!(t.d_positive.iter().all(|&d| d > 0.0));
    }
}
