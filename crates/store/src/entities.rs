//! The tables. Every row but the county itself carries `county_id`, and every query filters by
//! it: a county is the tenant. Coded values are stored by their stable code (see
//! `xuequ_domain::codes`).

macro_rules! entity_boilerplate {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod county {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "county")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        pub created_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod school {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "school")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub code: String,
        pub name: String,
        pub school_type: String,
        pub locality: String,
        pub township: String,
        pub address: String,
        pub latitude: Option<f64>,
        pub longitude: Option<f64>,
        pub legal_person: bool,
        pub campus_of: Option<i64>,
        pub principal: String,
        pub phone: String,
        pub status: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod school_stat {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "school_stat")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub school_id: i64,
        pub year: i32,
        pub students_primary: i32,
        pub students_junior: i32,
        pub classes_primary: i32,
        pub classes_junior: i32,
        pub max_class_size: Option<i32>,
        pub teaching_area: f64,
        pub sports_area: f64,
        pub equipment_value: f64,
        pub multimedia_rooms: i32,
        pub books: i32,
        pub computers: i32,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod teacher {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "teacher")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub school_id: i64,
        pub staff_no: String,
        pub name: String,
        pub gender: String,
        pub subject: String,
        pub section: Option<String>,
        pub degree: String,
        pub title: String,
        pub backbone: String,
        pub joined_school_on: Date,
        pub birth_year: Option<i32>,
        pub status: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod facility {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "facility")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub school_id: i64,
        pub name: String,
        pub kind: String,
        pub capacity: i32,
        pub area: Option<f64>,
        pub open_hours: String,
        pub shareable: bool,
        pub status: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

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
        pub form: String,
        pub level: String,
        pub lead_school_id: i64,
        pub description: String,
        pub founded_on: Date,
        pub dissolved_on: Option<Date>,
        pub status: String,
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
        pub role: String,
        /// Copied from the cluster so that "one cluster per level" is a simple query.
        pub level: String,
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
        pub role: String,
        pub person_name: String,
        pub school_id: Option<i64>,
    }
    entity_boilerplate!();
}

pub mod user {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "app_user")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub county_id: i64,
        #[sea_orm(unique)]
        pub username: String,
        pub display_name: String,
        #[serde(skip)]
        pub password_hash: String,
        pub role: String,
        pub school_id: Option<i64>,
        pub cluster_id: Option<i64>,
        pub disabled: bool,
        pub must_change_password: bool,
        pub created_at: DateTimeUtc,
        pub last_login_at: Option<DateTimeUtc>,
    }
    entity_boilerplate!();
}

pub mod session {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "session")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// SHA-256 of the token: a stolen database copy does not yield live sessions.
        #[sea_orm(unique)]
        pub token_hash: String,
        pub user_id: i64,
        /// `web` (cookie) or `api` (bearer token).
        pub kind: String,
        pub csrf: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod audit_log {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub user_id: Option<i64>,
        pub username: String,
        pub at: DateTimeUtc,
        /// `create`, `update`, `retire`, `import`, `login`, ...
        pub action: String,
        pub entity: String,
        pub entity_id: Option<i64>,
        /// JSON of the record before and after the change.
        pub before: Option<String>,
        pub after: Option<String>,
    }
    entity_boilerplate!();
}

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
