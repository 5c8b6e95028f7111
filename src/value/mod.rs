//! The valuation: a project's inputs and a toolkit turned into valued lines and totals.
//! Every line keeps its audit trail (proxy, source, each deduction, each year) so any pound can be traced.

pub mod formula;
pub mod indicators;

pub use formula::{LineValue, YearValue};

use crate::diag::{Diagnostic, Problems};
use crate::project::{
    self, HoursSummary, Organisation, Period, Project, ReadOptions, TimeAs, Unvalued,
};
use crate::toolkit::{Adjustments, Kind, Toolkit};
use formula::{add, payback_months, sroi_ratio, value_line, Overflow};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Where a valued line came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Hours in one volunteer role, counted as value.
    Volunteering { role: String },
    /// A row of the outcomes file (its line number).
    Outcome { line: u64 },
    /// Consented stories tagged with a tag carrying this proxy, where no outcome row claims it.
    Stories { ids: Vec<String> },
    /// People's own before-and-after answers to a valued indicator (WELLBYs).
    Indicator { id: String },
}

/// One valued line with its whole audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub origin: Origin,
    pub proxy: String,
    pub name: String,
    pub kind: Kind,
    pub unit: String,
    pub beneficiary: String,
    pub cashable: Option<bool>,
    pub theme: String,
    pub quantity: Decimal,
    /// The proxy's value in its own price year, and that year.
    pub unit_value: Decimal,
    pub price_year: i32,
    /// The unit value in the toolkit's price year: unit_value × index_to ÷ index_from.
    pub rebased_unit_value: Decimal,
    pub index_from: Decimal,
    pub index_to: Decimal,
    pub adjustments: Adjustments,
    pub overridden: Vec<&'static str>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub value: LineValue,
    pub source: String,
    pub url: String,
    pub licence: String,
    /// Consented stories that evidence this line (they add no value of their own).
    pub evidence: Vec<String>,
    /// The partnership whose shared outcome this line claims a share of (1 − attribution).
    pub partnership: Option<String>,
    /// Where the value arises: the row's place, else the organisation's (a district code).
    pub place: Option<String>,
}

/// Value, volunteer hours, investment and reach in one place. Decision: volunteer hours,
/// investment and people supported are the organisation's, so they sit in its own place;
/// an outcome row can put its value in another place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceTotal {
    /// A district code; `None` for value whose place was not given.
    pub place: Option<String>,
    /// The name the toolkit gives the place, if it lists it.
    pub name: Option<String>,
    /// As the organisation supplied it (`[[place]]`), never looked up.
    pub deprivation_decile: Option<u8>,
    pub present_value: Decimal,
    pub hours: Decimal,
    pub investment: Decimal,
    pub people: Option<u64>,
}

/// Money put in: cash, and in-kind contributions (including volunteer time when counted as input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestmentLine {
    pub source: String,
    pub amount: Decimal,
    pub in_kind: bool,
    /// Volunteer time counted as input, worked out from the log (not a line of project.toml).
    pub volunteer_time: bool,
}

/// Volunteer hours and how they were counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolunteerTime {
    pub counted_as: TimeAs,
    pub summary: HoursSummary,
    /// Replacement cost of all hours at the roles' rebased rates (before any adjustment).
    pub gross_value: Decimal,
}

/// A consented story and what it did in the calculation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryUse {
    pub id: String,
    pub title: String,
    pub text: String,
    pub tags: Vec<String>,
    /// Proxies this story was counted as one instance of.
    pub valued_as: Vec<String>,
    /// Proxies of outcome rows this story evidences (no value added).
    pub evidence_for: Vec<String>,
}

/// Totals over all lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    pub cash: Decimal,
    pub in_kind: Decimal,
    pub investment: Decimal,
    pub impact_year1: Decimal,
    pub present_value: Decimal,
    pub net_present_value: Decimal,
    /// Present value of lines with negative value (harms), already inside `present_value`.
    pub harms: Decimal,
    pub sroi_ratio: Option<Decimal>,
    pub payback_months: Option<Decimal>,
    pub by_kind: BTreeMap<&'static str, Decimal>,
    pub by_beneficiary: BTreeMap<String, Decimal>,
    pub by_theme: BTreeMap<String, Decimal>,
}

