//! Server-rendered pages. Each handler builds a view (plain structs) and renders one of the
//! askama templates in `templates/`; the generic list and form views serve every record kind.

mod accounts;
mod assessment;
mod bookings;
pub use bookings::feed_url;
mod clusters;
pub(crate) mod evaluation;
mod exchange;
pub(crate) mod form;
pub use form::{Confirm, NoFields, Path, Posted, Values, posted_upload};
mod library;
mod planning;
mod registry;
mod running;
mod session;
mod sheets;

use crate::App;
use crate::auth::Viewer;
use crate::error::{AppError, Described, current_flash, current_lang, current_uri, current_viewer, flash_cookie, with_lang};
use crate::i18n::Tr;
use askama::Template;
use askama_web::WebTemplate;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Router, middleware};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::drafts::Draft;
use xuequ_domain::{FieldProblem, Problem, Role};

// What every page module takes through `use super::*`: the extractors, the router's verbs,
// serde's derives and the application's directory and records.
use axum::extract::{Multipart, Query, State};
use axum::routing::{get, post};
use serde::Deserialize;
use xuequ_app::directory;

pub fn routes() -> Router<App> {
    Router::new()
        .merge(session::routes())
        .merge(registry::routes())
        .merge(clusters::routes())
        .merge(sheets::routes())
        .merge(accounts::routes())
        .merge(assessment::routes())
        .merge(planning::routes())
        .merge(bookings::routes())
        .merge(exchange::routes())
        .merge(evaluation::routes())
        .merge(library::routes())
        .merge(running::routes())
        .layer(middleware::from_fn(with_lang))
}

/// Any other address: a page saying so, in the reader's language.
pub async fn not_found(headers: axum::http::HeaderMap) -> Response {
    let tr = Tr::new(crate::i18n::lang_of(&headers));
    let page = MessagePage {
        chrome: Chrome::anonymous(tr, tr.get("error-title")),
        message: tr.get("error-not-found"),
        secret: None,
        back: "/".into(),
    };
    (axum::http::StatusCode::NOT_FOUND, page).into_response()
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// The site's icon (browsers also ask for `/favicon.ico`, which is the same picture).
pub async fn icon() -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], include_str!("../../static/favicon.svg"))
        .into_response()
}

/// The little script the pages use (no inline scripts: the CSP forbids them).
pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/app.js"),
    )
        .into_response()
}

/// A page-level error: sign-in needed → the login page; anything else → a page saying what.
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if matches!(self.0, AppError::Unauthorized) {
            return Redirect::to("/login").into_response();
        }
        let tr = Tr::new(current_lang());
        let status = self.0.status();
        let details: Vec<String> = match &self.0 {
            AppError::Invalid(p) => p.iter().map(|p| tr.problem(&p.problem)).collect(),
            _ => vec![],
        };
        // A signed-in person keeps the menu and their name on an error page, to go on from there.
        let chrome = match current_viewer() {
            Some(v) => Chrome::new(&v, tr.get("error-title"), &current_uri().unwrap_or_default()),
            None => Chrome::anonymous(tr, tr.get("error-title")),
        };
        let page = MessagePage {
            chrome,
            message: std::iter::once(self.0.message(&tr)).chain(details).collect::<Vec<_>>().join(" "),
            secret: None,
            back: BACK.into(),
        };
        let mut response = (status, page).into_response();
        crate::error::retry_after(&self.0, &mut response);
        response
    }
}

pub type PageResult = Result<Response, PageError>;

/// The `back` of a message page that returns to the page the person came from (app.js follows
/// the browser's history; without script it leads home).
pub const BACK: &str = "history";

/// A redirect after a successful save, leaving 已保存 for the page it leads to.
pub fn saved(to: &str) -> Response {
    done(to, "saved")
}

/// Back to `to`, saying what was done (`flash-{what}`: 已取消报名, not 已保存).
pub fn done(to: &str, what: &str) -> Response {
    ([(header::SET_COOKIE, flash_cookie(what))], Redirect::to(to)).into_response()
}

