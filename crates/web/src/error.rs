//! Errors as users see them: a JSON body `{"error": {"code", "message", "details"}}` with the
//! right status for the API, a page for the browser. Messages are in the request's language.

use crate::i18n::{Lang, Tr};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
pub use xuequ_app::AppError;
use xuequ_domain::Problem;

tokio::task_local! {
    /// The language of the request being served, set by [`with_lang`].
    pub static LANG: Lang;
}

/// Runs the rest of the request with its language known to error responses.
pub async fn with_lang(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = crate::i18n::lang_of(req.headers());
    LANG.scope(lang, next.run(req)).await
}

pub fn current_lang() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// A use case's error as an HTTP answer (the API's JSON; pages wrap it in their own page).
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<xuequ_store::StoreError> for ApiError {
    fn from(e: xuequ_store::StoreError) -> Self {
        ApiError(e.into())
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
            AppError::Invalid(_) | AppError::Import(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Stale => StatusCode::PRECONDITION_FAILED,
            AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::Import(_) => "import_invalid",
            AppError::RateLimited => "rate_limited",
            AppError::TooLarge { .. } => "too_large",
            AppError::Stale => "stale",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Internal(_) => "internal",
        }
    }

    /// The headline message, in the request's language.
    fn message(&self, tr: &Tr) -> String {
        match self {
            AppError::Conflict(p) => tr.problem(p),
            AppError::Import(p) => tr.with("error-import-invalid", &[("count", p.len().to_string())]),
            AppError::TooLarge { limit } => tr.with("error-too-large", &[("limit", format!("{} MB", limit / (1024 * 1024)))]),
            other => tr.get(&format!("error-{}", other.code().replace('_', "-"))),
        }
    }

    /// Field- or cell-level details.
    fn details(&self, tr: &Tr) -> serde_json::Value {
        match self {
            AppError::Invalid(problems) => json!(problems
                .iter()
                .map(|p| json!({"field": p.field, "code": problem_code(&p.problem), "message": tr.problem(&p.problem)}))
                .collect::<Vec<_>>()),
            AppError::Import(problems) => json!(problems
                .iter()
                .map(|p| json!({"sheet": p.sheet, "row": p.row, "column": p.column, "code": problem_code(&p.problem), "message": tr.problem(&p.problem)}))
                .collect::<Vec<_>>()),
            AppError::Conflict(p) => json!([{"code": problem_code(p), "message": tr.problem(p)}]),
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
        (e.status(), axum::Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
