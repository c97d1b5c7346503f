//! Uploading, editing, replacing, withdrawing and taking down resources.

use std::time::Duration;

use xuequ_domain::access::library as policy;
use xuequ_domain::library::files::{self, Family, FileType};
use xuequ_domain::library::{ResourceDraft, ResourceStatus, Sharing, TextStatus};
use xuequ_domain::{FieldProblem, Problem};
use xuequ_search::extract::{self, ExtractError, TextKind};
use xuequ_store::entities::library_resource;
use xuequ_store::library::{Item, NewResource, ResourceFields, StoredFile};

use super::{index, shared};
use crate::{App, AppError, Caller, Result};

/// At most this many files in one upload.
pub const MAX_FILES: usize = 20;

/// How long reading one file's text may take before it is given up (the file is kept).
const EXTRACT_TIME: Duration = Duration::from_secs(30);

/// A file as received: its name and bytes.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// An upload: what describes the resources, for which school (None: the uploader's own, or
/// the bureau's own for the bureau), and the files, one resource each.
#[derive(Debug, Clone)]
pub struct Upload {
    pub draft: ResourceDraft,
    pub school_id: Option<i64>,
    pub files: Vec<Incoming>,
}

/// Checks every file's name, size and type by content (all are accepted or none); what they
/// unpack to is [`check_uploads`]' part.
fn check_files(app: &App, files: &[Incoming]) -> Result<Vec<FileType>> {
    if files.is_empty() {
        return Err(AppError::invalid("files", Problem::Required));
    }
    if files.len() > MAX_FILES {
        return Err(AppError::invalid("files", Problem::TooManyFiles { max: MAX_FILES }));
    }
    let mut types = Vec::new();
    let mut problems = Vec::new();
    for f in files {
        let head = &f.bytes[..f.bytes.len().min(16 * 1024)];
        match files::check(&f.name, f.bytes.len() as u64, app.library.max_file_bytes, head) {
            Ok(t) => types.push(t),
            Err(p) => problems.push(FieldProblem::new("files", p)),
        }
    }
    if problems.is_empty() { Ok(types) } else { Err(AppError::Invalid(problems)) }
}

/// Whether files of `family` are zip packages (their parts unpacked to be judged).
fn is_package(family: Family) -> bool {
    matches!(family, Family::Word | Family::PowerPoint | Family::Excel | Family::Zip)
}

/// What a package unpacks to, unpacked off the async threads and bounded in time; a zip bomb
/// (or one that takes too long to unpack) is refused with the file named.
async fn check_package(name: &str, bytes: &[u8]) -> Result<(), Problem> {
    let bomb = |max_mb: u64| Problem::PackedBomb { file: name.to_string(), max_mb: max_mb as usize };
    let limit_mb = extract::unpack_limit(bytes.len() as u64) / (1024 * 1024);
    let owned = bytes.to_vec();
    match tokio::time::timeout(EXTRACT_TIME, tokio::task::spawn_blocking(move || extract::check_package(&owned))).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(ExtractError::TooLargeUnpacked { max_mb }))) => Err(bomb(max_mb)),
        Ok(Ok(Err(_))) | Ok(Err(_)) | Err(_) => Err(bomb(limit_mb)),
    }
}

/// The one check of uploaded files, for every path a file comes in by (library resources and
/// their new versions, the attachments of activities, plan tasks, meetings and expenditures):
/// name, size, type by content, and for packages (docx, pptx, xlsx, zip) what they unpack to —
/// all before anything is stored; all are accepted or none, each refusal naming its file.
pub(crate) async fn check_uploads(app: &App, files: &[Incoming]) -> Result<Vec<FileType>> {
    let types = check_files(app, files)?;
    let mut problems = Vec::new();
    for (f, t) in files.iter().zip(&types) {
        if is_package(t.family)
            && let Err(p) = check_package(&f.name, &f.bytes).await
        {
            problems.push(FieldProblem::new("files", p));
        }
    }
    if problems.is_empty() { Ok(types) } else { Err(AppError::Invalid(problems)) }
}

/// How reading a file's text went: the text (empty unless read), `read`, `none` or `failed`,
/// and why it failed.
type Text = (String, TextStatus, String);

