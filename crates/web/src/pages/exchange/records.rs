//! The exchange records beside the moves: who schools leave out of a year's rotation (不参加交流),
//! the rural allowance (乡村教师生活补助) with its workbook, the report by form, subject, school
//! and year with the quota of the county and each cluster (and its workbook), and the county's
//! settings.

use super::super::*;
use super::exchange_tabs;
use chrono::Datelike;
use xuequ_app::exchange::{report, settings, subsidy};
use xuequ_domain::exchange::{ExchangeSettings, ExclusionReason, Form, SubsidyTier};
use xuequ_sheets::Cell;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/exchange/exclusions", get(exclusions).post(exclude))
        .route("/exchange/exclusions/{id}/remove", post(include))
        .route("/exchange/subsidy", get(subsidy_page))
        .route("/exchange/subsidy.xlsx", get(subsidy_xlsx))
        .route("/exchange/report", get(report_page))
        .route("/exchange/report.xlsx", get(report_xlsx))
        .route("/exchange/settings", get(settings_page).post(settings_save))
}

type Q = Query<HashMap<String, String>>;

fn year_of(q: &HashMap<String, String>, default: i32) -> i32 {
    q.get("year").and_then(|y| y.trim().parse::<i32>().ok()).filter(|y| (1990..=2100).contains(y)).unwrap_or(default)
}

fn this_school_year() -> i32 {
    xuequ_app::exchange::school_year_of(xuequ_app::today())
}

// ---- exclusions ----

#[derive(Template, WebTemplate)]
#[template(path = "exchange/exclusions.html")]
struct ExclusionsPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    year: i32,
    /// id, teacher (name and staff number), school, reason, note, by, removable.
    rows: Vec<(i64, String, String, String, String, String, bool)>,
    can_add: bool,
    reasons: Vec<Opt>,
    /// Staff numbers and names of the teachers the reader may leave out, for the picker.
    teachers: Vec<(String, String)>,
    errors: Vec<String>,
    staff_no: String,
    note: String,
}

async fn exclusions(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    exclusions_view(&app, &v, year_of(&q, this_school_year()), Vec::new(), &HashMap::new()).await
}

async fn exclusions_view(app: &App, v: &Viewer, year: i32, errors: Vec<String>, form: &HashMap<String, String>) -> PageResult {
    let people = directory::people(app, v).await?;
    let t = v.tr();
    let county = v.county();
    let list = settings::exclusions(app, v, year).await?;
    let schools: HashMap<i64, String> = directory::school_names(app, v).await?;
    let teachers = directory::active_teachers(app, v).await?;
    let names: HashMap<i64, String> = teachers.iter().map(|t| (t.id, format!("{} ({})", t.name, t.staff_no))).collect();
    let changes = |school: i64| v.can(Action::Update, Resource::Exchange, &Target::school(county, school));
    let rows = list
        .iter()
        .map(|e| {
            (
                e.id,
                names.get(&e.teacher_id).cloned().unwrap_or_default(),
                schools.get(&e.school_id).cloned().unwrap_or_default(),
                t.code("exclusion-reason", e.reason.code()),
                e.note.clone(),
                people.name(&e.created_by),
                changes(e.school_id),
            )
        })
        .collect();
    let mine: Vec<(String, String)> = teachers
        .iter()
        .filter(|x| changes(x.school_id))
        .map(|x| (x.staff_no.clone(), format!("{} · {}", x.name, schools.get(&x.school_id).cloned().unwrap_or_default())))
        .take(2_000)
        .collect();
    let chosen = form.get("reason").cloned().unwrap_or_default();
    Ok(ExclusionsPage {
        chrome: Chrome::new(v, t.with("exclusions-title", &[("year", format!("{}–{}", year, year + 1))]), "/exchange"),
        tabs: exchange_tabs(v, "/exchange/exclusions"),
        year,
        rows,
        can_add: !mine.is_empty(),
        reasons: ExclusionReason::ALL
            .iter()
            .map(|r| Opt { value: r.code().into(), label: t.code("exclusion-reason", r.code()), selected: r.code() == chosen })
            .collect(),
        teachers: mine,
        errors,
        staff_no: form.get("staff_no").cloned().unwrap_or_default(),
        note: form.get("note").cloned().unwrap_or_default(),
    }
    .into_response())
}

