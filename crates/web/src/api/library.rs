//! The teaching-resource library over the API: search with facets and snippets, upload
//! (multipart, several files), a resource with its versions and comments, edit, replace,
//! withdraw, take down, download and preview, ratings, comments, collections, and the figures
//! of sharing and use.

use std::collections::BTreeMap;

use super::Upload;
use super::{Body, Ids, ListOf, PageParams, Params, codes, one_of};
use crate::App;
use crate::auth::Viewer;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::AppError;
use xuequ_app::library::use_::Sort;
use xuequ_app::library::{figures, upload, use_};
use xuequ_app::records::{LibraryCollection, LibraryComment, LibraryFile, LibraryResource};
use xuequ_domain::library::{Kind, ResourceDraft, ResourceStatus, Sharing, split_tags};
use xuequ_domain::{Problem, Subject};

pub fn routes(max_request: usize) -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(search_resources, upload_resources))
        .routes(routes!(replace_file))
        .layer(axum::extract::DefaultBodyLimit::max(max_request))
        .routes(routes!(get_resource, edit_resource, withdraw_resource))
        .routes(routes!(restore_resource))
        .routes(routes!(take_down_resource))
        .routes(routes!(download_resource))
        .routes(routes!(preview_resource))
        .routes(routes!(rate_resource))
        .routes(routes!(list_comments, add_comment))
        .routes(routes!(list_collections, create_collection))
        .routes(routes!(get_collection))
        .routes(routes!(put_item, delete_item))
        .routes(routes!(get_library_figures))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words (Chinese or English); text in double quotes is a phrase.
    pub q: Option<String>,
    /// Subject code (`math`, `chinese`, …).
    #[param(schema_with = codes::<Subject>)]
    pub subject: Option<String>,
    /// Grade 1–9 (0: not tied to a grade).
    pub grade: Option<String>,
    /// Kind code (`lesson_plan`, `courseware`, …).
    #[param(schema_with = codes::<Kind>)]
    pub kind: Option<String>,
    /// Textbook edition as written (人教版 …).
    pub edition: Option<String>,
    /// School id, cluster id, uploader (user) id.
    pub school: Option<String>,
    pub cluster: Option<String>,
    pub uploader: Option<String>,
    /// Uploaded on or after / on or before (YYYY-MM-DD).
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// `relevance` (default), `newest`, `downloads`, `rating`.
    #[param(schema_with = search_sorts)]
    pub sort: Option<String>,
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 10_000)]
    pub page: Option<usize>,
    /// Rows per page, 1–200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<usize>,
}

impl SearchQuery {
    /// The API's reading: a code or page the document does not list is refused (the page's
    /// search form sends `""` for "any", which [`SearchQuery::to_search`] reads as no filter).
    pub fn checked(&self) -> Result<(), crate::error::ApiError> {
        let unknown = |field: &'static str, value: &str, allowed: String| {
            Err(crate::error::ApiError(AppError::Malformed(vec![xuequ_domain::FieldProblem::new(
                field,
                Problem::UnknownValue { value: value.chars().take(40).collect(), allowed },
            )])))
        };
        if let Some(v) = self.subject.as_deref().filter(|v| Subject::parse(v).is_none()) {
            return unknown("subject", v, Subject::allowed_zh());
        }
        if let Some(v) = self.kind.as_deref().filter(|v| Kind::parse(v).is_none()) {
            return unknown("kind", v, Kind::allowed_zh());
        }
        if let Some(v) = self.sort.as_deref().filter(|v| !["relevance", "newest", "downloads", "rating"].contains(v)) {
            return unknown("sort", v, "relevance, newest, downloads, rating".into());
        }
        for (field, value, max) in [("page", self.page, 10_000), ("per_page", self.per_page, 200)] {
            if let Some(n) = value.filter(|n| !(1..=max).contains(n)) {
                let problem = Problem::OutOfRange { value: n.to_string(), min: "1".into(), max: max.to_string() };
                return Err(crate::error::ApiError(AppError::Malformed(vec![xuequ_domain::FieldProblem::new(field, problem)])));
            }
        }
        Ok(())
    }

    pub fn to_search(&self) -> Result<use_::Search, AppError> {
        let sort = match self.sort.as_deref().unwrap_or("relevance") {
            "" | "relevance" => Sort::Relevance,
            "newest" => Sort::Newest,
            "downloads" => Sort::MostDownloaded,
            "rating" => Sort::BestRated,
            other => {
                return Err(AppError::invalid(
                    "sort",
                    Problem::UnknownValue {
                        value: other.chars().take(40).collect(),
                        allowed: "relevance, newest, downloads, rating".into(),
                    },
                ));
            }
        };
        let mut filters = BTreeMap::new();
        let given = [
            ("subject", &self.subject),
            ("grade", &self.grade),
            ("kind", &self.kind),
            ("edition", &self.edition),
            ("school", &self.school),
            ("cluster", &self.cluster),
            ("uploader", &self.uploader),
        ];
        for (name, value) in given {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                filters.insert(name.to_string(), v.chars().take(60).collect());
            }
        }
        Ok(use_::Search {
            text: self.q.clone().unwrap_or_default(),
            filters,
            sort,
            page: self.page.unwrap_or(1).clamp(1, 10_000),
            per_page: self.per_page.unwrap_or(20),
            since: self.since,
            until: self.until,
        })
    }
}

