//! Evidence grades: each outcome row says where its quantity comes from (`evidence_type`), graded
//! bronze to gold+; read, valued, reported, carried in submissions and reviewed.

mod common;

use common::Fixture;

/// The worked example (£359,069.57) beside an A&E line: 100 attendances at £172.50, less 20%
/// deadweight, £13,800.00; £372,869.57 in all.
const TWO_ROWS: &str =
    "proxy,quantity,evidence_type\noutcome.big,60,{big}\nhealth.ae-attendance,100,{ae}\n";

fn two_rows(f: &Fixture, big: &str, ae: &str) {
    f.write(
        "outcomes.csv",
        &TWO_ROWS.replace("{big}", big).replace("{ae}", ae),
    );
}

#[test]
fn every_evidence_type_not_on_the_scale_is_reported_with_its_cell_and_the_allowed_values() {
    let f = Fixture::new();
    two_rows(&f, "survey", "gold");
    f.calc(&[]).fails_with(&[
        "outcomes.csv:2:3 (column \"evidence_type\")",
        "evidence_type \"survey\" is not on the evidence scale",
        "outcomes.csv:3:3 (column \"evidence_type\")",
        "evidence_type \"gold\" is not on the evidence scale",
        "estimate, own-records, participant-survey, third-party-records, comparison-group, independent-evaluation",
    ]);
}

#[test]
fn evidence_types_are_read_in_any_case_with_underscores_and_spaces_around() {
    let f = Fixture::new();
    two_rows(&f, " Third_Party_Records ", "OWN-RECORDS");
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["lines"][0]["evidence_type"], "third-party-records");
    assert_eq!(j["lines"][1]["evidence_type"], "own-records");
}

#[test]
fn a_row_that_does_not_say_and_a_file_without_the_column_are_estimates_graded_bronze() {
    let f = Fixture::new();
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(j["lines"][0]["evidence_type"], "estimate");
    assert_eq!(j["lines"][0]["grade"], "bronze");
    two_rows(&f, "", "independent-evaluation");
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(j["lines"][0]["evidence_type"], "estimate");
    assert_eq!(j["lines"][1]["grade"], "gold+");
}

/// The test toolkit with a benefit no longer paid (a transfer): 5 claimant-years at £4,000,
/// less 50% deadweight, £10,000.00, never social value.
fn kit_with_a_transfer() -> String {
    common::TOOLKIT.to_string()
        + r#"
[[proxy]]
id = "benefit.year"
name = "A year on benefits"
kind = "fiscal"
unit = "claimant-year"
value = 4000
price_year = 2024
beneficiary = "DWP"
source = "Invented for tests"
url = "https://example.org/benefit"
licence = "CC-BY-4.0"
deadweight = 0.5
attribution = 0
displacement = 0
drop_off = 0
duration = 1
themes = ["employment"]
transfer = true

[proxy.basis]
deadweight = "tests"
attribution = "tests"
displacement = "tests"
drop_off = "tests"
duration = "tests"
"#
}

/// Every kind of line: the worked example from the organisation's records (£359,069.57,
/// silver), a harm estimated (10 × −£100 = −£1,000.00, bronze), a transfer from DWP's records
/// (£10,000.00, gold but never value), one story of an A&E visit avoided (£172.50 less 20% =
/// £138.00, silver) and 8 volunteer hours counted as value (8 × £12.50 = £100.00, silver).
fn every_kind_of_line() -> Fixture {
    let f = Fixture::new();
    f.write("test-kit.toml", &kit_with_a_transfer());
    f.write(
        "outcomes.csv",
        "proxy,quantity,evidence_type\noutcome.big,60,own-records\nharm.complaint,10,\nbenefit.year,5,third-party-records\n",
    );
    f.write(
        "stories.csv",
        "id,title,text,tags,consent\nS1,Not in A&E,I stayed home.,avoided-ae,yes\n",
    );
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n2024-05-01,A,befriender,8\n",
    );
    f.add_to_project(
        "\n[stories]\nfile = \"stories.csv\"\n\n[volunteering]\nfile = \"hours.csv\"\nas = \"value\"\n\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n",
    );
    f
}

