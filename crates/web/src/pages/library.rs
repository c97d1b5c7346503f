//! 资源库: search with facets (the page a teacher preparing tomorrow's lesson starts from),
//! upload with a progress bar, a resource's page (preview, download, versions, rating,
//! comments, collections, and for those who may: edit, replace, withdraw, take down), a
//! person's and a school's shared resources, collections, and the figures of sharing and use.

use super::form::text;
use super::*;
use crate::api::library::{SearchQuery, draft_of};
use xuequ_app::library::{figures, upload, use_};
use xuequ_app::records::LibraryResource;
use xuequ_domain::Subject;
use xuequ_domain::access::library as policy;
use xuequ_domain::library::{EDITIONS, GRADES, Kind, ResourceStatus, Sharing, TextStatus};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/library", get(search_page))
        .route("/library/upload", get(upload_page).post(upload_post))
        .route("/library/{id}/file", post(replace_post))
        .layer(axum::extract::DefaultBodyLimit::max(crate::LIBRARY_REQUEST))
        .route("/library/{id}", get(resource_page))
        .route("/library/{id}/edit", get(edit_page).post(edit_post))
        .route("/library/{id}/download", get(download))
        .route("/library/{id}/preview", get(preview))
        .route("/library/{id}/rate", post(rate_post))
        .route("/library/{id}/comment", post(comment_post))
        .route("/library/{id}/collect", post(collect_post))
        .route("/library/{id}/withdraw", post(withdraw_post))
        .route("/library/{id}/restore", post(restore_post))
        .route("/library/{id}/take-down", post(take_down_post))
        .route("/library/mine", get(mine_page))
        .route("/library/schools/{id}", get(school_page))
        .route("/library/collections", get(collections_page).post(collection_create))
        .route("/library/collections/{id}", get(collection_page))
        .route("/library/figures", get(figures_page))
        .route("/library/figures.xlsx", get(figures_xlsx))
}

/// The links between the library's pages.
fn tabs(v: &Viewer, current: &str) -> Vec<(String, String, bool)> {
    let t = v.tr();
    let mut tabs = vec![("library-tab-search", "/library")];
    if policy::may_upload(&v.actor, v.actor.school_id) {
        tabs.push(("library-tab-upload", "/library/upload"));
        tabs.push(("library-tab-mine", "/library/mine"));
    }
    tabs.push(("library-tab-collections", "/library/collections"));
    if v.can(Action::Read, Resource::Library, &Target::county(v.county())) {
        tabs.push(("library-tab-figures", "/library/figures"));
    }
    tabs.into_iter().map(|(k, href)| (t.get(k), href.to_string(), href == current)).collect()
}

/// A resource in a list: title, a line of what it is, and its passage (HTML, escaped by the
/// index with the query's words marked).
pub struct Row {
    pub id: i64,
    pub title_html: String,
    pub meta: String,
    pub snippet_html: String,
    pub status: String,
}

fn grade_label(t: &Tr, grade: i32) -> String {
    if grade == 0 { t.get("library-grade-any") } else { t.with("library-grade-n", &[("grade", grade.to_string())]) }
}

fn meta(t: &Tr, r: &LibraryResource, school: &str) -> String {
    let mut parts = vec![t.code("subject", r.subject.code()), grade_label(t, r.grade), t.code("library-kind", r.kind.code())];
    parts.extend([r.edition.clone(), school.to_string(), r.uploader_name.clone()].into_iter().filter(|p| !p.is_empty()));
    parts.push(r.created_at.with_timezone(&chrono::Local).format("%Y-%m-%d").to_string());
    parts.push(t.with("library-downloads-n", &[("n", r.downloads.to_string())]));
    if r.rating_count > 0 {
        parts.push(format!("★ {:.1}", r.rating_sum as f64 / r.rating_count as f64));
    }
    parts.join(" · ")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn plain_row(t: &Tr, r: &LibraryResource, school: &str) -> Row {
    let status = if r.status == ResourceStatus::Active { String::new() } else { t.code("library-status", r.status.code()) };
    Row { id: r.id, title_html: escape(&r.title), meta: meta(t, r, school), snippet_html: escape(&r.description), status }
}

/// One facet in the sidebar: its label and values with counts, each a link that sets or
/// clears the filter.
pub struct FacetView {
    pub label: String,
    pub values: Vec<(String, u64, String, bool)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "library/search.html")]
