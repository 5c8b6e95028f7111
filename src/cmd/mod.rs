//! One file per subcommand: each reads its arguments, calls the library, and writes the output.

pub mod calc;
pub mod proxies;

use social_value::diag::Problems;
use std::io::Write;

/// Why a command stopped: problems in the user's input, or output that could not be written.
pub enum Failure {
    Input(Problems),
    Output(std::io::Error),
}

impl From<Problems> for Failure {
    fn from(p: Problems) -> Self {
        Failure::Input(p)
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
