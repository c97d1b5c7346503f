//! Facility sharing pages: find a free facility and book it (once or every week), the lending
//! school's inbox of requests (待审批), one booking with its decisions, a facility's week by lesson
//! periods, and the notification centre behind the bell.

use super::*;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use xuequ_app::bookings::{self, Decision, FreeQuery, Request};
use xuequ_app::records::{Booking, BookingFilter, Facility, School};
use xuequ_domain::booking::rules::weekday_code;
use xuequ_domain::booking::{BookingStatus, Repeat, Slot, to_local};
use xuequ_domain::{FacilityKind, Status};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/bookings", get(find))
        .route("/bookings/new", get(new_form).post(new_post))
        .route("/bookings/inbox", get(inbox))
        .route("/bookings/usage", get(usage))
        .route("/bookings/schedule", get(schedule))
        .route("/bookings/usage.xlsx", get(usage_xlsx))
        .route("/bookings/{id}", get(show))
        .route("/bookings/{id}/decide", post(decide))
        .route("/facilities/{id}/week", get(week))
        .route("/facilities/{id}/rules", get(rules_form).post(rules_save))
        .route("/bookings/calendar", get(calendar_form).post(calendar_save))
        .route("/schools/{id}/bells", get(bells_form).post(bells_save))
        .route("/ical/{file}", get(ical))
        .route("/bookings/feeds", post(new_feed))
        .route("/bookings/feeds/{id}/revoke", post(revoke_feed))
        .route("/notifications", get(notifications))
        .route("/notifications/read", post(read))
}

type Q = Query<HashMap<String, String>>;

/// A booking as a line of a table.
pub struct BookingRow {
    pub href: String,
    pub when: String,
    pub facility: String,
    pub owner: String,
    pub school: String,
    pub purpose: String,
    pub status: String,
    pub status_code: String,
}

/// Names of the county's schools and facilities, for the tables.
async fn names(app: &App, v: &Viewer) -> Result<(HashMap<i64, String>, HashMap<i64, String>), PageError> {
    let schools = xuequ_app::registry::all_schools(app, v).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let facilities = directory::active_facilities(app, v).await?.into_iter().map(|f| (f.id, f.name)).collect();
    Ok((schools, facilities))
}

fn when(b: &Booking) -> String {
    let (s, e) = (to_local(b.starts_at), to_local(b.ends_at));
    format!("{} {}–{}", s.format("%Y-%m-%d"), s.format("%H:%M"), e.format("%H:%M"))
}

fn rows(t: &Tr, list: &[Booking], schools: &HashMap<i64, String>, facilities: &HashMap<i64, String>) -> Vec<BookingRow> {
    list.iter()
        .map(|b| BookingRow {
            href: format!("/bookings/{}", b.id),
            when: when(b),
            facility: facilities.get(&b.facility_id).cloned().unwrap_or_default(),
            owner: schools.get(&b.owner_school_id).cloned().unwrap_or_default(),
            school: schools.get(&b.school_id).cloned().unwrap_or_default(),
            purpose: b.purpose.clone(),
            status: t.code("booking_status", b.status.code()),
            status_code: b.status.to_string(),
        })
        .collect()
}

