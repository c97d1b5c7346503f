//! The planning pages: the saved plans and the form for a new one; a running plan's progress; a
//! plan on a map and per cluster, compared with today's districts and another plan, edited by
//! hand, renamed and applied.

use super::*;
use crate::map::{MapPoint, PALETTE, district_colours, plan_svg};
use xuequ_app::planning::PlanMeasures;
use xuequ_app::planning::{self, PlanView, Settings};
use xuequ_app::records::PlannedCluster;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/plans", get(list).post(start))
        .route("/plans/jobs/{job}", get(job))
        .route("/plans/{id}", get(show))
        .route("/plans/{id}/move", post(hand_move))
        .route("/plans/{id}/rename", post(rename))
        .route("/plans/{id}/apply", get(apply_confirm).post(apply))
}

#[derive(Template, WebTemplate)]
#[template(path = "planning/plans.html")]
struct PlansPage {
    chrome: Chrome,
    plans: Vec<(String, String, String, String, String)>,
    /// The form for a new plan, for those who may start one.
    form: Option<PlanForm>,
}

/// The new-plan form in three groups: what to plan, the rules, and advanced settings.
struct PlanForm {
    groups: Vec<FieldGroup>,
    errors: Vec<String>,
    /// `code name` of every active school, offered as a person types into a school field.
    schools: Vec<Opt>,
}

struct FieldGroup {
    legend: String,
    /// Folded until opened (advanced settings), unless one of its fields is wrong.
    folded: bool,
    fields: Vec<PlanField>,
}

struct PlanField {
    name: &'static str,
    label: String,
    hint: String,
    /// `number`, `text`, `select`, `schools` (one line of schools) or `pairs` (a pair per line).
    kind: &'static str,
    value: String,
    options: Vec<Opt>,
    error: Option<String>,
    /// The first field with a problem takes the focus, so the page opens at it.
    focus: bool,
}

/// The form's fields by group, each with the label and the plain-words hint from the bundle
/// (`plan-f-{name}`, `plan-h-{name}`).
/// A group's name, whether it starts folded, and its fields (name, kind).
type Group = (&'static str, bool, &'static [(&'static str, &'static str)]);

const GROUPS: [Group; 3] = [
    ("what", false, &[("name", "text"), ("stage", "select"), ("clusters", "number"), ("year", "select"), ("missing_as_zero", "select")]),
    (
        "rules",
        false,
        &[
            ("min_schools", "number"),
            ("max_schools", "number"),
            ("max_students", "number"),
            ("lead_rule", "select"),
            ("lead_value", "number"),
            ("designated", "schools"),
            ("fixed", "pairs"),
            ("forbidden", "pairs"),
        ],
    ),
    ("advanced", true, &[("balance_weight", "number"), ("move_penalty_km", "number"), ("time_limit", "number"), ("scores", "pairs")]),
];

