//! The submission: one TOML file that carries an organisation's aggregated inputs and results to a
//! commissioner, fingerprinted so any later edit shows, and recomputable from its own inputs.

use crate::date::Date;
use crate::diag::{Diagnostic, Problems};
use crate::num::{fixed, money, parse_decimal};
use crate::project::{
    self, HoursSummary, Investment, Organisation, OutcomeLine, OutcomeRows, Period, Reach, Role,
    RoleHours, Stories, Story, TimeAs, Unvalued, Volunteering,
};
use crate::toolkit::{Adjustments, Toolkit};
use crate::value::{Origin, Valuation};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The first submission format version (docs/submission-format.md).
pub const FIRST_VERSION: i64 = 1;

/// The version that added partnerships and places.
pub const PLACES_VERSION: i64 = 2;

/// The version written now. Decision: every return is written as version 3, because its
/// present value no longer holds transfers, stories are valued by `per_story` and measured
/// change is time-weighted: the same inputs mean a different figure, so an older reader must
/// refuse the file by its version rather than misread it. Versions 1 and 2 are still read,
/// and recomputed under today's rules.
pub const FORMAT_VERSION: i64 = 3;

/// Versions of the submission format this build understands.
pub const FORMAT_VERSIONS: &[i64] = &[FIRST_VERSION, PLACES_VERSION, FORMAT_VERSION];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format_version: i64,
    pub generator: String,
    /// `sha256:` and the hex digest of the canonical content (see [`fingerprint`]).
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Who {
    pub name: String,
    pub id: String,
    /// District code of where the organisation works (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

/// A partnership the organisation declares, with any agreed split (version 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnershipRef {
    pub id: String,
    pub members: Vec<String>,
    /// Member id to agreed share, as exact decimals; absent when no split is agreed.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub shares: std::collections::BTreeMap<String, String>,
}

