//! The cluster planner in the platform: which schools are planned and how strong each is, the
//! bureau's settings, running the engine off the async runtime, and measuring any plan (the
//! planner's, one edited by hand, today's districts) the same way.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::{ClusterForm, ClusterLevel, FieldProblem, Problem, SchoolType, Section, Status};
use xuequ_plan::schools::{self, LeadRule, Measures, Rules, SchoolPoint};
use xuequ_plan::{JUNIOR, PRIMARY, Solution};
use xuequ_store::entities::school;
use xuequ_store::plans::PlannedCluster;

use crate::{App, AppError, Caller, assessment};

/// The bureau's choices for a plan, as the form and the API take them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `primary`, `junior` or `both` (the 初中+小学 mode).
    pub stage: String,
    /// Clusters wanted; none = the fewest that fit.
    pub clusters: Option<usize>,
    pub max_schools: usize,
    pub min_schools: usize,
    pub max_students: Option<f64>,
    /// `top` (strongest x %), `threshold` (strength ≥ x) or `designated`.
    pub lead_rule: String,
    pub lead_value: f64,
    /// School codes the bureau designates as leads.
    pub designated: Vec<String>,
    /// (lead code, member code) pairs kept together.
    pub fixed: Vec<(String, String)>,
    /// Pairs of school codes never in one cluster.
    pub forbidden: Vec<(String, String)>,
    /// Weight of the strength spread against kilometres.
    pub balance_weight: f64,
    /// Kilometres a school's move out of its district is worth.
    pub move_penalty_km: f64,
    /// Bureau-entered strength (0–100) by school code; overrides the assessment's.
    pub scores: Vec<(String, f64)>,
    pub time_limit: f64,
    pub seed: u64,
    /// The school year whose assessment gives the strengths (default: the latest complete one).
    pub year: Option<i32>,
    /// Whether a school without figures for that year (and without a bureau score) counts as
    /// strength 0; otherwise such schools stop the plan and are named.
    pub missing_as_zero: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            stage: "primary".into(),
            clusters: None,
            max_schools: 10,
            min_schools: 3,
            max_students: None,
            lead_rule: "top".into(),
            lead_value: 20.0,
            designated: Vec::new(),
            fixed: Vec::new(),
            forbidden: Vec::new(),
            balance_weight: 1.0,
            move_penalty_km: 0.0,
            scores: Vec::new(),
            time_limit: 5.0,
            seed: 1,
            year: None,
            missing_as_zero: false,
        }
    }
}

/// Where a school's strength came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Assessment,
    Bureau,
    /// Statistics entered but left out of the standard (a teaching point under 50 pupils, a
    /// special school): the weakest, 0.
    LeftOut,
    Missing,
}

/// The schools a plan covers, as the engine sees them, and those it leaves alone.
pub struct Planning {
    pub settings: Settings,
    pub schools: Vec<school::Model>,
    pub points: Vec<SchoolPoint>,
    pub sources: Vec<Source>,
    pub rules: Rules,
    /// Today's districts over these schools.
    pub current: Vec<PlannedCluster>,
    /// Schools left out: held by a group or bundle, or without a location.
    pub kept: Vec<(String, String)>,
    pub unlocated: Vec<String>,
    pub year: Option<i32>,
}

impl Settings {
    pub fn validate(&self) -> Result<(), AppError> {
        let problems = self.problems();
        if problems.is_empty() { Ok(()) } else { Err(AppError::Invalid(problems)) }
    }

