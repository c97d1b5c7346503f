//! Where each person starts: the scope of their role with its figures and what needs doing.
//! The bureau sees the county; a cluster head their cluster and its schools; a principal or a
//! teacher their school. Later modules (booking, exchange, activities) add their figures and
//! tasks here, and the cluster evaluation adds its charts.

use crate::{App, AppError, Caller, Result};
use chrono::{DateTime, Datelike, Utc};
use xuequ_domain::Role;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_store::entities::cluster;
use xuequ_store::registry::{CountySummary, SchoolFigures};

pub enum Home {
    County { summary: CountySummary, tasks: Vec<Task> },
    Cluster { cluster: cluster::Model, schools: Vec<SchoolFigures>, tasks: Vec<Task> },
    School { school: SchoolFigures, tasks: Vec<Task> },
}

/// Something in the person's scope that waits for them. Each names how many and where the
/// newest one is, so the home lists it with a link; the same things ring the bell as they come.
#[derive(Debug, Clone, PartialEq)]
pub enum Task {
    /// A school has no statistics for the current school year yet.
    StatsMissing { school_id: i64, school: String, year: i32 },
    /// Booking requests for the caller's facilities waiting for a decision.
    BookingsToDecide { count: usize, newest: DateTime<Utc> },
    /// Expenditures waiting for the caller's approval, and the budget of the newest.
    SpendingToApprove { count: usize, newest: DateTime<Utc>, budget_id: i64 },
    /// Moves the caller's school is asked to agree to.
    MovesToAgree { count: usize, newest: DateTime<Utc> },
    /// Moves both schools agreed to, waiting for the bureau.
    MovesToConfirm { count: usize, newest: DateTime<Utc> },
    /// Activities the caller manages that were held and have no record yet; the newest.
    RecordsToWrite { count: usize, newest: DateTime<Utc>, activity_id: i64 },
    /// Plan tasks the caller reports on that are overdue or due within two weeks.
    PlanTasksDue { count: usize, overdue: usize, plan_id: i64 },
    /// Teachers of the caller's school behind the pace of the year's training hours.
    HoursBehind { count: usize, school_id: i64, year: i32 },
}

impl Task {
    /// When the newest thing behind it arrived (none for what has no date, listed last).
    fn newest(&self) -> Option<DateTime<Utc>> {
        match self {
            Task::BookingsToDecide { newest, .. }
            | Task::SpendingToApprove { newest, .. }
            | Task::MovesToAgree { newest, .. }
            | Task::MovesToConfirm { newest, .. }
            | Task::RecordsToWrite { newest, .. } => Some(*newest),
            Task::StatsMissing { .. } | Task::PlanTasksDue { .. } | Task::HoursBehind { .. } => None,
        }
    }
}

/// The school year in progress: it starts in September.
pub fn current_school_year(today: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    if today.month() >= 9 { today.year() } else { today.year() - 1 }
}

pub async fn home(app: &App, c: &Caller) -> Result<Home> {
    let county = c.county();
    match (c.actor.role, c.actor.cluster_id, c.actor.school_id) {
        (Role::ClusterHead, Some(cluster_id), _) => {
            let cluster = app.store.cluster(county, cluster_id).await?.ok_or(AppError::NotFound)?;
            let schools = app.store.school_figures(county, &c.actor.cluster_school_ids).await?;
            let mut tasks = stats_tasks(c, &schools);
            tasks.extend(to_do(app, c).await?);
            Ok(Home::Cluster { cluster, schools, tasks })
        }
        (Role::SchoolAdmin | Role::Teacher, _, Some(school_id)) => {
            c.require(Action::Read, Resource::School, &Target::school(county, school_id))?;
            let mut figures = app.store.school_figures(county, &[school_id]).await?;
            let school = figures.pop().ok_or(AppError::NotFound)?;
            let mut tasks = stats_tasks(c, std::slice::from_ref(&school));
            tasks.extend(to_do(app, c).await?);
            Ok(Home::School { school, tasks })
        }
        _ => Ok(Home::County { summary: crate::registry::county_summary(app, c).await?, tasks: to_do(app, c).await? }),
    }
}

