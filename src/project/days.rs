//! Hours per volunteer per day, so that one person given more than 24 hours on one day is
//! refused, naming every row that adds up to it. Only a total is kept for each (volunteer,
//! day) that has hours, so memory grows with those pairs (8 to 16 bytes each),
//! never with the rows; the rows of a day found too long are looked for again only then.

use crate::date::{civil_from_days, days_from_civil, Date};
use crate::diag::Diagnostic;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::path::Path;

/// Ten-thousandths of an hour in a day.
const DAY: u64 = 240_000;

/// Days over 24 hours described one by one; the rest are counted.
const DAYS_LISTED: usize = 20;

/// Lines named for one day; beyond them the rest are counted.
const LINES_NAMED: usize = 50;

/// Bits of a slot holding the day's total; the rest hold the key.
const TOTAL_BITS: u32 = 20;
const TOTAL_MAX: u64 = (1 << TOTAL_BITS) - 1;

/// Totals by (volunteer id, day of the period), in ten-thousandths of an hour rounded up (so a
/// day can only be flagged too soon, never too late: the rows of a flagged day are summed
/// exactly before anything is said), saturating past 104 hours.
///
/// Decision: one `u64` a slot in an open-addressed table (the key in the high 44 bits, the
/// total in the low 20), so adding a row costs one memory access, not the two of a general
/// hash map: the volunteer log is read at millions of rows a second, in any order.
///
/// Each addition waits in `pending` while the next [`PENDING`] rows are read, its slot
/// prefetched meanwhile: in a log in no particular order nearly every slot is a cache miss,
/// and waiting for each one doubled the time to read the log. The order additions are applied
/// in is the order they were made, so the result is the same.
#[derive(Default)]
pub(super) struct DayTally {
    slots: Vec<u64>,
    len: usize,
    /// Days that went over 24 hours, in the order they did, and how many more.
    over: Vec<(u32, u16)>,
    more: u64,
    pending: [(u64, u64); PENDING],
    /// Additions made so far; the last `min(made, PENDING)` are still pending.
    made: usize,
}

/// Additions waiting for their slot to reach the cache.
const PENDING: usize = 16;

impl DayTally {
    /// Adds `units` (ten-thousandths of an hour, rounded up) to volunteer `id` on `day` (a
    /// day of the period, below 4,096: a period is at most 11 years). Applied a few rows later;
    /// [`DayTally::finish`] applies the rest.
    #[inline]
    pub(super) fn add(&mut self, id: u32, day: u16, units: u64) {
        let key = ((u64::from(id) << 12) | u64::from(day & 0xFFF)) + 1;
        let at = self.made % PENDING;
        if self.made >= PENDING {
            let (k, u) = self.pending[at];
            self.apply(k, u);
        }
        if !self.slots.is_empty() {
            prefetch(&self.slots[slot_of(key, self.slots.len() - 1)]);
        }
        self.pending[at] = (key, units);
        self.made += 1;
    }

    /// Applies every addition still pending, oldest first.
    pub(super) fn finish(&mut self) {
        let first = self.made.saturating_sub(PENDING);
        for n in first..self.made {
            let (k, u) = self.pending[n % PENDING];
            self.apply(k, u);
        }
        self.made = 0;
    }

