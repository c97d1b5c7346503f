//! Facility sharing (场馆共享): checking and making bookings of another school's facilities, the
//! lending school's decisions, and what each person is told. Policy first, then the rules of the
//! domain, then the store, which alone guarantees that held slots never overlap.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::booking::rules::Asked;
use xuequ_domain::booking::{BellSchedule, BookingStatus, Repeat, ShareWith, SharingRules, Slot, expand, repeat, to_local, to_utc};
use xuequ_domain::{FieldProblem, Problem, SchoolType, Section, Status};
use xuequ_store::bookings::{BookingFilter, NewBooking, Notice, booking, collision};
use xuequ_store::entities::facility;

use crate::figures::{self, Unit};
use crate::{App, AppError, Caller, Result};

/// What a person asks for: a facility, when (start and end, or a date and lesson periods of the
/// lending school's bell schedule), what for, and how often.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Request {
    pub facility_id: i64,
    /// The borrowing school; by default the person's own.
    pub school_id: Option<i64>,
    pub start: Option<NaiveDateTime>,
    pub end: Option<NaiveDateTime>,
    pub date: Option<NaiveDate>,
    /// First and last lesson period (第5–6节 is `[5, 6]`).
    pub periods: Option<(u8, u8)>,
    #[serde(default)]
    pub purpose: String,
    /// The class or group (初二(3)班).
    #[serde(default)]
    pub group_name: String,
    pub attendees: Option<u32>,
    pub repeat: Option<Repeat>,
    /// Book the dates that pass and skip the others (after seeing them listed).
    #[serde(default)]
    pub keep_rest: bool,
}

/// One date of a request and every rule it breaks (none: it can be booked).
#[derive(Debug, Clone, Serialize)]
pub struct DateCheck {
    pub slot: Slot,
    pub problems: Vec<Problem>,
}

/// What a request made: its bookings, and the dates skipped with their reasons.
#[derive(Debug, Clone)]
pub struct Booked {
    pub bookings: Vec<booking::Model>,
    pub skipped: Vec<DateCheck>,
}

/// How the owner school decides, or how a party withdraws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Decline,
    Cancel,
    /// The lender marks a confirmed booking that has begun as one nobody came to.
    NoShow,
    /// The lender takes a no-show mark back (marked by mistake).
    Attended,
}

/// The rules of a facility: as its school set them, or the defaults from the registry (shared
/// in the cluster when marked shareable, its capacity).
pub async fn rules_of(app: &App, county: i64, f: &facility::Model) -> Result<SharingRules> {
    if let Some(rules) = app.store.facility_rules(county, f.id).await? {
        return Ok(rules);
    }
    Ok(default_rules(f))
}

/// The rules of a facility whose school has not set them: shared in its cluster when the
/// registry marks it shareable, its capacity, and the opening hours its free text gives when
/// that text reads (else school days 08:00–17:30; see [`hours_unread`]).
pub fn default_rules(f: &facility::Model) -> SharingRules {
    let d = SharingRules::default();
    SharingRules {
        share_with: if f.shareable { ShareWith::Cluster } else { ShareWith::Nobody },
        capacity: (f.capacity > 0).then_some(f.capacity as u32),
        opening: xuequ_domain::booking::rules::parse_opening(&f.open_hours).unwrap_or(d.opening),
        ..d
    }
}

/// Whether a facility's opening hours are still only free text that does not read (its
/// school should set them in the sharing rules).
pub fn hours_unread(f: &facility::Model) -> bool {
    !f.open_hours.trim().is_empty() && xuequ_domain::booking::rules::parse_opening(&f.open_hours).is_none()
}

/// Whether `school` may borrow from `owner` under `share_with`: the county, or a cluster they
/// are both in today.
pub async fn shared_with(app: &App, county: i64, share_with: ShareWith, owner: i64, school: i64) -> Result<bool> {
    Ok(match share_with {
        _ if owner == school => true,
        ShareWith::Nobody => false,
        ShareWith::County => true,
        ShareWith::Cluster => sharing(app, county).await?.mates.get(&owner).is_some_and(|m| m.contains(&school)),
    })
}

/// The bell schedule of a school: as it set it, or the common one of its stage.
pub async fn bells_of(app: &App, county: i64, school_id: i64) -> Result<BellSchedule> {
    let school = app.store.school(county, school_id).await?.ok_or(AppError::NotFound)?;
    let junior = school.school_type == SchoolType::Junior;
    let section = if junior { "junior" } else { "primary" };
    Ok(match app.store.bell_schedule(county, school_id, section).await? {
        Some(bells) => bells,
        None if junior => BellSchedule::junior(),
        None => BellSchedule::primary(),
    })
}

/// The facility, the borrowing school and the first slot of a request, or every problem of its
/// fields.
async fn read_request(app: &App, c: &Caller, r: &Request) -> Result<(facility::Model, i64, Slot)> {
    let county = c.county();
    let f = app.store.facility(county, r.facility_id).await?.filter(|f| f.status == Status::Active).ok_or(AppError::NotFound)?;
    let school = r.school_id.or(c.actor.school_id).ok_or_else(|| AppError::invalid("school_id", Problem::Required))?;
    c.require(Action::Create, Resource::Booking, &Target::school(county, school))?;
    let slot = match (r.start, r.end, r.date, r.periods) {
        (Some(start), Some(end), _, _) => Slot { start, end },
        (_, _, Some(date), Some((first, last))) => {
            let bells = bells_of(app, county, f.school_id).await?;
            let (a, b) = bells.span(first, last).ok_or_else(|| {
                AppError::invalid("periods", Problem::UnknownValue { value: format!("{first}–{last}"), allowed: periods_text(&bells) })
            })?;
            Slot { start: date.and_time(a), end: date.and_time(b) }
        }
        (None, _, None, _) => return Err(AppError::invalid("start", Problem::Required)),
        (Some(_), None, _, _) => return Err(AppError::invalid("end", Problem::Required)),
        (None, _, Some(_), None) => return Err(AppError::invalid("periods", Problem::Required)),
    };
    if let Some(repeat) = r.repeat
        && (repeat.every_weeks == 0 || repeat.every_weeks > 4)
    {
        let value = repeat.every_weeks.to_string();
        return Err(AppError::invalid("every_weeks", Problem::OutOfRange { value, min: "1".into(), max: "4".into() }));
    }
    Ok((f, school, slot))
}

