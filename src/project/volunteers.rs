//! The volunteer log (`date,volunteer,role,hours`), streamed row by row into hours by role.
//! Only totals and a set of distinct volunteers are kept; names never leave this module.

use super::days::{
    hundredths_up, long_day_problems, DayBuffer, DayTotals, LongDay, DAYS_LISTED, LINES_NAMED,
};
use super::people::{NameHash, People};
use super::{Period, Volunteering};
use crate::date::{Date, OrderCheck, Read, Written};
use crate::diag::{nearest, quoted, Diagnostic, Problems};
use crate::num::{parse_plain, time_as_hours, Holds, NumError};
use crate::read::parts::PARTS_FROM_BYTES;
use crate::read::table::{Collector, Column, Layout, ReadOptions, Row, RowView, Skipped, Table};
use csv::ByteRecord;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// Different unknown roles listed one by one.
const MAX_UNKNOWN_ROLES: usize = 100;

/// Most hours one row may record; more is almost certainly a typing slip.
pub const MAX_ROW_HOURS: u32 = 10_000;

const COLUMNS: &[Column] = &[
    Column {
        name: "date",
        required: true,
    },
    Column {
        name: "volunteer",
        required: true,
    },
    Column {
        name: "role",
        required: true,
    },
    Column {
        name: "hours",
        required: true,
    },
];
const DATE: usize = 0;
const VOLUNTEER: usize = 1;
const ROLE: usize = 2;
const HOURS: usize = 3;

/// Hours given in one role across the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleHours {
    pub role: String,
    pub proxy: String,
    pub hours: Decimal,
    pub rows: u64,
    pub volunteers: u64,
    /// Hours in each month of the period, aligned with [`HoursSummary::months`].
    pub by_month: Vec<Decimal>,
}

/// What the log adds up to; no names, only counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursSummary {
    pub rows: u64,
    pub hours: Decimal,
    pub volunteers: u64,
    /// One entry per role in project.toml, sorted by role name.
    pub by_role: Vec<RoleHours>,
    /// Every calendar month the period touches, as (year, month), in order.
    pub months: Vec<(i32, u8)>,
    pub first_date: Option<Date>,
    pub last_date: Option<Date>,
    pub warnings: Problems,
    /// Rows set aside under `--skip-bad-rows`.
    pub skipped: Skipped,
    /// Volunteers' names (full, and first names of three letters or more), lower case, kept
    /// only so that a story which names a volunteer can be pointed out. Never written out.
    pub names: NameCheck,
}

impl HoursSummary {
    /// How many roles the log gave hours in (project.toml may list more).
    pub fn roles_used(&self) -> u64 {
        self.by_role.iter().filter(|r| r.rows > 0).count() as u64
    }

    /// Hours already added up by role (a submission's, or a synthetic network's), with no log
    /// behind them; `None` when they add up to more than can be computed.
    pub fn from_roles(by_role: Vec<RoleHours>, volunteers: u64) -> Option<HoursSummary> {
        Some(HoursSummary {
            rows: 0,
            hours: crate::num::checked_sum(by_role.iter().map(|r| r.hours))?,
            volunteers,
            by_role,
            months: Vec::new(),
            first_date: None,
            last_date: None,
            warnings: Problems::new(),
            skipped: Default::default(),
            names: Default::default(),
        })
    }
}

/// Volunteers' names, for spotting them in stories; not `Debug`-printable, never serialised.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct NameCheck {
    /// Full names, and first names worth looking for, found as [`super::redact`] finds names.
    names: super::redact::Names,
    people: usize,
}

impl std::fmt::Debug for NameCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NameCheck({} names)", self.people)
    }
}

impl NameCheck {
    /// Whether `text` contains a volunteer's full name, or one of their first names, as words.
    pub fn mentions(&self, text: &str) -> bool {
        self.names.in_text(text)
    }
}

struct UnknownRole {
    text: String,
    rows: u64,
    first: Diagnostic,
}

/// Hours are summed exactly as whole ten-thousandths of an hour where they fit (nearly always),
/// and as `Decimal` otherwise; integer sums are much faster over millions of rows.
const HOURS_SCALE: u32 = 4;

