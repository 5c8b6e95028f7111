//! A submission's fingerprint: SHA-256 of its canonical JSON (keys sorted, no spaces, the
//! fingerprint itself left out), so any edit after writing shows.

use super::format::Submission;
use crate::read::toml::{self as layout, Layout, Node, Table};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use toml::de::{DeTable, DeValue};

/// JSON with object keys sorted and no spaces: the canonical form that is fingerprinted.
fn canonical_json(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                canonical_json(&map[k], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `sha256:` + hex SHA-256 of the canonical JSON of a parsed submission document, without its
/// `submission.fingerprint`.
pub fn fingerprint_of_document(doc: &toml::Table) -> String {
    let mut doc = doc.clone();
    if let Some(toml::Value::Table(h)) = doc.get_mut("submission") {
        h.remove("fingerprint");
    }
    let json = serde_json::to_value(&doc).unwrap_or_default();
    let mut text = String::new();
    canonical_json(&json, &mut text);
    hex(&Sha256::digest(text.as_bytes()))
}

/// A value as [`fingerprint_of_layout`] shows it: the number it holds (a number, or text that
/// reads as one), if any.
pub(super) type Each<'e> = dyn FnMut(Option<Decimal>, &str) + 'e;

/// The same digest as [`fingerprint_of_document`] of the whole parsed file, computed a table at
/// a time from its [`Layout`] (the canonical JSON streamed into the hash, never held whole).
/// `each` is shown every scalar value with its key path (`outcome[3].quantity`), in canonical
/// order, with the number it holds.
///
/// Decision: each table's canonical JSON is written straight from the parser's borrowed tree
/// (one parse, no owned copy, no `serde_json::Value` in between), which was a third of the
/// time a network took; a table holding a float, a date-time or an integer beyond 64 bits
/// (none that `submit` writes) is written the old way, through `toml::Value` and
/// `serde_json::Value`, so that every file gives exactly the digest and the messages it gave.
pub(super) fn fingerprint_of_layout(
    layout: &Layout,
    each: &mut Each,
) -> Result<String, layout::Error> {
    let mut c = Canonical {
        layout,
        each,
        hash: Sha256::new(),
        out: Vec::with_capacity(4096),
        at: String::new(),
    };
    c.table(&layout.root, None)?;
    c.flush();
    Ok(hex(&c.hash.finalize()))
}

fn hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(7 + 2 * digest.len());
    out.push_str("sha256:");
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The canonical JSON of a document in a [`Layout`], written into a hash.
struct Canonical<'l, 't, 'e> {
    layout: &'l Layout<'t>,
    each: &'l mut Each<'e>,
    hash: Sha256,
    out: Vec<u8>,
    /// The key path of the value being written (`outcome[3].quantity`).
    at: String,
}

/// A key's value: one of a table's own, or a table a header defines.
enum Entry<'v, 't> {
    Own(&'v DeValue<'t>),
    Slow(&'v toml::Value),
    Node(&'v Node),
}

/// The number a value holds, as the submission reader checks it: a number, or text that reads
/// as one.
pub(super) fn number_of(v: &toml::Value) -> Option<Decimal> {
    match v {
        toml::Value::Integer(i) => Some(Decimal::from(*i)),
        toml::Value::Float(f) => Decimal::from_f64_retain(*f).or(Some(Decimal::MAX)),
        toml::Value::String(s) => number_in(s),
        _ => None,
    }
}

/// The number a text holds, as [`crate::num::parse_decimal`] reads it. Decision: text that
/// holds a character no number may hold, or no digit, is not parsed (most text is not a
/// number, and the parser's message for it was a tenth of a network's time).
fn number_in(s: &str) -> Option<Decimal> {
    let maybe = s.bytes().any(|b| b.is_ascii_digit())
        && s.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(c, '.' | ',' | '-' | '+' | '£' | '\u{2212}')
                || c.is_whitespace()
        });
    maybe.then(|| crate::num::parse_decimal(s).ok()).flatten()
}

/// An integer as `toml::Value` holds it, when it fits.
fn integer(i: &toml::de::DeInteger) -> Option<i64> {
    i64::from_str_radix(i.as_str(), i.radix()).ok()
}

/// Whether the borrowed tree writes as `toml::Value` would: only text, booleans, integers
/// within 64 bits, arrays and tables (every value `submit` writes).
fn plain(v: &DeValue) -> bool {
    match v {
        DeValue::String(_) | DeValue::Boolean(_) => true,
        DeValue::Integer(i) => integer(i).is_some(),
        DeValue::Float(_) | DeValue::Datetime(_) => false,
        DeValue::Array(a) => a.iter().all(|x| plain(x.get_ref())),
        DeValue::Table(t) => t.iter().all(|(_, x)| plain(x.get_ref())),
    }
}

impl Canonical<'_, '_, '_> {
    fn flush(&mut self) {
        self.hash.update(&self.out);
        self.out.clear();
    }

    /// `at` made one key deeper; returns the length to truncate back to.
    fn enter(&mut self, k: &str) -> usize {
        let len = self.at.len();
        if len > 0 {
            self.at.push('.');
        }
        self.at.push_str(k);
        len
    }

    fn enter_item(&mut self, i: usize) -> usize {
        use std::fmt::Write;
        let len = self.at.len();
        let _ = write!(self.at, "[{}]", i + 1);
        len
    }

    fn key(&mut self, k: &str) {
        let _ = serde_json::to_writer(&mut self.out, k);
        self.out.push(b':');
    }

    /// A table as a JSON object, keys in code-point order, leaving out the key `drop`.
    fn table(&mut self, t: &Table, drop: Option<&str>) -> Result<(), layout::Error> {
        let layout = self.layout;
        match t.own {
            // The section as its syntax check parsed it, when kept (small files).
            Some(i) => layout.with_own_detable(i, |own| self.entries(t, Some(own), drop))?,
            None => self.entries(t, None, drop),
        }
    }

    /// [`Canonical::table`] given its own section's table.
    fn entries(
        &mut self,
        t: &Table,
        own: Option<&DeTable>,
        drop: Option<&str>,
    ) -> Result<(), layout::Error> {
        let fast = own.is_none_or(|o| o.iter().all(|(_, v)| plain(v.get_ref())));
        let slow = match (&own, fast, t.own) {
            (Some(_), false, Some(i)) => self.layout.own_table(i)?,
            _ => toml::Table::new(),
        };
        let mut entries: Vec<(&str, Entry)> = Vec::new();
        if fast {
            for (k, v) in own.into_iter().flatten() {
                entries.push((k.get_ref().as_ref(), Entry::Own(v.get_ref())));
            }
        } else {
            entries.extend(slow.iter().map(|(k, v)| (k.as_str(), Entry::Slow(v))));
        }
        self.layout.clash(t, entries.iter().map(|(k, _)| *k))?;
        entries.extend(t.children.iter().map(|(k, n)| (k.as_str(), Entry::Node(n))));
        entries.retain(|(k, _)| Some(*k) != drop);
        entries.sort_by(|a, b| a.0.cmp(b.0));
        self.out.push(b'{');
        let root = self.at.is_empty();
        for (n, (k, entry)) in entries.into_iter().enumerate() {
            if n > 0 {
                self.out.push(b',');
            }
            self.key(k);
            let back = self.enter(k);
            // The fingerprint is of everything but `submission.fingerprint`.
            let header = (root && k == "submission").then_some("fingerprint");
            match entry {
                Entry::Own(v) => self.value(v, header),
                Entry::Slow(v) => self.slow_value(v, header),
                Entry::Node(Node::Table(c)) => self.table(c, header)?,
                Entry::Node(Node::Array(items)) => {
                    self.out.push(b'[');
                    for (i, c) in items.iter().enumerate() {
                        if i > 0 {
                            self.out.push(b',');
                        }
                        let back = self.enter_item(i);
                        self.table(c, None)?;
                        self.at.truncate(back);
                    }
                    self.out.push(b']');
                }
            }
            self.at.truncate(back);
        }
        self.out.push(b'}');
        if self.out.len() > 1 << 16 {
            self.flush();
        }
        Ok(())
    }

    /// A value of the borrowed tree (one [`plain`] says writes as `toml::Value` would).
    fn value(&mut self, v: &DeValue, drop: Option<&str>) {
        use std::io::Write;
        match v {
            DeValue::String(s) => {
                (self.each)(number_in(s), &self.at);
                let _ = serde_json::to_writer(&mut self.out, s.as_ref());
            }
            DeValue::Boolean(b) => {
                (self.each)(None, &self.at);
                self.out
                    .extend_from_slice(if *b { b"true" } else { b"false" });
            }
            DeValue::Integer(i) => {
                let i = integer(i).unwrap_or_default();
                (self.each)(Some(Decimal::from(i)), &self.at);
                let _ = write!(self.out, "{i}");
            }
            DeValue::Array(a) => {
                self.out.push(b'[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    let back = self.enter_item(i);
                    self.value(x.get_ref(), None);
                    self.at.truncate(back);
                }
                self.out.push(b']');
            }
            DeValue::Table(t) => {
                self.out.push(b'{');
                let mut first = true;
                // The parser's tables iterate in key order, as canonical JSON wants.
                for (k, x) in t.iter().filter(|(k, _)| Some(k.get_ref().as_ref()) != drop) {
                    if !first {
                        self.out.push(b',');
                    }
                    first = false;
                    let k: &str = k.get_ref();
                    self.key(k);
                    let back = self.enter(k);
                    self.value(x.get_ref(), None);
                    self.at.truncate(back);
                }
                self.out.push(b'}');
            }
            // Not reached: `plain` sends a table holding these the slow way.
            DeValue::Float(_) | DeValue::Datetime(_) => self.out.extend_from_slice(b"null"),
        }
    }

    /// A value the old way: through `toml::Value` and `serde_json::Value`.
    fn slow_value(&mut self, v: &toml::Value, drop: Option<&str>) {
        if let (toml::Value::Table(t), Some(k)) = (v, drop) {
            let mut t = t.clone();
            t.remove(k);
            return self.slow_value(&toml::Value::Table(t), None);
        }
        let mut at = std::mem::take(&mut self.at);
        show_values(v, &mut at, self.each);
        self.at = at;
        let mut text = String::new();
        canonical_json(&serde_json::to_value(v).unwrap_or_default(), &mut text);
        self.out.extend_from_slice(text.as_bytes());
    }
}

