//! Students' scores and value-added (增值评价) in the platform: the bureau imports a year's
//! scores (all or nothing, every problem named by row and column); the model runs over the
//! whole county (each grade and subject is one regression) and each school's value-added is
//! read by those who lead it. The students' own rows are read only by the bureau and by the
//! students' school.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use xuequ_domain::Problem;
use xuequ_domain::access::evaluation as policy;
use xuequ_domain::evaluation::{Scope, StudentScore};
use xuequ_evaluate::value_added::{Group, value_added};
use xuequ_sheets::{CellProblem, SheetRecord};
use xuequ_store::evaluation::NewStudentScore;

use crate::figures::{self, Period, ScopeKind, Source, Unit};
use crate::{App, AppError, Caller, Result};

/// Imports the scores of `year` from a CSV or XLSX file, replacing the year's scores: the
/// bureau only. A school code the county does not have is named by row and column.
pub async fn import(app: &App, c: &Caller, year: i32, bytes: &[u8], file_name: &str) -> Result<usize> {
    if !policy::may_manage(&c.actor) {
        return Err(AppError::Forbidden);
    }
    crate::running::check_year("year", year)?;
    let county = c.county();
    let table = xuequ_sheets::read_table(bytes, file_name).map_err(|p| AppError::Import(vec![p]))?;
    // Every problem at once: those of the file, and the school codes the county does not have.
    let (scores, mut problems) = xuequ_sheets::read_score_rows(&table);
    let codes: HashMap<String, i64> = app.store.all_schools(county).await?.into_iter().map(|s| (s.code, s.id)).collect();
    let mut rows = Vec::with_capacity(scores.len());
    for (row, s) in scores {
        match codes.get(&s.school) {
            Some(id) => rows.push(NewStudentScore {
                school_id: *id,
                student: s.student,
                grade: s.grade,
                subject: s.subject,
                entry: s.entry,
                exit: s.exit,
            }),
            None => problems.push(CellProblem {
                sheet: table.sheet.clone(),
                row,
                column: table.column_label(StudentScore::COLUMNS, "school"),
                problem: Problem::UnknownSchool { value: s.school.clone() },
            }),
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Err(AppError::Import(problems));
    }
    Ok(app.store.replace_student_scores(&c.ctx(), year, &rows).await?)
}

/// One school's value-added in one grade and subject.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolValue {
    pub school_id: i64,
    pub code: String,
    pub name: String,
    pub n: usize,
    pub raw: f64,
    pub shrunk: f64,
    pub lo: f64,
    pub hi: f64,
    /// +1 above zero beyond doubt, −1 below, 0 neither.
    pub mark: i8,
}

/// One grade and subject over the county, with the schools the caller may see.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub grade: String,
    pub subject: String,
    pub students: usize,
    pub a: f64,
    pub b: f64,
    pub sigma2: f64,
    pub tau2: f64,
    pub schools: Vec<SchoolValue>,
}

/// Value-added of `year` (optionally one subject), with the schools the caller leads: the
/// bureau and inspectors every school, a head their cluster's, a principal their own.
pub async fn of_year(app: &App, c: &Caller, year: i32, subject: Option<&str>) -> Result<Vec<GroupView>> {
    if c.actor.role == xuequ_domain::Role::Teacher {
        return Err(AppError::Forbidden);
    }
    crate::running::check_year("year", year)?;
    let county = c.county();
    let schools = app.store.all_schools(county).await?;
    let groups = model(app, county, year).await?;
    let by_code: HashMap<&str, (i64, &str)> = schools.iter().map(|s| (s.code.as_str(), (s.id, s.name.as_str()))).collect();
    Ok(groups
        .values()
        .filter(|g| subject.is_none_or(|s| g.subject == s))
        .map(|g| GroupView {
            grade: g.grade.clone(),
            subject: g.subject.clone(),
            students: g.students,
            a: g.a,
            b: g.b,
            sigma2: g.sigma2,
            tau2: g.tau2,
            schools: g
                .schools
                .iter()
                .filter_map(|(code, v)| {
                    let (id, name) = by_code.get(code.as_str()).copied()?;
                    policy::may_read_figures(&c.actor, Scope::School(id)).then(|| SchoolValue {
                        school_id: id,
                        code: code.clone(),
                        name: name.to_string(),
                        n: v.n,
                        raw: v.raw,
                        shrunk: v.shrunk,
                        lo: v.lo,
                        hi: v.hi,
                        mark: v.mark(),
                    })
                })
                .collect(),
        })
        .collect())
}

