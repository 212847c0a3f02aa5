//! The `result ...` lines the Rust firmware prints, formatted by the core's `search_report` into
//! a caller's char buffer, so C firmware prints the same bytes.

use core::ffi::c_char;

use archrank_core::search_report::{write_model_result, write_result, write_training_result};

use crate::formatting::write_text;
use crate::handles::{self, ArchrankModel, ArchrankSearch, ArchrankTrained};
use crate::raw;
use crate::status::{ArchrankStatus, status_of};

/// Formats the search `search` as the `result preset` ... `result u` lines (the core's
/// `write_result`: budget, score, architecture, cost, nearest tasks, start, logits) into the
/// `capacity` chars at `buf`, NUL-terminated; writes their length (without the NUL) to `len`.
/// About 1 KiB is enough for the tiny preset.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, `ARCHRANK_STATUS_INVALID_ARGUMENT` (a handle not filled by
/// its load function), or `ARCHRANK_STATUS_BUFFER_TOO_SMALL` (then `*len` is the size needed,
/// the NUL included); `buf` is then untouched.
///
/// # Safety
/// `search` must point to `archrank_search` storage (its ranker's and samples' bytes still
/// valid), `buf` be writable for `capacity` chars, `len` point to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_format_result(
    search: *const ArchrankSearch,
    buf: *mut c_char,
    capacity: usize,
    len: *mut usize,
) -> ArchrankStatus {
    status_of((|| {
        // SAFETY: the caller passes search storage.
        let chosen = unsafe { handles::get(search)? };
        // SAFETY: the caller gives the buffer and the length's place.
        unsafe {
            write_text(buf, capacity, len, |mut out| {
                write_result(&mut out, &chosen.request, &chosen.result)
            })
        }
    })())
}

/// Formats the training `trained` and the model file it wrote (the `model_len` bytes at `model`:
/// their length and FNV-1a hash) as the `result train` and `result refit` lines (the core's
/// `write_training_result`) into the `capacity` chars at `buf`, NUL-terminated; writes their
/// length (without the NUL) to `len`.
///
/// # Errors
/// As `archrank_format_result`.
///
/// # Safety
/// `trained` must point to `archrank_trained` storage, `model` be readable for `model_len`
/// bytes, `buf` be writable for `capacity` chars, `len` point to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_format_training(
    trained: *const ArchrankTrained,
    model: *const u8,
    model_len: usize,
    buf: *mut c_char,
    capacity: usize,
    len: *mut usize,
) -> ArchrankStatus {
    status_of((|| {
        // SAFETY: the caller passes trained storage.
        let trained = unsafe { handles::get(trained)? };
        // SAFETY: the caller gives `model_len` readable bytes.
        let model = unsafe { raw::slice(model, model_len)? };
        // SAFETY: the caller gives the buffer and the length's place.
        unsafe {
            write_text(buf, capacity, len, |mut out| {
                write_training_result(
                    &mut out,
                    &trained.selected,
                    Some(&trained.child.report),
                    model,
                )
            })
        }
    })())
}

/// Formats how `model` did on labelled samples, `correct` right of `total`, as the
/// `result model <named> correct C of N accuracy A` line (the core's `write_model_result`;
/// `text`: whether the samples were texts, which names the input module) into the `capacity`
/// chars at `buf`, NUL-terminated; writes its length (without the NUL) to `len`.
///
/// # Errors
/// As `archrank_format_result`.
///
/// # Safety
/// `model` must point to `archrank_model` storage, `buf` be writable for `capacity` chars, `len`
/// point to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_format_model_result(
    model: *const ArchrankModel,
    text: bool,
    correct: usize,
    total: usize,
    buf: *mut c_char,
    capacity: usize,
    len: *mut usize,
) -> ArchrankStatus {
    status_of((|| {
        // SAFETY: the caller passes model storage.
        let model = unsafe { handles::get(model)? };
        // SAFETY: the caller gives the buffer and the length's place.
        unsafe {
            write_text(buf, capacity, len, |mut out| {
                write_model_result(&mut out, model, text, correct, total)
            })
        }
    })())
}
