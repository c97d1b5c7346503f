//! The bundled cluster evaluation's pages (考核评价): the rounds, a round's ranking with its
//! evaluators, a cluster's printable report (where its evaluators also score), the indicator
//! system, and value-added.

use super::*;
use crate::charts;
use xuequ_app::evaluation::{self, Round, scores};
use xuequ_app::figures;
use xuequ_domain::evaluation::RoundStatus;
use xuequ_evaluate::tree::{Indicator, Leaf, Rule, Tree};
use xuequ_sheets::Cell;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/evaluation", get(index).post(open_round))
        .route("/evaluation/rounds/{id}", get(round_page))
        .route("/evaluation/rounds/{id}/evaluators", post(assign))
        .route("/evaluation/rounds/{id}/close", get(close_ask).post(close))
        .route("/evaluation/rounds/{id}/export", get(export))
        .route("/evaluation/trees/{year}", get(tree_page).post(tree_save))
        .route("/clusters/{id}/evaluation", get(report).post(score))
        .route(
            "/clusters/{id}/evaluation/evidence",
            post(evidence_post).layer(axum::extract::DefaultBodyLimit::max(crate::LIBRARY_REQUEST)),
        )
        .route("/evaluation/evidence/{id}", get(evidence_get))
        .route("/evaluation/evidence/{id}/remove", get(evidence_remove_ask).post(evidence_remove))
        // The scores file up to the upload limit; every other form keeps the default.
        .route(
            "/value-added",
            get(value_added_page).merge(post(value_added_upload).layer(axum::extract::DefaultBodyLimit::max(crate::MAX_UPLOAD))),
        )
}

fn status_text(t: &Tr, s: RoundStatus) -> String {
    t.get(&format!("round-status-{}", s.code()))
}

fn number(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.digits$}"))
}

fn current_school_year() -> i32 {
    xuequ_app::exchange::school_year_of(xuequ_app::today())
}

// ---- the rounds ----

