//! 继续教育学时: a teacher's own record; a school's (a cluster's, the county's) teachers with
//! those furthest behind first; hours earned elsewhere entered by the school; the annual
//! registration as XLSX.

use super::*;
use chrono::Datelike;
use xuequ_app::running::hours::{self, HoursQuery, TrainingInput};
use xuequ_domain::access::running as policy;
use xuequ_domain::activity::hours::{Category, show};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/hours", get(hours_page))
        .route("/hours.xlsx", get(hours_xlsx))
        .route("/hours/teachers/{id}", get(teacher_page))
        .route("/hours/teachers/{id}/training", post(training_post))
}

/// A teacher's line: name, staff no, school, school-based, training, total, missing, met.
pub struct Line {
    pub id: i64,
    pub name: String,
    pub staff_no: String,
    pub school: String,
    pub school_based: String,
    pub training: String,
    pub total: String,
    pub missing: String,
    pub met: bool,
}

fn line(h: &hours::TeacherHours) -> Line {
    let by = |c: Category| show(h.year.by_category.get(&c).copied().unwrap_or(0));
    Line {
        id: h.teacher.id,
        name: h.teacher.name.clone(),
        staff_no: h.teacher.staff_no.clone(),
        school: h.school.clone(),
        school_based: by(Category::SchoolBased),
        training: by(Category::Training),
        total: show(h.year.total),
        missing: show(h.year.missing_total),
        met: h.year.met(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "running/hours.html")]
struct HoursPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    year: i32,
    years: Vec<i32>,
    rule: String,
    schools: Vec<Opt>,
    behind_only: bool,
    summary: String,
    lines: Vec<Line>,
    xlsx: String,
    no_record: bool,
}

async fn hours_page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let year = year_of(&q);
    let scope = policy::hours_scope(&v.actor);
    // A teacher reads their own record (or learns that their account has none).
    if scope == xuequ_domain::access::Visibility::Nothing {
        return match xuequ_app::running::linked_teacher(&app, &v).await? {
            Some(me) => Ok(Redirect::to(&format!("/hours/teachers/{}?year={year}", me.id)).into_response()),
            None => {
                let mut page = render_parts(&v, year, Vec::new(), false, &app).await?;
                page.no_record = true;
                Ok(page.into_response())
            }
        };
    }
    let school: Option<i64> = q.get("school").and_then(|s| s.parse().ok());
    let behind_only = q.get("behind").is_some_and(|b| b == "1");
    let mut list = hours::hours(&app, &v, &HoursQuery { year, school_id: school, teacher_id: None }).await?;
    let total = list.len();
    let met = list.iter().filter(|h| h.year.met()).count();
    if behind_only {
        let today = xuequ_app::today();
        list.retain(|h| h.year.behind(year, today));
    }
    let schools = xuequ_app::registry::all_schools(&app, &v)
        .await?
        .into_iter()
        .filter(|s| scope.includes(s.id))
        .map(|s| Opt { value: s.id.to_string(), label: s.name, selected: Some(s.id) == school })
        .collect();
    let mut page = render_parts(&v, year, schools, behind_only, &app).await?;
    page.summary = v.tr().with("hours-summary", &[("met", met.to_string()), ("total", total.to_string())]);
    page.lines = list.iter().take(2_000).map(line).collect();
    page.xlsx = format!("/hours.xlsx?year={year}{}", school.map(|s| format!("&school={s}")).unwrap_or_default());
    Ok(page.into_response())
}

async fn render_parts(v: &Viewer, year: i32, schools: Vec<Opt>, behind_only: bool, app: &App) -> Result<HoursPage, PageError> {
    let t = v.tr();
    let rules = xuequ_app::running::settings(app, v).await?.hours;
    let min = |c: Category| show(rules.minimum.get(&c).copied().unwrap_or(0));
    let this = xuequ_app::today().year();
    Ok(HoursPage {
        chrome: Chrome::new(v, t.get("hours-title"), "/activities"),
        tabs: super::tabs(v, "/hours"),
        year,
        years: (this - 4..=this).rev().collect(),
        rule: t.with(
            "hours-rule",
            &[("total", show(rules.total)), ("school_based", min(Category::SchoolBased)), ("training", min(Category::Training))],
        ),
        schools,
        behind_only,
        summary: String::new(),
        lines: Vec::new(),
        xlsx: String::new(),
        no_record: false,
    })
}

