//! `social-value sensitivity`: how sure a project's figure is.

use super::calc::value_project;
use super::{emit, emit_text, Failure};
use crate::cli::{SensitivityArgs, SensitivityFormat, SimulationArgs};
use social_value::report::uncertainty;
use social_value::sensitivity::{self, Sensitivity};
use social_value::toolkit::Toolkit;
use social_value::value::Valuation;

/// The analysis of a valuation with the command line's simulation settings; `consequence`
/// says what was not done when it cannot be made.
pub fn analyse(
    v: &Valuation,
    toolkit: &Toolkit,
    sim: &SimulationArgs,
    consequence: &'static str,
) -> Result<Sensitivity, Failure> {
    let runs = sensitivity::runs_within_budget(v.lines.len(), sim.runs);
    if runs < sim.runs {
        super::say(&format!(
            "warning: {} lines × {} runs would be slow: the simulation makes {runs} runs\n",
            v.lines.len(),
            sim.runs
        ));
    }
    sensitivity::analyse(v, toolkit, runs, sim.seed).map_err(|p| Failure::input(p, consequence))
}

pub fn run(args: &SensitivityArgs) -> Result<(), Failure> {
    let (valuation, toolkit) = value_project(
        &args.project,
        args.toolkit.as_deref(),
        args.read.options(),
        args.read.redact.as_deref(),
    )?;
    let s = analyse(
        &valuation,
        &toolkit,
        &args.simulation,
        "nothing was analysed",
    )?;
    match args.format {
        SensitivityFormat::Table => emit_text(&uncertainty::text(&s)),
        SensitivityFormat::Json => emit(&uncertainty::json(&s)),
    }?;
    super::warn_valuation(&valuation);
    Ok(())
}
