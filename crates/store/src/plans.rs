//! Cluster plans: saved as the planner proposed them (or as a person edited them), compared, and
//! applied — which turns the plan into districts with dated membership history in one transaction.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use xuequ_domain::{ClusterForm, ClusterLevel, MemberRole, Problem, Status};

use crate::entities::{cluster, cluster_member, plan, school};
use crate::{Ctx, Result, Store, StoreError, audit, json};

/// One cluster of a plan: its lead and its other members (school ids).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedCluster {
    pub lead: i64,
    pub members: Vec<i64>,
}

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
        let txn = self.db.begin().await?;
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
        let txn = self.db.begin().await?;
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
    pub async fn apply_plan(&self, ctx: &Ctx, id: i64, on: NaiveDate) -> Result<Applied> {
        let the_plan = self.plan(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        if let Some(on) = the_plan.applied_on {
            return Err(StoreError::Conflict(Problem::PlanApplied { on: on.to_string() }));
        }
        let planned: Vec<PlannedCluster> =
            serde_json::from_str(&the_plan.clusters).map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))?;
        // A district holds at most its form's number of schools, however the plan was edited.
        if let Some(max) = xuequ_domain::cluster::max_schools(ClusterForm::District)
            && planned.iter().any(|c| 1 + c.members.len() > max)
        {
            return Err(StoreError::Conflict(Problem::ClusterFull { max }));
        }
        let in_plan: HashSet<i64> = planned.iter().flat_map(|c| std::iter::once(c.lead).chain(c.members.iter().copied())).collect();
        let level = ClusterLevel::County.code();
        let txn = self.db.begin().await?;
        let districts: Vec<cluster::Model> = cluster::Entity::find()
            .filter(cluster::Column::CountyId.eq(ctx.county_id))
            .filter(cluster::Column::Status.eq(Status::Active.code()))
            .filter(cluster::Column::Form.eq(ClusterForm::District.code()))
            .filter(cluster::Column::Level.eq(level))
            .all(&txn)
            .await?;
        let covered: Vec<&cluster::Model> = districts.iter().filter(|d| in_plan.contains(&d.lead_school_id)).collect();
        let leads: HashMap<i64, &PlannedCluster> = planned.iter().map(|c| (c.lead, c)).collect();
        let mut done = Applied::default();
        let mut kept: HashMap<i64, i64> = HashMap::new();
        // First every membership that ends, so that schools are free to join their new cluster.
        for d in &covered {
            let keep = leads.get(&d.lead_school_id);
            for m in active_members(&txn, d.id).await? {
                let stays = keep.is_some_and(|pc| m.school_id == pc.lead || pc.members.contains(&m.school_id));
                if !stays {
                    end_membership(&txn, ctx, m, on).await?;
                    done.left += 1;
                }
            }
            match keep {
                Some(_) => {
                    kept.insert(d.lead_school_id, d.id);
                    done.changed.push(d.id);
                }
                None => {
                    let mut model = (*d).clone().into_active_model();
                    model.status = Set(Status::Retired.code().into());
                    model.dissolved_on = Set(Some(on));
                    model.updated_at = Set(Utc::now());
                    let after = model.update(&txn).await?;
                    audit(&txn, ctx, "retire", "cluster", Some(d.id), Some(json(d)), Some(json(&after))).await?;
                    done.dissolved.push(d.id);
                }
            }
        }
        for pc in &planned {
            let cluster_id = match kept.get(&pc.lead) {
                Some(&id) => id,
                None => {
                    let id = self.new_district(&txn, ctx, pc.lead, on).await?;
                    done.created.push(id);
                    id
                }
            };
            let current: HashSet<i64> = active_members(&txn, cluster_id).await?.into_iter().map(|m| m.school_id).collect();
            for &school_id in pc.members.iter().filter(|s| !current.contains(s)) {
                self.join(&txn, ctx, cluster_id, school_id, on).await?;
                done.joined += 1;
            }
        }
        let mut model = the_plan.clone().into_active_model();
        model.applied_on = Set(Some(on));
        let after = model.update(&txn).await?;
        audit(&txn, ctx, "apply", "plan", Some(id), Some(json(&the_plan)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(done)
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
            form: Set(ClusterForm::District.code().into()),
            level: Set(ClusterLevel::County.code().into()),
            lead_school_id: Set(lead),
            description: Set(String::new()),
            founded_on: Set(on),
            dissolved_on: Set(None),
            status: Set(Status::Active.code().into()),
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
            .filter(cluster_member::Column::Level.eq(ClusterLevel::County.code()))
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
            role: Set(role.code().into()),
            level: Set(ClusterLevel::County.code().into()),
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

async fn end_membership<C: ConnectionTrait>(txn: &C, ctx: &Ctx, m: cluster_member::Model, on: NaiveDate) -> Result<()> {
    let (cluster_id, before) = (m.cluster_id, json(&m));
    let mut active = m.into_active_model();
    active.left_on = Set(Some(on));
    let after = active.update(txn).await?;
    audit(txn, ctx, "remove_member", "cluster", Some(cluster_id), Some(before), Some(json(&after))).await
}
