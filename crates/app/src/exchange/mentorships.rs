//! Mentorship pairs (师徒结对): an experienced teacher guides a younger one, usually across two
//! schools of a cluster, and their meetings are recorded (lessons observed, demonstrations,
//! planning together, reviews).

use std::collections::HashMap;

use chrono::NaiveDate;
use xuequ_domain::Problem;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::exchange::MentorshipStatus;
use xuequ_store::entities::{mentorship, mentorship_meeting, teacher};
use xuequ_store::exchange::{NewMeeting, NewMentorship};

use crate::{App, AppError, Caller, Result};

/// The kinds of meeting.
pub const MEETING_KINDS: &[&str] = &["observation", "demonstration", "planning", "review", "other"];

/// The home school of each of the county's teachers.
async fn schools_of(app: &App, county: i64) -> Result<HashMap<i64, i64>> {
    Ok(app.store.active_teachers(county).await?.into_iter().map(|t| (t.id, t.school_id)).collect())
}

fn visible(c: &Caller, schools: &HashMap<i64, i64>, m: &mentorship::Model) -> bool {
    let v = c.visibility(Resource::Exchange);
    [m.mentor_id, m.mentee_id].iter().any(|t| schools.get(t).is_some_and(|s| v.includes(*s)))
}

/// The pairs the caller sees (one of the two teachers is at a school they see).
pub async fn list(app: &App, c: &Caller) -> Result<Vec<mentorship::Model>> {
    c.require(Action::Read, Resource::Exchange, &Target::county(c.county()))?;
    let schools = schools_of(app, c.county()).await?;
    Ok(app.store.mentorships(c.county()).await?.into_iter().filter(|m| visible(c, &schools, m)).collect())
}

/// One pair and its meetings, if the caller sees it.
pub async fn get(app: &App, c: &Caller, id: i64) -> Result<(mentorship::Model, Vec<mentorship_meeting::Model>)> {
    c.require(Action::Read, Resource::Exchange, &Target::county(c.county()))?;
    let m = app.store.mentorship(c.county(), id).await?.ok_or(AppError::NotFound)?;
    if !visible(c, &schools_of(app, c.county()).await?, &m) {
        return Err(AppError::NotFound);
    }
    let meetings = app.store.meetings(c.county(), Some(id)).await?;
    Ok((m, meetings))
}

/// Whether the caller keeps this pair's records: the admin of either teacher's school, its
/// cluster's head, the bureau.
fn keeps(c: &Caller, schools: &HashMap<i64, i64>, mentor: i64, mentee: i64) -> bool {
    [mentor, mentee]
        .iter()
        .any(|t| schools.get(t).is_some_and(|s| c.can(Action::Update, Resource::Exchange, &Target::school(c.county(), *s))))
}

async fn active_teacher(app: &App, county: i64, field: &'static str, id: i64) -> Result<teacher::Model> {
    app.store
        .teacher(county, id)
        .await?
        .filter(|t| t.status == xuequ_domain::Status::Active)
        .ok_or_else(|| AppError::invalid(field, Problem::NotFound { value: id.to_string() }))
}

/// Pairs a mentor with a mentee for a period of up to three years.
pub async fn create(app: &App, c: &Caller, new: &NewMentorship) -> Result<mentorship::Model> {
    let county = c.county();
    c.require(Action::Read, Resource::Exchange, &Target::county(county))?;
    let mentor = active_teacher(app, county, "mentor_id", new.mentor_id).await?;
    let mentee = active_teacher(app, county, "mentee_id", new.mentee_id).await?;
    let schools = schools_of(app, county).await?;
    if !keeps(c, &schools, mentor.id, mentee.id) {
        return Err(AppError::Forbidden);
    }
    if mentor.id == mentee.id {
        return Err(AppError::invalid("mentee_id", Problem::SamePerson));
    }
    if new.ends_on <= new.starts_on {
        return Err(AppError::invalid("ends_on", Problem::EndBeforeStart));
    }
    let months = xuequ_domain::exchange::moves::months_between(new.starts_on, new.ends_on);
    if months > 36 {
        return Err(AppError::invalid(
            "ends_on",
            Problem::MonthsOutOfRange { months: months.to_string(), min: "1".into(), max: "36".into() },
        ));
    }
    let goal: String = new.goal.trim().to_string();
    if goal.chars().count() > 500 {
        return Err(AppError::invalid("goal", Problem::TooLong { max: 500 }));
    }
    let subject = if new.subject.trim().is_empty() { mentee.subject.code().to_string() } else { new.subject.trim().to_string() };
    if xuequ_domain::Subject::parse(&subject).is_none() {
        return Err(AppError::invalid(
            "subject",
            Problem::UnknownValue { value: subject.chars().take(40).collect(), allowed: "subject".into() },
        ));
    }
    let m = NewMentorship { subject, goal, ..new.clone() };
    Ok(app.store.create_mentorship(&c.ctx(), &m).await?)
}

