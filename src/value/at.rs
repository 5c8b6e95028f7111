//! Valuing the project a path names, as every command that values one does: find the project
//! file, load it and its toolkit, value it, and redact what the user asked to withhold.

use super::Valuation;
use crate::diag::Problems;
use crate::project::{self, ReadOptions};
use crate::toolkit::{self, Toolkit};
use std::path::{Path, PathBuf};

/// The project file a path names: the path itself, or the project.toml in that folder.
pub fn project_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("project.toml")
    } else {
        path.to_path_buf()
    }
}

/// Loads the project at `path` (or the project.toml in that folder), finds its toolkit (the
/// file given, else the one the project names), values it and applies the redaction list.
pub fn value_project(
    path: &Path,
    toolkit_path: Option<&Path>,
    options: ReadOptions,
    redact: Option<&Path>,
) -> Result<(Valuation, Toolkit), Problems> {
    let redactor = redact
        .map(project::redact::Redactor::from_file)
        .transpose()?;
    let project = project::load(&project_file(path))?;
    let toolkit = toolkit::for_project(&project.toolkit, &project.path, toolkit_path)?;
    let mut valuation = super::calculate_with(&project, &toolkit, options)?;
    if let Some(r) = &redactor {
        valuation.redact(r);
    }
    Ok((valuation, toolkit))
}
