//! 经费: each cluster's budget by source and category with its balance (a warning from 80 %),
//! expenditures with their approval, receipts, the ledger for the finance office (XLSX); the
//! county's settings; and the year's figures per cluster for the evaluation.

use super::*;
use chrono::Datelike;
use xuequ_app::running::budgets::{self, BudgetInput, SourceInput, SpendInput};
use xuequ_app::running::figures;
use xuequ_domain::access::running::{self as policy, Affairs};
use xuequ_domain::activity::hours::{Category, show};
use xuequ_domain::budget::{Source, SpendCategory, money, yuan};
use xuequ_domain::running::SpendStatus;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/running/expenditures/{id}/files", post(receipt_post))
        .layer(axum::extract::DefaultBodyLimit::max(crate::LIBRARY_REQUEST))
        .route("/running/budgets", get(budgets_page))
        .route("/running/budgets/set", get(set_page).post(set_post))
        .route("/running/budgets/{id}", get(budget_page))
        .route("/running/budgets/{id}/spend", post(spend_post))
        .route("/running/budgets/{id}/ledger.xlsx", get(ledger_xlsx))
        .route("/running/expenditures/{id}", post(decide_post))
        .route("/running/expenditures/{id}/approve", post(approve_post))
        .route("/running/settings", get(settings_page).post(settings_post))
        .route("/running/figures", get(figures_page))
}

fn years(chosen: i32) -> Vec<Opt> {
    let this = xuequ_app::today().year();
    (this - 3..=this + 1).rev().map(|y| Opt { value: y.to_string(), label: y.to_string(), selected: y == chosen }).collect()
}

/// A budget's line in the list.
pub struct BudgetRow {
    pub id: i64,
    pub cluster_id: i64,
    pub cluster: String,
    pub total: String,
    pub spent: String,
    pub balance: String,
    pub percent: i64,
    pub warnings: usize,
    pub waiting: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "running/budgets.html")]
struct BudgetsPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    year: i32,
    years: Vec<Opt>,
    rows: Vec<BudgetRow>,
    may_set: bool,
    unset: Vec<(i64, String)>,
}

