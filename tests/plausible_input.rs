//! Plausible input (issue 18): what a hurried coordinator types or a spreadsheet stores is
//! read as meant or refused with a way out: durations as hours, money in a count refused, a
//! day of more than 24 hours refused, float noise taken at the value shown, one message per
//! cause, `--skip-bad-rows` as clear as without it, and number limits said in plain words.

mod common;
use common::Fixture;
use rust_xlsxwriter::{Format, Workbook};
use std::io::Write;

fn volunteering(file: &str) -> String {
    format!("\n[volunteering]\nfile = \"{file}\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\ndriver = \"volunteer.hour\"\ntrustee = \"volunteer.hour\"\n")
}

/// A project whose volunteer log is `file` (written by the caller).
fn project_with_log(file: &str) -> Fixture {
    let f = Fixture::new();
    f.add_to_project(&volunteering(file));
    f
}

/// An .xlsx log: a header, then (date, volunteer, role) and the hours cell as a number shown
/// in `format` (`None`: General).
fn xlsx_log(rows: &[(&str, &str, &str, f64, Option<&str>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["date", "volunteer", "role", "hours"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (date, name, role, hours, format)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *date).unwrap();
        sheet.write_string(r, 1, *name).unwrap();
        sheet.write_string(r, 2, *role).unwrap();
        match format {
            Some(f) => {
                let f = Format::new().set_num_format(*f);
                sheet.write_number_with_format(r, 3, *hours, &f).unwrap()
            }
            None => sheet.write_number(r, 3, *hours).unwrap(),
        };
    }
    book.save_to_buffer().unwrap()
}

/// A zip holding `files` (name, contents), deflated.
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            z.start_file(*name, opts).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

/// An .ods whose one sheet holds `rows` of ready-made `<table:table-cell>` elements.
fn ods_of(rows: &[String]) -> Vec<u8> {
    let ns = "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"";
    let body: String = rows
        .iter()
        .map(|r| format!("<table:table-row>{r}</table:table-row>"))
        .collect();
    let content = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content {ns} office:version=\"1.2\"><office:body><office:spreadsheet><table:table table:name=\"Hours\">{body}</table:table></office:spreadsheet></office:body></office:document-content>");
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>";
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

fn text_cell(t: &str) -> String {
    format!(
        "<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>"
    )
}

fn ods_header() -> String {
    ["date", "volunteer", "role", "hours"]
        .iter()
        .map(|h| text_cell(h))
        .collect()
}

// 1. Durations and times.

/// 1:30 in `[h]:mm` is stored as 0.0625 of a day: 1.5 hours, not 0.0625. So are `h:mm`,
/// `[mm]` and `h:mm:ss` cells; 1:01 is 61 minutes, 1.01666667 hours (8 decimal places).
#[test]
fn duration_and_time_cells_in_a_workbook_are_hours() {
    let f = project_with_log("hours.xlsx");
    let book = xlsx_log(&[
        ("2024-04-01", "Ann", "befriender", 0.0625, Some("[h]:mm")),
        ("2024-04-02", "Bob", "befriender", 0.09375, Some("h:mm")),
        ("2024-04-03", "Cy", "befriender", 0.0625, Some("[mm]")),
        ("2024-04-04", "Di", "befriender", 0.03125, Some("h:mm:ss")),
        (
            "2024-04-05",
            "Ed",
            "befriender",
            61.0 / 1440.0,
            Some("[h]:mm"),
        ),
        ("2024-04-06", "Flo", "befriender", 2.0, None),
    ]);
    f.write_bytes("hours.xlsx", &book);
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // 1.5 + 2.25 + 1.5 + 0.75 + 1.01666667 + 2
    assert_eq!(r.json()["volunteer_hours"], "9.01666667", "{}", r.stdout);
}

/// LibreOffice stores a time as an ISO duration (`PT01H30M00S`): 1.5 hours.
#[test]
fn time_cells_in_an_ods_are_hours() {
    let f = project_with_log("hours.ods");
    let time = |iso: &str| {
        format!("<table:table-cell office:value-type=\"time\" office:time-value=\"{iso}\"><text:p>x</text:p></table:table-cell>")
    };
    let row = |date: &str, name: &str, hours: String| {
        format!(
            "{}{}{}{hours}",
            text_cell(date),
            text_cell(name),
            text_cell("befriender")
        )
    };
    let book = ods_of(&[
        ods_header(),
        row("2024-04-01", "Ann", time("PT01H30M00S")),
        row("2024-04-02", "Bob", time("PT0H45M")),
        row("2024-04-03", "Cy", time("PT2H0M30.000S")),
    ]);
    f.write_bytes("hours.ods", &book);
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // 1.5 + 0.75 + 2 hours and 30 seconds (2.00833333).
    assert_eq!(r.json()["volunteer_hours"], "4.25833333", "{}", r.stdout);
}

/// Typed as text (in a CSV, or a text cell), 1:30 may be a time of day, hours and minutes or
/// minutes and seconds: refused, saying what to write.
#[test]
fn a_time_typed_as_text_is_refused_with_the_number_to_write() {
    let f = project_with_log("hours.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n2024-04-01,Ann,befriender,1:30\n2024-04-02,Bob,befriender,0:45:00\n",
    );
    let r = f.calc(&[]);
    r.fails_with(&[
        "hours.csv:2:4",
        "write 1:30 as 1.5 (hours as a number)",
        "write 0:45:00 as 0.75 (hours as a number)",
    ]);
    assert!(!r.stderr.contains("1899"), "{}", r.stderr);
}

// 2. Money where a count belongs.

#[test]
fn currency_in_hours_quantities_and_scores_is_refused() {
    let f = project_with_log("hours.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n2024-04-01,Ann,befriender,\"£1,200\"\n2024-04-02,Bob,befriender,$3\n2024-04-03,Cy,befriender,2€\n",
    );
    f.write(
        "outcomes.csv",
        "proxy,quantity,quantity_low,quantity_high,deadweight,reason\noutcome.big,£60,50,70,,\nhealth.ae-attendance,10,9,£11,,\noutcome.big,5,,,£0.2,we know\n",
    );
    let r = f.calc(&[]);
    r.fails_with(&[
        "hours.csv:2:4",
        "hours.csv:3:4",
        "hours.csv:4:4",
        "outcomes.csv:2:2",
        "outcomes.csv:3:4",
        "outcomes.csv:4:5",
    ]);
    assert_eq!(
        r.stderr.matches("holds hours, not money").count(),
        3,
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("holds a count, not money").count(),
        2,
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("holds a fraction, not money"),
        "{}",
        r.stderr
    );
}

#[test]
fn currency_in_an_answer_score_is_refused() {
    let f = Fixture::new();
    f.add_to_project("\n[indicators]\nfile = \"answers.csv\"\n[[indicator]]\nid = \"local.lonely\"\nname = \"Lonely\"\nscale_min = 3\nscale_max = 9\nhigher_is_better = false\nsource = \"ours\"\n");
    f.write(
        "answers.csv",
        "person,indicator,before,after\nP1,local.lonely,£8,6\n",
    );
    f.calc(&[])
        .fails_with(&["answers.csv:2:3", "holds a score, not money"]);
}

// 3. More than a day in a day.

#[test]
fn more_than_24_hours_for_one_volunteer_on_one_day_is_refused_naming_every_line() {
    let f = project_with_log("hours.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n\
         2024-04-01,Ann Lee,befriender,10\n\
         2024-04-01,Bob Ray,befriender,24\n\
         2024-04-01,ann lee,driver,10\n\
         2024-04-02,Ann Lee,befriender,10\n\
         01/04/2024,Ann  Lee,trustee,4.5\n",
    );
    let r = f.calc(&[]);
    r.fails_with(&[
        "24.5 hours on 2024-04-01",
        "hours.csv:2",
        "hours.csv:4",
        "hours.csv:6",
    ]);
    // Names are never printed; Bob's 24 hours and Ann's next day are fine.
    assert!(!r.stderr.contains("Ann"), "{}", r.stderr);
    assert!(!r.stderr.contains("hours.csv:3"), "{}", r.stderr);
    assert!(!r.stderr.contains("hours.csv:5"), "{}", r.stderr);
}

#[test]
fn exactly_24_hours_in_a_day_is_accepted() {
    let f = project_with_log("hours.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n2024-04-01,Ann,befriender,23.99999999\n2024-04-01,Ann,driver,0.00000001\n",
    );
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["volunteer_hours"], "24", "{}", r.stdout);
}

