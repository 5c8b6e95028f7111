//! A plain-text summary of a valuation for a person at a terminal (`calc`'s default output).
//! Headline figures first, then value by kind, beneficiary and theme, then every line briefly.
//! Names from the project (the organisation, lines, roles, notes) are escaped for a terminal.

use super::truncate;
use crate::diag::terminal_name;
use crate::num::{fixed, money_exact, money_gbp, percent, quantity};
use crate::project::TimeAs;
use crate::value::{Line, Origin, Valuation};
use rust_decimal::Decimal;
use std::fmt::Write;

fn row(out: &mut String, label: &str, value: &str) {
    let _ = writeln!(out, "  {label:<30} {value:>14}");
}

fn breakdown<'a>(
    out: &mut String,
    title: &str,
    items: impl Iterator<Item = (&'a str, Decimal)>,
    total: Decimal,
) {
    let _ = writeln!(out, "\n{title}");
    for (k, v) in items {
        // Shares only make sense of a positive total; checked, as harms can bring it near zero.
        let share = (total > Decimal::ZERO)
            .then(|| v.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(total))
            .flatten()
            .map(|p| format!("{:>5}%", fixed(p, 0)))
            .unwrap_or_default();
        let _ = writeln!(out, "  {k:<30} {:>14}  {share}", money_gbp(v));
    }
}