/// An exclusion from the exchange quota, or taking one back.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct ExclusionForm {
    year: String,
    staff_no: String,
    reason: String,
    note: String,
    confirmed: String,
}

async fn exclude(State(app): State<App>, v: Viewer, Posted(form): Posted<ExclusionForm>) -> PageResult {
    let t = v.tr();
    let values = values_of(&form);
    let year = year_of(&values, this_school_year());
    let result = match xuequ_app::exchange::teacher_by_staff_no(&app, &v, "staff_no", form.staff_no.trim()).await {
        Ok(id) => settings::exclude(&app, &v, id, year, &form.reason, &form.note).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(saved(&format!("/exchange/exclusions?year={year}"))),
        Err(e) => {
            let problems = form_problems(e)?;
            let errors = problems.iter().map(|p| format!("{}：{}", t.field("exclusion", p.field), t.problem(&p.problem))).collect();
            exclusions_view(&app, &v, year, errors, &values).await
        }
    }
}

/// Takes an exclusion back, after saying what follows.
async fn include(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<ExclusionForm>) -> PageResult {
    let t = v.tr();
    let year = year_of(&values_of(&form), this_school_year());
    if !confirmed(&form.confirmed) {
        return Ok(ConfirmPage {
            chrome: Chrome::new(&v, t.get("exclusion-remove"), "/exchange"),
            lines: vec![t.get("exclusion-remove-line")],
            action: format!("/exchange/exclusions/{id}/remove?year={year}"),
            date: None,
            reason: None,
            keep: Vec::new(),
            button: t.get("exclusion-remove"),
            cancel: format!("/exchange/exclusions?year={year}"),
        }
        .into_response());
    }
    settings::include(&app, &v, id).await?;
    Ok(saved(&format!("/exchange/exclusions?year={year}")))
}

// ---- the rural allowance ----

#[derive(Template, WebTemplate)]
#[template(path = "exchange/subsidy.html")]
struct SubsidyPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    year: i32,
    tiers: Vec<String>,
    rows: Vec<Vec<String>>,
    total: String,
    people: usize,
}

const SUBSIDY_COLUMNS: [&str; 9] = [
    "subsidy-staff-no",
    "subsidy-name",
    "subsidy-home-school",
    "subsidy-school",
    "subsidy-tier",
    "subsidy-months",
    "subsidy-count",
    "subsidy-monthly",
    "subsidy-total",
];

fn subsidy_row(a: &subsidy::Allowance) -> Vec<String> {
    vec![
        a.staff_no.clone(),
        a.name.clone(),
        a.home_school.clone(),
        a.school.clone(),
        a.tier.clone(),
        a.months.iter().map(u32::to_string).collect::<Vec<_>>().join("、"),
        a.months.len().to_string(),
        a.monthly_yuan.to_string(),
        a.total_yuan.to_string(),
    ]
}

async fn subsidy_page(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    let t = v.tr();
    let year = year_of(&q, xuequ_app::today().year());
    let list = subsidy::allowances(&app, &v, year).await?;
    let s = settings::get(&app, &v).await?;
    let tiers = s.subsidy.tiers.iter().map(|x| tier_line(&t, x)).collect();
    let total: u64 = list.iter().map(|a| a.total_yuan as u64).sum();
    let people = list.iter().map(|a| a.teacher_id).collect::<std::collections::HashSet<_>>().len();
    Ok(SubsidyPage {
        chrome: Chrome::new(&v, t.with("subsidy-title", &[("year", year.to_string())]), "/exchange"),
        tabs: exchange_tabs(&v, "/exchange/subsidy"),
        year,
        tiers,
        rows: list.iter().map(subsidy_row).collect(),
        total: total.to_string(),
        people,
    }
    .into_response())
}

fn tier_line(t: &Tr, x: &SubsidyTier) -> String {
    if x.townships.is_empty() {
        t.with("subsidy-tier-km", &[("name", x.name.clone()), ("km", x.min_km.to_string()), ("yuan", x.monthly_yuan.to_string())])
    } else {
        t.with(
            "subsidy-tier-townships",
            &[("name", x.name.clone()), ("townships", x.townships.join("、")), ("yuan", x.monthly_yuan.to_string())],
        )
    }
}

