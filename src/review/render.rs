//! A review as text for the terminal, JSON for scripts, and HTML and Markdown files; every
//! string from the submission is escaped for where it is shown.

use super::{Rating, Review};
use crate::report::render::{escape_html as esc, escape_markdown};
use serde_json::json;
use std::fmt::Write;

fn mark(r: Rating) -> &'static str {
    match r {
        Rating::Green => "GREEN",
        Rating::Amber => "AMBER",
        Rating::Red => "RED",
    }
}

/// Submission text on a terminal: control characters (which could rewrite the screen) removed.
fn plain(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// What the return claims, as (label, shown) pairs, in the order every format shows them:
/// value, investment, ratio, period, toolkit. Shown before any finding.
pub fn claimed(r: &Review) -> Vec<(&'static str, String)> {
    let m = |s: &str| {
        crate::num::parse_decimal(s).map_or_else(|_| s.to_string(), crate::num::money_gbp)
    };
    let mut out = Vec::new();
    if let Some(c) = &r.claimed {
        out.push(("Social value claimed", m(&c.present_value)));
        out.push(("Investment", m(&c.investment)));
        out.push((
            "SROI ratio",
            c.sroi_ratio
                .as_deref()
                .map_or("n/a".into(), |x| format!("{x} : 1")),
        ));
    }
    if let Some(p) = &r.period {
        out.push(("Period", p.clone()));
    }
    if let Some(t) = &r.toolkit {
        out.push(("Toolkit", t.clone()));
    }
    out
}

pub fn text(r: &Review) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Review of {}", r.file.display());
    if let Some(o) = &r.organisation {
        let _ = writeln!(out, "{}", plain(o));
    }
    for (label, shown) in claimed(r) {
        let _ = writeln!(out, "  {label:<21} {}", plain(&shown));
    }
    let _ = writeln!(out, "\nOverall: {}\n", mark(r.overall()));
    for c in &r.checks {
        let _ = writeln!(out, "{:<6} {}", mark(c.rating()), c.name);
        for f in &c.findings {
            let _ = writeln!(out, "  [{}] {}", f.rating.as_str(), plain(&f.what));
            if f.rating != Rating::Green {
                let _ = writeln!(out, "        why: {}", f.why);
                let _ = writeln!(out, "        what to do: {}", f.action);
            }
        }
    }
    out
}

pub fn json(r: &Review) -> String {
    let v = json!({
        "format": "social-value-review",
        "format_version": 2,
        "file": r.file.display().to_string(),
        "organisation": r.organisation,
        "period": r.period,
        "toolkit": r.toolkit,
        "claimed": r.claimed.as_ref().map(|c| json!({
            "present_value": c.present_value,
            "investment": c.investment,
            "sroi_ratio": c.sroi_ratio,
        })),
        "overall": r.overall().as_str(),
        "checks": r.checks.iter().map(|c| json!({
            "name": c.name,
            "rating": c.rating().as_str(),
            "findings": c.findings.iter().map(|f| json!({"code": f.code, "rating": f.rating.as_str(), "what": f.what, "why": f.why, "action": f.action})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

const COLOURS: [(&str, &str); 3] = [
    ("green", "#d7ecd9"),
    ("amber", "#fbe3b4"),
    ("red", "#f5c6c2"),
];

fn colour(r: Rating) -> &'static str {
    COLOURS
        .iter()
        .find(|(n, _)| *n == r.as_str())
        .map_or("#fff", |(_, c)| c)
}

pub fn html(r: &Review) -> String {
    let mut out = String::new();
    let title = r
        .organisation
        .as_deref()
        .map_or("Submission review".to_string(), |o| format!("Review: {o}"));
    let _ = write!(out, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{}</title><style>body{{font-family:sans-serif;max-width:960px;margin:24px auto;padding:0 16px;color:#1e1e1e}}td,th{{border-bottom:1px solid #ddd;padding:6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}}table{{border-collapse:collapse;width:100%}}.r{{font-weight:bold;padding:2px 8px;border-radius:3px}}</style></head><body>\n", esc(&title));
    let _ = writeln!(out, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        out,
        "<p>{}</p>\n<table class=\"claimed\">",
        esc(&r.file.display().to_string())
    );
    for (label, shown) in claimed(r) {
        let _ = writeln!(out, "<tr><th>{label}</th><td>{}</td></tr>", esc(&shown));
    }
    let _ = writeln!(out, "</table>");
    let o = r.overall();
    let _ = writeln!(
        out,
        "<p>Overall: <span class=\"r\" style=\"background:{}\">{}</span></p>",
        colour(o),
        mark(o)
    );
    for c in &r.checks {
        let _ = writeln!(out, "<h2>{} <span class=\"r\" style=\"background:{}\">{}</span></h2>\n<table><tr><th>Rating</th><th>Found</th><th>Why it matters</th><th>What to do</th></tr>", esc(c.name), colour(c.rating()), mark(c.rating()));
        for f in &c.findings {
            let _ = writeln!(
                out,
                "<tr><td style=\"background:{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                colour(f.rating),
                mark(f.rating),
                esc(&f.what),
                esc(&f.why),
                esc(&f.action)
            );
        }
        let _ = writeln!(out, "</table>");
    }
    out.push_str("</body></html>\n");
    out
}

pub fn markdown(r: &Review) -> String {
    let mut out = String::new();
    let title = r
        .organisation
        .as_deref()
        .map_or("Submission review".to_string(), |o| format!("Review: {o}"));
    let _ = writeln!(
        out,
        "# {}\n\n| What is claimed | |\n| --- | --- |",
        escape_markdown(&title)
    );
    for (label, shown) in claimed(r) {
        let _ = writeln!(out, "| {label} | {} |", escape_markdown(&shown));
    }
    let _ = writeln!(out, "\nOverall: **{}**\n", mark(r.overall()));
    for c in &r.checks {
        let _ = writeln!(out, "## {} ({})\n\n| Rating | Found | Why it matters | What to do |\n| --- | --- | --- | --- |", c.name, mark(c.rating()));
        for f in &c.findings {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                mark(f.rating),
                escape_markdown(&f.what),
                escape_markdown(&f.why),
                escape_markdown(&f.action)
            );
        }
        out.push('\n');
    }
    out
}
