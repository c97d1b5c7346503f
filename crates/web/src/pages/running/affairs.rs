//! 学区事务: work plans with their key tasks (progress across clusters for the bureau), the
//! council with its members, and meetings with minutes and decisions.

use super::*;
use chrono::{Datelike, NaiveDate};
use xuequ_app::running::affairs::{self, DecisionInput, MeetingInput, MemberInput, PlanInput, TaskInput};
use xuequ_domain::access::running::{self as policy, Affairs};
use xuequ_domain::running::{CouncilRole, DecisionStatus, TaskStatus};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/running/tasks/{id}/files", post(task_files_post))
        .route("/running/meetings/{id}/files", post(meeting_files_post))
        .layer(axum::extract::DefaultBodyLimit::max(crate::LIBRARY_REQUEST))
        .route("/running", get(|| async { Redirect::to("/running/plans") }))
        .route("/running/plans", get(plans_page).post(plan_post))
        .route("/running/plans/{id}", get(plan_page))
        .route("/running/plans/{id}/tasks", post(task_post))
        .route("/running/tasks/{id}", post(task_update_post))
        .route("/running/council", get(council_page))
        .route("/running/council/{cluster}/members", post(member_post))
        .route("/running/council/members/{id}/end", post(member_end_post))
        .route("/running/council/{cluster}/meetings", post(meeting_post))
        .route("/running/decisions/{id}", post(decision_post))
        .route("/running/files/{id}", get(file_get))
}

fn year_of(q: &HashMap<String, String>) -> Option<i32> {
    q.get("year").and_then(|y| y.parse().ok()).filter(|y| (2000..=2100).contains(y))
}

fn date_of(text: &str, key: &'static str, problems: &mut Vec<FieldProblem>) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse().map_err(|_| problems.push(FieldProblem::new(key, Problem::NotADate { value: text.chars().take(40).collect() }))).ok()
}

fn id_of(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

/// A work plan of a cluster.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct PlanForm {
    cluster_id: String,
    year: String,
    title: String,
    goals: String,
}

/// A task of a plan, new (title, owner, due) or updated (status, done, note).
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct TaskForm {
    title: String,
    owner_school_id: String,
    due_on: String,
    status: String,
    done_on: String,
    note: String,
    revision: String,
}

/// A member of a cluster's council.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct MemberForm {
    name: String,
    school_id: String,
    role: String,
    since: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusForm {
    status: String,
}

/// A plan's line in the list.
pub struct PlanRow {
    pub id: i64,
    pub cluster: String,
    pub year: i32,
    pub title: String,
    pub progress: String,
    pub overdue: usize,
    pub percent: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "running/plans.html")]
struct PlansPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    rows: Vec<PlanRow>,
    years: Vec<Opt>,
    writable: Vec<Opt>,
    errors: Vec<String>,
    values: HashMap<String, String>,
}

async fn plans_page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    plans_with(&app, &v, year_of(&q), Vec::new(), HashMap::new()).await
}

async fn writable_clusters(app: &App, v: &Viewer) -> Result<Vec<Opt>, PageError> {
    Ok(xuequ_app::clusters::all(app, v)
        .await?
        .into_iter()
        .filter(|c| {
            c.dissolved_on.is_none()
                && policy::may_write_affairs(&v.actor, &Affairs { county_id: v.county(), cluster_id: c.id, schools: &[] })
        })
        .map(|c| Opt { value: c.id.to_string(), label: c.name, selected: v.actor.cluster_id == Some(c.id) })
        .collect())
}

