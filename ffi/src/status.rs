//! Status codes: one per way a call can fail, the core's typed errors mapped one to one (without
//! their context fields), and a static message for each.

use core::ffi::c_char;

use archrank_core::input_fit::FitError;
use archrank_core::numeric_input::InputError;
use archrank_core::training::{TrainError, WriteError};
use archrank_core::{
    BudgetError, EncodeError, ModelError, PredictError, SamplesError, WeightsError,
};

/// What a call did: `ARCHRANK_STATUS_OK`, or why it failed. The values are stable.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchrankStatus {
    /// Success.
    Ok = 0,
    /// A required pointer is NULL.
    NullPointer = 1,
    /// An output buffer is too small (a report, a model file, a row or the probabilities).
    BufferTooSmall = 2,
    /// An argument is out of range: a handle not filled by its load function or misaligned, a
    /// non-finite embedding, a sample index past the end.
    InvalidArgument = 3,
    /// Text samples: this API embeds, trains and predicts numeric samples only.
    TextSamples = 4,

    /// Weights: the data ends before the format does.
    WeightsTruncated = 10,
    /// Weights: not an archrank weights file (bad magic bytes).
    WeightsBadMagic = 11,
    /// Weights: written in another format version.
    WeightsUnsupportedVersion = 12,
    /// Weights: fitted for another preset than the tiny one.
    WeightsPresetMismatch = 13,
    /// Weights: a dimension in the header differs from the compiled one.
    WeightsDimensionMismatch = 14,
    /// Weights: a section's length does not match the header.
    WeightsLengthMismatch = 15,
    /// Weights: a stored value is NaN or infinite.
    WeightsNonFinite = 16,
    /// Weights: a stored value is too large to score with.
    WeightsOutOfRange = 17,
    /// Weights: an int8 scale is negative or too large.
    WeightsBadScale = 18,
    /// Weights: an index points past the table it indexes.
    WeightsBadIndex = 19,
    /// Weights: the file holds no training task.
    WeightsNoTasks = 20,
    /// Weights: a search default is out of range.
    WeightsBadSearchDefaults = 21,
    /// Weights: the bytes are not a valid encoding.
    WeightsMalformed = 22,
    /// Weights: the file is already int8 (quantizing only).
    WeightsAlreadyQuantized = 23,
    /// Weights: bytes follow the end of the weights.
    WeightsTrailingBytes = 24,
    /// Weights: the checksum does not match the contents (corrupted or cut short).
    WeightsChecksumMismatch = 25,

    /// Samples: the data ends before the format does, or bytes follow it.
    SamplesTruncated = 30,
    /// Samples: not an archrank samples file.
    SamplesBadMagic = 31,
    /// Samples: written in another format version.
    SamplesUnsupportedVersion = 32,
    /// Samples: values, texts and labels disagree on the sample count.
    SamplesLengthMismatch = 33,
    /// Samples: the bytes are not a valid encoding.
    SamplesMalformed = 34,
    /// Samples: the checksum does not match the contents (corrupted or cut short).
    SamplesChecksumMismatch = 35,

    /// Encoding: a feature value is NaN or infinite.
    EncodeNonFinite = 40,
    /// Encoding: a row has another number of features than the task.
    EncodeFeatureCount = 41,
    /// Encoding: the task has more features than `ARCHRANK_MAX_FEATURES`.
    EncodeTooManyFeatures = 42,
    /// Encoding: a numeric task needs at least one feature.
    EncodeNoFeatures = 43,
    /// Encoding: a class id is at or above `ARCHRANK_MAX_CLASSES`.
    EncodeLabelOutOfRange = 44,
    /// Encoding: there is no sample.
    EncodeNoSamples = 45,

    /// Search: no architecture of the preset fits the budget on this task.
    NoArchitectureFits = 50,

    /// Training: text samples (a device trains numeric children only).
    TrainText = 60,
    /// Training: the architecture does not fit its preset.
    TrainArchitecture = 61,
    /// Training: too few samples for a training and a validation part.
    TrainTooFewSamples = 62,
    /// Training: more samples than the arena's 16-bit indices address.
    TrainTooManySamples = 63,
    /// Training: more features than `ARCHRANK_MAX_FEATURES`.
    TrainTooManyFeatures = 64,
    /// Training: a class id is `ARCHRANK_MAX_CLASSES` or more.
    TrainClasses = 65,
    /// Training: a feature is not a finite number.
    TrainNonFinite = 66,
    /// Training: the arena is smaller than `archrank_train_arena_bytes` states.
    TrainMemory = 67,
    /// Training: the input module has no training row or no feature to fit.
    TrainInputEmpty = 68,
    /// Training: more features than the input module's 16-bit indices address.
    TrainInputTooManyFeatures = 69,
    /// Training: the memory given to the input module is too small.
    TrainInputMemory = 70,
    /// Training: the input module's fitted parameters were refused.
    TrainInputInvalid = 71,

    /// Model: the bytes end before the format does.
    ModelTruncated = 80,
    /// Model: not an archrank model file (bad magic bytes).
    ModelBadMagic = 81,
    /// Model: written in another format version.
    ModelUnsupportedVersion = 82,
    /// Model: the bytes are not a valid encoding.
    ModelMalformed = 83,
    /// Model: bytes follow the end of the model.
    ModelTrailingBytes = 84,
    /// Model: the architecture does not fit its preset (module, layer count or a base index).
    ModelBadArchitecture = 85,
    /// Model: a section of the input module has the wrong length for its module.
    ModelBadInputLength = 86,
    /// Model: a section of the input module holds a non-finite or out-of-order value.
    ModelBadInputValue = 87,
    /// Model: the input module does not match the architecture.
    ModelBadInputModule = 88,
    /// Model: the class names are none, too many, or do not match the weights.
    ModelBadClasses = 89,
    /// Model: the weights section's length does not match the architecture.
    ModelWeightsLength = 90,
    /// Model: a weight is not finite.
    ModelNonFinite = 91,
    /// Model: the checksum does not match the contents (corrupted or cut short).
    ModelChecksumMismatch = 92,

    /// Prediction: the row has another feature count than the model was trained on.
    PredictFeatureCount = 100,
    /// Prediction: a feature is not a finite number.
    PredictNonFinite = 101,
    /// Prediction: a text model given numbers, or the reverse.
    PredictModality = 102,
    /// Prediction: the rows are wider than `ARCHRANK_MAX_FEATURES`.
    PredictTooWide = 103,
}

