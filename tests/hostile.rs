//! Every command over a corpus of broken and hostile files (issue 9): each must exit non-zero
//! with a message, never panic, finish within a time bound, stay within a memory bound, and
//! leave no half-written output.

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Per command, in the debug build the tests use (the release build is several times faster).
const TIME_BOUND: Duration = Duration::from_secs(30);
/// Peak memory of any one command (the heaviest measured was 32 MiB: a 100 MB line is refused
/// once it passes 16 MB, and a sheet spanning too many cells before it is held).
const MEMORY_BOUND_KIB: i64 = 128 * 1024;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Named broken versions of a valid file `good`; `field` is a number in it to blow up to 40
/// digits and `dates` replacement text with years 0 and 9999.
fn broken(good: &str, field: (&str, &str), dates: &[(&str, &str)]) -> Vec<(&'static str, Vec<u8>)> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let binary: Vec<u8> = (0..65_536)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let mut out = vec![
        ("empty", Vec::new()),
        ("binary", binary),
        ("truncated", good.as_bytes()[..good.len() * 3 / 5].to_vec()),
        (
            "deeply nested",
            format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ),
        ("40 digits", good.replacen(field.0, field.1, 1).into_bytes()),
    ];
    for (from, to) in dates {
        out.push((
            "dates in year 0 and 9999",
            good.replacen(from, to, 1).into_bytes(),
        ));
    }
    out
}

/// Stands for the 100 MB single-line file in a list of cases.
const HUGE: &[u8] = b"<the 100 MB line>";

const FORTY: &str = "1234567890123456789012345678901234567890";

struct Runner {
    dir: tempfile::TempDir,
    runs: usize,
    /// The highest peak memory so far, and the command that reached it.
    peak: i64,
    heaviest: String,
}

impl Runner {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `bytes` as `name`, or the 100 MB line when `bytes` is [`HUGE`].
    fn write(&self, name: &str, bytes: &[u8]) {
        if bytes == HUGE {
            std::fs::copy(self.path("huge.bin"), self.path(name)).unwrap();
        } else {
            std::fs::write(self.path(name), bytes).unwrap();
        }
    }

    /// Runs `args` in the folder, asserting a clean refusal: non-zero exit, a message, no panic,
    /// in time, and no output folder or file left at `out`.
    fn refuses(&mut self, what: &str, args: &[&str], out: Option<&Path>) {
        let started = Instant::now();
        let o = Command::new(env!("CARGO_BIN_EXE_social-value"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        let took = started.elapsed();
        self.runs += 1;
        let stderr = String::from_utf8_lossy(&o.stderr);
        let context = format!("{what}: social-value {}", args.join(" "));
        assert!(
            !o.status.success(),
            "{context} succeeded:\n{}",
            String::from_utf8_lossy(&o.stdout)
        );
        assert_ne!(o.status.code(), None, "{context} was killed (a crash?)");
        assert!(
            !stderr.contains("panicked"),
            "{context} panicked:\n{stderr}"
        );
        // A review says what is wrong in its red rating (exit 3); everything else on stderr.
        let stdout = String::from_utf8_lossy(&o.stdout);
        let rated_red = o.status.code() == Some(3) && stdout.contains("RED");
        assert!(
            stderr.contains("error") || rated_red,
            "{context} gave no message:\n{stderr}{stdout}"
        );
        assert!(took < TIME_BOUND, "{context} took {took:?}");
        if let Some(out) = out {
            assert!(!out.exists(), "{context} left {}", out.display());
        }
        let peak = peak_child_memory_kib();
        if peak > self.peak {
            self.peak = peak;
            self.heaviest = context;
        }
    }
}

fn peak_child_memory_kib() -> i64 {
    // SAFETY: getrusage only writes into the struct we pass.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    }
}

#[test]
fn every_command_refuses_broken_and_hostile_files_cleanly() {
    let mut r = Runner {
        dir: tempfile::tempdir().unwrap(),
        runs: 0,
        peak: 0,
        heaviest: String::new(),
    };
    let example = root().join("examples/oakfield-cvs");
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    r.write("test-kit.toml", common::TOOLKIT.as_bytes());
    std::fs::copy(
        root().join("tests/fixtures/messy-export.xlsx"),
        r.path("good.xlsx"),
    )
    .unwrap();
    // One 100 MB line, on disk only (a copy held here would count in each child's memory,
    // as a child starts as a copy of this process), copied wherever a case names it.
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(r.path("huge.bin")).unwrap());
        let block = vec![b'a'; 1 << 20];
        for _ in 0..100 {
            f.write_all(&block).unwrap();
        }
    }
    let huge: Vec<u8> = HUGE.to_vec();
    let report_out = r.path("report-out");
    let submit_out = r.path("submission-out.toml");
    let project_of = |tables: &str| {
        format!(
            "{}{tables}",
            common::PROJECT.replace("[outcomes]\nfile = \"outcomes.csv\"\n", "")
        )
    };

