//! A cluster's yearly work plan (学区工作计划) with key tasks, its council (理事会) and the
//! council's meetings with their decisions (议事决策).

use chrono::{NaiveDate, Utc};
use xuequ_domain::access::running::{self as policy, Affairs};
use xuequ_domain::running::{
    AttachmentOwner, CouncilRole, DecisionStatus, PLAN_YEARS_AROUND, TaskStatus, YEARS_AROUND, check_date, on_time,
};
use xuequ_domain::{Coded, FieldProblem, Problem};
use xuequ_store::entities::{
    cluster, cluster_officer, council_meeting, council_member, meeting_decision, plan_task, running_file, work_plan,
};
use xuequ_store::running::affairs::{NewDecision, NewMeeting, NewMember, TaskFields};

use super::{Clusters, check_year, readable_cluster, text};
use crate::{App, AppError, Caller, Result};

/// A key task as written.
#[derive(Debug, Clone, Default)]
pub struct TaskInput {
    pub title: String,
    pub owner_school_id: Option<i64>,
    pub due_on: Option<NaiveDate>,
    pub status: String,
    pub done_on: Option<NaiveDate>,
    pub note: String,
}

/// A plan as written.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub year: i32,
    pub title: String,
    pub goals: String,
    pub tasks: Vec<TaskInput>,
}

/// A task with its owner's name and where it stands against its date.
#[derive(Debug, Clone)]
pub struct TaskView {
    pub task: plan_task::Model,
    pub status: TaskStatus,
    pub owner: String,
    pub on_time: bool,
    pub overdue: bool,
    pub files: Vec<running_file::Model>,
    /// Whether the caller reports its progress (see `policy::may_report_task`).
    pub may_report: bool,
}

/// A plan with its tasks and their progress.
#[derive(Debug, Clone)]
pub struct PlanView {
    pub plan: work_plan::Model,
    pub cluster: String,
    pub tasks: Vec<TaskView>,
    pub progress: Progress,
    pub may_write: bool,
}

/// How far a plan's tasks are: all, done, done by their date, past their date and not done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub tasks: usize,
    pub done: usize,
    pub on_time: usize,
    pub overdue: usize,
}

fn unknown<T: Coded>(field: &'static str, value: &str) -> FieldProblem {
    FieldProblem::new(field, Problem::UnknownValue { value: value.chars().take(40).collect(), allowed: T::codes().join(", ") })
}

/// A task's fields, checked; its dates lie near its plan's `year`.
fn task_fields(input: &TaskInput, schools: &[i64], year: i32, problems: &mut Vec<FieldProblem>) -> TaskFields {
    let title = text("title", &input.title, true, 200, problems);
    let note = text("note", &input.note, false, 2_000, problems);
    let status = if input.status.trim().is_empty() { Some(TaskStatus::Planned) } else { TaskStatus::parse(&input.status) };
    if status.is_none() {
        problems.push(unknown::<TaskStatus>("status", &input.status));
    }
    match input.due_on {
        None => problems.push(FieldProblem::new("due_on", Problem::Required)),
        Some(d) => near(problems, "due_on", d, year, PLAN_YEARS_AROUND),
    }
    if let Some(d) = input.done_on {
        near(problems, "done_on", d, year, PLAN_YEARS_AROUND);
        // Done is something that happened: not on a day still to come.
        if d > crate::today() {
            problems.push(FieldProblem::new("done_on", Problem::FutureDate));
        }
    }
    if let Some(s) = input.owner_school_id
        && !schools.contains(&s)
    {
        problems.push(FieldProblem::new("owner_school_id", Problem::NotAMember));
    }
    let status = status.unwrap_or(TaskStatus::Planned);
    let done_on = match status {
        TaskStatus::Done => Some(input.done_on.unwrap_or_else(|| Utc::now().date_naive())),
        _ => None,
    };
    TaskFields { title, owner_school_id: input.owner_school_id, due_on: input.due_on.unwrap_or_default(), status, done_on, note }
}

/// Refuses `date` of `field` unless it lies within `year` ± `years` (see `check_date`).
fn near(problems: &mut Vec<FieldProblem>, field: &'static str, date: NaiveDate, year: i32, years: i32) {
    if let Err(p) = check_date(date, year, years) {
        problems.push(FieldProblem::new(field, p));
    }
}

/// This year, for dates that belong to no plan.
fn this_year() -> i32 {
    chrono::Datelike::year(&Utc::now().date_naive())
}