fn periods_text(bells: &BellSchedule) -> String {
    bells.periods.first().zip(bells.periods.last()).map(|(a, b)| format!("{}–{}", a.number, b.number)).unwrap_or_default()
}

/// Every date of a request with the rules it breaks and the bookings it collides with.
pub async fn check(app: &App, c: &Caller, r: &Request) -> Result<Vec<DateCheck>> {
    let county = c.county();
    let (f, school, first) = read_request(app, c, r).await?;
    let rules = rules_of(app, county, &f).await?;
    let owner = f.school_id == school;
    if !shared_with(app, county, rules.share_with, f.school_id, school).await? {
        return Err(AppError::invalid("facility_id", Problem::NotShared));
    }
    let calendar = app.store.calendar(county, f.school_id).await?;
    let dates = expand(first, r.repeat, &calendar)
        .map_err(|count| AppError::invalid("repeat", Problem::TooManyDates { count, max: repeat::MAX_OCCURRENCES }))?;
    let now = to_local(Utc::now());
    let mut checks = Vec::with_capacity(dates.len());
    for d in dates {
        let slot = d.slot;
        let week = slot.week();
        let (week_from, week_to) = (
            to_utc(week.and_hms_opt(0, 0, 0).expect("midnight")),
            to_utc((week + chrono::Duration::days(7)).and_hms_opt(0, 0, 0).expect("midnight")),
        );
        // This request's earlier dates in the same week count towards the quota too.
        let earlier: i64 =
            checks.iter().filter(|x: &&DateCheck| x.problems.is_empty() && x.slot.week() == week).map(|x| x.slot.minutes()).sum();
        let used =
            if rules.weekly_quota_hours.is_some() { app.store.minutes_held(county, f.id, school, week_from, week_to).await? } else { 0 };
        let asked = Asked { now, calendar: &calendar, attendees: r.attendees, used_minutes_that_week: used + earlier, owner };
        let mut problems = rules.check(&slot, &asked);
        if slot.end > slot.start {
            for other in app.store.holding(county, f.id, to_utc(slot.start), to_utc(slot.end)).await? {
                let school = app.store.school(county, other.school_id).await?.map(|s| s.name).unwrap_or_default();
                problems.push(collision(&other, &school));
            }
        }
        checks.push(DateCheck { slot, problems });
    }
    Ok(checks)
}

/// Books a request: every date must pass, or with `keep_rest` those that pass are booked and
/// the others listed. The lending school's admins are told of a request that waits for them.
pub async fn book(app: &App, c: &Caller, r: &Request) -> Result<Booked> {
    let county = c.county();
    let checks = check(app, c, r).await?;
    let (good, bad): (Vec<DateCheck>, Vec<DateCheck>) = checks.into_iter().partition(|d| d.problems.is_empty());
    if good.is_empty() || (!bad.is_empty() && !r.keep_rest) {
        return Err(AppError::Dates(bad.into_iter().map(|d| (d.slot, d.problems)).collect()));
    }
    let (f, school, _) = read_request(app, c, r).await?;
    let rules = rules_of(app, county, &f).await?;
    let owner = f.school_id == school;
    let status = if rules.needs_approval && !owner { BookingStatus::Pending } else { BookingStatus::Confirmed };
    let new = NewBooking {
        facility_id: f.id,
        owner_school_id: f.school_id,
        school_id: school,
        requested_by: Some(c.actor.user_id),
        requested_by_name: c.username.clone(),
        slots: good.iter().map(|d| (to_utc(d.slot.start), to_utc(d.slot.end))).collect(),
        status,
        purpose: r.purpose.trim().chars().take(200).collect(),
        group_name: r.group_name.trim().chars().take(100).collect(),
        attendees: r.attendees.map(|a| a.min(100_000) as i32),
    };
    let bookings = app.store.create_bookings(&c.ctx(), &new).await?;
    if status == BookingStatus::Pending {
        let school_name = app.store.school(county, school).await?.map(|s| s.name).unwrap_or_default();
        let first = &bookings[0];
        let notice = Notice {
            user_ids: app.store.decider_ids(county, f.school_id).await?,
            kind: "booking-requested",
            args: serde_json::json!({"facility": f.name, "school": school_name, "when": xuequ_domain::booking::show(first.starts_at), "count": bookings.len()}),
            link: format!("/bookings/{}", first.id),
        };
        app.store.notify(county, &notice).await?;
    }
    Ok(Booked { bookings, skipped: bad })
}

/// The bookings the caller may see, narrowed by `filter`.
pub async fn list(app: &App, c: &Caller, mut filter: BookingFilter) -> Result<Vec<booking::Model>> {
    c.require(Action::Read, Resource::Booking, &Target::county(c.county()))?;
    filter.involving = match c.visibility(Resource::Booking) {
        xuequ_domain::access::Visibility::County => None,
        xuequ_domain::access::Visibility::Schools(ids) => Some(ids),
        xuequ_domain::access::Visibility::Nothing => Some(Vec::new()),
    };
    filter.limit = Some(filter.limit.unwrap_or(500).min(2_000));
    Ok(app.store.bookings(c.county(), &filter).await?)
}

