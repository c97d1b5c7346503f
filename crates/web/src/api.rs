//! The JSON API under `/api/v1`, documented at `/api/v1/openapi.json`.
//!
//! Lists answer `{"items": [...], "total": N}` with `?page=&per_page=` and filters; errors answer
//! `{"error": {"code", "message", "details"}}` with 400, 401, 403, 404, 409 or 429.

use crate::App;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult, AppError, with_lang};
use crate::query::list_request;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Query, Request, State};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router, middleware};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{OpenApi, ToSchema};
use xuequ_app::accounts::{self, SessionKind};
use xuequ_app::{clusters, planning, registry, sheets};
use xuequ_domain::drafts::{ClusterDraft, FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_domain::{FieldProblem, Problem, Role};
use xuequ_sheets::{Format, Kind};
use xuequ_store::Page;
use xuequ_store::accounts::UserUpdate;
use xuequ_store::clusters::OfficerDraft;
use xuequ_store::entities::{audit_log, cluster, facility, school, school_stat, teacher, user};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/session", post(create_session).delete(delete_session))
        .route("/me", get(me))
        .route("/me/password", post(change_password))
        .route("/schools", get(list_schools).post(create_school))
        .route("/schools/{id}", get(get_school).put(update_school).delete(retire_school))
        .route("/schools/{id}/stats", get(school_stats))
        .route("/stats", post(save_stats))
        .route("/teachers", get(list_teachers).post(create_teacher))
        .route("/teachers/{id}", get(get_teacher).put(update_teacher).delete(retire_teacher))
        .route("/facilities", get(list_facilities).post(create_facility))
        .route("/facilities/{id}", get(get_facility).put(update_facility).delete(retire_facility))
        .route("/clusters", get(list_clusters).post(create_cluster))
        .route("/clusters/{id}", get(get_cluster).put(update_cluster).delete(dissolve_cluster))
        .route("/clusters/{id}/members", post(add_member))
        .route("/clusters/{id}/members/{school_id}", delete(remove_member))
        .route("/clusters/{id}/officers", put(set_officers))
        .route("/export/{kind}", get(export))
        .route("/import/{kind}", post(import))
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}", put(update_user))
        .route("/users/{id}/password", post(reset_password))
        .route("/audit", get(audit))
        .route("/assessment", get(assessment))
        .route("/plans", get(list_plans).post(create_plan))
        .route("/plans/{id}", get(get_plan))
        .route("/plans/{id}/apply", post(apply_plan))
        .fallback(|| async { ApiError(AppError::NotFound) })
        .layer(middleware::from_fn(with_lang))
}

/// A JSON body whose rejection is a JSON error naming what is wrong.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(v)| Body(v))
            .map_err(|e| ApiError(AppError::Invalid(vec![FieldProblem::new("body", Problem::BadFile { reason: e.body_text() })])))
    }
}

/// Path parameters as numbers, with a JSON error for anything else.
pub struct Ids(pub Vec<i64>);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(params) =
            axum::extract::Path::<Vec<(String, String)>>::from_request_parts(parts, state).await.map_err(|_| AppError::NotFound)?;
        // An id that is not a number names nothing: 404, like an id of another county.
        Ok(Ids(params.iter().map(|(_, v)| v.parse::<i64>().map_err(|_| AppError::NotFound)).collect::<Result<Vec<_>, _>>()?))
    }
}

impl Ids {
    fn first(&self) -> i64 {
        self.0[0]
    }
}

#[derive(Deserialize, ToSchema)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Token {
    pub token: String,
}

/// Signs in and returns a bearer token for `Authorization: Bearer TOKEN`.
#[utoipa::path(post, path = "/api/v1/session", request_body = Credentials, responses((status = 200, body = Token), (status = 401), (status = 429)), tag = "session")]
async fn create_session(State(app): State<App>, Body(c): Body<Credentials>) -> ApiResult<Json<Token>> {
    let opened = accounts::sign_in(&app, &c.username, &c.password, SessionKind::Api).await?;
    Ok(Json(Token { token: opened.token }))
}

