//! Over-claiming and evidence: adjustments against the toolkit and published practice, and
//! whether each number has a story or a note behind it.

use super::{dec, Check, Rating};
use crate::num::money_gbp;
use crate::project::Grade;
use crate::submission::Submission;
use crate::toolkit::{self, Toolkit};
use crate::value::{Line, Valuation};
use rust_decimal::Decimal;

/// Reasons that give no evidence: too short to say what was found, or a phrase that never does.
fn weak_reason(reason: &str) -> bool {
    const NON_REASONS: [&str; 14] = [
        "we think so",
        "estimate",
        "estimated",
        "our estimate",
        "n/a",
        "na",
        "none",
        "same as last year",
        "as last year",
        "tbc",
        "see above",
        "assumption",
        "our service is very good",
        "the default seems high",
    ];
    let plain = reason.trim().trim_end_matches('.').to_lowercase();
    NON_REASONS.contains(&plain.as_str()) || plain.split_whitespace().count() < 5
}

/// A row as the organisation knows it: `outcomes.csv line 7 (health.ae-attendance)` when the
/// submission says which line (version 3), else its place among the `[[outcome]]` entries.
pub(super) fn row_label(o: &crate::submission::OutcomeRef, i: usize) -> String {
    match o.line {
        Some(l) => format!("outcomes.csv line {l} ({})", o.proxy),
        None if o.proxy == toolkit::indicator::WELLBY_PROXY => {
            "the WELLBY line from people's own answers (wellby)".into()
        }
        None => format!("outcome {} ({})", i + 1, o.proxy),
    }
}

