//! Pairs of proxies that must never be added for the same people (the toolkit's `never_with`,
//! and the WELLBY beside wellbeing proxies): one check for projects and submissions alike.

use crate::diag::{Diagnostic, Problems};
use crate::read::table::MAX_LISTED;
use crate::toolkit::Toolkit;
use std::collections::BTreeMap;
use std::path::Path;

/// Where a claim was made, for the message.
#[derive(Debug, Clone, Copy)]
pub enum Place<'a> {
    /// A row of a table (the outcomes file, or a submission's `[[outcome]]` by number).
    Row(&'a Path, u64),
    /// An entry of a file by number (a submission's n-th `[[outcome]]`).
    Entry(&'a Path, u64),
    /// A setting of a file (project.toml's `[indicators] overlap_reason`).
    Setting(&'a Path, &'static str),
}

impl Place<'_> {
    fn describe(&self) -> String {
        let file = |p: &Path| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        match self {
            Place::Row(p, line) => format!("{}:{line}", file(p)),
            Place::Entry(p, n) => format!("{} outcome {n}", file(p)),
            Place::Setting(p, what) => format!("{} ({what})", file(p)),
        }
    }

    fn diagnostic(&self, message: String) -> Diagnostic {
        match *self {
            Place::Row(p, line) => Diagnostic::error(message).at_line(p, line),
            Place::Entry(p, _) | Place::Setting(p, _) => Diagnostic::error(message).in_file(p),
        }
    }
}

/// One valued claim: a proxy, where it is claimed, and any reason its people differ from
/// those of a line it must never be added to.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub proxy: &'a str,
    pub at: Place<'a>,
    pub reason: Option<&'a str>,
}

/// Every claim of a proxy that must never be added to another claimed proxy, and gives no
/// reason why its people differ, is an error naming both places. Linear in the claims: each
/// claimed proxy's partners are looked up once.
pub fn check(claims: &[Claim], toolkit: &Toolkit) -> Problems {
    let mut by_proxy: BTreeMap<&str, Vec<&Claim>> = BTreeMap::new();
    for c in claims {
        by_proxy.entry(c.proxy).or_default().push(c);
    }
    let mut problems = Problems::new();
    let mut unlisted = 0usize;
    for (proxy, mine) in &by_proxy {
        for other in toolkit.never_with(proxy) {
            let Some(theirs) = by_proxy.get(other.as_str()) else {
                continue;
            };
            let first_other = theirs[0].at.describe();
            for c in mine.iter().filter(|c| c.reason.is_none()) {
                // Listed like any file's problems: the first hundred, then a count.
                if problems.list.len() >= MAX_LISTED {
                    unlisted += 1;
                    continue;
                }
                problems.push(
                    c.at.diagnostic(format!(
                        "{} claims {proxy} and {first_other} claims {other}, which toolkit {} says must never be added for the same people",
                        c.at.describe(),
                        toolkit.id
                    ))
                    .with_help(match c.at {
                        Place::Row(..) | Place::Entry(..) => "if the people differ, say why in the overlap_reason column of both rows (the report quotes it); otherwise claim only one of them",
                        Place::Setting(..) => "if the people who answered are not those counted by the other line, say why in [indicators] overlap_reason in project.toml and in that row's overlap_reason; otherwise claim only one",
                    }),
                );
            }
        }
    }
    if unlisted > 0 {
        problems.push(Diagnostic::error(format!(
            "... and {unlisted} more claims of pairs never to add (only the first {MAX_LISTED} are listed)"
        )));
    }
    problems
}