/// The schools the viewer may book for: their own, or (bureau, cluster head) those in scope.
async fn bookable_schools(app: &App, v: &Viewer) -> Result<Vec<(i64, String)>, PageError> {
    let county = v.county();
    let may = |s: i64| v.can(Action::Create, Resource::Booking, &Target::school(county, s));
    let mut out: Vec<(i64, String)> = xuequ_app::registry::all_schools(app, v)
        .await?
        .into_iter()
        .filter(|s| s.status == Status::Active && may(s.id))
        .filter(|s| v.actor.school_id.is_none_or(|own| own == s.id))
        .map(|s| (s.id, s.name))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// The next school day (Monday–Friday) after today.
fn next_weekday() -> NaiveDate {
    let mut d = xuequ_app::today() + Duration::days(1);
    while d.weekday().number_from_monday() > 5 {
        d += Duration::days(1);
    }
    d
}

fn time(text: Option<&String>) -> Option<NaiveTime> {
    text.and_then(|t| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok())
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/find.html")]
struct FindPage {
    chrome: Chrome,
    date: String,
    from: String,
    to: String,
    periods: Vec<(u8, String, String)>,
    kinds: Vec<Opt>,
    capacity: String,
    problems: Vec<String>,
    results: Vec<FreeRow>,
    searched: bool,
    mine: Vec<BookingRow>,
    inbox: Option<usize>,
    /// The viewer's feeds: id, what it holds, when made, revoked.
    feeds: Vec<(i64, String, String, bool)>,
    /// Whether the viewer keeps a calendar: the county's (bureau) or their school's closed days.
    can_calendar: bool,
}

struct FreeRow {
    facility: String,
    week_href: String,
    school: String,
    kind: String,
    capacity: String,
    km: String,
    state: String,
    free: bool,
    book_href: Option<String>,
}

/// 查找空闲场馆 and 我的预约: the search by day and lesson periods (or times), kind and size, with the
/// borrowing school's upcoming bookings below.
async fn find(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    let t = v.tr();
    v.require(Action::Read, Resource::Booking, &Target::county(v.county()))?;
    let date = query_date(q.get("date")).unwrap_or_else(next_weekday);
    let bells = match v.actor.school_id {
        Some(s) => bookings::bells_of(&app, v.county(), s).await?,
        None => xuequ_domain::booking::BellSchedule::primary(),
    };
    let periods: Vec<(u8, String, String)> =
        bells.periods.iter().map(|p| (p.number, p.start.format("%H:%M").to_string(), p.end.format("%H:%M").to_string())).collect();
    // A lesson period tapped (第3节) is a button of the search form: the day, kind and size as
    // typed come with it, and the period's times stand for from and to.
    let tapped = q.get("period").and_then(|n| n.trim().parse::<u8>().ok()).and_then(|n| bells.periods.iter().find(|p| p.number == n));
    let (from, to) = match tapped {
        Some(p) => (Some(p.start), Some(p.end)),
        None => (time(q.get("from")), time(q.get("to"))),
    };
    let mut problems = Vec::new();
    let mut results = Vec::new();
    let searched = q.contains_key("date");
    if searched {
        match (from, to) {
            (Some(a), Some(b)) if a < b => {
                let query = FreeQuery {
                    slot: Slot { start: date.and_time(a), end: date.and_time(b) },
                    kind: q.get("kind").filter(|k| FacilityKind::parse(k).is_some()).cloned(),
                    capacity: q.get("capacity").and_then(|c| c.trim().parse().ok()),
                    school_id: None,
                };
                let (schools, facilities) = names(&app, &v).await?;
                let can_book = !bookable_schools(&app, &v).await?.is_empty();
                for f in bookings::free(&app, &v, &query).await? {
                    let state = match (&f.taken_by, f.problems.first()) {
                        (Some(b), _) => t.with(
                            "booking-taken",
                            &[
                                ("school", schools.get(&b.school_id).cloned().unwrap_or_default()),
                                ("status", t.code("booking_status", &b.status)),
                            ],
                        ),
                        (None, Some(p)) => t.problem(p),
                        (None, None) => t.get("booking-free"),
                    };
                    let free = f.taken_by.is_none() && f.problems.is_empty();
                    let book_href = (free && can_book).then(|| {
                        format!("/bookings/new?facility={}&date={date}&from={}&to={}", f.facility.id, a.format("%H:%M"), b.format("%H:%M"))
                    });
                    results.push(FreeRow {
                        facility: facilities.get(&f.facility.id).cloned().unwrap_or_default(),
                        week_href: format!("/facilities/{}/week?week={date}", f.facility.id),
                        school: f.school,
                        kind: t.code("facility_kind", f.facility.kind.code()),
                        capacity: f.facility.capacity.to_string(),
                        km: f.km.map(|k| format!("{k:.1}")).unwrap_or_default(),
                        state,
                        free,
                        book_href,
                    });
                }
            }
            _ => problems.push(t.problem(&Problem::EndBeforeStart)),
        }
    }
    let (schools, facilities) = names(&app, &v).await?;
    let now = Utc::now();
    let mine = match v.actor.school_id {
        Some(s) => {
            bookings::list(&app, &v, BookingFilter { school_id: Some(s), from: Some(now), limit: Some(50), ..Default::default() }).await?
        }
        None => Vec::new(),
    };
    let inbox = inbox_list(&app, &v).await?;
    let feeds = bookings::feeds(&app, &v)
        .await?
        .into_iter()
        .map(|f| {
            let what = match f.facility_id {
                Some(id) => t.with("feed-of-facility", &[("facility", facilities.get(&id).cloned().unwrap_or_default())]),
                None => t.get("feed-of-mine"),
            };
            (f.id, what, to_local(f.created_at).format("%Y-%m-%d %H:%M").to_string(), f.revoked_at.is_some())
        })
        .collect();
    let chosen_kind = q.get("kind").cloned().unwrap_or_default();
    Ok(FindPage {
        chrome: Chrome::new(&v, t.get("nav-bookings"), "/bookings"),
        date: date.to_string(),
        from: from.map(|x| x.format("%H:%M").to_string()).unwrap_or_else(|| periods.get(4).map(|p| p.1.clone()).unwrap_or_default()),
        to: to.map(|x| x.format("%H:%M").to_string()).unwrap_or_else(|| periods.get(5).map(|p| p.2.clone()).unwrap_or_default()),
        periods,
        kinds: FacilityKind::ALL
            .iter()
            .map(|k| Opt { value: k.code().to_string(), label: t.code("facility_kind", k.code()), selected: k.code() == chosen_kind })
            .collect(),
        capacity: q.get("capacity").cloned().unwrap_or_default(),
        problems,
        results,
        searched,
        mine: rows(&t, &mine, &schools, &facilities),
        inbox: inbox.map(|l| l.len()),
        feeds,
        can_calendar: v.can(Action::Create, Resource::School, &Target::county(v.county()))
            || v.actor.school_id.is_some_and(|s| v.can(Action::Update, Resource::School, &Target::school(v.county(), s))),
    }
    .into_response())
}

/// Requests waiting for the schools whose bookings the viewer decides (the policy says which);
/// `None` for those who decide none.
async fn inbox_list(app: &App, v: &Viewer) -> Result<Option<Vec<Booking>>, PageError> {
    Ok(bookings::inbox(app, v).await?)
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/inbox.html")]
struct InboxPage {
    chrome: Chrome,
    rows: Vec<BookingRow>,
}

async fn inbox(State(app): State<App>, v: Viewer) -> PageResult {
    let t = v.tr();
    let list = inbox_list(&app, &v).await?.ok_or(AppError::Forbidden)?;
    let (schools, facilities) = names(&app, &v).await?;
    Ok(InboxPage { chrome: Chrome::new(&v, t.get("booking-inbox"), "/bookings"), rows: rows(&t, &list, &schools, &facilities) }
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/new.html")]
struct NewPage {
    chrome: Chrome,
    facility_id: i64,
    owner: String,
    /// The schools the viewer may book for, when more than their own.
    schools: Vec<Opt>,
    /// Name, input type, label, value, problem.
    fields: Vec<(String, &'static str, String, String, Option<String>)>,
    until: Vec<(String, &'static str, String, String, Option<String>)>,
    every: String,
    errors: Vec<String>,
    dates: Vec<(String, bool, String)>,
    can_book: bool,
    can_keep_rest: bool,
}

fn request_from(form: &HashMap<String, String>) -> Result<Request, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let text = |k: &str| form.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let facility_id = text("facility").parse().unwrap_or(0);
    let date = match query_date(form.get("date")) {
        Some(d) => Some(d),
        None => {
            problems.push(FieldProblem::new("date", Problem::NotADate { value: text("date").chars().take(40).collect() }));
            None
        }
    };
    let at = |k: &'static str, problems: &mut Vec<FieldProblem>| match NaiveTime::parse_from_str(&text(k), "%H:%M") {
        Ok(x) => date.map(|d| d.and_time(x)),
        Err(_) => {
            problems
                .push(FieldProblem::new(k, Problem::UnknownValue { value: text(k).chars().take(40).collect(), allowed: "HH:MM".into() }));
            None
        }
    };
    let (start, end): (Option<NaiveDateTime>, Option<NaiveDateTime>) = (at("from", &mut problems), at("to", &mut problems));
    let attendees = match text("attendees") {
        a if a.is_empty() => None,
        a => match a.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.push(FieldProblem::new("attendees", Problem::NotAnInteger { value: a.chars().take(40).collect() }));
                None
            }
        },
    };
    let repeat = match text("every_weeks").as_str() {
        "" | "0" => None,
        n => {
            let every_weeks = n.parse().unwrap_or(0);
            match query_date(form.get("until")) {
                Some(until) => Some(Repeat { every_weeks, until }),
                None => {
                    problems.push(FieldProblem::new("until", Problem::NotADate { value: text("until").chars().take(40).collect() }));
                    None
                }
            }
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Request {
        facility_id,
        school_id: text("school").parse().ok(),
        start,
        end,
        purpose: text("purpose"),
        group_name: text("group_name"),
        attendees,
        repeat,
        keep_rest: text("keep_rest") == "yes",
        ..Default::default()
    })
}

async fn new_page(
    app: &App,
    v: &Viewer,
    values: HashMap<String, String>,
    problems: &[FieldProblem],
    dates: Vec<(String, bool, String)>,
) -> PageResult {
    let t = v.tr();
    let facility_id: i64 = values.get("facility").and_then(|f| f.parse().ok()).ok_or(AppError::NotFound)?;
    let f = xuequ_app::registry::get::<Facility>(app, v, facility_id).await?;
    if f.status != Status::Active {
        return Err(AppError::NotFound.into());
    }
    let owner = directory::school(app, v, f.school_id).await?.map(|s| s.name).unwrap_or_default();
    let bookable = bookable_schools(app, v).await?;
    if bookable.is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let chosen = values.get("school").cloned().unwrap_or_default();
    let schools = if v.actor.school_id.is_some() {
        Vec::new()
    } else {
        bookable.into_iter().map(|(id, name)| Opt { selected: id.to_string() == chosen, value: id.to_string(), label: name }).collect()
    };
    let known = ["date", "from", "to", "purpose", "group_name", "attendees", "every_weeks", "until"];
    let field = |name: &str, kind: &'static str, key: &str| {
        let error = problems.iter().find(|p| p.field == name).map(|p| t.problem(&p.problem));
        (name.to_string(), kind, t.get(key), values.get(name).cloned().unwrap_or_default(), error)
    };
    let fields = vec![
        field("date", "date", "booking-date"),
        field("from", "time", "booking-from"),
        field("to", "time", "booking-to"),
        field("purpose", "text", "booking-purpose"),
        field("group_name", "text", "booking-group"),
        field("attendees", "number", "booking-attendees"),
    ];
    let until = vec![field("until", "date", "booking-until")];
    let every = values.get("every_weeks").cloned().unwrap_or_default();
    let errors = problems.iter().filter(|p| !known.contains(&p.field)).map(|p| t.problem(&p.problem)).collect();
    let can_book = !dates.is_empty() && dates.iter().all(|d| d.1);
    let can_keep_rest = dates.iter().any(|d| d.1) && !can_book;
    let status = if problems.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((
        status,
        NewPage {
            chrome: Chrome::new(v, t.with("booking-new-title", &[("facility", f.name.clone())]), "/bookings"),
            facility_id,
            owner,
            schools,
            fields,
            until,
            every,
            errors,
            dates,
            can_book,
            can_keep_rest,
        },
    )
        .into_response())
}

async fn new_form(State(app): State<App>, v: Viewer, Query(mut q): Q) -> PageResult {
    q.entry("date".into()).or_insert_with(|| next_weekday().to_string());
    q.entry("every_weeks".into()).or_default();
    new_page(&app, &v, q, &[], Vec::new()).await
}

/// 检查 lists every date with what stands in its way; 预约 books (all dates, or with 只预约可用的日期
/// those that pass).
async fn new_post(State(app): State<App>, v: Viewer, Posted(form): Posted<Values>) -> PageResult {
    let t = v.tr();
    let request = match request_from(&form) {
        Ok(r) => r,
        Err(problems) => return new_page(&app, &v, form, &problems, Vec::new()).await,
    };
    let checked = match bookings::check(&app, &v, &request).await {
        Ok(c) => c,
        Err(e) => return new_page(&app, &v, form, &form_problems(e)?, Vec::new()).await,
    };
    let dates: Vec<(String, bool, String)> = checked
        .iter()
        .map(|d| {
            let day = t.with(
                "booking-day",
                &[("weekday", weekday_code(d.slot.start.weekday()).to_string()), ("date", d.slot.start.format("%Y-%m-%d").to_string())],
            );
            let label = format!("{day} {}–{}", d.slot.start.format("%H:%M"), d.slot.end.format("%H:%M"));
            (label, d.problems.is_empty(), d.problems.iter().map(|p| t.problem(p)).collect::<Vec<_>>().join("；"))
        })
        .collect();
    if form.get("action").map(String::as_str) != Some("book") {
        return new_page(&app, &v, form, &[], dates).await;
    }
    match bookings::book(&app, &v, &request).await {
        Ok(done) => Ok(saved(&format!("/bookings/{}", done.bookings[0].id))),
        Err(AppError::Dates(_)) | Err(AppError::Conflict(_)) => {
            // Someone took a date meanwhile: the dates again, as they stand now.
            let again = bookings::check(&app, &v, &request).await?;
            let dates = again
                .iter()
                .map(|d| {
                    (
                        format!("{} {}", d.slot.start.format("%Y-%m-%d %H:%M"), d.slot.end.format("%H:%M")),
                        d.problems.is_empty(),
                        d.problems.iter().map(|p| t.problem(p)).collect::<Vec<_>>().join("；"),
                    )
                })
                .collect();
            new_page(&app, &v, form, &[], dates).await
        }
        Err(e) => new_page(&app, &v, form.clone(), &form_problems(e)?, dates).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/booking.html")]
struct BookingPage {
    chrome: Chrome,
    id: i64,
    facts: Vec<(String, String)>,
    series: Vec<BookingRow>,
    can_decide: bool,
    can_cancel: bool,
    can_mark_no_show: bool,
    can_undo_no_show: bool,
    week_href: String,
}

async fn show(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let people = directory::people(&app, &v).await?;
    let t = v.tr();
    let b = bookings::get(&app, &v, id).await?;
    let county = v.county();
    let (schools, facilities) = names(&app, &v).await?;
    let pending = b.status == BookingStatus::Pending;
    let open = pending || b.status == BookingStatus::Confirmed;
    let lender = v.can(Action::Update, Resource::Booking, &Target::school(county, b.owner_school_id));
    let may_cancel = bookings::may_cancel(&v, &b);
    let series = match b.series_id {
        Some(s) => bookings::list(&app, &v, BookingFilter { facility_id: Some(b.facility_id), ..Default::default() })
            .await?
            .into_iter()
            .filter(|x| x.series_id == Some(s))
            .collect(),
        None => Vec::new(),
    };
    let mut facts = vec![
        (t.get("booking-facility"), facilities.get(&b.facility_id).cloned().unwrap_or_default()),
        (t.get("booking-owner"), schools.get(&b.owner_school_id).cloned().unwrap_or_default()),
        (t.get("booking-school"), schools.get(&b.school_id).cloned().unwrap_or_default()),
        (t.get("booking-when"), when(&b)),
        (t.get("booking-status"), t.code("booking_status", b.status.code())),
        (t.get("booking-purpose"), b.purpose.clone()),
        (t.get("booking-group"), b.group_name.clone()),
        (t.get("booking-attendees"), b.attendees.map(|a| a.to_string()).unwrap_or_default()),
        (
            t.get("booking-requested-by"),
            format!("{} · {}", people.name(&b.requested_by_name), to_local(b.created_at).format("%Y-%m-%d %H:%M")),
        ),
    ];
    if let Some(by) = &b.decided_by {
        facts.push((
            t.get("booking-decided-by"),
            format!("{} · {}", people.name(by), b.decided_at.map(|d| to_local(d).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()),
        ));
    }
    if !b.reason.is_empty() {
        facts.push((t.get("booking-reason"), b.reason.clone()));
    }
    if pending {
        let deadline = xuequ_domain::booking::pending_deadline(b.created_at, b.starts_at);
        facts.push((t.get("booking-status"), t.with("booking-expires", &[("when", xuequ_domain::booking::show(deadline))])));
    }
    Ok(BookingPage {
        chrome: Chrome::new(&v, t.with("booking-title", &[("id", id.to_string())]), "/bookings"),
        id,
        facts,
        series: rows(&t, &series, &schools, &facilities),
        can_decide: pending && lender,
        can_cancel: open && may_cancel && b.ends_at > Utc::now(),
        can_mark_no_show: lender && b.status == BookingStatus::Confirmed && b.starts_at <= Utc::now(),
        can_undo_no_show: lender && b.status == BookingStatus::NoShow,
        week_href: format!("/facilities/{}/week?week={}", b.facility_id, to_local(b.starts_at).date()),
    }
    .into_response())
}

/// Approve, decline, cancel, mark a no-show or take it back. Cancelling and marking a no-show
/// go through a confirmation page first, whose form names the decision in its address.
/// A decision on a booking; the confirmation pages name the decision (and series) in their address.
#[derive(Deserialize, Default)]
#[serde(default)]
struct DecideForm {
    decision: Option<String>,
    series: Option<String>,
    confirmed: String,
    reason: String,
    back: String,
}

async fn decide(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Query(q): Q, Posted(form): Posted<DecideForm>) -> PageResult {
    let decision = match form.decision.as_ref().or(q.get("decision")).map(String::as_str) {
        Some("approve") => Decision::Approve,
        Some("decline") => Decision::Decline,
        Some("cancel") => Decision::Cancel,
        Some("no_show") => Decision::NoShow,
        Some("attended") => Decision::Attended,
        _ => return Err(AppError::invalid("decision", Problem::Required).into()),
    };
    if decision == Decision::NoShow && !confirmed(&form.confirmed) {
        let t = v.tr();
        let b = bookings::get(&app, &v, id).await?;
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.get("booking-no-show"), "/bookings"),
            lines: vec![t.with("booking-no-show-line", &[("when", when(&b))]), t.get("booking-no-show-hint")],
            action: format!("/bookings/{id}/decide?decision=no_show"),
            date: None,
            reason: None,
            keep: Vec::new(),
            button: t.get("booking-no-show"),
            cancel: format!("/bookings/{id}"),
        }
        .into_response());
    }
    let series = form.series.as_ref().or(q.get("series")).is_some_and(|s| s == "yes");
    if decision == Decision::Cancel && !confirmed(&form.confirmed) {
        let t = v.tr();
        let b = bookings::get(&app, &v, id).await?;
        let mut lines = vec![t.with("booking-cancel-line", &[("when", when(&b))])];
        if series {
            lines.push(t.get("booking-cancel-series-line"));
        }
        lines.push(t.get("booking-cancel-hint"));
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.get("booking-cancel-title"), "/bookings"),
            lines,
            action: format!("/bookings/{id}/decide?decision=cancel{}", if series { "&series=yes" } else { "" }),
            date: None,
            reason: None,
            keep: Vec::new(),
            button: t.get("booking-cancel"),
            cancel: format!("/bookings/{id}"),
        }
        .into_response());
    }
    bookings::decide(&app, &v, id, decision, &form.reason, series).await?;
    let back = if form.back == "inbox" { "/bookings/inbox".to_string() } else { format!("/bookings/{id}") };
    Ok(saved(&back))
}

