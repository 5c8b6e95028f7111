//! The HTML report as a person sees it: opened in headless Chromium, screenshotted, printed to
//! PDF, and checked for script errors, empty charts and text running off the page.
//!
//! Needs Debian's `chromium` (and `pdfinfo` from poppler-utils); `.ci/run` installs both. On a
//! machine without them the test says so and skips; with `CI=true` it must run.

use std::path::{Path, PathBuf};
use std::process::Command;

fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

fn browser(chromium: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("run chromium")
}

/// Added to a copy of the report: records script errors and measures the page, into the DOM.
const PROBE: &str = r#"<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message)));
const origError = console.error; console.error = (...a) => { window.__errors.push(a.join(' ')); origError(...a); };
window.addEventListener('load', () => {
  const width = document.documentElement.clientWidth;
  const figures = [...document.querySelectorAll('figure')];
  const charts = figures.map(f => { const s = f.querySelector('svg'); if (!s) return 0; const r = s.getBoundingClientRect(); return (r.width > 100 && r.height > 50) ? s.querySelectorAll('rect,text,path,polyline,line').length : 0; });
  const overflow = [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > width + 1).map(el => el.tagName + ' ' + (el.textContent || '').slice(0, 40));
  const out = document.createElement('pre'); out.id = 'probe';
  out.textContent = JSON.stringify({errors: window.__errors, charts, overflow, title: document.title});
  document.body.appendChild(out);
});
</script>"#;

#[test]
fn report_reads_and_prints_well_in_a_browser() {
    let (Some(chromium), pdfinfo) = (
        find(&["chromium", "chromium-browser", "google-chrome"]),
        find(&["pdfinfo"]),
    ) else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI=true but chromium is missing: .ci/run installs it"
        );
        eprintln!("skipped: chromium is not installed (apt-get install chromium poppler-utils); CI runs this test");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/browser-test");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let report_dir = out.join("report");
    let made = Command::new(env!("CARGO_BIN_EXE_social-value"))
        .args(["report", "examples/oakfield-cvs/project.toml", "--out"])
        .arg(&report_dir)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let html = report_dir.join("report.html");
    let profile = tempfile::tempdir().unwrap();

    // What a person sees: the first screen, kept as an artefact.
    let shot = out.join("first-page.png");
    let r = browser(
        &chromium,
        profile.path(),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1000,1400",
            &format!("file://{}", html.display()),
        ],
    );
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 20_000,
        "screenshot looks empty"
    );

    // Script errors, charts and overflow, measured at about the width of an A4 page.
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(
        !text.contains("<script"),
        "the report itself must need no JavaScript"
    );
    assert!(
        !text.contains("http://") || !text.contains("src=\"http"),
        "no external requests"
    );
    let probe = out.join("probe.html");
    std::fs::write(
        &probe,
        text.replacen("</head>", &format!("{PROBE}</head>"), 1),
    )
    .unwrap();
    let dom = browser(
        &chromium,
        profile.path(),
        &[
            "--dump-dom",
            "--window-size=760,1100",
            "--virtual-time-budget=5000",
            &format!("file://{}", probe.display()),
        ],
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    let start = dom.find("<pre id=\"probe\">").expect("probe ran") + "<pre id=\"probe\">".len();
    let json = &dom[start..dom[start..].find("</pre>").unwrap() + start];
    let found: serde_json::Value = serde_json::from_str(
        &json
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">"),
    )
    .unwrap();
    assert_eq!(found["errors"], serde_json::json!([]), "console errors");
    let charts = found["charts"].as_array().unwrap();
    // Six of the valuation and three of the indicators (life satisfaction, loneliness and
    // trust) the example measures.
    assert_eq!(charts.len(), 9, "nine charts expected: {charts:?}");
    assert!(
        charts.iter().all(|c| c.as_u64().unwrap_or(0) > 10),
        "an empty chart: {charts:?}"
    );
    assert_eq!(
        found["overflow"],
        serde_json::json!([]),
        "text runs off the page"
    );

    // Printed to A4: a sane number of pages.
    let pdf = out.join("report.pdf");
    let r = browser(
        &chromium,
        profile.path(),
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
            &format!("file://{}", html.display()),
        ],
    );
    assert!(
        pdf.is_file(),
        "no PDF: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    let pages = match pdfinfo {
        Some(p) => {
            let info = String::from_utf8_lossy(&Command::new(p).arg(&pdf).output().unwrap().stdout)
                .into_owned();
            let size = info
                .lines()
                .find(|l| l.starts_with("Page size:"))
                .unwrap_or("")
                .to_string();
            assert!(
                size.contains("595") && size.contains("841") || size.contains("A4"),
                "not A4: {size}"
            );
            info.lines()
                .find_map(|l| l.strip_prefix("Pages:"))
                .and_then(|n| n.trim().parse::<usize>().ok())
                .unwrap_or(0)
        }
        None => String::from_utf8_lossy(&std::fs::read(&pdf).unwrap())
            .matches("/Type /Page\n")
            .count(),
    };
    assert!((4..=30).contains(&pages), "{pages} pages");
}
