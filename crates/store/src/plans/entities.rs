//! Saved cluster plans.

/// A cluster plan proposed by the planner: its settings, its clusters, and when it was applied.
pub mod plan {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "plan")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub name: String,
        /// `primary`, `junior` or `both`.
        pub stage: String,
        /// JSON: the rules and the strength source the plan was made with.
        pub settings: String,
        /// JSON: the clusters, `[{"lead": school id, "members": [school ids]}]`.
        pub clusters: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub applied_on: Option<Date>,
    }
    entity_boilerplate!();
}