/// A period of a day on the week grid: what is there, its CSS class, and a link.
type Cell = (String, &'static str, Option<String>);

#[derive(Template, WebTemplate)]
#[template(path = "bookings/week.html")]
struct WeekPage {
    chrome: Chrome,
    facility_id: i64,
    days: Vec<String>,
    /// The week's Monday, for the month view's link.
    days_first: String,
    /// Per period: its label, and per day the cell (text, css class, link).
    grid: Vec<(String, Vec<Cell>)>,
    prev: String,
    next: String,
    /// Whether the viewer sets this facility's sharing rules.
    can_set_rules: bool,
}

/// A facility's week by the lending school's lesson periods: who holds each period, which are
/// closed, which are free (a link to book them).
async fn week(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Query(q): Q) -> PageResult {
    let t = v.tr();
    let f = xuequ_app::registry::get::<Facility>(&app, &v, id).await?;
    let day = query_date(q.get("week")).unwrap_or_else(xuequ_app::today);
    let monday = bookings::week_of(day);
    let bells = bookings::bells_of(&app, v.county(), f.school_id).await?;
    let from = xuequ_domain::booking::to_utc(monday.and_hms_opt(0, 0, 0).expect("midnight"));
    let list = directory::holding(&app, &v, id, from, from + Duration::days(7)).await?;
    let (schools, _) = names(&app, &v).await?;
    let calendar = bookings::calendar_of(&app, &v, Some(f.school_id)).await?;
    let rules = bookings::rules_of(&app, v.county(), &f).await?;
    let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
    let grid = bells
        .periods
        .iter()
        .map(|p| {
            let label = t.with(
                "booking-period",
                &[("n", p.number.to_string()), ("from", p.start.format("%H:%M").to_string()), ("to", p.end.format("%H:%M").to_string())],
            );
            let cells = days
                .iter()
                .map(|d| {
                    let slot = Slot { start: d.and_time(p.start), end: d.and_time(p.end) };
                    if let Some(b) = list.iter().find(|b| Slot { start: to_local(b.starts_at), end: to_local(b.ends_at) }.overlaps(&slot)) {
                        let who = schools.get(&b.school_id).cloned().unwrap_or_default();
                        let class = if b.status == BookingStatus::Pending { "pending" } else { "taken" };
                        let text = format!("{who} · {}", t.code("booking_status", b.status.code()));
                        let visible = bookings::list_visible(&v, b);
                        return (text, class, visible.then(|| format!("/bookings/{}", b.id)));
                    }
                    if let Some(off) = calendar.day_off(*d) {
                        return (t.problem(&off.problem(*d)), "closed", None);
                    }
                    if let Some(reason) = rules.blackouts.iter().find_map(|x| x.hit(&slot)) {
                        return (reason.to_string(), "closed", None);
                    }
                    if rules.opening[d.weekday().num_days_from_monday() as usize].is_none() {
                        return (t.get("booking-closed"), "closed", None);
                    }
                    let href =
                        format!("/bookings/new?facility={id}&date={d}&from={}&to={}", p.start.format("%H:%M"), p.end.format("%H:%M"));
                    (t.get("booking-free"), "free", Some(href))
                })
                .collect();
            (label, cells)
        })
        .collect();
    Ok(WeekPage {
        chrome: Chrome::new(&v, t.with("booking-week-title", &[("facility", f.name.clone()), ("week", monday.to_string())]), "/bookings"),
        facility_id: id,
        days: days
            .iter()
            .map(|d| t.with("booking-day", &[("weekday", weekday_code(d.weekday()).to_string()), ("date", d.format("%m-%d").to_string())]))
            .collect(),
        grid,
        days_first: monday.to_string(),
        prev: (monday - Duration::days(7)).to_string(),
        next: (monday + Duration::days(7)).to_string(),
        can_set_rules: v.can(Action::Update, Resource::Facility, &Target::school(v.county(), f.school_id)),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    items: Vec<(i64, String, String, String, bool)>,
}

async fn notifications(State(app): State<App>, v: Viewer) -> PageResult {
    let t = v.tr();
    let items = bookings::notifications(&app, &v, 100).await?;
    let people = directory::people(&app, &v).await?;
    Ok(NotificationsPage {
        chrome: Chrome::new(&v, t.get("nav-notifications"), "/notifications"),
        items: items
            .into_iter()
            .map(|n| {
                (
                    n.id,
                    crate::i18n::notice_text(&t, &n.kind, &n.args, &people),
                    n.link,
                    to_local(n.created_at).format("%Y-%m-%d %H:%M").to_string(),
                    n.read_at.is_some(),
                )
            })
            .collect(),
    }
    .into_response())
}

/// Marks one message read and opens what it is about, or marks them all read.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ReadForm {
    id: String,
    link: String,
}

async fn read(State(app): State<App>, v: Viewer, Posted(form): Posted<ReadForm>) -> PageResult {
    let id = form.id.parse::<i64>().ok();
    bookings::mark_read(&app, &v, id).await?;
    let link = form.link;
    let to = if link.starts_with('/') && !link.starts_with("//") && !link.contains('\\') { link } else { "/notifications".into() };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/usage.html")]
struct UsagePage {
    chrome: Chrome,
    from: String,
    to: String,
    export_href: String,
    clusters: Vec<Opt>,
    /// Quick choices of days: (label, link, chosen).
    periods: Vec<(String, String, bool)>,
    /// Hours lent and borrowed per school, as a chart.
    chart: String,
    /// School, hours lent, hours borrowed.
    schools: Vec<(String, String, String)>,
    /// Per cluster (or month): name and the `TOTAL_COLUMNS` figures.
    clusters_table: Vec<(String, Vec<String>)>,
    months: Vec<(String, Vec<String>)>,
    /// Facility, school, and the `FACILITY_COLUMNS` figures.
    facilities: Vec<Vec<String>>,
    total_headers: Vec<String>,
    facility_headers: Vec<String>,
}

/// The figures of a group (cluster, month), in the order of their column labels.
const TOTAL_COLUMNS: [&str; 9] = [
    "booking-usage-open",
    "booking-usage-own",
    "booking-usage-lent",
    "booking-usage-borrowed",
    "booking-usage-rate",
    "booking-status-confirmed",
    "booking-status-cancelled",
    "booking-status-expired",
    "booking-status-no-show",
];
const FACILITY_COLUMNS: [&str; 12] = [
    "booking-facility",
    "booking-owner",
    "booking-usage-open",
    "booking-usage-own",
    "booking-usage-lent",
    "booking-usage-rate",
    "booking-status-confirmed",
    "booking-status-pending",
    "booking-status-declined",
    "booking-status-cancelled",
    "booking-status-expired",
    "booking-status-no-show",
];

/// The sharing figures a query asks for — its days and cluster; per school, per cluster, per
/// month and per facility — for the page and its workbook alike.
struct UsageTables {
    from: NaiveDate,
    to: NaiveDate,
    cluster: Option<i64>,
    /// School, hours lent, hours borrowed.
    schools: Vec<(String, f64, f64)>,
    clusters: Vec<(String, bookings::Totals)>,
    months: Vec<(String, bookings::Totals)>,
    /// Facility, school, hours (open, own, lent, use %), counts in `FACILITY_COLUMNS` order.
    facilities: Vec<(String, String, [f64; 4], [usize; 6])>,
}

async fn usage_tables(app: &App, v: &Viewer, q: &HashMap<String, String>) -> Result<UsageTables, PageError> {
    let to = query_date(q.get("to")).unwrap_or_else(xuequ_app::today);
    let from = query_date(q.get("from")).filter(|f| *f <= to).unwrap_or(to - Duration::days(30));
    let to = to.min(from + Duration::days(400));
    let cluster = q.get("cluster").and_then(|c| c.parse::<i64>().ok());
    let schools_of = match cluster {
        Some(c) => Some(xuequ_app::clusters::school_ids(app, v, c).await?),
        None => None,
    };
    let u = bookings::usage(app, v, from, to, schools_of.as_deref()).await?;
    let (schools, facilities) = names(app, v).await?;
    let mut by_school: Vec<(String, f64, f64)> = u
        .lent
        .keys()
        .chain(u.borrowed.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|s| (schools.get(s).cloned().unwrap_or_default(), *u.lent.get(s).unwrap_or(&0.0), *u.borrowed.get(s).unwrap_or(&0.0)))
        .collect();
    by_school.sort_by(|a, b| (b.1 + b.2).total_cmp(&(a.1 + a.2)).then(a.0.cmp(&b.0)));
    let mut clusters = Vec::new();
    for c in xuequ_app::clusters::all(app, v).await?.into_iter().filter(|c| c.status == Status::Active) {
        if cluster.is_none_or(|id| id == c.id) {
            let ids = xuequ_app::clusters::school_ids(app, v, c.id).await?;
            clusters.push((c.name, u.of_schools(&ids)));
        }
    }
    let mut rows: Vec<&bookings::FacilityUsage> =
        u.facilities.iter().filter(|f| f.confirmed + f.pending + f.declined + f.cancelled + f.expired + f.no_show > 0).collect();
    rows.sort_by(|a, b| (b.hours_lent + b.hours_owner).total_cmp(&(a.hours_lent + a.hours_owner)));
    let facilities = rows
        .iter()
        .map(|f| {
            let used = if f.hours_open > 0.0 { (f.hours_owner + f.hours_lent) / f.hours_open * 100.0 } else { 0.0 };
            (
                facilities.get(&f.facility_id).cloned().unwrap_or_default(),
                schools.get(&f.school_id).cloned().unwrap_or_default(),
                [f.hours_open, f.hours_owner, f.hours_lent, used],
                [f.confirmed, f.pending, f.declined, f.cancelled, f.expired, f.no_show],
            )
        })
        .collect();
    let months = u.months.iter().map(|(m, t)| (m.clone(), t.clone())).collect();
    Ok(UsageTables { from, to, cluster, schools: by_school, clusters, months, facilities })
}

/// A group's figures in `TOTAL_COLUMNS` order.
fn total_figures(t: &bookings::Totals) -> [f64; 9] {
    [
        t.hours_open,
        t.hours_owner,
        t.hours_lent,
        t.hours_borrowed,
        t.use_rate() * 100.0,
        t.confirmed as f64,
        t.cancelled as f64,
        t.expired as f64,
        t.no_show as f64,
    ]
}

/// Figures as the page shows them: hours to a tenth, the rate in whole percent, counts whole.
fn shown_figures(values: &[f64], rate_at: usize, hours_until: usize) -> Vec<String> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if i == rate_at {
                format!("{v:.0}%")
            } else if i < hours_until {
                format!("{v:.1}")
            } else {
                format!("{v:.0}")
            }
        })
        .collect()
}

