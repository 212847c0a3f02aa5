//! The rankers compared by the evaluations: one per loss, plus two controls that show what the
//! learned task embedding adds.

use std::borrow::Cow;

use archrank_core::dims::{ENCODED_DIM, PRIOR_SLOT, SHAPE_AT};
use archrank_core::landmarks::MAX_LANDMARK_SAMPLES;
use archrank_core::{Encoded, Landmarks, LossKind};

use crate::fit::{FitConfig, FitData, FitError, FitResult, FitTask, fit_preset};

/// The task's shape scalars (without the per-sample class prior) as one encoded sample, zero
/// elsewhere.
fn meta_features(task: &FitTask) -> Encoded {
    let mut meta = Encoded::zeros();
    if let Some(first) = task.encoded.first() {
        for i in SHAPE_AT..ENCODED_DIM {
            meta[i] = first[i];
        }
        meta[SHAPE_AT + PRIOR_SLOT] = 0.0;
    }
    meta
}

/// The landmarkers on up to [`MAX_LANDMARK_SAMPLES`] of the task's encoded samples, evenly
/// spaced over them (they are a seeded stratified subsample in row order).
#[must_use]
pub fn task_landmarks(encoded: &[Encoded]) -> Landmarks {
    let step = encoded.len().div_ceil(MAX_LANDMARK_SAMPLES).max(1);
    let picked: Vec<Encoded> = encoded.iter().step_by(step).copied().collect();
    Landmarks::compute(&picked)
}

/// A ranker to evaluate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RankerKind {
    /// The learned embedding, fitted with this loss.
    Loss(LossKind),
    /// z is the same for every task: what a ranker learns from u alone.
    Agnostic,
    /// z from hand-made meta-features only (log size, features, classes, modality, feature
    /// types, imbalance), auto-sklearn style: the baseline the learned embedding must beat.
    MetaFeatures,
    /// The meta-features plus the four landmarkers (cheap learners' validation accuracies on
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

    /// The task as this ranker sees it.
    #[must_use]
    pub fn view_task(self, task: &FitTask) -> FitTask {
        let encoded = match self {
            Self::Loss(_) => return task.clone(),
            // One all-zero sample: phi(0) is the same for every task.
            Self::Agnostic => vec![Encoded::zeros()],
            Self::MetaFeatures => vec![meta_features(task)],
            Self::MetaLandmarks => {
                let mut meta = meta_features(task);
                // The landmarkers go where the sketch would be: the meta vector leaves it zero.
                for (slot, value) in
                    task_landmarks(&task.encoded).to_array().into_iter().enumerate()
                {
                    meta[slot] = value;
                }
                vec![meta]
            }
        };
        FitTask { name: task.name.clone(), encoded, runs: task.runs.clone() }
    }

    /// The data as this ranker sees it: borrowed as it is for a loss, each task viewed once for
    /// a control.
    #[must_use]
    pub fn view(self, data: &FitData) -> Cow<'_, FitData> {
        if let Self::Loss(_) = self {
            return Cow::Borrowed(data);
        }
        Cow::Owned(FitData {
            preset: data.preset,
            metric: data.metric,
            tasks: data.tasks.iter().map(|t| self.view_task(t)).collect(),
            skipped: data.skipped.clone(),
        })
    }

    /// Fits this ranker on `data` (already viewed) with `base`'s settings and `seed`; the
    /// controls use `base`'s loss.
    ///
    /// # Errors
    /// The fit's errors.
    pub fn fit(self, data: &FitData, base: &FitConfig, seed: u64) -> Result<FitResult, FitError> {
        let mut config = FitConfig { seed, ..*base };
        if let Self::Loss(loss) = self {
            config.loss = loss;
        }
        fit_preset(data, &config, &|_, _| {})
    }
}

#[cfg(test)]
mod tests {
    use archrank_core::Tiny;
    use archrank_core::dims::{LABEL_AT, SHAPE_DIM};

    use super::*;
    use crate::fit::tests::Synth;

    #[test]
    fn controls_see_only_what_they_are_meant_to() {
        let task = Synth::new::<Tiny>(1).task::<Tiny>("t", 300, 4);
        let shape = |x: &Encoded| x.as_slice()[SHAPE_AT..].to_vec();
        assert_eq!(RankerKind::Loss(LossKind::Linear).view_task(&task), task);
        assert_eq!(RankerKind::Agnostic.view_task(&task).encoded, vec![Encoded::zeros()]);
        let meta = RankerKind::MetaFeatures.view_task(&task).encoded;
        assert_eq!(meta.len(), 1);
        assert!(meta[0].as_slice()[..SHAPE_AT].iter().all(|&v| v == 0.0));
        let mut want = shape(&task.encoded[0]);
        want[PRIOR_SLOT] = 0.0;
        assert_eq!(shape(&meta[0]), want);
        let with = RankerKind::MetaLandmarks.view_task(&task).encoded;
        let landmarks = task_landmarks(&task.encoded).to_array();
        assert_eq!(&with[0].as_slice()[..landmarks.len()], landmarks.as_slice());
        assert!(with[0].as_slice()[landmarks.len()..LABEL_AT].iter().all(|&v| v == 0.0));
        assert_eq!(shape(&with[0]), want);
        assert_eq!(want.len(), SHAPE_DIM);
        assert_eq!(task.runs, RankerKind::MetaLandmarks.view_task(&task).runs);
    }
}
