//! The registry: schools, their yearly statistics, teachers and facilities.
//!
//! Schools, teachers and facilities share one path for list / read / create / update / retire:
//! each is described once as a [`Record`] (its table, draft, policy resource and where a record
//! lives), and the generic functions below ask the policy and call the store. A new kind of
//! record kept at a school is one more `impl Record`.

use crate::{App, AppError, Caller, Result, today};
use chrono::NaiveDate;
use xuequ_domain::Problem;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::drafts::{FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_store::entities::{county, facility, school, school_stat, teacher};
use xuequ_store::registry::{CountySummary, ListFilter, Listed};
use xuequ_store::{Ctx, Page, Paging, Store, Version};

/// A kind of registry record: what the generic path needs to know about it.
pub trait Record: Listed {
    type Draft: Sync;
    /// What the access policy calls it.
    const RESOURCE: Resource;
    /// The name index its list is searched by, if any (else the list matches columns).
    const NAMED: Option<crate::search::Named> = None;
    /// Where a stored record lives, for the policy.
    fn target(&self) -> Target;
    /// Where a draft puts the record: a new one (`existing` is `None`), or a changed one, which
    /// may move to another school.
    fn draft_target(app: &App, c: &Caller, draft: &Self::Draft, existing: Option<&Self>) -> impl Future<Output = Result<Target>> + Send;
    fn find(store: &Store, county: i64, id: i64) -> impl Future<Output = xuequ_store::Result<Option<Self>>> + Send;
    fn create(store: &Store, ctx: &Ctx, draft: &Self::Draft) -> impl Future<Output = xuequ_store::Result<Self>> + Send;
    fn update(
        store: &Store,
        ctx: &Ctx,
        id: i64,
        draft: &Self::Draft,
        expected: Option<Version>,
    ) -> impl Future<Output = xuequ_store::Result<Self>> + Send;
    /// When the record last changed (its `ETag`).
    fn version(&self) -> Version;
    fn retire(store: &Store, ctx: &Ctx, id: i64, on: NaiveDate) -> impl Future<Output = xuequ_store::Result<Self>> + Send;
}

/// The records of kind `R` the caller may see, filtered, sorted and paged.
pub async fn list<R: Record>(app: &App, c: &Caller, filter: &ListFilter, paging: Paging) -> Result<Page<R>> {
    c.require(Action::Read, R::RESOURCE, &Target::county(c.county()))?;
    let visibility = c.visibility(R::RESOURCE);
    // A list's total stays the same while nothing in the county changes: counted once (a
    // county-wide count is most of a list request's work), then reused for every page.
    let version = app.store.version(c.county()).await?;
    let key = (c.county(), format!("{}|{filter:?}|{visibility:?}", std::any::type_name::<R>()));
    let mut asked = ListFilter { total: app.derived.totals.get(&key, version).map(|t| *t), ..filter.clone() };
    if let (Some(of), Some(typed)) = (R::NAMED, filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty())) {
        asked.found = Some(crate::search::found(app, c.county(), of, typed).await?);
    }
    let page = R::page(&app.store, c.county(), &asked, &visibility, paging).await?;
    if asked.total.is_none() {
        app.derived.totals.put(key, version, std::sync::Arc::new(page.total));
    }
    Ok(page)
}

/// One record; another county's id is not found, one outside the caller's scope forbidden.
pub async fn get<R: Record>(app: &App, c: &Caller, id: i64) -> Result<R> {
    let record = R::find(&app.store, c.county(), id).await?.ok_or(AppError::NotFound)?;
    c.require(Action::Read, R::RESOURCE, &record.target())?;
    Ok(record)
}

pub async fn create<R: Record>(app: &App, c: &Caller, draft: &R::Draft) -> Result<R> {
    let at = R::draft_target(app, c, draft, None).await?;
    c.require(Action::Create, R::RESOURCE, &at)?;
    Ok(R::create(&app.store, &c.ctx(), draft).await?)
}

