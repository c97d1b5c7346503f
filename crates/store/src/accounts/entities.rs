//! Accounts, sessions and the audit log.

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
        pub role: xuequ_domain::Role,
        pub school_id: Option<i64>,
        pub cluster_id: Option<i64>,
        pub disabled: bool,
        pub must_change_password: bool,
        pub created_at: DateTimeUtc,
        pub last_login_at: Option<DateTimeUtc>,
        /// The account's version: when its name, role, scope or state last changed.
        pub updated_at: Option<DateTimeUtc>,
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
