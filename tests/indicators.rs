//! Distance travelled (issue 10): people's own before-and-after answers, their statistics,
//! WELLBYs from life satisfaction, and what a submission carries (aggregates, never people).

mod common;
use common::Fixture;

/// A toolkit in 2019 prices, undiscounted, with the WELLBY and three indicators.
fn wellby_kit() -> String {
    common::TOOLKIT
        .replace("price_year = 2024\ndiscount_rate = 0.035", "price_year = 2019\ndiscount_rate = 0")
        .replace("2024 = 100.0", "2024 = 100.0\n2019 = 90.0")
        .replace(
            "discount_first_year = false",
            "discount_first_year = false\nwellby_value = 13000\nwellby_low = 10000\nwellby_high = 16000\nwellby_price_year = 2019\n\
             wellby_source = \"HM Treasury Green Book wellbeing guidance (2021)\"\nwellby_url = \"https://www.gov.uk/government/publications/green-book-supplementary-guidance-wellbeing\"\nwellby_licence = \"OGL-UK-3.0\"",
        )
        + r#"
[[indicator]]
id = "ons.life-satisfaction"
name = "Overall, how satisfied are you with your life nowadays?"
scale_min = 0
scale_max = 10
higher_is_better = true
source = "ONS personal wellbeing (ONS4)"
valuation = "wellby"

[indicator.basis]
deadweight = "convention: tests"
attribution = "convention: tests"
displacement = "convention: tests"
drop_off = "convention: tests"
duration = "convention: tests"

[[indicator]]
id = "ucla.loneliness-3"
name = "UCLA three-item loneliness scale"
scale_min = 3
scale_max = 9
higher_is_better = false
source = "Hughes et al. (2004)"
"#
}

/// A project of the worked example plus an indicators file of `rows`.
fn project(rows: &str) -> Fixture {
    let f = Fixture::new();
    f.write("test-kit.toml", &wellby_kit());
    // Undated answers a year apart: the WELLBYs count a whole year. The worked example's
    // wellbeing proxy counts other people, and both sides say so.
    f.add_to_project("\n[indicators]\nfile = \"answers.csv\"\nmonths_between = 12\noverlap_reason = \"the people answering are not the sixty\"\n");
    f.write(
        "outcomes.csv",
        "proxy,quantity,overlap_reason\noutcome.big,60,the sixty did not answer the question\n",
    );
    f.write(
        "answers.csv",
        &format!("person,indicator,before,after\n{rows}"),
    );
    f
}

/// 100 people each gaining exactly half a point of life satisfaction.
fn half_a_point_for_100() -> String {
    (0..100)
        .map(|i| {
            format!(
                "P{i:03},ons.life-satisfaction,{}.0,{}.5\n",
                5 + i % 3,
                5 + i % 3
            )
        })
        .collect()
}

#[test]
fn half_a_point_for_a_hundred_people_is_fifty_wellbys_and_650000_at_2019_prices() {
    let f = project(&half_a_point_for_100());
    // Only the indicator: no other outcome.
    f.write("outcomes.csv", "proxy,quantity,note\n,1,an output\n");
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let ind = &v["indicators"][0];
    assert_eq!(ind["indicator"], "ons.life-satisfaction");
    assert_eq!(ind["pairs"], 100);
    assert_eq!(ind["mean_change"], "0.5");
    assert_eq!(ind["wellbys"], "50");
    assert_eq!(ind["present_value"], "650000.00");
    assert_eq!(v["present_value"], "650000.00");
    let line = &v["lines"][0];
    assert_eq!(line["proxy"], "wellby");
    assert_eq!(line["origin"]["type"], "indicator");
}

