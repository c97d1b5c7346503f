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
mod evaluation;
mod exchange;
pub(crate) mod library;
mod planning;
mod registry;
mod running;
mod sheets;
pub mod time;

use crate::App;
use crate::error::{ApiError, AppError, with_lang};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, LazyLock};
use utoipa::openapi::OpenApi as Document;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use xuequ_app::Paging;
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
        .merge(evaluation::routes(crate::LIBRARY_REQUEST))
        .merge(library::routes(crate::LIBRARY_REQUEST))
        .merge(running::routes(crate::LIBRARY_REQUEST))
        .split_for_parts();
    // The routes are nested under the prefix; the document names the full paths.
    doc.paths.paths = std::mem::take(&mut doc.paths.paths).into_iter().map(|(path, item)| (format!("{PREFIX}{path}"), item)).collect();
    declare_errors(&mut doc);
    (router, Arc::new(doc))
}

/// The errors any operation can answer, each with the one error body. Operations declare the
/// statuses particular to them (409, 412, 413) themselves; a declared error without a body gets
/// the error body here, so that every error a client meets is described.
const COMMON_ERRORS: &[(&str, &str)] = &[
    ("400", "malformed: the request does not match this document"),
    ("401", "not signed in, or the token expired"),
    ("403", "not allowed for this account (or a write with the page's cookie but no X-CSRF-Token)"),
    ("404", "no such record in the caller's county"),
    ("409", "the request contradicts what is stored (a double booking, a full cluster, a name taken)"),
    ("422", "well-formed, but a rule refuses it: each problem named by its field"),
    ("429", "too many attempts; Retry-After says when to try again"),
];

fn declare_errors(doc: &mut Document) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let components = doc.components.get_or_insert_with(Default::default);
    let body = || ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
    components
        .responses
        .insert("Error".into(), RefOr::T(ResponseBuilder::new().description("An error").content("application/json", body()).build()));
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ];
        for op in operations.into_iter().flatten() {
            for (status, what) in COMMON_ERRORS {
                op.responses
                    .responses
                    .entry((*status).into())
                    .or_insert_with(|| RefOr::T(ResponseBuilder::new().description(*what).build()));
            }
            for (status, response) in op.responses.responses.iter_mut() {
                if let RefOr::T(r) = response
                    && (status.starts_with('4') || status.starts_with('5'))
                    && r.content.is_empty()
                {
                    r.content.insert("application/json".into(), body());
                }
            }
        }
    }
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
    /// What kind of error (the status says the same, more coarsely).
    #[schema(schema_with = error_codes)]
    code: String,
    /// In the request's language.
    message: String,
    /// Problems by field (`field`) or by spreadsheet cell (`sheet`, `row`, `column`), each with `code` and `message`.
    details: Vec<serde_json::Value>,
}

/// The schema of a coded value: a string, one of its vocabulary's codes (each vocabulary lives
/// once, in the domain; the document lists what the server accepts and answers).
pub fn codes<T: xuequ_domain::Coded>() -> utoipa::openapi::Object {
    one_of(&T::codes())
}

/// The same, where the value may be missing.
pub fn optional_codes<T: xuequ_domain::Coded>() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{SchemaType, Type};
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(T::codes()))
        .build()
}

/// The schema of a string that is one of `codes` (a vocabulary that is not a coded enum).
pub fn one_of(codes: &[&str]) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(codes.iter().copied()))
        .build()
}

fn error_codes() -> utoipa::openapi::Object {
    one_of(&[
        "unauthorized",
        "forbidden",
        "not_found",
        "invalid",
        "malformed",
        "conflict",
        "import_invalid",
        "rate_limited",
        "too_large",
        "stale",
        "password_change_required",
        "csrf_required",
        "internal",
        "booking_refused",
    ])
}

