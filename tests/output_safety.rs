//! What leaves the machine (issue 9): names withheld from every output, stories redacted on
//! request, no local folders in result files, and no terminal control sequences from strangers.

mod common;
use common::Fixture;

fn with_stories(f: &Fixture, stories: &str) {
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    f.write("stories.csv", stories);
}

#[test]
fn a_misplaced_cell_in_a_skipped_story_row_never_reaches_the_report() {
    let f = Fixture::new();
    with_stories(
        &f,
        "id,title,text,tags,consent\nS1,Fine,\"Good day.\",less-lonely,yes\nS2,Moved,\"x\",less-lonely,\"Ann Lee, 12 Elm St\"\n",
    );
    f.add_to_project("\n[volunteering]\nfile = \"hours.csv\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n");
    f.write("hours.csv", "date,volunteer,role,hours\n2024-04-01,Ann Lee,befriender,2\n2024-04-02,Ann Lee,\"Robert \"\"Bob\"\" Smith\",1\n");
    let (r, out) = f.report(&["--skip-bad-rows"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for file in [
        "report.html",
        "report.md",
        "result.json",
        "tables/skipped_rows.csv",
    ] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        for secret in ["Elm St", "Ann Lee", "Bob", "Smith"] {
            assert!(!text.contains(secret), "{file} contains {secret:?}");
        }
    }
}

#[test]
fn redact_replaces_listed_names_with_initials_in_every_output() {
    let f = Fixture::new();
    with_stories(
        &f,
        "id,title,text,tags,consent\nS1,Mary Smith's year,\"Mary Smith rang us. Later mary said the group helped.\",less-lonely,yes\n",
    );
    f.write(
        "names.txt",
        "# names to keep out of reports\nMary Smith\nMary\n",
    );
    let plain = f.calc(&["--format", "json"]);
    assert!(
        plain.stdout.contains("Mary Smith rang us"),
        "without --redact the story is as told"
    );

    let r = f.calc(&["--format", "json", "--redact", "names.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("M. S. rang us. Later M. said the group helped."),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("M. S.'s year"));
    assert!(!r.stdout.to_lowercase().contains("mary"));

    let (rep, out) = f.report(&["--redact", "names.txt"]);
    assert_eq!(rep.code, 0, "{}", rep.stderr);
    let sub = f.run_cmd(&[
        "submit",
        "project.toml",
        "--redact",
        "names.txt",
        "--out",
        "s.toml",
    ]);
    assert_eq!(sub.code, 0, "{}", sub.stderr);
    for file in [
        out.join("report.html"),
        out.join("report.md"),
        out.join("result.json"),
        f.path("s.toml"),
    ] {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.to_lowercase().contains("mary"),
            "{} names Mary",
            file.display()
        );
    }

    f.write("empty.txt", "# nobody\n");
    f.calc(&["--redact", "empty.txt"])
        .fails_with(&["lists no names"]);
    f.calc(&["--redact", "missing.txt"])
        .fails_with(&["missing.txt"]);
}

#[test]
fn result_files_name_input_files_without_the_folders_they_are_in() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity,colour\noutcome.big,60,red\n",
    );
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warnings = r.json()["warnings"].to_string();
    assert!(warnings.contains("outcomes.csv:1"), "{warnings}");
    let folder = f.dir.path().to_string_lossy().into_owned();
    assert!(
        !r.stdout.contains(&folder),
        "the JSON holds the local folder {folder}"
    );
}

#[test]
fn names_from_a_strangers_submission_cannot_drive_the_terminal() {
    let f = Fixture::new();
    // An organisation name carrying an escape sequence that would clear the screen.
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write(
        "project.toml",
        &p.replace(
            "name = \"Test Org\"",
            "name = \"Test\\u001b[2J Org\\u0007\"",
        ),
    );
    std::fs::create_dir(f.path("inbox")).unwrap();
    let s = f.run_cmd(&[
        "submit",
        "project.toml",
        "--out",
        "inbox/member.toml",
        "--toolkit",
        "test-kit.toml",
    ]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    let n = f.network(&[]);
    assert!(
        !n.stdout.contains('\u{1b}') && !n.stdout.contains('\u{7}'),
        "{:?}",
        n.stdout
    );
    assert_eq!(n.code, 0, "{}", n.stderr);
    let c = f.run_cmd(&[
        "compare",
        "inbox/member.toml",
        "inbox/member.toml",
        "--toolkit",
        "test-kit.toml",
    ]);
    assert!(!c.stdout.contains('\u{1b}'), "{:?}", c.stdout);
    let rv = f.run_cmd(&["review", "inbox/member.toml", "--toolkit", "test-kit.toml"]);
    assert!(!rv.stdout.contains('\u{1b}'), "{:?}", rv.stdout);
}
