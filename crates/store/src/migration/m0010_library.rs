//! The teaching-resource library: resources with their file versions (stored by content hash;
//! the extracted text kept for the index), downloads, ratings, comments, and collections (a
//! person's favourites, a cluster's curated sets). Frozen: never edit.

use super::create_indexes;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0010_library"
    }
}

fn fk(table: &str, column: &str, parent: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(Alias::new(table), Alias::new(column))
        .to(Alias::new(parent), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn one_of(column: &str, values: &[&str]) -> SimpleExpr {
    Expr::col(Alias::new(column)).is_in(values.iter().copied())
}

const SUBJECTS: &[&str] = &[
    "chinese",
    "math",
    "english",
    "physics",
    "chemistry",
    "biology",
    "history",
    "geography",
    "politics",
    "science",
    "pe",
    "music",
    "art",
    "it",
    "other",
];
const KINDS: &[&str] =
    &["courseware", "lesson_plan", "study_guide", "test", "micro_lesson", "research", "school_course", "project_report", "other"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let at = timestamp_with_time_zone;
        let counter = |name: &'static str| {
            let mut column = big_integer(name);
            column.default(0).check(Expr::col(Alias::new(name)).gte(0));
            column
        };
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("library_resource"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer_null("school_id"))
                    .col(big_integer_null("cluster_id"))
                    .col(big_integer("uploader_id"))
                    .col(string("uploader_name"))
                    .col(string("title"))
                    .col(text("description"))
                    .col(string("subject").check(one_of("subject", SUBJECTS)))
                    .col(integer("grade").check(Expr::col(Alias::new("grade")).between(0, 9)))
                    .col(string("edition"))
                    .col(string("chapter"))
                    .col(string("kind").check(one_of("kind", KINDS)))
                    .col(string("tags"))
                    .col(string("sharing").check(one_of("sharing", &["school", "cluster", "county"])))
                    .col(string("status").check(one_of("status", &["active", "withdrawn", "taken_down"])))
                    .col(string("status_reason"))
                    .col(string("status_by"))
                    .col(counter("downloads"))
                    .col(counter("rating_sum"))
                    .col(counter("rating_count"))
                    .col(big_integer("revision"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .check(Expr::col(Alias::new("sharing")).ne("cluster").or(Expr::col(Alias::new("cluster_id")).is_not_null()))
                    .foreign_key(&mut fk("library_resource", "county_id", "county"))
                    .foreign_key(&mut fk("library_resource", "school_id", "school"))
                    .foreign_key(&mut fk("library_resource", "cluster_id", "cluster"))
                    .foreign_key(&mut fk("library_resource", "uploader_id", "app_user"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("library_file"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("resource_id"))
                    .col(integer("version").check(Expr::col(Alias::new("version")).gte(1)))
                    .col(string("name"))
                    .col(string("hash"))
                    .col(big_integer("size").check(Expr::col(Alias::new("size")).gt(0)))
                    .col(string("mime"))
                    .col(string("family"))
                    .col(text("text"))
                    .col(string("text_status").check(one_of("text_status", &["read", "none", "failed"])))
                    .col(string("text_note"))
                    .col(string("uploaded_by"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("library_file", "county_id", "county"))
                    .foreign_key(&mut fk("library_file", "resource_id", "library_resource"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("library_download"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("resource_id"))
                    .col(big_integer("user_id"))
                    .col(big_integer_null("school_id"))
                    .col(at("at"))
                    .foreign_key(&mut fk("library_download", "county_id", "county"))
                    .foreign_key(&mut fk("library_download", "resource_id", "library_resource"))
                    .foreign_key(&mut fk("library_download", "user_id", "app_user"))
                    .foreign_key(&mut fk("library_download", "school_id", "school"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("library_rating"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("resource_id"))
                    .col(big_integer("user_id"))
                    .col(big_integer_null("school_id"))
                    .col(integer("stars").check(Expr::col(Alias::new("stars")).between(1, 5)))
                    .col(at("at"))
                    .foreign_key(&mut fk("library_rating", "county_id", "county"))
                    .foreign_key(&mut fk("library_rating", "resource_id", "library_resource"))
                    .foreign_key(&mut fk("library_rating", "user_id", "app_user"))
                    .foreign_key(&mut fk("library_rating", "school_id", "school"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("library_comment"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("resource_id"))
                    .col(big_integer("user_id"))
                    .col(string("author_name"))
                    .col(text("body"))
                    .col(at("at"))
                    .foreign_key(&mut fk("library_comment", "county_id", "county"))
                    .foreign_key(&mut fk("library_comment", "resource_id", "library_resource"))
                    .foreign_key(&mut fk("library_comment", "user_id", "app_user"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("library_collection"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer_null("owner_id"))
                    .col(big_integer_null("cluster_id"))
                    .col(string("name"))
                    .col(at("created_at"))
                    // A person's or a cluster's, never both.
                    .check(
                        Expr::col(Alias::new("owner_id")).is_null().and(Expr::col(Alias::new("cluster_id")).is_not_null()).or(Expr::col(
                            Alias::new("owner_id"),
                        )
                        .is_not_null()
                        .and(Expr::col(Alias::new("cluster_id")).is_null())),
                    )
                    .foreign_key(&mut fk("library_collection", "county_id", "county"))
                    .foreign_key(&mut fk("library_collection", "owner_id", "app_user"))
                    .foreign_key(&mut fk("library_collection", "cluster_id", "cluster"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("library_collection_item"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("collection_id"))
                    .col(big_integer("resource_id"))
                    .col(at("added_at"))
                    .foreign_key(&mut fk("library_collection_item", "county_id", "county"))
                    .foreign_key(&mut fk("library_collection_item", "collection_id", "library_collection"))
                    .foreign_key(&mut fk("library_collection_item", "resource_id", "library_resource"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            &[
                ("library_resource", "ix_library_resource_county", &["county_id", "status"], false),
                ("library_resource", "ix_library_resource_school", &["school_id", "created_at"], false),
                ("library_resource", "ix_library_resource_uploader", &["uploader_id"], false),
                ("library_file", "ux_library_file_version", &["resource_id", "version"], true),
                ("library_file", "ix_library_file_hash", &["hash"], false),
                ("library_download", "ix_library_download_resource", &["resource_id"], false),
                ("library_download", "ix_library_download_county_at", &["county_id", "at"], false),
                ("library_rating", "ux_library_rating_user", &["resource_id", "user_id"], true),
                ("library_rating", "ix_library_rating_county_at", &["county_id", "at"], false),
                ("library_comment", "ix_library_comment_resource", &["resource_id", "at"], false),
                ("library_collection", "ix_library_collection_owner", &["county_id", "owner_id"], false),
                ("library_collection", "ix_library_collection_cluster", &["county_id", "cluster_id"], false),
                ("library_collection_item", "ux_library_collection_item", &["collection_id", "resource_id"], true),
            ],
        )
        .await
    }
}