/// The summary as text.
pub fn render(v: &Valuation) -> String {
    let t = &v.totals;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({})",
        terminal_name(&v.organisation.name),
        terminal_name(&v.organisation.id)
    );
    let _ = writeln!(out, "Period {} to {}", v.period.start, v.period.end);
    let _ = writeln!(
        out,
        "Toolkit {} {}, values in {} prices, discounted at {} a year ({})",
        v.toolkit.id,
        v.toolkit.version,
        v.toolkit.price_year,
        percent(v.toolkit.discount_rate),
        if v.toolkit.discount_first_year {
            "first year discounted"
        } else {
            "first year not discounted"
        }
    );
    let _ = writeln!(out, "Toolkit fingerprint {}", v.toolkit.fingerprint);
    if v.skipped.rows > 0 {
        let _ = writeln!(
            out,
            "DRAFT: {} rows with problems were left out (listed at the end)",
            v.skipped.rows
        );
    }
    let _ = writeln!(out);
    row(&mut out, "Investment", &money_gbp(t.investment));
    if !t.in_kind.is_zero() {
        row(&mut out, "  of which cash", &money_gbp(t.cash));
        row(&mut out, "  of which in kind", &money_gbp(t.in_kind));
    }
    row(
        &mut out,
        "Social value (present value)",
        &money_gbp(t.present_value),
    );
    if !t.harms.is_zero() {
        row(&mut out, "  after harms of", &money_gbp(t.harms));
    }
    if !t.transfers.is_zero() {
        row(&mut out, "Transfers (not counted)", &money_gbp(t.transfers));
        let _ = writeln!(
            out,
            "  benefits or taxes no longer paid move money and create none: shown as a saving, never as value"
        );
    }
    row(
        &mut out,
        "Net present value",
        &money_gbp(t.net_present_value),
    );
    match t.sroi_ratio {
        Some(r) if r < Decimal::ZERO => {
            row(&mut out, "SROI ratio", &format!("{} : 1", fixed(r, 2)));
            let _ = writeln!(
                out,
                "  the harms outweigh the benefits: -£{} for every £1 invested",
                fixed(-r, 2)
            );
        }
        Some(r) => {
            row(&mut out, "SROI ratio", &format!("{} : 1", fixed(r, 2)));
            let _ = writeln!(
                out,
                "  £{} of social value for every £1 invested",
                fixed(r, 2)
            );
        }
        None if t.investment.is_zero() => row(&mut out, "SROI ratio", "n/a (no investment)"),
        None => row(&mut out, "SROI ratio", "too large to show"),
    }
    if let Some(r) = t.sroi_ratio_volunteer_time_as_input {
        row(
            &mut out,
            "Ratio, volunteer time as input",
            &format!("{} : 1", fixed(r, 2)),
        );
        let _ = writeln!(
            out,
            "  the ratio above counts volunteer time as value (as = \"value\"); this is it counted as input"
        );
    }
    let _ = writeln!(out, "  made up of {}", composition_text(v));
    let _ = writeln!(
        out,
        "  resting on evidence graded {}",
        super::evidence::mix_text(v)
    );
    if let Some(m) = t.payback_months {
        row(
            &mut out,
            "Social payback",
            &format!("{} months", fixed(m, 1)),
        );
        let _ = writeln!(
            out,
            "  months of first-year social value to match the investment: value to people, not cash"
        );
    }
    if let Some(vt) = &v.volunteering {
        let how = match vt.counted_as {
            TimeAs::Value => "counted as value",
            TimeAs::Input => "counted as in-kind input",
        };
        row(&mut out, "Volunteer hours", &quantity(vt.summary.hours));
        row(
            &mut out,
            "Volunteer time value",
            &money_gbp(t.volunteer_time_value),
        );
        let _ = writeln!(
            out,
            "  the hours of {} at replacement cost, {how}",
            crate::num::plural(vt.summary.volunteers, "volunteer", "volunteers"),
        );
    }

    breakdown(
        &mut out,
        "Value by kind",
        t.by_kind.iter().map(|(k, v)| (*k, *v)),
        t.present_value,
    );
    breakdown(
        &mut out,
        "Value by who gains or saves",
        t.by_beneficiary.iter().map(|(k, v)| (k.as_str(), *v)),
        t.present_value,
    );
    breakdown(
        &mut out,
        "Value by theme",
        t.by_theme.iter().map(|(k, v)| (k.as_str(), *v)),
        t.present_value,
    );
    if !v.by_place.is_empty() {
        let places: Vec<(String, Decimal)> = v
            .by_place
            .iter()
            .map(|p| {
                let code = p.place.as_deref().unwrap_or("place not given");
                let label = match &p.name {
                    Some(n) => format!("{code} {n}"),
                    None => code.to_string(),
                };
                (label, p.present_value)
            })
            .collect();
        breakdown(
            &mut out,
            "Value by place (hours and investment are in the organisation's own place)",
            places.iter().map(|(k, v)| (k.as_str(), *v)),
            t.present_value,
        );
    }

    let _ = writeln!(
        out,
        "\nLines (present value; `--format json` shows every step)"
    );
    for (i, l) in v.lines.iter().enumerate() {
        let from = match &l.origin {
            Origin::Volunteering { role } => format!("volunteers: {}", terminal_name(role)),
            Origin::Outcome { line } => match &l.partnership {
                Some(p) => format!(
                    "outcomes line {line}, our {} share of partnership {p}",
                    percent(Decimal::ONE - l.adjustments.attribution)
                ),
                None => format!("outcomes line {line}"),
            },
            Origin::Stories { ids } => format!(
                "valued from stories {} ({} each)",
                ids.join(", "),
                per_story(l, ids.len())
            ),
            Origin::Indicator { id } => match &l.measured {
                Some(m) => format!(
                    "people's own answers: {id} ({} pairs, mean change {}, 95% interval {} to {}, {} of a year)",
                    m.pairs,
                    fixed(m.mean_change, 2),
                    fixed(m.ci.0, 2),
                    fixed(m.ci.1, 2),
                    percent(m.weight.round_dp(2))
                ),
                None => format!("people's own answers: {id}"),
            },
        };
        let from = if l.transfer {
            format!("TRANSFER, not counted in social value; {from}")
        } else {
            from
        };
        let _ = writeln!(
            out,
            "  {:>2}. {:<40} {:>14}",
            i + 1,
            truncate(&terminal_name(&l.name), 40),
            money_gbp(l.value.present_value)
        );
        let _ = writeln!(
            out,
            "      {} gross; {from}; evidence {}",
            workings(l),
            super::evidence::grade_cell(l)
        );
    }
    if !v.unvalued.is_empty() {
        let _ = writeln!(out, "\nAlso done (recorded, not valued)");
        for u in &v.unvalued {
            let q = u
                .quantity
                .map(|q| format!("{} ", quantity(q)))
                .unwrap_or_default();
            let _ = writeln!(out, "  {q}{}", terminal_name(&u.note));
        }
    }
    let _ = writeln!(
        out,
        "\nStories: {} shared with consent{}",
        v.stories.len(),
        if v.stories_withheld > 0 {
            format!(
                ", {} held back without consent (never quoted or valued)",
                v.stories_withheld
            )
        } else {
            String::new()
        }
    );
    if !v.indicators.is_empty() {
        let _ = writeln!(
            out,
            "\nWhat people told us (their own before-and-after answers)"
        );
        for r in &v.indicators {
            let _ = writeln!(out, "  {}", super::people::sentence(r));
        }
    }
    skipped_rows(&mut out, v);
    out
}

