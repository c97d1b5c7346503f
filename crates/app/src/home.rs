//! Where each person starts: the scope of their role with its figures and what needs doing.
//! The bureau sees the county; a cluster head their cluster and its schools; a principal or a
//! teacher their school. Later modules (booking, exchange, activities) add their figures and
//! tasks here, and the cluster evaluation adds its charts.

use crate::{App, AppError, Caller, Result};
use xuequ_domain::Role;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_store::entities::cluster;
use xuequ_store::registry::{CountySummary, SchoolFigures};

pub enum Home {
    County(CountySummary),
    Cluster { cluster: cluster::Model, schools: Vec<SchoolFigures>, tasks: Vec<Task> },
    School { school: SchoolFigures, tasks: Vec<Task> },
}

/// Something in the person's scope that waits for them.
#[derive(Debug, Clone, PartialEq)]
pub enum Task {
    /// A school has no statistics for the current school year yet.
    StatsMissing { school_id: i64, school: String, year: i32 },
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
            let tasks = stats_tasks(c, &schools);
            Ok(Home::Cluster { cluster, schools, tasks })
        }
        (Role::SchoolAdmin | Role::Teacher, _, Some(school_id)) => {
            c.require(Action::Read, Resource::School, &Target::school(county, school_id))?;
            let mut figures = app.store.school_figures(county, &[school_id]).await?;
            let school = figures.pop().ok_or(AppError::NotFound)?;
            let tasks = stats_tasks(c, std::slice::from_ref(&school));
            Ok(Home::School { school, tasks })
        }
        _ => Ok(Home::County(crate::registry::county_summary(app, c).await?)),
    }
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
