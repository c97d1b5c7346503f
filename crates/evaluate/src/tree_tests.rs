//! The tree's arithmetic, written out by hand.

use std::collections::{BTreeMap, HashMap};

use crate::default_tree::default_tree;
use crate::tree::*;

fn node(code: &str, weight: f64, children: Vec<Indicator>) -> Indicator {
    Indicator { code: code.into(), name_zh: code.into(), name_en: code.into(), weight, figure: None, rule: None, children }
}

fn leaf(code: &str, weight: f64, figure: &str, rule: Rule) -> Indicator {
    Indicator { figure: Some(figure.into()), rule: Some(rule), ..node(code, weight, vec![]) }
}

/// Two groups: A (60) with a linear leaf (50) and a scored leaf (50); B (40) with a target leaf
/// (70) and a rank leaf (30).
fn small() -> Tree {
    Tree {
        indicators: vec![
            node("A", 60.0, vec![leaf("A1", 50.0, "f.linear", Rule::Linear { zero: 50.0, full: 100.0 }), node("A2", 50.0, vec![])]),
            node(
                "B",
                40.0,
                vec![
                    leaf("B1", 70.0, "f.target", Rule::Target { target: 20.0, lower_is_better: false }),
                    leaf("B2", 30.0, "f.rank", Rule::Rank { lower_is_better: false }),
                ],
            ),
        ],
    }
}

fn inputs(figures: &[(&str, &[(i64, f64)])], scores: &[(i64, &str, f64)]) -> Inputs {
    Inputs {
        figures: figures.iter().map(|(k, v)| (k.to_string(), v.iter().copied().collect::<BTreeMap<_, _>>())).collect(),
        scores: scores.iter().map(|(u, c, s)| ((*u, c.to_string()), *s)).collect::<HashMap<_, _>>(),
    }
}

#[test]
fn a_total_is_the_hand_computed_weighted_sum() {
    let data = inputs(
        &[("f.linear", &[(1, 80.0), (2, 40.0)]), ("f.target", &[(1, 10.0), (2, 25.0)]), ("f.rank", &[(1, 7.0), (2, 3.0)])],
        &[(1, "A2", 90.0), (2, "A2", 70.0)],
    );
    let out = evaluate(&small(), &[1, 2], &data);
    // Unit 1: A1 = 100·(80−50)/(100−50) = 60; A2 = 90; A = 0.5·60 + 0.5·90 = 75.
    //         B1 = 100·10/20 = 50; B2 = first of two = 100; B = 0.7·50 + 0.3·100 = 65.
    //         total = 0.6·75 + 0.4·65 = 45 + 26 = 71.
    let one = &out[0];
    assert!((one.nodes["A1"].score.unwrap() - 60.0).abs() < 1e-9);
    assert!((one.nodes["A"].score.unwrap() - 75.0).abs() < 1e-9);
    assert!((one.nodes["B"].score.unwrap() - 65.0).abs() < 1e-9);
    assert!((one.total.unwrap() - 71.0).abs() < 1e-9);
    assert_eq!(one.nodes["A1"].raw, Some(80.0));
    // Unit 2: A1 = 40 is below the zero bound → 0; A2 = 70; A = 35.
    //         B1 = 25 ≥ 20 → 100; B2 = last of two = 0; B = 70.
    //         total = 0.6·35 + 0.4·70 = 21 + 28 = 49.
    let two = &out[1];
    assert!((two.total.unwrap() - 49.0).abs() < 1e-9);
    assert_eq!((one.rank, two.rank), (Some(1), Some(2)));
    assert!(one.missing.is_empty() && two.missing.is_empty());
}

#[test]
fn a_missing_value_is_missing_not_zero() {
    // Unit 1 has no value of f.target and no evaluator's score yet.
    let data = inputs(&[("f.linear", &[(1, 100.0)]), ("f.rank", &[(1, 5.0)])], &[]);
    let out = evaluate(&small(), &[1], &data);
    let one = &out[0];
    assert_eq!(one.nodes["B1"].score, None);
    assert_eq!(one.nodes["B1"].raw, None);
    assert_eq!(one.nodes["A2"].score, None);
    assert_eq!(one.nodes["A"].score, None);
    assert_eq!(one.total, None);
    assert_eq!(one.rank, None);
    assert_eq!(one.missing, vec!["A2".to_string(), "B1".to_string()]);
    // What is known: A1 = 100 (half of A), B2 = 100 alone (30 % of B).
    // partial = 0.6·(0.5·100) + 0.4·(0.3·100) = 30 + 12 = 42, of 0.6·50 + 0.4·30 = 42 % of the weight.
    assert!((one.partial - 42.0).abs() < 1e-9);
    assert!((one.known_weight - 42.0).abs() < 1e-9);
}

