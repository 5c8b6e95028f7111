//! The network's annual summary: every member's submission read, checked, rebased to one toolkit
//! and added up, with every file accounted for (included or quarantined with a reason).

pub mod demo;
pub mod figures;
pub mod inbox;
pub mod jobs;
pub mod json;
pub mod output;
pub mod page;
pub mod places;
pub mod shared;

use crate::date::Date;
use crate::sensitivity::montecarlo::percentile;
use crate::submission;

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Amounts by name (kind, who gains, theme), in name order. Decision: a boxed slice rather
/// than a map: a `BTreeMap`'s first node takes about 500 bytes however few entries it holds,
/// and a network keeps a record for every member (issue 19: memory flat in members).
pub type Amounts = Box<[(Box<str>, Decimal)]>;

/// A map's entries as [`Amounts`], in the map's (name) order.
pub fn amounts<K: AsRef<str>>(m: &BTreeMap<K, Decimal>) -> Amounts {
    m.iter().map(|(k, v)| (k.as_ref().into(), *v)).collect()
}

/// One member's figures, on the network's toolkit. Decision: only what the summary needs,
/// each kept compactly (see [`Amounts`]): about a kilobyte a member, where it was five.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub file: PathBuf,
    pub id: String,
    pub name: String,
    pub period_end: Date,
    /// When its return was written (`[submission] written`), if it says.
    pub written: Option<String>,
    pub toolkit_version: String,
    pub rebased: bool,
    pub present_value: Decimal,
    pub investment: Decimal,
    pub hours: Decimal,
    pub volunteers: u64,
    pub people: Option<u64>,
    pub by_kind: Amounts,
    pub by_beneficiary: Amounts,
    pub by_theme: Amounts,
    /// Story tags with the number of its stories that carry each, in tag order.
    pub tags: Box<[(Box<str>, u64)]>,
    /// Its first consented story quote, with the story's id (the summary quotes one a member).
    pub quote: Option<(Box<str>, Box<str>)>,
    /// The member's indicator statistics, as its submission carries them.
    pub indicators: Vec<crate::submission::IndicatorRef>,
    /// Where it works (a district code), if it says.
    pub place: Option<String>,
    /// Its value, hours, investment and reach by place (empty when it gives no place).
    pub by_place: Vec<crate::value::PlaceTotal>,
    /// Its lines that claim a share of a partnership's outcome.
    pub claims: Vec<shared::Claim>,
    /// The partnerships it declares.
    pub partnerships: Vec<crate::project::Partnership>,
    /// Its outcome lines' deadweight and attribution, each weighted by the line's gross value.
    pub deductions: Option<(Decimal, Decimal)>,
    /// Its present value resting on each grade of evidence (docs/evidence-grades.md), in
    /// grade order.
    pub by_grade: Box<[(crate::project::Grade, Decimal)]>,
}

/// The deadweight and attribution of a valuation's outcome lines (not volunteer time, not
/// transfers), each line weighted by its gross value: how much it takes off, on average.
pub fn deductions(v: &crate::value::Valuation) -> Option<(Decimal, Decimal)> {
    let (mut gross, mut dw, mut attr) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for l in v.lines.iter().filter(|l| {
        l.kind != crate::toolkit::Kind::Volunteering && !l.transfer && l.value.gross > Decimal::ZERO
    }) {
        gross = gross.checked_add(l.value.gross)?;
        dw = dw.checked_add(l.value.gross.checked_mul(l.adjustments.deadweight)?)?;
        attr = attr.checked_add(l.value.gross.checked_mul(l.adjustments.attribution)?)?;
    }
    Some((
        crate::num::ratio(dw, gross)?,
        crate::num::ratio(attr, gross)?,
    ))
}

impl Member {
    pub fn ratio(&self) -> Option<Decimal> {
        crate::num::ratio(self.present_value, self.investment)
    }

    pub fn value_per_hour(&self) -> Option<Decimal> {
        crate::num::ratio(self.present_value, self.hours)
    }

    /// Its value by grade of evidence as a map, as the evidence mix is worked out from.
    pub fn by_grade_map(&self) -> BTreeMap<crate::project::Grade, Decimal> {
        self.by_grade.iter().copied().collect()
    }
}

/// A file left out of the summary: why (with its line where there is one), and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    pub file: PathBuf,
    pub reason: String,
    pub action: String,
}

/// Five numbers describing a spread: 5th, 25th, 50th, 75th and 95th percentiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distribution {
    pub count: usize,
    pub p5: Decimal,
    pub q1: Decimal,
    pub median: Decimal,
    pub q3: Decimal,
    pub p95: Decimal,
}

