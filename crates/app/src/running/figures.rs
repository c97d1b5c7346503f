//! The figures of running a cluster for a year, per cluster — what the cluster evaluation
//! reads: activities held, schools taking part, attendance rate, teachers who met their
//! training hours, plan tasks done on time, budget execution.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use xuequ_domain::access::running as policy;
use xuequ_domain::activity::ActivityStatus;
use xuequ_domain::activity::hours::{self, Category, Tenths};
use xuequ_domain::booking::to_utc;
use xuequ_domain::running::TaskStatus;
use xuequ_store::running::activities::ActivityFilter;

use super::{Clusters, check_year};
use crate::{App, Caller, Result};

/// One cluster's year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ClusterFigures {
    pub cluster_id: i64,
    pub name: String,
    pub member_schools: usize,
    /// Activities of the cluster that took place (begun, not cancelled).
    pub activities_held: usize,
    /// Member schools with a teacher present at one of them at least.
    pub schools_taking_part: usize,
    /// Teachers present of those on the lists, per mille (None without lists).
    pub attendance_permille: Option<i64>,
    /// Active teachers of member schools, and those who met the year's hours.
    pub teachers: usize,
    pub teachers_met_hours: usize,
    /// Plan tasks due in the year (by today), and done by their date.
    pub tasks_due: usize,
    pub tasks_on_time: usize,
    /// Fen.
    pub budget_total: i64,
    pub budget_spent: i64,
}

impl ClusterFigures {
    /// Budget execution in per cent.
    pub fn execution_percent(&self) -> Option<i64> {
        (self.budget_total > 0).then(|| self.budget_spent * 100 / self.budget_total)
    }
}

/// The figures of every cluster whose budget the caller may read (leaders: the bureau and
/// inspectors all, a head their own, a principal theirs) for calendar year `year`.
pub async fn figures(app: &App, c: &Caller, year: i32) -> Result<Vec<ClusterFigures>> {
    check_year("year", year)?;
    let county = c.county();
    let clusters = Clusters::load(app, county).await?;
    let ids: Vec<i64> =
        clusters.all.iter().map(|k| k.id).filter(|k| policy::may_read_budget(&c.actor, &clusters.affairs(county, *k))).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (from, to) = (NaiveDate::from_ymd_opt(year, 1, 1).expect("year"), NaiveDate::from_ymd_opt(year + 1, 1, 1).expect("year"));
    let day = |d: NaiveDate| to_utc(d.and_hms_opt(0, 0, 0).expect("midnight"));
    let now = chrono::Utc::now();
    let activities: Vec<_> = app
        .store
        .activities(county, &ActivityFilter { from: Some(day(from)), to: Some(day(to)), ..Default::default() })
        .await?
        .into_iter()
        .filter(|a| a.status == ActivityStatus::Scheduled && a.starts_at <= now && a.starts_at >= day(from))
        .collect();
    let act_ids: Vec<i64> = activities.iter().map(|a| a.id).collect();
    let mut attendees = Vec::new();
    for chunk in act_ids.chunks(500) {
        attendees.extend(app.store.attendees_of(county, chunk).await?);
    }
    // Training hours of every teacher of the county this year.
    let rules = app.store.running_settings(county).await?.hours;
    let teachers = app.store.active_teachers(county).await?;
    let earned: HashMap<i64, Vec<(Category, Tenths)>> = super::hours::entries(app, county, &teachers, year, true)
        .await?
        .into_iter()
        .map(|(t, list)| (t, list.iter().map(|e| (e.category, e.credited)).collect()))
        .collect();
    let plans = app.store.work_plans(county, Some(&ids), Some(year)).await?;
    let tasks = app.store.plan_tasks(county, &plans.iter().map(|p| p.id).collect::<Vec<_>>()).await?;
    let budgets = app.store.budgets(county, Some(&ids), Some(year)).await?;
    let lines = app.store.budget_lines(county, &budgets.iter().map(|b| b.id).collect::<Vec<_>>()).await?;
    let today = now.date_naive();
    Ok(ids
        .iter()
        .map(|k| {
            let schools: HashSet<i64> = clusters.schools(*k).iter().copied().collect();
            let held: HashSet<i64> = activities.iter().filter(|a| a.cluster_id == Some(*k)).map(|a| a.id).collect();
            let lists: Vec<_> = attendees.iter().filter(|r| held.contains(&r.activity_id)).collect();
            let present = lists.iter().filter(|r| r.checked_in_at.is_some()).count() as i64;
            let taking_part: HashSet<i64> =
                lists.iter().filter(|r| r.checked_in_at.is_some() && schools.contains(&r.school_id)).map(|r| r.school_id).collect();
            let members: Vec<_> = teachers.iter().filter(|t| schools.contains(&t.school_id)).collect();
            let met = members.iter().filter(|t| hours::year(earned.get(&t.id).map_or(&[], |v| v.as_slice()), &rules).met()).count();
            let plan_ids: HashSet<i64> = plans.iter().filter(|p| p.cluster_id == *k).map(|p| p.id).collect();
            let due: Vec<_> =
                tasks.iter().filter(|t| plan_ids.contains(&t.plan_id) && t.due_on <= today && t.status != TaskStatus::Dropped).collect();
            let on_time = due.iter().filter(|t| xuequ_domain::running::on_time(t.status, t.due_on, t.done_on)).count();
            let budget_ids: HashSet<i64> = budgets.iter().filter(|b| b.cluster_id == *k).map(|b| b.id).collect();
            let mine: Vec<_> = lines.iter().filter(|l| budget_ids.contains(&l.budget_id)).collect();
            ClusterFigures {
                cluster_id: *k,
                name: clusters.name(*k),
                member_schools: schools.len(),
                activities_held: held.len(),
                schools_taking_part: taking_part.len(),
                attendance_permille: (!lists.is_empty()).then(|| present * 1000 / lists.len() as i64),
                teachers: members.len(),
                teachers_met_hours: met,
                tasks_due: due.len(),
                tasks_on_time: on_time,
                budget_total: mine.iter().map(|l| l.amount).sum(),
                budget_spent: mine.iter().map(|l| l.spent).sum(),
            }
        })
        .collect())
}
