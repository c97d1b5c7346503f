//! The school planner: a county's schools and the bureau's rules turned into a [`Problem`], and
//! the measures by which plans are compared (travel, strength spread, schools moved).

use serde::{Deserialize, Serialize};

use crate::metric::Metric;
use crate::problem::{ANY_STAGE, Problem};
use crate::search::{Options, ProgressFn, SolveError, solve};
use crate::solution::{Evaluation, Solution, Violation, evaluate};

/// A school as the planner sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SchoolPoint {
    pub lat: f64,
    pub lon: f64,
    /// Stage mask: [`crate::PRIMARY`], [`crate::JUNIOR`], or both for 九年一贯制.
    pub stage: u8,
    pub students: f64,
    /// Strength on a 0–100 scale.
    pub strength: f64,
    /// Current cluster (any stable label), for re-planning and for counting moves.
    pub current: Option<u32>,
    /// Designated by the bureau as a lead.
    pub designated: bool,
}

/// Who may lead a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", content = "value", rename_all = "snake_case")]
pub enum LeadRule {
    /// Strength at least this.
    Threshold(f64),
    /// The strongest x % of schools.
    TopPercent(f64),
    /// Only schools the bureau designated.
    Designated,
}

/// The bureau's rules for a plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rules {
    /// Clusters wanted; `None` = the fewest that satisfy the capacities.
    pub clusters: Option<usize>,
    /// Most schools per cluster, the lead included (学区: 10).
    pub max_schools: usize,
    pub min_schools: usize,
    /// Most students per cluster, if capped.
    pub max_students: Option<f64>,
    pub lead_rule: LeadRule,
    /// 初中+小学 mode: primary and junior schools may share a cluster.
    pub mixed_stages: bool,
    /// (lead, member) pairs to keep together; the lead becomes a designated lead.
    pub fixed: Vec<(usize, usize)>,
    /// Pairs that must not be in one cluster.
    pub forbidden: Vec<(usize, usize)>,
    /// Weight of the strength spread against kilometres travelled.
    pub balance_weight: f64,
    /// Kilometres a school's move out of its current cluster is worth (0: plan afresh).
    pub move_penalty_km: f64,
    /// Optional travel matrix (minutes or road km), row-major n × n; great-circle km otherwise.
    pub travel: Option<Vec<f64>>,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            clusters: None,
            max_schools: 10,
            min_schools: 2,
            max_students: None,
            lead_rule: LeadRule::TopPercent(20.0),
            mixed_stages: false,
            fixed: Vec::new(),
            forbidden: Vec::new(),
            balance_weight: 1.0,
            move_penalty_km: 0.0,
            travel: None,
        }
    }
}

/// Which schools the lead rule makes eligible.
pub fn eligible(schools: &[SchoolPoint], rule: &LeadRule) -> Vec<bool> {
    match rule {
        LeadRule::Threshold(t) => schools.iter().map(|s| s.strength >= *t).collect(),
        LeadRule::Designated => schools.iter().map(|s| s.designated).collect(),
        LeadRule::TopPercent(pct) => {
            let mut sorted: Vec<f64> = schools.iter().map(|s| s.strength).collect();
            sorted.sort_unstable_by(|a, b| b.total_cmp(a));
            let take = ((sorted.len() as f64 * pct / 100.0).ceil() as usize).clamp(1, sorted.len().max(1));
            let cut = sorted.get(take - 1).copied().unwrap_or(f64::INFINITY);
            schools.iter().map(|s| s.strength >= cut).collect()
        }
    }
}

/// The planning problem for these schools under these rules.
pub fn problem(schools: &[SchoolPoint], rules: &Rules) -> Problem {
    let n = schools.len();
    let metric = match &rules.travel {
        Some(values) => Metric::Matrix { n, values: values.clone() },
        None => Metric::GreatCircle(schools.iter().map(|s| (s.lat, s.lon)).collect()),
    };
    let mut pb = Problem::cpmp(
        metric,
        rules.clusters.unwrap_or(1),
        schools.iter().map(|s| s.students).collect(),
        vec![rules.max_students.unwrap_or(f64::INFINITY); n],
    );
    pb.p = rules.clusters;
    pb.max_members = Some(rules.max_schools);
    pb.min_members = rules.min_schools;
    pb.can_lead = eligible(schools, &rules.lead_rule);
    pb.stage = schools.iter().map(|s| if rules.mixed_stages { ANY_STAGE } else { s.stage }).collect();
    for &(lead, member) in &rules.fixed {
        if lead < n && member < n {
            pb.must_lead[lead] = true;
            pb.can_lead[lead] = true;
            pb.fixed_to[member] = Some(lead);
        }
    }
    pb.forbidden = rules.forbidden.clone();
    pb.current = schools.iter().map(|s| s.current).collect();
    pb.move_penalty = rules.move_penalty_km;
    pb.strength = schools.iter().map(|s| s.strength).collect();
    pb.balance_weight = rules.balance_weight;
    pb
}

