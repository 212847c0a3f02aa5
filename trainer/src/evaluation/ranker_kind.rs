//! The rankers compared by the evaluations: one per loss, plus three controls that read only
//! part of the task embedding z, to show what the learned set summary adds.

use archrank_core::LossKind;

use crate::fit::{FitConfig, FitError, FitResult, TaskInputs, fit_preset};

/// A ranker to evaluate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RankerKind {
    /// The learned embedding, fitted with this loss.
    Loss(LossKind),
    /// z is the same for every task: what a ranker learns from u alone.
    Agnostic,
    /// z holds the hand-made shape scalars only (log size, features, classes, modality,
    /// feature types, imbalance), auto-sklearn style: the baseline the learned summary must
    /// beat.
    MetaFeatures,
    /// The shape scalars plus the four landmarkers (cheap learners' validation accuracies on
    /// the task's samples, [`archrank_core::Landmarks`]): the strongest hand-made baseline.
    MetaLandmarks,
}

impl RankerKind {
    /// Every ranker, in the order tables show them.
    pub const ALL: [Self; 6] = [
        Self::Loss(LossKind::L2),
        Self::Loss(LossKind::Linear),
        Self::Loss(LossKind::Quadratic),
        Self::Agnostic,
        Self::MetaFeatures,
        Self::MetaLandmarks,
    ];

    /// The name used in tables and JSON.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Loss(l) => l.name(),
            Self::Agnostic => "agnostic",
            Self::MetaFeatures => "meta_features",
            Self::MetaLandmarks => "meta_landmarks",
        }
    }

    /// The parts of z this ranker reads; a loss reads what `base` asks for.
    #[must_use]
    pub const fn inputs(self, base: TaskInputs) -> TaskInputs {
        match self {
            Self::Loss(_) => base,
            Self::Agnostic => TaskInputs::NONE,
            Self::MetaFeatures => TaskInputs { set: false, scalars: true, landmarks: false },
            Self::MetaLandmarks => TaskInputs { set: false, scalars: true, landmarks: true },
        }
    }

    /// The settings of this ranker's fit: `base`'s, with its loss (the controls keep `base`'s)
    /// and inputs, and `seed`.
    #[must_use]
    pub fn config(self, base: &FitConfig, seed: u64) -> FitConfig {
        let mut config = FitConfig { seed, inputs: self.inputs(base.inputs), ..*base };
        if let Self::Loss(loss) = self {
            config.loss = loss;
        }
        config
    }

    /// Fits this ranker on `data` with `base`'s settings and `seed`.
    ///
    /// # Errors
    /// The fit's errors.
    pub fn fit(
        self,
        data: &crate::fit::FitData,
        base: &FitConfig,
        seed: u64,
    ) -> Result<FitResult, FitError> {
        fit_preset(data, &self.config(base, seed), &|_, _| {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_read_only_what_they_are_meant_to() {
        let base = FitConfig::default();
        let linear = RankerKind::Loss(LossKind::Quadratic).config(&base, 7);
        assert_eq!(
            (linear.loss, linear.inputs, linear.seed),
            (LossKind::Quadratic, base.inputs, 7)
        );
        let agnostic = RankerKind::Agnostic.config(&base, 1);
        assert_eq!((agnostic.loss, agnostic.inputs), (base.loss, TaskInputs::NONE));
        let meta = RankerKind::MetaFeatures.inputs(base.inputs);
        assert!(meta.scalars && !meta.set && !meta.landmarks);
        let with = RankerKind::MetaLandmarks.inputs(base.inputs);
        assert!(with.scalars && with.landmarks && !with.set);
    }
}