/// One booking, if the caller may see it (another school's booking is not found).
pub async fn get(app: &App, c: &Caller, id: i64) -> Result<booking::Model> {
    let b = app.store.booking(c.county(), id).await?.ok_or(AppError::NotFound)?;
    if !list_visible(c, &b) {
        return Err(AppError::NotFound);
    }
    Ok(b)
}

/// Whether the caller may open this booking's page (it involves a school they see).
pub fn list_visible(c: &Caller, b: &booking::Model) -> bool {
    let visible = c.visibility(Resource::Booking);
    visible.includes(b.school_id) || visible.includes(b.owner_school_id)
}

/// Whether the caller may cancel this booking: who asked for it, their school's admin, the
/// lending side (the policy's `booking::may_cancel`).
pub fn may_cancel(c: &Caller, b: &booking::Model) -> bool {
    let parties = xuequ_domain::access::booking::Parties {
        county_id: b.county_id,
        school_id: b.school_id,
        owner_school_id: b.owner_school_id,
        requested_by: b.requested_by,
    };
    xuequ_domain::access::booking::may_cancel(&c.actor, &parties)
}

/// Approves, declines or cancels a booking (with `series`, every date of its series still
/// open), and tells the other side.
pub async fn decide(app: &App, c: &Caller, id: i64, decision: Decision, reason: &str, series: bool) -> Result<Vec<booking::Model>> {
    let county = c.county();
    let b = get(app, c, id).await?;
    let (from, to): (&[BookingStatus], BookingStatus) = match decision {
        Decision::Approve => (&[BookingStatus::Pending], BookingStatus::Confirmed),
        Decision::Decline => (&[BookingStatus::Pending], BookingStatus::Declined),
        Decision::Cancel => (&[BookingStatus::Pending, BookingStatus::Confirmed], BookingStatus::Cancelled),
        Decision::NoShow => (&[BookingStatus::Confirmed], BookingStatus::NoShow),
        Decision::Attended => (&[BookingStatus::NoShow], BookingStatus::Confirmed),
    };
    let lender = c.can(Action::Update, Resource::Booking, &Target::school(county, b.owner_school_id));
    let allowed = match decision {
        Decision::Approve | Decision::Decline | Decision::NoShow | Decision::Attended => lender,
        Decision::Cancel => may_cancel(c, &b),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    if decision == Decision::NoShow && b.starts_at > Utc::now() {
        return Err(AppError::invalid("decision", Problem::NotBegunYet { when: xuequ_domain::booking::show(b.starts_at) }));
    }
    // A no-show is a fact of one date, never of a series.
    let series = series && !matches!(decision, Decision::NoShow | Decision::Attended);
    let reason: String = reason.trim().chars().take(200).collect();
    if decision == Decision::Decline && reason.is_empty() {
        return Err(AppError::invalid("reason", Problem::Required));
    }
    let targets = match (series, b.series_id) {
        (true, Some(s)) => app
            .store
            .bookings(county, &BookingFilter { statuses: from.to_vec(), ..Default::default() })
            .await?
            .into_iter()
            .filter(|x| x.series_id == Some(s) && x.starts_at >= b.starts_at)
            .collect(),
        _ => vec![b.clone()],
    };
    let facility = app.store.facility(county, b.facility_id).await?.map(|f| f.name).unwrap_or_default();
    let mut done = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        // One notice for the whole decision, with the first date.
        let notice = (i == 0).then(|| {
            let to_requester = c.actor.user_id != t.requested_by.unwrap_or_default();
            let user_ids = if to_requester { t.requested_by.into_iter().collect() } else { Vec::new() };
            Notice {
                user_ids,
                kind: match decision {
                    Decision::Approve => "booking-approved",
                    Decision::Decline => "booking-declined",
                    Decision::Cancel => "booking-cancelled",
                    Decision::NoShow => "booking-no-show",
                    Decision::Attended => "booking-no-show-undone",
                },
                args: serde_json::json!({"facility": facility, "when": xuequ_domain::booking::show(t.starts_at), "count": targets.len(), "reason": reason, "by": c.username}),
                link: format!("/bookings/{}", t.id),
            }
        });
        done.push(app.store.decide_booking(&c.ctx(), t.id, from, to, &reason, notice).await?);
    }
    if matches!(decision, Decision::Approve | Decision::Decline | Decision::Cancel) {
        settle_request(app, &b).await?;
    }
    if decision == Decision::Cancel && b.status == BookingStatus::Pending && !lender {
        // The lender's inbox loses the request: tell its admins it was withdrawn.
        let notice = Notice {
            user_ids: app.store.decider_ids(county, b.owner_school_id).await?,
            kind: "booking-withdrawn",
            args: serde_json::json!({"facility": facility, "when": xuequ_domain::booking::show(b.starts_at), "count": done.len(), "by": c.username}),
            link: format!("/bookings/{}", b.id),
        };
        app.store.notify(county, &notice).await?;
    }
    Ok(done)
}

/// Once nothing of a request waits for a decision any more, the "待你审批" messages it left
/// with the lender's deciders are done for all of them, whoever decided. A request's message
/// points at its first booking (of a series, the first date).
async fn settle_request(app: &App, b: &booking::Model) -> Result<()> {
    let county = b.county_id;
    let first = match b.series_id {
        Some(s) => {
            let filter = BookingFilter { facility_id: Some(b.facility_id), school_id: Some(b.school_id), ..Default::default() };
            let series: Vec<booking::Model> =
                app.store.bookings(county, &filter).await?.into_iter().filter(|x| x.series_id == Some(s)).collect();
            if series.iter().any(|x| x.status == BookingStatus::Pending) {
                return Ok(());
            }
            series.iter().map(|x| x.id).min().unwrap_or(b.id)
        }
        None => b.id,
    };
    app.store.settle_notices(county, &["booking-requested"], &format!("/bookings/{first}"), None).await?;
    Ok(())
}

