//! Teacher exchange (教师交流轮岗): who is due to rotate at each school, the county's quota and
//! how far the year's moves meet it, where teachers are short, a rotation plan from the
//! rotation engine, and the moves themselves from proposal to return (`moves`), mentorship
//! pairs (`mentorships`), the rural allowance (`subsidy`) and the reports (`report`).
//! [`figures`] is what the cluster evaluation reads.

pub mod mentorships;
pub mod moves;
pub mod report;
pub mod settings;
pub mod subsidy;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use xuequ_domain::access::{Action, Resource, Target};
use xuequ_domain::exchange::{
    ExchangeSettings, Exclusion, MoveStatus, RotationRules, SubjectGap, TeacherFacts, eligibility, gaps, required_backbone, required_moves,
};
use xuequ_domain::{Locality, Post, Section, Status, Subject};
use xuequ_store::entities::{exchange_move, school, teacher};
use xuequ_store::exchange::MoveFilter;

use crate::figures::{self, Scope, ScopeKind, Unit};
use crate::{App, AppError, Caller, Result};

/// One school's exchange figures for a school year.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolExchange {
    pub school_id: i64,
    pub name: String,
    /// A sending school (urban, a cluster's lead, or marked by the county): its due teachers
    /// count for the quota.
    pub sending: bool,
    /// Teachers working here at the start of the year (their own, less those away, plus those
    /// placed here).
    pub teachers: usize,
    /// Due to rotate (eligible), and how many of them are backbone teachers (county or higher).
    pub eligible: usize,
    pub eligible_backbone: usize,
    /// Not due: too few years, retiring soon, left out by the school.
    pub too_few_years: usize,
    pub retiring: usize,
    pub excluded: usize,
    /// This year's moves out that count for the quota: agreed (approved or further), and of
    /// those carried out (begun or over).
    pub agreed_out: usize,
    pub done_out: usize,
    /// Backbone teachers among the agreed moves out (for the figures of a cluster).
    #[serde(skip)]
    pub agreed_backbone_out: usize,
    /// Need, have and shortage per subject (from the staffing norm and the latest statistics
    /// at or before the year); empty when the school has no statistics that early — its need
    /// is unknown, never taken as 0 (which would make every teacher of it surplus).
    pub gaps: Vec<SubjectGap>,
    /// The school year whose pupils give the need, if any.
    pub figures_year: Option<i32>,
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
    /// Moves out of sending schools this year (轮岗 and 支教): agreed, and carried out; backbone
    /// teachers among the agreed, and how many the share asks of them.
    pub agreed: usize,
    pub done: usize,
    pub agreed_backbone: usize,
    pub required_backbone: usize,
    /// Principals and vice-principals due to rotate (校长交流, ten years by default): the
    /// bureau places them itself, so they are neither in the teachers' figures above nor in a
    /// rotation plan.
    pub leaders_due: Vec<LeaderDue>,
}

/// A school leader due to rotate.
#[derive(Debug, Clone, Serialize)]
pub struct LeaderDue {
    pub teacher_id: i64,
    pub name: String,
    pub school_id: i64,
    pub school: String,
    pub post: Post,
    pub joined_school_on: NaiveDate,
    /// Whole years at the school on 1 September of the year.
    pub years: u32,
}

impl Overview {
    pub fn quota_met(&self) -> bool {
        self.agreed >= self.required_moves
    }
    pub fn backbone_met(&self) -> bool {
        self.agreed_backbone >= self.required_backbone
    }
}

/// The school year a day falls in (it starts on 1 September).
pub fn school_year_of(day: NaiveDate) -> i32 {
    if day.month() >= 9 { day.year() } else { day.year() - 1 }
}

/// 1 September of a school year, after checking the year is one people plan for.
pub(crate) fn year_start(year: i32) -> Result<NaiveDate> {
    if !(1990..=2100).contains(&year) {
        return Err(AppError::invalid(
            "year",
            xuequ_domain::Problem::OutOfRange { value: year.to_string(), min: "1990".into(), max: "2100".into() },
        ));
    }
    Ok(NaiveDate::from_ymd_opt(year, 9, 1).expect("1 September"))
}

