//! Teacher exchange over the API: who is due, the quota, shortages, and a rotation plan.

use super::{Body, Params};
use crate::App;
use crate::auth::Viewer;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::exchange;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(get_exchange)).routes(routes!(post_plan))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExchangeQuery {
    /// The school year (its first calendar year; default: this one).
    pub year: Option<i32>,
    /// Only the schools now in this cluster.
    pub cluster: Option<i64>,
}

/// Per school the teachers due to rotate (six years at the school, not retiring within two),
/// with backbone teachers among them, and the need, have and shortage per subject; the county's
/// quota (10 % of those due at sending schools, rounded up). Not for teachers.
#[utoipa::path(get, path = "/exchange", params(ExchangeQuery), responses((status = 200, body = Object), (status = 400), (status = 403)), tag = "exchange")]
async fn get_exchange(State(app): State<App>, v: Viewer, Params(q): Params<ExchangeQuery>) -> ApiResult<Json<exchange::Overview>> {
    Ok(Json(exchange::overview(&app, &v, q.year, q.cluster).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct PlanBody {
    pub year: Option<i32>,
    /// A cluster head plans their cluster; the bureau the county or one cluster.
    pub cluster: Option<i64>,
    /// The longest move, in kilometres (1–200; default 20).
    #[serde(default = "default_km")]
    pub max_km: f64,
}

fn default_km() -> f64 {
    20.0
}

/// A rotation plan: eligible teachers moved from surplus to shortage of their subject within
/// `max_km`, the shortages left and why, the quotas and whether the plan is proven optimal.
/// Nothing is saved.
#[utoipa::path(post, path = "/exchange/plan", request_body = PlanBody, responses((status = 200, body = Object), (status = 400), (status = 403)), tag = "exchange")]
async fn post_plan(State(app): State<App>, v: Viewer, Body(b): Body<PlanBody>) -> ApiResult<Json<xuequ_rotate::Plan>> {
    Ok(Json(exchange::plan(&app, &v, b.year, b.cluster, b.max_km).await?.1))
}