struct SearchPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    q: String,
    sorts: Vec<Opt>,
    keep: Vec<(String, String)>,
    facets: Vec<FacetView>,
    /// The filters in force, each with a link that removes it.
    chosen: Vec<(String, String)>,
    summary: String,
    rows: Vec<Row>,
    prev: Option<String>,
    next: Option<String>,
    can_upload: bool,
}

async fn search_page(State(app): State<App>, v: Viewer, Query(query): Query<HashMap<String, String>>) -> PageResult {
    let t = v.tr();
    let get = |k: &str| query.get(k).cloned().filter(|s| !s.trim().is_empty());
    let q = SearchQuery {
        q: get("q"),
        subject: get("subject"),
        grade: get("grade"),
        kind: get("kind"),
        edition: get("edition"),
        school: get("school"),
        cluster: get("cluster"),
        uploader: get("uploader"),
        since: query_date(get("since")),
        until: query_date(get("until")),
        sort: get("sort"),
        page: get("page").and_then(|p| p.parse().ok()),
        per_page: Some(20),
    };
    let search = q.to_search()?;
    let found = use_::search(&app, &v, &search).await?;
    let label = |facet: &str, value: &str| -> String {
        match facet {
            "subject" => t.code("subject", value),
            "kind" => t.code("library-kind", value),
            "grade" => grade_label(&t, value.parse().unwrap_or(0)),
            "school" => value.parse().ok().and_then(|id: i64| found.schools.get(&id).cloned()).unwrap_or_else(|| t.get("library-bureau")),
            "cluster" => value.parse().ok().and_then(|id: i64| found.clusters.get(&id).cloned()).unwrap_or_default(),
            _ => value.to_string(),
        }
    };
    let facets = ["subject", "grade", "kind", "edition", "school", "cluster"]
        .iter()
        .filter_map(|name| {
            let values = found.facets.get(*name)?;
            let chosen = query.get(*name).cloned().unwrap_or_default();
            let mut values: Vec<(String, u64, String, bool)> = values
                .iter()
                .map(|(value, count)| {
                    let on = *value == chosen;
                    let href =
                        url_with("/library", &query, &[(name, if on { String::new() } else { value.clone() }), ("page", String::new())]);
                    (label(name, value), *count, href, on)
                })
                .collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            values.truncate(15);
            (!values.is_empty()).then(|| FacetView { label: t.get(&format!("library-facet-{name}")), values })
        })
        .collect();
    let chosen = ["subject", "grade", "kind", "edition", "school", "cluster", "uploader", "since", "until"]
        .iter()
        .filter_map(|name| {
            let value = get(name)?;
            let shown = match *name {
                // The uploader's name is on each of their resources.
                "uploader" => match found.items.first() {
                    Some(f) => format!("{}：{}", t.get("library-facet-uploader"), f.resource.uploader_name),
                    None => t.get("library-facet-uploader"),
                },
                _ => label(name, &value),
            };
            Some((shown, url_with("/library", &query, &[(name, String::new()), ("page", String::new())])))
        })
        .collect();
    let rows = found
        .items
        .iter()
        .map(|f| Row {
            id: f.resource.id,
            title_html: f.title_html.clone(),
            meta: meta(&t, &f.resource, &f.school_name),
            snippet_html: f.snippet_html.clone(),
            status: String::new(),
        })
        .collect();
    let pages = found.total.div_ceil(found.per_page).max(1);
    let page_link = |p: usize| url_with("/library", &query, &[("page", p.to_string())]);
    let sort = query.get("sort").cloned().unwrap_or_default();
    let sorts = [
        ("", "library-sort-relevance"),
        ("newest", "library-sort-newest"),
        ("downloads", "library-sort-downloads"),
        ("rating", "library-sort-rating"),
    ]
    .iter()
    .map(|(value, key)| Opt { value: value.to_string(), label: t.get(key), selected: *value == sort })
    .collect();
    let keep = query
        .iter()
        .filter(|(k, v)| !v.is_empty() && !["q", "sort", "page"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(SearchPage {
        chrome: Chrome::new(&v, t.get("library-page-title"), "/library"),
        tabs: tabs(&v, "/library"),
        q: search.text.clone(),
        sorts,
        keep,
        facets,
        chosen,
        summary: t
            .with("library-found", &[("total", found.total.to_string()), ("page", found.page.to_string()), ("pages", pages.to_string())]),
        rows,
        prev: (found.page > 1).then(|| page_link(found.page - 1)),
        next: (found.page < pages).then(|| page_link(found.page + 1)),
        can_upload: policy::may_upload(&v.actor, v.actor.school_id),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "library/upload.html")]
struct UploadPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    action: String,
    /// What the errors mean for what was sent: nothing uploaded, or the edit not saved.
    refused: String,
    errors: Vec<String>,
    values: HashMap<String, String>,
    subjects: Vec<Opt>,
    grades: Vec<Opt>,
    kinds: Vec<Opt>,
    sharings: Vec<Opt>,
    editions: Vec<String>,
    accept: String,
    max_mb: u64,
    max_files: usize,
}

fn options<T: Copy>(all: &[T], chosen: &str, code: impl Fn(T) -> String, label: impl Fn(T) -> String) -> Vec<Opt> {
    all.iter().map(|x| Opt { value: code(*x), label: label(*x), selected: code(*x) == chosen }).collect()
}

fn upload_form(app: &App, v: &Viewer, action: String, title: String, errors: Vec<String>, values: HashMap<String, String>) -> Response {
    let t = v.tr();
    let val = |k: &str| values.get(k).cloned().unwrap_or_default();
    let sharing_default = if val("sharing").is_empty() { "cluster".to_string() } else { val("sharing") };
    let grades: Vec<i32> = GRADES.collect();
    UploadPage {
        chrome: Chrome::new(v, title, "/library"),
        tabs: tabs(v, "/library/upload"),
        refused: t.get(if action.ends_with("/edit") { "library-edit-refused" } else { "library-upload-refused" }),
        action,
        errors,
        subjects: options(Subject::ALL, &val("subject"), |s| s.code().to_string(), |s| t.code("subject", s.code())),
        grades: options(&grades, &val("grade"), |g| g.to_string(), |g| grade_label(&t, g)),
        kinds: options(Kind::ALL, &val("kind"), |k| k.code().to_string(), |k| t.code("library-kind", k.code())),
        sharings: options(Sharing::ALL, &sharing_default, |s| s.code().to_string(), |s| t.code("library-sharing", s.code())),
        editions: EDITIONS.iter().map(|e| e.to_string()).collect(),
        accept: xuequ_domain::library::files::accepted_extensions().split(", ").map(|e| format!(".{e}")).collect::<Vec<_>>().join(","),
        max_mb: app.library.max_file_bytes / (1024 * 1024),
        max_files: upload::MAX_FILES,
        values,
    }
    .into_response()
}

async fn upload_page(State(app): State<App>, v: Viewer) -> PageResult {
    if !policy::may_upload(&v.actor, v.actor.school_id) {
        return Err(AppError::Forbidden.into());
    }
    Ok(upload_form(&app, &v, "/library/upload".into(), v.tr().get("library-upload-title"), Vec::new(), HashMap::new()))
}

fn problem_lines(t: &Tr, problems: &[FieldProblem]) -> Vec<String> {
    problems.iter().map(|p| format!("{}：{}", t.field("library", p.field), t.problem(&p.problem))).collect()
}

async fn upload_post(State(app): State<App>, v: Viewer, form: Multipart) -> PageResult {
    let t = v.tr();
    let form = match posted_upload(&app, &v, form).await {
        Err(AppError::Forbidden) => return Err(AppError::Forbidden.into()),
        form => form,
    };
    let values = form.as_ref().map(|f| f.fields.clone().into_iter().collect()).unwrap_or_default();
    let result = match form {
        Ok(form) => match draft_of(&form.fields) {
            Ok(draft) => upload::upload(&app, &v, upload::Upload { draft, school_id: None, files: form.files }).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(items) if items.len() == 1 => Ok(done_count(&format!("/library/{}", items[0].resource.id), "uploaded", 1)),
        Ok(items) => Ok(done_count("/library/mine", "uploaded", items.len())),
        Err(e) => {
            let errors = problem_lines(&t, &form_problems(e)?);
            Ok(upload_form(&app, &v, "/library/upload".into(), t.get("library-upload-title"), errors, values))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "library/resource.html")]
struct ResourcePage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    id: i64,
    /// Label, value, and where the value links to.
    facts: Vec<(String, String, Option<String>)>,
    description: String,
    /// Each tag with the search for it.
    tags: Vec<(String, String)>,
    /// `pdf`, `image`, `text` or `none`: how the current file is shown.
    preview: &'static str,
    text: String,
    /// Why the text is not shown, if it is not.
    text_note: Option<String>,
    status_note: Option<String>,
    versions: Vec<(i32, String, String, String, String)>,
    current_name: String,
    my_rating: i32,
    comments: Vec<(String, String, String)>,
    collections: Vec<(i64, String, bool)>,
    may_change: bool,
    may_take_down: bool,
    may_restore: bool,
    may_discuss: bool,
    active: bool,
    revision: i64,
    errors: Vec<String>,
}

async fn resource_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    resource_view(&app, &v, id, Vec::new()).await
}

async fn resource_view(app: &App, v: &Viewer, id: i64, errors: Vec<String>) -> PageResult {
    let people = directory::people(app, v).await?;
    let t = v.tr();
    let d = use_::detail(app, v, id).await?;
    let r = &d.resource;
    let f = d.current();
    let size = crate::download::size_text;
    let mut facts = vec![
        (t.get("library-subject"), t.code("subject", r.subject.code())),
        (t.get("library-grade"), grade_label(&t, r.grade)),
        (t.get("library-kind"), t.code("library-kind", r.kind.code())),
        (t.get("library-edition"), r.edition.clone()),
        (t.get("library-chapter"), r.chapter.clone()),
        (t.get("library-school"), if d.school_name.is_empty() { t.get("library-bureau") } else { d.school_name.clone() }),
        (t.get("library-uploader"), r.uploader_name.clone()),
        (
            t.get("library-sharing"),
            match r.sharing {
                Sharing::Cluster => format!("{}（{}）", t.code("library-sharing", "cluster"), d.cluster_name),
                other => t.code("library-sharing", other.code()),
            },
        ),
        (t.get("library-file"), format!("{} · {}", f.name, size(f.size))),
        (t.get("library-uploaded-at"), r.created_at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string()),
        (t.get("library-downloads"), r.downloads.to_string()),
        (
            t.get("library-rating"),
            if r.rating_count > 0 {
                t.with(
                    "library-rating-mean",
                    &[("mean", format!("{:.1}", r.rating_sum as f64 / r.rating_count as f64)), ("count", r.rating_count.to_string())],
                )
            } else {
                t.get("library-rating-none")
            },
        ),
    ];
    facts.retain(|(_, value)| !value.is_empty());
    // The school's and the uploader's other shared resources are a click away.
    let school_label = t.get("library-school");
    let uploader_label = t.get("library-uploader");
    let facts: Vec<(String, String, Option<String>)> = facts
        .into_iter()
        .map(|(label, value)| {
            let href = if label == school_label {
                r.school_id.map(|s| format!("/library/schools/{s}"))
            } else if label == uploader_label {
                Some(format!("/library?uploader={}", r.uploader_id))
            } else {
                None
            };
            (label, value, href)
        })
        .collect();
    let preview = match f.family.as_str() {
        "pdf" => "pdf",
        "image" => "image",
        _ if !f.text.is_empty() => "text",
        _ => "none",
    };
    let text_note = match f.text_status {
        TextStatus::Failed => Some(t.with("library-text-failed", &[("reason", f.text_note.clone())])),
        TextStatus::None => Some(t.get("library-text-none")),
        TextStatus::Read => None,
    };
    let status_note = match r.status {
        ResourceStatus::Withdrawn => Some(t.with("library-withdrawn-note", &[("by", r.status_by.clone())])),
        ResourceStatus::TakenDown => {
            Some(t.with("library-taken-down-note", &[("by", r.status_by.clone()), ("reason", r.status_reason.clone())]))
        }
        ResourceStatus::Active => None,
    };
    let versions = d
        .versions
        .iter()
        .map(|f| {
            (
                f.version,
                f.name.clone(),
                size(f.size),
                people.name(&f.uploaded_by),
                xuequ_domain::booking::to_local(f.created_at).format("%Y-%m-%d %H:%M").to_string(),
            )
        })
        .collect();
    let comments = d
        .comments
        .iter()
        .map(|c| (c.author_name.clone(), c.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string(), c.body.clone()))
        .collect();
    let collections = d
        .collections
        .iter()
        .map(|(c, inside)| {
            let name =
                if c.cluster_id.is_some() { format!("{}（{}）", c.name, t.get("library-cluster-collection")) } else { c.name.clone() };
            (c.id, name, *inside)
        })
        .collect();
    Ok(ResourcePage {
        chrome: Chrome::new(v, r.title.clone(), "/library"),
        tabs: tabs(v, ""),
        id,
        facts,
        description: r.description.clone(),
        tags: r
            .tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(|t| (t.to_string(), format!("/library?q={}", urlencoding::encode(t))))
            .collect(),
        preview,
        text: f.text.chars().take(6_000).collect(),
        text_note,
        status_note,
        versions,
        current_name: f.name.clone(),
        my_rating: d.my_rating.unwrap_or(0),
        comments,
        collections,
        may_change: d.may_change,
        may_take_down: d.may_take_down && r.status != ResourceStatus::TakenDown,
        may_restore: d.may_restore,
        may_discuss: d.may_discuss,
        active: r.status == ResourceStatus::Active,
        revision: r.revision,
        errors,
    }
    .into_response())
}

async fn download(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let version = q.get("version").and_then(|x| x.parse().ok());
    let (file, bytes) = use_::file(&app, &v, id, version, true).await?;
    Ok(crate::download::stored_file(bytes, &file.name, &file.mime, false))
}

async fn preview(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let (file, bytes, inline) = use_::preview(&app, &v, id, None).await?;
    Ok(crate::download::stored_file(bytes, &file.name, &file.mime, inline))
}

/// A form post's outcome on the resource page: back to it, or it again with the problems.
async fn after(app: &App, v: &Viewer, id: i64, result: Result<(), AppError>) -> PageResult {
    match result {
        Ok(()) => Ok(saved(&format!("/library/{id}"))),
        Err(AppError::Stale) => resource_view(app, v, id, vec![v.tr().get("library-changed-meanwhile")]).await,
        Err(e) => {
            let errors = problem_lines(&v.tr(), &form_problems(e)?);
            resource_view(app, v, id, errors).await
        }
    }
}

/// The revision a form was opened at (`-1`, never current, when it does not read).
fn revision_of(revision: &str) -> i64 {
    revision.trim().parse().unwrap_or(-1)
}

/// A change to a resource, made at the revision the person saw.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ChangeForm {
    revision: Option<String>,
    confirmed: String,
    reason: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UseForm {
    stars: String,
    body: String,
    collection: String,
    inside: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CollectionForm {
    name: String,
    cluster: String,
}

async fn rate_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<UseForm>) -> PageResult {
    let stars = form.stars.parse().unwrap_or(0);
    match use_::rate(&app, &v, id, stars).await {
        // Says the stars given, not just 已保存.
        Ok(_) => Ok(done_count(&format!("/library/{id}#rate"), "rated", stars.max(0) as usize)),
        Err(e) => after(&app, &v, id, Err(e)).await,
    }
}

async fn comment_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<UseForm>) -> PageResult {
    let result = use_::comment(&app, &v, id, &form.body).await.map(|_| ());
    after(&app, &v, id, result).await
}

async fn collect_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<UseForm>) -> PageResult {
    let collection = form.collection.parse().ok();
    let inside = form.inside == "1";
    let result = use_::collect(&app, &v, collection, id, inside).await.map(|_| ());
    after(&app, &v, id, result).await
}

