//! Reading the tables a project points to (CSV, or a spreadsheet's sheet): forgiving headers,
//! encodings and blank rows, strict cells; each problem names file, line or row, column, header.

pub use super::collector::{too_big, Collector, Limits, ReadOptions, Skipped, REPEAT_ROWS};
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
pub(crate) const BUFFER: usize = 256 * 1024;

/// A column a reader expects.
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

/// An open table with its header mapped to the expected columns.
pub struct Table {
    pub layout: Layout,
    source: Source,
    /// Warnings about the header (unused columns).
    pub warnings: Problems,
    /// Rows read at most; beyond them the file is refused.
    max_rows: u64,
}

/// Where rows come from: a CSV file streamed, or a spreadsheet's sheet already read whole
/// (each record's position holds its row number).
enum Source {
    Csv(csv::Reader<QuoteCounter<File>>),
    Sheet(Vec<ByteRecord>),
}

/// One row handed to a reader.
pub enum Row<'a> {
    /// A row to check, cell by cell.
    Ok(&'a ByteRecord),
    /// A row that cannot be read as the header says (a stray comma, a value under no header):
    /// with `--skip-bad-rows` it is set aside like a row with a bad cell.
    Bad(Diagnostic),
    /// The file itself cannot be read on (an unclosed quote, a read error): always fatal.
    Broken(Diagnostic),
}

/// Where the expected columns are in a file, and how to point at its cells.
pub struct Layout {
    pub path: PathBuf,
    /// For each expected column, its 0-based position in the file, if present.
    pub positions: Vec<Option<usize>>,
    pub headers: Vec<String>,
    /// Works out line numbers when a message needs one (CSV only).
    lines: RefCell<Option<LineFinder<File>>>,
    /// Read from a spreadsheet: positions are row numbers.
    sheet: bool,
    /// (key, position) of the first [`REPEAT_ROWS`] non-blank rows, filled while reading (on
    /// the reading thread, which has time to spare), for the repeated-row check.
    pub(crate) repeat_keys: Vec<(u64, u64)>,
    /// Rows read after [`REPEAT_ROWS`] were keyed (so not looked at for repeats).
    pub(crate) rows_unkeyed: u64,
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
    /// More rows than the limit.
    TooMany,
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
    /// Opens `path` (a CSV file, or a spreadsheet: `.xlsx`, `.ods`, `.xls`, the first sheet or
    /// `file.xlsx#Sheet`) and checks its header against `columns`.
    pub fn open(path: &Path, columns: &[Column], limits: Limits) -> Result<Table, Problems> {
        let (file, sheet_name) = crate::read::sheet::split_sheet(path);
        if crate::read::sheet::is_spreadsheet(&file) {
            return Table::open_sheet(path, &file, sheet_name.as_deref(), columns, limits);
        }
        let expected = expected(columns);
        let meta = crate::read::input::ordinary_file(path)?;
        if meta.len() > limits.max_file_bytes {
            return Err(too_big(path, "is", meta.len(), limits.max_file_bytes).into());
        }
        let mut head = [0u8; 2];
        let mut file = File::open(path).map_err(|e| crate::read::input::open_error(path, &e))?;
        let n = file
            .read(&mut head)
            .map_err(|e| crate::read::input::open_error(path, &e))?;
        if n == 0 {
            return Err(Diagnostic::error(format!("{} is empty", path.display()))
                .in_file(path)
                .with_help(format!("the first row must name the columns: {expected}"))
                .into());
        }
        if crate::read::input::is_utf16(&head) {
            return Err(crate::read::input::utf16_error(path).into());
        }
        let file = File::open(path).map_err(|e| crate::read::input::open_error(path, &e))?;
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
        if header.as_slice().len() > MAX_HEADER_BYTES {
            return Err(not_a_header(path, header_line, columns));
        }
        let headers: Vec<String> = if got {
            header
                .iter()
                .map(|h| normalise_header(&cell_text(h)))
                .collect()
        } else {
            Vec::new()
        };
        if headers.len() == 1 && (headers[0].contains(';') || headers[0].contains('\t')) {
            return Err(Diagnostic::error(
                "the columns are separated by semicolons or tabs, not commas",
            )
            .at_line(path, header_line)
            .with_help("save the sheet as \"CSV UTF-8 (Comma delimited)\"")
            .into());
        }
        let (layout, warnings) = Layout::new(path, header_line, headers, columns, false)?;
        *layout.lines.borrow_mut() = finder;
        Ok(Table {
            layout,
            source: Source::Csv(reader),
            warnings,
            max_rows: limits.max_rows,
        })
    }

