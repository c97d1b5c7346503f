//! The spreadsheet page: templates, exports and the all-or-nothing import with its error list.

use super::*;
use crate::download::file_response;
use xuequ_sheets::{Format, Kind};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/import", get(import_page).post(import_upload))
        .layer(axum::extract::DefaultBodyLimit::max(crate::MAX_UPLOAD))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(crate::MAX_UPLOAD + 64 * 1024))
        .layer(axum::middleware::map_response(crate::import_limit_as_json))
        .route("/templates/{file}", get(template))
        .route("/export/{file}", get(export))
}

/// How many problems the page lists.
const SHOWN_PROBLEMS: usize = 1000;

struct KindView {
    code: &'static str,
    label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sheets/import.html")]
struct ImportPage {
    chrome: Chrome,
    kinds: Vec<KindView>,
    /// The kinds this person may import: the upload offers only these.
    import_kinds: Vec<KindView>,
    can_import: bool,
    selected: String,
    summary: Option<String>,
    problems_title: String,
    problems: Vec<(String, usize, String, String)>,
}

fn page(v: &Viewer, selected: &str, summary: Option<String>, problems: Vec<(String, usize, String, String)>) -> ImportPage {
    let t = v.tr();
    let view = |k: &Kind| KindView { code: k.code(), label: t.get(&format!("kind-{}", k.code())) };
    let import_kinds: Vec<KindView> =
        Kind::ALL.iter().filter(|k| xuequ_domain::access::may_import(&v.actor, xuequ_app::sheets::resource_of(**k))).map(view).collect();
    ImportPage {
        chrome: Chrome::new(v, t.get("nav-sheets"), "/import"),
        kinds: Kind::ALL.iter().map(view).collect(),
        can_import: !import_kinds.is_empty(),
        import_kinds,
        selected: selected.to_string(),
        summary,
        problems_title: t.with("error-import-invalid", &[("count", problems.len().to_string())]),
        problems,
    }
}

/// The page; after a successful import (which redirects here, so a reload never imports twice)
/// the kind and the counts come in the query.
async fn import_page(v: Viewer, axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>) -> PageResult {
    let kind = q.get("kind").and_then(|k| Kind::parse(k)).map_or("schools", |k| k.code());
    let count = |key: &str| q.get(key).and_then(|n| n.parse::<u64>().ok());
    let summary = match (count("created"), count("updated")) {
        (Some(created), Some(updated)) => {
            Some(v.tr().with("import-done", &[("created", created.to_string()), ("updated", updated.to_string())]))
        }
        _ => None,
    };
    Ok(page(&v, kind, summary, vec![]).into_response())
}

/// `schools.xlsx` → (kind, format).
fn parse_file(name: &str) -> Result<(Kind, Format), PageError> {
    let (kind, ext) = name.rsplit_once('.').ok_or(AppError::NotFound)?;
    Ok((Kind::parse(kind).ok_or(AppError::NotFound)?, Format::parse(ext).ok_or(AppError::NotFound)?))
}

async fn template(_v: Viewer, Path(file): Path<String>) -> PageResult {
    let (kind, format) = parse_file(&file)?;
    Ok(file_response(
        xuequ_sheets::template(kind, format),
        &format!("{}-template.{}", kind.code(), format.extension()),
        format.content_type(),
    ))
}

/// A file of what a list shows: `/export/teachers.xlsx?q=张&school_id=3` holds the teachers the
/// list `/teachers?q=张&school_id=3` shows, on every page.
async fn export(
    State(app): State<App>,
    v: Viewer,
    Path(file): Path<String>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> PageResult {
    let (kind, format) = parse_file(&file)?;
    let (filter, _) = crate::query::list_request(&q);
    let bytes = xuequ_app::sheets::export(&app, &v, kind, format, &filter).await?;
    Ok(file_response(bytes, &file, format.content_type()))
}

async fn import_upload(State(app): State<App>, v: Viewer, mut form: Multipart) -> PageResult {
    let t = v.tr();
    let (mut kind, mut csrf, mut update, mut file) = (String::new(), String::new(), false, None);
    while let Some(field) = form.next_field().await.map_err(crate::download::upload_error)? {
        match field.name().unwrap_or("") {
            "kind" => kind = field.text().await.unwrap_or_default(),
            super::form::CSRF_FIELD => csrf = field.text().await.unwrap_or_default(),
            "update_existing" => update = field.text().await.is_ok_and(|v| v == "true"),
            "file" => {
                let name = field.file_name().unwrap_or("upload.xlsx").to_string();
                let bytes = field.bytes().await.map_err(crate::download::upload_error)?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    super::form::upload_token(&v, &csrf)?;
    let kind_value = Kind::parse(&kind).ok_or(AppError::NotFound)?;
    let (name, bytes) = file.ok_or_else(|| AppError::invalid("file", xuequ_domain::Problem::Required))?;
    match xuequ_app::sheets::import(&app, &v, kind_value, &bytes, &name, update).await {
        // Post/redirect/get: a reload of the result page must not import the file again.
        Ok(s) => {
            Ok(axum::response::Redirect::to(&format!("/import?kind={}&created={}&updated={}", kind_value.code(), s.created, s.updated))
                .into_response())
        }
        Err(AppError::Import(problems)) => {
            // A page lists the first problems; the count says how many there are in all.
            let rows =
                problems.iter().take(SHOWN_PROBLEMS).map(|p| (p.sheet.clone(), p.row, p.column.clone(), t.problem(&p.problem))).collect();
            let mut view = page(&v, &kind, None, rows);
            view.problems_title = t.with("error-import-invalid", &[("count", problems.len().to_string())]);
            if problems.len() > SHOWN_PROBLEMS {
                view.summary = Some(t.with("import-more", &[("count", (problems.len() - SHOWN_PROBLEMS).to_string())]));
            }
            Ok((axum::http::StatusCode::BAD_REQUEST, view).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