/// The text inside a file for the index, bounded in time. A file whose text cannot be read is
/// still kept (the page says so); one that unpacks to far more than it holds (a zip bomb
/// inside a .docx) is refused.
pub(crate) async fn read_text(name: &str, family: Family, bytes: &[u8]) -> Result<Text, Problem> {
    if !family.has_text() {
        return Ok((String::new(), TextStatus::None, String::new()));
    }
    let Some(kind) = TextKind::of(name) else { return Ok((String::new(), TextStatus::None, String::new())) };
    let bytes = bytes.to_vec();
    let reading = tokio::task::spawn_blocking(move || extract::text_of(kind, &bytes));
    Ok(match tokio::time::timeout(EXTRACT_TIME, reading).await {
        Ok(Ok(Ok(text))) => (text, TextStatus::Read, String::new()),
        Ok(Ok(Err(ExtractError::TooLargeUnpacked { .. } | ExtractError::TooManyParts { .. }))) => {
            let max_mb = (extract::MAX_UNPACKED / (1024 * 1024)) as usize;
            return Err(Problem::PackedBomb { file: name.to_string(), max_mb });
        }
        Ok(Ok(Err(e))) => (String::new(), TextStatus::Failed, e.to_string()),
        Ok(Err(_)) => (String::new(), TextStatus::Failed, "the reader stopped".into()),
        Err(_) => (String::new(), TextStatus::Failed, format!("reading took longer than {} s", EXTRACT_TIME.as_secs())),
    })
}

/// Checks every file ([`check_uploads`]) and reads its text before anything is stored: all are
/// accepted or none.
pub(crate) async fn prepare(app: &App, files: &[Incoming]) -> Result<Vec<(FileType, Text)>> {
    let types = check_uploads(app, files).await?;
    let mut out = Vec::with_capacity(files.len());
    let mut problems = Vec::new();
    for (f, t) in files.iter().zip(types) {
        match read_text(&f.name, t.family, &f.bytes).await {
            Ok(text) => out.push((t, text)),
            Err(p) => problems.push(FieldProblem::new("files", p)),
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(AppError::Invalid(problems)) }
}

/// Stores a checked file's bytes (by hash).
pub(crate) async fn store_file(app: &App, f: &Incoming, t: &FileType, (text, text_status, text_note): Text) -> Result<StoredFile> {
    let hash = app.library.put(&f.bytes).await?;
    Ok(StoredFile {
        name: f.name.clone(),
        hash,
        size: f.bytes.len() as i64,
        mime: t.mime.to_string(),
        family: t.family.code().to_string(),
        text,
        text_status,
        text_note,
    })
}

/// What the store keeps of a draft; sharing with the cluster means the school's cluster now.
async fn fields(app: &App, caller: &Caller, draft: &ResourceDraft, school: Option<i64>) -> Result<ResourceFields> {
    let problems = draft.problems();
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let sharing = draft.sharing.unwrap_or(Sharing::School);
    let cluster_id = match (sharing, school) {
        (Sharing::Cluster, Some(s)) => {
            // A school in a county-level 学区 and a town-level 片区 shares with the 学区, the
            // larger of the two (whose members include the 片区's in the demo and in practice).
            let clusters = app.store.clusters_of_school(caller.county(), s).await?;
            let now = clusters
                .into_iter()
                .filter(|c| c.membership.left_on.is_none() && c.cluster.dissolved_on.is_none())
                .min_by_key(|c| (c.cluster.level != xuequ_domain::ClusterLevel::County, c.cluster.id));
            Some(now.ok_or_else(|| AppError::invalid("sharing", Problem::NotAMember))?.cluster.id)
        }
        (Sharing::Cluster, None) | (Sharing::School, None) => return Err(AppError::invalid("sharing", Problem::NotAMember)),
        _ => None,
    };
    Ok(ResourceFields {
        title: draft.title.trim().to_string(),
        description: draft.description.trim().to_string(),
        subject: draft.subject.ok_or(AppError::invalid("subject", Problem::Required))?,
        grade: draft.grade,
        edition: draft.edition.trim().to_string(),
        chapter: draft.chapter.trim().to_string(),
        kind: draft.kind.ok_or(AppError::invalid("kind", Problem::Required))?,
        tags: draft.tags.join(","),
        sharing,
        cluster_id,
    })
}

/// The title of each file's resource: the one given for a single file; for several, the file's
/// name (after the given title, if any).
fn title_for(given: &str, name: &str, several: bool) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    match (given.trim().is_empty(), several) {
        (true, _) => stem.to_string(),
        (false, false) => given.trim().to_string(),
        (false, true) => format!("{} · {stem}", given.trim()),
    }
}

