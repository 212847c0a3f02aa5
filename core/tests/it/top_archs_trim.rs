//! Keeping fewer of each task's top architectures: the kept ranks are the same architectures and
//! accuracies, the lower ranks repeat the last kept one, the table loses the rest, and the search
//! starts from the kept ones only.

use archrank_core::dims::{ArchBuffer, Paper, Preset, TOP_K, Tiny};
use archrank_core::fixture::{pseudo_random, random_weights};
use archrank_core::quantize::{Scales, quantize_weights};
use archrank_core::top_archs_trim::keep_top_archs;
use archrank_core::{Ranker, TaskEmbedding, WeightsError};

fn arch<P: Preset>(ranker: &Ranker<'_, P>, task: usize, rank: usize) -> Vec<u32> {
    let mut u = P::Arch::zeroed();
    ranker.tasks().top_arch_into(task, rank, P::ARCH_DIM, u.as_mut());
    u.as_ref().iter().map(|v| v.to_bits()).collect()
}

fn check<P: Preset>() {
    let bytes = random_weights::<P>(7, 12);
    let full = Ranker::<P>::load(&bytes).unwrap();
    for keep in 1..=TOP_K {
        let trimmed_bytes = keep_top_archs(&bytes, keep).unwrap();
        let trimmed = Ranker::<P>::load(&trimmed_bytes).unwrap();
        let table = trimmed.tasks();
        assert_eq!(table.len(), full.tasks().len());
        assert!(table.arch_count() <= table.len() * keep, "keep {keep}");
        for task in 0..table.len() {
            for rank in 0..TOP_K {
                let kept = rank.min(keep - 1);
                assert_eq!(arch(&trimmed, task, rank), arch(&full, task, kept), "{task} {rank}");
                let (a, b) = (table.top_score(task, rank), full.tasks().top_score(task, kept));
                assert_eq!(a.to_bits(), b.to_bits());
            }
        }
        if keep < TOP_K {
            assert!(trimmed_bytes.len() < bytes.len(), "keep {keep}");
        } else {
            // Every architecture some task points to, and none else.
            let mut referenced: Vec<usize> = (0..table.len())
                .flat_map(|t| (0..TOP_K).map(move |r| (t, r)))
                .map(|(t, r)| full.tasks().top_arch_index(t, r))
                .collect();
            referenced.sort_unstable();
            referenced.dedup();
            assert_eq!(table.arch_count(), referenced.len());
        }
        // The network is untouched: the same scores.
        let z = TaskEmbedding::from_iterator(pseudo_random(3, 50, 0.8));
        let u = pseudo_random(4, P::ARCH_DIM, 2.0);
        let score = |r: &Ranker<'_, P>| r.network().scorer(&z).score(&u).to_bits();
        assert_eq!(score(&trimmed), score(&full));
    }
    // Out of range is clamped, and an int8 file is refused: trim its f32 original.
    assert_eq!(keep_top_archs(&bytes, 0).unwrap(), keep_top_archs(&bytes, 1).unwrap());
    assert_eq!(keep_top_archs(&bytes, 99).unwrap(), keep_top_archs(&bytes, TOP_K).unwrap());
    let int8 = quantize_weights(&bytes, Scales::Column, None).unwrap();
    assert_eq!(keep_top_archs(&int8, 2), Err(WeightsError::AlreadyQuantized));
}

#[test]
fn kept_ranks_are_the_originals_and_the_rest_repeat_the_last() {
    check::<Tiny>();
    check::<Paper>();
}
