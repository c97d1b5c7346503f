//! A resource's counters (downloads, ratings) change apart from its content: `counted` moves
//! with every download or rating, so the search index can tell it is behind (it holds
//! `revision + counted`) while `revision` stays the version an editor read. Frozen: never edit.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_resource_counts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("library_resource"))
                    .add_column(ColumnDef::new(Alias::new("counted")).big_integer().not_null().default(0))
                    .to_owned(),
            )
            .await
    }
}