/// The form's values from settings, as a person would type them.
fn settings_values(s: &Settings) -> HashMap<String, String> {
    let lines = |pairs: &[(String, String)]| pairs.iter().map(|(a, b)| format!("{a} {b}")).collect::<Vec<_>>().join("\n");
    let number = |x: f64| if x.fract() == 0.0 { format!("{x:.0}") } else { x.to_string() };
    [
        ("stage", s.stage.clone()),
        ("clusters", s.clusters.map(|c| c.to_string()).unwrap_or_default()),
        ("year", s.year.map(|y| y.to_string()).unwrap_or_default()),
        ("missing_as_zero", if s.missing_as_zero { "yes" } else { "no" }.to_string()),
        ("min_schools", s.min_schools.to_string()),
        ("max_schools", s.max_schools.to_string()),
        ("max_students", s.max_students.map(number).unwrap_or_default()),
        ("lead_rule", s.lead_rule.clone()),
        ("lead_value", number(s.lead_value)),
        ("designated", s.designated.join(" ")),
        ("fixed", lines(&s.fixed)),
        ("forbidden", lines(&s.forbidden)),
        ("balance_weight", number(s.balance_weight)),
        ("move_penalty_km", number(s.move_penalty_km)),
        ("time_limit", number(s.time_limit)),
        ("scores", s.scores.iter().map(|(c, x)| format!("{c} {}", number(*x))).collect::<Vec<_>>().join("\n")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

async fn plan_form(app: &App, v: &Viewer, values: &HashMap<String, String>, problems: &[FieldProblem]) -> Result<PlanForm, PageError> {
    let t = v.tr();
    let mut schools: Vec<Opt> = xuequ_app::registry::all_schools(app, v)
        .await?
        .into_iter()
        .filter(|s| s.status == xuequ_domain::Status::Active)
        .map(|s| Opt { value: s.name.clone(), label: s.code.clone(), selected: false })
        .collect();
    schools.sort_by(|a, b| a.label.cmp(&b.label));
    // Examples in the hints are schools of this county, not made-up codes.
    let example = |i: usize| schools.get(i).map(|o| o.value.clone()).unwrap_or_default();
    let examples = [("a", example(0)), ("b", example(1))];
    let max = xuequ_domain::cluster::max_schools(xuequ_domain::ClusterForm::District).unwrap_or(10);
    let years = year_options(app, v, values.get("year").map(String::as_str).unwrap_or("")).await?;
    let options = |name: &str, codes: &[&str]| -> Vec<Opt> {
        let chosen = values.get(name).map(String::as_str).unwrap_or("");
        codes
            .iter()
            .map(|c| Opt { value: c.to_string(), label: t.get(&format!("plan-{name}-{c}").replace('_', "-")), selected: *c == chosen })
            .collect()
    };
    let groups: Vec<FieldGroup> = GROUPS
        .iter()
        .map(|(group, folded, fields)| {
            let fields: Vec<PlanField> = fields
                .iter()
                .map(|&(name, kind)| {
                    let key = name.replace('_', "-");
                    let mut args: Vec<(&str, String)> = examples.to_vec();
                    args.push(("max", max.to_string()));
                    PlanField {
                        name,
                        label: t.get(&format!("plan-f-{key}")),
                        hint: t.with(&format!("plan-h-{key}"), &args),
                        kind,
                        value: values.get(name).cloned().unwrap_or_default(),
                        options: match name {
                            "stage" => options(name, &["primary", "junior", "both"]),
                            "lead_rule" => options(name, &["top", "threshold", "designated"]),
                            "missing_as_zero" => options(name, &["no", "yes"]),
                            "year" => years.clone(),
                            _ => Vec::new(),
                        },
                        error: problems.iter().any(|p| p.field == name).then(|| {
                            problems.iter().filter(|p| p.field == name).map(|p| t.problem(&p.problem)).collect::<Vec<_>>().join("；")
                        }),
                        focus: false,
                    }
                })
                .collect();
            FieldGroup { legend: t.get(&format!("plan-g-{group}")), folded: *folded && fields.iter().all(|f| f.error.is_none()), fields }
        })
        .collect();
    let mut groups = groups;
    if let Some(first) = groups.iter_mut().flat_map(|g| g.fields.iter_mut()).find(|f| f.error.is_some()) {
        first.focus = true;
    }
    let known: Vec<&str> = GROUPS.iter().flat_map(|g| g.2.iter().map(|f| f.0)).collect();
    let errors = problems.iter().filter(|p| !known.contains(&p.field)).map(|p| t.problem(&p.problem)).collect();
    Ok(PlanForm { groups, errors, schools })
}

/// The school years with statistics, each saying whether its figures are complete; the first
/// option (empty) stands for the latest complete year.
async fn year_options(app: &App, v: &Viewer, chosen: &str) -> Result<Vec<Opt>, PageError> {
    let t = v.tr();
    let a = match xuequ_app::assessment::assess(app, v, None, None).await {
        Ok(a) => a,
        Err(xuequ_app::AppError::NotFound) => {
            return Ok(vec![Opt { value: String::new(), label: t.get("plan-year-none"), selected: true }]);
        }
        Err(e) => return Err(e.into()),
    };
    let school_year = |y: i32| format!("{y}–{}", y + 1);
    let mut out = vec![Opt {
        value: String::new(),
        label: t.with("plan-year-latest", &[("year", school_year(a.year))]),
        selected: chosen.is_empty(),
    }];
    for y in &a.years {
        let c = &a.coverage[y];
        let label = if c.complete() {
            t.with("plan-year-complete", &[("year", school_year(*y))])
        } else {
            t.with(
                "plan-year-partial",
                &[("year", school_year(*y)), ("with", c.schools_with.to_string()), ("expected", c.schools_expected.to_string())],
            )
        };
        out.push(Opt { value: y.to_string(), label, selected: chosen == y.to_string() });
    }
    Ok(out)
}

async fn plans_page(app: &App, v: &Viewer, values: &HashMap<String, String>, problems: &[FieldProblem]) -> PageResult {
    let county = Target::county(v.county());
    v.require(Action::Read, Resource::Plan, &county)?;
    let t = v.tr();
    let plans = xuequ_app::planning::list(app, v)
        .await?
        .into_iter()
        .map(|p| {
            let applied =
                p.applied_on.map(|d| t.with("plan-applied-on", &[("date", d.to_string())])).unwrap_or_else(|| t.get("plan-draft"));
            (
                format!("/plans/{}", p.id),
                p.name,
                t.get(&format!("plan-stage-{}", p.stage)),
                p.created_at.format("%Y-%m-%d %H:%M").to_string(),
                applied,
            )
        })
        .collect();
    let form = match v.can(Action::Create, Resource::Plan, &county) {
        true => Some(plan_form(app, v, values, problems).await?),
        false => None,
    };
    let status = if problems.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, PlansPage { chrome: Chrome::new(v, t.get("plans-title"), "/plans"), plans, form }).into_response())
}

async fn list(State(app): State<App>, v: Viewer) -> PageResult {
    plans_page(&app, &v, &settings_values(&Settings::default()), &[]).await
}

/// Reads the form into settings; every field that does not parse is named. A school may be
/// given by code or by full name.
fn settings_from(form: &HashMap<String, String>) -> (Settings, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    let text = |k: &str| form.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut number = |k: &'static str, default: f64| -> f64 {
        let t = text(k);
        if t.is_empty() {
            return default;
        }
        match t.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => {
                problems.push(FieldProblem::new(k, Problem::NotANumber { value: t.clone() }));
                default
            }
        }
    };
    let d = Settings::default();
    let clusters = number("clusters", 0.0);
    let max_students = number("max_students", 0.0);
    let mut s = Settings {
        stage: text("stage"),
        clusters: (clusters > 0.0).then_some(clusters as usize),
        max_schools: number("max_schools", d.max_schools as f64) as usize,
        min_schools: number("min_schools", d.min_schools as f64) as usize,
        max_students: (max_students > 0.0).then_some(max_students),
        lead_rule: text("lead_rule"),
        lead_value: number("lead_value", d.lead_value),
        balance_weight: number("balance_weight", d.balance_weight),
        move_penalty_km: number("move_penalty_km", d.move_penalty_km),
        time_limit: number("time_limit", d.time_limit),
        seed: number("seed", 1.0) as u64,
        missing_as_zero: text("missing_as_zero") == "yes",
        ..d
    };
    let year = text("year");
    if !year.is_empty() {
        match year.parse::<i32>() {
            Ok(y) => s.year = Some(y),
            Err(_) => problems.push(FieldProblem::new("year", Problem::NotAnInteger { value: year })),
        }
    }
    let words = |l: &str| -> Vec<String> {
        l.split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、').filter(|x| !x.is_empty()).map(String::from).collect()
    };
    s.designated = words(&text("designated"));
    let mut pairs = |k: &'static str| -> Vec<(String, String)> {
        text(k)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| match &words(l)[..] {
                [a, b] => Some((a.clone(), b.clone())),
                _ => {
                    problems.push(FieldProblem::new(k, Problem::NotAPair { value: l.trim().to_string() }));
                    None
                }
            })
            .collect()
    };
    s.fixed = pairs("fixed");
    s.forbidden = pairs("forbidden");
    let scores = pairs("scores");
    for (code, score) in scores {
        match score.parse::<f64>() {
            Ok(x) => s.scores.push((code, x)),
            Err(_) => problems.push(FieldProblem::new("scores", Problem::NotANumber { value: score })),
        }
    }
    (s, problems)
}

