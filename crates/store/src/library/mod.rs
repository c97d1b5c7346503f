//! The teaching-resource library: resources and their file versions, downloads, ratings,
//! comments and collections.
//!
//! The database is the record. The file bytes are kept elsewhere by their hash (the app writes
//! them before it calls this, so no row ever points at missing bytes) and the search index is
//! derived from these rows: every change of content raises the resource's `revision`, every
//! download or rating its `counted`, and the index is up to date when it holds each active
//! resource at `revision + counted` (both only grow, so any change moves the sum).

pub mod entities;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use xuequ_domain::Subject;
use xuequ_domain::library::{Kind, ResourceStatus, Sharing, TextStatus};

use crate::entities::{
    library_collection, library_collection_item, library_comment, library_download, library_file, library_rating, library_resource,
};
use crate::{Ctx, Result, Store, StoreError, audit, is_unique_violation, json};

/// What describes a resource (checked by the domain's draft rules before it gets here).
#[derive(Debug, Clone)]
pub struct ResourceFields {
    pub title: String,
    pub description: String,
    pub subject: Subject,
    pub grade: i32,
    pub edition: String,
    pub chapter: String,
    pub kind: Kind,
    pub tags: String,
    pub sharing: Sharing,
    /// The cluster it is shared with (required when `sharing` is `cluster`).
    pub cluster_id: Option<i64>,
}

/// A file whose bytes are stored already, with the text read from it.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub name: String,
    pub hash: String,
    pub size: i64,
    pub mime: String,
    pub family: String,
    pub text: String,
    pub text_status: TextStatus,
    pub text_note: String,
}

/// A new resource: where it comes from, what it is, its first file.
#[derive(Debug, Clone)]
pub struct NewResource {
    pub school_id: Option<i64>,
    /// Now, but for the demo's history.
    pub created_at: DateTime<Utc>,
    /// The name shown for who shared it (their display name).
    pub uploader_name: String,
    pub fields: ResourceFields,
    pub file: StoredFile,
}

/// A resource with its current file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Item {
    pub resource: library_resource::Model,
    pub file: library_file::Model,
}