/// Rows left out under `--skip-bad-rows`, each with where it was and what was wrong.
fn skipped_rows(out: &mut String, v: &Valuation) {
    if v.skipped.rows == 0 {
        return;
    }
    let _ = writeln!(
        out,
        "\nDRAFT: {} with problems left out of these figures (--skip-bad-rows)",
        crate::num::plural(v.skipped.rows, "row", "rows")
    );
    for d in &v.skipped.problems {
        let at = d
            .location
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let _ = writeln!(out, "  {at}: {}", d.message);
    }
    if v.skipped.unlisted > 0 {
        let _ = writeln!(out, "  ... and {} more problems", v.skipped.unlisted);
    }
}

/// How much of the proxy each story counted for (`per_story`), as a plain number.
pub fn per_story(l: &Line, stories: usize) -> String {
    let each = l
        .quantity
        .checked_div(Decimal::from(stories.max(1) as u64))
        .unwrap_or_default();
    quantity(each.round_dp(4))
}

/// What the present value is made of, in whole percent, and the share valued from stories:
/// `84% wellbeing, 16% non-cashable fiscal savings; under 0.1% valued from stories`.
pub fn composition_text(v: &Valuation) -> String {
    let t = &v.totals;
    let parts = t.composition();
    let amounts: Vec<Decimal> = parts.iter().map(|p| p.1).collect();
    let listed = match crate::num::whole_percents(&amounts) {
        // Parts worth nothing are left out of the sentence (the JSON lists every part).
        Some(pc) => parts
            .iter()
            .zip(pc)
            .filter(|((_, x), _)| !x.is_zero())
            .map(|((name, _), p)| format!("{p}% {name}"))
            .collect::<Vec<_>>(),
        None => parts
            .iter()
            .map(|(name, x)| format!("{} {name}", money_gbp(*x)))
            .collect(),
    };
    format!(
        "{}; {} valued from stories",
        listed.join(", "),
        small_share(t.story_value, t.present_value)
    )
}

/// A share to one decimal place, never a bare "0.0%" for something that is there.
pub fn small_share(part: Decimal, total: Decimal) -> String {
    if part.is_zero() {
        return "0%".into();
    }
    match crate::num::ratio(part.saturating_mul(Decimal::ONE_HUNDRED), total) {
        Some(p) if p.abs() < Decimal::new(5, 2) => "under 0.1%".into(),
        Some(p) => format!("{}%", fixed(p, 1)),
        None => money_gbp(part),
    }
}

/// How a line's gross value is reached, with numbers a calculator reproduces exactly:
/// `48 × £114.00 per attendance (2013 prices) × 100 ÷ 73.0337 = £7,492.43`.
pub fn workings(l: &Line) -> String {
    let q = quantity(l.quantity);
    let v = money_exact(l.unit_value);
    if l.index_from == l.index_to {
        format!("{q} × {v} per {} = {}", l.unit, money_gbp(l.value.gross))
    } else {
        format!(
            "{q} × {v} per {} ({} prices) × {} ÷ {} = {}",
            l.unit,
            l.price_year,
            l.index_to.normalize(),
            l.index_from.normalize(),
            money_gbp(l.value.gross)
        )
    }
}
