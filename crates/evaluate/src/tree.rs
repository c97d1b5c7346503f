//! The indicator system (考核指标体系) of the bundled cluster evaluation: a tree of indicators
//! whose weights sum to 100 at every level. A leaf is either **computed** from one of the
//! platform's figures — its raw value turned into a score of 0–100 by a [`Rule`] — or **scored**
//! by evaluators (0–100). A group's score is the weighted sum of its children's.
//!
//! A value that is missing (a figure the records cannot give, a leaf no evaluator has scored
//! yet) stays missing: the group above it and the total get no score, only the part already
//! known ([`NodeResult::partial`] of [`NodeResult::known_weight`]). Missing never counts as
//! zero, and a unit without a total is not ranked.
//!
//! The same tree scores clusters and, leaf by leaf, their member schools ([`evaluate`] over
//! any units); [`lead_total`] adds the members' results to the lead school's as the seeds ask
//! (强弱同考: the lead school answers for its partners).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

/// How a computed leaf's raw value becomes a score of 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// Against a target: full marks when the target is reached, else in proportion —
    /// `100 · value / target` (higher is better) or `100 · target / value` (lower is better).
    Target {
        target: f64,
        #[serde(default)]
        lower_is_better: bool,
    },
    /// Linear between two bounds: 0 at `zero`, 100 at `full`, clamped beyond them. `full` below
    /// `zero` means lower is better.
    Linear { zero: f64, full: f64 },
    /// By rank among the units evaluated together: the best 100, the worst 0, evenly between,
    /// equal values sharing the best of their places. A lone unit gets 100.
    Rank {
        #[serde(default)]
        lower_is_better: bool,
    },
}

/// One indicator: a group (with children) or a leaf (computed when it names a figure, scored
/// by evaluators when it does not).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Unique in the tree, e.g. `2.1`.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Share of its parent (or of the total), in per cent: siblings sum to 100.
    pub weight: f64,
    /// The registered figure a computed leaf reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figure: Option<String>,
    /// How the figure's raw value becomes a score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Indicator>,
}

/// What a leaf is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Leaf<'a> {
    Computed { figure: &'a str, rule: Rule },
    Scored,
}

impl Indicator {
    /// `None` for a group.
    pub fn leaf(&self) -> Option<Leaf<'_>> {
        if !self.children.is_empty() {
            return None;
        }
        Some(match (&self.figure, self.rule) {
            (Some(figure), Some(rule)) => Leaf::Computed { figure, rule },
            _ => Leaf::Scored,
        })
    }
}

/// A whole indicator system.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Tree {
    pub indicators: Vec<Indicator>,
}

/// Why a tree cannot be used. `level` is the code of the group whose children are wrong, or
/// empty for the top level.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TreeError {
    #[error("the tree has no indicators")]
    Empty,
    #[error("the weights under {level:?} sum to {sum}, not 100")]
    Weights { level: String, sum: f64 },
    #[error("indicator {code:?} has a weight that is not above 0")]
    Weight { code: String },
    #[error("indicator code {code:?} is used twice")]
    Duplicate { code: String },
    #[error("an indicator has an empty code")]
    NoCode,
    #[error("indicator {code:?} has no name")]
    NoName { code: String },
    #[error("indicator {code:?} is a group and also names a figure")]
    GroupWithFigure { code: String },
    #[error("indicator {code:?} names a figure but no rule, or a rule but no figure")]
    RuleWithoutFigure { code: String },
    #[error("indicator {code:?} names the unknown figure {figure:?}")]
    UnknownFigure { code: String, figure: String },
    #[error("indicator {code:?} has a rule whose bounds are equal or not numbers")]
    BadRule { code: String },
    #[error("the tree is deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// Deep enough for 一级/二级/三级指标 and a spare level.
pub const MAX_DEPTH: usize = 4;

/// Sums closer to 100 than this are 100 (weights such as 33.33 + 33.33 + 33.34).
const WEIGHT_TOLERANCE: f64 = 1e-6;

