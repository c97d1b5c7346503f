//! The bundled cluster evaluation: indicator systems, rounds, evaluators, scores, and
//! students' scores for value-added.

/// A county's indicator system for a year (JSON of the evaluation tree).
pub mod evaluation_tree {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "evaluation_tree")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub year: i32,
        pub tree: String,
        pub updated_by: String,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// One year's evaluation round; `frozen` holds the tree and results as they were at closing.
pub mod evaluation_round {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "evaluation_round")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub year: i32,
        /// `open` or `closed`.
        pub status: String,
        pub lead_share: f64,
        pub opened_by: String,
        pub opened_at: DateTimeUtc,
        pub closed_by: String,
        pub closed_at: Option<DateTimeUtc>,
        #[serde(skip)]
        pub frozen: Option<String>,
    }
    entity_boilerplate!();
}

/// An evaluator assigned to a cluster in a round.
pub mod evaluation_assignment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "evaluation_assignment")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub round_id: i64,
        pub cluster_id: i64,
        pub user_id: i64,
    }
    entity_boilerplate!();
}

/// An evaluator's score of one scored leaf for one cluster in a round.
pub mod evaluation_score {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "evaluation_score")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub round_id: i64,
        pub cluster_id: i64,
        pub code: String,
        pub score: f64,
        pub comment: String,
        pub user_id: i64,
        pub username: String,
        pub at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A student's entry and exit scores in one grade and subject of a year (学生成绩).
pub mod student_score {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "student_score")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub year: i32,
        pub school_id: i64,
        pub student: String,
        pub grade: String,
        pub subject: String,
        pub entry: f64,
        pub exit: f64,
    }
    entity_boilerplate!();
}

/// An evidence file (佐证材料) of a cluster's scored indicator in a round; the bytes are in the
/// library's archive under `hash`.
pub mod evaluation_evidence {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "evaluation_evidence")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub round_id: i64,
        pub cluster_id: i64,
        pub code: String,
        pub name: String,
        #[serde(skip)]
        pub hash: String,
        pub size: i64,
        pub mime: String,
        pub family: String,
        #[serde(skip)]
        pub user_id: i64,
        pub uploaded_by: String,
        pub created_at: DateTimeUtc,
    }
    entity_boilerplate!();
}
