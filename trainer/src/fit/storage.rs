//! How a ranker's weights file stores its numbers and which search it carries: f32 as fitted,
//! or int8 through the core's quantizer; optionally fewer search steps, for a device that
//! affords less search, and fewer of each training task's top architectures, for a device with
//! less flash.

use archrank_core::quantize::{Scales, quantize_weights};
use archrank_core::top_archs_trim::keep_top_archs;
use archrank_core::{AnyRanker, Quantization, SearchConfig, WeightsError, WeightsFile};

/// What to store of a fitted (f32) weights file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Storage {
    /// f32 (as fitted) or int8.
    pub quantization: Quantization,
    /// How many values share an int8 scale.
    pub scales: Scales,
    /// Search steps to store instead of the file's.
    pub search_steps: Option<u16>,
    /// How many of each training task's top architectures to keep (all of them when `None`).
    pub top_archs: Option<usize>,
}

impl Storage {
    /// Whether this stores the file as it is.
    #[must_use]
    pub fn is_identity(&self) -> bool {
        self.quantization == Quantization::F32
            && self.search_steps.is_none()
            && self.top_archs.is_none()
    }

    /// The int8 scales' name (`column`, `tensor`), or `None` for f32.
    #[must_use]
    pub fn scales_name(&self) -> Option<&'static str> {
        (self.quantization == Quantization::Int8).then(|| self.scales.name())
    }

    /// `bytes` (an f32 weights file) stored this way, checked to load.
    ///
    /// # Errors
    /// The file's own [`WeightsError`], [`WeightsError::AlreadyQuantized`], or
    /// [`WeightsError::BadSearchDefaults`] for too many steps.
    pub fn apply(&self, bytes: Vec<u8>) -> Result<Vec<u8>, WeightsError> {
        if self.is_identity() {
            return Ok(bytes);
        }
        let bytes = match self.top_archs {
            Some(keep) => keep_top_archs(&bytes, keep)?,
            None => bytes,
        };
        let file = WeightsFile::decode(&bytes)?;
        let search = self.search_steps.map(|steps| SearchConfig { steps, ..file.search });
        match self.quantization {
            // The quantizer validates what it writes.
            Quantization::Int8 => quantize_weights(&bytes, self.scales, search),
            Quantization::F32 => {
                let out = WeightsFile { search: search.unwrap_or(file.search), ..file }
                    .to_bytes()
                    .map_err(|_| WeightsError::Malformed)?;
                AnyRanker::load(&out)?;
                Ok(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use archrank_core::fixture::random_weights;
    use archrank_core::{Ranker, Tiny};

    use super::*;

    #[test]
    fn int8_storage_is_smaller_loads_and_keeps_or_replaces_the_search() {
        let f32_bytes = random_weights::<Tiny>(3, 12);
        let int8 = Storage { quantization: Quantization::Int8, ..Storage::default() };
        let bytes = int8.apply(f32_bytes.clone()).unwrap();
        let ranker = Ranker::<Tiny>::load(&bytes).unwrap();
        assert_eq!(ranker.header().quantization, Quantization::Int8);
        assert_eq!(ranker.search_config(), SearchConfig::default());
        assert!(bytes.len() * 3 < f32_bytes.len(), "{} vs {}", bytes.len(), f32_bytes.len());
        assert_eq!(int8.apply(bytes), Err(WeightsError::AlreadyQuantized));
        let fewer = Storage { search_steps: Some(12), ..Storage::default() };
        let bytes = fewer.apply(f32_bytes.clone()).unwrap();
        let ranker = Ranker::<Tiny>::load(&bytes).unwrap();
        assert_eq!(ranker.header().quantization, Quantization::F32);
        assert_eq!(ranker.search_config().steps, 12);
        assert_eq!(Storage::default().apply(f32_bytes.clone()).unwrap(), f32_bytes);
        let too_many = Storage { search_steps: Some(60_000), ..Storage::default() };
        assert_eq!(too_many.apply(f32_bytes), Err(WeightsError::BadSearchDefaults));
    }
}
