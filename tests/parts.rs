//! A large volunteer log read in parts on several threads gives exactly what one thread gives:
//! totals, volunteers, warnings and every problem, whatever the file holds where it is cut
//! (quoted cells with commas and line breaks, CRLF, a byte-order mark, blank lines, bad rows).

use social_value::project::{self, read_hours_with, ReadOptions};
use social_value::read::table::{Column, Table};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const ROLES: &str = "[volunteering.roles]\nbefriender = \"volunteering.nlw-2024\"\ndriver = \"volunteering.nlw-2024\"\n\"lunch club helper\" = \"volunteering.median-hourly-pay\"\n";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sv-parts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A project whose volunteer log is `log`, loaded.
fn project_with(dir: &Path, log: &str) -> project::Project {
    std::fs::write(dir.join("hours.csv"), log).unwrap();
    std::fs::write(
        dir.join("project.toml"),
        format!(
            "toolkit = \"uk-core\"\n[organisation]\nname = \"Parts\"\nid = \"GB-CHC-1\"\n[period]\nstart = 2024-04-01\nend = 2025-03-31\n\
             [[investment]]\nsource = \"Grant\"\namount = 1000\n[volunteering]\nfile = \"hours.csv\"\nas = \"value\"\n{ROLES}"
        ),
    )
    .unwrap();
    project::load(&dir.join("project.toml")).unwrap()
}

/// How a generated log's rows are written.
#[derive(Clone, Copy, Default)]
struct Style {
    crlf: bool,
    bom: bool,
    /// Every this many rows: a run of blank lines.
    blanks: Option<u64>,
    /// Every this many rows: a quoted name holding a comma and a line break.
    quoted: Option<u64>,
    /// Rows at which a bad row is put (unknown role, hours not a number, date outside).
    bad: &'static [u64],
    /// Dates written dd/mm/yyyy.
    slashed: bool,
    /// Every this many rows: a row repeated exactly.
    repeats: Option<u64>,
    /// A volunteer given 30 hours on one day, at these rows.
    long_day: &'static [u64],
}

fn log(rows: u64, style: Style) -> String {
    let nl = if style.crlf { "\r\n" } else { "\n" };
    let mut s = String::new();
    if style.bom {
        s.push('\u{feff}');
    }
    write!(s, "date,volunteer,role,hours{nl}").unwrap();
    let roles = ["befriender", "Driver", "lunch club helper"];
    let hours = ["1", "1.5", "2.25", "0.3333", " 3 "];
    let mut x: u64 = 88_172_645_463_325_252;
    let mut last = String::new();
    for i in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let (m, d) = ((x % 12) as u32, (x >> 8) % 28 + 1);
        let (year, month) = if m < 9 { (2024, m + 4) } else { (2025, m - 8) };
        let date = if style.slashed {
            format!("{d:02}/{month:02}/{year}")
        } else {
            format!("{year}-{month:02}-{d:02}")
        };
        let who = (x >> 20) % 400;
        let name = match style.quoted {
            Some(q) if i % q == 0 => format!("\"Lee, Ann{nl}(volunteer {who})\""),
            _ if who % 3 == 0 => format!("Volunteer {who}"),
            _ => format!("v{who:04}@example.org"),
        };
        let row = if style.bad.contains(&i) {
            match i % 3 {
                0 => format!("{date},{name},juggler,1"),
                1 => format!("{date},{name},driver,lots"),
                _ => format!("2019-01-01,{name},driver,1"),
            }
        } else if style.long_day.contains(&i) {
            format!("2024-06-0{},Marathon Runner,driver,15{nl}2024-06-0{},marathon runner,befriender,15", i % 9 + 1, i % 9 + 1)
        } else {
            let r = roles[((x >> 40) % 3) as usize];
            let h = hours[((x >> 44) % 5) as usize];
            format!("{date},{name},{r},{h}")
        };
        match style.repeats {
            Some(n) if i % n == 0 && !last.is_empty() => write!(s, "{last}{nl}").unwrap(),
            _ => write!(s, "{row}{nl}").unwrap(),
        }
        last = row;
        if let Some(b) = style.blanks {
            if i % b == 0 {
                write!(s, "{nl}{nl} , , ,{nl}").unwrap();
            }
        }
    }
    s
}

