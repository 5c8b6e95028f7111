//! Reading a TOML file a table at a time: the text cut at each `[table]` and `[[table]]`
//! header into sections, each read by the TOML parser on its own, and the tree of tables they
//! make by TOML's rules; typed records are then read from that tree ([`de`]).
//!
//! Decision: the TOML parser keeps a token and an event (48 bytes) for every key, value,
//! separator and line break, and a tree node for every value, until the whole text is parsed:
//! 35 times the file's size, so a 54 MB submission took 2.7 GB. Read a section at a time, that
//! working memory is one table's; what is kept is the text, this tree of headers, and the typed
//! result. The sections are put together as TOML puts tables together: a table is defined
//! once, `[[x]]` adds an entry, a deeper header belongs to the last entry above it, and a key
//! is never given twice. Stricter than TOML in one respect: a table given by dotted keys
//! (`a.b = 1`) cannot be continued by a later header (`[a.b.c]`), which no file we read needs.

pub mod de;

use std::collections::BTreeMap;
use std::ops::Range;
use toml_parser::lexer::TokenKind;

/// How much a file may hold, so that the working memory of reading it stays bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most `[table]` and `[[table]]` headers.
    pub tables: usize,
    /// Most keys, values, separators and line breaks in one table: the parser keeps about 100
    /// bytes for each while it reads the table.
    pub table_tokens: usize,
}

/// For a toolkit: 20,000 tables (a bank of 5,000 proxies, each with its `[proxy.basis]`, has
/// about 10,000) and 400,000 tokens in a table (about 40 MiB while it is read; the largest
/// table of a real bank, its `[price_index]`, has a few hundred).
pub const TOOLKIT: Limits = Limits {
    tables: 20_000,
    table_tokens: 400_000,
};

/// For project.toml: 20,000 tables, and 2 million tokens in a table. Decision: a project is the
/// user's own file, and a partnership of 100,000 members, each with a share, is read (issue
/// 11); that one table takes about 100 bytes a token, some 200 MiB, while it is read.
pub const PROJECT: Limits = Limits {
    tables: 20_000,
    table_tokens: 2_000_000,
};

/// Reads a whole file's typed records a table at a time, within `limits`.
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str, limits: Limits) -> Result<T, Error> {
    de::from_layout(&Layout::of(text, limits)?)
}

/// A problem at a place in the text (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl Error {
    pub fn at(message: String, span: Range<usize>) -> Error {
        Error {
            message,
            span: Some(span),
        }
    }

    /// A parser's error in a section starting at byte `offset`, placed in the whole text.
    pub fn from_toml(e: &toml::de::Error, offset: usize) -> Error {
        Error {
            message: e.message().to_string(),
            span: e.span().map(|s| s.start + offset..s.end + offset),
        }
    }

    /// The error as a diagnostic in the file at `path` whose text is `text`.
    pub fn problems(
        self,
        text: &str,
        path: &std::path::Path,
        file: crate::read::input::TomlFile,
    ) -> crate::diag::Problems {
        crate::read::input::toml_message(&self.message, self.span, text, path, file)
    }

    /// The same error, placed at `span` when it has no place of its own.
    pub fn or_at(mut self, span: Option<Range<usize>>) -> Error {
        if self.span.is_none() {
            self.span = span;
        }
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error {
            message: msg.to_string(),
            span: None,
        }
    }
}

/// A header and the lines after it, up to the next header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The whole section, header included (the text before the first header has none).
    pub range: Range<usize>,
    /// The header itself, from its first `[` to its last `]`.
    pub header: Range<usize>,
    /// The header's keys (`["volunteering", "role"]`); empty before the first header.
    pub path: Vec<String>,
    /// `[[...]]`: an entry of an array of tables.
    pub array: bool,
    /// The line the header is on, from 1.
    pub line: u64,
}

/// A table: the section giving its own keys (none for one only implied by a deeper header),
/// and the tables headers put inside it.
#[derive(Debug, Default)]
pub struct Table {
    pub own: Option<usize>,
    pub children: BTreeMap<String, Node>,
}