/// Streams the volunteer log, checking every row; all problems are returned together. A large
/// CSV log is read in parts on every core when that gives the same result (see
/// [`crate::read::parts`]); otherwise, or with a problem to report, on one thread.
pub fn read_hours(
    v: &Volunteering,
    period: &Period,
    options: ReadOptions,
) -> Result<HoursSummary, Problems> {
    read_hours_with(v, period, options, None)
}

/// [`read_hours`] in `parts` parts when given (even for a small file; 1: one thread), for tests
/// that compare the two ways of reading.
#[doc(hidden)]
pub fn read_hours_with(
    v: &Volunteering,
    period: &Period,
    options: ReadOptions,
    parts: Option<usize>,
) -> Result<HoursSummary, Problems> {
    let mut table = Table::open(&v.file, COLUMNS, options.limits)?;
    let out = Collector::new(&v.file, std::mem::take(&mut table.warnings), options).private();
    let bytes = std::fs::metadata(&v.file).map_or(0, |m| m.len());
    let parts = parts.unwrap_or_else(|| match bytes >= PARTS_FROM_BYTES {
        true => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
        false => 1,
    });
    if parts > 1 && table.is_csv() {
        let days = DayTotals::for_bytes(bytes);
        let read = table.in_parts(
            parts,
            |_| Tally::new(v, period),
            |tally, view, (rec, at)| match tally.read(view, rec, at) {
                Some(row) => {
                    tally.add(row, &days);
                    true
                }
                None => false,
            },
        );
        if let Some((tallies, layout)) = read {
            let mut tallies = tallies.into_iter();
            let mut whole = tallies.next().unwrap_or_else(|| Tally::new(v, period));
            whole.flush(&days);
            for mut later in tallies {
                later.flush(&days);
                whole.append(later);
            }
            return finish(
                v,
                period,
                options,
                whole,
                &days,
                out,
                layout,
                UnknownRoles::default(),
            );
        }
        // Not read in parts (a problem to report, or a cut inside a quoted cell): again, whole.
        table = Table::open(&v.file, COLUMNS, options.limits)?;
    }
    read_whole(v, period, options, table, out, bytes)
}

/// Reads the log on one thread (a reading thread splits it into fields meanwhile), saying
/// what is wrong with every row that cannot be counted.
fn read_whole(
    v: &Volunteering,
    period: &Period,
    options: ReadOptions,
    table: Table,
    mut out: Collector,
    bytes: u64,
) -> Result<HoursSummary, Problems> {
    let days = DayTotals::for_bytes(bytes);
    let mut tally = Tally::new(v, period);
    let mut unknown = UnknownRoles::default();
    let layout = table.for_each_row(|t, row| {
        let Some(rec) = out.take(row) else {
            return;
        };
        let at = rec.position().map_or(0, csv::Position::byte);
        match tally.read(t, rec, at) {
            Some(counted) => {
                if out.end_row() {
                    tally.add(counted, &days);
                }
            }
            None => {
                explain(t, rec, v, period, &mut tally, &mut unknown, &mut out);
                out.end_row();
            }
        }
    });
    tally.flush(&days);
    finish(v, period, options, tally, &days, out, layout, unknown)
}

/// What is wrong with a row that cannot be counted, as problems for the collector (or, for a
/// role not listed when the file is refused, noted to be reported once per role).
fn explain(
    t: &Layout,
    rec: &ByteRecord,
    v: &Volunteering,
    period: &Period,
    tally: &mut Tally,
    unknown: &mut UnknownRoles,
    out: &mut Collector,
) {
    let date_raw = t.raw(rec, DATE);
    match tally.dates.read(date_raw) {
        Some((_, Some(_))) => {}
        Some((r, None)) => {
            let d = t
                .cell_error(
                    rec,
                    DATE,
                    "date",
                    format!(
                        "date {} is outside the period {} to {}",
                        r.date, period.start, period.end
                    ),
                )
                .with_help("remove the row, or correct the date or the [period] in project.toml");
            // A slashed date's reading rests on the file's day/month order: if the file is
            // refused for that order, this message is withdrawn.
            if r.written == Written::Unambiguous {
                out.push(d)
            } else {
                out.push_provisional(d)
            }
        }
        None => {
            let text = t.text(rec, DATE);
            let msg = if date_raw.is_empty() {
                "date is empty".to_string()
            } else {
                format!("{} is not a date", quoted(&text))
            };
            let d = t
                .cell_error(rec, DATE, "date", msg)
                .with_help("write dates as 2024-04-01 or 01/04/2024 (day first)");
            out.push_shown(d, no_letters(&text));
        }
    }
    if t.raw(rec, VOLUNTEER).is_empty() {
        out.push(
            t.cell_error(rec, VOLUNTEER, "volunteer", "volunteer is empty".into())
                .with_help("give a name or a reference number, so volunteers can be counted"),
        );
    }
    if tally.roles.find(t.raw(rec, ROLE)).is_none() {
        if out.skipping() {
            // Each row set aside names its own problem, with the same hint as the file's.
            let text = t.text(rec, ROLE);
            let (message, help, near) = unknown_role(&text, None, &v.roles);
            // A misspelt role (one near a listed role) is shown; other text, which may be a
            // name in a column out of place, is withheld from the rows left out.
            out.push_shown(
                t.cell_error(rec, ROLE, "role", message).with_help(help),
                near,
            );
        } else {
            unknown.note(t, rec);
        }
    }
    if let Err(e) = hours_cell(t, rec) {
        let (d, shown) = *e;
        out.push_shown(d, shown);
    }
}

