//! Accounts and the audit log, for the bureau.

use super::*;
use xuequ_app::records::{User, UserUpdate};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin/users", get(users))
        .route("/admin/users/new", get(user_new).post(user_create))
        .route("/admin/users/{id}", get(user_page).post(user_update))
        .route("/admin/users/{id}/password", get(user_reset_confirm).post(user_reset))
        .route("/admin/audit", get(audit))
}

type Id = Path<i64>;

async fn specs(app: &App, v: &Viewer, new: bool) -> Result<Vec<FieldSpec>, PageError> {
    let t = v.tr();
    let schools: Vec<(String, String)> =
        xuequ_app::registry::all_schools(app, v).await?.into_iter().map(|s| (s.id.to_string(), s.name)).collect();
    let clusters: Vec<(String, String)> = xuequ_app::clusters::all(app, v).await?.into_iter().map(|c| (c.id.to_string(), c.name)).collect();
    let mut specs = vec![];
    if new {
        specs.push(field("username", FieldKind::Text, true));
    }
    specs.push(field("display_name", FieldKind::Text, true));
    // Least power first: a new account starts as a teacher, not as the bureau's administrator.
    specs.push(field("role", FieldKind::Select(code_options(&t, "role", Role::ALL.iter().rev().map(|r| r.code()))), true));
    specs.push(field("school_id", FieldKind::Select(schools), false));
    specs.push(field("cluster_id", FieldKind::Select(clusters), false));
    // Which teacher record the account is: sign-up, check-in and training hours need it.
    specs.push(field("staff_no", FieldKind::Text, false));
    if !new {
        specs.push(field("disabled", FieldKind::Check, false));
    }
    Ok(specs)
}

fn render(
    v: &Viewer,
    title: String,
    path: &str,
    specs: &[FieldSpec],
    values: &HashMap<String, String>,
    problems: &[FieldProblem],
    reset: Option<String>,
) -> Response {
    let extra = reset.map(|action| (action, v.tr().get("user-reset-password")));
    record_form(v, FormShape { title, path, entity: "user", cancel: "/admin/users", readonly: false, extra }, specs, values, problems)
}

async fn users(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    xuequ_app::accounts::require_accounts(&v)?;
    let t = v.tr();
    let (_, paging) = crate::query::list_request(&q);
    let page = xuequ_app::accounts::users(&app, &v, paging).await?;
    let shape = ListShape { path: "/admin/users", query: &q, total: page.total, paging };
    let names: HashMap<i64, String> = xuequ_app::registry::all_schools(&app, &v).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let rows = page
        .items
        .iter()
        .map(|u| {
            vec![
                link(&u.username, format!("/admin/users/{}", u.id)),
                cell(&u.display_name),
                cell(t.code("role", u.role.code())),
                cell(u.school_id.and_then(|s| names.get(&s).cloned()).unwrap_or_default()),
                cell(if u.disabled { t.get("user-disabled") } else { String::new() }),
                cell(u.last_login_at.map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()),
            ]
        })
        .collect();
    let columns = ["username", "display_name", "role", "school_id", "disabled", "last_login_at"]
        .iter()
        .map(|k| shape.column(field_label(&t, "user", k), None))
        .collect();
    Ok(ListPage {
        chrome: Chrome::new(&v, t.get("nav-users"), "/admin/users"),
        total_label: shape.total_label(&t),
        actions: vec![Link { label: t.get("action-new"), href: "/admin/users/new".into() }],
        q: String::new(),
        filters: vec![],
        hidden: vec![],
        columns,
        rows,
        pager: shape.pager(&t),
    }
    .into_response())
}

async fn user_new(State(app): State<App>, v: Viewer) -> PageResult {
    xuequ_app::accounts::require_accounts(&v)?;
    let specs = specs(&app, &v, true).await?;
    Ok(render(&v, v.tr().get("user-new"), "/admin/users/new", &specs, &HashMap::new(), &[], None))
}

/// The account form, new or edited, as typed.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct UserForm {
    username: String,
    display_name: String,
    role: String,
    school_id: String,
    cluster_id: String,
    staff_no: String,
    disabled: String,
    #[serde(rename = "_version", skip_serializing_if = "String::is_empty")]
    version: String,
}

fn optional_id(value: &str) -> Option<i64> {
    value.trim().parse().ok()
}

fn role_of(form: &UserForm) -> Result<Role, Vec<FieldProblem>> {
    Role::parse(&form.role).ok_or_else(|| vec![FieldProblem::new("role", Problem::Required)])
}

