//! Files made to hurt the reader: each is refused with a problem that names the limit, quickly
//! and without allocating what the file pretends to hold. The same files go through HTTP in
//! `crates/cli/tests/hardening.rs`.

use xuequ_domain::Problem;
use xuequ_sheets::{MAX_COLUMNS, read_table};
use xuequ_testkit::hostile::{ods_repeating, xlsx_with_far_cell};

fn refused(bytes: &[u8], name: &str) -> Problem {
    let started = std::time::Instant::now();
    let problem = read_table(bytes, name).expect_err("refused").problem;
    assert!(started.elapsed().as_secs() < 10, "{name}: refused quickly");
    problem
}

#[test]
fn cells_far_apart_name_the_column_limit() {
    let problem = refused(&xlsx_with_far_cell(1_048_575, 16_383), "far.xlsx");
    assert_eq!(problem, Problem::TooManyColumns { column: "XFD".into(), max: MAX_COLUMNS });
}

#[test]
fn rows_far_apart_name_the_row_limit() {
    assert!(matches!(refused(&xlsx_with_far_cell(1_048_575, 1), "far.xlsx"), Problem::TooManyRows { .. }));
}

#[test]
fn a_used_range_within_the_limits_is_read_sparse() {
    // 150,000 rows down and a few columns across: read without filling the gap column by column.
    let table = read_table(&xlsx_with_far_cell(150_000, 3), "tall.xlsx").unwrap();
    assert_eq!(table.rows.len(), 1, "blank rows are dropped");
    assert_eq!(table.rows[0].0, 150_001, "rows keep Excel's numbers");
}

#[test]
fn an_archive_that_unpacks_to_gigabytes_is_refused() {
    let bomb = xuequ_testkit::hostile::zip_bomb(600);
    assert!(bomb.len() < 5 * 1024 * 1024, "{} bytes on the wire", bomb.len());
    assert_eq!(refused(&bomb, "bomb.xlsx"), Problem::TooLargeUnpacked { max_mb: 512 });
}

#[test]
fn ods_repeats_are_counted_before_they_are_expanded() {
    assert!(matches!(refused(&ods_repeating(16_384, 1), "wide.ods"), Problem::TooManyColumns { .. }));
    assert!(matches!(refused(&ods_repeating(20, 1_000_000), "tall.ods"), Problem::TooManyRows { .. }));
    assert!(matches!(refused(&ods_repeating(200, 100_000), "many.ods"), Problem::TooManyCells { .. }));
    let small = read_table(&ods_repeating(3, 10), "small.ods");
    assert!(small.is_ok(), "a small repeat is fine: {small:?}");
}

#[test]
fn a_csv_with_thousands_of_columns_is_refused() {
    let line = vec!["x"; 10_000].join(",");
    let csv = format!("学校代码\n{line}\n");
    assert!(matches!(refused(csv.as_bytes(), "wide.csv"), Problem::TooManyColumns { .. }));
}

#[test]
fn wrong_magic_and_truncated_files_are_bad_files() {
    let good = xlsx_with_far_cell(3, 3);
    assert!(matches!(refused(b"this is not a spreadsheet at all", "text.xlsx"), Problem::NotASpreadsheet { .. }));
    for (bytes, name) in [
        (good[..good.len() / 2].to_vec(), "half.xlsx"),
        (b"PK\x03\x04garbage".to_vec(), "zip.xlsx"),
        (vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0], "ole.xls"),
    ] {
        assert!(matches!(refused(&bytes, name), Problem::BadFile { .. }), "{name}");
    }
}
