//! The input of `xuequ assess`: one row per school section, Chinese headers (English keys
//! accepted too), as the issue that defines the assessment lays it out.

use crate::Cell;
use crate::column::{Column, coded, col};
use crate::read::{RowReader, SheetRecord};
use xuequ_assess::SectionInput;
use xuequ_domain::{SchoolType, Section};

/// The sheet name of the assessment input.
pub const ASSESSMENT_SHEET: &str = "学校学段数据";

fn number(v: f64) -> Cell {
    Cell::Number(v)
}

fn maybe(v: Option<f64>) -> Cell {
    v.map(Cell::Number).unwrap_or(Cell::Empty)
}

impl SheetRecord for SectionInput {
    const COLUMNS: &'static [Column] = &[
        col("school_code", "学校代码", true, "九年一贯制学校填两行（小学、初中），学校代码相同"),
        col("school_name", "学校名称", false, ""),
        coded("school_type", "学校类型", true, "", SchoolType::allowed_zh),
        coded("section", "学段", true, "本行数据所属学段", Section::allowed_zh),
        col("students", "在校生数", true, "本学段在校生"),
        col("classes", "班级数", false, ""),
        col("max_class_size", "最大班额", false, ""),
        col("teachers_above_degree", "高于规定学历教师数", true, "小学：专科及以上；初中：本科及以上"),
        col("backbone_teachers", "县级及以上骨干教师数", true, ""),
        col("pe_art_teachers", "体育艺术专任教师数", true, "体育、音乐、美术专任教师"),
        col("teaching_area", "教学及辅助用房面积", true, "平方米；九年一贯制学校两行都填全校数"),
        col("sports_area", "体育运动场馆面积", true, "平方米；九年一贯制学校两行都填全校数"),
        col("equipment_value", "教学仪器设备值", true, "元；九年一贯制学校两行都填全校数"),
        col("multimedia_rooms", "网络多媒体教室数", true, "间；九年一贯制学校两行都填全校数"),
        col("teachers", "专任教师数", false, "2012 年基本均衡指标用"),
        col("mid_title_teachers", "中级及以上职称教师数", false, "2012 年基本均衡指标用"),
        col("books", "图书册数", false, "2012 年基本均衡指标用；九年一贯制填全校数"),
        col("computers", "计算机台数", false, "2012 年基本均衡指标用；九年一贯制填全校数"),
    ];

    fn read(r: &mut RowReader<'_>) -> Option<Self> {
        let code = r.text("school_code");
        let name = r.text("school_name");
        let school_type = r.coded("school_type");
        let section = r.coded("section");
        let students = r.f64("students");
        let classes = r.opt_f64("classes");
        let max_class_size = r.opt_f64("max_class_size");
        let teachers_above_degree = r.f64("teachers_above_degree");
        let backbone_teachers = r.f64("backbone_teachers");
        let pe_art_teachers = r.f64("pe_art_teachers");
        let teaching_area = r.f64("teaching_area");
        let sports_area = r.f64("sports_area");
        let equipment_value = r.f64("equipment_value");
        let multimedia_rooms = r.f64("multimedia_rooms");
        let teachers = r.opt_f64("teachers");
        let mid_title_teachers = r.opt_f64("mid_title_teachers");
        let books = r.opt_f64("books");
        let computers = r.opt_f64("computers");
        // Every cell is read before giving up, so that one row reports all its problems.
        let input = SectionInput {
            row: 0,
            code,
            name,
            school_type: school_type?,
            section: section?,
            students: students?,
            classes,
            max_class_size,
            teachers_above_degree: teachers_above_degree?,
            backbone_teachers: backbone_teachers?,
            pe_art_teachers: pe_art_teachers?,
            teaching_area: teaching_area?,
            sports_area: sports_area?,
            equipment_value: equipment_value?,
            multimedia_rooms: multimedia_rooms?,
            teachers,
            mid_title_teachers,
            books,
            computers,
        };
        r.ok().then_some(input)
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.code.clone()),
            Cell::Text(self.name.clone()),
            Cell::Text(self.school_type.zh().into()),
            Cell::Text(self.section.zh().into()),
            number(self.students),
            maybe(self.classes),
            maybe(self.max_class_size),
            number(self.teachers_above_degree),
            number(self.backbone_teachers),
            number(self.pe_art_teachers),
            number(self.teaching_area),
            number(self.sports_area),
            number(self.equipment_value),
            number(self.multimedia_rooms),
            maybe(self.teachers),
            maybe(self.mid_title_teachers),
            maybe(self.books),
            maybe(self.computers),
        ]
    }
}
