//! `social-value network` and `demo-network`: the annual summary over many submissions, and
//! synthetic networks to try it on.

use super::{emit, Failure};
use crate::cli::{CompareArgs, DemoNetworkArgs, NetworkArgs, ReviewFormat};
use social_value::diag::{Diagnostic, Problems};
use social_value::network;
use social_value::num::{fixed, money_gbp};
use social_value::submission::gate::{self, Rules};
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
    let inbox = network::inbox::read(&args.dirs);
    let rules = Rules {
        toolkit: &tk,
        year: Some(args.year),
        max_months: args.max_months,
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
        .max(1);
    // A progress line on an interactive terminal only; logs and pipes stay clean.
    let tty = std::io::stderr().is_terminal();
    let total = inbox.files.len();
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
    let summary = network::summarise(&inbox, &rules, jobs, &progress);
    let previous = match &args.previous {
        Some(dir) if !dir.is_dir() => {
            return Err(Failure::input(
                Problems::one(
                    Diagnostic::error(format!("{} is not a folder", dir.display())).in_file(dir),
                ),
                "nothing was summarised",
            ))
        }
        Some(dir) => Some(network::summarise(
            &network::inbox::read(std::slice::from_ref(dir)),
            &Rules {
                year: Some(args.year - 1),
                ..rules
            },
            jobs,
            &|_| {},
        )),
        None => None,
    };
    let json = network::to_json(&summary, previous.as_ref(), args.rank);
    if let Some(dir) = &args.out {
        write_out(dir, &summary, &json)?;
    }
    emit(&match args.format {
        ReviewFormat::Json => json,
        ReviewFormat::Table => social_value::diag::terminal_safe(&text(&json)),
    })
}

/// The network's files: the JSON, a Markdown and an HTML page, the tables and the ratio chart.
fn write_out(dir: &std::path::Path, s: &network::Summary, json: &str) -> Result<(), Failure> {
    use social_value::report::chart::{Bar, Chart, Unit};
    let charts = dir.join("charts");
    let tables = dir.join("tables");
    for d in [&charts, &tables] {
        std::fs::create_dir_all(d).map_err(|e| Failure::write(d, e))?;
    }
    let w = |name: &std::path::Path, body: &[u8]| {
        social_value::write::write_atomic(name, body).map_err(|e| Failure::write(name, e))
    };
    w(&dir.join("network.json"), json.as_bytes())?;
    // The tables as CSV, with plain numbers, from the same JSON (so each figure is written once).
    let j: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let member_keys = [
        "id",
        "name",
        "present_value",
        "investment",
        "sroi_ratio",
        "volunteer_hours",
        "rebased_from",
        "file",
    ];
    w(
        &tables.join("members.csv"),
        &csv_table(&member_keys, &rows_of(&j["per_member"], &member_keys)),
    )?;
    let quarantine_keys = ["file", "reason"];
    w(
        &tables.join("quarantine.csv"),
        &csv_table(
            &quarantine_keys,
            &rows_of(&j["quarantined"], &quarantine_keys),
        ),
    )?;
    let ratios: Vec<_> = s
        .members
        .iter()
        .filter_map(network::Member::ratio)
        .collect();
    // The same binning as the simulation's histogram.
    let bars: Vec<Bar> = social_value::sensitivity::montecarlo::histogram(&ratios, 20)
        .into_iter()
        .map(|(from, _, n)| Bar::new(fixed(from, 1), rust_decimal::Decimal::from(n)))
        .collect();
    let chart = Chart {
        name: "member-ratios".into(),
        title: "Members' SROI ratios".into(),
        unit: Unit::Runs,
        horizontal: false,
        bars,
    };
    let svg_text = draw(&chart, &charts)?;
    // Where value arises: the network's value by place, when members give places.
    let place_bars: Vec<Bar> = j["by_place"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let code = p["place"].as_str().unwrap_or("not given");
            let label = match p["name"].as_str() {
                Some(n) => format!("{n} ({code})"),
                None => code.to_string(),
            };
            let value = p["present_value"]
                .as_str()
                .and_then(|v| social_value::num::parse_decimal(v).ok())
                .unwrap_or_default();
            Bar::new(label, value)
        })
        .collect();
    let mut place_svg = None;
    if !place_bars.is_empty() {
        let chart = Chart {
            name: "value-by-place".into(),
            title: "Social value by place".into(),
            unit: Unit::Money,
            horizontal: true,
            bars: place_bars,
        };
        place_svg = Some(draw(&chart, &charts)?);
    }
    let doc = network::page::sections(&j);
    // One row per claim: the outcome's own keys, then the claim's.
    let outcome_keys = ["partnership", "proxy"];
    let claim_keys = [
        "member",
        "name",
        "share",
        "agreed_share",
        "present_value",
        "counted",
        "over_claimed",
    ];
    let mut shared: Vec<Vec<String>> = Vec::new();
    for x in j["shared_outcomes"].as_array().into_iter().flatten() {
        for c in rows_of(&x["claims"], &claim_keys) {
            let mut row: Vec<String> = outcome_keys.iter().map(|k| cell(&x[*k])).collect();
            row.extend(c);
            row.push(cell(&x["counted_as"]));
            shared.push(row);
        }
    }
    let shared_header: Vec<&str> = outcome_keys
        .iter()
        .chain(&claim_keys)
        .chain(&["counted_as"])
        .copied()
        .collect();
    let place_keys = [
        "place",
        "name",
        "present_value",
        "volunteer_hours",
        "investment",
        "people",
        "members_based_here",
        "members_with_value_here",
        "value_per_person",
        "deprivation_deciles",
    ];
    let places = rows_of(&j["by_place"], &place_keys);
    for (file, header, rows) in [
        ("shared_outcomes.csv", &shared_header[..], &shared),
        ("places.csv", &place_keys[..], &places),
    ] {
        if !rows.is_empty() {
            w(&tables.join(file), &csv_table(header, rows))?;
        }
    }
    w(
        &dir.join("network.md"),
        network::page::markdown(&doc).as_bytes(),
    )?;
    let chart_svg = |name: &str| match name {
        "member-ratios" => Some(svg_text.clone()),
        "value-by-place" => place_svg.clone(),
        _ => None,
    };
    w(
        &dir.join("network.html"),
        network::page::html(&doc, &chart_svg).as_bytes(),
    )?;
    Ok(())
}

