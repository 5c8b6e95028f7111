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
        .collect();
    let left_out = summary.quarantined.len() + summary.skipped.len();
    if others.is_empty() {
        c.add(
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
        c.add(
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

/// The return's recomputed ratio, value per volunteer hour and per person supported, ranked
/// among the other members' recomputed figures.
fn rank(c: &mut Check, v: &Valuation, s: &Submission, others: &[&Member]) {
    let pv = v.totals.present_value;
    let hours = v
        .volunteering
        .as_ref()
        .map_or(Decimal::ZERO, |t| t.summary.hours);
    let per_person =
        |pv: Decimal, people: Option<u64>| people.filter(|p| *p > 0).map(|p| pv / Decimal::from(p));
    let metrics: [(&str, Option<Decimal>, Vec<Decimal>); 3] = [
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
    ];
    for (name, own, others) in metrics {
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
                "{name} {shown} (recomputed) is {rank} of {n} from the lowest{}",
                if outlier { ", an outlier" } else { "" }
            ),
            if outlier {
                "far from the rest of the network: worth a closer look"
            } else {
                "within the network's usual range"
            },
            if outlier {
                "ask what makes this organisation different"
            } else {
                ""
            },
        );
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
/// partners' returns are read by the network's own rules (same financial year, fingerprint
/// intact, recomputed on the toolkit, one per organisation, the newest period winning), so a
/// review and the network summary never disagree about who claims what.
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
            c.add(Rating::Red, format!("{what}{others}"), why, action);
        } else if g.over_claimed {
            c.add(
                Rating::Green,
                what,
                "this submission claims no more than its agreed share; other partners over-claim",
                "",
            );
        } else {
            c.add(
                Rating::Green,
                what,
                "the partners' claims add up to no more than the whole outcome",
                "",
            );
        }
    }
}