/// The static, NUL-terminated message of each status.
const fn message(status: ArchrankStatus) -> &'static core::ffi::CStr {
    use ArchrankStatus as S;
    match status {
        S::Ok => c"success",
        S::NullPointer => c"a required pointer is NULL",
        S::BufferTooSmall => c"an output buffer is too small",
        S::InvalidArgument => {
            c"an argument is out of range (an unloaded or misaligned handle, a non-finite embedding, an index past the end)"
        }
        S::TextSamples => c"text samples: this API handles numeric samples only",
        S::WeightsTruncated => c"the weights file is truncated",
        S::WeightsBadMagic => c"not an archrank weights file (bad magic bytes)",
        S::WeightsUnsupportedVersion => c"the weights file has another format version",
        S::WeightsPresetMismatch => c"the weights are for another preset than tiny",
        S::WeightsDimensionMismatch => c"a dimension of the weights differs from this build's",
        S::WeightsLengthMismatch => c"a section of the weights has another length than its header",
        S::WeightsNonFinite => c"a value of the weights is not finite",
        S::WeightsOutOfRange => c"a value of the weights is too large to score with",
        S::WeightsBadScale => c"an int8 scale of the weights is negative or too large",
        S::WeightsBadIndex => c"an index of the weights points past the table it indexes",
        S::WeightsNoTasks => c"the weights file holds no training task",
        S::WeightsBadSearchDefaults => c"the search defaults of the weights are out of range",
        S::WeightsMalformed => c"the weights file is corrupted (invalid encoding)",
        S::WeightsAlreadyQuantized => c"the weights file is already int8",
        S::WeightsTrailingBytes => c"unexpected bytes follow the end of the weights",
        S::WeightsChecksumMismatch => {
            c"the weights file's checksum does not match its contents: it was corrupted or cut short"
        }
        S::SamplesTruncated => c"the samples file is truncated",
        S::SamplesBadMagic => c"not an archrank samples file",
        S::SamplesUnsupportedVersion => c"the samples file has another format version",
        S::SamplesLengthMismatch => c"the samples file's sections disagree in length",
        S::SamplesMalformed => c"the samples file is corrupted",
        S::SamplesChecksumMismatch => {
            c"the samples file's checksum does not match its contents: it was corrupted or cut short"
        }
        S::EncodeNonFinite => c"a feature value is not a finite number",
        S::EncodeFeatureCount => c"a row has another number of features than the task",
        S::EncodeTooManyFeatures => c"the task has more features than ARCHRANK_MAX_FEATURES",
        S::EncodeNoFeatures => c"a numeric task needs at least one feature",
        S::EncodeLabelOutOfRange => c"a class id is out of range",
        S::EncodeNoSamples => c"there is no sample to encode",
        S::NoArchitectureFits => c"no architecture of the preset fits the budget on this task",
        S::TrainText => c"a device trains numeric children only, not text",
        S::TrainArchitecture => c"the architecture does not fit its preset",
        S::TrainTooFewSamples => c"too few samples for a training and a validation part",
        S::TrainTooManySamples => c"more than 65535 samples",
        S::TrainTooManyFeatures => c"the samples have more features than ARCHRANK_MAX_FEATURES",
        S::TrainClasses => c"a class id is ARCHRANK_MAX_CLASSES or more",
        S::TrainNonFinite => c"a training feature is not a finite number",
        S::TrainMemory => c"the training arena is smaller than the training needs",
        S::TrainInputEmpty => c"the input module has no training row or no feature",
        S::TrainInputTooManyFeatures => c"more features than the input module addresses",
        S::TrainInputMemory => c"the input module's memory is too small",
        S::TrainInputInvalid => c"the input module's fitted parameters were refused",
        S::ModelTruncated => c"the model file is truncated",
        S::ModelBadMagic => c"not an archrank model file (bad magic bytes)",
        S::ModelUnsupportedVersion => c"the model file has another format version",
        S::ModelMalformed => c"the model file is corrupted (invalid encoding)",
        S::ModelTrailingBytes => c"unexpected bytes follow the end of the model",
        S::ModelChecksumMismatch => {
            c"the model file's checksum does not match its contents: it was corrupted or cut short"
        }
        S::ModelBadArchitecture => c"the model's architecture does not fit its preset",
        S::ModelBadInputLength => c"a section of the model's input module has the wrong length",
        S::ModelBadInputValue => c"a section of the model's input module holds a bad value",
        S::ModelBadInputModule => c"the model's input module does not match its architecture",
        S::ModelBadClasses => c"the model's class names are none, too many or do not match",
        S::ModelWeightsLength => c"the model's weights have another length than its architecture",
        S::ModelNonFinite => c"a weight of the model is not finite",
        S::PredictFeatureCount => c"the row has another feature count than the model",
        S::PredictNonFinite => c"a feature of the row is not a finite number",
        S::PredictModality => c"the sample's kind (text or numbers) is not the model's",
        S::PredictTooWide => c"the rows have more than ARCHRANK_MAX_FEATURES features",
    }
}

