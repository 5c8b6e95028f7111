//! `social-value calc`: value a project and print the result as a table, JSON or CSV.

use super::{emit, warn_valuation, Failure};
use crate::cli::{CalcArgs, CalcFormat};
use social_value::project::ReadOptions;
use social_value::toolkit::Toolkit;
use social_value::value::Valuation;
use social_value::{project, report, toolkit, value};
use std::path::{Path, PathBuf};

/// The project file a path names: the path itself, or the project.toml in that folder.
pub fn project_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("project.toml")
    } else {
        path.to_path_buf()
    }
}

/// Loads the project at `path` (or the project.toml in that folder), finds its toolkit, values it.
pub fn value_project(
    path: &Path,
    toolkit_path: Option<&Path>,
    options: ReadOptions,
    redact: Option<&Path>,
) -> Result<(Valuation, Toolkit), Failure> {
    let redactor = redact
        .map(project::redact::Redactor::from_file)
        .transpose()?;
    let project = project::load(&project_file(path))?;
    let toolkit = toolkit::for_project(&project.toolkit, &project.path, toolkit_path)?;
    let mut valuation = value::calculate_with(&project, &toolkit, options)?;
    if let Some(r) = &redactor {
        valuation.redact(r);
    }
    Ok((valuation, toolkit))
}

pub fn run(args: &CalcArgs) -> Result<(), Failure> {
    let (valuation, _) = value_project(
        &args.project,
        args.toolkit.as_deref(),
        args.read.options(),
        args.read.redact.as_deref(),
    )?;
    let text = match args.format {
        CalcFormat::Table => report::text::render(&valuation),
        CalcFormat::Json => report::json::render(&valuation),
        CalcFormat::Csv => report::table::render(&valuation),
    };
    emit(&text)?;
    warn_valuation(&valuation);
    Ok(())
}
