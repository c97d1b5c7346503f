//! Evidence files (佐证材料) an evaluator attaches to a cluster's scored indicator in a round:
//! the bytes live in the library's archive by hash, like the running module's files.
//! Frozen: never edit.

use super::create_indexes;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0016_evaluation_evidence"
    }
}

fn fk(column: &str, parent: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_evaluation_evidence_{column}"))
        .from(Alias::new("evaluation_evidence"), Alias::new(column))
        .to(Alias::new(parent), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("evaluation_evidence"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("round_id"))
                    .col(big_integer("cluster_id"))
                    .col(string("code"))
                    .col(string("name"))
                    .col(string("hash"))
                    .col(big_integer("size"))
                    .col(string("mime"))
                    .col(string("family"))
                    .col(big_integer("user_id"))
                    .col(string("uploaded_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("county_id", "county"))
                    .foreign_key(&mut fk("round_id", "evaluation_round"))
                    .foreign_key(&mut fk("cluster_id", "cluster"))
                    .foreign_key(&mut fk("user_id", "app_user"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            &[
                ("evaluation_evidence", "ix_evaluation_evidence_cluster", &["round_id", "cluster_id"], false),
                ("evaluation_evidence", "ix_evaluation_evidence_hash", &["hash"], false),
            ],
        )
        .await
    }
}
