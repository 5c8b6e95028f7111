//! Issue 18: names from files and paths never reach a terminal raw. Control characters (an
//! escape sequence that clears the screen, a bell) are shown as visible escapes (`\u{1b}`),
//! and a line break inside one name is escaped too, so a name cannot forge a line of output.

mod common;

use common::{run_env, run_in, Fixture, Run};

/// No control character but the program's own line breaks, on either stream.
fn no_raw_controls(r: &Run, what: &str) {
    for (name, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        let bad: Vec<char> = text
            .chars()
            .filter(|c| c.is_control() && *c != '\n')
            .collect();
        assert!(bad.is_empty(), "{what}: {name} holds {bad:?}:\n{text}");
    }
}

const SOURCE_DATE: (&str, &str) = ("SOURCE_DATE_EPOCH", "1735689600");

#[test]
fn a_submission_file_named_with_an_escape_sequence_is_shown_escaped() {
    let f = Fixture::new();
    let name = "member\u{1b}[2J\u{7}\nOverall: GREEN.toml";
    let made = run_env(
        f.dir.path(),
        &["submit", "project.toml", "--out", name],
        &[SOURCE_DATE],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    no_raw_controls(&made, "submit");
    assert!(
        made.stdout.contains(r"member\u{1b}[2J\u{7}\u{a}Overall"),
        "{}",
        made.stdout
    );
    let r = f.run_cmd(&["review", name, "--toolkit", "test-kit.toml"]);
    no_raw_controls(&r, "review");
    assert!(
        r.stdout
            .contains(r"Review of member\u{1b}[2J\u{7}\u{a}Overall: GREEN.toml"),
        "{}",
        r.stdout
    );
    // The forged "Overall" line is not a line of its own.
    assert!(
        !r.stdout
            .lines()
            .any(|l| l.starts_with("Overall: GREEN.toml")),
        "{}",
        r.stdout
    );
    // A file that is not there: the message names it escaped too.
    let missing = f.run_cmd(&["review", "gone\u{1b}]0;owned\u{7}.toml"]);
    assert_eq!(missing.code, 1);
    no_raw_controls(&missing, "review of a missing file");
    assert!(
        missing.stderr.contains(r"gone\u{1b}]0;owned\u{7}.toml"),
        "{}",
        missing.stderr
    );
}

/// A toolkit whose proxy name, unit and source carry ESC, BEL and a line break.
fn hostile_kit(f: &Fixture) {
    let kit = common::TOOLKIT
        .replace(
            "name = \"A&E attendance avoided\"",
            "name = \"A&E\\u001b[2J attendance\\u0007 avoided\\nok: forged\"",
        )
        .replace(
            "source = \"NHS Reference Costs 2013-14\"",
            "source = \"NHS\\u001b]0;title\\u0007 Costs\"",
        );
    f.write("hostile.toml", &kit);
}

#[test]
fn toolkit_list_show_and_diff_escape_control_characters_in_names() {
    let f = Fixture::new();
    hostile_kit(&f);
    let dir = f.dir.path();
    let list = run_in(dir, &["toolkit", "list", "hostile.toml"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    no_raw_controls(&list, "toolkit list");
    assert!(
        list.stdout
            .contains(r"A&E\u{1b}[2J attendance\u{7} avoided\u{a}ok: forged"),
        "{}",
        list.stdout
    );
    assert!(!list.stdout.lines().any(|l| l.starts_with("ok: forged")));
    let show = run_in(
        dir,
        &["toolkit", "show", "health.ae-attendance", "hostile.toml"],
    );
    assert_eq!(show.code, 0, "{}", show.stderr);
    no_raw_controls(&show, "toolkit show");
    assert!(
        show.stdout.contains(r"NHS\u{1b}]0;title\u{7} Costs"),
        "{}",
        show.stdout
    );
    for (old, new) in [
        ("test-kit.toml", "hostile.toml"),
        ("hostile.toml", "test-kit.toml"),
    ] {
        let diff = run_in(dir, &["toolkit", "diff", old, new]);
        assert_eq!(diff.code, 0, "{}", diff.stderr);
        no_raw_controls(&diff, "toolkit diff");
        assert!(diff.stdout.contains(r"\u{1b}[2J"), "{}", diff.stdout);
        assert!(!diff.stdout.lines().any(|l| l.starts_with("ok: forged")));
    }
    let search = run_in(dir, &["toolkit", "show", "no\u{1b}[2Jsuch", "hostile.toml"]);
    assert_eq!(search.code, 1);
    no_raw_controls(&search, "toolkit show of an unknown id");
}

/// Paths given on the command line, shown back by the commands that write files.
#[test]
fn paths_written_are_shown_escaped() {
    let f = Fixture::new();
    let dir = f.dir.path();
    let r = run_in(
        dir,
        &[
            "report",
            "project.toml",
            "--out",
            "out\u{1b}[2J",
            "--runs",
            "200",
            "--format",
            "md",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    no_raw_controls(&r, "report");
    assert!(r.stdout.contains(r"out\u{1b}[2J"), "{}", r.stdout);
    let init = run_in(dir, &["init", "new\u{7}project"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    no_raw_controls(&init, "init");
    let demo = run_in(
        dir,
        &["demo-network", "--members", "2", "--out", "demo\u{1b}[2J"],
    );
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    no_raw_controls(&demo, "demo-network");
    let check = run_in(dir, &["check", "project.toml"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    f.write(
        "project.toml",
        &std::fs::read_to_string(f.path("project.toml"))
            .unwrap()
            .replace("outcomes.csv", "out\\u001b[2Jcomes.csv"),
    );
    std::fs::rename(f.path("outcomes.csv"), f.path("out\u{1b}[2Jcomes.csv")).unwrap();
    let check = run_in(dir, &["check", "project.toml"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    no_raw_controls(&check, "check");
    assert!(
        check.stdout.contains(r"out\u{1b}[2Jcomes.csv"),
        "{}",
        check.stdout
    );
}

/// clap repeats what was typed in a usage mistake. (clap strips escape sequences from it
/// itself; this guards that the message still reaches stderr free of them through `say`.)
#[test]
fn a_usage_mistake_repeats_the_argument_escaped() {
    let f = Fixture::new();
    let r = f.run_cmd(&["calc", "project.toml", "--format", "t\u{7}able\u{1b}]0;x"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    no_raw_controls(&r, "a usage mistake");
    assert!(r.stderr.contains("invalid value"), "{}", r.stderr);
}