// 4. Float noise.

/// 0.1 + 0.2 is stored as 0.30000000000000004 and shown as 0.3.
#[test]
fn spreadsheet_float_noise_is_read_as_the_value_shown() {
    let f = project_with_log("hours.xlsx");
    let book = xlsx_log(&[
        ("2024-04-01", "Ann", "befriender", 0.1 + 0.2, None),
        ("2024-04-02", "Bob", "befriender", 1.1 * 3.0, None),
    ]);
    f.write_bytes("hours.xlsx", &book);
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["volunteer_hours"], "3.6", "{}", r.stdout);
}

// 5. Date format, not the period.

#[test]
fn rows_refused_for_us_dates_are_not_also_outside_the_period() {
    let f = project_with_log("hours.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n04/13/2024,Ann,befriender,1\n12/04/2025,Bob,befriender,1\n12/25/2025,Cy,befriender,1\n2026-01-01,Di,befriender,1\n",
    );
    let r = f.calc(&[]);
    r.fails_with(&["month first", "date 2026-01-01 is outside the period"]);
    assert!(!r.stderr.contains("2025-04-12"), "{}", r.stderr);
    assert!(!r.stderr.contains("2025-12-25"), "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("outside the period").count(),
        1,
        "{}",
        r.stderr
    );
}

/// A file whose slashed dates are all day first is not refused for them: a date outside the
/// period is still reported.
#[test]
fn uk_dates_outside_the_period_are_still_reported() {
    let f = project_with_log("hours.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n13/04/2024,Ann,befriender,1\n12/04/2025,Bob,befriender,1\n",
    );
    f.calc(&[])
        .fails_with(&["hours.csv:3:1", "date 2025-04-12 is outside the period"]);
}