async fn replace_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, form: Multipart) -> PageResult {
    let result = match posted_upload(&app, &v, form).await {
        Err(AppError::Forbidden) => return Err(AppError::Forbidden.into()),
        Ok(mut form) => match form.files.len() {
            1 => upload::replace(
                &app,
                &v,
                id,
                form.files.remove(0),
                form.fields.get("revision").and_then(|r| r.trim().parse().ok()).unwrap_or(-1),
            )
            .await
            .map(|_| ()),
            _ => Err(AppError::invalid("files", Problem::Required)),
        },
        Err(e) => Err(e),
    };
    after(&app, &v, id, result).await
}

async fn withdraw_post(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
    Posted(form): Posted<ChangeForm>,
) -> PageResult {
    let t = v.tr();
    if !confirmed(&form.confirmed) {
        let d = use_::detail(&app, &v, id).await?;
        if !d.may_change {
            return Err(AppError::Forbidden.into());
        }
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.get("library-withdraw"), "/library"),
            lines: vec![t.with("library-withdraw-line", &[("title", d.resource.title.clone())]), t.get("library-withdraw-hint")],
            action: format!("/library/{id}/withdraw?revision={}", d.resource.revision),
            date: None,
            reason: None,
            keep: Vec::new(),
            button: t.get("library-withdraw"),
            cancel: format!("/library/{id}"),
        }
        .into_response());
    }
    // The confirmation carries the revision the person saw in its address.
    let revision = form.revision.as_ref().or(q.get("revision")).map_or(-1, |r| revision_of(r));
    let result = upload::withdraw(&app, &v, id, true, revision).await.map(|_| ());
    after(&app, &v, id, result).await
}

