//! The volunteer log (`date,volunteer,role,hours`), streamed row by row into hours by role.
//! Only totals and a set of distinct volunteers are kept; names never leave this module.

use super::days::{long_day_problems, DayTotals, LongDay, DAYS_LISTED, LINES_NAMED};
use super::people::People;
use super::{Period, Volunteering};
use crate::date::{Date, Written};
use crate::diag::{nearest, quoted, Diagnostic, Problems};
use crate::num::{parse_plain, time_as_hours, Holds, NumError};
use crate::read::parts::PARTS_FROM_BYTES;
use crate::read::table::{Collector, Column, Layout, ReadOptions, Row, Skipped, Table};

mod tally;
use csv::ByteRecord;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use tally::{hours_value, DateCache, Hours, RoleMatcher, Tally};

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

/// A first name worth looking for: letters only (not a reference number like `v0042`).
fn n_words(w: &str) -> bool {
    w.chars().all(char::is_alphabetic)
}
