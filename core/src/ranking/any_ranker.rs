//! A ranker of whichever preset its file was fitted for: the preset is read from the header once,
//! then the file is validated once for that preset.

use crate::dims::{Paper, PresetId, Tiny};
use crate::error::WeightsError;
use crate::ranking::ranker::Ranker;
use crate::ranking::task_table::TaskTable;
use crate::ranking::weights_format::WeightsFile;

/// A validated weights file of either preset.
#[derive(Clone, Debug)]
pub enum AnyRanker<'a> {
    /// Fitted for the `tiny` preset.
    Tiny(Ranker<'a, Tiny>),
    /// Fitted for the `paper` preset.
    Paper(Ranker<'a, Paper>),
}

impl<'a> AnyRanker<'a> {
    /// Decodes `bytes` and validates them for the preset their header names.
    ///
    /// # Errors
    /// The file's [`WeightsError`].
    pub fn load(bytes: &'a [u8]) -> Result<Self, WeightsError> {
        let file = WeightsFile::decode(bytes)?;
        match file.preset {
            PresetId::Tiny => Ranker::from_file(file).map(Self::Tiny),
            PresetId::Paper => Ranker::from_file(file).map(Self::Paper),
        }
    }

    /// The preset it was fitted for.
    #[must_use]
    pub fn preset(&self) -> PresetId {
        match self {
            Self::Tiny(_) => PresetId::Tiny,
            Self::Paper(_) => PresetId::Paper,
        }
    }

    /// The decoded header.
    #[must_use]
    pub fn header(&self) -> &WeightsFile<'a> {
        match self {
            Self::Tiny(r) => r.header(),
            Self::Paper(r) => r.header(),
        }
    }

    /// The training tasks.
    #[must_use]
    pub fn tasks(&self) -> &TaskTable<'a> {
        match self {
            Self::Tiny(r) => r.tasks(),
            Self::Paper(r) => r.tasks(),
        }
    }
}
