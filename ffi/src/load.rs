//! Loading from bytes, read in place: the ranker, a samples file, a model file; and what a
//! loaded samples file or model holds.

use archrank_core::model_format::ModelInput;
use archrank_core::{Model, Ranker, SamplesFile};

use crate::handles::{self, ArchrankModel, ArchrankRanker, ArchrankSamples, Handle};
use crate::raw;
use crate::status::{ArchrankStatus, status_of};

/// What a samples file holds.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArchrankSamplesInfo {
    /// Number of samples.
    pub count: usize,
    /// Features per sample (0 for text samples).
    pub features: usize,
    /// Classes the samples name: the largest class id plus one.
    pub classes: usize,
    /// Whether the samples are texts (this API embeds, trains and predicts numbers only).
    pub text: bool,
}

/// What a model takes and gives.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArchrankModelInfo {
    /// Features a sample must have (0 for a text model).
    pub features: usize,
    /// Classes it predicts: the probabilities `archrank_predict` writes.
    pub classes: usize,
    /// Whether it is a text model (which `archrank_predict` cannot run).
    pub text: bool,
}

/// Loads a ranker of the tiny preset (f32 or int8 weights, as written by `archrank fit` or
/// `archrank quantize`) from `len` bytes at `bytes` into `out`, validating it once: after
/// `ARCHRANK_STATUS_OK`, embedding and searching with it cannot fail on its account.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, `ARCHRANK_STATUS_INVALID_ARGUMENT` (a misaligned `out`), or
/// the `ARCHRANK_STATUS_WEIGHTS_*` status of the check that failed; `out` is then untouched.
///
/// # Safety
/// `bytes` must be readable for `len` bytes and stay valid and unchanged while `out` (and any
/// search made with it) is used; `out` must point to writable `archrank_ranker` storage.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_ranker_load(
    out: *mut ArchrankRanker,
    bytes: *const u8,
    len: usize,
) -> ArchrankStatus {
    // SAFETY: the caller's contract is `load_into`'s.
    unsafe { load_into(out, bytes, len, Ranker::load) }
}

/// Loads a samples file (as written by `archrank export-samples`) from `len` bytes at `bytes`
/// into `out`.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, `ARCHRANK_STATUS_INVALID_ARGUMENT`, or the
/// `ARCHRANK_STATUS_SAMPLES_*` status of the check that failed; `out` is then untouched.
///
/// # Safety
/// `bytes` must be readable for `len` bytes and stay valid and unchanged while `out` (and what is
/// made from it) is used; `out` must point to writable `archrank_samples` storage.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_samples_load(
    out: *mut ArchrankSamples,
    bytes: *const u8,
    len: usize,
) -> ArchrankStatus {
    // SAFETY: the caller's contract is `load_into`'s.
    unsafe { load_into(out, bytes, len, SamplesFile::load) }
}

/// Writes what the samples file `samples` holds to `info`.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, or `ARCHRANK_STATUS_INVALID_ARGUMENT` for a handle
/// `archrank_samples_load` did not fill.
///
/// # Safety
/// `samples` must point to `archrank_samples` storage, `info` to a writable
/// `archrank_samples_info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_samples_describe(
    samples: *const ArchrankSamples,
    info: *mut ArchrankSamplesInfo,
) -> ArchrankStatus {
    status_of((|| {
        let info = raw::output(info)?;
        // SAFETY: the caller passes samples storage.
        let samples = unsafe { handles::get(samples)? };
        let value = ArchrankSamplesInfo {
            count: samples.len(),
            features: samples.features,
            classes: samples.classes(),
            text: samples.is_text(),
        };
        // SAFETY: `info` is checked and writable.
        unsafe { raw::write(info, value) };
        Ok(())
    })())
}

/// Loads a model file (as written by `archrank_write_model` or `archrank train`) from `len`
/// bytes at `bytes` into `out`, validating it once: after `ARCHRANK_STATUS_OK`, predicting with
/// it cannot fail on its account.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, `ARCHRANK_STATUS_INVALID_ARGUMENT`, or the
/// `ARCHRANK_STATUS_MODEL_*` status of the check that failed; `out` is then untouched.
///
/// # Safety
/// `bytes` must be readable for `len` bytes and stay valid and unchanged while `out` is used;
/// `out` must point to writable `archrank_model` storage.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_model_load(
    out: *mut ArchrankModel,
    bytes: *const u8,
    len: usize,
) -> ArchrankStatus {
    // SAFETY: the caller's contract is `load_into`'s.
    unsafe { load_into(out, bytes, len, Model::load) }
}

/// Writes what the model `model` takes and gives to `info`.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, or `ARCHRANK_STATUS_INVALID_ARGUMENT` for a handle
/// `archrank_model_load` did not fill.
///
/// # Safety
/// `model` must point to `archrank_model` storage, `info` to a writable `archrank_model_info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_model_describe(
    model: *const ArchrankModel,
    info: *mut ArchrankModelInfo,
) -> ArchrankStatus {
    status_of((|| {
        let info = raw::output(info)?;
        // SAFETY: the caller passes model storage.
        let model = unsafe { handles::get(model)? };
        let (features, text) = match &model.input {
            ModelInput::Numeric(input) => (input.features(), false),
            ModelInput::Text(_) => (0, true),
        };
        let value = ArchrankModelInfo { features, classes: model.classes, text };
        // SAFETY: `info` is checked and writable.
        unsafe { raw::write(info, value) };
        Ok(())
    })())
}

/// Loads `len` bytes at `bytes` with `load` into the handle at `out`: what every load function
/// does. `out` is untouched on failure.
///
/// # Safety
/// `bytes` must be readable for `len` bytes and stay valid and unchanged while `out` (and what is
/// made from it) is used; `out` must point to writable storage of `H`.
unsafe fn load_into<H: Handle, E>(
    out: *mut H,
    bytes: *const u8,
    len: usize,
    load: fn(&'static [u8]) -> Result<H::Value, E>,
) -> ArchrankStatus
where
    ArchrankStatus: From<E>,
{
    status_of((|| {
        let out = raw::output(out)?;
        // SAFETY: the caller keeps the bytes valid and unchanged while the handle is used.
        let bytes: &'static [u8] = unsafe { raw::slice(bytes, len)? };
        let value = load(bytes)?;
        // SAFETY: `out` is checked and points to `H`'s storage.
        unsafe { handles::fill(out, value) };
        Ok(())
    })())
}
