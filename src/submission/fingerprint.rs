//! A submission's fingerprint: SHA-256 of its canonical JSON (keys sorted, no spaces, the
//! fingerprint itself left out), so any edit after writing shows.

use super::format::Submission;
use crate::read::toml::{self as layout, Layout, Node, Table};
use sha2::{Digest, Sha256};

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

/// The same digest as [`fingerprint_of_document`] of the whole parsed file, computed a table at
/// a time from its [`Layout`] (the canonical JSON streamed into the hash, never held whole).
/// `each` is shown every value with its key path (`outcome[3].quantity`), in canonical order.
pub(super) fn fingerprint_of_layout(
    layout: &Layout,
    each: &mut dyn FnMut(&toml::Value, &str),
) -> Result<String, layout::Error> {
    let mut c = Canonical {
        layout,
        each,
        hash: Sha256::new(),
        out: String::new(),
    };
    c.table(&layout.root, "", None)?;
    c.flush();
    Ok(hex(&c.hash.finalize()))
}

fn hex(digest: &[u8]) -> String {
    format!(
        "sha256:{}",
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// The canonical JSON of a document in a [`Layout`], written into a hash.
struct Canonical<'a> {
    layout: &'a Layout<'a>,
    each: &'a mut dyn FnMut(&toml::Value, &str),
    hash: Sha256,
    out: String,
}

/// A key's value: one of a table's own, or a table a header defines.
enum Entry<'v> {
    Own(&'v toml::Value),
    Node(&'v Node),
}

impl Canonical<'_> {
    fn flush(&mut self) {
        self.hash.update(self.out.as_bytes());
        self.out.clear();
    }

    /// A table as a JSON object, keys in code-point order, leaving out the key `drop`.
    fn table(&mut self, t: &Table, at: &str, drop: Option<&str>) -> Result<(), layout::Error> {
        let own = match t.own {
            Some(i) => self.layout.own_table(i)?,
            None => toml::Table::new(),
        };
        self.layout.clash(t, own.keys().map(String::as_str))?;
        let mut entries: Vec<(&str, Entry)> = own
            .iter()
            .map(|(k, v)| (k.as_str(), Entry::Own(v)))
            .chain(t.children.iter().map(|(k, n)| (k.as_str(), Entry::Node(n))))
            .filter(|(k, _)| Some(*k) != drop)
            .collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        self.out.push('{');
        for (n, (k, entry)) in entries.into_iter().enumerate() {
            if n > 0 {
                self.out.push(',');
            }
            self.out
                .push_str(&serde_json::to_string(k).unwrap_or_default());
            self.out.push(':');
            let here = if at.is_empty() {
                k.to_string()
            } else {
                format!("{at}.{k}")
            };
            // The fingerprint is of everything but `submission.fingerprint`.
            let header = (at.is_empty() && k == "submission").then_some("fingerprint");
            match entry {
                Entry::Own(v) => self.value(v, &here, header),
                Entry::Node(Node::Table(c)) => self.table(c, &here, header)?,
                Entry::Node(Node::Array(items)) => {
                    self.out.push('[');
                    for (i, c) in items.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.table(c, &format!("{here}[{}]", i + 1), None)?;
                    }
                    self.out.push(']');
                }
            }
        }
        self.out.push('}');
        Ok(())
    }

    fn value(&mut self, v: &toml::Value, at: &str, drop: Option<&str>) {
        if let (toml::Value::Table(t), Some(k)) = (v, drop) {
            let mut t = t.clone();
            t.remove(k);
            return self.value(&toml::Value::Table(t), at, None);
        }
        (self.each)(v, at);
        canonical_json(&serde_json::to_value(v).unwrap_or_default(), &mut self.out);
        self.flush();
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
    fn canonical_json_sorts_keys_and_has_no_spaces() {
        let mut out = String::new();
        canonical_json(
            &serde_json::json!({"b": [1, {"d": "x", "c": true}], "a": "é\""}),
            &mut out,
        );
        assert_eq!(out, "{\"a\":\"é\\\"\",\"b\":[1,{\"c\":true,\"d\":\"x\"}]}");
    }
}
