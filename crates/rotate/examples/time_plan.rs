//! Times the rotation plan of each model file given, three runs each (BENCHMARKS.md, issue 25):
//! `cargo run --release -p xuequ-rotate --example time_plan -- county.json province.json`.

fn main() {
    for f in std::env::args().skip(1) {
        let input: xuequ_rotate::Input = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let mut times = Vec::new();
        let mut objective = 0.0;
        for _ in 0..3 {
            let t = std::time::Instant::now();
            objective = xuequ_rotate::solve(&input).unwrap().objective;
            times.push(t.elapsed().as_secs_f64());
        }
        println!("{f}: {objective:.3} {times:.3?}");
    }
}
