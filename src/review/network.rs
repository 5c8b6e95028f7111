//! The network check: where a submission's ratio and values sit among other members', and whether
//! it claims more than its share of an outcome shared with partners.

use super::{Check, Rating};
use crate::network::shared::{self, Claim, Entrant};
use crate::network::Member;
use crate::num::{fixed, money_gbp};
use crate::submission::gate::Rules;
use crate::submission::{self, Submission};
use crate::value::Valuation;
use rust_decimal::Decimal;
use std::path::Path;

/// Where a value sits among the others' values.
struct Place {
    /// 1 for the lowest; ties share the lower rank.
    rank: usize,
    /// How many values, this one included.
    n: usize,
    /// Beyond 1.5 × the interquartile range from the quartiles.
    outlier: bool,
    /// "top" or "bottom" when at least 95% of the others are strictly below or above it. Only in
    /// a network of 20 or more, where 5% is at least one member: in a smaller one the highest
    /// is always "top 5%", which says nothing (the outlier rule still applies there).
    edge: Option<&'static str>,
}

/// The smallest network in which a top or bottom 5% is at least one whole member.
pub const EDGE_MIN_MEMBERS: usize = 20;

fn position(value: Decimal, others: &[Decimal]) -> Place {
    let mut all: Vec<Decimal> = others.to_vec();
    all.push(value);
    all.sort();
    let q = |p: usize| all[(p * (all.len() - 1)) / 100];
    let (q1, q3) = (q(25), q(75));
    let fence = (q3 - q1) * Decimal::new(15, 1);
    let below = others.iter().filter(|x| **x < value).count();
    let above = others.iter().filter(|x| **x > value).count();
    let n = all.len();
    let at_edge = |count: usize| n >= EDGE_MIN_MEMBERS && count * 100 >= 95 * others.len();
    Place {
        rank: below + 1,
        n,
        outlier: value < q1 - fence || value > q3 + fence,
        edge: if at_edge(below) {
            Some("top")
        } else if at_edge(above) {
            Some("bottom")
        } else {
            None
        },
    }
}

/// Where this return sits among the network's, and its shared outcomes. The network is read
/// exactly as `network` reads it ([`crate::network::summarise`] through the gate, with the
/// same rules, subfolders included, one return per organisation), and every figure compared is
/// recomputed, never the one claimed.
pub(super) fn network(
    path: &Path,
    s: &Submission,
    own: Option<&Valuation>,
    dir: &Path,
    rules: &Rules,
) -> Check {
    let mut c = Check::new("network");
    if !dir.is_dir() {
        c.add(
            "network.no-folder",
            Rating::Amber,
            format!("the network folder {} does not exist", dir.display()),
            "there is nothing to compare with",
            "point --network at the folder of this year's submissions",
        );
        return c;
    }
    let inbox = crate::network::inbox::read(&[dir.to_path_buf()]);
    let summary = crate::network::summarise(&inbox, rules, 2, &|_: usize| {});
    let me = path.canonicalize().ok();
    let own_id = crate::project::org_id::normalise(&s.organisation.id).unwrap_or_default();
    let others: Vec<&Member> = summary
        .members
        .iter()
        .filter(|m| m.id != own_id && m.file.canonicalize().ok() != me)
        .map(|m| &**m)
        .collect();
    let left_out = summary.quarantined.len() + summary.skipped.len();
    if others.is_empty() {
        c.add(
            "network.nothing-to-compare",
            Rating::Amber,
            format!(
                "no other return for {}/{:02} is counted in {}",
                summary.year,
                (summary.year + 1).rem_euclid(100),
                dir.display()
            ),
            "there is nothing to compare with",
            "point --network at the folder of this year's submissions",
        );
        return c;
    }
    shared_outcomes(&mut c, path, s, &own_id, &others);
    if let Some(v) = own {
        rank(&mut c, v, s, &others);
    }
    if left_out > 0 {
        c.add("network.not-counted", 
            Rating::Green,
            format!(
                "{} other entries in the folder are not counted (quarantined or skipped, as `network` lists them); {} returns are",
                left_out,
                others.len()
            ),
            "",
            "",
        );
    }
    c
}

