//! The valuation: a project's inputs and a toolkit turned into valued lines and totals.
//! Every line keeps its audit trail (proxy, source, each deduction, each year) so any pound can be traced.

pub mod at;
pub mod formula;
pub mod indicators;
pub mod overlap;

pub use formula::{LineValue, YearValue};

use crate::diag::{Diagnostic, Problems};
use crate::project::{
    self, EvidenceByLine, EvidenceType, Grade, HoursSummary, Organisation, Period, Project,
    ReadOptions, TimeAs, Unvalued,
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

/// The ids of the consented stories that evidence a line: one list per proxy, shared by every
/// line claiming that proxy (a story evidences all of them). Decision: shared, so that many
/// stories and many lines of one proxy cost their sum in memory, not their product (3,000
/// stories over 1,500 lines were 4.5 million copies of ids).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoryIds(std::sync::Arc<[String]>);

impl std::ops::Deref for StoryIds {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.0
    }
}

impl serde::Serialize for StoryIds {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.as_ref().serialize(s)
    }
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
    pub evidence: StoryIds,
    /// The partnership whose shared outcome this line claims a share of (1 − attribution).
    pub partnership: Option<String>,
    /// Where the value arises: the row's place, else the organisation's (a district code).
    pub place: Option<String>,
    /// A benefit, tax or duty moved, not created: shown apart, never in the value totals.
    pub transfer: bool,
    /// Why this line's people are not those of a line it must never be added to.
    pub overlap_reason: Option<String>,
    /// The organisation's own lowest and highest quantity, for the uncertainty analysis.
    pub quantity_range: Option<(Decimal, Decimal)>,
    /// For a line valued from people's own answers: the change and its interval.
    pub measured: Option<Measured>,
    /// Where the quantity comes from: an outcome row's `evidence_type`; for other lines the
    /// scale's decision (volunteer time from the log, WELLBYs and stories from participants).
    pub evidence_type: EvidenceType,
}

impl Line {
    /// How far the quantity can be trusted, bronze to gold+.
    pub fn grade(&self) -> Grade {
        self.evidence_type.grade()
    }

    /// Valued from consented stories (not from the organisation's records).
    pub fn from_stories(&self) -> bool {
        matches!(self.origin, Origin::Stories { .. })
    }

    /// What the line is called wherever it is shown: volunteer lines by their role; lines
    /// valued from stories and transfers say so, so neither is ever mistaken for a record.
    pub fn label(&self) -> String {
        let name = match &self.origin {
            Origin::Volunteering { role } => format!("Volunteer time: {role}"),
            _ => self.name.clone(),
        };
        match (self.from_stories(), self.transfer) {
            (_, true) => format!("{name} (transfer, not counted)"),
            (true, false) => format!("{name} (valued from stories)"),
            (false, false) => name,
        }
    }
}

/// A measured change behind a WELLBY line: quantity = pairs × mean change × weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub pairs: u64,
    pub mean_change: Decimal,
    /// The 95% interval of the mean change (paired t).
    pub ci: (Decimal, Decimal),
    /// The share of a year counted (1 when the change is said to persist).
    pub weight: Decimal,
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
    /// Tags whose proxy a story may not price (a harm, a whole-period cost, or a proxy never
    /// to be added to one already claimed), with why: the story is evidence only.
    pub evidence_only: Vec<(String, &'static str)>,
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
    /// Present value of transfer lines (benefits, taxes, duties): shown apart, never inside
    /// `present_value`, `net_present_value` or `sroi_ratio`.
    pub transfers: Decimal,
    /// Present value of the lines valued from stories, inside `present_value`.
    pub story_value: Decimal,
    /// Present value of fiscal lines the body can release as cash, inside `present_value`.
    pub fiscal_cashable: Decimal,
    /// Volunteer hours at replacement cost, however they are counted (0 without a log).
    pub volunteer_time_value: Decimal,
    /// Where volunteer time is counted as value: the ratio had it been counted as input
    /// (present value less the time, over investment plus the time).
    pub sroi_ratio_volunteer_time_as_input: Option<Decimal>,
    pub sroi_ratio: Option<Decimal>,
    pub payback_months: Option<Decimal>,
    pub by_kind: BTreeMap<&'static str, Decimal>,
    pub by_beneficiary: BTreeMap<String, Decimal>,
    pub by_theme: BTreeMap<String, Decimal>,
    /// The present value resting on each grade of evidence, all four listed (bronze first);
    /// they add up exactly to `present_value` (transfers are in neither).
    pub by_grade: BTreeMap<Grade, Decimal>,
}