/// Something that happened to a resource, for the figures: an upload, a download or a rating,
/// with the resource's school and the acting person's school.
#[derive(Debug, Clone)]
pub struct UseEvent {
    pub what: UseKind,
    pub resource_id: i64,
    pub owner_school: Option<i64>,
    pub by_school: Option<i64>,
    pub at: DateTime<Utc>,
    pub stars: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseKind {
    Upload,
    Download,
    Rating,
}

fn file_row(county_id: i64, resource_id: i64, version: i32, f: &StoredFile, by: &str) -> library_file::ActiveModel {
    library_file::ActiveModel {
        county_id: Set(county_id),
        resource_id: Set(resource_id),
        version: Set(version),
        name: Set(f.name.clone()),
        hash: Set(f.hash.clone()),
        size: Set(f.size),
        mime: Set(f.mime.clone()),
        family: Set(f.family.clone()),
        text: Set(f.text.clone()),
        text_status: Set(f.text_status),
        text_note: Set(f.text_note.clone()),
        uploaded_by: Set(by.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
}

fn set_fields(m: &mut library_resource::ActiveModel, f: &ResourceFields) {
    m.title = Set(f.title.clone());
    m.description = Set(f.description.clone());
    m.subject = Set(f.subject);
    m.grade = Set(f.grade);
    m.edition = Set(f.edition.clone());
    m.chapter = Set(f.chapter.clone());
    m.kind = Set(f.kind);
    m.tags = Set(f.tags.clone());
    m.sharing = Set(f.sharing);
    m.cluster_id = Set(f.cluster_id);
}

impl Store {
    /// Which of `hashes` some row points at (a library file version, a running file or an
    /// evaluation's evidence, in any
    /// county: bytes are shared by hash across the installation).
    pub async fn referenced_hashes(&self, hashes: &[String]) -> Result<std::collections::HashSet<String>> {
        use crate::entities::running_file;
        let mut found = std::collections::HashSet::new();
        for chunk in hashes.chunks(500) {
            let library: Vec<String> = library_file::Entity::find()
                .select_only()
                .column(library_file::Column::Hash)
                .filter(library_file::Column::Hash.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(&self.db)
                .await?;
            let running: Vec<String> = running_file::Entity::find()
                .select_only()
                .column(running_file::Column::Hash)
                .filter(running_file::Column::Hash.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(&self.db)
                .await?;
            let evidence: Vec<String> = crate::entities::evaluation_evidence::Entity::find()
                .select_only()
                .column(crate::entities::evaluation_evidence::Column::Hash)
                .filter(crate::entities::evaluation_evidence::Column::Hash.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(&self.db)
                .await?;
            found.extend(library);
            found.extend(running);
            found.extend(evidence);
        }
        Ok(found)
    }

    /// Saves resources with their first files, all of them or none.
    pub async fn create_resources(&self, ctx: &Ctx, new: &[NewResource]) -> Result<Vec<Item>> {
        let uploader = ctx.user_id.ok_or(StoreError::NotFound)?;
        let txn = self.write().await?;
        let mut out = Vec::with_capacity(new.len());
        for n in new {
            let now = n.created_at;
            let mut m = library_resource::ActiveModel {
                county_id: Set(ctx.county_id),
                school_id: Set(n.school_id),
                uploader_id: Set(uploader),
                uploader_name: Set(n.uploader_name.clone()),
                status: Set(ResourceStatus::Active),
                status_reason: Set(String::new()),
                status_by: Set(String::new()),
                downloads: Set(0),
                rating_sum: Set(0),
                rating_count: Set(0),
                revision: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            set_fields(&mut m, &n.fields);
            let resource = m.insert(&txn).await?;
            let file = file_row(ctx.county_id, resource.id, 1, &n.file, &ctx.username).insert(&txn).await?;
            audit(&txn, ctx, "create", "library_resource", Some(resource.id), None, Some(json(&resource))).await?;
            out.push(Item { resource, file });
        }
        txn.commit().await?;
        Ok(out)
    }

    pub async fn resource(&self, county_id: i64, id: i64) -> Result<Option<library_resource::Model>> {
        Ok(library_resource::Entity::find_by_id(id).filter(library_resource::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn resources(&self, county_id: i64, ids: &[i64]) -> Result<Vec<library_resource::Model>> {
        Ok(library_resource::Entity::find()
            .filter(library_resource::Column::CountyId.eq(county_id))
            .filter(library_resource::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?)
    }

    /// A school's (or one uploader's) resources, newest first.
    pub async fn resources_of(
        &self,
        county_id: i64,
        school_id: Option<i64>,
        uploader_id: Option<i64>,
    ) -> Result<Vec<library_resource::Model>> {
        let mut q = library_resource::Entity::find().filter(library_resource::Column::CountyId.eq(county_id));
        if let Some(s) = school_id {
            q = q.filter(library_resource::Column::SchoolId.eq(s));
        }
        if let Some(u) = uploader_id {
            q = q.filter(library_resource::Column::UploaderId.eq(u));
        }
        Ok(q.order_by_desc(library_resource::Column::CreatedAt).limit(500).all(&self.db).await?)
    }

    /// Every version of a resource's file, the current (highest) first.
    pub async fn resource_files(&self, county_id: i64, resource_id: i64) -> Result<Vec<library_file::Model>> {
        Ok(library_file::Entity::find()
            .filter(library_file::Column::CountyId.eq(county_id))
            .filter(library_file::Column::ResourceId.eq(resource_id))
            .order_by_desc(library_file::Column::Version)
            .all(&self.db)
            .await?)
    }

    /// Changes what describes a resource, if it is still at revision `expected`.
    pub async fn update_resource(&self, ctx: &Ctx, id: i64, fields: &ResourceFields, expected: i64) -> Result<library_resource::Model> {
        let txn = self.write().await?;
        let before = self.locked_resource(&txn, ctx.county_id, id, expected).await?;
        let mut m: library_resource::ActiveModel = before.clone().into();
        set_fields(&mut m, fields);
        m.revision = Set(before.revision + 1);
        m.updated_at = Set(Utc::now());
        let after = m.update(&txn).await?;
        audit(&txn, ctx, "update", "library_resource", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// The resource at `expected`, its row locked for the transaction (`FOR UPDATE` on
    /// PostgreSQL: a second save of the same revision waits, then finds it changed), or why not.
    async fn locked_resource<C: sea_orm::ConnectionTrait>(
        &self,
        conn: &C,
        county_id: i64,
        id: i64,
        expected: i64,
    ) -> Result<library_resource::Model> {
        let row = library_resource::Entity::find_by_id(id)
            .filter(library_resource::Column::CountyId.eq(county_id))
            .lock_exclusive()
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if row.revision != expected { Err(StoreError::Stale) } else { Ok(row) }
    }

    /// A new version of the resource's file; the older ones are kept.
    pub async fn replace_file(&self, ctx: &Ctx, id: i64, file: &StoredFile, expected: i64) -> Result<Item> {
        let txn = self.write().await?;
        let before = self.locked_resource(&txn, ctx.county_id, id, expected).await?;
        let last = library_file::Entity::find()
            .filter(library_file::Column::ResourceId.eq(id))
            .order_by_desc(library_file::Column::Version)
            .one(&txn)
            .await?
            .map_or(0, |f| f.version);
        let file = file_row(ctx.county_id, id, last + 1, file, &ctx.username).insert(&txn).await?;
        let mut m: library_resource::ActiveModel = before.clone().into();
        m.revision = Set(before.revision + 1);
        m.updated_at = Set(Utc::now());
        let resource = m.update(&txn).await?;
        audit(&txn, ctx, "replace", "library_resource", Some(id), Some(json(&before)), Some(json(&file))).await?;
        txn.commit().await?;
        Ok(Item { resource, file })
    }

    /// Shares again, withdraws or takes down, with the reason.
    pub async fn set_resource_status(
        &self,
        ctx: &Ctx,
        id: i64,
        status: ResourceStatus,
        reason: &str,
        expected: i64,
    ) -> Result<library_resource::Model> {
        let txn = self.write().await?;
        let before = self.locked_resource(&txn, ctx.county_id, id, expected).await?;
        let mut m: library_resource::ActiveModel = before.clone().into();
        m.status = Set(status);
        m.status_reason = Set(reason.to_string());
        m.status_by = Set(ctx.username.clone());
        m.revision = Set(before.revision + 1);
        m.updated_at = Set(Utc::now());
        let after = m.update(&txn).await?;
        audit(&txn, ctx, status.code(), "library_resource", Some(id), Some(json(&before)), Some(json(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Counts a download by the person of `ctx` at `school_id`.
    pub async fn record_download(&self, ctx: &Ctx, id: i64, school_id: Option<i64>, at: DateTime<Utc>) -> Result<()> {
        let txn = self.write().await?;
        library_download::ActiveModel {
            county_id: Set(ctx.county_id),
            resource_id: Set(id),
            user_id: Set(ctx.user_id.ok_or(StoreError::NotFound)?),
            school_id: Set(school_id),
            at: Set(at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        library_resource::Entity::update_many()
            .col_expr(library_resource::Column::Downloads, Expr::col(library_resource::Column::Downloads).add(1))
            .col_expr(library_resource::Column::Counted, Expr::col(library_resource::Column::Counted).add(1))
            .filter(library_resource::Column::Id.eq(id))
            .filter(library_resource::Column::CountyId.eq(ctx.county_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Rates a resource 1–5 (again: the new stars replace the old).
    pub async fn rate_resource(
        &self,
        ctx: &Ctx,
        id: i64,
        school_id: Option<i64>,
        stars: i32,
        at: DateTime<Utc>,
    ) -> Result<library_resource::Model> {
        let user = ctx.user_id.ok_or(StoreError::NotFound)?;
        let txn = self.write().await?;
        let before = library_rating::Entity::find()
            .filter(library_rating::Column::ResourceId.eq(id))
            .filter(library_rating::Column::UserId.eq(user))
            .one(&txn)
            .await?;
        let (sum_change, count_change) = match &before {
            Some(r) => {
                let mut m: library_rating::ActiveModel = r.clone().into();
                m.stars = Set(stars);
                m.at = Set(at);
                m.update(&txn).await?;
                (stars - r.stars, 0)
            }
            None => {
                let inserted = library_rating::ActiveModel {
                    county_id: Set(ctx.county_id),
                    resource_id: Set(id),
                    user_id: Set(user),
                    school_id: Set(school_id),
                    stars: Set(stars),
                    at: Set(at),
                    ..Default::default()
                }
                .insert(&txn)
                .await;
                match inserted {
                    Err(e) if is_unique_violation(&e) => return Err(StoreError::Stale),
                    other => other?,
                };
                (stars, 1)
            }
        };
        library_resource::Entity::update_many()
            .col_expr(library_resource::Column::RatingSum, Expr::col(library_resource::Column::RatingSum).add(sum_change as i64))
            .col_expr(library_resource::Column::RatingCount, Expr::col(library_resource::Column::RatingCount).add(count_change as i64))
            .col_expr(library_resource::Column::Counted, Expr::col(library_resource::Column::Counted).add(1))
            .filter(library_resource::Column::Id.eq(id))
            .filter(library_resource::Column::CountyId.eq(ctx.county_id))
            .exec(&txn)
            .await?;
        let after = library_resource::Entity::find_by_id(id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(after)
    }

    /// The stars the person gave, if any.
    pub async fn my_rating(&self, county_id: i64, id: i64, user_id: i64) -> Result<Option<i32>> {
        Ok(library_rating::Entity::find()
            .filter(library_rating::Column::CountyId.eq(county_id))
            .filter(library_rating::Column::ResourceId.eq(id))
            .filter(library_rating::Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .map(|r| r.stars))
    }

    pub async fn add_comment(&self, ctx: &Ctx, id: i64, body: &str) -> Result<library_comment::Model> {
        let txn = self.write().await?;
        let comment = library_comment::ActiveModel {
            county_id: Set(ctx.county_id),
            resource_id: Set(id),
            user_id: Set(ctx.user_id.ok_or(StoreError::NotFound)?),
            author_name: Set(ctx.username.clone()),
            body: Set(body.to_string()),
            at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(&txn, ctx, "create", "library_comment", Some(comment.id), None, Some(json(&comment))).await?;
        txn.commit().await?;
        Ok(comment)
    }

    pub async fn comments(&self, county_id: i64, id: i64) -> Result<Vec<library_comment::Model>> {
        Ok(library_comment::Entity::find()
            .filter(library_comment::Column::CountyId.eq(county_id))
            .filter(library_comment::Column::ResourceId.eq(id))
            .order_by_asc(library_comment::Column::At)
            .limit(500)
            .all(&self.db)
            .await?)
    }

    /// Active resources with their current files, by id from `after` on, `limit` at a time
    /// (every county: the index holds the whole library).
    pub async fn indexable(&self, ids: Option<&[i64]>, after: i64, limit: u64) -> Result<Vec<Item>> {
        let mut q = library_resource::Entity::find()
            .filter(library_resource::Column::Status.eq(ResourceStatus::Active))
            .filter(library_resource::Column::Id.gt(after));
        if let Some(ids) = ids {
            q = q.filter(library_resource::Column::Id.is_in(ids.iter().copied()));
        }
        let resources = q.order_by_asc(library_resource::Column::Id).limit(limit).all(&self.db).await?;
        let files = library_file::Entity::find()
            .filter(library_file::Column::ResourceId.is_in(resources.iter().map(|r| r.id)))
            .order_by_asc(library_file::Column::Version)
            .all(&self.db)
            .await?;
        // The last version of each wins.
        let mut current = std::collections::HashMap::new();
        for f in files {
            current.insert(f.resource_id, f);
        }
        Ok(resources.into_iter().filter_map(|r| current.remove(&r.id).map(|file| Item { resource: r, file })).collect())
    }

    /// (id, revision + counted) of every active resource, to compare with the index.
    pub async fn active_revisions(&self) -> Result<Vec<(i64, i64)>> {
        Ok(library_resource::Entity::find()
            .select_only()
            .column(library_resource::Column::Id)
            .column_as(Expr::col(library_resource::Column::Revision).add(Expr::col(library_resource::Column::Counted)), "stamp")
            .filter(library_resource::Column::Status.eq(ResourceStatus::Active))
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// Uploads, downloads and ratings in `[from, to)` in the county, for the figures.
    pub async fn library_events(&self, county_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<UseEvent>> {
        let resources: Vec<(i64, Option<i64>, DateTime<Utc>)> = library_resource::Entity::find()
            .select_only()
            .column(library_resource::Column::Id)
            .column(library_resource::Column::SchoolId)
            .column(library_resource::Column::CreatedAt)
            .filter(library_resource::Column::CountyId.eq(county_id))
            .into_tuple()
            .all(&self.db)
            .await?;
        let owner: std::collections::HashMap<i64, Option<i64>> = resources.iter().map(|(id, s, _)| (*id, *s)).collect();
        let mut out: Vec<UseEvent> = resources
            .iter()
            .filter(|(_, _, at)| *at >= from && *at < to)
            .map(|(id, school, at)| UseEvent {
                what: UseKind::Upload,
                resource_id: *id,
                owner_school: *school,
                by_school: *school,
                at: *at,
                stars: 0,
            })
            .collect();
        let downloads = library_download::Entity::find()
            .filter(library_download::Column::CountyId.eq(county_id))
            .filter(library_download::Column::At.gte(from))
            .filter(library_download::Column::At.lt(to))
            .all(&self.db)
            .await?;
        out.extend(downloads.into_iter().map(|d| UseEvent {
            what: UseKind::Download,
            resource_id: d.resource_id,
            owner_school: owner.get(&d.resource_id).copied().flatten(),
            by_school: d.school_id,
            at: d.at,
            stars: 0,
        }));
        let ratings = library_rating::Entity::find()
            .filter(library_rating::Column::CountyId.eq(county_id))
            .filter(library_rating::Column::At.gte(from))
            .filter(library_rating::Column::At.lt(to))
            .all(&self.db)
            .await?;
        out.extend(ratings.into_iter().map(|r| UseEvent {
            what: UseKind::Rating,
            resource_id: r.resource_id,
            owner_school: owner.get(&r.resource_id).copied().flatten(),
            by_school: r.school_id,
            at: r.at,
            stars: r.stars,
        }));
        Ok(out)
    }

    /// A person's collections and the clusters' collections of `clusters`.
    pub async fn collections(&self, county_id: i64, owner_id: i64, clusters: &[i64]) -> Result<Vec<library_collection::Model>> {
        use sea_orm::Condition;
        Ok(library_collection::Entity::find()
            .filter(library_collection::Column::CountyId.eq(county_id))
            .filter(
                Condition::any()
                    .add(library_collection::Column::OwnerId.eq(owner_id))
                    .add(library_collection::Column::ClusterId.is_in(clusters.iter().copied())),
            )
            .order_by_asc(library_collection::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn collection(&self, county_id: i64, id: i64) -> Result<Option<library_collection::Model>> {
        Ok(library_collection::Entity::find_by_id(id).filter(library_collection::Column::CountyId.eq(county_id)).one(&self.db).await?)
    }

    pub async fn create_collection(
        &self,
        ctx: &Ctx,
        owner_id: Option<i64>,
        cluster_id: Option<i64>,
        name: &str,
    ) -> Result<library_collection::Model> {
        let txn = self.write().await?;
        let c = library_collection::ActiveModel {
            county_id: Set(ctx.county_id),
            owner_id: Set(owner_id),
            cluster_id: Set(cluster_id),
            name: Set(name.to_string()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(&txn, ctx, "create", "library_collection", Some(c.id), None, Some(json(&c))).await?;
        txn.commit().await?;
        Ok(c)
    }

    /// Puts a resource into a collection (once) or takes it out.
    pub async fn set_in_collection(&self, ctx: &Ctx, collection_id: i64, resource_id: i64, inside: bool) -> Result<()> {
        let txn = self.write().await?;
        let existing = library_collection_item::Entity::find()
            .filter(library_collection_item::Column::CollectionId.eq(collection_id))
            .filter(library_collection_item::Column::ResourceId.eq(resource_id))
            .one(&txn)
            .await?;
        match (existing, inside) {
            (None, true) => {
                library_collection_item::ActiveModel {
                    county_id: Set(ctx.county_id),
                    collection_id: Set(collection_id),
                    resource_id: Set(resource_id),
                    added_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            (Some(item), false) => {
                library_collection_item::Entity::delete_by_id(item.id).exec(&txn).await?;
            }
            _ => return Ok(()),
        }
        let action = if inside { "collect" } else { "uncollect" };
        audit(&txn, ctx, action, "library_collection", Some(collection_id), None, Some(resource_id.to_string())).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The resources in a collection, the latest added first.
    pub async fn collection_items(&self, county_id: i64, collection_id: i64) -> Result<Vec<i64>> {
        Ok(library_collection_item::Entity::find()
            .select_only()
            .column(library_collection_item::Column::ResourceId)
            .filter(library_collection_item::Column::CountyId.eq(county_id))
            .filter(library_collection_item::Column::CollectionId.eq(collection_id))
            .order_by_desc(library_collection_item::Column::AddedAt)
            .into_tuple()
            .all(&self.db)
            .await?)
    }
}