#[test]
fn ranks_share_places_and_lower_can_be_better() {
    let values: BTreeMap<i64, f64> = [(1, 10.0), (2, 30.0), (3, 30.0), (4, 5.0), (5, 20.0)].into_iter().collect();
    let s = rank_scores(&values, false);
    // Places 0–4 (best first): 30, 30 share places 0 and 1 → the best, 0 → 100;
    // 20 at place 2 → 100·(1 − 2/4) = 50; 10 at 3 → 25; 5 at 4 → 0.
    assert_eq!((s[&2], s[&3], s[&5], s[&1], s[&4]), (100.0, 100.0, 50.0, 25.0, 0.0));
    // Units all alike score as a lone unit does.
    let alike: BTreeMap<i64, f64> = [(1, 3.0), (2, 3.0)].into_iter().collect();
    assert_eq!(rank_scores(&alike, false).values().copied().collect::<Vec<_>>(), [100.0, 100.0]);
    let low = rank_scores(&values, true);
    assert_eq!((low[&4], low[&1]), (100.0, 75.0));
    assert_eq!(rank_scores(&[(9, 1.0)].into_iter().collect(), false)[&9], 100.0);
    let totals: BTreeMap<i64, f64> = [(1, 80.0), (2, 90.0), (3, 80.0), (4, 70.0)].into_iter().collect();
    let r = ranks(&totals);
    assert_eq!((r[&2], r[&1], r[&3], r[&4]), (1, 2, 2, 4));
}

#[test]
fn rules_turn_values_into_scores() {
    let lower = Rule::Target { target: 0.5, lower_is_better: true };
    assert_eq!(lower.score(0.4), Some(100.0));
    assert_eq!(lower.score(0.625), Some(80.0)); // 100·0.5/0.625
    let falling = Rule::Linear { zero: 0.65, full: 0.45 };
    assert!((falling.score(0.55).unwrap() - 50.0).abs() < 1e-9);
    assert_eq!(falling.score(0.3), Some(100.0));
    assert_eq!(Rule::Target { target: 12.0, lower_is_better: false }.score(3.0), Some(25.0));
    assert_eq!(Rule::Rank { lower_is_better: false }.score(3.0), None);
}

#[test]
fn weights_not_summing_to_100_are_refused_with_the_level_named() {
    let mut t = small();
    t.indicators[1].children[1].weight = 20.0;
    assert_eq!(t.validate(|_| true), Err(TreeError::Weights { level: "B".into(), sum: 90.0 }));
    let mut t = small();
    t.indicators[0].weight = 50.0;
    assert_eq!(t.validate(|_| true), Err(TreeError::Weights { level: String::new(), sum: 90.0 }));
    // 33.33 + 33.33 + 33.34 is 100.
    let thirds = Tree { indicators: vec![node("x", 33.33, vec![]), node("y", 33.33, vec![]), node("z", 33.34, vec![])] };
    assert_eq!(thirds.validate(|_| true), Ok(()));
}

#[test]
fn a_tree_is_checked_for_codes_figures_and_rules() {
    let mut t = small();
    t.indicators[1].children[0].code = "A1".into();
    assert_eq!(t.validate(|_| true), Err(TreeError::Duplicate { code: "A1".into() }));
    assert_eq!(small().validate(|f| f != "f.rank"), Err(TreeError::UnknownFigure { code: "B2".into(), figure: "f.rank".into() }));
    let mut t = small();
    t.indicators[0].children[0].rule = Some(Rule::Linear { zero: 5.0, full: 5.0 });
    assert_eq!(t.validate(|_| true), Err(TreeError::BadRule { code: "A1".into() }));
    let mut t = small();
    t.indicators[0].children[0].rule = None;
    assert_eq!(t.validate(|_| true), Err(TreeError::RuleWithoutFigure { code: "A1".into() }));
    let mut t = small();
    t.indicators[0].figure = Some("f.linear".into());
    assert_eq!(t.validate(|_| true), Err(TreeError::GroupWithFigure { code: "A".into() }));
    let mut t = small();
    t.indicators[0].children[1].weight = 0.0;
    assert_eq!(t.validate(|_| true), Err(TreeError::Weight { code: "A2".into() }));
    assert_eq!(Tree::default().validate(|_| true), Err(TreeError::Empty));
}

#[test]
fn the_lead_school_answers_for_its_members() {
    // Own 80, members 60 and 70 (mean 65), share 0.3: 0.7·80 + 0.3·65 = 56 + 19.5 = 75.5.
    assert!((lead_total(Some(80.0), &[Some(60.0), Some(70.0)], 0.3).unwrap() - 75.5).abs() < 1e-9);
    assert_eq!(lead_total(Some(80.0), &[], 0.3), Some(80.0));
    assert_eq!(lead_total(Some(80.0), &[Some(60.0), None], 0.3), None);
    assert_eq!(lead_total(Some(80.0), &[None], 0.0), Some(80.0));
    assert_eq!(lead_total(None, &[Some(60.0)], 0.3), None);
}

#[test]
fn the_default_tree_is_valid_and_round_trips_as_json() {
    let t = default_tree();
    assert_eq!(t.validate(|_| true), Ok(()));
    let json = serde_json::to_string(&t).unwrap();
    let back: Tree = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
    assert!(t.figures().len() >= 12, "the default tree reads the platform's records");
}
