//! What readers collect from a table: its problems (listed, capped, or set aside with the bad
//! rows under `--skip-bad-rows`), rows repeated exactly, and the limits on how much is read.

use super::table::{Layout, Row, MAX_LISTED};
use crate::diag::{Diagnostic, Problems};
use csv::ByteRecord;
use std::path::{Path, PathBuf};

/// How readers treat rows with errors, and how much they read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Set rows with errors aside (listed in [`Skipped`]) instead of refusing the file.
    /// Problems with the file as a whole (its header, an unclosed quote, US-style dates) still
    /// stop the calculation.
    pub skip_bad_rows: bool,
    pub limits: Limits,
}

/// The most a table may hold, so that a wrong or hostile file is refused with a clear message
/// instead of filling the machine's memory or running for hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in the file (a spreadsheet: also its contents once unzipped, as the archive declares them).
    pub max_file_bytes: u64,
    /// Rows in one table.
    pub max_rows: u64,
}

impl Default for Limits {
    /// Decision: 1 GiB and 10 million rows, 5 and 2 times the 5-million-row, 204 MB benchmark
    /// log, and thousands of times any organisation's year; both can be raised on the command
    /// line (`--max-file-size`, `--max-rows`).
    fn default() -> Self {
        Limits {
            max_file_bytes: 1 << 30,
            max_rows: 10_000_000,
        }
    }
}

/// A size in bytes as a person reads it: `1.4 GB`, `640 KB`.
fn size_label(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut x = bytes as f64 / 1000.0;
    let mut unit = 0;
    while x >= 1000.0 && unit < UNITS.len() - 1 {
        x /= 1000.0;
        unit += 1;
    }
    if x < 10.0 {
        format!("{x:.1} {}", UNITS[unit])
    } else {
        format!("{x:.0} {}", UNITS[unit])
    }
}

/// The error for a file over the size limit.
pub fn too_big(path: &Path, what: &str, bytes: u64, limit: u64) -> Diagnostic {
    Diagnostic::error(format!(
        "{} {what} {}, more than the {} this command reads",
        path.display(),
        size_label(bytes),
        size_label(limit)
    ))
    .in_file(path)
    .with_help(format!(
        "check it is the right file; if it is, raise the limit, e.g. --max-file-size {}",
        size_label(bytes.saturating_mul(2)).replace(' ', "")
    ))
}

/// Rows set aside under `--skip-bad-rows`, and what was wrong with each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// How many rows were set aside.
    pub rows: u64,
    /// Their problems, each with file, line and column (the first [`MAX_SKIPPED_LISTED`]).
    pub problems: Vec<Diagnostic>,
    /// Problems beyond those listed.
    pub unlisted: u64,
}

impl Skipped {
    pub fn extend(&mut self, other: &Skipped) {
        self.rows += other.rows;
        for d in &other.problems {
            if self.problems.len() < MAX_SKIPPED_LISTED {
                self.problems.push(d.clone());
            } else {
                self.unlisted += 1;
            }
        }
        self.unlisted += other.unlisted;
    }
}

/// Most skipped-row problems kept for the report; the rest are counted.
pub const MAX_SKIPPED_LISTED: usize = 1_000;

/// Rows repeated exactly, as (first position, repeat position): the first
/// [`DUPLICATES_LISTED`], and how many more.
#[derive(Default)]
struct Duplicates {
    pairs: Vec<(u64, u64)>,
    more: u64,
}

/// Rows looked at for repeats. Decision: looking costs 16 bytes and about 40 ns a row on the
/// reading thread, which sets the pace for a large log; a quarter of a million rows is far
/// beyond most organisations' year (the example's is 1,038), so beyond that the check stops
/// and a warning says so.
pub const REPEAT_ROWS: u64 = 250_000;

/// Buckets (a power of two) that rows' keys are spread over to find repeats.
const REPEAT_BUCKETS: usize = 1024;

/// Rows with the same content key, as (first position, repeat position) in file order, from
/// each row's (key, position).
///
/// Decision: keys are hashes of the cells (`row_key`), so two different rows could in
/// principle share one: about one chance in a million for a million rows, and the result is
/// only a warning, so rows are not compared again. Rather than a hash set of every row, the
/// keys are spread over [`REPEAT_BUCKETS`] lists, each small enough to sort in cache.
pub fn find_repeats(rows: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    let shift = 64 - REPEAT_BUCKETS.trailing_zeros();
    let mut buckets: Vec<Vec<(u64, u64)>> = vec![Vec::new(); REPEAT_BUCKETS];
    for row in rows {
        buckets[(row.0 >> shift) as usize].push(row);
    }
    let mut found = Vec::new();
    for m in &mut buckets {
        m.sort_unstable();
        for run in m.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
            found.extend(run[1..].iter().map(|&(_, at)| (run[0].1, at)));
        }
    }
    found.sort_unstable_by_key(|&(_, at)| at);
    found
}

