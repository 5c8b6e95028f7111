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
}

/// Reads a submission file; syntax and shape problems name file, line and column.
pub fn read(path: &Path) -> Result<Read, Problems> {
    let text = crate::input::read_text_file(path)?;
    let doc: toml::Table = toml::from_str(&text)
        .map_err(|e| crate::input::toml_error(&e, &text, path, crate::input::TomlFile::Toolkit))?;
    let mut out_of_range = Problems::new();
    check_numbers(
        &toml::Value::Table(doc.clone()),
        "",
        path,
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
    })
}

/// Largest number a submission may hold (a thousand trillion: pounds, hours or counts).
const MAX_NUMBER: i64 = 1_000_000_000_000_000;
/// Most decimal places a number in a submission may have.
const MAX_PLACES: u32 = 8;

/// Every number in a submission (numbers, and text that reads as one) must be within
/// ±[`MAX_NUMBER`] with at most [`MAX_PLACES`] decimals. Decision: a file from a stranger can
/// carry any number and a correct fingerprint, and figures like 10^28 or 10^-27 would make
/// the sums and ratios of a review or a network overflow; no real return comes near either.
fn check_numbers(v: &toml::Value, at: &str, path: &Path, out: &mut Problems) {
    let number = match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                let here = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                check_numbers(x, &here, path, out);
            }
            return;
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_numbers(x, &format!("{at}[{}]", i + 1), path, out);
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
            out.push(
                Diagnostic::error(format!(
                    "{at} is {}, outside what a submission may hold (up to 10^15, with at most {MAX_PLACES} decimal places)",
                    crate::diag::quoted(&x.normalize().to_string())
                ))
                .in_file(path)
                .with_help("ask the organisation for the file social-value submit wrote, unchanged"),
            );
        }
    }
}
