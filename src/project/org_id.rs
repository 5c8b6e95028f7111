//! Organisation ids (org-id.guide style, `GB-CHC-1234567`): one normal form, so that two ids
//! that look the same are the same, and a refusal for ids that hide characters.

use unicode_normalization::UnicodeNormalization;

/// Characters that show as nothing, or reorder text, yet make two ids differ: zero-width and
/// joining marks, bidirectional controls, the byte-order mark, soft hyphen, invisible maths
/// operators and the tag block. (Control characters and spaces are refused as well.)
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// An organisation id in its one normal form, or why it cannot be one.
///
/// Decision: Unicode NFKC (so full-width `ＧＢ` is `GB`), then the prefix (the parts before
/// the registration number, `GB-CHC`) in capitals, as org-id.guide writes them; the number
/// keeps its case (`GB-SC-SC012345`). An id holding an invisible, control or bidirectional
/// character, or a space, is refused rather than cleaned: it looks like another organisation's
/// id, and quietly cleaning it would merge two returns a person should look at.
pub fn normalise(id: &str) -> Result<String, String> {
    let trimmed = id.trim();
    if trimmed.is_empty() {
        return Err("the organisation id is empty".into());
    }
    if let Some(c) = trimmed
        .chars()
        .find(|c| invisible(*c) || c.is_control() || c.is_whitespace())
    {
        return Err(format!(
            "the organisation id holds an invisible or control character (U+{:04X}), so it looks like an id it is not",
            u32::from(c)
        ));
    }
    let nfkc: String = trimmed.nfkc().collect();
    if let Some(c) = nfkc.chars().find(|c| invisible(*c) || c.is_whitespace()) {
        return Err(format!(
            "the organisation id holds a character (U+{:04X}) that reads as a space or as nothing",
            u32::from(c)
        ));
    }
    let parts: Vec<&str> = nfkc.splitn(3, '-').collect();
    Ok(match parts.as_slice() {
        [country, list, number] => format!(
            "{}-{}-{number}",
            country.to_uppercase(),
            list.to_uppercase()
        ),
        _ => nfkc,
    })
}

/// The org-id.guide register's list codes (`GB-CHC`, `GB-COH`, …), one a line, with
/// `deprecated` after those no longer to be used (data/org-id-prefixes.txt, ODbL).
const PREFIXES: &str = include_str!("../../data/org-id-prefixes.txt");

/// Forms for a group with no registration: ours (`GB-UNREG-<postcode>-<short name>`, see
/// docs/project-format.md) and 360Giving's (`360G-<funder prefix>-<funder's own id>`).
pub const UNREGISTERED: [&str; 2] = ["GB-UNREG", "360G"];

/// What an id's prefix is, by the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prefix {
    /// A list code in the register.
    Listed,
    /// A list code the register marks as deprecated.
    Deprecated(String),
    /// One of the [`UNREGISTERED`] forms.
    Unregistered,
    /// Not a list code the register knows.
    Unknown,
}

/// The prefix of `id` looked up in the register: the longest list code of up to three
/// hyphen-separated parts (`GB-CHC`, `CA_BC-BRC_CBR`) the id starts with, ignoring case.
pub fn prefix(id: &str) -> Prefix {
    let upper = id.to_uppercase();
    let parts: Vec<&str> = upper.split('-').collect();
    for k in (1..parts.len().min(4)).rev() {
        let code = parts[..k].join("-");
        if UNREGISTERED.contains(&code.as_str()) {
            return Prefix::Unregistered;
        }
        let listed = PREFIXES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .find(|l| l.split(' ').next() == Some(code.as_str()));
        if let Some(line) = listed {
            return if line.ends_with(" deprecated") {
                Prefix::Deprecated(code)
            } else {
                Prefix::Listed
            };
        }
    }
    Prefix::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_normal_form_for_ids_that_look_the_same() {
        assert_eq!(normalise("GB-CHC-1234567").as_deref(), Ok("GB-CHC-1234567"));
        assert_eq!(
            normalise(" gb-chc-1234567 ").as_deref(),
            Ok("GB-CHC-1234567")
        );
        // Full-width letters and digits (NFKC).
        assert_eq!(normalise("ＧＢ-ＣＨＣ-１２３").as_deref(), Ok("GB-CHC-123"));
        // The registration number keeps its case.
        assert_eq!(normalise("GB-SC-SC012345").as_deref(), Ok("GB-SC-SC012345"));
        assert_eq!(normalise("gb-sc-sc012345").as_deref(), Ok("GB-SC-sc012345"));
    }

    #[test]
    fn hidden_characters_are_refused() {
        for id in [
            "GB-CHC-1234567\u{200B}",
            "GB-CHC-\u{202E}7654321",
            "GB-CHC-12\u{00AD}34",
            "GB-CHC-1234 567",
            "GB-CHC-1234\t567",
            "\u{FEFF}GB-CHC-1",
            "",
        ] {
            assert!(normalise(id).is_err(), "{id:?} was accepted");
        }
    }

    #[test]
    fn prefixes_are_looked_up_in_the_register() {
        assert_eq!(prefix("GB-CHC-1234567"), Prefix::Listed);
        assert_eq!(prefix("GB-COH-01234567"), Prefix::Listed);
        assert_eq!(prefix("gb-sc-SC012345"), Prefix::Listed);
        assert_eq!(prefix("AE-RK_CR-123"), Prefix::Listed);
        assert_eq!(prefix("CA_BC-BRC_CBR-9"), Prefix::Listed);
        assert_eq!(prefix("GB-GOVUK-x"), Prefix::Deprecated("GB-GOVUK".into()));
        assert_eq!(prefix("GB-UNREG-WN11AA-knit-club"), Prefix::Unregistered);
        assert_eq!(prefix("360G-acme-42"), Prefix::Unregistered);
        assert_eq!(prefix("GB-CHARITY-1234567"), Prefix::Unknown);
        assert_eq!(prefix("1234567"), Prefix::Unknown);
    }
}
