//! Activities: scheduling, the list and calendar a person sees, sign-up and assignment,
//! check-in by the code shown at the venue or by the organiser's hand, the record afterwards
//! and the attendees' reviews.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use rand::RngCore;
use xuequ_domain::access::Visibility;
use xuequ_domain::access::running::{self as policy, Held};
use xuequ_domain::activity::{ActivityKind, ActivityStatus, AttendeeOrigin, CheckIn, checkin, hours};
use xuequ_domain::booking::{to_local, to_utc};
use xuequ_domain::running::AttachmentOwner;
use xuequ_domain::{FieldProblem, Problem, Role, Status, Subject};
use xuequ_store::entities::{activity, activity_attendee, activity_review, running_file, teacher};
use xuequ_store::running::activities::{ActivityFields, ActivityFilter, Going};

use super::{Clusters, text};
use crate::{App, AppError, Caller, Result};

/// The longest activity (a study tour of two weeks).
const MAX_DAYS: i64 = 14;
/// Most activities listed at once (a county's year fits).
const MAX_LISTED: u64 = 10_000;

/// An activity as a person schedules or changes it; times are local (Beijing).
#[derive(Debug, Clone, Default)]
pub struct ActivityInput {
    pub cluster_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub host_school_id: Option<i64>,
    pub place: String,
    pub facility_id: Option<i64>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub subject: String,
    pub grade: i32,
    pub capacity: Option<i32>,
    pub signup_deadline: Option<NaiveDateTime>,
    /// Training hours credited, as written (`3`, `1.5`); empty: whole half hours of its length.
    pub hours: String,
    pub invited: Vec<i64>,
}

/// An activity with what the list shows of it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub activity: activity::Model,
    pub kind: ActivityKind,
    pub host: String,
    pub cluster: String,
    pub going: i64,
    pub present: i64,
    /// Whether the caller's teacher record is on its list, and came.
    pub mine: Option<bool>,
}

/// Which activities to list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub cluster_id: Option<i64>,
    pub school_id: Option<i64>,
    pub kind: Option<ActivityKind>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only those the caller's teacher record is on.
    pub mine: bool,
}

/// An attendee with names.
#[derive(Debug, Clone)]
pub struct Attendee {
    pub row: activity_attendee::Model,
    pub name: String,
    pub staff_no: String,
    pub school: String,
}

/// Everything the activity's page shows the caller.
#[derive(Debug, Clone)]
pub struct Detail {
    pub listed: Listed,
    pub invited: Vec<(i64, String)>,
    pub open_to: Vec<i64>,
    pub facility: Option<String>,
    /// Where its room's booking stands (pending the owner's approval, confirmed, declined …).
    pub room: Option<xuequ_domain::booking::BookingStatus>,
    /// The attendees the caller sees (all for those who manage it, their own school's for a
    /// principal, none for a teacher).
    pub attendees: Vec<Attendee>,
    pub me: Option<activity_attendee::Model>,
    pub my_teacher: Option<teacher::Model>,
    pub may_manage: bool,
    pub may_assign: bool,
    pub signup_open: bool,
    pub checkin_open: bool,
    pub files: Vec<running_file::Model>,
    pub reviews: Vec<activity_review::Model>,
    pub my_review: Option<activity_review::Model>,
    pub stars: Option<(i64, usize)>,
}

/// The check-in code shown at the venue, with how long it stays the one shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Code {
    pub code: String,
    pub seconds_left: i64,
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
    pub open: bool,
}

fn held(a: &activity::Model, invited: &[i64], clusters: &Clusters) -> Held {
    let mut open_to: Vec<i64> = a.cluster_id.map(|k| clusters.schools(k).to_vec()).unwrap_or_default();
    open_to.push(a.host_school_id);
    open_to.extend_from_slice(invited);
    open_to.sort_unstable();
    open_to.dedup();
    Held { county_id: a.county_id, cluster_id: a.cluster_id, host_school_id: a.host_school_id, organiser_id: a.organiser_id, open_to }
}

