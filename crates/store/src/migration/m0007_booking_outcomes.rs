//! Two more outcomes of a booking: a request nobody decided in time expires (`expired`), and a
//! confirmed booking nobody came to is marked by the lender (`no_show`). Frozen: never edit.
//!
//! Only the check on `status` changes. PostgreSQL replaces the constraint; SQLite cannot alter a
//! check, so the table is rebuilt with the same columns, rows, keys and indexes — as one script
//! on one connection inside a savepoint: another pooled connection would prepare the new
//! indexes against the schema it cached before the old table was dropped.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_booking_outcomes"
    }
}

const STATUSES: [&str; 6] = ["pending", "confirmed", "declined", "cancelled", "expired", "no_show"];

fn fk(column: &str, parent: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_booking_{column}"))
        .from(Alias::new("booking_new"), Alias::new(column))
        .to(Alias::new(parent), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("ALTER TABLE booking DROP CONSTRAINT booking_status_check").await?;
            let list = STATUSES.map(|s| format!("'{s}'")).join(", ");
            db.execute_unprepared(&format!("ALTER TABLE booking ADD CONSTRAINT booking_status_check CHECK (status IN ({list}))")).await?;
            return Ok(());
        }
        let at = timestamp_with_time_zone;
        let table = Table::create()
            .table(Alias::new("booking_new"))
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
            .col(string("status").check(Expr::col(Alias::new("status")).is_in(STATUSES)))
            .col(string("purpose"))
            .col(string("group_name"))
            .col(integer_null("attendees"))
            .col(string_null("decided_by"))
            .col(timestamp_with_time_zone_null("decided_at"))
            .col(string("reason"))
            .col(at("created_at"))
            .col(at("updated_at"))
            .check(Expr::col(Alias::new("ends_at")).gt(Expr::col(Alias::new("starts_at"))))
            .foreign_key(&mut fk("county_id", "county"))
            .foreign_key(&mut fk("facility_id", "facility"))
            .foreign_key(&mut fk("owner_school_id", "school"))
            .foreign_key(&mut fk("school_id", "school"))
            .to_owned();
        let backend = manager.get_database_backend();
        let mut script = vec!["SAVEPOINT booking_outcomes".to_string(), backend.build(&table).sql];
        script.extend(
            ["INSERT INTO booking_new SELECT * FROM booking", "DROP TABLE booking", "ALTER TABLE booking_new RENAME TO booking"]
                .map(String::from),
        );
        for (name, columns) in INDEXES {
            let mut index = Index::create();
            index.name(name).table(Alias::new("booking"));
            for column in columns {
                index.col(Alias::new(*column));
            }
            script.push(backend.build(&index).sql);
        }
        script.push("RELEASE booking_outcomes".to_string());
        db.execute_unprepared(&script.join(";\n")).await?;
        Ok(())
    }
}

/// The indexes of m0005, made again on the rebuilt table.
const INDEXES: [(&str, &[&str]); 5] = [
    ("ix_booking_facility_start", &["facility_id", "starts_at"]),
    ("ix_booking_owner_status", &["owner_school_id", "status"]),
    ("ix_booking_school_start", &["school_id", "starts_at"]),
    ("ix_booking_county_start", &["county_id", "starts_at"]),
    ("ix_booking_series", &["series_id"]),
];
