//! A valuation reduced to what sensitivity analysis moves: each line's quantity and its range,
//! rebased unit value and range, and adjustments, with the investment and discounting fixed.

use super::{Exact, TooLarge};
use crate::toolkit::{Adjustments, Toolkit};
use crate::value::formula::{add, value_line, Overflow};
use crate::value::{Line, Origin, Valuation};
use rust_decimal::Decimal;

/// How far a quantity moves either way when the organisation gives no range: ±10%.
/// Decision: the organisation's own records are counts, not estimates, but what they count
/// (visits avoided, people helped) is judged; ten per cent either way is a modest allowance,
/// stated wherever it is used, and an organisation with a better one gives its own.
pub const QUANTITY_STEP: Decimal = Decimal::from_parts(10, 0, 0, false, 2);

/// The range a line's quantity is varied over (see [`Input::quantity_low`]).
fn quantity_range(l: &Line) -> Result<(Decimal, Decimal), TooLarge> {
    if let Some(r) = l.quantity_range {
        return Ok(r);
    }
    if matches!(l.origin, Origin::Volunteering { .. }) {
        return Ok((l.quantity, l.quantity));
    }
    if let Some(m) = &l.measured {
        let at = |change: Decimal| {
            Decimal::from(m.pairs)
                .checked_mul(change)
                .and_then(|x| x.checked_mul(m.weight))
                .or_too_large("a quantity at an end of a measured change's interval")
        };
        return Ok((at(m.ci.0)?, at(m.ci.1)?));
    }
    let what = "a quantity moved by 10%";
    Ok((
        l.quantity
            .checked_mul(Decimal::ONE - QUANTITY_STEP)
            .or_too_large(what)?,
        l.quantity
            .checked_mul(Decimal::ONE + QUANTITY_STEP)
            .or_too_large(what)?,
    ))
}

/// Years a duration is varied over: one either way, never below 1; a one-year outcome is
/// held at one. Decision: most one-year lines are one-off events (a visit avoided), which
/// cannot last longer, and lengthening them would only add value; so only outcomes already
/// said to last are moved up.
pub fn duration_range(years: u32) -> (u32, u32) {
    let lo = years.saturating_sub(1).max(1);
    let hi = if years > 1 {
        years.saturating_add(1).min(crate::toolkit::MAX_DURATION)
    } else {
        1
    };
    (lo, hi)
}

/// One valued line, as the analysis sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The line's index in the valuation (transfers are not inputs, so indices skip them).
    pub line: usize,
    pub proxy: String,
    /// What the line is called in results.
    pub name: String,
    pub quantity: Decimal,
    /// The lowest and highest plausible quantity: the organisation's own (`quantity_low`,
    /// `quantity_high`), the ends of a measured change's interval, or ±[`QUANTITY_STEP`];
    /// volunteer hours, counted from a dated log, are held.
    pub quantity_low: Decimal,
    pub quantity_high: Decimal,
    /// For a line valued from measured change: the change and its interval, drawn from.
    pub measured: Option<crate::value::Measured>,
    /// Unit value in the toolkit's price year, with the proxy's low and high rebased alike
    /// (both equal to the value when the toolkit gives no range).
    pub value: Decimal,
    pub low: Decimal,
    pub high: Decimal,
    pub adjustments: Adjustments,
    /// Volunteer time at replacement cost: its adjustments are not varied.
    pub volunteering: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub inputs: Vec<Input>,
    pub investment: Decimal,
    pub rate: Decimal,
    pub discount_first_year: bool,
}

impl Model {
    pub fn from_valuation(v: &Valuation, tk: &Toolkit) -> Result<Model, TooLarge> {
        // Transfers are outside the value, so outside its uncertainty.
        let inputs = v
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.transfer)
            .map(|(line, l)| {
                let (low, high) = tk
                    .proxy(&l.proxy)
                    .map_or((l.unit_value, l.unit_value), |p| {
                        (p.low.unwrap_or(p.value), p.high.unwrap_or(p.value))
                    });
                let rebase = |x: Decimal| tk.rebase(x, l.price_year).unwrap_or(x);
                let volunteering = matches!(l.origin, Origin::Volunteering { .. });
                let (quantity_low, quantity_high) = quantity_range(l)?;
                Ok(Input {
                    line,
                    quantity_low: quantity_low.min(quantity_high),
                    quantity_high: quantity_high.max(quantity_low),
                    measured: l.measured,
                    proxy: l.proxy.clone(),
                    name: l.label(),
                    quantity: l.quantity,
                    value: l.rebased_unit_value,
                    low: rebase(low),
                    high: rebase(high),
                    adjustments: l.adjustments,
                    volunteering,
                })
            })
            .collect::<Result<_, TooLarge>>()?;
        Ok(Model {
            inputs,
            investment: v.totals.investment,
            rate: v.toolkit.discount_rate,
            discount_first_year: v.toolkit.discount_first_year,
        })
    }

    /// Present value of one line with the given quantity, unit value and adjustments.
    pub fn line_pv(
        &self,
        quantity: Decimal,
        value: Decimal,
        adj: &Adjustments,
    ) -> Result<Decimal, Overflow> {
        Ok(value_line(quantity, value, adj, self.rate, self.discount_first_year)?.present_value)
    }

    /// Present value of every line as it stands.
    pub fn line_pvs(&self) -> Result<Vec<Decimal>, Overflow> {
        self.inputs
            .iter()
            .map(|i| self.line_pv(i.quantity, i.value, &i.adjustments))
            .collect()
    }

    pub fn sum(pvs: &[Decimal]) -> Result<Decimal, Overflow> {
        pvs.iter().try_fold(Decimal::ZERO, |a, b| add(a, *b))
    }

    /// Present value ÷ investment, when something was invested.
    pub fn ratio(&self, pv: Decimal) -> Option<Decimal> {
        crate::value::formula::sroi_ratio(pv, self.investment)
    }

    /// [`Model::ratio`], telling nothing invested (`Ok(None)`) from a ratio too large to hold
    /// (`Err`, naming `what`): the analysis never puts a present value where a ratio belongs.
    ///
    /// Decision (issue 18): an investment that is positive but below a penny should be refused
    /// when the project is read (`project::load`, beside the checks for a negative amount and
    /// one over £1 trillion), so `check` says so before anything is valued: no one is given a
    /// fraction of a penny, so it is a slip (a misplaced decimal point, an amount meant in
    /// millions), and a ratio that divides by it means nothing. A warning would not do: the
    /// report would lead with that ratio. The analysis does not rely on the rule: whatever the
    /// investment, every ratio here is exact or the analysis stops with this error.
    pub fn checked_ratio(&self, pv: Decimal, what: &str) -> Result<Option<Decimal>, TooLarge> {
        if self.investment <= Decimal::ZERO {
            return Ok(None);
        }
        self.ratio(pv).map(Some).or_too_large(what)
    }
}
