//! The valued lines as CSV (`calc --format csv`), one row per line, for spreadsheet users.
//! Text cells are neutralised so a spreadsheet never runs them as formulas.

use super::spreadsheet_safe;
use crate::num::money;
use crate::value::{Origin, Valuation};

const HEADER: &[&str] = &[
    "line",
    "origin",
    "proxy",
    "name",
    "kind",
    "beneficiary",
    "theme",
    "quantity",
    "unit_value",
    "price_year",
    "index_from",
    "index_to",
    "rebased_unit_value",
    "deadweight",
    "displacement",
    "attribution",
    "drop_off",
    "duration",
    "gross",
    "impact_year1",
    "present_value",
    "reason",
    "source",
    "url",
    "licence",
    "partnership",
    "place",
    "transfer",
    "valued_from_stories",
    "overlap_reason",
    "evidence_type",
    "grade",
];

/// The lines table as CSV text with a header row.
pub fn render(v: &Valuation) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail; errors are ignored rather than unwrapped.
    let _ = w.write_record(HEADER);
    for (i, l) in v.lines.iter().enumerate() {
        let origin = match &l.origin {
            Origin::Volunteering { role } => format!("volunteering: {role}"),
            Origin::Outcome { line } => format!("outcomes line {line}"),
            Origin::Stories { ids } => format!("stories: {}", ids.join(";")),
            Origin::Indicator { id } => format!("indicator: {id}"),
        };
        let a = &l.adjustments;
        let n = |d: rust_decimal::Decimal| d.normalize().to_string();
        let row = [
            (i + 1).to_string(),
            spreadsheet_safe(&origin).into_owned(),
            spreadsheet_safe(&l.proxy).into_owned(),
            spreadsheet_safe(&l.name).into_owned(),
            l.kind.as_str().to_string(),
            spreadsheet_safe(&l.beneficiary).into_owned(),
            spreadsheet_safe(&l.theme).into_owned(),
            n(l.quantity),
            n(l.unit_value),
            l.price_year.to_string(),
            n(l.index_from),
            n(l.index_to),
            crate::num::fixed(l.rebased_unit_value, 6),
            n(a.deadweight),
            n(a.displacement),
            n(a.attribution),
            n(a.drop_off),
            a.duration.to_string(),
            money(l.value.gross),
            money(l.value.impact_year1),
            money(l.value.present_value),
            spreadsheet_safe(l.reason.as_deref().unwrap_or("")).into_owned(),
            spreadsheet_safe(&l.source).into_owned(),
            spreadsheet_safe(&l.url).into_owned(),
            spreadsheet_safe(&l.licence).into_owned(),
            spreadsheet_safe(l.partnership.as_deref().unwrap_or("")).into_owned(),
            l.place.clone().unwrap_or_default(),
            l.transfer.to_string(),
            l.from_stories().to_string(),
            spreadsheet_safe(l.overlap_reason.as_deref().unwrap_or("")).into_owned(),
            l.evidence_type.to_string(),
            l.grade().to_string(),
        ];
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
