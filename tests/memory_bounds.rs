//! Memory bounded by design (issue 18): a command's peak memory stays within 4 × its largest
//! input + 64 MiB however the input is shaped, and a report template is inert (regular files
//! inside its folder only, within size caps). Peak memory is each child's own peak resident
//! size (`wait4`), so tests running side by side do not count in each other's figures.

mod common;
#[path = "common/peak.rs"]
mod peak;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const MIB: u64 = 1024 * 1024;

/// What a run of the binary gave, with its peak resident memory.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    peak_kib: u64,
}

/// Runs the binary in `dir` and measures its own peak resident memory. Output goes to files (a
/// pipe could fill and stall the child while this waits for it), and a child still running
/// after 300 s is killed (it would otherwise hang the test run; `code` is then `None`).
// The child is reaped by `wait4` (which alone gives its own peak memory), not `Child::wait`.
#[allow(clippy::zombie_processes)]
fn run(dir: &Path, args: &[&str]) -> Run {
    let out = tempfile::NamedTempFile::new().unwrap();
    let err = tempfile::NamedTempFile::new().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_social-value"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out.reopen().unwrap())
        .stderr(err.reopen().unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let watchdog = std::thread::spawn(move || {
        for _ in 0..3000 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            // SAFETY: signal 0 only asks whether the process still exists.
            if unsafe { libc::kill(pid, 0) } != 0 {
                return;
            }
        }
        // SAFETY: the child is ours and not yet reaped (wait4 below reaps it).
        unsafe { libc::kill(pid, libc::SIGKILL) };
    });
    let (code, peak_kib) = peak::wait_with_peak(pid);
    let _ = watchdog.join();
    Run {
        code,
        stdout: std::fs::read_to_string(out.path()).unwrap_or_default(),
        stderr: std::fs::read_to_string(err.path()).unwrap_or_default(),
        peak_kib,
    }
}

/// The rule: at most 4 × the largest input + 64 MiB.
fn bound_kib(largest: u64) -> u64 {
    (4 * largest + 64 * MIB) / 1024
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).unwrap().len()
}

fn assert_within(what: &str, r: &Run, largest: u64) {
    assert!(
        r.code.is_some(),
        "{what} was killed:\n{}\n{}",
        r.stdout,
        r.stderr
    );
    assert!(
        !r.stderr.contains("panicked"),
        "{what} panicked:\n{}",
        r.stderr
    );
    assert!(
        r.peak_kib <= bound_kib(largest),
        "{what} used {} MiB for a largest input of {:.1} MiB (bound {} MiB)",
        r.peak_kib / 1024,
        largest as f64 / MIB as f64,
        bound_kib(largest) / 1024
    );
}

/// Proxies of the bundled uk-core bank, rotated through the outcome lines.
const PROXIES: [&str; 4] = [
    "health.ae-attendance",
    "health.urgent-care-visit",
    "health.ambulance-callout",
    "health.non-elective-episode",
];

/// A return in the documented format (docs/submission-format.md) with `outcomes` outcome lines
/// (each with its result line) and `stories` consented stories tagged `tag`, carrying the
/// fingerprint of its content. Its claimed figures are invented, so it is refused only at the
/// last stage, after it has been read and recomputed in full: the costliest path a stranger's
/// file can take. The canonical JSON its fingerprint is of is written alongside, by hand: a
/// parse of the text here would grow this process, and a child starts as large as its parent.
fn submission(org: &str, outcomes: usize, stories: usize, tag: &str) -> String {
    let text = "I did not have to go to A&E this winter: the befriender came round every week.";
    submission_with(org, outcomes, stories, tag, text)
}