async fn budgets_page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let t = v.tr();
    if !policy::reads_budgets(&v.actor) {
        return Err(AppError::Forbidden.into());
    }
    let year = year_of(&q);
    let list = budgets::budgets(&app, &v, Some(year), None).await?;
    let may_set = policy::may_set_budget(&v.actor, &Affairs { county_id: v.county(), cluster_id: 0, schools: &[] });
    let unset = if may_set {
        xuequ_app::clusters::all(&app, &v)
            .await?
            .into_iter()
            .filter(|c| c.dissolved_on.is_none() && !list.iter().any(|b| b.budget.cluster_id == c.id))
            .map(|c| (c.id, c.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(BudgetsPage {
        chrome: Chrome::new(&v, t.get("budgets-title"), "/running"),
        tabs: super::affairs_tabs(&v, "/running/budgets"),
        year,
        years: years(year),
        rows: list
            .iter()
            .map(|b| BudgetRow {
                id: b.budget.id,
                cluster_id: b.budget.cluster_id,
                cluster: b.cluster.clone(),
                total: money(b.total),
                spent: money(b.spent),
                balance: money(b.balance),
                percent: b.execution_percent(),
                warnings: b.lines.iter().filter(|l| l.warning).count(),
                waiting: b.expenditures.iter().filter(|e| matches!(e.status, SpendStatus::Pending | SpendStatus::AwaitingBureau)).count(),
            })
            .collect(),
        may_set,
        unset,
    }
    .into_response())
}

/// A category's line on the budget's page.
pub struct LineRow {
    pub category: String,
    pub amount: String,
    pub spent: String,
    pub waiting: String,
    pub balance: String,
    pub percent: i64,
    pub warning: bool,
}

/// An expenditure's line, with what the viewer may do to it.
pub struct SpendRow {
    pub id: i64,
    pub date: String,
    pub voucher: String,
    pub category: String,
    pub amount: String,
    pub payee: String,
    pub purpose: String,
    pub status: String,
    pub status_code: String,
    pub by: String,
    pub reason: String,
    pub may_decide: bool,
    pub may_attach: bool,
    pub files: Vec<(i64, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "running/budget.html")]
struct BudgetPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    id: i64,
    facts: Vec<(String, String)>,
    lines: Vec<LineRow>,
    spending: Vec<SpendRow>,
    may_request: bool,
    categories: Vec<Opt>,
    activities: Vec<Opt>,
    errors: Vec<String>,
    values: HashMap<String, String>,
    notice: Option<String>,
    today: String,
}

/// The budget; `?warned=` names the viewer's request just made, whose category's use past 80 %
/// is said again (worked out from what is stored, so a reload or a forged link shows only what
/// is true).
async fn budget_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> PageResult {
    budget_with(&app, &v, id, Vec::new(), HashMap::new(), q.get("warned").and_then(|w| w.parse().ok())).await
}

async fn budget_with(
    app: &App,
    v: &Viewer,
    id: i64,
    errors: Vec<String>,
    values: HashMap<String, String>,
    warned: Option<i64>,
) -> PageResult {
    let people = directory::people(app, v).await?;
    let t = v.tr();
    let b = budgets::budget(app, v, id).await?;
    let notice = warned
        .and_then(|w| b.expenditures.iter().find(|e| e.row.id == w && e.row.requested_by == v.actor.user_id))
        .filter(|e| matches!(e.status, SpendStatus::Pending | SpendStatus::AwaitingBureau))
        .and_then(|e| b.lines.iter().find(|l| l.line.id == e.row.line_id).map(|l| (l, e.row.amount)))
        .filter(|(l, _)| l.line.amount > 0)
        .map(|(l, amount)| (l.line.spent + amount) * 100 / l.line.amount)
        .filter(|used| *used >= xuequ_domain::budget::WARN_PERCENT)
        .map(|used| t.with("spend-warning", &[("percent", used.to_string())]));
    let sources = b
        .sources
        .iter()
        .map(|(s, school)| {
            format!(
                "{}{} {}",
                t.code("budget-source", s.source.code()),
                if school.is_empty() { String::new() } else { format!("（{school}）") },
                money(s.amount)
            )
        })
        .collect::<Vec<_>>()
        .join("；");
    let facts = vec![
        (t.get("budget-year"), b.budget.year.to_string()),
        (t.get("budget-total"), money(b.total)),
        (t.get("budget-spent"), format!("{} ({}%)", money(b.spent), b.execution_percent())),
        (t.get("budget-balance"), money(b.balance)),
        (t.get("budget-sources"), sources),
        (t.get("budget-bureau-limit"), money(b.bureau_limit)),
    ];
    let chosen = values.get("category").cloned().unwrap_or_default();
    let day = |d: chrono::NaiveDate| xuequ_domain::booking::to_utc(d.and_hms_opt(0, 0, 0).expect("midnight"));
    let (from, to) = (chrono::NaiveDate::from_ymd_opt(b.budget.year, 1, 1), chrono::NaiveDate::from_ymd_opt(b.budget.year + 1, 1, 1));
    let q = xuequ_app::running::activities::ListQuery {
        cluster_id: Some(b.budget.cluster_id),
        from: from.map(day),
        to: to.map(day),
        ..Default::default()
    };
    let activities = xuequ_app::running::activities::list(app, v, &q).await?;
    Ok(BudgetPage {
        chrome: Chrome::new(v, t.with("budget-title", &[("cluster", b.cluster.clone()), ("year", b.budget.year.to_string())]), "/running"),
        tabs: super::affairs_tabs(v, "/running/budgets"),
        id,
        facts,
        lines: b
            .lines
            .iter()
            .map(|l| LineRow {
                category: t.code("spend-category", l.category.code()),
                amount: money(l.line.amount),
                spent: money(l.line.spent),
                waiting: money(l.waiting),
                balance: money(l.balance),
                percent: l.used_percent.min(100),
                warning: l.warning,
            })
            .collect(),
        spending: b
            .expenditures
            .iter()
            .rev()
            .map(|e| SpendRow {
                id: e.row.id,
                date: e.row.spent_on.to_string(),
                voucher: e.row.voucher.clone(),
                category: t.code("spend-category", e.category.code()),
                amount: money(e.row.amount),
                payee: e.row.payee.clone(),
                purpose: [e.row.purpose.clone(), e.activity.clone().unwrap_or_default()]
                    .into_iter()
                    .filter(|x| !x.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                status: t.code("spend-status", e.status.code()),
                status_code: e.status.code().to_string(),
                by: [
                    Some(people.name(&e.row.requested_by_name)),
                    e.row.head_by.as_deref().map(|b| people.name(b)),
                    e.row.bureau_by.as_deref().map(|b| people.name(b)),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" → "),
                reason: e.row.reason.clone(),
                may_decide: e.may_decide,
                may_attach: e.may_attach,
                files: e.files.iter().map(|f| (f.id, f.name.clone())).collect(),
            })
            .collect(),
        may_request: b.may_request,
        categories: b
            .lines
            .iter()
            .map(|l| Opt {
                value: l.category.code().into(),
                label: t.code("spend-category", l.category.code()),
                selected: l.category.code() == chosen,
            })
            .collect(),
        activities: activities
            .iter()
            .map(|a| Opt {
                value: a.activity.id.to_string(),
                label: format!("{} {}", xuequ_domain::booking::to_local(a.activity.starts_at).format("%m-%d"), a.activity.title),
                selected: values.get("activity_id") == Some(&a.activity.id.to_string()),
            })
            .collect(),
        errors,
        values,
        notice,
        today: xuequ_app::today().to_string(),
    }
    .into_response())
}

/// A request to spend from a budget.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct SpendForm {
    category: String,
    spent_on: String,
    amount: String,
    payee: String,
    voucher: String,
    purpose: String,
    activity_id: String,
}

async fn spend_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<SpendForm>) -> PageResult {
    let t = v.tr();
    let spent_on = &form.spent_on;
    let result = match spent_on.trim().parse::<chrono::NaiveDate>() {
        Err(_) if !spent_on.trim().is_empty() => {
            Err(AppError::invalid("spent_on", Problem::NotADate { value: spent_on.chars().take(40).collect() }))
        }
        parsed => {
            let input = SpendInput {
                category: form.category.clone(),
                spent_on: parsed.ok(),
                amount: form.amount.clone(),
                payee: form.payee.clone(),
                voucher: form.voucher.clone(),
                purpose: form.purpose.clone(),
                activity_id: form.activity_id.trim().parse().ok(),
            };
            budgets::request(&app, &v, id, &input).await
        }
    };
    match result {
        // Post/redirect/get: a reload of the page shown next asks for nothing again; the 80 %
        // warning goes along as the request's id.
        Ok((e, used)) if used >= xuequ_domain::budget::WARN_PERCENT => Ok(saved(&format!("/running/budgets/{id}?warned={}", e.id))),
        Ok(_) => Ok(saved(&format!("/running/budgets/{id}"))),
        Err(e) => {
            let problems = form_problems(e)?;
            budget_with(&app, &v, id, errors_of(&t, "spend", &problems), values_of(&form), None).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecideForm {
    approve: String,
    reason: String,
}

/// 批准…: what is approved, for how much and to whom, asked before it is signed off.
async fn approve_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<Confirm>) -> PageResult {
    let budget_id = budgets::budget_of(&app, &v, id).await?;
    if !form.confirmed() {
        let t = v.tr();
        let view = budgets::budget(&app, &v, budget_id).await?;
        let s = view.expenditures.iter().find(|s| s.row.id == id).ok_or(AppError::NotFound)?;
        let mut lines = vec![t.with(
            "spend-approve-line",
            &[
                ("amount", money(s.row.amount)),
                ("payee", s.row.payee.clone()),
                ("purpose", s.row.purpose.clone()),
                ("cluster", view.cluster.clone()),
            ],
        )];
        if !view.may_approve_bureau && s.row.amount > view.bureau_limit {
            lines.push(t.with("spend-approve-bureau", &[("limit", money(view.bureau_limit))]));
        }
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.get("spend-approve"), "/running"),
            lines,
            action: format!("/running/expenditures/{id}/approve"),
            date: None,
            reason: None,
            keep: Vec::new(),
            button: t.get("spend-approve"),
            cancel: format!("/running/budgets/{budget_id}#spending"),
        }
        .into_response());
    }
    match budgets::decide(&app, &v, id, true, "").await {
        Ok(_) => Ok(saved(&format!("/running/budgets/{budget_id}"))),
        Err(err) => {
            let problems = form_problems(err)?;
            budget_with(&app, &v, budget_id, errors_of(&v.tr(), "spend", &problems), HashMap::new(), None).await
        }
    }
}