/// The same with how many (`flash-{what}` takes `$count`: 已上传 3 份资源).
pub fn done_count(to: &str, what: &str, count: usize) -> Response {
    done(to, &format!("{what}~{count}"))
}

/// The words of a flash cookie: its key, with a count when it carries one. The cookie comes
/// from the browser, so a key we do not know, or a count that is not a number, says nothing.
fn flash_words(t: &Tr, flash: &str) -> Option<String> {
    let (key, count) = match flash.split_once('~') {
        Some((key, n)) => (key, Some(n.parse::<u64>().ok()?)),
        None => (flash, None),
    };
    let key = format!("flash-{key}");
    if !t.has(&key) {
        return None;
    }
    Some(match count {
        Some(n) => t.with(&key, &[("count", n.to_string())]),
        None => t.get(&key),
    })
}

pub struct NavItem {
    pub label: String,
    pub href: String,
    pub active: bool,
}

/// What every page shows around its content.
pub struct Chrome {
    pub t: Tr,
    pub title: String,
    pub user: String,
    pub role: String,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub lang_href: String,
    pub other_lang: String,
    pub flash: Option<String>,
    /// Unread messages, shown on the bell.
    pub unread: u64,
}

impl Chrome {
    pub fn new(v: &Viewer, title: String, path: &str) -> Chrome {
        let t = v.tr();
        let county = Target::county(v.county());
        let mut nav = vec![("nav-dashboard", "/")];
        nav.extend([
            ("nav-schools", "/schools"),
            ("nav-clusters", "/clusters"),
            ("nav-teachers", "/teachers"),
            ("nav-facilities", "/facilities"),
        ]);
        if v.can(Action::Read, Resource::Booking, &county) {
            nav.push(("nav-bookings", "/bookings"));
        }
        if v.can(Action::Read, Resource::Exchange, &county) {
            nav.push(("nav-exchange", "/exchange"));
        }
        nav.push(("nav-library", "/library"));
        nav.push(("nav-activities", "/activities"));
        nav.push(("nav-affairs", "/running"));
        if v.can(Action::Read, Resource::SchoolStats, &county) {
            nav.push(("nav-assessment", "/assessment"));
        }
        if v.role() != Role::Teacher {
            nav.push(("nav-evaluation", "/evaluation"));
        }
        // Everyone may export what they can see; the page offers import only where the policy allows.
        if v.can(Action::Read, Resource::Plan, &county) {
            nav.push(("nav-plans", "/plans"));
        }
        nav.push(("nav-sheets", "/import"));
        if v.can(Action::Create, Resource::Account, &county) {
            nav.push(("nav-users", "/admin/users"));
        }
        if v.can(Action::Read, Resource::AuditLog, &county) {
            nav.push(("nav-audit", "/admin/audit"));
        }
        // Before the one-time password is changed every other page sends back here: no menu
        // of links that only bounce.
        if v.user.must_change_password {
            nav.clear();
        }
        let nav = nav
            .into_iter()
            .map(|(key, href)| NavItem {
                label: t.get(key),
                href: href.to_string(),
                active: if href == "/" { path == "/" } else { path.starts_with(href) },
            })
            .collect();
        Chrome {
            t,
            title,
            user: if v.user.display_name.is_empty() { v.user.username.clone() } else { v.user.display_name.clone() },
            role: t.code("role", v.role().code()),
            nav,
            csrf: v.csrf.clone(),
            // The switch returns to this very page, filters and page number included.
            lang_href: format!(
                "/lang/{}?back={}",
                t.lang.other().code(),
                urlencoding::encode(&current_uri().unwrap_or_else(|| path.to_string()))
            ),
            other_lang: t.get("lang-other"),
            // The cookie comes from the browser: a key we do not know says nothing.
            flash: current_flash().and_then(|f| flash_words(&t, &f)),
            unread: v.unread,
        }
    }

