//! The network by place and member by member: value, hours, investment and reach in each
//! district, and each member's position among the others (quarters, never a league table).

use super::shared::SharedOutcome;
use super::{distribution, Distribution, Member, Summary};
use crate::num::{fixed, money};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default)]
struct Place {
    present_value: Decimal,
    hours: Decimal,
    investment: Decimal,
    people: u64,
    /// Members whose own place this is.
    members: u64,
    /// Members with any value here.
    active: BTreeSet<String>,
    deciles: BTreeSet<u8>,
}

/// Value, volunteer hours, investment, people and members by place, with the value removed as
/// double counting taken out where it had been counted; places in code order, "not given" last.
pub fn by_place(
    members: &[Member],
    shared: &[SharedOutcome],
    names: &BTreeMap<String, String>,
) -> Value {
    if members.iter().all(|m| m.by_place.is_empty()) {
        return Value::Array(Vec::new());
    }
    let mut map: BTreeMap<(bool, Option<String>), Place> = BTreeMap::new();
    let key = |p: &Option<String>| (p.is_none(), p.clone());
    for m in members {
        if m.by_place.is_empty() {
            // A member that gives no place at all: everything it has is unplaced.
            let e = map.entry((true, None)).or_default();
            e.present_value = e.present_value.saturating_add(m.present_value);
            e.hours = e.hours.saturating_add(m.hours);
            e.investment = e.investment.saturating_add(m.investment);
            e.people = e.people.saturating_add(m.people.unwrap_or(0));
            e.members += 1;
            e.active.insert(m.id.clone());
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
                e.active.insert(m.id.clone());
            }
            e.deciles.extend(p.deprivation_decile);
        }
    }
    for r in shared.iter().flat_map(|s| &s.removed) {
        let e = map.entry(key(&r.place)).or_default();
        e.present_value = e.present_value.saturating_sub(r.amount);
    }
    Value::Array(
        map.into_iter()
            .map(|((_, place), p)| {
                json!({
                    "place": place,
                    "name": place.as_ref().and_then(|c| names.get(c)),
                    "present_value": money(p.present_value),
                    "volunteer_hours": p.hours.normalize().to_string(),
                    "investment": money(p.investment),
                    "people": p.people,
                    "members_based_here": p.members,
                    "members_with_value_here": p.active.len(),
                    "value_per_person": crate::num::ratio(p.present_value, Decimal::from(p.people)).map(money),
                    "deprivation_deciles": p.deciles.into_iter().collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
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

/// The member's largest themes by value, up to two, as shares of its value.
fn theme_mix(m: &Member) -> Vec<Value> {
    let total = m
        .by_theme
        .values()
        .filter(|v| **v > Decimal::ZERO)
        .fold(Decimal::ZERO, |a, v| a.saturating_add(*v));
    let mut themes: Vec<(&String, &Decimal)> = m
        .by_theme
        .iter()
        .filter(|(_, v)| **v > Decimal::ZERO)
        .collect();
    themes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    themes
        .into_iter()
        .take(2)
        .filter_map(|(t, v)| {
            let share = crate::num::ratio(*v, total)?;
            Some(json!({"theme": t, "share": fixed(share * Decimal::ONE_HUNDRED, 0)}))
        })
        .collect()
}

/// One record per member: its own figures as claimed, its position among the others (the
/// quarter of the network's ratios it falls in) and its context: size, place, main themes and
/// any shared outcome it over-claims; with last year's summary, the change in its value.
/// Serialised member by member, so a network of 100,000 never holds every record at once.
pub struct PerMember<'a> {
    s: &'a Summary,
    previous: Option<&'a Summary>,
    quartiles: Option<Distribution>,
    over: BTreeMap<&'a str, Vec<String>>,
    /// Value taken out of each member's claims as double counting.
    removed: BTreeMap<&'a str, Decimal>,
}

impl<'a> PerMember<'a> {
    pub fn new(s: &'a Summary, previous: Option<&'a Summary>) -> PerMember<'a> {
        // Each member's over-claims, found in one pass over the shared outcomes.
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
        PerMember {
            removed,
            s,
            previous,
            quartiles: distribution(s.members.iter().filter_map(Member::ratio).collect()),
            over,
        }
    }

    fn record(&self, m: &Member) -> Value {
        let last = self
            .previous
            .and_then(|p| {
                p.members
                    .binary_search_by(|o| o.id.cmp(&m.id))
                    .ok()
                    .map(|k| &p.members[k])
            })
            .map(|o| money(m.present_value.saturating_sub(o.present_value)));
        json!({
            "id": m.id,
            "name": m.name,
            "file": super::inbox::shown(&m.file),
            "place": m.place,
            "present_value": money(m.present_value),
            "present_value_counted": money(m.present_value.saturating_sub(
                self.removed.get(m.id.as_str()).copied().unwrap_or_default(),
            )),
            "investment": money(m.investment),
            "sroi_ratio": m.ratio().map(|r| fixed(r, 2)),
            "ratio_quartile": m.ratio().zip(self.quartiles.as_ref()).map(|(r, d)| quartile(r, d)),
            "volunteer_hours": m.hours.normalize().to_string(),
            "people": m.people,
            "themes": theme_mix(m),
            "over_claims": self.over.get(m.id.as_str()).cloned().unwrap_or_default(),
            "rebased_from": m.rebased.then(|| m.toolkit_version.clone()),
            "change_in_present_value": last,
        })
    }
}

impl serde::Serialize for PerMember<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = ser.serialize_seq(Some(self.s.members.len()))?;
        for m in &self.s.members {
            seq.serialize_element(&self.record(m))?;
        }
        seq.end()
    }
}

/// Members by ratio, highest first (ties by id): only when asked for with `--rank`.
pub fn ranked(members: &[Member]) -> Vec<Value> {
    let mut with: Vec<(&Member, Decimal)> = members
        .iter()
        .filter_map(|m| m.ratio().map(|r| (m, r)))
        .collect();
    with.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    with.into_iter()
        .enumerate()
        .map(|(k, (m, r))| {
            json!({"rank": k + 1, "id": m.id, "name": m.name, "sroi_ratio": fixed(r, 2), "present_value": money(m.present_value)})
        })
        .collect()
}
