//! The outcomes file (`proxy,quantity,...`): each row a valued outcome line or an unvalued output.
//! Overriding a toolkit default adjustment needs a written reason; nothing is dropped.

use super::evidence::{EvidenceByLine, EvidenceType};
use super::partnership::Partners;
use crate::diag::{nearest, quoted, Diagnostic, Problems};
use crate::num::{parse_fraction, parse_plain, Holds};
use crate::read::table::{Collector, Column, Layout, ReadOptions, Skipped, Table};
use crate::toolkit::{Adjustments, Kind, Toolkit, MAX_DURATION};
use csv::ByteRecord;
use rust_decimal::Decimal;
use std::path::Path;

const COLUMNS: &[Column] = &[
    Column {
        name: "proxy",
        required: true,
    },
    Column {
        name: "quantity",
        required: true,
    },
    Column {
        name: "deadweight",
        required: false,
    },
    Column {
        name: "attribution",
        required: false,
    },
    Column {
        name: "displacement",
        required: false,
    },
    Column {
        name: "drop_off",
        required: false,
    },
    Column {
        name: "duration",
        required: false,
    },
    Column {
        name: "reason",
        required: false,
    },
    Column {
        name: "note",
        required: false,
    },
    Column {
        name: "partnership",
        required: false,
    },
    Column {
        name: "place",
        required: false,
    },
    Column {
        name: "quantity_low",
        required: false,
    },
    Column {
        name: "quantity_high",
        required: false,
    },
    Column {
        name: "overlap_reason",
        required: false,
    },
    Column {
        name: "evidence_type",
        required: false,
    },
];
const PROXY: usize = 0;
const QUANTITY: usize = 1;
const ATTRIBUTION: usize = 3;
const FRACTIONS: [(usize, &str); 4] = [
    (2, "deadweight"),
    (ATTRIBUTION, "attribution"),
    (4, "displacement"),
    (5, "drop_off"),
];
const DURATION: usize = 6;
const REASON: usize = 7;
const NOTE: usize = 8;
const PARTNERSHIP: usize = 9;
const PLACE: usize = 10;
const QUANTITY_LOW: usize = 11;
const QUANTITY_HIGH: usize = 12;
const OVERLAP_REASON: usize = 13;
const EVIDENCE_TYPE: usize = 14;

/// Most decimal places a quantity may have (smaller fractions would make the sensitivity
/// analysis's ratios overflow, and are never meant).
pub const MAX_PLACES: u32 = 8;

/// Largest quantity one row may claim.
pub const MAX_QUANTITY: i64 = 1_000_000_000;

/// A row to be valued: quantity × proxy, with the adjustments that apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeLine {
    pub line: u64,
    pub proxy: String,
    pub quantity: Decimal,
    pub adjustments: Adjustments,
    /// Names of the adjustments that differ from the toolkit's defaults.
    pub overridden: Vec<&'static str>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// The partnership whose shared outcome this row claims a share of.
    pub partnership: Option<String>,
    /// Where the outcome arose (a district code), when the row says.
    pub place: Option<String>,
    /// The organisation's own lowest and highest plausible quantity, for the uncertainty
    /// analysis (`quantity_low`, `quantity_high`); otherwise ±10% is assumed there.
    pub quantity_range: Option<(Decimal, Decimal)>,
    /// Why the people counted here are not those of a line whose proxy must never be added to
    /// this one (`overlap_reason`), quoted in the report and the review.
    pub overlap_reason: Option<String>,
}

/// A row with no proxy: something that happened and is reported, but not valued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unvalued {
    pub line: u64,
    pub quantity: Option<Decimal>,
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutcomeRows {
    pub lines: Vec<OutcomeLine>,
    pub unvalued: Vec<Unvalued>,
    pub warnings: Problems,
    /// Rows set aside under `--skip-bad-rows`.
    pub skipped: Skipped,
}

