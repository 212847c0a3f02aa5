//! int8 weights files: a third of the bytes, validated like f32 ones, scores and gradients close
//! to the f32 network's, and the search deterministic on them, for both presets.

use archrank_core::dims::{ArchBuffer, Paper, Preset, Tiny};
use archrank_core::fixture::{OwnedSections, pseudo_random, random_weights};
use archrank_core::quantize::{Scales, quantize_weights};
use archrank_core::{Quantization, Ranker, TaskEmbedding, WeightsError};

fn embedding(seed: u64) -> TaskEmbedding {
    TaskEmbedding::from_iterator(pseudo_random(seed, 50, 0.8))
}

fn check_close_to_f32<P: Preset>(scales: Scales) {
    let f32_bytes = random_weights::<P>(21, 6);
    let int8_bytes = quantize_weights(&f32_bytes, scales, None).unwrap();
    assert!(int8_bytes.len() * 2 < f32_bytes.len(), "{} vs {}", int8_bytes.len(), f32_bytes.len());
    let (f, q) = (Ranker::<P>::load(&f32_bytes).unwrap(), Ranker::<P>::load(&int8_bytes).unwrap());
    assert_eq!(q.header().quantization, Quantization::Int8);
    assert_eq!(q.tasks().len(), f.tasks().len());
    assert_eq!(q.tasks().arch_count(), f.tasks().arch_count());
    let z = embedding(3);
    let (sf, sq) = (f.network().scorer(&z), q.network().scorer(&z));
    // Scores: within 2 % of the f32 scores' spread over random architectures.
    let us: Vec<Vec<f32>> = (0..40).map(|i| pseudo_random(100 + i, P::ARCH_DIM, 2.0)).collect();
    let a: Vec<f32> = us.iter().map(|u| sf.score(u)).collect();
    let b: Vec<f32> = us.iter().map(|u| sq.score(u)).collect();
    let spread = a.iter().fold(f32::NEG_INFINITY, |m, v| m.max(*v))
        - a.iter().fold(f32::INFINITY, |m, v| m.min(*v));
    let worst = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
    assert!(spread > 0.0 && worst <= 0.02 * spread, "worst {worst}, spread {spread}");
    // Gradients: about the same direction (ReLU gates that flip make them differ more than the
    // scores; gradient.rs checks the int8 gradient against the int8 score's differences).
    let (mut gf, mut gq) = (P::Arch::zeroed(), P::Arch::zeroed());
    sf.score_with_gradient(&us[0], gf.as_mut());
    sq.score_with_gradient(&us[0], gq.as_mut());
    let dot: f32 = gf.as_ref().iter().zip(gq.as_ref()).map(|(x, y)| x * y).sum();
    let norm = |g: &P::Arch| g.as_ref().iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!(dot / (norm(&gf) * norm(&gq)) > 0.9, "cosine {}", dot / (norm(&gf) * norm(&gq)));
    // The table: embeddings and architectures within half a quantization step of f32.
    let mut uf = vec![0.0; P::ARCH_DIM];
    let mut uq = vec![0.0; P::ARCH_DIM];
    for i in 0..f.tasks().arch_count() {
        f.tasks().arch_into(i, P::ARCH_DIM, &mut uf);
        q.tasks().arch_into(i, P::ARCH_DIM, &mut uq);
        for (x, y) in uf.iter().zip(&uq) {
            assert!((x - y).abs() <= 3.0 / 127.0 / 2.0 + 1e-6, "{x} vs {y}");
        }
    }
    for i in 0..f.tasks().len() {
        for (x, y) in f.tasks().embedding(i).iter().zip(q.tasks().embedding(i).iter()) {
            assert!((x - y).abs() <= 0.8 / 127.0 / 2.0 + 1e-6, "{x} vs {y}");
        }
    }
    // The search on int8 is deterministic and never worse than its starts.
    let (r1, r2) = (q.search(&z), q.search(&z));
    assert_eq!(r1.arch.as_ref(), r2.arch.as_ref());
    assert_eq!(r1.score.to_bits(), r2.score.to_bits());
    assert!(r1.score >= r1.start.score);
    assert_eq!(sq.score(r1.arch.as_ref()).to_bits(), r1.score.to_bits());
}

