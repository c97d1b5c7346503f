//! Clusters (学区 / 教育集团 / 城乡捆绑 / 学校联盟): their records, dated membership and officers.
//! Forming, dissolving and membership are the bureau's decisions; a cluster head keeps the
//! cluster's own record (officers, description).

use crate::{App, AppError, Caller, Result};
use chrono::NaiveDate;
use serde::Serialize;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::drafts::ClusterDraft;
use xuequ_store::clusters::{Member, OfficerDraft};
use xuequ_store::entities::{cluster, cluster_officer};
use xuequ_store::registry::{ListFilter, Listed};
use xuequ_store::{Page, Paging};

/// A cluster with its current and past members and its officers.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterDetail {
    pub cluster: cluster::Model,
    pub members: Vec<Member>,
    pub officers: Vec<cluster_officer::Model>,
}

pub async fn list(app: &App, c: &Caller, filter: &ListFilter, paging: Paging) -> Result<Page<cluster::Model>> {
    c.require(Action::Read, Resource::Cluster, &Target::county(c.county()))?;
    Ok(cluster::Model::page(&app.store, c.county(), filter, &c.visibility(Resource::Cluster), paging).await?)
}

/// Every cluster of the county, dissolved ones too.
pub async fn all(app: &App, c: &Caller) -> Result<Vec<cluster::Model>> {
    c.require(Action::Read, Resource::Cluster, &Target::county(c.county()))?;
    Ok(app.store.all_clusters(c.county()).await?)
}

/// The cluster record alone, after asking the policy whether the caller may `action` it.
async fn found(app: &App, c: &Caller, id: i64, action: Action) -> Result<cluster::Model> {
    let cluster = app.store.cluster(c.county(), id).await?.ok_or(AppError::NotFound)?;
    c.require(action, Resource::Cluster, &Target::cluster(c.county(), id))?;
    Ok(cluster)
}

/// The ids of a cluster's current schools, if the caller may read the cluster.
pub async fn school_ids(app: &App, c: &Caller, id: i64) -> Result<Vec<i64>> {
    found(app, c, id, Action::Read).await?;
    Ok(app.store.cluster_school_ids(c.county(), id).await?)
}

pub async fn get(app: &App, c: &Caller, id: i64) -> Result<ClusterDetail> {
    let cluster = found(app, c, id, Action::Read).await?;
    let members = app.store.members(c.county(), id, true).await?;
    let officers = app.store.officers(c.county(), id).await?;
    Ok(ClusterDetail { cluster, members, officers })
}

pub async fn create(app: &App, c: &Caller, draft: &ClusterDraft) -> Result<cluster::Model> {
    c.require(Action::Create, Resource::Cluster, &Target::county(c.county()))?;
    Ok(app.store.create_cluster(&c.ctx(), draft).await?)
}

/// Changes a cluster's record; a new lead takes over on `on`. A cluster head keeps the name and
/// the description; form, level, lead and founding date are the bureau's decisions, like
/// membership.
pub async fn update(
    app: &App,
    c: &Caller,
    id: i64,
    draft: &ClusterDraft,
    on: NaiveDate,
    expected: Option<xuequ_store::Version>,
) -> Result<cluster::Model> {
    let current = found(app, c, id, Action::Update).await?;
    let lead_code = app.store.school(c.county(), current.lead_school_id).await?.map(|s| s.code).unwrap_or_default();
    let restructures = draft.form != current.form
        || draft.level != current.level
        || draft.lead_school_code.trim() != lead_code
        || draft.founded_on != current.founded_on;
    if restructures {
        require_membership_right(app, c, id).await?;
    }
    let updated = app.store.update_cluster(&c.ctx(), id, draft, on, expected).await?;
    if restructures {
        app.sessions.clear(); // a cluster head's scope may follow the lead
    }
    Ok(updated)
}

/// Dissolves a cluster on a date; its memberships end that day.
pub async fn dissolve(app: &App, c: &Caller, id: i64, on: NaiveDate) -> Result<cluster::Model> {
    found(app, c, id, Action::Retire).await?;
    let dissolved = app.store.dissolve_cluster(&c.ctx(), id, on).await?;
    app.sessions.clear(); // a cluster head's scope changed
    Ok(dissolved)
}

/// Membership is the bureau's decision: it needs the right to create clusters.
pub async fn require_membership_right(app: &App, c: &Caller, id: i64) -> Result<()> {
    app.store.cluster(c.county(), id).await?.ok_or(AppError::NotFound)?;
    c.require(Action::Create, Resource::Cluster, &Target::county(c.county()))
}

pub async fn add_member(app: &App, c: &Caller, id: i64, school_code: &str, joined_on: NaiveDate) -> Result<()> {
    require_membership_right(app, c, id).await?;
    app.store.add_member(&c.ctx(), id, school_code, joined_on).await?;
    app.sessions.clear(); // a cluster head's scope changed
    Ok(())
}

pub async fn remove_member(app: &App, c: &Caller, id: i64, school_id: i64, left_on: NaiveDate) -> Result<()> {
    require_membership_right(app, c, id).await?;
    app.store.remove_member(&c.ctx(), id, school_id, left_on).await?;
    app.sessions.clear(); // a cluster head's scope changed
    Ok(())
}

pub async fn set_officers(app: &App, c: &Caller, id: i64, officers: &[OfficerDraft]) -> Result<()> {
    found(app, c, id, Action::Update).await?;
    Ok(app.store.set_officers(&c.ctx(), id, officers).await?)
}
