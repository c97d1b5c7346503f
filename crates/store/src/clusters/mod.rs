//! Clusters, their dated membership history and their officers.

pub mod entities;

use crate::entities::{cluster, cluster_member, cluster_officer, school};
use crate::registry::ListSpec;
use crate::{Ctx, Result, Store, StoreError, audit, json};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set};
use xuequ_domain::drafts::ClusterDraft;
use xuequ_domain::{ClusterLevel, MemberRole, OfficerRole, Problem, Status, cluster as rules};

pub const CLUSTER_LIST: ListSpec = ListSpec {
    filterable: &["form", "level", "status"],
    searchable: &["name", "description"],
    sortable: &["name", "form", "level", "founded_on"],
    default_sort: "name",
    unique_sorts: &[],
    school_column: "lead_school_id",
};

/// A membership with its school.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Member {
    pub membership: cluster_member::Model,
    pub school: school::Model,
}

/// A cluster a school belongs to (or belonged to), with the membership.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SchoolCluster {
    pub cluster: cluster::Model,
    pub membership: cluster_member::Model,
}

/// An officer as entered.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
pub struct OfficerDraft {
    pub role: OfficerRole,
    pub person_name: String,
    pub school_id: Option<i64>,
}

impl Store {
    pub async fn cluster(&self, county_id: i64, id: i64) -> Result<Option<cluster::Model>> {
        Ok(cluster::Entity::find_by_id(id).filter(cluster::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn all_clusters(&self, county_id: i64) -> Result<Vec<cluster::Model>> {
        Ok(cluster::Entity::find().filter(cluster::Column::CountyId.eq(county_id)).order_by_asc(cluster::Column::Id).all(&self.db).await?)
    }

    /// Members of a cluster, current ones first; past ones only when asked.
    pub async fn members(&self, county_id: i64, cluster_id: i64, include_past: bool) -> Result<Vec<Member>> {
        let mut query = cluster_member::Entity::find()
            .filter(cluster_member::Column::CountyId.eq(county_id))
            .filter(cluster_member::Column::ClusterId.eq(cluster_id));
        if !include_past {
            query = query.filter(cluster_member::Column::LeftOn.is_null());
        }
        let rows = query
            .order_by_asc(cluster_member::Column::LeftOn)
            .order_by_desc(cluster_member::Column::Role)
            .order_by_asc(cluster_member::Column::JoinedOn)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|m| m.school_id).collect();
        let schools = school::Entity::find().filter(school::Column::Id.is_in(ids)).all(&self.db).await?;
        let mut members: Vec<Member> = rows
            .into_iter()
            .filter_map(|m| schools.iter().find(|s| s.id == m.school_id).map(|s| Member { membership: m, school: s.clone() }))
            .collect();
        // Current members before past ones, the lead first.
        members.sort_by_key(|m| (m.membership.left_on.is_some(), m.membership.role != MemberRole::Lead, m.school.code.clone()));
        Ok(members)
    }

    /// The schools currently in a cluster: the scope of its cluster head.
    pub async fn cluster_school_ids(&self, county_id: i64, cluster_id: i64) -> Result<Vec<i64>> {
        Ok(self.members(county_id, cluster_id, false).await?.into_iter().map(|m| m.school.id).collect())
    }

    pub async fn officers(&self, county_id: i64, cluster_id: i64) -> Result<Vec<cluster_officer::Model>> {
        Ok(cluster_officer::Entity::find()
            .filter(cluster_officer::Column::CountyId.eq(county_id))
            .filter(cluster_officer::Column::ClusterId.eq(cluster_id))
            .order_by_asc(cluster_officer::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// The clusters a school is or was in.
    pub async fn clusters_of_school(&self, county_id: i64, school_id: i64) -> Result<Vec<SchoolCluster>> {
        let rows = cluster_member::Entity::find()
            .filter(cluster_member::Column::CountyId.eq(county_id))
            .filter(cluster_member::Column::SchoolId.eq(school_id))
            .order_by_desc(cluster_member::Column::JoinedOn)
            .all(&self.db)
            .await?;
        let mut out = Vec::new();
        for membership in rows {
            if let Some(cluster) = self.cluster(county_id, membership.cluster_id).await? {
                out.push(SchoolCluster { cluster, membership });
            }
        }
        Ok(out)
    }

    async fn lead_for(&self, county_id: i64, draft: &ClusterDraft) -> Result<school::Model> {
        let lead = self
            .school_by_code(county_id, &draft.lead_school_code)
            .await?
            .ok_or_else(|| StoreError::invalid("lead_school_code", Problem::UnknownSchool { value: draft.lead_school_code.clone() }))?;
        Ok(lead)
    }

    /// The active cluster at this level that the school is in now, if any.
    async fn current_cluster_at_level(&self, school_id: i64, level: ClusterLevel) -> Result<Option<cluster::Model>> {
        let membership = cluster_member::Entity::find()
            .filter(cluster_member::Column::SchoolId.eq(school_id))
            .filter(cluster_member::Column::Level.eq(level))
            .filter(cluster_member::Column::LeftOn.is_null())
            .one(&self.db)
            .await?;
        match membership {
            Some(m) => Ok(cluster::Entity::find_by_id(m.cluster_id).one(&self.db).await?),
            None => Ok(None),
        }
    }

    async fn check_free(&self, school_id: i64, level: ClusterLevel, field: &'static str) -> Result<()> {
        if let Some(other) = self.current_cluster_at_level(school_id, level).await? {
            return Err(StoreError::invalid(field, Problem::AlreadyInCluster { cluster: other.name }));
        }
        Ok(())
    }

    /// Creates a cluster with its lead school as first member, from the founding date.
    pub async fn create_cluster(&self, ctx: &Ctx, draft: &ClusterDraft) -> Result<cluster::Model> {
        draft.validate().map_err(StoreError::Invalid)?;
        let lead = self.lead_for(ctx.county_id, draft).await?;
        self.check_free(lead.id, draft.level, "lead_school_code").await?;
        let now = Utc::now();
        let txn = self.write().await?;
        let saved = cluster::ActiveModel {
            county_id: Set(ctx.county_id),
            name: Set(draft.name.trim().to_string()),
            form: Set(draft.form),
            level: Set(draft.level),
            lead_school_id: Set(lead.id),
            description: Set(draft.description.trim().to_string()),
            founded_on: Set(draft.founded_on),
            dissolved_on: Set(None),
            status: Set(Status::Active),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        cluster_member::ActiveModel {
            county_id: Set(ctx.county_id),
            cluster_id: Set(saved.id),
            school_id: Set(lead.id),
            role: Set(MemberRole::Lead),
            level: Set(saved.level),
            joined_on: Set(draft.founded_on),
            left_on: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(&txn, ctx, "create", "cluster", Some(saved.id), None, Some(json(&saved))).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Changes a cluster's name, form, description or founding date. A new lead must already
    /// be a current member; the old lead stays as a member.
    /// Changes a cluster's record. A new lead takes over on `on`: the old and the new lead's
    /// memberships end that day and begin again in their new roles, so the history still says
    /// who led until then.
    pub async fn update_cluster(
        &self,
        ctx: &Ctx,
        id: i64,
        draft: &ClusterDraft,
        on: NaiveDate,
        expected: Option<crate::Version>,
    ) -> Result<cluster::Model> {
        draft.validate().map_err(StoreError::Invalid)?;
        let before = self.cluster(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        let lead = self.lead_for(ctx.county_id, draft).await?;
        let members = self.members(ctx.county_id, id, false).await?;
        let txn = self.write().await?;
        crate::claim(&txn, "cluster", id, expected).await?;
        if lead.id != before.lead_school_id {
            if !members.iter().any(|m| m.school.id == lead.id) {
                return Err(StoreError::invalid("lead_school_code", Problem::NotAMember));
            }
            for m in members.iter().filter(|m| m.school.id == lead.id || m.school.id == before.lead_school_id) {
                let role = if m.school.id == lead.id { MemberRole::Lead } else { MemberRole::Member };
                if m.membership.joined_on > on {
                    return Err(StoreError::invalid(
                        "on",
                        Problem::OutOfRange { value: on.to_string(), min: m.membership.joined_on.to_string(), max: "-".into() },
                    ));
                }
                let mut ended = m.membership.clone().into_active_model();
                ended.left_on = Set(Some(on));
                ended.update(&txn).await?;
                cluster_member::ActiveModel {
                    county_id: Set(ctx.county_id),
                    cluster_id: Set(id),
                    school_id: Set(m.school.id),
                    role: Set(role),
                    level: Set(m.membership.level),
                    joined_on: Set(on),
                    left_on: Set(None),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
        let mut model = before.clone().into_active_model();
        model.name = Set(draft.name.trim().to_string());
        model.form = Set(draft.form);
        model.lead_school_id = Set(lead.id);
        model.description = Set(draft.description.trim().to_string());
        model.founded_on = Set(draft.founded_on);
        model.updated_at = Set(Utc::now());
        let after = model.update(&txn).await?;
        audit(&txn, ctx, "update", "cluster", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Dissolves a cluster on a date: every membership ends then; the history stays.
    pub async fn dissolve_cluster(&self, ctx: &Ctx, id: i64, on: NaiveDate) -> Result<cluster::Model> {
        let before = self.cluster(ctx.county_id, id).await?.ok_or(StoreError::NotFound)?;
        let txn = self.write().await?;
        for m in self.members(ctx.county_id, id, false).await? {
            let mut active = m.membership.into_active_model();
            active.left_on = Set(Some(on));
            active.update(&txn).await?;
        }
        let mut model = before.clone().into_active_model();
        model.status = Set(Status::Retired);
        model.dissolved_on = Set(Some(on));
        model.updated_at = Set(Utc::now());
        let after = model.update(&txn).await?;
        audit(&txn, ctx, "retire", "cluster", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Adds a school to a cluster from a date, within the form's size limit and the rule that a
    /// school is in one cluster per level at a time.
    pub async fn add_member(&self, ctx: &Ctx, cluster_id: i64, school_code: &str, joined_on: NaiveDate) -> Result<cluster_member::Model> {
        let cluster = self.cluster(ctx.county_id, cluster_id).await?.ok_or(StoreError::NotFound)?;
        if cluster.status != Status::Active {
            return Err(StoreError::NotFound);
        }
        let school = self
            .school_by_code(ctx.county_id, school_code)
            .await?
            .ok_or_else(|| StoreError::invalid("school_code", Problem::UnknownSchool { value: school_code.to_string() }))?;
        let form = cluster.form;
        let current = cluster_member::Entity::find()
            .filter(cluster_member::Column::ClusterId.eq(cluster_id))
            .filter(cluster_member::Column::LeftOn.is_null())
            .count(&self.db)
            .await?;
        rules::check_room(form, current as usize).map_err(StoreError::Conflict)?;
        if let Some(other) = self.current_cluster_at_level(school.id, cluster.level).await? {
            return Err(StoreError::Conflict(Problem::AlreadyInCluster { cluster: other.name }));
        }
        let txn = self.write().await?;
        let saved = cluster_member::ActiveModel {
            county_id: Set(ctx.county_id),
            cluster_id: Set(cluster_id),
            school_id: Set(school.id),
            role: Set(MemberRole::Member),
            level: Set(cluster.level),
            joined_on: Set(joined_on),
            left_on: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await;
        // Two requests may pass the check above at once; the schema's unique index on current
        // memberships lets only one in, and the other hears which cluster holds the school.
        let saved = match saved {
            Ok(saved) => saved,
            Err(e) if crate::is_unique_violation(&e) => {
                drop(txn);
                let other = self.current_cluster_at_level(school.id, cluster.level).await?.map(|c| c.name).unwrap_or_default();
                return Err(StoreError::Conflict(Problem::AlreadyInCluster { cluster: other }));
            }
            Err(e) => return Err(e.into()),
        };
        audit(&txn, ctx, "add_member", "cluster", Some(cluster_id), None, Some(json(&saved))).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Ends a school's membership on a date. The lead cannot leave: change the lead first.
    pub async fn remove_member(&self, ctx: &Ctx, cluster_id: i64, school_id: i64, left_on: NaiveDate) -> Result<()> {
        let membership = cluster_member::Entity::find()
            .filter(cluster_member::Column::CountyId.eq(ctx.county_id))
            .filter(cluster_member::Column::ClusterId.eq(cluster_id))
            .filter(cluster_member::Column::SchoolId.eq(school_id))
            .filter(cluster_member::Column::LeftOn.is_null())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        if membership.role == MemberRole::Lead {
            return Err(StoreError::Conflict(Problem::LeadCannotLeave));
        }
        let txn = self.write().await?;
        let before = json(&membership);
        let mut active = membership.into_active_model();
        active.left_on = Set(Some(left_on));
        let after = active.update(&txn).await?;
        audit(&txn, ctx, "remove_member", "cluster", Some(cluster_id), Some(before), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Replaces the cluster's officers (head, deputies, first and executive principals).
    pub async fn set_officers(&self, ctx: &Ctx, cluster_id: i64, officers: &[OfficerDraft]) -> Result<()> {
        self.cluster(ctx.county_id, cluster_id).await?.ok_or(StoreError::NotFound)?;
        // Every officer named within bounds, at a school of this county.
        let mut c = xuequ_domain::validate::Checker::default();
        for o in officers {
            c.text("person_name", &o.person_name, false, 30);
            if let Some(school) = o.school_id
                && self.school(ctx.county_id, school).await?.is_none()
            {
                c.push("school_id", Problem::UnknownSchool { value: school.to_string() });
            }
        }
        c.finish().map_err(StoreError::Invalid)?;
        let before = self.officers(ctx.county_id, cluster_id).await?;
        let txn = self.write().await?;
        cluster_officer::Entity::delete_many().filter(cluster_officer::Column::ClusterId.eq(cluster_id)).exec(&txn).await?;
        for o in officers.iter().filter(|o| !o.person_name.trim().is_empty()) {
            cluster_officer::ActiveModel {
                county_id: Set(ctx.county_id),
                cluster_id: Set(cluster_id),
                role: Set(o.role),
                person_name: Set(o.person_name.trim().to_string()),
                school_id: Set(o.school_id),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        audit(&txn, ctx, "set_officers", "cluster", Some(cluster_id), Some(json(&before)), Some(json(&officers))).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// A stored cluster back to the draft its edit form starts from.
impl cluster::Model {
    pub fn to_draft(&self, codes: &crate::registry::convert::SchoolCodes) -> Result<ClusterDraft> {
        Ok(ClusterDraft {
            name: self.name.clone(),
            form: self.form,
            level: self.level,
            lead_school_code: codes.get(&self.lead_school_id).cloned().unwrap_or_default(),
            description: self.description.clone(),
            founded_on: self.founded_on,
        })
    }
}
