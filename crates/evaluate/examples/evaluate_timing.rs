//! Timings of the evaluation's engines for BENCHMARKS.md (issue 26), on generated data:
//! value-added over 1,000,000 pupils' rows (500 schools, 4 grades × 5 subjects), and the
//! default tree over a province of 300 clusters and 3,000 schools.
//!
//! `cargo run --release -p xuequ-evaluate --example evaluate_timing`

use std::collections::HashMap;
use std::time::Instant;

use xuequ_domain::evaluation::StudentScore;
use xuequ_evaluate::default_tree::default_tree;
use xuequ_evaluate::tree::{Inputs, Leaf, evaluate};
use xuequ_evaluate::value_added::value_added;

/// A number in [0, 1) from `seed` alone.
fn unit(seed: u64) -> f64 {
    let mut x = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((x ^ (x >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let grades = ["三年级", "四年级", "五年级", "六年级"];
    let subjects = ["语文", "数学", "英语", "科学", "道德与法治"];
    let mut rows = Vec::with_capacity(1_000_000);
    for i in 0..1_000_000u64 {
        let school = i % 500;
        let (g, s) = ((i / 500) % 4, (i / 2000) % 5);
        let entry = 40.0 + 60.0 * unit(i);
        let exit = 0.8 * entry + 10.0 + (school % 7) as f64 + 10.0 * unit(i ^ 0xABCDEF);
        rows.push(StudentScore {
            student: format!("s{i}"),
            school: format!("{:05}", 10000 + school),
            grade: grades[g as usize].to_string(),
            subject: subjects[s as usize].to_string(),
            entry,
            exit,
        });
    }
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let groups = value_added(&rows);
        times.push(start.elapsed().as_secs_f64());
        assert_eq!(groups.len(), 20);
    }
    println!("value-added, {} rows: median {:.3} s (runs {:?})", rows.len(), median(times.clone()), times);

    // A province: 300 clusters of 10 schools, every computed figure per cluster and per school.
    let tree = default_tree();
    let clusters: Vec<i64> = (1..=300).collect();
    let schools: Vec<i64> = (1..=3000).collect();
    let mut inputs = Inputs::default();
    for f in tree.figures() {
        let values: std::collections::BTreeMap<i64, f64> =
            clusters.iter().chain(schools.iter()).map(|u| (*u, 100.0 * unit(*u as u64 * 31 + f.len() as u64))).collect();
        inputs.figures.insert(f.to_string(), values);
    }
    let scored: Vec<String> = tree.all().into_iter().filter(|i| i.leaf() == Some(Leaf::Scored)).map(|i| i.code.clone()).collect();
    let mut scores = HashMap::new();
    for u in clusters.iter().chain(schools.iter()) {
        for code in &scored {
            scores.insert((*u, code.clone()), 60.0 + 40.0 * unit(*u as u64));
        }
    }
    inputs.scores = scores;
    let mut times = Vec::new();
    for _ in 0..9 {
        let start = Instant::now();
        let a = evaluate(&tree, &clusters, &inputs);
        let b = evaluate(&tree, &schools, &inputs);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!((a.len(), b.len()), (300, 3000));
    }
    println!("tree, 300 clusters + 3,000 schools: median {:.2} ms", median(times));
}
