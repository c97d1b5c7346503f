//! Activities, their invitations, attendance and reviews, and the training hours they and
//! courses elsewhere give.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::HashMap;
use xuequ_domain::Problem;
use xuequ_domain::activity::hours::Category;
use xuequ_domain::activity::{ActivityKind, ActivityStatus, AttendeeOrigin, CheckIn};

use crate::entities::{activity, activity_attendee, activity_invite, activity_review, checkin_failure, training_record};
use crate::{Ctx, Result, Store, StoreError, audit, is_unique_violation, json};

/// What describes an activity (checked by the app before it gets here).
#[derive(Debug, Clone)]
pub struct ActivityFields {
    pub cluster_id: Option<i64>,
    pub kind: ActivityKind,
    pub title: String,
    pub description: String,
    pub host_school_id: i64,
    pub place: String,
    pub facility_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub subject: String,
    pub grade: i32,
    pub capacity: Option<i32>,
    pub signup_deadline: Option<DateTime<Utc>>,
    /// Tenths of an hour credited for attending.
    pub credit: i32,
    /// Invited schools beyond the cluster's.
    pub invited: Vec<i64>,
}

/// Which activities to list: those of the county that overlap `[from, to)`.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub kind: Option<String>,
    pub limit: Option<u64>,
}

/// Who is to be put on an activity's list, and how they came.
#[derive(Debug, Clone)]
pub struct Going {
    pub teacher_id: i64,
    pub school_id: i64,
    pub origin: AttendeeOrigin,
}

/// An attended activity as training hours see it.
#[derive(Debug, Clone)]
pub struct Attended {
    pub teacher_id: i64,
    pub school_id: i64,
    pub activity_id: i64,
    pub kind: ActivityKind,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub credit: i32,
}

/// Attendance as recorded elsewhere (a sheet, the demo): who, and when they came if they did.
#[derive(Debug, Clone)]
pub struct Attendance {
    pub going: Going,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// `code` or `hand` when they came.
    pub how: CheckIn,
    pub credit: i32,
}

/// A course or training elsewhere, entered by the school.
#[derive(Debug, Clone)]
pub struct NewTraining {
    pub teacher_id: i64,
    pub school_id: i64,
    pub category: Category,
    pub title: String,
    pub provider: String,
    pub on_date: NaiveDate,
    pub hours: i32,
}

fn set_fields(m: &mut activity::ActiveModel, f: &ActivityFields) {
    m.cluster_id = Set(f.cluster_id);
    m.kind = Set(f.kind);
    m.title = Set(f.title.clone());
    m.description = Set(f.description.clone());
    m.host_school_id = Set(f.host_school_id);
    m.place = Set(f.place.clone());
    m.facility_id = Set(f.facility_id);
    m.booking_id = Set(f.booking_id);
    m.starts_at = Set(f.starts_at);
    m.ends_at = Set(f.ends_at);
    m.subject = Set(f.subject.clone());
    m.grade = Set(f.grade);
    m.capacity = Set(f.capacity);
    m.signup_deadline = Set(f.signup_deadline);
    m.credit = Set(f.credit);
}

