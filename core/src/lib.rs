//! archrank-core: choose a neural network architecture for a new classification task on the
//! device that owns its data, without training candidates.
//!
//! This crate is the online half of "Ranking architectures using meta-learning" (Dubatovka et al.,
//! 2019): `#![no_std]`, no allocator, every buffer on the stack.
//!
//! # Pipeline
//!
//! 1. **Load** a weights file written by the trainer ([`Ranker::load`], or [`AnyRanker::load`]
//!    when the preset is known only from the file). It is validated
//!    once — magic, format version, preset, every dimension, section lengths, finiteness — and
//!    read in place afterwards (on a device, straight from flash). After `Ok`, nothing below can
//!    fail. A file stores its numbers as f32 or int8 ([`Quantization`]: weight matrices and the
//!    task table as int8 with a scale per column, [`tensor`]; a third of the bytes, written by
//!    [`quantize`] with the `alloc` feature).
//! 2. **Encode** the task's samples ([`sample_encoder`]): a statistics pass, then each
//!    (features, label) sample becomes a fixed-size vector whatever the feature count, and its
//!    standardized feature values.
//! 3. **Embed** ([`set_encoder`]): every (value, label) pair through a small network, averaged
//!    per feature over the samples, a second network per feature, averaged over the features;
//!    with the task's shape scalars this is the task embedding z ([`Embedder`]).
//! 4. **Search** ([`Ranker::search`]): the two training tasks nearest to z lend their top
//!    architectures as starts; gradient ascent on the logits u (through rho and the per-group
//!    softmax) keeps the best predicted score; the score is an agnostic backbone plus a
//!    task-specific residual ([`RankerForm`]). The result carries u*, its score, its
//!    [`Discrete`] form, the nearest tasks and the start it came from.
//!    [`Ranker::search_within`] respects a device's [`Budget`] (parameters, multiply-adds,
//!    activation bytes, training memory; the cost model is [`cost`]); [`Ranker::shortlist_within`] also lists a
//!    few distinct discrete candidates for a device that can afford some trainings
//!    ([`shortlist`]), and [`Ranker::novelty`] says how far the task lies from the training tasks.
//! 5. **Train** the chosen architecture on the device's samples ([`training::train_child`]): fit
//!    its input module ([`input_fit`]), train ([`optimizer`]: SGD with momentum by default) with
//!    early stopping in a caller-provided
//!    arena of the size the cost model states ([`training_footprint`]), and write the model file
//!    ([`training::TrainedChild::write_model`]); the trainer's `train --engine core` runs the
//!    same code and writes the same bytes.
//! 6. **Run** the chosen architecture: a model file written by the trainer or the device
//!    ([`Model::load`], validated once, read in place) predicts a sample with the input module,
//!    layers and classifier of [`inference`], the same code the trainer's `predict` runs.
//!
//! # Guarantees
//!
//! - No heap (but a host's `runtime-dispatch` training scratch); stack use is bounded by the
//!   preset (see `BENCHMARKS.md` for the measured bound).
//! - All float math goes through `libm` and fixed summation orders, so a host and a Cortex-M4F
//!   give bit-identical scores and search results.
//! - Errors are small `Copy` enums ([`EncodeError`], [`WeightsError`], [`BudgetError`],
//!   [`ModelError`], [`PredictError`], [`training::TrainError`]); no entry point panics.
//!
//! # Format versioning
//!
//! [`weights_format::FORMAT_VERSION`] is bumped on any change to the layout; a file of another
//! version is refused with [`WeightsError::UnsupportedVersion`], never misread.
//!
//! ```
//! use archrank_core::{Ranker, Tiny, WeightsError};
//! // Arbitrary bytes are refused with a typed error, never a panic.
//! let err = Ranker::<Tiny>::load(b"not weights").unwrap_err();
//! assert_eq!(err, WeightsError::BadMagic);
//! ```
#![no_std]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

#[cfg(feature = "alloc")]
extern crate alloc;
// Tests, and the run-time CPU feature detection of `runtime-dispatch` (a host's), use std.
#[cfg(any(test, feature = "runtime-dispatch"))]
extern crate std;

pub mod dims;
pub mod error;

// The rooms, from the ground up; each module doc says what it owns and may import.
pub mod child;
pub mod kernels;
pub mod ranking;
pub mod search;
pub mod space;
pub mod task;

// Every module's path from before the rooms, for the firmware, the trainer and other users.
pub use child::{
    cost, inference, input_fit, model_format, numeric_input, optimizer, text_input, training,
    training_footprint,
};
pub use kernels::{checksum, dense, fast_tanh, rng, tensor};
pub use ranking::{
    any_ranker, discrete_scoring, landmarks, network, novelty, ranker, sample_encoder, set_encoder,
    task_embedding, task_table, weights_format,
};
#[cfg(feature = "alloc")]
pub use ranking::{fixture, quantize, top_archs_trim};
pub use search::{discrete_finish, exhaustive, report as search_report, shortlist};
pub use space::{architecture, input_modules};
pub use task::samples_format;

pub use any_ranker::AnyRanker;
pub use architecture::{Discrete, LayerChoice, SoftView, SpecError};
pub use cost::{Budget, BudgetError, Cost, ExpectedCost, discrete_cost, widest_within};
pub use dims::{Paper, Preset, PresetId, Tiny};
pub use error::{EncodeError, WeightsError};
pub use inference::PredictError;
pub use input_modules::InputModule;
pub use landmarks::Landmarks;
pub use model_format::{Model, ModelError, ModelFile};
pub use network::{Network, RankerForm, Scorer, TaskEmbedding};
pub use ranker::Ranker;
pub use sample_encoder::{
    Encoded, NumericEncoder, NumericStatsBuilder, TextEncoder, TextStatsBuilder,
};
pub use samples_format::{Samples, SamplesError, SamplesFile};
pub use search::climb::{Neighbour, SearchResult, Shortlist, Start};
pub use set_encoder::{SetAccumulator, SetSummary};
pub use shortlist::Candidate;
pub use task::numeric_samples::NumericSamples;
pub use task::shape::TaskShape;
pub use task_embedding::{
    Embedder, assemble_embedding, embed_numeric, embed_text, encode_numeric, encode_text,
};
pub use task_table::TaskTable;
pub use tensor::{Quantization, Tensor};
pub use weights_format::{LossKind, SearchConfig, WeightsFile};