/// Reads and checks every row of the outcomes file against the toolkit, with where each valued
/// row's quantity comes from (its `evidence_type`).
pub fn read_outcomes(
    path: &Path,
    toolkit: &Toolkit,
    partners: &Partners,
    options: ReadOptions,
) -> Result<(OutcomeRows, EvidenceByLine), Problems> {
    let mut table = Table::open(path, COLUMNS, options.limits)?;
    let mut out = Collector::new(path, std::mem::take(&mut table.warnings), options);
    let mut rows = OutcomeRows::default();
    let mut evidence = EvidenceByLine::default();
    let mut layout = table.for_each_row(|t, row| {
        let Some(rec) = out.take(row) else {
            return;
        };
        let kept = (rows.lines.len(), rows.unvalued.len());
        // Checked on every row; an unvalued output may say it too, though no value rests on it.
        let e = evidence_cell(t, rec, &mut out);
        read_row(t, rec, toolkit, partners, &mut rows, &mut out);
        if !out.end_row() {
            rows.lines.truncate(kept.0);
            rows.unvalued.truncate(kept.1);
        } else if let (Some(l), Some(e)) = (rows.lines.get(kept.0), e) {
            evidence.insert(l.line, e);
        }
    });
    if rows.lines.is_empty() && rows.unvalued.is_empty() && !out.problems.has_errors() {
        out.push(Diagnostic::warning("the outcomes file has no rows").in_file(path));
    }
    let (problems, skipped) = out.finish(&mut layout);
    if problems.has_errors() {
        return Err(problems);
    }
    rows.warnings = problems;
    rows.skipped = skipped;
    Ok((rows, evidence))
}

/// Reads the `evidence_type` cell: a type on the evidence scale (any case, `_` for `-`), an
/// estimate when empty; `None` after reporting anything else.
fn evidence_cell(table: &Layout, rec: &ByteRecord, out: &mut Collector) -> Option<EvidenceType> {
    let text = table.text(rec, EVIDENCE_TYPE);
    let parsed = EvidenceType::parse(&text);
    if parsed.is_none() {
        let message = format!(
            "evidence_type {} is not on the evidence scale",
            quoted(&text)
        );
        out.push(
            table
                .cell_error(rec, EVIDENCE_TYPE, "evidence_type", message)
                .with_help(format!(
                    "write one of {} (or leave it empty for an estimate): see docs/evidence-grades.md",
                    EvidenceType::allowed()
                )),
        );
    }
    parsed
}

fn optional_text(table: &Layout, rec: &ByteRecord, k: usize) -> Option<String> {
    let t = table.text(rec, k);
    (!t.is_empty()).then(|| t.into_owned())
}

