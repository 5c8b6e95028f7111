//! Places: local authority district codes (`E08000010`) and a toolkit's own list of named places
//! (`[[place]]`), so "Wigan" and "E08000010" are read as one place in every return.

use super::load::Checker;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use toml::Spanned;

/// A place a toolkit names: its district code and the name people use for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub code: String,
    pub name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlace {
    code: Spanned<String>,
    name: Spanned<String>,
}

/// Whether `text` is shaped like an ONS (GSS) area code: a nation letter (E, W, S or N), then
/// eight digits, e.g. E08000010. Decision: the shape is checked, not a list of every district,
/// because districts are merged and renamed between years and the tool bundles no list that
/// would go stale; a toolkit can list its region's places by name.
pub fn is_code(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 9
        && matches!(b[0], b'E' | b'W' | b'S' | b'N')
        && b[1..].iter().all(u8::is_ascii_digit)
}

/// A toolkit's places looked up by name (ignoring case) and by code, built once when the
/// toolkit is loaded, so a long table of places costs nothing per row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceIndex {
    by_name: HashMap<String, String>,
    by_code: HashMap<String, String>,
    /// The first few names, for help text.
    examples: Vec<String>,
}

impl PlaceIndex {
    pub fn new(places: &[Place]) -> PlaceIndex {
        PlaceIndex {
            by_name: places
                .iter()
                .map(|p| (p.name.to_lowercase(), p.code.clone()))
                .collect(),
            by_code: places
                .iter()
                .map(|p| (p.code.clone(), p.name.clone()))
                .collect(),
            examples: places.iter().take(8).map(|p| p.name.clone()).collect(),
        }
    }

    /// The code `text` names: a code as written (any case), or the code of the place whose
    /// name matches ignoring case and surrounding spaces. The error is the help to show.
    pub fn resolve(&self, text: &str) -> Result<String, String> {
        let t = text.trim();
        let upper = t.to_ascii_uppercase();
        if is_code(&upper) {
            return Ok(upper);
        }
        if let Some(code) = self.by_name.get(&t.to_lowercase()) {
            return Ok(code.clone());
        }
        Err(if self.examples.is_empty() {
            "write the local authority district code, e.g. E08000010 (the toolkit lists no place names)".into()
        } else {
            format!(
                "write the local authority district code, e.g. E08000010, or a place the toolkit names: {}",
                self.examples.join(", ")
            )
        })
    }

    /// The name the toolkit gives a code, if any.
    pub fn name_of(&self, code: &str) -> Option<&str> {
        self.by_code.get(code).map(String::as_str)
    }
}

impl Checker<'_> {
    /// Reads `[[place]]`: codes well formed, names given, neither used twice.
    pub(super) fn places(&mut self, raw: Vec<RawPlace>) -> Vec<Place> {
        let mut out = Vec::with_capacity(raw.len());
        let (mut codes, mut names) = (HashSet::new(), HashSet::new());
        for p in raw {
            let code = p.code.get_ref().trim().to_string();
            if !is_code(&code) {
                self.err(
                    p.code.span(),
                    format!("place code \"{code}\" is not a district code"),
                    Some(
                        "write the ONS code: a nation letter and eight digits, e.g. E08000010"
                            .into(),
                    ),
                );
            } else if !codes.insert(code.clone()) {
                self.err(p.code.span(), format!("place {code} is listed twice"), None);
            }
            let name = self.nonempty(&p.name, "place name");
            if is_code(&name.to_ascii_uppercase()) {
                self.err(
                    p.name.span(),
                    format!("place name \"{name}\" looks like a district code"),
                    Some(
                        "a name is what people call the place, e.g. Wigan; the code goes in code"
                            .into(),
                    ),
                );
            } else if !name.is_empty() && !names.insert(name.to_lowercase()) {
                self.err(
                    p.name.span(),
                    format!(
                        "place name \"{name}\" is listed twice (names are matched ignoring case)"
                    ),
                    None,
                );
            }
            out.push(Place { code, name });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_a_nation_letter_and_eight_digits() {
        for ok in ["E08000010", "W06000015", "S12000036", "N09000003"] {
            assert!(is_code(ok), "{ok}");
        }
        for bad in [
            "E0800001",
            "E080000100",
            "X08000010",
            "e08000010",
            "E0800001O",
            "",
        ] {
            assert!(!is_code(bad), "{bad}");
        }
    }

    #[test]
    fn names_resolve_to_codes_ignoring_case() {
        let places = PlaceIndex::new(&[Place {
            code: "E08000010".into(),
            name: "Wigan".into(),
        }]);
        assert_eq!(places.resolve(" wigan ").unwrap(), "E08000010");
        assert_eq!(places.resolve("e08000003").unwrap(), "E08000003");
        assert_eq!(places.name_of("E08000010"), Some("Wigan"));
        let help = places.resolve("Wigan Pier").unwrap_err();
        assert!(
            help.contains("Wigan") && help.contains("E08000010"),
            "{help}"
        );
        let none = PlaceIndex::new(&[]);
        assert!(none
            .resolve("Wigan")
            .unwrap_err()
            .contains("lists no place"));
    }
}