    pub fn anonymous(t: Tr, title: String) -> Chrome {
        Chrome {
            t,
            title,
            user: String::new(),
            role: String::new(),
            nav: vec![],
            csrf: String::new(),
            lang_href: format!("/lang/{}?back=/login", t.lang.other().code()),
            other_lang: t.get("lang-other"),
            flash: None,
            unread: 0,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "common/message.html")]
pub struct MessagePage {
    pub chrome: Chrome,
    pub message: String,
    pub secret: Option<String>,
    pub back: String,
}

/// The date a confirmed change takes effect, asked for on the confirmation.
pub struct DateField {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub hint: String,
}

/// The question before a destructive action: what will change, from when, and two ways out.
#[derive(Template, WebTemplate)]
#[template(path = "common/confirm.html")]
pub struct ConfirmPage {
    pub chrome: Chrome,
    /// Each thing that will change, in a sentence.
    pub lines: Vec<String>,
    pub action: String,
    pub date: Option<DateField>,
    /// A reason the action needs, asked (again) on the confirmation, kept as typed before it.
    pub reason: Option<DateField>,
    /// What was chosen before the question (the moves ticked), carried to the confirmed post.
    pub keep: Vec<(String, String)>,
    pub button: String,
    pub cancel: String,
}

/// Whether a destructive form came from its confirmation page; a post without it is sent there.
pub fn confirmed(confirmed: &str) -> bool {
    confirmed == "yes"
}

/// A day from a query or form, if it reads and is plausible (see `booking::plausible`); pages
/// fall back to their default day otherwise.
pub fn query_date<S: AsRef<str>>(text: Option<S>) -> Option<chrono::NaiveDate> {
    text.and_then(|d| d.as_ref().trim().parse().ok()).filter(|d| xuequ_domain::booking::plausible(*d))
}

/// The day a confirmed change takes effect: today when left empty; a day that cannot be read is
/// a problem on its field, never silently today.
pub fn effective_date(value: &str, key: &'static str) -> Result<chrono::NaiveDate, AppError> {
    match Some(value.trim()).filter(|d| !d.is_empty()) {
        None => Ok(xuequ_app::today()),
        Some(d) => d.parse().map_err(|_| AppError::invalid(key, Problem::NotADate { value: d.chars().take(40).collect() })),
    }
}

/// A post that skipped its confirmation goes to it (the GET of the same address).
pub fn ask_first(path: &str) -> Response {
    Redirect::to(path).into_response()
}

pub struct Link {
    pub label: String,
    pub href: String,
}

#[derive(Clone)]
pub struct CellView {
    pub text: String,
    pub href: Option<String>,
}

pub fn cell(text: impl Into<String>) -> CellView {
    CellView { text: text.into(), href: None }
}

pub fn link(text: impl Into<String>, href: String) -> CellView {
    CellView { text: text.into(), href: Some(href) }
}

#[derive(Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct FilterView {
    pub name: String,
    pub label: String,
    pub options: Vec<Opt>,
}

pub struct ColumnView {
    pub label: String,
    pub sort_href: Option<String>,
    pub mark: &'static str,
}

pub struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
    pub label: String,
    pub page: u64,
    pub pages: u64,
    pub per_page: u64,
    /// Page sizes a person may choose.
    pub sizes: Vec<u64>,
    /// The list's other query parameters, kept by the jump form.
    pub keep: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "common/list.html")]
pub struct ListPage {
    pub chrome: Chrome,
    pub total_label: String,
    pub actions: Vec<Link>,
    pub q: String,
    pub filters: Vec<FilterView>,
    pub hidden: Vec<(String, String)>,
    pub columns: Vec<ColumnView>,
    pub rows: Vec<Vec<CellView>>,
    pub pager: Pager,
}

/// The current URL with some query parameters replaced (an empty value removes one).
pub fn url_with(path: &str, query: &HashMap<String, String>, changes: &[(&str, String)]) -> String {
    let mut params: Vec<(String, String)> =
        query.iter().filter(|(k, _)| !changes.iter().any(|(c, _)| c == k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    params.extend(changes.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k.to_string(), v.clone())));
    params.retain(|(_, v)| !v.is_empty());
    params.sort();
    if params.is_empty() {
        return path.to_string();
    }
    let encoded: Vec<String> = params.iter().map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v))).collect();
    format!("{path}?{}", encoded.join("&"))
}

