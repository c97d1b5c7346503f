//! A generated demo county, the same every time (fixed seed), realistic enough that every
//! feature shows meaningful results: a county seat and twelve townships; about 100 primary
//! schools, 25 junior schools, 8 nine-year schools and 30 teaching points with locations;
//! urban schools larger and better resourced than rural ones; about 4,000 teachers; facilities;
//! three school years of statistics that improve year on year; and clusters of several forms.
//!
//! No I/O: the caller stores what [`generate`] returns.

pub mod files;
pub mod lessons;
mod names;

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xuequ_domain::drafts::{ClusterDraft, FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_domain::*;

/// The password of every demo account (demo mode only).
pub const DEMO_PASSWORD: &str = "xuequ-demo";

/// The codes of the generated counties (the demo county and the small second one): what the
/// demo loaders may fill, and nothing else.
pub const DEMO_COUNTIES: [&str; 2] = ["YL", "SQ"];

/// The school years generated: 2022–2023, 2023–2024 and 2024–2025.
pub const YEARS: [i32; 3] = [2022, 2023, 2024];

/// Dates in the demo are relative to this day, so the county is the same whenever it is made.
pub fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 11, 1).expect("valid date")
}

pub struct DemoCounty {
    pub code: String,
    pub name: String,
    pub schools: Vec<SchoolDraft>,
    pub stats: Vec<StatsDraft>,
    pub teachers: Vec<TeacherDraft>,
    pub facilities: Vec<FacilityDraft>,
    pub clusters: Vec<DemoCluster>,
    pub accounts: Vec<DemoAccount>,
    /// Facility sharing of the current term (dates relative to the week the demo is loaded).
    pub bookings: Vec<DemoBooking>,
}

/// Bookings of one facility by one school: a weekday and lesson periods over a run of weeks
/// (0 is the week the demo is loaded, -8 eight weeks before), in one state.
pub struct DemoBooking {
    /// The lending school's name and the kind of facility (its first of that kind).
    pub owner: &'static str,
    pub kind: FacilityKind,
    pub borrower: &'static str,
    /// 1 = Monday.
    pub weekday: u32,
    pub periods: (u8, u8),
    pub weeks: std::ops::RangeInclusive<i64>,
    pub status: booking::BookingStatus,
    pub purpose: &'static str,
    pub group: &'static str,
    /// Why it was declined or cancelled.
    pub reason: &'static str,
}

/// A county's school year (its first calendar year): the autumn and spring terms with the
/// national holidays that fall in them.
pub fn school_calendar(year: i32) -> booking::SchoolCalendar {
    let d = |y: i32, m: u32, day: u32| NaiveDate::from_ymd_opt(y, m, day).expect("valid date");
    let closed = |from: NaiveDate, to: NaiveDate, reason: &str| booking::Closure { from, to, reason: reason.into() };
    booking::SchoolCalendar {
        terms: vec![(d(year, 9, 1), d(year + 1, 1, 22)), (d(year + 1, 2, 23), d(year + 1, 7, 9))],
        closures: vec![
            closed(d(year, 10, 1), d(year, 10, 7), "国庆节"),
            closed(d(year + 1, 1, 1), d(year + 1, 1, 1), "元旦"),
            closed(d(year + 1, 1, 18), d(year + 1, 1, 22), "期末考试"),
            closed(d(year + 1, 4, 4), d(year + 1, 4, 6), "清明节"),
            closed(d(year + 1, 5, 1), d(year + 1, 5, 5), "劳动节"),
        ],
    }
}

/// Lead schools lending labs and computer rooms to their districts' members through the term,
/// a request waiting in the cluster head's inbox and one in the principal's, one declined and
/// one cancelled.
fn demo_bookings() -> Vec<DemoBooking> {
    use booking::BookingStatus::*;
    let b = |owner, kind, borrower, weekday, periods, weeks, status, purpose, group, reason| DemoBooking {
        owner,
        kind,
        borrower,
        weekday,
        periods,
        weeks,
        status,
        purpose,
        group,
        reason,
    };
    let lab = FacilityKind::Lab;
    let computers = FacilityKind::ComputerRoom;
    vec![
        b("城关第二小学", lab, "东坪镇中心小学", 1, (5, 6), -8..=4, Confirmed, "科学实验课", "五年级", ""),
        b("城关第二小学", lab, "西河乡中心小学", 4, (5, 6), -8..=4, Confirmed, "科学实验课", "六年级", ""),
        b("城关第二小学", computers, "西河乡中心小学", 3, (3, 4), -6..=2, Confirmed, "信息技术课", "五年级", ""),
        b("城关第三小学", lab, "南山镇中心小学", 2, (3, 4), -8..=4, Confirmed, "科学实验课", "四年级", ""),
        b("城关第三小学", lab, "北塬乡中心小学", 5, (5, 6), -8..=4, Confirmed, "科学实验课", "六年级", ""),
        b("城关第四小学", lab, "石门镇中心小学", 1, (5, 6), -8..=4, Confirmed, "科学实验课", "五年级", ""),
        b("城关第四小学", lab, "白水乡中心小学", 3, (5, 6), -8..=4, Confirmed, "科学实验课", "六年级", ""),
        b("城关第二小学", computers, "东坪镇中心小学", 5, (1, 2), 1..=1, Pending, "编程兴趣小组", "四、五年级", ""),
        b("东坪镇中心小学", lab, "西河乡中心小学", 4, (3, 4), 1..=1, Pending, "科学公开课观摩", "六年级", ""),
        b("城关第三小学", lab, "北塬乡中心小学", 1, (1, 2), -3..=-3, Declined, "科学实验课", "五年级", "与本校实验课冲突"),
        b("城关第四小学", lab, "白水乡中心小学", 5, (1, 2), -2..=-2, Cancelled, "科学实验课", "四年级", "学校临时活动"),
    ]
}

