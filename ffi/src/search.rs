//! Embedding a task's samples and searching within a budget.

use archrank_core::dims::EMBED_DIM;
use archrank_core::search_report::Request;
use archrank_core::{Budget, TaskEmbedding, embed_numeric};

use crate::handles::{self, ArchrankRanker, ArchrankSamples, ArchrankSearch, Chosen};
use crate::raw;
use crate::status::{ArchrankStatus, status_of};
use crate::train::ARCHRANK_MAX_FEATURES;

/// Floats of a task embedding.
pub const ARCHRANK_EMBED_DIM: usize = 27;
const _: () = assert!(ARCHRANK_EMBED_DIM == EMBED_DIM);

/// A budget field's value for "no limit".
pub const ARCHRANK_UNLIMITED: u32 = u32::MAX;

/// A task embedding: what the ranker scores architectures for.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ArchrankEmbedding {
    /// The embedding's values.
    pub values: [f32; ARCHRANK_EMBED_DIM],
}

/// What the chosen architecture may cost; each field is a limit, or `ARCHRANK_UNLIMITED`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchrankBudget {
    /// Most learned parameters (a firmware gives `model flash bytes / 4`).
    pub params: u32,
    /// Most multiply-adds per sample.
    pub macs: u32,
    /// Most peak activation bytes.
    pub ram_bytes: u32,
    /// Most bytes the training may take (the training arena's size).
    pub train_ram_bytes: u32,
}

impl ArchrankBudget {
    fn to_core(self) -> Budget {
        let limit = |v: u32| (v != ARCHRANK_UNLIMITED).then_some(v);
        Budget {
            max_params: limit(self.params),
            max_macs: limit(self.macs),
            max_ram_bytes: limit(self.ram_bytes),
            max_train_ram_bytes: limit(self.train_ram_bytes),
        }
    }
}

/// Embeds the numeric samples `samples` (of at most `ARCHRANK_MAX_FEATURES` features) with
/// `ranker`'s encoder into `out`: a statistics pass, then every sample through the set encoder.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, `ARCHRANK_STATUS_INVALID_ARGUMENT` (a handle not filled by
/// its load function), `ARCHRANK_STATUS_TEXT_SAMPLES`, or the `ARCHRANK_STATUS_ENCODE_*` status
/// of a sample that cannot be encoded; `out` is then untouched.
///
/// # Safety
/// `ranker` and `samples` must point to their handles' storage, `out` to a writable
/// `archrank_embedding`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_embed(
    ranker: *const ArchrankRanker,
    samples: *const ArchrankSamples,
    out: *mut ArchrankEmbedding,
) -> ArchrankStatus {
    status_of((|| {
        let out = raw::output(out)?;
        // SAFETY: the caller passes ranker storage.
        let ranker = unsafe { handles::get(ranker)? };
        // SAFETY: the caller passes samples storage.
        let samples = unsafe { handles::get(samples)? };
        if samples.is_text() {
            return Err(ArchrankStatus::TextSamples);
        }
        let z = embed_numeric::<crate::Space, ARCHRANK_MAX_FEATURES>(ranker.network(), samples)?;
        let mut values = [0.0; ARCHRANK_EMBED_DIM];
        values.copy_from_slice(z.as_slice());
        // SAFETY: `out` is checked and writable.
        unsafe { raw::write(out, ArchrankEmbedding { values }) };
        Ok(())
    })())
}

/// Searches `ranker` for the architecture of the best predicted score on the task `embedding`
/// describes (made from `samples`, whose shape the cost model needs) within `budget`, with the
/// search defaults stored in the weights; fills `out` with the result and what was asked.
///
/// # Errors
/// `ARCHRANK_STATUS_NULL_POINTER`, `ARCHRANK_STATUS_INVALID_ARGUMENT` (a handle not filled by
/// its load function, a non-finite embedding value), or
/// `ARCHRANK_STATUS_NO_ARCHITECTURE_FITS`; `out` is then untouched.
///
/// # Safety
/// `ranker` and `samples` must point to their handles' storage, `embedding` and `budget` to
/// readable values, `out` to writable `archrank_search` storage. `out` borrows the ranker's and
/// the samples' bytes: they must stay valid while it is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn archrank_search_within(
    ranker: *const ArchrankRanker,
    samples: *const ArchrankSamples,
    embedding: *const ArchrankEmbedding,
    budget: *const ArchrankBudget,
    out: *mut ArchrankSearch,
) -> ArchrankStatus {
    status_of((|| {
        let out = raw::output(out)?;
        // SAFETY: the caller passes ranker storage; its bytes outlive the search handle.
        let ranker = unsafe { handles::get(ranker)? };
        // SAFETY: the caller passes samples storage; its bytes outlive the search handle.
        let samples = unsafe { handles::get(samples)? };
        // SAFETY: the caller passes a readable embedding.
        let embedding = unsafe { raw::read(embedding)? };
        // SAFETY: the caller passes a readable budget.
        let budget = unsafe { raw::read(budget)? }.to_core();
        if !embedding.values.iter().all(|v| v.is_finite()) {
            return Err(ArchrankStatus::InvalidArgument);
        }
        let z = TaskEmbedding::from(embedding.values);
        let request =
            Request { task: samples.task, samples: samples.len(), shape: samples.shape(), budget };
        let result =
            ranker.search_within(&z, &ranker.search_config(), &request.shape, &request.budget)?;
        // SAFETY: `out` is checked and points to search storage.
        unsafe { handles::fill(out, Chosen { result, request }) };
        Ok(())
    })())
}
