//! Finding people's names in free text, one rule for every use: `--redact FILE` replaces the
//! names it lists with initials wherever a story's title or text says them ("Mary Smith" becomes
//! "M. S."), and `calc` warns when a story names someone from the volunteer log.
//!
//! Decision: a name is found as a whole word (or phrase) in any case, whatever runs of Unicode
//! white space stand between its words (spaces, tabs, line breaks, the non-breaking and narrow
//! non-breaking spaces Word and Excel put in), whichever apostrophe (’ or ') or hyphen (‐, ‑, –
//! or -) it is written with, with accents composed or not, and ignoring invisible characters
//! (soft hyphen, zero-width space and joiners, word joiner, byte-order mark). The text is folded
//! once into that form, keeping where each piece came from, and all the names are found in one
//! pass (Aho–Corasick), so the time is linear in the text's length however many names are listed.

use crate::diag::{Diagnostic, Problems};
use aho_corasick::AhoCorasick;
use std::ops::Range;
use std::path::Path;

/// Names to find in text, folded for matching; built once, used on every story.
#[derive(Clone, Default)]
pub struct Names {
    /// The folded names that can match, each with its place in the list given.
    folded: Vec<(String, usize)>,
    automaton: Option<AhoCorasick>,
    /// The longest folded name, in bytes: no match spans more.
    longest: usize,
}

impl PartialEq for Names {
    fn eq(&self, other: &Names) -> bool {
        self.folded == other.folded
    }
}

impl Eq for Names {}

impl std::fmt::Debug for Names {
    /// Never the names themselves: they are personal data.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Names({} names)", self.folded.len())
    }
}

/// A name found: where it is in the original text (bytes), and which name it is (its place in
/// the list given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub name: usize,
}

impl Names {
    /// The names given, each folded; one that folds to nothing (only spaces) never matches.
    /// Fails only for a list too large to search (billions of characters).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Names, String> {
        let folded: Vec<(String, usize)> = names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (Folded::of(n).text.trim_matches(' ').to_string(), i))
            .filter(|(n, _)| !n.is_empty())
            .collect();
        let automaton = if folded.is_empty() {
            None
        } else {
            let patterns = folded.iter().map(|(n, _)| n.as_str());
            Some(AhoCorasick::new(patterns).map_err(|e| e.to_string())?)
        };
        let longest = folded.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        Ok(Names {
            folded,
            automaton,
            longest,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.automaton.is_none()
    }

    /// Every name in `text`, leftmost first and the longest where several start together, none
    /// overlapping.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let mut out = Vec::new();
        self.each(text, |f| {
            out.push(f);
            true
        });
        out
    }

    /// Whether `text` says any of the names.
    pub fn in_text(&self, text: &str) -> bool {
        let mut any = false;
        self.each(text, |_| {
            any = true;
            false
        });
        any
    }

    /// Calls `found` with each name found, in order, until it returns false.
    fn each(&self, text: &str, mut found: impl FnMut(Found) -> bool) {
        let Some(ac) = &self.automaton else { return };
        let folded = Folded::of(text);
        let mut pick = Picker::new(self.longest);
        for m in ac.find_overlapping_iter(&folded.text) {
            let span = m.start()..m.end();
            let (pattern, name) = &self.folded[m.pattern().as_usize()];
            if !whole_word(&folded.text, &span, pattern) {
                continue;
            }
            let name = *name;
            for (span, name) in pick.offer(span, name) {
                if !found(Found {
                    range: folded.original(&span),
                    name,
                }) {
                    return;
                }
            }
        }
        for (span, name) in pick.finish() {
            if !found(Found {
                range: folded.original(&span),
                name,
            }) {
                return;
            }
        }
    }
}

/// Chooses, from matches arriving in order of their end, the leftmost (then longest) ones that do
/// not overlap, holding back only those that a later, longer match could still contain.
struct Picker {
    longest: usize,
    pending: Vec<(Range<usize>, usize)>,
    taken_to: usize,
}

impl Picker {
    fn new(longest: usize) -> Picker {
        Picker {
            longest,
            pending: Vec::new(),
            taken_to: 0,
        }
    }

    /// Takes a match; returns those now settled.
    fn offer(&mut self, span: Range<usize>, name: usize) -> Vec<(Range<usize>, usize)> {
        // A later match ends at or after this one, so starts at or after `floor`: pending
        // matches starting before it can no longer be beaten.
        let floor = span.end.saturating_sub(self.longest);
        let settled = self.settle(|start| start < floor);
        if span.start >= self.taken_to {
            self.pending.push((span, name));
        }
        settled
    }

    fn finish(&mut self) -> Vec<(Range<usize>, usize)> {
        self.settle(|_| true)
    }

