//! `social-value network` and `demo-network`: the annual summary over many submissions, and
//! synthetic networks to try it on.

use super::{emit, Failure};
use crate::cli::{DemoNetworkArgs, NetworkArgs, ReviewFormat};
use social_value::diag::{Diagnostic, Problems};
use social_value::network;
use social_value::num::{fixed, money_gbp};
use social_value::toolkit::{self, Source};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

fn network_toolkit(path: Option<&std::path::Path>) -> Result<toolkit::Toolkit, Failure> {
    let source = path.map_or(Source::Bundled(toolkit::BUNDLED[0].0), |p| {
        Source::File(p.to_path_buf())
    });
    toolkit::load_file(&source).map_err(|p| Failure::input(p, "nothing was summarised"))
}

pub fn run(args: &NetworkArgs) -> Result<(), Failure> {
    let tk = network_toolkit(args.toolkit.as_deref())?;
    if let Some(d) = args.dirs.iter().find(|d| !d.is_dir()) {
        return Err(Failure::input(
            Problems::one(Diagnostic::error(format!("{} is not a folder", d.display())).in_file(d)),
            "nothing was summarised",
        ));
    }
    let files = network::find_files(&args.dirs);
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
        .max(1);
    // A progress line on an interactive terminal only; logs and pipes stay clean.
    let tty = std::io::stderr().is_terminal();
    let total = files.len();
    let step = (total / 100).max(1);
    let progress = move |n: usize| {
        if tty && (n % step == 0 || n == total) {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r  read {n} of {total} submissions");
            if n == total {
                let _ = writeln!(e);
            }
        }
    };
    let summary = network::summarise(&files, args.year, &tk, jobs, &progress);
    emit(&match args.format {
        ReviewFormat::Json => network::to_json(&summary),
        ReviewFormat::Table => table(&summary),
    })
}

fn table(s: &network::Summary) -> String {
    let mut out = String::new();
    let pv: rust_decimal::Decimal = s.members.iter().map(|m| m.present_value).sum();
    let inv: rust_decimal::Decimal = s.members.iter().map(|m| m.investment).sum();
    let _ = writeln!(
        out,
        "Network summary {}/{:02}, on {}",
        s.year,
        (s.year + 1).rem_euclid(100),
        s.toolkit
    );
    let _ = writeln!(
        out,
        "  files found {}: {} included, {} quarantined",
        s.files_found,
        s.members.len(),
        s.quarantined.len()
    );
    let _ = writeln!(
        out,
        "  social value {} on {} invested{}",
        money_gbp(pv),
        money_gbp(inv),
        if inv.is_zero() {
            String::new()
        } else {
            format!(", ratio {} : 1", fixed(pv / inv, 2))
        }
    );
    if let Some(d) = network::distribution(
        s.members
            .iter()
            .filter_map(network::Member::ratio)
            .collect(),
    ) {
        let _ = writeln!(
            out,
            "  members' ratios: median {}, middle half {} to {}, 5th-95th {} to {}",
            fixed(d.median, 2),
            fixed(d.q1, 2),
            fixed(d.q3, 2),
            fixed(d.p5, 2),
            fixed(d.p95, 2)
        );
    }
    for (from, n) in &s.rebased_from {
        let _ = writeln!(out, "  {n} rebased from {from}");
    }
    if !s.quarantined.is_empty() {
        let _ = writeln!(out, "\nQuarantined");
        for q in &s.quarantined {
            let _ = writeln!(out, "  {}: {}", q.file.display(), q.reason);
        }
    }
    out
}

pub fn demo(args: &DemoNetworkArgs) -> Result<(), Failure> {
    if args.out.exists()
        && std::fs::read_dir(&args.out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Failure::input(
            Problems::one(
                Diagnostic::error(format!(
                    "{} already exists and is not empty",
                    args.out.display()
                ))
                .in_file(&args.out),
            ),
            "nothing was made",
        ));
    }
    let tk = network_toolkit(None)?;
    let made = network::demo::generate(&args.out, args.members, args.seed, args.year, &tk)
        .map_err(|p| Failure::input(p, "the network is incomplete"))?;
    let [t, e, y, d] = made.broken;
    emit(&format!("made {} files for {} members in {}: {t} truncated, {e} edited by hand, {y} of another year, {d} sent twice\n", made.files, args.members, args.out.display()))
}
