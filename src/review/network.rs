//! The network check: where a submission's ratio and values sit among other members', and whether
//! it claims more than its share of an outcome shared with partners.

use super::{dec, Check, Rating};
use crate::network::shared::{self, Claim, Entrant};
use crate::num::{fixed, money_gbp};
use crate::submission::{self, Submission};
use crate::toolkit::Toolkit;
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

pub(super) fn network(path: &Path, s: &Submission, dir: &Path, tk: Option<&Toolkit>) -> Check {
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
            crate::num::ratio(pv, hours),
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
    // Sorted, so which copy of a partner's return counts never depends on the file system.
    let mut entries = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    entries.sort();
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
    shared_outcomes(&mut c, path, s, dir, tk);
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
fn shared_outcomes(c: &mut Check, path: &Path, s: &Submission, dir: &Path, tk: Option<&Toolkit>) {
    let own_claims = claims_of(s);
    if own_claims.is_empty() {
        return;
    }
    let (Some(tk), Some(start)) = (tk, crate::date::Date::parse(&s.period.start)) else {
        c.add(
            Rating::Amber,
            "the partners' returns could not be read to check this submission's shared outcomes",
            "without a toolkit to recompute them, shared outcomes cannot be added up",
            "give the toolkit with --toolkit",
        );
        return;
    };
    let files = crate::network::find_files(&[dir.to_path_buf()]);
    let summary = crate::network::summarise(&files, start.financial_year(), tk, 2, &|_: usize| {});
    let own_declared = submission::partnerships(s, path).unwrap_or_default();
    let mut entrants = vec![Entrant {
        id: &s.organisation.id,
        name: &s.organisation.name,
        claims: &own_claims,
        partnerships: &own_declared,
    }];
    // The submission under review stands for its organisation.
    entrants.extend(
        summary
            .members
            .iter()
            .filter(|m| m.id != s.organisation.id)
            .map(|m| Entrant {
                id: &m.id,
                name: &m.name,
                claims: &m.claims,
                partnerships: &m.partnerships,
            }),
    );
    let pct = |d: Decimal| crate::num::percent(d.normalize());
    for g in shared::group(&entrants) {
        let Some(mine) = g.claims.iter().find(|m| m.member == s.organisation.id) else {
            continue;
        };
        let others: Vec<String> = g
            .claims
            .iter()
            .filter(|m| m.member != s.organisation.id)
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
