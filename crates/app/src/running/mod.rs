//! Running a cluster (学区运行): activities with sign-up and check-in, training hours, the
//! cluster calendar, work plans, the council and budgets — and the figures the cluster
//! evaluation reads (see [`figures`]).

pub mod activities;
pub mod affairs;
pub mod budgets;
pub mod calendar;
pub mod demo;
pub mod figures;
pub(crate) use figures::FIGURES;
pub mod files;
pub mod hours;

use std::collections::HashMap;

use xuequ_domain::Problem;
use xuequ_domain::access::running::{self as policy, Affairs};
use xuequ_domain::running::RunningSettings;
use xuequ_domain::{FieldProblem, Role};
use xuequ_store::entities::{cluster, teacher};

use crate::{App, AppError, Caller, Result};

/// The county's settings for running clusters (everyone may read them: they say what is asked).
pub async fn settings(app: &App, c: &Caller) -> Result<RunningSettings> {
    Ok(app.store.running_settings(c.county()).await?)
}

/// Saves the county's settings (the bureau).
pub async fn save_settings(app: &App, c: &Caller, settings: &RunningSettings) -> Result<()> {
    if !policy::may_set_settings(&c.actor) {
        return Err(AppError::Forbidden);
    }
    settings.check().map_err(|(field, problem)| AppError::invalid(field, problem))?;
    Ok(app.store.save_running_settings(&c.ctx(), settings).await?)
}

/// Settings as written (hours `72`, `24`, `24`; the limit in yuan), each checked by its field.
pub fn parse_settings(total: &str, school_based: &str, training: &str, bureau_limit: &str) -> Result<RunningSettings> {
    use xuequ_domain::activity::hours::{self, Category};
    let mut problems = Vec::new();
    let mut tenths = |field: &'static str, text: &str| {
        hours::parse(text).unwrap_or_else(|| {
            problems.push(FieldProblem::new(field, Problem::NotANumber { value: text.chars().take(20).collect() }));
            0
        })
    };
    let (total, school_based, training) =
        (tenths("hours_total", total), tenths("hours_school_based", school_based), tenths("hours_training", training));
    let limit = xuequ_domain::budget::read_yuan(bureau_limit).unwrap_or_else(|p| {
        problems.push(FieldProblem::new("bureau_limit", p));
        0
    });
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let settings = RunningSettings {
        hours: hours::HourRules {
            total,
            minimum: [(Category::SchoolBased, school_based), (Category::Training, training)].into_iter().collect(),
        },
        bureau_limit: limit,
    };
    settings.check().map_err(|(field, problem)| AppError::invalid(field, problem))?;
    Ok(settings)
}

/// The teacher record of the caller's account, or why there is none.
pub async fn my_teacher(app: &App, c: &Caller) -> Result<teacher::Model> {
    app.store.teacher_of_user(c.county(), c.actor.user_id).await?.ok_or(AppError::Conflict(Problem::NoTeacherRecord))
}

/// The teacher record of the caller's account, if linked.
pub async fn linked_teacher(app: &App, c: &Caller) -> Result<Option<teacher::Model>> {
    Ok(app.store.teacher_of_user(c.county(), c.actor.user_id).await?)
}

/// Links an account to the teacher with `staff_no` (empty: unlinks it). The bureau links any;
/// a school's admin links accounts of their school to teachers of their school.
pub async fn link_teacher(app: &App, c: &Caller, user_id: i64, staff_no: &str) -> Result<Option<teacher::Model>> {
    let county = c.county();
    let user = app.store.user(county, user_id).await?.ok_or(AppError::NotFound)?;
    if !policy::may_link_account(&c.actor, user.school_id, None) {
        // A principal does not learn of other schools' accounts.
        return Err(if c.actor.role == Role::SchoolAdmin { AppError::NotFound } else { AppError::Forbidden });
    }
    let staff_no = staff_no.trim();
    if staff_no.is_empty() {
        app.store.link_teacher(&c.ctx(), user_id, None).await?;
        return Ok(None);
    }
    let unknown = || AppError::invalid("staff_no", Problem::NotFound { value: staff_no.chars().take(40).collect() });
    let t = app.store.teacher_by_staff_no(county, staff_no).await?.ok_or_else(unknown)?;
    if !policy::may_link_account(&c.actor, user.school_id, Some(t.school_id)) {
        return Err(unknown());
    }
    app.store.link_teacher(&c.ctx(), user_id, Some(t.id)).await?;
    Ok(Some(t))
}