/// Shows every scalar in `v` to `each`, with its key path, in key order.
fn show_values(v: &toml::Value, at: &mut String, each: &mut Each) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                let back = at.len();
                if back > 0 {
                    at.push('.');
                }
                at.push_str(k);
                show_values(x, at, each);
                at.truncate(back);
            }
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let back = at.len();
                at.push_str(&format!("[{}]", i + 1));
                show_values(x, at, each);
                at.truncate(back);
            }
        }
        other => each(number_of(other), at),
    }
}

/// The fingerprint of a submission about to be written: its TOML read back a table at a time,
/// as a reader reads it (a whole-file parse of a large return took 35 times its size).
pub(super) fn fingerprint_of(s: &Submission) -> String {
    let text = toml::to_string(s).unwrap_or_default();
    // The writer's own output: no reader's limit applies to computing its fingerprint.
    let all = layout::Limits {
        tables: usize::MAX,
        table_tokens: usize::MAX,
    };
    Layout::of(&text, all)
        .and_then(|l| fingerprint_of_layout(&l, &mut |_, _| {}))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_layout_and_key_order_but_not_values() {
        let a: toml::Table = toml::from_str("[submission]\nfingerprint = \"x\"\nformat_version = 1\n[results]\npresent_value = \"10.00\"\ninvestment = \"5.00\"\n").unwrap();
        let b: toml::Table = toml::from_str("# comment\n[results]\ninvestment = \"5.00\"\npresent_value = \"10.00\"\n\n[submission]\nformat_version = 1\nfingerprint = \"y\"\n").unwrap();
        let c: toml::Table = toml::from_str("[submission]\nformat_version = 1\n[results]\npresent_value = \"10.01\"\ninvestment = \"5.00\"\n").unwrap();
        assert_eq!(fingerprint_of_document(&a), fingerprint_of_document(&b));
        assert_ne!(fingerprint_of_document(&a), fingerprint_of_document(&c));
        assert!(fingerprint_of_document(&a).starts_with("sha256:"));
    }

    #[test]
    fn a_layout_gives_the_fingerprint_of_the_whole_document() {
        let docs = [
            super::super::read::tests::example(),
            "submission = { fingerprint = \"x\", format_version = 4 }\nb.c = 1.5\nd = 1979-05-27T07:32:00Z\n[a]\nz = [1, {x = 'y'}]\n[[e]]\n[e.f]\ng = true\n[[e]]\n[\"é\"]\n[A]\n".into(),
            "[submission]\nfingerprint = 'q'\nx = 1\n[submission.fingerprint2]\ny = 2\n[[results.line]]\nproxy = 'a'\n[results]\ninvestment = '1'\n".into(),
            "[submission.fingerprint]\nx = 1\n[submission]\ny = 2\n".into(),
            String::new(),
        ];
        for d in docs {
            let whole = fingerprint_of_document(&toml::from_str(&d).unwrap());
            let layout = Layout::of(&d, super::super::LIMITS).unwrap();
            let mut seen = Vec::new();
            let by_tables =
                fingerprint_of_layout(&layout, &mut |_, at| seen.push(at.to_string())).unwrap();
            assert_eq!(by_tables, whole, "{d}");
            if d.contains("[[e]]") {
                assert!(seen.contains(&"e[1].f.g".to_string()), "{seen:?}");
            }
        }
    }

    /// The values shown while fingerprinting a table at a time, written straight from the
    /// parser's tree or the old way, are those of the whole parsed document, in key order.
    #[test]
    fn every_value_is_shown_with_its_path_and_number_as_the_whole_document_has_it() {
        let docs = [
            super::super::read::tests::example(),
            "[submission]\nfingerprint = 'x'\nn = 7\n[a]\nq = '1.5'\nz = [1, {x = '2', y = [3, 'k']}]\nb.c = -4\n[[e]]\nv = 0x1F\n[[e]]\nv = '1e3'\nw = true\n".into(),
            "[a]\nf = 1.5\nq = '3'\n[b]\nt = 1979-05-27T07:32:00Z\ni = 2\n".into(),
        ];
        for d in docs {
            let mut whole: toml::Table = toml::from_str(&d).unwrap();
            if let Some(toml::Value::Table(h)) = whole.get_mut("submission") {
                h.remove("fingerprint");
            }
            let mut expected = Vec::new();
            show_values(
                &toml::Value::Table(whole),
                &mut String::new(),
                &mut |n, at| expected.push((at.to_string(), n)),
            );
            let layout = Layout::of(&d, super::super::LIMITS).unwrap();
            let mut seen = Vec::new();
            fingerprint_of_layout(&layout, &mut |n, at| seen.push((at.to_string(), n))).unwrap();
            assert_eq!(seen, expected, "{d}");
            assert!(seen.len() > 3);
            // A file too large to keep its parsed sections gives the same, parsed again.
            let padded = format!("{d}\n#{}\n", "x".repeat(layout::KEEP_PARSED));
            let big = Layout::of(&padded, super::super::LIMITS).unwrap();
            let mut again = Vec::new();
            let digest = fingerprint_of_layout(&big, &mut |n, at| again.push((at.to_string(), n)));
            assert_eq!(again, seen);
            assert_eq!(
                digest.unwrap(),
                fingerprint_of_layout(&layout, &mut |_, _| {}).unwrap()
            );
            let typed: toml::Table = layout::de::from_layout(&big).unwrap();
            assert_eq!(typed, toml::from_str::<toml::Table>(&d).unwrap());
        }
    }

    #[test]
    fn a_written_return_is_fingerprinted_as_it_will_be_read() {
        let text = super::super::read::tests::example();
        let s: Submission = toml::from_str(&text).unwrap();
        let whole =
            fingerprint_of_document(&toml::from_str(&toml::to_string(&s).unwrap()).unwrap());
        assert_eq!(fingerprint_of(&s), whole);
        assert_eq!(s.submission.fingerprint, whole);
    }

    #[test]
    fn text_is_read_as_a_number_exactly_when_the_number_parser_reads_it() {
        for t in [
            "12",
            " 1,200.50 ",
            "£85,000",
            "-3.5",
            "\u{2212}4",
            "+.5",
            "1,2",
            "1e3",
            "12a",
            "a1",
            "",
            " ",
            ".",
            "-",
            "£",
            "1.2.3",
            "Member 12",
            "sha256:ab12",
            "2024-04-01",
            "0x1F",
            "1 000",
            "٣",
            "１２",
        ] {
            assert_eq!(number_in(t), crate::num::parse_decimal(t).ok(), "{t:?}");
        }
    }

    #[test]
    fn canonical_json_sorts_keys_and_has_no_spaces() {
        let mut out = String::new();
        canonical_json(
            &serde_json::json!({"b": [1, {"d": "x", "c": true}], "a": "é\""}),
            &mut out,
        );
        assert_eq!(out, "{\"a\":\"é\\\"\",\"b\":[1,{\"c\":true,\"d\":\"x\"}]}");
    }
}
