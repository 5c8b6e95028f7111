//! The content of a report, worked out once from a valuation: its tables, themes with their
//! stories, value-for-money measures and charts. Templates only lay it out.

use super::chart::{Bar, Chart, Unit};
use super::text::workings;
use crate::date::Date;
use crate::diag::{Diagnostic, Problems};
use crate::num::{fixed, money_exact, money_gbp, percent, quantity};
use crate::project::TimeAs;
use crate::sensitivity::Sensitivity;
use crate::toolkit::{Kind, Toolkit};
use crate::value::{Line, Origin, Valuation};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A table of the report, as shown and as written to `tables/<name>.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub title: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub(super) fn new(name: &'static str, title: &'static str, header: &[&str]) -> Table {
        Table {
            name,
            title,
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub(super) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn to_value(&self) -> Value {
        json!({"name": self.name, "title": self.title, "header": self.header, "rows": self.rows})
    }
}

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct Page {
    /// What the templates see.
    pub context: Value,
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn long_date(d: Date) -> String {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {} {}", d.day, NAMES[usize::from(d.month - 1)], d.year)
}

/// A theme id as a heading: `mental-health` -> `Mental health`.
pub fn theme_title(id: &str) -> String {
    let words = id.replace(['-', '_'], " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => "Other".into(),
    }
}

/// A short quote from a story: its first sentence or so, cut at a word, at most `max` characters.
pub fn quote(text: &str, max: usize) -> String {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() <= max {
        return t;
    }
    let cut: String = t.chars().take(max).collect();
    let end = cut
        .rfind(['.', '!', '?'])
        .filter(|&i| i > max / 2)
        .map(|i| i + 1)
        .or_else(|| cut.rfind(' '))
        .unwrap_or(cut.len());
    let mut q = cut[..end].trim_end().to_string();
    if !q.ends_with(['.', '!', '?']) {
        q.push('…');
    }
    q
}

fn share(part: Decimal, total: Decimal) -> String {
    if total <= Decimal::ZERO {
        return String::new();
    }
    part.checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|p| p.checked_div(total))
        .map(|p| format!("{}%", fixed(p, 0)))
        .unwrap_or_default()
}

fn per(total: Decimal, count: Decimal) -> Option<Decimal> {
    (count > Decimal::ZERO)
        .then(|| total.checked_div(count))
        .flatten()
}

fn line_name(l: &Line) -> String {
    l.label()
}

fn origin_text(l: &Line) -> String {
    match &l.origin {
        Origin::Volunteering { role } => format!("volunteer log: {role}"),
        Origin::Outcome { line } => format!("outcomes.csv line {line}"),
        Origin::Stories { ids } => format!("stories {}", ids.join(", ")),
        Origin::Indicator { id } => format!("people's own answers ({id})"),
    }
}

/// The exact sum of figures the report adds up itself, or the problem naming what could not be
/// added. (The valuation's own totals are checked when it is made; a part of them, such as the
/// gains alone when harms bring the whole back into range, can still exceed 7.9 × 10^28.)
fn sum(what: &str, items: impl IntoIterator<Item = Decimal>) -> Result<Decimal, Problems> {
    crate::num::checked_sum(items).ok_or_else(|| too_large(what))
}

fn too_large(what: &str) -> Problems {
    Problems::one(
        Diagnostic::error(format!(
            "cannot write the report: {what} is too large to add up exactly (over about 7.9 × 10^28)"
        ))
        .with_help("some quantities or proxy values must be at their limits: `social-value calc` lists every line's figures"),
    )
}

/// Works out the whole report for a valuation made with `toolkit`, or says which figure could
/// not be computed exactly.
pub fn build(
    v: &Valuation,
    toolkit: &Toolkit,
    sens: Option<&Sensitivity>,
) -> Result<Page, Problems> {
    let t = &v.totals;
    let mut tables = Vec::new();
    let hours = v
        .volunteering
        .as_ref()
        .map_or(Decimal::ZERO, |vt| vt.summary.hours);
    let volunteers = v
        .volunteering
        .as_ref()
        .map_or(0, |vt| vt.summary.volunteers);

    // Headline.
    let ratio_sentence = match t.sroi_ratio {
        Some(r) if r >= Decimal::ZERO => {
            format!("£{} of social value for every £1 invested", fixed(r, 2))
        }
        Some(r) => format!(
            "the harms outweigh the benefits: -£{} for every £1 invested",
            fixed(-r, 2)
        ),
        None if t.investment.is_zero() => "no investment was recorded, so there is no ratio".into(),
        None => "the ratio is too large to show".into(),
    };
    let mut headline = Table::new("headline", "Headline", &["Measure", "Value"]);
    headline.row(vec![
        "Social value (present value)".into(),
        money_gbp(t.present_value),
    ]);
    headline.row(vec!["Investment".into(), money_gbp(t.investment)]);
    headline.row(vec![
        "SROI ratio".into(),
        t.sroi_ratio
            .map_or("n/a".into(), |r| format!("{} : 1", fixed(r, 2))),
    ]);
    headline.row(vec![
        "Net present value".into(),
        money_gbp(t.net_present_value),
    ]);
    if let Some(r) = t.sroi_ratio_volunteer_time_as_input {
        headline.row(vec![
            "SROI ratio, volunteer time as input".into(),
            format!("{} : 1", fixed(r, 2)),
        ]);
    }
    if !t.transfers.is_zero() {
        headline.row(vec![
            "Transfers (not counted as social value)".into(),
            money_gbp(t.transfers),
        ]);
    }
    if let Some(m) = t.payback_months {
        headline.row(vec![
            "Social payback".into(),
            format!("{} months", fixed(m, 1)),
        ]);
    }
    headline.row(vec!["Volunteer hours".into(), quantity(hours)]);
    headline.row(vec!["Volunteers".into(), volunteers.to_string()]);
    if v.volunteering.is_some() {
        headline.row(vec![
            "Volunteer time at replacement cost".into(),
            money_gbp(t.volunteer_time_value),
        ]);
    }
    if let Some(r) = &v.reach {
        headline.row(vec!["People supported".into(), r.people.to_string()]);
    }

    // Value for money: economy, efficiency, effectiveness, and fiscal return by body.
    let per_unit = cost_per_unit(v);
    let mut vfm = Table::new(
        "value_for_money",
        "Value for money",
        &["Measure", "Value", "How it is worked out"],
    );
    let inv = t.investment;
    let opt = |d: Option<Decimal>| d.map_or("n/a".to_string(), money_gbp);
    if v.volunteering.is_some() {
        vfm.row(vec![
            "Economy: investment per volunteer hour".into(),
            opt(per(inv, hours)),
            format!(
                "all investment {} ÷ {} volunteer hours (not what an hour costs: the investment pays for everything the organisation does)",
                money_gbp(inv),
                quantity(hours)
            ),
        ]);
    }
    match &v.reach {
        Some(r) => vfm.row(vec![
            "Economy: cost per person supported".into(),
            opt(per(inv, Decimal::from(r.people))),
            format!(
                "investment ÷ {} people{}",
                r.people,
                r.note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ),
        ]),
        None => vfm.row(vec![
            "Economy: cost per person supported".into(),
            "n/a".into(),
            "add [reach] people = N to project.toml".into(),
        ]),
    }
    vfm.row(vec![
        "Efficiency: cost per unit of each outcome".into(),
        if per_unit.rows.is_empty() {
            "n/a".into()
        } else {
            format!("{} outcomes", per_unit.rows.len())
        },
        "all investment ÷ the units of one outcome, outcome by outcome (units of different kinds are never added); the investment pays for everything the organisation does, so none is what one outcome cost".into(),
    ]);
    vfm.row(vec![
        "Effectiveness: social value per £1".into(),
        t.sroi_ratio.map_or("n/a".into(), money_gbp),
        "present value ÷ investment".into(),
    ]);
    // Equity, the fourth E: value and reach by place (never a ranking of people).
    let places: Vec<&str> = v
        .by_place
        .iter()
        .filter_map(|p| p.place.as_deref())
        .collect();
    let deciles = v
        .by_place
        .iter()
        .filter(|p| p.deprivation_decile.is_some())
        .count();
    vfm.row(match places.len() {
        0 => vec![
            "Equity: where value arises".into(),
            "n/a".into(),
            "add place = \"E08000010\" (your district's code) under [organisation] in project.toml".into(),
        ],
        n => vec![
            "Equity: where value arises".into(),
            if n == 1 {
                places[0].to_string()
            } else {
                format!("{n} places")
            },
            format!(
                "value, volunteer hours, investment and people supported by place, in \"Where the value arises\"{}",
                if deciles > 0 {
                    ", with the deprivation deciles supplied"
                } else {
                    ""
                }
            ),
        ],
    });
    let fiscal = |cashable: bool| {
        let lines = v
            .lines
            .iter()
            .filter(|l| l.kind == Kind::Fiscal && !l.transfer)
            .filter(|l| (l.cashable == Some(true)) == cashable);
        sum("the fiscal savings", lines.map(|l| l.value.present_value))
    };
    vfm.row(vec![
        "Fiscal return per £1: cashable".into(),
        per(fiscal(true)?, inv).map_or("n/a".into(), money_gbp),
        "savings a public body can release as cash (present value) ÷ investment".into(),
    ]);
    vfm.row(vec![
        "Fiscal return per £1: not cashable".into(),
        per(fiscal(false)?, inv).map_or("n/a".into(), money_gbp),
        "savings of time or capacity that a public body cannot bank, or whose cashability is not stated (present value) ÷ investment".into(),
    ]);
    if !t.transfers.is_zero() {
        vfm.row(vec![
            "Transfers per £1 (not social value)".into(),
            per(t.transfers, inv).map_or("n/a".into(), money_gbp),
            "benefits or taxes no longer paid (present value) ÷ investment: money moved from one party to another, shown apart and in neither figure above".into(),
        ]);
    }

    let mut effect = Table::new(
        "value_by_outcome",
        "Effectiveness: value by outcome",
        &[
            "Outcome",
            "Quantity",
            "Unit",
            "Present value",
            "Share",
            "Evidence",
        ],
    );
    let mut ordered: Vec<&Line> = v.lines.iter().collect();
    ordered.sort_by_key(|l| std::cmp::Reverse(l.value.present_value));
    for l in &ordered {
        effect.row(vec![
            line_name(l),
            quantity(l.quantity),
            l.unit.clone(),
            money_gbp(l.value.present_value),
            if l.transfer {
                String::new()
            } else {
                share(l.value.present_value, t.present_value)
            },
            l.grade().to_string(),
        ]);
    }

    let mut fiscal = Table::new(
        "fiscal_by_body",
        "Fiscal return: who saves",
        &[
            "Public body",
            "Present value",
            "Cashable",
            "Not cashable",
            "Not stated",
            "Transfers (not social value)",
        ],
    );
    let mut bodies: BTreeMap<&str, [Decimal; 4]> = BTreeMap::new();
    for l in v.lines.iter().filter(|l| l.kind == Kind::Fiscal) {
        let e = bodies.entry(l.beneficiary.as_str()).or_default();
        let k = match (l.transfer, l.cashable) {
            (true, _) => 3,
            (false, Some(true)) => 0,
            (false, Some(false)) => 1,
            (false, None) => 2,
        };
        e[k] = sum("a public body's savings", [e[k], l.value.present_value])?;
    }
    for (body, [c, n, u, tr]) in &bodies {
        fiscal.row(vec![
            body.to_string(),
            money_gbp(sum("a public body's savings", [*c, *n, *u])?),
            money_gbp(*c),
            money_gbp(*n),
            money_gbp(*u),
            money_gbp(*tr),
        ]);
    }

    let mut by_beneficiary = Table::new(
        "value_by_beneficiary",
        "Value by who gains or saves",
        &["Who", "Present value", "Share"],
    );
    for (k, val) in &t.by_beneficiary {
        by_beneficiary.row(vec![
            k.clone(),
            money_gbp(*val),
            share(*val, t.present_value),
        ]);
    }
    let mut by_kind = Table::new(
        "value_by_kind",
        "Value by kind",
        &["Kind", "Present value", "Share"],
    );
    for (k, val) in &t.by_kind {
        by_kind.row(vec![
            theme_title(k),
            money_gbp(*val),
            share(*val, t.present_value),
        ]);
    }

    // Themes: valued lines and the stories tagged with each, stories-only themes kept.
    let mut themes: BTreeMap<String, (Vec<&Line>, Vec<Value>)> = BTreeMap::new();
    for l in &v.lines {
        themes.entry(l.theme.clone()).or_default().0.push(l);
    }
    for s in &v.stories {
        let mut seen = Vec::new();
        for tag in &s.tags {
            let Some(theme) = toolkit.tag(tag).map(|t| t.theme.clone()) else {
                continue;
            };
            if seen.contains(&theme) {
                continue;
            }
            seen.push(theme.clone());
            let labels: Vec<String> = s
                .tags
                .iter()
                .filter_map(|t| toolkit.tag(t))
                .map(|t| t.label.clone())
                .collect();
            themes.entry(theme).or_default().1.push(
                json!({"id": s.id, "title": s.title, "quote": quote(&s.text, 220), "tags": labels}),
            );
        }
    }
    let mut by_theme = Table::new(
        "value_by_theme",
        "Value by theme",
        &["Theme", "Present value", "Share", "Stories"],
    );
    let mut theme_list: Vec<(Decimal, Value)> = themes
        .iter()
        .map(|(id, (lines, stories))| {
            // Transfers are listed with their theme but not counted in its value.
            let value: Decimal = t.by_theme.get(id).copied().unwrap_or_default();
            by_theme.row(vec![theme_title(id), money_gbp(value), share(value, t.present_value), stories.len().to_string()]);
            let rows: Vec<Value> = lines.iter().map(|l| json!({"name": line_name(l), "quantity": quantity(l.quantity), "unit": l.unit, "present_value": money_gbp(l.value.present_value), "from": origin_text(l)})).collect();
            // Indicators people answered that are evidence for this theme.
            let measures: Vec<String> = v.indicators.iter().filter(|r| r.themes.contains(id) && r.pairs > 0).map(|r| super::truncate(&r.name, 80)).collect();
            (value, json!({"id": id, "title": theme_title(id), "value": money_gbp(value), "share": share(value, t.present_value), "lines": rows, "stories": stories, "measures": measures, "qualitative_only": lines.is_empty()}))
        })
        .collect();
    theme_list.sort_by_key(|t| std::cmp::Reverse(t.0));
    let featured = theme_list
        .iter()
        .find_map(|(_, th)| th["stories"].get(0).cloned());

    // Volunteering.
    let mut vol_roles = Table::new(
        "volunteering_by_role",
        "Volunteer time by role",
        &[
            "Role",
            "Hours",
            "Volunteers",
            "Rate an hour",
            "Replacement value",
            "Proxy",
        ],
    );
    let mut vol_months = Table::new(
        "volunteering_by_month",
        "Volunteer hours by month",
        &["Month", "Hours"],
    );
    let mut month_bars = Vec::new();
    let volunteering = v.volunteering.as_ref().map(|vt| {
        for r in &vt.summary.by_role {
            let rate = toolkit.proxy(&r.proxy).map(|p| toolkit.rebased_value(p)).unwrap_or_default();
            let value = r.hours.checked_mul(rate).ok_or_else(|| too_large("a role's replacement value"))?;
            vol_roles.row(vec![r.role.clone(), quantity(r.hours), r.volunteers.to_string(), money_gbp(rate), money_gbp(value), r.proxy.clone()]);
        }
        for (i, (y, m)) in vt.summary.months.iter().enumerate() {
            let total = sum("a month's volunteer hours", vt.summary.by_role.iter().filter_map(|r| r.by_month.get(i).copied()))?;
            let label = format!("{} {}", MONTHS[usize::from(m - 1)], y);
            vol_months.row(vec![label.clone(), quantity(total)]);
            month_bars.push(Bar::new(format!("{} {:02}", MONTHS[usize::from(m - 1)], y % 100), total));
        }
        let how = match vt.counted_as {
            TimeAs::Value => "counted as social value delivered: hours × the role's hourly replacement cost, adjusted and discounted like any outcome",
            TimeAs::Input => "counted as an in-kind investment: hours × the role's hourly replacement cost, added to the investment, not to the value",
        };
        Ok::<_, Problems>(json!({"hours": quantity(vt.summary.hours), "volunteers": vt.summary.volunteers, "gross_value": money_gbp(vt.gross_value), "how": how, "counted_as_value": vt.counted_as == TimeAs::Value}))
    }).transpose()?;

    // Method and audit trail.
    let mut proxies = Table::new(
        "proxies_used",
        "Proxies used",
        &[
            "Proxy",
            "Value",
            &format!("In {} prices", toolkit.price_year),
            "Source and licence",
        ],
    );
    let mut used: Vec<&str> = v.lines.iter().map(|l| l.proxy.as_str()).collect();
    if let Some(vt) = &v.volunteering {
        used.extend(vt.summary.by_role.iter().map(|r| r.proxy.as_str()));
    }
    used.sort_unstable();
    used.dedup();
    for id in used {
        if let Some(p) = toolkit.proxy(id) {
            proxies.row(vec![
                format!("{}, per {} ({})", p.name, p.unit, p.id),
                format!("{} ({})", money_exact(p.value), p.price_year),
                money_gbp(toolkit.rebased_value(p)),
                format!("{} {} ({})", p.source, p.url, p.licence),
            ]);
        }
    }
    let mut adjustments = Table::new(
        "adjustments",
        "Adjustments and workings, line by line",
        &[
            "#",
            "Outcome and workings",
            "Deadweight, displacement, attribution, drop-off; years",
            "Present value",
            "Changed from the toolkit, and why",
        ],
    );
    for (i, l) in v.lines.iter().enumerate() {
        let a = &l.adjustments;
        let mut changed = Vec::new();
        if !l.overridden.is_empty() {
            changed.push(format!(
                "{}: {}",
                l.overridden.join(", "),
                l.reason.clone().unwrap_or_default()
            ));
        }
        let split = l.partnership.as_ref().filter(|id| {
            v.partnerships
                .iter()
                .any(|p| &p.id == *id && p.share_of(&v.organisation.id).is_some())
        });
        if let Some(id) = split {
            changed.push(format!(
                "attribution: set by partnership {id}'s agreed split (our share {})",
                percent(Decimal::ONE - a.attribution)
            ));
        }
        if let Some(r) = &l.overlap_reason {
            changed.push(format!(
                "claimed beside a line it must never be added to for the same people, because: {r}"
            ));
        }
        if l.transfer {
            changed.push("a transfer: not counted in the social value".into());
        }
        let changed = changed.join("; ");
        adjustments.row(vec![
            (i + 1).to_string(),
            format!(
                "{}: {} gross; evidence {}",
                line_name(l),
                workings(l),
                super::evidence::grade_cell(l)
            ),
            format!(
                "{} / {} / {} / {}; {}",
                percent(a.deadweight),
                percent(a.displacement),
                percent(a.attribution),
                percent(a.drop_off),
                a.duration
            ),
            money_gbp(l.value.present_value),
            changed,
        ]);
    }
    let mut investment = Table::new("investment", "Investment", &["Source", "Amount", "Kind"]);
    for i in &v.investment {
        investment.row(vec![
            i.source.clone(),
            money_gbp(i.amount),
            if i.in_kind { "in kind" } else { "cash" }.into(),
        ]);
    }
    let mut unvalued = Table::new(
        "unvalued",
        "Also done, recorded but not valued",
        &["Quantity", "What"],
    );
    for u in &v.unvalued {
        unvalued.row(vec![
            u.quantity.map(quantity).unwrap_or_default(),
            u.note.clone(),
        ]);
    }

    // Charts.
    let mut charts = Vec::new();
    let theme_bars: Vec<Bar> = theme_list
        .iter()
        .filter(|(val, _)| !val.is_zero())
        .map(|(val, th)| Bar::new(th["title"].as_str().unwrap_or(""), *val))
        .collect();
    if !theme_bars.is_empty() {
        charts.push(Chart {
            name: "value-by-theme".into(),
            title: "Social value by theme (present value)".into(),
            unit: Unit::Money,
            horizontal: true,
            bars: theme_bars,
        });
    }
    let counted = || v.lines.iter().filter(|l| !l.transfer);
    let gross = sum("the gross value", counted().map(|l| l.value.gross))?;
    let dw = sum("the deadweight", counted().map(|l| l.value.deadweight))?;
    let disp = sum("the displacement", counted().map(|l| l.value.displacement))?;
    let attr = sum("the attribution", counted().map(|l| l.value.attribution))?;
    let later = t
        .present_value
        .checked_sub(t.impact_year1)
        .ok_or_else(|| too_large("the value of later years"))?;
    if !v.lines.is_empty() {
        charts.push(Chart {
            name: "gross-to-net".into(),
            title: "From gross value to present value".into(),
            unit: Unit::Money,
            horizontal: false,
            bars: vec![
                Bar::new("Gross value", gross),
                Bar::change("Deadweight", -dw),
                Bar::change("Displacement", -disp),
                Bar::change("Attribution", -attr),
                Bar::change("Later years, discounting", later),
                Bar::new("Present value", t.present_value),
            ],
        });
    }
    let mut ben: Vec<Bar> = t
        .by_beneficiary
        .iter()
        .map(|(k, val)| Bar::new(theme_title(k), *val))
        .collect();
    ben.sort_by_key(|b| std::cmp::Reverse(b.value));
    if !ben.is_empty() {
        charts.push(Chart {
            name: "value-by-beneficiary".into(),
            title: "Social value by who gains or saves".into(),
            unit: Unit::Money,
            horizontal: true,
            bars: ben,
        });
    }
    if !month_bars.is_empty() {
        charts.push(Chart {
            name: "hours-by-month".into(),
            title: "Volunteer hours by month".into(),
            unit: Unit::Hours,
            horizontal: false,
            bars: month_bars,
        });
    }

    // How sure: scenarios, switching values, one-way effects, simulation.
    let uncertainty = sens.map_or(Value::Null, |sn| {
        super::sure::section(sn, &mut tables, &mut charts)
    });

    let evidence = super::evidence::section(v, &mut tables);
    let how = method_sentence(v);
    // What people told us: the indicators' statistics, and for each measured before and after
    // a chart of the two means, the after bar carrying the 95% interval of the change.
    let mut people = Vec::new();
    for r in &v.indicators {
        let mut chart_name = None;
        if let (Some(before), Some(after)) = (r.mean_before, r.mean_after) {
            let name = format!("indicator-{}", r.id);
            let mut after_bar = Bar::new("After (mean)", after);
            if let Some((lo, hi)) = r.ci {
                let what = "an end of a change's interval";
                let end = |x: Decimal| before.checked_add(x).ok_or_else(|| too_large(what));
                after_bar = after_bar.with_whisker(end(lo)?, end(hi)?);
            }
            charts.push(Chart {
                name: name.clone(),
                title: format!("{} (before and after)", super::truncate(&r.name, 60)),
                unit: Unit::Score,
                horizontal: false,
                bars: vec![Bar::new("Before (mean)", before), after_bar],
            });
            chart_name = Some(name);
        }
        people.push(json!({"sentence": super::people::sentence(r), "chart": chart_name}));
    }
    if !v.indicators.is_empty() {
        let mut t = Table::new(
            "indicators",
            "Before and after, indicator by indicator",
            &super::people::HEADER,
        );
        for row in super::people::rows(v) {
            t.row(row);
        }
        tables.push(t);
    }

    // Rows left out under --skip-bad-rows: where each was and what was wrong (file names only,
    // never the folders of the organisation's computer).
    let skipped = (v.skipped.rows > 0).then(|| {
        let mut t = Table::new(
            "skipped_rows",
            "Rows left out because they had problems",
            &["File", "Line", "Column", "Problem"],
        );
        for d in &v.skipped.problems {
            let loc = d.location.as_ref();
            t.row(vec![
                loc.and_then(|l| l.file.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                loc.and_then(|l| l.line).map(|n| n.to_string()).unwrap_or_default(),
                loc.and_then(|l| l.column_name.clone()).unwrap_or_default(),
                d.message.clone(),
            ]);
        }
        tables.push(t);
        json!({"rows": v.skipped.rows, "problems": v.skipped.problems.len(), "unlisted": v.skipped.unlisted})
    });
    let places = places_table(v);
    let shared = shared_table(v);
    tables.extend(places.into_iter().chain(shared));
    tables.extend([
        headline,
        vfm,
        per_unit,
        effect,
        fiscal,
        by_theme,
        by_beneficiary,
        by_kind,
        vol_roles,
        vol_months,
        investment,
        unvalued,
        proxies,
        adjustments,
    ]);
    let table_values: serde_json::Map<String, Value> = tables
        .iter()
        .map(|t| (t.name.to_string(), t.to_value()))
        .collect();
    let context = json!({
        "organisation": {"name": v.organisation.name, "id": v.organisation.id},
        "period": {"start": v.period.start.to_string(), "end": v.period.end.to_string(), "label": format!("{} to {}", long_date(v.period.start), long_date(v.period.end)), "short": if v.period.start.year == v.period.end.year { v.period.start.year.to_string() } else { format!("{}/{:02}", v.period.start.year, v.period.end.year.rem_euclid(100)) }},
        "toolkit": {"id": v.toolkit.id, "version": v.toolkit.version, "fingerprint": v.toolkit.fingerprint, "price_year": v.toolkit.price_year, "price_year_label": format!("{}/{:02}", v.toolkit.price_year, (v.toolkit.price_year + 1).rem_euclid(100)), "discount_rate": percent(v.toolkit.discount_rate), "first_year_discounted": v.toolkit.discount_first_year},
        "headline": {
            "present_value": money_gbp(t.present_value),
            "investment": money_gbp(t.investment),
            "ratio": t.sroi_ratio.map(|r| fixed(r, 2)),
            "ratio_sentence": ratio_sentence,
            "net_present_value": money_gbp(t.net_present_value),
            // Shown as the amount taken off.
            "harms": (!t.harms.is_zero()).then(|| money_gbp(-t.harms)),
            "payback_months": t.payback_months.map(|m| fixed(m, 1)),
            "hours": quantity(hours),
            "volunteers": volunteers,
            "people": v.reach.as_ref().map(|r| r.people),
            "how": how,
            "composition": super::text::composition_text(v),
            "story_value": (!t.story_value.is_zero()).then(|| money_gbp(t.story_value)),
            "transfers": (!t.transfers.is_zero()).then(|| money_gbp(t.transfers)),
            "volunteer_time_value": v.volunteering.as_ref().map(|_| money_gbp(t.volunteer_time_value)),
            "volunteer_time_counted_as": v.volunteering.as_ref().map(|vt| match vt.counted_as { TimeAs::Value => "value", TimeAs::Input => "input" }),
            "ratio_volunteer_time_as_input": t.sroi_ratio_volunteer_time_as_input.map(|r| fixed(r, 2)),
        },
        "uncertainty": uncertainty,
        "evidence": evidence,
        "featured_story": featured,
        "themes": theme_list.into_iter().map(|(_, th)| th).collect::<Vec<_>>(),
        "volunteering": volunteering,
        "stories_shared": v.stories.len(),
        "stories_withheld": v.stories_withheld,
        "skipped": skipped,
        "people": people,
        "people_valued": v.indicators.iter().any(|r| r.wellbys.is_some()),
        "tables": table_values,
    });
    Ok(Page {
        context,
        tables,
        charts,
    })
}

/// Equity: value, hours, investment and reach by place, with any deprivation decile the
/// organisation supplied; only when a place is given anywhere.
fn places_table(v: &Valuation) -> Option<Table> {
    if v.by_place.is_empty() {
        return None;
    }
    let mut t = Table::new(
        "value_by_place",
        "Where the value arises",
        &[
            "Place",
            "Name",
            "Social value",
            "Volunteer hours",
            "Investment",
            "People supported",
            "Deprivation decile",
        ],
    );
    for p in &v.by_place {
        t.row(vec![
            p.place.clone().unwrap_or_else(|| "not given".into()),
            p.name.clone().unwrap_or_default(),
            money_gbp(p.present_value),
            quantity(p.hours),
            money_gbp(p.investment),
            p.people.map(|n| n.to_string()).unwrap_or_default(),
            p.deprivation_decile
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ]);
    }
    Some(t)
}

/// Outcomes achieved with partners: the share claimed, how it was set, and who else
/// contributed; only when a line names a partnership.
fn shared_table(v: &Valuation) -> Option<Table> {
    let mut t = Table::new(
        "shared_outcomes",
        "Outcomes shared with partners",
        &[
            "Partnership",
            "Outcome",
            "Our share",
            "How the share was set",
            "Who else contributed",
            "Present value (our share)",
        ],
    );
    for l in &v.lines {
        let Some(id) = &l.partnership else {
            continue;
        };
        let p = v.partnerships.iter().find(|p| &p.id == id);
        let how = match p.and_then(|p| p.share_of(&v.organisation.id)) {
            Some(_) => "the partnership's agreed split".to_string(),
            None => format!(
                "our own judgement: {}",
                l.reason.clone().unwrap_or_default()
            ),
        };
        t.row(vec![
            id.clone(),
            line_name(l),
            percent(Decimal::ONE - l.adjustments.attribution),
            how,
            p.map(|p| p.others(&v.organisation.id).join(", "))
                .unwrap_or_default(),
            money_gbp(l.value.present_value),
        ]);
    }
    (!t.rows.is_empty()).then_some(t)
}

/// Efficiency, outcome by outcome: all investment ÷ the units of one outcome line. Units of
/// different kinds are never added together; volunteer time, transfers and harms are not
/// outcomes achieved, and are left out.
fn cost_per_unit(v: &Valuation) -> Table {
    let mut t = Table::new(
        "cost_per_unit",
        "Efficiency: investment per unit of each outcome",
        &["Outcome", "Units", "Unit", "Investment per unit"],
    );
    for l in v.lines.iter().filter(|l| {
        l.kind != Kind::Volunteering && !l.transfer && l.value.present_value > Decimal::ZERO
    }) {
        t.row(vec![
            line_name(l),
            quantity(l.quantity),
            l.unit.clone(),
            per(v.totals.investment, l.quantity).map_or("n/a".into(), money_gbp),
        ]);
    }
    t
}

/// The method in one sentence: what was valued, with which bank, and exactly which
/// adjustments were applied (an adjustment at 0 on every line is not claimed as applied).
fn method_sentence(v: &Valuation) -> String {
    let counted: Vec<&Line> = v.lines.iter().filter(|l| !l.transfer).collect();
    let roles = counted
        .iter()
        .filter(|l| matches!(l.origin, Origin::Volunteering { .. }))
        .count();
    let what = match roles {
        0 => crate::num::plural(counted.len() as u64, "line", "lines"),
        r => format!(
            "{} and {}",
            crate::num::plural((counted.len() - r) as u64, "outcome line", "outcome lines"),
            crate::num::plural(r as u64, "volunteer role", "volunteer roles")
        ),
    };
    let applied = |f: fn(&Line) -> Decimal| counted.iter().any(|l| !f(l).is_zero());
    let mut deductions = Vec::new();
    for (used, words) in [
        (
            applied(|l| l.adjustments.deadweight),
            "what would have happened anyway (deadweight)",
        ),
        (
            applied(|l| l.adjustments.attribution),
            "what others contributed (attribution)",
        ),
        (
            applied(|l| l.adjustments.displacement),
            "problems moved elsewhere (displacement)",
        ),
        (
            applied(|l| l.adjustments.drop_off),
            "the fall in later years (drop-off)",
        ),
    ] {
        if used {
            deductions.push(words);
        }
    }
    let adjusted = match deductions.len() {
        0 => "with nothing deducted".to_string(),
        1 => format!("adjusted for {}", deductions[0]),
        n => format!(
            "adjusted for {} and {}",
            deductions[..n - 1].join(", "),
            deductions[n - 1]
        ),
    };
    let mut sources = vec!["the organisation's own records"];
    if counted.iter().any(|l| l.measured.is_some()) {
        sources.push("people's own before-and-after answers");
    }
    if counted.iter().any(|l| l.from_stories()) {
        sources.push("people's stories (labelled where used)");
    }
    let sources = match sources.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => sources.join(""),
    };
    let transfers = if v.totals.transfers.is_zero() {
        String::new()
    } else {
        " Transfers (benefits or taxes no longer paid) are shown as savings but not counted as social value.".into()
    };
    format!(
        "{what} valued with financial proxies from the shared toolkit {} {}, {adjusted}, then discounted at {} a year{}. Quantities come from {sources}.{transfers}",
        v.toolkit.id,
        v.toolkit.version,
        percent(v.toolkit.discount_rate),
        if v.toolkit.discount_first_year { " from the first year" } else { " after the first year" },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums the report makes itself (here the gross value of every line) are checked: past
    /// Decimal's range the report is refused, naming the figure, instead of panicking.
    #[test]
    fn a_sum_past_decimals_range_is_a_problem_naming_it() {
        let (mut v, tk) = crate::value::at::value_project(
            std::path::Path::new("examples/oakfield-cvs"),
            None,
            Default::default(),
            None,
        )
        .unwrap();
        assert!(build(&v, &tk, None).is_ok());
        for l in v.lines.iter_mut().filter(|l| !l.transfer).take(2) {
            l.value.gross = Decimal::MAX;
        }
        let p = build(&v, &tk, None).unwrap_err();
        assert!(
            p.to_string().contains("the gross value is too large"),
            "{p}"
        );
    }
}