pub struct DemoCluster {
    pub draft: ClusterDraft,
    /// Members other than the lead, with the day they joined.
    pub members: Vec<(String, NaiveDate)>,
    pub officers: Vec<(OfficerRole, String, Option<String>)>,
}

/// A demo account: its scope is named by school code or cluster name.
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: String,
    pub role: Role,
    pub school_code: Option<String>,
    pub cluster_name: Option<String>,
}

/// A school being generated, with what the statistics and teachers are derived from.
struct Plan {
    draft: SchoolDraft,
    students_primary: i32,
    students_junior: i32,
    /// 0 (poorest) .. 1 (best resourced).
    wealth: f64,
}

struct Gen {
    rng: ChaCha8Rng,
    /// Names given so far: two schools of a county never share a name.
    used: std::collections::HashSet<String>,
    next_school: u32,
    next_teacher: u32,
}

impl Gen {
    fn between(&mut self, low: f64, high: f64) -> f64 {
        self.rng.random_range(low..high)
    }

    fn school_code(&mut self) -> String {
        self.next_school += 1;
        format!("31410{:05}", self.next_school)
    }

    /// A village name not yet used for a school with this prefix and suffix.
    fn village(&mut self, prefix: &str, suffix: &str) -> String {
        loop {
            let name = format!("{prefix}{}{suffix}", names::village(&mut self.rng));
            if self.used.insert(name.clone()) {
                return name;
            }
        }
    }

    fn person(&mut self) -> String {
        names::person(&mut self.rng)
    }
}

const SEAT: (f64, f64) = (34.62, 110.35);

fn place(g: &mut Gen, centre: (f64, f64), spread_km: f64) -> (f64, f64) {
    let lat = centre.0 + g.between(-spread_km, spread_km) / 111.0;
    let lon = centre.1 + g.between(-spread_km, spread_km) / 91.0;
    ((lat * 1e5).round() / 1e5, (lon * 1e5).round() / 1e5)
}

#[allow(clippy::too_many_arguments)]
fn school(
    g: &mut Gen,
    name: String,
    school_type: SchoolType,
    locality: Locality,
    township: &str,
    at: (f64, f64),
    students: (i32, i32),
    wealth: f64,
) -> Plan {
    let principal = if school_type == SchoolType::TeachingPoint { String::new() } else { g.person() };
    let phone = format!("0913-{}", g.rng.random_range(6_000_000..6_999_999));
    Plan {
        draft: SchoolDraft {
            code: g.school_code(),
            name,
            school_type,
            locality,
            township: township.to_string(),
            address: format!("{township}{}", names::street(&mut g.rng)),
            latitude: Some(at.0),
            longitude: Some(at.1),
            legal_person: true,
            campus_of: None,
            principal,
            phone,
        },
        students_primary: students.0,
        students_junior: students.1,
        wealth,
    }
}

