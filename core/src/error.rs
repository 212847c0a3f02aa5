//! The core's error types: small, `Copy`, with the context needed to locate the problem.

use core::fmt;

/// A sample the encoder cannot encode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// A feature value is NaN or infinite.
    NonFinite {
        /// 0-based feature index.
        feature: u32,
    },
    /// A row has another number of features than the task.
    FeatureCount {
        /// The task's feature count.
        expected: u32,
        /// The row's length.
        found: u32,
    },
    /// The task has more features than this encoder was compiled for.
    TooManyFeatures {
        /// Compiled capacity.
        max: u32,
        /// The task's feature count.
        found: u32,
    },
    /// A numeric task needs at least one feature.
    NoFeatures,
    /// A class id is at or above the encoder's class capacity.
    LabelOutOfRange {
        /// Class ids must be below this.
        max: u32,
        /// The label.
        found: u32,
    },
    /// The statistics pass saw no sample.
    NoSamples,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::NonFinite { feature } => write!(f, "feature {feature} is not a finite number"),
            Self::FeatureCount { expected, found } => {
                write!(f, "the row has {found} features, the task has {expected}")
            }
            Self::TooManyFeatures { max, found } => {
                write!(f, "the task has {found} features, the encoder holds at most {max}")
            }
            Self::NoFeatures => f.write_str("a numeric task needs at least one feature"),
            Self::LabelOutOfRange { max, found } => {
                write!(f, "class id {found} is out of range (at most {} classes)", max)
            }
            Self::NoSamples => f.write_str("no samples were observed"),
        }
    }
}

impl core::error::Error for EncodeError {}

/// A weights file that cannot be used. Checked once, on load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightsError {
    /// The data ends before the format does.
    Truncated,
    /// The data does not start with the archrank magic bytes.
    BadMagic,
    /// The file was written in another format version.
    UnsupportedVersion {
        /// The version this build reads.
        expected: u16,
        /// The file's version.
        found: u16,
    },
    /// The checksum trailer is not the payload's: the file was corrupted or cut short.
    ChecksumMismatch,
    /// The file was fitted for another preset.
    PresetMismatch {
        /// The preset compiled in.
        expected: crate::dims::PresetId,
        /// The file's preset.
        found: crate::dims::PresetId,
    },
    /// A dimension in the header differs from the compiled one.
    DimensionMismatch {
        /// Which dimension.
        what: &'static str,
        /// The compiled value.
        expected: u32,
        /// The file's value.
        found: u32,
    },
    /// A section's length does not match the header.
    LengthMismatch {
        /// Which section.
        what: &'static str,
        /// Bytes expected from the header.
        expected: u32,
        /// Bytes found.
        found: u32,
    },
    /// A stored value is NaN or infinite.
    NonFinite {
        /// Which section.
        what: &'static str,
        /// 0-based value index within it.
        index: u32,
    },
    /// A stored value's magnitude exceeds [`crate::kernels::tensor::MAX_MAGNITUDE`]: finite, but
    /// large enough to overflow a score to infinity.
    OutOfRange {
        /// Which section.
        what: &'static str,
        /// 0-based value index within it.
        index: u32,
    },
    /// An int8 section's scale is negative or above [`crate::kernels::tensor::MAX_INT8_SCALE`].
    BadScale {
        /// Which section.
        what: &'static str,
        /// 0-based column of the scale.
        column: u32,
    },
    /// An index points past the table it indexes.
    BadIndex {
        /// Which section.
        what: &'static str,
        /// 0-based entry within it.
        index: u32,
    },
    /// The file holds no training task, so there is nothing to start a search from.
    NoTasks,
    /// A search default is out of range.
    BadSearchDefaults,
    /// The bytes are not a valid encoding (a bad tag, length or string).
    Malformed,
    /// Only an f32 file can be quantized (quantizing an int8 file twice would lose more).
    AlreadyQuantized,
    /// Bytes are left over after the format ends.
    TrailingBytes {
        /// How many.
        count: u32,
    },
}

/// Writes "KIND format version FOUND, this build reads version EXPECTED" and what to do with an
/// older file: `archrank upgrade` rewrites the previous version; for an older one, `redo` says
/// how to make it again.
pub(crate) fn write_version_mismatch(
    f: &mut fmt::Formatter<'_>,
    kind: &str,
    found: u16,
    expected: u16,
    redo: &str,
) -> fmt::Result {
    write!(f, "{kind} format version {found}, this build reads version {expected}")?;
    if found + 1 == expected {
        f.write_str("; `archrank upgrade FILE -o NEW` rewrites it")?;
    } else if found < expected {
        write!(f, "; {redo}")?;
    }
    Ok(())
}

/// Writes that a KIND file's checksum trailer does not match its payload.
pub(crate) fn write_checksum_mismatch(f: &mut fmt::Formatter<'_>, kind: &str) -> fmt::Result {
    write!(
        f,
        "the {kind} file's checksum does not match its contents: it was corrupted or cut short"
    )
}

impl fmt::Display for WeightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Truncated => f.write_str("the weights file is truncated"),
            Self::BadMagic => f.write_str("not an archrank weights file (bad magic bytes)"),
            Self::UnsupportedVersion { expected, found } => write_version_mismatch(
                f,
                "weights",
                found,
                expected,
                "fit it again with this build (`archrank fit`)",
            ),
            Self::ChecksumMismatch => write_checksum_mismatch(f, "weights"),
            Self::PresetMismatch { expected, found } => {
                write!(f, "the weights are for the `{found}` preset, expected `{expected}`")
            }
            Self::DimensionMismatch { what, expected, found } => {
                write!(
                    f,
                    "dimension `{what}` is {found} in the file, {expected} in this build: fit it \
                     again with this build (`archrank fit`)"
                )
            }
            Self::LengthMismatch { what, expected, found } => {
                write!(f, "section `{what}` holds {found} bytes, the header implies {expected}")
            }
            Self::NonFinite { what, index } => {
                write!(f, "value {index} of section `{what}` is not finite")
            }
            Self::OutOfRange { what, index } => {
                write!(f, "value {index} of section `{what}` is too large to score with")
            }
            Self::BadScale { what, column } => {
                write!(f, "the int8 scale of column {column} of {what} is negative or too large")
            }
            Self::BadIndex { what, index } => {
                write!(f, "entry {index} of section `{what}` points past the table it indexes")
            }
            Self::NoTasks => f.write_str("the weights file holds no training task"),
            Self::BadSearchDefaults => f.write_str("the search defaults are out of range"),
            Self::Malformed => f.write_str("the weights file is corrupted (invalid encoding)"),
            Self::AlreadyQuantized => {
                f.write_str("the weights file is already int8; quantize its f32 original")
            }
            Self::TrailingBytes { count } => {
                write!(f, "{count} unexpected bytes follow the end of the weights")
            }
        }
    }
}

impl core::error::Error for WeightsError {}