impl Totals {
    /// What the present value is made of, for the headline: wellbeing, fiscal savings split by
    /// whether the body can release them as cash (cashable not stated counts as not), the
    /// economy, and volunteer time counted as value. The parts add up to the present value;
    /// `story_value` is a part of them, shown beside.
    pub fn composition(&self) -> [(&'static str, Decimal); 5] {
        let kind = |k: Kind| self.by_kind.get(k.as_str()).copied().unwrap_or_default();
        [
            ("wellbeing", kind(Kind::Wellbeing)),
            ("cashable fiscal savings", self.fiscal_cashable),
            (
                "non-cashable fiscal savings",
                kind(Kind::Fiscal).saturating_sub(self.fiscal_cashable),
            ),
            ("economic", kind(Kind::Economic)),
            ("volunteer time", kind(Kind::Volunteering)),
        ]
    }
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
    /// Where each outcome row's quantity comes from, by its line.
    pub evidence: EvidenceByLine,
    pub stories: Option<project::Stories>,
    pub answers: Option<project::indicators::Answers>,
    /// What each indicator's answers show, with any WELLBYs they are worth.
    pub measured: Vec<indicators::IndicatorResult>,
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
    let (outcomes, evidence) = project
        .outcomes
        .as_ref()
        .and_then(|p| {
            keep(
                project::read_outcomes(p, toolkit, &project.partners(), options),
                &mut problems,
            )
        })
        .map_or((None, EvidenceByLine::default()), |(o, e)| (Some(o), e));
    let stories = project
        .stories
        .as_ref()
        .and_then(|p| keep(project::read_stories(p, toolkit, options), &mut problems));
    let answers = read_answers(project, toolkit, options, &mut problems);
    let measured = measure(project, toolkit, answers.as_ref(), &mut problems);
    let claims = claims_of(project, outcomes.as_ref(), &measured);
    problems.extend(overlap::check(&claims, toolkit));
    if problems.has_errors() {
        return Err(problems);
    }
    let mut warnings = project.warnings.clone();
    warnings.extend(problems.list);
    let mut skipped = project::Skipped::default();
    if let Some(h) = &hours {
        warnings.extend(h.warnings.list.iter().cloned());
        skipped.extend(&h.skipped);
        warnings.extend(names_in_stories(project, h, stories.as_ref()));
    }
    if let Some(o) = &outcomes {
        warnings.extend(o.warnings.list.iter().cloned());
        skipped.extend(&o.skipped);
    }
    warnings.extend(unnamed_partnerships(project, outcomes.as_ref()));
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
        evidence,
        stories,
        answers,
        measured,
        warnings,
        skipped,
    })
}

/// The answers file, checked against the toolkit's indicators and the project's own.
fn read_answers(
    project: &Project,
    toolkit: &Toolkit,
    options: ReadOptions,
    problems: &mut Problems,
) -> Option<project::indicators::Answers> {
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
    project.indicators.as_ref().and_then(|p| {
        keep(
            project::indicators::read_answers(p, &known, options),
            problems,
        )
    })
}

/// Each indicator's statistics and WELLBYs; a change that would be valued but whose answers
/// are undated, with no `months_between`, is an error at the first such row.
fn measure(
    project: &Project,
    toolkit: &Toolkit,
    answers: Option<&project::indicators::Answers>,
    problems: &mut Problems,
) -> Vec<indicators::IndicatorResult> {
    let results: Vec<indicators::IndicatorResult> = answers
        .iter()
        .flat_map(|a| &a.by_indicator)
        .filter_map(|(id, answers)| {
            let ind = toolkit
                .indicator(id)
                .or_else(|| project.local_indicators.iter().find(|i| &i.id == id))?;
            let settings = &project.indicator_settings;
            Some(indicators::analyse(
                ind,
                answers,
                toolkit.min_pairs,
                settings,
            ))
        })
        .collect();
    for r in &results {
        if let (Some(line), Some(path)) = (r.undated, &project.indicators) {
            problems.push(
                Diagnostic::error(format!(
                    "{}'s change would be valued, but the answers on this row are not dated and project.toml does not say how far apart they were",
                    r.id
                ))
                .at_line(path, line)
                .with_help("add date_before and date_after columns, or say once under [indicators] in project.toml: months_between = 12 (a change measured over four months is not a year of changed life)"),
            );
        }
    }
    results
}

