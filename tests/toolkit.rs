//! `social-value toolkit ...`: check, stamp, list, show, diff and import.

mod common;

use common::{run, run_in, Fixture, TOOLKIT};

#[test]
fn bundled_bank_checks_clean() {
    let r = run(&["toolkit", "check", "proxies/uk-core.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("ok: toolkit uk-core"), "{}", r.stdout);
    assert!(r.stdout.contains("fingerprint sha256:"), "{}", r.stdout);
}

#[test]
fn check_lists_every_problem_with_line_and_column() {
    let f = Fixture::new();
    let bad = TOOLKIT
        .replacen("deadweight = 0.4", "deadweight = 4", 1)
        .replacen("low = 7000", "low = 9999", 1);
    f.write("bad.toml", &bad);
    let r = run_in(f.dir.path(), &["toolkit", "check", "bad.toml"]);
    r.fails_with(&[
        "bad.toml:29:14",
        "deadweight must be between 0 and 1",
        "bad.toml:22:7",
        "low 9999 is above the value 8500",
        "2 problems found; the toolkit is not valid.",
    ]);
}

#[test]
fn stamped_fingerprint_catches_later_edits_but_not_comments() {
    let f = Fixture::new();
    f.write("kit.toml", TOOLKIT);
    let stamped = run_in(f.dir.path(), &["toolkit", "check", "kit.toml", "--stamp"]);
    assert_eq!(stamped.code, 0, "{}", stamped.stderr);
    let text = std::fs::read_to_string(f.path("kit.toml")).unwrap();
    let fp_line = text
        .lines()
        .find(|l| l.starts_with("fingerprint = \"sha256:"))
        .expect("stamp written");
    assert!(
        stamped.stdout.contains(&fp_line[15..86]),
        "{}\n{fp_line}",
        stamped.stdout
    );
    // Comments and number spelling do not change the content.
    f.write(
        "kit.toml",
        &format!(
            "# a comment\n{}",
            text.replace("deadweight = 0.4", "deadweight = 0.40  # note")
        ),
    );
    let again = run_in(f.dir.path(), &["toolkit", "check", "kit.toml"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    // A changed value does.
    f.write(
        "kit.toml",
        &text
            .replace("value = 8500", "value = 9000")
            .replace("high = 9000", "high = 9500"),
    );
    run_in(f.dir.path(), &["toolkit", "check", "kit.toml"])
        .fails_with(&["has changed since this fingerprint was stamped", "--stamp"]);
}

#[test]
fn calc_records_the_toolkit_fingerprint() {
    let f = Fixture::new();
    let check = run_in(f.dir.path(), &["toolkit", "check", "test-kit.toml"]);
    let fp = check
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint "))
        .unwrap()
        .to_string();
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(j["toolkit"]["fingerprint"], fp.as_str());
}

#[test]
fn list_finds_proxies_by_words_as_a_user_types_them() {
    let r = run(&["toolkit", "list", "--search", "A&E"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("health.ae-attendance"), "{}", r.stdout);
    assert!(!r.stdout.contains("volunteering.nlw-2024"), "{}", r.stdout);
    let f = Fixture::new();
    let by_kind = run_in(
        f.dir.path(),
        &["toolkit", "list", "test-kit.toml", "--kind", "volunteering"],
    );
    assert!(
        by_kind.stdout.contains("volunteer.hour") && !by_kind.stdout.contains("outcome.big"),
        "{}",
        by_kind.stdout
    );
    let by_theme = run_in(
        f.dir.path(),
        &["toolkit", "list", "test-kit.toml", "--theme", "Health"],
    );
    assert!(
        by_theme.stdout.contains("health.ae-attendance") && by_theme.stdout.contains("1 of 4"),
        "{}",
        by_theme.stdout
    );
    // A tag's label finds the proxy it carries.
    let by_tag = run_in(
        f.dir.path(),
        &[
            "toolkit",
            "list",
            "test-kit.toml",
            "--search",
            "avoided",
            "a&e",
        ],
    );
    assert!(
        by_tag.stdout.contains("health.ae-attendance"),
        "{}",
        by_tag.stdout
    );
}

#[test]
fn show_gives_the_rebased_value_and_source() {
    let f = Fixture::new();
    let r = run_in(
        f.dir.path(),
        &["toolkit", "show", "health.ae-attendance", "test-kit.toml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("£138.00 per attendance in 2014 prices"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("£172.50 per attendance in 2024 prices"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("NHS Reference Costs 2013-14"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("story tags      avoided-ae"),
        "{}",
        r.stdout
    );
    run_in(
        f.dir.path(),
        &["toolkit", "show", "health.ae-atendance", "test-kit.toml"],
    )
    .fails_with(&["did you mean \"health.ae-attendance\"?"]);
}

#[test]
fn diff_shows_a_revalued_proxy_and_other_changes() {
    let f = Fixture::new();
    f.write("old.toml", TOOLKIT);
    let new = TOOLKIT
        .replacen("version = \"1.0\"", "version = \"1.1\"", 1)
        .replacen("value = 138\n", "value = 150\n", 1)
        .replacen("deadweight = 0.2\n", "deadweight = 0.25\n", 1)
        .replacen(
            "[[tag]]\nid = \"less-lonely\"\nlabel = \"Less lonely\"\ntheme = \"wellbeing\"\n",
            "",
            1,
        );
    let removed_harm = {
        let start = new.find("[[proxy]]\nid = \"harm.complaint\"").unwrap();
        let end = new[start..]
            .find("[[proxy]]\nid = \"volunteer.hour\"")
            .unwrap()
            + start;
        format!("{}{}", &new[..start], &new[end..])
    };
    f.write("new.toml", &removed_harm);
    let r = run_in(f.dir.path(), &["toolkit", "diff", "old.toml", "new.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = &r.stdout;
    assert!(o.contains("version: 1.0 -> 1.1"), "{o}");
    // 138 -> 150 in 2014 prices: +8.7%.
    assert!(
        o.contains("health.ae-attendance  £138.00 (2014) -> £150.00 (2014) (+8.7%)"),
        "{o}"
    );
    assert!(o.contains("deadweight: 0.2 -> 0.25"), "{o}");
    assert!(o.contains("Removed proxies (1)\n  harm.complaint"), "{o}");
    assert!(o.contains("Removed tags (1)\n  less-lonely"), "{o}");
    let same = run_in(f.dir.path(), &["toolkit", "diff", "old.toml", "old.toml"]);
    assert!(same.stdout.contains("no differences"), "{}", same.stdout);
}

const IMPORT: &str = "id,name,kind,unit,value,price_year,source,url,licence,deadweight,themes,basis\n\
myorg.loneliness,Feeling less lonely,wellbeing,person-year,\"1,200.50\",2024,Own survey 2024 Q7,https://example.org/survey,Licensed to Test Org,,wellbeing;loneliness,\n\
myorg.meal,Hot meal,economic,meal,4.25,2014,Own costs,https://example.org/costs,CC-BY-4.0,10%,,our 2023 waiting-list comparison\n";

#[test]
fn import_appends_checked_proxies_and_keeps_the_file_usable() {
    let f = Fixture::new();
    f.write("values.csv", IMPORT);
    let before = std::fs::read_to_string(f.path("test-kit.toml")).unwrap();
    let r = run_in(
        f.dir.path(),
        &["toolkit", "import", "values.csv", "--into", "test-kit.toml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("imported 2 proxies"), "{}", r.stdout);
    let after = std::fs::read_to_string(f.path("test-kit.toml")).unwrap();
    assert!(
        after.starts_with(&before),
        "existing text and comments are kept"
    );
    let show = run_in(
        f.dir.path(),
        &["toolkit", "show", "myorg.loneliness", "test-kit.toml"],
    );
    assert!(
        show.stdout
            .contains("£1,200.50 per person-year in 2024 prices"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout
            .contains("deadweight 20%, attribution 25.5%, displacement 0%, drop-off 21.5%"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout
            .contains("the medians in published SROI reports"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout
            .contains("themes          wellbeing, loneliness"),
        "{}",
        show.stdout
    );
    let meal = run_in(
        f.dir.path(),
        &["toolkit", "show", "myorg.meal", "test-kit.toml"],
    );
    // £4.25 in 2014 prices × 100/80 = £5.3125.
    assert!(
        meal.stdout.contains("£5.31 per meal in 2024 prices")
            && meal.stdout.contains("deadweight 10%"),
        "{}",
        meal.stdout
    );
    // Importing the same ids again is refused.
    run_in(
        f.dir.path(),
        &["toolkit", "import", "values.csv", "--into", "test-kit.toml"],
    )
    .fails_with(&["already in the toolkit", "values.csv:2:1"]);
}

#[test]
fn import_reports_every_bad_row_and_changes_nothing() {
    let f = Fixture::new();
    f.write(
        "values.csv",
        "id,name,kind,unit,value,price_year,source,url,licence\n\
         Bad Id,Thing,wellbeing,unit,10,2024,S,https://e.org,L\n\
         ok.one,Thing,happiness,unit,ten,1999,S,e.org,\n",
    );
    let before = std::fs::read_to_string(f.path("test-kit.toml")).unwrap();
    let r = run_in(
        f.dir.path(),
        &["toolkit", "import", "values.csv", "--into", "test-kit.toml"],
    );
    r.fails_with(&[
        "values.csv:2:1 (column \"id\")",
        "may only use lower-case letters",
        "kind \"happiness\" is not one of",
        "values.csv:3:5 (column \"value\")",
        "priced in 1999",
        "url \"e.org\" is not a web address",
        "licence is empty",
        "the toolkit was not changed",
    ]);
    assert_eq!(
        std::fs::read_to_string(f.path("test-kit.toml")).unwrap(),
        before
    );
}

#[test]
fn import_needs_a_licence_for_every_value() {
    let f = Fixture::new();
    f.write(
        "values.csv",
        "id,name,kind,unit,value,price_year,source\nx.y,Thing,fiscal,unit,1,2024,Somewhere\n",
    );
    run_in(
        f.dir.path(),
        &["toolkit", "import", "values.csv", "--into", "test-kit.toml"],
    )
    .fails_with(&[
        "no \"url\" column and no --url",
        "no \"licence\" column and no --licence",
    ]);
    let ok = run_in(
        f.dir.path(),
        &[
            "toolkit",
            "import",
            "values.csv",
            "--into",
            "test-kit.toml",
            "--url",
            "https://example.org/v",
            "--licence",
            "Licensed to Test Org",
        ],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}

#[test]
fn import_reads_a_named_sheet_of_a_spreadsheet() {
    let f = Fixture::new();
    let xlsx = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import.xlsx");
    let spec = format!("{}#Values", xlsx.display());
    let r = run_in(
        f.dir.path(),
        &[
            "toolkit",
            "import",
            &spec,
            "--into",
            "test-kit.toml",
            "--url",
            "https://example.org/survey",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("myorg.loneliness, myorg.lunch"),
        "{}",
        r.stdout
    );
    let show = run_in(
        f.dir.path(),
        &["toolkit", "show", "myorg.loneliness", "test-kit.toml"],
    );
    assert!(
        show.stdout.contains("£1,200.50 per person-year"),
        "{}",
        show.stdout
    );
    let missing = run_in(
        f.dir.path(),
        &[
            "toolkit",
            "import",
            &format!("{}#Nope", xlsx.display()),
            "--into",
            "test-kit.toml",
        ],
    );
    missing.fails_with(&["has no sheet called \"Nope\"", "Notes, Values"]);
}

#[test]
fn import_keeps_a_stamp_current() {
    let f = Fixture::new();
    f.write("values.csv", IMPORT);
    assert_eq!(
        run_in(
            f.dir.path(),
            &["toolkit", "check", "test-kit.toml", "--stamp"]
        )
        .code,
        0
    );
    let r = run_in(
        f.dir.path(),
        &["toolkit", "import", "values.csv", "--into", "test-kit.toml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let check = run_in(f.dir.path(), &["toolkit", "check", "test-kit.toml"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn import_errors_name_the_right_line_in_a_windows_file() {
    let f = Fixture::new();
    f.write("values.csv", "id,name,kind,unit,value,price_year,source,url,licence\r\n\r\nok.one,Thing,fiscal,unit,ten,2024,S,https://e.org,L\r\n");
    run_in(
        f.dir.path(),
        &["toolkit", "import", "values.csv", "--into", "test-kit.toml"],
    )
    .fails_with(&["values.csv:3:5"]);
}

/// The bank with one edit, checked: `toolkit check` must refuse it with `needles`.
fn bank_refuses(from: &str, to: &str, needles: &[&str]) {
    let f = Fixture::new();
    let text = std::fs::read_to_string("proxies/uk-core.toml").unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} is not unique in the bank"
    );
    f.write("kit.toml", &text.replacen(from, to, 1));
    run_in(f.dir.path(), &["toolkit", "check", "kit.toml"]).fails_with(needles);
}

#[test]
fn a_valued_tag_without_per_story_is_refused() {
    bank_refuses(
        "per_story = 1                    # one story tells of one A&E visit avoided",
        "# per_story removed",
        &[
            "tag \"avoided-ae\" carries a proxy but does not say how much of it one story evidences",
            "add per_story = 0.25",
        ],
    );
}

#[test]
fn never_with_naming_an_unknown_id_is_refused_with_a_suggestion() {
    bank_refuses(
        "never_with = [\"crime.theft-of-vehicle-police-cost\"]",
        "never_with = [\"crime.theft-of-vehicle-police-costs\"]",
        &[
            "never_with names \"crime.theft-of-vehicle-police-costs\", which is not in this toolkit",
            "did you mean \"crime.theft-of-vehicle-police-cost\"?",
        ],
    );
}

#[test]
fn an_outcome_proxy_with_deadweight_0_needs_evidence() {
    // The GP appointment's deadweight is a convention: at 0 it is refused.
    let f = Fixture::new();
    let text = std::fs::read_to_string("proxies/uk-core.toml").unwrap();
    let start = text.find("id = \"health.gp-appointment\"").unwrap();
    let at = start + text[start..].find("deadweight = 0.25").unwrap();
    let edited = format!("{}deadweight = 0{}", &text[..at], &text[at + 17..]);
    f.write("kit.toml", &edited);
    run_in(f.dir.path(), &["toolkit", "check", "kit.toml"]).fails_with(&[
        "outcome proxy \"health.gp-appointment\" assumes nothing would have happened anyway (deadweight 0), with no evidence for it",
        "1 problem found",
    ]);
    // And an outcome proxy with no basis at all is refused, whatever its deadweight.
    let end = start + text[start..].find("[proxy.basis]").unwrap();
    let close = end + text[end..].find("\n\n").unwrap();
    f.write("kit.toml", &format!("{}{}", &text[..end], &text[close..]));
    run_in(f.dir.path(), &["toolkit", "check", "kit.toml"]).fails_with(&[
        "outcome proxy \"health.gp-appointment\" has no basis for its default adjustments",
    ]);
}

#[test]
fn a_version_1_toolkit_is_told_what_to_add() {
    let f = Fixture::new();
    f.write("old.toml", &TOOLKIT.replacen("format_version = 2\n", "", 1));
    run_in(f.dir.path(), &["toolkit", "check", "old.toml"]).fails_with(&[
        "old.toml:3:6",
        "is read as format 1, which is no longer read",
        "add format_version = 2 under [toolkit]",
        "per_story",
        "basis",
        "transfer = true",
    ]);
}

#[test]
fn per_story_is_refused_where_a_story_is_never_valued() {
    bank_refuses(
        "harm = true                      # a harm suffered",
        "harm = true\nper_story = 0.5 # ",
        &[
            "tag \"left-abusive-home\" gives per_story, but a story with it is never valued",
            "a harm done to a person is evidence only",
        ],
    );
    bank_refuses(
        "per_story = 1                    # one story tells of one call-out avoided",
        "per_story = 2",
        &["tag \"avoided-ambulance\": per_story must be above 0 and at most 1, found 2"],
    );
}

#[test]
fn import_writes_a_basis_for_every_adjustment_and_the_new_flags() {
    let f = Fixture::new();
    f.write(
        "values.csv",
        "id,name,kind,unit,value,price_year,source,url,licence,deadweight,basis,transfer,never_with\n\
         myorg.meal,Hot meal,economic,meal,4.25,2014,Own costs,https://example.org/costs,CC-BY-4.0,10%,our 2023 waiting-list comparison,no,health.ae-attendance\n\
         myorg.grant,Grant passed on,fiscal,grant,100,2024,Own accounts,https://example.org/a,CC-BY-4.0,,,yes,\n",
    );
    let r = run_in(
        f.dir.path(),
        &["toolkit", "import", "values.csv", "--into", "test-kit.toml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let meal = run_in(
        f.dir.path(),
        &["toolkit", "show", "myorg.meal", "test-kit.toml"],
    );
    for needle in [
        "basis: deadweightour 2023 waiting-list comparison",
        "basis: attributionconvention: the median attribution",
        "never with      health.ae-attendance",
    ] {
        assert!(meal.stdout.contains(needle), "{needle}\n{}", meal.stdout);
    }
    let grant = run_in(
        f.dir.path(),
        &["toolkit", "show", "myorg.grant", "test-kit.toml"],
    );
    assert!(
        grant.stdout.contains("transfer        yes"),
        "{}",
        grant.stdout
    );
    // The pair is read both ways round.
    let ae = run_in(
        f.dir.path(),
        &["toolkit", "show", "health.ae-attendance", "test-kit.toml"],
    );
    assert!(
        ae.stdout.contains("never with      myorg.meal"),
        "{}",
        ae.stdout
    );

    // Adjustments given with no basis, and a deadweight of 0 on a convention, are refused.
    let g = Fixture::new();
    g.write(
        "values.csv",
        "id,name,kind,unit,value,price_year,source,url,licence,deadweight,attribution,basis\n\
         a.one,One,fiscal,unit,10,2024,S,https://e.org,L,,0.3,\n\
         a.two,Two,fiscal,unit,10,2024,S,https://e.org,L,0,,convention: none\n",
    );
    run_in(
        g.dir.path(),
        &["toolkit", "import", "values.csv", "--into", "test-kit.toml"],
    )
    .fails_with(&[
        "values.csv:2",
        "the row gives its own adjustments but no basis for them",
        "values.csv:3",
        "deadweight 0 says nothing would have happened anyway",
    ]);
}
