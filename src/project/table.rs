//! Reading the CSV files a project points to: forgiving headers and encodings, strict cells.
//! Each cell problem names file, line (as an editor counts it), column number and header.

use super::lines::{LineFinder, QuoteCounter};
use crate::diag::{Diagnostic, Problems};
use csv::ByteRecord;
use std::borrow::Cow;
use std::cell::RefCell;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// At most this many problems are listed per file; the rest are counted.
pub const MAX_LISTED: usize = 100;

/// Bytes the CSV parser reads at a time.
const BUFFER: usize = 256 * 1024;

/// A column a reader expects.
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

/// An open CSV file with its header mapped to the expected columns.
pub struct Table {
    pub layout: Layout,
    reader: csv::Reader<QuoteCounter<File>>,
    /// Warnings about the header (unused columns).
    pub warnings: Problems,
}

/// Where the expected columns are in a file, and how to point at its cells.
pub struct Layout {
    pub path: PathBuf,
    /// For each expected column, its 0-based position in the file, if present.
    pub positions: Vec<Option<usize>>,
    pub headers: Vec<String>,
    /// Works out line numbers when a message needs one.
    lines: RefCell<Option<LineFinder<File>>>,
    /// How many columns the header has, and whether every one has a heading (the usual case,
    /// in which a row no wider than the header needs no further check).
    named: usize,
    all_named: bool,
}

/// Rows handed from the reading thread to the checking one at a time.
const BATCH: usize = 1024;

/// How the reading thread's part of the file ended.
enum End {
    /// Read to the end.
    Done,
    /// The file could not be read on.
    Failed(csv::Error),
    /// A quoted cell starting in the last row (at this byte) was never closed.
    UnclosedQuote(u64),
}

/// What the reading thread sends: a batch of rows (only the first `len` are filled this time),
/// and how the file ended, after the last batch.
struct Batch {
    rows: Vec<ByteRecord>,
    len: usize,
    end: Option<End>,
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

/// A cell's text fit to quote in a message: short and on one line, or `None` when it is not
/// (a long or multi-line cell may hold someone's story or name swallowed by a stray quote).
pub fn quotable(text: &str) -> Option<&str> {
    (text.chars().count() <= 40 && !text.contains(['\n', '\r'])).then_some(text)
}

impl Table {
    /// Opens `path` and checks its header against `columns`.
    pub fn open(path: &Path, columns: &[Column]) -> Result<Table, Problems> {
        let expected = columns.iter().map(|c| c.name).collect::<Vec<_>>().join(",");
        let meta = std::fs::metadata(path).map_err(|e| crate::input::open_error(path, &e))?;
        if meta.is_dir() {
            return Err(
                Diagnostic::error(format!("{} is a folder, not a file", path.display()))
                    .in_file(path)
                    .into(),
            );
        }
        let mut head = [0u8; 2];
        let mut file = File::open(path).map_err(|e| crate::input::open_error(path, &e))?;
        let n = file
            .read(&mut head)
            .map_err(|e| crate::input::open_error(path, &e))?;
        if n == 0 {
            return Err(Diagnostic::error(format!("{} is empty", path.display()))
                .in_file(path)
                .with_help(format!("the first row must name the columns: {expected}"))
                .into());
        }
        if crate::input::is_utf16(&head) {
            return Err(crate::input::utf16_error(path).into());
        }
        let file = File::open(path).map_err(|e| crate::input::open_error(path, &e))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(BUFFER)
            .from_reader(QuoteCounter::new(file));
        let mut header = ByteRecord::new();
        let got = reader
            .read_byte_record(&mut header)
            .map_err(|e| Problems::one(csv_error(path, &e)))?;
        let mut finder = File::open(path).ok().map(LineFinder::new);
        let header_line = match (&mut finder, header.position()) {
            (Some(f), Some(p)) if got => f.line_at(p.byte()),
            _ => 1,
        };
        let headers: Vec<String> = if got {
            header
                .iter()
                .map(|h| normalise_header(&cell_text(h)))
                .collect()
        } else {
            Vec::new()
        };
        if headers.iter().all(String::is_empty) {
            return Err(
                Diagnostic::error(format!("{} has no header row", path.display()))
                    .at_line(path, header_line)
                    .with_help(format!("the first row must name the columns: {expected}"))
                    .into(),
            );
        }
        if headers.len() == 1 && (headers[0].contains(';') || headers[0].contains('\t')) {
            return Err(Diagnostic::error(
                "the columns are separated by semicolons or tabs, not commas",
            )
            .at_line(path, header_line)
            .with_help("save the sheet as \"CSV UTF-8 (Comma delimited)\"")
            .into());
        }
        if !headers.iter().any(|h| columns.iter().any(|c| c.name == h)) {
            // Likely a file without a header: its first row is data, so it is not quoted back.
            return Err(Diagnostic::error(
                "the first row does not name any of the expected columns",
            )
            .at_line(path, header_line)
            .with_help(format!("add a first row naming the columns: {expected}"))
            .into());
        }
        let mut problems = Problems::new();
        let mut positions = vec![None; columns.len()];
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() {
                continue;
            }
            let shown = quotable(h).unwrap_or("(a long heading)");
            match columns.iter().position(|c| c.name == h) {
                Some(k) if positions[k].is_some() => problems.push(
                    Diagnostic::error(format!("column \"{shown}\" appears twice in the header"))
                        .at_cell(path, header_line, i + 1, shown),
                ),
                Some(k) => positions[k] = Some(i),
                None => {
                    let unfilled = |g: &str| !headers.iter().any(|x| x == g);
                    let d = match crate::diag::nearest(h, columns.iter().map(|c| c.name)) {
                        Some(g) if unfilled(g) => Diagnostic::error(format!("unknown column \"{shown}\""))
                            .with_help(format!("did you mean \"{g}\"? the columns are: {expected}")),
                        _ => Diagnostic::warning(format!("column \"{shown}\" is not used by social-value; its contents are ignored")),
                    };
                    problems.push(d.at_cell(path, header_line, i + 1, shown));
                }
            }
        }
        for (c, pos) in columns.iter().zip(&positions) {
            if c.required && pos.is_none() {
                problems.push(
                    Diagnostic::error(format!("the required column \"{}\" is missing", c.name))
                        .at_line(path, header_line)
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
                named: headers.len(),
                all_named: headers.iter().all(|h| !h.is_empty()),
                headers,
                lines: RefCell::new(finder),
            },
            reader,
            warnings: problems,
        })
    }

