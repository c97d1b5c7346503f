//! `xuequ value-added`: the method of issue 26 recomputed by hand in this test (z-scores with
//! the population sd, least squares, mean residuals, method-of-moments shrinkage) on a file
//! with Chinese headers, the same numbers from English headers, and a bad file
//! refused with every problem named by row and column.

use std::collections::BTreeMap;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env_remove("RUST_BACKTRACE").output().expect("run xuequ")
}

/// A row: student, school, grade, subject, entry, exit.
type Row = (String, &'static str, &'static str, &'static str, f64, f64);
/// Per school: n, raw, shrunk, lo, hi.
type Schools = BTreeMap<String, (usize, f64, f64, f64, f64)>;

/// Three schools of a grade and subject, and one more grade with one school.
fn rows() -> Vec<Row> {
    let mut out = Vec::new();
    for (school, lift) in [("10001", 6.0), ("10002", 0.0), ("10003", -5.0)] {
        for i in 0..12 {
            let entry = 50.0 + (i * 4) as f64 + if school == "10002" { 3.0 } else { 0.0 };
            let wobble = [1.5, -2.0, 0.5, 2.5, -1.0, 0.0][i % 6];
            out.push((format!("{school}-{i}"), school, "七年级", "数学", entry, entry * 0.9 + 8.0 + lift + wobble));
        }
    }
    for i in 0..5 {
        out.push((format!("e{i}"), "10001", "八年级", "语文", 70.0 + i as f64, 72.0 + (i * i) as f64));
    }
    out
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn pvar(xs: &[f64]) -> f64 {
    let m = mean(xs);
    mean(&xs.iter().map(|x| (x - m).powi(2)).collect::<Vec<_>>())
}

/// The method, written again from the issue's words for this test.
fn by_hand(group: &[Row]) -> (f64, f64, f64, f64, Schools) {
    let z = |xs: Vec<f64>| {
        let (m, sd) = (mean(&xs), pvar(&xs).sqrt());
        xs.iter().map(|x| if sd > 0.0 { (x - m) / sd } else { 0.0 }).collect::<Vec<_>>()
    };
    let zx = z(group.iter().map(|r| r.4).collect());
    let zy = z(group.iter().map(|r| r.5).collect());
    let (mx, my) = (mean(&zx), mean(&zy));
    let b = zx.iter().zip(&zy).map(|(x, y)| (x - mx) * (y - my)).sum::<f64>() / zx.iter().map(|x| (x - mx).powi(2)).sum::<f64>();
    let a = my - b * mx;
    let e: Vec<f64> = zx.iter().zip(&zy).map(|(x, y)| y - a - b * x).collect();
    let sigma2 = e.iter().map(|v| v * v).sum::<f64>() / (group.len() - 2) as f64;
    let mut res: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (r, v) in group.iter().zip(&e) {
        res.entry(r.1.to_string()).or_default().push(*v);
    }
    let raws: Vec<f64> = res.values().map(|v| mean(v)).collect();
    let tau2 = (pvar(&raws) - mean(&res.values().map(|v| sigma2 / v.len() as f64).collect::<Vec<_>>())).max(0.0);
    let schools = res
        .iter()
        .map(|(k, v)| {
            let (n, raw, noise) = (v.len(), mean(v), sigma2 / v.len() as f64);
            let (shrunk, se) =
                if tau2 > 0.0 { (raw * tau2 / (tau2 + noise), (tau2 * noise / (tau2 + noise)).sqrt()) } else { (0.0, noise.sqrt()) };
            (k.clone(), (n, raw, shrunk, shrunk - 1.96 * se, shrunk + 1.96 * se))
        })
        .collect();
    (a, b, sigma2, tau2, schools)
}

fn close(a: &serde_json::Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() < 1e-9
}

#[test]
fn value_added_as_the_issue_defines_it() {
    let dir = tempfile::tempdir().unwrap();
    let csv = |headers: &str| {
        let mut text = format!("{headers}\n");
        for r in rows() {
            text.push_str(&format!("{},{},{},{},{},{}\n", r.0, r.1, r.2, r.3, r.4, r.5));
        }
        text
    };
    let zh = dir.path().join("scores.csv");
    std::fs::write(&zh, csv("学号,学校代码,年级,学科,入口成绩,出口成绩")).unwrap();
    let out = run(&["value-added", "--input", zh.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = rows();
    let group: Vec<_> = all.iter().filter(|r| r.2 == "七年级").cloned().collect();
    let (a, b, sigma2, tau2, schools) = by_hand(&group);
    let g = &v["groups"]["七年级|数学"];
    assert!(close(&g["a"], a) && close(&g["b"], b) && close(&g["sigma2"], sigma2) && close(&g["tau2"], tau2), "{g}");
    assert!(tau2 > 0.0, "the three schools differ beyond noise");
    for (code, (n, raw, shrunk, lo, hi)) in &schools {
        let s = &g["schools"][code];
        assert_eq!(s["n"].as_u64(), Some(*n as u64));
        assert!(close(&s["raw"], *raw) && close(&s["shrunk"], *shrunk) && close(&s["lo"], *lo) && close(&s["hi"], *hi), "{code}: {s}");
    }
    assert!(g["schools"]["10001"]["lo"].as_f64().unwrap() > 0.0, "the school that adds most is marked above");
    assert!(v["groups"]["八年级|语文"]["schools"]["10001"].is_object(), "grade and subject are kept as written");
    // English headers give the same answer; the readable table marks the school above.
    let en = dir.path().join("scores-en.csv");
    std::fs::write(&en, csv("student,school,grade,subject,entry,exit")).unwrap();
    let again = run(&["value-added", "--input", en.to_str().unwrap(), "--json"]);
    assert_eq!(again.stdout, out.stdout);
    let readable = run(&["value-added", "--input", zh.to_str().unwrap()]);
    let text = String::from_utf8(readable.stdout).unwrap();
    assert!(text.contains("七年级") && text.contains("10001") && text.contains("高于"), "{text}");
}

#[test]
fn a_bad_scores_file_names_every_problem_and_computes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "学号,学校代码,年级,学科,入口成绩,出口成绩\nS1,10001,七年级,数学,80,85\nS2,,七年级,数学,七十,85\nS1,10002,七年级,数学,70,75\n",
    )
    .unwrap();
    let out = run(&["value-added", "--input", bad.to_str().unwrap(), "--json"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "nothing printed on stdout");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("第 3 行") && err.contains("B 学校代码"), "{err}");
    assert!(err.contains("E 入口成绩") && err.contains("七十"), "{err}");
    assert!(err.contains("第 4 行") && err.contains("第 2 行"), "the duplicate names where the student first appeared: {err}");
    let missing = dir.path().join("missing.csv");
    std::fs::write(&missing, "学号,学校代码,年级,学科,入口成绩\nS1,10001,七年级,数学,80\n").unwrap();
    let err = String::from_utf8(run(&["value-added", "--input", missing.to_str().unwrap()]).stderr).unwrap();
    assert!(err.contains("出口成绩"), "{err}");
}
