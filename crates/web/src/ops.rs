//! The operations behind both the pages and the API: each asks the access policy, then the
//! store. Handlers only translate between HTTP and these calls.

use crate::App;
use crate::auth::Viewer;
use crate::error::AppError;
use chrono::NaiveDate;
use std::collections::HashMap;
use xuequ_domain::Problem;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::drafts::{ClusterDraft, FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_sheets::{CellProblem, Format, Kind, SheetRecord};
use xuequ_store::clusters::{CLUSTER_LIST, Member, OfficerDraft};
use xuequ_store::convert::school_codes;
use xuequ_store::entities::{cluster, cluster_officer, facility, school, school_stat, teacher};
use xuequ_store::imports::{ImportError, ImportOptions, ImportSummary};
use xuequ_store::registry::{FACILITY_LIST, ListFilter, SCHOOL_LIST, TEACHER_LIST};
use xuequ_store::{Page, Paging};

pub type Result<T> = std::result::Result<T, AppError>;

pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A list request from a query string: `q`, `sort`, `desc`, `page`, `per_page`, `school_id`,
/// `include_retired`; any other key is an equality filter the list's spec may honour.
pub fn list_request(query: &HashMap<String, String>) -> (ListFilter, Paging) {
    let num = |k: &str| query.get(k).and_then(|v| v.parse::<u64>().ok());
    let reserved = ["q", "sort", "desc", "page", "per_page", "school_id", "include_retired", "lang"];
    let filter = ListFilter {
        q: query.get("q").cloned(),
        eq: query.iter().filter(|(k, v)| !reserved.contains(&k.as_str()) && !v.is_empty()).map(|(k, v)| (k.clone(), v.clone())).collect(),
        school_id: query.get("school_id").and_then(|v| v.parse().ok()),
        include_retired: query.get("include_retired").is_some_and(|v| v == "1" || v == "true"),
        sort: query.get("sort").cloned(),
        desc: query.get("desc").is_some_and(|v| v == "1" || v == "true"),
    };
    (filter, Paging::new(num("page"), num("per_page")))
}

async fn school_id_for(app: &App, v: &Viewer, code: &str) -> Result<i64> {
    app.store
        .school_by_code(v.county(), code)
        .await?
        .map(|s| s.id)
        .ok_or_else(|| AppError::invalid("school_code", Problem::UnknownSchool { value: code.to_string() }))
}

// ---- schools ----

pub async fn list_schools(app: &App, v: &Viewer, filter: &ListFilter, paging: Paging) -> Result<Page<school::Model>> {
    v.require(Action::Read, Resource::School, &Target::county(v.county()))?;
    Ok(app.store.list::<school::Entity>(v.county(), &SCHOOL_LIST, filter, &v.visibility(Resource::School), paging).await?)
}

pub async fn school(app: &App, v: &Viewer, id: i64) -> Result<school::Model> {
    let s = app.store.school(v.county(), id).await?.ok_or(AppError::NotFound)?;
    v.require(Action::Read, Resource::School, &Target::school(v.county(), s.id))?;
    Ok(s)
}

pub async fn create_school(app: &App, v: &Viewer, draft: &SchoolDraft) -> Result<school::Model> {
    v.require(Action::Create, Resource::School, &Target::county(v.county()))?;
    Ok(app.store.create_school(&v.ctx(), draft).await?)
}

pub async fn update_school(app: &App, v: &Viewer, id: i64, draft: &SchoolDraft) -> Result<school::Model> {
    let s = school(app, v, id).await?;
    v.require(Action::Update, Resource::School, &Target::school(v.county(), s.id))?;
    Ok(app.store.update_school(&v.ctx(), id, draft).await?)
}

pub async fn retire_school(app: &App, v: &Viewer, id: i64) -> Result<school::Model> {
    let s = school(app, v, id).await?;
    v.require(Action::Retire, Resource::School, &Target::school(v.county(), s.id))?;
    let retired = app.store.retire_school(&v.ctx(), id, today()).await?;
    app.sessions.clear(); // the school left its clusters
    Ok(retired)
}

pub async fn school_stats(app: &App, v: &Viewer, id: i64) -> Result<Vec<school_stat::Model>> {
    let s = school(app, v, id).await?;
    v.require(Action::Read, Resource::SchoolStats, &Target::school(v.county(), s.id))?;
    Ok(app.store.stats_for_school(v.county(), id).await?)
}

pub async fn save_stats(app: &App, v: &Viewer, draft: &StatsDraft) -> Result<school_stat::Model> {
    let school_id = school_id_for(app, v, &draft.school_code).await?;
    v.require(Action::Update, Resource::SchoolStats, &Target::school(v.county(), school_id))?;
    Ok(app.store.save_stats(&v.ctx(), draft).await?)
}

// ---- teachers ----

pub async fn list_teachers(app: &App, v: &Viewer, filter: &ListFilter, paging: Paging) -> Result<Page<teacher::Model>> {
    v.require(Action::Read, Resource::Teacher, &Target::county(v.county()))?;
    Ok(app.store.list::<teacher::Entity>(v.county(), &TEACHER_LIST, filter, &v.visibility(Resource::Teacher), paging).await?)
}

pub async fn teacher(app: &App, v: &Viewer, id: i64) -> Result<teacher::Model> {
    let t = app.store.teacher(v.county(), id).await?.ok_or(AppError::NotFound)?;
    v.require(Action::Read, Resource::Teacher, &Target::school(v.county(), t.school_id))?;
    Ok(t)
}

pub async fn create_teacher(app: &App, v: &Viewer, draft: &TeacherDraft) -> Result<teacher::Model> {
    let school_id = school_id_for(app, v, &draft.school_code).await?;
    v.require(Action::Create, Resource::Teacher, &Target::school(v.county(), school_id))?;
    Ok(app.store.create_teacher(&v.ctx(), draft, today()).await?)
}

pub async fn update_teacher(app: &App, v: &Viewer, id: i64, draft: &TeacherDraft) -> Result<teacher::Model> {
    let t = teacher(app, v, id).await?;
    let school_id = school_id_for(app, v, &draft.school_code).await?;
    // Moving a teacher needs the right at both schools.
    v.require(Action::Update, Resource::Teacher, &Target::school(v.county(), t.school_id))?;
    v.require(Action::Update, Resource::Teacher, &Target::school(v.county(), school_id))?;
    Ok(app.store.update_teacher(&v.ctx(), id, draft, today()).await?)
}

pub async fn retire_teacher(app: &App, v: &Viewer, id: i64) -> Result<teacher::Model> {
    let t = teacher(app, v, id).await?;
    v.require(Action::Retire, Resource::Teacher, &Target::school(v.county(), t.school_id))?;
    Ok(app.store.retire_teacher(&v.ctx(), id).await?)
}

// ---- facilities ----

pub async fn list_facilities(app: &App, v: &Viewer, filter: &ListFilter, paging: Paging) -> Result<Page<facility::Model>> {
    v.require(Action::Read, Resource::Facility, &Target::county(v.county()))?;
    Ok(app.store.list::<facility::Entity>(v.county(), &FACILITY_LIST, filter, &v.visibility(Resource::Facility), paging).await?)
}

pub async fn facility(app: &App, v: &Viewer, id: i64) -> Result<facility::Model> {
    let f = app.store.facility(v.county(), id).await?.ok_or(AppError::NotFound)?;
    v.require(Action::Read, Resource::Facility, &Target::school(v.county(), f.school_id))?;
    Ok(f)
}

pub async fn create_facility(app: &App, v: &Viewer, draft: &FacilityDraft) -> Result<facility::Model> {
    let school_id = school_id_for(app, v, &draft.school_code).await?;
    v.require(Action::Create, Resource::Facility, &Target::school(v.county(), school_id))?;
    Ok(app.store.create_facility(&v.ctx(), draft).await?)
}

pub async fn update_facility(app: &App, v: &Viewer, id: i64, draft: &FacilityDraft) -> Result<facility::Model> {
    let f = facility(app, v, id).await?;
    let school_id = school_id_for(app, v, &draft.school_code).await?;
    v.require(Action::Update, Resource::Facility, &Target::school(v.county(), f.school_id))?;
    v.require(Action::Update, Resource::Facility, &Target::school(v.county(), school_id))?;
    Ok(app.store.update_facility(&v.ctx(), id, draft).await?)
}

pub async fn retire_facility(app: &App, v: &Viewer, id: i64) -> Result<facility::Model> {
    let f = facility(app, v, id).await?;
    v.require(Action::Retire, Resource::Facility, &Target::school(v.county(), f.school_id))?;
    Ok(app.store.retire_facility(&v.ctx(), id).await?)
}

// ---- clusters ----

/// A cluster with its current and past members and its officers.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ClusterDetail {
    #[schema(value_type = Object)]
    pub cluster: cluster::Model,
    #[schema(value_type = Vec<Object>)]
    pub members: Vec<Member>,
    #[schema(value_type = Vec<Object>)]
    pub officers: Vec<cluster_officer::Model>,
}