/// The summary, after the log is read: the file's date order, roles not listed, days over 24
/// hours, repeated rows, and the totals.
#[allow(clippy::too_many_arguments)]
fn finish(
    v: &Volunteering,
    period: &Period,
    options: ReadOptions,
    mut tally: Tally,
    days: &DayTotals,
    mut out: Collector,
    mut layout: Layout,
    unknown: UnknownRoles,
) -> Result<HoursSummary, Problems> {
    if let Some(d) = tally.order.finish(&v.file, |at| layout.lines_of(at)) {
        if d.is_error() {
            out.withdraw_provisional();
        }
        out.fatal(d);
    }
    unknown.report(&mut out, &v.roles, &v.file);
    if days.any_flagged() {
        for d in long_days(v, period, options, days, &mut tally.people) {
            out.fatal(d);
        }
    }
    if tally.rows == 0 && !out.problems.has_errors() {
        out.push(Diagnostic::warning("the volunteer log has no rows").in_file(&v.file));
    }
    let (problems, skipped) = out.finish(&mut layout);
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(tally.summary(v, problems, skipped))
}

/// What a stretch of the log adds up to: the whole log, or a part read on its own thread.
struct Tally {
    rows: u64,
    first_month: i32,
    n_months: usize,
    /// Sums per role and month: index role * months + month.
    fixed_hours: Vec<u64>,
    extra_hours: Vec<Decimal>,
    rows_by_role: Vec<u64>,
    /// Distinct volunteers, and per volunteer a bitset of the roles they gave time in, in
    /// `stride` bytes (one byte for up to 8 roles: 200,000 volunteers then fit in a core's
    /// cache, where 8 bytes each did not).
    people: People,
    stride: usize,
    role_sets: Vec<u8>,
    first_date: Option<Date>,
    last_date: Option<Date>,
    order: OrderCheck,
    dates: DateCache,
    roles: RoleMatcher,
    /// Additions to the day totals waiting to be applied in batches.
    days: DayBuffer,
}

/// A row with every cell good: what it adds.
struct Counted<'r> {
    month: usize,
    day: u16,
    role: usize,
    hours: Hours,
    name: &'r [u8],
    /// The name's hash, its slot asked for while the other cells were read.
    hash: NameHash,
}

