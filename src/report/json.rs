//! The full calculation as JSON (`calc --format json`, and `result.json` in a report).
//! Money is a decimal string rounded to pennies; the ratio has two places; fractions are exact.

use crate::num::{fixed, money};
use crate::project::TimeAs;
use crate::value::{Line, Origin, Valuation};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

/// Version of the result layout (see docs/result-format.md). 2: `present_value` leaves out
/// transfers, which `transfers` totals.
pub const RESULT_FORMAT_VERSION: u32 = 2;

fn exact(d: Decimal) -> String {
    d.normalize().to_string()
}

fn money_map<K: AsRef<str>>(m: impl IntoIterator<Item = (K, Decimal)>) -> Value {
    let map: Map<String, Value> = m
        .into_iter()
        .map(|(k, v)| (k.as_ref().to_string(), Value::String(money(v))))
        .collect();
    Value::Object(map)
}

fn line(number: usize, l: &Line) -> Value {
    let origin = match &l.origin {
        Origin::Volunteering { role } => json!({"type": "volunteering", "role": role}),
        Origin::Outcome { line } => json!({"type": "outcome", "line": line}),
        Origin::Stories { ids } => json!({"type": "stories", "ids": ids}),
        Origin::Indicator { id } => json!({"type": "indicator", "indicator": id}),
    };
    let a = &l.adjustments;
    let years: Vec<Value> = l
        .value
        .years
        .iter()
        .map(|y| {
            json!({
                "year": y.year,
                "impact": money(y.impact),
                "discount_factor": fixed(y.discount_factor, 6),
                "present_value": money(y.present_value),
            })
        })
        .collect();
    let mut out = json!({
        "number": number,
        "origin": origin,
        "proxy": l.proxy,
        "name": l.name,
        "kind": l.kind.as_str(),
        "unit": l.unit,
        "beneficiary": l.beneficiary,
        "cashable": l.cashable,
        "theme": l.theme,
        "quantity": exact(l.quantity),
        "unit_value": exact(l.unit_value),
        "price_year": l.price_year,
        "price_index": {"from": exact(l.index_from), "to": exact(l.index_to)},
        "rebased_unit_value": fixed(l.rebased_unit_value, 6),
        "deadweight": exact(a.deadweight),
        "displacement": exact(a.displacement),
        "attribution": exact(a.attribution),
        "drop_off": exact(a.drop_off),
        "duration": a.duration,
        "overridden": l.overridden,
        "reason": l.reason,
        "note": l.note,
        "gross": money(l.value.gross),
        "deadweight_deduction": money(l.value.deadweight),
        "displacement_deduction": money(l.value.displacement),
        "attribution_deduction": money(l.value.attribution),
        "impact_year1": money(l.value.impact_year1),
        "years": years,
        "present_value": money(l.value.present_value),
        "source": l.source,
        "url": l.url,
        "licence": l.licence,
        "evidence": l.evidence,
        "partnership": l.partnership,
        "place": l.place,
    });
    let more = json!({
        "evidence_type": l.evidence_type.as_str(),
        "grade": l.grade().as_str(),
        "transfer": l.transfer,
        "valued_from_stories": l.from_stories(),
        "overlap_reason": l.overlap_reason,
        "quantity_low": l.quantity_range.map(|r| exact(r.0)),
        "quantity_high": l.quantity_range.map(|r| exact(r.1)),
        "measured": l.measured.map(|m| json!({
            "pairs": m.pairs,
            "mean_change": exact(m.mean_change.round_dp(4)),
            "ci_low": exact(m.ci.0),
            "ci_high": exact(m.ci.1),
            "time_weight": exact(m.weight.round_dp(4)),
        })),
    });
    if let (Some(o), Value::Object(extra)) = (out.as_object_mut(), more) {
        o.extend(extra);
    }
    out
}

/// The present value's parts, each with its share in whole percent (adding up to 100 when
/// no part is negative).
pub fn composition(v: &Valuation) -> Value {
    let parts = v.totals.composition();
    let amounts: Vec<Decimal> = parts.iter().map(|p| p.1).collect();
    let shares = crate::num::whole_percents(&amounts);
    Value::Array(
        parts
            .iter()
            .enumerate()
            .map(|(i, (name, x))| {
                json!({"part": name, "present_value": money(*x), "percent": shares.as_ref().map(|s| s[i])})
            })
            .collect(),
    )
}