#[derive(Debug)]
pub enum Node {
    Table(Table),
    Array(Vec<Table>),
}

/// The text, its sections, and the document's tree of tables.
#[derive(Debug)]
pub struct Layout<'t> {
    pub text: &'t str,
    pub sections: Vec<Section>,
    pub root: Table,
    /// Each section as its syntax check parsed it, for a text of at most [`KEEP_PARSED`]
    /// bytes, until its table is read ([`Layout::own_detable`] takes it).
    parsed: std::cell::RefCell<Vec<Option<toml::de::DeTable<'t>>>>,
}

/// Largest text whose sections are kept as parsed. Decision: parsing each section once rather
/// than at each reading (its syntax check, a fingerprint, its typed record) was a quarter of a
/// network's time, its members' returns being a few kilobytes each; a kept tree takes some 10
/// times its text, so a large file is parsed again instead, a table at a time, as before.
pub const KEEP_PARSED: usize = 256 * 1024;

impl<'t> Layout<'t> {
    /// Cuts `text` into sections, checks the syntax of each, and puts them together.
    pub fn of(text: &'t str, limits: Limits) -> Result<Layout<'t>, Error> {
        let (sections, parsed) = cut(text, limits)?;
        let mut root = Table {
            own: Some(0),
            children: BTreeMap::new(),
        };
        for (i, s) in sections.iter().enumerate().skip(1) {
            place(&mut root, &sections, i).map_err(|m| Error::at(m, s.header.clone()))?;
        }
        Ok(Layout {
            text,
            sections,
            root,
            parsed: std::cell::RefCell::new(parsed),
        })
    }

    /// The span of a table's header, for messages about it as a whole.
    pub fn header(&self, t: &Table) -> Option<Range<usize>> {
        t.own
            .filter(|&i| i > 0)
            .map(|i| self.sections[i].header.clone())
    }

    /// Section `i` parsed on its own, down to the table its header opens.
    pub fn own_table(&self, i: usize) -> Result<toml::Table, Error> {
        let s = &self.sections[i];
        let mut t: toml::Table = toml::from_str(&self.text[s.range.clone()])
            .map_err(|e| Error::from_toml(&e, s.range.start))?;
        for (n, key) in s.path.iter().enumerate() {
            let last = n + 1 == s.path.len();
            t = match (t.remove(key), last && s.array) {
                (Some(toml::Value::Table(x)), false) => x,
                (Some(toml::Value::Array(mut a)), true) => match a.pop() {
                    Some(toml::Value::Table(x)) => x,
                    _ => return Err(self.lost(i)),
                },
                _ => return Err(self.lost(i)),
            };
        }
        Ok(t)
    }

    /// Section `i` parsed on its own, borrowing its text, down to the table its header opens.
    pub fn own_detable(&self, i: usize) -> Result<toml::de::DeTable<'t>, Error> {
        use toml::de::DeValue;
        let s = &self.sections[i];
        // (Not taken while `with_own_detable` has it borrowed: parsed again instead.)
        let kept = self
            .parsed
            .try_borrow_mut()
            .ok()
            .and_then(|mut p| p.get_mut(i).and_then(Option::take));
        let mut t = match kept {
            Some(t) => t,
            None => toml::de::DeTable::parse(&self.text[s.range.clone()])
                .map_err(|e| Error::from_toml(&e, s.range.start))?
                .into_inner(),
        };
        for n in 0..s.path.len() {
            let last = n + 1 == s.path.len();
            // Above the header's own table each level holds only the header's next key.
            let value = t.into_iter().next().map(|(_, v)| v.into_inner());
            t = match (value, last && s.array) {
                (Some(DeValue::Table(x)), false) => x,
                (Some(DeValue::Array(a)), true) => {
                    match a.into_iter().last().map(|v| v.into_inner()) {
                        Some(DeValue::Table(x)) => x,
                        _ => return Err(self.lost(i)),
                    }
                }
                _ => return Err(self.lost(i)),
            };
        }
        Ok(t)
    }

