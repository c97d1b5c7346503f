//! The rural teachers' living allowance (乡村教师生活补助): the county pays teachers working at
//! schools in towns and villages a monthly amount by tier — a tier names townships, or applies
//! from a distance to the county seat — for each month they work there.
//!
//! A month is paid at the school the teacher works at on its 15th (the mid-month rule: a move
//! on 1 September pays September at the new school, a move on the 20th pays that month at the
//! old one), so no month is paid twice.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Locality;

/// One tier: its name, the townships it covers, the distance from which it applies, and the
/// monthly amount in yuan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubsidyTier {
    pub name: String,
    /// Townships (乡镇) whose schools are in this tier whatever their distance.
    #[serde(default)]
    pub townships: Vec<String>,
    /// Schools at least this far from the county seat are in this tier (if no township tier
    /// names theirs); the farthest fitting tier wins.
    pub min_km: f64,
    pub monthly_yuan: u32,
}

/// The county's tiers. The defaults are an example a county replaces: 200 yuan from the town's
/// edge, 400 beyond 15 km, 600 beyond 30 km.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubsidyRules {
    pub tiers: Vec<SubsidyTier>,
}

impl Default for SubsidyRules {
    fn default() -> Self {
        let tier =
            |name: &str, min_km: f64, monthly_yuan: u32| SubsidyTier { name: name.into(), townships: Vec::new(), min_km, monthly_yuan };
        SubsidyRules { tiers: vec![tier("一类", 0.0, 200), tier("二类", 15.0, 400), tier("三类", 30.0, 600)] }
    }
}

/// Where a school is, as the tiers read it.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolPlace {
    pub locality: Locality,
    pub township: String,
    /// Kilometres from the county seat, if the school has a location.
    pub km_from_seat: Option<f64>,
}

impl SubsidyRules {
    /// The tier of a school: none for urban schools; a tier naming its township; else the
    /// farthest tier it is beyond.
    pub fn tier_of(&self, place: &SchoolPlace) -> Option<&SubsidyTier> {
        if place.locality == Locality::Urban {
            return None;
        }
        let township = place.township.trim();
        if let Some(t) = self.tiers.iter().find(|t| !township.is_empty() && t.townships.iter().any(|n| n.trim() == township)) {
            return Some(t);
        }
        let km = place.km_from_seat?;
        self.tiers.iter().filter(|t| t.townships.is_empty() && km >= t.min_km).max_by(|a, b| a.min_km.total_cmp(&b.min_km))
    }
}

/// A period a teacher worked at a school other than their home school (first and last day).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub school_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The school a teacher works at on each month's 15th of `year` (None when they were not at
/// any: before joining their home school, or after leaving the service on `left_on`).
pub fn schools_by_month(
    home: i64,
    joined: NaiveDate,
    left_on: Option<NaiveDate>,
    placements: &[Placement],
    year: i32,
) -> [Option<i64>; 12] {
    let mut out = [None; 12];
    for (m, slot) in out.iter_mut().enumerate() {
        let Some(mid) = NaiveDate::from_ymd_opt(year, m as u32 + 1, 15) else { continue };
        if mid < joined || left_on.is_some_and(|l| mid > l) {
            continue;
        }
        *slot = Some(placements.iter().find(|p| p.from <= mid && mid <= p.to).map(|p| p.school_id).unwrap_or(home));
    }
    out
}

/// The allowance for one teacher's year: per school they were paid at, the months and the
/// amount; `tier` gives a school's monthly amount (0 when it has none).
pub fn yearly_allowance(months: &[Option<i64>; 12], tier: impl Fn(i64) -> u32) -> Vec<(i64, u32, u32)> {
    let mut out: Vec<(i64, u32, u32)> = Vec::new();
    for school in months.iter().flatten() {
        let yuan = tier(*school);
        if yuan == 0 {
            continue;
        }
        match out.iter_mut().find(|(s, _, _)| s == school) {
            Some(row) => {
                row.1 += 1;
                row.2 += yuan;
            }
            None => out.push((*school, 1, yuan)),
        }
    }
    out
}

