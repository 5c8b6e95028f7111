//! Small tables read whole from a CSV file or a spreadsheet (`.xlsx`, `.xlsm`, `.xls`, `.ods`;
//! the first sheet, or `file.xlsx#Sheet name`), with headers matched the forgiving way.

use crate::diag::{Diagnostic, Problems};
use crate::read::lines::LineFinder;
use crate::read::table::{cell_text, normalise_header};
use calamine::{open_workbook_auto, Data, Reader};
use std::path::{Path, PathBuf};

mod parts;
mod xml;

/// Most rows read into memory this way; big logs are streamed by `project::table` instead.
pub const MAX_ROWS: usize = 200_000;

/// Longest row read this way (a toolkit import row is a few hundred bytes).
const MAX_ROW_BYTES: usize = 1 << 20;

/// One data row with the line (CSV) or row number (spreadsheet) it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A table: normalised headers and the non-blank rows below them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub path: PathBuf,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

impl Sheet {
    /// The 0-based position of a column, by normalised name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The trimmed text of column `name` in `row`; empty when the column or cell is absent.
    pub fn get<'a>(&self, row: &'a Row, name: &str) -> &'a str {
        self.column(name)
            .and_then(|i| row.cells.get(i))
            .map_or("", |s| s.trim())
    }

    /// A diagnostic pointing at column `name` of `row`.
    pub fn error(&self, row: &Row, name: &str, message: String) -> Diagnostic {
        match self.column(name) {
            Some(i) => Diagnostic::error(message).at_cell(&self.path, row.line, i + 1, name),
            None => Diagnostic::error(message).at_line(&self.path, row.line),
        }
    }
}

/// Splits `data.xlsx#Sheet 2` into the file and the sheet name (only when the whole text is not
/// itself an existing file).
pub(crate) fn split_sheet(spec: &Path) -> (PathBuf, Option<String>) {
    let text = spec.to_string_lossy();
    if !spec.exists() {
        if let Some((file, sheet)) = text.rsplit_once('#') {
            return (PathBuf::from(file), Some(sheet.to_string()));
        }
    }
    (spec.to_path_buf(), None)
}

/// Whether `path` names a spreadsheet (the one list of their extensions is in `diag`, which
/// shows places in them as cells).
pub(crate) fn is_spreadsheet(path: &Path) -> bool {
    crate::diag::names_spreadsheet(path)
}

/// Refuses a spreadsheet larger than `limit` bytes on disk or, for the zip-based formats
/// (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`), once unzipped (as the archive declares its contents):
/// a small file can unzip to gigabytes, which the spreadsheet reader would hold in memory.
pub(crate) fn check_size(path: &Path, limit: u64) -> Result<(), Problems> {
    use crate::read::table::too_big;
    // A folder, pipe or device is refused here: opening one as a zip could hang.
    let meta = crate::read::input::ordinary_file(path)?;
    if meta.len() > limit {
        return Err(too_big(path, "is", meta.len(), limit).into());
    }
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(());
    };
    // Not a zip (an old .xls): only its size on disk counts. A damaged zip is left to the reader.
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        if let Ok(entry) = archive.by_index_raw(i) {
            total = total.saturating_add(entry.size());
        }
    }
    if total > limit {
        return Err(too_big(path, "unzips to", total, limit).into());
    }
    Ok(())
}

/// Reads a whole table from CSV or a spreadsheet.
pub fn read(spec: &Path) -> Result<Sheet, Problems> {
    let (path, sheet) = split_sheet(spec);
    let grid = if is_spreadsheet(&path) {
        check_size(&path, crate::read::Limits::default().max_file_bytes)?;
        read_workbook(&path, sheet.as_deref())?
    } else {
        read_csv(&path)?
    };
    let mut rows = grid.into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(Diagnostic::error(format!("{} is empty", path.display()))
            .in_file(&path)
            .into());
    };
    let mut headers: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    let rows: Vec<Row> = rows
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(line, cells)| Row { line, cells })
        .collect();
    if rows.len() > MAX_ROWS {
        return Err(Diagnostic::error(format!(
            "{} has {} rows, more than the {MAX_ROWS} this command reads",
            path.display(),
            rows.len()
        ))
        .in_file(&path)
        .into());
    }
    Ok(Sheet {
        path,
        headers,
        rows,
    })
}