/// Which toolkit valued the project, so the result can be compared and reproduced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolkitUsed {
    pub id: String,
    pub version: String,
    pub price_year: i32,
    pub discount_rate: Decimal,
    pub discount_first_year: bool,
    pub origin: String,
    pub fingerprint: String,
}

/// The whole result of valuing a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valuation {
    pub organisation: Organisation,
    /// People supported, when the project says.
    pub reach: Option<crate::project::Reach>,
    pub period: Period,
    pub toolkit: ToolkitUsed,
    pub investment: Vec<InvestmentLine>,
    pub volunteering: Option<VolunteerTime>,
    pub lines: Vec<Line>,
    pub unvalued: Vec<Unvalued>,
    pub stories: Vec<StoryUse>,
    pub stories_withheld: u64,
    pub totals: Totals,
    pub warnings: Vec<Diagnostic>,
    /// Rows set aside under `--skip-bad-rows`: not valued, listed in the report's audit part.
    pub skipped: project::Skipped,
    /// What people's own before-and-after answers show, indicator by indicator.
    pub indicators: Vec<indicators::IndicatorResult>,
    /// Partnerships the project declares, with any agreed split.
    pub partnerships: Vec<project::Partnership>,
    /// Value, hours, investment and reach by place; empty when no place is given anywhere.
    pub by_place: Vec<PlaceTotal>,
    /// The places the project describes (`[[place]]`), as codes, with any decile.
    pub described_places: Vec<(String, Option<u8>)>,
}

impl Valuation {
    /// Replaces the names `r` lists with initials in every story's title and text.
    pub fn redact(&mut self, r: &crate::project::redact::Redactor) {
        for s in &mut self.stories {
            s.title = r.apply(&s.title);
            s.text = r.apply(&s.text);
        }
    }
}

/// Reads the project's data files and values everything; all input problems come back together.
pub fn calculate(project: &Project, toolkit: &Toolkit) -> Result<Valuation, Problems> {
    calculate_with(project, toolkit, ReadOptions::default())
}

/// Everything a project's files hold, read and checked against a toolkit, not yet valued.
pub struct Inputs {
    pub hours: Option<HoursSummary>,
    pub outcomes: Option<project::OutcomeRows>,
    pub stories: Option<project::Stories>,
    pub answers: Option<project::indicators::Answers>,
    /// Warnings from project.toml and every file, and about what they hold together.
    pub warnings: Vec<Diagnostic>,
    /// Rows set aside under `--skip-bad-rows`, from every file.
    pub skipped: project::Skipped,
}