/// Uploads files as resources: checked all first, stored by hash, saved together, indexed.
pub async fn upload(app: &App, caller: &Caller, upload: Upload) -> Result<Vec<Item>> {
    let school = upload.school_id.or(caller.actor.school_id);
    if !policy::may_upload(&caller.actor, school) {
        return Err(AppError::Forbidden);
    }
    if let Some(s) = school {
        app.store.school(caller.county(), s).await?.ok_or_else(|| AppError::invalid("school_id", Problem::OutOfScope))?;
    }
    let several = upload.files.len() > 1;
    let mut described = Vec::with_capacity(upload.files.len());
    for f in &upload.files {
        let mut draft = upload.draft.clone();
        draft.title = title_for(&draft.title, &f.name, several);
        described.push(fields(app, caller, &draft, school).await?);
    }
    let prepared = prepare(app, &upload.files).await?;
    let me = app.store.user(caller.county(), caller.actor.user_id).await?;
    let uploader_name = me.map(|u| if u.display_name.trim().is_empty() { u.username } else { u.display_name }).unwrap_or_default();
    let mut new = Vec::with_capacity(upload.files.len());
    for ((f, (t, text)), fields) in upload.files.iter().zip(prepared).zip(described) {
        let file = store_file(app, f, &t, text).await?;
        new.push(NewResource { school_id: school, created_at: chrono::Utc::now(), uploader_name: uploader_name.clone(), fields, file });
    }
    let items = app.store.create_resources(&caller.ctx(), &new).await?;
    let ids: Vec<i64> = items.iter().map(|i| i.resource.id).collect();
    index::refresh(app, &ids).await?;
    Ok(items)
}

/// The resource if the caller may change it.
async fn changeable(app: &App, caller: &Caller, id: i64) -> Result<library_resource::Model> {
    let r = super::visible(app, caller, id).await?;
    if policy::may_change(&caller.actor, &shared(&r)) { Ok(r) } else { Err(AppError::Forbidden) }
}

/// Changes what describes a resource (`expected`: the revision the editor read).
pub async fn edit(app: &App, caller: &Caller, id: i64, draft: &ResourceDraft, expected: i64) -> Result<library_resource::Model> {
    let r = changeable(app, caller, id).await?;
    let fields = fields(app, caller, draft, r.school_id).await?;
    let after = app.store.update_resource(&caller.ctx(), id, &fields, expected).await?;
    index::refresh(app, &[id]).await?;
    Ok(after)
}

/// A new version of the file (the old ones are kept and can still be downloaded).
pub async fn replace(app: &App, caller: &Caller, id: i64, file: Incoming, expected: i64) -> Result<Item> {
    changeable(app, caller, id).await?;
    let (t, text) = prepare(app, std::slice::from_ref(&file)).await?.remove(0);
    let stored = store_file(app, &file, &t, text).await?;
    let item = app.store.replace_file(&caller.ctx(), id, &stored, expected).await?;
    index::refresh(app, &[id]).await?;
    Ok(item)
}

/// Withdraws a resource (nobody finds it any more) or shares it again.
pub async fn withdraw(app: &App, caller: &Caller, id: i64, withdrawn: bool, expected: i64) -> Result<library_resource::Model> {
    // Withdrawing is a change; sharing again may also undo a take-down, which is the bureau's.
    let r = super::visible(app, caller, id).await?;
    let allowed = if withdrawn { policy::may_change(&caller.actor, &shared(&r)) } else { policy::may_restore(&caller.actor, &shared(&r)) };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let status = if withdrawn { ResourceStatus::Withdrawn } else { ResourceStatus::Active };
    let after = app.store.set_resource_status(&caller.ctx(), id, status, "", expected).await?;
    index::refresh(app, &[id]).await?;
    Ok(after)
}

/// The bureau takes a resource down, saying why (the uploader sees the reason).
pub async fn take_down(app: &App, caller: &Caller, id: i64, reason: &str, expected: i64) -> Result<library_resource::Model> {
    let r = super::visible(app, caller, id).await?;
    if !policy::may_take_down(&caller.actor, &shared(&r)) {
        return Err(AppError::Forbidden);
    }
    let mut check = xuequ_domain::validate::Checker::default();
    check.text("reason", reason, true, 500);
    check.finish().map_err(AppError::Invalid)?;
    let after = app.store.set_resource_status(&caller.ctx(), id, ResourceStatus::TakenDown, reason.trim(), expected).await?;
    index::refresh(app, &[id]).await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    #[test]
    fn several_files_take_their_names_as_titles() {
        assert_eq!(super::title_for("", "第3课 教案.docx", false), "第3课 教案");
        assert_eq!(super::title_for("光合作用", "a.pdf", false), "光合作用");
        assert_eq!(super::title_for("光合作用", "实验.pptx", true), "光合作用 · 实验");
    }
}