/// Every status, in value order: what [`archrank_status_message`] looks a value up in.
const ALL: [ArchrankStatus; 63] = {
    use ArchrankStatus as S;
    [
        S::Ok,
        S::NullPointer,
        S::BufferTooSmall,
        S::InvalidArgument,
        S::TextSamples,
        S::WeightsTruncated,
        S::WeightsBadMagic,
        S::WeightsUnsupportedVersion,
        S::WeightsPresetMismatch,
        S::WeightsDimensionMismatch,
        S::WeightsLengthMismatch,
        S::WeightsNonFinite,
        S::WeightsOutOfRange,
        S::WeightsBadScale,
        S::WeightsBadIndex,
        S::WeightsNoTasks,
        S::WeightsBadSearchDefaults,
        S::WeightsMalformed,
        S::WeightsAlreadyQuantized,
        S::WeightsTrailingBytes,
        S::WeightsChecksumMismatch,
        S::SamplesTruncated,
        S::SamplesBadMagic,
        S::SamplesUnsupportedVersion,
        S::SamplesLengthMismatch,
        S::SamplesMalformed,
        S::SamplesChecksumMismatch,
        S::EncodeNonFinite,
        S::EncodeFeatureCount,
        S::EncodeTooManyFeatures,
        S::EncodeNoFeatures,
        S::EncodeLabelOutOfRange,
        S::EncodeNoSamples,
        S::NoArchitectureFits,
        S::TrainText,
        S::TrainArchitecture,
        S::TrainTooFewSamples,
        S::TrainTooManySamples,
        S::TrainTooManyFeatures,
        S::TrainClasses,
        S::TrainNonFinite,
        S::TrainMemory,
        S::TrainInputEmpty,
        S::TrainInputTooManyFeatures,
        S::TrainInputMemory,
        S::TrainInputInvalid,
        S::ModelTruncated,
        S::ModelBadMagic,
        S::ModelUnsupportedVersion,
        S::ModelMalformed,
        S::ModelTrailingBytes,
        S::ModelBadArchitecture,
        S::ModelBadInputLength,
        S::ModelBadInputValue,
        S::ModelBadInputModule,
        S::ModelBadClasses,
        S::ModelWeightsLength,
        S::ModelNonFinite,
        S::ModelChecksumMismatch,
        S::PredictFeatureCount,
        S::PredictNonFinite,
        S::PredictModality,
        S::PredictTooWide,
    ]
};

