//! Schema migrations, run at every start on SQLite and PostgreSQL alike.
//!
//! Each migration is written out column by column and never edited once released: a database
//! created by any release migrates forward to this one (the test `migrate.rs` opens databases
//! made by release 0.1 and checks nothing is lost). Entities describe what the code reads; they
//! never decide what a fresh install creates. A change of schema is a new migration file here
//! and one line in [`Migrator::migrations`].

mod m0001_registry;
mod m0002_plans;
mod m0003_integrity;
mod m0004_account_version;
mod m0005_bookings;
mod m0006_feeds;
mod m0007_booking_outcomes;
mod m0008_audit_entity_version;
mod m0009_exchange;
mod m0010_library;
mod m0011_running;
mod m0012_resource_counts;
mod m0013_checkin_failure;
mod m0014_teacher_post;
mod m0015_evaluation;
mod m0016_evaluation_evidence;
mod m0017_shared_state;

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_registry::Migration),
            Box::new(m0002_plans::Migration),
            Box::new(m0003_integrity::Migration),
            Box::new(m0004_account_version::Migration),
            Box::new(m0005_bookings::Migration),
            Box::new(m0006_feeds::Migration),
            Box::new(m0007_booking_outcomes::Migration),
            Box::new(m0008_audit_entity_version::Migration),
            Box::new(m0009_exchange::Migration),
            Box::new(m0010_library::Migration),
            Box::new(m0011_running::Migration),
            Box::new(m0012_resource_counts::Migration),
            Box::new(m0013_checkin_failure::Migration),
            Box::new(m0014_teacher_post::Migration),
            Box::new(m0015_evaluation::Migration),
            Box::new(m0016_evaluation_evidence::Migration),
            Box::new(m0017_shared_state::Migration),
        ]
    }
}

/// `(table, name, columns, unique)` of an index.
pub(crate) type IndexDef = (&'static str, &'static str, &'static [&'static str], bool);

pub(crate) async fn create_indexes(manager: &SchemaManager<'_>, indexes: &[IndexDef]) -> Result<(), DbErr> {
    for (table, name, columns, unique) in indexes {
        let mut index = Index::create();
        index.name(*name).table(Alias::new(*table));
        for column in *columns {
            index.col(Alias::new(*column));
        }
        if *unique {
            index.unique();
        }
        manager.create_index(index).await?;
    }
    Ok(())
}
