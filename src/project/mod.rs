//! An organisation's return: `project.toml` (who, when, money in, where the data is) and the CSV
//! files beside it (volunteer hours, outcomes, stories), read and checked against a toolkit.

mod days;
pub mod evidence;
pub mod indicators;
pub mod org_id;
mod outcomes;
pub mod partnership;
mod people;
pub mod redact;
mod stories;
pub mod template;
mod volunteers;

pub use crate::read::{Limits, ReadOptions, Skipped};
pub use evidence::{EvidenceByLine, EvidenceType, Grade};
pub use outcomes::{read_outcomes, OutcomeLine, OutcomeRows, Unvalued, MAX_QUANTITY};
pub use partnership::{Partners, Partnership, PlaceNote};
pub use stories::{read_stories, Stories, Story};
pub use volunteers::{read_hours, read_hours_with, HoursSummary, RoleHours};

use crate::date::Date;
use crate::diag::{nearest, Diagnostic, Problems};
use crate::num::Dec;
use crate::toolkit::{Kind, Toolkit};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Longest period a return may cover. Decision: a return is a year, or a programme of a few
/// years; a period of centuries is a typing slip, and would make month-by-month tables huge.
pub const MAX_PERIOD_YEARS: i32 = 10;

/// Most volunteer roles a project may list (a real one has a handful).
pub const MAX_ROLES: usize = 1_000;

pub use crate::limits::{MAX_INVESTMENT, MAX_PEOPLE};

/// Versions of the project format this build understands (see docs/project-format.md).
const FORMAT_VERSIONS: &[i64] = &[1];

/// How volunteers' time is counted; there is no default, because the two must never be mixed silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeAs {
    /// Hours × replacement cost counted as social value delivered.
    Value,
    /// Hours × replacement cost added to investment as an in-kind contribution (the SROI guide's way).
    Input,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub name: String,
    pub id: String,
    /// Where it works: a district code, or (until valued) a name from the toolkit's places.
    pub place: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

impl Period {
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Investment {
    pub source: String,
    pub amount: Decimal,
    /// Given in goods, services or time rather than cash.
    pub in_kind: bool,
}

/// A volunteer role and the proxy that values an hour of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// As written in project.toml; matched case-insensitively against the log.
    pub name: String,
    pub proxy: String,
    span: Range<usize>,
}