/// What waits for the caller across the modules, newest first. A module the caller has no part
/// in adds nothing (its refusal is not an error here).
pub async fn to_do(app: &App, c: &Caller) -> Result<Vec<Task>> {
    let mut tasks = Vec::new();
    if let Some(list) = quiet(crate::bookings::inbox(app, c).await)?.flatten()
        && let Some(newest) = list.iter().map(|b| b.created_at).max()
    {
        tasks.push(Task::BookingsToDecide { count: list.len(), newest });
    }
    if let Some(budgets) = quiet(crate::running::budgets::budgets(app, c, None, None).await)? {
        let waiting: Vec<_> = budgets.iter().flat_map(|b| b.expenditures.iter().filter(|s| s.may_decide)).collect();
        if let Some(newest) = waiting.iter().max_by_key(|s| s.row.head_at.unwrap_or(s.row.requested_at)) {
            tasks.push(Task::SpendingToApprove {
                count: waiting.len(),
                newest: newest.row.head_at.unwrap_or(newest.row.requested_at),
                budget_id: newest.row.budget_id,
            });
        }
    }
    if let Some(inbox) = quiet(crate::exchange::moves::inbox(app, c).await)? {
        let agree: Vec<_> = inbox.incoming.iter().chain(inbox.outgoing.iter()).collect();
        if let Some(newest) = agree.iter().map(|m| m.updated_at).max() {
            tasks.push(Task::MovesToAgree { count: agree.len(), newest });
        }
        if let Some(newest) = inbox.to_confirm.iter().map(|m| m.updated_at).max() {
            tasks.push(Task::MovesToConfirm { count: inbox.to_confirm.len(), newest });
        }
    }
    if let Some(due) = quiet(crate::running::activities::records_due(app, c).await)?
        && let Some(first) = due.first()
    {
        tasks.push(Task::RecordsToWrite { count: due.len(), newest: first.ends_at, activity_id: first.id });
    }
    tasks.extend(plan_tasks_due(app, c).await?);
    tasks.extend(hours_behind(app, c).await?);
    tasks.sort_by_key(|t| std::cmp::Reverse(t.newest()));
    Ok(tasks)
}

/// A refusal means "nothing of this for you"; any other error is one.
fn quiet<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(AppError::Forbidden | AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The tasks of this year's work plans the caller reports on, overdue or due within 14 days.
async fn plan_tasks_due(app: &App, c: &Caller) -> Result<Option<Task>> {
    let today = crate::today();
    let Some(plans) = quiet(crate::running::affairs::plans(app, c, None, Some(today.year())).await)? else { return Ok(None) };
    let open = |s: xuequ_domain::running::TaskStatus| {
        !matches!(s, xuequ_domain::running::TaskStatus::Done | xuequ_domain::running::TaskStatus::Dropped)
    };
    let mut due: Vec<(i64, bool)> = Vec::new();
    for p in &plans {
        for t in p.tasks.iter().filter(|t| t.may_report && open(t.status)) {
            if t.task.due_on <= today + chrono::Duration::days(14) {
                due.push((p.plan.id, t.overdue));
            }
        }
    }
    Ok(due.first().map(|(plan_id, _)| Task::PlanTasksDue {
        count: due.len(),
        overdue: due.iter().filter(|(_, o)| *o).count(),
        plan_id: *plan_id,
    }))
}

/// For a school's admin: the teachers whose hours this year are behind its pace (what the
/// year's total asks for by today), once a month of the year has passed.
async fn hours_behind(app: &App, c: &Caller) -> Result<Option<Task>> {
    let (xuequ_domain::Role::SchoolAdmin, Some(school_id)) = (c.actor.role, c.actor.school_id) else { return Ok(None) };
    let today = crate::today();
    if today.ordinal() < 31 {
        return Ok(None);
    }
    let q = crate::running::hours::HoursQuery { year: today.year(), school_id: Some(school_id), teacher_id: None };
    let Some(list) = quiet(crate::running::hours::hours(app, c, &q).await)? else { return Ok(None) };
    let count = list.iter().filter(|t| t.year.behind(today.year(), today)).count();
    Ok((count > 0).then_some(Task::HoursBehind { count, school_id, year: today.year() }))
}

/// Statistics of the current year to enter, for those who may enter them.
fn stats_tasks(c: &Caller, schools: &[SchoolFigures]) -> Vec<Task> {
    let year = current_school_year(crate::today());
    schools
        .iter()
        .filter(|f| f.students.is_none_or(|(y, _)| y < year))
        .filter(|f| c.can(Action::Create, Resource::SchoolStats, &Target::school(c.county(), f.school.id)))
        .map(|f| Task::StatsMissing { school_id: f.school.id, school: f.school.name.clone(), year })
        .collect()
}
