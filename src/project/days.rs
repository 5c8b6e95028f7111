//! Hours per volunteer per day, so that one person given more than 24 hours on one day is
//! refused, naming every row that adds up to it: a fixed-size table of rounded-up totals, shared
//! by every reading thread, then exact sums for the few days it flags, by reading again.

use crate::date::{civil_from_days, days_from_civil, Date};
use crate::diag::Diagnostic;
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Mutex;

/// Hundredths of an hour in a day.
const DAY: u32 = 2_400;

/// Days over 24 hours described one by one; the rest are counted.
pub(super) const DAYS_LISTED: usize = 20;

/// Lines named for one day; beyond them the rest are counted.
pub(super) const LINES_NAMED: usize = 50;

/// Bits of a slot holding a total (hundredths of an hour, saturating at 40.95 hours); the 20
/// bits above hold a fingerprint of the (volunteer, day) key, never 0, so 0 is an empty slot.
const TOTAL_BITS: u32 = 12;
const TOTAL_MAX: u32 = (1 << TOTAL_BITS) - 1;

/// Slots looked at from a key's first one before it shares that first slot.
const WINDOW: usize = 16;

/// Totals by (volunteer, day), rounded up, in a table of fixed size: a filter that may flag a
/// day too soon, never too late, so that only the days it flags are summed exactly.
///
/// Decision: 4 bytes a slot, and a size set from the file's size (one slot for every 24 bytes,
/// from 4,096 to 8,388,608 slots, so at most 32 MiB), never grown. A 5,000,000-row log of
/// 200,000 volunteers has about 4.8 million (volunteer, day) pairs: an exact table of them took
/// 64 MiB and, while growing, 96 MiB. Here a key keeps to one slot for good: the first in its
/// window holding its fingerprint, or the first empty one; when all 16 are taken by others it
/// shares its first slot. Either way its total is never under-counted (two keys sharing a slot
/// add up together), so no long day is missed; a day flagged by a shared slot is found not to
/// be long when its rows are summed exactly, and nothing is said.
///
/// The table is cut into [`SHARDS`] shards, each behind a lock, and rows' additions wait in a
/// [`DayBuffer`] per thread until a shard's batch is full, then are applied together under its
/// lock, each slot asked for a few additions ahead: one atomic addition a row (and a locked
/// instruction stops the processor looking ahead for the next rows' slots) took most of the
/// time of reading a large log in parts.
pub(super) struct DayTotals {
    shards: Vec<Mutex<Box<[u32]>>>,
    /// Bits of a key after the shard's that pick the slot.
    shift: u32,
}

/// Shards of the table (a power of two): few enough that batches fill, enough that threads
/// seldom wait for one another.
const SHARDS: usize = 16;
const SHARD_BITS: u32 = SHARDS.trailing_zeros();

/// Additions a buffer holds for one shard before applying them.
const BATCH: usize = 256;

/// Slots asked for ahead while a batch is applied.
const AHEAD: usize = 8;

impl DayTotals {
    /// A table for a log of `bytes` bytes.
    pub(super) fn for_bytes(bytes: u64) -> Self {
        let want = (bytes / 24).clamp(1 << 12, 1 << 23).next_power_of_two() as usize;
        let per_shard = want / SHARDS;
        DayTotals {
            shards: (0..SHARDS)
                .map(|_| Mutex::new(vec![0u32; per_shard].into_boxed_slice()))
                .collect(),
            shift: 64 - SHARD_BITS - per_shard.trailing_zeros(),
        }
    }

