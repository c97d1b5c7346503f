//! Why a use case did not happen, in terms of the domain: no HTTP status, no words. The web layer
//! maps each kind to a status and a message in the reader's language; the CLI prints it.

use xuequ_domain::{FieldProblem, Problem};
use xuequ_sheets::CellProblem;
use xuequ_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session or credentials.
    #[error("not signed in")]
    Unauthorized,
    /// The access policy says no.
    #[error("not allowed")]
    Forbidden,
    /// No such record in the caller's county (another county's ids answer the same).
    #[error("not found")]
    NotFound,
    /// The input breaks rules; every problem is named by its field.
    #[error("invalid input")]
    Invalid(Vec<FieldProblem>),
    /// The request does not have the shape its interface documents (ill-formed JSON, a number
    /// where a date belongs): nothing was looked at; every problem is named by its field.
    #[error("malformed request")]
    Malformed(Vec<FieldProblem>),
    /// The input contradicts what is stored (a duplicate code, a full cluster).
    #[error("conflict")]
    Conflict(Problem),
    /// A spreadsheet with problems, each named by sheet, row and column; nothing was written.
    #[error("the file has {} problem(s)", .0.len())]
    Import(Vec<CellProblem>),
    /// Too many failed sign-ins.
    #[error("too many attempts")]
    RateLimited,
    /// Too many attempts at something guessable (a check-in code): refused, the right answer
    /// too, for `retry_after` seconds; the problem says what and how long.
    #[error("too many attempts; wait {retry_after} s")]
    Throttled { problem: Problem, retry_after: i64 },
    /// An upload or body above the limit of its route.
    #[error("larger than {limit} bytes")]
    TooLarge { limit: usize },
    /// The record changed since the version the caller read; nothing was saved.
    #[error("changed meanwhile")]
    Stale,
    /// The account signed in with a one-time password, which must be changed first.
    #[error("the password must be changed first")]
    PasswordChangeRequired,
    /// An API request that changes something came with the page's session cookie but without
    /// the session's CSRF token (another site may have sent it in the person's name).
    #[error("the CSRF token is missing or wrong")]
    CsrfRequired,
    /// Dates of a booking request that cannot be booked, each with every reason; nothing was
    /// booked.
    #[error("{} date(s) cannot be booked", .0.len())]
    Dates(Vec<(xuequ_domain::booking::Slot, Vec<Problem>)>),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Invalid(p) => AppError::Invalid(p),
            StoreError::Conflict(p) => AppError::Conflict(p),
            StoreError::Db(e) => AppError::Internal(e.to_string()),
            StoreError::Stale => AppError::Stale,
        }
    }
}

impl AppError {
    pub fn invalid(field: &'static str, problem: Problem) -> Self {
        AppError::Invalid(vec![FieldProblem::new(field, problem)])
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
