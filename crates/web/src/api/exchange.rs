//! Teacher exchange over the API: who is due, the quota, shortages, rotation plans, moves from
//! proposal to return, exclusions, mentorship pairs, the rural allowance and the report.

use super::{Body, Ids, ListOf, PageParams, Params, one_of};
use crate::App;
use crate::auth::Viewer;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::exchange::{self, mentorships, moves, report, settings, subsidy};
use xuequ_app::records::{Exclusion, Mentorship, MentorshipMeeting, Move, MoveFilter, NewMeeting, NewMentorship};
use xuequ_domain::exchange::{ExchangeSettings, ExclusionReason, Form, MoveStatus};

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

fn forms() -> utoipa::openapi::Object {
    one_of(&Form::ALL.iter().map(|f| f.code()).collect::<Vec<_>>())
}

fn move_statuses() -> utoipa::openapi::Object {
    one_of(&MoveStatus::ALL.iter().map(|s| s.code()).collect::<Vec<_>>())
}

fn exclusion_reasons() -> utoipa::openapi::Object {
    one_of(&ExclusionReason::ALL.iter().map(|r| r.code()).collect::<Vec<_>>())
}

fn move_decisions() -> utoipa::openapi::Object {
    one_of(&["approve", "decline", "confirm", "withdraw", "end_early"])
}

fn pair_statuses() -> utoipa::openapi::Object {
    one_of(&["active", "ended"])
}

fn meeting_kinds() -> utoipa::openapi::Object {
    one_of(&["observation", "demonstration", "planning", "review", "other"])
}