#[test]
fn int8_is_close_to_f32_tiny() {
    check_close_to_f32::<Tiny>(Scales::Column);
    check_close_to_f32::<Tiny>(Scales::Tensor);
}

#[test]
fn int8_is_close_to_f32_paper() {
    check_close_to_f32::<Paper>(Scales::Column);
}

/// A host's widened int8 ranker (integers converted to f32 once) searches bit for bit as the
/// in-place int8 kernels a device runs: scores, gradients, the budgeted search and its shortlist.
fn check_widened_is_bit_identical<P: Preset>() {
    let bytes = quantize_weights(&random_weights::<P>(21, 6), Scales::Column, None).unwrap();
    let ranker = Ranker::<P>::load(&bytes).unwrap();
    let mut buf = vec![[0u8; 4]; archrank_core::network::param_count(P::ARCH_DIM)];
    assert!(ranker.widened(&mut buf[..10]).is_none(), "a short buffer is refused");
    let wide = ranker.widened(&mut buf).unwrap();
    for seed in 0..4 {
        let z = embedding(seed);
        let (a, b) = (ranker.network().scorer(&z), wide.network().scorer(&z));
        let u = pseudo_random(50 + seed, P::ARCH_DIM, 2.0);
        let (mut ga, mut gb) = (P::Arch::zeroed(), P::Arch::zeroed());
        let (sa, sb) =
            (a.score_with_gradient(&u, ga.as_mut()), b.score_with_gradient(&u, gb.as_mut()));
        assert_eq!(sa.to_bits(), sb.to_bits());
        assert_eq!(ga.as_ref(), gb.as_ref());
        let shape = archrank_core::TaskShape { features: 7, classes: 3, text: false, samples: 200 };
        let budget = archrank_core::Budget { max_params: Some(2048), ..Default::default() };
        let config = ranker.search_config();
        let x = ranker.shortlist_within(&z, &config, &shape, &budget, 5, 2).unwrap();
        let y = wide.shortlist_within(&z, &config, &shape, &budget, 5, 2).unwrap();
        assert_eq!(x.result.arch.as_ref(), y.result.arch.as_ref());
        assert_eq!(x.result.score.to_bits(), y.result.score.to_bits());
        assert_eq!(x.candidates, y.candidates);
    }
}

#[test]
fn widened_int8_is_bit_identical_tiny() {
    check_widened_is_bit_identical::<Tiny>();
}

#[test]
fn widened_int8_is_bit_identical_paper() {
    check_widened_is_bit_identical::<Paper>();
}

#[test]
fn an_int8_file_is_quantized_once_and_validated_like_f32() {
    let f32_bytes = random_weights::<Tiny>(4, 3);
    let int8_bytes = quantize_weights(&f32_bytes, Scales::Column, None).unwrap();
    assert_eq!(
        quantize_weights(&int8_bytes, Scales::Column, None),
        Err(WeightsError::AlreadyQuantized)
    );
    // An f32 file's sections under an int8 header do not fit.
    let sections = OwnedSections::random::<Tiny>(4, 3);
    let mut file = sections.file::<Tiny>();
    file.quantization = Quantization::Int8;
    let bytes = file.to_bytes().unwrap();
    assert!(matches!(
        Ranker::<Tiny>::load(&bytes),
        Err(WeightsError::LengthMismatch { what: "params", .. })
    ));
    // A negative scale is refused, naming its tensor.
    let decoded = archrank_core::WeightsFile::decode(&int8_bytes).unwrap();
    let mut params = decoded.params.to_vec();
    // feature.weight_value (16 f32) comes first, then feature.weight_label's 16 scales.
    params[16 * 4..16 * 4 + 4].copy_from_slice(&(-1.0f32).to_le_bytes());
    let bad = archrank_core::WeightsFile { params: &params, ..decoded }.to_bytes().unwrap();
    assert_eq!(
        Ranker::<Tiny>::load(&bad).unwrap_err(),
        WeightsError::BadScale { what: "feature.weight_label", column: 0 }
    );
}
