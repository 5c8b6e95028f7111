//! Shared outcomes across a network: members' claims on one partnership's outcome grouped, the
//! claimed shares added up, and an outcome claimed more than once in full counted only once.

use super::Member;
use crate::project::Partnership;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One valued line of a member's that claims a share of a partnership's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub partnership: String,
    pub proxy: String,
    /// The share claimed: 1 − the line's attribution.
    pub share: Decimal,
    pub present_value: Decimal,
    pub place: Option<String>,
    pub kind: String,
    pub theme: String,
    pub beneficiary: String,
}

/// One member's part in a shared outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberClaim {
    pub member: String,
    pub name: String,
    /// The largest share any of its lines claims (a share is of the outcome, so two lines of
    /// one member do not add up to a larger share).
    pub share: Decimal,
    /// The share the partnership agreed for it, when a split is agreed.
    pub agreed: Option<Decimal>,
    pub present_value: Decimal,
    /// What the network counts of it.
    pub counted: Decimal,
    /// Claims more than its agreed share, or, with no split agreed, is one of the members
    /// whose shares add up to more than the whole outcome.
    pub over_claimed: bool,
}

/// How a shared outcome was counted in the network total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// The shares add up to 100% or less: every claim counts as made.
    AsClaimed,
    /// Over-claimed, and the members agree on a split: each counts at most its agreed share.
    AgreedSplit,
    /// Over-claimed with no agreed split: the outcome counts once, at the largest claim.
    LargestClaim,
}

impl Counted {
    pub fn as_str(self) -> &'static str {
        match self {
            Counted::AsClaimed => "as claimed",
            Counted::AgreedSplit => "agreed split",
            Counted::LargestClaim => "largest claim",
        }
    }
}

/// Value taken out of the network total, and where it had been counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub amount: Decimal,
    pub place: Option<String>,
    pub kind: String,
    pub theme: String,
    pub beneficiary: String,
}

/// One partnership's outcome (a proxy) as the network's members claim it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedOutcome {
    pub partnership: String,
    pub proxy: String,
    /// Every member any declaration lists, sorted.
    pub members: Vec<String>,
    /// The agreed split, when every member that declares the partnership declares the same one.
    pub agreed: Option<BTreeMap<String, Decimal>>,
    /// Members declare the partnership differently (members or split), so no split is trusted.
    pub declarations_differ: bool,
    pub claims: Vec<MemberClaim>,
    pub claimed_share: Decimal,
    pub over_claimed: bool,
    pub present_value_claimed: Decimal,
    pub present_value_counted: Decimal,
    pub counted_as: Counted,
    /// What was taken out of the network total, line by line.
    pub removed: Vec<Removed>,
}

/// One organisation's claims and declarations, however they were read.
#[derive(Debug, Clone, Copy)]
pub struct Entrant<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub claims: &'a [Claim],
    pub partnerships: &'a [Partnership],
}

/// Every partnership's declared split, if the members that declare it agree on one.
fn agreement(members: &[Entrant]) -> BTreeMap<String, (Vec<String>, Option<Partnership>, bool)> {
    let mut out: BTreeMap<String, (Vec<String>, Option<Partnership>, bool)> = BTreeMap::new();
    for m in members {
        for p in m.partnerships {
            let mut sorted = p.clone();
            sorted.members.sort();
            let e = out
                .entry(p.id.clone())
                .or_insert_with(|| (Vec::new(), Some(sorted.clone()), false));
            for x in &sorted.members {
                if !e.0.contains(x) {
                    e.0.push(x.clone());
                }
            }
            if e.1.as_ref() != Some(&sorted) {
                e.2 = true;
            }
        }
    }
    for e in out.values_mut() {
        e.0.sort();
        if e.2 {
            e.1 = None;
        }
    }
    out
}

/// Groups every member's shared-outcome lines by partnership and proxy and counts each group
/// once: as claimed when the shares add up to 100% or less; otherwise at each member's agreed
/// share when a split is agreed, or else at the largest single claim.
pub fn shared_outcomes(members: &[Member]) -> Vec<SharedOutcome> {
    let entrants: Vec<Entrant> = members
        .iter()
        .map(|m| Entrant {
            id: &m.id,
            name: &m.name,
            claims: &m.claims,
            partnerships: &m.partnerships,
        })
        .collect();
    group(&entrants)
}

