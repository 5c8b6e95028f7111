//! The commissioner's review of a submission: integrity, reproducibility, toolkit, over-claiming,
//! evidence and (with a network) comparison, each rated red, amber or green with what to do.

mod claims;
pub mod compare;
mod network;
mod render;
mod reproduce;

use claims::{evidence, over_claiming};
use network::network;
use reproduce::consistency;

pub use render::{html, json, markdown, text};

use crate::diag::Problems;
use crate::num::{fixed, money_gbp, parse_decimal};
use crate::submission::gate::{self, Rejected, Rules, Stage};
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
    /// A stable name for the kind of finding (`claims.volunteer-time-as-value`), for scripts:
    /// the wording may change, the code does not.
    pub code: &'static str,
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

    fn add(
        &mut self,
        code: &'static str,
        rating: Rating,
        what: impl Into<String>,
        why: &str,
        action: &str,
    ) {
        self.findings.push(Finding {
            code,
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
    /// The bank the return says it was made with: "uk-core 2026.3".
    pub toolkit: Option<String>,
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
    /// The financial year the return must be for (by its starting year); with `network`
    /// and no year, the return's own.
    pub year: Option<i32>,
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
/// Whether the return may be counted is the gate's decision ([`submission::gate`]), the same
/// as a network's; the review shows each reason and adds its own findings.
pub fn review(path: &Path, opts: Options) -> Review {
    let mut integrity = Check::new("integrity");
    let read = match submission::read(path) {
        Ok(r) => r,
        Err(p) => {
            integrity.add(
                "integrity.unreadable",
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
                toolkit: None,
                claimed: None,
                checks: vec![integrity],
            };
        }
    };
    let s = &read.submission;
    let tks = Toolkits::for_review(s, opts.toolkit);
    // With a network, the year is the one asked for, else the return's own.
    let year = opts.year.or_else(|| {
        opts.network
            .and_then(|_| crate::date::Date::parse(&s.period.start))
            .map(|d| d.financial_year())
    });
    // Before the gate's recomputation, so that the two valuations are never held at once.
    let tk_check = toolkit_check(s, &tks, path, &read.positions);
    let gate = tks.basis().map(|tk| {
        let rules = Rules {
            toolkit: tk,
            year,
            max_months: gate::ANNUAL_MONTHS,
        };
        (rules, gate::judge(path, &read, &rules))
    });
    integrity_findings(&mut integrity, s, gate.as_ref().map(|g| &g.1));
    let mut reproduce = Check::new("reproducibility");
    consistency(&mut reproduce, s);
    // A file the gate refused before its figures (an edited file, another year): recomputed
    // anyway, so the reviewer sees what the edit changed.
    let early = match (&gate, tks.basis()) {
        (Some((_, Err(r))), Some(tk)) if r.stage < Stage::Toolkit => {
            submission::recompute(s, &read.positions, tk, path).ok()
        }
        _ => None,
    };
    reproduction(
        &mut reproduce,
        s,
        gate.as_ref().map(|g| &g.1),
        &tks,
        early.as_ref(),
    );
    let defaults_tk = tks.commissioner.as_ref().ok().or(tks.basis());
    let valuation = match gate.as_ref().map(|g| &g.1) {
        Some(Ok(a)) => Some(&a.valuation),
        Some(Err(r)) => r.recomputed.as_deref().or(early.as_ref()),
        None => None,
    };
    let over = over_claiming(s, defaults_tk, valuation);
    let evidence = evidence(s, valuation, defaults_tk);
    let mut checks = vec![integrity];
    if let Some(y) = year {
        checks.push(period_check(s, y, gate.as_ref().map(|g| &g.1)));
    }
    checks.extend([reproduce, tk_check, over, evidence]);
    if let (Some(dir), Some((rules, _))) = (opts.network, &gate) {
        checks.push(network(path, s, valuation, dir, rules));
    }
    Review {
        file: path.to_path_buf(),
        organisation: Some(format!("{} ({})", s.organisation.name, s.organisation.id)),
        period: Some(format!("{} to {}", s.period.start, s.period.end)),
        toolkit: Some(format!("{} {}", s.toolkit.id, s.toolkit.version)),
        claimed: Some(s.results.clone()),
        checks,
    }
}

/// The toolkits a review can use: the commissioner's (`--toolkit`, else the bundled one of the
/// submission's id), the bundled one, and whichever of them is the submission's exact bank.
/// Only a toolkit the commissioner trusts is used, never a file sent with the submission.
struct Toolkits {
    commissioner: Result<toolkit::Toolkit, String>,
    bundled: Option<toolkit::Toolkit>,
    exact: Option<toolkit::Toolkit>,
}

impl Toolkits {
    fn for_review(s: &submission::Submission, given: Option<&Path>) -> Toolkits {
        let bundled = toolkit::BUNDLED
            .iter()
            .find(|(n, _)| *n == s.toolkit.id)
            .and_then(|(n, _)| toolkit::load_file(&Source::Bundled(n)).ok());
        let commissioner = match given {
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
        let exact = [commissioner.as_ref().ok(), bundled.as_ref()]
            .into_iter()
            .flatten()
            .find(|t| t.fingerprint == s.toolkit.fingerprint)
            .cloned();
        Toolkits {
            commissioner,
            bundled,
            exact,
        }
    }

    /// The toolkit figures are recomputed with: the exact bank when held, else the
    /// commissioner's, else the bundled one.
    fn basis(&self) -> Option<&toolkit::Toolkit> {
        self.exact
            .as_ref()
            .or(self.commissioner.as_ref().ok())
            .or(self.bundled.as_ref())
    }
}

/// The stable code of a finding that a return failed the gate at `stage`.
fn stage_code(stage: Stage) -> &'static str {
    match stage {
        Stage::Read => "gate.read",
        Stage::Version => "gate.version",
        Stage::Fingerprint => "gate.fingerprint",
        Stage::Organisation => "gate.organisation",
        Stage::Period => "gate.period",
        Stage::Toolkit => "gate.toolkit",
        Stage::Recompute => "gate.recompute",
        Stage::Figures => "gate.figures",
    }
}

/// Red findings, one per problem, with its line where it has one.
fn add_problems(c: &mut Check, r: &Rejected, why: &str) {
    for d in &r.problems.list {
        let at = d
            .location
            .as_ref()
            .and_then(|l| l.line)
            .map(|l| format!("line {l}: "))
            .unwrap_or_default();
        c.add(
            stage_code(r.stage),
            Rating::Red,
            format!("{at}{}", d.message),
            why,
            &r.action,
        );
    }
}

/// Whether the file is as it was written, in a version this build reads, for an organisation
/// whose id hides nothing.
fn integrity_findings(
    c: &mut Check,
    s: &submission::Submission,
    verdict: Option<&Result<gate::Verdict, Rejected>>,
) {
    if let Some(Err(r)) = verdict.filter(|v| {
        v.as_ref().is_err_and(|r| {
            matches!(
                r.stage,
                Stage::Read | Stage::Version | Stage::Fingerprint | Stage::Organisation
            )
        })
    }) {
        add_problems(
            c,
            r,
            "any figure in it may have been edited, or it is not the organisation it seems",
        );
        return;
    }
    if s.submission.format_version < submission::PLACES_VERSION && s.uses_places() {
        c.add(
            "integrity.version-1-with-version-2-fields",
            Rating::Amber,
            "the file says format_version 1 but uses version 2's partnerships or places",
            "a reader that knows only version 1 would refuse it; social-value reads them",
            &format!(
                "ask for the file social-value submit writes now, which says version {}",
                submission::FORMAT_VERSION
            ),
        );
    } else if s.submission.format_version < submission::RULES_VERSION {
        c.add("integrity.older-version", 
            Rating::Amber,
            format!(
                "the file is format_version {}, written before transfers were kept out of social value and stories valued by per_story",
                s.submission.format_version
            ),
            "its figures are recomputed under today's rules, so they may differ from those it claims",
            "ask the organisation to submit again with the current social-value",
        );
    }
    c.add(
        "integrity.fingerprint-ok",
        Rating::Green,
        format!(
            "fingerprint {} matches the content",
            s.submission.fingerprint
        ),
        "the file is as it was written",
        "",
    );
}

/// With a year (a network's, or the return's own with `--network`): the return starts in it
/// and covers at most a year.
fn period_check(
    s: &submission::Submission,
    year: i32,
    verdict: Option<&Result<gate::Verdict, Rejected>>,
) -> Check {
    let mut c = Check::new("period");
    match verdict {
        Some(Err(r)) if r.stage == Stage::Period => {
            add_problems(
                &mut c,
                r,
                "a network counts each organisation's return for the year once",
            );
        }
        _ => c.add(
            "period.ok",
            Rating::Green,
            format!(
                "{} to {}: a return for {year}/{:02}",
                s.period.start,
                s.period.end,
                (year + 1).rem_euclid(100)
            ),
            "",
            "",
        ),
    }
    c
}

/// The gate's verdict on the figures: red for every figure not reproduced to the penny; amber
/// when the return was made with another version of the bank, which the reviewer does not
/// hold, so its claimed figures cannot be checked.
fn reproduction(
    c: &mut Check,
    s: &submission::Submission,
    verdict: Option<&Result<gate::Verdict, Rejected>>,
    tks: &Toolkits,
    early: Option<&crate::value::Valuation>,
) {
    match verdict {
        None => c.add(
            "reproducibility.no-toolkit",
            Rating::Red,
            format!("no toolkit {} was found to recompute with", s.toolkit.id),
            "the figures cannot be checked",
            "give the toolkit with --toolkit",
        ),
        Some(Err(r)) if r.stage >= Stage::Toolkit => add_problems(
            c,
            r,
            "the claimed figures cannot be reached from the stated inputs",
        ),
        Some(Err(_)) => match early {
            None => c.add(
                "reproducibility.not-checked",
                Rating::Red,
                "the figures were not checked: the return was refused before them (see above)",
                "the claimed figures cannot be trusted",
                "ask for the file social-value submit wrote, unchanged",
            ),
            Some(v) => {
                let diffs = gate::differences(&s.results, &submission::results_of(v));
                for d in &diffs {
                    c.add(
                        "reproducibility.edited-figure",
                        Rating::Red,
                        d.clone(),
                        "the claimed figure does not follow from the stated inputs",
                        "ask the organisation how the figure was reached, or to resubmit",
                    );
                }
                if diffs.is_empty() {
                    c.add("reproducibility.refused-but-consistent", Rating::Amber, "the inputs give the claimed figures, but the return was refused (see above)", "the figures agree, yet the file is not as it was written", "ask for the file social-value submit wrote, unchanged");
                }
            }
        },
        Some(Ok(a)) if a.differences.is_empty() => c.add(
            "reproducibility.ok",
            Rating::Green,
            format!(
                "every figure recomputes to the penny from the inputs ({} lines)",
                a.valuation.lines.len()
            ),
            "the claimed results follow from the stated inputs",
            "",
        ),
        Some(Ok(a)) => {
            let tk = tks
                .basis()
                .map_or(String::new(), |t| format!("{} {}", t.id, t.version));
            c.add("reproducibility.other-version", 
                Rating::Amber,
                format!(
                    "made with toolkit {} {}, which you do not have: its figures cannot be checked to the penny. Recomputed with {tk}: {} (ratio {}); claimed {}",
                    s.toolkit.id,
                    s.toolkit.version,
                    money_gbp(a.valuation.totals.present_value),
                    a.valuation.totals.sroi_ratio.map_or("n/a".into(), |r| fixed(r, 2)),
                    a.differences.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
                ),
                "values differ between versions of a bank, so a difference may be the bank's or the organisation's",
                "give the submission's own toolkit with --toolkit to check it to the penny",
            );
        }
    }
}

/// How the submission's bank compares with the commissioner's.
fn toolkit_check(
    s: &submission::Submission,
    tks: &Toolkits,
    path: &Path,
    positions: &submission::Positions,
) -> Check {
    let mut tk_check = Check::new("toolkit");
    match &tks.commissioner {
        Err(e) => tk_check.add(
            "toolkit.not-loaded",
            Rating::Amber,
            format!("the commissioner's toolkit could not be loaded: {e}"),
            "the submission cannot be compared with your bank",
            "give your toolkit with --toolkit",
        ),
        Ok(c) if c.fingerprint == s.toolkit.fingerprint => tk_check.add(
            "toolkit.same",
            Rating::Green,
            format!("same toolkit as yours: {} {}", c.id, c.version),
            "results are comparable with others using it",
            "",
        ),
        Ok(c) => {
            let note = match tks.exact.as_ref() {
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
            let rebased = (c.id == s.toolkit.id)
                .then(|| submission::recompute(s, positions, c, path).ok())
                .flatten()
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
            tk_check.add("toolkit.different", Rating::Amber, format!("{what} ({note}); claimed {} (ratio {}){rebased}", money_gbp(dec(&s.results.present_value)), s.results.sroi_ratio.clone().unwrap_or("n/a".into())), "figures from different banks are not directly comparable", "compare the recomputed figure, or ask for a submission made with the shared toolkit");
        }
    }
    tk_check
}
