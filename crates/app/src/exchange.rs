//! Teacher exchange (教师交流轮岗): who is due to rotate at each school, the county's quota, where
//! teachers are short, and a rotation plan from the rotation engine. `overview` is what the
//! cluster evaluation reads for "rotation quota met".

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::exchange::{Exclusion, RotationRules, StaffingNorm, SubjectGap, TeacherFacts, eligibility, gaps, required_moves};
use xuequ_domain::{Backbone, Gender, Locality, Status, Subject};
use xuequ_store::entities::{school, teacher};

use crate::{App, AppError, Caller, Result};

/// One school's exchange figures for a school year.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolExchange {
    pub school_id: i64,
    pub name: String,
    /// A sending school (urban, or the lead of a cluster): its due teachers count for the quota.
    pub sending: bool,
    pub teachers: usize,
    /// Due to rotate (eligible), and how many of them are backbone teachers (county or higher).
    pub eligible: usize,
    pub eligible_backbone: usize,
    /// Not due: too few years, retiring soon.
    pub too_few_years: usize,
    pub retiring: usize,
    /// Need, have and shortage per subject (from the staffing norm and the latest statistics).
    pub gaps: Vec<SubjectGap>,
}

/// The exchange figures of the schools a person sees, for the school year starting `year`.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub year: i32,
    pub rules: RotationRules,
    pub schools: Vec<SchoolExchange>,
    /// Due teachers at sending schools, and how many of them must rotate this year.
    pub eligible_at_sending: usize,
    pub required_moves: usize,
}

/// The school year a day falls in (it starts on 1 September).
pub fn school_year_of(day: NaiveDate) -> i32 {
    if day.month() >= 9 { day.year() } else { day.year() - 1 }
}

/// What eligibility reads of a stored teacher.
fn facts(t: &teacher::Model) -> TeacherFacts {
    TeacherFacts {
        joined_school_on: t.joined_school_on,
        birth_year: t.birth_year,
        gender: Gender::parse(&t.gender).unwrap_or(Gender::Female),
        backbone: Backbone::parse(&t.backbone).unwrap_or(Backbone::None),
        // The registry does not record who leads a school yet: everyone counts as a teacher.
        leader: false,
        excluded: None,
    }
}

/// Who is due, the quota and the shortages of the schools the caller sees (of one cluster,
/// with `cluster`), for the school year starting `year` (this one by default).
pub async fn overview(app: &App, c: &Caller, year: Option<i32>, cluster: Option<i64>) -> Result<Overview> {
    let county = c.county();
    c.require(Action::Read, Resource::Exchange, &Target::county(county))?;
    let year = year.unwrap_or_else(|| school_year_of(crate::today()));
    if !(1990..=2100).contains(&year) {
        return Err(AppError::invalid(
            "year",
            xuequ_domain::Problem::OutOfRange { value: year.to_string(), min: "1990".into(), max: "2100".into() },
        ));
    }
    let start = NaiveDate::from_ymd_opt(year, 9, 1).expect("1 September");
    let rules = RotationRules::default();
    let norm = StaffingNorm::default();
    let visible = c.visibility(Resource::Exchange);
    let only: Option<Vec<i64>> = match cluster {
        Some(id) => Some(crate::clusters::school_ids(app, c, id).await?),
        None => None,
    };
    let leads: Vec<i64> =
        app.store.all_clusters(county).await?.into_iter().filter(|k| k.status == Status::Active.code()).map(|k| k.lead_school_id).collect();
    let schools: Vec<school::Model> = app
        .store
        .all_schools(county)
        .await?
        .into_iter()
        .filter(|s| s.status == Status::Active.code() && visible.includes(s.id) && only.as_ref().is_none_or(|ids| ids.contains(&s.id)))
        .collect();
    // The newest statistics at or before the year (students drive the staffing norm).
    let mut students: HashMap<i64, (i32, u32, u32)> = HashMap::new();
    for st in app.store.all_stats(county, None).await? {
        if st.year <= year && students.get(&st.school_id).is_none_or(|(y, _, _)| *y < st.year) {
            students.insert(st.school_id, (st.year, st.students_primary.max(0) as u32, st.students_junior.max(0) as u32));
        }
    }
    let mut by_school: HashMap<i64, Vec<teacher::Model>> = HashMap::new();
    for t in app.store.active_teachers(county).await? {
        by_school.entry(t.school_id).or_default().push(t);
    }
    let mut out = Vec::new();
    for s in &schools {
        let list = by_school.get(&s.id).map(Vec::as_slice).unwrap_or(&[]);
        let mut row = SchoolExchange {
            school_id: s.id,
            name: s.name.clone(),
            sending: Locality::parse(&s.locality) == Some(Locality::Urban) || leads.contains(&s.id),
            teachers: list.len(),
            eligible: 0,
            eligible_backbone: 0,
            too_few_years: 0,
            retiring: 0,
            gaps: Vec::new(),
        };
        let mut have: BTreeMap<Subject, u32> = BTreeMap::new();
        for t in list {
            if let Some(subject) = Subject::parse(&t.subject) {
                *have.entry(subject).or_default() += 1;
            }
            let f = facts(t);
            match eligibility(&f, start, &rules) {
                Ok(()) => {
                    row.eligible += 1;
                    row.eligible_backbone += f.backbone.county_or_higher() as usize;
                }
                Err(Exclusion::TooFewYears { .. }) => row.too_few_years += 1,
                Err(Exclusion::Retiring { .. }) => row.retiring += 1,
                Err(Exclusion::ByTheSchool { .. }) => {}
            }
        }
        let (_, primary, junior) = students.get(&s.id).copied().unwrap_or((0, 0, 0));
        row.gaps = gaps(&norm.needed(primary, junior), &have);
        out.push(row);
    }
    let eligible_at_sending = out.iter().filter(|s| s.sending).map(|s| s.eligible).sum();
    Ok(Overview { year, required_moves: required_moves(eligible_at_sending, &rules), rules, eligible_at_sending, schools: out })
}

