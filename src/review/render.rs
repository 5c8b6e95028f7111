//! A review as text for the terminal, JSON for scripts, and HTML and Markdown files; every
//! string from the submission is escaped for where it is shown.

use super::{Rating, Review};
// Submission text on a terminal: one name or value, with every control character (which could
// rewrite the screen) and line break escaped visibly.
use crate::diag::terminal_name as plain;
use crate::diag::Problems;
use crate::page::document::{self as page, Document, Section};
use serde_json::json;
use std::fmt::Write;

fn mark(r: Rating) -> &'static str {
    match r {
        Rating::Green => "GREEN",
        Rating::Amber => "AMBER",
        Rating::Red => "RED",
    }
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
    let _ = writeln!(out, "Review of {}", crate::diag::terminal_path(&r.file));
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

/// The review as a page: what is claimed first, then each check and its findings.
pub fn document(r: &Review) -> Document {
    let title = r
        .organisation
        .as_deref()
        .map_or("Submission review".to_string(), |o| format!("Review: {o}"));
    let sections = r
        .checks
        .iter()
        .map(|c| {
            let mut s = Section::new(c.name);
            s.rating = Some(c.rating().as_str().into());
            s.header = ["Rating", "Found", "Why it matters", "What to do"]
                .map(String::from)
                .to_vec();
            s.rows = c
                .findings
                .iter()
                .map(|f| {
                    vec![
                        f.rating.as_str().into(),
                        f.what.clone(),
                        f.why.clone(),
                        f.action.clone(),
                    ]
                })
                .collect();
            s.rated_rows = true;
            s
        })
        .collect();
    Document {
        title,
        subtitle: vec![r.file.display().to_string()],
        lead: Vec::new(),
        facts: claimed(r)
            .into_iter()
            .map(|(l, v)| (l.to_string(), v))
            .collect(),
        rating: Some(r.overall().as_str().into()),
        sections,
    }
}

/// The review page as HTML, through the shared page templates.
pub fn html(r: &Review) -> Result<String, Problems> {
    page::html(&document(r), &std::collections::BTreeMap::new())
}

/// The review page as Markdown.
pub fn markdown(r: &Review) -> Result<String, Problems> {
    page::markdown(&document(r), &[])
}
