//! `social-value sensitivity`: how sure a project's figure is.

use super::calc::value_project;
use super::{emit, Failure};
use crate::cli::{SensitivityArgs, SensitivityFormat, SimulationArgs};
use social_value::diag::{Diagnostic, Problems};
use social_value::report::uncertainty;
use social_value::sensitivity::{self, Sensitivity};
use social_value::toolkit::Toolkit;
use social_value::value::Valuation;

/// The analysis of a valuation with the command line's simulation settings.
pub fn analyse(
    v: &Valuation,
    toolkit: &Toolkit,
    sim: &SimulationArgs,
) -> Result<Sensitivity, Failure> {
    // Decision: a simulation values every line in every run; beyond this many line-runs it
    // would take minutes, so the runs are cut (never below 1,000) and the output says how many.
    const BUDGET: u64 = 50_000_000;
    let lines = (v.lines.len() as u64).max(1);
    let runs =
        u32::try_from((BUDGET / lines).max(1_000).min(u64::from(sim.runs))).unwrap_or(sim.runs);
    if runs < sim.runs {
        eprintln!(
            "warning: {} lines × {} runs would be slow: the simulation makes {runs} runs",
            v.lines.len(),
            sim.runs
        );
    }
    sensitivity::analyse(v, toolkit, runs, sim.seed).map_err(|_| {
        Problems::one(Diagnostic::error(
            "the figures are too large to analyse exactly",
        ))
        .into()
    })
}

pub fn run(args: &SensitivityArgs) -> Result<(), Failure> {
    let (valuation, toolkit) = value_project(
        &args.project,
        args.toolkit.as_deref(),
        args.read.options(),
        args.read.redact.as_deref(),
    )?;
    let s = analyse(&valuation, &toolkit, &args.simulation)?;
    emit(&match args.format {
        SensitivityFormat::Table => uncertainty::text(&s),
        SensitivityFormat::Json => uncertainty::json(&s),
    })?;
    super::warn_valuation(&valuation);
    Ok(())
}