/// A rotation plan for the schools of the overview (the county's, or one cluster's): eligible
/// teachers move within `max_km` from surplus to shortage, meeting the quotas where they can.
/// Schools without a location cannot be placed and are left out.
pub async fn plan(app: &App, c: &Caller, year: Option<i32>, cluster: Option<i64>, max_km: f64) -> Result<(Overview, xuequ_rotate::Plan)> {
    let county = c.county();
    let target = match cluster {
        Some(id) => Target::cluster(county, id),
        None => Target::county(county),
    };
    c.require(Action::Create, Resource::Exchange, &target)?;
    if !(1.0..=200.0).contains(&max_km) {
        return Err(AppError::invalid(
            "max_km",
            xuequ_domain::Problem::OutOfRange { value: max_km.to_string(), min: "1".into(), max: "200".into() },
        ));
    }
    let view = overview(app, c, year, cluster).await?;
    let start = NaiveDate::from_ymd_opt(view.year, 9, 1).expect("1 September");
    let located: HashMap<i64, (f64, f64)> =
        app.store.all_schools(county).await?.into_iter().filter_map(|s| Some((s.id, (s.latitude?, s.longitude?)))).collect();
    // Kilometres on a plane around the county's middle (a county is small enough for it).
    let mid_lat = located.values().map(|p| p.0).sum::<f64>() / located.len().max(1) as f64;
    let km = |(lat, lon): (f64, f64)| (lon * 111.32 * mid_lat.to_radians().cos(), lat * 110.57);
    let mut input = xuequ_rotate::Input {
        max_km,
        quota: view.rules.quota,
        backbone_share: view.rules.backbone_share,
        shortage_weight: 50.0,
        schools: Vec::new(),
        teachers: Vec::new(),
    };
    for s in view.schools.iter().filter(|s| located.contains_key(&s.school_id)) {
        let (x_km, y_km) = km(located[&s.school_id]);
        let need = s.gaps.iter().map(|g| (g.subject.code().to_string(), g.need)).collect();
        input.schools.push(xuequ_rotate::School { id: s.school_id, x_km, y_km, sending: s.sending, need });
    }
    let placed: Vec<i64> = input.schools.iter().map(|s| s.id).collect();
    for t in app.store.active_teachers(county).await?.into_iter().filter(|t| placed.contains(&t.school_id)) {
        let f = facts(&t);
        input.teachers.push(xuequ_rotate::Teacher {
            id: t.id,
            school: t.school_id,
            subject: t.subject.clone(),
            eligible: eligibility(&f, start, &view.rules).is_ok(),
            backbone: f.backbone.county_or_higher(),
        });
    }
    let plan = xuequ_rotate::solve(&input).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((view, plan))
}