/// A teacher's move from their home school to another, from proposal to return.
#[derive(Serialize, ToSchema)]
pub struct MoveOut {
    pub id: i64,
    pub teacher_id: i64,
    pub from_school_id: i64,
    pub to_school_id: i64,
    #[schema(schema_with = forms)]
    pub form: String,
    pub subject: String,
    /// The school year it belongs to (starting 1 September of this year).
    pub year: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub load_percent: i32,
    /// Weekdays at the receiving school for 走教 and 跨校兼课, `1,3` (Monday = 1).
    pub weekdays: String,
    /// The shortage it fills, as the planner said, or empty.
    pub fills: String,
    pub km: Option<f64>,
    /// From the planner or by hand.
    #[schema(schema_with = origins)]
    pub origin: String,
    #[schema(schema_with = move_statuses)]
    pub status: String,
    pub proposed_by_name: String,
    pub sending_agreed_by: Option<String>,
    pub sending_agreed_at: Option<DateTime<Utc>>,
    pub receiving_agreed_by: Option<String>,
    pub receiving_agreed_at: Option<DateTime<Utc>>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub reason: String,
    pub started_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn origins() -> utoipa::openapi::Object {
    one_of(&["plan", "hand"])
}

impl From<Move> for MoveOut {
    fn from(m: Move) -> Self {
        MoveOut {
            id: m.id,
            teacher_id: m.teacher_id,
            from_school_id: m.from_school_id,
            to_school_id: m.to_school_id,
            form: m.form.code().into(),
            subject: m.subject.to_string(),
            year: m.year,
            starts_on: m.starts_on,
            ends_on: m.ends_on,
            load_percent: m.load_percent,
            weekdays: m.weekdays,
            fills: m.fills,
            km: m.km,
            origin: m.origin.to_string(),
            status: m.status.code().into(),
            proposed_by_name: m.proposed_by_name,
            sending_agreed_by: m.sending_agreed_by,
            sending_agreed_at: m.sending_agreed_at,
            receiving_agreed_by: m.receiving_agreed_by,
            receiving_agreed_at: m.receiving_agreed_at,
            confirmed_by: m.confirmed_by,
            confirmed_at: m.confirmed_at,
            decided_by: m.decided_by,
            reason: m.reason,
            started_at: m.started_at,
            returned_at: m.returned_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A teacher left out of one school year's rotation, and why.
#[derive(Serialize, ToSchema)]
pub struct ExclusionOut {
    pub id: i64,
    pub teacher_id: i64,
    pub school_id: i64,
    pub year: i32,
    #[schema(schema_with = exclusion_reasons)]
    pub reason: String,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<Exclusion> for ExclusionOut {
    fn from(e: Exclusion) -> Self {
        ExclusionOut {
            id: e.id,
            teacher_id: e.teacher_id,
            school_id: e.school_id,
            year: e.year,
            reason: e.reason.code().into(),
            note: e.note,
            created_by: e.created_by,
            created_at: e.created_at,
        }
    }
}

/// A mentor and a mentee (师徒结对).
#[derive(Serialize, ToSchema)]
pub struct MentorshipOut {
    pub id: i64,
    pub mentor_id: i64,
    pub mentee_id: i64,
    pub subject: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub goal: String,
    #[schema(schema_with = pair_statuses)]
    pub status: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Mentorship> for MentorshipOut {
    fn from(m: Mentorship) -> Self {
        MentorshipOut {
            id: m.id,
            mentor_id: m.mentor_id,
            mentee_id: m.mentee_id,
            subject: m.subject.to_string(),
            starts_on: m.starts_on,
            ends_on: m.ends_on,
            goal: m.goal,
            status: m.status.code().into(),
            created_by: m.created_by,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// One meeting of a pair.
#[derive(Serialize, ToSchema)]
pub struct PairMeetingOut {
    pub id: i64,
    pub mentorship_id: i64,
    pub held_on: NaiveDate,
    pub minutes: i32,
    #[schema(schema_with = meeting_kinds)]
    pub kind: String,
    pub notes: String,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<MentorshipMeeting> for PairMeetingOut {
    fn from(m: MentorshipMeeting) -> Self {
        PairMeetingOut {
            id: m.id,
            mentorship_id: m.mentorship_id,
            held_on: m.held_on,
            minutes: m.minutes,
            kind: m.kind.to_string(),
            notes: m.notes,
            recorded_by: m.recorded_by,
            created_at: m.created_at,
        }
    }
}

/// A teacher's rural allowance of a calendar year at one school.
#[derive(Serialize, ToSchema)]
pub struct AllowanceOut {
    pub teacher_id: i64,
    pub staff_no: String,
    pub name: String,
    pub home_school: String,
    pub school_id: i64,
    pub school: String,
    pub tier: String,
    /// The months (1–12) paid at this school.
    pub months: Vec<u32>,
    pub monthly_yuan: u32,
    pub total_yuan: u32,
}

impl From<subsidy::Allowance> for AllowanceOut {
    fn from(a: subsidy::Allowance) -> Self {
        AllowanceOut {
            teacher_id: a.teacher_id,
            staff_no: a.staff_no,
            name: a.name,
            home_school: a.home_school,
            school_id: a.school_id,
            school: a.school,
            tier: a.tier,
            months: a.months,
            monthly_yuan: a.monthly_yuan,
            total_yuan: a.total_yuan,
        }
    }
}

/// What waits for the caller.
#[derive(Serialize, ToSchema)]
pub struct InboxOut {
    /// Moves to the caller's school waiting for its agreement.
    pub incoming: Vec<MoveOut>,
    /// Moves from the caller's school waiting for its agreement.
    pub outgoing: Vec<MoveOut>,
    /// Moves both schools agreed, waiting for the bureau.
    pub to_confirm: Vec<MoveOut>,
}

/// A teacher's home school, the school they work at today, and every move of theirs.
#[derive(Serialize, ToSchema)]
pub struct HistoryOut {
    pub home_school_id: i64,
    pub working_school_id: i64,
    pub moves: Vec<MoveOut>,
}

fn outs<M, T: From<M>>(items: Vec<M>) -> Vec<T> {
    items.into_iter().map(T::from).collect()
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

/// What a rotation plan is asked for.
#[derive(Deserialize, ToSchema)]
pub struct RotationBody {
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
#[utoipa::path(post, path = "/exchange/plan", request_body = RotationBody, responses((status = 200, body = Object), (status = 400), (status = 403)), tag = "exchange")]
async fn post_plan(State(app): State<App>, v: Viewer, Body(b): Body<RotationBody>) -> ApiResult<Json<xuequ_rotate::Plan>> {
    Ok(Json(exchange::plan(&app, &v, b.year, b.cluster, b.max_km).await?.1))
}

/// Plans as `POST /exchange/plan` and proposes every move of the plan (轮岗 for the school
/// year); both schools of each move are asked to agree.
#[utoipa::path(post, path = "/exchange/plan/propose", request_body = RotationBody, responses((status = 200, body = Vec<MoveOut>), (status = 409)), tag = "exchange")]
async fn propose_plan(State(app): State<App>, v: Viewer, Body(b): Body<RotationBody>) -> ApiResult<Json<Vec<MoveOut>>> {
    Ok(Json(outs(moves::propose_plan(&app, &v, b.year, b.cluster, b.max_km, &moves::Picked::default()).await?)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovesQuery {
    pub year: Option<i32>,
    #[param(schema_with = move_statuses)]
    pub status: Option<MoveStatus>,
    /// Moves from or to this school.
    pub school: Option<i64>,
    pub teacher: Option<i64>,
}

/// The moves the caller sees (from or to a school they see), newest first.
#[utoipa::path(get, path = "/exchange/moves", params(MovesQuery, PageParams), responses((status = 200, body = ListOf<MoveOut>)), tag = "exchange")]
async fn list_moves(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<MovesQuery>,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<MoveOut>>> {
    let paging = p.paging()?;
    let statuses = q.status.into_iter().collect();
    let filter = MoveFilter { year: q.year, involving: q.school.map(|s| vec![s]), statuses, teacher_id: q.teacher };
    Ok(Json(ListOf::cut(moves::list(&app, &v, filter).await?.into_iter().map(MoveOut::from), paging)))
}

#[derive(Deserialize, ToSchema)]
pub struct MoveBody {
    pub teacher_id: i64,
    pub to_school_id: i64,
    /// `rotation` (轮岗, 12–36 months), `support` (支教, 6–36), `itinerant` (走教, 1–12, part
    /// load on set weekdays), `cross_teaching` (跨校兼课, likewise) or `secondment` (挂职, 3–24).
    #[schema(schema_with = forms)]
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
#[utoipa::path(post, path = "/exchange/moves", request_body = MoveBody, responses((status = 200, body = MoveOut), (status = 409)), tag = "exchange")]
async fn propose_move(State(app): State<App>, v: Viewer, Body(b): Body<MoveBody>) -> ApiResult<Json<MoveOut>> {
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
    Ok(Json(saved.remove(0).into()))
}

#[utoipa::path(get, path = "/exchange/moves/{id}", params(("id" = i64, Path)), responses((status = 200, body = MoveOut)), tag = "exchange")]
async fn get_move(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<MoveOut>> {
    Ok(Json(moves::get(&app, &v, id.first()).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct MoveDecisionBody {
    /// `approve` (a school's admin, for their school), `decline` (either school or the bureau;
    /// with a reason), `confirm` (the bureau, once both schools agreed), `withdraw` (who
    /// proposed, before it begins) or `end_early` (the bureau; with a reason).
    #[schema(schema_with = move_decisions)]
    pub decision: moves::Decision,
    #[serde(default)]
    pub reason: String,
}

/// A decision on a move; those who act next are notified.
#[utoipa::path(patch, path = "/exchange/moves/{id}", params(("id" = i64, Path)), request_body = MoveDecisionBody, responses((status = 200, body = MoveOut), (status = 409)), tag = "exchange")]
async fn decide_move(State(app): State<App>, v: Viewer, id: Ids, Body(b): Body<MoveDecisionBody>) -> ApiResult<Json<MoveOut>> {
    Ok(Json(moves::decide(&app, &v, id.first(), b.decision, &b.reason).await?.into()))
}

/// What waits for the caller: moves in and out their school must agree to, and for the bureau
/// those to confirm.
#[utoipa::path(get, path = "/exchange/inbox", responses((status = 200, body = InboxOut)), tag = "exchange")]
async fn get_inbox(State(app): State<App>, v: Viewer) -> ApiResult<Json<InboxOut>> {
    let i = moves::inbox(&app, &v).await?;
    Ok(Json(InboxOut { incoming: outs(i.incoming), outgoing: outs(i.outgoing), to_confirm: outs(i.to_confirm) }))
}

/// A teacher's home school, the school they work at today, and every move of theirs.
#[utoipa::path(get, path = "/exchange/teachers/{id}/history", params(("id" = i64, Path)), responses((status = 200, body = HistoryOut)), tag = "exchange")]
async fn teacher_history(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<HistoryOut>> {
    let h = moves::history(&app, &v, id.first()).await?;
    Ok(Json(HistoryOut { home_school_id: h.home_school_id, working_school_id: h.working_school_id, moves: outs(h.moves) }))
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
#[utoipa::path(get, path = "/exchange/exclusions", params(YearQuery, PageParams), responses((status = 200, body = ListOf<ExclusionOut>)), tag = "exchange")]
async fn list_exclusions(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<YearQuery>,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<ExclusionOut>>> {
    let paging = p.paging()?;
    let year = q.year.unwrap_or_else(|| exchange::school_year_of(xuequ_app::today()));
    Ok(Json(ListOf::cut(settings::exclusions(&app, &v, year).await?.into_iter().map(ExclusionOut::from), paging)))
}

#[derive(Deserialize, ToSchema)]
pub struct ExclusionBody {
    pub teacher_id: i64,
    pub year: i32,
    /// `other` needs a note.
    #[schema(schema_with = exclusion_reasons)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

/// Leaves a teacher out of a year's rotation (their school's admin, its cluster's head, the bureau).
#[utoipa::path(post, path = "/exchange/exclusions", request_body = ExclusionBody, responses((status = 200, body = ExclusionOut), (status = 409)), tag = "exchange")]
async fn add_exclusion(State(app): State<App>, v: Viewer, Body(b): Body<ExclusionBody>) -> ApiResult<Json<ExclusionOut>> {
    Ok(Json(settings::exclude(&app, &v, b.teacher_id, b.year, &b.reason, &b.note).await?.into()))
}

/// Takes an exclusion back: the teacher is due again.
#[utoipa::path(delete, path = "/exchange/exclusions/{id}", params(("id" = i64, Path)), responses((status = 200, body = RemovedOut), (status = 403), (status = 404)), tag = "exchange")]
async fn remove_exclusion(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<RemovedOut>> {
    settings::include(&app, &v, id.first()).await?;
    Ok(Json(RemovedOut { removed: id.first() }))
}

#[derive(Serialize, ToSchema)]
pub struct RemovedOut {
    /// The id of the exclusion taken back.
    pub removed: i64,
}

/// The mentorship pairs the caller sees.
#[utoipa::path(get, path = "/exchange/mentorships", params(PageParams), responses((status = 200, body = ListOf<MentorshipOut>)), tag = "exchange")]
async fn list_mentorships(State(app): State<App>, v: Viewer, Params(p): Params<PageParams>) -> ApiResult<Json<ListOf<MentorshipOut>>> {
    let paging = p.paging()?;
    Ok(Json(ListOf::cut(mentorships::list(&app, &v).await?.into_iter().map(MentorshipOut::from), paging)))
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
#[utoipa::path(post, path = "/exchange/mentorships", request_body = MentorshipBody, responses((status = 200, body = MentorshipOut)), tag = "exchange")]
async fn create_mentorship(State(app): State<App>, v: Viewer, Body(b): Body<MentorshipBody>) -> ApiResult<Json<MentorshipOut>> {
    let new = NewMentorship {
        mentor_id: b.mentor_id,
        mentee_id: b.mentee_id,
        subject: b.subject,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        goal: b.goal,
    };
    Ok(Json(mentorships::create(&app, &v, &new).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct MentorshipWithMeetings {
    pub pair: MentorshipOut,
    pub meetings: Vec<PairMeetingOut>,
}

#[utoipa::path(get, path = "/exchange/mentorships/{id}", params(("id" = i64, Path)), responses((status = 200, body = MentorshipWithMeetings), (status = 404)), tag = "exchange")]
async fn get_mentorship(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<MentorshipWithMeetings>> {
    let (pair, meetings) = mentorships::get(&app, &v, id.first()).await?;
    Ok(Json(MentorshipWithMeetings { pair: pair.into(), meetings: outs(meetings) }))
}

/// Ends a pair (it stays in the records).
#[utoipa::path(post, path = "/exchange/mentorships/{id}/end", params(("id" = i64, Path)), responses((status = 200, body = MentorshipOut), (status = 409)), tag = "exchange")]
async fn end_mentorship(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<MentorshipOut>> {
    Ok(Json(mentorships::end(&app, &v, id.first()).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct PairMeetingBody {
    pub held_on: NaiveDate,
    /// 1–600.
    pub minutes: i32,
    /// 听课, 示范课, 集体备课, 评课 or other.
    #[schema(schema_with = meeting_kinds)]
    pub kind: String,
    #[serde(default)]
    pub notes: String,
}

/// Records a meeting of a pair, within its period and not in the future.
#[utoipa::path(post, path = "/exchange/mentorships/{id}/meetings", params(("id" = i64, Path)), request_body = PairMeetingBody, responses((status = 200, body = PairMeetingOut)), tag = "exchange")]
async fn record_meeting(State(app): State<App>, v: Viewer, id: Ids, Body(b): Body<PairMeetingBody>) -> ApiResult<Json<PairMeetingOut>> {
    let new = NewMeeting { mentorship_id: id.first(), held_on: b.held_on, minutes: b.minutes, kind: b.kind, notes: b.notes };
    Ok(Json(mentorships::record(&app, &v, &new).await?.into()))
}

/// The rural allowance of a calendar year: per teacher and school, the months paid (mid-month
/// rule), the tier's monthly amount and the total, in yuan.
#[utoipa::path(get, path = "/exchange/subsidy", params(YearQuery, PageParams), responses((status = 200, body = ListOf<AllowanceOut>)), tag = "exchange")]
async fn get_subsidy(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<YearQuery>,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<AllowanceOut>>> {
    use chrono::Datelike;
    let paging = p.paging()?;
    let all = subsidy::allowances(&app, &v, q.year.unwrap_or_else(|| xuequ_app::today().year())).await?;
    Ok(Json(ListOf::cut(all.into_iter().map(AllowanceOut::from), paging)))
}

/// The year's agreed moves by form, subject and school, the moves of every year, and the quota
/// of the county and each cluster.
#[utoipa::path(get, path = "/exchange/report", params(YearQuery), responses((status = 200, body = Object), (status = 400), (status = 403)), tag = "exchange")]
async fn get_report(State(app): State<App>, v: Viewer, Params(q): Params<YearQuery>) -> ApiResult<Json<report::Report>> {
    Ok(Json(report::report(&app, &v, q.year).await?))
}
