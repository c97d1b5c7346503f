//! Training hours (继续教育学时): what an attended activity gives, and a teacher's year against
//! the county's requirement. Hours are kept in tenths (an `i32` of 0.1 h) so sums are exact.
//!
//! An activity gives the hours its organiser credits (by default its length, in whole half
//! hours, at most eight a day); a teacher gets them when their attendance is recorded. The year
//! (a school year, from 1 September) must reach the county's total, and within it the minimum
//! of each category.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

coded_enum! {
    /// What the hours count as: school-based research (校本研修) or training (培训).
    Category {
        SchoolBased => ("school_based", "校本研修"),
        Training => ("training", "培训"),
    }
}

/// Tenths of an hour.
pub type Tenths = i32;

/// The hours a session of `minutes` gives by default: whole half hours, at most eight.
pub fn default_credit(minutes: i64) -> Tenths {
    let half_hours = minutes.max(0) / 30;
    (half_hours * 5).min(80) as Tenths
}

/// The county's yearly requirement: a total and a minimum per category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HourRules {
    pub total: Tenths,
    pub minimum: BTreeMap<Category, Tenths>,
}

impl Default for HourRules {
    /// 72 hours a year, at least 24 of them school-based research and 24 training.
    fn default() -> Self {
        HourRules { total: 720, minimum: [(Category::SchoolBased, 240), (Category::Training, 240)].into_iter().collect() }
    }
}

/// A teacher's year: hours per category, the total, and what is still missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearHours {
    pub by_category: BTreeMap<Category, Tenths>,
    pub total: Tenths,
    /// Hours still needed for the total, and per category below its minimum.
    pub missing_total: Tenths,
    pub missing: BTreeMap<Category, Tenths>,
}

impl YearHours {
    pub fn met(&self) -> bool {
        self.missing_total == 0 && self.missing.values().all(|m| *m == 0)
    }

    /// Behind the pace of the year on `day` (what the year's total asks for by then, spread
    /// evenly); a year that is over is behind when it is not met.
    pub fn behind(&self, year: i32, day: chrono::NaiveDate) -> bool {
        use chrono::Datelike;
        if day.year() != year {
            return day.year() > year && !self.met();
        }
        // The days of the year gone before `day`: on 1 January nothing is due yet.
        let needed = i64::from(self.total + self.missing_total);
        i64::from(self.total) < needed * i64::from(day.ordinal0()) / 365
    }
}

/// Sums the credited hours of the attended activities `(category, hours)` against `rules`.
pub fn year(attended: &[(Category, Tenths)], rules: &HourRules) -> YearHours {
    let mut by_category: BTreeMap<Category, Tenths> = Category::ALL.iter().map(|c| (*c, 0)).collect();
    for (category, hours) in attended {
        *by_category.entry(*category).or_default() += (*hours).max(0);
    }
    let total = by_category.values().sum();
    let missing = rules.minimum.iter().map(|(c, min)| (*c, (min - by_category.get(c).copied().unwrap_or(0)).max(0))).collect();
    YearHours { by_category, total, missing_total: (rules.total - total).max(0), missing }
}

/// One attended activity as credit reads it: when it ran and the hours it gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sitting {
    pub activity_id: i64,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub hours: Tenths,
}

/// A teacher cannot sit through two activities at once: where attended activities overlap in
/// time, only the one worth most hours is credited (the earlier on a tie, then the lower id).
/// Returns, for each activity not credited, the one credited in its place.
pub fn overlapping(sittings: &[Sitting]) -> BTreeMap<i64, i64> {
    let mut order: Vec<&Sitting> = sittings.iter().collect();
    order.sort_by(|a, b| b.hours.cmp(&a.hours).then(a.starts_at.cmp(&b.starts_at)).then(a.activity_id.cmp(&b.activity_id)));
    let mut credited: Vec<&Sitting> = Vec::new();
    let mut dropped = BTreeMap::new();
    for s in order {
        match credited.iter().find(|c| c.starts_at < s.ends_at && s.starts_at < c.ends_at) {
            Some(c) => {
                dropped.insert(s.activity_id, c.activity_id);
            }
            None => credited.push(s),
        }
    }
    dropped
}

