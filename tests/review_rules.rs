//! The review's over-claiming rules, one test each: the finding's stable code appears when the
//! rule is broken and not when it is kept, so each test fails without its rule.

mod common;

use common::{run_in, Fixture};

/// Submits the fixture's project and reviews it against its toolkit: (exit code, review JSON).
fn review(f: &Fixture, extra: &[&str]) -> (i32, serde_json::Value) {
    let r = f.run_cmd(&["submit", "project.toml", "--out", "sub.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut args = vec![
        "review",
        "sub.toml",
        "--format",
        "json",
        "--toolkit",
        "test-kit.toml",
    ];
    args.extend_from_slice(extra);
    let r = f.run_cmd(&args);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    (r.code, r.json())
}

/// Every finding with its code: (code, rating, what).
fn found(j: &serde_json::Value) -> Vec<(String, String, String)> {
    j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap().iter())
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["rating"].as_str().unwrap().to_string(),
                f["what"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The finding with `code`, if any: (rating, what).
fn finding(j: &serde_json::Value, code: &str) -> Option<(String, String)> {
    found(j)
        .into_iter()
        .find(|(c, _, _)| c == code)
        .map(|(_, r, w)| (r, w))
}

/// 2,000 hours at £12.50 (£10 in 2014 prices): £25,000.
fn log() -> String {
    let rows: String = (0..200)
        .map(|i| format!("2024-04-{:02},Volunteer {i},befriender,10\n", 1 + i % 28))
        .collect();
    format!("date,volunteer,role,hours\n{rows}")
}

#[test]
fn volunteer_time_counted_as_value_is_amber_and_gives_the_ratio_as_input() {
    for (counted_as, flagged) in [("value", true), ("input", false)] {
        let f = Fixture::new();
        f.write("hours.csv", &log());
        f.add_to_project(&format!(
            "\n[volunteering]\nfile = \"hours.csv\"\nas = \"{counted_as}\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n"
        ));
        let (_, j) = review(&f, &[]);
        let got = finding(&j, "claims.volunteer-time-as-value");
        assert_eq!(got.is_some(), flagged, "{counted_as}: {:?}", found(&j));
        if let Some((rating, what)) = got {
            assert_eq!(rating, "amber");
            // Claimed: £384,069.57 on £250,000 (1.54); as input, £359,069.57 on £275,000.
            assert!(
                what.contains("counted as input the ratio is 1.31 : 1"),
                "{what}"
            );
        }
    }
}

#[test]
fn one_line_above_forty_percent_of_the_value_is_named_by_its_csv_line() {
    // 60 × the worked example (£359,069.57) beside 2,000 A&E attendances (£276,000): 56.5%.
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity\noutcome.big,60\nhealth.ae-attendance,2000\n",
    );
    let (_, j) = review(&f, &[]);
    let (rating, what) = finding(&j, "claims.one-line-dominates").expect("flagged");
    assert_eq!(rating, "amber");
    assert_eq!(
        what,
        "outcomes.csv line 2 (outcome.big) is 56.5% of the value"
    );
    // 30 people (£179,534.78) beside two lines of 1,300 attendances (£179,400.00 each): a third
    // each, none above 40%.
    f.write(
        "outcomes.csv",
        "proxy,quantity\noutcome.big,30\nhealth.ae-attendance,1300\nhealth.ae-attendance,1300\n",
    );
    let (_, j) = review(&f, &[]);
    assert!(
        finding(&j, "claims.one-line-dominates").is_none(),
        "{:?}",
        found(&j)
    );
}

#[test]
fn more_than_a_quarter_of_the_value_from_stories_is_amber() {
    let stories = "id,title,text,tags,consent\nS1,A,Did not need A&E,avoided-ae,yes\nS2,B,Nor did I,avoided-ae,yes\n";
    for (outcomes, flagged) in [
        // Only the stories are valued: 2 × £138 = £276, all of the value.
        ("proxy,quantity,note\n,5,leaflets handed out\n", true),
        // Beside the worked example's £359,069.57 they are 0.1%.
        ("proxy,quantity\noutcome.big,60\n", false),
    ] {
        let f = Fixture::new();
        f.write("stories.csv", stories);
        f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
        f.write("outcomes.csv", outcomes);
        let (_, j) = review(&f, &[]);
        let got = finding(&j, "claims.value-from-stories");
        assert_eq!(got.is_some(), flagged, "{outcomes}: {:?}", found(&j));
        if let Some((rating, what)) = got {
            assert_eq!(rating, "amber");
            assert!(what.starts_with("100.0% of the value (£276.00)"), "{what}");
        }
    }
}

#[test]
fn a_reason_that_is_not_evidence_is_amber() {
    for (reason, flagged) in [
        ("We think so", true),
        ("same as last year.", true),
        ("n/a", true),
        ("clients said", true),
        (
            "Our follow-up calls found 12 of 40 would have got help anyway",
            false,
        ),
    ] {
        let f = Fixture::new();
        f.write(
            "outcomes.csv",
            &format!("proxy,quantity,deadweight,reason\noutcome.big,60,0.3,{reason}\n"),
        );
        let (_, j) = review(&f, &[]);
        let got = finding(&j, "claims.weak-reason");
        assert_eq!(got.is_some(), flagged, "{reason}: {:?}", found(&j));
        if let Some((rating, what)) = got {
            assert_eq!(rating, "amber");
            assert!(
                what.starts_with("outcomes.csv line 2 (outcome.big): the reason given"),
                "{what}"
            );
        }
    }
}

#[test]
fn the_top_and_bottom_five_percent_of_a_network_of_twenty_are_amber() {
    // Twenty members on the toolkit's 40% deadweight, and one at 5% with a reason.
    let f = Fixture::new();
    std::fs::create_dir_all(f.path("inbox")).unwrap();
    for i in 0..20 {
        let q = 40 + i;
        f.write(
            "outcomes.csv",
            &format!("proxy,quantity\noutcome.big,{q}\n"),
        );
        f.write(
            "project.toml",
            &common::PROJECT.replace("GB-TEST-1", &format!("GB-TEST-{}", i + 10)),
        );
        let r = run_in(
            f.dir.path(),
            &[
                "submit",
                "project.toml",
                "--out",
                &format!("inbox/m{i}.toml"),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    f.write("project.toml", common::PROJECT);
    f.write(
        "outcomes.csv",
        "proxy,quantity,deadweight,reason\noutcome.big,50,0.05,A comparison group of 200 people on the waiting list\n",
    );
    let (_, j) = review(&f, &["--network", "inbox"]);
    let ranks: Vec<(String, String)> = found(&j)
        .into_iter()
        .filter(|(c, _, _)| c == "network.rank")
        .map(|(_, r, w)| (r, w))
        .collect();
    let dw = ranks
        .iter()
        .find(|(_, w)| w.starts_with("deadweight"))
        .expect("deadweight ranked");
    assert_eq!(
        dw,
        &(
            "amber".to_string(),
            "deadweight 5% (recomputed) is 1 of 21 from the lowest, in the network's bottom 5%, an outlier"
                .to_string()
        )
    );
    // Attribution is everyone's default: tied, so neither edge.
    let at = ranks
        .iter()
        .find(|(_, w)| w.starts_with("attribution"))
        .expect("attribution ranked");
    assert_eq!(at.0, "green", "{at:?}");
    // The ratio (low deadweight claims more) tops the network.
    let ratio = ranks
        .iter()
        .find(|(_, w)| w.starts_with("SROI ratio"))
        .unwrap();
    assert!(
        ratio
            .1
            .contains("21 of 21 from the lowest, in the network's top 5%"),
        "{ratio:?}"
    );
    assert_eq!(ratio.0, "amber");
}

#[test]
fn every_format_starts_with_what_is_claimed() {
    let f = Fixture::new();
    let (_, j) = review(&f, &[]);
    assert_eq!(j["claimed"]["present_value"], "359069.57");
    assert_eq!(j["claimed"]["investment"], "250000.00");
    assert_eq!(j["claimed"]["sroi_ratio"], "1.44");
    assert_eq!(j["toolkit"], "test-kit 1.0");
    assert_eq!(j["period"], "2024-04-01 to 2025-03-31");
    let r = f.run_cmd(&[
        "review",
        "sub.toml",
        "--toolkit",
        "test-kit.toml",
        "--out",
        "rev",
    ]);
    let text = r.stdout;
    let head: Vec<&str> = text.lines().skip(2).take(5).map(str::trim).collect();
    assert_eq!(
        head,
        [
            "Social value claimed  £359,069.57",
            "Investment            £250,000.00",
            "SROI ratio            1.44 : 1",
            "Period                2024-04-01 to 2025-03-31",
            "Toolkit               test-kit 1.0",
        ]
    );
    let first_finding = |page: &str, claim: &str, finding: &str| {
        let (c, f) = (page.find(claim), page.find(finding));
        assert!(c.is_some() && f.is_some() && c < f, "{page}");
    };
    let md = std::fs::read_to_string(f.path("rev/review.md")).unwrap();
    first_finding(&md, "| Social value claimed | £359,069.57 |", "fingerprint");
    let html = std::fs::read_to_string(f.path("rev/review.html")).unwrap();
    first_finding(&html, "£359,069.57", "fingerprint");
}
