//! The dates a repeating booking falls on: every week or every n weeks until a day, skipping
//! the days the owner school is closed (holidays, exam weeks, vacations), which are listed with
//! the reason rather than dropped silently.

use super::calendar::{DayOff, SchoolCalendar};
use super::rules::Slot;
use serde::{Deserialize, Serialize};

/// Every `every_weeks` weeks, up to and including `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repeat {
    pub every_weeks: u32,
    pub until: chrono::NaiveDate,
}

/// One date of a request: its slot, and why it is skipped, if it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    pub slot: Slot,
    pub off: Option<DayOff>,
}

/// The most dates one request may cover (two terms of weekly lessons).
pub const MAX_OCCURRENCES: usize = 60;

/// The dates of a request, first first; `Err(n)` when it would cover more than
/// [`MAX_OCCURRENCES`] dates (`n` is how many).
pub fn expand(first: Slot, repeat: Option<Repeat>, calendar: &SchoolCalendar) -> Result<Vec<Occurrence>, usize> {
    let Some(repeat) = repeat else {
        return Ok(vec![Occurrence { slot: first, off: None }]);
    };
    let step = chrono::Duration::weeks(repeat.every_weeks.max(1) as i64);
    let count = ((repeat.until - first.start.date()).num_days().max(0) / step.num_days()) as usize + 1;
    if count > MAX_OCCURRENCES {
        return Err(count);
    }
    Ok((0..count as i32)
        .map(|k| {
            let slot = Slot { start: first.start + step * k, end: first.end + step * k };
            Occurrence { slot, off: calendar.day_off(slot.start.date()) }
        })
        .collect())
}

/// A series of dates written as a weekly rule, the way calendar programs take repeats (RRULE):
/// every `every_weeks` weeks from the first date, `count` times, less the `skipped` dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyRule {
    pub every_weeks: u32,
    pub count: usize,
    pub skipped: Vec<chrono::NaiveDateTime>,
}

/// The weekly rule of a series (sorted starts, one time of day), or `None` when it is a single
/// date or not weekly.
pub fn weekly_rule(starts: &[chrono::NaiveDateTime]) -> Option<WeeklyRule> {
    let (first, last) = (*starts.first()?, *starts.last()?);
    if starts.len() < 2 {
        return None;
    }
    let mut weeks = 0;
    for pair in starts.windows(2) {
        let gap = pair[1] - pair[0];
        if gap.num_days() <= 0 || gap.num_days() % 7 != 0 || gap != chrono::Duration::days(gap.num_days()) {
            return None;
        }
        weeks = gcd(weeks, gap.num_days() / 7);
    }
    let step = chrono::Duration::weeks(weeks);
    let count = ((last - first).num_days() / 7 / weeks) as usize + 1;
    let skipped = (0..count as i32).map(|k| first + step * k).filter(|d| !starts.contains(d)).collect();
    Some(WeeklyRule { every_weeks: weeks as u32, count, skipped })
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::booking::calendar::Closure;
    use chrono::NaiveDate;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn a_series_as_a_weekly_rule_with_its_gaps() {
        let at = |m: u32, day: u32| d(m, day).and_hms_opt(14, 0, 0).unwrap();
        let rule = weekly_rule(&[at(9, 22), at(9, 29), at(10, 13), at(10, 20)]).unwrap();
        assert_eq!(rule, WeeklyRule { every_weeks: 1, count: 5, skipped: vec![at(10, 6)] });
        let fortnightly = weekly_rule(&[at(9, 22), at(10, 6), at(11, 3)]).unwrap();
        assert_eq!((fortnightly.every_weeks, fortnightly.count, fortnightly.skipped.len()), (2, 4, 1));
        assert_eq!(weekly_rule(&[at(9, 22)]), None, "a single date");
        assert_eq!(weekly_rule(&[at(9, 22), at(9, 24)]), None, "not weekly");
    }

    #[test]
    fn a_term_of_tuesdays_skips_the_national_day_week() {
        let calendar = SchoolCalendar {
            terms: vec![(d(9, 1), d(10, 31))],
            closures: vec![Closure { from: d(10, 1), to: d(10, 7), reason: "国庆节".into() }],
        };
        let first = Slot { start: d(9, 22).and_hms_opt(14, 0, 0).unwrap(), end: d(9, 22).and_hms_opt(15, 30, 0).unwrap() };
        let dates = expand(first, Some(Repeat { every_weeks: 1, until: d(11, 10) }), &calendar).unwrap();
        let days: Vec<(u32, bool)> = dates.iter().map(|o| (chrono::Datelike::day(&o.slot.start.date()), o.off.is_none())).collect();
        assert_eq!(days, vec![(22, true), (29, true), (6, false), (13, true), (20, true), (27, true), (3, false), (10, false)]);
        assert_eq!(dates[2].off, Some(DayOff::Closed("国庆节".into())));
        assert_eq!(dates[6].off, Some(DayOff::OutsideTerm));
        let fortnightly = expand(first, Some(Repeat { every_weeks: 2, until: d(10, 31) }), &calendar).unwrap();
        assert_eq!(fortnightly.len(), 3, "22 Sep, 6 Oct, 20 Oct");
        assert_eq!(expand(first, Some(Repeat { every_weeks: 1, until: d(12, 31) + chrono::Duration::days(400) }), &calendar), Err(72));
        assert_eq!(expand(first, Some(Repeat { every_weeks: 1, until: d(9, 1) }), &calendar).unwrap().len(), 1, "until before: once");
    }
}
