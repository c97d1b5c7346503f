//! The bundled cluster evaluation, the figures registry and value-added over the API.

use super::{Body, Ids, Params, Upload};
use crate::App;
use crate::auth::Viewer;
use crate::error::{ApiResult, AppError};
use crate::i18n::{Lang, Tr};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::evaluation::{self, scores};
use xuequ_app::figures::{self, Scope};
use xuequ_domain::Problem;
use xuequ_evaluate::tree;

pub fn routes(max_request: usize) -> OpenApiRouter<App> {
    // Evidence up to the library's file limit; the scores file up to the upload limit;
    // everything else keeps the API's JSON limit.
    OpenApiRouter::new()
        .routes(routes!(list_evidence, add_evidence))
        .layer(axum::extract::DefaultBodyLimit::max(max_request))
        .routes(routes!(import_scores))
        .layer(axum::extract::DefaultBodyLimit::max(crate::MAX_UPLOAD))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(crate::MAX_UPLOAD + 64 * 1024))
        .layer(axum::middleware::map_response(crate::import_limit_as_json))
        .routes(routes!(figures_of))
        .routes(routes!(rounds, open_round))
        .routes(routes!(close_round))
        .routes(routes!(round_results))
        .routes(routes!(assign))
        .routes(routes!(save_scores))
        .routes(routes!(get_evidence, delete_evidence))
        .routes(routes!(get_tree, put_tree))
        .routes(routes!(cluster_evaluation))
        .routes(routes!(value_added))
        .routes(routes!(dashboard))
}

// ---- figures ----

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// The year (a school year from 1 September, or a calendar year for budgets, plans and
    /// activities: each figure's `period` says which). Default: the current school year.
    year: Option<i32>,
    /// The figures of this cluster.
    cluster: Option<i64>,
    /// The figures of this school (wins over `cluster`).
    school: Option<i64>,
}

