//! Teacher exchange: the county's settings, the schools' exclusions, the moves with both
//! schools' agreement and the bureau's confirmation, and mentorship pairs with their meetings.
//! Frozen: never edit.

use super::create_indexes;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_exchange"
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

fn one_of(column: &str, values: &[&str]) -> SimpleExpr {
    Expr::col(Alias::new(column)).is_in(values.iter().copied())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let at = timestamp_with_time_zone;
        let at_null = timestamp_with_time_zone_null;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("exchange_settings"))
                    .col(big_integer("county_id").primary_key())
                    .col(string("settings"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk("exchange_settings", "county_id", "county"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("exchange_exclusion"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("teacher_id"))
                    .col(big_integer("school_id"))
                    .col(integer("year"))
                    .col(string("reason").check(one_of("reason", &["illness", "retiring", "pregnancy", "already_rotated", "other"])))
                    .col(string("note"))
                    .col(string("created_by"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("exchange_exclusion", "county_id", "county"))
                    .foreign_key(&mut fk("exchange_exclusion", "teacher_id", "teacher"))
                    .foreign_key(&mut fk("exchange_exclusion", "school_id", "school"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("exchange_move"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("teacher_id"))
                    .col(big_integer("from_school_id"))
                    .col(big_integer("to_school_id"))
                    .col(string("form").check(one_of("form", &["rotation", "support", "itinerant", "cross_teaching", "secondment"])))
                    .col(string("subject"))
                    .col(integer("year"))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(integer("load_percent").check(Expr::col(Alias::new("load_percent")).between(1, 100)))
                    .col(string("weekdays"))
                    .col(string("fills"))
                    .col(double_null("km"))
                    .col(string("origin").check(one_of("origin", &["plan", "hand"])))
                    .col(
                        string("status")
                            .check(one_of("status", &["proposed", "approved", "confirmed", "active", "returned", "declined", "withdrawn"])),
                    )
                    .col(big_integer_null("proposed_by"))
                    .col(string("proposed_by_name"))
                    .col(string_null("sending_agreed_by"))
                    .col(at_null("sending_agreed_at"))
                    .col(string_null("receiving_agreed_by"))
                    .col(at_null("receiving_agreed_at"))
                    .col(string_null("confirmed_by"))
                    .col(at_null("confirmed_at"))
                    .col(string_null("decided_by"))
                    .col(string("reason"))
                    .col(at_null("started_at"))
                    .col(at_null("returned_at"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .check(Expr::col(Alias::new("ends_on")).gt(Expr::col(Alias::new("starts_on"))))
                    .check(Expr::col(Alias::new("to_school_id")).ne(Expr::col(Alias::new("from_school_id"))))
                    .foreign_key(&mut fk("exchange_move", "county_id", "county"))
                    .foreign_key(&mut fk("exchange_move", "teacher_id", "teacher"))
                    .foreign_key(&mut fk("exchange_move", "from_school_id", "school"))
                    .foreign_key(&mut fk("exchange_move", "to_school_id", "school"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("mentorship"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("mentor_id"))
                    .col(big_integer("mentee_id"))
                    .col(string("subject"))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(string("goal"))
                    .col(string("status").check(one_of("status", &["active", "ended"])))
                    .col(string("created_by"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .check(Expr::col(Alias::new("mentee_id")).ne(Expr::col(Alias::new("mentor_id"))))
                    .check(Expr::col(Alias::new("ends_on")).gt(Expr::col(Alias::new("starts_on"))))
                    .foreign_key(&mut fk("mentorship", "county_id", "county"))
                    .foreign_key(&mut fk("mentorship", "mentor_id", "teacher"))
                    .foreign_key(&mut fk("mentorship", "mentee_id", "teacher"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("mentorship_meeting"))
                    .col(big_pk_auto("id"))
                    .col(big_integer("county_id"))
                    .col(big_integer("mentorship_id"))
                    .col(date("held_on"))
                    .col(integer("minutes").check(Expr::col(Alias::new("minutes")).between(1, 1440)))
                    .col(string("kind").check(one_of("kind", &["observation", "demonstration", "planning", "review", "other"])))
                    .col(string("notes"))
                    .col(string("recorded_by"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("mentorship_meeting", "county_id", "county"))
                    .foreign_key(&mut fk("mentorship_meeting", "mentorship_id", "mentorship"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            &[
                ("exchange_exclusion", "ux_exchange_exclusion_teacher_year", &["teacher_id", "year"], true),
                ("exchange_exclusion", "ix_exchange_exclusion_county_year", &["county_id", "year"], false),
                ("exchange_move", "ix_exchange_move_county_year", &["county_id", "year"], false),
                ("exchange_move", "ix_exchange_move_teacher", &["teacher_id", "starts_on"], false),
                ("exchange_move", "ix_exchange_move_from", &["from_school_id", "status"], false),
                ("exchange_move", "ix_exchange_move_to", &["to_school_id", "status"], false),
                ("mentorship", "ix_mentorship_county", &["county_id", "status"], false),
                ("mentorship", "ix_mentorship_mentor", &["mentor_id"], false),
                ("mentorship", "ix_mentorship_mentee", &["mentee_id"], false),
                ("mentorship_meeting", "ix_mentorship_meeting_pair", &["mentorship_id", "held_on"], false),
            ],
        )
        .await
    }
}
