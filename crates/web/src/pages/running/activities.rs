//! 学区活动: the list and calendar of activities, scheduling, an activity's page (sign up,
//! check in, attendance, record, files, reviews), the check-in page a teacher reaches from the
//! QR code, and the screen shown at the venue.

use super::*;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use xuequ_app::running::activities::{self, ActivityInput, ListQuery};
use xuequ_app::running::calendar::{self, Of, What};
use xuequ_domain::activity::hours::show;
use xuequ_domain::activity::{ActivityKind, ActivityStatus};
use xuequ_domain::booking::{to_local, to_utc};
use xuequ_domain::{Status, Subject};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/activities/{id}/files", post(files_post))
        .layer(axum::extract::DefaultBodyLimit::max(crate::LIBRARY_REQUEST))
        .route("/activities", get(list_page))
        .route("/activities/calendar", get(calendar_page))
        .route("/activities/new", get(new_page).post(new_post))
        .route("/activities/{id}", get(detail_page))
        .route("/activities/{id}/edit", get(edit_page).post(edit_post))
        .route("/activities/{id}/cancel", post(cancel_post))
        .route("/activities/{id}/signup", post(signup_post))
        .route("/activities/{id}/withdraw", post(withdraw_post))
        .route("/activities/{id}/assign", post(assign_post))
        .route("/activities/{id}/checkin", get(checkin_page).post(checkin_post))
        .route("/activities/{id}/screen", get(screen_page))
        .route("/activities/{id}/attendance", post(attendance_post))
        .route("/activities/{id}/record", post(record_post))
        .route("/activities/{id}/review", post(review_post))
        .route("/activities/{id}/files/{file}", get(file_get))
}

const TIME: &str = "%Y-%m-%dT%H:%M";

fn when(start: NaiveDateTime, end: NaiveDateTime) -> String {
    if start.date() == end.date() {
        format!("{} {}–{}", start.format("%Y-%m-%d"), start.format("%H:%M"), end.format("%H:%M"))
    } else {
        format!("{} – {}", start.format("%Y-%m-%d %H:%M"), end.format("%Y-%m-%d %H:%M"))
    }
}

/// A row of the list.
pub struct Row {
    pub id: i64,
    pub when: String,
    pub title: String,
    pub kind: String,
    pub host: String,
    pub cluster: String,
    pub going: String,
    pub mine: String,
    pub cancelled: bool,
}

fn row(t: &Tr, l: &activities::Listed) -> Row {
    let a = &l.activity;
    Row {
        id: a.id,
        when: when(to_local(a.starts_at), to_local(a.ends_at)),
        title: a.title.clone(),
        kind: t.code("activity-kind", l.kind.code()),
        host: l.host.clone(),
        cluster: l.cluster.clone(),
        going: match a.capacity {
            Some(c) => t.with(
                "activity-going-of",
                &[("going", l.going.to_string()), ("present", l.present.to_string()), ("capacity", c.to_string())],
            ),
            None => t.with("activity-going", &[("going", l.going.to_string()), ("present", l.present.to_string())]),
        },
        mine: match l.mine {
            Some(true) => t.get("activity-mine-present"),
            Some(false) => t.get("activity-mine-going"),
            None => String::new(),
        },
        cancelled: a.status == ActivityStatus::Cancelled,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "running/activities.html")]
struct ListPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    rows: Vec<Row>,
    clusters: Vec<Opt>,
    kinds: Vec<Opt>,
    ranges: Vec<Opt>,
    can_schedule: bool,
}

fn kind_options(t: &Tr, chosen: &str) -> Vec<Opt> {
    ActivityKind::ALL
        .iter()
        .map(|k| Opt { value: k.code().into(), label: t.code("activity-kind", k.code()), selected: k.code() == chosen })
        .collect()
}

async fn cluster_options(app: &App, v: &Viewer, chosen: Option<i64>) -> Result<Vec<Opt>, PageError> {
    Ok(xuequ_app::clusters::all(app, v)
        .await?
        .into_iter()
        .filter(|c| c.dissolved_on.is_none())
        .map(|c| Opt { value: c.id.to_string(), label: c.name, selected: Some(c.id) == chosen })
        .collect())
}