/// The quick choices of days: this month, last month, this term (from the county's calendar),
/// the last 30 days.
async fn usage_periods(app: &App, v: &Viewer, u: &UsageTables) -> Result<Vec<(String, String, bool)>, PageError> {
    let t = v.tr();
    let today = xuequ_app::today();
    let month_start = today.with_day(1).expect("day 1");
    let last_month_end = month_start - Duration::days(1);
    let mut choices = vec![
        (t.get("booking-usage-this-month"), month_start, today),
        (t.get("booking-usage-last-month"), last_month_end.with_day(1).expect("day 1"), last_month_end),
    ];
    let calendar = bookings::stored_calendar(app, v, None, this_school_year()).await?;
    if let Some((start, end)) = calendar.term_of(today) {
        choices.push((t.get("booking-usage-this-term"), start, end.min(today)));
    }
    choices.push((t.get("booking-usage-last-30"), today - Duration::days(30), today));
    let cluster = u.cluster.map(|c| format!("&cluster={c}")).unwrap_or_default();
    Ok(choices
        .into_iter()
        .map(|(label, from, to)| (label, format!("/bookings/usage?from={from}&to={to}{cluster}"), from == u.from && to == u.to))
        .collect())
}

/// 共享统计: what each school lent and borrowed, each cluster and month, how much each facility
/// was used, and what came of the requests.
async fn usage(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    let t = v.tr();
    let u = usage_tables(&app, &v, &q).await?;
    let query = format!("from={}&to={}{}", u.from, u.to, u.cluster.map(|c| format!("&cluster={c}")).unwrap_or_default());
    let labels = |keys: &[&str]| keys.iter().map(|k| t.get(k)).collect::<Vec<_>>();
    Ok(UsagePage {
        chrome: Chrome::new(&v, t.get("booking-usage"), "/bookings"),
        from: u.from.to_string(),
        to: u.to.to_string(),
        export_href: format!("/bookings/usage.xlsx?{query}"),
        clusters: xuequ_app::clusters::all(&app, &v)
            .await?
            .into_iter()
            .filter(|c| c.status == Status::Active)
            .map(|c| Opt { selected: Some(c.id) == u.cluster, value: c.id.to_string(), label: c.name })
            .collect(),
        periods: usage_periods(&app, &v, &u).await?,
        chart: crate::charts::lent_borrowed(
            &u.schools.iter().take(15).map(|(n, l, b)| (n.as_str(), *l, *b)).collect::<Vec<_>>(),
            (&t.get("booking-usage-lent"), &t.get("booking-usage-borrowed")),
        ),
        schools: u.schools.iter().map(|(name, lent, borrowed)| (name.clone(), format!("{lent:.1}"), format!("{borrowed:.1}"))).collect(),
        clusters_table: u.clusters.iter().map(|(n, tot)| (n.clone(), shown_figures(&total_figures(tot), 4, 4))).collect(),
        months: u.months.iter().map(|(m, tot)| (m.clone(), shown_figures(&total_figures(tot), 4, 4))).collect(),
        facilities: u
            .facilities
            .iter()
            .map(|(name, school, h, n)| {
                let mut row = vec![name.clone(), school.clone()];
                let figures: Vec<f64> = h.iter().copied().chain(n.iter().map(|c| *c as f64)).collect();
                row.extend(shown_figures(&figures, 3, 3));
                row
            })
            .collect(),
        total_headers: labels(&TOTAL_COLUMNS),
        facility_headers: labels(&FACILITY_COLUMNS),
    }
    .into_response())
}

