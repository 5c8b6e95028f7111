//! Problems found in the user's files: what went wrong, where (file, line, column), how to fix it.
//! Library code returns these instead of printing; the binary decides how to show them.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a problem is: errors stop the calculation, warnings are reported beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a file, 1-based, as an editor or spreadsheet shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// For CSV files: the column's header name, so a spreadsheet user can find it.
    pub column_name: Option<String>,
}

/// The offending line of a text file, with the part to underline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// 0-based character offset of the underline within `text`.
    pub start: usize,
    /// Length of the underline in characters (at least 1).
    pub len: usize,
}

impl Snippet {
    /// The line as shown (tabs as spaces, anything a terminal could act on escaped), with the
    /// underline's start and length in shown characters, so it stays under the same text.
    fn shown(&self) -> (String, usize, usize) {
        let (mut text, mut start, mut len) = (String::new(), 0, 0);
        for (i, c) in self.text.chars().enumerate() {
            let one = if c == '\t' {
                " ".to_string()
            } else {
                terminal_name(c.encode_utf8(&mut [0; 4]))
            };
            let width = one.chars().count();
            if i < self.start {
                start += width;
            } else if i < self.start + self.len {
                len += width;
            }
            text.push_str(&one);
        }
        (text, start, len.max(1))
    }
}

