//! 交流安排: the moves a person sees, what waits for their decision (调入 / 调出 for a school,
//! 待确认 for the bureau), a move's page with its steps and the decisions open to the reader, a
//! form to propose a move by hand, and a teacher's exchange history with where they work today.

use super::super::*;
use super::exchange_tabs;
use xuequ_app::exchange::moves::{self, Decision, Proposal};
use xuequ_app::records::{Move, MoveFilter};
use xuequ_domain::exchange::{Form, MoveStatus};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/exchange/moves", get(list))
        .route("/exchange/moves/new", get(new_form).post(create))
        .route("/exchange/moves/{id}", get(detail))
        .route("/exchange/moves/{id}/decide", post(decide))
        .route("/exchange/moves/decide-all", post(decide_all))
        .route("/exchange/teachers/{id}", get(history))
}

/// Names of the county's schools and of teachers, for the tables.
struct Names {
    schools: HashMap<i64, String>,
    teachers: HashMap<i64, (String, String)>,
}

impl Names {
    async fn load(app: &App, v: &Viewer, moves: &[Move]) -> Result<Names, PageError> {
        let schools = directory::school_names(app, v).await?;
        let mut teachers = HashMap::new();
        for m in moves {
            if let std::collections::hash_map::Entry::Vacant(e) = teachers.entry(m.teacher_id)
                && let Some(t) = directory::teacher(app, v, m.teacher_id).await?
            {
                e.insert((t.name, t.staff_no));
            }
        }
        Ok(Names { schools, teachers })
    }

    fn school(&self, id: i64) -> String {
        self.schools.get(&id).cloned().unwrap_or_default()
    }

    fn teacher(&self, id: i64) -> String {
        self.teachers.get(&id).map(|t| t.0.clone()).unwrap_or_default()
    }
}

/// A move as a table row.
#[derive(Clone)]
pub(super) struct MoveRow {
    id: i64,
    teacher: String,
    subject: String,
    form: String,
    from: String,
    to: String,
    period: String,
    status: String,
    status_code: String,
}

fn row(t: &Tr, names: &Names, m: &Move) -> MoveRow {
    MoveRow {
        id: m.id,
        teacher: names.teacher(m.teacher_id),
        subject: t.code("subject", m.subject.code()),
        form: t.code("move-form", m.form.code()),
        from: names.school(m.from_school_id),
        to: names.school(m.to_school_id),
        period: format!("{} – {}", m.starts_on, m.ends_on),
        status: status_text(t, m),
        status_code: m.status.code().to_string(),
    }
}

/// The status in words; a proposal says which school it still waits for.
fn status_text(t: &Tr, m: &Move) -> String {
    let base = t.code("move-status", m.status.code());
    if m.status != MoveStatus::Proposed {
        return base;
    }
    match (m.sending_agreed_at.is_some(), m.receiving_agreed_at.is_some()) {
        (true, false) => format!("{base} · {}", t.get("move-waits-receiving")),
        (false, true) => format!("{base} · {}", t.get("move-waits-sending")),
        _ => format!("{base} · {}", t.get("move-waits-both")),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "exchange/moves.html")]
struct MovesPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    incoming: Vec<MoveRow>,
    outgoing: Vec<MoveRow>,
    to_confirm: Vec<MoveRow>,
    year: String,
    statuses: Vec<Opt>,
    rows: Vec<MoveRow>,
    can_propose: bool,
}

