//! The one gate: whether a file is a member's return that may be counted, for a toolkit and
//! (for a network) a year. `network`, `review`, `review --network` and `compare` all ask it.

use super::format::{Results, Submission};
use super::{read, recompute, results_of, FORMAT_VERSIONS};
use crate::date::Date;
use crate::diag::{Diagnostic, Problems};
use crate::toolkit::Toolkit;
use crate::value::Valuation;
use std::path::{Path, PathBuf};

/// Longest period an annual return covers, unless a network says otherwise.
pub const ANNUAL_MONTHS: u32 = 12;

/// What a return is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// The toolkit its figures are recomputed with; its id must be the return's.
    pub toolkit: &'a Toolkit,
    /// The financial year (by its starting calendar year) the return must start in, and then
    /// cover at most `max_months` months; `None` accepts any period.
    pub year: Option<i32>,
    pub max_months: u32,
}

/// How the toolkit the return was made with relates to the one it is checked with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bank {
    /// The same content (fingerprint): every figure must recompute to the penny.
    Same,
    /// The same id and version, other content: a copy edited since, or not this bank at all.
    /// The figures must still recompute to the penny with the checker's copy.
    SameVersionOtherContent,
    /// Another version of the same bank: values were revised, so the claimed figures cannot
    /// be checked; the recomputed ones are used.
    OtherVersion,
}

/// A return that may be counted: the file, its submission, and what the gate found of it.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub path: PathBuf,
    pub submission: Submission,
    pub verdict: Verdict,
}

/// What the gate found of a return it lets through: its figures recomputed on the rules'
/// toolkit, and who and when it is for.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// Recomputed: the figures used everywhere (totals, ranking, comparison).
    pub valuation: Valuation,
    /// The organisation id in its normal form.
    pub id: String,
    pub start: Date,
    pub end: Date,
    /// When it was written, if it says (`[submission] written`).
    pub written: Option<String>,
    pub bank: Bank,
    /// Claimed figures that differ from the recomputed ones (only with [`Bank::OtherVersion`]).
    pub differences: Vec<String>,
}

/// Which rule a return failed, in the order they are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Not a readable submission (syntax, shape, numbers out of range).
    Read,
    /// A format version this build does not read.
    Version,
    /// Changed after it was written.
    Fingerprint,
    /// An organisation id that hides characters.
    Organisation,
    /// A period that is not a date, or not the year's.
    Period,
    /// Made with another bank altogether.
    Toolkit,
    /// Its inputs cannot be recomputed.
    Recompute,
    /// Its figures are not what its inputs give.
    Figures,
}

/// A return that may not be counted: every reason, each with its line where there is one, and
/// what the organisation should do.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub path: PathBuf,
    pub stage: Stage,
    /// At [`Stage::Figures`], the valuation its inputs give (for a reviewer's other checks).
    pub recomputed: Option<Box<Valuation>>,
    /// The organisation's name, when the file could be read far enough to give it.
    pub organisation: Option<String>,
    pub problems: Problems,
    pub action: String,
}

impl Rejected {
    /// The first reason with its line, in one line of text (a quarantine list's cell).
    pub fn reason(&self) -> String {
        let Some(d) = self.problems.list.first() else {
            return "refused".into();
        };
        let line = d.location.as_ref().and_then(|l| l.line);
        let more = self.problems.list.len() - 1;
        format!(
            "{}{}{}",
            line.map(|l| format!("line {l}: ")).unwrap_or_default(),
            d.message,
            if more > 0 {
                format!(" (and {more} more)")
            } else {
                String::new()
            }
        )
    }
}

fn refuse(
    stage: Stage,
    path: &Path,
    s: Option<&Submission>,
    problems: Problems,
    action: String,
) -> Rejected {
    Rejected {
        path: path.to_path_buf(),
        stage,
        recomputed: None,
        organisation: s.map(|s| s.organisation.name.clone()),
        problems,
        action,
    }
}

/// Whether the file at `path` is a return that may be counted under `rules`.
pub fn accept(path: &Path, rules: &Rules) -> Result<Accepted, Rejected> {
    let read = read(path).map_err(|p| {
        let action = "ask the organisation to send the file social-value submit wrote again";
        refuse(Stage::Read, path, None, p, action.into())
    })?;
    let verdict = judge(path, &read, rules)?;
    Ok(Accepted {
        path: path.to_path_buf(),
        submission: read.submission,
        verdict,
    })
}

