//! The commissioner's review of a submission: integrity, reproducibility, toolkit, over-claiming,
//! evidence and (with a network) comparison, each rated red, amber or green with what to do.

mod render;

pub use render::{html, json, markdown, text};

use crate::diag::Problems;
use crate::num::{fixed, money_gbp, parse_decimal};
use crate::submission::{self, results_of, Results, Submission};
use crate::toolkit::{self, diff, Source, Toolkit};
use crate::value::Valuation;
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
    if s.submission.format_version != submission::FORMAT_VERSION {
        integrity.add(
            Rating::Red,
            format!(
                "format_version {} is not understood by this version of social-value",
                s.submission.format_version
            ),
            "the figures may mean something else",
            "update social-value, or ask for a version 1 submission",
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
        checks.push(network(path, s, dir));
    }
    Review {
        file: path.to_path_buf(),
        organisation: Some(format!("{} ({})", s.organisation.name, s.organisation.id)),
        period: Some(format!("{} to {}", s.period.start, s.period.end)),
        claimed: Some(s.results.clone()),
        checks,
    }
}

/// The claimed results must agree with themselves whatever the toolkit: totals with the sum of
/// their lines, NPV and ratio with value and investment, volunteers with the roles' counts.
fn consistency(c: &mut Check, s: &Submission) {
    let r = &s.results;
    let (pv, inv, npv) = (
        dec(&r.present_value),
        dec(&r.investment),
        dec(&r.net_present_value),
    );
    let lines: Decimal = r.line.iter().map(|l| dec(&l.present_value)).sum();
    // Lines are rounded one by one: half a penny each, at most.
    let slack = Decimal::new(5, 3) * Decimal::from(r.line.len() as u64 + 1);
    let mut bad = Vec::new();
    if (lines - pv).abs() > slack {
        bad.push(format!(
            "the lines add up to {}, not the claimed present value {}",
            money_gbp(lines),
            money_gbp(pv)
        ));
    }
    if (pv - inv - npv).abs() > Decimal::new(1, 2) {
        bad.push(format!(
            "net present value {} is not present value {} minus investment {}",
            money_gbp(npv),
            money_gbp(pv),
            money_gbp(inv)
        ));
    }
    if let Some(ratio) = r.sroi_ratio.as_deref().map(dec) {
        if inv > Decimal::ZERO && (pv / inv - ratio).abs() > Decimal::new(1, 2) {
            bad.push(format!(
                "ratio {ratio} is not present value ÷ investment ({})",
                fixed(pv / inv, 2)
            ));
        }
    }
    if let Some(v) = &s.volunteering {
        let most = v.role.iter().map(|r| r.volunteers).max().unwrap_or(0);
        let all: u64 = v.role.iter().map(|r| r.volunteers).sum();
        if r.volunteers < most || r.volunteers > all {
            bad.push(format!(
                "{} volunteers claimed, but the roles count between {most} and {all}",
                r.volunteers
            ));
        }
    }
    for b in bad {
        c.add(
            Rating::Red,
            b,
            "the claimed results contradict themselves",
            "ask for a submission written by social-value submit",
        );
    }
}

fn compare(c: &mut Check, claimed: &Results, v: &Valuation, exact_toolkit: bool, tk: &Toolkit) {
    let got = results_of(v);
    let rating = if exact_toolkit {
        Rating::Red
    } else {
        Rating::Amber
    };
    let mut diffs = Vec::new();
    for (name, a, b) in [
        ("investment", &claimed.investment, &got.investment),
        ("present value", &claimed.present_value, &got.present_value),
        (
            "net present value",
            &claimed.net_present_value,
            &got.net_present_value,
        ),
        (
            "volunteer hours",
            &claimed.volunteer_hours,
            &got.volunteer_hours,
        ),
    ] {
        if a != b {
            diffs.push(format!("{name}: claimed {a}, recomputed {b}"));
        }
    }
    if claimed.sroi_ratio != got.sroi_ratio {
        let show = |r: &Option<String>| r.clone().unwrap_or_else(|| "none".into());
        diffs.push(format!(
            "SROI ratio: claimed {}, recomputed {}",
            show(&claimed.sroi_ratio),
            show(&got.sroi_ratio)
        ));
    }
    if claimed.line.len() != got.line.len() {
        diffs.push(format!(
            "{} lines claimed, {} recomputed",
            claimed.line.len(),
            got.line.len()
        ));
    }
    for (i, (a, b)) in claimed.line.iter().zip(&got.line).enumerate() {
        // Origins name file lines, which a submission does not keep; proxy and value must agree.
        if a.proxy != b.proxy || a.present_value != b.present_value {
            diffs.push(format!(
                "result line {} ({}): claimed {}, recomputed {} ({})",
                i + 1,
                a.proxy,
                a.present_value,
                b.present_value,
                b.proxy
            ));
        }
    }
    if !exact_toolkit {
        c.add(
            Rating::Amber,
            format!(
                "recomputed with {} {} because the submission's exact toolkit was not available",
                tk.id, tk.version
            ),
            "small differences may come from the bank, not the organisation",
            "give the submission's toolkit with --toolkit to check to the penny",
        );
    }
    if diffs.is_empty() {
        c.add(
            Rating::Green,
            format!(
                "every figure recomputes to the penny from the inputs ({} lines)",
                got.line.len()
            ),
            "the claimed results follow from the stated inputs",
            "",
        );
    } else {
        for d in diffs {
            c.add(
                rating,
                d,
                "the claimed figure does not follow from the stated inputs",
                "ask the organisation how the figure was reached, or to resubmit",
            );
        }
    }
}

