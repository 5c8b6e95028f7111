//! The report's "How sure is this figure?" part: scenario, switching and one-way tables, the
//! tornado and simulation charts, and the sentences templates show.

use super::chart::{Bar, Chart, Unit};
use super::page::{theme_title, Table};
use crate::num::{fixed, money_gbp};
use crate::sensitivity::{Sensitivity, Switch};
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// Adds the part's tables and charts, and returns what the templates see as `uncertainty`.
pub(super) fn section(sn: &Sensitivity, tables: &mut Vec<Table>, charts: &mut Vec<Chart>) -> Value {
    let r = |x: Option<Decimal>| x.map_or("n/a".to_string(), |x| format!("{} : 1", fixed(x, 2)));
    let mut scen = Table::new(
        "scenarios",
        "Low, central and high scenarios",
        &["Scenario", "Present value", "SROI ratio"],
    );
    for c in &sn.scenarios {
        scen.row(vec![
            theme_title(c.name),
            money_gbp(c.present_value),
            r(c.ratio),
        ]);
    }
    let mut sw = Table::new(
        "switching_values",
        "Switching values: where one input would have to be for the ratio to reach 1:1",
        &["Outcome", "Input", "Now", "Ratio 1:1 at"],
    );
    for w in sn.switching.iter().filter(|w| w.switch != Switch::Cannot) {
        sw.row(vec![
            w.name.clone(),
            w.input.to_string(),
            super::uncertainty::current_text(w),
            super::uncertainty::switch_text(w),
        ]);
    }
    let mut ow = Table::new(
        "one_way",
        "Largest effects of moving one input",
        &[
            "Outcome", "Input", "Moved to", "Result", "Moved to", "Result",
        ],
    );
    for o in sn.one_way.iter().take(10) {
        ow.row(vec![
            o.name.clone(),
            o.input.to_string(),
            o.low_setting.clone(),
            super::uncertainty::result_text(sn, o.at_low),
            o.high_setting.clone(),
            super::uncertainty::result_text(sn, o.at_high),
        ]);
    }
    let mut fl = Table::new(
        "practice_flags",
        "Compared with published practice",
        &["Line", "What to look at"],
    );
    for f in &sn.flags {
        fl.row(vec![
            f.line.map(|l| (l + 1).to_string()).unwrap_or_default(),
            f.message.clone(),
        ]);
    }
    let cannot = sn
        .switching
        .iter()
        .filter(|w| w.switch == Switch::Cannot)
        .count();
    let uncertainty = json!({
        "sentence": super::uncertainty::range_sentence(sn),
        "range": sn.simulation.ratio.as_ref().map(|s| format!("{} and {}", fixed(s.p5, 2), fixed(s.p95, 2))),
        "below_one": super::uncertainty::below_one_text(&sn.simulation),
        "all_values_switch": sn.all_values_switch.map(|x| format!("{}%", super::uncertainty::percent_1dp(x))),
        "cannot_switch": cannot,
        "runs": sn.simulation.runs,
        "seed": sn.simulation.seed,
    });
    charts.push(Chart {
        name: "tornado".into(),
        title: "What moves the ratio most (one input at a time)".into(),
        unit: Unit::Ratio,
        horizontal: true,
        bars: sn
            .one_way
            .iter()
            .take(8)
            .map(|o| Bar {
                label: format!("{}: {}", o.input, o.name),
                value: o.at_high,
                step: super::chart::Step::Span(o.at_low),
                whisker: None,
            })
            .collect(),
    });
    if !sn.simulation.histogram.is_empty() {
        charts.push(Chart {
            name: "ratio-range".into(),
            title: format!(
                "SROI ratio in {} simulations",
                crate::num::quantity(Decimal::from(sn.simulation.runs))
            ),
            unit: Unit::Runs,
            horizontal: false,
            bars: sn
                .simulation
                .histogram
                .iter()
                .map(|(a, _, n)| Bar::new(fixed(*a, 1), Decimal::from(*n)))
                .collect(),
        });
    }
    tables.extend([scen, sw, ow, fl]);
    uncertainty
}
