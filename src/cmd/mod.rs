//! One file per subcommand: each reads its arguments, calls the library, and writes the output.

pub use social_value::num::plural;

pub mod calc;
pub mod check;
pub mod compare;
pub mod demo_network;
pub mod init;
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

/// The toolkit a network command works on: the file given, else the first bundled bank.
pub fn load_toolkit(
    path: Option<&std::path::Path>,
    consequence: &'static str,
) -> Result<social_value::toolkit::Toolkit, Failure> {
    use social_value::toolkit::{self, Source};
    let source = path.map_or(Source::Bundled(toolkit::BUNDLED[0].0), |p| {
        Source::File(p.to_path_buf())
    });
    toolkit::load_file(&source).map_err(|p| Failure::input(p, consequence))
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
        eprint!("{}", social_value::diag::terminal_safe(&w.to_string()));
    }
}

/// A valuation's warnings, and the rows `--skip-bad-rows` left out, on stderr.
pub fn warn_valuation(v: &social_value::value::Valuation) {
    warn(&v.warnings);
    warn_skipped(&v.skipped);
}

/// The rows `--skip-bad-rows` left out, each as a warning, then how many.
pub fn warn_skipped(skipped: &social_value::project::Skipped) {
    if skipped.rows == 0 {
        return;
    }
    for d in &skipped.problems {
        let mut w = d.clone();
        w.severity = social_value::diag::Severity::Warning;
        w.message = format!("row left out: {}", w.message);
        eprint!("{}", social_value::diag::terminal_safe(&w.to_string()));
    }
    eprintln!(
        "warning: {} with problems left out (--skip-bad-rows): the figures are a draft",
        plural(skipped.rows, "row", "rows")
    );
}

/// `social-value completions SHELL`: the shell's completion script, from the command line's
/// own definition.
pub fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    use clap::CommandFactory;
    let mut script = Vec::new();
    clap_complete::generate(
        shell,
        &mut crate::cli::Cli::command(),
        "social-value",
        &mut script,
    );
    emit(&String::from_utf8_lossy(&script))
}

/// A path as one shell word, for a command the user is told to run next: quoted when it has
/// spaces or other special characters.
pub fn shell_word(s: &str) -> String {
    if s.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c)) {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('"', "\\\""))
    }
}