// 6. --skip-bad-rows says as much as without it.

#[test]
fn skipped_rows_keep_their_value_and_hint_but_never_a_name() {
    let f = project_with_log("hours.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n2024-04-01,Ann,befriendr,1\n2024-04-02,Bob,befriender,2\nMary Jones,Mary Jones,befriender,1\n2024-04-03,Cy,befriender,£5\n",
    );
    let r = f.calc(&["--skip-bad-rows"]);
    r.warns(&[
        "role \"befriendr\" is not listed in [volunteering.roles]",
        "did you mean \"befriender\"?",
        "hours.csv:2:3",
        "hours.csv:4:1",
        "\"£5\"",
        "holds hours, not money",
    ]);
    assert!(!r.stderr.contains("Mary"), "{}", r.stderr);
    assert!(!r.stderr.contains("Jones"), "{}", r.stderr);
}

// 7. check counts the roles used.

#[test]
fn check_counts_the_roles_the_log_uses() {
    let f = project_with_log("hours.csv");
    f.write(
        "hours.csv",
        "date,volunteer,role,hours\n2024-04-01,Ann,befriender,1\n2024-04-02,Bob,Befriender,2\n",
    );
    let r = f.run_cmd(&["check", "project.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("2 volunteers in 1 role"), "{}", r.stdout);
}

// 8. Number messages say the limit and the way out.

#[test]
fn numbers_too_large_for_project_toml_say_the_limit() {
    for (line, limit) in [
        ("people = 18446744073709551615", "1,000,000,000"),
        ("people = 999999999999999999999999", "1,000,000,000"),
        ("people = 1.5", "whole number"),
    ] {
        let f = Fixture::new();
        f.add_to_project(&format!("\n[reach]\n{line}\n"));
        let r = f.calc(&[]);
        r.fails_with(&["project.toml:", limit]);
        assert!(!r.stderr.contains("i128"), "{line}: {}", r.stderr);
        assert!(!r.stderr.contains("i64"), "{line}: {}", r.stderr);
        assert!(
            !r.stderr.contains("expected a whole number"),
            "{line}: {}",
            r.stderr
        );
    }
    let f = Fixture::new();
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write(
        "project.toml",
        &p.replace("amount = 250000", "amount = 1e300"),
    );
    let r = f.calc(&[]);
    r.fails_with(&["1e300", "£1,000,000,000,000"]);
    assert!(!r.stderr.contains("more digits"), "{}", r.stderr);
}

#[test]
fn numbers_too_large_for_a_toolkit_say_the_limit() {
    for (from, to, says) in [
        (
            "duration = 2",
            "duration = 99999999999999999999999",
            "from 1 to 30",
        ),
        ("value = 8500", "value = 1e300", "at most"),
        (
            "price_year = 2024\nbeneficiary = \"individual\"",
            "price_year = 18446744073709551615\nbeneficiary = \"individual\"",
            "a year",
        ),
    ] {
        let f = Fixture::new();
        let kit = common::TOOLKIT.replacen(from, to, 1);
        assert_ne!(kit, common::TOOLKIT, "{from}");
        f.write("kit.toml", &kit);
        let r = f.run_cmd(&["toolkit", "check", "kit.toml"]);
        r.fails_with(&["kit.toml:", says]);
        for bad in [
            "i128",
            "i64",
            "i32",
            "more digits",
            "expected a whole number",
        ] {
            assert!(!r.stderr.contains(bad), "{to}: {}", r.stderr);
        }
    }
}

/// A cell reference past the last row a spreadsheet can have (1,048,576): the file is
/// damaged, and the message says so rather than a row count wrapped round 2^32.
#[test]
fn a_row_number_past_the_spreadsheet_limit_is_named_as_such() {
    let f = project_with_log("hours.xlsx");
    let book = xlsx_log(&[("2024-04-01", "Ann", "befriender", 2.0, None)]);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut e = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut bytes).unwrap();
        let name = e.name().unwrap().to_string();
        if name == "xl/worksheets/sheet1.xml" {
            let text = String::from_utf8(bytes).unwrap();
            let text = text
                .replace("<row r=\"2\"", "<row r=\"99999999999\"")
                .replace("r=\"A2\"", "r=\"A99999999999\"")
                .replace("r=\"B2\"", "r=\"B99999999999\"")
                .replace("r=\"C2\"", "r=\"C99999999999\"")
                .replace("r=\"D2\"", "r=\"D99999999999\"");
            assert!(text.contains("A99999999999"));
            bytes = text.into_bytes();
        }
        files.push((name, bytes));
    }
    let named: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    f.write_bytes("hours.xlsx", &zip_of(&named));
    let r = f.calc(&[]);
    r.fails_with(&["hours.xlsx", "row 99999999999", "1,048,576"]);
    assert!(!r.stderr.contains("1215752191"), "{}", r.stderr);
}
