//! Fitting a numeric input module on training rows, into caller memory: the statistics (means
//! and spreads, quantile edges, sorted values, ranges), the pairs and the fixed seeded projection
//! that [`NumericInput`] reads. The trainer fits its children's modules with this code and a
//! device fits the module it chose with it, so both store the same bytes for the same rows.
//!
//! Statistics are sums in f64 (the same on every target); sorting is by `f32::total_cmp`.

use crate::child::numeric_input::{InputError, NumericInput, NumericInputFile, Stats, signed_log};
use crate::dims::NUMERIC_WIDTH;
use crate::kernels::rng::{Rng, derive_seed};
use crate::space::input_modules::{BINS, MAX_PAIRS, NumericModule};

/// Seed tag of the modules' projections and random features.
const PROJECTION_TAG: u64 = 0x7072_6F6A;

/// Byte lengths of a fitted module's sections (see [`NumericInputFile`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputSections {
    /// Per-feature statistics.
    pub table: usize,
    /// Feature pairs (the pairwise module's).
    pub pairs: usize,
    /// Projection (or the Fourier module's frequencies and phases).
    pub matrix: usize,
    /// Scratch fitting needs besides them: one feature's training values, or every feature
    /// pair before the pairwise module draws its subset.
    pub scratch: usize,
}

impl InputSections {
    /// The sections of `module` on `features` features fitted on `rows` training rows.
    #[must_use]
    pub const fn new(module: NumericModule, features: usize, rows: usize) -> Self {
        let per_feature = match module {
            NumericModule::RankGauss => rows,
            NumericModule::Binned => BINS - 1,
            _ => 2,
        };
        let raw = module.raw_width(features);
        let all_pairs = features.saturating_mul(features.saturating_add(1)) / 2;
        let (pairs, matrix, pair_scratch) = match module {
            NumericModule::Fourier => {
                (0, NUMERIC_WIDTH.saturating_mul(features.saturating_add(1)), 0)
            }
            NumericModule::Pairwise => {
                (raw.saturating_mul(2), raw.saturating_mul(NUMERIC_WIDTH), all_pairs)
            }
            _ => (0, raw.saturating_mul(NUMERIC_WIDTH), 0),
        };
        let column = if matches!(module, NumericModule::RankGauss) { 0 } else { rows };
        let scratch = if column > pair_scratch { column } else { pair_scratch };
        Self {
            table: features.saturating_mul(per_feature).saturating_mul(4),
            pairs: pairs.saturating_mul(2),
            matrix: matrix.saturating_mul(4),
            scratch: scratch.saturating_mul(4),
        }
    }

    /// The three stored sections together.
    #[must_use]
    pub const fn stored(&self) -> usize {
        self.table.saturating_add(self.pairs).saturating_add(self.matrix)
    }
}

/// Why a module cannot be fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FitError {
    /// No training row, or no feature.
    Empty,
    /// More features than the pairwise module's u16 indices address.
    TooManyFeatures,
    /// The memory given is shorter than [`InputSections`] states.
    Memory,
    /// The fitted parameters were refused (a non-finite training value).
    Input(InputError),
}

impl core::fmt::Display for FitError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Empty => f.write_str("no training row or no feature"),
            Self::TooManyFeatures => {
                write!(f, "more than {} features (the pairwise module's indices)", u16::MAX)
            }
            Self::Memory => f.write_str("the memory given is smaller than the module's sections"),
            Self::Input(InputError::Length(what)) => {
                write!(f, "section `{what}` has the wrong length")
            }
            Self::Input(InputError::Value(what)) => {
                write!(f, "section `{what}` holds a non-finite or out-of-order value")
            }
            Self::Input(InputError::Module) => f.write_str("not a numeric module"),
        }
    }
}

impl core::error::Error for FitError {}

/// Training rows as a fitter reads them: `value(i, f)` is feature `f` of training row `i`,
/// `label(i)` its class.
pub struct TrainingRows<V: Fn(usize, usize) -> f32, L: Fn(usize) -> usize> {
    /// Training rows.
    pub rows: usize,
    /// Features per row.
    pub features: usize,
    /// Feature `f` of row `i`.
    pub value: V,
    /// The class of row `i`, below `classes`.
    pub label: L,
    /// Classes of the task.
    pub classes: usize,
}

