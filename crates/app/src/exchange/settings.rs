//! What the county sets for teacher exchange (the bureau's), and which due teachers each school
//! leaves out of a year's rotation, with the reason (the school's).

use xuequ_domain::Problem;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::exchange::{ExchangeSettings, ExclusionReason};
use xuequ_store::entities::exchange_exclusion;

use crate::{App, AppError, Caller, Result};

pub async fn get(app: &App, c: &Caller) -> Result<ExchangeSettings> {
    c.require(Action::Read, Resource::Exchange, &Target::county(c.county()))?;
    Ok(app.store.exchange_settings(c.county()).await?)
}

/// Saves the county's settings (the bureau only), after checking every number.
pub async fn save(app: &App, c: &Caller, settings: &ExchangeSettings) -> Result<()> {
    c.require(Action::Update, Resource::Exchange, &Target::county(c.county()))?;
    settings.check().map_err(|(field, problem)| AppError::invalid(field, problem))?;
    let schools = app.store.all_schools(c.county()).await?;
    if let Some(bad) = settings.extra_sending.iter().find(|id| !schools.iter().any(|s| s.id == **id)) {
        return Err(AppError::invalid("extra_sending", Problem::NoSuchSchool { value: bad.to_string() }));
    }
    Ok(app.store.save_exchange_settings(&c.ctx(), settings).await?)
}

/// The exclusions of a school year at the schools the caller sees.
pub async fn exclusions(app: &App, c: &Caller, year: i32) -> Result<Vec<exchange_exclusion::Model>> {
    c.require(Action::Read, Resource::Exchange, &Target::county(c.county()))?;
    super::year_start(year)?;
    let visible = c.visibility(Resource::Exchange);
    Ok(app.store.exclusions(c.county(), year).await?.into_iter().filter(|e| visible.includes(e.school_id)).collect())
}

/// Leaves a teacher out of a year's rotation (their school's admin, its cluster's head, the
/// bureau), with a reason and a note.
pub async fn exclude(app: &App, c: &Caller, teacher_id: i64, year: i32, reason: &str, note: &str) -> Result<exchange_exclusion::Model> {
    let county = c.county();
    c.require(Action::Read, Resource::Exchange, &Target::county(county))?;
    super::year_start(year)?;
    let teacher = app.store.teacher(county, teacher_id).await?.ok_or(AppError::NotFound)?;
    if !c.can(Action::Read, Resource::Exchange, &Target::school(county, teacher.school_id)) {
        return Err(AppError::NotFound);
    }
    c.require(Action::Update, Resource::Exchange, &Target::school(county, teacher.school_id))?;
    let reason = ExclusionReason::parse(reason).ok_or_else(|| {
        AppError::invalid(
            "reason",
            Problem::UnknownValue {
                value: reason.chars().take(40).collect(),
                allowed: ExclusionReason::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", "),
            },
        )
    })?;
    let note = note.trim();
    if note.chars().count() > 200 {
        return Err(AppError::invalid("note", Problem::TooLong { max: 200 }));
    }
    if reason == ExclusionReason::Other && note.is_empty() {
        return Err(AppError::invalid("note", Problem::Required));
    }
    Ok(app.store.add_exclusion(&c.ctx(), teacher.id, teacher.school_id, year, reason, note).await?)
}

/// Takes an exclusion back: the teacher is due again.
pub async fn include(app: &App, c: &Caller, id: i64) -> Result<()> {
    let county = c.county();
    c.require(Action::Read, Resource::Exchange, &Target::county(county))?;
    let e = app.store.exclusion(county, id).await?.ok_or(AppError::NotFound)?;
    if !c.can(Action::Read, Resource::Exchange, &Target::school(county, e.school_id)) {
        return Err(AppError::NotFound);
    }
    c.require(Action::Update, Resource::Exchange, &Target::school(county, e.school_id))?;
    Ok(app.store.remove_exclusion(&c.ctx(), &e).await?)
}
