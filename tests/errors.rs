//! Bad input as a new user makes it: each gets a message naming file, line and column,
//! exit status 1, nothing on stdout, and never a panic.

mod common;

use common::{run, Fixture};

#[test]
fn missing_project_file() {
    run(&["calc", "no/such/project.toml"])
        .fails_with(&["cannot read no/such/project.toml: no such file", "help:"]);
}

#[test]
fn missing_data_file_named_in_project() {
    let f = Fixture::new();
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    f.calc(&[]).fails_with(&["stories.csv: no such file"]);
}

#[test]
fn typo_in_proxy_id_suggests_the_nearest() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity\nhealth.ae-atendance,10\n");
    f.calc(&[]).fails_with(&[
        "proxy \"health.ae-atendance\" is not in toolkit test-kit",
        "outcomes.csv:2:1 (column \"proxy\")",
        "did you mean \"health.ae-attendance\"?",
    ]);
}

#[test]
fn typo_in_role_proxy_points_into_project_toml() {
    let f = Fixture::new();
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n2024-05-01,A,befriender,2\n",
    );
    f.add_to_project("\n[volunteering]\nfile = \"hours.csv\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunter.hour\"\n");
    f.calc(&[])
        .fails_with(&["project.toml:22:14", "did you mean \"volunteer.hour\"?"]);
}

#[test]
fn unquoted_comma_in_a_csv_number_is_explained() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity\noutcome.big,1,200\n");
    f.calc(&[]).fails_with(&[
        "line 2 has 3 values but the header names 2 columns",
        "outcomes.csv:2:3",
        "write 1200",
    ]);
}

#[test]
fn quoted_thousands_separator_is_accepted() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity\nhealth.ae-attendance,\"1,200\"\n",
    );
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["lines"][0]["quantity"], "1200");
}

#[test]
fn comma_in_a_toml_number_is_explained() {
    let f = Fixture::new();
    let p = std::fs::read_to_string(f.path("project.toml"))
        .unwrap()
        .replace("amount = 250000", "amount = 250,000");
    f.write("project.toml", &p);
    f.calc(&[]).fails_with(&[
        "project.toml:13:13",
        "numbers in TOML are written without commas",
    ]);
}

#[test]
fn utf8_bom_and_windows_1252_from_excel_are_read() {
    let f = Fixture::new();
    f.write_bytes(
        "outcomes.csv",
        b"\xEF\xBB\xBFproxy,quantity\noutcome.big,60\n",
    );
    // Windows-1252: "Zo\xEB" is Zoë and "caf\xE9 helper" is café helper.
    f.write_bytes("hours.csv", b"Date,Volunteer,Role,Hours\r\n2024-05-01,Zo\xEB,caf\xE9 helper,2\r\n2024-05-02,Zo\xEB,Caf\xC9 Helper,1\r\n,,,\r\n");
    f.add_to_project("\n[volunteering]\nfile = \"hours.csv\"\nas = \"value\"\n[volunteering.roles]\n\"café helper\" = \"volunteer.hour\"\n");
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["volunteer_hours"], "3");
    assert_eq!(j["volunteers"], 1);
    assert_eq!(j["present_value"], "359107.07");
}

#[test]
fn empty_csv_is_an_error() {
    let f = Fixture::new();
    f.write("outcomes.csv", "");
    f.calc(&[])
        .fails_with(&["outcomes.csv is empty", "proxy,quantity"]);
}

#[test]
fn utf16_csv_is_refused_with_a_way_out() {
    let f = Fixture::new();
    f.write_bytes("outcomes.csv", b"\xFF\xFEp\0r\0");
    f.calc(&[]).fails_with(&["UTF-16", "CSV UTF-8"]);
}

#[test]
fn every_bad_row_in_the_log_is_reported_in_one_run() {
    let f = Fixture::new();
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n2024-05-01,A,befriender,-2\n2024-05-02,B,befreinder,1\n2023-05-03,C,befriender,1\n2024-05-04,D,befriender,two\n2024-05-05,E,befriender,3\n",
    );
    f.add_to_project("\n[volunteering]\nfile = \"hours.csv\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n");
    let r = f.calc(&[]);
    r.fails_with(&[
        "hours -2 is negative",
        "hours.csv:2:4 (column \"hours\")",
        "role \"befreinder\" is not listed in [volunteering.roles]",
        "hours.csv:3:3 (column \"role\")",
        "did you mean \"befriender\"?",
        "date 2023-05-03 is outside the period 2024-04-01 to 2025-03-31",
        "hours.csv:4:1",
        "\"two\" is not a number",
        "4 problems found; nothing was calculated.",
    ]);
}

#[test]
fn missing_column_names_the_expected_header() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,qty\noutcome.big,60\n");
    f.calc(&[]).fails_with(&[
        "column \"qty\" is not used",
        "required column \"quantity\" is missing",
        "proxy,quantity,deadweight",
    ]);
}