async fn list_page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let t = v.tr();
    let today = xuequ_app::today();
    let cluster = q.get("cluster").and_then(|c| c.parse().ok());
    let kind = q.get("kind").and_then(|k| ActivityKind::parse(k));
    let range = q.get("range").map(String::as_str).unwrap_or("upcoming");
    let day = |d: NaiveDate| to_utc(d.and_hms_opt(0, 0, 0).expect("midnight"));
    let (from, to) = match range {
        "past" => (today - Duration::days(365), today + Duration::days(1)),
        "mine" => (today - Duration::days(365), today + Duration::days(366)),
        _ => (today, today + Duration::days(366)),
    };
    let query =
        ListQuery { cluster_id: cluster, kind, from: Some(day(from)), to: Some(day(to)), mine: range == "mine", ..Default::default() };
    let mut list = activities::list(&app, &v, &query).await?;
    if range == "past" {
        list.reverse();
    }
    Ok(ListPage {
        chrome: Chrome::new(&v, t.get("activities-title"), "/activities"),
        tabs: super::tabs(&v, "/activities"),
        rows: list.iter().map(|l| row(&t, l)).collect(),
        clusters: cluster_options(&app, &v, cluster).await?,
        kinds: kind_options(&t, kind.map(|k| k.code()).unwrap_or("")),
        ranges: ["upcoming", "past", "mine"]
            .iter()
            .map(|r| Opt { value: r.to_string(), label: t.code("activity-range", r), selected: *r == range })
            .collect(),
        can_schedule: super::may_schedule_any(&v),
    }
    .into_response())
}

/// A day of the calendar with its events.
pub struct Day {
    pub date: String,
    pub label: String,
    pub today: bool,
    pub outside: bool,
    pub events: Vec<EventView>,
}

pub struct EventView {
    pub time: String,
    pub title: String,
    pub href: String,
    pub class: &'static str,
    pub detail: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "running/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    heading: String,
    weeks: Vec<Vec<Day>>,
    weekdays: Vec<String>,
    prev: String,
    next: String,
    today: String,
    month_href: String,
    week_href: String,
    week_view: bool,
    clusters: Vec<Opt>,
    feed_href: String,
}

async fn calendar_page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let t = v.tr();
    let today = xuequ_app::today();
    let at = query_date(q.get("date")).unwrap_or(today);
    let week_view = q.get("view").is_some_and(|x| x == "week");
    let cluster: Option<i64> = q.get("cluster").and_then(|c| c.parse().ok()).or(v.actor.cluster_id);
    let (first, last, prev, next) = if week_view {
        let monday = at - Duration::days(at.weekday().num_days_from_monday() as i64);
        (monday, monday + Duration::days(6), monday - Duration::days(7), monday + Duration::days(7))
    } else {
        let month = at.with_day(1).unwrap_or(at);
        let next_month = month.checked_add_months(chrono::Months::new(1)).unwrap_or(month);
        let first = month - Duration::days(month.weekday().num_days_from_monday() as i64);
        let end = next_month - Duration::days(1);
        let last = end + Duration::days(6 - end.weekday().num_days_from_monday() as i64);
        (first, last, month.checked_sub_months(chrono::Months::new(1)).unwrap_or(month), next_month)
    };
    let of = match cluster {
        Some(k) => Of::Cluster(k),
        None => v.actor.school_id.map_or(Of::Mine, Of::School),
    };
    let events = calendar::events(&app, &v, of, first, last).await?;
    let keep = |date: NaiveDate, view: &str| {
        let mut href = format!("/activities/calendar?date={date}&view={view}");
        if let Some(k) = cluster {
            href.push_str(&format!("&cluster={k}"));
        }
        href
    };
    let view = if week_view { "week" } else { "month" };
    let month = at.month();
    let mut days = Vec::new();
    let mut d = first;
    while d <= last {
        days.push(Day {
            date: d.to_string(),
            label: if week_view {
                format!("{} {}", t.code("weekday", &d.weekday().number_from_monday().to_string()), d.format("%m-%d"))
            } else {
                d.day().to_string()
            },
            today: d == today,
            outside: !week_view && d.month() != month,
            events: events
                .iter()
                .filter(|e| e.start.date() <= d && e.end.date() >= d)
                .map(|e| {
                    let (class, detail) = match &e.what {
                        What::Activity { kind, cancelled } => {
                            (if *cancelled { "event cancelled" } else { "event activity" }, t.code("activity-kind", kind.code()))
                        }
                        What::Booking { facility, .. } => ("event booking", facility.clone()),
                    };
                    EventView { time: e.start.format("%H:%M").to_string(), title: e.title.clone(), href: e.link(), class, detail }
                })
                .collect(),
        });
        d += Duration::days(1);
    }
    let mut weeks: Vec<Vec<Day>> = Vec::new();
    for (i, day) in days.into_iter().enumerate() {
        if i % 7 == 0 {
            weeks.push(Vec::new());
        }
        if let Some(w) = weeks.last_mut() {
            w.push(day);
        }
    }
    let heading = if week_view {
        t.with("acal-week-of", &[("from", first.to_string()), ("to", last.to_string())])
    } else {
        t.with("acal-month-of", &[("year", at.year().to_string()), ("month", month.to_string())])
    };
    Ok(CalendarPage {
        chrome: Chrome::new(&v, t.get("acal-title"), "/activities"),
        tabs: super::tabs(&v, "/activities/calendar"),
        heading,
        weeks,
        weekdays: (1..=7).map(|n| t.code("weekday", &n.to_string())).collect(),
        prev: keep(prev, view),
        next: keep(next, view),
        today: keep(today, view),
        month_href: keep(at, "month"),
        week_href: keep(at, "week"),
        week_view,
        clusters: cluster_options(&app, &v, cluster).await?,
        feed_href: "/bookings#feeds".into(),
    }
    .into_response())
}

