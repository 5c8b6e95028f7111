//! Peak memory and time of every command on the hostile inputs of SECURITY.md: each is made
//! here (under target/hostile-peaks/), run once by the release binary, and measured.
//!
//! Run: `cargo bench --bench hostile` (about a minute; writes about 3.5 GB of scratch files,
//! most of them sparse). Prints a Markdown table: the input's size, the command's exit code,
//! its peak resident memory beside SECURITY.md's bound (4 × the input + 64 MiB), and its wall
//! time. Not a test: `tests/hostile.rs` and `tests/memory_bounds.rs` hold the assertions.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

#[path = "../tests/common/peak.rs"]
mod peak;

const MIB: u64 = 1 << 20;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/hostile-peaks");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    println!("| input | size | command | exit | peak memory | bound | time |");
    println!("|---|---:|---|---:|---:|---:|---:|");
    for case in cases(&dir) {
        measure(&dir, &case);
    }
}

/// One hostile input and the command run on it.
struct Case {
    what: &'static str,
    /// The input whose size sets the bound (the largest the command reads).
    input: PathBuf,
    args: Vec<String>,
}

fn case(what: &'static str, input: PathBuf, args: &[&str]) -> Case {
    Case {
        what,
        input,
        args: args.iter().map(|s| s.to_string()).collect(),
    }
}

fn cases(dir: &Path) -> Vec<Case> {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield-cvs");
    let p = |name: &str| dir.join(name).display().to_string();
    let project = copy_example(&example, &dir.join("project"));
    let proj = project.join("project.toml").display().to_string();
    let sub = big_submission(dir, "big-submission.toml", 54 * MIB);
    let under = big_submission(dir, "submission-15mb.toml", 15 * MIB);
    let inbox = dir.join("inbox");
    fs::create_dir_all(&inbox).unwrap();
    for i in 0..4 {
        fs::copy(&under, inbox.join(format!("member-{i}.toml"))).unwrap();
    }
    let xlsx = xlsx_one_huge_string(&dir.join("xlsx/hours.xlsx"), 1_000_000_000);
    let ods = ods_wide_cells(&dir.join("ods/hours.ods"));
    let logo = sparse_template(dir, 1536 * MIB);
    let (story_proj, names) = redact_story(&example, dir);
    vec![
        case(
            "submission of 54 MB",
            sub.clone(),
            &["review", &p("big-submission.toml")],
        ),
        case(
            "submission of 15 MB",
            under.clone(),
            &["review", &p("submission-15mb.toml")],
        ),
        case(
            "four 15 MB submissions, --jobs 4",
            under,
            &[
                "network",
                &inbox.display().to_string(),
                "--year",
                "2024",
                "--jobs",
                "4",
                "--format",
                "json",
            ],
        ),
        case(
            "`.xlsx` with one 1 GB shared string",
            xlsx.clone(),
            &["calc", &project_with(dir, "xlsx", &example)],
        ),
        case(
            "`.ods` whose 64 KB cell repeats 16,384 × 60 times",
            ods.clone(),
            &["calc", &project_with(dir, "ods", &example)],
        ),
        case(
            "template `logo.png` of 1.5 GB",
            logo,
            &[
                "report",
                &proj,
                "--template",
                &p("template"),
                "--out",
                &p("report-out"),
            ],
        ),
        case(
            "2 MB story repeating a listed name",
            story_proj.join("stories.csv"),
            &[
                "calc",
                &story_proj.join("project.toml").display().to_string(),
                "--redact",
                &names.display().to_string(),
            ],
        ),
    ]
}

// The child is reaped by `wait4` (which alone gives its own peak memory), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn measure(dir: &Path, case: &Case) {
    let size = fs::metadata(&case.input).map(|m| m.len()).unwrap_or(0);
    let log = File::create(dir.join("last-stderr.txt")).unwrap();
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_social-value"))
        .args(&case.args)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let (code, peak_kib) = peak::wait_with_peak(child.id() as libc::pid_t);
    let code = code.map_or("killed".to_string(), |c| c.to_string());
    let took = start.elapsed();
    let bound = 4 * size + 64 * MIB;
    println!(
        "| {} | {} | `{}` | {} | {} MiB | {} MiB | {:.2} s |",
        case.what,
        human(size),
        case.args[0],
        code,
        peak_kib / 1024,
        bound / MIB,
        took.as_secs_f64()
    );
}

fn human(bytes: u64) -> String {
    if bytes >= MIB {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.0} KB", bytes as f64 / 1e3)
    }
}

fn copy_example(example: &Path, to: &Path) -> PathBuf {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(example).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
    to.to_path_buf()
}