/// The message of `status`: a static, NUL-terminated English sentence. Any value is accepted; one
/// that names no status gives "unknown status". Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn archrank_status_message(status: i32) -> *const c_char {
    ALL.iter().find(|s| **s as i32 == status).map_or(c"unknown status", |s| message(*s)).as_ptr()
}

impl From<WeightsError> for ArchrankStatus {
    fn from(e: WeightsError) -> Self {
        match e {
            WeightsError::Truncated => Self::WeightsTruncated,
            WeightsError::BadMagic => Self::WeightsBadMagic,
            WeightsError::ChecksumMismatch => Self::WeightsChecksumMismatch,
            WeightsError::UnsupportedVersion { .. } => Self::WeightsUnsupportedVersion,
            WeightsError::PresetMismatch { .. } => Self::WeightsPresetMismatch,
            WeightsError::DimensionMismatch { .. } => Self::WeightsDimensionMismatch,
            WeightsError::LengthMismatch { .. } => Self::WeightsLengthMismatch,
            WeightsError::NonFinite { .. } => Self::WeightsNonFinite,
            WeightsError::OutOfRange { .. } => Self::WeightsOutOfRange,
            WeightsError::BadScale { .. } => Self::WeightsBadScale,
            WeightsError::BadIndex { .. } => Self::WeightsBadIndex,
            WeightsError::NoTasks => Self::WeightsNoTasks,
            WeightsError::BadSearchDefaults => Self::WeightsBadSearchDefaults,
            WeightsError::Malformed => Self::WeightsMalformed,
            WeightsError::AlreadyQuantized => Self::WeightsAlreadyQuantized,
            WeightsError::TrailingBytes { .. } => Self::WeightsTrailingBytes,
        }
    }
}

impl From<SamplesError> for ArchrankStatus {
    fn from(e: SamplesError) -> Self {
        match e {
            SamplesError::Truncated => Self::SamplesTruncated,
            SamplesError::BadMagic => Self::SamplesBadMagic,
            SamplesError::ChecksumMismatch => Self::SamplesChecksumMismatch,
            SamplesError::UnsupportedVersion { .. } => Self::SamplesUnsupportedVersion,
            SamplesError::LengthMismatch => Self::SamplesLengthMismatch,
            SamplesError::Malformed => Self::SamplesMalformed,
        }
    }
}

impl From<EncodeError> for ArchrankStatus {
    fn from(e: EncodeError) -> Self {
        match e {
            EncodeError::NonFinite { .. } => Self::EncodeNonFinite,
            EncodeError::FeatureCount { .. } => Self::EncodeFeatureCount,
            EncodeError::TooManyFeatures { .. } => Self::EncodeTooManyFeatures,
            EncodeError::NoFeatures => Self::EncodeNoFeatures,
            EncodeError::LabelOutOfRange { .. } => Self::EncodeLabelOutOfRange,
            EncodeError::NoSamples => Self::EncodeNoSamples,
        }
    }
}