pub fn distribution(mut v: Vec<Decimal>) -> Option<Distribution> {
    if v.is_empty() {
        return None;
    }
    v.sort();
    Some(Distribution {
        count: v.len(),
        p5: percentile(&v, 5),
        q1: percentile(&v, 25),
        median: percentile(&v, 50),
        q3: percentile(&v, 75),
        p95: percentile(&v, 95),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub year: i32,
    pub toolkit: String,
    /// Every entry under the folders: included, quarantined or skipped.
    pub files_found: usize,
    /// Sorted by organisation id. Decision: each record boxed, so putting them in order never
    /// needs room for a second copy of every record at once (about 500 bytes each).
    pub members: Vec<Box<Member>>,
    /// Returns that may not be counted, sorted by file.
    pub quarantined: Vec<Quarantined>,
    /// Entries that are not returns (other files, links out of the inbox, unreadable folders),
    /// sorted by file.
    pub skipped: Vec<Quarantined>,
    /// Toolkit versions members were rebased from, with counts.
    pub rebased_from: BTreeMap<String, u64>,
    /// Every partnership's shared outcome, each counted once in the total.
    pub shared: Vec<shared::SharedOutcome>,
    /// Names the network's toolkit gives places, by code.
    pub place_names: BTreeMap<String, String>,
}

enum Outcome {
    In(Box<Member>),
    Out(Quarantined),
}

fn one(path: &Path, rules: &submission::gate::Rules) -> Outcome {
    let a = match submission::gate::accept(path, rules) {
        Ok(a) => a,
        Err(r) => {
            return Outcome::Out(Quarantined {
                file: path.to_path_buf(),
                reason: r.reason(),
                action: r.action,
            })
        }
    };
    let tk = rules.toolkit;
    let (s, v) = (&a.submission, a.verdict.valuation);
    let mut tags = BTreeMap::new();
    for st in &v.stories {
        for t in &st.tags {
            *tags.entry(t.clone()).or_insert(0) += 1;
        }
    }
    Outcome::In(Box::new(Member {
        file: path.to_path_buf(),
        id: a.verdict.id.clone(),
        name: s.organisation.name.clone(),
        period_end: a.verdict.end,
        written: a.verdict.written.clone(),
        toolkit_version: format!("{} {}", s.toolkit.id, s.toolkit.version),
        rebased: s.toolkit.fingerprint != tk.fingerprint,
        present_value: v.totals.present_value,
        investment: v.totals.investment,
        hours: v
            .volunteering
            .as_ref()
            .map_or(Decimal::ZERO, |t| t.summary.hours),
        volunteers: v.volunteering.as_ref().map_or(0, |t| t.summary.volunteers),
        people: v.reach.as_ref().map(|r| r.people),
        by_kind: amounts(&v.totals.by_kind),
        by_beneficiary: amounts(&v.totals.by_beneficiary),
        by_theme: amounts(&v.totals.by_theme),
        quote: v.stories.first().map(|st| {
            (
                st.id.as_str().into(),
                crate::report::page::quote(&st.text, 160).into(),
            )
        }),
        indicators: s.indicator.clone(),
        tags: tags
            .into_iter()
            .map(|(t, n): (String, u64)| (t.into(), n))
            .collect(),
        place: v.organisation.place.clone(),
        claims: shrunk(
            v.lines
                .iter()
                // A transfer is outside the member's value, so never counted or removed here.
                .filter(|l| !l.transfer)
                .filter_map(|l| {
                    Some(shared::Claim {
                        partnership: l.partnership.clone()?,
                        proxy: l.proxy.clone(),
                        share: Decimal::ONE - l.adjustments.attribution,
                        present_value: l.value.present_value,
                        place: l.place.clone(),
                        kind: l.kind.as_str().to_string(),
                        theme: l.theme.clone(),
                        beneficiary: l.beneficiary.clone(),
                    })
                })
                .collect(),
        ),
        deductions: deductions(&v),
        by_grade: v.totals.by_grade.iter().map(|(g, x)| (*g, *x)).collect(),
        by_place: shrunk(v.by_place),
        partnerships: shrunk(v.partnerships),
    }))
}

/// A list without the room it grew into: it is kept for every member.
fn shrunk<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

/// Members whose ratio lies outside 1.5 × the interquartile range of the network's, by id.
pub fn outliers(s: &Summary) -> Vec<String> {
    let Some(d) = distribution(s.members.iter().filter_map(|m| m.ratio()).collect()) else {
        return Vec::new();
    };
    let fence = (d.q3 - d.q1) * Decimal::new(15, 1);
    s.members
        .iter()
        .filter(|m| {
            m.ratio()
                .is_some_and(|r| r < d.q1 - fence || r > d.q3 + fence)
        })
        .map(|m| m.id.clone())
        .collect()
}

/// Reads every return in the inbox through the gate on up to `jobs` threads within the memory
/// budget ([`jobs`]), keeps one per organisation, and adds them up. `progress` is called with
/// the number of files done so far (from any thread). `rules.year` must be given: a network
/// summary is of one year.
pub fn summarise(
    inbox: &inbox::Inbox,
    rules: &submission::gate::Rules,
    jobs: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Summary {
    let files = &inbox.files;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let costs: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| jobs::cost(m.len())))
        .collect();
    let read = |f: &PathBuf| {
        // A fault on one stranger's file must not lose the others: it is quarantined like
        // any unreadable file.
        let o = std::panic::catch_unwind(|| one(f, rules)).unwrap_or_else(|_| {
            Outcome::Out(Quarantined {
                file: f.clone(),
                reason: "social-value failed on this file (an internal fault)".into(),
                action: "please report it, with the file".into(),
            })
        });
        progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
        o
    };
    let outcomes = jobs::run(files, &costs, jobs, jobs::MEMORY_BUDGET, &read);
    let mut returns: Vec<Box<Member>> = Vec::new();
    let mut quarantined = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Out(q) => quarantined.push(q),
            Outcome::In(m) => returns.push(m),
        }
    }
    // By organisation id; a stable sort keeps one organisation's returns in file order.
    // Decision: sorted runs rather than a map of lists, which took a list (room for four
    // records) for every organisation.
    returns.sort_by(|a, b| a.id.cmp(&b.id));
    let mut members = Vec::with_capacity(returns.len());
    let mut it = returns.into_iter().peekable();
    while let Some(first) = it.next() {
        if it.peek().is_none_or(|n| n.id != first.id) {
            members.push(first);
            continue;
        }
        let mut same = vec![first];
        while let Some(n) = it.next_if(|n| n.id == same[0].id) {
            same.push(n);
        }
        let (kept, left) = one_per_organisation(same);
        members.extend(kept);
        quarantined.extend(left);
    }
    quarantined.sort_by(|a, b| a.file.cmp(&b.file));
    let mut rebased_from = BTreeMap::new();
    for m in members.iter().filter(|m| m.rebased) {
        *rebased_from.entry(m.toolkit_version.clone()).or_insert(0) += 1;
    }
    let tk = rules.toolkit;
    Summary {
        year: rules.year.unwrap_or_default(),
        toolkit: format!("{} {}", tk.id, tk.version),
        files_found: files.len() + inbox.skipped.len(),
        shared: shared::shared_outcomes(&members),
        members,
        quarantined,
        skipped: inbox.skipped.clone(),
        rebased_from,
        place_names: tk
            .places
            .iter()
            .map(|p| (p.code.clone(), p.name.clone()))
            .collect(),
    }
}