fn over_claiming(s: &Submission, tk: Option<&Toolkit>, v: Option<&Valuation>) -> Check {
    let mut c = Check::new("over-claiming");
    if tk.is_none() {
        c.add(
            Rating::Amber,
            "no toolkit was available, so adjustments could not be compared with its defaults",
            "over-claiming cannot be judged without the bank",
            "give the toolkit with --toolkit",
        );
    }
    for (i, o) in s.outcome.iter().enumerate() {
        let n = i + 1;
        let proxy = tk.and_then(|t| t.proxy(&o.proxy));
        let (dw, attr, drop) = (dec(&o.deadweight), dec(&o.attribution), dec(&o.drop_off));
        let reason = o.reason.as_deref().filter(|r| !r.trim().is_empty());
        if let Some(p) = proxy {
            // What changed from the toolkit is worked out here, not taken from the file.
            let d = &p.defaults;
            let changed: Vec<&str> = [
                ("deadweight", dw != d.deadweight),
                ("attribution", attr != d.attribution),
                ("displacement", dec(&o.displacement) != d.displacement),
                ("drop_off", drop != d.drop_off),
                ("duration", o.duration != d.duration),
            ]
            .into_iter()
            .filter(|(_, ch)| *ch)
            .map(|(name, _)| name)
            .collect();
            if !changed.is_empty() && reason.is_none() {
                c.add(
                    Rating::Red,
                    format!(
                        "outcome {n} ({}): changes the toolkit's {} with no reason",
                        o.proxy,
                        changed.join(", ")
                    ),
                    "unexplained changes to adjustments cannot be checked",
                    "give the reason for each change",
                );
            }
            // Harms (negative values) are conservative with low deductions: only gains are checked.
            if p.value >= Decimal::ZERO {
                let (dw_med, dw_low, _) = crate::sensitivity::PRACTICE_DEADWEIGHT;
                let (at_med, at_low, _) = crate::sensitivity::PRACTICE_ATTRIBUTION;
                for (name, x, default, low, median) in [
                    ("deadweight", dw, d.deadweight, dw_low, dw_med),
                    ("attribution", attr, d.attribution, at_low, at_med),
                ] {
                    if x < default && x < low {
                        c.add(Rating::Amber, format!("outcome {n} ({}): {name} {} where the toolkit uses {} (published SROIs: median {}, rarely below {})", o.proxy, crate::num::percent(x), crate::num::percent(default), crate::num::percent(median), crate::num::percent(low)), "a low deduction claims more of the change for this organisation", "state the evidence, or use the toolkit's figure");
                    }
                }
            }
            if o.duration > d.duration {
                match reason {
                    // An explained change is shown, not marked down: the reviewer can judge it.
                    Some(r) => c.add(Rating::Green, format!("outcome {n} ({}): lasts {} years where the toolkit assumes {}; the reason given: {r}", o.proxy, o.duration, d.duration), "", ""),
                    None => c.add(Rating::Amber, format!("outcome {n} ({}): lasts {} years where the toolkit assumes {}", o.proxy, o.duration, d.duration), "longer durations multiply the value", "show follow-up evidence that the change lasts"),
                }
            }
        } else if !o.overridden.is_empty() && reason.is_none() {
            c.add(
                Rating::Red,
                format!(
                    "outcome {n} ({}): changes the toolkit's {} with no reason",
                    o.proxy,
                    o.overridden.join(", ")
                ),
                "unexplained changes to adjustments cannot be checked",
                "give the reason for each change",
            );
        }
        if o.duration > 5 {
            c.add(Rating::Amber, format!("outcome {n} ({}): claimed for {} years", o.proxy, o.duration), "published SROIs rarely claim an outcome lasts more than 5 years without follow-up evidence", "show follow-up evidence, or shorten the duration");
        }
        if drop.is_zero() && o.duration > 1 {
            c.add(
                Rating::Amber,
                format!(
                    "outcome {n} ({}): no drop-off over {} years",
                    o.proxy, o.duration
                ),
                "outcomes fade; a constant value over years over-claims",
                "use a drop-off, or evidence that the change holds",
            );
        }
    }
    let mut seen = std::collections::HashSet::new();
    for o in &s.outcome {
        if !seen.insert(o.proxy.as_str()) {
            c.add(
                Rating::Amber,
                format!("proxy {} is claimed on more than one line", o.proxy),
                "the same people may be counted twice",
                "check the lines count different people, or merge them",
            );
        }
    }
    if let Some(tk) = tk {
        // Two wellbeing changes per person in the same theme may count the same people twice.
        let mut by_theme: std::collections::BTreeMap<&str, Vec<&str>> =
            std::collections::BTreeMap::new();
        for o in &s.outcome {
            if let Some(p) = tk
                .proxy(&o.proxy)
                .filter(|p| p.kind == toolkit::Kind::Wellbeing && p.unit.contains("person"))
            {
                by_theme
                    .entry(p.primary_theme())
                    .or_default()
                    .push(o.proxy.as_str());
            }
        }
        for (theme, ids) in by_theme.iter().filter(|(_, ids)| ids.len() > 1) {
            c.add(
                Rating::Amber,
                format!(
                    "{} wellbeing outcomes per person in the {theme} theme ({})",
                    ids.len(),
                    ids.join(", ")
                ),
                "the same people may be counted in overlapping wellbeing proxies",
                "check that each person is counted under one wellbeing change only",
            );
        }
    }
    if let Some(vol) = &s.volunteering {
        if vol.counted_as == "value"
            && s.investment
                .iter()
                .any(|i| i.in_kind && i.source.to_lowercase().contains("volunteer"))
        {
            c.add(
                Rating::Red,
                "volunteer time is counted as value and also as an in-kind investment",
                "the same hours are counted twice",
                "count volunteer time one way only",
            );
        }
    }
    if let (Some(v), Some(r)) = (v, &s.reach) {
        let max_unit = v
            .lines
            .iter()
            .map(|l| l.rebased_unit_value)
            .max()
            .unwrap_or_default();
        let per_person = v.totals.present_value / Decimal::from(r.people.max(1));
        if max_unit > Decimal::ZERO && per_person > max_unit {
            c.add(
                Rating::Amber,
                format!(
                    "value per person supported ({}) is above the largest proxy used ({})",
                    money_gbp(per_person),
                    money_gbp(max_unit)
                ),
                "each person would have to gain more than any single outcome is worth",
                "check the quantities and the number of people supported",
            );
        }
    }
    if let Some(r) = s.results.sroi_ratio.as_deref().map(dec) {
        if r > Decimal::from(37) {
            c.add(
                Rating::Red,
                format!("ratio {r} : 1 is above the highest of 383 published SROIs (37 : 1)"),
                "a ratio this high is almost always an error or an over-claim",
                "check every line's quantity and adjustments",
            );
        } else if r > crate::sensitivity::PRACTICE_RATIO_UPPER {
            c.add(
                Rating::Amber,
                format!(
                    "ratio {r} : 1 is above 6.6 : 1, higher than three quarters of published SROIs"
                ),
                "it will be questioned",
                "check the largest lines and their adjustments",
            );
        }
    }
    if c.findings.iter().all(|f| f.rating == Rating::Green) {
        c.add(
            Rating::Green,
            "no sign of over-claiming against the toolkit's defaults and published practice",
            "",
            "",
        );
    }
    c
}