/// Ends a pair early or on time; it stays in the records.
pub async fn end(app: &App, c: &Caller, id: i64) -> Result<mentorship::Model> {
    let (m, _) = get(app, c, id).await?;
    if !keeps(c, &schools_of(app, c.county()).await?, m.mentor_id, m.mentee_id) {
        return Err(AppError::Forbidden);
    }
    if m.status != MentorshipStatus::Active {
        return Err(AppError::Conflict(Problem::WrongStep { status: m.status.code().to_string() }));
    }
    Ok(app.store.end_mentorship(&c.ctx(), &m).await?)
}

/// Records a meeting of a pair, within its period and not in the future.
pub async fn record(app: &App, c: &Caller, new: &NewMeeting) -> Result<mentorship_meeting::Model> {
    let (m, _) = get(app, c, new.mentorship_id).await?;
    if !keeps(c, &schools_of(app, c.county()).await?, m.mentor_id, m.mentee_id) {
        return Err(AppError::Forbidden);
    }
    if new.held_on > crate::today() {
        return Err(AppError::invalid("held_on", Problem::FutureDate));
    }
    if new.held_on < m.starts_on || new.held_on > m.ends_on {
        return Err(AppError::invalid(
            "held_on",
            Problem::OutOfRange { value: new.held_on.to_string(), min: m.starts_on.to_string(), max: m.ends_on.to_string() },
        ));
    }
    if !(1..=600).contains(&new.minutes) {
        return Err(AppError::invalid(
            "minutes",
            Problem::OutOfRange { value: new.minutes.to_string(), min: "1".into(), max: "600".into() },
        ));
    }
    if !MEETING_KINDS.contains(&new.kind.as_str()) {
        return Err(AppError::invalid(
            "kind",
            Problem::UnknownValue { value: new.kind.chars().take(40).collect(), allowed: MEETING_KINDS.join(", ") },
        ));
    }
    if new.notes.chars().count() > 2_000 {
        return Err(AppError::invalid("notes", Problem::TooLong { max: 2_000 }));
    }
    let meeting = NewMeeting { notes: new.notes.trim().to_string(), ..new.clone() };
    Ok(app.store.add_meeting(&c.ctx(), &meeting).await?)
}

/// Pairs active in the school year that touch `schools` (a mentor or a mentee there), and their
/// meetings held in the year.
pub async fn counts(app: &App, c: &Caller, year: i32, schools: &[i64]) -> Result<(usize, usize)> {
    Ok(count_in(&pairs_of_year(app, c, year).await?, schools))
}

/// A pair active in a school year: the schools of its mentor and mentee, and its meetings held
/// in the year.
pub struct YearPair {
    pub schools: [Option<i64>; 2],
    pub meetings: usize,
}

/// Every pair active in the school year, read once (for the figures of many clusters).
pub async fn pairs_of_year(app: &App, c: &Caller, year: i32) -> Result<Vec<YearPair>> {
    let start = super::year_start(year)?;
    let end = NaiveDate::from_ymd_opt(year + 1, 8, 31).expect("31 August");
    let home = schools_of(app, c.county()).await?;
    let pairs: Vec<mentorship::Model> =
        app.store.mentorships(c.county()).await?.into_iter().filter(|m| m.starts_on <= end && m.ends_on >= start).collect();
    let mut meetings: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for x in app.store.meetings(c.county(), None).await?.into_iter().filter(|x| x.held_on >= start && x.held_on <= end) {
        *meetings.entry(x.mentorship_id).or_default() += 1;
    }
    Ok(pairs
        .iter()
        .map(|m| YearPair {
            schools: [home.get(&m.mentor_id).copied(), home.get(&m.mentee_id).copied()],
            meetings: meetings.get(&m.id).copied().unwrap_or(0),
        })
        .collect())
}

/// The pairs among `pairs` that touch `schools`, and their meetings.
pub fn count_in(pairs: &[YearPair], schools: &[i64]) -> (usize, usize) {
    let touching: Vec<&YearPair> = pairs.iter().filter(|p| p.schools.iter().flatten().any(|s| schools.contains(s))).collect();
    (touching.len(), touching.iter().map(|p| p.meetings).sum())
}

/// The meetings of every pair the caller sees.
pub async fn meetings(app: &App, c: &Caller) -> Result<Vec<mentorship_meeting::Model>> {
    let pairs: std::collections::HashSet<i64> = list(app, c).await?.into_iter().map(|m| m.id).collect();
    Ok(app.store.meetings(c.county(), None).await?.into_iter().filter(|m| pairs.contains(&m.mentorship_id)).collect())
}