    // project.toml itself.
    let project_good = read(&example.join("project.toml"));
    let mut cases = broken(
        &project_good,
        ("amount = 85000", &format!("amount = {FORTY}")),
        &[
            ("start = 2024-04-01", "start = 0000-01-01"),
            (
                "start = 2024-04-01\nend = 2025-03-31",
                "start = 0001-01-01\nend = 9999-12-31",
            ),
        ],
    );
    cases.push(("100 MB line", huge.clone()));
    for (what, bytes) in &cases {
        r.write("project.toml", bytes);
        for args in [
            vec!["check", "project.toml"],
            vec!["calc", "project.toml"],
            vec!["sensitivity", "project.toml", "--runs", "100"],
        ] {
            r.refuses(&format!("project.toml {what}"), &args, None);
        }
        r.refuses(
            &format!("project.toml {what}"),
            &[
                "report",
                "project.toml",
                "--runs",
                "100",
                "--out",
                "report-out",
            ],
            Some(&report_out),
        );
        r.refuses(
            &format!("project.toml {what}"),
            &["submit", "project.toml", "--out", "submission-out.toml"],
            Some(&submit_out),
        );
    }

    // The three tables, as CSV, and the log as a spreadsheet.
    let hours_good = "date,volunteer,role,hours\n2024-04-01,Ann Lee,befriender,2\n2024-05-01,Bob Ray,befriender,3\n";
    let outcomes_good = "proxy,quantity\noutcome.big,60\nhealth.ae-attendance,12\n";
    let stories_good =
        "id,title,text,tags,consent\nS1,A day out,\"We went to the sea.\",less-lonely,yes\n";
    let answers_good = "person,indicator,before,after,date_before\nP1,local.lonely,8,6,2024-04-01\nP2,local.lonely,7,5,\n";
    let tables = [
        ("hours.csv", "\n[volunteering]\nfile = \"hours.csv\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n", hours_good, (",2\n", &format!(",{FORTY}\n")[..]), vec![("2024-04-01", "0000-01-01"), ("2024-05-01", "9999-12-31")]),
        ("hours.xlsx", "\n[volunteering]\nfile = \"hours.xlsx\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n", hours_good, (",2\n", &format!(",{FORTY}\n")[..]), vec![]),
        ("outcomes.csv", "\n[outcomes]\nfile = \"outcomes.csv\"\n", outcomes_good, (",60", &format!(",{FORTY}")[..]), vec![]),
        ("stories.csv", "\n[stories]\nfile = \"stories.csv\"\n", stories_good, (",yes", ",yes,1,2,3"), vec![]),
        ("answers.csv", "\n[indicators]\nfile = \"answers.csv\"\n[[indicator]]\nid = \"local.lonely\"\nname = \"Lonely\"\nscale_min = 3\nscale_max = 9\nhigher_is_better = false\nsource = \"ours\"\n", answers_good, (",8,6", &format!(",{FORTY},6")[..]), vec![("2024-04-01", "0000-01-01")]),
    ];
    for (file, section, good, field, dates) in &tables {
        r.write("project.toml", project_of(section).as_bytes());
        let mut cases = broken(good, *field, dates);
        if *file == "hours.csv" {
            cases.push(("100 MB line", huge.clone()));
        }
        if *file == "hours.xlsx" {
            // A real workbook cut short, and one whose sheet is said to unzip to 4 GB.
            let xlsx = std::fs::read(r.path("good.xlsx")).unwrap();
            cases.push(("truncated workbook", xlsx[..xlsx.len() / 2].to_vec()));
            // Two cells, A1 and XFD1048576: a reader holding the rectangle would need 17
            // billion cells.
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.write_string(0, 0, "date").unwrap();
            sheet.write_string(1_048_575, 16_383, "far away").unwrap();
            cases.push(("sparse sheet", book.save_to_buffer().unwrap()));
        }
        for (what, bytes) in &cases {
            r.write(file, bytes);
            r.refuses(&format!("{file} {what}"), &["check", "project.toml"], None);
            r.refuses(
                &format!("{file} {what}"),
                &["calc", "project.toml", "--format", "json"],
                None,
            );
        }
    }

