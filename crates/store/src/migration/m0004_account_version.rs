//! Accounts get a version: `updated_at`, set at every change of the account (existing accounts
//! start at their creation time). Frozen: never edit.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_account_version"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = ColumnDef::new(Alias::new("updated_at")).timestamp_with_time_zone().null().to_owned();
        manager.alter_table(Table::alter().table(Alias::new("app_user")).add_column(column).to_owned()).await?;
        manager.get_connection().execute_unprepared("UPDATE \"app_user\" SET \"updated_at\" = \"created_at\"").await?;
        Ok(())
    }
}
