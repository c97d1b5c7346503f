//! 教师交流: who is due to rotate at each school, the county's quota and how far the year's
//! moves meet it, where teachers are short (school × subject), and a rotation plan on request
//! that can be proposed as it stands; the moves, exclusions, mentorships, allowance, report and
//! settings have their own pages beside it.

use super::*;
use xuequ_app::exchange;
use xuequ_domain::Subject;

mod mentorships;
mod moves;
mod records;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/exchange", get(page))
        .route("/exchange/plan", post(plan))
        .route("/exchange/plan/propose", post(propose_plan))
        .merge(moves::routes())
        .merge(mentorships::routes())
        .merge(records::routes())
}

/// The links between the exchange pages, as (label, address, whether current).
pub(super) fn exchange_tabs(v: &Viewer, current: &str) -> Vec<(String, String, bool)> {
    let t = v.tr();
    let mut tabs = vec![
        ("exchange-tab-overview", "/exchange"),
        ("exchange-tab-moves", "/exchange/moves"),
        ("exchange-tab-exclusions", "/exchange/exclusions"),
        ("exchange-tab-mentorships", "/exchange/mentorships"),
        ("exchange-tab-subsidy", "/exchange/subsidy"),
        ("exchange-tab-report", "/exchange/report"),
    ];
    if v.can(Action::Update, Resource::Exchange, &Target::county(v.county())) {
        tabs.push(("exchange-tab-settings", "/exchange/settings"));
    }
    tabs.into_iter().map(|(k, href)| (t.get(k), href.to_string(), href == current)).collect()
}

/// One planned move as the page shows it: teacher, subject, from, to, km.
/// A planned move: teacher, subject, from, to, km, and the teacher's id (what is ticked).
type MoveRow = (String, String, String, String, String, i64);

/// One school's line of the due-teachers table.
struct SchoolRow {
    name: String,
    sending: bool,
    figures: [usize; 8],
}

#[derive(Template, WebTemplate)]
#[template(path = "exchange/overview.html")]
struct ExchangePage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    year: i32,
    clusters: Vec<Opt>,
    cluster: String,
    /// Sentences about the quota, and whether it is met so far.
    quota: Vec<String>,
    quota_met: bool,
    /// School, sending?, teachers, due, backbone due, too few years, retiring, excluded,
    /// agreed out, done out.
    schools: Vec<SchoolRow>,
    /// Subject columns (label, whether rural schools lack it most), then per school its cells
    /// (text, css class).
    subjects: Vec<(String, bool)>,
    heat: Vec<(String, Vec<(String, &'static str)>)>,
    /// Leaders due to rotate (校长交流): name, post, school, joined, years there.
    leaders: Vec<[String; 5]>,
    can_plan: bool,
    max_km: String,
    /// The plan, when one was asked for: a summary, the moves, what is left unfilled.
    plan: Option<(Vec<String>, Vec<MoveRow>, Vec<String>)>,
    errors: Vec<String>,
}

async fn page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    build(&app, &v, &q, None, Vec::new()).await
}

