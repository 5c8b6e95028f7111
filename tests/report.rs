//! `social-value report`: every file written, content right, escaping, and no half-written report.

mod common;

use common::{run, run_in, Fixture};
use std::path::Path;

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn example_report_has_every_part() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("oakfield");
    let r = run(&[
        "report",
        "examples/oakfield-cvs/project.toml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in [
        "report.html",
        "report.md",
        "result.json",
        "tables/value_for_money.csv",
        "tables/lines.csv",
        "tables/proxies_used.csv",
        "tables/volunteering_by_month.csv",
        "charts/value-by-theme.svg",
        "charts/gross-to-net.png",
        "charts/value-by-beneficiary.png",
        "charts/hours-by-month.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let html = read(&out, "report.html");
    // Self-contained: styles and charts inline, no scripts, nothing fetched.
    assert!(html.contains("<style>") && html.matches("<svg").count() >= 4);
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src=\"http"));
    // The first page: headline, how, whose lives.
    let first = &html[..html.find("id=\"value-for-money\"").unwrap()];
    for needle in [
        "£195,508.40",
        "£149,663.17",
        "1.31 : 1",
        "£1.31 of social value for every £1 invested",
        "made up of 87% wellbeing, 13% non-cashable fiscal savings",
        "How this was reached",
        "story S03, shared with consent",
        "2,537.5",
        "worth £31,063.17 at replacement cost (counted as input)",
        "£3,398.50 of benefits or taxes no longer paid",
        "social payback",
    ] {
        assert!(first.contains(needle), "first page lacks {needle}");
    }
    // Value for money, worked independently from the example (Python's decimal module):
    // investment £118,600 + volunteer time £31,063.17 = £149,663.17; ÷ 2,537.5 hours = £58.98;
    // ÷ 412 people = £363.26; fiscal (all non-cashable) £25,935.81 ÷ it = £0.17;
    // transfers £3,398.50 ÷ it = £0.02; ÷ 48 A&E attendances = £3,117.98.
    let vfm = read(&out, "tables/value_for_money.csv");
    for needle in [
        "£58.98",
        "£363.26",
        "cashable,£0.00",
        "not cashable,£0.17",
        "£0.02",
    ] {
        assert!(
            vfm.contains(needle),
            "value for money lacks {needle}:\n{vfm}"
        );
    }
    let per_unit = read(&out, "tables/cost_per_unit.csv");
    assert!(per_unit.contains("£3,117.98"), "{per_unit}");
    // No mixed-unit "cost per outcome" any more.
    assert!(!vfm.contains("cost per outcome,"), "{vfm}");
    // result.json is calc's JSON.
    let calc = run(&[
        "calc",
        "examples/oakfield-cvs/project.toml",
        "--format",
        "json",
    ]);
    assert_eq!(read(&out, "result.json"), calc.stdout);
    // Stories without consent and volunteer names appear nowhere.
    for f in [
        "report.html",
        "report.md",
        "result.json",
        "tables/lines.csv",
        "tables/volunteering_by_role.csv",
    ] {
        let text = read(&out, f);
        for secret in [
            "Not ready to share",
            "Young carer",
            "Margaret Ashworth",
            "Okafor",
        ] {
            assert!(!text.contains(secret), "{secret} in {f}");
        }
    }
}

/// The Markdown and the value-for-money table of the example, compared with what was
/// reviewed by hand (tests/snapshots). After a deliberate change, regenerate them with
/// `UPDATE_SNAPSHOTS=1 cargo test --test report` and read the diff before committing.
#[test]
fn example_markdown_and_csv_match_their_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let r = run(&[
        "report",
        "examples/oakfield-cvs",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "md,csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !out.join("report.html").exists() && !out.join("result.json").exists(),
        "only the formats asked for"
    );
    let snaps = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for (file, snap) in [
        ("report.md", "oakfield-report.md"),
        ("tables/value_for_money.csv", "oakfield-value_for_money.csv"),
        ("tables/adjustments.csv", "oakfield-adjustments.csv"),
    ] {
        let got = read(&out, file);
        if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
            std::fs::create_dir_all(&snaps).unwrap();
            std::fs::write(snaps.join(snap), &got).unwrap();
        }
        let want = std::fs::read_to_string(snaps.join(snap)).expect("snapshot exists");
        assert_eq!(got, want, "{file} differs from tests/snapshots/{snap}");
    }
}

