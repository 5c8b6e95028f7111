//! The network summary as a page: sections of sentences and tables made once from the typed
//! figures, written through the shared page layer (HTML, Markdown) or as plain text.

use super::figures::{Figures, PooledIndicator};
use super::json::{ratio_text, share_text};
use super::places::quarter_words;
use crate::num::{money_gbp, percent, quantity};
use crate::page::document::{Document, Section};
use rust_decimal::Decimal;

fn count(n: impl Into<Decimal>) -> String {
    quantity(n.into())
}

fn ratio_or_na(r: Option<Decimal>) -> String {
    r.map_or("n/a".into(), ratio_text)
}

/// A pooled indicator in a sentence.
fn pooled_sentence(x: &PooledIndicator) -> String {
    let change = match x.mean_change {
        Some(m) => format!(
            "mean change {} on its {} to {} scale ({} is better)",
            m.normalize(),
            x.scale_min,
            x.scale_max,
            if x.higher_is_better {
                "higher"
            } else {
                "lower"
            }
        ),
        None => "no one measured before and after".into(),
    };
    format!(
        "{}: {} organisations, {} people measured before and after of {} who answered; {change}; {} improved, {} the same, {} worse",
        x.name, x.organisations, x.pairs, x.people, x.improved, x.same, x.worse
    )
}

/// The whole page.
pub fn document(f: &Figures) -> Document {
    let mut d = Document::new(format!("Network summary {}", f.year));
    d.lead = lead(f);
    let breakdowns = [
        (
            &f.by_beneficiary,
            "What the network saves and creates, by who gains",
            "Who gains",
        ),
        (&f.by_kind, "Value by kind", "Kind"),
        (&f.by_theme, "Value by theme", "Theme"),
    ];
    for (map, title, what) in breakdowns {
        let mut s = Section::new(title);
        s.header = vec![what.into(), "Present value".into()];
        s.numeric = vec![1];
        s.rows = map
            .iter()
            .map(|(k, v)| vec![k.clone(), money_gbp(*v)])
            .collect();
        d.sections.push(s);
    }
    d.sections.push(grade_section(f));
    d.sections.extend(shared_section(f));
    d.sections.extend(place_section(f));
    d.sections.push(spread_section(f));
    d.sections.push(words_section(f));
    if !f.indicators.is_empty() {
        let mut told = Section::new("What people told us");
        told.sentences.push("Members' own before-and-after measures, pooled: each mean change is weighted by the people each member measured twice. Organisations' own (local) questions are not pooled.".into());
        told.sentences
            .extend(f.indicators.iter().map(pooled_sentence));
        d.sections.push(told);
    }
    d.sections.push(members_section(f));
    d.sections.extend(ranked_section(f));
    d.sections.push(quarantine_section(f));
    d
}

/// The opening sentences: the totals, what was read, and last year.
fn lead(f: &Figures) -> Vec<String> {
    let s = f.summary;
    let mut out = vec![
        format!("{} of social value on {} invested: a ratio of {} : 1, across {} members with {} volunteers giving {} hours and {} people supported.", money_gbp(f.present_value), money_gbp(f.investment), ratio_or_na(f.sroi_ratio), s.members.len(), count(f.volunteers), count(f.volunteer_hours), count(f.people)),
        format!(
            "{} found in the inbox: {} included, {} quarantined{} (listed at the end). Every return was recomputed on {}.",
            crate::num::plural(s.files_found as u64, "entry", "entries"),
            s.members.len(),
            s.quarantined.len(),
            if s.skipped.is_empty() { String::new() } else { format!(" and {} skipped as not returns", s.skipped.len()) },
            s.toolkit
        ),
    ];
    for (from, n) in &s.rebased_from {
        out.push(format!(
            "{n} submissions were made with {from} and rebased."
        ));
    }
    if !f.double_counting_removed.round_dp(2).is_zero() {
        out.push(format!(
            "Members claimed {} in all; {} of it is the same shared outcomes claimed more than once, counted here only once (see \"Shared outcomes\").",
            money_gbp(f.present_value_claimed),
            money_gbp(f.double_counting_removed)
        ));
    }
    if let Some(p) = &f.previous {
        out.push(format!(
            "Last year ({}): {} from {} members; the change is {}.",
            p.year,
            money_gbp(p.present_value),
            p.members,
            money_gbp(p.change_in_present_value)
        ));
    }
    out
}

