//! Switching values: how far one input must move, all else equal, for the SROI ratio to reach
//! exactly 1:1. Solved exactly where the value is linear in the input, by bisection otherwise.

use super::model::{Input, Model};
use super::{Exact, TooLarge};
use crate::toolkit::MAX_DURATION;
use rust_decimal::Decimal;

/// The input at which the ratio is 1:1, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Switch {
    /// The input's value at 1:1.
    At(Decimal),
    /// No value in the input's range gives 1:1 (e.g. a fraction would have to exceed 100%).
    Cannot,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switching {
    /// The line's index in the valuation.
    pub line: usize,
    pub name: String,
    pub input: &'static str,
    pub current: Decimal,
    pub switch: Switch,
}

fn fraction_switch(x: Decimal, factor: Decimal) -> Switch {
    // At 100% the line is worth nothing, whatever else changes.
    if x >= Decimal::ONE {
        return Switch::Cannot;
    }
    // Value is proportional to (1 - x): solve (1 - x') = (1 - x) × factor. With 0 < 1 - x ≤ 1
    // the product only overflows when the factor is beyond ±10^28, and then x' is far outside
    // 0 to 100%: no switch, as exact arithmetic would find.
    let x2 = Decimal::ONE
        .checked_sub(x)
        .and_then(|y| y.checked_mul(factor))
        .and_then(|y| Decimal::ONE.checked_sub(y));
    match x2 {
        Some(x2) if (Decimal::ZERO..=Decimal::ONE).contains(&x2) => Switch::At(x2),
        _ => Switch::Cannot,
    }
}

