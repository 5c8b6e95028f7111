//! Small tables read whole from a CSV file or a spreadsheet (`.xlsx`, `.xlsm`, `.xls`, `.ods`;
//! the first sheet, or `file.xlsx#Sheet name`), with headers matched the forgiving way.

use crate::diag::{Diagnostic, Problems};
use crate::project::lines::LineFinder;
use crate::project::table::{cell_text, normalise_header};
use calamine::{open_workbook_auto, Data, Reader};
use std::path::{Path, PathBuf};

/// Most rows read into memory this way; big logs are streamed by `project::table` instead.
pub const MAX_ROWS: usize = 200_000;

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

pub(crate) fn is_spreadsheet(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
}

/// Reads a whole table from CSV or a spreadsheet.
pub fn read(spec: &Path) -> Result<Sheet, Problems> {
    let (path, sheet) = split_sheet(spec);
    let grid = if is_spreadsheet(&path) {
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
    let bytes = std::fs::read(path).map_err(|e| crate::input::open_error(path, &e))?;
    if crate::input::is_utf16(&bytes) {
        return Err(crate::input::utf16_error(path).into());
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
        return Err(crate::input::open_error(
            path,
            &std::io::Error::from(std::io::ErrorKind::NotFound),
        )
        .into());
    }
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

/// A cell as the text a person sees: whole numbers without `.0`, errors named, dates as ISO
/// `2024-04-01` (with `T10:30:00` when the cell holds a time too).
fn cell_string(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
