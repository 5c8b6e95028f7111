//! Issue 18: every command with its stdout, then its stderr, pointed at a full device
//! (`/dev/full`). Never a panic (exit 101). The exit codes decided in `src/cmd/mod.rs`:
//! - stdout cannot be written (not a closed pipe): exit 1, saying so on stderr;
//! - stdout is a closed pipe (`| head`): the reader chose to stop, so the command's own code;
//! - only stderr cannot be written: the command's own code when it had nothing to say there,
//!   exit 1 when it had warnings that could not be shown (a red review keeps its 3).

mod common;

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_social-value");

fn repo(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(p)
        .to_string_lossy()
        .into_owned()
}

fn full() -> Stdio {
    OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full")
        .into()
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Which stream, if any, is pointed at `/dev/full`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Full {
    Neither,
    Stdout,
    Stderr,
}

fn run(dir: &Path, args: &[String], which: Full) -> Ran {
    let mut c = Command::new(BIN);
    c.args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1735689600")
        .stdin(Stdio::null());
    let (out, err) = match which {
        Full::Neither => (Stdio::piped(), Stdio::piped()),
        Full::Stdout => (full(), Stdio::piped()),
        Full::Stderr => (Stdio::piped(), full()),
    };
    let o = c
        .stdout(out)
        .stderr(err)
        .output()
        .expect("run social-value");
    Ran {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A command to try: its arguments, with `{ex}` the bundled example, `{root}` the shared
/// inputs and `{kit}` the bundled toolkit's file; it runs in a fresh empty folder, which
/// `prepare` may fill first.
struct Case {
    name: &'static str,
    args: &'static str,
    prepare: Option<fn(&Path)>,
}

const fn case(name: &'static str, args: &'static str) -> Case {
    Case {
        name,
        args,
        prepare: None,
    }
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

/// Shared inputs made once: a submission of the example, an inbox holding it, a toolkit with
/// one value changed (to diff), and a test project that warns (its organisation id).
fn shared(root: &Path) -> PathBuf {
    let example = repo("examples/oakfield-cvs");
    let made = run(
        root,
        &words(&format!("submit {example} --out sub.toml")),
        Full::Neither,
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    std::fs::create_dir(root.join("inbox")).unwrap();
    std::fs::copy(root.join("sub.toml"), root.join("inbox/sub.toml")).unwrap();
    let kit = std::fs::read_to_string(repo("proxies/uk-core.toml")).unwrap();
    let changed = kit.replacen("version = \"", "version = \"9", 1);
    assert_ne!(kit, changed);
    std::fs::write(root.join("new-kit.toml"), changed).unwrap();
    std::fs::create_dir(root.join("warns")).unwrap();
    let w = root.join("warns");
    std::fs::write(w.join("test-kit.toml"), common::TOOLKIT).unwrap();
    std::fs::write(w.join("project.toml"), common::PROJECT).unwrap();
    std::fs::write(
        w.join("outcomes.csv"),
        "proxy,quantity\noutcome.big,60\nno.such-proxy,1\n",
    )
    .unwrap();
    root.to_path_buf()
}

fn import_inputs(w: &Path) {
    std::fs::write(w.join("kit.toml"), common::TOOLKIT).unwrap();
    std::fs::write(
        w.join("values.csv"),
        "id,name,kind,unit,value,price_year,source,url,licence,themes\n\
         myorg.meal,Hot meal,economic,meal,4.25,2014,Own costs,https://example.org/costs,CC-BY-4.0,food\n",
    )
    .unwrap();
}

const CASES: &[Case] = &[
    case("init", "init new-project"),
    case("check", "check {ex}"),
    case("check, warnings", "check {root}/warns --skip-bad-rows"),
    case("calc", "calc {ex}"),
    case(
        "calc, warnings",
        "calc {root}/warns --skip-bad-rows --format json",
    ),
    case(
        "report",
        "report {ex} --out out --runs 200 --format md,json",
    ),
    case("sensitivity", "sensitivity {ex} --runs 200"),
    case("submit", "submit {ex} --out s.toml"),
    case("review", "review {root}/sub.toml"),
    case("network", "network {root}/inbox --year 2024"),
    case("compare", "compare {root}/sub.toml {root}/sub.toml"),
    case("demo-network", "demo-network --members 3 --out demo"),
    case("toolkit check", "toolkit check {kit}"),
    case("toolkit list", "toolkit list"),
    case("toolkit show", "toolkit show health.ae-attendance"),
    case("toolkit diff", "toolkit diff {kit} {root}/new-kit.toml"),
    Case {
        name: "toolkit import",
        args: "toolkit import values.csv --into kit.toml",
        prepare: Some(import_inputs),
    },
    case("completions", "completions bash"),
    case("--help", "--help"),
    case("calc --help", "calc --help"),
    case("--version", "--version"),
    case("a usage mistake", "calc"),
    case("an input problem", "calc {root}/no-such-project"),
];

/// The exit code each stream's failure must give, from the command's normal run.
fn expected(normal: &Ran, which: Full) -> i32 {
    match which {
        Full::Neither => normal.code,
        Full::Stdout if !normal.stdout.is_empty() => 1,
        Full::Stdout => normal.code,
        Full::Stderr if !normal.stderr.is_empty() && normal.code == 0 => 1,
        Full::Stderr => normal.code,
    }
}

#[test]
fn every_command_survives_a_full_stdout_and_a_full_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    let root = shared(tmp.path());
    let mut seen_warnings = 0;
    let fill = |s: &str| {
        s.replace("{ex}", &repo("examples/oakfield-cvs"))
            .replace("{kit}", &repo("proxies/uk-core.toml"))
            .replace("{root}", &root.to_string_lossy())
    };
    for (n, c) in CASES.iter().enumerate() {
        let mut normal = None;
        for which in [Full::Neither, Full::Stdout, Full::Stderr] {
            let dir = root.join(format!("run-{n}-{which:?}"));
            std::fs::create_dir(&dir).unwrap();
            if let Some(prepare) = c.prepare {
                prepare(&dir);
            }
            let args = words(&fill(c.args));
            let r = run(&dir, &args, which);
            let name = c.name;
            let shown = format!(
                "{name} with {which:?} full: exit {}\nstdout:\n{}\nstderr:\n{}",
                r.code, r.stdout, r.stderr
            );
            assert_ne!(r.code, 101, "{shown}");
            assert!(!r.stdout.contains("panicked"), "{shown}");
            assert!(!r.stderr.contains("panicked"), "{shown}");
            let Some(normal) = &normal else {
                assert!([0, 1, 2, 3].contains(&r.code), "{shown}");
                if !r.stderr.is_empty() && r.code == 0 {
                    seen_warnings += 1;
                }
                normal = Some(r);
                continue;
            };
            assert_eq!(r.code, expected(normal, which), "{shown}");
            match which {
                Full::Stdout if !normal.stdout.is_empty() => {
                    assert!(r.stderr.contains("cannot write the output"), "{shown}")
                }
                // With stderr lost, the result still reaches stdout whole.
                Full::Stderr => {
                    assert_eq!(r.stdout.is_empty(), normal.stdout.is_empty(), "{shown}")
                }
                _ => {}
            }
        }
    }
    assert!(
        seen_warnings >= 2,
        "the cases must include commands that warn"
    );
}

/// A reader that stops early (`social-value calc … | head -1`) is not an error.
#[test]
fn a_closed_pipe_on_stdout_is_not_an_error() {
    let mut child = Command::new(BIN)
        .args(["toolkit", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
}