    fn settle(&mut self, ready: impl Fn(usize) -> bool) -> Vec<(Range<usize>, usize)> {
        let mut out = Vec::new();
        loop {
            let best = self
                .pending
                .iter()
                .filter(|(s, _)| s.start >= self.taken_to)
                .min_by_key(|(s, _)| (s.start, std::cmp::Reverse(s.end)))
                .cloned();
            match best {
                Some((span, name)) if ready(span.start) => {
                    self.taken_to = span.end;
                    out.push((span, name));
                }
                _ => break,
            }
        }
        let taken_to = self.taken_to;
        self.pending.retain(|(s, _)| s.start >= taken_to);
        out
    }
}

/// Whether the match `span` of `name` in `text` is whole: no letter, digit or accent just
/// before or after it (so "Mary" is not found in "Maryann"). An end of the name that is not
/// itself part of a word (a full stop, say) needs no boundary.
fn whole_word(text: &str, span: &Range<usize>, name: &str) -> bool {
    let starts_word = name.chars().next().is_some_and(is_word);
    let ends_word = name.chars().next_back().is_some_and(is_word);
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    !(starts_word && before.is_some_and(is_word) || ends_word && after.is_some_and(is_word))
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Text folded for matching, with a way back to the original's byte offsets.
struct Folded {
    text: String,
    /// Where the folded text stops following the original byte for byte: for each character
    /// folded to other bytes (or none), its place in the folded text and the original's.
    anchors: Vec<Anchor>,
}

/// One original character `from` that folded to `to` (other bytes than its own, or none).
#[derive(Clone, Copy)]
struct Anchor {
    to: (u32, u32),
    from: (u32, u32),
}

impl Folded {
    fn of(original: &str) -> Folded {
        let mut f = Folded {
            text: String::with_capacity(original.len()),
            anchors: Vec::new(),
        };
        let mut piece = String::new();
        for (at, c) in original.char_indices() {
            piece.clear();
            fold_char(c, f.text.ends_with(' ') || f.text.is_empty(), &mut piece);
            let start = f.text.len();
            f.text.push_str(&piece);
            if piece.len() != c.len_utf8() || piece.chars().count() != 1 {
                // Offsets fit: every text read is far below 4 GiB (crate::read::input::MAX_TEXT_FILE).
                let span = |a: usize, b: usize| (a as u32, b as u32);
                f.anchors.push(Anchor {
                    to: span(start, f.text.len()),
                    from: span(at, at + c.len_utf8()),
                });
            }
        }
        f
    }

    /// The original byte range a folded range came from, widened to whole original characters.
    fn original(&self, r: &Range<usize>) -> Range<usize> {
        let (start, end) = (r.start as u32, r.end as u32);
        // The start: in the character whose folded form holds it, or after the last one folded
        // to other bytes (the original then runs byte for byte from that one's end).
        let start = match self.last_anchor(|a| a.to.0 <= start) {
            None => start,
            Some(a) if start < a.to.1 => a.from.0,
            Some(a) => a.from.1 + (start - a.to.1),
        };
        // The end: likewise for the last byte of the range, and to the end of its character.
        let end = match self.last_anchor(|a| a.to.0 < end) {
            None => end,
            Some(a) => a.from.1 + end.saturating_sub(a.to.1),
        };
        start as usize..end.max(start) as usize
    }

    /// The last anchor of those (a prefix, as anchors are in order) for which `before` holds.
    fn last_anchor(&self, before: impl Fn(&Anchor) -> bool) -> Option<Anchor> {
        let n = self.anchors.partition_point(before);
        n.checked_sub(1).map(|i| self.anchors[i])
    }
}

/// `c` as it is matched: white space as one space (none after a space or at the start),
/// invisible characters as nothing, apostrophes and hyphens as ' and -, letters in lower case
/// with their accents apart (canonical decomposition).
fn fold_char(c: char, after_space: bool, out: &mut String) {
    match c {
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
        c if c.is_whitespace() => {
            if !after_space {
                out.push(' ');
            }
        }
        '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{0060}' | '\u{00B4}' | '\u{2032}' => {
            out.push('\'')
        }
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}' | '\u{FE63}'
        | '\u{FF0D}' => out.push('-'),
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        c => {
            for l in c.to_lowercase() {
                unicode_normalization::char::decompose_canonical(l, |d| out.push(d));
            }
        }
    }
}

/// Names to replace, as listed, and the matcher that finds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redactor {
    /// Each listed name's initials, by its place in the list.
    initials: Vec<String>,
    names: Names,
}

