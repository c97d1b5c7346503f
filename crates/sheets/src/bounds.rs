//! Limits every reader checks before it allocates, so that no upload can exhaust the server's
//! memory: a spreadsheet whose only cells are `A1` and `XFD1048576`, a cell repeated across a
//! million rows, a zip that unpacks to gigabytes. Each limit is named in the problem it raises.
//!
//! - XLSX and ODS are zip archives: the sizes their entries declare (which the reader never
//!   exceeds) may add up to [`MAX_UNPACKED`], in at most [`MAX_ENTRIES`] entries.
//! - XLSX sheets are read cell by cell (never as one rectangle): at most [`MAX_COLUMNS`]
//!   columns, `MAX_ROWS` rows and [`MAX_CELLS`] cells, counted as they stream in.
//! - ODS sheets are scanned for the rows and columns their repeat counts make before the
//!   reader expands them.
//! - XLS (BIFF) is bounded by its own format (65,536 rows × 256 columns).
//! - CSV records may have at most [`MAX_COLUMNS`] fields.

use crate::read::{Cell, Table, cell_of, finish_table, text_of};
use crate::{CellProblem, MAX_ROWS, column_letter};
use calamine::{Data, Reader, Xlsx};
use std::io::{Cursor, Read};
use xuequ_domain::Problem;

/// Columns a sheet may use (every layout has fewer than 30).
pub const MAX_COLUMNS: usize = 256;
/// Cells a sheet may hold, empty ones within a used row included (200,000 rows of 40 columns).
pub const MAX_CELLS: usize = 8_000_000;
/// Bytes an archive may unpack to.
pub const MAX_UNPACKED: u64 = 512 * 1024 * 1024;
/// Entries an archive may hold.
pub const MAX_ENTRIES: usize = 10_000;

fn problem(sheet: &str, problem: Problem) -> CellProblem {
    CellProblem { sheet: sheet.to_string(), row: 0, column: String::new(), problem }
}

/// Refuses an archive that unpacks to more than [`MAX_UNPACKED`] or holds too many entries.
pub(crate) fn check_archive(bytes: &[u8], name: &str) -> Result<(), CellProblem> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) }; // not a zip: XLS, or calamine says why
    let too_big = || problem(name, Problem::TooLargeUnpacked { max_mb: (MAX_UNPACKED / (1024 * 1024)) as usize });
    if zip.len() > MAX_ENTRIES {
        return Err(too_big());
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| problem(name, Problem::BadFile { reason: e.to_string() }))?;
        total = total.saturating_add(entry.size());
        if total > MAX_UNPACKED {
            return Err(too_big());
        }
    }
    Ok(())
}

/// Reads the first sheet of an XLSX file cell by cell within the limits.
pub(crate) fn read_xlsx(bytes: &[u8], name: &str) -> Result<Table, CellProblem> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| problem(name, Problem::BadFile { reason: e.to_string() }))?;
    let sheet = workbook.sheet_names().first().cloned().ok_or_else(|| problem(name, Problem::BadFile { reason: "no sheet".into() }))?;
    let mut reader = workbook.worksheet_cells_reader(&sheet).map_err(|e| problem(&sheet, Problem::BadFile { reason: e.to_string() }))?;
    // (row, column, value) of every non-empty cell, in the order the sheet stores them.
    let mut cells: Vec<(u32, u32, Data)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| problem(&sheet, Problem::BadFile { reason: e.to_string() }))? {
        let (row, column) = cell.get_position();
        let value: Data = cell.get_value().clone().into();
        if matches!(value, Data::Empty) {
            continue;
        }
        if column as usize >= MAX_COLUMNS {
            return Err(problem(&sheet, Problem::TooManyColumns { column: column_letter(column as usize), max: MAX_COLUMNS }));
        }
        if row as usize > MAX_ROWS + 1 {
            return Err(problem(&sheet, Problem::TooManyRows { max: MAX_ROWS }));
        }
        if cells.len() >= MAX_CELLS {
            return Err(problem(&sheet, Problem::TooManyCells { max: MAX_CELLS }));
        }
        cells.push((row, column, value));
    }
    drop(reader);
    grid(sheet, cells)
}