/// Whose calendar a schedule shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Facility(i64),
    /// What a school lends and borrows.
    School(i64),
    /// What the schools of a cluster lend and borrow.
    Cluster(i64),
}

/// One entry of a schedule; `visible` says whether the viewer may open it (a facility's
/// calendar shows every slot taken, but only the bookings of schools they see in full).
#[derive(Debug, Clone)]
pub struct Entry {
    pub booking: booking::Model,
    pub visible: bool,
}

/// The bookings of a facility, school or cluster on the days `[from, to]` that hold their slot
/// or were used (pending, confirmed, no-show), earliest first; at most 2,000.
pub async fn schedule(app: &App, c: &Caller, scope: Scope, from: NaiveDate, to: NaiveDate) -> Result<Vec<Entry>> {
    let county = c.county();
    if !xuequ_domain::booking::plausible(from) || !xuequ_domain::booking::plausible(to) {
        return Err(AppError::invalid(
            "date",
            Problem::OutOfRange { value: from.to_string(), min: "1900-01-01".into(), max: "2200-12-31".into() },
        ));
    }
    c.require(Action::Read, Resource::Booking, &Target::county(county))?;
    let mut filter = BookingFilter {
        from: Some(to_utc(from.and_hms_opt(0, 0, 0).expect("midnight"))),
        to: Some(to_utc(to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).expect("midnight"))),
        statuses: vec![BookingStatus::Pending, BookingStatus::Confirmed, BookingStatus::NoShow],
        limit: Some(2_000),
        ..Default::default()
    };
    match scope {
        Scope::Facility(id) => {
            crate::registry::get::<facility::Model>(app, c, id).await?;
            filter.facility_id = Some(id);
        }
        Scope::School(id) => {
            crate::registry::get::<xuequ_store::entities::school::Model>(app, c, id).await?;
            filter.involving = Some(vec![id]);
        }
        Scope::Cluster(id) => filter.involving = Some(crate::clusters::school_ids(app, c, id).await?),
    }
    let all = app.store.bookings(county, &filter).await?;
    Ok(all
        .into_iter()
        .map(|b| Entry { visible: list_visible(c, &b), booking: b })
        .filter(|e| e.visible || matches!(scope, Scope::Facility(_)))
        .collect())
}

/// Lets every request past its deadline expire (see `pending_deadline`); how many did.
pub async fn expire_overdue(app: &App) -> Result<usize> {
    Ok(app.store.expire_overdue(Utc::now()).await?)
}

/// Saves a facility's sharing rules (its school's admin, the cluster head, the bureau).
pub async fn save_rules(app: &App, c: &Caller, facility_id: i64, rules: &SharingRules) -> Result<()> {
    let f = app.store.facility(c.county(), facility_id).await?.ok_or(AppError::NotFound)?;
    c.require(Action::Update, Resource::Facility, &Target::school(c.county(), f.school_id))?;
    let mut problems = Vec::new();
    if rules.max_minutes == 0 || rules.max_minutes > 24 * 60 {
        problems.push(FieldProblem::new(
            "max_minutes",
            Problem::OutOfRange { value: rules.max_minutes.to_string(), min: "1".into(), max: "1440".into() },
        ));
    }
    if rules.horizon_days > 366 {
        problems.push(FieldProblem::new(
            "horizon_days",
            Problem::OutOfRange { value: rules.horizon_days.to_string(), min: "0".into(), max: "366".into() },
        ));
    }
    if rules.opening.iter().flatten().any(|(a, b)| a >= b) {
        problems.push(FieldProblem::new("opening", Problem::EndBeforeStart));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(app.store.save_facility_rules(&c.ctx(), facility_id, rules).await?)
}

/// The week (Monday first) that holds `day`.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - chrono::Duration::days(day.weekday().num_days_from_monday() as i64)
}

/// What a person looks for: a stretch of one day, a kind of facility, room for so many.
#[derive(Debug, Clone)]
pub struct FreeQuery {
    pub slot: Slot,
    pub kind: Option<String>,
    pub capacity: Option<u32>,
    /// The borrowing school (by default the person's own); distances are from it.
    pub school_id: Option<i64>,
}

/// The booking that holds a slot, as "what is free" shows it.
#[derive(Debug, Clone)]
pub struct Holder {
    pub id: i64,
    pub school_id: i64,
    pub status: String,
}

/// A facility the school may use, and whether it can have the slot.
#[derive(Debug, Clone)]
pub struct FreeFacility {
    pub facility: facility::Model,
    pub school: String,
    /// Kilometres from the borrowing school, when both have a location.
    pub km: Option<f64>,
    /// A booking holding the slot, if one does.
    pub taken_by: Option<Holder>,
    /// The rules the slot breaks (none: it can be booked).
    pub problems: Vec<Problem>,
}

/// What "what is free" reads besides bookings, kept in memory while the county's facilities,
/// rules, calendars and schools stay as they are (see `Store::sharing_version`).
pub struct Sharing {
    facilities: Vec<(facility::Model, SharingRules)>,
    schools: std::collections::HashMap<i64, xuequ_store::entities::school::Model>,
    county_calendar: xuequ_domain::booking::SchoolCalendar,
    calendars: std::collections::HashMap<i64, xuequ_domain::booking::SchoolCalendar>,
    /// School → the schools it shares a cluster with today (itself included).
    mates: std::collections::HashMap<i64, Vec<i64>>,
}

