//! Reading the user's text files forgivingly (BOM, Windows-1252 from older Excel) and turning
//! TOML syntax errors into diagnostics that point at file, line and column.

use crate::diag::{Diagnostic, Problems};
use std::borrow::Cow;
use std::path::Path;

/// Largest TOML file read (project or toolkit); anything bigger is surely not one.
pub const MAX_TEXT_FILE: u64 = 64 * 1024 * 1024;

/// A message for a file that cannot be opened, with a hint for the usual causes.
pub fn open_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    let d = Diagnostic::error(format!("cannot read {}: {}", path.display(), io_reason(e)))
        .in_file(path);
    match e.kind() {
        std::io::ErrorKind::NotFound => d.with_help(
            "check the file name and folder; paths in project.toml are relative to the project file",
        ),
        _ => d,
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        _ => e.to_string(),
    }
}

/// The metadata of an ordinary file: a folder, pipe or device (`/dev/zero`, which never ends,
/// or a FIFO, which can hang) is refused with a message.
pub fn ordinary_file(path: &Path) -> Result<std::fs::Metadata, Problems> {
    let meta = std::fs::metadata(path).map_err(|e| open_error(path, &e))?;
    if meta.is_dir() {
        return Err(
            Diagnostic::error(format!("{} is a folder, not a file", path.display()))
                .in_file(path)
                .into(),
        );
    }
    if !meta.is_file() {
        return Err(
            Diagnostic::error(format!("{} is not an ordinary file", path.display()))
                .in_file(path)
                .into(),
        );
    }
    Ok(meta)
}

/// Reads a whole text file, decoding it as UTF-8 (BOM removed) or, failing that, Windows-1252.
pub fn read_text_file(path: &Path) -> Result<String, Problems> {
    let meta = ordinary_file(path)?;
    if meta.len() > MAX_TEXT_FILE {
        return Err(Diagnostic::error(format!(
            "{} is {} bytes, larger than the {} MiB a settings file may be",
            path.display(),
            meta.len(),
            MAX_TEXT_FILE / 1024 / 1024
        ))
        .in_file(path)
        .into());
    }
    let file = std::fs::File::open(path).map_err(|e| open_error(path, &e))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_TEXT_FILE + 1),
        &mut bytes,
    )
    .map_err(|e| open_error(path, &e))?;
    if bytes.len() as u64 > MAX_TEXT_FILE {
        return Err(Diagnostic::error(format!(
            "{} grew past {} MiB while it was read",
            path.display(),
            MAX_TEXT_FILE / 1024 / 1024
        ))
        .in_file(path)
        .into());
    }
    decode_text(&bytes)
        .map(Cow::into_owned)
        .map_err(|msg| Diagnostic::error(msg).in_file(path).into())
}

/// Whether bytes start with a UTF-16 byte-order mark (Excel's "Unicode Text").
pub fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// The message for a spreadsheet saved as UTF-16, with the way out.
pub fn utf16_error(path: &Path) -> Diagnostic {
    Diagnostic::error(format!(
        "{} is saved as UTF-16 (Excel's \"Unicode Text\")",
        path.display()
    ))
    .in_file(path)
    .with_help("in Excel choose File > Save As > \"CSV UTF-8 (Comma delimited)\"")
}

/// UTF-8 (with any BOM removed), or Windows-1252 when the bytes are not UTF-8.
/// UTF-16 (Excel's "Unicode Text") is refused with a way out, rather than misread.
pub fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("this file is saved as UTF-16 (Excel's \"Unicode Text\"); save it as \"CSV UTF-8\" or plain text instead".into());
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.contains(&0) {
        return Err(
            "this file contains binary data (a zero byte), so it is not a text file".into(),
        );
    }
    Ok(match std::str::from_utf8(body) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(body)
                .0
        }
    })
}

/// What kind of file a TOML error is in, so the hint fits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TomlFile {
    Project,
    Toolkit,
}

/// The TOML reader's message in plain words: program types named as a person would, and a
/// number that does not fit its field said with the field's own limit.
fn plain_message(message: &str, snippet: Option<&crate::diag::Snippet>) -> String {
    let m = first_line_lower(message);
    if m.contains("untagged enum RawDate") {
        return "expected a date, like 2024-04-01".to_string();
    }
    if is_number_error(&m) {
        if let Some(s) = snippet {
            let (key, found) = key_and_value(s);
            if let Some(rule) = field_rule(&key) {
                return format!("{key} must be {rule}, found {found}");
            }
            if let Some(max) = type_limit(&m) {
                return if found.starts_with('-') && max.starts_with('0') {
                    format!("{key} must be a whole number of 0 or more, found {found}")
                } else {
                    format!("{key} must be a whole number of at most {max}, found {found}")
                };
            }
        }
    }
    ["i64", "i32", "u32", "u64"].iter().fold(m, |m, t| {
        m.replace(&format!("expected {t}"), "expected a whole number")
    })
}

/// Whether a TOML reader's message is about a number not fitting its field.
fn is_number_error(m: &str) -> bool {
    [
        "integer `",
        "floating point `",
        "integer number overflowed",
        "is too large",
        "more digits",
        "a number, like",
        "not a finite number",
    ]
    .iter()
    .any(|n| m.contains(n))
}