/// A JSON value as a CSV cell: text as it is, nothing for null, a list joined with `;`.
fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(t) => t.clone(),
        serde_json::Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// The cells of `keys` from each object of the JSON array `items`.
fn rows_of(items: &serde_json::Value, keys: &[&str]) -> Vec<Vec<String>> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| keys.iter().map(|k| cell(&x[*k])).collect())
        .collect()
}

/// A CSV table, every cell made safe for a spreadsheet.
fn csv_table(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut t = csv::Writer::from_writer(Vec::new());
    let _ = t.write_record(header);
    for r in rows {
        let _ = t.write_record(
            r.iter()
                .map(|c| social_value::report::spreadsheet_safe(c).into_owned()),
        );
    }
    t.into_inner().unwrap_or_default()
}

/// Writes `chart` as `<name>.svg` and `<name>.png` into `dir`; returns the SVG for the page.
fn draw(
    chart: &social_value::report::chart::Chart,
    dir: &std::path::Path,
) -> Result<String, Failure> {
    use social_value::report::chart::{png, svg};
    let failed = |e: String| {
        Failure::input(
            Problems::one(Diagnostic::error(e)),
            "the chart was not drawn",
        )
    };
    let text = svg(chart).map_err(failed)?;
    let path = dir.join(format!("{}.svg", chart.name));
    social_value::write::write_atomic(&path, text.as_bytes())
        .map_err(|e| Failure::write(&path, e))?;
    png(chart, &dir.join(format!("{}.png", chart.name))).map_err(failed)?;
    Ok(text)
}

/// The summary for a person: the same sections as the HTML and Markdown pages, as plain text.
fn text(json: &str) -> String {
    let j: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    network::page::plain(&network::page::sections(&j))
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

/// Two submissions recomputed on one toolkit, side by side.
pub fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let tk = network_toolkit(args.toolkit.as_deref())?;
    let mut cols = Vec::new();
    // Each must pass the gate a network applies (any year): a return that may not be counted
    // is not compared.
    let rules = Rules {
        toolkit: &tk,
        year: None,
        max_months: gate::ANNUAL_MONTHS,
    };
    for p in [&args.a, &args.b] {
        let a = gate::accept(p, &rules).map_err(|r| {
            let mut problems = r.problems;
            if let Some(d) = problems.list.last_mut() {
                d.help = Some(r.action.clone());
            }
            Failure::input(problems, "nothing was compared")
        })?;
        cols.push((a.submission, a.valuation));
    }
    let mut out = format!("Compared on {} {}\n\n", tk.id, tk.version);
    let row = |out: &mut String, label: &str, a: String, b: String| {
        let _ = writeln!(out, "  {label:<26} {a:>20} {b:>20}");
    };
    let (sa, va) = &cols[0];
    let (sb, vb) = &cols[1];
    let name = |s: &social_value::submission::Submission| {
        let year: String = s.period.start.trim().chars().take(4).collect();
        format!("{} {year}", s.organisation.id)
    };
    row(&mut out, "", name(sa), name(sb));
    row(
        &mut out,
        "Social value",
        money_gbp(va.totals.present_value),
        money_gbp(vb.totals.present_value),
    );
    row(
        &mut out,
        "Investment",
        money_gbp(va.totals.investment),
        money_gbp(vb.totals.investment),
    );
    let ratio = |v: &social_value::value::Valuation| {
        v.totals
            .sroi_ratio
            .map_or("n/a".into(), |r| format!("{} : 1", fixed(r, 2)))
    };
    row(&mut out, "SROI ratio", ratio(va), ratio(vb));
    let hours = |v: &social_value::value::Valuation| {
        v.volunteering
            .as_ref()
            .map_or("0".into(), |t| social_value::num::quantity(t.summary.hours))
    };
    row(&mut out, "Volunteer hours", hours(va), hours(vb));
    for k in va.totals.by_kind.keys() {
        row(
            &mut out,
            &format!("  {k}"),
            money_gbp(va.totals.by_kind[k]),
            money_gbp(vb.totals.by_kind.get(k).copied().unwrap_or_default()),
        );
    }
    row(
        &mut out,
        "Change in social value",
        String::new(),
        money_gbp(vb.totals.present_value - va.totals.present_value),
    );
    emit(&social_value::diag::terminal_safe(&out))
}
