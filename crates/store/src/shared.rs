//! State every instance of the server reads from the database instead of its own memory, so
//! that several instances on one PostgreSQL behave as one: the events that drop cached
//! sessions, the failed sign-ins that throttle guessing, and who runs each period's periodic
//! work.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::{Result, Store};

/// An event that drops cached sessions: of one account, or of every account.
pub mod session_event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "session_event")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: Option<i64>,
        pub at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A wrong password for a name from an address.
pub mod login_failure {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_failure")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub username: String,
        pub source: String,
        pub at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A period of a periodic task, claimed by the instance that runs it.
pub mod periodic_run {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "periodic_run")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub task: String,
        pub period: DateTimeUtc,
        pub instance: String,
        pub at: DateTimeUtc,
    }
    entity_boilerplate!();
}

impl Store {
    /// Claims the period beginning at `period` of `task` for `instance`: true for the one
    /// instance that claims it first (it does the work), false for every other.
    pub async fn claim_period(&self, task: &str, period: DateTime<Utc>, instance: &str) -> Result<bool> {
        use sea_orm::sea_query::OnConflict;
        let row = periodic_run::ActiveModel {
            task: Set(task.to_string()),
            period: Set(period),
            instance: Set(instance.to_string()),
            at: Set(Utc::now()),
            ..Default::default()
        };
        let claimed = periodic_run::Entity::insert(row)
            .on_conflict(OnConflict::columns([periodic_run::Column::Task, periodic_run::Column::Period]).do_nothing().to_owned())
            .exec(&self.db)
            .await;
        match claimed {
            Ok(_) => Ok(true),
            Err(sea_orm::DbErr::RecordNotInserted) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Records that the cached sessions of `user` (every account's when `None`) must be dropped.
    pub async fn session_event(&self, user: Option<i64>) -> Result<i64> {
        let row = session_event::ActiveModel { user_id: Set(user), at: Set(Utc::now()), ..Default::default() };
        Ok(session_event::Entity::insert(row).exec(&self.db).await?.last_insert_id)
    }

    /// The newest event's id (0 when there is none): where an instance starts following.
    pub async fn last_session_event(&self) -> Result<i64> {
        let newest = session_event::Entity::find().order_by_desc(session_event::Column::Id).one(&self.db).await?;
        Ok(newest.map_or(0, |e| e.id))
    }

    /// The events after `id`, oldest first (at most 1,000: the rest on the next call).
    pub async fn session_events_after(&self, id: i64) -> Result<Vec<session_event::Model>> {
        Ok(session_event::Entity::find()
            .filter(session_event::Column::Id.gt(id))
            .order_by_asc(session_event::Column::Id)
            .limit(1_000)
            .all(&self.db)
            .await?)
    }

    /// Counts a wrong password for `username` from `source`.
    pub async fn login_failed(&self, username: &str, source: &str) -> Result<()> {
        let row = login_failure::ActiveModel {
            username: Set(username.to_string()),
            source: Set(source.to_string()),
            at: Set(Utc::now()),
            ..Default::default()
        };
        login_failure::Entity::insert(row).exec(&self.db).await?;
        Ok(())
    }

    /// Wrong passwords since `since`: for `username` from `source`, and from `source` for any name.
    pub async fn login_failures(&self, username: &str, source: &str, since: DateTime<Utc>) -> Result<(u64, u64)> {
        let recent =
            || login_failure::Entity::find().filter(login_failure::Column::Source.eq(source)).filter(login_failure::Column::At.gt(since));
        let by_name = recent().filter(login_failure::Column::Username.eq(username)).count(&self.db).await?;
        let by_source = recent().count(&self.db).await?;
        Ok((by_name, by_source))
    }

    /// Forgets the wrong passwords for `username` from `source` (it signed in).
    pub async fn login_succeeded(&self, username: &str, source: &str) -> Result<()> {
        login_failure::Entity::delete_many()
            .filter(login_failure::Column::Username.eq(username))
            .filter(login_failure::Column::Source.eq(source))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Drops session events, failed sign-ins and claimed periods older than `before` (nobody
    /// reads them again).
    pub async fn prune_shared_state(&self, before: DateTime<Utc>) -> Result<u64> {
        let events = session_event::Entity::delete_many().filter(session_event::Column::At.lt(before)).exec(&self.db).await?.rows_affected;
        let failures =
            login_failure::Entity::delete_many().filter(login_failure::Column::At.lt(before)).exec(&self.db).await?.rows_affected;
        let runs = periodic_run::Entity::delete_many().filter(periodic_run::Column::At.lt(before)).exec(&self.db).await?.rows_affected;
        Ok(events + failures + runs)
    }
}