async fn list(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let t = v.tr();
    let year = q.get("year").and_then(|y| y.trim().parse::<i32>().ok()).filter(|y| (1990..=2100).contains(y));
    let status = q.get("status").and_then(|s| MoveStatus::parse(s));
    let filter = MoveFilter { year, statuses: status.into_iter().collect(), ..Default::default() };
    let all = moves::list(&app, &v, filter).await?;
    let inbox = moves::inbox(&app, &v).await?;
    let every: Vec<Move> =
        all.iter().chain(inbox.incoming.iter()).chain(inbox.outgoing.iter()).chain(inbox.to_confirm.iter()).cloned().collect();
    let names = Names::load(&app, &v, &every).await?;
    let rows = |list: &[Move]| list.iter().map(|m| row(&t, &names, m)).collect::<Vec<_>>();
    Ok(MovesPage {
        chrome: Chrome::new(&v, t.get("moves-title"), "/exchange"),
        tabs: exchange_tabs(&v, "/exchange/moves"),
        incoming: rows(&inbox.incoming),
        outgoing: rows(&inbox.outgoing),
        to_confirm: rows(&inbox.to_confirm),
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        statuses: MoveStatus::ALL
            .iter()
            .map(|s| Opt { value: s.code().into(), label: t.code("move-status", s.code()), selected: Some(*s) == status })
            .collect(),
        rows: rows(&all),
        can_propose: can_propose(&app, &v).await?,
    }
    .into_response())
}

/// Whether the reader may propose moves at all: the bureau, or a cluster head.
async fn can_propose(_app: &App, v: &Viewer) -> Result<bool, PageError> {
    let county = v.county();
    Ok(v.can(Action::Create, Resource::Exchange, &Target::county(county))
        || v.actor.cluster_id.is_some_and(|c| v.can(Action::Create, Resource::Exchange, &Target::cluster(county, c))))
}

/// The proposal form's fields.
fn specs(t: &Tr, schools: Vec<(String, String)>) -> Vec<FieldSpec> {
    let forms = Form::ALL.iter().map(|f| (f.code().to_string(), t.code("move-form", f.code()))).collect();
    vec![
        field("staff_no", FieldKind::Text, true),
        field("to_school", FieldKind::Select(schools), true),
        field("form", FieldKind::Select(forms), true),
        field("starts_on", FieldKind::Date, true),
        field("ends_on", FieldKind::Date, true),
        field("load_percent", FieldKind::Number, false),
        field("weekdays", FieldKind::Text, false),
        field("fills", FieldKind::Text, false),
    ]
}

/// What the proposal form posts, before the teacher is looked up.
#[derive(Deserialize)]
struct ProposalDraft {
    staff_no: String,
    to_school: String,
    form: String,
    starts_on: chrono::NaiveDate,
    ends_on: chrono::NaiveDate,
    load_percent: Option<u32>,
    weekdays: Option<String>,
    fills: Option<String>,
}

impl xuequ_domain::drafts::Draft for ProposalDraft {
    fn problems(&self, _today: chrono::NaiveDate) -> Vec<FieldProblem> {
        Vec::new()
    }
}

/// The schools the reader may propose moves to (every active school they may plan for).
async fn target_schools(app: &App, v: &Viewer) -> Result<Vec<(String, String)>, PageError> {
    Ok(xuequ_app::registry::all_schools(app, v)
        .await?
        .into_iter()
        .filter(|s| s.status == xuequ_domain::Status::Active)
        .filter(|s| v.can(Action::Create, Resource::Exchange, &Target::school(v.county(), s.id)))
        .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.code)))
        .collect())
}

fn form_shape<'a>(t: &Tr) -> FormShape<'a> {
    FormShape {
        title: t.get("moves-new"),
        path: "/exchange/moves/new",
        entity: "move",
        cancel: "/exchange/moves",
        readonly: false,
        extra: None,
    }
}

async fn new_form(State(app): State<App>, v: Viewer) -> PageResult {
    if !can_propose(&app, &v).await? {
        return Err(AppError::Forbidden.into());
    }
    let t = v.tr();
    let year = xuequ_app::exchange::school_year_of(xuequ_app::today()) + 1;
    let values = HashMap::from([
        ("form".to_string(), Form::Rotation.code().to_string()),
        ("starts_on".to_string(), format!("{year}-09-01")),
        ("ends_on".to_string(), format!("{}-08-31", year + 1)),
        ("load_percent".to_string(), "100".to_string()),
    ]);
    Ok(record_form(&v, form_shape(&t), &specs(&t, target_schools(&app, &v).await?), &values, &[]))
}