/// One problem, with everything needed to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    pub snippet: Option<Snippet>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            snippet: None,
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Points at a whole file (no line), e.g. a file that cannot be opened.
    pub fn in_file(mut self, file: &Path) -> Self {
        self.location = Some(Location {
            file: file.to_path_buf(),
            line: None,
            column: None,
            column_name: None,
        });
        self
    }

    /// Points at a byte range of a text file whose whole text is `src`.
    pub fn at_span(mut self, file: &Path, src: &str, span: std::ops::Range<usize>) -> Self {
        let (line, column, snippet) = locate(src, span);
        self.location = Some(Location {
            file: file.to_path_buf(),
            line: Some(line),
            column: Some(column),
            column_name: None,
        });
        self.snippet = Some(snippet);
        self
    }

    /// Points at a field of a CSV file: line, 1-based column number and header name.
    pub fn at_cell(mut self, file: &Path, line: u64, column: usize, name: &str) -> Self {
        self.location = Some(Location {
            file: file.to_path_buf(),
            line: Some(line),
            column: Some(column as u64),
            column_name: (!name.is_empty()).then(|| name.to_string()),
        });
        self
    }

    /// Points at a line of a file without a column.
    pub fn at_line(mut self, file: &Path, line: u64) -> Self {
        self.location = Some(Location {
            file: file.to_path_buf(),
            line: Some(line),
            column: None,
            column_name: None,
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Line (1-based), column (1-based, in characters) and the line's text for a byte span.
fn locate(src: &str, span: std::ops::Range<usize>) -> (u64, u64, Snippet) {
    let start = floor_char_boundary(src, span.start.min(src.len()));
    let end = floor_char_boundary(src, span.end.clamp(start, src.len()));
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
    let line_no = src[..start].matches('\n').count() as u64 + 1;
    let text = src[line_start..line_end].trim_end_matches('\r');
    let col = src[line_start..start].chars().count();
    let underline_end = end.min(line_start + text.len()).max(start);
    let len = src[start..underline_end].chars().count().max(1);
    (
        line_no,
        col as u64 + 1,
        Snippet {
            text: text.to_string(),
            start: col,
            len,
        },
    )
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Location {
    /// Whether the file is a spreadsheet, whose rows and columns are shown as cells like `C5`.
    fn in_spreadsheet(&self) -> bool {
        // `records.xlsx#Hours` names a sheet of records.xlsx.
        let name = self.file.to_string_lossy();
        let file = name.rsplit_once('#').map_or(name.as_ref(), |(f, _)| f);
        names_spreadsheet(Path::new(file))
    }
}

/// Whether a file's name is a spreadsheet's (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`).
///
/// Decision: this list lives here, at the bottom of the layers, because how a place is shown
/// (line and column, or a cell like `C5`) follows from it; the readers ask it too, so that a
/// file read as a spreadsheet is always shown as one, and nothing here imports a reader.
pub fn names_spreadsheet(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
}

/// A spreadsheet's name for column `n` (1-based): A, B, ... Z, AA, AB ...
pub fn column_letters(mut n: u64) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A path or a header is one name: its control characters and line breaks are escaped.
        write!(f, "{}", terminal_path(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(name) = &self.column_name {
            write!(f, " (column \"{}\")", terminal_name(name))?;
        }
        if let (Some(line), Some(col), true) = (self.line, self.column, self.in_spreadsheet()) {
            write!(f, " (cell {}{line})", column_letters(col))?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    /// Renders as `error: message`, then `--> file:line:col`, the line with the part underlined, and help.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{word}: {}", self.message)?;
        if let Some(loc) = &self.location {
            writeln!(f, "  --> {loc}")?;
        }
        if let (Some(snip), Some(line)) =
            (&self.snippet, self.location.as_ref().and_then(|l| l.line))
        {
            let num = line.to_string();
            let pad = " ".repeat(num.len());
            let (shown, start, len) = snip.shown();
            writeln!(f, " {pad} |")?;
            writeln!(f, " {num} | {shown}")?;
            writeln!(f, " {pad} | {}{}", " ".repeat(start), "^".repeat(len))?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Everything wrong with an input, gathered so the user can fix it all in one go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    pub list: Vec<Diagnostic>,
}

impl Problems {
    pub fn new() -> Self {
        Problems::default()
    }

    pub fn one(d: Diagnostic) -> Self {
        Problems { list: vec![d] }
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    pub fn extend(&mut self, other: Problems) {
        self.list.extend(other.list);
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.list.iter().filter(|d| d.is_error()).count()
    }

    /// `Err(self)` when any error was found, otherwise `Ok(value)` (warnings are dropped here;
    /// callers that keep warnings take them out first).
    pub fn into_result<T>(self, value: T) -> Result<T, Problems> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(value)
        }
    }
}

impl From<Diagnostic> for Problems {
    fn from(d: Diagnostic) -> Self {
        Problems::one(d)
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.list {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// User text fit to repeat in a message: `"text"` when short and on one line, otherwise a
/// stand-in. A long or multi-line cell may hold someone's story or name (for instance one
/// swallowed by a stray quote), and messages must never carry those.
pub fn quoted(text: &str) -> String {
    if text.chars().count() <= 40 && !text.contains(['\n', '\r']) {
        format!("\"{text}\"")
    } else {
        "this value (too long to repeat here)".to_string()
    }
}

/// Whether a terminal could act on `c` instead of showing it: control characters (C0, DEL
/// and C1: escape sequences in a file from a stranger could clear the screen, rewrite the
/// window title or ring the bell) and the bidirectional controls, which reorder the text
/// shown around them so a name reads as something else.
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with each character a terminal could act on written as a visible escape, `\u{1b}`,
/// except line breaks when `keep_lines`.
fn escaped(s: &str, keep_lines: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if acts_on_terminal(c) && !(keep_lines && c == '\n') {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Text for a terminal, laid out in lines by the program: every character a terminal could
/// act on shown as a visible escape (`\u{1b}`), so it is seen, never obeyed; line breaks kept.
/// All human text the binary writes passes through here; JSON and CSV on stdout are data and
/// stay exact. A name inside the text is escaped first with [`terminal_name`].
pub fn terminal_safe(s: &str) -> String {
    escaped(s, true)
}

/// One name for a terminal (a file's name, a proxy's, an organisation's): like
/// [`terminal_safe`], and a line break in it is escaped too, so a name can never start a line
/// of its own (a forged `ok:` line).
pub fn terminal_name(s: &str) -> String {
    escaped(s, false)
}

/// A path for a terminal, as [`terminal_name`].
pub fn terminal_path(p: &Path) -> String {
    terminal_name(&p.display().to_string())
}

/// The known word closest to `word`, if it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Ids and names are short; a long cell is no typo of one, and comparing it costs its
    // length times each candidate's.
    if word.len() > 64 {
        return None;
    }
    let w = word.to_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(&w, &k.to_lowercase()), k))
        .filter(|(d, k)| *d <= (k.chars().count().max(3) / 3).max(2))
        .min_by_key(|(d, k)| (*d, *k))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column_in_characters() {
        let src = "a = 1\nname = \"£x\" bad\n";
        let at = src.find("bad").unwrap();
        let d = Diagnostic::error("oops").at_span(Path::new("f.toml"), src, at..at + 3);
        let loc = d.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (Some(2), Some(13)));
        let shown = d.to_string();
        assert!(shown.contains("--> f.toml:2:13"), "{shown}");
        assert!(shown.contains("            ^^^"), "{shown}");
    }

    #[test]
    fn span_past_end_does_not_panic() {
        let d = Diagnostic::error("x").at_span(Path::new("f"), "ab", 5..9);
        assert_eq!(d.location.unwrap().line, Some(1));
    }

    #[test]
    fn suggests_nearest_known_word() {
        let known = ["health.ae-attendance", "health.gp-appointment"];
        assert_eq!(
            nearest("health.ae-atendance", known),
            Some("health.ae-attendance")
        );
        assert_eq!(nearest("zzzzzzzz", known), None);
    }

    #[test]
    fn the_underline_stays_under_its_text_when_controls_are_escaped() {
        let src = "a\u{1b}b = bad\n";
        let at = src.find("bad").unwrap();
        let d = Diagnostic::error("x").at_span(Path::new("f\nl.toml"), src, at..at + 3);
        let shown = d.to_string();
        assert!(shown.contains(r"--> f\u{a}l.toml:1:"), "{shown}");
        assert!(shown.contains(r" 1 | a\u{1b}b = bad"), "{shown}");
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[4].find('^'), lines[3].find("bad"), "{shown}");
        assert_eq!(lines[4].matches('^').count(), 3, "{shown}");
    }

    #[test]
    fn control_characters_are_shown_escaped_never_sent() {
        let s = "a\u{1b}[2J\u{7}b\nc\u{9b}d\u{202e}e\tf\u{7f}";
        assert_eq!(
            terminal_safe(s),
            r"a\u{1b}[2J\u{7}b".to_string() + "\n" + r"c\u{9b}d\u{202e}e\u{9}f\u{7f}"
        );
        assert_eq!(terminal_name("one\ntwo\r"), r"one\u{a}two\u{d}");
        assert_eq!(terminal_safe("£ and é stay"), "£ and é stay");
        // Escaping twice changes nothing: the escapes are plain text.
        assert_eq!(terminal_safe(&terminal_name(s)), terminal_name(s));
    }

    #[test]
    fn spreadsheet_places_are_shown_as_cells() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(703), "AAA");
        let d = Diagnostic::error("x").at_cell(Path::new("hours.xlsx"), 5, 3, "role");
        assert!(
            d.to_string()
                .contains("hours.xlsx:5:3 (column \"role\") (cell C5)"),
            "{d}"
        );
        let d = Diagnostic::error("x").at_cell(Path::new("hours.csv"), 5, 3, "role");
        assert!(!d.to_string().contains("cell"), "{d}");
    }
}
