//! Writing the network summary's folder: the JSON, the HTML and Markdown pages, the tables as
//! CSV and the charts, all from one set of figures, swapped in whole or not at all.

use super::figures::Figures;
use super::json::{self, hours_text, ratio_text};
use super::{inbox, page};
use crate::diag::{Diagnostic, Problems};
use crate::num::{fixed, money};
use crate::report::chart::{self, Bar, Chart, Unit};
use crate::report::spreadsheet_safe;
use crate::write::Owned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file every network summary folder holds, so a later summary may replace it.
pub const MARKER: &str = ".social-value-network";

const OWNED: Owned = Owned {
    marker: MARKER,
    what: "network summary",
    // What a summary folder held before its marker listed its files.
    legacy: &[
        "network.json",
        "network.md",
        "network.html",
        "tables/",
        "tables/*.csv",
        "charts/",
        "charts/*.svg",
        "charts/*.png",
    ],
};

/// A CSV table, every cell made safe for a spreadsheet.
fn csv_table(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut t = csv::Writer::from_writer(Vec::new());
    let _ = t.write_record(header);
    for r in rows {
        let _ = t.write_record(r.iter().map(|c| spreadsheet_safe(c).into_owned()));
    }
    t.into_inner().unwrap_or_default()
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map_or(String::new(), |v| v.to_string())
}

/// The members' figures as they claimed them, one row each.
fn members_csv(f: &Figures) -> Vec<u8> {
    let header = [
        "id",
        "name",
        "present_value",
        "investment",
        "sroi_ratio",
        "volunteer_hours",
        "rebased_from",
        "file",
        "bronze",
        "silver",
        "gold",
        "gold_plus",
    ];
    let rows: Vec<Vec<String>> = f
        .summary
        .members
        .iter()
        .map(|m| {
            let grades = crate::report::evidence::mix_of(&m.by_grade_map())
                .into_iter()
                .map(|(_, x, _)| money(x));
            let mut row = vec![
                m.id.clone(),
                m.name.clone(),
                money(m.present_value),
                money(m.investment),
                opt(m.ratio().map(ratio_text)),
                hours_text(m.hours),
                opt(m.rebased.then(|| m.toolkit_version.clone())),
                inbox::shown(&m.file),
            ];
            row.extend(grades);
            row
        })
        .collect();
    csv_table(&header, &rows)
}

/// Every entry not counted: quarantined returns, then entries skipped as not returns.
fn quarantine_csv(f: &Figures) -> Vec<u8> {
    let rows: Vec<Vec<String>> = f
        .summary
        .quarantined
        .iter()
        .chain(&f.summary.skipped)
        .map(|q| vec![inbox::shown(&q.file), q.reason.clone(), q.action.clone()])
        .collect();
    csv_table(&["file", "reason", "action"], &rows)
}

/// One row per claim on a shared outcome: the outcome, the claim, how it was counted.
fn shared_csv(f: &Figures) -> Option<Vec<u8>> {
    let dec = |d: rust_decimal::Decimal| d.normalize().to_string();
    let rows: Vec<Vec<String>> = f
        .summary
        .shared
        .iter()
        .flat_map(|x| {
            x.claims.iter().map(move |c| {
                vec![
                    x.partnership.clone(),
                    x.proxy.clone(),
                    c.member.clone(),
                    c.name.clone(),
                    dec(c.share),
                    opt(c.agreed.map(dec)),
                    money(c.present_value),
                    money(c.counted),
                    c.over_claimed.to_string(),
                    x.counted_as.as_str().to_string(),
                ]
            })
        })
        .collect();
    let header = [
        "partnership",
        "proxy",
        "member",
        "name",
        "share",
        "agreed_share",
        "present_value",
        "counted",
        "over_claimed",
        "counted_as",
    ];
    (!rows.is_empty()).then(|| csv_table(&header, &rows))
}

fn places_csv(f: &Figures) -> Option<Vec<u8>> {
    let rows: Vec<Vec<String>> = f
        .places
        .iter()
        .map(|p| {
            vec![
                opt(p.place.clone()),
                opt(p.name.clone()),
                money(p.present_value),
                hours_text(p.hours),
                money(p.investment),
                p.people.to_string(),
                p.members_based_here.to_string(),
                p.members_with_value_here.to_string(),
                opt(p.value_per_person.map(money)),
                p.deprivation_deciles
                    .iter()
                    .map(u8::to_string)
                    .collect::<Vec<_>>()
                    .join(";"),
            ]
        })
        .collect();
    let header = [
        "place",
        "name",
        "present_value",
        "volunteer_hours",
        "investment",
        "people",
        "members_based_here",
        "members_with_value_here",
        "value_per_person",
        "deprivation_deciles",
    ];
    (!rows.is_empty()).then(|| csv_table(&header, &rows))
}

