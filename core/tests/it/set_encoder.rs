//! The feature-set encoder: which values it reads, that z does not depend on the order of the
//! features or the samples (beyond rounding), its layout, and the two ranker forms.

use archrank_core::dims::{
    EMBED_DIM, LANDMARKS_AT, Preset, SCALARS_AT, SET_EMBED, SET_FEATURES, TASK_SCALARS,
};
use archrank_core::fixture::{OwnedSections, pseudo_random};
use archrank_core::network::{tensor, tensor_sizes};
use archrank_core::sample_encoder::task_scalars;
use archrank_core::{
    Embedder, NumericSamples, NumericStatsBuilder, Ranker, RankerForm, Tiny, embed_numeric,
    encode_numeric,
};

/// Rows of random values, labels i % 3.
struct Rows {
    features: usize,
    values: Vec<f32>,
}

impl Rows {
    fn new(features: usize, n: usize, seed: u64) -> Self {
        Self { features, values: pseudo_random(seed, features * n, 10.0) }
    }

    /// The same rows with the features in another order (reversed) and the samples rotated.
    fn shuffled(&self) -> Self {
        let n = self.count();
        let mut values = Vec::with_capacity(self.values.len());
        for i in 0..n {
            let row = &self.values[((i + 7) % n) * self.features..][..self.features];
            values.extend(row.iter().rev());
        }
        Self { features: self.features, values }
    }
}

impl NumericSamples for Rows {
    fn count(&self) -> usize {
        self.values.len() / self.features
    }

    fn features(&self) -> usize {
        self.features
    }

    fn sample_into(&self, i: usize, row: &mut [f32]) -> u32 {
        row.copy_from_slice(&self.values[i * self.features..][..self.features]);
        // Labelled by content that ignores the features' order, so they move with the rows.
        let max = row.iter().copied().fold(f32::MIN, f32::max);
        u32::from(max > 8.0) + u32::from(max > 9.5)
    }
}

#[test]
fn set_values_are_standardized_and_wide_tasks_are_read_evenly_spaced() {
    for features in [3usize, 64, 100] {
        let rows = Rows::new(features, 50, features as u64);
        let mut widths = Vec::new();
        encode_numeric::<128>(&rows, |_, values| {
            assert!(values.iter().all(|v| (-1.0..=1.0).contains(v)));
            widths.push(values.len());
        })
        .unwrap();
        assert!(widths.iter().all(|&w| w == features.min(SET_FEATURES)));
    }
    // With 100 features, the k-th value read is feature k * 100 / 64: make feature 98 (read
    // as k = 63) constant, so its standardized value is 0 in every sample.
    let mut rows = Rows::new(100, 20, 3);
    for i in 0..20 {
        rows.values[i * 100 + 98] = 4.0;
    }
    let mut stats = NumericStatsBuilder::<128>::new(100).unwrap();
    let mut row = [0.0; 100];
    for i in 0..20 {
        let label = rows.sample_into(i, &mut row);
        stats.observe(&row, label).unwrap();
    }
    let encoder = stats.finish().unwrap();
    let mut values = [0.0; SET_FEATURES];
    rows.sample_into(0, &mut row);
    assert_eq!(encoder.set_values(&row, &mut values), SET_FEATURES);
    assert_eq!(values[63], 0.0);
    assert_ne!(values[62], 0.0);
}

#[test]
fn z_ignores_the_order_of_features_and_samples_and_has_its_layout() {
    let sections = OwnedSections::random::<Tiny>(3, 4);
    let bytes = sections.file::<Tiny>().to_bytes().unwrap();
    let ranker = Ranker::<Tiny>::load(&bytes).unwrap();
    let net = ranker.network();
    let rows = Rows::new(7, 200, 9);
    let z = embed_numeric::<Tiny, 16>(net, &rows).unwrap();
    let shuffled = embed_numeric::<Tiny, 16>(net, &rows.shuffled()).unwrap();
    assert_ne!(z, shuffled, "sums in another order round differently");
    assert!((z - shuffled).amax() < 1e-5, "{}", (z - shuffled).amax());
    // The layout: the summary (tanh outputs), the task's shape scalars, zero landmarker slots.
    assert_eq!(z.len(), EMBED_DIM);
    assert!(z.rows(0, SET_EMBED).iter().all(|v| v.abs() <= 1.0));
    assert!(z.rows(SET_EMBED, EMBED_DIM - SET_EMBED).iter().any(|&v| v != 0.0));
    let mut first = None;
    encode_numeric::<16>(&rows, |x, _| {
        first.get_or_insert(task_scalars(x));
    })
    .unwrap();
    let scalars = first.unwrap();
    assert_eq!(z.rows(SCALARS_AT, TASK_SCALARS).as_slice(), scalars.as_slice());
    assert!(z.rows(LANDMARKS_AT, EMBED_DIM - LANDMARKS_AT).iter().all(|&v| v == 0.0));
    // Streaming by hand gives the same bits.
    let mut embedder = Embedder::default();
    encode_numeric::<16>(&rows, |x, values| embedder.add(net, x, values)).unwrap();
    assert_eq!(embedder.count(), 200);
    assert_eq!(embedder.embedding(net), z);
    assert_eq!(Embedder::default().embedding(net).rows(0, SET_EMBED).amax(), 0.0);
}

#[test]
fn the_papers_form_has_no_backbone() {
    let mut sections = OwnedSections::random::<Tiny>(5, 3);
    let bytes = {
        let mut file = sections.file::<Tiny>();
        file.fit.form = RankerForm::Residual;
        file.to_bytes().unwrap()
    };
    let residual = Ranker::<Tiny>::load(&bytes).unwrap();
    assert_eq!(residual.header().fit.form, RankerForm::Residual);
    let z = residual.tasks().embedding(0);
    let u = pseudo_random(8, Tiny::ARCH_DIM, 2.0);
    let with_backbone = residual.network().scorer(&z).score(&u);
    let paper_bytes = {
        let mut file = sections.file::<Tiny>();
        file.fit.form = RankerForm::Paper;
        file.to_bytes().unwrap()
    };
    let paper = Ranker::<Tiny>::load(&paper_bytes).unwrap();
    let without = paper.network().scorer(&z).score(&u);
    assert_ne!(with_backbone, without);
    // Changing the backbone's weights changes nothing in the paper's form.
    let sizes = tensor_sizes(Tiny::ARCH_DIM);
    let start: usize = sizes[..tensor::BACKBONE1_W].iter().sum::<usize>() * 4;
    sections.params[start..start + 4].copy_from_slice(&1.5f32.to_le_bytes());
    let mut file = sections.file::<Tiny>();
    file.fit.form = RankerForm::Paper;
    let changed = file.to_bytes().unwrap();
    let paper2 = Ranker::<Tiny>::load(&changed).unwrap();
    assert_eq!(paper2.network().scorer(&z).score(&u).to_bits(), without.to_bits());
    // Its gradient is the residual's alone, and matches finite differences.
    let mut grad = [0.0; Tiny::ARCH_DIM];
    let scorer = paper.network().scorer(&z);
    scorer.score_with_gradient(&u, &mut grad);
    let h = 1e-2;
    for i in [0, 5, 20] {
        let (mut plus, mut minus) = (u.clone(), u.clone());
        plus[i] += h;
        minus[i] -= h;
        let fd = (scorer.score(&plus) - scorer.score(&minus)) / (2.0 * h);
        assert!((fd - grad[i]).abs() < 1e-2 * (1.0 + fd.abs()), "{i}: {fd} vs {}", grad[i]);
    }
}
