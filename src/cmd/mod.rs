//! One file per subcommand: each reads its arguments, calls the library, and writes the output.

pub mod calc;
pub mod network;
pub mod report;
pub mod review;
pub mod sensitivity;
pub mod submit;
pub mod toolkit;

use social_value::diag::Problems;
use std::io::Write;

/// Why a command stopped: problems in the user's input (and what was therefore not done),
/// or output that could not be written.
pub enum Failure {
    Input {
        problems: Problems,
        consequence: &'static str,
    },
    Output(std::io::Error),
    Write(std::path::PathBuf, std::io::Error),
}

impl Failure {
    pub fn input(problems: Problems, consequence: &'static str) -> Self {
        Failure::Input {
            problems,
            consequence,
        }
    }

    pub fn write(path: &std::path::Path, e: std::io::Error) -> Self {
        Failure::Write(path.to_path_buf(), e)
    }
}

impl From<Problems> for Failure {
    fn from(p: Problems) -> Self {
        Failure::input(p, "nothing was calculated")
    }
}

/// Writes the finished output in one go, so a failure never leaves half a result on stdout.
pub fn emit(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Failure::Output)
}

/// Warnings go to stderr, after the result, so they never mix with data on stdout.
pub fn warn(list: &[social_value::diag::Diagnostic]) {
    for w in list {
        eprint!("{w}");
    }
}

/// A valuation's warnings, and the rows `--skip-bad-rows` left out, on stderr.
pub fn warn_valuation(v: &social_value::value::Valuation) {
    warn(&v.warnings);
    if v.skipped.rows == 0 {
        return;
    }
    for d in &v.skipped.problems {
        let mut w = d.clone();
        w.severity = social_value::diag::Severity::Warning;
        w.message = format!("row left out: {}", w.message);
        eprint!("{w}");
    }
    eprintln!(
        "warning: {} row{} with problems left out (--skip-bad-rows): the figures are a draft",
        v.skipped.rows,
        if v.skipped.rows == 1 { "" } else { "s" }
    );
}
