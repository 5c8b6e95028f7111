//! Recomputing a submission from its own inputs with a toolkit: the same valuation a project
//! gets, with every input checked as strictly as project.toml's.

use super::format::*;
use crate::date::Date;
use crate::diag::{Diagnostic, Problems};
use crate::num::parse_decimal;
use crate::project::{
    self, HoursSummary, Investment, Organisation, OutcomeLine, OutcomeRows, Period, Reach, Role,
    RoleHours, Stories, Story, TimeAs, Unvalued, Volunteering,
};
use crate::toolkit::{Adjustments, Toolkit};
use crate::value::Valuation;
use rust_decimal::Decimal;
use std::path::Path;

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