async fn create(State(app): State<App>, v: Viewer, Posted(form): Posted<Values>) -> PageResult {
    let t = v.tr();
    let specs = specs(&t, target_schools(&app, &v).await?);
    save_form(
        &v,
        form_shape(&t),
        &specs,
        &form,
        async |d: ProposalDraft| {
            let teacher_id = xuequ_app::exchange::teacher_by_staff_no(&app, &v, "staff_no", &d.staff_no).await?;
            let to_school_id =
                d.to_school.parse().map_err(|_| AppError::invalid("to_school", Problem::NoSuchSchool { value: d.to_school.clone() }))?;
            let form = Form::parse(&d.form).ok_or_else(|| {
                AppError::invalid(
                    "form",
                    Problem::UnknownValue {
                        value: d.form.chars().take(40).collect(),
                        allowed: "rotation, support, itinerant, cross_teaching, secondment".into(),
                    },
                )
            })?;
            let weekdays = parse_weekdays(d.weekdays.as_deref().unwrap_or(""))?;
            let p = Proposal {
                teacher_id,
                to_school_id,
                form,
                starts_on: d.starts_on,
                ends_on: d.ends_on,
                load_percent: d.load_percent.unwrap_or(if form.moves_the_post() { 100 } else { 40 }),
                weekdays,
                fills: d.fills.unwrap_or_default(),
            };
            moves::propose(&app, &v, &[p], xuequ_domain::exchange::MoveOrigin::Hand).await
        },
        |saved| format!("/exchange/moves/{}", saved[0].id),
    )
    .await
}

/// Weekdays written as `1,3` or `一 三` or `周二、周四`: numbers 1–7 or Chinese day names.
fn parse_weekdays(text: &str) -> Result<Vec<u32>, AppError> {
    let mut out = Vec::new();
    for part in text.split([',', '，', '、', ' ', ';', '；']).map(str::trim).filter(|p| !p.is_empty()) {
        let bare = part.trim_start_matches("周").trim_start_matches("星期");
        let day = match bare {
            "一" => Some(1),
            "二" => Some(2),
            "三" => Some(3),
            "四" => Some(4),
            "五" => Some(5),
            "六" => Some(6),
            "日" | "天" => Some(7),
            n => n.parse::<u32>().ok(),
        };
        match day {
            Some(d) if (1..=7).contains(&d) => out.push(d),
            _ => {
                return Err(AppError::invalid(
                    "weekdays",
                    Problem::OutOfRange { value: part.chars().take(20).collect(), min: "1".into(), max: "7".into() },
                ));
            }
        }
    }
    Ok(out)
}

#[derive(Template, WebTemplate)]
#[template(path = "exchange/move.html")]
struct MovePage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    id: i64,
    facts: Vec<(String, String)>,
    /// The steps with whether each is done, and whether the move stopped (declined, withdrawn).
    steps: Vec<(String, bool)>,
    stopped: Option<String>,
    decisions: Vec<String>,
    teacher_id: i64,
}

