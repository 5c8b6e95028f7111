//! The sensitivity analysis as JSON (`sensitivity --format json`) and as text for a person
//! (names from the project escaped for a terminal).

use super::truncate;
use crate::diag::terminal_name;
use crate::num::{fixed, money, money_gbp, percent};
use crate::sensitivity::{Sensitivity, Switch, Switching};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::fmt::Write;

fn ratio(r: Option<Decimal>) -> Value {
    r.map_or(Value::Null, |r| fixed(r, 2).into())
}

/// A fraction as a percentage to one place (`-30.4`, without the sign), or in words when
/// the percentage is past what Decimal holds (a fraction beyond ±7.9 × 10^26).
pub fn percent_1dp(x: Decimal) -> String {
    match x.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => fixed(p, 1),
        None if x > Decimal::ZERO => "more than 10^28".into(),
        None => "less than -10^28".into(),
    }
}

/// How far `to` is from `from`, as a percentage of `from` (non-zero) to one place.
fn change_percent(from: Decimal, to: Decimal) -> String {
    match to
        .checked_div(from)
        .and_then(|r| r.checked_sub(Decimal::ONE))
    {
        Some(c) => percent_1dp(c),
        // The quotient alone is past Decimal's range: its sign is the change's.
        None if (to > Decimal::ZERO) == (from > Decimal::ZERO) => "more than 10^28".into(),
        None => "less than -10^28".into(),
    }
}

/// A switching value as people read it: percentages for shares, pounds for values.
pub fn switch_text(s: &Switching) -> String {
    match s.switch {
        Switch::Cannot => "cannot reach 1:1".into(),
        Switch::At(x) => match s.input {
            "deadweight" | "attribution" | "displacement" | "drop-off" => {
                format!("{}%", percent_1dp(x))
            }
            "proxy value" => {
                let change = if s.current.is_zero() {
                    String::new()
                } else {
                    format!(
                        " ({}{}%)",
                        if x >= s.current { "+" } else { "" },
                        change_percent(s.current, x)
                    )
                };
                format!("{}{change}", money_gbp(x))
            }
            i if i.starts_with("duration") => years(x),
            _ => crate::num::quantity(x.round_dp(2)),
        },
    }
}

/// A one-way result: a ratio, or (when nothing was invested) a present value in pounds.
pub fn result_text(s: &Sensitivity, x: Decimal) -> String {
    if s.ratio.is_some() {
        fixed(x, 2)
    } else {
        money_gbp(x)
    }
}

/// What an input is now, as people read it.
pub fn current_text(s: &Switching) -> String {
    match s.input {
        "deadweight" | "attribution" | "displacement" | "drop-off" => percent(s.current),
        "proxy value" => money_gbp(s.current),
        i if i.starts_with("duration") => years(s.current),
        _ => crate::num::quantity(s.current),
    }
}

fn years(x: Decimal) -> String {
    if x == Decimal::ONE {
        "1 year".into()
    } else {
        format!("{} years", x.normalize())
    }
}

pub fn to_value(s: &Sensitivity) -> Value {
    let sim = &s.simulation;
    let spread = |sp: &crate::sensitivity::Spread, f: fn(Decimal) -> String| json!({"p5": f(sp.p5), "median": f(sp.median), "p95": f(sp.p95)});
    json!({
        "format": "social-value-sensitivity",
        "format_version": 1,
        "present_value": money(s.present_value),
        "sroi_ratio": ratio(s.ratio),
        "scenarios": s.scenarios.iter().map(|c| json!({"name": c.name, "present_value": money(c.present_value), "sroi_ratio": ratio(c.ratio)})).collect::<Vec<_>>(),
        "one_way": s.one_way.iter().map(|o| json!({"line": o.line + 1, "name": o.name, "input": o.input, "low_setting": o.low_setting, "high_setting": o.high_setting, "at_low": fixed(o.at_low, 2), "at_high": fixed(o.at_high, 2)})).collect::<Vec<_>>(),
        "switching": s.switching.iter().map(|w| json!({"line": w.line + 1, "name": w.name, "input": w.input, "current": w.current.normalize().to_string(), "switch": match w.switch { Switch::At(x) => Value::from(fixed(x, 6)), Switch::Cannot => Value::Null }, "shown": switch_text(w)})).collect::<Vec<_>>(),
        "all_values_switch": s.all_values_switch.map(percent_1dp),
        "monte_carlo": {
            "runs": sim.runs,
            "seed": sim.seed,
            "present_value": spread(&sim.present_value, money),
            "sroi_ratio": sim.ratio.as_ref().map(|r| spread(r, |d| fixed(d, 2))),
            "p_ratio_below_1": sim.p_below_one.map(|p| fixed(p, 4)),
            "runs_ratio_below_1": sim.runs_below_one,
            "histogram": sim.histogram.iter().map(|(a, b, n)| json!({"from": fixed(*a, 2), "to": fixed(*b, 2), "runs": n})).collect::<Vec<_>>(),
        },
        "flags": s.flags.iter().map(|f| json!({"line": f.line.map(|l| l + 1), "message": f.message})).collect::<Vec<_>>(),
    })
}

