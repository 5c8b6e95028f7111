//! Reading the volunteer log's rows: each row's cells (date, role, hours, volunteer) read
//! and, when all are good, added up in a [`Tally`] of a stretch of the log (or of all of it).

use super::super::days::{hundredths_up, DayBuffer, DayTotals};
use super::super::people::{NameHash, People};
use super::super::{Period, Volunteering};
use super::{
    name_check, HoursSummary, RoleHours, DATE, HOURS, HOURS_SCALE, MAX_ROW_HOURS, ROLE, VOLUNTEER,
};
use crate::date::{Date, OrderCheck, Read};
use crate::diag::Problems;
use crate::num::{parse_plain, Holds};
use crate::read::table::{Layout, RowView, Skipped};
use csv::ByteRecord;
use rust_decimal::Decimal;

/// What a stretch of the log adds up to: the whole log, or a part read on its own thread.
pub(super) struct Tally {
    pub(super) rows: u64,
    first_month: i32,
    n_months: usize,
    /// Sums per role and month: index role * months + month.
    fixed_hours: Vec<u64>,
    extra_hours: Vec<Decimal>,
    rows_by_role: Vec<u64>,
    /// Distinct volunteers, and per volunteer a bitset of the roles they gave time in, in
    /// `stride` bytes (one byte for up to 8 roles: 200,000 volunteers then fit in a core's
    /// cache, where 8 bytes each did not).
    pub(super) people: People,
    stride: usize,
    role_sets: Vec<u8>,
    first_date: Option<Date>,
    last_date: Option<Date>,
    pub(super) order: OrderCheck,
    pub(super) dates: DateCache,
    pub(super) roles: RoleMatcher,
    /// Additions to the day totals waiting to be applied in batches.
    days: DayBuffer,
}

/// A row with every cell good: what it adds.
pub(super) struct Counted<'r> {
    month: usize,
    day: u16,
    role: usize,
    hours: Hours,
    name: &'r [u8],
    /// The name's hash, its slot asked for while the other cells were read.
    hash: NameHash,
}

/// Where a row's cells are: a layout on one thread, or its view on a part's thread.
pub(super) trait Cells {
    fn cell<'r>(&self, rec: &'r ByteRecord, k: usize) -> &'r [u8];
}

impl Cells for Layout {
    #[inline]
    fn cell<'r>(&self, rec: &'r ByteRecord, k: usize) -> &'r [u8] {
        self.raw(rec, k)
    }
}

impl Cells for RowView {
    #[inline]
    fn cell<'r>(&self, rec: &'r ByteRecord, k: usize) -> &'r [u8] {
        self.raw(rec, k)
    }
}

impl Tally {
    pub(super) fn new(v: &Volunteering, period: &Period) -> Self {
        let n_roles = v.roles.len();
        let first_month = month_number(period.start);
        let n_months = (month_number(period.end) - first_month + 1).max(1) as usize;
        Tally {
            rows: 0,
            first_month,
            n_months,
            fixed_hours: vec![0; n_roles * n_months],
            extra_hours: vec![Decimal::ZERO; n_roles * n_months],
            rows_by_role: vec![0; n_roles],
            people: People::default(),
            stride: n_roles.div_ceil(8).max(1),
            role_sets: Vec::new(),
            first_date: None,
            last_date: None,
            order: OrderCheck::default(),
            dates: DateCache::new(period),
            roles: RoleMatcher::new(&v.roles),
            days: DayBuffer::default(),
        }
    }