/// Switching values for each input of line `i`; `total` is the present value of all lines.
pub fn for_line(
    m: &Model,
    i: usize,
    line_pv: Decimal,
    total: Decimal,
) -> Result<Vec<Switching>, TooLarge> {
    let inp: &Input = &m.inputs[i];
    let mut out = Vec::new();
    if m.investment <= Decimal::ZERO || line_pv.is_zero() {
        return Ok(out);
    }
    // The line must contribute `target` for the total to equal the investment.
    let others = total
        .checked_sub(line_pv)
        .or_too_large("the present value of the other lines")?;
    let target = m
        .investment
        .checked_sub(others)
        .or_too_large("what one line must be worth for the ratio to be 1:1")?;
    let factor = target
        .checked_div(line_pv)
        .or_too_large("how many times over one line must be worth for the ratio to be 1:1")?;
    let mut push = |input: &'static str, current: Decimal, switch: Switch| {
        out.push(Switching {
            line: inp.line,
            name: inp.name.clone(),
            input,
            current,
            switch,
        })
    };
    let linear = |v: Decimal| {
        if factor >= Decimal::ZERO {
            v.checked_mul(factor).map_or(Switch::Cannot, Switch::At)
        } else {
            Switch::Cannot
        }
    };
    push("proxy value", inp.value, linear(inp.value));
    push("quantity", inp.quantity, linear(inp.quantity));
    if inp.volunteering {
        return Ok(out);
    }
    let a = inp.adjustments;
    for (name, x) in [
        ("deadweight", a.deadweight),
        ("attribution", a.attribution),
        ("displacement", a.displacement),
    ] {
        push(name, x, fraction_switch(x, factor));
    }
    if a.duration > 1 {
        // Value falls as drop-off rises: bisect on [0, 1].
        let pv_at = |d: Decimal| -> Result<Decimal, TooLarge> {
            let mut adj = a;
            adj.drop_off = d;
            m.line_pv(inp.quantity, inp.value, &adj)
                .or_too_large("a line's present value at another drop-off")
        };
        let (lo_pv, hi_pv) = (pv_at(Decimal::ONE)?, pv_at(Decimal::ZERO)?);
        let sw = if target < lo_pv.min(hi_pv) || target > lo_pv.max(hi_pv) {
            Switch::Cannot
        } else {
            let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ONE);
            let decreasing = hi_pv >= lo_pv;
            for _ in 0..60 {
                let mid = (lo + hi) / Decimal::TWO;
                let above = pv_at(mid)? > target;
                if above == decreasing {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            Switch::At((lo + hi) / Decimal::TWO)
        };
        push("drop-off", a.drop_off, sw);
    }
    // Duration moves in whole years, away from the current one in the direction that moves the
    // ratio towards 1:1: shorter for a gain (longer for a harm) while above it, the opposite
    // while below. The first whole year past 1:1 is reported.
    let base_ok = total >= m.investment;
    let harm = line_pv < Decimal::ZERO;
    let longer = base_ok == harm;
    let range: Vec<u32> = if longer {
        (a.duration.saturating_add(1)..=MAX_DURATION).collect()
    } else {
        (1..a.duration).rev().collect()
    };
    let mut sw = Switch::Cannot;
    for years in range {
        let mut adj = a;
        adj.duration = years;
        let what = "the present value with a line lasting another number of years";
        let pv = m
            .line_pv(inp.quantity, inp.value, &adj)
            .or_too_large(what)?;
        if (others.checked_add(pv).or_too_large(what)? >= m.investment) != base_ok {
            sw = Switch::At(Decimal::from(years));
            break;
        }
    }
    let input = match (base_ok, longer) {
        (true, false) => "duration (below 1:1 at or under)",
        (true, true) => "duration (below 1:1 at or over)",
        (false, true) => "duration (1:1 reached at or over)",
        (false, false) => "duration (1:1 reached at or under)",
    };
    push(input, Decimal::from(a.duration), sw);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toolkit::Adjustments;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// 60 × £8,500, deadweight 40%, attribution 30%, drop-off 30%, 2 years.
    fn worked_example() -> Input {
        Input {
            line: 0,
            proxy: "x".into(),
            name: "Outcome".into(),
            quantity: d("60"),
            quantity_low: d("54"),
            quantity_high: d("66"),
            measured: None,
            value: d("8500"),
            low: d("8500"),
            high: d("8500"),
            adjustments: Adjustments {
                deadweight: d("0.4"),
                attribution: d("0.3"),
                displacement: d("0"),
                drop_off: d("0.3"),
                duration: 2,
            },
            volunteering: false,
        }
    }

    /// The example: 60 × £8,500, deadweight 40%, attribution 30%, drop-off 30%,
    /// 2 years, 3.5%, year 1 undiscounted, £250,000 invested. Expected (by hand):
    /// deadweight ≈ 58.2%, attribution ≈ 51.3%, proxy value ≈ £5,918 (−30.4%).
    #[test]
    fn worked_example_switching_values() {
        let m = Model {
            inputs: vec![worked_example()],
            investment: d("250000"),
            rate: d("0.035"),
            discount_first_year: false,
        };
        let pv = m.line_pvs().unwrap()[0];
        let s = for_line(&m, 0, pv, pv).unwrap();
        let get = |name: &str| match &s.iter().find(|x| x.input == name).unwrap().switch {
            Switch::At(v) => *v,
            Switch::Cannot => panic!("{name} cannot"),
        };
        assert_eq!(
            crate::num::fixed(get("deadweight") * Decimal::ONE_HUNDRED, 1),
            "58.2"
        );
        assert_eq!(
            crate::num::fixed(get("attribution") * Decimal::ONE_HUNDRED, 1),
            "51.3"
        );
        assert_eq!(crate::num::fixed(get("proxy value"), 0), "5918");
        assert_eq!(
            crate::num::fixed(
                (get("proxy value") / d("8500") - Decimal::ONE) * Decimal::ONE_HUNDRED,
                1
            ),
            "-30.4"
        );
        // At each switching value the ratio is exactly 1:1 (to the penny).
        let mut adj = m.inputs[0].adjustments;
        adj.deadweight = get("deadweight");
        assert_eq!(
            crate::num::money(m.line_pv(d("60"), d("8500"), &adj).unwrap()),
            "250000.00"
        );
        adj = m.inputs[0].adjustments;
        adj.drop_off = get("drop-off");
        assert_eq!(
            crate::num::money(m.line_pv(d("60"), d("8500"), &adj).unwrap()),
            "250000.00"
        );
        // Displacement starts at 0: the same 1 - 250000/359069.57 ≈ 30.4%.
        assert_eq!(
            crate::num::fixed(get("displacement") * Decimal::ONE_HUNDRED, 1),
            "30.4"
        );
        // With one year only the ratio is 214,200 / 250,000 < 1.
        assert_eq!(get("duration (below 1:1 at or under)"), d("1"));
    }

    /// A harm lasting longer pulls the ratio down: 60 × £8,500 (as above) against 500
    /// complaints at −£100 over 2 years (no adjustments). Hand-worked, year 1 undiscounted:
    /// gain £359,069.57, harm −50,000 − 50,000/1.035 = −£98,309.18: ratio 1.04; at 3 years the
    /// harm is −£144,986.58, total £214,082.99, ratio 0.86.
    #[test]
    fn harms_switch_by_lasting_longer() {
        let gain = worked_example();
        let harm = Input {
            line: 1,
            proxy: "h".into(),
            name: "Complaints".into(),
            quantity: d("500"),
            quantity_low: d("450"),
            quantity_high: d("550"),
            measured: None,
            value: d("-100"),
            low: d("-100"),
            high: d("-100"),
            adjustments: Adjustments {
                deadweight: d("0"),
                attribution: d("0"),
                displacement: d("0"),
                drop_off: d("0"),
                duration: 2,
            },
            volunteering: false,
        };
        let m = Model {
            inputs: vec![gain, harm],
            investment: d("250000"),
            rate: d("0.035"),
            discount_first_year: false,
        };
        let pvs = m.line_pvs().unwrap();
        assert_eq!(crate::num::money(pvs[1]), "-98309.18");
        let total = Model::sum(&pvs).unwrap();
        let s = for_line(&m, 1, pvs[1], total).unwrap();
        let dur = s.iter().find(|x| x.input.starts_with("duration")).unwrap();
        assert_eq!(dur.input, "duration (below 1:1 at or over)");
        assert_eq!(dur.switch, Switch::At(d("3")));
    }

    #[test]
    fn a_fraction_that_would_pass_100_percent_cannot_switch() {
        assert_eq!(fraction_switch(d("0.1"), d("-0.5")), Switch::Cannot);
        assert_eq!(fraction_switch(d("0.2"), d("0.5")), Switch::At(d("0.6")));
        // A factor past 10^28 either way: no switch, and no overflow.
        assert_eq!(fraction_switch(d("0.2"), Decimal::MAX), Switch::Cannot);
        assert_eq!(fraction_switch(d("0.2"), Decimal::MIN), Switch::Cannot);
    }
}
