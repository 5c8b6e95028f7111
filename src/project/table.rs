//! Reading the CSV files a project points to: forgiving headers and encodings, strict cells.
//! Each cell problem names file, line, column number and column header.

use crate::diag::{Diagnostic, Problems};
use csv::ByteRecord;
use std::borrow::Cow;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// At most this many problems are listed per file; the rest are counted.
pub const MAX_LISTED: usize = 100;

/// A column a reader expects.
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

/// An open CSV file with its header mapped to the expected columns.
pub struct Table {
    pub path: PathBuf,
    reader: csv::Reader<BufReader<File>>,
    /// For each expected column, its 0-based position in the file, if present.
    pub positions: Vec<Option<usize>>,
    pub headers: Vec<String>,
    /// Warnings about the header (unused columns).
    pub warnings: Problems,
}

/// Header text as compared: trimmed, lower case, spaces and hyphens as underscores.
pub fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// A field as text: UTF-8 if it is, otherwise Windows-1252 (older Excel's "CSV").
pub fn cell_text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

impl Table {
    /// Opens `path` and checks its header against `columns`.
    pub fn open(path: &Path, columns: &[Column]) -> Result<Table, Problems> {
        let file = File::open(path).map_err(|e| crate::input::open_error(path, &e))?;
        let mut buf = BufReader::with_capacity(256 * 1024, file);
        let expected = columns.iter().map(|c| c.name).collect::<Vec<_>>().join(",");
        let mut head = [0u8; 4];
        let n = peek(&mut buf, &mut head).map_err(|e| crate::input::open_error(path, &e))?;
        if n == 0 {
            return Err(Diagnostic::error(format!("{} is empty", path.display()))
                .in_file(path)
                .with_help(format!("the first row must name the columns: {expected}"))
                .into());
        }
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(Diagnostic::error(format!(
                "{} is saved as UTF-16 (Excel's \"Unicode Text\")",
                path.display()
            ))
            .in_file(path)
            .with_help("in Excel choose File > Save As > \"CSV UTF-8 (Comma delimited)\"")
            .into());
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(buf);
        let mut header = ByteRecord::new();
        let got = reader
            .read_byte_record(&mut header)
            .map_err(|e| csv_error(path, &e))?;
        let headers: Vec<String> = if got {
            header
                .iter()
                .map(|h| normalise_header(&cell_text(h)))
                .collect()
        } else {
            Vec::new()
        };
        let mut problems = Problems::new();
        if headers.iter().all(String::is_empty) {
            return Err(
                Diagnostic::error(format!("{} has no header row", path.display()))
                    .at_line(path, 1)
                    .with_help(format!("the first row must name the columns: {expected}"))
                    .into(),
            );
        }
        if headers.len() == 1 && (headers[0].contains(';') || headers[0].contains('\t')) {
            return Err(Diagnostic::error(
                "the columns are separated by semicolons or tabs, not commas",
            )
            .at_line(path, 1)
            .with_help("save the sheet as \"CSV UTF-8 (Comma delimited)\"")
            .into());
        }
        let mut positions = vec![None; columns.len()];
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() {
                continue;
            }
            match columns.iter().position(|c| c.name == h) {
                Some(k) if positions[k].is_some() => problems.push(
                    Diagnostic::error(format!("column \"{h}\" appears twice in the header"))
                        .at_cell(path, 1, i + 1, h),
                ),
                Some(k) => positions[k] = Some(i),
                None => {
                    let guess = crate::diag::nearest(h, columns.iter().map(|c| c.name));
                    let d = match guess {
                        Some(g)
                            if positions[columns.iter().position(|c| c.name == g).unwrap_or(0)]
                                .is_none() =>
                        {
                            Diagnostic::error(format!("unknown column \"{h}\"")).with_help(format!(
                                "did you mean \"{g}\"? the columns are: {expected}"
                            ))
                        }
                        _ => Diagnostic::warning(format!(
                            "column \"{h}\" is not used by social-value; its contents are ignored"
                        )),
                    };
                    problems.push(d.at_cell(path, 1, i + 1, h));
                }
            }
        }
        for (c, pos) in columns.iter().zip(&positions) {
            if c.required && pos.is_none() {
                problems.push(
                    Diagnostic::error(format!("the required column \"{}\" is missing", c.name))
                        .at_line(path, 1)
                        .with_help(format!("the first row must name the columns: {expected}")),
                );
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(Table {
            path: path.to_path_buf(),
            reader,
            positions,
            headers,
            warnings: problems,
        })
    }

    /// Reads the next row into `rec`; `Ok(false)` at the end. Blank rows are skipped.
    /// A row with more non-empty fields than the header is a [`RowError::Bad`] (a stray comma);
    /// a file that cannot be read on is [`RowError::Fatal`].
    pub fn next(&mut self, rec: &mut ByteRecord) -> Result<bool, RowError> {
        loop {
            match self.reader.read_byte_record(rec) {
                Ok(true) => {}
                Ok(false) => return Ok(false),
                Err(e) => return Err(RowError::Fatal(Box::new(csv_error_diag(&self.path, &e)))),
            }
            if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            if rec.len() > self.headers.len()
                && rec
                    .iter()
                    .skip(self.headers.len())
                    .any(|f| !f.trim_ascii().is_empty())
            {
                let line = self.line(rec);
                return Err(RowError::Bad(Box::new(Diagnostic::error(format!(
                    "line {line} has {} values but the header names {} columns",
                    rec.len(),
                    self.headers.len()
                ))
                .at_cell(&self.path, line, self.headers.len() + 1, "")
                .with_help("a number written with a comma, like 1,200, splits into two columns: write 1200, or put the value in double quotes"))));
            }
            return Ok(true);
        }
    }

    /// The line the row starts on (1-based, as an editor counts).
    pub fn line(&self, rec: &ByteRecord) -> u64 {
        rec.position().map_or(0, |p| p.line())
    }

    /// The raw bytes of expected column `k` in `rec`, trimmed; empty when absent.
    pub fn raw<'r>(&self, rec: &'r ByteRecord, k: usize) -> &'r [u8] {
        self.positions[k]
            .and_then(|i| rec.get(i))
            .map_or(&[][..], <[u8]>::trim_ascii)
    }

    /// Column `k` as trimmed text.
    pub fn text<'r>(&self, rec: &'r ByteRecord, k: usize) -> Cow<'r, str> {
        match cell_text(self.raw(rec, k)) {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
        }
    }

    /// A diagnostic pointing at column `k` of `rec`.
    pub fn cell_error(
        &self,
        rec: &ByteRecord,
        k: usize,
        name: &str,
        message: String,
    ) -> Diagnostic {
        match self.positions[k] {
            Some(i) => Diagnostic::error(message).at_cell(&self.path, self.line(rec), i + 1, name),
            None => Diagnostic::error(format!("{message} (the file has no \"{name}\" column)"))
                .at_line(&self.path, self.line(rec)),
        }
    }
}