fn evidence(s: &Submission, v: Option<&Valuation>, tk: Option<&Toolkit>) -> Check {
    let mut c = Check::new("evidence");
    for st in &s.story {
        if st.consent != "yes" {
            c.add(
                Rating::Red,
                format!(
                    "story {} is included without consent ({:?})",
                    st.id, st.consent
                ),
                "stories without consent must never leave the organisation",
                "remove the story and check how it was sent",
            );
        }
    }
    if let Some(v) = v {
        let bare: Vec<String> = v
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                matches!(l.origin, crate::value::Origin::Outcome { .. })
                    && l.evidence.is_empty()
                    && l.note.as_deref().unwrap_or("").trim().is_empty()
            })
            .map(|(i, l)| format!("{} ({})", i + 1, l.proxy))
            .collect();
        if !bare.is_empty() {
            c.add(
                Rating::Amber,
                format!(
                    "outcome lines with no story and no note on their evidence: {}",
                    bare.join(", ")
                ),
                "numbers with no evidence are hard to believe",
                "add a note saying where each number comes from, or a story tagged with it",
            );
        }
        if let Some(tk) = tk {
            let valued: std::collections::BTreeSet<&str> =
                v.lines.iter().map(|l| l.theme.as_str()).collect();
            let mut words_only: Vec<String> = v
                .stories
                .iter()
                .flat_map(|st| st.tags.iter())
                .filter_map(|t| tk.tag(t))
                .map(|t| t.theme.clone())
                .filter(|th| !valued.contains(th.as_str()))
                .collect();
            words_only.sort();
            words_only.dedup();
            if !words_only.is_empty() {
                // Not an over-claim: nothing is valued for them; shown so the reviewer knows.
                c.add(Rating::Green, format!("themes evidenced in stories only, with no numbers and no value claimed: {}", words_only.join(", ")), "", "");
            }
        }
    }
    if v.is_none() {
        c.add(Rating::Amber, "the submission could not be recomputed, so its evidence could not be checked line by line", "", "see the reproducibility check");
    }
    if c.findings.iter().all(|f| f.rating == Rating::Green) {
        c.add(
            Rating::Green,
            "every outcome line has stated evidence, and only consented stories are included",
            "",
            "",
        );
    }
    c
}