/// A resource as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct ResourceOut {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub subject: String,
    pub grade: i32,
    pub edition: String,
    pub chapter: String,
    #[schema(schema_with = codes::<Kind>)]
    pub kind: String,
    pub tags: Vec<String>,
    /// `school`, `cluster` or `county`.
    #[schema(schema_with = codes::<Sharing>)]
    pub sharing: String,
    /// `active`, `withdrawn` or `taken_down` (with `status_reason`).
    #[schema(schema_with = codes::<ResourceStatus>)]
    pub status: String,
    pub status_reason: String,
    pub school_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub uploader_id: i64,
    pub uploader_name: String,
    pub downloads: i64,
    pub rating_count: i64,
    /// Mean stars (None when unrated).
    pub rating: Option<f64>,
    /// The record's version: send it back to edit, replace or withdraw.
    pub revision: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<&LibraryResource> for ResourceOut {
    fn from(r: &LibraryResource) -> Self {
        ResourceOut {
            id: r.id,
            title: r.title.clone(),
            description: r.description.clone(),
            subject: r.subject.to_string(),
            grade: r.grade,
            edition: r.edition.clone(),
            chapter: r.chapter.clone(),
            kind: r.kind.to_string(),
            tags: r.tags.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
            sharing: r.sharing.to_string(),
            status: r.status.to_string(),
            status_reason: r.status_reason.clone(),
            school_id: r.school_id,
            cluster_id: r.cluster_id,
            uploader_id: r.uploader_id,
            uploader_name: r.uploader_name.clone(),
            downloads: r.downloads,
            rating_count: r.rating_count,
            rating: (r.rating_count > 0).then(|| r.rating_sum as f64 / r.rating_count as f64),
            revision: r.revision,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Hit {
    #[serde(flatten)]
    pub resource: ResourceOut,
    pub school_name: String,
    /// The title and a passage with the query's words in `<b>`; everything else escaped.
    pub title_html: String,
    pub snippet_html: String,
}

#[derive(Serialize, ToSchema)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct SearchOut {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub items: Vec<Hit>,
    /// Per facet (`subject`, `grade`, `kind`, `edition`, `school`, `cluster`, `uploader`) the
    /// values among the matches the caller may see, with their counts.
    pub facets: BTreeMap<String, Vec<FacetValue>>,
}

/// Searches the resources the caller may see: results, counts, facets and snippets all come
/// from the one query that includes the caller's visibility.
#[utoipa::path(get, path = "/resources", params(SearchQuery), responses((status = 200, body = SearchOut), (status = 400)), tag = "library")]
async fn search_resources(State(app): State<App>, v: Viewer, Params(q): Params<SearchQuery>) -> ApiResult<Json<SearchOut>> {
    q.checked()?;
    let found = use_::search(&app, &v, &q.to_search()?).await?;
    let items = found
        .items
        .iter()
        .map(|f| Hit {
            resource: ResourceOut::from(&f.resource),
            school_name: f.school_name.clone(),
            title_html: f.title_html.clone(),
            snippet_html: f.snippet_html.clone(),
        })
        .collect();
    let facets = found
        .facets
        .into_iter()
        .map(|(name, values)| (name, values.into_iter().map(|(value, count)| FacetValue { value, count }).collect()))
        .collect();
    Ok(Json(SearchOut { total: found.total, page: found.page, per_page: found.per_page, items, facets }))
}

/// The describing fields and files of an upload (multipart): `file` once per file.
#[derive(ToSchema)]
#[allow(dead_code)] // describes the multipart body
struct UploadForm {
    title: String,
    description: Option<String>,
    /// Subject code or Chinese name.
    subject: String,
    grade: Option<i32>,
    edition: Option<String>,
    chapter: Option<String>,
    /// Kind code or Chinese name.
    kind: String,
    /// Separated by commas.
    tags: Option<String>,
    /// `school`, `cluster` or `county`.
    sharing: String,
    /// The bureau may upload for a school.
    school_id: Option<i64>,
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<String>,
}

/// A multipart form of text fields and files, read with every file bounded by the county's
/// limit as it arrives (a file over it stops the read and is named).
pub struct Form {
    pub fields: BTreeMap<String, String>,
    pub files: Vec<upload::Incoming>,
}

pub async fn read_form(app: &App, mut form: Multipart) -> Result<Form, AppError> {
    let bad = crate::download::upload_error;
    let max = app.library.max_file_bytes;
    let mut out = Form { fields: BTreeMap::new(), files: Vec::new() };
    // A file over the limit is named once the whole request is read: a client still sending
    // when the server answers sees a broken connection instead of the reason.
    let mut refused: Option<AppError> = None;
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file = field.file_name().unwrap_or_default().to_string();
            if file.is_empty() {
                continue; // a file input left empty
            }
            if out.files.len() >= upload::MAX_FILES {
                refused.get_or_insert(AppError::invalid("files", Problem::TooManyFiles { max: upload::MAX_FILES }));
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if refused.is_some() {
                    continue;
                }
                if (bytes.len() + chunk.len()) as u64 > max {
                    let too_large = Problem::FileTooLarge { file: file.clone(), max_mb: max.div_ceil(1024 * 1024) as usize };
                    refused = Some(AppError::invalid("files", too_large));
                    bytes = Vec::new();
                    continue;
                }
                bytes.extend_from_slice(&chunk);
            }
            if refused.is_none() {
                out.files.push(upload::Incoming { name: file, bytes });
            }
        } else if out.fields.len() < 40 {
            let text = field.text().await.map_err(bad)?;
            out.fields.insert(name, text.chars().take(10_000).collect());
        }
    }
    match refused {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// The describing fields of a form; a value that names no subject, kind or sharing is a
/// problem of that field.
pub fn draft_of(fields: &BTreeMap<String, String>) -> Result<ResourceDraft, AppError> {
    let get = |k: &str| fields.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut problems = Vec::new();
    let mut coded = |field: &'static str, text: String, known: bool, allowed: String| {
        if !text.is_empty() && !known {
            problems
                .push(xuequ_domain::FieldProblem::new(field, Problem::UnknownValue { value: text.chars().take(40).collect(), allowed }));
        }
    };
    let (subject, kind, sharing) = (get("subject"), get("kind"), get("sharing"));
    coded("subject", subject.clone(), Subject::parse(&subject).is_some(), Subject::allowed_zh());
    coded("kind", kind.clone(), Kind::parse(&kind).is_some(), Kind::allowed_zh());
    coded("sharing", sharing.clone(), Sharing::parse(&sharing).is_some(), Sharing::allowed_zh());
    let grade = match get("grade").as_str() {
        "" => 0,
        g => g.parse().unwrap_or_else(|_| {
            problems.push(xuequ_domain::FieldProblem::new("grade", Problem::NotAnInteger { value: g.chars().take(20).collect() }));
            0
        }),
    };
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(ResourceDraft {
        title: get("title"),
        description: get("description"),
        subject: Subject::parse(&get("subject")),
        grade,
        edition: get("edition"),
        chapter: get("chapter"),
        kind: Kind::parse(&get("kind")),
        tags: split_tags(&get("tags")),
        sharing: Sharing::parse(&get("sharing")),
    })
}

/// Uploads one resource per file, all or none: every file is checked (type by content, size,
/// name) before anything is stored; each is stored once by its hash and its text indexed.
#[utoipa::path(post, path = "/resources", request_body(content = UploadForm, content_type = "multipart/form-data"), responses((status = 201, body = Vec<ResourceOut>), (status = 400, description = "each problem with its field and file"), (status = 403), (status = 413)), tag = "library")]
async fn upload_resources(State(app): State<App>, v: Viewer, Upload(form): Upload) -> ApiResult<(StatusCode, Json<Vec<ResourceOut>>)> {
    let form = read_form(&app, form).await?;
    let school_id = match form.fields.get("school_id").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<i64>().map_err(|_| AppError::invalid("school_id", Problem::NotAnInteger { value: s.chars().take(20).collect() }))?,
        ),
        None => None,
    };
    let draft = draft_of(&form.fields)?;
    let items = upload::upload(&app, &v, upload::Upload { draft, school_id, files: form.files }).await?;
    Ok((StatusCode::CREATED, Json(items.iter().map(|i| ResourceOut::from(&i.resource)).collect())))
}