    /// `f` of section `i`'s table, as [`Layout::own_detable`] gives it, without taking a kept
    /// parse (so a later `own_detable` need not parse the section again).
    pub fn with_own_detable<R>(
        &self,
        i: usize,
        f: impl FnOnce(&toml::de::DeTable<'t>) -> R,
    ) -> Result<R, Error> {
        use toml::de::DeValue;
        let kept = self.parsed.borrow();
        let Some(Some(mut t)) = kept.get(i).map(Option::as_ref) else {
            drop(kept);
            return self.own_detable(i).map(|t| f(&t));
        };
        let path = &self.sections[i].path;
        for n in 0..path.len() {
            let last = n + 1 == path.len();
            let value = t.iter().next().map(|(_, v)| v.get_ref());
            t = match (value, last && self.sections[i].array) {
                (Some(DeValue::Table(x)), false) => x,
                (Some(DeValue::Array(a)), true) => match a.iter().last().map(|v| v.get_ref()) {
                    Some(DeValue::Table(x)) => x,
                    _ => return Err(self.lost(i)),
                },
                _ => return Err(self.lost(i)),
            };
        }
        Ok(f(t))
    }

    /// A header whose table could not be found in its own section (not expected to happen).
    fn lost(&self, i: usize) -> Error {
        Error::at(
            "this header's table could not be read".into(),
            self.sections[i].header.clone(),
        )
    }

    /// The keys a table's own section gives that a header also defines: TOML's "duplicate key".
    pub fn clash<'k>(&self, t: &Table, own: impl Iterator<Item = &'k str>) -> Result<(), Error> {
        for k in own {
            if let Some(node) = t.children.get(k) {
                let span = match node {
                    Node::Table(c) => self.header(c),
                    Node::Array(v) => v.first().and_then(|c| self.header(c)),
                };
                return Err(Error {
                    message: format!(
                        "duplicate key `{k}`: a header defines it as a table after it was given a value"
                    ),
                    span,
                });
            }
        }
        Ok(())
    }
}

/// Where a section's lexing stands.
struct Cutter<'t> {
    limits: Limits,
    sections: Vec<Section>,
    /// Each section as parsed, when the text is small enough to keep them ([`KEEP_PARSED`]).
    parsed: Option<Vec<Option<toml::de::DeTable<'t>>>>,
    /// Open `[` and `{` of values (a `[` at the start of a line inside one is not a header).
    depth: usize,
    line_start: bool,
    in_header: bool,
    /// Where the header being read ends so far (after its last `]`).
    header_end: usize,
    tokens: usize,
    /// Newlines counted up to `counted`, for the lines of headers.
    line: u64,
    counted: usize,
}

/// The sections of `text`, each checked by the TOML parser on its own, and (for a small text)
/// each as parsed. The first is the text before the first header.
type Cut<'t> = (Vec<Section>, Vec<Option<toml::de::DeTable<'t>>>);

fn cut(text: &str, limits: Limits) -> Result<Cut<'_>, Error> {
    let mut c = Cutter {
        limits,
        parsed: (text.len() <= KEEP_PARSED).then(Vec::new),
        sections: vec![Section {
            range: 0..0,
            header: 0..0,
            path: Vec::new(),
            array: false,
            line: 1,
        }],
        depth: 0,
        line_start: true,
        in_header: false,
        header_end: 0,
        tokens: 0,
        line: 1,
        counted: 0,
    };
    for token in toml_parser::Source::new(text).lex() {
        if token.kind() == TokenKind::Eof {
            break;
        }
        c.token(text, token.kind(), token.span().start()..token.span().end())?;
    }
    if c.in_header {
        c.header_ends(text, text.len())?;
    }
    c.close(text, text.len())?;
    Ok((c.sections, c.parsed.unwrap_or_default()))
}