impl Role {
    /// A role made in code (e.g. from a submission), not read from a file.
    pub fn new(name: &str, proxy: &str) -> Role {
        Role {
            name: name.to_string(),
            proxy: proxy.to_string(),
            span: 0..0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volunteering {
    pub file: PathBuf,
    pub counted_as: TimeAs,
    pub roles: Vec<Role>,
}

/// People supported in the period, for cost per person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub people: u64,
    pub note: Option<String>,
}

/// A parsed `project.toml`; CSV files are read later, against a toolkit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub path: PathBuf,
    pub toolkit: String,
    pub organisation: Organisation,
    pub period: Period,
    pub investments: Vec<Investment>,
    pub volunteering: Option<Volunteering>,
    pub outcomes: Option<PathBuf>,
    pub stories: Option<PathBuf>,
    /// How many different people the organisation supported in the period, if it says.
    pub reach: Option<Reach>,
    /// People's before-and-after answers (`[indicators] file`).
    pub indicators: Option<PathBuf>,
    /// How measured change is valued: the gap between answers, whether it persists, and why
    /// WELLBYs may stand beside wellbeing proxies (the rest of `[indicators]`).
    pub indicator_settings: indicators::Settings,
    /// The organisation's own indicators (`[[indicator]]`), marked local, never valued.
    pub local_indicators: Vec<crate::toolkit::indicator::Indicator>,
    /// Partnerships whose shared outcomes the organisation claims a share of (`[[partnership]]`).
    pub partnerships: Vec<Partnership>,
    /// Deprivation deciles and notes for places the organisation works in (`[[place]]`).
    pub places: Vec<PlaceNote>,
    /// What is worth a look but does not stop the project being valued (an organisation id
    /// whose prefix org-id.guide does not list).
    pub warnings: Vec<Diagnostic>,
    text: String,
    place_span: Range<usize>,
    toolkit_span: Range<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    format_version: Option<Spanned<i64>>,
    toolkit: Spanned<String>,
    organisation: RawOrganisation,
    period: RawPeriod,
    #[serde(default)]
    investment: Vec<RawInvestment>,
    volunteering: Option<RawVolunteering>,
    outcomes: Option<RawFileRef>,
    stories: Option<RawFileRef>,
    reach: Option<RawReach>,
    indicators: Option<indicators::RawSettings>,
    /// Read separately, with spans, by `toolkit::indicator::local`.
    #[serde(default)]
    indicator: Vec<toml::Value>,
    #[serde(default)]
    partnership: Vec<partnership::RawPartnership>,
    #[serde(default)]
    place: Vec<partnership::RawPlaceNote>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReach {
    people: Spanned<i64>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    name: Spanned<String>,
    id: Spanned<String>,
    place: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    start: Spanned<RawDate>,
    end: Spanned<RawDate>,
}

/// A date written bare (`2024-04-01`) or quoted (`"2024-04-01"`, `"01/04/2024"`).
#[derive(Deserialize)]
#[serde(untagged)]
enum RawDate {
    Toml(toml::value::Datetime),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInvestment {
    source: Spanned<String>,
    amount: Spanned<Dec>,
    #[serde(default)]
    in_kind: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVolunteering {
    file: Spanned<String>,
    #[serde(rename = "as")]
    counted_as: TimeAs,
    roles: Spanned<BTreeMap<String, Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFileRef {
    file: Spanned<String>,
}

/// Reads and checks `project.toml` on its own (no toolkit needed yet).
pub fn load(path: &Path) -> Result<Project, Problems> {
    let text = crate::read::input::read_text_file(path)?;
    // Read a table at a time, so its parse takes a table's memory, not 35 times the file's.
    let raw: RawProject = crate::read::toml::from_str(&text, crate::read::toml::PROJECT)
        .map_err(|e| e.problems(&text, path, crate::read::input::TomlFile::Project))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut p = Problems::new();
    let err = |p: &mut Problems, span: Range<usize>, msg: String, help: &str| {
        let d = Diagnostic::error(msg).at_span(path, &text, span);
        p.push(if help.is_empty() {
            d
        } else {
            d.with_help(help)
        });
    };
    if let Some(fv) = &raw.format_version {
        if !FORMAT_VERSIONS.contains(fv.get_ref()) {
            err(
                &mut p,
                fv.span(),
                format!(
                    "project format_version {} is not understood by this version of social-value",
                    fv.get_ref()
                ),
                "use format_version = 1",
            );
        }
    }
    for (field, what) in [
        (&raw.organisation.name, "organisation name"),
        (&raw.toolkit, "toolkit"),
    ] {
        if field.get_ref().trim().is_empty() {
            err(&mut p, field.span(), format!("{what} is empty"), "");
        }
    }
    let organisation_id = match org_id::normalise(raw.organisation.id.get_ref()) {
        Ok(id) => id,
        Err(why) => {
            err(&mut p, raw.organisation.id.span(), why, "write the id as it is registered, e.g. GB-CHC-1234567 (org-id.guide); a group with no registration writes GB-UNREG-, its postcode and a short name, e.g. GB-UNREG-WN11AA-knit-club");
            raw.organisation.id.get_ref().trim().to_string()
        }
    };
    let date = |p: &mut Problems, d: &Spanned<RawDate>| -> Date {
        let (parsed, shown) = match d.get_ref() {
            RawDate::Toml(v) => match (v.date, v.time) {
                (Some(dt), None) => (
                    Date::new(i32::from(dt.year), dt.month, dt.day),
                    v.to_string(),
                ),
                _ => (None, v.to_string()),
            },
            RawDate::Text(t) => (Date::parse(t), format!("\"{t}\"")),
        };
        parsed.unwrap_or_else(|| {
            err(
                p,
                d.span(),
                format!("{shown} is not a date"),
                "write dates as 2024-04-01, without a time",
            );
            Date {
                year: 1,
                month: 1,
                day: 1,
            }
        })
    };
    let start = date(&mut p, &raw.period.start);
    let end = date(&mut p, &raw.period.end);
    if end < start {
        err(
            &mut p,
            raw.period.end.span(),
            format!("the period ends ({end}) before it starts ({start})"),
            "",
        );
    } else if end.year - start.year > MAX_PERIOD_YEARS {
        err(
            &mut p,
            raw.period.end.span(),
            format!("the period runs from {start} to {end}, more than {MAX_PERIOD_YEARS} years"),
            "a return covers a year (or a programme of a few years): check the dates",
        );
    }

    let mut investments = Vec::new();
    for inv in raw.investment {
        let raw = text.get(inv.amount.span()).unwrap_or("");
        let amount = match crate::num::exact_toml(raw, inv.amount.get_ref().0) {
            Ok(a) => a,
            Err(e) => {
                err(
                    &mut p,
                    inv.amount.span(),
                    e.to_string(),
                    "an investment amount is in pounds, at most £1,000,000,000,000 (one trillion), like 85000",
                );
                inv.amount.get_ref().0
            }
        };
        if amount < Decimal::ZERO {
            err(
                &mut p,
                inv.amount.span(),
                format!("investment amount {amount} is negative"),
                "record money received as a positive amount",
            );
        }
        // Decision: a positive amount below a penny is a slip (a stray exponent, pence typed
        // as decimals of a pound), never money anyone gave; as a ratio's denominator it would
        // make the ratio absurd (10^28 : 1) and the simulation's sums overflow. Refused here,
        // so `check` says so at its line before any command computes from it.
        if amount > Decimal::ZERO && amount < Decimal::new(1, 2) {
            err(
                &mut p,
                inv.amount.span(),
                format!("investment amount {amount} is less than a penny"),
                "write the amount in pounds, e.g. 2500 or 2500.50; if nothing was invested, write 0",
            );
        }
        if amount > Decimal::from(MAX_INVESTMENT) {
            err(
                &mut p,
                inv.amount.span(),
                format!("investment amount {amount} is implausibly large (over £1 trillion)"),
                "",
            );
        }
        if inv.source.get_ref().trim().is_empty() {
            err(
                &mut p,
                inv.source.span(),
                "investment source is empty".into(),
                "say who gave the money, e.g. \"Oakfield Council core grant\"",
            );
        }
        investments.push(Investment {
            source: inv.source.into_inner().trim().to_string(),
            amount,
            in_kind: inv.in_kind,
        });
    }

    let volunteering = raw.volunteering.map(|v| {
        let mut roles: Vec<Role> = Vec::new();
        let mut keys = std::collections::HashSet::new();
        if v.roles.get_ref().len() > MAX_ROLES {
            err(
                &mut p,
                v.roles.span(),
                format!(
                    "[volunteering.roles] lists {} roles, more than {MAX_ROLES}",
                    v.roles.get_ref().len()
                ),
                "group the roles: each needs only its own hourly proxy",
            );
        }
        for (name, proxy) in v.roles.get_ref().iter().take(MAX_ROLES) {
            let key = name.trim().to_lowercase();
            if key.is_empty() {
                err(&mut p, proxy.span(), "a role name is empty".into(), "");
            } else if !keys.insert(key) {
                err(
                    &mut p,
                    proxy.span(),
                    format!("role \"{name}\" is listed twice (roles are matched ignoring case)"),
                    "",
                );
            }
            roles.push(Role {
                name: name.trim().to_string(),
                proxy: proxy.get_ref().trim().to_string(),
                span: proxy.span(),
            });
        }
        if roles.is_empty() {
            err(
                &mut p,
                v.roles.span(),
                "[volunteering.roles] lists no roles".into(),
                "add a line per role, e.g. befriender = \"volunteer.hour.median-pay\"",
            );
        }
        Volunteering {
            file: dir.join(v.file.get_ref().trim()),
            counted_as: v.counted_as,
            roles,
        }
    });

    let reach = raw
        .reach
        .and_then(|r| match u64::try_from(*r.people.get_ref()) {
            Ok(people) if (1..=MAX_PEOPLE).contains(&people) => Some(Reach {
                people,
                note: r.note,
            }),
            _ => {
                err(
                    &mut p,
                    r.people.span(),
                    format!(
                        "people must be a whole number from 1 to {}, found {}",
                        crate::num::quantity(Decimal::from(MAX_PEOPLE)),
                        r.people.get_ref()
                    ),
                    "the number of different people the organisation supported in the period",
                );
                None
            }
        });
    let partnerships =
        partnership::read_partnerships(raw.partnership, &organisation_id, path, &text, &mut p);
    let places = partnership::read_place_notes(raw.place, path, &text, &mut p);
    let place_span = raw.organisation.place.as_ref().map_or(0..0, |s| s.span());
    let project = Project {
        path: path.to_path_buf(),
        toolkit: raw.toolkit.get_ref().trim().to_string(),
        organisation: Organisation {
            name: raw.organisation.name.get_ref().trim().to_string(),
            id: organisation_id.clone(),
            place: raw
                .organisation
                .place
                .as_ref()
                .map(|s| s.get_ref().trim().to_string())
                .filter(|s| !s.is_empty()),
        },
        period: Period { start, end },
        investments,
        volunteering,
        outcomes: raw.outcomes.map(|o| dir.join(o.file.get_ref().trim())),
        stories: raw.stories.map(|s| dir.join(s.file.get_ref().trim())),
        reach,
        indicators: raw
            .indicators
            .as_ref()
            .map(|s| dir.join(s.file.get_ref().trim())),
        indicator_settings: raw
            .indicators
            .map(|s| indicators::Settings::read(s, path, &text, &mut p))
            .unwrap_or_default(),
        local_indicators: if raw.indicator.is_empty() {
            Vec::new()
        } else {
            match crate::toolkit::indicator::local(&text, path) {
                Ok(l) => l,
                Err(e) => {
                    p.extend(e);
                    Vec::new()
                }
            }
        },
        partnerships,
        places,
        warnings: Vec::new(),
        text: String::new(),
        place_span,
        toolkit_span: raw.toolkit.span(),
    };
    if let Some(w) = org_id_prefix_warning(&organisation_id) {
        p.push(w.at_span(path, &text, raw.organisation.id.span()));
    }
    if p.has_errors() {
        return Err(p);
    }
    Ok(Project {
        text,
        warnings: p.list,
        ..project
    })
}

/// A warning when an organisation id's prefix is not a list code of org-id.guide's register
/// (nor a documented form for a group with no registration): it may be mistyped, and another
/// return for the same organisation would not be matched with it.
fn org_id_prefix_warning(id: &str) -> Option<Diagnostic> {
    let help = "check the id at https://org-id.guide (GB-CHC is the Charity Commission for England and Wales, GB-SC the Scottish regulator, GB-COH Companies House); a group with no registration writes GB-UNREG-, its postcode and a short name";
    match org_id::prefix(id) {
        org_id::Prefix::Listed | org_id::Prefix::Unregistered => None,
        org_id::Prefix::Deprecated(code) => Some(
            Diagnostic::warning(format!(
                "organisation id {id}: org-id.guide marks the list {code} as no longer to be used"
            ))
            .with_help(help),
        ),
        org_id::Prefix::Unknown => Some(
            Diagnostic::warning(format!(
                "organisation id {id} does not start with a list code from org-id.guide"
            ))
            .with_help(help),
        ),
    }
}

impl Project {
    /// A project made in code (e.g. from a submission) rather than read from project.toml; it
    /// has no data files, its inputs being given directly to [`crate::value::from_inputs`].
    pub fn from_parts(
        path: &Path,
        toolkit: &str,
        organisation: Organisation,
        period: Period,
        investments: Vec<Investment>,
        volunteering: Option<Volunteering>,
        reach: Option<Reach>,
    ) -> Project {
        Project {
            path: path.to_path_buf(),
            toolkit: toolkit.to_string(),
            organisation,
            period,
            investments,
            volunteering,
            outcomes: None,
            stories: None,
            reach,
            indicators: None,
            indicator_settings: indicators::Settings::default(),
            local_indicators: Vec::new(),
            partnerships: Vec::new(),
            places: Vec::new(),
            warnings: Vec::new(),
            text: String::new(),
            place_span: 0..0,
            toolkit_span: 0..0,
        }
    }

    /// What an outcome row's `partnership` cell is checked against.
    pub fn partners(&self) -> Partners<'_> {
        Partners::new(&self.organisation.id, &self.partnerships)
    }

    /// The folder the project file is in; data file paths are relative to it.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Checks what project.toml says against the toolkit: every role maps to a volunteering proxy.
    pub fn check_against(&self, toolkit: &Toolkit) -> Problems {
        let mut p = Problems::new();
        if toolkit.id != self.toolkit {
            p.push(
                Diagnostic::error(format!(
                    "the project uses toolkit \"{}\" but {} is toolkit \"{}\"",
                    self.toolkit, toolkit.origin, toolkit.id
                ))
                .at_span(&self.path, &self.text, self.toolkit_span.clone())
                .with_help("results are only comparable within one toolkit: change `toolkit` here, or give the right --toolkit"),
            );
            return p;
        }
        let place_fields = self
            .organisation
            .place
            .iter()
            .map(|t| (t, self.place_span.clone()))
            .chain(self.places.iter().map(|n| (&n.place, n.span.clone())));
        let mut described = std::collections::HashSet::new();
        for n in &self.places {
            if let Ok(code) = toolkit.place_index.resolve(&n.place) {
                if !described.insert(code.clone()) {
                    p.push(
                        Diagnostic::error(format!("place {} ({code}) is described twice", n.place))
                            .at_span(&self.path, &self.text, n.span.clone())
                            .with_help("keep one [[place]] for each place"),
                    );
                }
            }
        }
        for (text, span) in place_fields {
            if let Err(help) = toolkit.place_index.resolve(text) {
                p.push(
                    Diagnostic::error(format!(
                        "place \"{text}\" is not a district code or a place toolkit {} names",
                        toolkit.id
                    ))
                    .at_span(&self.path, &self.text, span)
                    .with_help(help),
                );
            }
        }
        let Some(v) = &self.volunteering else {
            return p;
        };
        for role in &v.roles {
            let d = match toolkit.proxy(&role.proxy) {
                None => {
                    let vol = toolkit
                        .proxies
                        .iter()
                        .filter(|x| x.kind == Kind::Volunteering)
                        .map(|x| x.id.as_str());
                    let help = match nearest(&role.proxy, vol) {
                        Some(n) => format!("did you mean \"{n}\"?"),
                        None => {
                            "run `social-value toolkit list` to see the toolkit's proxies".into()
                        }
                    };
                    Diagnostic::error(format!(
                        "role \"{}\" uses proxy \"{}\", which is not in toolkit {}",
                        role.name, role.proxy, toolkit.id
                    ))
                    .with_help(help)
                }
                Some(x) if x.kind != Kind::Volunteering => {
                    Diagnostic::error(format!(
                    "role \"{}\" uses proxy \"{}\", which values {} outcomes, not volunteer time",
                    role.name, role.proxy, x.kind.as_str()
                ))
                    .with_help("map each role to a proxy of kind \"volunteering\" (an hourly rate)")
                }
                Some(_) => continue,
            };
            p.push(d.at_span(&self.path, &self.text, role.span.clone()));
        }
        p
    }
}
