//! The bundled cluster evaluation (捆绑考核): the bureau keeps a tree of indicators per year,
//! opens a round, assigns evaluators (inspectors' accounts) to clusters; evaluators score the
//! leaves the records cannot give; the platform computes every other leaf from the figures
//! registry ([`crate::figures`]); the bureau closes the round and its results are frozen.
//!
//! A cluster is scored as one body, ranked among the county's clusters; each member school is
//! scored by the same tree on its own figures where the registry has them at school level (the
//! cluster's leaf score where it does not), and the lead school's result takes a share of its
//! members' (强弱同考, the round's `lead_share`).

pub mod demo;
pub mod evidence;
pub mod scores;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use xuequ_domain::access::evaluation as policy;
use xuequ_domain::evaluation::{RoundStatus, check_lead_share, check_score};
use xuequ_domain::{FieldProblem, Problem, Role, Status};
use xuequ_evaluate::default_tree::default_tree;
use xuequ_evaluate::tree::{self, Inputs, Leaf, Tree, TreeError, UnitResult};
use xuequ_store::entities::evaluation_round;
use xuequ_store::evaluation::NewScore;

use crate::figures::{self, Scope, ScopeKind};
use crate::{App, AppError, Caller, Result};

/// Where a year's tree comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "year", rename_all = "snake_case")]
pub enum TreeSource {
    /// Kept by the bureau for this year.
    Kept,
    /// Not kept yet: shown as a copy of an earlier year's.
    CopiedFrom(i32),
    /// Not kept yet, no earlier year either: the default built from the seeds' criteria.
    Default,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearTree {
    pub year: i32,
    pub source: TreeSource,
    pub tree: Tree,
}

fn require_bureau(c: &Caller) -> Result<()> {
    if policy::may_manage(&c.actor) { Ok(()) } else { Err(AppError::Forbidden) }
}

fn require_reader(c: &Caller) -> Result<()> {
    if matches!(c.actor.role, Role::BureauAdmin | Role::Inspector) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The indicator system of `year`: the one kept, else a copy of the latest earlier year's,
/// else the default. Read by the bureau and inspectors.
pub async fn tree(app: &App, c: &Caller, year: i32) -> Result<YearTree> {
    require_reader(c)?;
    crate::running::check_year("year", year)?;
    year_tree(app, c.county(), year).await
}

async fn year_tree(app: &App, county: i64, year: i32) -> Result<YearTree> {
    if let Some(kept) = app.store.evaluation_tree(county, year).await? {
        return Ok(YearTree { year, source: TreeSource::Kept, tree: parse_tree(&kept.tree)? });
    }
    let earlier = app.store.evaluation_tree_years(county).await?.into_iter().find(|y| *y < year);
    if let Some(from) = earlier {
        let kept = app.store.evaluation_tree(county, from).await?.ok_or(AppError::NotFound)?;
        return Ok(YearTree { year, source: TreeSource::CopiedFrom(from), tree: parse_tree(&kept.tree)? });
    }
    Ok(YearTree { year, source: TreeSource::Default, tree: default_tree() })
}

fn parse_tree(text: &str) -> Result<Tree> {
    serde_json::from_str(text).map_err(AppError::internal)
}

/// Keeps `tree` as the indicator system of `year`, once it passes every rule: weights summing
/// to 100 at every level (the level named), known figures, usable rules. The bureau only; not
/// once the year's round is closed.
pub async fn save_tree(app: &App, c: &Caller, year: i32, tree: &Tree) -> Result<()> {
    require_bureau(c)?;
    crate::running::check_year("year", year)?;
    tree.validate(figures::known).map_err(tree_problem)?;
    if let Some(round) = round_of_year(app, c.county(), year).await?
        && status(&round) == RoundStatus::Closed
    {
        return Err(AppError::Conflict(Problem::RoundClosed { year: year.to_string() }));
    }
    app.store.save_evaluation_tree(&c.ctx(), year, &serde_json::to_string(tree).map_err(AppError::internal)?).await?;
    Ok(())
}

/// A tree's problem, named by the indicator or level it concerns.
pub fn tree_problem(e: TreeError) -> AppError {
    let bad = |code: &str, what: &str| Problem::BadIndicator { indicator: code.to_string(), what: what.to_string() };
    let problem = match e {
        TreeError::Weights { level, sum } if level.is_empty() => Problem::TopWeightsNot100 { sum: weight_text(sum) },
        TreeError::Weights { level, sum } => Problem::WeightsNot100 { level, sum: weight_text(sum) },
        TreeError::Empty => bad("", "empty"),
        TreeError::NoCode => bad("", "no_code"),
        TreeError::TooDeep => bad("", "too_deep"),
        TreeError::Weight { code } => bad(&code, "weight"),
        TreeError::Duplicate { code } => bad(&code, "duplicate"),
        TreeError::NoName { code } => bad(&code, "no_name"),
        TreeError::GroupWithFigure { code } => bad(&code, "group_with_figure"),
        TreeError::RuleWithoutFigure { code } => bad(&code, "rule_without_figure"),
        TreeError::UnknownFigure { code, .. } => bad(&code, "unknown_figure"),
        TreeError::BadRule { code } => bad(&code, "bad_rule"),
    };
    AppError::Invalid(vec![FieldProblem::new("tree", problem)])
}

/// A sum of weights as people read it: to six decimals, trailing zeros dropped (so 99.9999
/// never reads as 100.00).
fn weight_text(sum: f64) -> String {
    let text = format!("{sum:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// One round as a list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub id: i64,
    pub year: i32,
    pub status: RoundStatus,
    pub lead_share: f64,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The clusters the caller evaluates in it.
    pub mine: Vec<i64>,
}

impl Round {
    fn of(r: &evaluation_round::Model, mine: Vec<i64>) -> Round {
        Round { id: r.id, year: r.year, status: status(r), lead_share: r.lead_share, opened_at: r.opened_at, closed_at: r.closed_at, mine }
    }
}

fn status(r: &evaluation_round::Model) -> RoundStatus {
    RoundStatus::parse(&r.status).unwrap_or(RoundStatus::Closed)
}

async fn round_of_year(app: &App, county: i64, year: i32) -> Result<Option<evaluation_round::Model>> {
    Ok(app.store.evaluation_rounds(county).await?.into_iter().find(|r| r.year == year))
}

/// The rounds the caller may see: the bureau and inspectors every round; a cluster head and a
/// principal the closed ones (their results); a teacher none.
pub async fn rounds(app: &App, c: &Caller) -> Result<Vec<Round>> {
    if c.actor.role == Role::Teacher {
        return Err(AppError::Forbidden);
    }
    let county = c.county();
    let mut out = Vec::new();
    for r in app.store.evaluation_rounds(county).await? {
        let st = status(&r);
        let mine: Vec<i64> = app
            .store
            .evaluation_assignments(county, r.id)
            .await?
            .into_iter()
            .filter(|a| a.user_id == c.actor.user_id)
            .map(|a| a.cluster_id)
            .collect();
        let seen = matches!(c.actor.role, Role::BureauAdmin | Role::Inspector) || st == RoundStatus::Closed;
        if seen {
            out.push(Round::of(&r, mine));
        }
    }
    Ok(out)
}

/// Opens the round of `year` with the year's tree (kept now if it was only shown as a copy or
/// the default). The bureau only; one round per year.
pub async fn open_round(app: &App, c: &Caller, year: i32, lead_share: f64) -> Result<Round> {
    require_bureau(c)?;
    crate::running::check_year("year", year)?;
    let lead_share = check_lead_share(lead_share).map_err(|p| AppError::invalid("lead_share", p))?;
    let county = c.county();
    if round_of_year(app, county, year).await?.is_some() {
        return Err(AppError::Conflict(Problem::AlreadyExists { value: year.to_string() }));
    }
    let shown = year_tree(app, county, year).await?;
    if shown.source != TreeSource::Kept {
        save_tree(app, c, year, &shown.tree).await?;
    }
    let r = app.store.open_evaluation_round(&c.ctx(), year, lead_share).await?;
    Ok(Round::of(&r, Vec::new()))
}

async fn round(app: &App, c: &Caller, id: i64) -> Result<evaluation_round::Model> {
    app.store.evaluation_round(c.county(), id).await?.ok_or(AppError::NotFound)
}

/// Makes `users` (inspectors' or bureau accounts of the county) the evaluators of `cluster` in
/// an open round. The bureau only.
pub async fn assign(app: &App, c: &Caller, round_id: i64, cluster: i64, users: &[i64]) -> Result<()> {
    require_bureau(c)?;
    let county = c.county();
    round(app, c, round_id).await?;
    app.store.cluster(county, cluster).await?.ok_or(AppError::NotFound)?;
    for id in users {
        let fits = app.store.user(county, *id).await?.is_some_and(|u| !u.disabled && matches!(u.role, Role::Inspector | Role::BureauAdmin));
        if !fits {
            return Err(AppError::invalid("evaluators", Problem::NotFound { value: id.to_string() }));
        }
    }
    let users: BTreeSet<i64> = users.iter().copied().collect();
    app.store.assign_evaluators(&c.ctx(), round_id, cluster, &users.into_iter().collect::<Vec<_>>()).await?;
    Ok(())
}

/// An evaluator's score of one leaf.
#[derive(Debug, Clone, Deserialize)]
pub struct ScoreInput {
    pub code: String,
    pub score: f64,
    #[serde(default)]
    pub comment: String,
}

/// Saves an evaluator's scores of `cluster` in an open round: only an evaluator assigned to the
/// cluster, only leaves the tree leaves to evaluators, 0–100 each. All or nothing.
pub async fn score(app: &App, c: &Caller, round_id: i64, cluster: i64, input: &[ScoreInput]) -> Result<()> {
    let county = c.county();
    let r = round(app, c, round_id).await?;
    let assigned =
        app.store.evaluation_assignments(county, round_id).await?.iter().any(|a| a.cluster_id == cluster && a.user_id == c.actor.user_id);
    if !policy::may_score(&c.actor, assigned) {
        // A cluster the caller does not evaluate does not exist for them.
        return Err(if policy::may_manage(&c.actor) || assigned { AppError::Forbidden } else { AppError::NotFound });
    }
    if status(&r) == RoundStatus::Closed {
        return Err(AppError::Conflict(Problem::RoundClosed { year: r.year.to_string() }));
    }
    let tree = year_tree(app, county, r.year).await?.tree;
    let scored: BTreeSet<&str> = tree.all().into_iter().filter(|i| i.leaf() == Some(Leaf::Scored)).map(|i| i.code.as_str()).collect();
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for s in input {
        if !scored.contains(s.code.as_str()) {
            problems.push(FieldProblem::new("code", Problem::NotScored { value: s.code.clone() }));
            continue;
        }
        match check_score(s.score) {
            Ok(score) => rows.push(NewScore { cluster_id: cluster, code: s.code.clone(), score, comment: s.comment.trim().to_string() }),
            Err(p) => problems.push(FieldProblem::new("score", p)),
        }
        if s.comment.chars().count() > 2000 {
            problems.push(FieldProblem::new("comment", Problem::TooLong { max: 2000 }));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    app.store.save_evaluation_scores(&c.ctx(), round_id, &rows).await?;
    Ok(())
}

/// A member school's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SchoolResult {
    pub school_id: i64,
    pub name: String,
    pub lead: bool,
    /// By the tree on its own figures (the cluster's leaf scores where it has none).
    pub own: Option<f64>,
    /// The lead school's own result with its members' share; a member's own result.
    pub total: Option<f64>,
}

/// A cluster's result in a round.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClusterResult {
    pub cluster_id: i64,
    pub name: String,
    pub result: Unit,
    pub schools: Vec<SchoolResult>,
    /// The evaluators' scores and comments of its scored leaves.
    pub comments: Vec<Comment>,
    /// Its schools' value-added in each grade and subject, as the round saw it.
    #[serde(default)]
    pub value_added: Vec<ValueAdded>,
}

/// One school's value-added in one grade and subject.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ValueAdded {
    pub school_id: i64,
    pub school: String,
    pub grade: String,
    pub subject: String,
    pub n: usize,
    pub shrunk: f64,
    pub lo: f64,
    pub hi: f64,
    pub mark: i8,
}

/// [`UnitResult`] as kept in a frozen round.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unit {
    pub nodes: BTreeMap<String, Node>,
    pub total: Option<f64>,
    pub partial: f64,
    pub known_weight: f64,
    pub rank: Option<usize>,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Node {
    pub raw: Option<f64>,
    pub score: Option<f64>,
}

impl Unit {
    /// Whether every number in it is one (JSON keeps no NaN: a frozen round must read back).
    fn finite(&self) -> bool {
        let ok = |v: Option<f64>| v.is_none_or(f64::is_finite);
        ok(self.total) && self.partial.is_finite() && self.nodes.values().all(|n| ok(n.raw) && ok(n.score))
    }
}

impl From<UnitResult> for Unit {
    fn from(u: UnitResult) -> Unit {
        Unit {
            nodes: u.nodes.into_iter().map(|(k, n)| (k, Node { raw: n.raw, score: n.score })).collect(),
            total: u.total,
            partial: u.partial,
            known_weight: u.known_weight,
            rank: u.rank,
            missing: u.missing,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comment {
    pub code: String,
    pub score: f64,
    pub comment: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A round's results: what closing freezes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    pub year: i32,
    pub tree: Tree,
    pub lead_share: f64,
    pub computed_at: DateTime<Utc>,
    pub clusters: Vec<ClusterResult>,
}

/// Closes an open round: its results are computed now and frozen. The bureau only.
pub async fn close(app: &App, c: &Caller, round_id: i64) -> Result<Results> {
    require_bureau(c)?;
    let r = round(app, c, round_id).await?;
    if status(&r) == RoundStatus::Closed {
        return Err(AppError::Conflict(Problem::RoundClosed { year: r.year.to_string() }));
    }
    // The results are computed outside the closing transaction: if a score was saved
    // meanwhile, they are computed again, so the frozen results hold every score the round
    // accepted. (Other records written in that moment may or may not be in them.)
    for _ in 0..3 {
        let scores = xuequ_store::evaluation::scores_state(&app.store.evaluation_scores(c.county(), r.id, None).await?);
        let results = compute(app, c.county(), &r).await?;
        if results.clusters.iter().any(|k| !k.result.finite()) {
            return Err(AppError::internal("a result is not a number"));
        }
        let frozen = serde_json::to_string(&results).map_err(AppError::internal)?;
        match app.store.close_evaluation_round(&c.ctx(), round_id, &frozen, scores).await {
            Ok(()) => return Ok(results),
            Err(xuequ_store::StoreError::Stale) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict(Problem::ChangedMeanwhile))
}

/// The results of `year` for the operator (`xuequ evaluate`): the year's round, frozen if it
/// is closed, computed from the records as they are now if it is open; with no round, what a
/// round opened now would give (the default lead share, no evaluators' scores yet).
pub async fn of_year(app: &App, county: i64, year: i32) -> Result<(Option<Round>, Results)> {
    crate::running::check_year("year", year)?;
    if let Some(r) = round_of_year(app, county, year).await? {
        let results = match (status(&r), &r.frozen) {
            (RoundStatus::Closed, Some(text)) => serde_json::from_str(text).map_err(AppError::internal)?,
            _ => compute(app, county, &r).await?,
        };
        return Ok((Some(Round::of(&r, Vec::new())), results));
    }
    let preview = evaluation_round::Model {
        id: 0,
        county_id: county,
        year,
        status: RoundStatus::Open.code().to_string(),
        lead_share: xuequ_domain::evaluation::DEFAULT_LEAD_SHARE,
        opened_by: String::new(),
        opened_at: Utc::now(),
        closed_by: String::new(),
        closed_at: None,
        frozen: None,
    };
    Ok((None, compute(app, county, &preview).await?))
}

/// A round's results: frozen once closed, computed from today's records while open.
async fn results_of(app: &App, county: i64, r: &evaluation_round::Model) -> Result<Results> {
    if let (RoundStatus::Closed, Some(text)) = (status(r), &r.frozen) {
        return serde_json::from_str(text).map_err(AppError::internal);
    }
    // An open round's standings are read often while the county keeps writing: they are kept
    // for ten minutes, and computed again at once when a score or the year's tree changes.
    let scores = app.store.evaluation_scores(county, r.id, None).await?;
    let tree_at = app.store.evaluation_tree(county, r.year).await?.map(|t| t.updated_at.timestamp_micros()).unwrap_or(0);
    let newest = scores.iter().map(|s| s.at.timestamp_micros()).max().unwrap_or(0);
    let state = (scores.len() as i64).wrapping_mul(1_000_003) ^ newest ^ tree_at.rotate_left(17);
    let key = (county, r.id, crate::figures::time_bucket());
    if let Some(hit) = app.derived.evaluations.get(&key, state) {
        return Ok((*hit).clone());
    }
    let fresh = compute_with(app, county, r, figures::Freshness::Recent).await?;
    app.derived.evaluations.put(key, state, std::sync::Arc::new(fresh.clone()));
    Ok(fresh)
}

/// Every active cluster's result in round `r`, from the figures registry as the records are now
/// and the scores (what closing freezes).
pub(crate) async fn compute(app: &App, county: i64, r: &evaluation_round::Model) -> Result<Results> {
    compute_with(app, county, r, figures::Freshness::Exact).await
}

async fn compute_with(app: &App, county: i64, r: &evaluation_round::Model, freshness: figures::Freshness) -> Result<Results> {
    let tree = year_tree(app, county, r.year).await?.tree;
    let clusters = crate::running::Clusters::load(app, county).await?;
    let active: Vec<(i64, String)> = clusters.all.iter().filter(|k| k.status == Status::Active).map(|k| (k.id, k.name.clone())).collect();
    let leads: HashMap<i64, i64> = clusters.all.iter().map(|k| (k.id, k.lead_school_id)).collect();
    let names: HashMap<i64, String> = app.store.all_schools(county).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let keys = tree.figures();
    let school_ids: Vec<i64> = active.iter().flat_map(|(k, _)| clusters.schools(*k).iter().copied()).collect();
    let mut scopes: Vec<Scope> = active.iter().map(|(k, _)| Scope::Cluster(*k)).collect();
    scopes.extend(school_ids.iter().map(|s| Scope::School(*s)));
    let values = figures::compute_as_of(app, county, r.year, &scopes, Some(&keys), freshness).await?;
    let scores = app.store.evaluation_scores(county, r.id, None).await?;
    let codes: HashMap<String, i64> = app.store.all_schools(county).await?.into_iter().map(|s| (s.code, s.id)).collect();
    let mut value_added: Vec<ValueAdded> = Vec::new();
    for g in scores::model(app, county, r.year).await?.values() {
        for (code, v) in &g.schools {
            let Some(id) = codes.get(code) else { continue };
            value_added.push(ValueAdded {
                school_id: *id,
                school: names.get(id).cloned().unwrap_or_default(),
                grade: g.grade.clone(),
                subject: g.subject.clone(),
                n: v.n,
                shrunk: v.shrunk,
                lo: v.lo,
                hi: v.hi,
                mark: v.mark(),
            });
        }
    }

    // Clusters, ranked among themselves.
    let mut inputs = Inputs::default();
    for ((scope, key), v) in &values {
        if let Scope::Cluster(id) = scope {
            inputs.figures.entry(key.to_string()).or_default().insert(*id, *v);
        }
    }
    for s in &scores {
        inputs.scores.insert((s.cluster_id, s.code.clone()), s.score);
    }
    let units: Vec<i64> = active.iter().map(|(k, _)| *k).collect();
    let cluster_results: HashMap<i64, UnitResult> = tree::evaluate(&tree, &units, &inputs).into_iter().map(|u| (u.unit, u)).collect();

    // Schools, each on its own figures where the registry has them at school level.
    let (school_tree, school_inputs) = school_inputs(&tree, &clusters, &units, &values, &cluster_results);
    let own: HashMap<i64, Option<f64>> =
        tree::evaluate(&school_tree, &school_ids, &school_inputs).into_iter().map(|u| (u.unit, u.total)).collect();

    let mut out = Vec::new();
    for (id, name) in active {
        let members = clusters.schools(id);
        let lead = leads.get(&id).copied();
        let others: Vec<Option<f64>> = members.iter().filter(|s| Some(**s) != lead).map(|s| own.get(s).copied().flatten()).collect();
        let schools = members
            .iter()
            .map(|s| {
                let mine = own.get(s).copied().flatten();
                let is_lead = Some(*s) == lead;
                SchoolResult {
                    school_id: *s,
                    name: names.get(s).cloned().unwrap_or_default(),
                    lead: is_lead,
                    own: mine,
                    total: if is_lead { tree::lead_total(mine, &others, r.lead_share) } else { mine },
                }
            })
            .collect();
        let comments = scores
            .iter()
            .filter(|s| s.cluster_id == id)
            .map(|s| Comment { code: s.code.clone(), score: s.score, comment: s.comment.clone(), by: s.username.clone(), at: s.at })
            .collect();
        let result = cluster_results.get(&id).cloned().map(Unit::from).ok_or(AppError::NotFound)?;
        let value_added = value_added.iter().filter(|v| members.contains(&v.school_id)).cloned().collect();
        out.push(ClusterResult { cluster_id: id, name, result, schools, comments, value_added });
    }
    out.sort_by_key(|k| (k.result.rank.unwrap_or(usize::MAX), k.cluster_id));
    Ok(Results { year: r.year, tree, lead_share: r.lead_share, computed_at: Utc::now(), clusters: out })
}

/// The tree and inputs that score member schools: a computed leaf whose figure the registry
/// gives per school reads the school's value; any other leaf (scored, or a figure only a
/// cluster has) becomes a scored leaf carrying the cluster's score of it.
fn school_inputs(
    tree: &Tree,
    clusters: &crate::running::Clusters,
    units: &[i64],
    values: &figures::Values,
    cluster_results: &HashMap<i64, UnitResult>,
) -> (Tree, Inputs) {
    let mut school_tree = tree.clone();
    fn lift(list: &mut [tree::Indicator]) {
        for i in list {
            if i.children.is_empty() {
                let per_school = i.figure.as_deref().and_then(figures::find).is_some_and(|f| f.scopes.contains(&ScopeKind::School));
                if !per_school {
                    i.figure = None;
                    i.rule = None;
                }
            } else {
                lift(&mut i.children);
            }
        }
    }
    lift(&mut school_tree.indicators);
    let mut inputs = Inputs::default();
    for ((scope, key), v) in values {
        if let Scope::School(id) = scope {
            inputs.figures.entry(key.to_string()).or_default().insert(*id, *v);
        }
    }
    for k in units {
        let Some(result) = cluster_results.get(k) else { continue };
        for leaf in school_tree.all().into_iter().filter(|i| i.leaf() == Some(Leaf::Scored)) {
            if let Some(score) = result.nodes.get(&leaf.code).and_then(|n| n.score) {
                for s in clusters.schools(*k) {
                    inputs.scores.insert((*s, leaf.code.clone()), score);
                }
            }
        }
    }
    (school_tree, inputs)
}

/// A cluster's evaluation in the round of `year`, as its page and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterEvaluation {
    pub round: Round,
    pub tree: Tree,
    pub cluster: ClusterResult,
    /// Clusters with a total in the round.
    pub ranked: usize,
    pub clusters: usize,
    /// The cluster's total in the previous year's closed round.
    pub last_year: Option<f64>,
    /// Whether the caller may score it now (and attach evidence).
    pub may_score: bool,
    /// The evaluators' evidence files, oldest first.
    pub evidence: Vec<xuequ_store::entities::evaluation_evidence::Model>,
}

/// The evaluation of `cluster` in the round of `year` (the latest round when `None`), for a
/// caller who may read it: the bureau, its evaluators while open, and after closing the
/// inspectors, its head and its schools' principals.
pub async fn of_cluster(app: &App, c: &Caller, cluster: i64, year: Option<i32>) -> Result<ClusterEvaluation> {
    let county = c.county();
    app.store.cluster(county, cluster).await?.ok_or(AppError::NotFound)?;
    let all = app.store.evaluation_rounds(county).await?;
    // Without a year: the latest round the caller may read (a head's is the latest closed one).
    let wide = matches!(c.actor.role, Role::BureauAdmin | Role::Inspector);
    let r = match year {
        Some(y) => all.iter().find(|r| r.year == y),
        None => all.iter().find(|r| wide || status(r) == RoundStatus::Closed),
    }
    .cloned()
    .ok_or(AppError::NotFound)?;
    let assigned =
        app.store.evaluation_assignments(county, r.id).await?.iter().any(|a| a.cluster_id == cluster && a.user_id == c.actor.user_id);
    let closed = status(&r) == RoundStatus::Closed;
    // A closed round is read by the schools it judged, not by those in the cluster today.
    let results = if closed || wide || assigned { Some(results_of(app, county, &r).await?) } else { None };
    let schools: Vec<i64> = match &results {
        Some(res) if closed => res
            .clusters
            .iter()
            .find(|k| k.cluster_id == cluster)
            .map(|k| k.schools.iter().map(|s| s.school_id).collect())
            .unwrap_or_default(),
        _ => app.store.cluster_school_ids(county, cluster).await?,
    };
    if !policy::may_read(&c.actor, cluster, &schools, closed, assigned) {
        return Err(AppError::NotFound);
    }
    let results = results.ok_or(AppError::NotFound)?;
    let mut found = results.clusters.iter().find(|k| k.cluster_id == cluster).cloned().ok_or(AppError::NotFound)?;
    // Value-added is read school by school by those who lead the school.
    found.value_added.retain(|v| policy::may_read_figures(&c.actor, Scope::School(v.school_id)));
    let ranked = results.clusters.iter().filter(|k| k.result.total.is_some()).count();
    let last_year = match all.iter().find(|p| p.year == r.year - 1 && status(p) == RoundStatus::Closed) {
        Some(p) => results_of(app, county, p).await?.clusters.into_iter().find(|k| k.cluster_id == cluster).and_then(|k| k.result.total),
        None => None,
    };
    let mine = if assigned { vec![cluster] } else { Vec::new() };
    let evidence = app.store.evidence(county, r.id, Some(cluster)).await?;
    Ok(ClusterEvaluation {
        round: Round::of(&r, mine),
        tree: results.tree,
        ranked,
        clusters: results.clusters.len(),
        cluster: found,
        last_year,
        may_score: !closed && policy::may_score(&c.actor, assigned),
        evidence,
    })
}

/// Every cluster's result in a round, ranked: the bureau and inspectors (and, for an open
/// round, only the bureau and the clusters an inspector evaluates).
pub async fn results(app: &App, c: &Caller, round_id: i64) -> Result<Results> {
    require_reader(c)?;
    let county = c.county();
    let r = round(app, c, round_id).await?;
    let mut results = results_of(app, county, &r).await?;
    if c.actor.role == Role::Inspector && status(&r) == RoundStatus::Open {
        let mine: BTreeSet<i64> = app
            .store
            .evaluation_assignments(county, r.id)
            .await?
            .into_iter()
            .filter(|a| a.user_id == c.actor.user_id)
            .map(|a| a.cluster_id)
            .collect();
        results.clusters.retain(|k| mine.contains(&k.cluster_id));
    }
    Ok(results)
}

/// The accounts the bureau may make evaluators (inspectors first): `(id, name)`.
pub async fn evaluators(app: &App, c: &Caller) -> Result<Vec<(i64, String)>> {
    require_bureau(c)?;
    Ok(app
        .store
        .evaluator_accounts(c.county())
        .await?
        .into_iter()
        .map(|u| (u.id, if u.display_name.is_empty() { u.username } else { u.display_name }))
        .collect())
}

/// The evaluators of each cluster in a round (user id → username): the bureau only.
pub async fn assignments(app: &App, c: &Caller, round_id: i64) -> Result<BTreeMap<i64, Vec<(i64, String)>>> {
    require_bureau(c)?;
    let county = c.county();
    round(app, c, round_id).await?;
    let mut out: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
    for a in app.store.evaluation_assignments(county, round_id).await? {
        let name = app.store.user(county, a.user_id).await?.map(|u| u.display_name).unwrap_or_default();
        out.entry(a.cluster_id).or_default().push((a.user_id, name));
    }
    Ok(out)
}