async fn plans_with(app: &App, v: &Viewer, year: Option<i32>, errors: Vec<String>, values: HashMap<String, String>) -> PageResult {
    let t = v.tr();
    let plans = affairs::plans(app, v, None, year).await?;
    let this = xuequ_app::today().year();
    Ok(PlansPage {
        chrome: Chrome::new(v, t.get("wplans-title"), "/running"),
        tabs: super::affairs_tabs(v, "/running/plans"),
        rows: plans
            .iter()
            .map(|p| PlanRow {
                id: p.plan.id,
                cluster: p.cluster.clone(),
                year: p.plan.year,
                title: p.plan.title.clone(),
                progress: t.with(
                    "wplan-progress",
                    &[
                        ("done", p.progress.done.to_string()),
                        ("tasks", p.progress.tasks.to_string()),
                        ("on_time", p.progress.on_time.to_string()),
                    ],
                ),
                overdue: p.progress.overdue,
                percent: (p.progress.done * 100).checked_div(p.progress.tasks).unwrap_or(0),
            })
            .collect(),
        years: (this - 3..=this + 1).rev().map(|y| Opt { value: y.to_string(), label: y.to_string(), selected: Some(y) == year }).collect(),
        writable: writable_clusters(app, v).await?,
        errors,
        values,
    }
    .into_response())
}

async fn plan_post(State(app): State<App>, v: Viewer, Posted(form): Posted<PlanForm>) -> PageResult {
    let cluster = id_of(&form.cluster_id).unwrap_or(0);
    let input =
        PlanInput { year: form.year.trim().parse().unwrap_or(0), title: form.title.clone(), goals: form.goals.clone(), tasks: Vec::new() };
    match affairs::create_plan(&app, &v, cluster, &input).await {
        Ok(p) => Ok(saved(&format!("/running/plans/{}", p.id))),
        Err(e) => {
            let problems = form_problems(e)?;
            plans_with(&app, &v, None, errors_of(&v.tr(), "wplan", &problems), values_of(&form)).await
        }
    }
}

/// A task's line: the task and its options.
pub struct TaskRow {
    pub id: i64,
    pub title: String,
    pub owner: String,
    pub due: String,
    pub status: String,
    pub done_on: String,
    pub note: String,
    pub class: &'static str,
    pub revision: i64,
    pub may_report: bool,
    pub statuses: Vec<Opt>,
    pub files: Vec<(i64, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "running/plan.html")]
struct PlanPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    id: i64,
    goals: String,
    progress: String,
    tasks: Vec<TaskRow>,
    may_write: bool,
    schools: Vec<Opt>,
    errors: Vec<String>,
    values: HashMap<String, String>,
}

async fn plan_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    plan_with(&app, &v, id, Vec::new(), HashMap::new()).await
}

async fn plan_with(app: &App, v: &Viewer, id: i64, errors: Vec<String>, values: HashMap<String, String>) -> PageResult {
    let t = v.tr();
    let p = affairs::plan(app, v, id).await?;
    let schools = directory::cluster_school_ids(app, v, p.plan.cluster_id).await?;
    let names = directory::names_of(app, v, &schools).await?;
    Ok(PlanPage {
        chrome: Chrome::new(v, format!("{} · {}", p.cluster, p.plan.title), "/running"),
        tabs: super::affairs_tabs(v, "/running/plans"),
        id,
        goals: p.plan.goals.clone(),
        progress: t.with(
            "wplan-progress-long",
            &[
                ("done", p.progress.done.to_string()),
                ("tasks", p.progress.tasks.to_string()),
                ("on_time", p.progress.on_time.to_string()),
                ("overdue", p.progress.overdue.to_string()),
            ],
        ),
        tasks: p
            .tasks
            .iter()
            .map(|x| TaskRow {
                id: x.task.id,
                title: x.task.title.clone(),
                owner: x.owner.clone(),
                due: x.task.due_on.to_string(),
                status: t.code("wtask-status", x.status.code()),
                done_on: x.task.done_on.map(|d| d.to_string()).unwrap_or_default(),
                note: x.task.note.clone(),
                class: if x.overdue {
                    "overdue"
                } else if x.on_time {
                    "on-time"
                } else {
                    ""
                },
                revision: x.task.revision,
                may_report: x.may_report,
                statuses: TaskStatus::ALL
                    .iter()
                    .map(|s| Opt { value: s.code().into(), label: t.code("wtask-status", s.code()), selected: *s == x.status })
                    .collect(),
                files: x.files.iter().map(|f| (f.id, f.name.clone())).collect(),
            })
            .collect(),
        may_write: p.may_write,
        schools: schools
            .iter()
            .map(|s| Opt { value: s.to_string(), label: names.get(s).map(|n| n.1.clone()).unwrap_or_default(), selected: false })
            .collect(),
        errors,
        values,
    }
    .into_response())
}

