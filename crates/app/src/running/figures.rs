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
use crate::figures::{self as registry, Period, Scope, ScopeKind, Source, Unit};
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
    /// Places on the lists of its activities held, and those present.
    #[serde(skip)]
    pub listed: usize,
    #[serde(skip)]
    pub present: usize,
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
    let calendar = (NaiveDate::from_ymd_opt(year, 1, 1).expect("year"), NaiveDate::from_ymd_opt(year + 1, 1, 1).expect("year"));
    figures_in(app, c, year, calendar).await
}

/// The same with the activities of `[from, to)`: the calendar year on the running pages, the
/// school year in the figures registry (plans and budgets stay those of calendar year `year`,
/// training hours those of the school year starting in it).
async fn figures_in(app: &App, c: &Caller, year: i32, (from, to): (NaiveDate, NaiveDate)) -> Result<Vec<ClusterFigures>> {
    let county = c.county();
    let clusters = Clusters::load(app, county).await?;
    let ids: Vec<i64> =
        clusters.all.iter().map(|k| k.id).filter(|k| policy::may_read_budget(&c.actor, &clusters.affairs(county, *k))).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
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
                listed: lists.len(),
                present: present as usize,
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

/// The figures of running a cluster: activities held in the school year, their attendance and
/// the share of member schools taking part, teachers who met the school year's training hours,
/// plan tasks done on time and budget execution (plans and budgets are kept by calendar year).
/// The county's are the sums over its clusters.
pub(crate) static FIGURES: registry::Provider = registry::Provider {
    figures: &[
        figure("activities.held", Unit::Count, Period::SchoolYear, Source::Activities),
        figure("activities.attendance", Unit::Percent, Period::SchoolYear, Source::Activities),
        figure("activities.schools_taking_part_share", Unit::Percent, Period::SchoolYear, Source::Activities),
        figure("training.hours_met_share", Unit::Percent, Period::SchoolYear, Source::Training),
        figure("tasks.on_time_share", Unit::Percent, Period::CalendarYear, Source::Plans),
        figure("budget.execution", Unit::Percent, Period::CalendarYear, Source::Budgets),
    ],
    compute: |app, c, year, scopes| Box::pin(running_figures(app, c, year, scopes)),
};

const fn figure(key: &'static str, unit: Unit, period: Period, source: Source) -> registry::Figure {
    registry::Figure { key, unit, higher_is_better: true, scopes: &[ScopeKind::County, ScopeKind::Cluster], period, source }
}

async fn running_figures(app: &App, c: &Caller, year: i32, scopes: &[Scope]) -> Result<registry::Values> {
    let (first, last) = crate::bookings::school_year(year);
    let rows = figures_in(app, c, year, (first, last.succ_opt().unwrap_or(last))).await?;
    let mut out = registry::Values::new();
    for scope in scopes {
        let mine: Vec<&ClusterFigures> = match *scope {
            Scope::County => rows.iter().collect(),
            Scope::Cluster(id) => rows.iter().filter(|r| r.cluster_id == id).collect(),
            Scope::School(_) => continue,
        };
        if mine.is_empty() {
            continue;
        }
        let sum = |f: fn(&ClusterFigures) -> usize| mine.iter().map(|r| f(r)).sum::<usize>();
        out.insert((*scope, "activities.held"), sum(|r| r.activities_held) as f64);
        // Attendance over every place on the lists (not a mean of the clusters' rates).
        let (present, listed) = (sum(|r| r.present), sum(|r| r.listed));
        if listed > 0 {
            out.insert((*scope, "activities.attendance"), present as f64 * 100.0 / listed as f64);
        }
        let share = |part: usize, whole: usize| registry::percent(part, whole);
        registry::put(
            &mut out,
            *scope,
            "activities.schools_taking_part_share",
            share(sum(|r| r.schools_taking_part), sum(|r| r.member_schools)),
        );
        registry::put(&mut out, *scope, "training.hours_met_share", share(sum(|r| r.teachers_met_hours), sum(|r| r.teachers)));
        registry::put(&mut out, *scope, "tasks.on_time_share", share(sum(|r| r.tasks_on_time), sum(|r| r.tasks_due)));
        let (total, spent): (i64, i64) = (mine.iter().map(|r| r.budget_total).sum(), mine.iter().map(|r| r.budget_spent).sum());
        registry::put(&mut out, *scope, "budget.execution", (total > 0).then(|| spent as f64 * 100.0 / total as f64));
    }
    Ok(out)
}
