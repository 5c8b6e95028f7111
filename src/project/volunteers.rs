//! The volunteer log (`date,volunteer,role,hours`), streamed row by row into hours by role.
//! Only totals and a set of distinct volunteers are kept; names never leave this module.

use super::table::{Collector, Column, ReadOptions, Skipped, Table};
use super::{Period, Volunteering};
use crate::date::{Date, OrderCheck};
use crate::diag::{nearest, quoted, Diagnostic, Problems};
use crate::num::parse_decimal;
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
    let roles: Vec<Vec<u8>> = v
        .roles
        .iter()
        .map(|r| r.name.to_lowercase().into_bytes())
        .collect();
    let n_roles = roles.len();
    let role_sigs: Vec<(u64, &Vec<u8>)> = roles.iter().map(|r| (signature(r), r)).collect();
    // Sums per role and month: index role * months + month.
    let first_month = month_number(period.start);
    let n_months = (month_number(period.end) - first_month + 1).max(1) as usize;
    let mut fixed_hours = vec![0u64; n_roles * n_months];
    let mut extra_hours = vec![Decimal::ZERO; n_roles * n_months];
    let mut month = 0usize;
    let mut rows_by_role = vec![0u64; n_roles];
    // Distinct volunteers: an id per name, and per id a bitset of the roles they gave time in.
    let stride = n_roles.div_ceil(64).max(1);
    let mut names: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
    let mut spellings: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
    let mut role_sets: Vec<u64> = Vec::new();
    let mut unknown: Vec<UnknownRole> = Vec::new();
    let mut unknown_more = 0u64;
    let mut first_date: Option<Date> = None;
    let mut last_date: Option<Date> = None;
    let mut rows = 0u64;
    let mut lower = Vec::new();
    let mut name_buf = Vec::new();
    let mut last_date_raw: Vec<u8> = Vec::new();
    let mut last_date_parsed: Option<crate::date::Read> = None;
    let max_hours = Decimal::from(MAX_ROW_HOURS);
    let mut layout = table.for_each_row(|t, row| {
        let Some(rec) = out.take(row) else {
            return;
        };
        rows += 1;
        let mut ok = true;

        let date_raw = t.raw(rec, DATE);
        // Logs are usually in date order: reuse the last row's date when the text is the same.
        let read = if short_eq(date_raw, &last_date_raw) {
            last_date_parsed
        } else {
            let d = Date::read(date_raw);
            last_date_raw.clear();
            last_date_raw.extend_from_slice(date_raw);
            last_date_parsed = d;
            d
        };
        if let Some(r) = read {
            order.note(r.written, || t.line(rec));
        }
        let date = read.map(|r| r.date);
        match date {
            Some(d) if period.contains(d) => {
                month = (month_number(d) - first_month) as usize;
                first_date = Some(first_date.map_or(d, |f| f.min(d)));
                last_date = Some(last_date.map_or(d, |l| l.max(d)));
            }
            Some(d) => {
                ok = false;
                out.push(t.cell_error(rec, DATE, "date", format!(
                    "date {d} is outside the period {} to {}", period.start, period.end
                )).with_help("remove the row, or correct the date or the [period] in project.toml"));
            }
            None => {
                ok = false;
                let msg = if date_raw.is_empty() { "date is empty".to_string() } else { format!("{} is not a date", quoted(&t.text(rec, DATE))) };
                out.push(t.cell_error(rec, DATE, "date", msg).with_help("write dates as 2024-04-01 or 01/04/2024 (day first)"));
            }
        }

        let name = t.raw(rec, VOLUNTEER);
        if name.is_empty() {
            ok = false;
            out.push(t.cell_error(rec, VOLUNTEER, "volunteer", "volunteer is empty".into()).with_help("give a name or a reference number, so volunteers can be counted"));
        }

        let role_raw = t.raw(rec, ROLE);
        let role_key = if role_raw.iter().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
            lower.clear();
            lower.extend_from_slice(t.text(rec, ROLE).to_lowercase().as_bytes());
            lower.as_slice()
        } else {
            role_raw
        };
        // Projects have a handful of roles: a linear scan on a cheap signature (length and
        // first bytes) beats hashing, with one full comparison at the end.
        let sig = signature(role_key);
        let role = role_sigs.iter().position(|(s, r)| *s == sig && short_eq(r, role_key));
        if role.is_none() && out.skipping() {
            // Each row set aside names its own problem.
            ok = false;
            let text = t.text(rec, ROLE);
            let msg = if text.is_empty() { "role is empty".to_string() } else { format!("role {} is not listed in [volunteering.roles]", quoted(&text)) };
            out.push(t.cell_error(rec, ROLE, "role", msg));
        } else if role.is_none() && unknown.len() >= MAX_UNKNOWN_ROLES {
            // Beyond this many different unknown roles the file is surely not this project's
            // log: the rest are counted, not listed, and not compared one by one.
            ok = false;
            unknown_more += 1;
        } else if role.is_none() {
            ok = false;
            let text = t.text(rec, ROLE).into_owned();
            match unknown.iter_mut().find(|u| u.text == text) {
                Some(u) => u.rows += 1,
                None => {
                    let first = t.cell_error(rec, ROLE, "role", String::new());
                    unknown.push(UnknownRole { text, rows: 1, first });
                }
            }
        }

        let h_raw = t.raw(rec, HOURS);
        let hours = match fixed_point(h_raw) {
            Some(units) if units <= u64::from(MAX_ROW_HOURS) * 10u64.pow(HOURS_SCALE) => Some(Ok(units)),
            _ => match parse_decimal(&t.text(rec, HOURS)) {
                Ok(h) if h < Decimal::ZERO => {
                    out.push(t.cell_error(rec, HOURS, "hours", format!("hours {h} is negative")).with_help("hours given are always zero or more; delete or correct the row"));
                    None
                }
                Ok(h) if h.normalize().scale() > super::outcomes::MAX_PLACES => {
                    out.push(t.cell_error(rec, HOURS, "hours", format!("hours {h} has more than {} decimal places", super::outcomes::MAX_PLACES)).with_help("round it, e.g. 1.5 or 0.25"));
                    None
                }
                Ok(h) if h > max_hours => {
                    out.push(t.cell_error(rec, HOURS, "hours", format!("hours {h} is more than the {MAX_ROW_HOURS} one row may record")).with_help("check for a typing slip, or split the row"));
                    None
                }
                Ok(h) => Some(Err(h)),
                Err(e) => {
                    let e = if h_raw.is_empty() { "hours is empty".to_string() } else { e.to_string() };
                    out.push(t.cell_error(rec, HOURS, "hours", e).with_help("write hours as a number, e.g. 2 or 1.5"));
                    None
                }
            },
        };

        let counted = out.end_row();
        if let (true, true, Some(h), Some(r), Some(_)) = (counted, ok, hours, role, date) {
            match h {
                Ok(units) => fixed_hours[r * n_months + month] += units,
                Err(exact) => extra_hours[r * n_months + month] += exact,
            }
            rows_by_role[r] += 1;
            // Names as written are looked up first; only a spelling not seen before is
            // normalised and matched against the people already counted.
            let id = match spellings.get(name) {
                Some(&id) => id as usize,
                None => {
                    let key = name_key(name, &mut name_buf);
                    let id = match names.get(key) {
                        Some(&id) => id as usize,
                        None => {
                            let id = names.len();
                            names.insert(key.to_vec(), id as u32);
                            role_sets.resize(role_sets.len() + stride, 0);
                            id
                        }
                    };
                    spellings.insert(name.to_vec(), id as u32);
                    id
                }
            };
            role_sets[id * stride + r / 64] |= 1 << (r % 64);
        }
    });
    if let Some(d) = order.finish(&v.file) {
        out.fatal(d);
    }
    if unknown_more > 0 {
        out.push(Diagnostic::error(format!(
            "{unknown_more} more rows have roles not listed in [volunteering.roles] (only the first {MAX_UNKNOWN_ROLES} different ones are listed)"
        )).in_file(&v.file));
    }
    let known = v.roles.iter().map(|r| r.name.as_str());
    for u in unknown {
        let guess = nearest(&u.text, known.clone());
        let rows = if u.rows == 1 {
            "1 row".to_string()
        } else {
            format!("{} rows, first shown here", u.rows)
        };
        let msg = if u.text.is_empty() {
            format!("role is empty ({rows})")
        } else {
            format!(
                "role {} is not listed in [volunteering.roles] ({rows})",
                quoted(&u.text)
            )
        };
        let help = match guess {
            Some(g) => format!("did you mean \"{g}\"? or add the role to [volunteering.roles] in project.toml"),
            None => "add the role to [volunteering.roles] in project.toml, with the proxy that values its hours".into(),
        };
        out.push(Diagnostic {
            message: msg,
            help: Some(help),
            ..u.first
        });
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
            (r, i, by_month)
        })
        .map(|(r, i, by_month)| RoleHours {
            role: r.name.clone(),
            proxy: r.proxy.clone(),
            hours: by_month.iter().sum(),
            by_month,
            rows: rows_by_role[i],
            volunteers: role_sets
                .chunks(stride)
                .filter(|set| set[i / 64] & (1 << (i % 64)) != 0)
                .count() as u64,
        })
        .collect();
    Ok(HoursSummary {
        rows,
        hours: by_role.iter().map(|r| r.hours).sum(),
        volunteers: names.len() as u64,
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
        names: name_check(names.keys()),
    })
}

/// The names to look for in stories: each volunteer's full name of two words or more, and their
/// first name when it is a word of three letters or more. (The warning is a help: a list too
/// large to search, which a log under the size limit cannot give, would only leave it out.)
fn name_check<'a>(keys: impl Iterator<Item = &'a Vec<u8>>) -> NameCheck {
    let mut full: Vec<String> = keys
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
    let text = super::table::cell_text(name).to_lowercase();
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
