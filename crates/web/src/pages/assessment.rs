//! The balance assessment page: coefficients against their limits (table and chart) per stage,
//! the trend over the years, every school section's verdict and shortfalls, who was left out,
//! and which schools to work on first. Also as XLSX.

use super::*;
use crate::download::file_response;
use xuequ_app::assessment::{self, Assessment};
use xuequ_assess::standard::SET_2017;
use xuequ_domain::Section;

pub fn routes() -> Router<App> {
    Router::new().route("/assessment", get(page)).route("/assessment/report", get(report)).route("/assessment.xlsx", get(export))
}

/// The same figures laid out as the inspection report a bureau hands in: numbered chapters, A4,
/// no menus.
#[derive(Template, WebTemplate)]
#[template(path = "assessment/report.html")]
struct ReportPage {
    title: String,
    date: String,
    page: AssessmentPage,
}

async fn report(State(app): State<App>, v: Viewer, query: Query<HashMap<String, String>>) -> PageResult {
    let page = build(&app, &v, &query.0).await?;
    let county = xuequ_app::registry::county(&app, &v).await?.name;
    let title = v.tr().with("report-title", &[("county", county)]);
    Ok(ReportPage { title, date: xuequ_app::today().format("%Y-%m-%d").to_string(), page }.into_response())
}

struct StageView {
    code: &'static str,
    title: String,
    /// `good`, `bad`, or `pending` when the year is incomplete (no verdict).
    tag: &'static str,
    verdict: String,
    rows: Vec<(usize, String, String, String, &'static str, String)>,
    composite: String,
    chart: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "assessment/assessment.html")]
struct AssessmentPage {
    chrome: Chrome,
    report_href: String,
    year_label: String,
    scope_label: String,
    export_href: String,
    years: Vec<Opt>,
    clusters: Vec<Opt>,
    /// How many schools and pupils the year's figures cover; `incomplete` when some are missing
    /// (the page then gives no verdict and names the missing schools).
    coverage: String,
    incomplete: bool,
    missing: Vec<String>,
    stages: Vec<StageView>,
    trend_headers: Vec<String>,
    trend: Vec<Vec<String>>,
    summary: String,
    school_headers: Vec<String>,
    /// Every school (the printed report), or the page of them the table shows.
    schools: Vec<SchoolRow>,
    /// The school table's sortable headers, filters and pager.
    school_columns: Vec<ColumnView>,
    school_filters: Vec<FilterView>,
    pager: Pager,
    excluded: Vec<String>,
    advice: Vec<(String, Vec<String>)>,
}

/// A school's line: code, name, stage, standards met (x/7), passed, verdict, what it lacks; and
/// the section code and count met, to filter and sort by.
type SchoolRow = (String, String, String, String, bool, String, String, &'static str, usize);

/// The school table as the query asks: 未达标 or 达标 only, one stage, sorted by a column, paged.
fn school_table(t: &Tr, q: &HashMap<String, String>, page: &mut AssessmentPage) {
    let chosen = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let mut rows: Vec<SchoolRow> = std::mem::take(&mut page.schools)
        .into_iter()
        .filter(|r| match chosen("result") {
            "failed" => !r.4,
            "passed" => r.4,
            _ => true,
        })
        .filter(|r| chosen("stage").is_empty() || r.7 == chosen("stage"))
        .collect();
    match chosen("sort") {
        "name" => rows.sort_by(|a, b| a.1.cmp(&b.1)),
        "stage" => rows.sort_by(|a, b| a.7.cmp(b.7).then(a.0.cmp(&b.0))),
        "met" => rows.sort_by(|a, b| a.8.cmp(&b.8).then(a.0.cmp(&b.0))),
        "result" => rows.sort_by(|a, b| a.4.cmp(&b.4).then(a.8.cmp(&b.8)).then(a.0.cmp(&b.0))),
        _ => rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.7.cmp(b.7))),
    }
    if q.get("desc").is_some_and(|d| d == "1") {
        rows.reverse();
    }
    let paging =
        xuequ_app::Paging::new(q.get("page").and_then(|p| p.parse().ok()), q.get("per_page").and_then(|p| p.parse().ok()).or(Some(50)));
    let shape = ListShape { path: "/assessment", query: q, total: rows.len() as u64, paging };
    let sorts = [Some("code"), Some("name"), Some("stage"), Some("met"), Some("result"), None];
    page.school_columns = page.school_headers.iter().zip(sorts).map(|(h, key)| shape.column(h.clone(), key)).collect();
    for c in &mut page.school_columns {
        c.sort_href = c.sort_href.take().map(|h| format!("{h}#schools"));
    }
    page.school_filters = vec![
        shape.filter(
            "result",
            t.get("assess-verdict"),
            vec![("failed".into(), t.get("assess-failed")), ("passed".into(), t.get("assess-passed"))],
        ),
        shape.filter("stage", t.get("teacher-section"), code_options(t, "section", [Section::Primary.code(), Section::Junior.code()])),
    ];
    page.pager = shape.pager(t);
    let start = (paging.offset() as usize).min(rows.len());
    page.schools = rows.into_iter().skip(start).take(paging.per_page as usize).collect();
}

