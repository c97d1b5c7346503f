//! List searches by name: the county's names in memory (see `xuequ_search`), rebuilt when the
//! county's records change, so that a search does not scan the table on every request.

use crate::{App, Result};
use std::sync::Arc;
use xuequ_search::{NameIndex, Query};
pub use xuequ_store::registry::Named;

/// The longest search text looked at; the rest of a longer one is ignored.
const MAX_TYPED: usize = 100;

/// The ids of the county's records of `of` that `typed` finds.
pub async fn found(app: &App, county: i64, of: Named, typed: &str) -> Result<Arc<Vec<i64>>> {
    let typed: String = typed.trim().chars().take(MAX_TYPED).collect();
    let version = app.store.version(county).await?;
    let key = (county, of, typed.clone());
    if let Some(hit) = app.derived.searches.get(&key, version) {
        return Ok(hit);
    }
    let index = index(app, county, of, version).await?;
    let ids = Arc::new(index.matching(&Query::new(&typed)));
    app.derived.searches.put(key, version, ids.clone());
    Ok(ids)
}

/// The county's name index at `version`: built once by whoever asks first while the others wait
/// for it, rather than every waiting request building its own.
async fn index(app: &App, county: i64, of: Named, version: i64) -> Result<Arc<NameIndex>> {
    if let Some(hit) = app.derived.names.get(&(county, of), version) {
        return Ok(hit);
    }
    let _building = app.derived.building.lock().await;
    if let Some(hit) = app.derived.names.get(&(county, of), version) {
        return Ok(hit);
    }
    let rows = app.store.name_rows(county, of).await?;
    let index = Arc::new(NameIndex::build(
        rows.iter().map(|(id, names, codes)| (*id, names.iter().map(String::as_str).collect(), codes.iter().map(String::as_str).collect())),
    ));
    app.derived.names.put((county, of), version, index.clone());
    Ok(index)
}
