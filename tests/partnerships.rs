//! Partnerships and places: a shared outcome claimed in full by several members is counted once
//! by `network` and flagged by `review --network`; value, hours and investment broken down by place.
//!
//! Figures are worked by hand from the test toolkit: an A&E attendance is £138 in 2014 prices,
//! rebased to 2024 by 100 ÷ 80 = £172.50, less 20% deadweight, one year, the first year not
//! discounted. So 100 attendances claimed in full are 100 × 172.50 × 0.8 = £13,800.00.

mod common;

use common::{Fixture, Run};

const FULL: &str = "13800.00";

/// Writes a member's project into `dir/<name>/` and submits it to `dir/inbox/<name>.toml`.
fn member(f: &Fixture, name: &str, id: &str, place: &str, extra: &str, outcomes: &str) {
    let dir = f.path(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(f.path("inbox")).unwrap();
    std::fs::write(dir.join("test-kit.toml"), common::TOOLKIT).unwrap();
    let project = common::PROJECT
        .replace(
            "id = \"GB-TEST-1\"",
            &format!("id = \"{id}\"\nplace = \"{place}\""),
        )
        .replace("name = \"Test Org\"", &format!("name = \"Member {name}\""));
    std::fs::write(dir.join("project.toml"), format!("{project}\n{extra}")).unwrap();
    std::fs::write(dir.join("outcomes.csv"), outcomes).unwrap();
    let r = f.run_cmd(&[
        "submit",
        &format!("{name}/project.toml"),
        "--out",
        &format!("inbox/{name}.toml"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

const ALLIANCE: &str = r#"[[partnership]]
id = "north-falls-alliance"
members = ["GB-CHC-1", "GB-CHC-2", "GB-CHC-3"]
"#;

const AGREED: &str = r#"[[partnership]]
id = "north-falls-alliance"
members = ["GB-CHC-1", "GB-CHC-2", "GB-CHC-3"]
shares = { "GB-CHC-1" = 0.5, "GB-CHC-2" = 0.3, "GB-CHC-3" = 0.2 }
"#;

/// Members a, b and c (GB-CHC-1 to 3) in three districts, each declaring `partnership` and
/// submitting the outcomes `row`.
fn three_members(partnership: &str, row: &str) -> Fixture {
    let f = Fixture::new();
    for (name, id, place) in [
        ("a", "GB-CHC-1", "E08000001"),
        ("b", "GB-CHC-2", "E08000003"),
        ("c", "GB-CHC-3", "E08000010"),
    ] {
        member(&f, name, id, place, partnership, row);
    }
    f
}

/// Three members in three districts, each claiming 100% of the same shared outcome.
fn three_claiming_everything() -> Fixture {
    three_members(
        ALLIANCE,
        "proxy,quantity,attribution,reason,partnership\nhealth.ae-attendance,100,0,we supported every person it counts,north-falls-alliance\n",
    )
}

fn review(f: &Fixture, who: &str) -> Run {
    f.run_cmd(&[
        "review",
        &format!("inbox/{who}.toml"),
        "--network",
        "inbox",
        "--toolkit",
        "test-kit.toml",
        "--format",
        "json",
    ])
}

fn network_findings(j: &serde_json::Value) -> (String, Vec<String>) {
    let c = j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "network")
        .unwrap();
    let findings = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            format!(
                "{} {}",
                x["rating"].as_str().unwrap(),
                x["what"].as_str().unwrap()
            )
        })
        .collect();
    (c["rating"].as_str().unwrap().to_string(), findings)
}

#[test]
fn a_shared_outcome_claimed_in_full_by_three_members_is_counted_once_and_flagged() {
    let f = three_claiming_everything();
    let text = std::fs::read_to_string(f.path("inbox/a.toml")).unwrap();
    assert!(text.contains("format_version = 4"), "{text}");
    assert!(text.contains("partnership = \"north-falls-alliance\""));

    let r = f.network(&["--format", "json", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["present_value_claimed"], "41400.00", "3 × £13,800");
    assert_eq!(j["present_value"], FULL, "counted once");
    assert_eq!(j["double_counting_removed"], "27600.00");
    assert_eq!(j["investment"], "750000.00");
    // 13,800 ÷ 750,000 = 0.0184
    assert_eq!(j["sroi_ratio"], "0.02");
    let shared = j["shared_outcomes"].as_array().unwrap();
    assert_eq!(shared.len(), 1);
    let s = &shared[0];
    assert_eq!(s["partnership"], "north-falls-alliance");
    assert_eq!(s["proxy"], "health.ae-attendance");
    assert_eq!(s["over_claimed"], true);
    assert_eq!(s["claimed_share_total"], "3");
    assert_eq!(s["counted_as"], "largest claim");
    assert_eq!(s["present_value_counted"], FULL);
    let claims = s["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 3);
    assert!(claims
        .iter()
        .all(|c| c["share"] == "1" && c["over_claimed"] == true));
    let counted: Vec<&str> = claims
        .iter()
        .map(|c| c["counted"].as_str().unwrap())
        .collect();
    assert_eq!(counted, [FULL, "0.00", "0.00"], "ties go to the first id");
    let per_member: Vec<(&str, &str)> = j["per_member"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["present_value"].as_str().unwrap(),
                m["present_value_counted"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        per_member,
        [(FULL, FULL), (FULL, "0.00"), (FULL, "0.00")],
        "each member's own claim, and what the network counts of it"
    );
    // The breakdowns lose the same double count as the total.
    assert_eq!(j["by_theme"]["health"], FULL);
    assert_eq!(j["by_kind"]["fiscal"], FULL);
    let places = j["by_place"].as_array().unwrap();
    let value: Vec<(&str, &str, &str)> = places
        .iter()
        .map(|p| {
            (
                p["place"].as_str().unwrap(),
                p["present_value"].as_str().unwrap(),
                p["investment"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        value,
        [
            ("E08000001", FULL, "250000.00"),
            ("E08000003", "0.00", "250000.00"),
            ("E08000010", "0.00", "250000.00"),
        ]
    );
    // The page and its tables show the over-claim.
    let html = std::fs::read_to_string(f.path("out/network.html")).unwrap();
    assert!(
        html.contains("Shared outcomes") && html.contains("Over-claimed"),
        "{html}"
    );
    assert!(html.contains("add up to 300%"), "{html}");
    let csv = std::fs::read_to_string(f.path("out/tables/shared_outcomes.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert_eq!(csv.matches(",true,largest claim").count(), 3, "{csv}");
    assert!(csv.contains(",1,,13800.00,13800.00,true,"), "{csv}");

    // Reviewing one of them with the network flags it red (exit 3).
    let rv = review(&f, "b");
    assert_eq!(rv.code, 3, "{}", rv.stdout);
    let (rating, findings) = network_findings(&rv.json());
    assert_eq!(rating, "red");
    let flagged = findings
        .iter()
        .find(|x| x.contains("north-falls-alliance"))
        .unwrap();
    assert!(flagged.starts_with("red"), "{flagged}");
    assert!(
        flagged.contains("claims 100%") && flagged.contains("add up to 300%"),
        "{flagged}"
    );
}

#[test]
fn an_agreed_split_is_claimed_share_by_share_and_counted_as_claimed() {
    // No attribution typed: the split sets it (1 − share).
    let f = three_members(
        AGREED,
        "proxy,quantity,partnership\nhealth.ae-attendance,100,north-falls-alliance\n",
    );
    let j = f.network(&["--format", "json"]).json();
    let s = &j["shared_outcomes"][0];
    assert_eq!(s["over_claimed"], false);
    assert_eq!(s["counted_as"], "as claimed");
    assert_eq!(s["claimed_share_total"], "1");
    let values: Vec<&str> = s["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["present_value"].as_str().unwrap())
        .collect();
    // 13,800 × 0.5, × 0.3, × 0.2
    assert_eq!(values, ["6900.00", "4140.00", "2760.00"]);
    assert_eq!(j["present_value"], FULL);
    assert_eq!(j["double_counting_removed"], "0.00");
    let rv = review(&f, "b");
    assert_eq!(rv.code, 0, "{}", rv.stdout);
    let (rating, findings) = network_findings(&rv.json());
    assert_ne!(rating, "red");
    assert!(
        findings
            .iter()
            .any(|x| x.contains("claims 30% (agreed share 30%)")),
        "{findings:?}"
    );

    // The member's own report says who else contributed and how its share was set.
    let (r, out) = {
        let out = f.path("report-b");
        let r = f.run_cmd(&[
            "report",
            "b/project.toml",
            "--out",
            out.to_str().unwrap(),
            "--runs",
            "200",
        ]);
        (r, out)
    };
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("Outcomes shared with partners"), "{md}");
    assert!(
        md.contains("| north-falls-alliance | A&E attendance avoided | 30% | the partnership's agreed split | GB-CHC-1, GB-CHC-3 | £4,140.00 |"),
        "{md}"
    );
}

#[test]
fn partners_who_declare_different_splits_are_counted_at_the_largest_claim() {
    let f = Fixture::new();
    let row = "proxy,quantity,partnership\nhealth.ae-attendance,100,north-falls-alliance\n";
    member(&f, "a", "GB-CHC-1", "E08000001", AGREED, row);
    member(&f, "b", "GB-CHC-2", "E08000003", AGREED, row);
    // C says it agreed 60% for itself.
    let other = AGREED
        .replace("\"GB-CHC-1\" = 0.5", "\"GB-CHC-1\" = 0.2")
        .replace("\"GB-CHC-2\" = 0.3", "\"GB-CHC-2\" = 0.2")
        .replace("\"GB-CHC-3\" = 0.2", "\"GB-CHC-3\" = 0.6");
    member(&f, "c", "GB-CHC-3", "E08000010", &other, row);
    let j = f.network(&["--format", "json"]).json();
    let s = &j["shared_outcomes"][0];
    assert_eq!(s["declarations_differ"], true);
    assert_eq!(s["agreed_shares"], serde_json::Value::Null);
    // 50% + 30% + 60%
    assert_eq!(s["claimed_share_total"], "1.4");
    assert_eq!(s["counted_as"], "largest claim");
    // C's 60% (£8,280) is the largest claim.
    assert_eq!(s["present_value_counted"], "8280.00");
    assert_eq!(j["present_value"], "8280.00");
    let text = f.network(&[]);
    assert!(
        text.stdout.contains("declare different splits"),
        "{}",
        text.stdout
    );
}

#[test]
fn partnership_and_place_mistakes_are_named_with_file_line_and_column() {
    let f = Fixture::new();
    f.add_to_project(ALLIANCE.replace("GB-CHC-1", "GB-TEST-1").as_str());
    f.write(
        "outcomes.csv",
        "proxy,quantity,attribution,reason,partnership,place\n\
         health.ae-attendance,10,,,north-fals-alliance,\n\
         health.ae-attendance,10,,,north-falls-alliance,\n\
         health.ae-attendance,10,0.5,,north-falls-alliance,\n\
         health.ae-attendance,10,,,,Narnia\n",
    );
    f.calc(&[]).fails_with(&[
        "outcomes.csv:2:5",
        "partnership \"north-fals-alliance\" is not declared in project.toml",
        "did you mean \"north-falls-alliance\"?",
        "outcomes.csv:3:3",
        "has no agreed split, so this row must give its own attribution and a reason",
        "outcomes.csv:4:4",
        "this row changes the toolkit's attribution for health.ae-attendance but gives no reason",
        "outcomes.csv:5:6",
        "place \"Narnia\" is not a district code",
        "4 problems found",
    ]);

    // project.toml: not a member, a split of more than the whole, a decile out of range,
    // a place that is not a code.
    let f = Fixture::new();
    f.add_to_project(
        "[[partnership]]\nid = \"p\"\nmembers = [\"GB-A\", \"GB-B\"]\n\n\
         [[partnership]]\nid = \"q\"\nmembers = [\"GB-TEST-1\", \"GB-B\"]\nshares = { \"GB-TEST-1\" = 0.7, \"GB-B\" = 0.5 }\n\n\
         [[place]]\nplace = \"E08000010\"\ndeprivation_decile = 11\n",
    );
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write(
        "project.toml",
        &p.replace(
            "id = \"GB-TEST-1\"",
            "id = \"GB-TEST-1\"\nplace = \"Oakfield\"",
        ),
    );
    let r = f.calc(&[]);
    r.fails_with(&[
        "project.toml:",
        "your organisation (GB-TEST-1) is not a member of partnership \"p\"",
        "the split of \"q\" gives out 120% of the outcome, more than all of it",
        "deprivation_decile 11 is not a whole number from 1 to 10",
    ]);
    // The place is checked against the toolkit once the file itself is sound.
    let f = Fixture::new();
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write(
        "project.toml",
        &p.replace(
            "id = \"GB-TEST-1\"",
            "id = \"GB-TEST-1\"\nplace = \"Oakfield\"",
        ),
    );
    f.calc(&[]).fails_with(&[
        "project.toml:6:9",
        "place \"Oakfield\" is not a district code or a place toolkit test-kit names",
        "the toolkit lists no place names",
    ]);
}

#[test]
fn value_hours_and_investment_by_place_with_names_from_the_toolkit() {
    let f = Fixture::new();
    let kit = format!(
        "{}\n[[place]]\ncode = \"E08000010\"\nname = \"Wigan\"\n\n[[place]]\ncode = \"E08000003\"\nname = \"Manchester\"\n",
        common::TOOLKIT
    );
    f.write("test-kit.toml", &kit);
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write(
        "project.toml",
        &format!(
            "{}\n[[place]]\nplace = \"Wigan\"\ndeprivation_decile = 2\n",
            p.replace(
                "id = \"GB-TEST-1\"",
                "id = \"GB-TEST-1\"\nplace = \"wigan\""
            )
        ),
    );
    f.write(
        "outcomes.csv",
        "proxy,quantity,place\nhealth.ae-attendance,100,Manchester\nhealth.ae-attendance,50,\n",
    );
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(j["organisation"]["place"], "E08000010");
    let places = j["by_place"].as_array().unwrap();
    assert_eq!(places.len(), 2, "{places:?}");
    assert_eq!(places[0]["place"], "E08000003");
    assert_eq!(places[0]["name"], "Manchester");
    assert_eq!(places[0]["present_value"], FULL);
    assert_eq!(places[0]["investment"], "0.00");
    assert_eq!(places[1]["place"], "E08000010");
    assert_eq!(places[1]["name"], "Wigan");
    // 50 attendances: 50 × 172.50 × 0.8
    assert_eq!(places[1]["present_value"], "6900.00");
    assert_eq!(places[1]["investment"], "250000.00");
    assert_eq!(places[1]["deprivation_decile"], 2);
    assert_eq!(j["lines"][0]["place"], "E08000003");
    assert_eq!(j["lines"][1]["place"], "E08000010");
    let csv = f.calc(&["--format", "csv"]).stdout;
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].ends_with(
            ",partnership,place,transfer,valued_from_stories,overlap_reason,evidence_type,grade"
        ),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].ends_with(",,E08000003,false,false,,estimate,bronze")
            && rows[2].ends_with(",,E08000010,false,false,,estimate,bronze"),
        "{csv}"
    );

    let (r, out) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("### Where the value arises"), "{md}");
    assert!(
        md.contains("| E08000010 | Wigan | £6,900.00 | 0 | £250,000.00 |  | 2 |"),
        "{md}"
    );
    let csv = std::fs::read_to_string(out.join("tables/value_by_place.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");

    // A submission carries codes, never names, and recomputes to the same places.
    std::fs::create_dir(f.path("inbox")).unwrap();
    let s = f.run_cmd(&["submit", "project.toml", "--out", "inbox/m.toml"]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    let text = std::fs::read_to_string(f.path("inbox/m.toml")).unwrap();
    assert!(
        text.contains("place = \"E08000003\"") && !text.contains("Wigan"),
        "{text}"
    );
    let n = f.network(&["--format", "json"]).json();
    assert_eq!(n["by_place"][0]["name"], "Manchester");
    assert_eq!(n["by_place"][1]["deprivation_deciles"][0], 2);
}

#[test]
fn members_are_shown_by_quarter_and_ranked_only_when_asked() {
    let f = Fixture::new();
    for (name, q) in [("a", "10"), ("b", "20"), ("c", "30"), ("d", "40")] {
        member(
            &f,
            name,
            &format!("GB-CHC-{name}"),
            "E08000001",
            "",
            &format!("proxy,quantity\nhealth.ae-attendance,{q}00\n"),
        );
    }
    let plain = f.network(&[]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(plain.stdout.contains("highest quarter") && plain.stdout.contains("lowest quarter"));
    assert!(!plain.stdout.contains("ranked"), "{}", plain.stdout);
    let j = f.network(&["--format", "json"]).json();
    assert!(j.get("ranked").is_none());
    let quarters: Vec<u64> = j["per_member"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ratio_quartile"].as_u64().unwrap())
        .collect();
    assert_eq!(quarters, [1, 2, 3, 4]);

    let ranked = f.network(&["--rank"]);
    assert!(
        ranked.stdout.contains("Members ranked by SROI ratio"),
        "{}",
        ranked.stdout
    );
    let j = f.network(&["--rank", "--format", "json"]).json();
    let first = &j["ranked"][0];
    assert_eq!(
        (first["rank"].as_u64(), first["id"].as_str()),
        (Some(1), Some("GB-CHC-d"))
    );
}

#[test]
fn every_return_is_written_as_format_version_4_with_its_totals() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("inbox")).unwrap();
    let s = f.run_cmd(&["submit", "project.toml", "--out", "inbox/m.toml"]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    let text = std::fs::read_to_string(f.path("inbox/m.toml")).unwrap();
    assert!(text.contains("format_version = 4"), "{text}");
    for key in [
        "transfers = \"0.00\"",
        "story_value = \"0.00\"",
        "volunteer_time_value = \"0.00\"",
    ] {
        assert!(text.contains(key), "{key}\n{text}");
    }
    assert!(
        !text.contains("place =") && !text.contains("partnership"),
        "{text}"
    );
}

#[test]
fn review_reads_partners_by_the_networks_rules_so_last_years_return_does_not_count() {
    let f = Fixture::new();
    let row = "proxy,quantity,partnership\nhealth.ae-attendance,100,north-falls-alliance\n";
    let split = r#"[[partnership]]
id = "north-falls-alliance"
members = ["GB-CHC-1", "GB-CHC-2"]
shares = { "GB-CHC-1" = 0.5, "GB-CHC-2" = 0.5 }
"#;
    member(&f, "a", "GB-CHC-1", "E08000001", split, row);
    member(&f, "b", "GB-CHC-2", "E08000003", split, row);
    // Last year B had no agreed split and claimed all of it; that return is still in the folder
    // (named so it sorts first).
    let old = split.replace("shares = { \"GB-CHC-1\" = 0.5, \"GB-CHC-2\" = 0.5 }\n", "");
    let old_row = "proxy,quantity,attribution,reason,partnership\nhealth.ae-attendance,100,0,all ours,north-falls-alliance\n";
    member(&f, "b-2023", "GB-CHC-2", "E08000003", &old, old_row);
    // Made as this year's, then moved to last year and submitted again.
    std::fs::write(f.path("b-2023/project.toml"), {
        let p = std::fs::read_to_string(f.path("b-2023/project.toml")).unwrap();
        p.replace("start = 2024-04-01", "start = 2023-04-01")
            .replace("end = 2025-03-31", "end = 2024-03-31")
    })
    .unwrap();
    let r = f.run_cmd(&[
        "submit",
        "b-2023/project.toml",
        "--out",
        "inbox/b-2023.toml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rv = review(&f, "a");
    let (rating, findings) = network_findings(&rv.json());
    assert_ne!(rating, "red", "{findings:?}");
    assert!(
        findings
            .iter()
            .any(|x| x.contains("claims 50% (agreed share 50%)") && x.contains("add up to 100%")),
        "{findings:?}"
    );
    // The network agrees: nothing over-claimed this year.
    let j = f.network(&["--format", "json"]).json();
    assert_eq!(j["shared_outcomes"][0]["over_claimed"], false);
}

#[test]
fn a_share_given_twice_a_place_described_twice_and_a_place_on_an_unvalued_row_are_refused() {
    let f = Fixture::new();
    f.add_to_project(
        "[[partnership]]\nid = \"q\"\nmembers = [\"GB-TEST-1\", \"GB-B\"]\nshares = { \"GB-TEST-1\" = 0.4, \"GB-TEST-1 \" = 0.1, \"GB-B\" = 0.5 }\n",
    );
    f.calc(&[])
        .fails_with(&["the split of \"q\" gives GB-TEST-1 a share twice"]);

    let f = Fixture::new();
    let kit = format!(
        "{}\n[[place]]\ncode = \"E08000010\"\nname = \"Wigan\"\n",
        common::TOOLKIT
    );
    f.write("test-kit.toml", &kit);
    f.add_to_project(
        "[[place]]\nplace = \"Wigan\"\ndeprivation_decile = 1\n\n[[place]]\nplace = \"e08000010\"\ndeprivation_decile = 9\n",
    );
    f.write(
        "outcomes.csv",
        "proxy,quantity,note,place\n,120,people came to the lunch club,E08000010\n",
    );
    f.calc(&[])
        .fails_with(&["place e08000010 (E08000010) is described twice"]);
    f.write(
        "project.toml",
        &std::fs::read_to_string(f.path("project.toml"))
            .unwrap()
            .replace(
                "place = \"e08000010\"\ndeprivation_decile = 9\n",
                "place = \"E08000003\"\n",
            ),
    );
    f.calc(&[])
        .fails_with(&["outcomes.csv:2:1", "this row has no proxy but gives place"]);

    // A toolkit place name that looks like a code could never be matched.
    let f = Fixture::new();
    let kit = format!(
        "{}\n[[place]]\ncode = \"E08000001\"\nname = \"E08000010\"\n",
        common::TOOLKIT
    );
    f.write("test-kit.toml", &kit);
    f.run_cmd(&["toolkit", "check", "test-kit.toml"])
        .fails_with(&["place name \"E08000010\" looks like a district code"]);
}

#[test]
fn a_place_described_without_a_decile_travels_in_the_submission() {
    let f = Fixture::new();
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write(
        "project.toml",
        &format!(
            "{}\n[[place]]\nplace = \"E08000001\"\n",
            p.replace(
                "id = \"GB-TEST-1\"",
                "id = \"GB-TEST-1\"\nplace = \"E08000010\""
            )
        ),
    );
    let places = |j: &serde_json::Value| -> Vec<(String, String)> {
        j["by_place"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["place"].as_str().unwrap().to_string(),
                    p["present_value"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let calc = places(&f.calc(&["--format", "json"]).json());
    assert_eq!(calc.len(), 2, "{calc:?}");
    assert_eq!(calc[0], ("E08000001".to_string(), "0.00".to_string()));
    std::fs::create_dir(f.path("inbox")).unwrap();
    let s = f.run_cmd(&["submit", "project.toml", "--out", "inbox/m.toml"]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    let text = std::fs::read_to_string(f.path("inbox/m.toml")).unwrap();
    assert!(text.contains("[[place]]\nplace = \"E08000001\""), "{text}");
    assert_eq!(places(&f.network(&["--format", "json"]).json()), calc);
}

#[test]
fn a_file_that_says_version_1_but_uses_version_2_fields_is_amber_in_review() {
    let f = three_claiming_everything();
    // Another tool's file: version 2 fields under version 1, with its fingerprint made to match.
    let text = std::fs::read_to_string(f.path("inbox/a.toml"))
        .unwrap()
        .replace("format_version = 4", "format_version = 1");
    f.write("odd.toml", &common::refingerprinted(&text));
    let r = f.run_cmd(&[
        "review",
        "odd.toml",
        "--toolkit",
        "test-kit.toml",
        "--format",
        "json",
    ]);
    let j = r.json();
    let integrity = &j["checks"][0];
    assert_eq!(integrity["name"], "integrity");
    assert_eq!(integrity["rating"], "amber", "{integrity}");
    assert!(integrity
        .to_string()
        .contains("says format_version 1 but uses version 2"));
}

#[test]
fn a_submissions_partnerships_keep_the_same_rules_as_a_projects() {
    let f = three_members(
        AGREED,
        "proxy,quantity,partnership\nhealth.ae-attendance,100,north-falls-alliance\n",
    );
    let text = std::fs::read_to_string(f.path("inbox/a.toml")).unwrap();
    for (from, to, why) in [
        (
            "GB-CHC-3 = \"0.2\"",
            "GB-CHC-3 = \"0.4\"",
            "gives out 120% of the outcome",
        ),
        (
            "GB-CHC-3 = \"0.2\"",
            "GB-CHC-3 = \"0.2\"\nGB-X = \"0\"",
            "gives a share to GB-X, who is not a member",
        ),
    ] {
        assert!(text.contains(from), "{text}");
        f.write(
            "odd.toml",
            &common::refingerprinted(&text.replace(from, to)),
        );
        let r = f.run_cmd(&[
            "review",
            "odd.toml",
            "--toolkit",
            "test-kit.toml",
            "--format",
            "json",
        ]);
        let j = r.json();
        let reproduce = &j["checks"][1];
        assert_eq!(reproduce["rating"], "red", "{reproduce}");
        assert!(reproduce.to_string().contains(why), "{why}: {reproduce}");
    }
}
