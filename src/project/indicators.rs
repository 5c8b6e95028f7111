//! People's before-and-after answers (`person,indicator,before,after`): checked against the
//! indicators the toolkit and project declare, paired by person. References stay here.

use crate::date::Date;
use crate::diag::{nearest, quoted, Diagnostic, Problems};
use crate::num::{parse_plain, Holds};
use crate::read::table::{Collector, Column, ReadOptions, Skipped, Table};
use crate::toolkit::indicator::Indicator;
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::path::Path;

const COLUMNS: &[Column] = &[
    Column {
        name: "person",
        required: true,
    },
    Column {
        name: "indicator",
        required: true,
    },
    Column {
        name: "before",
        required: true,
    },
    Column {
        name: "after",
        required: true,
    },
    Column {
        name: "date_before",
        required: false,
    },
    Column {
        name: "date_after",
        required: false,
    },
];
const PERSON: usize = 0;
const INDICATOR: usize = 1;
const BEFORE: usize = 2;
const AFTER: usize = 3;
const DATE_BEFORE: usize = 4;
const DATE_AFTER: usize = 5;

/// One person's answers to one indicator (either may be missing). No reference is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub before: Option<Decimal>,
    pub after: Option<Decimal>,
    /// Days from the first answer to the second, when the row dates both.
    pub days: Option<u32>,
    /// The row it was read from, so a problem with the pair can be pointed at.
    pub line: u64,
}

/// The rest of `[indicators]` in project.toml, as written.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSettings {
    pub file: toml::Spanned<String>,
    months_between: Option<toml::Spanned<crate::num::Dec>>,
    #[serde(default)]
    persists: bool,
    persists_reason: Option<toml::Spanned<String>>,
    overlap_reason: Option<String>,
}

/// How a measured change is valued (`[indicators]`). Decision: without dates or a stated gap
/// the change is not valued at all, rather than assumed to last a year, because answers given
/// four months apart do not show a year of changed life.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Months between the two answers, for rows that do not date them (`months_between`).
    pub months_between: Option<Decimal>,
    /// Why the change lasts beyond the time measured (`persists = true` with
    /// `persists_reason`): then the WELLBYs count a whole first year and the indicator's
    /// duration and drop-off apply.
    pub persists: Option<String>,
    /// Why the people answering are not those counted by a wellbeing proxy beside them.
    pub overlap_reason: Option<String>,
}

/// Longest gap between answers `months_between` may state (ten years).
const MAX_MONTHS: i64 = 120;

impl Settings {
    pub(crate) fn read(raw: RawSettings, path: &Path, text: &str, p: &mut Problems) -> Settings {
        let mut err = |span: std::ops::Range<usize>, msg: String, help: &str| {
            p.push(
                Diagnostic::error(msg)
                    .at_span(path, text, span)
                    .with_help(help),
            );
        };
        let months_between = raw.months_between.and_then(|m| {
            let raw_text = text.get(m.span()).unwrap_or("");
            let v = crate::num::exact_toml(raw_text, m.get_ref().0).unwrap_or(m.get_ref().0);
            if v > Decimal::ZERO && v <= Decimal::from(MAX_MONTHS) {
                Some(v)
            } else {
                err(
                    m.span(),
                    format!("months_between must be above 0 and at most {MAX_MONTHS}, found {v}"),
                    "the usual gap between the first and second answer, in months, e.g. 12",
                );
                None
            }
        });
        let reason = raw
            .persists_reason
            .as_ref()
            .map(|r| r.get_ref().trim().to_string())
            .filter(|r| !r.is_empty());
        let persists = match (raw.persists, reason) {
            (true, Some(r)) => Some(r),
            (true, None) => {
                err(raw.file.span(), "[indicators] says persists = true without a persists_reason".into(), "say why the change lasts beyond the time measured (e.g. a follow-up a year later), or remove persists");
                None
            }
            (false, Some(_)) => {
                let span = raw
                    .persists_reason
                    .as_ref()
                    .map_or(raw.file.span(), |r| r.span());
                err(
                    span,
                    "persists_reason is given but persists is not true".into(),
                    "add persists = true, or remove persists_reason",
                );
                None
            }
            (false, None) => None,
        };
        Settings {
            months_between,
            persists,
            overlap_reason: raw
                .overlap_reason
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty()),
        }
    }
}

/// Every indicator's answers, in the order the indicators are declared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    /// (indicator id, answers), only indicators someone answered.
    pub by_indicator: Vec<(String, Vec<Answer>)>,
    pub warnings: Problems,
    pub skipped: Skipped,
}

