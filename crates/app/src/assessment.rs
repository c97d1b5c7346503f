//! The balance assessment of the county's own registry: the engine's input derived from the
//! yearly statistics (students, areas, equipment, rooms, books, computers) and the teacher
//! registry (teachers counted by degree, backbone level, PE/art subject and title).

use crate::figures::{self, Scope, ScopeKind, Unit};
use crate::{App, AppError, Caller, Result};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use xuequ_assess::{Report, SectionInput};
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::{SchoolType, Section, Status};
use xuequ_store::entities::{school, school_stat};
use xuequ_store::registry::TeacherGroup;

/// Where the figures came from; the report says so.
pub const SOURCE: &str = "registry";

#[derive(Debug, Clone, Default)]
pub struct Counts {
    teachers: f64,
    above_degree: f64,
    backbone: f64,
    pe_art: f64,
    mid_title: f64,
}

/// Counts the active teachers of each school section. A teacher of a 九年一贯制 school counts
/// for the section recorded on them (primary when none is).
pub fn count_teachers(teachers: &[TeacherGroup], schools: &HashMap<i64, &school::Model>) -> HashMap<(i64, Section), Counts> {
    let mut counts: HashMap<(i64, Section), Counts> = HashMap::new();
    for t in teachers {
        let Some(s) = schools.get(&t.school_id) else { continue };
        let n = t.count as f64;
        let school_type = s.school_type;
        let section = match school_type {
            SchoolType::Junior => Section::Junior,
            SchoolType::NineYear | SchoolType::Special => t.section.unwrap_or(Section::Primary),
            _ => Section::Primary,
        };
        let c = counts.entry((t.school_id, section)).or_default();
        c.teachers += n;
        if t.degree.above_required(section) {
            c.above_degree += n;
        }
        if t.backbone.county_or_higher() {
            c.backbone += n;
        }
        if t.subject.is_pe_art() {
            c.pe_art += n;
        }
        if t.title.mid_level_or_above() {
            c.mid_title += n;
        }
    }
    counts
}

/// The engine's rows for one school year: one per taught section of every active school with
/// statistics that year.
pub fn rows(schools: &[school::Model], stats: &[school_stat::Model], teachers: &[TeacherGroup]) -> Vec<SectionInput> {
    let by_id: HashMap<i64, &school::Model> = schools.iter().map(|s| (s.id, s)).collect();
    let counts = count_teachers(teachers, &by_id);
    let mut out = Vec::new();
    for st in stats {
        let Some(s) = by_id.get(&st.school_id) else { continue };
        let school_type = s.school_type;
        for section in school_type.sections() {
            let (students, classes) = match section {
                Section::Primary => (st.students_primary, st.classes_primary),
                Section::Junior => (st.students_junior, st.classes_junior),
            };
            if students == 0 && school_type.sections().len() > 1 {
                continue;
            }
            let c = counts.get(&(s.id, *section)).cloned().unwrap_or_default();
            out.push(SectionInput {
                row: out.len() + 1,
                code: s.code.clone(),
                name: s.name.clone(),
                school_type,
                section: *section,
                students: students as f64,
                classes: Some(classes as f64),
                max_class_size: st.max_class_size.map(f64::from),
                teachers_above_degree: c.above_degree,
                backbone_teachers: c.backbone,
                pe_art_teachers: c.pe_art,
                teaching_area: st.teaching_area,
                sports_area: st.sports_area,
                equipment_value: st.equipment_value,
                multimedia_rooms: st.multimedia_rooms as f64,
                teachers: Some(c.teachers),
                mid_title_teachers: Some(c.mid_title),
                books: Some(st.books as f64),
                computers: Some(st.computers as f64),
            });
        }
    }
    out
}

/// How much of a school year's statistics is in: the schools (and their pupils) that have
/// entered figures for it, against all that should have. A year is assessed — given a verdict —
/// only when it is complete: a coefficient over the few schools that entered early says nothing
/// about the county.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub schools_with: usize,
    pub schools_expected: usize,
    pub pupils_with: u64,
    /// The pupils of every expected school: a missing school counts with its latest earlier
    /// figures (0 when it never entered any).
    pub pupils_expected: u64,
    /// The schools that should have statistics for the year and do not, by code.
    pub missing: Vec<MissingSchool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingSchool {
    pub id: i64,
    pub code: String,
    pub name: String,
}

