//! Hand-computed expectations (the arithmetic is written out) and invariants.

use super::*;
use proptest::prelude::*;

/// A primary school that meets every 2017 threshold exactly at 500 pupils:
/// 21 teachers above degree (4.2/100), 5 backbone (1.0/100), 5 PE/art (1.0/100, ≥ 0.9),
/// 2,250 m² teaching (4.5), 3,750 m² sports (7.5), 1,000,000 yuan (2,000), 12 rooms (2.4/100, ≥ 2.3).
fn primary(code: &str, students: f64) -> SectionInput {
    let k = students / 500.0;
    SectionInput {
        row: 0,
        code: code.into(),
        name: format!("{code}小学"),
        school_type: SchoolType::Primary,
        section: Section::Primary,
        students,
        classes: None,
        max_class_size: None,
        teachers_above_degree: 21.0 * k,
        backbone_teachers: 5.0 * k,
        pe_art_teachers: 5.0 * k,
        teaching_area: 2250.0 * k,
        sports_area: 3750.0 * k,
        equipment_value: 1_000_000.0 * k,
        multimedia_rooms: 12.0 * k,
        teachers: None,
        mid_title_teachers: None,
        books: None,
        computers: None,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn the_weighted_coefficient_by_hand() {
    // A: 400 pupils, value 5; B: 100 pupils, value 2.
    // N = 500; X̄ = (400·5 + 100·2)/500 = 2200/500 = 4.4
    // S² = 0.8·(5 − 4.4)² + 0.2·(2 − 4.4)² = 0.8·0.36 + 0.2·5.76 = 0.288 + 1.152 = 1.44; S = 1.2
    // CV = 1.2 / 4.4 = 0.272727…
    let cv = weighted_cv(&[(400.0, 5.0), (100.0, 2.0)]);
    assert!(close(cv, 1.2 / 4.4), "{cv}");
    // Unweighted, the same two schools would give S = 1.5, X̄ = 3.5, CV = 0.4286: weighting matters.
    assert!((cv - 1.5 / 3.5).abs() > 0.1);
}

#[test]
fn a_county_report_by_hand() {
    // A meets everything with 500 pupils. B has 100 pupils and half A's teaching area per pupil.
    let a = primary("A", 500.0);
    let mut b = primary("B", 100.0);
    b.teaching_area = 225.0; // 2.25 m² per pupil
    let report = assess(&[a, b]).unwrap();
    let cv = &report.sections[&Section::Primary].cv;
    // teaching area: X = 4.5 (500 pupils) and 2.25 (100); X̄ = (2250 + 225)/600 = 4.125
    // S² = (5/6)(0.375)² + (1/6)(1.875)² = 0.1171875 + 0.5859375 = 0.703125; S = 0.838525…
    // CV = 0.838525 / 4.125 = 0.203279…
    assert!(close(cv["teaching_area_per_student"], 0.703125f64.sqrt() / 4.125));
    // Every other indicator has equal values: CV 0. Composite = 0.203279 / 7.
    assert!(close(cv["backbone_teachers_per100"], 0.0));
    assert!(close(cv["composite"], 0.703125f64.sqrt() / 4.125 / 7.0));
    assert!(report.sections[&Section::Primary].passed, "0.20 ≤ 0.50");
    // B misses teaching area by half (2.25 < 0.85 · 4.5 = 3.825): it fails and lacks
    // (4.5 − 2.25) · 100 = 225 m².
    let b = report.schools.iter().find(|s| s.code == "B").unwrap();
    assert!(!b.passed && !b.met["teaching_area_per_student"]);
    assert_eq!(b.shortfalls, vec![Shortfall { indicator: Indicator::TeachingAreaPerStudent, amount: 225.0 }]);
    assert!(report.schools.iter().find(|s| s.code == "A").unwrap().passed);
    // No 2012 figures were given: no 2012 coefficients.
    assert!(report.basic_2012.is_empty());
}

#[test]
fn failing_one_indicator_by_less_than_fifteen_percent_still_passes() {
    // 500 pupils, 4.5 backbone teachers → 0.9 per 100: 90 % of 1.0, ≥ 85 %.
    let mut near = primary("NEAR", 500.0);
    near.backbone_teachers = 4.5;
    // 4 backbone teachers → 0.8 per 100: 80 %, below 85 %.
    let mut far = primary("FAR", 500.0);
    far.backbone_teachers = 4.0;
    // Two indicators below threshold, both within 15 %: only 5 of 7 met.
    let mut two = primary("TWO", 500.0);
    two.backbone_teachers = 4.5;
    two.multimedia_rooms = 11.0; // 2.2 per 100 < 2.3
    let report = assess(&[near, far, two]).unwrap();
    let passed: Vec<(String, bool)> = report.schools.iter().map(|s| (s.code.clone(), s.passed)).collect();
    assert_eq!(passed, vec![("NEAR".into(), true), ("FAR".into(), false), ("TWO".into(), false)]);
    // NEAR lacks ⌈(1.0 − 0.9) · 5⌉ = 1 backbone teacher.
    assert_eq!(report.schools[0].shortfalls[0].amount, 1.0);
    // FAR lacks (1.0 − 0.8) · 5 = 1 teacher.
    assert_eq!(report.schools[1].shortfalls[0].amount, 1.0);
}

#[test]
fn a_nine_year_school_is_split_with_weights_one_to_one_point_one() {
    // 600 primary and 400 junior pupils; 6,240 m² teaching area for the whole school.
    // Weights 600 · 1 : 400 · 1.1 = 600 : 440 → primary 6240 · 600/1040 = 3600 m² (6.0 per pupil),
    // junior 6240 · 440/1040 = 2640 m² (6.6 per pupil).
    let mut p = primary("N1", 600.0);
    p.school_type = SchoolType::NineYear;
    p.teaching_area = 6240.0;
    let mut j = p.clone();
    j.section = Section::Junior;
    j.students = 400.0;
    j.teachers_above_degree = 21.0;
    j.row = 1;
    let report = assess(&[p.clone(), j.clone()]).unwrap();
    let value = |section: Section| report.schools.iter().find(|s| s.section == section).unwrap().values["teaching_area_per_student"];
    assert!(close(value(Section::Primary), 6.0));
    assert!(close(value(Section::Junior), 6.6));
    // Students and teachers are the part's own: 21 above-degree teachers for 400 junior pupils.
    let junior = report.schools.iter().find(|s| s.section == Section::Junior).unwrap();
    assert!(close(junior.values["above_degree_teachers_per100"], 21.0 / 400.0 * 100.0));
    // The two rows must agree on shared figures.
    j.sports_area += 1.0;
    let problems = assess(&[p, j]).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].row, problems[0].field), (1, "sports_area"));
    assert!(matches!(problems[0].problem, Problem::Disagrees { first_row: 0, .. }));
}