async fn sharing(app: &App, county: i64) -> Result<std::sync::Arc<Sharing>> {
    // Membership has dates: who is a mate changes at midnight too.
    let version = app.store.sharing_version(county).await? ^ i64::from(crate::today().num_days_from_ce());
    if let Some(hit) = app.derived.sharing.get(&county, version) {
        return Ok(hit);
    }
    let rules = app.store.all_facility_rules(county).await?;
    let facilities = app
        .store
        .active_facilities(county)
        .await?
        .into_iter()
        .map(|f| {
            let r = rules.get(&f.id).cloned().unwrap_or_else(|| default_rules(&f));
            (f, r)
        })
        .collect();
    let schools = app.store.all_schools(county).await?.into_iter().map(|s| (s.id, s)).collect();
    let (county_calendar, calendars) = app.store.calendars(county).await?;
    let mut mates: std::collections::HashMap<i64, Vec<i64>> = Default::default();
    for cluster in app.store.all_clusters(county).await?.into_iter().filter(|c| c.status == xuequ_domain::Status::Active) {
        let members = app.store.cluster_school_ids(county, cluster.id).await?;
        for m in &members {
            mates.entry(*m).or_default().extend(members.iter().copied());
        }
    }
    let fresh = std::sync::Arc::new(Sharing { facilities, schools, county_calendar, calendars, mates });
    app.derived.sharing.put(county, version, fresh.clone());
    Ok(fresh)
}

/// "Which labs of my cluster are free on Tuesday, periods 5–6?": every active facility the
/// borrowing school may use (its own, its clusters', the county's shared ones), of the kind and
/// size asked, nearest first, each with the booking that holds the slot or the rules it breaks.
/// Facilities, rules, schools and calendars come from memory; per request only the bookings
/// that hold the slot are read.
pub async fn free(app: &App, c: &Caller, q: &FreeQuery) -> Result<Vec<FreeFacility>> {
    let county = c.county();
    let school = q.school_id.or(c.actor.school_id);
    c.require(Action::Read, Resource::Booking, &Target::county(county))?;
    let data = sharing(app, county).await?;
    let no_mates = Vec::new();
    let mates = school.and_then(|s| data.mates.get(&s)).unwrap_or(&no_mates);
    let held: std::collections::HashMap<i64, Holder> = app
        .store
        .holders_in_county(county, to_utc(q.slot.start), to_utc(q.slot.end))
        .await?
        .into_iter()
        .map(|(id, facility, school_id, status)| (facility, Holder { id, school_id, status }))
        .collect();
    let now = to_local(Utc::now());
    let home = school.and_then(|s| data.schools.get(&s)).and_then(|s| s.latitude.zip(s.longitude));
    let mut out = Vec::new();
    for (f, r) in &data.facilities {
        if q.kind.as_deref().is_some_and(|k| !k.is_empty() && k != f.kind.code())
            || q.capacity.is_some_and(|n| (f.capacity.max(0) as u32) < n)
        {
            continue;
        }
        let own = school == Some(f.school_id);
        let shared = own
            || match r.share_with {
                ShareWith::Nobody => false,
                ShareWith::County => true,
                ShareWith::Cluster => mates.contains(&f.school_id),
            };
        if !shared && school.is_some() {
            continue;
        }
        let calendar = data.calendars.get(&f.school_id).unwrap_or(&data.county_calendar);
        let asked = Asked { now, calendar, attendees: q.capacity, used_minutes_that_week: 0, owner: own };
        let owner = data.schools.get(&f.school_id);
        let km = home.zip(owner.and_then(|s| s.latitude.zip(s.longitude))).map(|(a, b)| xuequ_plan::metric::haversine_km(a, b));
        out.push(FreeFacility {
            school: owner.map(|s| s.name.clone()).unwrap_or_default(),
            km,
            taken_by: held.get(&f.id).cloned(),
            problems: r.check(&q.slot, &asked),
            facility: f.clone(),
        });
    }
    out.sort_by(|a, b| a.km.unwrap_or(f64::MAX).total_cmp(&b.km.unwrap_or(f64::MAX)).then(a.facility.id.cmp(&b.facility.id)));
    Ok(out)
}

/// The calendar of a school year as stored: the county's (no school) or a school's own closed
/// days; empty when not set.
pub async fn stored_calendar(app: &App, c: &Caller, school_id: Option<i64>, year: i32) -> Result<xuequ_domain::booking::SchoolCalendar> {
    c.require(Action::Read, Resource::Booking, &Target::county(c.county()))?;
    Ok(app.store.stored_calendar(c.county(), school_id, year).await?.unwrap_or_default())
}