/// Where a value sits among others: (rank from the bottom, count, outlier by the 1.5 × IQR rule).
fn position(value: Decimal, others: &[Decimal]) -> (usize, usize, bool) {
    let mut all: Vec<Decimal> = others.to_vec();
    all.push(value);
    all.sort();
    let q = |p: usize| all[(p * (all.len() - 1)) / 100];
    let (q1, q3) = (q(25), q(75));
    let fence = (q3 - q1) * Decimal::new(15, 1);
    let rank = all.iter().filter(|x| **x < value).count() + 1;
    (rank, all.len(), value < q1 - fence || value > q3 + fence)
}

fn network(path: &Path, s: &Submission, dir: &Path) -> Check {
    let mut c = Check::new("network");
    let mut metrics: Vec<(&str, Vec<Decimal>, Option<Decimal>)> = vec![
        ("SROI ratio", Vec::new(), None),
        ("value per volunteer hour", Vec::new(), None),
        ("value per person supported", Vec::new(), None),
    ];
    let measure = |x: &Submission| -> [Option<Decimal>; 3] {
        let pv = dec(&x.results.present_value);
        let hours = dec(&x.results.volunteer_hours);
        [
            x.results.sroi_ratio.as_deref().map(dec),
            (hours > Decimal::ZERO).then(|| pv / hours),
            x.reach
                .as_ref()
                .filter(|r| r.people > 0)
                .map(|r| pv / Decimal::from(r.people)),
        ]
    };
    if !dir.is_dir() {
        c.add(
            Rating::Amber,
            format!("the network folder {} does not exist", dir.display()),
            "there is nothing to compare with",
            "point --network at the folder of this year's submissions",
        );
        return c;
    }
    let mut read = 0;
    let mut skipped = 0;
    let entries = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for p in entries
        .iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
    {
        if p.canonicalize().ok() == path.canonicalize().ok() {
            continue;
        }
        match submission::read(p) {
            Ok(r) if r.computed_fingerprint == r.submission.submission.fingerprint => {
                read += 1;
                for (slot, m) in metrics.iter_mut().zip(measure(&r.submission)) {
                    if let Some(m) = m {
                        slot.1.push(m);
                    }
                }
            }
            _ => skipped += 1,
        }
    }
    for (slot, m) in metrics.iter_mut().zip(measure(s)) {
        slot.2 = m;
    }
    if read == 0 {
        c.add(
            Rating::Amber,
            format!("no other valid submissions found in {}", dir.display()),
            "there is nothing to compare with",
            "point --network at the folder of this year's submissions",
        );
        return c;
    }
    for (name, others, own) in metrics {
        let (Some(own), false) = (own, others.is_empty()) else {
            continue;
        };
        let (rank, n, outlier) = position(own, &others);
        let shown = if name == "SROI ratio" {
            fixed(own, 2)
        } else {
            money_gbp(own)
        };
        c.add(
            if outlier {
                Rating::Amber
            } else {
                Rating::Green
            },
            format!(
                "{name} {shown} is {rank} of {n} from the lowest{}",
                if outlier { ", an outlier" } else { "" }
            ),
            if outlier {
                "far from the rest of the network: worth a closer look"
            } else {
                "in line with the network"
            },
            if outlier {
                "ask what makes this organisation different"
            } else {
                ""
            },
        );
    }
    if skipped > 0 {
        c.add(
            Rating::Green,
            format!(
                "{skipped} files in the folder were not valid submissions and were not compared"
            ),
            "",
            "",
        );
    }
    c
}