impl Coverage {
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Which schools should have statistics for `year`: an active school from the first year it
/// entered any (a school opened later is not missing from the years before it), or, when it
/// never entered any, from the school year it was registered in.
pub fn coverage(year: i32, schools: &[school::Model], stats: &[school_stat::Model]) -> Coverage {
    let mut first: HashMap<i64, i32> = HashMap::new();
    let mut pupils: HashMap<i64, Vec<(i32, u64)>> = HashMap::new();
    for st in stats {
        let f = first.entry(st.school_id).or_insert(st.year);
        *f = (*f).min(st.year);
        pupils.entry(st.school_id).or_default().push((st.year, (st.students_primary.max(0) + st.students_junior.max(0)) as u64));
    }
    let mut c = Coverage { schools_with: 0, schools_expected: 0, pupils_with: 0, pupils_expected: 0, missing: Vec::new() };
    for s in schools {
        let from = first.get(&s.id).copied().unwrap_or_else(|| crate::home::current_school_year(s.created_at.date_naive()));
        if year < from {
            continue;
        }
        c.schools_expected += 1;
        let years = pupils.get(&s.id).map(Vec::as_slice).unwrap_or(&[]);
        match years.iter().find(|(y, _)| *y == year) {
            Some((_, n)) => {
                c.schools_with += 1;
                c.pupils_with += n;
                c.pupils_expected += n;
            }
            None => {
                c.pupils_expected += years.iter().filter(|(y, _)| *y < year).max_by_key(|(y, _)| *y).map_or(0, |(_, n)| *n);
                c.missing.push(MissingSchool { id: s.id, code: s.code.clone(), name: s.name.clone() });
            }
        }
    }
    c.missing.sort_by(|a, b| a.code.cmp(&b.code));
    c
}

/// Every year's assessment of one scope (the county, or the schools now in a cluster): what is
/// computed once and cached until the registry changes.
pub struct Assessed {
    /// The school years with statistics, newest first.
    pub years: Vec<i32>,
    /// The report of every year, oldest first.
    pub trend: Vec<(i32, Report)>,
    /// Each year's coverage.
    pub coverage: BTreeMap<i32, Coverage>,
}

impl Assessed {
    /// The newest complete year, else the newest year with any statistics.
    pub fn default_year(&self) -> Option<i32> {
        self.years.iter().copied().find(|y| self.coverage.get(y).is_some_and(Coverage::complete)).or(self.years.first().copied())
    }
}

/// The assessment asked for: the county, or the schools now in one cluster, in one year.
pub struct Assessment {
    pub year: i32,
    pub years: Vec<i32>,
    pub report: Report,
    /// The same figures for every year with statistics, oldest first, for the trend.
    pub trend: Vec<(i32, Report)>,
    /// Each year's coverage; a year that is not complete gets no verdict.
    pub coverage: BTreeMap<i32, Coverage>,
}

impl Assessment {
    /// The coverage of the year shown.
    pub fn shown(&self) -> &Coverage {
        &self.coverage[&self.year]
    }