#[test]
fn small_teaching_points_and_special_schools_are_left_out() {
    let mut point = primary("TP", 30.0);
    point.school_type = SchoolType::TeachingPoint;
    point.teaching_area = 1.0; // would wreck the coefficients if counted
    let mut big_point = primary("TP2", 60.0);
    big_point.school_type = SchoolType::TeachingPoint;
    let mut special = primary("SP", 200.0);
    special.school_type = SchoolType::Special;
    let report = assess(&[primary("A", 500.0), point, big_point, special]).unwrap();
    let excluded: Vec<(&str, Exclusion)> = report.excluded.iter().map(|e| (e.code.as_str(), e.reason)).collect();
    assert_eq!(excluded, vec![("TP", Exclusion::SmallTeachingPoint), ("SP", Exclusion::SpecialSchool)]);
    assert_eq!(report.sections[&Section::Primary].schools, 2);
    assert!(close(report.sections[&Section::Primary].cv["teaching_area_per_student"], 0.0));
}

#[test]
fn the_2012_set_needs_its_columns_and_judges_the_composite() {
    let mut a = primary("A", 500.0);
    let mut b = primary("B", 500.0);
    for (s, books) in [(&mut a, 10_000.0), (&mut b, 30_000.0)] {
        s.teachers = Some(30.0);
        s.mid_title_teachers = Some(12.0);
        s.books = Some(books);
        s.computers = Some(50.0);
    }
    let report = assess(&[a, b]).unwrap();
    let basic = &report.basic_2012[&Section::Primary];
    // books per pupil 20 and 60, equal weights: X̄ = 40, S = 20, CV = 0.5; the other seven are 0.
    assert!(close(basic.cv["books_per_student"], 0.5));
    assert!(close(basic.cv["composite"], 0.5 / 8.0));
    assert!(basic.passed && basic.cv_limit == 0.65);
}