/// Generates the demo county (云岭县).
pub fn generate() -> DemoCounty {
    let mut g = Gen { rng: ChaCha8Rng::seed_from_u64(20_251_101), used: Default::default(), next_school: 0, next_teacher: 0 };
    let mut plans = Vec::new();
    // The county seat: large, well-resourced urban schools.
    for (i, n) in names::ORDINALS.iter().take(14).enumerate() {
        let at = place(&mut g, SEAT, 3.0);
        let students = g.rng.random_range(1200..2300);
        let wealth = 0.95 - i as f64 * 0.03;
        plans.push(school(&mut g, format!("城关第{n}小学"), SchoolType::Primary, Locality::Urban, "城关镇", at, (students, 0), wealth));
    }
    for (i, n) in names::ORDINALS.iter().take(7).enumerate() {
        let at = place(&mut g, SEAT, 3.0);
        let students = g.rng.random_range(1300..2200);
        let wealth = 0.95 - i as f64 * 0.05;
        plans.push(school(
            &mut g,
            format!("云岭县第{n}初级中学"),
            SchoolType::Junior,
            Locality::Urban,
            "城关镇",
            at,
            (0, students),
            wealth,
        ));
    }
    for name in ["云岭县实验学校", "城关九年制学校"] {
        let at = place(&mut g, SEAT, 3.0);
        let (p, j) = (g.rng.random_range(700..1100), g.rng.random_range(450..800));
        plans.push(school(&mut g, name.to_string(), SchoolType::NineYear, Locality::Urban, "城关镇", at, (p, j), 0.85));
    }
    // Townships: a central primary, village primaries, a junior school, some nine-year schools
    // and teaching points, poorer the farther out.
    let mut point_count = 0;
    for (t, (township, bearing, km)) in names::TOWNSHIPS.iter().enumerate() {
        let centre = (SEAT.0 + km * bearing.to_radians().sin() / 111.0, SEAT.1 + km * bearing.to_radians().cos() / 91.0);
        let remote = km / 45.0;
        let at = place(&mut g, centre, 1.0);
        let students = g.rng.random_range(500..950);
        plans.push(school(
            &mut g,
            format!("{township}中心小学"),
            SchoolType::Primary,
            Locality::Town,
            township,
            at,
            (students, 0),
            0.6 - remote * 0.2,
        ));
        let villages = if t % 3 == 0 { 7 } else { 6 };
        for _ in 0..villages {
            let at = place(&mut g, centre, 7.0);
            let name = g.village(township, "小学");
            let students = g.rng.random_range(90..420);
            let wealth = g.between(0.15, 0.45) - remote * 0.1;
            plans.push(school(&mut g, name, SchoolType::Primary, Locality::Rural, township, at, (students, 0), wealth));
        }
        let at = place(&mut g, centre, 1.5);
        let students = g.rng.random_range(420..1000);
        plans.push(school(
            &mut g,
            format!("{township}初级中学"),
            SchoolType::Junior,
            Locality::Town,
            township,
            at,
            (0, students),
            0.55 - remote * 0.2,
        ));
        if t < 6 {
            let at = place(&mut g, centre, 5.0);
            let students = g.rng.random_range(400..800);
            plans.push(school(
                &mut g,
                format!("{township}第二初级中学"),
                SchoolType::Junior,
                Locality::Rural,
                township,
                at,
                (0, students),
                0.4 - remote * 0.1,
            ));
        }
        if t < 6 {
            let at = place(&mut g, centre, 6.0);
            let name = g.village(township, "九年制学校");
            let (p, j) = (g.rng.random_range(250..600), g.rng.random_range(150..400));
            plans.push(school(&mut g, name, SchoolType::NineYear, Locality::Rural, township, at, (p, j), 0.35));
        }
        let points = if t % 2 == 0 { 3 } else { 2 };
        for _ in 0..points.min(30 - point_count) {
            point_count += 1;
            let at = place(&mut g, centre, 10.0);
            let name = g.village(township, "教学点");
            // A third of teaching points have fewer than 50 pupils: the standard leaves them out.
            let students = if point_count % 3 == 0 { g.rng.random_range(8..49) } else { g.rng.random_range(50..120) };
            plans.push(school(&mut g, name, SchoolType::TeachingPoint, Locality::Rural, township, at, (students, 0), 0.2));
        }
    }
    // Two campuses of the tight education group: branch schools without their own legal person.
    let head_code = plans[0].draft.code.clone();
    for (name, township) in [("城关第一小学东城校区", "城关镇"), ("城关第一小学南山校区", "南山镇")] {
        let at = place(&mut g, SEAT, 5.0);
        let students = g.rng.random_range(600..1000);
        let mut p = school(
            &mut g,
            name.to_string(),
            SchoolType::Primary,
            if township == "城关镇" { Locality::Urban } else { Locality::Town },
            township,
            at,
            (students, 0),
            0.7,
        );
        p.draft.legal_person = false;
        p.draft.campus_of = Some(head_code.clone());
        p.draft.principal = g.person();
        plans.push(p);
    }
    let stats = plans.iter().flat_map(|p| stats_for(&mut g, p)).collect();
    let teachers = plans.iter().flat_map(|p| teachers_for(&mut g, p)).collect();
    let facilities = plans.iter().flat_map(|p| facilities_for(&mut g, p)).collect();
    let clusters = clusters_for(&mut g, &plans);
    let accounts = accounts_for(&plans, &clusters);
    DemoCounty {
        code: DEMO_COUNTIES[0].into(),
        name: "云岭县".into(),
        schools: plans.into_iter().map(|p| p.draft).collect(),
        stats,
        teachers,
        facilities,
        clusters,
        accounts,
        bookings: demo_bookings(),
    }
}

