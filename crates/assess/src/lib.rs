//! The balance assessment, exactly as the national standard defines it (DOMAIN.md §5), with no
//! I/O: give it one [`SectionInput`] per school section and get a [`Report`] — each section's
//! indicators and verdict, each indicator's student-weighted difference coefficient per stage,
//! what was left out and why, and what to do next.

pub mod standard;

use serde::Serialize;
use standard::*;
use std::collections::{BTreeMap, HashMap};
use xuequ_domain::{Problem, SchoolType, Section};

/// Comparisons at a threshold forgive the last bits of floating-point rounding, so that
/// 21 teachers for 500 pupils (4.2 per 100) meets 4.2.
const EPSILON: f64 = 1e-9;

/// One school section's figures, as a county reports them. For a 九年一贯制 school there are two
/// rows with the same code; students and teachers are the part's own, the shared figures (areas,
/// equipment, rooms, books, computers) are the whole school's on both rows.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionInput {
    /// Where the row came from (a file's row number), for problems.
    pub row: usize,
    pub code: String,
    pub name: String,
    pub school_type: SchoolType,
    pub section: Section,
    pub students: f64,
    pub classes: Option<f64>,
    pub max_class_size: Option<f64>,
    pub teachers_above_degree: f64,
    pub backbone_teachers: f64,
    pub pe_art_teachers: f64,
    pub teaching_area: f64,
    pub sports_area: f64,
    pub equipment_value: f64,
    pub multimedia_rooms: f64,
    pub teachers: Option<f64>,
    pub mid_title_teachers: Option<f64>,
    pub books: Option<f64>,
    pub computers: Option<f64>,
}

/// A problem with one field of one input row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputProblem {
    pub row: usize,
    pub field: &'static str,
    pub problem: Problem,
}

/// Why a section is not part of the assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// 教学点 with fewer than 50 students.
    SmallTeachingPoint,
    SpecialSchool,
    NoStudents,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    pub code: String,
    pub name: String,
    pub section: Section,
    pub reason: Exclusion,
}

/// How much of a resource a school section lacks to reach a threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortfall {
    pub indicator: Indicator,
    /// In the resource's own unit: teachers, m², yuan or rooms (rounded up).
    pub amount: f64,
}

/// One school section's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchoolResult {
    pub code: String,
    pub name: String,
    pub section: Section,
    pub students: f64,
    pub values: BTreeMap<&'static str, f64>,
    /// For the seven 2017 indicators.
    pub met: BTreeMap<&'static str, bool>,
    pub passed: bool,
    /// Largest class within the limit (None when not reported).
    pub class_size_ok: Option<bool>,
    /// The whole school within the size limit.
    pub school_size_ok: bool,
    /// What it lacks, for each 2017 indicator below its threshold.
    pub shortfalls: Vec<Shortfall>,
}

/// The coefficients of one stage under one standard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coefficients {
    /// Each indicator's coefficient by key, and `composite` (their mean).
    pub cv: BTreeMap<&'static str, f64>,
    pub cv_limit: f64,
    pub passed: bool,
    pub schools: usize,
    pub students: f64,
}

/// A school whose distance from the mean weighs most on an indicator's coefficient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lever {
    pub code: String,
    pub name: String,
    pub value: f64,
    /// The coefficient if this school were brought to the county mean.
    pub cv_if_at_mean: f64,
}

/// What to do next for one indicator of one stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorAdvice {
    pub section: Section,
    pub indicator: Indicator,
    pub cv: f64,
    pub levers: Vec<Lever>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub sections: BTreeMap<Section, Coefficients>,
    pub basic_2012: BTreeMap<Section, Coefficients>,
    pub schools: Vec<SchoolResult>,
    pub excluded: Vec<Excluded>,
    pub advice: Vec<IndicatorAdvice>,
}

/// How many schools each piece of advice names.
pub const LEVERS: usize = 5;

/// A section ready to be assessed: its own figures, shared ones already split.
struct Part<'a> {
    input: &'a SectionInput,
    share: f64,
    school_students: f64,
}

