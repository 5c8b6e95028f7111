//! The rules a proxy's fields must keep, shared by the TOML loader and the spreadsheet importer,
//! each returning the message and fix a person needs when it is broken.

use super::MAX_DURATION;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub use crate::limits::MAX_UNIT_VALUE;

/// A broken rule: what is wrong and, where there is one, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub message: String,
    pub help: Option<String>,
}

fn broken(message: String, help: Option<String>) -> Option<Broken> {
    Some(Broken { message, help })
}

/// Ids are shared across a network, so they are kept to `[a-z0-9._-]`, starting with a letter or digit.
pub fn id(s: &str, what: &str) -> Option<Broken> {
    if s.is_empty() {
        return broken(format!("{what} is empty"), None);
    }
    let ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    (!ok).then(|| Broken {
        message: format!(
            "{what} \"{s}\" may only use lower-case letters, digits, '.', '-' and '_'"
        ),
        help: Some(format!("e.g. \"{}\"", s.to_lowercase().replace(' ', "-"))),
    })
}

/// A share such as deadweight: from 0 to 1.
pub fn fraction(v: Decimal, what: &str) -> Option<Broken> {
    if (Decimal::ZERO..=Decimal::ONE).contains(&v) {
        return None;
    }
    let help = if v > Decimal::ONE && v <= Decimal::ONE_HUNDRED {
        format!(
            "write it as a fraction: {} for {v}%",
            (v / Decimal::ONE_HUNDRED).normalize()
        )
    } else {
        "a fraction is between 0 and 1, e.g. 0.2 for 20%".to_string()
    };
    broken(
        format!("{what} must be between 0 and 1, found {v}"),
        Some(help),
    )
}

pub fn url(s: &str) -> Option<Broken> {
    if s.is_empty() {
        return broken(
            "url is empty".into(),
            Some("give the web address where the figure can be checked".into()),
        );
    }
    (!(s.starts_with("https://") || s.starts_with("http://"))).then(|| Broken {
        message: format!("url \"{s}\" is not a web address"),
        help: Some("start it with https://".into()),
    })
}

pub fn unit_value(v: Decimal, what: &str) -> Option<Broken> {
    (v.abs() > Decimal::from(MAX_UNIT_VALUE)).then(|| Broken {
        message: format!("{what} {v} is larger than one unit can be worth here (±1,000,000,000)"),
        help: None,
    })
}

pub fn low(low: Decimal, value: Decimal) -> Option<Broken> {
    (low > value).then(|| Broken {
        message: format!("low {low} is above the value {value}"),
        help: Some("low <= value <= high".into()),
    })
}

pub fn high(high: Decimal, value: Decimal) -> Option<Broken> {
    (high < value).then(|| Broken {
        message: format!("high {high} is below the value {value}"),
        help: Some("low <= value <= high".into()),
    })
}

pub fn price_year(year: i32, index: &BTreeMap<i32, Decimal>, id: &str) -> Option<Broken> {
    (!index.contains_key(&year)).then(|| Broken {
        message: format!("proxy \"{id}\" is priced in {year}, which has no entry in [price_index]"),
        help: Some(format!(
            "add the {year} index to [price_index], or give the value in a year the index covers"
        )),
    })
}

pub fn duration(d: i64) -> Option<Broken> {
    (!(1..=i64::from(MAX_DURATION)).contains(&d)).then(|| Broken {
        message: format!(
            "duration must be a whole number of years from 1 to {MAX_DURATION}, found {d}"
        ),
        help: None,
    })
}
