//! Starting and checking a project (issue 8): `init` makes a project that values with no
//! edits, never overwrites; `check` lists every problem with a fix; help and completions.

mod common;
use common::{run_in, Fixture};

#[test]
fn init_then_check_calc_and_report_work_with_no_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run_in(tmp.path(), &["init", "our project"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for next in [
        "social-value check \"our project\"",
        "social-value calc \"our project\"",
        "social-value report \"our project\"",
    ] {
        assert!(r.stdout.contains(next), "{}", r.stdout);
    }
    let dir = tmp.path().join("our project");
    for f in [
        "project.toml",
        "volunteer_hours.csv",
        "outcomes.csv",
        "stories.csv",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let toml = std::fs::read_to_string(dir.join("project.toml")).unwrap();
    assert!(
        toml.lines().filter(|l| l.contains('#')).count() > 20,
        "fields are explained"
    );

    let check = run_in(tmp.path(), &["check", "our project"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stdout.starts_with("ok: "), "{}", check.stdout);
    assert!(
        check
            .stdout
            .contains("1 row, 2 hours, 1 volunteer in 1 role"),
        "{}",
        check.stdout
    );
    assert!(
        check.stderr.is_empty(),
        "a new project has nothing to warn about:\n{}",
        check.stderr
    );

    let calc = run_in(tmp.path(), &["calc", "our project", "--format", "json"]);
    assert_eq!(calc.code, 0, "{}", calc.stderr);
    let v = calc.json();
    assert_eq!(v["volunteer_hours"], "2");
    assert_eq!(v["stories_withheld"], 1, "the example story has no consent");
    // Volunteer time is counted as input: one outcome line, and the time in the investment.
    assert_eq!(v["lines"].as_array().unwrap().len(), 1, "one outcome");
    assert_eq!(v["volunteering"]["counted_as"], "input");
    assert_eq!(v["investment_in_kind"], v["volunteer_time_value"]);

    let out = tmp.path().join("out");
    let report = run_in(
        tmp.path(),
        &[
            "report",
            "our project",
            "--out",
            out.to_str().unwrap(),
            "--runs",
            "200",
        ],
    );
    assert_eq!(report.code, 0, "{}", report.stderr);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Example Community Group"));
    assert!(
        !html.contains("Replace this with a story"),
        "a story without consent is never published"
    );
}

#[test]
fn init_never_overwrites_and_writes_nothing_when_it_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("outcomes.csv"), "mine\n").unwrap();
    let r = run_in(tmp.path(), &["init", "p"]);
    r.fails_with(&["already has", "outcomes.csv", "init never overwrites"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("outcomes.csv")).unwrap(),
        "mine\n"
    );
    assert!(!dir.join("project.toml").exists());
}

#[test]
fn init_with_an_unknown_toolkit_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    run_in(tmp.path(), &["init", "p", "--toolkit", "uk-kore"])
        .fails_with(&["cannot find toolkit \"uk-kore\""]);
    assert!(!tmp.path().join("p").exists());
}

#[test]
fn init_uses_the_chosen_toolkits_own_proxies() {
    // The test toolkit has none of uk-core's ids: the example rows must use its own.
    let f = Fixture::new();
    let r = f.run_cmd(&["init", "new", "--toolkit", "test-kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let toml = std::fs::read_to_string(f.path("new/project.toml")).unwrap();
    assert!(toml.contains("befriender = \"volunteer.hour\""), "{toml}");
    // The toolkit is found beside the project only when it is there: copy it in.
    std::fs::copy(f.path("test-kit.toml"), f.path("new/test-kit.toml")).unwrap();
    let calc = f.run_cmd(&["calc", "new"]);
    assert_eq!(calc.code, 0, "{}", calc.stderr);
}

#[test]
fn check_lists_every_problem_with_a_fix_and_values_nothing() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity\noutcome.bigg,60\nhealth.ae-attendance,-3\n",
    );
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    f.write(
        "stories.csv",
        "id,title,text,tags,consent\nS1,A,Words,less-lonly,maybe\n",
    );
    let r = f.run_cmd(&["check", f.path("project.toml").to_str().unwrap()]);
    r.fails_with(&[
        "outcomes.csv:2:1",
        "did you mean \"outcome.big\"",
        "outcomes.csv:3:2",
        "= help: record a harm with a proxy whose value is negative",
        "stories.csv:2:4",
        "did you mean \"less-lonely\"",
        "stories.csv:2:5",
        "4 problems found; fix them (each says how) and run check again.",
    ]);
    // Every error printed comes with help.
    let errors =
        r.stderr.matches("\nerror: ").count() + usize::from(r.stderr.starts_with("error: "));
    assert_eq!(errors, r.stderr.matches("= help:").count(), "{}", r.stderr);
}

#[test]
fn every_command_has_help_with_examples() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in [
        "init",
        "check",
        "calc",
        "sensitivity",
        "report",
        "submit",
        "review",
        "network",
        "compare",
        "demo-network",
        "toolkit",
        "completions",
    ] {
        let r = run_in(tmp.path(), &[cmd, "--help"]);
        assert_eq!(r.code, 0, "{cmd}: {}", r.stderr);
        assert!(
            r.stdout.contains("Examples:"),
            "{cmd} --help has no examples:\n{}",
            r.stdout
        );
        assert!(r.stdout.contains(&format!("social-value {cmd}")), "{cmd}");
    }
    for sub in ["check", "list", "show", "diff", "import"] {
        let r = run_in(tmp.path(), &["toolkit", sub, "--help"]);
        assert!(r.stdout.contains("Examples:"), "toolkit {sub}");
    }
}

#[test]
fn completions_are_printed_for_each_shell() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let r = run_in(tmp.path(), &["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        for word in ["social-value", "init", "check", "skip-bad-rows"] {
            assert!(r.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    run_in(tmp.path(), &["completions", "tcsh"]).fails_usage();
}