/// What eligibility reads of a stored teacher; `excluded` is the school's reason, if any.
fn facts(t: &teacher::Model, excluded: Option<String>) -> TeacherFacts {
    TeacherFacts {
        joined_school_on: t.joined_school_on,
        birth_year: t.birth_year,
        gender: t.gender,
        backbone: t.backbone,
        leader: t.post.is_leader(),
        excluded,
    }
}

/// Where each teacher works on `day`: the receiving school of a move of the whole post under
/// way then (confirmed, begun or over, covering the day), else their home school.
pub(crate) fn working_schools(teachers: &[teacher::Model], moves: &[exchange_move::Model], day: NaiveDate) -> HashMap<i64, i64> {
    let mut at: HashMap<i64, i64> = teachers.iter().map(|t| (t.id, t.school_id)).collect();
    for m in moves {
        let placed = matches!(m.status, MoveStatus::Confirmed | MoveStatus::Active | MoveStatus::Returned);
        let whole = m.form.moves_the_post();
        // Ended early: the last day there is the day before the return.
        let last = match m.returned_at.and_then(|r| r.date_naive().pred_opt()) {
            Some(back) => back.min(m.ends_on),
            None => m.ends_on,
        };
        if placed && whole && m.starts_on <= day && day <= last {
            at.insert(m.teacher_id, m.to_school_id);
        }
    }
    at
}

/// The county's sending schools: urban ones, the leads of active clusters, and those it marks.
async fn sending_schools(app: &App, county: i64, schools: &[school::Model], settings: &ExchangeSettings) -> Result<HashSet<i64>> {
    let leads: HashSet<i64> =
        app.store.all_clusters(county).await?.into_iter().filter(|k| k.status == Status::Active).map(|k| k.lead_school_id).collect();
    Ok(schools
        .iter()
        .filter(|s| s.locality == Locality::Urban || leads.contains(&s.id) || settings.extra_sending.contains(&s.id))
        .map(|s| s.id)
        .collect())
}

/// Each school's newest statistics at or before the year: (their year, primary pupils, junior
/// pupils) — pupils drive the staffing norm.
async fn newest_students(app: &App, county: i64, year: i32) -> Result<HashMap<i64, (i32, u32, u32)>> {
    let mut students: HashMap<i64, (i32, u32, u32)> = HashMap::new();
    for st in app.store.all_stats(county, None).await? {
        if st.year <= year && students.get(&st.school_id).is_none_or(|(y, _, _)| *y < st.year) {
            students.insert(st.school_id, (st.year, st.students_primary.max(0) as u32, st.students_junior.max(0) as u32));
        }
    }
    Ok(students)
}

