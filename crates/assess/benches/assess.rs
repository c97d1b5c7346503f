//! Assessing 200,000 school sections (national scale) in memory.

use criterion::{Criterion, criterion_group, criterion_main};

fn national(c: &mut Criterion) {
    let rows = xuequ_assess::synthetic(200_000);
    let mut group = c.benchmark_group("assess");
    group.sample_size(10);
    group.bench_function("200k sections", |b| b.iter(|| xuequ_assess::assess(std::hint::black_box(&rows)).expect("valid synthetic data")));
    group.finish();
}

criterion_group!(benches, national);
criterion_main!(benches);