/// The table of sparse cells: the first used row is the header; the first used column is where
/// the columns start.
fn grid(sheet: String, mut cells: Vec<(u32, u32, Data)>) -> Result<Table, CellProblem> {
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    let Some(first_row) = cells.first().map(|c| c.0) else { return Err(problem(&sheet, Problem::EmptyFile)) };
    let first_column = cells.iter().map(|c| c.1).min().unwrap_or(0);
    let width = cells.iter().map(|c| c.1).max().unwrap_or(0) - first_column + 1;
    let used_rows = cells.iter().map(|c| c.0).collect::<std::collections::BTreeSet<_>>().len();
    // Rows are stored at full width: bound what that allocates before allocating it.
    if used_rows.saturating_mul(width as usize) > MAX_CELLS {
        return Err(problem(&sheet, Problem::TooManyCells { max: MAX_CELLS }));
    }
    let mut headers = vec![String::new(); width as usize];
    let mut rows: Vec<(usize, Vec<Cell>)> = Vec::new();
    for (row, column, value) in cells {
        let at = (column - first_column) as usize;
        if row == first_row {
            headers[at] = text_of(&cell_of(&value));
            continue;
        }
        if rows.last().is_none_or(|(n, _)| *n != row as usize + 1) {
            rows.push((row as usize + 1, vec![Cell::Empty; width as usize]));
        }
        if let Some((_, r)) = rows.last_mut() {
            r[at] = cell_of(&value);
        }
    }
    Ok(finish_table(sheet, first_column as usize, headers, rows))
}

/// Whether a zip archive is an OpenDocument file (it has `content.xml`).
pub(crate) fn is_ods(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|mut z| z.by_name("content.xml").is_ok())
}

/// Scans an ODS file's first table for what its repeat counts would make of it, before the
/// reader expands them: used rows, columns and cells within the limits.
pub(crate) fn check_ods(bytes: &[u8], name: &str) -> Result<(), CellProblem> {
    use quick_xml::events::Event;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    let Ok(content) = zip.by_name("content.xml") else { return Ok(()) };
    let mut xml = String::new();
    content.take(MAX_UNPACKED).read_to_string(&mut xml).map_err(|e| problem(name, Problem::BadFile { reason: e.to_string() }))?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let repeats = |e: &quick_xml::events::BytesStart, attr: &str| -> u64 {
        e.attributes().flatten().find(|a| a.key.as_ref() == attr).and_then(|a| a.value.parse().ok()).unwrap_or(1)
    };
    let (mut rows, mut cells, mut tables) = (0u64, 0u64, 0);
    let (mut row_repeats, mut row_width, mut row_used) = (1u64, 0u64, 0u64);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.name().as_ref() == "table:table" => {
                tables += 1;
                if tables > 1 {
                    break; // only the first sheet is read
                }
            }
            Ok(Event::Start(e)) if e.name().as_ref() == "table:table-row" => {
                (row_repeats, row_width, row_used) = (repeats(&e, "table:number-rows-repeated"), 0, 0);
            }
            Ok(Event::Empty(e)) if e.name().as_ref() == "table:table-row" => {
                let _ = repeats(&e, "table:number-rows-repeated"); // an empty row: nothing is kept
            }
            Ok(Event::Start(e)) if e.name().as_ref() == "table:table-cell" => {
                // A cell with content: a value type, or text inside.
                row_width = row_width.saturating_add(repeats(&e, "table:number-columns-repeated"));
                let has_value = e.attributes().flatten().any(|a| a.key.as_ref() == "office:value-type");
                if has_value || matches!(reader.read_event(), Ok(Event::Start(_)) | Ok(Event::Text(_))) {
                    row_used = row_width;
                }
            }
            Ok(Event::Empty(e)) if e.name().as_ref() == "table:table-cell" => {
                row_width = row_width.saturating_add(repeats(&e, "table:number-columns-repeated"));
                if e.attributes().flatten().any(|a| a.key.as_ref() == "office:value-type") {
                    row_used = row_width;
                }
            }
            Ok(Event::End(e)) if e.name().as_ref() == "table:table-row" && row_used > 0 => {
                if row_used > MAX_COLUMNS as u64 {
                    return Err(problem(name, Problem::TooManyColumns { column: column_letter(row_used as usize - 1), max: MAX_COLUMNS }));
                }
                rows = rows.saturating_add(row_repeats);
                cells = cells.saturating_add(row_repeats.saturating_mul(row_used));
                if rows > MAX_ROWS as u64 + 1 {
                    return Err(problem(name, Problem::TooManyRows { max: MAX_ROWS }));
                }
                if cells > MAX_CELLS as u64 {
                    return Err(problem(name, Problem::TooManyCells { max: MAX_CELLS }));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    Ok(())
}
