//! The bundled cluster evaluation (捆绑考核): each year's indicator system, the rounds with their
//! evaluators and scores, and students' scores for value-added. A closed round keeps its tree
//! and results as written then (`frozen`), so later changes to the records never change it.
//! Frozen: never edit.

use super::create_indexes;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0015_evaluation"
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

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let at = timestamp_with_time_zone;
        let year = || {
            let mut column = integer("year");
            column.check(col("year").between(2000, 2100));
            column
        };
        let score = |name: &'static str| {
            let mut column = double(name);
            column.check(col(name).between(0, 100));
            column
        };
        let tables = [
            Table::create()
                .table(Alias::new("evaluation_tree"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(year())
                .col(text("tree"))
                .col(string("updated_by"))
                .col(at("updated_at"))
                .foreign_key(&mut fk("evaluation_tree", "county_id", "county"))
                .to_owned(),
            Table::create()
                .table(Alias::new("evaluation_round"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(year())
                .col(string("status").check(col("status").is_in(["open", "closed"])))
                .col(double("lead_share").check(col("lead_share").between(0, 0.5)))
                .col(string("opened_by"))
                .col(at("opened_at"))
                .col(string("closed_by"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .col(text_null("frozen"))
                .foreign_key(&mut fk("evaluation_round", "county_id", "county"))
                .to_owned(),
            Table::create()
                .table(Alias::new("evaluation_assignment"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("round_id"))
                .col(big_integer("cluster_id"))
                .col(big_integer("user_id"))
                .foreign_key(&mut fk("evaluation_assignment", "county_id", "county"))
                .foreign_key(&mut fk("evaluation_assignment", "round_id", "evaluation_round"))
                .foreign_key(&mut fk("evaluation_assignment", "cluster_id", "cluster"))
                .foreign_key(&mut fk("evaluation_assignment", "user_id", "app_user"))
                .to_owned(),
            Table::create()
                .table(Alias::new("evaluation_score"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(big_integer("round_id"))
                .col(big_integer("cluster_id"))
                .col(string("code"))
                .col(score("score"))
                .col(text("comment"))
                .col(big_integer("user_id"))
                .col(string("username"))
                .col(at("at"))
                .foreign_key(&mut fk("evaluation_score", "county_id", "county"))
                .foreign_key(&mut fk("evaluation_score", "round_id", "evaluation_round"))
                .foreign_key(&mut fk("evaluation_score", "cluster_id", "cluster"))
                .foreign_key(&mut fk("evaluation_score", "user_id", "app_user"))
                .to_owned(),
            Table::create()
                .table(Alias::new("student_score"))
                .col(big_pk_auto("id"))
                .col(big_integer("county_id"))
                .col(year())
                .col(big_integer("school_id"))
                .col(string("student"))
                .col(string("grade"))
                .col(string("subject"))
                .col(double("entry"))
                .col(double("exit"))
                .foreign_key(&mut fk("student_score", "county_id", "county"))
                .foreign_key(&mut fk("student_score", "school_id", "school"))
                .to_owned(),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }
        create_indexes(
            manager,
            &[
                ("evaluation_tree", "ux_evaluation_tree_year", &["county_id", "year"], true),
                ("evaluation_round", "ux_evaluation_round_year", &["county_id", "year"], true),
                ("evaluation_assignment", "ux_evaluation_assignment", &["round_id", "cluster_id", "user_id"], true),
                ("evaluation_score", "ux_evaluation_score", &["round_id", "cluster_id", "code"], true),
                ("student_score", "ux_student_score", &["county_id", "year", "student", "grade", "subject"], true),
                ("student_score", "ix_student_score_school", &["county_id", "year", "school_id"], false),
            ],
        )
        .await
    }
}