/// The years with scores.
pub async fn years(app: &App, c: &Caller) -> Result<Vec<i32>> {
    if c.actor.role == xuequ_domain::Role::Teacher {
        return Err(AppError::Forbidden);
    }
    Ok(app.store.student_score_years(c.county()).await?)
}

/// The students' rows of `school` in `year`: the bureau, and the school itself.
pub async fn students(app: &App, c: &Caller, year: i32, school: i64) -> Result<Vec<StudentScore>> {
    let county = c.county();
    let found = app.store.school(county, school).await?.ok_or(AppError::NotFound)?;
    if !policy::may_read_scores(&c.actor, Some(school)) {
        return Err(AppError::NotFound);
    }
    Ok(app
        .store
        .student_scores(county, year, Some(school))
        .await?
        .into_iter()
        .map(|r| StudentScore {
            student: r.student,
            school: found.code.clone(),
            grade: r.grade,
            subject: r.subject,
            entry: r.entry,
            exit: r.exit,
        })
        .collect())
}

/// The model over the county's scores of `year`, keyed `grade|subject`, schools by code.
pub(crate) async fn model(app: &App, county: i64, year: i32) -> Result<BTreeMap<String, Group>> {
    let codes: HashMap<i64, String> = app.store.all_schools(county).await?.into_iter().map(|s| (s.id, s.code)).collect();
    let rows: Vec<StudentScore> = app
        .store
        .student_scores(county, year, None)
        .await?
        .into_iter()
        .map(|r| StudentScore {
            student: r.student,
            school: codes.get(&r.school_id).cloned().unwrap_or_default(),
            grade: r.grade,
            subject: r.subject,
            entry: r.entry,
            exit: r.exit,
        })
        .collect();
    Ok(value_added(&rows))
}

/// Value-added as a figure: a school's shrunk value-added over its grades and subjects (each
/// weighted by its pupils), a cluster's over its schools likewise. In standard deviations.
pub(crate) static FIGURES: figures::Provider = figures::Provider {
    figures: &[figures::Figure {
        key: "value_added.mean",
        unit: Unit::Coefficient,
        higher_is_better: true,
        scopes: &[ScopeKind::Cluster, ScopeKind::School],
        period: Period::SchoolYear,
        source: Source::ValueAdded,
    }],
    compute: |app, c, year, scopes| Box::pin(value_added_figures(app, c, year, scopes)),
};

async fn value_added_figures(app: &App, c: &Caller, year: i32, scopes: &[Scope]) -> Result<figures::Values> {
    let county = c.county();
    let groups = model(app, county, year).await?;
    if groups.is_empty() {
        return Ok(figures::Values::new());
    }
    let ids: HashMap<String, i64> = app.store.all_schools(county).await?.into_iter().map(|s| (s.code, s.id)).collect();
    // School → (Σ n·shrunk, Σ n).
    let mut sums: HashMap<i64, (f64, usize)> = HashMap::new();
    for g in groups.values() {
        for (code, v) in &g.schools {
            if let Some(id) = ids.get(code) {
                let e = sums.entry(*id).or_default();
                e.0 += v.shrunk * v.n as f64;
                e.1 += v.n;
            }
        }
    }
    let clusters = crate::running::Clusters::load(app, county).await?;
    let mut out = figures::Values::new();
    for scope in scopes {
        let schools: Vec<i64> = match *scope {
            Scope::School(id) => vec![id],
            Scope::Cluster(id) => clusters.schools(id).to_vec(),
            Scope::County => continue,
        };
        let (sum, n) = schools.iter().filter_map(|s| sums.get(s)).fold((0.0, 0), |(a, b), (s, n)| (a + s, b + n));
        if n > 0 {
            out.insert((*scope, "value_added.mean"), sum / n as f64);
        }
    }
    Ok(out)
}
