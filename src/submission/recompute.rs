//! Recomputing a submission from its own inputs with a toolkit: the same valuation a project
//! gets, with every input checked as strictly as project.toml's and every problem listed with
//! the line of the table it is in.

use super::format::*;
use super::read::Positions;
use crate::date::Date;
use crate::diag::{Diagnostic, Problems};
use crate::num::parse_decimal;
use crate::project::{
    self, EvidenceByLine, EvidenceType, HoursSummary, Investment, Organisation, OutcomeLine,
    OutcomeRows, Period, Reach, Role, RoleHours, Stories, Story, TimeAs, Unvalued, Volunteering,
};
use crate::toolkit::{Adjustments, Toolkit};
use crate::value::Valuation;
use rust_decimal::Decimal;
use std::path::Path;

/// Problems found while recomputing, each placed at its table's line where the file has one.
struct Found<'a> {
    path: &'a Path,
    at: &'a Positions,
    problems: Problems,
}

impl Found<'_> {
    /// A problem in the `n`-th (from 0) `[[table]]`, or in `[table]` when `n` is `None`.
    fn push(&mut self, table: &str, n: Option<usize>, message: String) {
        let line = match n {
            Some(n) => self.at.entry(table, n),
            None => self.at.table(table),
        };
        let d = Diagnostic::error(message);
        self.problems.push(match line {
            Some(l) => d.at_line(self.path, l),
            None => d.in_file(self.path),
        });
    }

    /// A decimal, or a problem and `None`.
    fn dec(&mut self, table: &str, n: Option<usize>, text: &str, what: &str) -> Option<Decimal> {
        match parse_decimal(text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.push(table, n, format!("{what}: {e}"));
                None
            }
        }
    }

    /// A share from 0 to 1, as every adjustment must be.
    fn fraction(&mut self, n: usize, text: &str, what: &str) -> Decimal {
        match self.dec("outcome", Some(n), text, what) {
            Some(x) if (Decimal::ZERO..=Decimal::ONE).contains(&x) => x,
            Some(x) => {
                self.push(
                    "outcome",
                    Some(n),
                    format!("outcome {}: {what} {x} is not between 0 and 1", n + 1),
                );
                Decimal::ZERO
            }
            None => Decimal::ZERO,
        }
    }

    /// A place in a submission: always a district code (names are resolved before writing).
    fn code(&mut self, table: &str, n: Option<usize>, text: &str) -> Option<String> {
        if crate::toolkit::place::is_code(text) {
            return Some(text.to_string());
        }
        let shown = crate::diag::quoted(text);
        self.push(table, n, format!("place {shown} is not a district code"));
        None
    }
}

/// Recomputes a submission from its own inputs with `toolkit`. Every problem in the inputs is
/// listed (with the line of its table, from `at`), not just the first.
pub fn recompute(
    s: &Submission,
    at: &Positions,
    toolkit: &Toolkit,
    path: &Path,
) -> Result<Valuation, Problems> {
    let mut f = Found {
        path,
        at,
        problems: Problems::new(),
    };
    let period = period(&mut f, s);
    let investments = investments(&mut f, s);
    let (volunteering, hours) = volunteering(&mut f, s);
    let lines = outcome_lines(&mut f, s);
    let evidence = evidence_types(&mut f, s);
    let unvalued = unvalued(&mut f, s);
    let organisation = Organisation {
        name: s.organisation.name.clone(),
        id: s.organisation.id.clone(),
        place: s
            .organisation
            .place
            .as_deref()
            .and_then(|c| f.code("organisation", None, c)),
    };
    let places = place_notes(&mut f, s);
    let partnerships = match partnerships(s, path) {
        Ok(p) => p,
        Err(p) => {
            for d in p.list {
                f.push("partnership", Some(0), d.message);
            }
            Vec::new()
        }
    };
    let (Some(period), false) = (period, f.problems.has_errors()) else {
        return Err(f.problems);
    };
    let reach = s.reach.as_ref().map(|r| Reach {
        people: r.people,
        note: r.note.clone(),
    });
    let mut project = project::Project::from_parts(
        path,
        &s.toolkit.id,
        organisation,
        period,
        investments,
        volunteering,
        reach,
    );
    project.partnerships = partnerships;
    project.places = places;
    let rows = OutcomeRows {
        lines,
        unvalued,
        warnings: Problems::new(),
        skipped: Default::default(),
    };
    let graded = (rows, &evidence);
    crate::value::from_graded_inputs(&project, toolkit, hours, graded, stories(s))
}

