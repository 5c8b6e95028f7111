//! How sure a valuation is: scenarios, one-way sensitivity, switching values, Monte Carlo ranges
//! and warnings where adjustments are far from published practice. Built on a valuation.

pub mod model;
pub mod montecarlo;
pub mod switching;

pub use model::{duration_range, Input, Model, QUANTITY_STEP};
pub use montecarlo::{Simulation, Spread};
pub use switching::{Switch, Switching};

use crate::diag::{Diagnostic, Problems};
use crate::toolkit::{Adjustments, Toolkit};
use crate::value::formula::Overflow;
use crate::value::Valuation;
use rust_decimal::Decimal;

/// Runs used when none are asked for.
pub const DEFAULT_RUNS: u32 = 10_000;
/// Seed used when none is given, so that every report of the same input shows the same range.
pub const DEFAULT_SEED: u64 = 1;
/// A line is material when its present value is at least this share of the total (1%).
pub const MATERIAL: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// How far the pessimistic and optimistic scenarios, and one-way sensitivity, move each input.
/// Decision: ±10 points on deadweight, attribution and drop-off is about the half-width of the
/// middle half of the values published SROI reports use; displacement, rarer, moves ±5 points;
/// proxy values ±10%; quantities over their range (the organisation's own, or ±10%); duration
/// a year either way ([`model::duration_range`]). Scenarios use the proxies' own low and high
/// values instead of ±10%.
pub const STEP_FRACTION: Decimal = Decimal::from_parts(10, 0, 0, false, 2);
pub const STEP_DISPLACEMENT: Decimal = Decimal::from_parts(5, 0, 0, false, 2);
pub const STEP_SHARE: Decimal = Decimal::from_parts(10, 0, 0, false, 2);

/// Published practice in SROI reports (median, lower quartile, upper quartile): Muñoz-Mora
/// (2026, working paper), over the reports in the Social Value UK database that state each
/// figure (154 of 383 for deadweight, 216 for attribution, 90 for drop-off).
pub const PRACTICE_DEADWEIGHT: (Decimal, Decimal, Decimal) = (
    Decimal::from_parts(20, 0, 0, false, 2),
    Decimal::from_parts(10, 0, 0, false, 2),
    Decimal::from_parts(35, 0, 0, false, 2),
);
pub const PRACTICE_ATTRIBUTION: (Decimal, Decimal, Decimal) = (
    Decimal::from_parts(255, 0, 0, false, 3),
    Decimal::from_parts(15, 0, 0, false, 2),
    Decimal::from_parts(42, 0, 0, false, 2),
);
pub const PRACTICE_DROP_OFF: (Decimal, Decimal, Decimal) = (
    Decimal::from_parts(215, 0, 0, false, 3),
    Decimal::from_parts(10, 0, 0, false, 2),
    Decimal::from_parts(50, 0, 0, false, 2),
);
/// Upper quartile of published SROI ratios (median 3.56; 247 reports, the same source).
pub const PRACTICE_RATIO_UPPER: Decimal = Decimal::from_parts(66, 0, 0, false, 1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub name: &'static str,
    pub present_value: Decimal,
    pub ratio: Option<Decimal>,
}

/// One input of one line moved down and up by its step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneWay {
    /// The line's index in the valuation.
    pub line: usize,
    pub name: String,
    pub input: &'static str,
    pub low_setting: String,
    pub high_setting: String,
    /// Result (ratio, or present value when nothing was invested) at each setting.
    pub at_low: Decimal,
    pub at_high: Decimal,
}

impl OneWay {
    /// How far the result moves, to rank inputs by. Saturates at Decimal's bounds (about
    /// 7.9 × 10^28): both ends are exact figures, and a swing that large only ever ranks first.
    pub fn swing(&self) -> Decimal {
        self.at_high.saturating_sub(self.at_low).abs()
    }
}

/// An adjustment or result far from published practice: flagged, not forbidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sensitivity {
    pub present_value: Decimal,
    pub ratio: Option<Decimal>,
    pub scenarios: Vec<Scenario>,
    /// Largest swings first.
    pub one_way: Vec<OneWay>,
    pub switching: Vec<Switching>,
    /// When every proxy value is scaled by the same factor, the change that brings 1:1.
    pub all_values_switch: Option<Decimal>,
    pub simulation: Simulation,
    pub flags: Vec<Flag>,
}

/// A figure the analysis could not compute exactly: past about 7.9 × 10^28, which only an
/// investment tiny beside the value (the ratio divides by it) or inputs at their limits reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge {
    /// What could not be computed, e.g. "the SROI ratio in a simulated run".
    pub what: String,
}

