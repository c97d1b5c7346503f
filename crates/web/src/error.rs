//! Errors as users see them: a JSON body `{"error": {"code", "message", "details"}}` with the
//! right status for the API, a page for the browser. Messages are in the request's language.

use crate::i18n::{Lang, Tr};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
pub use xuequ_app::AppError;
use xuequ_domain::Problem;

tokio::task_local! {
    /// What the rest of the request needs to know about it, set by [`with_lang`].
    static REQUEST: Request;
}

/// The request being served, as error pages and the page chrome need it.
struct Request {
    lang: Lang,
    /// Path and query, so a language switch or an error page can lead back to it.
    uri: String,
    /// The viewer once resolved, so an error page keeps the menu and the user's name.
    viewer: std::sync::Mutex<Option<crate::auth::Viewer>>,
    /// A one-shot message (`saved`) left by the previous request's redirect.
    flash: Option<String>,
}

/// The cookie that carries a one-shot message across a redirect after a save.
pub const FLASH_COOKIE: &str = "xuequ_flash";

/// Runs the rest of the request with its language, address and flash known to pages and error
/// responses; a flash shown by a page is cleared with the response.
pub async fn with_lang(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = crate::i18n::lang_of(req.headers());
    let uri = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
    let flash = crate::cookies::cookie(req.headers(), FLASH_COOKIE).filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    let had_flash = flash.is_some();
    let is_get = req.method() == axum::http::Method::GET;
    let context = Request { lang, uri, viewer: std::sync::Mutex::new(None), flash };
    let mut response = REQUEST.scope(context, next.run(req)).await;
    if had_flash && is_get && !response.status().is_redirection() {
        let clear = format!("{FLASH_COOKIE}=; Path=/; SameSite=Lax; Max-Age=0");
        if let Ok(value) = axum::http::HeaderValue::from_str(&clear) {
            response.headers_mut().append(axum::http::header::SET_COOKIE, value);
        }
    }
    response
}

/// Runs work spawned off a request (a plan being computed) in the request's language.
pub fn in_lang<F: std::future::Future>(lang: Lang, work: F) -> impl std::future::Future<Output = F::Output> {
    REQUEST.scope(Request { lang, uri: "/".into(), viewer: std::sync::Mutex::new(None), flash: None }, work)
}

pub fn current_lang() -> Lang {
    REQUEST.try_with(|r| r.lang).unwrap_or_default()
}

/// The path and query of the request being served.
pub fn current_uri() -> Option<String> {
    REQUEST.try_with(|r| r.uri.clone()).ok()
}

/// The flash message key left for this request, if any.
pub fn current_flash() -> Option<String> {
    REQUEST.try_with(|r| r.flash.clone()).ok().flatten()
}

/// Remembers the viewer of this request for its error page.
pub fn remember_viewer(viewer: &crate::auth::Viewer) {
    let _ = REQUEST.try_with(|r| {
        if let Ok(mut slot) = r.viewer.lock() {
            *slot = Some(viewer.clone());
        }
    });
}

/// The viewer of this request, once resolved.
pub fn current_viewer() -> Option<crate::auth::Viewer> {
    REQUEST.try_with(|r| r.viewer.lock().ok().and_then(|v| v.clone())).ok().flatten()
}

/// A `Set-Cookie` value leaving `key` for the next page.
pub fn flash_cookie(key: &str) -> String {
    format!("{FLASH_COOKIE}={key}; Path=/; SameSite=Lax; Max-Age=60")
}

/// A use case's error as an HTTP answer (the API's JSON; pages wrap it in their own page).
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

/// Status, code and words of each kind of error.
pub trait Described {
    fn status(&self) -> StatusCode;
    fn code(&self) -> &'static str;
    fn message(&self, tr: &Tr) -> String;
    fn details(&self, tr: &Tr) -> serde_json::Value;
}