/// Who is due, the quota and how far the year's moves meet it, and the shortages of the schools
/// the caller sees (of one cluster, with `cluster`), for the school year starting `year` (this
/// one by default).
pub async fn overview(app: &App, c: &Caller, year: Option<i32>, cluster: Option<i64>) -> Result<Overview> {
    let county = c.county();
    c.require(Action::Read, Resource::Exchange, &Target::county(county))?;
    let year = year.unwrap_or_else(|| school_year_of(crate::today()));
    let start = year_start(year)?;
    let settings = app.store.exchange_settings(county).await?;
    let rules = settings.rules.clone();
    let visible = c.visibility(Resource::Exchange);
    let only: Option<Vec<i64>> = match cluster {
        Some(id) => Some(crate::clusters::school_ids(app, c, id).await?),
        None => None,
    };
    let all_schools = app.store.all_schools(county).await?;
    let sending = sending_schools(app, county, &all_schools, &settings).await?;
    let schools: Vec<school::Model> = all_schools
        .into_iter()
        .filter(|s| s.status == Status::Active && visible.includes(s.id) && only.as_ref().is_none_or(|ids| ids.contains(&s.id)))
        .collect();
    let students = newest_students(app, county, year).await?;
    let teachers = app.store.active_teachers(county).await?;
    let all_moves = app.store.exchange_moves(county, &MoveFilter::default()).await?;
    let working = working_schools(&teachers, &all_moves, start);
    let excluded: HashMap<i64, String> =
        app.store.exclusions(county, year).await?.into_iter().map(|e| (e.teacher_id, e.reason.code().to_string())).collect();
    let backbone: HashSet<i64> = teachers.iter().filter(|t| t.backbone.county_or_higher()).map(|t| t.id).collect();
    let mut by_home: HashMap<i64, Vec<&teacher::Model>> = HashMap::new();
    let mut have: HashMap<i64, BTreeMap<Subject, u32>> = HashMap::new();
    for t in &teachers {
        by_home.entry(t.school_id).or_default().push(t);
        *have.entry(working[&t.id]).or_default().entry(t.subject).or_default() += 1;
    }
    // This year's agreed moves that count for the quota, by sending school.
    let year_moves: Vec<&exchange_move::Model> =
        all_moves.iter().filter(|m| m.year == year).filter(|m| m.form.counts_for_quota()).filter(|m| m.status.agreed()).collect();
    let mut out = Vec::new();
    let mut leaders_due = Vec::new();
    for s in &schools {
        let list = by_home.get(&s.id).map(Vec::as_slice).unwrap_or(&[]);
        let mut row = SchoolExchange {
            school_id: s.id,
            name: s.name.clone(),
            sending: sending.contains(&s.id),
            teachers: working.values().filter(|w| **w == s.id).count(),
            eligible: 0,
            eligible_backbone: 0,
            too_few_years: 0,
            retiring: 0,
            excluded: 0,
            agreed_out: 0,
            done_out: 0,
            agreed_backbone_out: 0,
            gaps: Vec::new(),
            figures_year: None,
        };
        for t in list {
            let f = facts(t, excluded.get(&t.id).cloned());
            if t.post.is_leader() {
                if eligibility(&f, start, &rules).is_ok() {
                    leaders_due.push(LeaderDue {
                        teacher_id: t.id,
                        name: t.name.clone(),
                        school_id: s.id,
                        school: s.name.clone(),
                        post: t.post,
                        joined_school_on: t.joined_school_on,
                        years: xuequ_domain::exchange::eligibility::full_years(t.joined_school_on, start),
                    });
                }
                continue;
            }
            match eligibility(&f, start, &rules) {
                Ok(()) => {
                    row.eligible += 1;
                    row.eligible_backbone += f.backbone.county_or_higher() as usize;
                }
                Err(Exclusion::TooFewYears { .. }) => row.too_few_years += 1,
                Err(Exclusion::Retiring { .. }) => row.retiring += 1,
                Err(Exclusion::ByTheSchool { .. }) => row.excluded += 1,
            }
        }
        for m in year_moves.iter().filter(|m| m.from_school_id == s.id) {
            row.agreed_out += 1;
            row.done_out += m.status.done() as usize;
            row.agreed_backbone_out += backbone.contains(&m.teacher_id) as usize;
        }
        if let Some(&(figures_year, primary, junior)) = students.get(&s.id) {
            row.gaps = gaps(&settings.norm.needed(primary, junior), have.get(&s.id).unwrap_or(&BTreeMap::new()));
            row.figures_year = Some(figures_year);
        }
        out.push(row);
    }
    let shown: HashSet<i64> = out.iter().map(|s| s.school_id).collect();
    let eligible_at_sending = out.iter().filter(|s| s.sending).map(|s| s.eligible).sum();
    let from_sending: Vec<&&exchange_move::Model> =
        year_moves.iter().filter(|m| sending.contains(&m.from_school_id) && shown.contains(&m.from_school_id)).collect();
    let agreed = from_sending.len();
    let agreed_backbone = from_sending.iter().filter(|m| backbone.contains(&m.teacher_id)).count();
    let required = required_moves(eligible_at_sending, &rules);
    // Longest at their school first: the bureau places them in that order.
    leaders_due.sort_by_key(|l| (l.joined_school_on, l.teacher_id));
    Ok(Overview {
        leaders_due,
        year,
        required_backbone: required_backbone(agreed.max(required), &rules),
        required_moves: required,
        agreed,
        done: from_sending.iter().filter(|m| m.status.done()).count(),
        agreed_backbone,
        rules,
        eligible_at_sending,
        schools: out,
    })
}

