//! Release 0.1: the registry, clusters, accounts, sessions and the audit log, as first created.
//! Frozen: never edit; change the schema in a later migration.

use super::{IndexDef, create_indexes};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_registry"
    }
}

const INDEXES: &[IndexDef] = &[
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

fn table(name: &'static str, columns: Vec<ColumnDef>) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new(name)).if_not_exists().col(big_pk_auto("id"));
    for mut c in columns {
        t.col(&mut c);
    }
    t.to_owned()
}

fn tables() -> Vec<TableCreateStatement> {
    let at = timestamp_with_time_zone;
    vec![
        table("county", vec![string_uniq("code"), string("name"), at("created_at")]),
        table(
            "school",
            vec![
                big_integer("county_id"),
                string("code"),
                string("name"),
                string("school_type"),
                string("locality"),
                string("township"),
                string("address"),
                double_null("latitude"),
                double_null("longitude"),
                boolean("legal_person"),
                big_integer_null("campus_of"),
                string("principal"),
                string("phone"),
                string("status"),
                at("created_at"),
                at("updated_at"),
            ],
        ),
        table(
            "school_stat",
            vec![
                big_integer("county_id"),
                big_integer("school_id"),
                integer("year"),
                integer("students_primary"),
                integer("students_junior"),
                integer("classes_primary"),
                integer("classes_junior"),
                integer_null("max_class_size"),
                double("teaching_area"),
                double("sports_area"),
                double("equipment_value"),
                integer("multimedia_rooms"),
                integer("books"),
                integer("computers"),
                at("updated_at"),
            ],
        ),
        table(
            "teacher",
            vec![
                big_integer("county_id"),
                big_integer("school_id"),
                string("staff_no"),
                string("name"),
                string("gender"),
                string("subject"),
                string_null("section"),
                string("degree"),
                string("title"),
                string("backbone"),
                date("joined_school_on"),
                integer_null("birth_year"),
                string("status"),
                at("created_at"),
                at("updated_at"),
            ],
        ),
        table(
            "facility",
            vec![
                big_integer("county_id"),
                big_integer("school_id"),
                string("name"),
                string("kind"),
                integer("capacity"),
                double_null("area"),
                string("open_hours"),
                boolean("shareable"),
                string("status"),
                at("created_at"),
                at("updated_at"),
            ],
        ),
        table(
            "cluster",
            vec![
                big_integer("county_id"),
                string("name"),
                string("form"),
                string("level"),
                big_integer("lead_school_id"),
                string("description"),
                date("founded_on"),
                date_null("dissolved_on"),
                string("status"),
                at("created_at"),
                at("updated_at"),
            ],
        ),
        table(
            "cluster_member",
            vec![
                big_integer("county_id"),
                big_integer("cluster_id"),
                big_integer("school_id"),
                string("role"),
                string("level"),
                date("joined_on"),
                date_null("left_on"),
            ],
        ),
        table(
            "cluster_officer",
            vec![big_integer("county_id"), big_integer("cluster_id"), string("role"), string("person_name"), big_integer_null("school_id")],
        ),
        table(
            "app_user",
            vec![
                big_integer("county_id"),
                string_uniq("username"),
                string("display_name"),
                string("password_hash"),
                string("role"),
                big_integer_null("school_id"),
                big_integer_null("cluster_id"),
                boolean("disabled"),
                boolean("must_change_password"),
                at("created_at"),
                timestamp_with_time_zone_null("last_login_at"),
            ],
        ),
        table(
            "session",
            vec![string_uniq("token_hash"), big_integer("user_id"), string("kind"), string("csrf"), at("created_at"), at("expires_at")],
        ),
        table(
            "audit_log",
            vec![
                big_integer("county_id"),
                big_integer_null("user_id"),
                string("username"),
                at("at"),
                string("action"),
                string("entity"),
                big_integer_null("entity_id"),
                string_null("before"),
                string_null("after"),
            ],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in tables() {
            manager.create_table(t).await?;
        }
        create_indexes(manager, INDEXES).await
    }
}