/// Repeated rows named one by one; beyond this they are counted.
const DUPLICATES_LISTED: usize = 20;

/// A key for a row's whole content: every cell, trimmed, in order; `None` for a blank row.
/// One pass over the cells: empty cells are hashed only when a filled one follows, so empty
/// cells at the end of a spreadsheet row do not count.
#[inline]
pub(crate) fn row_key(rec: &ByteRecord) -> Option<u64> {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    let mut pending_empty = 0usize;
    let mut filled = false;
    for f in rec {
        let f = f.trim_ascii();
        if f.is_empty() {
            pending_empty += 1;
            continue;
        }
        for _ in 0..pending_empty {
            h.write_usize(0);
        }
        pending_empty = 0;
        filled = true;
        h.write(f);
        h.write_usize(f.len());
    }
    filled.then(|| h.finish())
}

/// Collects the problems of one file: lists the first [`MAX_LISTED`] and counts the rest, sets
/// bad rows aside under `--skip-bad-rows`, and notices rows repeated exactly.
///
/// Readers call [`Collector::take`] for each row handed over, [`Collector::push`] for each
/// problem, and [`Collector::end_row`] to learn whether the row may be counted.
pub struct Collector {
    pub problems: Problems,
    pub unlisted: u64,
    path: PathBuf,
    skip: bool,
    /// Whether messages may quote a cell holding a person's name (the volunteer log): such
    /// quotes are withheld from skipped-row entries, which are written into reports.
    private: bool,
    /// The current row's problems under `--skip-bad-rows`, each with whether its quoted text
    /// may be shown in a private file.
    row: Vec<(Diagnostic, bool)>,
    row_bad: bool,
    skipped: Skipped,
    duplicates: Duplicates,
    /// Positions in `problems.list` of provisional problems, and how many went unlisted.
    provisional: Vec<usize>,
    provisional_unlisted: u64,
}

impl Collector {
    pub fn new(path: &Path, warnings: Problems, options: ReadOptions) -> Self {
        Collector {
            problems: warnings,
            unlisted: 0,
            path: path.to_path_buf(),
            skip: options.skip_bad_rows,
            private: false,
            row: Vec::new(),
            row_bad: false,
            skipped: Skipped::default(),
            duplicates: Duplicates::default(),
            provisional: Vec::new(),
            provisional_unlisted: 0,
        }
    }

    /// Withholds quoted cell text from skipped-row entries (for files holding names).
    pub fn private(mut self) -> Self {
        self.private = true;
        self
    }

    /// Whether bad rows are being set aside rather than refused.
    pub fn skipping(&self) -> bool {
        self.skip
    }

    /// A problem with the current row (or, if a warning, anywhere in the file).
    pub fn push(&mut self, d: Diagnostic) {
        self.push_shown(d, false);
    }

    /// A problem with the current row whose quoted text is not personal (a role, a number or
    /// date with no letters in it) when `shown`: then it is quoted in the list of skipped rows
    /// even of a file holding names, so the row can be found and fixed.
    pub fn push_shown(&mut self, d: Diagnostic, shown: bool) {
        if d.is_error() {
            self.row_bad = true;
            if self.skip {
                self.row.push((d, shown));
                return;
            }
        }
        self.list(d);
    }

    /// A problem with the current row that holds only if the file as a whole is not refused
    /// for a reason that covers it (a date outside the period, when the file's dates may be
    /// US-style): [`Collector::withdraw_provisional`] takes it back.
    pub fn push_provisional(&mut self, d: Diagnostic) {
        if self.skip || !d.is_error() {
            // Set aside with its row; if the file is refused, no row list is shown at all.
            return self.push(d);
        }
        self.row_bad = true;
        if self.list(d) {
            self.provisional.push(self.problems.list.len() - 1);
        } else {
            self.provisional_unlisted += 1;
        }
    }

    /// Takes back every provisional problem, when the file is refused for a reason that
    /// covers them.
    pub fn withdraw_provisional(&mut self) {
        for i in std::mem::take(&mut self.provisional).into_iter().rev() {
            self.problems.list.remove(i);
        }
        self.unlisted -= std::mem::take(&mut self.provisional_unlisted);
    }

    /// A problem with the file as a whole: listed even under `--skip-bad-rows`.
    pub fn fatal(&mut self, d: Diagnostic) {
        self.list(d);
    }

