//! The planner against a MIP of the model on small random instances: the MIP's optimum
//! (with the quotas) bounds every plan that meets them from below, a plan that says it is
//! proven optimal must equal it, and when the MIP finds the quotas impossible the plan must
//! say it falls short.

use std::collections::HashMap;

use microlp::{ComparisonOp, OptimizationDirection, Problem};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xuequ_rotate::{Input, School, Teacher, solve};

const SUBJECTS: [&str; 3] = ["数学", "体育", "音乐"];

fn instance(seed: u64) -> Input {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.random_range(3..=7);
    let schools: Vec<School> = (0..n)
        .map(|i| School {
            id: i as i64 + 1,
            x_km: rng.random_range(0.0..30.0),
            y_km: rng.random_range(0.0..30.0),
            sending: rng.random_bool(0.4),
            need: SUBJECTS.iter().map(|s| (s.to_string(), rng.random_range(0..4))).collect(),
            cluster: None,
        })
        .collect();
    let teachers = (0..rng.random_range(8..=24))
        .map(|i| Teacher {
            id: 100 + i,
            school: rng.random_range(1..=n as i64),
            subject: SUBJECTS[rng.random_range(0..SUBJECTS.len())].to_string(),
            eligible: rng.random_bool(0.6),
            backbone: rng.random_bool(0.3),
        })
        .collect();
    Input {
        max_km: rng.random_range(8.0..30.0),
        quota: [0.0, 0.1, 0.3][rng.random_range(0..3)],
        backbone_share: [0.0, 0.2, 0.4][rng.random_range(0..3)],
        shortage_weight: rng.random_range(5.0..60.0),
        cross_cluster_km: 0.0,
        no_swaps: false,
        schools,
        teachers,
    }
}

fn km(a: &School, b: &School) -> f64 {
    ((a.x_km - b.x_km).powi(2) + (a.y_km - b.y_km).powi(2)).sqrt()
}

/// The model as a MIP: its optimum, or None when the quotas cannot be met.
fn mip(input: &Input) -> Option<f64> {
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let by_id: HashMap<i64, &School> = input.schools.iter().map(|s| (s.id, s)).collect();
    // x(t, j) for every eligible teacher and school within reach.
    let mut moves = Vec::new();
    for t in input.teachers.iter().filter(|t| t.eligible) {
        let mut mine = Vec::new();
        for j in input.schools.iter().filter(|j| j.id != t.school && km(by_id[&t.school], j) <= input.max_km + 1e-9) {
            mine.push((j.id, p.add_binary_var(km(by_id[&t.school], j))));
        }
        if !mine.is_empty() {
            p.add_constraint(mine.iter().map(|(_, x)| (*x, 1.0)), ComparisonOp::Le, 1.0);
        }
        moves.push((t, mine));
    }
    for s in &input.schools {
        for subject in SUBJECTS {
            let have = input.teachers.iter().filter(|t| t.school == s.id && t.subject == subject).count() as f64;
            let need = s.need.get(subject).copied().unwrap_or(0) as f64;
            // final = have − out + in, as terms over x.
            let mut terms = Vec::new();
            for (t, mine) in &moves {
                if t.subject != subject {
                    continue;
                }
                for (j, x) in mine {
                    if t.school == s.id {
                        terms.push((*x, -1.0));
                    } else if *j == s.id {
                        terms.push((*x, 1.0));
                    }
                }
            }
            // min(need, have) ≤ final ≤ max(need, have)
            p.add_constraint(terms.clone(), ComparisonOp::Le, need.max(have) - have);
            p.add_constraint(terms.clone(), ComparisonOp::Ge, need.min(have) - have);
            // shortage ≥ need − final
            let short = p.add_var(input.shortage_weight, (0.0, f64::INFINITY));
            p.add_constraint(terms.into_iter().chain([(short, 1.0)]), ComparisonOp::Ge, need - have);
        }
    }
    let sending: HashMap<i64, bool> = input.schools.iter().map(|s| (s.id, s.sending)).collect();
    let (_, required) = input.required_moves();
    let out_of_sending: Vec<_> =
        moves.iter().filter(|(t, _)| sending[&t.school]).flat_map(|(_, m)| m.iter().map(|(_, x)| (*x, 1.0))).collect();
    p.add_constraint(out_of_sending, ComparisonOp::Ge, required as f64);
    let share = input.backbone_share;
    let backbone: Vec<_> =
        moves.iter().flat_map(|(t, m)| m.iter().map(move |(_, x)| (*x, if t.backbone { 1.0 - share } else { -share }))).collect();
    p.add_constraint(backbone, ComparisonOp::Ge, 0.0);
    match p.solve() {
        Ok(outcome) => {
            assert!(outcome.is_optimal(), "small instances are solved to optimality");
            Some(outcome.solution().expect("an optimal solution").objective())
        }
        Err(microlp::Error::Infeasible) => None,
        Err(e) => panic!("the MIP failed: {e}"),
    }
}

#[test]
fn the_plan_meets_the_mip_optimum_or_says_how_far_it_may_be() {
    let (mut compared, mut proven, mut infeasible) = (0, 0, 0);
    let mut worst_gap: f64 = 0.0;
    for seed in 0..300 {
        let input = instance(seed);
        let plan = solve(&input).unwrap();
        let met = plan.quota.moves_short == 0 && plan.quota.backbone_short == 0;
        match mip(&input) {
            None => {
                infeasible += 1;
                assert!(!met, "seed {seed}: the MIP finds the quotas impossible, the plan claims them: {plan:?}");
            }
            Some(best) => {
                compared += 1;
                assert!(plan.lower_bound <= best + 1e-6, "seed {seed}: bound {} above the MIP's optimum {best}", plan.lower_bound);
                if met {
                    assert!(plan.objective >= best - 1e-6, "seed {seed}: {} beats the MIP's optimum {best}", plan.objective);
                    worst_gap = worst_gap.max(plan.objective - best);
                }
                if plan.proven_optimal {
                    proven += 1;
                    assert!((plan.objective - best).abs() < 1e-6, "seed {seed}: proven {} but the MIP finds {best}", plan.objective);
                }
            }
        }
    }
    println!(
        "{compared} compared with the MIP, {proven} proven optimal and equal, {infeasible} with impossible quotas; worst gap {worst_gap:.3}"
    );
    assert!(compared >= 150 && proven >= 100, "the sample should exercise the comparison: {compared} compared, {proven} proven");
}
