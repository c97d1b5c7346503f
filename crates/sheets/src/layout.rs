//! The columns of each importable record: Chinese header (what bureaus see in Excel), the
//! field key (accepted as a header too), whether it is required, and what it means.

use crate::Cell;
use crate::column::{Column, coded, col};
use crate::read::{RowReader, SheetRecord};
use xuequ_domain::drafts::{FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_domain::{Backbone, Degree, FacilityKind, Gender, Locality, Post, SchoolType, Section, Subject, Title};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Schools,
    Stats,
    Teachers,
    Facilities,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Schools, Kind::Stats, Kind::Teachers, Kind::Facilities];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Schools => "schools",
            Kind::Stats => "stats",
            Kind::Teachers => "teachers",
            Kind::Facilities => "facilities",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == text)
    }

    /// The data sheet's name in templates and exports.
    pub fn sheet_name(self) -> &'static str {
        match self {
            Kind::Schools => "学校",
            Kind::Stats => "学年统计",
            Kind::Teachers => "教师",
            Kind::Facilities => "场馆设施",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Schools => SchoolDraft::COLUMNS,
            Kind::Stats => StatsDraft::COLUMNS,
            Kind::Teachers => TeacherDraft::COLUMNS,
            Kind::Facilities => FacilityDraft::COLUMNS,
        }
    }
}

fn yes_no() -> String {
    "是 / 否".to_string()
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn opt_num(v: Option<f64>) -> Cell {
    v.map(Cell::Number).unwrap_or(Cell::Empty)
}

fn yes_no_cell(v: bool) -> Cell {
    text(if v { "是" } else { "否" })
}

impl SheetRecord for SchoolDraft {
    const COLUMNS: &'static [Column] = &[
        col("code", "学校代码", true, "本县唯一的学校代码，如 10001；只用字母、数字、- 和 _"),
        col("name", "学校名称", true, "学校全称，不超过 60 字"),
        coded("school_type", "学校类型", true, "学校的办学类型", SchoolType::allowed_zh),
        coded("locality", "城乡类别", true, "按统计口径填写", Locality::allowed_zh),
        col("township", "所在乡镇", false, "乡镇或街道名称"),
        col("address", "地址", false, "详细地址"),
        col("latitude", "纬度", false, "十进制度数，如 34.52（中国境内 3–54）"),
        col("longitude", "经度", false, "十进制度数，如 110.21（中国境内 73–136）"),
        coded("legal_person", "独立法人", false, "是否独立法人单位，默认“是”；紧密型集团的校区填“否”", yes_no),
        col("campus_of", "所属总校代码", false, "若本校为某校的校区/分校，填总校的学校代码"),
        col("principal", "校长", false, "校长姓名"),
        col("phone", "联系电话", false, "学校联系电话"),
    ];

    fn read(r: &mut RowReader<'_>) -> Option<Self> {
        let code = r.text("code");
        let name = r.text("name");
        let school_type = r.coded("school_type");
        let locality = r.coded("locality");
        let township = r.text("township");
        let address = r.text("address");
        let latitude = r.opt_f64("latitude");
        let longitude = r.opt_f64("longitude");
        let legal_person = r.opt_bool("legal_person").unwrap_or(true);
        let campus_of = Some(r.text("campus_of")).filter(|s| !s.is_empty());
        let principal = r.text("principal");
        let phone = r.text("phone");
        // Every cell is read, and a cell that failed stands in as its default, so that the rest
        // of the row is still checked and one pass reports all its problems.
        let draft = SchoolDraft {
            code,
            name,
            school_type: school_type.unwrap_or_default(),
            locality: locality.unwrap_or_default(),
            township,
            address,
            latitude,
            longitude,
            legal_person,
            campus_of,
            principal,
            phone,
        };
        Some(draft)
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            text(&self.code),
            text(&self.name),
            text(self.school_type.zh()),
            text(self.locality.zh()),
            text(&self.township),
            text(&self.address),
            opt_num(self.latitude),
            opt_num(self.longitude),
            yes_no_cell(self.legal_person),
            text(self.campus_of.as_deref().unwrap_or("")),
            text(&self.principal),
            text(&self.phone),
        ]
    }
}

