//! Reproducibility: the claimed results must agree with themselves and, recomputed from the
//! inputs, with the figures claimed, to the penny.

use super::{dec, Check, Rating};
use crate::num::{fixed, money_gbp};
use crate::submission::Submission;
use rust_decimal::Decimal;

/// The claimed results must agree with themselves whatever the toolkit: totals with the sum of
/// their lines, NPV and ratio with value and investment, volunteers with the roles' counts.
pub(super) fn consistency(c: &mut Check, s: &Submission) {
    let r = &s.results;
    let (pv, inv, npv) = (
        dec(&r.present_value),
        dec(&r.investment),
        dec(&r.net_present_value),
    );
    // Transfers sit outside the present value (version 3), in their own total.
    let sum = |transfer: bool| {
        crate::num::checked_sum(
            r.line
                .iter()
                .filter(|l| l.transfer == transfer)
                .map(|l| dec(&l.present_value)),
        )
    };
    let lines = sum(false);
    // Lines are rounded one by one: half a penny each, at most.
    let slack = Decimal::new(5, 3) * Decimal::from(r.line.len() as u64 + 1);
    let mut bad = Vec::new();
    if let (Some(claimed), Some(got)) = (r.transfers.as_deref().map(dec), sum(true)) {
        if got.checked_sub(claimed).is_none_or(|d| d.abs() > slack) {
            bad.push(format!(
                "the transfer lines add up to {}, not the claimed transfers {}",
                money_gbp(got),
                money_gbp(claimed)
            ));
        }
    }
    match lines {
        Some(l) if l.checked_sub(pv).is_none_or(|d| d.abs() > slack) => bad.push(format!(
            "the lines add up to {}, not the claimed present value {}",
            money_gbp(l),
            money_gbp(pv)
        )),
        None => bad.push("the lines add up to more than can be computed".into()),
        _ => {}
    }
    if pv
        .checked_sub(inv)
        .and_then(|x| x.checked_sub(npv))
        .is_none_or(|d| d.abs() > Decimal::new(1, 2))
    {
        bad.push(format!(
            "net present value {} is not present value {} minus investment {}",
            money_gbp(npv),
            money_gbp(pv),
            money_gbp(inv)
        ));
    }
    if let Some(ratio) = r.sroi_ratio.as_deref().map(dec) {
        match crate::num::ratio(pv, inv) {
            Some(q) if (q - ratio).abs() > Decimal::new(1, 2) => bad.push(format!(
                "ratio {ratio} is not present value ÷ investment ({})",
                fixed(q, 2)
            )),
            None if inv > Decimal::ZERO => bad.push(format!(
                "ratio {ratio} cannot be checked: present value ÷ investment is too large"
            )),
            _ => {}
        }
    }
    if let Some(v) = &s.volunteering {
        let most = v.role.iter().map(|r| r.volunteers).max().unwrap_or(0);
        let all: u64 = v
            .role
            .iter()
            .fold(0u64, |a, r| a.saturating_add(r.volunteers));
        if r.volunteers < most || r.volunteers > all {
            bad.push(format!(
                "{} volunteers claimed, but the roles count between {most} and {all}",
                r.volunteers
            ));
        }
    }
    for b in bad {
        c.add(
            "reproducibility.inconsistent",
            Rating::Red,
            b,
            "the claimed results contradict themselves",
            "ask for a submission written by social-value submit",
        );
    }
}