    /// Reads the row starting at byte `at`: notes how its date is written and, when the date is
    /// in the period, widens the dates seen (as for every row, good or not); then what the row
    /// adds, or `None` when any cell has a problem ([`explain`] says which).
    #[inline]
    pub(super) fn read<'r>(
        &mut self,
        t: &impl Cells,
        rec: &'r ByteRecord,
        at: u64,
    ) -> Option<Counted<'r>> {
        self.rows += 1;
        let read = self.dates.read(t.cell(rec, DATE));
        let (r, day) = read?;
        self.order.note(r.written, at);
        let day = day?;
        let d = r.date;
        self.first_date = Some(self.first_date.map_or(d, |f| f.min(d)));
        self.last_date = Some(self.last_date.map_or(d, |l| l.max(d)));
        let name = t.cell(rec, VOLUNTEER);
        if name.is_empty() {
            return None;
        }
        let hash = self.people.prepare(name);
        let role = self.roles.find(t.cell(rec, ROLE))?;
        let hours = hours_value(t.cell(rec, HOURS))?;
        Some(Counted {
            month: (month_number(d) - self.first_month) as usize,
            day,
            role,
            hours,
            name,
            hash,
        })
    }

    /// Adds a counted row: its hours to its role and month, its volunteer to the role's, and
    /// its hours to the volunteer's day (applied with a batch of others).
    #[inline]
    pub(super) fn add(&mut self, row: Counted<'_>, days: &DayTotals) {
        let cell = row.role * self.n_months + row.month;
        let units = match row.hours {
            Hours::Units(units) => {
                self.fixed_hours[cell] += units;
                units
            }
            Hours::Exact(exact) => {
                self.extra_hours[cell] += exact;
                units_up(exact)
            }
        };
        self.rows_by_role[row.role] += 1;
        let (id, new, person) = self.people.id(row.name, row.hash);
        if new {
            self.role_sets.resize(self.role_sets.len() + self.stride, 0);
        }
        self.role_sets[id as usize * self.stride + row.role / 8] |= 1 << (row.role % 8);
        let key = DayTotals::key(person, row.day);
        self.days.add(days, key, hundredths_up(units));
    }

    /// Applies the day totals' additions still waiting.
    pub(super) fn flush(&mut self, days: &DayTotals) {
        self.days.flush(days);
    }

    /// Adds what a later part of the log added up to, as if read on after this one.
    pub(super) fn append(&mut self, later: Tally) {
        self.rows += later.rows;
        for (a, b) in self.fixed_hours.iter_mut().zip(&later.fixed_hours) {
            *a += b;
        }
        for (a, b) in self.extra_hours.iter_mut().zip(&later.extra_hours) {
            *a += b;
        }
        for (a, b) in self.rows_by_role.iter_mut().zip(&later.rows_by_role) {
            *a += b;
        }
        let ids = self.people.absorb(&later.people);
        self.role_sets
            .resize(self.people.count() as usize * self.stride, 0);
        for (theirs, &mine) in later.role_sets.chunks(self.stride).zip(&ids) {
            let at = mine as usize * self.stride;
            for (a, b) in self.role_sets[at..at + self.stride].iter_mut().zip(theirs) {
                *a |= b;
            }
        }
        self.first_date = either(self.first_date, later.first_date, Date::min);
        self.last_date = either(self.last_date, later.last_date, Date::max);
        self.order.append(later.order);
    }

    /// Hours by role and month, the volunteers counted, and the dates seen.
    pub(super) fn summary(
        &self,
        v: &Volunteering,
        warnings: Problems,
        skipped: Skipped,
    ) -> HoursSummary {
        let n_months = self.n_months;
        let by_role: Vec<RoleHours> = v
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let cells = i * n_months..(i + 1) * n_months;
                let by_month: Vec<Decimal> = self.fixed_hours[cells.clone()]
                    .iter()
                    .zip(&self.extra_hours[cells])
                    .map(|(f, x)| Decimal::from_i128_with_scale(i128::from(*f), HOURS_SCALE) + x)
                    .collect();
                RoleHours {
                    role: r.name.clone(),
                    proxy: r.proxy.clone(),
                    hours: by_month.iter().sum(),
                    by_month,
                    rows: self.rows_by_role[i],
                    volunteers: self
                        .role_sets
                        .chunks(self.stride)
                        .filter(|set| set[i / 8] & (1 << (i % 8)) != 0)
                        .count() as u64,
                }
            })
            .collect();
        HoursSummary {
            rows: self.rows,
            hours: by_role.iter().map(|r| r.hours).sum(),
            volunteers: self.people.count(),
            by_role,
            months: (0..n_months as i32)
                .map(|m| {
                    let n = self.first_month + m;
                    (n.div_euclid(12), (n.rem_euclid(12) + 1) as u8)
                })
                .collect(),
            first_date: self.first_date,
            last_date: self.last_date,
            warnings,
            skipped,
            names: name_check(&self.people),
        }
    }
}