/// Tenths as people read hours: `7.5`, `12`.
pub fn show(tenths: Tenths) -> String {
    if tenths % 10 == 0 { (tenths / 10).to_string() } else { format!("{}.{}", tenths / 10, (tenths % 10).abs()) }
}

/// Hours as people write them (`3`, `1.5`, `2.0`) in tenths; at most one decimal.
pub fn parse(text: &str) -> Option<Tenths> {
    let t = text.trim();
    let (whole, part) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || whole.len() > 5
        || part.len() > 1
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !part.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    Some(whole.parse::<Tenths>().ok()? * 10 + part.parse::<Tenths>().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn of_two_overlapping_activities_only_the_one_worth_more_is_credited() {
        let at = |h: u32, m: u32| chrono::NaiveDate::from_ymd_opt(2026, 10, 9).unwrap().and_hms_opt(h, m, 0).unwrap().and_utc();
        let sit = |id, from, to, hours| Sitting { activity_id: id, starts_at: from, ends_at: to, hours };
        let day = [
            // 14:00–16:00 for 4 h and 15:00–17:30 for 2.5 h overlap: the 4 h counts.
            sit(1, at(14, 0), at(16, 0), 40),
            sit(2, at(15, 0), at(17, 30), 25),
            // 16:00–17:00 touches the first without overlapping it, but overlaps the second
            // (which is not credited, so it does not block).
            sit(3, at(16, 0), at(17, 0), 10),
            // Far apart: counts.
            sit(4, at(8, 0), at(9, 0), 10),
        ];
        assert_eq!(overlapping(&day), BTreeMap::from([(2, 1)]));
        // A tie goes to the earlier.
        let tie = [sit(7, at(10, 0), at(12, 0), 20), sit(6, at(9, 0), at(11, 0), 20)];
        assert_eq!(overlapping(&tie), BTreeMap::from([(7, 6)]));
    }
    use Category::*;

    #[test]
    fn a_year_by_hand() {
        // Three afternoons of joint research (3 h each), a 2.5 h lecture, a four-day course
        // credited 8 h a day, and a 20-minute briefing that gives nothing.
        let attended =
            [(SchoolBased, 30), (SchoolBased, 30), (SchoolBased, 30), (Training, 25), (Training, 320), (Training, default_credit(20))];
        let y = year(&attended, &HourRules::default());
        assert_eq!(y.by_category[&SchoolBased], 90);
        assert_eq!(y.by_category[&Training], 345);
        assert_eq!(y.total, 435);
        assert_eq!(y.missing_total, 720 - 435);
        assert_eq!(y.missing[&SchoolBased], 240 - 90);
        assert_eq!(y.missing[&Training], 0);
        assert!(!y.met());
        assert_eq!((show(y.total), show(y.missing_total)), ("43.5".to_string(), "28.5".to_string()));
    }

    #[test]
    fn default_credit_counts_whole_half_hours_up_to_eight() {
        assert_eq!(default_credit(89), 10);
        assert_eq!(default_credit(90), 15);
        assert_eq!(default_credit(600), 80);
        assert_eq!(default_credit(-5), 0);
        let enough = [(SchoolBased, 300), (Training, 420)];
        assert!(year(&enough, &HourRules::default()).met());
    }

    #[test]
    fn hours_are_read_as_written() {
        assert_eq!(parse("3"), Some(30));
        assert_eq!(parse(" 1.5 "), Some(15));
        assert_eq!(parse("2.0"), Some(20));
        for bad in ["", "1.25", "-1", "1,5", "a", ".5", "999999"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod pace_tests {
    use super::*;
    use chrono::NaiveDate;

    fn year(total: Tenths, missing: Tenths) -> YearHours {
        YearHours { by_category: BTreeMap::new(), total, missing_total: missing, missing: BTreeMap::new() }
    }

    #[test]
    fn behind_is_measured_against_the_share_of_the_year_gone() {
        // 72 hours a year; on 1 July (day 182) about 36 are due.
        let july = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert!(year(300, 420).behind(2026, july), "30 of 72 on 1 July is behind");
        assert!(!year(400, 320).behind(2026, july), "40 of 72 on 1 July is ahead");
        assert!(!year(0, 720).behind(2026, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()), "nobody is behind on 1 January");
        assert!(year(700, 20).behind(2025, july), "a past year not met is behind");
        assert!(!year(720, 0).behind(2025, july), "a past year met is not");
    }
}
