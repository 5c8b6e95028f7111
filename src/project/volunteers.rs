//! The volunteer log (`date,volunteer,role,hours`), streamed row by row into hours by role.
//! Only totals and a set of distinct volunteers are kept; names never leave this module.

use super::days::{DayTally, LongDays};
use super::{Period, Volunteering};
use crate::date::{Date, OrderCheck, Read, Written};
use crate::diag::{nearest, quoted, Diagnostic, Problems};
use crate::num::{parse_plain, time_as_hours, Holds, NumError};
use crate::read::table::{Collector, Column, Layout, ReadOptions, Row, Skipped, Table};
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

/// Streams the volunteer log, checking every row; all problems are returned together.
pub fn read_hours(
    v: &Volunteering,
    period: &Period,
    options: ReadOptions,
) -> Result<HoursSummary, Problems> {
    let mut table = Table::open(&v.file, COLUMNS, options.limits)?;
    let mut out = Collector::new(&v.file, std::mem::take(&mut table.warnings), options).private();
    let mut order = OrderCheck::default();
    let mut roles = RoleMatcher::new(&v.roles);
    let n_roles = v.roles.len();
    // Sums per role and month: index role * months + month.
    let first_month = month_number(period.start);
    let n_months = (month_number(period.end) - first_month + 1).max(1) as usize;
    let mut fixed_hours = vec![0u64; n_roles * n_months];
    let mut extra_hours = vec![Decimal::ZERO; n_roles * n_months];
    let mut rows_by_role = vec![0u64; n_roles];
    // Distinct volunteers: an id per name, and per id a bitset of the roles they gave time in.
    let stride = n_roles.div_ceil(64).max(1);
    let mut people = People::default();
    let mut role_sets: Vec<u64> = Vec::new();
    let mut days = DayTally::default();
    let mut unknown = UnknownRoles::default();
    let mut first_date: Option<Date> = None;
    let mut last_date: Option<Date> = None;
    let mut rows = 0u64;
    let mut dates = DateCache::new(period);
    let mut layout =
        table.for_each_row(|t, row| {
            let Some(rec) = out.take(row) else {
                return;
            };
            rows += 1;
            let mut ok = true;

            let date_raw = t.raw(rec, DATE);
            let read = dates.read(date_raw);
            if let Some((r, _)) = read {
                order.note(r.written, || t.line(rec));
            }
            let when =
                match read {
                    Some((r, Some(day))) => {
                        let d = r.date;
                        first_date = Some(first_date.map_or(d, |f| f.min(d)));
                        last_date = Some(last_date.map_or(d, |l| l.max(d)));
                        Some(((month_number(d) - first_month) as usize, day))
                    }
                    Some((r, None)) => {
                        ok = false;
                        let d = t.cell_error(rec, DATE, "date", format!(
                    "date {} is outside the period {} to {}", r.date, period.start, period.end
                )).with_help("remove the row, or correct the date or the [period] in project.toml");
                        // A slashed date's reading rests on the file's day/month order: if the file is
                        // refused for that order, this message is withdrawn.
                        if r.written == Written::Unambiguous {
                            out.push(d)
                        } else {
                            out.push_provisional(d)
                        }
                        None
                    }
                    None => {
                        ok = false;
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
                        None
                    }
                };

            let name = t.raw(rec, VOLUNTEER);
            if name.is_empty() {
                ok = false;
                out.push(
                    t.cell_error(rec, VOLUNTEER, "volunteer", "volunteer is empty".into())
                        .with_help(
                            "give a name or a reference number, so volunteers can be counted",
                        ),
                );
            }

            let role = roles.find(t, rec);
            if role.is_none() {
                ok = false;
                if out.skipping() {
                    // Each row set aside names its own problem, with the same hint as the file's.
                    let text = t.text(rec, ROLE);
                    let (message, help, near) = unknown_role(&text, None, &v.roles);
                    // A misspelt role (one near a listed role) is shown; other text, which may
                    // be a name in a column out of place, is withheld from the rows left out.
                    let shown = near;
                    out.push_shown(
                        t.cell_error(rec, ROLE, "role", message).with_help(help),
                        shown,
                    );
                } else {
                    unknown.note(t, rec);
                }
            }

            let hours = match hours_cell(t, rec) {
                Ok(h) => Some(h),
                Err(e) => {
                    let (d, shown) = *e;
                    out.push_shown(d, shown);
                    None
                }
            };

            let counted = out.end_row();
            if let (true, true, Some(h), Some(r), Some((month, day))) =
                (counted, ok, hours, role, when)
            {
                let units = match h {
                    Hours::Units(units) => {
                        fixed_hours[r * n_months + month] += units;
                        units
                    }
                    Hours::Exact(exact) => {
                        extra_hours[r * n_months + month] += exact;
                        units_up(exact)
                    }
                };
                rows_by_role[r] += 1;
                let (id, new) = people.id(name);
                if new {
                    role_sets.resize(role_sets.len() + stride, 0);
                }
                role_sets[id as usize * stride + r / 64] |= 1 << (r % 64);
                days.add(id, day, units);
            }
        });
    if let Some(d) = order.finish(&v.file) {
        if d.is_error() {
            out.withdraw_provisional();
        }
        out.fatal(d);
    }
    unknown.report(&mut out, &v.roles, &v.file);
    days.finish();
    if !days.over().is_empty() {
        for d in long_days(v, period, options, &days, &mut people, &mut roles) {
            out.fatal(d);
        }
    }
    if rows == 0 && !out.problems.has_errors() {
        out.push(Diagnostic::warning("the volunteer log has no rows").in_file(&v.file));
    }
    let (problems, skipped) = out.finish(&mut layout);
    if problems.has_errors() {
        return Err(problems);
    }
    let by_role: Vec<RoleHours> = v
        .roles
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let cells = i * n_months..(i + 1) * n_months;
            let by_month: Vec<Decimal> = fixed_hours[cells.clone()]
                .iter()
                .zip(&extra_hours[cells])
                .map(|(f, x)| Decimal::from_i128_with_scale(i128::from(*f), HOURS_SCALE) + x)
                .collect();
            RoleHours {
                role: r.name.clone(),
                proxy: r.proxy.clone(),
                hours: by_month.iter().sum(),
                by_month,
                rows: rows_by_role[i],
                volunteers: role_sets
                    .chunks(stride)
                    .filter(|set| set[i / 64] & (1 << (i % 64)) != 0)
                    .count() as u64,
            }
        })
        .collect();
    Ok(HoursSummary {
        rows,
        hours: by_role.iter().map(|r| r.hours).sum(),
        volunteers: people.count(),
        by_role,
        months: (0..n_months as i32)
            .map(|m| {
                let n = first_month + m;
                (n.div_euclid(12), (n.rem_euclid(12) + 1) as u8)
            })
            .collect(),
        first_date,
        last_date,
        warnings: problems,
        skipped,
        names: people.name_check(),
    })
}

