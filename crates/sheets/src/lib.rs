//! Spreadsheets in and out: the column layout of each importable record, templates with a
//! sheet that explains every column, reading XLSX/XLS/ODS/CSV into drafts with every problem
//! named by sheet, row and column, and writing exports that re-import unchanged.
//!
//! No database here: the store checks the parsed rows against existing records.

mod assessment;
mod bounds;
mod column;
mod layout;
mod read;
mod scores;
mod write;

pub use assessment::ASSESSMENT_SHEET;
pub use bounds::{MAX_CELLS, MAX_COLUMNS, MAX_UNPACKED};
pub use column::Column;
pub use layout::Kind;
pub use read::{Cell, SheetRecord, Table, parse, parse_partial, read_table};
pub use scores::{read_score_rows, read_scores};
pub use write::{Format, template, workbook, write, write_columns};

use serde::Serialize;
use xuequ_domain::Problem;

/// The most data rows one file may hold: a province-sized teacher list fits, a runaway file
/// does not.
pub const MAX_ROWS: usize = 200_000;

/// One problem at one place of a file. `row` is the spreadsheet's own row number (the header is
/// row 1), `column` the header as written in the file with its letter, e.g. `C 学校类型`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellProblem {
    pub sheet: String,
    pub row: usize,
    pub column: String,
    pub problem: Problem,
}

/// The spreadsheet column letter of a 0-based index: 0 → A, 27 → AB.
pub fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
