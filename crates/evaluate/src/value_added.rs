//! Value-added (增值评价): how much a school adds to its pupils beyond what their entry scores
//! predict, exactly as issue 26 fixes the method:
//!
//! 1. within each grade and subject over the county, scores become z-scores with the population
//!    standard deviation (a standard deviation of 0 gives z = 0);
//! 2. ordinary least squares `z_exit = a + b·z_entry + e` over the group's students;
//! 3. a school's raw value-added is the mean residual of its students, with their number n;
//! 4. empirical-Bayes shrinkage by the method of moments: σ² = Σe² / (N − 2),
//!    τ² = max(0, population variance of the schools' raw values − mean over schools of σ²/n),
//!    shrunk = raw · τ² / (τ² + σ²/n), standard error √(τ²·(σ²/n) / (τ² + σ²/n)) — with τ² = 0
//!    the shrunk value is 0 and the standard error √(σ²/n) — and the 95 % interval
//!    shrunk ± 1.96·se. A school whose interval lies wholly above or below zero is marked.
//!
//! With two students or fewer in a group the fit is exact (Σe² = 0) and σ² is taken as 0.

use std::collections::BTreeMap;

use serde::Serialize;
pub use xuequ_domain::evaluation::StudentScore as Score;

/// A school's value-added in one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchoolValue {
    pub n: usize,
    pub raw: f64,
    pub shrunk: f64,
    pub se: f64,
    pub lo: f64,
    pub hi: f64,
}

impl SchoolValue {
    /// Above (+1) or below (−1) zero beyond doubt, or neither (0).
    pub fn mark(&self) -> i8 {
        if self.lo > 0.0 {
            1
        } else if self.hi < 0.0 {
            -1
        } else {
            0
        }
    }
}

/// One grade and subject over the county: the regression, the variances and each school.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub grade: String,
    pub subject: String,
    pub students: usize,
    pub a: f64,
    pub b: f64,
    pub sigma2: f64,
    pub tau2: f64,
    pub schools: BTreeMap<String, SchoolValue>,
}

/// Every group, keyed `grade|subject` as written in the data.
pub fn value_added(scores: &[Score]) -> BTreeMap<String, Group> {
    let mut groups: BTreeMap<(String, String), Vec<&Score>> = BTreeMap::new();
    for s in scores {
        groups.entry((s.grade.clone(), s.subject.clone())).or_default().push(s);
    }
    groups.into_iter().map(|((grade, subject), list)| (format!("{grade}|{subject}"), group(grade, subject, &list))).collect()
}

fn group(grade: String, subject: String, list: &[&Score]) -> Group {
    let entry = z_scores(&list.iter().map(|s| s.entry).collect::<Vec<_>>());
    let exit = z_scores(&list.iter().map(|s| s.exit).collect::<Vec<_>>());
    let (a, b) = least_squares(&entry, &exit);
    let residuals: Vec<f64> = entry.iter().zip(&exit).map(|(x, y)| y - a - b * x).collect();
    let n_all = list.len();
    let sigma2 = if n_all > 2 { residuals.iter().map(|e| e * e).sum::<f64>() / (n_all - 2) as f64 } else { 0.0 };
    // Each school's residuals.
    let mut by_school: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (s, e) in list.iter().zip(&residuals) {
        by_school.entry(s.school.as_str()).or_default().push(*e);
    }
    let raw: Vec<(&str, usize, f64)> = by_school.iter().map(|(k, v)| (*k, v.len(), mean(v))).collect();
    let noise = |n: usize| sigma2 / n as f64;
    let tau2 = (population_variance(&raw.iter().map(|r| r.2).collect::<Vec<_>>())
        - mean(&raw.iter().map(|r| noise(r.1)).collect::<Vec<_>>()))
    .max(0.0);
    let schools = raw
        .into_iter()
        .map(|(school, n, raw)| {
            let v = noise(n);
            let (shrunk, se) = if tau2 > 0.0 { (raw * tau2 / (tau2 + v), (tau2 * v / (tau2 + v)).sqrt()) } else { (0.0, v.sqrt()) };
            (school.to_string(), SchoolValue { n, raw, shrunk, se, lo: shrunk - 1.96 * se, hi: shrunk + 1.96 * se })
        })
        .collect();
    Group { grade, subject, students: n_all, a, b, sigma2, tau2, schools }
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() { 0.0 } else { xs.iter().sum::<f64>() / xs.len() as f64 }
}

fn population_variance(xs: &[f64]) -> f64 {
    let m = mean(xs);
    mean(&xs.iter().map(|x| (x - m).powi(2)).collect::<Vec<_>>())
}

/// z = (x − mean) / sd with the population sd; all 0 when sd is 0 — also when it is only
/// rounding (ten scores of 72.3 have a mean of 72.29999999999998 and an sd of 1e-14).
fn z_scores(xs: &[f64]) -> Vec<f64> {
    let m = mean(xs);
    let sd = population_variance(xs).sqrt();
    let flat = sd <= 1e-9 * m.abs().max(1.0);
    xs.iter().map(|x| if flat { 0.0 } else { (x - m) / sd }).collect()
}