    /// Every setting out of its range, by field.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        let range = |field: &'static str, value: f64, min: f64, max: f64, problems: &mut Vec<FieldProblem>| {
            if !(min..=max).contains(&value) {
                problems.push(FieldProblem::new(
                    field,
                    Problem::OutOfRange { value: value.to_string(), min: min.to_string(), max: max.to_string() },
                ));
            }
        };
        if !["primary", "junior", "both"].contains(&self.stage.as_str()) {
            problems.push(FieldProblem::new(
                "stage",
                Problem::UnknownValue { value: self.stage.clone(), allowed: "primary, junior, both".into() },
            ));
        }
        if !["top", "threshold", "designated"].contains(&self.lead_rule.as_str()) {
            problems.push(FieldProblem::new(
                "lead_rule",
                Problem::UnknownValue { value: self.lead_rule.clone(), allowed: "top, threshold, designated".into() },
            ));
        }
        let max = xuequ_domain::cluster::max_schools(ClusterForm::District).unwrap_or(10) as f64;
        range("max_schools", self.max_schools as f64, 2.0, max, &mut problems);
        range("min_schools", self.min_schools as f64, 1.0, self.max_schools as f64, &mut problems);
        range("lead_value", self.lead_value, 0.0, 100.0, &mut problems);
        range("balance_weight", self.balance_weight, 0.0, 1000.0, &mut problems);
        range("move_penalty_km", self.move_penalty_km, 0.0, 1000.0, &mut problems);
        range("time_limit", self.time_limit, 0.5, 120.0, &mut problems);
        if let Some(c) = self.clusters {
            range("clusters", c as f64, 1.0, 10_000.0, &mut problems);
        }
        for (_, score) in &self.scores {
            range("scores", *score, 0.0, 100.0, &mut problems);
        }
        problems
    }

    /// Turns the schools named in the settings into codes: a person may type a school's code or
    /// its full name. Every name that matches no active school is a problem on its field.
    pub fn resolve_schools(&mut self, schools: &[school::Model]) -> Vec<FieldProblem> {
        let mut lookup: HashMap<&str, &str> = HashMap::new();
        for s in schools.iter().filter(|s| s.status == Status::Active) {
            lookup.insert(s.name.as_str(), s.code.as_str());
            lookup.insert(s.code.as_str(), s.code.as_str());
        }
        let mut problems = Vec::new();
        let mut resolve = |field: &'static str, text: &mut String| match lookup.get(text.trim()) {
            Some(code) => *text = code.to_string(),
            None => problems.push(FieldProblem::new(field, Problem::NoSuchSchool { value: text.trim().to_string() })),
        };
        self.designated.iter_mut().for_each(|c| resolve("designated", c));
        for (field, pairs) in [("fixed", &mut self.fixed), ("forbidden", &mut self.forbidden)] {
            for (a, b) in pairs.iter_mut() {
                resolve(field, a);
                resolve(field, b);
            }
        }
        self.scores.iter_mut().for_each(|(c, _)| resolve("scores", c));
        problems
    }
}

fn in_stage(t: SchoolType, stage: &str) -> bool {
    match stage {
        "primary" => matches!(t, SchoolType::Primary | SchoolType::NineYear),
        "junior" => matches!(t, SchoolType::Junior | SchoolType::NineYear),
        _ => matches!(t, SchoolType::Primary | SchoolType::Junior | SchoolType::NineYear),
    }
}

fn mask(t: SchoolType) -> u8 {
    match t {
        SchoolType::Junior => JUNIOR,
        SchoolType::NineYear => PRIMARY | JUNIOR,
        _ => PRIMARY,
    }
}

/// Every problem of these settings, out-of-range values and unknown schools alike, so that a form
/// can show them all before a plan is started.
pub async fn settings_problems(app: &App, c: &Caller, settings: &Settings) -> Result<Vec<FieldProblem>, AppError> {
    c.require(Action::Create, Resource::Plan, &Target::county(c.county()))?;
    let all = app.store.all_schools(c.county()).await?;
    let mut problems = settings.problems();
    problems.extend(settings.clone().resolve_schools(&all));
    if problems.is_empty() {
        // What only gathering finds: a year without figures, schools without strength.
        match gather(app, c, settings.clone()).await {
            Err(AppError::Invalid(more)) => problems.extend(more),
            Err(e) => return Err(e),
            Ok(_) => {}
        }
    }
    Ok(problems)
}

