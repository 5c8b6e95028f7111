//! People's own stories (`id,title,text,tags,consent`), tagged with the toolkit's shared vocabulary.
//! Stories without consent are counted and nothing more: their words are dropped as they are read.

use crate::diag::{nearest, quoted, Diagnostic, Problems};
use crate::read::table::{Collector, Column, ReadOptions, Skipped, Table};
use crate::toolkit::Toolkit;
use rustc_hash::FxHashSet;
use std::collections::HashSet;
use std::path::Path;

const COLUMNS: &[Column] = &[
    Column {
        name: "id",
        required: true,
    },
    Column {
        name: "title",
        required: true,
    },
    Column {
        name: "text",
        required: true,
    },
    Column {
        name: "tags",
        required: true,
    },
    Column {
        name: "consent",
        required: true,
    },
];
const ID: usize = 0;
const TITLE: usize = 1;
const TEXT: usize = 2;
const TAGS: usize = 3;
const CONSENT: usize = 4;

/// A story its teller agreed to share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    pub line: u64,
    pub id: String,
    pub title: String,
    pub text: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stories {
    /// Only stories with consent = yes.
    pub shared: Vec<Story>,
    /// How many stories were held back for want of consent (their content is not kept).
    pub withheld: u64,
    pub warnings: Problems,
    /// Rows set aside under `--skip-bad-rows`.
    pub skipped: Skipped,
}

/// Reads every story, checking ids, tags and consent; all problems are returned together.
pub fn read_stories(
    path: &Path,
    toolkit: &Toolkit,
    options: ReadOptions,
) -> Result<Stories, Problems> {
    let mut table = Table::open(path, COLUMNS, options.limits)?;
    // Story text never appears in a message, but a misplaced cell (words in the consent or
    // tags column) might: skipped-row entries, which reach reports, withhold quoted text.
    let mut out = Collector::new(path, std::mem::take(&mut table.warnings), options).private();
    let mut stories = Stories::default();
    let mut ids = HashSet::new();
    let mut layout = table.for_each_row(|t, row| {
        let Some(rec) = out.take(row) else {
            return;
        };
        let kept = (stories.shared.len(), stories.withheld);
        let id = t.text(rec, ID).into_owned();
        if id.is_empty() {
            out.push(
                t
                    .cell_error(rec, ID, "id", "story id is empty".into())
                    .with_help("give each story a short reference, e.g. S01"),
            );
        } else if !ids.insert(id.clone()) {
            out.push(t.cell_error(rec, ID, "id", format!("story id {} is used twice", quoted(&id))).with_help("give each story its own reference; if the row was pasted twice, delete one"));
        }
        let consent = match t.text(rec, CONSENT).to_lowercase().as_str() {
            "yes" | "y" => Some(true),
            "no" | "n" => Some(false),
            other => {
                let msg = if other.is_empty() {
                    "consent is empty".to_string()
                } else {
                    format!("consent {} is not yes or no", quoted(other))
                };
                out.push(t.cell_error(rec, CONSENT, "consent", msg).with_help("write yes only where the person agreed their story may be shared; otherwise no"));
                None
            }
        };
        let mut tags = Vec::new();
        for tag in t
            .text(rec, TAGS)
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let tag = tag.to_lowercase();
            if toolkit.tag(&tag).is_none() {
                // A scan of every tag for a suggestion, on the error path only.
                let help = match nearest(&tag, toolkit.tags.iter().map(|t| t.id.as_str())) {
                    Some(n) => format!("did you mean \"{n}\"?"),
                    None => format!(
                        "the tags of toolkit {} are: {}",
                        toolkit.id,
                        toolkit
                            .tags
                            .iter()
                            .map(|t| t.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                out.push(
                    t
                        .cell_error(
                            rec,
                            TAGS,
                            "tags",
                            format!("tag {} is not in toolkit {}", quoted(&tag), toolkit.id),
                        )
                        .with_help(help),
                );
            } else {
                tags.push(tag);
            }
        }
        keep_first(&mut tags);
        match consent {
            Some(true) => {
                let text = t.text(rec, TEXT).into_owned();
                if text.is_empty() {
                    out.push(t.cell_error(rec, TEXT, "text", "story text is empty".into()).with_help("write the story in the person's words, or delete the row"));
                }
                let title = t.text(rec, TITLE).into_owned();
                stories.shared.push(Story {
                    line: t.line(rec),
                    id,
                    title,
                    text,
                    tags,
                });
            }
            Some(false) => stories.withheld += 1,
            None => {}
        }
        if !out.end_row() {
            stories.shared.truncate(kept.0);
            stories.withheld = kept.1;
        }
    });
    if stories.shared.is_empty() && stories.withheld == 0 && !out.problems.has_errors() {
        out.push(Diagnostic::warning("the stories file has no rows").in_file(path));
    }
    let (problems, skipped) = out.finish(&mut layout);
    if problems.has_errors() {
        return Err(problems);
    }
    stories.warnings = problems;
    stories.skipped = skipped;
    Ok(stories)
}

/// Drops repeated tags, keeping each one's first place. Decision: a set, not a search of the
/// tags kept so far, so a cell listing thousands of tags costs its length, not its square.
fn keep_first(tags: &mut Vec<String>) {
    if tags.len() > 1 {
        let mut seen = FxHashSet::default();
        tags.retain(|t| seen.insert(t.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_tags_keep_their_first_place() {
        let mut tags: Vec<String> = ["b", "a", "b", "c", "a"].map(String::from).into();
        keep_first(&mut tags);
        assert_eq!(tags, ["b", "a", "c"]);
        let mut many: Vec<String> = (0..10_000).map(|i| format!("t{}", i % 7)).collect();
        keep_first(&mut many);
        assert_eq!(many, (0..7).map(|i| format!("t{i}")).collect::<Vec<_>>());
    }
}