/// The same figures as a workbook: a sheet per school, cluster, month and facility.
async fn usage_xlsx(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    use xuequ_sheets::Cell;
    let t = v.tr();
    let u = usage_tables(&app, &v, &q).await?;
    let h = |keys: &[&str]| keys.iter().map(|k| t.get(k)).collect::<Vec<_>>();
    let tenth = |x: f64| Cell::Number((x * 10.0).round() / 10.0);
    let schools = u.schools.iter().map(|(n, l, b)| vec![Cell::Text(n.clone()), Cell::Number(*l), Cell::Number(*b)]).collect();
    let groups = |list: &[(String, bookings::Totals)]| -> Vec<Vec<Cell>> {
        list.iter()
            .map(|(n, tot)| std::iter::once(Cell::Text(n.clone())).chain(total_figures(tot).into_iter().map(tenth)).collect())
            .collect()
    };
    let facilities = u
        .facilities
        .iter()
        .map(|(name, school, hours, counts)| {
            let mut row = vec![Cell::Text(name.clone()), Cell::Text(school.clone())];
            row.extend(hours.iter().map(|x| tenth(*x)));
            row.extend(counts.iter().map(|c| Cell::Number(*c as f64)));
            row
        })
        .collect();
    let with_first = |first: &str| std::iter::once(t.get(first)).chain(h(&TOTAL_COLUMNS)).collect::<Vec<_>>();
    let bytes = xuequ_sheets::workbook(&[
        (t.get("booking-usage-schools"), h(&["booking-owner", "booking-usage-lent", "booking-usage-borrowed"]), schools),
        (t.get("booking-usage-clusters"), with_first("booking-usage-cluster"), groups(&u.clusters)),
        (t.get("booking-usage-months"), with_first("booking-usage-month"), groups(&u.months)),
        (t.get("booking-usage-facilities"), h(&FACILITY_COLUMNS), facilities),
    ]);
    Ok(crate::download::file_response(bytes, &format!("usage-{}-{}.xlsx", u.from, u.to), xuequ_sheets::Format::Xlsx.content_type()))
}

/// A calendar feed by its secret address, for calendar programs (no session).
async fn ical(State(app): State<App>, Path(file): Path<String>) -> PageResult {
    let token = file.trim_end_matches(".ics");
    let (title, events) = bookings::feed(&app, token).await?;
    let activities = xuequ_app::running::calendar::feed(&app, token).await?;
    let text = crate::ical::calendar(&title, &events, &activities, &Tr::new(current_lang()));
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], text).into_response())
}

/// The feed addresses of the viewer, with the site's own origin.
pub fn feed_url(headers: &axum::http::HeaderMap, token: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).unwrap_or("http");
    format!("{scheme}://{host}/ical/{token}.ics")
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/feed.html")]
struct FeedPage {
    chrome: Chrome,
    url: String,
}

/// A new feed address, shown once (only its hash is kept).
#[derive(Deserialize, Default)]
#[serde(default)]
struct FeedForm {
    facility: String,
}

async fn new_feed(State(app): State<App>, v: Viewer, headers: axum::http::HeaderMap, Posted(form): Posted<FeedForm>) -> PageResult {
    let facility = form.facility.parse::<i64>().ok();
    let (_, token) = bookings::create_feed(&app, &v, facility).await?;
    let t = v.tr();
    Ok(FeedPage { chrome: Chrome::new(&v, t.get("feed-new-title"), "/bookings"), url: feed_url(&headers, &token) }.into_response())
}

