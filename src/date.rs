//! Calendar dates as they appear in periods and logs: ISO, UK `01/04/2024`, Excel serials, with
//! times dropped; a small exact day type, and a check that a file keeps one day/month order.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    #[inline]
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        (day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// Reads `YYYY-MM-DD` or, as UK spreadsheets write it, `DD/MM/YYYY`.
    ///
    /// Decision: slashes are always read day-first, because this is a UK tool and Excel in a
    /// UK locale exports dates that way; ISO is preferred and always unambiguous.
    pub fn parse(text: &str) -> Option<Date> {
        Date::parse_bytes(text.trim().as_bytes())
    }

    /// [`Date::parse`] on trimmed bytes. Strict: for dates in project and submission files;
    /// cells of a log are read with [`Date::read`].
    #[inline]
    pub fn parse_bytes(b: &[u8]) -> Option<Date> {
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            let (y, m, d) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
            return Date::new(y as i32, m as u8, d as u8);
        }
        let mut parts = b.split(|&c| c == b'/');
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || d.len() > 2 || m.len() > 2 || y.len() != 4 {
            return None;
        }
        Date::new(num(y)? as i32, num(m)? as u8, num(d)? as u8)
    }

    /// Reads a date cell as spreadsheets write it: ISO `2024-04-01`, UK `01/04/2024`, either
    /// with a time after it (`2024-04-01 10:30`, `2024-04-01T10:30:00`, `01/04/2024 10:30`),
    /// or an Excel serial day number (`45383`, `45383.5`), as a date column shows when its
    /// cells lost their date format. Says how the date was written, so a reader can check that
    /// a whole file uses one day/month order ([`OrderCheck`]).
    ///
    /// A slashed date whose first part is over 12 can only be day first; one whose second
    /// part is over 12 can only be month first (US style, returned as such for the file
    /// check to refuse); otherwise it is read day first.
    #[inline]
    pub fn read(b: &[u8]) -> Option<Read> {
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            return Date::parse_bytes(b).map(|date| Read {
                date,
                written: Written::Unambiguous,
            });
        }
        let b = strip_time(b)?;
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            let (y, m, d) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
            return Some(Read {
                date: Date::new(y as i32, m as u8, d as u8)?,
                written: Written::Unambiguous,
            });
        }
        if let Some(serial) = excel_serial(b) {
            return Some(Read {
                date: from_excel_serial(serial)?,
                written: Written::Unambiguous,
            });
        }
        let mut parts = b.split(|&c| c == b'/');
        let (first, second, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || first.len() > 2 || second.len() > 2 || y.len() != 4 {
            return None;
        }
        let (first, second, y) = (num(first)?, num(second)?, num(y)? as i32);
        let day_first = Date::new(y, second as u8, first as u8);
        let month_first = Date::new(y, first as u8, second as u8);
        let (date, written) = match (day_first, month_first) {
            (Some(d), _) if first == second => (d, Written::Unambiguous),
            (Some(d), Some(_)) => (d, Written::Either),
            (Some(d), None) => (d, Written::DayFirst),
            (None, Some(m)) => (m, Written::MonthFirst),
            (None, None) => return None,
        };
        Some(Read { date, written })
    }

    /// Days from `earlier` to this date (negative when this date is the earlier).
    pub fn days_since(self, earlier: Date) -> i64 {
        days_from_civil(self) - days_from_civil(earlier)
    }

    /// The UK financial year this date falls in, by its starting calendar year (April to March).
    pub fn financial_year(self) -> i32 {
        if self.month >= 4 {
            self.year
        } else {
            self.year - 1
        }
    }
}

/// A date as read from a cell, and what its writing says about day/month order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Read {
    pub date: Date,
    pub written: Written,
}

/// How a date was written, as far as day/month order goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// ISO, an Excel serial, or slashed with day and month equal: one reading only.
    Unambiguous,
    /// Slashed with a first part over 12 (`13/04/2024`): only day first makes sense.
    DayFirst,
    /// Slashed with a second part over 12 (`04/13/2024`): only month first makes sense.
    MonthFirst,
    /// Slashed with both parts 12 or under (`04/05/2024`): either order makes a date.
    Either,
}

/// A 1-4 digit number from ASCII digits.
#[inline]
fn num(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0')))
}

