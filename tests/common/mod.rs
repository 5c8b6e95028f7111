//! Shared helpers for the command-line tests: a throw-away project folder and a way to run the binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A small toolkit for tests: year-1-undiscounted, two price years, a few proxies and tags.
pub const TOOLKIT: &str = r#"
[toolkit]
format_version = 2
id = "test-kit"
version = "1.0"
title = "Test toolkit"
currency = "GBP"
price_year = 2024
discount_rate = 0.035
discount_first_year = false

[price_index]
2014 = 80.0
2024 = 100.0

[[proxy]]
id = "outcome.big"
name = "Worked example outcome"
kind = "wellbeing"
unit = "person"
value = 8500
low = 7000
high = 9000
price_year = 2024
beneficiary = "individual"
source = "DOMAIN.md worked example"
url = "https://example.org/worked"
licence = "CC-BY-4.0"
deadweight = 0.4
attribution = 0.3
displacement = 0
drop_off = 0.3
duration = 2
themes = ["wellbeing"]

[proxy.basis]
deadweight = "convention: DOMAIN.md worked example"
attribution = "convention: test"
displacement = "convention: test"
drop_off = "convention: test"
duration = "convention: test"

[[proxy]]
id = "health.ae-attendance"
name = "A&E attendance avoided"
kind = "fiscal"
unit = "attendance"
value = 138
price_year = 2014
beneficiary = "NHS"
source = "NHS Reference Costs 2013-14"
url = "https://example.org/ae"
licence = "OGL-UK-3.0"
deadweight = 0.2
attribution = 0
displacement = 0
drop_off = 0
duration = 1
themes = ["health"]

[proxy.basis]
deadweight = "convention: test"
attribution = "convention: test"
displacement = "convention: test"
drop_off = "convention: test"
duration = "convention: test"

[[proxy]]
id = "harm.complaint"
name = "Complaint handled"
kind = "fiscal"
unit = "complaint"
value = -100
price_year = 2024
beneficiary = "council"
source = "Invented harm for tests"
url = "https://example.org/harm"
licence = "CC-BY-4.0"
deadweight = 0
attribution = 0
displacement = 0
drop_off = 0
duration = 1
themes = ["governance"]

[proxy.basis]
deadweight = "a harm counts in full: tests"
attribution = "convention: test"
displacement = "convention: test"
drop_off = "convention: test"
duration = "convention: test"

[[proxy]]
id = "volunteer.hour"
name = "Volunteer hour"
kind = "volunteering"
unit = "hour"
value = 10
price_year = 2014
beneficiary = "community"
source = "Invented rate for tests"
url = "https://example.org/hour"
licence = "CC-BY-4.0"
deadweight = 0
attribution = 0
displacement = 0
drop_off = 0
duration = 1
themes = ["volunteering"]

[[tag]]
id = "avoided-ae"
label = "Avoided A&E"
theme = "health"
proxy = "health.ae-attendance"
per_story = 1

[[tag]]
id = "less-lonely"
label = "Less lonely"
theme = "wellbeing"
"#;

/// The worked example's project: 60 people, £250,000 invested.
pub const PROJECT: &str = r#"toolkit = "test-kit"

[organisation]
name = "Test Org"
id = "GB-TEST-1"

[period]
start = 2024-04-01
end = 2025-03-31

[[investment]]
source = "Grant"
amount = 250000

[outcomes]
file = "outcomes.csv"
"#;

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A project folder holding test-kit.toml, project.toml and outcomes.csv (the worked example).
    pub fn new() -> Fixture {
        let f = Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        f.write("test-kit.toml", TOOLKIT);
        f.write("project.toml", PROJECT);
        f.write("outcomes.csv", "proxy,quantity\noutcome.big,60\n");
        f
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) {
        self.write_bytes(name, text.as_bytes());
    }

    pub fn write_bytes(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.path(name), bytes).expect("write fixture");
    }

    /// Appends TOML to project.toml.
    pub fn add_to_project(&self, extra: &str) {
        let mut p = std::fs::read_to_string(self.path("project.toml")).unwrap();
        p.push_str(extra);
        self.write("project.toml", &p);
    }

    /// Runs any command in the project folder.
    pub fn run_cmd(&self, args: &[&str]) -> Run {
        run_in(self.dir.path(), args)
    }

    /// Writes the report into `out/` (200 simulation runs, for speed) with `args` added;
    /// returns the run and the folder.
    pub fn report(&self, args: &[&str]) -> (Run, PathBuf) {
        let out = self.path("out");
        let project = self.path("project.toml");
        let mut all = vec![
            "report",
            project.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--runs",
            "200",
        ];
        all.extend_from_slice(args);
        (run_in(self.dir.path(), &all), out)
    }

    /// `network inbox --year 2024 --toolkit test-kit.toml` in the folder, with `extra` added.
    pub fn network(&self, extra: &[&str]) -> Run {
        let mut all = vec![
            "network",
            "inbox",
            "--year",
            "2024",
            "--toolkit",
            "test-kit.toml",
        ];
        all.extend_from_slice(extra);
        self.run_cmd(&all)
    }

    pub fn calc(&self, args: &[&str]) -> Run {
        let project = self.path("project.toml");
        let mut all = vec!["calc", project.to_str().unwrap()];
        all.extend_from_slice(args);
        run_in(self.dir.path(), &all)
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }

    /// Asserts failure with exit 1, nothing on stdout, and every `needle` in stderr.
    pub fn fails_with(&self, needles: &[&str]) {
        assert_eq!(self.code, 1, "expected exit 1; stderr:\n{}", self.stderr);
        assert!(
            self.stdout.is_empty(),
            "nothing may be printed on failure, got:\n{}",
            self.stdout
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr lacks {n:?}:\n{}",
                self.stderr
            );
        }
    }
}

impl Run {
    /// Asserts success (exit 0) and every `needle` in stderr (the warnings).
    pub fn warns(&self, needles: &[&str]) {
        assert_eq!(self.code, 0, "expected success; stderr:\n{}", self.stderr);
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr lacks {n:?}:\n{}",
                self.stderr
            );
        }
    }

    /// Asserts a command-line mistake: exit 2, nothing on stdout.
    pub fn fails_usage(&self) {
        assert_eq!(self.code, 2, "expected exit 2; stderr:\n{}", self.stderr);
        assert!(self.stdout.is_empty());
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_env(dir, args, &[])
}

/// [`run_in`] with environment variables set (e.g. `SOURCE_DATE_EPOCH` for `submit`).
pub fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_social-value"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("run social-value");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs from the repository root (so `examples/...` paths work).
pub fn run(args: &[&str]) -> Run {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// `text` with its fingerprint made to match its content again, as another tool would write it.
pub fn refingerprinted(text: &str) -> String {
    let doc: toml::Table = toml::from_str(text).unwrap();
    let fingerprint = social_value::submission::fingerprint_of_document(&doc);
    let old = text
        .lines()
        .find(|l| l.starts_with("fingerprint = "))
        .unwrap()
        .to_string();
    text.replace(&old, &format!("fingerprint = \"{fingerprint}\""))
}
