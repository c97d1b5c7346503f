//! The figures registry (指标数据): one contract through which every module tells what it can
//! count, and through which the evaluation, the dashboard, the reports and the API read it.
//!
//! A module declares a [`Provider`]: the [`Figure`]s it knows (a key, a unit, the scopes it is
//! computed for, the period it covers and the page behind it; the names in both languages are
//! the i18n bundles' `figure-{key}`) and one function that computes all of them for a set of
//! scopes at once — one pass over a module's records serves every cluster of a round. A new
//! module adds its provider to [`PROVIDERS`] and nowhere else.
//!
//! A figure the records cannot give (no complete statistics, no activity with a list to take
//! attendance of, no budget) is absent from the values: missing, never zero.

use std::collections::{BTreeSet, HashMap};

use futures_util::future::BoxFuture;
use serde::Serialize;
use xuequ_domain::Role;
use xuequ_domain::access::{Actor, evaluation as policy};
pub use xuequ_domain::evaluation::Scope;

use crate::{App, AppError, Caller, Result};

/// What a figure counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Percent,
    Hours,
    /// A coefficient of variation (差异系数).
    Coefficient,
}

/// Which scopes a figure is computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    County,
    Cluster,
    School,
}

impl ScopeKind {
    pub fn of(scope: Scope) -> ScopeKind {
        match scope {
            Scope::County => ScopeKind::County,
            Scope::Cluster(_) => ScopeKind::Cluster,
            Scope::School(_) => ScopeKind::School,
        }
    }
}

/// The stretch of time a figure of year `Y` covers: the school year from 1 September `Y`, the
/// calendar year `Y` (budgets and plans are kept by calendar year), the newest complete
/// statistics not later than `Y`, or the state today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    SchoolYear,
    CalendarYear,
    LatestStatistics,
    Now,
}

/// The page where a figure comes from, so that every figure shown links to its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Clusters,
    Assessment,
    Bookings,
    Library,
    Exchange,
    Activities,
    Training,
    Plans,
    Budgets,
    ValueAdded,
}

/// One registered figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    pub key: &'static str,
    pub unit: Unit,
    pub higher_is_better: bool,
    pub scopes: &'static [ScopeKind],
    pub period: Period,
    pub source: Source,
}

impl Figure {
    pub fn covers(&self, scope: Scope) -> bool {
        self.scopes.contains(&ScopeKind::of(scope))
    }
}

/// The values computed: `(scope, key)` → value. A missing figure has no entry.
pub type Values = HashMap<(Scope, &'static str), f64>;

/// Computes a module's figures of year `year` for `scopes`, as `reader` (who reads the whole
/// county: the registry has already checked what its own caller may see).
pub type Compute = for<'a> fn(&'a App, &'a Caller, i32, &'a [Scope]) -> BoxFuture<'a, Result<Values>>;

/// What a module registers.
pub struct Provider {
    pub figures: &'static [Figure],
    pub compute: Compute,
}

/// Every module's figures, in the order a dashboard shows them.
pub static PROVIDERS: &[&Provider] = &[
    &crate::clusters::FIGURES,
    &crate::assessment::FIGURES,
    &crate::exchange::FIGURES,
    &crate::bookings::FIGURES,
    &crate::library::FIGURES,
    &crate::running::FIGURES,
    &crate::evaluation::scores::FIGURES,
];

/// Every registered figure.
pub fn all() -> impl Iterator<Item = &'static Figure> {
    PROVIDERS.iter().flat_map(|p| p.figures.iter())
}

/// The figure registered under `key`.
pub fn find(key: &str) -> Option<&'static Figure> {
    all().find(|f| f.key == key)
}

/// Whether a figure is registered under `key`.
pub fn known(key: &str) -> bool {
    find(key).is_some()
}

/// The i18n message of a figure's name: `figure-` and its key with dots as dashes (Fluent's
/// identifiers have no dots).
pub fn message_id(key: &str) -> String {
    format!("figure-{}", key.replace('.', "-"))
}

/// Who the registry computes as: reads everything in the county, changes nothing.
fn reader(county: i64) -> Caller {
    let actor =
        Actor { user_id: 0, county_id: county, role: Role::Inspector, school_id: None, cluster_id: None, cluster_school_ids: Vec::new() };
    Caller { actor, username: String::new() }
}

/// The figures of `keys` (all when `None`) of year `year` for `scopes` of `county`, with no
/// question of permission: for the evaluation and the dashboard once they have asked. Cached
/// while the county's records and the date stay the same.
pub(crate) async fn compute(app: &App, county: i64, year: i32, scopes: &[Scope], keys: Option<&BTreeSet<&str>>) -> Result<Values> {
    compute_as_of(app, county, year, scopes, keys, Freshness::Exact).await
}

