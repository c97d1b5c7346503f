//! Training hours (继续教育学时): each teacher's hours of a calendar year from the activities
//! they attended and the training their school entered, against the county's requirement.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use xuequ_domain::access::Visibility;
use xuequ_domain::access::running as policy;
use xuequ_domain::activity::hours::{self, Category, Tenths, YearHours};
use xuequ_domain::booking::to_utc;
use xuequ_domain::{FieldProblem, Problem};
use xuequ_store::entities::{teacher, training_record};
use xuequ_store::running::activities::NewTraining;

use super::{check_year, text};
use crate::{App, AppError, Caller, Result};

/// Whose hours to read.
#[derive(Debug, Clone, Default)]
pub struct HoursQuery {
    pub year: i32,
    pub school_id: Option<i64>,
    pub teacher_id: Option<i64>,
}

/// A teacher's year.
#[derive(Debug, Clone)]
pub struct TeacherHours {
    pub teacher: teacher::Model,
    pub school: String,
    pub year: YearHours,
}

/// One entry of a teacher's record.
#[derive(Debug, Clone)]
pub struct Entry {
    pub date: NaiveDate,
    pub title: String,
    pub category: Category,
    pub hours: Tenths,
    /// What counts of it: its hours, or 0 when it overlaps an activity credited instead.
    pub credited: Tenths,
    /// The activity it came from; none for training entered by the school.
    pub activity_id: Option<i64>,
    pub provider: String,
    /// The attended activity credited in its place (id, title), when the two overlap in time.
    pub overlaps: Option<(i64, String)>,
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year"), NaiveDate::from_ymd_opt(year + 1, 1, 1).expect("valid year"))
}

/// The teachers whose hours the query asks for, if the caller may read them (otherwise they
/// do not exist for the caller).
async fn teachers_asked(app: &App, c: &Caller, q: &HoursQuery) -> Result<Vec<teacher::Model>> {
    let county = c.county();
    let mine = super::linked_teacher(app, c).await?;
    let scope = policy::hours_scope(&c.actor);
    if let Some(id) = q.teacher_id {
        let t = app.store.teacher(county, id).await?.ok_or(AppError::NotFound)?;
        let own = mine.as_ref().is_some_and(|m| m.id == t.id);
        return if own || scope.includes(t.school_id) { Ok(vec![t]) } else { Err(AppError::NotFound) };
    }
    if scope == Visibility::Nothing {
        return Ok(mine.into_iter().collect());
    }
    if let Some(s) = q.school_id
        && !scope.includes(s)
    {
        return Err(AppError::NotFound);
    }
    Ok(app
        .store
        .active_teachers(county)
        .await?
        .into_iter()
        .filter(|t| scope.includes(t.school_id) && q.school_id.is_none_or(|s| s == t.school_id))
        .collect())
}

/// Every entry of the teachers' year (of all the county's with `all`), by teacher: the one
/// place hours are credited, for the hours pages and the cluster figures alike.
pub(crate) async fn entries(app: &App, county: i64, teachers: &[teacher::Model], year: i32, all: bool) -> Result<HashMap<i64, Vec<Entry>>> {
    let (from, to) = year_bounds(year);
    let ids: Vec<i64> = teachers.iter().map(|t| t.id).collect();
    let only = if all { None } else { Some(ids.as_slice()) };
    let day = |d: NaiveDate| to_utc(d.and_hms_opt(0, 0, 0).expect("midnight"));
    let mut out: HashMap<i64, Vec<Entry>> = HashMap::new();
    let mut sittings: HashMap<i64, Vec<hours::Sitting>> = HashMap::new();
    let mut titles: HashMap<i64, String> = HashMap::new();
    for a in app.store.attended(county, only, day(from), day(to)).await? {
        let Some(category) = a.kind.hours_category() else { continue };
        sittings.entry(a.teacher_id).or_default().push(hours::Sitting {
            activity_id: a.activity_id,
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            hours: a.credit,
        });
        titles.insert(a.activity_id, a.title.clone());
        out.entry(a.teacher_id).or_default().push(Entry {
            date: xuequ_domain::booking::to_local(a.starts_at).date(),
            title: a.title,
            category,
            hours: a.credit,
            credited: a.credit,
            activity_id: Some(a.activity_id),
            provider: String::new(),
            overlaps: None,
        });
    }
    // Two activities at once are credited once (the one worth more).
    for (teacher, list) in &sittings {
        let dropped = hours::overlapping(list);
        for e in out.get_mut(teacher).into_iter().flatten() {
            if let Some(kept) = e.activity_id.and_then(|a| dropped.get(&a)) {
                e.credited = 0;
                e.overlaps = Some((*kept, titles.get(kept).cloned().unwrap_or_default()));
            }
        }
    }
    for r in app.store.trainings(county, only, from, to).await? {
        out.entry(r.teacher_id).or_default().push(Entry {
            date: r.on_date,
            title: r.title,
            category: r.category,
            hours: r.hours,
            credited: r.hours,
            activity_id: None,
            provider: r.provider,
            overlaps: None,
        });
    }
    for list in out.values_mut() {
        list.sort_by_key(|e| e.date);
    }
    Ok(out)
}

