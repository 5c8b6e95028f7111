//! Partnerships a project declares (`[[partnership]]`: member ids and any agreed split of shared
//! outcomes) and the places it works in (`[organisation] place`, `[[place]]` deprivation deciles).

use crate::diag::{Diagnostic, Problems};
use crate::num::Dec;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// Organisations working to shared outcomes, and how they agreed to split the credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partnership {
    pub id: String,
    /// Organisation ids, as each writes its own `[organisation] id`.
    pub members: Vec<String>,
    /// The agreed split, member id to share (0 to 1, adding up to at most 1); empty when none
    /// is agreed.
    pub shares: BTreeMap<String, Decimal>,
}

impl Partnership {
    /// The share of a shared outcome `organisation` may claim, when a split is agreed.
    pub fn share_of(&self, organisation: &str) -> Option<Decimal> {
        self.shares.get(organisation).copied()
    }

    /// The members other than `organisation`: who else contributed.
    pub fn others(&self, organisation: &str) -> Vec<String> {
        self.members
            .iter()
            .filter(|m| *m != organisation)
            .cloned()
            .collect()
    }

    /// The rules a declaration keeps whoever wrote it (project.toml or a submission): at least
    /// two members, the organisation among them, and any split giving every member, and only
    /// members, a share from 0 to 1, the shares adding up to at most 1. Decision: a split that
    /// leaves some credit unassigned is allowed (another body, such as the NHS, may hold the
    /// rest); one that gives out more than the whole is refused. `organisation` is `None` when
    /// it is not known (an empty id, reported on its own).
    pub fn broken(&self, organisation: Option<&str>) -> Vec<Broken<'_>> {
        let id = &self.id;
        let mut out = Vec::new();
        let listed: HashSet<&str> = self.members.iter().map(String::as_str).collect();
        if listed.len() < 2 {
            out.push(Broken {
                part: Part::Members,
                message: format!("partnership \"{id}\" has fewer than two members"),
                help: "list every organisation's id, your own included: members = [\"GB-CHC-1234567\", \"GB-CHC-7654321\"]",
            });
        } else if let Some(organisation) = organisation.filter(|o| !listed.contains(o)) {
            out.push(Broken {
                part: Part::Members,
                message: format!("your organisation ({organisation}) is not a member of partnership \"{id}\""),
                help: "add your [organisation] id to members: an organisation claims a share only of what it helped achieve",
            });
        }
        if self.shares.is_empty() {
            return out;
        }
        let mut sum = Decimal::ZERO;
        for (member, &share) in &self.shares {
            if !listed.contains(member.as_str()) {
                out.push(Broken {
                    part: Part::Share(member),
                    message: format!(
                        "the split gives a share to {member}, who is not a member of \"{id}\""
                    ),
                    help: "give shares only to the ids in members",
                });
            }
            if !(Decimal::ZERO..=Decimal::ONE).contains(&share) {
                out.push(Broken {
                    part: Part::Share(member),
                    message: format!("{member}'s share {share} is not between 0 and 1"),
                    help: "a share is a fraction: 0.5 is half",
                });
            }
            sum = sum.saturating_add(share);
        }
        let missing: Vec<&str> = self
            .members
            .iter()
            .filter(|m| !self.shares.contains_key(*m))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            out.push(Broken {
                part: Part::Split,
                message: format!("the split of \"{id}\" gives no share to {}", missing.join(", ")),
                help: "give every member a share (0 if it claims none), or leave shares out if no split is agreed",
            });
        }
        if sum > Decimal::ONE {
            out.push(Broken {
                part: Part::Split,
                message: format!(
                    "the split of \"{id}\" gives out {} of the outcome, more than all of it",
                    crate::num::percent(sum)
                ),
                help: "the shares must add up to 1 (100%) or less",
            });
        }
        out
    }
}

/// Where in a partnership's declaration a broken rule lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    Members,
    /// The split as a whole.
    Split,
    /// One member's share.
    Share(&'a str),
}

/// A rule a partnership's declaration breaks, with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken<'a> {
    pub part: Part<'a>,
    pub message: String,
    pub help: &'static str,
}

/// What the organisation says about a place it works in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceNote {
    /// As written: a district code, or a name from the toolkit's list (resolved when valued).
    pub place: String,
    /// Index of Multiple Deprivation decile, 1 (most deprived tenth) to 10 (least).
    pub deprivation_decile: Option<u8>,
    pub(super) span: Range<usize>,
}

impl PlaceNote {
    /// A place note made in code (e.g. from a submission), not read from a file.
    pub fn new(place: String, deprivation_decile: Option<u8>) -> PlaceNote {
        PlaceNote {
            place,
            deprivation_decile,
            span: 0..0,
        }
    }
}

/// What an outcome row's `partnership` cell is checked against: the organisation and its
/// declared partnerships, looked up by id.
#[derive(Debug, Clone, Default)]
pub struct Partners<'a> {
    /// The organisation's own id.
    pub organisation: &'a str,
    pub list: &'a [Partnership],
    by_id: HashMap<&'a str, &'a Partnership>,
}

