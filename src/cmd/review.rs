//! `social-value review`: a commissioner's red/amber/green review of a submission.

use super::{emit, emit_text, Failure};
use crate::cli::{ReviewArgs, ReviewFormat};
use social_value::diag::{terminal_path, Diagnostic, Problems};
use social_value::review::{self, Options, Rating};

/// Exit status when the overall rating is red, so an inbox can be reviewed by script.
pub const RED: u8 = 3;

pub fn run(args: &ReviewArgs) -> Result<u8, Failure> {
    if !args.submission.exists() {
        return Err(Failure::input(
            Problems::one(
                Diagnostic::error(format!(
                    "{} does not exist",
                    terminal_path(&args.submission)
                ))
                .in_file(&args.submission),
            ),
            "nothing was reviewed",
        ));
    }
    let r = review::review(
        &args.submission,
        Options {
            toolkit: args.toolkit.as_deref(),
            network: args.network.as_deref(),
            year: args.year,
        },
    );
    if let Some(dir) = &args.out {
        if dir.exists() && !dir.is_dir() {
            return Err(Failure::input(
                Problems::one(
                    Diagnostic::error(format!("{} is a file, not a folder", terminal_path(dir)))
                        .in_file(dir)
                        .with_help("give --out a folder"),
                ),
                "nothing was reviewed",
            ));
        }
        let pages = review::html(&r)
            .and_then(|h| Ok((h, review::markdown(&r)?)))
            .map_err(|p| Failure::input(p, "no review page was written"))?;
        std::fs::create_dir_all(dir).map_err(|e| Failure::write(dir, e))?;
        for (name, body) in [("review.html", pages.0), ("review.md", pages.1)] {
            let p = dir.join(name);
            social_value::write::write_atomic(&p, body.as_bytes())
                .map_err(|e| Failure::write(&p, e))?;
        }
    }
    match args.format {
        ReviewFormat::Table => emit_text(&review::text(&r)),
        ReviewFormat::Json => emit(&review::json(&r)),
    }?;
    Ok(if r.overall() == Rating::Red { RED } else { 0 })
}