/// The return's recomputed ratio, value per volunteer hour and per person supported, and its
/// outcome lines' deadweight and attribution (weighted by gross value), each placed among the
/// other members'. Amber: an outlier (beyond 1.5 × the interquartile range), or, in a network
/// of [`EDGE_MIN_MEMBERS`] or more, in its top or bottom 5%.
fn rank(c: &mut Check, v: &Valuation, s: &Submission, others: &[&Member]) {
    let pv = v.totals.present_value;
    let hours = v
        .volunteering
        .as_ref()
        .map_or(Decimal::ZERO, |t| t.summary.hours);
    let per_person =
        |pv: Decimal, people: Option<u64>| people.filter(|p| *p > 0).map(|p| pv / Decimal::from(p));
    let own = crate::network::deductions(v);
    let metrics: [(&str, Option<Decimal>, Vec<Decimal>); 5] = [
        (
            "SROI ratio",
            v.totals.sroi_ratio,
            others.iter().filter_map(|m| m.ratio()).collect(),
        ),
        (
            "value per volunteer hour",
            crate::num::ratio(pv, hours),
            others.iter().filter_map(|m| m.value_per_hour()).collect(),
        ),
        (
            "value per person supported",
            per_person(pv, s.reach.as_ref().map(|r| r.people)),
            others
                .iter()
                .filter_map(|m| per_person(m.present_value, m.people))
                .collect(),
        ),
        (
            "deadweight",
            own.map(|d| d.0),
            others
                .iter()
                .filter_map(|m| m.deductions.map(|d| d.0))
                .collect(),
        ),
        (
            "attribution",
            own.map(|d| d.1),
            others
                .iter()
                .filter_map(|m| m.deductions.map(|d| d.1))
                .collect(),
        ),
    ];
    for (name, own, others) in metrics {
        let (Some(own), false) = (own, others.is_empty()) else {
            continue;
        };
        let Place {
            rank,
            n,
            outlier,
            edge,
        } = position(own, &others);
        let shown = match name {
            "SROI ratio" => fixed(own, 2),
            "deadweight" | "attribution" => crate::num::percent(own.round_dp(3)),
            _ => money_gbp(own),
        };
        let noted = outlier || edge.is_some();
        let what = format!(
            "{name} {shown} (recomputed) is {rank} of {n} from the lowest{}{}",
            edge.map(|e| format!(", in the network's {e} 5%"))
                .unwrap_or_default(),
            if outlier { ", an outlier" } else { "" }
        );
        let (rating, why, action) = if noted {
            (
                Rating::Amber,
                "far from the rest of the network: worth a closer look",
                "ask what makes this organisation different",
            )
        } else {
            (Rating::Green, "within the network's usual range", "")
        };
        c.add("network.rank", rating, what, why, action);
    }
}

/// A submission's claims on shared outcomes, read from its outcome lines (a share is
/// 1 − attribution; values are not needed to add up shares).
fn claims_of(s: &Submission) -> Vec<Claim> {
    s.outcome
        .iter()
        .filter_map(|o| {
            let attribution = crate::num::parse_decimal(&o.attribution)
                .ok()
                .filter(|a| (Decimal::ZERO..=Decimal::ONE).contains(a))?;
            Some(Claim {
                partnership: o.partnership.clone()?,
                proxy: o.proxy.clone(),
                share: Decimal::ONE.saturating_sub(attribution),
                present_value: Decimal::ZERO,
                place: None,
                kind: String::new(),
                theme: String::new(),
                beneficiary: String::new(),
            })
        })
        .collect()
}