async fn revoke_feed(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(NoFields {}): Posted<NoFields>) -> PageResult {
    bookings::revoke_feed(&app, &v, id).await?;
    Ok(saved("/bookings#feeds"))
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/rules.html")]
struct RulesPage {
    chrome: Chrome,
    id: i64,
    share: Vec<Opt>,
    approval: bool,
    /// Name, label, value, problem of each number.
    numbers: Vec<(String, String, String, Option<String>)>,
    /// Per weekday: its name, the field names of its hours, and their values.
    days: Vec<(String, String, String, String, String)>,
    opening_error: Option<String>,
    blackouts: String,
    blackouts_error: Option<String>,
    unread_hours: Option<String>,
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn rules_values(r: &xuequ_domain::booking::SharingRules) -> HashMap<String, String> {
    use xuequ_domain::booking::Blackout;
    let mut v: HashMap<String, String> = [
        ("share_with", r.share_with.code().to_string()),
        ("needs_approval", if r.needs_approval { "true".into() } else { String::new() }),
        ("min_notice_hours", r.min_notice_hours.to_string()),
        ("horizon_days", r.horizon_days.to_string()),
        ("max_minutes", r.max_minutes.to_string()),
        ("capacity", r.capacity.map(|c| c.to_string()).unwrap_or_default()),
        ("weekly_quota_hours", r.weekly_quota_hours.map(|q| q.to_string()).unwrap_or_default()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (i, day) in WEEKDAYS.iter().enumerate() {
        if let Some((a, b)) = r.opening[i] {
            v.insert(format!("open_{day}"), a.format("%H:%M").to_string());
            v.insert(format!("close_{day}"), b.format("%H:%M").to_string());
        }
    }
    let lines: Vec<String> = r
        .blackouts
        .iter()
        .map(|b| match b {
            Blackout::Weekly { weekday, start, end, reason } => {
                format!("{} {}-{} {reason}", WEEKDAYS[(*weekday as usize).clamp(1, 7) - 1], start.format("%H:%M"), end.format("%H:%M"))
            }
            Blackout::Once { slot, reason } => {
                format!("{} {}-{} {reason}", slot.start.format("%Y-%m-%d"), slot.start.format("%H:%M"), slot.end.format("%H:%M"))
            }
        })
        .collect();
    v.insert("blackouts".into(), lines.join("\n"));
    v
}

/// Reads the rules form; every field that does not read is named.
fn rules_from(form: &HashMap<String, String>) -> Result<xuequ_domain::booking::SharingRules, Vec<FieldProblem>> {
    use xuequ_domain::booking::{Blackout, ShareWith, SharingRules};
    let mut problems = Vec::new();
    let text = |k: &str| form.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let number = |k: &'static str, problems: &mut Vec<FieldProblem>| -> Option<f64> {
        let t = text(k);
        if t.is_empty() {
            return None;
        }
        match t.parse::<f64>() {
            Ok(x) if (0.0..=100_000.0).contains(&x) => Some(x),
            _ => {
                problems.push(FieldProblem::new(k, Problem::NotANumber { value: t.chars().take(40).collect() }));
                None
            }
        }
    };
    let d = SharingRules::default();
    let share_with = ShareWith::parse(&text("share_with")).unwrap_or_else(|| {
        problems.push(FieldProblem::new("share_with", Problem::Required));
        d.share_with
    });
    let min_notice_hours = number("min_notice_hours", &mut problems).map_or(d.min_notice_hours, |x| x as u32);
    let horizon_days = number("horizon_days", &mut problems).map_or(d.horizon_days, |x| x as u32);
    let max_minutes = number("max_minutes", &mut problems).map_or(d.max_minutes, |x| x as u32);
    let capacity = number("capacity", &mut problems).map(|x| x as u32);
    let weekly_quota_hours = number("weekly_quota_hours", &mut problems);
    let mut opening = [None; 7];
    for (i, day) in WEEKDAYS.iter().enumerate() {
        let (a, b) = (text(&format!("open_{day}")), text(&format!("close_{day}")));
        if a.is_empty() && b.is_empty() {
            continue;
        }
        match (NaiveTime::parse_from_str(&a, "%H:%M"), NaiveTime::parse_from_str(&b, "%H:%M")) {
            (Ok(a), Ok(b)) if a < b => opening[i] = Some((a, b)),
            _ => problems
                .push(FieldProblem::new("opening", Problem::OutsideOpeningHours { weekday: day.to_string(), hours: format!("{a}–{b}") })),
        }
    }
    let mut blackouts = Vec::new();
    for line in text("blackouts").lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.splitn(3, char::is_whitespace);
        let (when, hours, reason) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or("").trim());
        let times = hours
            .split_once('-')
            .and_then(|(a, b)| Some((NaiveTime::parse_from_str(a, "%H:%M").ok()?, NaiveTime::parse_from_str(b, "%H:%M").ok()?)));
        let parsed = match (WEEKDAYS.iter().position(|d| *d == when), query_date(Some(when)).ok_or(()), times) {
            (Some(i), _, Some((a, b))) if a < b && !reason.is_empty() => {
                Some(Blackout::Weekly { weekday: i as u8 + 1, start: a, end: b, reason: reason.chars().take(50).collect() })
            }
            (None, Ok(day), Some((a, b))) if a < b && !reason.is_empty() => Some(Blackout::Once {
                slot: Slot { start: day.and_time(a), end: day.and_time(b) },
                reason: reason.chars().take(50).collect(),
            }),
            _ => None,
        };
        match parsed {
            Some(b) => blackouts.push(b),
            None => problems.push(FieldProblem::new(
                "blackouts",
                Problem::UnknownValue {
                    value: line.chars().take(60).collect(),
                    allowed: "tue 14:00-15:30 原因 / 2026-12-01 08:00-12:00 原因".into(),
                },
            )),
        }
    }
    let rules = SharingRules {
        share_with,
        needs_approval: text("needs_approval") == "true",
        min_notice_hours,
        horizon_days,
        max_minutes,
        opening,
        capacity,
        weekly_quota_hours,
        blackouts,
    };
    if problems.is_empty() { Ok(rules) } else { Err(problems) }
}

async fn rules_page(app: &App, v: &Viewer, id: i64, values: HashMap<String, String>, problems: &[FieldProblem]) -> PageResult {
    let t = v.tr();
    let f = xuequ_app::registry::get::<Facility>(app, v, id).await?;
    v.require(Action::Update, Resource::Facility, &Target::school(v.county(), f.school_id))?;
    let chosen = values.get("share_with").cloned().unwrap_or_default();
    let share = xuequ_domain::booking::ShareWith::ALL
        .iter()
        .map(|s| Opt { value: s.code().to_string(), label: t.code("share_with", s.code()), selected: s.code() == chosen })
        .collect();
    let days = WEEKDAYS
        .iter()
        .map(|d| {
            let (open, close) = (format!("open_{d}"), format!("close_{d}"));
            let (a, b) = (values.get(&open).cloned().unwrap_or_default(), values.get(&close).cloned().unwrap_or_default());
            (t.with("booking-day", &[("weekday", d.to_string()), ("date", String::new())]), open, a, close, b)
        })
        .collect();
    let mut errors: HashMap<String, String> = HashMap::new();
    for p in problems {
        errors
            .entry(p.field.to_string())
            .and_modify(|e| e.push_str(&format!("；{}", t.problem(&p.problem))))
            .or_insert_with(|| t.problem(&p.problem));
    }
    let status = if problems.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let numbers = ["min_notice_hours", "horizon_days", "max_minutes", "capacity", "weekly_quota_hours"]
        .iter()
        .map(|n| {
            (
                n.to_string(),
                t.get(&format!("rules-{}", n.replace('_', "-"))),
                values.get(*n).cloned().unwrap_or_default(),
                errors.get(*n).cloned(),
            )
        })
        .collect();
    Ok((
        status,
        RulesPage {
            chrome: Chrome::new(v, t.with("rules-title", &[("facility", f.name.clone())]), "/bookings"),
            id,
            share,
            approval: values.get("needs_approval").is_some_and(|a| a == "true"),
            numbers,
            days,
            opening_error: errors.get("opening").cloned(),
            blackouts: values.get("blackouts").cloned().unwrap_or_default(),
            blackouts_error: errors.get("blackouts").cloned(),
            unread_hours: bookings::hours_unread(&f).then(|| f.open_hours.clone()),
        },
    )
        .into_response())
}

/// 共享规则: with whom, approval, notice, horizon, length, opening hours per weekday, capacity,
/// weekly quota and the times it is not lent (the owner's own lessons first).
async fn rules_form(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let f = xuequ_app::registry::get::<Facility>(&app, &v, id).await?;
    let rules = bookings::rules_of(&app, v.county(), &f).await?;
    rules_page(&app, &v, id, rules_values(&rules), &[]).await
}

async fn rules_save(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<Values>) -> PageResult {
    let rules = match rules_from(&form) {
        Ok(r) => r,
        Err(problems) => return rules_page(&app, &v, id, form, &problems).await,
    };
    match bookings::save_rules(&app, &v, id, &rules).await {
        Ok(()) => Ok(saved(&format!("/facilities/{id}/week"))),
        Err(e) => {
            let problems = form_problems(e)?;
            rules_page(&app, &v, id, form, &problems).await
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    year: i32,
    /// The school whose own closed days are edited; none for the county's calendar.
    school: Option<(i64, String)>,
    terms: String,
    closures: String,
    errors: Vec<(String, String)>,
}

/// The school year (its first calendar year) that holds today.
fn this_school_year() -> i32 {
    let today = xuequ_app::today();
    if today.month() >= 8 { today.year() } else { today.year() - 1 }
}

fn calendar_text(c: &xuequ_domain::booking::SchoolCalendar) -> (String, String) {
    let terms = c.terms.iter().map(|(a, b)| format!("{a} {b}")).collect::<Vec<_>>().join("\n");
    let closures = c.closures.iter().map(|x| format!("{} {} {}", x.from, x.to, x.reason)).collect::<Vec<_>>().join("\n");
    (terms, closures)
}

/// Reads the calendar form: a term per line (`2026-09-01 2027-01-22`), a closure per line
/// (`2026-10-01 2026-10-07 国庆节`); every line that does not read is named.
fn calendar_from(form: &CalendarForm) -> Result<xuequ_domain::booking::SchoolCalendar, Vec<FieldProblem>> {
    use xuequ_domain::booking::{Closure, SchoolCalendar};
    let mut problems = Vec::new();
    let mut calendar = SchoolCalendar::default();
    for line in form.terms.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let days: Vec<Option<NaiveDate>> = line.split_whitespace().map(|d| query_date(Some(d))).collect();
        match days[..] {
            [Some(a), Some(b)] => calendar.terms.push((a, b)),
            _ => problems.push(FieldProblem::new("terms", Problem::NotADate { value: line.chars().take(60).collect() })),
        }
    }
    for line in form.closures.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.splitn(3, char::is_whitespace).collect();
        match (query_date(parts.first()), query_date(parts.get(1)), parts.get(2)) {
            (Some(from), Some(to), Some(reason)) if !reason.trim().is_empty() => {
                calendar.closures.push(Closure { from, to, reason: reason.trim().to_string() })
            }
            _ => problems.push(FieldProblem::new("closures", Problem::NotADate { value: line.chars().take(60).collect() })),
        }
    }
    if problems.is_empty() { Ok(calendar) } else { Err(problems) }
}

async fn calendar_page(
    app: &App,
    v: &Viewer,
    year: i32,
    school: Option<i64>,
    terms: String,
    closures: String,
    problems: &[FieldProblem],
) -> PageResult {
    let t = v.tr();
    let school = match school {
        Some(id) => Some((id, directory::school(app, v, id).await?.ok_or(AppError::NotFound)?.name)),
        None => None,
    };
    let title = match &school {
        Some((_, name)) => t.with("calendar-school-title", &[("school", name.clone()), ("year", format!("{year}–{}", year + 1))]),
        None => t.with("calendar-title", &[("year", format!("{year}–{}", year + 1))]),
    };
    let errors = problems.iter().map(|p| (t.get(&format!("calendar-{}", p.field)), t.problem(&p.problem))).collect();
    let status = if problems.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, CalendarPage { chrome: Chrome::new(v, title, "/bookings"), year, school, terms, closures, errors }).into_response())
}