/// [`submission`] with every story's text `text` (plain letters and punctuation).
fn submission_with(org: &str, outcomes: usize, stories: usize, tag: &str, text: &str) -> String {
    let mut t = String::with_capacity(outcomes * 400 + stories * (300 + text.len()));
    let mut json: Vec<String> = Vec::new();
    t.push_str(
        "[submission]\nformat_version = 4\ngenerator = \"a test\"\nfingerprint = \"sha256:0\"\n\n",
    );
    t.push_str(&format!(
        "[organisation]\nname = \"Big Org\"\nid = \"{org}\"\n\n[period]\nstart = \"2024-04-01\"\nend = \"2025-03-31\"\n\n"
    ));
    t.push_str("[toolkit]\nid = \"uk-core\"\nversion = \"2026.3\"\nfingerprint = \"sha256:1\"\n\n");
    t.push_str("[[investment]]\nsource = \"Grant\"\namount = \"100000\"\nin_kind = false\n\n");
    json.push(format!(
        "{{\"investment\":[{{\"amount\":\"100000\",\"in_kind\":false,\"source\":\"Grant\"}}],\"organisation\":{{\"id\":\"{org}\",\"name\":\"Big Org\"}},\"outcome\":["
    ));
    for i in 0..outcomes {
        let (line, proxy, quantity) = (i + 2, PROXIES[i % PROXIES.len()], 1 + i % 7);
        t.push_str(&format!(
            "[[outcome]]\nline = {line}\nproxy = \"{proxy}\"\nquantity = \"{quantity}\"\ndeadweight = \"0.2\"\nattribution = \"0.1\"\ndisplacement = \"0\"\ndrop_off = \"0\"\nduration = 1\noverridden = []\nnote = \"row {i} of the outcomes file\"\nevidence_type = \"own-records\"\n\n"
        ));
        json.push(format!(
            "{}{{\"attribution\":\"0.1\",\"deadweight\":\"0.2\",\"displacement\":\"0\",\"drop_off\":\"0\",\"duration\":1,\"evidence_type\":\"own-records\",\"line\":{line},\"note\":\"row {i} of the outcomes file\",\"overridden\":[],\"proxy\":\"{proxy}\",\"quantity\":\"{quantity}\"}}",
            if i > 0 { "," } else { "" }
        ));
    }
    json.push("],\"period\":{\"end\":\"2025-03-31\",\"start\":\"2024-04-01\"},\"results\":{\"investment\":\"100000.00\",\"line\":[".into());
    let mut story_json = Vec::new();
    for i in 0..stories {
        t.push_str(&format!(
            "[[story]]\nid = \"S{i:06}\"\ntitle = \"Story {i}\"\ntext = \"{text}\"\ntags = [\n    \"{tag}\",\n]\nconsent = \"yes\"\n\n"
        ));
        story_json.push(format!(
            "{}{{\"consent\":\"yes\",\"id\":\"S{i:06}\",\"tags\":[\"{tag}\"],\"text\":\"{text}\",\"title\":\"Story {i}\"}}",
            if i > 0 { "," } else { "" }
        ));
    }
    t.push_str("[results]\ninvestment = \"100000.00\"\npresent_value = \"1.00\"\nnet_present_value = \"-99999.00\"\nsroi_ratio = \"0.00\"\nvolunteer_hours = \"0\"\nvolunteers = 0\nstories_withheld = 0\n\n");
    for i in 0..outcomes {
        let (line, proxy) = (i + 2, PROXIES[i % PROXIES.len()]);
        t.push_str(&format!(
            "[[results.line]]\nproxy = \"{proxy}\"\norigin = \"outcome line {line}\"\npresent_value = \"1.00\"\n\n"
        ));
        json.push(format!(
            "{}{{\"origin\":\"outcome line {line}\",\"present_value\":\"1.00\",\"proxy\":\"{proxy}\"}}",
            if i > 0 { "," } else { "" }
        ));
    }
    json.push("],\"net_present_value\":\"-99999.00\",\"present_value\":\"1.00\",\"sroi_ratio\":\"0.00\",\"stories_withheld\":0,\"volunteer_hours\":\"0\",\"volunteers\":0},\"story\":[".into());
    json.extend(story_json);
    json.push("],\"submission\":{\"format_version\":4,\"generator\":\"a test\"},\"toolkit\":{\"fingerprint\":\"sha256:1\",\"id\":\"uk-core\",\"version\":\"2026.3\"}}".into());
    let digest = sha2::Digest::finalize(
        json.iter()
            .fold(<sha2::Sha256 as sha2::Digest>::new(), |h, part| {
                sha2::Digest::chain_update(h, part.as_bytes())
            }),
    );
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    t.replacen("sha256:0", &format!("sha256:{hex}"), 1)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A 3 MB return with 6,000 outcome lines: reading it once took 35 times its size (the TOML
/// parser's token and event lists and a full document tree, cloned, then converted to JSON
/// for the fingerprint), and `review` read it twice.
#[test]
fn a_large_return_is_reviewed_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "big.toml",
        &submission("GB-CHC-1234567", 6000, 1000, "less-lonely"),
    );
    let r = run(dir.path(), &["review", p.to_str().unwrap()]);
    assert_eq!(r.code, Some(3), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("matches the content"), "{}", r.stdout);
    assert!(r.stdout.contains("recomputed"), "{}", r.stdout);
    assert_within("review of a 6,000-line return", &r, size(&p));
}