impl TooLarge {
    /// The problem as the user sees it, with the investment the ratio divides by.
    pub fn diagnostic(&self, investment: Decimal) -> Diagnostic {
        let help = if investment > Decimal::ZERO && investment < Decimal::ONE {
            format!(
                "the investment is {}, and the ratio divides by it: check the [[investment]] amounts in project.toml (leave them out, or write 0, if nothing was invested)",
                crate::num::money_exact(investment)
            )
        } else {
            format!(
                "the investment is {}; some quantities or proxy values must be at their limits: `social-value calc` lists every line's figures",
                crate::num::money_exact(investment)
            )
        };
        Diagnostic::error(format!(
            "cannot say how sure the figure is: {} is too large to compute exactly (over about 7.9 × 10^28)",
            self.what
        ))
        .with_help(help)
    }
}

/// Turns a checked computation's failure into [`TooLarge`], naming what was computed.
pub trait Exact<T> {
    fn or_too_large(self, what: &str) -> Result<T, TooLarge>;
}

impl<T> Exact<T> for Option<T> {
    fn or_too_large(self, what: &str) -> Result<T, TooLarge> {
        self.ok_or_else(|| TooLarge { what: what.into() })
    }
}

impl<T> Exact<T> for Result<T, Overflow> {
    fn or_too_large(self, what: &str) -> Result<T, TooLarge> {
        self.ok().or_too_large(what)
    }
}

fn clamp01(x: Decimal) -> Decimal {
    x.clamp(Decimal::ZERO, Decimal::ONE)
}

/// A share moved by `by` and held within 0 to 100%. Saturating before clamping gives exactly
/// what exact addition would: a sum past Decimal's bounds is clamped to the same end.
fn step(x: Decimal, by: Decimal) -> Decimal {
    clamp01(x.saturating_add(by))
}

/// Adjustments moved by their steps: `sign` +1 deducts more (less value for a gain).
fn shifted(a: &Adjustments, sign: Decimal) -> Adjustments {
    let (shorter, longer) = duration_range(a.duration);
    Adjustments {
        deadweight: step(a.deadweight, sign * STEP_FRACTION),
        attribution: step(a.attribution, sign * STEP_FRACTION),
        displacement: step(a.displacement, sign * STEP_DISPLACEMENT),
        drop_off: step(a.drop_off, sign * STEP_FRACTION),
        duration: if sign > Decimal::ZERO {
            shorter
        } else {
            longer
        },
    }
}

fn scenario(
    m: &Model,
    name: &'static str,
    pessimistic: Option<bool>,
) -> Result<Scenario, TooLarge> {
    let what = format!("the present value of the {name} scenario");
    let mut pv = Decimal::ZERO;
    for i in &m.inputs {
        let (quantity, value, adj) = match pessimistic {
            None => (i.quantity, i.value, i.adjustments),
            Some(pessimistic) => {
                // A gain's pessimistic case deducts more and counts less; a harm's the opposite.
                let deduct_less = (i.value < Decimal::ZERO) == pessimistic;
                let sign = if deduct_less {
                    Decimal::NEGATIVE_ONE
                } else {
                    Decimal::ONE
                };
                let adj = if i.volunteering {
                    i.adjustments
                } else {
                    shifted(&i.adjustments, sign)
                };
                let quantity = if deduct_less {
                    i.quantity_high
                } else {
                    i.quantity_low
                };
                (quantity, if pessimistic { i.low } else { i.high }, adj)
            }
        };
        let line = m.line_pv(quantity, value, &adj).or_too_large(&what)?;
        pv = pv.checked_add(line).or_too_large(&what)?;
    }
    Ok(Scenario {
        name,
        present_value: pv,
        ratio: m.checked_ratio(pv, &format!("the SROI ratio of the {name} scenario"))?,
    })
}

fn years(n: u32) -> String {
    if n == 1 {
        "1 year".into()
    } else {
        format!("{n} years")
    }
}

fn pct(x: Decimal) -> String {
    crate::num::percent(x)
}

/// Most line-runs a simulation makes: it values every line in every run, and beyond this it
/// would take minutes on a laptop.
pub const LINE_RUN_BUDGET: u64 = 50_000_000;

/// How many runs a simulation of `lines` lines makes when `asked` for: all of them within
/// [`LINE_RUN_BUDGET`], else as many as fit, never below 1,000 (the output says how many).
pub fn runs_within_budget(lines: usize, asked: u32) -> u32 {
    let lines = (lines as u64).max(1);
    u32::try_from((LINE_RUN_BUDGET / lines).max(1_000).min(u64::from(asked))).unwrap_or(asked)
}