/// Plans clusters for the schools.
pub fn plan(schools: &[SchoolPoint], rules: &Rules, options: &Options, progress: ProgressFn) -> Result<(Solution, Measures), SolveError> {
    let pb = problem(schools, rules);
    let out = solve(&pb, options, progress)?;
    let measures = measure(schools, rules, &out.solution);
    Ok((out.solution, measures))
}

/// What a plan (or today's clusters) looks like by the measures the bureau compares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measures {
    pub clusters: usize,
    /// Sum over schools of the distance to their lead (km, or the travel matrix's unit).
    pub total: f64,
    pub longest: f64,
    /// Highest minus lowest cluster mean strength.
    pub spread: f64,
    /// Standard deviation of the cluster mean strengths.
    pub spread_sd: f64,
    /// Schools whose lead is not in their current cluster.
    pub moved: usize,
    /// Rules the plan breaks (a plan edited by hand may break some).
    pub violations: Vec<Violation>,
}

pub fn measure(schools: &[SchoolPoint], rules: &Rules, sol: &Solution) -> Measures {
    let mut pb = problem(schools, rules);
    // A plan is measured as it is: its own number of clusters, no penalty in the travel figure.
    pb.p = None;
    pb.move_penalty = 0.0;
    let e: Evaluation = evaluate(&pb, sol);
    let (range, sd) = spread(&cluster_means(schools, sol));
    let moved = sol.assignment.iter().enumerate().filter(|&(i, &a)| moved_school(schools, i, sol.medians[a])).count();
    Measures {
        clusters: sol.medians.len(),
        total: e.travel,
        longest: e.longest,
        spread: range,
        spread_sd: sd,
        moved,
        violations: e.violations,
    }
}

/// The range (highest − lowest) and the standard deviation of cluster mean strengths.
pub fn spread(means: &[f64]) -> (f64, f64) {
    if means.is_empty() {
        return (0.0, 0.0);
    }
    let (lo, hi) = means.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &m| (lo.min(m), hi.max(m)));
    let avg = means.iter().sum::<f64>() / means.len() as f64;
    let sd = (means.iter().map(|m| (m - avg).powi(2)).sum::<f64>() / means.len() as f64).sqrt();
    (hi - lo, sd)
}

/// Mean strength of each cluster of the solution.
pub fn cluster_means(schools: &[SchoolPoint], sol: &Solution) -> Vec<f64> {
    let mut sum = vec![0.0; sol.medians.len()];
    let mut count = vec![0usize; sol.medians.len()];
    for (i, &a) in sol.assignment.iter().enumerate() {
        sum[a] += schools[i].strength;
        count[a] += 1;
    }
    sum.iter().zip(&count).filter(|(_, c)| **c > 0).map(|(s, &c)| s / c as f64).collect()
}

/// A school has moved when its lead is not in the cluster the school is in today (the same rule
/// the re-planning penalty charges).
pub fn moved_school(schools: &[SchoolPoint], school: usize, lead: usize) -> bool {
    match schools[school].current {
        Some(c) => school != lead && schools[lead].current != Some(c),
        None => false,
    }
}

/// A synthetic province for the scale benchmark: `n` schools in towns scattered over about
/// 300 × 300 km, most primary, a quarter junior, a few nine-year; strength and size vary. Fixed
/// by the seed so that every run plans the same province.
pub fn synthetic(n: usize, seed: u64) -> Vec<SchoolPoint> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let towns: Vec<(f64, f64)> =
        (0..(n / 12).max(1)).map(|_| (30.0 + rng.random::<f64>() * 2.7, 110.0 + rng.random::<f64>() * 3.2)).collect();
    (0..n)
        .map(|_| {
            let (lat, lon) = towns[rng.random_range(0..towns.len())];
            let stage = match rng.random_range(0..100) {
                0..70 => crate::PRIMARY,
                70..95 => crate::JUNIOR,
                _ => crate::ANY_STAGE,
            };
            SchoolPoint {
                lat: lat + (rng.random::<f64>() - 0.5) * 0.12,
                lon: lon + (rng.random::<f64>() - 0.5) * 0.14,
                stage,
                students: rng.random_range(60.0..1800.0f64).round(),
                strength: rng.random_range(20.0..90.0f64),
                current: None,
                designated: false,
            }
        })
        .collect()
}
