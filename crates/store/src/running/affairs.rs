//! A cluster's yearly work plan with its key tasks, its council, and the council's meetings with
//! their decisions.

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use xuequ_domain::running::{CouncilRole, DecisionStatus, TaskStatus};

use crate::entities::{council_meeting, council_member, meeting_decision, plan_task, work_plan};
use crate::{Ctx, Result, Store, StoreError, audit, conflict_on_unique, json};

/// A key task as written or changed.
#[derive(Debug, Clone)]
pub struct TaskFields {
    pub title: String,
    pub owner_school_id: Option<i64>,
    pub due_on: NaiveDate,
    pub status: TaskStatus,
    pub done_on: Option<NaiveDate>,
    pub note: String,
}

/// A meeting's minutes with the decisions taken.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub held_on: NaiveDate,
    pub title: String,
    pub place: String,
    pub present: String,
    pub minutes: String,
    pub decisions: Vec<NewDecision>,
}

#[derive(Debug, Clone)]
pub struct NewDecision {
    pub text: String,
    pub owner_school_id: Option<i64>,
    pub due_on: Option<NaiveDate>,
}

/// A council member as entered.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub name: String,
    pub school_id: Option<i64>,
    pub role: CouncilRole,
    pub since: NaiveDate,
}

impl Store {
    /// The plans of the clusters given (all the county's when `None`) for a year.
    pub async fn work_plans(&self, county_id: i64, clusters: Option<&[i64]>, year: Option<i32>) -> Result<Vec<work_plan::Model>> {
        let mut q = work_plan::Entity::find().filter(work_plan::Column::CountyId.eq(county_id));
        if let Some(c) = clusters {
            q = q.filter(work_plan::Column::ClusterId.is_in(c.iter().copied()));
        }
        if let Some(y) = year {
            q = q.filter(work_plan::Column::Year.eq(y));
        }
        Ok(q.order_by_desc(work_plan::Column::Year).order_by_asc(work_plan::Column::ClusterId).all(&self.db).await?)
    }

