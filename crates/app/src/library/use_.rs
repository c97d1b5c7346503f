//! Finding and using resources: search, a resource's page, preview and download, ratings,
//! comments and collections.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use xuequ_domain::access::library as policy;
use xuequ_domain::library::{ResourceStatus, check_comment, check_stars};
use xuequ_domain::validate::Checker;
pub use xuequ_search::fulltext::Sort;
use xuequ_search::fulltext::{Reader, SearchRequest};
use xuequ_store::entities::{library_collection, library_comment, library_file, library_resource};

use super::{shared, shelf, visible};
use crate::{App, AppError, Caller, Result};

/// A search as typed: words, filters by facet name, order, page (1-based).
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub text: String,
    pub filters: BTreeMap<String, String>,
    pub sort: Sort,
    pub page: usize,
    pub per_page: usize,
    pub since: Option<chrono::NaiveDate>,
    pub until: Option<chrono::NaiveDate>,
}

/// One result: the resource with its marked title and passage.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub resource: library_resource::Model,
    pub title_html: String,
    pub snippet_html: String,
    pub school_name: String,
}

/// A page of results, the facet counts, and names for the ids in them.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub items: Vec<Found>,
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
    pub schools: HashMap<i64, String>,
    pub clusters: HashMap<i64, String>,
}

/// Searches what the caller may see. Results, counts, facets and snippets come from one query
/// that includes the caller's visibility.
pub async fn search(app: &App, caller: &Caller, s: &Search) -> Result<Results> {
    let shelf = shelf(app, caller).await?;
    let reader = Reader { county_id: shelf.county_id, everything: shelf.everything, schools: shelf.schools, clusters: shelf.clusters };
    let per_page = s.per_page.clamp(1, 100);
    let page = s.page.max(1);
    let at = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
    let request = SearchRequest {
        text: s.text.chars().take(200).collect(),
        filters: s.filters.clone(),
        sort: s.sort,
        offset: (page - 1).saturating_mul(per_page).min(10_000),
        limit: per_page,
        since: s.since.and_then(at),
        until: s.until.and_then(|d| d.succ_opt()).and_then(at),
    };
    let archive = app.library.clone();
    let results = tokio::task::spawn_blocking(move || archive.index.search(&request, &reader))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    let rows: HashMap<i64, library_resource::Model> =
        app.store.resources(caller.county(), &ids).await?.into_iter().map(|r| (r.id, r)).collect();
    let schools: HashMap<i64, String> = app.store.all_schools(caller.county()).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let clusters: HashMap<i64, String> = app.store.all_clusters(caller.county()).await?.into_iter().map(|c| (c.id, c.name)).collect();
    let items = results
        .hits
        .into_iter()
        .filter_map(|h| {
            // The index may lag a change by a moment; the database has the last word.
            let r = rows.get(&h.id)?.clone();
            (r.status == ResourceStatus::Active).then(|| Found {
                school_name: r.school_id.and_then(|s| schools.get(&s).cloned()).unwrap_or_default(),
                resource: r,
                title_html: h.title_html,
                snippet_html: h.snippet_html,
            })
        })
        .collect();
    Ok(Results { total: results.total, page, per_page, items, facets: results.facets, schools, clusters })
}

/// A resource's page: the resource, its file versions, comments, the caller's rating and what
/// they may do.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub resource: library_resource::Model,
    pub versions: Vec<library_file::Model>,
    pub comments: Vec<library_comment::Model>,
    pub my_rating: Option<i32>,
    pub may_change: bool,
    pub may_take_down: bool,
    /// Share it again (withdrawn: who may change it; taken down: the bureau).
    pub may_restore: bool,
    /// Rate and comment (not inspectors).
    pub may_discuss: bool,
    pub school_name: String,
    pub cluster_name: String,
    /// The collections the caller may put it in (their own, clusters' they curate), and which
    /// of them hold this resource.
    pub collections: Vec<(library_collection::Model, bool)>,
}

impl Detail {
    pub fn current(&self) -> &library_file::Model {
        &self.versions[0]
    }
}

