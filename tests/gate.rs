//! One gate for every submission (issue 17): `network`, `review`, `review --network` and
//! `compare` agree on what may be counted, refuse forged figures whatever the toolkit, and
//! account for every entry of an inbox.

mod common;
use common::{refingerprinted, run_in, Fixture};

fn submit(f: &Fixture, out: &str) {
    let r = run_in(f.dir.path(), &["submit", "project.toml", "--out", out]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

fn review(f: &Fixture, file: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec![
        "review",
        file,
        "--format",
        "json",
        "--toolkit",
        "test-kit.toml",
    ];
    args.extend_from_slice(extra);
    let r = run_in(f.dir.path(), &args);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    (r.code, r.json())
}

/// The worked example's return with its present value (and the line) claimed ten times over,
/// the fingerprint made to match again: a forgery another tool could write.
fn forged(f: &Fixture) -> String {
    submit(f, "real.toml");
    let text = std::fs::read_to_string(f.path("real.toml")).unwrap();
    assert!(text.contains("\"359069.57\""), "{text}");
    refingerprinted(&text.replace("\"359069.57\"", "\"3590695.70\""))
}

#[test]
fn a_forged_return_is_red_whatever_toolkit_it_names() {
    let f = Fixture::new();
    let forged = forged(&f);
    // Against the reviewer's own toolkit: every figure must recompute to the penny.
    f.write("forged.toml", &forged);
    let (code, j) = review(&f, "forged.toml", &[]);
    assert_eq!((code, j["overall"].as_str()), (3, Some("red")), "{j}");
    assert!(j.to_string().contains("its figures are not what its own inputs give on test-kit 1.0: present value: claimed 3590695.70, recomputed 359069.57"), "{j}");
    // Naming a copy of the toolkit the reviewer does not have (another fingerprint, the same
    // id and version) does not make it unverifiable: the reviewer's copy must give the figures.
    let fp = forged
        .lines()
        .skip_while(|l| *l != "[toolkit]")
        .find(|l| l.starts_with("fingerprint = "))
        .unwrap()
        .to_string();
    let other = forged.replacen(
        &fp,
        "fingerprint = \"sha256:0000000000000000000000000000000000000000000000000000000000000000\"",
        1,
    );
    f.write("forged2.toml", &refingerprinted(&other));
    let (code, j) = review(&f, "forged2.toml", &[]);
    assert_eq!((code, j["overall"].as_str()), (3, Some("red")), "{j}");
    // The network refuses both, saying where and what to do.
    std::fs::create_dir(f.path("inbox")).unwrap();
    f.write("inbox/forged.toml", &forged);
    let n = f.network(&["--format", "json"]).json();
    assert_eq!(n["included"], 0);
    let q = &n["quarantined"][0];
    assert!(q["reason"].as_str().unwrap().starts_with("line "), "{q}");
    assert!(
        q["action"]
            .as_str()
            .unwrap()
            .starts_with("ask Test Org to say how its figures were reached"),
        "{q}"
    );
}

#[test]
fn a_return_covering_three_years_is_not_a_years_return() {
    let f = Fixture::new();
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write(
        "project.toml",
        &p.replace("end = 2025-03-31", "end = 2027-03-31"),
    );
    std::fs::create_dir(f.path("inbox")).unwrap();
    submit(&f, "inbox/three.toml");
    let n = f.network(&["--format", "json"]).json();
    assert_eq!(n["included"], 0);
    assert!(
        n["quarantined"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("covers 36 months; an annual return covers at most 12"),
        "{n}"
    );
    // A network that takes programme returns says so.
    let n = f
        .network(&["--format", "json", "--max-months", "36"])
        .json();
    assert_eq!(n["included"], 1);
    // Review with the year (or a network) rates it red, as the network refuses it.
    let (code, j) = review(&f, "inbox/three.toml", &["--year", "2024"]);
    assert_eq!(code, 3, "{j}");
    assert!(j.to_string().contains("covers 36 months"), "{j}");
    // Without a year, a review of the return alone does not judge its period.
    let (code, _) = review(&f, "inbox/three.toml", &[]);
    assert_ne!(code, 3);
}

#[test]
fn an_id_with_a_hidden_character_is_refused_and_a_full_width_one_is_the_same_organisation() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("inbox")).unwrap();
    submit(&f, "inbox/a.toml");
    let text = std::fs::read_to_string(f.path("inbox/a.toml")).unwrap();
    // The same organisation again, its id ending in a zero-width space.
    let hidden = text.replace("id = \"GB-TEST-1\"", "id = \"GB-TEST-1\u{200B}\"");
    f.write("inbox/b.toml", &refingerprinted(&hidden));
    let n = f.network(&["--format", "json"]).json();
    assert_eq!(n["included"], 1, "{n}");
    let q = &n["quarantined"][0];
    assert!(q["file"].as_str().unwrap().ends_with("b.toml"));
    assert!(
        q["reason"]
            .as_str()
            .unwrap()
            .contains("invisible or control character (U+200B)"),
        "{q}"
    );
    // project.toml refuses it too, at its cell.
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write(
        "project.toml",
        &p.replace("id = \"GB-TEST-1\"", "id = \"GB-TEST-1\u{200B}\""),
    );
    f.calc(&[]).fails_with(&[
        "project.toml:5:6",
        "invisible or control character (U+200B)",
    ]);
    // Full-width letters are the same organisation: one return is counted, as a duplicate.
    let wide = text.replace("id = \"GB-TEST-1\"", "id = \"ＧＢ-TEST-1\"");
    f.write("inbox/b.toml", &refingerprinted(&wide));
    let n = f.network(&["--format", "json"]).json();
    assert_eq!(
        n["included"], 0,
        "two returns of GB-TEST-1 written at one moment: {n}"
    );
    assert!(
        n["quarantined"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("2 returns for GB-TEST-1"),
        "{n}"
    );
}

#[cfg(unix)]
#[test]
fn every_entry_of_an_inbox_is_accounted_for() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.path("inbox/sub")).unwrap();
    submit(&f, "inbox/sub/MEMBER.TOML");
    f.write("inbox/notes.txt", "read me");
    f.write("outside.toml", "not in the inbox");
    std::os::unix::fs::symlink(f.path("outside.toml"), f.path("inbox/link-out.toml")).unwrap();
    std::os::unix::fs::symlink(
        f.path("inbox/sub/MEMBER.TOML"),
        f.path("inbox/link-in.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(f.path("inbox/sub"), f.path("inbox/link-dir")).unwrap();
    // A name that is not UTF-8.
    use std::os::unix::ffi::OsStrExt;
    let odd = f
        .path("inbox")
        .join(std::ffi::OsStr::from_bytes(b"bad-\xFF.toml"));
    std::fs::write(&odd, "x").unwrap();
    let n = f.network(&["--format", "json"]).json();
    let listed = |key: &str| {
        n[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| {
                (
                    q["file"]
                        .as_str()
                        .unwrap()
                        .rsplit('/')
                        .next()
                        .unwrap()
                        .to_string(),
                    q["reason"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let skipped = listed("skipped");
    let quarantined = listed("quarantined");
    // MEMBER.TOML counts; the link to it inside the inbox is read, and is the same return.
    assert_eq!(n["included"], 0, "{n}");
    assert_eq!(n["files_found"], 6, "{n}");
    assert!(
        skipped
            .iter()
            .any(|(f, r)| f == "notes.txt" && r == "skipped: not a .toml file"),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|(f, r)| f == "link-out.toml" && r.contains("a link to a file outside the inbox")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|(f, r)| f == "link-dir" && r.contains("a link to a folder")),
        "{skipped:?}"
    );
    assert!(
        quarantined.iter().any(|(f, _)| f == "bad-\\xFF.toml"),
        "{quarantined:?}"
    );
    assert!(
        quarantined
            .iter()
            .filter(|(_, r)| r.starts_with("2 returns for GB-TEST-1"))
            .count()
            == 2,
        "{quarantined:?}"
    );
}

#[test]
fn a_file_cut_short_in_sending_says_so_with_its_line_and_what_to_do() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("inbox")).unwrap();
    submit(&f, "whole.toml");
    let text = std::fs::read_to_string(f.path("whole.toml")).unwrap();
    // Cut inside the `[[outcome]]` header of the first line.
    let cut = text.find("[[outcome]]").unwrap() + 4;
    let line = text[..cut].lines().count();
    f.write("inbox/cut.toml", &text[..cut]);
    let j = f.network(&["--format", "json"]).json();
    let q = &j["quarantined"][0];
    assert_eq!(
        q["reason"].as_str().unwrap().split(" (").next().unwrap(),
        format!("line {line}: the file ends part-way through line {line}, so it was probably cut short when it was sent")
    );
    assert_eq!(
        q["action"],
        "ask the organisation to send the file social-value submit wrote again"
    );
    // The whole file, with its last line break, is not "cut short" by this rule.
    let (_, r) = review(&f, "whole.toml", &[]);
    assert!(!r.to_string().contains("cut short"));
}

#[test]
fn an_id_whose_prefix_org_id_guide_does_not_list_is_a_warning_not_an_error() {
    for (id, warned) in [
        ("GB-CHARITY-1234567", true),
        ("GB-GOVUK-cabinet-office", true),
        ("GB-CHC-1234567", false),
        ("gb-coh-01234567", false),
        ("GB-UNREG-WN11AA-knit-club", false),
        ("360G-acme-42", false),
    ] {
        let f = Fixture::new();
        f.write("project.toml", &common::PROJECT.replace("GB-TEST-1", id));
        let r = f.calc(&["--format", "json"]);
        assert_eq!(r.code, 0, "{id}: {}", r.stderr);
        assert_eq!(
            r.stderr.contains("org-id.guide"),
            warned,
            "{id}: {}",
            r.stderr
        );
        if warned {
            assert!(r.stderr.contains("project.toml:5:6"), "{}", r.stderr);
        }
    }
}

/// `submit` with the moment it says it was written (seconds since 1970).
fn submit_at(f: &Fixture, out: &str, when: &str) {
    let r = common::run_env(
        f.dir.path(),
        &["submit", "project.toml", "--out", out],
        &[("SOURCE_DATE_EPOCH", when)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn review_with_a_network_and_the_network_agree_on_who_counts() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.path("inbox/north/deep")).unwrap();
    let member = |n: u32, period: (&str, &str)| {
        f.write(
            "project.toml",
            &common::PROJECT
                .replace("GB-TEST-1", &format!("GB-TEST-{n}"))
                .replace("start = 2024-04-01", &format!("start = {}", period.0))
                .replace("end = 2025-03-31", &format!("end = {}", period.1)),
        );
    };
    let year = ("2024-04-01", "2025-03-31");
    // Counted: one in a nested folder, one resubmitted (the later counts).
    member(10, year);
    submit_at(&f, "inbox/north/deep/a.toml", "1746090000");
    member(11, year);
    submit_at(&f, "inbox/b.toml", "1746090000");
    f.write("outcomes.csv", "proxy,quantity\noutcome.big,61\n");
    submit_at(&f, "inbox/b-resent.toml", "1746694800");
    // Not counted: two copies written at the same moment, another year, three years at once.
    member(12, year);
    submit_at(&f, "inbox/c.toml", "1746090000");
    std::fs::copy(f.path("inbox/c.toml"), f.path("inbox/north/c-copy.toml")).unwrap();
    member(13, ("2023-04-01", "2024-03-31"));
    submit_at(&f, "inbox/d.toml", "1746090000");
    member(14, ("2024-04-01", "2027-03-31"));
    submit_at(&f, "inbox/e.toml", "1746090000");
    // The return under review, from outside the inbox.
    f.write("outcomes.csv", "proxy,quantity\noutcome.big,60\n");
    member(1, year);
    submit_at(&f, "mine.toml", "1746090000");

    let n = f.network(&["--format", "json"]).json();
    let counted: Vec<&str> = n["per_member"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        counted,
        ["inbox/north/deep/a.toml", "inbox/b-resent.toml"],
        "{n}"
    );
    assert_eq!(n["quarantined"].as_array().unwrap().len(), 5, "{n}");

    let (_, r) = review(&f, "mine.toml", &["--network", "inbox"]);
    let all = r["checks"].to_string();
    assert!(
        all.contains("5 other entries in the folder are not counted (quarantined or skipped, as `network` lists them); 2 returns are"),
        "{all}"
    );
    // Ranked among exactly those two, by their recomputed figures: 3 returns with its own
    // (60 people, as a.toml: tied lowest; b-resent.toml's 61 above).
    assert!(
        all.contains("SROI ratio 1.44 (recomputed) is 1 of 3 from the lowest"),
        "{all}"
    );
}
