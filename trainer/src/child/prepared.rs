//! A task made ready for many children: every input module's features computed once.
//!
//! Populating the database trains about a hundred architectures per task; they differ only in
//! how they mix the same fixed featurizers, so [`prepare`] computes each module's features for the
//! (subsampled) training rows and all validation and test rows once, and every child reuses them.

use std::ops::Range;

use archrank_core::dims::Layout;
use archrank_core::input_modules::{numeric_modules, text_modules};

use super::child_config::ChildConfig;
use super::numeric_modules::{FitRows, NUMERIC_WIDTH, NumericInputParams, numeric_features};
use super::text_modules::{SparseRows, TEXT_WIDTH, text_features};
use crate::rng::{derive_seed, name_hash};
use crate::task::split::stratified_subsample;
use crate::task::{Features, Split, Task};

/// Seed tag of a task's prepared features.
const PREPARE_TAG: u64 = 0x7072_6570;

/// Every module's features for the prepared rows (training rows first, then validation, then
/// test).
#[derive(Clone, Debug)]
pub enum ModuleFeatures {
    /// Numeric task: per module a row-major `rows x width` matrix, and the fitted modules.
    Dense(Vec<Vec<f32>>, Vec<NumericInputParams>),
    /// Text task: per module a sparse bag per row.
    Sparse(Vec<SparseRows>),
}

/// A task's input-module features and labels for one split, shared by many children.
#[derive(Clone, Debug)]
pub struct PreparedTask {
    pub(super) layout: Layout,
    pub(super) classes: usize,
    pub(super) width: usize,
    pub(super) features: ModuleFeatures,
    pub(super) labels: Vec<u32>,
    pub(super) train: Range<usize>,
    pub(super) validation: Range<usize>,
    pub(super) test: Range<usize>,
}

impl PreparedTask {
    /// The search-space layout the features were prepared for.
    #[must_use]
    pub const fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Number of classes (the classifier's width).
    #[must_use]
    pub const fn classes(&self) -> usize {
        self.classes
    }

    /// Common width W of the input modules (the first layer's input width).
    #[must_use]
    pub const fn input_width(&self) -> usize {
        self.width
    }

    /// Whether the inputs are sparse (a text task).
    #[must_use]
    pub const fn is_sparse(&self) -> bool {
        matches!(self.features, ModuleFeatures::Sparse(_))
    }

    /// Number of training rows children are fitted on (after subsampling).
    #[must_use]
    pub fn train_rows(&self) -> usize {
        self.train.len()
    }

    /// Number of validation rows.
    #[must_use]
    pub fn validation_rows(&self) -> usize {
        self.validation.len()
    }

    /// Number of test rows.
    #[must_use]
    pub fn test_rows(&self) -> usize {
        self.test.len()
    }

    /// The module features of every prepared row.
    #[must_use]
    pub const fn features(&self) -> &ModuleFeatures {
        &self.features
    }
}

/// Seed of a task's prepared features (training subsample, random projections): one per task
/// name, so every child of a task, in every command, sees the same features.
#[must_use]
pub fn prepare_seed(task: &str) -> u64 {
    derive_seed(&[PREPARE_TAG, name_hash(task)])
}

/// Computes every input module's features for `split`, once, for the layout's module count: the
/// one entry point to child preparation.
///
/// Training rows are subsampled to at most `config.max_train_rows` (stratified by class);
/// statistics of the numeric modules are fitted on the split's training rows; the task's
/// [`prepare_seed`] fixes the subsample and the modules' random projections. Row indices outside
/// the task are ignored.
#[must_use]
pub fn prepare(task: &Task, split: &Split, layout: &Layout, config: &ChildConfig) -> PreparedTask {
    let seed = prepare_seed(&task.name);
    let max_train_rows = config.max_train_rows;
    let n = task.rows();
    let valid =
        |rows: &[usize]| -> Vec<usize> { rows.iter().copied().filter(|&r| r < n).collect() };
    let full_train = valid(&split.train);
    let train = match max_train_rows {
        Some(max) => stratified_subsample(&full_train, &task.labels, max.max(1), seed),
        None => full_train.clone(),
    };
    let validation = valid(&split.validation);
    let test = valid(&split.test);
    let rows: Vec<usize> = train.iter().chain(&validation).chain(&test).copied().collect();
    let labels: Vec<u32> = rows.iter().map(|&r| task.labels.get(r).copied().unwrap_or(0)).collect();
    let classes =
        task.classes().max(task.labels.iter().map(|&l| l as usize + 1).max().unwrap_or(1)).max(1);
    let (features, width) = match &task.features {
        Features::Numeric { .. } => {
            let row = |i: usize| task.numeric_row(i);
            let fit_rows = FitRows {
                row: &row,
                features: task.feature_count(),
                labels: &task.labels,
                classes,
            };
            let (feats, inputs) = numeric_features(
                &fit_rows,
                &full_train,
                &rows,
                numeric_modules(layout.preset),
                seed,
            );
            (ModuleFeatures::Dense(feats, inputs), NUMERIC_WIDTH)
        }
        Features::Text(_) => {
            let text = |i: usize| task.text_row(i);
            (
                ModuleFeatures::Sparse(text_features(&text, &rows, text_modules(layout.preset))),
                TEXT_WIDTH,
            )
        }
    };
    let a = train.len();
    let b = a + validation.len();
    PreparedTask {
        layout: *layout,
        classes,
        width,
        features,
        labels,
        train: 0..a,
        validation: a..b,
        test: b..rows.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsample_keeps_class_shares() {
        let labels: Vec<u32> = (0..1000).map(|i| u32::from(i % 10 == 0)).collect();
        let rows: Vec<usize> = (0..1000).collect();
        let kept = stratified_subsample(&rows, &labels, 200, 1);
        assert_eq!(kept.len(), 200);
        assert_eq!(kept.iter().filter(|&&r| labels[r] == 1).count(), 20);
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(stratified_subsample(&rows, &labels, 2000, 1), rows);
        assert_eq!(kept, stratified_subsample(&rows, &labels, 200, 1));
        let three: Vec<u32> = (0..90).map(|i| i % 3).collect();
        assert_eq!(stratified_subsample(&rows[..90], &three, 64, 2).len(), 64);
    }
}
