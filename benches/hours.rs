//! Benchmark: `calc` on large volunteer logs of several shapes, against the csv crate's fastest
//! reading loop.
//!
//! Target (issue 19): for every shape, the whole `social-value calc` process takes no longer
//! than a single-threaded `ByteRecord` loop takes just to read the same file (≤ 1.0×), with a
//! peak of at most 64 MiB. Shapes: 2,000 volunteers named "Firstname Lastname", 20,000 ids like
//! `V01234`, 200,000 email addresses; each with ISO and with dd/mm/yyyy dates, hours with
//! decimals, rows in no particular order. Run with `cargo bench --bench hours`;
//! `BENCH_ROWS=500000` for a quicker look, `BENCH_SHAPES=ids-iso,emails-dmy` for some shapes.
//! Logs are made once under `target/bench-data/`. Exits 1 if a target is missed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/common/peak.rs"]
mod peak;

const ROLES: [&str; 5] = [
    "befriender",
    "driver",
    "lunch club helper",
    "advice volunteer",
    "trustee",
];

const FIRST: [&str; 50] = [
    "Aisha", "Alan", "Amara", "Andrew", "Ann", "Barbara", "Ben", "Bronwen", "Callum", "Carol",
    "Chen", "Chloe", "Daniel", "Deepa", "Eilidh", "Emma", "Fatima", "Gareth", "Grace", "Hamza",
    "Helen", "Ian", "Imran", "Jack", "Jane", "Joan", "Kwame", "Laura", "Leon", "Li", "Maria",
    "Mark", "Mohammed", "Niamh", "Olu", "Patricia", "Priya", "Rhys", "Rosa", "Sam", "Sarah",
    "Siobhan", "Sunita", "Tom", "Uzma", "Wei", "William", "Yusuf", "Zainab", "Zoë",
];
const LAST: [&str; 40] = [
    "Ahmed",
    "Begum",
    "Brown",
    "Campbell",
    "Chowdhury",
    "Clarke",
    "Davies",
    "Evans",
    "Green",
    "Hall",
    "Hughes",
    "Hussain",
    "Jackson",
    "Jones",
    "Khan",
    "Kowalski",
    "Lee",
    "Lewis",
    "Macdonald",
    "Martin",
    "Murphy",
    "Nowak",
    "O'Brien",
    "Okafor",
    "Patel",
    "Roberts",
    "Robinson",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Walker",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
];

/// Hours as written in the logs, and in half-quarters of an hour (eighths) for the 24-hour cap.
const HOURS: [(&str, u8); 8] = [
    ("0.5", 4),
    ("1", 8),
    ("1.5", 12),
    ("2", 16),
    ("2.25", 18),
    ("2.5", 20),
    ("3.75", 30),
    ("4", 32),
];

/// Who the volunteers are in a log.
#[derive(Clone, Copy)]
enum People {
    /// 2,000 "Firstname Lastname".
    Names,
    /// 20,000 ids like `V01234`.
    Ids,
    /// 200,000 email addresses.
    Emails,
}

impl People {
    fn count(self) -> usize {
        match self {
            People::Names => 2_000,
            People::Ids => 20_000,
            People::Emails => 200_000,
        }
    }

    fn write(self, w: &mut impl Write, n: usize) -> std::io::Result<()> {
        match self {
            People::Names => write!(w, "{} {}", FIRST[n % 50], LAST[n / 50]),
            People::Ids => write!(w, "V{n:05}"),
            People::Emails => write!(
                w,
                "{}.{}{}@example.org",
                FIRST[n % 50].to_lowercase(),
                LAST[(n / 50) % 40].to_lowercase().replace('\'', ""),
                n / 2_000
            ),
        }
    }
}

/// One log to benchmark.
struct Shape {
    name: &'static str,
    people: People,
    day_first: bool,
}

const SHAPES: [Shape; 6] = [
    Shape {
        name: "names-iso",
        people: People::Names,
        day_first: false,
    },
    Shape {
        name: "names-dmy",
        people: People::Names,
        day_first: true,
    },
    Shape {
        name: "ids-iso",
        people: People::Ids,
        day_first: false,
    },
    Shape {
        name: "ids-dmy",
        people: People::Ids,
        day_first: true,
    },
    Shape {
        name: "emails-iso",
        people: People::Emails,
        day_first: false,
    },
    Shape {
        name: "emails-dmy",
        people: People::Emails,
        day_first: true,
    },
];

/// Writes a deterministic log of `rows` rows, dates within 2024/25 in no particular order, no
/// volunteer given more than 24 hours on one day (a row that would pass that goes to the next
/// volunteer with room that day).
fn generate(path: &Path, shape: &Shape, rows: u64) -> std::io::Result<()> {
    let tmp = path.with_extension("part");
    let mut w = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
    writeln!(w, "date,volunteer,role,hours")?;
    let volunteers = shape.people.count();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let days_in = [30u64, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31];
    // Eighths of an hour given so far, by day of the year (month slot * 31 + day) and volunteer.
    let mut given = vec![0u8; 12 * 31 * volunteers];
    for _ in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let m = (x % 12) as usize;
        let (year, month) = if m < 9 { (2024, m + 4) } else { (2025, m - 8) };
        let day = (x >> 8) % days_in[m] + 1;
        let (hours, eighths) = HOURS[((x >> 40) % 8) as usize];
        let slot = (m * 31 + day as usize - 1) * volunteers;
        let mut volunteer = ((x >> 16) % volunteers as u64) as usize;
        let mut tries = 0;
        while given[slot + volunteer] + eighths > 192 && tries < volunteers {
            volunteer = (volunteer + 1) % volunteers;
            tries += 1;
        }
        if tries == volunteers {
            continue; // The day is full for everyone (never, at the sizes benchmarked).
        }
        given[slot + volunteer] += eighths;
        if shape.day_first {
            write!(w, "{day:02}/{month:02}/{year},")?;
        } else {
            write!(w, "{year}-{month:02}-{day:02},")?;
        }
        shape.people.write(&mut w, volunteer)?;
        writeln!(w, ",{},{hours}", ROLES[((x >> 32) % 5) as usize])?;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(tmp, path)
}