/// [`shared_outcomes`] for organisations however read (`review` reads them without valuing).
pub fn group(members: &[Entrant]) -> Vec<SharedOutcome> {
    let declared = agreement(members);
    // (partnership, proxy) -> member index -> that member's lines.
    let mut groups: BTreeMap<(String, String), BTreeMap<usize, Vec<&Claim>>> = BTreeMap::new();
    for (i, m) in members.iter().enumerate() {
        for c in m.claims {
            groups
                .entry((c.partnership.clone(), c.proxy.clone()))
                .or_default()
                .entry(i)
                .or_default()
                .push(c);
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for ((partnership, proxy), by_member) in groups {
        let (listed, split, differ) = declared
            .get(&partnership)
            .cloned()
            .unwrap_or_else(|| (Vec::new(), None, false));
        let agreed = split.filter(|p| !p.shares.is_empty()).map(|p| p.shares);
        let mut claims: Vec<MemberClaim> = by_member
            .iter()
            .map(|(&i, lines)| MemberClaim {
                member: members[i].id.to_string(),
                name: members[i].name.to_string(),
                share: lines.iter().map(|c| c.share).max().unwrap_or_default(),
                agreed: agreed
                    .as_ref()
                    .map(|a| a.get(members[i].id).copied().unwrap_or_default()),
                present_value: lines
                    .iter()
                    .fold(Decimal::ZERO, |a, c| a.saturating_add(c.present_value)),
                counted: Decimal::ZERO,
                over_claimed: false,
            })
            .collect();
        let claimed_share = claims
            .iter()
            .fold(Decimal::ZERO, |a, c| a.saturating_add(c.share));
        let over_claimed = claimed_share > Decimal::ONE;
        let counted_as = match (over_claimed, &agreed) {
            (false, _) => Counted::AsClaimed,
            (true, Some(_)) => Counted::AgreedSplit,
            (true, None) => Counted::LargestClaim,
        };
        // The one member counted in full under the largest-claim rule (ties: the first id).
        let largest = claims
            .iter()
            .enumerate()
            .max_by(|a, b| {
                a.1.present_value
                    .cmp(&b.1.present_value)
                    .then(b.1.member.cmp(&a.1.member))
            })
            .map(|(k, _)| k);
        let mut removed = Vec::new();
        for (k, ((_, lines), claim)) in by_member.iter().zip(claims.iter_mut()).enumerate() {
            claim.over_claimed = match claim.agreed {
                Some(a) => claim.share > a,
                None => over_claimed,
            };
            for c in lines {
                let counted = match counted_as {
                    Counted::AsClaimed => c.present_value,
                    Counted::LargestClaim if Some(k) == largest => c.present_value,
                    Counted::LargestClaim => Decimal::ZERO,
                    Counted::AgreedSplit => {
                        let agreed = claim.agreed.unwrap_or_default();
                        if c.share <= agreed {
                            c.present_value
                        } else {
                            // Scaled down to the agreed share: value × agreed ÷ claimed.
                            crate::num::ratio(c.present_value.saturating_mul(agreed), c.share)
                                .unwrap_or_default()
                                .round_dp_with_strategy(
                                    crate::value::formula::PV_PLACES,
                                    rust_decimal::RoundingStrategy::ToZero,
                                )
                        }
                    }
                };
                claim.counted = claim.counted.saturating_add(counted);
                let amount = c.present_value.saturating_sub(counted);
                if !amount.is_zero() {
                    removed.push(Removed {
                        amount,
                        place: c.place.clone(),
                        kind: c.kind.clone(),
                        theme: c.theme.clone(),
                        beneficiary: c.beneficiary.clone(),
                    });
                }
            }
        }
        let sum = |f: fn(&MemberClaim) -> Decimal| {
            claims
                .iter()
                .fold(Decimal::ZERO, |a, c| a.saturating_add(f(c)))
        };
        out.push(SharedOutcome {
            present_value_claimed: sum(|c| c.present_value),
            present_value_counted: sum(|c| c.counted),
            partnership,
            proxy,
            members: listed,
            agreed,
            declarations_differ: differ,
            claims,
            claimed_share,
            over_claimed,
            counted_as,
            removed,
        });
    }
    out
}