async fn subsidy_xlsx(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    let t = v.tr();
    let year = year_of(&q, xuequ_app::today().year());
    let list = subsidy::allowances(&app, &v, year).await?;
    let rows = list
        .iter()
        .map(|a| {
            subsidy_row(a)
                .into_iter()
                .enumerate()
                .map(|(i, text)| if i >= 6 { Cell::Number(text.parse().unwrap_or(0.0)) } else { Cell::Text(text) })
                .collect()
        })
        .collect();
    let headers = SUBSIDY_COLUMNS.iter().map(|k| t.get(k)).collect();
    let bytes = xuequ_sheets::workbook(&[(t.with("subsidy-title", &[("year", year.to_string())]), headers, rows)]);
    Ok(crate::download::file_response(bytes, &format!("rural-allowance-{year}.xlsx"), xuequ_sheets::Format::Xlsx.content_type()))
}

// ---- the report ----

/// A table as its header row and rows of text.
type TextTable = (Vec<String>, Vec<Vec<String>>);

/// One table of the report page: its element id, title, header row and rows.
type Section = (&'static str, String, Vec<String>, Vec<Vec<String>>);

/// The report's tables, for the page and the workbook alike.
struct Tables {
    year: i32,
    quota: TextTable,
    forms: TextTable,
    subjects: TextTable,
    schools: TextTable,
    years: TextTable,
}

async fn tables(app: &App, v: &Viewer, q: &HashMap<String, String>) -> Result<Tables, PageError> {
    let t = v.tr();
    let r = report::report(app, v, Some(year_of(q, this_school_year()))).await?;
    let h = |keys: &[&str]| keys.iter().map(|k| t.get(k)).collect::<Vec<_>>();
    let yes_no = |met: bool| t.get(if met { "exchange-report-met" } else { "exchange-report-not-met" });
    let quota = r
        .quota
        .iter()
        .map(|x| {
            vec![
                x.cluster.clone().unwrap_or_else(|| t.get("exchange-report-county")),
                x.eligible_at_sending.to_string(),
                x.required.to_string(),
                x.agreed.to_string(),
                x.done.to_string(),
                x.required_backbone.to_string(),
                x.agreed_backbone.to_string(),
                yes_no(x.met),
            ]
        })
        .collect();
    let count = |name: String, c: &report::Count| vec![name, c.agreed.to_string(), c.done.to_string()];
    Ok(Tables {
        year: r.year,
        quota: (
            h(&[
                "exchange-report-scope",
                "exchange-report-eligible",
                "exchange-report-required",
                "exchange-report-agreed",
                "exchange-report-done",
                "exchange-report-required-backbone",
                "exchange-report-agreed-backbone",
                "exchange-report-met-column",
            ]),
            quota,
        ),
        forms: (
            h(&["move-form", "exchange-report-agreed", "exchange-report-done"]),
            Form::ALL.iter().map(|f| count(t.code("move-form", f.code()), r.by_form.get(f).unwrap_or(&Default::default()))).collect(),
        ),
        subjects: (
            h(&["move-subject", "exchange-report-agreed", "exchange-report-done"]),
            r.by_subject.iter().map(|(s, c)| count(t.code("subject", s), c)).collect(),
        ),
        schools: (
            h(&[
                "exchange-school",
                "exchange-report-out",
                "exchange-report-out-done",
                "exchange-report-in",
                "exchange-report-in-done",
                "exchange-report-out-backbone",
            ]),
            r.by_school
                .iter()
                .filter(|s| s.out.agreed + s.came.agreed > 0)
                .map(|s| {
                    vec![
                        s.name.clone(),
                        s.out.agreed.to_string(),
                        s.out.done.to_string(),
                        s.came.agreed.to_string(),
                        s.came.done.to_string(),
                        s.out_backbone.to_string(),
                    ]
                })
                .collect(),
        ),
        years: (
            h(&["exchange-year", "exchange-report-agreed", "exchange-report-done"]),
            r.by_year.iter().rev().map(|(y, c)| count(format!("{}–{}", y, y + 1), c)).collect(),
        ),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "exchange/report.html")]
struct ReportPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    year: i32,
    /// (id, title, headers, rows) per table.
    sections: Vec<Section>,
}

async fn report_page(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    let t = v.tr();
    let x = tables(&app, &v, &q).await?;
    Ok(ReportPage {
        chrome: Chrome::new(&v, t.with("exchange-report-title", &[("year", format!("{}–{}", x.year, x.year + 1))]), "/exchange"),
        tabs: exchange_tabs(&v, "/exchange/report"),
        year: x.year,
        sections: vec![
            ("quota", t.get("exchange-report-quota"), x.quota.0, x.quota.1),
            ("forms", t.get("exchange-report-forms"), x.forms.0, x.forms.1),
            ("subjects", t.get("exchange-report-subjects"), x.subjects.0, x.subjects.1),
            ("schools", t.get("exchange-report-schools"), x.schools.0, x.schools.1),
            ("years", t.get("exchange-report-years"), x.years.0, x.years.1),
        ],
    }
    .into_response())
}

async fn report_xlsx(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    let t = v.tr();
    let x = tables(&app, &v, &q).await?;
    // Figures as numbers, names as text.
    let cells = |rows: Vec<Vec<String>>| -> Vec<Vec<Cell>> {
        rows.into_iter().map(|r| r.into_iter().map(|c| c.parse::<f64>().map(Cell::Number).unwrap_or(Cell::Text(c))).collect()).collect()
    };
    let bytes = xuequ_sheets::workbook(&[
        (t.get("exchange-report-quota"), x.quota.0, cells(x.quota.1)),
        (t.get("exchange-report-forms"), x.forms.0, cells(x.forms.1)),
        (t.get("exchange-report-subjects"), x.subjects.0, cells(x.subjects.1)),
        (t.get("exchange-report-schools"), x.schools.0, cells(x.schools.1)),
        (t.get("exchange-report-years"), x.years.0, cells(x.years.1)),
    ]);
    Ok(crate::download::file_response(bytes, &format!("exchange-{}.xlsx", x.year), xuequ_sheets::Format::Xlsx.content_type()))
}

// ---- settings ----

#[derive(Template, WebTemplate)]
#[template(path = "exchange/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    /// (name, label, value) of the number fields.
    numbers: Vec<(&'static str, String, String)>,
    /// Six tier rows: name, townships, from km, yuan.
    tiers: Vec<[String; 4]>,
    extra_sending: String,
    cross_stage: bool,
    editable: bool,
    errors: Vec<String>,
}

const NUMBERS: [&str; 7] = [
    "years_teacher",
    "years_leader",
    "quota_percent",
    "backbone_percent",
    "retiring_within_years",
    "students_per_teacher_primary",
    "students_per_teacher_junior",
];

fn values(s: &ExchangeSettings) -> HashMap<&'static str, String> {
    HashMap::from([
        ("years_teacher", s.rules.years_teacher.to_string()),
        ("years_leader", s.rules.years_leader.to_string()),
        ("quota_percent", format!("{}", (s.rules.quota * 1000.0).round() / 10.0)),
        ("backbone_percent", format!("{}", (s.rules.backbone_share * 1000.0).round() / 10.0)),
        ("retiring_within_years", s.rules.retiring_within_years.to_string()),
        ("students_per_teacher_primary", s.norm.students_per_teacher_primary.to_string()),
        ("students_per_teacher_junior", s.norm.students_per_teacher_junior.to_string()),
    ])
}

