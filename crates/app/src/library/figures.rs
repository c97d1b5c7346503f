//! Who shares and who uses (资源共享与使用): per school, cluster and month, the uploads, and
//! the downloads and ratings by people of *other* schools — a resource used only at home is not
//! sharing. [`figures`] is what the cluster evaluation reads.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_store::library::{UseEvent, UseKind};

use crate::figures::{self, Scope};
use crate::{App, Caller, Result};

/// Sharing and use of one school (or cluster, or month).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Use {
    pub uploads: u64,
    /// Downloads of its resources by people of other schools (and of the bureau).
    pub downloads_by_others: u64,
    /// Ratings of its resources by people of other schools, and their mean stars.
    pub ratings_by_others: u64,
    pub mean_stars_by_others: Option<f64>,
    /// Downloads its people made of other schools' resources.
    pub downloads_of_others: u64,
    #[serde(skip)]
    stars_sum: u64,
}

impl Use {
    /// Counts `e` for the resource's school (`as_owner`) and for the acting person's school
    /// (`as_user`); either or both.
    fn add(&mut self, e: &UseEvent, as_owner: bool, as_user: bool) {
        let across = e.owner_school != e.by_school;
        match e.what {
            UseKind::Upload if as_owner => self.uploads += 1,
            UseKind::Download if across => {
                self.downloads_by_others += u64::from(as_owner);
                self.downloads_of_others += u64::from(as_user);
            }
            UseKind::Rating if as_owner && across => {
                self.ratings_by_others += 1;
                self.stars_sum += e.stars.max(0) as u64;
                self.mean_stars_by_others = Some(self.stars_sum as f64 / self.ratings_by_others as f64);
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
    #[serde(flatten)]
    pub figures: Use,
}

/// The figures of the schools the caller reads, over `[from, to]`.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub schools: Vec<Named>,
    pub clusters: Vec<Named>,
    /// `YYYY-MM` → figures of the month (the schools above together).
    pub months: BTreeMap<String, Use>,
    pub total: Use,
    /// The most downloaded resources of those schools in the period: (id, title, downloads).
    pub top: Vec<(i64, String, u64)>,
}

/// Sharing and use in `[from, to]` of the schools the caller may read figures of (the bureau
/// and inspectors the county, a cluster head their cluster, a principal their school).
pub async fn figures(app: &App, caller: &Caller, from: NaiveDate, to: NaiveDate) -> Result<Figures> {
    caller.require(Action::Read, Resource::Library, &Target::county(caller.county()))?;
    let visibility = caller.visibility(Resource::Library);
    let county = caller.county();
    let start = |d: NaiveDate| DateTime::<Utc>::from_naive_utc_and_offset(d.and_hms_opt(0, 0, 0).unwrap_or_default(), Utc);
    let events = app.store.library_events(county, start(from), start(to.succ_opt().unwrap_or(to))).await?;
    let schools: Vec<(i64, String)> =
        app.store.all_schools(county).await?.into_iter().filter(|s| visibility.includes(s.id)).map(|s| (s.id, s.name)).collect();
    let mut per_school: HashMap<i64, Use> = HashMap::new();
    let mut months: BTreeMap<String, Use> = BTreeMap::new();
    let mut total = Use::default();
    let mut downloads: HashMap<i64, u64> = HashMap::new();
    let seen = |s: Option<i64>| s.is_some_and(|s| visibility.includes(s));
    for e in &events {
        let (owner, user) = (seen(e.owner_school), seen(e.by_school));
        if !owner && !user {
            continue;
        }
        if let Some(s) = e.owner_school.filter(|_| owner) {
            per_school.entry(s).or_default().add(e, true, false);
        }
        if let Some(s) = e.by_school.filter(|_| user) {
            per_school.entry(s).or_default().add(e, false, true);
        }
        let month = format!("{:04}-{:02}", e.at.year(), e.at.month());
        months.entry(month).or_default().add(e, owner, user);
        total.add(e, owner, user);
        if e.what == UseKind::Download && owner && e.owner_school != e.by_school {
            *downloads.entry(e.resource_id).or_default() += 1;
        }
    }
    let named = |id: i64, name: &str, figures: Use| Named { id, name: name.to_string(), figures };
    let school_rows: Vec<Named> =
        schools.iter().map(|(id, name)| named(*id, name, per_school.get(id).cloned().unwrap_or_default())).collect();
    let mut clusters = Vec::new();
    for c in app.store.all_clusters(county).await? {
        let members = app.store.cluster_school_ids(county, c.id).await?;
        if members.is_empty() || !members.iter().all(|m| visibility.includes(*m)) {
            continue;
        }
        // A cluster's sharing counts use by schools outside it; within it, by other members.
        let mut u = Use::default();
        for e in events.iter().filter(|e| e.owner_school.is_some_and(|s| members.contains(&s))) {
            u.add(e, true, false);
        }
        clusters.push(named(c.id, &c.name, u));
    }
    let mut top: Vec<(i64, u64)> = downloads.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(10);
    let ids: Vec<i64> = top.iter().map(|t| t.0).collect();
    let titles: HashMap<i64, String> = app.store.resources(county, &ids).await?.into_iter().map(|r| (r.id, r.title)).collect();
    let top = top.into_iter().map(|(id, n)| (id, titles.get(&id).cloned().unwrap_or_default(), n)).collect();
    Ok(Figures { from, to, schools: school_rows, clusters, months, total, top })
}

/// The library's figures over a school year: resources uploaded, and downloads of them by
/// people of other schools (资源共享).
pub(crate) static FIGURES: figures::Provider = figures::Provider {
    figures: &[figure("library.uploads"), figure("library.downloads_by_others")],
    compute: |app, c, year, scopes| Box::pin(library_figures(app, c, year, scopes)),
};

const fn figure(key: &'static str) -> figures::Figure {
    figures::Figure {
        key,
        unit: figures::Unit::Count,
        higher_is_better: true,
        scopes: &[figures::ScopeKind::County, figures::ScopeKind::Cluster, figures::ScopeKind::School],
        period: figures::Period::SchoolYear,
        source: figures::Source::Library,
    }
}

async fn library_figures(app: &App, c: &Caller, year: i32, scopes: &[Scope]) -> Result<figures::Values> {
    let (from, to) = crate::bookings::school_year(year);
    let f = self::figures(app, c, from, to).await?;
    let mut out = figures::Values::new();
    for scope in scopes {
        let found = match *scope {
            Scope::County => Some(&f.total),
            Scope::Cluster(id) => f.clusters.iter().find(|n| n.id == id).map(|n| &n.figures),
            Scope::School(id) => f.schools.iter().find(|n| n.id == id).map(|n| &n.figures),
        };
        if let Some(u) = found {
            out.insert((*scope, "library.uploads"), u.uploads as f64);
            out.insert((*scope, "library.downloads_by_others"), u.downloads_by_others as f64);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(what: UseKind, owner: i64, by: i64, stars: i32) -> UseEvent {
        UseEvent { what, resource_id: 1, owner_school: Some(owner), by_school: Some(by), at: Utc::now(), stars }
    }

    #[test]
    fn use_at_home_is_not_sharing() {
        let mut u = Use::default();
        for e in [
            event(UseKind::Upload, 1, 1, 0),
            event(UseKind::Download, 1, 1, 0),
            event(UseKind::Download, 1, 2, 0),
            event(UseKind::Rating, 1, 1, 5),
            event(UseKind::Rating, 1, 2, 4),
            event(UseKind::Rating, 1, 3, 1),
        ] {
            u.add(&e, true, false);
        }
        assert_eq!((u.uploads, u.downloads_by_others, u.ratings_by_others), (1, 1, 2));
        assert_eq!(u.mean_stars_by_others, Some(2.5));
        // For the county both sides count: a download across schools is use by one school of
        // another's resource.
        let mut county = Use::default();
        county.add(&event(UseKind::Download, 1, 2, 0), true, true);
        assert_eq!((county.downloads_by_others, county.downloads_of_others), (1, 1));
    }
}