async fn detail(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let people = directory::people(&app, &v).await?;
    let t = v.tr();
    let m = moves::get(&app, &v, id).await?;
    let names = Names::load(&app, &v, std::slice::from_ref(&m)).await?;
    let at = |who: &Option<String>, when: Option<chrono::DateTime<chrono::Utc>>| match (who, when) {
        (Some(w), Some(d)) => format!("{} · {}", people.name(w), xuequ_domain::booking::show(d)),
        _ => t.get("move-not-yet"),
    };
    let staff_no = names.teachers.get(&m.teacher_id).map(|x| x.1.clone()).unwrap_or_default();
    let mut facts = vec![
        (t.get("move-teacher"), format!("{} ({staff_no})", names.teacher(m.teacher_id))),
        (t.get("move-subject"), t.code("subject", m.subject.code())),
        (t.get("move-form"), t.code("move-form", m.form.code())),
        (t.get("move-status"), status_text(&t, &m)),
        (t.get("move-from"), names.school(m.from_school_id)),
        (t.get("move-to"), names.school(m.to_school_id)),
        (t.get("move-period"), format!("{} – {}", m.starts_on, m.ends_on)),
        (t.get("move-load"), format!("{}%", m.load_percent)),
    ];
    if !m.weekdays.is_empty() {
        let days = m.weekdays.split(',').map(|d| t.code("weekday", d)).collect::<Vec<_>>().join("、");
        facts.push((t.get("move-weekdays"), days));
    }
    if let Some(km) = m.km {
        facts.push((t.get("move-km"), format!("{km:.1}")));
    }
    if !m.fills.is_empty() {
        facts.push((t.get("move-fills"), t.code("subject", &m.fills)));
    }
    facts.push((
        t.get("move-proposed"),
        format!(
            "{} · {} · {}",
            people.name(&m.proposed_by_name),
            t.code("move-origin", m.origin.code()),
            xuequ_domain::booking::show(m.created_at)
        ),
    ));
    facts.push((t.get("move-sending-agreed"), at(&m.sending_agreed_by, m.sending_agreed_at)));
    facts.push((t.get("move-receiving-agreed"), at(&m.receiving_agreed_by, m.receiving_agreed_at)));
    facts.push((t.get("move-confirmed"), at(&m.confirmed_by, m.confirmed_at)));
    if let Some(s) = m.started_at {
        facts.push((t.get("move-started"), xuequ_domain::booking::show(s)));
    }
    if let Some(r) = m.returned_at {
        facts.push((t.get("move-returned"), xuequ_domain::booking::show(r)));
    }
    if let Some(by) = &m.decided_by {
        facts.push((t.get("move-decided"), format!("{} · {}", people.name(by), m.reason)));
    }
    let status = m.status;
    let steps = vec![
        (t.get("move-step-sending"), m.sending_agreed_at.is_some()),
        (t.get("move-step-receiving"), m.receiving_agreed_at.is_some()),
        (t.get("move-step-confirmed"), m.confirmed_at.is_some()),
        (t.get("move-step-started"), status.done()),
        (t.get("move-step-returned"), status == MoveStatus::Returned),
    ];
    let stopped = matches!(status, MoveStatus::Declined | MoveStatus::Withdrawn).then(|| t.code("move-status", m.status.code()));
    Ok(MovePage {
        chrome: Chrome::new(&v, t.with("move-title", &[("teacher", names.teacher(m.teacher_id))]), "/exchange"),
        tabs: exchange_tabs(&v, "/exchange/moves"),
        id,
        facts,
        steps,
        stopped,
        decisions: moves::decisions(&v, &m).into_iter().map(|d| d.code().to_string()).collect(),
        teacher_id: m.teacher_id,
    }
    .into_response())
}

/// A decision on a move; the confirmation page names the decision and reason in its address.
#[derive(Deserialize, Default)]
#[serde(default)]
struct DecideForm {
    decision: Option<String>,
    reason: Option<String>,
    confirmed: String,
    back: String,
}