/// The rows behind each day found over 24 hours, by a second pass over the log (made only
/// when there is such a day, so a good log is read once): rows counted the same way as the
/// first pass, matched by volunteer and day.
fn long_days(
    v: &Volunteering,
    period: &Period,
    options: ReadOptions,
    tally: &DayTally,
    people: &mut People,
    roles: &mut RoleMatcher,
) -> Vec<Diagnostic> {
    let Ok(table) = Table::open(&v.file, COLUMNS, options.limits) else {
        return Vec::new();
    };
    let mut found = LongDays::new(tally);
    let mut dates = DateCache::new(period);
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
        if !found.wants(id, day) || roles.find(t, rec).is_none() {
            return;
        }
        if let Ok(h) = hours_cell(t, rec) {
            let hours = match h {
                Hours::Units(u) => Decimal::from_i128_with_scale(i128::from(u), HOURS_SCALE),
                Hours::Exact(x) => x,
            };
            found.note(id, day, t.line(rec), hours);
        }
    });
    found.problems(tally, &v.file, period.start)
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

/// Reads the hours cell, or says what is wrong with it (and whether the message may quote the
/// cell in a list of skipped rows: only when it holds no letters, so never a name).
#[inline]
fn hours_cell(t: &Layout, rec: &ByteRecord) -> Result<Hours, Box<(Diagnostic, bool)>> {
    let h_raw = t.raw(rec, HOURS);
    if let Some(units) = fixed_point(h_raw) {
        if units <= u64::from(MAX_ROW_HOURS) * 10u64.pow(HOURS_SCALE) {
            return Ok(Hours::Units(units));
        }
    }
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

    /// The index of the row's role, if listed.
    #[inline]
    fn find(&mut self, t: &Layout, rec: &ByteRecord) -> Option<usize> {
        let role_raw = t.raw(rec, ROLE);
        let key = if role_raw
            .iter()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
        {
            self.lower.clear();
            self.lower
                .extend_from_slice(t.text(rec, ROLE).to_lowercase().as_bytes());
            self.lower.as_slice()
        } else {
            role_raw
        };
        // Projects have a handful of roles: a linear scan on a cheap signature (length and
        // first bytes) beats hashing, with one full comparison at the end.
        let sig = signature(key);
        self.sigs
            .iter()
            .position(|(s, r)| *s == sig && short_eq(r, key))
    }
}

