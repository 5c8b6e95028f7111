//! `--redact FILE`: personal names listed in a file, replaced by their initials wherever a
//! story's title or text says them ("Mary Smith" becomes "M. S."), before anything is written.

use crate::diag::{Diagnostic, Problems};
use std::path::Path;

/// Names to replace, longest first (so "Mary Smith" is replaced before "Mary").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redactor {
    names: Vec<Vec<char>>,
}

impl Redactor {
    /// Reads one name per line; blank lines and lines starting with `#` are skipped.
    pub fn from_file(path: &Path) -> Result<Redactor, Problems> {
        let text = crate::input::read_text_file(path)?;
        let r = Redactor::new(text.lines());
        if r.names.is_empty() {
            return Err(
                Diagnostic::error(format!("{} lists no names", path.display()))
                    .in_file(path)
                    .with_help("write one name per line, e.g. Mary Smith")
                    .into(),
            );
        }
        Ok(r)
    }

    pub fn new<'a>(lines: impl IntoIterator<Item = &'a str>) -> Redactor {
        let mut names: Vec<Vec<char>> = lines
            .into_iter()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                l.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .chars()
                    .collect()
            })
            .collect();
        names.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        names.dedup();
        Redactor { names }
    }

    /// `text` with every listed name, as a whole word or phrase in any case, as initials.
    pub fn apply(&self, text: &str) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        for name in &self.names {
            let mut i = 0;
            while i + name.len() <= chars.len() {
                if matches_at(&chars, i, name) {
                    let initials: Vec<char> = initials(name).chars().collect();
                    let n = initials.len();
                    chars.splice(i..i + name.len(), initials);
                    i += n;
                } else {
                    i += 1;
                }
            }
        }
        chars.into_iter().collect()
    }
}

/// Whether `name` is at `i` in `text`, ignoring case, with no letter or digit just before or
/// after it (so "Mary" is not found in "Maryann").
fn matches_at(text: &[char], i: usize, name: &[char]) -> bool {
    let before_ok = i == 0 || !text[i - 1].is_alphanumeric();
    let end = i + name.len();
    let after_ok = end == text.len() || !text[end].is_alphanumeric();
    before_ok
        && after_ok
        && text[i..end]
            .iter()
            .zip(name)
            .all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
}

/// "Mary Smith" -> "M. S."; "O'Neill" -> "O."
fn initials(name: &[char]) -> String {
    let name: String = name.iter().collect();
    name.split(' ')
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_initials_as_whole_words_in_any_case() {
        let r = Redactor::new(["# people to hide", "Mary Smith", "mary", "", "Zoë"]);
        assert_eq!(
            r.apply("Mary Smith came. MARY smiled; mary's friend Maryann and zoë waved."),
            "M. S. came. M. smiled; M.'s friend Maryann and Z. waved."
        );
        assert_eq!(r.apply("no names here"), "no names here");
    }
}