    /// Reads a spreadsheet's sheet whole; rows are numbered as the spreadsheet shows them.
    /// Problems name the file as given (`records.xlsx#Hours`), so the sheet is named too.
    fn open_sheet(
        spec: &Path,
        file: &Path,
        sheet: Option<&str>,
        columns: &[Column],
        limits: Limits,
    ) -> Result<Table, Problems> {
        crate::read::sheet::check_size(file, limits.max_file_bytes)?;
        let grid = crate::read::sheet::read_workbook(file, sheet)?;
        let path = spec;
        let mut rows = grid.into_iter();
        let Some((header_line, header)) = rows.next() else {
            return Err(Diagnostic::error(format!("{} is empty", path.display()))
                .in_file(path)
                .with_help(format!(
                    "the first row must name the columns: {}",
                    expected(columns)
                ))
                .into());
        };
        if header.iter().map(String::len).sum::<usize>() > MAX_HEADER_BYTES {
            return Err(not_a_header(path, header_line, columns));
        }
        let headers = header.iter().map(|h| normalise_header(h)).collect();
        let (layout, warnings) = Layout::new(path, header_line, headers, columns, true)?;
        let records = rows
            .map(|(row, cells)| {
                let mut rec: ByteRecord = cells.iter().map(String::as_bytes).collect();
                let mut at = csv::Position::new();
                at.set_byte(row).set_line(row);
                rec.set_position(Some(at));
                rec
            })
            .collect();
        Ok(Table {
            layout,
            source: Source::Sheet(records),
            warnings,
            max_rows: limits.max_rows,
        })
    }

    /// For [`Table::in_parts`]: the layout, the byte where the rows start and the row limit,
    /// when this is a CSV file read from its header on; `None` for a spreadsheet's sheet.
    pub(crate) fn into_parts_source(self) -> Option<(Layout, u64, u64)> {
        match self.source {
            Source::Csv(reader) => Some((self.layout, reader.position().byte(), self.max_rows)),
            Source::Sheet(_) => None,
        }
    }

    /// Whether this table is a CSV file (which can be read in parts) rather than a sheet.
    pub fn is_csv(&self) -> bool {
        matches!(self.source, Source::Csv(_))
    }