pub async fn list_clusters(app: &App, v: &Viewer, filter: &ListFilter, paging: Paging) -> Result<Page<cluster::Model>> {
    v.require(Action::Read, Resource::Cluster, &Target::county(v.county()))?;
    Ok(app.store.list::<cluster::Entity>(v.county(), &CLUSTER_LIST, filter, &v.visibility(Resource::Cluster), paging).await?)
}

pub async fn cluster(app: &App, v: &Viewer, id: i64) -> Result<ClusterDetail> {
    let c = app.store.cluster(v.county(), id).await?.ok_or(AppError::NotFound)?;
    v.require(Action::Read, Resource::Cluster, &Target::cluster(v.county(), c.id))?;
    let members = app.store.members(v.county(), id, true).await?;
    let officers = app.store.officers(v.county(), id).await?;
    Ok(ClusterDetail { cluster: c, members, officers })
}

pub async fn create_cluster(app: &App, v: &Viewer, draft: &ClusterDraft) -> Result<cluster::Model> {
    v.require(Action::Create, Resource::Cluster, &Target::county(v.county()))?;
    Ok(app.store.create_cluster(&v.ctx(), draft).await?)
}

pub async fn update_cluster(app: &App, v: &Viewer, id: i64, draft: &ClusterDraft) -> Result<cluster::Model> {
    app.store.cluster(v.county(), id).await?.ok_or(AppError::NotFound)?;
    v.require(Action::Update, Resource::Cluster, &Target::cluster(v.county(), id))?;
    Ok(app.store.update_cluster(&v.ctx(), id, draft).await?)
}

