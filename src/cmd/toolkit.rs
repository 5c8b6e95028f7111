//! `social-value toolkit ...`: check, list, show, diff and import, for the people who keep a
//! shared toolkit.

use super::{emit_text, warn, Failure};
use crate::cli::{KindArg, ToolkitCommand};
use social_value::diag::{terminal_name as n, terminal_path, Problems};
use social_value::num::{money_gbp, percent};
use social_value::toolkit::{self, diff, import, stamp, Kind, Proxy, Source, Toolkit};
use std::fmt::Write;
use std::path::Path;

pub fn run(cmd: &ToolkitCommand) -> Result<(), Failure> {
    match cmd {
        ToolkitCommand::Check { file, stamp } => check(file, *stamp),
        ToolkitCommand::List {
            file,
            kind,
            theme,
            search,
        } => list(file.as_deref(), *kind, theme.as_deref(), search),
        ToolkitCommand::Show { id, file } => show(id, file.as_deref()),
        ToolkitCommand::Diff { old, new } => diff_cmd(old, new),
        ToolkitCommand::Import {
            file,
            into,
            url,
            licence,
        } => import_cmd(file, into, url, licence),
    }
}

/// A file path, or the name of a bundled toolkit when no such file exists.
fn source(arg: Option<&Path>) -> Source {
    match arg {
        None => Source::Bundled(toolkit::BUNDLED[0].0),
        Some(p) if !p.exists() => toolkit::BUNDLED
            .iter()
            .find(|(name, _)| Path::new(name) == p)
            .map_or_else(
                || Source::File(p.to_path_buf()),
                |(name, _)| Source::Bundled(name),
            ),
        Some(p) => Source::File(p.to_path_buf()),
    }
}

fn load(arg: Option<&Path>) -> Result<Toolkit, Failure> {
    toolkit::load_file(&source(arg)).map_err(|p| Failure::input(p, "the toolkit is not valid"))
}

fn summary(tk: &Toolkit) -> String {
    let years = match (tk.price_index.keys().next(), tk.price_index.keys().last()) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => "none".into(),
    };
    format!(
        "toolkit {} {} ({}): {} proxies, {} story tags, {} indicators{}, price index {years}, values in {} prices\nfingerprint {}\n",
        n(&tk.id),
        n(&tk.version),
        n(&tk.title),
        tk.proxies.len(),
        tk.tags.len(),
        tk.indicators.len(),
        if tk.places.is_empty() {
            String::new()
        } else {
            format!(", {} named places", tk.places.len())
        },
        tk.price_year,
        tk.fingerprint
    )
}

fn check(file: &Path, stamp_it: bool) -> Result<(), Failure> {
    if !stamp_it {
        let tk = toolkit::load_file(&Source::File(file.to_path_buf()))
            .map_err(|p| Failure::input(p, "the toolkit is not valid"))?;
        return emit_text(&format!("ok: {}", summary(&tk)));
    }
    let text = social_value::read::input::read_text_file(file)?;
    let (plain, _) = stamp::without_stamp(&text);
    let tk = toolkit::parse(&plain, file)
        .map_err(|p| Failure::input(p, "the toolkit is not valid, so it was not stamped"))?;
    let stamped = stamp::with_stamp(&text, &tk.fingerprint);
    if stamped != text {
        // The file was just read and parsed as a toolkit; a link to it is kept.
        social_value::write::write_over(file, stamped.as_bytes(), "toolkit", |_| true)
            .map_err(|p| Failure::input(p, "the toolkit was not stamped"))?;
    }
    emit_text(&format!("ok, stamped: {}", summary(&tk)))
}

fn kind_of(k: KindArg) -> Kind {
    match k {
        KindArg::Volunteering => Kind::Volunteering,
        KindArg::Fiscal => Kind::Fiscal,
        KindArg::Economic => Kind::Economic,
        KindArg::Wellbeing => Kind::Wellbeing,
    }
}

