//! The registry's drafts — schools, yearly statistics, teachers, facilities — as users submit
//! them through a form, the API or a spreadsheet row, with the validation every entry path
//! shares.

use crate::problem::{FieldProblem, Problem};
use crate::validate::Checker;
use crate::{Backbone, Degree, FacilityKind, Gender, Locality, Post, SchoolType, Section, Subject, Title};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A school as entered (学校基本信息).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolDraft {
    pub code: String,
    pub name: String,
    pub school_type: SchoolType,
    pub locality: Locality,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Whether the school is its own legal person (独立法人); campuses of a tight group are not.
    #[serde(default = "yes")]
    pub legal_person: bool,
    /// The code of the school this one is a campus of (校区), if any.
    #[serde(default)]
    pub campus_of: Option<String>,
    #[serde(default)]
    pub principal: String,
    #[serde(default)]
    pub phone: String,
}

fn yes() -> bool {
    true
}

impl SchoolDraft {
    pub fn validate(&self) -> Result<(), Vec<FieldProblem>> {
        let mut c = Checker::default();
        c.code("code", &self.code);
        c.text("name", &self.name, true, 60);
        c.text("township", &self.township, false, 40);
        c.text("address", &self.address, false, 120);
        c.text("principal", &self.principal, false, 30);
        c.text("phone", &self.phone, false, 30);
        // Bounds of China: they catch the common mistake of swapped latitude and longitude.
        if let Some(lat) = self.latitude {
            c.range("latitude", lat, 3.0, 54.0);
        }
        if let Some(lon) = self.longitude {
            c.range("longitude", lon, 73.0, 136.0);
        }
        if let Some(campus_of) = self.campus_of.as_ref().filter(|c| **c == self.code) {
            c.push("campus_of", Problem::BadCode { value: campus_of.clone() });
        }
        c.finish()
    }
}

/// A teacher as entered (教师信息). Teachers are keyed by their staff number (教师编号).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeacherDraft {
    pub staff_no: String,
    pub name: String,
    pub gender: Gender,
    pub school_code: String,
    pub subject: Subject,
    /// For a 九年一贯制 school: the section the teacher mainly teaches.
    #[serde(default)]
    pub section: Option<Section>,
    pub degree: Degree,
    pub title: Title,
    pub backbone: Backbone,
    /// 职务. None keeps what is stored (a new teacher is a teacher): a file made from an older
    /// template without the 职务 column, or an API update that leaves it out, does not turn a
    /// principal back into a teacher.
    #[serde(default)]
    pub post: Option<Post>,
    /// The date the teacher joined the present school; rotation eligibility counts from it.
    pub joined_school_on: NaiveDate,
    #[serde(default)]
    pub birth_year: Option<i32>,
}

impl TeacherDraft {
    pub fn validate(&self, today: NaiveDate) -> Result<(), Vec<FieldProblem>> {
        let mut c = Checker::default();
        c.code("staff_no", &self.staff_no);
        c.text("name", &self.name, true, 30);
        c.code("school_code", &self.school_code);
        if self.joined_school_on > today {
            c.push("joined_school_on", Problem::FutureDate);
        }
        c.range("joined_school_on", self.joined_school_on, NaiveDate::from_ymd_opt(1950, 1, 1).expect("date"), today);
        if let Some(y) = self.birth_year {
            c.range("birth_year", y, 1940, 2010);
        }
        c.finish()
    }
}

/// A facility as entered (场馆设施). Keyed by school code and facility name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacilityDraft {
    pub school_code: String,
    pub name: String,
    pub kind: FacilityKind,
    /// How many people it holds at once.
    pub capacity: i32,
    #[serde(default)]
    pub area: Option<f64>,
    /// Free text such as "周一至周五 16:30-18:00".
    #[serde(default)]
    pub open_hours: String,
    /// Whether other schools of the cluster may book it.
    #[serde(default)]
    pub shareable: bool,
}

impl FacilityDraft {
    pub fn validate(&self) -> Result<(), Vec<FieldProblem>> {
        let mut c = Checker::default();
        c.code("school_code", &self.school_code);
        c.text("name", &self.name, true, 60);
        c.range("capacity", self.capacity, 1, 20_000);
        if let Some(a) = self.area {
            c.range("area", a, 0.0, 1_000_000.0);
        }
        c.text("open_hours", &self.open_hours, false, 100);
        c.finish()
    }
}

/// One school's statistics for one school year (学年统计). `year` is the year the school year
/// starts: 2024 means 2024–2025. Area and equipment figures are the whole school's; students and
/// classes are given per section so that a 九年一贯制 school can be split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsDraft {
    pub school_code: String,
    pub year: i32,
    pub students_primary: i32,
    pub students_junior: i32,
    pub classes_primary: i32,
    pub classes_junior: i32,
    #[serde(default)]
    pub max_class_size: Option<i32>,
    /// 教学及辅助用房面积, m².
    pub teaching_area: f64,
    /// 体育运动场馆面积, m².
    pub sports_area: f64,
    /// 教学仪器设备值, yuan.
    pub equipment_value: f64,
    /// 网络多媒体教室数.
    pub multimedia_rooms: i32,
    pub books: i32,
    pub computers: i32,
}