/// Mean and 1/std (0 for a constant column), summed in f64.
fn mean_inv_std(n: usize, value: impl Fn(usize) -> f32) -> (f32, f32) {
    let count = n.max(1) as f64;
    let mean = (0..n).map(|i| f64::from(value(i))).sum::<f64>() / count;
    let var = (0..n)
        .map(|i| {
            let d = f64::from(value(i)) - mean;
            d * d
        })
        .sum::<f64>()
        / count;
    let std = libm::sqrt(var);
    let inv = if std > 1e-12 { 1.0 / std } else { 0.0 };
    (mean as f32, inv as f32)
}

fn put(section: &mut [[u8; 4]], i: usize, v: f32) {
    if let Some(slot) = section.get_mut(i) {
        *slot = v.to_le_bytes();
    }
}

fn sort_values(values: &mut [[u8; 4]]) {
    values.sort_unstable_by(|a, b| f32::from_le_bytes(*a).total_cmp(&f32::from_le_bytes(*b)));
}

/// Fits `module` on `rows` into `memory` (at least
/// [`InputSections::new`]'s `stored()` bytes) using `scratch` (at least its `scratch` bytes),
/// with projections drawn from `seed`, and returns the module's parameters borrowing `memory`.
///
/// # Errors
/// [`FitError`] for no rows or features, too little memory or a non-finite value.
pub fn fit_input<'m, V: Fn(usize, usize) -> f32, L: Fn(usize) -> usize>(
    module: NumericModule,
    rows: &TrainingRows<V, L>,
    seed: u64,
    memory: &'m mut [u8],
    scratch: &mut [u8],
) -> Result<NumericInputFile<'m>, FitError> {
    let (n, d) = (rows.rows, rows.features);
    if n == 0 || d == 0 {
        return Err(FitError::Empty);
    }
    if d > usize::from(u16::MAX) {
        return Err(FitError::TooManyFeatures);
    }
    let sizes = InputSections::new(module, d, n);
    if memory.len() < sizes.stored() || scratch.len() < sizes.scratch {
        return Err(FitError::Memory);
    }
    let (table_bytes, rest) = memory.split_at_mut_checked(sizes.table).ok_or(FitError::Memory)?;
    let (pair_bytes, rest) = rest.split_at_mut_checked(sizes.pairs).ok_or(FitError::Memory)?;
    let (matrix_bytes, _) = rest.split_at_mut_checked(sizes.matrix).ok_or(FitError::Memory)?;
    let (table, _) = table_bytes.as_chunks_mut::<4>();
    let (scratch, _) = scratch.as_chunks_mut::<4>();
    fit_table(module, rows, table, scratch);

    let mut rng = Rng::new(derive_seed(&[seed, PROJECTION_TAG, u64::from(module.catalog_index())]));
    let raw = module.raw_width(d);
    if module == NumericModule::Pairwise {
        draw_pairs(d, raw, &mut rng, scratch, pair_bytes);
    }
    let (matrix, _) = matrix_bytes.as_chunks_mut::<4>();
    let per_feature = sizes.table / 4 / d;
    if module == NumericModule::Fourier {
        // Frequencies N(0, 1/d) on the z-scored row (RBF length scale ~ sqrt(d)), then a phase,
        // per output.
        let scale = 1.0 / libm::sqrt(d as f64);
        for (i, slot) in matrix.iter_mut().enumerate() {
            let v = if i % (d + 1) == d {
                rng.uniform() * core::f64::consts::TAU
            } else {
                rng.normal() * scale
            };
            *slot = (v as f32).to_le_bytes();
        }
    } else {
        let directions = class_directions(raw, rows.classes);
        // Columns left to the seeded draw: all but the class directions with training rows.
        let mut drawn = [true; NUMERIC_WIDTH];
        if directions > 0 {
            let stats = Stats {
                module,
                features: d,
                table: &*table,
                per_feature,
                pairs: pair_bytes.as_chunks::<2>().0,
            };
            let counts = class_means_into(&stats, rows, directions, matrix);
            for (drawn, &count) in drawn.iter_mut().zip(&counts).take(directions) {
                *drawn = count == 0;
            }
        }
        // The rest of the projection is the seeded draw (all of it when the raw row fits).
        for (i, slot) in matrix.iter_mut().enumerate() {
            if drawn.get(i % NUMERIC_WIDTH).copied().unwrap_or(true) {
                *slot = (rng.normal() as f32).to_le_bytes();
            }
        }
        // The raw row's typical squared norm: one per feature (z-scores, one-hot bins).
        let norm = if module == NumericModule::Pairwise { raw } else { d };
        orthogonalize(matrix, raw, norm);
    }
    let file = NumericInputFile {
        module: module.catalog_index(),
        features: d as u32,
        table: table_bytes,
        per_feature: per_feature as u32,
        pairs: pair_bytes,
        matrix: matrix_bytes,
    };
    NumericInput::new(&file).map_err(FitError::Input)?;
    Ok(file)
}