fn progress(tasks: &[TaskView]) -> Progress {
    Progress {
        tasks: tasks.len(),
        done: tasks.iter().filter(|t| t.status == TaskStatus::Done).count(),
        on_time: tasks.iter().filter(|t| t.on_time).count(),
        overdue: tasks.iter().filter(|t| t.overdue).count(),
    }
}

async fn task_views(app: &App, c: &Caller, tasks: Vec<plan_task::Model>) -> Result<Vec<TaskView>> {
    let county = c.county();
    let today = Utc::now().date_naive();
    let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    let files = app.store.attachments(county, AttachmentOwner::Task, &ids).await?;
    let names = app.store.school_names(county, &tasks.iter().filter_map(|t| t.owner_school_id).collect::<Vec<_>>()).await?;
    Ok(tasks
        .into_iter()
        .map(|t| {
            let status = t.status;
            TaskView {
                on_time: on_time(status, t.due_on, t.done_on),
                overdue: matches!(status, TaskStatus::Planned | TaskStatus::InProgress) && t.due_on < today,
                owner: t.owner_school_id.and_then(|s| names.get(&s).map(|n| n.1.clone())).unwrap_or_default(),
                files: files.iter().filter(|f| f.owner_id == t.id).cloned().collect(),
                may_report: false,
                status,
                task: t,
            }
        })
        .collect())
}

/// The plans the caller may read (of one cluster, of a year), each with its progress — the
/// bureau's view across clusters.
pub async fn plans(app: &App, c: &Caller, cluster_id: Option<i64>, year: Option<i32>) -> Result<Vec<PlanView>> {
    let county = c.county();
    if let Some(y) = year {
        check_year("year", y)?;
    }
    if let Some(k) = cluster_id {
        readable_cluster(app, c, k).await?;
    }
    let clusters = Clusters::load(app, county).await?;
    let readable: Vec<i64> = clusters
        .all
        .iter()
        .map(|k| k.id)
        .filter(|k| cluster_id.is_none_or(|w| w == *k) && policy::may_read_affairs(&c.actor, &clusters.affairs(county, *k)))
        .collect();
    let plans = app.store.work_plans(county, Some(&readable), year).await?;
    let tasks = app.store.plan_tasks(county, &plans.iter().map(|p| p.id).collect::<Vec<_>>()).await?;
    let mut views = task_views(app, c, tasks).await?;
    Ok(plans
        .into_iter()
        .map(|p| {
            let (mut mine, rest): (Vec<TaskView>, Vec<TaskView>) =
                std::mem::take(&mut views).into_iter().partition(|t| t.task.plan_id == p.id);
            views = rest;
            for t in &mut mine {
                t.may_report = policy::may_report_task(&c.actor, &clusters.affairs(county, p.cluster_id), t.task.owner_school_id);
            }
            PlanView {
                cluster: clusters.name(p.cluster_id),
                progress: progress(&mine),
                may_write: policy::may_write_affairs(&c.actor, &clusters.affairs(county, p.cluster_id)),
                tasks: mine,
                plan: p,
            }
        })
        .collect())
}

/// One plan with its tasks.
pub async fn plan(app: &App, c: &Caller, id: i64) -> Result<PlanView> {
    let p = app.store.work_plan(c.county(), id).await?.ok_or(AppError::NotFound)?;
    let (cl, schools) = readable_cluster(app, c, p.cluster_id).await?;
    let mut tasks = task_views(app, c, app.store.plan_tasks(c.county(), &[id]).await?).await?;
    let affairs = Affairs { county_id: c.county(), cluster_id: cl.id, schools: &schools };
    for t in &mut tasks {
        t.may_report = policy::may_report_task(&c.actor, &affairs, t.task.owner_school_id);
    }
    Ok(PlanView { cluster: cl.name, progress: progress(&tasks), may_write: policy::may_write_affairs(&c.actor, &affairs), tasks, plan: p })
}

async fn writable(app: &App, c: &Caller, cluster_id: i64) -> Result<(cluster::Model, Vec<i64>)> {
    let (cl, schools) = readable_cluster(app, c, cluster_id).await?;
    if !policy::may_write_affairs(&c.actor, &Affairs { county_id: c.county(), cluster_id, schools: &schools }) {
        return Err(AppError::Forbidden);
    }
    Ok((cl, schools))
}

