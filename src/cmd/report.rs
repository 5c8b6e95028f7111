//! `social-value report`: value a project and write its report folder.

use super::calc::value_project;
use super::{emit_text, warn_valuation, Failure};
use crate::cli::{ReportArgs, ReportFormat};
use social_value::diag::terminal_path;
use social_value::report::output::{self, Formats};
use social_value::report::render::Templates;

pub fn run(args: &ReportArgs) -> Result<(), Failure> {
    let templates = match &args.template {
        Some(dir) => {
            Templates::from_dir(dir).map_err(|p| Failure::input(p, "no report was written"))?
        }
        None => Templates::builtin(),
    };
    let (valuation, toolkit) = value_project(
        &args.project,
        args.toolkit.as_deref(),
        args.read.options(),
        args.read.redact.as_deref(),
    )?;
    let has = |f: ReportFormat| args.format.contains(&f);
    let formats = Formats {
        html: has(ReportFormat::Html),
        markdown: has(ReportFormat::Md),
        csv: has(ReportFormat::Csv),
        json: has(ReportFormat::Json),
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| output::default_dir(&valuation));
    let sens = super::sensitivity::analyse(
        &valuation,
        &toolkit,
        &args.simulation,
        "no report was written",
    )?;
    let written = output::write(&dir, &valuation, &toolkit, Some(&sens), formats, &templates)
        .map_err(|p| Failure::input(p, "no report was written"))?;
    let mut out = format!("wrote {}\n", terminal_path(&written.dir));
    for f in &written.files {
        out.push_str(&format!("  {}\n", terminal_path(f)));
    }
    emit_text(&out)?;
    // What was put right of an earlier run stopped part-way.
    super::warn(&written.notes);
    warn_valuation(&valuation);
    Ok(())
}
