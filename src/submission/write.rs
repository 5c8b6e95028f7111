//! Writing a submission from a valuation: aggregated inputs (no names, no story without
//! consent), the results claimed, and the fingerprint over both.

use super::fingerprint::fingerprint_of;
use super::format::{exact, *};
use super::FORMAT_VERSION;
use crate::num::{fixed, money};
use crate::project::TimeAs;
use crate::toolkit::Toolkit;
use crate::value::{Origin, Valuation};
use rust_decimal::Decimal;

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
/// `written` is when it is written (UTC, as [`crate::date::utc_timestamp`] gives it).
pub fn from_valuation(v: &Valuation, toolkit: &Toolkit, written: Option<String>) -> Submission {
    let mut s = Submission {
        submission: Header {
            format_version: FORMAT_VERSION,
            generator: format!("social-value {}", env!("CARGO_PKG_VERSION")),
            written,
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
                line: match l.origin {
                    Origin::Outcome { line } => Some(line),
                    _ => None,
                },
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
                evidence_type: Some(l.evidence_type.to_string()),
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

/// Whether a file's opening (its first [`crate::write::RECOGNISE_BYTES`]) is a submission's:
/// TOML whose first table is `[submission]` with a `format_version`, as
/// docs/submission-format.md has every version start, whatever wrote it. The one test used
/// before writing over a file, so only a submission is ever replaced by one.
pub fn is_submission(opening: &[u8]) -> bool {
    crate::write::opens_toml_table(opening, "submission")
}

/// The submission as TOML text.
pub fn to_toml(s: &Submission) -> String {
    let body = toml::to_string_pretty(s).unwrap_or_default();
    format!("# social-value submission: docs/submission-format.md. Any edit breaks the fingerprint.\n{body}")
}

/// The submission as TOML text, when a reader will take it: the size and table limits every
/// reader applies ([`super::read`]) are checked here, so `submit` never writes a return that
/// `review` and `network` would refuse. Otherwise why not, and what to do.
pub fn to_readable_toml(s: &Submission) -> Result<String, crate::diag::Problems> {
    use super::read::{LIMITS, MAX_SUBMISSION_FILE};
    let text = to_toml(s);
    let why = if text.len() as u64 > MAX_SUBMISSION_FILE {
        Some(format!(
            "the return would be {} bytes, more than the {} MiB a reader accepts",
            text.len(),
            MAX_SUBMISSION_FILE / 1024 / 1024
        ))
    } else {
        crate::read::toml::Layout::of(&text, LIMITS)
            .err()
            .map(|e| format!("the return would be refused by every reader: {}", e.message))
    };
    match why {
        None => Ok(text),
        Some(why) => Err(crate::diag::Problems::from(
            crate::diag::Diagnostic::error(why).with_help(
                "combine outcome rows of the same proxy (one row per proxy, or per proxy and \
                 place), and keep the stories that evidence the claim",
            ),
        )),
    }
}

/// The same submission written at another moment, fingerprinted again (for a resubmission).
pub fn with_written(mut s: Submission, written: Option<String>) -> Submission {
    s.submission.written = written;
    s.submission.fingerprint = fingerprint_of(&s);
    s
}
