//! Clusters (学区 / 教育集团 / 城乡捆绑 / 学校联盟): their records, dated membership and officers.
//! Forming, dissolving and membership are the bureau's decisions; a cluster head keeps the
//! cluster's own record (officers, description).

use crate::figures::{self, Period, Scope, ScopeKind, Unit};
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
        app.forget_sessions(None).await?; // a cluster head's scope may follow the lead
    }
    Ok(updated)
}

/// Dissolves a cluster on a date; its memberships end that day.
pub async fn dissolve(app: &App, c: &Caller, id: i64, on: NaiveDate) -> Result<cluster::Model> {
    found(app, c, id, Action::Retire).await?;
    let dissolved = app.store.dissolve_cluster(&c.ctx(), id, on).await?;
    app.forget_sessions(None).await?; // a cluster head's scope changed
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
    app.forget_sessions(None).await?; // a cluster head's scope changed
    Ok(())
}

pub async fn remove_member(app: &App, c: &Caller, id: i64, school_id: i64, left_on: NaiveDate) -> Result<()> {
    require_membership_right(app, c, id).await?;
    app.store.remove_member(&c.ctx(), id, school_id, left_on).await?;
    app.forget_sessions(None).await?; // a cluster head's scope changed
    Ok(())
}

pub async fn set_officers(app: &App, c: &Caller, id: i64, officers: &[OfficerDraft]) -> Result<()> {
    found(app, c, id, Action::Update).await?;
    Ok(app.store.set_officers(&c.ctx(), id, officers).await?)
}

/// The figures of clusters and coverage (集团化办学覆盖面): how many clusters, and the share of
/// the county's schools and pupils in one; a cluster's member schools.
pub(crate) static FIGURES: figures::Provider = figures::Provider {
    figures: &[
        figure("clusters.count", Unit::Count, &[ScopeKind::County], Period::Now),
        figure("clusters.schools_covered", Unit::Percent, &[ScopeKind::County], Period::Now),
        figure("clusters.pupils_covered", Unit::Percent, &[ScopeKind::County], Period::LatestStatistics),
        figure("clusters.member_schools", Unit::Count, &[ScopeKind::Cluster], Period::Now),
    ],
    compute: |app, c, year, scopes| Box::pin(coverage(app, c, year, scopes)),
};

const fn figure(key: &'static str, unit: Unit, scopes: &'static [ScopeKind], period: Period) -> figures::Figure {
    figures::Figure { key, unit, higher_is_better: true, scopes, period, source: figures::Source::Clusters }
}

async fn coverage(app: &App, c: &Caller, year: i32, scopes: &[Scope]) -> Result<figures::Values> {
    let county = c.county();
    let clusters = crate::running::Clusters::load(app, county).await?;
    let active: Vec<i64> = clusters.all.iter().filter(|k| k.status == xuequ_domain::Status::Active).map(|k| k.id).collect();
    let covered: std::collections::HashSet<i64> = active.iter().flat_map(|k| clusters.schools(*k).iter().copied()).collect();
    let schools: Vec<i64> =
        app.store.all_schools(county).await?.into_iter().filter(|s| s.status == xuequ_domain::Status::Active).map(|s| s.id).collect();
    let mut out = figures::Values::new();
    for scope in scopes {
        match *scope {
            Scope::County => {
                out.insert((*scope, "clusters.count"), active.len() as f64);
                let inside = schools.iter().filter(|s| covered.contains(s)).count();
                figures::put(&mut out, *scope, "clusters.schools_covered", figures::percent(inside, schools.len()));
                // Pupils of the statistics; a school without statistics that year is not
                // counted either way.
                // The newest statistics not later than the year.
                let newest = app.store.stat_years(county).await?.into_iter().filter(|y| *y <= year).max();
                let stats = match newest {
                    Some(y) => app.store.all_stats(county, Some(y)).await?,
                    None => Vec::new(),
                };
                let pupils = |s: &&xuequ_store::entities::school_stat::Model| (s.students_primary + s.students_junior).max(0) as usize;
                let all: usize = stats.iter().filter(|s| schools.contains(&s.school_id)).map(|s| pupils(&s)).sum();
                let inside: usize =
                    stats.iter().filter(|s| schools.contains(&s.school_id) && covered.contains(&s.school_id)).map(|s| pupils(&s)).sum();
                figures::put(&mut out, *scope, "clusters.pupils_covered", figures::percent(inside, all));
            }
            Scope::Cluster(id) if active.contains(&id) => {
                out.insert((*scope, "clusters.member_schools"), clusters.schools(id).len() as f64);
            }
            _ => {}
        }
    }
    Ok(out)
}