/// The valued claims of a project, for the never-add check: outcome rows, and each
/// indicator's WELLBYs (claimed in project.toml).
fn claims_of<'a>(
    project: &'a Project,
    outcomes: Option<&'a project::OutcomeRows>,
    measured: &[indicators::IndicatorResult],
) -> Vec<overlap::Claim<'a>> {
    let mut claims: Vec<overlap::Claim> = Vec::new();
    if let (Some(o), Some(path)) = (outcomes, &project.outcomes) {
        claims.extend(o.lines.iter().map(|l| overlap::Claim {
            proxy: &l.proxy,
            at: overlap::Place::Row(path, l.line),
            reason: l.overlap_reason.as_deref(),
        }));
    }
    if measured.iter().any(|r| r.wellbys.is_some()) {
        claims.push(overlap::Claim {
            proxy: crate::toolkit::indicator::WELLBY_PROXY,
            at: overlap::Place::Setting(&project.path, "WELLBYs from [indicators]"),
            reason: project.indicator_settings.overlap_reason.as_deref(),
        });
    }
    claims
}

/// A story that names a volunteer will be published: say so, without repeating the name.
fn names_in_stories(
    project: &Project,
    hours: &HoursSummary,
    stories: Option<&project::Stories>,
) -> Vec<Diagnostic> {
    let (Some(stories), Some(path)) = (stories, &project.stories) else {
        return Vec::new();
    };
    stories
        .shared
        .iter()
        .filter(|s| hours.names.mentions(&s.text) || hours.names.mentions(&s.title))
        .map(|s| {
            Diagnostic::warning(format!("story {} mentions a volunteer from the volunteer log by name", s.id))
                .at_line(path, s.line)
                .with_help("stories with consent are published in reports: check the volunteer agreed to be named, or use initials")
        })
        .collect()
}

/// Partnerships declared in project.toml that no outcome row names (unless rows were set
/// aside, which might have named them).
fn unnamed_partnerships(
    project: &Project,
    outcomes: Option<&project::OutcomeRows>,
) -> Vec<Diagnostic> {
    if outcomes.is_some_and(|o| o.skipped.rows > 0) {
        return Vec::new();
    }
    let named: std::collections::HashSet<&str> = outcomes
        .iter()
        .flat_map(|o| &o.lines)
        .filter_map(|l| l.partnership.as_deref())
        .collect();
    project
        .partnerships
        .iter()
        .filter(|p| !named.contains(p.id.as_str()))
        .map(|p| {
            Diagnostic::warning(format!("partnership \"{}\" is declared but no outcome row names it", p.id))
                .in_file(&project.path)
                .with_help("name it in the partnership column of the outcomes it shares, or remove the declaration")
        })
        .collect()
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
    let mut valuation = assemble(
        project,
        toolkit,
        inputs.hours,
        (outcomes, &inputs.evidence),
        stories,
        inputs.warnings,
        &inputs.measured,
    )
    .map_err(|Overflow| {
        Problems::one(
            Diagnostic::error("the figures are too large to be computed exactly")
                .in_file(&project.path)
                .with_help("check for a quantity or amount with too many digits"),
        )
    })?;
    valuation.skipped = inputs.skipped;
    valuation.indicators = inputs.measured;
    Ok(valuation)
}

/// Values inputs already gathered (from a submission rather than CSV files), every outcome
/// line an estimate. Every proxy they name must be in the toolkit, and no two outcome lines
/// may be a pair never to add without a reason.
pub fn from_inputs(
    project: &Project,
    toolkit: &Toolkit,
    hours: Option<HoursSummary>,
    outcomes: project::OutcomeRows,
    stories: project::Stories,
) -> Result<Valuation, Problems> {
    let evidence = EvidenceByLine::default();
    from_graded_inputs(project, toolkit, hours, (outcomes, &evidence), stories)
}

