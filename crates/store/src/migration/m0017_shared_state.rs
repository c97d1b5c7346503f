//! What several instances of the server on one database share instead of keeping it each in
//! its own memory: the events that drop cached sessions (a sign-out, an account disabled or
//! reset, a cluster head's scope changed), the failed sign-ins that throttle guessing, and the
//! periods of periodic work already claimed by an instance.
//! Frozen: never edit.

use super::create_indexes;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0017_shared_state"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("session_event"))
                    .col(big_pk_auto("id"))
                    // The account whose cached sessions are dropped; none: every account's.
                    .col(big_integer_null("user_id"))
                    .col(timestamp_with_time_zone("at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("login_failure"))
                    .col(big_pk_auto("id"))
                    .col(string("username"))
                    .col(string("source"))
                    .col(timestamp_with_time_zone("at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("periodic_run"))
                    .col(big_pk_auto("id"))
                    .col(string("task"))
                    .col(timestamp_with_time_zone("period"))
                    .col(string("instance"))
                    .col(timestamp_with_time_zone("at"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            &[
                ("periodic_run", "ux_periodic_run", &["task", "period"], true),
                ("login_failure", "ix_login_failure_name", &["username", "source", "at"], false),
                ("login_failure", "ix_login_failure_source", &["source", "at"], false),
                ("session_event", "ix_session_event_at", &["at"], false),
            ],
        )
        .await
    }
}
