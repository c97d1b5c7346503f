//! The county's names and links, as pages need them to label and place records: which school a
//! facility belongs to, the teachers of the county, the clusters a school is in.
//!
//! Everything here is read inside the caller's county only; it shows what every signed-in
//! member of the county sees on its pages already (names, not figures). Use cases that decide
//! something ask the access policy themselves.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::records::{Booking, Cluster, Facility, School, SchoolCluster, Teacher};
use crate::{App, Caller, Result};

/// One school of the county, if it exists.
pub async fn school(app: &App, c: &Caller, id: i64) -> Result<Option<School>> {
    Ok(app.store.school(c.county(), id).await?)
}

/// Every school of the county, retired ones too.
pub async fn schools(app: &App, c: &Caller) -> Result<Vec<School>> {
    let mut schools = app.store.all_schools(c.county()).await?;
    schools.sort_by_cached_key(|s| xuequ_search::sort_key(&s.name));
    Ok(schools)
}

/// Every school's name by id, for tables.
pub async fn school_names(app: &App, c: &Caller) -> Result<HashMap<i64, String>> {
    Ok(schools(app, c).await?.into_iter().map(|s| (s.id, s.name)).collect())
}

/// The names and codes of some schools.
pub async fn names_of(app: &App, c: &Caller, ids: &[i64]) -> Result<HashMap<i64, (String, String)>> {
    Ok(app.store.school_names(c.county(), ids).await?)
}

/// The county's facilities in use.
pub async fn active_facilities(app: &App, c: &Caller) -> Result<Vec<Facility>> {
    Ok(app.store.active_facilities(c.county()).await?)
}

/// The county's teachers in post.
pub async fn active_teachers(app: &App, c: &Caller) -> Result<Vec<Teacher>> {
    Ok(app.store.active_teachers(c.county()).await?)
}

/// One teacher of the county, if it exists.
pub async fn teacher(app: &App, c: &Caller, id: i64) -> Result<Option<Teacher>> {
    Ok(app.store.teacher(c.county(), id).await?)
}

/// The teacher with this staff number, if any.
pub async fn teacher_by_staff_no(app: &App, c: &Caller, staff_no: &str) -> Result<Option<Teacher>> {
    Ok(app.store.teacher_by_staff_no(c.county(), staff_no).await?)
}

/// The teacher an account signs in for, if it is linked to one.
pub async fn teacher_of_user(app: &App, c: &Caller, user_id: i64) -> Result<Option<Teacher>> {
    Ok(app.store.teacher_of_user(c.county(), user_id).await?)
}

/// One cluster of the county, if it exists.
pub async fn cluster(app: &App, c: &Caller, id: i64) -> Result<Option<Cluster>> {
    Ok(app.store.cluster(c.county(), id).await?)
}

/// Every cluster of the county.
pub async fn clusters(app: &App, c: &Caller) -> Result<Vec<Cluster>> {
    let mut clusters = app.store.all_clusters(c.county()).await?;
    clusters.sort_by_cached_key(|k| xuequ_search::sort_key(&k.name));
    Ok(clusters)
}

/// The schools of a cluster now.
pub async fn cluster_school_ids(app: &App, c: &Caller, cluster_id: i64) -> Result<Vec<i64>> {
    Ok(app.store.cluster_school_ids(c.county(), cluster_id).await?)
}

/// The clusters a school belongs or belonged to, with its membership.
pub async fn clusters_of_school(app: &App, c: &Caller, school_id: i64) -> Result<Vec<SchoolCluster>> {
    Ok(app.store.clusters_of_school(c.county(), school_id).await?)
}

/// The current member schools of every cluster.
pub async fn memberships(app: &App, c: &Caller) -> Result<HashMap<i64, Vec<i64>>> {
    Ok(app.store.current_memberships(c.county()).await?)
}

/// The bookings that hold a facility between two instants (who holds it, for its week).
pub async fn holding(app: &App, c: &Caller, facility_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Booking>> {
    Ok(app.store.holding(c.county(), facility_id, from, to).await?)
}

/// The name of a school that may not be named (a member or owner from outside the schools):
/// empty when there is none or it does not exist.
pub async fn school_name(app: &App, c: &Caller, id: Option<i64>) -> Result<String> {
    Ok(match id {
        Some(id) => school(app, c, id).await?.map(|s| s.name).unwrap_or_default(),
        None => String::new(),
    })
}

/// Every account's name by login, for what records keep by login (who asked, who decided).
pub async fn people(app: &App, c: &Caller) -> Result<People> {
    Ok(People(app.store.display_names(c.county()).await?))
}

/// Names of people by their login.
#[derive(Debug, Clone, Default)]
pub struct People(HashMap<String, String>);

impl People {
    /// The person's name (their login when the account has none, the system's work as is).
    pub fn name(&self, login: &str) -> String {
        self.0.get(login).filter(|n| !n.trim().is_empty()).cloned().unwrap_or_else(|| login.to_string())
    }
}
