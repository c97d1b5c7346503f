//! Clusters over the API: records, dated membership and officers.

use super::registry::School;
use super::{Body, Ids, ListOf, ListParams, codes, created};
use crate::App;
use crate::auth::Viewer;
use crate::error::ApiResult;
use crate::query::api_list_request;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::records::{self, OfficerDraft};
use xuequ_app::{clusters, today};
use xuequ_domain::drafts::ClusterDraft;
use xuequ_domain::{ClusterForm, ClusterLevel, MemberRole, OfficerRole, Status};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_clusters, create_cluster))
        .routes(routes!(get_cluster, update_cluster, dissolve_cluster))
        .routes(routes!(add_member))
        .routes(routes!(remove_member))
        .routes(routes!(set_officers))
}

#[derive(Serialize, ToSchema)]
pub struct Cluster {
    pub id: i64,
    pub name: String,
    #[schema(schema_with = codes::<ClusterForm>)]
    pub form: String,
    #[schema(schema_with = codes::<ClusterLevel>)]
    pub level: String,
    pub lead_school_id: i64,
    pub description: String,
    pub founded_on: NaiveDate,
    pub dissolved_on: Option<NaiveDate>,
    #[schema(schema_with = codes::<Status>)]
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<records::Cluster> for Cluster {
    fn from(m: records::Cluster) -> Self {
        Cluster {
            id: m.id,
            name: m.name,
            form: m.form.to_string(),
            level: m.level.to_string(),
            lead_school_id: m.lead_school_id,
            description: m.description,
            founded_on: m.founded_on,
            dissolved_on: m.dissolved_on,
            status: m.status.to_string(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A school's membership of a cluster, from `joined_on` until `left_on` (open while current).
#[derive(Serialize, ToSchema)]
pub struct Membership {
    pub id: i64,
    pub cluster_id: i64,
    pub school_id: i64,
    #[schema(schema_with = codes::<MemberRole>)]
    pub role: String,
    #[schema(schema_with = codes::<ClusterLevel>)]
    pub level: String,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

impl From<records::ClusterMember> for Membership {
    fn from(m: records::ClusterMember) -> Self {
        Membership {
            id: m.id,
            cluster_id: m.cluster_id,
            school_id: m.school_id,
            role: m.role.to_string(),
            level: m.level.to_string(),
            joined_on: m.joined_on,
            left_on: m.left_on,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Member {
    pub membership: Membership,
    pub school: School,
}

#[derive(Serialize, ToSchema)]
pub struct Officer {
    pub id: i64,
    pub cluster_id: i64,
    #[schema(schema_with = codes::<OfficerRole>)]
    pub role: String,
    pub person_name: String,
    pub school_id: Option<i64>,
}

impl From<records::ClusterOfficer> for Officer {
    fn from(m: records::ClusterOfficer) -> Self {
        Officer { id: m.id, cluster_id: m.cluster_id, role: m.role.to_string(), person_name: m.person_name, school_id: m.school_id }
    }
}

/// A cluster with its current and past members (with dates) and its officers.
#[derive(Serialize, ToSchema)]
pub struct ClusterDetail {
    pub cluster: Cluster,
    pub members: Vec<Member>,
    pub officers: Vec<Officer>,
}

impl From<clusters::ClusterDetail> for ClusterDetail {
    fn from(d: clusters::ClusterDetail) -> Self {
        ClusterDetail {
            cluster: d.cluster.into(),
            members: d.members.into_iter().map(|m| Member { membership: m.membership.into(), school: m.school.into() }).collect(),
            officers: d.officers.into_iter().map(Officer::from).collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ClusterInput {
    pub name: String,
    #[schema(schema_with = codes::<ClusterForm>)]
    pub form: ClusterForm,
    #[schema(schema_with = codes::<ClusterLevel>)]
    pub level: ClusterLevel,
    pub lead_school_code: String,
    #[serde(default)]
    pub description: String,
    pub founded_on: NaiveDate,
}

impl From<ClusterInput> for ClusterDraft {
    fn from(i: ClusterInput) -> Self {
        ClusterDraft {
            name: i.name,
            form: i.form,
            level: i.level,
            lead_school_code: i.lead_school_code,
            description: i.description,
            founded_on: i.founded_on,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewMember {
    pub school_code: String,
    /// Default: today.
    #[serde(default, deserialize_with = "super::time::optional_day")]
    #[schema(nullable = false)]
    pub joined_on: Option<NaiveDate>,
}

#[derive(Deserialize, ToSchema)]
pub struct OfficerInput {
    #[schema(schema_with = codes::<OfficerRole>)]
    pub role: OfficerRole,
    pub person_name: String,
    pub school_id: Option<i64>,
}

/// The date a change takes effect.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnDate {
    /// `YYYY-MM-DD`; default today.
    pub on: Option<NaiveDate>,
}

/// Filters of the cluster list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read from the query map by `crate::query::list_request`
struct ClusterFilters {
    form: Option<String>,
    level: Option<String>,
    status: Option<String>,
}

/// Clusters of the county.
#[utoipa::path(get, path = "/clusters", params(ListParams, ClusterFilters), responses((status = 200, body = ListOf<Cluster>)), tag = "clusters")]
async fn list_clusters(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<ListOf<Cluster>>> {
    let (filter, paging) = api_list_request(&q)?;
    Ok(Json(ListOf::of(clusters::list(&app, &v, &filter, paging).await?, paging)))
}

/// A cluster with its members (current and past, with dates) and officers.
#[utoipa::path(get, path = "/clusters/{id}", params(("id" = i64, Path)), responses((status = 200, body = ClusterDetail)), tag = "clusters")]
async fn get_cluster(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Response> {
    let detail = clusters::get(&app, &v, id.first()).await?;
    Ok(super::tagged(xuequ_app::Version(detail.cluster.updated_at), ClusterDetail::from(detail)))
}

#[utoipa::path(post, path = "/clusters", request_body = ClusterInput, responses((status = 201, body = Cluster)), tag = "clusters")]
async fn create_cluster(State(app): State<App>, v: Viewer, Body(d): Body<ClusterInput>) -> ApiResult<Response> {
    Ok(created(Cluster::from(clusters::create(&app, &v, &d.into()).await?)))
}

/// Changes a cluster's record. A new lead takes over on `?on=` (default today); form, level,
/// lead and founding date are the bureau's to change.
#[utoipa::path(put, path = "/clusters/{id}", params(("id" = i64, Path), OnDate, ("If-Match" = Option<String>, Header, description = "the ETag last read")), request_body = ClusterInput, responses((status = 200, body = Cluster), (status = 403), (status = 412, description = "changed meanwhile")), tag = "clusters")]
async fn update_cluster(
    State(app): State<App>,
    v: Viewer,
    id: Ids,
    super::Params(q): super::Params<OnDate>,
    if_match: super::IfMatch,
    Body(d): Body<ClusterInput>,
) -> ApiResult<Response> {
    let saved = clusters::update(&app, &v, id.first(), &d.into(), q.on.unwrap_or_else(today), if_match.version()?).await?;
    Ok(super::tagged(xuequ_app::Version(saved.updated_at), Cluster::from(saved)))
}

/// Dissolves a cluster on `?on=` (default today); memberships end that day.
#[utoipa::path(delete, path = "/clusters/{id}", params(("id" = i64, Path), OnDate), responses((status = 200, body = Cluster)), tag = "clusters")]
async fn dissolve_cluster(State(app): State<App>, v: Viewer, id: Ids, super::Params(q): super::Params<OnDate>) -> ApiResult<Json<Cluster>> {
    Ok(Json(clusters::dissolve(&app, &v, id.first(), q.on.unwrap_or_else(today)).await?.into()))
}

#[utoipa::path(post, path = "/clusters/{id}/members", params(("id" = i64, Path)), request_body = NewMember, responses((status = 204), (status = 409)), tag = "clusters")]
async fn add_member(State(app): State<App>, v: Viewer, id: Ids, Body(m): Body<NewMember>) -> ApiResult<StatusCode> {
    clusters::add_member(&app, &v, id.first(), &m.school_code, m.joined_on.unwrap_or_else(today)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends a school's membership on `?on=` (default today).
#[utoipa::path(delete, path = "/clusters/{id}/members/{school_id}", params(("id" = i64, Path), ("school_id" = i64, Path), OnDate), responses((status = 204)), tag = "clusters")]
async fn remove_member(State(app): State<App>, v: Viewer, ids: Ids, super::Params(q): super::Params<OnDate>) -> ApiResult<StatusCode> {
    let school_id = *ids.0.get(1).ok_or(xuequ_app::AppError::NotFound)?;
    clusters::remove_member(&app, &v, ids.first(), school_id, q.on.unwrap_or_else(today)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the cluster's officers.
#[utoipa::path(put, path = "/clusters/{id}/officers", params(("id" = i64, Path)), request_body = Vec<OfficerInput>, responses((status = 204)), tag = "clusters")]
async fn set_officers(State(app): State<App>, v: Viewer, id: Ids, Body(o): Body<Vec<OfficerInput>>) -> ApiResult<StatusCode> {
    let officers: Vec<OfficerDraft> =
        o.into_iter().map(|o| OfficerDraft { role: o.role, person_name: o.person_name, school_id: o.school_id }).collect();
    clusters::set_officers(&app, &v, id.first(), &officers).await?;
    Ok(StatusCode::NO_CONTENT)
}
