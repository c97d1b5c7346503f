//! Teacher exchange: the county's settings, the schools' exclusions, moves from proposal to
//! return, and mentorship pairs with their meetings.
//!
//! A move's decisions are conditional updates on the status the decider saw, so two people
//! deciding at once cannot both win; proposals are saved all together or not at all.

pub mod entities;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use xuequ_domain::Problem;
use xuequ_domain::exchange::{ExchangeSettings, ExclusionReason, MeetingKind, MentorshipStatus, MoveOrigin, MoveStatus, moves};
use xuequ_domain::{Subject, exchange::Form};

use crate::bookings::{Notice, notify};
use crate::entities::{exchange_exclusion, exchange_move, exchange_settings, mentorship, mentorship_meeting};
use crate::{Ctx, Result, Store, StoreError, audit, is_unique_violation, json};

/// A move to propose.
#[derive(Debug, Clone)]
pub struct NewMove {
    pub teacher_id: i64,
    pub from_school_id: i64,
    pub to_school_id: i64,
    pub form: Form,
    pub subject: Subject,
    pub year: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub load_percent: i32,
    pub weekdays: String,
    pub fills: String,
    pub km: Option<f64>,
    pub origin: MoveOrigin,
}

/// Which moves to list.
#[derive(Debug, Clone, Default)]
pub struct MoveFilter {
    pub year: Option<i32>,
    /// Moves from or to one of these schools (None: the county's).
    pub involving: Option<Vec<i64>>,
    pub statuses: Vec<MoveStatus>,
    pub teacher_id: Option<i64>,
}

/// A decision on a move, as the app worked it out from the rules.
#[derive(Debug, Clone)]
pub struct MoveDecision {
    pub status: MoveStatus,
    /// Set the sending or receiving school's agreement, or the bureau's confirmation, to the
    /// deciding person now.
    pub sending_agreed: bool,
    pub receiving_agreed: bool,
    pub confirmed: bool,
    /// Who said no or took it back, and why.
    pub decided: bool,
    pub reason: String,
    /// For an early end: the teacher is back now.
    pub returned: bool,
}

/// A new mentorship pair.
#[derive(Debug, Clone)]
pub struct NewMentorship {
    pub mentor_id: i64,
    pub mentee_id: i64,
    pub subject: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub goal: String,
}

/// A meeting to record.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub mentorship_id: i64,
    pub held_on: NaiveDate,
    pub minutes: i32,
    pub kind: String,
    pub notes: String,
}

impl Store {
    /// The county's exchange settings (the national defaults until it saves its own).
    pub async fn exchange_settings(&self, county_id: i64) -> Result<ExchangeSettings> {
        let row = exchange_settings::Entity::find_by_id(county_id).one(&self.db).await?;
        Ok(row.and_then(|r| serde_json::from_str(&r.settings).ok()).unwrap_or_default())
    }

