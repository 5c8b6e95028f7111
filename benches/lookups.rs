//! Benchmark: per-row lookups stay constant time (issue 19, target 3). Generates, deterministically,
//! a large toolkit (proxies, tags carrying them, places) and a project of 100,000 outcome rows,
//! stories and partnerships referencing them, then times `calc --format json` and `toolkit check`.
//!
//! Sizes: 16,000 proxies, 2,500 tags and 1,000 places by default, because a toolkit file may hold
//! at most 20,000 tables (`read::toml::TOOLKIT`; each proxy is one, its basis written inline).
//! Issue 19's 50,000 proxies need that limit raised: `LOOKUPS_PROXIES=50000` then measures them.
//!
//! Run: `cargo bench --bench lookups` (target: calc under 2 s). `LOOKUPS_PROXIES`, `LOOKUPS_ROWS`
//! change the sizes; `LOOKUPS_BIN=/path/to/social-value` times another build on the same files;
//! the files stay in target/bench-lookups/ for `/usr/bin/time -v` or perf. Exits 1 on a miss.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/common/peak.rs"]
mod peak;

/// Sizes: proxies in the toolkit, tags carrying some of them, places the toolkit names,
/// outcome rows, stories and declared partnerships.
struct Sizes {
    proxies: u64,
    tags: u64,
    places: u64,
    rows: u64,
    stories: u64,
    partnerships: u64,
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A xorshift generator: the same files on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() {
    let sizes = Sizes {
        proxies: env_or("LOOKUPS_PROXIES", 16_000),
        tags: env_or("LOOKUPS_TAGS", 2_500),
        places: env_or("LOOKUPS_PLACES", 1_000),
        rows: env_or("LOOKUPS_ROWS", 100_000),
        stories: env_or("LOOKUPS_STORIES", 10_000),
        partnerships: env_or("LOOKUPS_PARTNERSHIPS", 1_000),
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench-lookups");
    let project = generate(root, &dir, &sizes);
    let bin = std::env::var("LOOKUPS_BIN").unwrap_or(env!("CARGO_BIN_EXE_social-value").into());
    println!(
        "{} proxies, {} tags, {} places; {} outcome rows, {} stories, {} partnerships",
        sizes.proxies, sizes.tags, sizes.places, sizes.rows, sizes.stories, sizes.partnerships
    );
    let kit = dir.join("bench-kit.toml").display().to_string();
    let calc = ["calc", &project.display().to_string(), "--format", "json"].map(String::from);
    let check = ["toolkit", "check", &kit].map(String::from);
    println!("| command | median wall (of 3) | peak memory |");
    println!("|---|---:|---:|");
    measure(&bin, &check);
    let (t_calc, _) = measure(&bin, &calc);
    if t_calc >= Duration::from_secs(2) {
        println!("TARGET MISSED: calc must take under 2 s");
        std::process::exit(1);
    }
    println!("target met: calc under 2 s");
}

/// Runs `bin args` three times; prints and returns the median wall time and the largest peak
/// resident memory (KiB).
// The child is waited for by `wait4` (peak::wait_with_peak), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn measure(bin: &str, args: &[String]) -> (Duration, u64) {
    let mut times = Vec::new();
    let mut peak_kib = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let child = Command::new(bin)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run social-value");
        let (code, kib) = peak::wait_with_peak(child.id() as libc::pid_t);
        times.push(t.elapsed());
        peak_kib = peak_kib.max(kib);
        assert_eq!(code, Some(0), "social-value {} failed", args.join(" "));
    }
    times.sort();
    let median = times[1];
    println!(
        "| `social-value {}` | {:.3} s | {:.1} MiB |",
        args.join(" "),
        median.as_secs_f64(),
        peak_kib as f64 / 1024.0
    );
    (median, peak_kib)
}

/// Writes the toolkit and the project under `dir`; returns the project file.
fn generate(root: &Path, dir: &Path, s: &Sizes) -> PathBuf {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).unwrap();
    let example = root.join("examples/oakfield-cvs");
    fs::write(dir.join("bench-kit.toml"), toolkit(root, s)).unwrap();
    for f in ["volunteer_hours.csv", "indicators.csv"] {
        fs::copy(example.join(f), dir.join(f)).unwrap();
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    fs::write(dir.join("outcomes.csv"), outcomes(s, &mut rng)).unwrap();
    fs::write(dir.join("stories.csv"), stories(s, &mut rng)).unwrap();
    let text = fs::read_to_string(example.join("project.toml")).unwrap();
    let project = dir.join("project.toml");
    fs::write(&project, project_toml(&text, s)).unwrap();
    project
}

