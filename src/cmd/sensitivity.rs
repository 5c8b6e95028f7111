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
    let runs = sensitivity::runs_within_budget(v.lines.len(), sim.runs);
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