/// Each outcome's `evidence_type`, by its line among the entries (as the lines are numbered
/// when recomputed); absent is an estimate, as in every version 3 file.
fn evidence_types(f: &mut Found, s: &Submission) -> EvidenceByLine {
    let mut out = EvidenceByLine::default();
    for (n, o) in s.outcome.iter().enumerate() {
        let Some(text) = o.evidence_type.as_deref() else {
            continue;
        };
        match EvidenceType::parse(text) {
            Some(e) => out.insert(n as u64 + 1, e),
            None => {
                let m = format!(
                    "outcome {}: evidence_type {} is not on the evidence scale ({})",
                    n + 1,
                    crate::diag::quoted(text),
                    EvidenceType::allowed()
                );
                f.push("outcome", Some(n), m);
            }
        }
    }
    out
}

fn period(f: &mut Found, s: &Submission) -> Option<Period> {
    let mut date = |t: &str| {
        let d = Date::parse(t);
        if d.is_none() {
            f.push("period", None, format!("{t:?} is not a date"));
        }
        d
    };
    let (start, end) = (date(&s.period.start), date(&s.period.end));
    Some(Period {
        start: start?,
        end: end?,
    })
}

fn investments(f: &mut Found, s: &Submission) -> Vec<Investment> {
    let mut out = Vec::new();
    for (n, i) in s.investment.iter().enumerate() {
        let Some(amount) = f.dec("investment", Some(n), &i.amount, "investment amount") else {
            continue;
        };
        if amount < Decimal::ZERO {
            let m = format!("investment {:?} is negative", i.source);
            f.push("investment", Some(n), m);
        }
        out.push(Investment {
            source: i.source.clone(),
            amount,
            in_kind: i.in_kind,
        });
    }
    out
}

