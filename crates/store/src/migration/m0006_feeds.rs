//! Calendar feeds: a secret address per person or per facility that calendar programs subscribe
//! to without a session; stored only hashed, revocable. Frozen: never edit.

use super::create_indexes;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_feeds"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("feed_token"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("user_id"))
                    .col(big_integer_null("facility_id"))
                    .col(string("token_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_feed_token_county_id")
                            .from(Alias::new("feed_token"), Alias::new("county_id"))
                            .to(Alias::new("county"), Alias::new("id"))
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_feed_token_user_id")
                            .from(Alias::new("feed_token"), Alias::new("user_id"))
                            .to(Alias::new("app_user"), Alias::new("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_feed_token_facility_id")
                            .from(Alias::new("feed_token"), Alias::new("facility_id"))
                            .to(Alias::new("facility"), Alias::new("id"))
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            &[("feed_token", "ux_feed_token_hash", &["token_hash"], true), ("feed_token", "ix_feed_token_user", &["user_id"], false)],
        )
        .await
    }
}
