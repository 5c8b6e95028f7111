//! `social-value init`: make a ready-to-fill project folder and say what to run next.

use super::{emit_text, Failure};
use crate::cli::InitArgs;
use social_value::date::{civil_from_days, Date};
use social_value::diag::{terminal_name, terminal_path, Diagnostic};
use social_value::project::template;
use social_value::toolkit;
use std::path::Path;

pub fn run(args: &InitArgs) -> Result<(), Failure> {
    let dir = &args.dir;
    // The toolkit is looked for where the project will look (bundled, the folder, proxies/),
    // and in the current folder, where a network's shared toolkit often is.
    let source = toolkit::find(&args.toolkit, dir)
        .or_else(|| toolkit::find(&args.toolkit, Path::new(".")))
        .ok_or_else(|| {
        Failure::input(
            Diagnostic::error(format!("cannot find toolkit \"{}\"", terminal_name(&args.toolkit)))
                .with_help("give the name of a bundled toolkit (uk-core) or of a toolkit file in the folder or in proxies/")
                .into(),
            "no project was made",
        )
    })?;
    let kit = toolkit::load_file(&source).map_err(|p| Failure::input(p, "no project was made"))?;
    let files = template::new_project(&kit, &args.toolkit, today());
    // Nothing the user already has is overwritten: refuse before writing anything.
    let existing: Vec<String> = files
        .iter()
        .map(|(name, _)| dir.join(name))
        // A link, even to nothing, is the user's too.
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .map(|p| terminal_path(&p))
        .collect();
    if !existing.is_empty() {
        return Err(Failure::input(
            Diagnostic::error(format!(
                "{} already has {}",
                terminal_path(dir),
                existing.join(", ")
            ))
            .with_help("choose a new folder name, or move those files first: init never overwrites")
            .into(),
            "no project was made",
        ));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::input(
            Diagnostic::error(format!("{} is a file, not a folder", terminal_path(dir))).into(),
            "no project was made",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| Failure::write(dir, e))?;
    for (name, text) in &files {
        let path = dir.join(name);
        social_value::write::write_atomic(&path, text.as_bytes())
            .map_err(|e| Failure::write(&path, e))?;
    }
    let mut out = next_steps(dir, &files);
    if let toolkit::Source::File(path) = &source {
        if toolkit::find(&args.toolkit, dir).is_none() {
            out.push_str(&format!(
                "\nnote: the toolkit was found at {}; the project looks for {}.toml in its own folder or proxies/, so copy it there or give --toolkit PATH\n",
                terminal_path(path),
                terminal_name(&args.toolkit)
            ));
        }
    }
    emit_text(&out)
}

fn next_steps(dir: &Path, files: &[(&str, String)]) -> String {
    let d = super::shell_word(&terminal_path(dir));
    let mut out = format!("made {}\n", terminal_path(dir));
    for (name, _) in files {
        out.push_str(&format!("  {name}\n"));
    }
    out.push_str(&format!(
        "\nFill in project.toml and the three tables (or point them at your spreadsheets), then run:\n\
         \n  social-value check {d}      lists anything to fix, with how\n\
         \x20 social-value calc {d}       the figures and every line's working\n\
         \x20 social-value report {d}     the report, as HTML, Markdown and CSV\n\
         \nThe example rows value as they are, so you can try all three now.\n"
    ));
    out
}

/// Today's date from the system clock (UTC), for the template's period.
fn today() -> Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    civil_from_days(days as i64).unwrap_or(Date {
        year: 2025,
        month: 4,
        day: 1,
    })
}
