//! The core's streaming embedder fed arbitrary samples: a samples file (any bytes), or numeric
//! samples built from the bytes (any feature count, any f32 bit pattern, any label) and texts
//! (any UTF-8). Each gives an embedding of finite values or an encoding error, never a panic.
#![no_main]

use archrank_core::NumericSamples;
use archrank_core::{Ranker, SamplesFile, Tiny, embed_numeric, embed_text};
use libfuzzer_sys::fuzz_target;

static RANKER: &[u8] = include_bytes!("../../data/default-ranker-int8.postcard");

/// Samples read from fuzz bytes: the first byte sets the feature count (0 to 80, beyond the
/// encoder's 64), then each sample is a label byte and its features' raw f32 bits.
struct Raw<'a> {
    features: usize,
    bytes: &'a [u8],
}

impl NumericSamples for Raw<'_> {
    fn count(&self) -> usize {
        self.bytes.len() / (1 + 4 * self.features)
    }
    fn features(&self) -> usize {
        self.features
    }
    fn sample_into(&self, i: usize, row: &mut [f32]) -> u32 {
        let at = i * (1 + 4 * self.features);
        for (j, v) in row.iter_mut().enumerate().take(self.features) {
            let b = at + 1 + 4 * j;
            *v = f32::from_le_bytes([self.bytes[b], self.bytes[b + 1], self.bytes[b + 2], self.bytes[b + 3]]);
        }
        u32::from(self.bytes[at]) % 40
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(ranker) = Ranker::<Tiny>::load(RANKER) else { return };
    let net = ranker.network();
    let finite = |z: &archrank_core::TaskEmbedding| z.iter().all(|v| v.is_finite());
    if let Ok(samples) = SamplesFile::load(data) {
        let z = if samples.is_text() {
            embed_text(net, samples.texts())
        } else {
            embed_numeric::<Tiny, 64>(net, &samples)
        };
        if let Ok(z) = z {
            assert!(finite(&z));
        }
    }
    let Some((&first, rest)) = data.split_first() else { return };
    let raw = Raw { features: usize::from(first % 81), bytes: rest };
    if let Ok(z) = embed_numeric::<Tiny, 64>(net, &raw) {
        assert!(finite(&z));
    }
    let text = String::from_utf8_lossy(rest);
    let texts: Vec<(&str, u32)> =
        text.split('\n').enumerate().map(|(i, t)| (t, (i % 3) as u32)).collect();
    if let Ok(z) = embed_text(net, texts.iter().copied()) {
        assert!(finite(&z));
    }
});
