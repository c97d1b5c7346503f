//! Reading a file into a [`Table`] of cells, and a table into drafts.

use crate::column::Column;
use crate::{CellProblem, MAX_ROWS, column_letter};
use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::NaiveDate;
use std::io::Cursor;
use std::str::FromStr;
use xuequ_domain::Problem;

/// A cell's value as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    /// An Excel error value such as `#DIV/0!`.
    Error(String),
}

/// The first sheet of a file: its header and its data rows, each with the spreadsheet's own
/// row number.
#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: String,
    /// The 0-based column index of the first header cell.
    pub first_column: usize,
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<Cell>)>,
}

impl Table {
    /// Where a header is: `(index within the row, "C 学校类型")`.
    fn find(&self, column: &Column) -> Option<(usize, String)> {
        self.headers
            .iter()
            .position(|h| header_matches(h, column))
            .map(|i| (i, format!("{} {}", column_letter(self.first_column + i), self.headers[i])))
    }

    /// The label of a field's column as the file names it, for problems found later.
    pub fn column_label(&self, columns: &[Column], key: &str) -> String {
        columns
            .iter()
            .find(|c| c.key == key)
            .and_then(|c| self.find(c).map(|(_, label)| label).or(Some(c.header.to_string())))
            .unwrap_or_else(|| key.to_string())
    }
}

fn header_matches(header: &str, column: &Column) -> bool {
    let h = header.trim().trim_end_matches('*').trim();
    h == column.header || h.eq_ignore_ascii_case(column.key)
}

fn bad_file(sheet: &str, reason: impl Into<String>) -> CellProblem {
    CellProblem { sheet: sheet.to_string(), row: 0, column: String::new(), problem: Problem::BadFile { reason: reason.into() } }
}

/// Reads the first sheet of an XLSX/XLS/ODS file, or a CSV file (UTF-8, with or without BOM,
/// or GB18030 as Chinese Excel saves it). `name` is the uploaded file's name.
pub fn read_table(bytes: &[u8], name: &str) -> Result<Table, CellProblem> {
    let lower = name.to_lowercase();
    let table =
        if lower.ends_with(".csv") || lower.ends_with(".txt") { read_csv(bytes, name)? } else { read_workbook_guarded(bytes, name)? };
    // Every reader has bounded the rows it kept; this names the limit for those that stop early.
    if table.rows.len() > MAX_ROWS {
        return Err(CellProblem { sheet: table.sheet, row: 0, column: String::new(), problem: Problem::TooManyRows { max: MAX_ROWS } });
    }
    Ok(table)
}

/// Undoes what CSV export does to formula-like text (see `write::neutralised`).
fn unneutralised(field: &str) -> String {
    match field.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::write::FORMULA_STARTS) => rest.to_string(),
        _ => field.to_string(),
    }
}

fn read_csv(bytes: &[u8], name: &str) -> Result<Table, CellProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or_else(|| bad_file(name, "not UTF-8 or GB18030 text"))?,
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut headers = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad_file(name, e.to_string()))?;
        if record.len() > crate::bounds::MAX_COLUMNS {
            let column = crate::column_letter(record.len() - 1);
            return Err(CellProblem {
                sheet: name.to_string(),
                row: 0,
                column: String::new(),
                problem: Problem::TooManyColumns { column, max: crate::bounds::MAX_COLUMNS },
            });
        }
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        let cells: Vec<Cell> =
            record.iter().map(|f| if f.trim().is_empty() { Cell::Empty } else { Cell::Text(unneutralised(f)) }).collect();
        match headers {
            None => headers = Some(record.iter().map(|h| h.trim().to_string()).collect::<Vec<_>>()),
            Some(_) => rows.push((line, cells)),
        }
        if rows.len() > MAX_ROWS {
            break;
        }
    }
    let headers =
        headers.ok_or_else(|| CellProblem { sheet: name.to_string(), row: 0, column: String::new(), problem: Problem::EmptyFile })?;
    Ok(finish_table(name.to_string(), 0, headers, rows))
}

