//! The planner's behaviour: exact on tiny instances (checked against brute force), every rule
//! held on random ones, the literature's optimum on an OR-Library instance, determinism.

use std::time::Duration;

use proptest::prelude::*;

use crate::schools::{self, LeadRule, Rules, SchoolPoint};
use crate::*;

pub(crate) fn quick(seed: u64) -> Options {
    Options { seed, time_limit: Duration::from_secs(20), stall: 600, threads: 2 }
}

pub(crate) fn no_progress() -> impl Fn(f64, f64) + Sync {
    |_, _| {}
}

/// The optimum by enumeration: every set of p medians, every assignment of the others.
pub(crate) fn brute_force(pb: &Problem) -> Option<f64> {
    let n = pb.n();
    let p = pb.p.expect("p given");
    let mut best: Option<f64> = None;
    for mask in 0u32..(1 << n) {
        if mask.count_ones() as usize != p {
            continue;
        }
        let medians: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        let others: Vec<usize> = (0..n).filter(|i| mask & (1 << i) == 0).collect();
        let mut choice = vec![0usize; others.len()];
        loop {
            let mut assignment = vec![0; n];
            for (a, &m) in medians.iter().enumerate() {
                assignment[m] = a;
            }
            for (o, &i) in others.iter().enumerate() {
                assignment[i] = choice[o];
            }
            let e = evaluate(pb, &Solution { medians: medians.clone(), assignment });
            if e.feasible() && best.is_none_or(|b| e.objective < b) {
                best = Some(e.objective);
            }
            // Next assignment (odometer over p choices per point).
            let mut k = 0;
            while k < choice.len() {
                choice[k] += 1;
                if choice[k] < p {
                    break;
                }
                choice[k] = 0;
                k += 1;
            }
            if k == choice.len() {
                break;
            }
        }
    }
    best
}

pub(crate) fn instance(points: &[(f64, f64, f64)], p: usize, capacity: f64) -> Problem {
    Problem::cpmp(
        Metric::Euclidean(points.iter().map(|&(x, y, _)| (x, y)).collect()),
        p,
        points.iter().map(|&(_, _, d)| d).collect(),
        vec![capacity; points.len()],
    )
}

fn point() -> impl Strategy<Value = (f64, f64, f64)> {
    (0.0..100.0f64, 0.0..100.0f64, 1.0..20.0f64)
}