/// Gathers the schools, their strength and today's districts for these settings.
pub async fn gather(app: &App, c: &Caller, mut settings: Settings) -> Result<Planning, AppError> {
    let county = c.county();
    c.require(Action::Read, Resource::Plan, &Target::county(county))?;
    let all = app.store.all_schools(county).await?;
    let mut problems = settings.problems();
    problems.extend(settings.resolve_schools(&all));
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let clusters = app.store.all_clusters(county).await?;
    // Who is held by which county-level cluster today.
    let mut held: HashMap<i64, (i64, bool, String)> = HashMap::new();
    for c in clusters.iter().filter(|c| c.status == Status::Active && c.level == ClusterLevel::County) {
        let district = c.form == ClusterForm::District;
        for m in app.store.members(county, c.id, false).await? {
            held.insert(m.school.id, (c.id, district, c.name.clone()));
        }
    }
    let (mut schools, mut kept, mut unlocated) = (Vec::new(), Vec::new(), Vec::new());
    for s in all.into_iter().filter(|s| s.status == Status::Active) {
        let t = s.school_type;
        if !in_stage(t, &settings.stage) {
            continue;
        }
        match held.get(&s.id) {
            Some((_, false, name)) => kept.push((s.name.clone(), name.clone())),
            _ if s.latitude.is_none() || s.longitude.is_none() => unlocated.push(s.name.clone()),
            _ => schools.push(s),
        }
    }
    let (strength, sources, year) = strengths(app, c, &schools, &settings).await?;
    let students = students(app, county, &schools, year).await?;
    let index: HashMap<i64, usize> = schools.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let by_code: HashMap<&str, usize> = schools.iter().enumerate().map(|(i, s)| (s.code.as_str(), i)).collect();
    let code = |field: &'static str, c: &str| -> Result<usize, AppError> {
        by_code
            .get(c.trim())
            .copied()
            .ok_or_else(|| AppError::Invalid(vec![FieldProblem::new(field, Problem::UnknownSchool { value: c.to_string() })]))
    };
    let designated: HashSet<usize> = settings.designated.iter().map(|c| code("designated", c)).collect::<Result<_, _>>()?;
    let pairs = |field: &'static str, list: &[(String, String)]| -> Result<Vec<(usize, usize)>, AppError> {
        list.iter().map(|(a, b)| Ok((code(field, a)?, code(field, b)?))).collect()
    };
    let points: Vec<SchoolPoint> = schools
        .iter()
        .enumerate()
        .map(|(i, s)| SchoolPoint {
            lat: s.latitude.unwrap_or_default(),
            lon: s.longitude.unwrap_or_default(),
            stage: mask(s.school_type),
            students: students[i],
            strength: strength[i],
            current: held.get(&s.id).filter(|h| h.1).map(|h| h.0 as u32),
            designated: designated.contains(&i),
        })
        .collect();
    let rules = Rules {
        clusters: settings.clusters,
        max_schools: settings.max_schools,
        min_schools: settings.min_schools,
        max_students: settings.max_students,
        lead_rule: match settings.lead_rule.as_str() {
            "threshold" => LeadRule::Threshold(settings.lead_value),
            "designated" => LeadRule::Designated,
            _ => LeadRule::TopPercent(settings.lead_value),
        },
        mixed_stages: settings.stage == "both",
        fixed: pairs("fixed", &settings.fixed)?,
        forbidden: pairs("forbidden", &settings.forbidden)?,
        balance_weight: settings.balance_weight,
        move_penalty_km: settings.move_penalty_km,
        travel: None,
    };
    let current = current_districts(&clusters, &held, &index);
    Ok(Planning { settings, schools, points, sources, rules, current, kept, unlocated, year })
}

/// Today's districts restricted to the planned schools.
fn current_districts(
    clusters: &[xuequ_store::entities::cluster::Model],
    held: &HashMap<i64, (i64, bool, String)>,
    index: &HashMap<i64, usize>,
) -> Vec<PlannedCluster> {
    clusters
        .iter()
        .filter(|c| index.contains_key(&c.lead_school_id) && held.get(&c.lead_school_id).is_some_and(|h| h.0 == c.id))
        .map(|c| PlannedCluster {
            lead: c.lead_school_id,
            members: held
                .iter()
                .filter(|(s, h)| h.0 == c.id && **s != c.lead_school_id && index.contains_key(s))
                .map(|(s, _)| *s)
                .collect(),
        })
        .collect()
}