impl Part<'_> {
    fn value(&self, indicator: Indicator) -> Option<f64> {
        let i = self.input;
        let p = i.students;
        let per = |count: f64| count / p;
        let per100 = |count: f64| count / p * 100.0;
        Some(match indicator {
            Indicator::AboveDegreeTeachersPer100 => per100(i.teachers_above_degree),
            Indicator::BackboneTeachersPer100 => per100(i.backbone_teachers),
            Indicator::PeArtTeachersPer100 => per100(i.pe_art_teachers),
            Indicator::TeachingAreaPerStudent => per(i.teaching_area * self.share),
            Indicator::SportsAreaPerStudent => per(i.sports_area * self.share),
            Indicator::EquipmentValuePerStudent => per(i.equipment_value * self.share),
            Indicator::MultimediaRoomsPer100 => per100(i.multimedia_rooms * self.share),
            Indicator::ComputersPer100 => per100(i.computers? * self.share),
            Indicator::BooksPerStudent => per(i.books? * self.share),
            Indicator::TeachersPer100 => per100(i.teachers?),
            Indicator::MidTitleTeachersPer100 => per100(i.mid_title_teachers?),
        })
    }
}

/// The student-weighted coefficient of variation: with `P_i` students and value `X_i`,
/// `N = ΣP`, `X̄ = ΣP·X / N`, `S = √(Σ (P/N)(X − X̄)²)`, `CV = S / X̄` (0 when all values are 0).
pub fn weighted_cv(points: &[(f64, f64)]) -> f64 {
    let n: f64 = points.iter().map(|(p, _)| p).sum();
    if n <= 0.0 {
        return 0.0;
    }
    let mean = points.iter().map(|(p, x)| p * x).sum::<f64>() / n;
    if mean <= 0.0 {
        return 0.0;
    }
    let variance = points.iter().map(|(p, x)| (p / n) * (x - mean).powi(2)).sum::<f64>();
    variance.sqrt() / mean
}

/// Checks the rows: figures not negative, each section once per school, a single-stage school
/// only in its own stage, and a 九年一贯制 school's two rows agreeing on shared figures.
pub fn check(rows: &[SectionInput]) -> Vec<InputProblem> {
    let mut problems = Vec::new();
    let mut seen: HashMap<(&str, Section), usize> = HashMap::new();
    let mut first_of_school: HashMap<&str, &SectionInput> = HashMap::new();
    for r in rows {
        for (field, v) in numbers(r) {
            if v < 0.0 || !v.is_finite() {
                problems.push(InputProblem {
                    row: r.row,
                    field,
                    problem: Problem::OutOfRange { value: v.to_string(), min: "0".into(), max: "∞".into() },
                });
            }
        }
        if !r.school_type.sections().contains(&r.section) {
            problems.push(InputProblem {
                row: r.row,
                field: "section",
                problem: Problem::SectionNotTaught { school_type: r.school_type.zh().into(), section: r.section.zh().into() },
            });
        }
        if let Some(first_row) = seen.insert((r.code.as_str(), r.section), r.row) {
            problems.push(InputProblem {
                row: r.row,
                field: "section",
                problem: Problem::DuplicateInFile { value: format!("{} {}", r.code, r.section.zh()), first_row },
            });
        }
        match first_of_school.get(r.code.as_str()) {
            None => {
                first_of_school.insert(&r.code, r);
            }
            Some(first) => {
                for ((field, a), (_, b)) in shared(r).into_iter().zip(shared(first)) {
                    if !same(a, b) {
                        let show = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
                        problems.push(InputProblem {
                            row: r.row,
                            field,
                            problem: Problem::Disagrees { value: show(a), other: show(b), first_row: first.row },
                        });
                    }
                }
                if first.school_type != r.school_type {
                    problems.push(InputProblem {
                        row: r.row,
                        field: "school_type",
                        problem: Problem::Disagrees {
                            value: r.school_type.zh().into(),
                            other: first.school_type.zh().into(),
                            first_row: first.row,
                        },
                    });
                }
            }
        }
    }
    problems
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= EPSILON * a.abs().max(b.abs()).max(1.0),
        (None, None) => true,
        _ => false,
    }
}

