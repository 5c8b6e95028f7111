//! Shared outcomes across a network: members' claims on one partnership's outcome grouped, the
//! claimed shares added up, and an outcome claimed more than once in full counted only once.

use super::Member;
use crate::project::Partnership;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

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
    /// No member claims more than it may: every claim counts as made.
    AsClaimed,
    /// A member claims more than its agreed share: each counts at most its agreed share.
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
    /// The member whose claim it was.
    pub member: String,
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
    /// The members, sorted, as the claimants declare them.
    pub members: Vec<String>,
    /// The agreed split, when every member that declares the partnership declares the same one.
    pub agreed: Option<BTreeMap<String, Decimal>>,
    /// Members declare the partnership with different splits, so no split is trusted.
    pub declarations_differ: bool,
    /// The same id is also declared with other members: counted as another partnership.
    pub declared_with_other_members: bool,
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

/// A partnership as the network knows it: its id and its sorted member ids. Decision: two
/// declarations of one id with different members are two partnerships, so an unrelated group
/// that happens to use a common id ("discharge") cannot change how the real partners are
/// counted; the summary says when an id is declared with different members.
type Key = (String, Vec<String>);

/// One partnership (id and members) as its declarations describe it: the split the first
/// declaration gives (`None` while no member has declared it), and whether a later one differs.
struct Known {
    key: Key,
    first: Option<BTreeMap<String, Decimal>>,
    differ: bool,
}

fn key_of(p: &Partnership) -> Key {
    let mut members = p.members.clone();
    members.sort();
    (p.id.clone(), members)
}

/// The number of partnership `key`, adding it when new; `shares` is a declaration's split.
fn intern(
    known: &mut Vec<Known>,
    numbers: &mut HashMap<Key, usize>,
    key: Key,
    shares: Option<&BTreeMap<String, Decimal>>,
) -> usize {
    let k = *numbers.entry(key).or_insert_with_key(|key| {
        known.push(Known {
            key: key.clone(),
            first: None,
            differ: false,
        });
        known.len() - 1
    });
    if let Some(shares) = shares {
        let kn = &mut known[k];
        match &kn.first {
            None => kn.first = Some(shares.clone()),
            Some(first) => kn.differ |= first != shares,
        }
    }
    k
}