/// How fresh computed figures must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Freshness {
    /// As the records are now (kept while the county's version stays the same).
    Exact,
    /// Within the ten minutes of [`time_bucket`], whatever was written meanwhile: for an open
    /// round's standings, read often while the county keeps writing.
    Recent,
}

/// [`compute`] at the freshness asked for.
pub(crate) async fn compute_as_of(
    app: &App,
    county: i64,
    year: i32,
    scopes: &[Scope],
    keys: Option<&BTreeSet<&str>>,
    freshness: Freshness,
) -> Result<Values> {
    crate::running::check_year("year", year)?;
    let version = match freshness {
        Freshness::Exact => app.store.version(county).await?,
        Freshness::Recent => 0,
    };
    let key = (county, year, time_bucket(), freshness, scopes.to_vec());
    let all = match app.derived.figures.get(&key, version) {
        Some(hit) => hit,
        None => {
            let fresh = std::sync::Arc::new(compute_all(app, county, year, scopes).await?);
            app.derived.figures.put(key, version, fresh.clone());
            fresh
        }
    };
    Ok(all.iter().filter(|((_, k), _)| keys.is_none_or(|keys| keys.contains(k))).map(|(k, v)| (*k, *v)).collect())
}

/// Derived figures are kept for ten minutes at most: some depend on the clock (an activity
/// counts as held once it has begun) and some records are written without moving the county's
/// version (downloads, check-ins).
pub(crate) fn time_bucket() -> i64 {
    chrono::Utc::now().timestamp() / 600
}

/// Every provider's figures for `scopes`.
async fn compute_all(app: &App, county: i64, year: i32, scopes: &[Scope]) -> Result<Values> {
    let reader = reader(county);
    let mut out = Values::new();
    for provider in PROVIDERS {
        let started = std::time::Instant::now();
        let values = (provider.compute)(app, &reader, year, scopes).await?;
        // What a slow evaluation spends where (`XUEQU_LOG=xuequ_app::figures=debug`).
        tracing::debug!(figures = ?provider.figures.first().map(|f| f.key), scopes = scopes.len(), ms = started.elapsed().as_millis() as u64, "figures computed");
        // A provider answers only for figures it registered, at scopes they cover.
        out.extend(values.into_iter().filter(|((scope, key), v)| v.is_finite() && find(key).is_some_and(|f| f.covers(*scope))));
    }
    Ok(out)
}

/// One figure's value for the caller.
#[derive(Debug, Clone, Serialize)]
pub struct Reading {
    pub figure: &'static Figure,
    /// Missing when the records cannot give it.
    pub value: Option<f64>,
}

/// Every figure registered for `scope` in year `year`, for a caller who may read it (the
/// bureau and inspectors anything, a head their cluster and its schools, a principal their
/// school). A cluster or school of another county is not found.
pub async fn read(app: &App, c: &Caller, year: i32, scope: Scope) -> Result<Vec<Reading>> {
    let county = c.county();
    match scope {
        Scope::County => {}
        Scope::Cluster(id) => {
            app.store.cluster(county, id).await?.ok_or(AppError::NotFound)?;
        }
        Scope::School(id) => {
            app.store.school(county, id).await?.ok_or(AppError::NotFound)?;
        }
    }
    if !policy::may_read_figures(&c.actor, scope) {
        return Err(if scope == Scope::County { AppError::Forbidden } else { AppError::NotFound });
    }
    let values = compute(app, county, year, &[scope], None).await?;
    Ok(all().filter(|f| f.covers(scope)).map(|f| Reading { figure: f, value: values.get(&(scope, f.key)).copied() }).collect())
}

/// A share in per cent, missing when there is nothing to take a share of.
pub(crate) fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// Puts `value` under `(scope, key)` when there is one.
pub(crate) fn put(values: &mut Values, scope: Scope, key: &'static str, value: Option<f64>) {
    if let Some(v) = value {
        values.insert((scope, key), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xuequ_i18n::{Lang, Tr};

    #[test]
    fn every_figure_has_one_key_and_a_name_in_both_languages() {
        let mut keys = BTreeSet::new();
        for f in all() {
            assert!(keys.insert(f.key), "{} is registered twice", f.key);
            assert!(!f.scopes.is_empty(), "{} has no scope", f.key);
            let (zh, en) = (Tr::new(Lang::Zh).get(&message_id(f.key)), Tr::new(Lang::En).get(&message_id(f.key)));
            assert!(!zh.contains("figure-") && !en.contains("figure-") && zh != en, "{}: {zh} / {en}", f.key);
        }
    }

    #[test]
    fn the_default_tree_reads_registered_figures() {
        let tree = xuequ_evaluate::default_tree::default_tree();
        assert_eq!(tree.validate(known), Ok(()));
    }
}
