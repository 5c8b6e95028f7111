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
    pub layout: Layout,
    reader: csv::Reader<BufReader<File>>,
    /// Warnings about the header (unused columns).
    pub warnings: Problems,
}

/// Where the expected columns are in a file, and how to point at its cells.
pub struct Layout {
    pub path: PathBuf,
    /// For each expected column, its 0-based position in the file, if present.
    pub positions: Vec<Option<usize>>,
    pub headers: Vec<String>,
}

/// Rows handed from the reading thread to the checking one at a time.
const BATCH: usize = 1024;

/// What the reading thread sends: a batch of rows (only the first `len` are filled this time),
/// and whether the file ended or failed after them.
struct Batch {
    rows: Vec<ByteRecord>,
    len: usize,
    end: Option<Result<(), csv::Error>>,
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
            layout: Layout {
                path: path.to_path_buf(),
                positions,
                headers,
            },
            reader,
            warnings: problems,
        })
    }

    /// Calls `each` with every non-blank row, or with the problem that row has (a stray comma);
    /// stops after a problem that ends the file (reported last).
    ///
    /// Splitting the CSV into fields runs on a second thread, in batches, while `each` checks
    /// and adds up rows on this one, so a large log costs little more than reading it.
    pub fn for_each_row(self, mut each: impl FnMut(&Layout, Result<&ByteRecord, Diagnostic>)) {
        let Table {
            layout, mut reader, ..
        } = self;
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(4);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<ByteRecord>>();
        std::thread::scope(|scope| {
            scope.spawn(move || loop {
                let mut rows = empty_rx.try_recv().unwrap_or_default();
                let mut len = 0;
                let mut end = None;
                while len < BATCH {
                    if rows.len() == len {
                        rows.push(ByteRecord::new());
                    }
                    match reader.read_byte_record(&mut rows[len]) {
                        Ok(true) => len += 1,
                        Ok(false) => {
                            end = Some(Ok(()));
                            break;
                        }
                        Err(e) => {
                            end = Some(Err(e));
                            break;
                        }
                    }
                }
                let done = end.is_some();
                // A closed channel means the checking side has stopped: stop reading too.
                if full_tx.send(Batch { rows, len, end }).is_err() || done {
                    break;
                }
            });
            for batch in full_rx {
                for rec in &batch.rows[..batch.len] {
                    match layout.check_row(rec) {
                        RowCheck::Blank => {}
                        RowCheck::Row => each(&layout, Ok(rec)),
                        RowCheck::Bad(d) => each(&layout, Err(d)),
                    }
                }
                if let Some(Err(e)) = &batch.end {
                    each(&layout, Err(csv_error_diag(&layout.path, e)));
                }
                let _ = empty_tx.send(batch.rows);
            }
        });
    }
}

enum RowCheck {
    Blank,
    Row,
    Bad(Diagnostic),
}

impl Layout {
    /// Blank rows are skipped; a row with more non-empty fields than the header is refused
    /// (a stray comma), while empty trailing fields from a spreadsheet are fine.
    #[inline]
    fn check_row(&self, rec: &ByteRecord) -> RowCheck {
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return RowCheck::Blank;
        }
        if rec.len() > self.headers.len()
            && rec
                .iter()
                .skip(self.headers.len())
                .any(|f| !f.trim_ascii().is_empty())
        {
            let line = self.line(rec);
            return RowCheck::Bad(
                Diagnostic::error(format!(
                    "line {line} has {} values but the header names {} columns",
                    rec.len(),
                    self.headers.len()
                ))
                .at_cell(&self.path, line, self.headers.len() + 1, "")
                .with_help("a number written with a comma, like 1,200, splits into two columns: write 1200, or put the value in double quotes"),
            );
        }
        RowCheck::Row
    }

    /// The line the row starts on (1-based, as an editor counts).
    pub fn line(&self, rec: &ByteRecord) -> u64 {
        rec.position().map_or(0, |p| p.line())
    }

    /// The raw bytes of expected column `k` in `rec`, trimmed; empty when absent.
    #[inline]
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