/// Where a row's cells are: a layout on one thread, or its view on a part's thread.
trait Cells {
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
    fn new(v: &Volunteering, period: &Period) -> Self {
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
    fn read<'r>(&mut self, t: &impl Cells, rec: &'r ByteRecord, at: u64) -> Option<Counted<'r>> {
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
    fn add(&mut self, row: Counted<'_>, days: &DayTotals) {
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
    fn flush(&mut self, days: &DayTotals) {
        self.days.flush(days);
    }

    /// Adds what a later part of the log added up to, as if read on after this one.
    fn append(&mut self, later: Tally) {
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
        self.first_date = min_some(self.first_date, later.first_date, Date::min);
        self.last_date = min_some(self.last_date, later.last_date, Date::max);
        self.order.append(later.order);
    }

    /// Hours by role and month, the volunteers counted, and the dates seen.
    fn summary(&self, v: &Volunteering, warnings: Problems, skipped: Skipped) -> HoursSummary {
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

/// The earlier (or later, by `pick`) of two dates either of which may be missing.
fn min_some(a: Option<Date>, b: Option<Date>, pick: fn(Date, Date) -> Date) -> Option<Date> {
    match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    }
}

/// Calls `each` with every row a first pass counted, as (volunteer, the hash of their name,
/// day of the period, hours), by reading the log again (for the days found over 24 hours).
fn each_counted(
    v: &Volunteering,
    period: &Period,
    options: ReadOptions,
    people: &mut People,
    mut each: impl FnMut(&Layout, &ByteRecord, (u32, u64), u16, Decimal),
) {
    let Ok(table) = Table::open(&v.file, COLUMNS, options.limits) else {
        return;
    };
    let mut dates = DateCache::new(period);
    let mut roles = RoleMatcher::new(&v.roles);
    table.for_each_row(|t, row| {
        let Row::Ok(rec) = row else {
            return;
        };
        let Some((_, Some(day))) = dates.read(t.raw(rec, DATE)) else {
            return;
        };
        let Some(id) = people.find(t.raw(rec, VOLUNTEER)) else {
            return;
        };
        if roles.find(t.raw(rec, ROLE)).is_none() {
            return;
        }
        if let Some(h) = hours_value(t.raw(rec, HOURS)) {
            let hours = match h {
                Hours::Units(u) => Decimal::from_i128_with_scale(i128::from(u), HOURS_SCALE),
                Hours::Exact(x) => x,
            };
            each(t, rec, (id, people.person_hash(id)), day, hours);
        }
    });
}

/// The days over 24 hours, each summed exactly from its rows (read again, only for the days
/// the totals flag), in the order of their first rows; then their lines, by a third pass over
/// the log for the days listed only (so memory stays with the days, not their rows).
fn long_days(
    v: &Volunteering,
    period: &Period,
    options: ReadOptions,
    days: &DayTotals,
    people: &mut People,
) -> Vec<Diagnostic> {
    let mut found: FxHashMap<(u32, u16), LongDay> = FxHashMap::default();
    each_counted(
        v,
        period,
        options,
        people,
        |_, rec, (id, person), day, hours| {
            if days.flags(DayTotals::key(person, day)) {
                let d = found.entry((id, day)).or_insert_with(|| LongDay {
                    first: rec.position().map_or(0, csv::Position::byte),
                    day,
                    total: Decimal::ZERO,
                    lines: Vec::new(),
                    rows: 0,
                });
                d.total += hours;
                d.rows += 1;
            }
        },
    );
    let mut long: Vec<((u32, u16), LongDay)> = found
        .into_iter()
        .filter(|(_, d)| d.total > Decimal::from(24))
        .collect();
    long.sort_by_key(|(_, d)| d.first);
    let more = long.len().saturating_sub(DAYS_LISTED) as u64;
    long.truncate(DAYS_LISTED);
    let listed: FxHashMap<(u32, u16), usize> =
        long.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect();
    each_counted(v, period, options, people, |t, rec, (id, _), day, _| {
        if let Some(&i) = listed.get(&(id, day)) {
            let lines = &mut long[i].1.lines;
            if lines.len() < LINES_NAMED {
                lines.push(t.line(rec));
            }
        }
    });
    let long: Vec<LongDay> = long.into_iter().map(|(_, d)| d).collect();
    long_day_problems(&long, more, &v.file, period.start)
}

/// A row's hours: whole ten-thousandths of an hour when plainly written (nearly always), or
/// an exact decimal.
#[derive(Clone, Copy)]
enum Hours {
    Units(u64),
    Exact(Decimal),
}

/// Hours as ten-thousandths of an hour, rounded up (for [`DayTally`], which sums exactly
/// before it reports).
fn units_up(h: Decimal) -> u64 {
    use rust_decimal::prelude::ToPrimitive;
    (h * Decimal::from(10u64.pow(HOURS_SCALE)))
        .ceil()
        .to_u64()
        .unwrap_or(u64::MAX)
}

/// A row's hours when the cell holds a good number of hours: plain `1.5` straight from bytes,
/// or anything the forgiving parser reads (`1,5`? no: `1.50`, ` 2 `), at most
/// [`MAX_ROW_HOURS`], never negative, at most [`super::outcomes::MAX_PLACES`] decimal places.
#[inline]
fn hours_value(raw: &[u8]) -> Option<Hours> {
    if let Some(units) = fixed_point(raw) {
        if units <= u64::from(MAX_ROW_HOURS) * 10u64.pow(HOURS_SCALE) {
            return Some(Hours::Units(units));
        }
    }
    let text = crate::read::table::cell_text(raw);
    match parse_plain(text.trim(), Holds::Hours) {
        Ok(h)
            if h >= Decimal::ZERO
                && h.normalize().scale() <= super::outcomes::MAX_PLACES
                && h <= Decimal::from(MAX_ROW_HOURS) =>
        {
            Some(Hours::Exact(h))
        }
        _ => None,
    }
}

/// Reads the hours cell, or says what is wrong with it (and whether the message may quote the
/// cell in a list of skipped rows: only when it holds no letters, so never a name).
#[inline]
fn hours_cell(t: &Layout, rec: &ByteRecord) -> Result<Hours, Box<(Diagnostic, bool)>> {
    if let Some(h) = hours_value(t.raw(rec, HOURS)) {
        return Ok(h);
    }
    let h_raw = t.raw(rec, HOURS);
    let text = t.text(rec, HOURS);
    let fail = |message: String, help: String| {
        Err(Box::new((
            t.cell_error(rec, HOURS, "hours", message).with_help(help),
            no_letters(&text),
        )))
    };
    match parse_plain(&text, Holds::Hours) {
        Ok(h) if h < Decimal::ZERO => fail(
            format!("hours {h} is negative"),
            "hours given are always zero or more; delete or correct the row".into(),
        ),
        Ok(h) if h.normalize().scale() > super::outcomes::MAX_PLACES => fail(
            format!(
                "hours {h} has more than {} decimal places",
                super::outcomes::MAX_PLACES
            ),
            "round it, e.g. 1.5 or 0.25".into(),
        ),
        Ok(h) if h > Decimal::from(MAX_ROW_HOURS) => fail(
            format!("hours {h} is more than the {MAX_ROW_HOURS} one row may record"),
            "check for a typing slip, or split the row".into(),
        ),
        Ok(h) => Ok(Hours::Exact(h)),
        Err(_) if h_raw.is_empty() => fail(
            "hours is empty".into(),
            "write hours as a number, e.g. 2 or 1.5".into(),
        ),
        Err(_) if time_as_hours(&text).is_some() => fail(
            format!("hours {} is written as a time", quoted(&text)),
            format!(
                "write {} as {} (hours as a number)",
                text,
                time_as_hours(&text).unwrap_or_default()
            ),
        ),
        Err(NumError::Invalid(m)) if m.contains("not money") => fail(
            format!("hours {m}"),
            "write the hours as a plain number, e.g. 2 or 1.5".into(),
        ),
        Err(e) => fail(
            e.to_string(),
            "write hours as a number, e.g. 2 or 1.5".into(),
        ),
    }
}

/// Whether a cell's text has no letters, so cannot be a name: quoted even in the list of
/// skipped rows.
fn no_letters(text: &str) -> bool {
    !text.chars().any(char::is_alphabetic)
}

/// The message and hint for a role not listed in project.toml, and whether a listed role is
/// near it; `rows` says on how many rows when the file is refused (rather than each row set
/// aside).
fn unknown_role(text: &str, rows: Option<u64>, known: &[super::Role]) -> (String, String, bool) {
    let rows = match rows {
        None => String::new(),
        Some(1) => " (1 row)".to_string(),
        Some(n) => format!(" ({n} rows, first shown here)"),
    };
    let message = if text.is_empty() {
        format!("role is empty{rows}")
    } else {
        format!(
            "role {} is not listed in [volunteering.roles]{rows}",
            quoted(text)
        )
    };
    let guess = nearest(text, known.iter().map(|r| r.name.as_str()));
    let help = match guess {
        Some(g) => format!(
            "did you mean \"{g}\"? or add the role to [volunteering.roles] in project.toml"
        ),
        None => "add the role to [volunteering.roles] in project.toml, with the proxy that values its hours".into(),
    };
    (message, help, guess.is_some())
}

/// Roles not listed, each with its rows counted and its first row kept for the message.
#[derive(Default)]
struct UnknownRoles {
    list: Vec<UnknownRole>,
    /// Rows with further roles, past [`MAX_UNKNOWN_ROLES`] different ones.
    more: u64,
}

impl UnknownRoles {
    fn note(&mut self, t: &Layout, rec: &ByteRecord) {
        if self.list.len() >= MAX_UNKNOWN_ROLES {
            // Beyond this many different unknown roles the file is surely not this project's
            // log: the rest are counted, not listed, and not compared one by one.
            self.more += 1;
            // Marks the row as bad without listing it.
            return;
        }
        let text = t.text(rec, ROLE).into_owned();
        match self.list.iter_mut().find(|u| u.text == text) {
            Some(u) => u.rows += 1,
            None => {
                let first = t.cell_error(rec, ROLE, "role", String::new());
                self.list.push(UnknownRole {
                    text,
                    rows: 1,
                    first,
                });
            }
        }
    }

    fn report(self, out: &mut Collector, known: &[super::Role], path: &std::path::Path) {
        if self.more > 0 {
            out.push(Diagnostic::error(format!(
                "{} more rows have roles not listed in [volunteering.roles] (only the first {MAX_UNKNOWN_ROLES} different ones are listed)", self.more
            )).in_file(path));
        }
        for u in self.list {
            let (message, help, _) = unknown_role(&u.text, Some(u.rows), known);
            out.push(Diagnostic {
                message,
                help: Some(help),
                ..u.first
            });
        }
    }
}

/// The project's roles, matched against the log's role cells ignoring case.
struct RoleMatcher {
    /// Each role's signature (see [`signature`]) and lower-case name.
    sigs: Vec<(u64, Vec<u8>)>,
    lower: Vec<u8>,
}

impl RoleMatcher {
    fn new(roles: &[super::Role]) -> Self {
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
    fn find(&mut self, raw: &[u8]) -> Option<usize> {
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

/// The names to look for in stories: each volunteer's full name of two words or more, and
/// their first name when it is a word of three letters or more. (The warning is a help: a
/// list too large to search, which a log under the size limit cannot give, would only leave it
/// out.)
fn name_check(people: &People) -> NameCheck {
    let mut full: Vec<String> = people
        .names()
        .map(|k| String::from_utf8_lossy(k).into_owned())
        .collect();
    full.sort_unstable();
    let first = full
        .iter()
        .filter_map(|n| n.split(' ').next())
        .filter(|w| w.chars().count() >= 3 && n_words(w));
    let whole = full.iter().filter(|n| n.contains(' ')).map(String::as_str);
    NameCheck {
        names: super::redact::Names::new(whole.chain(first)).unwrap_or_default(),
        people: full.len(),
    }
}

/// Dates read from the log, each text read once: a year's log has a few hundred different
/// dates, kept by their text (up to 16 bytes) in a small direct-mapped table, with the day of
/// the period each falls on (`None`: outside it).
struct DateCache {
    period: Period,
    /// (text packed in 16 bytes with its length in the last, the reading), by a hash of it.
    seen: Vec<(u128, Reading)>,
}

/// A date cell read: the date and how it was written, and its day of the period if in it.
type Reading = Option<(Read, Option<u16>)>;

/// Dates remembered (a power of two): a year has 366 days, written one way or two.
const DATES: usize = 2048;

impl DateCache {
    fn new(period: &Period) -> Self {
        DateCache {
            period: *period,
            seen: vec![(0, None); DATES],
        }
    }

    #[inline]
    fn read(&mut self, raw: &[u8]) -> Reading {
        if raw.is_empty() || raw.len() > 15 {
            return self.read_uncached(raw);
        }
        let mut packed = [0u8; 16];
        packed[..raw.len()].copy_from_slice(raw);
        packed[15] = raw.len() as u8;
        let key = u128::from_le_bytes(packed);
        let h = (key as u64 ^ (key >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = &mut self.seen[(h >> 53) as usize & (DATES - 1)];
        if slot.0 == key {
            return slot.1;
        }
        let read = Self::reading(self.period, raw);
        self.seen[(h >> 53) as usize & (DATES - 1)] = (key, read);
        read
    }

    fn read_uncached(&self, raw: &[u8]) -> Reading {
        Self::reading(self.period, raw)
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

/// A first name worth looking for: letters only (not a reference number like `v0042`).
fn n_words(w: &str) -> bool {
    w.chars().all(char::is_alphabetic)
}

/// Months since year 0, for indexing by month.
fn month_number(d: Date) -> i32 {
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
fn fixed_point(b: &[u8]) -> Option<u64> {
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