/// The exchange figures the cluster evaluation reads, for a cluster's schools (or the
/// county's) in a school year.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub year: i32,
    pub eligible_at_sending: usize,
    pub required_moves: usize,
    pub agreed_moves: usize,
    pub done_moves: usize,
    pub required_backbone: usize,
    pub agreed_backbone: usize,
    pub quota_met: bool,
    pub backbone_met: bool,
    /// Shortages left in the rural-shortage subjects (体育, 音乐, 美术, 科学, 英语, 信息技术).
    pub rural_shortage: i64,
    /// Mentorship pairs active in the year and their meetings in it.
    pub mentorship_pairs: usize,
    pub mentorship_meetings: usize,
}

pub async fn figures(app: &App, c: &Caller, year: Option<i32>, cluster: Option<i64>) -> Result<Figures> {
    let view = overview(app, c, year, cluster).await?;
    let rural_shortage = view
        .schools
        .iter()
        .flat_map(|s| s.gaps.iter())
        .filter(|g| xuequ_domain::exchange::staffing::rural_shortage_subject(g.subject))
        .map(|g| g.short.max(0))
        .sum();
    let schools: Vec<i64> = view.schools.iter().map(|s| s.school_id).collect();
    let (pairs, meetings) = mentorships::counts(app, c, view.year, &schools).await?;
    Ok(Figures {
        year: view.year,
        eligible_at_sending: view.eligible_at_sending,
        required_moves: view.required_moves,
        agreed_moves: view.agreed,
        done_moves: view.done,
        required_backbone: view.required_backbone,
        agreed_backbone: view.agreed_backbone,
        quota_met: view.quota_met(),
        backbone_met: view.backbone_met(),
        rural_shortage,
        mentorship_pairs: pairs,
        mentorship_meetings: meetings,
    })
}

