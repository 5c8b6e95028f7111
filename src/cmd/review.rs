//! `social-value review`: a commissioner's red/amber/green review of a submission.

use super::{emit, emit_text, Failure};
use crate::cli::{ReviewArgs, ReviewFormat};
use social_value::diag::{terminal_path, Diagnostic, Problems};
use social_value::review::{self, Options, Rating};

/// A review's folder (`--out`): its pages and the marker that lets a later review replace it.
const REVIEW_FOLDER: social_value::write::Owned = social_value::write::Owned {
    marker: ".social-value-review",
    what: "review",
    legacy: &["review.html", "review.md"],
};

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
        let pages = review::html(&r)
            .and_then(|h| Ok((h, review::markdown(&r)?)))
            .map_err(|p| Failure::input(p, "no review page was written"))?;
        // The pages' folder is replaced whole, and only when it holds nothing else.
        let notes = social_value::write::replace_folder(dir, REVIEW_FOLDER, |tmp| {
            for (name, body) in [("review.html", &pages.0), ("review.md", &pages.1)] {
                let p = tmp.join(name);
                std::fs::write(&p, body).map_err(|e| {
                    Problems::one(
                        Diagnostic::error(format!("cannot write {}: {e}", p.display())).in_file(&p),
                    )
                })?;
            }
            Ok(())
        })
        .map_err(|p| Failure::input(p, "no review page was written"))?;
        super::warn(&notes);
    }
    match args.format {
        ReviewFormat::Table => emit_text(&review::text(&r)),
        ReviewFormat::Json => emit(&review::json(&r)),
    }?;
    Ok(if r.overall() == Rating::Red { RED } else { 0 })
}