/// Everything a list page needs besides its rows.
pub struct ListShape<'a> {
    pub path: &'a str,
    pub query: &'a HashMap<String, String>,
    pub total: u64,
    pub paging: xuequ_app::Paging,
}

impl ListShape<'_> {
    /// A column header; sortable columns link to the list sorted by them (again: reversed).
    pub fn column(&self, label: String, sort: Option<&str>) -> ColumnView {
        let current = self.query.get("sort").map(String::as_str);
        let desc = self.query.get("desc").is_some_and(|d| d == "1");
        match sort {
            Some(key) => {
                let flip = current == Some(key) && !desc;
                ColumnView {
                    label,
                    sort_href: Some(url_with(
                        self.path,
                        self.query,
                        &[("sort", key.to_string()), ("desc", if flip { "1".into() } else { String::new() }), ("page", String::new())],
                    )),
                    mark: if current == Some(key) { if desc { " ▼" } else { " ▲" } } else { "" },
                }
            }
            None => ColumnView { label, sort_href: None, mark: "" },
        }
    }

    pub fn filter(&self, name: &str, label: String, options: Vec<(String, String)>) -> FilterView {
        let chosen = self.query.get(name).cloned().unwrap_or_default();
        FilterView {
            name: name.to_string(),
            label,
            options: options.into_iter().map(|(value, label)| Opt { selected: value == chosen, value, label }).collect(),
        }
    }

    pub fn pager(&self, t: &Tr) -> Pager {
        let pages = self.total.div_ceil(self.paging.per_page).max(1);
        let page = self.paging.page;
        let mut keep: Vec<(String, String)> = self
            .query
            .iter()
            .filter(|(k, v)| !v.is_empty() && k.as_str() != "page" && k.as_str() != "per_page")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        keep.sort();
        Pager {
            prev: (page > 1).then(|| url_with(self.path, self.query, &[("page", (page - 1).to_string())])),
            next: (page < pages).then(|| url_with(self.path, self.query, &[("page", (page + 1).to_string())])),
            label: t.with("pager-label", &[("page", page.to_string()), ("pages", pages.to_string()), ("total", self.total.to_string())]),
            page,
            pages,
            per_page: self.paging.per_page,
            sizes: vec![20, 50, 100, 200],
            keep,
        }
    }

    /// 导出 of what the list shows: the same search, filters and sort, every page.
    pub fn export(&self, t: &Tr, kind: &str) -> Link {
        let href = url_with(&format!("/export/{kind}.xlsx"), self.query, &[("page", String::new()), ("per_page", String::new())]);
        Link { label: t.get("action-export-list"), href }
    }

    pub fn total_label(&self, t: &Tr) -> String {
        t.with("list-total", &[("total", self.total.to_string())])
    }
}

/// Options for a coded enumeration, labelled in the viewer's language.
pub fn code_options(t: &Tr, kind: &str, codes: impl IntoIterator<Item = &'static str>) -> Vec<(String, String)> {
    codes.into_iter().map(|c| (c.to_string(), t.code(kind, c))).collect()
}

// ---- generic record forms ----

#[derive(Clone)]
pub enum FieldKind {
    Text,
    Number,
    Date,
    Check,
    TextArea,
    /// Never filled in from values: a password is not sent back to the browser.
    Password,
    Select(Vec<(String, String)>),
}

pub struct FieldSpec {
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

pub fn field(name: &'static str, kind: FieldKind, required: bool) -> FieldSpec {
    FieldSpec { name, kind, required }
}

pub struct FieldView {
    pub name: String,
    pub label: String,
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Opt>,
    pub error: Option<String>,
    pub required: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "common/form.html")]