/// Starts a plan in the background and shows its progress; with any problem, the form comes
/// back with every problem next to its field and everything typed kept.
async fn start(State(app): State<App>, v: Viewer, Posted(form): Posted<Values>) -> PageResult {
    v.require(Action::Create, Resource::Plan, &Target::county(v.county()))?;
    let (settings, mut problems) = settings_from(&form);
    let unread: Vec<&str> = problems.iter().map(|p| p.field).collect();
    let more = planning::settings_problems(&app, &v, &settings).await?;
    // A field that could not be read keeps that problem, not the stand-in's.
    problems.extend(more.into_iter().filter(|p| !unread.contains(&p.field)));
    if !problems.is_empty() {
        return plans_page(&app, &v, &form, &problems).await;
    }
    let name = crate::i18n::plan_name(&v.tr(), form.get("name").map(String::as_str).unwrap_or_default());
    let (job, progress) = app.plan_jobs.start(v.county(), settings.time_limit);
    let (app2, lang) = (app.clone(), current_lang());
    tokio::spawn(crate::error::in_lang(lang, async move {
        let outcome = planning::create(&app2, &v, &name, settings, progress).await.map_err(|e| e.message(&Tr::new(lang)));
        app2.plan_jobs.finish(job, outcome);
    }));
    Ok(Redirect::to(&format!("/plans/jobs/{job}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "planning/plan_job.html")]
struct JobPage {
    chrome: Chrome,
    permille: u64,
    hint: String,
    error: Option<String>,
}

async fn job(State(app): State<App>, v: Viewer, Path(job): Path<u64>) -> PageResult {
    v.require(Action::Read, Resource::Plan, &Target::county(v.county()))?;
    let (permille, seconds, outcome) = app.plan_jobs.status(job, v.county()).ok_or(AppError::NotFound)?;
    if let Some(Ok(id)) = outcome {
        return Ok(Redirect::to(&format!("/plans/{id}")).into_response());
    }
    let t = v.tr();
    Ok(JobPage {
        chrome: Chrome::new(&v, t.get("plan-running"), "/plans"),
        permille,
        hint: t.with("plan-running-hint", &[("seconds", format!("{seconds:.0}"))]),
        error: outcome.and_then(|o| o.err()),
    }
    .into_response())
}

struct ClusterRow {
    colour: String,
    lead: String,
    lead_href: String,
    members: Vec<(String, String, String, String)>,
    mean: String,
    students: String,
    km: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "planning/plan.html")]
struct PlanPage {
    chrome: Chrome,
    id: i64,
    name: String,
    facts: Vec<(String, String)>,
    source: String,
    kept: Vec<String>,
    compare_headers: Vec<String>,
    compare: Vec<(String, Vec<String>)>,
    others: Vec<Opt>,
    violations: Vec<String>,
    map: String,
    clusters: Vec<ClusterRow>,
    can_edit: bool,
    school_options: Vec<Opt>,
    lead_options: Vec<Opt>,
}

async fn show(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let people = directory::people(&app, &v).await?;
    let pv = planning::view(&app, &v, id).await?;
    let t = v.tr();
    let compare_id: Option<i64> = q.get("compare").and_then(|c| c.parse().ok()).filter(|&c| c != id);
    let other = match compare_id {
        Some(c) => {
            let o = xuequ_app::planning::plan(&app, &v, c).await?;
            let clusters: Vec<PlannedCluster> = serde_json::from_str(&o.clusters).map_err(|e| AppError::Internal(e.to_string()))?;
            Some((o.name, planning::measure(&pv.planning, &clusters)))
        }
        None => None,
    };
    let mut compare_headers = vec![String::new(), pv.plan.name.clone(), t.get("plan-current")];
    let mut columns: Vec<&PlanMeasures> = vec![&pv.measures, &pv.current];
    if let Some((name, m)) = &other {
        compare_headers.push(name.clone());
        columns.push(m);
    }
    let row = |key: &str, f: &dyn Fn(&PlanMeasures) -> String| (t.get(key), columns.iter().map(|m| f(m)).collect::<Vec<_>>());
    let compare = vec![
        row("plan-m-clusters", &|m| m.measures.clusters.to_string()),
        row("plan-m-unclustered", &|m| m.unclustered.to_string()),
        row("plan-m-total", &|m| format!("{:.1}", m.measures.total)),
        row("plan-m-longest", &|m| format!("{:.1}", m.measures.longest)),
        row("plan-m-spread", &|m| format!("{:.1}", m.measures.spread)),
        row("plan-m-sd", &|m| format!("{:.2}", m.measures.spread_sd)),
        row("plan-m-moved", &|m| m.measures.moved.to_string()),
        row("plan-m-violations", &|m| m.measures.violations.len().to_string()),
    ];
    let others = xuequ_app::planning::list(&app, &v)
        .await?
        .into_iter()
        .filter(|p| p.id != id)
        .map(|p| Opt { selected: Some(p.id) == compare_id, value: p.id.to_string(), label: p.name })
        .collect();
    let (map, clusters) = clusters_view(&pv);
    let p = &pv.planning;
    let name_of = |i: usize| p.schools[i].name.clone();
    let violations = pv.measures.measures.violations.iter().map(|x| violation_text(&t, x, &name_of)).collect();
    let sc = &pv.strength_source;
    let source = t.with(
        "plan-strength-source",
        &[
            ("year", sc.assessment_year.map(|y| y.to_string()).unwrap_or_else(|| "—".into())),
            ("assessment", sc.assessment.to_string()),
            ("bureau", sc.bureau.to_string()),
            ("left_out", sc.left_out.to_string()),
            ("missing", sc.missing.to_string()),
        ],
    );
    let mut kept: Vec<String> = p.kept.iter().map(|(s, c)| t.with("plan-kept", &[("school", s.clone()), ("cluster", c.clone())])).collect();
    kept.extend(p.unlocated.iter().map(|s| t.with("plan-unlocated", &[("school", s.clone())])));
    let s = &pv.settings;
    let facts = vec![
        (t.get("plan-stage"), t.get(&format!("plan-stage-{}", s.stage))),
        (
            t.get("plan-status"),
            pv.plan.applied_on.map(|d| t.with("plan-applied-on", &[("date", d.to_string())])).unwrap_or_else(|| t.get("plan-draft")),
        ),
        (
            t.get("plan-rules"),
            t.with(
                "plan-rules-text",
                &[
                    ("max", s.max_schools.to_string()),
                    ("min", s.min_schools.to_string()),
                    ("lead", t.with(&format!("plan-lead-{}", s.lead_rule), &[("value", s.lead_value.to_string())])),
                    ("balance", s.balance_weight.to_string()),
                    ("penalty", s.move_penalty_km.to_string()),
                ],
            ),
        ),
        (
            t.get("plan-created"),
            format!(
                "{} · {}",
                xuequ_domain::booking::to_local(pv.plan.created_at).format("%Y-%m-%d %H:%M"),
                people.name(&pv.plan.created_by)
            ),
        ),
    ];
    let mut school_options: Vec<Opt> =
        p.schools.iter().map(|s| Opt { value: s.id.to_string(), label: format!("{} {}", s.code, s.name), selected: false }).collect();
    school_options.sort_by(|a, b| a.label.cmp(&b.label));
    let mut lead_options: Vec<Opt> = pv
        .clusters
        .iter()
        .filter_map(|c| p.schools.iter().find(|s| s.id == c.lead))
        .map(|s| Opt { value: s.id.to_string(), label: t.with("plan-join", &[("school", s.name.clone())]), selected: false })
        .collect();
    lead_options.push(Opt { value: "self".into(), label: t.get("plan-own-cluster"), selected: false });
    Ok(PlanPage {
        chrome: Chrome::new(&v, pv.plan.name.clone(), "/plans"),
        id,
        name: pv.plan.name.clone(),
        facts,
        source,
        kept,
        compare_headers,
        compare,
        others,
        violations,
        map,
        clusters,
        can_edit: pv.plan.applied_on.is_none() && v.can(Action::Update, Resource::Plan, &Target::county(v.county())),
        school_options,
        lead_options,
    }
    .into_response())
}

/// The map and the per-cluster table, in the same colours.
fn clusters_view(pv: &PlanView) -> (String, Vec<ClusterRow>) {
    let p = &pv.planning;
    let sol = planning::to_solution(p, &pv.clusters);
    let mut groups: Vec<Vec<MapPoint>> = vec![Vec::new(); sol.medians.len()];
    for (i, &a) in sol.assignment.iter().enumerate() {
        groups[a].push(MapPoint {
            lat: p.points[i].lat,
            lon: p.points[i].lon,
            label: p.schools[i].name.clone(),
            lead: sol.medians[a] == i,
        });
    }
    let colours = district_colours(&groups);
    let numbered = groups.len() > PALETTE.len();
    let mut rows = Vec::new();
    for (a, &lead) in sol.medians.iter().enumerate() {
        let members: Vec<usize> = (0..sol.assignment.len()).filter(|&i| sol.assignment[i] == a).collect();
        let point = |i: usize| (p.points[i].lat, p.points[i].lon);
        let km = |i: usize| xuequ_plan::metric::haversine_km(point(i), point(lead));
        let mean = members.iter().map(|&i| p.points[i].strength).sum::<f64>() / members.len().max(1) as f64;
        rows.push(ClusterRow {
            colour: colours[a].to_string(),
            lead: format!("{} ({:.0})", p.schools[lead].name, p.points[lead].strength),
            lead_href: format!("/schools/{}", p.schools[lead].id),
            members: members
                .iter()
                .filter(|&&i| i != lead)
                .map(|&i| {
                    (
                        p.schools[i].name.clone(),
                        format!("{:.1}", km(i)),
                        format!("{:.0}", p.points[i].strength),
                        format!("{:.0}", p.points[i].students),
                    )
                })
                .collect(),
            mean: format!("{mean:.1}"),
            students: format!("{:.0}", members.iter().map(|&i| p.points[i].students).sum::<f64>()),
            km: format!("{:.1}", members.iter().map(|&i| km(i)).sum::<f64>()),
        });
    }
    (plan_svg(&groups, &colours, numbered), rows)
}

fn violation_text(t: &Tr, v: &xuequ_plan::Violation, name: &dyn Fn(usize) -> String) -> String {
    use xuequ_plan::Violation as V;
    match v {
        V::NotEligible { median } => t.with("plan-v-not-eligible", &[("school", name(*median))]),
        V::Stage { point, median } => t.with("plan-v-stage", &[("school", name(*point)), ("lead", name(*median))]),
        V::Fixed { point, .. } => t.with("plan-v-fixed", &[("school", name(*point))]),
        V::OverCapacity { median, .. } => t.with("plan-v-students", &[("lead", name(*median))]),
        V::TooMany { median, max, .. } => t.with("plan-v-too-many", &[("lead", name(*median)), ("max", max.to_string())]),
        V::TooFew { median, min, .. } => t.with("plan-v-too-few", &[("lead", name(*median)), ("min", min.to_string())]),
        V::Forbidden { a, b } => t.with("plan-v-forbidden", &[("a", name(*a)), ("b", name(*b))]),
        V::DesignatedNotLead { point } => t.with("plan-v-designated", &[("school", name(*point))]),
        other => format!("{other:?}"),
    }
}

/// A school moved by hand: to the district led by `lead` (`self`: a district of its own).
#[derive(Deserialize, Default)]
#[serde(default)]
struct MoveForm {
    school: String,
    lead: String,
}

async fn hand_move(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<MoveForm>) -> PageResult {
    let school: i64 = form.school.parse().map_err(|_| AppError::invalid("school", Problem::Required))?;
    let lead: i64 = match form.lead.as_str() {
        "self" => school,
        other => other.parse().map_err(|_| AppError::invalid("lead", Problem::Required))?,
    };
    planning::hand_move(&app, &v, id, school, lead).await?;
    Ok(Redirect::to(&format!("/plans/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RenameForm {
    name: String,
}

async fn rename(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<RenameForm>) -> PageResult {
    planning::rename(&app, &v, id, &form.name).await?;
    Ok(Redirect::to(&format!("/plans/{id}")).into_response())
}

/// Before a plan is applied: how many districts are founded, kept and dissolved, how many
/// schools move, and from which day.
async fn apply_confirm(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let t = v.tr();
    let pv = planning::view(&app, &v, id).await?;
    let changes = planning::changes(&app, &v, id).await?;
    let count = |n: usize| n.to_string();
    let mut lines = vec![t.with(
        "confirm-apply-districts",
        &[("founded", count(changes.founded.len())), ("kept", count(changes.kept.len())), ("dissolved", count(changes.dissolved.len()))],
    )];
    lines.push(t.with("confirm-apply-schools", &[("join", count(changes.join.len())), ("leave", count(changes.leave.len()))]));
    if !pv.measures.measures.violations.is_empty() {
        lines.push(t.problem(&Problem::PlanBreaksRules { count: pv.measures.measures.violations.len() }));
    }
    lines.push(t.get("plan-apply-hint"));
    Ok(ConfirmPage {
        chrome: Chrome::new(&v, t.with("confirm-apply-title", &[("plan", pv.plan.name.clone())]), "/plans"),
        lines,
        action: format!("/plans/{id}/apply"),
        date: Some(DateField {
            name: "on",
            label: t.get("confirm-apply-date"),
            value: xuequ_app::today().to_string(),
            hint: t.get("confirm-date-hint"),
        }),
        reason: None,
        keep: Vec::new(),
        button: t.get("plan-apply"),
        cancel: format!("/plans/{id}"),
    }
    .into_response())
}

async fn apply(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<Confirm>) -> PageResult {
    if !form.confirmed() {
        return Ok(ask_first(&format!("/plans/{id}/apply")));
    }
    let on = form.on()?;
    planning::apply(&app, &v, id, on).await?;
    Ok(saved(&format!("/plans/{id}")))
}