/// An activity of the caller's county they may see, with its invitations and policy view.
async fn visible(app: &App, c: &Caller, id: i64) -> Result<(activity::Model, Vec<i64>, Held, Clusters)> {
    let county = c.county();
    let a = app.store.activity(county, id).await?.ok_or(AppError::NotFound)?;
    let invited = app.store.invites(county, &[id]).await?.remove(&id).unwrap_or_default();
    let clusters = Clusters::load(app, county).await?;
    let h = held(&a, &invited, &clusters);
    if !policy::may_see(&c.actor, &h) {
        return Err(AppError::NotFound);
    }
    Ok((a, invited, h, clusters))
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Checks an input against every rule; the fields for the store, or every problem by field.
async fn fields(app: &App, c: &Caller, input: &ActivityInput, clusters: &Clusters) -> Result<ActivityFields> {
    let county = c.county();
    let mut problems = Vec::new();
    // A cluster head schedules for the cluster they head unless they name it; everyone but the
    // bureau schedules for a cluster, and is told so rather than refused without a word.
    let cluster_id = input.cluster_id.or(if c.actor.role == Role::ClusterHead { c.actor.cluster_id } else { None });
    if cluster_id.is_none() && c.actor.role != Role::BureauAdmin && policy::may_schedule_some(&c.actor) {
        problems.push(FieldProblem::new("cluster_id", Problem::Required));
    }
    let title = text("title", &input.title, true, 100, &mut problems);
    let description = text("description", &input.description, false, 5_000, &mut problems);
    let place = text("place", &input.place, false, 100, &mut problems);
    let kind = ActivityKind::parse(&input.kind);
    if kind.is_none() {
        problems.push(FieldProblem::new(
            "kind",
            Problem::UnknownValue {
                value: input.kind.chars().take(40).collect(),
                allowed: ActivityKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>().join(", "),
            },
        ));
    }
    let subject = input.subject.trim();
    if !subject.is_empty() && Subject::parse(subject).is_none() {
        problems.push(FieldProblem::new(
            "subject",
            Problem::UnknownValue {
                value: subject.chars().take(40).collect(),
                allowed: Subject::ALL.iter().map(|s| s.code()).collect::<Vec<_>>().join(", "),
            },
        ));
    }
    if !(0..=12).contains(&input.grade) {
        problems
            .push(FieldProblem::new("grade", Problem::OutOfRange { value: input.grade.to_string(), min: "0".into(), max: "12".into() }));
    }
    if let Some(cap) = input.capacity
        && !(1..=10_000).contains(&cap)
    {
        problems.push(FieldProblem::new("capacity", Problem::OutOfRange { value: cap.to_string(), min: "1".into(), max: "10000".into() }));
    }
    // Within this year and five either side (`running::check_date`).
    let this_year = chrono::Datelike::year(&Utc::now().date_naive());
    let (first, last) = xuequ_domain::running::date_range(this_year, xuequ_domain::running::YEARS_AROUND);
    let plausible = |t: &NaiveDateTime| t.date() >= first && t.date() <= last;
    let range = |t: &NaiveDateTime| Problem::OutOfRange { value: t.to_string(), min: first.to_string(), max: last.to_string() };
    match (input.starts_at, input.ends_at) {
        (None, _) => problems.push(FieldProblem::new("starts_at", Problem::Required)),
        (_, None) => problems.push(FieldProblem::new("ends_at", Problem::Required)),
        (Some(s), _) if !plausible(&s) => problems.push(FieldProblem::new("starts_at", range(&s))),
        (_, Some(e)) if !plausible(&e) => problems.push(FieldProblem::new("ends_at", range(&e))),
        (Some(s), Some(e)) if e <= s => problems.push(FieldProblem::new("ends_at", Problem::EndBeforeStart)),
        (Some(s), Some(e)) if e - s > Duration::days(MAX_DAYS) => problems.push(FieldProblem::new(
            "ends_at",
            Problem::OutOfRange { value: e.to_string(), min: s.to_string(), max: (s + Duration::days(MAX_DAYS)).to_string() },
        )),
        _ => {}
    }
    if let (Some(d), Some(s)) = (input.signup_deadline, input.starts_at)
        && (d > s || !plausible(&d))
    {
        problems.push(FieldProblem::new(
            "signup_deadline",
            Problem::OutOfRange { value: d.to_string(), min: first.to_string(), max: s.to_string() },
        ));
    }
    let minutes = match (input.starts_at, input.ends_at) {
        (Some(s), Some(e)) => (e - s).num_minutes(),
        _ => 0,
    };
    let credit = if input.hours.trim().is_empty() {
        hours::default_credit(minutes)
    } else {
        match hours::parse(&input.hours).filter(|h| (0..=80).contains(h)) {
            Some(h) => h,
            None => {
                problems.push(FieldProblem::new(
                    "hours",
                    Problem::OutOfRange { value: input.hours.chars().take(20).collect(), min: "0".into(), max: "8".into() },
                ));
                0
            }
        }
    };
    let kind_is_students = kind.is_some_and(|k| k.for_students());
    let host = match input.host_school_id.or(c.actor.school_id) {
        Some(h) => match app.store.school(county, h).await? {
            Some(s) => Some(s.id),
            None => {
                problems.push(FieldProblem::new("host_school_id", Problem::NoSuchSchool { value: h.to_string() }));
                None
            }
        },
        None => {
            problems.push(FieldProblem::new("host_school_id", Problem::Required));
            None
        }
    };
    if let Some(k) = cluster_id
        && !clusters.all.iter().any(|cl| cl.id == k && cl.dissolved_on.is_none())
    {
        problems.push(FieldProblem::new("cluster_id", Problem::NotFound { value: k.to_string() }));
    }
    let schools: Vec<i64> = app.store.all_schools(county).await?.into_iter().map(|s| s.id).collect();
    if let Some(bad) = input.invited.iter().find(|s| !schools.contains(s)) {
        problems.push(FieldProblem::new("invited", Problem::NoSuchSchool { value: bad.to_string() }));
    }
    if input.invited.len() > 500 {
        problems.push(FieldProblem::new("invited", Problem::TooManyRows { max: 500 }));
    }
    if let Some(f) = input.facility_id {
        let ok = app.store.facility(county, f).await?.is_some_and(|fac| Some(fac.school_id) == host);
        if !ok {
            problems.push(FieldProblem::new("facility_id", Problem::NotFound { value: f.to_string() }));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let (kind, host) = (kind.expect("checked"), host.expect("checked"));
    if !policy::may_schedule(&c.actor, kind, host, cluster_id, cluster_id.map_or(&[], |k| clusters.schools(k))) {
        return Err(AppError::Forbidden);
    }
    Ok(ActivityFields {
        cluster_id,
        kind,
        title,
        description,
        host_school_id: host,
        place,
        facility_id: input.facility_id,
        booking_id: None,
        starts_at: to_utc(input.starts_at.expect("checked")),
        ends_at: to_utc(input.ends_at.expect("checked")),
        subject: Subject::parse(subject).map(|s| s.code().to_string()).unwrap_or_default(),
        grade: input.grade,
        capacity: input.capacity,
        signup_deadline: input.signup_deadline.map(to_utc),
        credit: if kind_is_students { 0 } else { credit },
        invited: input.invited.clone(),
    })
}

/// Books the facility for the activity through facility sharing (its rules apply).
async fn book_facility(app: &App, c: &Caller, f: &ActivityFields) -> Result<Option<i64>> {
    let Some(facility_id) = f.facility_id else { return Ok(None) };
    let request = crate::bookings::Request {
        facility_id,
        school_id: Some(f.host_school_id),
        start: Some(to_local(f.starts_at)),
        end: Some(to_local(f.ends_at)),
        date: None,
        periods: None,
        purpose: f.title.clone(),
        group_name: String::new(),
        attendees: f.capacity.map(|n| n as u32),
        repeat: None,
        keep_rest: false,
    };
    let booked = crate::bookings::book(app, c, &request).await?;
    Ok(booked.bookings.first().map(|b| b.id))
}

/// Schedules an activity (and books its facility, when one is chosen).
pub async fn schedule(app: &App, c: &Caller, input: &ActivityInput) -> Result<activity::Model> {
    let clusters = Clusters::load(app, c.county()).await?;
    let mut f = fields(app, c, input, &clusters).await?;
    f.booking_id = book_facility(app, c, &f).await?;
    let name = app.store.user(c.county(), c.actor.user_id).await?.map(|u| u.display_name).unwrap_or_else(|| c.username.clone());
    Ok(app.store.create_activity(&c.ctx(), &f, &name, &new_secret(), Utc::now()).await?)
}

/// Changes an activity (those who manage it), if it is still at `expected`.
pub async fn update(app: &App, c: &Caller, id: i64, input: &ActivityInput, expected: i64) -> Result<activity::Model> {
    let (a, _, h, clusters) = visible(app, c, id).await?;
    if !policy::may_manage(&c.actor, &h) {
        return Err(AppError::Forbidden);
    }
    let mut f = fields(app, c, input, &clusters).await?;
    if a.revision != expected {
        return Err(AppError::Stale);
    }
    f.booking_id = if f.facility_id == a.facility_id && f.starts_at == a.starts_at && f.ends_at == a.ends_at {
        a.booking_id
    } else {
        rebook(app, c, &a, &f).await?
    };
    Ok(app.store.update_activity(&c.ctx(), id, &f, expected).await?)
}

/// A new time or facility: the earlier booking is cancelled first (the new slot may overlap it),
/// then the new one made; if that is refused, the earlier slot is booked again and the refusal
/// said.
async fn rebook(app: &App, c: &Caller, a: &activity::Model, f: &ActivityFields) -> Result<Option<i64>> {
    release(app, c, a.booking_id).await?;
    match book_facility(app, c, f).await {
        Ok(b) => Ok(b),
        Err(e) => {
            if a.booking_id.is_some() {
                let before = ActivityFields {
                    facility_id: a.facility_id,
                    host_school_id: a.host_school_id,
                    starts_at: a.starts_at,
                    ends_at: a.ends_at,
                    title: a.title.clone(),
                    capacity: a.capacity,
                    ..f.clone()
                };
                if let Ok(b) = book_facility(app, c, &before).await {
                    app.store.set_activity_booking(&c.ctx(), a.id, b).await?;
                }
            }
            Err(e)
        }
    }
}

/// Cancels the booking an activity held, if it still holds one.
async fn release(app: &App, c: &Caller, booking: Option<i64>) -> Result<()> {
    let Some(b) = booking else { return Ok(()) };
    match crate::bookings::decide(app, c, b, crate::bookings::Decision::Cancel, "", false).await {
        // Cancelled already (by its school, say), or gone: nothing is held.
        Ok(_) | Err(AppError::Conflict(_)) | Err(AppError::NotFound) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Cancels an activity with a reason, or (empty reason, `cancel` false) schedules it again.
pub async fn cancel(app: &App, c: &Caller, id: i64, cancel: bool, reason: &str, expected: i64) -> Result<activity::Model> {
    let (a, _, h, _) = visible(app, c, id).await?;
    if !policy::may_manage(&c.actor, &h) {
        return Err(AppError::Forbidden);
    }
    let mut problems = Vec::new();
    // What has been held is a record of what happened, not a plan that can be called off.
    if cancel && a.starts_at <= Utc::now() {
        problems.push(FieldProblem::new("reason", Problem::ActivityBegun));
    }
    let reason = text("reason", reason, cancel, 200, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let status = if cancel { ActivityStatus::Cancelled } else { ActivityStatus::Scheduled };
    let a = app.store.set_activity_status(&c.ctx(), id, status, &reason, expected).await?;
    // A cancelled activity frees its room (scheduling it again does not book it again).
    if cancel {
        release(app, c, a.booking_id).await?;
    }
    Ok(a)
}

/// The activities the caller may see, narrowed by the query; earliest first.
pub async fn list(app: &App, c: &Caller, q: &ListQuery) -> Result<Vec<Listed>> {
    let county = c.county();
    let filter = ActivityFilter { from: q.from, to: q.to, kind: q.kind.map(|k| k.code().to_string()), limit: Some(MAX_LISTED) };
    let all = app.store.activities(county, &filter).await?;
    let ids: Vec<i64> = all.iter().map(|a| a.id).collect();
    let invites = app.store.invites(county, &ids).await?;
    let clusters = Clusters::load(app, county).await?;
    let me = super::linked_teacher(app, c).await?;
    let mine: HashMap<i64, bool> = match &me {
        Some(t) => {
            app.store.activities_of_teacher(county, t.id).await?.into_iter().map(|r| (r.activity_id, r.checked_in_at.is_some())).collect()
        }
        None => HashMap::new(),
    };
    let seen: Vec<activity::Model> = all
        .into_iter()
        .filter(|a| {
            let h = held(a, invites.get(&a.id).map_or(&[], |v| v.as_slice()), &clusters);
            policy::may_see(&c.actor, &h)
                && q.cluster_id.is_none_or(|k| a.cluster_id == Some(k))
                && q.school_id.is_none_or(|s| h.open_to.contains(&s))
                && (!q.mine || mine.contains_key(&a.id))
        })
        .collect();
    let ids: Vec<i64> = seen.iter().map(|a| a.id).collect();
    let counts = app.store.attendance_counts(county, &ids).await?;
    let names = app.store.school_names(county, &seen.iter().map(|a| a.host_school_id).collect::<Vec<_>>()).await?;
    Ok(seen
        .into_iter()
        .map(|a| {
            let (going, present) = counts.get(&a.id).copied().unwrap_or_default();
            Listed {
                kind: a.kind,
                host: names.get(&a.host_school_id).map(|n| n.1.clone()).unwrap_or_default(),
                cluster: a.cluster_id.map(|k| clusters.name(k)).unwrap_or_default(),
                going,
                present,
                mine: mine.get(&a.id).copied(),
                activity: a,
            }
        })
        .collect())
}

/// The activity's page.
pub async fn detail(app: &App, c: &Caller, id: i64) -> Result<Detail> {
    let county = c.county();
    let (a, invited, h, clusters) = visible(app, c, id).await?;
    let may_manage = policy::may_manage(&c.actor, &h);
    let rows = app.store.attendees(county, id).await?;
    let my_teacher = super::linked_teacher(app, c).await?;
    let me = my_teacher.as_ref().and_then(|t| rows.iter().find(|r| r.teacher_id == t.id).cloned());
    let shown = if policy::may_see_attendees(&c.actor, &h) { policy::attendee_schools(&c.actor, &h) } else { Visibility::Nothing };
    let teachers: HashMap<i64, teacher::Model> = teachers_of(app, county, &rows.iter().map(|r| r.teacher_id).collect::<Vec<_>>()).await?;
    let mut school_ids: Vec<i64> = rows.iter().map(|r| r.school_id).chain(invited.iter().copied()).collect();
    school_ids.push(a.host_school_id);
    let names = app.store.school_names(county, &school_ids).await?;
    let school_name = |s: i64| names.get(&s).map(|n| n.1.clone()).unwrap_or_default();
    let attendees = rows
        .iter()
        .filter(|r| shown.includes(r.school_id))
        .map(|r| Attendee {
            row: r.clone(),
            name: teachers.get(&r.teacher_id).map(|t| t.name.clone()).unwrap_or_default(),
            staff_no: teachers.get(&r.teacher_id).map(|t| t.staff_no.clone()).unwrap_or_default(),
            school: school_name(r.school_id),
        })
        .collect();
    let now = Utc::now();
    let (opens, closes) = checkin::window(a.starts_at, a.ends_at);
    let scheduled = a.status == ActivityStatus::Scheduled;
    let deadline = a.signup_deadline.unwrap_or(a.starts_at);
    let reviews = app.store.reviews(county, &[id]).await?;
    let my_review = my_teacher.as_ref().and_then(|t| reviews.iter().find(|r| r.teacher_id == t.id).cloned());
    let stars =
        (!reviews.is_empty()).then(|| (reviews.iter().map(|r| r.stars as i64).sum::<i64>() * 10 / reviews.len() as i64, reviews.len()));
    let facility = match a.facility_id {
        Some(f) => app.store.facility(county, f).await?.map(|f| f.name),
        None => None,
    };
    let room = match a.booking_id {
        Some(b) => app.store.booking(county, b).await?.map(|b| b.status),
        None => None,
    };
    let going = rows.len() as i64;
    let present = rows.iter().filter(|r| r.checked_in_at.is_some()).count() as i64;
    Ok(Detail {
        room,
        invited: invited.iter().map(|s| (*s, school_name(*s))).collect(),
        open_to: h.open_to.clone(),
        facility,
        attendees,
        signup_open: scheduled && now < deadline,
        checkin_open: scheduled && now >= opens && now <= closes,
        may_assign: policy::may_assign_some(&c.actor, &h),
        may_manage,
        files: app.store.attachments(county, AttachmentOwner::Activity, &[id]).await?,
        reviews: if may_manage { reviews } else { Vec::new() },
        my_review,
        stars,
        listed: Listed {
            kind: a.kind,
            host: school_name(a.host_school_id),
            cluster: a.cluster_id.map(|k| clusters.name(k)).unwrap_or_default(),
            going,
            present,
            mine: me.as_ref().map(|m| m.checked_in_at.is_some()),
            activity: a,
        },
        me,
        my_teacher,
    })
}

async fn teachers_of(app: &App, county: i64, ids: &[i64]) -> Result<HashMap<i64, teacher::Model>> {
    let mut out = HashMap::new();
    for id in ids {
        if let Some(t) = app.store.teacher(county, *id).await? {
            out.insert(*id, t);
        }
    }
    Ok(out)
}

fn usable(a: &activity::Model) -> Result<()> {
    if a.status == ActivityStatus::Cancelled { Err(AppError::Conflict(Problem::ActivityCancelled)) } else { Ok(()) }
}

/// The caller signs up (their linked teacher record), before the deadline, if there is room.
pub async fn sign_up(app: &App, c: &Caller, id: i64) -> Result<activity_attendee::Model> {
    let (a, _, h, _) = visible(app, c, id).await?;
    usable(&a)?;
    let me = super::my_teacher(app, c).await?;
    let deadline = a.signup_deadline.unwrap_or(a.starts_at);
    if Utc::now() >= deadline {
        return Err(AppError::Conflict(Problem::SignupClosed { deadline: xuequ_domain::booking::show(deadline) }));
    }
    if !h.open_to.contains(&me.school_id) {
        return Err(AppError::Conflict(Problem::NotInvited));
    }
    let going = Going { teacher_id: me.id, school_id: me.school_id, origin: AttendeeOrigin::Signup };
    Ok(app.store.add_attendees(&c.ctx(), id, &[going], a.capacity).await?.remove(0))
}

/// The caller takes back their sign-up (before the activity starts; not once there).
pub async fn withdraw(app: &App, c: &Caller, id: i64) -> Result<()> {
    let (a, _, _, _) = visible(app, c, id).await?;
    let me = super::my_teacher(app, c).await?;
    if Utc::now() >= a.starts_at {
        return Err(AppError::Conflict(Problem::SignupClosed { deadline: xuequ_domain::booking::show(a.starts_at) }));
    }
    Ok(app.store.remove_attendee(&c.ctx(), id, me.id).await?)
}

/// Puts teachers (by id) on the list: those who manage it any teacher of a school it is open
/// to, a principal their own teachers. All or none.
pub async fn assign(app: &App, c: &Caller, id: i64, teacher_ids: &[i64]) -> Result<Vec<activity_attendee::Model>> {
    let (a, _, h, _) = visible(app, c, id).await?;
    usable(&a)?;
    if teacher_ids.is_empty() {
        return Err(AppError::invalid("teacher_ids", Problem::Required));
    }
    if teacher_ids.len() > 1_000 {
        return Err(AppError::invalid("teacher_ids", Problem::TooManyRows { max: 1_000 }));
    }
    let county = c.county();
    let mut going = Vec::new();
    for t in teacher_ids {
        let teacher = app.store.teacher(county, *t).await?.filter(|t| t.status == Status::Active);
        match teacher {
            Some(t) if policy::may_assign(&c.actor, &h, t.school_id) => {
                going.push(Going { teacher_id: t.id, school_id: t.school_id, origin: AttendeeOrigin::Assigned })
            }
            _ => return Err(AppError::invalid("teacher_ids", Problem::NotFound { value: t.to_string() })),
        }
    }
    Ok(app.store.add_attendees(&c.ctx(), id, &going, a.capacity).await?)
}

/// The code to show at the venue now (those who manage the activity).
pub async fn code(app: &App, c: &Caller, id: i64) -> Result<Code> {
    let (a, _, h, _) = visible(app, c, id).await?;
    if !policy::may_manage(&c.actor, &h) {
        return Err(AppError::Forbidden);
    }
    usable(&a)?;
    let now = Utc::now();
    let (opens, closes) = checkin::window(a.starts_at, a.ends_at);
    let secret = hex::decode(&a.secret).unwrap_or_default();
    Ok(Code {
        code: checkin::code_at(&secret, now),
        seconds_left: checkin::STEP_SECONDS - now.timestamp().rem_euclid(checkin::STEP_SECONDS),
        opens,
        closes,
        open: now >= opens && now <= closes,
    })
}

/// The caller checks in with the code shown at the venue: their own teacher record, once,
/// within the window, at an activity open to their school; wrong codes are throttled per
/// account and per activity (`checkin::throttle`), the right one refused too past the limit.
pub async fn check_in(app: &App, c: &Caller, id: i64, code: &str) -> Result<activity_attendee::Model> {
    let (a, _, h, _) = visible(app, c, id).await?;
    usable(&a)?;
    let me = super::my_teacher(app, c).await?;
    if code.chars().count() > 20 {
        return Err(AppError::invalid("code", Problem::TooLong { max: 20 }));
    }
    let now = Utc::now();
    // Counted before the code is looked at, so that many guesses at once cannot all slip in
    // before the first is counted; kept only if the code is wrong.
    let window = checkin::ACCOUNT_WINDOW_SECONDS.max(checkin::ACTIVITY_WINDOW_SECONDS);
    let (attempt, earlier) = app.store.count_checkin_attempt(&c.ctx(), id, now, window).await?;
    if let Err(wait) = checkin::throttle(&earlier, c.actor.user_id, now) {
        app.store.forget_checkin_attempt(attempt).await?;
        let problem = Problem::TooManyCheckinAttempts { minutes: (wait + 59) / 60 };
        return Err(AppError::Throttled { problem, retry_after: wait });
    }
    let secret = hex::decode(&a.secret).unwrap_or_default();
    let verified = checkin::verify(&secret, code, now, a.starts_at, a.ends_at);
    if verified != Err(Problem::WrongCheckinCode) {
        app.store.forget_checkin_attempt(attempt).await?;
    }
    verified.map_err(|p| match p {
        Problem::WrongCheckinCode => AppError::invalid("code", p),
        p => AppError::Conflict(p),
    })?;
    if !h.open_to.contains(&me.school_id) {
        return Err(AppError::Conflict(Problem::NotInvited));
    }
    let going = Going { teacher_id: me.id, school_id: me.school_id, origin: AttendeeOrigin::WalkIn };
    Ok(app.store.check_in(&c.ctx(), id, &going, CheckIn::Code, a.credit, now).await?)
}

/// Those who manage it mark teachers present or absent by hand (a teacher not on the list is
/// added, if the activity is open to their school).
pub async fn mark(app: &App, c: &Caller, id: i64, teacher_id: i64, present: bool) -> Result<()> {
    let (a, _, h, _) = visible(app, c, id).await?;
    if !policy::may_manage(&c.actor, &h) {
        return Err(AppError::Forbidden);
    }
    usable(&a)?;
    let t = app
        .store
        .teacher(c.county(), teacher_id)
        .await?
        .filter(|t| h.open_to.contains(&t.school_id))
        .ok_or_else(|| AppError::invalid("teacher_id", Problem::NotFound { value: teacher_id.to_string() }))?;
    if !present {
        return Ok(app.store.mark_absent(&c.ctx(), id, t.id).await?);
    }
    let going = Going { teacher_id: t.id, school_id: t.school_id, origin: AttendeeOrigin::WalkIn };
    match app.store.check_in(&c.ctx(), id, &going, CheckIn::Hand, a.credit, Utc::now().min(a.ends_at)).await {
        Ok(_) | Err(xuequ_store::StoreError::Conflict(Problem::AlreadyCheckedIn { .. })) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Writes the record (summary) after the activity has begun.
pub async fn record(app: &App, c: &Caller, id: i64, summary: &str, expected: i64) -> Result<activity::Model> {
    let (a, _, h, _) = visible(app, c, id).await?;
    if !policy::may_manage(&c.actor, &h) {
        return Err(AppError::Forbidden);
    }
    usable(&a)?;
    if Utc::now() < a.starts_at {
        return Err(AppError::Conflict(Problem::NotBegunYet { when: xuequ_domain::booking::show(a.starts_at) }));
    }
    let mut problems = Vec::new();
    let summary = text("summary", summary, true, 20_000, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(app.store.write_record(&c.ctx(), id, &summary, expected, Utc::now()).await?)
}

/// Files of the record (photos, lesson designs, slides), checked like the library's.
pub async fn attach(app: &App, c: &Caller, id: i64, files: Vec<crate::library::upload::Incoming>) -> Result<Vec<running_file::Model>> {
    let (a, _, h, _) = visible(app, c, id).await?;
    if !policy::may_manage(&c.actor, &h) {
        return Err(AppError::Forbidden);
    }
    usable(&a)?;
    super::files::attach(app, c, AttachmentOwner::Activity, id, files).await
}

/// An attendee who came rates the session 1–5 with a comment (again: replaces).
pub async fn review(app: &App, c: &Caller, id: i64, stars: i32, comment: &str) -> Result<activity_review::Model> {
    let (a, _, _, _) = visible(app, c, id).await?;
    let me = super::my_teacher(app, c).await?;
    let came = app.store.attendees(c.county(), a.id).await?.into_iter().any(|r| r.teacher_id == me.id && r.checked_in_at.is_some());
    if !came {
        return Err(AppError::Forbidden);
    }
    let mut problems = Vec::new();
    if !(1..=5).contains(&stars) {
        problems.push(FieldProblem::new("stars", Problem::OutOfRange { value: stars.to_string(), min: "1".into(), max: "5".into() }));
    }
    let comment = text("comment", comment, false, 500, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(app.store.review(&c.ctx(), id, me.id, stars, &comment).await?)
}

/// The activity's file, for someone who may see the activity.
pub async fn file(app: &App, c: &Caller, id: i64, file_id: i64) -> Result<(running_file::Model, bytes::Bytes)> {
    visible(app, c, id).await?;
    let f = app
        .store
        .attachment(c.county(), file_id)
        .await?
        .filter(|f| f.owner_kind == AttachmentOwner::Activity && f.owner_id == id)
        .ok_or(AppError::NotFound)?;
    let bytes = app.library.get(&f.hash).await?;
    Ok((f, bytes))
}

/// Activities the caller manages that were held in the last 60 days and still have no record
/// (活动记录), newest first.
pub async fn records_due(app: &App, c: &Caller) -> Result<Vec<activity::Model>> {
    let county = c.county();
    let now = Utc::now();
    let filter = ActivityFilter { from: Some(now - Duration::days(60)), to: Some(now), kind: None, limit: Some(MAX_LISTED) };
    let held_ones: Vec<activity::Model> = app
        .store
        .activities(county, &filter)
        .await?
        .into_iter()
        .filter(|a| a.ends_at <= now && a.status == ActivityStatus::Scheduled && a.summary.trim().is_empty())
        .collect();
    let ids: Vec<i64> = held_ones.iter().map(|a| a.id).collect();
    let invites = app.store.invites(county, &ids).await?;
    let clusters = Clusters::load(app, county).await?;
    let mut due: Vec<activity::Model> = held_ones
        .into_iter()
        .filter(|a| policy::may_manage(&c.actor, &held(a, invites.get(&a.id).map_or(&[][..], |v| &v[..]), &clusters)))
        .collect();
    due.sort_by_key(|a| std::cmp::Reverse(a.ends_at));
    Ok(due)
}