/// Changing a record needs the right where it is and where the draft puts it (moving a teacher
/// needs both schools). With an `expected` version, a record changed meanwhile is
/// [`AppError::Stale`] and nothing is saved.
pub async fn update<R: Record>(app: &App, c: &Caller, id: i64, draft: &R::Draft, expected: Option<Version>) -> Result<R> {
    let record = get::<R>(app, c, id).await?;
    c.require(Action::Update, R::RESOURCE, &record.target())?;
    let at = R::draft_target(app, c, draft, Some(&record)).await?;
    c.require(Action::Update, R::RESOURCE, &at)?;
    Ok(R::update(&app.store, &c.ctx(), id, draft, expected).await?)
}

/// Retires a record: kept in history, hidden from lists.
/// Retiring a school ends its cluster memberships `on` that day; other records carry no date.
pub async fn retire<R: Record>(app: &App, c: &Caller, id: i64, on: NaiveDate) -> Result<R> {
    let record = get::<R>(app, c, id).await?;
    c.require(Action::Retire, R::RESOURCE, &record.target())?;
    let retired = R::retire(&app.store, &c.ctx(), id, on).await?;
    if R::RESOURCE == Resource::School {
        app.forget_sessions(None).await?; // the school left its clusters: cluster heads' scopes changed
    }
    Ok(retired)
}

/// The id of the school with this code in the caller's county, or a problem naming the field.
pub async fn school_id_for(app: &App, c: &Caller, field: &'static str, code: &str) -> Result<i64> {
    app.store
        .school_by_code(c.county(), code)
        .await?
        .map(|s| s.id)
        .ok_or_else(|| AppError::invalid(field, Problem::UnknownSchool { value: code.to_string() }))
}

impl Record for school::Model {
    type Draft = SchoolDraft;
    const RESOURCE: Resource = Resource::School;
    const NAMED: Option<crate::search::Named> = Some(crate::search::Named::Schools);
    fn target(&self) -> Target {
        Target::school(self.county_id, self.id)
    }
    async fn draft_target(_: &App, c: &Caller, _: &SchoolDraft, existing: Option<&Self>) -> Result<Target> {
        // Creating a school is a county-level decision; a changed school stays where it is.
        Ok(existing.map_or(Target::county(c.county()), Record::target))
    }
    async fn find(store: &Store, county: i64, id: i64) -> xuequ_store::Result<Option<Self>> {
        store.school(county, id).await
    }
    async fn create(store: &Store, ctx: &Ctx, draft: &SchoolDraft) -> xuequ_store::Result<Self> {
        store.create_school(ctx, draft).await
    }
    async fn update(store: &Store, ctx: &Ctx, id: i64, draft: &SchoolDraft, expected: Option<Version>) -> xuequ_store::Result<Self> {
        store.update_school(ctx, id, draft, expected).await
    }
    fn version(&self) -> Version {
        Version(self.updated_at)
    }
    async fn retire(store: &Store, ctx: &Ctx, id: i64, on: NaiveDate) -> xuequ_store::Result<Self> {
        store.retire_school(ctx, id, on).await
    }
}

impl Record for teacher::Model {
    type Draft = TeacherDraft;
    const RESOURCE: Resource = Resource::Teacher;
    const NAMED: Option<crate::search::Named> = Some(crate::search::Named::Teachers);
    fn target(&self) -> Target {
        Target::school(self.county_id, self.school_id)
    }
    async fn draft_target(app: &App, c: &Caller, draft: &TeacherDraft, _: Option<&Self>) -> Result<Target> {
        Ok(Target::school(c.county(), school_id_for(app, c, "school_code", &draft.school_code).await?))
    }
    async fn find(store: &Store, county: i64, id: i64) -> xuequ_store::Result<Option<Self>> {
        store.teacher(county, id).await
    }
    async fn create(store: &Store, ctx: &Ctx, draft: &TeacherDraft) -> xuequ_store::Result<Self> {
        store.create_teacher(ctx, draft, today()).await
    }
    async fn update(store: &Store, ctx: &Ctx, id: i64, draft: &TeacherDraft, expected: Option<Version>) -> xuequ_store::Result<Self> {
        store.update_teacher(ctx, id, draft, today(), expected).await
    }
    fn version(&self) -> Version {
        Version(self.updated_at)
    }
    async fn retire(store: &Store, ctx: &Ctx, id: i64, _: NaiveDate) -> xuequ_store::Result<Self> {
        store.retire_teacher(ctx, id).await
    }
}

