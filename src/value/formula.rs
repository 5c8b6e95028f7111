//! The SROI arithmetic for one line, exactly, in decimal: deductions, drop-off and discounting.
//! Pure functions of numbers; every intermediate figure is kept for the audit trail.

use crate::toolkit::Adjustments;
use rust_decimal::{Decimal, RoundingStrategy};

/// Decimal places each year's present value is held to. Dividing by (1 + r)^e gives ~28
/// significant digits, and adding such numbers rounds, so totals would depend (in the 24th
/// decimal place) on the order and grouping of lines. Held to 12 places (a millionth of a
/// millionth of a penny), every later sum of lines, kinds, themes or beneficiaries is exact
/// and the same in any order, for totals up to £10^16. Cut toward zero, never rounded up, so
/// no figure is ever claimed larger than the undiscounted one.
pub const PV_PLACES: u32 = 12;

/// One year of a line's impact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearValue {
    /// 1 for the first year of the outcome.
    pub year: u32,
    pub impact: Decimal,
    /// 1 / (1 + r)^e, e = year (first year discounted) or year − 1 (first year not discounted).
    pub discount_factor: Decimal,
    pub present_value: Decimal,
}

/// Every step from gross value to present value for one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineValue {
    /// quantity × unit value (rebased).
    pub gross: Decimal,
    /// Amount taken off for deadweight: gross × deadweight.
    pub deadweight: Decimal,
    /// Amount taken off for displacement, from what remained after deadweight.
    pub displacement: Decimal,
    /// Amount taken off for attribution, from what remained after displacement.
    pub attribution: Decimal,
    /// gross × (1 − deadweight) × (1 − displacement) × (1 − attribution).
    pub impact_year1: Decimal,
    pub years: Vec<YearValue>,
    /// Sum of the years' present values.
    pub present_value: Decimal,
}

/// The numbers are too large to be held exactly (over about 7.9 × 10^28).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_mul(b).ok_or(Overflow)
}

fn sub(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_sub(b).ok_or(Overflow)
}

/// Adds exactly, or reports overflow.
pub fn add(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_add(b).ok_or(Overflow)
}

/// (1 + r)^e by repeated multiplication (exact up to Decimal's 28 significant digits).
pub fn growth(rate: Decimal, exponent: u32) -> Result<Decimal, Overflow> {
    let base = add(Decimal::ONE, rate)?;
    (0..exponent).try_fold(Decimal::ONE, |acc, _| mul(acc, base))
}

/// Values one line: `quantity` units of a proxy worth `unit_value` each (already rebased).
pub fn value_line(
    quantity: Decimal,
    unit_value: Decimal,
    adj: &Adjustments,
    rate: Decimal,
    discount_first_year: bool,
) -> Result<LineValue, Overflow> {
    let gross = mul(quantity, unit_value)?;
    let deadweight = mul(gross, adj.deadweight)?;
    let after_deadweight = sub(gross, deadweight)?;
    let displacement = mul(after_deadweight, adj.displacement)?;
    let after_displacement = sub(after_deadweight, displacement)?;
    let attribution = mul(after_displacement, adj.attribution)?;
    let impact_year1 = sub(after_displacement, attribution)?;

    let keep = sub(Decimal::ONE, adj.drop_off)?;
    let mut years = Vec::with_capacity(adj.duration as usize);
    let mut impact = impact_year1;
    let mut present_value = Decimal::ZERO;
    for year in 1..=adj.duration.max(1) {
        if year > 1 {
            impact = mul(impact, keep)?;
        }
        let exponent = if discount_first_year { year } else { year - 1 };
        let g = growth(rate, exponent)?;
        let pv = impact
            .checked_div(g)
            .ok_or(Overflow)?
            .round_dp_with_strategy(PV_PLACES, RoundingStrategy::ToZero);
        present_value = add(present_value, pv)?;
        years.push(YearValue {
            year,
            impact,
            discount_factor: Decimal::ONE.checked_div(g).ok_or(Overflow)?,
            present_value: pv,
        });
    }
    Ok(LineValue {
        gross,
        deadweight,
        displacement,
        attribution,
        impact_year1,
        years,
        present_value,
    })
}

/// Months until the year-1 impact repays the investment: investment ÷ (impact ÷ 12).
/// `None` when there is no investment or no positive first-year impact.
pub fn payback_months(investment: Decimal, impact_year1: Decimal) -> Option<Decimal> {
    if investment <= Decimal::ZERO || impact_year1 <= Decimal::ZERO {
        return None;
    }
    investment
        .checked_mul(Decimal::from(12))?
        .checked_div(impact_year1)
}

