//! Signing in and out, the language switch, and the dashboard.

use super::Path;
use super::form::NoFields;
use super::{Chrome, PageError, PageResult, Posted};
use crate::App;
use crate::auth::{self, SESSION_COOKIE, Viewer};
use crate::error::{AppError, Described};
use crate::i18n::{Lang, Tr};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::HashMap;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::{Role, SchoolType};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(dashboard))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(switch_lang))
        .route(auth::PASSWORD_PAGE, get(password_page).post(password_change))
}

#[derive(Template, WebTemplate)]
#[template(path = "session/login.html")]
struct LoginPage {
    chrome: Chrome,
    error: Option<String>,
    next: String,
    demo_accounts: Vec<(String, String)>,
}

fn login_view(app: &App, tr: Tr, error: Option<String>, next: String) -> LoginPage {
    let demo_accounts = if app.demo {
        [
            ("admin", Role::BureauAdmin),
            ("inspector", Role::Inspector),
            ("head", Role::ClusterHead),
            ("principal", Role::SchoolAdmin),
            ("teacher", Role::Teacher),
        ]
        .iter()
        .map(|(u, r)| (u.to_string(), tr.code("role", r.code())))
        .chain(std::iter::once(("other-admin".to_string(), tr.get("login-other-county"))))
        .collect()
    } else {
        vec![]
    };
    LoginPage { chrome: Chrome::anonymous(tr, tr.get("login-title")), error, next, demo_accounts }
}

async fn login_page(State(app): State<App>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> impl IntoResponse {
    login_view(&app, Tr::new(crate::i18n::lang_of(&headers)), None, q.get("next").cloned().unwrap_or_default())
}

/// Only a path of this site is followed after login or a language switch, so a crafted link
/// cannot send users elsewhere: it must start with one `/`, hold no backslash (browsers read
/// `/\host` as `//host`), no control character and no scheme, and parse as a path — also once
/// percent-decoded.
pub fn safe_next(next: &str) -> &str {
    let decoded = urlencoding::decode(next).map(|d| d.into_owned()).unwrap_or_default();
    let local = |p: &str| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.contains('\\')
            && !p.chars().any(char::is_control)
            && axum::http::uri::PathAndQuery::try_from(p).is_ok()
    };
    if local(next) && local(&decoded) { next } else { "/" }
}

/// The sign-in form: there is no session yet, so no CSRF token either.
#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    username: String,
    password: String,
    next: String,
}

async fn login(
    State(app): State<App>,
    source: crate::auth::Source,
    headers: HeaderMap,
    axum::Form(LoginForm { username, password, next }): axum::Form<LoginForm>,
) -> PageResult {
    let tr = Tr::new(crate::i18n::lang_of(&headers));
    match xuequ_app::accounts::sign_in(&app, &username, &password, xuequ_app::accounts::SessionKind::Web, &source.0).await {
        Ok(opened) => {
            let secure = if app.secure_cookies { "; Secure" } else { "" };
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
                opened.token,
                xuequ_app::accounts::WEB_SESSION_HOURS * 3600
            );
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to(safe_next(&next))).into_response())
        }
        Err(e @ (AppError::Unauthorized | AppError::RateLimited)) => {
            let key = if matches!(e, AppError::RateLimited) { "login-rate-limited" } else { "login-failed" };
            let status = e.status();
            Ok((status, login_view(&app, tr, Some(tr.get(key)), next)).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn logout(State(app): State<App>, v: Viewer, Posted(NoFields {}): Posted<NoFields>) -> PageResult {
    xuequ_app::accounts::sign_out(&app, &v.token).await?;
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

async fn switch_lang(Path(code): Path<String>, Query(q): Query<HashMap<String, String>>) -> impl IntoResponse {
    let lang = Lang::parse(&code).unwrap_or_default();
    let back = q.get("back").map(|b| safe_next(b).to_string()).unwrap_or_else(|| "/".into());
    let cookie = format!("xuequ_lang={}; Path=/; SameSite=Lax; Max-Age=31536000", lang.code());
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back))
}

struct Card {
    label: String,
    value: u64,
    href: String,
}

/// A figure's tile on the dashboard: its name, value, period and the page behind it.
struct FigureTile {
    key: String,
    name: String,
    value: String,
    period: String,
    href: String,
}

/// The figures a leader steers by, under the to-do list (empty for a teacher).
#[derive(Default)]
struct Steering {
    title: String,
    tiles: Vec<FigureTile>,
    trend: String,
    ranking_title: String,
    ranking: String,
    /// A head's or principal's place in the latest ranking, with the report's link.
    standing: Option<super::Link>,
    by_form: Vec<(String, usize, usize)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "session/dashboard.html")]