    pub async fn save_exchange_settings(&self, ctx: &Ctx, settings: &ExchangeSettings) -> Result<()> {
        let txn = self.write().await?;
        let before = exchange_settings::Entity::find_by_id(ctx.county_id).one(&txn).await?;
        let text = json(settings);
        match &before {
            Some(row) => {
                let mut m: exchange_settings::ActiveModel = row.clone().into();
                m.settings = Set(text.clone());
                m.updated_at = Set(Utc::now());
                m.update(&txn).await?;
            }
            None => {
                exchange_settings::ActiveModel { county_id: Set(ctx.county_id), settings: Set(text.clone()), updated_at: Set(Utc::now()) }
                    .insert(&txn)
                    .await?;
            }
        }
        audit(&txn, ctx, "update", "exchange_settings", Some(ctx.county_id), before.map(|b| b.settings), Some(text)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The teachers schools left out of a school year's rotation.
    pub async fn exclusions(&self, county_id: i64, year: i32) -> Result<Vec<exchange_exclusion::Model>> {
        Ok(exchange_exclusion::Entity::find()
            .filter(exchange_exclusion::Column::CountyId.eq(county_id))
            .filter(exchange_exclusion::Column::Year.eq(year))
            .order_by_asc(exchange_exclusion::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn add_exclusion(
        &self,
        ctx: &Ctx,
        teacher_id: i64,
        school_id: i64,
        year: i32,
        reason: ExclusionReason,
        note: &str,
    ) -> Result<exchange_exclusion::Model> {
        let txn = self.write().await?;
        let saved = exchange_exclusion::ActiveModel {
            county_id: Set(ctx.county_id),
            teacher_id: Set(teacher_id),
            school_id: Set(school_id),
            year: Set(year),
            reason: Set(reason),
            note: Set(note.to_string()),
            created_by: Set(ctx.username.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict(Problem::AlreadyExists { value: format!("{teacher_id}/{year}") })
            } else {
                e.into()
            }
        })?;
        audit(&txn, ctx, "create", "exchange_exclusion", Some(saved.id), None, Some(json(&saved))).await?;
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn exclusion(&self, county_id: i64, id: i64) -> Result<Option<exchange_exclusion::Model>> {
        Ok(exchange_exclusion::Entity::find_by_id(id).filter(exchange_exclusion::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn remove_exclusion(&self, ctx: &Ctx, before: &exchange_exclusion::Model) -> Result<()> {
        let txn = self.write().await?;
        exchange_exclusion::Entity::delete_by_id(before.id)
            .filter(exchange_exclusion::Column::CountyId.eq(ctx.county_id))
            .exec(&txn)
            .await?;
        audit(&txn, ctx, "delete", "exchange_exclusion", Some(before.id), Some(json(before)), None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Saves proposals all together, or none if one of the teachers already has a standing move
    /// in its period (a conflict naming that move). Each school's admins hear of it.
    pub async fn propose_moves(&self, ctx: &Ctx, new: &[NewMove], notices: &[Notice]) -> Result<Vec<exchange_move::Model>> {
        let txn = self.write().await?;
        let standing: Vec<&str> = MoveStatus::ALL.iter().filter(|s| s.standing()).map(|s| s.code()).collect();
        let mut saved = Vec::with_capacity(new.len());
        for m in new {
            let busy = exchange_move::Entity::find()
                .filter(exchange_move::Column::CountyId.eq(ctx.county_id))
                .filter(exchange_move::Column::TeacherId.eq(m.teacher_id))
                .filter(exchange_move::Column::Status.is_in(standing.clone()))
                .filter(exchange_move::Column::StartsOn.lte(m.ends_on))
                .filter(exchange_move::Column::EndsOn.gte(m.starts_on))
                .one(&txn)
                .await?;
            if let Some(other) = busy {
                return Err(StoreError::Conflict(Problem::TeacherBusy { other: format!("#{}", other.id) }));
            }
            let now = Utc::now();
            let row = exchange_move::ActiveModel {
                county_id: Set(ctx.county_id),
                teacher_id: Set(m.teacher_id),
                from_school_id: Set(m.from_school_id),
                to_school_id: Set(m.to_school_id),
                form: Set(m.form),
                subject: Set(m.subject),
                year: Set(m.year),
                starts_on: Set(m.starts_on),
                ends_on: Set(m.ends_on),
                load_percent: Set(m.load_percent),
                weekdays: Set(m.weekdays.clone()),
                fills: Set(m.fills.clone()),
                km: Set(m.km),
                origin: Set(m.origin),
                status: Set(MoveStatus::Proposed),
                proposed_by: Set(ctx.user_id),
                proposed_by_name: Set(ctx.username.clone()),
                sending_agreed_by: Set(None),
                sending_agreed_at: Set(None),
                receiving_agreed_by: Set(None),
                receiving_agreed_at: Set(None),
                confirmed_by: Set(None),
                confirmed_at: Set(None),
                decided_by: Set(None),
                reason: Set(String::new()),
                started_at: Set(None),
                returned_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            audit(&txn, ctx, "create", "exchange_move", Some(row.id), None, Some(json(&row))).await?;
            saved.push(row);
        }
        for n in notices {
            notify(&txn, ctx.county_id, n).await?;
        }
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn exchange_move(&self, county_id: i64, id: i64) -> Result<Option<exchange_move::Model>> {
        Ok(exchange_move::Entity::find_by_id(id).filter(exchange_move::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    /// The moves matching `f`, newest period first.
    pub async fn exchange_moves(&self, county_id: i64, f: &MoveFilter) -> Result<Vec<exchange_move::Model>> {
        let mut q = exchange_move::Entity::find().filter(exchange_move::Column::CountyId.eq(county_id));
        if let Some(year) = f.year {
            q = q.filter(exchange_move::Column::Year.eq(year));
        }
        if let Some(ids) = &f.involving {
            q = q.filter(exchange_move::Column::FromSchoolId.is_in(ids.clone()).or(exchange_move::Column::ToSchoolId.is_in(ids.clone())));
        }
        if !f.statuses.is_empty() {
            q = q.filter(exchange_move::Column::Status.is_in(f.statuses.iter().map(|s| s.code())));
        }
        if let Some(t) = f.teacher_id {
            q = q.filter(exchange_move::Column::TeacherId.eq(t));
        }
        Ok(q.order_by_desc(exchange_move::Column::StartsOn).order_by_desc(exchange_move::Column::Id).all(&self.db).await?)
    }

    /// Records a decision on `before`, if the move is still as the decider saw it (else
    /// `ChangedMeanwhile`), with its audit line and notices, in one transaction.
    pub async fn decide_move(
        &self,
        ctx: &Ctx,
        before: &exchange_move::Model,
        d: &MoveDecision,
        notices: &[Notice],
    ) -> Result<exchange_move::Model> {
        let now = Utc::now();
        let col = |c: &str| Alias::new(c.to_string());
        let mut update = Query::update()
            .table(col("exchange_move"))
            .value(col("status"), d.status.code())
            .value(col("updated_at"), now)
            .and_where(Expr::col(col("id")).eq(before.id))
            .and_where(Expr::col(col("county_id")).eq(ctx.county_id))
            .and_where(Expr::col(col("status")).eq(before.status))
            .to_owned();
        // The agreements the decider saw: a school that agreed meanwhile makes this stale.
        for (column, seen) in [("sending_agreed_at", &before.sending_agreed_at), ("receiving_agreed_at", &before.receiving_agreed_at)] {
            update.and_where(if seen.is_some() { Expr::col(col(column)).is_not_null() } else { Expr::col(col(column)).is_null() });
        }
        if d.sending_agreed {
            update.value(col("sending_agreed_by"), ctx.username.clone()).value(col("sending_agreed_at"), now);
        }
        if d.receiving_agreed {
            update.value(col("receiving_agreed_by"), ctx.username.clone()).value(col("receiving_agreed_at"), now);
        }
        if d.confirmed {
            update.value(col("confirmed_by"), ctx.username.clone()).value(col("confirmed_at"), now);
        }
        if d.decided {
            update.value(col("decided_by"), ctx.username.clone()).value(col("reason"), d.reason.clone());
        }
        if d.returned {
            update.value(col("returned_at"), now);
        }
        let txn = self.write().await?;
        if txn.execute(&update).await?.rows_affected() != 1 {
            return Err(StoreError::Conflict(Problem::ChangedMeanwhile));
        }
        let after = exchange_move::Entity::find_by_id(before.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        audit(&txn, ctx, d.status.code(), "exchange_move", Some(before.id), Some(json(before)), Some(json(&after))).await?;
        for n in notices {
            notify(&txn, ctx.county_id, n).await?;
        }
        txn.commit().await?;
        Ok(after)
    }

    /// Starts the confirmed moves whose start date has come and ends those past their end date,
    /// in every county (or one, with `county_id` non-zero); both schools' admins hear of each.
    /// Returns the moves changed, after the change.
    pub async fn advance_moves(&self, county_id: i64, today: NaiveDate, now: DateTime<Utc>) -> Result<Vec<exchange_move::Model>> {
        let mut q = exchange_move::Entity::find()
            .filter(exchange_move::Column::Status.is_in([MoveStatus::Confirmed.code(), MoveStatus::Active.code()]))
            .filter(exchange_move::Column::StartsOn.lte(today));
        if county_id != 0 {
            q = q.filter(exchange_move::Column::CountyId.eq(county_id));
        }
        let due = q.all(&self.db).await?;
        let mut changed = Vec::new();
        for before in due {
            let status = before.status;
            let after = moves::on_day(status, before.starts_on, before.ends_on, today);
            if after == status {
                continue;
            }
            let txn = self.write().await?;
            let mut m: exchange_move::ActiveModel = before.clone().into();
            m.status = Set(after);
            m.updated_at = Set(now);
            if before.started_at.is_none() {
                m.started_at = Set(Some(now));
            }
            if after == MoveStatus::Returned {
                m.returned_at = Set(Some(now));
            }
            let saved = m.update(&txn).await?;
            let ctx = Ctx { county_id: before.county_id, user_id: None, username: "system".into() };
            audit(&txn, &ctx, after.code(), "exchange_move", Some(before.id), Some(json(&before)), Some(json(&saved))).await?;
            let teacher =
                crate::entities::teacher::Entity::find_by_id(saved.teacher_id).one(&txn).await?.map(|t| t.name).unwrap_or_default();
            let mut user_ids = self.school_admin_ids(saved.county_id, saved.from_school_id).await?;
            user_ids.extend(self.school_admin_ids(saved.county_id, saved.to_school_id).await?);
            let notice = Notice {
                user_ids,
                kind: if after == MoveStatus::Returned { "exchange-returned" } else { "exchange-started" },
                args: serde_json::json!({"teacher": teacher, "on": if after == MoveStatus::Returned { saved.ends_on } else { saved.starts_on }.to_string()}),
                link: format!("/exchange/moves/{}", saved.id),
            };
            notify(&txn, saved.county_id, &notice).await?;
            txn.commit().await?;
            changed.push(saved);
        }
        Ok(changed)
    }

    /// The enabled accounts of a school's admins.
    pub async fn school_admin_ids(&self, county_id: i64, school_id: i64) -> Result<Vec<i64>> {
        self.user_ids_with_role(county_id, xuequ_domain::Role::SchoolAdmin, Some(school_id)).await
    }

    /// The schools that have an enabled school admin account.
    pub async fn school_admin_schools(&self, county_id: i64) -> Result<Vec<i64>> {
        use crate::entities::user;
        let ids: Vec<Option<i64>> = user::Entity::find()
            .select_only()
            .column(user::Column::SchoolId)
            .filter(user::Column::CountyId.eq(county_id))
            .filter(user::Column::Disabled.eq(false))
            .filter(user::Column::Role.eq(xuequ_domain::Role::SchoolAdmin.code()))
            .into_tuple::<Option<i64>>()
            .all(&self.db)
            .await?;
        Ok(ids.into_iter().flatten().collect())
    }

    /// The enabled accounts of the county's bureau admins.
    pub async fn bureau_admin_ids(&self, county_id: i64) -> Result<Vec<i64>> {
        self.user_ids_with_role(county_id, xuequ_domain::Role::BureauAdmin, None).await
    }

    async fn user_ids_with_role(&self, county_id: i64, role: xuequ_domain::Role, school_id: Option<i64>) -> Result<Vec<i64>> {
        use crate::entities::user;
        let mut q = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::CountyId.eq(county_id))
            .filter(user::Column::Disabled.eq(false))
            .filter(user::Column::Role.eq(role.code()));
        if let Some(s) = school_id {
            q = q.filter(user::Column::SchoolId.eq(s));
        }
        Ok(q.into_tuple::<i64>().all(&self.db).await?)
    }

    pub async fn mentorships(&self, county_id: i64) -> Result<Vec<mentorship::Model>> {
        Ok(mentorship::Entity::find()
            .filter(mentorship::Column::CountyId.eq(county_id))
            .order_by_desc(mentorship::Column::StartsOn)
            .order_by_desc(mentorship::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn mentorship(&self, county_id: i64, id: i64) -> Result<Option<mentorship::Model>> {
        Ok(mentorship::Entity::find_by_id(id).filter(mentorship::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn create_mentorship(&self, ctx: &Ctx, m: &NewMentorship) -> Result<mentorship::Model> {
        let subject = coded::<Subject>("subject", &m.subject)?;
        let txn = self.write().await?;
        let now = Utc::now();
        let saved = mentorship::ActiveModel {
            county_id: Set(ctx.county_id),
            mentor_id: Set(m.mentor_id),
            mentee_id: Set(m.mentee_id),
            subject: Set(subject),
            starts_on: Set(m.starts_on),
            ends_on: Set(m.ends_on),
            goal: Set(m.goal.clone()),
            status: Set(MentorshipStatus::Active),
            created_by: Set(ctx.username.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(&txn, ctx, "create", "mentorship", Some(saved.id), None, Some(json(&saved))).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Ends a pair (it stays in the records with its meetings).
    pub async fn end_mentorship(&self, ctx: &Ctx, before: &mentorship::Model) -> Result<mentorship::Model> {
        let txn = self.write().await?;
        let mut m: mentorship::ActiveModel = before.clone().into();
        m.status = Set(MentorshipStatus::Ended);
        m.updated_at = Set(Utc::now());
        let after = m.update(&txn).await?;
        audit(&txn, ctx, "end", "mentorship", Some(before.id), Some(json(before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// The meetings of the county's pairs (of one pair, with `mentorship_id`), newest first.
    pub async fn meetings(&self, county_id: i64, mentorship_id: Option<i64>) -> Result<Vec<mentorship_meeting::Model>> {
        let mut q = mentorship_meeting::Entity::find().filter(mentorship_meeting::Column::CountyId.eq(county_id));
        if let Some(id) = mentorship_id {
            q = q.filter(mentorship_meeting::Column::MentorshipId.eq(id));
        }
        Ok(q.order_by_desc(mentorship_meeting::Column::HeldOn).order_by_desc(mentorship_meeting::Column::Id).all(&self.db).await?)
    }

    pub async fn add_meeting(&self, ctx: &Ctx, m: &NewMeeting) -> Result<mentorship_meeting::Model> {
        let kind = coded::<MeetingKind>("kind", &m.kind)?;
        let txn = self.write().await?;
        let saved = mentorship_meeting::ActiveModel {
            county_id: Set(ctx.county_id),
            mentorship_id: Set(m.mentorship_id),
            held_on: Set(m.held_on),
            minutes: Set(m.minutes),
            kind: Set(kind),
            notes: Set(m.notes.clone()),
            recorded_by: Set(ctx.username.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(&txn, ctx, "create", "mentorship_meeting", Some(saved.id), None, Some(json(&saved))).await?;
        txn.commit().await?;
        Ok(saved)
    }
}

/// The variant of a code the app checked already (a caller that skipped the check gets the
/// field's problem, never a default).
fn coded<T: xuequ_domain::Coded>(field: &'static str, text: &str) -> Result<T> {
    T::from_code(text).ok_or_else(|| {
        StoreError::invalid(field, Problem::UnknownValue { value: text.chars().take(40).collect(), allowed: T::codes().join(", ") })
    })
}