/// The value resting on each grade of evidence across the network, as members claimed it.
fn grade_section(f: &Figures) -> Section {
    let mut s = Section::new("How strong is the evidence");
    s.sentences.push("The members' value by the grade of evidence behind each line's quantity (docs/evidence-grades.md): bronze for an estimate, silver for the organisation's own records or participants' answers, gold for another body's records, gold+ for a comparison group or an independent evaluation. As members claimed it; each member's mix is in the members table.".into());
    s.header = ["Grade", "Present value", "Share"]
        .map(String::from)
        .to_vec();
    s.numeric = vec![1, 2];
    s.rows = crate::report::evidence::mix_of(&f.by_grade)
        .into_iter()
        .map(|(g, x, share)| {
            vec![
                g.to_string(),
                money_gbp(x),
                share.map_or(String::new(), |p| format!("{p}%")),
            ]
        })
        .collect();
    s
}

/// The spread of members' ratios and values per hour, with the outliers to follow up.
fn spread_section(f: &Figures) -> Section {
    let mut dist = Section::new("How members compare");
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
    type Shown = fn(Decimal) -> String;
    let spreads: [(_, &str, Shown); 2] = [
        (&f.ratio_distribution, "SROI ratio", ratio_text),
        (
            &f.value_per_hour_distribution,
            "Value per volunteer hour",
            money_gbp,
        ),
    ];
    for (d, label, show) in spreads {
        if let Some(d) = d {
            dist.rows.push(vec![
                label.into(),
                d.count.to_string(),
                show(d.p5),
                show(d.q1),
                show(d.median),
                show(d.q3),
                show(d.p95),
            ]);
        }
    }
    if !f.outliers.is_empty() {
        dist.sentences.push(format!(
            "To follow up, ratios beyond 1.5 × the interquartile range: {}.",
            f.outliers.join(", ")
        ));
    }
    dist.numeric = (1..7).collect();
    dist.chart = Some("member-ratios".into());
    dist
}