/// Directions of a projection turned towards the classes: where a raw row of `raw` values is
/// wider than [`NUMERIC_WIDTH`], the projection must drop directions, and a seeded draw drops
/// the class signal as readily as noise (a logistic regression on every feature beat the
/// delivered model by 9 to 10 points on the widest tasks: RESULTS.md). The first
/// `classes - 1` directions (at most `NUMERIC_WIDTH - 1`) then point from the training rows'
/// mean to each class's; none when the raw row fits.
const fn class_directions(raw: usize, classes: usize) -> usize {
    if raw <= NUMERIC_WIDTH || classes < 2 {
        return 0;
    }
    let directions = classes - 1;
    if directions < NUMERIC_WIDTH - 1 { directions } else { NUMERIC_WIDTH - 1 }
}

/// Column `k < directions` of the projection `[raw][NUMERIC_WIDTH]` becomes class `k`'s mean raw
/// row less the mean raw row of every training row (sums in f32, in row order, the same on every
/// target); the last column holds the running total meanwhile, so that the sums need no memory
/// beyond the projection. Returns each class's training rows: a class without any (a device's
/// class seen only in its validation fifth) leaves its column to the seeded draw.
fn class_means_into<V: Fn(usize, usize) -> f32, L: Fn(usize) -> usize>(
    stats: &Stats<'_>,
    rows: &TrainingRows<V, L>,
    directions: usize,
    matrix: &mut [[u8; 4]],
) -> [u32; NUMERIC_WIDTH] {
    let total = NUMERIC_WIDTH - 1;
    let binned = stats.module == NumericModule::Binned;
    let staged = if binned { stats.features } else { stats.module.raw_width(stats.features) };
    matrix.fill(0.0_f32.to_le_bytes());
    let mut counts = [0_u32; NUMERIC_WIDTH];
    let add = |matrix: &mut [[u8; 4]], i: usize, v: f32| {
        if let Some(slot) = matrix.get_mut(i) {
            *slot = (f32::from_le_bytes(*slot) + v).to_le_bytes();
        }
    };
    for i in 0..rows.rows {
        let class = (rows.label)(i);
        if class < directions
            && let Some(count) = counts.get_mut(class)
        {
            *count += 1;
        }
        for r in 0..staged {
            let value = stats.raw(r, |f| (rows.value)(i, f));
            // The binned module's raw row is one-hot: its value's bin is the raw value 1.
            let (at, v) = if binned { (r * BINS + value as usize, 1.0) } else { (r, value) };
            add(matrix, at * NUMERIC_WIDTH + total, v);
            if class < directions {
                add(matrix, at * NUMERIC_WIDTH + class, v);
            }
        }
    }
    let n = rows.rows.max(1) as f32;
    for row in matrix.chunks_exact_mut(NUMERIC_WIDTH) {
        let mean = row.get(total).map_or(0.0, |b| f32::from_le_bytes(*b)) / n;
        for (slot, &count) in row.iter_mut().zip(&counts).take(directions) {
            let v = if count > 0 { f32::from_le_bytes(*slot) / count as f32 - mean } else { 0.0 };
            *slot = v.to_le_bytes();
        }
    }
    counts
}