/// Reads the log whole and in 2, 3 and 7 parts, with and without --skip-bad-rows, and checks
/// every reading gives the same, to the last warning; returns the whole reading (without
/// --skip-bad-rows), for the test to check it holds what the log was made to hold.
fn same_in_parts(name: &str, rows: u64, style: Style) -> String {
    let dir = temp_dir(name);
    let p = project_with(&dir, &log(rows, style));
    let v = p.volunteering.as_ref().unwrap();
    let mut first = None;
    for skip in [false, true] {
        let options = ReadOptions {
            skip_bad_rows: skip,
            ..Default::default()
        };
        let whole = format!("{:?}", read_hours_with(v, &p.period, options, Some(1)));
        for parts in [2, 3, 7] {
            let got = format!("{:?}", read_hours_with(v, &p.period, options, Some(parts)));
            assert_eq!(got, whole, "{name}: {parts} parts, skip bad rows: {skip}");
        }
        first.get_or_insert(whole);
    }
    let _ = std::fs::remove_dir_all(dir);
    first.unwrap_or_default()
}

#[test]
fn a_clean_log_is_the_same_in_parts() {
    let whole = same_in_parts("clean", 20_000, Style::default());
    assert!(
        whole.starts_with("Ok(HoursSummary { rows: 20000,"),
        "{whole}"
    );
}

#[test]
fn crlf_a_byte_order_mark_and_blank_lines_are_the_same_in_parts() {
    let style = Style {
        crlf: true,
        bom: true,
        blanks: Some(37),
        ..Default::default()
    };
    let whole = same_in_parts("crlf", 20_000, style);
    assert!(
        whole.starts_with("Ok(HoursSummary { rows: 20000,"),
        "{whole}"
    );
}

#[test]
fn quoted_cells_with_commas_and_line_breaks_are_the_same_in_parts() {
    let style = Style {
        quoted: Some(5),
        ..Default::default()
    };
    let whole = same_in_parts("quoted", 20_000, style);
    assert!(
        whole.starts_with("Ok(HoursSummary { rows: 20000,"),
        "{whole}"
    );
}

#[test]
fn bad_rows_anywhere_are_the_same_in_parts() {
    // Rows near each cut (the middle, the thirds) and at the ends.
    let style = Style {
        bad: &[
            0, 2_857, 3_333, 5_000, 6_666, 9_999, 10_000, 10_001, 13_333, 19_999,
        ],
        ..Default::default()
    };
    let whole = same_in_parts("bad", 20_000, style);
    assert!(
        whole.starts_with("Err(") && whole.contains("juggler"),
        "{whole}"
    );
}

#[test]
fn slashed_dates_repeated_rows_and_long_days_are_the_same_in_parts() {
    let style = Style {
        slashed: true,
        repeats: Some(1_000),
        long_day: &[4_001, 15_001],
        ..Default::default()
    };
    let whole = same_in_parts("slashed", 20_000, style);
    assert!(whole.contains("more than the 24 in a day"), "{whole}");
}

/// More than the 250,000 rows looked at for repeats: the cap falls inside a later part.
#[test]
fn the_repeat_check_cap_is_the_same_in_parts() {
    let style = Style {
        repeats: Some(50_000),
        blanks: Some(90_001),
        ..Default::default()
    };
    let whole = same_in_parts("cap", 260_000, style);
    assert!(
        whole.contains("repeated rows were looked for in the first 250000 only"),
        "{whole}"
    );
    assert!(whole.contains("a likely duplicate"), "{whole}");
}

fn columns() -> Vec<Column> {
    ["date", "volunteer", "role", "hours"]
        .into_iter()
        .map(|name| Column {
            name,
            required: true,
        })
        .collect()
}

/// The parts are really used for a clean log (or the tests above would compare one thread
/// with itself), and not used when a cut falls inside a quoted cell.
#[test]
fn parts_are_used_only_when_the_cuts_are_record_boundaries() {
    let dir = temp_dir("used");
    let file = dir.join("hours.csv");
    std::fs::write(&file, log(20_000, Style::default())).unwrap();
    let cols = columns();
    let open = || Table::open(&file, &cols, Default::default()).unwrap();
    let counted = open().in_parts(
        4,
        |_| 0u64,
        |n, _, _| {
            *n += 1;
            true
        },
    );
    let (counts, _) = counted.expect("a clean log is read in parts");
    assert_eq!(counts.len(), 4);
    assert_eq!(counts.iter().sum::<u64>(), 20_000);
    assert!(counts.iter().all(|&n| n > 4_000), "{counts:?}");

    // One quoted cell of many lines across the middle of the file.
    let mut text = log(2_000, Style::default());
    text.push_str("2024-05-01,\"Ann");
    for _ in 0..20_000 {
        text.push_str("\nstill, inside the quotes");
    }
    text.push_str("\",driver,1\n");
    text.push_str(&log(2_000, Style::default())["date,volunteer,role,hours\n".len()..]);
    std::fs::write(&file, text).unwrap();
    let parts = open().in_parts(2, |_| (), |_, _, _| true);
    assert!(parts.is_none(), "a cut inside a quoted cell is not used");
    let _ = std::fs::remove_dir_all(dir);
}