fn write_project(dir: &Path, log: &Path) -> PathBuf {
    let file = log.with_extension("toml");
    let text = format!(
        "toolkit = \"uk-core\"\n[organisation]\nname = \"Bench\"\nid = \"GB-BENCH\"\n[period]\nstart = 2024-04-01\nend = 2025-03-31\n\
         [[investment]]\nsource = \"Grant\"\namount = 100000\n[volunteering]\nfile = \"{}\"\nas = \"value\"\n[volunteering.roles]\n\
         befriender = \"volunteering.nlw-2024\"\ndriver = \"volunteering.nlw-2024\"\n\"lunch club helper\" = \"volunteering.nlw-2024\"\n\
         \"advice volunteer\" = \"volunteering.median-hourly-pay\"\ntrustee = \"volunteering.median-hourly-pay\"\n",
        log.file_name().and_then(|n| n.to_str()).unwrap_or_default()
    );
    std::fs::write(dir.join(&file), text).expect("write project");
    file
}

/// The fastest of `n` runs of the csv crate's single-threaded `ByteRecord` loop over `log`.
fn read_only(log: &Path, n: usize) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            let mut rdr = csv::Reader::from_path(log).expect("open log");
            let mut rec = csv::ByteRecord::new();
            let mut rows = 0u64;
            while rdr.read_byte_record(&mut rec).expect("read") {
                rows += 1;
            }
            assert!(rows > 0);
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// One run of `calc`: wall time, CPU time (user + system) and peak memory in KiB.
fn calc_once(project: &Path) -> (Duration, Duration, u64) {
    let t = Instant::now();
    // Reaped by `wait4` (which alone gives its own peak memory and CPU time), not by `wait`.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(env!("CARGO_BIN_EXE_social-value"))
        .args([
            "calc",
            project.to_str().unwrap_or_default(),
            "--format",
            "json",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run social-value");
    let (code, peak_kib, cpu) = peak::wait_with_usage(child.id() as libc::pid_t);
    let wall = t.elapsed();
    assert_eq!(code, Some(0), "calc failed on {}", project.display());
    (wall, cpu, peak_kib)
}

fn main() {
    let rows: u64 = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000_000);
    let wanted = std::env::var("BENCH_SHAPES").unwrap_or_default();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("create target/bench-data");
    println!("calc against the csv crate's single-threaded read-only loop, {rows} rows, best of 3");
    println!("| log | MB | read only (s) | calc (s) | × read | calc CPU (s) | peak MiB |");
    println!("|---|---|---|---|---|---|---|");
    let shapes: Vec<&Shape> = SHAPES
        .iter()
        .filter(|s| wanted.is_empty() || wanted.split(',').any(|w| w == s.name))
        .collect();
    let log_of = |shape: &Shape| dir.join(format!("log-{}-{rows}.csv", shape.name));
    if shapes.iter().any(|s| !log_of(s).exists()) {
        for shape in shapes.iter().filter(|s| !log_of(s).exists()) {
            eprintln!("generating {} ...", log_of(shape).display());
            generate(&log_of(shape), shape, rows).expect("generate log");
        }
        // Measured again by a fresh process: a child forked from this one, which held the
        // generator's tables, would report their memory as its own peak.
        let again = Command::new(std::env::current_exe().expect("this benchmark"))
            .args(std::env::args_os().skip(1))
            .status()
            .expect("run the benchmark again");
        std::process::exit(again.code().unwrap_or(1));
    }
    let mut missed = Vec::new();
    for shape in shapes {
        let log = log_of(shape);
        let project = write_project(&dir, &log);
        let floor = read_only(&log, 3);
        let runs: Vec<_> = (0..3).map(|_| calc_once(&project)).collect();
        let wall = runs.iter().map(|r| r.0).min().unwrap_or_default();
        let cpu = runs.iter().map(|r| r.1).min().unwrap_or_default();
        let peak = runs.iter().map(|r| r.2).max().unwrap_or_default();
        let ratio = wall.as_secs_f64() / floor.as_secs_f64();
        let mb = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
        println!(
            "| {} | {mb:.0} | {:.3} | {:.3} | {ratio:.2} | {:.3} | {:.1} |",
            shape.name,
            floor.as_secs_f64(),
            wall.as_secs_f64(),
            cpu.as_secs_f64(),
            peak as f64 / 1024.0
        );
        if ratio > 1.0 || peak > 64 * 1024 {
            missed.push(shape.name);
        }
    }
    if !missed.is_empty() {
        println!(
            "TARGET MISSED (more than 1.0× the read-only time, or over 64 MiB): {}",
            missed.join(", ")
        );
        std::process::exit(1);
    }
    println!("target met: calc within 1.0× the read-only time and 64 MiB on every shape");
}