/// One of two dates, either of which may be missing (`pick` chooses when both are there).
fn either(a: Option<Date>, b: Option<Date>, pick: fn(Date, Date) -> Date) -> Option<Date> {
    match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    }
}

/// A row's hours: whole ten-thousandths of an hour when plainly written (nearly always), or
/// an exact decimal.
#[derive(Clone, Copy)]
pub(super) enum Hours {
    Units(u64),
    Exact(Decimal),
}

/// Hours as ten-thousandths of an hour, rounded up (for [`DayTally`], which sums exactly
/// before it reports).
pub(super) fn units_up(h: Decimal) -> u64 {
    use rust_decimal::prelude::ToPrimitive;
    (h * Decimal::from(10u64.pow(HOURS_SCALE)))
        .ceil()
        .to_u64()
        .unwrap_or(u64::MAX)
}

/// A row's hours when the cell holds a good number of hours: plain `1.5` straight from bytes,
/// or anything the forgiving parser reads (`1,5`? no: `1.50`, ` 2 `), at most
/// [`MAX_ROW_HOURS`], never negative, at most [`super::super::outcomes::MAX_PLACES`] decimal places.
#[inline]
pub(super) fn hours_value(raw: &[u8]) -> Option<Hours> {
    if let Some(units) = fixed_point(raw) {
        if units <= u64::from(MAX_ROW_HOURS) * 10u64.pow(HOURS_SCALE) {
            return Some(Hours::Units(units));
        }
    }
    let text = crate::read::table::cell_text(raw);
    match parse_plain(text.trim(), Holds::Hours) {
        Ok(h)
            if h >= Decimal::ZERO
                && h.normalize().scale() <= super::super::outcomes::MAX_PLACES
                && h <= Decimal::from(MAX_ROW_HOURS) =>
        {
            Some(Hours::Exact(h))
        }
        _ => None,
    }
}

/// The project's roles, matched against the log's role cells ignoring case.
pub(super) struct RoleMatcher {
    /// Each role's signature (see [`signature`]) and lower-case name.
    sigs: Vec<(u64, Vec<u8>)>,
    lower: Vec<u8>,
}

impl RoleMatcher {
    pub(super) fn new(roles: &[super::super::Role]) -> Self {
        RoleMatcher {
            sigs: roles
                .iter()
                .map(|r| r.name.to_lowercase().into_bytes())
                .map(|r| (signature(&r), r))
                .collect(),
            lower: Vec::new(),
        }
    }

    /// The index of the role in a row's role cell (`raw`, trimmed), if listed.
    #[inline]
    pub(super) fn find(&mut self, raw: &[u8]) -> Option<usize> {
        let key = if raw.iter().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
            self.lower.clear();
            let text = crate::read::table::cell_text(raw);
            self.lower
                .extend_from_slice(text.trim().to_lowercase().as_bytes());
            self.lower.as_slice()
        } else {
            raw
        };
        // Projects have a handful of roles: a linear scan on a cheap signature (length and
        // first bytes) beats hashing, with one full comparison at the end.
        let sig = signature(key);
        self.sigs
            .iter()
            .position(|(s, r)| *s == sig && short_eq(r, key))
    }
}

