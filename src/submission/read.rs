//! Reading a submission file from a stranger: TOML syntax and shape checked with file, line and
//! column, every number kept within what sums can hold, and the fingerprint recomputed.

use super::fingerprint::fingerprint_of_layout;
use super::format::Submission;
use crate::diag::{Diagnostic, Problems};
use crate::read::toml::{self as toml_read, Layout, Limits};
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
    /// The header lines of a file's sections.
    pub(super) fn of_layout(layout: &Layout) -> Positions {
        let tables = layout.sections[1..]
            .iter()
            .map(|s| (s.path.join("."), s.line))
            .collect();
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

/// Largest submission file read. Decision: 16 MiB, a quarter of what a settings file may be: a
/// return of 3,000 outcome lines and 1,000 stories, larger than any we know of, is about 2.5
/// MB, and a file from a stranger is read with at most 4 times its size in memory.
pub const MAX_SUBMISSION_FILE: u64 = 16 * 1024 * 1024;

/// Most a submission may hold. Decision: 20,000 tables. Each `[[outcome]]`, `[[story]]` or
/// `[[results.line]]` becomes a typed record and most a valued line, about 2 KB of memory from
/// as little as 70 bytes of text, so their number, not the file's size, bounds that memory
/// (about 45 MiB at most); a return of 3,000 outcome lines, 1,000 stories and 100 roles (far
/// larger than any we know of) has about 7,000. And 100,000 keys, values and separators in
/// one table (a partnership of 25,000 members; about 10 MiB while it is read).
pub const LIMITS: Limits = Limits {
    tables: 20_000,
    table_tokens: 100_000,
};

/// Reads a submission file; syntax and shape problems name file, line and column. It is read
/// a table at a time ([`Layout`]), so its memory is a small multiple of its size.
pub fn read(path: &Path) -> Result<Read, Problems> {
    let too_big = |len: u64| {
        Problems::from(
            Diagnostic::error(format!(
                "{} is {len} bytes, larger than the {} MiB a submission may be",
                path.display(),
                MAX_SUBMISSION_FILE / 1024 / 1024
            ))
            .in_file(path)
            .with_help("a return social-value submit writes is far smaller: ask the organisation for the file it wrote"),
        )
    };
    let len = crate::read::input::ordinary_file(path)?.len();
    if len > MAX_SUBMISSION_FILE {
        return Err(too_big(len));
    }
    let text = crate::read::input::read_text_file(path)?;
    if text.len() as u64 > MAX_SUBMISSION_FILE {
        return Err(too_big(text.len() as u64));
    }
    let problem =
        |e: toml_read::Error| e.problems(&text, path, crate::read::input::TomlFile::Toolkit);
    let layout = Layout::of(&text, LIMITS).map_err(|e| cut_short(problem(e), &text))?;
    let positions = Positions::of_layout(&layout);
    let mut out_of_range = Problems::new();
    let numbers = (path, &positions);
    let computed_fingerprint = fingerprint_of_layout(&layout, &mut |v, at| {
        check_numbers(v, at, numbers, &mut out_of_range)
    })
    .map_err(problem)?;
    if out_of_range.has_errors() {
        return Err(out_of_range);
    }
    let submission: Submission = toml_read::de::from_layout(&layout).map_err(problem)?;
    Ok(Read {
        computed_fingerprint,
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
fn check_numbers(number: Option<Decimal>, at: &str, file: (&Path, &Positions), out: &mut Problems) {
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The worked example's return, as `submit` writes it.
    pub fn example() -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield-cvs");
        let (v, tk) =
            crate::value::at::value_project(&root, None, Default::default(), None).unwrap();
        let written = Some("2025-05-01T09:30:00Z".to_string());
        crate::submission::to_toml(&crate::submission::from_valuation(&v, &tk, written))
    }

    #[test]
    fn a_return_read_by_tables_is_what_a_whole_file_parse_gives() {
        let good = example();
        let layout = Layout::of(&good, LIMITS).unwrap();
        let by_tables: Submission = toml_read::de::from_layout(&layout).unwrap();
        let whole: Submission = toml::from_str(&good).unwrap();
        assert_eq!(by_tables, whole);
        assert!(!whole.partnership[0].shares.is_empty());
    }

    #[test]
    fn unknown_and_missing_keys_are_placed_on_their_lines() {
        let good = example();
        let text = good.replacen("[period]\n", "[period]\nbogus = 1\n", 1);
        let layout = Layout::of(&text, LIMITS).unwrap();
        let e = toml_read::de::from_layout::<Submission>(&layout).unwrap_err();
        assert!(e.message.contains("unknown field `bogus`"), "{e}");
        assert_eq!(&text[e.span.unwrap()], "bogus");
        let text = good.replacen("[period]\nstart", "[period]\nbegin", 1);
        let layout = Layout::of(&text, LIMITS).unwrap();
        let e = toml_read::de::from_layout::<Submission>(&layout).unwrap_err();
        assert!(e.message.contains("begin"), "{e}");
    }
}