fn read_row(
    table: &Layout,
    rec: &ByteRecord,
    toolkit: &Toolkit,
    partners: &Partners,
    rows: &mut OutcomeRows,
    out: &mut Collector,
) {
    // Every problem in the row is reported, not just the first.
    let line = table.line(rec);
    let proxy_id = table.text(rec, PROXY).into_owned();
    let note = optional_text(table, rec, NOTE);
    let reason = optional_text(table, rec, REASON);
    let quantity_text = table.text(rec, QUANTITY);
    let quantity = quantity_cell(table, rec, QUANTITY, "quantity", out);
    let overlap_reason = optional_text(table, rec, OVERLAP_REASON);
    let low = quantity_cell(table, rec, QUANTITY_LOW, "quantity_low", out);
    let high = quantity_cell(table, rec, QUANTITY_HIGH, "quantity_high", out);
    let range_given = [QUANTITY_LOW, QUANTITY_HIGH]
        .iter()
        .any(|&k| !table.raw(rec, k).is_empty());

    if proxy_id.is_empty() {
        let mut given: Vec<&str> = FRACTIONS
            .iter()
            .copied()
            .chain([(DURATION, "duration")])
            .filter(|&(k, _)| !table.raw(rec, k).is_empty())
            .map(|(_, n)| n)
            .collect();
        if reason.is_some() {
            given.push("reason");
        }
        if overlap_reason.is_some() {
            given.push("overlap_reason");
        }
        for (k, name) in [
            (PARTNERSHIP, "partnership"),
            (PLACE, "place"),
            (QUANTITY_LOW, "quantity_low"),
            (QUANTITY_HIGH, "quantity_high"),
        ] {
            if !table.raw(rec, k).is_empty() {
                given.push(name);
            }
        }
        if note.is_none() {
            out.push(table.cell_error(rec, PROXY, "proxy", "proxy is empty and there is no note".into())
                .with_help("name a proxy to value the row, or write a note (e.g. \"people came to the lunch club\") to record it unvalued"));
        } else if !given.is_empty() {
            out.push(table.cell_error(rec, PROXY, "proxy", format!("this row has no proxy but gives {}; an unvalued output has no adjustments, reasons, range, partnership or place", given.join(", ")))
                .with_help("name a proxy to value the row, or clear those cells (put any explanation in the note)"));
        }
        if out.row_ok() {
            rows.unvalued.push(Unvalued {
                line,
                quantity,
                note: note.unwrap_or_default(),
            });
        }
        return;
    }

    let proxy = toolkit.proxy(&proxy_id);
    match proxy {
        None => {
            // A scan of every proxy for a suggestion, on the error path only (the row's own
            // lookup above is by id).
            let help = match nearest(&proxy_id, toolkit.proxies.iter().map(|p| p.id.as_str())) {
                Some(n) => format!("did you mean \"{n}\"?"),
                None => format!(
                    "run `social-value toolkit list` to see the proxies in toolkit {}",
                    toolkit.id
                ),
            };
            out.push(
                table
                    .cell_error(
                        rec,
                        PROXY,
                        "proxy",
                        format!(
                            "proxy {} is not in toolkit {}",
                            quoted(&proxy_id),
                            toolkit.id
                        ),
                    )
                    .with_help(help),
            );
        }
        Some(p) if p.kind == Kind::Volunteering => {
            out.push(table.cell_error(rec, PROXY, "proxy", format!("\"{proxy_id}\" values volunteer time, which is counted from the volunteer log"))
                .with_help("list volunteer hours in the [volunteering] file, so time is never counted twice"));
        }
        Some(_) => {}
    }
    if quantity_text.is_empty() {
        out.push(
            table
                .cell_error(rec, QUANTITY, "quantity", "quantity is empty".into())
                .with_help("say how many units of the proxy this row claims"),
        );
    }

    let defaults = proxy.map(|p| p.defaults);
    let mut adj = defaults.unwrap_or(Adjustments::NONE);
    let mut overridden = Vec::new();
    for (k, name) in FRACTIONS {
        let text = table.text(rec, k);
        if text.is_empty() {
            continue;
        }
        match parse_fraction(&text) {
            Ok(f) if (Decimal::ZERO..=Decimal::ONE).contains(&f) => {
                let slot = match name {
                    "deadweight" => &mut adj.deadweight,
                    "attribution" => &mut adj.attribution,
                    "displacement" => &mut adj.displacement,
                    _ => &mut adj.drop_off,
                };
                if *slot != f {
                    overridden.push(name);
                }
                *slot = f;
            }
            Ok(f) => {
                let help = if f > Decimal::ONE && f <= Decimal::ONE_HUNDRED {
                    format!("write {} or {f}%", (f / Decimal::ONE_HUNDRED).normalize())
                } else {
                    "a fraction is between 0 and 1, e.g. 0.2 or 20%".into()
                };
                out.push(
                    table
                        .cell_error(
                            rec,
                            k,
                            name,
                            format!("{name} must be between 0 and 1, found {f}"),
                        )
                        .with_help(help),
                );
            }
            Err(e) => out.push(
                table
                    .cell_error(rec, k, name, e.to_string())
                    .with_help("write a fraction, e.g. 0.2 or 20%"),
            ),
        }
    }
    let dtext = table.text(rec, DURATION);
    if !dtext.is_empty() {
        match dtext.parse::<u32>() {
            Ok(d) if (1..=MAX_DURATION).contains(&d) => {
                if d != adj.duration {
                    overridden.push("duration");
                }
                adj.duration = d;
            }
            _ => out.push(table.cell_error(
                rec,
                DURATION,
                "duration",
                format!(
                    "duration {} is not a whole number of years from 1 to {MAX_DURATION}",
                    quoted(&dtext)
                ),
            )),
        }
    }
    let place = place_cell(table, rec, toolkit, out);
    let partnership = partnership_cell(
        table,
        rec,
        partners,
        (&mut adj, &mut overridden),
        reason.is_some(),
        out,
    );
    if defaults.is_some() && !overridden.is_empty() && reason.is_none() {
        out.push(table.cell_error(rec, REASON, "reason", format!("this row changes the toolkit's {} for {proxy_id} but gives no reason", overridden.join(", ")))
            .with_help("write why in the reason column (e.g. \"half our clients were already in work\"); commissioners will ask"));
    }
    let quantity_range = range_given
        .then(|| range_cells(table, rec, (quantity, low, high), out))
        .flatten();
    let ok = out.row_ok();
    if let (true, Some(quantity), Some(_)) = (ok, quantity, defaults) {
        rows.lines.push(OutcomeLine {
            line,
            proxy: proxy_id,
            quantity,
            adjustments: adj,
            overridden,
            reason,
            note,
            partnership,
            place,
            quantity_range,
            overlap_reason,
        });
    }
}

