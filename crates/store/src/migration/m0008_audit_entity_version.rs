//! An index for the newest audit entry of one kind of record in a county: what "what is free"
//! keeps in memory (facilities, their rules, calendars, schools, clusters) is valid while none of
//! those kinds has a newer entry, and each is found by one seek. Frozen: never edit.

use super::create_indexes;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0008_audit_entity_version"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(manager, &[("audit_log", "ix_audit_entity_version", &["county_id", "entity", "id"], false)]).await
    }
}