/// A JSON body whose rejection is a JSON error naming what is wrong: 400 `malformed`, with the
/// field serde stopped at (`kind`, `lines[2].amount`) or `body` when the JSON itself is broken.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned + 'static, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) = Json::<serde_json::Value>::from_request(req, state).await.map_err(|e| rejected(e.status(), e.body_text()))?;
        // serde reads a record from a JSON array too (`[null, null]`); the document says object.
        if !value.is_object() && !expects_list::<T>() {
            return Err(malformed("body", "a JSON object is expected".into()));
        }
        // No store takes a NUL inside text (PostgreSQL refuses it): a rule, named where it is.
        if let Some(field) = nul_at(&value, String::new()) {
            return Err(ApiError(AppError::Invalid(vec![FieldProblem::new(interned(&field), Problem::ControlCharacter)])));
        }
        serde_path_to_error::deserialize(whole_numbers(value)).map(Body).map_err(|e| {
            let reason = e.inner().to_string();
            let path = e.path().to_string();
            // A missing field is reported at the record that lacks it: name the field itself.
            let missing = reason.strip_prefix("missing field `").and_then(|r| r.split('`').next());
            let field = match (path.as_str(), missing) {
                ("." | "", Some(name)) => name.to_string(),
                (".", None) | ("", None) => "body".to_string(),
                (path, Some(name)) => format!("{path}.{name}"),
                (path, None) => path.to_string(),
            };
            malformed(&field, reason)
        })
    }
}

/// JSON has one number type, and JSON Schema calls `7.0` an integer; serde's integers do not
/// take it. A number with nothing after the point becomes the integer it is, so that a client
/// whose JSON library writes `7.0` is understood (a fraction still does not fit an integer).
fn whole_numbers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(fields) => Value::Object(fields.into_iter().map(|(k, v)| (k, whole_numbers(v))).collect()),
        other => other,
    }
}

/// The path of the first string (or key) holding a NUL character.
fn nul_at(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(text) if text.contains('\0') => Some(if path.is_empty() { "body".into() } else { path }),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| nul_at(v, format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            let here = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            if k.contains('\0') { Some(if path.is_empty() { "body".into() } else { path.clone() }) } else { nul_at(v, here) }
        }),
        _ => None,
    }
}

/// Whether a body type is a list (`Vec<…>`): the one kind of body that is not a JSON object.
fn expects_list<T: 'static>() -> bool {
    std::any::type_name::<T>().starts_with("alloc::vec::Vec<")
}

fn malformed(field: &str, reason: String) -> ApiError {
    ApiError(AppError::Malformed(vec![FieldProblem::new(interned(field), Problem::Malformed { reason })]))
}

/// A body axum could not read as JSON at all: too large, not JSON, not declared JSON.
fn rejected(status: StatusCode, text: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError(AppError::TooLarge { limit: JSON_LIMIT });
    }
    malformed("body", text)
}

/// A field name as the problems of the domain hold it (`&'static str`). The names come from our
/// request types, but indexes and map keys come from the client: past a bound, `body`.
fn interned(name: &str) -> &'static str {
    static NAMES: LazyLock<std::sync::Mutex<std::collections::HashSet<&'static str>>> = LazyLock::new(Default::default);
    let Ok(mut names) = NAMES.lock() else { return "body" };
    if let Some(known) = names.get(name) {
        return known;
    }
    if names.len() >= 1024 || name.len() > 64 {
        return "body";
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// `kind`, `lines[2].amount`: what serde_path_to_error writes before the message.
fn is_field_path(path: &str) -> bool {
    !path.is_empty() && path != "." && path.chars().all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c))
}

/// Query parameters read into `T`; a value that does not fit (`?year=99999999999`,
/// `?on=2024-02-30`) is a 400 `malformed` naming the parameter, like every other API error.
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
                let field = match detail.split_once(": ") {
                    Some((name, _)) if is_field_path(name) => name.to_string(),
                    _ => "query".to_string(),
                };
                Err(ApiError(AppError::Malformed(vec![FieldProblem::new(interned(&field), Problem::Malformed { reason: detail })])))
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

/// The version a client last read, from `If-Match` (absent, empty or `*`: save whatever is
/// there). Read when the handler asks, after the body: a request that is malformed is answered
/// 400 for that, whatever its `If-Match` says.
pub struct IfMatch(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let tag = parts.headers.get(axum::http::header::IF_MATCH).map(|v| v.to_str().unwrap_or("\u{0}").trim().to_string());
        Ok(IfMatch(tag.filter(|t| !t.is_empty() && t != "*")))
    }
}

