//! Spreadsheet imports, all or nothing.
//!
//! The rows arrive already parsed into drafts (the sheets crate reports what cannot be parsed).
//! Here every row is checked against the rules and the database — valid values, known school
//! codes, no key twice in the file, no existing record unless updating was asked for, and the
//! caller's scope — and every problem is reported together. Only a file without a single problem
//! is written, in one transaction.

use crate::entities::{facility, school, school_stat, teacher};
use crate::registry::{RowProblem, check_stats_type, fill_facility, fill_school, fill_stats, fill_teacher};
use crate::{Ctx, Result, Store, StoreError, audit};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use std::collections::HashMap;
use xuequ_domain::drafts::{FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_domain::{FieldProblem, Problem, Status};

/// Rows are inserted in batches of this many: well under SQLite's and PostgreSQL's limits on
/// bound parameters, large enough to make 100,000 rows quick.
const BATCH: usize = 1000;

/// How an import treats existing records and what the caller may change.
pub struct ImportOptions<'a> {
    /// Update records whose key (school code, staff number, ...) already exists.
    pub update_existing: bool,
    /// Write when there is no problem; false only checks.
    pub commit: bool,
    /// Whether the caller may change records of this school (`None`: create a new school).
    pub allowed: &'a (dyn Fn(Option<i64>) -> bool + Sync),
    pub today: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
}

/// One row after checking: what it is, which school it belongs to, which record it updates.
/// How many created or updated records an import's audit entry names.
pub const LISTED: usize = 500;

struct Checked<D> {
    row: usize,
    /// What identifies the record (code, staff number, school and year), for the audit log.
    key: String,
    draft: D,
    school_id: Option<i64>,
    existing: Option<i64>,
}

/// The checks every import shares. `key` identifies a record; `school_code` names the school
/// the row belongs to (None for the schools import itself).
fn check_rows<D>(
    rows: Vec<(usize, D)>,
    opts: &ImportOptions<'_>,
    schools: &HashMap<String, school::Model>,
    existing: &HashMap<String, (i64, Option<i64>)>,
    key: impl Fn(&D) -> (&'static str, String),
    school_code: impl Fn(&D) -> Option<&str>,
    validate: impl Fn(&D, Option<&school::Model>) -> Result<(), Vec<FieldProblem>>,
) -> (Vec<Checked<D>>, Vec<RowProblem>) {
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut checked = Vec::with_capacity(rows.len());
    for (row, draft) in rows {
        let before = problems.len();
        let school = match school_code(&draft) {
            Some(code) => match schools.get(code.trim()) {
                Some(s) => Some(s),
                None => {
                    problems.push(RowProblem { row, field: "school_code", problem: Problem::UnknownSchool { value: code.to_string() } });
                    None
                }
            },
            None => None,
        };
        if let Err(found) = validate(&draft, school) {
            problems.extend(found.into_iter().map(|p| RowProblem::from_field(row, p)));
        }
        let (key_field, key_value) = key(&draft);
        if let Some(first_row) = seen.get(&key_value) {
            problems.push(RowProblem {
                row,
                field: key_field,
                problem: Problem::DuplicateInFile { value: key_value.clone(), first_row: *first_row },
            });
        } else {
            seen.insert(key_value.clone(), row);
        }
        let old = existing.get(&key_value).copied();
        if old.is_some() && !opts.update_existing {
            problems.push(RowProblem { row, field: key_field, problem: Problem::AlreadyExists { value: key_value.clone() } });
        }
        // The caller must be allowed at the row's school and, when a record moves, at its old one.
        let target = match school_code(&draft) {
            Some(_) => school.map(|s| s.id),
            None => old.map(|(id, _)| id),
        };
        let scope_known = school_code(&draft).is_none() || school.is_some();
        let allowed = (opts.allowed)(target) && old.and_then(|(_, s)| s).is_none_or(|s| (opts.allowed)(Some(s)));
        if scope_known && !allowed {
            problems.push(RowProblem { row, field: key_field, problem: Problem::OutOfScope });
        }
        if problems.len() == before {
            checked.push(Checked { row, key: key_value, draft, school_id: school.map(|s| s.id), existing: old.map(|(id, _)| id) });
        }
    }
    (checked, problems)
}

async fn insert_batches<C, A>(conn: &C, models: Vec<A>) -> Result<()>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let batch: Vec<A> = models.by_ref().take(BATCH).collect();
        <A::Entity as EntityTrait>::insert_many(batch).exec(conn).await?;
    }
    Ok(())
}