/// Makes the drawn projection `[raw][NUMERIC_WIDTH]` orthogonal (Gram-Schmidt, sums in f64)
/// and scales it to the size a Gaussian draw of variance `1 / norm` has on average: its raw
/// columns when `raw <= NUMERIC_WIDTH`, else its output rows, become orthogonal, of squared
/// length `max(raw, NUMERIC_WIDTH) / norm`. A Gaussian draw spreads its singular values (a
/// square one nearly loses a direction), which a child's first layer then has to undo; an
/// orthogonal one keeps every direction of the raw row, or the most it can.
fn orthogonalize(matrix: &mut [[u8; 4]], raw: usize, norm: usize) {
    let width = NUMERIC_WIDTH;
    // Vector k, element i: a raw value's column when there are few raw values, else an output's
    // row.
    let (count, len) = if raw <= width { (raw, width) } else { (width, raw) };
    let at = |k: usize, i: usize| if raw <= width { k * width + i } else { i * width + k };
    let get = |m: &[[u8; 4]], k: usize, i: usize| {
        m.get(at(k, i)).map_or(0.0, |b| f64::from(f32::from_le_bytes(*b)))
    };
    let scale = libm::sqrt(raw.max(width) as f64 / norm.max(1) as f64);
    for k in 0..count {
        for j in 0..k {
            let dot: f64 = (0..len).map(|i| get(matrix, k, i) * get(matrix, j, i)).sum();
            for i in 0..len {
                put(matrix, at(k, i), (get(matrix, k, i) - dot * get(matrix, j, i)) as f32);
            }
        }
        let length = libm::sqrt((0..len).map(|i| get(matrix, k, i) * get(matrix, k, i)).sum());
        let inverse = if length > 1e-12 { 1.0 / length } else { 0.0 };
        for i in 0..len {
            put(matrix, at(k, i), (get(matrix, k, i) * inverse) as f32);
        }
    }
    for slot in matrix.iter_mut() {
        *slot = ((f64::from(f32::from_le_bytes(*slot)) * scale) as f32).to_le_bytes();
    }
}

/// The module's per-feature statistics into `table`; `scratch` holds one feature's values.
fn fit_table<V: Fn(usize, usize) -> f32, L: Fn(usize) -> usize>(
    module: NumericModule,
    rows: &TrainingRows<V, L>,
    table: &mut [[u8; 4]],
    scratch: &mut [[u8; 4]],
) {
    let n = rows.rows;
    for f in 0..rows.features {
        let x = |i: usize| (rows.value)(i, f);
        match module {
            NumericModule::RankGauss => {
                let sorted = table.get_mut(f * n..(f + 1) * n).unwrap_or(&mut []);
                for (i, slot) in sorted.iter_mut().enumerate() {
                    *slot = x(i).to_le_bytes();
                }
                sort_values(sorted);
            }
            NumericModule::Binned | NumericModule::MinMax => {
                let column = scratch.get_mut(..n).unwrap_or(&mut []);
                for (i, slot) in column.iter_mut().enumerate() {
                    *slot = x(i).to_le_bytes();
                }
                sort_values(column);
                let at = |i: usize| column.get(i).map_or(0.0, |b| f32::from_le_bytes(*b));
                if module == NumericModule::MinMax {
                    put(table, 2 * f, at(0));
                    put(table, 2 * f + 1, at(n - 1));
                } else {
                    for b in 0..BINS - 1 {
                        put(table, f * (BINS - 1) + b, at(((b + 1) * n / BINS).min(n - 1)));
                    }
                }
            }
            NumericModule::SignedLog => {
                let (m, s) = mean_inv_std(n, |i| signed_log(x(i)));
                put(table, 2 * f, m);
                put(table, 2 * f + 1, s);
            }
            _ => {
                let (m, s) = mean_inv_std(n, x);
                put(table, 2 * f, m);
                put(table, 2 * f + 1, s);
            }
        }
    }
}