fn words_section(f: &Figures) -> Section {
    let mut words = Section::new("In people's own words");
    if !f.top_tags.is_empty() {
        words.sentences.push(format!(
            "Most frequent story tags: {}.",
            f.top_tags
                .iter()
                .map(|(t, n)| format!("{t} ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for q in &f.quotes {
        words.sentences.push(format!(
            "“{}” ({}, story {}, shared with consent)",
            q.quote, q.member, q.story
        ));
    }
    words
}

fn ranked_section(f: &Figures) -> Option<Section> {
    let r = f.ranked.as_ref()?;
    let mut ranked = Section::new("Members ranked by SROI ratio");
    ranked.sentences.push("Shown because it was asked for (--rank). Ratios from different kinds of work are not a race: read each with the member's size and themes above.".into());
    ranked.header = ["Rank", "Organisation", "Name", "Ratio", "Present value"]
        .map(String::from)
        .to_vec();
    ranked.numeric = vec![0, 3, 4];
    ranked.rows = r
        .iter()
        .enumerate()
        .map(|(k, (m, ratio))| {
            vec![
                (k + 1).to_string(),
                m.id.clone(),
                m.name.clone(),
                ratio_text(*ratio),
                money_gbp(m.present_value),
            ]
        })
        .collect();
    Some(ranked)
}

/// Every entry that was not counted: returns quarantined, and entries skipped as not returns,
/// each with why and what to do.
fn quarantine_section(f: &Figures) -> Section {
    let mut q = Section::new("Not counted");
    q.header = vec!["File".into(), "Reason".into(), "What to do".into()];
    q.rows = f
        .summary
        .quarantined
        .iter()
        .chain(&f.summary.skipped)
        .map(|x| {
            vec![
                super::inbox::shown(&x.file),
                x.reason.clone(),
                x.action.clone(),
            ]
        })
        .collect();
    if q.rows.is_empty() {
        q.sentences
            .push("None: every entry found was included.".into());
    }
    q
}

/// Each member by its position in the network's ratios (a quarter), with its size, place and
/// main themes: not a league table.
fn members_section(f: &Figures) -> Section {
    let mut members = Section::new("Members");
    members.sentences.push("Each member's SROI ratio is shown by the quarter of the network's ratios it falls in, beside its size, place and main themes, because ratios from different kinds of work are not a race. The figures themselves are in network.json and tables/members.csv.".into());
    let change = f.previous.is_some();
    members.header = [
        "Organisation",
        "Name",
        "Place",
        "Investment",
        "Volunteer hours",
        "Main themes",
        "Ratio position",
        "Evidence",
        "Over-claims",
    ]
    .map(String::from)
    .to_vec();
    members.numeric = vec![3, 4];
    if change {
        members.header.push("Change since last year".into());
        members.numeric.push(9);
    }
    for r in &f.members {
        let m = r.member;
        let themes = r
            .themes()
            .iter()
            .map(|(t, share)| format!("{t} {}%", share_text(*share)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut row = vec![
            m.id.clone(),
            m.name.clone(),
            m.place.clone().unwrap_or_default(),
            money_gbp(m.investment),
            quantity(m.hours),
            themes,
            r.ratio_quartile
                .map_or("n/a".into(), |q| quarter_words(u64::from(q)).to_string()),
            crate::report::evidence::mix_text_of(&m.by_grade_map()),
            r.over_claims.join("; "),
        ];
        if change {
            row.push(r.change_in_present_value.map_or("new".into(), money_gbp));
        }
        members.rows.push(row);
    }
    members
}

/// Shared outcomes: every claim on one partnership's outcome, and how it was counted.
fn shared_section(f: &Figures) -> Option<Section> {
    let shared = &f.summary.shared;
    if shared.is_empty() {
        return None;
    }
    let mut s = Section::new("Shared outcomes");
    s.sentences.push("Outcomes members achieved together, as each claims its share. Where a member claims more than its agreed share, it is counted at that share; where no split is agreed and the shares add up to more than the whole outcome, the outcome is counted once, at the largest single claim. Harms always count in full.".into());
    for x in shared.iter().filter(|x| x.over_claimed) {
        s.sentences.push(format!(
            "Over-claimed: the members' shares of {} (partnership {}) add up to {}, {} in all; counted once: {} ({}).",
            x.proxy,
            x.partnership,
            percent(x.claimed_share.normalize()),
            money_gbp(x.present_value_claimed),
            money_gbp(x.present_value_counted),
            x.counted_as.as_str()
        ));
        if x.declarations_differ {
            s.sentences.push(format!(
                "The members of {} declare different splits, so no split is trusted.",
                x.partnership
            ));
        }
    }
    let mut reused: Vec<&str> = shared
        .iter()
        .filter(|x| x.declared_with_other_members)
        .map(|x| x.partnership.as_str())
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
    s.numeric = vec![3, 4, 5, 6];
    for x in shared {
        for c in &x.claims {
            s.rows.push(vec![
                x.partnership.clone(),
                x.proxy.clone(),
                c.member.clone(),
                percent(c.share.normalize()),
                c.agreed.map_or(String::new(), |a| percent(a.normalize())),
                money_gbp(c.present_value),
                money_gbp(c.counted),
                if c.over_claimed { "yes" } else { "no" }.into(),
            ]);
        }
    }
    Some(s)
}

/// Value, hours, investment, reach and members by place, so a region sees where value arises
/// and where the network is thin.
fn place_section(f: &Figures) -> Option<Section> {
    if f.places.is_empty() {
        return None;
    }
    let mut s = Section::new("Value by place");
    s.chart = Some("value-by-place".into());
    s.sentences.push("Where the network's value arises and whom it reaches, by local authority district. Volunteer hours, investment and people supported sit in each member's own place; an outcome can be placed elsewhere. Deprivation deciles are as members supplied them (1 is the most deprived tenth of areas). This is equity across places, never a ranking of people.".into());
    let thin: Vec<&str> = f
        .places
        .iter()
        .filter(|p| p.members_based_here <= 1)
        .filter_map(|p| p.place.as_deref())
        .collect();
    if !thin.is_empty() && f.places.len() > 1 {
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
    s.numeric = vec![2, 3, 4, 5, 6, 7];
    for p in &f.places {
        s.rows.push(vec![
            p.place.clone().unwrap_or_else(|| "not given".into()),
            p.name.clone().unwrap_or_default(),
            money_gbp(p.present_value),
            quantity(p.hours),
            money_gbp(p.investment),
            count(p.people),
            p.value_per_person.map_or(String::new(), money_gbp),
            p.members_based_here.to_string(),
            p.deprivation_deciles
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    Some(s)
}