fn read_csv(path: &Path) -> Result<Vec<(u64, Vec<String>)>, Problems> {
    let meta = crate::read::input::ordinary_file(path)?;
    // Read whole, so kept small: a table of proxies is kilobytes.
    if meta.len() > crate::read::input::MAX_TEXT_FILE {
        return Err(crate::read::table::too_big(
            path,
            "is",
            meta.len(),
            crate::read::input::MAX_TEXT_FILE,
        )
        .into());
    }
    let bytes = std::fs::read(path).map_err(|e| crate::read::input::open_error(path, &e))?;
    if crate::read::input::is_utf16(&bytes) {
        return Err(crate::read::input::utf16_error(path).into());
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut lines = LineFinder::new(body);
    let mut out = Vec::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(
                    Diagnostic::error(format!("cannot read {}: {e}", path.display()))
                        .in_file(path)
                        .into(),
                )
            }
        }
        let at = rec.position().map_or(0, csv::Position::byte);
        let line = lines.line_at(at);
        if rec.as_slice().len() > MAX_ROW_BYTES {
            return Err(
                Diagnostic::error("this row is over 1 MB: not a row of a table")
                    .at_line(path, line)
                    .with_help("check it is the right file, and that no quote is left open above")
                    .into(),
            );
        }
        out.push((
            line,
            rec.iter().map(|f| cell_text(f).into_owned()).collect(),
        ));
        if out.len() > MAX_ROWS + 1 {
            break;
        }
    }
    if memchr::memchr_iter(b'"', body).count() % 2 == 1 {
        let line = out.last().map_or(1, |(l, _)| *l);
        return Err(Diagnostic::error("a double quote (\") opens a cell here that is never closed, so everything after it was read as one cell")
            .at_line(path, line)
            .with_help("close the quote, or remove it if it was not meant to start a quoted cell")
            .into());
    }
    Ok(out)
}

pub(crate) fn read_workbook(
    path: &Path,
    sheet: Option<&str>,
) -> Result<Vec<(u64, Vec<String>)>, Problems> {
    let fail = |why: String| -> Problems {
        Diagnostic::error(format!("cannot read {}: {why}", path.display()))
            .in_file(path)
            .into()
    };
    if !path.is_file() {
        return Err(crate::read::input::open_error(
            path,
            &std::io::Error::from(std::io::ErrorKind::NotFound),
        )
        .into());
    }
    check_parts(path)?;
    let mut book = open_workbook_auto(path).map_err(|e| fail(e.to_string()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(s.trim()))
            })
            .cloned()
            .ok_or_else(|| {
                Problems::from(
                    Diagnostic::error(format!("{} has no sheet called \"{s}\"", path.display()))
                        .in_file(path)
                        .with_help(format!("its sheets are: {}", names.join(", "))),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| fail("it has no sheets".into()))?,
    };
    if let calamine::Sheets::Xlsx(x) = &mut book {
        check_extent(path, x, &name)?;
    }
    let range = book
        .worksheet_range(&name)
        .map_err(|e| fail(e.to_string()))?;
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row: Vec<String> = vec![String::new(); first_col];
            row.extend(cells.iter().map(cell_string));
            (first_row + i as u64 + 1, row)
        })
        .collect())
}

/// Most cells (rows × columns, from the first cell to the last) a sheet may span: the reader
/// holds the whole rectangle, so one stray cell at XFD1048576 would ask for 17 billion.
pub const MAX_CELLS: u64 = 5_000_000;

/// Most text one cell may hold, in bytes as stored. Decision: a spreadsheet cell holds at
/// most 32,767 characters (at most about 128 KB, or 5 bytes a character once escaped); a
/// megabyte is beyond any real cell, and bounds what one cell repeated can cost.
pub const MAX_CELL_BYTES: u64 = 1 << 20;

/// Most text a workbook's shared strings may hold, which the reader keeps whole. Decision:
/// 64 MiB, over a million different names or notes of 60 characters.
pub const MAX_SHARED_TEXT: u64 = 64 << 20;

/// Most text a sheet may hold once each cell showing a shared string counts its text (the
/// reader copies it into every such cell). Decision: 64 MiB, a full 5,000,000-cell sheet at
/// 13 bytes a cell; a year's log of a few thousand rows is well under a megabyte.
pub const MAX_SHEET_TEXT: u64 = 64 << 20;

/// Largest other part of a workbook the reader takes in whole (styles, the list of sheets,
/// relationships), unzipped: a real one is kilobytes.
pub const MAX_PART_BYTES: u64 = 16 << 20;

/// Checks a zip-based workbook's parts before the reader takes them in (see [`parts`]).
fn check_parts(path: &Path) -> Result<(), Problems> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(()); // The reader says why.
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(()); // Not a zip: the reader says so.
    };
    let checked = match ext.as_str() {
        "xlsx" | "xlsm" => parts::check_xlsx(&mut zip),
        "ods" => parts::check_ods(&mut zip),
        _ => Ok(()),
    };
    checked.map_err(|why| {
        Diagnostic::error(format!("cannot read {}: {why}", path.display()))
            .in_file(path)
            .with_help("this is not what a spreadsheet program writes for a table: check it is the right file; if it is, open it in Excel or LibreOffice, copy the table to a new workbook, and save that (or save the sheet as CSV)")
            .into()
    })
}