fn parse_query(q: &HashMap<String, String>) -> (Option<i32>, Option<i64>) {
    (q.get("year").and_then(|y| y.parse().ok()), q.get("cluster").and_then(|c| c.parse().ok()))
}

/// 84384 → "84,384", as people read a count of pupils.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn school_year(year: i32) -> String {
    format!("{year}–{}", year + 1)
}

async fn page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let mut page = build(&app, &v, &q).await?;
    school_table(&v.tr(), &q, &mut page);
    Ok(page.into_response())
}

async fn build(app: &App, v: &Viewer, q: &HashMap<String, String>) -> Result<AssessmentPage, PageError> {
    let t = v.tr();
    let (year, cluster) = parse_query(q);
    let a = assessment::assess(app, v, year, cluster).await?;
    let clusters = xuequ_app::clusters::all(app, v).await?;
    let scope_label =
        cluster.and_then(|c| clusters.iter().find(|x| x.id == c)).map(|c| c.name.clone()).unwrap_or_else(|| t.get("assess-whole-county"));
    let verdict = |ok: bool| t.get(if ok { "assess-passed" } else { "assess-failed" });
    let indicator = |key: &str| xuequ_i18n::assessment::indicator_name(&t, key);
    let stage = |s: Section| t.code("section", s.code());
    let complete = a.complete(a.year);
    // A verdict only over a complete year; otherwise the coverage says what is missing.
    let judged = |ok: bool| -> (&'static str, String) {
        match (complete, ok) {
            (false, _) => ("pending", t.get("assess-no-verdict")),
            (true, true) => ("good", verdict(true)),
            (true, false) => ("bad", verdict(false)),
        }
    };
    let shown = a.shown();
    let coverage = t.with(
        if complete { "assess-coverage-complete" } else { "assess-coverage-incomplete" },
        &[
            ("year", school_year(a.year)),
            ("with", shown.schools_with.to_string()),
            ("expected", shown.schools_expected.to_string()),
            ("pupils_with", grouped(shown.pupils_with)),
            ("pupils_expected", grouped(shown.pupils_expected)),
        ],
    );
    let missing = shown.missing.iter().map(|m| format!("{} {}", m.code, m.name)).collect();
    let stages = a
        .report
        .sections
        .iter()
        .map(|(section, c)| {
            let values: Vec<f64> = SET_2017.iter().map(|i| c.cv[i.key()]).collect();
            StageView {
                code: section.code(),
                title: t.with(
                    "assess-stage",
                    &[("stage", stage(*section)), ("schools", c.schools.to_string()), ("students", format!("{:.0}", c.students))],
                ),
                tag: judged(c.passed).0,
                verdict: judged(c.passed).1,
                rows: SET_2017
                    .iter()
                    .enumerate()
                    .map(|(n, i)| {
                        let cv = c.cv[i.key()];
                        // The stage's heading says why there is no verdict; each row just has none.
                        let (tag, said) = if complete { judged(cv <= c.cv_limit + 1e-9) } else { ("", "—".to_string()) };
                        (n + 1, indicator(i.key()), format!("{cv:.4}"), format!("≤ {:.2}", c.cv_limit), tag, said)
                    })
                    .collect(),
                composite: format!("{:.4}", c.cv["composite"]),
                chart: crate::charts::coefficient_bars(&values, c.cv_limit),
            }
        })
        .collect();
    let trend_sections: Vec<Section> = a.report.sections.keys().copied().collect();
    // The first column is the school year, like the rows' first cell.
    let trend_headers = std::iter::once(t.get("stats-year"))
        .chain(trend_sections.iter().flat_map(|s| {
            [format!("{} {}", stage(*s), t.get("indicator-composite")), format!("{} {}", stage(*s), t.get("assess-verdict"))]
        }))
        .collect();
    let trend = a
        .trend
        .iter()
        .map(|(y, r)| {
            let mut row = vec![school_year(*y)];
            let c = &a.coverage[y];
            let said = |passed: bool| match c.complete() {
                true => verdict(passed),
                false => {
                    t.with("assess-trend-incomplete", &[("with", c.schools_with.to_string()), ("expected", c.schools_expected.to_string())])
                }
            };
            for s in &trend_sections {
                match r.sections.get(s) {
                    Some(c) => row.extend([format!("{:.4}", c.cv["composite"]), said(c.passed)]),
                    None => row.extend([String::new(), String::new()]),
                }
            }
            row
        })
        .collect();
    let passed = a.report.schools.iter().filter(|s| s.passed).count();
    let summary = t.with(
        "assess-summary",
        &[
            ("total", (a.report.schools.len() + a.report.excluded.len()).to_string()),
            ("passed", passed.to_string()),
            ("failed", (a.report.schools.len() - passed).to_string()),
            ("excluded", a.report.excluded.len().to_string()),
        ],
    );
    let schools = a
        .report
        .schools
        .iter()
        .map(|s| {
            let met = s.met.values().filter(|m| **m).count();
            let lacks: Vec<String> = s.shortfalls.iter().map(|f| xuequ_i18n::assessment::shortfall_text(&t, f)).collect();
            (
                s.code.clone(),
                s.name.clone(),
                stage(s.section),
                format!("{met}/7"),
                s.passed,
                verdict(s.passed),
                lacks.join("；"),
                s.section.code(),
                met,
            )
        })
        .collect();
    let excluded = a
        .report
        .excluded
        .iter()
        .map(|e| {
            let reason = xuequ_i18n::assessment::exclusion_text(&t, e.reason);
            t.with(
                "assess-excluded-line",
                &[("code", e.code.clone()), ("name", e.name.clone()), ("stage", stage(e.section)), ("reason", reason)],
            )
        })
        .collect();
    let advice = a
        .report
        .advice
        .iter()
        .filter(|adv| adv.cv > 1e-9)
        .map(|adv| {
            let levers = adv
                .levers
                .iter()
                .filter(|l| l.cv_if_at_mean < adv.cv - 1e-9)
                .take(3)
                .map(|l| {
                    t.with(
                        "assess-lever",
                        &[
                            ("name", l.name.clone()),
                            ("value", format!("{:.2}", l.value)),
                            ("from", format!("{:.4}", adv.cv)),
                            ("to", format!("{:.4}", l.cv_if_at_mean)),
                        ],
                    )
                })
                .collect();
            (format!("{} · {}", stage(adv.section), indicator(adv.indicator.key())), levers)
        })
        .collect();
    let query = |extra: &str| match cluster {
        Some(c) => format!("?year={}&cluster={c}{extra}", a.year),
        None => format!("?year={}{extra}", a.year),
    };
    Ok(AssessmentPage {
        chrome: Chrome::new(v, t.get("nav-assessment"), "/assessment"),
        report_href: format!("/assessment/report{}", query("")),
        year_label: school_year(a.year),
        scope_label,
        export_href: format!("/assessment.xlsx{}", query("")),
        years: a
            .years
            .iter()
            .map(|y| {
                let label = match a.complete(*y) {
                    true => school_year(*y),
                    false => t.with("assess-year-incomplete", &[("year", school_year(*y))]),
                };
                Opt { value: y.to_string(), label, selected: *y == a.year }
            })
            .collect(),
        clusters: clusters
            .iter()
            .filter(|c| c.status == xuequ_domain::Status::Active)
            .map(|c| Opt { value: c.id.to_string(), label: c.name.clone(), selected: Some(c.id) == cluster })
            .collect(),
        coverage,
        incomplete: !complete,
        missing,
        stages,
        trend_headers,
        trend,
        summary,
        school_headers: vec![
            t.get("school-code"),
            t.get("school-name"),
            t.get("teacher-section"),
            t.get("assess-met"),
            t.get("assess-verdict"),
            t.get("assess-shortfall-header"),
        ],
        schools,
        school_columns: Vec::new(),
        school_filters: Vec::new(),
        pager: ListShape { path: "/assessment", query: q, total: 0, paging: xuequ_app::Paging::new(None, None) }.pager(&t),
        excluded,
        advice,
    })
}