/// The largest target or bound a rule takes: no figure of the platform comes near it, and
/// arithmetic on it stays finite.
pub const MAX_BOUND: f64 = 1e12;

impl Tree {
    /// Checks every rule of a usable tree; `known` says whether a figure key is registered.
    pub fn validate(&self, known: impl Fn(&str) -> bool) -> Result<(), TreeError> {
        if self.indicators.is_empty() {
            return Err(TreeError::Empty);
        }
        let mut codes = BTreeSet::new();
        check_level("", &self.indicators, 1, &mut codes, &known)
    }

    /// Every indicator, parents before children.
    pub fn all(&self) -> Vec<&Indicator> {
        let mut out = Vec::new();
        fn walk<'a>(list: &'a [Indicator], out: &mut Vec<&'a Indicator>) {
            for i in list {
                out.push(i);
                walk(&i.children, out);
            }
        }
        walk(&self.indicators, &mut out);
        out
    }

    /// The figure keys its computed leaves read.
    pub fn figures(&self) -> BTreeSet<&str> {
        self.all()
            .into_iter()
            .filter_map(|i| match i.leaf() {
                Some(Leaf::Computed { figure, .. }) => Some(figure),
                _ => None,
            })
            .collect()
    }
}

fn check_level(
    level: &str,
    list: &[Indicator],
    depth: usize,
    codes: &mut BTreeSet<String>,
    known: &impl Fn(&str) -> bool,
) -> Result<(), TreeError> {
    if depth > MAX_DEPTH {
        return Err(TreeError::TooDeep);
    }
    for i in list {
        check_one(i, codes, known)?;
    }
    let sum: f64 = list.iter().map(|i| i.weight).sum();
    if (sum - 100.0).abs() > WEIGHT_TOLERANCE {
        return Err(TreeError::Weights { level: level.to_string(), sum });
    }
    for i in list.iter().filter(|i| !i.children.is_empty()) {
        check_level(&i.code, &i.children, depth + 1, codes, known)?;
    }
    Ok(())
}

fn check_one(i: &Indicator, codes: &mut BTreeSet<String>, known: &impl Fn(&str) -> bool) -> Result<(), TreeError> {
    let code = || i.code.clone();
    if i.code.trim().is_empty() {
        return Err(TreeError::NoCode);
    }
    if !codes.insert(i.code.clone()) {
        return Err(TreeError::Duplicate { code: code() });
    }
    if i.name_zh.trim().is_empty() && i.name_en.trim().is_empty() {
        return Err(TreeError::NoName { code: code() });
    }
    if !(i.weight.is_finite() && i.weight > 0.0) {
        return Err(TreeError::Weight { code: code() });
    }
    if !i.children.is_empty() {
        return if i.figure.is_some() || i.rule.is_some() { Err(TreeError::GroupWithFigure { code: code() }) } else { Ok(()) };
    }
    match (&i.figure, i.rule) {
        (None, None) => Ok(()),
        (Some(figure), Some(_)) if !known(figure) => Err(TreeError::UnknownFigure { code: code(), figure: figure.clone() }),
        (Some(_), Some(rule)) if !rule.usable() => Err(TreeError::BadRule { code: code() }),
        (Some(_), Some(_)) => Ok(()),
        _ => Err(TreeError::RuleWithoutFigure { code: code() }),
    }
}

impl Rule {
    fn usable(&self) -> bool {
        let sane = |x: f64| x.is_finite() && x.abs() <= MAX_BOUND;
        match *self {
            Rule::Target { target, .. } => sane(target),
            Rule::Linear { zero, full } => sane(zero) && sane(full) && zero != full,
            Rule::Rank { .. } => true,
        }
    }