/// Every story tagged with a proxy that outcome lines claim evidences each of those lines:
/// 500 lines and 3,000 stories made 1.5 million copies of story ids from a 1.3 MB file.
#[test]
fn stories_evidencing_many_lines_cost_memory_in_proportion() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "evidence.toml",
        &submission("GB-CHC-1234567", 2000, 3000, "avoided-ae"),
    );
    let r = run(dir.path(), &["review", p.to_str().unwrap()]);
    assert_eq!(r.code, Some(3), "{}{}", r.stdout, r.stderr);
    assert_within("review of stories evidencing many lines", &r, size(&p));
}

/// Four large returns on four jobs: each job once held a whole return's parse at 35 times its
/// size, all at once. The summary is the same as one job's.
#[test]
fn a_network_of_large_returns_stays_within_the_bound_and_matches_the_serial_run() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let mut largest = 0;
    for i in 0..4 {
        let p = write(
            &inbox,
            &format!("member-{i}.toml"),
            &submission(&format!("GB-CHC-{}", 1000 + i), 1500, 200, "less-lonely"),
        );
        largest = largest.max(size(&p));
    }
    let args = |jobs: &'static str| {
        vec![
            "network", "inbox", "--year", "2024", "--format", "json", "--jobs", jobs,
        ]
    };
    let serial = run(dir.path(), &args("1"));
    let parallel = run(dir.path(), &args("4"));
    assert_eq!(serial.code, Some(0), "{}", serial.stderr);
    assert_eq!(parallel.stdout, serial.stdout);
    assert!(serial.stdout.contains("member-3.toml"), "{}", serial.stdout);
    assert_within(
        "network --jobs 4 over four large returns",
        &parallel,
        largest,
    );
}

/// Returns too large to read side by side are read one at a time, and the memory one frees is
/// reused by the next on any thread: with a malloc arena per thread, each of six threads kept
/// what its 3 MB return had needed (75 MiB in all, where one return alone takes 35).
#[test]
fn returns_read_one_at_a_time_cost_no_more_than_the_largest_alone() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let text = "a".repeat(3 * MIB as usize);
    let mut largest = 0;
    for i in 0..6 {
        let org = format!("GB-CHC-{}", 2000 + i);
        let p = write(
            &inbox,
            &format!("m{i}.toml"),
            &submission_with(&org, 1, 1, "less-lonely", &text),
        );
        largest = largest.max(size(&p));
    }
    drop(text);
    let alone = run(dir.path(), &["review", "inbox/m0.toml"]);
    let all = run(
        dir.path(),
        &["network", "inbox", "--year", "2024", "--jobs", "6"],
    );
    assert_eq!(all.code, Some(0), "{}", all.stderr);
    assert_within("network --jobs 6 over six 3 MB returns", &all, largest);
    assert!(
        all.peak_kib <= alone.peak_kib + 16 * 1024,
        "six returns read one at a time took {} MiB, one alone {} MiB",
        all.peak_kib / 1024,
        alone.peak_kib / 1024
    );
}