pub struct FormPage {
    pub chrome: Chrome,
    pub action: String,
    pub fields: Vec<FieldView>,
    pub errors: Vec<String>,
    pub cancel: String,
    /// A sentence above the fields saying why the form is here (the one-time password).
    pub intro: Option<String>,
    pub readonly: bool,
    pub retire_action: Option<String>,
    pub retire_label: String,
    /// The version of the record the form edits (`_version`), so a save cannot overwrite a
    /// change made meanwhile.
    pub version: Option<String>,
}

/// The form values of a record with its version.
pub fn with_version(mut values: HashMap<String, String>, version: xuequ_app::Version) -> HashMap<String, String> {
    values.insert("_version".into(), version.etag().trim_matches('"').to_string());
    values
}

/// A record as form values (strings by field name).
pub fn values_of<T: Serialize>(record: &T) -> HashMap<String, String> {
    let json = serde_json::to_value(record).unwrap_or_default();
    json.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let text = match v {
                        serde_json::Value::Null => String::new(),
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), text)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The field views of a form, with the submitted or stored values and any problems.
pub fn field_views(
    t: &Tr,
    entity: &str,
    specs: &[FieldSpec],
    values: &HashMap<String, String>,
    problems: &[FieldProblem],
) -> Vec<FieldView> {
    specs
        .iter()
        .map(|s| {
            let value = if matches!(s.kind, FieldKind::Password) { String::new() } else { values.get(s.name).cloned().unwrap_or_default() };
            let (kind, options) = match &s.kind {
                FieldKind::Text => ("text", vec![]),
                FieldKind::Number => ("number", vec![]),
                FieldKind::Date => ("date", vec![]),
                FieldKind::Check => ("check", vec![]),
                FieldKind::TextArea => ("textarea", vec![]),
                FieldKind::Password => ("password", vec![]),
                FieldKind::Select(opts) => {
                    ("select", opts.iter().map(|(v, l)| Opt { selected: *v == value, value: v.clone(), label: l.clone() }).collect())
                }
            };
            FieldView {
                name: s.name.to_string(),
                label: field_label(t, entity, s.name),
                kind,
                value,
                options,
                error: problems.iter().find(|p| p.field == s.name).map(|p| t.problem(&p.problem)),
                required: s.required,
            }
        })
        .collect()
}

/// `{entity}-{field}` if the bundle has it, else the shared `field-{field}`.
pub fn field_label(t: &Tr, entity: &str, name: &str) -> String {
    t.field(entity, name)
}

/// Builds a draft from submitted form values: empty fields are left out (so optional ones are
/// absent), numbers and check boxes are typed; a missing required field is reported on it.
/// When a field cannot be read, the draft is still built with a stand-in for it and checked by
/// the rules of its values, so one submit reports every wrong field, not the first.
pub fn draft_from_form<T: DeserializeOwned + Draft>(specs: &[FieldSpec], form: &HashMap<String, String>) -> Result<T, Vec<FieldProblem>> {
    let mut object = serde_json::Map::new();
    let mut problems = Vec::new();
    for s in specs {
        let raw = form.get(s.name).map(|v| v.trim().to_string()).unwrap_or_default();
        let value = match s.kind {
            FieldKind::Check => serde_json::Value::Bool(raw == "true" || raw == "on"),
            _ if raw.is_empty() => {
                if s.required {
                    problems.push(FieldProblem::new(s.name, Problem::Required));
                    object.insert(s.name.to_string(), stand_in(&s.kind));
                }
                continue;
            }
            FieldKind::Number => match (raw.parse::<i64>(), raw.parse::<f64>()) {
                (Ok(i), _) => serde_json::json!(i),
                (_, Ok(f)) if f.is_finite() => serde_json::json!(f),
                _ => {
                    problems.push(FieldProblem::new(s.name, Problem::NotANumber { value: raw }));
                    object.insert(s.name.to_string(), stand_in(&s.kind));
                    continue;
                }
            },
            _ => serde_json::Value::String(raw),
        };
        object.insert(s.name.to_string(), value);
    }
    let draft = serde_json::from_value::<T>(serde_json::Value::Object(object)).map_err(|e| {
        let text = e.to_string();
        let field = specs.iter().find(|s| text.contains(&format!("`{}`", s.name))).map(|s| s.name).unwrap_or("form");
        let problem = if text.starts_with("missing field") { Problem::Required } else { Problem::BadFile { reason: text } };
        FieldProblem::new(field, problem)
    });
    match draft {
        Ok(draft) if problems.is_empty() => Ok(draft),
        Ok(draft) => {
            // The rules of the other fields; a field already wrong keeps its first problem.
            let others: Vec<FieldProblem> =
                draft.problems(xuequ_app::today()).into_iter().filter(|p| !problems.iter().any(|q| q.field == p.field)).collect();
            problems.extend(others);
            Err(problems)
        }
        Err(unreadable) => {
            if !problems.iter().any(|q| q.field == unreadable.field) {
                problems.push(unreadable);
            }
            Err(problems)
        }
    }
}