    // Not an ordinary file: a device that never ends.
    if Path::new("/dev/zero").exists() {
        r.write("project.toml", project_of("\n[volunteering]\nfile = \"/dev/zero\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n").as_bytes());
        r.refuses("/dev/zero as the log", &["calc", "project.toml"], None);
        r.refuses(
            "/dev/zero as a toolkit",
            &["toolkit", "check", "/dev/zero"],
            None,
        );
    }
    // A pipe named like a spreadsheet: opening it would wait for a writer for ever.
    let fifo = std::ffi::CString::new(r.path("pipe.xlsx").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo only reads the path and creates the pipe.
    if unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) } == 0 {
        r.write("project.toml", project_of("\n[volunteering]\nfile = \"pipe.xlsx\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n").as_bytes());
        r.refuses("a pipe as the log", &["calc", "project.toml"], None);
        r.refuses(
            "a pipe to import",
            &["toolkit", "import", "pipe.xlsx", "--into", "test-kit.toml"],
            None,
        );
    }

    // A toolkit file: checked, listed, used, and imported into.
    let toolkit_good = common::TOOLKIT;
    r.write("project.toml", common::PROJECT.as_bytes());
    r.write("outcomes.csv", outcomes_good.as_bytes());
    let mut cases = broken(
        toolkit_good,
        ("value = 8500", &format!("value = {FORTY}")),
        &[
            ("2014 = 80.0", "0 = 80.0"),
            ("2024 = 100.0", "9999 = 100.0"),
        ],
    );
    cases.push(("100 MB line", huge.clone()));
    for (what, bytes) in &cases {
        r.write("kit.toml", bytes);
        for args in [
            vec!["toolkit", "check", "kit.toml"],
            vec!["toolkit", "list", "kit.toml"],
            vec!["toolkit", "show", "outcome.big", "kit.toml"],
            vec!["toolkit", "diff", "test-kit.toml", "kit.toml"],
            vec!["calc", "project.toml", "--toolkit", "kit.toml"],
        ] {
            r.refuses(&format!("toolkit {what}"), &args, None);
        }
        // As a file of proxies to import: refused, and the toolkit imported into is unchanged.
        r.write("import.csv", bytes);
        r.refuses(
            &format!("import {what}"),
            &["toolkit", "import", "import.csv", "--into", "test-kit.toml"],
            None,
        );
        assert_eq!(
            read(&r.path("test-kit.toml")),
            common::TOOLKIT,
            "import changed the toolkit"
        );
    }

    // A submission: reviewed and compared; in a network it is quarantined, not fatal.
    let submission_good = read(&root().join("fuzz/seeds/submission/oakfield.toml"));
    let mut cases = broken(
        &submission_good,
        ("investment = \"", &format!("investment = \"{FORTY}")),
        &[
            ("start = \"2024-04-01\"", "start = \"0000-01-01\""),
            ("end = \"2025-03-31\"", "end = \"9999-12-31\""),
        ],
    );
    cases.push(("100 MB line", huge.clone()));
    std::fs::create_dir_all(r.path("inbox")).unwrap();
    for (what, bytes) in &cases {
        r.write("submission.toml", bytes);
        r.refuses(
            &format!("submission {what}"),
            &["review", "submission.toml"],
            None,
        );
        r.refuses(
            &format!("submission {what}"),
            &["compare", "submission.toml", "submission.toml"],
            None,
        );
        r.write("inbox/member.toml", bytes);
        let o = Command::new(env!("CARGO_BIN_EXE_social-value"))
            .args(["network", "inbox", "--year", "2024", "--format", "json"])
            .current_dir(r.dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&o.stdout);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            !stderr.contains("panicked"),
            "network over {what} panicked: {stderr}"
        );
        assert!(
            stdout.contains("member.toml") || stderr.contains("member.toml"),
            "network did not account for {what}: {stdout}{stderr}"
        );
    }

    let peak = peak_child_memory_kib();
    assert!(
        peak < MEMORY_BOUND_KIB,
        "a command used {} MiB",
        peak / 1024
    );
    eprintln!(
        "{} refusals checked; the largest used {} MiB: {}",
        r.runs,
        r.peak / 1024,
        r.heaviest
    );
}

