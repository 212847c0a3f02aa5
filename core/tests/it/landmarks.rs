//! Landmarkers: perfect on separable classes, near chance on shuffled labels, seeded and exact.

use archrank_core::fixture::pseudo_random;
use archrank_core::landmarks::{LANDMARKS, MAX_LANDMARK_SAMPLES};
use archrank_core::{Encoded, Landmarks, NumericStatsBuilder};

/// Encodes rows of `d` features with labels through the core's encoder.
fn encode(rows: &[Vec<f32>], labels: &[u32]) -> Vec<Encoded> {
    let d = rows[0].len();
    let mut stats = NumericStatsBuilder::<16>::new(d).unwrap();
    for (r, &l) in rows.iter().zip(labels) {
        stats.observe(r, l).unwrap();
    }
    let enc = stats.finish().unwrap();
    rows.iter().zip(labels).map(|(r, &l)| enc.encode(r, l).unwrap()).collect()
}

/// `n` rows of 4 features, three classes, class c centred at `separation` on feature c (not on a
/// line: one-hot least squares masks the middle of three collinear classes).
fn blobs(n: usize, separation: f32, seed: u64) -> (Vec<Vec<f32>>, Vec<u32>) {
    let noise = pseudo_random(seed, n * 4, 1.0);
    let labels: Vec<u32> = (0..n).map(|i| (i % 3) as u32).collect();
    let rows = (0..n)
        .map(|i| {
            (0..4)
                .map(|j| noise[i * 4 + j] + if j == labels[i] as usize { separation } else { 0.0 })
                .collect()
        })
        .collect();
    (rows, labels)
}

#[test]
fn separable_classes_are_learned_by_every_landmarker() {
    let (rows, labels) = blobs(120, 20.0, 1);
    let l = Landmarks::compute(&encode(&rows, &labels));
    assert_eq!(l.to_array(), [1.0; LANDMARKS], "{l:?}");
}

#[test]
fn shuffled_labels_stay_near_chance() {
    let (rows, _) = blobs(240, 0.0, 2);
    let labels: Vec<u32> =
        pseudo_random(7, 240, 1.0).iter().map(|v| ((v + 1.0) * 1.5) as u32 % 3).collect();
    let l = Landmarks::compute(&encode(&rows, &labels));
    for (name, a) in ["centroid", "1-nn", "bayes", "least squares"].iter().zip(l.to_array()) {
        assert!((0.15..=0.55).contains(&a), "{name}: {a} on 3 random classes");
    }
}

#[test]
fn overlapping_classes_fall_between() {
    let (rows, labels) = blobs(240, 1.0, 3);
    let l = Landmarks::compute(&encode(&rows, &labels));
    for a in l.to_array() {
        assert!(a > 0.4 && a < 1.0, "{l:?}");
    }
    // Exact and repeatable: the same samples give the same bits.
    assert_eq!(l, Landmarks::compute(&encode(&rows, &labels)));
}

#[test]
fn reads_at_most_the_cap_and_needs_two_samples() {
    let (rows, labels) = blobs(MAX_LANDMARK_SAMPLES + 50, 1.0, 4);
    let all = encode(&rows, &labels);
    assert_eq!(
        Landmarks::compute(&all),
        Landmarks::compute(&all[..MAX_LANDMARK_SAMPLES]),
        "samples past the cap are ignored"
    );
    assert_eq!(Landmarks::compute(&all[..1]), Landmarks::default());
    assert_eq!(Landmarks::compute(&[]), Landmarks::default());
}
