//! The network by place and member by member: value, hours, investment and reach in each
//! district, and each member's position among the others (quarters, never a league table).

use super::shared::SharedOutcome;
use super::{distribution, Distribution, Member, Summary};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// The network's figures in one place (a local authority district), or "not given".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceRow {
    /// The district code; `None` for value no member placed.
    pub place: Option<String>,
    /// The toolkit's name for the code, when it has one.
    pub name: Option<String>,
    pub present_value: Decimal,
    pub hours: Decimal,
    pub investment: Decimal,
    pub people: u64,
    /// Members whose own place this is.
    pub members_based_here: u64,
    /// Members with any value here.
    pub members_with_value_here: usize,
    pub value_per_person: Option<Decimal>,
    /// Deprivation deciles members gave for the place, lowest first.
    pub deprivation_deciles: Vec<u8>,
}

#[derive(Default)]
struct Place {
    present_value: Decimal,
    hours: Decimal,
    investment: Decimal,
    people: u64,
    /// Members whose own place this is.
    members: u64,
    /// Members with any value here, counted once each: the last one counted is `last`.
    /// Decision: a count, not a set of ids, which held an id for every member of the network.
    active: usize,
    last: Option<usize>,
    deciles: BTreeSet<u8>,
}

impl Place {
    /// Counts member `i` among those with value here, once (members are counted in order, so
    /// a member already counted is the last one counted).
    fn count_once(&mut self, i: usize) {
        if self.last != Some(i) {
            self.last = Some(i);
            self.active += 1;
        }
    }
}

/// Value, volunteer hours, investment, people and members by place, with the value removed as
/// double counting taken out where it had been counted; places in code order, "not given" last.
pub fn by_place(
    members: &[Box<Member>],
    shared: &[SharedOutcome],
    names: &BTreeMap<String, String>,
) -> Vec<PlaceRow> {
    if members.iter().all(|m| m.by_place.is_empty()) {
        return Vec::new();
    }
    let mut map: BTreeMap<(bool, Option<String>), Place> = BTreeMap::new();
    let key = |p: &Option<String>| (p.is_none(), p.clone());
    for (i, m) in members.iter().enumerate() {
        if m.by_place.is_empty() {
            // A member that gives no place at all: everything it has is unplaced.
            let e = map.entry((true, None)).or_default();
            e.present_value = e.present_value.saturating_add(m.present_value);
            e.hours = e.hours.saturating_add(m.hours);
            e.investment = e.investment.saturating_add(m.investment);
            e.people = e.people.saturating_add(m.people.unwrap_or(0));
            e.members += 1;
            e.count_once(i);
            continue;
        }
        for p in &m.by_place {
            let e = map.entry(key(&p.place)).or_default();
            e.present_value = e.present_value.saturating_add(p.present_value);
            e.hours = e.hours.saturating_add(p.hours);
            e.investment = e.investment.saturating_add(p.investment);
            e.people = e.people.saturating_add(p.people.unwrap_or(0));
            if p.place == m.place {
                e.members += 1;
            }
            if !p.present_value.is_zero() {
                e.count_once(i);
            }
            e.deciles.extend(p.deprivation_decile);
        }
    }
    for r in shared.iter().flat_map(|s| &s.removed) {
        let e = map.entry(key(&r.place)).or_default();
        e.present_value = e.present_value.saturating_sub(r.amount);
    }
    map.into_iter()
        .map(|((_, place), p)| PlaceRow {
            name: place.as_ref().and_then(|c| names.get(c)).cloned(),
            place,
            value_per_person: crate::num::ratio(p.present_value, Decimal::from(p.people)),
            present_value: p.present_value,
            hours: p.hours,
            investment: p.investment,
            people: p.people,
            members_based_here: p.members,
            members_with_value_here: p.active,
            deprivation_deciles: p.deciles.into_iter().collect(),
        })
        .collect()
}

/// Which quarter of the network's ratios a ratio falls in: 1 (lowest) to 4 (highest), by the
/// same quartiles the summary reports (`d`, worked out once for all members).
pub fn quartile(ratio: Decimal, d: &Distribution) -> u8 {
    if ratio <= d.q1 {
        1
    } else if ratio <= d.median {
        2
    } else if ratio <= d.q3 {
        3
    } else {
        4
    }
}