fn numbers(r: &SectionInput) -> Vec<(&'static str, f64)> {
    let mut out = vec![
        ("students", r.students),
        ("teachers_above_degree", r.teachers_above_degree),
        ("backbone_teachers", r.backbone_teachers),
        ("pe_art_teachers", r.pe_art_teachers),
    ];
    out.extend(shared(r).into_iter().filter_map(|(f, v)| v.map(|v| (f, v))));
    out.extend(
        [
            ("classes", r.classes),
            ("max_class_size", r.max_class_size),
            ("teachers", r.teachers),
            ("mid_title_teachers", r.mid_title_teachers),
        ]
        .into_iter()
        .filter_map(|(f, v)| v.map(|v| (f, v))),
    );
    out
}

/// The figures a 九年一贯制 school reports once for both parts.
fn shared(r: &SectionInput) -> [(&'static str, Option<f64>); 6] {
    [
        ("teaching_area", Some(r.teaching_area)),
        ("sports_area", Some(r.sports_area)),
        ("equipment_value", Some(r.equipment_value)),
        ("multimedia_rooms", Some(r.multimedia_rooms)),
        ("books", r.books),
        ("computers", r.computers),
    ]
}

fn weight(section: Section, students: f64) -> f64 {
    match section {
        Section::Primary => students,
        Section::Junior => students * JUNIOR_WEIGHT,
    }
}

/// Assesses checked rows (see [`check`]; problems there make this refuse).
pub fn assess(rows: &[SectionInput]) -> Result<Report, Vec<InputProblem>> {
    let problems = check(rows);
    if !problems.is_empty() {
        return Err(problems);
    }
    // Weights and student totals per school, to split shared figures and check school size.
    let mut totals: HashMap<&str, (f64, f64)> = HashMap::new();
    for r in rows {
        let entry = totals.entry(r.code.as_str()).or_default();
        entry.0 += weight(r.section, r.students);
        entry.1 += r.students;
    }
    let mut excluded = Vec::new();
    let mut parts = Vec::new();
    for r in rows {
        let reason = match r.school_type {
            SchoolType::Special => Some(Exclusion::SpecialSchool),
            SchoolType::TeachingPoint if r.students < MIN_TEACHING_POINT_STUDENTS => Some(Exclusion::SmallTeachingPoint),
            _ if r.students <= 0.0 => Some(Exclusion::NoStudents),
            _ => None,
        };
        if let Some(reason) = reason {
            excluded.push(Excluded { code: r.code.clone(), name: r.name.clone(), section: r.section, reason });
            continue;
        }
        let (total_weight, school_students) = totals[r.code.as_str()];
        let share = if total_weight > 0.0 { weight(r.section, r.students) / total_weight } else { 1.0 };
        parts.push(Part { input: r, share, school_students });
    }
    let schools: Vec<SchoolResult> = parts.iter().map(school_result).collect();
    let mut sections = BTreeMap::new();
    let mut basic_2012 = BTreeMap::new();
    let mut advice = Vec::new();
    for section in Section::ALL {
        let of_section: Vec<&Part> = parts.iter().filter(|p| p.input.section == *section).collect();
        if of_section.is_empty() {
            continue;
        }
        let limit = cv_limit_2017(*section);
        let coefficients = coefficients(&of_section, &SET_2017, limit, |cv| {
            cv.iter().filter(|(k, _)| **k != "composite").all(|(_, v)| *v <= limit + EPSILON)
        });
        for indicator in SET_2017 {
            advice.push(levers(*section, indicator, &of_section));
        }
        sections.insert(*section, coefficients);
        if of_section.iter().all(|p| SET_2012.iter().all(|i| p.value(*i).is_some())) {
            let limit = cv_limit_2012(*section);
            basic_2012.insert(*section, coefficients_2012(&of_section, limit));
        }
    }
    Ok(Report { sections, basic_2012, schools, excluded, advice })
}

fn coefficients(parts: &[&Part], set: &[Indicator], limit: f64, passed: impl Fn(&BTreeMap<&'static str, f64>) -> bool) -> Coefficients {
    let mut cv = BTreeMap::new();
    for indicator in set {
        let points: Vec<(f64, f64)> = parts.iter().map(|p| (p.input.students, p.value(*indicator).unwrap_or(0.0))).collect();
        cv.insert(indicator.key(), weighted_cv(&points));
    }
    let composite = cv.values().sum::<f64>() / set.len() as f64;
    cv.insert("composite", composite);
    let passed = passed(&cv);
    Coefficients { cv, cv_limit: limit, passed, schools: parts.len(), students: parts.iter().map(|p| p.input.students).sum() }
}

/// The 2012 standard judges the composite coefficient.
fn coefficients_2012(parts: &[&Part], limit: f64) -> Coefficients {
    coefficients(parts, &SET_2012, limit, |cv| cv["composite"] <= limit + EPSILON)
}

fn school_result(part: &Part) -> SchoolResult {
    let input = part.input;
    let section = input.section;
    let mut values = BTreeMap::new();
    for indicator in SET_2017.iter().chain(SET_2012.iter()) {
        if let Some(v) = part.value(*indicator) {
            values.insert(indicator.key(), v);
        }
    }
    let mut met = BTreeMap::new();
    let mut shortfalls = Vec::new();
    let mut met_count = 0;
    let mut all_near = true;
    for indicator in SET_2017 {
        let threshold = indicator.threshold(section).expect("2017 indicators have thresholds");
        let value = values[indicator.key()];
        let ok = value >= threshold * (1.0 - EPSILON);
        met.insert(indicator.key(), ok);
        if ok {
            met_count += 1;
        } else {
            all_near &= value >= NEAR_SHARE * threshold * (1.0 - EPSILON);
            shortfalls.push(Shortfall { indicator, amount: shortfall(indicator, threshold, value, input.students) });
        }
    }
    SchoolResult {
        code: input.code.clone(),
        name: input.name.clone(),
        section,
        students: input.students,
        values,
        met,
        passed: met_count >= MIN_MET && all_near,
        class_size_ok: input.max_class_size.map(|m| m <= max_class_size(section)),
        school_size_ok: part.school_students <= max_school_size(input.school_type == SchoolType::NineYear),
        shortfalls,
    }
}

/// The resource missing to reach a threshold, in whole units (teachers, rooms) or rounded up to
/// the next m² or yuan.
fn shortfall(indicator: Indicator, threshold: f64, value: f64, students: f64) -> f64 {
    let per = if indicator.per_100() { students / 100.0 } else { students };
    ((threshold - value) * per - EPSILON).max(0.0).ceil()
}

/// The schools whose coming to the mean would lower the coefficient most. Uses running sums so
/// that each school's effect is computed in constant time.
fn levers(section: Section, indicator: Indicator, parts: &[&Part]) -> IndicatorAdvice {
    let points: Vec<(f64, f64)> = parts.iter().map(|p| (p.input.students, p.value(indicator).unwrap_or(0.0))).collect();
    let cv = weighted_cv(&points);
    let n: f64 = points.iter().map(|(p, _)| p).sum();
    let spx: f64 = points.iter().map(|(p, x)| p * x).sum();
    let spx2: f64 = points.iter().map(|(p, x)| p * x * x).sum();
    let mean = if n > 0.0 { spx / n } else { 0.0 };
    // Each school's coefficient at the mean, as numbers only; names are copied for the few kept.
    let mut after: Vec<(f64, usize)> = points
        .iter()
        .enumerate()
        .map(|(i, (p, x))| {
            let spx_after = spx - p * x + p * mean;
            let spx2_after = spx2 - p * x * x + p * mean * mean;
            let mean_after = spx_after / n;
            let variance = (spx2_after / n - mean_after * mean_after).max(0.0);
            (if mean_after > 0.0 { variance.sqrt() / mean_after } else { 0.0 }, i)
        })
        .collect();
    let by_effect =
        |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then_with(|| parts[a.1].input.code.cmp(&parts[b.1].input.code));
    if after.len() > LEVERS {
        after.select_nth_unstable_by(LEVERS, by_effect);
        after.truncate(LEVERS);
    }
    after.sort_by(by_effect);
    let levers = after
        .into_iter()
        .map(|(cv_if_at_mean, i)| Lever {
            code: parts[i].input.code.clone(),
            name: parts[i].input.name.clone(),
            value: points[i].1,
            cv_if_at_mean,
        })
        .collect();
    IndicatorAdvice { section, indicator, cv, levers }
}

/// A deterministic national-scale data set for benchmarks (valid input: [`check`] finds nothing): `n` school sections, one in eight
/// a part of a 九年一贯制 school, one in forty a small teaching point.
pub fn synthetic(n: usize) -> Vec<SectionInput> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |low: f64, high: f64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        low + (state >> 11) as f64 / (1u64 << 53) as f64 * (high - low)
    };
    let mut rows = Vec::with_capacity(n);
    while rows.len() < n {
        let i = rows.len();
        let students = next(60.0, 2500.0).round();
        let (school_type, sections): (SchoolType, &[Section]) = match i % 40 {
            0 => (SchoolType::TeachingPoint, &[Section::Primary]),
            k if k % 8 == 1 => (SchoolType::NineYear, &[Section::Primary, Section::Junior]),
            k if k % 3 == 0 => (SchoolType::Junior, &[Section::Junior]),
            _ => (SchoolType::Primary, &[Section::Primary]),
        };
        let students = if school_type == SchoolType::TeachingPoint { next(10.0, 120.0).round() } else { students };
        let shared = (
            next(3.0, 8.0) * students,
            next(5.0, 15.0) * students,
            next(1200.0, 3500.0) * students,
            (next(1.5, 3.5) * students / 100.0).round(),
        );
        let (books, computers) = ((students * next(15.0, 40.0)).round(), (students * next(0.05, 0.15)).round());
        for section in sections.iter().take(n - rows.len()) {
            let part = if sections.len() == 2 { (students * next(0.3, 0.7)).round() } else { students };
            rows.push(SectionInput {
                row: rows.len() + 2,
                code: format!("S{i:07}"),
                name: format!("学校{i}"),
                school_type,
                section: *section,
                students: part,
                classes: None,
                max_class_size: Some(next(25.0, 56.0).round()),
                teachers_above_degree: (part * next(3.5, 6.5) / 100.0).round(),
                backbone_teachers: (part * next(0.5, 1.6) / 100.0).round(),
                pe_art_teachers: (part * next(0.6, 1.3) / 100.0).round(),
                teaching_area: shared.0.round(),
                sports_area: shared.1.round(),
                equipment_value: shared.2.round(),
                multimedia_rooms: shared.3,
                teachers: Some((part / next(12.0, 19.0)).round()),
                mid_title_teachers: Some((part / next(30.0, 50.0)).round()),
                books: Some(books),
                computers: Some(computers),
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests;

/// A school section's strength on a 0–100 scale for the cluster planner: 50 × the mean over the
/// seven 2017 indicators of value ÷ threshold, each ratio capped at 2. A section exactly at every
/// threshold scores 50; one at twice every threshold or more scores 100.
pub fn strength(school: &SchoolResult) -> f64 {
    let ratios: Vec<f64> = standard::SET_2017
        .iter()
        .filter_map(|i| Some((school.values.get(i.key())? / i.threshold(school.section)?).clamp(0.0, 2.0)))
        .collect();
    if ratios.is_empty() { 0.0 } else { 50.0 * ratios.iter().sum::<f64>() / ratios.len() as f64 }
}