pub(super) fn over_claiming(s: &Submission, tk: Option<&Toolkit>, v: Option<&Valuation>) -> Check {
    let mut c = Check::new("over-claiming");
    if tk.is_none() {
        c.add(
            "claims.no-toolkit",
            Rating::Amber,
            "no toolkit was available, so adjustments could not be compared with its defaults",
            "over-claiming cannot be judged without the bank",
            "give the toolkit with --toolkit",
        );
    }
    // Shares agreed in a partnership set attribution: that is not a change needing a reason.
    let declared =
        crate::submission::partnerships(s, std::path::Path::new("submission")).unwrap_or_default();
    let declared: std::collections::HashMap<&str, &crate::project::Partnership> =
        declared.iter().map(|p| (p.id.as_str(), p)).collect();
    // A WELLBY line's defaults are its valued indicator's, taken in the order they were valued.
    let mut valued = s
        .indicator
        .iter()
        .filter(|r| r.wellbys.is_some())
        .filter_map(|r| Some((tk?.indicator(&r.id)?, r.persists.is_some())));
    for (i, o) in s.outcome.iter().enumerate() {
        let row = row_label(o, i);
        let proxy = tk.and_then(|t| t.proxy(&o.proxy));
        let wellby = (o.proxy == toolkit::indicator::WELLBY_PROXY)
            .then(|| valued.next())
            .flatten()
            .map(|(ind, persists)| ind.wellby_adjustments(persists));
        let (dw, attr, drop) = (dec(&o.deadweight), dec(&o.attribution), dec(&o.drop_off));
        let reason = o.reason.as_deref().filter(|r| !r.trim().is_empty());
        if let Some(r) = reason.filter(|r| weak_reason(r)) {
            c.add(
                "claims.weak-reason",
                Rating::Amber,
                format!("{row}: the reason given, \"{r}\", is not evidence"),
                "a change to a default needs what was found and where (the user guide's poor reasons include \"we think so\" and \"same as last year\")",
                "say what was measured or found, and where, in a sentence",
            );
        }
        let split = o
            .partnership
            .as_ref()
            .and_then(|id| declared.get(id.as_str()))
            .and_then(|p| Some((p.id.as_str(), p.share_of(&s.organisation.id)?)))
            .filter(|(_, share)| attr == Decimal::ONE - *share);
        if let Some((id, share)) = split {
            c.add(
                "claims.agreed-split",
                Rating::Green,
                format!(
                    "{row}: attribution set by partnership {id}'s agreed split (share {})",
                    crate::num::percent(share)
                ),
                "",
                "",
            );
        }
        if let Some(p) = proxy {
            // What changed from the toolkit is worked out here, not taken from the file.
            let d = &wellby.unwrap_or(p.defaults);
            let changed: Vec<&str> = [
                ("deadweight", dw != d.deadweight),
                ("attribution", attr != d.attribution && split.is_none()),
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
                    "claims.changed-without-reason",
                    Rating::Red,
                    format!(
                        "{row}: changes the toolkit's {} with no reason",
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
                        c.add("claims.below-practice", Rating::Amber, format!("{row}: {name} {} where the toolkit uses {} (published SROIs: median {}, rarely below {})", crate::num::percent(x), crate::num::percent(default), crate::num::percent(median), crate::num::percent(low)), "a low deduction claims more of the change for this organisation", "state the evidence, or use the toolkit's figure");
                    }
                }
            }
            if o.duration > d.duration {
                match reason {
                    // An explained change is shown, not marked down: the reviewer can judge it.
                    Some(r) => c.add("claims.longer-with-reason", Rating::Green, format!("{row}: lasts {} years where the toolkit assumes {}; the reason given: {r}", o.duration, d.duration), "", ""),
                    None => c.add("claims.longer-without-reason", Rating::Amber, format!("{row}: lasts {} years where the toolkit assumes {}", o.duration, d.duration), "longer durations multiply the value", "show follow-up evidence that the change lasts"),
                }
            }
        } else if !o.overridden.is_empty() && reason.is_none() {
            c.add(
                "claims.changed-without-reason",
                Rating::Red,
                format!(
                    "{row}: changes the toolkit's {} with no reason",
                    o.overridden.join(", ")
                ),
                "unexplained changes to adjustments cannot be checked",
                "give the reason for each change",
            );
        }
        if o.duration > 5 {
            c.add("claims.beyond-five-years", Rating::Amber, format!("{row}: claimed for {} years", o.duration), "published SROIs rarely claim an outcome lasts more than 5 years without follow-up evidence", "show follow-up evidence, or shorten the duration");
        }
        if drop.is_zero() && o.duration > 1 {
            c.add(
                "claims.no-drop-off",
                Rating::Amber,
                format!("{row}: no drop-off over {} years", o.duration),
                "outcomes fade; a constant value over years over-claims",
                "use a drop-off, or evidence that the change holds",
            );
        }
    }
    if let Some(tk) = tk {
        overlaps(&mut c, s, tk);
    }
    volunteer_time_and_stories(&mut c, s);
    if let Some(v) = v {
        dominant_line(&mut c, s, v);
    }
    for i in s
        .indicator
        .iter()
        .filter(|i| i.wellbys.is_some() && i.pairs < 30)
    {
        c.add(
            "claims.few-pairs",
            Rating::Amber,
            format!(
                "{}: a change valued from {} pairs of answers",
                i.name, i.pairs
            ),
            "a change measured on fewer than 30 people can come about by chance",
            "value it only with more answers, or report it as indicative",
        );
    }
    let mut seen = std::collections::HashSet::new();
    for o in &s.outcome {
        if !seen.insert(o.proxy.as_str()) {
            c.add(
                "claims.proxy-on-several-lines",
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
                "claims.overlapping-wellbeing",
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
                "claims.volunteer-time-twice",
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
                "claims.value-per-person",
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
            c.add("claims.ratio-above-published", 
                Rating::Red,
                format!("ratio {r} : 1 is above the highest found in 247 published SROI reports (37 : 1)"),
                "a ratio this high is almost always an error or an over-claim",
                "check every line's quantity and adjustments",
            );
        } else if r > crate::sensitivity::PRACTICE_RATIO_UPPER {
            c.add(
                "claims.ratio-upper-quartile",
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
            "claims.none",
            Rating::Green,
            "no sign of over-claiming against the toolkit's defaults and published practice",
            "",
            "",
        );
    }
    c
}

/// Lines the toolkit says must never be added for the same people, claimed together with a
/// reason the people differ: quoted, for the reviewer to judge (a pair with no reason never
/// recomputes, so it is red in the reproducibility check).
fn overlaps(c: &mut Check, s: &Submission, tk: &Toolkit) {
    // Outcome numbers by proxy, so each line finds its partners without a scan.
    let mut by_proxy: std::collections::HashMap<&str, Vec<usize>> =
        std::collections::HashMap::new();
    for (j, x) in s.outcome.iter().enumerate() {
        by_proxy.entry(x.proxy.as_str()).or_default().push(j);
    }
    for (i, o) in s.outcome.iter().enumerate() {
        let Some(reason) = o.overlap_reason.as_deref() else {
            continue;
        };
        let partners: Vec<usize> = tk
            .never_with(&o.proxy)
            .iter()
            .filter_map(|p| by_proxy.get(p.as_str()))
            .flatten()
            .copied()
            .collect();
        if partners.is_empty() {
            continue;
        }
        // A few are named; a file with thousands says how many more.
        let mut named: Vec<String> = partners
            .iter()
            .take(3)
            .map(|&j| row_label(&s.outcome[j], j))
            .collect();
        if partners.len() > 3 {
            named.push(format!("{} more", partners.len() - 3));
        }
        c.add("claims.never-add-with-reason", 
            Rating::Amber,
            format!(
                "{} is claimed beside {}, which must never be added for the same people; the organisation says: \"{reason}\"",
                row_label(o, i),
                named.join(", ")
            ),
            "if the same people are counted on both, the value is counted twice",
            "check that the two lines count different people",
        );
    }
}

/// A recomputed line as the organisation knows it: an outcome by its `outcomes.csv` line (its
/// number when recomputed is its place among the submission's outcomes), others by label.
fn line_label(s: &Submission, l: &Line) -> String {
    match l.origin {
        crate::value::Origin::Outcome { line } => usize::try_from(line)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| Some(row_label(s.outcome.get(i)?, i)))
            .unwrap_or_else(|| l.label()),
        _ => l.label(),
    }
}

