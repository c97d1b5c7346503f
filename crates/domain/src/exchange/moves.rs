//! A teacher's exchange (交流) from one school to another: its forms, how long each may last,
//! and the steps from proposal to return.
//!
//! Under 县管校聘 the county employs the teacher and a school uses them: the home school stays
//! while the working school changes for the forms that move the whole post (轮岗, 支教, 挂职).
//! 走教 and 跨校兼课 keep the teacher at home and add a weekly share of lessons elsewhere.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::Problem;

/// The forms of exchange the seeds name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// 轮岗: the post moves for one to three years.
    Rotation,
    /// 支教: a stronger school's teacher teaches at a weaker (rural) one.
    Support,
    /// 走教: the teacher travels to several schools on set weekdays, a share of the load.
    Itinerant,
    /// 跨校兼课: some lessons at a second school beside the home school's.
    CrossTeaching,
    /// 挂职: a leader or teacher takes a post at another school for a while.
    Secondment,
}

sea_orm_code!(Form);

impl Form {
    pub const ALL: &'static [Form] = &[Form::Rotation, Form::Support, Form::Itinerant, Form::CrossTeaching, Form::Secondment];

    pub fn code(self) -> &'static str {
        match self {
            Form::Rotation => "rotation",
            Form::Support => "support",
            Form::Itinerant => "itinerant",
            Form::CrossTeaching => "cross_teaching",
            Form::Secondment => "secondment",
        }
    }

    pub fn parse(s: &str) -> Option<Form> {
        Form::ALL.iter().copied().find(|f| f.code() == s.trim())
    }

    /// Whether the teacher's working school becomes the receiving school for the period.
    pub fn moves_the_post(self) -> bool {
        matches!(self, Form::Rotation | Form::Support | Form::Secondment)
    }

    /// The shortest and longest period, in months.
    pub fn months(self) -> (u32, u32) {
        match self {
            Form::Rotation => (12, 36),
            Form::Support => (6, 36),
            Form::Secondment => (3, 24),
            Form::Itinerant | Form::CrossTeaching => (1, 12),
        }
    }

    /// Whether the form counts toward the rotation quota (a whole post moves for a year or
    /// more): 轮岗 and 支教.
    pub fn counts_for_quota(self) -> bool {
        matches!(self, Form::Rotation | Form::Support)
    }
}

/// Where a move stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveStatus {
    /// Waiting for one or both schools.
    Proposed,
    /// Both schools agreed; waiting for the bureau.
    Approved,
    /// The bureau confirmed; it starts on its date.
    Confirmed,
    /// Under way: the teacher works (partly) at the receiving school.
    Active,
    /// Over: the teacher is back at the home school.
    Returned,
    /// A school or the bureau said no.
    Declined,
    /// Taken back before the bureau confirmed it.
    Withdrawn,
}

sea_orm_code!(MoveStatus);

impl MoveStatus {
    pub const ALL: &'static [MoveStatus] = &[
        MoveStatus::Proposed,
        MoveStatus::Approved,
        MoveStatus::Confirmed,
        MoveStatus::Active,
        MoveStatus::Returned,
        MoveStatus::Declined,
        MoveStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MoveStatus::Proposed => "proposed",
            MoveStatus::Approved => "approved",
            MoveStatus::Confirmed => "confirmed",
            MoveStatus::Active => "active",
            MoveStatus::Returned => "returned",
            MoveStatus::Declined => "declined",
            MoveStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<MoveStatus> {
        MoveStatus::ALL.iter().copied().find(|m| m.code() == s.trim())
    }

    /// Still standing: proposed, approved, confirmed or under way. A teacher has at most one
    /// standing move that overlaps another's period.
    pub fn standing(self) -> bool {
        matches!(self, MoveStatus::Proposed | MoveStatus::Approved | MoveStatus::Confirmed | MoveStatus::Active)
    }

    /// Planned in the quota's sense: agreed or further (not merely proposed).
    pub fn agreed(self) -> bool {
        matches!(self, MoveStatus::Approved | MoveStatus::Confirmed | MoveStatus::Active | MoveStatus::Returned)
    }

