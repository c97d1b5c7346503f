//! Writing exports and templates.

use crate::Cell;
use crate::column::Column;
use crate::layout::Kind;
use rust_xlsxwriter::{Format as XlsxFormat, Workbook, XlsxError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The characters with which a spreadsheet program starts a formula when it opens a CSV file.
pub(crate) const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A text cell as CSV writes it: one that a spreadsheet would run as a formula (a school named
/// `=HYPERLINK(…)`) gets a leading `'`, which Excel shows as text; import takes it off again
/// ([`crate::read`]), so an export still re-imports unchanged.
pub(crate) fn neutralised(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) { format!("'{text}") } else { text.to_string() }
}

fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) | Cell::Error(s) => neutralised(s),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Cell::Number(n) => n.to_string(),
        Cell::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
    }
}

/// The rows of `kind` as a file. CSV starts with a UTF-8 BOM so that Excel shows Chinese right.
pub fn write(kind: Kind, rows: &[Vec<Cell>], format: Format) -> Vec<u8> {
    write_columns(kind.columns(), kind.sheet_name(), rows, format)
}

/// Rows under any column layout as a file.
pub fn write_columns(columns: &[Column], sheet_name: &str, rows: &[Vec<Cell>], format: Format) -> Vec<u8> {
    match format {
        Format::Csv => {
            let mut out = b"\xEF\xBB\xBF".to_vec();
            {
                let mut writer = csv::Writer::from_writer(&mut out);
                writer.write_record(columns.iter().map(|c| c.header)).expect("write to memory");
                for row in rows {
                    writer.write_record(row.iter().map(csv_text)).expect("write to memory");
                }
                writer.flush().expect("write to memory");
            }
            out
        }
        Format::Xlsx => write_xlsx(columns, sheet_name, rows, false).expect("xlsx to memory"),
    }
}

/// An empty file to fill in: the header row and, in XLSX, a second sheet explaining each column.
pub fn template(kind: Kind, format: Format) -> Vec<u8> {
    match format {
        Format::Csv => write(kind, &[], Format::Csv),
        Format::Xlsx => write_xlsx(kind.columns(), kind.sheet_name(), &[], true).expect("xlsx to memory"),
    }
}

fn write_xlsx(columns: &[Column], sheet_name: &str, rows: &[Vec<Cell>], with_help: bool) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = XlsxFormat::new().set_bold();
    let date = XlsxFormat::new().set_num_format("yyyy-mm-dd");
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    for (c, column) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, column.header, &bold)?;
        sheet.set_column_width(c as u16, (column.header.chars().count() as f64 * 2.2).max(12.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) | Cell::Error(s) => {
                    sheet.write_string(r, c, s)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c, *n)?;
                }
                Cell::Bool(b) => {
                    sheet.write_string(r, c, if *b { "是" } else { "否" })?;
                }
                Cell::Date(d) => {
                    sheet.write_string_with_format(r, c, d.format("%Y-%m-%d").to_string(), &date)?;
                }
            }
        }
    }
    if with_help {
        let help = workbook.add_worksheet();
        help.set_name("填写说明")?;
        for (c, title) in ["列名", "字段", "是否必填", "说明", "可选值"].iter().enumerate() {
            help.write_string_with_format(0, c as u16, *title, &bold)?;
        }
        for (r, column) in columns.iter().enumerate() {
            let r = r as u32 + 1;
            help.write_string(r, 0, column.header)?;
            help.write_string(r, 1, column.key)?;
            help.write_string(r, 2, if column.required { "必填" } else { "选填" })?;
            help.write_string(r, 3, column.help)?;
            help.write_string(r, 4, column.allowed.map(|f| f()).unwrap_or_default())?;
        }
        for (c, width) in [18.0, 18.0, 10.0, 60.0, 60.0].iter().enumerate() {
            help.set_column_width(c as u16, *width)?;
        }
    }
    workbook.save_to_buffer()
}

/// One sheet of a report: its name, header row and data rows.
pub type ReportSheet = (String, Vec<String>, Vec<Vec<Cell>>);

/// A workbook of several sheets, each a header row and data rows: for reports.
/// A title as Excel takes it for a sheet's name: without `[ ] : * ? / \`, at most 31
/// characters, never empty.
fn sheet_name(title: &str) -> String {
    let name: String = title.chars().map(|c| if "[]:*?/\\".contains(c) { '·' } else { c }).take(31).collect();
    if name.trim().is_empty() { "Sheet".to_string() } else { name }
}

pub fn workbook(sheets: &[ReportSheet]) -> Vec<u8> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let bold = XlsxFormat::new().set_bold();
        for (name, headers, rows) in sheets {
            let sheet = book.add_worksheet();
            sheet.set_name(sheet_name(name))?;
            for (c, h) in headers.iter().enumerate() {
                sheet.write_string_with_format(0, c as u16, h, &bold)?;
                sheet.set_column_width(c as u16, (h.chars().count() as f64 * 2.0).max(10.0))?;
            }
            sheet.set_freeze_panes(1, 0)?;
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32 + 1, c as u16);
                    match cell {
                        Cell::Number(n) => {
                            sheet.write_number(r, c, *n)?;
                        }
                        Cell::Empty => {}
                        other => {
                            sheet.write_string(r, c, csv_text(other))?;
                        }
                    }
                }
            }
        }
        book.save_to_buffer()
    };
    build().expect("xlsx to memory")
}