/// The annual registration (继续教育学时登记): one row per teacher.
async fn hours_xlsx(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    use xuequ_sheets::Cell;
    let t = v.tr();
    let year = year_of(&q);
    let school: Option<i64> = q.get("school").and_then(|s| s.parse().ok());
    let list = hours::hours(&app, &v, &HoursQuery { year, school_id: school, teacher_id: None }).await?;
    let number = |tenths: i32| Cell::Number(tenths as f64 / 10.0);
    let headers = [
        "hours-staff-no",
        "hours-name",
        "hours-school",
        "hours-school-based",
        "hours-training",
        "hours-total",
        "hours-missing",
        "hours-met",
    ]
    .iter()
    .map(|k| t.get(k))
    .collect();
    let rows = list
        .iter()
        .map(|h| {
            vec![
                Cell::Text(h.teacher.staff_no.clone()),
                Cell::Text(h.teacher.name.clone()),
                Cell::Text(h.school.clone()),
                number(h.year.by_category.get(&Category::SchoolBased).copied().unwrap_or(0)),
                number(h.year.by_category.get(&Category::Training).copied().unwrap_or(0)),
                number(h.year.total),
                number(h.year.missing_total),
                Cell::Text(t.get(if h.year.met() { "hours-yes" } else { "hours-no" })),
            ]
        })
        .collect();
    let bytes = xuequ_sheets::workbook(&[(t.with("hours-sheet", &[("year", year.to_string())]), headers, rows)]);
    Ok(crate::download::file_response(bytes, &format!("training-hours-{year}.xlsx"), xuequ_sheets::Format::Xlsx.content_type()))
}

#[derive(Template, WebTemplate)]
#[template(path = "running/teacher_hours.html")]
struct TeacherPage {
    chrome: Chrome,
    tabs: Vec<(String, String, bool)>,
    id: i64,
    year: i32,
    years: Vec<i32>,
    line: Line,
    missing: Vec<(String, String)>,
    /// date, title, category, hours, link.
    entries: Vec<(String, String, String, String, Option<String>)>,
    may_enter: bool,
    errors: Vec<String>,
    values: HashMap<String, String>,
    categories: Vec<Opt>,
    today: String,
}

async fn teacher_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> PageResult {
    teacher_with(&app, &v, id, year_of(&q), Vec::new(), HashMap::new()).await
}

async fn teacher_with(app: &App, v: &Viewer, id: i64, year: i32, errors: Vec<String>, values: HashMap<String, String>) -> PageResult {
    let t = v.tr();
    let (h, entries) = hours::record(app, v, id, year).await?;
    let this = xuequ_app::today().year();
    let chosen = values.get("category").cloned().unwrap_or_else(|| "training".into());
    Ok(TeacherPage {
        chrome: Chrome::new(
            v,
            t.with("hours-teacher-title", &[("name", h.teacher.name.clone()), ("year", year.to_string())]),
            "/activities",
        ),
        tabs: super::tabs(v, "/hours"),
        id,
        year,
        years: (this - 4..=this).rev().collect(),
        missing: h.year.missing.iter().filter(|(_, m)| **m > 0).map(|(c, m)| (t.code("hours-category", c.code()), show(*m))).collect(),
        entries: entries
            .iter()
            .map(|e| {
                (
                    e.date.to_string(),
                    e.title.clone(),
                    t.code("hours-category", e.category.code()),
                    match &e.overlaps {
                        Some((_, other)) => t.with("hours-overlaps", &[("hours", show(e.hours)), ("title", other.clone())]),
                        None => show(e.credited),
                    },
                    e.activity_id.map(|a| format!("/activities/{a}")),
                )
            })
            .collect(),
        may_enter: policy::may_enter_hours(&v.actor, h.teacher.school_id),
        line: line(&h),
        errors,
        values,
        categories: Category::ALL
            .iter()
            .map(|c| Opt { value: c.code().into(), label: t.code("hours-category", c.code()), selected: c.code() == chosen })
            .collect(),
        today: xuequ_app::today().to_string(),
    }
    .into_response())
}

/// A training a teacher took, for their hours.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct TrainingForm {
    category: String,
    title: String,
    provider: String,
    on_date: String,
    hours: String,
}

async fn training_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<TrainingForm>) -> PageResult {
    let on_date = &form.on_date;
    let result = match on_date.trim().parse::<chrono::NaiveDate>() {
        Err(_) if !on_date.trim().is_empty() => {
            Err(AppError::invalid("on_date", Problem::NotADate { value: on_date.chars().take(40).collect() }))
        }
        parsed => {
            let input = TrainingInput {
                teacher_id: id,
                category: form.category.clone(),
                title: form.title.clone(),
                provider: form.provider.clone(),
                on_date: parsed.ok(),
                hours: form.hours.clone(),
            };
            hours::add_training(&app, &v, &input).await
        }
    };
    let year = form.on_date.parse::<chrono::NaiveDate>().map_or_else(|_| xuequ_app::today().year(), |d| d.year());
    match result {
        Ok(_) => Ok(saved(&format!("/hours/teachers/{id}?year={year}"))),
        Err(e) => {
            let problems = form_problems(e)?;
            teacher_with(&app, &v, id, year, errors_of(&v.tr(), "training", &problems), values_of(&form)).await
        }
    }
}
