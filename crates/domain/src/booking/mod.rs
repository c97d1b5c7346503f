//! Facility sharing (场馆共享): the rules a booking of another school's lab, gym or library must
//! keep, in the terms schools think in — school days of a term, lesson periods of a bell
//! schedule, the owner's sharing rules — and the dates a repeating booking falls on.
//!
//! Everything here works in the county's local time (`NaiveDateTime`, Asia/Shanghai for every
//! county of the platform); the store converts to UTC at its edge.

pub mod calendar;
pub mod repeat;
pub mod rules;

/// The time zone every county of the platform lives in (China has one, without summer time).
pub const ZONE: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

/// A local time of the county as UTC, for storing.
pub fn to_utc(local: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    ZONE.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&chrono::Utc)).unwrap_or_else(|| local.and_utc())
}

/// A stored UTC time as the county's local time, for showing and for the rules.
pub fn to_local(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&ZONE).naive_local()
}

/// `2026-09-22 14:00`, the way a stored time is shown.
pub fn show(at: chrono::DateTime<chrono::Utc>) -> String {
    to_local(at).format("%Y-%m-%d %H:%M").to_string()
}

/// Whether a day is one a school calendar can be about (years 1900–2200): a date read from a
/// request outside them is refused or ignored before any arithmetic on it can overflow.
pub fn plausible(day: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    (1900..=2200).contains(&day.year())
}

/// How long a request may wait for the lender's decision before it lets its slot go: three days,
/// so that a forgotten request does not keep a lab from everyone else for a term.
pub const PENDING_HOURS: i64 = 72;

/// When a request made at `created` for a slot starting at `starts` expires undecided: three
/// days after it was made, and at the latest when the slot begins (a decision after that is
/// of no use to anyone).
pub fn pending_deadline(created: chrono::DateTime<chrono::Utc>, starts: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    (created + chrono::Duration::hours(PENDING_HOURS)).min(starts)
}

pub use calendar::{BellSchedule, Closure, Period, SchoolCalendar};
pub use repeat::{Occurrence, Repeat, WeeklyRule, expand, weekly_rule};
pub use rules::{Blackout, SharingRules, Slot};

coded_enum! {
    /// With whom a facility is shared (共享范围).
    ShareWith {
        Nobody => ("nobody", "不共享"),
        Cluster => ("cluster", "本学区"),
        County => ("county", "全县"),
    }
}

coded_enum! {
    /// Where a booking stands (预约状态). A pending request holds its slot like a confirmed one
    /// until it is decided or expires (see [`pending_deadline`]); a confirmed booking nobody
    /// came to is marked a no-show by the lender afterwards.
    BookingStatus {
        Pending => ("pending", "待审批"),
        Confirmed => ("confirmed", "已确认"),
        Declined => ("declined", "已拒绝"),
        Cancelled => ("cancelled", "已取消"),
        Expired => ("expired", "已过期"),
        NoShow => ("no_show", "未到场"),
    }
}

impl BookingStatus {
    /// Whether a booking in this state holds its slot (no other booking may overlap it).
    pub fn holds_slot(self) -> bool {
        matches!(self, BookingStatus::Pending | BookingStatus::Confirmed)
    }
}