    /// The score of `value` by a target or bounds (a rank needs the others: see [`rank_scores`]).
    /// Divisions come first so that large values do not overflow; a score that is not a
    /// number (a value that is not one) is missing.
    pub fn score(&self, value: f64) -> Option<f64> {
        let s = match *self {
            Rule::Target { target, lower_is_better: false } => {
                if value >= target {
                    100.0
                } else if target > 0.0 {
                    value / target * 100.0
                } else {
                    0.0
                }
            }
            Rule::Target { target, lower_is_better: true } => {
                if value <= target {
                    100.0
                } else if value > 0.0 && target > 0.0 {
                    target / value * 100.0
                } else {
                    0.0
                }
            }
            Rule::Linear { zero, full } => (value - zero) / (full - zero) * 100.0,
            Rule::Rank { .. } => return None,
        };
        s.is_finite().then(|| s.clamp(0.0, 100.0))
    }
}

/// Rank scores of `values` (unit → raw value): the best 100, the worst 0, evenly between;
/// equal values share the best of their places (so units all alike score 100 each, as a lone
/// unit does).
pub fn rank_scores(values: &BTreeMap<i64, f64>, lower_is_better: bool) -> BTreeMap<i64, f64> {
    let mut sorted: Vec<(i64, f64)> = values.iter().map(|(k, v)| (*k, *v)).collect();
    sorted.sort_by(|a, b| if lower_is_better { a.1.total_cmp(&b.1) } else { b.1.total_cmp(&a.1) });
    let n = sorted.len();
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && sorted[j + 1].1 == sorted[i].1 {
            j += 1;
        }
        // Places i..=j (0 = best) share the best of them.
        let place = i as f64;
        let score = if n == 1 { 100.0 } else { 100.0 * (1.0 - place / (n - 1) as f64) };
        for (unit, _) in &sorted[i..=j] {
            out.insert(*unit, score);
        }
        i = j + 1;
    }
    out
}

/// One indicator's result for one unit.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct NodeResult {
    /// The figure's value (computed leaves only).
    pub raw: Option<f64>,
    /// 0–100; missing when the value, or any part of a group, is missing.
    pub score: Option<f64>,
    /// The weighted sum of the parts known (for a leaf: its score or 0), and their share of
    /// the weight (0–100): what a page shows while a round is still open.
    pub partial: f64,
    pub known_weight: f64,
}

/// One unit's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitResult {
    pub unit: i64,
    /// Indicator code → result.
    pub nodes: BTreeMap<String, NodeResult>,
    /// The weighted total (0–100), when nothing is missing.
    pub total: Option<f64>,
    pub partial: f64,
    pub known_weight: f64,
    /// 1 = best, among the units with a total; equal totals share a rank.
    pub rank: Option<usize>,
    /// The codes of the leaves without a value or a score.
    pub missing: Vec<String>,
}

/// What the tree reads: each figure's raw value per unit (absent = missing), and the
/// evaluators' scores per unit and leaf code.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub figures: HashMap<String, BTreeMap<i64, f64>>,
    pub scores: HashMap<(i64, String), f64>,
}

/// Evaluates `units` (clusters, or schools) together by `tree`: leaf scores (ranks among these
/// units), group scores, totals and ranks.
pub fn evaluate(tree: &Tree, units: &[i64], inputs: &Inputs) -> Vec<UnitResult> {
    let leaf_scores = leaf_scores(tree, units, inputs);
    let mut out: Vec<UnitResult> = units
        .iter()
        .map(|&unit| {
            let mut nodes = BTreeMap::new();
            let mut missing = Vec::new();
            let top = combine(&tree.indicators, unit, inputs, &leaf_scores, &mut nodes, &mut missing);
            UnitResult { unit, nodes, total: top.score, partial: top.partial, known_weight: top.known_weight, rank: None, missing }
        })
        .collect();
    let totals: BTreeMap<i64, f64> = out.iter().filter_map(|u| u.total.map(|t| (u.unit, t))).collect();
    let ranks = ranks(&totals);
    for u in &mut out {
        u.rank = ranks.get(&u.unit).copied();
    }
    out
}