async fn restore_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<ChangeForm>) -> PageResult {
    let result = upload::withdraw(&app, &v, id, false, revision_of(text(&form.revision))).await.map(|_| ());
    after(&app, &v, id, result).await
}

async fn take_down_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<ChangeForm>) -> PageResult {
    let result = upload::take_down(&app, &v, id, &form.reason, revision_of(text(&form.revision))).await.map(|_| ());
    after(&app, &v, id, result).await
}

async fn edit_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let d = use_::detail(&app, &v, id).await?;
    if !d.may_change {
        return Err(AppError::Forbidden.into());
    }
    let r = &d.resource;
    let values: HashMap<String, String> = [
        ("title", r.title.clone()),
        ("description", r.description.clone()),
        ("subject", r.subject.to_string()),
        ("grade", r.grade.to_string()),
        ("edition", r.edition.clone()),
        ("chapter", r.chapter.clone()),
        ("kind", r.kind.to_string()),
        ("tags", r.tags.replace(',', "，")),
        ("sharing", r.sharing.to_string()),
        ("revision", r.revision.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Ok(upload_form(
        &app,
        &v,
        format!("/library/{id}/edit"),
        v.tr().with("library-edit-title", &[("title", r.title.clone())]),
        Vec::new(),
        values,
    ))
}

async fn edit_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<Values>) -> PageResult {
    let t = v.tr();
    let fields = form.clone().into_iter().collect();
    let result = match draft_of(&fields) {
        Ok(draft) => upload::edit(&app, &v, id, &draft, revision_of(form.get("revision").map_or("", String::as_str))).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(saved(&format!("/library/{id}"))),
        // Someone saved first: what this person typed stays, now over the newest revision, so
        // saving once more (after a look at the resource's page) is not refused again.
        Err(AppError::Stale) => {
            let newest = use_::detail(&app, &v, id).await?.resource.revision;
            let mut form = form;
            form.insert("revision".into(), newest.to_string());
            let errors = vec![t.get("library-changed-meanwhile-kept")];
            Ok(upload_form(&app, &v, format!("/library/{id}/edit"), t.get("library-edit"), errors, form))
        }
        Err(e) => {
            let errors = problem_lines(&t, &form_problems(e)?);
            Ok(upload_form(&app, &v, format!("/library/{id}/edit"), t.get("library-edit"), errors, form))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "library/list.html")]
struct ListPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    intro: String,
    rows: Vec<Row>,
}

