//! How sure a valuation is: scenarios, one-way sensitivity, switching values, Monte Carlo ranges
//! and warnings where adjustments are far from published practice. Built on a valuation.

pub mod model;
pub mod montecarlo;
pub mod switching;

pub use model::{duration_range, Input, Model, QUANTITY_STEP};
pub use montecarlo::{Simulation, Spread};
pub use switching::{Switch, Switching};

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
    pub fn swing(&self) -> Decimal {
        (self.at_high - self.at_low).abs()
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

fn clamp01(x: Decimal) -> Decimal {
    x.clamp(Decimal::ZERO, Decimal::ONE)
}

/// Adjustments moved by their steps: `sign` +1 deducts more (less value for a gain).
fn shifted(a: &Adjustments, sign: Decimal) -> Adjustments {
    let (shorter, longer) = duration_range(a.duration);
    Adjustments {
        deadweight: clamp01(a.deadweight + sign * STEP_FRACTION),
        attribution: clamp01(a.attribution + sign * STEP_FRACTION),
        displacement: clamp01(a.displacement + sign * STEP_DISPLACEMENT),
        drop_off: clamp01(a.drop_off + sign * STEP_FRACTION),
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
) -> Result<Scenario, Overflow> {
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
        pv = crate::value::formula::add(pv, m.line_pv(quantity, value, &adj)?)?;
    }
    Ok(Scenario {
        name,
        present_value: pv,
        ratio: m.ratio(pv),
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

/// The full analysis of a valuation made with `toolkit`.
pub fn analyse(
    v: &Valuation,
    toolkit: &Toolkit,
    runs: u32,
    seed: u64,
) -> Result<Sensitivity, Overflow> {
    let m = Model::from_valuation(v, toolkit);
    let pvs = m.line_pvs()?;
    let total = Model::sum(&pvs)?;
    let measure = |pv: Decimal| m.ratio(pv).unwrap_or(pv);
    let scenarios = vec![
        scenario(&m, "low", Some(true))?,
        scenario(&m, "central", None)?,
        scenario(&m, "high", Some(false))?,
    ];

    let abs_total: Decimal = pvs.iter().map(|p| p.abs()).sum();
    let material: Vec<usize> = (0..m.inputs.len())
        .filter(|&i| abs_total > Decimal::ZERO && pvs[i].abs() >= abs_total * MATERIAL)
        .collect();

    let mut one_way = Vec::new();
    let mut switching = Vec::new();
    for &i in &material {
        let inp = &m.inputs[i];
        let others = total - pvs[i];
        let mut run = |input: &'static str,
                       lo: (Decimal, Decimal, Adjustments),
                       hi: (Decimal, Decimal, Adjustments),
                       ls: String,
                       hs: String|
         -> Result<(), Overflow> {
            let at_low = measure(others + m.line_pv(lo.0, lo.1, &lo.2)?);
            let at_high = measure(others + m.line_pv(hi.0, hi.1, &hi.2)?);
            one_way.push(OneWay {
                line: inp.line,
                name: inp.name.clone(),
                input,
                low_setting: ls,
                high_setting: hs,
                at_low,
                at_high,
            });
            Ok(())
        };
        let (q, val, a) = (inp.quantity, inp.value, inp.adjustments);
        let down = Decimal::ONE - STEP_SHARE;
        let up = Decimal::ONE + STEP_SHARE;
        let (q_lo, q_hi) = (inp.quantity_low, inp.quantity_high);
        if q_lo != q_hi {
            run(
                "quantity",
                (q_lo, val, a),
                (q_hi, val, a),
                crate::num::quantity(q_lo.round_dp(2)),
                crate::num::quantity(q_hi.round_dp(2)),
            )?;
        }
        run(
            "proxy value",
            (q, val * down, a),
            (q, val * up, a),
            crate::num::money_gbp(val * down),
            crate::num::money_gbp(val * up),
        )?;
        if !inp.volunteering {
            type Slot = fn(&mut Adjustments) -> &mut Decimal;
            let slots: [(&'static str, Slot, Decimal); 3] = [
                ("deadweight", |a| &mut a.deadweight, STEP_FRACTION),
                ("attribution", |a| &mut a.attribution, STEP_FRACTION),
                ("drop-off", |a| &mut a.drop_off, STEP_FRACTION),
            ];
            for (name, slot, step) in slots {
                if name == "drop-off" && a.duration == 1 {
                    continue;
                }
                let (mut lo, mut hi, mut now) = (a, a, a);
                let current = *slot(&mut now);
                // Higher deadweight, attribution or drop-off means less value: that is "low".
                *slot(&mut lo) = clamp01(current + step);
                *slot(&mut hi) = clamp01(current - step);
                let (ls, hs) = (pct(*slot(&mut lo)), pct(*slot(&mut hi)));
                run(name, (q, val, lo), (q, val, hi), ls, hs)?;
            }
            let (mut lo, mut hi) = (a, a);
            (lo.duration, hi.duration) = duration_range(a.duration);
            if lo.duration != hi.duration {
                run(
                    "duration",
                    (q, val, lo),
                    (q, val, hi),
                    years(lo.duration),
                    years(hi.duration),
                )?;
            }
        }
        switching.extend(switching::for_line(&m, i, pvs[i], total)?);
    }
    one_way.sort_by_key(|o| std::cmp::Reverse(o.swing()));

    let all_values_switch = (m.investment > Decimal::ZERO && total > Decimal::ZERO)
        .then(|| m.investment.checked_div(total)?.checked_sub(Decimal::ONE))
        .flatten();
    let simulation = montecarlo::simulate(&m, runs, seed)?;
    let flags = practice_flags(&m, m.ratio(total));
    Ok(Sensitivity {
        present_value: total,
        ratio: m.ratio(total),
        scenarios,
        one_way,
        switching,
        all_values_switch,
        simulation,
        flags,
    })
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
