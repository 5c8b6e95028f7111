//! `social-value calc`: value a project and print the result as a table, JSON or CSV.

use super::{emit, emit_text, warn_valuation, Failure};
use crate::cli::{CalcArgs, CalcFormat};
use social_value::project::ReadOptions;
use social_value::report;
use social_value::toolkit::Toolkit;
use social_value::value::Valuation;
use std::path::Path;

pub use social_value::value::at::project_file;

/// [`social_value::value::at::value_project`], its problems reported as the command's.
pub fn value_project(
    path: &Path,
    toolkit_path: Option<&Path>,
    options: ReadOptions,
    redact: Option<&Path>,
) -> Result<(Valuation, Toolkit), Failure> {
    Ok(social_value::value::at::value_project(
        path,
        toolkit_path,
        options,
        redact,
    )?)
}

pub fn run(args: &CalcArgs) -> Result<(), Failure> {
    let (valuation, _) = value_project(
        &args.project,
        args.toolkit.as_deref(),
        args.read.options(),
        args.read.redact.as_deref(),
    )?;
    match args.format {
        CalcFormat::Table => emit_text(&report::text::render(&valuation)),
        CalcFormat::Json => emit(&report::json::render(&valuation)),
        CalcFormat::Csv => emit(&report::table::render(&valuation)),
    }?;
    warn_valuation(&valuation);
    Ok(())
}