async fn decide_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<DecideForm>) -> PageResult {
    let budget_id = budgets::budget_of(&app, &v, id).await?;
    match budgets::decide(&app, &v, id, form.approve == "1", &form.reason).await {
        Ok(_) => Ok(saved(&format!("/running/budgets/{budget_id}"))),
        Err(err) => {
            let problems = form_problems(err)?;
            budget_with(&app, &v, budget_id, errors_of(&v.tr(), "spend", &problems), HashMap::new(), None).await
        }
    }
}

async fn receipt_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, form: Multipart) -> PageResult {
    let budget_id = budgets::budget_of(&app, &v, id).await?;
    let result = match posted_files(&app, &v, form).await {
        Ok(files) => budgets::attach_receipt(&app, &v, id, files).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(saved(&format!("/running/budgets/{budget_id}"))),
        Err(err) => {
            let problems = form_problems(err)?;
            budget_with(&app, &v, budget_id, errors_of(&v.tr(), "spend", &problems), HashMap::new(), None).await
        }
    }
}

/// The ledger as a finance office keeps it: date, voucher, category, payee, purpose, amount,
/// balance — approved spending only, in date order.
async fn ledger_xlsx(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    use xuequ_sheets::Cell;
    let t = v.tr();
    let b = budgets::budget(&app, &v, id).await?;
    let money = |fen: i64| Cell::Number(fen as f64 / 100.0);
    let headers = ["ledger-date", "ledger-voucher", "ledger-category", "ledger-payee", "ledger-purpose", "ledger-amount", "ledger-balance"]
        .iter()
        .map(|k| t.get(k))
        .collect();
    let mut rows =
        vec![vec![Cell::Empty, Cell::Empty, Cell::Text(t.get("ledger-opening")), Cell::Empty, Cell::Empty, Cell::Empty, money(b.total)]];
    rows.extend(budgets::ledger(&b).into_iter().map(|r| {
        vec![
            Cell::Text(r.date.to_string()),
            Cell::Text(r.voucher),
            Cell::Text(t.code("spend-category", r.category.code())),
            Cell::Text(r.payee),
            Cell::Text(r.purpose),
            money(r.amount),
            money(r.balance),
        ]
    }));
    let lines = b
        .lines
        .iter()
        .map(|l| {
            vec![
                Cell::Text(t.code("spend-category", l.category.code())),
                money(l.line.amount),
                money(l.line.spent),
                money(l.balance),
                Cell::Number(l.used_percent as f64),
            ]
        })
        .collect();
    let line_headers =
        ["ledger-category", "budget-amount", "budget-spent", "budget-balance", "budget-used"].iter().map(|k| t.get(k)).collect();
    let bytes = xuequ_sheets::workbook(&[(t.get("ledger-sheet"), headers, rows), (t.get("ledger-lines-sheet"), line_headers, lines)]);
    Ok(crate::download::file_response(
        bytes,
        &format!("ledger-{}-{}.xlsx", b.budget.cluster_id, b.budget.year),
        xuequ_sheets::Format::Xlsx.content_type(),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "running/budget_set.html")]
struct SetPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    cluster_id: i64,
    year: i32,
    /// code, label, amount.
    lines: Vec<(String, String, String)>,
    /// field name, label, amount.
    sources: Vec<(String, String, String)>,
    errors: Vec<String>,
}