impl IfMatch {
    /// The version named; a tag this server never gave cannot match the record's version: 412.
    pub fn version(&self) -> Result<Option<xuequ_app::Version>, ApiError> {
        match &self.0 {
            None => Ok(None),
            Some(tag) => xuequ_app::Version::parse(tag).map(Some).ok_or(ApiError(AppError::Stale)),
        }
    }
}

/// A `multipart/form-data` body; a body that is not one (no boundary, a broken part) is a 400
/// `malformed` in JSON like every other error, not axum's plain text.
pub struct Upload(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(Upload)
            .map_err(|e| ApiError(AppError::Malformed(vec![FieldProblem::new("body", Problem::Malformed { reason: e.body_text() })])))
    }
}

/// A record with its version as the `ETag` header.
pub fn tagged<T: Serialize>(version: xuequ_app::Version, body: T) -> Response {
    ([(axum::http::header::ETAG, version.etag())], Json(body)).into_response()
}

/// One page of a list: every collection of the API answers this envelope.
#[derive(Serialize, ToSchema)]
pub struct ListOf<T> {
    pub items: Vec<T>,
    /// Rows matching the filters, over all pages.
    pub total: u64,
    /// This page, 1-based.
    pub page: u64,
    /// Rows per page asked for (the last page may hold fewer).
    pub per_page: u64,
}

impl<T> ListOf<T> {
    /// A page the store cut.
    pub fn of<M>(page: xuequ_app::Page<M>, paging: Paging) -> Self
    where
        T: From<M>,
    {
        ListOf { items: page.items.into_iter().map(T::from).collect(), total: page.total, page: paging.page, per_page: paging.per_page }
    }

    /// A page of a list the application works out whole (figures summed per teacher, a plan's
    /// moves): cut here, so that no answer carries the county.
    pub fn cut(all: impl IntoIterator<Item = T>, paging: Paging) -> Self {
        let all: Vec<T> = all.into_iter().collect();
        let total = all.len() as u64;
        let items = all.into_iter().skip(usize::try_from(paging.offset()).unwrap_or(usize::MAX)).take(paging.per_page as usize).collect();
        ListOf { items, total, page: paging.page, per_page: paging.per_page }
    }
}

/// `page` and `per_page` of a list that has no other parameters of its own.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 10_000_000)]
    pub page: Option<u64>,
    /// Rows per page, 1–200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}

impl PageParams {
    /// The paging asked for; a page or size outside what the document declares is a 400
    /// naming the parameter, not silently clamped.
    pub fn paging(&self) -> Result<Paging, ApiError> {
        paging(self.page, self.per_page)
    }
}

pub fn paging(page: Option<u64>, per_page: Option<u64>) -> Result<Paging, ApiError> {
    let out_of = |field: &'static str, value: u64, max: u64| {
        ApiError(AppError::Malformed(vec![FieldProblem::new(
            field,
            Problem::OutOfRange { value: value.to_string(), min: "1".into(), max: max.to_string() },
        )]))
    };
    if let Some(p) = page.filter(|p| !(1..=Paging::MAX_PAGE).contains(p)) {
        return Err(out_of("page", p, Paging::MAX_PAGE));
    }
    if let Some(n) = per_page.filter(|n| !(1..=Paging::MAX_PER_PAGE).contains(n)) {
        return Err(out_of("per_page", n, Paging::MAX_PER_PAGE));
    }
    Ok(Paging::new(page, per_page))
}

/// Paging, sorting and filtering of the registry's lists.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read from the query map by `crate::query::api_list_request`
pub struct ListParams {
    /// Free text: matches names and codes.
    q: Option<String>,
    /// A column to sort by (the list's sortable columns; others are ignored).
    sort: Option<String>,
    /// Sort descending.
    desc: Option<bool>,
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 10_000_000)]
    page: Option<u64>,
    /// Rows per page, 1–200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
    /// Include retired records.
    include_retired: Option<bool>,
}

pub fn created<T: Serialize>(value: T) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}