#[derive(Serialize, ToSchema)]
pub struct ResourceFileOut {
    pub version: i32,
    pub name: String,
    pub size: i64,
    pub mime: String,
    pub sha256: String,
    /// `read`, `none` (text of this kind is not read) or `failed` (see `text_note`).
    #[schema(schema_with = text_statuses)]
    pub text_status: String,
    pub text_note: String,
    pub uploaded_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<&LibraryFile> for ResourceFileOut {
    fn from(f: &LibraryFile) -> Self {
        ResourceFileOut {
            version: f.version,
            name: f.name.clone(),
            size: f.size,
            mime: f.mime.clone(),
            sha256: f.hash.clone(),
            text_status: f.text_status.to_string(),
            text_note: f.text_note.clone(),
            uploaded_by: f.uploaded_by.clone(),
            created_at: f.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DetailOut {
    #[serde(flatten)]
    pub resource: ResourceOut,
    pub school_name: String,
    pub cluster_name: String,
    /// Every version, the current first.
    pub versions: Vec<ResourceFileOut>,
    /// The current file's text (the first 20,000 characters), for a preview of kinds the
    /// browser does not show.
    pub text: String,
    pub my_rating: Option<i32>,
    pub may_change: bool,
    pub may_take_down: bool,
}

/// A resource the caller may see, with its file versions.
#[utoipa::path(get, path = "/resources/{id}", params(("id" = i64, Path)), responses((status = 200, body = DetailOut), (status = 404)), tag = "library")]
async fn get_resource(State(app): State<App>, v: Viewer, Ids(id_list): Ids) -> ApiResult<Json<DetailOut>> {
    let id = id_list[0];
    let d = use_::detail(&app, &v, id).await?;
    Ok(Json(DetailOut {
        resource: ResourceOut::from(&d.resource),
        text: d.current().text.chars().take(20_000).collect(),
        versions: d.versions.iter().map(ResourceFileOut::from).collect(),
        school_name: d.school_name,
        cluster_name: d.cluster_name,
        my_rating: d.my_rating,
        may_change: d.may_change,
        may_take_down: d.may_take_down,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct EditBody {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub subject: String,
    #[serde(default)]
    pub grade: i32,
    #[serde(default)]
    pub edition: String,
    #[serde(default)]
    pub chapter: String,
    #[schema(schema_with = codes::<Kind>)]
    pub kind: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[schema(schema_with = codes::<Sharing>)]
    pub sharing: String,
    /// The revision read; a resource changed since answers 412.
    pub revision: i64,
}

/// Changes what describes a resource (its uploader and their school's admin; the bureau takes down instead).
#[utoipa::path(patch, path = "/resources/{id}", params(("id" = i64, Path)), request_body = EditBody, responses((status = 200, body = ResourceOut), (status = 400), (status = 403), (status = 404), (status = 412)), tag = "library")]
async fn edit_resource(State(app): State<App>, v: Viewer, Ids(id_list): Ids, Body(b): Body<EditBody>) -> ApiResult<Json<ResourceOut>> {
    let id = id_list[0];
    let mut fields: BTreeMap<String, String> = [
        ("title", b.title),
        ("description", b.description),
        ("subject", b.subject),
        ("grade", b.grade.to_string()),
        ("edition", b.edition),
        ("chapter", b.chapter),
        ("kind", b.kind),
        ("sharing", b.sharing),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    fields.insert("tags".into(), b.tags.join(","));
    let draft = draft_of(&fields)?;
    Ok(Json(ResourceOut::from(&upload::edit(&app, &v, id, &draft, b.revision).await?)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevisionQuery {
    /// The revision read.
    pub revision: i64,
}

/// Withdraws a resource: nobody finds it any more; its uploader and school still see it and
/// may share it again.
#[utoipa::path(delete, path = "/resources/{id}", params(("id" = i64, Path), RevisionQuery), responses((status = 200, body = ResourceOut), (status = 403), (status = 404), (status = 412)), tag = "library")]
async fn withdraw_resource(
    State(app): State<App>,
    v: Viewer,
    Ids(id_list): Ids,
    Params(q): Params<RevisionQuery>,
) -> ApiResult<Json<ResourceOut>> {
    let id = id_list[0];
    Ok(Json(ResourceOut::from(&upload::withdraw(&app, &v, id, true, q.revision).await?)))
}

/// Shares a withdrawn resource again (a taken-down one only by the bureau).
#[utoipa::path(post, path = "/resources/{id}/restore", params(("id" = i64, Path), RevisionQuery), responses((status = 200, body = ResourceOut), (status = 403), (status = 404), (status = 412)), tag = "library")]
async fn restore_resource(
    State(app): State<App>,
    v: Viewer,
    Ids(id_list): Ids,
    Params(q): Params<RevisionQuery>,
) -> ApiResult<Json<ResourceOut>> {
    let id = id_list[0];
    Ok(Json(ResourceOut::from(&upload::withdraw(&app, &v, id, false, q.revision).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct TakeDownBody {
    pub reason: String,
    pub revision: i64,
}

/// The bureau takes a resource down, with the reason its uploader reads.
#[utoipa::path(post, path = "/resources/{id}/take-down", params(("id" = i64, Path)), request_body = TakeDownBody, responses((status = 200, body = ResourceOut), (status = 400), (status = 403), (status = 404), (status = 412)), tag = "library")]
async fn take_down_resource(
    State(app): State<App>,
    v: Viewer,
    Ids(id_list): Ids,
    Body(b): Body<TakeDownBody>,
) -> ApiResult<Json<ResourceOut>> {
    let id = id_list[0];
    Ok(Json(ResourceOut::from(&upload::take_down(&app, &v, id, &b.reason, b.revision).await?)))
}

/// A new version of the file (multipart: `file`, `revision`); the old versions are kept.
#[utoipa::path(put, path = "/resources/{id}/file", params(("id" = i64, Path)), request_body(content = String, content_type = "multipart/form-data"), responses((status = 200, body = ResourceFileOut), (status = 400), (status = 403), (status = 404), (status = 412)), tag = "library")]
async fn replace_file(State(app): State<App>, v: Viewer, Ids(id_list): Ids, Upload(form): Upload) -> ApiResult<Json<ResourceFileOut>> {
    let id = id_list[0];
    let mut form = read_form(&app, form).await?;
    let revision =
        form.fields.get("revision").and_then(|r| r.trim().parse().ok()).ok_or_else(|| AppError::invalid("revision", Problem::Required))?;
    if form.files.len() != 1 {
        return Err(AppError::invalid("files", Problem::TooManyFiles { max: 1 }).into());
    }
    let item = upload::replace(&app, &v, id, form.files.remove(0), revision).await?;
    Ok(Json(ResourceFileOut::from(&item.file)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A version (default: the current one).
    pub version: Option<i32>,
}

/// Downloads the file (counted with the person and their school).
#[utoipa::path(get, path = "/resources/{id}/download", params(("id" = i64, Path), VersionQuery), responses((status = 200, description = "the file"), (status = 404)), tag = "library")]
async fn download_resource(State(app): State<App>, v: Viewer, Ids(id_list): Ids, Params(q): Params<VersionQuery>) -> ApiResult<Response> {
    let id = id_list[0];
    let (file, bytes) = use_::file(&app, &v, id, q.version, true).await?;
    Ok(crate::download::stored_file(bytes, &file.name, &file.mime, false))
}

/// The file to show in the page (PDF and images; not counted as a download).
#[utoipa::path(get, path = "/resources/{id}/preview", params(("id" = i64, Path), VersionQuery), responses((status = 200, description = "the file, inline"), (status = 404)), tag = "library")]
async fn preview_resource(State(app): State<App>, v: Viewer, Ids(id_list): Ids, Params(q): Params<VersionQuery>) -> ApiResult<Response> {
    let id = id_list[0];
    let (file, bytes, inline) = use_::preview(&app, &v, id, q.version).await?;
    Ok(crate::download::stored_file(bytes, &file.name, &file.mime, inline))
}

#[derive(Deserialize, ToSchema)]
pub struct RateBody {
    /// 1–5.
    pub stars: i32,
}

/// Rates a resource 1–5 stars; rating again replaces the caller's earlier stars.
#[utoipa::path(post, path = "/resources/{id}/ratings", params(("id" = i64, Path)), request_body = RateBody, responses((status = 200, body = ResourceOut), (status = 400), (status = 404)), tag = "library")]
async fn rate_resource(State(app): State<App>, v: Viewer, Ids(id_list): Ids, Body(b): Body<RateBody>) -> ApiResult<Json<ResourceOut>> {
    let id = id_list[0];
    Ok(Json(ResourceOut::from(&use_::rate(&app, &v, id, b.stars).await?)))
}

/// The comments on a resource, oldest first.
#[utoipa::path(get, path = "/resources/{id}/comments", params(("id" = i64, Path), PageParams), responses((status = 200, body = ListOf<CommentOut>)), tag = "library")]
async fn list_comments(
    State(app): State<App>,
    v: Viewer,
    Ids(id_list): Ids,
    Params(p): Params<PageParams>,
) -> ApiResult<Json<ListOf<CommentOut>>> {
    let id = id_list[0];
    let paging = p.paging()?;
    Ok(Json(ListOf::cut(use_::detail(&app, &v, id).await?.comments.into_iter().map(CommentOut::from), paging)))
}

/// A comment on a resource.
#[derive(Serialize, ToSchema)]
pub struct CommentOut {
    pub id: i64,
    pub resource_id: i64,
    pub user_id: i64,
    pub author_name: String,
    pub body: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl From<LibraryComment> for CommentOut {
    fn from(c: LibraryComment) -> Self {
        CommentOut { id: c.id, resource_id: c.resource_id, user_id: c.user_id, author_name: c.author_name, body: c.body, at: c.at }
    }
}

/// A collection: a person's own, or a cluster's curated one.
#[derive(Serialize, ToSchema)]
pub struct CollectionInfo {
    pub id: i64,
    /// The person whose own collection it is.
    pub owner_id: Option<i64>,
    /// The cluster whose curated collection it is.
    pub cluster_id: Option<i64>,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<LibraryCollection> for CollectionInfo {
    fn from(c: LibraryCollection) -> Self {
        CollectionInfo { id: c.id, owner_id: c.owner_id, cluster_id: c.cluster_id, name: c.name, created_at: c.created_at }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CommentBody {
    pub body: String,
}

#[utoipa::path(post, path = "/resources/{id}/comments", params(("id" = i64, Path)), request_body = CommentBody, responses((status = 201, body = CommentOut)), tag = "library")]
async fn add_comment(
    State(app): State<App>,
    v: Viewer,
    Ids(id_list): Ids,
    Body(b): Body<CommentBody>,
) -> ApiResult<(StatusCode, Json<CommentOut>)> {
    let id = id_list[0];
    Ok((StatusCode::CREATED, Json(use_::comment(&app, &v, id, &b.body).await?.into())))
}

/// The caller's collections and those of their clusters.
#[utoipa::path(get, path = "/collections", params(PageParams), responses((status = 200, body = ListOf<CollectionInfo>)), tag = "library")]
async fn list_collections(State(app): State<App>, v: Viewer, Params(p): Params<PageParams>) -> ApiResult<Json<ListOf<CollectionInfo>>> {
    let paging = p.paging()?;
    Ok(Json(ListOf::cut(use_::my_collections(&app, &v).await?.into_iter().map(CollectionInfo::from), paging)))
}

#[derive(Deserialize, ToSchema)]
pub struct CollectionBody {
    pub name: String,
    /// A cluster's curated collection (its head or the bureau); none: the caller's own.
    pub cluster_id: Option<i64>,
}

#[utoipa::path(post, path = "/collections", request_body = CollectionBody, responses((status = 201, body = CollectionInfo)), tag = "library")]
async fn create_collection(
    State(app): State<App>,
    v: Viewer,
    Body(b): Body<CollectionBody>,
) -> ApiResult<(StatusCode, Json<CollectionInfo>)> {
    Ok((StatusCode::CREATED, Json(use_::create_collection(&app, &v, &b.name, b.cluster_id).await?.into())))
}

#[derive(Serialize, ToSchema)]
pub struct CollectionOut {
    pub collection: CollectionInfo,
    pub items: Vec<ResourceOut>,
}

/// A collection with the resources in it the caller may see.
#[utoipa::path(get, path = "/collections/{id}", params(("id" = i64, Path)), responses((status = 200, body = CollectionOut), (status = 404)), tag = "library")]
async fn get_collection(State(app): State<App>, v: Viewer, Ids(id_list): Ids) -> ApiResult<Json<CollectionOut>> {
    let id = id_list[0];
    let (c, items) = use_::collection(&app, &v, id).await?;
    Ok(Json(CollectionOut { collection: c.into(), items: items.iter().map(ResourceOut::from).collect() }))
}

/// Puts a resource in a collection.
#[utoipa::path(put, path = "/collections/{id}/items/{resource}", params(("id" = i64, Path), ("resource" = i64, Path)), responses((status = 204), (status = 404)), tag = "library")]
async fn put_item(State(app): State<App>, v: Viewer, Ids(id_list): Ids) -> ApiResult<StatusCode> {
    let (id, resource) = (id_list[0], id_list[1]);
    use_::collect(&app, &v, Some(id), resource, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a resource out of a collection.
#[utoipa::path(delete, path = "/collections/{id}/items/{resource}", params(("id" = i64, Path), ("resource" = i64, Path)), responses((status = 204), (status = 404)), tag = "library")]
async fn delete_item(State(app): State<App>, v: Viewer, Ids(id_list): Ids) -> ApiResult<StatusCode> {
    let (id, resource) = (id_list[0], id_list[1]);
    use_::collect(&app, &v, Some(id), resource, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// First and last day (default: the last twelve months).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl FiguresQuery {
    pub fn range(&self) -> (NaiveDate, NaiveDate) {
        let to = self.to.unwrap_or_else(xuequ_app::today);
        (self.from.unwrap_or(to - chrono::Duration::days(365)), to)
    }
}

/// Who shares and who uses: per school, cluster and month the uploads and the downloads and
/// ratings by other schools, and the most downloaded resources (the cluster evaluation reads
/// these). Not for teachers.
#[utoipa::path(get, path = "/library/figures", params(FiguresQuery), responses((status = 200, body = Object), (status = 403)), tag = "library")]
async fn get_library_figures(State(app): State<App>, v: Viewer, Params(q): Params<FiguresQuery>) -> ApiResult<Json<figures::Figures>> {
    let (from, to) = q.range();
    Ok(Json(figures::figures(&app, &v, from, to).await?))
}

fn search_sorts() -> utoipa::openapi::Object {
    one_of(&["relevance", "newest", "downloads", "rating"])
}

/// Whether a file's text was read for search.
fn text_statuses() -> utoipa::openapi::Object {
    one_of(&["read", "none", "failed"])
}
