//! The dashboard under each home's to-do list (DOMAIN.md §4.11): the figures a leader steers by,
//! read through the figures registry for the caller's scope — the county for the bureau and
//! inspectors, the cluster for its head, the school for its principal — with the balance
//! coefficients' trend, coverage by form of cluster and the latest closed evaluation's ranking.

use std::collections::BTreeMap;

use serde::Serialize;
use xuequ_domain::evaluation::Scope;
use xuequ_domain::{ClusterForm, Role, Section, Status};

use crate::evaluation;
use crate::figures::{self, Reading};
use crate::{App, AppError, Caller, Result};
use xuequ_domain::evaluation::RoundStatus;

/// One year of the balance coefficients (2017 standard, composite), missing where a stage has
/// none or the year's statistics are not complete.
#[derive(Debug, Clone, Serialize)]
pub struct TrendYear {
    pub year: i32,
    pub primary: Option<f64>,
    pub junior: Option<f64>,
}

/// Clusters of one form and the schools in them.
#[derive(Debug, Clone, Serialize)]
pub struct FormCount {
    pub form: ClusterForm,
    pub clusters: usize,
    pub schools: usize,
}

/// A cluster in the latest closed round's ranking.
#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub cluster_id: i64,
    pub name: String,
    pub total: Option<f64>,
    pub rank: Option<usize>,
}

/// The latest closed round as the caller may see it: every cluster for the county, the
/// caller's own cluster otherwise (with how many were ranked), and a principal's school.
#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    pub year: i32,
    pub clusters: Vec<Ranked>,
    pub ranked: usize,
    /// The principal's school's result (its own, with its members' share for a lead school).
    pub school_total: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub year: i32,
    pub scope: Scope,
    pub figures: Vec<Reading>,
    pub trend: Vec<TrendYear>,
    pub by_form: Vec<FormCount>,
    pub ranking: Option<Ranking>,
}

/// The caller's own scope, or the one asked for when they may read it.
fn scope_of(c: &Caller, cluster: Option<i64>, school: Option<i64>) -> Result<Scope> {
    Ok(match (school, cluster, c.actor.role) {
        (Some(s), _, _) => Scope::School(s),
        (None, Some(k), _) => Scope::Cluster(k),
        (None, None, Role::BureauAdmin | Role::Inspector) => Scope::County,
        (None, None, Role::ClusterHead) => Scope::Cluster(c.actor.cluster_id.ok_or(AppError::Forbidden)?),
        (None, None, Role::SchoolAdmin) => Scope::School(c.actor.school_id.ok_or(AppError::Forbidden)?),
        (None, None, Role::Teacher) => return Err(AppError::Forbidden),
    })
}

/// The dashboard of the current school year for the caller's scope (or `cluster` / `school`
/// when the caller leads it).
pub async fn dashboard(app: &App, c: &Caller, cluster: Option<i64>, school: Option<i64>) -> Result<Dashboard> {
    let scope = scope_of(c, cluster, school)?;
    let year = crate::home::current_school_year(crate::today());
    let figures = figures::read(app, c, year, scope).await?;
    let trend = match scope {
        Scope::County => trend(app, c, None).await?,
        Scope::Cluster(k) => trend(app, c, Some(k)).await?,
        Scope::School(_) => Vec::new(),
    };
    let by_form = if scope == Scope::County { by_form(app, c).await? } else { Vec::new() };
    let ranking = ranking(app, c, scope).await?;
    Ok(Dashboard { year, scope, figures, trend, by_form, ranking })
}

async fn trend(app: &App, c: &Caller, cluster: Option<i64>) -> Result<Vec<TrendYear>> {
    let a = match crate::assessment::assess(app, c, None, cluster).await {
        Ok(a) => a,
        // No statistics yet (or none the caller reads): no trend to draw.
        Err(AppError::NotFound | AppError::Forbidden) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(a.trend
        .iter()
        .map(|(y, r)| {
            let complete = a.complete(*y);
            let cv = |s: Section| r.sections.get(&s).and_then(|c| c.cv.get("composite").copied()).filter(|_| complete);
            TrendYear { year: *y, primary: cv(Section::Primary), junior: cv(Section::Junior) }
        })
        .collect())
}

async fn by_form(app: &App, c: &Caller) -> Result<Vec<FormCount>> {
    let clusters = crate::running::Clusters::load(app, c.county()).await?;
    let mut out: BTreeMap<&'static str, FormCount> = BTreeMap::new();
    for k in clusters.all.iter().filter(|k| k.status == Status::Active) {
        let e = out.entry(k.form.code()).or_insert(FormCount { form: k.form, clusters: 0, schools: 0 });
        e.clusters += 1;
        e.schools += clusters.schools(k.id).len();
    }
    Ok(out.into_values().collect())
}

async fn ranking(app: &App, c: &Caller, scope: Scope) -> Result<Option<Ranking>> {
    let rounds = evaluation::rounds(app, c).await?;
    let Some(latest) = rounds.iter().find(|r| r.status == RoundStatus::Closed) else { return Ok(None) };
    let row = |k: &evaluation::ClusterResult| Ranked {
        cluster_id: k.cluster_id,
        name: k.name.clone(),
        total: k.result.total,
        rank: k.result.rank,
    };
    match scope {
        Scope::County => {
            let r = evaluation::results(app, c, latest.id).await?;
            let ranked = r.clusters.iter().filter(|k| k.result.total.is_some()).count();
            Ok(Some(Ranking { year: r.year, clusters: r.clusters.iter().map(row).collect(), ranked, school_total: None }))
        }
        Scope::Cluster(k) => match evaluation::of_cluster(app, c, k, Some(latest.year)).await {
            Ok(e) => Ok(Some(Ranking { year: latest.year, clusters: vec![row(&e.cluster)], ranked: e.ranked, school_total: None })),
            Err(AppError::NotFound) => Ok(None),
            Err(e) => Err(e),
        },
        Scope::School(s) => {
            let clusters = crate::running::Clusters::load(app, c.county()).await?;
            for k in clusters.of_school(s) {
                if let Ok(e) = evaluation::of_cluster(app, c, k, Some(latest.year)).await {
                    let school_total = e.cluster.schools.iter().find(|x| x.school_id == s).and_then(|x| x.total);
                    return Ok(Some(Ranking { year: latest.year, clusters: vec![row(&e.cluster)], ranked: e.ranked, school_total }));
                }
            }
            Ok(None)
        }
    }
}