impl<'t> Cutter<'t> {
    /// Takes in one token: a `[` at the start of a line outside any value opens a section.
    fn token(&mut self, text: &'t str, kind: TokenKind, span: Range<usize>) -> Result<(), Error> {
        self.tokens += 1;
        match kind {
            TokenKind::Newline => {
                if self.in_header {
                    self.in_header = false;
                    self.header_ends(text, span.start)?;
                }
                self.line_start = self.depth == 0;
                return Ok(());
            }
            TokenKind::Whitespace | TokenKind::Comment => return Ok(()),
            TokenKind::LeftSquareBracket if self.line_start && self.depth == 0 => {
                self.close(text, span.start)?;
                self.open(text, span.start)?;
            }
            TokenKind::RightSquareBracket if self.in_header => self.header_end = span.end,
            _ if self.in_header => {}
            TokenKind::LeftSquareBracket | TokenKind::LeftCurlyBracket => self.depth += 1,
            TokenKind::RightSquareBracket | TokenKind::RightCurlyBracket => {
                self.depth = self.depth.saturating_sub(1);
            }
            _ => {}
        }
        self.line_start = false;
        if self.tokens > self.limits.table_tokens {
            let at = self.sections.last().map_or(0..0, |s| s.header.clone());
            return Err(Error::at(
                format!(
                    "this table holds more than {} keys, values and separators, more than social-value reads in one table",
                    count(self.limits.table_tokens)
                ),
                at,
            ));
        }
        Ok(())
    }

    /// Ends the last section at `at` and checks its syntax.
    fn close(&mut self, text: &'t str, at: usize) -> Result<(), Error> {
        let Some(s) = self.sections.last_mut() else {
            return Ok(());
        };
        s.range.end = at;
        let t = toml::de::DeTable::parse(&text[s.range.clone()])
            .map_err(|e| Error::from_toml(&e, s.range.start))?;
        if let Some(kept) = &mut self.parsed {
            kept.resize_with(self.sections.len() - 1, || None);
            kept.push(Some(t.into_inner()));
        }
        Ok(())
    }

    /// Starts a section with the header at `at`.
    fn open(&mut self, text: &str, at: usize) -> Result<(), Error> {
        if self.sections.len() > self.limits.tables {
            return Err(Error::at(
                format!(
                    "the file holds more than {} tables (headers such as [[outcome]]), more than social-value reads in one file",
                    count(self.limits.tables)
                ),
                at..at + 1,
            ));
        }
        self.line += memchr::memchr_iter(b'\n', &text.as_bytes()[self.counted..at]).count() as u64;
        self.counted = at;
        self.sections.push(Section {
            range: at..at,
            header: at..at,
            path: Vec::new(),
            array: false,
            line: self.line,
        });
        self.in_header = true;
        self.header_end = at;
        self.tokens = 1;
        Ok(())
    }

    /// The header line of the last section ends at `end`: reads its keys.
    fn header_ends(&mut self, text: &str, end: usize) -> Result<(), Error> {
        let Some(s) = self.sections.last_mut() else {
            return Ok(());
        };
        let line = &text[s.range.start..end];
        let (path, array) = header_path(line).map_err(|e| Error::from_toml(&e, s.range.start))?;
        s.header = s.range.start..self.header_end.max(s.range.start);
        s.path = path;
        s.array = array;
        Ok(())
    }
}

/// A limit as people read it: `20,000`.
fn count(n: usize) -> String {
    crate::num::quantity(rust_decimal::Decimal::from(n))
}

/// The keys of a header line (`[[volunteering.role]]` gives `volunteering`, `role` and an
/// array), read by the TOML parser so quoted keys mean what TOML says.
fn header_path(line: &str) -> Result<(Vec<String>, bool), toml::de::Error> {
    match bare_header(line) {
        Some(simple) => Ok(simple),
        None => header_by_parser(line),
    }
}

/// [`header_path`] by the TOML parser alone (for any header a plain reading cannot settle).
fn header_by_parser(line: &str) -> Result<(Vec<String>, bool), toml::de::Error> {
    let mut t: toml::Table = toml::from_str(line)?;
    let mut path = Vec::new();
    loop {
        let Some((k, v)) = std::mem::take(&mut t).into_iter().next() else {
            return Ok((path, false));
        };
        path.push(k);
        match v {
            toml::Value::Table(x) => t = x,
            _ => return Ok((path, true)),
        }
    }
}

