//! The school calendar (校历: terms, holidays, exam weeks, a school's own closed days) and the bell
//! schedule (作息时间: lesson periods), which turn "周二 第5–6节" into times.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// One lesson period of a bell schedule: 第`number`节, from `start` to `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub number: u8,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A school's lesson periods for one stage, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BellSchedule {
    pub periods: Vec<Period>,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("a valid time of day")
}

impl BellSchedule {
    /// A common primary-school day: 40-minute periods, four in the morning (with the long break
    /// after the second) and three in the afternoon.
    pub fn primary() -> Self {
        Self::from_pairs(&[
            (8, 0, 8, 40),
            (8, 50, 9, 30),
            (9, 55, 10, 35),
            (10, 45, 11, 25),
            (14, 0, 14, 40),
            (14, 50, 15, 30),
            (15, 40, 16, 20),
        ])
    }

    /// A common junior-secondary day: 45-minute periods, four in the morning and four in the
    /// afternoon.
    pub fn junior() -> Self {
        Self::from_pairs(&[
            (8, 0, 8, 45),
            (8, 55, 9, 40),
            (10, 0, 10, 45),
            (10, 55, 11, 40),
            (14, 0, 14, 45),
            (14, 55, 15, 40),
            (15, 50, 16, 35),
            (16, 45, 17, 30),
        ])
    }

    fn from_pairs(pairs: &[(u32, u32, u32, u32)]) -> Self {
        let periods = pairs
            .iter()
            .enumerate()
            .map(|(i, &(h1, m1, h2, m2))| Period { number: i as u8 + 1, start: hm(h1, m1), end: hm(h2, m2) })
            .collect();
        BellSchedule { periods }
    }

    pub fn period(&self, number: u8) -> Option<&Period> {
        self.periods.iter().find(|p| p.number == number)
    }

    /// From the start of period `first` to the end of period `last` (第5–6节 → 14:00–15:30).
    pub fn span(&self, first: u8, last: u8) -> Option<(NaiveTime, NaiveTime)> {
        let (a, b) = (self.period(first)?, self.period(last)?);
        (a.start < b.end).then_some((a.start, b.end))
    }

    /// The periods a time range covers, if it starts and ends on period boundaries.
    pub fn periods_of(&self, start: NaiveTime, end: NaiveTime) -> Option<(u8, u8)> {
        let first = self.periods.iter().find(|p| p.start == start)?;
        let last = self.periods.iter().find(|p| p.end == end)?;
        (first.number <= last.number).then_some((first.number, last.number))
    }

    /// Problems of a schedule as entered: periods in order, each ending after it starts and
    /// before the next begins.
    pub fn is_well_formed(&self) -> bool {
        self.periods.iter().all(|p| p.start < p.end) && self.periods.windows(2).all(|w| w[0].end <= w[1].start && w[0].number < w[1].number)
    }
}

/// Days a school is closed: a holiday, an exam week (closed to lending), or a day of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
}

/// The school year as a school lives it: its terms, and the days within them it is closed
/// (the county's holidays and exam weeks plus the school's own closed days).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolCalendar {
    pub terms: Vec<(NaiveDate, NaiveDate)>,
    pub closures: Vec<Closure>,
}

/// Why a day has no lending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DayOff {
    /// Outside every term (vacation).
    OutsideTerm,
    /// A holiday, exam week or closed day, by its name.
    Closed(String),
}

impl DayOff {
    pub fn problem(&self, day: NaiveDate) -> crate::Problem {
        match self {
            DayOff::OutsideTerm => crate::Problem::OutsideTerm { date: day.to_string() },
            DayOff::Closed(reason) => crate::Problem::DayOff { date: day.to_string(), reason: reason.clone() },
        }
    }
}

impl SchoolCalendar {
    /// Whether `day` is a school day, and if not, why.
    pub fn day_off(&self, day: NaiveDate) -> Option<DayOff> {
        if !self.terms.is_empty() && !self.terms.iter().any(|(a, b)| (*a..=*b).contains(&day)) {
            return Some(DayOff::OutsideTerm);
        }
        self.closures.iter().find(|c| (c.from..=c.to).contains(&day)).map(|c| DayOff::Closed(c.reason.clone()))
    }

    /// The term that holds `day`.
    pub fn term_of(&self, day: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        self.terms.iter().copied().find(|(a, b)| (*a..=*b).contains(&day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn periods_five_to_six_are_the_afternoon_pair() {
        let primary = BellSchedule::primary();
        assert!(primary.is_well_formed() && BellSchedule::junior().is_well_formed());
        assert_eq!(primary.span(5, 6), Some((hm(14, 0), hm(15, 30))));
        assert_eq!(primary.periods_of(hm(14, 0), hm(15, 30)), Some((5, 6)));
        assert_eq!(primary.span(6, 5), None, "backwards");
        assert_eq!(primary.span(5, 9), None, "no ninth period");
        assert_eq!(primary.periods_of(hm(14, 5), hm(15, 30)), None, "not on a boundary");
    }

    #[test]
    fn holidays_and_vacations_are_days_off() {
        let calendar = SchoolCalendar {
            terms: vec![(d(9, 1), d(12, 31))],
            closures: vec![Closure { from: d(10, 1), to: d(10, 7), reason: "国庆节".into() }],
        };
        assert_eq!(calendar.day_off(d(9, 15)), None);
        assert_eq!(calendar.day_off(d(10, 3)), Some(DayOff::Closed("国庆节".into())));
        assert_eq!(calendar.day_off(d(8, 20)), Some(DayOff::OutsideTerm));
        assert_eq!(calendar.term_of(d(11, 11)), Some((d(9, 1), d(12, 31))));
    }
}