    #[inline]
    fn apply(&mut self, key: u64, units: u64) {
        if 4 * (self.len + 1) > 3 * self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = slot_of(key, mask);
        loop {
            let s = self.slots[i];
            if s == 0 || s >> TOTAL_BITS == key {
                let before = s & TOTAL_MAX;
                let after = (before + units.min(TOTAL_MAX)).min(TOTAL_MAX);
                self.slots[i] = key << TOTAL_BITS | after;
                self.len += usize::from(s == 0);
                if before <= DAY && after > DAY {
                    let (id, day) = ((key - 1) >> 12, (key - 1) & 0xFFF);
                    if self.over.len() < DAYS_LISTED {
                        self.over.push((id as u32, day as u16));
                    } else {
                        self.more += 1;
                    }
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    #[cold]
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        let mask = self.slots.len() - 1;
        for s in old.into_iter().filter(|&s| s != 0) {
            let mut i = slot_of(s >> TOTAL_BITS, mask);
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }

    /// The (volunteer, day) pairs that may be over 24 hours, described one by one (after
    /// [`DayTally::finish`]).
    pub(super) fn over(&self) -> &[(u32, u16)] {
        debug_assert!(self.made == 0, "DayTally::finish was not called");
        &self.over
    }
}

/// Asks for the cache line holding `slot`, without waiting for it.
#[inline(always)]
fn prefetch(slot: &u64) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it never faults, and `slot` is a live element.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((slot as *const u64).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = slot;
}

/// A key's first slot (Fibonacci hashing: the high bits of the product).
#[inline]
fn slot_of(key: u64, mask: usize) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
}

/// The rows found for each day over 24 hours: (line, hours) in file order.
#[derive(Default)]
pub(super) struct LongDays {
    rows: FxHashMap<(u32, u16), Vec<(u64, Decimal)>>,
}

impl LongDays {
    pub(super) fn new(tally: &DayTally) -> Self {
        LongDays {
            rows: tally.over.iter().map(|&k| (k, Vec::new())).collect(),
        }
    }

    /// Whether any long day falls on `day` (a quick test before a name is looked up).
    pub(super) fn wants(&self, id: u32, day: u16) -> bool {
        self.rows.contains_key(&(id, day))
    }

    pub(super) fn note(&mut self, id: u32, day: u16, line: u64, hours: Decimal) {
        if let Some(rows) = self.rows.get_mut(&(id, day)) {
            rows.push((line, hours));
        }
    }

    /// One error per long day, in the order they were found, naming every row (as
    /// `file:line`) and the day's total; then how many more days there are.
    pub(super) fn problems(self, tally: &DayTally, path: &Path, start: Date) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = tally
            .over
            .iter()
            .filter_map(|k| self.rows.get(k).map(|rows| (k.1, rows)))
            // Totals were rounded up per row: only a day over 24 hours exactly is reported.
            .filter(|(_, rows)| rows.iter().map(|(_, h)| *h).sum::<Decimal>() > Decimal::from(24))
            .map(|(day, rows)| long_day(path, date_of(start, day), rows))
            .collect();
        if tally.more > 0 {
            out.push(
                Diagnostic::error(format!(
                    "... and {} more days on which one volunteer is given more than 24 hours",
                    tally.more
                ))
                .in_file(path),
            );
        }
        out
    }
}

/// The date `day` days into the period.
fn date_of(start: Date, day: u16) -> Date {
    civil_from_days(days_from_civil(start) + i64::from(day)).unwrap_or(start)
}

/// The error for one volunteer's day of more than 24 hours, without the volunteer's name.
fn long_day(path: &Path, date: Date, rows: &[(u64, Decimal)]) -> Diagnostic {
    let total: Decimal = rows.iter().map(|(_, h)| *h).sum();
    let named: Vec<u64> = rows.iter().take(LINES_NAMED).map(|(l, _)| *l).collect();
    let more = rows.len() - named.len();
    let mut lines = list(&named.iter().map(u64::to_string).collect::<Vec<_>>());
    let mut places: Vec<String> = named
        .iter()
        .map(|l| format!("{}:{l}", path.display()))
        .collect();
    if more > 0 {
        lines.push_str(&format!(" and {more} more"));
        places.push(format!("and {more} more"));
    }
    Diagnostic::error(format!(
        "one volunteer is given {} hours on {date}, more than the 24 in a day, on {} {lines}",
        total.normalize(),
        if rows.len() == 1 { "line" } else { "lines" }
    ))
    .at_line(path, named.first().copied().unwrap_or(0))
    .with_help(format!(
        "the rows are {}; check for a typing slip (30 for 3.0) or a row entered twice, and give a shift that runs past midnight a row for each day",
        places.join(", ")
    ))
}

/// `a`, `a and b`, `a, b and c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_goes_over_once_and_saturates() {
        let mut t = DayTally::default();
        t.add(1, 0, 200_000);
        t.add(1, 0, 40_000);
        t.finish();
        assert!(t.over().is_empty(), "exactly 24 hours is a day");
        t.add(1, 0, 1);
        t.add(1, 0, 100_000_000);
        t.add(2, 0, 100_000_000);
        for id in 3..5000 {
            t.add(id, 7, 10_000);
        }
        t.add(3, 7, 240_000);
        t.finish();
        assert_eq!(t.over(), &[(1, 0), (2, 0), (3, 7)]);
    }

    /// Pending additions, growth and probing give what adding up in a plain map gives.
    #[test]
    fn the_days_over_are_those_a_plain_map_finds_in_the_same_order() {
        let mut t = DayTally::default();
        let mut plain: std::collections::HashMap<(u32, u16), u64> = Default::default();
        let mut expected = Vec::new();
        let mut x: u64 = 7;
        for _ in 0..200_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let (id, day, units) = ((x >> 40) as u32 % 300, (x >> 20) as u16 % 40, x % 90_000);
            t.add(id, day, units);
            let total = plain.entry((id, day)).or_default();
            if *total <= DAY && *total + units > DAY && expected.len() < DAYS_LISTED {
                expected.push((id, day));
            }
            *total += units;
        }
        t.finish();
        assert!(expected.len() == DAYS_LISTED, "the sequence has long days");
        assert_eq!(t.over(), &expected[..]);
    }

    #[test]
    fn a_long_day_names_its_lines() {
        let start = Date::new(2024, 4, 1).unwrap();
        let d = long_day(
            Path::new("log.csv"),
            date_of(start, 3),
            &[(2, Decimal::from(20)), (9, Decimal::new(45, 1))],
        );
        assert!(d.message.contains("24.5 hours on 2024-04-04"), "{d}");
        assert!(d.message.contains("on lines 2 and 9"), "{d}");
        assert!(d.help.unwrap().contains("log.csv:2, log.csv:9"));
    }
}