impl SheetRecord for StatsDraft {
    const COLUMNS: &'static [Column] = &[
        col("school_code", "学校代码", true, "已登记学校的代码"),
        col("year", "学年", true, "学年起始年份，如 2024 表示 2024–2025 学年"),
        col("students_primary", "小学在校生数", true, "小学部在校生人数；初中填 0"),
        col("students_junior", "初中在校生数", true, "初中部在校生人数；小学填 0"),
        col("classes_primary", "小学班级数", true, "小学部教学班数"),
        col("classes_junior", "初中班级数", true, "初中部教学班数"),
        col("max_class_size", "最大班额", false, "人数最多的一个班的人数"),
        col("teaching_area", "教学及辅助用房面积", true, "平方米，全校合计"),
        col("sports_area", "体育运动场馆面积", true, "平方米，全校合计"),
        col("equipment_value", "教学仪器设备值", true, "元，全校合计"),
        col("multimedia_rooms", "网络多媒体教室数", true, "间，全校合计"),
        col("books", "图书册数", true, "册，全校合计"),
        col("computers", "计算机台数", true, "台，全校合计"),
    ];

    fn read(r: &mut RowReader<'_>) -> Option<Self> {
        let school_code = r.text("school_code");
        let year = r.i32("year");
        let students_primary = r.i32("students_primary");
        let students_junior = r.i32("students_junior");
        let classes_primary = r.i32("classes_primary");
        let classes_junior = r.i32("classes_junior");
        let max_class_size = r.opt_i32("max_class_size");
        let teaching_area = r.f64("teaching_area");
        let sports_area = r.f64("sports_area");
        let equipment_value = r.f64("equipment_value");
        let multimedia_rooms = r.i32("multimedia_rooms");
        let books = r.i32("books");
        let computers = r.i32("computers");
        // Every cell is read, and a cell that failed stands in as its default, so that the rest
        // of the row is still checked and one pass reports all its problems.
        let draft = StatsDraft {
            school_code,
            year: year.unwrap_or_default(),
            students_primary: students_primary.unwrap_or_default(),
            students_junior: students_junior.unwrap_or_default(),
            classes_primary: classes_primary.unwrap_or_default(),
            classes_junior: classes_junior.unwrap_or_default(),
            max_class_size,
            teaching_area: teaching_area.unwrap_or_default(),
            sports_area: sports_area.unwrap_or_default(),
            equipment_value: equipment_value.unwrap_or_default(),
            multimedia_rooms: multimedia_rooms.unwrap_or_default(),
            books: books.unwrap_or_default(),
            computers: computers.unwrap_or_default(),
        };
        Some(draft)
    }

    fn cells(&self) -> Vec<Cell> {
        let n = |v: i32| Cell::Number(v as f64);
        vec![
            text(&self.school_code),
            n(self.year),
            n(self.students_primary),
            n(self.students_junior),
            n(self.classes_primary),
            n(self.classes_junior),
            self.max_class_size.map(n).unwrap_or(Cell::Empty),
            Cell::Number(self.teaching_area),
            Cell::Number(self.sports_area),
            Cell::Number(self.equipment_value),
            n(self.multimedia_rooms),
            n(self.books),
            n(self.computers),
        ]
    }
}