/// calamine has panicked on damaged archives (an arithmetic overflow in its XLSX cell reader,
/// found by the fuzz test): a file that makes the reader panic is a damaged file to refuse, not a
/// reason for the request to fail without an answer.
fn read_workbook_guarded(bytes: &[u8], name: &str) -> Result<Table, CellProblem> {
    std::panic::catch_unwind(|| read_workbook(bytes, name)).unwrap_or_else(|_| Err(bad_file(name, "damaged workbook")))
}

/// XLSX is read cell by cell within the limits; ODS is checked for what its repeats expand to
/// first; XLS is bounded by its format (see `bounds`).
fn read_workbook(bytes: &[u8], name: &str) -> Result<Table, CellProblem> {
    // XLSX and ODS are zip archives, XLS an OLE compound file; anything else is not a workbook.
    let is_ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if !bytes.starts_with(b"PK\x03\x04") && !is_ole {
        return Err(CellProblem {
            sheet: name.to_string(),
            row: 0,
            column: String::new(),
            problem: Problem::NotASpreadsheet { file: name.to_string() },
        });
    }
    crate::bounds::check_archive(bytes, name)?;
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_ods = is_zip && crate::bounds::is_ods(bytes);
    if is_zip && !is_ods {
        return crate::bounds::read_xlsx(bytes, name);
    }
    let cursor = Cursor::new(bytes.to_vec());
    let mut workbook = if is_ods {
        crate::bounds::check_ods(bytes, name)?;
        calamine::Sheets::Ods(calamine::Ods::new(cursor).map_err(|e| bad_file(name, e.to_string()))?)
    } else {
        open_workbook_auto_from_rs(cursor).map_err(|e| bad_file(name, e.to_string()))?
    };
    let sheet = workbook.sheet_names().first().cloned().ok_or_else(|| bad_file(name, "no sheet"))?;
    let range = workbook.worksheet_range(&sheet).map_err(|e| bad_file(&sheet, e.to_string()))?;
    // XLS is bounded by its format (65,536 × 256); refuse a wide or huge rectangle before it is
    // copied into a table.
    let (height, width) = range.get_size();
    if width > crate::bounds::MAX_COLUMNS {
        let problem = Problem::TooManyColumns { column: crate::column_letter(width - 1), max: crate::bounds::MAX_COLUMNS };
        return Err(CellProblem { sheet, row: 0, column: String::new(), problem });
    }
    if height.saturating_mul(width) > crate::bounds::MAX_CELLS {
        return Err(CellProblem { sheet, row: 0, column: String::new(), problem: Problem::TooManyCells { max: crate::bounds::MAX_CELLS } });
    }
    let Some((first_row, first_column)) = range.start() else {
        return Err(CellProblem { sheet, row: 0, column: String::new(), problem: Problem::EmptyFile });
    };
    let mut rows_iter = range.rows();
    let headers: Vec<String> = rows_iter.next().map(|r| r.iter().map(|c| text_of(&cell_of(c))).collect()).unwrap_or_default();
    let rows =
        rows_iter.enumerate().take(MAX_ROWS + 1).map(|(i, r)| (first_row as usize + i + 2, r.iter().map(cell_of).collect())).collect();
    Ok(finish_table(sheet, first_column as usize, headers, rows))
}

/// Drops blank rows and pads every row to the header's width.
pub(crate) fn finish_table(sheet: String, first_column: usize, headers: Vec<String>, rows: Vec<(usize, Vec<Cell>)>) -> Table {
    let width = headers.len();
    let rows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| *c != Cell::Empty))
        .map(|(n, mut cells)| {
            cells.resize(width.max(cells.len()), Cell::Empty);
            (n, cells)
        })
        .collect();
    Table { sheet, first_column, headers, rows }
}

pub(crate) fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => excel_serial_date(d.as_f64()).map(Cell::Date).unwrap_or(Cell::Number(d.as_f64())),
        Data::DateTimeIso(s) => parse_date(s).map(Cell::Date).unwrap_or(Cell::Text(s.clone())),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Excel stores dates as days since 1899-12-30 (the 1900 leap-year bug included).
fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial.floor().max(0.0) as u64))
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let t = t.split(['T', ' ']).next().unwrap_or(t);
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, format) {
            return Some(d);
        }
    }
    None
}

/// A number as text without a trailing `.0`, so that a code Excel stored as 10001.0 reads 10001.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}

pub(crate) fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.trim().to_string(),
        Cell::Number(n) => number_text(*n),
        Cell::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Error(e) => e.clone(),
    }
}

/// A record that is read from and written to a spreadsheet row.
pub trait SheetRecord: Sized {
    const COLUMNS: &'static [Column];
    /// Reads one row; problems are recorded in the reader and `None` returned if any.
    fn read(row: &mut RowReader<'_>) -> Option<Self>;
    /// The row's cells, in `COLUMNS` order, as [`SheetRecord::read`] reads them back.
    fn cells(&self) -> Vec<Cell>;
}

/// Reads the cells of one row by field key, recording every problem with its place.
pub struct RowReader<'a> {
    table: &'a Table,
    columns: &'a [Column],
    positions: &'a [Option<(usize, String)>],
    row: usize,
    cells: &'a [Cell],
    problems: &'a mut Vec<CellProblem>,
    failed: bool,
}

impl RowReader<'_> {
    fn index(&self, key: &str) -> usize {
        self.columns.iter().position(|c| c.key == key).expect("layout names the key")
    }

    fn cell(&self, key: &str) -> (&Cell, &Column, String) {
        let i = self.index(key);
        let column = &self.columns[i];
        match &self.positions[i] {
            Some((at, label)) => (self.cells.get(*at).unwrap_or(&Cell::Empty), column, label.clone()),
            None => (&Cell::Empty, column, column.header.to_string()),
        }
    }

    fn problem(&mut self, label: String, problem: Problem) {
        self.failed = true;
        self.problems.push(CellProblem { sheet: self.table.sheet.clone(), row: self.row, column: label, problem });
    }

    /// A value that must be there (if the column is required) and parse with `parse`.
    fn value<T>(&mut self, key: &str, parse: impl Fn(&Cell) -> Result<T, Problem>) -> Option<Option<T>> {
        let (cell, column, label) = self.cell(key);
        let required = column.required;
        let cell = cell.clone();
        if let Cell::Error(e) = &cell {
            self.problem(label, Problem::NotANumber { value: e.clone() });
            return None;
        }
        if cell == Cell::Empty {
            if required {
                self.problem(label, Problem::Required);
                return None;
            }
            return Some(None);
        }
        match parse(&cell) {
            Ok(v) => Some(Some(v)),
            Err(p) => {
                self.problem(label, p);
                None
            }
        }
    }

    pub fn ok(&self) -> bool {
        !self.failed
    }

    pub fn text(&mut self, key: &str) -> String {
        let (cell, _, _) = self.cell(key);
        text_of(cell)
    }

    pub fn coded<T: FromStr<Err = Problem>>(&mut self, key: &str) -> Option<T> {
        self.value(key, |c| text_of(c).parse::<T>()).flatten()
    }

    pub fn opt_coded<T: FromStr<Err = Problem>>(&mut self, key: &str) -> Option<T> {
        self.value(key, |c| text_of(c).parse::<T>()).flatten()
    }

    /// Whether the file has the column at all (an optional column may be left out).
    pub fn has_column(&self, key: &str) -> bool {
        self.positions[self.index(key)].is_some()
    }

    /// Text that a required column must hold (an empty cell is named as missing).
    pub fn required_text(&mut self, key: &str) -> String {
        self.value(key, |c| Ok(text_of(c))).flatten().unwrap_or_default()
    }

    pub fn f64(&mut self, key: &str) -> Option<f64> {
        self.value(key, number).flatten()
    }

    pub fn opt_f64(&mut self, key: &str) -> Option<f64> {
        self.value(key, number).flatten()
    }

    pub fn i32(&mut self, key: &str) -> Option<i32> {
        self.value(key, integer).flatten()
    }

    pub fn opt_i32(&mut self, key: &str) -> Option<i32> {
        self.value(key, integer).flatten()
    }

    pub fn opt_bool(&mut self, key: &str) -> Option<bool> {
        self.value(key, |c| match c {
            Cell::Bool(b) => Ok(*b),
            Cell::Number(n) if *n == 1.0 || *n == 0.0 => Ok(*n == 1.0),
            other => {
                let t = text_of(other).to_lowercase();
                match t.as_str() {
                    "是" | "y" | "yes" | "true" | "1" => Ok(true),
                    "否" | "n" | "no" | "false" | "0" => Ok(false),
                    _ => Err(Problem::NotABoolean { value: text_of(other) }),
                }
            }
        })
        .flatten()
    }

    pub fn date(&mut self, key: &str) -> Option<NaiveDate> {
        self.value(key, |c| match c {
            Cell::Date(d) => Ok(*d),
            Cell::Number(n) if *n > 1.0 && *n < 100_000.0 => excel_serial_date(*n).ok_or(Problem::NotADate { value: number_text(*n) }),
            other => parse_date(&text_of(other)).ok_or(Problem::NotADate { value: text_of(other) }),
        })
        .flatten()
    }
}

