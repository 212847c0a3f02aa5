//! Numeric samples as every reader of them sees them: a samples file, a host's task, a
//! firmware's own buffer.

/// Numeric samples that can be read one at a time, in a fixed order, any number of times.
pub trait NumericSamples {
    /// Number of samples.
    fn count(&self) -> usize;
    /// Number of features per sample.
    fn features(&self) -> usize;
    /// Writes sample `i`'s features into `row` (length `features()`) and returns its class id.
    fn sample_into(&self, i: usize, row: &mut [f32]) -> u32;
}
