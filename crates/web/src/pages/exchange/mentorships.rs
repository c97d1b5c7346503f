//! 师徒结对: the pairs a person sees, a form to pair two teachers (by staff number), a pair's page
//! with its meetings and a form to record one, and ending a pair (asked first).

use super::super::*;
use super::exchange_tabs;
use xuequ_app::exchange::mentorships::{self, MEETING_KINDS};
use xuequ_app::records::{NewMeeting, NewMentorship};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/exchange/mentorships", get(list))
        .route("/exchange/mentorships/new", get(new_form).post(create))
        .route("/exchange/mentorships/{id}", get(detail).post(record))
        .route("/exchange/mentorships/{id}/end", post(end))
}

/// Teacher id → (name, staff number, school name).
async fn people(app: &App, v: &Viewer) -> Result<HashMap<i64, (String, String, String)>, PageError> {
    let schools: HashMap<i64, String> = directory::school_names(app, v).await?;
    Ok(directory::active_teachers(app, v)
        .await?
        .into_iter()
        .map(|t| (t.id, (t.name, t.staff_no, schools.get(&t.school_id).cloned().unwrap_or_default())))
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "exchange/mentorships.html")]
struct ListPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    /// id, mentor (name · school), mentee, subject, period, status, meetings.
    rows: Vec<(i64, String, String, String, String, String, usize)>,
    can_pair: bool,
}

fn who(people: &HashMap<i64, (String, String, String)>, id: i64) -> String {
    people.get(&id).map(|p| format!("{} · {}", p.0, p.2)).unwrap_or_default()
}

async fn list(State(app): State<App>, v: Viewer) -> PageResult {
    let t = v.tr();
    let pairs = mentorships::list(&app, &v).await?;
    let people = people(&app, &v).await?;
    let meetings = mentorships::meetings(&app, &v).await?;
    let rows = pairs
        .iter()
        .map(|m| {
            (
                m.id,
                who(&people, m.mentor_id),
                who(&people, m.mentee_id),
                t.code("subject", m.subject.code()),
                format!("{} – {}", m.starts_on, m.ends_on),
                t.code("pair-status", m.status.code()),
                meetings.iter().filter(|x| x.mentorship_id == m.id).count(),
            )
        })
        .collect();
    Ok(ListPage {
        chrome: Chrome::new(&v, t.get("pairs-title"), "/exchange"),
        tabs: exchange_tabs(&v, "/exchange/mentorships"),
        rows,
        can_pair: can_pair(&v),
    }
    .into_response())
}

/// Whether the reader keeps pair records somewhere: a school's admin, a cluster head, the bureau.
fn can_pair(v: &Viewer) -> bool {
    let county = v.county();
    v.can(Action::Update, Resource::Exchange, &Target::county(county))
        || v.actor.school_id.is_some_and(|s| v.can(Action::Update, Resource::Exchange, &Target::school(county, s)))
        || v.actor.cluster_school_ids.iter().any(|s| v.can(Action::Update, Resource::Exchange, &Target::school(county, *s)))
}

fn pair_specs() -> Vec<FieldSpec> {
    vec![
        field("mentor_staff_no", FieldKind::Text, true),
        field("mentee_staff_no", FieldKind::Text, true),
        field("starts_on", FieldKind::Date, true),
        field("ends_on", FieldKind::Date, true),
        field("goal", FieldKind::TextArea, false),
    ]
}

#[derive(Deserialize)]
struct PairDraft {
    mentor_staff_no: String,
    mentee_staff_no: String,
    starts_on: chrono::NaiveDate,
    ends_on: chrono::NaiveDate,
    goal: Option<String>,
}

impl xuequ_domain::drafts::Draft for PairDraft {
    fn problems(&self, _today: chrono::NaiveDate) -> Vec<FieldProblem> {
        Vec::new()
    }
}

fn pair_shape<'a>(t: &Tr) -> FormShape<'a> {
    FormShape {
        title: t.get("pairs-new"),
        path: "/exchange/mentorships/new",
        entity: "pair",
        cancel: "/exchange/mentorships",
        readonly: false,
        extra: None,
    }
}

async fn new_form(v: Viewer) -> PageResult {
    if !can_pair(&v) {
        return Err(AppError::Forbidden.into());
    }
    let t = v.tr();
    let today = xuequ_app::today();
    let values = HashMap::from([
        ("starts_on".to_string(), today.to_string()),
        ("ends_on".to_string(), today.checked_add_months(chrono::Months::new(12)).unwrap_or(today).to_string()),
    ]);
    Ok(record_form(&v, pair_shape(&t), &pair_specs(), &values, &[]))
}

