//! Keeping fewer of every task's top architectures in an f32 weights file (the `alloc` feature),
//! for a part whose flash cannot hold them all. A discrete database gives every task its own top
//! architectures, so the task table holds up to tasks x [`TOP_K`] distinct ones: most of a
//! small ranker's bytes. Each task keeps its best `keep`; its lower ranks repeat the last one
//! kept, which the climb skips as an architecture it has already climbed, so the search starts
//! from fewer stored architectures and nothing else changes. Architectures no task points to any
//! more leave the table.

use alloc::vec::Vec;

use crate::dims::{Paper, Preset, PresetId, TOP_K, Tiny};
use crate::error::WeightsError;
use crate::kernels::tensor::Quantization;
use crate::ranking::quantize::loadable_bytes;
use crate::ranking::ranker::Ranker;
use crate::ranking::weights_format::{TaskSection, WeightsFile};

/// The f32 weights file `bytes` with every task's top list cut to its best `keep` architectures
/// (clamped to 1..=[`TOP_K`]; `TOP_K` keeps every architecture, the table in the order tasks
/// first point to them).
///
/// # Errors
/// `bytes`' own [`WeightsError`], or [`WeightsError::AlreadyQuantized`] for an int8 file (trim
/// its f32 original, then quantize).
pub fn keep_top_archs(bytes: &[u8], keep: usize) -> Result<Vec<u8>, WeightsError> {
    let file = WeightsFile::decode(bytes)?;
    if file.quantization != Quantization::F32 {
        return Err(WeightsError::AlreadyQuantized);
    }
    // Not `clamp`: its panic path (min > max) would be linked into a device.
    let keep = if keep == 0 {
        1
    } else if keep > TOP_K {
        TOP_K
    } else {
        keep
    };
    match file.preset {
        PresetId::Tiny => trim_for::<Tiny>(file, keep),
        PresetId::Paper => trim_for::<Paper>(file, keep),
    }
}

fn trim_for<P: Preset>(file: WeightsFile<'_>, keep: usize) -> Result<Vec<u8>, WeightsError> {
    // Validated first: every index below points into the table.
    Ranker::<P>::from_file(file.clone())?;
    let arch_bytes = P::ARCH_DIM * 4;
    let (old_indices, _) = file.tasks.top_archs.as_chunks::<2>();
    let (old_scores, _) = file.tasks.top_scores.as_chunks::<4>();
    let mut archs: Vec<u8> = Vec::new();
    // Old index -> new, in the order tasks first point to them.
    let mut renumbered: Vec<(u16, u16)> = Vec::new();
    let mut top_archs = Vec::with_capacity(file.tasks.top_archs.len());
    let mut top_scores = Vec::with_capacity(file.tasks.top_scores.len());
    for (indices, scores) in old_indices.chunks(TOP_K).zip(old_scores.chunks(TOP_K)) {
        for rank in 0..TOP_K {
            let kept = rank.min(keep - 1);
            let (Some(index), Some(score)) = (indices.get(kept), scores.get(kept)) else {
                return Err(WeightsError::Malformed);
            };
            let old = u16::from_le_bytes(*index);
            let new = match renumbered.iter().find(|(o, _)| *o == old) {
                Some(&(_, new)) => new,
                None => {
                    let new =
                        u16::try_from(renumbered.len()).map_err(|_| WeightsError::Malformed)?;
                    let start = usize::from(old) * arch_bytes;
                    let arch = file
                        .tasks
                        .archs
                        .get(start..start + arch_bytes)
                        .ok_or(WeightsError::Malformed)?;
                    archs.extend_from_slice(arch);
                    renumbered.push((old, new));
                    new
                }
            };
            top_archs.extend_from_slice(&new.to_le_bytes());
            top_scores.extend_from_slice(score);
        }
    }
    let out = WeightsFile {
        tasks: TaskSection {
            archs: &archs,
            top_archs: &top_archs,
            top_scores: &top_scores,
            ..file.tasks
        },
        ..file
    };
    loadable_bytes::<P>(&out)
}