pub async fn detail(app: &App, caller: &Caller, id: i64) -> Result<Detail> {
    let resource = visible(app, caller, id).await?;
    let county = caller.county();
    let versions = app.store.resource_files(county, id).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound);
    }
    let school_name = match resource.school_id {
        Some(s) => app.store.school(county, s).await?.map(|s| s.name).unwrap_or_default(),
        None => String::new(),
    };
    let cluster_name = match resource.cluster_id {
        Some(k) => app.store.cluster(county, k).await?.map(|c| c.name).unwrap_or_default(),
        None => String::new(),
    };
    let mut collections = Vec::new();
    // Only those the caller may put it in: a cluster's curated collection is read by its schools
    // but kept by its head and the bureau, so offering it to others would only be refused.
    for c in my_collections(app, caller).await?.into_iter().filter(|c| policy::may_fill(&caller.actor, &collection_of(c))) {
        let inside = app.store.collection_items(county, c.id).await?.contains(&id);
        collections.push((c, inside));
    }
    Ok(Detail {
        may_change: policy::may_change(&caller.actor, &shared(&resource)),
        may_take_down: policy::may_take_down(&caller.actor, &shared(&resource)),
        may_restore: policy::may_restore(&caller.actor, &shared(&resource)),
        may_discuss: policy::may_discuss(&caller.actor, &super::shelf(app, caller).await?, &shared(&resource)),
        comments: app.store.comments(county, id).await?,
        my_rating: app.store.my_rating(county, id, caller.actor.user_id).await?,
        resource,
        versions,
        school_name,
        cluster_name,
        collections,
    })
}

/// A file of a resource the caller may see (the current version unless one is asked for),
/// with its bytes. A download (`count`) is recorded with the person and their school; a
/// preview is not.
pub async fn file(app: &App, caller: &Caller, id: i64, version: Option<i32>, count: bool) -> Result<(library_file::Model, bytes::Bytes)> {
    visible(app, caller, id).await?;
    let versions = app.store.resource_files(caller.county(), id).await?;
    let file = match version {
        Some(v) => versions.into_iter().find(|f| f.version == v),
        None => versions.into_iter().next(),
    }
    .ok_or(AppError::NotFound)?;
    let bytes = app.library.get(&file.hash).await?;
    if count {
        app.store.record_download(&caller.ctx(), id, caller.actor.school_id, chrono::Utc::now()).await?;
        app.library.mark_stale(id);
    }
    Ok((file, bytes))
}

/// The file (current unless a version is asked for) to show inside the page, and whether a browser shows it there (PDFs and
/// pictures; the others are previewed as their text). Not counted as a download.
pub async fn preview(app: &App, caller: &Caller, id: i64, version: Option<i32>) -> Result<(library_file::Model, bytes::Bytes, bool)> {
    let (f, bytes) = file(app, caller, id, version, false).await?;
    let inline = xuequ_domain::library::files::Family::code_shows_inline(&f.family);
    Ok((f, bytes, inline))
}

/// Rates a resource one to five stars (again: the new rating replaces the old).
/// The resource if the caller may rate and comment on it (inspectors read only).
async fn discussable(app: &App, caller: &Caller, id: i64) -> Result<library_resource::Model> {
    let r = visible(app, caller, id).await?;
    let shelf = super::shelf(app, caller).await?;
    if policy::may_discuss(&caller.actor, &shelf, &shared(&r)) { Ok(r) } else { Err(AppError::Forbidden) }
}

pub async fn rate(app: &App, caller: &Caller, id: i64, stars: i32) -> Result<library_resource::Model> {
    discussable(app, caller, id).await?;
    check_stars(stars).map_err(|p| AppError::invalid("stars", p))?;
    let after = app.store.rate_resource(&caller.ctx(), id, caller.actor.school_id, stars, chrono::Utc::now()).await?;
    super::index::refresh(app, &[id]).await?;
    Ok(after)
}

pub async fn comment(app: &App, caller: &Caller, id: i64, body: &str) -> Result<library_comment::Model> {
    discussable(app, caller, id).await?;
    check_comment(body).map_err(AppError::Invalid)?;
    Ok(app.store.add_comment(&caller.ctx(), id, body.trim()).await?)
}

