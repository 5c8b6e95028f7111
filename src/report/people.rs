//! "What people told us": each indicator's before-and-after statistics in plain words, as
//! JSON, and as a table, for calc, the report and result.json alike.

use crate::num::{fixed, money};
use crate::value::indicators::{IndicatorResult, MIN_PAIRS};
use crate::value::{Origin, Valuation};
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn num(d: Decimal) -> String {
    d.round_dp(2).normalize().to_string()
}

/// One indicator in a sentence a trustee can read aloud, e.g. "41 of 52 people improved on
/// the UCLA loneliness scale; on average the score fell by 1.4 points on its 3 to 9 scale
/// (lower is better; 95% interval for the change -1.8 to -1.0)."
pub fn sentence(r: &IndicatorResult) -> String {
    let mut s = format!("{}: ", r.name);
    if r.pairs == 0 {
        s.push_str(&format!(
            "{} people answered, none both before and after, so no change can be shown.",
            r.people
        ));
        return s;
    }
    s.push_str(&format!(
        "{} of {} people answering before and after improved, {} stayed the same and {} got worse",
        r.improved, r.pairs, r.same, r.worse
    ));
    if let Some(m) = r.mean_change {
        let moved = if m > Decimal::ZERO {
            format!("rose by {}", num(m))
        } else if m < Decimal::ZERO {
            format!("fell by {}", num(-m))
        } else {
            "did not change".to_string()
        };
        s.push_str(&format!(
            "; on average the score {moved} points on its {} to {} scale ({} is better",
            num(r.scale_min),
            num(r.scale_max),
            if r.higher_is_better {
                "higher"
            } else {
                "lower"
            }
        ));
        match r.ci {
            Some((lo, hi)) => s.push_str(&format!(
                "; 95% interval for the change {} to {})",
                num(lo),
                num(hi)
            )),
            None => s.push_str(&format!("; fewer than {MIN_PAIRS} pairs, so no interval)")),
        }
    }
    s.push('.');
    if r.small_sample && r.pairs >= MIN_PAIRS {
        s.push_str(&format!(
            " A small sample ({} pairs): read it as indicative.",
            r.pairs
        ));
    }
    if r.unpaired > 0 {
        s.push_str(&format!(
            " {} more answered only once and are not counted.",
            r.unpaired
        ));
    }
    s.push_str(&valued_sentence(r));
    s
}

/// For an indicator the toolkit values: what it was valued at and over what time, or why it
/// is indicative only.
fn valued_sentence(r: &IndicatorResult) -> String {
    match (r.wellbys, &r.not_valued) {
        (Some(w), _) => {
            let over = match (&r.persists, r.time_weight) {
                (Some(why), _) => {
                    format!("for a whole year, as the change is said to persist ({why})")
                }
                (None, Some(t)) => format!(
                    "for the time between the answers ({} of a year on average)",
                    crate::num::percent(t.round_dp(2))
                ),
                (None, None) => String::new(),
            };
            format!(" Valued as {} WELLBYs {over}.", num(w))
        }
        (None, Some(why)) => format!(" Indicative, not valued: {why}."),
        (None, None) => String::new(),
    }
}

/// The `indicators` list of result.json.
pub fn json(v: &Valuation) -> Value {
    Value::Array(
        v.indicators
            .iter()
            .map(|r| {
                let line = v
                    .lines
                    .iter()
                    .find(|l| matches!(&l.origin, Origin::Indicator { id } if *id == r.id));
                json!({
                    "indicator": r.id,
                    "name": r.name,
                    "local": r.local,
                    "scale_min": num(r.scale_min),
                    "scale_max": num(r.scale_max),
                    "higher_is_better": r.higher_is_better,
                    "people": r.people,
                    "pairs": r.pairs,
                    "unpaired": r.unpaired,
                    "mean_before": r.mean_before.map(|d| d.round_dp(4).normalize().to_string()),
                    "mean_after": r.mean_after.map(|d| d.round_dp(4).normalize().to_string()),
                    "mean_change": r.mean_change.map(|d| d.round_dp(4).normalize().to_string()),
                    "ci_low": r.ci.map(|c| c.0.normalize().to_string()),
                    "ci_high": r.ci.map(|c| c.1.normalize().to_string()),
                    "sd_change": r.sd_change.map(|d| d.normalize().to_string()),
                    "effect_size": r.effect_size.map(|d| d.normalize().to_string()),
                    "improved": r.improved,
                    "same": r.same,
                    "worse": r.worse,
                    "small_sample": r.small_sample,
                    "wellbys": r.wellbys.map(|d| d.normalize().to_string()),
                    "not_valued": r.not_valued,
                    "time_weight": r.time_weight.map(|d| d.round_dp(4).normalize().to_string()),
                    "persists": r.persists,
                    "present_value": line.map(|l| money(l.value.present_value)),
                    "sentence": sentence(r),
                })
            })
            .collect(),
    )
}

/// The rows of the report's indicators table.
pub fn rows(v: &Valuation) -> Vec<Vec<String>> {
    v.indicators
        .iter()
        .map(|r| {
            let opt = |d: Option<Decimal>| d.map_or("-".into(), num);
            vec![
                format!("{}{}", r.name, if r.local { " (our own)" } else { "" }),
                format!("{} of {}", r.pairs, r.people),
                opt(r.mean_before),
                opt(r.mean_after),
                opt(r.mean_change),
                r.ci.map_or("-".into(), |(lo, hi)| format!("{} to {}", num(lo), num(hi))),
                r.effect_size.map_or("-".into(), |d| fixed(d, 2)),
                format!("{} / {} / {}", r.improved, r.same, r.worse),
                match (r.wellbys, &r.not_valued) {
                    (Some(w), _) => format!("{} WELLBYs", num(w)),
                    (None, Some(_)) => "indicative, not valued".into(),
                    (None, None) => "not valued".into(),
                },
            ]
        })
        .collect()
}

/// The table's header.
pub const HEADER: [&str; 9] = [
    "Indicator",
    "Pairs of answers, of people",
    "Mean before",
    "Mean after",
    "Mean change",
    "95% interval",
    "Effect size (d)",
    "Better / same / worse",
    "Valued",
];