async fn settings_page(State(app): State<App>, v: Viewer) -> PageResult {
    let s = settings::get(&app, &v).await?;
    let codes = school_codes_of(&app, &v, &s.extra_sending).await?;
    let tiers = s
        .subsidy
        .tiers
        .iter()
        .map(|x| [x.name.clone(), x.townships.join("、"), x.min_km.to_string(), x.monthly_yuan.to_string()])
        .collect();
    render_settings(&v, values(&s), tiers, codes, s.cross_stage, Vec::new())
}

async fn school_codes_of(app: &App, v: &Viewer, ids: &[i64]) -> Result<String, PageError> {
    let schools = directory::schools(app, v).await?;
    Ok(ids.iter().filter_map(|id| schools.iter().find(|s| s.id == *id).map(|s| s.code.clone())).collect::<Vec<_>>().join(", "))
}

fn render_settings(
    v: &Viewer,
    numbers: HashMap<&'static str, String>,
    mut tiers: Vec<[String; 4]>,
    extra: String,
    cross_stage: bool,
    errors: Vec<String>,
) -> PageResult {
    let t = v.tr();
    tiers.resize(tiers.len().max(6), Default::default());
    Ok(SettingsPage {
        chrome: Chrome::new(v, t.get("settings-title"), "/exchange"),
        tabs: exchange_tabs(v, "/exchange/settings"),
        numbers: NUMBERS
            .iter()
            .map(|k| (*k, t.get(&format!("settings-{}", k.replace('_', "-"))), numbers.get(k).cloned().unwrap_or_default()))
            .collect(),
        tiers,
        extra_sending: extra,
        cross_stage,
        editable: v.can(Action::Update, Resource::Exchange, &Target::county(v.county())),
        errors,
    }
    .into_response())
}

