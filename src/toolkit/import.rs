//! Bringing proxies a user holds under their own licence into a toolkit file, from a CSV or
//! spreadsheet export: every row checked, every bad one reported, then appended as TOML.

use super::rules::{self, Broken};
use super::stamp::{with_stamp, without_stamp};
use super::{parse, Kind, Toolkit};
use crate::diag::{quoted, Diagnostic, Problems};
use crate::num::{parse_decimal, parse_fraction};
use crate::read::sheet::{Row, Sheet};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::fmt::Write;
use std::path::Path;

const REQUIRED: &[&str] = &[
    "id",
    "name",
    "kind",
    "unit",
    "value",
    "price_year",
    "source",
];
const OPTIONAL: &[&str] = &[
    "url",
    "licence",
    "low",
    "high",
    "beneficiary",
    "cashable",
    "method",
    "deadweight",
    "attribution",
    "displacement",
    "drop_off",
    "duration",
    "rationale",
    "themes",
    "basis",
    "transfer",
    "whole_period",
    "never_with",
];

/// Default adjustments for a row that gives none: the medians in published SROI reports (deadweight 20%, attribution 25.5%, drop-off 21.5%), no displacement, one year.
/// Decision: medians rather than zeros, because zeros would over-claim; the imported entry's
/// `rationale` says so, so the choice is never hidden.
const DEFAULTS: [(&str, &str); 5] = [
    ("deadweight", "0.2"),
    ("attribution", "0.255"),
    ("displacement", "0"),
    ("drop_off", "0.215"),
    ("duration", "1"),
];
const DEFAULT_RATIONALE: &str = "imported without adjustments of its own: the medians in published SROI reports (deadweight 20%, attribution 25.5%, drop-off 21.5%), one year";

/// The basis written for an adjustment a row does not give (see [`DEFAULTS`]).
const DEFAULT_BASIS: [&str; 5] = [
    "convention: the median deadweight in published SROI reports, 20% (middle half 10-35%; Munoz-Mora 2026); imported without a deadweight of its own",
    "convention: the median attribution in published SROI reports, 25.5% (middle half 15-42%; Munoz-Mora 2026); imported without an attribution of its own",
    "convention: none deducted; imported without a displacement of its own",
    "convention: the median drop-off in published SROI reports, 21.5% a year (middle half 10-50%; Munoz-Mora 2026); imported without a drop-off of its own",
    "convention: one year; imported without a duration of its own",
];

/// Values for columns a whole file lacks (e.g. the licence under which the user holds them).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub url: Option<String>,
    pub licence: Option<String>,
}

/// The toolkit after import: its new text, the ids added, and warnings about the file.
#[derive(Debug)]
pub struct Imported {
    pub text: String,
    pub toolkit: Toolkit,
    pub added: Vec<String>,
    pub warnings: Vec<Diagnostic>,
}

fn default_beneficiary(kind: Kind) -> &'static str {
    match kind {
        Kind::Volunteering => "community",
        Kind::Fiscal => "public sector",
        Kind::Economic => "economy",
        Kind::Wellbeing => "individual",
    }
}

/// A TOML number when it reads back exactly as a float, otherwise a quoted decimal string.
fn toml_number(d: Decimal) -> String {
    let s = d.normalize().to_string();
    if s.bytes().filter(u8::is_ascii_digit).count() <= 15 {
        s
    } else {
        format!("\"{s}\"")
    }
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

struct RowCheck<'a> {
    sheet: &'a Sheet,
    row: &'a Row,
    problems: &'a mut Problems,
}

impl RowCheck<'_> {
    fn get(&self, col: &str) -> &str {
        self.sheet.get(self.row, col)
    }

    fn fail(&mut self, col: &str, b: Broken) {
        let mut d = self.sheet.error(self.row, col, b.message);
        d.help = b.help;
        self.problems.push(d);
    }

    fn required(&mut self, col: &str) -> String {
        let v = self.get(col).to_string();
        if v.is_empty() {
            self.fail(
                col,
                Broken {
                    message: format!("{col} is empty"),
                    help: None,
                },
            );
        }
        v
    }

    fn decimal(&mut self, col: &str) -> Option<Decimal> {
        let text = self.get(col).to_string();
        if text.is_empty() {
            return None;
        }
        match parse_decimal(&text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.fail(
                    col,
                    Broken {
                        message: e.to_string(),
                        help: None,
                    },
                );
                None
            }
        }
    }
}

