//! A submission's fingerprint: SHA-256 of its canonical JSON (keys sorted, no spaces, the
//! fingerprint itself left out), so any edit after writing shows.

use super::format::Submission;
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
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256:{}",
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

pub(super) fn fingerprint_of(s: &Submission) -> String {
    let text = toml::to_string(s).unwrap_or_default();
    toml::from_str::<toml::Table>(&text)
        .map(|t| fingerprint_of_document(&t))
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
    fn canonical_json_sorts_keys_and_has_no_spaces() {
        let mut out = String::new();
        canonical_json(
            &serde_json::json!({"b": [1, {"d": "x", "c": true}], "a": "é\""}),
            &mut out,
        );
        assert_eq!(out, "{\"a\":\"é\\\"\",\"b\":[1,{\"c\":true,\"d\":\"x\"}]}");
    }
}