impl Described for AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) | AppError::Import(_) | AppError::Malformed(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited | AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Stale => StatusCode::PRECONDITION_FAILED,
            AppError::PasswordChangeRequired | AppError::CsrfRequired => StatusCode::FORBIDDEN,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            // A date taken by another booking is a conflict; a date that breaks a rule is bad input.
            AppError::Dates(dates) if dates.iter().any(|(_, p)| p.iter().any(|p| matches!(p, Problem::Collides { .. }))) => {
                StatusCode::CONFLICT
            }
            AppError::Dates(_) => StatusCode::BAD_REQUEST,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid(_) => "invalid",
            AppError::Malformed(_) => "malformed",
            AppError::Conflict(_) => "conflict",
            AppError::Import(_) => "import_invalid",
            AppError::RateLimited | AppError::Throttled { .. } => "rate_limited",
            AppError::TooLarge { .. } => "too_large",
            AppError::Stale => "stale",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::CsrfRequired => "csrf_required",
            AppError::Internal(_) => "internal",
            AppError::Dates(_) => "booking_refused",
        }
    }

    /// The headline message, in the request's language.
    fn message(&self, tr: &Tr) -> String {
        match self {
            AppError::Conflict(p) | AppError::Throttled { problem: p, .. } => tr.problem(p),
            AppError::Import(p) => tr.with("error-import-invalid", &[("count", p.len().to_string())]),
            AppError::Dates(dates) => tr.with("error-booking-refused", &[("count", dates.len().to_string())]),
            AppError::TooLarge { limit } => tr.with("error-too-large", &[("limit", format!("{} MB", limit / (1024 * 1024)))]),
            other => tr.get(&format!("error-{}", other.code().replace('_', "-"))),
        }
    }

    /// Field- or cell-level details.
    fn details(&self, tr: &Tr) -> serde_json::Value {
        match self {
            AppError::Invalid(problems) | AppError::Malformed(problems) => json!(problems
                .iter()
                .map(|p| json!({"field": p.field, "code": problem_code(&p.problem), "message": tr.problem(&p.problem)}))
                .collect::<Vec<_>>()),
            AppError::Import(problems) => json!(problems
                .iter()
                .map(|p| json!({"sheet": p.sheet, "row": p.row, "column": p.column, "code": problem_code(&p.problem), "message": tr.problem(&p.problem)}))
                .collect::<Vec<_>>()),
            AppError::Conflict(p) => json!([{"code": problem_code(p), "message": tr.problem(p)}]),
            AppError::Throttled { problem, retry_after } => {
                json!([{"code": problem_code(problem), "message": tr.problem(problem), "retry_after": retry_after}])
            }
            AppError::Dates(dates) => json!(dates
                .iter()
                .flat_map(|(slot, problems)| problems.iter().map(move |p| (slot, p)))
                .map(|(slot, p)| json!({"date": slot.start.date().to_string(), "start": slot.start.format("%Y-%m-%dT%H:%M").to_string(), "end": slot.end.format("%Y-%m-%dT%H:%M").to_string(), "code": problem_code(p), "message": tr.problem(p)}))
                .collect::<Vec<_>>()),
            _ => json!([]),
        }
    }
}

pub fn problem_code(p: &Problem) -> String {
    p.message_id().trim_start_matches("problem-").replace('-', "_")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        if let AppError::Internal(message) = &e {
            tracing::error!(error = %message, "internal error");
        }
        let tr = Tr::new(current_lang());
        let body = json!({"error": {"code": e.code(), "message": e.message(&tr), "details": e.details(&tr)}});
        let mut response = (api_status(&e), axum::Json(body)).into_response();
        retry_after(&e, &mut response);
        response
    }
}

/// The API's status for an error. 400 is kept for a request the OpenAPI document does not allow
/// (so a client knows its own code is wrong); a well-formed request that a rule refuses — a
/// date in the past, an empty title, a file with bad rows — is 422, each problem named.
fn api_status(e: &AppError) -> StatusCode {
    match e.status() {
        StatusCode::BAD_REQUEST if !matches!(e, AppError::Malformed(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        status => status,
    }
}

/// `Retry-After` (seconds) on an answer to a throttled request.
pub fn retry_after(e: &AppError, response: &mut Response) {
    if let AppError::Throttled { retry_after, .. } = e
        && let Ok(value) = axum::http::HeaderValue::from_str(&(*retry_after).max(1).to_string())
    {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
