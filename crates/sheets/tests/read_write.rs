//! Reading and writing spreadsheets as bureaus make them.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;
use xuequ_domain::drafts::TeacherDraft;
use xuequ_domain::*;
use xuequ_sheets::{Format, Kind, SheetRecord, parse, read_table, template, write};

fn teacher(staff_no: &str) -> TeacherDraft {
    TeacherDraft {
        staff_no: staff_no.into(),
        name: "王芳".into(),
        gender: Gender::Female,
        school_code: "10001".into(),
        subject: Subject::Math,
        section: None,
        degree: Degree::Bachelor,
        title: Title::First,
        backbone: Backbone::County,
        post: Some(Post::Teacher),
        joined_school_on: NaiveDate::from_ymd_opt(2015, 9, 1).unwrap(),
        birth_year: Some(1985),
    }
}

#[test]
fn an_export_reads_back_as_the_same_records_in_both_formats() {
    let records = vec![teacher("T1"), TeacherDraft { section: Some(Section::Junior), birth_year: None, ..teacher("T2") }];
    let rows: Vec<_> = records.iter().map(|r| r.cells()).collect();
    for (format, name) in [(Format::Csv, "t.csv"), (Format::Xlsx, "t.xlsx")] {
        let bytes = write(Kind::Teachers, &rows, format);
        let table = read_table(&bytes, name).unwrap();
        let (good, problems) = parse::<TeacherDraft>(&table);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(good.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(), records);
        assert_eq!(good.iter().map(|(row, _)| *row).collect::<Vec<_>>(), vec![2, 3], "rows as Excel numbers them");
    }
}