#[test]
fn changing_an_adjustment_needs_a_reason() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity,deadweight,reason\noutcome.big,60,0.1,\n",
    );
    f.calc(&[]).fails_with(&[
        "changes the toolkit's deadweight for outcome.big but gives no reason",
        "outcomes.csv:2:4",
    ]);
}

#[test]
fn percentages_out_of_range_are_refused() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity,attribution,reason\noutcome.big,60,30,shared\n",
    );
    f.calc(&[]).fails_with(&[
        "attribution must be between 0 and 1, found 30",
        "write 0.3 or 30%",
    ]);
}

#[test]
fn row_with_neither_proxy_nor_note_is_an_error() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity,note\n,12,\n");
    f.calc(&[])
        .fails_with(&["proxy is empty and there is no note", "outcomes.csv:2:1"]);
}

#[test]
fn negative_quantity_is_refused() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity\noutcome.big,-5\n");
    f.calc(&[])
        .fails_with(&["quantity -5 is negative", "negative"]);
}

#[test]
fn consent_must_be_yes_or_no_and_tags_must_exist() {
    let f = Fixture::new();
    f.write(
        "stories.csv",
        "id,title,text,tags,consent\nS1,T,Words,less-lonley,maybe\n",
    );
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    f.calc(&[]).fails_with(&[
        "consent \"maybe\" is not yes or no",
        "stories.csv:2:5",
        "tag \"less-lonley\"",
        "did you mean \"less-lonely\"?",
    ]);
}

#[test]
fn unknown_project_field_is_not_ignored() {
    let f = Fixture::new();
    f.add_to_project(
        "\n[volunteering]\nfile = \"hours.csv\"\nas = \"value\"\nroles = {}\nhours_per_week = 3\n",
    );
    f.calc(&[])
        .fails_with(&["unknown field `hours_per_week`", "project.toml:"]);
}

#[test]
fn volunteering_must_say_how_time_is_counted() {
    let f = Fixture::new();
    f.add_to_project(
        "\n[volunteering]\nfile = \"hours.csv\"\n[volunteering.roles]\nx = \"volunteer.hour\"\n",
    );
    f.calc(&[]).fails_with(&["missing field `as`"]);
}

#[test]
fn toolkit_of_another_name_is_refused() {
    let f = Fixture::new();
    f.write(
        "other.toml",
        &common::TOOLKIT.replace("id = \"test-kit\"", "id = \"other-kit\""),
    );
    let r = f.calc(&["--toolkit", f.path("other.toml").to_str().unwrap()]);
    r.fails_with(&[
        "the project uses toolkit \"test-kit\"",
        "\"other-kit\"",
        "project.toml:1:11",
    ]);
}