/// One line carrying more than 40% of the value: the case stands or falls on it.
fn dominant_line(c: &mut Check, s: &Submission, v: &Valuation) {
    let total = v.totals.present_value;
    if total <= Decimal::ZERO {
        return;
    }
    for l in v.lines.iter().filter(|l| !l.transfer) {
        if l.value.present_value * Decimal::from(5) <= total * Decimal::TWO {
            continue;
        }
        let name = line_label(s, l);
        c.add(
            "claims.one-line-dominates",
            Rating::Amber,
            format!(
                "{name} is {} of the value",
                crate::report::text::small_share(l.value.present_value, total)
            ),
            "the whole case rests on one line: its quantity and adjustments need the most evidence",
            "show the evidence for that line, or test the ratio without it",
        );
    }
}

/// How strong the evidence is, from the recomputed lines. Decision: amber when more than half of
/// the present value rests on estimates (bronze): a case resting mostly on estimates is the
/// first thing a commissioner challenges, and past half the guesses, not the counts, decide
/// the figure. Otherwise the mix, green.
fn grades(c: &mut Check, s: &Submission, v: &Valuation) {
    let t = &v.totals;
    let bronze = t.by_grade.get(&Grade::Bronze).copied().unwrap_or_default();
    let mix = crate::report::evidence::mix_text(v);
    if t.present_value <= Decimal::ZERO || bronze * Decimal::TWO <= t.present_value {
        c.add(
            "evidence.grades",
            Rating::Green,
            format!("value by evidence grade: {mix}"),
            "",
            "",
        );
        return;
    }
    // A file from before evidence types says nothing of them: say why all is an estimate.
    let version = s.submission.format_version;
    let silent = if version < crate::submission::FORMAT_VERSION {
        format!(" (a format_version {version} file says nothing of evidence, so every outcome counts as an estimate)")
    } else {
        String::new()
    };
    c.add(
        "evidence.mostly-estimates",
        Rating::Amber,
        format!(
            "{} of the value ({}) rests on estimates (bronze){silent}. The largest: {}. Value by evidence grade: {mix}",
            crate::report::text::small_share(bronze, t.present_value),
            money_gbp(bronze),
            largest_estimates(s, v)
        ),
        "a case resting mostly on estimates is the first thing a commissioner challenges",
        "give each row's evidence_type where records, a survey or another body's data back its quantity, or gather that evidence for the largest lines first",
    );
}