#[test]
fn user_text_is_escaped_and_csv_formulas_neutralised() {
    let f = Fixture::new();
    f.write("stories.csv", "id,title,text,tags,consent\nS1,<b>Bold</b> title,I said <script>alert(1)</script> and =HYPERLINK(\"x\") [link](javascript:y),less-lonely,yes\n");
    f.write(
        "outcomes.csv",
        "proxy,quantity,note\noutcome.big,60,\n,3,=cmd|' /C calc'!A0\n",
    );
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    let r = run_in(f.dir.path(), &["report", "project.toml", "--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = f.path("out");
    let html = read(&out, "report.html");
    assert!(
        !html.contains("<script>alert")
            && html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "story text must show as text"
    );
    assert!(!html.contains("<b>Bold</b>") && html.contains("&lt;b&gt;Bold"));
    let md = read(&out, "report.md");
    assert!(
        md.contains("&lt;script&gt;") && md.contains("\\[link\\]"),
        "markdown escaped"
    );
    let unvalued = read(&out, "tables/unvalued.csv");
    assert!(unvalued.contains("'=cmd|"), "{unvalued}");
}

#[test]
fn a_failed_report_leaves_the_old_one_untouched() {
    let f = Fixture::new();
    let ok = run_in(f.dir.path(), &["report", "project.toml", "--out", "out"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let before = read(&f.path("out"), "report.md");
    std::fs::create_dir(f.path("brand")).unwrap();
    f.write("brand/report.md", "# {{ organisation.name }\n");
    let bad = run_in(
        f.dir.path(),
        &[
            "report",
            "project.toml",
            "--out",
            "out",
            "--template",
            "brand",
        ],
    );
    bad.fails_with(&[
        "report template could not be filled",
        "brand/report.md:1",
        "no report was written",
    ]);
    assert_eq!(read(&f.path("out"), "report.md"), before);
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

#[test]
fn templates_can_rebrand_the_report() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("brand")).unwrap();
    f.write("brand/style.css", "h1 { color: #7a1f5c; }");
    f.write(
        "brand/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>",
    );
    f.write(
        "brand/report.md",
        "# {{ organisation.name }} impact\n\n{{ headline.present_value }}\n",
    );
    let r = run_in(
        f.dir.path(),
        &[
            "report",
            "project.toml",
            "--out",
            "out",
            "--template",
            "brand",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = read(&f.path("out"), "report.html");
    assert!(
        html.contains("#7a1f5c") && html.contains("data:image/svg+xml;base64,"),
        "style and logo used"
    );
    assert_eq!(
        read(&f.path("out"), "report.md"),
        "# Test Org impact\n\n£359,069.57\n"
    );
}

#[test]
fn default_folder_is_named_after_the_organisation_and_period() {
    let dir = tempfile::tempdir().unwrap();
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield-cvs/project.toml");
    let r = run_in(dir.path(), &["report", project.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        dir.path()
            .join("reports/out/GB-CHC-1234567-2024-25/report.html")
            .is_file(),
        "{}",
        r.stdout
    );
}

#[test]
fn out_never_replaces_a_folder_or_file_it_did_not_write() {
    let f = Fixture::new();
    // The project's own folder holds the user's files: refused, nothing touched.
    run_in(f.dir.path(), &["report", "project.toml", "--out", "."]).fails_with(&[
        "already exists and does not hold an earlier report",
        "no report was written",
    ]);
    assert!(f.path("project.toml").is_file() && f.path("outcomes.csv").is_file());
    f.write("afile", "keep me");
    run_in(f.dir.path(), &["report", "project.toml", "--out", "afile"])
        .fails_with(&["is a file, not a folder"]);
    assert_eq!(read(f.dir.path(), "afile"), "keep me");
    // An empty folder, and then the same report folder again, are fine.
    std::fs::create_dir(f.path("empty")).unwrap();
    assert_eq!(
        run_in(f.dir.path(), &["report", "project.toml", "--out", "empty"]).code,
        0
    );
    assert_eq!(
        run_in(f.dir.path(), &["report", "project.toml", "--out", "empty"]).code,
        0
    );
}

#[test]
fn small_projects_get_sensible_reports() {
    // One outcome, no volunteering, a harm: no volunteer card, harms as an amount taken off,
    // no empty charts, and the single-bar chart is drawn.
    let f = Fixture::new();
    f.write(
        "outcomes.csv",
        "proxy,quantity\nhealth.ae-attendance,10\nharm.complaint,2\n",
    );
    let r = run_in(
        f.dir.path(),
        &["report", "project.toml", "--out", "out", "--runs", "200"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = f.path("out");
    let html = read(&out, "report.html");
    assert!(
        !html.contains("volunteer hours by"),
        "no volunteering, no volunteer card"
    );
    assert!(
        html.contains("harms worth £200.00 have already been taken off"),
        "harm shown as an amount"
    );
    assert!(!out.join("charts/hours-by-month.svg").exists());
    let theme = read(&out, "charts/value-by-theme.svg");
    assert!(theme.contains("£1,380"), "the single bar is labelled");
    let md = read(&out, "report.md");
    assert!(
        !md.contains("hours-by-month"),
        "no link to a chart that was not drawn"
    );
}

#[test]
fn template_mistakes_are_named_and_style_is_kept_as_written() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("brand")).unwrap();
    f.write("brand/report.md", "{{ headline.typo }}\n");
    run_in(
        f.dir.path(),
        &[
            "report",
            "project.toml",
            "--out",
            "out",
            "--template",
            "brand",
            "--runs",
            "200",
        ],
    )
    .fails_with(&["report template could not be filled", "brand/report.md:1"]);
    std::fs::remove_file(f.path("brand/report.md")).unwrap();
    f.write(
        "brand/style.css",
        "body > main { font-family: \"Brand Sans\"; }",
    );
    let r = run_in(
        f.dir.path(),
        &[
            "report",
            "project.toml",
            "--out",
            "out",
            "--template",
            "brand",
            "--runs",
            "200",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(read(&f.path("out"), "report.html")
        .contains("body > main { font-family: \"Brand Sans\"; }"));
}
