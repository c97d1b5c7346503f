//! Facility sharing: sharing rules, calendars and bell schedules, bookings that never overlap,
//! and the notification centre that tells people what waits for them.

pub mod entities;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use xuequ_domain::booking::{BellSchedule, BookingStatus, SchoolCalendar, SharingRules, show};
use xuequ_domain::{Problem, Section, Status};

use crate::{Ctx, Result, Store, StoreError, audit, json};
pub use entities::{bell_schedule, booking, facility_rule, feed_token, notification, school_calendar};

/// A request to book one facility for one or more stretches of time (UTC).
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub facility_id: i64,
    pub owner_school_id: i64,
    pub school_id: i64,
    pub requested_by: Option<i64>,
    pub requested_by_name: String,
    pub slots: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    pub status: BookingStatus,
    pub purpose: String,
    pub group_name: String,
    pub attendees: Option<i32>,
}

/// Which bookings a list wants; every field narrows it.
#[derive(Debug, Clone, Default)]
pub struct BookingFilter {
    pub facility_id: Option<i64>,
    /// Booked by this school.
    pub school_id: Option<i64>,
    /// Of a facility this school owns.
    pub owner_school_id: Option<i64>,
    /// Booked by or lent by one of these schools (a person's scope); `None` for the county.
    pub involving: Option<Vec<i64>>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub statuses: Vec<BookingStatus>,
    pub limit: Option<u64>,
}

/// A message to leave in people's notification centres.
pub struct Notice {
    pub user_ids: Vec<i64>,
    pub kind: &'static str,
    pub args: serde_json::Value,
    pub link: String,
}

/// The bookings that hold their slot at `now`: confirmed ones, and requests still within their
/// deadline (`pending_deadline`: made less than three days ago, and not yet begun). A request
/// past it holds nothing even before the sweep marks it expired.
fn holds_slot(now: DateTime<Utc>) -> sea_orm::Condition {
    let made_after = now - chrono::Duration::hours(xuequ_domain::booking::PENDING_HOURS);
    sea_orm::Condition::any().add(booking::Column::Status.eq(BookingStatus::Confirmed)).add(
        sea_orm::Condition::all()
            .add(booking::Column::Status.eq(BookingStatus::Pending))
            .add(booking::Column::CreatedAt.gt(made_after))
            .add(booking::Column::StartsAt.gt(now)),
    )
}

/// No booking lasts longer than a day (the domain's `LONGEST_MINUTES`), so one that overlaps
/// `[from, to)` starts after `from - 1 day`: the bound keeps the search within the index range
/// of a day instead of every earlier booking.
fn earliest_start(from: DateTime<Utc>) -> DateTime<Utc> {
    from - chrono::Duration::minutes(xuequ_domain::booking::rules::LONGEST_MINUTES)
}

impl Store {
    pub async fn facility_rules(&self, county_id: i64, facility_id: i64) -> Result<Option<SharingRules>> {
        let row =
            facility_rule::Entity::find_by_id(facility_id).filter(facility_rule::Column::CountyId.eq(county_id)).one(&self.db).await?;
        Ok(row.and_then(|r| serde_json::from_str(&r.rules).ok()))
    }

    /// The rules of many facilities at once (those without stored rules are absent).
    pub async fn all_facility_rules(&self, county_id: i64) -> Result<std::collections::HashMap<i64, SharingRules>> {
        let rows = facility_rule::Entity::find().filter(facility_rule::Column::CountyId.eq(county_id)).all(&self.db).await?;
        Ok(rows.into_iter().filter_map(|r| Some((r.facility_id, serde_json::from_str(&r.rules).ok()?))).collect())
    }

