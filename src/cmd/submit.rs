//! `social-value submit`: value a project and write the submission file a commissioner reviews.

use super::calc::value_project;
use super::{emit_text, warn, Failure};
use crate::cli::SubmitArgs;
use social_value::diag::{terminal_name, terminal_path};
use social_value::submission;

pub fn run(args: &SubmitArgs) -> Result<(), Failure> {
    let (valuation, toolkit) = value_project(
        &args.project,
        args.toolkit.as_deref(),
        // A submission is a final return: it is made from clean input only.
        social_value::project::ReadOptions::default(),
        args.redact.as_deref(),
    )?;
    let s = submission::from_valuation(&valuation, &toolkit, now());
    let text = submission::to_readable_toml(&s)
        .map_err(|p| Failure::input(p, "no submission was written"))?;
    // Never written over anything but a submission, nor into a pipe or device.
    social_value::write::write_over(
        &args.out,
        text.as_bytes(),
        "submission",
        submission::is_submission,
    )
    .map_err(|p| Failure::input(p, "no submission was written"))?;
    emit_text(&format!(
        "wrote {} ({} {}, fingerprint {})\n",
        terminal_path(&args.out),
        terminal_name(&s.organisation.name),
        s.period.start,
        s.submission.fingerprint
    ))?;
    warn(&valuation.warnings);
    Ok(())
}

/// Now, as a submission records when it was written. `SOURCE_DATE_EPOCH` (seconds since 1970,
/// the reproducible-builds convention) fixes it, so the same project can give the same bytes.
fn now() -> Option<String> {
    let seconds = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => s.trim().parse::<i64>().ok()?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())?,
    };
    social_value::date::utc_timestamp(seconds)
}
