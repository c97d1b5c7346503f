//! Sessions, the signed-in user, accounts and the audit log over the API.

use super::{Body, Ids, ListOf, ListParams, codes, created};
use crate::App;
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError};
use crate::query::api_list_request;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::accounts::{self, SessionKind};
use xuequ_app::records::{self, UserUpdate};
use xuequ_app::registry;
use xuequ_domain::{Problem, Role};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(create_session, delete_session))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(reset_password))
        .routes(routes!(audit))
}

#[derive(Deserialize, ToSchema)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Token {
    /// Send as `Authorization: Bearer TOKEN`.
    pub token: String,
}

/// Signs in and returns a bearer token for `Authorization: Bearer TOKEN`.
#[utoipa::path(post, path = "/session", security(()), request_body = Credentials, responses((status = 200, body = Token), (status = 401), (status = 429)), tag = "session")]
async fn create_session(State(app): State<App>, source: crate::auth::Source, Body(c): Body<Credentials>) -> ApiResult<Json<Token>> {
    let opened = accounts::sign_in(&app, &c.username, &c.password, SessionKind::Api, &source.0).await?;
    Ok(Json(Token { token: opened.token }))
}

/// Ends the session of the token used.
#[utoipa::path(delete, path = "/session", responses((status = 204)), tag = "session")]
async fn delete_session(State(app): State<App>, v: Viewer) -> ApiResult<StatusCode> {
    accounts::sign_out(&app, &v.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub county_id: i64,
    pub username: String,
    pub display_name: String,
    #[schema(schema_with = codes::<Role>)]
    pub role: String,
    /// The school of a school admin or teacher.
    pub school_id: Option<i64>,
    /// The cluster of a cluster head.
    pub cluster_id: Option<i64>,
    pub disabled: bool,
    /// Signed in with a one-time password that must be changed first.
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// The account's version, for `If-Match`.
    pub updated_at: DateTime<Utc>,
}

impl From<records::User> for User {
    fn from(m: records::User) -> Self {
        User {
            id: m.id,
            county_id: m.county_id,
            username: m.username,
            display_name: m.display_name,
            role: m.role.to_string(),
            school_id: m.school_id,
            cluster_id: m.cluster_id,
            disabled: m.disabled,
            must_change_password: m.must_change_password,
            updated_at: m.updated_at.unwrap_or(m.created_at),
            created_at: m.created_at,
            last_login_at: m.last_login_at,
        }
    }
}

/// The scope the access policy sees.
#[derive(Serialize, ToSchema)]
pub struct Scope {
    pub user_id: i64,
    pub county_id: i64,
    #[schema(schema_with = codes::<Role>)]
    pub role: Role,
    pub school_id: Option<i64>,
    pub cluster_id: Option<i64>,
    /// The schools now in a cluster head's cluster.
    pub cluster_school_ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    /// The county's name.
    pub county: String,
    pub actor: Scope,
}

/// The signed-in user, their county and scope.
#[utoipa::path(get, path = "/me", responses((status = 200, body = Me), (status = 401)), tag = "session")]
async fn me(State(app): State<App>, v: Viewer) -> ApiResult<Json<Me>> {
    let county = registry::county(&app, &v).await?.name;
    let a = v.actor.clone();
    let actor = Scope {
        user_id: a.user_id,
        county_id: a.county_id,
        role: a.role,
        school_id: a.school_id,
        cluster_id: a.cluster_id,
        cluster_school_ids: a.cluster_school_ids,
    };
    Ok(Json(Me { user: v.user.clone().into(), county, actor }))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the caller's own password; their other sessions end.
#[utoipa::path(post, path = "/me/password", request_body = PasswordChange, responses((status = 204), (status = 400)), tag = "session")]
async fn change_password(State(app): State<App>, v: Viewer, Body(p): Body<PasswordChange>) -> ApiResult<StatusCode> {
    accounts::change_own_password(&app, &v, &v.token, &p.current_password, &p.new_password, &p.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/users", params(ListParams), responses((status = 200, body = ListOf<User>), (status = 403)), tag = "accounts")]
async fn list_users(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<ListOf<User>>> {
    let (_, paging) = api_list_request(&q)?;
    Ok(Json(ListOf::of(accounts::users(&app, &v, paging).await?, paging)))
}

#[derive(Deserialize, ToSchema)]
pub struct UserInput {
    /// Required when creating; ignored when changing an account.
    pub username: Option<String>,
    pub display_name: String,
    /// Left out: a random one-time password is made and returned once.
    pub password: Option<String>,
    #[schema(schema_with = codes::<Role>)]
    pub role: Role,
    pub school_id: Option<i64>,
    pub cluster_id: Option<i64>,
    #[serde(default)]
    pub disabled: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: User,
    /// The one-time password, when the server made it.
    pub password: Option<String>,
}

#[utoipa::path(post, path = "/users", request_body = UserInput, responses((status = 201, body = CreatedUser)), tag = "accounts")]
async fn create_user(State(app): State<App>, v: Viewer, Body(u): Body<UserInput>) -> ApiResult<Response> {
    let input = accounts::UserInput {
        username: u.username.clone().ok_or_else(|| AppError::invalid("username", Problem::Required))?,
        display_name: u.display_name,
        password: u.password,
        role: u.role,
        school_id: u.school_id,
        cluster_id: u.cluster_id,
    };
    let (user, password) = accounts::create_user(&app, &v, input).await?;
    Ok(created(CreatedUser { user: user.into(), password }))
}

/// One account of the county, with its version as `ETag` (for `If-Match` on a change). The
/// bureau only.
#[utoipa::path(get, path = "/users/{id}", params(("id" = i64, Path)), responses((status = 200, body = User), (status = 403), (status = 404)), tag = "accounts")]
async fn get_user(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Response> {
    let user = accounts::user(&app, &v, id.first()).await?;
    Ok(super::tagged(accounts::version(&user), User::from(user)))
}

/// Changes an account; with `If-Match` (its `updated_at`, or the `ETag` of the last save), only
/// if nobody changed it meanwhile.
#[utoipa::path(put, path = "/users/{id}", params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "the version last read")), request_body = UserInput, responses((status = 200, body = User), (status = 412, description = "changed meanwhile")), tag = "accounts")]
async fn update_user(
    State(app): State<App>,
    v: Viewer,
    id: Ids,
    if_match: super::IfMatch,
    Body(u): Body<UserInput>,
) -> ApiResult<Response> {
    let update =
        UserUpdate { display_name: u.display_name, role: u.role, school_id: u.school_id, cluster_id: u.cluster_id, disabled: u.disabled };
    let saved = accounts::update_user(&app, &v, id.first(), update, if_match.version()?).await?;
    Ok(super::tagged(accounts::version(&saved), User::from(saved)))
}

#[derive(Serialize, ToSchema)]
pub struct NewPassword {
    /// Shown once; it must be changed at the next sign-in.
    pub password: String,
}

/// Sets a new one-time password and ends the user's sessions; returns the password once.
#[utoipa::path(post, path = "/users/{id}/password", params(("id" = i64, Path)), responses((status = 200, body = NewPassword)), tag = "accounts")]
async fn reset_password(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<NewPassword>> {
    Ok(Json(NewPassword { password: accounts::reset_password(&app, &v, id.first()).await? }))
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub user_id: Option<i64>,
    pub username: String,
    pub at: DateTime<Utc>,
    /// `create`, `update`, `retire`, `import`, `add_member`, …
    pub action: String,
    /// The kind of record: `school`, `teacher`, `cluster`, `plan`, …
    pub entity: String,
    pub entity_id: Option<i64>,
    /// What happened, in a sentence in the request's language, with names instead of ids.
    pub said: String,
    /// The record before the change (any JSON: a record, or a value such as a linked id).
    pub before: Option<serde_json::Value>,
    /// The record after the change (an import: how many rows it created and updated).
    pub after: Option<serde_json::Value>,
}

fn audit_entry(tr: &crate::i18n::Tr, names: &xuequ_i18n::audit::NameMaps<'_>, m: records::AuditEntry) -> AuditEntry {
    let said = xuequ_i18n::audit::describe_stored(tr, &m.username, &m.action, &m.entity, m.before.as_deref(), m.after.as_deref(), names);
    // Stored as JSON text; a client reads it as JSON (a bare number from early imports too).
    let json = |t: Option<String>| t.map(|t| serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)));
    AuditEntry {
        id: m.id,
        user_id: m.user_id,
        username: m.username,
        at: m.at,
        action: m.action,
        entity: m.entity,
        entity_id: m.entity_id,
        said: said.text,
        before: json(m.before),
        after: json(m.after),
    }
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read from the query map
struct AuditFilters {
    /// Only changes of this kind of record (`school`, `teacher`, `cluster`, `plan`, ...).
    entity: Option<String>,
    /// Only this action (`create`, `update`, `retire`, `import`, `apply`, ...).
    action: Option<String>,
    /// Only what this user did.
    username: Option<String>,
    /// From this day (YYYY-MM-DD).
    from: Option<String>,
    /// Up to and including this day (YYYY-MM-DD).
    to: Option<String>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/audit", params(ListParams, AuditFilters), responses((status = 200, body = ListOf<AuditEntry>)), tag = "accounts")]
async fn audit(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<ListOf<AuditEntry>>> {
    let (_, paging) = api_list_request(&q)?;
    let filter = crate::query::audit_filter(&q)?;
    let page = accounts::audit_entries(&app, &v, &filter, paging).await?;
    let names = accounts::audit_names(&app, &v).await?;
    let maps = xuequ_i18n::audit::NameMaps {
        schools: &names.schools,
        clusters: &names.clusters,
        teachers: &names.teachers,
        people: &names.people,
    };
    let tr = v.tr();
    let items = page.items.into_iter().map(|m| audit_entry(&tr, &maps, m)).collect();
    Ok(Json(ListOf { items, total: page.total, page: paging.page, per_page: paging.per_page }))
}
