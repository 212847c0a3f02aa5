//! A task's samples as one postcard blob, for a device that embeds a task from flash
//! (written by `archrank export-samples`). Read in place, validated once.

use serde::{Deserialize, Serialize};

use crate::error::{write_checksum_mismatch, write_version_mismatch};
use crate::kernels::checksum;
use crate::kernels::dense::LeSlice;
use crate::task::numeric_samples::NumericSamples;

/// The first bytes of every samples file.
pub const SAMPLES_MAGIC: [u8; 8] = *b"ARSAMPLE";
/// The samples format version this build reads and writes.
pub const SAMPLES_VERSION: u16 = 2;

/// A task's labelled samples, borrowing its byte sections.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamplesFile<'a> {
    /// Always [`SAMPLES_MAGIC`].
    pub magic: [u8; 8],
    /// Always [`SAMPLES_VERSION`] when written by this build.
    pub format_version: u16,
    /// The task's name.
    pub task: &'a str,
    /// Feature count; 0 for a text task.
    pub features: u32,
    /// One class id per sample.
    pub labels: &'a [u8],
    /// Numeric tasks: `samples x features` little-endian f32, row-major.
    pub values: &'a [u8],
    /// Text tasks: the texts joined by '\n' (texts hold no newline).
    pub texts: &'a str,
}

/// A samples file's magic and version, read before anything else.
#[derive(Deserialize)]
struct Head {
    magic: [u8; 8],
    format_version: u16,
}

/// A samples file that cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SamplesError {
    /// The data ends before the format does, or bytes follow it.
    Truncated,
    /// Not a samples file.
    BadMagic,
    /// The checksum trailer is not the payload's: the file was corrupted or cut short.
    ChecksumMismatch,
    /// Another format version.
    UnsupportedVersion {
        /// The file's version.
        found: u16,
    },
    /// Values, texts and labels disagree on the sample count.
    LengthMismatch,
    /// The bytes are not a valid encoding.
    Malformed,
}

impl core::fmt::Display for SamplesError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Truncated => f.write_str("the samples file is truncated"),
            Self::BadMagic => f.write_str("not an archrank samples file"),
            Self::ChecksumMismatch => write_checksum_mismatch(f, "samples"),
            Self::UnsupportedVersion { found } => write_version_mismatch(
                f,
                "samples",
                *found,
                SAMPLES_VERSION,
                "export it again with this build (`archrank export-samples`)",
            ),
            Self::LengthMismatch => f.write_str("the samples file's sections disagree in length"),
            Self::Malformed => f.write_str("the samples file is corrupted"),
        }
    }
}

impl core::error::Error for SamplesError {}

/// Validated samples.
#[derive(Clone, Copy, Debug)]
pub struct Samples<'a> {
    /// The task's name.
    pub task: &'a str,
    /// Feature count; 0 for text.
    pub features: usize,
    labels: &'a [u8],
    values: LeSlice<'a>,
    texts: &'a str,
}

impl<'a> SamplesFile<'a> {
    /// A samples file of this build's format: `features` values per sample in `values` (0 and
    /// `texts` for a text task), one class id per sample in `labels`.
    #[must_use]
    pub fn new(
        task: &'a str,
        features: u32,
        labels: &'a [u8],
        values: &'a [u8],
        texts: &'a str,
    ) -> Self {
        Self {
            magic: SAMPLES_MAGIC,
            format_version: SAMPLES_VERSION,
            task,
            features,
            labels,
            values,
            texts,
        }
    }

