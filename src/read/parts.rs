//! A large CSV table read on several threads at once: the file cut at line breaks into parts,
//! each parsed on its own thread, the cuts checked to be record boundaries, else not used.
//!
//! Decision: a cut is made at the first line break after an even share of the file, which is
//! a record boundary unless it falls inside a quoted cell. Each part stops at the first record
//! starting at or after the next part's start, and notes where that record starts; the next
//! part notes where its own first record starts. The parts are used only when every pair
//! agrees (both parsers then stand at the same record boundary, so they read the same records
//! from there) and the file has nothing a message would be needed for: no row the reader would
//! refuse or set aside, no unclosed quote, no read error, no more rows than the limit. Anything
//! else returns `None`, and the caller reads the file on one thread, which says what is wrong.
//! So the parts give exactly what one pass gives, or are not used.

use super::collector::row_key;
use super::lines::QuoteCounter;
use super::table::{RowShape, RowView, Table, REPEAT_ROWS};
use csv::ByteRecord;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// Files smaller than this are read on one thread: starting threads would cost more.
pub const PARTS_FROM_BYTES: u64 = 4 << 20;

/// Bytes searched after a cut's even share for a line break.
const SEARCH: usize = 1 << 16;

/// How one part ended.
struct PartEnd {
    /// Byte where this part's first record starts (`None`: it has none).
    first: Option<u64>,
    /// Byte where the first record at or after the next part's start begins (`None`: none).
    sync: Option<u64>,
    /// Records read (blank ones too), keys of the first [`REPEAT_ROWS`] non-blank ones.
    records: u64,
    keys: Vec<(u64, u64)>,
    /// Whether a record (blank, or past the cap) came after the last key kept.
    after_last_key: bool,
    /// `"` characters within the part's own bytes.
    quotes: u64,
    /// Read to the end of the file (the last part only) or stopped at the next part.
    clean: bool,
}

/// A row handed to a part's reader: the record and the byte where it starts in the file.
pub type PartRow<'a> = (&'a ByteRecord, u64);

