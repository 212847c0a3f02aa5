//! Any bytes given to the weights loader give `Err` or a ranker that searches without panicking.
#![no_main]

use archrank_core::{Paper, TaskEmbedding, Tiny, Ranker, SamplesFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(ranker) = Ranker::<Tiny>::load(data) {
        let result = ranker.search(&TaskEmbedding::from_element(0.1));
        assert!(result.score.is_finite());
    }
    if let Ok(ranker) = Ranker::<Paper>::load(data) {
        let result = ranker.search(&TaskEmbedding::zeros());
        assert!(result.score.is_finite());
    }
    let _ = SamplesFile::load(data);
});
