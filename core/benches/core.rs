//! Criterion benchmarks of the core's hot paths, for both presets: score one architecture, score
//! 1,000 in a batch, score every discrete architecture (tiny: 3,645), embed 256 samples, and a full search (10 starts, default steps); scoring and
//! search again on the same ranker quantized to int8 (`*_int8`: the device's in-place kernels;
//! `search_int8_widened`: a host's, integers converted to f32 once), in the same run; and a
//! device's child training run on the host (`training/train_child`).
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use archrank_core::dims::SET_FEATURES;
use archrank_core::dims::{Paper, Preset, Tiny};
use archrank_core::discrete_scoring::discrete_count;
use archrank_core::fixture::{pseudo_random, random_weights};
use archrank_core::quantize::{Scales, quantize_weights};
use archrank_core::training::{TrainConfig, Validation, child_seed, train_child};
use archrank_core::{
    Discrete, Embedder, NumericStatsBuilder, PresetId, Ranker, SamplesFile, TaskEmbedding,
    discrete_cost,
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn bench_preset<P: Preset>(c: &mut Criterion) {
    let name = P::LAYOUT.preset.name();
    let bytes = random_weights::<P>(1, 40);
    let ranker = Ranker::<P>::load(&bytes).unwrap();
    let z = TaskEmbedding::from_iterator(pseudo_random(2, 50, 0.8));
    let scorer = ranker.network().scorer(&z);
    let u = pseudo_random(3, P::ARCH_DIM, 2.0);
    let batch = pseudo_random(4, 1000 * P::ARCH_DIM, 2.0);
    let mut out = vec![0.0f32; 1000];

    let mut group = c.benchmark_group(name);
    group.bench_function("score_one", |b| b.iter(|| scorer.score(black_box(&u))));
    group.throughput(Throughput::Elements(1000));
    group.bench_function(BenchmarkId::new("score_batch", 1000), |b| {
        b.iter(|| scorer.score_batch_into(black_box(&batch), &mut out));
    });
    group.throughput(Throughput::Elements(256));
    let rows = pseudo_random(5, 256 * 12, 5.0);
    group.bench_function(BenchmarkId::new("embed", 256), |b| {
        b.iter(|| {
            let mut stats = NumericStatsBuilder::<16>::new(12).unwrap();
            for (i, r) in rows.chunks(12).enumerate() {
                stats.observe(r, (i % 3) as u32).unwrap();
            }
            let encoder = stats.finish().unwrap();
            let mut embedder = Embedder::default();
            let mut values = [0.0; SET_FEATURES];
            for (i, r) in rows.chunks(12).enumerate() {
                let x = encoder.encode(r, (i % 3) as u32).unwrap();
                let read = encoder.set_values(r, &mut values);
                embedder.add(ranker.network(), &x, &values[..read]);
            }
            embedder.embedding(ranker.network())
        });
    });
    let every = discrete_count(&P::LAYOUT);
    if every <= 100_000 {
        group.throughput(Throughput::Elements(every as u64));
        group.bench_function(BenchmarkId::new("score_every_discrete", every), |b| {
            b.iter(|| {
                let mut best = f32::NEG_INFINITY;
                scorer.for_each_discrete(|_| true, |_, s| best = best.max(s));
                best
            });
        });
    }
    group.throughput(Throughput::Elements(1));
    group.bench_function("search", |b| b.iter(|| ranker.search(black_box(&z)).score));
    let int8_bytes = quantize_weights(&bytes, Scales::Column, None).unwrap();
    let int8 = Ranker::<P>::load(&int8_bytes).unwrap();
    let int8_scorer = int8.network().scorer(&z);
    group.bench_function("score_one_int8", |b| b.iter(|| int8_scorer.score(black_box(&u))));
    group.bench_function("search_int8", |b| b.iter(|| int8.search(black_box(&z)).score));
    // What a host runs: the integers converted to f32 once (the same bits).
    let mut buf = vec![[0u8; 4]; archrank_core::network::param_count(P::ARCH_DIM)];
    let widened = int8.widened(&mut buf).unwrap();
    group.bench_function("search_int8_widened", |b| {
        b.iter(|| widened.search(black_box(&z)).score);
    });
    group.finish();
}

/// A device's training on the host: the firmware's samples (wheat_seeds' 140 training and
/// validation rows) and the child the default firmware build chooses, the default schedule.
fn bench_training(c: &mut Criterion) {
    let path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../firmware-example/assets/train-samples.postcard");
    let bytes = std::fs::read(path).unwrap();
    let samples = SamplesFile::load(&bytes).unwrap();
    let mut group = c.benchmark_group("training");
    group.sample_size(10);
    for spec in ["m1/tanh8/tanh8/tanh32", "m2/relu64/relu32/relu16"] {
        let arch = Discrete::parse(PresetId::Tiny, spec).unwrap();
        let mut arena = vec![0_u8; discrete_cost(&arch, &samples.shape()).train_ram_bytes as usize];
        group.bench_function(BenchmarkId::new("train_child", spec), |b| {
            b.iter(|| {
                let child = train_child::<64>(
                    &arch,
                    black_box(&samples),
                    Validation::Stratified,
                    &TrainConfig::default(),
                    child_seed(0),
                    &mut arena,
                )
                .unwrap();
                child.report.steps
            });
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_preset::<Tiny>(c);
    bench_preset::<Paper>(c);
    bench_training(c);
}

criterion_group!(core_benches, benches);
criterion_main!(core_benches);
