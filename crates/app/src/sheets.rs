//! Spreadsheets in and out: exports of what the caller may see, and all-or-nothing imports that
//! report every problem at once, named by sheet, row and column.

use crate::{App, AppError, Caller, Result, today};
use xuequ_domain::access::{self, Action, Resource, Target, Visibility};
use xuequ_domain::drafts::{FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_sheets::{CellProblem, Format, Kind, SheetRecord};
use xuequ_store::entities::{facility, school, teacher};
use xuequ_store::registry::convert::school_codes;
use xuequ_store::registry::import::{ImportError, ImportOptions, ImportSummary};
use xuequ_store::registry::{ListFilter, Listed};
use xuequ_store::{Ctx, Paging, Store};

/// The resource a spreadsheet of `kind` holds, for the access policy.
pub fn resource_of(kind: Kind) -> Resource {
    match kind {
        Kind::Schools => Resource::School,
        Kind::Stats => Resource::SchoolStats,
        Kind::Teachers => Resource::Teacher,
        Kind::Facilities => Resource::Facility,
    }
}

/// What the caller may see of `kind`, narrowed by a list's filters and search (what the list
/// page shows, every page of it), as a file.
pub async fn export(app: &App, c: &Caller, kind: Kind, format: Format, filter: &ListFilter) -> Result<Vec<u8>> {
    use crate::registry::Record;
    let resource = resource_of(kind);
    c.require(Action::Export, resource, &Target::county(c.county()))?;
    let mut asked = filter.clone();
    let named = match kind {
        Kind::Schools => school::Model::NAMED,
        Kind::Teachers => teacher::Model::NAMED,
        Kind::Facilities => facility::Model::NAMED,
        Kind::Stats => None,
    };
    if let (Some(of), Some(typed)) = (named, filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty())) {
        asked.found = Some(crate::search::found(app, c.county(), of, typed).await?);
    }
    export_file(&app.store, c.county(), kind, format, &c.visibility(resource), &asked).await
}

/// The whole county's records of `kind` as a file, for `xuequ export` run by the machine's
/// operator (no signed-in user: whoever can read the database file can read it all anyway).
pub async fn export_county(app: &App, county: i64, kind: Kind, format: Format) -> Result<Vec<u8>> {
    export_file(&app.store, county, kind, format, &Visibility::County, &ListFilter::default()).await
}

/// The active records of `kind` within `visible`, as a file.
async fn export_file(store: &Store, county: i64, kind: Kind, format: Format, visible: &Visibility, active: &ListFilter) -> Result<Vec<u8>> {
    let schools = store.all_schools(county).await?;
    let codes = school_codes(&schools);
    let all = Paging { page: 1, per_page: u64::MAX / 2 };
    let rows = match kind {
        Kind::Schools => rows(school::Model::page(store, county, active, visible, all).await?.items.iter().map(|m| m.to_draft(&codes)))?,
        Kind::Teachers => rows(teacher::Model::page(store, county, active, visible, all).await?.items.iter().map(|m| m.to_draft(&codes)))?,
        Kind::Facilities => {
            rows(facility::Model::page(store, county, active, visible, all).await?.items.iter().map(|m| m.to_draft(&codes)))?
        }
        Kind::Stats => {
            rows(store.all_stats(county, None).await?.iter().filter(|s| visible.includes(s.school_id)).map(|m| m.to_draft(&codes)))?
        }
    };
    Ok(xuequ_sheets::write(kind, &rows, format))
}

fn rows<R: SheetRecord>(records: impl Iterator<Item = xuequ_store::Result<R>>) -> Result<Vec<Vec<xuequ_sheets::Cell>>> {
    records.map(|r| Ok(r?.cells())).collect()
}

/// Imports a file all or nothing for a signed-in user: each row is checked against the access
/// policy at its own school.
pub async fn import(app: &App, c: &Caller, kind: Kind, bytes: &[u8], file_name: &str, update_existing: bool) -> Result<ImportSummary> {
    let resource = resource_of(kind);
    let county = c.county();
    if !access::may_import(&c.actor, resource) {
        return Err(AppError::Forbidden);
    }
    let allowed = |school: Option<i64>| match school {
        Some(id) => c.can(Action::Update, resource, &Target::school(county, id)),
        None => c.can(Action::Create, resource, &Target::county(county)),
    };
    import_file(&app.store, &c.ctx(), kind, bytes, file_name, update_existing, &allowed).await
}

/// Imports a file into a county for `xuequ import`, run by the machine's operator (recorded in
/// the audit log under `operator`).
pub async fn import_county(
    app: &App,
    county: i64,
    operator: &str,
    kind: Kind,
    bytes: &[u8],
    file_name: &str,
    update_existing: bool,
) -> Result<ImportSummary> {
    let ctx = Ctx { county_id: county, user_id: None, username: operator.to_string() };
    import_file(&app.store, &ctx, kind, bytes, file_name, update_existing, &|_| true).await
}

/// Reads and imports a file all or nothing, merging the problems of reading and of checking
/// against the database into one list.
async fn import_file(
    store: &Store,
    ctx: &Ctx,
    kind: Kind,
    bytes: &[u8],
    file_name: &str,
    update_existing: bool,
    allowed: &(dyn Fn(Option<i64>) -> bool + Sync),
) -> Result<ImportSummary> {
    let table = xuequ_sheets::read_table(bytes, file_name).map_err(|p| AppError::Import(vec![p]))?;
    macro_rules! run {
        ($draft:ty, $method:ident) => {{
            // Rows with unreadable cells are checked too, so one upload reports every problem.
            let (rows, problems) = xuequ_sheets::parse_partial::<$draft>(&table);
            let opts = ImportOptions { update_existing, commit: problems.is_empty(), allowed, today: today() };
            match store.$method(ctx, rows, &opts).await {
                Ok(summary) if problems.is_empty() => Ok(summary),
                Ok(_) => Err(AppError::Import(problems)),
                Err(ImportError::Rows(rows)) => {
                    let columns = <$draft as SheetRecord>::COLUMNS;
                    let checked = rows.into_iter().map(|r| CellProblem {
                        sheet: table.sheet.clone(),
                        row: r.row,
                        column: table.column_label(columns, r.field),
                        problem: r.problem,
                    });
                    Err(AppError::Import(merged(problems, checked.collect(), columns, &table)))
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

/// The problems of reading and of checking, one per cell: a cell that could not be read is not
/// also reported by the checks that saw its stand-in. In row order, then column order.
fn merged(
    mut read: Vec<CellProblem>,
    checked: Vec<CellProblem>,
    columns: &[xuequ_sheets::Column],
    table: &xuequ_sheets::Table,
) -> Vec<CellProblem> {
    let seen: std::collections::HashSet<(usize, String)> = read.iter().map(|p| (p.row, p.column.clone())).collect();
    read.extend(checked.into_iter().filter(|p| !seen.contains(&(p.row, p.column.clone()))));
    let order = |label: &str| columns.iter().position(|c| table.column_label(columns, c.key) == label).unwrap_or(usize::MAX);
    read.sort_by_key(|p| (p.row, order(&p.column)));
    read
}