/// The optional yes/no and list columns of a row: transfer, whole_period, never_with.
#[derive(Default)]
struct Flags {
    transfer: bool,
    whole_period: bool,
    never_with: Vec<String>,
}

fn yes_no(r: &mut RowCheck, col: &str) -> bool {
    match r.get(col).to_lowercase().as_str() {
        "" | "no" | "n" | "false" => false,
        "yes" | "y" | "true" => true,
        other => {
            let message = format!("{col} {} is not yes or no", quoted(other));
            r.fail(
                col,
                Broken {
                    message,
                    help: None,
                },
            );
            false
        }
    }
}

fn read_flags(r: &mut RowCheck, known: &HashSet<String>) -> Flags {
    let never_with: Vec<String> = r
        .get("never_with")
        .split(';')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    for id in never_with.iter().filter(|id| !known.contains(*id)) {
        let message = format!(
            "never_with names {}, which is neither in the toolkit nor in this file",
            quoted(id)
        );
        let help = Some("list proxy ids separated by ;".into());
        r.fail("never_with", Broken { message, help });
    }
    Flags {
        transfer: yes_no(r, "transfer"),
        whole_period: yes_no(r, "whole_period"),
        never_with,
    }
}

fn write_flags(b: &mut String, f: &Flags) {
    if f.transfer {
        let _ = writeln!(b, "transfer = true");
    }
    if f.whole_period {
        let _ = writeln!(b, "whole_period = true");
    }
    if !f.never_with.is_empty() {
        let list: Vec<String> = f.never_with.iter().map(|t| toml_string(t)).collect();
        let _ = writeln!(b, "never_with = [{}]", list.join(", "));
    }
}

/// An adjustment the row gives needs a basis (the `basis` column); a deadweight of 0 needs
/// evidence, not a convention.
fn check_basis(r: &mut RowCheck, bases: &[&str; 5], zero_deadweight: bool) {
    if bases.iter().any(|b| b.is_empty()) {
        r.fail("basis", Broken {
            message: "the row gives its own adjustments but no basis for them".into(),
            help: Some("say in a basis column where they come from (the evaluation, or \"convention: ...\" with its published range)".into()),
        });
    } else if zero_deadweight && super::Basis::is_convention(bases[0]) {
        r.fail("deadweight", Broken {
            message: "deadweight 0 says nothing would have happened anyway, and the basis gives no evidence for it".into(),
            help: Some("give the evaluation that shows it in the basis column, or use a deadweight from published practice (the median is 20%)".into()),
        });
    }
}

