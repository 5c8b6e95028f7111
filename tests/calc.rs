//! `social-value calc` end to end: the worked example to the penny, and each valuation rule.

mod common;

use common::{run, Fixture};
use serde_json::Value;

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// DOMAIN.md's worked example, computed by hand there: PV £359,069.57, NPV £109,069.57, ratio 1.44.
#[test]
fn worked_example_reproduced_to_the_penny() {
    let f = Fixture::new();
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(s(&j["present_value"]), "359069.57");
    assert_eq!(s(&j["net_present_value"]), "109069.57");
    assert_eq!(s(&j["sroi_ratio"]), "1.44");
    assert_eq!(s(&j["investment"]), "250000.00");
    assert_eq!(s(&j["impact_year1"]), "214200.00");
    // 250,000 / (214,200 / 12) = 14.0056 months
    assert_eq!(s(&j["payback_months"]), "14.0");
    let line = &j["lines"][0];
    assert_eq!(s(&line["proxy"]), "outcome.big");
    assert_eq!(s(&line["quantity"]), "60");
    assert_eq!(s(&line["gross"]), "510000.00");
    assert_eq!(s(&line["deadweight_deduction"]), "204000.00");
    assert_eq!(s(&line["attribution_deduction"]), "91800.00");
    assert_eq!(s(&line["years"][1]["impact"]), "149940.00");
    assert_eq!(s(&line["years"][1]["present_value"]), "144869.57");
    assert_eq!(s(&line["years"][0]["discount_factor"]), "1.000000");
    assert_eq!(s(&line["source"]), "DOMAIN.md worked example");
}

#[test]
fn table_output_states_the_headline() {
    let f = Fixture::new();
    let r = f.calc(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("£359,069.57"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("£1.44 of social value for every £1 invested"),
        "{}",
        r.stdout
    );
}

#[test]
fn proxies_are_rebased_to_the_toolkit_price_year() {
    // £138 in 2014 prices × 100 / 80 = £172.50; 10 × 172.50 = 1,725; less 20% deadweight = 1,380.
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity\nhealth.ae-attendance,10\n");
    let j = f.calc(&["--format", "json"]).json();
    let line = &j["lines"][0];
    assert_eq!(s(&line["rebased_unit_value"]), "172.500000");
    assert_eq!(s(&line["price_index"]["from"]), "80");
    assert_eq!(s(&line["gross"]), "1725.00");
    assert_eq!(s(&line["present_value"]), "1380.00");
    assert_eq!(s(&j["by_beneficiary"]["NHS"]), "1380.00");
    assert_eq!(s(&j["by_kind"]["fiscal"]), "1380.00");
    assert_eq!(s(&j["by_theme"]["health"]), "1380.00");
    // The table shows workings a calculator reproduces exactly.
    let table = f.calc(&[]).stdout;
    assert!(
        table.contains("10 × £138.00 per attendance (2014 prices) × 100 ÷ 80 = £1,725.00 gross"),
        "{table}"
    );
}

#[test]
fn override_with_reason_is_used_and_recorded() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity,deadweight,reason\nhealth.ae-attendance,10,50%,half would have been fine anyway\n");
    let j = f.calc(&["--format", "json"]).json();
    let line = &j["lines"][0];
    assert_eq!(s(&line["deadweight"]), "0.5");
    assert_eq!(line["overridden"], serde_json::json!(["deadweight"]));
    assert_eq!(s(&line["present_value"]), "862.50");
    assert_eq!(s(&line["reason"]), "half would have been fine anyway");
}

#[test]
fn harms_reduce_the_total() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity\noutcome.big,60\nharm.complaint,3\n",
    );
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(s(&j["harms"]), "-300.00");
    assert_eq!(s(&j["present_value"]), "358769.57");
}

#[test]
fn unvalued_outputs_are_kept_not_dropped() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity,note\noutcome.big,60,\n,120,people came to the lunch club\n",
    );
    let r = f.calc(&["--format", "json"]);
    let j = r.json();
    assert_eq!(s(&j["present_value"]), "359069.57");
    assert_eq!(
        s(&j["unvalued"][0]["note"]),
        "people came to the lunch club"
    );
    assert_eq!(s(&j["unvalued"][0]["quantity"]), "120");
    assert!(f
        .calc(&[])
        .stdout
        .contains("120 people came to the lunch club"));
}

const LOG: &str = "date,volunteer,role,hours\n2024-04-02,Alice Example,Befriender,2\n03/05/2024,Bob Example,befriender ,1.5\n2025-03-31,Alice Example,driver,4\n";