/// A rotation plan for the schools of the overview (the county's, or one cluster's): eligible
/// teachers move within `max_km` from surplus to shortage, preferring their own cluster, meeting
/// what is left of the quotas after the moves already agreed. Teachers with a move in the year
/// or the year before, and schools without a location, are left out.
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
    let start = year_start(view.year)?;
    let all_schools = app.store.all_schools(county).await?;
    let located: HashMap<i64, (f64, f64)> = all_schools.iter().filter_map(|s| Some((s.id, (s.latitude?, s.longitude?)))).collect();
    let cluster_of = cluster_of_schools(app, county).await?;
    // Kilometres on a plane around the county's middle (a county is small enough for it).
    let mid_lat = located.values().map(|p| p.0).sum::<f64>() / located.len().max(1) as f64;
    let km = |(lat, lon): (f64, f64)| (lon * 111.32 * mid_lat.to_radians().cos(), lat * 110.57);
    // Teachers with a move this year or last (standing or done) are not sent again: they are
    // already moving, or just back.
    let busy: HashSet<i64> = app
        .store
        .exchange_moves(county, &MoveFilter::default())
        .await?
        .into_iter()
        .filter(|m| m.year == view.year || m.year == view.year - 1)
        .filter(|m| m.status.standing() || m.status == MoveStatus::Returned)
        .map(|m| m.teacher_id)
        .collect();
    let excluded: HashMap<i64, String> =
        app.store.exclusions(county, view.year).await?.into_iter().map(|e| (e.teacher_id, e.reason.code().to_string())).collect();
    let mut input = xuequ_rotate::Input {
        max_km,
        quota: 0.0,
        backbone_share: view.rules.backbone_share,
        shortage_weight: 50.0,
        // Leaving the cluster weighs as 5 km more: a neighbour in the cluster wins over a
        // slightly nearer school elsewhere.
        cross_cluster_km: 5.0,
        // Two teachers of one subject trading places between the same two schools reads as a
        // pointless swap to a clerk: the quota is met by rings of three schools instead.
        no_swaps: true,
        schools: Vec::new(),
        teachers: Vec::new(),
    };
    // Unless the bureau allows crossing sections, each teacher is planned within their own:
    // a subject of the plan is a subject in a section, and a school needs each separately.
    let settings = app.store.exchange_settings(county).await?;
    let by_section = !settings.cross_stage;
    let students = newest_students(app, county, view.year).await?;
    let taught: HashMap<i64, &'static [Section]> = all_schools.iter().map(|s| (s.id, s.school_type.sections())).collect();
    for s in view.schools.iter().filter(|s| located.contains_key(&s.school_id)) {
        let (x_km, y_km) = km(located[&s.school_id]);
        let need = match (by_section, students.get(&s.school_id)) {
            (true, Some(&(_, primary, junior))) => settings
                .norm
                .needed_by_section(primary, junior)
                .into_iter()
                .map(|((subject, section), n)| (plan_subject(subject, Some(section)), n))
                .collect(),
            (true, None) => BTreeMap::new(),
            (false, _) => s.gaps.iter().map(|g| (plan_subject(g.subject, None), g.need)).collect(),
        };
        let cluster = cluster_of.get(&s.school_id).copied();
        input.schools.push(xuequ_rotate::School { id: s.school_id, x_km, y_km, sending: s.sending, need, cluster });
    }
    let placed: HashSet<i64> = input.schools.iter().map(|s| s.id).collect();
    let teachers = app.store.active_teachers(county).await?;
    let moves = app.store.exchange_moves(county, &MoveFilter::default()).await?;
    let working = working_schools(&teachers, &moves, start);
    for t in teachers.iter().filter(|t| placed.contains(&working[&t.id])) {
        let f = facts(t, excluded.get(&t.id).cloned());
        let at_home = working[&t.id] == t.school_id;
        let section = by_section.then(|| settings.norm.section_of(taught.get(&t.school_id).copied().unwrap_or(&[]), t.section, t.subject));
        input.teachers.push(xuequ_rotate::Teacher {
            id: t.id,
            school: working[&t.id],
            subject: plan_subject(t.subject, section),
            // Leaders rotate as leaders (校长交流), placed by the bureau, not to fill a subject.
            eligible: at_home && !t.post.is_leader() && !busy.contains(&t.id) && eligibility(&f, start, &view.rules).is_ok(),
            backbone: f.backbone.county_or_higher(),
        });
    }
    let sending: HashSet<i64> = input.schools.iter().filter(|s| s.sending).map(|s| s.id).collect();
    let free_at_sending = input.teachers.iter().filter(|t| t.eligible && sending.contains(&t.school)).count();
    let left = view.required_moves.saturating_sub(view.agreed);
    input.quota = if free_at_sending == 0 { 0.0 } else { (left as f64 / free_at_sending as f64).min(1.0) };
    let mut plan = xuequ_rotate::solve(&input).map_err(|e| AppError::Internal(e.to_string()))?;
    for m in &mut plan.moves {
        m.subject = subject_of_plan(&m.subject);
    }
    // A 九年一贯制 school short of a subject in both sections reads as one shortage.
    let mut unfilled: Vec<xuequ_rotate::Unfilled> = Vec::new();
    for mut u in std::mem::take(&mut plan.unfilled) {
        u.subject = subject_of_plan(&u.subject);
        match unfilled.iter_mut().find(|x| x.school == u.school && x.subject == u.subject) {
            Some(x) => x.missing += u.missing,
            None => unfilled.push(u),
        }
    }
    plan.unfilled = unfilled;
    Ok((view, plan))
}

/// A subject as the rotation plan knows it: the subject's code, in a section when the plan
/// keeps teachers in theirs (`math@junior`).
fn plan_subject(subject: Subject, section: Option<Section>) -> String {
    match section {
        Some(section) => format!("{}@{}", subject.code(), section.code()),
        None => subject.code().to_string(),
    }
}

/// The subject's code back from [`plan_subject`].
fn subject_of_plan(key: &str) -> String {
    key.split('@').next().unwrap_or(key).to_string()
}

/// The id of the county's active teacher with this staff number, as forms name teachers (the
/// use case it is for then checks the caller may act on them); `field` names the form's field
/// in the problem when there is none.
pub async fn teacher_by_staff_no(app: &App, c: &Caller, field: &'static str, staff_no: &str) -> Result<i64> {
    c.require(Action::Read, Resource::Exchange, &Target::county(c.county()))?;
    let staff_no = staff_no.trim();
    app.store
        .active_teachers(c.county())
        .await?
        .into_iter()
        .find(|t| t.staff_no == staff_no)
        .map(|t| t.id)
        .ok_or_else(|| AppError::invalid(field, xuequ_domain::Problem::NotFound { value: staff_no.chars().take(40).collect() }))
}