    /// Calls `each` with every non-blank row, or with the problem a row has (a stray comma, a
    /// value under no header); a problem that ends the file comes last.
    ///
    /// For CSV, splitting into fields runs on a second thread, in batches, while `each` checks
    /// and adds up rows on this one, so a large log costs little more than reading it.
    /// Returns the layout, for [`Collector::finish`].
    pub fn for_each_row(self, mut each: impl FnMut(&Layout, Row<'_>)) -> Layout {
        let Table {
            mut layout,
            source,
            max_rows,
            ..
        } = self;
        let too_many = |layout: &Layout| {
            Diagnostic::error(format!(
                "{} has more than {max_rows} rows, the most this command reads",
                layout.path.display()
            ))
            .in_file(&layout.path)
            .with_help(format!(
                "check it is the right file; if it is, raise the limit, e.g. --max-rows {}",
                max_rows.saturating_mul(2)
            ))
        };
        let mut reader = match source {
            Source::Csv(reader) => reader,
            Source::Sheet(records) => {
                let (mut keys, mut unkeyed) = (Vec::new(), 0);
                for rec in records
                    .iter()
                    .take(usize::try_from(max_rows).unwrap_or(usize::MAX))
                {
                    key_row(rec, &mut keys, &mut unkeyed);
                    layout.hand_over(rec, &mut each);
                }
                layout.repeat_keys = keys;
                layout.rows_unkeyed = unkeyed;
                if records.len() as u64 > max_rows {
                    each(&layout, Row::Broken(too_many(&layout)));
                }
                return layout;
            }
        };
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(4);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<ByteRecord>>();
        let (keys, unkeyed) = std::thread::scope(|scope| {
            let reading = scope.spawn(move || {
                let mut last_start = 0;
                let mut read = 0u64;
                let mut keys = Vec::new();
                let mut unkeyed = 0u64;
                loop {
                    let mut rows = empty_rx.try_recv().unwrap_or_default();
                    let mut len = 0;
                    let mut end = None;
                    while len < BATCH {
                        if rows.len() == len {
                            rows.push(ByteRecord::new());
                        }
                        match reader.read_byte_record(&mut rows[len]) {
                            Ok(true) if read == max_rows => {
                                end = Some(End::TooMany);
                                break;
                            }
                            Ok(true) => {
                                last_start = rows[len].position().map_or(0, csv::Position::byte);
                                key_row(&rows[len], &mut keys, &mut unkeyed);
                                len += 1;
                                read += 1;
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
                (keys, unkeyed)
            });
            for batch in full_rx {
                for rec in &batch.rows[..batch.len] {
                    layout.hand_over(rec, &mut each);
                }
                match &batch.end {
                    Some(End::Failed(e)) => each(&layout, Row::Broken(csv_error(&layout.path, e))),
                    Some(End::UnclosedQuote(at)) => each(
                        &layout,
                        Row::Broken(Diagnostic::error("a double quote (\") opens a cell here that is never closed, so everything after it was read as one cell")
                            .at_line(&layout.path, layout.line_at(*at))
                            .with_help("close the quote, or remove it if it was not meant to start a quoted cell")),
                    ),
                    Some(End::TooMany) => each(&layout, Row::Broken(too_many(&layout))),
                    Some(End::Done) | None => {}
                }
                let _ = empty_tx.send(batch.rows);
            }
            reading.join().unwrap_or_default()
        });
        layout.repeat_keys = keys;
        layout.rows_unkeyed = unkeyed;
        layout
    }
}

/// Longest header row read: a real one is a few dozen bytes, so one of megabytes is data or a
/// damaged file, and is refused before it is copied about.
const MAX_HEADER_BYTES: usize = 64 * 1024;

fn not_a_header(path: &Path, line: u64, columns: &[Column]) -> Problems {
    Diagnostic::error("the first row is far too long to be a header row (over 64 KB)")
        .at_line(path, line)
        .with_help(format!(
            "the first row must name the columns: {}; check it is the right file",
            expected(columns)
        ))
        .into()
}

/// Keeps a non-blank row's (key, position) while under [`REPEAT_ROWS`], and counts the rows
/// read past that.
#[inline]
fn key_row(rec: &ByteRecord, keys: &mut Vec<(u64, u64)>, unkeyed: &mut u64) {
    if (keys.len() as u64) < REPEAT_ROWS {
        if let Some(key) = super::collector::row_key(rec) {
            keys.push((key, rec.position().map_or(0, csv::Position::byte)));
        }
    } else {
        // Past the cap nothing is looked at, not even whether the row is blank: this runs on
        // the reading thread, which sets the pace for a large log.
        *unkeyed += 1;
    }
}

/// The expected columns as a header row would list them.
fn expected(columns: &[Column]) -> String {
    columns.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
}

enum RowCheck {
    Blank,
    Row,
    Bad(Diagnostic),
}

/// What a record is, before its cells are looked at.
pub enum RowShape {
    /// Every cell empty or spaces: skipped.
    Blank,
    Row,
    /// A value in column `.0` (0-based), which has no heading or is beyond the header.
    Unnamed(usize),
}

/// What threads reading parts of a table need of its layout: where the expected columns are
/// and which columns have headings (a [`Layout`] also finds line numbers, on one thread).
pub struct RowView {
    positions: Vec<Option<usize>>,
    headers: Vec<String>,
    named: usize,
    all_named: bool,
}

impl RowView {
    /// The raw bytes of expected column `k` in `rec`, trimmed; empty when absent.
    #[inline]
    pub fn raw<'r>(&self, rec: &'r ByteRecord, k: usize) -> &'r [u8] {
        raw_cell(&self.positions, rec, k)
    }

    /// Whether the record is blank, a row, or has a value under no heading.
    #[inline]
    pub fn shape(&self, rec: &ByteRecord) -> RowShape {
        row_shape(&self.headers, self.named, self.all_named, rec)
    }
}

#[inline]
fn raw_cell<'r>(positions: &[Option<usize>], rec: &'r ByteRecord, k: usize) -> &'r [u8] {
    positions[k]
        .and_then(|i| rec.get(i))
        .map_or(&[][..], <[u8]>::trim_ascii)
}

#[inline]
fn row_shape(headers: &[String], named: usize, all_named: bool, rec: &ByteRecord) -> RowShape {
    if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
        return RowShape::Blank;
    }
    if rec.len() <= named && all_named {
        return RowShape::Row;
    }
    let unnamed = rec
        .iter()
        .enumerate()
        .find(|(i, f)| headers.get(*i).is_none_or(String::is_empty) && !f.trim_ascii().is_empty());
    match unnamed {
        Some((i, _)) => RowShape::Unnamed(i),
        None => RowShape::Row,
    }
}

