//! The submission's wire format: every table and key a submission file holds, as typed records
//! that read and write it exactly (decimals as strings, unknown keys refused).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format_version: i64,
    pub generator: String,
    /// When `submit` wrote it, UTC (`2025-05-01T09:30:00Z`), so a resubmission is known from
    /// the return it corrects (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
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
    /// The line of the organisation's outcomes file it came from, so a reviewer names the row
    /// the organisation knows (version 3); absent for WELLBYs from people's answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
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
    /// Where the quantity comes from, on the evidence scale (`own-records`; version 4): its
    /// grade rests on it. Absent (every version 3 entry) means `estimate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_type: Option<String>,
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

/// A decimal as a submission writes it: exact, with no trailing zeros (`"0.255"`, `"85000"`).
pub(super) fn exact(d: Decimal) -> String {
    d.normalize().to_string()
}