async fn set_invites<C: ConnectionTrait>(conn: &C, county_id: i64, activity_id: i64, schools: &[i64]) -> Result<()> {
    activity_invite::Entity::delete_many().filter(activity_invite::Column::ActivityId.eq(activity_id)).exec(conn).await?;
    let mut schools = schools.to_vec();
    schools.sort_unstable();
    schools.dedup();
    for school_id in schools {
        activity_invite::ActiveModel {
            county_id: Set(county_id),
            activity_id: Set(activity_id),
            school_id: Set(school_id),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Saves a new activity with its invitations; `secret` keys its check-in codes.
    pub async fn create_activity(
        &self,
        ctx: &Ctx,
        fields: &ActivityFields,
        organiser_name: &str,
        secret: &str,
        created_at: DateTime<Utc>,
    ) -> Result<activity::Model> {
        let txn = self.write().await?;
        let mut m = activity::ActiveModel {
            county_id: Set(ctx.county_id),
            secret: Set(secret.to_string()),
            organiser_id: Set(ctx.user_id.ok_or(StoreError::NotFound)?),
            organiser_name: Set(organiser_name.to_string()),
            status: Set(ActivityStatus::Scheduled),
            status_reason: Set(String::new()),
            summary: Set(String::new()),
            summary_by: Set(String::new()),
            summary_at: Set(None),
            revision: Set(1),
            created_at: Set(created_at),
            updated_at: Set(created_at),
            ..Default::default()
        };
        set_fields(&mut m, fields);
        let a = m.insert(&txn).await?;
        set_invites(&txn, ctx.county_id, a.id, &fields.invited).await?;
        audit(&txn, ctx, "create", "activity", Some(a.id), None, Some(json(&a))).await?;
        txn.commit().await?;
        Ok(a)
    }

    pub async fn activity(&self, county_id: i64, id: i64) -> Result<Option<activity::Model>> {
        Ok(activity::Entity::find_by_id(id).filter(activity::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    /// The county's activities overlapping the filter's stretch, earliest first.
    pub async fn activities(&self, county_id: i64, f: &ActivityFilter) -> Result<Vec<activity::Model>> {
        let mut q = activity::Entity::find().filter(activity::Column::CountyId.eq(county_id));
        if let Some(from) = f.from {
            q = q.filter(activity::Column::EndsAt.gt(from));
        }
        if let Some(to) = f.to {
            q = q.filter(activity::Column::StartsAt.lt(to));
        }
        if let Some(kind) = &f.kind {
            q = q.filter(activity::Column::Kind.eq(kind.clone()));
        }
        let mut q = q.order_by_asc(activity::Column::StartsAt).order_by_asc(activity::Column::Id);
        if let Some(limit) = f.limit {
            q = sea_orm::QuerySelect::limit(q, limit);
        }
        Ok(q.all(&self.db).await?)
    }

    /// The invited schools of the activities: activity id → school ids.
    pub async fn invites(&self, county_id: i64, ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>> {
        let rows = activity_invite::Entity::find()
            .filter(activity_invite::Column::CountyId.eq(county_id))
            .filter(activity_invite::Column::ActivityId.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?;
        let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
        for r in rows {
            out.entry(r.activity_id).or_default().push(r.school_id);
        }
        Ok(out)
    }

    /// Changes an activity (and its invitations), if it is still at revision `expected`.
    pub async fn update_activity(&self, ctx: &Ctx, id: i64, fields: &ActivityFields, expected: i64) -> Result<activity::Model> {
        let txn = self.write().await?;
        let before = locked(&txn, ctx.county_id, id, expected).await?;
        let mut m: activity::ActiveModel = before.clone().into();
        set_fields(&mut m, fields);
        m.revision = Set(before.revision + 1);
        m.updated_at = Set(Utc::now());
        let after = m.update(&txn).await?;
        set_invites(&txn, ctx.county_id, id, &fields.invited).await?;
        audit(&txn, ctx, "update", "activity", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Records the booking an activity holds again (after a refused change of time or room).
    pub async fn set_activity_booking(&self, ctx: &Ctx, id: i64, booking: Option<i64>) -> Result<()> {
        let txn = self.write().await?;
        activity::Entity::update_many()
            .col_expr(activity::Column::BookingId, Expr::value(booking))
            .filter(activity::Column::Id.eq(id))
            .filter(activity::Column::CountyId.eq(ctx.county_id))
            .exec(&txn)
            .await?;
        audit(&txn, ctx, "rebook", "activity", Some(id), None, booking.map(|b| b.to_string())).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Cancels an activity with a reason (or schedules it again with an empty one).
    pub async fn set_activity_status(
        &self,
        ctx: &Ctx,
        id: i64,
        status: ActivityStatus,
        reason: &str,
        expected: i64,
    ) -> Result<activity::Model> {
        let txn = self.write().await?;
        let before = locked(&txn, ctx.county_id, id, expected).await?;
        let mut m: activity::ActiveModel = before.clone().into();
        m.status = Set(status);
        m.status_reason = Set(reason.to_string());
        m.revision = Set(before.revision + 1);
        m.updated_at = Set(Utc::now());
        let after = m.update(&txn).await?;
        audit(&txn, ctx, status.code(), "activity", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Writes the record of what happened (the summary).
    pub async fn write_record(&self, ctx: &Ctx, id: i64, summary: &str, expected: i64, at: DateTime<Utc>) -> Result<activity::Model> {
        let txn = self.write().await?;
        let before = locked(&txn, ctx.county_id, id, expected).await?;
        let mut m: activity::ActiveModel = before.clone().into();
        m.summary = Set(summary.to_string());
        m.summary_by = Set(ctx.username.clone());
        m.summary_at = Set(Some(at));
        m.revision = Set(before.revision + 1);
        m.updated_at = Set(Utc::now());
        let after = m.update(&txn).await?;
        audit(&txn, ctx, "record", "activity", Some(id), Some(json(&before.summary)), Some(json(&after.summary))).await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn attendees(&self, county_id: i64, activity_id: i64) -> Result<Vec<activity_attendee::Model>> {
        Ok(activity_attendee::Entity::find()
            .filter(activity_attendee::Column::CountyId.eq(county_id))
            .filter(activity_attendee::Column::ActivityId.eq(activity_id))
            .order_by_asc(activity_attendee::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// The lists of several activities.
    pub async fn attendees_of(&self, county_id: i64, activity_ids: &[i64]) -> Result<Vec<activity_attendee::Model>> {
        Ok(activity_attendee::Entity::find()
            .filter(activity_attendee::Column::CountyId.eq(county_id))
            .filter(activity_attendee::Column::ActivityId.is_in(activity_ids.iter().copied()))
            .all(&self.db)
            .await?)
    }

    /// How many are on each activity's list, and how many came: id → (going, present).
    pub async fn attendance_counts(&self, county_id: i64, ids: &[i64]) -> Result<HashMap<i64, (i64, i64)>> {
        let rows = self.attendees_of(county_id, ids).await?;
        let mut out: HashMap<i64, (i64, i64)> = HashMap::new();
        for r in rows {
            let e = out.entry(r.activity_id).or_default();
            e.0 += 1;
            e.1 += i64::from(r.checked_in_at.is_some());
        }
        Ok(out)
    }

    /// The activities a teacher is on the list of (any time).
    pub async fn activities_of_teacher(&self, county_id: i64, teacher_id: i64) -> Result<Vec<activity_attendee::Model>> {
        Ok(activity_attendee::Entity::find()
            .filter(activity_attendee::Column::CountyId.eq(county_id))
            .filter(activity_attendee::Column::TeacherId.eq(teacher_id))
            .all(&self.db)
            .await?)
    }

    /// Puts teachers on an activity's list, all or none: refused when the activity is full
    /// (`capacity`) or a teacher is on it already. Concurrent sign-ups are serialised on the
    /// activity's row, so places are never given twice.
    pub async fn add_attendees(
        &self,
        ctx: &Ctx,
        activity_id: i64,
        going: &[Going],
        capacity: Option<i32>,
    ) -> Result<Vec<activity_attendee::Model>> {
        let txn = self.write().await?;
        lock_activity(&txn, ctx.county_id, activity_id).await?;
        let already = activity_attendee::Entity::find().filter(activity_attendee::Column::ActivityId.eq(activity_id)).count(&txn).await?;
        if let Some(cap) = capacity
            && already + going.len() as u64 > cap.max(0) as u64
        {
            return Err(StoreError::Conflict(Problem::ActivityFull { capacity: cap.max(0) as usize }));
        }
        let mut out = Vec::new();
        for g in going {
            let row = attendee_row(ctx, activity_id, g).insert(&txn).await.map_err(|e| already_on(e, g.teacher_id))?;
            out.push(row);
        }
        audit(&txn, ctx, "add_attendees", "activity", Some(activity_id), None, Some(json(&out))).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Records a whole list at once, all or none (a teacher twice is refused).
    pub async fn record_attendance(&self, ctx: &Ctx, activity_id: i64, list: &[Attendance]) -> Result<()> {
        let txn = self.write().await?;
        lock_activity(&txn, ctx.county_id, activity_id).await?;
        for a in list {
            let mut row = attendee_row(ctx, activity_id, &a.going);
            if let Some(at) = a.checked_in_at {
                row.checked_in_at = Set(Some(at));
                row.checkin = Set(a.how);
                row.marked_by = Set(ctx.username.clone());
                row.credit = Set(a.credit);
            }
            row.insert(&txn).await.map_err(|e| already_on(e, a.going.teacher_id))?;
        }
        audit(&txn, ctx, "record_attendance", "activity", Some(activity_id), None, Some(list.len().to_string())).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Takes a teacher off the list (not once they have come).
    pub async fn remove_attendee(&self, ctx: &Ctx, activity_id: i64, teacher_id: i64) -> Result<()> {
        let txn = self.write().await?;
        let gone = activity_attendee::Entity::delete_many()
            .filter(activity_attendee::Column::CountyId.eq(ctx.county_id))
            .filter(activity_attendee::Column::ActivityId.eq(activity_id))
            .filter(activity_attendee::Column::TeacherId.eq(teacher_id))
            .filter(activity_attendee::Column::CheckedInAt.is_null())
            .exec(&txn)
            .await?;
        if gone.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        audit(&txn, ctx, "remove_attendee", "activity", Some(activity_id), Some(teacher_id.to_string()), None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records that a teacher came (`how` = `code` or `hand`), crediting `credit` tenths; a
    /// teacher not on the list is added as a walk-in. Once only: a second check-in is refused
    /// with the time of the first, whichever of two at once comes second.
    pub async fn check_in(
        &self,
        ctx: &Ctx,
        activity_id: i64,
        going: &Going,
        how: CheckIn,
        credit: i32,
        at: DateTime<Utc>,
    ) -> Result<activity_attendee::Model> {
        let txn = self.write().await?;
        let marked = activity_attendee::Entity::update_many()
            .col_expr(activity_attendee::Column::CheckedInAt, Expr::value(at))
            .col_expr(activity_attendee::Column::Checkin, Expr::value(how))
            .col_expr(activity_attendee::Column::MarkedBy, Expr::value(ctx.username.clone()))
            .col_expr(activity_attendee::Column::Credit, Expr::value(credit))
            .filter(activity_attendee::Column::CountyId.eq(ctx.county_id))
            .filter(activity_attendee::Column::ActivityId.eq(activity_id))
            .filter(activity_attendee::Column::TeacherId.eq(going.teacher_id))
            .filter(activity_attendee::Column::CheckedInAt.is_null())
            .exec(&txn)
            .await?;
        if marked.rows_affected == 0 {
            let existing = activity_attendee::Entity::find()
                .filter(activity_attendee::Column::ActivityId.eq(activity_id))
                .filter(activity_attendee::Column::TeacherId.eq(going.teacher_id))
                .one(&txn)
                .await?;
            if let Some(e) = existing {
                return Err(StoreError::Conflict(Problem::AlreadyCheckedIn { at: shown(e.checked_in_at.unwrap_or(at)) }));
            }
            let mut row = attendee_row(ctx, activity_id, going);
            row.checked_in_at = Set(Some(at));
            row.checkin = Set(how);
            row.marked_by = Set(ctx.username.clone());
            row.credit = Set(credit);
            row.insert(&txn).await.map_err(|e| {
                if is_unique_violation(&e) { StoreError::Conflict(Problem::AlreadyCheckedIn { at: shown(at) }) } else { e.into() }
            })?;
        }
        let row = activity_attendee::Entity::find()
            .filter(activity_attendee::Column::ActivityId.eq(activity_id))
            .filter(activity_attendee::Column::TeacherId.eq(going.teacher_id))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(row)
    }

    /// The organiser's hand: marks a teacher on the list absent again (their credit goes).
    pub async fn mark_absent(&self, ctx: &Ctx, activity_id: i64, teacher_id: i64) -> Result<()> {
        let txn = self.write().await?;
        let changed = activity_attendee::Entity::update_many()
            .col_expr(activity_attendee::Column::CheckedInAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(activity_attendee::Column::Checkin, Expr::value(CheckIn::NotYet))
            .col_expr(activity_attendee::Column::MarkedBy, Expr::value(ctx.username.clone()))
            .col_expr(activity_attendee::Column::Credit, Expr::value(0))
            .filter(activity_attendee::Column::CountyId.eq(ctx.county_id))
            .filter(activity_attendee::Column::ActivityId.eq(activity_id))
            .filter(activity_attendee::Column::TeacherId.eq(teacher_id))
            .exec(&txn)
            .await?;
        if changed.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        audit(&txn, ctx, "mark_absent", "activity", Some(activity_id), Some(teacher_id.to_string()), None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// An attendee's stars and words on a session (again: replaces the earlier).
    pub async fn review(&self, ctx: &Ctx, activity_id: i64, teacher_id: i64, stars: i32, comment: &str) -> Result<activity_review::Model> {
        let txn = self.write().await?;
        activity_review::Entity::delete_many()
            .filter(activity_review::Column::ActivityId.eq(activity_id))
            .filter(activity_review::Column::TeacherId.eq(teacher_id))
            .exec(&txn)
            .await?;
        let row = activity_review::ActiveModel {
            county_id: Set(ctx.county_id),
            activity_id: Set(activity_id),
            teacher_id: Set(teacher_id),
            stars: Set(stars),
            comment: Set(comment.to_string()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn reviews(&self, county_id: i64, activity_ids: &[i64]) -> Result<Vec<activity_review::Model>> {
        Ok(activity_review::Entity::find()
            .filter(activity_review::Column::CountyId.eq(county_id))
            .filter(activity_review::Column::ActivityId.is_in(activity_ids.iter().copied()))
            .order_by_asc(activity_review::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Attended, not cancelled activities in `[from, to)`, for the teachers given (all when
    /// `None`).
    pub async fn attended(
        &self,
        county_id: i64,
        teachers: Option<&[i64]>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Attended>> {
        let acts = self.activities(county_id, &ActivityFilter { from: Some(from), to: Some(to), ..Default::default() }).await?;
        let acts: HashMap<i64, activity::Model> =
            acts.into_iter().filter(|a| a.status == ActivityStatus::Scheduled && a.starts_at >= from).map(|a| (a.id, a)).collect();
        let mut q = activity_attendee::Entity::find()
            .filter(activity_attendee::Column::CountyId.eq(county_id))
            .filter(activity_attendee::Column::CheckedInAt.is_not_null());
        if let Some(t) = teachers {
            q = q.filter(activity_attendee::Column::TeacherId.is_in(t.iter().copied()));
        }
        let rows = q.all(&self.db).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let a = acts.get(&r.activity_id)?;
                Some(Attended {
                    teacher_id: r.teacher_id,
                    school_id: r.school_id,
                    activity_id: a.id,
                    kind: a.kind,
                    title: a.title.clone(),
                    starts_at: a.starts_at,
                    ends_at: a.ends_at,
                    credit: r.credit,
                })
            })
            .collect())
    }

    pub async fn add_training(&self, ctx: &Ctx, t: &NewTraining) -> Result<training_record::Model> {
        let txn = self.write().await?;
        let row = training_row(ctx, t).insert(&txn).await?;
        audit(&txn, ctx, "create", "training_record", Some(row.id), None, Some(json(&row))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Several trainings at once, all or none.
    pub async fn add_trainings(&self, ctx: &Ctx, list: &[NewTraining]) -> Result<()> {
        let txn = self.write().await?;
        for t in list {
            training_row(ctx, t).insert(&txn).await?;
        }
        audit(
            &txn,
            ctx,
            "import",
            "training_record",
            None,
            None,
            Some(serde_json::json!({"created": list.len(), "updated": 0}).to_string()),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Training entered by schools, dated in `[from, to)`, for the teachers given (all when `None`).
    pub async fn trainings(
        &self,
        county_id: i64,
        teachers: Option<&[i64]>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<training_record::Model>> {
        let mut q = training_record::Entity::find()
            .filter(training_record::Column::CountyId.eq(county_id))
            .filter(training_record::Column::OnDate.gte(from))
            .filter(training_record::Column::OnDate.lt(to));
        if let Some(t) = teachers {
            q = q.filter(training_record::Column::TeacherId.is_in(t.iter().copied()));
        }
        Ok(q.order_by_asc(training_record::Column::OnDate).all(&self.db).await?)
    }
}

fn training_row(ctx: &Ctx, t: &NewTraining) -> training_record::ActiveModel {
    training_record::ActiveModel {
        county_id: Set(ctx.county_id),
        teacher_id: Set(t.teacher_id),
        school_id: Set(t.school_id),
        category: Set(t.category),
        title: Set(t.title.clone()),
        provider: Set(t.provider.clone()),
        on_date: Set(t.on_date),
        hours: Set(t.hours),
        entered_by: Set(ctx.username.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
}

fn attendee_row(ctx: &Ctx, activity_id: i64, g: &Going) -> activity_attendee::ActiveModel {
    activity_attendee::ActiveModel {
        county_id: Set(ctx.county_id),
        activity_id: Set(activity_id),
        teacher_id: Set(g.teacher_id),
        school_id: Set(g.school_id),
        origin: Set(g.origin),
        added_by: Set(ctx.username.clone()),
        added_at: Set(Utc::now()),
        checked_in_at: Set(None),
        checkin: Set(CheckIn::NotYet),
        marked_by: Set(String::new()),
        credit: Set(0),
        ..Default::default()
    }
}

fn already_on(e: sea_orm::DbErr, teacher_id: i64) -> StoreError {
    if is_unique_violation(&e) { StoreError::Conflict(Problem::AlreadyExists { value: format!("#{teacher_id}") }) } else { e.into() }
}

/// A time as people read it (Beijing time).
fn shown(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Asia::Shanghai).format("%H:%M").to_string()
}

/// The activity at `expected`, its row locked for the transaction (`FOR UPDATE` on PostgreSQL,
/// so a second save of the same revision waits and then finds it changed; SQLite's write
/// transaction is the lock), or why not.
async fn locked<C: ConnectionTrait>(conn: &C, county_id: i64, id: i64, expected: i64) -> Result<activity::Model> {
    let row = activity::Entity::find_by_id(id)
        .filter(activity::Column::CountyId.eq(county_id))
        .lock_exclusive()
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if row.revision != expected { Err(StoreError::Stale) } else { Ok(row) }
}

/// Takes the activity's row lock (PostgreSQL; SQLite has one writer anyway) by a no-op update,
/// so that concurrent sign-ups count places one after the other.
async fn lock_activity<C: ConnectionTrait>(conn: &C, county_id: i64, id: i64) -> Result<()> {
    let touched = activity::Entity::update_many()
        .col_expr(activity::Column::Revision, Expr::col(activity::Column::Revision))
        .filter(activity::Column::Id.eq(id))
        .filter(activity::Column::CountyId.eq(county_id))
        .exec(conn)
        .await?;
    if touched.rows_affected == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Wrong check-in codes (see `xuequ_domain::activity::checkin::throttle`).
impl Store {
    /// Counts an attempt at `activity_id` by `user_id` before its code is checked, so that of
    /// many attempts at once the last to count sees all the others; returns the attempt's id
    /// and the earlier attempts (this one left out) of the last `window_seconds` as `(account,
    /// when)`. Attempts older than a day are dropped on the way.
    pub async fn count_checkin_attempt(
        &self,
        ctx: &Ctx,
        activity_id: i64,
        at: DateTime<Utc>,
        window_seconds: i64,
    ) -> Result<(i64, Vec<(i64, DateTime<Utc>)>)> {
        let user_id = ctx.user_id.ok_or(StoreError::NotFound)?;
        checkin_failure::Entity::delete_many()
            .filter(checkin_failure::Column::ActivityId.eq(activity_id))
            .filter(checkin_failure::Column::At.lt(at - chrono::Duration::days(1)))
            .exec(&self.db)
            .await?;
        let row = checkin_failure::ActiveModel {
            county_id: Set(ctx.county_id),
            user_id: Set(user_id),
            activity_id: Set(activity_id),
            at: Set(at),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        let earlier = checkin_failure::Entity::find()
            .filter(checkin_failure::Column::ActivityId.eq(activity_id))
            .filter(checkin_failure::Column::At.gt(at - chrono::Duration::seconds(window_seconds)))
            .filter(checkin_failure::Column::Id.ne(row.id))
            .all(&self.db)
            .await?;
        Ok((row.id, earlier.into_iter().map(|r| (r.user_id, r.at)).collect()))
    }

    /// Forgets an attempt that was not a wrong code (the right one, or refused for another reason).
    pub async fn forget_checkin_attempt(&self, id: i64) -> Result<()> {
        checkin_failure::Entity::delete_by_id(id).exec(&self.db).await?;
        Ok(())
    }
}
