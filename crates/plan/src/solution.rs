//! A solution and its honest evaluation: the objective is always recomputed from the assignment,
//! and every broken rule is listed.

use serde::{Deserialize, Serialize};

use crate::problem::Problem;

/// Medians (point indices) and, for each point, the index into `medians` of its median.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    pub medians: Vec<usize>,
    pub assignment: Vec<usize>,
}

/// A rule a solution breaks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Violation {
    WrongCount { medians: usize, p: usize },
    BadIndex { point: usize },
    MedianNotSelf { median: usize },
    NotEligible { median: usize },
    DesignatedNotLead { point: usize },
    Stage { point: usize, median: usize },
    Fixed { point: usize, median: usize },
    OverCapacity { median: usize, load: f64, capacity: f64 },
    TooMany { median: usize, members: usize, max: usize },
    TooFew { median: usize, members: usize, min: usize },
    Forbidden { a: usize, b: usize },
}

/// What a solution costs, recomputed from scratch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Sum over points of the distance to their median: the p-median objective.
    pub travel: f64,
    /// Longest distance from a point to its median.
    pub longest: f64,
    /// Re-planning penalties paid (points moved × penalty).
    pub moves: usize,
    /// Σ over clusters of (mean strength − overall mean)².
    pub imbalance: f64,
    /// travel + move penalties + balance weight × imbalance: what the solver minimises.
    pub objective: f64,
    pub violations: Vec<Violation>,
}

impl Evaluation {
    pub fn feasible(&self) -> bool {
        self.violations.is_empty()
    }
}

pub fn evaluate(pb: &Problem, sol: &Solution) -> Evaluation {
    let n = pb.n();
    let mut v = Vec::new();
    let p = sol.medians.len();
    if let Some(want) = pb.p
        && want != p
    {
        v.push(Violation::WrongCount { medians: p, p: want });
    }
    if sol.assignment.len() != n || sol.medians.iter().any(|&m| m >= n) {
        v.push(Violation::BadIndex { point: sol.assignment.len().min(n) });
        return Evaluation { travel: f64::NAN, longest: f64::NAN, moves: 0, imbalance: f64::NAN, objective: f64::NAN, violations: v };
    }
    if let Some(i) = sol.assignment.iter().position(|&a| a >= p) {
        v.push(Violation::BadIndex { point: i });
        return Evaluation { travel: f64::NAN, longest: f64::NAN, moves: 0, imbalance: f64::NAN, objective: f64::NAN, violations: v };
    }
    let (mut load, mut count, mut ssum) = (vec![0.0; p], vec![0usize; p], vec![0.0; p]);
    let (mut travel, mut longest, mut cost) = (0.0, 0.0f64, 0.0);
    let mut moves = 0;
    for (i, &a) in sol.assignment.iter().enumerate() {
        let k = sol.medians[a];
        let d = pb.metric.d(i, k);
        travel += d;
        longest = longest.max(d);
        let c = pb.cost(i, k);
        if c > d {
            moves += 1;
        }
        cost += c;
        load[a] += pb.demand[i];
        count[a] += 1;
        ssum[a] += pb.strength[i];
        if i != k && pb.stage[i] & pb.stage[k] == 0 {
            v.push(Violation::Stage { point: i, median: k });
        }
        if let Some(f) = pb.fixed_to[i]
            && f != k
        {
            v.push(Violation::Fixed { point: i, median: k });
        }
    }
    for (a, &k) in sol.medians.iter().enumerate() {
        if sol.assignment[k] != a {
            v.push(Violation::MedianNotSelf { median: k });
        }
        if !pb.can_lead[k] {
            v.push(Violation::NotEligible { median: k });
        }
        if load[a] > pb.capacity[k] + 1e-9 {
            v.push(Violation::OverCapacity { median: k, load: load[a], capacity: pb.capacity[k] });
        }
        if let Some(max) = pb.max_members
            && count[a] > max
        {
            v.push(Violation::TooMany { median: k, members: count[a], max });
        }
        if count[a] < pb.min_members {
            v.push(Violation::TooFew { median: k, members: count[a], min: pb.min_members });
        }
    }
    for i in (0..n).filter(|&i| pb.must_lead[i]) {
        if !sol.medians.contains(&i) {
            v.push(Violation::DesignatedNotLead { point: i });
        }
    }
    for &(a, b) in &pb.forbidden {
        if sol.assignment[a] == sol.assignment[b] {
            v.push(Violation::Forbidden { a, b });
        }
    }
    let imbalance = imbalance(pb, &count, &ssum);
    let objective = cost + pb.balance_weight * imbalance;
    Evaluation { travel, longest, moves, imbalance, objective, violations: v }
}

/// The mean strength every cluster is measured against: the mean over all points.
pub fn mean_strength(pb: &Problem) -> f64 {
    pb.strength.iter().sum::<f64>() / pb.n().max(1) as f64
}

fn imbalance(pb: &Problem, count: &[usize], ssum: &[f64]) -> f64 {
    let mu = mean_strength(pb);
    count.iter().zip(ssum).filter(|(c, _)| **c > 0).map(|(&c, &s)| (s / c as f64 - mu).powi(2)).sum()
}