    /// The key for a volunteer (a hash of their name as compared) on a day of the period.
    #[inline]
    pub(super) fn key(person: u64, day: u16) -> u64 {
        let k = person ^ u64::from(day).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        // A finaliser (as in MurmurHash3) spreads every bit of the key over the high bits,
        // which choose the shard and slot, and the low ones, which make the fingerprint.
        let k = (k ^ (k >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        let k = (k ^ (k >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        k ^ (k >> 33)
    }

    #[inline]
    fn shard(key: u64) -> usize {
        (key >> (64 - SHARD_BITS)) as usize
    }

    #[inline]
    fn home(&self, key: u64, len: usize) -> usize {
        (key >> self.shift) as usize & (len - 1)
    }

    /// Applies additions that all fall in shard `shard`, in order, under its lock.
    fn apply(&self, shard: usize, adds: &[(u64, u32)]) {
        let mut slots = self.shards[shard].lock().unwrap_or_else(|e| e.into_inner());
        let len = slots.len();
        for (i, &(key, hundredths)) in adds.iter().enumerate() {
            if let Some(&(ahead, _)) = adds.get(i + AHEAD) {
                prefetch(&slots[self.home(ahead, len)]);
            }
            let at = self.slot_for(&slots, key, true);
            let s = &mut slots[at];
            if *s == 0 {
                *s = fingerprint(key) << TOTAL_BITS;
            }
            let total = ((*s & TOTAL_MAX) + hundredths.min(TOTAL_MAX)).min(TOTAL_MAX);
            *s = *s & !TOTAL_MAX | total;
        }
    }

    /// The slot `key` keeps to: the first in its window holding its fingerprint or, when
    /// `claim`, empty; when there is none, its first slot. (Without `claim`, an empty slot
    /// means the key was never added: its first slot is returned, whose total is then checked
    /// by the caller as an upper bound, which is never less than 0.)
    #[inline]
    fn slot_for(&self, slots: &[u32], key: u64, claim: bool) -> usize {
        let fp = fingerprint(key);
        let home = self.home(key, slots.len());
        let mask = slots.len() - 1;
        for j in 0..WINDOW {
            let i = (home + j) & mask;
            let s = slots[i];
            if (s == 0 && claim) || s >> TOTAL_BITS == fp {
                return i;
            }
            if s == 0 {
                return usize::MAX;
            }
        }
        home
    }

    /// The total in `key`'s slot, in hundredths of an hour (0 for a key never added).
    fn total(&self, key: u64) -> u32 {
        let slots = self.shards[Self::shard(key)]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match self.slot_for(&slots, key, false) {
            usize::MAX => 0,
            at => slots[at] & TOTAL_MAX,
        }
    }

    /// Whether `key`'s day may be over 24 hours (its rows are then summed exactly).
    #[inline]
    pub(super) fn flags(&self, key: u64) -> bool {
        self.total(key) > DAY
    }

    /// Whether any day may be over 24 hours.
    pub(super) fn any_flagged(&self) -> bool {
        self.shards.iter().any(|s| {
            let slots = s.lock().unwrap_or_else(|e| e.into_inner());
            slots.iter().any(|&v| v & TOTAL_MAX > DAY)
        })
    }
}

/// One thread's additions to a [`DayTotals`], waiting by shard until a batch is full.
pub(super) struct DayBuffer {
    waiting: Vec<Vec<(u64, u32)>>,
}

impl Default for DayBuffer {
    fn default() -> Self {
        DayBuffer {
            waiting: (0..SHARDS).map(|_| Vec::with_capacity(BATCH)).collect(),
        }
    }
}

impl DayBuffer {
    /// Adds `hundredths` of an hour (rounded up) to `key`'s total, now or with its batch.
    #[inline]
    pub(super) fn add(&mut self, totals: &DayTotals, key: u64, hundredths: u32) {
        let shard = DayTotals::shard(key);
        let w = &mut self.waiting[shard];
        w.push((key, hundredths));
        if w.len() == BATCH {
            totals.apply(shard, w);
            w.clear();
        }
    }

    /// Applies every addition still waiting.
    pub(super) fn flush(&mut self, totals: &DayTotals) {
        for (shard, w) in self.waiting.iter_mut().enumerate() {
            totals.apply(shard, w);
            w.clear();
        }
    }
}

/// Asks for the cache line holding `slot`, without waiting for it.
#[inline(always)]
fn prefetch(slot: &u32) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it never faults, and `slot` is a live element.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((slot as *const u32).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = slot;
}

/// A key's fingerprint: 20 bits, never 0.
#[inline]
fn fingerprint(key: u64) -> u32 {
    (key as u32 & 0xF_FFFF).max(1)
}

/// Hours as hundredths, rounded up (for [`DayTotals`]).
#[inline]
pub(super) fn hundredths_up(ten_thousandths: u64) -> u32 {
    u32::try_from(ten_thousandths.div_ceil(100)).unwrap_or(u32::MAX)
}

/// A day flagged by [`DayTotals`], summed exactly on a second pass: where its first row is,
/// its total, and the lines of its rows (found by a third pass, for the days listed only).
pub(super) struct LongDay {
    pub(super) first: u64,
    pub(super) day: u16,
    pub(super) total: Decimal,
    pub(super) lines: Vec<u64>,
    pub(super) rows: u64,
}

/// One error per day over 24 hours, in the order of their first rows, naming every row (as
/// `file:line`) and the day's total; then how many more days there are.
pub(super) fn long_day_problems(
    days: &[LongDay],
    more: u64,
    path: &Path,
    start: Date,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = days
        .iter()
        .map(|d| long_day(path, date_of(start, d.day), d))
        .collect();
    if more > 0 {
        out.push(
            Diagnostic::error(format!(
                "... and {more} more days on which one volunteer is given more than 24 hours"
            ))
            .in_file(path),
        );
    }
    out
}

/// The date `day` days into the period.
fn date_of(start: Date, day: u16) -> Date {
    civil_from_days(days_from_civil(start) + i64::from(day)).unwrap_or(start)
}

/// The error for one volunteer's day of more than 24 hours, without the volunteer's name.
fn long_day(path: &Path, date: Date, day: &LongDay) -> Diagnostic {
    let named = &day.lines[..day.lines.len().min(LINES_NAMED)];
    let more = day.rows.saturating_sub(named.len() as u64);
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
        day.total.normalize(),
        if day.rows == 1 { "line" } else { "lines" }
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
    fn exactly_24_hours_is_a_day_and_more_is_flagged() {
        let t = DayTotals::for_bytes(0);
        let k = DayTotals::key(1, 0);
        let add = |k, h| {
            let mut b = DayBuffer::default();
            b.add(&t, k, h);
            b.flush(&t);
        };
        add(k, 2_000);
        add(k, 400);
        assert!(!t.flags(k) && !t.any_flagged(), "exactly 24 hours is a day");
        add(k, 1);
        assert!(t.flags(k) && t.any_flagged());
        add(k, u32::MAX);
        assert!(t.flags(k), "saturates, never wraps");
        assert!(
            !t.flags(DayTotals::key(1, 1)),
            "another day of the same volunteer"
        );
        assert!(
            !t.flags(DayTotals::key(2, 0)),
            "another volunteer on the same day"
        );
    }

    /// In a table far too small (every window full, slots shared), no day over 24 hours is
    /// missed: every key's total is at least its true total.
    #[test]
    fn an_overfull_table_never_misses_a_long_day() {
        let t = DayTotals::for_bytes(0);
        let mut b = DayBuffer::default();
        let mut plain: std::collections::HashMap<u64, u64> = Default::default();
        let mut x: u64 = 7;
        for _ in 0..300_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let (person, day, units) = ((x >> 40) % 3_000, (x >> 20) as u16 % 40, (x % 900) as u32);
            let key = DayTotals::key(person, day);
            b.add(&t, key, units);
            *plain.entry(key).or_default() += u64::from(units);
        }
        b.flush(&t);
        let long = plain.iter().filter(|(_, &v)| v > u64::from(DAY)).count();
        assert!(long > 100, "the sequence has long days");
        for (&key, &total) in &plain {
            assert!(
                u64::from(t.total(key)) >= total.min(u64::from(TOTAL_MAX)),
                "under-counted"
            );
            if total > u64::from(DAY) {
                assert!(t.flags(key));
            }
        }
    }

    /// With room, keys keep to their own slots: totals are exact.
    #[test]
    fn with_room_totals_are_exact() {
        let t = DayTotals::for_bytes(1 << 30);
        let mut b = DayBuffer::default();
        for person in 0..2_000u64 {
            for day in 0..10u16 {
                let h = u32::from(day) * 100 + (person % 7) as u32;
                b.add(&t, DayTotals::key(person, day), h);
            }
        }
        b.flush(&t);
        for person in 0..2_000u64 {
            for day in 0..10u16 {
                let want = u32::from(day) * 100 + (person % 7) as u32;
                assert_eq!(t.total(DayTotals::key(person, day)), want);
            }
        }
        assert!(!t.any_flagged());
    }

    #[test]
    fn hours_round_up_to_hundredths() {
        assert_eq!(hundredths_up(20_000), 200);
        assert_eq!(hundredths_up(3_333), 34);
        assert_eq!(hundredths_up(0), 0);
    }

    #[test]
    fn a_long_day_names_its_lines() {
        let start = Date::new(2024, 4, 1).unwrap();
        let day = LongDay {
            first: 0,
            day: 3,
            total: Decimal::new(245, 1),
            lines: vec![2, 9],
            rows: 2,
        };
        let d = long_day(Path::new("log.csv"), date_of(start, 3), &day);
        assert!(d.message.contains("24.5 hours on 2024-04-04"), "{d}");
        assert!(d.message.contains("on lines 2 and 9"), "{d}");
        assert!(d.help.unwrap().contains("log.csv:2, log.csv:9"));
    }
}