impl Layout {
    /// Maps a header row to the expected columns: duplicate, misspelt and missing columns are
    /// errors; columns not used are warnings (returned).
    fn new(
        path: &Path,
        header_line: u64,
        headers: Vec<String>,
        columns: &[Column],
        sheet: bool,
    ) -> Result<(Layout, Problems), Problems> {
        let expected = expected(columns);
        // Empty columns (to the right of a spreadsheet's table, say) are fine while empty.
        if headers.iter().all(String::is_empty) {
            return Err(
                Diagnostic::error(format!("{} has no header row", path.display()))
                    .at_line(path, header_line)
                    .with_help(format!("the first row must name the columns: {expected}"))
                    .into(),
            );
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
        let named: std::collections::HashSet<&str> = headers.iter().map(String::as_str).collect();
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() {
                continue;
            }
            if problems.list.len() >= MAX_LISTED {
                problems.push(
                    Diagnostic::error(format!(
                        "... and more problems in the header (only the first {MAX_LISTED} are listed)"
                    ))
                    .at_line(path, header_line),
                );
                break;
            }
            let shown = quotable(h).unwrap_or("(a long heading)");
            match columns.iter().position(|c| c.name == h) {
                Some(k) if positions[k].is_some() => problems.push(
                    Diagnostic::error(format!("column \"{shown}\" appears twice in the header"))
                        .at_cell(path, header_line, i + 1, shown),
                ),
                Some(k) => positions[k] = Some(i),
                None => {
                    let unfilled = |g: &str| !named.contains(g);
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
        let layout = Layout {
            path: path.to_path_buf(),
            positions,
            named: headers.len(),
            all_named: headers.iter().all(|h| !h.is_empty()),
            headers,
            lines: RefCell::new(None),
            sheet,
            repeat_keys: Vec::new(),
            rows_unkeyed: 0,
        };
        Ok((layout, problems))
    }

    /// Passes one record on as a row, a bad row, or not at all (blank).
    #[inline]
    fn hand_over(&self, rec: &ByteRecord, each: &mut impl FnMut(&Layout, Row<'_>)) {
        match self.check_row(rec) {
            RowCheck::Blank => {}
            RowCheck::Row => each(self, Row::Ok(rec)),
            RowCheck::Bad(d) => each(self, Row::Bad(d)),
        }
    }

    /// Blank rows are skipped; a value in a column with no header, or beyond the header, is
    /// refused (usually a stray comma), while empty trailing cells from a spreadsheet are fine.
    #[inline]
    fn check_row(&self, rec: &ByteRecord) -> RowCheck {
        let i = match row_shape(&self.headers, self.named, self.all_named, rec) {
            RowShape::Blank => return RowCheck::Blank,
            RowShape::Row => return RowCheck::Row,
            RowShape::Unnamed(i) => i,
        };
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
        RowCheck::Bad(d.at_cell(&self.path, line, i + 1, ""))
    }

    /// What threads reading parts of the table need of this layout.
    pub fn view(&self) -> RowView {
        RowView {
            positions: self.positions.clone(),
            headers: self.headers.clone(),
            named: self.named,
            all_named: self.all_named,
        }
    }

    /// The lines of rows at `positions` (in any order), by a fresh pass over the file.
    pub fn lines_of(&self, positions: &[u64]) -> Vec<u64> {
        if self.sheet || positions.is_empty() {
            return positions.to_vec();
        }
        let Ok(file) = File::open(&self.path) else {
            return vec![0; positions.len()];
        };
        let mut finder = LineFinder::new(file);
        let mut order: Vec<usize> = (0..positions.len()).collect();
        order.sort_by_key(|&i| positions[i]);
        let mut lines = vec![0; positions.len()];
        for i in order {
            lines[i] = finder.line_at(positions[i]);
        }
        lines
    }

    /// The line the row starts on (1-based, as an editor counts; worked out only when asked).
    pub fn line(&self, rec: &ByteRecord) -> u64 {
        self.line_at(rec.position().map_or(0, csv::Position::byte))
    }

    fn line_at(&self, at: u64) -> u64 {
        if self.sheet {
            return at;
        }
        match self.lines.borrow_mut().as_mut() {
            Some(f) => f.line_at(at),
            None => 0,
        }
    }

    /// The raw bytes of expected column `k` in `rec`, trimmed; empty when absent.
    #[inline]
    pub fn raw<'r>(&self, rec: &'r ByteRecord, k: usize) -> &'r [u8] {
        raw_cell(&self.positions, rec, k)
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
