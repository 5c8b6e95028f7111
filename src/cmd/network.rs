//! `social-value network`: the annual summary over every member's return in one or more folders.

use super::{emit_text, load_toolkit, Failure};
use crate::cli::{NetworkArgs, ReviewFormat};
use social_value::diag::{terminal_path, Diagnostic, Problems};
use social_value::network::{self, figures::Figures};
use social_value::submission::gate::Rules;
use std::io::IsTerminal;
use std::path::Path;

const NOTHING: &str = "nothing was summarised";

fn folder(dir: &Path) -> Result<(), Failure> {
    if dir.is_dir() {
        return Ok(());
    }
    Err(Failure::input(
        Problems::one(
            Diagnostic::error(format!("{} is not a folder", terminal_path(dir))).in_file(dir),
        ),
        NOTHING,
    ))
}

/// A progress line on an interactive terminal only; logs and pipes stay clean.
fn progress(total: usize) -> impl Fn(usize) + Sync {
    let tty = std::io::stderr().is_terminal();
    let step = (total / 100).max(1);
    move |n: usize| {
        if tty && (n % step == 0 || n == total) {
            let end = if n == total { "\n" } else { "" };
            super::say(&format!("\r  read {n} of {total} submissions{end}"));
        }
    }
}

pub fn run(args: &NetworkArgs) -> Result<(), Failure> {
    let tk = load_toolkit(args.toolkit.as_deref(), NOTHING)?;
    for d in args.dirs.iter().chain(&args.previous) {
        folder(d)?;
    }
    let rules = Rules {
        toolkit: &tk,
        year: Some(args.year),
        max_months: args.max_months,
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
        .max(1);
    let inbox = network::inbox::read(&args.dirs);
    let summary = network::summarise(&inbox, &rules, jobs, &progress(inbox.files.len()));
    let previous = args.previous.as_ref().map(|dir| {
        let last = Rules {
            year: Some(args.year - 1),
            ..rules
        };
        network::summarise(
            &network::inbox::read(std::slice::from_ref(dir)),
            &last,
            jobs,
            &|_| {},
        )
    });
    let figures = Figures::new(&summary, previous.as_ref(), args.rank);
    if let Some(dir) = &args.out {
        let written = network::output::write(dir, &figures)
            .map_err(|p| Failure::input(p, "no summary folder was written"))?;
        super::warn(&written.notes);
    }
    match args.format {
        ReviewFormat::Json => {
            use std::io::Write;
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            network::json::write_json(&figures, &mut out)
                .and_then(|()| out.flush())
                .map_err(Failure::Output)
        }
        ReviewFormat::Table => emit_text(&social_value::page::document::plain(
            &network::page::document(&figures),
        )),
    }
}
