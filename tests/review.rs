//! `social-value submit` and `review`: a submission travels, any edit shows, over-claiming and
//! hostile files are rated, and the example is all green.

mod common;

use common::{run, run_in, Fixture};
use std::path::Path;

fn submit(dir: &Path, project: &str, out: &str) {
    let r = run_in(dir, &["submit", project, "--out", out]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

fn review_json(dir: &Path, file: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["review", file, "--format", "json"];
    args.extend_from_slice(extra);
    let r = run_in(dir, &args);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    (r.code, r.json())
}

fn rating(j: &serde_json::Value, check: &str) -> String {
    j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == check)
        .map(|c| c["rating"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

fn findings(j: &serde_json::Value) -> String {
    j["checks"].to_string()
}

#[test]
fn the_example_submission_recomputes_and_its_claims_beside_each_other_are_put_to_the_reviewer() {
    let dir = tempfile::tempdir().unwrap();
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield-cvs/project.toml");
    submit(dir.path(), project.to_str().unwrap(), "oak.toml");
    let text = std::fs::read_to_string(dir.path().join("oak.toml")).unwrap();
    // No volunteer names, no story without consent.
    for secret in ["Margaret", "Okafor", "Not ready to share", "Young carer"] {
        assert!(!text.contains(secret), "{secret} in the submission");
    }
    let (code, j) = review_json(dir.path(), "oak.toml", &[]);
    // WELLBYs beside two wellbeing proxies, each with a reason the people differ: a person
    // must judge that, so amber, never green; nothing is red.
    assert_eq!(j["overall"], "amber", "{}", findings(&j));
    assert_eq!(code, 0);
    for check in ["integrity", "reproducibility", "toolkit", "evidence"] {
        assert_eq!(rating(&j, check), "green", "{check}: {}", findings(&j));
    }
    assert_eq!(rating(&j, "over-claiming"), "amber", "{}", findings(&j));
    let f = findings(&j);
    assert!(f.contains("every figure recomputes to the penny"), "{f}");
    assert!(
        f.contains("outcomes.csv line 8 (wellbeing.into-employment) is claimed beside the WELLBY line from people's own answers (wellby), which must never be added for the same people; the organisation says: \\\"Course members are job seekers"),
        "{f}"
    );
    assert!(
        f.contains("of transfers (benefits or taxes no longer paid) is shown apart"),
        "{f}"
    );
    // The WELLBY line's adjustments are its indicator's, not a change needing a reason.
    assert!(!f.contains("(wellby): changes"), "{f}");
}

#[test]
fn editing_one_number_turns_integrity_red() {
    let f = Fixture::new();
    submit(f.dir.path(), "project.toml", "sub.toml");
    let text = std::fs::read_to_string(f.path("sub.toml")).unwrap();
    assert!(text.contains("quantity = \"60\""));
    f.write(
        "sub.toml",
        &text.replacen("quantity = \"60\"", "quantity = \"70\"", 1),
    );
    let (code, j) = review_json(f.dir.path(), "sub.toml", &["--toolkit", "test-kit.toml"]);
    assert_eq!(code, 3, "red exits 3");
    assert_eq!(j["overall"], "red");
    assert_eq!(rating(&j, "integrity"), "red");
    assert!(findings(&j).contains("the file was changed after it was written"));
    // Recomputing the edited inputs no longer gives the claimed figures either.
    assert_eq!(rating(&j, "reproducibility"), "red", "{}", findings(&j));
}

#[test]
fn zero_deadweight_and_ten_year_durations_are_over_claiming() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity,deadweight,drop_off,duration,reason\noutcome.big,60,0,0,10,we believe it lasts\n");
    submit(f.dir.path(), "project.toml", "sub.toml");
    let (_, j) = review_json(f.dir.path(), "sub.toml", &["--toolkit", "test-kit.toml"]);
    assert_eq!(rating(&j, "over-claiming"), "amber", "{}", findings(&j));
    let all = findings(&j);
    assert!(
        all.contains("deadweight 0% where the toolkit uses 40%"),
        "{all}"
    );
    assert!(all.contains("claimed for 10 years"), "{all}");
    assert!(all.contains("no drop-off over 10 years"), "{all}");
    assert!(
        all.contains("ratio") && all.contains("above 6.6 : 1"),
        "{all}"
    );
}

#[test]
fn hostile_files_are_red_never_a_crash() {
    let f = Fixture::new();
    submit(f.dir.path(), "project.toml", "good.toml");
    let good = std::fs::read(f.path("good.toml")).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.toml", Vec::new()),
        ("binary.toml", vec![0, 159, 146, 150, 255, 0, 1]),
        ("truncated.toml", good[..good.len() / 2].to_vec()),
        (
            "deep.toml",
            format!("a = {}1{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
        ),
        (
            "wrong.toml",
            b"[submission]\nformat_version = 99\n".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        f.write_bytes(name, &bytes);
        let (code, j) = review_json(f.dir.path(), name, &[]);
        assert_eq!(code, 3, "{name}");
        assert_eq!(rating(&j, "integrity"), "red", "{name}: {}", findings(&j));
    }
    let missing = run_in(f.dir.path(), &["review", "nope.toml"]);
    assert_eq!(missing.code, 1);
}

#[test]
fn submission_text_is_escaped_in_the_review_files() {
    let f = Fixture::new();
    let p = std::fs::read_to_string(f.path("project.toml"))
        .unwrap()
        .replace(
            "name = \"Test Org\"",
            "name = \"<script>alert(1)</script>\"",
        );
    f.write("project.toml", &p);
    submit(f.dir.path(), "project.toml", "sub.toml");
    let r = run_in(f.dir.path(), &["review", "sub.toml", "--out", "rev"]);
    assert!(r.code == 0 || r.code == 3, "{}", r.stderr);
    let html = std::fs::read_to_string(f.path("rev/review.html")).unwrap();
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
    let md = std::fs::read_to_string(f.path("rev/review.md")).unwrap();
    assert!(!md.contains("<script>"));
}

#[test]
fn another_copy_of_the_same_bank_must_give_the_same_figures() {
    let f = Fixture::new();
    submit(f.dir.path(), "project.toml", "sub.toml");
    // The commissioner's test-kit 1.0 values the outcome at £8,600, not £8,500: the same bank
    // by name and version, with other content. The return's figures must recompute to the
    // penny with it, and do not: red, exit 3.
    f.write(
        "mine.toml",
        &common::TOOLKIT.replacen("value = 8500", "value = 8600", 1),
    );
    let (code, j) = review_json(f.dir.path(), "sub.toml", &["--toolkit", "mine.toml"]);
    assert_eq!(
        (code, rating(&j, "reproducibility").as_str()),
        (3, "red"),
        "{}",
        findings(&j)
    );
    assert_eq!(rating(&j, "toolkit"), "amber", "{}", findings(&j));
    let all = findings(&j);
    // 60 × £8,600 × 0.6 × 0.7 = £216,720; + £151,704 ÷ 1.035 = £146,573.91: £363,293.91.
    assert!(all.contains("recomputed with yours: £363,293.91"), "{all}");
    assert!(
        all.contains("present value: claimed 359069.57, recomputed 363293.91"),
        "{all}"
    );
    // Another version of the bank is not the same bank: the figures cannot be checked to the
    // penny, which is said (amber), and the recomputed figure is shown.
    f.write(
        "mine.toml",
        &common::TOOLKIT
            .replacen("value = 8500", "value = 8600", 1)
            .replacen("version = \"1.0\"", "version = \"2.0\"", 1),
    );
    let (code, j) = review_json(f.dir.path(), "sub.toml", &["--toolkit", "mine.toml"]);
    assert_eq!(
        (code, rating(&j, "reproducibility").as_str()),
        (0, "amber"),
        "{}",
        findings(&j)
    );
    assert!(findings(&j).contains("made with toolkit test-kit 1.0, which you do not have"));
}

#[test]
fn network_places_the_submission_among_others() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.path("inbox/north")).unwrap();
    for (i, q) in ["30", "40", "50", "60", "70"].iter().enumerate() {
        f.write(
            "outcomes.csv",
            &format!("proxy,quantity\noutcome.big,{q}\n"),
        );
        f.write(
            "project.toml",
            &common::PROJECT.replace("GB-TEST-1", &format!("GB-TEST-{}", i + 10)),
        );
        // A subfolder is read, as `network` reads it.
        let folder = if i == 0 { "inbox/north" } else { "inbox" };
        submit(f.dir.path(), "project.toml", &format!("{folder}/s{i}.toml"));
    }
    f.write("inbox/junk.toml", "not a submission");
    f.write("outcomes.csv", "proxy,quantity\noutcome.big,600\n");
    f.write("project.toml", common::PROJECT);
    submit(f.dir.path(), "project.toml", "big.toml");
    let (_, j) = review_json(
        f.dir.path(),
        "big.toml",
        &["--network", "inbox", "--toolkit", "test-kit.toml"],
    );
    assert_eq!(rating(&j, "network"), "amber", "{}", findings(&j));
    let all = findings(&j);
    assert!(
        all.contains("SROI ratio 14.36 (recomputed) is 6 of 6 from the lowest, an outlier"),
        "{all}"
    );
    assert!(
        all.contains("1 other entries in the folder are not counted (quarantined or skipped, as `network` lists them); 5 returns are"),
        "{all}"
    );
    // The network counts the same five.
    let n = f.network(&["--format", "json"]).json();
    assert_eq!(n["included"], 5);
}

#[test]
fn submit_never_overwrites_other_files() {
    let f = Fixture::new();
    run_in(
        f.dir.path(),
        &["submit", "project.toml", "--out", "project.toml"],
    )
    .fails_with(&["is not a submission, so it is left alone"]);
    let _ = run(&["--help"]);
}

#[test]
fn a_toolkit_sent_beside_the_submission_is_not_trusted() {
    // An inflated copy of the bundled bank, sent with the submission, must not make it green.
    let dir = tempfile::tempdir().unwrap();
    let bank =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("proxies/uk-core.toml"))
            .unwrap();
    std::fs::write(
        dir.path().join("uk-core.toml"),
        bank.replacen("value = 114\n", "value = 130\n", 1),
    )
    .unwrap();
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield-cvs");
    for f in [
        "project.toml",
        "volunteer_hours.csv",
        "outcomes.csv",
        "stories.csv",
        "indicators.csv",
    ] {
        std::fs::copy(project.join(f), dir.path().join(f)).unwrap();
    }
    submit(dir.path(), "project.toml", "sub.toml");
    let (_, j) = review_json(dir.path(), "sub.toml", &[]);
    assert_eq!(rating(&j, "toolkit"), "amber", "{}", findings(&j));
    assert_ne!(j["overall"], "green");
}

#[test]
fn forged_results_that_contradict_themselves_are_red() {
    let f = Fixture::new();
    submit(f.dir.path(), "project.toml", "sub.toml");
    let text = std::fs::read_to_string(f.path("sub.toml")).unwrap();
    let forged = text.replacen(
        "present_value = \"359069.57\"\nnet_present_value",
        "present_value = \"959069.57\"\nnet_present_value",
        1,
    );
    assert_ne!(forged, text);
    // Re-fingerprint it as a forger would.
    let doc: toml::Table = toml::from_str(&forged).unwrap();
    let fp = social_value::submission::fingerprint_of_document(&doc);
    let old_fp = text
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint = \"sha256:"))
        .unwrap()
        .trim_end_matches('"');
    let forged = forged.replacen(&format!("sha256:{old_fp}"), &fp, 1);
    f.write("forged.toml", &forged);
    let (code, j) = review_json(f.dir.path(), "forged.toml", &["--toolkit", "test-kit.toml"]);
    assert_eq!(
        rating(&j, "integrity"),
        "green",
        "the forger recomputed the fingerprint"
    );
    assert_eq!(rating(&j, "reproducibility"), "red", "{}", findings(&j));
    assert!(findings(&j)
        .contains("the lines add up to £359,069.57, not the claimed present value £959,069.57"));
    assert_eq!(code, 3);
}

