//! Exact decimal numbers: reading them from people's files and writing them back out.
//! Every amount and fraction is a `rust_decimal::Decimal`; rounding happens only here, when printing.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// Why a piece of text is not a number we accept, phrased for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumError {
    Empty,
    Invalid(String),
}

impl fmt::Display for NumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumError::Empty => write!(f, "no number given"),
            NumError::Invalid(why) => write!(f, "{why}"),
        }
    }
}

/// Reads a number as a person writes it in a spreadsheet: `1200`, `1,200.50`, `£85,000`, `-3.5`.
///
/// Commas are accepted only as thousands separators in groups of three (UK style), so `1,2`
/// is refused rather than guessed at. Exponents, spaces inside and other currencies are refused.
pub fn parse_decimal(text: &str) -> Result<Decimal, NumError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(NumError::Empty);
    }
    let (negative, rest) = match t.strip_prefix('-').or_else(|| t.strip_prefix('\u{2212}')) {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let rest = rest.strip_prefix('£').unwrap_or(rest).trim_start();
    let (int_part, frac_part) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let bad = || {
        NumError::Invalid(format!(
            "{} is not a number (write it like 1200 or 1,200.50)",
            crate::diag::quoted(t)
        ))
    };
    if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
        return Err(bad());
    }
    let mut digits = String::with_capacity(rest.len() + 1);
    if negative {
        digits.push('-');
    }
    if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !(first_ok && rest_ok) {
            return Err(NumError::Invalid(format!(
                "{} has a comma that is not a thousands separator (write 1200 or 1,200)",
                crate::diag::quoted(t)
            )));
        }
        groups.iter().for_each(|g| digits.push_str(g));
    } else {
        digits.push_str(if int_part.is_empty() { "0" } else { int_part });
    }
    if let Some(f) = frac_part {
        digits.push('.');
        digits.push_str(if f.is_empty() { "0" } else { f });
    }
    if !digits
        .trim_start_matches('-')
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.')
    {
        return Err(bad());
    }
    let significant = digits.bytes().filter(u8::is_ascii_digit).count();
    if significant > 28 {
        return Err(NumError::Invalid(format!(
            "{} has more digits ({significant}) than can be held exactly (28)",
            crate::diag::quoted(t)
        )));
    }
    Decimal::from_str(&digits).map_err(|_| bad())
}

/// What a column that is not money holds, named in the message when a value in it is written
/// as money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Hours,
    Count,
    Score,
    Fraction,
}

impl Holds {
    fn noun(self) -> &'static str {
        match self {
            Holds::Hours => "hours",
            Holds::Count => "a count",
            Holds::Score => "a score",
            Holds::Fraction => "a fraction",
        }
    }
}

/// Whether `c` is a currency sign: `$`, `£`, `€`, `¥`, `¢`, `¤` and the Unicode currency block.
fn is_currency(c: char) -> bool {
    matches!(
        c,
        '$' | '£' | '€' | '¥' | '¢' | '¤' | '\u{0e3f}' | '\u{058f}' | '\u{09f3}' | '\u{fdfc}'
    ) || ('\u{20a0}'..='\u{20cf}').contains(&c)
}

/// Reads a number that is not money (hours, a count of people or units, a score, a fraction)
/// as [`parse_decimal`] does, but refuses a currency sign anywhere: `£1,200` in an hours
/// column is a pasted amount, not 1,200 hours.
pub fn parse_plain(text: &str, holds: Holds) -> Result<Decimal, NumError> {
    let t = text.trim();
    if t.chars().any(is_currency) {
        return Err(NumError::Invalid(format!(
            "{} is written as money, but this column holds {}, not money",
            crate::diag::quoted(t),
            holds.noun()
        )));
    }
    parse_decimal(t)
}

/// Reads a fraction such as a deadweight: `0.4` or `40%`, never money. Range checks are the
/// caller's.
pub fn parse_fraction(text: &str) -> Result<Decimal, NumError> {
    let t = text.trim();
    match t.strip_suffix('%') {
        Some(p) => Ok(parse_plain(p, Holds::Fraction)? / Decimal::ONE_HUNDRED),
        None => parse_plain(t, Holds::Fraction),
    }
}