/// Dates read from the log, each text read once: a year's log has a few hundred different
/// dates, kept by their text (up to 16 bytes) in a small direct-mapped table, with the day of
/// the period each falls on (`None`: outside it).
pub(super) struct DateCache {
    period: Period,
    /// (text packed in 16 bytes with its length in the last, the reading), by a hash of it.
    seen: Vec<(u128, Reading)>,
}

/// A date cell read: the date and how it was written, and its day of the period if in it.
type Reading = Option<(Read, Option<u16>)>;

/// Dates remembered (a power of two): a year has 366 days, written one way or two.
const DATES: usize = 2048;

impl DateCache {
    pub(super) fn new(period: &Period) -> Self {
        DateCache {
            period: *period,
            seen: vec![(0, None); DATES],
        }
    }

    #[inline]
    pub(super) fn read(&mut self, raw: &[u8]) -> Reading {
        if raw.is_empty() || raw.len() > 15 {
            return Self::reading(self.period, raw);
        }
        let mut packed = [0u8; 16];
        packed[..raw.len()].copy_from_slice(raw);
        packed[15] = raw.len() as u8;
        let key = u128::from_le_bytes(packed);
        let h = (key as u64 ^ (key >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = &mut self.seen[(h >> 53) as usize & (DATES - 1)];
        if slot.0 != key {
            *slot = (key, Self::reading(self.period, raw));
        }
        slot.1
    }

    fn reading(period: Period, raw: &[u8]) -> Reading {
        Date::read(raw).map(|r| {
            let day = period
                .contains(r.date)
                .then(|| u16::try_from(r.date.days_since(period.start)).ok())
                .flatten();
            (r, day)
        })
    }
}

/// Months since year 0, for indexing by month.
pub(super) fn month_number(d: Date) -> i32 {
    d.year * 12 + i32::from(d.month) - 1
}

/// Byte equality without a library call for the short cells of a log (dates, roles).
#[inline]
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() <= 16 {
        let (mut x, mut y) = ([0u8; 16], [0u8; 16]);
        x[..a.len()].copy_from_slice(a);
        y[..b.len()].copy_from_slice(b);
        return u128::from_le_bytes(x) == u128::from_le_bytes(y);
    }
    a == b
}

/// Length and first seven bytes of a role name, packed for a quick comparison.
#[inline]
fn signature(b: &[u8]) -> u64 {
    let mut first = [0u8; 8];
    let n = b.len().min(7);
    first[..n].copy_from_slice(&b[..n]);
    first[7] = b.len().min(255) as u8;
    u64::from_le_bytes(first)
}

/// Plain `123` or `1.25` (at most four decimal places) as whole ten-thousandths, straight from
/// bytes; anything else (commas, signs, more places) is left to the forgiving parser.
pub(super) fn fixed_point(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 12 {
        return None;
    }
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(i) => (&b[..i], &b[i + 1..]),
        None => (b, &[][..]),
    };
    if frac.len() > HOURS_SCALE as usize || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    let mut units = 0u64;
    for &c in int {
        if !c.is_ascii_digit() {
            return None;
        }
        units = units * 10 + u64::from(c - b'0');
    }
    let mut places = 0;
    for &c in frac {
        if !c.is_ascii_digit() {
            return None;
        }
        units = units * 10 + u64::from(c - b'0');
        places += 1;
    }
    Some(units * 10u64.pow(HOURS_SCALE - places))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_hours_are_exact() {
        assert_eq!(fixed_point(b"2"), Some(20_000));
        assert_eq!(fixed_point(b"1.5"), Some(15_000));
        assert_eq!(fixed_point(b".25"), Some(2_500));
        assert_eq!(fixed_point(b"3.1416"), Some(31_416));
        assert_eq!(fixed_point(b"3."), Some(30_000));
        for other in [&b"1.23456"[..], b"-2", b"1,200", b"", b".", b"1.2.3", b"2 "] {
            assert_eq!(fixed_point(other), None, "{:?}", std::str::from_utf8(other));
        }
    }
}
