//! The teaching-resource library: resources, their file versions, downloads, ratings, comments
//! and collections.

/// A shared resource: what it is, with whom it is shared, where it stands, and its counts.
pub mod library_resource {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "library_resource")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub school_id: Option<i64>,
        /// The cluster it is shared with (its school's at the time of sharing).
        pub cluster_id: Option<i64>,
        pub uploader_id: i64,
        pub uploader_name: String,
        pub title: String,
        pub description: String,
        pub subject: xuequ_domain::Subject,
        pub grade: i32,
        pub edition: String,
        pub chapter: String,
        pub kind: xuequ_domain::library::Kind,
        /// Tags joined by `,`.
        pub tags: String,
        pub sharing: xuequ_domain::library::Sharing,
        pub status: xuequ_domain::library::ResourceStatus,
        /// Why it was taken down or withdrawn, and by whom.
        pub status_reason: String,
        pub status_by: String,
        pub downloads: i64,
        pub rating_sum: i64,
        pub rating_count: i64,
        /// Raised by every change of what describes the resource, its file or its status: the
        /// version an editor read (a download or a rating never makes an edit stale).
        pub revision: i64,
        /// Raised by every download and rating: the index holds `revision + counted`.
        pub counted: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// One version of a resource's file: where its bytes are (by SHA-256) and the text read from it.
pub mod library_file {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "library_file")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub resource_id: i64,
        pub version: i32,
        pub name: String,
        pub hash: String,
        pub size: i64,
        pub mime: String,
        pub family: String,
        #[serde(skip)]
        pub text: String,
        /// `read`, `none` (a kind whose text is not read) or `failed` (with the reason in
        /// `text_note`).
        pub text_status: xuequ_domain::library::TextStatus,
        pub text_note: String,
        pub uploaded_by: String,
        pub created_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A download: who, of which school, when.
pub mod library_download {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "library_download")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub county_id: i64,
        pub resource_id: i64,
        pub user_id: i64,
        pub school_id: Option<i64>,
        pub at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A person's rating of a resource (one per person; rating again replaces it).
pub mod library_rating {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "library_rating")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub county_id: i64,
        pub resource_id: i64,
        pub user_id: i64,
        pub school_id: Option<i64>,
        pub stars: i32,
        pub at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A comment on a resource.
pub mod library_comment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "library_comment")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub resource_id: i64,
        pub user_id: i64,
        pub author_name: String,
        pub body: String,
        pub at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A collection: a person's (owner) or a cluster's curated set.
pub mod library_collection {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "library_collection")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub owner_id: Option<i64>,
        pub cluster_id: Option<i64>,
        pub name: String,
        pub created_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod library_collection_item {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "library_collection_item")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub collection_id: i64,
        pub resource_id: i64,
        pub added_at: DateTimeUtc,
    }
    entity_boilerplate!();
}