fn peek(buf: &mut BufReader<File>, head: &mut [u8; 4]) -> std::io::Result<usize> {
    use std::io::BufRead;
    let avail = buf.fill_buf()?;
    let n = avail.len().min(4);
    head[..n].copy_from_slice(&avail[..n]);
    Ok(n)
}

fn csv_error_diag(path: &Path, e: &csv::Error) -> Diagnostic {
    let d = Diagnostic::error(format!("cannot read {}: {e}", path.display()));
    match e.position() {
        Some(p) => d.at_line(path, p.line()),
        None => d.in_file(path),
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> Problems {
    Problems::one(csv_error_diag(path, e))
}

/// Why a row could not be read.
pub enum RowError {
    /// This row is wrong; the rows after it can still be read.
    Bad(Box<Diagnostic>),
    /// The file cannot be read any further.
    Fatal(Box<Diagnostic>),
}

/// Collects cell problems for one file, listing the first [`MAX_LISTED`] and counting the rest.
pub struct Collector {
    pub problems: Problems,
    pub unlisted: u64,
    path: PathBuf,
}

impl Collector {
    pub fn new(path: &Path, warnings: Problems) -> Self {
        Collector {
            problems: warnings,
            unlisted: 0,
            path: path.to_path_buf(),
        }
    }

    pub fn push(&mut self, d: Diagnostic) {
        if self.problems.list.len() < MAX_LISTED {
            self.problems.push(d);
        } else {
            self.unlisted += 1;
        }
    }

    /// All problems found, with a closing count of those not listed.
    pub fn finish(mut self) -> Problems {
        if self.unlisted > 0 {
            self.problems.push(
                Diagnostic::error(format!(
                    "... and {} more problems in this file (only the first {MAX_LISTED} are listed)",
                    self.unlisted
                ))
                .in_file(&self.path),
            );
        }
        self.problems
    }
}
