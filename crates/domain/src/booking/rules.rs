//! A facility's sharing rules (共享规则), set by its school, and the check of one booking slot
//! against them. Collisions with other bookings are the store's to find (they need the data);
//! everything else about a slot is decided here.

use super::ShareWith;
use super::calendar::SchoolCalendar;
use crate::Problem;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// A stretch of local time, start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Slot {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl Slot {
    pub fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }

    pub fn overlaps(&self, other: &Slot) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Monday of the slot's week: the week a weekly quota counts in.
    pub fn week(&self) -> NaiveDate {
        let day = self.start.date();
        day - chrono::Duration::days(day.weekday().num_days_from_monday() as i64)
    }
}

/// The longest any booking may last, in minutes.
pub const LONGEST_MINUTES: i64 = 24 * 60;

/// Times a facility is not lent: a one-off stretch (an exam, a repair) or a weekly slot (the
/// owner school's own lessons, which come first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Blackout {
    Once { slot: Slot, reason: String },
    Weekly { weekday: u8, start: NaiveTime, end: NaiveTime, reason: String },
}

impl Blackout {
    /// The reason, if this blackout covers part of `slot`.
    pub fn hit(&self, slot: &Slot) -> Option<&str> {
        match self {
            Blackout::Once { slot: s, reason } => s.overlaps(slot).then_some(reason.as_str()),
            Blackout::Weekly { weekday, start, end, reason } => {
                let day = slot.start.date();
                let on = Slot { start: day.and_time(*start), end: day.and_time(*end) };
                (day.weekday().number_from_monday() == *weekday as u32 && on.overlaps(slot)).then_some(reason.as_str())
            }
        }
    }
}

/// How a school lends one of its facilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharingRules {
    pub share_with: ShareWith,
    /// Whether a booking waits for the owner's approval (待审批) or is confirmed at once.
    pub needs_approval: bool,
    /// How many hours ahead a booking must be made at least.
    pub min_notice_hours: u32,
    /// How many days ahead a booking may be made at most.
    pub horizon_days: u32,
    /// The longest single booking, in minutes.
    pub max_minutes: u32,
    /// Opening hours per weekday, Monday first; `None` closed that day.
    pub opening: [Option<(NaiveTime, NaiveTime)>; 7],
    /// Most people the facility holds.
    pub capacity: Option<u32>,
    /// Hours per week one borrowing school may book in all.
    pub weekly_quota_hours: Option<f64>,
    pub blackouts: Vec<Blackout>,
}

impl Default for SharingRules {
    /// What a facility starts with: shared in its cluster with approval, school days 08:00–17:30,
    /// a day's notice, up to 60 days ahead, at most four hours at a time.
    fn default() -> Self {
        let day = Some((NaiveTime::from_hms_opt(8, 0, 0).expect("time"), NaiveTime::from_hms_opt(17, 30, 0).expect("time")));
        SharingRules {
            share_with: ShareWith::Cluster,
            needs_approval: true,
            min_notice_hours: 24,
            horizon_days: 60,
            max_minutes: 240,
            opening: [day, day, day, day, day, None, None],
            capacity: None,
            weekly_quota_hours: None,
            blackouts: Vec::new(),
        }
    }
}

/// What a check of one slot needs to know besides the rules.
pub struct Asked<'a> {
    /// The local time now.
    pub now: NaiveDateTime,
    /// The owner school's calendar.
    pub calendar: &'a SchoolCalendar,
    /// People coming.
    pub attendees: Option<u32>,
    /// Minutes the borrowing school already holds of this facility in the slot's week (other
    /// bookings that hold their slot, and earlier dates of the same request).
    pub used_minutes_that_week: i64,
    /// Whether the slot's booker is the owner school itself (rules for lending do not apply).
    pub owner: bool,
}

fn hours(h: f64) -> String {
    let text = format!("{h:.1}");
    text.trim_end_matches(".0").to_string()
}

fn weekday_hours(opening: &Option<(NaiveTime, NaiveTime)>) -> String {
    match opening {
        Some((a, b)) => format!("{}–{}", a.format("%H:%M"), b.format("%H:%M")),
        None => "—".into(),
    }
}