pub async fn dissolve_cluster(app: &App, v: &Viewer, id: i64, on: NaiveDate) -> Result<cluster::Model> {
    app.store.cluster(v.county(), id).await?.ok_or(AppError::NotFound)?;
    v.require(Action::Retire, Resource::Cluster, &Target::cluster(v.county(), id))?;
    let dissolved = app.store.dissolve_cluster(&v.ctx(), id, on).await?;
    app.sessions.clear(); // a cluster head's scope changed
    Ok(dissolved)
}

/// Membership is the bureau's decision: it needs the right to create clusters.
pub async fn add_member(app: &App, v: &Viewer, id: i64, school_code: &str, joined_on: NaiveDate) -> Result<()> {
    app.store.cluster(v.county(), id).await?.ok_or(AppError::NotFound)?;
    v.require(Action::Create, Resource::Cluster, &Target::county(v.county()))?;
    app.store.add_member(&v.ctx(), id, school_code, joined_on).await?;
    app.sessions.clear(); // a cluster head's scope changed
    Ok(())
}

pub async fn remove_member(app: &App, v: &Viewer, id: i64, school_id: i64, left_on: NaiveDate) -> Result<()> {
    app.store.cluster(v.county(), id).await?.ok_or(AppError::NotFound)?;
    v.require(Action::Create, Resource::Cluster, &Target::county(v.county()))?;
    app.store.remove_member(&v.ctx(), id, school_id, left_on).await?;
    app.sessions.clear(); // a cluster head's scope changed
    Ok(())
}

pub async fn set_officers(app: &App, v: &Viewer, id: i64, officers: &[OfficerDraft]) -> Result<()> {
    app.store.cluster(v.county(), id).await?.ok_or(AppError::NotFound)?;
    v.require(Action::Update, Resource::Cluster, &Target::cluster(v.county(), id))?;
    Ok(app.store.set_officers(&v.ctx(), id, officers).await?)
}

// ---- spreadsheets ----

/// The resource a spreadsheet of `kind` holds, for the access policy.
pub fn resource_of(kind: Kind) -> Resource {
    match kind {
        Kind::Schools => Resource::School,
        Kind::Stats => Resource::SchoolStats,
        Kind::Teachers => Resource::Teacher,
        Kind::Facilities => Resource::Facility,
    }
}

/// Everything of `kind` the viewer may see, as a file.
pub async fn export(app: &App, v: &Viewer, kind: Kind, format: Format) -> Result<Vec<u8>> {
    let resource = resource_of(kind);
    v.require(Action::Export, resource, &Target::county(v.county()))?;
    export_file(&app.store, v.county(), kind, format, &v.visibility(resource)).await
}

/// The active records of `kind` within `visible`, as a file (also used by `xuequ export`).
pub async fn export_file(
    store: &xuequ_store::Store,
    county: i64,
    kind: Kind,
    format: Format,
    visible: &xuequ_domain::access::Visibility,
) -> Result<Vec<u8>> {
    let schools = store.all_schools(county).await?;
    let codes = school_codes(&schools);
    let all = Paging { page: 1, per_page: u64::MAX / 2 };
    let active = ListFilter::default();
    let rows = match kind {
        Kind::Schools => {
            rows(store.list::<school::Entity>(county, &SCHOOL_LIST, &active, visible, all).await?.items.iter().map(|m| m.to_draft(&codes)))
        }
        Kind::Teachers => rows(
            store.list::<teacher::Entity>(county, &TEACHER_LIST, &active, visible, all).await?.items.iter().map(|m| m.to_draft(&codes)),
        ),
        Kind::Facilities => rows(
            store.list::<facility::Entity>(county, &FACILITY_LIST, &active, visible, all).await?.items.iter().map(|m| m.to_draft(&codes)),
        ),
        Kind::Stats => {
            rows(store.all_stats(county, None).await?.iter().filter(|s| visible.includes(s.school_id)).map(|m| m.to_draft(&codes)))
        }
    };
    Ok(xuequ_sheets::write(kind, &rows, format))
}