/// A time typed as text, `1:30` or `0:45:00`, as the hours it would be if it meant hours and
/// minutes (and seconds), rounded to 8 decimal places: for the message that says what to
/// write instead. `None` when the text is not such a time.
///
/// Decision: typed text is never taken as a duration. `1:30` in a log may be a time of day
/// (when the session started), hours and minutes, or minutes and seconds, and a CSV cannot
/// say which; so it is refused, with the hours it would be as hours and minutes, so the fix
/// is one edit. A spreadsheet cell that holds a time or duration is unambiguous (it stores a
/// fraction of a day) and is read as hours by [`crate::read::sheet`].
pub fn time_as_hours(text: &str) -> Option<Decimal> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let whole = |p: &str, max_len: usize| -> Option<i64> {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let hours = whole(parts[0], 5)?;
    let minutes = whole(parts[1], 2).filter(|m| *m < 60)?;
    let seconds = match parts.get(2) {
        Some(s) => whole(s, 2).filter(|s| *s < 60)?,
        None => 0,
    };
    Some(seconds_as_hours(hours * 3600 + minutes * 60 + seconds))
}

/// Whole seconds as hours, exact where a decimal can hold it and otherwise rounded to 8 places
/// (a minute is 1/60 of an hour, which no decimal holds; 8 places is the most an hours cell
/// takes, and is within 0.04 thousandths of a second).
pub fn seconds_as_hours(seconds: i64) -> Decimal {
    (Decimal::from(seconds) / Decimal::from(3600))
        .round_dp_with_strategy(8, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// A number read from TOML exactly as written: an integer, a float (taken as the shortest
/// decimal that reads back as the same float, i.e. what the person typed), or a quoted
/// string using the rules of [`parse_fraction`] (so `"40%"` and `"1,200"` work too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dec(pub Decimal);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, like 138 or 0.035")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dec, E> {
                Ok(Dec(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dec, E> {
                Ok(Dec(Decimal::from(v)))
            }
            // TOML's integers are 64-bit; the reader hands larger ones over as 128-bit.
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Dec, E> {
                Decimal::try_from_i128_with_scale(v, 0)
                    .map(Dec)
                    .map_err(|_| E::custom(too_large(&v.to_string())))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Dec, E> {
                i128::try_from(v)
                    .map_err(|_| E::custom(too_large(&v.to_string())))
                    .and_then(|v| self.visit_i128(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dec, E> {
                if !v.is_finite() {
                    return Err(E::custom("not a finite number"));
                }
                if v.abs() >= 1e28 {
                    return Err(E::custom(too_large(&format!("{v:e}"))));
                }
                parse_decimal(&format!("{v}"))
                    .map(Dec)
                    .map_err(|e| E::custom(e.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dec, E> {
                // Text may be money ("£85,000") or a percentage ("40%").
                let parsed = match v.trim().strip_suffix('%') {
                    Some(_) => parse_fraction(v),
                    None => parse_decimal(v),
                };
                parsed.map(Dec).map_err(|e| E::custom(e.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The message for a number past what can be held exactly (28 digits).
pub fn too_large(shown: &str) -> String {
    format!("{shown} is too large: a number here has at most 28 digits")
}

/// A TOML number exactly as written in the file. `raw` is the value's source text and
/// `parsed` what the TOML reader made of it: floats pass through `f64`, which keeps only about
/// 17 significant digits, so plain decimals are read again from their text.
pub fn exact_toml(raw: &str, parsed: Decimal) -> Result<Decimal, NumError> {
    let raw = raw.trim();
    if raw.starts_with(['"', '\'']) {
        return Ok(parsed);
    }
    let plain: String = raw.chars().filter(|&c| c != '_').collect();
    let body = plain.trim_start_matches(['+', '-']);
    if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let digits = body.bytes().filter(u8::is_ascii_digit).count();
        if digits > 28 {
            return Err(NumError::Invalid(format!(
                "{raw} has more digits ({digits}) than can be held exactly (28)"
            )));
        }
        return Decimal::from_str(plain.trim_start_matches('+')).map_err(|_| {
            NumError::Invalid(format!("{raw} is not a number that can be held exactly"))
        });
    }
    if plain.contains(['e', 'E']) {
        return Decimal::from_scientific(&plain).map_err(|_| {
            NumError::Invalid(if plain.contains("e-") || plain.contains("E-") {
                format!("{raw} has more decimal places than can be held exactly (28)")
            } else {
                too_large(raw)
            })
        });
    }
    Ok(parsed)
}

/// Money for machines: pennies, no separators, e.g. `12345.67` or `-5.00`.
pub fn money(d: Decimal) -> String {
    fixed(d, 2)
}

/// Money for people: `£12,345.67`, `-£5.00`.
pub fn money_gbp(d: Decimal) -> String {
    let plain = money(d);
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    format!("{sign}£{}.{frac}", group_thousands(int))
}

/// Money for people without rounding away any digit: `£114.00`, `£61.7215`.
pub fn money_exact(d: Decimal) -> String {
    let n = d.normalize();
    if n.scale() <= 2 {
        return money_gbp(d);
    }
    let s = n.abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let sign = if n.is_sign_negative() { "-" } else { "" };
    format!("{sign}£{}.{frac}", group_thousands(int))
}

/// `n thing` or `n things`.
pub fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A count or quantity for people: `5,432.5`, trailing zeros dropped.
pub fn quantity(d: Decimal) -> String {
    let s = d.normalize().to_string();
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    match digits.split_once('.') {
        Some((i, f)) => format!("{sign}{}.{f}", group_thousands(i)),
        None => format!("{sign}{}", group_thousands(digits)),
    }
}

/// A number rounded (half away from zero) to exactly `dp` places for output, e.g. the SROI
/// ratio with 2. Padded by hand, as very large numbers cannot always be rescaled.
pub fn fixed(d: Decimal, dp: u32) -> String {
    let r = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let r = if r.is_zero() { Decimal::ZERO } else { r };
    let mut s = r.to_string();
    if dp > 0 {
        let have = s.split_once('.').map_or(0, |(_, f)| f.len());
        if have == 0 {
            s.push('.');
        }
        s.extend(std::iter::repeat_n(
            '0',
            dp as usize - have.min(dp as usize),
        ));
    }
    s
}

/// A fraction as a percentage for people: 0.255 -> `25.5%`.
pub fn percent(d: Decimal) -> String {
    match d.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", p.normalize()),
        None => format!("{} × 100%", d.normalize()),
    }
}

/// Each part's share of their sum in whole percent, adding up to exactly 100 (largest
/// remainders get the leftover points), so shown shares add up as shown money does. `None`
/// when a part is negative or nothing is positive: shares of such a sum mean nothing.
pub fn whole_percents(parts: &[Decimal]) -> Option<Vec<u32>> {
    let total = checked_sum(parts.iter().copied())?;
    if total <= Decimal::ZERO || parts.iter().any(|p| *p < Decimal::ZERO) {
        return None;
    }
    let exact: Vec<Decimal> = parts
        .iter()
        .map(|p| p.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(total))
        .collect::<Option<_>>()?;
    let mut whole: Vec<u32> = exact
        .iter()
        .map(|e| e.floor().to_string().parse().unwrap_or(0))
        .collect();
    let left = 100u32.saturating_sub(whole.iter().sum());
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // Largest remainder first; ties to the earlier part.
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).cmp(&(exact[a] - exact[a].floor())));
    for &i in order.iter().take(left as usize) {
        whole[i] += 1;
    }
    Some(whole)
}

/// Parts rounded to pennies so that they add up to their sum rounded to pennies (half away
/// from zero, as [`money`] rounds it), as shown money must: each is cut down to the penny and
/// the pennies left over go to the largest remainders (ties to the earlier part). `None` when
/// the sum overflows.
pub fn pennies_adding_up(parts: &[Decimal]) -> Option<Vec<Decimal>> {
    let penny = Decimal::new(1, 2);
    let total = checked_sum(parts.iter().copied())?
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let mut cut: Vec<Decimal> = parts
        .iter()
        .map(|p| p.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity))
        .collect();
    let mut left = total.checked_sub(checked_sum(cut.iter().copied())?)?;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| (parts[b] - cut[b]).cmp(&(parts[a] - cut[a])));
    for i in order {
        if left < penny {
            break;
        }
        cut[i] += penny;
        left -= penny;
    }
    Some(cut)
}

/// `a ÷ b` when `b` is above zero and the quotient fits; `None` otherwise (never a panic).
pub fn ratio(a: Decimal, b: Decimal) -> Option<Decimal> {
    (b > Decimal::ZERO).then(|| a.checked_div(b)).flatten()
}

/// The exact sum, or `None` if it would overflow (about 7.9 × 10^28).
pub fn checked_sum(items: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    items
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, x| acc.checked_add(x))
}

fn group_thousands(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod percent_tests {
    use super::*;

    #[test]
    fn whole_percents_add_up_to_a_hundred() {
        let d = |x: i64| Decimal::from(x);
        // 1/3 each: 33.33 → 34, 33, 33.
        assert_eq!(whole_percents(&[d(1), d(1), d(1)]), Some(vec![34, 33, 33]));
        // 84.33, 15.67, 0 → 84, 16, 0.
        assert_eq!(
            whole_percents(&[d(8433), d(1567), d(0)]),
            Some(vec![84, 16, 0])
        );
        assert_eq!(whole_percents(&[d(5), d(-1)]), None);
        assert_eq!(whole_percents(&[d(0)]), None);
    }

    #[test]
    fn pennies_add_up_to_the_rounded_sum() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        // 0.005 three times: each alone would show 0.01, three 0.03; the sum shows 0.02.
        let three = pennies_adding_up(&[d("0.005"), d("0.005"), d("0.005")]).unwrap();
        assert_eq!(three, vec![d("0.01"), d("0.01"), d("0")]);
        // A harm among gains: -1.234 and 2.238 add up to 1.004, shown 1.00.
        let mixed = pennies_adding_up(&[d("-1.234"), d("2.238"), d("0")]).unwrap();
        assert_eq!(mixed, vec![d("-1.24"), d("2.24"), d("0")]);
        assert_eq!(mixed.iter().sum::<Decimal>(), d("1.00"));
        // Whole pennies stay as they are.
        assert_eq!(
            pennies_adding_up(&[d("10.50"), d("0.25")]).unwrap(),
            vec![d("10.50"), d("0.25")]
        );
        assert_eq!(pennies_adding_up(&[]).unwrap(), Vec::<Decimal>::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn reads_numbers_as_people_write_them() {
        assert_eq!(parse_decimal("1200"), Ok(d("1200")));
        assert_eq!(parse_decimal(" 1,200.50 "), Ok(d("1200.50")));
        assert_eq!(parse_decimal("£85,000"), Ok(d("85000")));
        assert_eq!(parse_decimal("-£5"), Ok(d("-5")));
        assert_eq!(parse_decimal(".5"), Ok(d("0.5")));
        assert_eq!(parse_decimal("1,234,567"), Ok(d("1234567")));
    }

    #[test]
    fn refuses_what_it_would_have_to_guess() {
        for bad in [
            "1,2", "12,34.5", "1e5", "abc", "1 200", "$5", ".", "-", "1.2.3", "12,",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(parse_decimal("  "), Err(NumError::Empty));
        assert!(parse_decimal(&"9".repeat(40)).is_err());
    }

    #[test]
    fn fractions_accept_percent() {
        assert_eq!(parse_fraction("40%"), Ok(d("0.4")));
        assert_eq!(parse_fraction("25.5%"), Ok(d("0.255")));
        assert_eq!(parse_fraction("0.2"), Ok(d("0.2")));
    }

    #[test]
    fn toml_floats_are_read_as_written() {
        #[derive(Deserialize)]
        struct T {
            a: Dec,
            b: Dec,
            c: Dec,
        }
        let t: T = toml::from_str("a = 0.035\nb = 138\nc = \"40%\"").unwrap();
        assert_eq!(t.a.0, d("0.035"));
        assert_eq!(t.b.0, d("138"));
        assert_eq!(t.c.0, d("0.4"));
    }

    #[test]
    fn toml_numbers_are_read_again_from_their_text() {
        assert_eq!(
            exact_toml("80.12345678901234567", d("80.12345678901235")),
            Ok(d("80.12345678901234567"))
        );
        assert_eq!(exact_toml("1_000.5", d("1000.5")), Ok(d("1000.5")));
        assert_eq!(exact_toml("\"40%\"", d("0.4")), Ok(d("0.4")));
        assert_eq!(exact_toml("1.5e3", d("1500")), Ok(d("1500")));
        assert_eq!(exact_toml("-0.25", d("-0.25")), Ok(d("-0.25")));
        assert!(exact_toml(&"9".repeat(30), d("1")).is_err());
    }

    #[test]
    fn money_rounds_half_away_from_zero_only_when_printed() {
        assert_eq!(money(d("144869.565217")), "144869.57");
        assert_eq!(money(d("0.005")), "0.01");
        assert_eq!(money(d("-0.005")), "-0.01");
        assert_eq!(money(d("-0.001")), "0.00");
        assert_eq!(money(d("12")), "12.00");
        assert_eq!(money_gbp(d("1234567.891")), "£1,234,567.89");
        assert_eq!(money_gbp(d("-5")), "-£5.00");
        assert_eq!(money_gbp(d("999")), "£999.00");
        assert_eq!(fixed(d("1.436278"), 2), "1.44");
        assert_eq!(quantity(d("5432.50")), "5,432.5");
        assert_eq!(money_exact(d("1234.5")), "£1,234.50");
        assert_eq!(money_exact(d("-1234.5678")), "-£1,234.5678");
        assert_eq!(money(Decimal::MAX), "79228162514264337593543950335.00");
        assert_eq!(fixed(d("-0.004"), 2), "0.00");
        assert_eq!(fixed(d("2.5"), 0), "3");
        assert_eq!(percent(d("0.255")), "25.5%");
    }
}
