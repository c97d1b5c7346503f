//! Who is due to rotate in a school year, and how many must.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{Backbone, Gender};

/// The county's numbers (all configurable; the defaults are the national policy's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RotationRules {
    /// Years at one school after which a teacher is due (6).
    pub years_teacher: u32,
    /// The same for principals and vice-principals (10).
    pub years_leader: u32,
    /// Share of those due at sending schools who must rotate each year (0.10).
    pub quota: f64,
    /// Share of the rotated who must be backbone teachers of county level or higher (0.20).
    pub backbone_share: f64,
    /// Teachers this close to retirement are not sent (2 years).
    pub retiring_within_years: u32,
    /// Retirement ages by gender (60 / 55).
    pub retirement_age_male: u32,
    pub retirement_age_female: u32,
}

impl Default for RotationRules {
    fn default() -> Self {
        RotationRules {
            years_teacher: 6,
            years_leader: 10,
            quota: 0.10,
            backbone_share: 0.20,
            retiring_within_years: 2,
            retirement_age_male: 60,
            retirement_age_female: 55,
        }
    }
}

/// What eligibility reads of a teacher.
#[derive(Debug, Clone, PartialEq)]
pub struct TeacherFacts {
    pub joined_school_on: NaiveDate,
    pub birth_year: Option<i32>,
    pub gender: Gender,
    pub backbone: Backbone,
    /// A principal or vice-principal (ten years, not six).
    pub leader: bool,
    /// A reason the school gave to leave the teacher out this year (illness, pregnancy, already
    /// rotated …), if it did.
    pub excluded: Option<String>,
}

/// Why a teacher is not due this year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Exclusion {
    /// Fewer full years at the school than the rule asks.
    TooFewYears { years: u32, needed: u32 },
    /// Retires within the years the rule spares.
    Retiring { year: i32 },
    /// The school left them out, for the reason it gave.
    ByTheSchool { reason: String },
}

/// Full years from `since` to `on` (a year counts once its anniversary has passed).
pub fn full_years(since: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - since.year();
    if (on.month(), on.day()) < (since.month(), since.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// Whether a teacher is due to rotate in the school year starting `year_start` (1 September),
/// or why not. The school's own exclusion wins, then retirement, then the years.
pub fn eligibility(t: &TeacherFacts, year_start: NaiveDate, rules: &RotationRules) -> Result<(), Exclusion> {
    if let Some(reason) = t.excluded.as_ref().filter(|r| !r.trim().is_empty()) {
        return Err(Exclusion::ByTheSchool { reason: reason.clone() });
    }
    if let Some(born) = t.birth_year {
        let age = match t.gender {
            Gender::Male => rules.retirement_age_male,
            Gender::Female => rules.retirement_age_female,
        };
        let retires = born + age as i32;
        if retires <= year_start.year() + rules.retiring_within_years as i32 {
            return Err(Exclusion::Retiring { year: retires });
        }
    }
    let needed = if t.leader { rules.years_leader } else { rules.years_teacher };
    let years = full_years(t.joined_school_on, year_start);
    if years < needed {
        return Err(Exclusion::TooFewYears { years, needed });
    }
    Ok(())
}

/// How many of `eligible_at_sending` teachers must rotate: the share, rounded up.
pub fn required_moves(eligible_at_sending: usize, rules: &RotationRules) -> usize {
    (rules.quota * eligible_at_sending as f64 - 1e-9).ceil().max(0.0) as usize
}

/// How many of `moves` rotations must be backbone teachers: the share, rounded up.
pub fn required_backbone(moves: usize, rules: &RotationRules) -> usize {
    (rules.backbone_share * moves as f64 - 1e-9).ceil().max(0.0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn teacher(joined: NaiveDate) -> TeacherFacts {
        TeacherFacts {
            joined_school_on: joined,
            birth_year: Some(1985),
            gender: Gender::Female,
            backbone: Backbone::None,
            leader: false,
            excluded: None,
        }
    }

    #[test]
    fn six_full_years_by_the_first_of_september() {
        let rules = RotationRules::default();
        let start = day(2026, 9, 1);
        assert_eq!(eligibility(&teacher(day(2020, 9, 1)), start, &rules), Ok(()), "exactly six years");
        assert_eq!(eligibility(&teacher(day(2020, 9, 2)), start, &rules), Err(Exclusion::TooFewYears { years: 5, needed: 6 }));
        let leader = TeacherFacts { leader: true, ..teacher(day(2018, 3, 1)) };
        assert_eq!(eligibility(&leader, start, &rules), Err(Exclusion::TooFewYears { years: 8, needed: 10 }));
    }

    #[test]
    fn retirement_and_the_schools_reason_come_first() {
        let rules = RotationRules::default();
        let start = day(2026, 9, 1);
        // A woman born 1972 retires at 55 in 2027: within two years of 2026.
        let near = TeacherFacts { birth_year: Some(1972), ..teacher(day(2000, 9, 1)) };
        assert_eq!(eligibility(&near, start, &rules), Err(Exclusion::Retiring { year: 2027 }));
        // A man born 1972 retires in 2032: due.
        let man = TeacherFacts { gender: Gender::Male, ..near.clone() };
        assert_eq!(eligibility(&man, start, &rules), Ok(()));
        let ill = TeacherFacts { excluded: Some("病休".into()), ..man };
        assert_eq!(eligibility(&ill, start, &rules), Err(Exclusion::ByTheSchool { reason: "病休".into() }));
    }

    #[test]
    fn quotas_round_up() {
        let rules = RotationRules::default();
        assert_eq!(required_moves(0, &rules), 0);
        assert_eq!(required_moves(10, &rules), 1);
        assert_eq!(required_moves(11, &rules), 2, "10 % of 11 is 1.1: two teachers");
        assert_eq!(required_moves(130, &rules), 13);
        assert_eq!(required_backbone(13, &rules), 3, "20 % of 13 is 2.6");
        assert_eq!(required_backbone(5, &rules), 1);
    }
}