/// Reads and checks every file a project names, without valuing anything (`social-value check`);
/// all problems come back together.
pub fn read_inputs(
    project: &Project,
    toolkit: &Toolkit,
    options: ReadOptions,
) -> Result<Inputs, Problems> {
    let mut problems = project.check_against(toolkit);
    let hours = match &project.volunteering {
        Some(v) if !problems.has_errors() => keep(
            project::read_hours(v, &project.period, options),
            &mut problems,
        ),
        _ => None,
    };
    let outcomes = project.outcomes.as_ref().and_then(|p| {
        keep(
            project::read_outcomes(p, toolkit, &project.partners(), options),
            &mut problems,
        )
    });
    let stories = project
        .stories
        .as_ref()
        .and_then(|p| keep(project::read_stories(p, toolkit, options), &mut problems));
    let known: Vec<&crate::toolkit::indicator::Indicator> = toolkit
        .indicators
        .iter()
        .chain(&project.local_indicators)
        .collect();
    for l in &project.local_indicators {
        if toolkit.indicator(&l.id).is_some() {
            problems.push(
                Diagnostic::error(format!("the project's indicator \"{}\" has the id of one of toolkit {}'s", l.id, toolkit.id))
                    .in_file(&project.path)
                    .with_help("use the toolkit's indicator (remove yours), or give yours its own id, e.g. local.<name>"),
            );
        }
    }
    let answers = project.indicators.as_ref().and_then(|p| {
        keep(
            project::indicators::read_answers(p, &known, options),
            &mut problems,
        )
    });
    if problems.has_errors() {
        return Err(problems);
    }
    let mut warnings = problems.list;
    let mut skipped = project::Skipped::default();
    if let Some(h) = &hours {
        warnings.extend(h.warnings.list.iter().cloned());
        skipped.extend(&h.skipped);
        // A story that names a volunteer will be published: say so, without repeating the name.
        for s in stories.iter().flat_map(|s| &s.shared) {
            if h.names.mentions(&s.text) || h.names.mentions(&s.title) {
                if let Some(path) = &project.stories {
                    warnings.push(
                        Diagnostic::warning(format!("story {} mentions a volunteer from the volunteer log by name", s.id))
                            .at_line(path, s.line)
                            .with_help("stories with consent are published in reports: check the volunteer agreed to be named, or use initials"),
                    );
                }
            }
        }
    }
    if let Some(o) = &outcomes {
        warnings.extend(o.warnings.list.iter().cloned());
        skipped.extend(&o.skipped);
    }
    let named: std::collections::HashSet<&str> = outcomes
        .iter()
        .flat_map(|o| &o.lines)
        .filter_map(|l| l.partnership.as_deref())
        .collect();
    for p in &project.partnerships {
        if !named.contains(p.id.as_str()) && outcomes.as_ref().is_none_or(|o| o.skipped.rows == 0) {
            warnings.push(
                Diagnostic::warning(format!("partnership \"{}\" is declared but no outcome row names it", p.id))
                    .in_file(&project.path)
                    .with_help("name it in the partnership column of the outcomes it shares, or remove the declaration"),
            );
        }
    }
    if let Some(s) = &stories {
        warnings.extend(s.warnings.list.iter().cloned());
        skipped.extend(&s.skipped);
    }
    if let Some(a) = &answers {
        warnings.extend(a.warnings.list.iter().cloned());
        skipped.extend(&a.skipped);
    }
    Ok(Inputs {
        hours,
        outcomes,
        stories,
        answers,
        warnings,
        skipped,
    })
}

/// [`calculate`], with rows with errors set aside when `options` say so.
pub fn calculate_with(
    project: &Project,
    toolkit: &Toolkit,
    options: ReadOptions,
) -> Result<Valuation, Problems> {
    let inputs = read_inputs(project, toolkit, options)?;
    let outcomes = inputs.outcomes.unwrap_or_default();
    let stories = inputs.stories.unwrap_or_default();
    let results: Vec<indicators::IndicatorResult> = inputs
        .answers
        .iter()
        .flat_map(|a| &a.by_indicator)
        .filter_map(|(id, answers)| {
            let ind = toolkit
                .indicator(id)
                .or_else(|| project.local_indicators.iter().find(|i| &i.id == id))?;
            Some(indicators::analyse(ind, answers))
        })
        .collect();
    let mut valuation = assemble(
        project,
        toolkit,
        inputs.hours,
        outcomes,
        stories,
        inputs.warnings,
        &results,
    )
    .map_err(|Overflow| {
        Problems::one(
            Diagnostic::error("the figures are too large to be computed exactly")
                .in_file(&project.path)
                .with_help("check for a quantity or amount with too many digits"),
        )
    })?;
    valuation.skipped = inputs.skipped;
    valuation.indicators = results;
    Ok(valuation)
}

/// Values inputs already gathered (from a submission rather than CSV files). Every proxy they
/// name must be in the toolkit.
pub fn from_inputs(
    project: &Project,
    toolkit: &Toolkit,
    hours: Option<HoursSummary>,
    outcomes: project::OutcomeRows,
    stories: project::Stories,
) -> Result<Valuation, Problems> {
    let mut missing: Vec<&str> = outcomes
        .lines
        .iter()
        .map(|l| l.proxy.as_str())
        .chain(
            hours
                .iter()
                .flat_map(|h| h.by_role.iter().map(|r| r.proxy.as_str())),
        )
        .filter(|p| toolkit.proxy(p).is_none())
        .collect();
    missing.dedup();
    if !missing.is_empty() {
        return Err(Diagnostic::error(format!(
            "proxies not in toolkit {} {}: {}",
            toolkit.id,
            toolkit.version,
            missing.join(", ")
        ))
        .in_file(&project.path)
        .into());
    }
    assemble(project, toolkit, hours, outcomes, stories, Vec::new(), &[]).map_err(|Overflow| {
        Problems::one(
            Diagnostic::error("the figures are too large to be computed exactly")
                .in_file(&project.path),
        )
    })
}