struct Dashboard {
    steering: Steering,
    chrome: Chrome,
    heading: String,
    scope_label: String,
    cards: Vec<Card>,
    tasks: Vec<super::Link>,
    links: Vec<super::Link>,
    table_title: String,
    table_headers: Vec<String>,
    table_rows: Vec<Vec<super::CellView>>,
}

/// Home: the person's own scope first — the county for the bureau, their cluster for a
/// cluster head, their school for a principal or a teacher — with links into everything below.
async fn dashboard(State(app): State<App>, v: Viewer) -> PageResult {
    use xuequ_app::home::{Home, Task};
    let t = v.tr();
    let card = |key: &str, value: u64, href: String| Card { label: t.get(key), value, href };
    let link = |key: &str, href: String| super::Link { label: t.get(key), href };
    let county = xuequ_app::registry::county(&app, &v).await?.name;
    let steering = if v.role() == Role::Teacher { Steering::default() } else { steering(&app, &v).await? };
    let mut page = Dashboard {
        steering,
        chrome: Chrome::new(&v, t.get("nav-dashboard"), "/"),
        heading: county.clone(),
        scope_label: String::new(),
        cards: vec![],
        tasks: vec![],
        links: vec![],
        table_title: String::new(),
        table_headers: vec![],
        table_rows: vec![],
    };
    let task_links = |tasks: Vec<Task>| -> Vec<super::Link> { tasks.into_iter().map(|task| task_link(&t, task)).collect() };
    match xuequ_app::home::home(&app, &v).await? {
        Home::County { summary, tasks } => {
            page.scope_label = t.get("home-county");
            page.tasks = task_links(tasks);
            page.cards = vec![
                card("nav-schools", summary.schools, "/schools".into()),
                card("nav-teachers", summary.teachers, "/teachers".into()),
                card("nav-facilities", summary.facilities, "/facilities".into()),
                card("nav-clusters", summary.clusters, "/clusters".into()),
            ];
            page.links = vec![
                link("nav-assessment", "/assessment".into()),
                link("nav-plans", "/plans".into()),
                link("nav-sheets", "/import".into()),
            ]
            .into_iter()
            .filter(|l| page.chrome.nav.iter().any(|n| n.href == l.href))
            .collect();
            page.table_title = t.get("dashboard-by-type");
            page.table_rows = summary
                .by_type
                .iter()
                .map(|(ty, n): &(SchoolType, u64)| {
                    vec![
                        super::link(t.code("school_type", ty.code()), format!("/schools?school_type={}", ty.code())),
                        super::cell(n.to_string()),
                    ]
                })
                .collect();
        }
        Home::Cluster { cluster, schools, tasks } => {
            page.heading = cluster.name.clone();
            page.scope_label = t.get("home-my-cluster");
            let teachers: u64 = schools.iter().map(|f| f.teachers).sum();
            let students: i64 = schools.iter().filter_map(|f| f.students.map(|s| s.1)).sum();
            page.cards = vec![
                card("cluster-school-count", schools.len() as u64, format!("/clusters/{}", cluster.id)),
                card("nav-teachers", teachers, "/teachers".into()),
                card("cluster-students", students.max(0) as u64, format!("/clusters/{}", cluster.id)),
            ];
            page.tasks = task_links(tasks);
            page.links = vec![
                link("home-cluster-page", format!("/clusters/{}", cluster.id)),
                link("home-cluster-assessment", format!("/assessment?cluster={}", cluster.id)),
                link("nav-facilities", "/facilities".into()),
            ];
            page.table_title = t.get("cluster-members");
            page.table_headers = ["member-school", "nav-teachers", "cluster-students", "nav-facilities"].iter().map(|k| t.get(k)).collect();
            page.table_rows = schools.iter().map(school_row).collect();
        }
        Home::School { school, tasks } => {
            let id = school.school.id;
            page.heading = school.school.name.clone();
            page.scope_label = t.get(if v.role() == Role::Teacher { "home-my-school-teacher" } else { "home-my-school" });
            page.cards = vec![
                card("nav-teachers", school.teachers, format!("/teachers?school_id={id}")),
                card("cluster-students", school.students.map(|s| s.1.max(0) as u64).unwrap_or(0), format!("/schools/{id}")),
                card("nav-facilities", school.facilities, format!("/facilities?school_id={id}")),
            ];
            page.tasks = task_links(tasks);
            // A teacher's day is booking rooms, activities and hours, not the school's registry.
            page.links = if v.role() == Role::Teacher {
                vec![
                    link("nav-bookings", "/bookings".into()),
                    link("nav-activities", "/activities".into()),
                    link("home-my-hours", "/hours".into()),
                    link("nav-library", "/library".into()),
                ]
            } else {
                vec![
                    link("home-school-page", format!("/schools/{id}")),
                    link("home-school-teachers", format!("/teachers?school_id={id}")),
                    link("home-school-facilities", format!("/facilities?school_id={id}")),
                ]
            };
            if v.can(Action::Read, Resource::SchoolStats, &Target::county(v.county())) {
                page.links.push(link("nav-assessment", "/assessment".into()));
            }
        }
    }
    Ok(page.into_response())
}

