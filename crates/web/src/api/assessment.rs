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
    /// The school year (default: the latest complete one, else the latest with statistics).
    pub year: Option<i32>,
    /// `primary` or `junior` (default: both).
    #[param(schema_with = stages)]
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
    /// Whether every school that should have statistics for the year has them. An incomplete
    /// year has no verdict: each stage's `passed` is `null`.
    complete: bool,
    /// Schools and pupils with statistics for the year, against all that should have them.
    coverage: Coverage,
    /// The schools without statistics for the year (`id`, `code`, `name`), by code.
    missing: Vec<Object>,
    /// Every year's `sections`, `complete` and `coverage`, oldest first.
    trend: Vec<Object>,
}

#[derive(ToSchema)]
#[allow(dead_code)] // describes the JSON built in `assess`
struct Coverage {
    schools_with: u64,
    schools_expected: u64,
    pupils_with: u64,
    /// A missing school counts with its latest earlier figures.
    pupils_expected: u64,
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
    let trend: Vec<serde_json::Value> = a
        .trend
        .iter()
        .map(|(y, r)| {
            let complete = a.complete(*y);
            let mut sections = serde_json::to_value(only_stage(r.clone(), stage).sections).unwrap_or_default();
            without_verdict(&mut sections, complete);
            let c = &a.coverage[y];
            serde_json::json!({"year": y, "sections": sections, "complete": complete, "coverage": counts(c)})
        })
        .collect();
    let complete = a.complete(a.year);
    let coverage = a.shown().clone();
    let mut body = serde_json::to_value(only_stage(a.report, stage)).map_err(AppError::internal)?;
    without_verdict(&mut body["sections"], complete);
    without_verdict(&mut body["basic_2012"], complete);
    body["year"] = a.year.into();
    body["years"] = a.years.into();
    body["source"] = assessment::SOURCE.into();
    body["trend"] = trend.into();
    body["complete"] = complete.into();
    body["coverage"] = counts(&coverage);
    body["missing"] = serde_json::to_value(&coverage.missing).map_err(AppError::internal)?;
    Ok(Json(body))
}

fn counts(c: &assessment::Coverage) -> serde_json::Value {
    serde_json::json!({
        "schools_with": c.schools_with,
        "schools_expected": c.schools_expected,
        "pupils_with": c.pupils_with,
        "pupils_expected": c.pupils_expected,
    })
}

/// An incomplete year's stages carry no verdict: `passed` is `null`.
fn without_verdict(sections: &mut serde_json::Value, complete: bool) {
    if complete {
        return;
    }
    if let Some(stages) = sections.as_object_mut() {
        for stage in stages.values_mut() {
            stage["passed"] = serde_json::Value::Null;
        }
    }
}

fn stages() -> utoipa::openapi::Object {
    super::codes::<Section>()
}
