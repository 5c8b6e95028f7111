//! `social-value sensitivity`: how sure a project's figure is.

use super::calc::value_project;
use super::{emit, Failure};
use crate::cli::{SensitivityArgs, SensitivityFormat};
use social_value::diag::{Diagnostic, Problems};
use social_value::report::uncertainty;
use social_value::sensitivity;

pub fn run(args: &SensitivityArgs) -> Result<(), Failure> {
    let (valuation, toolkit) = value_project(&args.project, args.toolkit.as_deref())?;
    let s = sensitivity::analyse(
        &valuation,
        &toolkit,
        args.simulation.runs,
        args.simulation.seed,
    )
    .map_err(|_| {
        Problems::one(Diagnostic::error(
            "the figures are too large to analyse exactly",
        ))
    })?;
    emit(&match args.format {
        SensitivityFormat::Table => uncertainty::text(&s),
        SensitivityFormat::Json => uncertainty::json(&s),
    })
}