/// Sets a school year's calendar: the county's terms, holidays and exam weeks (the bureau), or a
/// school's own closed days (its admin; a school's terms are the county's).
pub async fn save_calendar(
    app: &App,
    c: &Caller,
    school_id: Option<i64>,
    year: i32,
    calendar: &xuequ_domain::booking::SchoolCalendar,
) -> Result<()> {
    let county = c.county();
    match school_id {
        None => c.require(Action::Create, Resource::School, &Target::county(county))?,
        Some(s) => {
            app.store.school(county, s).await?.ok_or(AppError::NotFound)?;
            c.require(Action::Update, Resource::School, &Target::school(county, s))?;
        }
    }
    let mut problems = Vec::new();
    if !(2000..=2100).contains(&year) {
        problems.push(FieldProblem::new("year", Problem::OutOfRange { value: year.to_string(), min: "2000".into(), max: "2100".into() }));
    }
    if calendar.terms.iter().any(|(a, b)| a > b) {
        problems.push(FieldProblem::new("terms", Problem::EndBeforeStart));
    }
    if school_id.is_some() && !calendar.terms.is_empty() {
        problems.push(FieldProblem::new("terms", Problem::OutOfScope));
    }
    if calendar.closures.iter().any(|x| x.from > x.to) {
        problems.push(FieldProblem::new("closures", Problem::EndBeforeStart));
    }
    if calendar.closures.iter().any(|x| x.reason.trim().is_empty() || x.reason.chars().count() > 50) {
        problems.push(FieldProblem::new("closures", Problem::Required));
    }
    if calendar.terms.len() > 4 || calendar.closures.len() > 200 {
        problems.push(FieldProblem::new("closures", Problem::TooLong { max: 200 }));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(app.store.save_calendar(&c.ctx(), school_id, year, calendar).await?)
}

/// Sets a school's bell schedule for one stage (its admin, the cluster head, the bureau).
pub async fn save_bells(app: &App, c: &Caller, school_id: i64, section: &str, bells: &BellSchedule) -> Result<()> {
    let county = c.county();
    app.store.school(county, school_id).await?.ok_or(AppError::NotFound)?;
    c.require(Action::Update, Resource::Facility, &Target::school(county, school_id))?;
    let Some(stage) = Section::ALL.iter().copied().find(|s| s.code() == section) else {
        return Err(AppError::invalid(
            "section",
            Problem::UnknownValue { value: section.chars().take(20).collect(), allowed: "primary, junior".into() },
        ));
    };
    if bells.periods.is_empty() || bells.periods.len() > 12 || !bells.is_well_formed() {
        return Err(AppError::invalid("periods", Problem::EndBeforeStart));
    }
    Ok(app.store.save_bell_schedule(&c.ctx(), school_id, stage, bells).await?)
}

/// How much one facility was used over a stretch of days.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FacilityUsage {
    pub facility_id: i64,
    pub school_id: i64,
    /// Hours it was open on school days (its opening hours, less holidays and closed days).
    pub hours_open: f64,
    /// Hours confirmed for its own school.
    pub hours_owner: f64,
    /// Hours confirmed for other schools (lent).
    pub hours_lent: f64,
    pub confirmed: usize,
    pub pending: usize,
    pub declined: usize,
    pub cancelled: usize,
    /// Requests nobody decided in time.
    pub expired: usize,
    /// Confirmed bookings nobody came to (their hours count as neither used nor lent).
    pub no_show: usize,
}

impl FacilityUsage {
    fn merge(&mut self, o: &FacilityUsage) {
        self.hours_open += o.hours_open;
        self.hours_owner += o.hours_owner;
        self.hours_lent += o.hours_lent;
        self.confirmed += o.confirmed;
        self.pending += o.pending;
        self.declined += o.declined;
        self.cancelled += o.cancelled;
        self.expired += o.expired;
        self.no_show += o.no_show;
    }
}

/// The sharing figures of a stretch of days: per facility, and per school what it lent and
/// borrowed (hours of confirmed bookings across schools). What the cluster evaluation reads.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Usage {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub facilities: Vec<FacilityUsage>,
    /// School id → hours lent to other schools.
    pub lent: std::collections::BTreeMap<i64, f64>,
    /// School id → hours borrowed from other schools.
    pub borrowed: std::collections::BTreeMap<i64, f64>,
    /// Month (`2026-09`) → the figures of the bookings starting in it.
    pub months: std::collections::BTreeMap<String, Totals>,
}

/// The figures of a group of facilities (a school's, a cluster's, a month's bookings).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Totals {
    pub hours_open: f64,
    pub hours_owner: f64,
    pub hours_lent: f64,
    /// Hours the group's schools borrowed from other schools (those of the group included).
    pub hours_borrowed: f64,
    pub confirmed: usize,
    pub declined: usize,
    pub cancelled: usize,
    pub expired: usize,
    pub no_show: usize,
}

impl Totals {
    /// Share of the open hours that were used (by the owner or lent), 0–1.
    pub fn use_rate(&self) -> f64 {
        if self.hours_open > 0.0 { (self.hours_owner + self.hours_lent) / self.hours_open } else { 0.0 }
    }

    fn add(&mut self, f: &FacilityUsage) {
        self.hours_open += f.hours_open;
        self.hours_owner += f.hours_owner;
        self.hours_lent += f.hours_lent;
        self.confirmed += f.confirmed;
        self.declined += f.declined;
        self.cancelled += f.cancelled;
        self.expired += f.expired;
        self.no_show += f.no_show;
    }
}

impl Usage {
    /// The figures of a group of schools — a cluster, for its evaluation: their facilities'
    /// hours and outcomes, what they lent to anyone, and what they borrowed.
    pub fn of_schools(&self, schools: &[i64]) -> Totals {
        let mut t = Totals::default();
        for f in self.facilities.iter().filter(|f| schools.contains(&f.school_id)) {
            t.add(f);
        }
        t.hours_borrowed = schools.iter().filter_map(|s| self.borrowed.get(s)).sum();
        t
    }
}