/// Checks, before an account is made, that `staff_no` names a teacher the caller may link and
/// that no account has it yet (so that the account is not made when its link would fail).
pub async fn check_link(app: &App, c: &Caller, staff_no: &str) -> Result<()> {
    let staff_no = staff_no.trim();
    if staff_no.is_empty() {
        return Ok(());
    }
    let unknown = || AppError::invalid("staff_no", Problem::NotFound { value: staff_no.chars().take(40).collect() });
    let t = app.store.teacher_by_staff_no(c.county(), staff_no).await?.ok_or_else(unknown)?;
    if !policy::may_link_account(&c.actor, Some(t.school_id), Some(t.school_id)) {
        return Err(unknown());
    }
    if let Some(link) = app.store.teacher_accounts(c.county()).await?.into_iter().find(|l| l.teacher_id == t.id) {
        let account = app.store.user(c.county(), link.user_id).await?.map(|u| u.username).unwrap_or_default();
        return Err(AppError::invalid("staff_no", Problem::TeacherLinked { account }));
    }
    Ok(())
}

/// What a request knows of the county's clusters: their current schools, and names.
pub struct Clusters {
    pub members: HashMap<i64, Vec<i64>>,
    pub all: Vec<cluster::Model>,
}

impl Clusters {
    pub async fn load(app: &App, county: i64) -> Result<Clusters> {
        Ok(Clusters { members: app.store.current_memberships(county).await?, all: app.store.all_clusters(county).await? })
    }

    pub fn schools(&self, cluster: i64) -> &[i64] {
        self.members.get(&cluster).map_or(&[], |v| v.as_slice())
    }

    /// The clusters a school is in now.
    pub fn of_school(&self, school: i64) -> Vec<i64> {
        let mut out: Vec<i64> = self.members.iter().filter(|(_, s)| s.contains(&school)).map(|(c, _)| *c).collect();
        out.sort_unstable();
        out
    }

    pub fn name(&self, id: i64) -> String {
        self.all.iter().find(|c| c.id == id).map(|c| c.name.clone()).unwrap_or_default()
    }

    pub fn affairs(&self, county_id: i64, cluster_id: i64) -> Affairs<'_> {
        Affairs { county_id, cluster_id, schools: self.schools(cluster_id) }
    }
}

/// The cluster `id` as the affairs policy sees it, if the caller may read its affairs
/// (otherwise it does not exist for them).
pub(crate) async fn readable_cluster(app: &App, c: &Caller, id: i64) -> Result<(cluster::Model, Vec<i64>)> {
    let cl = app.store.cluster(c.county(), id).await?.ok_or(AppError::NotFound)?;
    let schools = app.store.cluster_school_ids(c.county(), id).await?;
    if !policy::may_read_affairs(&c.actor, &Affairs { county_id: c.county(), cluster_id: id, schools: &schools }) {
        return Err(AppError::NotFound);
    }
    Ok((cl, schools))
}

/// A text field: trimmed, required when `required`, at most `max` characters, no control
/// characters but line breaks.
pub(crate) fn text(field: &'static str, value: &str, required: bool, max: usize, problems: &mut Vec<FieldProblem>) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        problems.push(FieldProblem::new(field, Problem::Required));
    } else if v.chars().count() > max {
        problems.push(FieldProblem::new(field, Problem::TooLong { max }));
    } else if v.chars().any(|ch| ch.is_control() && ch != '\n' && ch != '\r' && ch != '\t') {
        problems.push(FieldProblem::new(field, Problem::ControlCharacter));
    }
    v.to_string()
}

/// A school year: 2000–2100.
pub(crate) fn check_year(field: &'static str, year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(AppError::invalid(field, Problem::OutOfRange { value: year.to_string(), min: "2000".into(), max: "2100".into() }))
    }
}