    /// Calls `each` with every non-blank row, or with the problem a row has (a stray comma, a
    /// value under no header); a problem that ends the file comes last.
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
            scope.spawn(move || {
                let mut last_start = 0;
                loop {
                    let mut rows = empty_rx.try_recv().unwrap_or_default();
                    let mut len = 0;
                    let mut end = None;
                    while len < BATCH {
                        if rows.len() == len {
                            rows.push(ByteRecord::new());
                        }
                        match reader.read_byte_record(&mut rows[len]) {
                            Ok(true) => {
                                last_start = rows[len].position().map_or(0, csv::Position::byte);
                                len += 1;
                            }
                            Ok(false) if reader.get_ref().unclosed_quote() => {
                                end = Some(End::UnclosedQuote(last_start));
                                break;
                            }
                            Ok(false) => {
                                end = Some(End::Done);
                                break;
                            }
                            Err(e) => {
                                end = Some(End::Failed(e));
                                break;
                            }
                        }
                    }
                    let done = end.is_some();
                    // A closed channel means the checking side has stopped: stop reading too.
                    if full_tx.send(Batch { rows, len, end }).is_err() || done {
                        break;
                    }
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
                match &batch.end {
                    Some(End::Failed(e)) => each(&layout, Err(csv_error(&layout.path, e))),
                    Some(End::UnclosedQuote(at)) => each(
                        &layout,
                        Err(Diagnostic::error("a double quote (\") opens a cell here that is never closed, so everything after it was read as one cell")
                            .at_line(&layout.path, layout.line_at(*at))
                            .with_help("close the quote, or remove it if it was not meant to start a quoted cell")),
                    ),
                    Some(End::Done) | None => {}
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
    /// Blank rows are skipped; a value in a column with no header, or beyond the header, is
    /// refused (usually a stray comma), while empty trailing cells from a spreadsheet are fine.
    #[inline]
    fn check_row(&self, rec: &ByteRecord) -> RowCheck {
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return RowCheck::Blank;
        }
        if rec.len() <= self.named && self.all_named {
            return RowCheck::Row;
        }
        let unnamed = rec.iter().enumerate().find(|(i, f)| {
            self.headers.get(*i).is_none_or(String::is_empty) && !f.trim_ascii().is_empty()
        });
        if let Some((i, _)) = unnamed {
            let line = self.line(rec);
            let d = if rec.len() > self.headers.len() {
                Diagnostic::error(format!("line {line} has {} values but the header names {} columns", rec.len(), self.headers.len()))
                    .with_help("a number written with a comma, like 1,200, splits into two columns: write 1200, or put the value in double quotes")
            } else {
                Diagnostic::error(format!(
                    "line {line} has a value in column {}, which has no heading",
                    i + 1
                ))
                .with_help("give the column a heading, or clear the cells under it")
            };
            return RowCheck::Bad(d.at_cell(&self.path, line, i + 1, ""));
        }
        RowCheck::Row
    }

    /// The line the row starts on (1-based, as an editor counts; worked out only when asked).
    pub fn line(&self, rec: &ByteRecord) -> u64 {
        self.line_at(rec.position().map_or(0, csv::Position::byte))
    }

    fn line_at(&self, at: u64) -> u64 {
        match self.lines.borrow_mut().as_mut() {
            Some(f) => f.line_at(at),
            None => 0,
        }
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

fn csv_error(path: &Path, e: &csv::Error) -> Diagnostic {
    let d = Diagnostic::error(format!("cannot read {}: {e}", path.display()));
    match e.position() {
        Some(p) => d.at_line(path, p.line()),
        None => d.in_file(path),
    }
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
                Diagnostic::error(format!("... and {} more problems in this file (only the first {MAX_LISTED} are listed)", self.unlisted))
                    .in_file(&self.path),
            );
        }
        self.problems
    }
}