/// Takes a decision; withdrawing and ending early ask first, on a page that says what follows.
async fn decide(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
    Posted(form): Posted<DecideForm>,
) -> PageResult {
    let t = v.tr();
    let Some(decision) = form.decision.as_ref().or(q.get("decision")).and_then(|d| Decision::parse(d)) else {
        return Err(AppError::invalid("decision", Problem::Required).into());
    };
    let reason = form.reason.as_ref().or(q.get("reason")).cloned().unwrap_or_default();
    if matches!(decision, Decision::Withdraw | Decision::EndEarly) && !confirmed(&form.confirmed) {
        let m = moves::get(&app, &v, id).await?;
        let names = Names::load(&app, &v, std::slice::from_ref(&m)).await?;
        let args = [("teacher", names.teacher(m.teacher_id)), ("to", names.school(m.to_school_id))];
        let key = if decision == Decision::Withdraw { "move-withdraw" } else { "move-end-early" };
        if decision == Decision::EndEarly && reason.trim().is_empty() {
            return Err(AppError::invalid("reason", Problem::Required).into());
        }
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.get(key), "/exchange"),
            lines: vec![t.with(&format!("{key}-line"), &args), t.get(&format!("{key}-hint"))],
            action: format!("/exchange/moves/{id}/decide?decision={}&reason={}", decision.code(), urlencoding::encode(&reason)),
            date: None,
            reason: None,
            keep: Vec::new(),
            button: t.get(key),
            cancel: format!("/exchange/moves/{id}"),
        }
        .into_response());
    }
    moves::decide(&app, &v, id, decision, &reason).await?;
    let back = if form.back == "inbox" { "/exchange/moves".to_string() } else { format!("/exchange/moves/{id}") };
    Ok(saved(&back))
}

#[derive(Template, WebTemplate)]
#[template(path = "exchange/history.html")]
struct HistoryPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    facts: Vec<(String, String)>,
    rows: Vec<MoveRow>,
}

/// A teacher's home school, where they work today, and every move of theirs.
async fn history(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let t = v.tr();
    let h = moves::history(&app, &v, id).await?;
    let teacher = directory::teacher(&app, &v, id).await?.ok_or(AppError::NotFound)?;
    let names = Names::load(&app, &v, &h.moves).await?;
    let facts = vec![
        (t.get("move-teacher"), format!("{} ({})", teacher.name, teacher.staff_no)),
        (t.get("move-subject"), t.code("subject", teacher.subject.code())),
        (t.get("history-home-school"), names.school(h.home_school_id)),
        (t.get("history-working-school"), names.school(h.working_school_id)),
    ];
    Ok(HistoryPage {
        chrome: Chrome::new(&v, t.with("history-title", &[("teacher", teacher.name.clone())]), "/exchange"),
        tabs: exchange_tabs(&v, "/exchange/moves"),
        facts,
        rows: h.moves.iter().map(|m| row(&t, &names, m)).collect(),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecideAllForm {
    part: String,
    confirmed: String,
}

/// 全部同意… / 全部确认…: every move waiting in one part of the inbox, after saying how many
/// and whose; each is decided by the same rules as one at a time.
async fn decide_all(State(app): State<App>, v: Viewer, Posted(form): Posted<DecideAllForm>) -> PageResult {
    let t = v.tr();
    let part = moves::InboxPart::parse(&form.part).ok_or_else(|| AppError::invalid("part", Problem::Required))?;
    if !confirmed(&form.confirmed) {
        let (list, decision) = part.of(moves::inbox(&app, &v).await?);
        if list.is_empty() {
            return Ok(saved("/exchange/moves"));
        }
        let names = Names::load(&app, &v, &list).await?;
        let shown: Vec<String> =
            list.iter().take(10).map(|m| format!("{} → {}", names.teacher(m.teacher_id), names.school(m.to_school_id))).collect();
        let key = if decision == Decision::Confirm { "moves-confirm-all" } else { "moves-approve-all" };
        let mut lines = vec![t.with(&format!("{key}-line"), &[("count", list.len().to_string())]), shown.join("；")];
        if list.len() > shown.len() {
            lines.push(t.with("moves-and-more", &[("count", (list.len() - shown.len()).to_string())]));
        }
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.with(key, &[("count", list.len().to_string())]), "/exchange"),
            lines,
            action: "/exchange/moves/decide-all".into(),
            date: None,
            reason: None,
            keep: vec![("part".into(), form.part.clone())],
            button: t.with(key, &[("count", list.len().to_string())]),
            cancel: "/exchange/moves".into(),
        }
        .into_response());
    }
    moves::decide_all(&app, &v, part).await?;
    Ok(saved("/exchange/moves"))
}
