//! `compare`: two returns recomputed on one toolkit, side by side (the same organisation's two
//! years, or two organisations); each must pass the gate a network applies, any year.

use crate::diag::Problems;
use crate::num::{fixed, money_gbp, quantity};
use crate::submission::gate::{self, Rules};
use crate::submission::Submission;
use crate::toolkit::Toolkit;
use crate::value::Valuation;
use std::fmt::Write;
use std::path::Path;

/// Two accepted returns, each with its figures recomputed on the same toolkit.
pub struct Comparison {
    /// "uk-core 2026.3".
    pub toolkit: String,
    pub columns: [(Submission, Valuation); 2],
}

/// Recomputes `a` and `b` on `tk`. A return the gate refuses is not compared: its problems come
/// back with what to do as the last one's help.
pub fn compare(a: &Path, b: &Path, tk: &Toolkit) -> Result<Comparison, Problems> {
    let rules = Rules {
        toolkit: tk,
        year: None,
        max_months: gate::ANNUAL_MONTHS,
    };
    let one = |p: &Path| {
        gate::accept(p, &rules)
            .map(|a| (a.submission, a.verdict.valuation))
            .map_err(|r| {
                let mut problems = r.problems;
                if let Some(d) = problems.list.last_mut() {
                    d.help = Some(r.action.clone());
                }
                problems
            })
    };
    Ok(Comparison {
        toolkit: format!("{} {}", tk.id, tk.version),
        columns: [one(a)?, one(b)?],
    })
}

/// The comparison as a table for a terminal.
pub fn text(c: &Comparison) -> String {
    let mut out = format!("Compared on {}\n\n", c.toolkit);
    let row = |out: &mut String, label: &str, a: String, b: String| {
        let _ = writeln!(out, "  {label:<26} {a:>20} {b:>20}");
    };
    let [(sa, va), (sb, vb)] = &c.columns;
    let name = |s: &Submission| {
        let year: String = s.period.start.trim().chars().take(4).collect();
        format!("{} {year}", s.organisation.id)
    };
    row(&mut out, "", name(sa), name(sb));
    let both = |f: fn(&Valuation) -> String| (f(va), f(vb));
    let (a, b) = both(|v| money_gbp(v.totals.present_value));
    row(&mut out, "Social value", a, b);
    let (a, b) = both(|v| money_gbp(v.totals.investment));
    row(&mut out, "Investment", a, b);
    let (a, b) = both(|v| {
        v.totals
            .sroi_ratio
            .map_or("n/a".into(), |r| format!("{} : 1", fixed(r, 2)))
    });
    row(&mut out, "SROI ratio", a, b);
    let (a, b) = both(|v| {
        v.volunteering
            .as_ref()
            .map_or("0".into(), |t| quantity(t.summary.hours))
    });
    row(&mut out, "Volunteer hours", a, b);
    // Every kind either return has, so a kind only the second has is not dropped.
    let kinds: std::collections::BTreeSet<&&str> = va
        .totals
        .by_kind
        .keys()
        .chain(vb.totals.by_kind.keys())
        .collect();
    for k in kinds {
        let of = |v: &Valuation| v.totals.by_kind.get(k).copied().unwrap_or_default();
        row(
            &mut out,
            &format!("  {k}"),
            money_gbp(of(va)),
            money_gbp(of(vb)),
        );
    }
    row(
        &mut out,
        "Change in social value",
        String::new(),
        money_gbp(vb.totals.present_value - va.totals.present_value),
    );
    out
}
