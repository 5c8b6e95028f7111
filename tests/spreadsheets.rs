//! Spreadsheets in, and the forgiving-but-strict reading of a small charity's files (issue 8):
//! exports from Excel and LibreOffice give the same result as clean CSV; every problem in a
//! file is reported in one run; US-style dates and repeated rows are caught.

mod common;
use common::Fixture;

const CLEAN_HOURS: &str = "date,volunteer,role,hours
2024-04-01,Ann Lee,befriender,2
2024-04-02,Bob Ray,befriender,1.5
2024-04-03,ann lee,befriender,3
2024-04-15,Cy Dee,befriender,2.25
2024-05-20,Bob Ray,befriender,4
2024-05-21,Ann Lee,befriender,1
";

const CLEAN_OUTCOMES: &str = "proxy,quantity,note
outcome.big,60,worked example
health.ae-attendance,1200,from the hospital's letter
";

fn volunteering(file: &str) -> String {
    format!("\n[volunteering]\nfile = \"{file}\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n")
}

/// A fixture whose project reads hours from `hours` and outcomes from `outcomes`.
fn project(hours: &str, outcomes: &str) -> Fixture {
    let f = Fixture::new();
    f.write("hours.csv", CLEAN_HOURS);
    f.write("outcomes.csv", CLEAN_OUTCOMES);
    for name in ["messy-export.xlsx", "messy-export.ods"] {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        std::fs::copy(from, f.path(name)).expect("copy fixture");
    }
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write(
        "project.toml",
        &p.replace("file = \"outcomes.csv\"", &format!("file = \"{outcomes}\"")),
    );
    f.add_to_project(&volunteering(hours));
    f
}

fn clean_result() -> String {
    let r = project("hours.csv", "outcomes.csv").calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn an_excel_export_gives_the_same_result_as_the_clean_csv() {
    // messy-export.xlsx (made by openpyxl, see make_spreadsheets.py) has a date cell, a
    // date-time cell, "02/04/2024" and "2024-05-20 14:00" as text, a serial 45385, headers
    // " Date " and "ROLE", an empty column, a "1,200.00" text cell and a blank last row.
    let clean = clean_result();
    let f = project("messy-export.xlsx#Hours", "messy-export.xlsx#Outcomes");
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, clean);
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["volunteer_hours"], "13.75", "{v}");
    assert_eq!(v["volunteers"], 3, "{v}");
}

#[test]
fn a_libreoffice_export_gives_the_same_result_as_the_clean_csv() {
    let clean = clean_result();
    let f = project("messy-export.ods#Hours", "messy-export.ods#Outcomes");
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, clean);
}

#[test]
fn the_first_sheet_is_read_unless_one_is_named_and_a_wrong_name_lists_the_sheets() {
    // With no sheet named, the first ("Hours") is read.
    let f = project("messy-export.xlsx", "outcomes.csv");
    assert_eq!(f.calc(&["--format", "json"]).stdout, clean_result());
    let f = project("messy-export.xlsx#Hour", "outcomes.csv");
    f.calc(&[]).fails_with(&[
        "has no sheet called \"Hour\"",
        "its sheets are: Hours, Outcomes",
    ]);
}