    pub async fn work_plan(&self, county_id: i64, id: i64) -> Result<Option<work_plan::Model>> {
        Ok(work_plan::Entity::find_by_id(id).filter(work_plan::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    /// A cluster's plan for a year with its first tasks; one plan per cluster and year.
    pub async fn create_work_plan(
        &self,
        ctx: &Ctx,
        cluster_id: i64,
        year: i32,
        title: &str,
        goals: &str,
        tasks: &[TaskFields],
    ) -> Result<work_plan::Model> {
        let txn = self.write().await?;
        let now = Utc::now();
        let plan = work_plan::ActiveModel {
            county_id: Set(ctx.county_id),
            cluster_id: Set(cluster_id),
            year: Set(year),
            title: Set(title.to_string()),
            goals: Set(goals.to_string()),
            updated_by: Set(ctx.username.clone()),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| conflict_on_unique(e, &year.to_string()))?;
        for t in tasks {
            task_row(ctx, plan.id, t).insert(&txn).await?;
        }
        audit(&txn, ctx, "create", "work_plan", Some(plan.id), None, Some(json(&plan))).await?;
        txn.commit().await?;
        Ok(plan)
    }

    pub async fn plan_tasks(&self, county_id: i64, plan_ids: &[i64]) -> Result<Vec<plan_task::Model>> {
        Ok(plan_task::Entity::find()
            .filter(plan_task::Column::CountyId.eq(county_id))
            .filter(plan_task::Column::PlanId.is_in(plan_ids.iter().copied()))
            .order_by_asc(plan_task::Column::DueOn)
            .order_by_asc(plan_task::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn plan_task(&self, county_id: i64, id: i64) -> Result<Option<plan_task::Model>> {
        Ok(plan_task::Entity::find_by_id(id).filter(plan_task::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn add_task(&self, ctx: &Ctx, plan_id: i64, t: &TaskFields) -> Result<plan_task::Model> {
        let txn = self.write().await?;
        let row = task_row(ctx, plan_id, t).insert(&txn).await?;
        audit(&txn, ctx, "create", "plan_task", Some(row.id), None, Some(json(&row))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Changes a task if it is still at revision `expected`.
    pub async fn update_task(&self, ctx: &Ctx, id: i64, t: &TaskFields, expected: i64) -> Result<plan_task::Model> {
        let txn = self.write().await?;
        // Locked (PostgreSQL) so that a second save of the same revision waits and then sees it.
        let before = plan_task::Entity::find_by_id(id)
            .filter(plan_task::Column::CountyId.eq(ctx.county_id))
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if before.revision != expected {
            return Err(StoreError::Stale);
        }
        let mut m: plan_task::ActiveModel = before.clone().into();
        m.title = Set(t.title.clone());
        m.owner_school_id = Set(t.owner_school_id);
        m.due_on = Set(t.due_on);
        m.status = Set(t.status);
        m.done_on = Set(t.done_on);
        m.note = Set(t.note.clone());
        m.updated_by = Set(ctx.username.clone());
        m.revision = Set(before.revision + 1);
        m.updated_at = Set(Utc::now());
        let after = m.update(&txn).await?;
        audit(&txn, ctx, "update", "plan_task", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn council(&self, county_id: i64, cluster_id: i64) -> Result<Vec<council_member::Model>> {
        Ok(council_member::Entity::find()
            .filter(council_member::Column::CountyId.eq(county_id))
            .filter(council_member::Column::ClusterId.eq(cluster_id))
            .order_by_asc(council_member::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn add_council_member(&self, ctx: &Ctx, cluster_id: i64, m: &NewMember) -> Result<council_member::Model> {
        let txn = self.write().await?;
        let row = council_member::ActiveModel {
            county_id: Set(ctx.county_id),
            cluster_id: Set(cluster_id),
            name: Set(m.name.clone()),
            school_id: Set(m.school_id),
            role: Set(m.role),
            since: Set(m.since),
            until: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(&txn, ctx, "create", "council_member", Some(row.id), None, Some(json(&row))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Ends a member's term (kept in the record).
    pub async fn end_council_member(&self, ctx: &Ctx, id: i64, until: NaiveDate) -> Result<council_member::Model> {
        let txn = self.write().await?;
        let before = council_member::Entity::find_by_id(id)
            .filter(council_member::Column::CountyId.eq(ctx.county_id))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut m: council_member::ActiveModel = before.clone().into();
        m.until = Set(Some(until));
        let after = m.update(&txn).await?;
        audit(&txn, ctx, "update", "council_member", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn council_member(&self, county_id: i64, id: i64) -> Result<Option<council_member::Model>> {
        Ok(council_member::Entity::find_by_id(id).filter(council_member::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn council_meetings(&self, county_id: i64, clusters: Option<&[i64]>) -> Result<Vec<council_meeting::Model>> {
        let mut q = council_meeting::Entity::find().filter(council_meeting::Column::CountyId.eq(county_id));
        if let Some(c) = clusters {
            q = q.filter(council_meeting::Column::ClusterId.is_in(c.iter().copied()));
        }
        Ok(q.order_by_desc(council_meeting::Column::HeldOn).order_by_desc(council_meeting::Column::Id).all(&self.db).await?)
    }

    pub async fn meeting(&self, county_id: i64, id: i64) -> Result<Option<council_meeting::Model>> {
        Ok(council_meeting::Entity::find_by_id(id).filter(council_meeting::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    /// Minutes with their decisions, all or none.
    pub async fn create_meeting(&self, ctx: &Ctx, cluster_id: i64, m: &NewMeeting) -> Result<council_meeting::Model> {
        let txn = self.write().await?;
        let meeting = council_meeting::ActiveModel {
            county_id: Set(ctx.county_id),
            cluster_id: Set(cluster_id),
            held_on: Set(m.held_on),
            title: Set(m.title.clone()),
            place: Set(m.place.clone()),
            present: Set(m.present.clone()),
            minutes: Set(m.minutes.clone()),
            recorded_by: Set(ctx.username.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for d in &m.decisions {
            meeting_decision::ActiveModel {
                county_id: Set(ctx.county_id),
                meeting_id: Set(meeting.id),
                text: Set(d.text.clone()),
                owner_school_id: Set(d.owner_school_id),
                due_on: Set(d.due_on),
                status: Set(DecisionStatus::Open),
                done_on: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        audit(&txn, ctx, "create", "council_meeting", Some(meeting.id), None, Some(json(&meeting))).await?;
        txn.commit().await?;
        Ok(meeting)
    }

    pub async fn decisions(&self, county_id: i64, meeting_ids: &[i64]) -> Result<Vec<meeting_decision::Model>> {
        Ok(meeting_decision::Entity::find()
            .filter(meeting_decision::Column::CountyId.eq(county_id))
            .filter(meeting_decision::Column::MeetingId.is_in(meeting_ids.iter().copied()))
            .order_by_asc(meeting_decision::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn decision(&self, county_id: i64, id: i64) -> Result<Option<meeting_decision::Model>> {
        Ok(meeting_decision::Entity::find_by_id(id).filter(meeting_decision::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn set_decision_status(
        &self,
        ctx: &Ctx,
        id: i64,
        status: DecisionStatus,
        done_on: Option<NaiveDate>,
    ) -> Result<meeting_decision::Model> {
        let txn = self.write().await?;
        let before = meeting_decision::Entity::find_by_id(id)
            .filter(meeting_decision::Column::CountyId.eq(ctx.county_id))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut m: meeting_decision::ActiveModel = before.clone().into();
        m.status = Set(status);
        m.done_on = Set(done_on);
        let after = m.update(&txn).await?;
        audit(&txn, ctx, "update", "meeting_decision", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }
}

fn task_row(ctx: &Ctx, plan_id: i64, t: &TaskFields) -> plan_task::ActiveModel {
    let now = Utc::now();
    plan_task::ActiveModel {
        county_id: Set(ctx.county_id),
        plan_id: Set(plan_id),
        title: Set(t.title.clone()),
        owner_school_id: Set(t.owner_school_id),
        due_on: Set(t.due_on),
        status: Set(t.status),
        done_on: Set(t.done_on),
        note: Set(t.note.clone()),
        updated_by: Set(ctx.username.clone()),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}