/// The pairwise module's pairs `(i, j)`, `i <= j`: all of them, or a seeded draw of
/// [`MAX_PAIRS`] kept in order; `scratch` holds every pair.
fn draw_pairs(d: usize, raw: usize, rng: &mut Rng, scratch: &mut [[u8; 4]], out: &mut [u8]) {
    let all = d * (d + 1) / 2;
    let pairs = scratch.get_mut(..all).unwrap_or(&mut []);
    let mut k = 0;
    for i in 0..d {
        for j in i..d {
            if let Some(slot) = pairs.get_mut(k) {
                // Big-endian (i, j): byte order is the pairs' lexicographic order.
                let [a, b] = (i as u16).to_be_bytes();
                let [c, e] = (j as u16).to_be_bytes();
                *slot = [a, b, c, e];
            }
            k += 1;
        }
    }
    if all > MAX_PAIRS {
        rng.shuffle(pairs);
        pairs.get_mut(..raw).unwrap_or(&mut []).sort_unstable();
    }
    for (dst, pair) in out.chunks_exact_mut(4).zip(pairs.iter()) {
        let i = u16::from_be_bytes([pair[0], pair[1]]);
        let j = u16::from_be_bytes([pair[2], pair[3]]);
        dst[..2].copy_from_slice(&i.to_le_bytes());
        dst[2..].copy_from_slice(&j.to_le_bytes());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::space::input_modules::NUMERIC_MODULES;

    #[test]
    fn every_module_fits_and_transforms_finitely() {
        let data: std::vec::Vec<[f32; 3]> =
            (0..40).map(|i| [i as f32, (i % 3) as f32, -(i as f32) * 100.0]).collect();
        let rows = unlabelled(30, 3, |i: usize, f: usize| data[i][f]);
        for module in NUMERIC_MODULES {
            let sizes = InputSections::new(module, 3, 30);
            let mut memory = std::vec![0_u8; sizes.stored()];
            let mut scratch = std::vec![0_u8; sizes.scratch];
            let file = fit_input(module, &rows, 9, &mut memory, &mut scratch).unwrap();
            let input = NumericInput::new(&file).unwrap();
            let mut out = [0.0; NUMERIC_WIDTH];
            input.transform(&data[35], &mut out);
            assert!(out.iter().all(|v| v.is_finite()));
            assert!(out.iter().any(|&v| v != 0.0), "{}", module.name());
            let mut staged = [0.0; 64];
            input.stage_with(&data[35], |r, v| staged[r] = v);
            let mut projected = [0.0; NUMERIC_WIDTH];
            input.project_from(|r| staged[r], &mut projected);
            assert_eq!(out.map(f32::to_bits), projected.map(f32::to_bits));
        }
    }

    /// Rows of one class: what the fits that do not turn towards classes read.
    fn unlabelled<V: Fn(usize, usize) -> f32>(
        rows: usize,
        features: usize,
        value: V,
    ) -> TrainingRows<V, fn(usize) -> usize> {
        TrainingRows { rows, features, value, label: |_| 0, classes: 1 }
    }

    /// The z-score module's projection `[raw][NUMERIC_WIDTH]` of a task with `d` features.
    fn zscore_projection(d: usize) -> std::vec::Vec<f64> {
        let rows = unlabelled(20, d, |i: usize, f: usize| (i * f) as f32);
        let sizes = InputSections::new(NumericModule::ZScore, d, 20);
        let (mut memory, mut scratch) =
            (std::vec![0_u8; sizes.stored()], std::vec![0; sizes.scratch]);
        let file = fit_input(NumericModule::ZScore, &rows, 3, &mut memory, &mut scratch).unwrap();
        matrix_of(&file)
    }

    /// A fitted module's projection, as f64.
    fn matrix_of(file: &NumericInputFile<'_>) -> std::vec::Vec<f64> {
        let (chunks, _) = file.matrix.as_chunks::<4>();
        chunks.iter().map(|b| f64::from(f32::from_le_bytes(*b))).collect()
    }

    #[test]
    fn a_wide_projection_keeps_the_direction_between_the_class_means() {
        // 90 features, three classes told apart by features 0 and 1 only, the rest noise.
        let (d, n, w) = (90, 60, NUMERIC_WIDTH);
        let mut rng = crate::kernels::rng::Rng::new(5);
        let data: std::vec::Vec<std::vec::Vec<f32>> = (0..n)
            .map(|i| {
                (0..d)
                    .map(|f| match f {
                        0 => [3.0, -3.0, 0.0][i % 3],
                        1 => [0.0, 2.0, -2.0][i % 3],
                        _ => 0.0,
                    } + rng.normal() as f32)
                    .collect()
            })
            .collect();
        let rows = TrainingRows {
            rows: n,
            features: d,
            value: |i: usize, f: usize| data[i][f],
            label: |i: usize| i % 3,
            classes: 3,
        };
        let sizes = InputSections::new(NumericModule::ZScore, d, n);
        let (mut memory, mut scratch) =
            (std::vec![0_u8; sizes.stored()], std::vec![0; sizes.scratch]);
        let file = fit_input(NumericModule::ZScore, &rows, 3, &mut memory, &mut scratch).unwrap();
        let m = matrix_of(&file);
        // The z-scored mean of class 0 less the overall mean, over the features.
        let input = NumericInput::new(&file).unwrap();
        let mut delta = std::vec![0.0_f64; d];
        for (i, row) in data.iter().enumerate() {
            let weight = if i % 3 == 0 { 1.0 / 20.0 - 1.0 / 60.0 } else { -1.0 / 60.0 };
            input.stage_with(row, |r, v| delta[r] += weight * f64::from(v));
        }
        let norm = |v: &dyn Fn(usize) -> f64| (0..d).map(|f| v(f) * v(f)).sum::<f64>().sqrt();
        let cosine = (0..d).map(|f| m[f * w] * delta[f]).sum::<f64>()
            / (norm(&|f| m[f * w]) * norm(&|f| delta[f]));
        assert!(cosine > 0.9999, "the first output reads class 0's direction: {cosine}");
        // A task whose raw row fits keeps the seeded draw: the class labels change nothing.
        let narrow = |classes: usize| {
            let rows = TrainingRows {
                rows: n,
                features: 5,
                value: |i: usize, f: usize| data[i][f],
                label: |i: usize| i % 3,
                classes,
            };
            let sizes = InputSections::new(NumericModule::ZScore, 5, n);
            let (mut memory, mut scratch) =
                (std::vec![0_u8; sizes.stored()], std::vec![0; sizes.scratch]);
            fit_input(NumericModule::ZScore, &rows, 3, &mut memory, &mut scratch).unwrap();
            memory
        };
        assert_eq!(narrow(3), narrow(1));
    }

    #[test]
    fn class_directions_leave_no_output_dead_whatever_the_classes_and_module() {
        // Class 1 of 3 has no training rows; the binned module's one-hot raw row (10 features x 8
        // bins) is wide too. Every output's column over the raw values keeps the squared length
        // `raw / d` and stays orthogonal to the others: an empty class's column is drawn, not
        // left at zero.
        let n = 60;
        for (module, d) in [(NumericModule::ZScore, 90), (NumericModule::Binned, 10)] {
            let rows = TrainingRows {
                rows: n,
                features: d,
                value: |i: usize, f: usize| ((i * 7 + f * 13) % 17) as f32 + (i % 2) as f32 * 3.0,
                label: |i: usize| if i.is_multiple_of(2) { 0 } else { 2 },
                classes: 3,
            };
            let sizes = InputSections::new(module, d, n);
            let (mut memory, mut scratch) =
                (std::vec![0_u8; sizes.stored()], std::vec![0; sizes.scratch]);
            let file = fit_input(module, &rows, 3, &mut memory, &mut scratch).unwrap();
            let m = matrix_of(&file);
            let (w, raw) = (NUMERIC_WIDTH, module.raw_width(d));
            for a in 0..w {
                for b in 0..w {
                    let dot: f64 = (0..raw).map(|f| m[f * w + a] * m[f * w + b]).sum();
                    let want = if a == b { raw as f64 / d as f64 } else { 0.0 };
                    assert!((dot - want).abs() < 1e-3, "{module:?} columns {a}, {b}: {dot}");
                }
            }
        }
    }

    #[test]
    fn the_projection_is_orthogonal_at_a_gaussian_draws_size() {
        let w = NUMERIC_WIDTH;
        // Few features: each feature's row of 64 values, orthogonal, of squared length 64 / d.
        let (d, m) = (5, zscore_projection(5));
        for a in 0..d {
            for b in 0..d {
                let dot: f64 = (0..w).map(|i| m[a * w + i] * m[b * w + i]).sum();
                let want = if a == b { w as f64 / d as f64 } else { 0.0 };
                assert!((dot - want).abs() < 1e-4, "rows {a}, {b}: {dot}");
            }
        }
        // More features than outputs: each output's column over the features, of length 1.
        let (d, m) = (90, zscore_projection(90));
        for a in 0..w {
            for b in 0..w {
                let dot: f64 = (0..d).map(|f| m[f * w + a] * m[f * w + b]).sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-4, "columns {a}, {b}: {dot}");
            }
        }
    }

    #[test]
    fn refuses_no_rows_and_short_memory() {
        let rows = unlabelled(0, 2, |_: usize, _: usize| 1.0);
        assert_eq!(
            fit_input(NumericModule::ZScore, &rows, 1, &mut [0; 64], &mut []).unwrap_err(),
            FitError::Empty
        );
        let rows = unlabelled(5, 2, |_: usize, _: usize| 1.0);
        assert_eq!(
            fit_input(NumericModule::ZScore, &rows, 1, &mut [0; 8], &mut [0; 64]).unwrap_err(),
            FitError::Memory
        );
        let bad = unlabelled(5, 2, |_: usize, _: usize| f32::NAN);
        let sizes = InputSections::new(NumericModule::ZScore, 2, 5);
        let (mut memory, mut scratch) = (std::vec![0_u8; sizes.stored()], std::vec![0; 64]);
        let fitted = fit_input(NumericModule::ZScore, &bad, 1, &mut memory, &mut scratch);
        assert!(matches!(fitted, Err(FitError::Input(_))));
    }
}
