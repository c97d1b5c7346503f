//! Running a cluster: what the county sets for it, and the vocabularies of work plans, council
//! meetings and budgets' spending.

use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::activity::hours::{Category, HourRules, Tenths};
use crate::budget::Fen;

/// What the bureau sets for the county: the yearly training-hours requirement and its split,
/// and the amount above which spending needs the bureau's approval too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunningSettings {
    pub hours: HourRules,
    /// Fen; spending of more than this is approved by the bureau after the cluster head.
    pub bureau_limit: Fen,
}

impl Default for RunningSettings {
    fn default() -> Self {
        // 72 hours a year, 24 of them school-based and 24 in training; 5,000 yuan.
        RunningSettings { hours: HourRules::default(), bureau_limit: 500_000 }
    }
}

impl RunningSettings {
    /// Checks every number; the first field that is wrong, and why.
    pub fn check(&self) -> Result<(), (&'static str, Problem)> {
        let range = |value: Tenths| Problem::OutOfRange { value: crate::activity::hours::show(value), min: "0".into(), max: "500".into() };
        if !(0..=5000).contains(&self.hours.total) {
            return Err(("hours_total", range(self.hours.total)));
        }
        for (category, min) in &self.hours.minimum {
            if !(0..=self.hours.total).contains(min) {
                let field = if *category == Category::SchoolBased { "hours_school_based" } else { "hours_training" };
                return Err((
                    field,
                    Problem::OutOfRange {
                        value: crate::activity::hours::show(*min),
                        min: "0".into(),
                        max: crate::activity::hours::show(self.hours.total),
                    },
                ));
            }
        }
        if !(0..=10_000_000_000).contains(&self.bureau_limit) {
            return Err((
                "bureau_limit",
                Problem::OutOfRange { value: crate::budget::yuan(self.bureau_limit), min: "0".into(), max: "100000000".into() },
            ));
        }
        Ok(())
    }
}

/// Years either side of its plan's year a task may be due or done.
pub const PLAN_YEARS_AROUND: i32 = 2;
/// Years either side of this year a date of no plan may lie (activities, meetings, council
/// terms, training hours).
pub const YEARS_AROUND: i32 = 5;

/// Whether `date` lies within `year` and `years_around` years either side (a task due
/// `0000-01-01` is a typing error, not a plan); the range otherwise, for the field's message.
pub fn check_date(date: chrono::NaiveDate, year: i32, years_around: i32) -> Result<(), Problem> {
    let (min, max) = date_range(year, years_around);
    if date < min || date > max {
        return Err(Problem::OutOfRange { value: date.to_string(), min: min.to_string(), max: max.to_string() });
    }
    Ok(())
}

/// The first and last day [`check_date`] takes.
pub fn date_range(year: i32, years_around: i32) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let day = |y: i32, m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(y, m, d);
    (
        day(year.saturating_sub(years_around), 1, 1).unwrap_or(chrono::NaiveDate::MIN),
        day(year.saturating_add(years_around), 12, 31).unwrap_or(chrono::NaiveDate::MAX),
    )
}

coded_enum! {
    /// What a running file is attached to.
    AttachmentOwner {
        Activity => ("activity", "活动"),
        Task => ("task", "重点任务"),
        Meeting => ("meeting", "理事会会议"),
        Expenditure => ("expenditure", "经费支出"),
    }
}

coded_enum! {
    /// Where a plan task stands.
    TaskStatus {
        Planned => ("planned", "未开始"),
        InProgress => ("in_progress", "进行中"),
        Done => ("done", "已完成"),
        Dropped => ("dropped", "已取消"),
    }
}

coded_enum! {
    /// Where a council decision stands.
    DecisionStatus {
        Open => ("open", "落实中"),
        Done => ("done", "已落实"),
        Dropped => ("dropped", "已撤销"),
    }
}

coded_enum! {
    /// Roles on a cluster's council (学区理事会 / 集团理事会), besides the officers of the cluster.
    CouncilRole {
        Chair => ("chair", "理事长"),
        ViceChair => ("vice_chair", "副理事长"),
        Member => ("member", "理事"),
        Secretary => ("secretary", "秘书长"),
        Supervisor => ("supervisor", "监事"),
    }
}

coded_enum! {
    /// Where an expenditure stands.
    SpendStatus {
        Pending => ("pending", "待学区审批"),
        AwaitingBureau => ("awaiting_bureau", "待教育局审批"),
        Approved => ("approved", "已批准"),
        Declined => ("declined", "已退回"),
    }
}

/// Whether a task finished on time: done on or before its due date.
pub fn on_time(status: TaskStatus, due: chrono::NaiveDate, done_on: Option<chrono::NaiveDate>) -> bool {
    status == TaskStatus::Done && done_on.is_some_and(|d| d <= due)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_lie_near_their_year() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert!(check_date(d(2026, 3, 1), 2026, 2).is_ok());
        assert!(check_date(d(2024, 1, 1), 2026, 2).is_ok() && check_date(d(2028, 12, 31), 2026, 2).is_ok());
        assert_eq!(
            check_date(d(0, 1, 1), 2026, 2),
            Err(Problem::OutOfRange { value: "0000-01-01".into(), min: "2024-01-01".into(), max: "2028-12-31".into() })
        );
        assert!(check_date(d(2029, 1, 1), 2026, 2).is_err());
        // No overflow at the edges of the calendar.
        let _ = check_date(d(2026, 1, 1), i32::MAX, 5);
        let _ = check_date(d(2026, 1, 1), i32::MIN, 5);
    }

    #[test]
    fn settings_are_checked_by_field() {
        assert!(RunningSettings::default().check().is_ok());
        let mut s = RunningSettings::default();
        s.hours.minimum.insert(Category::Training, 800);
        assert_eq!(s.check().unwrap_err().0, "hours_training");
        let s = RunningSettings { bureau_limit: -1, ..RunningSettings::default() };
        assert_eq!(s.check().unwrap_err().0, "bureau_limit");
    }

    #[test]
    fn on_time_means_done_by_the_due_date() {
        let d = |day| chrono::NaiveDate::from_ymd_opt(2026, 6, day).unwrap();
        assert!(on_time(TaskStatus::Done, d(10), Some(d(10))));
        assert!(!on_time(TaskStatus::Done, d(10), Some(d(11))));
        assert!(!on_time(TaskStatus::InProgress, d(10), None));
    }
}
