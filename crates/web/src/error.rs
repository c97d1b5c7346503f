//! Errors as users see them: a JSON body `{"error": {"code", "message", "details"}}` with the
//! right status for the API, a page for the browser. Messages are in the request's language.

use crate::i18n::{Lang, Tr};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use xuequ_domain::{FieldProblem, Problem};
use xuequ_sheets::CellProblem;
use xuequ_store::StoreError;

tokio::task_local! {
    /// The language of the request being served, set by [`with_lang`].
    pub static LANG: Lang;
}

/// Runs the rest of the request with its language known to error responses.
pub async fn with_lang(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = Lang::from_headers(req.headers());
    LANG.scope(lang, next.run(req)).await
}

pub fn current_lang() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

#[derive(Debug)]
pub enum AppError {
    Unauthorized,
    Forbidden,
    NotFound,
    Invalid(Vec<FieldProblem>),
    Conflict(Problem),
    Import(Vec<CellProblem>),
    RateLimited,
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Invalid(p) => AppError::Invalid(p),
            StoreError::Conflict(p) => AppError::Conflict(p),
            StoreError::Db(e) => AppError::Internal(e.to_string()),
        }
    }
}

impl AppError {
    pub fn invalid(field: &'static str, problem: Problem) -> Self {
        AppError::Invalid(vec![FieldProblem::new(field, problem)])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) | AppError::Import(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::Import(_) => "import_invalid",
            AppError::RateLimited => "rate_limited",
            AppError::Internal(_) => "internal",
        }
    }

    /// The headline message, in the request's language.
    pub fn message(&self, tr: &Tr) -> String {
        match self {
            AppError::Conflict(p) => tr.problem(p),
            AppError::Import(p) => tr.with("error-import-invalid", &[("count", p.len().to_string())]),
            other => tr.get(&format!("error-{}", other.code().replace('_', "-"))),
        }
    }

    /// Field- or cell-level details.
    pub fn details(&self, tr: &Tr) -> serde_json::Value {
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

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = %e, "internal error");
        }
        let tr = Tr::new(current_lang());
        let body = json!({"error": {"code": self.code(), "message": self.message(&tr), "details": self.details(&tr)}});
        (self.status(), axum::Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, AppError>;