async fn mine_page(State(app): State<App>, v: Viewer) -> PageResult {
    let t = v.tr();
    let rows = use_::shared_by(&app, &v, None, Some(v.actor.user_id)).await?;
    let schools = school_names(&app, &v).await?;
    Ok(ListPage {
        chrome: Chrome::new(&v, t.get("library-mine-title"), "/library"),
        tabs: tabs(&v, "/library/mine"),
        intro: t.with("library-mine-intro", &[("n", rows.len().to_string())]),
        rows: rows.iter().map(|r| plain_row(&t, r, r.school_id.and_then(|s| schools.get(&s)).map_or("", |s| s.as_str()))).collect(),
    }
    .into_response())
}

async fn school_names(app: &App, v: &Viewer) -> Result<HashMap<i64, String>, PageError> {
    Ok(directory::school_names(app, v).await?)
}

async fn school_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let t = v.tr();
    let schools = school_names(&app, &v).await?;
    let name = schools.get(&id).cloned().ok_or(AppError::NotFound)?;
    let rows = use_::shared_by(&app, &v, Some(id), None).await?;
    Ok(ListPage {
        chrome: Chrome::new(&v, t.with("library-school-title", &[("school", name.clone())]), "/library"),
        tabs: tabs(&v, ""),
        intro: t.with("library-school-intro", &[("n", rows.len().to_string())]),
        rows: rows.iter().map(|r| plain_row(&t, r, &name)).collect(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "library/collections.html")]
struct CollectionsPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    mine: Vec<(i64, String)>,
    clusters: Vec<(i64, String)>,
    /// Clusters the person may make a curated collection for.
    curates: Vec<Opt>,
    errors: Vec<String>,
}