/// Reads the indicators file; `known` are the toolkit's indicators then the project's own.
pub fn read_answers(
    path: &Path,
    known: &[&Indicator],
    options: ReadOptions,
) -> Result<Answers, Problems> {
    let mut table = Table::open(path, COLUMNS, options.limits)?;
    // Person references are pseudonymous, but quoted cells are withheld from what is written.
    let mut out = Collector::new(path, std::mem::take(&mut table.warnings), options).private();
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    let mut answers: Vec<Vec<Answer>> = vec![Vec::new(); known.len()];
    // Each row's indicator found by id, not by a scan of every indicator (issue 19).
    let position = crate::toolkit::positions(known.iter().map(|i| i.id.as_str()));
    let mut name_like = 0u64;
    let mut layout = table.for_each_row(|t, row| {
        let Some(rec) = out.take(row) else {
            return;
        };
        let person = t.text(rec, PERSON).into_owned();
        if person.is_empty() {
            out.push(t.cell_error(rec, PERSON, "person", "person is empty".into()).with_help("give each person a reference, e.g. P017, the same on every row for them"));
        } else if looks_like_a_name(&person) {
            name_like += 1;
        }
        let id = t.text(rec, INDICATOR).into_owned();
        let which = position.get(id.as_str()).copied();
        if which.is_none() {
            // A scan for suggestions, on the error path only.
            let help = match nearest(&id, known.iter().map(|i| i.id.as_str())) {
                Some(n) => format!("did you mean \"{n}\"?"),
                None => format!("the indicators are: {}; add your own as [[indicator]] in project.toml", known.iter().map(|i| i.id.as_str()).collect::<Vec<_>>().join(", ")),
            };
            let msg = if id.is_empty() { "indicator is empty".to_string() } else { format!("indicator {} is not declared", quoted(&id)) };
            out.push(t.cell_error(rec, INDICATOR, "indicator", msg).with_help(help));
        }
        let mut score = |k: usize, name: &str| -> Option<Decimal> {
            let text = t.text(rec, k);
            if text.is_empty() {
                return None;
            }
            match (parse_plain(&text, Holds::Score), which) {
                (Ok(x), Some(w)) if x < known[w].scale_min || x > known[w].scale_max => {
                    out.push(t.cell_error(rec, k, name, format!("{name} {x} is outside the scale {} to {}", known[w].scale_min, known[w].scale_max)).with_help("check the answer was entered on the indicator's own scale"));
                    None
                }
                (Ok(x), _) => Some(x),
                (Err(e), _) => {
                    out.push(t.cell_error(rec, k, name, e.to_string()).with_help("write the score as a number; leave the cell empty if the person did not answer"));
                    None
                }
            }
        };
        let before = score(BEFORE, "before");
        let after = score(AFTER, "after");
        let mut date = |k: usize, name: &str| -> Option<Date> {
            let text = t.text(rec, k);
            if text.is_empty() {
                return None;
            }
            let d = Date::read(text.as_bytes()).map(|r| r.date);
            if d.is_none() {
                out.push(t.cell_error(rec, k, name, format!("{} is not a date", quoted(&text))).with_help("write dates as 2024-04-01"));
            }
            d
        };
        let dates = (date(DATE_BEFORE, "date_before"), date(DATE_AFTER, "date_after"));
        let days = match dates {
            (Some(b), Some(a)) if a > b => u32::try_from(a.days_since(b)).ok(),
            (Some(b), Some(a)) => {
                out.push(t.cell_error(rec, DATE_AFTER, "date_after", format!("the second answer ({a}) is not after the first ({b})")).with_help("check the dates: date_after is when the person answered the second time"));
                None
            }
            _ => None,
        };
        if let Some(w) = which {
            if !person.is_empty() && !seen.insert((w, person)) {
                out.push(t.cell_error(rec, PERSON, "person", format!("this person has another row for {}", known[w].id)).with_help("one row per person and indicator, with both answers"));
            }
        }
        if out.end_row() {
            if let Some(w) = which {
                answers[w].push(Answer { before, after, days, line: t.line(rec) });
            }
        }
    });
    if name_like > 0 {
        out.fatal(Diagnostic::warning(format!("{name_like} person references look like names (two or more words of letters)")).in_file(path).with_help("use a reference such as P017: names are not needed, and this file is personal data"));
    }
    let (problems, skipped) = out.finish(&mut layout);
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Answers {
        by_indicator: known
            .iter()
            .zip(answers)
            .filter(|(_, a)| !a.is_empty())
            .map(|(i, a)| (i.id.clone(), a))
            .collect(),
        warnings: problems,
        skipped,
    })
}

/// `Mary Smith`, not `P017` or `p-17`.
pub(super) fn looks_like_a_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    words.len() >= 2
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(id: &str, max: i64) -> Indicator {
        let tk = crate::toolkit::parse(
            include_str!("../../proxies/uk-core.toml"),
            Path::new("uk-core.toml"),
        )
        .unwrap();
        Indicator {
            id: id.into(),
            scale_max: Decimal::from(max),
            ..tk.indicators[0].clone()
        }
    }

    /// Rows find their indicator by id as a scan from the start would: the first of two
    /// declared with one id (the valuation reports such a clash as an error of its own).
    #[test]
    fn each_row_finds_the_first_indicator_with_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answers.csv");
        let rows = "person,indicator,before,after\nP1,b,1,2\nP2,a,3,4\nP3,a,1,5\n";
        std::fs::write(&path, rows).unwrap();
        let (a, b, twin) = (indicator("a", 10), indicator("b", 10), indicator("a", 4));
        let answers = read_answers(&path, &[&a, &b, &twin], ReadOptions::default()).unwrap();
        let ids: Vec<(&str, usize)> = answers
            .by_indicator
            .iter()
            .map(|(id, list)| (id.as_str(), list.len()))
            .collect();
        assert_eq!(ids, [("a", 2), ("b", 1)]);
        // The twin's scale (0 to 4) would refuse the 5; the first's (to 10) takes it.
        assert_eq!(answers.by_indicator[0].1[1].after, Some(Decimal::from(5)));
        std::fs::write(&path, "person,indicator,before,after\nP1,c,1,2\n").unwrap();
        let err = read_answers(&path, &[&a, &b], ReadOptions::default()).unwrap_err();
        assert!(
            err.to_string().contains("indicator \"c\" is not declared"),
            "{err}"
        );
    }
}
