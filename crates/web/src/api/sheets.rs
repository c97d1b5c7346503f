//! Spreadsheets over the API: export what the caller may see, import all or nothing.

use super::Upload;
use crate::App;
use crate::auth::Viewer;
use crate::download::file_response;
use crate::error::{ApiResult, AppError};
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::sheets;
use xuequ_domain::Problem;
use xuequ_sheets::{Format, Kind};

pub fn routes() -> OpenApiRouter<App> {
    // Files up to the upload limit; everything else keeps the API's JSON limit.
    OpenApiRouter::new()
        .routes(routes!(import))
        .layer(axum::extract::DefaultBodyLimit::max(crate::MAX_UPLOAD))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(crate::MAX_UPLOAD + 64 * 1024))
        .layer(axum::middleware::map_response(crate::import_limit_as_json))
        .routes(routes!(export))
}

/// What a spreadsheet holds (the path's `{kind}`).
#[derive(ToSchema)]
#[allow(dead_code)] // describes the path parameter, read by `kind_of`
#[schema(rename_all = "snake_case")]
enum SheetKind {
    Schools,
    Stats,
    Teachers,
    Facilities,
}

fn kind_of(text: &str) -> ApiResult<Kind> {
    Ok(Kind::parse(text).ok_or(AppError::NotFound)?)
}

fn formats() -> utoipa::openapi::Object {
    super::one_of(&["xlsx", "csv"])
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `xlsx` (default) or `csv`.
    #[param(schema_with = formats)]
    pub format: Option<String>,
}

/// Everything of a kind the caller may see, as a file; narrowed, for schools, teachers and
/// facilities, by the same search, filters and sort as their list (`q`, `sort`, a column's value).
#[utoipa::path(get, path = "/export/{kind}", params(("kind" = inline(SheetKind), Path), ExportQuery, super::ListParams), responses((status = 200, description = "the file", content((String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (String = "text/csv")))), tag = "spreadsheets")]
async fn export(
    State(app): State<App>,
    v: Viewer,
    Path(kind): Path<String>,
    super::Params(q): super::Params<ExportQuery>,
    axum::extract::Query(list): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> ApiResult<axum::response::Response> {
    let kind = kind_of(&kind)?;
    let format = Format::parse(q.format.as_deref().unwrap_or("xlsx")).ok_or_else(|| {
        AppError::invalid("format", Problem::UnknownValue { value: q.format.clone().unwrap_or_default(), allowed: "csv / xlsx".into() })
    })?;
    let mut list = list;
    list.remove("format");
    let (filter, _) = crate::query::api_list_request(&list)?;
    let bytes = sheets::export(&app, &v, kind, format, &filter).await?;
    Ok(file_response(bytes, &format!("{}.{}", kind.code(), format.extension()), format.content_type()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Rows whose key exists update the record instead of being refused.
    pub update_existing: Option<bool>,
}

/// The file to import (multipart field `file`).
#[derive(ToSchema)]
#[allow(dead_code)] // describes the multipart body
struct SheetFile {
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
}

/// Imports a file, all or nothing; every problem is listed in `details` with sheet, row and column.
#[utoipa::path(post, path = "/import/{kind}", params(("kind" = inline(SheetKind), Path), ImportQuery), request_body(content = SheetFile, content_type = "multipart/form-data"), responses((status = 200, body = ImportSummary), (status = 400, description = "every problem with sheet, row, column")), tag = "spreadsheets")]
async fn import(
    State(app): State<App>,
    v: Viewer,
    Path(kind): Path<String>,
    super::Params(q): super::Params<ImportQuery>,
    Upload(mut form): Upload,
) -> ApiResult<Json<ImportSummary>> {
    let kind = kind_of(&kind)?;
    let bad_file = crate::download::upload_error;
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(bad_file)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.xlsx").to_string();
            let bytes = field.bytes().await.map_err(bad_file)?;
            file = Some((name, bytes));
        }
    }
    let (name, bytes) = file.ok_or_else(|| AppError::invalid("file", Problem::Required))?;
    let summary = sheets::import(&app, &v, kind, &bytes, &name, q.update_existing.unwrap_or(false)).await?;
    Ok(Json(ImportSummary { created: summary.created, updated: summary.updated }))
}