/// The scheduling form's choices and values.
#[derive(Template, WebTemplate)]
#[template(path = "running/activity_form.html")]
struct FormPage {
    chrome: Chrome,
    action: String,
    cancel: String,
    errors: Vec<String>,
    values: HashMap<String, String>,
    kinds: Vec<Opt>,
    clusters: Vec<Opt>,
    hosts: Vec<Opt>,
    facilities: Vec<Opt>,
    subjects: Vec<Opt>,
    invites: Vec<(i64, String, bool)>,
    editing: bool,
}

async fn form_page(
    app: &App,
    v: &Viewer,
    action: String,
    cancel: String,
    values: HashMap<String, String>,
    errors: Vec<String>,
    editing: bool,
) -> PageResult {
    let t = v.tr();
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let cluster = get("cluster_id").parse().ok();
    let schools = xuequ_app::registry::all_schools(app, v).await?;
    let memberships = directory::memberships(app, v).await?;
    let host_allowed = |id: i64| xuequ_domain::access::running::may_host(&v.actor, id);
    let hosts: Vec<Opt> = schools
        .iter()
        .filter(|s| s.status == Status::Active && host_allowed(s.id))
        .map(|s| Opt { value: s.id.to_string(), label: s.name.clone(), selected: get("host_school_id") == s.id.to_string() })
        .collect();
    let host_ids: Vec<i64> = hosts.iter().filter_map(|h| h.value.parse().ok()).collect();
    let mut clusters = cluster_options(app, v, cluster).await?;
    // The clusters an allowed host school belongs to (the policy decides again on saving).
    clusters.retain(|c| memberships.get(&c.value.parse().unwrap_or_default()).is_some_and(|s| s.iter().any(|x| host_ids.contains(x))));
    let facilities = directory::active_facilities(app, v)
        .await?
        .into_iter()
        .filter(|f| host_ids.contains(&f.school_id) && host_ids.len() <= 60)
        .map(|f| {
            let school = schools.iter().find(|s| s.id == f.school_id).map(|s| s.name.clone()).unwrap_or_default();
            Opt { value: f.id.to_string(), label: format!("{} · {}", school, f.name), selected: get("facility_id") == f.id.to_string() }
        })
        .collect();
    let invited: Vec<String> = get("invited").split(',').map(str::to_string).collect();
    Ok(FormPage {
        chrome: Chrome::new(v, t.get(if editing { "activity-edit" } else { "activity-new" }), "/activities"),
        action,
        cancel,
        errors,
        kinds: kind_options(&t, &get("kind")),
        clusters,
        hosts,
        facilities,
        subjects: Subject::ALL
            .iter()
            .map(|s| Opt { value: s.code().into(), label: t.code("subject", s.code()), selected: get("subject") == s.code() })
            .collect(),
        invites: schools
            .iter()
            .filter(|s| s.status == Status::Active)
            .map(|s| (s.id, s.name.clone(), invited.contains(&s.id.to_string())))
            .collect(),
        values,
        editing,
    }
    .into_response())
}

