//! The rural teachers' living allowance (乡村教师生活补助) for a calendar year: each teacher's
//! months at a school in a tier (by the mid-month rule), the monthly amount and the total.

use std::collections::HashMap;

use serde::Serialize;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::exchange::MoveStatus;
use xuequ_domain::exchange::subsidy::{Placement, SchoolPlace, months_at, schools_by_month, yearly_allowance};
use xuequ_domain::{Locality, Status};

use crate::{App, AppError, Caller, Result};

/// One teacher's allowance at one school for the year.
#[derive(Debug, Clone, Serialize)]
pub struct Allowance {
    pub teacher_id: i64,
    pub staff_no: String,
    pub name: String,
    pub home_school: String,
    pub school_id: i64,
    pub school: String,
    pub tier: String,
    /// The months (1–12) paid at this school.
    pub months: Vec<u32>,
    pub monthly_yuan: u32,
    pub total_yuan: u32,
}

/// The allowances of a calendar year for the teachers of the schools the caller sees, by
/// school and name.
pub async fn allowances(app: &App, c: &Caller, year: i32) -> Result<Vec<Allowance>> {
    let county = c.county();
    c.require(Action::Read, Resource::Exchange, &Target::county(county))?;
    if !(1990..=2100).contains(&year) {
        return Err(AppError::invalid(
            "year",
            xuequ_domain::Problem::OutOfRange { value: year.to_string(), min: "1990".into(), max: "2100".into() },
        ));
    }
    let settings = app.store.exchange_settings(county).await?;
    let schools = app.store.all_schools(county).await?;
    let seat = county_seat(&schools);
    let mut tiers: HashMap<i64, (String, u32)> = HashMap::new();
    for s in schools.iter().filter(|s| s.status == Status::Active) {
        let place = SchoolPlace {
            locality: s.locality,
            township: s.township.clone(),
            km_from_seat: match (seat, s.latitude, s.longitude) {
                (Some(seat), Some(lat), Some(lon)) => Some(xuequ_plan::metric::haversine_km(seat, (lat, lon))),
                _ => None,
            },
        };
        if let Some(t) = settings.subsidy.tier_of(&place).filter(|t| t.monthly_yuan > 0) {
            tiers.insert(s.id, (t.name.clone(), t.monthly_yuan));
        }
    }
    let names: HashMap<i64, String> = schools.iter().map(|s| (s.id, s.name.clone())).collect();
    // The placements of whole posts (轮岗, 支教, 挂职) that began, until they ended.
    let mut placements: HashMap<i64, Vec<Placement>> = HashMap::new();
    for m in app.store.exchange_moves(county, &Default::default()).await? {
        let began = matches!(m.status, MoveStatus::Active | MoveStatus::Returned);
        if !began || !m.form.moves_the_post() {
            continue;
        }
        let to = match m.returned_at.and_then(|r| r.date_naive().pred_opt()) {
            Some(back) => back.min(m.ends_on),
            None => m.ends_on,
        };
        placements.entry(m.teacher_id).or_default().push(Placement { school_id: m.to_school_id, from: m.starts_on, to });
    }
    let visible = c.visibility(Resource::Exchange);
    let mut out = Vec::new();
    for t in app.store.active_teachers(county).await? {
        let months = schools_by_month(t.school_id, t.joined_school_on, None, placements.get(&t.id).map(Vec::as_slice).unwrap_or(&[]), year);
        for (school, _, total) in yearly_allowance(&months, |s| tiers.get(&s).map(|t| t.1).unwrap_or(0)) {
            if !visible.includes(school) {
                continue;
            }
            let (tier, monthly) = tiers[&school].clone();
            out.push(Allowance {
                teacher_id: t.id,
                staff_no: t.staff_no.clone(),
                name: t.name.clone(),
                home_school: names.get(&t.school_id).cloned().unwrap_or_default(),
                school_id: school,
                school: names.get(&school).cloned().unwrap_or_default(),
                tier,
                months: months_at(&months, school),
                monthly_yuan: monthly,
                total_yuan: total,
            });
        }
    }
    out.sort_by(|a, b| (a.school.as_str(), a.staff_no.as_str()).cmp(&(b.school.as_str(), b.staff_no.as_str())));
    Ok(out)
}

/// Where the county seat is: the middle of its urban schools (of all located schools if it has
/// none).
fn county_seat(schools: &[xuequ_store::entities::school::Model]) -> Option<(f64, f64)> {
    let located = |urban: bool| -> Vec<(f64, f64)> {
        schools.iter().filter(|s| !urban || s.locality == Locality::Urban).filter_map(|s| Some((s.latitude?, s.longitude?))).collect()
    };
    let points = Some(located(true)).filter(|p| !p.is_empty()).unwrap_or_else(|| located(false));
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    Some((points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n))
}
