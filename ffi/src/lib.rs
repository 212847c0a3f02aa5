//! archrank-ffi: the core's device story as a C API, for firmware written in C.
//!
//! The same steps the Rust firmware (`firmware-example`) runs, each an `extern "C"` function over
//! caller-provided memory — no allocator, no global state:
//!
//! 1. **Load** the ranker ([`archrank_ranker_load`]: the tiny preset, f32 or int8 weights) and a
//!    samples file ([`archrank_samples_load`]) from bytes, read in place (on a device, straight
//!    from flash).
//! 2. **Embed** the samples into the task embedding ([`archrank_embed`]).
//! 3. **Search** within a budget ([`archrank_search_within`]).
//! 4. **Train** the chosen child and refit it on every sample in a caller's arena
//!    ([`archrank_train`]; [`archrank_train_arena_bytes`] says how large), then **write** its
//!    model file into a caller's buffer ([`archrank_write_model`]).
//! 5. **Load** a model ([`archrank_model_load`]) and **predict** one numeric sample
//!    ([`archrank_predict`]; [`archrank_samples_row`] reads a row of a samples file).
//! 6. **Report**: the `result ...` lines the Rust firmware prints, byte for byte
//!    ([`archrank_format_result`], [`archrank_format_training`],
//!    [`archrank_format_model_result`]).
//!
//! # Conventions
//!
//! - Every function returns an [`ArchrankStatus`]; [`archrank_status_message`] names it.
//! - Handles ([`ArchrankRanker`], [`ArchrankSamples`], [`ArchrankSearch`], [`ArchrankTrained`],
//!   [`ArchrankModel`]) are opaque storage the caller allocates (static, stack or heap), of the
//!   sizes the header states as literals; a load function fills one. A handle borrows what it
//!   was made from (the bytes, the arena): they must stay valid and unchanged while it is used.
//! - A failing call writes nothing to its outputs, except the bytes needed, where it says so.
//! - Every pointer is checked for NULL, every length against what is written; no panic crosses
//!   the boundary (on a bare-metal target the panic handler, never reached, loops).
//!
//! `include/archrank.h` is generated from this crate by cbindgen (`cbindgen.toml`); CI fails
//! when the committed header is stale.
#![cfg_attr(target_os = "none", no_std)]

mod formatting;
mod handles;
mod load;
mod predict;
mod raw;
mod report;
mod search;
mod status;
mod train;

pub use handles::{
    ARCHRANK_HANDLE_ALIGN, ARCHRANK_MODEL_SIZE, ARCHRANK_MODEL_WORDS, ARCHRANK_RANKER_SIZE,
    ARCHRANK_RANKER_WORDS, ARCHRANK_SAMPLES_SIZE, ARCHRANK_SAMPLES_WORDS, ARCHRANK_SEARCH_SIZE,
    ARCHRANK_SEARCH_WORDS, ARCHRANK_TRAINED_SIZE, ARCHRANK_TRAINED_WORDS, ArchrankModel,
    ArchrankRanker, ArchrankSamples, ArchrankSearch, ArchrankTrained,
};
pub use load::{
    ArchrankModelInfo, ArchrankSamplesInfo, archrank_model_describe, archrank_model_load,
    archrank_ranker_load, archrank_samples_describe, archrank_samples_load,
};
pub use predict::{archrank_predict, archrank_samples_row};
pub use report::{archrank_format_model_result, archrank_format_result, archrank_format_training};
pub use search::{
    ARCHRANK_EMBED_DIM, ARCHRANK_UNLIMITED, ArchrankBudget, ArchrankEmbedding, archrank_embed,
    archrank_search_within,
};
pub use status::{ArchrankStatus, archrank_status_message};
pub use train::{
    ARCHRANK_MAX_FEATURES, ArchrankWritten, archrank_train, archrank_train_arena_bytes,
    archrank_write_model,
};

/// The core's tiny preset: the search space this API ranks.
type Space = archrank_core::Tiny;

/// Largest class count a model predicts (the length `probabilities` needs at most).
pub const ARCHRANK_MAX_CLASSES: usize = 128;
const _: () = assert!(ARCHRANK_MAX_CLASSES == archrank_core::dims::MAX_CLASSES);

/// A bare-metal build has no std to panic with. No path of this crate panics (clippy denies
/// `unwrap`, `expect`, `panic!` and indexing); should one ever, the part stops here rather than
/// unwinding into C.
#[cfg(target_os = "none")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