#[test]
fn statistics_are_reported_for_unvalued_indicators_in_plain_words() {
    // Loneliness (lower is better) for 6 people, one of whom answered only once.
    let f = project(
        "A1,ucla.loneliness-3,8,6\nA2,ucla.loneliness-3,7,7\nA3,ucla.loneliness-3,5,6\nA4,ucla.loneliness-3,9,4\nA5,ucla.loneliness-3,6,5\nA6,ucla.loneliness-3,7,\n",
    );
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let ind = &v["indicators"][0];
    assert_eq!(
        (
            ind["people"].as_u64(),
            ind["pairs"].as_u64(),
            ind["unpaired"].as_u64()
        ),
        (Some(6), Some(5), Some(1))
    );
    assert_eq!(ind["mean_change"], "-1.4");
    assert_eq!(
        (
            ind["improved"].as_u64(),
            ind["same"].as_u64(),
            ind["worse"].as_u64()
        ),
        (Some(3), Some(1), Some(1))
    );
    assert_eq!(
        ind["wellbys"],
        serde_json::Value::Null,
        "loneliness is evidence, not money"
    );
    let s = ind["sentence"].as_str().unwrap();
    assert!(
        s.contains("3 of 5 people answering before and after improved"),
        "{s}"
    );
    assert!(
        s.contains("fell by 1.4 points on its 3 to 9 scale (lower is better"),
        "{s}"
    );
    assert!(s.contains("1 more answered only once"), "{s}");
    let table = f.calc(&[]);
    assert!(
        table.stdout.contains("What people told us"),
        "{}",
        table.stdout
    );
    // The present value is the worked example's alone, in this kit's 2019 prices and
    // undiscounted: 60 × £8,500 × 90/100 × 0.6 × 0.7 = £192,780, then × 0.7 in year 2 =
    // £134,946; £327,726 in all.
    assert_eq!(v["present_value"], "327726.00");

    let (rep, out) = f.report(&[]);
    assert_eq!(rep.code, 0, "{}", rep.stderr);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("What people told us"));
    assert!(html.contains("fell by 1.4 points"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## What people told us"));
    let csv = std::fs::read_to_string(out.join("tables/indicators.csv")).unwrap();
    assert!(
        csv.contains("UCLA three-item loneliness scale,5 of 6,7,5.6,-1.4"),
        "{csv}"
    );
}

#[test]
fn answers_are_checked_like_any_table() {
    let f = project("P1,ons.life-satisfaction,11,5\nP2,ons.life-satisfacton,5,6\nP1,ons.life-satisfaction,4,5\n,ucla.loneliness-3,5,5\n");
    f.calc(&[]).fails_with(&[
        "answers.csv:2:3 (column \"before\")",
        "before 11 is outside the scale 0 to 10",
        "did you mean \"ons.life-satisfaction\"",
        "this person has another row for ons.life-satisfaction",
        "person is empty",
    ]);
}

#[test]
fn names_as_references_are_warned_and_references_never_leave_in_a_submission() {
    let mut rows = half_a_point_for_100();
    rows.push_str("Mary Smith,ucla.loneliness-3,7,5\n");
    let f = project(&rows);
    let r = f.calc(&["--format", "json"]);
    assert!(
        r.stderr.contains("1 person references look like names"),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains("Mary"), "a reference reached the result");
    let s = f.run_cmd(&["submit", "project.toml", "--out", "s.toml"]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    let text = std::fs::read_to_string(f.path("s.toml")).unwrap();
    assert!(
        text.contains("[[indicator]]") && text.contains("pairs = 100"),
        "{text}"
    );
    for reference in ["P000", "P042", "P099", "Mary"] {
        assert!(
            !text.contains(reference),
            "the submission holds {reference}"
        );
    }
    // The submission recomputes to the same figures, WELLBY line included.
    let review = f.run_cmd(&["review", "s.toml", "--toolkit", "test-kit.toml"]);
    assert!(review.stdout.contains("reproduc"), "{}", review.stdout);
    assert!(!review.stdout.contains("do not match"), "{}", review.stdout);
}

#[test]
fn claiming_wellbeing_from_answers_and_from_a_proxy_needs_a_reason_on_both_sides() {
    // The worked example's outcome.big is a wellbeing proxy in the WELLBY's theme.
    let f = project(&half_a_point_for_100());
    let with_reason = std::fs::read_to_string(f.path("project.toml")).unwrap();
    let without: String = with_reason
        .lines()
        .filter(|l| !l.starts_with("overlap_reason"))
        .map(|l| format!("{l}\n"))
        .collect();
    f.write("project.toml", &without);
    f.write("outcomes.csv", "proxy,quantity\noutcome.big,60\n");
    f.calc(&[]).fails_with(&[
        "outcomes.csv:2 claims outcome.big and project.toml (WELLBYs from [indicators]) claims wellby",
        "must never be added for the same people",
        "project.toml (WELLBYs from [indicators]) claims wellby and outcomes.csv:2 claims outcome.big",
        "[indicators] overlap_reason",
        "2 problems found",
    ]);
    // With the row's reason but not project.toml's, only the WELLBY side is refused.
    f.write(
        "outcomes.csv",
        "proxy,quantity,overlap_reason\noutcome.big,60,the sixty did not answer\n",
    );
    f.calc(&[]).fails_with(&[
        "project.toml (WELLBYs from [indicators]) claims wellby",
        "1 problem found",
    ]);
    // With both, it values, and the result carries the reasons.
    f.write("project.toml", &with_reason);
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["lines"][0]["overlap_reason"], "the sixty did not answer");
    assert_eq!(
        j["lines"][1]["overlap_reason"],
        "the people answering are not the sixty"
    );
}

#[test]
fn a_projects_own_indicator_is_reported_but_never_valued() {
    let f = project("P1,local.confidence,2,4\nP2,local.confidence,3,3\n");
    f.add_to_project("\n[[indicator]]\nid = \"local.confidence\"\nname = \"How confident do you feel going out?\"\nscale_min = 1\nscale_max = 5\nhigher_is_better = true\nsource = \"our own question\"\n");
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ind = &r.json()["indicators"][0];
    assert_eq!(ind["local"], true);
    assert_eq!(ind["pairs"], 2);
    f.add_to_project("valuation = \"wellby\"\n");
    f.calc(&[])
        .fails_with(&["an indicator of the project's own cannot be valued"]);
}

#[test]
fn a_network_pools_each_indicator_with_the_organisations_and_people_behind_it() {
    let f = project(&half_a_point_for_100());
    std::fs::create_dir(f.path("inbox")).unwrap();
    let s = f.run_cmd(&["submit", "project.toml", "--out", "inbox/a.toml"]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    // A second member: 50 people gaining 0.2 each, and 3 answering only before.
    let mut rows: String = (0..50)
        .map(|i| format!("Q{i:02},ons.life-satisfaction,6.0,6.2\n"))
        .collect();
    rows.push_str("Q90,ons.life-satisfaction,5,\nQ91,ons.life-satisfaction,5,\nQ92,ons.life-satisfaction,5,\n");
    f.write(
        "answers.csv",
        &format!("person,indicator,before,after\n{rows}"),
    );
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write("project.toml", &p.replace("GB-TEST-1", "GB-TEST-2"));
    let s = f.run_cmd(&["submit", "project.toml", "--out", "inbox/b.toml"]);
    assert_eq!(s.code, 0, "{}", s.stderr);

    let n = f.network(&["--format", "json"]);
    assert_eq!(n.code, 0, "{}", n.stderr);
    let j = n.json();
    let pooled = &j["indicators"][0];
    assert_eq!(pooled["indicator"], "ons.life-satisfaction");
    assert_eq!(pooled["organisations"], 2);
    assert_eq!(pooled["pairs"], 150);
    assert_eq!(pooled["people"], 153);
    // (100 × 0.5 + 50 × 0.2) ÷ 150 = 0.4
    assert_eq!(pooled["mean_change"], "0.4");
    assert_eq!(pooled["wellbys"], "60");
    let text = f.network(&[]);
    assert!(
        text.stdout
            .contains("2 organisations, 150 people measured before and after of 153"),
        "{}",
        text.stdout
    );
}

#[test]
fn the_bundled_bank_declares_the_four_indicators_and_values_only_life_satisfaction() {
    let tk = social_value::toolkit::load_file(&social_value::toolkit::Source::Bundled("uk-core"))
        .unwrap();
    let ids: Vec<&str> = tk.indicators.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ons.life-satisfaction",
            "ucla.loneliness-3",
            "swemwbs",
            "community.trust-neighbours"
        ]
    );
    let valued: Vec<&str> = tk
        .indicators
        .iter()
        .filter(|i| i.valuation.is_some())
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(valued, ["ons.life-satisfaction"]);
    // The WELLBY proxy carries the same published figures as wellbeing.wellby.
    let (w, p) = (
        tk.proxy("wellby").unwrap(),
        tk.proxy("wellbeing.wellby").unwrap(),
    );
    assert_eq!(
        (w.value, w.low, w.high, w.price_year),
        (p.value, p.low, p.high, p.price_year)
    );
    assert!(w.url.starts_with("https://www.gov.uk/") && w.licence == "OGL-UK-3.0");
    let list = common::run(&["toolkit", "list"]);
    assert!(
        list.stdout
            .contains("ucla.loneliness-3          3 to 9, lower is better"),
        "{}",
        list.stdout
    );
}

