//! Cluster planning over the API: run the planner, read plans, apply one.

use super::{Body, Ids, ListOf, PageParams, Params, one_of};
use crate::App;
use crate::auth::Viewer;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::records;
use xuequ_app::{planning, today};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list_plans, create_plan)).routes(routes!(get_plan)).routes(routes!(apply_plan))
}

#[derive(Serialize, ToSchema)]
pub struct Plan {
    pub id: i64,
    pub name: String,
    /// `primary`, `junior` or `both`.
    #[schema(schema_with = plan_stages)]
    pub stage: String,
    /// The settings the plan was made with, as JSON text.
    pub settings: String,
    /// The districts, as JSON text: `[{"lead": school id, "members": [school ids]}]`.
    pub clusters: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// When it was put into effect, if it was.
    pub applied_on: Option<NaiveDate>,
}

impl From<records::Plan> for Plan {
    fn from(m: records::Plan) -> Self {
        Plan {
            id: m.id,
            name: m.name,
            stage: m.stage,
            settings: m.settings,
            clusters: m.clusters,
            created_by: m.created_by,
            created_at: m.created_at,
            applied_on: m.applied_on,
        }
    }
}

/// The planner's settings (every one optional; the defaults suit a county).
#[derive(ToSchema)]
#[allow(dead_code)] // documents `xuequ_app::planning::Settings`, which the body is read into
pub struct PlanSettings {
    /// `primary`, `junior` or `both` (初中+小学). Default `primary`.
    #[schema(nullable = false, schema_with = plan_stages)]
    stage: Option<String>,
    /// Districts wanted; none = the fewest that fit.
    clusters: Option<u32>,
    /// Most schools per district (default 10).
    #[schema(nullable = false)]
    max_schools: Option<u32>,
    /// Fewest schools per district (default 3).
    #[schema(nullable = false)]
    min_schools: Option<u32>,
    /// Most students per district.
    max_students: Option<f64>,
    /// Who may lead: `top` (the strongest `lead_value` %), `threshold` (strength ≥ `lead_value`) or `designated`.
    #[schema(nullable = false, schema_with = lead_rules)]
    lead_rule: Option<String>,
    #[schema(nullable = false)]
    lead_value: Option<f64>,
    /// School codes the bureau designates as leads.
    #[schema(nullable = false)]
    designated: Option<Vec<String>>,
    /// `[lead code, member code]` pairs kept together.
    #[schema(nullable = false, schema_with = code_pairs)]
    fixed: Option<Vec<Vec<String>>>,
    /// Pairs of school codes never in one district.
    #[schema(nullable = false, schema_with = code_pairs)]
    forbidden: Option<Vec<Vec<String>>>,
    /// Weight of the districts' strength spread against kilometres (default 1).
    #[schema(nullable = false)]
    balance_weight: Option<f64>,
    /// Kilometres a school's move out of today's district is worth (default 0).
    #[schema(nullable = false)]
    move_penalty_km: Option<f64>,
    /// `[school code, score 0–100]` pairs the bureau enters; they replace the assessment's strength.
    #[schema(nullable = false, schema_with = code_scores)]
    scores: Option<Vec<Vec<serde_json::Value>>>,
    /// Seconds the planner may run (default 5).
    #[schema(nullable = false)]
    time_limit: Option<f64>,
    #[schema(nullable = false)]
    seed: Option<u64>,
    /// The school year whose balance assessment gives each school's strength (default: the
    /// latest year whose statistics are complete).
    year: Option<i32>,
    /// `true`: a school without figures for that year (and without a bureau score) counts as
    /// strength 0. Default `false`: such schools are named in a 422 on `missing_as_zero` and no
    /// plan is made.
    #[schema(nullable = false)]
    missing_as_zero: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewPlan {
    /// Default: a dated name.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    #[schema(value_type = PlanSettings)]
    pub settings: planning::Settings,
}

/// A district of a plan.
#[derive(Serialize, ToSchema)]
pub struct PlannedDistrict {
    /// The lead school's id.
    pub lead: i64,
    /// The other schools' ids.
    pub members: Vec<i64>,
}

/// A plan with its figures.
#[derive(Serialize, ToSchema)]
pub struct PlanView {
    pub plan: Plan,
    #[schema(value_type = PlanSettings)]
    pub settings: planning::Settings,
    pub clusters: Vec<PlannedDistrict>,
    /// Districts, total and longest distance (km), spread and SD of the districts' mean strength, schools moved, rules broken, schools left out.
    #[schema(value_type = Object)]
    pub measures: planning::PlanMeasures,
    /// Today's districts over the same schools, measured the same way.
    #[schema(value_type = Object)]
    pub current: planning::PlanMeasures,
    /// How many strengths came from the assessment (and its year), from the bureau, or are missing.
    #[schema(value_type = Object)]
    pub strength_source: planning::SourceCounts,
}

impl From<planning::PlanView> for PlanView {
    fn from(v: planning::PlanView) -> Self {
        PlanView {
            plan: v.plan.into(),
            settings: v.settings,
            clusters: v.clusters.into_iter().map(|c| PlannedDistrict { lead: c.lead, members: c.members }).collect(),
            measures: v.measures,
            current: v.current,
            strength_source: v.strength_source,
        }
    }
}

/// The county's saved plans, newest first.
#[utoipa::path(get, path = "/plans", params(PageParams), responses((status = 200, body = ListOf<Plan>)), tag = "plans")]
async fn list_plans(State(app): State<App>, v: Viewer, Params(p): Params<PageParams>) -> ApiResult<Json<ListOf<Plan>>> {
    let paging = p.paging()?;
    Ok(Json(ListOf::cut(planning::list(&app, &v).await?.into_iter().map(Plan::from), paging)))
}

/// Runs the planner within the settings' time limit and saves the plan as a draft.
#[utoipa::path(post, path = "/plans", request_body = NewPlan, responses((status = 201, body = PlanView, description = "the plan as GET /api/v1/plans/{id} returns it"), (status = 400), (status = 409)), tag = "plans")]
async fn create_plan(State(app): State<App>, v: Viewer, Body(p): Body<NewPlan>) -> ApiResult<Response> {
    let name = crate::i18n::plan_name(&v.tr(), &p.name);
    let id = planning::create(&app, &v, &name, p.settings, Default::default()).await?;
    let view = PlanView::from(planning::view(&app, &v, id).await?);
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// A plan: its settings, districts (school ids), figures, today's districts measured the same
/// way, and where the strengths came from.
#[utoipa::path(get, path = "/plans/{id}", params(("id" = i64, Path)), responses((status = 200, body = PlanView), (status = 404)), tag = "plans")]
async fn get_plan(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<PlanView>> {
    Ok(Json(planning::view(&app, &v, id.first()).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ApplyPlan {
    /// The date the new districts take effect (default today).
    #[serde(default, deserialize_with = "super::time::optional_day")]
    #[schema(nullable = false)]
    pub on: Option<NaiveDate>,
}

/// What applying a plan changed.
#[derive(Serialize, ToSchema)]
pub struct Applied {
    /// Ids of districts created.
    pub created: Vec<i64>,
    /// Ids of districts kept with changed members.
    pub changed: Vec<i64>,
    /// Ids of districts dissolved.
    pub dissolved: Vec<i64>,
    /// Memberships begun.
    pub joined: usize,
    /// Memberships ended.
    pub left: usize,
}

/// Applies a plan from a date: districts created, changed or dissolved, with dated membership
/// history; all or nothing.
#[utoipa::path(post, path = "/plans/{id}/apply", params(("id" = i64, Path)), request_body = ApplyPlan, responses((status = 200, body = Applied), (status = 409)), tag = "plans")]
async fn apply_plan(State(app): State<App>, v: Viewer, id: Ids, Body(a): Body<ApplyPlan>) -> ApiResult<Json<Applied>> {
    let done = planning::apply(&app, &v, id.first(), a.on.unwrap_or_else(today)).await?;
    Ok(Json(Applied { created: done.created, changed: done.changed, dissolved: done.dissolved, joined: done.joined, left: done.left }))
}

fn plan_stages() -> utoipa::openapi::Object {
    one_of(&["primary", "junior", "both"])
}

fn lead_rules() -> utoipa::openapi::Object {
    one_of(&["top", "threshold", "designated"])
}

/// `[[code, code], …]`: pairs of school codes.
fn code_pairs() -> utoipa::openapi::Array {
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder, schema::Type};
    let code = ObjectBuilder::new().schema_type(Type::String);
    ArrayBuilder::new().items(ArrayBuilder::new().items(code).min_items(Some(2)).max_items(Some(2))).build()
}

/// `[[code, score], …]`: a school code and its score 0–100.
fn code_scores() -> utoipa::openapi::Array {
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder, schema::Type};
    let code: utoipa::openapi::Schema = ObjectBuilder::new().schema_type(Type::String).build().into();
    let score: utoipa::openapi::Schema =
        ObjectBuilder::new().schema_type(Type::Number).minimum(Some(0.0)).maximum(Some(100.0)).build().into();
    let pair = ArrayBuilder::new().prefix_items([code, score]).min_items(Some(2)).max_items(Some(2));
    ArrayBuilder::new().items(pair).build()
}