impl Redactor {
    /// Reads one name per line; blank lines and lines starting with `#` are skipped.
    pub fn from_file(path: &Path) -> Result<Redactor, Problems> {
        let text = crate::read::input::read_text_file(path)?;
        let r = Redactor::new(text.lines()).map_err(|e| {
            Diagnostic::error(format!(
                "{} lists too many names to search: {e}",
                path.display()
            ))
            .in_file(path)
            .with_help("list only the people whose names may appear in stories")
        })?;
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

    /// The names of `lines`, one a line; fails only for a list too large to search.
    pub fn new<'a>(lines: impl IntoIterator<Item = &'a str>) -> Result<Redactor, String> {
        let listed: Vec<&str> = lines
            .into_iter()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        Ok(Redactor {
            initials: listed.iter().map(|n| initials(n)).collect(),
            names: Names::new(listed)?,
        })
    }

    /// `text` with every listed name, as a whole word or phrase in any case and spacing, as
    /// initials.
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut from = 0;
        for f in self.names.find(text) {
            out.push_str(&text[from..f.range.start]);
            out.push_str(&self.initials[f.name]);
            from = f.range.end;
        }
        out.push_str(&text[from..]);
        out
    }
}

/// "Mary Smith" -> "M. S."; "O'Neill" -> "O."
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(lines: &[&str]) -> Redactor {
        Redactor::new(lines.iter().copied()).unwrap()
    }

    fn names(list: &[&str]) -> Names {
        Names::new(list.iter().copied()).unwrap()
    }

    #[test]
    fn names_become_initials_as_whole_words_in_any_case() {
        let r = redactor(&["# people to hide", "Mary Smith", "mary", "", "Zoë"]);
        assert_eq!(
            r.apply("Mary Smith came. MARY smiled; mary's friend Maryann and zoë waved."),
            "M. S. came. M. smiled; M.'s friend Maryann and Z. waved."
        );
        assert_eq!(r.apply("no names here"), "no names here");
    }

    #[test]
    fn any_white_space_between_the_words_matches() {
        let r = redactor(&["Mary Smith"]);
        for text in [
            "Mary\u{00A0}Smith",
            "Mary  Smith",
            "Mary\tSmith",
            "Mary\u{202F}Smith",
            "Mary\r\n  Smith",
            "MARY \u{00A0}\tSMITH",
            "ma\u{00AD}ry\u{200B} smith",
        ] {
            assert_eq!(
                r.apply(&format!("«{text}» rang.")),
                "«M. S.» rang.",
                "{text:?}"
            );
        }
        assert_eq!(
            r.apply("MarySmith and Mary-Smith"),
            "MarySmith and Mary-Smith"
        );
    }

    #[test]
    fn apostrophes_hyphens_and_accents_in_either_form_match() {
        let r = redactor(&["Seán O'Neill", "Anne-Marie"]);
        assert_eq!(r.apply("Seán O’Neill came"), "S. O. came");
        assert_eq!(r.apply("SEA\u{301}N O\u{2BC}NEILL came"), "S. O. came");
        assert_eq!(r.apply("anne\u{2011}marie and ANNE–MARIE"), "A. and A.");
        assert_eq!(r.apply("Sean O'Neill"), "Sean O'Neill");
    }

    #[test]
    fn the_leftmost_longest_whole_name_wins_and_non_ascii_text_keeps_its_place() {
        let r = redactor(&["Mary", "Mary Smith", "Smith"]);
        assert_eq!(r.apply("Mary Smithers"), "M. Smithers");
        assert_eq!(r.apply("Mary Smith"), "M. S.");
        assert_eq!(r.apply("Dr Smith, Mary"), "Dr S., M.");
        // Characters that fold to other lengths before and after a name.
        assert_eq!(
            r.apply("Ünïcödé  İstanbul\u{00A0}\u{00A0}MARY\u{00A0}SMITH — ÆØÅ mary"),
            "Ünïcödé  İstanbul\u{00A0}\u{00A0}M. S. — ÆØÅ M."
        );
    }

    #[test]
    fn a_long_story_repeating_a_name_is_redacted_whole() {
        // 2 MB of one listed name, every spacing: the old matcher took 23 s on this.
        let r = redactor(&["Mary Smith", "John Brown"]);
        let unit = "Mary\u{00A0}Smith met MARY  SMITH; ";
        let text = unit.repeat(2 * 1024 * 1024 / unit.len());
        let out = r.apply(&text);
        assert_eq!(
            out.matches("M. S.").count(),
            2 * text.matches("met").count()
        );
        assert!(!out.to_lowercase().contains("mary"));
    }

    #[test]
    fn names_are_found_without_being_shown() {
        let n = names(&["alice brown", "alice"]);
        assert!(n.in_text("Thanks to ALICE\u{00A0}BROWN"));
        assert!(n.in_text("alice came"));
        assert!(!n.in_text("Alicent came"));
        assert_eq!(format!("{n:?}"), "Names(2 names)");
        assert!(names(&["", " "]).is_empty());
    }
}