/// Ordinary least squares of `y` on `x`: (intercept, slope); a flat `x` gives slope 0.
fn least_squares(x: &[f64], y: &[f64]) -> (f64, f64) {
    let (mx, my) = (mean(x), mean(y));
    let sxx: f64 = x.iter().map(|v| (v - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let b = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (my - b * mx, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(student: &str, school: &str, entry: f64, exit: f64) -> Score {
        Score { student: student.into(), school: school.into(), grade: "七年级".into(), subject: "数学".into(), entry, exit }
    }

    /// Worked by hand: four students, two schools. Entry 1, 2, 3, 4 (mean 2.5, sd √1.25) and
    /// exit 2, 1, 4, 3 have the same z-scores in another order; both means are 0, so a = 0 and
    /// b = Σ zx·zy / Σ zx² = 2.4 / 4 = 0.6.
    #[test]
    fn a_small_county_worked_by_hand() {
        let list = [score("1", "A", 1.0, 2.0), score("2", "A", 2.0, 1.0), score("3", "B", 3.0, 4.0), score("4", "B", 4.0, 3.0)];
        let g = &value_added(&list)["七年级|数学"];
        let sd = 1.25f64.sqrt();
        let z = |v: f64| (v - 2.5) / sd;
        // Σ zx·zy over Σ zx² (= N = 4 for z-scores).
        let sxy = z(1.0) * z(2.0) + z(2.0) * z(1.0) + z(3.0) * z(4.0) + z(4.0) * z(3.0);
        let b = sxy / 4.0;
        assert!((g.b - b).abs() < 1e-12 && g.a.abs() < 1e-12, "{g:?}");
        assert!((b - 0.6).abs() < 1e-12);
        let e: Vec<f64> = [(1.0, 2.0), (2.0, 1.0), (3.0, 4.0), (4.0, 3.0)].iter().map(|(x, y)| z(*y) - b * z(*x)).collect();
        let sigma2 = e.iter().map(|v| v * v).sum::<f64>() / 2.0;
        assert!((g.sigma2 - sigma2).abs() < 1e-12);
        let (raw_a, raw_b) = ((e[0] + e[1]) / 2.0, (e[2] + e[3]) / 2.0);
        assert!((g.schools["A"].raw - raw_a).abs() < 1e-12 && (g.schools["B"].raw - raw_b).abs() < 1e-12);
        let var_raw = ((raw_a - (raw_a + raw_b) / 2.0).powi(2) + (raw_b - (raw_a + raw_b) / 2.0).powi(2)) / 2.0;
        let tau2 = (var_raw - sigma2 / 2.0).max(0.0);
        assert!((g.tau2 - tau2).abs() < 1e-12);
        if tau2 == 0.0 {
            assert_eq!(g.schools["A"].shrunk, 0.0);
            assert!((g.schools["A"].se - (sigma2 / 2.0).sqrt()).abs() < 1e-12);
        }
    }

    #[test]
    fn scores_equal_up_to_rounding_are_flat() {
        let list: Vec<Score> = (0..10).map(|i| score(&i.to_string(), if i < 5 { "A" } else { "B" }, 72.3, 72.3)).collect();
        let g = &value_added(&list)["七年级|数学"];
        assert_eq!((g.a, g.b, g.sigma2, g.tau2), (0.0, 0.0, 0.0, 0.0));
    }

    #[test]
    fn equal_scores_give_z_zero_and_nothing_marked() {
        let list = [score("1", "A", 80.0, 90.0), score("2", "B", 80.0, 90.0), score("3", "B", 80.0, 90.0)];
        let g = &value_added(&list)["七年级|数学"];
        assert_eq!((g.a, g.b, g.sigma2, g.tau2), (0.0, 0.0, 0.0, 0.0));
        assert!(g.schools.values().all(|s| s.shrunk == 0.0 && s.mark() == 0));
    }

    #[test]
    fn a_school_far_above_the_rest_is_marked_above_and_shrunk_towards_zero() {
        // Ten schools of 30; school S0 adds 1 sd to every pupil, the rest nothing (plus noise).
        let mut list = Vec::new();
        let mut seed = 7u64;
        let mut noise = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 0.4
        };
        for s in 0..10 {
            for p in 0..30 {
                let entry = (p as f64) * 2.0 + 40.0;
                let lift = if s == 0 { 12.0 } else { 0.0 };
                list.push(score(&format!("{s}-{p}"), &format!("S{s}"), entry, entry + lift + noise() * 10.0));
            }
        }
        let g = &value_added(&list)["七年级|数学"];
        let top = &g.schools["S0"];
        assert_eq!(top.mark(), 1, "{top:?}");
        assert!(top.shrunk < top.raw && top.shrunk > 0.0, "shrunk towards zero: {top:?}");
        assert!(g.schools.iter().filter(|(k, _)| *k != "S0").all(|(_, v)| v.mark() <= 0));
    }
}