/// Strength per school: the assessment's normalised composite for the planned stage, unless the
/// bureau entered a score. The assessment is of the year the settings name (default: the latest
/// complete one); a school with neither is missing, and missing schools stop the plan unless the
/// bureau chose to count them as 0.
async fn strengths(
    app: &App,
    c: &Caller,
    schools: &[school::Model],
    settings: &Settings,
) -> Result<(Vec<f64>, Vec<Source>, Option<i32>), AppError> {
    let report = match assessment::assess(app, c, settings.year, None).await {
        Ok(a) => Some((a.year, a.report)),
        Err(AppError::NotFound) if settings.year.is_none() => None,
        Err(AppError::NotFound) => {
            let value = settings.year.unwrap_or_default().to_string();
            let years = assessment::assess(app, c, None, None).await.map(|a| a.years).unwrap_or_default();
            let allowed = years.iter().map(i32::to_string).collect::<Vec<_>>().join(" / ");
            return Err(AppError::Invalid(vec![FieldProblem::new("year", Problem::UnknownValue { value, allowed })]));
        }
        Err(e) => return Err(e),
    };
    let section = if settings.stage == "junior" { Section::Junior } else { Section::Primary };
    let mut by_code: HashMap<&str, Vec<(Section, f64)>> = HashMap::new();
    let mut left_out: HashSet<&str> = HashSet::new();
    if let Some((_, r)) = &report {
        for s in &r.schools {
            by_code.entry(s.code.as_str()).or_default().push((s.section, xuequ_assess::strength(s)));
        }
        left_out.extend(r.excluded.iter().map(|e| e.code.as_str()));
    }
    let bureau: HashMap<&str, f64> = settings.scores.iter().map(|(c, s)| (c.trim(), *s)).collect();
    let mut strength = Vec::with_capacity(schools.len());
    let mut sources = Vec::with_capacity(schools.len());
    for s in schools {
        if let Some(&score) = bureau.get(s.code.as_str()) {
            strength.push(score);
            sources.push(Source::Bureau);
            continue;
        }
        let found = by_code.get(s.code.as_str()).and_then(|v| v.iter().find(|x| x.0 == section).or(v.first()).map(|x| x.1));
        strength.push(found.unwrap_or(0.0));
        sources.push(match found {
            Some(_) => Source::Assessment,
            None if left_out.contains(s.code.as_str()) => Source::LeftOut,
            None => Source::Missing,
        });
    }
    let missing: Vec<&str> = schools.iter().zip(&sources).filter(|(_, s)| **s == Source::Missing).map(|(s, _)| s.name.as_str()).collect();
    if !missing.is_empty() && !settings.missing_as_zero {
        let year = report.as_ref().map(|r| format!("{}–{}", r.0, r.0 + 1)).unwrap_or_else(|| "—".into());
        return Err(AppError::Invalid(vec![FieldProblem::new(
            "missing_as_zero",
            Problem::MissingFigures { year, count: missing.len(), schools: name_some(&missing) },
        )]));
    }
    Ok((strength, sources, report.map(|r| r.0)))
}

/// The first few names and how many more: enough to act on, short enough to read.
fn name_some(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut text = names.iter().take(SHOWN).copied().collect::<Vec<_>>().join("、");
    if names.len() > SHOWN {
        text.push_str(&format!(" … (+{})", names.len() - SHOWN));
    }
    text
}

/// Each school's pupils in the planned year, or the latest year before it.
async fn students(app: &App, county: i64, schools: &[school::Model], year: Option<i32>) -> Result<Vec<f64>, AppError> {
    let stats = app.store.all_stats(county, None).await?;
    let mut latest: HashMap<i64, (i32, f64)> = HashMap::new();
    for s in stats.into_iter().filter(|s| year.is_none_or(|y| s.year <= y)) {
        let n = (s.students_primary + s.students_junior) as f64;
        let e = latest.entry(s.school_id).or_insert((s.year, n));
        if s.year >= e.0 {
            *e = (s.year, n);
        }
    }
    Ok(schools.iter().map(|s| latest.get(&s.id).map_or(0.0, |x| x.1)).collect())
}

/// Progress of a running plan, shared with the page that shows it.
#[derive(Default)]
pub struct Progress {
    /// Per mille of the time limit used.
    pub permille: AtomicU64,
    /// Best objective so far, as f64 bits.
    pub best: AtomicU64,
}