/// Present value ÷ investment; `None` when nothing was invested.
pub fn sroi_ratio(present_value: Decimal, investment: Decimal) -> Option<Decimal> {
    if investment <= Decimal::ZERO {
        return None;
    }
    present_value.checked_div(investment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::money;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn adj(dw: &str, attr: &str, disp: &str, drop: &str, years: u32) -> Adjustments {
        Adjustments {
            deadweight: d(dw),
            attribution: d(attr),
            displacement: d(disp),
            drop_off: d(drop),
            duration: years,
        }
    }

    /// DOMAIN.md's worked example: 60 × £8,500, deadweight 40%, attribution 30%, drop-off 30%,
    /// 2 years, 3.5%, year 1 undiscounted. Figures computed by hand there, not by this code.
    #[test]
    fn worked_example_to_the_penny() {
        let v = value_line(
            d("60"),
            d("8500"),
            &adj("0.4", "0.3", "0", "0.3", 2),
            d("0.035"),
            false,
        )
        .unwrap();
        assert_eq!(v.gross, d("510000"));
        assert_eq!(v.impact_year1, d("214200"));
        assert_eq!(v.years[1].impact, d("149940"));
        assert_eq!(money(v.years[0].present_value), "214200.00");
        assert_eq!(money(v.years[1].present_value), "144869.57");
        assert_eq!(money(v.present_value), "359069.57");
        let npv = v.present_value - d("250000");
        assert_eq!(money(npv), "109069.57");
        assert_eq!(
            crate::num::fixed(sroi_ratio(v.present_value, d("250000")).unwrap(), 2),
            "1.44"
        );
    }

    /// The same line with the SROI guide's convention (year 1 divided by 1.035):
    /// 214200/1.035 = 206956.5217..., 149940/1.035^2 = 139970.5944... (Python's decimal module).
    #[test]
    fn first_year_discounted_convention() {
        let v = value_line(
            d("60"),
            d("8500"),
            &adj("0.4", "0.3", "0", "0.3", 2),
            d("0.035"),
            true,
        )
        .unwrap();
        assert_eq!(money(v.years[0].present_value), "206956.52");
        assert_eq!(money(v.years[1].present_value), "139970.59");
        assert_eq!(money(v.present_value), "346927.12");
    }

    #[test]
    fn deductions_apply_in_turn_and_multiply() {
        // 100 × £10 = 1000; dw 20% -> 200 off; disp 10% of 800 -> 80 off; attr 50% of 720 -> 360 off.
        let v = value_line(
            d("100"),
            d("10"),
            &adj("0.2", "0.5", "0.1", "0", 1),
            d("0"),
            true,
        )
        .unwrap();
        assert_eq!(
            (v.deadweight, v.displacement, v.attribution),
            (d("200"), d("80"), d("360"))
        );
        assert_eq!(v.impact_year1, d("360"));
        assert_eq!(v.present_value, d("360"));
    }

    #[test]
    fn drop_off_compounds_and_discount_factors_are_kept() {
        let v = value_line(
            d("1"),
            d("1000"),
            &adj("0", "0", "0", "0.5", 3),
            d("0.1"),
            true,
        )
        .unwrap();
        let impacts: Vec<_> = v.years.iter().map(|y| y.impact).collect();
        assert_eq!(impacts, vec![d("1000"), d("500"), d("250")]);
        assert_eq!(money(v.years[2].present_value), "187.83"); // 250 / 1.331
        assert_eq!(crate::num::fixed(v.years[2].discount_factor, 6), "0.751315");
        // 909.0909 + 413.2231 + 187.8287 = 1510.1427
        assert_eq!(money(v.present_value), "1510.14");
    }

    #[test]
    fn harms_are_negative_values() {
        let v = value_line(
            d("3"),
            d("-100"),
            &adj("0.5", "0", "0", "0", 1),
            d("0.035"),
            false,
        )
        .unwrap();
        assert_eq!(v.present_value, d("-150"));
    }

    #[test]
    fn payback_and_ratio_need_something_to_divide_by() {
        assert_eq!(
            payback_months(d("250000"), d("214200")).map(|m| crate::num::fixed(m, 1)),
            Some("14.0".into())
        );
        assert_eq!(payback_months(d("0"), d("1")), None);
        assert_eq!(payback_months(d("1"), d("-1")), None);
        assert_eq!(sroi_ratio(d("1"), d("0")), None);
    }

    #[test]
    fn overflow_is_reported_not_panicked() {
        let big = Decimal::MAX;
        assert_eq!(
            value_line(big, d("10"), &adj("0", "0", "0", "0", 1), d("0"), true),
            Err(Overflow)
        );
    }
}
