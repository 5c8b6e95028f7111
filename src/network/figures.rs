//! The network's summary as typed figures, computed once: totals with double counting taken
//! out, breakdowns, places, spreads, pooled measures, stories and a record per member.

use super::places::{self, MemberRow, PlaceRow};
use super::{distribution, outliers, shared, Distribution, Member, Summary};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Everything every network output is written from (JSON, pages, tables, charts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures<'a> {
    /// The members, quarantined and skipped files, shared outcomes and toolkit.
    pub summary: &'a Summary,
    /// The financial year as people write it: "2024/25".
    pub year: String,
    /// The members' value with each shared outcome claimed more than once counted once.
    pub present_value: Decimal,
    /// The members' value as they claimed it.
    pub present_value_claimed: Decimal,
    pub double_counting_removed: Decimal,
    pub investment: Decimal,
    pub sroi_ratio: Option<Decimal>,
    pub volunteer_hours: Decimal,
    pub volunteers: u64,
    pub people: u64,
    /// Value by kind, by who gains and by theme, double counting taken out.
    pub by_kind: BTreeMap<String, Decimal>,
    pub by_beneficiary: BTreeMap<String, Decimal>,
    pub by_theme: BTreeMap<String, Decimal>,
    /// The members' value on each grade of evidence, as they claimed it (a removed double
    /// count is not traced to a grade).
    pub by_grade: BTreeMap<crate::project::Grade, Decimal>,
    pub places: Vec<PlaceRow>,
    pub ratio_distribution: Option<Distribution>,
    pub value_per_hour_distribution: Option<Distribution>,
    /// Ids of members whose ratio lies beyond 1.5 × the interquartile range.
    pub outliers: Vec<String>,
    pub indicators: Vec<PooledIndicator>,
    /// One consented quote a member, from the first five members with any.
    pub quotes: Vec<Quote<'a>>,
    /// The ten most used story tags, with their story counts.
    pub top_tags: Vec<(String, u64)>,
    pub previous: Option<Previous>,
    pub members: Vec<MemberRow<'a>>,
    /// Members by ratio, highest first: only when asked for.
    pub ranked: Option<Vec<(&'a Member, Decimal)>>,
}

/// One consented quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote<'a> {
    pub member: &'a str,
    pub story: &'a str,
    pub quote: &'a str,
}

/// Last year's network, counted as this year's is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    pub year: String,
    pub members: usize,
    pub present_value: Decimal,
    pub investment: Decimal,
    pub sroi_ratio: Option<Decimal>,
    pub change_in_present_value: Decimal,
}

/// One indicator across the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PooledIndicator {
    pub id: String,
    pub name: String,
    pub scale_min: String,
    pub scale_max: String,
    pub higher_is_better: bool,
    pub organisations: u64,
    pub people: u64,
    pub pairs: u64,
    /// The members' mean changes weighted by their pairs, to 4 places.
    pub mean_change: Option<Decimal>,
    pub improved: u64,
    pub same: u64,
    pub worse: u64,
    pub wellbys: Option<Decimal>,
}

/// "2024/25" for the year starting in 2024.
pub fn year_label(year: i32) -> String {
    format!("{year}/{:02}", (year + 1).rem_euclid(100))
}

/// The value, investment and hours of `s`'s members, with shared outcomes claimed more than
/// once counted once: (counted value, claimed value, removed, investment, hours).
fn totals(s: &Summary) -> (Decimal, Decimal, Decimal, Decimal, Decimal) {
    let total = |f: fn(&Member) -> Decimal| {
        s.members
            .iter()
            .fold(Decimal::ZERO, |a, m| a.saturating_add(f(m)))
    };
    let claimed = total(|m| m.present_value);
    let removed = s
        .shared
        .iter()
        .flat_map(|x| &x.removed)
        .fold(Decimal::ZERO, |a, r| a.saturating_add(r.amount));
    (
        claimed.saturating_sub(removed),
        claimed,
        removed,
        total(|m| m.investment),
        total(|m| m.hours),
    )
}

impl<'a> Figures<'a> {
    /// The figures of `s`, beside last year's `previous`; with `rank`, members ranked by ratio.
    pub fn new(s: &'a Summary, previous: Option<&'a Summary>, rank: bool) -> Figures<'a> {
        let (pv, claimed, removed, investment, hours) = totals(s);
        let removals: Vec<&shared::Removed> = s.shared.iter().flat_map(|x| &x.removed).collect();
        let less = |mut m: BTreeMap<String, Decimal>, f: fn(&shared::Removed) -> &String| {
            for r in &removals {
                let e = m.entry(f(r).clone()).or_default();
                *e = e.saturating_sub(r.amount);
            }
            m
        };
        let sum = |f: fn(&Member) -> &super::Amounts| add_maps(s.members.iter().map(|m| f(m)));
        Figures {
            summary: s,
            year: year_label(s.year),
            present_value: pv,
            present_value_claimed: claimed,
            double_counting_removed: removed,
            investment,
            sroi_ratio: crate::num::ratio(pv, investment),
            volunteer_hours: hours,
            volunteers: s
                .members
                .iter()
                .fold(0, |a, m| a.saturating_add(m.volunteers)),
            people: s
                .members
                .iter()
                .filter_map(|m| m.people)
                .fold(0, u64::saturating_add),
            by_kind: less(sum(|m| &m.by_kind), |r| &r.kind),
            by_beneficiary: less(sum(|m| &m.by_beneficiary), |r| &r.beneficiary),
            by_theme: less(sum(|m| &m.by_theme), |r| &r.theme),
            by_grade: by_grade(&s.members),
            places: places::by_place(&s.members, &s.shared, &s.place_names),
            ratio_distribution: distribution(s.members.iter().filter_map(|m| m.ratio()).collect()),
            value_per_hour_distribution: distribution(
                s.members
                    .iter()
                    .filter_map(|m| m.value_per_hour())
                    .collect(),
            ),
            outliers: outliers(s),
            indicators: pooled_indicators(&s.members),
            quotes: quotes(&s.members),
            top_tags: top_tags(&s.members),
            previous: previous.map(|p| last_year(p, pv)),
            members: places::member_rows(s, previous),
            ranked: rank.then(|| places::ranked(&s.members)),
        }
    }
}