fn rows<R: SheetRecord>(records: impl Iterator<Item = R>) -> Vec<Vec<xuequ_sheets::Cell>> {
    records.map(|r| r.cells()).collect()
}

/// Imports a file all or nothing. Every problem — unreadable cells and rule or database
/// conflicts — comes back together, named by sheet, row and column.
pub async fn import(app: &App, v: &Viewer, kind: Kind, bytes: &[u8], file_name: &str, update_existing: bool) -> Result<ImportSummary> {
    let resource = resource_of(kind);
    let county = v.county();
    if !xuequ_domain::access::may_import(&v.actor, resource) {
        return Err(AppError::Forbidden);
    }
    let allowed = |school: Option<i64>| match school {
        Some(id) => v.can(Action::Update, resource, &Target::school(county, id)),
        None => v.can(Action::Create, resource, &Target::county(county)),
    };
    import_file(&app.store, &v.ctx(), kind, bytes, file_name, update_existing, &allowed).await
}

/// Reads and imports a file all or nothing, merging the problems of reading and of checking
/// against the database into one list (also used by `xuequ import`).
pub async fn import_file(
    store: &xuequ_store::Store,
    ctx: &xuequ_store::Ctx,
    kind: Kind,
    bytes: &[u8],
    file_name: &str,
    update_existing: bool,
    allowed: &(dyn Fn(Option<i64>) -> bool + Sync),
) -> Result<ImportSummary> {
    let table = xuequ_sheets::read_table(bytes, file_name).map_err(|p| AppError::Import(vec![p]))?;
    macro_rules! run {
        ($draft:ty, $method:ident) => {{
            let (good, mut problems) = xuequ_sheets::parse::<$draft>(&table);
            let opts = ImportOptions { update_existing, commit: problems.is_empty(), allowed, today: today() };
            match store.$method(ctx, good, &opts).await {
                Ok(summary) if problems.is_empty() => Ok(summary),
                Ok(_) => Err(AppError::Import(problems)),
                Err(ImportError::Rows(rows)) => {
                    problems.extend(rows.into_iter().map(|r| CellProblem {
                        sheet: table.sheet.clone(),
                        row: r.row,
                        column: table.column_label(<$draft as SheetRecord>::COLUMNS, r.field),
                        problem: r.problem,
                    }));
                    problems.sort_by_key(|p| p.row);
                    Err(AppError::Import(problems))
                }
                Err(ImportError::Store(e)) => Err(e.into()),
            }
        }};
    }
    match kind {
        Kind::Schools => run!(SchoolDraft, import_schools),
        Kind::Stats => run!(StatsDraft, import_stats),
        Kind::Teachers => run!(TeacherDraft, import_teachers),
        Kind::Facilities => run!(FacilityDraft, import_facilities),
    }
}

// ---- accounts and sessions ----

pub async fn update_user(
    app: &App,
    v: &Viewer,
    id: i64,
    update: xuequ_store::accounts::UserUpdate,
) -> Result<xuequ_store::entities::user::Model> {
    require_accounts(v)?;
    let user = app.store.update_user(&v.ctx(), id, update).await?;
    app.sessions.forget_user(id);
    Ok(user)
}

/// Sets a new one-time password and returns it (to be shown once).
pub async fn reset_password(app: &App, v: &Viewer, id: i64) -> Result<String> {
    require_accounts(v)?;
    let password = xuequ_store::accounts::random_password();
    app.store.set_password(&v.ctx(), id, &password, true).await?;
    app.sessions.forget_user(id);
    Ok(password)
}

/// A user changes their own password; their other sessions end.
pub async fn change_own_password(app: &App, v: &Viewer, current: &str, new: &str, confirm: &str) -> Result<()> {
    if new != confirm {
        return Err(AppError::invalid("confirm_password", Problem::PasswordsDiffer));
    }
    app.store.change_own_password(&v.ctx(), v.user.id, current, new, &v.token).await?;
    app.sessions.forget_user(v.user.id);
    Ok(())
}

pub async fn sign_out(app: &App, v: &Viewer) -> Result<()> {
    app.store.close_session(&v.token).await?;
    app.sessions.forget_token(&v.token);
    Ok(())
}

/// Only the bureau may manage accounts and read the audit log (inspectors read the log too).
pub fn require_accounts(v: &Viewer) -> Result<()> {
    v.require(Action::Create, Resource::Account, &Target::county(v.county()))
}

pub fn require_audit(v: &Viewer) -> Result<()> {
    v.require(Action::Read, Resource::AuditLog, &Target::county(v.county()))
}