fn with_volunteers(counted_as: &str) -> Fixture {
    let f = Fixture::new();
    f.write("hours.csv", LOG);
    f.add_to_project(&format!(
        "\n[volunteering]\nfile = \"hours.csv\"\nas = \"{counted_as}\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\ndriver = \"volunteer.hour\"\n"
    ));
    f
}

#[test]
fn volunteer_time_counted_as_value() {
    // 7.5 hours × (£10 × 100/80 = £12.50) = £93.75, year 1 undiscounted.
    let j = with_volunteers("value").calc(&["--format", "json"]).json();
    assert_eq!(s(&j["volunteer_hours"]), "7.5");
    assert_eq!(j["volunteers"], 2);
    assert_eq!(s(&j["by_kind"]["volunteering"]), "93.75");
    assert_eq!(s(&j["present_value"]), "359163.32");
    assert_eq!(s(&j["investment"]), "250000.00");
    let roles = &j["volunteering"]["by_role"];
    assert_eq!(s(&roles[0]["hours"]), "3.5");
    assert_eq!(roles[0]["volunteers"], 2);
    assert_eq!(roles[1]["volunteers"], 1);
}

#[test]
fn volunteer_time_counted_as_input() {
    let j = with_volunteers("input").calc(&["--format", "json"]).json();
    assert_eq!(s(&j["by_kind"]["volunteering"]), "0.00");
    assert_eq!(s(&j["investment_in_kind"]), "93.75");
    assert_eq!(s(&j["investment"]), "250093.75");
    assert_eq!(s(&j["present_value"]), "359069.57");
    assert!(s(&j["investment_lines"][1]["source"]).contains("Volunteer time, befriender"));
}