fn stats_for(g: &mut Gen, p: &Plan) -> Vec<StatsDraft> {
    let w = p.wealth.clamp(0.05, 1.0);
    let students = (p.students_primary + p.students_junior) as f64;
    let class_size = |g: &mut Gen, section: Section| match p.draft.locality {
        Locality::Urban => g.between(42.0, if section == Section::Primary { 52.0 } else { 56.0 }),
        Locality::Town => g.between(35.0, 46.0),
        Locality::Rural => g.between(18.0, 38.0),
    };
    let cp = class_size(g, Section::Primary);
    let cj = class_size(g, Section::Junior);
    let teaching = students * g.between(3.2, 4.6) * (0.8 + 0.5 * (1.0 - w));
    let sports = students * g.between(4.0, 8.0) * (0.8 + 1.2 * (1.0 - w));
    let equipment = students * g.between(1200.0, 1800.0) * (0.5 + w);
    let multimedia = students / 100.0 * g.between(1.2, 2.0) * (0.6 + w);
    let books = students * g.between(18.0, 32.0);
    let computers = students / 100.0 * g.between(6.0, 14.0) * (0.6 + w);
    YEARS
        .iter()
        .enumerate()
        .map(|(i, year)| {
            // Each year brings more equipment and rooms; enrolment drifts.
            let growth = 1.0 + 0.06 * i as f64;
            let drift = 1.0 + g.between(-0.03, 0.02) * i as f64;
            let sp = (p.students_primary as f64 * drift).round() as i32;
            let sj = (p.students_junior as f64 * drift).round() as i32;
            let classes = |s: i32, size: f64| if s == 0 { 0 } else { ((s as f64 / size).ceil() as i32).max(1) };
            let (kp, kj) = (classes(sp, cp), classes(sj, cj));
            let max_class =
                [(sp, kp), (sj, kj)].iter().filter(|(_, k)| *k > 0).map(|(s, k)| (*s as f64 / *k as f64 * 1.08).ceil() as i32).max();
            StatsDraft {
                school_code: p.draft.code.clone(),
                year: *year,
                students_primary: sp,
                students_junior: sj,
                classes_primary: kp,
                classes_junior: kj,
                max_class_size: max_class,
                teaching_area: (teaching * (1.0 + 0.02 * i as f64)).round(),
                sports_area: (sports * (1.0 + 0.03 * i as f64)).round(),
                equipment_value: (equipment * growth / 100.0).round() * 100.0,
                multimedia_rooms: (multimedia * growth).round().max(1.0) as i32,
                books: (books * growth).round() as i32,
                computers: (computers * growth).round() as i32,
            }
        })
        .collect()
}

fn teachers_for(g: &mut Gen, p: &Plan) -> Vec<TeacherDraft> {
    let w = p.wealth.clamp(0.05, 1.0);
    let mut out = Vec::new();
    for (section, students, ratio) in [(Section::Primary, p.students_primary, 22.0), (Section::Junior, p.students_junior, 15.5)] {
        if students == 0 {
            continue;
        }
        let minimum = if p.draft.school_type == SchoolType::TeachingPoint { 2 } else { 6 };
        let count = ((students as f64 / ratio).round() as i32).max(minimum);
        for _ in 0..count {
            g.next_teacher += 1;
            let subject = names::subject(&mut g.rng, section, w);
            let degree = {
                let r = g.rng.random::<f64>() - (w - 0.5) * 0.4;
                match (section, r) {
                    (_, r) if r < 0.03 => Degree::HighSchool,
                    (Section::Primary, r) if r < 0.35 => Degree::Associate,
                    (Section::Junior, r) if r < 0.12 => Degree::Associate,
                    (_, r) if r < 0.93 => Degree::Bachelor,
                    _ => Degree::Master,
                }
            };
            let years_here = if p.draft.locality == Locality::Urban { g.rng.random_range(0..18) } else { g.rng.random_range(0..26) };
            let joined = reference_date() - chrono::Days::new(years_here * 365 + g.rng.random_range(0..300));
            let age = g.rng.random_range(24..58);
            let backbone = {
                let r = g.rng.random::<f64>() / (0.4 + w);
                match r {
                    r if r < 0.01 => Backbone::Province,
                    r if r < 0.03 => Backbone::City,
                    r if r < 0.09 => Backbone::County,
                    r if r < 0.18 => Backbone::School,
                    _ => Backbone::None,
                }
            };
            let title = match (age, g.rng.random::<f64>()) {
                (a, _) if a < 27 => Title::None,
                (a, r) if a < 35 => {
                    if r < 0.6 {
                        Title::Second
                    } else {
                        Title::First
                    }
                }
                (_, r) if r < 0.2 => Title::Second,
                (_, r) if r < 0.75 => Title::First,
                (_, r) if r < 0.99 => Title::Senior,
                _ => Title::Professor,
            };
            // The school's first teacher leads it, and a school of 20 teachers or more has two
            // vice-principals (a teaching point is run by its central school).
            let post = match out.len() {
                0 if p.draft.school_type != SchoolType::TeachingPoint => Post::Principal,
                1 | 2 if count >= 20 => Post::VicePrincipal,
                _ => Post::Teacher,
            };
            out.push(TeacherDraft {
                staff_no: format!("T{:06}", g.next_teacher),
                name: g.person(),
                gender: if g.rng.random_bool(0.72) { Gender::Female } else { Gender::Male },
                school_code: p.draft.code.clone(),
                subject,
                section: (p.draft.school_type == SchoolType::NineYear).then_some(section),
                degree,
                title,
                backbone,
                post: Some(post),
                joined_school_on: joined,
                birth_year: Some(2025 - age),
            });
        }
    }
    out
}