/// What the organisation says about a place it works in (version 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceRef {
    pub place: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprivation_decile: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolkitRef {
    pub id: String,
    pub version: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReachRef {
    pub people: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestmentRef {
    pub source: String,
    pub amount: String,
    pub in_kind: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleRef {
    pub role: String,
    pub proxy: String,
    pub hours: String,
    pub volunteers: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolunteeringRef {
    /// `value` or `input`.
    pub counted_as: String,
    #[serde(default)]
    pub role: Vec<RoleRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRef {
    pub proxy: String,
    pub quantity: String,
    pub deadweight: String,
    pub attribution: String,
    pub displacement: String,
    pub drop_off: String,
    pub duration: u32,
    #[serde(default)]
    pub overridden: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The partnership whose shared outcome this line claims a share of (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partnership: Option<String>,
    /// Where the outcome arose, when not the organisation's own place (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Why its people are not those of a line never to be added to it (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlap_reason: Option<String>,
    /// The organisation's lowest and highest plausible quantity (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_low: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_high: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnvaluedRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoryRef {
    pub id: String,
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Always `yes` when written by social-value; another tool that sends anything else has
    /// sent a story it should not have.
    pub consent: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineResult {
    pub proxy: String,
    pub origin: String,
    pub present_value: String,
    /// A transfer: outside the present value, inside `transfers` (version 3).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub transfer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub investment: String,
    pub present_value: String,
    pub net_present_value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sroi_ratio: Option<String>,
    /// Present value of transfer lines, outside `present_value` (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfers: Option<String>,
    /// Present value valued from stories, inside `present_value` (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story_value: Option<String>,
    /// Volunteer hours at replacement cost, however counted (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volunteer_time_value: Option<String>,
    /// With volunteer time counted as value: the ratio had it been input (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sroi_ratio_volunteer_time_as_input: Option<String>,
    pub volunteer_hours: String,
    pub volunteers: u64,
    pub stories_withheld: u64,
    #[serde(default)]
    pub line: Vec<LineResult>,
}

/// A whole submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub submission: Header,
    pub organisation: Who,
    pub period: When,
    pub toolkit: ToolkitRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reach: Option<ReachRef>,
    #[serde(default)]
    pub investment: Vec<InvestmentRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volunteering: Option<VolunteeringRef>,
    #[serde(default)]
    pub outcome: Vec<OutcomeRef>,
    #[serde(default)]
    pub unvalued: Vec<UnvaluedRef>,
    #[serde(default)]
    pub story: Vec<StoryRef>,
    /// People's before-and-after answers, as statistics only: never a person's row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicator: Vec<IndicatorRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partnership: Vec<PartnershipRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub place: Vec<PlaceRef>,
    pub results: Results,
}

impl Submission {
    /// Whether the submission uses anything of format version 2.
    pub fn uses_places(&self) -> bool {
        self.organisation.place.is_some()
            || !self.partnership.is_empty()
            || !self.place.is_empty()
            || self
                .outcome
                .iter()
                .any(|o| o.partnership.is_some() || o.place.is_some())
    }
}

/// One indicator's statistics, as a submission carries them (aggregates only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRef {
    pub id: String,
    pub name: String,
    pub local: bool,
    pub scale_min: String,
    pub scale_max: String,
    pub higher_is_better: bool,
    pub people: u64,
    pub pairs: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_change: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_low: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_high: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect_size: Option<String>,
    pub improved: u64,
    pub same: u64,
    pub worse: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wellbys: Option<String>,
    /// Why a change the toolkit could value was not (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_valued: Option<String>,
    /// The share of a year the WELLBYs were counted for (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_weight: Option<String>,
    /// Why the change is said to last beyond the time measured (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persists: Option<String>,
}

impl From<&crate::value::indicators::IndicatorResult> for IndicatorRef {
    fn from(r: &crate::value::indicators::IndicatorResult) -> Self {
        // Means to 4 places: enough to pool, not a disguised list of answers.
        let d4 = |d: Decimal| exact(d.round_dp(4));
        IndicatorRef {
            id: r.id.clone(),
            name: r.name.clone(),
            local: r.local,
            scale_min: exact(r.scale_min),
            scale_max: exact(r.scale_max),
            higher_is_better: r.higher_is_better,
            people: r.people,
            pairs: r.pairs,
            mean_before: r.mean_before.map(d4),
            mean_after: r.mean_after.map(d4),
            mean_change: r.mean_change.map(d4),
            ci_low: r.ci.map(|c| exact(c.0)),
            ci_high: r.ci.map(|c| exact(c.1)),
            effect_size: r.effect_size.map(exact),
            improved: r.improved,
            same: r.same,
            worse: r.worse,
            wellbys: r.wellbys.map(exact),
            not_valued: r.not_valued.clone(),
            time_weight: r.time_weight.map(|w| exact(w.round_dp(4))),
            persists: r.persists.clone(),
        }
    }
}

fn exact(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The figures a valuation claims, as a submission records them.
pub fn results_of(v: &Valuation) -> Results {
    Results {
        investment: money(v.totals.investment),
        present_value: money(v.totals.present_value),
        net_present_value: money(v.totals.net_present_value),
        sroi_ratio: v.totals.sroi_ratio.map(|r| fixed(r, 2)),
        transfers: Some(money(v.totals.transfers)),
        story_value: Some(money(v.totals.story_value)),
        volunteer_time_value: Some(money(v.totals.volunteer_time_value)),
        sroi_ratio_volunteer_time_as_input: v
            .totals
            .sroi_ratio_volunteer_time_as_input
            .map(|r| fixed(r, 2)),
        volunteer_hours: exact(
            v.volunteering
                .as_ref()
                .map_or(Decimal::ZERO, |t| t.summary.hours),
        ),
        volunteers: v.volunteering.as_ref().map_or(0, |t| t.summary.volunteers),
        stories_withheld: v.stories_withheld,
        line: v
            .lines
            .iter()
            .map(|l| LineResult {
                proxy: l.proxy.clone(),
                origin: match &l.origin {
                    Origin::Volunteering { role } => format!("volunteering: {role}"),
                    Origin::Outcome { line } => format!("outcome line {line}"),
                    Origin::Stories { ids } => format!("stories: {}", ids.join(", ")),
                    Origin::Indicator { id } => format!("indicator: {id}"),
                },
                present_value: money(l.value.present_value),
                transfer: l.transfer,
            })
            .collect(),
    }
}

/// The submission for a valuation: aggregated inputs (no names from the logs, no stories
/// without consent) and results, fingerprinted.
pub fn from_valuation(v: &Valuation, toolkit: &Toolkit) -> Submission {
    let mut s = Submission {
        submission: Header {
            format_version: FORMAT_VERSION,
            generator: format!("social-value {}", env!("CARGO_PKG_VERSION")),
            fingerprint: String::new(),
        },
        organisation: Who {
            name: v.organisation.name.clone(),
            id: v.organisation.id.clone(),
            place: v.organisation.place.clone(),
        },
        period: When {
            start: v.period.start.to_string(),
            end: v.period.end.to_string(),
        },
        toolkit: ToolkitRef {
            id: toolkit.id.clone(),
            version: toolkit.version.clone(),
            fingerprint: toolkit.fingerprint.clone(),
        },
        reach: v.reach.as_ref().map(|r| ReachRef {
            people: r.people,
            note: r.note.clone(),
        }),
        // Volunteer time counted as input is recomputed from the roles, so only the project's
        // own investment lines travel.
        investment: v
            .investment
            .iter()
            .filter(|i| !i.volunteer_time)
            .map(|i| InvestmentRef {
                source: i.source.clone(),
                amount: exact(i.amount),
                in_kind: i.in_kind,
            })
            .collect(),
        volunteering: v.volunteering.as_ref().map(|t| VolunteeringRef {
            counted_as: match t.counted_as {
                TimeAs::Value => "value".into(),
                TimeAs::Input => "input".into(),
            },
            role: t
                .summary
                .by_role
                .iter()
                .map(|r| RoleRef {
                    role: r.role.clone(),
                    proxy: r.proxy.clone(),
                    hours: exact(r.hours),
                    volunteers: r.volunteers,
                })
                .collect(),
        }),
        outcome: v
            .lines
            .iter()
            .filter(|l| {
                matches!(l.origin, Origin::Outcome { .. } | Origin::Indicator { .. })
            })
            .map(|l| OutcomeRef {
                proxy: l.proxy.clone(),
                quantity: exact(l.quantity),
                deadweight: exact(l.adjustments.deadweight),
                attribution: exact(l.adjustments.attribution),
                displacement: exact(l.adjustments.displacement),
                drop_off: exact(l.adjustments.drop_off),
                duration: l.adjustments.duration,
                overridden: l.overridden.iter().map(|s| s.to_string()).collect(),
                reason: l.reason.clone(),
                note: match &l.origin {
                    Origin::Indicator { id } => Some(format!(
                        "WELLBYs from people's own before-and-after answers ({id}); see [[indicator]]"
                    )),
                    _ => l.note.clone(),
                },
                partnership: l.partnership.clone(),
                // A line in the organisation's own place says nothing more.
                place: l.place.clone().filter(|p| Some(p) != v.organisation.place.as_ref()),
                overlap_reason: l.overlap_reason.clone(),
                quantity_low: l.quantity_range.map(|r| exact(r.0)),
                quantity_high: l.quantity_range.map(|r| exact(r.1)),
            })
            .collect(),
        partnership: v
            .partnerships
            .iter()
            .map(|p| PartnershipRef {
                id: p.id.clone(),
                members: p.members.clone(),
                shares: p.shares.iter().map(|(k, x)| (k.clone(), exact(*x))).collect(),
            })
            .collect(),
        place: v
            .described_places
            .iter()
            .map(|(place, decile)| PlaceRef {
                place: place.clone(),
                deprivation_decile: *decile,
            })
            .collect(),
        indicator: v.indicators.iter().map(IndicatorRef::from).collect(),
        unvalued: v
            .unvalued
            .iter()
            .map(|u| UnvaluedRef {
                quantity: u.quantity.map(exact),
                note: u.note.clone(),
            })
            .collect(),
        story: v
            .stories
            .iter()
            .map(|s| StoryRef {
                id: s.id.clone(),
                title: s.title.clone(),
                text: s.text.clone(),
                tags: s.tags.clone(),
                consent: "yes".into(),
            })
            .collect(),
        results: results_of(v),
    };
    s.submission.fingerprint = fingerprint_of(&s);
    s
}

/// The submission as TOML text.
pub fn to_toml(s: &Submission) -> String {
    let body = toml::to_string_pretty(s).unwrap_or_default();
    format!("# social-value submission: docs/submission-format.md. Any edit breaks the fingerprint.\n{body}")
}

/// JSON with object keys sorted and no spaces: the canonical form that is fingerprinted.
fn canonical_json(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                canonical_json(&map[k], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `sha256:` + hex SHA-256 of the canonical JSON of a parsed submission document, without its
/// `submission.fingerprint`.
pub fn fingerprint_of_document(doc: &toml::Table) -> String {
    let mut doc = doc.clone();
    if let Some(toml::Value::Table(h)) = doc.get_mut("submission") {
        h.remove("fingerprint");
    }
    let json = serde_json::to_value(&doc).unwrap_or_default();
    let mut text = String::new();
    canonical_json(&json, &mut text);
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256:{}",
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

fn fingerprint_of(s: &Submission) -> String {
    let text = toml::to_string(s).unwrap_or_default();
    toml::from_str::<toml::Table>(&text)
        .map(|t| fingerprint_of_document(&t))
        .unwrap_or_default()
}

/// A submission as read, with what its fingerprint should be.
#[derive(Debug, Clone)]
pub struct Read {
    pub submission: Submission,
    /// The fingerprint the content gives (compare with `submission.submission.fingerprint`).
    pub computed_fingerprint: String,
}

/// Reads a submission file; syntax and shape problems name file, line and column.
pub fn read(path: &Path) -> Result<Read, Problems> {
    let text = crate::input::read_text_file(path)?;
    let doc: toml::Table = toml::from_str(&text)
        .map_err(|e| crate::input::toml_error(&e, &text, path, crate::input::TomlFile::Toolkit))?;
    let mut out_of_range = Problems::new();
    check_numbers(
        &toml::Value::Table(doc.clone()),
        "",
        path,
        &mut out_of_range,
    );
    if out_of_range.has_errors() {
        return Err(out_of_range);
    }
    let submission: Submission = toml::from_str(&text)
        .map_err(|e| crate::input::toml_error(&e, &text, path, crate::input::TomlFile::Toolkit))?;
    Ok(Read {
        computed_fingerprint: fingerprint_of_document(&doc),
        submission,
    })
}

/// Largest number a submission may hold (a thousand trillion: pounds, hours or counts).
const MAX_NUMBER: i64 = 1_000_000_000_000_000;
/// Most decimal places a number in a submission may have.
const MAX_PLACES: u32 = 8;

/// Every number in a submission (numbers, and text that reads as one) must be within
/// ±[`MAX_NUMBER`] with at most [`MAX_PLACES`] decimals. Decision: a file from a stranger can
/// carry any number and a correct fingerprint, and figures like 10^28 or 10^-27 would make
/// the sums and ratios of a review or a network overflow; no real return comes near either.
fn check_numbers(v: &toml::Value, at: &str, path: &Path, out: &mut Problems) {
    let number = match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                let here = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                check_numbers(x, &here, path, out);
            }
            return;
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_numbers(x, &format!("{at}[{}]", i + 1), path, out);
            }
            return;
        }
        toml::Value::Integer(i) => Some(Decimal::from(*i)),
        toml::Value::Float(f) => Decimal::from_f64_retain(*f).or(Some(Decimal::MAX)),
        toml::Value::String(s) => parse_decimal(s).ok(),
        _ => None,
    };
    if let Some(x) = number {
        if x.abs() > Decimal::from(MAX_NUMBER) || x.normalize().scale() > MAX_PLACES {
            out.push(
                Diagnostic::error(format!(
                    "{at} is {}, outside what a submission may hold (up to 10^15, with at most {MAX_PLACES} decimal places)",
                    crate::diag::quoted(&x.normalize().to_string())
                ))
                .in_file(path)
                .with_help("ask the organisation for the file social-value submit wrote, unchanged"),
            );
        }
    }
}

/// A share from 0 to 1, as every adjustment must be.
fn fraction(text: &str, what: &str) -> Result<Decimal, Problems> {
    let x = dec(text, what)?;
    if (Decimal::ZERO..=Decimal::ONE).contains(&x) {
        Ok(x)
    } else {
        Err(Diagnostic::error(format!("{what} {x} is not between 0 and 1")).into())
    }
}

fn dec(text: &str, what: &str) -> Result<Decimal, Problems> {
    parse_decimal(text).map_err(|e| Problems::one(Diagnostic::error(format!("{what}: {e}"))))
}

/// Recomputes a submission from its own inputs with `toolkit`.
pub fn recompute(s: &Submission, toolkit: &Toolkit, path: &Path) -> Result<Valuation, Problems> {
    let date = |t: &str| {
        Date::parse(t).ok_or_else(|| {
            Problems::one(Diagnostic::error(format!("{t:?} is not a date")).in_file(path))
        })
    };
    let period = Period {
        start: date(&s.period.start)?,
        end: date(&s.period.end)?,
    };
    if let Some(i) = s
        .investment
        .iter()
        .find(|i| dec(&i.amount, "investment").is_ok_and(|a| a < Decimal::ZERO))
    {
        return Err(
            Diagnostic::error(format!("investment {:?} is negative", i.source))
                .in_file(path)
                .into(),
        );
    }
    let investments = s
        .investment
        .iter()
        .map(|i| {
            Ok(Investment {
                source: i.source.clone(),
                amount: dec(&i.amount, "investment amount")?,
                in_kind: i.in_kind,
            })
        })
        .collect::<Result<Vec<_>, Problems>>()?;
    let (volunteering, hours) = match &s.volunteering {
        None => (None, None),
        Some(v) => {
            let counted_as = match v.counted_as.as_str() {
                "value" => TimeAs::Value,
                "input" => TimeAs::Input,
                other => {
                    return Err(Diagnostic::error(format!(
                        "volunteering counted_as {other:?} is not value or input"
                    ))
                    .in_file(path)
                    .into())
                }
            };
            let mut by_role = Vec::new();
            for r in &v.role {
                let hours = dec(&r.hours, "hours")?;
                if hours < Decimal::ZERO {
                    return Err(Diagnostic::error(format!(
                        "role {}: hours {hours} is negative",
                        r.role
                    ))
                    .in_file(path)
                    .into());
                }
                by_role.push(RoleHours {
                    role: r.role.clone(),
                    proxy: r.proxy.clone(),
                    hours,
                    rows: 0,
                    volunteers: r.volunteers,
                    by_month: Vec::new(),
                });
            }
            let summary =
                HoursSummary::from_roles(by_role, s.results.volunteers).ok_or_else(|| {
                    Problems::one(Diagnostic::error(
                        "the volunteer hours add up to more than can be computed",
                    ))
                })?;
            let roles = v
                .role
                .iter()
                .map(|r| Role::new(&r.role, &r.proxy))
                .collect();
            (
                Some(Volunteering {
                    file: path.to_path_buf(),
                    counted_as,
                    roles,
                }),
                Some(summary),
            )
        }
    };
    let mut lines = Vec::new();
    for (i, o) in s.outcome.iter().enumerate() {
        let adjustments = Adjustments {
            deadweight: fraction(&o.deadweight, "deadweight")?,
            attribution: fraction(&o.attribution, "attribution")?,
            displacement: fraction(&o.displacement, "displacement")?,
            drop_off: fraction(&o.drop_off, "drop_off")?,
            duration: o.duration,
        };
        if !(1..=crate::toolkit::MAX_DURATION).contains(&o.duration) {
            return Err(Diagnostic::error(format!(
                "outcome {}: duration {} is not a whole number of years from 1 to {}",
                i + 1,
                o.duration,
                crate::toolkit::MAX_DURATION
            ))
            .in_file(path)
            .into());
        }
        if dec(&o.quantity, "quantity")? < Decimal::ZERO
            || dec(&o.quantity, "quantity")? > Decimal::from(crate::project::MAX_QUANTITY)
        {
            return Err(Diagnostic::error(format!(
                "outcome {}: quantity {} is out of range",
                i + 1,
                o.quantity
            ))
            .in_file(path)
            .into());
        }
        let overridden = o
            .overridden
            .iter()
            .filter_map(|n| {
                [
                    "deadweight",
                    "attribution",
                    "displacement",
                    "drop_off",
                    "duration",
                ]
                .into_iter()
                .find(|k| k == n)
            })
            .collect();
        lines.push(OutcomeLine {
            line: i as u64 + 1,
            proxy: o.proxy.clone(),
            quantity: dec(&o.quantity, "quantity")?,
            adjustments,
            overridden,
            reason: o.reason.clone(),
            note: o.note.clone(),
            partnership: o.partnership.clone(),
            place: o.place.as_deref().map(|c| code(c, path)).transpose()?,
            quantity_range: range(o, i, path)?,
            overlap_reason: o.overlap_reason.clone(),
        });
    }
    let unvalued = s
        .unvalued
        .iter()
        .enumerate()
        .map(|(i, u)| {
            Ok(Unvalued {
                line: i as u64 + 1,
                quantity: u
                    .quantity
                    .as_deref()
                    .map(|q| dec(q, "quantity"))
                    .transpose()?,
                note: u.note.clone(),
            })
        })
        .collect::<Result<Vec<_>, Problems>>()?;
    let stories = Stories {
        shared: s
            .story
            .iter()
            .filter(|st| st.consent == "yes")
            .enumerate()
            .map(|(i, st)| Story {
                line: i as u64 + 1,
                id: st.id.clone(),
                title: st.title.clone(),
                text: st.text.clone(),
                tags: st.tags.clone(),
            })
            .collect(),
        withheld: s.results.stories_withheld,
        warnings: Problems::new(),
        skipped: Default::default(),
    };
    let project = project::Project::from_parts(
        path,
        &s.toolkit.id,
        Organisation {
            name: s.organisation.name.clone(),
            id: s.organisation.id.clone(),
            place: s
                .organisation
                .place
                .as_deref()
                .map(|c| code(c, path))
                .transpose()?,
        },
        period,
        investments,
        volunteering,
        s.reach.as_ref().map(|r| Reach {
            people: r.people,
            note: r.note.clone(),
        }),
    );
    let mut project = project;
    project.partnerships = partnerships(s, path)?;
    let mut described = std::collections::HashSet::new();
    if let Some(p) = s.place.iter().find(|p| !described.insert(p.place.as_str())) {
        return Err(
            Diagnostic::error(format!("place {} is described twice", p.place))
                .in_file(path)
                .into(),
        );
    }
    project.places = s
        .place
        .iter()
        .map(|p| {
            if p.deprivation_decile.is_some_and(|d| !(1..=10).contains(&d)) {
                return Err(Problems::one(
                    Diagnostic::error(format!(
                        "place {}: deprivation_decile is not 1 to 10",
                        p.place
                    ))
                    .in_file(path),
                ));
            }
            Ok(project::PlaceNote::new(
                code(&p.place, path)?,
                p.deprivation_decile,
            ))
        })
        .collect::<Result<Vec<_>, Problems>>()?;
    crate::value::from_inputs(
        &project,
        toolkit,
        hours,
        OutcomeRows {
            lines,
            unvalued,
            warnings: Problems::new(),
            skipped: Default::default(),
        },
        stories,
    )
}

/// An outcome's `quantity_low` and `quantity_high`: both or neither, holding the quantity.
fn range(o: &OutcomeRef, i: usize, path: &Path) -> Result<Option<(Decimal, Decimal)>, Problems> {
    let bad = |m: String| -> Problems { Diagnostic::error(m).in_file(path).into() };
    match (&o.quantity_low, &o.quantity_high) {
        (None, None) => Ok(None),
        (Some(l), Some(h)) => {
            let (l, h, q) = (
                dec(l, "quantity_low")?,
                dec(h, "quantity_high")?,
                dec(&o.quantity, "quantity")?,
            );
            if Decimal::ZERO <= l && l <= q && q <= h {
                Ok(Some((l, h)))
            } else {
                Err(bad(format!(
                    "outcome {}: the range {l} to {h} does not hold the quantity {q}",
                    i + 1
                )))
            }
        }
        _ => Err(bad(format!(
            "outcome {}: quantity_low and quantity_high come together",
            i + 1
        ))),
    }
}

/// A place in a submission: always a district code (names are resolved before writing).
fn code(text: &str, path: &Path) -> Result<String, Problems> {
    if crate::toolkit::place::is_code(text) {
        Ok(text.to_string())
    } else {
        Err(Diagnostic::error(format!(
            "place {} is not a district code",
            crate::diag::quoted(text)
        ))
        .in_file(path)
        .into())
    }
}

/// The partnerships a submission declares, checked by the same rules as a project's
/// ([`project::Partnership::broken`]), and every outcome line's partnership declared; the first
/// problem stops the recomputation.
pub fn partnerships(s: &Submission, path: &Path) -> Result<Vec<project::Partnership>, Problems> {
    let bad = |m: String| -> Problems { Diagnostic::error(m).in_file(path).into() };
    let mut out: Vec<project::Partnership> = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for p in &s.partnership {
        if !ids.insert(p.id.as_str()) {
            return Err(bad(format!("partnership {:?} is declared twice", p.id)));
        }
        let listed: std::collections::HashSet<&str> =
            p.members.iter().map(String::as_str).collect();
        if listed.len() != p.members.len() {
            return Err(bad(format!("partnership {:?} lists a member twice", p.id)));
        }
        let mut shares = std::collections::BTreeMap::new();
        for (member, text) in &p.shares {
            let share = dec(text, "share").map_err(|_| {
                bad(format!(
                    "partnership {:?}: {member}'s share {text:?} is not a number",
                    p.id
                ))
            })?;
            shares.insert(member.clone(), share);
        }
        let partnership = project::Partnership {
            id: p.id.clone(),
            members: p.members.clone(),
            shares,
        };
        if let Some(b) = partnership.broken(Some(&s.organisation.id)).first() {
            return Err(bad(b.message.clone()));
        }
        out.push(partnership);
    }
    if let Some(o) = s.outcome.iter().find(|o| {
        o.partnership
            .as_ref()
            .is_some_and(|id| !ids.contains(id.as_str()))
    }) {
        return Err(bad(format!(
            "an outcome line names partnership {:?}, which the submission does not declare",
            o.partnership.as_deref().unwrap_or_default()
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_layout_and_key_order_but_not_values() {
        let a: toml::Table = toml::from_str("[submission]\nfingerprint = \"x\"\nformat_version = 1\n[results]\npresent_value = \"10.00\"\ninvestment = \"5.00\"\n").unwrap();
        let b: toml::Table = toml::from_str("# comment\n[results]\ninvestment = \"5.00\"\npresent_value = \"10.00\"\n\n[submission]\nformat_version = 1\nfingerprint = \"y\"\n").unwrap();
        let c: toml::Table = toml::from_str("[submission]\nformat_version = 1\n[results]\npresent_value = \"10.01\"\ninvestment = \"5.00\"\n").unwrap();
        assert_eq!(fingerprint_of_document(&a), fingerprint_of_document(&b));
        assert_ne!(fingerprint_of_document(&a), fingerprint_of_document(&c));
        assert!(fingerprint_of_document(&a).starts_with("sha256:"));
    }

    #[test]
    fn canonical_json_sorts_keys_and_has_no_spaces() {
        let mut out = String::new();
        canonical_json(
            &serde_json::json!({"b": [1, {"d": "x", "c": true}], "a": "é\""}),
            &mut out,
        );
        assert_eq!(out, "{\"a\":\"é\\\"\",\"b\":[1,{\"c\":true,\"d\":\"x\"}]}");
    }
}
