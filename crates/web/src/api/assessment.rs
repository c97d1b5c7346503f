//! The balance assessment over the API.

use crate::App;
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::assessment::{self, only_stage};
use xuequ_domain::{Problem, Section};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(assess))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// The school year (default: the latest with statistics).
    pub year: Option<i32>,
    /// `primary` or `junior` (default: both).
    pub stage: Option<String>,
    /// Only the schools now in this cluster.
    pub cluster: Option<i64>,
}

/// The assessment as the API answers it.
#[derive(ToSchema)]
#[allow(dead_code)] // describes the JSON built in `assess`
struct Assessment {
    year: i32,
    /// Every school year with statistics, newest first.
    years: Vec<i32>,
    /// `registry`: derived from the county's own records.
    source: String,
    /// Per stage (`primary`, `junior`): each 2017 indicator's student-weighted difference coefficient (`cv`), the limit, the composite and whether the stage passes.
    sections: Object,
    /// The same for the 2012 indicators, where their figures are recorded.
    basic_2012: Object,
    /// Each school section's indicator values, whether it meets the standard, and what it lacks (`shortfalls`).
    schools: Vec<Object>,
    /// Sections left out (teaching points under 50 pupils, special schools) with the reason.
    excluded: Vec<Object>,
    /// Per stage and indicator: the schools that weigh most on the coefficient.
    advice: Vec<Object>,
    /// Every year's `sections`, oldest first.
    trend: Vec<Object>,
}

type Object = serde_json::Map<String, serde_json::Value>;

/// The balance assessment of the county (or the schools now in `cluster`) for a school year,
/// optionally one stage, derived from the registry.
#[utoipa::path(get, path = "/assessment", params(AssessmentQuery), responses((status = 200, body = Assessment), (status = 404, description = "no statistics for that year, or no such cluster")), tag = "assessment")]
async fn assess(State(app): State<App>, v: Viewer, super::Params(q): super::Params<AssessmentQuery>) -> ApiResult<Json<serde_json::Value>> {
    let stage = match q.stage.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(Section::parse(s).ok_or_else(|| {
            AppError::invalid("stage", Problem::UnknownValue { value: s.to_string(), allowed: "primary / junior".into() })
        })?),
        None => None,
    };
    let a = assessment::assess(&app, &v, q.year, q.cluster).await?;
    let trend: Vec<serde_json::Value> =
        a.trend.iter().map(|(y, r)| serde_json::json!({"year": y, "sections": only_stage(r.clone(), stage).sections})).collect();
    let mut body = serde_json::to_value(only_stage(a.report, stage)).map_err(AppError::internal)?;
    body["year"] = a.year.into();
    body["years"] = a.years.into();
    body["source"] = assessment::SOURCE.into();
    body["trend"] = trend.into();
    Ok(Json(body))
}
