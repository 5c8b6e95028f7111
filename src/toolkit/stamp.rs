//! Writing a toolkit's fingerprint into its own `[toolkit]` table, keeping every comment and
//! line of the file as it was.

/// The byte range of the `[toolkit]` table's lines: from after its header to the next table.
fn toolkit_section(lines: &[&str]) -> Option<(usize, usize)> {
    let start = lines.iter().position(|l| l.trim() == "[toolkit]")? + 1;
    let end = lines[start..]
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .map_or(lines.len(), |i| start + i);
    Some((start, end))
}

fn is_fingerprint_line(line: &str) -> bool {
    line.trim_start()
        .strip_prefix("fingerprint")
        .is_some_and(|rest| rest.trim_start().starts_with('='))
}

/// The text with any `fingerprint = ...` line of `[toolkit]` removed, and whether there was one.
pub fn without_stamp(text: &str) -> (String, bool) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some((start, end)) = toolkit_section(&lines) else {
        return (text.to_string(), false);
    };
    let mut found = false;
    let kept: String = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            let hit = (start..end).contains(i) && is_fingerprint_line(l);
            found |= hit;
            !hit
        })
        .map(|(_, l)| *l)
        .collect();
    (kept, found)
}

/// The text with `fingerprint = "<fp>"` as the last line of `[toolkit]`'s keys (replacing any).
pub fn with_stamp(text: &str, fp: &str) -> String {
    let (text, _) = without_stamp(text);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some((start, end)) = toolkit_section(&lines) else {
        return text;
    };
    // After the last key line of the section, before trailing blank or comment lines.
    let at = (start..end)
        .rev()
        .find(|&i| {
            let t = lines[i].trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map_or(start, |i| i + 1);
    let mut out = String::with_capacity(text.len() + 90);
    for l in &lines[..at] {
        out.push_str(l);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!(
        "fingerprint = \"{fp}\"   # `social-value toolkit check FILE --stamp` keeps this current\n"
    ));
    for l in &lines[at..] {
        out.push_str(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "# top\n[toolkit]\nid = \"x\"\nversion = \"1\"\n\n# comment\n[price_index]\n2024 = 100\n";

    #[test]
    fn stamps_inside_the_toolkit_table_and_replaces_an_old_stamp() {
        let once = with_stamp(TEXT, "sha256:aa");
        assert!(
            once.contains("version = \"1\"\nfingerprint = \"sha256:aa\""),
            "{once}"
        );
        assert!(
            once.ends_with("\n# comment\n[price_index]\n2024 = 100\n"),
            "{once}"
        );
        let twice = with_stamp(&once, "sha256:bb");
        assert!(
            !twice.contains("sha256:aa") && twice.matches("fingerprint =").count() == 1,
            "{twice}"
        );
        assert_eq!(without_stamp(&twice), (TEXT.to_string(), true));
    }

    #[test]
    fn leaves_fingerprints_outside_the_toolkit_table_alone() {
        let text = "[toolkit]\nid = \"x\"\n[[proxy]]\nfingerprint = 1\n";
        assert_eq!(without_stamp(text), (text.to_string(), false));
    }
}