/// 校历: the bureau's terms, holidays and exam weeks of a school year, or (with `school`) a
/// school's own closed days.
async fn calendar_form(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    let year = q.get("year").and_then(|y| y.parse().ok()).filter(|y| (2000..=2100).contains(y)).unwrap_or_else(this_school_year);
    let county = v.county();
    // Who keeps no county calendar opens their own school's closed days.
    let own = v.actor.school_id.filter(|_| !v.can(Action::Create, Resource::School, &Target::county(county)));
    let school = q.get("school").and_then(|s| s.parse::<i64>().ok()).or(own);
    match school {
        Some(s) => v.require(Action::Update, Resource::School, &Target::school(county, s))?,
        None => v.require(Action::Create, Resource::School, &Target::county(county))?,
    }
    let stored = bookings::stored_calendar(&app, &v, school, year).await?;
    let (terms, closures) = calendar_text(&stored);
    calendar_page(&app, &v, year, school, terms, closures, &[]).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CalendarForm {
    year: String,
    school: String,
    terms: String,
    closures: String,
}

async fn calendar_save(State(app): State<App>, v: Viewer, Posted(form): Posted<CalendarForm>) -> PageResult {
    let year: i32 = form.year.parse().map_err(|_| AppError::invalid("year", Problem::Required))?;
    let school = form.school.parse::<i64>().ok();
    let result = match calendar_from(&form) {
        Ok(c) => bookings::save_calendar(&app, &v, school, year, &c).await.map_err(form_problems),
        Err(p) => Err(Ok(p)),
    };
    match result {
        Ok(()) => Ok(saved(&match school {
            Some(s) => format!("/bookings/calendar?year={year}&school={s}"),
            None => format!("/bookings/calendar?year={year}"),
        })),
        Err(Ok(problems)) => calendar_page(&app, &v, year, school, form.terms, form.closures, &problems).await,
        Err(Err(e)) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/bells.html")]
struct BellsPage {
    chrome: Chrome,
    id: i64,
    sections: Vec<Opt>,
    periods: String,
    error: Option<String>,
}

/// Reads a bell schedule: a period per line, `1 08:00-08:40`, in order. A line that does not
/// read, ends before it starts or overlaps the one before is returned with its problem.
fn bells_from(text: &str) -> Result<xuequ_domain::booking::BellSchedule, (String, Problem)> {
    use xuequ_domain::booking::{BellSchedule, Period};
    let mut periods: Vec<Period> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let shown: String = line.chars().take(40).collect();
        let bad = || (shown.clone(), Problem::UnknownValue { value: shown.clone(), allowed: "1 08:00-08:40".into() });
        let (number, hours) = line.split_once(char::is_whitespace).ok_or_else(bad)?;
        let (a, b) = hours.trim().split_once('-').ok_or_else(bad)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        let period = Period { number: number.parse().map_err(|_| bad())?, start: time(a)?, end: time(b)? };
        if period.start >= period.end || periods.last().is_some_and(|p| p.end > period.start || p.number >= period.number) {
            return Err((shown, Problem::EndBeforeStart));
        }
        periods.push(period);
    }
    if periods.is_empty() || periods.len() > 12 {
        return Err((String::new(), Problem::OutOfRange { value: periods.len().to_string(), min: "1".into(), max: "12".into() }));
    }
    Ok(BellSchedule { periods })
}

async fn bells_page(app: &App, v: &Viewer, id: i64, section: &str, periods: String, error: Option<String>) -> PageResult {
    let t = v.tr();
    let school = xuequ_app::registry::get::<School>(app, v, id).await?;
    v.require(Action::Update, Resource::Facility, &Target::school(v.county(), id))?;
    let sections =
        ["primary", "junior"].iter().map(|s| Opt { value: s.to_string(), label: t.code("section", s), selected: *s == section }).collect();
    let status = if error.is_none() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((
        status,
        BellsPage { chrome: Chrome::new(v, t.with("bells-title", &[("school", school.name)]), "/bookings"), id, sections, periods, error },
    )
        .into_response())
}

/// 作息时间: a school's lesson periods for a stage, which "第5–6节" means when its facilities are
/// booked.
async fn bells_form(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Query(q): Q) -> PageResult {
    let section = q.get("section").filter(|s| *s == "junior").map_or("primary", |_| "junior");
    let bells = bookings::bells_for(&app, &v, id, section).await?;
    let text = bells
        .periods
        .iter()
        .map(|p| format!("{} {}-{}", p.number, p.start.format("%H:%M"), p.end.format("%H:%M")))
        .collect::<Vec<_>>()
        .join("\n");
    bells_page(&app, &v, id, section, text, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BellsForm {
    section: String,
    periods: String,
}

async fn bells_save(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<BellsForm>) -> PageResult {
    let section = if form.section == "junior" { "junior" } else { "primary" };
    let text = form.periods;
    let t = v.tr();
    let bells = match bells_from(&text) {
        Ok(bells) => bells,
        Err((line, p)) => {
            let message = if line.is_empty() { t.problem(&p) } else { format!("“{line}”：{}", t.problem(&p)) };
            return bells_page(&app, &v, id, section, text, Some(message)).await;
        }
    };
    match bookings::save_bells(&app, &v, id, section, &bells).await {
        Ok(()) => Ok(saved(&format!("/schools/{id}/bells?section={section}"))),
        Err(e) => {
            let problems = form_problems(e)?;
            bells_page(&app, &v, id, section, text, problems.first().map(|p| t.problem(&p.problem))).await
        }
    }
}

/// One day of a schedule: its label, whether it belongs to the month shown, whether it is
/// today, why it is a day off, its bookings (text, css class, link) and how many more there are.
struct ScheduleDay {
    label: String,
    outside: bool,
    today: bool,
    off: Option<String>,
    entries: Vec<(String, &'static str, Option<String>)>,
    more: Option<(usize, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bookings/schedule.html")]
struct SchedulePage {
    chrome: Chrome,
    month: bool,
    /// The query naming whose schedule it is (`facility=3`), for the links.
    scope: String,
    date: String,
    prev: String,
    next: String,
    headers: Vec<String>,
    weeks: Vec<Vec<ScheduleDay>>,
    schools: Vec<Opt>,
    clusters: Vec<Opt>,
}

/// How many bookings a day of the month view lists before "N more".
const MONTH_DAY_ENTRIES: usize = 4;

/// 日程: the week or month of a facility, a school (what it lends and borrows) or a cluster,
/// with its days off.
async fn schedule(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    let t = v.tr();
    let id_of = |key: &str| q.get(key).and_then(|x| x.parse::<i64>().ok());
    let scope = match (id_of("facility"), id_of("cluster"), id_of("school").or(v.actor.school_id)) {
        (Some(f), _, _) => Some(bookings::Scope::Facility(f)),
        (None, Some(c), _) => Some(bookings::Scope::Cluster(c)),
        (None, None, Some(s)) => Some(bookings::Scope::School(s)),
        _ => None,
    };
    let day = query_date(q.get("date")).unwrap_or_else(xuequ_app::today);
    let month = q.get("view").is_none_or(|view| view != "week");
    let (first, last) = if month {
        let start = day.with_day(1).expect("day 1");
        let end = (start + Duration::days(32)).with_day(1).expect("day 1") - Duration::days(1);
        (bookings::week_of(start), bookings::week_of(end) + Duration::days(6))
    } else {
        (bookings::week_of(day), bookings::week_of(day) + Duration::days(6))
    };
    let (schools, facilities) = names(&app, &v).await?;
    let (name, scope_query, calendar_school) = match scope {
        Some(bookings::Scope::Facility(f)) => {
            let found = xuequ_app::registry::get::<Facility>(&app, &v, f).await?;
            (found.name, format!("facility={f}"), Some(found.school_id))
        }
        Some(bookings::Scope::School(s)) => (schools.get(&s).cloned().unwrap_or_default(), format!("school={s}"), Some(s)),
        Some(bookings::Scope::Cluster(c)) => (xuequ_app::clusters::get(&app, &v, c).await?.cluster.name, format!("cluster={c}"), None),
        None => (t.get("schedule-choose"), String::new(), None),
    };
    let entries = match scope {
        Some(s) => bookings::schedule(&app, &v, s, first, last).await?,
        None => Vec::new(),
    };
    let calendar = bookings::calendar_of(&app, &v, calendar_school).await?;
    let facility_scope = matches!(scope, Some(bookings::Scope::Facility(_)));
    let today = xuequ_app::today();
    let shown_month = day.month();
    let mut weeks = Vec::new();
    let mut monday = first;
    while monday <= last {
        let week = (0..7)
            .map(|i| {
                let d = monday + Duration::days(i);
                let on_day: Vec<&bookings::Entry> = entries.iter().filter(|e| to_local(e.booking.starts_at).date() == d).collect();
                let limit = if month { MONTH_DAY_ENTRIES } else { usize::MAX };
                let listed = on_day
                    .iter()
                    .take(limit)
                    .map(|e| {
                        let b = &e.booking;
                        let hours = format!("{}–{}", to_local(b.starts_at).format("%H:%M"), to_local(b.ends_at).format("%H:%M"));
                        let who = schools.get(&b.school_id).cloned().unwrap_or_default();
                        let text = match (e.visible, facility_scope) {
                            (false, _) => format!("{hours} {}", t.get("schedule-taken")),
                            (true, true) => format!("{hours} {who}"),
                            (true, false) => format!("{hours} {} · {who}", facilities.get(&b.facility_id).cloned().unwrap_or_default()),
                        };
                        let class = match b.status {
                            BookingStatus::Pending => "pending",
                            BookingStatus::NoShow => "closed",
                            _ => "taken",
                        };
                        (text, class, e.visible.then(|| format!("/bookings/{}", b.id)))
                    })
                    .collect();
                let more =
                    (on_day.len() > limit).then(|| (on_day.len() - limit, format!("/bookings/schedule?{scope_query}&view=week&date={d}")));
                ScheduleDay {
                    label: if month { d.day().to_string() } else { d.format("%m-%d").to_string() },
                    outside: month && d.month() != shown_month,
                    today: d == today,
                    off: calendar.day_off(d).map(|o| match o {
                        xuequ_domain::booking::calendar::DayOff::OutsideTerm => t.get("schedule-vacation"),
                        xuequ_domain::booking::calendar::DayOff::Closed(reason) => reason,
                    }),
                    entries: listed,
                    more,
                }
            })
            .collect();
        weeks.push(week);
        monday += Duration::days(7);
    }
    let (prev, next) = if month {
        let start = day.with_day(1).expect("day 1");
        ((start - Duration::days(1)).with_day(1).expect("day 1"), (start + Duration::days(32)).with_day(1).expect("day 1"))
    } else {
        (day - Duration::days(7), day + Duration::days(7))
    };
    let period = if month {
        t.with("schedule-month", &[("year", day.year().to_string()), ("month", day.month().to_string())])
    } else {
        t.with("schedule-week", &[("week", first.to_string())])
    };
    let chosen_school = match scope {
        Some(bookings::Scope::School(s)) => Some(s),
        _ => None,
    };
    let chosen_cluster = match scope {
        Some(bookings::Scope::Cluster(c)) => Some(c),
        _ => None,
    };
    Ok(SchedulePage {
        chrome: Chrome::new(&v, format!("{name} · {period}"), "/bookings"),
        month,
        scope: scope_query,
        date: day.to_string(),
        prev: prev.to_string(),
        next: next.to_string(),
        headers: (0..7)
            .map(|i| {
                t.with(
                    "booking-day",
                    &[("weekday", weekday_code((first + Duration::days(i)).weekday()).to_string()), ("date", String::new())],
                )
            })
            .collect(),
        weeks,
        schools: xuequ_app::registry::all_schools(&app, &v)
            .await?
            .into_iter()
            .map(|s| Opt { selected: Some(s.id) == chosen_school, value: s.id.to_string(), label: s.name })
            .collect(),
        clusters: xuequ_app::clusters::all(&app, &v)
            .await?
            .into_iter()
            .filter(|c| c.status == Status::Active)
            .map(|c| Opt { selected: Some(c.id) == chosen_cluster, value: c.id.to_string(), label: c.name })
            .collect(),
    }
    .into_response())
}