impl Table {
    /// Reads this CSV table's rows in `parts` parts on as many threads: `start(i)` makes part
    /// `i`'s state, `each` is called with every non-blank row of the part in order and returns
    /// `false` on any problem (all parts then stop). Returns the states in file order, and the
    /// layout (with the repeated-row keys of the whole file), or `None` when the parts cannot be
    /// used (see the module's note): the caller then reads the table again on one thread.
    pub fn in_parts<S: Send>(
        self,
        parts: usize,
        start: impl Fn(usize) -> S + Sync,
        each: impl Fn(&mut S, &RowView, PartRow<'_>) -> bool + Sync,
    ) -> Option<(Vec<S>, super::table::Layout)> {
        let (mut layout, data_start, max_rows) = self.into_parts_source()?;
        let len = std::fs::metadata(&layout.path).ok()?.len();
        let cuts = cuts(&layout.path, data_start, len, parts)?;
        let view = layout.view();
        let stop = AtomicBool::new(false);
        let results: Vec<Option<(S, PartEnd)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..cuts.len() - 1)
                .map(|i| {
                    let (from, to, last) = (cuts[i], cuts[i + 1], i + 2 == cuts.len());
                    let (view, stop, start, each, path) =
                        (&view, &stop, &start, &each, &layout.path);
                    scope.spawn(move || {
                        let mut state = start(i);
                        let end = read_part(path, from, to, last, view, stop, &mut |row| {
                            each(&mut state, view, row)
                        });
                        if end.is_none() {
                            stop.store(true, Relaxed);
                        }
                        end.map(|e| (state, e))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().ok().flatten())
                .collect()
        });
        let done: Vec<(S, PartEnd)> = results.into_iter().collect::<Option<_>>()?;
        let ends: Vec<&PartEnd> = done.iter().map(|(_, e)| e).collect();
        let header_quotes = quotes_in(&layout.path, data_start)?;
        agree(&ends, max_rows, header_quotes)?;
        let (keys, unkeyed) = merge_keys(&ends);
        layout.repeat_keys = keys;
        layout.rows_unkeyed = unkeyed;
        Some((done.into_iter().map(|(s, _)| s).collect(), layout))
    }
}

/// Whether the parts fit together as one pass would read the file: each part stops where the
/// next begins, every part was read cleanly, the rows are within the limit, and the quotes
/// pair up (an odd count means a quoted cell never closed, which one pass reports).
fn agree(ends: &[&PartEnd], max_rows: u64, header_quotes: u64) -> Option<()> {
    let fits = ends.windows(2).all(|w| w[0].sync == w[1].first);
    let clean = ends.iter().all(|e| e.clean);
    let records: u64 = ends.iter().map(|e| e.records).sum();
    let quotes: u64 = header_quotes + ends.iter().map(|e| e.quotes).sum::<u64>();
    (fits && clean && records <= max_rows && quotes % 2 == 0).then_some(())
}

/// The repeated-row keys one pass would keep (the first [`REPEAT_ROWS`] non-blank rows of the
/// file), and a count that is above 0 exactly when one pass would have read a record after
/// them (only its being above 0 is used: it adds a warning).
fn merge_keys(ends: &[&PartEnd]) -> (Vec<(u64, u64)>, u64) {
    let mut keys: Vec<(u64, u64)> = Vec::new();
    let mut unkeyed = 0;
    for (i, e) in ends.iter().enumerate() {
        let room = (REPEAT_ROWS as usize).saturating_sub(keys.len());
        if room == 0 {
            unkeyed += e.records;
            continue;
        }
        keys.extend(e.keys.iter().take(room));
        let full = keys.len() as u64 == REPEAT_ROWS;
        let records_later = ends[i + 1..].iter().any(|n| n.records > 0);
        let cut_here = e.keys.len() > room || (e.keys.len() == room && e.after_last_key);
        if full && (cut_here || records_later) {
            unkeyed += 1;
        }
    }
    (keys, unkeyed)
}

/// Where each part starts: the data's start, a byte after a line break near each even share,
/// and the file's end; `None` when no line break is found near a share.
fn cuts(path: &std::path::Path, data_start: u64, len: u64, parts: usize) -> Option<Vec<u64>> {
    let mut at = vec![data_start];
    let mut file = File::open(path).ok()?;
    let mut buf = vec![0u8; SEARCH];
    for i in 1..parts as u64 {
        let guess = data_start + (len - data_start) * i / parts as u64;
        file.seek(SeekFrom::Start(guess)).ok()?;
        let n = read_full(&mut file, &mut buf).ok()?;
        let cut = guess + memchr::memchr(b'\n', &buf[..n])? as u64 + 1;
        if cut >= len || cut <= *at.last()? {
            return None;
        }
        at.push(cut);
    }
    at.push(len);
    Some(at)
}

fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// `"` characters in the first `bytes` bytes of the file (the header's, counted as one pass
/// counts every quote).
fn quotes_in(path: &std::path::Path, bytes: u64) -> Option<u64> {
    let mut head = Vec::new();
    File::open(path)
        .ok()?
        .take(bytes)
        .read_to_end(&mut head)
        .ok()?;
    Some(memchr::memchr_iter(b'"', &head).count() as u64)
}

/// Reads one part, from byte `from` to the first record starting at or after `to`, handing
/// each non-blank row to `each`; `None` on any problem (a row refused, a read error, `each`
/// saying no, another part stopping).
fn read_part(
    path: &std::path::Path,
    from: u64,
    to: u64,
    last: bool,
    view: &RowView,
    stop: &AtomicBool,
    each: &mut dyn FnMut(PartRow<'_>) -> bool,
) -> Option<PartEnd> {
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(from)).ok()?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(super::table::BUFFER)
        .from_reader(QuoteCounter::new(Ranged::new(file, to - from)));
    let mut end = PartEnd {
        first: None,
        sync: None,
        records: 0,
        keys: Vec::new(),
        after_last_key: false,
        quotes: 0,
        clean: false,
    };
    let mut rec = ByteRecord::new();
    loop {
        if end.records % 4096 == 0 && stop.load(Relaxed) {
            return None;
        }
        if !reader.read_byte_record(&mut rec).ok()? {
            end.clean = last;
            break;
        }
        let at = from + rec.position().map_or(0, csv::Position::byte);
        if at >= to {
            end.sync = Some(at);
            end.clean = true;
            break;
        }
        end.first.get_or_insert(at);
        end.records += 1;
        // Past the cap nothing is hashed: a record there only counts as one after the keys.
        let under_cap = (end.keys.len() as u64) < REPEAT_ROWS;
        match under_cap.then(|| row_key(&rec)).flatten() {
            Some(key) => {
                end.keys.push((key, at));
                end.after_last_key = false;
            }
            None => end.after_last_key = true,
        }
        match view.shape(&rec) {
            RowShape::Blank => {}
            RowShape::Row => {
                if !each((&rec, at)) {
                    return None;
                }
            }
            RowShape::Unnamed(_) => return None,
        }
    }
    end.quotes = reader.get_ref().inner().quotes;
    Some(end)
}

/// A file read from some byte on, counting the `"` in its first `left` bytes: the part's own.
struct Ranged {
    file: File,
    left: u64,
    quotes: u64,
}

impl Ranged {
    fn new(file: File, left: u64) -> Self {
        Ranged {
            file,
            left,
            quotes: 0,
        }
    }
}

impl Read for Ranged {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        let own = (n as u64).min(self.left) as usize;
        self.quotes += memchr::memchr_iter(b'"', &buf[..own]).count() as u64;
        self.left -= own as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(records: u64, keys: &[u64], after_last_key: bool) -> PartEnd {
        PartEnd {
            first: None,
            sync: None,
            records,
            keys: keys.iter().map(|&k| (k, k)).collect(),
            after_last_key,
            quotes: 0,
            clean: true,
        }
    }

    #[test]
    fn keys_of_parts_are_those_of_one_pass() {
        let a = end(3, &[1, 2, 3], false);
        let b = end(2, &[4, 5], false);
        let (keys, unkeyed) = merge_keys(&[&a, &b]);
        assert_eq!(keys.len(), 5);
        assert_eq!(unkeyed, 0, "fewer rows than the cap");
    }
}
