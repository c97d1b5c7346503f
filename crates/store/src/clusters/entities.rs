//! The clusters' tables: clusters, dated memberships, officers.

pub mod cluster {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "cluster")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub name: String,
        pub form: xuequ_domain::ClusterForm,
        pub level: xuequ_domain::ClusterLevel,
        pub lead_school_id: i64,
        pub description: String,
        pub founded_on: Date,
        pub dissolved_on: Option<Date>,
        pub status: xuequ_domain::Status,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod cluster_member {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "cluster_member")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub cluster_id: i64,
        pub school_id: i64,
        /// `lead` or `member`.
        pub role: xuequ_domain::MemberRole,
        /// Copied from the cluster so that "one cluster per level" is a simple query.
        pub level: xuequ_domain::ClusterLevel,
        pub joined_on: Date,
        pub left_on: Option<Date>,
    }
    entity_boilerplate!();
}

pub mod cluster_officer {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "cluster_officer")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub cluster_id: i64,
        pub role: xuequ_domain::OfficerRole,
        pub person_name: String,
        pub school_id: Option<i64>,
    }
    entity_boilerplate!();
}
