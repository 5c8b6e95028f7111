//! `social-value demo-network`: a synthetic network of member returns to try `network` on.

use super::{emit_text, load_toolkit, Failure};
use crate::cli::DemoNetworkArgs;
use social_value::diag::{terminal_path, Diagnostic, Problems};
use social_value::network;

pub fn run(args: &DemoNetworkArgs) -> Result<(), Failure> {
    let non_empty = std::fs::read_dir(&args.out)
        .map(|mut d| d.next().is_some())
        .unwrap_or(true);
    if args.out.exists() && non_empty {
        return Err(Failure::input(
            Problems::one(
                Diagnostic::error(format!(
                    "{} already exists and is not empty",
                    terminal_path(&args.out)
                ))
                .in_file(&args.out),
            ),
            "nothing was made",
        ));
    }
    let tk = load_toolkit(None, "nothing was made")?;
    let made = network::demo::generate(&args.out, args.members, args.seed, args.year, &tk)
        .map_err(|p| Failure::input(p, "the network is incomplete"))?;
    let [t, e, y, d] = made.broken;
    emit_text(&format!("made {} files for {} members in {}: {t} truncated, {e} edited by hand, {y} of another year, {d} sent twice\n", made.files, args.members, terminal_path(&args.out)))
}
