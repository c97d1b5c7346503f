//! The JSON API under `/api/v1`, documented at `/api/v1/openapi.json`.
//!
//! One file per feature. Each declares its request and response types (what the OpenAPI
//! document shows — not the tables) and its routes once, through utoipa-axum's `routes!`, so
//! the router and the document cannot disagree. Lists answer `{"items": [...], "total": N}`
//! with `?page=&per_page=` and filters; errors answer `{"error": {"code", "message", "details"}}`
//! with 400, 401, 403, 404, 409 or 429.
//!
//! A new feature adds `api/<feature>.rs` with a `routes()` and one line in [`routes`].

mod accounts;
mod assessment;
mod bookings;
mod clusters;
mod exchange;
pub(crate) mod library;
mod planning;
mod registry;
mod running;
mod sheets;

use crate::App;
use crate::error::{ApiError, AppError, with_lang};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use serde::Serialize;
use std::sync::{Arc, LazyLock};
use utoipa::openapi::OpenApi as Document;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use xuequ_domain::{FieldProblem, Problem};

/// Where the API is mounted; the document's paths carry it.
pub const PREFIX: &str = "/api/v1";

/// The API's routes with their document, built once.
fn parts() -> (Router<App>, Arc<Document>) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::routes())
        .merge(registry::routes())
        .merge(clusters::routes())
        .merge(sheets::routes())
        .merge(assessment::routes())
        .merge(planning::routes())
        .merge(bookings::routes())
        .merge(exchange::routes())
        .merge(library::routes(crate::LIBRARY_REQUEST))
        .merge(running::routes(crate::LIBRARY_REQUEST))
        .split_for_parts();
    // The routes are nested under the prefix; the document names the full paths.
    doc.paths.paths = std::mem::take(&mut doc.paths.paths).into_iter().map(|(path, item)| (format!("{PREFIX}{path}"), item)).collect();
    (router, Arc::new(doc))
}

/// The OpenAPI document of this build.
pub fn document() -> Arc<Document> {
    static DOC: LazyLock<Arc<Document>> = LazyLock::new(|| parts().1);
    DOC.clone()
}

/// The largest JSON body the API takes (imports take files up to [`crate::MAX_UPLOAD`]).
pub const JSON_LIMIT: usize = 1024 * 1024;

pub fn routes() -> Router<App> {
    let (router, _) = parts();
    router
        .route("/openapi.json", get(|| async { Json(document()) }))
        .fallback(|| async { ApiError(AppError::NotFound) })
        .layer(axum::extract::DefaultBodyLimit::max(JSON_LIMIT))
        .layer(middleware::from_fn(with_lang))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "xuequ API", description = "学区 — county school-cluster platform"),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody, ErrorDetail))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        openapi.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
}

/// Every error: `{"error": {"code", "message", "details"}}`.
#[derive(ToSchema)]
#[allow(dead_code)] // describes the body `crate::error::ApiError` writes
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(ToSchema)]
#[allow(dead_code)]
struct ErrorDetail {
    /// `invalid`, `not_found`, `forbidden`, `conflict`, `import_invalid`, …
    code: String,
    /// In the request's language.
    message: String,
    /// Problems by field (`field`) or by spreadsheet cell (`sheet`, `row`, `column`), each with `code` and `message`.
    details: Vec<serde_json::Value>,
}

/// A JSON body whose rejection is a JSON error naming what is wrong.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(req, state).await.map(|Json(v)| Body(v)).map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError(AppError::TooLarge { limit: JSON_LIMIT })
            } else {
                ApiError(AppError::Invalid(vec![FieldProblem::new("body", Problem::BadFile { reason: e.body_text() })]))
            }
        })
    }
}

/// The names of the API's typed query parameters, for naming the one that is wrong.
const QUERY_NAMES: &[&str] = &[
    "year",
    "stage",
    "cluster",
    "on",
    "format",
    "update_existing",
    "since",
    "until",
    "from",
    "to",
    "page",
    "per_page",
    "version",
    "revision",
    "school",
    "kind",
    "mine",
    "teacher",
];

/// Query parameters read into `T`; a value that does not fit (`?year=99999999999`,
/// `?on=2024-02-30`) is a JSON error naming the parameter, like every other API error.
pub struct Params<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(e) => {
                // serde names the parameter first: "year: number too large to fit in target type".
                let text = e.body_text();
                let detail = text.trim_start_matches("Failed to deserialize query string: ").to_string();
                let named = detail.split(':').next().unwrap_or_default();
                let field = QUERY_NAMES.iter().find(|n| **n == named).copied().unwrap_or("query");
                Err(ApiError(AppError::Invalid(vec![FieldProblem::new(field, Problem::BadFile { reason: detail })])))
            }
        }
    }
}

/// Numeric path parameters, with a JSON error for anything else.
pub struct Ids(pub Vec<i64>);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(params) =
            axum::extract::Path::<Vec<(String, String)>>::from_request_parts(parts, state).await.map_err(|_| AppError::NotFound)?;
        // An id that is not a number names nothing: 404, like an id of another county.
        Ok(Ids(params.iter().map(|(_, v)| v.parse::<i64>().map_err(|_| AppError::NotFound)).collect::<Result<Vec<_>, _>>()?))
    }
}

impl Ids {
    pub fn first(&self) -> i64 {
        self.0[0]
    }
}

/// The version a client last read, from `If-Match` (absent or `*`: save whatever is there).
pub struct IfMatch(pub Option<xuequ_app::Version>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get(axum::http::header::IF_MATCH).map(|v| v.to_str().unwrap_or_default().trim()) {
            None | Some("*") => Ok(IfMatch(None)),
            // A tag this server never gave cannot match the record's version.
            Some(tag) => xuequ_app::Version::parse(tag).map(|v| IfMatch(Some(v))).ok_or(ApiError(AppError::Stale)),
        }
    }
}

/// A record with its version as the `ETag` header.
pub fn tagged<T: Serialize>(version: xuequ_app::Version, body: T) -> Response {
    ([(axum::http::header::ETAG, version.etag())], Json(body)).into_response()
}

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct ListOf<T> {
    pub items: Vec<T>,
    /// Rows matching the filters, over all pages.
    pub total: u64,
}

impl<T> ListOf<T> {
    pub fn of<M>(page: xuequ_app::Page<M>) -> Self
    where
        T: From<M>,
    {
        ListOf { items: page.items.into_iter().map(T::from).collect(), total: page.total }
    }
}

/// Paging and sorting of every list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read from the query map by `crate::query::list_request`
pub struct ListParams {
    /// Free text: matches names and codes.
    q: Option<String>,
    /// A column to sort by (the list's sortable columns; others are ignored).
    sort: Option<String>,
    /// `1` or `true` sorts descending.
    desc: Option<String>,
    /// 1-based page number.
    page: Option<u64>,
    /// Rows per page, 1–200 (default 20).
    per_page: Option<u64>,
    /// `1` or `true` includes retired records.
    include_retired: Option<String>,
}

pub fn created<T: Serialize>(value: T) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}