/// The name of the collection everyone starts with.
pub const FAVOURITES: &str = "我的收藏";

/// The caller's collections (their favourites first, made on first use) and their clusters'.
pub async fn my_collections(app: &App, caller: &Caller) -> Result<Vec<library_collection::Model>> {
    let clusters = shelf(app, caller).await?.clusters;
    Ok(app.store.collections(caller.county(), caller.actor.user_id, &clusters).await?)
}

/// Makes a collection: the caller's own, or (`cluster_id`) a cluster's curated one.
pub async fn create_collection(app: &App, caller: &Caller, name: &str, cluster_id: Option<i64>) -> Result<library_collection::Model> {
    let mut check = Checker::default();
    check.text("name", name, true, 60);
    check.finish().map_err(AppError::Invalid)?;
    match cluster_id {
        Some(k) => {
            app.store.cluster(caller.county(), k).await?.ok_or(AppError::NotFound)?;
            if !policy::may_curate(&caller.actor, caller.county(), k) {
                return Err(AppError::Forbidden);
            }
            Ok(app.store.create_collection(&caller.ctx(), None, Some(k), name.trim()).await?)
        }
        None => Ok(app.store.create_collection(&caller.ctx(), Some(caller.actor.user_id), None, name.trim()).await?),
    }
}

/// Puts a resource the caller sees into one of their collections (or a cluster's they curate),
/// or takes it out. `collection_id` None means their favourites (made on first use).
pub async fn collect(app: &App, caller: &Caller, collection_id: Option<i64>, resource_id: i64, inside: bool) -> Result<i64> {
    visible(app, caller, resource_id).await?;
    let collection = match collection_id {
        Some(id) => app.store.collection(caller.county(), id).await?.ok_or(AppError::NotFound)?,
        None => {
            let mine = my_collections(app, caller).await?;
            match mine.into_iter().find(|c| c.owner_id == Some(caller.actor.user_id)) {
                Some(c) => c,
                None => app.store.create_collection(&caller.ctx(), Some(caller.actor.user_id), None, FAVOURITES).await?,
            }
        }
    };
    if !policy::may_fill(&caller.actor, &collection_of(&collection)) {
        return Err(AppError::NotFound);
    }
    app.store.set_in_collection(&caller.ctx(), collection.id, resource_id, inside).await?;
    Ok(collection.id)
}

fn collection_of(c: &library_collection::Model) -> policy::Collection {
    policy::Collection { county_id: c.county_id, owner_id: c.owner_id, cluster_id: c.cluster_id }
}

/// A collection with the resources in it the caller may see. A person's collection is theirs
/// alone; a cluster's is read by everyone who may see that cluster's resources.
pub async fn collection(app: &App, caller: &Caller, id: i64) -> Result<(library_collection::Model, Vec<library_resource::Model>)> {
    let c = app.store.collection(caller.county(), id).await?.ok_or(AppError::NotFound)?;
    let shelf = shelf(app, caller).await?;
    if !policy::may_open(&caller.actor, &shelf, &collection_of(&c)) {
        return Err(AppError::NotFound);
    }
    let ids = app.store.collection_items(caller.county(), id).await?;
    let mut rows = app.store.resources(caller.county(), &ids).await?;
    rows.retain(|r| policy::may_see(&caller.actor, &shelf, &shared(r)) && r.status == ResourceStatus::Active);
    rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
    Ok((c, rows))
}

/// A school's shared resources, or one teacher's, that the caller may see.
pub async fn shared_by(
    app: &App,
    caller: &Caller,
    school_id: Option<i64>,
    uploader_id: Option<i64>,
) -> Result<Vec<library_resource::Model>> {
    let shelf = shelf(app, caller).await?;
    let mut rows = app.store.resources_of(caller.county(), school_id, uploader_id).await?;
    rows.retain(|r| policy::may_see(&caller.actor, &shelf, &shared(r)));
    Ok(rows)
}