/// [`from_inputs`], with where each outcome line's quantity comes from, by its line.
pub fn from_graded_inputs(
    project: &Project,
    toolkit: &Toolkit,
    hours: Option<HoursSummary>,
    (outcomes, evidence): (project::OutcomeRows, &EvidenceByLine),
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
    let claims: Vec<overlap::Claim> = outcomes
        .lines
        .iter()
        .map(|l| overlap::Claim {
            proxy: &l.proxy,
            at: overlap::Place::Entry(&project.path, l.line),
            reason: l.overlap_reason.as_deref(),
        })
        .collect();
    let clashes = overlap::check(&claims, toolkit);
    if clashes.has_errors() {
        return Err(clashes);
    }
    let graded = (outcomes, evidence);
    assemble(project, toolkit, hours, graded, stories, Vec::new(), &[]).map_err(|Overflow| {
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
    let index = |year: i32| {
        toolkit
            .price_index
            .get(&year)
            .copied()
            .unwrap_or(Decimal::ONE)
    };
    let evidence_type = evidence_of(&origin);
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
        index_from: index(p.price_year),
        index_to: index(toolkit.price_year),
        adjustments,
        overridden: Vec::new(),
        reason: None,
        note: None,
        value,
        source: p.source.clone(),
        url: p.url.clone(),
        licence: p.licence.clone(),
        evidence: StoryIds::default(),
        partnership: None,
        place: None,
        transfer: p.transfer,
        overlap_reason: None,
        quantity_range: None,
        measured: None,
        evidence_type,
    })
}

/// Where a line's quantity comes from, by the scale's decision for lines that are not outcome
/// rows; an outcome line starts as an estimate and is given its row's type.
fn evidence_of(origin: &Origin) -> EvidenceType {
    match origin {
        Origin::Volunteering { .. } => EvidenceType::VOLUNTEER_TIME,
        Origin::Indicator { .. } => EvidenceType::MEASURED_CHANGE,
        Origin::Stories { .. } => EvidenceType::STORIES,
        Origin::Outcome { .. } => EvidenceType::Estimate,
    }
}

/// Volunteer time: a line per role when counted as value, an in-kind investment line per
/// role when counted as input; the replacement cost of all hours either way.
fn volunteer_time(
    toolkit: &Toolkit,
    v: &project::Volunteering,
    summary: HoursSummary,
    investment: &mut Vec<InvestmentLine>,
    lines: &mut Vec<Line>,
) -> Result<VolunteerTime, Overflow> {
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
    Ok(VolunteerTime {
        counted_as: v.counted_as,
        summary,
        gross_value,
    })
}

/// A WELLBY line for each indicator whose change is valued. Unless the project says the change
/// persists, it is counted for the time measured only: one year at most, no later years.
fn wellby_lines(
    toolkit: &Toolkit,
    measured: &[indicators::IndicatorResult],
    overlap_reason: Option<&str>,
    lines: &mut Vec<Line>,
) -> Result<(), Overflow> {
    for r in measured {
        let (Some(wellbys), Some(ind)) = (r.wellbys, toolkit.indicator(&r.id)) else {
            continue;
        };
        let adjustments = ind.wellby_adjustments(r.persists.is_some());
        let mut line = line_for(
            toolkit,
            crate::toolkit::indicator::WELLBY_PROXY,
            wellbys,
            adjustments,
            Origin::Indicator { id: r.id.clone() },
        )?;
        if let (Some(mean_change), Some(ci)) = (r.mean_change, r.ci) {
            line.measured = Some(Measured {
                pairs: r.pairs,
                mean_change,
                ci,
                weight: r.time_weight.unwrap_or(Decimal::ONE),
            });
        }
        line.overlap_reason = overlap_reason.map(str::to_string);
        lines.push(line);
    }
    Ok(())
}