impl SharingRules {
    /// Every rule `slot` breaks, each with the value it breaks. An empty list means the slot may
    /// be booked unless another booking holds it.
    pub fn check(&self, slot: &Slot, asked: &Asked<'_>) -> Vec<Problem> {
        let mut problems = Vec::new();
        if slot.end <= slot.start {
            problems.push(Problem::EndBeforeStart);
            return problems;
        }
        if let Some(off) = asked.calendar.day_off(slot.start.date()) {
            problems.push(off.problem(slot.start.date()));
        }
        if let Some(reason) = self.blackouts.iter().find_map(|b| b.hit(slot)) {
            problems.push(Problem::InBlackout { reason: reason.to_string() });
        }
        // No booking, not even the owner's, lasts beyond a day: the store looks for collisions
        // only among bookings that start within a day before (see `LONGEST`).
        if slot.minutes() > LONGEST_MINUTES {
            problems.push(Problem::BookingTooLong { max_minutes: LONGEST_MINUTES as usize, minutes: slot.minutes() as usize });
            return problems;
        }
        if asked.owner {
            return problems;
        }
        let opening = &self.opening[slot.start.weekday().num_days_from_monday() as usize];
        let inside = opening
            .is_some_and(|(open, close)| slot.start.date() == slot.end.date() && slot.start.time() >= open && slot.end.time() <= close);
        if !inside {
            let day = slot.start.weekday();
            problems.push(Problem::OutsideOpeningHours { weekday: weekday_code(day).to_string(), hours: weekday_hours(opening) });
        }
        if slot.minutes() > self.max_minutes as i64 {
            problems.push(Problem::BookingTooLong { max_minutes: self.max_minutes as usize, minutes: slot.minutes() as usize });
        }
        if slot.start < asked.now + chrono::Duration::hours(self.min_notice_hours as i64) {
            problems.push(Problem::TooShortNotice { hours: self.min_notice_hours as usize });
        }
        if slot.start.date() > asked.now.date() + chrono::Duration::days(self.horizon_days as i64) {
            problems.push(Problem::TooFarAhead { days: self.horizon_days as usize });
        }
        if let (Some(capacity), Some(people)) = (self.capacity, asked.attendees)
            && people > capacity
        {
            problems.push(Problem::OverCapacity { capacity: capacity as usize, attendees: people as usize });
        }
        if let Some(quota) = self.weekly_quota_hours {
            let used = asked.used_minutes_that_week + slot.minutes();
            if used as f64 > quota * 60.0 + 1e-9 {
                problems.push(Problem::OverWeeklyQuota {
                    quota_hours: hours(quota),
                    used_hours: hours(asked.used_minutes_that_week as f64 / 60.0),
                });
            }
        }
        problems
    }
}

/// `mon` … `sun`: how a weekday is named to the bundles, which word it (周一…周日).
pub fn weekday_code(day: Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][day.num_days_from_monday() as usize]
}

