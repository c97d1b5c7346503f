//! Keeping the search index in step with the database.

use std::collections::BTreeMap;

use xuequ_domain::library::Sharing;
use xuequ_search::fulltext::{Access, ResourceDoc};
use xuequ_store::library::Item;

use crate::{App, AppError, Result};

/// How the index holds a resource.
pub fn doc(item: &Item) -> ResourceDoc {
    let r = &item.resource;
    let school = r.school_id.unwrap_or(0);
    let access = match (r.sharing, r.cluster_id) {
        (Sharing::County, _) => Access::County(r.county_id),
        (Sharing::Cluster, Some(k)) => Access::Cluster(k),
        (Sharing::Cluster, None) | (Sharing::School, _) => Access::School(school),
    };
    ResourceDoc {
        id: r.id,
        county_id: r.county_id,
        school_id: school,
        access,
        title: r.title.clone(),
        description: r.description.clone(),
        tags: r.tags.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
        body: item.file.text.clone(),
        subject: r.subject.to_string(),
        grade: r.grade.to_string(),
        kind: r.kind.to_string(),
        edition: r.edition.clone(),
        created: r.created_at.timestamp(),
        downloads: r.downloads.max(0) as u64,
        rating: (r.rating_sum * 100).checked_div(r.rating_count).unwrap_or(0).max(0) as u64,
        cluster_id: if r.sharing == Sharing::Cluster { r.cluster_id } else { None },
        uploader_id: r.uploader_id,
        // Counts are shown by the index too: it is current at the content's revision plus the
        // counts' changes.
        revision: r.revision + r.counted,
    }
}

/// Runs an index operation off the async threads (a commit writes and syncs files).
async fn blocking<T: Send + 'static>(app: &App, work: impl FnOnce(&xuequ_search::fulltext::Library) -> T + Send + 'static) -> Result<T> {
    let archive = app.library.clone();
    tokio::task::spawn_blocking(move || work(&archive.index)).await.map_err(AppError::internal)
}

/// Puts these resources in the index as the database has them now (removing those that are no
/// longer shared).
pub async fn refresh(app: &App, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let items = app.store.indexable(Some(ids), 0, ids.len() as u64).await?;
    let docs: Vec<ResourceDoc> = items.iter().map(doc).collect();
    let gone: Vec<i64> = ids.iter().copied().filter(|id| !items.iter().any(|i| i.resource.id == *id)).collect();
    blocking(app, move |index| {
        index.remove(&gone)?;
        index.put(&docs)
    })
    .await?
    .map_err(AppError::internal)
}

/// Brings the index to what the database says: resources it lacks or holds at an older
/// revision are put in, those no longer shared taken out. Run at start (after a crash the index
/// may lag the database) and every minute (downloads change the "most downloaded" order).
/// Returns how many resources it changed.
pub async fn catch_up(app: &App) -> Result<usize> {
    app.library.stale.lock().expect("stale set").clear();
    let database: BTreeMap<i64, i64> = app.store.active_revisions().await?.into_iter().collect();
    let indexed = blocking(app, |index| index.revisions()).await?.map_err(AppError::internal)?;
    let behind: Vec<i64> = database.iter().filter(|(id, rev)| indexed.get(id) != Some(rev)).map(|(id, _)| *id).collect();
    let extra: Vec<i64> = indexed.keys().filter(|id| !database.contains_key(id)).copied().collect();
    for chunk in behind.chunks(2_000) {
        refresh(app, chunk).await?;
    }
    if !extra.is_empty() {
        let count = extra.len();
        blocking(app, move |index| index.remove(&extra)).await?.map_err(AppError::internal)?;
        tracing::info!("removed {count} resources from the index that the database no longer shares");
    }
    Ok(behind.len())
}

/// The resources whose counts changed since the last sweep, put in again.
pub async fn sweep(app: &App) -> Result<()> {
    let ids: Vec<i64> = std::mem::take(&mut *app.library.stale.lock().expect("stale set")).into_iter().collect();
    refresh(app, &ids).await
}

/// Rebuilds the index from the database: emptied, then every shared resource put in, `batch`
/// at a time; `progress(done, total)` after each batch. Returns how many it holds.
pub async fn reindex(app: &App, batch: u64, progress: impl Fn(u64, u64)) -> Result<u64> {
    let total = app.store.active_revisions().await?.len() as u64;
    blocking(app, |index| index.clear()).await?.map_err(AppError::internal)?;
    let (mut after, mut done) = (0, 0);
    loop {
        let items = app.store.indexable(None, after, batch.max(1)).await?;
        let Some(last) = items.last() else { break };
        after = last.resource.id;
        let docs: Vec<ResourceDoc> = items.iter().map(doc).collect();
        done += docs.len() as u64;
        blocking(app, move |index| index.put(&docs)).await?.map_err(AppError::internal)?;
        progress(done, total);
    }
    Ok(done)
}