/// Stories: evidence for a proxy an outcome row claims; otherwise, where the toolkit lets a
/// tag be priced, `per_story` of its proxy each. A harm, a whole-period cost, or a proxy never
/// to be added to one already claimed is evidence only.
/// Stories valued as one proxy: their ids, each story's place in the list with the tag that
/// priced it, and the quantity they add up to.
#[derive(Default)]
struct StoryClaim {
    ids: Vec<String>,
    by: Vec<(usize, String)>,
    quantity: Decimal,
}

fn story_lines(
    toolkit: &Toolkit,
    stories: &project::Stories,
    lines: &mut Vec<Line>,
    first_outcome: usize,
) -> Result<Vec<StoryUse>, Overflow> {
    let mut uses = Vec::new();
    // Proxy -> the stories valuing it, in proxy order so the result never depends on hashing.
    let mut valued: BTreeMap<String, StoryClaim> = BTreeMap::new();
    // Outcome lines by proxy, so each story tag finds its lines at once (not by a scan).
    let mut claimed_by: std::collections::HashMap<String, Vec<usize>> =
        std::collections::HashMap::new();
    for (i, l) in lines.iter().enumerate().skip(first_outcome) {
        claimed_by.entry(l.proxy.clone()).or_default().push(i);
    }
    // Proxy -> the stories evidencing its lines, in story order.
    let mut evidence: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for s in &stories.shared {
        let mut use_ = StoryUse {
            id: s.id.clone(),
            title: s.title.clone(),
            text: s.text.clone(),
            tags: s.tags.clone(),
            valued_as: Vec::new(),
            evidence_for: Vec::new(),
            evidence_only: Vec::new(),
        };
        // Two tags may carry one proxy: each proxy once per story, by its first tag.
        let mut done: std::collections::HashSet<String> = std::collections::HashSet::new();
        for tag in s.tags.iter().filter_map(|t| toolkit.tag(t)) {
            let Some(proxy) = tag.proxy.clone() else {
                continue;
            };
            if !done.insert(proxy.clone()) {
                continue;
            }
            if claimed_by.contains_key(&proxy) {
                evidence
                    .entry(proxy.clone())
                    .or_default()
                    .push(s.id.clone());
                use_.evidence_for.push(proxy);
                continue;
            }
            match toolkit.story_value(tag) {
                Some((_, per_story)) => {
                    let e = valued.entry(proxy.clone()).or_default();
                    e.ids.push(s.id.clone());
                    e.by.push((uses.len(), tag.id.clone()));
                    e.quantity = add(e.quantity, per_story)?;
                    use_.valued_as.push(proxy);
                }
                None if tag.harm => use_
                    .evidence_only
                    .push((tag.id.clone(), "a harm suffered is never priced")),
                None => use_.evidence_only.push((
                    tag.id.clone(),
                    "a whole-period cost is never valued from one story",
                )),
            }
        }
        uses.push(use_);
    }
    for (proxy, ids) in evidence {
        let shared = StoryIds(ids.into());
        for &i in claimed_by.get(&proxy).into_iter().flatten() {
            lines[i].evidence = shared.clone();
        }
    }
    // A story-valued proxy never to be added to one already valued stays evidence.
    let mut claimed: std::collections::HashSet<String> =
        lines.iter().map(|l| l.proxy.clone()).collect();
    for (proxy, claim) in valued {
        if toolkit
            .never_with(&proxy)
            .iter()
            .any(|o| claimed.contains(o))
        {
            for (k, tag) in claim.by {
                uses[k].valued_as.retain(|p| p != &proxy);
                uses[k]
                    .evidence_only
                    .push((tag, "its proxy is never added to one already claimed"));
            }
            continue;
        }
        let p = toolkit.proxy(&proxy).ok_or(Overflow)?;
        lines.push(line_for(
            toolkit,
            &proxy,
            claim.quantity,
            p.defaults,
            Origin::Stories { ids: claim.ids },
        )?);
        claimed.insert(proxy);
    }
    Ok(uses)
}