async fn create(State(app): State<App>, v: Viewer, Posted(form): Posted<Values>) -> PageResult {
    let t = v.tr();
    save_form(
        &v,
        pair_shape(&t),
        &pair_specs(),
        &form,
        async |d: PairDraft| {
            let find = xuequ_app::exchange::teacher_by_staff_no;
            let new = NewMentorship {
                mentor_id: find(&app, &v, "mentor_staff_no", &d.mentor_staff_no).await?,
                mentee_id: find(&app, &v, "mentee_staff_no", &d.mentee_staff_no).await?,
                subject: String::new(),
                starts_on: d.starts_on,
                ends_on: d.ends_on,
                goal: d.goal.unwrap_or_default(),
            };
            mentorships::create(&app, &v, &new).await
        },
        |m| format!("/exchange/mentorships/{}", m.id),
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "exchange/mentorship.html")]
struct PairPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    id: i64,
    facts: Vec<(String, String)>,
    /// held on, kind, minutes, notes, recorded by.
    meetings: Vec<(String, String, i32, String, String)>,
    active: bool,
    kinds: Vec<Opt>,
    today: String,
    errors: Vec<String>,
    values: HashMap<String, String>,
}

async fn detail(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    pair_page(&app, &v, id, Vec::new(), HashMap::new()).await
}

async fn pair_page(app: &App, v: &Viewer, id: i64, errors: Vec<String>, values: HashMap<String, String>) -> PageResult {
    let logins = directory::people(app, v).await?;
    let t = v.tr();
    let (m, meetings) = mentorships::get(app, v, id).await?;
    let people = people(app, v).await?;
    let minutes: i32 = meetings.iter().map(|x| x.minutes).sum();
    let facts = vec![
        (t.get("pair-mentor"), who(&people, m.mentor_id)),
        (t.get("pair-mentee"), who(&people, m.mentee_id)),
        (t.get("pair-subject"), t.code("subject", m.subject.code())),
        (t.get("pair-period"), format!("{} – {}", m.starts_on, m.ends_on)),
        (t.get("pair-status"), t.code("pair-status", m.status.code())),
        (t.get("pair-goal"), m.goal.clone()),
        (
            t.get("pair-meetings"),
            t.with("pair-meetings-count", &[("count", meetings.len().to_string()), ("hours", format!("{:.1}", minutes as f64 / 60.0))]),
        ),
        (t.get("pair-created"), logins.name(&m.created_by)),
    ];
    let chosen = values.get("kind").cloned().unwrap_or_else(|| "observation".into());
    Ok(PairPage {
        chrome: Chrome::new(
            v,
            t.with(
                "pair-title",
                &[
                    ("mentor", people.get(&m.mentor_id).map(|p| p.0.clone()).unwrap_or_default()),
                    ("mentee", people.get(&m.mentee_id).map(|p| p.0.clone()).unwrap_or_default()),
                ],
            ),
            "/exchange",
        ),
        tabs: exchange_tabs(v, "/exchange/mentorships"),
        id,
        facts,
        meetings: meetings
            .iter()
            .map(|x| {
                (x.held_on.to_string(), t.code("meeting-kind", x.kind.code()), x.minutes, x.notes.clone(), logins.name(&x.recorded_by))
            })
            .collect(),
        active: m.status == xuequ_domain::exchange::MentorshipStatus::Active && can_pair(v),
        kinds: MEETING_KINDS
            .iter()
            .map(|k| Opt { value: k.to_string(), label: t.code("meeting-kind", k), selected: *k == chosen })
            .collect(),
        today: xuequ_app::today().to_string(),
        errors,
        values,
    }
    .into_response())
}

/// Records a meeting; a wrong field shows the form again with the person's values.
/// A meeting of a pair, as typed.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct MeetingForm {
    held_on: String,
    minutes: String,
    kind: String,
    notes: String,
}

async fn record(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<MeetingForm>) -> PageResult {
    let t = v.tr();
    let (held_on, minutes) = (form.held_on.trim(), form.minutes.trim());
    let result = match (held_on.parse::<chrono::NaiveDate>(), minutes.parse::<i32>()) {
        (Err(_), _) => Err(AppError::invalid("held_on", Problem::NotADate { value: held_on.chars().take(40).collect() })),
        (_, Err(_)) => Err(AppError::invalid("minutes", Problem::NotAnInteger { value: minutes.chars().take(40).collect() })),
        (Ok(held_on), Ok(minutes)) => {
            let new = NewMeeting { mentorship_id: id, held_on, minutes, kind: form.kind.clone(), notes: form.notes.clone() };
            mentorships::record(&app, &v, &new).await.map(|_| ())
        }
    };
    match result {
        Ok(()) => Ok(saved(&format!("/exchange/mentorships/{id}"))),
        Err(e) => {
            let problems = form_problems(e)?;
            let errors = problems.iter().map(|p| format!("{}：{}", t.field("meeting", p.field), t.problem(&p.problem))).collect();
            pair_page(&app, &v, id, errors, values_of(&form)).await
        }
    }
}

/// Ends a pair, after saying what follows.
async fn end(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<Confirm>) -> PageResult {
    let t = v.tr();
    if !form.confirmed() {
        mentorships::get(&app, &v, id).await?;
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.get("pair-end"), "/exchange"),
            lines: vec![t.get("pair-end-line"), t.get("pair-end-hint")],
            action: format!("/exchange/mentorships/{id}/end"),
            date: None,
            reason: None,
            keep: Vec::new(),
            button: t.get("pair-end"),
            cancel: format!("/exchange/mentorships/{id}"),
        }
        .into_response());
    }
    mentorships::end(&app, &v, id).await?;
    Ok(saved(&format!("/exchange/mentorships/{id}")))
}
