//! The `social-value` binary: parse the command line, dispatch, and map failures to exit codes.

mod cli;
mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    one_malloc_arena();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return ExitCode::from(cmd::exit_code(cmd::clap_failed(&e))),
    };
    let result = match &cli.command {
        cli::Command::Init(a) => cmd::init::run(a).map(|()| 0),
        cli::Command::Check(a) => cmd::check::run(a).map(|()| 0),
        cli::Command::Completions { shell } => cmd::completions(*shell).map(|()| 0),
        cli::Command::Calc(a) => cmd::calc::run(a).map(|()| 0),
        cli::Command::Report(a) => cmd::report::run(a).map(|()| 0),
        cli::Command::Sensitivity(a) => cmd::sensitivity::run(a).map(|()| 0),
        cli::Command::Submit(a) => cmd::submit::run(a).map(|()| 0),
        // A review that rates the submission red exits 3, so an inbox can be checked by script.
        cli::Command::Review(a) => cmd::review::run(a),
        cli::Command::Network(a) => cmd::network::run(a).map(|()| 0),
        cli::Command::Compare(a) => cmd::compare::run(a).map(|()| 0),
        cli::Command::DemoNetwork(a) => cmd::demo_network::run(a).map(|()| 0),
        cli::Command::Toolkit(t) => cmd::toolkit::run(t).map(|()| 0),
    };
    ExitCode::from(cmd::exit_code(result.unwrap_or_else(cmd::report)))
}

/// Decision: one glibc malloc arena for every thread, so memory a network's job frees is reused
/// by the next job on any thread. With an arena per thread, each kept what its largest return
/// had needed: four jobs over four 15 MB returns, read one at a time, held 220 MiB (88 MiB with
/// one arena). The threads contend for it a little; they spend their time parsing, not
/// allocating.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any thread is started.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