/// The month numbers (1–12) a `[Option<i64>; 12]` puts at `school`.
pub fn months_at(months: &[Option<i64>; 12], school: i64) -> Vec<u32> {
    months.iter().enumerate().filter(|(_, s)| **s == Some(school)).map(|(m, _)| m as u32 + 1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn place(locality: Locality, township: &str, km: Option<f64>) -> SchoolPlace {
        SchoolPlace { locality, township: township.into(), km_from_seat: km }
    }

    #[test]
    fn tiers_by_township_then_distance() {
        let mut rules = SubsidyRules::default();
        rules.tiers.push(SubsidyTier { name: "山区".into(), townships: vec!["石门乡".into()], min_km: 0.0, monthly_yuan: 800 });
        assert_eq!(rules.tier_of(&place(Locality::Urban, "城关镇", Some(40.0))), None, "urban schools get none");
        assert_eq!(rules.tier_of(&place(Locality::Rural, "石门乡", Some(3.0))).unwrap().monthly_yuan, 800);
        assert_eq!(rules.tier_of(&place(Locality::Rural, "河口镇", Some(3.0))).unwrap().monthly_yuan, 200);
        assert_eq!(rules.tier_of(&place(Locality::Town, "河口镇", Some(15.0))).unwrap().monthly_yuan, 400, "15 km is in the second tier");
        assert_eq!(rules.tier_of(&place(Locality::Rural, "河口镇", Some(31.5))).unwrap().monthly_yuan, 600);
        assert_eq!(rules.tier_of(&place(Locality::Rural, "河口镇", None)), None, "no location, no distance tier");
    }

    #[test]
    fn a_year_with_a_rotation_by_hand() {
        // Home school 1 (urban, no allowance); rotated to school 2 (400 yuan) from 1 September
        // 2026 to 31 August 2027. In 2026 they worked at school 2 in September–December.
        let p = [Placement { school_id: 2, from: day(2026, 9, 1), to: day(2027, 8, 31) }];
        let months = schools_by_month(1, day(2010, 9, 1), None, &p, 2026);
        assert_eq!(months_at(&months, 2), vec![9, 10, 11, 12]);
        let tier = |s: i64| if s == 2 { 400 } else { 0 };
        assert_eq!(yearly_allowance(&months, tier), vec![(2, 4, 1600)]);
        // 2027: January–August at school 2, back home from September.
        let next = schools_by_month(1, day(2010, 9, 1), None, &p, 2027);
        assert_eq!(yearly_allowance(&next, tier), vec![(2, 8, 3200)]);
    }

    #[test]
    fn mid_month_rule_and_joining() {
        // Joined a rural school (600) on 20 March: paid from April, nine months.
        let months = schools_by_month(3, day(2026, 3, 20), None, &[], 2026);
        assert_eq!(yearly_allowance(&months, |_| 600), vec![(3, 9, 5400)]);
        // A move starting on the 10th pays that month at the new school; one on the 20th does not.
        let early = [Placement { school_id: 4, from: day(2026, 5, 10), to: day(2026, 12, 31) }];
        assert_eq!(months_at(&schools_by_month(3, day(2000, 1, 1), None, &early, 2026), 4)[0], 5);
        let late = [Placement { school_id: 4, from: day(2026, 5, 20), to: day(2026, 12, 31) }];
        assert_eq!(months_at(&schools_by_month(3, day(2000, 1, 1), None, &late, 2026), 4)[0], 6);
        // Retired on 30 June: six months.
        let left = schools_by_month(3, day(2000, 1, 1), Some(day(2026, 6, 30)), &[], 2026);
        assert_eq!(yearly_allowance(&left, |_| 200), vec![(3, 6, 1200)]);
    }
}