async fn collections_view(app: &App, v: &Viewer, errors: Vec<String>) -> PageResult {
    let t = v.tr();
    let all = use_::my_collections(app, v).await?;
    let cluster_names: HashMap<i64, String> = directory::clusters(app, v).await?.into_iter().map(|c| (c.id, c.name)).collect();
    let curates = cluster_names
        .iter()
        .filter(|(id, _)| policy::may_curate(&v.actor, v.county(), **id))
        .map(|(id, name)| Opt { value: id.to_string(), label: name.clone(), selected: false })
        .collect();
    Ok(CollectionsPage {
        chrome: Chrome::new(v, t.get("library-collections-title"), "/library"),
        tabs: tabs(v, "/library/collections"),
        mine: all.iter().filter(|c| c.owner_id.is_some()).map(|c| (c.id, c.name.clone())).collect(),
        clusters: all
            .iter()
            .filter_map(|c| c.cluster_id.map(|k| (c.id, format!("{} · {}", cluster_names.get(&k).cloned().unwrap_or_default(), c.name))))
            .collect(),
        curates,
        errors,
    }
    .into_response())
}

async fn collections_page(State(app): State<App>, v: Viewer) -> PageResult {
    collections_view(&app, &v, Vec::new()).await
}

async fn collection_create(State(app): State<App>, v: Viewer, Posted(form): Posted<CollectionForm>) -> PageResult {
    let cluster = form.cluster.parse().ok();
    match use_::create_collection(&app, &v, &form.name, cluster).await {
        Ok(c) => Ok(saved(&format!("/library/collections/{}", c.id))),
        Err(e) => {
            let errors = problem_lines(&v.tr(), &form_problems(e)?);
            collections_view(&app, &v, errors).await
        }
    }
}