/// The full analysis of a valuation made with `toolkit`, or the one problem that stopped it:
/// a figure too large to compute exactly, named.
pub fn analyse(
    v: &Valuation,
    toolkit: &Toolkit,
    runs: u32,
    seed: u64,
) -> Result<Sensitivity, Problems> {
    let m = Model::from_valuation(v, toolkit)
        .map_err(|e| Problems::one(e.diagnostic(v.totals.investment)))?;
    analyse_model(&m, runs, seed).map_err(|e| Problems::one(e.diagnostic(m.investment)))
}

/// [`analyse`] of a model.
pub fn analyse_model(m: &Model, runs: u32, seed: u64) -> Result<Sensitivity, TooLarge> {
    let pvs = m.line_pvs().or_too_large("a line's present value")?;
    let total = Model::sum(&pvs).or_too_large("the present value")?;
    let ratio = m.checked_ratio(total, "the SROI ratio (present value ÷ investment)")?;
    let scenarios = vec![
        scenario(m, "low", Some(true))?,
        scenario(m, "central", None)?,
        scenario(m, "high", Some(false))?,
    ];
    let abs_total = crate::num::checked_sum(pvs.iter().map(|p| p.abs()))
        .or_too_large("the lines' present values added regardless of sign")?;
    // abs_total × 1% cannot overflow, and each |pv| ≤ abs_total.
    let material: Vec<usize> = (0..m.inputs.len())
        .filter(|&i| abs_total > Decimal::ZERO && pvs[i].abs() >= abs_total * MATERIAL)
        .collect();
    let mut one_way = Vec::new();
    let mut switching = Vec::new();
    for &i in &material {
        one_way.extend(one_way_for(m, i, pvs[i], total)?);
        switching.extend(switching::for_line(m, i, pvs[i], total)?);
    }
    one_way.sort_by_key(|o| std::cmp::Reverse(o.swing()));
    let all_values_switch = if m.investment > Decimal::ZERO && total > Decimal::ZERO {
        let what = "the change in every proxy value that brings the ratio to 1:1";
        Some(
            m.investment
                .checked_div(total)
                .and_then(|x| x.checked_sub(Decimal::ONE))
                .or_too_large(what)?,
        )
    } else {
        None
    };
    let simulation = montecarlo::simulate(m, runs, seed)?;
    Ok(Sensitivity {
        present_value: total,
        ratio,
        scenarios,
        one_way,
        switching,
        all_values_switch,
        simulation,
        flags: practice_flags(m, ratio),
    })
}

/// One-way sensitivity of line `i` (present value `pv` of a `total`): each input moved down
/// and up by its step, all else equal.
fn one_way_for(m: &Model, i: usize, pv: Decimal, total: Decimal) -> Result<Vec<OneWay>, TooLarge> {
    let inp = &m.inputs[i];
    let others = total
        .checked_sub(pv)
        .or_too_large("the present value of the other lines")?;
    // The result at a setting: the ratio, or the present value when nothing was invested.
    let measure = |s: (Decimal, Decimal, Adjustments)| -> Result<Decimal, TooLarge> {
        let what = "the present value with one input moved";
        let pv = m.line_pv(s.0, s.1, &s.2).or_too_large(what)?;
        let pv = others.checked_add(pv).or_too_large(what)?;
        let what = "the SROI ratio with one input moved";
        Ok(m.checked_ratio(pv, what)?.unwrap_or(pv))
    };
    let mut out = Vec::new();
    let mut run = |input: &'static str, lo, hi, ls: String, hs: String| -> Result<(), TooLarge> {
        out.push(OneWay {
            line: inp.line,
            name: inp.name.clone(),
            input,
            low_setting: ls,
            high_setting: hs,
            at_low: measure(lo)?,
            at_high: measure(hi)?,
        });
        Ok(())
    };
    let (q, val, a) = (inp.quantity, inp.value, inp.adjustments);
    let (q_lo, q_hi) = (inp.quantity_low, inp.quantity_high);
    if q_lo != q_hi {
        let (ls, hs) = (q_lo.round_dp(2), q_hi.round_dp(2));
        let (ls, hs) = (crate::num::quantity(ls), crate::num::quantity(hs));
        run("quantity", (q_lo, val, a), (q_hi, val, a), ls, hs)?;
    }
    // A unit value is at most £10^9 (toolkit rules), so ±10% of it cannot overflow; checked
    // all the same, as a model can be built by hand.
    let what = "a proxy value moved by 10%";
    let down = val
        .checked_mul(Decimal::ONE - STEP_SHARE)
        .or_too_large(what)?;
    let up = val
        .checked_mul(Decimal::ONE + STEP_SHARE)
        .or_too_large(what)?;
    let (ls, hs) = (crate::num::money_gbp(down), crate::num::money_gbp(up));
    run("proxy value", (q, down, a), (q, up, a), ls, hs)?;
    if inp.volunteering {
        return Ok(out);
    }
    type Slot = fn(&mut Adjustments) -> &mut Decimal;
    let slots: [(&'static str, Slot); 3] = [
        ("deadweight", |a| &mut a.deadweight),
        ("attribution", |a| &mut a.attribution),
        ("drop-off", |a| &mut a.drop_off),
    ];
    for (name, slot) in slots {
        if name == "drop-off" && a.duration == 1 {
            continue;
        }
        let (mut lo, mut hi, mut now) = (a, a, a);
        let current = *slot(&mut now);
        // Higher deadweight, attribution or drop-off means less value: that is "low".
        *slot(&mut lo) = step(current, STEP_FRACTION);
        *slot(&mut hi) = step(current, -STEP_FRACTION);
        let (ls, hs) = (pct(*slot(&mut lo)), pct(*slot(&mut hi)));
        run(name, (q, val, lo), (q, val, hi), ls, hs)?;
    }
    let (mut lo, mut hi) = (a, a);
    (lo.duration, hi.duration) = duration_range(a.duration);
    if lo.duration != hi.duration {
        let (ls, hs) = (years(lo.duration), years(hi.duration));
        run("duration", (q, val, lo), (q, val, hi), ls, hs)?;
    }
    Ok(out)
}

