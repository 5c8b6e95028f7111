//! The network check: where a submission's ratio and values sit among other members'.

use super::{dec, Check, Rating};
use crate::num::{fixed, money_gbp};
use crate::submission::{self, Submission};
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

pub(super) fn network(path: &Path, s: &Submission, dir: &Path) -> Check {
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
    let entries = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
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