/// The three bronze lines worth most, by the line the organisation knows, and how many more.
fn largest_estimates(s: &Submission, v: &Valuation) -> String {
    let mut bronze: Vec<&Line> = v
        .lines
        .iter()
        .filter(|l| !l.transfer && l.grade() == Grade::Bronze)
        .filter(|l| l.value.present_value > Decimal::ZERO)
        .collect();
    bronze.sort_by_key(|l| std::cmp::Reverse(l.value.present_value));
    let mut named: Vec<String> = bronze
        .iter()
        .take(3)
        .map(|l| format!("{}, {}", line_label(s, l), money_gbp(l.value.present_value)))
        .collect();
    if bronze.len() > 3 {
        let more = (bronze.len() - 3) as u64;
        named.push(format!(
            "and {}",
            crate::num::plural(more, "more line", "more lines")
        ));
    }
    named.join("; ")
}

/// How volunteer time was counted, and how much of the value rests on stories.
fn volunteer_time_and_stories(c: &mut Check, s: &Submission) {
    let r = &s.results;
    if s.volunteering
        .as_ref()
        .is_some_and(|v| v.counted_as == "value")
    {
        let as_input = r
            .sroi_ratio_volunteer_time_as_input
            .as_deref()
            .map(|x| format!("; counted as input the ratio is {x} : 1"))
            .unwrap_or_default();
        c.add(
            "claims.volunteer-time-as-value",
            Rating::Amber,
            format!("volunteer time is counted as value delivered, not as an input{as_input}"),
            "the hours that produce the outcomes are counted again as an outcome",
            "judge the ratio with volunteer time as input",
        );
    }
    if let (Some(story), Ok(pv)) = (
        r.story_value.as_deref().map(dec),
        crate::num::parse_decimal(&r.present_value),
    ) {
        if pv > Decimal::ZERO && story * Decimal::from(4) > pv {
            c.add(
                "claims.value-from-stories",
                Rating::Amber,
                format!(
                    "{} of the value ({}) is valued from stories, not records",
                    crate::report::text::small_share(story, pv),
                    money_gbp(story)
                ),
                "a story evidences one instance of a change, not a count",
                "ask for the records behind the stories' outcomes",
            );
        }
    }
    if let Some(t) = r.transfers.as_deref().map(dec).filter(|t| !t.is_zero()) {
        c.add("claims.transfers-apart", 
            Rating::Green,
            format!("{} of transfers (benefits or taxes no longer paid) is shown apart, not counted as social value", money_gbp(t)),
            "",
            "",
        );
    }
}

pub(super) fn evidence(s: &Submission, v: Option<&Valuation>, tk: Option<&Toolkit>) -> Check {
    let mut c = Check::new("evidence");
    for st in &s.story {
        if st.consent != "yes" {
            c.add(
                "evidence.story-without-consent",
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
        // A recomputed outcome line's number is its place among the submission's outcomes.
        let bare: Vec<String> = v
            .lines
            .iter()
            .filter(|l| l.evidence.is_empty() && l.note.as_deref().unwrap_or("").trim().is_empty())
            .filter_map(|l| match l.origin {
                crate::value::Origin::Outcome { line } => {
                    let i = usize::try_from(line).ok()?.checked_sub(1)?;
                    Some(row_label(s.outcome.get(i)?, i))
                }
                _ => None,
            })
            .collect();
        if !bare.is_empty() {
            c.add(
                "evidence.lines-without-evidence",
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
                c.add("evidence.stories-only-themes", Rating::Green, format!("themes evidenced in stories only, with no numbers and no value claimed: {}", words_only.join(", ")), "", "");
            }
        }
        grades(&mut c, s, v);
    }
    if v.is_none() {
        c.add("evidence.not-recomputed", Rating::Amber, "the submission could not be recomputed, so its evidence could not be checked line by line", "", "see the reproducibility check");
    }
    if c.findings.iter().all(|f| f.rating == Rating::Green) {
        c.add(
            "evidence.ok",
            Rating::Green,
            "every outcome line has stated evidence, and only consented stories are included",
            "",
            "",
        );
    }
    c
}