/// A value that reads as the field's kind, standing in for one that could not be read.
fn stand_in(kind: &FieldKind) -> serde_json::Value {
    match kind {
        FieldKind::Number => serde_json::json!(0),
        FieldKind::Date => serde_json::json!("2000-01-01"),
        FieldKind::Check => serde_json::Value::Bool(false),
        FieldKind::Select(options) => serde_json::json!(options.first().map(|o| o.0.clone()).unwrap_or_default()),
        FieldKind::Text | FieldKind::TextArea | FieldKind::Password => serde_json::json!(""),
    }
}

/// What a record form shows besides its fields.
pub struct FormShape<'a> {
    pub title: String,
    /// Where the form posts, and the page it is on.
    pub path: &'a str,
    /// The `{entity}-{field}` prefix of its labels.
    pub entity: &'a str,
    pub cancel: &'a str,
    pub readonly: bool,
    /// A second, destructive action (retire, dissolve, reset password) and its button label.
    pub extra: Option<(String, String)>,
}

/// Renders a record form with values and problems.
pub fn record_form(
    v: &Viewer,
    shape: FormShape<'_>,
    specs: &[FieldSpec],
    values: &HashMap<String, String>,
    problems: &[FieldProblem],
) -> Response {
    let t = v.tr();
    let (retire_action, retire_label) = match shape.extra.filter(|_| !shape.readonly) {
        Some((action, label)) => (Some(action), label),
        None => (None, String::new()),
    };
    FormPage {
        chrome: Chrome::new(v, shape.title, shape.path),
        action: shape.path.to_string(),
        fields: field_views(&t, shape.entity, specs, values, problems),
        errors: loose_problems(&t, specs, problems),
        // The one-time password's form says why it is shown, and offers no way around it.
        cancel: if v.user.must_change_password { String::new() } else { shape.cancel.to_string() },
        intro: v.user.must_change_password.then(|| t.get("password-must-change")),
        readonly: shape.readonly,
        retire_action,
        retire_label,
        version: values.get("_version").cloned(),
    }
    .into_response()
}

/// The flow of every form post (its CSRF token checked by [`Posted`]): build the draft, run the operation; on
/// success go to `done(record)`, on invalid input show the form again with the problems.
pub async fn save_form<D, T>(
    v: &Viewer,
    shape: FormShape<'_>,
    specs: &[FieldSpec],
    form: &HashMap<String, String>,
    op: impl AsyncFnOnce(D) -> Result<T, AppError>,
    done: impl FnOnce(&T) -> String,
) -> PageResult
where
    D: DeserializeOwned + Draft,
{
    let result = match draft_from_form::<D>(specs, form) {
        Ok(draft) => op(draft).await.map_err(form_problems),
        Err(problems) => Err(Ok(problems)),
    };
    match result {
        Ok(record) => Ok(saved(&done(&record))),
        Err(Ok(problems)) => Ok(record_form(v, shape, specs, form, &problems)),
        Err(Err(e)) => Err(e),
    }
}