/// Opening hours per weekday from the registry's free text, as schools wrote it
/// ("周一至周五 8:00-17:30；周六 9:00-17:00", "每天 8:00-18:00", "工作日 16:30-18:30"). `None` when
/// any part does not read: the facility's page then asks its school to set the hours.
pub fn parse_opening(text: &str) -> Option<[Option<(NaiveTime, NaiveTime)>; 7]> {
    let mut week = [None; 7];
    let mut any = false;
    for part in text.split(['；', ';', '，', ',', '、', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let split = part.find(|c: char| c.is_ascii_digit())?;
        let (days, times) = part.split_at(split);
        let (from, to) = times.split_once(['-', '–', '—', '~', '～', '至'])?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
        let (from, to) = (time(from)?, time(to)?);
        if from >= to {
            return None;
        }
        for day in weekdays(days.trim())? {
            week[day] = Some((from, to));
        }
        any = true;
    }
    any.then_some(week)
}

/// The weekdays (0 = Monday) a Chinese day phrase names.
fn weekdays(text: &str) -> Option<Vec<usize>> {
    let day = |c: char| "一二三四五六日天".find(c).map(|i| (i / 3).min(6));
    let text = text.trim_end_matches([':', '：', ' ']);
    match text {
        "每天" | "每日" | "全周" => return Some((0..7).collect()),
        "工作日" | "周一至周五" => return Some((0..5).collect()),
        "周末" | "双休日" => return Some(vec![5, 6]),
        _ => {}
    }
    let names: Vec<char> = text.chars().filter(|c| "一二三四五六日天".contains(*c)).collect();
    let ranged = ["至", "到", "-", "–", "~"].iter().any(|r| text.contains(r));
    match (names.as_slice(), ranged) {
        ([a, b], true) => {
            let (a, b) = (day(*a)?, day(*b)?);
            (a <= b).then(|| (a..=b).collect())
        }
        (list, false) if !list.is_empty() && text.starts_with(['周', '星']) => list.iter().map(|c| day(*c)).collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::booking::calendar::Closure;

    fn at(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    fn calendar() -> SchoolCalendar {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        SchoolCalendar {
            terms: vec![(d(9, 1), d(12, 31))],
            closures: vec![Closure { from: d(10, 1), to: d(10, 7), reason: "国庆节".into() }],
        }
    }

    fn asked(calendar: &SchoolCalendar) -> Asked<'_> {
        Asked { now: at(9, 14, 9, 0), calendar, attendees: Some(40), used_minutes_that_week: 0, owner: false }
    }

    #[test]
    fn opening_hours_as_schools_wrote_them() {
        let t = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let week = parse_opening("周一至周五 16:30-18:30；周六 9:00-17:00").unwrap();
        assert_eq!(week[0], Some((t(16, 30), t(18, 30))));
        assert_eq!(week[4], Some((t(16, 30), t(18, 30))));
        assert_eq!(week[5], Some((t(9, 0), t(17, 0))));
        assert_eq!(week[6], None);
        assert_eq!(parse_opening("每天 8:00–18:00").unwrap()[6], Some((t(8, 0), t(18, 0))));
        assert_eq!(
            parse_opening("周二、周四 14:00-16:00").map(|w| w.iter().filter(|d| d.is_some()).count()),
            None,
            "周二、周四 splits at 、"
        );
        assert_eq!(parse_opening("周二周四 14:00-16:00").map(|w| w.iter().filter(|d| d.is_some()).count()), Some(2));
        assert_eq!(parse_opening("工作日 8:00-17:30").unwrap()[2], Some((t(8, 0), t(17, 30))));
        assert_eq!(parse_opening("上课时间开放"), None);
        assert_eq!(parse_opening("周一至周五 18:00-8:00"), None, "backwards");
        assert_eq!(parse_opening(""), None);
    }

    #[test]
    fn a_tuesday_afternoon_in_term_is_fine() {
        let c = calendar();
        // 2026-09-22 is a Tuesday.
        assert_eq!(SharingRules::default().check(&Slot { start: at(9, 22, 14, 0), end: at(9, 22, 15, 30) }, &asked(&c)), vec![]);
    }

    #[test]
    fn every_broken_rule_is_named_with_its_value() {
        let c = calendar();
        let rules = SharingRules {
            capacity: Some(30),
            weekly_quota_hours: Some(2.0),
            blackouts: vec![Blackout::Weekly {
                weekday: 2,
                start: NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(14, 40, 0).unwrap(),
                reason: "本校实验课".into(),
            }],
            ..SharingRules::default()
        };
        let mut a = asked(&c);
        a.used_minutes_that_week = 90;
        a.now = at(9, 22, 8, 0);
        let problems = rules.check(&Slot { start: at(9, 22, 14, 0), end: at(9, 22, 18, 30) }, &a);
        assert_eq!(
            problems,
            vec![
                Problem::InBlackout { reason: "本校实验课".into() },
                Problem::OutsideOpeningHours { weekday: "tue".into(), hours: "08:00–17:30".into() },
                Problem::BookingTooLong { max_minutes: 240, minutes: 270 },
                Problem::TooShortNotice { hours: 24 },
                Problem::OverCapacity { capacity: 30, attendees: 40 },
                Problem::OverWeeklyQuota { quota_hours: "2".into(), used_hours: "1.5".into() },
            ]
        );
    }

    #[test]
    fn holidays_weekends_midnight_and_the_horizon() {
        let c = calendar();
        let rules = SharingRules::default();
        let holiday = rules.check(&Slot { start: at(10, 2, 9, 0), end: at(10, 2, 10, 0) }, &asked(&c));
        assert!(holiday.contains(&Problem::DayOff { date: "2026-10-02".into(), reason: "国庆节".into() }), "{holiday:?}");
        let saturday = rules.check(&Slot { start: at(9, 26, 9, 0), end: at(9, 26, 10, 0) }, &asked(&c));
        assert_eq!(saturday, vec![Problem::OutsideOpeningHours { weekday: "sat".into(), hours: "—".into() }]);
        let overnight = rules.check(&Slot { start: at(9, 22, 17, 0), end: at(9, 23, 9, 0) }, &asked(&c));
        assert!(overnight.iter().any(|p| matches!(p, Problem::OutsideOpeningHours { .. })), "crosses midnight: {overnight:?}");
        let far = rules.check(&Slot { start: at(12, 1, 9, 0), end: at(12, 1, 10, 0) }, &asked(&c));
        assert_eq!(far, vec![Problem::TooFarAhead { days: 60 }]);
        let backwards = rules.check(&Slot { start: at(9, 22, 10, 0), end: at(9, 22, 9, 0) }, &asked(&c));
        assert_eq!(backwards, vec![Problem::EndBeforeStart]);
        let mut owner = asked(&c);
        owner.owner = true;
        assert_eq!(rules.check(&Slot { start: at(9, 26, 9, 0), end: at(9, 26, 10, 0) }, &owner), vec![], "the owner uses it any day");
    }
}