fn list(
    file: Option<&Path>,
    kind: Option<KindArg>,
    theme: Option<&str>,
    search: &[String],
) -> Result<(), Failure> {
    let tk = load(file)?;
    let words: Vec<&str> = search.iter().flat_map(|s| s.split_whitespace()).collect();
    let theme = theme.map(str::to_lowercase);
    let found: Vec<&Proxy> = tk
        .search(&words)
        .into_iter()
        .filter(|p| kind.is_none_or(|k| p.kind == kind_of(k)))
        .filter(|p| {
            theme
                .as_ref()
                .is_none_or(|t| p.themes.iter().any(|x| x.to_lowercase() == *t))
        })
        .collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}: {} of {} proxies (values in {} prices)\n",
        n(&tk.id),
        n(&tk.version),
        found.len(),
        tk.proxies.len(),
        tk.price_year
    );
    let width = found
        .iter()
        .map(|p| n(&p.id).chars().count())
        .max()
        .unwrap_or(10);
    for p in &found {
        let _ = writeln!(
            out,
            "{:<width$}  {:>12}  per {:<16} {:<12} {}",
            n(&p.id),
            money_gbp(tk.rebased_value(p)),
            n(&p.unit),
            p.kind.as_str(),
            n(&p.name)
        );
    }
    if found.is_empty() {
        let _ = writeln!(
            out,
            "nothing matches; try fewer or shorter words, e.g. --search lonel"
        );
    }
    if words.is_empty() && kind.is_none() && theme.is_none() && !tk.tags.is_empty() {
        let _ = writeln!(out, "\nStory tags");
        for t in &tk.tags {
            let carries = t
                .proxy
                .as_deref()
                .map(|p| format!(" -> {}", n(p)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<26} {:<40} [{}]{carries}",
                n(&t.id),
                n(&t.label),
                n(&t.theme)
            );
        }
    }
    if words.is_empty() && kind.is_none() && theme.is_none() && !tk.indicators.is_empty() {
        let _ = writeln!(
            out,
            "\nIndicators (answered before and after; see docs/project-format.md)"
        );
        for i in &tk.indicators {
            let valued = if i.valuation.is_some() {
                ", valued in WELLBYs"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {:<26} {} to {}, {} is better{valued}: {}",
                n(&i.id),
                i.scale_min,
                i.scale_max,
                if i.higher_is_better {
                    "higher"
                } else {
                    "lower"
                },
                social_value::report::truncate(&n(&i.name), 70)
            );
        }
    }
    emit_text(&out)
}

fn show(id: &str, file: Option<&Path>) -> Result<(), Failure> {
    let tk = load(file)?;
    let Some(p) = tk.proxy(id) else {
        let near = social_value::diag::nearest(id, tk.proxies.iter().map(|p| p.id.as_str()));
        let mut d = social_value::diag::Diagnostic::error(format!(
            "proxy \"{}\" is not in toolkit {}",
            n(id),
            n(&tk.id)
        ));
        d.help = Some(match near {
            Some(near) => format!("did you mean \"{}\"?", n(near)),
            None => "use `social-value toolkit list --search WORDS` to find it".into(),
        });
        return Err(Failure::input(Problems::one(d), "nothing to show"));
    };
    let mut out = String::new();
    let opt = |v: Option<rust_decimal::Decimal>| v.map_or_else(|| "(none)".into(), money_gbp);
    let _ = writeln!(out, "{}  {}", n(&p.id), n(&p.name));
    let _ = writeln!(out, "  kind            {}", p.kind.as_str());
    let _ = writeln!(
        out,
        "  value           {} per {} in {} prices",
        money_gbp(p.value),
        n(&p.unit),
        p.price_year
    );
    let _ = writeln!(
        out,
        "  rebased         {} per {} in {} prices (toolkit price year)",
        money_gbp(tk.rebased_value(p)),
        n(&p.unit),
        tk.price_year
    );
    let _ = writeln!(
        out,
        "  range           {} to {} (in {} prices)",
        opt(p.low),
        opt(p.high),
        p.price_year
    );
    let cashable = match p.cashable {
        Some(true) => ", cashable",
        Some(false) => ", not cashable",
        None => "",
    };
    let _ = writeln!(out, "  who gains       {}{cashable}", n(&p.beneficiary));
    let _ = writeln!(out, "  themes          {}", n(&p.themes.join(", ")));
    let a = &p.defaults;
    let _ = writeln!(
        out,
        "  defaults        deadweight {}, attribution {}, displacement {}, drop-off {}, {} year(s)",
        percent(a.deadweight),
        percent(a.attribution),
        percent(a.displacement),
        percent(a.drop_off),
        a.duration
    );
    if let Some(b) = &p.basis {
        for (name, text) in b.fields() {
            let _ = writeln!(out, "  basis: {name:<9}{}", n(text));
        }
    }
    if let Some(r) = &p.rationale {
        let _ = writeln!(out, "  why             {}", n(r));
    }
    if p.transfer {
        let _ = writeln!(
            out,
            "  transfer        yes: shown in the fiscal view, never counted as social value"
        );
    }
    if p.whole_period {
        let _ = writeln!(
            out,
            "  whole period    yes: a story is evidence of it, never valued as it"
        );
    }
    let never = tk.never_with(&p.id);
    if !never.is_empty() {
        let _ = writeln!(out, "  never with      {}", n(&never.join(", ")));
    }
    let _ = writeln!(out, "  source          {}", n(&p.source));
    let _ = writeln!(out, "  url             {}", n(&p.url));
    let _ = writeln!(out, "  licence         {}", n(&p.licence));
    if let Some(m) = &p.method {
        let _ = writeln!(out, "  method          {}", n(m));
    }
    let tags: Vec<&str> = tk
        .tags
        .iter()
        .filter(|t| t.proxy.as_deref() == Some(p.id.as_str()))
        .map(|t| t.id.as_str())
        .collect();
    if !tags.is_empty() {
        let _ = writeln!(out, "  story tags      {}", n(&tags.join(", ")));
    }
    emit_text(&out)
}

