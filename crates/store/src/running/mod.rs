//! Running a cluster: the county's settings, which teacher an account is, activities with their
//! attendance, training hours, attachments, work plans, the council and budgets.
//!
//! Every rule about who may do what, and every check of a value, is made before these are
//! called; what is kept here is what only the database can keep under concurrency: one
//! attendance per teacher and activity, no more sign-ups than places, and no spending past a
//! budget line.

pub mod activities;
pub mod affairs;
pub mod budgets;
pub mod entities;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use xuequ_domain::Problem;
use xuequ_domain::running::{AttachmentOwner, RunningSettings};

use crate::entities::{running_file, running_settings, teacher, teacher_account, user};
use crate::{Ctx, Result, Store, StoreError, audit, is_unique_violation, json};

/// A file whose bytes are stored already (in the library's archive), to attach.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub hash: String,
    pub size: i64,
    pub mime: String,
    pub family: String,
}

impl Store {
    pub async fn running_settings(&self, county_id: i64) -> Result<RunningSettings> {
        let row = running_settings::Entity::find_by_id(county_id).one(&self.db).await?;
        Ok(row.and_then(|r| serde_json::from_str(&r.settings).ok()).unwrap_or_default())
    }

    pub async fn save_running_settings(&self, ctx: &Ctx, settings: &RunningSettings) -> Result<()> {
        let txn = self.write().await?;
        let before = running_settings::Entity::find_by_id(ctx.county_id).one(&txn).await?;
        let text = json(settings);
        match &before {
            Some(row) => {
                let mut m: running_settings::ActiveModel = row.clone().into();
                m.settings = Set(text.clone());
                m.updated_at = Set(Utc::now());
                m.update(&txn).await?;
            }
            None => {
                running_settings::ActiveModel { county_id: Set(ctx.county_id), settings: Set(text.clone()), updated_at: Set(Utc::now()) }
                    .insert(&txn)
                    .await?;
            }
        }
        audit(&txn, ctx, "update", "running_settings", None, before.map(|b| b.settings), Some(text)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The teacher record an account is linked to.
    pub async fn teacher_of_user(&self, county_id: i64, user_id: i64) -> Result<Option<teacher::Model>> {
        let Some(link) = teacher_account::Entity::find()
            .filter(teacher_account::Column::CountyId.eq(county_id))
            .filter(teacher_account::Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        self.teacher(county_id, link.teacher_id).await
    }

    /// The accounts linked to teachers of the county: teacher id → user id.
    pub async fn teacher_accounts(&self, county_id: i64) -> Result<Vec<teacher_account::Model>> {
        Ok(teacher_account::Entity::find().filter(teacher_account::Column::CountyId.eq(county_id)).all(&self.db).await?)
    }

    /// Links an account to a teacher record (replacing its earlier link), or unlinks it. A
    /// teacher record belongs to one account at most.
    pub async fn link_teacher(&self, ctx: &Ctx, user_id: i64, teacher_id: Option<i64>) -> Result<()> {
        let txn = self.write().await?;
        let before = teacher_account::Entity::find()
            .filter(teacher_account::Column::CountyId.eq(ctx.county_id))
            .filter(teacher_account::Column::UserId.eq(user_id))
            .one(&txn)
            .await?;
        if let Some(b) = &before {
            teacher_account::Entity::delete_by_id(b.id).exec(&txn).await?;
        }
        if let Some(teacher_id) = teacher_id {
            let taken = teacher_account::Entity::find()
                .filter(teacher_account::Column::CountyId.eq(ctx.county_id))
                .filter(teacher_account::Column::TeacherId.eq(teacher_id))
                .one(&txn)
                .await?;
            if let Some(t) = taken {
                let account = user::Entity::find_by_id(t.user_id).one(&txn).await?.map(|u| u.username).unwrap_or_default();
                return Err(StoreError::Conflict(Problem::TeacherLinked { account }));
            }
            teacher_account::ActiveModel {
                county_id: Set(ctx.county_id),
                user_id: Set(user_id),
                teacher_id: Set(teacher_id),
                linked_by: Set(ctx.username.clone()),
                linked_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) { StoreError::Conflict(Problem::TeacherLinked { account: String::new() }) } else { e.into() }
            })?;
        }
        audit(
            &txn,
            ctx,
            "link_teacher",
            "user",
            Some(user_id),
            before.map(|b| b.teacher_id.to_string()),
            teacher_id.map(|t| t.to_string()),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Attaches files (bytes stored already) to an activity, task, meeting or expenditure.
    pub async fn attach(
        &self,
        ctx: &Ctx,
        owner_kind: AttachmentOwner,
        owner_id: i64,
        files: &[Attachment],
    ) -> Result<Vec<running_file::Model>> {
        let txn = self.write().await?;
        let mut out = Vec::new();
        for f in files {
            let row = running_file::ActiveModel {
                county_id: Set(ctx.county_id),
                owner_kind: Set(owner_kind),
                owner_id: Set(owner_id),
                name: Set(f.name.clone()),
                hash: Set(f.hash.clone()),
                size: Set(f.size),
                mime: Set(f.mime.clone()),
                family: Set(f.family.clone()),
                uploaded_by: Set(ctx.username.clone()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            out.push(row);
        }
        audit(&txn, ctx, "attach", owner_kind.code(), Some(owner_id), None, Some(json(&out))).await?;
        txn.commit().await?;
        Ok(out)
    }

    pub async fn attachments(&self, county_id: i64, owner_kind: AttachmentOwner, owner_ids: &[i64]) -> Result<Vec<running_file::Model>> {
        Ok(running_file::Entity::find()
            .filter(running_file::Column::CountyId.eq(county_id))
            .filter(running_file::Column::OwnerKind.eq(owner_kind))
            .filter(running_file::Column::OwnerId.is_in(owner_ids.iter().copied()))
            .order_by_asc(running_file::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn attachment(&self, county_id: i64, id: i64) -> Result<Option<running_file::Model>> {
        Ok(running_file::Entity::find_by_id(id).filter(running_file::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }
}

impl Store {
    /// Every cluster's current schools: cluster id → school ids.
    pub async fn current_memberships(&self, county_id: i64) -> Result<std::collections::HashMap<i64, Vec<i64>>> {
        use crate::entities::cluster_member;
        let rows = cluster_member::Entity::find()
            .filter(cluster_member::Column::CountyId.eq(county_id))
            .filter(cluster_member::Column::LeftOn.is_null())
            .all(&self.db)
            .await?;
        let mut out: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for r in rows {
            out.entry(r.cluster_id).or_default().push(r.school_id);
        }
        Ok(out)
    }
}

impl Store {
    pub async fn teacher_by_staff_no(&self, county_id: i64, staff_no: &str) -> Result<Option<teacher::Model>> {
        Ok(teacher::Entity::find()
            .filter(teacher::Column::CountyId.eq(county_id))
            .filter(teacher::Column::StaffNo.eq(staff_no.trim()))
            .one(&self.db)
            .await?)
    }
}
