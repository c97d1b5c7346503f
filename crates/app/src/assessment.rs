//! The balance assessment of the county's own registry: the engine's input derived from the
//! yearly statistics (students, areas, equipment, rooms, books, computers) and the teacher
//! registry (teachers counted by degree, backbone level, PE/art subject and title).

use crate::{App, AppError, Caller, Result};
use std::collections::HashMap;
use std::sync::Arc;
use xuequ_assess::{Report, SectionInput};
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::{Backbone, Degree, SchoolType, Section, Status, Subject, Title};
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
        let school_type = SchoolType::parse(&s.school_type).unwrap_or(SchoolType::Primary);
        let section = match school_type {
            SchoolType::Junior => Section::Junior,
            SchoolType::NineYear | SchoolType::Special => t.section.as_deref().and_then(Section::parse).unwrap_or(Section::Primary),
            _ => Section::Primary,
        };
        let c = counts.entry((t.school_id, section)).or_default();
        c.teachers += n;
        if Degree::parse(&t.degree).is_some_and(|d| d.above_required(section)) {
            c.above_degree += n;
        }
        if Backbone::parse(&t.backbone).is_some_and(Backbone::county_or_higher) {
            c.backbone += n;
        }
        if Subject::parse(&t.subject).is_some_and(Subject::is_pe_art) {
            c.pe_art += n;
        }
        if Title::parse(&t.title).is_some_and(Title::mid_level_or_above) {
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
        let school_type = SchoolType::parse(&s.school_type).unwrap_or(SchoolType::Primary);
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

/// Every year's assessment of one scope (the county, or the schools now in a cluster): what is
/// computed once and cached until the registry changes.
pub struct Assessed {
    /// The school years with statistics, newest first.
    pub years: Vec<i32>,
    /// The report of every year, oldest first.
    pub trend: Vec<(i32, Report)>,
}

/// The assessment asked for: the county, or the schools now in one cluster, in one year.
pub struct Assessment {
    pub year: i32,
    pub years: Vec<i32>,
    pub report: Report,
    /// The same figures for every year with statistics, oldest first, for the trend.
    pub trend: Vec<(i32, Report)>,
}

/// The assessment of a school year (default: the latest) for the county or one cluster.
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
        None => *all.years.first().ok_or(AppError::NotFound)?,
    };
    let report = all.trend.iter().find(|(y, _)| *y == year).map(|(_, r)| r.clone()).ok_or(AppError::NotFound)?;
    Ok(Assessment { year, years: all.years.clone(), report, trend: all.trend.clone() })
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

async fn compute(store: &xuequ_store::Store, county: i64, cluster: Option<i64>) -> Result<Assessed> {
    let years = store.stat_years(county).await?;
    let mut schools: Vec<school::Model> =
        store.all_schools(county).await?.into_iter().filter(|s| s.status == Status::Active.code()).collect();
    if let Some(cluster) = cluster {
        let members = store.cluster_school_ids(county, cluster).await?;
        schools.retain(|s| members.contains(&s.id));
    }
    let teachers = store.teacher_groups(county).await?;
    let all_stats = store.all_stats(county, None).await?;
    let mut trend = Vec::new();
    for y in years.iter().rev() {
        let stats: Vec<school_stat::Model> = all_stats.iter().filter(|s| s.year == *y).cloned().collect();
        let report = xuequ_assess::assess(&rows(&schools, &stats, &teachers)).map_err(|problems| {
            AppError::Invalid(problems.into_iter().map(|p| xuequ_domain::FieldProblem::new(p.field, p.problem)).collect())
        })?;
        trend.push((*y, report));
    }
    Ok(Assessed { years, trend })
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
            school_type: school_type.into(),
            locality: "urban".into(),
            township: String::new(),
            address: String::new(),
            latitude: None,
            longitude: None,
            legal_person: true,
            campus_of: None,
            principal: String::new(),
            phone: String::new(),
            status: "active".into(),
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
            gender: "female".into(),
            subject: subject.into(),
            section: section.map(str::to_string),
            degree: degree.into(),
            title: "first".into(),
            backbone: backbone.into(),
            joined_school_on: NaiveDate::from_ymd_opt(2020, 9, 1).unwrap(),
            birth_year: None,
            status: "active".into(),
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
}
