//! Running a cluster over the API: activities with sign-up, check-in, attendance, record,
//! files and reviews; training hours; the calendar; work plans with tasks; the council with
//! minutes and decisions; budgets with expenditures and their approval; the county's settings;
//! the figures the evaluation reads; and which teacher an account is.

use super::Upload;
use super::time::Moment;
use super::{Body, Ids, ListOf, PageParams, Params, codes, created, one_of};
use crate::App;
use crate::auth::Viewer;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::AppError;
use xuequ_app::directory;
use xuequ_app::records::{
    ActivityAttendee, ActivityReview, CouncilMeeting, CouncilMember, Expenditure, MeetingDecision, PlanTask, RunningFile, TrainingRecord,
    WorkPlan,
};
use xuequ_app::running::activities::{self, ActivityInput, ListQuery};
use xuequ_app::running::affairs::{self, DecisionInput, MeetingInput, MemberInput, PlanInput, TaskInput};
use xuequ_app::running::budgets::{self, BudgetInput, SourceInput, SpendInput};
use xuequ_app::running::calendar::{self, Of, What};
use xuequ_app::running::hours::{self, HoursQuery, TrainingInput};
use xuequ_app::running::{self, figures};
use xuequ_domain::Problem;
use xuequ_domain::activity::hours::{Category, show};
use xuequ_domain::activity::{ActivityKind, ActivityStatus, AttendeeOrigin, CheckIn};
use xuequ_domain::booking::{to_local, to_utc};
use xuequ_domain::budget::{Source, SpendCategory};
use xuequ_domain::running::{CouncilRole, DecisionStatus, RunningSettings, SpendStatus, TaskStatus};

pub fn routes(max_request: usize) -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(add_activity_files))
        .routes(routes!(add_task_files))
        .routes(routes!(add_meeting_files))
        .routes(routes!(add_receipt_files))
        .layer(axum::extract::DefaultBodyLimit::max(max_request))
        .routes(routes!(list_activities, create_activity))
        .routes(routes!(get_activity, patch_activity))
        .routes(routes!(sign_up, withdraw_signup))
        .routes(routes!(check_in))
        .routes(routes!(get_code))
        .routes(routes!(mark_attendance))
        .routes(routes!(review_activity))
        .routes(routes!(get_activity_file))
        .routes(routes!(get_training_hours, add_training))
        .routes(routes!(get_cluster_calendar))
        .routes(routes!(list_work_plans, create_work_plan))
        .routes(routes!(get_work_plan))
        .routes(routes!(add_task))
        .routes(routes!(patch_task))
        .routes(routes!(get_council))
        .routes(routes!(add_council_member))
        .routes(routes!(end_council_member))
        .routes(routes!(add_meeting))
        .routes(routes!(patch_decision))
        .routes(routes!(get_affairs_file))
        .routes(routes!(list_budgets))
        .routes(routes!(put_budget))
        .routes(routes!(add_expenditure))
        .routes(routes!(patch_expenditure))
        .routes(routes!(get_running_settings, put_running_settings))
        .routes(routes!(get_running_figures))
        .routes(routes!(link_teacher))
}

fn bad_value(field: &'static str, value: &str, allowed: String) -> AppError {
    AppError::invalid(field, Problem::UnknownValue { value: value.chars().take(40).collect(), allowed })
}

// ---------------------------------------------------------------------------------------------
// Activities

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ActivitiesQuery {
    pub cluster: Option<i64>,
    /// Activities open to this school (its cluster's, hosted or invited).
    pub school: Option<i64>,
    /// Kind code (`same_lesson`, `joint_research`, …).
    #[param(schema_with = codes::<ActivityKind>)]
    pub kind: Option<String>,
    /// Overlapping `[from, to]` (dates, Beijing time).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only those the caller's teacher record is on (`true`).
    pub mine: Option<bool>,
}

/// An activity as the API shows it; times in UTC.
#[derive(Serialize, ToSchema)]
pub struct ActivityOut {
    pub id: i64,
    #[schema(schema_with = codes::<ActivityKind>)]
    pub kind: String,
    pub kind_name: String,
    pub title: String,
    pub description: String,
    pub cluster_id: Option<i64>,
    pub cluster_name: String,
    pub host_school_id: i64,
    pub host_school_name: String,
    pub place: String,
    pub facility_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub subject: String,
    pub grade: i32,
    pub capacity: Option<i32>,
    pub signup_deadline: Option<DateTime<Utc>>,
    /// Training hours credited for attending (`2.5`).
    pub hours: String,
    /// `scheduled` or `cancelled` (with `status_reason`).
    #[schema(schema_with = codes::<ActivityStatus>)]
    pub status: String,
    pub status_reason: String,
    pub organiser_name: String,
    pub summary: String,
    pub summary_at: Option<DateTime<Utc>>,
    pub going: i64,
    pub present: i64,
    /// Whether the caller's teacher record is on the list (and came): null when not.
    pub mine_present: Option<bool>,
    /// Send back to change it.
    pub revision: i64,
}

impl From<&activities::Listed> for ActivityOut {
    fn from(l: &activities::Listed) -> Self {
        let a = &l.activity;
        ActivityOut {
            id: a.id,
            kind: a.kind.to_string(),
            kind_name: l.kind.zh().to_string(),
            title: a.title.clone(),
            description: a.description.clone(),
            cluster_id: a.cluster_id,
            cluster_name: l.cluster.clone(),
            host_school_id: a.host_school_id,
            host_school_name: l.host.clone(),
            place: a.place.clone(),
            facility_id: a.facility_id,
            booking_id: a.booking_id,
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            subject: a.subject.clone(),
            grade: a.grade,
            capacity: a.capacity,
            signup_deadline: a.signup_deadline,
            hours: show(a.credit),
            status: a.status.to_string(),
            status_reason: a.status_reason.clone(),
            organiser_name: a.organiser_name.clone(),
            summary: a.summary.clone(),
            summary_at: a.summary_at,
            going: l.going,
            present: l.present,
            mine_present: l.mine,
            revision: a.revision,
        }
    }
}

fn list_query(q: &ActivitiesQuery) -> Result<ListQuery, AppError> {
    let kind = match q.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => Some(
            ActivityKind::parse(k)
                .ok_or_else(|| bad_value("kind", k, ActivityKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>().join(", ")))?,
        ),
        None => None,
    };
    let day = |d: NaiveDate| to_utc(d.and_hms_opt(0, 0, 0).expect("midnight"));
    for (field, d) in [("from", q.from), ("to", q.to)] {
        if let Some(d) = d
            && !(2000..=2100).contains(&chrono::Datelike::year(&d))
        {
            return Err(AppError::invalid(
                field,
                Problem::OutOfRange { value: d.to_string(), min: "2000-01-01".into(), max: "2100-12-31".into() },
            ));
        }
    }
    Ok(ListQuery {
        cluster_id: q.cluster,
        school_id: q.school,
        kind,
        from: q.from.map(day),
        to: q.to.and_then(|d| d.succ_opt()).map(day),
        mine: q.mine.unwrap_or(false),
    })
}