#[test]
fn binary_garbage_does_not_panic() {
    let f = Fixture::new();
    f.write_bytes(
        "outcomes.csv",
        &[0x00, 0x9F, 0x92, 0x96, 0xFF, 0x00, 0x0A, 0x01],
    );
    let r = f.calc(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
    f.write_bytes("project.toml", &[0x00, 0x9F, 0x92, 0x96]);
    f.calc(&[]).fails_with(&["binary data"]);
}

// ---- toolkit validation ----

fn broken_toolkit(from: &str, to: &str) -> common::Run {
    let f = Fixture::new();
    assert!(common::TOOLKIT.contains(from), "fixture lacks {from}");
    f.write("test-kit.toml", &common::TOOLKIT.replacen(from, to, 1));
    f.calc(&[])
}

#[test]
fn toolkit_fraction_out_of_range_points_at_the_value() {
    broken_toolkit("deadweight = 0.4", "deadweight = 40").fails_with(&[
        "deadweight must be between 0 and 1, found 40",
        "test-kit.toml:29:14",
        "write it as a fraction: 0.4 for 40%",
    ]);
}

#[test]
fn toolkit_duplicate_ids_are_refused() {
    broken_toolkit("id = \"harm.complaint\"", "id = \"health.ae-attendance\"")
        .fails_with(&["proxy id \"health.ae-attendance\" is used twice"]);
}

#[test]
fn toolkit_price_year_must_be_indexed() {
    broken_toolkit("price_year = 2014", "price_year = 2013")
        .fails_with(&["priced in 2013, which has no entry in [price_index]"]);
}

#[test]
fn toolkit_low_must_not_exceed_value() {
    broken_toolkit("low = 7000", "low = 9000").fails_with(&["low 9000 is above the value 8500"]);
}

#[test]
fn toolkit_tag_proxy_must_exist() {
    broken_toolkit(
        "proxy = \"health.ae-attendance\"",
        "proxy = \"health.ae-atendance\"",
    )
    .fails_with(&[
        "tag \"avoided-ae\" names proxy \"health.ae-atendance\"",
        "did you mean \"health.ae-attendance\"?",
    ]);
}

#[test]
fn toolkit_source_is_required() {
    broken_toolkit("source = \"Invented harm for tests\"\n", "")
        .fails_with(&["missing field `source`"]);
}

#[test]
fn toolkit_problems_are_all_listed_together() {
    let f = Fixture::new();
    let t = common::TOOLKIT
        .replacen("deadweight = 0.4", "deadweight = 2", 1)
        .replacen("duration = 2", "duration = 0", 1)
        .replacen(
            "url = \"https://example.org/ae\"",
            "url = \"example.org\"",
            1,
        );
    f.write("test-kit.toml", &t);
    f.calc(&[]).fails_with(&[
        "deadweight must be between 0 and 1",
        "duration must be a whole number of years from 1 to 30",
        "is not a web address",
        "3 problems found",
    ]);
}

#[test]
fn bundled_toolkit_is_valid() {
    let r = run(&["toolkit", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("uk-core"));
}

#[test]
fn problems_in_several_files_are_listed_together() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity\nno.such-proxy,1\n");
    f.write(
        "stories.csv",
        "id,title,text,tags,consent\nS1,T,Words,,perhaps\n",
    );
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    f.calc(&[])
        .fails_with(&["outcomes.csv:2:1", "stories.csv:2:5", "2 problems found"]);
}

#[test]
fn toolkit_key_after_a_table_gets_a_hint() {
    let f = Fixture::new();
    let p = std::fs::read_to_string(f.path("project.toml"))
        .unwrap()
        .replacen("toolkit = \"test-kit\"\n", "", 1);
    f.write("project.toml", &(p + "toolkit = \"test-kit\"\n"));
    f.calc(&[])
        .fails_with(&["toolkit", "at the top of the file"]);
}

#[test]
fn a_folder_stands_for_its_project_toml() {
    let f = Fixture::new();
    let r = common::run_in(f.dir.path(), &["calc", ".", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["present_value"], "359069.57");
}

#[test]
fn line_numbers_are_right_for_windows_and_old_mac_files_and_blank_lines() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity\r\noutcome.big,60\r\n\r\noutcome.big,-1\r\n",
    );
    f.calc(&[]).fails_with(&["outcomes.csv:4:2"]);
    f.write(
        "outcomes.csv",
        "proxy,quantity\routcome.big,60\r\routcome.big,-1\r",
    );
    f.calc(&[]).fails_with(&["outcomes.csv:4:2"]);
}

#[test]
fn a_quote_never_closed_is_an_error_not_a_swallowed_file() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity,note\noutcome.big,60,\"unclosed note\noutcome.big,1,\noutcome.big,2,\n",
    );
    f.calc(&[]).fails_with(&["outcomes.csv:2", "never closed"]);
}

#[test]
fn a_value_under_a_blank_heading_is_not_ignored() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity,\noutcome.big,60,0.5\n");
    f.calc(&[]).fails_with(&[
        "outcomes.csv:2:3",
        "value in column 3, which has no heading",
    ]);
}

#[test]
fn a_file_without_a_header_is_not_quoted_back() {
    let f = Fixture::new();
    f.write("hours.csv", "2024-05-01,Bob Secretname,befriender,2\n");
    f.add_to_project("\n[volunteering]\nfile = \"hours.csv\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n");
    let r = f.calc(&[]);
    r.fails_with(&[
        "the first row does not name any of the expected columns",
        "date,volunteer,role,hours",
    ]);
    assert!(
        !r.stderr.to_lowercase().contains("secretname"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_date_that_is_not_a_date_is_named_plainly() {
    let f = Fixture::new();
    let p = std::fs::read_to_string(f.path("project.toml"))
        .unwrap()
        .replace("start = 2024-04-01", "start = 20240401");
    f.write("project.toml", &p);
    f.calc(&[])
        .fails_with(&["expected a date, like 2024-04-01", "project.toml:8:9"]);
}

#[test]
fn a_reason_on_an_unvalued_row_is_not_dropped() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity,reason,note\n,5,we think these are worth a lot,people helped\n",
    );
    f.calc(&[])
        .fails_with(&["no proxy but gives reason", "outcomes.csv:2:1"]);
}

#[test]
fn every_problem_in_an_outcome_row_is_listed() {
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity,deadweight\nhelth.ae,-5,40\n",
    );
    f.calc(&[]).fails_with(&[
        "proxy \"helth.ae\" is not in toolkit",
        "quantity -5 is negative",
        "deadweight must be between 0 and 1",
        "3 problems found",
    ]);
}

#[test]
fn harms_outweighing_benefits_are_said_plainly_and_do_not_crash_the_table() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity\nharm.complaint,5\n");
    let r = f.calc(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("the harms outweigh the benefits"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_folder_where_a_csv_should_be_is_named() {
    let f = Fixture::new();
    std::fs::remove_file(f.path("outcomes.csv")).unwrap();
    std::fs::create_dir(f.path("outcomes.csv")).unwrap();
    f.calc(&[])
        .fails_with(&["outcomes.csv is a folder, not a file"]);
}
