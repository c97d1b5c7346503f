//! The registry: schools, their yearly statistics, teachers and facilities.
//!
//! Lists share one filtered, sorted, paged query ([`Store::list`]) driven by a per-table
//! [`ListSpec`] that names which columns may be filtered, searched and sorted on; nothing a
//! request sends reaches SQL unless the spec allows it.

pub mod convert;
pub mod entities;
pub mod import;

use crate::entities::{cluster_member, facility, school, school_stat, teacher};
use crate::{Ctx, Page, Paging, Result, Store, StoreError, Version, audit, json};
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use std::str::FromStr;
use xuequ_domain::access::Visibility;
use xuequ_domain::drafts::{FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_domain::{Backbone, Degree, FieldProblem, Problem, SchoolType, Section, Status, Subject, Title};

/// What a list request asks for. Unknown filter or sort names are ignored, not errors, so that
/// a bookmarked URL keeps working when a column goes away.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Free text matched against the spec's searchable columns.
    pub q: Option<String>,
    /// Equality filters on coded columns: `("school_type", "primary")`.
    pub eq: Vec<(String, String)>,
    pub school_id: Option<i64>,
    pub include_retired: bool,
    pub sort: Option<String>,
    pub desc: bool,
    /// The records a name search found (from the in-memory name index): when given, `q` is
    /// answered by these ids instead of matching columns.
    pub found: Option<std::sync::Arc<Vec<i64>>>,
    /// The list's total when it is already known for this state of the county: not counted again.
    pub total: Option<u64>,
}

/// How a custom SQL fragment names its one parameter on this backend.
fn placeholder(backend: sea_orm::DbBackend) -> &'static str {
    if backend == sea_orm::DbBackend::Postgres { "$1" } else { "?" }
}

/// The lists searched by name through the in-memory name index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Named {
    Schools,
    Teachers,
}

/// Which columns of a table a list may filter, search and sort on.
pub struct ListSpec {
    pub filterable: &'static [&'static str],
    pub searchable: &'static [&'static str],
    pub sortable: &'static [&'static str],
    pub default_sort: &'static str,
    /// Sort columns unique within a county: sorted by one of them, a list needs no tie-break and
    /// the database walks the unique index in order instead of sorting the whole county.
    pub unique_sorts: &'static [&'static str],
    /// The column holding the school a row belongs to (`id` for the school table itself).
    pub school_column: &'static str,
}

pub const SCHOOL_LIST: ListSpec = ListSpec {
    filterable: &["school_type", "locality", "township", "status"],
    searchable: &["name", "code", "township", "principal"],
    sortable: &["code", "name", "school_type", "locality", "township", "updated_at"],
    default_sort: "code",
    unique_sorts: &["code"],
    school_column: "id",
};

pub const TEACHER_LIST: ListSpec = ListSpec {
    filterable: &["subject", "degree", "title", "backbone", "gender", "section", "status"],
    searchable: &["name", "staff_no"],
    sortable: &["staff_no", "name", "subject", "degree", "title", "backbone", "joined_school_on", "school_id"],
    default_sort: "staff_no",
    unique_sorts: &["staff_no"],
    school_column: "school_id",
};

pub const FACILITY_LIST: ListSpec = ListSpec {
    filterable: &["kind", "status"],
    searchable: &["name", "open_hours"],
    sortable: &["name", "kind", "capacity", "school_id"],
    default_sort: "school_id",
    unique_sorts: &[],
    school_column: "school_id",
};

fn column<E: EntityTrait>(name: &str) -> Option<E::Column>
where
    E::Column: FromStr,
{
    E::Column::from_str(name).ok()
}

/// A kind of row that lists show: its list spec and the one generic query, so that callers
/// page through any of them without knowing the tables.
pub trait Listed: Sized + Send + Sync + 'static {
    const SPEC: &'static ListSpec;
    fn page(
        store: &Store,
        county_id: i64,
        filter: &ListFilter,
        visibility: &Visibility,
        paging: Paging,
    ) -> impl Future<Output = Result<Page<Self>>> + Send;
}

