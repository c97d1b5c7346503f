//! Files attached to an activity's record, a plan task, a meeting or an expenditure: checked
//! by the library's own upload check (type by content, size, name, what a package unpacks to)
//! and kept in the library's archive by hash — one file store and one check for the platform.

use xuequ_domain::running::AttachmentOwner;
use xuequ_store::entities::running_file;
use xuequ_store::running::Attachment;

use crate::library::upload::{Incoming, check_uploads};
use crate::{App, Caller, Result};

/// Checks every file first with the library's one check (all or none; zip bombs refused),
/// stores the bytes, then the rows.
pub async fn attach(
    app: &App,
    c: &Caller,
    owner_kind: AttachmentOwner,
    owner_id: i64,
    files: Vec<Incoming>,
) -> Result<Vec<running_file::Model>> {
    let types = check_uploads(app, &files).await?;
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