/// Each school's cluster (the first active one it belongs to).
async fn cluster_of_schools(app: &App, county: i64) -> Result<HashMap<i64, i64>> {
    let mut out = HashMap::new();
    for k in app.store.all_clusters(county).await?.into_iter().filter(|k| k.status == Status::Active) {
        for s in app.store.cluster_school_ids(county, k.id).await? {
            out.entry(s).or_insert(k.id);
        }
    }
    Ok(out)
}

/// The exchange figures (轮岗交流) of a school year: the share of the rotation quota and of the
/// backbone quota agreed (100 when nothing is required), the moves agreed, mentorship pairs and
/// the shortages left in the subjects rural schools lack most.
pub(crate) static FIGURES: figures::Provider = figures::Provider {
    figures: &[
        figure("exchange.quota_share", Unit::Percent, true),
        figure("exchange.backbone_quota_share", Unit::Percent, true),
        figure("exchange.moves_agreed", Unit::Count, true),
        figure("exchange.mentorship_pairs", Unit::Count, true),
        figure("exchange.rural_shortage", Unit::Count, false),
    ],
    compute: |app, c, year, scopes| Box::pin(exchange_figures(app, c, year, scopes)),
};

const fn figure(key: &'static str, unit: Unit, higher_is_better: bool) -> figures::Figure {
    figures::Figure {
        key,
        unit,
        higher_is_better,
        scopes: &[ScopeKind::County, ScopeKind::Cluster],
        period: figures::Period::SchoolYear,
        source: figures::Source::Exchange,
    }
}

async fn exchange_figures(app: &App, c: &Caller, year: i32, scopes: &[Scope]) -> Result<figures::Values> {
    // One pass over the county; a cluster's figures are its schools' rows added up, as
    // `overview` adds them for a cluster (the quota counts sending schools only).
    let county = overview(app, c, Some(year), None).await?;
    let clusters = crate::running::Clusters::load(app, c.county()).await?;
    let pairs_of_year = mentorships::pairs_of_year(app, c, county.year).await?;
    let share = |done: usize, required: usize| if required == 0 { Some(100.0) } else { figures::percent(done, required) };
    let mut out = figures::Values::new();
    for scope in scopes {
        let members: Option<&[i64]> = match *scope {
            Scope::County => None,
            Scope::Cluster(id) => Some(clusters.schools(id)),
            Scope::School(_) => continue,
        };
        let rows: Vec<&SchoolExchange> = county.schools.iter().filter(|s| members.is_none_or(|m| m.contains(&s.school_id))).collect();
        let sending = || rows.iter().filter(|s| s.sending);
        let eligible: usize = sending().map(|s| s.eligible).sum();
        let agreed: usize = sending().map(|s| s.agreed_out).sum();
        let agreed_backbone: usize = sending().map(|s| s.agreed_backbone_out).sum();
        let required = required_moves(eligible, &county.rules);
        let required_backbone = required_backbone(agreed.max(required), &county.rules);
        let rural_shortage: i64 = rows
            .iter()
            .flat_map(|s| s.gaps.iter())
            .filter(|g| xuequ_domain::exchange::staffing::rural_shortage_subject(g.subject))
            .map(|g| g.short.max(0))
            .sum();
        let ids: Vec<i64> = rows.iter().map(|s| s.school_id).collect();
        let (pairs, _) = mentorships::count_in(&pairs_of_year, &ids);
        figures::put(&mut out, *scope, "exchange.quota_share", share(agreed, required));
        figures::put(&mut out, *scope, "exchange.backbone_quota_share", share(agreed_backbone, required_backbone));
        out.insert((*scope, "exchange.moves_agreed"), agreed as f64);
        out.insert((*scope, "exchange.mentorship_pairs"), pairs as f64);
        out.insert((*scope, "exchange.rural_shortage"), rural_shortage as f64);
    }
    Ok(out)
}