impl Record for facility::Model {
    type Draft = FacilityDraft;
    const RESOURCE: Resource = Resource::Facility;
    fn target(&self) -> Target {
        Target::school(self.county_id, self.school_id)
    }
    async fn draft_target(app: &App, c: &Caller, draft: &FacilityDraft, _: Option<&Self>) -> Result<Target> {
        Ok(Target::school(c.county(), school_id_for(app, c, "school_code", &draft.school_code).await?))
    }
    async fn find(store: &Store, county: i64, id: i64) -> xuequ_store::Result<Option<Self>> {
        store.facility(county, id).await
    }
    async fn create(store: &Store, ctx: &Ctx, draft: &FacilityDraft) -> xuequ_store::Result<Self> {
        store.create_facility(ctx, draft).await
    }
    async fn update(store: &Store, ctx: &Ctx, id: i64, draft: &FacilityDraft, expected: Option<Version>) -> xuequ_store::Result<Self> {
        store.update_facility(ctx, id, draft, expected).await
    }
    fn version(&self) -> Version {
        Version(self.updated_at)
    }
    async fn retire(store: &Store, ctx: &Ctx, id: i64, _: NaiveDate) -> xuequ_store::Result<Self> {
        store.retire_facility(ctx, id).await
    }
}

// ---- statistics ----

/// A school's statistics, one entry per school year, newest first.
pub async fn school_stats(app: &App, c: &Caller, school_id: i64) -> Result<Vec<school_stat::Model>> {
    let s = get::<school::Model>(app, c, school_id).await?;
    c.require(Action::Read, Resource::SchoolStats, &s.target())?;
    Ok(app.store.stats_for_school(c.county(), school_id).await?)
}

/// Records (or replaces) a school's statistics for one school year.
pub async fn save_stats(app: &App, c: &Caller, draft: &StatsDraft, expected: Option<Version>) -> Result<school_stat::Model> {
    let school_id = school_id_for(app, c, "school_code", &draft.school_code).await?;
    c.require(Action::Update, Resource::SchoolStats, &Target::school(c.county(), school_id))?;
    Ok(app.store.save_stats(&c.ctx(), draft, expected).await?)
}

/// Every school year's statistics of the county.
pub async fn all_stats(app: &App, c: &Caller) -> Result<Vec<school_stat::Model>> {
    c.require(Action::Read, Resource::SchoolStats, &Target::county(c.county()))?;
    Ok(app.store.all_stats(c.county(), None).await?)
}

// ---- the county at a glance ----

/// Every school of the county, retired ones too (names for pickers and tables).
pub async fn all_schools(app: &App, c: &Caller) -> Result<Vec<school::Model>> {
    c.require(Action::Read, Resource::School, &Target::county(c.county()))?;
    let mut schools = app.store.all_schools(c.county()).await?;
    // Pickers list them as a Chinese reader looks for them: by pinyin.
    schools.sort_by_cached_key(|s| xuequ_search::sort_key(&s.name));
    Ok(schools)
}

pub async fn townships(app: &App, c: &Caller) -> Result<Vec<String>> {
    c.require(Action::Read, Resource::School, &Target::county(c.county()))?;
    Ok(app.store.townships(c.county()).await?)
}

/// The caller's own county (everyone signed in may know where they are).
pub async fn county(app: &App, c: &Caller) -> Result<county::Model> {
    app.store.county(c.county()).await?.ok_or(AppError::NotFound)
}

pub async fn county_summary(app: &App, c: &Caller) -> Result<CountySummary> {
    c.require(Action::Read, Resource::School, &Target::county(c.county()))?;
    Ok(app.store.county_summary(c.county()).await?)
}
