//! The network summary as a document: sections of sentences and tables, made once from the
//! summary's JSON and written as HTML (escaped, self-contained) and Markdown (escaped).

use crate::num::{money_gbp, parse_decimal};
use crate::report::render::{escape_html as esc, escape_markdown};
use serde_json::Value;
use std::fmt::Write;

/// One part of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub sentences: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// A chart (by file name, without extension) shown in the section.
    pub chart: Option<String>,
}

fn st(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

fn pounds(v: &Value) -> String {
    v.as_str()
        .and_then(|t| parse_decimal(t).ok())
        .map_or_else(|| "n/a".into(), money_gbp)
}

fn count(v: &Value) -> String {
    parse_decimal(&st(v)).map_or_else(|_| st(v), crate::num::quantity)
}

fn section(title: &str) -> Section {
    Section {
        title: title.into(),
        sentences: Vec::new(),
        header: Vec::new(),
        rows: Vec::new(),
        chart: None,
    }
}

/// The document's sections.
pub fn sections(j: &Value) -> Vec<Section> {
    let mut out = Vec::new();
    let mut head = section(&format!("Network summary {}", st(&j["year"])));
    head.sentences.push(format!("{} of social value on {} invested: a ratio of {} : 1, across {} members with {} volunteers giving {} hours and {} people supported.", pounds(&j["present_value"]), pounds(&j["investment"]), st(&j["sroi_ratio"]), j["members"], count(&j["volunteers"]), count(&j["volunteer_hours"]), count(&j["people"])));
    head.sentences.push(format!("{} files were found: {} included and {} quarantined (listed at the end). Every submission was recomputed on {}.", j["files_found"], j["included"], j["quarantined"].as_array().map_or(0, Vec::len), st(&j["toolkit"])));
    for (from, n) in j["rebased_from"].as_object().into_iter().flatten() {
        head.sentences.push(format!(
            "{n} submissions were made with {from} and rebased."
        ));
    }
    if let Some(p) = j["previous"].as_object() {
        head.sentences.push(format!(
            "Last year ({}): {} from {} members; the change is {}.",
            st(&p["year"]),
            pounds(&p["present_value"]),
            p["members"],
            pounds(&p["change_in_present_value"])
        ));
    }
    out.push(head);
    for (key, title) in [
        (
            "by_beneficiary",
            "What the network saves and creates, by who gains",
        ),
        ("by_kind", "Value by kind"),
        ("by_theme", "Value by theme"),
    ] {
        let mut s = section(title);
        s.header = vec!["".into(), "Present value".into()];
        s.rows = j[key]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| vec![k.clone(), pounds(v)])
            .collect();
        out.push(s);
    }
    let mut dist = section("How members compare");
    dist.header = [
        "Measure",
        "Members",
        "5th",
        "Lower quartile",
        "Median",
        "Upper quartile",
        "95th",
    ]
    .map(String::from)
    .to_vec();
    for (key, label, money) in [
        ("ratio_distribution", "SROI ratio", false),
        (
            "value_per_hour_distribution",
            "Value per volunteer hour",
            true,
        ),
    ] {
        let d = &j[key];
        if d.is_object() {
            let f = |v: &Value| if money { pounds(v) } else { st(v) };
            dist.rows.push(vec![
                label.into(),
                d["count"].to_string(),
                f(&d["p5"]),
                f(&d["q1"]),
                f(&d["median"]),
                f(&d["q3"]),
                f(&d["p95"]),
            ]);
        }
    }
    if let Some(o) = j["outliers"].as_array().filter(|o| !o.is_empty()) {
        dist.sentences.push(format!(
            "To follow up, ratios beyond 1.5 × the interquartile range: {}.",
            o.iter().map(st).collect::<Vec<_>>().join(", ")
        ));
    }
    dist.chart = Some("member-ratios".into());
    out.push(dist);
    let mut words = section("In people's own words");
    if let Some(t) = j["top_tags"].as_array().filter(|t| !t.is_empty()) {
        words.sentences.push(format!(
            "Most frequent story tags: {}.",
            t.iter()
                .map(|x| format!("{} ({})", st(&x["tag"]), x["stories"]))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for q in j["quotes"].as_array().into_iter().flatten() {
        words.sentences.push(format!(
            "“{}” ({}, story {}, shared with consent)",
            st(&q["quote"]),
            st(&q["member"]),
            st(&q["story"])
        ));
    }
    out.push(words);
    if let Some(ind) = j["indicators"].as_array().filter(|i| !i.is_empty()) {
        let mut told = section("What people told us");
        told.sentences.push("Members' own before-and-after measures, pooled: each mean change is weighted by the people each member measured twice. Organisations' own (local) questions are not pooled.".into());
        told.sentences
            .extend(ind.iter().map(super::pooled_sentence));
        out.push(told);
    }
    let mut members = section("Members");
    let change = j["previous"].is_object();
    members.header = [
        "Organisation",
        "Name",
        "Present value",
        "Investment",
        "Ratio",
    ]
    .map(String::from)
    .to_vec();
    if change {
        members.header.push("Change since last year".into());
    }
    for m in j["per_member"].as_array().into_iter().flatten() {
        let mut row = vec![
            st(&m["id"]),
            st(&m["name"]),
            pounds(&m["present_value"]),
            pounds(&m["investment"]),
            st(&m["sroi_ratio"]),
        ];
        if change {
            row.push(
                m["change_in_present_value"]
                    .as_str()
                    .map_or("new".into(), |_| pounds(&m["change_in_present_value"])),
            );
        }
        members.rows.push(row);
    }
    out.push(members);
    let mut q = section("Quarantined files");
    q.header = vec!["File".into(), "Reason".into()];
    q.rows = j["quarantined"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| vec![st(&x["file"]), st(&x["reason"])])
        .collect();
    if q.rows.is_empty() {
        q.sentences
            .push("None: every file found was included.".into());
    }
    out.push(q);
    out
}

/// One self-contained HTML page; `svg` is the program's own chart markup, by chart name.
pub fn html(sections: &[Section], svg: &dyn Fn(&str) -> Option<String>) -> String {
    let mut o = String::from("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Network summary</title><style>body{font-family:sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#1e1e1e}h1,h2{color:#1f3a5f}table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;overflow-wrap:anywhere}th{background:#f3f5f8}p{overflow-wrap:anywhere}svg{max-width:100%;height:auto}@media print{section{break-before:page}tr{break-inside:avoid}}</style></head><body>\n");
    for (k, s) in sections.iter().enumerate() {
        let tag = if k == 0 { "h1" } else { "h2" };
        let _ = writeln!(o, "<section><{tag}>{}</{tag}>", esc(&s.title));
        for p in &s.sentences {
            let _ = writeln!(o, "<p>{}</p>", esc(p));
        }
        if let Some(svg) = s.chart.as_deref().and_then(svg) {
            let _ = writeln!(o, "<figure>{svg}</figure>");
        }
        if !s.rows.is_empty() {
            o.push_str("<table><tr>");
            for h in &s.header {
                let _ = write!(o, "<th>{}</th>", esc(h));
            }
            o.push_str("</tr>\n");
            for r in &s.rows {
                o.push_str("<tr>");
                for c in r {
                    let _ = write!(o, "<td>{}</td>", esc(c));
                }
                o.push_str("</tr>\n");
            }
            o.push_str("</table>\n");
        }
        o.push_str("</section>\n");
    }
    o.push_str("</body></html>\n");
    o
}

/// The same document in Markdown.
pub fn markdown(sections: &[Section]) -> String {
    let mut o = String::new();
    for (k, s) in sections.iter().enumerate() {
        let _ = writeln!(
            o,
            "{} {}\n",
            if k == 0 { "#" } else { "##" },
            escape_markdown(&s.title)
        );
        for p in &s.sentences {
            let _ = writeln!(o, "{}\n", escape_markdown(p));
        }
        if let Some(c) = &s.chart {
            let _ = writeln!(o, "![{}](charts/{c}.svg)\n", escape_markdown(&s.title));
        }
        if !s.rows.is_empty() {
            let _ = writeln!(
                o,
                "| {} |",
                s.header
                    .iter()
                    .map(|h| escape_markdown(h))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
            let _ = writeln!(o, "|{}", " --- |".repeat(s.header.len()));
            for r in &s.rows {
                let _ = writeln!(
                    o,
                    "| {} |",
                    r.iter()
                        .map(|c| escape_markdown(c))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
            }
            o.push('\n');
        }
    }
    o
}
