//! Cluster plans: saved as the planner proposed them (or as a person edited them), compared, and
//! applied — which turns the plan into districts with dated membership history in one transaction.

pub mod entities;

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use xuequ_domain::cluster::plan::{self as plan_rules, District, Home};
use xuequ_domain::{ClusterForm, ClusterLevel, MemberRole, Problem, Status};

use crate::entities::{cluster, cluster_member, plan, school};
use crate::{Ctx, Result, Store, StoreError, audit, json};

pub use xuequ_domain::cluster::plan::PlannedCluster;

/// A plan to save.
pub struct PlanDraft {
    pub name: String,
    pub stage: String,
    pub settings: String,
    pub clusters: Vec<PlannedCluster>,
}

/// What applying a plan did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Applied {
    pub created: Vec<i64>,
    pub changed: Vec<i64>,
    pub dissolved: Vec<i64>,
    pub joined: usize,
    pub left: usize,
}

impl Store {
    pub async fn plans(&self, county_id: i64) -> Result<Vec<plan::Model>> {
        Ok(plan::Entity::find().filter(plan::Column::CountyId.eq(county_id)).order_by_desc(plan::Column::Id).all(&self.db).await?)
    }

    pub async fn plan(&self, county_id: i64, id: i64) -> Result<Option<plan::Model>> {
        Ok(plan::Entity::find_by_id(id).filter(plan::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn save_plan(&self, ctx: &Ctx, draft: &PlanDraft) -> Result<plan::Model> {
        let txn = self.write().await?;
        let saved = plan::ActiveModel {
            county_id: Set(ctx.county_id),
            name: Set(draft.name.trim().to_string()),
            stage: Set(draft.stage.clone()),
            settings: Set(draft.settings.clone()),
            clusters: Set(serde_json::to_string(&draft.clusters).expect("plans serialize")),
            created_by: Set(ctx.username.clone()),
            created_at: Set(Utc::now()),
            applied_on: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(&txn, ctx, "create", "plan", Some(saved.id), None, Some(json(&saved))).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Replaces a plan's clusters (a school moved by hand) or its name. Applied plans are history.
    pub async fn update_plan(&self, ctx: &Ctx, id: i64, name: &str, clusters: &[PlannedCluster]) -> Result<plan::Model> {
        let before = self.plan(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        if let Some(on) = before.applied_on {
            return Err(StoreError::Conflict(Problem::PlanApplied { on: on.to_string() }));
        }
        let txn = self.write().await?;
        let mut model = before.clone().into_active_model();
        model.name = Set(name.trim().to_string());
        model.clusters = Set(serde_json::to_string(clusters).expect("plans serialize"));
        let after = model.update(&txn).await?;
        audit(&txn, ctx, "update", "plan", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Applies a plan on a date, all or nothing. The county-level districts led by the plan's
    /// schools are the ones it replaces: a district whose lead leads a planned cluster keeps its
    /// identity and changes members; one whose lead does not is dissolved; a planned cluster with
    /// a new lead becomes a new district. Memberships end and begin on the date, so the old
    /// clusters stay in the history. A school held by another kind of cluster stops the whole
    /// operation with its name.
    /// What applying the plan would change today, without changing anything: for the
    /// confirmation a person sees before 实施方案.
    pub async fn plan_changes(&self, county_id: i64, id: i64) -> Result<plan_rules::Changes> {
        let the_plan = self.plan(county_id, id).await?.ok_or(StoreError::NotFound)?;
        let planned: Vec<PlannedCluster> =
            serde_json::from_str(&the_plan.clusters).map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))?;
        let models = self.district_models(&self.db, county_id).await?;
        let districts = districts_today(&self.db, &models).await?;
        plan_rules::changes(&planned, &districts).map_err(StoreError::Conflict)
    }

    pub async fn apply_plan(&self, ctx: &Ctx, id: i64, on: NaiveDate) -> Result<Applied> {
        let the_plan = self.plan(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        if let Some(on) = the_plan.applied_on {
            return Err(StoreError::Conflict(Problem::PlanApplied { on: on.to_string() }));
        }
        let planned: Vec<PlannedCluster> =
            serde_json::from_str(&the_plan.clusters).map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))?;
        let txn = self.write().await?;
        let models = self.district_models(&txn, ctx.county_id).await?;
        let districts = districts_today(&txn, &models).await?;
        let changes = plan_rules::changes(&planned, &districts).map_err(StoreError::Conflict)?;
        for &(district, school) in &changes.leave {
            end_membership(&txn, ctx, district, school, on).await?;
        }
        for d in models.iter().filter(|d| changes.dissolved.contains(&d.id)) {
            dissolve(&txn, ctx, d, on).await?;
        }
        let mut founded: Vec<(i64, i64)> = Vec::new();
        for &lead in &changes.founded {
            founded.push((lead, self.new_district(&txn, ctx, lead, on).await?));
        }
        for (home, school) in &changes.join {
            let cluster_id = match home {
                Home::Existing(id) => *id,
                Home::Founded { lead } => founded.iter().find(|f| f.0 == *lead).map(|f| f.1).ok_or(StoreError::NotFound)?,
            };
            self.join(&txn, ctx, cluster_id, *school, on).await?;
        }
        let mut model = the_plan.clone().into_active_model();
        model.applied_on = Set(Some(on));
        let after = model.update(&txn).await?;
        audit(&txn, ctx, "apply", "plan", Some(id), Some(json(&the_plan)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(Applied {
            created: founded.iter().map(|f| f.1).collect(),
            changed: changes.kept,
            dissolved: changes.dissolved,
            joined: changes.join.len(),
            left: changes.leave.len(),
        })
    }

    /// The county's active county-level districts.
    async fn district_models<C: ConnectionTrait>(&self, txn: &C, county_id: i64) -> Result<Vec<cluster::Model>> {
        Ok(cluster::Entity::find()
            .filter(cluster::Column::CountyId.eq(county_id))
            .filter(cluster::Column::Status.eq(Status::Active))
            .filter(cluster::Column::Form.eq(ClusterForm::District))
            .filter(cluster::Column::Level.eq(ClusterLevel::County))
            .order_by_asc(cluster::Column::Id)
            .all(txn)
            .await?)
    }

    async fn new_district<C: ConnectionTrait>(&self, txn: &C, ctx: &Ctx, lead: i64, on: NaiveDate) -> Result<i64> {
        let school = school::Entity::find_by_id(lead)
            .filter(school::Column::CountyId.eq(ctx.county_id))
            .one(txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.ensure_free(txn, &school).await?;
        let now = Utc::now();
        let saved = cluster::ActiveModel {
            county_id: Set(ctx.county_id),
            name: Set(format!("{}学区", school.name)),
            form: Set(ClusterForm::District),
            level: Set(ClusterLevel::County),
            lead_school_id: Set(lead),
            description: Set(String::new()),
            founded_on: Set(on),
            dissolved_on: Set(None),
            status: Set(Status::Active),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        audit(txn, ctx, "create", "cluster", Some(saved.id), None, Some(json(&saved))).await?;
        self.insert_member(txn, ctx, saved.id, lead, MemberRole::Lead, on).await?;
        Ok(saved.id)
    }

    async fn join<C: ConnectionTrait>(&self, txn: &C, ctx: &Ctx, cluster_id: i64, school_id: i64, on: NaiveDate) -> Result<()> {
        let school = school::Entity::find_by_id(school_id)
            .filter(school::Column::CountyId.eq(ctx.county_id))
            .one(txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.ensure_free(txn, &school).await?;
        self.insert_member(txn, ctx, cluster_id, school_id, MemberRole::Member, on).await
    }

    /// A school still held by a county-level cluster the plan does not replace stops the apply.
    async fn ensure_free<C: ConnectionTrait>(&self, txn: &C, school: &school::Model) -> Result<()> {
        let held = cluster_member::Entity::find()
            .filter(cluster_member::Column::SchoolId.eq(school.id))
            .filter(cluster_member::Column::Level.eq(ClusterLevel::County))
            .filter(cluster_member::Column::LeftOn.is_null())
            .one(txn)
            .await?;
        if let Some(m) = held {
            let name = cluster::Entity::find_by_id(m.cluster_id).one(txn).await?.map(|c| c.name).unwrap_or_default();
            return Err(StoreError::Conflict(Problem::KeptElsewhere { school: school.name.clone(), cluster: name }));
        }
        Ok(())
    }

    async fn insert_member<C: ConnectionTrait>(
        &self,
        txn: &C,
        ctx: &Ctx,
        cluster_id: i64,
        school_id: i64,
        role: MemberRole,
        on: NaiveDate,
    ) -> Result<()> {
        let saved = cluster_member::ActiveModel {
            county_id: Set(ctx.county_id),
            cluster_id: Set(cluster_id),
            school_id: Set(school_id),
            role: Set(role),
            level: Set(ClusterLevel::County),
            joined_on: Set(on),
            left_on: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        audit(txn, ctx, "add_member", "cluster", Some(cluster_id), None, Some(json(&saved))).await
    }
}

async fn active_members<C: ConnectionTrait>(txn: &C, cluster_id: i64) -> Result<Vec<cluster_member::Model>> {
    Ok(cluster_member::Entity::find()
        .filter(cluster_member::Column::ClusterId.eq(cluster_id))
        .filter(cluster_member::Column::LeftOn.is_null())
        .all(txn)
        .await?)
}

/// Districts with every school now in them, as the plan rules take them.
async fn districts_today<C: ConnectionTrait>(txn: &C, models: &[cluster::Model]) -> Result<Vec<District>> {
    let mut out = Vec::new();
    for d in models {
        let schools = active_members(txn, d.id).await?.into_iter().map(|m| m.school_id).collect();
        out.push(District { id: d.id, lead: d.lead_school_id, schools });
    }
    Ok(out)
}

async fn dissolve<C: ConnectionTrait>(txn: &C, ctx: &Ctx, d: &cluster::Model, on: NaiveDate) -> Result<()> {
    let mut model = d.clone().into_active_model();
    model.status = Set(Status::Retired);
    model.dissolved_on = Set(Some(on));
    model.updated_at = Set(Utc::now());
    let after = model.update(txn).await?;
    audit(txn, ctx, "retire", "cluster", Some(d.id), Some(json(d)), Some(json(&after))).await
}

/// Ends the current membership of `school` in `cluster_id` on a date.
async fn end_membership<C: ConnectionTrait>(txn: &C, ctx: &Ctx, cluster_id: i64, school: i64, on: NaiveDate) -> Result<()> {
    let m = cluster_member::Entity::find()
        .filter(cluster_member::Column::ClusterId.eq(cluster_id))
        .filter(cluster_member::Column::SchoolId.eq(school))
        .filter(cluster_member::Column::LeftOn.is_null())
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let before = json(&m);
    let mut active = m.into_active_model();
    active.left_on = Set(Some(on));
    let after = active.update(txn).await?;
    audit(txn, ctx, "remove_member", "cluster", Some(cluster_id), Some(before), Some(json(&after))).await
}