fn finish<D>(problems: Vec<RowProblem>, checked: &[Checked<D>], commit: bool) -> Result<Option<ImportSummary>, Vec<RowProblem>> {
    if !problems.is_empty() {
        return Err(problems);
    }
    let updated = checked.iter().filter(|c| c.existing.is_some()).count();
    let summary = ImportSummary { created: checked.len() - updated, updated };
    Ok(if commit { None } else { Some(summary) })
}

/// The outcome of an import: what was (or would be) written, or every problem found.
pub type ImportResult = Result<ImportSummary, ImportError>;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file has {} problems", .0.len())]
    Rows(Vec<RowProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(e: sea_orm::DbErr) -> Self {
        ImportError::Store(StoreError::Db(e))
    }
}

impl Store {
    /// After a bulk write, the planner's statistics of the table: PostgreSQL otherwise plans the
    /// next queries for the table as it was (a county of 100,000 teachers taken for a few rows,
    /// sorted in full instead of read along an index: 100 ms instead of 0.5 ms per list page).
    async fn refresh_statistics(&self, table: &str) -> Result<()> {
        if self.backend() == sea_orm::DbBackend::Postgres && table.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            self.db.execute_unprepared(&format!("ANALYZE \"{table}\"")).await?;
        }
        Ok(())
    }

    /// Writes checked rows in one transaction: updates in place, inserts in batches, and one
    /// audit entry for the import.
    #[allow(clippy::too_many_arguments)] // each argument is one of the per-table differences
    async fn write_rows<D, M, A>(
        &self,
        ctx: &Ctx,
        entity: &str,
        checked: &[Checked<D>],
        current: &[M],
        id_of: impl Fn(&M) -> i64,
        new_model: impl Fn() -> A,
        fill: impl Fn(&mut A, &D, i64),
    ) -> ImportResult
    where
        M: Clone + IntoActiveModel<A>,
        A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
        <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    {
        let by_id: HashMap<i64, &M> = current.iter().map(|m| (id_of(m), m)).collect();
        let txn = self.write().await?;
        let mut inserts = Vec::new();
        for c in checked {
            let school_id = c.school_id.expect("checked rows have a school");
            match c.existing.and_then(|id| by_id.get(&id)) {
                Some(old) => {
                    let mut m = (*old).clone().into_active_model();
                    fill(&mut m, &c.draft, school_id);
                    m.update(&txn).await?;
                }
                None => {
                    let mut m = new_model();
                    fill(&mut m, &c.draft, school_id);
                    inserts.push(m);
                }
            }
        }
        insert_batches(&txn, inserts).await?;
        let summary = finish(vec![], checked, false).map_err(ImportError::Rows)?.unwrap_or_default();
        self.summarize(&txn, ctx, entity, &summary, checked).await?;
        txn.commit().await?;
        self.refresh_statistics(entity).await?;
        Ok(summary)
    }

    async fn schools_by_code(&self, county_id: i64) -> Result<HashMap<String, school::Model>> {
        Ok(self.all_schools(county_id).await?.into_iter().map(|s| (s.code.clone(), s)).collect())
    }

    /// The import's audit entry: the counts, and which records were created or updated (the
    /// first [`LISTED`] of them, so that a county-sized import keeps a small entry).
    async fn summarize<D>(
        &self,
        txn: &impl ConnectionTrait,
        ctx: &Ctx,
        entity: &str,
        summary: &ImportSummary,
        checked: &[Checked<D>],
    ) -> Result<()> {
        let listed =
            |new: bool| checked.iter().filter(|c| c.existing.is_none() == new).take(LISTED).map(|c| c.key.clone()).collect::<Vec<_>>();
        let entry = serde_json::json!({
            "created": summary.created,
            "updated": summary.updated,
            "created_keys": listed(true),
            "updated_keys": listed(false),
        });
        audit(txn, ctx, "import", entity, None, None, Some(entry.to_string())).await
    }

    pub async fn import_schools(&self, ctx: &Ctx, rows: Vec<(usize, SchoolDraft)>, opts: &ImportOptions<'_>) -> ImportResult {
        let schools = self.schools_by_code(ctx.county_id).await?;
        let existing: HashMap<String, (i64, Option<i64>)> = schools.values().map(|s| (s.code.clone(), (s.id, Some(s.id)))).collect();
        let codes_in_file: std::collections::HashSet<String> = rows.iter().map(|(_, d)| d.code.trim().to_string()).collect();
        let (checked, mut problems) =
            check_rows(rows, opts, &schools, &existing, |d| ("code", d.code.trim().to_string()), |_| None, |d, _| d.validate());
        for c in &checked {
            let campus = c.draft.campus_of.as_deref().map(str::trim).filter(|c| !c.is_empty());
            if let Some(campus) = campus.filter(|code| !schools.contains_key(*code) && !codes_in_file.contains(*code)) {
                problems.push(RowProblem { row: c.row, field: "campus_of", problem: Problem::UnknownSchool { value: campus.into() } });
            }
        }
        if let Some(summary) = finish(problems, &checked, opts.commit).map_err(ImportError::Rows)? {
            return Ok(summary);
        }
        let txn = self.write().await?;
        let now = Utc::now();
        let mut inserts = Vec::new();
        for c in &checked {
            match c.existing.and_then(|id| schools.values().find(|s| s.id == id)) {
                Some(old) => {
                    let mut m = old.clone().into_active_model();
                    fill_school(&mut m, &c.draft, old.campus_of);
                    m.update(&txn).await?;
                }
                None => {
                    let mut m = school::ActiveModel {
                        county_id: Set(ctx.county_id),
                        status: Set(Status::Active),
                        created_at: Set(now),
                        ..Default::default()
                    };
                    fill_school(&mut m, &c.draft, None);
                    inserts.push(m);
                }
            }
        }
        insert_batches(&txn, inserts).await?;
        // Campus links may point at schools created by this same file: resolve them last.
        let ids: HashMap<String, i64> = school::Entity::find()
            .filter(school::Column::CountyId.eq(ctx.county_id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|s| (s.code, s.id))
            .collect();
        for c in checked.iter().filter(|c| c.draft.campus_of.as_deref().is_some_and(|s| !s.trim().is_empty())) {
            let campus = ids.get(c.draft.campus_of.as_deref().unwrap_or_default().trim()).copied();
            school::Entity::update_many()
                .col_expr(school::Column::CampusOf, sea_orm::sea_query::Expr::value(campus))
                .filter(school::Column::CountyId.eq(ctx.county_id))
                .filter(school::Column::Code.eq(c.draft.code.trim()))
                .exec(&txn)
                .await?;
        }
        let summary = finish(vec![], &checked, false).map_err(ImportError::Rows)?.unwrap_or_default();
        self.summarize(&txn, ctx, "school", &summary, &checked).await?;
        txn.commit().await?;
        self.refresh_statistics("school").await?;
        Ok(summary)
    }

    pub async fn import_teachers(&self, ctx: &Ctx, rows: Vec<(usize, TeacherDraft)>, opts: &ImportOptions<'_>) -> ImportResult {
        let schools = self.schools_by_code(ctx.county_id).await?;
        let current = teacher::Entity::find().filter(teacher::Column::CountyId.eq(ctx.county_id)).all(&self.db).await?;
        let existing: HashMap<String, (i64, Option<i64>)> =
            current.iter().map(|t| (t.staff_no.clone(), (t.id, Some(t.school_id)))).collect();
        let today = opts.today;
        let (checked, problems) = check_rows(
            rows,
            opts,
            &schools,
            &existing,
            |d| ("staff_no", d.staff_no.trim().to_string()),
            |d| Some(d.school_code.as_str()),
            |d, _| d.validate(today),
        );
        if let Some(summary) = finish(problems, &checked, opts.commit).map_err(ImportError::Rows)? {
            return Ok(summary);
        }
        let now = Utc::now();
        let new_model = || teacher::ActiveModel { county_id: Set(ctx.county_id), created_at: Set(now), ..Default::default() };
        let fill = |m: &mut teacher::ActiveModel, d: &TeacherDraft, school_id: i64| {
            fill_teacher(m, d, school_id);
            m.status = Set(Status::Active);
        };
        self.write_rows(ctx, "teacher", &checked, &current, |t| t.id, new_model, fill).await
    }

    pub async fn import_facilities(&self, ctx: &Ctx, rows: Vec<(usize, FacilityDraft)>, opts: &ImportOptions<'_>) -> ImportResult {
        let schools = self.schools_by_code(ctx.county_id).await?;
        let code_of: HashMap<i64, &str> = schools.values().map(|s| (s.id, s.code.as_str())).collect();
        let current = facility::Entity::find().filter(facility::Column::CountyId.eq(ctx.county_id)).all(&self.db).await?;
        let key_of = |school_code: &str, name: &str| format!("{}/{}", school_code.trim(), name.trim());
        let existing: HashMap<String, (i64, Option<i64>)> = current
            .iter()
            .filter_map(|f| code_of.get(&f.school_id).map(|code| (key_of(code, &f.name), (f.id, Some(f.school_id)))))
            .collect();
        let (checked, problems) = check_rows(
            rows,
            opts,
            &schools,
            &existing,
            |d| ("name", key_of(&d.school_code, &d.name)),
            |d| Some(d.school_code.as_str()),
            |d, _| d.validate(),
        );
        if let Some(summary) = finish(problems, &checked, opts.commit).map_err(ImportError::Rows)? {
            return Ok(summary);
        }
        let now = Utc::now();
        let new_model = || facility::ActiveModel { county_id: Set(ctx.county_id), created_at: Set(now), ..Default::default() };
        let fill = |m: &mut facility::ActiveModel, d: &FacilityDraft, school_id: i64| {
            fill_facility(m, d, school_id);
            m.status = Set(Status::Active);
        };
        self.write_rows(ctx, "facility", &checked, &current, |f| f.id, new_model, fill).await
    }

    pub async fn import_stats(&self, ctx: &Ctx, rows: Vec<(usize, StatsDraft)>, opts: &ImportOptions<'_>) -> ImportResult {
        let schools = self.schools_by_code(ctx.county_id).await?;
        let code_of: HashMap<i64, &str> = schools.values().map(|s| (s.id, s.code.as_str())).collect();
        let current = school_stat::Entity::find().filter(school_stat::Column::CountyId.eq(ctx.county_id)).all(&self.db).await?;
        let key_of = |school_code: &str, year: i32| format!("{}/{}", school_code.trim(), year);
        let existing: HashMap<String, (i64, Option<i64>)> = current
            .iter()
            .filter_map(|s| code_of.get(&s.school_id).map(|code| (key_of(code, s.year), (s.id, Some(s.school_id)))))
            .collect();
        let (checked, problems) = check_rows(
            rows,
            opts,
            &schools,
            &existing,
            |d| ("year", key_of(&d.school_code, d.year)),
            |d| Some(d.school_code.as_str()),
            |d, school| {
                d.validate()?;
                match school {
                    Some(s) => check_stats_type(d, s).map_err(|e| match e {
                        StoreError::Invalid(p) => p,
                        _ => vec![],
                    }),
                    None => Ok(()),
                }
            },
        );
        if let Some(summary) = finish(problems, &checked, opts.commit).map_err(ImportError::Rows)? {
            return Ok(summary);
        }
        let new_model = || school_stat::ActiveModel { county_id: Set(ctx.county_id), ..Default::default() };
        let fill = |m: &mut school_stat::ActiveModel, d: &StatsDraft, school_id: i64| {
            m.school_id = Set(school_id);
            fill_stats(m, d);
        };
        self.write_rows(ctx, "school_stat", &checked, &current, |s| s.id, new_model, fill).await
    }
}