macro_rules! listed {
    ($module:ident, $spec:expr) => {
        impl Listed for crate::entities::$module::Model {
            const SPEC: &'static ListSpec = &$spec;
            fn page(
                store: &Store,
                county_id: i64,
                filter: &ListFilter,
                visibility: &Visibility,
                paging: Paging,
            ) -> impl Future<Output = Result<Page<Self>>> + Send {
                store.list::<crate::entities::$module::Entity>(county_id, Self::SPEC, filter, visibility, paging)
            }
        }
    };
}

listed!(school, SCHOOL_LIST);
listed!(teacher, TEACHER_LIST);
listed!(facility, FACILITY_LIST);
listed!(cluster, crate::clusters::CLUSTER_LIST);

impl Store {
    /// One page of `E`'s rows in the county, filtered by `filter` within what `visibility`
    /// allows. The spec decides which names in the filter are honoured.
    pub async fn list<E>(
        &self,
        county_id: i64,
        spec: &ListSpec,
        filter: &ListFilter,
        visibility: &Visibility,
        paging: Paging,
    ) -> Result<Page<E::Model>>
    where
        E: EntityTrait,
        E::Column: FromStr,
        E::Model: Send + Sync,
    {
        let col = |name: &str| column::<E>(name).expect("spec names a real column");
        let table = E::default().table_name().to_string();
        // With found ids the query is driven by them (a primary-key lookup each); the county
        // condition is then written so that SQLite's planner does not prefer the county index
        // and scan the whole county instead (the unary `+`; PostgreSQL reads it the same).
        let mut query = match &filter.found {
            Some(_) => E::find().filter(sea_orm::sea_query::Expr::cust_with_values(
                format!("+\"{table}\".\"county_id\" = {}", placeholder(self.backend())),
                [county_id],
            )),
            None => E::find().filter(col("county_id").eq(county_id)),
        };
        let school_col = col(spec.school_column);
        match visibility {
            Visibility::County => {}
            Visibility::Schools(ids) => query = query.filter(school_col.is_in(ids.clone())),
            Visibility::Nothing => return Ok(Page { items: vec![], total: 0 }),
        }
        if let Some(id) = filter.school_id {
            query = query.filter(school_col.eq(id));
        }
        if !filter.include_retired && !filter.eq.iter().any(|(k, _)| k == "status") {
            query = query.filter(col("status").eq(Status::Active));
        }
        for (name, value) in &filter.eq {
            if spec.filterable.contains(&name.as_str()) && !value.is_empty() {
                query = query.filter(col(name).eq(value.clone()));
            }
        }
        if let Some(found) = &filter.found {
            // One parameter however many ids: a JSON array the database unpacks.
            let ids = serde_json::to_string(found.as_ref()).unwrap_or_else(|_| "[]".into());
            let sql = match self.backend() {
                sea_orm::DbBackend::Postgres => {
                    format!("\"{table}\".\"id\" IN (SELECT value::bigint FROM json_array_elements_text($1::json))")
                }
                _ => format!("\"{table}\".\"id\" IN (SELECT value FROM json_each(?))"),
            };
            query = query.filter(sea_orm::sea_query::Expr::cust_with_values(sql, [ids]));
        } else if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let mut any = Condition::any();
            for name in spec.searchable {
                any = any.add(col(name).contains(q));
            }
            query = query.filter(any);
        }
        let sort = filter.sort.as_deref().filter(|s| spec.sortable.contains(s)).unwrap_or(spec.default_sort);
        let order = if filter.desc { Order::Desc } else { Order::Asc };
        query = query.order_by(col(sort), order);
        if !spec.unique_sorts.contains(&sort) {
            query = query.order_by(col("id"), Order::Asc);
        }
        let total = match filter.total {
            Some(known) => known,
            None => query.clone().count(&self.db).await?,
        };
        let items = query.offset(paging.offset()).limit(paging.per_page).all(&self.db).await?;
        Ok(Page { items, total })
    }

    /// What the name index of a list holds for every record of the county (retired ones too; the
    /// list filters them): `(id, names, codes)`.
    pub async fn name_rows(&self, county_id: i64, of: Named) -> Result<Vec<(i64, Vec<String>, Vec<String>)>> {
        Ok(match of {
            Named::Schools => school::Entity::find()
                .select_only()
                .columns([
                    school::Column::Id,
                    school::Column::Name,
                    school::Column::Township,
                    school::Column::Principal,
                    school::Column::Code,
                ])
                .filter(school::Column::CountyId.eq(county_id))
                .into_tuple::<(i64, String, String, String, String)>()
                .all(&self.db)
                .await?
                .into_iter()
                .map(|(id, name, township, principal, code)| (id, vec![name, township, principal], vec![code]))
                .collect(),
            Named::Teachers => teacher::Entity::find()
                .select_only()
                .columns([teacher::Column::Id, teacher::Column::Name, teacher::Column::StaffNo])
                .filter(teacher::Column::CountyId.eq(county_id))
                .into_tuple::<(i64, String, String)>()
                .all(&self.db)
                .await?
                .into_iter()
                .map(|(id, name, staff_no)| (id, vec![name], vec![staff_no]))
                .collect(),
        })
    }

    // ---- schools ----

    pub async fn school(&self, county_id: i64, id: i64) -> Result<Option<school::Model>> {
        Ok(school::Entity::find_by_id(id).filter(school::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn school_by_code(&self, county_id: i64, code: &str) -> Result<Option<school::Model>> {
        Ok(school::Entity::find()
            .filter(school::Column::CountyId.eq(county_id))
            .filter(school::Column::Code.eq(code.trim()))
            .one(&self.db)
            .await?)
    }

    /// Every school of the county (active and retired), for lookups by code or id.
    pub async fn all_schools(&self, county_id: i64) -> Result<Vec<school::Model>> {
        Ok(school::Entity::find().filter(school::Column::CountyId.eq(county_id)).order_by_asc(school::Column::Code).all(&self.db).await?)
    }

    /// The townships of the county's schools, for the list filter.
    pub async fn townships(&self, county_id: i64) -> Result<Vec<String>> {
        Ok(school::Entity::find()
            .select_only()
            .column(school::Column::Township)
            .distinct()
            .filter(school::Column::CountyId.eq(county_id))
            .filter(school::Column::Township.ne(""))
            .order_by_asc(school::Column::Township)
            .into_tuple::<String>()
            .all(&self.db)
            .await?)
    }

    /// `id → (code, name)` of the given schools, for showing references in lists.
    pub async fn school_names(&self, county_id: i64, ids: &[i64]) -> Result<HashMap<i64, (String, String)>> {
        let rows = school::Entity::find()
            .filter(school::Column::CountyId.eq(county_id))
            .filter(school::Column::Id.is_in(ids.to_vec()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|s| (s.id, (s.code, s.name))).collect())
    }

    async fn resolve_school(&self, county_id: i64, field: &'static str, code: &str) -> Result<school::Model> {
        self.school_by_code(county_id, code)
            .await?
            .ok_or_else(|| StoreError::invalid(field, Problem::UnknownSchool { value: code.to_string() }))
    }

    pub async fn create_school(&self, ctx: &Ctx, draft: &SchoolDraft) -> Result<school::Model> {
        draft.validate().map_err(StoreError::Invalid)?;
        let campus_of = self.campus_of(ctx.county_id, draft).await?;
        let mut model = school::ActiveModel {
            county_id: Set(ctx.county_id),
            status: Set(Status::Active),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        fill_school(&mut model, draft, campus_of);
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        let saved = model.insert(&txn).await.map_err(|e| crate::conflict_on_unique(e, &draft.code))?;
        audit(&txn, ctx, "create", "school", Some(saved.id), None, Some(json(&saved))).await?;
        txn.commit().await?;
        Ok(saved)
    }

    async fn campus_of(&self, county_id: i64, draft: &SchoolDraft) -> Result<Option<i64>> {
        match draft.campus_of.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => Ok(Some(self.resolve_school(county_id, "campus_of", code).await?.id)),
            None => Ok(None),
        }
    }

    pub async fn update_school(&self, ctx: &Ctx, id: i64, draft: &SchoolDraft, expected: Option<Version>) -> Result<school::Model> {
        draft.validate().map_err(StoreError::Invalid)?;
        let before = self.school(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        let campus_of = self.campus_of(ctx.county_id, draft).await?;
        let mut model = before.clone().into_active_model();
        fill_school(&mut model, draft, campus_of);
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        crate::claim(&txn, "school", id, expected).await?;
        let after = model.update(&txn).await.map_err(|e| crate::conflict_on_unique(e, &draft.code))?;
        audit(&txn, ctx, "update", "school", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Retires a school: it leaves every cluster today and disappears from default lists, but
    /// its history (statistics, memberships) stays.
    pub async fn retire_school(&self, ctx: &Ctx, id: i64, today: NaiveDate) -> Result<school::Model> {
        let before = self.school(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        cluster_member::Entity::update_many()
            .col_expr(cluster_member::Column::LeftOn, Expr::value(today))
            .filter(cluster_member::Column::SchoolId.eq(id))
            .filter(cluster_member::Column::LeftOn.is_null())
            .exec(&txn)
            .await?;
        let after = set_status(&txn, before.clone().into_active_model(), Status::Retired).await?;
        audit(&txn, ctx, "retire", "school", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    // ---- yearly statistics ----

    pub async fn stats_for_school(&self, county_id: i64, school_id: i64) -> Result<Vec<school_stat::Model>> {
        Ok(school_stat::Entity::find()
            .filter(school_stat::Column::CountyId.eq(county_id))
            .filter(school_stat::Column::SchoolId.eq(school_id))
            .order_by_desc(school_stat::Column::Year)
            .all(&self.db)
            .await?)
    }

    /// The county's active teachers counted by school and by everything the assessment asks of
    /// a teacher (section, degree, backbone level, subject, title): a few thousand groups in
    /// one aggregate query instead of every teacher's row.
    pub async fn teacher_groups(&self, county_id: i64) -> Result<Vec<TeacherGroup>> {
        type Row = (i64, Option<Section>, Degree, Backbone, Subject, Title, i64);
        let rows: Vec<Row> = teacher::Entity::find()
            .select_only()
            .columns([
                teacher::Column::SchoolId,
                teacher::Column::Section,
                teacher::Column::Degree,
                teacher::Column::Backbone,
                teacher::Column::Subject,
                teacher::Column::Title,
            ])
            .column_as(teacher::Column::Id.count(), "n")
            .filter(teacher::Column::CountyId.eq(county_id))
            .filter(teacher::Column::Status.eq(Status::Active))
            .group_by(teacher::Column::SchoolId)
            .group_by(teacher::Column::Section)
            .group_by(teacher::Column::Degree)
            .group_by(teacher::Column::Backbone)
            .group_by(teacher::Column::Subject)
            .group_by(teacher::Column::Title)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(school_id, section, degree, backbone, subject, title, n)| TeacherGroup {
                school_id,
                section,
                degree,
                backbone,
                subject,
                title,
                count: n as u64,
            })
            .collect())
    }

    /// Every active teacher of the county, for counts by school (assessment).
    pub async fn active_teachers(&self, county_id: i64) -> Result<Vec<teacher::Model>> {
        Ok(teacher::Entity::find()
            .filter(teacher::Column::CountyId.eq(county_id))
            .filter(teacher::Column::Status.eq(Status::Active))
            .all(&self.db)
            .await?)
    }

    /// The school years the county has statistics for, newest first.
    pub async fn stat_years(&self, county_id: i64) -> Result<Vec<i32>> {
        Ok(school_stat::Entity::find()
            .select_only()
            .column(school_stat::Column::Year)
            .distinct()
            .filter(school_stat::Column::CountyId.eq(county_id))
            .order_by_desc(school_stat::Column::Year)
            .into_tuple::<i32>()
            .all(&self.db)
            .await?)
    }

    /// All statistics of the county (optionally of one year), for export and assessment.
    pub async fn all_stats(&self, county_id: i64, year: Option<i32>) -> Result<Vec<school_stat::Model>> {
        let mut query = school_stat::Entity::find().filter(school_stat::Column::CountyId.eq(county_id));
        if let Some(y) = year {
            query = query.filter(school_stat::Column::Year.eq(y));
        }
        Ok(query.order_by_asc(school_stat::Column::SchoolId).order_by_asc(school_stat::Column::Year).all(&self.db).await?)
    }

    /// Records a school's statistics for a year, replacing what was there for that year.
    /// Records or replaces a school's statistics of a year; with `expected`, the year's existing
    /// figures must still be that version (a new year has none, so a version is stale there).
    pub async fn save_stats(&self, ctx: &Ctx, draft: &StatsDraft, expected: Option<Version>) -> Result<school_stat::Model> {
        draft.validate().map_err(StoreError::Invalid)?;
        let school = self.resolve_school(ctx.county_id, "school_code", &draft.school_code).await?;
        check_stats_type(draft, &school)?;
        let existing = school_stat::Entity::find()
            .filter(school_stat::Column::SchoolId.eq(school.id))
            .filter(school_stat::Column::Year.eq(draft.year))
            .one(&self.db)
            .await?;
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        match (&existing, expected) {
            (Some(m), expected) => crate::claim(&txn, "school_stat", m.id, expected).await?,
            (None, Some(_)) => return Err(StoreError::Stale),
            (None, None) => {}
        }
        let before = existing.as_ref().map(json);
        let mut model = match existing {
            Some(m) => m.into_active_model(),
            None => school_stat::ActiveModel { county_id: Set(ctx.county_id), school_id: Set(school.id), ..Default::default() },
        };
        fill_stats(&mut model, draft);
        let saved = model.save(&txn).await?;
        let saved = school_stat::Entity::find_by_id(saved.id.unwrap()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        audit(&txn, ctx, if before.is_some() { "update" } else { "create" }, "school_stat", Some(saved.id), before, Some(json(&saved)))
            .await?;
        txn.commit().await?;
        Ok(saved)
    }

    // ---- teachers ----

    pub async fn teacher(&self, county_id: i64, id: i64) -> Result<Option<teacher::Model>> {
        Ok(teacher::Entity::find_by_id(id).filter(teacher::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn create_teacher(&self, ctx: &Ctx, draft: &TeacherDraft, today: NaiveDate) -> Result<teacher::Model> {
        draft.validate(today).map_err(StoreError::Invalid)?;
        let school = self.resolve_school(ctx.county_id, "school_code", &draft.school_code).await?;
        let now = Utc::now();
        let mut model =
            teacher::ActiveModel { county_id: Set(ctx.county_id), status: Set(Status::Active), created_at: Set(now), ..Default::default() };
        fill_teacher(&mut model, draft, school.id);
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        let saved = model.insert(&txn).await.map_err(|e| crate::conflict_on_unique(e, &draft.staff_no))?;
        audit(&txn, ctx, "create", "teacher", Some(saved.id), None, Some(json(&saved))).await?;
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn update_teacher(
        &self,
        ctx: &Ctx,
        id: i64,
        draft: &TeacherDraft,
        today: NaiveDate,
        expected: Option<Version>,
    ) -> Result<teacher::Model> {
        draft.validate(today).map_err(StoreError::Invalid)?;
        let before = self.teacher(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        let school = self.resolve_school(ctx.county_id, "school_code", &draft.school_code).await?;
        let mut model = before.clone().into_active_model();
        fill_teacher(&mut model, draft, school.id);
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        crate::claim(&txn, "teacher", id, expected).await?;
        let after = model.update(&txn).await.map_err(|e| crate::conflict_on_unique(e, &draft.staff_no))?;
        audit(&txn, ctx, "update", "teacher", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn retire_teacher(&self, ctx: &Ctx, id: i64) -> Result<teacher::Model> {
        let before = self.teacher(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        let after = set_status(&txn, before.clone().into_active_model(), Status::Retired).await?;
        audit(&txn, ctx, "retire", "teacher", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    // ---- facilities ----

    pub async fn facility(&self, county_id: i64, id: i64) -> Result<Option<facility::Model>> {
        Ok(facility::Entity::find_by_id(id).filter(facility::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn create_facility(&self, ctx: &Ctx, draft: &FacilityDraft) -> Result<facility::Model> {
        draft.validate().map_err(StoreError::Invalid)?;
        let school = self.resolve_school(ctx.county_id, "school_code", &draft.school_code).await?;
        let mut model = facility::ActiveModel {
            county_id: Set(ctx.county_id),
            status: Set(Status::Active),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        fill_facility(&mut model, draft, school.id);
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        let saved = model.insert(&txn).await.map_err(|e| crate::conflict_on_unique(e, &draft.name))?;
        audit(&txn, ctx, "create", "facility", Some(saved.id), None, Some(json(&saved))).await?;
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn update_facility(&self, ctx: &Ctx, id: i64, draft: &FacilityDraft, expected: Option<Version>) -> Result<facility::Model> {
        draft.validate().map_err(StoreError::Invalid)?;
        let before = self.facility(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        let school = self.resolve_school(ctx.county_id, "school_code", &draft.school_code).await?;
        let mut model = before.clone().into_active_model();
        fill_facility(&mut model, draft, school.id);
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        crate::claim(&txn, "facility", id, expected).await?;
        let after = model.update(&txn).await.map_err(|e| crate::conflict_on_unique(e, &draft.name))?;
        audit(&txn, ctx, "update", "facility", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn retire_facility(&self, ctx: &Ctx, id: i64) -> Result<facility::Model> {
        let before = self.facility(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        let after = set_status(&txn, before.clone().into_active_model(), Status::Retired).await?;
        audit(&txn, ctx, "retire", "facility", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Counts for the dashboard: active schools by type, teachers, facilities, clusters.
    pub async fn county_summary(&self, county_id: i64) -> Result<CountySummary> {
        let active = Status::Active.code();
        let schools = school::Entity::find()
            .filter(school::Column::CountyId.eq(county_id))
            .filter(school::Column::Status.eq(active))
            .all(&self.db)
            .await?;
        let mut by_type: Vec<(SchoolType, u64)> = SchoolType::ALL.iter().map(|t| (*t, 0)).collect();
        for s in &schools {
            if let Some(entry) = by_type.iter_mut().find(|(t, _)| *t == s.school_type) {
                entry.1 += 1;
            }
        }
        let teachers = teacher::Entity::find()
            .filter(teacher::Column::CountyId.eq(county_id))
            .filter(teacher::Column::Status.eq(active))
            .count(&self.db)
            .await?;
        let facilities = facility::Entity::find()
            .filter(facility::Column::CountyId.eq(county_id))
            .filter(facility::Column::Status.eq(active))
            .count(&self.db)
            .await?;
        let clusters = crate::entities::cluster::Entity::find()
            .filter(crate::entities::cluster::Column::CountyId.eq(county_id))
            .filter(crate::entities::cluster::Column::Status.eq(active))
            .count(&self.db)
            .await?;
        Ok(CountySummary { schools: schools.len() as u64, by_type, teachers, facilities, clusters })
    }
}

/// Teachers of one school alike in everything the assessment counts, and how many they are.
#[derive(Debug, Clone, PartialEq)]
pub struct TeacherGroup {
    pub school_id: i64,
    pub section: Option<Section>,
    pub degree: Degree,
    pub backbone: Backbone,
    pub subject: Subject,
    pub title: Title,
    pub count: u64,
}

impl From<&teacher::Model> for TeacherGroup {
    fn from(t: &teacher::Model) -> Self {
        TeacherGroup {
            school_id: t.school_id,
            section: t.section,
            degree: t.degree,
            backbone: t.backbone,
            subject: t.subject,
            title: t.title,
            count: 1,
        }
    }
}

/// The everyday figures of one school: what a principal's home and a cluster head's list show.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SchoolFigures {
    pub school: school::Model,
    pub teachers: u64,
    pub facilities: u64,
    /// Students in the latest school year with statistics, and that year.
    pub students: Option<(i32, i64)>,
}

impl Store {
    /// The figures of the given schools, in the order given (unknown ids are left out).
    pub async fn school_figures(&self, county_id: i64, ids: &[i64]) -> Result<Vec<SchoolFigures>> {
        let active = Status::Active.code();
        let count_by_school = |rows: Vec<(i64, i64)>| rows.into_iter().map(|(s, n)| (s, n as u64)).collect::<HashMap<i64, u64>>();
        let teachers = count_by_school(
            teacher::Entity::find()
                .select_only()
                .column(teacher::Column::SchoolId)
                .column_as(teacher::Column::Id.count(), "n")
                .filter(teacher::Column::CountyId.eq(county_id))
                .filter(teacher::Column::Status.eq(active))
                .filter(teacher::Column::SchoolId.is_in(ids.to_vec()))
                .group_by(teacher::Column::SchoolId)
                .into_tuple()
                .all(&self.db)
                .await?,
        );
        let facilities = count_by_school(
            facility::Entity::find()
                .select_only()
                .column(facility::Column::SchoolId)
                .column_as(facility::Column::Id.count(), "n")
                .filter(facility::Column::CountyId.eq(county_id))
                .filter(facility::Column::Status.eq(active))
                .filter(facility::Column::SchoolId.is_in(ids.to_vec()))
                .group_by(facility::Column::SchoolId)
                .into_tuple()
                .all(&self.db)
                .await?,
        );
        let mut latest: HashMap<i64, (i32, i64)> = HashMap::new();
        for st in school_stat::Entity::find()
            .filter(school_stat::Column::CountyId.eq(county_id))
            .filter(school_stat::Column::SchoolId.is_in(ids.to_vec()))
            .all(&self.db)
            .await?
        {
            let students = (st.students_primary + st.students_junior) as i64;
            if latest.get(&st.school_id).is_none_or(|(y, _)| *y < st.year) {
                latest.insert(st.school_id, (st.year, students));
            }
        }
        let schools: HashMap<i64, school::Model> = school::Entity::find()
            .filter(school::Column::CountyId.eq(county_id))
            .filter(school::Column::Id.is_in(ids.to_vec()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        Ok(ids
            .iter()
            .filter_map(|id| schools.get(id))
            .map(|s| SchoolFigures {
                teachers: teachers.get(&s.id).copied().unwrap_or(0),
                facilities: facilities.get(&s.id).copied().unwrap_or(0),
                students: latest.get(&s.id).copied(),
                school: s.clone(),
            })
            .collect())
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CountySummary {
    pub schools: u64,
    pub by_type: Vec<(SchoolType, u64)>,
    pub teachers: u64,
    pub facilities: u64,
    pub clusters: u64,
}

pub(crate) fn check_stats_type(draft: &StatsDraft, school: &school::Model) -> Result<()> {
    let school_type = school.school_type;
    draft.check_against(school_type).map_err(StoreError::Invalid)
}

async fn set_status<C, A>(conn: &C, mut model: A, status: Status) -> Result<<A::Entity as EntityTrait>::Model>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    <A::Entity as EntityTrait>::Column: FromStr,
{
    let status_col = column::<A::Entity>("status").expect("status column");
    model.set(status_col, status.code().into());
    if let Some(updated) = column::<A::Entity>("updated_at") {
        model.set(updated, Utc::now().into());
    }
    Ok(model.update(conn).await?)
}

pub(crate) fn fill_school(m: &mut school::ActiveModel, d: &SchoolDraft, campus_of: Option<i64>) {
    m.code = Set(d.code.trim().to_string());
    m.name = Set(d.name.trim().to_string());
    m.school_type = Set(d.school_type);
    m.locality = Set(d.locality);
    m.township = Set(d.township.trim().to_string());
    m.address = Set(d.address.trim().to_string());
    m.latitude = Set(d.latitude);
    m.longitude = Set(d.longitude);
    m.legal_person = Set(d.legal_person);
    m.campus_of = Set(campus_of);
    m.principal = Set(d.principal.trim().to_string());
    m.phone = Set(d.phone.trim().to_string());
    m.updated_at = Set(Utc::now());
}

pub(crate) fn fill_stats(m: &mut school_stat::ActiveModel, d: &StatsDraft) {
    m.year = Set(d.year);
    m.students_primary = Set(d.students_primary);
    m.students_junior = Set(d.students_junior);
    m.classes_primary = Set(d.classes_primary);
    m.classes_junior = Set(d.classes_junior);
    m.max_class_size = Set(d.max_class_size);
    m.teaching_area = Set(d.teaching_area);
    m.sports_area = Set(d.sports_area);
    m.equipment_value = Set(d.equipment_value);
    m.multimedia_rooms = Set(d.multimedia_rooms);
    m.books = Set(d.books);
    m.computers = Set(d.computers);
    m.updated_at = Set(Utc::now());
}

pub(crate) fn fill_teacher(m: &mut teacher::ActiveModel, d: &TeacherDraft, school_id: i64) {
    m.school_id = Set(school_id);
    m.staff_no = Set(d.staff_no.trim().to_string());
    m.name = Set(d.name.trim().to_string());
    m.gender = Set(d.gender);
    m.subject = Set(d.subject);
    m.section = Set(d.section);
    m.degree = Set(d.degree);
    m.title = Set(d.title);
    m.backbone = Set(d.backbone);
    match d.post {
        Some(post) => m.post = Set(post),
        // Not given: a stored teacher keeps their post, a new one is a teacher.
        None if m.post.is_not_set() => m.post = Set(xuequ_domain::Post::Teacher),
        None => {}
    }
    m.joined_school_on = Set(d.joined_school_on);
    m.birth_year = Set(d.birth_year);
    m.updated_at = Set(Utc::now());
}

pub(crate) fn fill_facility(m: &mut facility::ActiveModel, d: &FacilityDraft, school_id: i64) {
    m.school_id = Set(school_id);
    m.name = Set(d.name.trim().to_string());
    m.kind = Set(d.kind);
    m.capacity = Set(d.capacity);
    m.area = Set(d.area);
    m.open_hours = Set(d.open_hours.trim().to_string());
    m.shareable = Set(d.shareable);
    m.updated_at = Set(Utc::now());
}

/// A problem found while importing, at a 1-based data row of the file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowProblem {
    pub row: usize,
    pub field: &'static str,
    pub problem: Problem,
}

impl RowProblem {
    pub fn from_field(row: usize, p: FieldProblem) -> Self {
        RowProblem { row, field: p.field, problem: p.problem }
    }
}