/// Adjustments far outside published practice, on the side that over-claims, and a ratio above
/// the upper quartile of published ratios.
fn practice_flags(m: &Model, ratio: Option<Decimal>) -> Vec<Flag> {
    let mut flags = Vec::new();
    // Low deductions on a harm are cautious, not over-claiming: only gains are checked.
    for inp in m
        .inputs
        .iter()
        .filter(|i| !i.volunteering && i.value >= Decimal::ZERO)
    {
        let a = &inp.adjustments;
        let checks = [
            ("deadweight", a.deadweight, PRACTICE_DEADWEIGHT, true),
            ("attribution", a.attribution, PRACTICE_ATTRIBUTION, true),
            ("drop-off", a.drop_off, PRACTICE_DROP_OFF, a.duration > 1),
        ];
        for (name, x, (median, lower, upper), applies) in checks {
            if applies && x < lower {
                flags.push(Flag {
                    line: Some(inp.line),
                    message: format!(
                        "{}: {name} {} is below the {} that three quarters of published SROIs use (median {}, middle half {} to {}); a commissioner may see this as over-claiming",
                        inp.name, pct(x), pct(lower), pct(median), pct(lower), pct(upper)
                    ),
                });
            }
        }
        if a.duration > 5 {
            flags.push(Flag { line: Some(inp.line), message: format!("{}: the outcome is assumed to last {} years; published SROIs rarely claim more than 5 without follow-up evidence", inp.name, a.duration) });
        }
    }
    if let Some(r) = ratio {
        if r > PRACTICE_RATIO_UPPER {
            flags.push(Flag { line: None, message: format!("the ratio {} : 1 is above {} : 1, higher than three quarters of published SROIs (median 3.56); expect it to be questioned", crate::num::fixed(r, 2), PRACTICE_RATIO_UPPER) });
        }
    }
    flags
}

#[cfg(test)]
mod overflow_tests {
    use super::*;

    #[test]
    fn a_swing_past_decimals_range_ranks_first_without_overflow() {
        let o = |at_low, at_high| OneWay {
            line: 0,
            name: "x".into(),
            input: "proxy value",
            low_setting: String::new(),
            high_setting: String::new(),
            at_low,
            at_high,
        };
        assert_eq!(o(Decimal::MIN, Decimal::MAX).swing(), Decimal::MAX);
        assert_eq!(o(Decimal::MAX, Decimal::MIN).swing(), Decimal::MAX);
        assert_eq!(o(Decimal::ONE, Decimal::TWO).swing(), Decimal::ONE);
    }

    #[test]
    fn a_share_stepped_past_decimals_range_is_clamped_as_exact_addition_would() {
        assert_eq!(step(Decimal::MAX, STEP_FRACTION), Decimal::ONE);
        assert_eq!(step(Decimal::MIN, -STEP_FRACTION), Decimal::ZERO);
        assert_eq!(step(Decimal::new(95, 2), STEP_FRACTION), Decimal::ONE);
    }
}

#[cfg(test)]
mod budget_tests {
    #[test]
    fn runs_are_cut_to_the_budget_but_never_below_a_thousand() {
        assert_eq!(super::runs_within_budget(11, 10_000), 10_000);
        assert_eq!(super::runs_within_budget(0, 10_000), 10_000);
        assert_eq!(super::runs_within_budget(10_000, 10_000), 5_000);
        assert_eq!(super::runs_within_budget(1_000_000, 10_000), 1_000);
        assert_eq!(super::runs_within_budget(1_000_000, 200), 200);
    }
}