fn diff_cmd(old: &Path, new: &Path) -> Result<(), Failure> {
    let a = load(Some(old))?;
    let b = load(Some(new))?;
    let d = diff::diff(&a, &b);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} -> {} {}",
        n(&a.id),
        n(&a.version),
        n(&b.id),
        n(&b.version)
    );
    if d.is_empty() {
        let _ = writeln!(
            out,
            "no differences: the two toolkits have the same content"
        );
        return emit_text(&out);
    }
    let changes = |out: &mut String, list: &[diff::Change]| {
        for c in list {
            let _ = writeln!(out, "    {}: {} -> {}", n(&c.field), n(&c.old), n(&c.new));
        }
    };
    if !d.header.is_empty() {
        let _ = writeln!(out, "\nToolkit");
        changes(&mut out, &d.header);
    }
    if !d.price_index.is_empty() {
        let _ = writeln!(out, "\nPrice index");
        changes(&mut out, &d.price_index);
    }
    let ids = |out: &mut String, title: &str, ids: &[String], tk: &Toolkit| {
        if !ids.is_empty() {
            let _ = writeln!(out, "\n{title} ({})", ids.len());
            for id in ids {
                let name = tk
                    .proxy(id)
                    .map(|p| p.name.as_str())
                    .or_else(|| tk.tag(id).map(|t| t.label.as_str()))
                    .or_else(|| tk.indicator(id).map(|i| i.name.as_str()))
                    .unwrap_or("");
                let _ = writeln!(out, "  {}  {}", n(id), n(name));
            }
        }
    };
    ids(&mut out, "Added proxies", &d.added, &b);
    ids(&mut out, "Removed proxies", &d.removed, &a);
    if !d.revalued.is_empty() {
        let _ = writeln!(out, "\nRe-valued proxies ({})", d.revalued.len());
        for r in &d.revalued {
            let pct = r
                .percent()
                .map(|p| {
                    format!(
                        " ({}{}%)",
                        if p.is_sign_positive() { "+" } else { "" },
                        social_value::num::fixed(p, 1)
                    )
                })
                .unwrap_or_default();
            let _ = write!(
                out,
                "  {}  {} ({}) -> {} ({}){pct}",
                n(&r.id),
                money_gbp(r.old_value),
                r.old_year,
                money_gbp(r.new_value),
                r.new_year
            );
            if let Some((o, n, y)) = r.comparable {
                if r.old_year != r.new_year {
                    let _ = write!(out, "; in {y} prices {} -> {}", money_gbp(o), money_gbp(n));
                }
            }
            let _ = writeln!(out);
        }
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "\nOther changes ({} proxies)", d.changed.len());
        for (id, c) in &d.changed {
            let _ = writeln!(out, "  {}", n(id));
            changes(&mut out, c);
        }
    }
    ids(&mut out, "Added tags", &d.tags_added, &b);
    ids(&mut out, "Removed tags", &d.tags_removed, &a);
    if !d.tags_changed.is_empty() {
        let _ = writeln!(out, "\nChanged tags ({})", d.tags_changed.len());
        for (id, c) in &d.tags_changed {
            let _ = writeln!(out, "  {}", n(id));
            changes(&mut out, c);
        }
    }
    ids(&mut out, "Added indicators", &d.indicators_added, &b);
    ids(&mut out, "Removed indicators", &d.indicators_removed, &a);
    if !d.indicators_changed.is_empty() {
        let _ = writeln!(out, "\nChanged indicators ({})", d.indicators_changed.len());
        for (id, c) in &d.indicators_changed {
            let _ = writeln!(out, "  {}", n(id));
            changes(&mut out, c);
        }
    }
    emit_text(&out)
}

fn import_cmd(
    file: &Path,
    into: &Path,
    url: &Option<String>,
    licence: &Option<String>,
) -> Result<(), Failure> {
    let sheet = social_value::read::sheet::read(file)
        .map_err(|p| Failure::input(p, "the toolkit was not changed"))?;
    let text = social_value::read::input::read_text_file(into)?;
    let opts = import::Options {
        url: url.clone(),
        licence: licence.clone(),
    };
    let done = import::import(&sheet, &text, into, &opts)
        .map_err(|p| Failure::input(p, "the toolkit was not changed"))?;
    // The file was just read and parsed as a toolkit; a link to it is kept.
    social_value::write::write_over(into, done.text.as_bytes(), "toolkit", |_| true)
        .map_err(|p| Failure::input(p, "the toolkit was not changed"))?;
    let mut out = format!(
        "imported {} proxies into {}: {}\n",
        done.added.len(),
        terminal_path(into),
        n(&done.added.join(", "))
    );
    out.push_str(&summary(&done.toolkit));
    out.push_str("remember to raise the toolkit's version, so results show which bank they used\n");
    emit_text(&out)?;
    warn(&done.warnings);
    Ok(())
}