async fn collection_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let t = v.tr();
    let (c, rows) = use_::collection(&app, &v, id).await?;
    let schools = school_names(&app, &v).await?;
    Ok(ListPage {
        chrome: Chrome::new(&v, c.name.clone(), "/library"),
        tabs: tabs(&v, "/library/collections"),
        intro: t.with("library-collection-intro", &[("n", rows.len().to_string())]),
        rows: rows.iter().map(|r| plain_row(&t, r, r.school_id.and_then(|s| schools.get(&s)).map_or("", |s| s.as_str()))).collect(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "library/figures.html")]
struct FiguresPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    from: String,
    to: String,
    total: Vec<(String, String)>,
    headers: Vec<String>,
    schools: Vec<(i64, String, Vec<String>)>,
    clusters: Vec<(String, Vec<String>)>,
    months: Vec<(String, Vec<String>)>,
    top: Vec<(i64, String, u64)>,
    chart: String,
    xlsx: String,
}

fn range(q: &HashMap<String, String>) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let to = query_date(q.get("to")).unwrap_or_else(xuequ_app::today);
    (query_date(q.get("from")).unwrap_or(to - chrono::Duration::days(365)), to)
}

fn use_cells(u: &figures::Use) -> Vec<String> {
    vec![
        u.uploads.to_string(),
        u.downloads_by_others.to_string(),
        u.ratings_by_others.to_string(),
        u.mean_stars_by_others.map(|m| format!("{m:.1}")).unwrap_or_default(),
        u.downloads_of_others.to_string(),
    ]
}

