//! `social-value calc`: value a project and print the result as a table, JSON or CSV.

use super::{emit, warn, Failure};
use crate::cli::{CalcArgs, CalcFormat};
use social_value::{project, report, toolkit, value};

pub fn run(args: &CalcArgs) -> Result<(), Failure> {
    // A folder stands for the project.toml inside it.
    let path = if args.project.is_dir() {
        args.project.join("project.toml")
    } else {
        args.project.clone()
    };
    let project = project::load(&path)?;
    let toolkit = toolkit::for_project(&project.toolkit, &project.path, args.toolkit.as_deref())?;
    let valuation = value::calculate(&project, &toolkit)?;
    let text = match args.format {
        CalcFormat::Table => report::text::render(&valuation),
        CalcFormat::Json => report::json::render(&valuation),
        CalcFormat::Csv => report::table::render(&valuation),
    };
    emit(&text)?;
    warn(&valuation.warnings);
    Ok(())
}