pub fn json(s: &Sensitivity) -> String {
    let mut t = serde_json::to_string_pretty(&to_value(s)).unwrap_or_default();
    t.push('\n');
    t
}

/// How often the simulated ratio fell below 1:1, as people read it. Never "0.0%": a share
/// that rounds to nothing is given as a count of runs ("in none of them", "in 3 of them").
pub fn below_one_text(sim: &crate::sensitivity::Simulation) -> Option<String> {
    let p = sim.p_below_one?;
    // A share of runs, between 0 and 1.
    let shown = percent_1dp(p);
    let runs = crate::num::quantity(Decimal::from(sim.runs_below_one));
    Some(match sim.runs_below_one {
        0 => "in none of them".to_string(),
        _ if shown == "0.0" => format!("in {runs} of them"),
        _ => format!("in {shown}% of them ({runs} runs)"),
    })
}

/// The sentence a report leads with: the likely range, and how often it fell below 1:1.
pub fn range_sentence(s: &Sensitivity) -> String {
    let sim = &s.simulation;
    match (&sim.ratio, below_one_text(sim)) {
        (Some(r), Some(below)) => format!(
            "In {} simulations that vary every proxy value, adjustment, quantity and duration, and each measured change, the ratio was between {} and {} nine times in ten (median {}); it fell below 1:1 {below}.",
            crate::num::quantity(Decimal::from(sim.runs)),
            fixed(r.p5, 2),
            fixed(r.p95, 2),
            fixed(r.median, 2),
        ),
        _ => format!(
            "In {} simulations the present value was between {} and {} nine times in ten.",
            crate::num::quantity(Decimal::from(sim.runs)),
            money_gbp(sim.present_value.p5),
            money_gbp(sim.present_value.p95)
        ),
    }
}

pub fn text(s: &Sensitivity) -> String {
    let mut out = String::new();
    let r = |x: Option<Decimal>| x.map_or("n/a".to_string(), |x| format!("{} : 1", fixed(x, 2)));
    let _ = writeln!(out, "How sure is the figure?\n\n{}\n", range_sentence(s));
    let _ = writeln!(out, "Scenarios (low: proxies at their low values, quantities at their low ends, deadweight, attribution and drop-off +10 points, displacement +5, outcomes lasting a year less; high: the opposite)");
    for c in &s.scenarios {
        let _ = writeln!(
            out,
            "  {:<8} {:>16}  {:>10}",
            c.name,
            money_gbp(c.present_value),
            r(c.ratio)
        );
    }
    if let Some(x) = s.all_values_switch {
        let _ = writeln!(
            out,
            "\nIf every proxy value changed by {}%, the ratio would be 1:1.",
            percent_1dp(x)
        );
    }
    let _ = writeln!(out, "\nSwitching values: where one input would have to be, all else equal, for the ratio to reach 1:1");
    let cannot = s
        .switching
        .iter()
        .filter(|w| w.switch == Switch::Cannot)
        .count();
    for w in s.switching.iter().filter(|w| w.switch != Switch::Cannot) {
        let _ = writeln!(
            out,
            "  {:>2}. {:<40} {:<13} now {:>12}  1:1 at {}",
            w.line + 1,
            truncate(&terminal_name(&w.name), 40),
            w.input,
            current_text(w),
            switch_text(w)
        );
    }
    if cannot > 0 {
        let _ = writeln!(out, "  {cannot} other inputs could not bring the ratio to 1:1 on their own, however far they moved");
    }
    let _ = writeln!(
        out,
        "\nLargest one-way effects (input moved down / up: result)"
    );
    for o in s.one_way.iter().take(10) {
        let _ = writeln!(
            out,
            "  {:>2}. {:<40} {:<12} {} → {}   {} → {}",
            o.line + 1,
            truncate(&terminal_name(&o.name), 40),
            o.input,
            o.low_setting,
            result_text(s, o.at_low),
            o.high_setting,
            result_text(s, o.at_high)
        );
    }
    if !s.flags.is_empty() {
        let _ = writeln!(out, "\nCompared with published practice");
        for f in &s.flags {
            let _ = writeln!(out, "  ! {}", terminal_name(&f.message));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_past_decimals_range_are_said_not_saturated() {
        assert_eq!(percent_1dp(Decimal::new(-304, 3)), "-30.4");
        assert_eq!(percent_1dp(Decimal::MAX), "more than 10^28");
        assert_eq!(percent_1dp(Decimal::MIN), "less than -10^28");
        assert_eq!(change_percent(Decimal::TWO, Decimal::ONE), "-50.0");
        let tiny = Decimal::new(1, 28);
        assert_eq!(change_percent(tiny, Decimal::MAX), "more than 10^28");
        assert_eq!(change_percent(tiny, Decimal::MIN), "less than -10^28");
    }
}
