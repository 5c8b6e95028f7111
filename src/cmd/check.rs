//! `social-value check`: read and check everything a project names, without valuing it.

use super::calc::project_file;
use super::{emit_text, plural, shell_word, warn, warn_skipped, Failure};
use crate::cli::CheckArgs;
use social_value::diag::{terminal_name, terminal_path};
use social_value::num::quantity;
use social_value::{project, toolkit, value};
use std::fmt::Write;

pub fn run(args: &CheckArgs) -> Result<(), Failure> {
    let fail = |p| Failure::input(p, "fix them (each says how) and run check again");
    if let Some(r) = &args.read.redact {
        social_value::project::redact::Redactor::from_file(r).map_err(fail)?;
    }
    let path = project_file(&args.project);
    let project = project::load(&path).map_err(fail)?;
    let kit = toolkit::for_project(&project.toolkit, &project.path, args.toolkit.as_deref())
        .map_err(fail)?;
    let inputs = value::read_inputs(&project, &kit, args.read.options()).map_err(fail)?;

    let mut out = format!("ok: {} is ready to value\n", terminal_path(&path));
    let _ = writeln!(
        out,
        "  toolkit      {} {} ({})",
        terminal_name(&kit.id),
        terminal_name(&kit.version),
        kit.fingerprint
    );
    if let (Some(h), Some(v)) = (&inputs.hours, &project.volunteering) {
        let _ = writeln!(
            out,
            "  volunteers   {}: {}, {} hours, {} in {}",
            terminal_path(&v.file),
            plural(h.rows, "row", "rows"),
            quantity(h.hours),
            plural(h.volunteers, "volunteer", "volunteers"),
            plural(h.roles_used(), "role", "roles")
        );
    }
    if let (Some(o), Some(p)) = (&inputs.outcomes, &project.outcomes) {
        let _ = writeln!(
            out,
            "  outcomes     {}: {} to value, {} reported unvalued",
            terminal_path(p),
            plural(o.lines.len() as u64, "line", "lines"),
            plural(o.unvalued.len() as u64, "output", "outputs")
        );
    }
    if let (Some(s), Some(p)) = (&inputs.stories, &project.stories) {
        let _ = writeln!(
            out,
            "  stories      {}: {} to share, {} held back without consent",
            terminal_path(p),
            s.shared.len(),
            s.withheld
        );
    }
    if let (Some(a), Some(p)) = (&inputs.answers, &project.indicators) {
        let answered: u64 = a.by_indicator.iter().map(|(_, x)| x.len() as u64).sum();
        let _ = writeln!(
            out,
            "  indicators   {}: {} on {}",
            terminal_path(p),
            plural(answered, "row of answers", "rows of answers"),
            plural(a.by_indicator.len() as u64, "indicator", "indicators")
        );
    }
    let mut claiming: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for id in inputs
        .outcomes
        .iter()
        .flat_map(|o| &o.lines)
        .filter_map(|l| l.partnership.as_deref())
    {
        *claiming.entry(id).or_default() += 1;
    }
    for p in &project.partnerships {
        let shared = claiming.get(p.id.as_str()).copied().unwrap_or(0);
        let split = match p.share_of(&project.organisation.id) {
            Some(s) => format!("agreed split, our share {}", social_value::num::percent(s)),
            None => "no agreed split: each row gives its own attribution".into(),
        };
        let _ = writeln!(
            out,
            "  partnership  {} with {}: {split}; {} claiming a share",
            terminal_name(&p.id),
            terminal_name(&p.others(&project.organisation.id).join(", ")),
            plural(shared, "outcome line", "outcome lines")
        );
    }
    if inputs.skipped.rows > 0 {
        let _ = writeln!(
            out,
            "  left out     {} with problems (--skip-bad-rows), listed below",
            plural(inputs.skipped.rows, "row", "rows")
        );
    }
    let _ = writeln!(
        out,
        "\nnext: social-value report {}",
        shell_word(&terminal_path(&args.project))
    );
    emit_text(&out)?;
    warn(&inputs.warnings);
    warn_skipped(&inputs.skipped);
    Ok(())
}
