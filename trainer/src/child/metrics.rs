//! Accuracy, balanced accuracy and cross-entropy of a child's predictions.

use archrank_core::architecture::argmax;

/// Running counts of a child's predictions on one set of rows.
#[derive(Clone, Debug)]
pub struct MetricCounts {
    correct: Vec<u64>,
    total: Vec<u64>,
    cross_entropy: f64,
}

/// The metrics of a set of rows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    /// Share of rows whose most probable class is the label (0 for no rows).
    pub accuracy: f64,
    /// Mean over the classes present in the rows of each class's recall (0 for no rows).
    pub balanced_accuracy: f64,
    /// Mean of -ln p(label) (0 for no rows).
    pub cross_entropy: f64,
}

impl MetricCounts {
    /// Empty counts for `classes` classes.
    #[must_use]
    pub fn new(classes: usize) -> Self {
        Self { correct: vec![0; classes], total: vec![0; classes], cross_entropy: 0.0 }
    }

    /// Adds one row: its class probabilities and label.
    pub fn add(&mut self, probs: &[f32], label: u32) {
        let y = label as usize;
        if let Some(t) = self.total.get_mut(y) {
            *t += 1;
        }
        if argmax(probs) == y
            && let Some(c) = self.correct.get_mut(y)
        {
            *c += 1;
        }
        let p = probs.get(y).copied().unwrap_or(0.0);
        let p = if p.is_finite() { p } else { 0.0 };
        self.cross_entropy -= f64::from(p.max(1e-30)).ln();
    }

    /// The metrics of the rows added so far.
    #[must_use]
    pub fn metrics(&self) -> Metrics {
        let n: u64 = self.total.iter().sum();
        if n == 0 {
            return Metrics { accuracy: 0.0, balanced_accuracy: 0.0, cross_entropy: 0.0 };
        }
        let correct: u64 = self.correct.iter().sum();
        let (recall_sum, present) = self
            .correct
            .iter()
            .zip(&self.total)
            .filter(|&(_, &t)| t > 0)
            .fold((0.0, 0_u32), |(s, k), (&c, &t)| (s + c as f64 / t as f64, k + 1));
        Metrics {
            accuracy: correct as f64 / n as f64,
            balanced_accuracy: recall_sum / f64::from(present.max(1)),
            cross_entropy: self.cross_entropy / n as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_metrics() {
        let mut m = MetricCounts::new(2);
        // Three rows of class 0 (two right), one of class 1 (right).
        m.add(&[0.9, 0.1], 0);
        m.add(&[0.6, 0.4], 0);
        m.add(&[0.2, 0.8], 0);
        m.add(&[0.5, 0.5], 1); // tie goes to class 0: wrong
        let r = m.metrics();
        assert!((r.accuracy - 0.5).abs() < 1e-12);
        assert!((r.balanced_accuracy - (2.0 / 3.0 + 0.0) / 2.0).abs() < 1e-12);
        let ce = -(0.9_f64.ln() + 0.6_f64.ln() + 0.2_f64.ln() + 0.5_f64.ln()) / 4.0;
        assert!((r.cross_entropy - ce).abs() < 1e-6);
    }

    #[test]
    fn empty_counts_are_zero() {
        let r = MetricCounts::new(3).metrics();
        assert_eq!(r.accuracy, 0.0);
        assert_eq!(r.cross_entropy, 0.0);
    }
}