/// Checks every row of `sheet` and appends the good ones to the toolkit text `text` (read from
/// `path`). Nothing is returned unless every row is good.
pub fn import(
    sheet: &Sheet,
    text: &str,
    path: &Path,
    opts: &Options,
) -> Result<Imported, Problems> {
    let (plain, stamped) = without_stamp(text);
    let existing = parse(&plain, path)?;
    let mut problems = Problems::new();
    let mut warnings = Vec::new();
    for c in REQUIRED {
        if sheet.column(c).is_none() {
            problems.push(
                Diagnostic::error(format!("the required column \"{c}\" is missing"))
                    .at_line(&sheet.path, 1)
                    .with_help(format!(
                        "the columns are {} and, optionally, {}",
                        REQUIRED.join(","),
                        OPTIONAL.join(",")
                    )),
            );
        }
    }
    for (i, h) in sheet.headers.iter().enumerate() {
        if !h.is_empty() && !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()) {
            warnings.push(
                Diagnostic::warning(format!(
                    "column \"{h}\" is not a proxy field; its contents are not imported"
                ))
                .at_cell(&sheet.path, 1, i + 1, h),
            );
        }
    }
    for (c, given) in [("url", &opts.url), ("licence", &opts.licence)] {
        if sheet.column(c).is_none() && given.is_none() {
            problems.push(Diagnostic::error(format!("there is no \"{c}\" column and no --{c} was given")).at_line(&sheet.path, 1).with_help(format!(
                "every proxy must say where it comes from and under what licence: add a {c} column, or give --{c} for the whole file"
            )));
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    if sheet.rows.is_empty() {
        return Err(
            Diagnostic::error(format!("{} has no rows to import", sheet.path.display()))
                .in_file(&sheet.path)
                .into(),
        );
    }

    let mut seen: HashSet<String> = existing.proxies.iter().map(|p| p.id.clone()).collect();
    // Ids a never_with cell may name: the toolkit's and this file's.
    let known: HashSet<String> = seen
        .iter()
        .cloned()
        .chain(
            sheet
                .rows
                .iter()
                .map(|row| sheet.get(row, "id").to_string()),
        )
        .collect();
    let mut blocks = String::new();
    let mut added = Vec::new();
    for row in &sheet.rows {
        let mut r = RowCheck {
            sheet,
            row,
            problems: &mut problems,
        };
        let id = r.get("id").to_string();
        if let Some(b) = rules::id(&id, "proxy id") {
            r.fail("id", b);
        } else if !seen.insert(id.clone()) {
            r.fail("id", Broken { message: format!("proxy id \"{id}\" is already in the toolkit or earlier in this file"), help: Some("give each proxy its own id, e.g. with your own namespace: \"myorg.loneliness\"".into()) });
        }
        let name = r.required("name");
        let unit = r.required("unit");
        let source = r.required("source");
        let kind_text = r.get("kind").to_lowercase();
        let kind = match kind_text.as_str() {
            "volunteering" => Some(Kind::Volunteering),
            "fiscal" => Some(Kind::Fiscal),
            "economic" => Some(Kind::Economic),
            "wellbeing" => Some(Kind::Wellbeing),
            _ => {
                r.fail(
                    "kind",
                    Broken {
                        message: format!(
                            "kind {} is not one of volunteering, fiscal, economic, wellbeing",
                            quoted(&kind_text)
                        ),
                        help: None,
                    },
                );
                None
            }
        };
        let value = r.decimal("value");
        if value.is_none() && r.get("value").is_empty() {
            r.fail(
                "value",
                Broken {
                    message: "value is empty".into(),
                    help: None,
                },
            );
        }
        if let Some(b) = value.and_then(|v| rules::unit_value(v, "value")) {
            r.fail("value", b);
        }
        let year_text = r.get("price_year").to_string();
        let year = year_text.parse::<i32>().ok();
        match year {
            None => r.fail(
                "price_year",
                Broken {
                    message: format!("price_year {} is not a year", quoted(&year_text)),
                    help: Some("write the year the value is priced in, e.g. 2023".into()),
                },
            ),
            Some(y) => {
                if let Some(b) = rules::price_year(y, &existing.price_index, &id) {
                    r.fail("price_year", b);
                }
            }
        }
        let low = r.decimal("low");
        let high = r.decimal("high");
        if let (Some(l), Some(v)) = (low, value) {
            if let Some(b) = rules::low(l, v) {
                r.fail("low", b);
            }
        }
        if let (Some(h), Some(v)) = (high, value) {
            if let Some(b) = rules::high(h, v) {
                r.fail("high", b);
            }
        }
        let url = Some(r.get("url").to_string())
            .filter(|u| !u.is_empty())
            .or_else(|| opts.url.clone())
            .unwrap_or_default();
        if let Some(b) = rules::url(&url) {
            r.fail("url", b);
        }
        let licence = Some(r.get("licence").to_string())
            .filter(|u| !u.is_empty())
            .or_else(|| opts.licence.clone())
            .unwrap_or_default();
        if licence.is_empty() {
            r.fail(
                "licence",
                Broken {
                    message: "licence is empty".into(),
                    help: Some("say under what licence you hold this value".into()),
                },
            );
        }
        let cashable = match r.get("cashable").to_lowercase().as_str() {
            "" => None,
            "yes" | "y" | "true" => Some(true),
            "no" | "n" | "false" => Some(false),
            other => {
                r.fail(
                    "cashable",
                    Broken {
                        message: format!("cashable {} is not yes or no", quoted(other)),
                        help: None,
                    },
                );
                None
            }
        };
        let mut adjustments = String::new();
        let mut defaulted = false;
        let mut bases = [""; 5];
        let basis_text = r.get("basis").to_string();
        let mut zero_deadweight = false;
        for (k, (col, default)) in DEFAULTS.into_iter().enumerate() {
            let given = r.get(col).to_string();
            bases[k] = if given.is_empty() {
                DEFAULT_BASIS[k]
            } else {
                basis_text.as_str()
            };
            zero_deadweight |= col == "deadweight"
                && !given.is_empty()
                && parse_fraction(&given).is_ok_and(|f| f.is_zero());
            let text = if given.is_empty() {
                defaulted = true;
                default.to_string()
            } else {
                given
            };
            let ok = if col == "duration" {
                match text.parse::<i64>() {
                    Ok(d) => rules::duration(d).map(|b| r.fail(col, b)).is_none(),
                    Err(_) => {
                        r.fail(
                            col,
                            Broken {
                                message: format!(
                                    "duration {} is not a whole number of years",
                                    quoted(&text)
                                ),
                                help: None,
                            },
                        );
                        false
                    }
                }
            } else {
                match parse_fraction(&text) {
                    Ok(f) => rules::fraction(f, col).map(|b| r.fail(col, b)).is_none(),
                    Err(e) => {
                        r.fail(
                            col,
                            Broken {
                                message: e.to_string(),
                                help: Some("write a fraction, e.g. 0.2 or 20%".into()),
                            },
                        );
                        false
                    }
                }
            };
            if ok {
                let v = if col == "duration" {
                    text
                } else {
                    toml_number(parse_fraction(&text).unwrap_or_default())
                };
                let _ = writeln!(adjustments, "{col} = {v}");
            }
        }
        let flags = read_flags(&mut r, &known);
        let (Some(kind), Some(value), Some(year)) = (kind, value, year) else {
            continue;
        };
        if kind != Kind::Volunteering {
            check_basis(&mut r, &bases, zero_deadweight);
        }
        let beneficiary = Some(r.get("beneficiary").to_string())
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| default_beneficiary(kind).to_string());
        let themes: Vec<String> = r
            .get("themes")
            .split(';')
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        let themes = if themes.is_empty() {
            vec![kind.as_str().to_string()]
        } else {
            themes
        };
        let rationale = Some(r.get("rationale").to_string())
            .filter(|s| !s.is_empty())
            .or_else(|| defaulted.then(|| DEFAULT_RATIONALE.to_string()));
        let method = r.get("method").to_string();

        let b = &mut blocks;
        let _ = writeln!(
            b,
            "\n[[proxy]]   # imported from {}, row {}",
            // A comment ends at a line break: one in a file name must not start a TOML line.
            sheet
                .path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                .replace(|c: char| c.is_control(), " "),
            row.line
        );
        let _ = writeln!(b, "id = {}", toml_string(&id));
        let _ = writeln!(b, "name = {}", toml_string(&name));
        let _ = writeln!(b, "kind = \"{}\"", kind.as_str());
        let _ = writeln!(b, "unit = {}", toml_string(&unit));
        let _ = writeln!(b, "value = {}", toml_number(value));
        if let Some(l) = low {
            let _ = writeln!(b, "low = {}", toml_number(l));
        }
        if let Some(h) = high {
            let _ = writeln!(b, "high = {}", toml_number(h));
        }
        let _ = writeln!(b, "price_year = {year}");
        let _ = writeln!(b, "beneficiary = {}", toml_string(&beneficiary));
        if let Some(c) = cashable {
            let _ = writeln!(b, "cashable = {c}");
        }
        let _ = writeln!(b, "source = {}", toml_string(&source));
        let _ = writeln!(b, "url = {}", toml_string(&url));
        let _ = writeln!(b, "licence = {}", toml_string(&licence));
        if !method.is_empty() {
            let _ = writeln!(b, "method = {}", toml_string(&method));
        }
        b.push_str(&adjustments);
        if let Some(rat) = rationale {
            let _ = writeln!(b, "rationale = {}", toml_string(&rat));
        }
        let _ = writeln!(
            b,
            "themes = [{}]",
            themes
                .iter()
                .map(|t| toml_string(t))
                .collect::<Vec<_>>()
                .join(", ")
        );
        write_flags(b, &flags);
        if kind != Kind::Volunteering {
            let _ = writeln!(b, "\n[proxy.basis]");
            for ((col, _), basis) in DEFAULTS.iter().zip(bases) {
                let _ = writeln!(b, "{col} = {}", toml_string(basis));
            }
        }
        added.push(id);
    }
    if problems.has_errors() {
        return Err(problems);
    }
    let mut combined = plain;
    if !combined.ends_with('\n') {
        combined.push('\n');
    }
    combined.push_str(&blocks);
    let toolkit = parse(&combined, path)?;
    let text = if stamped {
        with_stamp(&combined, &toolkit.fingerprint)
    } else {
        combined
    };
    Ok(Imported {
        text,
        toolkit,
        added,
        warnings,
    })
}