/// A return over 16 MiB is refused before it is read: the largest real return is about a
/// hundredth of that.
#[test]
fn a_return_over_the_size_limit_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.toml");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(17 * MIB).unwrap();
    let r = run(dir.path(), &["review", p.to_str().unwrap()]);
    assert_eq!(r.code, Some(3), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("larger than the 16 MiB a submission may be"),
        "{}",
        r.stdout
    );
    assert_within("review of a 17 MiB file", &r, 0);
}

/// Tables, not bytes, are what a return's memory grows with (about 2 KB each however short):
/// a return of more than 20,000 is refused, by `review` and by `network` alike.
#[test]
fn a_return_with_more_tables_than_the_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let small = submission("GB-CHC-1234567", 1, 0, "less-lonely");
    let many = small.replacen(
        "[results]",
        &format!(
            "{}[results]",
            "[[unvalued]]\nnote = \"\"\n\n".repeat(20_000)
        ),
        1,
    );
    let p = write(&inbox, "many.toml", &many);
    let r = run(dir.path(), &["review", p.to_str().unwrap()]);
    assert_eq!(r.code, Some(3), "{}{}", r.stdout, r.stderr);
    let said = "the file holds more than 20,000 tables";
    assert!(r.stdout.contains(said), "{}", r.stdout);
    let n = run(
        dir.path(),
        &["network", "inbox", "--year", "2024", "--format", "json"],
    );
    assert!(n.stdout.contains(said), "{}{}", n.stdout, n.stderr);
}

/// A report template folder is inert: its files are read only when they are regular files in
/// it and within their caps. A link (`logo.svg` to the volunteer log, `style.css` to
/// /etc/passwd) was embedded in the published report, a pipe was skipped quietly (or, read,
/// would hang), and a 1.5 GB logo took 10 GB; each is now refused, naming the file.
#[test]
fn a_report_template_folder_is_inert() {
    let f = common::Fixture::new();
    f.write(
        "volunteers.csv",
        "date,volunteer,role,hours\n2024-05-01,Mary Smith,driver,2\n",
    );
    let brand = f.path("brand");
    std::fs::create_dir(&brand).unwrap();
    let report = |f: &common::Fixture| {
        run(
            f.dir.path(),
            &[
                "report",
                "project.toml",
                "--out",
                "out",
                "--runs",
                "200",
                "--template",
                "brand",
            ],
        )
    };
    let refused = |r: &Run, needles: &[&str]| {
        assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
        for n in needles {
            assert!(r.stderr.contains(n), "stderr lacks {n:?}:\n{}", r.stderr);
        }
        assert!(!f.path("out").exists(), "a report was written");
    };
    std::os::unix::fs::symlink(f.path("volunteers.csv"), brand.join("logo.svg")).unwrap();
    refused(&report(&f), &["brand/logo.svg", "is a link"]);
    std::fs::remove_file(brand.join("logo.svg")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", brand.join("style.css")).unwrap();
    refused(&report(&f), &["brand/style.css", "is a link"]);
    std::fs::remove_file(brand.join("style.css")).unwrap();
    let fifo = std::ffi::CString::new(brand.join("logo.png").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads only the path given.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    refused(&report(&f), &["brand/logo.png", "not an ordinary file"]);
    std::fs::remove_file(brand.join("logo.png")).unwrap();
    std::fs::write(brand.join("logo.png"), vec![0x89u8; 3 * MIB as usize]).unwrap();
    let r = report(&f);
    refused(&r, &["brand/logo.png", "larger than the 2048 KiB"]);
    assert_within("report with a 3 MiB logo", &r, 3 * MIB);
    std::fs::write(brand.join("logo.png"), b"\x89PNG small").unwrap();
    let r = report(&f);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let html = std::fs::read_to_string(f.path("out/report.html")).unwrap();
    assert!(
        html.contains("data:image/png;base64,iVBORyBzbWFsbA=="),
        "no logo"
    );
}