/// The present value resting on each grade of evidence, all four, in pennies that add up to
/// `present_value` as shown (largest remainders).
pub fn by_grade(v: &Valuation) -> Value {
    let amounts: Vec<Decimal> = v.totals.by_grade.values().copied().collect();
    let shown = crate::num::pennies_adding_up(&amounts).unwrap_or(amounts);
    money_map(v.totals.by_grade.keys().map(|g| g.as_str()).zip(shown))
}

/// Value, hours, investment and reach by place.
pub fn by_place(v: &Valuation) -> Value {
    Value::Array(
        v.by_place
            .iter()
            .map(|p| {
                json!({
                    "place": p.place,
                    "name": p.name,
                    "deprivation_decile": p.deprivation_decile,
                    "present_value": money(p.present_value),
                    "volunteer_hours": exact(p.hours),
                    "investment": money(p.investment),
                    "people": p.people,
                })
            })
            .collect(),
    )
}

/// The partnerships declared: members, any agreed split, and who else is in each.
pub fn partnerships(v: &Valuation) -> Value {
    Value::Array(
        v.partnerships
            .iter()
            .map(|p| {
                json!({
                    "id": p.id,
                    "members": p.members,
                    "shares": (!p.shares.is_empty()).then(|| p.shares.iter().map(|(k, x)| (k.clone(), Value::from(exact(*x)))).collect::<Map<_, _>>()),
                    "others": p.others(&v.organisation.id),
                })
            })
            .collect(),
    )
}

/// The valuation as a JSON value; key order is fixed, so the same input gives the same bytes.
pub fn to_value(v: &Valuation) -> Value {
    let mut out = outline(v);
    if let Some(lines) = out.get_mut("lines") {
        *lines = v
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| line(i + 1, l))
            .collect();
    }
    out
}