fn keep<T>(r: Result<T, Problems>, problems: &mut Problems) -> Option<T> {
    r.map_err(|p| problems.extend(p)).ok()
}

fn line_for(
    toolkit: &Toolkit,
    proxy_id: &str,
    quantity: Decimal,
    adjustments: Adjustments,
    origin: Origin,
) -> Result<Line, Overflow> {
    // Callers pass ids already checked against the toolkit.
    let p = toolkit.proxy(proxy_id).ok_or(Overflow)?;
    let rebased = toolkit.rebase(p.value, p.price_year).ok_or(Overflow)?;
    let value = value_line(
        quantity,
        rebased,
        &adjustments,
        toolkit.discount_rate,
        toolkit.discount_first_year,
    )?;
    Ok(Line {
        origin,
        proxy: p.id.clone(),
        name: p.name.clone(),
        kind: p.kind,
        unit: p.unit.clone(),
        beneficiary: p.beneficiary.clone(),
        cashable: p.cashable,
        theme: p.primary_theme().to_string(),
        quantity,
        unit_value: p.value,
        price_year: p.price_year,
        rebased_unit_value: rebased,
        index_from: toolkit
            .price_index
            .get(&p.price_year)
            .copied()
            .unwrap_or(Decimal::ONE),
        index_to: toolkit
            .price_index
            .get(&toolkit.price_year)
            .copied()
            .unwrap_or(Decimal::ONE),
        adjustments,
        overridden: Vec::new(),
        reason: None,
        note: None,
        value,
        source: p.source.clone(),
        url: p.url.clone(),
        licence: p.licence.clone(),
        evidence: Vec::new(),
        partnership: None,
        place: None,
    })
}