async fn new_page(State(app): State<App>, v: Viewer) -> PageResult {
    if !super::may_schedule_any(&v) {
        return Err(AppError::Forbidden.into());
    }
    let start = (xuequ_app::today() + Duration::days(7)).and_hms_opt(14, 0, 0).expect("time");
    let mut values = HashMap::from([
        ("starts_at".to_string(), start.format(TIME).to_string()),
        ("ends_at".to_string(), (start + Duration::hours(2)).format(TIME).to_string()),
        ("kind".to_string(), "joint_research".to_string()),
    ]);
    if let Some(s) = v.actor.school_id {
        values.insert("host_school_id".into(), s.to_string());
    }
    if let Some(k) = v.actor.cluster_id {
        values.insert("cluster_id".into(), k.to_string());
        let lead = directory::cluster(&app, &v, k).await?.map(|c| c.lead_school_id);
        if let Some(l) = lead {
            values.insert("host_school_id".into(), l.to_string());
        }
    } else if let Some(s) = v.actor.school_id {
        let clusters = directory::clusters_of_school(&app, &v, s).await?;
        if let Some(c) = clusters
            .iter()
            .filter(|c| c.membership.left_on.is_none())
            .min_by_key(|c| (c.cluster.level != xuequ_domain::ClusterLevel::County, c.cluster.id))
        {
            values.insert("cluster_id".into(), c.cluster.id.to_string());
        }
    }
    form_page(&app, &v, "/activities/new".into(), "/activities".into(), values, Vec::new(), false).await
}

/// The activity form, new or edited, as typed; `invite` lists the invited schools' ids.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct ActivityForm {
    kind: String,
    title: String,
    description: String,
    cluster_id: String,
    host_school_id: String,
    place: String,
    facility_id: String,
    starts_at: String,
    ends_at: String,
    signup_deadline: String,
    subject: String,
    grade: String,
    capacity: String,
    hours: String,
    revision: String,
    invite: Vec<String>,
}

impl ActivityForm {
    fn get(&self, field: &str) -> String {
        let text = match field {
            "kind" => &self.kind,
            "title" => &self.title,
            "description" => &self.description,
            "cluster_id" => &self.cluster_id,
            "host_school_id" => &self.host_school_id,
            "place" => &self.place,
            "facility_id" => &self.facility_id,
            "starts_at" => &self.starts_at,
            "ends_at" => &self.ends_at,
            "signup_deadline" => &self.signup_deadline,
            "subject" => &self.subject,
            "grade" => &self.grade,
            "capacity" => &self.capacity,
            "hours" => &self.hours,
            _ => "",
        };
        text.trim().to_string()
    }
}

fn input_of(form: &ActivityForm) -> Result<ActivityInput, AppError> {
    let get = |k: &str| form.get(k);
    let mut problems = Vec::new();
    let mut time = |field: &'static str, required: bool| -> Option<NaiveDateTime> {
        let text = get(field);
        if text.is_empty() {
            if required {
                problems.push(FieldProblem::new(field, Problem::Required));
            }
            return None;
        }
        NaiveDateTime::parse_from_str(&text, TIME)
            .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S"))
            .map_err(|_| problems.push(FieldProblem::new(field, Problem::NotADate { value: text.chars().take(40).collect() })))
            .ok()
    };
    let starts_at = time("starts_at", true);
    let ends_at = time("ends_at", true);
    let signup_deadline = time("signup_deadline", false);
    let mut id = |field: &'static str| -> Option<i64> {
        let text = get(field);
        if text.is_empty() {
            return None;
        }
        text.parse()
            .map_err(|_| problems.push(FieldProblem::new(field, Problem::NotAnInteger { value: text.chars().take(20).collect() })))
            .ok()
    };
    let (cluster_id, host_school_id, facility_id) = (id("cluster_id"), id("host_school_id"), id("facility_id"));
    let capacity = id("capacity").map(|c| c.clamp(i32::MIN as i64, i32::MAX as i64) as i32);
    let grade = id("grade").unwrap_or(0).clamp(-1, 99) as i32;
    let invited: Vec<i64> = form.invite.iter().filter_map(|s| s.trim().parse().ok()).collect();
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(ActivityInput {
        cluster_id,
        kind: get("kind"),
        title: get("title"),
        description: get("description"),
        host_school_id,
        place: get("place"),
        facility_id,
        starts_at,
        ends_at,
        subject: get("subject"),
        grade,
        capacity,
        signup_deadline,
        hours: get("hours"),
        invited,
    })
}

/// The values a failed post shows again (invited schools as their list).
fn values_of(form: &ActivityForm) -> HashMap<String, String> {
    let mut values = crate::pages::values_of(form);
    values.remove("invite");
    values.insert("invited".into(), form.invite.join(","));
    values
}