/// A partnership of 100,000 members, each given a share, and 20,000 outcome rows naming it
/// (issue 11): read in linear time. Before partnerships were looked up by id and members kept
/// in sets, each row and each share scanned the lists, which takes hours at this size; the
/// bound only guards against a hang, it is not a speed target.
#[test]
fn a_huge_partnership_and_many_rows_naming_it_are_read_without_a_hang() {
    let f = common::Fixture::new();
    let n = 100_000;
    let members: Vec<String> = (0..n).map(|i| format!("\"GB-X-{i}\"")).collect();
    let shares: Vec<String> = (0..n).map(|i| format!("\"GB-X-{i}\" = 0")).collect();
    f.add_to_project(&format!(
        "[[partnership]]\nid = \"big\"\nmembers = [\"GB-TEST-1\", {}]\nshares = {{ \"GB-TEST-1\" = 0.5, {} }}\n",
        members.join(", "),
        shares.join(", ")
    ));
    let mut rows = String::from("proxy,quantity,partnership\n");
    for _ in 0..20_000 {
        rows.push_str("health.ae-attendance,1,big\n");
    }
    f.write("outcomes.csv", &rows);
    let started = Instant::now();
    let r = f.run_cmd(&["check", "project.toml"]);
    let took = started.elapsed();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("20000 outcome lines claiming a share"),
        "{}",
        r.stdout
    );
    assert!(took < TIME_BOUND, "took {took:?}");
}

// ---- Issue 18, plausible input: spreadsheets that would expand in memory (helper h18-input).