/// The dashboard of the caller's scope: every registered figure with its page, the balance
/// trend, coverage by form and the latest ranking.
async fn steering(app: &App, v: &Viewer) -> Result<Steering, super::PageError> {
    use super::evaluation::{figure_href, figure_value, period_text};
    let t = v.tr();
    let d = xuequ_app::dashboard::dashboard(app, v, None, None).await?;
    let tiles = d
        .figures
        .iter()
        .map(|r| FigureTile {
            key: r.figure.key.to_string(),
            name: t.get(&xuequ_app::figures::message_id(r.figure.key)),
            value: figure_value(r.figure, r.value),
            period: period_text(&t, r.figure, d.year),
            href: figure_href(r.figure, d.scope, d.year),
        })
        .collect();
    let trend = if d.trend.iter().any(|y| y.primary.is_some() || y.junior.is_some()) {
        let years: Vec<i32> = d.trend.iter().map(|y| y.year).collect();
        // Each stage with a value in some year, with its limit (primary 0.50, junior 0.45).
        let series: Vec<(String, Vec<Option<f64>>, f64)> = [
            (t.code("section", "primary"), d.trend.iter().map(|y| y.primary).collect::<Vec<_>>(), 0.50),
            (t.code("section", "junior"), d.trend.iter().map(|y| y.junior).collect::<Vec<_>>(), 0.45),
        ]
        .into_iter()
        .filter(|(_, values, _)| values.iter().any(Option::is_some))
        .collect();
        let named: Vec<(&str, Vec<Option<f64>>)> = series.iter().map(|(n, v, _)| (n.as_str(), v.clone())).collect();
        let limits: Vec<f64> = series.iter().map(|(_, _, l)| *l).collect();
        crate::charts::trend_lines(&years, &named, &limits)
    } else {
        String::new()
    };
    let mut out = Steering {
        title: t.with("dashboard-title", &[("year", d.year.to_string())]),
        tiles,
        trend,
        by_form: d.by_form.iter().map(|f| (t.code("cluster_form", f.form.code()), f.clusters, f.schools)).collect(),
        ..Default::default()
    };
    if let Some(r) = &d.ranking {
        out.ranking_title = t.with("dashboard-ranking", &[("year", r.year.to_string())]);
        if d.scope == xuequ_app::figures::Scope::County {
            let bars: Vec<(&str, Option<f64>)> = r.clusters.iter().map(|k| (k.name.as_str(), k.total)).collect();
            out.ranking = crate::charts::score_bars(&bars);
        } else if let Some(k) = r.clusters.first() {
            let total = k.total.map_or("—".to_string(), |x| format!("{x:.1}"));
            let rank = k.rank.map_or("—".to_string(), |x| x.to_string());
            let mut label = t
                .with("dashboard-standing", &[("cluster", k.name.clone()), ("rank", rank), ("of", r.ranked.to_string()), ("total", total)]);
            if let Some(s) = r.school_total {
                label.push_str(&t.with("dashboard-school-standing", &[("total", format!("{s:.1}"))]));
            }
            out.standing = Some(super::Link { label, href: format!("/clusters/{}/evaluation?year={}", k.cluster_id, r.year) });
        }
    }
    Ok(out)
}