/// Whether a return already read from `path` may be counted under `rules` (every stage after
/// reading), for a caller that keeps the [`super::Read`] for checks of its own.
pub fn judge(path: &Path, read: &super::Read, rules: &Rules) -> Result<Verdict, Rejected> {
    let s = &read.submission;
    let ask = |what: &str| format!("ask {} to {what}", s.organisation.name);
    let one = |line: Option<u64>, message: String| -> Problems {
        let d = Diagnostic::error(message);
        Problems::one(match line {
            Some(l) => d.at_line(path, l),
            None => d.in_file(path),
        })
    };
    let header = read.positions.table("submission");
    if !FORMAT_VERSIONS.contains(&s.submission.format_version) {
        let m = format!(
            "format_version {} is not one this version of social-value reads",
            s.submission.format_version
        );
        return Err(refuse(
            Stage::Version,
            path,
            Some(s),
            one(header, m),
            "update social-value, or ".to_string()
                + &ask("send a return social-value submit wrote"),
        ));
    }
    if s.submission.fingerprint != read.computed_fingerprint {
        let m =
            "the fingerprint does not match the content: the file was changed after it was written"
                .to_string();
        return Err(refuse(
            Stage::Fingerprint,
            path,
            Some(s),
            one(header, m),
            ask("send the file social-value submit wrote, unchanged"),
        ));
    }
    let id = crate::project::org_id::normalise(&s.organisation.id).map_err(|why| {
        let at = read.positions.table("organisation");
        refuse(
            Stage::Organisation,
            path,
            Some(s),
            one(at, why),
            ask("write its organisation id as it is registered, and submit again"),
        )
    })?;
    let (start, end) = period(path, read, rules).map_err(|p| {
        refuse(
            Stage::Period,
            path,
            Some(s),
            p,
            ask("send its return for this year"),
        )
    })?;
    let bank = bank(s, rules.toolkit).map_err(|m| {
        let at = read.positions.table("toolkit");
        refuse(
            Stage::Toolkit,
            path,
            Some(s),
            one(at, m),
            ask(&format!(
                "make its return with toolkit {}",
                rules.toolkit.id
            )),
        )
    })?;
    let valuation = recompute(s, &read.positions, rules.toolkit, path).map_err(|p| {
        refuse(
            Stage::Recompute,
            path,
            Some(s),
            p,
            ask("correct its inputs and submit again with social-value submit"),
        )
    })?;
    let differences = differences(&s.results, &results_of(&valuation));
    if !differences.is_empty() && bank != Bank::OtherVersion {
        let at = read.positions.table("results");
        let m = format!(
            "its figures are not what its own inputs give on {} {}: {}",
            rules.toolkit.id, rules.toolkit.version, differences[0]
        );
        let mut problems = one(at, m);
        for d in &differences[1..] {
            problems.extend(one(at, d.clone()));
        }
        let action =
            ask("say how its figures were reached, or submit again with social-value submit");
        let mut r = refuse(Stage::Figures, path, Some(s), problems, action);
        r.recomputed = Some(Box::new(valuation));
        return Err(r);
    }
    Ok(Verdict {
        id,
        start,
        end,
        written: s.submission.written.clone(),
        bank,
        differences,
        valuation,
    })
}

/// The period's dates; with a year, it must start in that financial year and cover at most
/// the months allowed.
fn period(path: &Path, read: &super::Read, rules: &Rules) -> Result<(Date, Date), Problems> {
    let s = &read.submission;
    let at = read.positions.table("period");
    let bad = |m: String| {
        let d = Diagnostic::error(m);
        Problems::one(match at {
            Some(l) => d.at_line(path, l),
            None => d.in_file(path),
        })
    };
    let date =
        |t: &str| Date::parse(t).ok_or_else(|| bad(format!("the period date {t:?} is not a date")));
    let (start, end) = (date(&s.period.start)?, date(&s.period.end)?);
    if end < start {
        return Err(bad(format!(
            "the period ends ({end}) before it starts ({start})"
        )));
    }
    let Some(year) = rules.year else {
        return Ok((start, end));
    };
    if start.financial_year() != year {
        return Err(bad(format!(
            "wrong year: the period starts in financial year {}, not {}",
            fy(start.financial_year()),
            fy(year)
        )));
    }
    let months = months_covered(start, end);
    if months > rules.max_months {
        return Err(bad(format!(
            "the period {start} to {end} covers {months} months; an annual return covers at most {}",
            rules.max_months
        )));
    }
    Ok((start, end))
}

