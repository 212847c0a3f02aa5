//! Training the chosen child on the device's samples in a caller's arena, as the Rust firmware
//! does (`train_child` with a stratified validation fifth, then `refit_child` on every sample
//! for the epochs that chose), and writing its model file into a caller's buffer.

use archrank_core::training::{
    TrainConfig, Validation, arena_bytes, child_seed, class_ids, refit_child, train_child,
};

use crate::handles::{self, ArchrankSamples, ArchrankSearch, ArchrankTrained, Trained};
use crate::raw;
use crate::status::{ArchrankStatus, status_of};

/// Largest feature count a sample may have (embedding, training and prediction stage a row of
/// this many floats on the stack).
pub const ARCHRANK_MAX_FEATURES: usize = 64;

/// The child seed a device trains (the first, as `archrank train --engine core` does).
const SEED_INDEX: u32 = 0;

/// A written model file and how it did on the held-out samples.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArchrankWritten {
    /// Bytes of the model file at the start of the buffer (on
    /// `ARCHRANK_STATUS_BUFFER_TOO_SMALL`: the bytes it needs).
    pub bytes: usize,
    /// Held-out samples the written model classifies right.
    pub held_out_correct: usize,
    /// Held-out samples (0 without any).
    pub held_out_total: usize,
}

/// Writes to `bytes` the size of the arena `archrank_train` needs to train the architecture
/// `search` chose on `samples`.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, or `ARCHRANK_STATUS_INVALID_ARGUMENT` for a handle not filled
/// by its load function.
///
/// # Safety
/// `search` and `samples` must point to their handles' storage, `bytes` to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_train_arena_bytes(
    search: *const ArchrankSearch,
    samples: *const ArchrankSamples,
    bytes: *mut usize,
) -> ArchrankStatus {
    status_of((|| {
        let bytes = raw::output(bytes)?;
        // SAFETY: the caller passes search storage.
        let chosen = unsafe { handles::get(search)? };
        // SAFETY: the caller passes samples storage.
        let samples = unsafe { handles::get(samples)? };
        let needed = arena_bytes(
            &chosen.result.discrete,
            &samples.shape(),
            TrainConfig::default().optimizer,
        );
        // SAFETY: `bytes` is checked and writable.
        unsafe { raw::write(bytes, needed) };
        Ok(())
    })())
}

/// Trains the architecture `search` chose on the numeric `samples` in the `arena_len` bytes at
/// `arena`: the input module fitted and the network trained with early stopping on a stratified
/// fifth of the samples, then trained again on every sample for the epochs that chose (the
/// first child seed, the device's training schedule). Fills `out` with the child, whose weights
/// stay in the arena, and both runs' reports.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, `ARCHRANK_STATUS_INVALID_ARGUMENT` (a handle not filled by
/// its load function), or the `ARCHRANK_STATUS_TRAIN_*` status of what failed
/// (`ARCHRANK_STATUS_TRAIN_MEMORY`: the arena is smaller than `archrank_train_arena_bytes`);
/// `out` is then untouched (the arena is scratch either way).
///
/// # Safety
/// `search` and `samples` must point to their handles' storage; `arena` must be writable for
/// `arena_len` bytes, used by nothing else while `out` is used (it holds the weights); `out`
/// must point to writable `archrank_trained` storage. `out` borrows the samples' bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_train(
    search: *const ArchrankSearch,
    samples: *const ArchrankSamples,
    arena: *mut u8,
    arena_len: usize,
    out: *mut ArchrankTrained,
) -> ArchrankStatus {
    status_of((|| {
        let out = raw::output(out)?;
        // SAFETY: the caller passes search storage.
        let chosen = unsafe { handles::get(search)? };
        // SAFETY: the caller passes samples storage; its bytes outlive the trained handle.
        let samples = unsafe { handles::get(samples)? };
        // SAFETY: the caller gives the arena to the trained handle for as long as it is used.
        let arena: &'static mut [u8] = unsafe { raw::slice_mut(arena, arena_len)? };
        let arch = &chosen.result.discrete;
        let config = TrainConfig::default();
        let seed = child_seed(SEED_INDEX);
        let selected = train_child::<ARCHRANK_MAX_FEATURES>(
            arch,
            samples,
            Validation::Stratified,
            &config,
            seed,
            &mut *arena,
        )?
        .report;
        let child =
            refit_child::<ARCHRANK_MAX_FEATURES>(arch, samples, &selected, &config, seed, arena)?;
        let trained = Trained { selected, child, task: samples.task, classes: samples.classes() };
        // SAFETY: `out` is checked and points to trained storage.
        unsafe { handles::fill(out, trained) };
        Ok(())
    })())
}

/// Writes the model file of the child `trained` into the `capacity` bytes at `out`: its
/// architecture, fitted input module, weights, class names (the class ids) and provenance,
/// with the accuracy on the numeric `held_out` samples measured by the core's inference on the
/// file's contents (`held_out` may be NULL: no accuracy). Fills `written` with the file's length
/// and the held-out counts.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, `ARCHRANK_STATUS_INVALID_ARGUMENT` (a handle not filled by
/// its load function), `ARCHRANK_STATUS_BUFFER_TOO_SMALL` (then `written->bytes` is the size
/// needed and the rest of `written` is 0), or the `ARCHRANK_STATUS_PREDICT_*` status of a
/// held-out sample that cannot be run; `out` is then untouched.
///
/// # Safety
/// `trained` must point to `archrank_trained` storage (and its arena be unchanged since
/// `archrank_train`), `held_out` be NULL or point to `archrank_samples` storage, `out` be
/// writable for `capacity` bytes, `written` point to a writable `archrank_written`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_write_model(
    trained: *const ArchrankTrained,
    held_out: *const ArchrankSamples,
    out: *mut u8,
    capacity: usize,
    written: *mut ArchrankWritten,
) -> ArchrankStatus {
    status_of((|| {
        let written = raw::output(written)?;
        // SAFETY: the caller passes trained storage whose arena is unchanged.
        let trained = unsafe { handles::get(trained)? };
        let held_out = if held_out.is_null() {
            None
        } else {
            // SAFETY: the caller passes samples storage.
            Some(unsafe { handles::get(held_out)? })
        };
        // SAFETY: the caller gives `capacity` writable bytes.
        let out = unsafe { raw::slice_mut(out, capacity)? };
        let names = class_ids(trained.classes);
        let needed = trained.child.model_bytes(trained.task, SEED_INDEX, &names);
        if needed > out.len() {
            let value = ArchrankWritten { bytes: needed, ..ArchrankWritten::default() };
            // SAFETY: `written` is checked and writable.
            unsafe { raw::write(written, value) };
            return Err(ArchrankStatus::BufferTooSmall);
        }
        let model = trained.child.write_model::<ARCHRANK_MAX_FEATURES>(
            trained.task,
            SEED_INDEX,
            &names,
            held_out,
            out,
        )?;
        let (held_out_correct, held_out_total) = model.held_out;
        let value = ArchrankWritten { bytes: model.bytes.len(), held_out_correct, held_out_total };
        // SAFETY: `written` is checked and writable.
        unsafe { raw::write(written, value) };
        Ok(())
    })())
}
