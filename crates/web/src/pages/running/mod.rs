//! Running a cluster (学区运行): activities and their calendar, training hours, and the
//! cluster's affairs — work plans, council and minutes, budgets.

mod activities;
mod affairs;
mod budgets;
mod hours;

use super::*;
use axum::response::Redirect;

pub fn routes() -> Router<App> {
    Router::new().merge(activities::routes()).merge(hours::routes()).merge(affairs::routes()).merge(budgets::routes())
}

/// Whether the viewer may schedule some activity (the form is offered then).
fn may_schedule_any(v: &Viewer) -> bool {
    xuequ_domain::access::running::may_schedule_some(&v.actor)
}

/// The links between the activities' pages.
fn tabs(v: &Viewer, current: &str) -> Vec<(String, String, bool)> {
    let t = v.tr();
    let mut tabs = vec![
        ("activities-tab-list", "/activities"),
        ("activities-tab-calendar", "/activities/calendar"),
        ("activities-tab-hours", "/hours"),
    ];
    if may_schedule_any(v) {
        tabs.push(("activities-tab-new", "/activities/new"));
    }
    tabs.into_iter().map(|(k, href)| (t.get(k), href.to_string(), href == current)).collect()
}

/// The links between the cluster affairs' pages.
fn affairs_tabs(v: &Viewer, current: &str) -> Vec<(String, String, bool)> {
    let t = v.tr();
    let mut tabs = vec![("affairs-tab-plans", "/running/plans"), ("affairs-tab-council", "/running/council")];
    if xuequ_domain::access::running::reads_budgets(&v.actor) {
        tabs.push(("affairs-tab-budgets", "/running/budgets"));
        tabs.push(("affairs-tab-figures", "/running/figures"));
    }
    if xuequ_domain::access::running::may_set_settings(&v.actor) {
        tabs.push(("affairs-tab-settings", "/running/settings"));
    }
    tabs.into_iter().map(|(k, href)| (t.get(k), href.to_string(), current.starts_with(href))).collect()
}

/// The site's own address as the browser reached it (for the QR code).
fn origin(headers: &axum::http::HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).unwrap_or("http");
    format!("{scheme}://{host}")
}

/// Problems as lines above a form: the field's label and what is wrong with it.
fn errors_of(t: &Tr, entity: &str, problems: &[FieldProblem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| if p.field == "form" { t.problem(&p.problem) } else { format!("{}：{}", t.field(entity, p.field), t.problem(&p.problem)) })
        .collect()
}

/// The year a page asks for (this year when missing or implausible).
fn year_of(q: &HashMap<String, String>) -> i32 {
    q.get("year")
        .and_then(|y| y.parse().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| chrono::Datelike::year(&xuequ_app::today()))
}

/// The files of a multipart form, once its CSRF token is checked.
async fn posted_files(
    app: &App,
    v: &Viewer,
    form: axum::extract::Multipart,
) -> Result<Vec<xuequ_app::library::upload::Incoming>, AppError> {
    Ok(super::posted_upload(app, v, form).await?.files)
}