/// Shows a one-time password once, on its own page.
fn secret_page(v: &Viewer, title: String, message: String, password: String) -> Response {
    MessagePage { chrome: Chrome::new(v, title, "/admin/users"), message, secret: Some(password), back: "/admin/users".into() }
        .into_response()
}

async fn user_create(State(app): State<App>, v: Viewer, Posted(form): Posted<UserForm>) -> PageResult {
    xuequ_app::accounts::require_accounts(&v)?;
    let t = v.tr();
    let specs = specs(&app, &v, true).await?;
    let result = match role_of(&form) {
        Ok(role) => {
            let input = xuequ_app::accounts::UserInput {
                username: form.username.clone(),
                display_name: form.display_name.clone(),
                password: None,
                role,
                school_id: optional_id(&form.school_id),
                cluster_id: optional_id(&form.cluster_id),
            };
            let staff_no = form.staff_no.clone();
            // The staff number is checked first, so that an account is not made without its link.
            match xuequ_app::running::check_link(&app, &v, &staff_no).await {
                Err(e) => Err(form_problems(e)),
                Ok(()) => match xuequ_app::accounts::create_user(&app, &v, input).await {
                    Ok((u, p)) if !staff_no.trim().is_empty() => {
                        xuequ_app::running::link_teacher(&app, &v, u.id, &staff_no).await.map(|_| (u, p)).map_err(form_problems)
                    }
                    other => other.map_err(form_problems),
                },
            }
        }
        Err(p) => Err(Ok(p)),
    };
    match result {
        Ok((u, password)) => {
            Ok(secret_page(&v, u.username.clone(), t.with("user-created", &[("username", u.username)]), password.unwrap_or_default()))
        }
        Err(Ok(problems)) => Ok(render(&v, t.get("user-new"), "/admin/users/new", &specs, &values_of(&form), &problems, None)),
        Err(Err(e)) => Err(e),
    }
}

async fn user_page(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    xuequ_app::accounts::require_accounts(&v)?;
    let u = xuequ_app::accounts::user(&app, &v, id).await?;
    let specs = specs(&app, &v, false).await?;
    let mut values = with_version(values_of(&u), xuequ_app::accounts::version(&u));
    if let Some(t) = directory::teacher_of_user(&app, &v, id).await? {
        values.insert("staff_no".into(), t.staff_no);
    }
    Ok(render(&v, u.username.clone(), &format!("/admin/users/{id}"), &specs, &values, &[], Some(format!("/admin/users/{id}/password"))))
}

async fn user_update(State(app): State<App>, v: Viewer, Path(id): Id, Posted(mut form): Posted<UserForm>) -> PageResult {
    xuequ_app::accounts::require_accounts(&v)?;
    let specs = specs(&app, &v, false).await?;
    let result = match role_of(&form) {
        Ok(role) => {
            let update = UserUpdate {
                display_name: form.display_name.clone(),
                role,
                school_id: optional_id(&form.school_id),
                cluster_id: optional_id(&form.cluster_id),
                disabled: form.disabled == "true",
            };
            let expected = xuequ_app::Version::parse(&form.version);
            let staff_no = form.staff_no.clone();
            let linked = directory::teacher_of_user(&app, &v, id).await?.map(|t| t.staff_no).unwrap_or_default();
            let updated = match xuequ_app::accounts::update_user(&app, &v, id, update, expected).await {
                Ok(u) if staff_no.trim() != linked => xuequ_app::running::link_teacher(&app, &v, id, &staff_no).await.map(|_| u),
                other => other,
            };
            match updated {
                // Changed meanwhile: the form comes back with its values and the new version, so
                // that saving again keeps them knowingly.
                Err(AppError::Stale) => {
                    let now = xuequ_app::accounts::user(&app, &v, id).await?;
                    let tag = xuequ_app::accounts::version(&now).etag();
                    form.version = tag.trim_matches('"').to_string();
                    Err(Ok(vec![FieldProblem::new("form", Problem::ChangedMeanwhile)]))
                }
                other => other.map_err(form_problems),
            }
        }
        Err(p) => Err(Ok(p)),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(Ok(problems)) => {
            Ok(render(&v, v.tr().get("action-edit"), &format!("/admin/users/{id}"), &specs, &values_of(&form), &problems, None))
        }
        Err(Err(e)) => Err(e),
    }
}

/// 重置密码: the question first — the old password and every session of the account end.
async fn user_reset_confirm(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    xuequ_app::accounts::require_accounts(&v)?;
    let u = xuequ_app::accounts::user(&app, &v, id).await?;
    Ok(reset_question(&v, &u).into_response())
}

