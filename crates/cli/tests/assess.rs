//! `xuequ assess` on files, with the arithmetic written out.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

const HEADER: &str = "学校代码,学校名称,学校类型,学段,在校生数,最大班额,高于规定学历教师数,县级及以上骨干教师数,体育艺术专任教师数,教学及辅助用房面积,体育运动场馆面积,教学仪器设备值,网络多媒体教室数";

const ROWS: &str = "A,城关一小,小学,小学,500,44,21,5,5,2250,3750,1000000,12
B,东坪小学,小学,小学,100,30,4,1,1,225,900,150000,2
C,西河小学,小学,小学,300,40,13,2,3,1500,2500,700000,7
N,实验学校,九年一贯制,小学,600,45,27,7,6,6240,9000,3000000,30
N,实验学校,九年一贯制,初中,400,50,24,5,4,6240,9000,3000000,30
T,王家庄教学点,教学点,小学,30,,2,0,0,100,300,20000,1
";

fn run(file: &std::path::Path, json: bool) -> std::process::Output {
    let mut args = vec!["assess", "--input", file.to_str().unwrap()];
    if json {
        args.push("--json");
    }
    Command::new(BIN).args(args).output().unwrap()
}

fn write(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn a_county_file_is_assessed_as_the_standard_says() {
    let (_dir, path) = write("county.csv", &format!("{HEADER}\n{ROWS}"));
    let out = run(&path, true);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Teaching area per pupil, primary: A 2250/500 = 4.5; B 225/100 = 2.25; C 1500/300 = 5.0;
    // N's primary part gets 6240 · 600/(600 + 400·1.1) = 3600 m², 3600/600 = 6.0. T is left out.
    // N = 1500; X̄ = (2250 + 225 + 1500 + 3600)/1500 = 5.05
    // S² = (500/1500)(−0.55)² + (100/1500)(−2.8)² + (300/1500)(−0.05)² + (600/1500)(0.95)²
    //    = 0.100833… + 0.522666… + 0.0005 + 0.361 = 0.985;  CV = √0.985 / 5.05 = 0.196529…
    let cv = report["sections"]["primary"]["cv"]["teaching_area_per_student"].as_f64().unwrap();
    assert!((cv - 0.985f64.sqrt() / 5.05).abs() < 1e-12, "{cv}");
    assert_eq!(report["sections"]["primary"]["cv_limit"], 0.5);
    assert_eq!(report["sections"]["junior"]["cv_limit"], 0.45);
    assert_eq!(report["sections"]["primary"]["passed"], true);
    let verdict = |code: &str, section: &str| {
        report["schools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == code && s["section"] == section)
            .map(|s| s["passed"].as_bool().unwrap())
    };
    // B: 3 of 7 met. C: 6 of 7 but backbone 2/300·100 = 0.67 < 0.85 · 1.0: fails.
    // N junior: sports 9000 · 440/1040 / 400 = 9.52 < 10.2 but ≥ 0.85 · 10.2 = 8.67: passes with 6 of 7.
    assert_eq!((verdict("A", "primary"), verdict("B", "primary"), verdict("C", "primary")), (Some(true), Some(false), Some(false)));
    assert_eq!(verdict("N", "junior"), Some(true));
    assert_eq!(report["excluded"][0]["code"], "T");
    assert_eq!(report["excluded"][0]["reason"], "small_teaching_point");
    // The readable report says the same in Chinese.
    let text = String::from_utf8(run(&path, false).stdout).unwrap();
    assert!(text.contains("生均教学及辅助用房面积") && text.contains("0.1965") && text.contains("不足 50 人的教学点"));
    assert!(text.contains("缺：225 m² 教学及辅助用房"), "B lacks (4.5 − 2.25) · 100 = 225 m²");
}

#[test]
fn english_keys_and_xlsx_are_read_too() {
    let english = HEADER
        .replace("学校代码", "school_code")
        .replace("学校名称", "school_name")
        .replace("学校类型", "school_type")
        .replace("在校生数", "students")
        .replace("学段", "section");
    let rows = ROWS
        .replace(",九年一贯制,小学,", ",nine_year,primary,")
        .replace(",九年一贯制,初中,", ",nine_year,junior,")
        .replace(",小学,小学,", ",primary,primary,")
        .replace(",教学点,小学,", ",teaching_point,primary,");
    let (_dir, csv) = write("english.csv", &format!("{english}\n{rows}"));
    let from_csv: serde_json::Value = serde_json::from_slice(&run(&csv, true).stdout).unwrap();
    let (_dir2, chinese) = write("county.csv", &format!("{HEADER}\n{ROWS}"));
    let table = xuequ_sheets::read_table(&std::fs::read(&chinese).unwrap(), "county.csv").unwrap();
    let (rows, _) = xuequ_sheets::parse::<xuequ_assess::SectionInput>(&table);
    let cells: Vec<_> = rows.iter().map(|(_, r)| xuequ_sheets::SheetRecord::cells(r)).collect();
    let bytes = xuequ_sheets::write_columns(
        <xuequ_assess::SectionInput as xuequ_sheets::SheetRecord>::COLUMNS,
        "学校学段数据",
        &cells,
        xuequ_sheets::Format::Xlsx,
    );
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("county.xlsx");
    std::fs::write(&xlsx, bytes).unwrap();
    let from_xlsx: serde_json::Value = serde_json::from_slice(&run(&xlsx, true).stdout).unwrap();
    assert_eq!(from_csv["sections"], from_xlsx["sections"]);
    assert_eq!(from_csv["schools"], from_xlsx["schools"]);
}

#[test]
fn bad_rows_are_named_by_row_and_column_and_nothing_is_printed() {
    // Row 3: students not a number. Row 6: the junior row of N disagrees on sports area.
    let rows = ROWS
        .replace("B,东坪小学,小学,小学,100", "B,东坪小学,小学,小学,一百")
        .replace("N,实验学校,九年一贯制,初中,400,50,24,5,4,6240,9000", "N,实验学校,九年一贯制,初中,400,50,24,5,4,6240,9100");
    let (_dir, path) = write("bad.csv", &format!("{HEADER}\n{rows}"));
    let out = run(&path, true);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(errors.contains("第 3 行 · E 在校生数"), "{errors}");
    // The reading problem stops before the rule checks; fix it and the shared figure is named.
    let rows = ROWS.replace("N,实验学校,九年一贯制,初中,400,50,24,5,4,6240,9000", "N,实验学校,九年一贯制,初中,400,50,24,5,4,6240,9100");
    let (_dir, path) = write("bad2.csv", &format!("{HEADER}\n{rows}"));
    let errors = String::from_utf8_lossy(&run(&path, true).stderr).to_string();
    assert!(errors.contains("第 6 行 · K 体育运动场馆面积") && errors.contains("第 5 行"), "{errors}");
}