async fn new_post(State(app): State<App>, v: Viewer, Posted(form): Posted<ActivityForm>) -> PageResult {
    let result = match input_of(&form) {
        Ok(input) => activities::schedule(&app, &v, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(a) => Ok(saved(&format!("/activities/{}", a.id))),
        Err(AppError::Dates(dates)) => {
            let t = v.tr();
            let errors = dates
                .iter()
                .flat_map(|(_, ps)| ps.iter().map(|p| format!("{}：{}", t.field("activity", "facility_id"), t.problem(p))))
                .collect();
            form_page(&app, &v, "/activities/new".into(), "/activities".into(), values_of(&form), errors, false).await
        }
        Err(e) => {
            let problems = form_problems(e)?;
            form_page(
                &app,
                &v,
                "/activities/new".into(),
                "/activities".into(),
                values_of(&form),
                errors_of(&v.tr(), "activity", &problems),
                false,
            )
            .await
        }
    }
}

fn values_from(d: &activities::Detail) -> HashMap<String, String> {
    let a = &d.listed.activity;
    let mut values = HashMap::from([
        ("kind".to_string(), a.kind.to_string()),
        ("title".to_string(), a.title.clone()),
        ("description".to_string(), a.description.clone()),
        ("host_school_id".to_string(), a.host_school_id.to_string()),
        ("place".to_string(), a.place.clone()),
        ("starts_at".to_string(), to_local(a.starts_at).format(TIME).to_string()),
        ("ends_at".to_string(), to_local(a.ends_at).format(TIME).to_string()),
        ("subject".to_string(), a.subject.clone()),
        ("grade".to_string(), a.grade.to_string()),
        ("hours".to_string(), show(a.credit)),
        ("revision".to_string(), a.revision.to_string()),
        ("invited".to_string(), d.invited.iter().map(|(s, _)| s.to_string()).collect::<Vec<_>>().join(",")),
    ]);
    if let Some(k) = a.cluster_id {
        values.insert("cluster_id".into(), k.to_string());
    }
    if let Some(c) = a.capacity {
        values.insert("capacity".into(), c.to_string());
    }
    if let Some(f) = a.facility_id {
        values.insert("facility_id".into(), f.to_string());
    }
    if let Some(dl) = a.signup_deadline {
        values.insert("signup_deadline".into(), to_local(dl).format(TIME).to_string());
    }
    values
}

async fn edit_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let d = activities::detail(&app, &v, id).await?;
    if !d.may_manage {
        return Err(AppError::Forbidden.into());
    }
    form_page(&app, &v, format!("/activities/{id}/edit"), format!("/activities/{id}"), values_from(&d), Vec::new(), true).await
}

async fn edit_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<ActivityForm>) -> PageResult {
    let revision = form.revision.parse().unwrap_or(0);
    let result = match input_of(&form) {
        Ok(input) => activities::update(&app, &v, id, &input, revision).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(saved(&format!("/activities/{id}"))),
        Err(AppError::Stale) => {
            let t = v.tr();
            let d = activities::detail(&app, &v, id).await?;
            let mut values = values_of(&form);
            values.insert("revision".into(), d.listed.activity.revision.to_string());
            form_page(
                &app,
                &v,
                format!("/activities/{id}/edit"),
                format!("/activities/{id}"),
                values,
                vec![t.problem(&Problem::ChangedMeanwhile)],
                true,
            )
            .await
        }
        Err(e) => {
            let problems = form_problems(e)?;
            form_page(
                &app,
                &v,
                format!("/activities/{id}/edit"),
                format!("/activities/{id}"),
                values_of(&form),
                errors_of(&v.tr(), "activity", &problems),
                true,
            )
            .await
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "running/activity.html")]
struct DetailPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    id: i64,
    revision: i64,
    facts: Vec<(String, String)>,
    description: String,
    cancelled: Option<String>,
    status_line: String,
    errors: Vec<String>,
    can_sign_up: bool,
    can_withdraw: bool,
    can_check_in: bool,
    no_record_note: bool,
    may_manage: bool,
    /// Managing it and it has not begun: what has been held cannot be called off.
    may_cancel: bool,
    may_assign: bool,
    /// name, staff no, school, how they came, checked in at (or empty), teacher id, present.
    attendees: Vec<(String, String, String, String, String, i64, bool)>,
    attendee_total: String,
    summary: String,
    summary_by: String,
    record_open: bool,
    files: Vec<(i64, String, String, bool)>,
    can_review: bool,
    my_stars: i32,
    my_comment: String,
    stars: String,
    /// stars, comment, date.
    reviews: Vec<(i32, String, String)>,
}

async fn detail_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    detail_with(&app, &v, id, Vec::new()).await
}

