//! The indicators of the 2017 high-quality-balance standard (县域义务教育优质均衡发展督导评估办法)
//! and of the 2012 basic-balance standard, with their thresholds and limits (DOMAIN.md §5).

use serde::Serialize;
use xuequ_domain::Section;

/// A resource indicator, computed per school section from its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    AboveDegreeTeachersPer100,
    BackboneTeachersPer100,
    PeArtTeachersPer100,
    TeachingAreaPerStudent,
    SportsAreaPerStudent,
    EquipmentValuePerStudent,
    MultimediaRoomsPer100,
    ComputersPer100,
    BooksPerStudent,
    TeachersPer100,
    MidTitleTeachersPer100,
}

/// The seven indicators of 2017.
pub const SET_2017: [Indicator; 7] = [
    Indicator::AboveDegreeTeachersPer100,
    Indicator::BackboneTeachersPer100,
    Indicator::PeArtTeachersPer100,
    Indicator::TeachingAreaPerStudent,
    Indicator::SportsAreaPerStudent,
    Indicator::EquipmentValuePerStudent,
    Indicator::MultimediaRoomsPer100,
];

/// The eight indicators of 2012.
pub const SET_2012: [Indicator; 8] = [
    Indicator::TeachingAreaPerStudent,
    Indicator::SportsAreaPerStudent,
    Indicator::EquipmentValuePerStudent,
    Indicator::ComputersPer100,
    Indicator::BooksPerStudent,
    Indicator::TeachersPer100,
    Indicator::AboveDegreeTeachersPer100,
    Indicator::MidTitleTeachersPer100,
];

/// A school passes when at least this many of the seven indicators meet their threshold …
pub const MIN_MET: usize = 6;
/// … and the others reach at least this share of it.
pub const NEAR_SHARE: f64 = 0.85;

/// Teaching points with fewer students than this are left out.
pub const MIN_TEACHING_POINT_STUDENTS: f64 = 50.0;

/// A 九年一贯制 school's shared figures are split between its parts in proportion to students
/// weighted 小学 : 初中 = 1 : 1.1.
pub const JUNIOR_WEIGHT: f64 = 1.1;

impl Indicator {
    pub fn key(self) -> &'static str {
        match self {
            Indicator::AboveDegreeTeachersPer100 => "above_degree_teachers_per100",
            Indicator::BackboneTeachersPer100 => "backbone_teachers_per100",
            Indicator::PeArtTeachersPer100 => "pe_art_teachers_per100",
            Indicator::TeachingAreaPerStudent => "teaching_area_per_student",
            Indicator::SportsAreaPerStudent => "sports_area_per_student",
            Indicator::EquipmentValuePerStudent => "equipment_value_per_student",
            Indicator::MultimediaRoomsPer100 => "multimedia_rooms_per100",
            Indicator::ComputersPer100 => "computers_per100",
            Indicator::BooksPerStudent => "books_per_student",
            Indicator::TeachersPer100 => "teachers_per100",
            Indicator::MidTitleTeachersPer100 => "mid_title_teachers_per100",
        }
    }

    /// The 2017 threshold for a section (only the seven 2017 indicators have one).
    pub fn threshold(self, section: Section) -> Option<f64> {
        let (primary, junior) = match self {
            Indicator::AboveDegreeTeachersPer100 => (4.2, 5.3),
            Indicator::BackboneTeachersPer100 => (1.0, 1.0),
            Indicator::PeArtTeachersPer100 => (0.9, 0.9),
            Indicator::TeachingAreaPerStudent => (4.5, 5.8),
            Indicator::SportsAreaPerStudent => (7.5, 10.2),
            Indicator::EquipmentValuePerStudent => (2000.0, 2500.0),
            Indicator::MultimediaRoomsPer100 => (2.3, 2.4),
            _ => return None,
        };
        Some(match section {
            Section::Primary => primary,
            Section::Junior => junior,
        })
    }

    /// Indicators "per 100 students" count units of 1/100; the others are per student.
    pub fn per_100(self) -> bool {
        self.key().ends_with("per100")
    }
}

/// The 2017 limit of every indicator's difference coefficient.
pub fn cv_limit_2017(section: Section) -> f64 {
    match section {
        Section::Primary => 0.50,
        Section::Junior => 0.45,
    }
}

/// The 2012 limit of the composite difference coefficient.
pub fn cv_limit_2012(section: Section) -> f64 {
    match section {
        Section::Primary => 0.65,
        Section::Junior => 0.55,
    }
}

/// Largest class: 45 pupils in 小学, 50 in 初中.
pub fn max_class_size(section: Section) -> f64 {
    match section {
        Section::Primary => 45.0,
        Section::Junior => 50.0,
    }
}

/// Largest school: 2,000 pupils, or 2,500 for a 九年一贯制 school.
pub fn max_school_size(nine_year: bool) -> f64 {
    if nine_year { 2500.0 } else { 2000.0 }
}