/// The example's own submission, grown to `size` with consented stories (so every table is one
/// a reader must hold), its fingerprint left as it was.
fn big_submission(dir: &Path, name: &str, size: u64) -> PathBuf {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield-cvs");
    let path = dir.join(name);
    let status = Command::new(env!("CARGO_BIN_EXE_social-value"))
        .args(["submit", &example.display().to_string(), "--out"])
        .arg(&path)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "the example's submission is written");
    let mut f = fs::OpenOptions::new().append(true).open(&path).unwrap();
    let words = "We met every week and it changed how I see the town. ".repeat(14);
    let mut n = 0u64;
    while f.metadata().unwrap().len() < size {
        n += 1;
        writeln!(f, "\n[[story]]\nid = \"X{n}\"\ntitle = \"Story {n}\"\ntext = \"{words}\"\ntags = [\"less-lonely\"]\nconsent = \"yes\"").unwrap();
    }
    path
}

/// A copy of the example whose volunteer log is the given spreadsheet (by its extension).
fn project_with(dir: &Path, ext: &str, example: &Path) -> String {
    let to = copy_example(example, &dir.join(ext));
    let toml = fs::read_to_string(to.join("project.toml")).unwrap();
    let toml = toml.replace("volunteer_hours.csv", &format!("hours.{ext}"));
    fs::write(to.join("project.toml"), toml).unwrap();
    to.join("project.toml").display().to_string()
}

/// An `.xlsx` of under 1 MB whose one shared string holds `len` bytes once unzipped.
fn xlsx_one_huge_string(path: &Path, len: u64) -> PathBuf {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut z = zip::ZipWriter::new(File::create(path).unwrap());
    let o = zip::write::SimpleFileOptions::default().large_file(true);
    let part = |z: &mut zip::ZipWriter<File>, name: &str, body: &str| {
        z.start_file(name, o).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    };
    part(
        &mut z,
        "[Content_Types].xml",
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    );
    part(
        &mut z,
        "_rels/.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        &mut z,
        "xl/workbook.xml",
        r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    part(
        &mut z,
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    );
    part(
        &mut z,
        "xl/worksheets/sheet1.xml",
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#,
    );
    z.start_file("xl/sharedStrings.xml", o).unwrap();
    z.write_all(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#).unwrap();
    let block = vec![b'a'; MIB as usize];
    for _ in 0..len / MIB {
        z.write_all(&block).unwrap();
    }
    z.write_all(b"</t></si></sst>").unwrap();
    z.finish().unwrap();
    path.to_path_buf()
}

/// An `.ods` of about a kilobyte whose one 64 KB cell repeats across 16,384 columns and 60 rows.
fn ods_wide_cells(path: &Path) -> PathBuf {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut z = zip::ZipWriter::new(File::create(path).unwrap());
    let o = zip::write::SimpleFileOptions::default();
    z.start_file(
        "mimetype",
        o.compression_method(zip::CompressionMethod::Stored),
    )
    .unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("META-INF/manifest.xml", o).unwrap();
    z.write_all(br#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    let cell = "x".repeat(64 * 1024);
    let content = format!(
        r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row table:number-rows-repeated="60"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>{cell}</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    z.start_file("content.xml", o).unwrap();
    z.write_all(content.as_bytes()).unwrap();
    z.finish().unwrap();
    path.to_path_buf()
}

/// The default template with a sparse `logo.png` of `size` bytes.
fn sparse_template(dir: &Path, size: u64) -> PathBuf {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/default");
    let to = copy_example(&default, &dir.join("template"));
    let logo = to.join("logo.png");
    File::create(&logo).unwrap().set_len(size).unwrap();
    logo
}

/// A copy of the example with a 2 MB consented story repeating a listed name, and the list.
fn redact_story(example: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let to = copy_example(example, &dir.join("redact"));
    let text = "Mary Smith came again. ".repeat(2 * MIB as usize / 23);
    let mut stories = fs::read_to_string(to.join("stories.csv")).unwrap();
    let header = stories.lines().next().unwrap().to_string();
    let columns = header.split(',').count();
    let mut row = vec![String::new(); columns];
    for (i, h) in header.split(',').enumerate() {
        row[i] = match h {
            "id" => "BIG".into(),
            "title" => "A long story".into(),
            "text" => format!("\"{text}\""),
            "consent" => "yes".into(),
            _ => String::new(),
        };
    }
    stories.push_str(&row.join(","));
    stories.push('\n');
    fs::write(to.join("stories.csv"), stories).unwrap();
    let names = dir.join("names.txt");
    fs::write(&names, "Mary Smith\n").unwrap();
    (to, names)
}