async fn detail_with(app: &App, v: &Viewer, id: i64, errors: Vec<String>) -> PageResult {
    let people = directory::people(app, v).await?;
    let t = v.tr();
    let d = activities::detail(app, v, id).await?;
    let a = &d.listed.activity;
    let now = chrono::Utc::now();
    let mut facts = vec![
        (t.get("activity-kind"), t.code("activity-kind", d.listed.kind.code())),
        (t.get("activity-when"), when(to_local(a.starts_at), to_local(a.ends_at))),
        (
            t.get("activity-host"),
            // The room says whether its booking is confirmed or still waiting for its school.
            [
                d.listed.host.clone(),
                match (&d.facility, d.room) {
                    (Some(f), Some(status)) => format!("{f}（{}）", t.code("booking_status", status.code())),
                    (Some(f), None) => f.clone(),
                    (None, _) => String::new(),
                },
                a.place.clone(),
            ]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        ),
    ];
    if !d.listed.cluster.is_empty() {
        facts.push((t.get("activity-cluster"), d.listed.cluster.clone()));
    }
    if !a.subject.is_empty() || a.grade > 0 {
        let grade = if a.grade > 0 { t.with("library-grade-n", &[("grade", a.grade.to_string())]) } else { String::new() };
        facts.push((
            t.get("activity-subject-grade"),
            format!("{} {}", if a.subject.is_empty() { String::new() } else { t.code("subject", &a.subject) }, grade).trim().to_string(),
        ));
    }
    facts.push((t.get("activity-hours"), if d.listed.kind.for_students() { t.get("activity-no-hours") } else { show(a.credit) }));
    if let Some(dl) = a.signup_deadline {
        facts.push((t.get("activity-deadline"), xuequ_domain::booking::show(dl)));
    }
    facts.push((t.get("activity-places"), row(&t, &d.listed).going));
    if !d.invited.is_empty() {
        facts.push((t.get("activity-invited"), d.invited.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join("、")));
    }
    facts.push((t.get("activity-organiser"), a.organiser_name.clone()));
    let status_line = match (&d.me, d.my_teacher.is_some()) {
        (Some(m), _) if m.checked_in_at.is_some() => t.with(
            "activity-you-came",
            &[("at", m.checked_in_at.map(|x| to_local(x).format("%H:%M").to_string()).unwrap_or_default()), ("hours", show(m.credit))],
        ),
        (Some(_), _) => t.get("activity-you-going"),
        (None, true) => String::new(),
        (None, false) => String::new(),
    };
    let cancelled = (a.status == ActivityStatus::Cancelled).then(|| t.with("activity-cancelled", &[("reason", a.status_reason.clone())]));
    let open_to_me = d.my_teacher.as_ref().is_some_and(|m| d.open_to.contains(&m.school_id));
    let came = d.me.as_ref().is_some_and(|m| m.checked_in_at.is_some());
    Ok(DetailPage {
        chrome: Chrome::new(v, a.title.clone(), "/activities"),
        tabs: super::tabs(v, ""),
        id,
        revision: a.revision,
        description: a.description.clone(),
        status_line,
        errors,
        can_sign_up: cancelled.is_none() && d.signup_open && d.me.is_none() && open_to_me,
        can_withdraw: cancelled.is_none() && d.me.as_ref().is_some_and(|m| m.checked_in_at.is_none()) && now < a.starts_at,
        can_check_in: cancelled.is_none() && d.checkin_open && !came && open_to_me,
        no_record_note: d.my_teacher.is_none() && v.actor.role == Role::Teacher,
        may_manage: d.may_manage && cancelled.is_none(),
        may_cancel: d.may_manage && cancelled.is_none() && now < a.starts_at,
        may_assign: d.may_assign && cancelled.is_none(),
        attendee_total: t.with("activity-going", &[("going", d.listed.going.to_string()), ("present", d.listed.present.to_string())]),
        attendees: d
            .attendees
            .iter()
            .map(|x| {
                (
                    x.name.clone(),
                    x.staff_no.clone(),
                    x.school.clone(),
                    t.code("activity-origin", x.row.origin.code()),
                    x.row
                        .checked_in_at
                        .map(|c| format!("{} {}", to_local(c).format("%H:%M"), t.code("activity-checkin", x.row.checkin.code())))
                        .unwrap_or_default(),
                    x.row.teacher_id,
                    x.row.checked_in_at.is_some(),
                )
            })
            .collect(),
        summary: a.summary.clone(),
        summary_by: a
            .summary_at
            .map(|s| format!("{} · {}", people.name(&a.summary_by), xuequ_domain::booking::show(s)))
            .unwrap_or_default(),
        record_open: now >= a.starts_at,
        files: d.files.iter().map(|f| (f.id, f.name.clone(), crate::download::size_text(f.size), f.family == "image")).collect(),
        can_review: came && now >= a.starts_at,
        my_stars: d.my_review.as_ref().map_or(0, |r| r.stars),
        my_comment: d.my_review.as_ref().map(|r| r.comment.clone()).unwrap_or_default(),
        stars: d
            .stars
            .map(|(s, n)| t.with("activity-stars-summary", &[("stars", format!("{}.{}", s / 10, s % 10)), ("count", n.to_string())]))
            .unwrap_or_default(),
        reviews: d
            .reviews
            .iter()
            .map(|r| (r.stars, r.comment.clone(), r.created_at.with_timezone(&chrono::Local).format("%Y-%m-%d").to_string()))
            .collect(),
        cancelled,
        facts,
    }
    .into_response())
}