async fn set_page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let cluster: i64 = q.get("cluster").and_then(|c| c.parse().ok()).ok_or(AppError::NotFound)?;
    let year = year_of(&q);
    let mut values = HashMap::new();
    if let Some(b) = budgets::budgets(&app, &v, Some(year), Some(cluster)).await?.into_iter().next() {
        for l in &b.lines {
            values.insert(format!("line_{}", l.category.code()), yuan(l.line.amount));
        }
        for (s, _) in &b.sources {
            values.insert(format!("source_{}", source_field(s.source.code(), s.school_id)), yuan(s.amount));
        }
    }
    set_with(&app, &v, cluster, year, values, Vec::new()).await
}

fn source_field(source: &str, school: Option<i64>) -> String {
    match school {
        Some(s) => format!("{source}_{s}"),
        None => source.to_string(),
    }
}

async fn set_with(app: &App, v: &Viewer, cluster: i64, year: i32, values: HashMap<String, String>, errors: Vec<String>) -> PageResult {
    let t = v.tr();
    let c = directory::cluster(app, v, cluster).await?.ok_or(AppError::NotFound)?;
    let schools = directory::cluster_school_ids(app, v, cluster).await?;
    if !policy::may_set_budget(&v.actor, &Affairs { county_id: v.county(), cluster_id: cluster, schools: &schools }) {
        return Err(AppError::Forbidden.into());
    }
    let names = directory::names_of(app, v, &schools).await?;
    let value = |k: &str| values.get(k).cloned().unwrap_or_default();
    let mut sources = vec![(
        format!("source_{}", Source::CountyPerCluster.code()),
        t.code("budget-source", Source::CountyPerCluster.code()),
        value(&format!("source_{}", Source::CountyPerCluster.code())),
    )];
    for s in &schools {
        let key = format!("source_{}_{s}", Source::CountyPerSchool.code());
        sources.push((
            key.clone(),
            format!(
                "{}（{}）",
                t.code("budget-source", Source::CountyPerSchool.code()),
                names.get(s).map(|n| n.1.clone()).unwrap_or_default()
            ),
            value(&key),
        ));
    }
    sources.push((
        format!("source_{}", Source::Other.code()),
        t.code("budget-source", Source::Other.code()),
        value(&format!("source_{}", Source::Other.code())),
    ));
    Ok(SetPage {
        chrome: Chrome::new(v, t.with("budget-set-title", &[("cluster", c.name), ("year", year.to_string())]), "/running"),
        tabs: super::affairs_tabs(v, "/running/budgets"),
        cluster_id: cluster,
        year,
        lines: SpendCategory::ALL
            .iter()
            .map(|k| (k.code().to_string(), t.code("spend-category", k.code()), value(&format!("line_{}", k.code()))))
            .collect(),
        sources,
        errors,
    }
    .into_response())
}