async fn export(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let (year, cluster) = parse_query(&q);
    let a: Assessment = assessment::assess(&app, &v, year, cluster).await?;
    Ok(file_response(workbook(&a, &v.tr()), &format!("assessment-{}.xlsx", a.year), xuequ_sheets::Format::Xlsx.content_type()))
}

/// The report as a workbook: coefficients, schools, left out, what to do next.
fn workbook(a: &xuequ_app::assessment::Assessment, tr: &Tr) -> Vec<u8> {
    use xuequ_assess::standard::SET_2017;
    use xuequ_sheets::Cell;
    let text = |s: String| Cell::Text(s);
    let stage = |s: Section| tr.code("section", s.code());
    let verdict = |ok: bool| tr.get(if ok { "assess-passed" } else { "assess-failed" });
    let indicator = |key: &str| xuequ_i18n::assessment::indicator_name(tr, key);
    let mut cv_rows = Vec::new();
    for (year, report) in &a.trend {
        let complete = a.complete(*year);
        let verdict = |ok: bool| if complete { verdict(ok) } else { tr.get("assess-no-verdict") };
        for (section, c) in &report.sections {
            for i in SET_2017 {
                let cv = c.cv[i.key()];
                cv_rows.push(vec![
                    Cell::Number(*year as f64),
                    text(stage(*section)),
                    text(indicator(i.key())),
                    Cell::Number(cv),
                    Cell::Number(c.cv_limit),
                    text(verdict(cv <= c.cv_limit + 1e-9)),
                ]);
            }
            cv_rows.push(vec![
                Cell::Number(*year as f64),
                text(stage(*section)),
                text(indicator("composite")),
                Cell::Number(c.cv["composite"]),
                Cell::Empty,
                text(verdict(c.passed)),
            ]);
        }
    }
    let mut school_headers = vec![tr.get("school-code"), tr.get("school-name"), tr.get("teacher-section")];
    school_headers.extend(SET_2017.iter().map(|i| indicator(i.key())));
    school_headers.extend([tr.get("assess-verdict"), tr.get("assess-shortfall-header")]);
    let school_rows = a
        .report
        .schools
        .iter()
        .map(|s| {
            let mut row = vec![text(s.code.clone()), text(s.name.clone()), text(stage(s.section))];
            row.extend(SET_2017.iter().map(|i| Cell::Number((s.values[i.key()] * 100.0).round() / 100.0)));
            let lacks: Vec<String> = s.shortfalls.iter().map(|f| xuequ_i18n::assessment::shortfall_text(tr, f)).collect();
            row.extend([text(verdict(s.passed)), text(lacks.join("；"))]);
            row
        })
        .collect();
    let excluded = a
        .report
        .excluded
        .iter()
        .map(|e| {
            vec![
                text(e.code.clone()),
                text(e.name.clone()),
                text(stage(e.section)),
                text(xuequ_i18n::assessment::exclusion_text(tr, e.reason)),
            ]
        })
        .collect();
    let advice = a
        .report
        .advice
        .iter()
        .flat_map(|adv| {
            adv.levers.iter().filter(|l| l.cv_if_at_mean < adv.cv - 1e-9).map(move |l| {
                vec![
                    text(stage(adv.section)),
                    text(indicator(adv.indicator.key())),
                    Cell::Number(adv.cv),
                    text(l.name.clone()),
                    Cell::Number(l.value),
                    Cell::Number(l.cv_if_at_mean),
                ]
            })
        })
        .collect();
    let h = |keys: &[&str]| keys.iter().map(|k| tr.get(k)).collect::<Vec<_>>();
    xuequ_sheets::workbook(&[
        (
            tr.get("assess-sheet-cv"),
            h(&["stats-year", "teacher-section", "assess-indicator", "assess-cv", "assess-limit", "assess-verdict"]),
            cv_rows,
        ),
        (tr.get("assess-sheet-schools"), school_headers, school_rows),
        (tr.get("assess-excluded"), h(&["school-code", "school-name", "teacher-section", "assess-reason"]), excluded),
        (
            tr.get("assess-sheet-advice"),
            h(&["teacher-section", "assess-indicator", "assess-cv", "school-name", "assess-value", "assess-cv-at-mean"]),
            advice,
        ),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(
            (super::grouped(0), super::grouped(640), super::grouped(84384), super::grouped(1234567)),
            ("0".into(), "640".into(), "84,384".into(), "1,234,567".into())
        );
    }
}