/// A name a spreadsheet would run as a formula is written with a leading `'` in CSV (Excel shows
/// it as text) and read back as it was.
#[test]
fn formula_like_text_is_neutralised_in_csv_and_restored_on_import() {
    let names = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1", "-2+3", "@SUM(A1)", "-负号开头", "'already quoted", "普通名字"];
    let records: Vec<TeacherDraft> =
        names.iter().enumerate().map(|(i, n)| TeacherDraft { name: n.to_string(), ..teacher(&format!("T{i}")) }).collect();
    let rows: Vec<_> = records.iter().map(|r| r.cells()).collect();
    let bytes = write(Kind::Teachers, &rows, Format::Csv);
    let text = String::from_utf8(bytes.clone()).unwrap();
    for line in text.lines().skip(1) {
        let name = line.split(',').nth(1).unwrap().trim_matches('"');
        assert!(!name.starts_with(['=', '+', '-', '@', '\t', '\r']), "a cell Excel would run: {line}");
    }
    let (good, problems) = parse::<TeacherDraft>(&read_table(&bytes, "t.csv").unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(good.into_iter().map(|(_, r)| r.name).collect::<Vec<_>>(), names);
}

#[test]
fn chinese_csv_saved_by_excel_in_gb18030_is_read() {
    let text =
        "教师编号,姓名,性别,学校代码,任教学科,最高学历,职称,骨干教师级别,到校时间\nT9,李娜,女,10001,语文,专科,二级教师,无,2019/9/1\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    let table = read_table(&bytes, "gbk.csv").unwrap();
    let (good, problems) = parse::<TeacherDraft>(&table);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(good[0].1.name, "李娜");
    assert_eq!(good[0].1.joined_school_on, NaiveDate::from_ymd_opt(2019, 9, 1).unwrap());
}

#[test]
fn every_problem_of_a_row_is_named_with_its_column() {
    let text = "教师编号,姓名,性别,学校代码,任教学科,最高学历,职称,骨干教师级别,到校时间,出生年份\nT1,张三,未知,10001,数学,大专,一级教师,无,2019-13-01,八五\n";
    let table = read_table(text.as_bytes(), "bad.csv").unwrap();
    let (good, problems) = parse::<TeacherDraft>(&table);
    assert!(good.is_empty());
    let places: Vec<(usize, &str)> = problems.iter().map(|p| (p.row, p.column.as_str())).collect();
    assert_eq!(places, vec![(2, "C 性别"), (2, "F 最高学历"), (2, "I 到校时间"), (2, "J 出生年份")]);
    assert!(matches!(problems[1].problem, Problem::UnknownValue { ref value, .. } if value == "大专"));
}

#[test]
fn a_missing_required_column_is_reported_before_any_row() {
    let table = read_table("姓名,性别\n张三,男\n".as_bytes(), "x.csv").unwrap();
    let (good, problems) = parse::<TeacherDraft>(&table);
    assert!(good.is_empty());
    assert!(problems.iter().all(|p| matches!(p.problem, Problem::MissingColumn { .. }) && p.row == 1));
    assert!(problems.iter().any(|p| p.column == "教师编号"));
}

#[test]
fn excel_cells_are_read_as_bureaus_type_them() {
    // Codes typed as numbers, dates as date cells, an error value, and a blank row in between.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in
        ["教师编号", "姓名", "性别", "学校代码", "任教学科", "最高学历", "职称", "骨干教师级别", "到校时间", "出生年份"].iter().enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let row = |sheet: &mut rust_xlsxwriter::Worksheet, r: u32, staff: f64| {
        sheet.write_number(r, 0, staff).unwrap();
        for (c, v) in [(1, "赵强"), (2, "男"), (4, "体育"), (5, "本科"), (6, "高级教师"), (7, "市级")] {
            sheet.write_string(r, c, v).unwrap();
        }
        sheet.write_number(r, 3, 10001.0).unwrap();
    };
    row(sheet, 1, 5001.0);
    sheet.write_datetime_with_format(1, 8, rust_xlsxwriter::ExcelDateTime::from_ymd(2012, 3, 15).unwrap(), &date).unwrap();
    row(sheet, 3, 5002.0);
    sheet.write_string(3, 8, "2016-09-01").unwrap();
    sheet.write_formula(3, 9, "=1/0").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let table = read_table(&bytes, "teachers.xlsx").unwrap();
    let (good, problems) = parse::<TeacherDraft>(&table);
    assert_eq!(good.len(), 2, "{problems:?}");
    let (row, first) = &good[0];
    assert_eq!((*row, first.staff_no.as_str(), first.school_code.as_str()), (2, "5001", "10001"));
    assert_eq!(first.joined_school_on, NaiveDate::from_ymd_opt(2012, 3, 15).unwrap());
    assert!(first.subject.is_pe_art() && first.backbone.county_or_higher());
    // A formula is read by the value Excel cached for it (this writer caches 0, which the
    // domain's range check then refuses); the second row is row 4 of the sheet (row 3 is blank).
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(good[1].0, 4);
    assert_eq!(good[1].1.birth_year, Some(0));
    assert!(good[1].1.validate(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()).is_err());
}

#[test]
fn an_excel_error_value_is_a_problem_not_a_number() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["学校代码", "设施名称", "设施类型", "容纳人数"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["10001", "操场", "运动场"].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    sheet.write_formula(1, 3, rust_xlsxwriter::Formula::new("=1/0").set_result("#DIV/0!")).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let table = read_table(&bytes, "f.xlsx").unwrap();
    let (good, problems) = parse::<xuequ_domain::drafts::FacilityDraft>(&table);
    assert!(good.is_empty());
    assert_eq!((problems[0].row, problems[0].column.as_str()), (2, "D 容纳人数"));
}

#[test]
fn a_file_that_is_not_a_spreadsheet_is_refused_with_its_name() {
    let problem = read_table(b"\x00\x01not a zip", "teachers.xlsx").unwrap_err();
    assert!(matches!(&problem.problem, Problem::NotASpreadsheet { file } if file == "teachers.xlsx"));
    assert_eq!(problem.sheet, "teachers.xlsx");
    let problem = read_table(&[0xff, 0xfe, 0xfd, 0x80, 0x81], "bad.csv");
    assert!(problem.is_err() || problem.unwrap().rows.is_empty());
}

#[test]
fn a_template_explains_every_column() {
    let bytes = template(Kind::Facilities, Format::Xlsx);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names(), vec!["场馆设施".to_string(), "填写说明".to_string()]);
    let help = book.worksheet_range("填写说明").unwrap();
    assert_eq!(help.height(), Kind::Facilities.columns().len() + 1);
    let kind_row = help.rows().find(|r| r[0] == "设施类型").unwrap();
    assert!(kind_row[4].to_string().contains("实验室"));
}

#[test]
fn a_report_sheet_named_with_characters_excel_refuses_is_still_written() {
    use calamine::Reader;
    let rows = vec![vec![xuequ_sheets::Cell::Text("城关第二学区".into()), xuequ_sheets::Cell::Number(1.5)]];
    let title = "各学区/集团汇总（小时、次数）：这是一个超过三十一个字符的很长很长很长的标题";
    let bytes = xuequ_sheets::workbook(&[(title.to_string(), vec!["学区".into(), "借出".into()], rows)]);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let name = book.sheet_names()[0].clone();
    assert!(name.starts_with("各学区·集团汇总") && name.chars().count() == 31, "{name}");
    let range = book.worksheet_range(&name).unwrap();
    assert_eq!(range.get((1, 1)), Some(&calamine::Data::Float(1.5)));
}

/// A CSV row is numbered as a spreadsheet shows the file: the header is row 1, so the second
/// data line is row 3 (as for XLSX).
#[test]
fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
    let csv = "学号,学校代码\nS1,A\nS2,B\n".as_bytes();
    let table = xuequ_sheets::read_table(csv, "scores.csv").expect("reads");
    let rows: Vec<usize> = table.rows.iter().map(|(row, _)| *row).collect();
    assert_eq!(rows, vec![2, 3]);
}