#[test]
fn volunteer_names_never_leave_the_machine() {
    let f = with_volunteers("value");
    for format in ["table", "json", "csv"] {
        let r = f.calc(&["--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        for name in ["Alice", "Bob"] {
            assert!(
                !r.stdout.contains(name) && !r.stderr.contains(name),
                "{name} leaked in {format}"
            );
        }
    }
}

const STORIES: &str = "id,title,text,tags,consent\nS1,Saved a trip,I did not need A&E,avoided-ae;less-lonely,yes\nS2,Private,SECRET WORDS,avoided-ae,no\nS3,Another,Also avoided A&E,Avoided-AE,Yes\n";

#[test]
fn consented_stories_value_unclaimed_proxies_once_each() {
    let f = Fixture::new();
    f.write("stories.csv", STORIES);
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    let j = f.calc(&["--format", "json"]).json();
    // Two consented stories × £172.50 × 0.8 = £276.00; the one without consent adds nothing.
    let line = j["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["proxy"] == "health.ae-attendance")
        .unwrap();
    assert_eq!(s(&line["quantity"]), "2");
    assert_eq!(s(&line["present_value"]), "276.00");
    assert_eq!(line["origin"]["ids"], serde_json::json!(["S1", "S3"]));
    assert_eq!(j["stories_withheld"], 1);
    assert_eq!(j["stories_shared"], 2);
}

#[test]
fn stories_evidence_a_claimed_proxy_without_double_counting() {
    let f = Fixture::new();
    f.write("stories.csv", STORIES);
    f.write("outcomes.csv", "proxy,quantity\nhealth.ae-attendance,10\n");
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(j["lines"].as_array().unwrap().len(), 1);
    assert_eq!(s(&j["present_value"]), "1380.00");
    assert_eq!(j["lines"][0]["evidence"], serde_json::json!(["S1", "S3"]));
}

#[test]
fn stories_without_consent_never_appear() {
    let f = Fixture::new();
    f.write("stories.csv", STORIES);
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    for format in ["table", "json", "csv"] {
        let r = f.calc(&["--format", format]);
        assert!(
            !r.stdout.contains("SECRET") && !r.stdout.contains("Private"),
            "{format}: {}",
            r.stdout
        );
    }
}

#[test]
fn same_input_gives_byte_identical_output() {
    for format in ["table", "json", "csv"] {
        let a = run(&[
            "calc",
            "examples/oakfield-cvs/project.toml",
            "--format",
            format,
        ]);
        let b = run(&[
            "calc",
            "examples/oakfield-cvs/project.toml",
            "--format",
            format,
        ]);
        assert_eq!(a.code, 0, "{}", a.stderr);
        assert_eq!(a.stdout, b.stdout, "{format} output differs between runs");
    }
}

fn pennies(v: &Value) -> i64 {
    let t = s(v).replace('.', "");
    t.parse().unwrap()
}

#[test]
fn bundled_example_totals_trace_to_cited_lines() {
    let r = run(&[
        "calc",
        "examples/oakfield-cvs/project.toml",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let lines = j["lines"].as_array().unwrap();
    assert!(lines.len() >= 10, "ten lines expected, got {}", lines.len());
    for l in lines {
        for key in ["source", "url", "licence"] {
            assert!(!s(&l[key]).is_empty(), "line {} has no {key}", l["number"]);
        }
    }
    // Lines are rounded one by one, so their sum may differ from the total by half a penny
    // each; transfer lines are outside the total, in `transfers`.
    let sum_of = |transfer: bool| -> i64 {
        lines
            .iter()
            .filter(|l| l["transfer"] == transfer)
            .map(|l| pennies(&l["present_value"]))
            .sum()
    };
    let total = pennies(&j["present_value"]);
    let sum = sum_of(false);
    assert!(
        (total - sum).abs() <= lines.len() as i64,
        "total {total} vs lines {sum}"
    );
    assert_eq!(pennies(&j["transfers"]), sum_of(true));
    assert!(sum_of(true) > 0, "the example shows a transfer");
    let by_kind: i64 = j["by_kind"]
        .as_object()
        .unwrap()
        .values()
        .map(pennies)
        .sum();
    assert!((total - by_kind).abs() <= 4);
    // The log was generated with 2,537.5 hours by 36 volunteers (examples/oakfield-cvs).
    assert_eq!(s(&j["volunteer_hours"]), "2537.5");
    assert_eq!(j["volunteers"], 36);
    assert_eq!(j["stories_withheld"], 2);
    assert_eq!(j["unvalued"].as_array().unwrap().len(), 4);
}

#[test]
fn csv_output_has_one_row_per_line() {
    let r = run(&[
        "calc",
        "examples/oakfield-cvs/project.toml",
        "--format",
        "csv",
    ]);
    let json = run(&[
        "calc",
        "examples/oakfield-cvs/project.toml",
        "--format",
        "json",
    ])
    .json();
    let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
    let header = rdr.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), json["lines"].as_array().unwrap().len());
    for (row, line) in rows.iter().zip(json["lines"].as_array().unwrap()) {
        assert_eq!(&row[col("present_value")], s(&line["present_value"]));
        assert_eq!(&row[col("index_from")], s(&line["price_index"]["from"]));
    }
}

#[test]
fn volunteers_are_counted_once_whatever_the_case_or_spacing_of_their_name() {
    let f = Fixture::new();
    f.write("hours.csv", "date,volunteer,role,hours\n2024-05-01,Ann Lee,befriender,1\n2024-05-02,ann lee,befriender,1\n2024-05-03,ANN  LEE,befriender,1\n2024-05-04,Bo Ng,befriender,1\n");
    f.add_to_project("\n[volunteering]\nfile = \"hours.csv\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n");
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(j["volunteers"], 2);
    assert_eq!(j["volunteer_hours"], "4");
}

#[test]
fn hours_are_split_by_role_and_month() {
    let j = with_volunteers("value").calc(&["--format", "json"]).json();
    let v = &j["volunteering"];
    assert_eq!(v["months"].as_array().unwrap().len(), 12);
    assert_eq!(v["months"][0], "2024-04");
    let befriender = &v["by_role"][0]["by_month"];
    // 2 hours on 2 April, 1.5 on 3 May; the driver's 4 hours fall in March 2025.
    assert_eq!(befriender[0], "2");
    assert_eq!(befriender[1], "1.5");
    assert_eq!(v["by_role"][1]["by_month"][11], "4");
}

#[test]
fn a_story_naming_a_volunteer_is_pointed_out_without_repeating_the_name() {
    let f = with_volunteers("value");
    f.write("stories.csv", "id,title,text,tags,consent\nS1,Thanks,Alice came every week and I felt less alone,less-lonely,yes\nS2,Quiet,Nobody named here,less-lonely,yes\n");
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("story S1 mentions a volunteer from the volunteer log by name"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("S2 mentions"));
    let warnings = r.json()["warnings"].to_string();
    assert!(
        warnings.contains("S1") && !warnings.contains("Alice"),
        "{warnings}"
    );
}

/// `calc --format json` writes its lines one at a time: the bytes are those of the whole
/// result made as one JSON value and printed.
#[test]
fn json_written_line_by_line_is_the_json_of_the_whole_result() {
    use social_value::{project::ReadOptions, report::json, value::at::value_project};
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield-cvs");
    let (v, _) = value_project(&example, None, ReadOptions::default(), None).unwrap();
    assert!(v.lines.len() > 10);
    let whole = serde_json::to_string_pretty(&json::to_value(&v)).unwrap() + "\n";
    assert_eq!(json::render(&v), whole);
    let f = Fixture::new();
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["lines"][0]["number"], 1);
}