/// Writes an .xlsx of `rows` (the first is the header) on sheet "Log".
fn xlsx(f: &Fixture, name: &str, rows: &[&[&str]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Log").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) => sheet.write_number(r as u32, c as u16, n).unwrap(),
                Err(_) => sheet.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    book.save(f.path(name)).unwrap();
}

#[test]
fn four_distinct_errors_are_all_reported_in_one_run_with_file_line_and_column() {
    let f = project("hours.csv", "outcomes.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role,hours
2024-04-01,Ann Lee,befriender,-2
2024-04-02,Bob Ray,befriender,two
2024-04-03,Cy Dee,dog walker,1
2023-04-04,Di Eve,befriender,1
2024-04-05,Ed Fox,befriender,1
",
    );
    let r = f.calc(&[]);
    r.fails_with(&[
        "hours.csv:2:4 (column \"hours\")",
        "hours -2 is negative",
        "hours.csv:3:4 (column \"hours\")",
        "\"two\" is not a number",
        "hours.csv:4:3 (column \"role\")",
        "role \"dog walker\" is not listed",
        "hours.csv:5:1 (column \"date\")",
        "date 2023-04-04 is outside the period",
        "4 problems found",
    ]);
}

#[test]
fn errors_in_a_spreadsheet_name_the_sheet_row_and_cell() {
    let f = project("log.xlsx#Log", "outcomes.csv");
    xlsx(
        &f,
        "log.xlsx",
        &[
            &["Date", "Volunteer", "Role", "Hours"],
            &["2024-04-01", "Ann Lee", "befriender", "2"],
            &["2024-04-02", "Bob Ray", "dog walker", "1"],
            &["2024-04-03", "Cy Dee", "befriender", "-1"],
        ],
    );
    f.calc(&[]).fails_with(&[
        "log.xlsx#Log:3:3 (column \"role\") (cell C3)",
        "log.xlsx#Log:4:4 (column \"hours\") (cell D4)",
        "2 problems found",
    ]);
}

#[test]
fn us_style_dates_are_refused_naming_the_rows_that_could_be_misread() {
    let f = project("hours.csv", "outcomes.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role,hours
04/05/2024,Ann Lee,befriender,2
04/13/2024,Bob Ray,befriender,1
06/07/2024,Cy Dee,befriender,1
",
    );
    f.calc(&[]).fails_with(&[
        "some dates can only be read month first (US style), on lines 3",
        "the dates on lines 2, 4 could mean either day or month first",
        "yyyy-mm-dd",
    ]);
}

#[test]
fn a_log_whose_dates_never_settle_the_order_is_read_day_first_with_a_warning() {
    let f = project("hours.csv", "outcomes.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n04/05/2024,Ann Lee,befriender,2\n",
    );
    let r = f.calc(&["--format", "json"]);
    r.warns(&["warning: every slashed date could be read day first or month first (lines 2)"]);
    // Read as 4 May 2024: the hours fall in May.
    let by_month = &r.json()["volunteering"]["by_role"][0]["by_month"];
    assert_eq!(by_month[0], "0", "{by_month}");
    assert_eq!(by_month[1], "2", "{by_month}");
}

#[test]
fn an_identical_row_is_a_warning_naming_both_lines_not_an_error() {
    let f = project("hours.csv", "outcomes.csv");
    // Line 4 repeats line 2 (spaces around cells aside); line 5 differs in hours and line 6 in
    // the spelling of the name, so neither is identical.
    f.write(
        "hours.csv",
        "date,volunteer,role,hours
2024-04-01,Ann Lee,befriender,2
2024-04-02,Bob Ray,befriender,1
2024-04-01, Ann Lee ,befriender,2
2024-04-01,Ann Lee,befriender,3
2024-04-01,ann lee,befriender,2
",
    );
    f.write(
        "outcomes.csv",
        "proxy,quantity\noutcome.big,60\noutcome.big,60\n",
    );
    let r = f.calc(&["--format", "json"]);
    r.warns(&[
        "warning: line 4 repeats line 2 exactly: a likely duplicate",
        "outcomes.csv:3",
        "warning: line 3 repeats line 2 exactly",
    ]);
    assert!(!r.stderr.contains("line 5 repeats"), "{}", r.stderr);
    assert!(!r.stderr.contains("line 6 repeats"), "{}", r.stderr);
    // Every copy still counts: two identical sessions can be real.
    assert_eq!(r.json()["volunteer_hours"], "10");
}

const HOURS_WITH_TWO_BAD_ROWS: &str = "date,volunteer,role,hours
2024-04-01,Ann Lee,befriender,2
2024-04-02,Smith,Bob Secretname,2
2024-04-03,Cy Dee,befriender,lots
2024-04-04,Di Eve,befriender,3
";

#[test]
fn without_skip_bad_rows_nothing_is_valued_until_the_input_is_clean() {
    let f = project("hours.csv", "outcomes.csv");
    f.write("hours.csv", HOURS_WITH_TWO_BAD_ROWS);
    f.calc(&[])
        .fails_with(&["hours.csv:3:3", "hours.csv:4:4", "2 problems found"]);
}

#[test]
fn skip_bad_rows_values_the_rest_and_lists_every_row_left_out() {
    let f = project("hours.csv", "outcomes.csv");
    f.write("hours.csv", HOURS_WITH_TWO_BAD_ROWS);
    let r = f.calc(&["--format", "json", "--skip-bad-rows"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["volunteer_hours"], "5", "only the good rows count");
    assert_eq!(v["skipped_rows"]["rows"], 2);
    let problems = v["skipped_rows"]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0]["line"], 3);
    assert_eq!(problems[0]["column"], "role");
    assert_eq!(problems[1]["line"], 4);
    assert_eq!(problems[1]["column"], "hours");
    assert!(
        r.stderr
            .contains("2 rows with problems left out (--skip-bad-rows)"),
        "{}",
        r.stderr
    );

    let table = f.calc(&["--skip-bad-rows"]);
    assert!(
        table
            .stdout
            .contains("DRAFT: 2 rows with problems were left out"),
        "{}",
        table.stdout
    );

    let (r, out) = f.report(&["--skip-bad-rows"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for page in ["report.html", "report.md"] {
        let text = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(text.contains("Draft:"), "{page}");
        assert!(
            text.contains("Rows left out because they had problems"),
            "{page}"
        );
        assert!(text.contains("hours.csv"), "{page}");
        // A name that slipped into the role column is not repeated in the report.
        assert!(!text.contains("Secretname"), "{page} leaks a name");
    }
    let csv = std::fs::read_to_string(out.join("tables/skipped_rows.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(!csv.contains("Secretname"));
}

#[test]
fn a_clean_report_has_no_draft_notice() {
    let f = project("hours.csv", "outcomes.csv");
    let (r, out) = f.report(&["--skip-bad-rows"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("Draft:"));
    assert!(!out.join("tables/skipped_rows.csv").exists());
}

#[test]
fn skip_bad_rows_never_skips_a_problem_with_the_whole_file() {
    let f = project("hours.csv", "outcomes.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role\n2024-04-01,Ann Lee,befriender\n",
    );
    f.calc(&["--skip-bad-rows"])
        .fails_with(&["the required column \"hours\" is missing"]);
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n04/13/2024,Ann Lee,befriender,1\n",
    );
    f.calc(&["--skip-bad-rows"])
        .fails_with(&["month first (US style)"]);
}