/// One registered figure and its value.
#[derive(Serialize, ToSchema)]
pub struct FigureOut {
    /// The registry's key, e.g. `sharing.hours_lent`.
    key: String,
    name_zh: String,
    name_en: String,
    #[schema(schema_with = units)]
    unit: String,
    /// Whether a higher value is better.
    higher_is_better: bool,
    /// `school_year` (from 1 September of `year`), `calendar_year`, `latest_statistics` (the
    /// newest complete school statistics not later than `year`) or `now`.
    #[schema(schema_with = periods)]
    period: String,
    /// The page the figure comes from.
    #[schema(schema_with = sources)]
    source: String,
    /// `null` when the records cannot give it (never 0 in its place).
    value: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct FiguresOut {
    year: i32,
    /// `county`, `cluster` or `school`.
    #[schema(schema_with = scope_kinds)]
    scope: String,
    /// The cluster's or school's id (`null` for the county).
    id: Option<i64>,
    items: Vec<FigureOut>,
}

fn code<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn units() -> utoipa::openapi::Object {
    super::one_of(&["count", "percent", "hours", "coefficient"])
}

fn periods() -> utoipa::openapi::Object {
    super::one_of(&["school_year", "calendar_year", "latest_statistics", "now"])
}

fn sources() -> utoipa::openapi::Object {
    super::one_of(&[
        "clusters",
        "assessment",
        "bookings",
        "library",
        "exchange",
        "activities",
        "training",
        "plans",
        "budgets",
        "value_added",
    ])
}

fn scope_kinds() -> utoipa::openapi::Object {
    super::one_of(&["county", "cluster", "school"])
}

/// A figure's name in both languages (the bundles' `figure-{key}`).
pub fn figure_names(key: &str) -> (String, String) {
    let id = xuequ_app::figures::message_id(key);
    (Tr::new(Lang::Zh).get(&id), Tr::new(Lang::En).get(&id))
}

fn current_school_year() -> i32 {
    use chrono::Datelike;
    let today = xuequ_app::today();
    if today.month() >= 9 { today.year() } else { today.year() - 1 }
}

/// Every registered figure of the county, a cluster or a school in a year, as the evaluation
/// and the dashboard read them: the bureau and inspectors anything, a cluster head their
/// cluster and its schools, a principal their school.
#[utoipa::path(get, path = "/figures", params(FiguresQuery), responses((status = 200, body = FiguresOut)), tag = "evaluation")]
async fn figures_of(State(app): State<App>, v: Viewer, Params(q): Params<FiguresQuery>) -> ApiResult<Json<FiguresOut>> {
    let year = q.year.unwrap_or_else(current_school_year);
    let scope = match (q.school, q.cluster) {
        (Some(s), _) => Scope::School(s),
        (None, Some(c)) => Scope::Cluster(c),
        (None, None) => Scope::County,
    };
    let readings = figures::read(&app, &v, year, scope).await?;
    let (kind, id) = scope_parts(scope);
    Ok(Json(FiguresOut { year, scope: kind.into(), id, items: readings.into_iter().map(figure_out).collect() }))
}

fn scope_parts(scope: Scope) -> (&'static str, Option<i64>) {
    match scope {
        Scope::County => ("county", None),
        Scope::Cluster(id) => ("cluster", Some(id)),
        Scope::School(id) => ("school", Some(id)),
    }
}

fn figure_out(r: figures::Reading) -> FigureOut {
    let (name_zh, name_en) = figure_names(r.figure.key);
    FigureOut {
        key: r.figure.key.to_string(),
        name_zh,
        name_en,
        unit: code(&r.figure.unit),
        higher_is_better: r.figure.higher_is_better,
        period: code(&r.figure.period),
        source: code(&r.figure.source),
        value: r.value,
    }
}

// ---- the dashboard ----

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// A cluster the caller leads (default: the caller's own scope).
    cluster: Option<i64>,
    /// A school the caller leads (wins over `cluster`).
    school: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct TrendOut {
    year: i32,
    /// The composite coefficient of variation (2017 standard); `null` for a stage without
    /// schools or a year whose statistics are not complete.
    primary: Option<f64>,
    junior: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct FormOut {
    #[schema(schema_with = super::codes::<xuequ_domain::ClusterForm>)]
    form: String,
    clusters: usize,
    schools: usize,
}

/// A cluster's place in a closed round.
#[derive(Serialize, ToSchema)]
pub struct RankOut {
    cluster_id: i64,
    name: String,
    /// `null` when a leaf was missing at closing.
    total: Option<f64>,
    rank: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct RankingOut {
    /// The school year of the latest closed round.
    year: i32,
    /// Every cluster for the county; the caller's own cluster otherwise.
    clusters: Vec<RankOut>,
    /// Clusters with a total in the round.
    ranked: usize,
    /// A principal's school's result in it.
    school_total: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct DashboardOut {
    /// The current school year.
    year: i32,
    #[schema(schema_with = scope_kinds)]
    scope: String,
    id: Option<i64>,
    figures: Vec<FigureOut>,
    /// The balance coefficients by year, oldest first (county and cluster).
    trend: Vec<TrendOut>,
    /// Active clusters and their schools by form (county).
    by_form: Vec<FormOut>,
    /// The latest closed round, when there is one the caller may read.
    ranking: Option<RankingOut>,
}

/// What a leader steers by: every registered figure of the caller's scope this school year
/// (the county for the bureau and inspectors, a head's cluster, a principal's school), the
/// balance trend, clusters by form and the latest closed ranking.
#[utoipa::path(get, path = "/dashboard", params(DashboardQuery), responses((status = 200, body = DashboardOut)), tag = "evaluation")]
async fn dashboard(State(app): State<App>, v: Viewer, Params(q): Params<DashboardQuery>) -> ApiResult<Json<DashboardOut>> {
    let d = xuequ_app::dashboard::dashboard(&app, &v, q.cluster, q.school).await?;
    let (kind, id) = scope_parts(d.scope);
    Ok(Json(DashboardOut {
        year: d.year,
        scope: kind.into(),
        id,
        figures: d.figures.into_iter().map(figure_out).collect(),
        trend: d.trend.into_iter().map(|y| TrendOut { year: y.year, primary: y.primary, junior: y.junior }).collect(),
        by_form: d.by_form.into_iter().map(|f| FormOut { form: f.form.code().into(), clusters: f.clusters, schools: f.schools }).collect(),
        ranking: d.ranking.map(|r| RankingOut {
            year: r.year,
            ranked: r.ranked,
            school_total: r.school_total,
            clusters: r
                .clusters
                .into_iter()
                .map(|k| RankOut { cluster_id: k.cluster_id, name: k.name, total: k.total, rank: k.rank })
                .collect(),
        }),
    }))
}

// ---- rounds ----

#[derive(Serialize, ToSchema)]
pub struct RoundOut {
    id: i64,
    year: i32,
    /// `open` while evaluators score; `closed` once frozen.
    #[schema(schema_with = round_statuses)]
    status: String,
    /// The share (0–0.5) of its members' results in the lead school's result.
    lead_share: f64,
    opened_at: chrono::DateTime<chrono::Utc>,
    closed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The clusters the caller evaluates in this round.
    mine: Vec<i64>,
}

fn round_statuses() -> utoipa::openapi::Object {
    super::one_of(&["open", "closed"])
}

impl From<evaluation::Round> for RoundOut {
    fn from(r: evaluation::Round) -> Self {
        RoundOut {
            id: r.id,
            year: r.year,
            status: r.status.code().into(),
            lead_share: r.lead_share,
            opened_at: r.opened_at,
            closed_at: r.closed_at,
            mine: r.mine,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RoundList {
    items: Vec<RoundOut>,
    total: usize,
}

/// The evaluation rounds the caller may see: the bureau and inspectors all, a cluster head and
/// a principal the closed ones.
#[utoipa::path(get, path = "/evaluation/rounds", responses((status = 200, body = RoundList)), tag = "evaluation")]
async fn rounds(State(app): State<App>, v: Viewer) -> ApiResult<Json<RoundList>> {
    let items: Vec<RoundOut> = evaluation::rounds(&app, &v).await?.into_iter().map(RoundOut::from).collect();
    Ok(Json(RoundList { total: items.len(), items }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRound {
    #[schema(minimum = 2000, maximum = 2100)]
    year: i32,
    /// The share (0–0.5) of its members' results in the lead school's result.
    #[schema(minimum = 0.0, maximum = 0.5, default = 0.3)]
    #[serde(default = "default_share")]
    lead_share: f64,
}

fn default_share() -> f64 {
    xuequ_domain::evaluation::DEFAULT_LEAD_SHARE
}

/// Opens the round of a year with the year's indicator system (kept now if it was only a copy
/// of last year's or the default). The bureau only; one round per year.
#[utoipa::path(post, path = "/evaluation/rounds", request_body = NewRound, responses((status = 201, body = RoundOut), (status = 409, description = "the year has a round already")), tag = "evaluation")]
async fn open_round(State(app): State<App>, v: Viewer, Body(input): Body<NewRound>) -> ApiResult<(StatusCode, Json<RoundOut>)> {
    let r = evaluation::open_round(&app, &v, input.year, input.lead_share).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// A cluster's result as a ranking lists it.
#[derive(Serialize, ToSchema)]
pub struct RankedCluster {
    cluster_id: i64,
    name: String,
    /// 0–100; `null` while a leaf is missing (see `missing`).
    total: Option<f64>,
    /// The weighted sum of what is known so far, and the share (0–100) of the weight it covers.
    partial: f64,
    known_weight: f64,
    rank: Option<usize>,
    /// The codes of the leaves without a value or a score.
    missing: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ResultsOut {
    year: i32,
    computed_at: chrono::DateTime<chrono::Utc>,
    /// Ranked, best first; clusters without a total last.
    items: Vec<RankedCluster>,
    total: usize,
}

fn results_out(r: evaluation::Results) -> ResultsOut {
    let items: Vec<RankedCluster> = r
        .clusters
        .into_iter()
        .map(|k| RankedCluster {
            cluster_id: k.cluster_id,
            name: k.name,
            total: k.result.total,
            partial: k.result.partial,
            known_weight: k.result.known_weight,
            rank: k.result.rank,
            missing: k.result.missing,
        })
        .collect();
    ResultsOut { year: r.year, computed_at: r.computed_at, total: items.len(), items }
}

/// Closes an open round: every cluster's result is computed now and frozen. The bureau only.
#[utoipa::path(post, path = "/evaluation/rounds/{id}/close", params(("id" = i64, Path)), responses((status = 200, body = ResultsOut), (status = 409, description = "the round is closed already")), tag = "evaluation")]
async fn close_round(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<Json<ResultsOut>> {
    let id = ids.first();
    Ok(Json(results_out(evaluation::close(&app, &v, id).await?)))
}

/// The ranking of a round: frozen once closed, computed from today's records while open. The
/// bureau and inspectors (an inspector sees only the clusters they evaluate while it is open).
#[utoipa::path(get, path = "/evaluation/rounds/{id}/results", params(("id" = i64, Path)), responses((status = 200, body = ResultsOut)), tag = "evaluation")]
async fn round_results(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<Json<ResultsOut>> {
    let id = ids.first();
    Ok(Json(results_out(evaluation::results(&app, &v, id).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evaluators {
    /// Accounts (inspectors or the bureau's) who score the cluster; an empty list removes them.
    users: Vec<i64>,
}

/// Sets the evaluators of a cluster in an open round. The bureau only.
#[utoipa::path(put, path = "/evaluation/rounds/{id}/clusters/{cluster}/evaluators", params(("id" = i64, Path), ("cluster" = i64, Path)), request_body = Evaluators, responses((status = 204, description = "set")), tag = "evaluation")]
async fn assign(State(app): State<App>, v: Viewer, ids: Ids, Body(input): Body<Evaluators>) -> ApiResult<StatusCode> {
    let (id, cluster) = (ids.0[0], ids.0[1]);
    evaluation::assign(&app, &v, id, cluster, &input.users).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreIn {
    /// The code of a leaf scored by evaluators.
    code: String,
    #[schema(minimum = 0.0, maximum = 100.0)]
    score: f64,
    #[serde(default)]
    #[schema(max_length = 2000)]
    comment: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scores {
    scores: Vec<ScoreIn>,
}

/// An evaluator's scores of a cluster in an open round, all or nothing: only an evaluator
/// assigned to it, only leaves scored by evaluators, 0–100 each.
#[utoipa::path(post, path = "/evaluation/rounds/{id}/clusters/{cluster}/scores", params(("id" = i64, Path), ("cluster" = i64, Path)), request_body = Scores, responses((status = 204, description = "saved"), (status = 409, description = "the round is closed")), tag = "evaluation")]
async fn save_scores(State(app): State<App>, v: Viewer, ids: Ids, Body(input): Body<Scores>) -> ApiResult<StatusCode> {
    let (id, cluster) = (ids.0[0], ids.0[1]);
    let list: Vec<evaluation::ScoreInput> =
        input.scores.into_iter().map(|s| evaluation::ScoreInput { code: s.code, score: s.score, comment: s.comment }).collect();
    evaluation::score(&app, &v, id, cluster, &list).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- evidence ----

/// An evidence file (佐证材料) of a scored indicator; download it at `url`.
#[derive(Serialize, ToSchema)]
pub struct EvidenceOut {
    id: i64,
    round_id: i64,
    cluster_id: i64,
    /// The scored indicator it supports.
    code: String,
    name: String,
    size: i64,
    mime: String,
    uploaded_by: String,
    created_at: chrono::DateTime<chrono::Utc>,
    url: String,
}

impl From<&xuequ_app::records::EvaluationEvidence> for EvidenceOut {
    fn from(f: &xuequ_app::records::EvaluationEvidence) -> Self {
        EvidenceOut {
            id: f.id,
            round_id: f.round_id,
            cluster_id: f.cluster_id,
            code: f.code.clone(),
            name: f.name.clone(),
            size: f.size,
            mime: f.mime.clone(),
            uploaded_by: f.uploaded_by.clone(),
            created_at: f.created_at,
            url: format!("/api/v1/evaluation/evidence/{}", f.id),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EvidenceList {
    items: Vec<EvidenceOut>,
    total: usize,
}

#[derive(ToSchema)]
#[allow(dead_code)] // documents the multipart form
pub struct EvidenceForm {
    /// The code of a leaf scored by evaluators, e.g. `1.2`.
    code: String,
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<String>,
}

/// The evidence of a cluster in a round, for whoever may read its evaluation.
#[utoipa::path(get, path = "/evaluation/rounds/{id}/clusters/{cluster}/evidence", params(("id" = i64, Path), ("cluster" = i64, Path)), responses((status = 200, body = EvidenceList), (status = 404)), tag = "evaluation")]
async fn list_evidence(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<Json<EvidenceList>> {
    let items: Vec<EvidenceOut> = evaluation::evidence::list(&app, &v, ids.0[0], ids.0[1]).await?.iter().map(EvidenceOut::from).collect();
    Ok(Json(EvidenceList { total: items.len(), items }))
}

/// Attaches evidence files to a scored indicator of a cluster in an open round: an evaluator
/// assigned to the cluster; checked like the library's uploads, all or none.
#[utoipa::path(post, path = "/evaluation/rounds/{id}/clusters/{cluster}/evidence", params(("id" = i64, Path), ("cluster" = i64, Path)), request_body(content = EvidenceForm, content_type = "multipart/form-data"), responses((status = 201, body = Vec<EvidenceOut>), (status = 400), (status = 403), (status = 404), (status = 409, description = "the round is closed"), (status = 413)), tag = "evaluation")]
async fn add_evidence(State(app): State<App>, v: Viewer, ids: Ids, Upload(form): Upload) -> ApiResult<axum::response::Response> {
    let form = super::library::read_form(&app, form).await?;
    let code = form.fields.get("code").map(|c| c.trim().to_string()).unwrap_or_default();
    if code.is_empty() {
        return Err(AppError::invalid("code", Problem::Required).into());
    }
    let saved = evaluation::evidence::attach(&app, &v, ids.0[0], ids.0[1], &code, form.files).await?;
    Ok(super::created(saved.iter().map(EvidenceOut::from).collect::<Vec<_>>()))
}

/// An evidence file, for whoever may read its cluster's evaluation.
#[utoipa::path(get, path = "/evaluation/evidence/{id}", params(("id" = i64, Path)), responses((status = 200, description = "the file"), (status = 404)), tag = "evaluation")]
async fn get_evidence(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<axum::response::Response> {
    let (f, bytes) = evaluation::evidence::file(&app, &v, ids.first()).await?;
    let inline = f.family == "image" || f.family == "pdf";
    Ok(crate::download::stored_file(bytes, &f.name, &f.mime, inline))
}

/// Removes an evidence file while its round is open: who attached it, or the bureau.
#[utoipa::path(delete, path = "/evaluation/evidence/{id}", params(("id" = i64, Path)), responses((status = 204, description = "removed"), (status = 403), (status = 404), (status = 409, description = "the round is closed")), tag = "evaluation")]
async fn delete_evidence(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<StatusCode> {
    evaluation::evidence::remove(&app, &v, ids.first()).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- the indicator system ----

/// A year in the path; one that is not a year names nothing.
fn year_of(ids: &Ids) -> Result<i32, AppError> {
    i32::try_from(ids.first()).map_err(|_| AppError::NotFound)
}

/// One indicator: a group (with `children`), a computed leaf (`figure` and `rule`) or a leaf
/// scored by evaluators (neither).
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDoc {
    /// Unique in the tree, e.g. `2.1`.
    code: String,
    name_zh: String,
    name_en: String,
    /// Per cent of its parent (or of the total): siblings sum to 100.
    weight: f64,
    /// A registered figure's key (see `GET /figures`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    figure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rule: Option<RuleDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    children: Vec<IndicatorDoc>,
}

/// How a computed leaf's raw value becomes a score of 0–100: `target` (full marks at the
/// target, in proportion below it; `lower_is_better` turns it round), `linear` (0 at `zero`,
/// 100 at `full`) or `rank` (among the clusters: the best 100, the worst 0).
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    #[schema(schema_with = rule_kinds)]
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    zero: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    full: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lower_is_better: Option<bool>,
}

fn rule_kinds() -> utoipa::openapi::Object {
    super::one_of(&["target", "linear", "rank"])
}

impl From<&tree::Indicator> for IndicatorDoc {
    fn from(i: &tree::Indicator) -> Self {
        IndicatorDoc {
            code: i.code.clone(),
            name_zh: i.name_zh.clone(),
            name_en: i.name_en.clone(),
            weight: i.weight,
            figure: i.figure.clone(),
            rule: i.rule.map(|r| match r {
                tree::Rule::Target { target, lower_is_better } => {
                    RuleDoc { kind: "target".into(), target: Some(target), zero: None, full: None, lower_is_better: Some(lower_is_better) }
                }
                tree::Rule::Linear { zero, full } => {
                    RuleDoc { kind: "linear".into(), target: None, zero: Some(zero), full: Some(full), lower_is_better: None }
                }
                tree::Rule::Rank { lower_is_better } => {
                    RuleDoc { kind: "rank".into(), target: None, zero: None, full: None, lower_is_better: Some(lower_is_better) }
                }
            }),
            children: i.children.iter().map(IndicatorDoc::from).collect(),
        }
    }
}

impl IndicatorDoc {
    /// The engine's indicator; a rule missing the numbers its kind needs is named.
    fn into_indicator(self) -> Result<tree::Indicator, AppError> {
        let rule = match self.rule {
            None => None,
            Some(r) => {
                let need = |v: Option<f64>, field: &'static str| v.ok_or_else(|| AppError::invalid(field, Problem::Required));
                let lower = r.lower_is_better.unwrap_or(false);
                Some(match r.kind.as_str() {
                    "target" => tree::Rule::Target { target: need(r.target, "rule.target")?, lower_is_better: lower },
                    // A falling line says lower is better itself: `full` below `zero`.
                    "linear" if lower => {
                        return Err(AppError::invalid(
                            "rule.lower_is_better",
                            Problem::UnknownValue { value: "true".into(), allowed: "false (set full below zero)".into() },
                        ));
                    }
                    "linear" => tree::Rule::Linear { zero: need(r.zero, "rule.zero")?, full: need(r.full, "rule.full")? },
                    "rank" => tree::Rule::Rank { lower_is_better: lower },
                    other => {
                        return Err(AppError::invalid(
                            "rule.kind",
                            Problem::UnknownValue { value: other.to_string(), allowed: "target / linear / rank".into() },
                        ));
                    }
                })
            }
        };
        let children = self.children.into_iter().map(IndicatorDoc::into_indicator).collect::<Result<Vec<_>, _>>()?;
        Ok(tree::Indicator {
            code: self.code,
            name_zh: self.name_zh,
            name_en: self.name_en,
            weight: self.weight,
            figure: self.figure,
            rule,
            children,
        })
    }
}

/// An indicator system. The answer of `GET /evaluation/trees/{year}` may be sent back as it is:
/// its `year`, `source` and `from` are not read.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TreeDoc {
    indicators: Vec<IndicatorDoc>,
}

#[derive(Serialize, ToSchema)]
pub struct YearTreeOut {
    year: i32,
    /// `kept` for the year, `copied_from` an earlier year (`from`), or `default`.
    #[schema(schema_with = tree_sources)]
    source: String,
    from: Option<i32>,
    indicators: Vec<IndicatorDoc>,
}

fn tree_sources() -> utoipa::openapi::Object {
    super::one_of(&["kept", "copied_from", "default"])
}

/// The indicator system of a year: the one kept, else a copy of the latest earlier year's,
/// else the default built from the seeds' criteria. The bureau and inspectors.
#[utoipa::path(get, path = "/evaluation/trees/{year}", params(("year" = i32, Path)), responses((status = 200, body = YearTreeOut)), tag = "evaluation")]
async fn get_tree(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<Json<YearTreeOut>> {
    let year = year_of(&ids)?;
    let t = evaluation::tree(&app, &v, year).await?;
    let (source, from) = match t.source {
        evaluation::TreeSource::Kept => ("kept", None),
        evaluation::TreeSource::CopiedFrom(y) => ("copied_from", Some(y)),
        evaluation::TreeSource::Default => ("default", None),
    };
    Ok(Json(YearTreeOut { year, source: source.into(), from, indicators: t.tree.indicators.iter().map(IndicatorDoc::from).collect() }))
}

/// Keeps the indicator system of a year. Weights must sum to 100 at every level (the level is
/// named), figures must be registered, rules usable. The bureau only; not once the year's
/// round is closed.
#[utoipa::path(put, path = "/evaluation/trees/{year}", params(("year" = i32, Path)), request_body = TreeDoc, responses((status = 204, description = "kept"), (status = 409, description = "the year's round is closed")), tag = "evaluation")]
async fn put_tree(State(app): State<App>, v: Viewer, ids: Ids, Body(input): Body<TreeDoc>) -> ApiResult<StatusCode> {
    let year = year_of(&ids)?;
    let indicators = input.indicators.into_iter().map(IndicatorDoc::into_indicator).collect::<Result<Vec<_>, _>>()?;
    evaluation::save_tree(&app, &v, year, &tree::Tree { indicators }).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- a cluster's evaluation ----

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationQuery {
    /// The round's year (default: the latest round).
    year: Option<i32>,
}

/// One indicator's result for the cluster.
#[derive(Serialize, ToSchema)]
pub struct NodeOut {
    code: String,
    name_zh: String,
    name_en: String,
    weight: f64,
    /// The parent indicator's code (`null` at the top level).
    parent: Option<String>,
    /// `group`, `computed` or `scored`.
    #[schema(schema_with = node_kinds)]
    kind: String,
    /// The registry's figure key of a computed leaf.
    figure: Option<String>,
    /// The figure's value (computed leaves), `null` when missing.
    raw: Option<f64>,
    /// 0–100, `null` when missing.
    score: Option<f64>,
}

fn node_kinds() -> utoipa::openapi::Object {
    super::one_of(&["group", "computed", "scored"])
}

#[derive(Serialize, ToSchema)]
pub struct SchoolOut {
    school_id: i64,
    name: String,
    lead: bool,
    /// By the tree on the school's own figures.
    own: Option<f64>,
    /// The lead school's own result with its members' share; a member's own result.
    total: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct CommentOut {
    code: String,
    score: f64,
    comment: String,
    by: String,
    at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct ClusterEvaluationOut {
    round: RoundOut,
    cluster_id: i64,
    name: String,
    /// 0–100, `null` while a leaf is missing.
    total: Option<f64>,
    partial: f64,
    known_weight: f64,
    rank: Option<usize>,
    /// Clusters with a total, and all clusters, in the round.
    ranked: usize,
    clusters: usize,
    /// The total in the previous year's closed round.
    last_year: Option<f64>,
    missing: Vec<String>,
    /// Every indicator, parents before children.
    indicators: Vec<NodeOut>,
    schools: Vec<SchoolOut>,
    comments: Vec<CommentOut>,
    /// The evaluators' evidence files (佐证材料), oldest first.
    evidence: Vec<EvidenceOut>,
    /// Whether the caller may score it now (and attach evidence).
    may_score: bool,
}

/// A cluster's evaluation in a round: the tree with each leaf's figure, raw value, score and
/// weight, the total and rank, its schools' results and the evaluators' comments. The bureau;
/// its evaluators while the round is open; once closed, inspectors, its head and its
/// principals.
#[utoipa::path(get, path = "/clusters/{id}/evaluation", params(("id" = i64, Path), EvaluationQuery), responses((status = 200, body = ClusterEvaluationOut)), tag = "evaluation")]
async fn cluster_evaluation(
    State(app): State<App>,
    v: Viewer,
    ids: Ids,
    Params(q): Params<EvaluationQuery>,
) -> ApiResult<Json<ClusterEvaluationOut>> {
    let id = ids.first();
    let e = evaluation::of_cluster(&app, &v, id, q.year).await?;
    Ok(Json(cluster_out(e)))
}

pub fn indicator_rows(t: &tree::Tree, result: &evaluation::Unit) -> Vec<NodeOut> {
    let mut out = Vec::new();
    fn walk(list: &[tree::Indicator], parent: Option<&str>, result: &evaluation::Unit, out: &mut Vec<NodeOut>) {
        for i in list {
            let node = result.nodes.get(&i.code);
            let kind = match i.leaf() {
                None => "group",
                Some(tree::Leaf::Computed { .. }) => "computed",
                Some(tree::Leaf::Scored) => "scored",
            };
            out.push(NodeOut {
                code: i.code.clone(),
                name_zh: i.name_zh.clone(),
                name_en: i.name_en.clone(),
                weight: i.weight,
                parent: parent.map(str::to_string),
                kind: kind.into(),
                figure: i.figure.clone(),
                raw: node.and_then(|n| n.raw),
                score: node.and_then(|n| n.score),
            });
            walk(&i.children, Some(&i.code), result, out);
        }
    }
    walk(&t.indicators, None, result, &mut out);
    out
}

fn cluster_out(e: evaluation::ClusterEvaluation) -> ClusterEvaluationOut {
    let k = e.cluster;
    ClusterEvaluationOut {
        indicators: indicator_rows(&e.tree, &k.result),
        round: e.round.into(),
        cluster_id: k.cluster_id,
        name: k.name,
        total: k.result.total,
        partial: k.result.partial,
        known_weight: k.result.known_weight,
        rank: k.result.rank,
        ranked: e.ranked,
        clusters: e.clusters,
        last_year: e.last_year,
        missing: k.result.missing,
        schools: k
            .schools
            .into_iter()
            .map(|s| SchoolOut { school_id: s.school_id, name: s.name, lead: s.lead, own: s.own, total: s.total })
            .collect(),
        comments: k
            .comments
            .into_iter()
            .map(|c| CommentOut { code: c.code, score: c.score, comment: c.comment, by: c.by, at: c.at })
            .collect(),
        evidence: e.evidence.iter().map(EvidenceOut::from).collect(),
        may_score: e.may_score,
    }
}

// ---- value-added ----

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValueAddedQuery {
    /// The school year of the scores.
    year: i32,
    /// Only this subject (as written in the scores).
    subject: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SchoolValueOut {
    school_id: i64,
    code: String,
    name: String,
    n: usize,
    raw: f64,
    shrunk: f64,
    lo: f64,
    hi: f64,
    /// 1: above zero beyond doubt (the 95 % interval), −1: below, 0: neither.
    mark: i8,
}

#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    grade: String,
    subject: String,
    students: usize,
    a: f64,
    b: f64,
    sigma2: f64,
    tau2: f64,
    /// The schools the caller leads (the bureau and inspectors every school).
    schools: Vec<SchoolValueOut>,
}

#[derive(Serialize, ToSchema)]
pub struct ValueAddedOut {
    year: i32,
    groups: Vec<GroupOut>,
}

/// Value-added (增值评价) of a school year by grade and subject: the county's regression and each
/// school's shrunk value-added with its 95 % interval, for the schools the caller leads.
#[utoipa::path(get, path = "/value-added", params(ValueAddedQuery), responses((status = 200, body = ValueAddedOut)), tag = "evaluation")]
async fn value_added(State(app): State<App>, v: Viewer, Params(q): Params<ValueAddedQuery>) -> ApiResult<Json<ValueAddedOut>> {
    let groups = scores::of_year(&app, &v, q.year, q.subject.as_deref().filter(|s| !s.is_empty())).await?;
    Ok(Json(ValueAddedOut {
        year: q.year,
        groups: groups
            .into_iter()
            .map(|g| GroupOut {
                grade: g.grade,
                subject: g.subject,
                students: g.students,
                a: g.a,
                b: g.b,
                sigma2: g.sigma2,
                tau2: g.tau2,
                schools: g
                    .schools
                    .into_iter()
                    .map(|s| SchoolValueOut {
                        school_id: s.school_id,
                        code: s.code,
                        name: s.name,
                        n: s.n,
                        raw: s.raw,
                        shrunk: s.shrunk,
                        lo: s.lo,
                        hi: s.hi,
                        mark: s.mark,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScoresQuery {
    /// The school year the scores belong to.
    year: i32,
}

/// The scores file (multipart field `file`): 学号, 学校代码, 年级, 学科, 入口成绩, 出口成绩.
#[derive(ToSchema)]
#[allow(dead_code)] // describes the multipart body
struct ScoresFile {
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

#[derive(Serialize, ToSchema)]
pub struct ScoresImported {
    year: i32,
    rows: usize,
}

/// Imports students' scores for a school year from CSV or XLSX, replacing that year's: all or
/// nothing, every problem named by sheet, row and column. The bureau only.
#[utoipa::path(post, path = "/value-added/scores", params(ScoresQuery), request_body(content = ScoresFile, content_type = "multipart/form-data"), responses((status = 201, body = ScoresImported), (status = 422, description = "every problem with sheet, row, column; nothing imported")), tag = "evaluation")]
async fn import_scores(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<ScoresQuery>,
    Upload(mut form): Upload,
) -> ApiResult<(StatusCode, Json<ScoresImported>)> {
    let bad_file = crate::download::upload_error;
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(bad_file)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("scores.xlsx").to_string();
            let bytes = field.bytes().await.map_err(bad_file)?;
            file = Some((name, bytes));
        }
    }
    let (name, bytes) = file.ok_or_else(|| AppError::invalid("file", Problem::Required))?;
    let rows = scores::import(&app, &v, q.year, &bytes, &name).await?;
    Ok((StatusCode::CREATED, Json(ScoresImported { year: q.year, rows })))
}