/// The teachers' years, those furthest behind first.
pub async fn hours(app: &App, c: &Caller, q: &HoursQuery) -> Result<Vec<TeacherHours>> {
    check_year("year", q.year)?;
    let county = c.county();
    let teachers = teachers_asked(app, c, q).await?;
    let rules = app.store.running_settings(county).await?.hours;
    let by_teacher = entries(app, county, &teachers, q.year, teachers.len() > 500).await?;
    let names = app.store.school_names(county, &teachers.iter().map(|t| t.school_id).collect::<Vec<_>>()).await?;
    let mut out: Vec<TeacherHours> = teachers
        .into_iter()
        .map(|t| {
            let attended: Vec<(Category, Tenths)> =
                by_teacher.get(&t.id).map(|l| l.iter().map(|e| (e.category, e.credited)).collect()).unwrap_or_default();
            TeacherHours {
                school: names.get(&t.school_id).map(|n| n.1.clone()).unwrap_or_default(),
                year: hours::year(&attended, &rules),
                teacher: t,
            }
        })
        .collect();
    out.sort_by(|a, b| b.year.missing_total.cmp(&a.year.missing_total).then(a.teacher.staff_no.cmp(&b.teacher.staff_no)));
    Ok(out)
}

/// One teacher's year with every entry.
pub async fn record(app: &App, c: &Caller, teacher_id: i64, year: i32) -> Result<(TeacherHours, Vec<Entry>)> {
    check_year("year", year)?;
    let county = c.county();
    let q = HoursQuery { year, school_id: None, teacher_id: Some(teacher_id) };
    let teachers = teachers_asked(app, c, &q).await?;
    let list = entries(app, county, &teachers, year, false).await?.remove(&teacher_id).unwrap_or_default();
    let rules = app.store.running_settings(county).await?.hours;
    let attended: Vec<(Category, Tenths)> = list.iter().map(|e| (e.category, e.credited)).collect();
    let t = teachers.into_iter().next().ok_or(AppError::NotFound)?;
    let school = app.store.school(county, t.school_id).await?.map(|s| s.name).unwrap_or_default();
    Ok((TeacherHours { school, year: hours::year(&attended, &rules), teacher: t }, list))
}

/// Training earned elsewhere, as a school enters it.
#[derive(Debug, Clone, Default)]
pub struct TrainingInput {
    pub teacher_id: i64,
    pub category: String,
    pub title: String,
    pub provider: String,
    pub on_date: Option<NaiveDate>,
    pub hours: String,
}

/// Enters hours earned elsewhere for a teacher (their school's admin, the bureau).
pub async fn add_training(app: &App, c: &Caller, input: &TrainingInput) -> Result<training_record::Model> {
    let county = c.county();
    let t = app.store.teacher(county, input.teacher_id).await?.ok_or(AppError::NotFound)?;
    if !policy::hours_scope(&c.actor).includes(t.school_id) {
        return Err(AppError::NotFound);
    }
    if !policy::may_enter_hours(&c.actor, t.school_id) {
        return Err(AppError::Forbidden);
    }
    let mut problems = Vec::new();
    let title = text("title", &input.title, true, 100, &mut problems);
    let provider = text("provider", &input.provider, false, 100, &mut problems);
    let category = Category::parse(&input.category);
    if category.is_none() {
        problems.push(FieldProblem::new(
            "category",
            Problem::UnknownValue {
                value: input.category.chars().take(40).collect(),
                allowed: Category::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", "),
            },
        ));
    }
    let hours = hours::parse(&input.hours).filter(|h| (1..=1200).contains(h));
    if hours.is_none() {
        problems.push(FieldProblem::new(
            "hours",
            Problem::OutOfRange { value: input.hours.chars().take(20).collect(), min: "0.1".into(), max: "120".into() },
        ));
    }
    let today = Utc::now().date_naive();
    match input.on_date {
        None => problems.push(FieldProblem::new("on_date", Problem::Required)),
        Some(d) if d > today + chrono::Duration::days(1) => problems.push(FieldProblem::new("on_date", Problem::FutureDate)),
        Some(d) => {
            let (min, _) = xuequ_domain::running::date_range(chrono::Datelike::year(&today), xuequ_domain::running::YEARS_AROUND);
            if d < min {
                problems.push(FieldProblem::new(
                    "on_date",
                    Problem::OutOfRange { value: d.to_string(), min: min.to_string(), max: today.to_string() },
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let new = NewTraining {
        teacher_id: t.id,
        school_id: t.school_id,
        category: category.expect("checked"),
        title,
        provider,
        on_date: input.on_date.expect("checked"),
        hours: hours.expect("checked"),
    };
    Ok(app.store.add_training(&c.ctx(), &new).await?)
}