/// Runs an action of the activity's page: on success back to the page with a flash; on a
/// problem the page again with it said.
async fn act(app: &App, v: &Viewer, id: i64, result: impl AsyncFnOnce() -> Result<(), AppError>) -> PageResult {
    match result().await {
        Ok(()) => Ok(saved(&format!("/activities/{id}"))),
        Err(AppError::Stale) => detail_with(app, v, id, vec![v.tr().problem(&Problem::ChangedMeanwhile)]).await,
        Err(e) => {
            let problems = form_problems(e)?;
            detail_with(app, v, id, errors_of(&v.tr(), "activity", &problems)).await
        }
    }
}

async fn signup_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(NoFields {}): Posted<NoFields>) -> PageResult {
    act(&app, &v, id, async || activities::sign_up(&app, &v, id).await.map(|_| ())).await
}

/// 取消报名: asked first, and said as such afterwards.
async fn withdraw_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<Confirm>) -> PageResult {
    if !form.confirmed() {
        let t = v.tr();
        let d = activities::detail(&app, &v, id).await?;
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.get("activity-withdraw"), "/activities"),
            lines: vec![t.with("activity-withdraw-line", &[("title", d.listed.activity.title.clone())])],
            action: format!("/activities/{id}/withdraw"),
            date: None,
            reason: None,
            keep: Vec::new(),
            button: t.get("activity-withdraw"),
            cancel: format!("/activities/{id}"),
        }
        .into_response());
    }
    match activities::withdraw(&app, &v, id).await {
        Ok(()) => Ok(done(&format!("/activities/{id}"), "withdrawn")),
        Err(e) => act(&app, &v, id, async || Err(e)).await,
    }
}

/// What is done on an activity's page: assigning teachers, attendance, the record, a review,
/// cancelling, checking in.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ActForm {
    staff_nos: String,
    teacher_id: String,
    present: String,
    revision: String,
    summary: String,
    stars: String,
    comment: String,
    confirmed: String,
    reason: String,
    code: String,
}

async fn assign_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<ActForm>) -> PageResult {
    let staff: Vec<String> =
        form.staff_nos.split([',', '，', ' ', '\n', '、']).map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect();
    act(&app, &v, id, async || {
        let mut ids = Vec::new();
        for s in staff.iter().take(1_000) {
            let t = directory::teacher_by_staff_no(&app, &v, s)
                .await?
                .ok_or_else(|| AppError::invalid("staff_nos", Problem::NotFound { value: s.chars().take(20).collect() }))?;
            ids.push(t.id);
        }
        activities::assign(&app, &v, id, &ids).await.map(|_| ())
    })
    .await
}

async fn attendance_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<ActForm>) -> PageResult {
    let teacher = form.teacher_id.parse().unwrap_or(0);
    let present = form.present == "1";
    act(&app, &v, id, async || activities::mark(&app, &v, id, teacher, present).await).await
}

async fn record_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<ActForm>) -> PageResult {
    let revision = form.revision.parse().unwrap_or(0);
    let summary = form.summary;
    act(&app, &v, id, async || activities::record(&app, &v, id, &summary, revision).await.map(|_| ())).await
}

async fn review_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<ActForm>) -> PageResult {
    let stars = form.stars.parse().unwrap_or(0);
    let comment = form.comment;
    act(&app, &v, id, async || activities::review(&app, &v, id, stars, &comment).await.map(|_| ())).await
}

async fn cancel_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<ActForm>) -> PageResult {
    let t = v.tr();
    let d = activities::detail(&app, &v, id).await?;
    if !d.may_manage {
        return Err(AppError::Forbidden.into());
    }
    // Once it has begun the use case refuses, and the activity's page says why.
    let begun = d.listed.activity.starts_at <= chrono::Utc::now();
    if !confirmed(&form.confirmed) && !begun {
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.get("activity-cancel"), "/activities"),
            lines: vec![
                t.with("activity-cancel-line", &[("title", d.listed.activity.title.clone()), ("going", d.listed.going.to_string())]),
                t.get("activity-cancel-hint"),
            ],
            action: format!("/activities/{id}/cancel"),
            date: None,
            reason: Some(DateField {
                name: "reason",
                label: t.get("activity-cancel-reason"),
                value: form.reason.clone(),
                hint: t.get("activity-cancel-reason-hint"),
            }),
            keep: Vec::new(),
            button: t.get("activity-cancel"),
            cancel: format!("/activities/{id}"),
        }
        .into_response());
    }
    let reason = form.reason;
    let revision = d.listed.activity.revision;
    act(&app, &v, id, async || activities::cancel(&app, &v, id, true, &reason, revision).await.map(|_| ())).await
}