/// Runs the engine on a blocking thread.
pub async fn run(planning: &Planning, progress: Arc<Progress>) -> Result<Vec<PlannedCluster>, AppError> {
    let points = planning.points.clone();
    let rules = planning.rules.clone();
    let options = xuequ_plan::Options {
        seed: planning.settings.seed,
        time_limit: Duration::from_secs_f64(planning.settings.time_limit),
        ..Default::default()
    };
    let ids: Vec<i64> = planning.schools.iter().map(|s| s.id).collect();
    let solved = tokio::task::spawn_blocking(move || {
        let report = |fraction: f64, best: f64| {
            progress.permille.store((fraction * 1000.0).min(1000.0) as u64, Ordering::Relaxed);
            progress.best.store(best.to_bits(), Ordering::Relaxed);
        };
        schools::plan(&points, &rules, &options, &report)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let (solution, _) = solved.map_err(|e| AppError::Conflict(Problem::NoPlan { reason: e.to_string() }))?;
    Ok(to_clusters(&solution, &ids))
}

pub fn to_clusters(sol: &Solution, ids: &[i64]) -> Vec<PlannedCluster> {
    let mut clusters: Vec<PlannedCluster> = sol.medians.iter().map(|&m| PlannedCluster { lead: ids[m], members: Vec::new() }).collect();
    for (i, &a) in sol.assignment.iter().enumerate() {
        if sol.medians[a] != i {
            clusters[a].members.push(ids[i]);
        }
    }
    clusters
}

/// The plan over the planned schools as the engine's solution; schools no longer planned are
/// dropped, planned schools the plan does not mention stay on their own.
pub fn to_solution(planning: &Planning, clusters: &[PlannedCluster]) -> Solution {
    let index: HashMap<i64, usize> = planning.schools.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let mut medians = Vec::new();
    let mut assignment = vec![usize::MAX; planning.schools.len()];
    for c in clusters {
        let Some(&lead) = index.get(&c.lead) else { continue };
        let a = medians.len();
        medians.push(lead);
        assignment[lead] = a;
        for m in c.members.iter().filter_map(|m| index.get(m)) {
            assignment[*m] = a;
        }
    }
    for (i, a) in assignment.iter_mut().enumerate() {
        if *a == usize::MAX {
            *a = medians.len();
            medians.push(i);
        }
    }
    Solution { medians, assignment }
}

/// A plan's measures, and how many planned schools it leaves outside every cluster (today's
/// districts usually do; those schools count as travelling nowhere, and their "rules" are not
/// reported as broken).
#[derive(Debug, Clone, Serialize)]
pub struct PlanMeasures {
    #[serde(flatten)]
    pub measures: Measures,
    pub unclustered: usize,
}

pub fn measure(planning: &Planning, clusters: &[PlannedCluster]) -> PlanMeasures {
    let sol = to_solution(planning, clusters);
    let mentioned = clusters.iter().filter(|c| planning.schools.iter().any(|s| s.id == c.lead)).count();
    let alone: HashSet<usize> = sol.medians[mentioned..].iter().copied().collect();
    let mut measures = schools::measure(&planning.points, &planning.rules, &sol);
    measures.violations.retain(|v| match v {
        xuequ_plan::Violation::NotEligible { median } | xuequ_plan::Violation::TooFew { median, .. } => !alone.contains(median),
        _ => true,
    });
    measures.clusters = mentioned;
    // Spread among the clusters the plan forms, not the schools it leaves alone.
    (measures.spread, measures.spread_sd) = schools::spread(&schools::cluster_means(&planning.points, &sol)[..mentioned]);
    PlanMeasures { measures, unclustered: alone.len() }
}

/// Moves a school to the cluster led by `lead` (or makes it lead a new cluster when `lead` is
/// the school itself). A lead that moves hands its cluster to nobody: its members stay together
/// under the strongest of them.
pub fn move_school(planning: &Planning, clusters: &mut Vec<PlannedCluster>, school: i64, lead: i64) {
    let strength: HashMap<i64, f64> = planning.schools.iter().zip(&planning.points).map(|(s, p)| (s.id, p.strength)).collect();
    for c in clusters.iter_mut() {
        c.members.retain(|&m| m != school);
    }
    if let Some(pos) = clusters.iter().position(|c| c.lead == school) {
        let old = clusters.remove(pos);
        if let Some(&next) = old.members.iter().max_by(|a, b| strength.get(a).unwrap_or(&0.0).total_cmp(strength.get(b).unwrap_or(&0.0))) {
            clusters.push(PlannedCluster { lead: next, members: old.members.into_iter().filter(|&m| m != next).collect() });
        }
    }
    match clusters.iter_mut().find(|c| c.lead == lead) {
        Some(c) if lead != school => c.members.push(school),
        _ => clusters.push(PlannedCluster { lead: school, members: Vec::new() }),
    }
}

/// A saved plan with everything its page and the API show.
#[derive(Serialize)]
pub struct PlanView {
    pub plan: xuequ_store::entities::plan::Model,
    pub settings: Settings,
    pub clusters: Vec<PlannedCluster>,
    pub measures: PlanMeasures,
    /// Today's districts over the same schools, measured the same way.
    pub current: PlanMeasures,
    pub strength_source: SourceCounts,
    /// The planner's input the figures were measured on (shared with the cache).
    #[serde(skip)]
    pub planning: Arc<Planning>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceCounts {
    pub assessment_year: Option<i32>,
    pub assessment: usize,
    pub bureau: usize,
    pub left_out: usize,
    pub missing: usize,
}

fn counts(p: &Planning) -> SourceCounts {
    let n = |s: Source| p.sources.iter().filter(|&&x| x == s).count();
    SourceCounts {
        assessment_year: p.year,
        assessment: n(Source::Assessment),
        bureau: n(Source::Bureau),
        left_out: n(Source::LeftOut),
        missing: n(Source::Missing),
    }
}

/// Runs the planner with these settings and saves the result as a new plan.
pub async fn create(app: &App, c: &Caller, name: &str, settings: Settings, progress: Arc<Progress>) -> Result<i64, AppError> {
    c.require(Action::Create, Resource::Plan, &Target::county(c.county()))?;
    let planning = gather(app, c, settings).await?;
    let clusters = run(&planning, progress).await?;
    // The caller names the plan (the pages offer a dated default in the reader's language).
    if name.trim().is_empty() {
        return Err(AppError::invalid("name", Problem::Required));
    }
    let name = name.trim().to_string();
    let draft = xuequ_store::plans::PlanDraft {
        name,
        stage: planning.settings.stage.clone(),
        settings: serde_json::to_string(&planning.settings).map_err(|e| AppError::Internal(e.to_string()))?,
        clusters,
    };
    Ok(app.store.save_plan(&c.ctx(), &draft).await?.id)
}

pub async fn view(app: &App, c: &Caller, id: i64) -> Result<PlanView, AppError> {
    c.require(Action::Read, Resource::Plan, &Target::county(c.county()))?;
    let plan = app.store.plan(c.county(), id).await?.ok_or(AppError::NotFound)?;
    let settings: Settings = serde_json::from_str(&plan.settings).map_err(|e| AppError::Internal(e.to_string()))?;
    let clusters: Vec<PlannedCluster> = serde_json::from_str(&plan.clusters).map_err(|e| AppError::Internal(e.to_string()))?;
    let planning = planning_for(app, c, &settings).await?;
    let measures = measure(&planning, &clusters);
    let current = measure(&planning, &planning.current);
    let strength_source = counts(&planning);
    Ok(PlanView { plan, settings, clusters, measures, current, strength_source, planning })
}

/// The planner's input for saved settings, from the cache while the county's records are
/// unchanged: viewing a plan and moving schools by hand do not gather the county again.
async fn planning_for(app: &App, c: &Caller, settings: &Settings) -> Result<Arc<Planning>, AppError> {
    let key = (c.county(), serde_json::to_string(settings).map_err(AppError::internal)?);
    let version = app.store.version(c.county()).await?;
    if let Some(hit) = app.derived.plannings.get(&key, version) {
        c.require(Action::Read, Resource::Plan, &Target::county(c.county()))?;
        return Ok(hit);
    }
    let fresh = Arc::new(gather(app, c, settings.clone()).await?);
    app.derived.plannings.put(key, version, fresh.clone());
    Ok(fresh)
}

/// Moves a school by hand and saves the plan.
pub async fn hand_move(app: &App, c: &Caller, id: i64, school: i64, lead: i64) -> Result<(), AppError> {
    c.require(Action::Update, Resource::Plan, &Target::county(c.county()))?;
    let mut pv = view(app, c, id).await?;
    let known = |s: i64| pv.planning.schools.iter().any(|x| x.id == s);
    if !known(school) || !known(lead) {
        return Err(AppError::NotFound);
    }
    move_school(&pv.planning, &mut pv.clusters, school, lead);
    app.store.update_plan(&c.ctx(), id, &pv.plan.name, &pv.clusters).await?;
    Ok(())
}

pub async fn rename(app: &App, c: &Caller, id: i64, name: &str) -> Result<(), AppError> {
    c.require(Action::Update, Resource::Plan, &Target::county(c.county()))?;
    if name.trim().is_empty() {
        return Err(AppError::invalid("name", Problem::Required));
    }
    let plan = app.store.plan(c.county(), id).await?.ok_or(AppError::NotFound)?;
    let clusters: Vec<PlannedCluster> = serde_json::from_str(&plan.clusters).map_err(|e| AppError::Internal(e.to_string()))?;
    app.store.update_plan(&c.ctx(), id, name, &clusters).await?;
    Ok(())
}

/// What [`apply`] would change, for the confirmation before it.
pub async fn changes(app: &App, c: &Caller, id: i64) -> Result<xuequ_domain::cluster::plan::Changes, AppError> {
    c.require(Action::Update, Resource::Cluster, &Target::county(c.county()))?;
    c.require(Action::Read, Resource::Plan, &Target::county(c.county()))?;
    Ok(app.store.plan_changes(c.county(), id).await?)
}

pub async fn apply(app: &App, c: &Caller, id: i64, on: chrono::NaiveDate) -> Result<xuequ_store::plans::Applied, AppError> {
    c.require(Action::Update, Resource::Cluster, &Target::county(c.county()))?;
    c.require(Action::Update, Resource::Plan, &Target::county(c.county()))?;
    // A plan that breaks a rule of the county's settings is adjusted first, never applied.
    let broken = view(app, c, id).await?.measures.measures.violations.len();
    if broken > 0 {
        return Err(AppError::Conflict(Problem::PlanBreaksRules { count: broken }));
    }
    let applied = app.store.apply_plan(&c.ctx(), id, on).await?;
    app.forget_sessions(None).await?; // cluster heads' scopes changed
    Ok(applied)
}

/// Per mille of the time used, the time limit in seconds, and the outcome once there is one.
pub type JobStatus = (u64, f64, Option<Result<i64, String>>);

/// Plans running for the pages, by job number.
#[derive(Default)]
pub struct Jobs {
    next: AtomicU64,
    jobs: std::sync::Mutex<HashMap<u64, Job>>,
}

pub struct Job {
    pub county: i64,
    pub progress: Arc<Progress>,
    pub seconds: f64,
    /// `None` while running; the plan id, or the error's message.
    pub outcome: Option<Result<i64, String>>,
    /// When it finished: a finished job is kept for [`Jobs::KEEP`] for its page to pick up.
    pub finished: Option<std::time::Instant>,
}

impl Jobs {
    const KEEP: Duration = Duration::from_secs(3600);

    pub fn start(&self, county: i64, seconds: f64) -> (u64, Arc<Progress>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let progress = Arc::new(Progress::default());
        let mut jobs = self.jobs.lock().expect("jobs lock");
        jobs.retain(|_, j| j.finished.is_none_or(|at| at.elapsed() < Self::KEEP));
        jobs.insert(id, Job { county, progress: progress.clone(), seconds, outcome: None, finished: None });
        (id, progress)
    }

    pub fn finish(&self, id: u64, outcome: Result<i64, String>) {
        if let Some(job) = self.jobs.lock().expect("jobs lock").get_mut(&id) {
            job.outcome = Some(outcome);
            job.finished = Some(std::time::Instant::now());
        }
    }

    /// A job's state, only for its own county.
    pub fn status(&self, id: u64, county: i64) -> Option<JobStatus> {
        let jobs = self.jobs.lock().expect("jobs lock");
        let job = jobs.get(&id).filter(|j| j.county == county)?;
        Some((job.progress.permille.load(Ordering::Relaxed), job.seconds, job.outcome.clone()))
    }
}

/// The county's saved plans, newest first.
pub async fn list(app: &App, c: &Caller) -> Result<Vec<xuequ_store::entities::plan::Model>, AppError> {
    c.require(Action::Read, Resource::Plan, &Target::county(c.county()))?;
    Ok(app.store.plans(c.county()).await?)
}

/// One saved plan as stored.
pub async fn plan(app: &App, c: &Caller, id: i64) -> Result<xuequ_store::entities::plan::Model, AppError> {
    c.require(Action::Read, Resource::Plan, &Target::county(c.county()))?;
    app.store.plan(c.county(), id).await?.ok_or(AppError::NotFound)
}