impl From<BudgetError> for ArchrankStatus {
    fn from(_: BudgetError) -> Self {
        Self::NoArchitectureFits
    }
}

impl From<TrainError> for ArchrankStatus {
    fn from(e: TrainError) -> Self {
        match e {
            TrainError::Text => Self::TrainText,
            TrainError::Architecture => Self::TrainArchitecture,
            TrainError::TooFewSamples => Self::TrainTooFewSamples,
            TrainError::TooManySamples => Self::TrainTooManySamples,
            TrainError::TooManyFeatures { .. } => Self::TrainTooManyFeatures,
            TrainError::Classes => Self::TrainClasses,
            TrainError::NonFinite { .. } => Self::TrainNonFinite,
            TrainError::Memory { .. } => Self::TrainMemory,
            TrainError::Input(FitError::Empty) => Self::TrainInputEmpty,
            TrainError::Input(FitError::TooManyFeatures) => Self::TrainInputTooManyFeatures,
            TrainError::Input(FitError::Memory) => Self::TrainInputMemory,
            TrainError::Input(FitError::Input(_)) => Self::TrainInputInvalid,
        }
    }
}

impl From<ModelError> for ArchrankStatus {
    fn from(e: ModelError) -> Self {
        match e {
            ModelError::Truncated => Self::ModelTruncated,
            ModelError::BadMagic => Self::ModelBadMagic,
            ModelError::ChecksumMismatch => Self::ModelChecksumMismatch,
            ModelError::UnsupportedVersion { .. } => Self::ModelUnsupportedVersion,
            ModelError::Malformed => Self::ModelMalformed,
            ModelError::TrailingBytes { .. } => Self::ModelTrailingBytes,
            ModelError::BadArchitecture => Self::ModelBadArchitecture,
            ModelError::BadInput(InputError::Length(_)) => Self::ModelBadInputLength,
            ModelError::BadInput(InputError::Value(_)) => Self::ModelBadInputValue,
            ModelError::BadInput(InputError::Module) => Self::ModelBadInputModule,
            ModelError::BadClasses => Self::ModelBadClasses,
            ModelError::WeightsLength { .. } => Self::ModelWeightsLength,
            ModelError::NonFinite { .. } => Self::ModelNonFinite,
            ModelError::BufferTooSmall => Self::BufferTooSmall,
        }
    }
}

impl From<PredictError> for ArchrankStatus {
    fn from(e: PredictError) -> Self {
        match e {
            PredictError::FeatureCount { .. } => Self::PredictFeatureCount,
            PredictError::NonFinite { .. } => Self::PredictNonFinite,
            PredictError::Modality => Self::PredictModality,
            PredictError::TooWide { .. } => Self::PredictTooWide,
        }
    }
}

impl From<WriteError> for ArchrankStatus {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Model(e) => e.into(),
            WriteError::HeldOut(_, e) => e.into(),
        }
    }
}

/// `Ok(())` as [`ArchrankStatus::Ok`], an error as its status: what each extern function returns.
pub(crate) fn status_of(result: Result<(), ArchrankStatus>) -> ArchrankStatus {
    result.err().unwrap_or(ArchrankStatus::Ok)
}

#[cfg(test)]
mod tests {
    use super::{ALL, ArchrankStatus, archrank_status_message};

    #[test]
    fn every_status_has_its_own_message_and_unknown_values_are_named() {
        let distinct: std::collections::BTreeSet<i32> = ALL.iter().map(|s| *s as i32).collect();
        assert_eq!(distinct.len(), ALL.len());
        let mut messages = std::collections::BTreeSet::new();
        for status in distinct {
            // SAFETY: the function returns a pointer to a static NUL-terminated string.
            let text = unsafe { core::ffi::CStr::from_ptr(archrank_status_message(status)) };
            assert!(messages.insert(text.to_owned()), "{status} repeats a message");
        }
        // SAFETY: as above.
        let unknown = unsafe { core::ffi::CStr::from_ptr(archrank_status_message(-7)) };
        assert_eq!(unknown, c"unknown status");
        assert_eq!(ArchrankStatus::PredictTooWide as i32, 103);
    }
}