async fn set_post(State(app): State<App>, v: Viewer, Posted(form): Posted<Values>) -> PageResult {
    let cluster: i64 = form.get("cluster_id").and_then(|c| c.parse().ok()).ok_or(AppError::NotFound)?;
    let year: i32 = form.get("year").and_then(|y| y.parse().ok()).unwrap_or(0);
    let mut sources = Vec::new();
    for (k, amount) in form.iter().filter(|(k, a)| k.starts_with("source_") && !a.trim().is_empty()) {
        let rest = &k["source_".len()..];
        let (source, school) = match rest.rsplit_once('_').and_then(|(s, id)| id.parse::<i64>().ok().map(|id| (s, id))) {
            Some((s, id)) => (s.to_string(), Some(id)),
            None => (rest.to_string(), None),
        };
        sources.push(SourceInput { source, school_id: school, amount: amount.clone(), note: String::new() });
    }
    sources.sort_by_key(|s| (s.source.clone(), s.school_id));
    let lines = SpendCategory::ALL
        .iter()
        .filter_map(|k| form.get(&format!("line_{}", k.code())).map(|a| (k.code().to_string(), a.clone())))
        .collect();
    match budgets::set_budget(&app, &v, cluster, year, &BudgetInput { sources, lines }).await {
        Ok(b) => Ok(saved(&format!("/running/budgets/{}", b.budget.id))),
        Err(e) => {
            let problems = form_problems(e)?;
            set_with(&app, &v, cluster, year, form, errors_of(&v.tr(), "budget", &problems)).await
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "running/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    values: HashMap<String, String>,
    errors: Vec<String>,
}

async fn settings_page(State(app): State<App>, v: Viewer) -> PageResult {
    if !policy::may_set_settings(&v.actor) {
        return Err(AppError::Forbidden.into());
    }
    let s = xuequ_app::running::settings(&app, &v).await?;
    let min = |c: Category| show(s.hours.minimum.get(&c).copied().unwrap_or(0));
    let values = HashMap::from([
        ("hours_total".to_string(), show(s.hours.total)),
        ("hours_school_based".to_string(), min(Category::SchoolBased)),
        ("hours_training".to_string(), min(Category::Training)),
        ("bureau_limit".to_string(), yuan(s.bureau_limit)),
    ]);
    settings_with(&v, values, Vec::new())
}

fn settings_with(v: &Viewer, values: HashMap<String, String>, errors: Vec<String>) -> PageResult {
    let t = v.tr();
    Ok(SettingsPage {
        chrome: Chrome::new(v, t.get("running-settings-title"), "/running"),
        tabs: super::affairs_tabs(v, "/running/settings"),
        values,
        errors,
    }
    .into_response())
}

/// The county's running settings: hours wanted a year, and the bureau's approval limit.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct SettingsForm {
    hours_total: String,
    hours_school_based: String,
    hours_training: String,
    bureau_limit: String,
}

async fn settings_post(State(app): State<App>, v: Viewer, Posted(form): Posted<SettingsForm>) -> PageResult {
    let result =
        match xuequ_app::running::parse_settings(&form.hours_total, &form.hours_school_based, &form.hours_training, &form.bureau_limit) {
            Ok(s) => xuequ_app::running::save_settings(&app, &v, &s).await,
            Err(e) => Err(e),
        };
    match result {
        Ok(()) => Ok(saved("/running/settings")),
        Err(e) => {
            let problems = form_problems(e)?;
            settings_with(&v, values_of(&form), errors_of(&v.tr(), "settings", &problems))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "running/figures.html")]
struct FiguresPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    years: Vec<Opt>,
    rows: Vec<Vec<String>>,
    headers: Vec<String>,
}

async fn figures_page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let t = v.tr();
    let year = year_of(&q);
    let list = figures::figures(&app, &v, year).await?;
    let percent = |n: usize, d: usize| (n * 100).checked_div(d).map_or("—".to_string(), |p| format!("{p}%"));
    Ok(FiguresPage {
        chrome: Chrome::new(&v, t.get("running-figures-title"), "/running"),
        tabs: super::affairs_tabs(&v, "/running/figures"),
        years: years(year),
        headers: [
            "fig-cluster",
            "fig-activities",
            "fig-schools",
            "fig-attendance",
            "fig-hours-met",
            "fig-tasks-on-time",
            "fig-budget-execution",
        ]
        .iter()
        .map(|k| t.get(k))
        .collect(),
        rows: list
            .iter()
            .map(|f| {
                vec![
                    f.name.clone(),
                    f.activities_held.to_string(),
                    format!("{} / {}", f.schools_taking_part, f.member_schools),
                    f.attendance_permille.map_or("—".into(), |p| format!("{}.{}%", p / 10, p % 10)),
                    format!("{} / {} ({})", f.teachers_met_hours, f.teachers, percent(f.teachers_met_hours, f.teachers)),
                    format!("{} / {} ({})", f.tasks_on_time, f.tasks_due, percent(f.tasks_on_time, f.tasks_due)),
                    f.execution_percent().map_or("—".into(), |p| format!("{p}%")),
                ]
            })
            .collect(),
    }
    .into_response())
}