proptest! {
    // Enumeration makes each case cheap: many cases find the rare tight instance.
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// On instances small enough to enumerate, the solver finds the optimum.
    #[test]
    fn tiny_instances_are_solved_to_optimality(points in prop::collection::vec(point(), 6..=8), p in 2usize..=3, slack in 1.05f64..1.6) {
        let total: f64 = points.iter().map(|x| x.2).sum();
        let pb = instance(&points, p, (total / p as f64 * slack).ceil());
        let out = solve(&pb, &quick(7), &no_progress());
        match (brute_force(&pb), out) {
            (Some(opt), Ok(out)) => {
                prop_assert!(out.evaluation.feasible(), "{:?}", out.evaluation.violations);
                prop_assert!((out.evaluation.objective - opt).abs() < 1e-6, "solver {} optimum {}", out.evaluation.objective, opt);
            }
            (None, Err(SolveError::Infeasible(_))) => {}
            (opt, out) => prop_assert!(false, "brute force {:?}, solver {:?}", opt, out.map(|o| o.evaluation.objective)),
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// Every school is assigned once, to an eligible lead of a compatible stage, within the caps;
    /// fixed pairs stay together, forbidden pairs apart; the reported travel is the recomputed one.
    #[test]
    fn school_plans_keep_every_rule(
        seeds in prop::collection::vec((0.0..1.0f64, 0.0..1.0f64, 0u8..3, 50.0..900.0f64, 0.0..100.0f64), 25..70),
        cap in 4usize..=10,
        weight in 0.0..5.0f64,
    ) {
        let schools: Vec<SchoolPoint> = seeds.iter().map(|&(a, b, st, students, strength)| SchoolPoint {
            lat: 34.0 + a * 0.8, lon: 110.0 + b * 0.8,
            stage: [PRIMARY, JUNIOR, ANY_STAGE][st as usize], students, strength, current: None, designated: false,
        }).collect();
        let rules = Rules {
            max_schools: cap, min_schools: 1, lead_rule: LeadRule::TopPercent(40.0), balance_weight: weight,
            fixed: vec![(0, 1)], forbidden: vec![(2, 3), (4, 5)],
            ..Rules::default()
        };
        // Put the fixed pair on one stage so the pair is possible.
        let mut schools = schools;
        schools[1].stage = schools[0].stage;
        match schools::plan(&schools, &rules, &quick(3), &no_progress()) {
            Ok((sol, m)) => {
                prop_assert!(m.violations.is_empty(), "{:?}", m.violations);
                prop_assert_eq!(sol.assignment.len(), schools.len());
                let eligible = schools::eligible(&schools, &rules.lead_rule);
                for (i, &a) in sol.assignment.iter().enumerate() {
                    let lead = sol.medians[a];
                    prop_assert!(eligible[lead] || lead == 0);
                    prop_assert!(i == lead || schools[i].stage & schools[lead].stage != 0);
                    prop_assert_eq!(sol.assignment[lead], a);
                }
                for a in 0..sol.medians.len() {
                    prop_assert!(sol.assignment.iter().filter(|&&x| x == a).count() <= cap);
                }
                prop_assert_eq!(sol.assignment[1], sol.assignment[0]);
                prop_assert_ne!(sol.assignment[2], sol.assignment[3]);
                let travel: f64 = sol.assignment.iter().enumerate()
                    .map(|(i, &a)| metric::haversine_km((schools[i].lat, schools[i].lon), (schools[sol.medians[a]].lat, schools[sol.medians[a]].lon)))
                    .sum();
                prop_assert!((travel - m.total).abs() < 1e-6);
            }
            // Random stages can leave junior schools with no eligible junior lead: then the error says so.
            Err(SolveError::Infeasible(why)) => prop_assert!(!why.is_empty()),
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}

#[test]
fn or_library_instance_at_its_optimum() {
    let text = std::fs::read_to_string("../../../shared/bench/cpmp/orlib/cpmp01.txt").expect("benchmark data next to the repository");
    let pb = Problem::parse_cpmp(&text, Convention::EuclideanFloor).unwrap();
    let out = solve(&pb, &Options { time_limit: Duration::from_secs(10), ..quick(1) }, &no_progress()).unwrap();
    assert!(out.evaluation.feasible());
    assert_eq!(out.evaluation.travel, 713.0, "OR-Library cpmp01 has the proven optimum 713");
}

#[test]
fn the_same_seed_gives_the_same_plan() {
    let points: Vec<(f64, f64, f64)> = (0..60).map(|i| (((i * 37) % 101) as f64, ((i * 53) % 97) as f64, (1 + i % 9) as f64)).collect();
    let pb = instance(&points, 6, 60.0);
    let a = solve(&pb, &quick(11), &no_progress()).unwrap();
    let b = solve(&pb, &quick(11), &no_progress()).unwrap();
    assert!(!a.timed_out);
    assert_eq!(a.solution, b.solution);
}

#[test]
fn parse_errors_name_the_line() {
    let err = Problem::parse_cpmp("3 1\n0 0 10 1\n1 x 10 1\n2 2 10 1\n", Convention::Euclidean).unwrap_err();
    assert_eq!(err.to_string(), "line 3: `x` is not a number");
    let err = Problem::parse_cpmp("3 1\n0 0 10 1\n", Convention::Euclidean).unwrap_err();
    assert_eq!(err.to_string(), "line 1: the header promises 3 points, the file has 1");
    let err = Problem::parse_cpmp("2 1\n0 0 10\n1 1 10 1\n", Convention::Euclidean).unwrap_err();
    assert_eq!(err.to_string(), "line 2: expected `x y capacity demand`, found 3 numbers");
}

#[test]
fn a_plan_that_cannot_fit_says_why() {
    let pb = instance(&[(0.0, 0.0, 10.0), (1.0, 0.0, 10.0), (2.0, 0.0, 10.0)], 1, 15.0);
    let err = solve(&pb, &quick(1), &no_progress()).unwrap_err();
    assert!(matches!(err, SolveError::Infeasible(_)), "{err:?}");
}

/// Two towns, each with a strong and a weak school pair; with no balance weight each town keeps
/// its own schools, with a heavy one the plan mixes strength across towns.
fn two_towns() -> Vec<SchoolPoint> {
    let s = |lat: f64, strength: f64| SchoolPoint {
        lat,
        lon: 110.0,
        stage: PRIMARY,
        students: 300.0,
        strength,
        current: None,
        designated: false,
    };
    vec![s(34.00, 90.0), s(34.01, 85.0), s(34.02, 80.0), s(34.30, 40.0), s(34.31, 30.0), s(34.32, 35.0), s(34.33, 95.0), s(34.03, 20.0)]
}

#[test]
fn fewest_clusters_by_default_and_balance_narrows_the_spread() {
    let schools = two_towns();
    let rules = Rules { max_schools: 4, min_schools: 2, lead_rule: LeadRule::Threshold(80.0), balance_weight: 0.0, ..Rules::default() };
    let (plain, m0) = schools::plan(&schools, &rules, &quick(1), &no_progress()).unwrap();
    assert_eq!(plain.medians.len(), 2, "8 schools at 4 per cluster need 2 clusters");
    let balanced = Rules { balance_weight: 50.0, ..rules };
    let (_, m1) = schools::plan(&schools, &balanced, &quick(1), &no_progress()).unwrap();
    assert!(m1.spread < m0.spread, "spread {} with balance, {} without", m1.spread, m0.spread);
    assert!(m1.total > m0.total, "balance costs travel");
}

#[test]
fn stages_stay_apart_unless_mixed() {
    let mut schools = two_towns();
    schools[3].stage = JUNIOR;
    schools[6].stage = JUNIOR;
    let rules = Rules { max_schools: 6, min_schools: 1, lead_rule: LeadRule::Threshold(80.0), ..Rules::default() };
    let (sol, m) = schools::plan(&schools, &rules, &quick(1), &no_progress()).unwrap();
    assert!(m.violations.is_empty());
    assert_eq!(sol.assignment[3], sol.assignment[6], "the junior school joins the junior lead");
    assert_ne!(sol.assignment[3], sol.assignment[4]);
}

#[test]
fn a_move_penalty_keeps_todays_clusters() {
    let mut schools = two_towns();
    // Today: the clusters are mixed across towns (a strange but feasible plan).
    for (i, c) in [0, 1, 0, 1, 0, 1, 1, 0].iter().enumerate() {
        schools[i].current = Some(*c);
    }
    let rules = Rules { max_schools: 4, min_schools: 2, lead_rule: LeadRule::Threshold(80.0), balance_weight: 0.0, ..Rules::default() };
    let (_, afresh) = schools::plan(&schools, &rules, &quick(1), &no_progress()).unwrap();
    assert!(afresh.moved > 0);
    let keep = Rules { move_penalty_km: 1000.0, ..rules };
    let (_, kept) = schools::plan(&schools, &keep, &quick(1), &no_progress()).unwrap();
    assert_eq!(kept.moved, 0);
}

/// A tight instance (capacity 6.5 % above the mean load) that once left the search at a local
/// optimum 5 % above the true one: found by the property test above on CI.
#[test]
fn a_tight_tiny_instance_reaches_its_optimum() {
    let points = [
        (27.52783901961392, 38.90251367429777, 14.185099945325634),
        (19.43499178039966, 87.75915528596742, 17.958071741080374),
        (76.60013508122343, 22.026225854498872, 11.341812084394691),
        (8.94314447479605, 53.741883905534394, 1.0),
        (0.0, 0.0, 18.303281601422576),
        (84.14406469026522, 0.0, 15.746183692680573),
        (76.17812493832278, 40.48209606694565, 11.36844324586965),
        (89.80925643803359, 13.238486121022994, 4.46505821698535),
    ];
    let total: f64 = points.iter().map(|x| x.2).sum();
    reaches_optimum_from_every_seed(&instance(&points, 2, (total / 2.0 * 1.065135901929772).ceil()));
}

fn reaches_optimum_from_every_seed(pb: &Problem) {
    let opt = brute_force(pb).expect("feasible");
    for seed in 0..20 {
        let out = solve(pb, &quick(seed), &no_progress()).unwrap();
        assert!((out.evaluation.objective - opt).abs() < 1e-6, "seed {seed}: solver {} optimum {opt}", out.evaluation.objective);
    }
}

/// Replacing a median here displaces points that fit nowhere around the others: found by the
/// property test when kicks gave up instead of assigning every point afresh.
#[test]
fn kicks_reassign_when_displaced_points_do_not_fit() {
    let points = [
        (8.987059276066578, 42.21846220089788, 11.8634074918375),
        (83.97182099875747, 26.097081551282248, 19.038674287415326),
        (15.43593373160339, 61.98949047628609, 8.269360899866664),
        (83.4693392486647, 80.53819780406819, 16.887857857048996),
        (25.43724877145479, 62.265963232550305, 9.546396041751299),
        (81.17676644997415, 65.70648492368895, 7.46097626351235),
    ];
    let total: f64 = points.iter().map(|x| x.2).sum();
    reaches_optimum_from_every_seed(&instance(&points, 2, (total / 2.0 * 1.0938979396050532).ceil()));
}

/// Two clusters of capacity 39 for loads that fit only as {15.4, 15.5, 1.0} and {12.8, 14.2,
/// 11.8}: greedy insertion in any order strands a point, the repair finds the partition.
#[test]
fn capacities_that_only_a_partition_fits_are_met() {
    let points = [
        (83.44180045888673, 79.18569810747329, 12.828634509100613),
        (86.75511792654042, 74.15719656838809, 15.415837856646897),
        (0.0, 0.0, 15.517734989774166),
        (0.0, 39.5873271367675, 14.180658763978371),
        (61.40574168830068, 19.50731449946657, 11.82003344149961),
        (85.69029975830993, 30.9188910883253, 1.0),
    ];
    reaches_optimum_from_every_seed(&instance(&points, 2, 39.0));
}

/// A point heavier than any capacity cannot be placed, not even as a lead of its own.
#[test]
fn a_point_heavier_than_every_capacity_makes_the_plan_infeasible() {
    let pb = instance(&[(0.0, 0.0, 20.0), (1.0, 0.0, 1.0), (2.0, 0.0, 1.0), (3.0, 0.0, 1.0)], 2, 13.0);
    assert!(brute_force(&pb).is_none());
    let err = solve(&pb, &quick(1), &no_progress()).unwrap_err();
    assert!(matches!(err, SolveError::Infeasible(_)), "{err:?}");
}