/// Reads a quantity cell (`quantity`, `quantity_low`, `quantity_high`): a number from 0 to
/// [`MAX_QUANTITY`] with at most [`MAX_PLACES`] decimals; `None` when empty or wrong.
fn quantity_cell(
    table: &Layout,
    rec: &ByteRecord,
    k: usize,
    name: &str,
    out: &mut Collector,
) -> Option<Decimal> {
    let text = table.text(rec, k);
    if text.is_empty() {
        return None;
    }
    let parsed = parse_plain(&text, Holds::Count);
    let problem = match &parsed {
        Ok(q) if *q < Decimal::ZERO => Some((
            format!("{name} {q} is negative"),
            "record a harm with a proxy whose value is negative, not with a negative quantity",
        )),
        Ok(q) if q.normalize().scale() > MAX_PLACES => Some((
            format!("{name} {q} has more than {MAX_PLACES} decimal places"),
            "round it: a quantity is a count or an amount, e.g. 60 or 12.5",
        )),
        Ok(q) if *q > Decimal::from(MAX_QUANTITY) => Some((
            format!("{name} {q} is more than the {MAX_QUANTITY} one row may claim"),
            "check for a typing slip, or split the claim over rows",
        )),
        Ok(_) => None,
        Err(e) => Some((e.to_string(), "write a plain number, e.g. 60 or 1200")),
    };
    match problem {
        Some((message, help)) => {
            out.push(table.cell_error(rec, k, name, message).with_help(help));
            None
        }
        None => parsed.ok(),
    }
}

/// `quantity_low` and `quantity_high` come together and hold the quantity between them.
fn range_cells(
    table: &Layout,
    rec: &ByteRecord,
    (quantity, low, high): (Option<Decimal>, Option<Decimal>, Option<Decimal>),
    out: &mut Collector,
) -> Option<(Decimal, Decimal)> {
    let help = "give both quantity_low and quantity_high, the lowest and highest the quantity could plausibly be, with the quantity between them";
    match (quantity, low, high) {
        (Some(q), Some(l), Some(h)) if l <= q && q <= h => Some((l, h)),
        (Some(q), Some(l), Some(h)) => {
            let (k, name) = if l > q {
                (QUANTITY_LOW, "quantity_low")
            } else {
                (QUANTITY_HIGH, "quantity_high")
            };
            let message = format!("the range {l} to {h} does not hold the quantity {q}");
            out.push(table.cell_error(rec, k, name, message).with_help(help));
            None
        }
        (_, None, _) if table.raw(rec, QUANTITY_LOW).is_empty() => {
            let message = "quantity_high is given without quantity_low".to_string();
            out.push(
                table
                    .cell_error(rec, QUANTITY_LOW, "quantity_low", message)
                    .with_help(help),
            );
            None
        }
        (_, _, None) if table.raw(rec, QUANTITY_HIGH).is_empty() => {
            let message = "quantity_low is given without quantity_high".to_string();
            out.push(
                table
                    .cell_error(rec, QUANTITY_HIGH, "quantity_high", message)
                    .with_help(help),
            );
            None
        }
        // A cell that did not read as a number is already reported.
        _ => None,
    }
}