    /// Carried out: begun or over.
    pub fn done(self) -> bool {
        matches!(self, MoveStatus::Active | MoveStatus::Returned)
    }
}

/// Which side of a move a decision is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The sending (home) school.
    Sending,
    /// The receiving school.
    Receiving,
}

/// The decisions on a move, in the order they are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// A school agrees (its admin).
    Approve(Side),
    /// A school or the bureau says no.
    Decline,
    /// The bureau confirms what both schools agreed.
    Confirm,
    /// The proposer or the bureau takes it back before confirmation.
    Withdraw,
    /// The bureau ends an active move early (the teacher returns).
    EndEarly,
}

/// What a move looks like to the rules: its status and which schools agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveState {
    pub status: MoveStatus,
    pub sending_agreed: bool,
    pub receiving_agreed: bool,
}

/// The status after `step`, or the problem if the step does not fit where the move stands.
pub fn next(state: MoveState, step: Step) -> Result<MoveState, Problem> {
    use MoveStatus::*;
    let wrong = || Problem::WrongStep { status: state.status.code().to_string() };
    let mut s = state;
    match (state.status, step) {
        (Proposed, Step::Approve(side)) => {
            match side {
                Side::Sending if !state.sending_agreed => s.sending_agreed = true,
                Side::Receiving if !state.receiving_agreed => s.receiving_agreed = true,
                _ => return Err(wrong()),
            }
            if s.sending_agreed && s.receiving_agreed {
                s.status = Approved;
            }
        }
        (Proposed | Approved, Step::Decline) => s.status = Declined,
        (Approved, Step::Confirm) => s.status = Confirmed,
        (Proposed | Approved, Step::Withdraw) => s.status = Withdrawn,
        (Confirmed, Step::Decline | Step::Withdraw) => s.status = Withdrawn,
        (Active, Step::EndEarly) => s.status = Returned,
        _ => return Err(wrong()),
    }
    Ok(s)
}

/// The status a confirmed or active move has on `today`: it begins on its start date and ends
/// after its end date.
pub fn on_day(status: MoveStatus, starts_on: NaiveDate, ends_on: NaiveDate, today: NaiveDate) -> MoveStatus {
    match status {
        MoveStatus::Confirmed if today > ends_on => MoveStatus::Returned,
        MoveStatus::Confirmed if today >= starts_on => MoveStatus::Active,
        MoveStatus::Active if today > ends_on => MoveStatus::Returned,
        other => other,
    }
}

/// Whole months from `start` to the day after `end` (1 Sep – 31 Aug is 12).
pub fn months_between(start: NaiveDate, end: NaiveDate) -> i64 {
    let after = end.succ_opt().unwrap_or(end);
    let mut m = (after.year() - start.year()) as i64 * 12 + after.month() as i64 - start.month() as i64;
    if after.day() < start.day() {
        m -= 1;
    }
    m
}