impl SheetRecord for TeacherDraft {
    const COLUMNS: &'static [Column] = &[
        col("staff_no", "教师编号", true, "本县唯一的教师编号"),
        col("name", "姓名", true, "教师姓名"),
        coded("gender", "性别", true, "", Gender::allowed_zh),
        col("school_code", "学校代码", true, "现任教学校的代码"),
        coded("subject", "任教学科", true, "主要任教学科", Subject::allowed_zh),
        coded("section", "任教学段", false, "九年一贯制学校的教师填写主要任教学段", Section::allowed_zh),
        coded("degree", "最高学历", true, "", Degree::allowed_zh),
        coded("title", "职称", true, "", Title::allowed_zh),
        coded("backbone", "骨干教师级别", true, "不是骨干教师填“无”", Backbone::allowed_zh),
        col("joined_school_on", "到校时间", true, "调入现任学校的日期，格式 2018-09-01；轮岗资格从此日起算"),
        col("birth_year", "出生年份", false, "如 1985"),
        coded("post", "职务", false, "校长、副校长填写；不填即为教师", Post::allowed_zh),
    ];

    fn read(r: &mut RowReader<'_>) -> Option<Self> {
        let staff_no = r.text("staff_no");
        let name = r.text("name");
        let gender = r.coded("gender");
        let school_code = r.text("school_code");
        let subject = r.coded("subject");
        let section = r.opt_coded("section");
        let degree = r.coded("degree");
        let title = r.coded("title");
        let backbone = r.coded("backbone");
        let joined_school_on = r.date("joined_school_on");
        let birth_year = r.opt_i32("birth_year");
        // With the column, an empty cell is 教师; without it (an older template) the stored post stays.
        let post = r.has_column("post").then(|| r.opt_coded::<Post>("post").unwrap_or_default());
        // Every cell is read, and a cell that failed stands in as its default, so that the rest
        // of the row is still checked and one pass reports all its problems.
        let draft = TeacherDraft {
            staff_no,
            name,
            gender: gender.unwrap_or_default(),
            school_code,
            subject: subject.unwrap_or_default(),
            section,
            degree: degree.unwrap_or_default(),
            title: title.unwrap_or_default(),
            backbone: backbone.unwrap_or_default(),
            post,
            joined_school_on: joined_school_on.unwrap_or_default(),
            birth_year,
        };
        Some(draft)
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            text(&self.staff_no),
            text(&self.name),
            text(self.gender.zh()),
            text(&self.school_code),
            text(self.subject.zh()),
            text(self.section.map(|s| s.zh()).unwrap_or("")),
            text(self.degree.zh()),
            text(self.title.zh()),
            text(self.backbone.zh()),
            text(&self.joined_school_on.format("%Y-%m-%d").to_string()),
            self.birth_year.map(|y| Cell::Number(y as f64)).unwrap_or(Cell::Empty),
            text(self.post.map(|p| p.zh()).unwrap_or("")),
        ]
    }
}

impl SheetRecord for FacilityDraft {
    const COLUMNS: &'static [Column] = &[
        col("school_code", "学校代码", true, "所属学校的代码"),
        col("name", "设施名称", true, "在本校内唯一，如“物理实验室1”"),
        coded("kind", "设施类型", true, "", FacilityKind::allowed_zh),
        col("capacity", "容纳人数", true, "同时可容纳的人数"),
        col("area", "面积", false, "平方米"),
        col("open_hours", "开放时间", false, "如“周一至周五 16:30-18:00”"),
        coded("shareable", "是否共享", false, "是否向学区/集团内其他学校开放预约，默认“否”", yes_no),
    ];

    fn read(r: &mut RowReader<'_>) -> Option<Self> {
        let school_code = r.text("school_code");
        let name = r.text("name");
        let kind = r.coded("kind");
        let capacity = r.i32("capacity");
        let area = r.opt_f64("area");
        let open_hours = r.text("open_hours");
        let shareable = r.opt_bool("shareable").unwrap_or(false);
        // Every cell is read, and a cell that failed stands in as its default, so that the rest
        // of the row is still checked and one pass reports all its problems.
        let draft = FacilityDraft {
            school_code,
            name,
            kind: kind.unwrap_or_default(),
            capacity: capacity.unwrap_or_default(),
            area,
            open_hours,
            shareable,
        };
        Some(draft)
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            text(&self.school_code),
            text(&self.name),
            text(self.kind.zh()),
            Cell::Number(self.capacity as f64),
            opt_num(self.area),
            text(&self.open_hours),
            yes_no_cell(self.shareable),
        ]
    }
}