/// uk-core (renamed, unstamped) with the generated proxies before its first tag, and the
/// generated tags and places at the end.
fn toolkit(root: &Path, s: &Sizes) -> String {
    let core = fs::read_to_string(root.join("proxies/uk-core.toml")).unwrap();
    let core: String = core
        .lines()
        .filter(|l| !l.starts_with("fingerprint"))
        .map(|l| {
            if l.starts_with("id = \"uk-core\"") {
                "id = \"bench-kit\"\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let at = core.find("\n[[tag]]").expect("uk-core has tags") + 1;
    let mut out = String::with_capacity(core.len() + s.proxies as usize * 700);
    out.push_str(&core[..at]);
    for i in 0..s.proxies {
        let v = 10 + i % 990;
        let _ = write!(
            out,
            "[[proxy]]\nid = \"gen.p{i}\"\nname = \"Generated outcome {i}\"\nkind = \"fiscal\"\n\
             unit = \"case\"\nvalue = {v}.50\nlow = {v}\nhigh = {}\nprice_year = {}\n\
             beneficiary = \"council\"\nsource = \"Generated for the lookups benchmark\"\n\
             url = \"https://example.org/p{i}\"\nlicence = \"CC-BY-4.0\"\ndeadweight = 0.2\n\
             attribution = 0.1\ndisplacement = 0.05\ndrop_off = 0.3\nduration = {}\n\
             themes = [\"bench\"]\nbasis = {{ deadweight = \"convention: 20%\", \
             attribution = \"convention: 10%\", displacement = \"convention: 5%\", \
             drop_off = \"convention: 30%\", duration = \"convention: a year or two\" }}\n\n",
            v + 5,
            2020 + i % 5,
            1 + i % 2,
        );
    }
    out.push_str(&core[at..]);
    for i in 0..s.tags {
        // Every third tag is evidence only; the others value a slice of a generated proxy.
        let proxy = (i * 7) % s.proxies;
        let _ = write!(
            out,
            "\n[[tag]]\nid = \"gen-t{i}\"\nlabel = \"Generated tag {i}\"\ntheme = \"bench\"\n"
        );
        if i % 3 != 0 {
            let _ = write!(out, "proxy = \"gen.p{proxy}\"\nper_story = 0.25\n");
        }
    }
    for i in 0..s.places {
        let _ = write!(
            out,
            "\n[[place]]\ncode = \"E09{i:06}\"\nname = \"Generated Place {i}\"\n"
        );
    }
    out
}

/// Rows naming random generated proxies; every tenth names a partnership, every fifth a place
/// (by name or by code, any case).
fn outcomes(s: &Sizes, rng: &mut Rng) -> String {
    let mut out = String::from("proxy,quantity,note,partnership,place\n");
    for i in 0..s.rows {
        let proxy = rng.below(s.proxies);
        let quantity = 1 + rng.below(200);
        let partnership = if i % 10 == 0 && s.partnerships > 0 {
            format!("bench-{}", rng.below(s.partnerships))
        } else {
            String::new()
        };
        let place = match (i % 5, s.places) {
            (_, 0) => String::new(),
            (0, n) => format!("generated place {}", rng.below(n)),
            (1, n) => format!("E09{:06}", rng.below(n)),
            _ => String::new(),
        };
        let _ = writeln!(out, "gen.p{proxy},{quantity},Row {i},{partnership},{place}");
    }
    out
}

/// Stories with one to four generated tags each (some repeated), most with consent.
fn stories(s: &Sizes, rng: &mut Rng) -> String {
    let mut out = String::from("id,title,text,tags,consent\n");
    for i in 0..s.stories {
        let n = 1 + rng.below(4);
        let tags: Vec<String> = (0..n)
            .map(|_| format!("gen-t{}", rng.below(s.tags.max(1))))
            .collect();
        let consent = if i % 7 == 0 { "no" } else { "yes" };
        let _ = writeln!(
            out,
            "B{i},Story {i},\"Something changed for person {i}, in their words.\",{},{consent}",
            tags.join(";")
        );
    }
    out
}

/// The example's project.toml on the generated toolkit, with the generated partnerships.
fn project_toml(example: &str, s: &Sizes) -> String {
    let mut out = example.replace("toolkit = \"uk-core\"", "toolkit = \"bench-kit\"");
    for i in 0..s.partnerships {
        let _ = write!(
            out,
            "\n[[partnership]]\nid = \"bench-{i}\"\nmembers = [\"GB-CHC-1234567\", \"GB-CHC-{:07}\"]\n",
            2_000_000 + i
        );
        // An agreed split on each: a row naming one without needs its own attribution.
        let _ = writeln!(
            out,
            "shares = {{ \"GB-CHC-1234567\" = 0.6, \"GB-CHC-{:07}\" = 0.4 }}",
            2_000_000 + i
        );
    }
    out
}
