//! Running a model on one numeric sample, and reading a sample of a samples file to run.

use archrank_core::NumericSamples;
use archrank_core::inference::Probabilities;

use crate::ARCHRANK_MAX_CLASSES;
use crate::handles::{self, ArchrankModel, ArchrankSamples};
use crate::raw;
use crate::status::{ArchrankStatus, status_of};

/// Reads sample `index` of the numeric `samples`: its features into the `row_len` floats at `row`
/// (the first `features` of them) and its class id into `label` (which may be NULL).
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, `ARCHRANK_STATUS_INVALID_ARGUMENT` (a handle not filled by
/// its load function, an index past the end), `ARCHRANK_STATUS_TEXT_SAMPLES`, or
/// `ARCHRANK_STATUS_BUFFER_TOO_SMALL` (`row_len` below the feature count); nothing is written.
///
/// # Safety
/// `samples` must point to `archrank_samples` storage, `row` be writable for `row_len` floats,
/// `label` be NULL or point to a writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_samples_row(
    samples: *const ArchrankSamples,
    index: usize,
    row: *mut f32,
    row_len: usize,
    label: *mut u32,
) -> ArchrankStatus {
    status_of((|| {
        let label = if label.is_null() { None } else { Some(raw::output(label)?) };
        // SAFETY: the caller passes samples storage.
        let samples = unsafe { handles::get(samples)? };
        // SAFETY: the caller gives `row_len` writable floats.
        let row = unsafe { raw::slice_mut(row, row_len)? };
        if samples.is_text() {
            return Err(ArchrankStatus::TextSamples);
        }
        if index >= samples.len() {
            return Err(ArchrankStatus::InvalidArgument);
        }
        let row = row.get_mut(..samples.features).ok_or(ArchrankStatus::BufferTooSmall)?;
        let class = samples.sample_into(index, row);
        if let Some(label) = label {
            // SAFETY: `label` is checked and writable.
            unsafe { raw::write(label, class) };
        }
        Ok(())
    })())
}

/// Runs `model` on the `count` features at `features`: writes the predicted class to `predicted`
/// and, unless `probabilities` is NULL, every class's probability to the first `classes` of the
/// `probabilities_len` floats at `probabilities` (`archrank_model_describe` gives `classes`; at most
/// `ARCHRANK_MAX_CLASSES`).
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, `ARCHRANK_STATUS_INVALID_ARGUMENT` (a handle not filled by
/// its load function), `ARCHRANK_STATUS_BUFFER_TOO_SMALL` (fewer probabilities than classes),
/// or the `ARCHRANK_STATUS_PREDICT_*` status of a row that cannot be run (another feature count,
/// a non-finite value, a text model); nothing is written.
///
/// # Safety
/// `model` must point to `archrank_model` storage, `features` be readable for `count` floats,
/// `probabilities` be NULL or writable for `probabilities_len` floats, `predicted` point to a
/// writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_predict(
    model: *const ArchrankModel,
    features: *const f32,
    count: usize,
    probabilities: *mut f32,
    probabilities_len: usize,
    predicted: *mut u32,
) -> ArchrankStatus {
    status_of((|| {
        let predicted_out = raw::output(predicted)?;
        // SAFETY: the caller passes model storage.
        let model = unsafe { handles::get(model)? };
        // SAFETY: the caller gives `count` readable floats.
        let row = unsafe { raw::slice(features, count)? };
        let out = if probabilities.is_null() {
            None
        } else {
            // SAFETY: the caller gives `probabilities_len` writable floats.
            let all = unsafe { raw::slice_mut(probabilities, probabilities_len)? };
            Some(all.get_mut(..model.classes).ok_or(ArchrankStatus::BufferTooSmall)?)
        };
        let mut probs: Probabilities = [0.0; ARCHRANK_MAX_CLASSES];
        let class = model.predict_numeric(row, &mut probs)?;
        if let Some(out) = out {
            out.iter_mut().zip(&probs).for_each(|(o, p)| *o = *p);
        }
        // SAFETY: `predicted` is checked and writable.
        unsafe { raw::write(predicted_out, u32::try_from(class).unwrap_or(u32::MAX)) };
        Ok(())
    })())
}