async fn task_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<TaskForm>) -> PageResult {
    let mut problems = Vec::new();
    let due_on = date_of(&form.due_on, "due_on", &mut problems);
    let result = if problems.is_empty() {
        let input = TaskInput {
            title: form.title.clone(),
            owner_school_id: id_of(&form.owner_school_id),
            due_on,
            status: String::new(),
            done_on: None,
            note: form.note.clone(),
        };
        affairs::add_task(&app, &v, id, &input).await.map(|_| ())
    } else {
        Err(AppError::Invalid(problems))
    };
    match result {
        Ok(()) => Ok(saved(&format!("/running/plans/{id}"))),
        Err(e) => {
            let problems = form_problems(e)?;
            plan_with(&app, &v, id, errors_of(&v.tr(), "wtask", &problems), values_of(&form)).await
        }
    }
}

async fn task_update_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<TaskForm>) -> PageResult {
    let task = affairs::task(&app, &v, id).await?;
    let mut problems = Vec::new();
    let done_on = date_of(&form.done_on, "done_on", &mut problems);
    let result = if problems.is_empty() {
        let input = TaskInput {
            title: task.title.clone(),
            owner_school_id: task.owner_school_id,
            due_on: Some(task.due_on),
            status: form.status.clone(),
            done_on,
            note: form.note.clone(),
        };
        let revision = form.revision.parse().unwrap_or(0);
        affairs::update_task(&app, &v, id, &input, revision).await.map(|_| ())
    } else {
        Err(AppError::Invalid(problems))
    };
    match result {
        Ok(()) => Ok(saved(&format!("/running/plans/{}", task.plan_id))),
        Err(AppError::Stale) => plan_with(&app, &v, task.plan_id, vec![v.tr().problem(&Problem::ChangedMeanwhile)], HashMap::new()).await,
        Err(e) => {
            let problems = form_problems(e)?;
            plan_with(&app, &v, task.plan_id, errors_of(&v.tr(), "wtask", &problems), HashMap::new()).await
        }
    }
}

async fn task_files_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, form: Multipart) -> PageResult {
    let task = affairs::task(&app, &v, id).await?;
    let result = match posted_files(&app, &v, form).await {
        Ok(files) => affairs::attach_to_task(&app, &v, id, files).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(saved(&format!("/running/plans/{}", task.plan_id))),
        Err(e) => {
            let problems = form_problems(e)?;
            plan_with(&app, &v, task.plan_id, errors_of(&v.tr(), "wtask", &problems), HashMap::new()).await
        }
    }
}

async fn file_get(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let (f, bytes) = affairs::file(&app, &v, id).await?;
    let inline = f.family == "image" || f.family == "pdf";
    Ok(crate::download::stored_file(bytes, &f.name, &f.mime, inline))
}

/// A meeting with its decisions, for the page.
pub struct MeetingView {
    pub id: i64,
    pub held_on: String,
    pub title: String,
    pub place: String,
    pub present: String,
    pub minutes: String,
    pub recorded_by: String,
    /// id, text, owner, due, status label, status code, may report.
    pub decisions: Vec<(i64, String, String, String, String, String, bool)>,
    pub files: Vec<(i64, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "running/council.html")]
struct CouncilPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    cluster_id: i64,
    clusters: Vec<Opt>,
    officers: Vec<(String, String)>,
    /// id, name, role, school, since, until.
    members: Vec<(i64, String, String, String, String, String)>,
    meetings: Vec<MeetingView>,
    may_write: bool,
    roles: Vec<Opt>,
    schools: Vec<Opt>,
    errors: Vec<String>,
    values: HashMap<String, String>,
    today: String,
}

