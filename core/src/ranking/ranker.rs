//! A loaded ranker: a weights file validated for one preset, with its network and the training
//! tasks it knows. After [`Ranker::load`] succeeds, scoring and search cannot fail.

use crate::dims::Preset;
use crate::error::WeightsError;
use crate::ranking::network::Network;
use crate::ranking::task_table::TaskTable;
use crate::ranking::weights_format::{Dims, SearchConfig, WeightsFile};

/// A validated ranker for preset `P`: scoring and search on it cannot fail.
#[derive(Clone, Debug)]
pub struct Ranker<'a, P: Preset> {
    header: WeightsFile<'a>,
    network: Network<'a, P>,
    tasks: TaskTable<'a>,
}

impl<'a, P: Preset> Ranker<'a, P> {
    /// Decodes and validates a weights file for preset `P`, borrowing `bytes` (on a device,
    /// straight from flash).
    ///
    /// # Errors
    /// A [`WeightsError`] for each way the bytes can be unusable.
    ///
    /// ```
    /// use archrank_core::{Ranker, Tiny, WeightsError};
    /// // Arbitrary bytes are refused with a typed error, never a panic.
    /// let err = Ranker::<Tiny>::load(b"not weights").unwrap_err();
    /// assert_eq!(err, WeightsError::BadMagic);
    /// ```
    pub fn load(bytes: &'a [u8]) -> Result<Self, WeightsError> {
        Self::from_file(WeightsFile::decode(bytes)?)
    }

    /// Validates a decoded file for preset `P`: preset, every dimension, search defaults, section
    /// lengths and that every value (f32) or scale (int8) is finite and in range.
    ///
    /// # Errors
    /// The first check that fails, as a [`WeightsError`].
    pub fn from_file(header: WeightsFile<'a>) -> Result<Self, WeightsError> {
        if header.preset != P::LAYOUT.preset {
            return Err(WeightsError::PresetMismatch {
                expected: P::LAYOUT.preset,
                found: header.preset,
            });
        }
        for ((what, expected), (_, found)) in
            Dims::compiled::<P>().named().into_iter().zip(header.dims.named())
        {
            if expected != found {
                return Err(WeightsError::DimensionMismatch { what, expected, found });
            }
        }
        if !header.search.is_valid()
            || !header.fit.margin.is_finite()
            || !header.fit.gap.is_finite()
        {
            return Err(WeightsError::BadSearchDefaults);
        }
        let network = Network::from_bytes(header.params, header.quantization, header.fit.form)?;
        let tasks = TaskTable::from_section::<P>(&header.tasks, header.quantization)?;
        Ok(Self { header, network, tasks })
    }

    /// This ranker with an int8 network's integers converted to f32 into `buf` (at least
    /// [`crate::ranking::network::param_count`] values, see [`Network::widened`]): the same searches,
    /// bit for bit, faster on a host. `None` when `buf` is too short.
    #[cfg(feature = "widen")]
    pub fn widened<'b>(&self, buf: &'b mut [[u8; 4]]) -> Option<Ranker<'b, P>>
    where
        'a: 'b,
    {
        Some(Ranker {
            header: self.header.clone(),
            network: self.network.widened(buf)?,
            tasks: self.tasks,
        })
    }

    /// The decoded file: header, fit information, provenance and search defaults.
    #[must_use]
    pub fn header(&self) -> &WeightsFile<'a> {
        &self.header
    }

    /// The ranking network.
    #[must_use]
    pub fn network(&self) -> &Network<'a, P> {
        &self.network
    }

    /// The training tasks.
    #[must_use]
    pub fn tasks(&self) -> &TaskTable<'a> {
        &self.tasks
    }

    /// The search defaults stored in the file.
    #[must_use]
    pub fn search_config(&self) -> SearchConfig {
        self.header.search
    }
}