    /// Lists `d`, or counts it when enough are listed; `true` when listed.
    fn list(&mut self, d: Diagnostic) -> bool {
        if self.problems.list.len() < MAX_LISTED {
            self.problems.push(d);
            true
        } else {
            self.unlisted += 1;
            false
        }
    }

    /// The record of a row handed over, or `None` when the row could not be read (its problem
    /// is taken in: a bad row as the row's problem, a broken file as fatal).
    #[inline]
    pub fn take<'a>(&mut self, row: Row<'a>) -> Option<&'a ByteRecord> {
        match row {
            Row::Ok(rec) => Some(rec),
            Row::Bad(d) => {
                self.push(d);
                self.end_row();
                None
            }
            Row::Broken(d) => {
                self.list(d);
                None
            }
        }
    }

    /// Whether the current row has had no error so far.
    #[inline]
    pub fn row_ok(&self) -> bool {
        !self.row_bad
    }

    /// Ends the current row: `true` when it had no errors and may be counted. Under
    /// `--skip-bad-rows` a row with errors is set aside here, with its problems.
    #[inline]
    pub fn end_row(&mut self) -> bool {
        let ok = !self.row_bad;
        self.row_bad = false;
        if !ok && self.skip {
            self.skipped.rows += 1;
            for (mut d, shown) in self.row.drain(..) {
                if self.skipped.problems.len() >= MAX_SKIPPED_LISTED {
                    self.skipped.unlisted += 1;
                    continue;
                }
                if self.private && !shown {
                    d.message = withhold_quotes(&d.message);
                }
                self.skipped.problems.push(d);
            }
        }
        ok
    }

    /// Notes that the row at `again` repeats the one at `first` exactly.
    fn repeated(&mut self, first: u64, again: u64) {
        let d = &mut self.duplicates;
        if d.pairs.len() < DUPLICATES_LISTED {
            d.pairs.push((first, again));
        } else {
            d.more += 1;
        }
    }

    /// All problems found (repeated rows as warnings, with both lines), and the rows set aside.
    pub fn finish(mut self, layout: &mut Layout) -> (Problems, Skipped) {
        for (first, again) in find_repeats(std::mem::take(&mut layout.repeat_keys)) {
            self.repeated(first, again);
        }
        if layout.rows_unkeyed > 0 {
            self.list(
                Diagnostic::warning(format!(
                    "the file has over {REPEAT_ROWS} rows; repeated rows were looked for in the first {REPEAT_ROWS} only"
                ))
                .in_file(&self.path),
            );
        }
        let pairs = std::mem::take(&mut self.duplicates.pairs);
        let positions: Vec<u64> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
        let lines = layout.lines_of(&positions);
        for (first, again) in lines.chunks(2).map(|p| (p[0], p[1])) {
            self.list(
                Diagnostic::warning(format!(
                    "line {again} repeats line {first} exactly: a likely duplicate"
                ))
                .at_line(&self.path, again)
                .with_help("if the same entry was typed twice, delete one; two identical entries can be real, in which case leave both"),
            );
        }
        if self.duplicates.more > 0 {
            self.list(
                Diagnostic::warning(format!(
                    "... and {} more rows repeat an earlier row exactly",
                    self.duplicates.more
                ))
                .in_file(&self.path),
            );
        }
        if self.unlisted > 0 {
            self.problems.push(
                Diagnostic::error(format!("... and {} more problems in this file (only the first {MAX_LISTED} are listed)", self.unlisted))
                    .in_file(&self.path),
            );
        }
        (self.problems, self.skipped)
    }
}

/// A message with everything from its first double quote to its last replaced by `"…"`: a
/// quoted cell may itself hold quotes (`Robert "Bob" Smith`), so pairs cannot be trusted.
fn withhold_quotes(message: &str) -> String {
    match (message.find('"'), message.rfind('"')) {
        (Some(a), Some(b)) if a < b => format!("{}\"…\"{}", &message[..a], &message[b + 1..]),
        (Some(a), _) => format!("{}\"…", &message[..a]),
        _ => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_is_withheld_from_skipped_entries() {
        assert_eq!(
            withhold_quotes("role \"John\" is not listed (1 row)"),
            "role \"…\" is not listed (1 row)"
        );
        assert_eq!(withhold_quotes("hours is empty"), "hours is empty");
        assert_eq!(
            withhold_quotes("role \"Robert \"Bob\" Smith\" is not listed"),
            "role \"…\" is not listed"
        );
        assert_eq!(withhold_quotes("tag \"a b is odd"), "tag \"…");
    }
}