    pub async fn save_facility_rules(&self, ctx: &Ctx, facility_id: i64, rules: &SharingRules) -> Result<()> {
        let txn = self.write().await?;
        let before = facility_rule::Entity::find_by_id(facility_id).one(&txn).await?;
        let text = json(rules);
        match &before {
            Some(row) if row.county_id != ctx.county_id => return Err(StoreError::NotFound),
            Some(row) => {
                let mut active = row.clone().into_active_model();
                active.rules = Set(text.clone());
                active.updated_at = Set(Utc::now());
                active.update(&txn).await?;
            }
            None => {
                facility_rule::ActiveModel {
                    facility_id: Set(facility_id),
                    county_id: Set(ctx.county_id),
                    rules: Set(text.clone()),
                    updated_at: Set(Utc::now()),
                }
                .insert(&txn)
                .await?;
            }
        }
        audit(&txn, ctx, "update", "facility_rule", Some(facility_id), before.map(|r| r.rules), Some(text)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The calendar a school lives by: the county's terms and closures of every year, with the
    /// school's own closed days added.
    pub async fn calendar(&self, county_id: i64, school_id: i64) -> Result<SchoolCalendar> {
        let rows = school_calendar::Entity::find()
            .filter(school_calendar::Column::CountyId.eq(county_id))
            .filter(school_calendar::Column::SchoolId.is_null().or(school_calendar::Column::SchoolId.eq(school_id)))
            .all(&self.db)
            .await?;
        let mut merged = SchoolCalendar::default();
        for row in rows {
            let Ok(c) = serde_json::from_str::<SchoolCalendar>(&row.calendar) else { continue };
            if row.school_id.is_none() {
                merged.terms.extend(c.terms);
            }
            merged.closures.extend(c.closures);
        }
        merged.terms.sort();
        Ok(merged)
    }

    /// The stored calendar of one school year: the county's (`school_id` none) or a school's.
    pub async fn stored_calendar(&self, county_id: i64, school_id: Option<i64>, year: i32) -> Result<Option<SchoolCalendar>> {
        let row = school_calendar::Entity::find()
            .filter(school_calendar::Column::CountyId.eq(county_id))
            .filter(match school_id {
                Some(id) => school_calendar::Column::SchoolId.eq(id),
                None => school_calendar::Column::SchoolId.is_null(),
            })
            .filter(school_calendar::Column::Year.eq(year))
            .one(&self.db)
            .await?;
        Ok(row.and_then(|r| serde_json::from_str(&r.calendar).ok()))
    }

    pub async fn save_calendar(&self, ctx: &Ctx, school_id: Option<i64>, year: i32, calendar: &SchoolCalendar) -> Result<()> {
        let txn = self.write().await?;
        let existing = school_calendar::Entity::find()
            .filter(school_calendar::Column::CountyId.eq(ctx.county_id))
            .filter(match school_id {
                Some(id) => school_calendar::Column::SchoolId.eq(id),
                None => school_calendar::Column::SchoolId.is_null(),
            })
            .filter(school_calendar::Column::Year.eq(year))
            .one(&txn)
            .await?;
        let text = json(calendar);
        let id = match existing.clone() {
            Some(row) => {
                let mut active = row.into_active_model();
                active.calendar = Set(text.clone());
                active.updated_at = Set(Utc::now());
                active.update(&txn).await?.id
            }
            None => {
                school_calendar::ActiveModel {
                    county_id: Set(ctx.county_id),
                    school_id: Set(school_id),
                    year: Set(year),
                    calendar: Set(text.clone()),
                    updated_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        audit(&txn, ctx, "update", "school_calendar", Some(id), existing.map(|r| r.calendar), Some(text)).await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn bell_schedule(&self, county_id: i64, school_id: i64, section: &str) -> Result<Option<BellSchedule>> {
        let row = bell_schedule::Entity::find()
            .filter(bell_schedule::Column::CountyId.eq(county_id))
            .filter(bell_schedule::Column::SchoolId.eq(school_id))
            .filter(bell_schedule::Column::Section.eq(section))
            .one(&self.db)
            .await?;
        Ok(row.and_then(|r| serde_json::from_str(&r.periods).ok()))
    }

    pub async fn save_bell_schedule(&self, ctx: &Ctx, school_id: i64, section: Section, schedule: &BellSchedule) -> Result<()> {
        let txn = self.write().await?;
        let existing = bell_schedule::Entity::find()
            .filter(bell_schedule::Column::CountyId.eq(ctx.county_id))
            .filter(bell_schedule::Column::SchoolId.eq(school_id))
            .filter(bell_schedule::Column::Section.eq(section))
            .one(&txn)
            .await?;
        let text = json(schedule);
        let id = match existing.clone() {
            Some(row) => {
                let mut active = row.into_active_model();
                active.periods = Set(text.clone());
                active.updated_at = Set(Utc::now());
                active.update(&txn).await?.id
            }
            None => {
                bell_schedule::ActiveModel {
                    county_id: Set(ctx.county_id),
                    school_id: Set(school_id),
                    section: Set(section),
                    periods: Set(text.clone()),
                    updated_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        audit(&txn, ctx, "update", "bell_schedule", Some(id), existing.map(|r| r.periods), Some(text)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Bookings that hold a slot of `facility_id` overlapping `[from, to)`.
    pub async fn holding(&self, county_id: i64, facility_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<booking::Model>> {
        holding_on(&self.db, county_id, facility_id, from, to).await
    }

    /// Saves a request — one booking per slot, a repeat as a series — if no slot collides with a
    /// booking that holds it. The facility's row is locked first (PostgreSQL: that row; SQLite:
    /// the database for writing), so two requests for one slot are decided one after the other:
    /// exactly one is saved, the other gets the collision naming the booking it met.
    pub async fn create_bookings(&self, ctx: &Ctx, new: &NewBooking) -> Result<Vec<booking::Model>> {
        let txn = self.write().await?;
        let lock = Query::update()
            .table(Alias::new("facility"))
            .value(Alias::new("updated_at"), Expr::col(Alias::new("updated_at")))
            .and_where(Expr::col(Alias::new("id")).eq(new.facility_id))
            .and_where(Expr::col(Alias::new("county_id")).eq(ctx.county_id))
            .to_owned();
        if txn.execute(&lock).await?.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // A request past its deadline no longer holds its slot; on PostgreSQL the exclusion
        // constraint would still see it, so those in the way expire here, under the lock.
        let span = new.slots.iter().map(|s| s.0).min().zip(new.slots.iter().map(|s| s.1).max());
        expire_overdue_on(&txn, ctx.county_id, Some(new.facility_id), span, Utc::now()).await?;
        for (from, to) in &new.slots {
            if let Some(other) = holding_on(&txn, ctx.county_id, new.facility_id, *from, *to).await?.into_iter().next() {
                let school =
                    crate::entities::school::Entity::find_by_id(other.school_id).one(&txn).await?.map(|s| s.name).unwrap_or_default();
                return Err(StoreError::Conflict(collision(&other, &school)));
            }
        }
        let now = Utc::now();
        let mut saved: Vec<booking::Model> = Vec::with_capacity(new.slots.len());
        for (from, to) in &new.slots {
            let row = booking::ActiveModel {
                county_id: Set(ctx.county_id),
                facility_id: Set(new.facility_id),
                owner_school_id: Set(new.owner_school_id),
                school_id: Set(new.school_id),
                requested_by: Set(new.requested_by),
                requested_by_name: Set(new.requested_by_name.clone()),
                series_id: Set(saved.first().map(|b| b.id)),
                starts_at: Set(*from),
                ends_at: Set(*to),
                status: Set(new.status),
                purpose: Set(new.purpose.clone()),
                group_name: Set(new.group_name.clone()),
                attendees: Set(new.attendees),
                decided_by: Set(None),
                decided_at: Set(None),
                reason: Set(String::new()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(overlap_refused)?;
            saved.push(row);
        }
        let series = saved.len() > 1;
        if let Some(first) = saved.first_mut().filter(|_| series) {
            // The first of a series names itself, so that the whole series is one query.
            let mut active = first.clone().into_active_model();
            active.series_id = Set(Some(first.id));
            *first = active.update(&txn).await?;
        }
        let after = serde_json::json!({"facility_id": new.facility_id, "dates": saved.len(), "first": saved.first().map(|b| b.id)});
        audit(&txn, ctx, "create", "booking", saved.first().map(|b| b.id), None, Some(after.to_string())).await?;
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn booking(&self, county_id: i64, id: i64) -> Result<Option<booking::Model>> {
        Ok(booking::Entity::find_by_id(id).filter(booking::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn bookings(&self, county_id: i64, f: &BookingFilter) -> Result<Vec<booking::Model>> {
        let mut q = booking::Entity::find().filter(booking::Column::CountyId.eq(county_id));
        if let Some(id) = f.facility_id {
            q = q.filter(booking::Column::FacilityId.eq(id));
        }
        if let Some(id) = f.school_id {
            q = q.filter(booking::Column::SchoolId.eq(id));
        }
        if let Some(id) = f.owner_school_id {
            q = q.filter(booking::Column::OwnerSchoolId.eq(id));
        }
        if let Some(ids) = &f.involving {
            q = q.filter(booking::Column::SchoolId.is_in(ids.clone()).or(booking::Column::OwnerSchoolId.is_in(ids.clone())));
        }
        if let Some(from) = f.from {
            q = q.filter(booking::Column::EndsAt.gt(from));
        }
        if let Some(to) = f.to {
            q = q.filter(booking::Column::StartsAt.lt(to));
        }
        if !f.statuses.is_empty() {
            q = q.filter(booking::Column::Status.is_in(f.statuses.iter().map(|s| s.code())));
        }
        if let Some(limit) = f.limit {
            q = q.limit(limit);
        }
        Ok(q.order_by_asc(booking::Column::StartsAt).order_by_asc(booking::Column::Id).all(&self.db).await?)
    }

    /// Moves a booking from one of `from` to `to` (approve, decline, cancel) and leaves the
    /// notices in one transaction. A booking no longer in one of `from` is a conflict naming its
    /// state (someone decided first).
    pub async fn decide_booking(
        &self,
        ctx: &Ctx,
        id: i64,
        from: &[BookingStatus],
        to: BookingStatus,
        reason: &str,
        notice: Option<Notice>,
    ) -> Result<booking::Model> {
        let txn = self.write().await?;
        let Some(before) = booking::Entity::find_by_id(id).filter(booking::Column::CountyId.eq(ctx.county_id)).one(&txn).await? else {
            return Err(StoreError::NotFound);
        };
        let update = Query::update()
            .table(Alias::new("booking"))
            .value(Alias::new("status"), to.code())
            .value(Alias::new("reason"), reason.to_string())
            .value(Alias::new("decided_by"), ctx.username.clone())
            .value(Alias::new("decided_at"), Utc::now())
            .value(Alias::new("updated_at"), Utc::now())
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .and_where(Expr::col(Alias::new("status")).is_in(from.iter().map(|s| s.code())))
            .to_owned();
        if txn.execute(&update).await?.rows_affected() == 0 {
            return Err(StoreError::Conflict(Problem::UnknownValue { value: before.status.code().to_string(), allowed: codes(from) }));
        }
        let after = booking::Entity::find_by_id(id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        if let Some(n) = notice {
            notify(&txn, ctx.county_id, &n).await?;
        }
        audit(&txn, ctx, to.code(), "booking", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Minutes `school_id` holds of `facility_id` in `[from, to)`, for the weekly quota.
    pub async fn minutes_held(
        &self,
        county_id: i64,
        facility_id: i64,
        school_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64> {
        let rows = booking::Entity::find()
            .filter(booking::Column::CountyId.eq(county_id))
            .filter(booking::Column::FacilityId.eq(facility_id))
            .filter(booking::Column::SchoolId.eq(school_id))
            .filter(holds_slot(Utc::now()))
            .filter(booking::Column::StartsAt.lt(to))
            .filter(booking::Column::StartsAt.gt(earliest_start(from)))
            .filter(booking::Column::EndsAt.gt(from))
            .all(&self.db)
            .await?;
        Ok(rows.iter().map(|b| (b.ends_at - b.starts_at).num_minutes()).sum())
    }

    /// The county's active facilities.
    pub async fn active_facilities(&self, county_id: i64) -> Result<Vec<crate::entities::facility::Model>> {
        use crate::entities::facility;
        Ok(facility::Entity::find()
            .filter(facility::Column::CountyId.eq(county_id))
            .filter(facility::Column::Status.eq(Status::Active))
            .order_by_asc(facility::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Every booking of the county that holds a slot overlapping `[from, to)`.
    pub async fn holding_in_county(&self, county_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<booking::Model>> {
        Ok(booking::Entity::find()
            .filter(booking::Column::CountyId.eq(county_id))
            .filter(holds_slot(Utc::now()))
            .filter(booking::Column::StartsAt.lt(to))
            .filter(booking::Column::StartsAt.gt(earliest_start(from)))
            .filter(booking::Column::EndsAt.gt(from))
            .all(&self.db)
            .await?)
    }

    /// A number that changes whenever what "what is free" reads besides bookings changes: the
    /// county's facilities, their rules, its calendars, schools and clusters (membership
    /// included). Every such write leaves an audit entry of its kind in the same transaction, so
    /// the newest entry of each kind is a version of it: one statement of index seeks
    /// (`ix_audit_entity_version`). Bookings do not move it, so the rest can be kept in memory.
    pub async fn sharing_version(&self, county_id: i64) -> Result<i64> {
        const KINDS: [&str; 6] = ["facility", "facility_rule", "school_calendar", "school", "cluster", "plan"];
        // Each row names its kind, since UNION ALL promises no order.
        let newest = |i: usize| {
            Query::select()
                .expr(Expr::val(i as i64))
                .expr(Expr::col(Alias::new("id")).max())
                .from(Alias::new("audit_log"))
                .and_where(Expr::col(Alias::new("county_id")).eq(county_id))
                .and_where(Expr::col(Alias::new("entity")).eq(KINDS[i]))
                .to_owned()
        };
        let mut query = newest(0);
        for i in 1..KINDS.len() {
            query.union(sea_orm::sea_query::UnionType::All, newest(i));
        }
        let mut version = 0i64;
        for row in self.db.query_all(&query).await? {
            let (i, newest): (i64, Option<i64>) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
            version ^= newest.unwrap_or(0).rotate_left(9 * i as u32 + 5);
        }
        Ok(version)
    }

    /// The bookings that hold a slot overlapping `[from, to)` in the county, as
    /// `(booking, facility, school, status)`: only what "what is free" shows.
    pub async fn holders_in_county(&self, county_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<(i64, i64, i64, String)>> {
        Ok(booking::Entity::find()
            .select_only()
            .columns([booking::Column::Id, booking::Column::FacilityId, booking::Column::SchoolId, booking::Column::Status])
            .filter(booking::Column::CountyId.eq(county_id))
            .filter(holds_slot(Utc::now()))
            .filter(booking::Column::StartsAt.lt(to))
            .filter(booking::Column::StartsAt.gt(earliest_start(from)))
            .filter(booking::Column::EndsAt.gt(from))
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// The county's calendar rows in one query: the merged calendar of every school that has
    /// closed days of its own, and the county's for the others.
    pub async fn calendars(&self, county_id: i64) -> Result<(SchoolCalendar, std::collections::HashMap<i64, SchoolCalendar>)> {
        let rows = school_calendar::Entity::find().filter(school_calendar::Column::CountyId.eq(county_id)).all(&self.db).await?;
        let mut county = SchoolCalendar::default();
        let mut own: std::collections::HashMap<i64, Vec<xuequ_domain::booking::Closure>> = Default::default();
        for row in rows {
            let Ok(c) = serde_json::from_str::<SchoolCalendar>(&row.calendar) else { continue };
            match row.school_id {
                None => {
                    county.terms.extend(c.terms);
                    county.closures.extend(c.closures);
                }
                Some(s) => own.entry(s).or_default().extend(c.closures),
            }
        }
        county.terms.sort();
        let schools = own
            .into_iter()
            .map(|(s, closures)| {
                let mut c = county.clone();
                c.closures.extend(closures);
                (s, c)
            })
            .collect();
        Ok((county, schools))
    }

    /// The accounts that decide a school's bookings: its school admins and the heads of the
    /// clusters it belongs to today (enabled accounts).
    pub async fn decider_ids(&self, county_id: i64, school_id: i64) -> Result<Vec<i64>> {
        use crate::entities::user;
        use xuequ_domain::Role;
        let clusters: Vec<i64> = self.clusters_of_school(county_id, school_id).await?.into_iter().map(|c| c.cluster.id).collect();
        Ok(user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::CountyId.eq(county_id))
            .filter(user::Column::Disabled.eq(false))
            .filter(
                (user::Column::Role.eq(Role::SchoolAdmin).and(user::Column::SchoolId.eq(school_id)))
                    .or(user::Column::Role.eq(Role::ClusterHead).and(user::Column::ClusterId.is_in(clusters))),
            )
            .into_tuple::<i64>()
            .all(&self.db)
            .await?)
    }

    /// A new feed address for a person (or one facility); the token is returned once.
    pub async fn create_feed(&self, ctx: &Ctx, user_id: i64, facility_id: Option<i64>) -> Result<(feed_token::Model, String)> {
        let token = crate::accounts::random_token();
        let saved = feed_token::ActiveModel {
            county_id: Set(ctx.county_id),
            user_id: Set(user_id),
            facility_id: Set(facility_id),
            token_hash: Set(crate::accounts::token_hash(&token)),
            created_at: Set(Utc::now()),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok((saved, token))
    }

    /// A person's feeds, revoked ones included.
    pub async fn feeds(&self, county_id: i64, user_id: i64) -> Result<Vec<feed_token::Model>> {
        Ok(feed_token::Entity::find()
            .filter(feed_token::Column::CountyId.eq(county_id))
            .filter(feed_token::Column::UserId.eq(user_id))
            .order_by_asc(feed_token::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// The live feed of a token, if it was not revoked.
    pub async fn feed_by_token(&self, token: &str) -> Result<Option<feed_token::Model>> {
        Ok(feed_token::Entity::find()
            .filter(feed_token::Column::TokenHash.eq(crate::accounts::token_hash(token)))
            .filter(feed_token::Column::RevokedAt.is_null())
            .one(&self.db)
            .await?)
    }

    /// Revokes one of a person's feeds; false when they have no such live feed.
    pub async fn revoke_feed(&self, county_id: i64, user_id: i64, id: i64) -> Result<bool> {
        let update = Query::update()
            .table(Alias::new("feed_token"))
            .value(Alias::new("revoked_at"), Utc::now())
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .and_where(Expr::col(Alias::new("county_id")).eq(county_id))
            .and_where(Expr::col(Alias::new("user_id")).eq(user_id))
            .and_where(Expr::col(Alias::new("revoked_at")).is_null())
            .to_owned();
        Ok(self.db.execute(&update).await?.rows_affected() == 1)
    }

    /// Lets every request past its deadline (see `pending_deadline`) expire, in every county,
    /// and tells each requester once per series. Returns how many requests expired.
    pub async fn expire_overdue(&self, now: DateTime<Utc>) -> Result<usize> {
        let txn = self.write().await?;
        let n = expire_overdue_on(&txn, 0, None, None, now).await?;
        txn.commit().await?;
        Ok(n)
    }

    /// Leaves a message in people's notification centres.
    pub async fn notify(&self, county_id: i64, notice: &Notice) -> Result<()> {
        notify(&self.db, county_id, notice).await
    }

    /// A person's newest messages.
    pub async fn notifications(&self, county_id: i64, user_id: i64, limit: u64) -> Result<Vec<notification::Model>> {
        Ok(notification::Entity::find()
            .filter(notification::Column::CountyId.eq(county_id))
            .filter(notification::Column::UserId.eq(user_id))
            .order_by_desc(notification::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    pub async fn unread_count(&self, county_id: i64, user_id: i64) -> Result<u64> {
        Ok(notification::Entity::find()
            .filter(notification::Column::CountyId.eq(county_id))
            .filter(notification::Column::UserId.eq(user_id))
            .filter(notification::Column::ReadAt.is_null())
            .count(&self.db)
            .await?)
    }

    /// Marks done, for everyone, the messages of `kinds` about `link` that asked someone to
    /// decide something that has now been decided (or, with `user_ids`, only theirs): a request
    /// handled by one admin no longer says "待你审批" to the others. Returns how many.
    pub async fn settle_notices(&self, county_id: i64, kinds: &[&str], link: &str, user_ids: Option<&[i64]>) -> Result<u64> {
        let mut update = Query::update()
            .table(Alias::new("notification"))
            .value(Alias::new("read_at"), Utc::now())
            .and_where(Expr::col(Alias::new("county_id")).eq(county_id))
            .and_where(Expr::col(Alias::new("kind")).is_in(kinds.iter().map(|k| k.to_string())))
            .and_where(Expr::col(Alias::new("link")).eq(link))
            .and_where(Expr::col(Alias::new("read_at")).is_null())
            .to_owned();
        if let Some(ids) = user_ids {
            update.and_where(Expr::col(Alias::new("user_id")).is_in(ids.iter().copied()));
        }
        Ok(self.db.execute(&update).await?.rows_affected())
    }

    /// Marks a person's message read (or all of them, with no id); only their own.
    pub async fn mark_read(&self, county_id: i64, user_id: i64, id: Option<i64>) -> Result<u64> {
        let mut update = Query::update()
            .table(Alias::new("notification"))
            .value(Alias::new("read_at"), Utc::now())
            .and_where(Expr::col(Alias::new("county_id")).eq(county_id))
            .and_where(Expr::col(Alias::new("user_id")).eq(user_id))
            .and_where(Expr::col(Alias::new("read_at")).is_null())
            .to_owned();
        if let Some(id) = id {
            update.and_where(Expr::col(Alias::new("id")).eq(id));
        }
        Ok(self.db.execute(&update).await?.rows_affected())
    }
}

async fn holding_on<C: ConnectionTrait>(
    conn: &C,
    county_id: i64,
    facility_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<booking::Model>> {
    Ok(booking::Entity::find()
        .filter(booking::Column::CountyId.eq(county_id))
        .filter(booking::Column::FacilityId.eq(facility_id))
        .filter(holds_slot(Utc::now()))
        .filter(booking::Column::StartsAt.lt(to))
        .filter(booking::Column::StartsAt.gt(earliest_start(from)))
        .filter(booking::Column::EndsAt.gt(from))
        .order_by_asc(booking::Column::StartsAt)
        .all(conn)
        .await?)
}

/// Expires the requests of one county's facility (or, with `county_id` 0 and no facility, of
/// every county), overlapping `span` if given, whose deadline has passed: three days after they were made, or their start.
/// Each requester hears of it once per series; the audit log keeps one line per series.
async fn expire_overdue_on<C: ConnectionTrait>(
    conn: &C,
    county_id: i64,
    facility_id: Option<i64>,
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let made_before = now - chrono::Duration::hours(xuequ_domain::booking::PENDING_HOURS);
    let mut q = booking::Entity::find()
        .filter(booking::Column::Status.eq(BookingStatus::Pending))
        .filter(booking::Column::CreatedAt.lte(made_before).or(booking::Column::StartsAt.lte(now)));
    // One facility (already checked to be the county's): only its index fits, so the search
    // stays within its bookings of the span rather than the county's of those days.
    match facility_id {
        Some(f) => q = q.filter(booking::Column::FacilityId.eq(f)),
        None if county_id != 0 => q = q.filter(booking::Column::CountyId.eq(county_id)),
        None => {}
    }
    // Only those overlapping the span (within the index range of a day before it).
    if let Some((from, to)) = span {
        q = q
            .filter(booking::Column::StartsAt.lt(to))
            .filter(booking::Column::StartsAt.gt(earliest_start(from)))
            .filter(booking::Column::EndsAt.gt(from));
    }
    let overdue = q.order_by_asc(booking::Column::StartsAt).all(conn).await?;
    if overdue.is_empty() {
        return Ok(0);
    }
    let update = Query::update()
        .table(Alias::new("booking"))
        .value(Alias::new("status"), BookingStatus::Expired.code())
        .value(Alias::new("decided_at"), now)
        .value(Alias::new("updated_at"), now)
        .and_where(Expr::col(Alias::new("id")).is_in(overdue.iter().map(|b| b.id)))
        .and_where(Expr::col(Alias::new("status")).eq(BookingStatus::Pending))
        .to_owned();
    conn.execute(&update).await?;
    // Expired requests wait for nobody: their "待你审批" messages are done.
    let settle = Query::update()
        .table(Alias::new("notification"))
        .value(Alias::new("read_at"), now)
        .and_where(Expr::col(Alias::new("kind")).eq("booking-requested"))
        .and_where(Expr::col(Alias::new("link")).is_in(overdue.iter().map(|b| format!("/bookings/{}", b.id))))
        .and_where(Expr::col(Alias::new("read_at")).is_null())
        .to_owned();
    conn.execute(&settle).await?;
    let mut series: std::collections::BTreeMap<i64, Vec<&booking::Model>> = Default::default();
    for b in &overdue {
        series.entry(b.series_id.unwrap_or(b.id)).or_default().push(b);
    }
    for dates in series.values() {
        let first = dates[0];
        let facility =
            crate::entities::facility::Entity::find_by_id(first.facility_id).one(conn).await?.map(|f| f.name).unwrap_or_default();
        let notice = Notice {
            user_ids: first.requested_by.into_iter().collect(),
            kind: "booking-expired",
            args: serde_json::json!({"facility": facility, "when": show(first.starts_at), "count": dates.len()}),
            link: format!("/bookings/{}", first.id),
        };
        notify(conn, first.county_id, &notice).await?;
        let ctx = Ctx { county_id: first.county_id, user_id: None, username: "system".into() };
        let after = serde_json::json!({"status": BookingStatus::Expired.code(), "dates": dates.len()});
        audit(conn, &ctx, "expire", "booking", Some(first.id), None, Some(after.to_string())).await?;
    }
    Ok(overdue.len())
}

pub(crate) async fn notify<C: ConnectionTrait>(conn: &C, county_id: i64, n: &Notice) -> Result<()> {
    for user_id in &n.user_ids {
        notification::ActiveModel {
            county_id: Set(county_id),
            user_id: Set(*user_id),
            kind: Set(n.kind.to_string()),
            args: Set(n.args.to_string()),
            link: Set(n.link.clone()),
            created_at: Set(Utc::now()),
            read_at: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// The collision with `other`, as a person reads it: who holds the room, for what, when (local
/// times), not a booking number.
pub fn collision(other: &booking::Model, school: &str) -> Problem {
    let end = show(other.ends_at);
    let purpose = other.purpose.trim();
    let holder = if purpose.is_empty() { school.to_string() } else { format!("{school}（{purpose}）") };
    Problem::Collides { booking: holder, start: show(other.starts_at), end: end.get(11..).unwrap_or(&end).to_string() }
}

/// PostgreSQL's exclusion constraint refusing an overlap that got past the lock (it cannot, but
/// the schema is the last word): a conflict, not a server error.
fn overlap_refused(err: sea_orm::DbErr) -> StoreError {
    if err.to_string().contains("booking_no_overlap") {
        StoreError::Conflict(Problem::Collides { booking: "?".into(), start: String::new(), end: String::new() })
    } else {
        StoreError::Db(err)
    }
}

fn codes(statuses: &[BookingStatus]) -> String {
    statuses.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ")
}
