//! The planner against brute force on random tiny instances: every assignment of the eligible
//! teachers (stay, or move to a school within reach) is tried; the planner's plan keeps every
//! rule, its objective is recomputed from its moves, it is never worse than the best of brute
//! force when it meets the quotas too, and when it claims a proof it equals the best. (A plan
//! may fall short of a quota that only fewer moves would meet; it says so, and is not proven.)

use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};
use xuequ_rotate::{Input, Move, School, Teacher, evaluate, solve};

const SUBJECTS: [&str; 2] = ["数学", "体育"];

fn instance() -> impl Strategy<Value = Input> {
    let school = (0.0f64..30.0, 0.0f64..30.0, any::<bool>(), 0u32..3, 0u32..3);
    let teacher = (0usize..4, 0usize..2, prop::bool::weighted(0.7), prop::bool::weighted(0.3));
    (prop::collection::vec(school, 2..5), prop::collection::vec(teacher, 1..8), 5.0f64..40.0, 1.0f64..60.0, 0.0f64..0.6, 0.0f64..0.6)
        .prop_map(|(schools, teachers, max_km, weight, quota, share)| {
            let n = schools.len();
            Input {
                max_km,
                quota,
                backbone_share: share,
                shortage_weight: weight,
                cross_cluster_km: 0.0,
                no_swaps: false,
                schools: schools
                    .into_iter()
                    .enumerate()
                    .map(|(i, (x, y, sending, a, b))| School {
                        id: i as i64 + 1,
                        x_km: x,
                        y_km: y,
                        sending,
                        need: BTreeMap::from([(SUBJECTS[0].to_string(), a), (SUBJECTS[1].to_string(), b)]),
                        cluster: None,
                    })
                    .collect(),
                teachers: teachers
                    .into_iter()
                    .enumerate()
                    .map(|(i, (s, sub, eligible, backbone))| Teacher {
                        id: 100 + i as i64,
                        school: (s % n) as i64 + 1,
                        subject: SUBJECTS[sub].to_string(),
                        eligible,
                        backbone,
                    })
                    .collect(),
            }
        })
}

/// Whether the moves keep every rule: eligible teachers, once each, within reach, and every
/// school and subject between what it needs and what it had.
fn keeps_the_rules(input: &Input, moves: &[Move]) -> bool {
    let at: HashMap<i64, &School> = input.schools.iter().map(|s| (s.id, s)).collect();
    let mut count: HashMap<(i64, &str), i64> = HashMap::new();
    for t in &input.teachers {
        *count.entry((t.school, t.subject.as_str())).or_default() += 1;
    }
    let before = count.clone();
    let mut seen = std::collections::HashSet::new();
    for m in moves {
        let Some(t) = input.teachers.iter().find(|t| t.id == m.teacher) else { return false };
        let km = ((at[&m.from].x_km - at[&m.to].x_km).powi(2) + (at[&m.from].y_km - at[&m.to].y_km).powi(2)).sqrt();
        if !t.eligible || t.school != m.from || m.from == m.to || km > input.max_km + 1e-9 || !seen.insert(t.id) || t.subject != m.subject {
            return false;
        }
        *count.entry((m.from, m.subject.as_str())).or_default() -= 1;
        *count.entry((m.to, m.subject.as_str())).or_default() += 1;
    }
    input.schools.iter().all(|s| {
        SUBJECTS.iter().all(|sub| {
            let need = *s.need.get(*sub).unwrap_or(&0) as i64;
            let have = before.get(&(s.id, *sub)).copied().unwrap_or(0);
            let now = count.get(&(s.id, *sub)).copied().unwrap_or(0);
            need.min(have) <= now && now <= need.max(have)
        })
    })
}

fn quotas_met(input: &Input, moves: &[Move]) -> bool {
    let (_, required) = input.required_moves();
    let sending: HashMap<i64, bool> = input.schools.iter().map(|s| (s.id, s.sending)).collect();
    let backbone = moves.iter().filter(|m| input.teachers.iter().any(|t| t.id == m.teacher && t.backbone)).count();
    moves.iter().filter(|m| sending[&m.from]).count() >= required && backbone as f64 >= input.backbone_share * moves.len() as f64 - 1e-9
}