    /// Whether a year's figures may be judged against the standard.
    pub fn complete(&self, year: i32) -> bool {
        self.coverage.get(&year).is_some_and(Coverage::complete)
    }
}

/// The assessment of a school year (default: the latest complete one) for the county or one
/// cluster.
pub async fn assess(app: &App, c: &Caller, year: Option<i32>, cluster: Option<i64>) -> Result<Assessment> {
    let county = c.county();
    c.require(Action::Read, Resource::SchoolStats, &Target::county(county))?;
    if let Some(cluster) = cluster {
        app.store.cluster(county, cluster).await?.ok_or(AppError::NotFound)?;
    }
    let all = assessed(app, county, cluster).await?;
    let year = match year {
        Some(y) if all.years.contains(&y) => y,
        Some(_) => return Err(AppError::NotFound),
        None => all.default_year().ok_or(AppError::NotFound)?,
    };
    let report = all.trend.iter().find(|(y, _)| *y == year).map(|(_, r)| r.clone()).ok_or(AppError::NotFound)?;
    Ok(Assessment { year, years: all.years.clone(), report, trend: all.trend.clone(), coverage: all.coverage.clone() })
}

/// Every year's reports of a scope, from the cache while the county's records are unchanged.
///
/// A miss is computed once while other requests for it wait, and in a task of its own: a person
/// who gives up waiting (or a client that times out) does not throw away the work, so the next
/// request finds it done.
async fn assessed(app: &App, county: i64, cluster: Option<i64>) -> Result<Arc<Assessed>> {
    let version = app.store.version(county).await?;
    if let Some(hit) = app.derived.assessments.get(&(county, cluster), version) {
        return Ok(hit);
    }
    let _computing = app.derived.assessing.lock().await;
    if let Some(hit) = app.derived.assessments.get(&(county, cluster), version) {
        return Ok(hit);
    }
    let (store, derived) = (app.store.clone(), app.derived.clone());
    let task = tokio::spawn(async move {
        let fresh = Arc::new(compute(&store, county, cluster).await?);
        derived.assessments.put((county, cluster), version, fresh.clone());
        Ok::<_, AppError>(fresh)
    });
    task.await.map_err(AppError::internal)?
}

/// What every scope's assessment of a county reads, read once for many scopes.
struct Inputs {
    years: Vec<i32>,
    schools: Vec<school::Model>,
    teachers: Vec<TeacherGroup>,
    all_stats: Vec<school_stat::Model>,
}

async fn inputs(store: &xuequ_store::Store, county: i64) -> Result<Inputs> {
    Ok(Inputs {
        years: store.stat_years(county).await?,
        schools: store.all_schools(county).await?.into_iter().filter(|s| s.status == Status::Active).collect(),
        teachers: store.teacher_groups(county).await?,
        all_stats: store.all_stats(county, None).await?,
    })
}

/// The assessments of many scopes of a county (`None`: the county), from the cache while the
/// county's records are unchanged; the misses computed together from one read of the county.
async fn assessed_all(app: &App, county: i64, scopes: &[Option<i64>]) -> Result<HashMap<Option<i64>, Arc<Assessed>>> {
    let version = app.store.version(county).await?;
    let mut out: HashMap<Option<i64>, Arc<Assessed>> = HashMap::new();
    let _computing = app.derived.assessing.lock().await;
    let mut missing = Vec::new();
    for scope in scopes {
        match app.derived.assessments.get(&(county, *scope), version) {
            Some(hit) => drop(out.insert(*scope, hit)),
            None => missing.push(*scope),
        }
    }
    if missing.is_empty() {
        return Ok(out);
    }
    let (store, derived) = (app.store.clone(), app.derived.clone());
    // In a task of its own, like a single miss: a caller who gives up does not waste the work.
    let task = tokio::spawn(async move {
        let all = inputs(&store, county).await?;
        let mut fresh = Vec::new();
        for cluster in missing {
            let members = match cluster {
                Some(k) => Some(store.cluster_school_ids(county, k).await?),
                None => None,
            };
            let assessed = Arc::new(compute_from(&all, members.as_deref())?);
            derived.assessments.put((county, cluster), version, assessed.clone());
            fresh.push((cluster, assessed));
        }
        Ok::<_, AppError>(fresh)
    });
    out.extend(task.await.map_err(AppError::internal)??);
    Ok(out)
}

async fn compute(store: &xuequ_store::Store, county: i64, cluster: Option<i64>) -> Result<Assessed> {
    let all = inputs(store, county).await?;
    let members = match cluster {
        Some(k) => Some(store.cluster_school_ids(county, k).await?),
        None => None,
    };
    compute_from(&all, members.as_deref())
}

/// Every year's reports over the county's schools, or over `members` only.
fn compute_from(all: &Inputs, members: Option<&[i64]>) -> Result<Assessed> {
    let Inputs { years, schools, teachers, all_stats } = all;
    let schools: Vec<school::Model> = schools.iter().filter(|s| members.is_none_or(|m| m.contains(&s.id))).cloned().collect();
    let mut trend = Vec::new();
    let mut covered = BTreeMap::new();
    for y in years.iter().rev() {
        let stats: Vec<school_stat::Model> = all_stats.iter().filter(|s| s.year == *y).cloned().collect();
        let report = xuequ_assess::assess(&rows(&schools, &stats, teachers)).map_err(|problems| {
            AppError::Invalid(problems.into_iter().map(|p| xuequ_domain::FieldProblem::new(p.field, p.problem)).collect())
        })?;
        trend.push((*y, report));
        covered.insert(*y, coverage(*y, &schools, all_stats));
    }
    Ok(Assessed { years: years.clone(), trend, coverage: covered })
}

/// The report limited to one stage, when asked.
pub fn only_stage(mut report: Report, stage: Option<Section>) -> Report {
    if let Some(stage) = stage {
        report.sections.retain(|s, _| *s == stage);
        report.basic_2012.retain(|s, _| *s == stage);
        report.schools.retain(|s| s.section == stage);
        report.excluded.retain(|s| s.section == stage);
        report.advice.retain(|a| a.section == stage);
    }
    report
}

/// The balance figures (优质均衡): each stage's composite coefficient of variation under the
/// 2017 standard and its change over the year before, and the share of schools meeting the
/// standard — from the newest year of complete statistics not later than the year asked for.
/// Statistics that are not complete give none of them (no verdict on part of the schools).
pub(crate) static FIGURES: figures::Provider = figures::Provider {
    figures: &[
        figure("balance.cv_primary", Unit::Coefficient, false, AREAS),
        figure("balance.cv_junior", Unit::Coefficient, false, AREAS),
        figure("balance.cv_primary_change", Unit::Coefficient, false, AREAS),
        figure("balance.cv_junior_change", Unit::Coefficient, false, AREAS),
        figure("balance.schools_passed_share", Unit::Percent, true, &[ScopeKind::County, ScopeKind::Cluster, ScopeKind::School]),
    ],
    compute: |app, c, year, scopes| Box::pin(balance_figures(app, c.county(), year, scopes)),
};

const AREAS: &[ScopeKind] = &[ScopeKind::County, ScopeKind::Cluster];

const fn figure(key: &'static str, unit: Unit, higher_is_better: bool, scopes: &'static [ScopeKind]) -> figures::Figure {
    figures::Figure { key, unit, higher_is_better, scopes, period: figures::Period::LatestStatistics, source: figures::Source::Assessment }
}

async fn balance_figures(app: &App, county: i64, year: i32, scopes: &[Scope]) -> Result<figures::Values> {
    let mut out = figures::Values::new();
    let mut school_codes: Option<HashMap<i64, String>> = None;
    let of = |scope: &Scope| match *scope {
        Scope::County => (None, None),
        Scope::Cluster(id) => (Some(id), None),
        Scope::School(id) => (None, Some(id)),
    };
    let wanted: Vec<Option<i64>> = scopes.iter().map(|s| of(s).0).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let assessments = assessed_all(app, county, &wanted).await?;
    for scope in scopes {
        let (cluster, school) = of(scope);
        let Some(all) = assessments.get(&cluster) else { continue };
        let report = |y: i32| {
            all.coverage.get(&y).is_some_and(Coverage::complete).then(|| all.trend.iter().find(|(t, _)| *t == y).map(|(_, r)| r)).flatten()
        };
        // The newest complete statistics not later than the year: what a county has in hand
        // when it judges the year (statistics are taken each autumn).
        let Some(year) = all.coverage.iter().filter(|(y, c)| **y <= year && c.complete()).map(|(y, _)| *y).max() else { continue };
        let Some(now) = report(year) else { continue };
        if let Some(id) = school {
            let codes = match &mut school_codes {
                Some(codes) => codes,
                None => school_codes.insert(app.store.all_schools(county).await?.into_iter().map(|s| (s.id, s.code)).collect()),
            };
            let mine: Vec<_> = now.schools.iter().filter(|r| codes.get(&id) == Some(&r.code)).collect();
            let passed = (!mine.is_empty()).then(|| if mine.iter().all(|r| r.passed) { 100.0 } else { 0.0 });
            figures::put(&mut out, *scope, "balance.schools_passed_share", passed);
            continue;
        }
        let composite = |r: &Report, s: Section| r.sections.get(&s).and_then(|c| c.cv.get("composite").copied());
        let before = report(year - 1);
        for (section, key, change) in [
            (Section::Primary, "balance.cv_primary", "balance.cv_primary_change"),
            (Section::Junior, "balance.cv_junior", "balance.cv_junior_change"),
        ] {
            let cv = composite(now, section);
            figures::put(&mut out, *scope, key, cv);
            let was = before.and_then(|r| composite(r, section));
            figures::put(&mut out, *scope, change, cv.zip(was).map(|(a, b)| a - b));
        }
        let passed = now.schools.iter().filter(|r| r.passed).count();
        figures::put(&mut out, *scope, "balance.schools_passed_share", figures::percent(passed, now.schools.len()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Utc};
    use xuequ_store::entities::teacher;

    fn school(id: i64, school_type: &str) -> school::Model {
        school::Model {
            id,
            county_id: 1,
            code: format!("S{id}"),
            name: format!("学校{id}"),
            school_type: school_type.parse().unwrap(),
            locality: xuequ_domain::Locality::Urban,
            township: String::new(),
            address: String::new(),
            latitude: None,
            longitude: None,
            legal_person: true,
            campus_of: None,
            principal: String::new(),
            phone: String::new(),
            status: xuequ_domain::Status::Active,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn teacher(school_id: i64, degree: &str, backbone: &str, subject: &str, section: Option<&str>) -> teacher::Model {
        teacher::Model {
            id: 0,
            county_id: 1,
            school_id,
            staff_no: String::new(),
            name: String::new(),
            gender: xuequ_domain::Gender::Female,
            subject: subject.parse().unwrap(),
            section: section.map(|s| s.parse().unwrap()),
            degree: degree.parse().unwrap(),
            title: xuequ_domain::Title::First,
            backbone: backbone.parse().unwrap(),
            post: xuequ_domain::Post::Teacher,
            joined_school_on: NaiveDate::from_ymd_opt(2020, 9, 1).unwrap(),
            birth_year: None,
            status: xuequ_domain::Status::Active,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn stats(school_id: i64, primary: i32, junior: i32) -> school_stat::Model {
        school_stat::Model {
            id: school_id,
            county_id: 1,
            school_id,
            year: 2024,
            students_primary: primary,
            students_junior: junior,
            classes_primary: 10,
            classes_junior: 5,
            max_class_size: Some(44),
            teaching_area: 5000.0,
            sports_area: 8000.0,
            equipment_value: 2e6,
            multimedia_rooms: 20,
            books: 30000,
            computers: 100,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn teachers_are_counted_by_the_rules_of_the_standard() {
        let schools = vec![school(1, "primary"), school(2, "nine_year")];
        let teachers = [
            // Primary school: 专科 counts as above the required degree in 小学.
            teacher(1, "associate", "county", "math", None),
            teacher(1, "high_school", "school", "music", None),
            // Nine-year school: 专科 does not count in 初中; the section decides.
            teacher(2, "associate", "none", "pe", Some("junior")),
            teacher(2, "bachelor", "city", "chinese", Some("junior")),
            teacher(2, "associate", "none", "art", Some("primary")),
        ];
        let groups: Vec<TeacherGroup> = teachers.iter().map(TeacherGroup::from).collect();
        let rows = rows(&schools, &[stats(1, 400, 0), stats(2, 300, 200)], &groups);
        let find = |code: &str, section: Section| rows.iter().find(|r| r.code == code && r.section == section).unwrap();
        let p = find("S1", Section::Primary);
        assert_eq!((p.teachers_above_degree, p.backbone_teachers, p.pe_art_teachers, p.teachers), (1.0, 1.0, 1.0, Some(2.0)));
        let j = find("S2", Section::Junior);
        assert_eq!((j.teachers_above_degree, j.backbone_teachers, j.pe_art_teachers, j.students), (1.0, 1.0, 1.0, 200.0));
        let np = find("S2", Section::Primary);
        assert_eq!((np.teachers_above_degree, np.pe_art_teachers, np.students), (1.0, 1.0, 300.0));
        // Shared figures go to both rows whole; the engine splits them.
        assert_eq!((np.teaching_area, j.teaching_area), (5000.0, 5000.0));
        assert_eq!(rows.len(), 3);
    }

    fn stats_in(school_id: i64, year: i32, primary: i32) -> school_stat::Model {
        school_stat::Model { year, ..stats(school_id, primary, 0) }
    }

    #[test]
    fn a_year_is_complete_only_when_every_school_that_should_have_figures_has_them() {
        let schools = vec![school(1, "primary"), school(2, "primary"), school(3, "primary")];
        // 1 and 2 since 2023; 3 opened in 2024; in 2025 only school 1 has entered.
        let all = [stats_in(1, 2023, 100), stats_in(2, 2023, 200), stats_in(1, 2024, 110), stats_in(2, 2024, 210), stats_in(3, 2024, 50)];
        let mut all = all.to_vec();
        all.push(stats_in(1, 2025, 120));
        let c2023 = coverage(2023, &schools, &all);
        // School 3 had not opened: it is not missing from 2023.
        assert_eq!((c2023.schools_with, c2023.schools_expected, c2023.complete()), (2, 2, true));
        assert_eq!(coverage(2024, &schools, &all).pupils_with, 370);
        let c2025 = coverage(2025, &schools, &all);
        assert!(!c2025.complete());
        assert_eq!((c2025.schools_with, c2025.schools_expected), (1, 3));
        // The missing schools count with their latest earlier pupils: 120 + 210 + 50.
        assert_eq!((c2025.pupils_with, c2025.pupils_expected), (120, 380));
        assert_eq!(c2025.missing.iter().map(|m| m.id).collect::<Vec<_>>(), vec![2, 3]);
        let assessed = Assessed {
            years: vec![2025, 2024, 2023],
            trend: Vec::new(),
            coverage: [2023, 2024, 2025].into_iter().map(|y| (y, coverage(y, &schools, &all))).collect(),
        };
        assert_eq!(assessed.default_year(), Some(2024), "the latest complete year");
    }
}