/// The distinct volunteers counted: an id for each person, however their name is spelt.
#[derive(Default)]
struct People {
    names: FxHashMap<Vec<u8>, u32>,
    spellings: FxHashMap<Vec<u8>, u32>,
    buf: Vec<u8>,
}

impl People {
    /// The id of the person named, given one if new (and whether they are).
    #[inline]
    fn id(&mut self, name: &[u8]) -> (u32, bool) {
        // Names as written are looked up first; only a spelling not seen before is
        // normalised and matched against the people already counted.
        if let Some(&id) = self.spellings.get(name) {
            return (id, false);
        }
        let key = name_key(name, &mut self.buf);
        let (id, new) = match self.names.get(key) {
            Some(&id) => (id, false),
            None => {
                let id = self.names.len() as u32;
                self.names.insert(key.to_vec(), id);
                (id, true)
            }
        };
        self.spellings.insert(name.to_vec(), id);
        (id, new)
    }

    /// The id of a person already counted.
    fn find(&mut self, name: &[u8]) -> Option<u32> {
        if let Some(&id) = self.spellings.get(name) {
            return Some(id);
        }
        self.names.get(name_key(name, &mut self.buf)).copied()
    }

    fn count(&self) -> u64 {
        self.names.len() as u64
    }

    /// The names to look for in stories: each volunteer's full name of two words or more, and
    /// their first name when it is a word of three letters or more. (The warning is a help: a
    /// list too large to search, which a log under the size limit cannot give, would only
    /// leave it out.)
    fn name_check(&self) -> NameCheck {
        let mut full: Vec<String> = self
            .names
            .keys()
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
}

/// Dates read from the log, reusing the last row's when the text is the same (logs are
/// usually in date order), with the day of the period each falls on (`None`: outside it).
struct DateCache {
    period: Period,
    raw: Vec<u8>,
    last: Option<(Read, Option<u16>)>,
}

impl DateCache {
    fn new(period: &Period) -> Self {
        DateCache {
            period: *period,
            raw: Vec::new(),
            last: None,
        }
    }

    #[inline]
    fn read(&mut self, raw: &[u8]) -> Option<(Read, Option<u16>)> {
        if short_eq(raw, &self.raw) {
            return self.last;
        }
        self.raw.clear();
        self.raw.extend_from_slice(raw);
        let period = self.period;
        self.last = Date::read(raw).map(|r| {
            let day = period
                .contains(r.date)
                .then(|| u16::try_from(r.date.days_since(period.start)).ok())
                .flatten();
            (r, day)
        });
        self.last
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

/// The form in which volunteers' names are compared, so that "Ann Lee", "ann lee" and
/// "Ann  Lee" count as one person: lower case, inner runs of spaces as one. Fast when the
/// name is already in that form (the usual case in a long log).
fn name_key<'a>(name: &'a [u8], buf: &'a mut Vec<u8>) -> &'a [u8] {
    let plain = name
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b' ')
        && !name.windows(2).any(|w| w == b"  ");
    if plain {
        return name;
    }
    buf.clear();
    if name.is_ascii() {
        for word in name
            .split(u8::is_ascii_whitespace)
            .filter(|w| !w.is_empty())
        {
            if !buf.is_empty() {
                buf.push(b' ');
            }
            buf.extend(word.iter().map(u8::to_ascii_lowercase));
        }
        return buf;
    }
    let text = crate::read::table::cell_text(name).to_lowercase();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            buf.push(b' ');
        }
        buf.extend_from_slice(word.as_bytes());
    }
    buf
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
    fn names_differing_only_in_case_or_spacing_are_one_volunteer() {
        let mut buf = Vec::new();
        let a = name_key(b"ann lee", &mut buf).to_vec();
        assert_eq!(name_key(b"Ann Lee", &mut buf), a.as_slice());
        assert_eq!(name_key(b"ANN  LEE", &mut buf), a.as_slice());
        assert_eq!(name_key(b"Ann\tLee", &mut buf), a.as_slice());
        assert_ne!(name_key(b"Anne Lee", &mut buf), a.as_slice());
        assert_eq!(name_key(b"Zo\xEB", &mut buf), "zoë".as_bytes());
    }

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