fn number(cell: &Cell) -> Result<f64, Problem> {
    match cell {
        Cell::Number(n) if n.is_finite() => Ok(*n),
        other => {
            let t = text_of(other);
            t.replace([',', '，'], "").trim().parse::<f64>().ok().filter(|n| n.is_finite()).ok_or(Problem::NotANumber { value: t })
        }
    }
}

fn integer(cell: &Cell) -> Result<i32, Problem> {
    let n = number(cell).map_err(|_| Problem::NotAnInteger { value: text_of(cell) })?;
    if n.fract() != 0.0 || n.abs() > i32::MAX as f64 {
        return Err(Problem::NotAnInteger { value: text_of(cell) });
    }
    Ok(n as i32)
}

/// Every row read as `T`, whether it read without a problem, and the problems.
#[allow(clippy::type_complexity)]
fn read_rows<T: SheetRecord>(table: &Table) -> (Vec<(usize, T, bool)>, Vec<CellProblem>) {
    let columns = T::COLUMNS;
    let positions: Vec<Option<(usize, String)>> = columns.iter().map(|c| table.find(c)).collect();
    let mut problems = Vec::new();
    for (column, position) in columns.iter().zip(&positions) {
        if column.required && position.is_none() {
            problems.push(CellProblem {
                sheet: table.sheet.clone(),
                row: 1,
                column: column.header.to_string(),
                problem: Problem::MissingColumn { column: column.header.to_string() },
            });
        }
    }
    if !problems.is_empty() {
        return (vec![], problems);
    }
    if table.rows.is_empty() {
        problems.push(CellProblem { sheet: table.sheet.clone(), row: 2, column: String::new(), problem: Problem::EmptyFile });
        return (vec![], problems);
    }
    let mut rows = Vec::with_capacity(table.rows.len());
    for (row, cells) in &table.rows {
        let mut reader = RowReader { table, columns, positions: &positions, row: *row, cells, problems: &mut problems, failed: false };
        if let Some(record) = T::read(&mut reader) {
            let clean = reader.ok();
            rows.push((*row, record, clean));
        }
    }
    (rows, problems)
}

/// Reads every row of the table as `T`. Returns the good rows with their spreadsheet row
/// numbers, and every problem found; a missing required column stops before the rows.
pub fn parse<T: SheetRecord>(table: &Table) -> (Vec<(usize, T)>, Vec<CellProblem>) {
    let (rows, problems) = read_rows(table);
    (rows.into_iter().filter(|r| r.2).map(|(row, record, _)| (row, record)).collect(), problems)
}

/// As [`parse`], but rows with problems come too, their failed cells standing in as defaults,
/// so that the checks after reading (school codes, ranges, duplicates) see every row; their
/// problems on cells already reported are the caller's to drop.
pub fn parse_partial<T: SheetRecord>(table: &Table) -> (Vec<(usize, T)>, Vec<CellProblem>) {
    let (rows, problems) = read_rows(table);
    (rows.into_iter().map(|(row, record, _)| (row, record)).collect(), problems)
}