/// The flow of an edit form: as [`save_form`], with the version the form was opened at. When the
/// record changed meanwhile nothing is saved; the form comes back with the person's values, the
/// other person's value next to every field that differs, and the new version, so that saving
/// again keeps theirs knowingly.
pub async fn save_edit<D, T>(
    v: &Viewer,
    shape: FormShape<'_>,
    specs: &[FieldSpec],
    form: &HashMap<String, String>,
    op: impl AsyncFnOnce(D, Option<xuequ_app::Version>) -> Result<T, AppError>,
    current: impl AsyncFnOnce() -> Result<HashMap<String, String>, AppError>,
    done: impl FnOnce(&T) -> String,
) -> PageResult
where
    D: DeserializeOwned + Draft,
{
    let expected = form.get("_version").and_then(|v| xuequ_app::Version::parse(v));
    let draft = match draft_from_form::<D>(specs, form) {
        Ok(draft) => draft,
        Err(problems) => return Ok(record_form(v, shape, specs, form, &problems)),
    };
    match op(draft, expected).await {
        Ok(record) => Ok(saved(&done(&record))),
        Err(AppError::Stale) => {
            let now = current().await?;
            let mut problems = vec![FieldProblem::new("form", Problem::ChangedMeanwhile)];
            for spec in specs {
                let (mine, theirs) =
                    (form.get(spec.name).map(|s| s.trim()).unwrap_or(""), now.get(spec.name).map(String::as_str).unwrap_or(""));
                if mine != theirs {
                    let shown = match &spec.kind {
                        FieldKind::Select(options) => {
                            options.iter().find(|(value, _)| value == theirs).map_or(theirs.to_string(), |(_, label)| label.clone())
                        }
                        _ => theirs.to_string(),
                    };
                    problems.push(FieldProblem::new(spec.name, Problem::TheirValue { value: shown }));
                }
            }
            let mut values = form.clone();
            values.insert("_version".into(), now.get("_version").cloned().unwrap_or_default());
            Ok((axum::http::StatusCode::CONFLICT, record_form(v, shape, specs, &values, &problems)).into_response())
        }
        Err(e) => match form_problems(e) {
            Ok(problems) => Ok(record_form(v, shape, specs, form, &problems)),
            Err(e) => Err(e),
        },
    }
}

/// Field problems that belong to no field of the form, as messages for the top of the form.
pub fn loose_problems(t: &Tr, specs: &[FieldSpec], problems: &[FieldProblem]) -> Vec<String> {
    problems.iter().filter(|p| !specs.iter().any(|s| s.name == p.field)).map(|p| t.problem(&p.problem)).collect()
}

/// Splits an error into problems to show on a form, or a page error.
pub fn form_problems(e: AppError) -> Result<Vec<FieldProblem>, PageError> {
    match e {
        AppError::Invalid(p) => Ok(p),
        AppError::Conflict(p) => Ok(vec![FieldProblem::new("form", p)]),
        other => Err(PageError(other)),
    }
}

/// Options of every active school of the county, `code → name (code)`.
pub async fn school_options(app: &App, v: &Viewer) -> Result<Vec<(String, String)>, PageError> {
    Ok(xuequ_app::registry::all_schools(app, v)
        .await?
        .into_iter()
        .filter(|s| s.status == xuequ_domain::Status::Active)
        .map(|s| (s.code.clone(), format!("{} ({})", s.name, s.code)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::flash_words;
    use crate::i18n::{Lang, Tr};

    #[test]
    fn a_flash_says_what_was_done_and_how_many_and_nothing_it_does_not_know() {
        let t = Tr::new(Lang::Zh);
        assert_eq!(flash_words(&t, "saved").as_deref(), Some("已保存。"));
        assert_eq!(flash_words(&t, "uploaded~3").as_deref(), Some("已上传 3 份资源。"));
        assert_eq!(flash_words(&t, "rated~4").as_deref(), Some("已评 4 星。"));
        for forged in ["uploaded~x", "uploaded~", "nonsense", "nonsense~2", "saved~<b>"] {
            assert_eq!(flash_words(&t, forged), None, "{forged}");
        }
    }
}