fn use_headers(t: &Tr) -> Vec<String> {
    [
        "library-fig-uploads",
        "library-fig-downloads-by-others",
        "library-fig-ratings-by-others",
        "library-fig-stars",
        "library-fig-downloads-of-others",
    ]
    .iter()
    .map(|k| t.get(k))
    .collect()
}

async fn figures_page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let t = v.tr();
    let (from, to) = range(&q);
    let f = figures::figures(&app, &v, from, to).await?;
    let bars: Vec<(&str, f64, f64)> = f.months.iter().map(|(m, u)| (m.as_str(), u.uploads as f64, u.downloads_by_others as f64)).collect();
    let chart = crate::charts::lent_borrowed(&bars, (&t.get("library-fig-uploads"), &t.get("library-fig-downloads-by-others")));
    Ok(FiguresPage {
        chrome: Chrome::new(&v, t.get("library-figures-title"), "/library"),
        tabs: tabs(&v, "/library/figures"),
        from: from.to_string(),
        to: to.to_string(),
        total: use_headers(&t).into_iter().zip(use_cells(&f.total)).collect(),
        headers: use_headers(&t),
        schools: f.schools.iter().map(|s| (s.id, s.name.clone(), use_cells(&s.figures))).collect(),
        clusters: f.clusters.iter().map(|c| (c.name.clone(), use_cells(&c.figures))).collect(),
        months: f.months.iter().map(|(m, u)| (m.clone(), use_cells(u))).collect(),
        top: f.top.clone(),
        chart,
        xlsx: url_with("/library/figures.xlsx", &q, &[]),
    }
    .into_response())
}

async fn figures_xlsx(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    use xuequ_sheets::Cell;
    let t = v.tr();
    let (from, to) = range(&q);
    let f = figures::figures(&app, &v, from, to).await?;
    let numbers = |name: String, u: &figures::Use| -> Vec<Cell> {
        std::iter::once(Cell::Text(name))
            .chain(use_cells(u).into_iter().map(|c| c.parse::<f64>().map(Cell::Number).unwrap_or(Cell::Empty)))
            .collect()
    };
    let with_first = |first: &str| std::iter::once(t.get(first)).chain(use_headers(&t)).collect::<Vec<_>>();
    let bytes = xuequ_sheets::workbook(&[
        (
            t.get("library-fig-schools"),
            with_first("library-school"),
            f.schools.iter().map(|s| numbers(s.name.clone(), &s.figures)).collect(),
        ),
        (
            t.get("library-fig-clusters"),
            with_first("library-fig-cluster"),
            f.clusters.iter().map(|c| numbers(c.name.clone(), &c.figures)).collect(),
        ),
        (t.get("library-fig-months"), with_first("library-fig-month"), f.months.iter().map(|(m, u)| numbers(m.clone(), u)).collect()),
        (
            t.get("library-fig-top"),
            vec![t.get("library-title-field"), t.get("library-fig-downloads-by-others")],
            f.top.iter().map(|(_, title, n)| vec![Cell::Text(title.clone()), Cell::Number(*n as f64)]).collect(),
        ),
    ]);
    Ok(crate::download::file_response(bytes, &format!("library-{from}-{to}.xlsx"), xuequ_sheets::Format::Xlsx.content_type()))
}