/// A quarter in words.
pub fn quarter_words(q: u64) -> &'static str {
    match q {
        1 => "lowest quarter",
        2 => "second quarter",
        3 => "third quarter",
        4 => "highest quarter",
        _ => "",
    }
}

/// The member's largest themes by value, up to two, with their shares of its value.
fn theme_mix(m: &Member) -> Vec<(String, Decimal)> {
    let total = m
        .by_theme
        .iter()
        .map(|(_, v)| v)
        .filter(|v| **v > Decimal::ZERO)
        .fold(Decimal::ZERO, |a, v| a.saturating_add(*v));
    let mut themes: Vec<(&str, &Decimal)> = m
        .by_theme
        .iter()
        .filter(|(_, v)| *v > Decimal::ZERO)
        .map(|(t, v)| (&**t, v))
        .collect();
    themes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    themes
        .into_iter()
        .take(2)
        .filter_map(|(t, v)| {
            let share = crate::num::ratio(*v, total)?;
            Some((t.to_string(), share))
        })
        .collect()
}

/// One member's place in the network: its own figures are on [`Member`]; this adds its
/// position among the others (the quarter of the network's ratios it falls in) and its
/// context: main themes, shared outcomes it over-claims, the change since last year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow<'a> {
    pub member: &'a Member,
    /// Its value less what was taken out of its claims as double counting.
    pub present_value_counted: Decimal,
    pub ratio_quartile: Option<u8>,
    /// "partnership / proxy" of each shared outcome it over-claims.
    pub over_claims: Vec<String>,
    /// With last year's summary: the change in its value (`None` when it is new).
    pub change_in_present_value: Option<Decimal>,
}

impl MemberRow<'_> {
    /// Its largest themes, up to two, with their shares of its value (fractions). Decision:
    /// worked out when written, not kept for every member.
    pub fn themes(&self) -> Vec<(String, Decimal)> {
        theme_mix(self.member)
    }
}

/// A record per member, in the summary's order (by organisation id).
pub fn member_rows<'a>(s: &'a Summary, previous: Option<&'a Summary>) -> Vec<MemberRow<'a>> {
    // Each member's over-claims and removals, found in one pass over the shared outcomes.
    let mut over: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for x in &s.shared {
        for c in x.claims.iter().filter(|c| c.over_claimed) {
            over.entry(c.member.as_str())
                .or_default()
                .push(format!("{} / {}", x.partnership, x.proxy));
        }
    }
    let mut removed: BTreeMap<&str, Decimal> = BTreeMap::new();
    for r in s.shared.iter().flat_map(|x| &x.removed) {
        let e = removed.entry(r.member.as_str()).or_default();
        *e = e.saturating_add(r.amount);
    }
    let quartiles = distribution(s.members.iter().filter_map(|m| m.ratio()).collect());
    s.members
        .iter()
        .map(|m| MemberRow {
            member: m,
            present_value_counted: m
                .present_value
                .saturating_sub(removed.get(m.id.as_str()).copied().unwrap_or_default()),
            ratio_quartile: m
                .ratio()
                .zip(quartiles.as_ref())
                .map(|(r, d)| quartile(r, d)),
            over_claims: over.remove(m.id.as_str()).unwrap_or_default(),
            change_in_present_value: previous
                .and_then(|p| {
                    p.members
                        .binary_search_by(|o| o.id.cmp(&m.id))
                        .ok()
                        .map(|k| &p.members[k])
                })
                .map(|o| m.present_value.saturating_sub(o.present_value)),
        })
        .collect()
}

/// Members by ratio, highest first (ties by id), with their ratios: only when asked for with
/// `--rank`.
pub fn ranked(members: &[Box<Member>]) -> Vec<(&Member, Decimal)> {
    let mut with: Vec<(&Member, Decimal)> = members
        .iter()
        .filter_map(|m| m.ratio().map(|r| (&**m, r)))
        .collect();
    with.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    with
}