/// Reads the settings form: every number, the tier rows that have a name, the school codes.
async fn settings_save(State(app): State<App>, v: Viewer, Posted(form): Posted<Values>) -> PageResult {
    let t = v.tr();
    let mut s = settings::get(&app, &v).await?;
    let mut errors = Vec::new();
    let mut number = |key: &'static str| -> f64 {
        let raw = form.get(key).map(|x| x.trim()).unwrap_or("");
        match raw.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => {
                errors.push(format!(
                    "{}：{}",
                    t.get(&format!("settings-{}", key.replace('_', "-"))),
                    t.problem(&Problem::NotANumber { value: raw.chars().take(40).collect() })
                ));
                f64::NAN
            }
        }
    };
    let whole = |x: f64| if x.is_finite() && x >= 0.0 && x.fract() == 0.0 { x as u32 } else { u32::MAX };
    s.rules.years_teacher = whole(number("years_teacher"));
    s.rules.years_leader = whole(number("years_leader"));
    s.rules.quota = number("quota_percent") / 100.0;
    s.rules.backbone_share = number("backbone_percent") / 100.0;
    s.rules.retiring_within_years = whole(number("retiring_within_years"));
    s.norm.students_per_teacher_primary = number("students_per_teacher_primary");
    s.norm.students_per_teacher_junior = number("students_per_teacher_junior");
    let mut tiers = Vec::new();
    let mut rows = Vec::new();
    for i in 0..20 {
        let get = |k: &str| form.get(&format!("tier{i}_{k}")).map(|x| x.trim().to_string()).unwrap_or_default();
        let row = [get("name"), get("townships"), get("km"), get("yuan")];
        if row.iter().all(String::is_empty) {
            continue;
        }
        rows.push(row.clone());
        let km = if row[2].is_empty() { Ok(0.0) } else { row[2].parse::<f64>() };
        match (km, row[3].parse::<u32>()) {
            (Ok(min_km), Ok(monthly_yuan)) => tiers.push(SubsidyTier {
                name: row[0].clone(),
                townships: row[1].split([',', '，', '、', ' ']).map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect(),
                min_km,
                monthly_yuan,
            }),
            _ => errors.push(format!(
                "{} {}：{}",
                t.get("settings-tiers"),
                row[0],
                t.problem(&Problem::NotANumber { value: format!("{} / {}", row[2], row[3]) })
            )),
        }
    }
    s.subsidy.tiers = tiers;
    s.cross_stage = form.get("cross_stage").is_some_and(|x| x == "1");
    let extra = form.get("extra_sending").cloned().unwrap_or_default();
    let schools = directory::schools(&app, &v).await?;
    s.extra_sending.clear();
    for code in extra.split([',', '，', '、', ' ']).map(str::trim).filter(|x| !x.is_empty()) {
        match schools.iter().find(|x| x.code == code) {
            Some(x) => s.extra_sending.push(x.id),
            None => errors.push(format!(
                "{}：{}",
                t.get("settings-extra-sending"),
                t.problem(&Problem::UnknownSchool { value: code.chars().take(40).collect() })
            )),
        }
    }
    let numbers: HashMap<&'static str, String> = NUMBERS.iter().map(|k| (*k, form.get(*k).cloned().unwrap_or_default())).collect();
    if errors.is_empty() {
        match settings::save(&app, &v, &s).await {
            Ok(()) => return Ok(saved("/exchange/settings")),
            Err(e) => {
                for p in form_problems(e)? {
                    errors.push(format!("{}：{}", t.get(&format!("settings-{}", p.field.replace('_', "-"))), t.problem(&p.problem)));
                }
            }
        }
    }
    render_settings(&v, numbers, rows, extra, s.cross_stage, errors)
}
