//! The cluster calendar: a cluster's (or a school's, or a person's own) activities and the
//! bookings of its shared facilities, by week or month; and the activities of a person's
//! calendar feed.

use chrono::{NaiveDate, NaiveDateTime};
use xuequ_domain::activity::{ActivityKind, ActivityStatus};
use xuequ_domain::booking::{to_local, to_utc};

use super::activities::{self, ListQuery};
use crate::bookings::{self, Scope};
use crate::{App, AppError, Caller, Result};

/// Whose calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    Cluster(i64),
    School(i64),
    /// The activities the caller's teacher record is on.
    Mine,
}

/// What an event is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    Activity { kind: ActivityKind, cancelled: bool },
    Booking { facility: String, status: String },
}

/// One event of the calendar, in local time.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: i64,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub title: String,
    pub place: String,
    pub what: What,
}

impl Event {
    pub fn link(&self) -> String {
        match self.what {
            What::Activity { .. } => format!("/activities/{}", self.id),
            What::Booking { .. } => format!("/bookings/{}", self.id),
        }
    }
}

fn of_activity(l: &activities::Listed) -> Event {
    Event {
        id: l.activity.id,
        start: to_local(l.activity.starts_at),
        end: to_local(l.activity.ends_at),
        place: if l.activity.place.is_empty() { l.host.clone() } else { format!("{} · {}", l.host, l.activity.place) },
        title: l.activity.title.clone(),
        what: What::Activity { kind: l.kind, cancelled: l.activity.status == ActivityStatus::Cancelled },
    }
}

/// The events of `[from, to]` (whole days), earliest first.
pub async fn events(app: &App, c: &Caller, of: Of, from: NaiveDate, to: NaiveDate) -> Result<Vec<Event>> {
    if to < from || (to - from).num_days() > 400 {
        return Err(AppError::invalid(
            "to",
            xuequ_domain::Problem::OutOfRange {
                value: to.to_string(),
                min: from.to_string(),
                max: (from + chrono::Duration::days(400)).to_string(),
            },
        ));
    }
    let day = |d: NaiveDate| to_utc(d.and_hms_opt(0, 0, 0).expect("midnight"));
    let mut q = ListQuery { from: Some(day(from)), to: Some(day(to.succ_opt().unwrap_or(to))), ..Default::default() };
    match of {
        Of::Cluster(k) => {
            super::readable_cluster(app, c, k).await?;
            q.cluster_id = Some(k);
        }
        Of::School(s) => {
            app.store.school(c.county(), s).await?.ok_or(AppError::NotFound)?;
            q.school_id = Some(s);
        }
        Of::Mine => q.mine = true,
    }
    let listed = activities::list(app, c, &q).await?;
    // A booking made for an activity shows as the activity.
    let for_activities: Vec<i64> = listed.iter().filter_map(|l| l.activity.booking_id).collect();
    let mut out: Vec<Event> = listed.iter().map(of_activity).collect();
    let scope = match of {
        Of::Cluster(k) => Some(Scope::Cluster(k)),
        Of::School(s) => Some(Scope::School(s)),
        Of::Mine => None,
    };
    if let Some(scope) = scope {
        // Those who may not read bookings see the activities alone.
        match bookings::schedule(app, c, scope, from, to).await {
            Ok(entries) => {
                let facilities: std::collections::HashMap<i64, String> =
                    app.store.active_facilities(c.county()).await?.into_iter().map(|f| (f.id, f.name)).collect();
                out.extend(entries.into_iter().filter(|e| !for_activities.contains(&e.booking.id)).map(|e| Event {
                    id: e.booking.id,
                    start: to_local(e.booking.starts_at),
                    end: to_local(e.booking.ends_at),
                    title: e.booking.purpose.clone(),
                    place: facilities.get(&e.booking.facility_id).cloned().unwrap_or_default(),
                    what: What::Booking {
                        facility: facilities.get(&e.booking.facility_id).cloned().unwrap_or_default(),
                        status: e.booking.status.to_string(),
                    },
                }));
            }
            Err(AppError::Forbidden) => {}
            Err(e) => return Err(e),
        }
    }
    out.sort_by_key(|e| (e.start, e.id));
    Ok(out)
}

/// The activities of a person's calendar feed: those their teacher record is on and those
/// they organise, from 30 days ago to a year ahead.
pub async fn feed(app: &App, token: &str) -> Result<Vec<Event>> {
    let (found, _, c) = bookings::feed_owner(app, token).await?;
    if found.facility_id.is_some() {
        return Ok(Vec::new());
    }
    let now = chrono::Utc::now();
    let q = ListQuery { from: Some(now - chrono::Duration::days(30)), to: Some(now + chrono::Duration::days(366)), ..Default::default() };
    Ok(activities::list(app, &c, &q)
        .await?
        .into_iter()
        .filter(|l| l.mine.is_some() || l.activity.organiser_id == c.actor.user_id)
        .map(|l| of_activity(&l))
        .collect())
}
