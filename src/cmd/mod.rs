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

use social_value::diag::{terminal_path, terminal_safe, Problems};
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

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

/// Writes text for people on stdout, every control character in it escaped visibly
/// ([`terminal_safe`]): names from files inside it are escaped first with
/// [`social_value::diag::terminal_name`], so their line breaks are escaped too.
pub fn emit_text(text: &str) -> Result<(), Failure> {
    emit(&terminal_safe(text))
}

/// Writes data on stdout exactly as given: JSON (which escapes control characters itself),
/// CSV and completion scripts. Decision: CSV keeps its bytes (a name with a control character
/// is the name in the organisation's data, and a spreadsheet must get it as it is); it is
/// meant for a file or a program, and `calc --format table` is the view for a terminal.
/// The output is written in one go, so a failure never leaves half a result on stdout.
pub fn emit(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Failure::Output)
}

/// Set when something meant for stderr could not be written (see [`exit_code`]).
static STDERR_LOST: AtomicBool = AtomicBool::new(false);

/// Writes text for people on stderr: warnings, errors, notes, every control character in it
/// escaped visibly ([`terminal_safe`]). Every write to stderr goes through here. A failure is
/// remembered, not fatal: the result on stdout is still delivered. A closed pipe is not
/// remembered: whoever reads chose to stop.
pub fn say(text: &str) {
    let text = terminal_safe(text);
    let mut err = std::io::stderr().lock();
    if let Err(e) = err.write_all(text.as_bytes()).and_then(|()| err.flush()) {
        if e.kind() != ErrorKind::BrokenPipe {
            STDERR_LOST.store(true, Ordering::Relaxed);
        }
    }
}

/// The process's exit code once a command has finished with `code`.
///
/// Decision (issue 18), on streams that cannot be written (full, or an I/O error):
/// - stdout (the result) not written: exit 1, whatever the command would have said, with the
///   reason on stderr if that can be written: the result did not arrive ([`report`]).
/// - stdout a closed pipe (`social-value calc … | head`): the command's own code: the reader
///   took what it wanted and stopped.
/// - only stderr not written: the command's own code when it had nothing to say there, as
///   nothing was lost; when warnings or notes were lost, exit 1 if the command would have
///   exited 0: the result on stdout is whole, but a warning (figures that are a draft, rows
///   left out) must never vanish with a success code. A non-zero code (a red review's 3, a
///   usage mistake's 2) is kept: it already says more.
///
/// Never 101: nothing in the binary writes with `print!` or `eprint!`, which panic.
pub fn exit_code(code: u8) -> u8 {
    if code == 0 && STDERR_LOST.load(Ordering::Relaxed) {
        1
    } else {
        code
    }
}

/// A failed command on stderr, and its exit code (before [`exit_code`]).
pub fn report(failure: Failure) -> u8 {
    match failure {
        Failure::Input {
            problems,
            consequence,
        } => {
            say(&problems.to_string());
            say(&format!(
                "{} found; {consequence}.\n",
                plural(problems.error_count() as u64, "problem", "problems")
            ));
            1
        }
        Failure::Write(path, e) => {
            say(&format!(
                "error: cannot write {}: {e}\n",
                terminal_path(&path)
            ));
            1
        }
        Failure::Output(e) if e.kind() == ErrorKind::BrokenPipe => 0,
        Failure::Output(e) => {
            say(&format!("error: cannot write the output: {e}\n"));
            1
        }
    }
}

/// The command line could not be parsed, or asked for help or the version: clap's text on its
/// stream, and its exit code (0 for help, 2 for a mistake), or 1 when help could not be
/// written (as for any result); a mistake that cannot be shown keeps its 2. A mistake is
/// written through [`say`], as plain text: it repeats what was typed, which may hold control
/// characters.
pub fn clap_failed(e: &clap::Error) -> u8 {
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    if e.use_stderr() {
        say(&e.render().to_string());
        return code;
    }
    // Help and the version are the program's own text (coloured by clap on a terminal).
    match e.print().and_then(|()| std::io::stdout().flush()) {
        Err(w) if w.kind() != ErrorKind::BrokenPipe => {
            say(&format!("error: cannot write the output: {w}\n"));
            1
        }
        _ => code,
    }
}

/// Warnings go to stderr, after the result, so they never mix with data on stdout.
pub fn warn(list: &[social_value::diag::Diagnostic]) {
    for w in list {
        say(&w.to_string());
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
        say(&w.to_string());
    }
    say(&format!(
        "warning: {} with problems left out (--skip-bad-rows): the figures are a draft\n",
        plural(skipped.rows, "row", "rows")
    ));
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
