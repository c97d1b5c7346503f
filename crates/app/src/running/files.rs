//! Files attached to an activity's record, a plan task, a meeting or an expenditure: checked
//! like the library's uploads (type by content, size, name) and kept in the library's archive
//! by hash — one file store for the platform.

use xuequ_store::entities::running_file;
use xuequ_store::running::Attachment;

use crate::library::upload::{Incoming, check_files};
use crate::{App, Caller, Result};

/// Checks every file first (all or none), stores the bytes, then the rows.
pub async fn attach(app: &App, c: &Caller, owner_kind: &str, owner_id: i64, files: Vec<Incoming>) -> Result<Vec<running_file::Model>> {
    let types = check_files(app, &files)?;
    let mut stored = Vec::with_capacity(files.len());
    for (f, t) in files.iter().zip(types) {
        let hash = app.library.put(&f.bytes).await?;
        stored.push(Attachment {
            name: f.name.clone(),
            hash,
            size: f.bytes.len() as i64,
            mime: t.mime.to_string(),
            family: t.family.code().to_string(),
        });
    }
    Ok(app.store.attach(&c.ctx(), owner_kind, owner_id, &stored).await?)
}
