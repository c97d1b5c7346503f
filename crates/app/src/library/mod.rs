//! The teaching-resource library (教学资源库): teachers upload courseware, lesson plans and
//! research, share them with their school, cluster or county, and find them by Chinese
//! full-text search that only ever shows what they may see; they preview, download, rate,
//! comment and collect them (`use_`), and the bureau reads who shares and who uses (`figures`,
//! what the cluster evaluation calls).
//!
//! Writing order, for a process that may be killed at any point: the file bytes first (by
//! hash, see [`archive`]), then the database rows in one transaction, then the index. The index
//! is derived: [`catch_up`] puts in what the database has and it lacks, at start and every
//! minute, and [`reindex`] rebuilds it.

pub mod archive;
pub mod figures;
pub mod index;
pub mod upload;
pub mod use_;

pub use archive::Archive;
pub(crate) use figures::FIGURES;
pub use index::{catch_up, reindex};

use xuequ_domain::access::library::{self as policy, Shared, Shelf};
use xuequ_store::entities::library_resource;

use crate::{App, AppError, Caller, Result};

/// The resource as the access policy sees it.
pub fn shared(r: &library_resource::Model) -> Shared {
    Shared {
        county_id: r.county_id,
        school_id: r.school_id,
        cluster_id: r.cluster_id,
        uploader_id: r.uploader_id,
        sharing: r.sharing,
        status: r.status,
    }
}

/// The clusters the caller's school is in now.
pub async fn school_clusters(app: &App, caller: &Caller) -> Result<Vec<i64>> {
    let Some(school) = caller.actor.school_id else { return Ok(Vec::new()) };
    let rows = app.store.clusters_of_school(caller.county(), school).await?;
    Ok(rows.into_iter().filter(|c| c.membership.left_on.is_none() && c.cluster.dissolved_on.is_none()).map(|c| c.cluster.id).collect())
}

/// What the caller may find.
pub async fn shelf(app: &App, caller: &Caller) -> Result<Shelf> {
    Ok(policy::shelf(&caller.actor, &school_clusters(app, caller).await?))
}

/// The resource, if the caller may see it (another county's or one they may not see answers
/// "not found", so ids cannot be probed).
pub async fn visible(app: &App, caller: &Caller, id: i64) -> Result<library_resource::Model> {
    let r = app.store.resource(caller.county(), id).await?.ok_or(AppError::NotFound)?;
    let shelf = shelf(app, caller).await?;
    if policy::may_see(&caller.actor, &shelf, &shared(&r)) { Ok(r) } else { Err(AppError::NotFound) }
}

/// Removes stored bytes no row points at (left by refused new versions, uploads whose row was
/// never saved, killed processes) once they are older than the archive's grace period, so an
/// upload between storing its bytes and saving its row is never touched. Returns how many were
/// removed. The server runs it at start and every hour.
pub async fn sweep_orphans(app: &App) -> Result<usize> {
    let before = chrono::Utc::now() - app.library.orphan_grace;
    let mut removed = 0;
    for batch in app.library.older_than(before).await?.chunks(500) {
        let referenced = app.store.referenced_hashes(batch).await?;
        for hash in batch.iter().filter(|h| !referenced.contains(*h)) {
            if app.library.remove_if_older(hash, before).await? {
                tracing::info!(hash = %hash, "removed stored bytes no record points at");
                removed += 1;
            }
        }
    }
    Ok(removed)
}