/// Standard competition ranks (1, 2, 2, 4) by total, highest first. Totals are compared at
/// 1e-9 so that sums in another order still tie.
pub fn ranks(totals: &BTreeMap<i64, f64>) -> BTreeMap<i64, usize> {
    let mut sorted: Vec<(i64, f64)> = totals.iter().map(|(k, v)| (*k, *v)).collect();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = BTreeMap::new();
    for (i, (unit, total)) in sorted.iter().enumerate() {
        let rank = if i > 0 && (sorted[i - 1].1 - total).abs() < 1e-9 { out[&sorted[i - 1].0] } else { i + 1 };
        out.insert(*unit, rank);
    }
    out
}

/// Each computed leaf's score per unit (a rank needs every unit's value first).
fn leaf_scores(tree: &Tree, units: &[i64], inputs: &Inputs) -> HashMap<String, BTreeMap<i64, f64>> {
    let mut out = HashMap::new();
    for i in tree.all() {
        let Some(Leaf::Computed { figure, rule }) = i.leaf() else { continue };
        let values: BTreeMap<i64, f64> = units
            .iter()
            .filter_map(|u| inputs.figures.get(figure).and_then(|m| m.get(u)).filter(|v| v.is_finite()).map(|v| (*u, *v)))
            .collect();
        // (Rank scores are finite: places over units.)
        let scores = match rule {
            Rule::Rank { lower_is_better } => rank_scores(&values, lower_is_better),
            _ => values.iter().filter_map(|(u, v)| rule.score(*v).map(|s| (*u, s))).collect(),
        };
        out.insert(i.code.clone(), scores);
    }
    out
}

fn combine(
    list: &[Indicator],
    unit: i64,
    inputs: &Inputs,
    leaf_scores: &HashMap<String, BTreeMap<i64, f64>>,
    nodes: &mut BTreeMap<String, NodeResult>,
    missing: &mut Vec<String>,
) -> NodeResult {
    let mut all_known = true;
    let (mut partial, mut known_weight, mut full) = (0.0, 0.0, 0.0);
    for i in list {
        let r = match i.leaf() {
            None => combine(&i.children, unit, inputs, leaf_scores, nodes, missing),
            Some(leaf) => {
                let (raw, score) = match leaf {
                    Leaf::Computed { figure, .. } => (
                        inputs.figures.get(figure).and_then(|m| m.get(&unit)).copied().filter(|v| v.is_finite()),
                        leaf_scores.get(&i.code).and_then(|m| m.get(&unit)).copied(),
                    ),
                    Leaf::Scored => (None, inputs.scores.get(&(unit, i.code.clone())).copied().filter(|s| s.is_finite())),
                };
                if score.is_none() {
                    missing.push(i.code.clone());
                }
                let s = score.unwrap_or(0.0);
                NodeResult { raw, score, partial: s, known_weight: if score.is_some() { 100.0 } else { 0.0 } }
            }
        };
        partial += i.weight / 100.0 * r.partial;
        known_weight += i.weight / 100.0 * r.known_weight;
        match r.score {
            Some(s) => full += i.weight / 100.0 * s,
            None => all_known = false,
        }
        nodes.insert(i.code.clone(), r);
    }
    NodeResult { raw: None, score: all_known.then_some(full), partial, known_weight }
}

/// The lead school's result with its members' (强弱同考): `(1 − share) · own + share · the
/// members' mean`, share in 0–1. Without members (or with a share of 0) the lead's own result
/// stands; with a member's result missing, the lead's is missing too.
pub fn lead_total(own: Option<f64>, members: &[Option<f64>], share: f64) -> Option<f64> {
    let own = own?;
    if share <= 0.0 || members.is_empty() {
        return Some(own);
    }
    let known: Option<Vec<f64>> = members.iter().copied().collect();
    let known = known?;
    let mean = known.iter().sum::<f64>() / known.len() as f64;
    Some((1.0 - share) * own + share * mean)
}