/// The best objective over every assignment: without quotas, and with them (if any meets them).
fn brute_force(input: &Input) -> (f64, Option<f64>) {
    let eligible: Vec<&Teacher> = input.teachers.iter().filter(|t| t.eligible).collect();
    let options: Vec<Vec<Option<&School>>> = eligible
        .iter()
        .map(|t| std::iter::once(None).chain(input.schools.iter().filter(|s| s.id != t.school).map(Some)).collect())
        .collect();
    let (mut free, mut quota) = (f64::INFINITY, None::<f64>);
    let mut choice = vec![0usize; eligible.len()];
    loop {
        let moves: Vec<Move> = eligible
            .iter()
            .zip(&choice)
            .zip(&options)
            .filter_map(|((t, &c), places)| {
                let to = places[c]?;
                let from = input.schools.iter().find(|s| s.id == t.school).unwrap();
                let km = ((from.x_km - to.x_km).powi(2) + (from.y_km - to.y_km).powi(2)).sqrt();
                Some(Move { teacher: t.id, from: t.school, to: to.id, subject: t.subject.clone(), km })
            })
            .collect();
        if keeps_the_rules(input, &moves) {
            let value = evaluate(input, &moves);
            free = free.min(value);
            if quotas_met(input, &moves) {
                quota = Some(quota.map_or(value, |q: f64| q.min(value)));
            }
        }
        // Next assignment, like an odometer.
        let mut i = 0;
        loop {
            if i == choice.len() {
                return (free, quota);
            }
            choice[i] += 1;
            if choice[i] < options[i].len() {
                break;
            }
            choice[i] = 0;
            i += 1;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_plan_keeps_the_rules_and_matches_brute_force(input in instance()) {
        let plan = solve(&input).unwrap();
        prop_assert!(keeps_the_rules(&input, &plan.moves), "{plan:?}");
        prop_assert!((plan.objective - evaluate(&input, &plan.moves)).abs() < 1e-6);
        let (free, with_quota) = brute_force(&input);
        // The quota-free optimum is exact: it is the lower bound.
        prop_assert!((plan.lower_bound - free).abs() < 1e-6, "bound {} vs brute force {}", plan.lower_bound, free);
        let met = plan.quota.moves_short == 0 && plan.quota.backbone_short == 0;
        prop_assert_eq!(met, quotas_met(&input, &plan.moves));
        if let (Some(best), true) = (with_quota, met) {
            prop_assert!(plan.objective >= best - 1e-6);
            if plan.proven_optimal {
                prop_assert!((plan.objective - best).abs() < 1e-6, "claimed optimal {} but {} exists", plan.objective, best);
            }
        }
    }

    /// The platform's rule: no two teachers of one subject trade places between the same two
    /// schools. The plan still keeps every rule, says truly whether it meets the quotas, is
    /// never better than brute force allows, and starts from the same exact lower bound.
    #[test]
    fn without_swaps_no_two_teachers_of_a_subject_trade_places(input in instance()) {
        let input = Input { no_swaps: true, ..input };
        let plan = solve(&input).unwrap();
        prop_assert!(keeps_the_rules(&input, &plan.moves), "{plan:?}");
        prop_assert!(no_swap(&plan.moves), "{plan:?}");
        let (free, with_quota) = brute_force(&input);
        prop_assert!((plan.lower_bound - free).abs() < 1e-6);
        let met = plan.quota.moves_short == 0 && plan.quota.backbone_short == 0;
        prop_assert_eq!(met, quotas_met(&input, &plan.moves));
        if let (Some(best), true) = (with_quota, met) {
            prop_assert!(plan.objective >= best - 1e-6);
        }
    }

    /// The same subject planned in two sections (as the platform plans 九年一贯制 schools) is
    /// still one subject for the rule: what the quotas add never sends 数学 B → A in one
    /// section against 数学 A → B in the other. (Shortages of each section may still be filled
    /// both ways: a junior teacher where junior classes lack one, a primary one back.)
    #[test]
    fn without_swaps_a_subject_in_two_sections_does_not_trade_places(input in instance()) {
        let section = |s: &str| if s == SUBJECTS[0] { "数学@primary".to_string() } else { "数学@junior".to_string() };
        let mut input = Input { no_swaps: true, ..input };
        for s in &mut input.schools {
            s.need = s.need.iter().map(|(k, v)| (section(k), *v)).collect();
        }
        for t in &mut input.teachers {
            t.subject = section(&t.subject);
        }
        let plan = solve(&input).unwrap();
        prop_assert!(keeps_the_rules(&input, &plan.moves), "{plan:?}");
        let filled = solve(&Input { quota: 0.0, backbone_share: 0.0, ..input.clone() }).unwrap();
        let mut by_flow: HashMap<(i64, i64, String), usize> = HashMap::new();
        for m in &filled.moves {
            *by_flow.entry((m.from, m.to, m.subject.clone())).or_default() += 1;
        }
        let mut added = Vec::new();
        for m in &plan.moves {
            match by_flow.get_mut(&(m.from, m.to, m.subject.clone())) {
                Some(n) if *n > 0 => *n -= 1,
                _ => added.push(m),
            }
        }
        let base = |m: &Move| m.subject.split('@').next().unwrap_or_default().to_string();
        for m in added {
            let back = plan.moves.iter().any(|n| base(n) == base(m) && (n.from, n.to) == (m.to, m.from));
            prop_assert!(!back, "a quota move trades places: {m:?} in {plan:?}");
        }
    }
}

/// Whether no move of a subject goes back along another move of that subject (a subject in a
/// section, `数学@primary`, being the subject `数学`).
fn no_swap(moves: &[Move]) -> bool {
    let base = |m: &Move| m.subject.split('@').next().unwrap_or_default().to_string();
    moves.iter().all(|m| !moves.iter().any(|n| base(n) == base(m) && (n.from, n.to) == (m.to, m.from)))
}

#[test]
fn without_swaps_the_quota_is_met_by_a_ring_of_three_schools() {
    // Three schools 5 km apart each need the one 数学 teacher they have; school 1 sends and
    // must rotate one. Published model: 1 and its nearest trade places. Without swaps: a
    // ring 1 → 2 → 3 → 1.
    let school = |id: i64, x: f64, y: f64| School {
        id,
        x_km: x,
        y_km: y,
        sending: id == 1,
        need: BTreeMap::from([("数学".to_string(), 1)]),
        cluster: None,
    };
    let teacher = |id: i64, school: i64| Teacher { id, school, subject: "数学".into(), eligible: true, backbone: false };
    let input = Input {
        max_km: 20.0,
        quota: 1.0,
        backbone_share: 0.0,
        shortage_weight: 100.0,
        cross_cluster_km: 0.0,
        no_swaps: false,
        schools: vec![school(1, 0.0, 0.0), school(2, 5.0, 0.0), school(3, 2.5, 4.33)],
        teachers: vec![teacher(10, 1), teacher(20, 2), teacher(30, 3)],
    };
    let swapped = solve(&input).unwrap();
    assert_eq!(swapped.moves.len(), 2, "{swapped:?}");
    assert!(!no_swap(&swapped.moves));
    let ring = solve(&Input { no_swaps: true, ..input }).unwrap();
    assert_eq!(ring.moves.len(), 3, "{ring:?}");
    assert!(no_swap(&ring.moves));
    assert_eq!(ring.quota.moves_short, 0);
    let mut to: Vec<(i64, i64)> = ring.moves.iter().map(|m| (m.from, m.to)).collect();
    to.sort();
    assert!(to == vec![(1, 2), (2, 3), (3, 1)] || to == vec![(1, 3), (2, 1), (3, 2)], "{to:?}");
}

#[test]
fn a_shortage_is_filled_from_the_nearest_surplus_and_a_covered_subject_is_kept() {
    let school = |id: i64, x: f64, sending: bool, need: u32| School {
        id,
        x_km: x,
        y_km: 0.0,
        sending,
        need: BTreeMap::from([("体育".to_string(), need)]),
        cluster: None,
    };
    let teacher = |id: i64, school: i64| Teacher { id, school, subject: "体育".into(), eligible: true, backbone: false };
    let input = Input {
        max_km: 20.0,
        quota: 0.0,
        backbone_share: 0.0,
        shortage_weight: 100.0,
        cross_cluster_km: 0.0,
        no_swaps: false,
        // School 1 has 3 PE teachers for 1 needed; school 2 (5 km) and school 3 (30 km, out of
        // reach) have none for 1 needed; school 4 has exactly what it needs and keeps it.
        schools: vec![school(1, 0.0, true, 1), school(2, 5.0, false, 1), school(3, 30.0, false, 1), school(4, 2.0, false, 1)],
        teachers: vec![teacher(10, 1), teacher(11, 1), teacher(12, 1), teacher(40, 4)],
    };
    let plan = solve(&input).unwrap();
    assert_eq!(plan.moves.len(), 1, "{plan:?}");
    assert_eq!((plan.moves[0].from, plan.moves[0].to), (1, 2));
    assert_eq!(plan.unfilled.len(), 1);
    assert_eq!((plan.unfilled[0].school, plan.unfilled[0].reason), (3, "no_teacher_within_reach"));
    assert!((plan.objective - (100.0 + 5.0)).abs() < 1e-9);
    assert!(plan.proven_optimal);
}