fn facilities_for(g: &mut Gen, p: &Plan) -> Vec<FacilityDraft> {
    let big = p.students_primary + p.students_junior >= 400;
    let mut kinds: Vec<(FacilityKind, &str, i32, f64)> = match p.draft.school_type {
        SchoolType::TeachingPoint => vec![(FacilityKind::Library, "图书角", 20, 30.0)],
        _ if !big => vec![
            (FacilityKind::Library, "图书室", 40, 80.0),
            (FacilityKind::ComputerRoom, "计算机教室", 40, 90.0),
            (FacilityKind::Field, "运动场", 300, 3000.0),
        ],
        _ => vec![
            (FacilityKind::Library, "图书馆", 120, 400.0),
            (FacilityKind::ComputerRoom, "计算机教室1", 50, 100.0),
            (FacilityKind::MusicRoom, "音乐教室", 50, 90.0),
            (FacilityKind::ArtRoom, "美术教室", 50, 90.0),
            (FacilityKind::Field, "田径运动场", 800, 12000.0),
        ],
    };
    if big && p.wealth > 0.5 {
        kinds.push((FacilityKind::Gym, "室内体育馆", 300, 1200.0));
        kinds.push((FacilityKind::ComputerRoom, "计算机教室2", 50, 100.0));
    }
    if big {
        let labs: &[&str] =
            if p.students_junior > 0 { &["物理实验室", "化学实验室", "生物实验室"] } else { &["科学实验室"] };
        for lab in labs {
            kinds.push((FacilityKind::Lab, lab, 50, 100.0));
        }
    }
    kinds
        .into_iter()
        .map(|(kind, name, capacity, area)| FacilityDraft {
            school_code: p.draft.code.clone(),
            name: name.to_string(),
            kind,
            capacity,
            area: Some((area * g.between(0.85, 1.2)).round()),
            open_hours: match kind {
                FacilityKind::Field | FacilityKind::Gym => "周一至周五 16:30-18:30；周六 9:00-17:00".into(),
                _ => "周一至周五 8:00-17:30".into(),
            },
            shareable: p.wealth > 0.5 && kind != FacilityKind::Library || kind == FacilityKind::Gym,
        })
        .collect()
}

