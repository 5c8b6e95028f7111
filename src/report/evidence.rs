//! The report's "How strong is the evidence" part: the value resting on each grade of evidence,
//! with shares that add up to 100%, and the sentence templates show.

use super::page::Table;
use crate::num::{money_gbp, pennies_adding_up, whole_percents};
use crate::project::{EvidenceType, Grade};
use crate::value::{Line, Valuation};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// What each grade's quantities come from, in the scale's words.
fn sources(g: Grade) -> String {
    let types: Vec<&str> = EvidenceType::ALL
        .iter()
        .filter(|e| e.grade() == g)
        .map(|e| e.as_str())
        .collect();
    types.join(", ")
}

/// A line's grade and where its quantity comes from: `silver (own-records)`.
pub fn grade_cell(l: &Line) -> String {
    format!("{} ({})", l.grade(), l.evidence_type)
}

/// Each grade with its present value as shown (pennies adding up to the shown total) and its
/// whole-percent share (adding up to 100), or no shares when a grade's value is negative.
pub fn grade_mix(v: &Valuation) -> Vec<(Grade, Decimal, Option<u32>)> {
    mix_of(&v.totals.by_grade)
}

/// [`grade_mix`] of any value by grade (a network's, a member's).
pub fn mix_of(by_grade: &BTreeMap<Grade, Decimal>) -> Vec<(Grade, Decimal, Option<u32>)> {
    let amounts: Vec<Decimal> = by_grade.values().copied().collect();
    let shares = whole_percents(&amounts);
    let shown = pennies_adding_up(&amounts).unwrap_or_else(|| amounts.clone());
    by_grade
        .keys()
        .zip(shown)
        .enumerate()
        .map(|(i, (g, x))| (*g, x, shares.as_ref().map(|s| s[i])))
        .collect()
}

/// The mix in a few words: `bronze 20%, silver 55%, gold 25%, gold+ 0%`, or the amounts when
/// a grade's value is negative and shares would mean nothing.
pub fn mix_text(v: &Valuation) -> String {
    mix_text_of(&v.totals.by_grade)
}

/// [`mix_text`] of any value by grade.
pub fn mix_text_of(by_grade: &BTreeMap<Grade, Decimal>) -> String {
    mix_of(by_grade)
        .iter()
        .map(|(g, x, share)| match share {
            Some(p) => format!("{g} {p}%"),
            None => format!("{g} {}", money_gbp(*x)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds the `value_by_grade` table and returns what the templates see as `evidence`.
pub(super) fn section(v: &Valuation, tables: &mut Vec<Table>) -> Value {
    let mut t = Table::new(
        "value_by_grade",
        "Value by evidence grade",
        &[
            "Grade",
            "Where the quantities come from",
            "Lines",
            "Present value",
            "Share",
        ],
    );
    let mix = grade_mix(v);
    for (g, x, share) in &mix {
        let lines = v
            .lines
            .iter()
            .filter(|l| !l.transfer && l.grade() == *g)
            .count();
        t.row(vec![
            g.to_string(),
            sources(*g),
            lines.to_string(),
            money_gbp(*x),
            share.map(|p| format!("{p}%")).unwrap_or_default(),
        ]);
    }
    let shares_shown = mix.iter().all(|m| m.2.is_some());
    t.row(vec![
        "All".into(),
        String::new(),
        v.lines.iter().filter(|l| !l.transfer).count().to_string(),
        money_gbp(v.totals.present_value),
        if shares_shown {
            "100%".into()
        } else {
            String::new()
        },
    ]);
    tables.push(t);
    json!({
        "sentence": sentence(&mix),
        "shares_shown": shares_shown,
        "transfers_apart": !v.totals.transfers.is_zero(),
    })
}

/// What the mix means in a sentence: how much rests on estimates, and how much on records
/// others keep or better.
fn sentence(mix: &[(Grade, Decimal, Option<u32>)]) -> String {
    let part = |grades: &[Grade]| {
        let of = mix.iter().filter(|m| grades.contains(&m.0));
        let share: Option<u32> = of.clone().map(|m| m.2).sum();
        let any = of.clone().any(|m| !m.1.is_zero());
        let all = mix.iter().all(|m| grades.contains(&m.0) || m.1.is_zero());
        Some(share_words(share?, any, all))
    };
    match (part(&[Grade::Bronze]), part(&[Grade::Gold, Grade::GoldPlus])) {
        (Some(bronze), Some(gold)) => {
            let mut first = bronze.chars();
            let capital: String = first.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(first).collect();
            format!("{capital} of the social value rests on estimates (bronze), and {gold} on records another body keeps, a comparison group or an independent evaluation (gold or gold+).")
        }
        _ => "Harms make the value on at least one grade negative, so shares are not shown: the amounts are.".into(),
    }
}

/// A whole-percent share in words that never hide a part: `under 1%` for value shown as 0%,
/// `over 99%` for 100% that is not all of it.
fn share_words(p: u32, any: bool, all: bool) -> String {
    match p {
        0 if any => "under 1%".into(),
        100 if !all => "over 99%".into(),
        p => format!("{p}%"),
    }
}

#[cfg(test)]
mod tests {
    use super::share_words;

    #[test]
    fn a_share_shown_as_none_or_all_never_hides_a_part() {
        assert_eq!(share_words(0, true, false), "under 1%");
        assert_eq!(share_words(0, false, false), "0%");
        assert_eq!(share_words(100, true, false), "over 99%");
        assert_eq!(share_words(100, true, true), "100%");
        assert_eq!(share_words(37, true, false), "37%");
    }
}
