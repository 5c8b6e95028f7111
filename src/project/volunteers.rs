//! The volunteer log (`date,volunteer,role,hours`), streamed row by row into hours by role.
//! Only totals and a set of distinct volunteers are kept; names never leave this module.

use super::table::{Collector, Column, RowError, Table};
use super::{Period, Volunteering};
use crate::date::Date;
use crate::diag::{nearest, Diagnostic, Problems};
use crate::num::parse_decimal;
use csv::ByteRecord;
use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHashSet};
use std::str::FromStr;

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
}

/// What the log adds up to; no names, only counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursSummary {
    pub rows: u64,
    pub hours: Decimal,
    pub volunteers: u64,
    /// One entry per role in project.toml, sorted by role name.
    pub by_role: Vec<RoleHours>,
    pub first_date: Option<Date>,
    pub last_date: Option<Date>,
    pub warnings: Problems,
}

struct UnknownRole {
    text: String,
    rows: u64,
    first: Diagnostic,
}

/// Streams the volunteer log, checking every row; all problems are returned together.
pub fn read_hours(v: &Volunteering, period: &Period) -> Result<HoursSummary, Problems> {
    let mut table = Table::open(&v.file, COLUMNS)?;
    let mut out = Collector::new(&v.file, std::mem::take(&mut table.warnings));
    let role_index: FxHashMap<Vec<u8>, usize> = v
        .roles
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.to_lowercase().into_bytes(), i))
        .collect();
    let mut hours = vec![Decimal::ZERO; v.roles.len()];
    let mut rows_by_role = vec![0u64; v.roles.len()];
    let mut names: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
    let mut pairs: FxHashSet<u64> = FxHashSet::default();
    let mut unknown: Vec<UnknownRole> = Vec::new();
    let mut first_date: Option<Date> = None;
    let mut last_date: Option<Date> = None;
    let mut rows = 0u64;
    let mut lower = Vec::new();
    let max_hours = Decimal::from(MAX_ROW_HOURS);
    let mut rec = ByteRecord::new();
    loop {
        match table.next(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(RowError::Bad(d)) => {
                out.push(*d);
                continue;
            }
            Err(RowError::Fatal(d)) => {
                out.push(*d);
                break;
            }
        }
        rows += 1;
        let mut ok = true;

        let date_raw = table.raw(&rec, DATE);
        match Date::parse(&table.text(&rec, DATE)) {
            Some(d) if period.contains(d) => {
                first_date = Some(first_date.map_or(d, |f| f.min(d)));
                last_date = Some(last_date.map_or(d, |l| l.max(d)));
            }
            Some(d) => {
                ok = false;
                out.push(
                    table
                        .cell_error(
                            &rec,
                            DATE,
                            "date",
                            format!(
                                "date {d} is outside the period {} to {}",
                                period.start, period.end
                            ),
                        )
                        .with_help(
                            "remove the row, or correct the date or the [period] in project.toml",
                        ),
                );
            }
            None => {
                ok = false;
                let msg = if date_raw.is_empty() {
                    "date is empty".to_string()
                } else {
                    format!("\"{}\" is not a date", table.text(&rec, DATE))
                };
                out.push(
                    table
                        .cell_error(&rec, DATE, "date", msg)
                        .with_help("write dates as 2024-04-01 or 01/04/2024"),
                );
            }
        }

        let name = table.raw(&rec, VOLUNTEER);
        if name.is_empty() {
            ok = false;
            out.push(
                table
                    .cell_error(&rec, VOLUNTEER, "volunteer", "volunteer is empty".into())
                    .with_help("give a name or a reference number, so volunteers can be counted"),
            );
        }

        let role_raw = table.raw(&rec, ROLE);
        let role = if role_raw
            .iter()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
        {
            lower.clear();
            lower.extend_from_slice(table.text(&rec, ROLE).to_lowercase().as_bytes());
            role_index.get(lower.as_slice())
        } else {
            role_index.get(role_raw)
        }
        .copied();
        if role.is_none() {
            ok = false;
            let text = table.text(&rec, ROLE).into_owned();
            match unknown.iter_mut().find(|u| u.text == text) {
                Some(u) => u.rows += 1,
                None => {
                    let first = table.cell_error(&rec, ROLE, "role", String::new());
                    unknown.push(UnknownRole {
                        text,
                        rows: 1,
                        first,
                    });
                }
            }
        }

        let h_raw = table.raw(&rec, HOURS);
        let parsed = fast_decimal(h_raw).map_or_else(
            || parse_decimal(&table.text(&rec, HOURS)).map_err(|e| e.to_string()),
            Ok,
        );
        let h = match parsed {
            Ok(h) if h < Decimal::ZERO => {
                out.push(
                    table
                        .cell_error(&rec, HOURS, "hours", format!("hours {h} is negative"))
                        .with_help(
                            "hours given are always zero or more; delete or correct the row",
                        ),
                );
                None
            }
            Ok(h) if h > max_hours => {
                out.push(
                    table
                        .cell_error(
                            &rec,
                            HOURS,
                            "hours",
                            format!(
                                "hours {h} is more than the {MAX_ROW_HOURS} one row may record"
                            ),
                        )
                        .with_help("check for a typing slip, or split the row"),
                );
                None
            }
            Ok(h) => Some(h),
            Err(e) => {
                let e = if h_raw.is_empty() {
                    "hours is empty".to_string()
                } else {
                    e
                };
                out.push(
                    table
                        .cell_error(&rec, HOURS, "hours", e)
                        .with_help("write hours as a number, e.g. 2 or 1.5"),
                );
                None
            }
        };

        if let (true, Some(h), Some(r)) = (ok, h, role) {
            hours[r] += h;
            rows_by_role[r] += 1;
            let next_id = names.len() as u32;
            let id = match names.get(name) {
                Some(&id) => id,
                None => {
                    names.insert(name.to_vec(), next_id);
                    next_id
                }
            };
            pairs.insert(((r as u64) << 32) | u64::from(id));
        }
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
                "role \"{}\" is not listed in [volunteering.roles] ({rows})",
                u.text
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
    let problems = out.finish();
    if problems.has_errors() {
        return Err(problems);
    }
    let mut volunteers_by_role = vec![0u64; v.roles.len()];
    for p in &pairs {
        volunteers_by_role[(p >> 32) as usize] += 1;
    }
    let by_role = v
        .roles
        .iter()
        .enumerate()
        .map(|(i, r)| RoleHours {
            role: r.name.clone(),
            proxy: r.proxy.clone(),
            hours: hours[i],
            rows: rows_by_role[i],
            volunteers: volunteers_by_role[i],
        })
        .collect();
    Ok(HoursSummary {
        rows,
        hours: hours.iter().sum(),
        volunteers: names.len() as u64,
        by_role,
        first_date,
        last_date,
        warnings: problems,
    })
}

/// Plain `123` or `1.25` straight from bytes, without allocating; anything else is left to
/// the forgiving parser.
fn fast_decimal(b: &[u8]) -> Option<Decimal> {
    if b.is_empty() || b.len() > 20 || !b.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
        return None;
    }
    Decimal::from_str(std::str::from_utf8(b).ok()?).ok()
}