/// `2024/25`.
fn fy(year: i32) -> String {
    format!("{year}/{:02}", (year + 1).rem_euclid(100))
}

/// Whole or part calendar months from `start` to `end` inclusive: 1 April to 31 March is 12,
/// 1 April to 1 April a year later is 13.
fn months_covered(start: Date, end: Date) -> u32 {
    let whole = (end.year - start.year) * 12 + i32::from(end.month) - i32::from(start.month);
    // A period reaching the day before its start's day in the last month ends a whole month.
    let extra = i32::from(end.day >= start.day);
    u32::try_from(whole + extra).unwrap_or(0)
}

/// How the return's toolkit relates to `tk`; `Err` when it is another bank altogether.
fn bank(s: &Submission, tk: &Toolkit) -> Result<Bank, String> {
    if s.toolkit.id != tk.id {
        return Err(format!(
            "made with toolkit {}, not {}: its values cannot be compared with the others",
            s.toolkit.id, tk.id
        ));
    }
    Ok(if s.toolkit.fingerprint == tk.fingerprint {
        Bank::Same
    } else if s.toolkit.version == tk.version {
        Bank::SameVersionOtherContent
    } else {
        Bank::OtherVersion
    })
}

/// Where claimed results differ from recomputed ones, a sentence each: totals, then lines.
pub fn differences(claimed: &Results, got: &Results) -> Vec<String> {
    let mut out = Vec::new();
    let mut total = |name: &str, a: &str, b: &str| {
        if a != b {
            out.push(format!("{name}: claimed {a}, recomputed {b}"));
        }
    };
    total("investment", &claimed.investment, &got.investment);
    total("present value", &claimed.present_value, &got.present_value);
    total(
        "net present value",
        &claimed.net_present_value,
        &got.net_present_value,
    );
    total(
        "volunteer hours",
        &claimed.volunteer_hours,
        &got.volunteer_hours,
    );
    let none = || "none".to_string();
    let show = |r: &Option<String>| r.clone().unwrap_or_else(none);
    total(
        "SROI ratio",
        &show(&claimed.sroi_ratio),
        &show(&got.sroi_ratio),
    );
    // Version 3's totals (an older file has none to compare).
    for (name, a, b) in [
        ("transfers", &claimed.transfers, &got.transfers),
        ("value from stories", &claimed.story_value, &got.story_value),
        (
            "volunteer time at replacement cost",
            &claimed.volunteer_time_value,
            &got.volunteer_time_value,
        ),
    ] {
        if let (Some(a), Some(b)) = (a, b) {
            total(name, a, b);
        }
    }
    if claimed.line.len() != got.line.len() {
        out.push(format!(
            "{} lines claimed, {} recomputed",
            claimed.line.len(),
            got.line.len()
        ));
    }
    for (i, (a, b)) in claimed.line.iter().zip(&got.line).enumerate() {
        // Origins name file lines, which a submission does not keep; proxy and value must agree.
        if a.proxy != b.proxy || a.present_value != b.present_value {
            out.push(format!(
                "result line {} ({}): claimed {}, recomputed {} ({})",
                i + 1,
                a.proxy,
                a.present_value,
                b.present_value,
                b.proxy
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_covered_counts_calendar_months() {
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        assert_eq!(months_covered(d(2024, 4, 1), d(2025, 3, 31)), 12);
        assert_eq!(months_covered(d(2024, 4, 1), d(2025, 4, 1)), 13);
        assert_eq!(months_covered(d(2024, 4, 1), d(2027, 3, 31)), 36);
        assert_eq!(months_covered(d(2024, 4, 15), d(2025, 4, 14)), 12);
        assert_eq!(months_covered(d(2024, 4, 1), d(2024, 4, 30)), 1);
    }
}
