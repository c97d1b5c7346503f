//! Teacher exchange over the API: who is due, the quota, shortages, rotation plans, moves from
//! proposal to return, exclusions, mentorship pairs, the rural allowance and the report.

use super::{Body, Ids, Params};
use crate::App;
use crate::auth::Viewer;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::exchange::{self, mentorships, moves, report, settings, subsidy};
use xuequ_domain::exchange::{ExchangeSettings, Form, MoveStatus};
use xuequ_store::entities::{exchange_exclusion, exchange_move, mentorship, mentorship_meeting};
use xuequ_store::exchange::{MoveFilter, NewMeeting, NewMentorship};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_exchange))
        .routes(routes!(get_figures))
        .routes(routes!(post_plan))
        .routes(routes!(propose_plan))
        .routes(routes!(list_moves, propose_move))
        .routes(routes!(get_move, decide_move))
        .routes(routes!(get_inbox))
        .routes(routes!(teacher_history))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(list_exclusions, add_exclusion))
        .routes(routes!(remove_exclusion))
        .routes(routes!(list_mentorships, create_mentorship))
        .routes(routes!(get_mentorship))
        .routes(routes!(end_mentorship))
        .routes(routes!(record_meeting))
        .routes(routes!(get_subsidy))
        .routes(routes!(get_report))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExchangeQuery {
    /// The school year (its first calendar year; default: this one).
    pub year: Option<i32>,
    /// Only the schools now in this cluster.
    pub cluster: Option<i64>,
}

/// Per school the teachers due to rotate (six years at the school, not retiring within two,
/// not left out by the school), with backbone teachers among them, the year's agreed moves, and
/// the need, have and shortage per subject; the county's quota (10 % of those due at sending
/// schools, rounded up) and how far the agreed moves meet it. Not for teachers.
#[utoipa::path(get, path = "/exchange", params(ExchangeQuery), responses((status = 200, body = Object), (status = 400), (status = 403)), tag = "exchange")]
async fn get_exchange(State(app): State<App>, v: Viewer, Params(q): Params<ExchangeQuery>) -> ApiResult<Json<exchange::Overview>> {
    Ok(Json(exchange::overview(&app, &v, q.year, q.cluster).await?))
}

