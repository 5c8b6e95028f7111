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

fn pennies(v: &Value) -> i64 {
    v.as_str()
        .and_then(|t| parse_decimal(t).ok())
        .and_then(|d| d.checked_mul(rust_decimal::Decimal::ONE_HUNDRED))
        .and_then(|d| d.round().try_into().ok())
        .unwrap_or(0)
}

/// A pooled indicator in a sentence (network text and pages alike).
fn pooled_sentence(x: &Value) -> String {
    let change = match x["mean_change"].as_str() {
        Some(m) => format!(
            "mean change {m} on its {} to {} scale ({} is better)",
            st(&x["scale_min"]),
            st(&x["scale_max"]),
            if x["higher_is_better"] == true {
                "higher"
            } else {
                "lower"
            }
        ),
        None => "no one measured before and after".into(),
    };
    format!(
        "{}: {} organisations, {} people measured before and after of {} who answered; {change}; {} improved, {} the same, {} worse",
        st(&x["name"]),
        x["organisations"],
        x["pairs"],
        x["people"],
        x["improved"],
        x["same"],
        x["worse"]
    )
}

fn percent_text(v: &Value) -> String {
    parse_decimal(&st(v)).map_or_else(|_| st(v), crate::num::percent)
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
    if pennies(&j["double_counting_removed"]) != 0 {
        head.sentences.push(format!(
            "Members claimed {} in all; {} of it is the same shared outcomes claimed more than once, counted here only once (see \"Shared outcomes\").",
            pounds(&j["present_value_claimed"]),
            pounds(&j["double_counting_removed"])
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
    out.extend(shared_section(j));
    out.extend(place_section(j));
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
        told.sentences.extend(ind.iter().map(pooled_sentence));
        out.push(told);
    }
    out.push(members_section(j));
    if let Some(r) = j["ranked"].as_array() {
        let mut ranked = section("Members ranked by SROI ratio");
        ranked.sentences.push("Shown because it was asked for (--rank). Ratios from different kinds of work are not a race: read each with the member's size and themes above.".into());
        ranked.header = ["Rank", "Organisation", "Name", "Ratio", "Present value"]
            .map(String::from)
            .to_vec();
        ranked.rows = r
            .iter()
            .map(|x| {
                vec![
                    st(&x["rank"]),
                    st(&x["id"]),
                    st(&x["name"]),
                    st(&x["sroi_ratio"]),
                    pounds(&x["present_value"]),
                ]
            })
            .collect();
        out.push(ranked);
    }
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

/// Each member by its position in the network's ratios (a quarter), with its size, place and
/// main themes: not a league table.
fn members_section(j: &Value) -> Section {
    let mut members = section("Members");
    members.sentences.push("Each member's SROI ratio is shown by the quarter of the network's ratios it falls in, beside its size, place and main themes, because ratios from different kinds of work are not a race. The figures themselves are in network.json and tables/members.csv.".into());
    let change = j["previous"].is_object();
    members.header = [
        "Organisation",
        "Name",
        "Place",
        "Investment",
        "Volunteer hours",
        "Main themes",
        "Ratio position",
        "Over-claims",
    ]
    .map(String::from)
    .to_vec();
    if change {
        members.header.push("Change since last year".into());
    }
    for m in j["per_member"].as_array().into_iter().flatten() {
        let themes = m["themes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| format!("{} {}%", st(&t["theme"]), st(&t["share"])))
            .collect::<Vec<_>>()
            .join(", ");
        let mut row = vec![
            st(&m["id"]),
            st(&m["name"]),
            m["place"].as_str().unwrap_or("").to_string(),
            pounds(&m["investment"]),
            count(&m["volunteer_hours"]),
            themes,
            m["ratio_quartile"].as_u64().map_or("n/a".into(), |q| {
                super::places::quarter_words(q).to_string()
            }),
            m["over_claims"]
                .as_array()
                .into_iter()
                .flatten()
                .map(st)
                .collect::<Vec<_>>()
                .join("; "),
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
    members
}

/// Shared outcomes: every claim on one partnership's outcome, and how it was counted.
fn shared_section(j: &Value) -> Option<Section> {
    let shared = j["shared_outcomes"].as_array().filter(|s| !s.is_empty())?;
    let mut s = section("Shared outcomes");
    s.sentences.push("Outcomes members achieved together, as each claims its share. Where a member claims more than its agreed share, it is counted at that share; where no split is agreed and the shares add up to more than the whole outcome, the outcome is counted once, at the largest single claim. Harms always count in full.".into());
    for x in shared.iter().filter(|x| x["over_claimed"] == true) {
        s.sentences.push(format!(
            "Over-claimed: the members' shares of {} (partnership {}) add up to {}, {} in all; counted once: {} ({}).",
            st(&x["proxy"]),
            st(&x["partnership"]),
            percent_text(&x["claimed_share_total"]),
            pounds(&x["present_value_claimed"]),
            pounds(&x["present_value_counted"]),
            st(&x["counted_as"])
        ));
        if x["declarations_differ"] == true {
            s.sentences.push(format!(
                "The members of {} declare different splits, so no split is trusted.",
                st(&x["partnership"])
            ));
        }
    }
    let mut reused: Vec<String> = shared
        .iter()
        .filter(|x| x["declared_with_other_members"] == true)
        .map(|x| st(&x["partnership"]))
        .collect();
    reused.dedup();
    if !reused.is_empty() {
        s.sentences.push(format!(
            "Declared with different member lists, and so counted as separate partnerships: {}. Partners should declare the same members, or use distinct ids.",
            reused.join(", ")
        ));
    }
    s.header = [
        "Partnership",
        "Outcome",
        "Member",
        "Share claimed",
        "Agreed share",
        "Value claimed",
        "Value counted",
        "Over-claimed",
    ]
    .map(String::from)
    .to_vec();
    for x in shared {
        for c in x["claims"].as_array().into_iter().flatten() {
            s.rows.push(vec![
                st(&x["partnership"]),
                st(&x["proxy"]),
                st(&c["member"]),
                percent_text(&c["share"]),
                c["agreed_share"]
                    .as_str()
                    .map_or(String::new(), |a| percent_text(&Value::from(a))),
                pounds(&c["present_value"]),
                pounds(&c["counted"]),
                if c["over_claimed"] == true {
                    "yes"
                } else {
                    "no"
                }
                .into(),
            ]);
        }
    }
    Some(s)
}

/// Value, hours, investment, reach and members by place, so a region sees where value arises
/// and where the network is thin.
fn place_section(j: &Value) -> Option<Section> {
    let places = j["by_place"].as_array().filter(|p| !p.is_empty())?;
    let mut s = section("Value by place");
    s.chart = Some("value-by-place".into());
    s.sentences.push("Where the network's value arises and whom it reaches, by local authority district. Volunteer hours, investment and people supported sit in each member's own place; an outcome can be placed elsewhere. Deprivation deciles are as members supplied them (1 is the most deprived tenth of areas). This is equity across places, never a ranking of people.".into());
    let thin: Vec<String> = places
        .iter()
        .filter(|p| !p["place"].is_null() && p["members_based_here"].as_u64().unwrap_or(0) <= 1)
        .map(|p| st(&p["place"]))
        .collect();
    if !thin.is_empty() && places.len() > 1 {
        s.sentences.push(format!(
            "Thin: at most one member is based in {}.",
            thin.join(", ")
        ));
    }
    s.header = [
        "Place",
        "Name",
        "Social value",
        "Volunteer hours",
        "Investment",
        "People supported",
        "Value per person",
        "Members based here",
        "Deprivation deciles",
    ]
    .map(String::from)
    .to_vec();
    for p in places {
        s.rows.push(vec![
            p["place"].as_str().unwrap_or("not given").to_string(),
            p["name"].as_str().unwrap_or("").to_string(),
            pounds(&p["present_value"]),
            count(&p["volunteer_hours"]),
            pounds(&p["investment"]),
            count(&p["people"]),
            if p["value_per_person"].is_null() {
                String::new()
            } else {
                pounds(&p["value_per_person"])
            },
            st(&p["members_based_here"]),
            p["deprivation_deciles"]
                .as_array()
                .into_iter()
                .flatten()
                .map(st)
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    Some(s)
}

/// The same document as plain text for a terminal: titles, sentences and aligned columns.
pub fn plain(sections: &[Section]) -> String {
    let mut o = String::new();
    for (k, s) in sections.iter().enumerate() {
        if k > 0 {
            o.push('\n');
        }
        let _ = writeln!(o, "{}", s.title);
        for p in &s.sentences {
            let _ = writeln!(o, "  {p}");
        }
        if s.rows.is_empty() {
            continue;
        }
        let width = |c: &String| c.chars().count();
        let mut widths: Vec<usize> = s.header.iter().map(width).collect();
        for r in &s.rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(width(c));
            }
        }
        for r in std::iter::once(&s.header).chain(&s.rows) {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - width(c))))
                .collect();
            let _ = writeln!(o, "  {}", cells.join("  ").trim_end());
        }
    }
    o
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
