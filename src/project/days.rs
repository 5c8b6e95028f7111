//! Hours per volunteer per day, so that one person given more than 24 hours on one day is
//! refused, naming every row that adds up to it. Only a total is kept for each (volunteer,
//! day) that has hours, so memory grows with those pairs (12 bytes and a little more each),
//! never with the rows; the rows of a day found too long are looked for again only then.

use crate::date::{civil_from_days, days_from_civil, Date};
use crate::diag::Diagnostic;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::path::Path;

/// Hundred-millionths of an hour in a day: every hours value accepted has at most 8 decimal
/// places, so totals in these units are exact.
const DAY: u32 = 2_400_000_000;

/// Hundred-millionths of an hour in an hour.
pub(super) const UNITS_PER_HOUR: u64 = 100_000_000;

/// Days over 24 hours described one by one; the rest are counted.
const DAYS_LISTED: usize = 20;

/// Lines named for one day; beyond them the rest are counted.
const LINES_NAMED: usize = 50;

/// Totals by (volunteer id, day of the period), saturating once past a day.
#[derive(Default)]
pub(super) struct DayTally {
    totals: FxHashMap<(u32, u16), u32>,
    /// Days that went over 24 hours, in the order they did, and how many more.
    over: Vec<(u32, u16)>,
    more: u64,
}

impl DayTally {
    /// Adds `units` (hundred-millionths of an hour) to volunteer `id` on `day`.
    #[inline]
    pub(super) fn add(&mut self, id: u32, day: u16, units: u64) {
        let total = self.totals.entry((id, day)).or_insert(0);
        let before = *total;
        *total = before.saturating_add(u32::try_from(units).unwrap_or(u32::MAX));
        if before <= DAY && *total > DAY {
            if self.over.len() < DAYS_LISTED {
                self.over.push((id, day));
            } else {
                self.more += 1;
            }
        }
    }

    /// The (volunteer, day) pairs over 24 hours that are described one by one.
    pub(super) fn over(&self) -> &[(u32, u16)] {
        &self.over
    }
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
            .filter(|(_, rows)| !rows.is_empty())
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
        "one volunteer is given {} hours on {date}, more than the 24 in a day, on lines {lines}",
        total.normalize()
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
        t.add(1, 0, 20 * UNITS_PER_HOUR);
        t.add(1, 0, 4 * UNITS_PER_HOUR);
        assert!(t.over().is_empty(), "exactly 24 hours is a day");
        t.add(1, 0, 1);
        t.add(1, 0, 10_000 * UNITS_PER_HOUR);
        t.add(2, 0, 10_000 * UNITS_PER_HOUR);
        assert_eq!(t.over(), &[(1, 0), (2, 0)]);
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