/// The figures the cluster evaluation reads: quota and backbone share against the agreed and
/// carried-out moves, rural-subject shortages left, mentorship pairs and meetings.
#[utoipa::path(get, path = "/exchange/figures", params(ExchangeQuery), responses((status = 200, body = Object), (status = 400), (status = 403)), tag = "exchange")]
async fn get_figures(State(app): State<App>, v: Viewer, Params(q): Params<ExchangeQuery>) -> ApiResult<Json<exchange::Figures>> {
    Ok(Json(exchange::figures(&app, &v, q.year, q.cluster).await?))
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
/// `max_km`, preferring their cluster, the shortages left and why, the quotas (less the moves
/// already agreed) and whether the plan is proven optimal. Nothing is saved.
#[utoipa::path(post, path = "/exchange/plan", request_body = PlanBody, responses((status = 200, body = Object), (status = 400), (status = 403)), tag = "exchange")]
async fn post_plan(State(app): State<App>, v: Viewer, Body(b): Body<PlanBody>) -> ApiResult<Json<xuequ_rotate::Plan>> {
    Ok(Json(exchange::plan(&app, &v, b.year, b.cluster, b.max_km).await?.1))
}

/// Plans as `POST /exchange/plan` and proposes every move of the plan (轮岗 for the school
/// year); both schools of each move are asked to agree.
#[utoipa::path(post, path = "/exchange/plan/propose", request_body = PlanBody, responses((status = 200, body = Vec<Object>), (status = 400), (status = 403), (status = 409)), tag = "exchange")]
async fn propose_plan(State(app): State<App>, v: Viewer, Body(b): Body<PlanBody>) -> ApiResult<Json<Vec<exchange_move::Model>>> {
    Ok(Json(moves::propose_plan(&app, &v, b.year, b.cluster, b.max_km).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovesQuery {
    pub year: Option<i32>,
    /// `proposed`, `approved`, `confirmed`, `active`, `returned`, `declined` or `withdrawn`.
    pub status: Option<String>,
    /// Moves from or to this school.
    pub school: Option<i64>,
    pub teacher: Option<i64>,
}

/// The moves the caller sees (from or to a school they see), newest first.
#[utoipa::path(get, path = "/exchange/moves", params(MovesQuery), responses((status = 200, body = Vec<Object>), (status = 400), (status = 403)), tag = "exchange")]
async fn list_moves(State(app): State<App>, v: Viewer, Params(q): Params<MovesQuery>) -> ApiResult<Json<Vec<exchange_move::Model>>> {
    let statuses = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => vec![MoveStatus::parse(s).ok_or_else(|| {
            xuequ_app::AppError::invalid(
                "status",
                xuequ_domain::Problem::UnknownValue {
                    value: s.chars().take(40).collect(),
                    allowed: MoveStatus::ALL.iter().map(|m| m.code()).collect::<Vec<_>>().join(", "),
                },
            )
        })?],
        None => Vec::new(),
    };
    let filter = MoveFilter { year: q.year, involving: q.school.map(|s| vec![s]), statuses, teacher_id: q.teacher };
    Ok(Json(moves::list(&app, &v, filter).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct MoveBody {
    pub teacher_id: i64,
    pub to_school_id: i64,
    /// `rotation` (轮岗, 12–36 months), `support` (支教, 6–36), `itinerant` (走教, 1–12, part
    /// load on set weekdays), `cross_teaching` (跨校兼课, likewise) or `secondment` (挂职, 3–24).
    #[schema(value_type = String)]
    pub form: Form,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Share of the teacher's load at the receiving school: 100 for the forms that move the
    /// post, 10–80 for 走教 and 跨校兼课.
    #[serde(default = "full_load")]
    pub load_percent: u32,
    /// Weekdays at the receiving school (1 = Monday) for 走教 and 跨校兼课.
    #[serde(default)]
    pub weekdays: Vec<u32>,
    /// The shortage it fills, in words.
    #[serde(default)]
    pub fills: String,
}

fn full_load() -> u32 {
    100
}

/// Proposes one move by hand (the bureau, or a cluster head between two of its schools); both
/// schools' admins are asked to agree.
#[utoipa::path(post, path = "/exchange/moves", request_body = MoveBody, responses((status = 200, body = Object), (status = 400), (status = 403), (status = 409)), tag = "exchange")]
async fn propose_move(State(app): State<App>, v: Viewer, Body(b): Body<MoveBody>) -> ApiResult<Json<exchange_move::Model>> {
    let p = moves::Proposal {
        teacher_id: b.teacher_id,
        to_school_id: b.to_school_id,
        form: b.form,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        load_percent: b.load_percent,
        weekdays: b.weekdays,
        fills: b.fills,
    };
    let mut saved = moves::propose(&app, &v, &[p], xuequ_domain::exchange::MoveOrigin::Hand).await?;
    Ok(Json(saved.remove(0)))
}

#[utoipa::path(get, path = "/exchange/moves/{id}", params(("id" = i64, Path)), responses((status = 200, body = Object), (status = 404)), tag = "exchange")]
async fn get_move(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<exchange_move::Model>> {
    Ok(Json(moves::get(&app, &v, id.first()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct MoveDecisionBody {
    /// `approve` (a school's admin, for their school), `decline` (either school or the bureau;
    /// with a reason), `confirm` (the bureau, once both schools agreed), `withdraw` (who
    /// proposed, before it begins) or `end_early` (the bureau; with a reason).
    #[schema(value_type = String)]
    pub decision: moves::Decision,
    #[serde(default)]
    pub reason: String,
}

/// A decision on a move; those who act next are notified.
#[utoipa::path(patch, path = "/exchange/moves/{id}", params(("id" = i64, Path)), request_body = MoveDecisionBody, responses((status = 200, body = Object), (status = 403), (status = 404), (status = 409)), tag = "exchange")]
async fn decide_move(State(app): State<App>, v: Viewer, id: Ids, Body(b): Body<MoveDecisionBody>) -> ApiResult<Json<exchange_move::Model>> {
    Ok(Json(moves::decide(&app, &v, id.first(), b.decision, &b.reason).await?))
}

/// What waits for the caller: moves in and out their school must agree to, and for the bureau
/// those to confirm.
#[utoipa::path(get, path = "/exchange/inbox", responses((status = 200, body = Object), (status = 403)), tag = "exchange")]
async fn get_inbox(State(app): State<App>, v: Viewer) -> ApiResult<Json<moves::Inbox>> {
    Ok(Json(moves::inbox(&app, &v).await?))
}

/// A teacher's home school, the school they work at today, and every move of theirs.
#[utoipa::path(get, path = "/exchange/teachers/{id}/history", params(("id" = i64, Path)), responses((status = 200, body = Object), (status = 404)), tag = "exchange")]
async fn teacher_history(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<moves::History>> {
    Ok(Json(moves::history(&app, &v, id.first()).await?))
}

/// The county's exchange settings: rotation rules, staffing norm, allowance tiers, schools it
/// marks as sending.
#[utoipa::path(get, path = "/exchange/settings", responses((status = 200, body = Object), (status = 403)), tag = "exchange")]
async fn get_settings(State(app): State<App>, v: Viewer) -> ApiResult<Json<ExchangeSettings>> {
    Ok(Json(settings::get(&app, &v).await?))
}

/// Replaces the county's exchange settings (the bureau).
#[utoipa::path(put, path = "/exchange/settings", request_body = Object, responses((status = 200, body = Object), (status = 400), (status = 403)), tag = "exchange")]
async fn put_settings(State(app): State<App>, v: Viewer, Body(b): Body<ExchangeSettings>) -> ApiResult<Json<ExchangeSettings>> {
    settings::save(&app, &v, &b).await?;
    Ok(Json(settings::get(&app, &v).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The school year (exclusions, report) or calendar year (allowance); default: this one.
    pub year: Option<i32>,
}

/// The teachers schools left out of a year's rotation, with the reason.
#[utoipa::path(get, path = "/exchange/exclusions", params(YearQuery), responses((status = 200, body = Vec<Object>), (status = 400), (status = 403)), tag = "exchange")]
async fn list_exclusions(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<YearQuery>,
) -> ApiResult<Json<Vec<exchange_exclusion::Model>>> {
    let year = q.year.unwrap_or_else(|| exchange::school_year_of(xuequ_app::today()));
    Ok(Json(settings::exclusions(&app, &v, year).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ExclusionBody {
    pub teacher_id: i64,
    pub year: i32,
    /// `illness`, `retiring`, `pregnancy`, `already_rotated` or `other` (then a note is required).
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

/// Leaves a teacher out of a year's rotation (their school's admin, its cluster's head, the bureau).
#[utoipa::path(post, path = "/exchange/exclusions", request_body = ExclusionBody, responses((status = 200, body = Object), (status = 400), (status = 403), (status = 404), (status = 409)), tag = "exchange")]
async fn add_exclusion(State(app): State<App>, v: Viewer, Body(b): Body<ExclusionBody>) -> ApiResult<Json<exchange_exclusion::Model>> {
    Ok(Json(settings::exclude(&app, &v, b.teacher_id, b.year, &b.reason, &b.note).await?))
}

/// Takes an exclusion back: the teacher is due again.
#[utoipa::path(delete, path = "/exchange/exclusions/{id}", params(("id" = i64, Path)), responses((status = 200, body = Object), (status = 403), (status = 404)), tag = "exchange")]
async fn remove_exclusion(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<serde_json::Value>> {
    settings::include(&app, &v, id.first()).await?;
    Ok(Json(serde_json::json!({"removed": id.first()})))
}

/// The mentorship pairs the caller sees.
#[utoipa::path(get, path = "/exchange/mentorships", responses((status = 200, body = Vec<Object>), (status = 403)), tag = "exchange")]
async fn list_mentorships(State(app): State<App>, v: Viewer) -> ApiResult<Json<Vec<mentorship::Model>>> {
    Ok(Json(mentorships::list(&app, &v).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct MentorshipBody {
    pub mentor_id: i64,
    pub mentee_id: i64,
    /// The subject code (default: the mentee's).
    #[serde(default)]
    pub subject: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[serde(default)]
    pub goal: String,
}

/// Pairs a mentor with a mentee (the admin of either's school, its cluster's head, the bureau).
#[utoipa::path(post, path = "/exchange/mentorships", request_body = MentorshipBody, responses((status = 200, body = Object), (status = 400), (status = 403)), tag = "exchange")]
async fn create_mentorship(State(app): State<App>, v: Viewer, Body(b): Body<MentorshipBody>) -> ApiResult<Json<mentorship::Model>> {
    let new = NewMentorship {
        mentor_id: b.mentor_id,
        mentee_id: b.mentee_id,
        subject: b.subject,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        goal: b.goal,
    };
    Ok(Json(mentorships::create(&app, &v, &new).await?))
}

#[derive(serde::Serialize, ToSchema)]
pub struct MentorshipWithMeetings {
    #[schema(value_type = Object)]
    pub pair: mentorship::Model,
    #[schema(value_type = Vec<Object>)]
    pub meetings: Vec<mentorship_meeting::Model>,
}

#[utoipa::path(get, path = "/exchange/mentorships/{id}", params(("id" = i64, Path)), responses((status = 200, body = MentorshipWithMeetings), (status = 404)), tag = "exchange")]
async fn get_mentorship(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<MentorshipWithMeetings>> {
    let (pair, meetings) = mentorships::get(&app, &v, id.first()).await?;
    Ok(Json(MentorshipWithMeetings { pair, meetings }))
}

/// Ends a pair (it stays in the records).
#[utoipa::path(post, path = "/exchange/mentorships/{id}/end", params(("id" = i64, Path)), responses((status = 200, body = Object), (status = 403), (status = 404), (status = 409)), tag = "exchange")]
async fn end_mentorship(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<mentorship::Model>> {
    Ok(Json(mentorships::end(&app, &v, id.first()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct MeetingBody {
    pub held_on: NaiveDate,
    /// 1–600.
    pub minutes: i32,
    /// `observation` (听课), `demonstration` (示范课), `planning` (集体备课), `review` (评课) or `other`.
    pub kind: String,
    #[serde(default)]
    pub notes: String,
}

/// Records a meeting of a pair, within its period and not in the future.
#[utoipa::path(post, path = "/exchange/mentorships/{id}/meetings", params(("id" = i64, Path)), request_body = MeetingBody, responses((status = 200, body = Object), (status = 400), (status = 403), (status = 404)), tag = "exchange")]
async fn record_meeting(
    State(app): State<App>,
    v: Viewer,
    id: Ids,
    Body(b): Body<MeetingBody>,
) -> ApiResult<Json<mentorship_meeting::Model>> {
    let new = NewMeeting { mentorship_id: id.first(), held_on: b.held_on, minutes: b.minutes, kind: b.kind, notes: b.notes };
    Ok(Json(mentorships::record(&app, &v, &new).await?))
}

/// The rural allowance of a calendar year: per teacher and school, the months paid (mid-month
/// rule), the tier's monthly amount and the total, in yuan.
#[utoipa::path(get, path = "/exchange/subsidy", params(YearQuery), responses((status = 200, body = Vec<Object>), (status = 400), (status = 403)), tag = "exchange")]
async fn get_subsidy(State(app): State<App>, v: Viewer, Params(q): Params<YearQuery>) -> ApiResult<Json<Vec<subsidy::Allowance>>> {
    use chrono::Datelike;
    Ok(Json(subsidy::allowances(&app, &v, q.year.unwrap_or_else(|| xuequ_app::today().year())).await?))
}

/// The year's agreed moves by form, subject and school, the moves of every year, and the quota
/// of the county and each cluster.
#[utoipa::path(get, path = "/exchange/report", params(YearQuery), responses((status = 200, body = Object), (status = 400), (status = 403)), tag = "exchange")]
async fn get_report(State(app): State<App>, v: Viewer, Params(q): Params<YearQuery>) -> ApiResult<Json<report::Report>> {
    Ok(Json(report::report(&app, &v, q.year).await?))
}