fn assemble(
    project: &Project,
    toolkit: &Toolkit,
    hours: Option<HoursSummary>,
    outcomes: project::OutcomeRows,
    stories: project::Stories,
    mut warnings: Vec<Diagnostic>,
    measured: &[indicators::IndicatorResult],
) -> Result<Valuation, Overflow> {
    let mut investment: Vec<InvestmentLine> = project
        .investments
        .iter()
        .map(|i| InvestmentLine {
            source: i.source.clone(),
            amount: i.amount,
            in_kind: i.in_kind,
            volunteer_time: false,
        })
        .collect();
    let mut lines = Vec::new();

    let mut volunteering = None;
    if let (Some(v), Some(summary)) = (&project.volunteering, hours) {
        let mut gross_value = Decimal::ZERO;
        for r in &summary.by_role {
            let p = toolkit.proxy(&r.proxy).ok_or(Overflow)?;
            let rate = toolkit.rebase(p.value, p.price_year).ok_or(Overflow)?;
            let gross = r.hours.checked_mul(rate).ok_or(Overflow)?;
            gross_value = add(gross_value, gross)?;
            match v.counted_as {
                TimeAs::Value => lines.push(line_for(
                    toolkit,
                    &r.proxy,
                    r.hours,
                    p.defaults,
                    Origin::Volunteering {
                        role: r.role.clone(),
                    },
                )?),
                TimeAs::Input => investment.push(InvestmentLine {
                    source: format!(
                        "Volunteer time, {}: {} hours at {} an hour ({})",
                        r.role,
                        crate::num::quantity(r.hours),
                        crate::num::money_gbp(rate),
                        p.id
                    ),
                    amount: gross,
                    in_kind: true,
                    volunteer_time: true,
                }),
            }
        }
        volunteering = Some(VolunteerTime {
            counted_as: v.counted_as,
            summary,
            gross_value,
        });
    }

    let first_outcome = lines.len();
    for o in &outcomes.lines {
        let mut line = line_for(
            toolkit,
            &o.proxy,
            o.quantity,
            o.adjustments,
            Origin::Outcome { line: o.line },
        )?;
        line.overridden = o.overridden.clone();
        line.reason = o.reason.clone();
        line.note = o.note.clone();
        line.partnership = o.partnership.clone();
        line.place = o.place.clone();
        lines.push(line);
    }

    // Wellbeing valued from people's own life-satisfaction answers (HM Treasury WELLBYs),
    // after the outcome rows and before stories, the order a submission recomputes them in.
    for r in measured {
        let (Some(wellbys), Some(ind)) = (r.wellbys, toolkit.indicator(&r.id)) else {
            continue;
        };
        lines.push(line_for(
            toolkit,
            crate::toolkit::indicator::WELLBY_PROXY,
            wellbys,
            ind.defaults,
            Origin::Indicator { id: r.id.clone() },
        )?);
    }

    // Stories: evidence for a claimed proxy, or one instance each of an unclaimed one.
    let mut story_uses = Vec::new();
    let mut story_lines: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Outcome lines by proxy, so each story tag finds its lines at once (not by a scan).
    let mut claimed_by: std::collections::HashMap<String, Vec<usize>> =
        std::collections::HashMap::new();
    for (i, l) in lines.iter().enumerate().skip(first_outcome) {
        claimed_by.entry(l.proxy.clone()).or_default().push(i);
    }
    for s in &stories.shared {
        let mut use_ = StoryUse {
            id: s.id.clone(),
            title: s.title.clone(),
            text: s.text.clone(),
            tags: s.tags.clone(),
            valued_as: Vec::new(),
            evidence_for: Vec::new(),
        };
        // Story ids are unique in a file; two tags may carry one proxy: each proxy once.
        let mut done: std::collections::HashSet<String> = std::collections::HashSet::new();
        for tag in &s.tags {
            let Some(proxy) = toolkit.tag(tag).and_then(|t| t.proxy.clone()) else {
                continue;
            };
            if !done.insert(proxy.clone()) {
                continue;
            }
            match claimed_by.get(&proxy) {
                None => {
                    story_lines
                        .entry(proxy.clone())
                        .or_default()
                        .push(s.id.clone());
                    use_.valued_as.push(proxy);
                }
                Some(indices) => {
                    for &i in indices {
                        lines[i].evidence.push(s.id.clone());
                    }
                    use_.evidence_for.push(proxy);
                }
            }
        }
        story_uses.push(use_);
    }
    for (proxy, ids) in story_lines {
        let p = toolkit.proxy(&proxy).ok_or(Overflow)?;
        let quantity = Decimal::from(ids.len() as u64);
        lines.push(line_for(
            toolkit,
            &proxy,
            quantity,
            p.defaults,
            Origin::Stories { ids },
        )?);
    }

    // Claimed twice? People's own answers valued as WELLBYs beside wellbeing proxies.
    let from_answers = lines
        .iter()
        .any(|l| matches!(l.origin, Origin::Indicator { .. }));
    let from_proxies = lines
        .iter()
        .any(|l| l.kind == Kind::Wellbeing && !matches!(l.origin, Origin::Indicator { .. }));
    if from_answers && from_proxies {
        warnings.push(
            Diagnostic::warning(
                "wellbeing is claimed twice: from people's own life-satisfaction answers (WELLBYs) and from wellbeing proxies",
            )
            .in_file(&project.path)
            .with_help("if the same people are counted both ways, the value is double counted: keep one"),
        );
    }

    let resolve = |t: &String| toolkit.place_index.resolve(t).unwrap_or_else(|_| t.clone());
    let mut organisation = project.organisation.clone();
    organisation.place = organisation.place.as_ref().map(resolve);
    for l in &mut lines {
        if l.place.is_none() {
            l.place = organisation.place.clone();
        }
    }
    let totals = totals(&investment, &lines)?;
    let notes: Vec<(String, Option<u8>)> = project
        .places
        .iter()
        .map(|n| (resolve(&n.place), n.deprivation_decile))
        .collect();
    let by_place = by_place(
        &organisation,
        &notes,
        &lines,
        &totals,
        volunteering.as_ref().map(|v| v.summary.hours),
        project.reach.as_ref().map(|r| r.people),
        toolkit,
    )?;
    Ok(Valuation {
        organisation,
        reach: project.reach.clone(),
        period: project.period,
        toolkit: ToolkitUsed {
            id: toolkit.id.clone(),
            version: toolkit.version.clone(),
            price_year: toolkit.price_year,
            discount_rate: toolkit.discount_rate,
            discount_first_year: toolkit.discount_first_year,
            origin: toolkit.origin.clone(),
            fingerprint: toolkit.fingerprint.clone(),
        },
        investment,
        volunteering,
        lines,
        unvalued: outcomes.unvalued,
        stories: story_uses,
        stories_withheld: stories.withheld,
        totals,
        warnings,
        skipped: project::Skipped::default(),
        indicators: Vec::new(),
        partnerships: project.partnerships.clone(),
        by_place,
        described_places: notes,
    })
}