/// The date part of `date time`: a space or `T`, then `H:MM`, `HH:MM:SS`, optional fraction
/// of a second and `Z`. Anything else after the date is not a date.
fn strip_time(b: &[u8]) -> Option<&[u8]> {
    let Some(at) = b.iter().position(|&c| c == b' ' || c == b'T') else {
        return Some(b);
    };
    let (date, time) = (&b[..at], &b[at + 1..]);
    let time = time.strip_suffix(b"Z").unwrap_or(time);
    let (hms, frac) = match time.iter().position(|&c| c == b'.') {
        Some(i) => (&time[..i], &time[i + 1..]),
        None => (time, &[][..]),
    };
    let mut parts = hms.split(|&c| c == b':');
    let h = parts
        .next()
        .filter(|p| (1..=2).contains(&p.len()))
        .and_then(num)?;
    let m = parts.next().filter(|p| p.len() == 2).and_then(num)?;
    let s = match parts.next() {
        Some(p) if p.len() == 2 => num(p)?,
        Some(_) => return None,
        None => 0,
    };
    let frac_ok = frac.iter().all(u8::is_ascii_digit) && frac.len() <= 9;
    (parts.next().is_none() && h < 24 && m < 60 && s < 60 && frac_ok).then_some(date)
}

/// Excel serial days as text: `45383` or `45383.25`. Only 10000 (May 1927) onwards is taken
/// as a date, so that a year (`2024`) or a stray small number is never read as one.
fn excel_serial(b: &[u8]) -> Option<u32> {
    let int = match b.iter().position(|&c| c == b'.') {
        Some(i) if b[i + 1..].iter().all(u8::is_ascii_digit) => &b[..i],
        Some(_) => return None,
        None => b,
    };
    if !(5..=7).contains(&int.len()) || !int.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = int.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
    (10_000..=2_958_465).contains(&n).then_some(n)
}

/// The day an Excel serial number (1900 date system) stands for: day 1 is 1900-01-01 and
/// Excel counts a 29 February 1900 that never was, so from day 61 on, day 0 is 1899-12-30.
pub fn from_excel_serial(serial: u32) -> Option<Date> {
    if serial < 61 {
        return None;
    }
    // Days from 1970-01-01: 1899-12-30 is 25,569 days before it.
    civil_from_days(i64::from(serial) - 25_569)
}

/// The calendar date `days` after 1970-01-01 (proleptic Gregorian; H. Hinnant's method).
pub fn civil_from_days(days: i64) -> Option<Date> {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date::new(i32::try_from(year).ok()?, month as u8, day as u8)
}