/// The keys of a header of bare keys only, as written by `submit` (`[[volunteering.role]]`,
/// no spaces, quotes or comment), without the TOML parser; `None` for any other header.
fn bare_header(line: &str) -> Option<(Vec<String>, bool)> {
    let (inner, array) = match line.strip_prefix("[[") {
        Some(r) => (r.strip_suffix("]]")?, true),
        None => (line.strip_prefix('[')?.strip_suffix(']')?, false),
    };
    let bare = |k: &str| {
        !k.is_empty()
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    let path: Vec<String> = inner.split('.').map(str::to_string).collect();
    path.iter().all(|k| bare(k)).then_some((path, array))
}

/// Puts section `i` into the tree by its header, as TOML does; the message says why not.
fn place(root: &mut Table, sections: &[Section], i: usize) -> Result<(), String> {
    let s = &sections[i];
    let Some((last, above)) = s.path.split_last() else {
        return Err("a header with no name".into());
    };
    let mut t = root;
    for k in above {
        let node = t
            .children
            .entry(k.clone())
            .or_insert_with(|| Node::Table(Table::default()));
        t = match node {
            Node::Table(x) => x,
            // A deeper header belongs to the last entry of an array of tables.
            Node::Array(v) => v.last_mut().ok_or("an empty array of tables")?,
        };
    }
    let name = s.path.join(".");
    let own = Table {
        own: Some(i),
        children: BTreeMap::new(),
    };
    match (t.children.get_mut(last), s.array) {
        (None, false) => {
            t.children.insert(last.clone(), Node::Table(own));
        }
        (None, true) => {
            t.children.insert(last.clone(), Node::Array(vec![own]));
        }
        (Some(Node::Array(v)), true) => v.push(own),
        (Some(Node::Table(x)), false) if x.own.is_none() => x.own = Some(i),
        (Some(Node::Table(x)), false) => {
            let first = x.own.map_or(0, |j| sections[j].line);
            return Err(format!(
                "table [{name}] is defined twice (first on line {first})"
            ));
        }
        (Some(Node::Table(_)), true) => {
            return Err(format!(
                "[[{name}]] adds to a list, but {name} is already a table"
            ));
        }
        (Some(Node::Array(_)), false) => {
            return Err(format!(
                "[{name}] defines a table, but {name} is already a list of [[{name}]] tables"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<(String, bool, u64)> {
        Layout::of(text, TOOLKIT)
            .unwrap()
            .sections
            .iter()
            .map(|s| (s.path.join("."), s.array, s.line))
            .collect()
    }

    #[test]
    fn headers_are_found_only_where_toml_has_them() {
        let text = "# top\n[a]\nx = [\n[1],\n]\ns = \"\"\"\n[not]\n\"\"\"\n  [[ b . \"c.d\" ]] # note\ny = 1\n[[b.\"c.d\"]]\n";
        assert_eq!(
            paths(text),
            vec![
                (String::new(), false, 1),
                ("a".into(), false, 2),
                ("b.c.d".into(), true, 9),
                ("b.c.d".into(), true, 11),
            ]
        );
        let l = Layout::of(text, TOOLKIT).unwrap();
        assert_eq!(&text[l.sections[2].header.clone()], "[[ b . \"c.d\" ]]");
        assert_eq!(l.own_table(2).unwrap()["y"].as_integer(), Some(1));
    }

    #[test]
    fn a_header_of_bare_keys_is_read_as_the_toml_parser_reads_it() {
        for line in [
            "[a]",
            "[[a]]",
            "[a.b-c.d_1]",
            "[[v.role]]",
            "[a..b]",
            "[[a]",
            "[a]]",
            "[ a ]",
            "[\"a.b\"]",
            "[a] # x",
            "[]",
            "[[]]",
            "[a.]",
            "[é]",
            "[a]\r",
        ] {
            let parsed = header_by_parser(line).ok();
            match bare_header(line) {
                Some(simple) => assert_eq!(Some(simple), parsed, "{line}"),
                None => assert!(!matches!(line, "[a]" | "[[a]]" | "[[v.role]]"), "{line}"),
            }
        }
    }

    #[test]
    fn windows_line_ends_and_a_header_comment_are_read() {
        let text = "x = 1\r\n[a] # note ]\r\ny = 2\r\n\r\n[[b]]\r\n";
        assert_eq!(
            paths(text),
            vec![
                (String::new(), false, 1),
                ("a".into(), false, 2),
                ("b".into(), true, 5)
            ]
        );
        let l = Layout::of(text, TOOLKIT).unwrap();
        assert_eq!(&text[l.sections[1].header.clone()], "[a]");
    }

    #[test]
    fn tables_are_put_together_by_toml_rules() {
        let ok = "[[p]]\nid = 1\n[p.shares]\nx = 2\n[[p]]\nid = 2\n[v.role]\n[v]\nc = 1\n";
        let l = Layout::of(ok, TOOLKIT).unwrap();
        let Some(Node::Array(p)) = l.root.children.get("p") else {
            panic!("p is not an array")
        };
        assert_eq!(p.len(), 2);
        assert!(p[0].children.contains_key("shares"));
        let bad = |t: &str| Layout::of(t, TOOLKIT).unwrap_err().message;
        assert!(bad("[a]\n[a]\n").contains("defined twice (first on line 1)"));
        assert!(bad("[a]\n[[a]]\n").contains("already a table"));
        assert!(bad("[[a]]\n[a]\n").contains("already a list"));
        assert!(
            bad("[a]\nx = \n[b]\n").contains("string"),
            "{}",
            bad("[a]\nx = \n[b]\n")
        );
    }

    /// What is read a table at a time is what a whole-file parse gives, and nothing TOML
    /// refuses is accepted (a few things TOML allows are refused: see the module's decision).
    #[test]
    fn reading_by_tables_agrees_with_a_whole_file_parse() {
        let docs = [
            "[a.b]\nx = 1\n[a]\nc = 1\n",
            "[[a]]\nb = 1\n[[a]]\nb = 2\n[a.c]\nd = 3\n[[a.e]]\nf = [1, {g = 'h'}]\n",
            "t = 1979-05-27T07:32:00Z\nf = 1.5e3\ni = 0x1F\ns = '''\n[x]\n'''\n[y]\n",
            "[a]\nb = 1\n[a.b]\n",
            "a = [1]\n[[a]]\n",
            "a = {b = 1}\n[a.c]\n",
            "[a]\n[a]\n",
            "[[a]]\n[a]\n",
            "[a]\n[[a]]\n",
            "[a]\nb.c = 1\n[a.b.d]\n",
            "a.b = 1\n[a.c]\n",
            "[a]\nx = 1\nx = 2\n",
            "[\"a.b\"]\n[a]\nb = 1\n",
        ];
        for d in docs {
            let whole = toml::from_str::<toml::Table>(d);
            let by_tables = from_str::<toml::Table>(d, TOOLKIT);
            match (&whole, &by_tables) {
                (Ok(w), Ok(t)) => assert_eq!(w, t, "{d}"),
                (Err(_), Ok(t)) => panic!("accepted what TOML refuses: {d} as {t:?}"),
                _ => {}
            }
        }
        for d in &docs[..3] {
            assert!(from_str::<toml::Table>(d, TOOLKIT).is_ok(), "{d}");
        }
    }

    #[test]
    fn a_syntax_error_is_placed_in_the_whole_text() {
        let e = Layout::of("[a]\nx = 1\n[b]\ny = = 2\n", TOOLKIT).unwrap_err();
        assert_eq!(e.span.map(|s| s.start >= 13), Some(true));
    }

    #[test]
    fn too_many_tokens_in_one_table_are_refused() {
        let limits = Limits {
            tables: 10,
            table_tokens: 1000,
        };
        let text = format!("[a]\nx = [{}]\n", "1,".repeat(1000));
        assert!(Layout::of(&text, limits)
            .unwrap_err()
            .message
            .contains("more than 1,000 keys"));
        let text = "[[a]]\n".repeat(11);
        assert!(Layout::of(&text, limits)
            .unwrap_err()
            .message
            .contains("more than 10 tables"));
    }
}