/// Value by place, with the organisation's hours, investment and reach in its own place and
/// every place it describes listed (with a zero where nothing was valued). Empty when no place
/// is given anywhere.
fn by_place(
    organisation: &Organisation,
    notes: &[(String, Option<u8>)],
    lines: &[Line],
    totals: &Totals,
    hours: Option<Decimal>,
    people: Option<u64>,
    toolkit: &Toolkit,
) -> Result<Vec<PlaceTotal>, Overflow> {
    if organisation.place.is_none() && notes.is_empty() && lines.iter().all(|l| l.place.is_none()) {
        return Ok(Vec::new());
    }
    let mut map: BTreeMap<Option<String>, PlaceTotal> = BTreeMap::new();
    let slot = |map: &mut BTreeMap<Option<String>, PlaceTotal>, place: &Option<String>| {
        if !map.contains_key(place) {
            let name = place
                .as_deref()
                .and_then(|c| toolkit.place_index.name_of(c))
                .map(str::to_string);
            map.insert(
                place.clone(),
                PlaceTotal {
                    place: place.clone(),
                    name,
                    deprivation_decile: None,
                    present_value: Decimal::ZERO,
                    hours: Decimal::ZERO,
                    investment: Decimal::ZERO,
                    people: None,
                },
            );
        }
    };
    let own = &organisation.place;
    slot(&mut map, own);
    if let Some(o) = map.get_mut(own) {
        o.hours = hours.unwrap_or_default();
        o.investment = totals.investment;
        o.people = people;
    }
    for (code, decile) in notes {
        let key = Some(code.clone());
        slot(&mut map, &key);
        if let Some(p) = map.get_mut(&key) {
            p.deprivation_decile = *decile;
        }
    }
    for l in lines {
        slot(&mut map, &l.place);
        if let Some(p) = map.get_mut(&l.place) {
            p.present_value = add(p.present_value, l.value.present_value)?;
        }
    }
    // Places in code order, value with no place last.
    let mut out: Vec<PlaceTotal> = map.into_values().collect();
    out.sort_by(|a, b| (a.place.is_none(), &a.place).cmp(&(b.place.is_none(), &b.place)));
    Ok(out)
}

fn totals(investment: &[InvestmentLine], lines: &[Line]) -> Result<Totals, Overflow> {
    let mut t = Totals {
        cash: Decimal::ZERO,
        in_kind: Decimal::ZERO,
        investment: Decimal::ZERO,
        impact_year1: Decimal::ZERO,
        present_value: Decimal::ZERO,
        net_present_value: Decimal::ZERO,
        harms: Decimal::ZERO,
        sroi_ratio: None,
        payback_months: None,
        by_kind: Kind::ALL
            .iter()
            .map(|k| (k.as_str(), Decimal::ZERO))
            .collect(),
        by_beneficiary: BTreeMap::new(),
        by_theme: BTreeMap::new(),
    };
    for i in investment {
        let slot = if i.in_kind {
            &mut t.in_kind
        } else {
            &mut t.cash
        };
        *slot = add(*slot, i.amount)?;
    }
    t.investment = add(t.cash, t.in_kind)?;
    for l in lines {
        let pv = l.value.present_value;
        t.present_value = add(t.present_value, pv)?;
        t.impact_year1 = add(t.impact_year1, l.value.impact_year1)?;
        if pv < Decimal::ZERO {
            t.harms = add(t.harms, pv)?;
        }
        let k = t.by_kind.entry(l.kind.as_str()).or_default();
        *k = add(*k, pv)?;
        let b = t.by_beneficiary.entry(l.beneficiary.clone()).or_default();
        *b = add(*b, pv)?;
        let th = t.by_theme.entry(l.theme.clone()).or_default();
        *th = add(*th, pv)?;
    }
    t.net_present_value = t.present_value.checked_sub(t.investment).ok_or(Overflow)?;
    t.sroi_ratio = sroi_ratio(t.present_value, t.investment);
    t.payback_months = payback_months(t.investment, t.impact_year1);
    Ok(t)
}
