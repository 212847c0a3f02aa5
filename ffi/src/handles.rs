//! Opaque handles in caller-allocated storage: each is a C struct of a size and alignment the
//! header states as literals (checked against the Rust value it holds at compile time, on every
//! target this crate builds for), holding a tag and the value. The tag tells a filled handle from
//! storage no load function has filled. The values own nothing (they borrow the caller's bytes
//! and arena; their `heapless` vectors hold `Copy` items), so a handle is never dropped: it may be
//! refilled or forgotten freely.

use core::ptr::NonNull;

use archrank_core::search_report::Request;
use archrank_core::training::{TrainedChild, TrainingReport};
use archrank_core::{Model, Ranker, Samples, SearchResult};

use crate::Space;
use crate::status::ArchrankStatus;

/// Alignment of every handle's storage, in bytes (its storage is an array of `uint64_t`).
pub const ARCHRANK_HANDLE_ALIGN: usize = 8;
/// Bytes of an `archrank_ranker` (the core's `widen` feature, which a host's workspace build
/// may enable, makes its value larger).
pub const ARCHRANK_RANKER_SIZE: usize = 1344;
/// Bytes of an `archrank_samples`.
pub const ARCHRANK_SAMPLES_SIZE: usize = 96;
/// Bytes of an `archrank_search`.
pub const ARCHRANK_SEARCH_SIZE: usize = 384;
/// Bytes of an `archrank_trained`.
pub const ARCHRANK_TRAINED_SIZE: usize = 320;
/// Bytes of an `archrank_model`.
pub const ARCHRANK_MODEL_SIZE: usize = 832;

/// `uint64_t` words of an `archrank_ranker`'s storage (`ARCHRANK_RANKER_SIZE / 8`).
pub const ARCHRANK_RANKER_WORDS: usize = 168;
/// `uint64_t` words of an `archrank_samples`'s storage (`ARCHRANK_SAMPLES_SIZE / 8`).
pub const ARCHRANK_SAMPLES_WORDS: usize = 12;
/// `uint64_t` words of an `archrank_search`'s storage (`ARCHRANK_SEARCH_SIZE / 8`).
pub const ARCHRANK_SEARCH_WORDS: usize = 48;
/// `uint64_t` words of an `archrank_trained`'s storage (`ARCHRANK_TRAINED_SIZE / 8`).
pub const ARCHRANK_TRAINED_WORDS: usize = 40;
/// `uint64_t` words of an `archrank_model`'s storage (`ARCHRANK_MODEL_SIZE / 8`).
pub const ARCHRANK_MODEL_WORDS: usize = 104;

/// A loaded ranker (the tiny preset), borrowing its weights bytes. Fill with
/// `archrank_ranker_load`.
#[repr(C)]
pub struct ArchrankRanker {
    _storage: [u64; ARCHRANK_RANKER_WORDS],
}

/// A loaded samples file, borrowing its bytes. Fill with `archrank_samples_load`.
#[repr(C)]
pub struct ArchrankSamples {
    _storage: [u64; ARCHRANK_SAMPLES_WORDS],
}

/// A search's result and what it was asked (task, sample count, shape, budget), borrowing the
/// ranker's and the samples' bytes. Fill with `archrank_search_within`.
#[repr(C)]
pub struct ArchrankSearch {
    _storage: [u64; ARCHRANK_SEARCH_WORDS],
}

/// A trained child, its weights in the training arena it borrows, and the reports of its
/// training and refit. Fill with `archrank_train`.
#[repr(C)]
pub struct ArchrankTrained {
    _storage: [u64; ARCHRANK_TRAINED_WORDS],
}

/// A loaded model, borrowing its model file's bytes. Fill with `archrank_model_load`.
#[repr(C)]
pub struct ArchrankModel {
    _storage: [u64; ARCHRANK_MODEL_WORDS],
}

/// What a search handle holds.
pub(crate) struct Chosen {
    /// The search's answer.
    pub result: SearchResult<'static, Space>,
    /// The task, its sample count and shape, and the budget searched within.
    pub request: Request<'static>,
}

/// What a trained handle holds.
pub(crate) struct Trained {
    /// The report of the run that chose the epoch count.
    pub selected: TrainingReport,
    /// The child refitted on every sample (its report is the refit's).
    pub child: TrainedChild<'static>,
    /// The task the samples name (the model file's provenance).
    pub task: &'static str,
    /// Classes of the training samples (the model file's class names are their ids).
    pub classes: usize,
}

/// A handle type and the value it holds.
pub(crate) trait Handle {
    /// The value in the storage.
    type Value;
    /// Marks storage a load function filled.
    const TAG: u32;
}

/// The storage's layout: the tag, then the value.
#[repr(C)]
struct Slot<T> {
    tag: u32,
    value: T,
}

macro_rules! handle {
    ($handle:ty, $value:ty, $size:expr, $tag:literal) => {
        impl Handle for $handle {
            type Value = $value;
            const TAG: u32 = u32::from_le_bytes(*$tag);
        }
        const _: () = {
            assert!(size_of::<Slot<$value>>() <= $size, "raise the handle's size literal");
            assert!(align_of::<Slot<$value>>() <= ARCHRANK_HANDLE_ALIGN);
            assert!(
                size_of::<$handle>() == $size && align_of::<$handle>() == ARCHRANK_HANDLE_ALIGN
            );
        };
    };
}

handle!(ArchrankRanker, Ranker<'static, Space>, ARCHRANK_RANKER_SIZE, b"RNKR");
handle!(ArchrankSamples, Samples<'static>, ARCHRANK_SAMPLES_SIZE, b"SMPL");
handle!(ArchrankSearch, Chosen, ARCHRANK_SEARCH_SIZE, b"SRCH");
handle!(ArchrankTrained, Trained, ARCHRANK_TRAINED_SIZE, b"TRND");
handle!(ArchrankModel, Model<'static>, ARCHRANK_MODEL_SIZE, b"MODL");

/// Fills a handle checked by `raw::output` with `value`.
///
/// # Safety
/// `handle` must point to C storage of the handle's type, writable.
pub(crate) unsafe fn fill<H: Handle>(handle: NonNull<H>, value: H::Value) {
    let slot = Slot { tag: H::TAG, value };
    // SAFETY: the storage is at least as large and as aligned as the slot (checked at compile
    // time, and its alignment by `raw::output`); the caller vouches it is writable.
    unsafe { handle.cast::<Slot<H::Value>>().as_ptr().write(slot) }
}

/// The value of a filled handle, borrowed for as long as the caller keeps it.
///
/// # Safety
/// `handle` must be NULL or point to readable C storage of the handle's type, which is not
/// written while the reference is alive.
pub(crate) unsafe fn get<'a, H: Handle>(handle: *const H) -> Result<&'a H::Value, ArchrankStatus> {
    if handle.is_null() {
        return Err(ArchrankStatus::NullPointer);
    }
    if !handle.is_aligned() {
        return Err(ArchrankStatus::InvalidArgument);
    }
    let slot = handle.cast::<Slot<H::Value>>();
    // SAFETY: not NULL, aligned, within the storage; any bit pattern is a valid `u32`.
    let tag = unsafe { core::ptr::addr_of!((*slot).tag).read() };
    if tag != H::TAG {
        return Err(ArchrankStatus::InvalidArgument);
    }
    // SAFETY: the tag says a load function wrote a valid value here with `fill`; the caller
    // vouches nothing writes it meanwhile.
    Ok(unsafe { &(*slot).value })
}