fn assemble(
    project: &Project,
    toolkit: &Toolkit,
    hours: Option<HoursSummary>,
    (outcomes, evidence): (project::OutcomeRows, &EvidenceByLine),
    stories: project::Stories,
    warnings: Vec<Diagnostic>,
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
    let volunteering = match (&project.volunteering, hours) {
        (Some(v), Some(summary)) => Some(volunteer_time(
            toolkit,
            v,
            summary,
            &mut investment,
            &mut lines,
        )?),
        _ => None,
    };

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
        line.overlap_reason = o.overlap_reason.clone();
        line.quantity_range = o.quantity_range;
        line.evidence_type = evidence.of(o.line);
        lines.push(line);
    }
    // After the outcome rows and before stories: the order a submission recomputes them in.
    let overlap_reason = project.indicator_settings.overlap_reason.as_deref();
    wellby_lines(toolkit, measured, overlap_reason, &mut lines)?;
    let story_uses = story_lines(toolkit, &stories, &mut lines, first_outcome)?;

    let resolve = |t: &String| toolkit.place_index.resolve(t).unwrap_or_else(|_| t.clone());
    let mut organisation = project.organisation.clone();
    organisation.place = organisation.place.as_ref().map(resolve);
    for l in &mut lines {
        if l.place.is_none() {
            l.place = organisation.place.clone();
        }
    }
    let totals = totals(&investment, &lines, volunteering.as_ref())?;
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
    for l in lines.iter().filter(|l| !l.transfer) {
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

fn totals(
    investment: &[InvestmentLine],
    lines: &[Line],
    volunteering: Option<&VolunteerTime>,
) -> Result<Totals, Overflow> {
    let mut t = Totals {
        cash: Decimal::ZERO,
        in_kind: Decimal::ZERO,
        investment: Decimal::ZERO,
        impact_year1: Decimal::ZERO,
        present_value: Decimal::ZERO,
        net_present_value: Decimal::ZERO,
        harms: Decimal::ZERO,
        transfers: Decimal::ZERO,
        story_value: Decimal::ZERO,
        fiscal_cashable: Decimal::ZERO,
        volunteer_time_value: volunteering.map_or(Decimal::ZERO, |v| v.gross_value),
        sroi_ratio_volunteer_time_as_input: None,
        sroi_ratio: None,
        payback_months: None,
        by_kind: Kind::ALL
            .iter()
            .map(|k| (k.as_str(), Decimal::ZERO))
            .collect(),
        by_beneficiary: BTreeMap::new(),
        by_theme: BTreeMap::new(),
        by_grade: Grade::ALL.iter().map(|g| (*g, Decimal::ZERO)).collect(),
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
    let mut time_counted = Decimal::ZERO;
    for l in lines {
        let pv = l.value.present_value;
        // Transfers move money and create none (Green Book): apart from every value total.
        if l.transfer {
            t.transfers = add(t.transfers, pv)?;
            continue;
        }
        t.present_value = add(t.present_value, pv)?;
        t.impact_year1 = add(t.impact_year1, l.value.impact_year1)?;
        if pv < Decimal::ZERO {
            t.harms = add(t.harms, pv)?;
        }
        if l.from_stories() {
            t.story_value = add(t.story_value, pv)?;
        }
        if l.kind == Kind::Fiscal && l.cashable == Some(true) {
            t.fiscal_cashable = add(t.fiscal_cashable, pv)?;
        }
        if l.kind == Kind::Volunteering {
            time_counted = add(time_counted, pv)?;
        }
        let k = t.by_kind.entry(l.kind.as_str()).or_default();
        *k = add(*k, pv)?;
        let b = t.by_beneficiary.entry(l.beneficiary.clone()).or_default();
        *b = add(*b, pv)?;
        let th = t.by_theme.entry(l.theme.clone()).or_default();
        *th = add(*th, pv)?;
        let g = t.by_grade.entry(l.grade()).or_default();
        *g = add(*g, pv)?;
    }
    t.net_present_value = t.present_value.checked_sub(t.investment).ok_or(Overflow)?;
    t.sroi_ratio = sroi_ratio(t.present_value, t.investment);
    t.payback_months = payback_months(t.investment, t.impact_year1);
    if volunteering.is_some_and(|v| v.counted_as == TimeAs::Value) {
        t.sroi_ratio_volunteer_time_as_input = sroi_ratio(
            t.present_value.checked_sub(time_counted).ok_or(Overflow)?,
            add(t.investment, t.volunteer_time_value)?,
        );
    }
    Ok(t)
}