#[test]
fn the_schools_that_weigh_most_are_named() {
    let mut poor = primary("POOR", 500.0);
    poor.equipment_value = 200_000.0;
    let report = assess(&[primary("A", 500.0), primary("B", 500.0), poor]).unwrap();
    let advice = report.advice.iter().find(|a| a.indicator == Indicator::EquipmentValuePerStudent).unwrap();
    assert_eq!(advice.levers[0].code, "POOR");
    // Per pupil: 2000, 2000 and 400; mean 4400/3. POOR at the mean: 2000, 2000, 4400/3, whose
    // coefficient, computed directly, is what the running sums give.
    let direct = weighted_cv(&[(500.0, 2000.0), (500.0, 2000.0), (500.0, 4400.0 / 3.0)]);
    assert!(close(advice.levers[0].cv_if_at_mean, direct), "{} vs {direct}", advice.levers[0].cv_if_at_mean);
    assert!(close(advice.cv, weighted_cv(&[(500.0, 2000.0), (500.0, 2000.0), (500.0, 400.0)])));
    assert!(advice.levers[0].cv_if_at_mean < advice.cv);
}

#[test]
fn class_and_school_size_limits() {
    let mut big = primary("BIG", 2100.0);
    big.max_class_size = Some(46.0);
    let report = assess(&[big]).unwrap();
    assert_eq!(report.schools[0].class_size_ok, Some(false));
    assert!(!report.schools[0].school_size_ok);
}

fn arbitrary_school() -> impl Strategy<Value = SectionInput> {
    (50.0..3000.0f64, 0.0..100.0f64, 0.0..30.0f64, 0.0..30.0f64, 100.0..20000.0f64, 100.0..40000.0f64, 1e4..1e7f64, 0.0..80.0f64).prop_map(
        |(students, above, backbone, pe, teaching, sports, equipment, rooms)| SectionInput {
            students: students.round(),
            teachers_above_degree: above.round(),
            backbone_teachers: backbone.round(),
            pe_art_teachers: pe.round(),
            teaching_area: teaching,
            sports_area: sports,
            equipment_value: equipment,
            multimedia_rooms: rooms.round(),
            ..primary("X", 500.0)
        },
    )
}

fn numbered(mut schools: Vec<SectionInput>) -> Vec<SectionInput> {
    for (i, s) in schools.iter_mut().enumerate() {
        s.code = format!("S{i}");
        s.row = i;
    }
    schools
}

proptest! {
    #[test]
    fn identical_schools_give_zero(school in arbitrary_school(), n in 1usize..20) {
        let report = assess(&numbered(vec![school; n])).unwrap();
        for v in report.sections[&Section::Primary].cv.values() {
            prop_assert!(v.abs() < 1e-9);
        }
    }

    #[test]
    fn scaling_a_resource_leaves_its_coefficient_unchanged(schools in prop::collection::vec(arbitrary_school(), 2..30), k in 0.1..10.0f64) {
        let schools = numbered(schools);
        let scaled: Vec<SectionInput> = schools.iter().map(|s| SectionInput { teaching_area: s.teaching_area * k, equipment_value: s.equipment_value * k, ..s.clone() }).collect();
        let a = assess(&schools).unwrap();
        let b = assess(&scaled).unwrap();
        for key in ["teaching_area_per_student", "equipment_value_per_student"] {
            let (x, y) = (a.sections[&Section::Primary].cv[key], b.sections[&Section::Primary].cv[key]);
            prop_assert!((x - y).abs() < 1e-9 * x.max(1.0), "{key}: {x} vs {y}");
        }
    }

    #[test]
    fn the_order_of_rows_does_not_matter(schools in prop::collection::vec(arbitrary_school(), 2..30), seed in any::<u64>()) {
        let schools = numbered(schools);
        let mut shuffled = schools.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let a = assess(&schools).unwrap();
        let b = assess(&shuffled).unwrap();
        for (key, x) in &a.sections[&Section::Primary].cv {
            let y = b.sections[&Section::Primary].cv[key];
            prop_assert!((x - y).abs() < 1e-9 * x.max(1.0));
        }
        let mut verdicts_a: Vec<_> = a.schools.iter().map(|s| (s.code.clone(), s.passed)).collect();
        let mut verdicts_b: Vec<_> = b.schools.iter().map(|s| (s.code.clone(), s.passed)).collect();
        verdicts_a.sort();
        verdicts_b.sort();
        prop_assert_eq!(verdicts_a, verdicts_b);
    }
}

#[test]
fn the_benchmark_data_set_is_valid_input() {
    let rows = synthetic(2000);
    assert_eq!(rows.len(), 2000);
    assert!(check(&rows).is_empty());
    let report = assess(&rows).unwrap();
    assert!(!report.excluded.is_empty() && report.sections.len() == 2 && report.basic_2012.len() == 2);
}