/// One return per organisation: the one written last (`[submission] written`). Decision: a
/// return that says when it was written is newer than one that does not; two written at the
/// same moment, or two that do not say, cannot be told apart, so both are quarantined for a
/// person to ask which is final, rather than one chosen by its file name.
pub fn one_per_organisation(
    mut returns: Vec<Box<Member>>,
) -> (Option<Box<Member>>, Vec<Quarantined>) {
    // Latest first; files in name order among equals, so the outcome never depends on reading.
    returns.sort_by(|a, b| b.written.cmp(&a.written).then(a.file.cmp(&b.file)));
    let mut it = returns.into_iter();
    let Some(newest) = it.next() else {
        return (None, Vec::new());
    };
    let rest: Vec<Box<Member>> = it.collect();
    let tied: Vec<&Member> = rest
        .iter()
        .map(|m| &**m)
        .filter(|m| m.written == newest.written)
        .collect();
    if !tied.is_empty() {
        let all: Vec<String> = std::iter::once(&*newest)
            .chain(tied.iter().copied())
            .map(|m| m.file.display().to_string())
            .collect();
        let when = match &newest.written {
            Some(w) => format!("written at the same moment ({w})"),
            None => "neither saying when it was written".into(),
        };
        let conflict = |m: &Member| Quarantined {
            file: m.file.clone(),
            reason: format!(
                "{} returns for {}, {when}: {}",
                all.len(),
                m.id,
                all.join(", ")
            ),
            action: format!(
                "ask {} which return is final, and to submit it again",
                m.name
            ),
        };
        let mut out: Vec<Quarantined> = std::iter::once(&*newest)
            .chain(tied)
            .map(conflict)
            .collect();
        out.extend(
            rest.iter()
                .filter(|m| m.written != newest.written)
                .map(|m| superseded(m, &newest)),
        );
        return (None, out);
    }
    let out = rest.iter().map(|m| superseded(m, &newest)).collect();
    (Some(newest), out)
}

fn superseded(m: &Member, by: &Member) -> Quarantined {
    Quarantined {
        file: m.file.clone(),
        reason: format!(
            "superseded by {} (written {}), a later return for {}",
            by.file.display(),
            by.written.as_deref().unwrap_or("later"),
            m.id
        ),
        action: "nothing: the later return is counted".into(),
    }
}