/// The range of the program type a message names, for a field with no rule of its own.
fn type_limit(m: &str) -> Option<&'static str> {
    let limits = [
        ("u64", "0 to 18,446,744,073,709,551,615"),
        ("u32", "0 to 4,294,967,295"),
        ("u8", "0 to 255"),
        ("i32", "2,147,483,647"),
        ("i64", "9,223,372,036,854,775,807"),
    ];
    if m.contains("integer number overflowed") {
        return Some("9,223,372,036,854,775,807");
    }
    limits
        .iter()
        .find(|(t, _)| m.contains(&format!("expected {t}")))
        .map(|(_, l)| *l)
}

/// What a number field of a project, toolkit or submission must hold, by its key.
fn field_rule(key: &str) -> Option<String> {
    use crate::num::quantity;
    use rust_decimal::Decimal;
    let pounds = |max: i64| format!("£{}", quantity(Decimal::from(max)));
    Some(match key {
        "people" => format!(
            "a whole number from 1 to {} (the different people supported)",
            quantity(Decimal::from(crate::limits::MAX_PEOPLE))
        ),
        "amount" => format!(
            "an amount in pounds of at most {} (one trillion), like 85000",
            pounds(crate::limits::MAX_INVESTMENT)
        ),
        "value" | "low" | "high" | "wellby_value" | "wellby_low" | "wellby_high" => format!(
            "an amount in pounds of at most {} a unit, like 8500",
            pounds(crate::limits::MAX_UNIT_VALUE)
        ),
        "duration" => format!(
            "a whole number of years from 1 to {}",
            crate::limits::MAX_DURATION
        ),
        "price_year" | "wellby_price_year" => "a year, like 2024".into(),
        "min_pairs" => "a whole number from 5 to 1,000,000".into(),
        "deprivation_decile" => "a whole number from 1 to 10".into(),
        "deadweight" | "attribution" | "displacement" | "drop_off" | "discount_rate" => {
            "a fraction from 0 to 1, like 0.2 or \"20%\"".into()
        }
        "months_between" => "a number of months above 0 and at most 120, like 12".into(),
        _ => return None,
    })
}

/// The key a TOML value is given to, and the value as written (shortened), from the line
/// the error points at.
fn key_and_value(s: &crate::diag::Snippet) -> (String, String) {
    let at = s
        .text
        .char_indices()
        .nth(s.start)
        .map_or(s.text.len(), |(i, _)| i);
    let (before, after) = s.text.split_at(at);
    let key = before
        .trim_end()
        .trim_end_matches('=')
        .rsplit([',', '{'])
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('"')
        .to_string();
    let value: String = after.chars().take(s.len.max(1)).collect();
    let value = value.trim();
    let shown = if value.chars().count() > 40 {
        format!("{}…", value.chars().take(40).collect::<String>())
    } else {
        value.to_string()
    };
    (
        if key.is_empty() {
            "the value".into()
        } else {
            key
        },
        shown,
    )
}

/// A TOML syntax or shape error as a diagnostic, with a hint for the mistakes people make.
pub fn toml_error(e: &toml::de::Error, text: &str, path: &Path, file: TomlFile) -> Problems {
    toml_message(e.message(), e.span(), text, path, file)
}

/// [`toml_error`] for a parser's message and the place in `text` it is about, where the two
/// were found apart (a submission is parsed a table at a time).
pub fn toml_message(
    message: &str,
    span: Option<std::ops::Range<usize>>,
    text: &str,
    path: &Path,
    file: TomlFile,
) -> Problems {
    let message = message.trim().to_string();
    let d = Diagnostic::error(String::new());
    let d = match span {
        Some(span) => d.at_span(path, text, span),
        None => d.in_file(path),
    };
    let d = Diagnostic {
        message: plain_message(&message, d.snippet.as_ref()),
        ..d
    };
    let line = d.snippet.as_ref().map_or("", |s| s.text.as_str());
    let help = if looks_like_grouped_number(line) {
        Some("numbers in TOML are written without commas: 1200, not 1,200".to_string())
    } else if file == TomlFile::Project && message.contains("field `toolkit`") {
        Some("put `toolkit = \"uk-core\"` (your toolkit's id) at the top of the file, before any [table]".to_string())
    } else if message.contains("unknown field") {
        Some(
            "check the spelling of the field name; the fields allowed here are listed above"
                .to_string(),
        )
    } else if message.contains("missing field") {
        Some("add the missing field; docs/ describes every field".to_string())
    } else if message.contains("must be quoted") || message.contains("invalid string") {
        Some("text values go in double quotes, e.g. name = \"Oakfield CVS\"".to_string())
    } else {
        None
    };
    Problems::one(Diagnostic { help, ..d })
}

fn first_line_lower(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    let mut c = line.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => "the file is not valid TOML".into(),
    }
}

fn looks_like_grouped_number(line: &str) -> bool {
    let Some((_, value)) = line.split_once('=') else {
        return false;
    };
    let v = value.trim();
    let b = v.as_bytes();
    !v.starts_with('"')
        && !v.starts_with('[')
        && b.windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == b',' && w[2].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_bom_and_windows_1252() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFa,b").unwrap(), "a,b");
        assert_eq!(decode_text(b"caf\xE9 \xA35").unwrap(), "café £5");
        assert!(decode_text(b"\xFF\xFEa\0b\0").is_err());
        assert!(decode_text(b"ab\0cd").is_err());
    }

    #[test]
    fn comma_in_a_toml_number_gets_a_hint() {
        let text = "amount = 1,200\n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        let p = toml_error(&e, text, Path::new("project.toml"), TomlFile::Project);
        let d = &p.list[0];
        assert_eq!(d.location.as_ref().unwrap().line, Some(1));
        assert!(d.help.as_deref().unwrap().contains("without commas"), "{d}");
    }
}