impl StatsDraft {
    pub fn validate(&self) -> Result<(), Vec<FieldProblem>> {
        let mut c = Checker::default();
        c.code("school_code", &self.school_code);
        c.range("year", self.year, 2000, 2100);
        for (field, v) in [
            ("students_primary", self.students_primary),
            ("students_junior", self.students_junior),
            ("classes_primary", self.classes_primary),
            ("classes_junior", self.classes_junior),
            ("multimedia_rooms", self.multimedia_rooms),
            ("computers", self.computers),
        ] {
            c.range(field, v, 0, 50_000);
        }
        c.range("books", self.books, 0, 10_000_000);
        // Plausible classes: every class has a pupil, and no class holds more than 150.
        for (field, classes, students) in [
            ("classes_primary", self.classes_primary, self.students_primary),
            ("classes_junior", self.classes_junior, self.students_junior),
        ] {
            if (0..=50_000).contains(&classes) && (0..=50_000).contains(&students) {
                c.range(field, classes, if students > 0 { (students + 149) / 150 } else { 0 }, students);
            }
        }
        if let Some(m) = self.max_class_size {
            c.range("max_class_size", m, 1, 150);
        }
        for (field, v) in [("teaching_area", self.teaching_area), ("sports_area", self.sports_area)] {
            c.range(field, v, 0.0, 1_000_000.0);
        }
        c.range("equipment_value", self.equipment_value, 0.0, 10_000_000_000.0);
        c.finish()
    }

    /// Statistics must fit the school's type: a 小学 has no junior students and vice versa.
    pub fn check_against(&self, school_type: SchoolType) -> Result<(), Vec<FieldProblem>> {
        let mut c = Checker::default();
        let taught = school_type.sections();
        for (section, field, students) in
            [(Section::Primary, "students_primary", self.students_primary), (Section::Junior, "students_junior", self.students_junior)]
        {
            if students > 0 && !taught.contains(&section) {
                c.push(field, Problem::SectionNotTaught { school_type: school_type.zh().into(), section: section.zh().into() });
            }
        }
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school() -> SchoolDraft {
        SchoolDraft {
            code: "S001".into(),
            name: "城关第一小学".into(),
            school_type: SchoolType::Primary,
            locality: Locality::Urban,
            township: "城关镇".into(),
            address: String::new(),
            latitude: Some(34.5),
            longitude: Some(110.2),
            legal_person: true,
            campus_of: None,
            principal: String::new(),
            phone: String::new(),
        }
    }

    #[test]
    fn a_valid_school_passes_and_swapped_coordinates_do_not() {
        assert!(school().validate().is_ok());
        let mut s = school();
        s.latitude = Some(110.2);
        s.longitude = Some(34.5);
        let problems = s.validate().unwrap_err();
        assert_eq!(problems.iter().map(|p| p.field).collect::<Vec<_>>(), vec!["latitude", "longitude"]);
    }

    #[test]
    fn codes_reject_spaces_and_empty_names_are_required() {
        let mut s = school();
        s.code = "S 1".into();
        s.name = " ".into();
        let problems = s.validate().unwrap_err();
        assert_eq!(problems[0], FieldProblem::new("code", Problem::BadCode { value: "S 1".into() }));
        assert_eq!(problems[1], FieldProblem::new("name", Problem::Required));
    }

    #[test]
    fn primary_school_statistics_cannot_have_junior_students() {
        let stats = StatsDraft {
            school_code: "S001".into(),
            year: 2024,
            students_primary: 600,
            students_junior: 10,
            classes_primary: 14,
            classes_junior: 1,
            max_class_size: Some(45),
            teaching_area: 3000.0,
            sports_area: 5000.0,
            equipment_value: 1.2e6,
            multimedia_rooms: 14,
            books: 20000,
            computers: 60,
        };
        assert!(stats.validate().is_ok());
        let problems = stats.check_against(SchoolType::Primary).unwrap_err();
        assert_eq!(problems[0].field, "students_junior");
        assert!(stats.check_against(SchoolType::NineYear).is_ok());
    }

    #[test]
    fn classes_must_be_plausible_for_the_pupils() {
        let base = StatsDraft {
            school_code: "S001".into(),
            year: 2024,
            students_primary: 1,
            students_junior: 0,
            classes_primary: 1,
            classes_junior: 0,
            max_class_size: None,
            teaching_area: 300.0,
            sports_area: 500.0,
            equipment_value: 1e5,
            multimedia_rooms: 1,
            books: 200,
            computers: 2,
        };
        assert!(base.validate().is_ok());
        let fields = |s: StatsDraft| s.validate().unwrap_err().into_iter().map(|p| p.field).collect::<Vec<_>>();
        assert_eq!(fields(StatsDraft { classes_primary: 1000, ..base.clone() }), ["classes_primary"], "1,000 classes for 1 pupil");
        assert_eq!(fields(StatsDraft { students_primary: 1500, classes_primary: 5, ..base.clone() }), ["classes_primary"], "300 a class");
        assert_eq!(fields(StatsDraft { students_junior: 30, ..base.clone() }), ["classes_junior"], "pupils without a class");
        assert!(StatsDraft { students_primary: 0, classes_primary: 0, ..base }.validate().is_ok(), "no pupils, no classes");
    }
}

/// A record typed into a form or a spreadsheet row, with every rule of its values: the form
/// checks it even when another field could not be read, so one submit shows every problem.
pub trait Draft {
    fn problems(&self, today: NaiveDate) -> Vec<FieldProblem>;
}

macro_rules! draft {
    ($draft:ty, |$d:ident, $today:ident| $check:expr) => {
        impl Draft for $draft {
            fn problems(&self, $today: NaiveDate) -> Vec<FieldProblem> {
                let $d = self;
                let _ = $today;
                $check.err().unwrap_or_default()
            }
        }
    };
}

draft!(SchoolDraft, |d, today| d.validate());
draft!(TeacherDraft, |d, today| d.validate(today));
draft!(FacilityDraft, |d, today| d.validate());
draft!(StatsDraft, |d, today| d.validate());
draft!(crate::cluster::ClusterDraft, |d, today| d.validate());