/// Sharing figures from `from` to `to` (inclusive) for the facilities of `schools` (none: every
/// school the caller sees).
pub async fn usage(app: &App, c: &Caller, from: NaiveDate, to: NaiveDate, schools: Option<&[i64]>) -> Result<Usage> {
    let county = c.county();
    c.require(Action::Read, Resource::Booking, &Target::county(county))?;
    for (field, day) in [("from", from), ("to", to)] {
        if !xuequ_domain::booking::plausible(day) {
            return Err(AppError::invalid(
                field,
                Problem::OutOfRange { value: day.to_string(), min: "1900-01-01".into(), max: "2200-12-31".into() },
            ));
        }
    }
    if to < from || (to - from).num_days() > 400 {
        return Err(AppError::invalid(
            "to",
            Problem::OutOfRange { value: to.to_string(), min: from.to_string(), max: (from + chrono::Duration::days(400)).to_string() },
        ));
    }
    let visible = c.visibility(Resource::Booking);
    let wanted = |s: i64| visible.includes(s) && schools.is_none_or(|list| list.contains(&s));
    let facilities: Vec<facility::Model> = app.store.active_facilities(county).await?.into_iter().filter(|f| wanted(f.school_id)).collect();
    let start = to_utc(from.and_hms_opt(0, 0, 0).expect("midnight"));
    let end = to_utc(to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).expect("midnight"));
    let all = app.store.bookings(county, &BookingFilter { from: Some(start), to: Some(end), ..Default::default() }).await?;
    let mut usage = Usage { from, to, ..Default::default() };
    let mut calendars: std::collections::HashMap<i64, xuequ_domain::booking::SchoolCalendar> = Default::default();
    for f in &facilities {
        let rules = rules_of(app, county, f).await?;
        if let std::collections::hash_map::Entry::Vacant(e) = calendars.entry(f.school_id) {
            e.insert(app.store.calendar(county, f.school_id).await?);
        }
        let calendar = &calendars[&f.school_id];
        let mut u = FacilityUsage { facility_id: f.id, school_id: f.school_id, ..Default::default() };
        let mut day = from;
        while day <= to {
            if let (None, Some((open, close))) = (calendar.day_off(day), rules.opening[day.weekday().num_days_from_monday() as usize]) {
                let hours = (close - open).num_minutes() as f64 / 60.0;
                u.hours_open += hours;
                usage.months.entry(day.format("%Y-%m").to_string()).or_default().hours_open += hours;
            }
            day += chrono::Duration::days(1);
        }
        for b in all.iter().filter(|b| b.facility_id == f.id) {
            let hours = (b.ends_at - b.starts_at).num_minutes() as f64 / 60.0;
            let mut one = FacilityUsage::default();
            match b.status {
                BookingStatus::Confirmed if b.school_id == f.school_id => {
                    one.hours_owner += hours;
                    one.confirmed += 1;
                }
                BookingStatus::Confirmed => {
                    one.hours_lent += hours;
                    one.confirmed += 1;
                    *usage.lent.entry(f.school_id).or_default() += hours;
                    *usage.borrowed.entry(b.school_id).or_default() += hours;
                }
                BookingStatus::Pending => one.pending += 1,
                BookingStatus::Declined => one.declined += 1,
                BookingStatus::Cancelled => one.cancelled += 1,
                BookingStatus::Expired => one.expired += 1,
                BookingStatus::NoShow => one.no_show += 1,
            }
            usage.months.entry(to_local(b.starts_at).format("%Y-%m").to_string()).or_default().add(&one);
            u.merge(&one);
        }
        usage.facilities.push(u);
    }
    Ok(usage)
}

/// One event of a calendar feed: a booking, or a series of them as one repeating event.
#[derive(Debug, Clone)]
pub struct FeedEvent {
    /// The first booking's id (stable, for the event's UID).
    pub id: i64,
    pub facility: String,
    pub owner: String,
    pub school: String,
    pub purpose: String,
    pub status: String,
    /// Local start of the first date, and how long each date lasts.
    pub start: NaiveDateTime,
    pub minutes: i64,
    /// Every date's local start (for a series that is not weekly, each is its own event).
    pub starts: Vec<NaiveDateTime>,
    pub rule: Option<xuequ_domain::booking::WeeklyRule>,
}

/// A feed's token, its owner and the owner's rights as they are today (a revoked token or a
/// disabled owner finds nothing).
pub async fn feed_owner(
    app: &App,
    token: &str,
) -> Result<(xuequ_store::bookings::feed_token::Model, xuequ_store::entities::user::Model, Caller)> {
    let found = app.store.feed_by_token(token).await?.ok_or(AppError::NotFound)?;
    let user = app.store.user(found.county_id, found.user_id).await?.filter(|u| !u.disabled).ok_or(AppError::NotFound)?;
    let c = crate::accounts::caller_of(app, &user).await?;
    Ok((found, user, c))
}

/// A new secret feed address for the caller's bookings, or for one facility they can see.
pub async fn create_feed(app: &App, c: &Caller, facility_id: Option<i64>) -> Result<(xuequ_store::bookings::feed_token::Model, String)> {
    c.require(Action::Read, Resource::Booking, &Target::county(c.county()))?;
    if let Some(f) = facility_id {
        crate::registry::get::<facility::Model>(app, c, f).await?;
    }
    Ok(app.store.create_feed(&c.ctx(), c.actor.user_id, facility_id).await?)
}

/// The events of a feed, read with its owner's rights as they are today: the bookings that
/// hold a slot (pending and confirmed), from 30 days ago to a year ahead. A revoked token, or
/// a disabled owner, finds nothing.
pub async fn feed(app: &App, token: &str) -> Result<(String, Vec<FeedEvent>)> {
    let (found, user, c) = feed_owner(app, token).await?;
    let now = Utc::now();
    let filter = BookingFilter {
        facility_id: found.facility_id,
        school_id: if found.facility_id.is_none() { c.actor.school_id } else { None },
        from: Some(now - chrono::Duration::days(30)),
        to: Some(now + chrono::Duration::days(366)),
        statuses: vec![BookingStatus::Pending, BookingStatus::Confirmed],
        limit: Some(2_000),
        ..Default::default()
    };
    let list = list(app, &c, filter).await?;
    let county = c.county();
    let schools: std::collections::HashMap<i64, String> =
        app.store.all_schools(county).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let facilities: std::collections::HashMap<i64, String> =
        app.store.active_facilities(county).await?.into_iter().map(|f| (f.id, f.name)).collect();
    let title = match found.facility_id {
        Some(f) => facilities.get(&f).cloned().unwrap_or_default(),
        None => user.display_name.clone(),
    };
    let mut groups: std::collections::BTreeMap<i64, Vec<&booking::Model>> = Default::default();
    for b in &list {
        groups.entry(b.series_id.unwrap_or(b.id)).or_default().push(b);
    }
    let events = groups
        .into_values()
        .map(|mut g| {
            g.sort_by_key(|b| b.starts_at);
            let first = g[0];
            let starts: Vec<NaiveDateTime> = g.iter().map(|b| to_local(b.starts_at)).collect();
            FeedEvent {
                id: first.id,
                facility: facilities.get(&first.facility_id).cloned().unwrap_or_default(),
                owner: schools.get(&first.owner_school_id).cloned().unwrap_or_default(),
                school: schools.get(&first.school_id).cloned().unwrap_or_default(),
                purpose: first.purpose.clone(),
                status: first.status.to_string(),
                start: starts[0],
                minutes: (first.ends_at - first.starts_at).num_minutes(),
                rule: xuequ_domain::booking::weekly_rule(&starts),
                starts,
            }
        })
        .collect();
    Ok((title, events))
}