/// Refuses an .xlsx sheet whose cells span more than [`MAX_CELLS`], by a first pass that
/// streams the cells without holding them.
fn check_extent<R: std::io::Read + std::io::Seek>(
    path: &Path,
    book: &mut calamine::Xlsx<R>,
    sheet: &str,
) -> Result<(), Problems> {
    let Ok(mut cells) = book.worksheet_cells_reader(sheet) else {
        return Ok(()); // The full read reports the problem.
    };
    let (mut first, mut last) = ((u32::MAX, u32::MAX), (0u32, 0u32));
    while let Ok(Some(cell)) = cells.next_cell() {
        let (r, c) = cell.get_position();
        first = (first.0.min(r), first.1.min(c));
        last = (last.0.max(r), last.1.max(c));
    }
    if first.0 == u32::MAX {
        return Ok(());
    }
    let rows = u64::from(last.0 - first.0) + 1;
    let cols = u64::from(last.1 - first.1) + 1;
    if rows.saturating_mul(cols) > MAX_CELLS {
        return Err(Diagnostic::error(format!(
            "sheet \"{sheet}\" of {} spans {rows} rows by {cols} columns, more than the {MAX_CELLS} cells this command reads",
            path.display()
        ))
        .in_file(path)
        .with_help(format!(
            "a cell far from the table (the last is {}{}) makes the sheet this large: delete it, or copy the table to a new sheet",
            crate::diag::column_letters(u64::from(last.1) + 1),
            last.0 + 1
        ))
        .into());
    }
    Ok(())
}

/// A cell as the text a person sees: whole numbers without `.0`, other numbers at most to
/// Excel's own 15 significant digits, errors named, dates as ISO `2024-04-01` (with
/// `T10:30:00` when the cell holds a time too), and durations and times of day as hours.
fn cell_string(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) => s.clone(),
        Data::DurationIso(s) => iso_duration_hours(s).unwrap_or_else(|| s.clone()),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        // A time with no date (a serial below 1) is a time of day, or how long something
        // took typed as h:mm: hours either way in this tool.
        Data::DateTime(dt) if dt.is_duration() || (0.0..1.0).contains(&dt.as_f64()) => {
            days_as_hours(dt.as_f64())
        }
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A spreadsheet number as text. Decision: rounded to 15 significant digits, the precision
/// Excel itself shows and calculates to, so binary noise (0.1 + 0.2 stored as
/// 0.30000000000000004) reads as the 0.3 the person sees, not as a number with 17 decimal
/// places.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{f:.0}");
    }
    match rust_decimal::Decimal::from_scientific(&format!("{f:.14e}")) {
        Ok(d) => d.normalize().to_string(),
        Err(_) => f.to_string(),
    }
}

/// A duration or time held as a fraction of a day (Excel stores 1:30 as 0.0625) as hours:
/// 1.5. Decision: rounded to the second first (a timesheet records minutes, at most seconds,
/// and the fraction of a day carries binary noise below that), then held exactly where a
/// decimal can, otherwise to 8 decimal places (see [`crate::num::seconds_as_hours`]).
fn days_as_hours(days: f64) -> String {
    let seconds = (days * 86_400.0).round();
    if !seconds.is_finite() || seconds.abs() > 1e15 {
        return number_text(days);
    }
    crate::num::seconds_as_hours(seconds as i64).to_string()
}

/// An ISO 8601 duration, as LibreOffice stores a time (`PT01H30M00S`, `P1DT2H`, `-PT0H30M`),
/// as hours, rounded to the second like [`days_as_hours`]; `None` when not such a duration.
fn iso_duration_hours(s: &str) -> Option<String> {
    let (negative, rest) = match s.trim().strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.trim()),
    };
    let rest = rest.strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut seconds = 0f64;
    for (part, units) in [
        (date, &[('D', 86_400.0)][..]),
        (time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)][..]),
    ] {
        let mut left = part;
        for (unit, size) in units {
            if let Some((n, tail)) = left.split_once(*unit) {
                let n: f64 = n
                    .parse()
                    .ok()
                    .filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
                seconds += n * size;
                left = tail;
            }
        }
        if !left.is_empty() {
            return None;
        }
    }
    let seconds = seconds.round();
    if seconds > 1e15 {
        return None;
    }
    let hours = crate::num::seconds_as_hours(seconds as i64);
    Some(if negative { -hours } else { hours }.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_to_fifteen_significant_digits() {
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(1.1 * 3.0), "3.3");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(1.0 / 3.0), "0.333333333333333");
        assert_eq!(number_text(-0.000123), "-0.000123");
    }

    #[test]
    fn durations_are_hours() {
        assert_eq!(days_as_hours(0.0625), "1.5");
        assert_eq!(days_as_hours(0.09375), "2.25");
        assert_eq!(days_as_hours(61.0 / 1440.0), "1.01666667");
        assert_eq!(days_as_hours(36.5 / 24.0), "36.5");
        assert_eq!(iso_duration_hours("PT01H30M00S").as_deref(), Some("1.5"));
        assert_eq!(iso_duration_hours("PT0H45M").as_deref(), Some("0.75"));
        assert_eq!(iso_duration_hours("P1DT2H").as_deref(), Some("26"));
        assert_eq!(iso_duration_hours("-PT0H30M").as_deref(), Some("-0.5"));
        assert_eq!(
            iso_duration_hours("PT2H0M30.000S").as_deref(),
            Some("2.00833333")
        );
        assert_eq!(iso_duration_hours("1:30"), None);
        assert_eq!(iso_duration_hours("PT1X"), None);
    }
}
