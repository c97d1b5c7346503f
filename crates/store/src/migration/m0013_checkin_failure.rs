//! Wrong check-in codes, counted in the database (not in one server's memory) so that the limit
//! holds across restarts and across servers sharing one database: one row per attempt still
//! being answered or answered wrong, with its account, activity and time. Frozen: never edit.

use super::create_indexes;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0013_checkin_failure"
    }
}

fn fk(column: &str, parent: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_checkin_failure_{column}"))
        .from(Alias::new("checkin_failure"), Alias::new(column))
        .to(Alias::new(parent), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("checkin_failure"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("user_id"))
                    .col(big_integer("activity_id"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(&mut fk("county_id", "county"))
                    .foreign_key(&mut fk("user_id", "app_user"))
                    .foreign_key(&mut fk("activity_id", "activity"))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, &[("checkin_failure", "ix_checkin_failure_activity", &["activity_id", "at"], false)]).await
    }
}