#[test]
fn a_toolkit_that_values_the_wrong_scale_or_lacks_a_source_is_refused() {
    let f = Fixture::new();
    let bad = wellby_kit()
        .replace("wellby_source = \"HM Treasury Green Book wellbeing guidance (2021)\"\n", "")
        + "\n[[indicator]]\nid = \"trust\"\nname = \"Trust\"\nscale_min = 1\nscale_max = 5\nhigher_is_better = true\nsource = \"s\"\nvaluation = \"wellby\"\n";
    f.write("bad.toml", &bad);
    f.run_cmd(&["toolkit", "check", "bad.toml"]).fails_with(&[
        "wellby_value needs wellby_source",
        "the WELLBY method values life satisfaction on a 0-10 scale",
    ]);
}

#[test]
fn toolkit_diff_shows_indicators_added_and_changed() {
    let f = Fixture::new();
    f.write("old.toml", &wellby_kit());
    f.write(
        "new.toml",
        &(wellby_kit().replace("higher_is_better = false", "higher_is_better = false\nduration = 2")
            + "\n[[indicator]]\nid = \"trust\"\nname = \"Trust in neighbours\"\nscale_min = 1\nscale_max = 5\nhigher_is_better = true\nsource = \"s\"\n"),
    );
    let r = f.run_cmd(&["toolkit", "diff", "old.toml", "new.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Added indicators (1)\n  trust  Trust in neighbours"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Changed indicators (1)\n  ucla.loneliness-3"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("duration: 1 -> 2"), "{}", r.stdout);
}

/// 40 people, changes cycling 0, 1, 1, 2 (sum 40), each answering 122 days apart (1 May to
/// 31 August 2024). Independently (Python's decimal module): 40 × 1 × 122/365 =
/// 13.36986..., held to 4 places rounding down: 13.3698 WELLBYs; at £13,000 (2019 prices,
/// toolkit in 2019 prices, no discounting, no adjustments): £173,807.40.
#[test]
fn wellbys_count_only_the_months_between_the_answers() {
    let rows: String = (0..40)
        .map(|i| {
            format!(
                "P{i:02},ons.life-satisfaction,5,{},2024-05-01,2024-08-31\n",
                5 + [0, 1, 1, 2][i % 4]
            )
        })
        .collect();
    let f = project("");
    f.write(
        "answers.csv",
        &format!("person,indicator,before,after,date_before,date_after\n{rows}"),
    );
    let j = f.calc(&["--format", "json"]).json();
    let ind = &j["indicators"][0];
    assert_eq!(ind["wellbys"], "13.3698", "{ind}");
    assert_eq!(ind["time_weight"], "0.3342");
    assert_eq!(ind["present_value"], "173807.40");
    let line = &j["lines"][1];
    assert_eq!(
        (line["proxy"].as_str(), line["duration"].as_u64()),
        (Some("wellby"), Some(1))
    );
    assert_eq!(line["measured"]["pairs"], 40);
    // Undated, with no months_between: refused at the first pair's row, saying how to fix it.
    let undated: String = (0..40)
        .map(|i| {
            format!(
                "P{i:02},ons.life-satisfaction,5,{}\n",
                5 + [0, 1, 1, 2][i % 4]
            )
        })
        .collect();
    f.write(
        "answers.csv",
        &format!("person,indicator,before,after\n{undated}"),
    );
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write("project.toml", &p.replace("months_between = 12\n", ""));
    f.calc(&[]).fails_with(&[
        "answers.csv:2",
        "the answers on this row are not dated",
        "months_between = 12",
    ]);
}

/// 40 pairs whose changes are -1 (8), 0 (15), 1 (13) and 2 (4): mean 0.325, 95% interval about
/// 0.03 to 0.62 (Python: statistics.stdev 0.9167, t 2.0227). Valued at 40 × 0.325 = 13
/// WELLBYs a year apart (£169,000 at 2019 prices; no adjustments, no discounting) against
/// £120,000 invested, the ratio is 1.41, but the change could be nearly nothing: the
/// simulation, drawing the change from its interval, finds runs below 1:1.
#[test]
fn a_weak_measured_change_shows_a_real_chance_of_falling_below_one() {
    let changes: Vec<i64> = [(-1, 8), (0, 15), (1, 13), (2, 4)]
        .iter()
        .flat_map(|&(c, n)| std::iter::repeat_n(c, n))
        .collect();
    let rows: String = changes
        .iter()
        .enumerate()
        .map(|(i, c)| format!("P{i:02},ons.life-satisfaction,5,{}\n", 5 + c))
        .collect();
    let f = project(&rows);
    f.write("outcomes.csv", "proxy,quantity,note\n,1,an output\n");
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write(
        "project.toml",
        &p.replace("amount = 250000", "amount = 120000"),
    );
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(
        j["indicators"][0]["wellbys"], "13",
        "{}",
        j["indicators"][0]
    );
    assert_eq!(j["present_value"], "169000.00");
    assert_eq!(j["sroi_ratio"], "1.41");
    let s = f.run_cmd(&[
        "sensitivity",
        "project.toml",
        "--format",
        "json",
        "--runs",
        "2000",
    ]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    let mc = &s.json()["monte_carlo"];
    let below: f64 = mc["p_ratio_below_1"].as_str().unwrap().parse().unwrap();
    assert!(
        below > 0.02,
        "a weak change must show a chance below 1:1: {mc}"
    );
    let text = f
        .run_cmd(&["sensitivity", "project.toml", "--runs", "2000"])
        .stdout;
    assert!(
        text.contains("it fell below 1:1 in ") && !text.contains("in none of them"),
        "{text}"
    );
}

#[test]
fn a_change_valued_from_fewer_than_thirty_pairs_is_amber_in_review() {
    for (people, flagged) in [(12, true), (30, false)] {
        // A toolkit that values a change from 10 pairs, and people gaining 1 or 2 points.
        let f = project(
            &(0..people)
                .map(|i| format!("P{i:03},ons.life-satisfaction,5,{}\n", 6 + i % 2))
                .collect::<String>(),
        );
        f.write(
            "test-kit.toml",
            &wellby_kit().replacen(
                "discount_first_year = false",
                "discount_first_year = false\nmin_pairs = 10",
                1,
            ),
        );
        let r = f.run_cmd(&["submit", "project.toml", "--out", "sub.toml"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = f.run_cmd(&[
            "review",
            "sub.toml",
            "--toolkit",
            "test-kit.toml",
            "--format",
            "json",
        ]);
        let all = r.json()["checks"].to_string();
        assert!(all.contains("\"reproducibility.ok\""), "{all}");
        assert_eq!(
            all.contains("\"claims.few-pairs\""),
            flagged,
            "{people} people: {all}"
        );
        if flagged {
            assert!(
                all.contains(&format!("a change valued from {people} pairs of answers")),
                "{all}"
            );
        }
    }
}