/// Reads the `place` cell: a district code, or a place the toolkit names.
fn place_cell(
    table: &Layout,
    rec: &ByteRecord,
    toolkit: &Toolkit,
    out: &mut Collector,
) -> Option<String> {
    let text = table.text(rec, PLACE);
    if text.is_empty() {
        return None;
    }
    match toolkit.place_index.resolve(&text) {
        Ok(code) => Some(code),
        Err(help) => {
            out.push(
                table
                    .cell_error(
                        rec,
                        PLACE,
                        "place",
                        format!(
                            "place {} is not a district code or a place toolkit {} names",
                            quoted(&text),
                            toolkit.id
                        ),
                    )
                    .with_help(help),
            );
            None
        }
    }
}

/// Reads the `partnership` cell. With an agreed split, the row's attribution is set to 1 minus
/// the organisation's share (an attribution typed in the row that differs is an error, and the
/// split needs no reason); with none agreed, the row must give its own attribution and a reason.
fn partnership_cell(
    table: &Layout,
    rec: &ByteRecord,
    partners: &Partners,
    (adj, overridden): (&mut Adjustments, &mut Vec<&'static str>),
    has_reason: bool,
    out: &mut Collector,
) -> Option<String> {
    let id = table.text(rec, PARTNERSHIP).into_owned();
    if id.is_empty() {
        return None;
    }
    let Some(p) = partners.get(&id) else {
        // Spelling suggestions only among a real project's few partnerships.
        let near = (partners.list.len() <= 1_000)
            .then(|| nearest(&id, partners.list.iter().map(|p| p.id.as_str())))
            .flatten();
        let help = match near {
            Some(n) => format!("did you mean \"{n}\"?"),
            None => "declare it in project.toml: [[partnership]] with its id and members".into(),
        };
        out.push(
            table
                .cell_error(
                    rec,
                    PARTNERSHIP,
                    "partnership",
                    format!(
                        "partnership {} is not declared in project.toml",
                        quoted(&id)
                    ),
                )
                .with_help(help),
        );
        return None;
    };
    let typed = !table.raw(rec, ATTRIBUTION).is_empty();
    match p.share_of(partners.organisation) {
        Some(share) => {
            let split = Decimal::ONE - share;
            if typed && adj.attribution != split {
                out.push(
                    table
                        .cell_error(
                            rec,
                            ATTRIBUTION,
                            "attribution",
                            format!(
                                "attribution {} differs from the {} that partnership {id}'s agreed split gives (your share is {})",
                                adj.attribution.normalize(),
                                split.normalize(),
                                crate::num::percent(share)
                            ),
                        )
                        .with_help("leave attribution empty on a shared outcome: the agreed split sets it"),
                );
            }
            adj.attribution = split;
            overridden.retain(|n| *n != "attribution");
        }
        None if !typed => {
            out.push(
                table
                    .cell_error(
                        rec,
                        ATTRIBUTION,
                        "attribution",
                        format!("partnership {id} has no agreed split, so this row must give its own attribution and a reason"),
                    )
                    .with_help("attribution is the part of the outcome due to the partners (0.6 claims 40%); say in the reason how you judged it, or agree shares in project.toml"),
            );
        }
        // A changed attribution without a reason is reported by the row's own check.
        None if !has_reason && !overridden.contains(&"attribution") => {
            out.push(
                table
                    .cell_error(
                        rec,
                        REASON,
                        "reason",
                        format!("partnership {id} has no agreed split, so this row's attribution needs a reason"),
                    )
                    .with_help("say how you judged the share due to the partners, or agree shares in project.toml"),
            );
        }
        None => {}
    }
    Some(id)
}