async fn build(
    app: &App,
    v: &Viewer,
    q: &HashMap<String, String>,
    plan: Option<(Vec<String>, Vec<MoveRow>, Vec<String>)>,
    errors: Vec<String>,
) -> PageResult {
    let t = v.tr();
    let year = q.get("year").and_then(|y| y.trim().parse::<i32>().ok());
    // A cluster head sees their own cluster unless they ask for another.
    let cluster = q.get("cluster").and_then(|c| c.trim().parse::<i64>().ok()).or(match v.actor.role {
        xuequ_domain::Role::ClusterHead => v.actor.cluster_id,
        _ => None,
    });
    let view = exchange::overview(app, v, year, cluster).await?;
    let county_wide = v.visibility(Resource::Exchange) == xuequ_domain::access::Visibility::County;
    let county = v.county();
    let target = match cluster {
        Some(c) => Target::cluster(county, c),
        None => Target::county(county),
    };
    let subjects: Vec<Subject> = Subject::ALL.iter().copied().filter(|s| *s != Subject::Other).collect();
    let heat = view
        .schools
        .iter()
        .map(|s| {
            let cells = subjects
                .iter()
                .map(|subject| match s.gaps.iter().find(|g| g.subject == *subject) {
                    Some(g) if g.short > 0 => (format!("−{}", g.short), "short"),
                    Some(g) if g.short < 0 => (format!("+{}", -g.short), "surplus"),
                    Some(g) if g.need > 0 => ("0".to_string(), "even"),
                    _ => (String::new(), "none"),
                })
                .collect();
            (s.name.clone(), cells)
        })
        .collect();
    let eligible_backbone: usize = view.schools.iter().filter(|s| s.sending).map(|s| s.eligible_backbone).sum();
    let mut quota = vec![
        t.with(
            "exchange-quota-line",
            &[
                ("due", view.eligible_at_sending.to_string()),
                ("share", format!("{:.0}", view.rules.quota * 100.0)),
                ("required", view.required_moves.to_string()),
            ],
        ),
        t.with(
            "exchange-backbone-line",
            &[
                ("share", format!("{:.0}", view.rules.backbone_share * 100.0)),
                ("required", xuequ_domain::exchange::required_backbone(view.required_moves, &view.rules).to_string()),
                ("backbone", eligible_backbone.to_string()),
            ],
        ),
        t.with(
            "exchange-progress-line",
            &[
                ("agreed", view.agreed.to_string()),
                ("done", view.done.to_string()),
                ("backbone", view.agreed_backbone.to_string()),
                ("required_backbone", view.required_backbone.to_string()),
            ],
        ),
    ];
    let quota_met = view.quota_met() && view.backbone_met();
    quota.push(if quota_met {
        t.get("exchange-quota-met")
    } else {
        t.with(
            "exchange-quota-not-met",
            &[
                ("moves", view.required_moves.saturating_sub(view.agreed).to_string()),
                ("backbone", view.required_backbone.saturating_sub(view.agreed_backbone).to_string()),
            ],
        )
    });
    Ok(ExchangePage {
        chrome: Chrome::new(v, t.with("exchange-title", &[("year", format!("{}–{}", view.year, view.year + 1))]), "/exchange"),
        tabs: exchange_tabs(v, "/exchange"),
        year: view.year,
        clusters: xuequ_app::clusters::all(app, v)
            .await?
            .into_iter()
            .filter(|c| c.status == xuequ_domain::Status::Active)
            .filter(|c| county_wide || v.can(Action::Create, Resource::Exchange, &Target::cluster(county, c.id)))
            .map(|c| Opt { selected: Some(c.id) == cluster, value: c.id.to_string(), label: c.name })
            .collect(),
        cluster: cluster.map(|c| c.to_string()).unwrap_or_default(),
        quota,
        quota_met,
        schools: view
            .schools
            .iter()
            .map(|s| SchoolRow {
                name: s.name.clone(),
                sending: s.sending,
                figures: [s.teachers, s.eligible, s.eligible_backbone, s.too_few_years, s.retiring, s.excluded, s.agreed_out, s.done_out],
            })
            .collect(),
        subjects: subjects
            .iter()
            .map(|s| (t.code("subject", s.code()), xuequ_domain::exchange::staffing::rural_shortage_subject(*s)))
            .collect(),
        heat,
        leaders: view
            .leaders_due
            .iter()
            .map(|l| [l.name.clone(), t.code("post", l.post.code()), l.school.clone(), l.joined_school_on.to_string(), l.years.to_string()])
            .collect(),
        can_plan: v.can(Action::Create, Resource::Exchange, &target),
        max_km: q.get("max_km").cloned().unwrap_or_else(|| "20".into()),
        plan,
        errors,
    }
    .into_response())
}

/// Runs the rotation planner and shows its moves under the figures; nothing is saved.
/// The planner's question: which year, which cluster (all when empty), how far a move may go.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct PlanForm {
    year: String,
    cluster: String,
    max_km: String,
}

impl PlanForm {
    fn year(&self) -> Option<i32> {
        self.year.trim().parse().ok()
    }

    fn cluster(&self) -> Option<i64> {
        self.cluster.trim().parse().ok()
    }

    fn max_km(&self) -> Option<f64> {
        self.max_km.trim().parse().ok()
    }
}