/// Writes a cluster's plan for a year with its first tasks (its head, the bureau).
pub async fn create_plan(app: &App, c: &Caller, cluster_id: i64, input: &PlanInput) -> Result<work_plan::Model> {
    let (_, schools) = writable(app, c, cluster_id).await?;
    check_year("year", input.year)?;
    let mut problems = Vec::new();
    let title = text("title", &input.title, true, 100, &mut problems);
    let goals = text("goals", &input.goals, false, 10_000, &mut problems);
    if input.tasks.len() > 200 {
        problems.push(FieldProblem::new("tasks", Problem::TooManyRows { max: 200 }));
    }
    let tasks: Vec<TaskFields> = input.tasks.iter().map(|t| task_fields(t, &schools, input.year, &mut problems)).collect();
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(app.store.create_work_plan(&c.ctx(), cluster_id, input.year, &title, &goals, &tasks).await?)
}

/// Adds a key task to a plan (its head, the bureau).
pub async fn add_task(app: &App, c: &Caller, plan_id: i64, input: &TaskInput) -> Result<plan_task::Model> {
    let p = app.store.work_plan(c.county(), plan_id).await?.ok_or(AppError::NotFound)?;
    let (_, schools) = writable(app, c, p.cluster_id).await?;
    let mut problems = Vec::new();
    let t = task_fields(input, &schools, p.year, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(app.store.add_task(&c.ctx(), plan_id, &t).await?)
}

/// Changes a task: its head and the bureau all of it; the owner school's admin reports its
/// progress (status, date done, note) only.
pub async fn update_task(app: &App, c: &Caller, task_id: i64, input: &TaskInput, expected: i64) -> Result<plan_task::Model> {
    let (task, schools, may_write) = task_access(app, c, task_id).await?;
    let year = app.store.work_plan(c.county(), task.plan_id).await?.ok_or(AppError::NotFound)?.year;
    let mut problems = Vec::new();
    let mut t = task_fields(input, &schools, year, &mut problems);
    if !may_write {
        problems.retain(|p| !matches!(p.field, "title" | "due_on" | "owner_school_id"));
        t.title = task.title.clone();
        t.due_on = task.due_on;
        t.owner_school_id = task.owner_school_id;
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(app.store.update_task(&c.ctx(), task_id, &t, expected).await?)
}

/// The task if the caller may report on it; its cluster's schools; whether they write the plan.
async fn task_access(app: &App, c: &Caller, task_id: i64) -> Result<(plan_task::Model, Vec<i64>, bool)> {
    let task = app.store.plan_task(c.county(), task_id).await?.ok_or(AppError::NotFound)?;
    let p = app.store.work_plan(c.county(), task.plan_id).await?.ok_or(AppError::NotFound)?;
    let (_, schools) = readable_cluster(app, c, p.cluster_id).await?;
    let affairs = Affairs { county_id: c.county(), cluster_id: p.cluster_id, schools: &schools };
    if !policy::may_report_task(&c.actor, &affairs, task.owner_school_id) {
        return Err(AppError::Forbidden);
    }
    let may_write = policy::may_write_affairs(&c.actor, &affairs);
    Ok((task, schools, may_write))
}

/// Evidence for a task (who may report on it).
pub async fn attach_to_task(
    app: &App,
    c: &Caller,
    task_id: i64,
    files: Vec<crate::library::upload::Incoming>,
) -> Result<Vec<running_file::Model>> {
    task_access(app, c, task_id).await?;
    super::files::attach(app, c, AttachmentOwner::Task, task_id, files).await
}

/// A file of a task, a meeting or an expenditure, for someone who may read its cluster's
/// affairs (an expenditure's: its budget).
pub async fn file(app: &App, c: &Caller, file_id: i64) -> Result<(running_file::Model, bytes::Bytes)> {
    let county = c.county();
    let f = app.store.attachment(county, file_id).await?.ok_or(AppError::NotFound)?;
    let cluster_id = match f.owner_kind {
        AttachmentOwner::Task => {
            let t = app.store.plan_task(county, f.owner_id).await?.ok_or(AppError::NotFound)?;
            app.store.work_plan(county, t.plan_id).await?.ok_or(AppError::NotFound)?.cluster_id
        }
        AttachmentOwner::Meeting => app.store.meeting(county, f.owner_id).await?.ok_or(AppError::NotFound)?.cluster_id,
        AttachmentOwner::Expenditure => {
            let e = app.store.expenditure(county, f.owner_id).await?.ok_or(AppError::NotFound)?;
            let b = app.store.budget(county, e.budget_id).await?.ok_or(AppError::NotFound)?;
            super::budgets::readable(app, c, b.cluster_id).await?;
            b.cluster_id
        }
        AttachmentOwner::Activity => return Err(AppError::NotFound),
    };
    readable_cluster(app, c, cluster_id).await?;
    let bytes = app.library.get(&f.hash).await?;
    Ok((f, bytes))
}

/// A council: the cluster's officers, its members (current first), its meetings.
#[derive(Debug, Clone)]
pub struct Council {
    pub cluster: cluster::Model,
    pub officers: Vec<cluster_officer::Model>,
    pub members: Vec<(council_member::Model, String)>,
    pub meetings: Vec<Meeting>,
    pub may_write: bool,
    /// The cluster's schools with names, for the forms.
    pub schools: Vec<(i64, String)>,
}

#[derive(Debug, Clone)]
pub struct Meeting {
    pub meeting: council_meeting::Model,
    /// Each decision, the school carrying it out, and whether the caller reports on it.
    pub decisions: Vec<(meeting_decision::Model, String, bool)>,
    pub files: Vec<running_file::Model>,
}

pub async fn council(app: &App, c: &Caller, cluster_id: i64) -> Result<Council> {
    let county = c.county();
    let (cl, schools) = readable_cluster(app, c, cluster_id).await?;
    let affairs = Affairs { county_id: county, cluster_id, schools: &schools };
    let may_write = policy::may_write_affairs(&c.actor, &affairs);
    let names = app.store.school_names(county, &schools).await?;
    let name = |s: Option<i64>| s.and_then(|s| names.get(&s).map(|n| n.1.clone())).unwrap_or_default();
    let mut members: Vec<(council_member::Model, String)> =
        app.store.council(county, cluster_id).await?.into_iter().map(|m| (m.clone(), name(m.school_id))).collect();
    members.sort_by_key(|(m, _)| m.until.is_some());
    let meetings = app.store.council_meetings(county, Some(&[cluster_id])).await?;
    let ids: Vec<i64> = meetings.iter().map(|m| m.id).collect();
    let decisions = app.store.decisions(county, &ids).await?;
    let files = app.store.attachments(county, AttachmentOwner::Meeting, &ids).await?;
    Ok(Council {
        officers: app.store.officers(county, cluster_id).await?,
        members,
        meetings: meetings
            .into_iter()
            .map(|m| Meeting {
                decisions: decisions
                    .iter()
                    .filter(|d| d.meeting_id == m.id)
                    .map(|d| (d.clone(), name(d.owner_school_id), policy::may_report_task(&c.actor, &affairs, d.owner_school_id)))
                    .collect(),
                files: files.iter().filter(|f| f.owner_id == m.id).cloned().collect(),
                meeting: m,
            })
            .collect(),
        may_write,
        schools: schools.iter().map(|s| (*s, name(Some(*s)))).collect(),
        cluster: cl,
    })
}

/// A council member as entered.
#[derive(Debug, Clone, Default)]
pub struct MemberInput {
    pub name: String,
    pub school_id: Option<i64>,
    pub role: String,
    pub since: Option<NaiveDate>,
}

pub async fn add_member(app: &App, c: &Caller, cluster_id: i64, input: &MemberInput) -> Result<council_member::Model> {
    let (_, schools) = writable(app, c, cluster_id).await?;
    let mut problems = Vec::new();
    let name = text("name", &input.name, true, 50, &mut problems);
    let role = CouncilRole::parse(&input.role);
    if role.is_none() {
        problems.push(unknown::<CouncilRole>("role", &input.role));
    }
    if let Some(s) = input.school_id
        && !schools.contains(&s)
    {
        problems.push(FieldProblem::new("school_id", Problem::NotAMember));
    }
    if let Some(d) = input.since {
        near(&mut problems, "since", d, this_year(), YEARS_AROUND);
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let m = NewMember {
        name,
        school_id: input.school_id,
        role: role.expect("checked"),
        since: input.since.unwrap_or_else(|| Utc::now().date_naive()),
    };
    Ok(app.store.add_council_member(&c.ctx(), cluster_id, &m).await?)
}

/// Ends a member's term today (kept in the record).
pub async fn end_member(app: &App, c: &Caller, member_id: i64) -> Result<council_member::Model> {
    let m = app.store.council_member(c.county(), member_id).await?.ok_or(AppError::NotFound)?;
    writable(app, c, m.cluster_id).await?;
    Ok(app.store.end_council_member(&c.ctx(), member_id, Utc::now().date_naive()).await?)
}

/// Minutes as written, with decisions.
#[derive(Debug, Clone, Default)]
pub struct MeetingInput {
    pub held_on: Option<NaiveDate>,
    pub title: String,
    pub place: String,
    pub present: String,
    pub minutes: String,
    pub decisions: Vec<DecisionInput>,
}

#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    pub text: String,
    pub owner_school_id: Option<i64>,
    pub due_on: Option<NaiveDate>,
}

pub async fn add_meeting(app: &App, c: &Caller, cluster_id: i64, input: &MeetingInput) -> Result<council_meeting::Model> {
    let (_, schools) = writable(app, c, cluster_id).await?;
    let mut problems = Vec::new();
    let title = text("title", &input.title, true, 100, &mut problems);
    let place = text("place", &input.place, false, 100, &mut problems);
    let present = text("present", &input.present, false, 2_000, &mut problems);
    let minutes = text("minutes", &input.minutes, true, 20_000, &mut problems);
    match input.held_on {
        None => problems.push(FieldProblem::new("held_on", Problem::Required)),
        Some(d) if d > Utc::now().date_naive() + chrono::Duration::days(1) => {
            problems.push(FieldProblem::new("held_on", Problem::FutureDate))
        }
        Some(d) => near(&mut problems, "held_on", d, this_year(), YEARS_AROUND),
    }
    if input.decisions.len() > 100 {
        problems.push(FieldProblem::new("decisions", Problem::TooManyRows { max: 100 }));
    }
    let mut decisions = Vec::new();
    for d in &input.decisions {
        let t = text("decisions", &d.text, false, 1_000, &mut problems);
        if t.is_empty() {
            continue;
        }
        if let Some(s) = d.owner_school_id
            && !schools.contains(&s)
        {
            problems.push(FieldProblem::new("decisions", Problem::NotAMember));
        }
        if let Some(due) = d.due_on {
            near(&mut problems, "decisions", due, this_year(), YEARS_AROUND);
        }
        decisions.push(NewDecision { text: t, owner_school_id: d.owner_school_id, due_on: d.due_on });
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let m = NewMeeting { held_on: input.held_on.expect("checked"), title, place, present, minutes, decisions };
    Ok(app.store.create_meeting(&c.ctx(), cluster_id, &m).await?)
}

/// Marks a decision carried out or dropped (its head, the bureau; the owner school's admin).
pub async fn set_decision(app: &App, c: &Caller, decision_id: i64, status: &str) -> Result<meeting_decision::Model> {
    let county = c.county();
    let d = app.store.decision(county, decision_id).await?.ok_or(AppError::NotFound)?;
    let m = app.store.meeting(county, d.meeting_id).await?.ok_or(AppError::NotFound)?;
    let (_, schools) = readable_cluster(app, c, m.cluster_id).await?;
    if !policy::may_report_task(&c.actor, &Affairs { county_id: county, cluster_id: m.cluster_id, schools: &schools }, d.owner_school_id) {
        return Err(AppError::Forbidden);
    }
    let status = DecisionStatus::parse(status).ok_or_else(|| AppError::Invalid(vec![unknown::<DecisionStatus>("status", status)]))?;
    let done_on = (status == DecisionStatus::Done).then(|| Utc::now().date_naive());
    Ok(app.store.set_decision_status(&c.ctx(), decision_id, status, done_on).await?)
}

/// Minutes' attachments (who writes the council's record).
pub async fn attach_to_meeting(
    app: &App,
    c: &Caller,
    meeting_id: i64,
    files: Vec<crate::library::upload::Incoming>,
) -> Result<Vec<running_file::Model>> {
    let m = app.store.meeting(c.county(), meeting_id).await?.ok_or(AppError::NotFound)?;
    writable(app, c, m.cluster_id).await?;
    super::files::attach(app, c, AttachmentOwner::Meeting, meeting_id, files).await
}

/// One task of a work plan, as stored (its page reads the plan through [`plan`]).
pub async fn task(app: &App, c: &Caller, id: i64) -> Result<plan_task::Model> {
    app.store.plan_task(c.county(), id).await?.ok_or(AppError::NotFound)
}

/// One member of a cluster's council, as stored.
pub async fn council_member(app: &App, c: &Caller, id: i64) -> Result<council_member::Model> {
    app.store.council_member(c.county(), id).await?.ok_or(AppError::NotFound)
}

/// The cluster whose council held a meeting.
pub async fn meeting_cluster(app: &App, c: &Caller, meeting_id: i64) -> Result<i64> {
    Ok(app.store.meeting(c.county(), meeting_id).await?.ok_or(AppError::NotFound)?.cluster_id)
}