async fn council_page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let cluster = match q.get("cluster").and_then(|c| c.parse().ok()) {
        Some(c) => Some(c),
        None => default_cluster(&app, &v).await?,
    };
    match cluster {
        Some(cluster) => council_with(&app, &v, cluster, Vec::new(), HashMap::new()).await,
        // A county without a cluster yet: say so, and where clusters are made.
        None => {
            let t = v.tr();
            Ok(MessagePage {
                chrome: Chrome::new(&v, t.get("council-page"), "/running"),
                message: t.get("council-no-cluster"),
                secret: None,
                back: "/clusters".into(),
            }
            .into_response())
        }
    }
}

/// The viewer's own cluster: a head's, or their school's (the county-level one first); for
/// the bureau the first of the county.
async fn default_cluster(app: &App, v: &Viewer) -> Result<Option<i64>, PageError> {
    if let Some(k) = v.actor.cluster_id {
        return Ok(Some(k));
    }
    if let Some(s) = v.actor.school_id {
        let clusters = directory::clusters_of_school(app, v, s).await?;
        if let Some(c) = clusters
            .iter()
            .filter(|c| c.membership.left_on.is_none())
            .min_by_key(|c| (c.cluster.level != xuequ_domain::ClusterLevel::County, c.cluster.id))
        {
            return Ok(Some(c.cluster.id));
        }
    }
    Ok(xuequ_app::clusters::all(app, v).await?.into_iter().find(|c| c.dissolved_on.is_none()).map(|c| c.id))
}

async fn council_with(app: &App, v: &Viewer, cluster_id: i64, errors: Vec<String>, values: HashMap<String, String>) -> PageResult {
    let people = directory::people(app, v).await?;
    let t = v.tr();
    let c = affairs::council(app, v, cluster_id).await?;
    let mut clusters = xuequ_app::clusters::all(app, v)
        .await?
        .into_iter()
        .filter(|k| k.dissolved_on.is_none())
        .map(|k| Opt { value: k.id.to_string(), label: k.name, selected: k.id == cluster_id })
        .collect::<Vec<_>>();
    if !policy::reads_all_affairs(&v.actor) {
        clusters.retain(|k| k.selected || v.actor.cluster_id.is_some_and(|own| own.to_string() == k.value));
    }
    Ok(CouncilPage {
        chrome: Chrome::new(v, t.with("council-title", &[("cluster", c.cluster.name.clone())]), "/running"),
        tabs: super::affairs_tabs(v, "/running/council"),
        cluster_id,
        clusters,
        officers: c.officers.iter().map(|o| (t.code("officer-role", o.role.code()), o.person_name.clone())).collect(),
        members: c
            .members
            .iter()
            .map(|(m, school)| {
                (
                    m.id,
                    m.name.clone(),
                    t.code("council-role", m.role.code()),
                    school.clone(),
                    m.since.to_string(),
                    m.until.map(|u| u.to_string()).unwrap_or_default(),
                )
            })
            .collect(),
        meetings: c
            .meetings
            .iter()
            .map(|m| MeetingView {
                id: m.meeting.id,
                held_on: m.meeting.held_on.to_string(),
                title: m.meeting.title.clone(),
                place: m.meeting.place.clone(),
                present: m.meeting.present.clone(),
                minutes: m.meeting.minutes.clone(),
                recorded_by: people.name(&m.meeting.recorded_by),
                decisions: m
                    .decisions
                    .iter()
                    .map(|(d, owner, may_report)| {
                        (
                            d.id,
                            d.text.clone(),
                            owner.clone(),
                            d.due_on.map(|x| x.to_string()).unwrap_or_default(),
                            // Still open past its due date: said, so the council sees what slipped.
                            if d.status == DecisionStatus::Open && d.due_on.is_some_and(|due| due < xuequ_app::today()) {
                                t.get("decision-overdue")
                            } else {
                                t.code("decision-status", d.status.code())
                            },
                            d.status.to_string(),
                            *may_report,
                        )
                    })
                    .collect(),
                files: m.files.iter().map(|f| (f.id, f.name.clone())).collect(),
            })
            .collect(),
        may_write: c.may_write,
        roles: CouncilRole::ALL
            .iter()
            .map(|r| Opt { value: r.code().into(), label: t.code("council-role", r.code()), selected: r.code() == "member" })
            .collect(),
        schools: c.schools.iter().map(|(id, name)| Opt { value: id.to_string(), label: name.clone(), selected: false }).collect(),
        errors,
        values,
        today: xuequ_app::today().to_string(),
    }
    .into_response())
}