fn volunteering(f: &mut Found, s: &Submission) -> (Option<Volunteering>, Option<HoursSummary>) {
    let Some(v) = &s.volunteering else {
        return (None, None);
    };
    let counted_as = match v.counted_as.as_str() {
        "value" => TimeAs::Value,
        "input" => TimeAs::Input,
        other => {
            let m = format!("volunteering counted_as {other:?} is not value or input");
            f.push("volunteering", None, m);
            TimeAs::Input
        }
    };
    let mut by_role = Vec::new();
    for (n, r) in v.role.iter().enumerate() {
        let Some(hours) = f.dec("volunteering.role", Some(n), &r.hours, "hours") else {
            continue;
        };
        if hours < Decimal::ZERO {
            let m = format!("role {}: hours {hours} is negative", r.role);
            f.push("volunteering.role", Some(n), m);
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
    let summary = HoursSummary::from_roles(by_role, s.results.volunteers);
    if summary.is_none() {
        let m = "the volunteer hours add up to more than can be computed".to_string();
        f.push("volunteering", None, m);
    }
    let roles = v
        .role
        .iter()
        .map(|r| Role::new(&r.role, &r.proxy))
        .collect();
    let file = f.path.to_path_buf();
    (
        Some(Volunteering {
            file,
            counted_as,
            roles,
        }),
        summary,
    )
}

const ADJUSTMENTS: [&str; 5] = [
    "deadweight",
    "attribution",
    "displacement",
    "drop_off",
    "duration",
];

fn outcome_lines(f: &mut Found, s: &Submission) -> Vec<OutcomeLine> {
    let mut lines = Vec::new();
    for (n, o) in s.outcome.iter().enumerate() {
        let adjustments = Adjustments {
            deadweight: f.fraction(n, &o.deadweight, "deadweight"),
            attribution: f.fraction(n, &o.attribution, "attribution"),
            displacement: f.fraction(n, &o.displacement, "displacement"),
            drop_off: f.fraction(n, &o.drop_off, "drop_off"),
            duration: o.duration,
        };
        if !(1..=crate::toolkit::MAX_DURATION).contains(&o.duration) {
            let m = format!(
                "outcome {}: duration {} is not a whole number of years from 1 to {}",
                n + 1,
                o.duration,
                crate::toolkit::MAX_DURATION
            );
            f.push("outcome", Some(n), m);
        }
        let quantity = f.dec("outcome", Some(n), &o.quantity, "quantity");
        let max = Decimal::from(crate::project::MAX_QUANTITY);
        if quantity.is_some_and(|q| q < Decimal::ZERO || q > max) {
            let m = format!("outcome {}: quantity {} is out of range", n + 1, o.quantity);
            f.push("outcome", Some(n), m);
        }
        let overridden = o
            .overridden
            .iter()
            .filter_map(|x| ADJUSTMENTS.into_iter().find(|k| k == x))
            .collect();
        let place = o
            .place
            .as_deref()
            .and_then(|c| f.code("outcome", Some(n), c));
        let range = range(f, o, n, quantity);
        lines.push(OutcomeLine {
            line: n as u64 + 1,
            proxy: o.proxy.clone(),
            quantity: quantity.unwrap_or_default(),
            adjustments,
            overridden,
            reason: o.reason.clone(),
            note: o.note.clone(),
            partnership: o.partnership.clone(),
            place,
            quantity_range: range,
            overlap_reason: o.overlap_reason.clone(),
        });
    }
    lines
}

/// An outcome's `quantity_low` and `quantity_high`: both or neither, holding the quantity.
fn range(
    f: &mut Found,
    o: &OutcomeRef,
    n: usize,
    q: Option<Decimal>,
) -> Option<(Decimal, Decimal)> {
    match (&o.quantity_low, &o.quantity_high) {
        (None, None) => None,
        (Some(l), Some(h)) => {
            let l = f.dec("outcome", Some(n), l, "quantity_low")?;
            let h = f.dec("outcome", Some(n), h, "quantity_high")?;
            let q = q?;
            if Decimal::ZERO <= l && l <= q && q <= h {
                return Some((l, h));
            }
            let m = format!(
                "outcome {}: the range {l} to {h} does not hold the quantity {q}",
                n + 1
            );
            f.push("outcome", Some(n), m);
            None
        }
        _ => {
            let m = format!(
                "outcome {}: quantity_low and quantity_high come together",
                n + 1
            );
            f.push("outcome", Some(n), m);
            None
        }
    }
}

fn unvalued(f: &mut Found, s: &Submission) -> Vec<Unvalued> {
    let mut out = Vec::new();
    for (n, u) in s.unvalued.iter().enumerate() {
        let quantity = match u.quantity.as_deref() {
            Some(q) => f.dec("unvalued", Some(n), q, "quantity"),
            None => None,
        };
        out.push(Unvalued {
            line: n as u64 + 1,
            quantity,
            note: u.note.clone(),
        });
    }
    out
}

fn stories(s: &Submission) -> Stories {
    Stories {
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
    }
}

fn place_notes(f: &mut Found, s: &Submission) -> Vec<project::PlaceNote> {
    let mut described = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (n, p) in s.place.iter().enumerate() {
        if !described.insert(p.place.as_str()) {
            f.push(
                "place",
                Some(n),
                format!("place {} is described twice", p.place),
            );
        }
        if p.deprivation_decile.is_some_and(|d| !(1..=10).contains(&d)) {
            let m = format!("place {}: deprivation_decile is not 1 to 10", p.place);
            f.push("place", Some(n), m);
        }
        if let Some(code) = f.code("place", Some(n), &p.place) {
            out.push(project::PlaceNote::new(code, p.deprivation_decile));
        }
    }
    out
}

/// The partnerships a submission declares, checked by the same rules as a project's
/// ([`project::Partnership::broken`]), and every outcome line's partnership declared; the first
/// problem stops the recomputation.
pub fn partnerships(s: &Submission, path: &Path) -> Result<Vec<project::Partnership>, Problems> {
    let bad = |m: String| -> Problems { Diagnostic::error(m).in_file(path).into() };
    let dec = |text: &str| parse_decimal(text).ok();
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
            let share = dec(text).ok_or_else(|| {
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