/// A to-do as its line on the home: what, how many, and the page where it is done.
fn task_link(t: &Tr, task: xuequ_app::home::Task) -> super::Link {
    use xuequ_app::home::Task;
    let n = |count: usize| ("count", count.to_string());
    let (label, href) = match task {
        Task::StatsMissing { school_id, school, year } => (
            t.with("home-task-stats", &[("school", school), ("year", format!("{}–{}", year, year + 1))]),
            format!("/schools/{school_id}/stats?year={year}"),
        ),
        Task::BookingsToDecide { count, .. } => (t.with("home-task-bookings", &[n(count)]), "/bookings/inbox".into()),
        Task::SpendingToApprove { count, budget_id, .. } => {
            (t.with("home-task-spending", &[n(count)]), format!("/running/budgets/{budget_id}#spending"))
        }
        Task::MovesToAgree { count, .. } => (t.with("home-task-moves-agree", &[n(count)]), "/exchange/moves#incoming".into()),
        Task::MovesToConfirm { count, .. } => (t.with("home-task-moves-confirm", &[n(count)]), "/exchange/moves#to-confirm".into()),
        Task::RecordsToWrite { count, activity_id, .. } => {
            (t.with("home-task-records", &[n(count)]), format!("/activities/{activity_id}#record"))
        }
        Task::PlanTasksDue { count, overdue, plan_id } => {
            (t.with("home-task-plan-tasks", &[n(count), ("overdue", overdue.to_string())]), format!("/running/plans/{plan_id}"))
        }
        Task::HoursBehind { count, school_id, year } => {
            (t.with("home-task-hours", &[n(count)]), format!("/hours?school={school_id}&year={year}&behind=1"))
        }
    };
    super::Link { label, href }
}

fn school_row(f: &xuequ_app::records::SchoolFigures) -> Vec<super::CellView> {
    vec![
        super::link(f.school.name.clone(), format!("/schools/{}", f.school.id)),
        super::cell(f.teachers.to_string()),
        super::cell(f.students.map(|s| s.1.to_string()).unwrap_or_else(|| "—".into())),
        super::cell(f.facilities.to_string()),
    ]
}

fn password_specs() -> Vec<super::FieldSpec> {
    use super::{FieldKind, field};
    vec![
        field("current_password", FieldKind::Password, true),
        field("new_password", FieldKind::Password, true),
        field("confirm_password", FieldKind::Password, true),
    ]
}

fn password_shape(v: &Viewer) -> super::FormShape<'static> {
    super::FormShape {
        title: v.tr().get("password-title"),
        path: auth::PASSWORD_PAGE,
        entity: "password",
        cancel: "/",
        readonly: false,
        extra: None,
    }
}

async fn password_page(v: Viewer) -> PageResult {
    let mut page = super::record_form(&v, password_shape(&v), &password_specs(), &HashMap::new(), &[]);
    if v.user.must_change_password {
        page = (axum::http::StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], page).into_response();
    }
    Ok(page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

async fn password_change(State(app): State<App>, v: Viewer, Posted(form): Posted<PasswordForm>) -> PageResult {
    match xuequ_app::accounts::change_own_password(&app, &v, &v.token, &form.current_password, &form.new_password, &form.confirm_password)
        .await
    {
        Ok(()) => {
            let t = v.tr();
            Ok(super::MessagePage {
                chrome: Chrome::new(&v, t.get("password-title"), "/"),
                message: t.get("password-changed"),
                secret: None,
                back: "/".into(),
            }
            .into_response())
        }
        Err(e) => {
            let problems = super::form_problems(e)?;
            Ok((
                axum::http::StatusCode::BAD_REQUEST,
                super::record_form(&v, password_shape(&v), &password_specs(), &HashMap::new(), &problems),
            )
                .into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        for good in ["/", "/schools?page=2", "/schools/3/edit", "/teachers?q=%E5%BC%A0"] {
            assert_eq!(safe_next(good), good);
        }
        for bad in [
            "//evil.example",
            "/\\/evil.example",
            "/\\evil.example",
            "/%5Cevil.example",
            "/%5C%5Cevil.example",
            "/%2F%2Fevil.example",
            "https://evil.example",
            "evil.example",
            "/\r\nSet-Cookie:x=1",
            "/%0d%0aLocation:%20//evil",
            "",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