    /// Decodes and checks a samples file.
    ///
    /// # Errors
    /// A [`SamplesError`] for each way the bytes can be unusable.
    pub fn load(bytes: &'a [u8]) -> Result<Samples<'a>, SamplesError> {
        let decode_error = |e| match e {
            postcard::Error::DeserializeUnexpectedEnd => SamplesError::Truncated,
            _ => SamplesError::Malformed,
        };
        // Magic and version first, so another file or version is named as such.
        if bytes.get(..SAMPLES_MAGIC.len()).is_some_and(|m| m != SAMPLES_MAGIC) {
            return Err(SamplesError::BadMagic);
        }
        let (head, _): (Head, _) = postcard::take_from_bytes(bytes).map_err(decode_error)?;
        if head.magic != SAMPLES_MAGIC {
            return Err(SamplesError::BadMagic);
        }
        if head.format_version != SAMPLES_VERSION {
            return Err(SamplesError::UnsupportedVersion { found: head.format_version });
        }
        let payload = checksum::verified_payload(bytes).ok_or(SamplesError::ChecksumMismatch)?;
        let (file, rest): (Self, _) = postcard::take_from_bytes(payload).map_err(decode_error)?;
        if !rest.is_empty() {
            return Err(SamplesError::Truncated);
        }
        let n = file.labels.len();
        let (values, tail) = file.values.as_chunks::<4>();
        let consistent = if file.features == 0 {
            values.is_empty() && (n > 0 && file.texts.split('\n').count() == n)
        } else {
            tail.is_empty() && values.len() == n * file.features as usize
        };
        if !consistent {
            return Err(SamplesError::LengthMismatch);
        }
        Ok(Samples {
            task: file.task,
            features: file.features as usize,
            labels: file.labels,
            values,
            texts: file.texts,
        })
    }

    /// Encodes the file with its checksum trailer.
    ///
    /// # Errors
    /// Only if postcard fails to serialize, which it does not for this type.
    #[cfg(feature = "alloc")]
    pub fn to_bytes(&self) -> Result<alloc::vec::Vec<u8>, postcard::Error> {
        postcard::to_allocvec(self).map(checksum::sealed)
    }
}

impl<'a> Samples<'a> {
    /// Number of samples.
    #[must_use]
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there is no sample.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Classes the samples name: the largest class id plus one.
    #[must_use]
    pub fn classes(&self) -> usize {
        self.labels.iter().max().map_or(0, |&l| usize::from(l) + 1)
    }

    /// The facts an architecture's cost depends on (the child's cost model reads them).
    #[must_use]
    pub fn shape(&self) -> crate::task::shape::TaskShape {
        crate::task::shape::TaskShape {
            features: self.features,
            classes: self.classes(),
            text: self.is_text(),
            samples: self.len(),
        }
    }

    /// Whether the samples are texts.
    #[must_use]
    pub fn is_text(&self) -> bool {
        self.features == 0
    }

    /// Class id of sample `i` (0 past the end).
    #[must_use]
    pub fn label(&self, i: usize) -> u8 {
        self.labels.get(i).copied().unwrap_or(0)
    }

    /// Feature `f` of numeric sample `i` (0 past the end).
    #[must_use]
    pub fn value(&self, i: usize, f: usize) -> f32 {
        if f >= self.features {
            return 0.0;
        }
        self.values.get(i * self.features + f).map_or(0.0, |b| f32::from_le_bytes(*b))
    }

    /// `(text, class id)` samples of a text task.
    pub fn texts(&self) -> impl Iterator<Item = (&'a str, u32)> + Clone + 'a {
        self.texts.split('\n').zip(self.labels.iter().map(|&l| u32::from(l)))
    }
}

impl NumericSamples for Samples<'_> {
    fn count(&self) -> usize {
        self.labels.len()
    }

    fn features(&self) -> usize {
        self.features
    }

    fn sample_into(&self, i: usize, row: &mut [f32]) -> u32 {
        let start = i * self.features;
        let stored = self.values.get(start..start + self.features).unwrap_or(&[]);
        for (dst, b) in row.iter_mut().zip(stored) {
            *dst = f32::from_le_bytes(*b);
        }
        self.labels.get(i).map_or(0, |&l| u32::from(l))
    }
}