async fn files_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, form: Multipart) -> PageResult {
    let result = match posted_files(&app, &v, form).await {
        Ok(files) => activities::attach(&app, &v, id, files).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(saved(&format!("/activities/{id}"))),
        Err(e) => {
            let problems = form_problems(e)?;
            detail_with(&app, &v, id, errors_of(&v.tr(), "activity", &problems)).await
        }
    }
}

async fn file_get(State(app): State<App>, v: Viewer, Path((id, file)): Path<(i64, i64)>) -> PageResult {
    let (f, bytes) = activities::file(&app, &v, id, file).await?;
    let inline = f.family == "image" || f.family == "pdf";
    Ok(crate::download::stored_file(bytes, &f.name, &f.mime, inline))
}

#[derive(Template, WebTemplate)]
#[template(path = "running/checkin.html")]
struct CheckinPage {
    chrome: Chrome,
    id: i64,
    title: String,
    when: String,
    code: String,
    errors: Vec<String>,
}

async fn checkin_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> PageResult {
    checkin_with(
        &app,
        &v,
        id,
        q.get("code").map(|c| c.chars().filter(char::is_ascii_digit).take(6).collect()).unwrap_or_default(),
        Vec::new(),
    )
    .await
}

async fn checkin_with(app: &App, v: &Viewer, id: i64, code: String, errors: Vec<String>) -> PageResult {
    let t = v.tr();
    let d = activities::detail(app, v, id).await?;
    let a = &d.listed.activity;
    Ok(CheckinPage {
        chrome: Chrome::new(v, t.get("checkin-title"), "/activities"),
        id,
        title: a.title.clone(),
        when: when(to_local(a.starts_at), to_local(a.ends_at)),
        code,
        errors,
    }
    .into_response())
}

async fn checkin_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<ActForm>) -> PageResult {
    let code = form.code;
    match activities::check_in(&app, &v, id, &code).await {
        Ok(_) => {
            Ok(([(header::SET_COOKIE, crate::error::flash_cookie("checked-in"))], Redirect::to(&format!("/activities/{id}")))
                .into_response())
        }
        // Too many wrong codes: the form again, saying how long to wait, answered 429.
        Err(e @ AppError::Throttled { .. }) => {
            let mut page = checkin_with(&app, &v, id, String::new(), vec![e.message(&v.tr())]).await?;
            *page.status_mut() = e.status();
            crate::error::retry_after(&e, &mut page);
            Ok(page)
        }
        Err(e) => {
            let problems = form_problems(e)?;
            let t = v.tr();
            checkin_with(&app, &v, id, String::new(), problems.iter().map(|p| t.problem(&p.problem)).collect()).await
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "running/screen.html")]
struct ScreenPage {
    chrome: Chrome,
    title: String,
    code: String,
    qr: String,
    refresh: i64,
    window: String,
    open: bool,
    link: String,
}

/// The screen shown at the venue: the code in large digits and as a QR code of the check-in
/// address, renewed every 30 seconds (the page reloads itself; no script needed).
async fn screen_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>, headers: axum::http::HeaderMap) -> PageResult {
    let t = v.tr();
    let code = activities::code(&app, &v, id).await?;
    let d = activities::detail(&app, &v, id).await?;
    let origin = super::origin(&headers);
    let link = format!("{origin}/activities/{id}/checkin?code={}", code.code);
    let qr = qrcode::QrCode::new(link.as_bytes())
        .map(|q| q.render::<qrcode::render::svg::Color>().min_dimensions(260, 260).quiet_zone(true).build())
        .unwrap_or_default();
    Ok(ScreenPage {
        chrome: Chrome::new(&v, t.get("screen-title"), "/activities"),
        title: d.listed.activity.title.clone(),
        code: code.code.clone(),
        qr,
        refresh: code.seconds_left.clamp(1, 30),
        window: t.with(
            "screen-window",
            &[("opens", xuequ_domain::booking::show(code.opens)), ("closes", xuequ_domain::booking::show(code.closes))],
        ),
        open: code.open,
        link,
    }
    .into_response())
}