fn clusters_for(g: &mut Gen, plans: &[Plan]) -> Vec<DemoCluster> {
    let find = |name: &str| plans.iter().find(|p| p.draft.name == name).unwrap_or_else(|| panic!("demo school {name}"));
    let code = |name: &str| find(name).draft.code.clone();
    let principal = |name: &str| find(name).draft.principal.clone();
    let in_township = |township: &str, t: SchoolType, l: Locality| -> Vec<&Plan> {
        plans.iter().filter(|p| p.draft.township == township && p.draft.school_type == t && p.draft.locality == l).collect()
    };
    let founded = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).expect("date");
    let cluster =
        |name: &str, form: ClusterForm, level: ClusterLevel, lead: &str, members: Vec<String>, since: NaiveDate, description: &str| {
            DemoCluster {
                draft: ClusterDraft {
                    name: name.to_string(),
                    form,
                    level,
                    lead_school_code: code(lead),
                    description: description.to_string(),
                    founded_on: since,
                },
                members: members.into_iter().map(|m| (m, since)).collect(),
                officers: vec![(OfficerRole::Head, principal(lead), Some(code(lead)))],
            }
        };
    let mut out = Vec::new();
    let mut tight = cluster(
        "城关一小教育集团",
        ClusterForm::TightGroup,
        ClusterLevel::County,
        "城关第一小学",
        vec![code("城关第一小学东城校区"), code("城关第一小学南山校区")],
        founded(2021, 9),
        "紧密型教育集团：一个法人，总校长负责制，各校区设执行校长，统一管理、统一教学、统一评价。",
    );
    tight.officers.push((OfficerRole::ExecutivePrincipal, principal("城关第一小学东城校区"), Some(code("城关第一小学东城校区"))));
    tight.officers.push((OfficerRole::ExecutivePrincipal, principal("城关第一小学南山校区"), Some(code("城关第一小学南山校区"))));
    out.push(tight);
    let loose_members = ["东坪镇初级中学", "西河乡初级中学", "柳湾镇初级中学", "杏林乡初级中学"].map(code).to_vec();
    let mut loose = cluster(
        "云岭一中教育集团",
        ClusterForm::LooseGroup,
        ClusterLevel::County,
        "云岭县第一初级中学",
        loose_members,
        founded(2022, 3),
        "松散型教育集团：成员校保留法人和经费，由理事会统筹教研、师资交流与质量评价。",
    );
    loose.officers[0].0 = OfficerRole::CouncilChair;
    out.push(loose);
    // Four school districts: an urban lead with town and village schools, 强弱搭配.
    for (lead, townships) in
        [("城关第二小学", ["东坪镇", "西河乡"]), ("城关第三小学", ["南山镇", "北塬乡"]), ("城关第四小学", ["石门镇", "白水乡"])]
    {
        let mut members = Vec::new();
        for township in townships {
            members.push(code(&format!("{township}中心小学")));
            members.extend(in_township(township, SchoolType::Primary, Locality::Rural).iter().take(3).map(|p| p.draft.code.clone()));
        }
        members.truncate(9);
        let mut d = cluster(
            &format!("{}学区", lead.trim_end_matches("小学")),
            ClusterForm::District,
            ClusterLevel::County,
            lead,
            members,
            founded(2022, 9),
            "学区一体化管理：城区优质学校牵头，统筹师资、课程、设施与评价。",
        );
        d.officers.push((
            OfficerRole::Deputy,
            principal(&format!("{}中心小学", townships[0])),
            Some(code(&format!("{}中心小学", townships[0]))),
        ));
        out.push(d);
    }
    let junior_members = ["龙泉镇初级中学", "桃源乡初级中学", "马坊镇初级中学", "青石乡初级中学", "南山镇第二初级中学"].map(code).to_vec();
    out.push(cluster(
        "第二初级中学学区",
        ClusterForm::District,
        ClusterLevel::County,
        "云岭县第二初级中学",
        junior_members,
        founded(2023, 9),
        "初中学区：集体备课、同课异构、教师走教。",
    ));
    // Three urban–rural 1+1 bundles.
    for (urban, rural, full) in
        [("城关第五小学", "柳湾镇中心小学", true), ("城关第六小学", "杏林乡中心小学", false), ("城关第七小学", "龙泉镇中心小学", false)]
    {
        let kind = if full {
            "全捆绑：一个法人、统一管理。"
        } else {
            "半捆绑：法人、财务、编制独立，其余统一管理；城区校长任第一校长，农村校长任执行校长。"
        };
        let mut b = cluster(
            &format!("{}—{}城乡捆绑", urban, rural),
            ClusterForm::Bundle,
            ClusterLevel::County,
            urban,
            vec![code(rural)],
            founded(2023, 2),
            kind,
        );
        b.officers[0].0 = OfficerRole::FirstPrincipal;
        b.officers.push((OfficerRole::ExecutivePrincipal, principal(rural), Some(code(rural))));
        out.push(b);
    }
    // A town central school leading its village schools and teaching points (nested: it is also
    // a member of the county-level 城关第二学区).
    let mut town_members: Vec<String> =
        in_township("东坪镇", SchoolType::Primary, Locality::Rural).iter().map(|p| p.draft.code.clone()).collect();
    town_members.extend(in_township("东坪镇", SchoolType::TeachingPoint, Locality::Rural).iter().map(|p| p.draft.code.clone()));
    let _ = g.rng.random::<u8>();
    out.push(cluster(
        "东坪镇中心校辐射片区",
        ClusterForm::TownCenter,
        ClusterLevel::Town,
        "东坪镇中心小学",
        town_members,
        founded(2020, 9),
        "乡镇中心校统筹管理辖区村小和教学点：统一课表、统一教研、教师走教。",
    ));
    out
}