struct RoundRow {
    year_label: String,
    status: String,
    open: bool,
    opened: String,
    closed: String,
    href: String,
    /// The clusters the viewer evaluates in it: (name, report link).
    mine: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation/index.html")]
struct IndexPage {
    chrome: Chrome,
    rows: Vec<RoundRow>,
    /// The bureau may open a round, edit the indicator system.
    manage: bool,
    /// Years offered for a new round (those without one).
    years: Vec<Opt>,
    tree_years: Vec<Opt>,
    errors: Vec<String>,
    /// Heads and principals: their cluster's reports of closed rounds.
    reports: Vec<(String, String)>,
}

async fn index(State(app): State<App>, v: Viewer) -> PageResult {
    index_with(&app, &v, Vec::new()).await
}

async fn index_with(app: &App, v: &Viewer, errors: Vec<String>) -> PageResult {
    let t = v.tr();
    let list = evaluation::rounds(app, v).await?;
    let names: HashMap<i64, String> = xuequ_app::clusters::all(app, v).await?.into_iter().map(|c| (c.id, c.name)).collect();
    let day = |d: chrono::DateTime<chrono::Utc>| xuequ_domain::booking::to_local(d).format("%Y-%m-%d").to_string();
    let rows: Vec<RoundRow> = list
        .iter()
        .map(|r: &Round| RoundRow {
            year_label: t.with("school-year", &[("year", r.year.to_string())]),
            status: status_text(&t, r.status),
            open: r.status == RoundStatus::Open,
            opened: day(r.opened_at),
            closed: r.closed_at.map(day).unwrap_or_default(),
            // The whole ranking is the bureau's and the inspectors'.
            href: if matches!(v.role(), Role::BureauAdmin | Role::Inspector) {
                format!("/evaluation/rounds/{}", r.id)
            } else {
                String::new()
            },
            mine: r
                .mine
                .iter()
                .map(|k| (names.get(k).cloned().unwrap_or_default(), format!("/clusters/{k}/evaluation?year={}", r.year)))
                .collect(),
        })
        .collect();
    let manage = v.role() == Role::BureauAdmin;
    let now = current_school_year();
    let taken: Vec<i32> = list.iter().map(|r| r.year).collect();
    let years = (now - 3..=now + 1)
        .rev()
        .filter(|y| !taken.contains(y))
        .map(|y| Opt { value: y.to_string(), label: t.with("school-year", &[("year", y.to_string())]), selected: y == now })
        .collect();
    let tree_years = (now - 3..=now + 1)
        .rev()
        .map(|y| Opt { value: y.to_string(), label: t.with("school-year", &[("year", y.to_string())]), selected: y == now })
        .collect();
    // A head's and a principal's way to their cluster's results.
    let mut reports = Vec::new();
    if matches!(v.role(), Role::ClusterHead | Role::SchoolAdmin) {
        let mine: Vec<i64> = match (v.actor.cluster_id, v.actor.school_id) {
            (Some(k), _) => vec![k],
            (None, Some(s)) => xuequ_app::running::Clusters::load(app, v.county()).await?.of_school(s),
            _ => Vec::new(),
        };
        for r in list.iter().filter(|r| r.status == RoundStatus::Closed) {
            for k in &mine {
                let name = names.get(k).cloned().unwrap_or_default();
                reports.push((
                    t.with("evaluation-report-of", &[("year", r.year.to_string()), ("cluster", name)]),
                    format!("/clusters/{k}/evaluation?year={}", r.year),
                ));
            }
        }
    }
    Ok(IndexPage { chrome: Chrome::new(v, t.get("evaluation-title"), "/evaluation"), rows, manage, years, tree_years, errors, reports }
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OpenForm {
    year: String,
    lead_share: String,
}

async fn open_round(State(app): State<App>, v: Viewer, Posted(form): Posted<OpenForm>) -> PageResult {
    let t = v.tr();
    let year: Result<i32, _> = form.year.trim().parse();
    let share: Result<f64, _> = form.lead_share.trim().parse::<f64>().map(|p| p / 100.0);
    let result = match (year, share) {
        (Ok(y), Ok(s)) => evaluation::open_round(&app, &v, y, s).await.map(|r| r.id),
        (Err(_), _) => Err(AppError::invalid("year", Problem::NotAnInteger { value: form.year.chars().take(20).collect() })),
        (_, Err(_)) => Err(AppError::invalid("lead_share", Problem::NotANumber { value: form.lead_share.chars().take(20).collect() })),
    };
    match result {
        Ok(id) => Ok(done(&format!("/evaluation/rounds/{id}"), "round-opened")),
        Err(e) => {
            let problems = form_problems(e)?;
            index_with(&app, &v, problems.iter().map(|p| problem_line(&t, p)).collect()).await
        }
    }
}

fn problem_line(t: &Tr, p: &FieldProblem) -> String {
    if p.field == "form" { t.problem(&p.problem) } else { format!("{}：{}", t.field("evaluation", p.field), t.problem(&p.problem)) }
}

// ---- one round ----

struct RankRow {
    rank: String,
    name: String,
    href: String,
    total: String,
    partial: String,
    missing: String,
    cluster_id: i64,
    /// The evaluators, and the bureau's choice of them (account id, name, chosen).
    evaluators: String,
    choices: Vec<(i64, String, bool)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation/round.html")]
struct RoundPage {
    chrome: Chrome,
    id: i64,
    year: i32,
    status: String,
    open: bool,
    manage: bool,
    facts: String,
    rows: Vec<RankRow>,
    chart: String,
}

async fn round_page(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let t = v.tr();
    let results = evaluation::results(&app, &v, id).await?;
    let round = evaluation::rounds(&app, &v).await?.into_iter().find(|r| r.id == id).ok_or(AppError::NotFound)?;
    let manage = v.role() == Role::BureauAdmin;
    let (assigned, people) = if manage {
        let evaluators = evaluation::evaluators(&app, &v).await?;
        (evaluation::assignments(&app, &v, id).await?, evaluators)
    } else {
        (Default::default(), Vec::new())
    };
    let rows: Vec<RankRow> = results
        .clusters
        .iter()
        .map(|k| {
            let mine = assigned.get(&k.cluster_id).cloned().unwrap_or_default();
            RankRow {
                rank: k.result.rank.map_or_else(|| "—".into(), |r| r.to_string()),
                name: k.name.clone(),
                href: format!("/clusters/{}/evaluation?year={}", k.cluster_id, results.year),
                total: number(k.result.total, 1),
                partial: t.with(
                    "evaluation-partial",
                    &[("partial", format!("{:.1}", k.result.partial)), ("known", format!("{:.0}", k.result.known_weight))],
                ),
                missing: k.result.missing.join("、"),
                cluster_id: k.cluster_id,
                evaluators: mine.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join("、"),
                choices: people.iter().map(|(uid, n)| (*uid, n.clone(), mine.iter().any(|(m, _)| m == uid))).collect(),
            }
        })
        .collect();
    let bars: Vec<(&str, Option<f64>)> = results.clusters.iter().map(|k| (k.name.as_str(), k.result.total)).collect();
    Ok(RoundPage {
        chrome: Chrome::new(&v, t.with("round-title", &[("year", results.year.to_string())]), "/evaluation"),
        id,
        year: results.year,
        status: status_text(&t, round.status),
        open: round.status == RoundStatus::Open,
        manage,
        facts: t.with(
            "round-facts",
            &[
                ("share", format!("{:.0}%", round.lead_share * 100.0)),
                ("at", xuequ_domain::booking::to_local(results.computed_at).format("%Y-%m-%d %H:%M").to_string()),
            ],
        ),
        rows,
        chart: charts::score_bars(&bars),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AssignForm {
    cluster: String,
    users: Vec<String>,
}

async fn assign(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<AssignForm>) -> PageResult {
    let cluster: i64 = form.cluster.parse().map_err(|_| AppError::NotFound)?;
    let mut users = Vec::new();
    for u in form.users.iter().filter(|u| !u.is_empty()) {
        users.push(
            u.parse::<i64>().map_err(|_| AppError::invalid("evaluators", Problem::NotFound { value: u.chars().take(20).collect() }))?,
        );
    }
    evaluation::assign(&app, &v, id, cluster, &users).await?;
    Ok(saved(&format!("/evaluation/rounds/{id}")))
}

async fn close_ask(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let t = v.tr();
    if v.role() != Role::BureauAdmin {
        return Err(AppError::Forbidden.into());
    }
    let results = evaluation::results(&app, &v, id).await?;
    let incomplete = results.clusters.iter().filter(|k| k.result.total.is_none()).count();
    let mut lines = vec![t.with("round-close-line", &[("year", results.year.to_string()), ("count", results.clusters.len().to_string())])];
    if incomplete > 0 {
        lines.push(t.with("round-close-incomplete", &[("count", incomplete.to_string())]));
    }
    lines.push(t.get("round-close-frozen"));
    Ok(ConfirmPage {
        chrome: Chrome::new(&v, t.get("round-close"), "/evaluation"),
        lines,
        action: format!("/evaluation/rounds/{id}/close"),
        date: None,
        reason: None,
        keep: Vec::new(),
        button: t.get("round-close"),
        cancel: format!("/evaluation/rounds/{id}"),
    }
    .into_response())
}

async fn close(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<Confirm>) -> PageResult {
    if !form.confirmed() {
        return Ok(ask_first(&format!("/evaluation/rounds/{id}/close")));
    }
    evaluation::close(&app, &v, id).await?;
    Ok(done(&format!("/evaluation/rounds/{id}"), "round-closed"))
}

/// Every cluster's result in one workbook, for the principals' annual assessment: the ranking
/// with each top-level indicator's score, then each school's result.
async fn export(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let t = v.tr();
    let results = evaluation::results(&app, &v, id).await?;
    let top: Vec<&Indicator> = results.tree.indicators.iter().collect();
    let mut headers: Vec<String> = ["evaluation-rank", "evaluation-cluster", "evaluation-total"].iter().map(|k| t.get(k)).collect();
    headers.extend(top.iter().map(|i| format!("{} {}（{}%）", i.code, name_of(&t, i), i.weight)));
    headers.push(t.get("evaluation-missing"));
    let opt = |v: Option<f64>| v.map_or(Cell::Empty, |v| Cell::Number((v * 10.0).round() / 10.0));
    let rows: Vec<Vec<Cell>> = results
        .clusters
        .iter()
        .map(|k| {
            let mut row =
                vec![k.result.rank.map_or(Cell::Empty, |r| Cell::Number(r as f64)), Cell::Text(k.name.clone()), opt(k.result.total)];
            row.extend(top.iter().map(|i| opt(k.result.nodes.get(&i.code).and_then(|n| n.score))));
            row.push(Cell::Text(k.result.missing.join("、")));
            row
        })
        .collect();
    let school_headers: Vec<String> =
        ["evaluation-cluster", "evaluation-school", "evaluation-lead", "evaluation-own", "evaluation-school-total"]
            .iter()
            .map(|k| t.get(k))
            .collect();
    let schools: Vec<Vec<Cell>> = results
        .clusters
        .iter()
        .flat_map(|k| {
            k.schools.iter().map(|s| {
                vec![
                    Cell::Text(k.name.clone()),
                    Cell::Text(s.name.clone()),
                    Cell::Text(if s.lead { t.get("evaluation-lead") } else { String::new() }),
                    opt(s.own),
                    opt(s.total),
                ]
            })
        })
        .collect();
    let bytes = xuequ_sheets::workbook(&[
        (t.with("evaluation-sheet-clusters", &[("year", results.year.to_string())]), headers, rows),
        (t.get("evaluation-sheet-schools"), school_headers, schools),
    ]);
    Ok(crate::download::file_response(bytes, &format!("evaluation-{}.xlsx", results.year), xuequ_sheets::Format::Xlsx.content_type()))
}

fn name_of(t: &Tr, i: &Indicator) -> String {
    let (first, second) = if t.lang == crate::i18n::Lang::Zh { (&i.name_zh, &i.name_en) } else { (&i.name_en, &i.name_zh) };
    if first.trim().is_empty() { second.clone() } else { first.clone() }
}

// ---- a cluster's report ----

struct NodeRow {
    code: String,
    name: String,
    depth: usize,
    weight: String,
    /// The figure's name and value, for a computed leaf.
    figure: String,
    value: String,
    score: String,
    missing: bool,
    /// A leaf evaluators score: its current score and comment for the form.
    scored: bool,
    given: String,
    comment: String,
    /// The page behind the figure.
    href: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation/report.html")]
struct ReportPage {
    chrome: Chrome,
    cluster_id: i64,
    round_id: i64,
    year: i32,
    status: String,
    total: String,
    rank: String,
    last_year: String,
    partial: String,
    nodes: Vec<NodeRow>,
    schools: Vec<(String, bool, String, String)>,
    comments: Vec<(String, String, String, String)>,
    evidence: Vec<EvidenceRow>,
    may_score: bool,
    schools_hint: String,
    /// A chart per grade and subject: (title, svg).
    value_added: Vec<(String, String)>,
    years: Vec<Opt>,
    errors: Vec<String>,
}

/// An evidence file as the report lists it.
struct EvidenceRow {
    id: i64,
    code: String,
    name: String,
    size: String,
    by: String,
    at: String,
    /// The one who attached it (or the bureau) may remove it while the round is open.
    removable: bool,
}

/// The page a figure comes from, for a scope: where a person checks it against the records.
pub(crate) fn figure_href(f: &figures::Figure, scope: figures::Scope, year: i32) -> String {
    use figures::Scope as Sc;
    use figures::Source as S;
    let cluster = match scope {
        Sc::Cluster(k) => Some(k),
        _ => None,
    };
    let with = |path: &str| match cluster {
        Some(k) => format!("{path}?cluster={k}"),
        None => path.to_string(),
    };
    match f.source {
        S::Clusters => match scope {
            Sc::County => "/clusters".into(),
            Sc::Cluster(k) => format!("/clusters/{k}"),
            Sc::School(s) => format!("/schools/{s}"),
        },
        S::Assessment => with("/assessment"),
        S::Bookings => with("/bookings/usage"),
        S::Library => "/library/figures".into(),
        S::Exchange => match cluster {
            Some(k) => format!("/exchange?cluster={k}&year={year}"),
            None => format!("/exchange?year={year}"),
        },
        S::Activities => with("/activities"),
        S::Training => "/hours".into(),
        S::Plans => with("/running/plans"),
        S::Budgets => "/running/budgets".into(),
        S::ValueAdded => format!("/value-added?year={year}"),
    }
}

/// The stretch of time a figure covers, as a tile says it.
pub(crate) fn period_text(t: &Tr, f: &figures::Figure, year: i32) -> String {
    let code = match f.period {
        figures::Period::SchoolYear => "school_year",
        figures::Period::CalendarYear => "calendar_year",
        figures::Period::LatestStatistics => "latest_statistics",
        figures::Period::Now => "now",
    };
    t.with(&format!("period-{code}"), &[("year", year.to_string())])
}

/// A figure's value as its unit reads.
pub fn figure_value(f: &figures::Figure, v: Option<f64>) -> String {
    use figures::Unit as U;
    match (f.unit, v) {
        (_, None) => "—".to_string(),
        (U::Percent, Some(v)) => format!("{v:.1}%"),
        (U::Hours, Some(v)) => format!("{v:.1}"),
        (U::Coefficient, Some(v)) => format!("{v:.3}"),
        (U::Count, Some(v)) => format!("{v:.0}"),
    }
}

async fn report(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> PageResult {
    report_with(&app, &v, id, q.get("year").and_then(|y| y.parse().ok()), Vec::new()).await
}

async fn report_with(app: &App, v: &Viewer, id: i64, year: Option<i32>, errors: Vec<String>) -> PageResult {
    let t = v.tr();
    let e = evaluation::of_cluster(app, v, id, year).await?;
    let k = &e.cluster;
    let given: HashMap<&str, &evaluation::Comment> = k.comments.iter().map(|c| (c.code.as_str(), c)).collect();
    let mut nodes = Vec::new();
    fn walk<'a>(list: &'a [Indicator], depth: usize, out: &mut Vec<(&'a Indicator, usize)>) {
        for i in list {
            out.push((i, depth));
            walk(&i.children, depth + 1, out);
        }
    }
    let mut flat = Vec::new();
    walk(&e.tree.indicators, 0, &mut flat);
    for (i, depth) in flat {
        let node = k.result.nodes.get(&i.code);
        let leaf = i.leaf();
        let figure = i.figure.as_deref().and_then(figures::find);
        let scored = leaf == Some(Leaf::Scored);
        nodes.push(NodeRow {
            code: i.code.clone(),
            name: name_of(&t, i),
            depth,
            weight: format!("{}", i.weight),
            figure: figure.map(|f| t.get(&figures::message_id(f.key))).unwrap_or_default(),
            value: match figure {
                Some(f) => figure_value(f, node.and_then(|n| n.raw)),
                None => String::new(),
            },
            score: number(node.and_then(|n| n.score), 1),
            missing: leaf.is_some() && node.and_then(|n| n.score).is_none(),
            scored,
            given: given.get(i.code.as_str()).map(|c| format!("{}", c.score)).unwrap_or_default(),
            comment: given.get(i.code.as_str()).map(|c| c.comment.clone()).unwrap_or_default(),
            href: figure.map(|f| figure_href(f, figures::Scope::Cluster(id), e.round.year)),
        });
    }
    let schools = k.schools.iter().map(|s| (s.name.clone(), s.lead, number(s.own, 1), number(s.total, 1))).collect();
    let people = directory::people(app, v).await?;
    let comments = k
        .comments
        .iter()
        .filter(|c| !c.comment.is_empty())
        .map(|c| (c.code.clone(), format!("{}", c.score), c.comment.clone(), people.name(&c.by)))
        .collect::<Vec<_>>();
    // Value-added of the cluster's schools as the round saw it: a chart per grade and subject.
    let mut value_added: Vec<(String, String)> = Vec::new();
    let mut groups: Vec<(&str, &str)> = k.value_added.iter().map(|r| (r.grade.as_str(), r.subject.as_str())).collect();
    groups.dedup();
    groups.sort();
    groups.dedup();
    for (grade, subject) in groups {
        let rows: Vec<(&str, f64, f64, f64, i8)> = k
            .value_added
            .iter()
            .filter(|r| r.grade == grade && r.subject == subject)
            .map(|r| (r.school.as_str(), r.shrunk, r.lo, r.hi, r.mark))
            .collect();
        value_added.push((format!("{grade} · {subject}"), charts::intervals(&rows)));
    }
    let open = e.round.status == RoundStatus::Open;
    let evidence = e
        .evidence
        .iter()
        .map(|f| EvidenceRow {
            id: f.id,
            code: f.code.clone(),
            name: f.name.clone(),
            size: crate::download::size_text(f.size),
            by: people.name(&f.uploaded_by),
            at: xuequ_domain::booking::to_local(f.created_at).format("%Y-%m-%d %H:%M").to_string(),
            removable: open && (v.role() == Role::BureauAdmin || f.user_id == v.actor.user_id),
        })
        .collect();
    let rounds = evaluation::rounds(app, v).await?;
    let years = rounds
        .iter()
        .map(|r| Opt {
            value: r.year.to_string(),
            label: t.with("school-year", &[("year", r.year.to_string())]),
            selected: r.year == e.round.year,
        })
        .collect();
    Ok(ReportPage {
        chrome: Chrome::new(
            v,
            t.with("eval-report-title", &[("cluster", k.name.clone()), ("year", e.round.year.to_string())]),
            "/evaluation",
        ),
        cluster_id: id,
        round_id: e.round.id,
        year: e.round.year,
        status: status_text(&t, e.round.status),
        total: number(k.result.total, 1),
        rank: match k.result.rank {
            Some(r) => t.with("report-rank", &[("rank", r.to_string()), ("of", e.ranked.to_string())]),
            None => "—".into(),
        },
        last_year: number(e.last_year, 1),
        partial: t.with(
            "evaluation-partial",
            &[("partial", format!("{:.1}", k.result.partial)), ("known", format!("{:.0}", k.result.known_weight))],
        ),
        nodes,
        schools,
        comments,
        evidence,
        may_score: e.may_score,
        schools_hint: t.with("report-schools-hint", &[("share", format!("{:.0}%", e.round.lead_share * 100.0))]),
        value_added,
        years,
        errors,
    }
    .into_response())
}

async fn score(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<Values>) -> PageResult {
    let t = v.tr();
    let round: i64 = form.get("round").and_then(|r| r.parse().ok()).ok_or(AppError::NotFound)?;
    let year: Option<i32> = form.get("year").and_then(|y| y.parse().ok());
    let mut input = Vec::new();
    let mut problems = Vec::new();
    let mut codes: Vec<&String> = form.keys().filter(|k| k.starts_with("score_")).collect();
    codes.sort();
    for key in codes {
        let code = &key["score_".len()..];
        let text = form[key].trim();
        if text.is_empty() {
            continue;
        }
        match text.parse::<f64>() {
            Ok(score) => input.push(evaluation::ScoreInput {
                code: code.to_string(),
                score,
                comment: form.get(&format!("comment_{code}")).cloned().unwrap_or_default(),
            }),
            Err(_) => problems.push(format!("{code}：{}", t.problem(&Problem::NotANumber { value: text.chars().take(20).collect() }))),
        }
    }
    if problems.is_empty() {
        match evaluation::score(&app, &v, round, id, &input).await {
            Ok(()) => return Ok(saved(&format!("/clusters/{id}/evaluation?year={}", year.unwrap_or_default()))),
            Err(e) => problems.extend(form_problems(e)?.iter().map(|p| problem_line(&t, p))),
        }
    }
    report_with(&app, &v, id, year, problems).await
}

// ---- evidence ----

/// Evidence files posted from the report's form: the leaf, the files; back to the report with
/// the problems named when they are refused.
async fn evidence_post(State(app): State<App>, v: Viewer, Path(id): Path<i64>, form: axum::extract::Multipart) -> PageResult {
    let t = v.tr();
    let form = posted_upload(&app, &v, form).await?;
    let round: i64 = form.fields.get("round").and_then(|r| r.parse().ok()).ok_or(AppError::NotFound)?;
    let year: Option<i32> = form.fields.get("year").and_then(|y| y.parse().ok());
    let code = form.fields.get("code").map(|c| c.trim().to_string()).unwrap_or_default();
    match evaluation::evidence::attach(&app, &v, round, id, &code, form.files).await {
        Ok(_) => Ok(done(&format!("/clusters/{id}/evaluation?year={}#evidence", year.unwrap_or_default()), "evidence-added")),
        Err(e) => {
            let problems = form_problems(e)?.iter().map(|p| problem_line(&t, p)).collect();
            report_with(&app, &v, id, year, problems).await
        }
    }
}

async fn evidence_get(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let (f, bytes) = evaluation::evidence::file(&app, &v, id).await?;
    let inline = f.family == "image" || f.family == "pdf";
    Ok(crate::download::stored_file(bytes, &f.name, &f.mime, inline))
}

/// Asks before an evidence file is removed, naming it and its indicator.
async fn evidence_remove_ask(State(app): State<App>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    let t = v.tr();
    let (f, year) = evaluation::evidence::removable(&app, &v, id).await?;
    let back = format!("/clusters/{}/evaluation?year={year}#evidence", f.cluster_id);
    Ok(ConfirmPage {
        chrome: Chrome::new(&v, t.get("evidence-remove-title"), "/evaluation"),
        lines: vec![t.with("evidence-remove-line", &[("name", f.name.clone()), ("code", f.code.clone())])],
        action: format!("/evaluation/evidence/{id}/remove"),
        date: None,
        reason: None,
        keep: Vec::new(),
        button: t.get("evidence-remove"),
        cancel: back,
    }
    .into_response())
}

async fn evidence_remove(State(app): State<App>, v: Viewer, Path(id): Path<i64>, Posted(form): Posted<Confirm>) -> PageResult {
    if !form.confirmed() {
        return Ok(ask_first(&format!("/evaluation/evidence/{id}/remove")));
    }
    let (f, year) = evaluation::evidence::remove(&app, &v, id).await?;
    Ok(done(&format!("/clusters/{}/evaluation?year={year}#evidence", f.cluster_id), "evidence-removed"))
}

// ---- the indicator system ----

#[derive(Debug)]
struct TreeRow {
    code: String,
    name_zh: String,
    name_en: String,
    weight: String,
    figure: String,
    rule: String,
    a: String,
    b: String,
    lower: bool,
    depth: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation/tree.html")]
struct TreePage {
    chrome: Chrome,
    year: i32,
    source: String,
    rows: Vec<TreeRow>,
    figures: Vec<(String, String)>,
    /// `(code, label)` of each rule kind; `""` for none.
    rules: Vec<(String, String)>,
    manage: bool,
    errors: Vec<String>,
    years: Vec<Opt>,
}

fn tree_rows(t: &Tree) -> Vec<TreeRow> {
    let mut out = Vec::new();
    fn walk(list: &[Indicator], depth: usize, out: &mut Vec<TreeRow>) {
        for i in list {
            let (rule, a, b, lower) = match i.rule {
                Some(Rule::Target { target, lower_is_better }) => ("target", target.to_string(), String::new(), lower_is_better),
                Some(Rule::Linear { zero, full }) => ("linear", zero.to_string(), full.to_string(), false),
                Some(Rule::Rank { lower_is_better }) => ("rank", String::new(), String::new(), lower_is_better),
                None => ("", String::new(), String::new(), false),
            };
            out.push(TreeRow {
                code: i.code.clone(),
                name_zh: i.name_zh.clone(),
                name_en: i.name_en.clone(),
                weight: i.weight.to_string(),
                figure: i.figure.clone().unwrap_or_default(),
                rule: rule.into(),
                a,
                b,
                lower,
                depth,
            });
            walk(&i.children, depth + 1, out);
        }
    }
    walk(&t.indicators, 0, &mut out);
    out
}

async fn tree_page(State(app): State<App>, v: Viewer, Path(year): Path<i32>) -> PageResult {
    let kept = evaluation::tree(&app, &v, year).await?;
    tree_with(&v, year, kept.source, tree_rows(&kept.tree), Vec::new())
}

fn tree_with(v: &Viewer, year: i32, source: evaluation::TreeSource, mut rows: Vec<TreeRow>, errors: Vec<String>) -> PageResult {
    let t = v.tr();
    let manage = v.role() == Role::BureauAdmin;
    if manage {
        // Room for new indicators.
        for _ in 0..4 {
            rows.push(TreeRow {
                code: String::new(),
                name_zh: String::new(),
                name_en: String::new(),
                weight: String::new(),
                figure: String::new(),
                rule: String::new(),
                a: String::new(),
                b: String::new(),
                lower: false,
                depth: 0,
            });
        }
    }
    let source = match source {
        evaluation::TreeSource::Kept => t.get("tree-source-kept"),
        evaluation::TreeSource::CopiedFrom(y) => t.with("tree-source-copied", &[("year", y.to_string())]),
        evaluation::TreeSource::Default => t.get("tree-source-default"),
    };
    let now = current_school_year();
    Ok(TreePage {
        chrome: Chrome::new(v, t.with("tree-title", &[("year", year.to_string())]), "/evaluation"),
        year,
        source,
        rows,
        figures: figures::all().map(|f| (f.key.to_string(), t.get(&figures::message_id(f.key)))).collect(),
        rules: [("", "none"), ("target", "target"), ("linear", "linear"), ("rank", "rank")]
            .iter()
            .map(|(code, key)| (code.to_string(), t.get(&format!("tree-rule-{key}"))))
            .collect(),
        manage,
        errors,
        years: (now - 3..=now + 1)
            .rev()
            .map(|y| Opt { value: y.to_string(), label: t.with("school-year", &[("year", y.to_string())]), selected: y == year })
            .collect(),
    }
    .into_response())
}

/// Rows the indicator form takes at most (a county's system has a few dozen).
const MAX_ROWS: usize = 200;

/// The tree as the form posts it: rows `code[]`, `name_zh[]`, … in order, `lower[]` naming the
/// rows (by their place) that are better lower; a row's parent is the code before its last dot
/// (`2.1` is under `2`). Empty rows are left out; a code used twice, a parent missing, a rule
/// without a figure or a number that does not read is named.
/// What the indicator form gave: the tree and its rows as typed, or the problems and the rows.
type ParsedTree = Result<(Tree, Vec<TreeRow>), (Vec<String>, Vec<TreeRow>)>;

fn tree_of(t: &Tr, form: &HashMap<String, Vec<String>>) -> ParsedTree {
    let col = |name: &str| form.get(name).cloned().unwrap_or_default();
    let (codes, zh, en, weights, figs, rules, a_s, b_s) =
        (col("code"), col("name_zh"), col("name_en"), col("weight"), col("figure"), col("rule"), col("a"), col("b"));
    let lowers: std::collections::HashSet<String> = col("lower").into_iter().collect();
    let at = |list: &Vec<String>, i: usize| list.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut rows = Vec::new();
    let mut flat: Vec<Indicator> = Vec::new();
    let mut errors = Vec::new();
    let bad = |code: &str, what: &str| t.problem(&Problem::BadIndicator { indicator: code.to_string(), what: what.to_string() });
    for i in 0..codes.len().min(MAX_ROWS) {
        let code = at(&codes, i);
        if code.is_empty() && at(&zh, i).is_empty() && at(&weights, i).is_empty() {
            continue;
        }
        let mut num = |text: &str, field: &str| -> f64 {
            text.parse::<f64>().ok().filter(|v| v.is_finite()).unwrap_or_else(|| {
                errors.push(format!(
                    "{code} {}：{}",
                    t.get(field),
                    t.problem(&Problem::NotANumber { value: text.chars().take(20).collect() })
                ));
                f64::NAN
            })
        };
        let lower = lowers.contains(&i.to_string());
        let weight_text = at(&weights, i);
        let weight = num(&weight_text, "tree-weight");
        let figure = Some(at(&figs, i)).filter(|f| !f.is_empty());
        let rule_kind = at(&rules, i);
        let (a, b) = (at(&a_s, i), at(&b_s, i));
        let rule = match (figure.is_some(), rule_kind.as_str()) {
            (false, "") => None,
            (true, "target") => Some(Rule::Target { target: num(&a, "tree-a"), lower_is_better: lower }),
            (true, "linear") => Some(Rule::Linear { zero: num(&a, "tree-a"), full: num(&b, "tree-b") }),
            (true, "rank") => Some(Rule::Rank { lower_is_better: lower }),
            // A figure without a rule, a rule without a figure, or a rule we do not know.
            _ => {
                errors.push(bad(&code, "rule_without_figure"));
                None
            }
        };
        rows.push(TreeRow {
            code: code.clone(),
            name_zh: at(&zh, i),
            name_en: at(&en, i),
            weight: weight_text,
            figure: figure.clone().unwrap_or_default(),
            rule: rule_kind,
            a,
            b,
            lower,
            depth: code.matches('.').count(),
        });
        flat.push(Indicator { code: code.clone(), name_zh: at(&zh, i), name_en: at(&en, i), weight, figure, rule, children: Vec::new() });
    }
    if codes.len() > MAX_ROWS {
        errors.push(t.problem(&Problem::TooManyRows { max: MAX_ROWS }));
    }
    let mut seen = std::collections::HashSet::new();
    for i in &flat {
        if !seen.insert(i.code.as_str()) {
            errors.push(bad(&i.code, "duplicate"));
        }
    }
    for i in &flat {
        if let Some((parent, _)) = i.code.rsplit_once('.')
            && !seen.contains(parent)
        {
            errors.push(format!("{}：{}", bad(&i.code, "parent"), parent));
        }
    }
    if errors.is_empty() { Ok((nest(flat), rows)) } else { Err((errors, rows)) }
}

/// Builds the tree from rows whose codes say their parents (`2.1` goes under `2`), keeping the
/// rows' order. Every parent is there and every code is unique (see [`tree_of`]).
fn nest(flat: Vec<Indicator>) -> Tree {
    let order: HashMap<String, usize> = flat.iter().enumerate().map(|(i, x)| (x.code.clone(), i)).collect();
    let mut by_code: HashMap<String, Indicator> = flat.into_iter().map(|i| (i.code.clone(), i)).collect();
    // Deepest first, so that children are complete when moved under their parent.
    let mut deep: Vec<String> = by_code.keys().cloned().collect();
    deep.sort_by_key(|c| (std::cmp::Reverse(c.matches('.').count()), order[c]));
    for code in deep {
        if let Some((p, _)) = code.rsplit_once('.')
            && by_code.contains_key(p)
            && let Some(child) = by_code.remove(&code)
            && let Some(parent) = by_code.get_mut(p)
        {
            parent.children.push(child);
        }
    }
    fn reorder(list: &mut [Indicator], order: &HashMap<String, usize>) {
        list.sort_by_key(|i| order.get(&i.code).copied().unwrap_or(usize::MAX));
        for i in list {
            reorder(&mut i.children, order);
        }
    }
    let mut top: Vec<Indicator> = by_code.into_values().collect();
    reorder(&mut top, &order);
    Tree { indicators: top }
}

async fn tree_save(State(app): State<App>, v: Viewer, Path(year): Path<i32>, Posted(form): Posted<Vec<(String, String)>>) -> PageResult {
    // Only the bureau keeps the system: nobody else's post is even read.
    if v.role() != Role::BureauAdmin {
        return Err(AppError::Forbidden.into());
    }
    let t = v.tr();
    let mut columns: HashMap<String, Vec<String>> = HashMap::new();
    for (k, value) in form {
        columns.entry(k).or_default().push(value);
    }
    let (tree, rows) = match tree_of(&t, &columns) {
        Ok(parsed) => parsed,
        Err((errors, rows)) => return tree_with(&v, year, evaluation::TreeSource::Kept, rows, errors),
    };
    match evaluation::save_tree(&app, &v, year, &tree).await {
        Ok(()) => Ok(saved(&format!("/evaluation/trees/{year}"))),
        Err(e) => {
            let problems = form_problems(e)?;
            tree_with(&v, year, evaluation::TreeSource::Kept, rows, problems.iter().map(|p| t.problem(&p.problem)).collect())
        }
    }
}

// ---- value-added ----

struct GroupRow {
    title: String,
    fit: String,
    chart: String,
    schools: Vec<(String, String, String, String, String, i8)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation/value_added.html")]
struct ValueAddedPage {
    chrome: Chrome,
    year: i32,
    years: Vec<Opt>,
    subjects: Vec<Opt>,
    groups: Vec<GroupRow>,
    manage: bool,
    errors: Vec<String>,
    imported: Option<String>,
}

async fn value_added_page(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let year = q.get("year").and_then(|y| y.parse().ok());
    let subject = q.get("subject").cloned().filter(|s| !s.is_empty());
    let imported = q.get("rows").cloned();
    value_added_with(&app, &v, year, subject, Vec::new(), imported).await
}

async fn value_added_with(
    app: &App,
    v: &Viewer,
    year: Option<i32>,
    subject: Option<String>,
    errors: Vec<String>,
    imported: Option<String>,
) -> PageResult {
    let t = v.tr();
    let with_scores = scores::years(app, v).await?;
    let year = year.or(with_scores.first().copied()).unwrap_or_else(current_school_year);
    let all = scores::of_year(app, v, year, None).await?;
    let mut subjects: Vec<String> = all.iter().map(|g| g.subject.clone()).collect();
    subjects.sort();
    subjects.dedup();
    let groups = all
        .iter()
        .filter(|g| subject.as_ref().is_none_or(|s| &g.subject == s))
        .map(|g| {
            let rows: Vec<(&str, f64, f64, f64, i8)> = g.schools.iter().map(|s| (s.name.as_str(), s.shrunk, s.lo, s.hi, s.mark)).collect();
            GroupRow {
                title: format!("{} · {}", g.grade, g.subject),
                fit: t.with(
                    "value-added-fit",
                    &[
                        ("students", g.students.to_string()),
                        ("b", format!("{:.3}", g.b)),
                        ("sigma2", format!("{:.3}", g.sigma2)),
                        ("tau2", format!("{:.4}", g.tau2)),
                    ],
                ),
                chart: if rows.is_empty() { String::new() } else { charts::intervals(&rows) },
                schools: g
                    .schools
                    .iter()
                    .map(|s| {
                        (
                            s.name.clone(),
                            s.n.to_string(),
                            format!("{:+.3}", s.raw),
                            format!("{:+.3}", s.shrunk),
                            format!("{:+.3} ~ {:+.3}", s.lo, s.hi),
                            s.mark,
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let mut years: Vec<i32> = with_scores.clone();
    if !years.contains(&year) {
        years.push(year);
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    Ok(ValueAddedPage {
        chrome: Chrome::new(v, t.get("value-added-title"), "/evaluation"),
        year,
        years: years
            .iter()
            .map(|y| Opt { value: y.to_string(), label: t.with("school-year", &[("year", y.to_string())]), selected: *y == year })
            .collect(),
        subjects: std::iter::once(Opt { value: String::new(), label: t.get("value-added-all-subjects"), selected: subject.is_none() })
            .chain(subjects.iter().map(|s| Opt { value: s.clone(), label: s.clone(), selected: subject.as_ref() == Some(s) }))
            .collect(),
        groups,
        manage: v.role() == Role::BureauAdmin,
        errors,
        imported: imported.map(|n| t.with("value-added-imported", &[("count", n)])),
    }
    .into_response())
}

async fn value_added_upload(State(app): State<App>, v: Viewer, mut form: Multipart) -> PageResult {
    let t = v.tr();
    let (mut csrf, mut year, mut file) = (String::new(), String::new(), None);
    while let Some(field) = form.next_field().await.map_err(crate::download::upload_error)? {
        match field.name().unwrap_or("") {
            super::form::CSRF_FIELD => csrf = field.text().await.unwrap_or_default(),
            "year" => year = field.text().await.unwrap_or_default(),
            "file" => {
                let name = field.file_name().unwrap_or("scores.xlsx").to_string();
                let bytes = field.bytes().await.map_err(crate::download::upload_error)?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    super::form::upload_token(&v, &csrf)?;
    let parsed: Option<i32> = year.trim().parse().ok();
    let result = match (&file, parsed) {
        (None, _) => Err(AppError::invalid("file", Problem::Required)),
        (_, None) => Err(AppError::invalid("year", Problem::NotAnInteger { value: year.chars().take(20).collect() })),
        (Some((name, bytes)), Some(y)) => scores::import(&app, &v, y, bytes, name).await,
    };
    match result {
        Ok(rows) => {
            Ok(axum::response::Redirect::to(&format!("/value-added?year={}&rows={rows}", parsed.unwrap_or_default())).into_response())
        }
        Err(AppError::Import(problems)) => {
            let name = file.as_ref().map(|f| f.0.clone()).unwrap_or_default();
            let mut lines: Vec<String> = vec![t.with("error-import-invalid", &[("count", problems.len().to_string())])];
            lines.extend(problems.iter().take(50).map(|p| {
                let place = t.with(
                    "import-place",
                    &[("file", name.clone()), ("sheet", p.sheet.clone()), ("row", p.row.to_string()), ("column", p.column.clone())],
                );
                format!("{place}：{}", t.problem(&p.problem))
            }));
            let mut page = value_added_with(&app, &v, parsed, None, lines, None).await?;
            *page.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(page)
        }
        Err(e) => {
            let problems = form_problems(e)?;
            value_added_with(&app, &v, parsed, None, problems.iter().map(|p| problem_line(&t, p)).collect(), None).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(rows: &[(&str, &str)]) -> HashMap<String, Vec<String>> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for (code, weight) in rows {
            for (k, v) in [
                ("code", *code),
                ("name_zh", *code),
                ("name_en", ""),
                ("weight", *weight),
                ("figure", ""),
                ("rule", ""),
                ("a", ""),
                ("b", ""),
            ] {
                out.entry(k.to_string()).or_default().push(v.to_string());
            }
        }
        out
    }

    #[test]
    fn rows_nest_by_their_codes_in_their_order() {
        let t = Tr::new(crate::i18n::Lang::Zh);
        let (tree, _) =
            tree_of(&t, &form(&[("1", "60"), ("1.1", "50"), ("1.2", "50"), ("2", "40"), ("2.1", "100"), ("1.2.1", "100")])).unwrap();
        assert_eq!(tree.indicators.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(tree.indicators[0].children.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(), ["1.1", "1.2"]);
        assert_eq!(tree.indicators[0].children[1].children[0].code, "1.2.1");
        assert_eq!(tree.validate(|_| true), Ok(()));
    }

    #[test]
    fn duplicates_orphans_and_bad_numbers_are_named_not_dropped() {
        let t = Tr::new(crate::i18n::Lang::Zh);
        let (errors, rows) = tree_of(&t, &form(&[("1", "50"), ("1", "50")])).unwrap_err();
        assert_eq!(rows.len(), 2, "the rows come back as typed");
        assert!(errors.iter().any(|e| e.contains("编号重复")), "{errors:?}");
        let (errors, _) = tree_of(&t, &form(&[("1", "100"), ("3.1", "100")])).unwrap_err();
        assert!(errors.iter().any(|e| e.contains("3.1") && e.contains('3')), "{errors:?}");
        let (errors, _) = tree_of(&t, &form(&[("1", "abc")])).unwrap_err();
        assert!(errors.iter().any(|e| e.contains("abc")), "{errors:?}");
        let many: Vec<(String, String)> = (0..300).map(|i| (format!("x{i}"), "1".to_string())).collect();
        let rows: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let (errors, rows) = tree_of(&t, &form(&rows)).unwrap_err();
        assert!(rows.len() <= MAX_ROWS && errors.iter().any(|e| e.contains("200")), "{errors:?}");
    }
}