/// Ends the session of the token used.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204)), tag = "session")]
async fn delete_session(State(app): State<App>, v: Viewer) -> ApiResult<StatusCode> {
    accounts::sign_out(&app, &v.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    #[schema(value_type = Object)]
    pub user: user::Model,
    pub county: String,
    #[schema(value_type = Object)]
    pub actor: xuequ_domain::access::Actor,
}

/// The signed-in user, their county and scope.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401)), tag = "session")]
async fn me(State(app): State<App>, v: Viewer) -> ApiResult<Json<Me>> {
    let county = registry::county(&app, &v).await?.name;
    Ok(Json(Me { user: v.user.clone(), county, actor: v.actor.clone() }))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the caller's own password; their other sessions end.
#[utoipa::path(post, path = "/api/v1/me/password", request_body = PasswordChange, responses((status = 204), (status = 400)), tag = "session")]
async fn change_password(State(app): State<App>, v: Viewer, Body(p): Body<PasswordChange>) -> ApiResult<StatusCode> {
    accounts::change_own_password(&app, &v, &v.token, &p.current_password, &p.new_password, &p.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

type List<T> = ApiResult<Json<Page<T>>>;

fn created<T: Serialize>(value: T) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}

/// Schools of the county. Filters: `q`, `school_type`, `locality`, `township`, `include_retired`; `sort`, `desc`, `page`, `per_page`.
#[utoipa::path(get, path = "/api/v1/schools", responses((status = 200, description = "{items, total}")), tag = "registry")]
async fn list_schools(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> List<school::Model> {
    let (filter, paging) = list_request(&q);
    Ok(Json(registry::list::<school::Model>(&app, &v, &filter, paging).await?))
}

#[utoipa::path(get, path = "/api/v1/schools/{id}", responses((status = 200, body = school::Model), (status = 404)), tag = "registry")]
async fn get_school(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<school::Model>> {
    Ok(Json(registry::get::<school::Model>(&app, &v, id.first()).await?))
}

#[utoipa::path(post, path = "/api/v1/schools", responses((status = 201, body = school::Model), (status = 400), (status = 403), (status = 409)), tag = "registry")]
async fn create_school(State(app): State<App>, v: Viewer, Body(d): Body<SchoolDraft>) -> ApiResult<Response> {
    Ok(created(registry::create::<school::Model>(&app, &v, &d).await?))
}

#[utoipa::path(put, path = "/api/v1/schools/{id}", responses((status = 200, body = school::Model)), tag = "registry")]
async fn update_school(State(app): State<App>, v: Viewer, id: Ids, Body(d): Body<SchoolDraft>) -> ApiResult<Json<school::Model>> {
    Ok(Json(registry::update::<school::Model>(&app, &v, id.first(), &d).await?))
}

/// Retires a school (kept in history, hidden from lists).
#[utoipa::path(delete, path = "/api/v1/schools/{id}", responses((status = 200, body = school::Model)), tag = "registry")]
async fn retire_school(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<school::Model>> {
    Ok(Json(registry::retire::<school::Model>(&app, &v, id.first()).await?))
}

/// A school's statistics, one entry per school year, newest first.
#[utoipa::path(get, path = "/api/v1/schools/{id}/stats", responses((status = 200, body = Vec<school_stat::Model>)), tag = "registry")]
async fn school_stats(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<Vec<school_stat::Model>>> {
    Ok(Json(registry::school_stats(&app, &v, id.first()).await?))
}

/// Records (or replaces) a school's statistics for one school year.
#[utoipa::path(post, path = "/api/v1/stats", responses((status = 200, body = school_stat::Model)), tag = "registry")]
async fn save_stats(State(app): State<App>, v: Viewer, Body(d): Body<StatsDraft>) -> ApiResult<Json<school_stat::Model>> {
    Ok(Json(registry::save_stats(&app, &v, &d).await?))
}

/// Teachers the caller may see. Filters: `q`, `school_id`, `subject`, `degree`, `title`, `backbone`, `gender`.
#[utoipa::path(get, path = "/api/v1/teachers", responses((status = 200, description = "{items, total}")), tag = "registry")]
async fn list_teachers(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> List<teacher::Model> {
    let (filter, paging) = list_request(&q);
    Ok(Json(registry::list::<teacher::Model>(&app, &v, &filter, paging).await?))
}

#[utoipa::path(get, path = "/api/v1/teachers/{id}", responses((status = 200, body = teacher::Model)), tag = "registry")]
async fn get_teacher(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<teacher::Model>> {
    Ok(Json(registry::get::<teacher::Model>(&app, &v, id.first()).await?))
}

#[utoipa::path(post, path = "/api/v1/teachers", responses((status = 201, body = teacher::Model)), tag = "registry")]
async fn create_teacher(State(app): State<App>, v: Viewer, Body(d): Body<TeacherDraft>) -> ApiResult<Response> {
    Ok(created(registry::create::<teacher::Model>(&app, &v, &d).await?))
}

#[utoipa::path(put, path = "/api/v1/teachers/{id}", responses((status = 200, body = teacher::Model)), tag = "registry")]
async fn update_teacher(State(app): State<App>, v: Viewer, id: Ids, Body(d): Body<TeacherDraft>) -> ApiResult<Json<teacher::Model>> {
    Ok(Json(registry::update::<teacher::Model>(&app, &v, id.first(), &d).await?))
}

#[utoipa::path(delete, path = "/api/v1/teachers/{id}", responses((status = 200, body = teacher::Model)), tag = "registry")]
async fn retire_teacher(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<teacher::Model>> {
    Ok(Json(registry::retire::<teacher::Model>(&app, &v, id.first()).await?))
}

/// Facilities. Filters: `q`, `school_id`, `kind`.
#[utoipa::path(get, path = "/api/v1/facilities", responses((status = 200, description = "{items, total}")), tag = "registry")]
async fn list_facilities(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> List<facility::Model> {
    let (filter, paging) = list_request(&q);
    Ok(Json(registry::list::<facility::Model>(&app, &v, &filter, paging).await?))
}

#[utoipa::path(get, path = "/api/v1/facilities/{id}", responses((status = 200, body = facility::Model)), tag = "registry")]
async fn get_facility(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<facility::Model>> {
    Ok(Json(registry::get::<facility::Model>(&app, &v, id.first()).await?))
}

#[utoipa::path(post, path = "/api/v1/facilities", responses((status = 201, body = facility::Model)), tag = "registry")]
async fn create_facility(State(app): State<App>, v: Viewer, Body(d): Body<FacilityDraft>) -> ApiResult<Response> {
    Ok(created(registry::create::<facility::Model>(&app, &v, &d).await?))
}

#[utoipa::path(put, path = "/api/v1/facilities/{id}", responses((status = 200, body = facility::Model)), tag = "registry")]
async fn update_facility(State(app): State<App>, v: Viewer, id: Ids, Body(d): Body<FacilityDraft>) -> ApiResult<Json<facility::Model>> {
    Ok(Json(registry::update::<facility::Model>(&app, &v, id.first(), &d).await?))
}

#[utoipa::path(delete, path = "/api/v1/facilities/{id}", responses((status = 200, body = facility::Model)), tag = "registry")]
async fn retire_facility(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<facility::Model>> {
    Ok(Json(registry::retire::<facility::Model>(&app, &v, id.first()).await?))
}

/// Clusters. Filters: `q`, `form`, `level`, `include_retired`.
#[utoipa::path(get, path = "/api/v1/clusters", responses((status = 200, description = "{items, total}")), tag = "clusters")]
async fn list_clusters(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> List<cluster::Model> {
    let (filter, paging) = list_request(&q);
    Ok(Json(clusters::list(&app, &v, &filter, paging).await?))
}

/// A cluster with its members (current and past, with dates) and officers.
#[utoipa::path(get, path = "/api/v1/clusters/{id}", responses((status = 200, body = Object)), tag = "clusters")]
async fn get_cluster(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<clusters::ClusterDetail>> {
    Ok(Json(clusters::get(&app, &v, id.first()).await?))
}

#[utoipa::path(post, path = "/api/v1/clusters", responses((status = 201, body = cluster::Model)), tag = "clusters")]
async fn create_cluster(State(app): State<App>, v: Viewer, Body(d): Body<ClusterDraft>) -> ApiResult<Response> {
    Ok(created(clusters::create(&app, &v, &d).await?))
}

#[utoipa::path(put, path = "/api/v1/clusters/{id}", responses((status = 200, body = cluster::Model)), tag = "clusters")]
async fn update_cluster(State(app): State<App>, v: Viewer, id: Ids, Body(d): Body<ClusterDraft>) -> ApiResult<Json<cluster::Model>> {
    Ok(Json(clusters::update(&app, &v, id.first(), &d).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct OnDate {
    pub on: Option<NaiveDate>,
}

/// Dissolves a cluster on `?on=` (default today); memberships end that day.
#[utoipa::path(delete, path = "/api/v1/clusters/{id}", responses((status = 200, body = cluster::Model)), tag = "clusters")]
async fn dissolve_cluster(State(app): State<App>, v: Viewer, id: Ids, Query(q): Query<OnDate>) -> ApiResult<Json<cluster::Model>> {
    Ok(Json(clusters::dissolve(&app, &v, id.first(), q.on.unwrap_or_else(xuequ_app::today)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewMember {
    pub school_code: String,
    pub joined_on: Option<NaiveDate>,
}

#[utoipa::path(post, path = "/api/v1/clusters/{id}/members", request_body = NewMember, responses((status = 204), (status = 409)), tag = "clusters")]
async fn add_member(State(app): State<App>, v: Viewer, id: Ids, Body(m): Body<NewMember>) -> ApiResult<StatusCode> {
    clusters::add_member(&app, &v, id.first(), &m.school_code, m.joined_on.unwrap_or_else(xuequ_app::today)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/clusters/{id}/members/{school_id}", responses((status = 204)), tag = "clusters")]
async fn remove_member(State(app): State<App>, v: Viewer, ids: Ids, Query(q): Query<OnDate>) -> ApiResult<StatusCode> {
    let school_id = *ids.0.get(1).ok_or(AppError::NotFound)?;
    clusters::remove_member(&app, &v, ids.first(), school_id, q.on.unwrap_or_else(xuequ_app::today)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/v1/clusters/{id}/officers", responses((status = 204)), tag = "clusters")]
async fn set_officers(State(app): State<App>, v: Viewer, id: Ids, Body(o): Body<Vec<OfficerDraft>>) -> ApiResult<StatusCode> {
    clusters::set_officers(&app, &v, id.first(), &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn kind_of(text: &str) -> ApiResult<Kind> {
    Ok(Kind::parse(text).ok_or(AppError::NotFound)?)
}

#[derive(Deserialize)]
pub struct ExportQuery {
    pub format: Option<String>,
}

/// Everything of a kind (`schools`, `stats`, `teachers`, `facilities`) the caller may see, as `?format=csv|xlsx`.
#[utoipa::path(get, path = "/api/v1/export/{kind}", responses((status = 200, description = "the file")), tag = "spreadsheets")]
async fn export(
    State(app): State<App>,
    v: Viewer,
    axum::extract::Path(kind): axum::extract::Path<String>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let kind = kind_of(&kind)?;
    let format = Format::parse(q.format.as_deref().unwrap_or("xlsx")).ok_or_else(|| {
        AppError::invalid("format", Problem::UnknownValue { value: q.format.clone().unwrap_or_default(), allowed: "csv / xlsx".into() })
    })?;
    let bytes = sheets::export(&app, &v, kind, format).await?;
    Ok(file_response(bytes, &format!("{}.{}", kind.code(), format.extension()), format.content_type()))
}

pub fn file_response(bytes: Vec<u8>, name: &str, content_type: &str) -> Response {
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], bytes)
        .into_response()
}

#[derive(Deserialize)]
pub struct ImportQuery {
    pub update_existing: Option<bool>,
}

/// Imports a file (multipart field `file`), all or nothing; every problem is listed in `details`.
#[utoipa::path(post, path = "/api/v1/import/{kind}", responses((status = 200, description = "{created, updated}"), (status = 400, description = "every problem with sheet, row, column")), tag = "spreadsheets")]
async fn import(
    State(app): State<App>,
    v: Viewer,
    axum::extract::Path(kind): axum::extract::Path<String>,
    Query(q): Query<ImportQuery>,
    mut form: Multipart,
) -> ApiResult<Response> {
    let kind = kind_of(&kind)?;
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(|e| AppError::invalid("file", Problem::BadFile { reason: e.body_text() }))? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.xlsx").to_string();
            let bytes = field.bytes().await.map_err(|e| AppError::invalid("file", Problem::BadFile { reason: e.body_text() }))?;
            file = Some((name, bytes));
        }
    }
    let (name, bytes) = file.ok_or_else(|| AppError::invalid("file", Problem::Required))?;
    let summary = sheets::import(&app, &v, kind, &bytes, &name, q.update_existing.unwrap_or(false)).await?;
    Ok(Json(summary).into_response())
}

#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, description = "{items, total}"), (status = 403)), tag = "accounts")]
async fn list_users(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> List<user::Model> {
    let (_, paging) = list_request(&q);
    Ok(Json(accounts::users(&app, &v, paging).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct UserInput {
    pub username: Option<String>,
    pub display_name: String,
    /// Left out: a random one-time password is made and returned once.
    pub password: Option<String>,
    #[schema(value_type = String)]
    pub role: Role,
    pub school_id: Option<i64>,
    pub cluster_id: Option<i64>,
    #[serde(default)]
    pub disabled: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    #[schema(value_type = Object)]
    pub user: user::Model,
    /// The one-time password, when the server made it.
    pub password: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/users", request_body = UserInput, responses((status = 201, body = CreatedUser)), tag = "accounts")]
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
    Ok(created(CreatedUser { user, password }))
}

#[utoipa::path(put, path = "/api/v1/users/{id}", request_body = UserInput, responses((status = 200)), tag = "accounts")]
async fn update_user(State(app): State<App>, v: Viewer, id: Ids, Body(u): Body<UserInput>) -> ApiResult<Json<user::Model>> {
    let update =
        UserUpdate { display_name: u.display_name, role: u.role, school_id: u.school_id, cluster_id: u.cluster_id, disabled: u.disabled };
    Ok(Json(accounts::update_user(&app, &v, id.first(), update).await?))
}

/// Sets a new one-time password and ends the user's sessions; returns the password once.
#[utoipa::path(post, path = "/api/v1/users/{id}/password", responses((status = 200)), tag = "accounts")]
async fn reset_password(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<serde_json::Value>> {
    let password = accounts::reset_password(&app, &v, id.first()).await?;
    Ok(Json(serde_json::json!({ "password": password })))
}

/// The audit log, newest first. Filter: `entity`.
#[utoipa::path(get, path = "/api/v1/audit", responses((status = 200, description = "{items, total}")), tag = "accounts")]
async fn audit(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> List<audit_log::Model> {
    let (_, paging) = list_request(&q);
    Ok(Json(accounts::audit_entries(&app, &v, q.get("entity").map(String::as_str), paging).await?))
}

#[derive(Deserialize)]
pub struct AssessmentQuery {
    pub year: Option<i32>,
    pub stage: Option<String>,
    pub cluster: Option<i64>,
}

/// The balance assessment of the county (or the schools now in `cluster`) for a school year
/// (default: the latest), optionally one `stage` (primary | junior), derived from the registry.
#[utoipa::path(get, path = "/api/v1/assessment", responses((status = 200, description = "{year, source, sections, basic_2012, schools, excluded, advice, trend}")), tag = "assessment")]
async fn assessment(State(app): State<App>, v: Viewer, Query(q): Query<AssessmentQuery>) -> ApiResult<Json<serde_json::Value>> {
    let stage = match q.stage.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(xuequ_domain::Section::parse(s).ok_or_else(|| {
            AppError::invalid("stage", Problem::UnknownValue { value: s.to_string(), allowed: "primary / junior".into() })
        })?),
        None => None,
    };
    let a = xuequ_app::assessment::assess(&app, &v, q.year, q.cluster).await?;
    let trend: Vec<serde_json::Value> = a
        .trend
        .iter()
        .map(|(y, r)| serde_json::json!({"year": y, "sections": xuequ_app::assessment::only_stage(r.clone(), stage).sections}))
        .collect();
    let mut body =
        serde_json::to_value(xuequ_app::assessment::only_stage(a.report, stage)).map_err(|e| AppError::Internal(e.to_string()))?;
    body["year"] = a.year.into();
    body["years"] = a.years.into();
    body["source"] = xuequ_app::assessment::SOURCE.into();
    body["trend"] = trend.into();
    Ok(Json(body))
}

#[derive(Deserialize, ToSchema)]
pub struct NewPlan {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub settings: planning::Settings,
}

/// The county's saved plans, newest first.
#[utoipa::path(get, path = "/api/v1/plans", responses((status = 200, description = "[plan]")), tag = "plans")]
async fn list_plans(State(app): State<App>, v: Viewer) -> ApiResult<Json<Vec<xuequ_store::entities::plan::Model>>> {
    Ok(Json(planning::list(&app, &v).await?))
}

/// Runs the planner within the settings' time limit and saves the plan as a draft.
#[utoipa::path(post, path = "/api/v1/plans", request_body = NewPlan, responses((status = 201, description = "the plan as GET /api/v1/plans/{id} returns it"), (status = 400), (status = 409)), tag = "plans")]
async fn create_plan(State(app): State<App>, v: Viewer, Body(p): Body<NewPlan>) -> ApiResult<Response> {
    let name = crate::pages::plans::plan_name(&v.tr(), &p.name);
    let id = planning::create(&app, &v, &name, p.settings, Default::default()).await?;
    let view = planning::view(&app, &v, id).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// A plan: its settings, clusters (school ids), measures, today's districts measured the same way,
/// and where the strengths came from.
#[utoipa::path(get, path = "/api/v1/plans/{id}", responses((status = 200, description = "{plan, settings, clusters, measures, current, strength_source}"), (status = 404)), tag = "plans")]
async fn get_plan(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<planning::PlanView>> {
    Ok(Json(planning::view(&app, &v, id.first()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ApplyPlan {
    pub on: Option<NaiveDate>,
}

/// Applies a plan from a date (default today): districts created, changed or dissolved, with
/// dated membership history; all or nothing.
#[utoipa::path(post, path = "/api/v1/plans/{id}/apply", request_body = ApplyPlan, responses((status = 200, description = "{created, changed, dissolved, joined, left}"), (status = 409)), tag = "plans")]
async fn apply_plan(State(app): State<App>, v: Viewer, id: Ids, Body(a): Body<ApplyPlan>) -> ApiResult<Json<xuequ_store::plans::Applied>> {
    Ok(Json(planning::apply(&app, &v, id.first(), a.on.unwrap_or_else(xuequ_app::today)).await?))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "xuequ API", description = "学区 — county school-cluster platform"),
    paths(
        create_session, delete_session, me, change_password, list_schools, get_school, create_school, update_school, retire_school, school_stats,
        save_stats, list_teachers, get_teacher, create_teacher, update_teacher, retire_teacher, list_facilities, get_facility,
        create_facility, update_facility, retire_facility, list_clusters, get_cluster, create_cluster, update_cluster,
        dissolve_cluster, add_member, remove_member, set_officers, export, import, list_users, create_user, update_user,
        reset_password, audit, assessment, list_plans, create_plan, get_plan, apply_plan
    ),
    components(schemas(Credentials, Token, PasswordChange, NewMember, NewPlan, ApplyPlan, UserInput, CreatedUser, school::Model, teacher::Model, facility::Model, cluster::Model, school_stat::Model)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        openapi.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