fn accounts_for(plans: &[Plan], clusters: &[DemoCluster]) -> Vec<DemoAccount> {
    let code = |name: &str| plans.iter().find(|p| p.draft.name == name).map(|p| p.draft.code.clone());
    let district = clusters.iter().find(|c| c.draft.name == "城关第二学区").map(|c| c.draft.name.clone());
    vec![
        DemoAccount {
            username: "admin",
            display_name: "县教育局管理员".into(),
            role: Role::BureauAdmin,
            school_code: None,
            cluster_name: None,
        },
        DemoAccount {
            username: "inspector",
            display_name: "县督导室".into(),
            role: Role::Inspector,
            school_code: None,
            cluster_name: None,
        },
        DemoAccount {
            username: "head",
            display_name: "城关第二学区学区长".into(),
            role: Role::ClusterHead,
            school_code: None,
            cluster_name: district,
        },
        DemoAccount {
            username: "principal",
            display_name: "东坪镇中心小学校长".into(),
            role: Role::SchoolAdmin,
            school_code: code("东坪镇中心小学"),
            cluster_name: None,
        },
        DemoAccount {
            username: "teacher",
            display_name: "东坪镇中心小学教师".into(),
            role: Role::Teacher,
            school_code: code("东坪镇中心小学"),
            cluster_name: None,
        },
    ]
}

/// A small second county (石桥县) on the same installation, to show that counties are apart.
pub fn second_county() -> DemoCounty {
    let mut g = Gen { rng: ChaCha8Rng::seed_from_u64(7), used: Default::default(), next_school: 900, next_teacher: 900_000 };
    let centre = (35.10, 111.00);
    let mut plans = Vec::new();
    for (i, n) in names::ORDINALS.iter().take(3).enumerate() {
        let at = place(&mut g, centre, 3.0);
        plans.push(school(
            &mut g,
            format!("石桥县第{n}小学"),
            SchoolType::Primary,
            Locality::Urban,
            "石桥镇",
            at,
            (900, 0),
            0.8 - i as f64 * 0.2,
        ));
    }
    let stats = plans.iter().flat_map(|p| stats_for(&mut g, p)).collect();
    let teachers = plans.iter().flat_map(|p| teachers_for(&mut g, p)).collect();
    let facilities = plans.iter().flat_map(|p| facilities_for(&mut g, p)).collect();
    DemoCounty {
        code: DEMO_COUNTIES[1].into(),
        name: "石桥县".into(),
        schools: plans.into_iter().map(|p| p.draft).collect(),
        stats,
        teachers,
        facilities,
        clusters: vec![],
        accounts: vec![DemoAccount {
            username: "other-admin",
            display_name: "石桥县教育局管理员".into(),
            role: Role::BureauAdmin,
            school_code: None,
            cluster_name: None,
        }],
        bookings: vec![],
    }
}

/// The code of the generated province of the benchmarks (`xuequ bench make-evaluation`).
pub const PROVINCE: &str = "PV";