/// Checks a move's period and share of load for its form: the dates in order, the length within
/// the form's months, and a partial load (10–80 %) with at least one weekday only for 走教 and
/// 跨校兼课. Returns the field and problem of the first thing wrong.
pub fn check_terms(
    form: Form,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    load_percent: u32,
    weekdays: &[u32],
) -> Result<(), (&'static str, Problem)> {
    if ends_on <= starts_on {
        return Err(("ends_on", Problem::EndBeforeStart));
    }
    let (min, max) = form.months();
    let months = months_between(starts_on, ends_on);
    if months < min as i64 || months > max as i64 {
        return Err(("ends_on", Problem::MonthsOutOfRange { months: months.to_string(), min: min.to_string(), max: max.to_string() }));
    }
    if form.moves_the_post() {
        if load_percent != 100 {
            return Err(("load_percent", Problem::OutOfRange { value: load_percent.to_string(), min: "100".into(), max: "100".into() }));
        }
    } else {
        if !(10..=80).contains(&load_percent) {
            return Err(("load_percent", Problem::OutOfRange { value: load_percent.to_string(), min: "10".into(), max: "80".into() }));
        }
        if weekdays.is_empty() {
            return Err(("weekdays", Problem::Required));
        }
        if let Some(bad) = weekdays.iter().find(|d| !(1..=7).contains(*d)) {
            return Err(("weekdays", Problem::OutOfRange { value: bad.to_string(), min: "1".into(), max: "7".into() }));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn proposed() -> MoveState {
        MoveState { status: MoveStatus::Proposed, sending_agreed: false, receiving_agreed: false }
    }

    #[test]
    fn both_schools_then_the_bureau() {
        let one = next(proposed(), Step::Approve(Side::Receiving)).unwrap();
        assert_eq!(one.status, MoveStatus::Proposed, "one school is not enough");
        assert!(next(one, Step::Approve(Side::Receiving)).is_err(), "a school agrees once");
        assert!(next(one, Step::Confirm).is_err(), "the bureau waits for both schools");
        let both = next(one, Step::Approve(Side::Sending)).unwrap();
        assert_eq!(both.status, MoveStatus::Approved);
        assert_eq!(next(both, Step::Confirm).unwrap().status, MoveStatus::Confirmed);
        assert_eq!(next(both, Step::Decline).unwrap().status, MoveStatus::Declined);
        let done = MoveState { status: MoveStatus::Returned, ..both };
        assert_eq!(next(done, Step::Withdraw), Err(Problem::WrongStep { status: "returned".into() }));
    }

    #[test]
    fn a_confirmed_move_starts_and_ends_by_the_calendar() {
        let (s, e) = (day(2026, 9, 1), day(2027, 8, 31));
        assert_eq!(on_day(MoveStatus::Confirmed, s, e, day(2026, 8, 31)), MoveStatus::Confirmed);
        assert_eq!(on_day(MoveStatus::Confirmed, s, e, s), MoveStatus::Active);
        assert_eq!(on_day(MoveStatus::Active, s, e, e), MoveStatus::Active, "the end date is still worked");
        assert_eq!(on_day(MoveStatus::Active, s, e, day(2027, 9, 1)), MoveStatus::Returned);
        assert_eq!(on_day(MoveStatus::Confirmed, s, e, day(2028, 1, 1)), MoveStatus::Returned, "confirmed too late: over");
        assert_eq!(on_day(MoveStatus::Approved, s, e, day(2026, 10, 1)), MoveStatus::Approved, "not confirmed: not begun");
    }

    #[test]
    fn periods_by_form() {
        assert_eq!(months_between(day(2026, 9, 1), day(2027, 8, 31)), 12);
        assert_eq!(months_between(day(2026, 9, 1), day(2029, 8, 31)), 36);
        assert_eq!(months_between(day(2026, 9, 1), day(2027, 1, 31)), 5);
        assert!(check_terms(Form::Rotation, day(2026, 9, 1), day(2027, 8, 31), 100, &[]).is_ok());
        assert_eq!(check_terms(Form::Rotation, day(2026, 9, 1), day(2027, 1, 31), 100, &[]).unwrap_err().0, "ends_on");
        assert_eq!(check_terms(Form::Rotation, day(2026, 9, 1), day(2030, 8, 31), 100, &[]).unwrap_err().0, "ends_on");
        assert_eq!(check_terms(Form::Itinerant, day(2026, 9, 1), day(2027, 1, 31), 100, &[2]).unwrap_err().0, "load_percent");
        assert_eq!(check_terms(Form::Itinerant, day(2026, 9, 1), day(2027, 1, 31), 40, &[]).unwrap_err().0, "weekdays");
        assert!(check_terms(Form::Itinerant, day(2026, 9, 1), day(2027, 1, 31), 40, &[2, 4]).is_ok());
        assert_eq!(
            check_terms(Form::Support, day(2026, 9, 1), day(2026, 9, 1), 100, &[]).unwrap_err(),
            ("ends_on", Problem::EndBeforeStart)
        );
    }
}