/// The requests waiting for the caller's decision (their school owns the facility), oldest
/// first; `None` when the caller decides for no school.
pub async fn inbox(app: &App, c: &Caller) -> Result<Option<Vec<booking::Model>>> {
    let county = c.county();
    let decides = |school: i64| c.can(Action::Update, Resource::Booking, &Target::school(county, school));
    let schools = app.store.all_schools(county).await?;
    if !schools.iter().any(|s| decides(s.id)) {
        return Ok(None);
    }
    let pending = list(app, c, BookingFilter { statuses: vec![BookingStatus::Pending], ..Default::default() }).await?;
    Ok(Some(pending.into_iter().filter(|b| decides(b.owner_school_id)).collect()))
}

// ---- the caller's own notices and feeds ----

/// The caller's newest notifications.
pub async fn notifications(app: &App, c: &Caller, limit: u64) -> Result<Vec<crate::records::Notification>> {
    Ok(app.store.notifications(c.county(), c.actor.user_id, limit).await?)
}

/// How many of the caller's notifications are unread (the bell's number).
pub async fn unread(app: &App, c: &Caller) -> Result<u64> {
    Ok(app.store.unread_count(c.county(), c.actor.user_id).await?)
}

/// Marks one of the caller's notifications read, or all of them (`None`); how many changed.
pub async fn mark_read(app: &App, c: &Caller, id: Option<i64>) -> Result<u64> {
    Ok(app.store.mark_read(c.county(), c.actor.user_id, id).await?)
}

/// The caller's calendar feed addresses, revoked ones too.
pub async fn feeds(app: &App, c: &Caller) -> Result<Vec<crate::records::Feed>> {
    Ok(app.store.feeds(c.county(), c.actor.user_id).await?)
}

/// Revokes one of the caller's feeds; not found when it is not theirs.
pub async fn revoke_feed(app: &App, c: &Caller, id: i64) -> Result<()> {
    if app.store.revoke_feed(c.county(), c.actor.user_id, id).await? { Ok(()) } else { Err(AppError::NotFound) }
}

/// A school's bell schedule for a stage as it set it, or the common one of that stage.
pub async fn bells_for(app: &App, c: &Caller, school_id: i64, section: &str) -> Result<BellSchedule> {
    Ok(match app.store.bell_schedule(c.county(), school_id, section).await? {
        Some(bells) => bells,
        None if section == "junior" => BellSchedule::junior(),
        None => BellSchedule::primary(),
    })
}

/// The closed days that apply to a school (the county's and its own), or the county's alone.
pub async fn calendar_of(app: &App, c: &Caller, school_id: Option<i64>) -> Result<xuequ_domain::booking::SchoolCalendar> {
    Ok(match school_id {
        Some(s) => app.store.calendar(c.county(), s).await?,
        None => app.store.calendars(c.county()).await?.0,
    })
}

/// The sharing figures of facilities (场地共享) over a school year: hours lent to and borrowed
/// from other schools, and the share of the open hours used.
pub(crate) static FIGURES: figures::Provider = figures::Provider {
    figures: &[
        figure("sharing.hours_lent", Unit::Hours),
        figure("sharing.hours_borrowed", Unit::Hours),
        figure("sharing.use_rate", Unit::Percent),
    ],
    compute: |app, c, year, scopes| Box::pin(sharing_figures(app, c, year, scopes)),
};

const fn figure(key: &'static str, unit: Unit) -> figures::Figure {
    figures::Figure {
        key,
        unit,
        higher_is_better: true,
        scopes: &[figures::ScopeKind::County, figures::ScopeKind::Cluster, figures::ScopeKind::School],
        period: figures::Period::SchoolYear,
        source: figures::Source::Bookings,
    }
}

/// The first and last day of the school year starting in `year`.
pub(crate) fn school_year(year: i32) -> (NaiveDate, NaiveDate) {
    (NaiveDate::from_ymd_opt(year, 9, 1).expect("1 September"), NaiveDate::from_ymd_opt(year + 1, 8, 31).expect("31 August"))
}

async fn sharing_figures(app: &App, c: &Caller, year: i32, scopes: &[figures::Scope]) -> Result<figures::Values> {
    let (from, to) = school_year(year);
    let usage = usage(app, c, from, to, None).await?;
    let clusters = crate::running::Clusters::load(app, c.county()).await?;
    let all: std::collections::BTreeSet<i64> = usage.facilities.iter().map(|f| f.school_id).chain(usage.borrowed.keys().copied()).collect();
    let mut out = figures::Values::new();
    for scope in scopes {
        let schools: Vec<i64> = match *scope {
            figures::Scope::County => all.iter().copied().collect(),
            figures::Scope::Cluster(id) => clusters.schools(id).to_vec(),
            figures::Scope::School(id) => vec![id],
        };
        let totals = usage.of_schools(&schools);
        // (`+ 0.0`: a sum of nothing is −0.0.)
        out.insert((*scope, "sharing.hours_lent"), totals.hours_lent + 0.0);
        out.insert((*scope, "sharing.hours_borrowed"), totals.hours_borrowed + 0.0);
        figures::put(&mut out, *scope, "sharing.use_rate", (totals.hours_open > 0.0).then(|| totals.use_rate() * 100.0));
    }
    Ok(out)
}