/// [`to_value`] with `lines` left empty: [`render`] writes the lines one at a time.
fn outline(v: &Valuation) -> Value {
    let t = &v.totals;
    let volunteering = v.volunteering.as_ref().map(|vt| {
        let by_role: Vec<Value> = vt.summary.by_role.iter().map(|r| json!({
            "role": r.role, "proxy": r.proxy, "hours": exact(r.hours), "volunteers": r.volunteers, "rows": r.rows,
            "by_month": r.by_month.iter().map(|h| exact(*h)).collect::<Vec<_>>(),
        })).collect();
        json!({
            "counted_as": match vt.counted_as { TimeAs::Value => "value", TimeAs::Input => "input" },
            "rows": vt.summary.rows,
            "gross_value": money(vt.gross_value),
            "first_date": vt.summary.first_date.map(|d| d.to_string()),
            "last_date": vt.summary.last_date.map(|d| d.to_string()),
            "months": vt.summary.months.iter().map(|(y, m)| format!("{y:04}-{m:02}")).collect::<Vec<_>>(),
            "by_role": by_role,
        })
    });
    let stories: Vec<Value> = v.stories.iter().map(|s| json!({
        "id": s.id, "title": s.title, "text": s.text, "tags": s.tags, "valued_as": s.valued_as, "evidence_for": s.evidence_for,
        "evidence_only": s.evidence_only.iter().map(|(tag, why)| json!({"tag": tag, "why": why})).collect::<Vec<_>>(),
    })).collect();
    let warnings: Vec<Value> = v
        .warnings
        .iter()
        .map(|w| {
            // The file's name and the line, never the folders of the organisation's computer.
            let location = w.location.as_ref().map(|l| {
                let name = l
                    .file
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                match l.line {
                    Some(line) => format!("{name}:{line}"),
                    None => name,
                }
            });
            json!({
                "message": w.message,
                "location": location,
            })
        })
        .collect();
    json!({
        "format": "social-value-result",
        "format_version": RESULT_FORMAT_VERSION,
        "organisation": {"name": v.organisation.name, "id": v.organisation.id, "place": v.organisation.place},
        "period": {"start": v.period.start.to_string(), "end": v.period.end.to_string()},
        "reach": v.reach.as_ref().map(|r| json!({"people": r.people, "note": r.note})),
        "toolkit": {
            "id": v.toolkit.id,
            "version": v.toolkit.version,
            "price_year": v.toolkit.price_year,
            "discount_rate": exact(v.toolkit.discount_rate),
            "discount_first_year": v.toolkit.discount_first_year,
            "fingerprint": v.toolkit.fingerprint,
        },
        "investment": money(t.investment),
        "investment_cash": money(t.cash),
        "investment_in_kind": money(t.in_kind),
        "investment_lines": v.investment.iter().map(|i| json!({"source": i.source, "amount": money(i.amount), "in_kind": i.in_kind})).collect::<Vec<_>>(),
        "impact_year1": money(t.impact_year1),
        "present_value": money(t.present_value),
        "net_present_value": money(t.net_present_value),
        "sroi_ratio": t.sroi_ratio.map(|r| fixed(r, 2)),
        "payback_months": t.payback_months.map(|m| fixed(m, 1)),
        "harms": money(t.harms),
        "transfers": money(t.transfers),
        "story_value": money(t.story_value),
        "volunteer_time_value": money(t.volunteer_time_value),
        "sroi_ratio_volunteer_time_as_input": t.sroi_ratio_volunteer_time_as_input.map(|r| fixed(r, 2)),
        "composition": composition(v),
        "by_kind": money_map(t.by_kind.iter().map(|(k, v)| (*k, *v))),
        "by_beneficiary": money_map(t.by_beneficiary.iter().map(|(k, v)| (k, *v))),
        "by_theme": money_map(t.by_theme.iter().map(|(k, v)| (k, *v))),
        "by_grade": by_grade(v),
        "by_place": by_place(v),
        "partnerships": partnerships(v),
        "volunteer_hours": exact(v.volunteering.as_ref().map_or(Decimal::ZERO, |vt| vt.summary.hours)),
        "volunteers": v.volunteering.as_ref().map_or(0, |vt| vt.summary.volunteers),
        "volunteering": volunteering,
        "lines": Value::Null,
        "unvalued": v.unvalued.iter().map(|u| json!({"line": u.line, "quantity": u.quantity.map(exact), "note": u.note})).collect::<Vec<_>>(),
        "stories_shared": v.stories.len(),
        "stories_withheld": v.stories_withheld,
        "stories": stories,
        "indicators": super::people::json(v),
        "warnings": warnings,
        "skipped_rows": skipped_rows(v),
    })
}

/// Rows set aside under `--skip-bad-rows`: file name, line, column and problem.
fn skipped_rows(v: &Valuation) -> Value {
    let problems: Vec<Value> = v
        .skipped
        .problems
        .iter()
        .map(|d| {
            let loc = d.location.as_ref();
            json!({
                "file": loc.and_then(|l| l.file.file_name()).map(|n| n.to_string_lossy()),
                "line": loc.and_then(|l| l.line),
                "column": loc.and_then(|l| l.column_name.clone()),
                "message": d.message,
            })
        })
        .collect();
    json!({"rows": v.skipped.rows, "problems": problems, "unlisted": v.skipped.unlisted})
}

/// Pretty JSON text ending in a newline: the same bytes as [`to_value`] printed, but each line
/// is made, written and dropped in turn. Decision: a tree of the whole result takes about ten
/// times the text's size (2 GB for 100,000 lines, issue 19); the text alone is enough.
pub fn render(v: &Valuation) -> String {
    let top = outline(v);
    let mut s = serde_json::to_string_pretty(&Streamed { top: &top, v }).unwrap_or_default();
    s.push('\n');
    s
}

/// The outline's keys in order, with `lines` made as it is written.
struct Streamed<'a> {
    top: &'a Value,
    v: &'a Valuation,
}

impl serde::Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Value::Object(top) = self.top else {
            return serde::Serialize::serialize(self.top, s);
        };
        let mut map = s.serialize_map(Some(top.len()))?;
        for (key, value) in top {
            if key == "lines" {
                map.serialize_entry(key, &Lines(&self.v.lines))?;
            } else {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// The lines as a JSON array, each made only when it is written.
struct Lines<'a>(&'a [Line]);

impl serde::Serialize for Lines<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (i, l) in self.0.iter().enumerate() {
            seq.serialize_element(&line(i + 1, l))?;
        }
        seq.end()
    }
}
