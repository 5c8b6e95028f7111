//! The commissioner's review of a submission: integrity, reproducibility, toolkit, over-claiming,
//! evidence and (with a network) comparison, each rated red, amber or green with what to do.

mod claims;
mod network;
mod render;
mod reproduce;

use claims::{evidence, over_claiming};
use network::network;
use reproduce::{compare, consistency};

pub use render::{html, json, markdown, text};

use crate::diag::Problems;
use crate::num::{fixed, money_gbp, parse_decimal};
use crate::submission::{self, Results};
use crate::toolkit::{self, diff, Source};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rating {
    Green,
    Amber,
    Red,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Green => "green",
            Rating::Amber => "amber",
            Rating::Red => "red",
        }
    }
}

/// Something found: what, why it matters, and what the organisation could do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rating: Rating,
    pub what: String,
    pub why: String,
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub findings: Vec<Finding>,
}

impl Check {
    fn new(name: &'static str) -> Check {
        Check {
            name,
            findings: Vec::new(),
        }
    }

    fn add(&mut self, rating: Rating, what: impl Into<String>, why: &str, action: &str) {
        self.findings.push(Finding {
            rating,
            what: what.into(),
            why: why.into(),
            action: action.into(),
        });
    }

    /// The worst finding's rating; green with none.
    pub fn rating(&self) -> Rating {
        self.findings
            .iter()
            .map(|f| f.rating)
            .max()
            .unwrap_or(Rating::Green)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub file: PathBuf,
    pub organisation: Option<String>,
    pub period: Option<String>,
    pub claimed: Option<Results>,
    pub checks: Vec<Check>,
}

impl Review {
    pub fn overall(&self) -> Rating {
        self.checks
            .iter()
            .map(Check::rating)
            .max()
            .unwrap_or(Rating::Red)
    }
}

/// What a commissioner brings to a review.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The commissioner's toolkit; by default the bundled toolkit of the submission's id.
    pub toolkit: Option<&'a Path>,
    /// A folder of other submissions.
    pub network: Option<&'a Path>,
}

