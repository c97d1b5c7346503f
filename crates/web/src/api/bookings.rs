//! Facility sharing over the API: check and make bookings (once or repeating), list them,
//! approve, decline or cancel, a facility's sharing rules, and the notification centre.

use super::time::Moment;
use super::{Body, Ids, ListOf, PageParams, Params, codes, one_of};
use crate::App;
use crate::auth::Viewer;
use crate::error::{ApiResult, problem_code};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::AppError;
use xuequ_app::bookings::{self, Decision, Request};
use xuequ_app::records::{self, BookingFilter};
use xuequ_domain::booking::{BookingStatus, Repeat, ShareWith, SharingRules, to_utc};
use xuequ_domain::{FacilityKind, Problem, Section};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_bookings, create_booking))
        .routes(routes!(check_booking))
        .routes(routes!(free_facilities))
        .routes(routes!(get_booking, decide_booking))
        .routes(routes!(get_rules, put_rules))
        .routes(routes!(get_calendar, put_calendar))
        .routes(routes!(get_bells, put_bells))
        .routes(routes!(get_usage))
        .routes(routes!(list_feeds, create_feed))
        .routes(routes!(revoke_feed))
        .routes(routes!(list_notifications))
        .routes(routes!(read_notifications))
}

/// A booking, its times in the county's local time (Asia/Shanghai).
#[derive(Serialize, ToSchema)]
pub struct Booking {
    pub id: i64,
    pub facility_id: i64,
    /// The school that owns the facility and decides.
    pub owner_school_id: i64,
    /// The school that booked it.
    pub school_id: i64,
    pub requested_by: String,
    /// The first booking of the repeat this one belongs to.
    pub series_id: Option<i64>,
    pub start: Moment,
    pub end: Moment,
    /// `pending` (待审批), `confirmed`, `declined`, `cancelled`, `expired` (not decided in time) or `no_show`.
    #[schema(schema_with = codes::<BookingStatus>)]
    pub status: String,
    pub purpose: String,
    pub group_name: String,
    pub attendees: Option<i32>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

impl From<records::Booking> for Booking {
    fn from(b: records::Booking) -> Self {
        Booking {
            id: b.id,
            facility_id: b.facility_id,
            owner_school_id: b.owner_school_id,
            school_id: b.school_id,
            requested_by: b.requested_by_name,
            series_id: b.series_id,
            start: Moment::of_utc(b.starts_at),
            end: Moment::of_utc(b.ends_at),
            status: b.status.to_string(),
            purpose: b.purpose,
            group_name: b.group_name,
            attendees: b.attendees,
            decided_by: b.decided_by,
            decided_at: b.decided_at,
            reason: b.reason,
            created_at: b.created_at,
        }
    }
}

/// A booking request: `start` and `end`, or `date` and `periods` (`[5, 6]` = 第5–6节 of the
/// lending school's bell schedule); optionally repeated every `every_weeks` weeks until `until`.
#[derive(Deserialize, ToSchema)]
pub struct NewBooking {
    pub facility_id: i64,
    /// The borrowing school (default: the caller's).
    pub school_id: Option<i64>,
    #[serde(default, deserialize_with = "super::time::optional_moment")]
    #[schema(nullable = false)]
    pub start: Option<Moment>,
    #[serde(default, deserialize_with = "super::time::optional_moment")]
    #[schema(nullable = false)]
    pub end: Option<Moment>,
    #[serde(default, deserialize_with = "super::time::optional_day")]
    #[schema(nullable = false)]
    pub date: Option<NaiveDate>,
    /// The first and last lesson period (1–20).
    #[schema(schema_with = period_pair)]
    pub periods: Option<[u8; 2]>,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub group_name: String,
    pub attendees: Option<u32>,
    pub repeat: Option<RepeatBody>,
    /// Book the dates that pass and skip the others (default false: all or nothing).
    #[serde(default)]
    pub keep_rest: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct RepeatBody {
    /// 1 (weekly) to 4.
    pub every_weeks: u32,
    /// The last day a repeat may fall on.
    pub until: NaiveDate,
}

impl From<NewBooking> for Request {
    fn from(b: NewBooking) -> Self {
        Request {
            facility_id: b.facility_id,
            school_id: b.school_id,
            start: b.start.map(Moment::local),
            end: b.end.map(Moment::local),
            date: b.date,
            periods: b.periods.map(|[a, z]| (a, z)),
            purpose: b.purpose,
            group_name: b.group_name,
            attendees: b.attendees,
            repeat: b.repeat.map(|r| Repeat { every_weeks: r.every_weeks, until: r.until }),
            keep_rest: b.keep_rest,
        }
    }
}

/// One date of a request, and what stands in its way (empty: free to book).
#[derive(Serialize, ToSchema)]
pub struct DateCheck {
    pub start: Moment,
    pub end: Moment,
    pub problems: Vec<DateProblem>,
}

#[derive(Serialize, ToSchema)]
pub struct DateProblem {
    pub code: String,
    pub message: String,
}

fn date_check(tr: &crate::i18n::Tr, d: bookings::DateCheck) -> DateCheck {
    DateCheck {
        start: d.slot.start.into(),
        end: d.slot.end.into(),
        problems: d.problems.iter().map(|p| DateProblem { code: problem_code(p), message: tr.problem(p) }).collect(),
    }
}

/// What a request booked, and the dates it skipped with their reasons.
#[derive(Serialize, ToSchema)]
pub struct Booked {
    pub bookings: Vec<Booking>,
    pub skipped: Vec<DateCheck>,
}

/// Every date a request would book, with the rules it breaks and the bookings it collides
/// with; nothing is booked.
#[utoipa::path(post, path = "/bookings/check", request_body = NewBooking, responses((status = 200, body = Vec<DateCheck>), (status = 400)), tag = "bookings")]
async fn check_booking(State(app): State<App>, v: Viewer, Body(b): Body<NewBooking>) -> ApiResult<Json<Vec<DateCheck>>> {
    let tr = v.tr();
    Ok(Json(bookings::check(&app, &v, &b.into()).await?.into_iter().map(|d| date_check(&tr, d)).collect()))
}

/// Books a facility once or repeatedly. All dates must pass (else 400 for a broken rule, 409
/// for a collision, with the reasons per date in `details`), unless `keep_rest`. A booking
/// that needs the owner's approval starts `pending` and holds its slot meanwhile.
#[utoipa::path(post, path = "/bookings", request_body = NewBooking, responses((status = 201, body = Booked), (status = 400), (status = 403), (status = 404), (status = 409)), tag = "bookings")]
async fn create_booking(State(app): State<App>, v: Viewer, Body(b): Body<NewBooking>) -> ApiResult<Response> {
    let tr = v.tr();
    let done = bookings::book(&app, &v, &b.into()).await?;
    let body = Booked {
        bookings: done.bookings.into_iter().map(Booking::from).collect(),
        skipped: done.skipped.into_iter().map(|d| date_check(&tr, d)).collect(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookingQuery {
    /// A facility's id.
    pub facility: Option<i64>,
    /// Booked by this school.
    pub school: Option<i64>,
    /// Of facilities this school owns.
    pub owner: Option<i64>,
    /// First day (local), inclusive.
    pub from: Option<NaiveDate>,
    /// Last day (local), inclusive.
    pub to: Option<NaiveDate>,
    /// `pending`, `confirmed`, `declined`, `cancelled`, `expired` or `no_show`; several separated by commas.
    #[param(
        pattern = r"^(pending|confirmed|declined|cancelled|expired|no_show)(,(pending|confirmed|declined|cancelled|expired|no_show))*$"
    )]
    pub status: Option<String>,
}

/// Reads a booking list's filters; a status no one knows is named.
pub fn booking_filter(q: &BookingQuery) -> Result<BookingFilter, AppError> {
    let mut statuses = Vec::new();
    for s in q.status.as_deref().unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let status = BookingStatus::parse(s).ok_or_else(|| {
            AppError::invalid(
                "status",
                Problem::UnknownValue {
                    value: s.chars().take(40).collect(),
                    allowed: BookingStatus::ALL.iter().map(|s| s.code()).collect::<Vec<_>>().join(", "),
                },
            )
        })?;
        statuses.push(status);
    }
    let day = |d: NaiveDate| to_utc(d.and_hms_opt(0, 0, 0).expect("midnight"));
    Ok(BookingFilter {
        facility_id: q.facility,
        school_id: q.school,
        owner_school_id: q.owner,
        from: q.from.map(day),
        to: q.to.and_then(|d| d.succ_opt()).map(day),
        statuses,
        ..Default::default()
    })
}

/// The bookings the caller may see (those of their school, cluster or county), by start.
#[utoipa::path(get, path = "/bookings", params(BookingQuery, PageParams), responses((status = 200, body = ListOf<Booking>)), tag = "bookings")]
async fn list_bookings(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<BookingQuery>,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<Booking>>> {
    let paging = p.paging()?;
    if q.status.as_deref().is_some_and(|s| s.trim().is_empty()) {
        return Err(AppError::invalid("status", Problem::Required).into());
    }
    let filter = booking_filter(&q)?;
    Ok(Json(ListOf::cut(bookings::list(&app, &v, filter).await?.into_iter().map(Booking::from), paging)))
}

#[utoipa::path(get, path = "/bookings/{id}", params(("id" = i64, Path)), responses((status = 200, body = Booking), (status = 404)), tag = "bookings")]
async fn get_booking(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<Booking>> {
    Ok(Json(bookings::get(&app, &v, id.first()).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct BookingDecisionBody {
    /// `approve` or `decline` (the lending school), `cancel` (either school), `no_show` (the
    /// lending school, once the booking has begun) or `attended` (takes a no-show back).
    #[schema(schema_with = booking_decisions)]
    pub decision: Decision,
    /// Why (required to decline).
    #[serde(default)]
    pub reason: String,
    /// The same for every later date of its repeat still open.
    #[serde(default)]
    pub series: bool,
}

/// Approves, declines or cancels a booking, or marks it a no-show; the other side is notified.
#[utoipa::path(patch, path = "/bookings/{id}", params(("id" = i64, Path)), request_body = BookingDecisionBody, responses((status = 200, body = Vec<Booking>), (status = 403), (status = 404), (status = 409)), tag = "bookings")]
async fn decide_booking(State(app): State<App>, v: Viewer, id: Ids, Body(d): Body<BookingDecisionBody>) -> ApiResult<Json<Vec<Booking>>> {
    let done = bookings::decide(&app, &v, id.first(), d.decision, &d.reason, d.series).await?;
    Ok(Json(done.into_iter().map(Booking::from).collect()))
}

/// A facility's sharing rules (the defaults until its school sets them).
#[utoipa::path(get, path = "/facilities/{id}/rules", params(("id" = i64, Path)), responses((status = 200, body = RulesDoc), (status = 404)), tag = "bookings")]
async fn get_rules(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<SharingRules>> {
    let f = xuequ_app::registry::get::<records::Facility>(&app, &v, id.first()).await?;
    Ok(Json(bookings::rules_of(&app, v.county(), &f).await?))
}

/// Sets a facility's sharing rules: with whom, approval, notice, horizon, longest booking,
/// opening hours per weekday, capacity, weekly quota per school, blackouts.
#[utoipa::path(put, path = "/facilities/{id}/rules", params(("id" = i64, Path)), request_body = RulesDoc, responses((status = 200, body = RulesDoc), (status = 400), (status = 403), (status = 404)), tag = "bookings")]
async fn put_rules(State(app): State<App>, v: Viewer, id: Ids, Body(rules): Body<SharingRules>) -> ApiResult<Json<SharingRules>> {
    bookings::save_rules(&app, &v, id.first(), &rules).await?;
    Ok(Json(rules))
}

/// A message of the notification centre, worded in the caller's language.
#[derive(Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub text: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Notifications {
    pub unread: u64,
    pub items: Vec<Notification>,
}

/// The caller's newest messages (50) and how many are unread.
#[utoipa::path(get, path = "/notifications", responses((status = 200, body = Notifications)), tag = "notifications")]
async fn list_notifications(State(app): State<App>, v: Viewer) -> ApiResult<Json<Notifications>> {
    let tr = v.tr();
    let items = bookings::notifications(&app, &v, 50).await?;
    let people = xuequ_app::directory::people(&app, &v).await?;
    Ok(Json(Notifications {
        unread: bookings::unread(&app, &v).await?,
        items: items
            .into_iter()
            .map(|n| Notification {
                id: n.id,
                text: crate::i18n::notice_text(&tr, &n.kind, &n.args, &people),
                kind: n.kind,
                link: n.link,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ReadBody {
    /// One message; none marks them all read.
    pub id: Option<i64>,
}

/// Marks the caller's message (or all of them) read; answers how many changed.
#[utoipa::path(post, path = "/notifications/read", request_body = ReadBody, responses((status = 200, body = u64, content_type = "application/json", description = "how many were marked read")), tag = "notifications")]
async fn read_notifications(State(app): State<App>, v: Viewer, Body(b): Body<ReadBody>) -> ApiResult<Json<u64>> {
    Ok(Json(bookings::mark_read(&app, &v, b.id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// The school year by its first calendar year (2026 = 2026–2027).
    pub year: i32,
    /// A school's own closed days; none for the county's terms, holidays and exam weeks.
    pub school_id: Option<i64>,
}

/// A school year's calendar: `{"terms": [["2026-09-01", "2027-01-20"], …], "closures": [{"from", "to", "reason"}]}`.
#[utoipa::path(get, path = "/calendar", params(CalendarQuery), responses((status = 200, body = CalendarDoc)), tag = "bookings")]
async fn get_calendar(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<CalendarQuery>,
) -> ApiResult<Json<xuequ_domain::booking::SchoolCalendar>> {
    Ok(Json(bookings::stored_calendar(&app, &v, q.school_id, q.year).await?))
}

/// Sets a school year's calendar: the county's (the bureau) or a school's closed days (its admin).
#[utoipa::path(put, path = "/calendar", params(CalendarQuery), request_body = CalendarDoc, responses((status = 200, body = CalendarDoc), (status = 400), (status = 403)), tag = "bookings")]
async fn put_calendar(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<CalendarQuery>,
    Body(calendar): Body<xuequ_domain::booking::SchoolCalendar>,
) -> ApiResult<Json<xuequ_domain::booking::SchoolCalendar>> {
    bookings::save_calendar(&app, &v, q.school_id, q.year, &calendar).await?;
    Ok(Json(calendar))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BellsQuery {
    /// `primary` or `junior` (default: the school's stage).
    #[param(schema_with = codes::<Section>)]
    pub section: Option<Section>,
}

/// A school's bell schedule: `{"periods": [{"number": 1, "start": "08:00:00", "end": "08:40:00"}, …]}`.
#[utoipa::path(get, path = "/schools/{id}/bells", params(("id" = i64, Path), BellsQuery), responses((status = 200, body = BellsDoc), (status = 404)), tag = "bookings")]
async fn get_bells(
    State(app): State<App>,
    v: Viewer,
    id: Ids,
    Params(q): Params<BellsQuery>,
) -> ApiResult<Json<xuequ_domain::booking::BellSchedule>> {
    let school = xuequ_app::registry::get::<records::School>(&app, &v, id.first()).await?;
    Ok(Json(match q.section.map(|s| s.code()) {
        Some(section) => bookings::bells_for(&app, &v, school.id, section).await?,
        None => bookings::bells_of(&app, v.county(), school.id).await?,
    }))
}

/// Sets a school's bell schedule for a stage.
#[utoipa::path(put, path = "/schools/{id}/bells", params(("id" = i64, Path), BellsQuery), request_body = BellsDoc, responses((status = 200, body = BellsDoc), (status = 400), (status = 403), (status = 404)), tag = "bookings")]
async fn put_bells(
    State(app): State<App>,
    v: Viewer,
    id: Ids,
    Params(q): Params<BellsQuery>,
    Body(bells): Body<xuequ_domain::booking::BellSchedule>,
) -> ApiResult<Json<xuequ_domain::booking::BellSchedule>> {
    bookings::save_bells(&app, &v, id.first(), q.section.map_or("primary", |s| s.code()), &bells).await?;
    Ok(Json(bells))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// First day (default: 30 days ago).
    pub from: Option<NaiveDate>,
    /// Last day, inclusive (default: today); at most 400 days after `from`.
    pub to: Option<NaiveDate>,
    /// Only the facilities of this cluster's schools.
    pub cluster: Option<i64>,
}

/// Sharing figures: per facility hours open, used by its school and lent, with confirmed,
/// pending, declined and cancelled bookings; per school hours lent and borrowed.
#[utoipa::path(get, path = "/usage", params(UsageQuery), responses((status = 200, body = Object), (status = 400)), tag = "bookings")]
async fn get_usage(State(app): State<App>, v: Viewer, Params(q): Params<UsageQuery>) -> ApiResult<Json<bookings::Usage>> {
    let to = q.to.unwrap_or_else(xuequ_app::today);
    // Lazily, and never below the calendar's first day: `to` may be any date sent (checked in `usage`).
    let from = q.from.unwrap_or_else(|| to.checked_sub_signed(chrono::Duration::days(30)).unwrap_or(to));
    let schools = match q.cluster {
        Some(c) => Some(xuequ_app::clusters::school_ids(&app, &v, c).await?),
        None => None,
    };
    Ok(Json(bookings::usage(&app, &v, from, to, schools.as_deref()).await?))
}

/// A calendar feed of the caller (its address is given only when it is made).
#[derive(Serialize, ToSchema)]
pub struct Feed {
    pub id: i64,
    /// The facility it follows; none: the caller's own bookings.
    pub facility_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// `https://…/ical/TOKEN.ics` (only in the answer to its creation).
    pub url: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewFeed {
    pub facility_id: Option<i64>,
}

/// The caller's calendar feeds.
#[utoipa::path(get, path = "/feeds", params(PageParams), responses((status = 200, body = ListOf<Feed>)), tag = "bookings")]
async fn list_feeds(State(app): State<App>, v: Viewer, Params(p): Params<PageParams>) -> ApiResult<Json<ListOf<Feed>>> {
    let paging = p.paging()?;
    let feeds = bookings::feeds(&app, &v).await?;
    Ok(Json(ListOf::cut(
        feeds.into_iter().map(|f| Feed {
            id: f.id,
            facility_id: f.facility_id,
            created_at: f.created_at,
            revoked_at: f.revoked_at,
            url: None,
        }),
        paging,
    )))
}

/// A new secret iCalendar address (RFC 5545, `TZID=Asia/Shanghai`, repeats as RRULE with
/// EXDATE) of the caller's bookings or of one facility; calendar programs subscribe without a
/// session.
#[utoipa::path(post, path = "/feeds", request_body = NewFeed, responses((status = 201, body = Feed), (status = 404)), tag = "bookings")]
async fn create_feed(State(app): State<App>, v: Viewer, headers: axum::http::HeaderMap, Body(b): Body<NewFeed>) -> ApiResult<Response> {
    let (f, token) = bookings::create_feed(&app, &v, b.facility_id).await?;
    let url = crate::pages::feed_url(&headers, &token);
    let body = Feed { id: f.id, facility_id: f.facility_id, created_at: f.created_at, revoked_at: None, url: Some(url) };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Revokes one of the caller's feeds: its address answers 404 from then on.
#[utoipa::path(delete, path = "/feeds/{id}", params(("id" = i64, Path)), responses((status = 204), (status = 404)), tag = "bookings")]
async fn revoke_feed(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<StatusCode> {
    bookings::revoke_feed(&app, &v, id.first()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FreeQuery {
    /// Start (`2026-12-01T14:00:00+08:00`, or Beijing time `2026-12-01T14:00`).
    pub free_from: Moment,
    /// End, the same day.
    pub free_to: Moment,
    /// A facility kind (`lab`, `gym`, …).
    #[param(schema_with = codes::<FacilityKind>)]
    pub kind: Option<String>,
    /// Room for at least this many.
    pub capacity: Option<u32>,
    /// The borrowing school (default: the caller's).
    pub school_id: Option<i64>,
}

/// A facility the school may use and whether it can have the time asked.
#[derive(Serialize, ToSchema)]
pub struct FreeFacility {
    pub facility_id: i64,
    pub name: String,
    #[schema(schema_with = codes::<FacilityKind>)]
    pub kind: String,
    pub capacity: i32,
    pub school_id: i64,
    pub school: String,
    /// Kilometres from the borrowing school.
    pub km: Option<f64>,
    /// True when nothing holds the time and no rule stands in the way.
    pub free: bool,
    /// The booking that holds the time, if one does.
    pub taken_by: Option<i64>,
    pub problems: Vec<DateProblem>,
}

/// "What is free": the facilities the borrowing school may use (its own, its clusters', those
/// shared with the county), of the kind and size asked, nearest first, each free or not and why.
#[utoipa::path(get, path = "/facilities/free", params(FreeQuery, PageParams), responses((status = 200, body = ListOf<FreeFacility>)), tag = "bookings")]
async fn free_facilities(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<FreeQuery>,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<FreeFacility>>> {
    let paging = p.paging()?;
    let tr = v.tr();
    let query = bookings::FreeQuery {
        slot: xuequ_domain::booking::Slot { start: q.free_from.local(), end: q.free_to.local() },
        kind: q.kind,
        capacity: q.capacity,
        school_id: q.school_id,
    };
    let found = bookings::free(&app, &v, &query).await?;
    Ok(Json(ListOf::cut(
        found.into_iter().map(|f| FreeFacility {
            free: f.taken_by.is_none() && f.problems.is_empty(),
            taken_by: f.taken_by.map(|b| b.id),
            problems: f.problems.iter().map(|p| DateProblem { code: problem_code(p), message: tr.problem(p) }).collect(),
            facility_id: f.facility.id,
            name: f.facility.name,
            kind: f.facility.kind.to_string(),
            capacity: f.facility.capacity,
            school_id: f.facility.school_id,
            school: f.school,
            km: f.km,
        }),
        paging,
    )))
}

fn booking_decisions() -> utoipa::openapi::Object {
    one_of(&["approve", "decline", "cancel", "no_show", "attended"])
}

/// `[first, last]` lesson periods.
fn period_pair() -> utoipa::openapi::Array {
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder, schema::Type};
    let period = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(20));
    ArrayBuilder::new().items(period).min_items(Some(2)).max_items(Some(2)).build()
}

/// `HH:MM:SS`, a time of day.
const TIME_OF_DAY: &str = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$";

/// A school year's calendar (`xuequ_domain::booking::SchoolCalendar`, which the body is read into).
#[derive(ToSchema)]
#[schema(as = Calendar)]
#[allow(dead_code)] // documents the body
struct CalendarDoc {
    /// The terms, each `["first day", "last day"]`.
    #[schema(schema_with = day_pairs)]
    terms: Vec<Vec<NaiveDate>>,
    /// Days within the terms with no lending (holidays, exam weeks, a school's own closed days).
    closures: Vec<ClosureDoc>,
}

#[derive(ToSchema)]
#[schema(as = Closure)]
#[allow(dead_code)]
struct ClosureDoc {
    from: NaiveDate,
    to: NaiveDate,
    reason: String,
}

/// A school's lesson periods for one stage (`xuequ_domain::booking::BellSchedule`).
#[derive(ToSchema)]
#[schema(as = BellSchedule)]
#[allow(dead_code)]
struct BellsDoc {
    periods: Vec<PeriodDoc>,
}

#[derive(ToSchema)]
#[schema(as = Period)]
#[allow(dead_code)]
struct PeriodDoc {
    /// 第几节.
    #[schema(minimum = 0, maximum = 255)]
    number: u8,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$")]
    start: String,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$")]
    end: String,
}

/// How a school lends a facility (`xuequ_domain::booking::SharingRules`).
#[derive(ToSchema)]
#[schema(as = SharingRules)]
#[allow(dead_code)]
struct RulesDoc {
    /// With whom it is shared.
    #[schema(schema_with = codes::<ShareWith>)]
    share_with: String,
    /// Whether a booking waits for the owner's approval (待审批) or is confirmed at once.
    needs_approval: bool,
    /// Hours ahead a booking must be made at least.
    #[schema(maximum = 4_294_967_295_u64)]
    min_notice_hours: u32,
    /// Days ahead a booking may be made at most.
    #[schema(maximum = 4_294_967_295_u64)]
    horizon_days: u32,
    /// The longest single booking, in minutes.
    #[schema(maximum = 4_294_967_295_u64)]
    max_minutes: u32,
    /// Opening hours per weekday, Monday first: `["08:00:00", "17:30:00"]`, or `null` closed.
    #[schema(schema_with = opening_hours)]
    opening: Vec<Option<Vec<String>>>,
    /// Most people it holds.
    #[schema(maximum = 4_294_967_295_u64)]
    capacity: Option<u32>,
    /// Hours per week one borrowing school may book in all.
    weekly_quota_hours: Option<f64>,
    blackouts: Vec<BlackoutDoc>,
}

/// A time the facility is not lent: once, or every week.
#[derive(ToSchema, Deserialize)]
#[schema(as = Blackout)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(dead_code)]
enum BlackoutDoc {
    Once {
        slot: SlotDoc,
        reason: String,
    },
    Weekly {
        /// 1 = Monday.
        #[schema(minimum = 0, maximum = 255)]
        weekday: u8,
        #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$")]
        start: String,
        #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$")]
        end: String,
        reason: String,
    },
}

/// A stretch of local time, `YYYY-MM-DDTHH:MM:SS`.
#[derive(ToSchema, Deserialize)]
#[schema(as = Slot)]
#[allow(dead_code)]
struct SlotDoc {
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$")]
    start: String,
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$")]
    end: String,
}

/// `[["2026-09-01", "2027-01-20"], …]`.
fn day_pairs() -> utoipa::openapi::Array {
    use utoipa::openapi::schema::{KnownFormat, SchemaFormat, Type};
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder};
    let day = ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
    ArrayBuilder::new().items(ArrayBuilder::new().items(day).min_items(Some(2)).max_items(Some(2))).build()
}

/// Seven days, Monday first, each `["HH:MM:SS", "HH:MM:SS"]` or `null`.
fn opening_hours() -> utoipa::openapi::Array {
    use utoipa::openapi::schema::{SchemaType, Type};
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder};
    let time = ObjectBuilder::new().schema_type(Type::String).pattern(Some(TIME_OF_DAY));
    let day =
        ArrayBuilder::new().schema_type(SchemaType::from_iter([Type::Array, Type::Null])).items(time).min_items(Some(2)).max_items(Some(2));
    ArrayBuilder::new().items(day).min_items(Some(7)).max_items(Some(7)).build()
}