async fn member_post(State(app): State<App>, v: Viewer, Path(cluster): Path<i64>, Posted(form): Posted<MemberForm>) -> PageResult {
    let mut problems = Vec::new();
    let since = date_of(&form.since, "since", &mut problems);
    let result = if problems.is_empty() {
        let input = MemberInput { name: form.name.clone(), school_id: id_of(&form.school_id), role: form.role.clone(), since };
        affairs::add_member(&app, &v, cluster, &input).await.map(|_| ())
    } else {
        Err(AppError::Invalid(problems))
    };
    match result {
        Ok(()) => Ok(saved(&format!("/running/council?cluster={cluster}"))),
        Err(e) => {
            let problems = form_problems(e)?;
            council_with(&app, &v, cluster, errors_of(&v.tr(), "cmember", &problems), values_of(&form)).await
        }
    }
}

async fn member_end_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<Confirm>) -> PageResult {
    let t = v.tr();
    let m = affairs::council_member(&app, &v, id).await?;
    if !form.confirmed() {
        affairs::council(&app, &v, m.cluster_id).await?;
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.get("cmember-end"), "/running"),
            lines: vec![t.with("cmember-end-line", &[("name", m.name.clone())])],
            action: format!("/running/council/members/{id}/end"),
            date: None,
            reason: None,
            keep: Vec::new(),
            button: t.get("cmember-end"),
            cancel: format!("/running/council?cluster={}", m.cluster_id),
        }
        .into_response());
    }
    affairs::end_member(&app, &v, id).await?;
    Ok(saved(&format!("/running/council?cluster={}", m.cluster_id)))
}

async fn meeting_post(State(app): State<App>, v: Viewer, Path(cluster): Path<i64>, Posted(form): Posted<Values>) -> PageResult {
    let mut problems = Vec::new();
    let field = |key: &str| form.get(key).map_or("", String::as_str);
    let held_on = date_of(field("held_on"), "held_on", &mut problems);
    let decisions = (1..=5)
        .filter_map(|i| {
            let text = form.get(&format!("decision_{i}")).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())?;
            let due = form.get(&format!("decision_{i}_due")).and_then(|d| d.trim().parse().ok());
            Some(DecisionInput { text, owner_school_id: id_of(field(&format!("decision_{i}_school"))), due_on: due })
        })
        .collect();
    let result = if problems.is_empty() {
        let input = MeetingInput {
            held_on,
            title: form.get("title").cloned().unwrap_or_default(),
            place: form.get("place").cloned().unwrap_or_default(),
            present: form.get("present").cloned().unwrap_or_default(),
            minutes: form.get("minutes").cloned().unwrap_or_default(),
            decisions,
        };
        affairs::add_meeting(&app, &v, cluster, &input).await.map(|_| ())
    } else {
        Err(AppError::Invalid(problems))
    };
    match result {
        Ok(()) => Ok(saved(&format!("/running/council?cluster={cluster}"))),
        Err(e) => {
            let problems = form_problems(e)?;
            council_with(&app, &v, cluster, errors_of(&v.tr(), "cmeet", &problems), form).await
        }
    }
}

async fn meeting_files_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, form: Multipart) -> PageResult {
    let cluster = affairs::meeting_cluster(&app, &v, id).await?;
    let result = match posted_files(&app, &v, form).await {
        Ok(files) => affairs::attach_to_meeting(&app, &v, id, files).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(saved(&format!("/running/council?cluster={cluster}"))),
        Err(e) => {
            let problems = form_problems(e)?;
            council_with(&app, &v, cluster, errors_of(&v.tr(), "cmeet", &problems), HashMap::new()).await
        }
    }
}

async fn decision_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<StatusForm>) -> PageResult {
    let d = affairs::set_decision(&app, &v, id, &form.status).await?;
    let cluster = affairs::meeting_cluster(&app, &v, d.meeting_id).await?;
    Ok(saved(&format!("/running/council?cluster={cluster}")))
}
