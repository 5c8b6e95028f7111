//! A valuation reduced to what sensitivity analysis moves: each line's quantity, rebased unit
//! value and range, and adjustments, with the investment and discounting fixed.

use crate::toolkit::{Adjustments, Toolkit};
use crate::value::formula::{add, value_line, Overflow};
use crate::value::{Origin, Valuation};
use rust_decimal::Decimal;

/// One valued line, as the analysis sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub proxy: String,
    /// What the line is called in results.
    pub name: String,
    pub quantity: Decimal,
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
    pub fn from_valuation(v: &Valuation, tk: &Toolkit) -> Model {
        let inputs = v
            .lines
            .iter()
            .map(|l| {
                let (low, high) = tk
                    .proxy(&l.proxy)
                    .map_or((l.unit_value, l.unit_value), |p| {
                        (p.low.unwrap_or(p.value), p.high.unwrap_or(p.value))
                    });
                let rebase = |x: Decimal| tk.rebase(x, l.price_year).unwrap_or(x);
                let volunteering = matches!(l.origin, Origin::Volunteering { .. });
                Input {
                    proxy: l.proxy.clone(),
                    name: match &l.origin {
                        Origin::Volunteering { role } => format!("Volunteer time: {role}"),
                        _ => l.name.clone(),
                    },
                    quantity: l.quantity,
                    value: l.rebased_unit_value,
                    low: rebase(low),
                    high: rebase(high),
                    adjustments: l.adjustments,
                    volunteering,
                }
            })
            .collect();
        Model {
            inputs,
            investment: v.totals.investment,
            rate: v.toolkit.discount_rate,
            discount_first_year: v.toolkit.discount_first_year,
        }
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
}
