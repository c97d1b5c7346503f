//! Schema migrations, run at every start on SQLite and PostgreSQL alike.
//!
//! The first migration derives its tables from the entities (one definition for both backends)
//! and adds the indexes every list filter and uniqueness rule needs. Later migrations must be
//! written as explicit changes, never by editing this one.

use crate::entities::*;
use sea_orm::{EntityTrait, Schema};
use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(M0001Registry), Box::new(M0002Plans)]
    }
}

struct M0001Registry;

impl MigrationName for M0001Registry {
    fn name(&self) -> &str {
        "m0001_registry"
    }
}

async fn create<E: EntityTrait>(manager: &SchemaManager<'_>, schema: &Schema, entity: E) -> Result<(), DbErr> {
    manager.create_table(schema.create_table_from_entity(entity)).await
}

/// `(table, name, columns, unique)` of every index.
const INDEXES: &[(&str, &str, &[&str], bool)] = &[
    ("school", "ux_school_code", &["county_id", "code"], true),
    ("school", "ix_school_list", &["county_id", "status", "school_type"], false),
    ("school_stat", "ux_school_stat_year", &["school_id", "year"], true),
    ("school_stat", "ix_school_stat_county", &["county_id", "year"], false),
    ("teacher", "ux_teacher_staff_no", &["county_id", "staff_no"], true),
    ("teacher", "ix_teacher_school", &["county_id", "school_id", "status"], false),
    ("facility", "ux_facility_name", &["school_id", "name"], true),
    ("facility", "ix_facility_list", &["county_id", "status", "kind"], false),
    ("cluster", "ix_cluster_county", &["county_id", "status"], false),
    ("cluster_member", "ix_member_cluster", &["cluster_id", "left_on"], false),
    ("cluster_member", "ix_member_school", &["school_id", "level", "left_on"], false),
    ("cluster_officer", "ix_officer_cluster", &["cluster_id"], false),
    ("app_user", "ix_user_county", &["county_id"], false),
    ("session", "ix_session_user", &["user_id"], false),
    ("audit_log", "ix_audit_county", &["county_id", "at"], false),
];

#[async_trait::async_trait]
impl MigrationTrait for M0001Registry {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let schema = Schema::new(manager.get_database_backend());
        create(manager, &schema, county::Entity).await?;
        create(manager, &schema, school::Entity).await?;
        create(manager, &schema, school_stat::Entity).await?;
        create(manager, &schema, teacher::Entity).await?;
        create(manager, &schema, facility::Entity).await?;
        create(manager, &schema, cluster::Entity).await?;
        create(manager, &schema, cluster_member::Entity).await?;
        create(manager, &schema, cluster_officer::Entity).await?;
        create(manager, &schema, user::Entity).await?;
        create(manager, &schema, session::Entity).await?;
        create(manager, &schema, audit_log::Entity).await?;
        for (table, name, columns, unique) in INDEXES {
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
}

/// Cluster plans (issue 5).
struct M0002Plans;

impl MigrationName for M0002Plans {
    fn name(&self) -> &str {
        "m0002_plans"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002Plans {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let schema = Schema::new(manager.get_database_backend());
        create(manager, &schema, plan::Entity).await?;
        manager.create_index(Index::create().name("ix_plan_county").table(Alias::new("plan")).col(Alias::new("county_id")).to_owned()).await
    }
}