impl<'a> Partners<'a> {
    pub fn new(organisation: &'a str, list: &'a [Partnership]) -> Partners<'a> {
        Partners {
            organisation,
            list,
            by_id: list.iter().map(|p| (p.id.as_str(), p)).collect(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&'a Partnership> {
        self.by_id.get(id).copied()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPartnership {
    id: Spanned<String>,
    members: Spanned<Vec<Spanned<String>>>,
    shares: Option<Spanned<BTreeMap<String, Spanned<Dec>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlaceNote {
    place: Spanned<String>,
    deprivation_decile: Option<Spanned<i64>>,
}

/// Reads every `[[partnership]]`: an id used once, each member listed once, each share given
/// once and written exactly; then the rules of [`Partnership::broken`], each named at its line.
pub(super) fn read_partnerships(
    raw: Vec<RawPartnership>,
    organisation: &str,
    path: &Path,
    text: &str,
    p: &mut Problems,
) -> Vec<Partnership> {
    let mut err = |span: Range<usize>, msg: String, help: &str| {
        let d = Diagnostic::error(msg).at_span(path, text, span);
        p.push(if help.is_empty() {
            d
        } else {
            d.with_help(help)
        });
    };
    let mut ids = HashSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for r in raw {
        let id = r.id.get_ref().trim().to_string();
        if id.is_empty() {
            err(r.id.span(), "partnership id is empty".into(), "");
        } else if !ids.insert(id.clone()) {
            err(
                r.id.span(),
                format!("partnership \"{id}\" is declared twice"),
                "",
            );
        }
        let mut members: Vec<String> = Vec::new();
        let mut listed: HashSet<String> = HashSet::new();
        for m in r.members.get_ref() {
            let name = match super::org_id::normalise(m.get_ref()) {
                Ok(n) => n,
                Err(why) => {
                    let help = "write the organisation id as it is registered, e.g. GB-CHC-1234567";
                    err(m.span(), format!("member {why}"), help);
                    continue;
                }
            };
            if !listed.insert(name.clone()) {
                err(m.span(), format!("member {name} is listed twice"), "");
            } else {
                members.push(name);
            }
        }
        let mut shares = BTreeMap::new();
        let mut share_spans: HashMap<String, Range<usize>> = HashMap::new();
        for (member, share) in r.shares.iter().flat_map(|s| s.get_ref()) {
            let normal = super::org_id::normalise(member);
            let member = normal.as_deref().unwrap_or(member.trim());
            let raw_text = text.get(share.span()).unwrap_or("");
            let value =
                crate::num::exact_toml(raw_text, share.get_ref().0).unwrap_or(share.get_ref().0);
            if shares.insert(member.to_string(), value).is_some() {
                err(
                    share.span(),
                    format!("the split of \"{id}\" gives {member} a share twice"),
                    "give each member one share",
                );
            }
            share_spans.insert(member.to_string(), share.span());
        }
        let partnership = Partnership {
            id,
            members,
            shares,
        };
        for b in partnership.broken((!organisation.is_empty()).then_some(organisation)) {
            let span = match b.part {
                Part::Members => r.members.span(),
                Part::Split => r.shares.as_ref().map_or(0..0, |s| s.span()),
                Part::Share(m) => share_spans.get(m).cloned().unwrap_or(0..0),
            };
            err(span, b.message, b.help);
        }
        out.push(partnership);
    }
    out
}

/// Checks every `[[place]]`: a place named, once, and any decile a whole number 1 to 10.
/// Decision: the decile is what the organisation supplies (from the English Indices of
/// Deprivation); the tool bundles no index, so it never looks one up or guesses.
pub(super) fn read_place_notes(
    raw: Vec<RawPlaceNote>,
    path: &Path,
    text: &str,
    p: &mut Problems,
) -> Vec<PlaceNote> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for r in raw {
        let place = r.place.get_ref().trim().to_string();
        if place.is_empty() {
            p.push(Diagnostic::error("place is empty").at_span(path, text, r.place.span()));
        } else if !seen.insert(place.to_uppercase()) {
            p.push(
                Diagnostic::error(format!("place {place} is described twice")).at_span(
                    path,
                    text,
                    r.place.span(),
                ),
            );
        }
        let decile = r.deprivation_decile.and_then(|d| match u8::try_from(*d.get_ref()) {
            Ok(x @ 1..=10) => Some(x),
            _ => {
                p.push(
                    Diagnostic::error(format!(
                        "deprivation_decile {} is not a whole number from 1 to 10",
                        d.get_ref()
                    ))
                    .at_span(path, text, d.span())
                    .with_help("1 is the most deprived tenth of areas, 10 the least (English Indices of Deprivation)"),
                );
                None
            }
        });
        out.push(PlaceNote {
            place,
            deprivation_decile: decile,
            span: r.place.span(),
        });
    }
    out
}