/// Groups every member's shared-outcome lines by partnership (id and members) and proxy, and
/// counts each group once:
/// - with an agreed split (every declaration gives the same one), each line counts at most its
///   member's agreed share (value × agreed ÷ claimed);
/// - with none, when the shares add up to more than the whole outcome, only the largest claim
///   counts (ties: the first id);
/// - otherwise as claimed.
///
/// Decision: a harm (a line of negative value) always counts as claimed: counting a harm more
/// than once under-states the network's worth, which is the cautious side.
pub fn shared_outcomes(members: &[Box<Member>]) -> Vec<SharedOutcome> {
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
    // Each partnership (id and members) once, by number, so a long member list is not copied
    // for every claim; its declarations are read in the same pass.
    let mut known: Vec<Known> = Vec::new();
    let mut numbers: HashMap<Key, usize> = HashMap::new();
    // (partnership number, proxy) -> member index -> that member's lines.
    type Lines<'c> = BTreeMap<usize, Vec<&'c Claim>>;
    let mut groups: BTreeMap<(usize, String), Lines> = BTreeMap::new();
    for (i, m) in members.iter().enumerate() {
        let own: HashMap<&str, usize> = m
            .partnerships
            .iter()
            .map(|p| {
                let k = intern(&mut known, &mut numbers, key_of(p), Some(&p.shares));
                (p.id.as_str(), k)
            })
            .collect();
        for c in m.claims {
            let k = own.get(c.partnership.as_str()).copied().unwrap_or_else(|| {
                intern(
                    &mut known,
                    &mut numbers,
                    (c.partnership.clone(), Vec::new()),
                    None,
                )
            });
            groups
                .entry((k, c.proxy.clone()))
                .or_default()
                .entry(i)
                .or_default()
                .push(c);
        }
    }
    // How many member lists each id is declared with.
    let mut lists: HashMap<&str, usize> = HashMap::new();
    for kn in known.iter().filter(|kn| kn.first.is_some()) {
        *lists.entry(kn.key.0.as_str()).or_default() += 1;
    }
    let mut out = Vec::with_capacity(groups.len());
    for ((k, proxy), by_member) in groups {
        let kn = &known[k];
        let (partnership, listed) = kn.key.clone();
        let differ = kn.differ;
        let agreed = kn
            .first
            .as_ref()
            .filter(|f| !differ && !f.is_empty())
            .cloned();
        let other_lists = lists.get(partnership.as_str()).copied().unwrap_or(0) > 1;
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
        for c in &mut claims {
            c.over_claimed = match c.agreed {
                Some(a) => c.share > a,
                None => claimed_share > Decimal::ONE,
            };
        }
        let over_claimed = claims.iter().any(|c| c.over_claimed);
        let counted_as = match (&agreed, over_claimed) {
            (Some(_), true) => Counted::AgreedSplit,
            (None, true) => Counted::LargestClaim,
            (_, false) => Counted::AsClaimed,
        };
        // The one member counted in full under the largest-claim rule: the largest value
        // gained (harms aside); ties to the first id.
        let gains = |lines: &[&Claim]| {
            lines
                .iter()
                .filter(|c| c.present_value > Decimal::ZERO)
                .fold(Decimal::ZERO, |a, c| a.saturating_add(c.present_value))
        };
        let largest = by_member
            .values()
            .enumerate()
            .max_by(|a, b| gains(a.1).cmp(&gains(b.1)).then(b.0.cmp(&a.0)))
            .map(|(k, _)| k);
        let mut removed = Vec::new();
        for (k, ((_, lines), claim)) in by_member.iter().zip(claims.iter_mut()).enumerate() {
            for c in lines {
                let counted = match counted_as {
                    _ if c.present_value < Decimal::ZERO => c.present_value,
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
                        member: claim.member.clone(),
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
            declared_with_other_members: other_lists,
            claims,
            claimed_share,
            over_claimed,
            counted_as,
            removed,
        });
    }
    out.sort_by(|a, b| {
        (&a.partnership, &a.members, &a.proxy).cmp(&(&b.partnership, &b.members, &b.proxy))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(share: &str, value: i64, place: &str) -> Claim {
        Claim {
            partnership: "p".into(),
            proxy: "x".into(),
            share: share.parse().unwrap(),
            present_value: Decimal::from(value),
            place: Some(place.into()),
            kind: "fiscal".into(),
            theme: "health".into(),
            beneficiary: "NHS".into(),
        }
    }

    fn declared(shares: &[(&str, &str)]) -> Vec<Partnership> {
        vec![Partnership {
            id: "p".into(),
            members: vec!["A".into(), "B".into()],
            shares: shares
                .iter()
                .map(|(m, s)| (m.to_string(), s.parse().unwrap()))
                .collect(),
        }]
    }

    #[test]
    fn over_an_agreed_split_each_claim_counts_at_most_its_agreed_share() {
        let split = declared(&[("A", "0.5"), ("B", "0.5")]);
        // A claims all of the outcome (worth £1,000 to it); B its agreed half (£500).
        let (a, b) = (
            vec![claim("1", 1000, "E08000001")],
            vec![claim("0.5", 500, "E08000003")],
        );
        let g = group(&[
            Entrant {
                id: "A",
                name: "A",
                claims: &a,
                partnerships: &split,
            },
            Entrant {
                id: "B",
                name: "B",
                claims: &b,
                partnerships: &split,
            },
        ]);
        assert_eq!(g.len(), 1);
        let g = &g[0];
        assert!(g.over_claimed);
        assert_eq!(g.counted_as, Counted::AgreedSplit);
        assert_eq!(g.claimed_share, Decimal::new(15, 1));
        // A: £1,000 × 0.5 ÷ 1 = £500; B as claimed.
        assert_eq!(g.claims[0].counted, Decimal::from(500));
        assert_eq!(g.claims[1].counted, Decimal::from(500));
        assert!(g.claims[0].over_claimed && !g.claims[1].over_claimed);
        assert_eq!(g.present_value_counted, Decimal::from(1000));
        // What was taken off is taken off where A counted it.
        assert_eq!(g.removed.len(), 1);
        assert_eq!(g.removed[0].amount, Decimal::from(500));
        assert_eq!(g.removed[0].place.as_deref(), Some("E08000001"));
    }

    #[test]
    fn two_lines_of_one_member_share_one_share_but_add_their_values() {
        let none = declared(&[]);
        let a = vec![
            claim("0.4", 400, "E08000001"),
            claim("0.4", 100, "E08000003"),
        ];
        let b = vec![claim("0.5", 500, "E08000003")];
        let g = group(&[
            Entrant {
                id: "A",
                name: "A",
                claims: &a,
                partnerships: &none,
            },
            Entrant {
                id: "B",
                name: "B",
                claims: &b,
                partnerships: &none,
            },
        ]);
        let g = &g[0];
        // 40% + 50%: within the whole, so counted as claimed.
        assert_eq!(g.claimed_share, Decimal::new(9, 1));
        assert!(!g.over_claimed);
        assert_eq!(g.counted_as, Counted::AsClaimed);
        assert_eq!(g.claims[0].present_value, Decimal::from(500));
        assert_eq!(g.present_value_counted, Decimal::from(1000));
        assert!(g.removed.is_empty());
    }

    fn entrant<'a>(id: &'a str, claims: &'a [Claim], declared: &'a [Partnership]) -> Entrant<'a> {
        Entrant {
            id,
            name: id,
            claims,
            partnerships: declared,
        }
    }

    #[test]
    fn an_unrelated_group_reusing_a_partnership_id_does_not_change_the_partners_count() {
        let split = declared(&[("A", "0.5"), ("B", "0.5")]);
        let mut other = declared(&[]);
        other[0].members = vec!["X".into(), "Y".into()];
        let (a, b, x) = (
            vec![claim("0.5", 500, "E08000001")],
            vec![claim("0.5", 500, "E08000001")],
            vec![claim("1", 2000, "E08000001")],
        );
        let g = group(&[
            entrant("A", &a, &split),
            entrant("B", &b, &split),
            entrant("X", &x, &other),
        ]);
        assert_eq!(g.len(), 2, "two partnerships that share an id");
        assert!(g.iter().all(|s| s.declared_with_other_members));
        assert!(g.iter().all(|s| !s.over_claimed && s.removed.is_empty()));
        let total: Decimal = g.iter().map(|s| s.present_value_counted).sum();
        assert_eq!(total, Decimal::from(3000));
    }

    #[test]
    fn a_member_over_its_agreed_share_is_capped_even_when_the_shares_fit() {
        let split = declared(&[("A", "0.5"), ("B", "0.5")]);
        // A claims all of it; B claims nothing: 100% in all, but A's agreed share is half.
        let a = vec![claim("1", 1000, "E08000001")];
        let g = &group(&[entrant("A", &a, &split)])[0];
        assert!(g.over_claimed);
        assert_eq!(g.counted_as, Counted::AgreedSplit);
        assert_eq!(g.present_value_counted, Decimal::from(500));
    }

    #[test]
    fn a_harm_claimed_by_several_members_always_counts_in_full() {
        let none = declared(&[]);
        let (a, b) = (
            vec![claim("1", -1000, "E08000001")],
            vec![claim("1", -10000, "E08000003")],
        );
        let g = &group(&[entrant("A", &a, &none), entrant("B", &b, &none)])[0];
        assert!(g.over_claimed);
        assert_eq!(g.present_value_counted, Decimal::from(-11000));
        assert!(
            g.removed.is_empty(),
            "no harm is taken out as double counting"
        );
    }
}
