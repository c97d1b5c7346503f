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
    match v.actor.role {
        Role::BureauAdmin | Role::ClusterHead | Role::SchoolAdmin => true,
        // A teacher schedules 名师工作室 sessions at their school.
        Role::Teacher => v.actor.school_id.is_some(),
        Role::Inspector => false,
    }
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
    if v.actor.role != Role::Teacher {
        tabs.push(("affairs-tab-budgets", "/running/budgets"));
        tabs.push(("affairs-tab-figures", "/running/figures"));
    }
    if v.actor.role == Role::BureauAdmin {
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
