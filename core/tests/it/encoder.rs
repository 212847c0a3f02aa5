//! The sample encoder: deterministic, fixed output size whatever the feature count, errors for
//! bad samples.

use archrank_core::dims::{ENCODED_DIM, LABEL_SLOTS, SKETCH_DIM};
use archrank_core::fixture::pseudo_random;
use archrank_core::{EncodeError, NumericStatsBuilder, TextStatsBuilder};

fn rows(features: usize, n: usize, seed: u64) -> Vec<Vec<f32>> {
    let values = pseudo_random(seed, features * n, 10.0);
    values.chunks(features).map(<[f32]>::to_vec).collect()
}

#[test]
fn numeric_encoding_is_deterministic_and_fixed_size() {
    for features in [1usize, 3, 17, 64] {
        let data = rows(features, 40, features as u64);
        let encode_all = || {
            let mut stats = NumericStatsBuilder::<64>::new(features).unwrap();
            for (i, r) in data.iter().enumerate() {
                stats.observe(r, (i % 3) as u32).unwrap();
            }
            let enc = stats.finish().unwrap();
            data.iter()
                .enumerate()
                .map(|(i, r)| enc.encode(r, (i % 3) as u32).unwrap())
                .collect::<Vec<_>>()
        };
        let a = encode_all();
        let b = encode_all();
        assert_eq!(a, b);
        for x in &a {
            assert_eq!(x.len(), ENCODED_DIM);
            assert!(x.iter().all(|v| v.is_finite()));
            // Exactly one label slot is hot.
            let label_slots = &x.as_slice()[SKETCH_DIM + 4..SKETCH_DIM + 4 + LABEL_SLOTS];
            assert_eq!(label_slots.iter().filter(|&&v| v == 1.0).count(), 1);
        }
        // The sketch carries the row: different rows, different encodings.
        assert_ne!(a[0], a[1]);
    }
}

#[test]
fn labels_are_ranked_by_frequency() {
    let mut stats = NumericStatsBuilder::<4>::new(1).unwrap();
    // class 5 is the most frequent, then class 0.
    for (v, label) in [(1.0, 5), (2.0, 5), (3.0, 5), (4.0, 0), (5.0, 0), (6.0, 2)] {
        stats.observe(&[v], label).unwrap();
    }
    let enc = stats.finish().unwrap();
    let slot = |label| {
        let x = enc.encode(&[1.0], label).unwrap();
        x.as_slice()[SKETCH_DIM + 4..SKETCH_DIM + 4 + LABEL_SLOTS].iter().position(|&v| v == 1.0)
    };
    assert_eq!(slot(5), Some(0));
    assert_eq!(slot(0), Some(1));
    assert_eq!(slot(2), Some(2));
}

#[test]
fn numeric_errors() {
    assert_eq!(
        NumericStatsBuilder::<4>::new(5).unwrap_err(),
        EncodeError::TooManyFeatures { max: 4, found: 5 }
    );
    assert_eq!(NumericStatsBuilder::<4>::new(0).unwrap_err(), EncodeError::NoFeatures);
    let mut stats = NumericStatsBuilder::<4>::new(2).unwrap();
    assert_eq!(stats.observe(&[1.0, f32::NAN], 0), Err(EncodeError::NonFinite { feature: 1 }));
    assert_eq!(stats.observe(&[1.0], 0), Err(EncodeError::FeatureCount { expected: 2, found: 1 }));
    assert_eq!(
        stats.observe(&[1.0, 2.0], 500),
        Err(EncodeError::LabelOutOfRange { max: 128, found: 500 })
    );
    assert_eq!(stats.finish().unwrap_err(), EncodeError::NoSamples);
    stats.observe(&[1.0, 2.0], 0).unwrap();
    let enc = stats.finish().unwrap();
    assert_eq!(enc.encode(&[f32::INFINITY, 0.0], 0), Err(EncodeError::NonFinite { feature: 0 }));
}

#[test]
fn text_encoding_is_deterministic_and_case_insensitive() {
    let mut stats = TextStatsBuilder::new();
    for label in [0, 1, 1] {
        stats.observe(label).unwrap();
    }
    let enc = stats.finish().unwrap();
    let a = enc.encode("The movie was great, GREAT fun!", 1).unwrap();
    let b = enc.encode("the movie was great, great fun!", 1).unwrap();
    assert_eq!(a.as_slice()[..SKETCH_DIM], b.as_slice()[..SKETCH_DIM]);
    assert_eq!(a, enc.encode("The movie was great, GREAT fun!", 1).unwrap());
    let sketch_norm: f32 = a.as_slice()[..SKETCH_DIM].iter().map(|v| v * v).sum();
    assert!((sketch_norm - 1.0).abs() < 1e-5);
    let empty = enc.encode("", 0).unwrap();
    assert!(empty.iter().all(|v| v.is_finite()));
    assert_eq!(TextStatsBuilder::new().finish().unwrap_err(), EncodeError::NoSamples);
}