async fn plan(State(app): State<App>, v: Viewer, Posted(form): Posted<PlanForm>) -> PageResult {
    let t = v.tr();
    let (year, cluster) = (form.year(), form.cluster());
    let Some(max_km) = form.max_km().filter(|k| (1.0..=200.0).contains(k)) else {
        let problem = t.problem(&xuequ_domain::Problem::OutOfRange { value: form.max_km.clone(), min: "1".into(), max: "200".into() });
        return build(&app, &v, &values_of(&form), None, vec![format!("{}：{problem}", t.get("exchange-max-km"))]).await;
    };
    let (_, plan) = exchange::plan(&app, &v, year, cluster, max_km).await?;
    let names: HashMap<i64, String> = xuequ_app::registry::all_schools(&app, &v).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let teachers: HashMap<i64, String> = directory::active_teachers(&app, &v).await?.into_iter().map(|t| (t.id, t.name)).collect();
    let name = |id: &i64| names.get(id).cloned().unwrap_or_default();
    let q = &plan.quota;
    let mut summary = vec![t.with(
        "exchange-plan-summary",
        &[("moves", q.moves.to_string()), ("sending", q.sending_moves.to_string()), ("backbone", q.backbone_moves.to_string())],
    )];
    if q.moves_short > 0 || q.backbone_short > 0 {
        summary.push(t.with("exchange-plan-short", &[("moves", q.moves_short.to_string()), ("backbone", q.backbone_short.to_string())]));
    }
    summary.push(t.get(if plan.proven_optimal { "exchange-plan-optimal" } else { "exchange-plan-not-proven" }));
    let moves = plan
        .moves
        .iter()
        .map(|m| {
            let subject = Subject::parse(&m.subject).map(|s| t.code("subject", s.code())).unwrap_or_else(|| m.subject.clone());
            (teachers.get(&m.teacher).cloned().unwrap_or_default(), subject, name(&m.from), name(&m.to), format!("{:.1}", m.km), m.teacher)
        })
        .collect();
    let unfilled = plan
        .unfilled
        .iter()
        .map(|u| {
            let subject = Subject::parse(&u.subject).map(|s| t.code("subject", s.code())).unwrap_or_else(|| u.subject.clone());
            t.with(
                &format!("exchange-unfilled-{}", u.reason.replace('_', "-")),
                &[("school", name(&u.school)), ("subject", subject), ("missing", u.missing.to_string())],
            )
        })
        .collect();
    build(&app, &v, &values_of(&form), Some((summary, moves, unfilled)), Vec::new()).await
}

/// The moves ticked on a plan, the question's answers and the plan's own question.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ProposeForm {
    year: String,
    cluster: String,
    max_km: String,
    pick: Vec<String>,
    starts_on: String,
    confirmed: String,
}

/// Proposes the ticked moves of the plan (the planner runs again on the same figures, so the
/// moves are those the person saw unless someone changed the registry meanwhile), after asking
/// how many and from when; both schools of each move are then asked to agree.
async fn propose_plan(State(app): State<App>, v: Viewer, Posted(form): Posted<ProposeForm>) -> PageResult {
    use xuequ_app::exchange::moves::{self, Picked};
    let t = v.tr();
    let plan_form = PlanForm { year: form.year.clone(), cluster: form.cluster.clone(), max_km: form.max_km.clone() };
    let (year, cluster) = (plan_form.year(), plan_form.cluster());
    let max_km = plan_form.max_km().unwrap_or(f64::NAN);
    let teachers: Vec<i64> = form.pick.iter().filter_map(|p| p.trim().parse().ok()).collect();
    let (view, plan) = exchange::plan(&app, &v, year, cluster, max_km).await?;
    let chosen: Vec<_> = plan.moves.iter().filter(|m| teachers.contains(&m.teacher)).collect();
    if chosen.is_empty() {
        let problem = t.problem(&xuequ_domain::Problem::Required);
        return build(&app, &v, &values_of(&plan_form), None, vec![format!("{}：{problem}", t.get("exchange-pick"))]).await;
    }
    if !confirmed(&form.confirmed) {
        let schools: std::collections::HashSet<i64> = chosen.iter().flat_map(|m| [m.from, m.to]).collect();
        let start = moves::first_start(&app, &v, view.year).await?;
        let mut keep = vec![
            ("year".to_string(), plan_form.year.clone()),
            ("cluster".into(), plan_form.cluster.clone()),
            ("max_km".into(), plan_form.max_km.clone()),
        ];
        keep.extend(chosen.iter().map(|m| ("pick".to_string(), m.teacher.to_string())));
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.get("exchange-propose-plan"), "/exchange"),
            lines: vec![
                t.with("exchange-propose-line", &[("count", chosen.len().to_string()), ("schools", schools.len().to_string())]),
                t.get("exchange-propose-dates"),
            ],
            action: "/exchange/plan/propose".into(),
            date: Some(DateField {
                name: "starts_on",
                label: t.get("exchange-propose-start"),
                value: start.to_string(),
                hint: t.get("exchange-propose-start-hint"),
            }),
            reason: None,
            keep,
            button: t.get("exchange-propose-plan"),
            cancel: "/exchange".into(),
        }
        .into_response());
    }
    let starts_on = chrono::NaiveDate::parse_from_str(form.starts_on.trim(), "%Y-%m-%d").ok();
    let picked = Picked { teachers: Some(teachers), starts_on };
    match moves::propose_plan(&app, &v, year, cluster, max_km, &picked).await {
        Ok(proposed) => {
            let year = proposed.first().map(|m| m.year).unwrap_or(view.year);
            Ok(saved(&format!("/exchange/moves?year={year}")))
        }
        Err(e) => {
            let problems = form_problems(e)?;
            let label = |field: &str| t.get(if field == "starts_on" { "exchange-propose-start" } else { "exchange-pick" });
            let said = problems.iter().map(|p| format!("{}：{}", label(p.field), t.problem(&p.problem))).collect();
            build(&app, &v, &values_of(&plan_form), None, said).await
        }
    }
}
