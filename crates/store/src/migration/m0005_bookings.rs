//! Facility sharing: each facility's sharing rules, the county's and schools' calendars and bell
//! schedules, bookings, and the notification centre. Frozen: never edit.
//!
//! Two bookings that hold their slot (pending or confirmed) never overlap on one facility: the
//! store checks and inserts under a lock on the facility's row, and on PostgreSQL an exclusion
//! constraint over the time range (`btree_gist`) makes it a rule of the schema as well.

use super::create_indexes;
use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_bookings"
    }
}

fn fk(table: &str, column: &str, parent: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(Alias::new(table), Alias::new(column))
        .to(Alias::new(parent), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let at = timestamp_with_time_zone;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("facility_rule"))
                    .col(big_integer("facility_id").primary_key())
                    .col(big_integer("county_id"))
                    .col(string("rules"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk("facility_rule", "facility_id", "facility"))
                    .foreign_key(&mut fk("facility_rule", "county_id", "county"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("school_calendar"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer_null("school_id"))
                    .col(integer("year"))
                    .col(string("calendar"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk("school_calendar", "county_id", "county"))
                    .foreign_key(&mut fk("school_calendar", "school_id", "school"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("bell_schedule"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("school_id"))
                    .col(string("section").check(Expr::col(Alias::new("section")).is_in(["primary", "junior"])))
                    .col(string("periods"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk("bell_schedule", "county_id", "county"))
                    .foreign_key(&mut fk("bell_schedule", "school_id", "school"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("booking"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("facility_id"))
                    .col(big_integer("owner_school_id"))
                    .col(big_integer("school_id"))
                    .col(big_integer_null("requested_by"))
                    .col(string("requested_by_name"))
                    .col(big_integer_null("series_id"))
                    .col(at("starts_at"))
                    .col(at("ends_at"))
                    .col(string("status").check(Expr::col(Alias::new("status")).is_in(["pending", "confirmed", "declined", "cancelled"])))
                    .col(string("purpose"))
                    .col(string("group_name"))
                    .col(integer_null("attendees"))
                    .col(string_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(string("reason"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .check(Expr::col(Alias::new("ends_at")).gt(Expr::col(Alias::new("starts_at"))))
                    .foreign_key(&mut fk("booking", "county_id", "county"))
                    .foreign_key(&mut fk("booking", "facility_id", "facility"))
                    .foreign_key(&mut fk("booking", "owner_school_id", "school"))
                    .foreign_key(&mut fk("booking", "school_id", "school"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("notification"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("user_id"))
                    .col(string("kind"))
                    .col(string("args"))
                    .col(string("link"))
                    .col(at("created_at"))
                    .col(timestamp_with_time_zone_null("read_at"))
                    .foreign_key(&mut fk("notification", "county_id", "county"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notification_user_id")
                            .from(Alias::new("notification"), Alias::new("user_id"))
                            .to(Alias::new("app_user"), Alias::new("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            &[
                ("school_calendar", "ix_school_calendar_county_year", &["county_id", "year"], false),
                ("bell_schedule", "ix_bell_schedule_school", &["school_id", "section"], true),
                ("booking", "ix_booking_facility_start", &["facility_id", "starts_at"], false),
                ("booking", "ix_booking_owner_status", &["owner_school_id", "status"], false),
                ("booking", "ix_booking_school_start", &["school_id", "starts_at"], false),
                ("booking", "ix_booking_county_start", &["county_id", "starts_at"], false),
                ("booking", "ix_booking_series", &["series_id"], false),
                ("notification", "ix_notification_user", &["user_id", "read_at"], false),
            ],
        )
        .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            let db = manager.get_connection();
            db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS btree_gist").await?;
            db.execute_unprepared(
                "ALTER TABLE booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist \
                 (facility_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (status IN ('pending', 'confirmed'))",
            )
            .await?;
        }
        Ok(())
    }
}