#[test]
fn out_of_range_adjustments_cannot_be_recomputed() {
    let f = Fixture::new();
    submit(f.dir.path(), "project.toml", "sub.toml");
    let text = std::fs::read_to_string(f.path("sub.toml"))
        .unwrap()
        .replacen("deadweight = \"0.4\"", "deadweight = \"-1\"", 1);
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let fp = social_value::submission::fingerprint_of_document(&doc);
    let start = text.find("fingerprint = \"sha256:").unwrap() + "fingerprint = \"".len();
    let text = format!("{}{}{}", &text[..start], fp, &text[start + fp.len()..]);
    f.write("neg.toml", &text);
    let (_, j) = review_json(f.dir.path(), "neg.toml", &["--toolkit", "test-kit.toml"]);
    assert_eq!(rating(&j, "reproducibility"), "red", "{}", findings(&j));
    assert!(
        findings(&j).contains("deadweight -1 is not between 0 and 1"),
        "{}",
        findings(&j)
    );
}

#[test]
fn an_investment_line_named_like_volunteer_time_is_kept() {
    let f = Fixture::new();
    f.add_to_project("\n[[investment]]\nsource = \"Volunteer time, donated by a local firm\"\namount = 20000\nin_kind = true\n");
    submit(f.dir.path(), "project.toml", "sub.toml");
    assert!(std::fs::read_to_string(f.path("sub.toml"))
        .unwrap()
        .contains("donated by a local firm"));
    let (_, j) = review_json(f.dir.path(), "sub.toml", &["--toolkit", "test-kit.toml"]);
    assert_eq!(rating(&j, "reproducibility"), "green", "{}", findings(&j));
}