/// A province-sized county for the benchmarks: `copies` of the demo county side by side, each
/// copy's school codes, staff numbers, school and cluster names made its own, with a bureau
/// account and an inspector. Its bookings are left out (they name the demo's schools).
pub fn province(copies: usize) -> DemoCounty {
    let base = generate();
    let mut out = DemoCounty {
        code: PROVINCE.into(),
        name: "基准省（生成）".into(),
        schools: Vec::new(),
        stats: Vec::new(),
        teachers: Vec::new(),
        facilities: Vec::new(),
        clusters: Vec::new(),
        accounts: Vec::new(),
        bookings: Vec::new(),
    };
    for k in 0..copies {
        // `31410nnnnn` becomes `P{k}-31410nnnnn`: distinct per copy, still a valid code.
        let code = |c: &str| format!("P{k:03}-{c}");
        let name = |n: &str| format!("{n}（{}）", k + 1);
        out.schools.extend(base.schools.iter().map(|s| SchoolDraft {
            code: code(&s.code),
            name: name(&s.name),
            campus_of: s.campus_of.as_deref().map(code),
            ..s.clone()
        }));
        out.stats.extend(base.stats.iter().map(|s| StatsDraft { school_code: code(&s.school_code), ..s.clone() }));
        out.teachers.extend(base.teachers.iter().map(|t| TeacherDraft {
            staff_no: code(&t.staff_no),
            school_code: code(&t.school_code),
            ..t.clone()
        }));
        out.facilities.extend(base.facilities.iter().map(|f| FacilityDraft { school_code: code(&f.school_code), ..f.clone() }));
        out.clusters.extend(base.clusters.iter().map(|c| DemoCluster {
            draft: ClusterDraft { name: name(&c.draft.name), lead_school_code: code(&c.draft.lead_school_code), ..c.draft.clone() },
            members: c.members.iter().map(|(m, joined)| (code(m), *joined)).collect(),
            officers: c.officers.iter().map(|(role, person, school)| (*role, person.clone(), school.as_deref().map(code))).collect(),
        }));
    }
    for (username, display_name, role) in [("pv-admin", "省教育厅管理员", Role::BureauAdmin), ("pv-inspector", "省督导室", Role::Inspector)]
    {
        out.accounts.push(DemoAccount { username, display_name: display_name.into(), role, school_code: None, cluster_name: None });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_county_is_the_same_every_time_and_of_the_promised_size() {
        let a = generate();
        let b = generate();
        assert_eq!(a.schools, b.schools);
        assert_eq!(a.teachers.len(), b.teachers.len());
        let count = |t: SchoolType| a.schools.iter().filter(|s| s.school_type == t).count();
        assert!((95..=110).contains(&count(SchoolType::Primary)), "primary {}", count(SchoolType::Primary));
        assert!((22..=28).contains(&count(SchoolType::Junior)), "junior {}", count(SchoolType::Junior));
        assert_eq!(count(SchoolType::NineYear), 8);
        assert_eq!(count(SchoolType::TeachingPoint), 30);
        assert!((3500..=5500).contains(&a.teachers.len()), "teachers {}", a.teachers.len());
        assert_eq!(a.stats.len(), a.schools.len() * 3);
        let names: std::collections::HashSet<_> = a.schools.iter().map(|s| &s.name).collect();
        assert_eq!(names.len(), a.schools.len(), "school names are unique");
    }

    #[test]
    fn every_generated_record_passes_validation() {
        let county = generate();
        let today = reference_date();
        for s in &county.schools {
            s.validate().unwrap_or_else(|e| panic!("{}: {e:?}", s.name));
        }
        for t in &county.teachers {
            t.validate(today).unwrap_or_else(|e| panic!("{}: {e:?}", t.staff_no));
        }
        for f in &county.facilities {
            f.validate().unwrap_or_else(|e| panic!("{}: {e:?}", f.name));
        }
        for s in &county.stats {
            s.validate().unwrap_or_else(|e| panic!("{}: {e:?}", s.school_code));
        }
    }

    #[test]
    fn clusters_respect_size_limits_and_one_cluster_per_level() {
        let county = generate();
        let mut seen = std::collections::HashMap::new();
        for c in &county.clusters {
            let size = c.members.len() + 1;
            if let Some(max) = cluster::max_schools(c.draft.form) {
                assert!(size <= max, "{} has {size}", c.draft.name);
            }
            for code in std::iter::once(&c.draft.lead_school_code).chain(c.members.iter().map(|(m, _)| m)) {
                let previous = seen.insert((code.clone(), c.draft.level), c.draft.name.clone());
                assert!(previous.is_none(), "{code} in {previous:?} and {}", c.draft.name);
            }
        }
        let forms: std::collections::HashSet<_> = county.clusters.iter().map(|c| c.draft.form).collect();
        for form in [ClusterForm::TightGroup, ClusterForm::LooseGroup, ClusterForm::District, ClusterForm::Bundle, ClusterForm::TownCenter]
        {
            assert!(forms.contains(&form), "{form} missing");
        }
        assert!(county.accounts.iter().all(|a| !a.role.needs_cluster() || a.cluster_name.is_some()));
    }

    #[test]
    fn urban_schools_are_better_resourced_than_rural_ones() {
        let county = generate();
        let per_student = |locality: Locality| {
            let codes: Vec<&str> = county
                .schools
                .iter()
                .filter(|s| s.locality == locality && s.school_type == SchoolType::Primary)
                .map(|s| s.code.as_str())
                .collect();
            let (v, n) = county
                .stats
                .iter()
                .filter(|s| s.year == 2024 && codes.contains(&s.school_code.as_str()))
                .fold((0.0, 0.0), |(v, n), s| (v + s.equipment_value, n + s.students_primary as f64));
            v / n
        };
        assert!(per_student(Locality::Urban) > per_student(Locality::Rural));
    }

    #[test]
    fn a_province_is_copies_of_the_county_with_codes_of_their_own() {
        let one = generate();
        let p = province(3);
        assert_eq!(p.schools.len(), one.schools.len() * 3);
        assert_eq!(p.clusters.len(), one.clusters.len() * 3);
        let codes: std::collections::HashSet<_> = p.schools.iter().map(|s| &s.code).collect();
        assert_eq!(codes.len(), p.schools.len(), "school codes are unique");
        let staff: std::collections::HashSet<_> = p.teachers.iter().map(|t| &t.staff_no).collect();
        assert_eq!(staff.len(), p.teachers.len(), "staff numbers are unique");
        let names: std::collections::HashSet<_> = p.clusters.iter().map(|c| &c.draft.name).collect();
        assert_eq!(names.len(), p.clusters.len(), "cluster names are unique");
        for c in &p.clusters {
            for m in std::iter::once(&c.draft.lead_school_code).chain(c.members.iter().map(|(m, _)| m)) {
                assert!(codes.contains(m), "{m} of {} is a school of the province", c.draft.name);
            }
        }
        for s in &p.schools {
            s.validate().unwrap_or_else(|e| panic!("{}: {e:?}", s.code));
        }
        for t in p.teachers.iter().take(50) {
            t.validate(reference_date()).unwrap_or_else(|e| panic!("{}: {e:?}", t.staff_no));
        }
    }
}
