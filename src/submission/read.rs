//! Reading a submission file from a stranger: TOML syntax and shape checked with file, line and
//! column, every number kept within what sums can hold, and the fingerprint recomputed.

use super::fingerprint::fingerprint_of_document;
use super::format::Submission;
use crate::diag::{Diagnostic, Problems};
use crate::num::parse_decimal;
use rust_decimal::Decimal;
use std::path::Path;

/// A submission as read, with what its fingerprint should be.
#[derive(Debug, Clone)]
pub struct Read {
    pub submission: Submission,
    /// The fingerprint the content gives (compare with `submission.submission.fingerprint`).
    pub computed_fingerprint: String,
    /// Where each table starts, so a problem found later can name its line.
    pub positions: Positions,
}

/// The line each table header of a file starts on: `[name]` and each `[[name]]` in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Positions {
    tables: Vec<(String, u64)>,
}

impl Positions {
    /// Reads the header lines of TOML text (as `submit` writes it, one header a line).
    pub fn of(text: &str) -> Positions {
        let mut tables = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            let name = t
                .strip_prefix("[[")
                .and_then(|r| r.split("]]").next())
                .or_else(|| t.strip_prefix('[').and_then(|r| r.split(']').next()));
            if let Some(name) = name {
                tables.push((name.trim().to_string(), i as u64 + 1));
            }
        }
        Positions { tables }
    }

    /// The line of the `n`-th (from 0) `[[table]]`.
    pub fn entry(&self, table: &str, n: usize) -> Option<u64> {
        self.tables
            .iter()
            .filter(|(t, _)| t == table)
            .nth(n)
            .map(|(_, l)| *l)
    }

    /// The line of `[table]`.
    pub fn table(&self, table: &str) -> Option<u64> {
        self.entry(table, 0)
    }

    /// The line of the table a key path such as `outcome[3].quantity` is in.
    fn of_key(&self, key: &str) -> Option<u64> {
        let head = key.split('.').next().unwrap_or(key);
        match head.split_once('[') {
            Some((table, rest)) => {
                let n: usize = rest.trim_end_matches(']').parse().ok()?;
                self.entry(table, n.checked_sub(1)?)
            }
            None => self.table(head),
        }
    }
}

/// Reads a submission file; syntax and shape problems name file, line and column.
pub fn read(path: &Path) -> Result<Read, Problems> {
    let text = crate::input::read_text_file(path)?;
    let doc: toml::Table = toml::from_str(&text).map_err(|e| {
        cut_short(
            crate::input::toml_error(&e, &text, path, crate::input::TomlFile::Toolkit),
            &text,
        )
    })?;
    let positions = Positions::of(&text);
    let mut out_of_range = Problems::new();
    let numbers = (path, &positions);
    check_numbers(
        &toml::Value::Table(doc.clone()),
        "",
        numbers,
        &mut out_of_range,
    );
    if out_of_range.has_errors() {
        return Err(out_of_range);
    }
    let submission: Submission = toml::from_str(&text)
        .map_err(|e| crate::input::toml_error(&e, &text, path, crate::input::TomlFile::Toolkit))?;
    Ok(Read {
        computed_fingerprint: fingerprint_of_document(&doc),
        submission,
        positions,
    })
}

/// A syntax error in the last line of a file that does not end as `submit` ends every file (with
/// a line break) is most likely a file cut short in sending: said so, first, in plain words.
fn cut_short(mut p: Problems, text: &str) -> Problems {
    let lines = text.lines().count() as u64;
    let last = p
        .list
        .first()
        .and_then(|d| d.location.as_ref())
        .and_then(|l| l.line);
    if let (Some(line), false) = (last, text.ends_with('\n')) {
        if line >= lines {
            if let Some(d) = p.list.first_mut() {
                d.message = format!(
                    "the file ends part-way through line {line}, so it was probably cut short when it was sent ({})",
                    d.message
                );
            }
        }
    }
    p
}

/// Largest number a submission may hold (a thousand trillion: pounds, hours or counts).
const MAX_NUMBER: i64 = 1_000_000_000_000_000;
/// Most decimal places a number in a submission may have.
const MAX_PLACES: u32 = 8;

/// Every number in a submission (numbers, and text that reads as one) must be within
/// ±[`MAX_NUMBER`] with at most [`MAX_PLACES`] decimals. Decision: a file from a stranger can
/// carry any number and a correct fingerprint, and figures like 10^28 or 10^-27 would make
/// the sums and ratios of a review or a network overflow; no real return comes near either.
fn check_numbers(v: &toml::Value, at: &str, file: (&Path, &Positions), out: &mut Problems) {
    let number = match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                let here = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                check_numbers(x, &here, file, out);
            }
            return;
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_numbers(x, &format!("{at}[{}]", i + 1), file, out);
            }
            return;
        }
        toml::Value::Integer(i) => Some(Decimal::from(*i)),
        toml::Value::Float(f) => Decimal::from_f64_retain(*f).or(Some(Decimal::MAX)),
        toml::Value::String(s) => parse_decimal(s).ok(),
        _ => None,
    };
    if let Some(x) = number {
        if x.abs() > Decimal::from(MAX_NUMBER) || x.normalize().scale() > MAX_PLACES {
            let (path, positions) = file;
            let d = Diagnostic::error(format!(
                "{at} is {}, outside what a submission may hold (up to 10^15, with at most {MAX_PLACES} decimal places)",
                crate::diag::quoted(&x.normalize().to_string())
            ));
            let d = match positions.of_key(at) {
                Some(line) => d.at_line(path, line),
                None => d.in_file(path),
            };
            out.push(d.with_help(
                "ask the organisation for the file social-value submit wrote, unchanged",
            ));
        }
    }
}
