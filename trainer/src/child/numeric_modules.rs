//! Input modules for numeric tasks: fitted on the training rows, applied by the core.
//!
//! Each module turns a row of d numeric features into [`NUMERIC_WIDTH`] values. The per-module
//! transform (z-score, rank-gauss, ...) is followed by a fixed seeded Gaussian projection to the
//! common width, scaled so a typical row keeps a unit-variance output; the random Fourier module
//! produces the common width directly. Every statistic (means, quantiles, ranges) comes from the
//! training rows only, so validation and test rows never leak into the features. The core fits
//! them ([`fit_input`], which a device training its child runs too) and transforms rows
//! ([`NumericInput`], which a model file carries to a device); this file owns the fitted
//! parameters ([`NumericInputParams`]).

pub use archrank_core::dims::NUMERIC_WIDTH;
use archrank_core::input_fit::{InputSections, TrainingRows, fit_input};
pub use archrank_core::input_modules::{NUMERIC_MODULES, NumericModule};
use archrank_core::numeric_input::{NumericInput, NumericInputFile};

/// A numeric module's fitted statistics and projection, owned: what the core's
/// [`NumericInput`] reads, and what a model file stores.
#[derive(Clone, Debug, PartialEq)]
pub struct NumericInputParams {
    module: u8,
    features: u32,
    per_feature: u32,
    table: Vec<u8>,
    pairs: Vec<u8>,
    matrix: Vec<u8>,
}

impl NumericInputParams {
    /// The stored form, borrowing these buffers.
    #[must_use]
    pub fn file(&self) -> NumericInputFile<'_> {
        NumericInputFile {
            module: self.module,
            features: self.features,
            table: &self.table,
            per_feature: self.per_feature,
            pairs: &self.pairs,
            matrix: &self.matrix,
        }
    }

    /// The module's features of every row of `rows` (row-major, `rows x NUMERIC_WIDTH`).
    #[must_use]
    pub fn features_of(&self, rows: impl ExactSizeIterator<Item = impl AsRef<[f32]>>) -> Vec<f32> {
        let mut out = vec![0.0_f32; rows.len() * NUMERIC_WIDTH];
        // Built from fitted, finite statistics: the core accepts it.
        let Ok(input) = NumericInput::new(&self.file()) else { return out };
        for (dst, row) in out.chunks_exact_mut(NUMERIC_WIDTH).zip(rows) {
            let mut buf = [0.0; NUMERIC_WIDTH];
            input.transform(row.as_ref(), &mut buf);
            dst.copy_from_slice(&buf);
        }
        out
    }
}

/// A task's rows as its modules are fitted on them.
pub struct FitRows<'r, 'a> {
    /// The task's row `i`.
    pub row: &'r dyn Fn(usize) -> &'a [f32],
    /// Features of a row.
    pub features: usize,
    /// The class of each of the task's rows.
    pub labels: &'r [u32],
    /// Classes of the task.
    pub classes: usize,
}

/// Fits `modules` on the `train` rows of `task` (the core's [`fit_input`], which a device runs
/// too): statistics, pairs and projections; `seed` fixes the projections and random features.
#[must_use]
pub fn fit_numeric_inputs(
    task: &FitRows<'_, '_>,
    train: &[usize],
    modules: &[NumericModule],
    seed: u64,
) -> Vec<NumericInputParams> {
    let (row, d) = (task.row, task.features);
    let rows = TrainingRows {
        rows: train.len(),
        features: d,
        value: |i: usize, f: usize| row(train[i]).get(f).copied().unwrap_or(0.0),
        label: |i: usize| task.labels.get(train[i]).map_or(0, |&l| l as usize),
        classes: task.classes,
    };
    modules
        .iter()
        .map(|&module| {
            let sizes = InputSections::new(module, d, train.len());
            let (mut memory, mut scratch) = (vec![0_u8; sizes.stored()], vec![0_u8; sizes.scratch]);
            // A task's values are finite (the task readers refuse others) and it has training
            // rows; anything else leaves the module empty, which the core refuses to run.
            match fit_input(module, &rows, seed, &mut memory, &mut scratch) {
                Ok(file) => NumericInputParams {
                    module: file.module,
                    features: file.features,
                    per_feature: file.per_feature,
                    table: file.table.to_vec(),
                    pairs: file.pairs.to_vec(),
                    matrix: file.matrix.to_vec(),
                },
                Err(_) => NumericInputParams {
                    module: module.catalog_index(),
                    features: d as u32,
                    per_feature: 0,
                    table: Vec::new(),
                    pairs: Vec::new(),
                    matrix: Vec::new(),
                },
            }
        })
        .collect()
}

/// The features of `rows` for each of `modules`: one row-major
/// `rows.len() x NUMERIC_WIDTH` matrix per module, with the fitted modules. Statistics are fitted
/// on the `train` rows of `task`; `seed` fixes the projections and random features.
#[must_use]
pub fn numeric_features(
    task: &FitRows<'_, '_>,
    train: &[usize],
    rows: &[usize],
    modules: &[NumericModule],
    seed: u64,
) -> (Vec<Vec<f32>>, Vec<NumericInputParams>) {
    let inputs = fit_numeric_inputs(task, train, modules, seed);
    let row = task.row;
    let features = inputs.iter().map(|p| p.features_of(rows.iter().map(|&r| row(r)))).collect();
    (features, inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_finite_have_common_width_and_ignore_non_train_rows() {
        let data: Vec<Vec<f32>> =
            (0..40).map(|i| vec![i as f32, (i % 3) as f32, -(i as f32) * 100.0]).collect();
        let row = |i: usize| data[i].as_slice();
        let train: Vec<usize> = (0..30).collect();
        let rows: Vec<usize> = (0..40).collect();
        let labels: Vec<u32> = (0..40).map(|i| i % 2).collect();
        let task = FitRows { row: &row, features: 3, labels: &labels, classes: 2 };
        let (feats, inputs) = numeric_features(&task, &train, &rows, &NUMERIC_MODULES, 9);
        assert_eq!(inputs.len(), 7);
        assert_eq!(feats.len(), 7);
        for f in &feats {
            assert_eq!(f.len(), 40 * NUMERIC_WIDTH);
            assert!(f.iter().all(|v| v.is_finite()));
            assert!(f.iter().any(|&v| v != 0.0));
        }
        // Changing a test row's values changes nothing fitted: train-row features stay the same.
        let mut data2 = data.clone();
        data2[35] = vec![1e6, 5.0, 3.0];
        let row2 = |i: usize| data2[i].as_slice();
        let task2 = FitRows { row: &row2, ..task };
        let (feats2, _) = numeric_features(&task2, &train, &rows, &NUMERIC_MODULES, 9);
        for (a, b) in feats.iter().zip(&feats2) {
            assert_eq!(a[..30 * NUMERIC_WIDTH], b[..30 * NUMERIC_WIDTH]);
        }
    }
}