fn problems_text(p: &Problems) -> String {
    p.list
        .iter()
        .take(3)
        .map(|d| d.to_string().lines().take(2).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("; ")
}

fn dec(s: &str) -> Decimal {
    parse_decimal(s).unwrap_or_default()
}

/// Reviews the submission at `path`. Never fails: a file that cannot be read is a red finding.
pub fn review(path: &Path, opts: Options) -> Review {
    let mut integrity = Check::new("integrity");
    let read = match submission::read(path) {
        Ok(r) => r,
        Err(p) => {
            integrity.add(
                Rating::Red,
                format!(
                    "the file cannot be read as a submission: {}",
                    problems_text(&p)
                ),
                "nothing in it can be trusted or checked",
                "ask the organisation to send the file social-value submit wrote, unchanged",
            );
            return Review {
                file: path.to_path_buf(),
                organisation: None,
                period: None,
                claimed: None,
                checks: vec![integrity],
            };
        }
    };
    let s = &read.submission;
    if !submission::FORMAT_VERSIONS.contains(&s.submission.format_version) {
        integrity.add(
            Rating::Red,
            format!(
                "format_version {} is not understood by this version of social-value",
                s.submission.format_version
            ),
            "the figures may mean something else",
            "update social-value, or ask for a version 1 submission",
        );
    } else if s.submission.format_version < submission::PLACES_VERSION && s.uses_places() {
        integrity.add(
            Rating::Amber,
            "the file says format_version 1 but uses version 2's partnerships or places",
            "a reader that knows only version 1 would refuse it; social-value reads them",
            "ask for the file social-value submit wrote, which says version 3",
        );
    } else if s.submission.format_version < submission::FORMAT_VERSION {
        integrity.add(
            Rating::Amber,
            format!(
                "the file is format_version {}, written before transfers were kept out of social value and stories valued by per_story",
                s.submission.format_version
            ),
            "its figures are recomputed under today's rules, so they may differ from those it claims",
            "ask the organisation to submit again with the current social-value",
        );
    }
    if s.submission.fingerprint != read.computed_fingerprint {
        integrity.add(
            Rating::Red,
            "the fingerprint does not match the content: the file was changed after it was written",
            "any figure in it may have been edited by hand",
            "ask the organisation to send the file social-value submit wrote, unchanged",
        );
    } else {
        integrity.add(
            Rating::Green,
            format!(
                "fingerprint {} matches the content",
                s.submission.fingerprint
            ),
            "the file is as it was written",
            "",
        );
    }
    // Only the commissioner's own toolkit (--toolkit) or the one built into the program is
    // trusted: never a file that arrived beside the submission.
    let bundled = toolkit::BUNDLED
        .iter()
        .find(|(n, _)| *n == s.toolkit.id)
        .and_then(|(n, _)| toolkit::load_file(&Source::Bundled(n)).ok());
    let commissioner = match opts.toolkit {
        Some(p) => {
            toolkit::load_file(&Source::File(p.to_path_buf())).map_err(|e| problems_text(&e))
        }
        None => bundled.clone().ok_or_else(|| {
            format!(
                "no toolkit called {} is built in; give yours with --toolkit",
                s.toolkit.id
            )
        }),
    };
    let exact_tk = [commissioner.as_ref().ok(), bundled.as_ref()]
        .into_iter()
        .flatten()
        .find(|t| t.fingerprint == s.toolkit.fingerprint)
        .cloned();

    let mut reproduce = Check::new("reproducibility");
    consistency(&mut reproduce, s);
    let basis = exact_tk
        .as_ref()
        .or(commissioner.as_ref().ok())
        .or(bundled.as_ref());
    let recomputed = basis.map(|tk| (tk, submission::recompute(s, tk, path)));
    match &recomputed {
        None => reproduce.add(
            Rating::Red,
            format!("no toolkit {} was found to recompute with", s.toolkit.id),
            "the figures cannot be checked",
            "give the toolkit with --toolkit",
        ),
        Some((_, Err(p))) => reproduce.add(
            Rating::Red,
            format!("the inputs cannot be recomputed: {}", problems_text(p)),
            "the claimed figures cannot be reached from the inputs",
            "ask for a submission written by social-value submit",
        ),
        Some((tk, Ok(v))) => compare(&mut reproduce, &s.results, v, exact_tk.is_some(), tk),
    }

    let mut tk_check = Check::new("toolkit");
    match &commissioner {
        Err(e) => tk_check.add(
            Rating::Amber,
            format!("the commissioner's toolkit could not be loaded: {e}"),
            "the submission cannot be compared with your bank",
            "give your toolkit with --toolkit",
        ),
        Ok(c) if c.fingerprint == s.toolkit.fingerprint => tk_check.add(
            Rating::Green,
            format!("same toolkit as yours: {} {}", c.id, c.version),
            "results are comparable with others using it",
            "",
        ),
        Ok(c) => {
            let note = match exact_tk.as_ref() {
                Some(old) => {
                    let d = diff::diff(old, c);
                    format!(
                        "{} added, {} removed, {} re-valued proxies",
                        d.added.len(),
                        d.removed.len(),
                        d.revalued.len()
                    )
                }
                None => "the submission's exact toolkit is not available to compare".into(),
            };
            let rebased = submission::recompute(s, c, path)
                .map(|v| {
                    format!(
                        "; recomputed with yours: {} (ratio {})",
                        money_gbp(v.totals.present_value),
                        v.totals.sroi_ratio.map_or("n/a".into(), |r| fixed(r, 2))
                    )
                })
                .unwrap_or_default();
            let what = if s.toolkit.id == c.id && s.toolkit.version == c.version {
                format!("made with {} {} but with different content from yours (the fingerprints differ)", c.id, c.version)
            } else {
                format!(
                    "made with {} {}, not your {} {}",
                    s.toolkit.id, s.toolkit.version, c.id, c.version
                )
            };
            tk_check.add(Rating::Amber, format!("{what} ({note}); claimed {} (ratio {}){rebased}", money_gbp(dec(&s.results.present_value)), s.results.sroi_ratio.clone().unwrap_or("n/a".into())), "figures from different banks are not directly comparable", "compare the recomputed figure, or ask for a submission made with the shared toolkit");
        }
    }

    let defaults_tk = commissioner.as_ref().ok().or(basis);
    let valuation = recomputed.as_ref().and_then(|(_, r)| r.as_ref().ok());
    let over = over_claiming(s, defaults_tk, valuation);
    let evidence = evidence(s, valuation, defaults_tk);
    let mut checks = vec![integrity, reproduce, tk_check, over, evidence];
    if let Some(dir) = opts.network {
        checks.push(network(path, s, dir, defaults_tk));
    }
    Review {
        file: path.to_path_buf(),
        organisation: Some(format!("{} ({})", s.organisation.name, s.organisation.id)),
        period: Some(format!("{} to {}", s.period.start, s.period.end)),
        claimed: Some(s.results.clone()),
        checks,
    }
}