fn by_grade(members: &[Box<Member>]) -> BTreeMap<crate::project::Grade, Decimal> {
    let mut out: BTreeMap<crate::project::Grade, Decimal> = crate::project::Grade::ALL
        .iter()
        .map(|g| (*g, Decimal::ZERO))
        .collect();
    for m in members {
        for (g, v) in m.by_grade.iter() {
            let e = out.entry(*g).or_default();
            *e = e.saturating_add(*v);
        }
    }
    out
}

fn last_year(p: &Summary, pv: Decimal) -> Previous {
    let (ppv, _, _, pinv, _) = totals(p);
    Previous {
        year: year_label(p.year),
        members: p.members.len(),
        present_value: ppv,
        investment: pinv,
        sroi_ratio: crate::num::ratio(ppv, pinv),
        change_in_present_value: pv.saturating_sub(ppv),
    }
}

fn quotes(members: &[Box<Member>]) -> Vec<Quote<'_>> {
    members
        .iter()
        .filter_map(|m| {
            m.quote.as_ref().map(|(id, q)| Quote {
                member: &m.name,
                story: id,
                quote: q,
            })
        })
        .take(5)
        .collect()
}

fn top_tags(members: &[Box<Member>]) -> Vec<(String, u64)> {
    let mut tags: BTreeMap<String, u64> = BTreeMap::new();
    for m in members {
        for (t, n) in m.tags.iter() {
            let e = tags.entry(t.to_string()).or_insert(0);
            *e = e.saturating_add(*n);
        }
    }
    let mut top: Vec<(String, u64)> = tags.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(10);
    top
}

fn add_maps<'m>(maps: impl Iterator<Item = &'m super::Amounts>) -> BTreeMap<String, Decimal> {
    let mut out: BTreeMap<String, Decimal> = BTreeMap::new();
    for m in maps {
        for (k, v) in m.iter() {
            let e = match out.get_mut(&**k) {
                Some(e) => e,
                None => out.entry(k.to_string()).or_insert(Decimal::ZERO),
            };
            // Members' values are bounded when read, so this cannot overflow in practice;
            // saturating keeps a hostile set from panicking.
            *e = e.saturating_add(*v);
        }
    }
    out
}

/// Each indicator across the network: how many organisations and people stand behind it, and
/// the mean change pooled over everyone measured before and after (each member's mean weighted
/// by its pairs). Local indicators (an organisation's own questions) are not pooled, as two
/// organisations' "own" questions are not the same question.
fn pooled_indicators(members: &[Box<Member>]) -> Vec<PooledIndicator> {
    let mut pools: BTreeMap<String, (PooledIndicator, Decimal)> = BTreeMap::new();
    for m in members {
        for i in m.indicators.iter().filter(|i| !i.local) {
            let (p, weighted) = pools.entry(i.id.clone()).or_insert_with(|| {
                let p = PooledIndicator {
                    id: i.id.clone(),
                    name: i.name.clone(),
                    scale_min: i.scale_min.clone(),
                    scale_max: i.scale_max.clone(),
                    higher_is_better: i.higher_is_better,
                    organisations: 0,
                    people: 0,
                    pairs: 0,
                    mean_change: None,
                    improved: 0,
                    same: 0,
                    worse: 0,
                    wellbys: None,
                };
                (p, Decimal::ZERO)
            });
            let parse =
                |x: &Option<String>| x.as_deref().and_then(|c| crate::num::parse_decimal(c).ok());
            p.organisations += 1;
            p.people = p.people.saturating_add(i.people);
            if let Some(c) = parse(&i.mean_change) {
                p.pairs = p.pairs.saturating_add(i.pairs);
                *weighted = weighted.saturating_add(c.saturating_mul(Decimal::from(i.pairs)));
            }
            p.improved = p.improved.saturating_add(i.improved);
            p.same = p.same.saturating_add(i.same);
            p.worse = p.worse.saturating_add(i.worse);
            if let Some(w) = parse(&i.wellbys) {
                p.wellbys = Some(p.wellbys.unwrap_or_default().saturating_add(w));
            }
        }
    }
    pools
        .into_values()
        .map(|(mut p, weighted)| {
            p.mean_change =
                crate::num::ratio(weighted, Decimal::from(p.pairs)).map(|m| m.round_dp(4));
            p.wellbys = p.wellbys.filter(|w| !w.is_zero());
            p
        })
        .collect()
}