fn reset_question(v: &Viewer, u: &User) -> ConfirmPage {
    let t = v.tr();
    let who = if u.display_name.is_empty() { u.username.clone() } else { format!("{}（{}）", u.display_name, u.username) };
    ConfirmPage {
        chrome: Chrome::new(v, t.get("user-reset-password"), "/admin/users"),
        lines: vec![t.with("user-reset-line", &[("who", who)]), t.get("user-reset-hint")],
        action: format!("/admin/users/{}/password", u.id),
        date: None,
        reason: None,
        keep: Vec::new(),
        button: t.get("user-reset-password"),
        cancel: format!("/admin/users/{}", u.id),
    }
}

async fn user_reset(State(app): State<App>, v: Viewer, Path(id): Id, Posted(form): Posted<Confirm>) -> PageResult {
    xuequ_app::accounts::require_accounts(&v)?;
    let u = xuequ_app::accounts::user(&app, &v, id).await?;
    if !form.confirmed() {
        return Ok(reset_question(&v, &u).into_response());
    }
    let password = xuequ_app::accounts::reset_password(&app, &v, id).await?;
    Ok(secret_page(&v, u.username.clone(), v.tr().with("user-password-reset", &[("username", u.username)]), password))
}

struct AuditRow {
    at: String,
    sentence: xuequ_i18n::audit::Sentence,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/audit.html")]
struct AuditPage {
    chrome: Chrome,
    total_label: String,
    from: String,
    to: String,
    filters: Vec<FilterView>,
    problem: Option<String>,
    entries: Vec<AuditRow>,
    pager: Pager,
}

/// The audit log as sentences: who did what to which record, with what changed.
async fn audit(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    xuequ_app::accounts::require_audit(&v)?;
    let t = v.tr();
    let (_, paging) = crate::query::list_request(&q);
    // A date that does not read is shown on the page, and the log unfiltered by it.
    let (filter, problem) = match crate::query::audit_filter(&q) {
        Ok(f) => (f, None),
        Err(e) => {
            let said = match &e {
                AppError::Invalid(p) => {
                    p.iter().map(|p| format!("{}：{}", t.get(&format!("audit-{}", p.field)), t.problem(&p.problem))).collect()
                }
                other => vec![other.message(&t)],
            };
            let filter = xuequ_app::records::AuditFilter {
                entity: q.get("entity").cloned(),
                action: q.get("action").cloned(),
                username: q.get("username").cloned(),
                from: None,
                to: None,
            };
            (filter, Some(said.join(" ")))
        }
    };
    let page = xuequ_app::accounts::audit_entries(&app, &v, &filter, paging).await?;
    let names = xuequ_app::accounts::audit_names(&app, &v).await?;
    let shape = ListShape { path: "/admin/audit", query: &q, total: page.total, paging };
    let maps = xuequ_i18n::audit::NameMaps {
        schools: &names.schools,
        clusters: &names.clusters,
        teachers: &names.teachers,
        people: &names.people,
    };
    let entries = page
        .items
        .iter()
        .map(|e| AuditRow {
            at: xuequ_domain::booking::to_local(e.at).format("%Y-%m-%d %H:%M").to_string(),
            sentence: xuequ_i18n::audit::describe_stored(
                &t,
                &e.username,
                &e.action,
                &e.entity,
                e.before.as_deref(),
                e.after.as_deref(),
                &maps,
            ),
        })
        .collect();
    let coded = |kind: &str, codes: &[&str]| codes.iter().map(|c| (c.to_string(), t.code(kind, c))).collect::<Vec<_>>();
    let filters = vec![
        shape.filter("entity", t.get("audit-entity"), coded("audit-entity", xuequ_i18n::audit::KINDS)),
        shape.filter("action", t.get("audit-action"), coded("audit-action", xuequ_i18n::audit::ACTIONS)),
        shape.filter(
            "username",
            t.get("audit-user"),
            names.usernames.iter().map(|u| (u.clone(), xuequ_i18n::audit::who(&t, u, &maps))).collect(),
        ),
    ];
    Ok(AuditPage {
        chrome: Chrome::new(&v, t.get("nav-audit"), "/admin/audit"),
        total_label: shape.total_label(&t),
        from: q.get("from").cloned().unwrap_or_default(),
        to: q.get("to").cloned().unwrap_or_default(),
        filters,
        problem,
        entries,
        pager: shape.pager(&t),
    }
    .into_response())
}