/// A moment as submissions record it: `seconds` after 1970-01-01 00:00 UTC written
/// `2025-05-01T09:30:00Z`; `None` for a moment before year 1 or after 9999.
pub fn utc_timestamp(seconds: i64) -> Option<String> {
    let day = civil_from_days(seconds.div_euclid(86_400))?;
    let s = seconds.rem_euclid(86_400);
    Some(format!(
        "{day}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    ))
}

/// Days from 1970-01-01 to `d` (the inverse of [`civil_from_days`]; H. Hinnant's method).
pub fn days_from_civil(d: Date) -> i64 {
    let (m, day) = (i64::from(d.month), i64::from(d.day));
    let y = i64::from(d.year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Checks that one file writes its slashed dates in one day/month order.
///
/// Decision: a file with no evidence either way (every slashed date has day and month of 12
/// or under) is read day first, as UK spreadsheets write, with a warning; a file with any
/// date that only makes sense month first is refused, naming those rows and every row that
/// could be read either way, because guessing would move hours between months silently.
#[derive(Debug, Default)]
pub struct OrderCheck {
    /// (count, byte positions of the first rows) of each kind of slashed date.
    day_first: (u64, Vec<u64>),
    month_first: (u64, Vec<u64>),
    either: (u64, Vec<u64>),
}

/// Lines kept per kind for the message.
const LINES_NAMED: usize = 10;

impl OrderCheck {
    /// Notes how the date of the row starting at byte `at` was written.
    #[inline]
    pub fn note(&mut self, written: Written, at: u64) {
        let slot = match written {
            Written::Unambiguous => return,
            Written::DayFirst => &mut self.day_first,
            Written::MonthFirst => &mut self.month_first,
            Written::Either => &mut self.either,
        };
        slot.0 += 1;
        if slot.1.len() < LINES_NAMED {
            slot.1.push(at);
        }
    }

    /// Adds the notes of a later part of the same file, as if read on after this one.
    pub fn append(&mut self, later: OrderCheck) {
        for (mine, theirs) in [
            (&mut self.day_first, later.day_first),
            (&mut self.month_first, later.month_first),
            (&mut self.either, later.either),
        ] {
            mine.0 += theirs.0;
            let room = LINES_NAMED.saturating_sub(mine.1.len());
            mine.1.extend(theirs.1.into_iter().take(room));
        }
    }

    /// The file's verdict: an error when the order is month first or mixed, a warning when no
    /// date settles it, nothing when every slashed date reads day first. `lines` turns byte
    /// positions into line numbers (asked only when a message names them).
    pub fn finish(
        &self,
        path: &std::path::Path,
        lines: impl Fn(&[u64]) -> Vec<u64>,
    ) -> Option<crate::diag::Diagnostic> {
        use crate::diag::Diagnostic;
        let lines = |(n, at): &(u64, Vec<u64>)| {
            let shown: Vec<String> = lines(at).iter().map(u64::to_string).collect();
            let more = n - at.len() as u64;
            if more > 0 {
                format!("{} and {more} more", shown.join(", "))
            } else {
                shown.join(", ")
            }
        };
        let help = "write the dates as 2024-04-05 (year-month-day), which cannot be misread: in Excel, select the column, Format Cells, Custom, yyyy-mm-dd";
        if self.month_first.0 > 0 {
            let mut msg = format!(
                "some dates can only be read month first (US style), on lines {}",
                lines(&self.month_first)
            );
            if self.day_first.0 > 0 {
                msg.push_str(&format!(
                    ", while others can only be read day first, on lines {}",
                    lines(&self.day_first)
                ));
            }
            if self.either.0 > 0 {
                msg.push_str(&format!(
                    "; so the dates on lines {} could mean either day or month first",
                    lines(&self.either)
                ));
            }
            return Some(Diagnostic::error(msg).in_file(path).with_help(help));
        }
        if self.either.0 > 0 && self.day_first.0 == 0 {
            return Some(
                Diagnostic::warning(format!(
                    "every slashed date could be read day first or month first (lines {}); they were read day first, as in the UK",
                    lines(&self.either)
                ))
                .in_file(path)
                .with_help(help),
            );
        }
        None
    }
}

#[inline]
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod day_count_tests {
    use super::*;

    /// Checked against Python: (date(2025,2,13) - date(2024,6,19)).days == 239, and
    /// date(2024,2,29) is day 19782 after 1970-01-01.
    #[test]
    fn days_between_dates_and_back() {
        let a = Date::new(2024, 6, 19).unwrap();
        let b = Date::new(2025, 2, 13).unwrap();
        assert_eq!(b.days_since(a), 239);
        assert_eq!(a.days_since(b), -239);
        let leap = Date::new(2024, 2, 29).unwrap();
        assert_eq!(days_from_civil(leap), 19_782);
        assert_eq!(civil_from_days(19_782), Some(leap));
        // Python: datetime.fromtimestamp(1714555800, timezone.utc) is 2024-05-01 09:30:00.
        assert_eq!(
            utc_timestamp(1_714_555_800).as_deref(),
            Some("2024-05-01T09:30:00Z")
        );
        assert_eq!(utc_timestamp(-1).as_deref(), Some("1969-12-31T23:59:59Z"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_iso_and_uk_dates() {
        assert_eq!(Date::parse("2024-04-01"), Date::new(2024, 4, 1));
        assert_eq!(Date::parse("01/04/2024"), Date::new(2024, 4, 1));
        assert_eq!(Date::parse("1/4/2024"), Date::new(2024, 4, 1));
        assert_eq!(Date::parse("2024-02-29"), Date::new(2024, 2, 29));
    }

    #[test]
    fn refuses_impossible_dates() {
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "0000-01-01",
            "31/04/2024",
            "2024/04/01",
            "",
            "1/4/24",
            "2024-4-1",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn orders_by_day_and_knows_the_financial_year() {
        assert!(Date::parse("2024-03-31") < Date::parse("2024-04-01"));
        assert_eq!(Date::parse("2025-03-31").unwrap().financial_year(), 2024);
        assert_eq!(Date::parse("2024-04-01").unwrap().financial_year(), 2024);
    }

    #[test]
    fn reads_spreadsheet_cells_with_times_and_excel_serials() {
        let read = |s: &str| Date::read(s.as_bytes()).map(|r| (r.date, r.written));
        let april_first = Date::new(2024, 4, 1).unwrap();
        // Serials checked with Python: date(1899, 12, 30) + timedelta(days=n).
        assert_eq!(read("45383"), Some((april_first, Written::Unambiguous)));
        assert_eq!(read("45383.75"), Some((april_first, Written::Unambiguous)));
        assert_eq!(read("45747").map(|r| r.0), Date::new(2025, 3, 31));
        assert_eq!(read("10000").map(|r| r.0), Date::new(1927, 5, 18));
        assert_eq!(read("2958465").map(|r| r.0), Date::new(9999, 12, 31));
        assert_eq!(from_excel_serial(61), Date::new(1900, 3, 1));
        assert_eq!(from_excel_serial(60), None);
        for with_time in [
            "2024-04-01 10:30",
            "2024-04-01T10:30:00",
            "2024-04-01T10:30:00.000Z",
            "2024-04-01 00:00:00",
        ] {
            assert_eq!(
                read(with_time).map(|r| r.0),
                Some(april_first),
                "{with_time}"
            );
        }
        assert_eq!(read("01/04/2024 9:05").map(|r| r.0), Some(april_first));
        for bad in [
            "2024",
            "9999",
            "2024-04-01 25:00",
            "2024-04-01 noon",
            "45383.x",
            "3000000",
            "2024-04-01 10:3",
        ] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }

    #[test]
    fn says_which_day_month_order_a_slashed_date_allows() {
        let written = |s: &str| Date::read(s.as_bytes()).map(|r| r.written);
        assert_eq!(written("13/04/2024"), Some(Written::DayFirst));
        assert_eq!(written("04/13/2024"), Some(Written::MonthFirst));
        assert_eq!(written("04/05/2024"), Some(Written::Either));
        assert_eq!(written("05/05/2024"), Some(Written::Unambiguous));
        assert_eq!(written("2024-04-05"), Some(Written::Unambiguous));
        // The month-first reading is returned, but strict parsing refuses it.
        assert_eq!(
            Date::read(b"04/13/2024").map(|r| r.date),
            Date::new(2024, 4, 13)
        );
        assert_eq!(Date::parse("04/13/2024"), None);
        assert_eq!(Date::parse("45383"), None);
        assert_eq!(Date::parse("2024-04-01 10:00"), None);
    }

    #[test]
    fn a_file_with_us_dates_is_refused_naming_its_rows() {
        let path = std::path::Path::new("log.csv");
        // Positions stand for lines here: lines are worked out only for a message.
        let same = |at: &[u64]| at.to_vec();
        let mut uk = OrderCheck::default();
        uk.note(Written::Either, 2);
        uk.note(Written::DayFirst, 3);
        assert_eq!(uk.finish(path, |_| panic!("no lines needed")), None);

        let mut unsure = OrderCheck::default();
        unsure.note(Written::Either, 2);
        let w = unsure.finish(path, same).unwrap();
        assert!(!w.is_error() && w.message.contains("lines 2"), "{w}");

        let mut us = OrderCheck::default();
        us.note(Written::Either, 2);
        for line in 3..20 {
            us.note(Written::MonthFirst, line);
        }
        us.note(Written::DayFirst, 40);
        let e = us.finish(path, same).unwrap();
        assert!(e.is_error());
        assert!(
            e.message
                .contains("lines 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 7 more"),
            "{e}"
        );
        assert!(e.message.contains("day first, on lines 40"), "{e}");
        assert!(e.message.contains("lines 2 could mean either"), "{e}");
    }

    /// Notes made in two parts and appended give what one pass gives.
    #[test]
    fn parts_appended_are_one_pass() {
        let kinds = [Written::Either, Written::MonthFirst, Written::DayFirst];
        let mut whole = OrderCheck::default();
        let (mut first, mut second) = (OrderCheck::default(), OrderCheck::default());
        for at in 0..60u64 {
            let w = kinds[(at * 7 % 3) as usize];
            whole.note(w, at);
            if at < 25 {
                first.note(w, at)
            } else {
                second.note(w, at)
            }
        }
        first.append(second);
        let path = std::path::Path::new("log.csv");
        let same = |at: &[u64]| at.to_vec();
        assert_eq!(first.finish(path, same), whole.finish(path, same));
    }
}