/// The charts: members' ratios (binned as the simulation's histogram is), and value by place
/// when members give places.
fn charts(f: &Figures) -> Vec<Chart> {
    let ratios: Vec<_> = f.summary.members.iter().filter_map(|m| m.ratio()).collect();
    let bars = crate::sensitivity::montecarlo::histogram(&ratios, 20)
        .into_iter()
        .map(|(from, _, n)| Bar::new(fixed(from, 1), rust_decimal::Decimal::from(n)))
        .collect();
    let mut out = vec![Chart {
        name: "member-ratios".into(),
        title: "Members' SROI ratios".into(),
        unit: Unit::Runs,
        horizontal: false,
        bars,
    }];
    if !f.places.is_empty() {
        let bars = f
            .places
            .iter()
            .map(|p| {
                let code = p.place.as_deref().unwrap_or("not given");
                let label = match &p.name {
                    Some(n) => format!("{n} ({code})"),
                    None => code.to_string(),
                };
                Bar::new(label, p.present_value)
            })
            .collect();
        out.push(Chart {
            name: "value-by-place".into(),
            title: "Social value by place".into(),
            unit: Unit::Money,
            horizontal: true,
            bars,
        });
    }
    out
}

/// Every file of the summary, by its path in the folder (PNG charts are drawn into the folder).
fn files(f: &Figures, charts: &[Chart]) -> Result<Vec<(PathBuf, Vec<u8>)>, Problems> {
    let mut svgs = BTreeMap::new();
    for c in charts {
        let svg = chart::svg(c).map_err(|e| Problems::one(Diagnostic::error(e)))?;
        svgs.insert(c.name.clone(), svg);
    }
    let doc = page::document(f);
    let names: Vec<String> = svgs.keys().cloned().collect();
    let tables = Path::new("tables");
    let mut out = vec![
        ("network.json".into(), json::to_json(f).into_bytes()),
        (
            "network.md".into(),
            crate::page::document::markdown(&doc, &names)?.into_bytes(),
        ),
        (
            "network.html".into(),
            crate::page::document::html(&doc, &svgs)?.into_bytes(),
        ),
        (tables.join("members.csv"), members_csv(f)),
        (tables.join("quarantine.csv"), quarantine_csv(f)),
    ];
    if let Some(t) = shared_csv(f) {
        out.push((tables.join("shared_outcomes.csv"), t));
    }
    if let Some(t) = places_csv(f) {
        out.push((tables.join("places.csv"), t));
    }
    for (name, svg) in svgs {
        out.push((
            Path::new("charts").join(format!("{name}.svg")),
            svg.into_bytes(),
        ));
    }
    Ok(out)
}

/// What a summary's folder holds, relative to it, and what was put right of an earlier run
/// stopped part-way (for the command to say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub files: Vec<PathBuf>,
    pub notes: Vec<Diagnostic>,
}

/// Writes the summary's folder at `dir` (replacing a summary written there before, when it
/// holds nothing else).
pub fn write(dir: &Path, f: &Figures) -> Result<Written, Problems> {
    let charts = charts(f);
    let files = files(f, &charts)?;
    let problem = |p: &Path, e: &std::io::Error| -> Problems {
        Diagnostic::error(format!("cannot write {}: {e}", p.display()))
            .in_file(p)
            .into()
    };
    let notes = crate::write::replace_folder(dir, OWNED, |tmp| {
        for sub in ["charts", "tables"] {
            std::fs::create_dir_all(tmp.join(sub)).map_err(|e| problem(tmp, &e))?;
        }
        for (name, bytes) in &files {
            let p = tmp.join(name);
            std::fs::write(&p, bytes).map_err(|e| problem(&p, &e))?;
        }
        for c in &charts {
            chart::png(c, &tmp.join("charts").join(format!("{}.png", c.name)))
                .map_err(|e| Problems::one(Diagnostic::error(e)))?;
        }
        Ok(())
    })?;
    let mut names: Vec<PathBuf> = files.into_iter().map(|(n, _)| n).collect();
    names.extend(
        charts
            .iter()
            .map(|c| Path::new("charts").join(format!("{}.png", c.name))),
    );
    names.sort();
    Ok(Written {
        files: names,
        notes,
    })
}
