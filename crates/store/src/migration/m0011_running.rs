//! Running a cluster: the county's settings for it, the link from an account to its teacher
//! record, activities (invitations, sign-ups and attendance, reviews), training hours earned
//! outside activities, attachments, the cluster's yearly work plan with tasks, its council and
//! meetings with decisions, and budgets with expenditures. Amounts are integer fen; a budget
//! line's spending can never pass its amount (a check the database keeps, so concurrent
//! approvals cannot overspend). Frozen: never edit.

use super::create_indexes;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_running"
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

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

const KINDS: &[&str] = &[
    "joint_research",
    "collective_preparation",
    "same_lesson",
    "observation",
    "send_lessons",
    "lecture",
    "master_studio",
    "training",
    "student_academic",
    "student_arts_sports",
    "student_practice",
    "study_tour",
];
const CATEGORIES: &[&str] = &["research", "training", "exchange_allowance", "shared_equipment", "student_activities", "office", "other"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let at = timestamp_with_time_zone;
        let at_null = timestamp_with_time_zone_null;
        let fen = |name: &'static str| {
            let mut column = big_integer(name);
            column.check(col(name).gte(0));
            column
        };
        let tables = [
            Table::create()
                .table(Alias::new("running_settings"))
                .col(big_integer("county_id").primary_key())
                .col(string("settings"))
                .col(at("updated_at"))
                .foreign_key(&mut fk("running_settings", "county_id", "county"))
                .to_owned(),
            Table::create()
                .table(Alias::new("teacher_account"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("user_id"))
                .col(big_integer("teacher_id"))
                .col(string("linked_by"))
                .col(at("linked_at"))
                .foreign_key(&mut fk("teacher_account", "county_id", "county"))
                .foreign_key(&mut fk("teacher_account", "user_id", "app_user").on_delete(ForeignKeyAction::Cascade).to_owned())
                .foreign_key(&mut fk("teacher_account", "teacher_id", "teacher"))
                .to_owned(),
            Table::create()
                .table(Alias::new("activity"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer_null("cluster_id"))
                .col(string("kind").check(one_of("kind", KINDS)))
                .col(string("title"))
                .col(text("description"))
                .col(big_integer("host_school_id"))
                .col(string("place"))
                .col(big_integer_null("facility_id"))
                .col(big_integer_null("booking_id"))
                .col(at("starts_at"))
                .col(at("ends_at"))
                .col(string("subject"))
                .col(integer("grade").check(col("grade").between(0, 12)))
                .col(integer_null("capacity").check(col("capacity").gt(0)))
                .col(at_null("signup_deadline"))
                .col(integer("credit").check(col("credit").between(0, 80)))
                .col(string("secret"))
                .col(big_integer("organiser_id"))
                .col(string("organiser_name"))
                .col(string("status").check(one_of("status", &["scheduled", "cancelled"])))
                .col(string("status_reason"))
                .col(text("summary"))
                .col(string("summary_by"))
                .col(at_null("summary_at"))
                .col(big_integer("revision"))
                .col(at("created_at"))
                .col(at("updated_at"))
                .check(col("ends_at").gt(col("starts_at")))
                .foreign_key(&mut fk("activity", "county_id", "county"))
                .foreign_key(&mut fk("activity", "cluster_id", "cluster"))
                .foreign_key(&mut fk("activity", "host_school_id", "school"))
                .foreign_key(&mut fk("activity", "facility_id", "facility"))
                .foreign_key(&mut fk("activity", "booking_id", "booking"))
                .foreign_key(&mut fk("activity", "organiser_id", "app_user"))
                .to_owned(),
            Table::create()
                .table(Alias::new("activity_invite"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("activity_id"))
                .col(big_integer("school_id"))
                .foreign_key(&mut fk("activity_invite", "county_id", "county"))
                .foreign_key(&mut fk("activity_invite", "activity_id", "activity").on_delete(ForeignKeyAction::Cascade).to_owned())
                .foreign_key(&mut fk("activity_invite", "school_id", "school"))
                .to_owned(),
            Table::create()
                .table(Alias::new("activity_attendee"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("activity_id"))
                .col(big_integer("teacher_id"))
                .col(big_integer("school_id"))
                .col(string("origin").check(one_of("origin", &["signup", "assigned", "walk_in"])))
                .col(string("added_by"))
                .col(at("added_at"))
                .col(at_null("checked_in_at"))
                .col(string("checkin").check(one_of("checkin", &["", "code", "hand"])))
                .col(string("marked_by"))
                .col(integer("credit").check(col("credit").between(0, 80)))
                .foreign_key(&mut fk("activity_attendee", "county_id", "county"))
                .foreign_key(&mut fk("activity_attendee", "activity_id", "activity"))
                .foreign_key(&mut fk("activity_attendee", "teacher_id", "teacher"))
                .foreign_key(&mut fk("activity_attendee", "school_id", "school"))
                .to_owned(),
            Table::create()
                .table(Alias::new("activity_review"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("activity_id"))
                .col(big_integer("teacher_id"))
                .col(integer("stars").check(col("stars").between(1, 5)))
                .col(text("comment"))
                .col(at("created_at"))
                .foreign_key(&mut fk("activity_review", "county_id", "county"))
                .foreign_key(&mut fk("activity_review", "activity_id", "activity"))
                .foreign_key(&mut fk("activity_review", "teacher_id", "teacher"))
                .to_owned(),
            Table::create()
                .table(Alias::new("training_record"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("teacher_id"))
                .col(big_integer("school_id"))
                .col(string("category").check(one_of("category", &["school_based", "training"])))
                .col(string("title"))
                .col(string("provider"))
                .col(date("on_date"))
                .col(integer("hours").check(col("hours").between(1, 1200)))
                .col(string("entered_by"))
                .col(at("created_at"))
                .foreign_key(&mut fk("training_record", "county_id", "county"))
                .foreign_key(&mut fk("training_record", "teacher_id", "teacher"))
                .foreign_key(&mut fk("training_record", "school_id", "school"))
                .to_owned(),
            // Files attached to an activity's record, a plan task (evidence), a meeting or an
            // expenditure (receipt); the bytes live in the library's archive, by hash.
            Table::create()
                .table(Alias::new("running_file"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(string("owner_kind").check(one_of("owner_kind", &["activity", "task", "meeting", "expenditure"])))
                .col(big_integer("owner_id"))
                .col(string("name"))
                .col(string("hash"))
                .col(big_integer("size").check(col("size").gt(0)))
                .col(string("mime"))
                .col(string("family"))
                .col(string("uploaded_by"))
                .col(at("created_at"))
                .foreign_key(&mut fk("running_file", "county_id", "county"))
                .to_owned(),
            Table::create()
                .table(Alias::new("work_plan"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("cluster_id"))
                .col(integer("year"))
                .col(string("title"))
                .col(text("goals"))
                .col(string("updated_by"))
                .col(big_integer("revision"))
                .col(at("created_at"))
                .col(at("updated_at"))
                .foreign_key(&mut fk("work_plan", "county_id", "county"))
                .foreign_key(&mut fk("work_plan", "cluster_id", "cluster"))
                .to_owned(),
            Table::create()
                .table(Alias::new("plan_task"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("plan_id"))
                .col(string("title"))
                .col(big_integer_null("owner_school_id"))
                .col(date("due_on"))
                .col(string("status").check(one_of("status", &["planned", "in_progress", "done", "dropped"])))
                .col(date_null("done_on"))
                .col(text("note"))
                .col(string("updated_by"))
                .col(big_integer("revision"))
                .col(at("created_at"))
                .col(at("updated_at"))
                .foreign_key(&mut fk("plan_task", "county_id", "county"))
                .foreign_key(&mut fk("plan_task", "plan_id", "work_plan"))
                .foreign_key(&mut fk("plan_task", "owner_school_id", "school"))
                .to_owned(),
            Table::create()
                .table(Alias::new("council_member"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("cluster_id"))
                .col(string("name"))
                .col(big_integer_null("school_id"))
                .col(string("role"))
                .col(date("since"))
                .col(date_null("until"))
                .foreign_key(&mut fk("council_member", "county_id", "county"))
                .foreign_key(&mut fk("council_member", "cluster_id", "cluster"))
                .foreign_key(&mut fk("council_member", "school_id", "school"))
                .to_owned(),
            Table::create()
                .table(Alias::new("council_meeting"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("cluster_id"))
                .col(date("held_on"))
                .col(string("title"))
                .col(string("place"))
                .col(text("present"))
                .col(text("minutes"))
                .col(string("recorded_by"))
                .col(at("created_at"))
                .foreign_key(&mut fk("council_meeting", "county_id", "county"))
                .foreign_key(&mut fk("council_meeting", "cluster_id", "cluster"))
                .to_owned(),
            Table::create()
                .table(Alias::new("meeting_decision"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("meeting_id"))
                .col(text("text"))
                .col(big_integer_null("owner_school_id"))
                .col(date_null("due_on"))
                .col(string("status").check(one_of("status", &["open", "done", "dropped"])))
                .col(date_null("done_on"))
                .foreign_key(&mut fk("meeting_decision", "county_id", "county"))
                .foreign_key(&mut fk("meeting_decision", "meeting_id", "council_meeting"))
                .foreign_key(&mut fk("meeting_decision", "owner_school_id", "school"))
                .to_owned(),
            Table::create()
                .table(Alias::new("budget"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("cluster_id"))
                .col(integer("year"))
                .col(string("updated_by"))
                .col(big_integer("revision"))
                .col(at("created_at"))
                .col(at("updated_at"))
                .foreign_key(&mut fk("budget", "county_id", "county"))
                .foreign_key(&mut fk("budget", "cluster_id", "cluster"))
                .to_owned(),
            Table::create()
                .table(Alias::new("budget_source"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("budget_id"))
                .col(string("source").check(one_of("source", &["county_per_cluster", "county_per_school", "other"])))
                .col(big_integer_null("school_id"))
                .col(fen("amount"))
                .col(string("note"))
                .foreign_key(&mut fk("budget_source", "county_id", "county"))
                .foreign_key(&mut fk("budget_source", "budget_id", "budget"))
                .foreign_key(&mut fk("budget_source", "school_id", "school"))
                .to_owned(),
            Table::create()
                .table(Alias::new("budget_line"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("budget_id"))
                .col(string("category").check(one_of("category", CATEGORIES)))
                .col(fen("amount"))
                .col(fen("spent"))
                .check(col("spent").lte(col("amount")))
                .foreign_key(&mut fk("budget_line", "county_id", "county"))
                .foreign_key(&mut fk("budget_line", "budget_id", "budget"))
                .to_owned(),
            Table::create()
                .table(Alias::new("expenditure"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("budget_id"))
                .col(big_integer("line_id"))
                .col(date("spent_on"))
                .col(big_integer("amount").check(col("amount").gt(0)))
                .col(string("payee"))
                .col(string("voucher"))
                .col(string("purpose"))
                .col(big_integer_null("activity_id"))
                .col(string("status").check(one_of("status", &["pending", "awaiting_bureau", "approved", "declined"])))
                .col(big_integer("requested_by"))
                .col(string("requested_by_name"))
                .col(at("requested_at"))
                .col(string_null("head_by"))
                .col(at_null("head_at"))
                .col(string_null("bureau_by"))
                .col(at_null("bureau_at"))
                .col(string("reason"))
                .col(big_integer("revision"))
                .foreign_key(&mut fk("expenditure", "county_id", "county"))
                .foreign_key(&mut fk("expenditure", "budget_id", "budget"))
                .foreign_key(&mut fk("expenditure", "line_id", "budget_line"))
                .foreign_key(&mut fk("expenditure", "activity_id", "activity"))
                .foreign_key(&mut fk("expenditure", "requested_by", "app_user"))
                .to_owned(),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }
        create_indexes(
            manager,
            &[
                ("teacher_account", "ux_teacher_account_user", &["user_id"], true),
                ("teacher_account", "ux_teacher_account_teacher", &["teacher_id"], true),
                ("activity", "ix_activity_time", &["county_id", "starts_at"], false),
                ("activity", "ix_activity_cluster", &["cluster_id", "starts_at"], false),
                ("activity", "ix_activity_host", &["host_school_id", "starts_at"], false),
                ("activity_invite", "ux_activity_invite", &["activity_id", "school_id"], true),
                ("activity_invite", "ix_activity_invite_school", &["school_id"], false),
                ("activity_attendee", "ux_activity_attendee", &["activity_id", "teacher_id"], true),
                ("activity_attendee", "ix_activity_attendee_teacher", &["teacher_id"], false),
                ("activity_attendee", "ix_activity_attendee_school", &["school_id"], false),
                ("activity_review", "ux_activity_review", &["activity_id", "teacher_id"], true),
                ("training_record", "ix_training_record_teacher", &["teacher_id", "on_date"], false),
                ("training_record", "ix_training_record_school", &["school_id", "on_date"], false),
                ("running_file", "ix_running_file_owner", &["owner_kind", "owner_id"], false),
                ("work_plan", "ux_work_plan_year", &["cluster_id", "year"], true),
                ("plan_task", "ix_plan_task_plan", &["plan_id"], false),
                ("council_member", "ix_council_member_cluster", &["cluster_id"], false),
                ("council_meeting", "ix_council_meeting_cluster", &["cluster_id", "held_on"], false),
                ("meeting_decision", "ix_meeting_decision_meeting", &["meeting_id"], false),
                ("budget", "ux_budget_year", &["cluster_id", "year"], true),
                ("budget_source", "ix_budget_source_budget", &["budget_id"], false),
                ("budget_line", "ux_budget_line", &["budget_id", "category"], true),
                ("expenditure", "ix_expenditure_budget", &["budget_id", "spent_on"], false),
            ],
        )
        .await
    }
}