/// Flags each shared outcome this submission over-claims: more than its agreed share, or, with
/// no split agreed, a share of an outcome the partners together claim more than all of. The
/// partners' returns are those the network counts ([`crate::network::summarise`], one per
/// organisation), so a review and the network summary never disagree about who claims what.
fn shared_outcomes(c: &mut Check, path: &Path, s: &Submission, own_id: &str, others: &[&Member]) {
    let own_claims = claims_of(s);
    if own_claims.is_empty() {
        return;
    }
    let own_declared = submission::partnerships(s, path).unwrap_or_default();
    let mut entrants = vec![Entrant {
        id: own_id,
        name: &s.organisation.name,
        claims: &own_claims,
        partnerships: &own_declared,
    }];
    // The submission under review stands for its organisation.
    entrants.extend(others.iter().map(|m| Entrant {
        id: &m.id,
        name: &m.name,
        claims: &m.claims,
        partnerships: &m.partnerships,
    }));
    let pct = |d: Decimal| crate::num::percent(d.normalize());
    for g in shared::group(&entrants) {
        let Some(mine) = g.claims.iter().find(|m| m.member == own_id) else {
            continue;
        };
        let others: Vec<String> = g
            .claims
            .iter()
            .filter(|m| m.member != own_id)
            .map(|m| format!("{} {}", m.member, pct(m.share)))
            .collect();
        let what = format!(
            "shared outcome {} of partnership {}: this submission claims {}{}; the partners' claims add up to {}",
            g.proxy,
            g.partnership,
            pct(mine.share),
            mine.agreed.map_or(String::new(), |a| format!(" (agreed share {})", pct(a))),
            pct(g.claimed_share)
        );
        if mine.over_claimed {
            let others = if others.is_empty() {
                String::new()
            } else {
                format!(" (others: {})", others.join(", "))
            };
            let (why, action) = if mine.agreed.is_some() {
                (
                    "it claims more than the share the partners agreed, so their returns together count more of the outcome than its share",
                    "claim only the agreed share: leave attribution empty on the row so the split in project.toml sets it",
                )
            } else {
                (
                    "an outcome claimed in full by several partners is counted several times, and the network would over-state its worth",
                    "agree a split with the partners (shares in [[partnership]]) and claim only your share",
                )
            };
            c.add(
                "network.shared-over-claimed",
                Rating::Red,
                format!("{what}{others}"),
                why,
                action,
            );
        } else if g.over_claimed {
            c.add(
                "network.shared-others-over-claim",
                Rating::Green,
                what,
                "this submission claims no more than its agreed share; other partners over-claim",
                "",
            );
        } else {
            c.add(
                "network.shared-ok",
                Rating::Green,
                what,
                "the partners' claims add up to no more than the whole outcome",
                "",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(x: i64) -> Decimal {
        Decimal::from(x)
    }

    #[test]
    fn the_top_and_bottom_five_percent_need_twenty_members_and_no_ties() {
        let nineteen: Vec<Decimal> = (1..=19).map(d).collect();
        assert_eq!(position(d(20), &nineteen).edge, Some("top"));
        assert_eq!(position(d(0), &nineteen).edge, Some("bottom"));
        assert_eq!(position(d(10), &nineteen).edge, None);
        // Second highest of twenty: one other (5.3% of the others) is above it.
        let mut with_higher: Vec<Decimal> = (1..=18).map(d).collect();
        with_higher.push(d(25));
        assert_eq!(position(d(19), &with_higher).edge, None);
        // Six members: the highest is not "top 5%", though it may still be an outlier.
        let five: Vec<Decimal> = (1..=5).map(d).collect();
        let p = position(d(6), &five);
        assert_eq!((p.rank, p.n, p.edge, p.outlier), (6, 6, None, false));
        assert!(position(d(600), &five).outlier);
        // Everyone on the toolkit's default: no edge, no outlier.
        let same = vec![d(40); 30];
        let p = position(d(40), &same);
        assert_eq!((p.rank, p.edge, p.outlier), (1, None, false));
    }
}
