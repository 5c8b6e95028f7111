//! Writing a report folder: everything is made in memory, written to a temporary folder beside
//! the target, then swapped in, so a failure never leaves half a report behind.

use super::chart;
use super::page::{build, Page, Table};
use super::render::{self, Templates};
use super::spreadsheet_safe;
use crate::diag::{Diagnostic, Problems};
use crate::sensitivity::Sensitivity;
use crate::toolkit::Toolkit;
use crate::value::Valuation;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub html: bool,
    pub markdown: bool,
    pub csv: bool,
    pub json: bool,
}

impl Formats {
    pub const ALL: Formats = Formats {
        html: true,
        markdown: true,
        csv: true,
        json: true,
    };
}

/// The folder a report goes in by default: `reports/out/<organisation id>-<period>`, with the
/// id made safe as a file name (no separators, no leading dot, nothing reserved).
pub fn default_dir(v: &Valuation) -> PathBuf {
    let id: String = v
        .organisation
        .id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let id = id.trim_matches('-');
    let id = if id.is_empty() { "organisation" } else { id };
    let (s, e) = (v.period.start.year, v.period.end.year);
    let period = if s == e {
        s.to_string()
    } else {
        format!("{s}-{:02}", e.rem_euclid(100))
    };
    Path::new("reports")
        .join("out")
        .join(format!("{id}-{period}"))
}

fn table_csv(t: &Table) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(t.header.iter().map(|h| spreadsheet_safe(h).into_owned()));
    for row in &t.rows {
        let _ = w.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

/// A file every report folder holds, so that a later report may replace the folder: any other
/// existing folder is refused rather than overwritten.
pub const MARKER: &str = ".social-value-report";

const OWNED: crate::write::Owned = crate::write::Owned {
    marker: MARKER,
    what: "report",
    // What a report folder held before its marker listed its files.
    legacy: &[
        "report.html",
        "report.md",
        "result.json",
        "sensitivity.json",
        "tables/",
        "tables/*.csv",
        "charts/",
        "charts/*.svg",
        "charts/*.png",
    ],
};

fn write_problem(path: &Path, e: &std::io::Error) -> Problems {
    Diagnostic::error(format!("cannot write {}: {e}", path.display()))
        .in_file(path)
        .into()
}

/// What was written, relative to the report folder, and what was put right of an earlier run
/// stopped part-way (for the command to say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub notes: Vec<Diagnostic>,
}

/// Writes the report for `v` into `dir` (replacing any report there).
pub fn write(
    dir: &Path,
    v: &Valuation,
    toolkit: &Toolkit,
    sens: Option<&Sensitivity>,
    formats: Formats,
    templates: &Templates,
) -> Result<Written, Problems> {
    let page: Page = build(v, toolkit, sens)?;
    let mut svgs = BTreeMap::new();
    for c in &page.charts {
        svgs.insert(
            c.name.clone(),
            chart::svg(c).map_err(|e| Problems::one(Diagnostic::error(e)))?,
        );
    }
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if formats.html {
        files.push((
            "report.html".into(),
            render::html(&page, templates, &svgs)?.into_bytes(),
        ));
    }
    if formats.markdown {
        files.push((
            "report.md".into(),
            render::markdown(&page, templates, &svgs)?.into_bytes(),
        ));
    }
    if formats.csv {
        for t in &page.tables {
            files.push((
                Path::new("tables").join(format!("{}.csv", t.name)),
                table_csv(t),
            ));
        }
        files.push((
            Path::new("tables").join("lines.csv"),
            super::table::render(v).into_bytes(),
        ));
    }
    if formats.json {
        files.push(("result.json".into(), super::json::render(v).into_bytes()));
        if let Some(s) = sens {
            files.push((
                "sensitivity.json".into(),
                super::uncertainty::json(s).into_bytes(),
            ));
        }
    }
    for (name, svg) in &svgs {
        files.push((
            Path::new("charts").join(format!("{name}.svg")),
            svg.clone().into_bytes(),
        ));
    }

    let notes = crate::write::replace_folder(dir, OWNED, |tmp| {
        for sub in ["charts", "tables"] {
            std::fs::create_dir_all(tmp.join(sub)).map_err(|e| write_problem(tmp, &e))?;
        }
        for (name, bytes) in &files {
            let p = tmp.join(name);
            std::fs::write(&p, bytes).map_err(|e| write_problem(&p, &e))?;
        }
        for c in &page.charts {
            chart::png(c, &tmp.join("charts").join(format!("{}.png", c.name)))
                .map_err(|e| Problems::one(Diagnostic::error(e)))?;
        }
        Ok(())
    })?;
    let mut names: Vec<PathBuf> = files.into_iter().map(|(n, _)| n).collect();
    names.extend(
        page.charts
            .iter()
            .map(|c| Path::new("charts").join(format!("{}.png", c.name))),
    );
    names.sort();
    Ok(Written {
        dir: dir.to_path_buf(),
        files: names,
        notes,
    })
}
