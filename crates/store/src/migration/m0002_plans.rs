//! Release 0.1: cluster plans. Frozen: never edit; change the schema in a later migration.

use super::create_indexes;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_plans"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let plan = Table::create()
            .table(Alias::new("plan"))
            .if_not_exists()
            .col(big_pk_auto("id"))
            .col(big_integer("county_id"))
            .col(string("name"))
            .col(string("stage"))
            .col(string("settings"))
            .col(string("clusters"))
            .col(string("created_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(date_null("applied_on"))
            .to_owned();
        manager.create_table(plan).await?;
        create_indexes(manager, &[("plan", "ix_plan_county", &["county_id"], false)]).await
    }
}
