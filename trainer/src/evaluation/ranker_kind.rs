//! The rankers compared by the evaluations: one per loss, plus two controls that show what the
//! learned task embedding adds.

use archrank_core::LossKind;
use archrank_core::dims::{ENCODED_DIM, PRIOR_SLOT, SHAPE_AT};

use crate::fit::{FitConfig, FitData, FitError, FitResult, FitTask, fit_preset};

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
}

impl RankerKind {
    /// Every ranker, in the order tables show them.
    pub const ALL: [Self; 5] = [
        Self::Loss(LossKind::L2),
        Self::Loss(LossKind::Linear),
        Self::Loss(LossKind::Quadratic),
        Self::Agnostic,
        Self::MetaFeatures,
    ];

    /// The name used in tables and JSON.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Loss(l) => l.name(),
            Self::Agnostic => "agnostic",
            Self::MetaFeatures => "meta_features",
        }
    }

    /// The task as this ranker sees it.
    #[must_use]
    pub fn view_task(self, task: &FitTask) -> FitTask {
        let encoded = match self {
            Self::Loss(_) => return task.clone(),
            // One all-zero sample: phi(0) is the same for every task.
            Self::Agnostic => vec![archrank_core::Encoded::zeros()],
            Self::MetaFeatures => {
                let mut meta = archrank_core::Encoded::zeros();
                if let Some(first) = task.encoded.first() {
                    for i in SHAPE_AT..ENCODED_DIM {
                        meta[i] = first[i];
                    }
                    meta[SHAPE_AT + PRIOR_SLOT] = 0.0;
                }
                vec![meta]
            }
        };
        FitTask { name: task.name.clone(), encoded, runs: task.runs.clone() }
    }

    /// The data as this ranker sees it.
    #[must_use]
    pub fn view(self, data: &FitData) -> FitData {
        FitData { tasks: data.tasks.iter().map(|t| self.view_task(t)).collect(), ..data.clone() }
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
