//! `social-value proxies`: list a toolkit's proxies and story tags, so ids can be copied correctly.

use super::{emit, Failure};
use crate::cli::ProxiesArgs;
use social_value::num::{money_gbp, percent};
use social_value::toolkit::{self, Source};
use std::fmt::Write;

pub fn run(args: &ProxiesArgs) -> Result<(), Failure> {
    let source = match &args.toolkit {
        Some(p) => Source::File(p.clone()),
        None => Source::Bundled(toolkit::BUNDLED[0].0),
    };
    let tk = toolkit::load_file(&source)?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} — {} ({} prices)\n",
        tk.id, tk.version, tk.title, tk.price_year
    );
    for p in &tk.proxies {
        let rebased = tk.rebased_value(p);
        let _ = writeln!(
            out,
            "{:<44} {:>12} per {}  [{}]",
            p.id,
            money_gbp(rebased),
            p.unit,
            p.kind.as_str()
        );
        let _ = writeln!(
            out,
            "    {}; deadweight {}, attribution {}, drop-off {}, {} year(s); source: {} ({})",
            p.name,
            percent(p.defaults.deadweight),
            percent(p.defaults.attribution),
            percent(p.defaults.drop_off),
            p.defaults.duration,
            p.source,
            p.price_year
        );
    }
    let _ = writeln!(out, "\nStory tags");
    for t in &tk.tags {
        let carries = t
            .proxy
            .as_deref()
            .map(|p| format!(" -> {p}"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {:<24} {}{carries}", t.id, t.label);
    }
    emit(&out)
}
