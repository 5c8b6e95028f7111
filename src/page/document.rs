//! A page of sections (sentences, a table, a chart) for the review and the network summary,
//! written as HTML and Markdown through the shared templates, and as plain text for a terminal.

use super::{render, STYLE};
use crate::diag::Problems;
use minijinja::Value;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

const HTML: &str = include_str!("../../reports/default/document.html");
const MARKDOWN: &str = include_str!("../../reports/default/document.md");

/// A whole page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The page's title (the first heading).
    pub title: String,
    /// Lines under the title (a file name, a period).
    pub subtitle: Vec<String>,
    /// Sentences that open the page, before any section.
    pub lead: Vec<String>,
    /// Label and value pairs shown first, as a small table (what a return claims).
    pub facts: Vec<(String, String)>,
    /// An overall rating shown under the facts: "green", "amber" or "red".
    pub rating: Option<String>,
    pub sections: Vec<Section>,
}

/// One part of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub title: String,
    /// A rating shown beside the title: "green", "amber" or "red".
    pub rating: Option<String>,
    pub sentences: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Whether each row's first cell is a rating word, coloured on the page.
    pub rated_rows: bool,
    /// Columns of figures (from 0), set right-aligned on a page.
    pub numeric: Vec<usize>,
    /// A chart (by file name, without extension) shown in the section.
    pub chart: Option<String>,
}

impl Section {
    pub fn new(title: impl Into<String>) -> Section {
        Section {
            title: title.into(),
            rating: None,
            sentences: Vec::new(),
            header: Vec::new(),
            rows: Vec::new(),
            rated_rows: false,
            numeric: Vec::new(),
            chart: None,
        }
    }
}

fn source(name: &str, text: &str) -> (String, PathBuf) {
    (
        text.to_string(),
        PathBuf::from(format!("<built-in {name}>")),
    )
}

/// A page with a title and no sections yet.
impl Document {
    pub fn new(title: impl Into<String>) -> Document {
        Document {
            title: title.into(),
            subtitle: Vec::new(),
            lead: Vec::new(),
            facts: Vec::new(),
            rating: None,
            sections: Vec::new(),
        }
    }
}

/// One self-contained HTML page; `svgs` is the program's own chart markup, by chart name.
pub fn html(d: &Document, svgs: &BTreeMap<String, String>) -> Result<String, Problems> {
    // The charts and the style are the program's own markup, put in as written.
    let charts: BTreeMap<&str, Value> = svgs
        .iter()
        .map(|(k, v)| (k.as_str(), Value::from_safe_string(v.clone())))
        .collect();
    let ctx = minijinja::context! {
        doc => Value::from_serialize(d),
        charts => charts,
        style => Value::from_safe_string(STYLE.to_string()),
    };
    render("document.html", &source("document.html", HTML), ctx)
}

/// The same page in Markdown, charts linked as `charts/<name>.svg` where they exist.
pub fn markdown(d: &Document, charts: &[String]) -> Result<String, Problems> {
    let charts: BTreeMap<&str, bool> = charts.iter().map(|k| (k.as_str(), true)).collect();
    let ctx = minijinja::context! { doc => Value::from_serialize(d), charts => charts };
    render("document.md", &source("document.md", MARKDOWN), ctx)
}

/// The same page as plain text for a terminal: titles, sentences and aligned columns.
pub fn plain(d: &Document) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", d.title);
    for line in &d.subtitle {
        let _ = writeln!(o, "{line}");
    }
    for p in &d.lead {
        let _ = writeln!(o, "  {p}");
    }
    let width = d
        .facts
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    for (label, value) in &d.facts {
        let pad = " ".repeat(width - label.chars().count());
        let _ = writeln!(o, "  {label}{pad}  {value}");
    }
    if let Some(r) = &d.rating {
        let _ = writeln!(o, "\nOverall: {}", r.to_uppercase());
    }
    for s in &d.sections {
        o.push('\n');
        match &s.rating {
            Some(r) => {
                let _ = writeln!(o, "{:<6} {}", r.to_uppercase(), s.title);
            }
            None => {
                let _ = writeln!(o, "{}", s.title);
            }
        }
        for p in &s.sentences {
            let _ = writeln!(o, "  {p}");
        }
        table_text(&mut o, &s.header, &s.rows);
    }
    o
}

/// Rows under their header, each column as wide as its widest cell.
fn table_text(o: &mut String, header: &[String], rows: &[Vec<String>]) {
    if rows.is_empty() {
        return;
    }
    let width = |c: &String| c.chars().count();
    let mut widths: Vec<usize> = header.iter().map(width).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(c));
        }
    }
    for r in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - width(c))))
            .collect();
        let _ = writeln!(o, "  {}", cells.join("  ").trim_end());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        let mut s = Section::new("Checks <1>");
        s.rating = Some("amber".into());
        s.sentences.push("A & B".into());
        s.header = vec!["Rating".into(), "Found".into()];
        s.rows = vec![vec!["amber".into(), "<script>x</script> | y".into()]];
        s.rated_rows = true;
        Document {
            title: "Review: <Org>".into(),
            subtitle: vec!["file.toml".into()],
            lead: Vec::new(),
            facts: vec![("Ratio".into(), "1.31 : 1".into())],
            rating: Some("amber".into()),
            sections: vec![s],
        }
    }

    #[test]
    fn every_string_is_escaped_for_where_it_is_shown() {
        let h = html(&doc(), &BTreeMap::new()).unwrap();
        assert!(h.contains("<h1>Review: &lt;Org&gt;</h1>"), "{h}");
        assert!(h.contains("&lt;script&gt;x&lt;&#x2f;script&gt;"), "{h}");
        assert!(!h.contains("<script>"));
        assert!(h.contains("<td class=\"rating amber\">AMBER</td>"), "{h}");
        let m = markdown(&doc(), &[]).unwrap();
        assert!(m.starts_with("# Review: &lt;Org&gt;\n"), "{m}");
        assert!(m.contains("&lt;script&gt;x&lt;/script&gt; \\| y"), "{m}");
    }

    #[test]
    fn plain_text_aligns_columns() {
        let t = plain(&doc());
        assert!(t.contains("  Ratio  1.31 : 1\n"), "{t}");
        assert!(t.contains("AMBER  Checks <1>\n"), "{t}");
        assert!(
            t.contains("  Rating  Found\n  amber   <script>x</script> | y\n"),
            "{t}"
        );
    }
}
