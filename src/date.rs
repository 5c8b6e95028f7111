//! Calendar dates as they appear in periods and logs: ISO `2024-04-01` or UK `01/04/2024`.
//! A small exact type (no time zones, no times) that orders and compares by day.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
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

    /// [`Date::parse`] on trimmed bytes, for reading large logs without decoding text.
    pub fn parse_bytes(b: &[u8]) -> Option<Date> {
        let num = |s: &[u8]| -> Option<u32> {
            if s.is_empty() || s.len() > 4 || !s.iter().all(u8::is_ascii_digit) {
                return None;
            }
            Some(s.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0')))
        };
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

    /// The UK financial year this date falls in, by its starting calendar year (April to March).
    pub fn financial_year(self) -> i32 {
        if self.month >= 4 {
            self.year
        } else {
            self.year - 1
        }
    }
}

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
}