#[test]
fn lines_that_are_not_outcome_rows_take_the_scales_decision() {
    let f = every_kind_of_line();
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let lines: Vec<(String, String, String)> = j["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["proxy"].as_str().unwrap().to_string(),
                l["evidence_type"].as_str().unwrap().to_string(),
                l["grade"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("volunteer.hour", "own-records", "silver"),
        ("outcome.big", "own-records", "silver"),
        ("harm.complaint", "estimate", "bronze"),
        ("benefit.year", "third-party-records", "gold"),
        ("health.ae-attendance", "participant-survey", "silver"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(lines, want);
}

#[test]
fn the_value_on_each_grade_adds_up_to_the_present_value_with_transfers_left_out() {
    let f = every_kind_of_line();
    let j = f.calc(&["--format", "json"]).json();
    // 359,069.57 − 1,000.00 + 138.00 + 100.00; the £10,000.00 transfer is in no grade.
    assert_eq!(j["present_value"], "358307.57");
    assert_eq!(j["transfers"], "10000.00");
    assert_eq!(
        j["by_grade"],
        serde_json::json!({"bronze": "-1000.00", "silver": "359307.57", "gold": "0.00", "gold+": "0.00"})
    );
}

#[test]
fn shown_amounts_by_grade_add_up_to_the_shown_present_value() {
    let f = Fixture::new();
    // Three lines of 0.333 of an A&E visit (£172.50 less 20%: £45.954 each, shown £45.95), each
    // another grade, beside the worked example (£359,069.5652): rounded one by one the parts
    // show £359,207.42, the total £359,207.43.
    f.write(
        "outcomes.csv",
        "proxy,quantity,evidence_type\noutcome.big,60,\nhealth.ae-attendance,0.333,own-records\nhealth.ae-attendance,0.333,third-party-records\nhealth.ae-attendance,0.333,comparison-group\n",
    );
    let j = f.calc(&["--format", "json"]).json();
    let pennies =
        |v: &serde_json::Value| -> i64 { v.as_str().unwrap().replace('.', "").parse().unwrap() };
    let parts: i64 = j["by_grade"]
        .as_object()
        .unwrap()
        .values()
        .map(pennies)
        .sum();
    assert_eq!(parts, pennies(&j["present_value"]), "{}", j["by_grade"]);
}

fn report_md(f: &Fixture) -> String {
    let (r, out) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::read_to_string(out.join("report.md")).unwrap()
}

#[test]
fn the_report_shows_each_lines_grade_and_the_value_and_share_on_each_grade() {
    let f = Fixture::new();
    two_rows(&f, "", "third-party-records");
    let md = report_md(&f);
    assert!(md.contains("## How strong is the evidence"), "{md}");
    // 359,069.57 ÷ 372,869.57 is 96.299%, 13,800 ÷ 372,869.57 is 3.701%: 96% and 4%.
    for row in [
        "| bronze | estimate | 1 | £359,069.57 | 96% |",
        "| silver | own-records, participant-survey | 0 | £0.00 | 0% |",
        "| gold | third-party-records | 1 | £13,800.00 | 4% |",
        "| gold+ | comparison-group, independent-evaluation | 0 | £0.00 | 0% |",
        "| All |  | 2 | £372,869.57 | 100% |",
        "96% of the social value rests on estimates (bronze), and 4% on records another body keeps",
        "| £13,800.00 | 4% | gold |",
        "| £359,069.57 | 96% | bronze |",
        // The audit trail says where each line's quantity comes from.
        "= £17,250.00 gross; evidence gold (third-party-records) |",
    ] {
        assert!(md.contains(row), "{row}\n{md}");
    }
    let (_, out) = f.report(&[]);
    let csv = std::fs::read_to_string(out.join("tables/value_by_grade.csv")).unwrap();
    assert!(csv.contains("gold,third-party-records,1,"), "{csv}");
}

#[test]
fn shares_by_grade_add_up_to_a_hundred_where_rounding_each_would_not() {
    let f = Fixture::new();
    // Three lines of £13,800.00, each another grade: a third each, 33.3%.
    f.write(
        "outcomes.csv",
        "proxy,quantity,evidence_type\nhealth.ae-attendance,100,own-records\nhealth.ae-attendance,100,third-party-records\nhealth.ae-attendance,100,comparison-group\n",
    );
    let md = report_md(&f);
    for row in [
        "| silver | own-records, participant-survey | 1 | £13,800.00 | 34% |",
        "| gold | third-party-records | 1 | £13,800.00 | 33% |",
        "| gold+ | comparison-group, independent-evaluation | 1 | £13,800.00 | 33% |",
    ] {
        assert!(md.contains(row), "{row}\n{md}");
    }
}

#[test]
fn with_a_grade_below_zero_the_report_shows_amounts_not_shares() {
    let f = every_kind_of_line();
    let md = report_md(&f);
    assert!(
        md.contains("| bronze | estimate | 1 | -£1,000.00 |  |"),
        "{md}"
    );
    assert!(md.contains("shares are not shown"), "{md}");
    assert!(md.contains("Transfers are in no grade"), "{md}");
}

#[test]
fn calc_says_the_grade_mix_in_one_line_and_each_lines_grade() {
    let f = Fixture::new();
    two_rows(&f, "", "third-party-records");
    let r = f.calc(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("resting on evidence graded bronze 96%, silver 0%, gold 4%, gold+ 0%"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("; evidence gold (third-party-records)"),
        "{}",
        r.stdout
    );
}

#[test]
fn the_lines_csv_ends_with_each_lines_evidence_type_and_grade() {
    let f = Fixture::new();
    two_rows(&f, "", "comparison_group");
    let r = f.calc(&["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<&str> = r.stdout.lines().collect();
    assert!(rows[0].ends_with(",evidence_type,grade"), "{}", rows[0]);
    assert!(rows[1].ends_with(",estimate,bronze"), "{}", rows[1]);
    assert!(rows[2].ends_with(",comparison-group,gold+"), "{}", rows[2]);
}

/// Submits the fixture's project as `sub.toml` and returns its text.
fn submit(f: &Fixture) -> String {
    let r = f.run_cmd(&["submit", "project.toml", "--out", "sub.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::read_to_string(f.path("sub.toml")).unwrap()
}

/// `review FILE --toolkit test-kit.toml --format json`: (exit code, JSON).
fn review(f: &Fixture, file: &str) -> (i32, serde_json::Value) {
    let r = f.run_cmd(&[
        "review",
        file,
        "--toolkit",
        "test-kit.toml",
        "--format",
        "json",
    ]);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    (r.code, r.json())
}

/// Every finding: (code, rating, what).
fn findings(j: &serde_json::Value) -> Vec<(String, String, String)> {
    j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap().iter())
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("code"), s("rating"), s("what"))
        })
        .collect()
}

fn check_rating(j: &serde_json::Value, name: &str) -> String {
    j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .map(|c| c["rating"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[test]
fn a_submission_is_format_version_4_and_carries_each_evidence_type_under_its_fingerprint() {
    let f = Fixture::new();
    two_rows(&f, "own-records", "third-party-records");
    let text = submit(&f);
    assert!(text.contains("format_version = 4"), "{text}");
    assert!(text.contains("evidence_type = \"own-records\""), "{text}");
    assert!(
        text.contains("evidence_type = \"third-party-records\""),
        "{text}"
    );
    // Raising a grade after the file was written breaks the fingerprint.
    f.write(
        "edited.toml",
        &text.replacen("\"own-records\"", "\"independent-evaluation\"", 1),
    );
    let (code, j) = review(&f, "edited.toml");
    assert_eq!(check_rating(&j, "integrity"), "red", "{j}");
    assert_eq!(code, 3);
}

#[test]
fn a_version_3_submission_is_still_read_every_line_an_estimate_and_recomputes_to_the_penny() {
    let f = Fixture::new();
    two_rows(&f, "own-records", "third-party-records");
    let v4 = submit(&f);
    let v3: String = v4
        .lines()
        .filter(|l| !l.starts_with("evidence_type = "))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .replace("format_version = 4", "format_version = 3");
    f.write("v3.toml", &common::refingerprinted(&v3));
    let (code, j) = review(&f, "v3.toml");
    assert_eq!(code, 0, "{j}");
    for check in ["integrity", "reproducibility"] {
        assert_eq!(check_rating(&j, check), "green", "{check}: {j}");
    }
    let all = findings(&j);
    assert!(
        all.iter()
            .any(|(_, _, w)| w.contains("every figure recomputes to the penny")),
        "{all:?}"
    );
    // No finding says the file predates today's rules: version 3's figures mean the same.
    assert!(
        !all.iter().any(|(c, _, _)| c == "integrity.older-version"),
        "{all:?}"
    );
}

#[test]
fn an_evidence_type_off_the_scale_in_a_submission_stops_the_recomputation_at_its_entry() {
    let f = Fixture::new();
    two_rows(&f, "own-records", "third-party-records");
    let text = submit(&f).replacen("\"own-records\"", "\"hearsay\"", 1);
    f.write("odd.toml", &common::refingerprinted(&text));
    let (code, j) = review(&f, "odd.toml");
    assert_eq!(check_rating(&j, "reproducibility"), "red", "{j}");
    let line = text
        .lines()
        .position(|l| l == "[[outcome]]")
        .map(|i| i + 1)
        .unwrap();
    let all: Vec<String> = findings(&j).into_iter().map(|(_, _, w)| w).collect();
    let want =
        format!("line {line}: outcome 1: evidence_type \"hearsay\" is not on the evidence scale");
    assert!(all.iter().any(|w| w.starts_with(&want)), "{want}\n{all:?}");
    assert_eq!(code, 3);
}

#[test]
fn the_example_grades_each_row_from_its_note_and_its_figures_do_not_move() {
    let r = common::run(&["calc", "examples/oakfield-cvs", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(
        j["present_value"], "195508.40",
        "grades never change a figure"
    );
    // The one guess (urgent care visits), the NHS's referral records, and the rest silver.
    assert_eq!(
        j["by_grade"],
        serde_json::json!({"bronze": "495.25", "silver": "191628.21", "gold": "3384.94", "gold+": "0.00"})
    );
    let wellby = j["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["proxy"] == "wellby")
        .unwrap();
    assert_eq!(wellby["evidence_type"], "participant-survey");
}

/// The finding with `code`: (rating, what).
fn finding(j: &serde_json::Value, code: &str) -> Option<(String, String)> {
    findings(j)
        .into_iter()
        .find(|(c, _, _)| c == code)
        .map(|(_, r, w)| (r, w))
}

#[test]
fn more_than_half_the_value_on_estimates_is_amber_naming_the_largest_by_their_csv_line() {
    let f = Fixture::new();
    // £359,069.57 of £372,869.57 (96.3%) on an estimate.
    two_rows(&f, "", "own-records");
    submit(&f);
    let (code, j) = review(&f, "sub.toml");
    assert_eq!(code, 0);
    assert_eq!(check_rating(&j, "evidence"), "amber", "{j}");
    let (rating, what) = finding(&j, "evidence.mostly-estimates").unwrap();
    assert_eq!(rating, "amber");
    assert!(
        what.starts_with("96.3% of the value (£359,069.57) rests on estimates (bronze)"),
        "{what}"
    );
    assert!(what.contains("outcomes.csv line 2 (outcome.big)"), "{what}");
    assert!(
        !what.contains("line 3"),
        "only bronze lines are named: {what}"
    );
    assert!(finding(&j, "evidence.grades").is_none());
}

#[test]
fn half_or_less_on_estimates_is_green_with_the_mix_read_back_from_the_submission() {
    let f = Fixture::new();
    // Two lines of £13,800.00: exactly half on an estimate is not more than half.
    f.write(
        "outcomes.csv",
        "proxy,quantity,evidence_type\nhealth.ae-attendance,100,\nhealth.ae-attendance,100,third_party_records\n",
    );
    submit(&f);
    let (_, j) = review(&f, "sub.toml");
    assert!(finding(&j, "evidence.mostly-estimates").is_none(), "{j}");
    let (rating, what) = finding(&j, "evidence.grades").unwrap();
    assert_eq!(rating, "green");
    // The gold line's type travelled in the submission and was used when recomputed.
    assert_eq!(
        what,
        "value by evidence grade: bronze 50%, silver 0%, gold 50%, gold+ 0%"
    );
}

#[test]
fn a_version_3_submission_rests_all_its_value_on_estimates_and_says_why() {
    let f = Fixture::new();
    two_rows(&f, "own-records", "third-party-records");
    let v3: String = submit(&f)
        .lines()
        .filter(|l| !l.starts_with("evidence_type = "))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .replace("format_version = 4", "format_version = 3");
    f.write("v3.toml", &common::refingerprinted(&v3));
    let (_, j) = review(&f, "v3.toml");
    let (rating, what) = finding(&j, "evidence.mostly-estimates").unwrap();
    assert_eq!(rating, "amber");
    assert!(what.starts_with("100.0% of the value"), "{what}");
    assert!(
        what.contains("a format_version 3 file says nothing of evidence"),
        "{what}"
    );
}

#[test]
fn only_the_three_largest_estimates_are_named_then_how_many_more() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity\nhealth.ae-attendance,10\nhealth.ae-attendance,40\nhealth.ae-attendance,20\nhealth.ae-attendance,30\nhealth.ae-attendance,5\n",
    );
    submit(&f);
    let (_, j) = review(&f, "sub.toml");
    let (_, what) = finding(&j, "evidence.mostly-estimates").unwrap();
    // 40, 30 and 20 attendances at £138.00 each, named by their CSV line, largest first.
    assert!(
        what.contains("The largest: outcomes.csv line 3 (health.ae-attendance), £5,520.00; outcomes.csv line 5 (health.ae-attendance), £4,140.00; outcomes.csv line 4 (health.ae-attendance), £2,760.00; and 2 more lines."),
        "{what}"
    );
}

#[test]
fn a_new_project_has_the_evidence_type_column_and_explains_it() {
    let tmp = tempfile::tempdir().unwrap();
    let r = common::run_in(tmp.path(), &["init", "p"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dir = tmp.path().join("p");
    let outcomes = std::fs::read_to_string(dir.join("outcomes.csv")).unwrap();
    assert!(
        outcomes.starts_with("proxy,quantity,")
            && outcomes.lines().next().unwrap().ends_with(",evidence_type"),
        "{outcomes}"
    );
    let toml = std::fs::read_to_string(dir.join("project.toml")).unwrap();
    assert!(toml.contains("evidence_type"), "{toml}");
    let calc = common::run_in(tmp.path(), &["calc", "p", "--format", "json"]);
    assert_eq!(calc.code, 0, "{}", calc.stderr);
    let j = calc.json();
    assert_eq!(j["lines"][0]["origin"]["type"], "outcome");
    assert_eq!(j["lines"][0]["evidence_type"], "estimate");
}

#[test]
fn with_skip_bad_rows_a_row_off_the_scale_is_left_out_and_the_next_keeps_its_own_grade() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity,evidence_type\nhealth.ae-attendance,100,rumour\nhealth.ae-attendance,50,comparison-group\n",
    );
    let r = f.calc(&["--format", "json", "--skip-bad-rows"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["skipped_rows"]["rows"], 1);
    assert_eq!(j["skipped_rows"]["problems"][0]["line"], 2);
    assert_eq!(j["lines"].as_array().unwrap().len(), 1);
    assert_eq!(j["lines"][0]["origin"]["line"], 3);
    assert_eq!(j["lines"][0]["grade"], "gold+");
    assert_eq!(j["by_grade"]["gold+"], "6900.00");
}