/// The activities the caller may see (of their schools' clusters, hosted by or open to their
/// school; the bureau and inspectors all), earliest first.
#[utoipa::path(get, path = "/activities", params(ActivitiesQuery, PageParams), responses((status = 200, body = ListOf<ActivityOut>)), tag = "running")]
async fn list_activities(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<ActivitiesQuery>,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<ActivityOut>>> {
    let paging = p.paging()?;
    let list = activities::list(&app, &v, &list_query(&q)?).await?;
    Ok(Json(ListOf::cut(list.iter().map(ActivityOut::from), paging)))
}

/// An activity as scheduled; times are Beijing time (`2026-12-03T14:00`).
#[derive(Deserialize, ToSchema, Default, Clone)]
pub struct ActivityBody {
    /// `joint_research` 联合教研, `collective_preparation` 集体备课, `same_lesson` 同课异构,
    /// `observation` 听课观摩, `send_lessons` 送教下乡/送课进城, `lecture` 专题讲座, `master_studio`
    /// 名师工作室, `training` 培训, `student_academic`, `student_arts_sports`, `student_practice`,
    /// `study_tour`.
    #[schema(schema_with = codes::<ActivityKind>)]
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub cluster_id: Option<i64>,
    /// Default: the caller's school.
    pub host_school_id: Option<i64>,
    #[serde(default)]
    pub place: String,
    /// A facility of the host school, booked through facility sharing.
    pub facility_id: Option<i64>,
    #[serde(default, deserialize_with = "super::time::optional_moment")]
    #[schema(nullable = false)]
    pub starts_at: Option<Moment>,
    #[serde(default, deserialize_with = "super::time::optional_moment")]
    #[schema(nullable = false)]
    pub ends_at: Option<Moment>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub grade: i32,
    pub capacity: Option<i32>,
    #[serde(default, deserialize_with = "super::time::optional_moment")]
    #[schema(nullable = false)]
    pub signup_deadline: Option<Moment>,
    /// Training hours credited (`3`, `1.5`); default whole half hours of its length, at most 8.
    #[serde(default)]
    pub hours: String,
    /// Schools invited beyond the cluster's.
    #[serde(default)]
    pub invited: Vec<i64>,
}

impl From<ActivityBody> for ActivityInput {
    fn from(b: ActivityBody) -> Self {
        ActivityInput {
            cluster_id: b.cluster_id,
            kind: b.kind,
            title: b.title,
            description: b.description,
            host_school_id: b.host_school_id,
            place: b.place,
            facility_id: b.facility_id,
            starts_at: b.starts_at.map(Moment::local),
            ends_at: b.ends_at.map(Moment::local),
            subject: b.subject,
            grade: b.grade,
            capacity: b.capacity,
            signup_deadline: b.signup_deadline.map(Moment::local),
            hours: b.hours,
            invited: b.invited,
        }
    }
}

async fn listed(app: &App, v: &Viewer, id: i64) -> Result<ActivityOut, AppError> {
    Ok(ActivityOut::from(&activities::detail(app, v, id).await?.listed))
}

/// Schedules an activity: the bureau, a cluster head for their cluster, a school's admin at
/// their school, a teacher a 名师工作室 session at theirs.
#[utoipa::path(post, path = "/activities", request_body = ActivityBody, responses((status = 201, body = ActivityOut), (status = 400), (status = 403)), tag = "running")]
async fn create_activity(State(app): State<App>, v: Viewer, Body(b): Body<ActivityBody>) -> ApiResult<Response> {
    let a = activities::schedule(&app, &v, &b.into()).await?;
    Ok(created(listed(&app, &v, a.id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct AttendeeOut {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: String,
    pub school_id: i64,
    pub school_name: String,
    /// `signup`, `assigned` or `walk_in`.
    #[schema(schema_with = codes::<AttendeeOrigin>)]
    pub origin: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// `code`, `hand`, or empty while not there.
    #[schema(schema_with = codes::<CheckIn>)]
    pub checkin: String,
    pub hours: String,
}

#[derive(Serialize, ToSchema)]
pub struct FileOut {
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub mime: String,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<&RunningFile> for FileOut {
    fn from(f: &RunningFile) -> Self {
        FileOut {
            id: f.id,
            name: f.name.clone(),
            size: f.size,
            mime: f.mime.clone(),
            uploaded_by: f.uploaded_by.clone(),
            created_at: f.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ActivityDetailOut {
    #[serde(flatten)]
    pub activity: ActivityOut,
    pub invited: Vec<i64>,
    pub open_to: Vec<i64>,
    pub attendees: Vec<AttendeeOut>,
    pub may_manage: bool,
    pub signup_open: bool,
    pub checkin_open: bool,
    pub files: Vec<FileOut>,
    /// Mean stars ×10 (`43` is 4.3), none before the first review.
    pub stars_tenths: Option<i64>,
    pub reviews: usize,
}

/// An activity with its list (all of it for those who manage it, a principal's own teachers),
/// files and whether sign-up and check-in are open.
#[utoipa::path(get, path = "/activities/{id}", params(("id" = i64, Path)), responses((status = 200, body = ActivityDetailOut), (status = 404)), tag = "running")]
async fn get_activity(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<Json<ActivityDetailOut>> {
    let d = activities::detail(&app, &v, ids.first()).await?;
    Ok(Json(ActivityDetailOut {
        activity: ActivityOut::from(&d.listed),
        invited: d.invited.iter().map(|(id, _)| *id).collect(),
        open_to: d.open_to.clone(),
        attendees: d
            .attendees
            .iter()
            .map(|a| AttendeeOut {
                teacher_id: a.row.teacher_id,
                name: a.name.clone(),
                staff_no: a.staff_no.clone(),
                school_id: a.row.school_id,
                school_name: a.school.clone(),
                origin: a.row.origin.to_string(),
                checked_in_at: a.row.checked_in_at,
                checkin: a.row.checkin.to_string(),
                hours: show(a.row.credit),
            })
            .collect(),
        may_manage: d.may_manage,
        signup_open: d.signup_open,
        checkin_open: d.checkin_open,
        files: d.files.iter().map(FileOut::from).collect(),
        stars_tenths: d.stars.map(|s| s.0),
        reviews: d.stars.map_or(0, |s| s.1),
    }))
}

/// A change to an activity: any of its fields, cancelling (`status` = `cancelled` with a
/// `reason`) or scheduling again, or its record (`summary`). `revision` is the one read.
#[derive(Deserialize, ToSchema)]
pub struct ActivityPatch {
    pub revision: i64,
    /// `cancelled` or `scheduled`.
    #[schema(schema_with = codes::<ActivityStatus>)]
    pub status: Option<String>,
    #[serde(default)]
    pub reason: String,
    /// The record afterwards: what happened, what was learnt.
    pub summary: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub place: Option<String>,
    #[serde(default, deserialize_with = "super::time::optional_moment")]
    #[schema(nullable = false)]
    pub starts_at: Option<Moment>,
    #[serde(default, deserialize_with = "super::time::optional_moment")]
    #[schema(nullable = false)]
    pub ends_at: Option<Moment>,
    pub capacity: Option<i32>,
    #[serde(default, deserialize_with = "super::time::optional_moment")]
    #[schema(nullable = false)]
    pub signup_deadline: Option<Moment>,
    pub hours: Option<String>,
    pub invited: Option<Vec<i64>>,
    pub subject: Option<String>,
    pub grade: Option<i32>,
}

/// Changes, cancels or records an activity (those who manage it).
#[utoipa::path(patch, path = "/activities/{id}", params(("id" = i64, Path)), request_body = ActivityPatch, responses((status = 200, body = ActivityOut), (status = 400), (status = 403), (status = 404), (status = 412)), tag = "running")]
async fn patch_activity(State(app): State<App>, v: Viewer, ids: Ids, Body(p): Body<ActivityPatch>) -> ApiResult<Json<ActivityOut>> {
    let id = ids.first();
    let mut revision = p.revision;
    if let Some(status) = p.status.as_deref() {
        let cancel = match status {
            "cancelled" => true,
            "scheduled" => false,
            other => return Err(bad_value("status", other, "cancelled, scheduled".into()).into()),
        };
        revision = activities::cancel(&app, &v, id, cancel, &p.reason, revision).await?.revision;
    }
    if let Some(summary) = &p.summary {
        revision = activities::record(&app, &v, id, summary, revision).await?.revision;
    }
    let edits = p.title.is_some()
        || p.description.is_some()
        || p.place.is_some()
        || p.starts_at.is_some()
        || p.ends_at.is_some()
        || p.capacity.is_some()
        || p.signup_deadline.is_some()
        || p.hours.is_some()
        || p.invited.is_some()
        || p.subject.is_some()
        || p.grade.is_some();
    if edits {
        let d = activities::detail(&app, &v, id).await?;
        let a = &d.listed.activity;
        let local = xuequ_domain::booking::to_local;
        let input = ActivityInput {
            cluster_id: a.cluster_id,
            kind: a.kind.to_string(),
            title: p.title.clone().unwrap_or_else(|| a.title.clone()),
            description: p.description.clone().unwrap_or_else(|| a.description.clone()),
            host_school_id: Some(a.host_school_id),
            place: p.place.clone().unwrap_or_else(|| a.place.clone()),
            facility_id: a.facility_id,
            starts_at: Some(p.starts_at.map(Moment::local).unwrap_or_else(|| local(a.starts_at))),
            ends_at: Some(p.ends_at.map(Moment::local).unwrap_or_else(|| local(a.ends_at))),
            subject: p.subject.clone().unwrap_or_else(|| a.subject.clone()),
            grade: p.grade.unwrap_or(a.grade),
            capacity: p.capacity.or(a.capacity),
            signup_deadline: p.signup_deadline.map(Moment::local).or(a.signup_deadline.map(local)),
            hours: p.hours.clone().unwrap_or_else(|| show(a.credit)),
            invited: p.invited.clone().unwrap_or_else(|| d.invited.iter().map(|(s, _)| *s).collect()),
        };
        activities::update(&app, &v, id, &input, revision).await?;
    }
    Ok(Json(listed(&app, &v, id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct SignupBody {
    /// Teachers to put on the list (those who manage the activity; a principal their own
    /// teachers). Empty or absent: the caller signs up themself.
    #[serde(default)]
    pub teacher_ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SignupOut {
    pub teacher_id: i64,
    pub school_id: i64,
    #[schema(schema_with = codes::<AttendeeOrigin>)]
    pub origin: String,
    pub checked_in_at: Option<DateTime<Utc>>,
}

impl From<&ActivityAttendee> for SignupOut {
    fn from(a: &ActivityAttendee) -> Self {
        SignupOut { teacher_id: a.teacher_id, school_id: a.school_id, origin: a.origin.to_string(), checked_in_at: a.checked_in_at }
    }
}

/// Signs the caller up (before the deadline, if there is room), or assigns teachers.
#[utoipa::path(post, path = "/activities/{id}/signups", params(("id" = i64, Path)), request_body = SignupBody, responses((status = 201, body = Vec<SignupOut>), (status = 400), (status = 403), (status = 404), (status = 409, description = "full, closed, not invited, on the list already, or no teacher record")), tag = "running")]
async fn sign_up(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<SignupBody>) -> ApiResult<Response> {
    let rows = if b.teacher_ids.is_empty() {
        vec![activities::sign_up(&app, &v, ids.first()).await?]
    } else {
        activities::assign(&app, &v, ids.first(), &b.teacher_ids).await?
    };
    Ok(created(rows.iter().map(SignupOut::from).collect::<Vec<_>>()))
}

/// Takes back the caller's sign-up (before the activity starts).
#[utoipa::path(delete, path = "/activities/{id}/signups", params(("id" = i64, Path)), responses((status = 204), (status = 404), (status = 409)), tag = "running")]
async fn withdraw_signup(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<StatusCode> {
    activities::withdraw(&app, &v, ids.first()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct CheckinBody {
    /// The six digits shown at the venue.
    pub code: String,
}

/// Checks the caller in with the code shown at the venue: during the window (30 minutes
/// before the start to 15 after the end), once, for their own teacher record.
#[utoipa::path(post, path = "/activities/{id}/checkin", params(("id" = i64, Path)), request_body = CheckinBody, responses((status = 200, body = SignupOut), (status = 400, description = "the code is not the one shown now"), (status = 404), (status = 409, description = "closed, already checked in, not invited, cancelled")), tag = "running")]
async fn check_in(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<CheckinBody>) -> ApiResult<Json<SignupOut>> {
    Ok(Json(SignupOut::from(&activities::check_in(&app, &v, ids.first(), &b.code).await?)))
}

/// The check-in code of an activity and the window it is valid in.
#[derive(Serialize, ToSchema)]
pub struct CodeOut {
    /// What a teacher types (or scans) to check in.
    pub code: String,
    /// How long this code is shown before the next one.
    pub seconds_left: i64,
    pub opens: super::time::Moment,
    pub closes: super::time::Moment,
    /// Whether check-in is open now.
    pub open: bool,
}

/// The code to show at the venue now, and how long it stays (those who manage the activity).
#[utoipa::path(get, path = "/activities/{id}/code", params(("id" = i64, Path)), responses((status = 200, body = CodeOut), (status = 403), (status = 404)), tag = "running")]
async fn get_code(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<Json<CodeOut>> {
    let c = activities::code(&app, &v, ids.first()).await?;
    Ok(Json(CodeOut {
        code: c.code,
        seconds_left: c.seconds_left,
        opens: to_local(c.opens).into(),
        closes: to_local(c.closes).into(),
        open: c.open,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceBody {
    pub teacher_id: i64,
    pub present: bool,
}

/// Marks a teacher present or absent by hand (those who manage the activity).
#[utoipa::path(post, path = "/activities/{id}/attendance", params(("id" = i64, Path)), request_body = AttendanceBody, responses((status = 204), (status = 400), (status = 403), (status = 404)), tag = "running")]
async fn mark_attendance(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<AttendanceBody>) -> ApiResult<StatusCode> {
    activities::mark(&app, &v, ids.first(), b.teacher_id, b.present).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewBody {
    /// 1–5.
    pub stars: i32,
    #[serde(default)]
    pub comment: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    pub stars: i32,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

impl From<&ActivityReview> for ReviewOut {
    fn from(r: &ActivityReview) -> Self {
        ReviewOut { stars: r.stars, comment: r.comment.clone(), created_at: r.created_at }
    }
}

/// An attendee who came rates the session (again: replaces their earlier review).
#[utoipa::path(post, path = "/activities/{id}/reviews", params(("id" = i64, Path)), request_body = ReviewBody, responses((status = 200, body = ReviewOut), (status = 400), (status = 403), (status = 404)), tag = "running")]
async fn review_activity(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<ReviewBody>) -> ApiResult<Json<ReviewOut>> {
    Ok(Json(ReviewOut::from(&activities::review(&app, &v, ids.first(), b.stars, &b.comment).await?)))
}

#[derive(ToSchema)]
#[allow(dead_code)] // documents the multipart form
pub struct FilesForm {
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<String>,
}

/// Photos, lesson designs and slides of the record (those who manage it); checked like the
/// library's uploads, all or none.
#[utoipa::path(post, path = "/activities/{id}/files", params(("id" = i64, Path)), request_body(content = FilesForm, content_type = "multipart/form-data"), responses((status = 201, body = Vec<FileOut>), (status = 400), (status = 403), (status = 404), (status = 413)), tag = "running")]
async fn add_activity_files(State(app): State<App>, v: Viewer, ids: Ids, Upload(form): Upload) -> ApiResult<Response> {
    let form = super::library::read_form(&app, form).await?;
    let files = activities::attach(&app, &v, ids.first(), form.files).await?;
    Ok(created(files.iter().map(FileOut::from).collect::<Vec<_>>()))
}

/// A file of an activity's record.
#[utoipa::path(get, path = "/activities/{id}/files/{file_id}", params(("id" = i64, Path), ("file_id" = i64, Path)), responses((status = 200, description = "the file"), (status = 404)), tag = "running")]
async fn get_activity_file(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<Response> {
    let (f, bytes) = activities::file(&app, &v, ids.0[0], ids.0[1]).await?;
    let inline = f.family == "image" || f.family == "pdf";
    Ok(crate::download::stored_file(bytes, &f.name, &f.mime, inline))
}

// ---------------------------------------------------------------------------------------------
// Training hours

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HoursParams {
    /// Calendar year (default: this one).
    pub year: Option<i32>,
    pub school: Option<i64>,
    /// One teacher, with every entry.
    pub teacher: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct EntryOut {
    pub date: NaiveDate,
    pub title: String,
    /// `school_based` or `training`.
    #[schema(schema_with = codes::<Category>)]
    pub category: String,
    pub hours: String,
    /// What counts of it: `hours`, or 0 when it overlaps in time an activity credited instead.
    pub credited: String,
    pub activity_id: Option<i64>,
    pub provider: String,
    /// The activity credited in its place, when the two overlap in time.
    pub overlaps_activity_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct HoursOut {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: String,
    pub school_id: i64,
    pub school_name: String,
    pub school_based: String,
    pub training: String,
    pub total: String,
    /// Hours still missing of the year's total and of each category's minimum.
    pub missing: String,
    pub missing_school_based: String,
    pub missing_training: String,
    pub met: bool,
    /// Only when one teacher is asked for.
    pub entries: Option<Vec<EntryOut>>,
}

fn hours_out(t: &hours::TeacherHours, entries: Option<&[hours::Entry]>) -> HoursOut {
    let by = |c: Category| show(t.year.by_category.get(&c).copied().unwrap_or(0));
    let missing = |c: Category| show(t.year.missing.get(&c).copied().unwrap_or(0));
    HoursOut {
        teacher_id: t.teacher.id,
        name: t.teacher.name.clone(),
        staff_no: t.teacher.staff_no.clone(),
        school_id: t.teacher.school_id,
        school_name: t.school.clone(),
        school_based: by(Category::SchoolBased),
        training: by(Category::Training),
        total: show(t.year.total),
        missing: show(t.year.missing_total),
        missing_school_based: missing(Category::SchoolBased),
        missing_training: missing(Category::Training),
        met: t.year.met(),
        entries: entries.map(|list| {
            list.iter()
                .map(|e| EntryOut {
                    date: e.date,
                    title: e.title.clone(),
                    category: e.category.code().to_string(),
                    hours: show(e.hours),
                    credited: show(e.credited),
                    activity_id: e.activity_id,
                    provider: e.provider.clone(),
                    overlaps_activity_id: e.overlaps.as_ref().map(|o| o.0),
                })
                .collect()
        }),
    }
}

/// Training hours of a year: a teacher their own; a principal their school, a head their
/// cluster, the bureau and inspectors the county — those furthest behind first.
#[utoipa::path(get, path = "/training-hours", params(HoursParams, PageParams), responses((status = 200, body = ListOf<HoursOut>)), tag = "running")]
async fn get_training_hours(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<HoursParams>,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<HoursOut>>> {
    let paging = p.paging()?;
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&xuequ_app::today()));
    if let Some(t) = q.teacher {
        let (h, entries) = hours::record(&app, &v, t, year).await?;
        return Ok(Json(ListOf::cut([hours_out(&h, Some(&entries))], paging)));
    }
    let list = hours::hours(&app, &v, &HoursQuery { year, school_id: q.school, teacher_id: None }).await?;
    Ok(Json(ListOf::cut(list.iter().map(|h| hours_out(h, None)), paging)))
}

#[derive(Deserialize, ToSchema)]
pub struct TrainingBody {
    pub teacher_id: i64,
    /// `school_based` or `training`.
    #[schema(schema_with = codes::<Category>)]
    pub category: String,
    pub title: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default, deserialize_with = "super::time::optional_day")]
    #[schema(nullable = false)]
    pub on_date: Option<NaiveDate>,
    /// `3`, `1.5` (0.1–120).
    pub hours: String,
}

/// Hours entered for a teacher by hand.
#[derive(Serialize, ToSchema)]
pub struct TrainingOut {
    pub id: i64,
    pub teacher_id: i64,
    pub school_id: i64,
    #[schema(schema_with = codes::<Category>)]
    pub category: String,
    pub title: String,
    pub provider: String,
    pub on_date: NaiveDate,
    /// `3`, `1.5`.
    pub hours: String,
    pub entered_by: String,
}

/// Enters hours earned elsewhere (a course, 国培) for a teacher of the caller's school.
#[utoipa::path(post, path = "/training-hours", request_body = TrainingBody, responses((status = 201, body = TrainingOut), (status = 400), (status = 403), (status = 404)), tag = "running")]
async fn add_training(State(app): State<App>, v: Viewer, Body(b): Body<TrainingBody>) -> ApiResult<Response> {
    let input = TrainingInput {
        teacher_id: b.teacher_id,
        category: b.category,
        title: b.title,
        provider: b.provider,
        on_date: b.on_date,
        hours: b.hours,
    };
    let row: TrainingRecord = hours::add_training(&app, &v, &input).await?;
    Ok(created(TrainingOut {
        id: row.id,
        teacher_id: row.teacher_id,
        school_id: row.school_id,
        category: row.category.to_string(),
        title: row.title,
        provider: row.provider,
        on_date: row.on_date,
        hours: show(row.hours),
        entered_by: row.entered_by,
    }))
}

// ---------------------------------------------------------------------------------------------
// Calendar

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarParams {
    pub cluster: Option<i64>,
    pub school: Option<i64>,
    /// Whole days, at most 400 (default: this month).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct EventOut {
    /// `activity` or `booking`.
    #[schema(schema_with = event_kinds)]
    pub kind: String,
    pub id: i64,
    pub title: String,
    pub place: String,
    pub start: Moment,
    pub end: Moment,
    /// The activity's kind, or the facility booked.
    pub detail: String,
    pub cancelled: bool,
    pub link: String,
}

/// A cluster's (or a school's; by default the caller's own) activities and facility bookings,
/// in local time.
#[utoipa::path(get, path = "/cluster-calendar", params(CalendarParams, PageParams), responses((status = 200, body = ListOf<EventOut>)), tag = "running")]
async fn get_cluster_calendar(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<CalendarParams>,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<EventOut>>> {
    let paging = p.paging()?;
    let today = xuequ_app::today();
    let from = q.from.unwrap_or_else(|| chrono::Datelike::with_day(&today, 1).unwrap_or(today));
    let to = q.to.unwrap_or(from + chrono::Duration::days(41));
    let of = match (q.cluster, q.school) {
        (Some(k), _) => Of::Cluster(k),
        (None, Some(s)) => Of::School(s),
        (None, None) => Of::Mine,
    };
    let events = calendar::events(&app, &v, of, from, to).await?;
    Ok(Json(ListOf::cut(
        events.iter().map(|e| {
            let (kind, detail, cancelled) = match &e.what {
                What::Activity { kind, cancelled } => ("activity", kind.zh().to_string(), *cancelled),
                What::Booking { facility, status } => ("booking", facility.clone(), status == "cancelled"),
            };
            EventOut {
                kind: kind.into(),
                id: e.id,
                title: e.title.clone(),
                place: e.place.clone(),
                start: e.start.into(),
                end: e.end.into(),
                detail,
                cancelled,
                link: e.link(),
            }
        }),
        paging,
    )))
}

// ---------------------------------------------------------------------------------------------
// Work plans, council, minutes

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParam {
    pub year: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct TaskOut {
    pub id: i64,
    pub title: String,
    pub owner_school_id: Option<i64>,
    pub owner_school_name: String,
    pub due_on: NaiveDate,
    /// `planned`, `in_progress`, `done` or `dropped`.
    #[schema(schema_with = codes::<TaskStatus>)]
    pub status: String,
    pub done_on: Option<NaiveDate>,
    pub note: String,
    pub on_time: bool,
    pub overdue: bool,
    pub files: Vec<FileOut>,
    pub revision: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PlanOut {
    pub id: i64,
    pub cluster_id: i64,
    pub cluster_name: String,
    pub year: i32,
    pub title: String,
    pub goals: String,
    pub tasks: Vec<TaskOut>,
    pub progress: ProgressOut,
}

/// How far a plan's tasks are: how many, done, done by their due date, past due and not done.
#[derive(Serialize, ToSchema)]
pub struct ProgressOut {
    pub tasks: usize,
    pub done: usize,
    pub on_time: usize,
    pub overdue: usize,
}

fn task_out(t: &affairs::TaskView) -> TaskOut {
    let m: &PlanTask = &t.task;
    TaskOut {
        id: m.id,
        title: m.title.clone(),
        owner_school_id: m.owner_school_id,
        owner_school_name: t.owner.clone(),
        due_on: m.due_on,
        status: m.status.to_string(),
        done_on: m.done_on,
        note: m.note.clone(),
        on_time: t.on_time,
        overdue: t.overdue,
        files: t.files.iter().map(FileOut::from).collect(),
        revision: m.revision,
    }
}

fn plan_out(p: &affairs::PlanView) -> PlanOut {
    let m: &WorkPlan = &p.plan;
    PlanOut {
        id: m.id,
        cluster_id: m.cluster_id,
        cluster_name: p.cluster.clone(),
        year: m.year,
        title: m.title.clone(),
        goals: m.goals.clone(),
        tasks: p.tasks.iter().map(task_out).collect(),
        progress: ProgressOut { tasks: p.progress.tasks, done: p.progress.done, on_time: p.progress.on_time, overdue: p.progress.overdue },
    }
}

/// A cluster's work plans (all years, or one), with tasks and progress.
#[utoipa::path(get, path = "/clusters/{id}/work-plans", params(("id" = i64, Path), YearParam, PageParams), responses((status = 200, body = ListOf<PlanOut>)), tag = "running")]
async fn list_work_plans(
    State(app): State<App>,
    v: Viewer,
    ids: Ids,
    Params(q): Params<YearParam>,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<PlanOut>>> {
    let paging = p.paging()?;
    let plans = affairs::plans(&app, &v, Some(ids.first()), q.year).await?;
    Ok(Json(ListOf::cut(plans.iter().map(plan_out), paging)))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct TaskBody {
    pub title: String,
    pub owner_school_id: Option<i64>,
    #[serde(default, deserialize_with = "super::time::optional_day")]
    #[schema(nullable = false)]
    pub due_on: Option<NaiveDate>,
    #[serde(default)]
    #[schema(schema_with = task_statuses_or_default)]
    pub status: String,
    #[serde(default, deserialize_with = "super::time::optional_day")]
    #[schema(nullable = false)]
    pub done_on: Option<NaiveDate>,
    #[serde(default)]
    pub note: String,
}

impl From<&TaskBody> for TaskInput {
    fn from(b: &TaskBody) -> Self {
        TaskInput {
            title: b.title.clone(),
            owner_school_id: b.owner_school_id,
            due_on: b.due_on,
            status: b.status.clone(),
            done_on: b.done_on,
            note: b.note.clone(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct PlanBody {
    pub year: i32,
    pub title: String,
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub tasks: Vec<TaskBody>,
}

/// Writes a cluster's plan for a year with its key tasks (its head, the bureau); one a year.
#[utoipa::path(post, path = "/clusters/{id}/work-plans", params(("id" = i64, Path)), request_body = PlanBody, responses((status = 201, body = PlanOut), (status = 400), (status = 403), (status = 404), (status = 409)), tag = "running")]
async fn create_work_plan(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<PlanBody>) -> ApiResult<Response> {
    let input = PlanInput { year: b.year, title: b.title, goals: b.goals, tasks: b.tasks.iter().map(TaskInput::from).collect() };
    let p = affairs::create_plan(&app, &v, ids.first(), &input).await?;
    Ok(created(plan_out(&affairs::plan(&app, &v, p.id).await?)))
}

/// One plan with its tasks.
#[utoipa::path(get, path = "/work-plans/{id}", params(("id" = i64, Path)), responses((status = 200, body = PlanOut), (status = 404)), tag = "running")]
async fn get_work_plan(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<Json<PlanOut>> {
    Ok(Json(plan_out(&affairs::plan(&app, &v, ids.first()).await?)))
}

/// Adds a key task to a plan.
#[utoipa::path(post, path = "/work-plans/{id}/tasks", params(("id" = i64, Path)), request_body = TaskBody, responses((status = 201, body = TaskOut), (status = 400), (status = 403), (status = 404)), tag = "running")]
async fn add_task(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<TaskBody>) -> ApiResult<Response> {
    let t = affairs::add_task(&app, &v, ids.first(), &TaskInput::from(&b)).await?;
    let plan = affairs::plan(&app, &v, t.plan_id).await?;
    let view = plan.tasks.iter().find(|x| x.task.id == t.id).ok_or(AppError::NotFound)?;
    Ok(created(task_out(view)))
}

#[derive(Deserialize, ToSchema)]
pub struct TaskPatch {
    pub revision: i64,
    #[serde(flatten)]
    pub task: TaskBody,
}

/// Changes a task (its head, the bureau) or reports its progress (the owner school's admin:
/// status, date done, note).
#[utoipa::path(patch, path = "/tasks/{id}", params(("id" = i64, Path)), request_body = TaskPatch, responses((status = 200, body = TaskOut), (status = 400), (status = 403), (status = 404), (status = 412)), tag = "running")]
async fn patch_task(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<TaskPatch>) -> ApiResult<Json<TaskOut>> {
    let t = affairs::update_task(&app, &v, ids.first(), &TaskInput::from(&b.task), b.revision).await?;
    let plan = affairs::plan(&app, &v, t.plan_id).await?;
    let view = plan.tasks.iter().find(|x| x.task.id == t.id).ok_or(AppError::NotFound)?;
    Ok(Json(task_out(view)))
}

/// Evidence for a task (who may report on it).
#[utoipa::path(post, path = "/tasks/{id}/files", params(("id" = i64, Path)), request_body(content = FilesForm, content_type = "multipart/form-data"), responses((status = 201, body = Vec<FileOut>), (status = 400), (status = 403), (status = 404), (status = 413)), tag = "running")]
async fn add_task_files(State(app): State<App>, v: Viewer, ids: Ids, Upload(form): Upload) -> ApiResult<Response> {
    let form = super::library::read_form(&app, form).await?;
    let files = affairs::attach_to_task(&app, &v, ids.first(), form.files).await?;
    Ok(created(files.iter().map(FileOut::from).collect::<Vec<_>>()))
}

#[derive(Serialize, ToSchema)]
pub struct CouncilOut {
    pub cluster_id: i64,
    /// The cluster's officers (学区长, 第一校长, 执行校长, 理事长).
    pub officers: Vec<super::clusters::Officer>,
    /// Current members first, then past ones (with `until`).
    pub members: Vec<CouncilMemberOut>,
    pub meetings: Vec<MeetingOut>,
}

#[derive(Serialize, ToSchema)]
pub struct CouncilMemberOut {
    pub id: i64,
    pub cluster_id: i64,
    pub name: String,
    pub school_id: Option<i64>,
    /// The school's name; empty for a member from outside the cluster's schools.
    pub school_name: String,
    #[schema(schema_with = codes::<CouncilRole>)]
    pub role: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

fn member_out(m: &CouncilMember, school_name: String) -> CouncilMemberOut {
    CouncilMemberOut {
        id: m.id,
        cluster_id: m.cluster_id,
        name: m.name.clone(),
        school_id: m.school_id,
        school_name,
        role: m.role.to_string(),
        since: m.since,
        until: m.until,
    }
}

/// A council member as stored, with their school's name looked up.
async fn member_named(app: &App, v: &Viewer, m: CouncilMember) -> ApiResult<CouncilMemberOut> {
    Ok(member_out(&m, directory::school_name(app, v, m.school_id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct DecisionOut {
    pub id: i64,
    pub meeting_id: i64,
    pub text: String,
    pub owner_school_id: Option<i64>,
    /// The school carrying it out; empty when none is named.
    pub owner_school_name: String,
    pub due_on: Option<NaiveDate>,
    #[schema(schema_with = codes::<DecisionStatus>)]
    pub status: String,
    pub done_on: Option<NaiveDate>,
}

fn decision_out(d: &MeetingDecision, owner_school_name: String) -> DecisionOut {
    DecisionOut {
        id: d.id,
        meeting_id: d.meeting_id,
        text: d.text.clone(),
        owner_school_id: d.owner_school_id,
        owner_school_name,
        due_on: d.due_on,
        status: d.status.to_string(),
        done_on: d.done_on,
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeetingOut {
    pub id: i64,
    pub held_on: NaiveDate,
    pub title: String,
    pub place: String,
    pub present: String,
    pub minutes: String,
    pub recorded_by: String,
    pub decisions: Vec<DecisionOut>,
    pub files: Vec<FileOut>,
}

/// A cluster's council: officers, members (past ones too, with `until`), meetings with their
/// minutes and decisions.
#[utoipa::path(get, path = "/clusters/{id}/council", params(("id" = i64, Path)), responses((status = 200, body = CouncilOut), (status = 404)), tag = "running")]
async fn get_council(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<Json<CouncilOut>> {
    let c = affairs::council(&app, &v, ids.first()).await?;
    Ok(Json(CouncilOut {
        cluster_id: c.cluster.id,
        officers: c.officers.into_iter().map(super::clusters::Officer::from).collect(),
        members: c.members.iter().map(|(m, school)| member_out(m, school.clone())).collect(),
        meetings: c.meetings.iter().map(meeting_out).collect(),
    }))
}

fn meeting_out(m: &affairs::Meeting) -> MeetingOut {
    let mm: &CouncilMeeting = &m.meeting;
    MeetingOut {
        id: mm.id,
        held_on: mm.held_on,
        title: mm.title.clone(),
        place: mm.place.clone(),
        present: mm.present.clone(),
        minutes: mm.minutes.clone(),
        recorded_by: mm.recorded_by.clone(),
        decisions: m.decisions.iter().map(|(d, school, _)| decision_out(d, school.clone())).collect(),
        files: m.files.iter().map(FileOut::from).collect(),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct MemberBody {
    pub name: String,
    pub school_id: Option<i64>,
    /// `chair` 理事长, `vice_chair`, `member` 理事, `secretary` 秘书长, `supervisor` 监事.
    #[schema(schema_with = codes::<CouncilRole>)]
    pub role: String,
    #[serde(default, deserialize_with = "super::time::optional_day")]
    #[schema(nullable = false)]
    pub since: Option<NaiveDate>,
}

/// Adds a council member (the head, the bureau).
#[utoipa::path(post, path = "/clusters/{id}/council/members", params(("id" = i64, Path)), request_body = MemberBody, responses((status = 201, body = CouncilMemberOut), (status = 400), (status = 403), (status = 404)), tag = "running")]
async fn add_council_member(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<MemberBody>) -> ApiResult<Response> {
    let input = MemberInput { name: b.name, school_id: b.school_id, role: b.role, since: b.since };
    let m = affairs::add_member(&app, &v, ids.first(), &input).await?;
    Ok(created(member_named(&app, &v, m).await?))
}

/// Ends a member's term today (kept in the record).
#[utoipa::path(delete, path = "/council-members/{id}", params(("id" = i64, Path)), responses((status = 200, body = CouncilMemberOut), (status = 403), (status = 404)), tag = "running")]
async fn end_council_member(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<Json<CouncilMemberOut>> {
    let m = affairs::end_member(&app, &v, ids.first()).await?;
    Ok(Json(member_named(&app, &v, m).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    pub text: String,
    pub owner_school_id: Option<i64>,
    #[serde(default, deserialize_with = "super::time::optional_day")]
    #[schema(nullable = false)]
    pub due_on: Option<NaiveDate>,
}

#[derive(Deserialize, ToSchema)]
pub struct MeetingBody {
    #[serde(default, deserialize_with = "super::time::optional_day")]
    #[schema(nullable = false)]
    pub held_on: Option<NaiveDate>,
    pub title: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub present: String,
    pub minutes: String,
    #[serde(default)]
    pub decisions: Vec<DecisionBody>,
}

/// Records a council meeting's minutes with its decisions and who carries them out.
#[utoipa::path(post, path = "/clusters/{id}/meetings", params(("id" = i64, Path)), request_body = MeetingBody, responses((status = 201, body = MeetingOut), (status = 400), (status = 403), (status = 404)), tag = "running")]
async fn add_meeting(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<MeetingBody>) -> ApiResult<Response> {
    let input = MeetingInput {
        held_on: b.held_on,
        title: b.title,
        place: b.place,
        present: b.present,
        minutes: b.minutes,
        decisions: b
            .decisions
            .into_iter()
            .map(|d| DecisionInput { text: d.text, owner_school_id: d.owner_school_id, due_on: d.due_on })
            .collect(),
    };
    let cluster = ids.first();
    let added = affairs::add_meeting(&app, &v, cluster, &input).await?;
    let council = affairs::council(&app, &v, cluster).await?;
    let m = council.meetings.iter().find(|m| m.meeting.id == added.id).ok_or(AppError::NotFound)?;
    Ok(created(meeting_out(m)))
}

/// Minutes' attachments.
#[utoipa::path(post, path = "/meetings/{id}/files", params(("id" = i64, Path)), request_body(content = FilesForm, content_type = "multipart/form-data"), responses((status = 201, body = Vec<FileOut>), (status = 400), (status = 403), (status = 404), (status = 413)), tag = "running")]
async fn add_meeting_files(State(app): State<App>, v: Viewer, ids: Ids, Upload(form): Upload) -> ApiResult<Response> {
    let form = super::library::read_form(&app, form).await?;
    let files = affairs::attach_to_meeting(&app, &v, ids.first(), form.files).await?;
    Ok(created(files.iter().map(FileOut::from).collect::<Vec<_>>()))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionPatch {
    /// `open`, `done` or `dropped`.
    #[schema(schema_with = codes::<DecisionStatus>)]
    pub status: String,
}

/// Marks a decision carried out or dropped.
#[utoipa::path(patch, path = "/decisions/{id}", params(("id" = i64, Path)), request_body = DecisionPatch, responses((status = 200, body = DecisionOut), (status = 400), (status = 403), (status = 404)), tag = "running")]
async fn patch_decision(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<DecisionPatch>) -> ApiResult<Json<DecisionOut>> {
    let d = affairs::set_decision(&app, &v, ids.first(), &b.status).await?;
    Ok(Json(decision_out(&d, directory::school_name(&app, &v, d.owner_school_id).await?)))
}

/// A file of a task, a meeting or an expenditure.
#[utoipa::path(get, path = "/running-files/{id}", params(("id" = i64, Path)), responses((status = 200, description = "the file"), (status = 404)), tag = "running")]
async fn get_affairs_file(State(app): State<App>, v: Viewer, ids: Ids) -> ApiResult<Response> {
    let (f, bytes) = affairs::file(&app, &v, ids.first()).await?;
    let inline = f.family == "image" || f.family == "pdf";
    Ok(crate::download::stored_file(bytes, &f.name, &f.mime, inline))
}

// ---------------------------------------------------------------------------------------------
// Budgets

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BudgetParams {
    pub year: Option<i32>,
    pub cluster: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct LineOut {
    #[schema(schema_with = codes::<SpendCategory>)]
    pub category: String,
    pub category_name: String,
    /// Yuan with two decimals (`150000.00`).
    pub amount: String,
    pub spent: String,
    pub waiting: String,
    pub balance: String,
    pub used_percent: i64,
    /// Past 80 %.
    pub warning: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ExpenditureOut {
    pub id: i64,
    #[schema(schema_with = codes::<SpendCategory>)]
    pub category: String,
    pub spent_on: NaiveDate,
    pub amount: String,
    pub payee: String,
    pub voucher: String,
    pub purpose: String,
    pub activity_id: Option<i64>,
    /// `pending`, `awaiting_bureau`, `approved` or `declined`.
    #[schema(schema_with = codes::<SpendStatus>)]
    pub status: String,
    pub requested_by_name: String,
    pub head_by: Option<String>,
    pub bureau_by: Option<String>,
    pub reason: String,
    pub files: Vec<FileOut>,
}

/// Where a budget's money comes from.
#[derive(Serialize, ToSchema)]
pub struct SourceOut {
    #[schema(schema_with = codes::<Source>)]
    pub source: String,
    /// The school that contributes it (school funds only).
    pub school_id: Option<i64>,
    pub school_name: String,
    /// Yuan, `12000.00`.
    pub amount: String,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct BudgetOut {
    pub id: i64,
    pub cluster_id: i64,
    pub cluster_name: String,
    pub year: i32,
    pub total: String,
    pub spent: String,
    pub balance: String,
    pub execution_percent: i64,
    pub sources: Vec<SourceOut>,
    pub lines: Vec<LineOut>,
    pub expenditures: Vec<ExpenditureOut>,
    /// Spending above this needs the bureau's approval too.
    pub bureau_limit: String,
}

fn yuan(f: i64) -> String {
    xuequ_domain::budget::yuan(f)
}

fn expenditure_out(e: &Expenditure, category: &str, files: &[RunningFile]) -> ExpenditureOut {
    ExpenditureOut {
        id: e.id,
        category: category.to_string(),
        spent_on: e.spent_on,
        amount: yuan(e.amount),
        payee: e.payee.clone(),
        voucher: e.voucher.clone(),
        purpose: e.purpose.clone(),
        activity_id: e.activity_id,
        status: e.status.to_string(),
        requested_by_name: e.requested_by_name.clone(),
        head_by: e.head_by.clone(),
        bureau_by: e.bureau_by.clone(),
        reason: e.reason.clone(),
        files: files.iter().map(FileOut::from).collect(),
    }
}

fn budget_out(v: &budgets::View) -> BudgetOut {
    BudgetOut {
        id: v.budget.id,
        cluster_id: v.budget.cluster_id,
        cluster_name: v.cluster.clone(),
        year: v.budget.year,
        total: yuan(v.total),
        spent: yuan(v.spent),
        balance: yuan(v.balance),
        execution_percent: v.execution_percent(),
        sources: v
            .sources
            .iter()
            .map(|(s, school)| SourceOut {
                source: s.source.to_string(),
                school_id: s.school_id,
                school_name: school.clone(),
                amount: yuan(s.amount),
                note: s.note.clone(),
            })
            .collect(),
        lines: v
            .lines
            .iter()
            .map(|l| LineOut {
                category: l.category.code().to_string(),
                category_name: l.category.zh().to_string(),
                amount: yuan(l.line.amount),
                spent: yuan(l.line.spent),
                waiting: yuan(l.waiting),
                balance: yuan(l.balance),
                used_percent: l.used_percent,
                warning: l.warning,
            })
            .collect(),
        expenditures: v.expenditures.iter().map(|e| expenditure_out(&e.row, e.category.code(), &e.files)).collect(),
        bureau_limit: yuan(v.bureau_limit),
    }
}

/// Budgets the caller may read (heads, schools' admins, the bureau, inspectors), each with its
/// categories, spent and balance, and its expenditures.
#[utoipa::path(get, path = "/budgets", params(BudgetParams, PageParams), responses((status = 200, body = ListOf<BudgetOut>)), tag = "running")]
async fn list_budgets(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<BudgetParams>,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<BudgetOut>>> {
    let paging = p.paging()?;
    let list = budgets::budgets(&app, &v, q.year, q.cluster).await?;
    Ok(Json(ListOf::cut(list.iter().map(budget_out), paging)))
}

#[derive(Deserialize, ToSchema)]
pub struct SourceBody {
    /// `county_per_cluster`, `county_per_school` or `other`.
    #[schema(schema_with = codes::<Source>)]
    pub source: String,
    pub school_id: Option<i64>,
    /// Yuan (`1500000`, `50,000.00`).
    pub amount: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
pub struct BudgetBody {
    pub sources: Vec<SourceBody>,
    /// Category code → yuan; the categories must add up to the sources.
    pub lines: std::collections::BTreeMap<String, String>,
}

/// Sets a cluster's budget for a year (the bureau); a category cannot go below what was spent.
#[utoipa::path(put, path = "/clusters/{id}/budgets/{year}", params(("id" = i64, Path), ("year" = i32, Path)), request_body = BudgetBody, responses((status = 200, body = BudgetOut), (status = 400), (status = 403), (status = 404), (status = 409)), tag = "running")]
async fn put_budget(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<BudgetBody>) -> ApiResult<Json<BudgetOut>> {
    let year = i32::try_from(ids.0[1]).map_err(|_| AppError::NotFound)?;
    let input = BudgetInput {
        sources: b
            .sources
            .into_iter()
            .map(|s| SourceInput { source: s.source, school_id: s.school_id, amount: s.amount, note: s.note })
            .collect(),
        lines: b.lines.into_iter().collect(),
    };
    Ok(Json(budget_out(&budgets::set_budget(&app, &v, ids.first(), year, &input).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct SpendBody {
    #[schema(schema_with = codes::<SpendCategory>)]
    pub category: String,
    pub spent_on: NaiveDate,
    /// Yuan (`1280.50`).
    pub amount: String,
    pub payee: String,
    #[serde(default)]
    pub voucher: String,
    pub purpose: String,
    pub activity_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SpendOut {
    #[serde(flatten)]
    pub expenditure: ExpenditureOut,
    /// The category's use once approved, in per cent; a warning from 80.
    pub used_percent: i64,
}

/// Asks to spend (the head, a member school's admin): refused past 100 % of the category.
#[utoipa::path(post, path = "/budgets/{id}/expenditures", params(("id" = i64, Path)), request_body = SpendBody, responses((status = 201, body = SpendOut), (status = 400), (status = 403), (status = 404)), tag = "running")]
async fn add_expenditure(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<SpendBody>) -> ApiResult<Response> {
    let input = SpendInput {
        category: b.category.clone(),
        spent_on: Some(b.spent_on),
        amount: b.amount,
        payee: b.payee,
        voucher: b.voucher,
        purpose: b.purpose,
        activity_id: b.activity_id,
    };
    let (e, used) = budgets::request(&app, &v, ids.first(), &input).await?;
    Ok(created(SpendOut { expenditure: expenditure_out(&e, &b.category, &[]), used_percent: used }))
}

#[derive(Deserialize, ToSchema)]
pub struct DecideBody {
    pub approve: bool,
    /// Required to decline.
    #[serde(default)]
    pub reason: String,
}

/// Approves or declines an expenditure at its step: the head first, then (above the county's
/// limit) the bureau. An approval that would take its category past 100 % is refused.
#[utoipa::path(patch, path = "/expenditures/{id}", params(("id" = i64, Path)), request_body = DecideBody, responses((status = 200, body = ExpenditureOut), (status = 400), (status = 403), (status = 404), (status = 409)), tag = "running")]
async fn patch_expenditure(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<DecideBody>) -> ApiResult<Json<ExpenditureOut>> {
    let e = budgets::decide(&app, &v, ids.first(), b.approve, &b.reason).await?;
    let view = budgets::budget(&app, &v, e.budget_id).await?;
    let category = view.expenditures.iter().find(|x| x.row.id == e.id).map(|x| x.category.code()).unwrap_or_default();
    Ok(Json(expenditure_out(&e, category, &[])))
}

/// A receipt for an expenditure.
#[utoipa::path(post, path = "/expenditures/{id}/files", params(("id" = i64, Path)), request_body(content = FilesForm, content_type = "multipart/form-data"), responses((status = 201, body = Vec<FileOut>), (status = 400), (status = 403), (status = 404), (status = 413)), tag = "running")]
async fn add_receipt_files(State(app): State<App>, v: Viewer, ids: Ids, Upload(form): Upload) -> ApiResult<Response> {
    let form = super::library::read_form(&app, form).await?;
    let files = budgets::attach_receipt(&app, &v, ids.first(), form.files).await?;
    Ok(created(files.iter().map(FileOut::from).collect::<Vec<_>>()))
}

// ---------------------------------------------------------------------------------------------
// Settings, figures, accounts

#[derive(Serialize, Deserialize, ToSchema)]
pub struct SettingsBody {
    /// Hours a teacher needs a year (`72`).
    pub hours_total: String,
    pub hours_school_based: String,
    pub hours_training: String,
    /// Yuan; spending above it needs the bureau's approval too.
    pub bureau_limit: String,
}

fn settings_out(s: &RunningSettings) -> SettingsBody {
    let min = |c: Category| show(s.hours.minimum.get(&c).copied().unwrap_or(0));
    SettingsBody {
        hours_total: show(s.hours.total),
        hours_school_based: min(Category::SchoolBased),
        hours_training: min(Category::Training),
        bureau_limit: yuan(s.bureau_limit),
    }
}

/// The county's settings: the yearly training-hours requirement and split, the bureau's
/// approval limit.
#[utoipa::path(get, path = "/running/settings", responses((status = 200, body = SettingsBody)), tag = "running")]
async fn get_running_settings(State(app): State<App>, v: Viewer) -> ApiResult<Json<SettingsBody>> {
    Ok(Json(settings_out(&running::settings(&app, &v).await?)))
}

/// Saves the county's settings (the bureau).
#[utoipa::path(put, path = "/running/settings", request_body = SettingsBody, responses((status = 200, body = SettingsBody), (status = 400), (status = 403)), tag = "running")]
async fn put_running_settings(State(app): State<App>, v: Viewer, Body(b): Body<SettingsBody>) -> ApiResult<Json<SettingsBody>> {
    let s = running::parse_settings(&b.hours_total, &b.hours_school_based, &b.hours_training, &b.bureau_limit)?;
    running::save_settings(&app, &v, &s).await?;
    Ok(Json(settings_out(&s)))
}

/// A cluster's running figures of a year.
#[derive(Serialize, ToSchema)]
pub struct ClusterFiguresOut {
    pub cluster_id: i64,
    pub name: String,
    pub member_schools: usize,
    /// Activities of the cluster that took place (begun, not cancelled).
    pub activities_held: usize,
    /// Member schools with a teacher present at one of them at least.
    pub schools_taking_part: usize,
    /// Teachers present of those on the lists, per mille (none without lists).
    pub attendance_permille: Option<i64>,
    /// Active teachers of member schools.
    pub teachers: usize,
    /// Of them, those who met the year's hours.
    pub teachers_met_hours: usize,
    /// Plan tasks due in the year (by today).
    pub tasks_due: usize,
    /// Of them, those done by their date.
    pub tasks_on_time: usize,
    /// Fen.
    pub budget_total: i64,
    /// Fen.
    pub budget_spent: i64,
}

impl From<figures::ClusterFigures> for ClusterFiguresOut {
    fn from(f: figures::ClusterFigures) -> Self {
        ClusterFiguresOut {
            cluster_id: f.cluster_id,
            name: f.name,
            member_schools: f.member_schools,
            activities_held: f.activities_held,
            schools_taking_part: f.schools_taking_part,
            attendance_permille: f.attendance_permille,
            teachers: f.teachers,
            teachers_met_hours: f.teachers_met_hours,
            tasks_due: f.tasks_due,
            tasks_on_time: f.tasks_on_time,
            budget_total: f.budget_total,
            budget_spent: f.budget_spent,
        }
    }
}

/// Per cluster the year's figures for the evaluation: activities held, schools taking part,
/// attendance, teachers who met their hours, plan tasks done on time, budget execution.
#[utoipa::path(get, path = "/running/figures", params(YearParam, PageParams), responses((status = 200, body = ListOf<ClusterFiguresOut>)), tag = "running")]
async fn get_running_figures(
    State(app): State<App>,
    v: Viewer,
    Params(q): Params<YearParam>,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<ClusterFiguresOut>>> {
    let paging = p.paging()?;
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&xuequ_app::today()));
    Ok(Json(ListOf::cut(figures::figures(&app, &v, year).await?.into_iter().map(ClusterFiguresOut::from), paging)))
}

#[derive(Deserialize, ToSchema)]
pub struct LinkBody {
    /// The teacher's staff number (工号); empty unlinks.
    pub staff_no: String,
}

#[derive(Serialize, ToSchema)]
pub struct LinkOut {
    /// The teacher now linked; null when the link was removed (an empty staff number).
    pub teacher: Option<super::registry::Teacher>,
}

/// Links an account to its teacher record (the bureau; a school's admin for their school), so
/// that its owner can sign up, check in and see their hours.
#[utoipa::path(put, path = "/users/{id}/teacher", params(("id" = i64, Path)), request_body = LinkBody, responses((status = 200, body = LinkOut), (status = 400), (status = 403), (status = 404), (status = 409)), tag = "running")]
async fn link_teacher(State(app): State<App>, v: Viewer, ids: Ids, Body(b): Body<LinkBody>) -> ApiResult<Json<LinkOut>> {
    let t = running::link_teacher(&app, &v, ids.first(), &b.staff_no).await?;
    Ok(Json(LinkOut { teacher: t.map(super::registry::Teacher::from) }))
}

fn event_kinds() -> utoipa::openapi::Object {
    one_of(&["activity", "booking"])
}

/// A task's status as written; empty: `planned`.
fn task_statuses_or_default() -> utoipa::openapi::Object {
    let mut all = <TaskStatus as xuequ_domain::Coded>::codes();
    all.push("");
    one_of(&all)
}