/// A minimal workbook: one sheet "Hours" whose `<sheetData>` is `cells`, and the shared
/// strings `shared` (each the text of one `<si>`).
fn workbook(shared: &[&str], cells: &str) -> Vec<u8> {
    use std::io::Write;
    let ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>".into()),
        ("_rels/.rels", format!("<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")),
        ("xl/workbook.xml", format!("<?xml version=\"1.0\"?><workbook {ns}><sheets><sheet name=\"Hours\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>")),
        ("xl/_rels/workbook.xml.rels", format!("<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"{rel}/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>")),
        ("xl/worksheets/sheet1.xml", format!("<?xml version=\"1.0\"?><worksheet {ns}><sheetData>{cells}</sheetData></worksheet>")),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, text) in parts {
        z.start_file(name, opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    // Written string by string, never held whole (see the test below).
    z.start_file("xl/sharedStrings.xml", opts).unwrap();
    let n = shared.len();
    write!(
        z,
        "<?xml version=\"1.0\"?><sst {ns} count=\"{n}\" uniqueCount=\"{n}\">"
    )
    .unwrap();
    for s in shared {
        write!(z, "<si><t>{s}</t></si>").unwrap();
    }
    z.write_all(b"</sst>").unwrap();
    z.finish().unwrap();
    out.into_inner()
}

/// A minimal `.ods` whose one sheet holds `rows` (the inside of `<table:table>`).
fn ods(rows: &str) -> Vec<u8> {
    use std::io::Write;
    let content = format!("<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet><table:table table:name=\"Hours\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>");
    let manifest = "<?xml version=\"1.0\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/></manifest:manifest>";
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        z.start_file(name, opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    out.into_inner()
}

/// Spreadsheets small on disk that the reader would have expanded to gigabytes (issue 18: a
/// 984 KB workbook whose one shared string was 1 GB took 4.9 GB): each is refused by a first
/// streaming pass, within the memory bound, with a message naming the file.
#[test]
fn spreadsheets_that_would_expand_in_memory_are_refused_within_the_bound() {
    let mut r = Runner {
        dir: tempfile::tempdir().unwrap(),
        runs: 0,
        peak: 0,
        heaviest: String::new(),
    };
    r.write("test-kit.toml", common::TOOLKIT.as_bytes());
    let header = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>date</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>volunteer</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>role</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>hours</t></is></c></row>";
    let shared_cells = |n: usize| -> String {
        (2..n + 2)
            .map(|i| format!("<row r=\"{i}\"><c r=\"B{i}\" t=\"s\"><v>0</v></c></row>"))
            .collect()
    };
    let ods_cell = |attrs: &str, text: &str| {
        format!("<table:table-cell office:value-type=\"string\" {attrs}><text:p>{text}</text:p></table:table-cell>")
    };
    // Made one at a time and dropped before the command runs: a child starts as a copy of
    // this process, so what is held here would count in its memory.
    let case = |i: usize| -> (&str, &str, Vec<u8>) {
        let big = || "a".repeat(2 << 20);
        match i {
            0 => ("one shared string of 2 MB", "hours.xlsx", workbook(&[&big()], &format!("{header}{}", shared_cells(1)))),
            1 => {
                // One string held, named 70 times: many separate megabytes freed here would
                // stay in this process's memory, and so in each child's.
                let one = "c".repeat(1_000_000);
                let mib = vec![one.as_str(); 70];
                ("70 MB of shared strings", "hours.xlsx", workbook(&mib, header))
            }
            2 => ("a 500 KB string in 200 cells", "hours.xlsx", workbook(&[&"b".repeat(500_000)], &format!("{header}{}", shared_cells(200)))),
            3 => ("an inline cell of 2 MB", "hours.xlsx", workbook(&[], &format!("{header}<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>{}</t></is></c></row>", big()))),
            4 => ("row 99999999999", "hours.xlsx", workbook(&[], &format!("{header}<row r=\"99999999999\"><c r=\"A99999999999\"><v>1</v></c></row>"))),
            5 => ("column AAAAAAAAAA", "hours.xlsx", workbook(&[], &format!("{header}<row r=\"2\"><c r=\"AAAAAAAAAA2\"><v>1</v></c></row>"))),
            6 => ("a dimension past the last row", "hours.xlsx", workbook(&[], &format!("</sheetData><dimension ref=\"A1:D99999999999\"/><sheetData>{header}"))),
            7 => ("an ods cell of 64 KB in every column", "hours.ods", ods(&format!("<table:table-row>{}</table:table-row>", ods_cell("table:number-columns-repeated=\"16384\"", &"d".repeat(64 * 1024))))),
            8 => ("an ods cell in every column of 1,000 rows", "hours.ods", ods(&format!("<table:table-row table:number-rows-repeated=\"1000\">{}</table:table-row>", ods_cell("table:number-columns-repeated=\"16384\"", "x")))),
            _ => ("an ods string value of 2 MB", "hours.ods", ods(&format!("<table:table-row><table:table-cell office:value-type=\"string\" office:string-value=\"{}\"/></table:table-row>", big()))),
        }
    };
    for i in 0..10 {
        let (what, file, bytes) = case(i);
        r.write("project.toml", format!("{}\n[volunteering]\nfile = \"{file}\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n", common::PROJECT.replace("[outcomes]\nfile = \"outcomes.csv\"\n", "")).as_bytes());
        r.write(file, &bytes);
        r.write("import.xlsx", &bytes);
        drop(bytes);
        r.refuses(what, &["calc", "project.toml"], None);
        if file == "hours.xlsx" {
            r.refuses(
                what,
                &[
                    "toolkit",
                    "import",
                    "import.xlsx",
                    "--into",
                    "test-kit.toml",
                ],
                None,
            );
        }
    }
    let peak = peak_child_memory_kib();
    assert!(
        peak < MEMORY_BOUND_KIB,
        "a command used {} MiB: {}",
        peak / 1024,
        r.heaviest
    );
    eprintln!(
        "{} refusals checked; the largest used {} MiB: {}",
        r.runs,
        r.peak / 1024,
        r.heaviest
    );
}
